//! Annotations from the columns of the token rows, layer by layer.
//!
//! Only entity layers become spans: DKPro's `NamedEntity` (label: its `value`) and the
//! span layers the user names in [`ReadOptions::webanno_layers`] (label: the first
//! feature with a value, else the layer's short name; other features are kept as
//! attributes). Relation layers whose base layer is imported become relations
//! ([`super::relations`]). Every other layer — POS, lemma, morphology, dependency,
//! chunks, sentence layers, coreference chains, anything else — is one warning naming
//! it and how many annotations it had.
//!
//! An annotation is found as INCEpTION finds it: on one row, stacked value `k` of every
//! column of a layer is the same annotation; a `[N]` joins rows into one annotation
//! (N is unique per document, so it is looked up per layer here).

use super::Cx;
use super::body::Unit;
use super::escape::{split_chain, split_disambig, split_stack, unescape_value};
use super::header::{ColKind, Header, Layer, LayerKind};
use crate::formats::{FormatError, RawRelation, RawSpan, ReadOptions, Warning};
use crate::model::Normalization;
use std::collections::{HashMap, HashSet};

pub(super) const NE: &str = "de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity";

/// What the columns give: spans and relations to build, and what was not imported.
#[derive(Debug, Default)]
pub(super) struct Found {
    pub spans: Vec<RawSpan>,
    pub relations: Vec<RawRelation>,
    pub warnings: Vec<Warning>,
}

/// One annotation of a span layer.
#[derive(Debug)]
pub(super) struct Ann {
    /// The unit (row) where it starts, and its stacking position there.
    first: usize,
    stack: usize,
    line: usize,
    /// Code points.
    begin: usize,
    end: usize,
    id: Option<u64>,
    /// Per column of the layer: the value (still escaped); `None` for `*`, `_` or none.
    values: Vec<Option<String>>,
}

/// The annotations of one span layer and where they are.
#[derive(Debug, Default)]
pub(super) struct Table {
    pub anns: Vec<Ann>,
    /// Per unit: the annotation at each stacking position.
    pub slots: Vec<Vec<usize>>,
    /// Disambiguation id → annotation.
    pub by_id: HashMap<u64, usize>,
    /// Source keys of the annotations that became spans (`None`: not imported).
    pub keys: Vec<Option<String>>,
}

impl Table {
    /// The annotation at stacking position `k` of unit `ui`, found or made.
    fn annotation(
        &mut self,
        ui: usize,
        k: usize,
        id: Option<u64>,
        unit: (&Unit, (usize, usize)),
        width: usize,
    ) -> Result<usize, String> {
        let Table {
            anns, slots, by_id, ..
        } = self;
        let slots = slots.get_mut(ui).ok_or("a row outside the document")?;
        if let Some(&a) = slots.get(k) {
            // Another column of this layer made it: an id here must agree.
            if let (Some(id), Some(ann)) = (id, anns.get_mut(a)) {
                match ann.id {
                    Some(x) if x != id => {
                        return Err(format!(
                            "stacked value {} carries [{id}] but an earlier column of the layer gave [{x}] to the same position; the stacked values of a layer's columns must line up",
                            k + 1
                        ));
                    }
                    _ => {
                        ann.id = Some(id);
                        by_id.entry(id).or_insert(a);
                    }
                }
            }
            return Ok(a);
        }
        let (u, (begin, end)) = unit;
        let a = match id.and_then(|d| by_id.get(&d).copied()) {
            Some(a) => {
                if slots.contains(&a) {
                    return Err(format!(
                        "[{}] appears twice on this row",
                        id.unwrap_or_default()
                    ));
                }
                let ann = anns.get_mut(a).ok_or("an unknown annotation")?;
                ann.begin = ann.begin.min(begin);
                ann.end = ann.end.max(end);
                a
            }
            None => {
                anns.push(Ann {
                    first: ui,
                    stack: k,
                    line: u.line,
                    begin,
                    end,
                    id,
                    values: vec![None; width],
                });
                let a = anns.len() - 1;
                if let Some(d) = id {
                    by_id.insert(d, a);
                }
                a
            }
        };
        slots.push(a);
        Ok(a)
    }
}

/// Spans, relations and warnings from every layer of the file.
pub(super) fn read(
    cx: &Cx,
    header: &Header,
    units: &[Unit],
    ranges: &[(usize, usize)],
    options: &ReadOptions,
) -> Result<Found, FormatError> {
    let imported = |l: &Layer| {
        l.kind == LayerKind::Span && (l.name == NE || options.webanno_layers.contains(&l.name))
    };
    let several = header.layers.iter().filter(|l| imported(l)).count() > 1;
    let mut found = Found::default();
    let mut tables: HashMap<&str, Table> = HashMap::new();
    for layer in &header.layers {
        match layer.kind {
            LayerKind::Span if imported(layer) => {
                let mut table = span_table(cx, header, layer, units, ranges, true)?;
                spans_of(cx, header, layer, units, &mut table, several, &mut found);
                tables.insert(&layer.name, table);
            }
            LayerKind::Span => {
                let n = span_table(cx, header, layer, units, ranges, false)?
                    .anns
                    .len();
                let why = "not an entity layer; import it with --webanno-layer if it is one";
                found
                    .warnings
                    .extend(skipped(cx, layer, n, "annotation", why));
            }
            LayerKind::Chain => {
                let mut why = "a coreference chain layer: Entitle imports entities and their relations, not chains".to_string();
                if options.webanno_layers.contains(&layer.name) {
                    why.push_str("; --webanno-layer takes span layers");
                }
                let n = chain_links(layer, header, units);
                found
                    .warnings
                    .extend(skipped(cx, layer, n, "chain link", &why));
            }
            LayerKind::Relation => {}
        }
    }
    // Relations last: their base layer's annotations must all be known.
    for layer in header
        .layers
        .iter()
        .filter(|l| l.kind == LayerKind::Relation)
    {
        let base = layer.base(&header.columns);
        match base.as_deref().and_then(|b| tables.get(b)) {
            Some(table) => super::relations::read(cx, header, layer, units, table, &mut found),
            None => {
                let why = match &base {
                    Some(b) => format!(
                        "they connect annotations of {b}, which is not imported; name it with --webanno-layer if it is an entity layer"
                    ),
                    None => "the layer declares no BT_ base layer".into(),
                };
                let n = entries(layer, units);
                found
                    .warnings
                    .extend(skipped(cx, layer, n, "relation", &why));
            }
        }
    }
    Ok(found)
}

/// The warning for a layer that is not imported (none when it had no annotations).
fn skipped(cx: &Cx, layer: &Layer, n: usize, what: &str, why: &str) -> Option<Warning> {
    (n > 0).then(|| {
        cx.warn(
            format!("layer {}", layer.name),
            format!("{} not imported ({why})", super::counted(n, what)),
        )
    })
}

/// The annotations of a span layer. `strict`: a malformed cell is an error (the layer
/// is imported); otherwise it is only counted as best it can be.
fn span_table(
    cx: &Cx,
    header: &Header,
    layer: &Layer,
    units: &[Unit],
    ranges: &[(usize, usize)],
    strict: bool,
) -> Result<Table, FormatError> {
    let width = layer.cols.len();
    let mut t = Table {
        slots: vec![Vec::new(); units.len()],
        ..Table::default()
    };
    for (ui, (u, &range)) in units.iter().zip(ranges).enumerate() {
        for (p, c) in layer.cols.clone().enumerate() {
            // Slot targets carry a [N] per filler, not the annotation's.
            if matches!(header.columns.get(c), Some(ColKind::SlotTarget)) {
                continue;
            }
            let Some(&cell) = u.cells.get(c).filter(|&&cell| cell != "_") else {
                continue;
            };
            for (k, v) in split_stack(cell).into_iter().enumerate() {
                let at = |m: String| cx.err(u.line, format!("{m} ({})", header.describe_column(c)));
                let (value, id) = match split_disambig(v) {
                    Ok(x) => x,
                    Err(m) if strict => return Err(at(m)),
                    Err(_) => (v, None),
                };
                let a = match t.annotation(ui, k, id, (u, range), width) {
                    Ok(a) => a,
                    Err(m) if strict => return Err(at(m)),
                    Err(_) => continue,
                };
                let slot = t.anns.get_mut(a).and_then(|a| a.values.get_mut(p));
                if let Some(slot) = slot
                    && slot.is_none()
                    && !matches!(value, "*" | "_" | "")
                {
                    *slot = Some(value.to_string());
                }
            }
        }
    }
    Ok(t)
}

/// The spans of an imported layer's annotations (zero-width ones are warnings); their
/// keys go into the table for relations.
fn spans_of(
    cx: &Cx,
    header: &Header,
    layer: &Layer,
    units: &[Unit],
    table: &mut Table,
    several: bool,
    found: &mut Found,
) {
    let cols = header.columns.get(layer.cols.clone()).unwrap_or(&[]);
    let features: Vec<(usize, &str)> = cols
        .iter()
        .enumerate()
        .filter_map(|(p, c)| match c {
            ColKind::Feature(f) => Some((p, f.as_str())),
            _ => None,
        })
        .collect();
    let feature = |name: &str| features.iter().find(|f| f.1 == name).map(|f| f.0);
    let is_ne = layer.name == NE;
    let (value_at, ident_at) = if is_ne {
        (feature("value"), feature("identifier"))
    } else {
        (None, None)
    };
    let mut slot_links = 0;
    for a in &table.anns {
        let unit = units.get(a.first);
        let unit_id = unit.map_or("?", |u| u.id);
        let mut key = match a.stack {
            0 => unit_id.to_string(),
            k => format!("{unit_id}|{}", k + 1),
        };
        if several {
            key = format!("{key} {}", layer.short());
        }
        let has = |p: usize| a.values.get(p).is_some_and(Option::is_some);
        // NamedEntity: its `value`, whatever else it has; other layers: the first feature
        // with a value.
        let label_at = if is_ne {
            value_at
        } else {
            features.iter().map(|f| f.0).find(|&p| has(p))
        };
        let label = label_at
            .and_then(|p| a.values.get(p)?.as_deref())
            .map_or_else(|| layer.short().to_string(), unescape_value);
        slot_links += cols
            .iter()
            .zip(&a.values)
            .filter_map(|(c, v)| matches!(c, ColKind::SlotRole(_)).then_some(v.as_ref()?))
            .map(|v| v.split(';').count())
            .sum::<usize>();
        if a.begin == a.end {
            let at = unit.map_or(0, |u| u.begin);
            found.warnings.push(cx.warn(
                format!("{} {key} {label:?} at {at}-{at} (line {})", layer.short(), a.line),
                "zero-width annotation not imported: an Entitle span covers at least one character".into(),
            ));
            table.keys.push(None);
            continue;
        }
        let mut raw = RawSpan {
            key: key.clone(),
            fragments: vec![(a.begin, a.end)],
            label,
            line: a.line,
            ..Default::default()
        };
        for &(p, name) in &features {
            let Some(Some(v)) = a.values.get(p).filter(|_| Some(p) != label_at) else {
                continue;
            };
            let v = unescape_value(v);
            if Some(p) == ident_at {
                raw.normalizations.push(normalization(v));
            } else {
                raw.attributes.push((name.to_string(), v));
            }
        }
        found.spans.push(raw);
        table.keys.push(Some(key));
    }
    if slot_links > 0 {
        found.warnings.push(cx.warn(
            format!("layer {}", layer.name),
            format!(
                "{} (ROLE_ features) not imported: Entitle has no slot features",
                super::counted(slot_links, "slot link")
            ),
        ));
    }
}

/// A NamedEntity `identifier` (`DB:ID`, or a bare id) as a normalization.
fn normalization(ident: String) -> Normalization {
    match ident.split_once(':') {
        Some((db, id)) => Normalization {
            db: db.to_string(),
            id: id.to_string(),
            name: None,
        },
        None => Normalization {
            db: "identifier".into(),
            id: ident,
            name: None,
        },
    }
}

/// The links of a chain layer: distinct `->C-L` values, or the filled cells of its
/// first column when it has none.
fn chain_links(layer: &Layer, header: &Header, units: &[Unit]) -> usize {
    let mut links = HashSet::new();
    for u in units {
        for c in layer.cols.clone() {
            if !matches!(header.columns.get(c), Some(ColKind::ChainLink)) {
                continue;
            }
            let Some(&cell) = u.cells.get(c).filter(|&&cell| cell != "_") else {
                continue;
            };
            links.extend(
                split_stack(cell)
                    .into_iter()
                    .filter_map(split_chain)
                    .map(|l| (l.1, l.2)),
            );
        }
    }
    if links.is_empty() {
        entries(layer, units)
    } else {
        links.len()
    }
}

/// Annotations of a layer counted row by row: the most stacked values of its columns
/// on each row (a relation or chain link sits on one row).
pub(super) fn entries(layer: &Layer, units: &[Unit]) -> usize {
    units
        .iter()
        .map(|u| {
            layer
                .cols
                .clone()
                .filter_map(|c| u.cells.get(c).filter(|&&cell| cell != "_"))
                .map(|cell| split_stack(cell).len())
                .max()
                .unwrap_or(0)
        })
        .sum()
}
