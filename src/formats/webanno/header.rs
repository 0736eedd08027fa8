//! The header: `#FORMAT=WebAnno TSV 3.x` and the layer declarations (`#T_SP=`,
//! `#T_CH=`, `#T_RL=`), which fix the annotation columns of every token row.
//!
//! Columns follow INCEpTION's `Tsv3XDeserializer.readSchema`: each non-empty
//! `|`-separated field after the type name is one column; a layer with none has one
//! placeholder column (`*` where an annotation is, `_` where none is).

use super::Cx;
use crate::formats::FormatError;
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LayerKind {
    Span,
    Chain,
    Relation,
}

/// What one annotation column holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum ColKind {
    /// A layer without features: `*` marks an annotation.
    Placeholder,
    /// A primitive feature (its short name).
    Feature(String),
    /// A slot (link) feature's roles, `ROLE_…`.
    SlotRole(String),
    /// The column after a slot role: the ids of the slot fillers.
    SlotTarget,
    /// A relation's source unit (`BT_<base type>`): the base span type it connects.
    Source(String),
    /// A chain's `referenceType` (`TYPE[C]`).
    ChainType,
    /// A chain's `referenceRelation` (`REL->C-L`).
    ChainLink,
}

#[derive(Debug, Clone)]
pub(super) struct Layer {
    /// The full type name, e.g. `de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity`.
    pub name: String,
    pub kind: LayerKind,
    /// Its columns among the annotation columns (index 0 is the fourth TSV column).
    pub cols: Range<usize>,
}

impl Layer {
    /// The type's last dotted part: `NamedEntity`.
    pub fn short(&self) -> &str {
        self.name.rsplit('.').next().unwrap_or(&self.name)
    }
    /// The base span type a relation layer connects (`BT_…`), if it declares one.
    pub fn base(&self, columns: &[ColKind]) -> Option<String> {
        columns
            .get(self.cols.clone())?
            .iter()
            .find_map(|c| match c {
                ColKind::Source(b) => Some(b.clone()),
                _ => None,
            })
    }
}

#[derive(Debug, Clone)]
pub(super) struct Header {
    /// `x` of `WebAnno TSV 3.x` (text escaping changed with 3.2).
    pub minor: u32,
    pub layers: Vec<Layer>,
    /// Every annotation column, in file order; `layers[i].cols` index into it.
    pub columns: Vec<ColKind>,
    /// Index (into the file's lines) of the first line after the header.
    pub next: usize,
}

impl Header {
    /// Human name of annotation column `c` for messages: `column 5 (NamedEntity value)`.
    pub fn describe_column(&self, c: usize) -> String {
        let layer = self.layers.iter().find(|l| l.cols.contains(&c));
        let feature = match self.columns.get(c) {
            Some(ColKind::Feature(f) | ColKind::SlotRole(f)) => f.as_str(),
            Some(ColKind::Placeholder) => "(no feature)",
            Some(ColKind::SlotTarget) => "(slot targets)",
            Some(ColKind::Source(_)) => "(relation source)",
            Some(ColKind::ChainType) => "referenceType",
            Some(ColKind::ChainLink) => "referenceRelation",
            None => "",
        };
        match layer {
            Some(l) => format!("column {} ({} {feature})", c + 4, l.short()),
            None => format!("column {}", c + 4),
        }
    }
}

/// The format line and the layer declarations that follow it (blank lines between
/// them are allowed). The header ends at the first other line.
pub(super) fn parse(lines: &[(usize, &str)], cx: &Cx) -> Result<Header, FormatError> {
    let first = lines.first().map_or("", |l| l.1);
    let minor = format_version(first.trim_start_matches('\u{feff}')).ok_or_else(|| {
        let shown: String = first.chars().take(60).collect();
        cx.err(
            1,
            format!(
                "the first line must be #FORMAT=WebAnno TSV 3.x (INCEpTION writes #FORMAT=WebAnno TSV 3.3); it is {shown:?}"
            ),
        )
    })?;
    let mut header = Header {
        minor,
        layers: Vec::new(),
        columns: Vec::new(),
        next: lines.len(),
    };
    for (i, &(n, line)) in lines.iter().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let Some((kind, decl)) = layer_line(line) else {
            header.next = i;
            break;
        };
        let (name, cols) = declaration(kind, decl).map_err(|m| cx.err(n, m))?;
        if header.layers.iter().any(|l| l.name == name) {
            return Err(cx.err(
                n,
                format!("layer {name} is declared twice; each layer has one header line"),
            ));
        }
        let start = header.columns.len();
        header.columns.extend(cols);
        header.layers.push(Layer {
            name,
            kind,
            cols: start..header.columns.len(),
        });
    }
    Ok(header)
}

/// The minor version of a `#FORMAT=WebAnno TSV 3[.x]` line.
fn format_version(line: &str) -> Option<u32> {
    let rest = line.trim_end().strip_prefix("#FORMAT=WebAnno TSV 3")?;
    match rest.strip_prefix('.') {
        Some(minor) => minor.parse().ok(),
        None => rest.is_empty().then_some(0),
    }
}

/// The kind and declaration of a `#T_SP=` / `#T_CH=` / `#T_RL=` line.
pub(super) fn layer_line(line: &str) -> Option<(LayerKind, &str)> {
    if let Some(d) = line.strip_prefix("#T_SP=") {
        Some((LayerKind::Span, d))
    } else if let Some(d) = line.strip_prefix("#T_CH=") {
        Some((LayerKind::Chain, d))
    } else {
        line.strip_prefix("#T_RL=")
            .map(|d| (LayerKind::Relation, d))
    }
}

/// The type name and columns of one layer declaration.
fn declaration(kind: LayerKind, decl: &str) -> Result<(String, Vec<ColKind>), String> {
    let mut fields = decl.split('|').map(str::trim).filter(|f| !f.is_empty());
    let name = fields
        .next()
        .ok_or_else(|| format!("layer declaration {decl:?} has no type name"))?
        .to_string();
    let mut cols = Vec::new();
    for f in fields {
        let after_role = matches!(cols.last(), Some(ColKind::SlotRole(_)));
        cols.push(match kind {
            LayerKind::Span if f.starts_with("ROLE_") => ColKind::SlotRole(f.to_string()),
            LayerKind::Span if after_role && f.contains('.') => ColKind::SlotTarget,
            LayerKind::Relation if f.starts_with("BT_") => {
                ColKind::Source(f.strip_prefix("BT_").unwrap_or(f).to_string())
            }
            LayerKind::Chain if f == "referenceType" => ColKind::ChainType,
            LayerKind::Chain if f == "referenceRelation" => ColKind::ChainLink,
            _ => ColKind::Feature(f.to_string()),
        });
    }
    if cols.is_empty() {
        cols.push(ColKind::Placeholder);
    }
    Ok((name, cols))
}
