//! Relations of a relation layer whose base layer is imported.
//!
//! A relation sits on the first row of its target: its feature columns, then the
//! source column (`1-3`, or `1-3[S_T]` when source or target needs its disambiguation
//! id). As in INCEpTION's `TsvDocument.resolveReference`, an id above 0 names the
//! annotation; 0 or none means the base layer's first annotation on that row.
//! The label is the relation's first feature (the layer's short name when it has no
//! value); a later feature called `note` is the relation's note (Entitle writes it). A relation that cannot be resolved is dropped with a warning naming its
//! line and column; it never costs the document.

use super::Cx;
use super::body::Unit;
use super::escape::{split_disambig, split_source, split_stack, unescape_value};
use super::header::{ColKind, Header, Layer};
use super::layers::{Found, Table};
use crate::formats::RawRelation;
use std::collections::{BTreeMap, HashMap};

/// The relation feature that holds a relation's note.
pub(super) const NOTE_FEATURE: &str = "note";

/// Add the relations of `layer` (its base layer's annotations are `base`) to `found`.
pub(super) fn read(
    cx: &Cx,
    header: &Header,
    layer: &Layer,
    units: &[Unit],
    base: &Table,
    found: &mut Found,
) {
    let cols = layer.cols.clone();
    let source = cols
        .clone()
        .find(|&c| matches!(header.columns.get(c), Some(ColKind::Source(_))));
    let features: Vec<(usize, &str)> = cols
        .clone()
        .filter_map(|c| match header.columns.get(c) {
            Some(ColKind::Feature(f)) => Some((c, f.as_str())),
            _ => None,
        })
        .collect();
    let unit_at: HashMap<&str, usize> = units.iter().enumerate().map(|(i, u)| (u.id, i)).collect();
    // Values of features after the first, which a relation has no place for.
    let mut unkept: BTreeMap<&str, usize> = BTreeMap::new();
    for (ui, u) in units.iter().enumerate() {
        let stacks: Vec<(usize, Vec<&str>)> = cols
            .clone()
            .filter_map(|c| {
                let cell = u.cells.get(c).filter(|&&cell| cell != "_")?;
                Some((c, split_stack(cell)))
            })
            .collect();
        let value = |c: usize, k: usize| {
            let v = stacks.iter().find(|s| s.0 == c)?.1.get(k).copied()?;
            // A relation's values may carry a [N] INCEpTION ignores.
            let v = split_disambig(v).map_or(v, |(v, _)| v);
            (!matches!(v, "*" | "_" | "")).then_some(v)
        };
        let n = stacks.iter().map(|s| s.1.len()).max().unwrap_or(0);
        for k in 0..n {
            let item = || {
                format!(
                    "relation of layer {} on line {} (stacked value {})",
                    layer.short(),
                    u.line,
                    k + 1
                )
            };
            let resolved = resolve(header, source, &stacks, k, (ui, u), &unit_at, base);
            let (from, to) = match resolved {
                Ok(ends) => ends,
                Err(why) => {
                    found
                        .warnings
                        .push(cx.warn(item(), format!("dropped: {why}")));
                    continue;
                }
            };
            let label = features
                .first()
                .and_then(|&(c, _)| value(c, k))
                .map_or_else(|| layer.short().to_string(), unescape_value);
            let mut note = None;
            for &(c, name) in features.iter().skip(1) {
                match value(c, k) {
                    Some(v) if name == NOTE_FEATURE => note = Some(unescape_value(v)),
                    Some(_) => *unkept.entry(name).or_default() += 1,
                    None => {}
                }
            }
            found.relations.push(RawRelation {
                key: format!("{}|{}", u.id, k + 1),
                label,
                from,
                to,
                line: u.line,
                note,
            });
        }
    }
    for (name, n) in unkept {
        found.warnings.push(cx.warn(
            format!("layer {} feature {name}", layer.name),
            format!(
                "{} not imported: a relation keeps one label, taken from its first feature, and a note (a feature called note)",
                super::counted(n, "value")
            ),
        ));
    }
}

/// The span keys of relation `k` on unit `ui`: (source, target), or why not.
fn resolve(
    header: &Header,
    source: Option<usize>,
    stacks: &[(usize, Vec<&str>)],
    k: usize,
    (ui, u): (usize, &Unit),
    unit_at: &HashMap<&str, usize>,
    base: &Table,
) -> Result<(String, String), String> {
    let Some(src_col) = source else {
        return Err("the layer has no source column (BT_…)".into());
    };
    let column = header.describe_column(src_col);
    let cell = stacks
        .iter()
        .find(|s| s.0 == src_col)
        .and_then(|s| s.1.get(k).copied())
        .ok_or_else(|| format!("it has no source in {column}"))?;
    let (src_unit, (ds, dt)) = split_source(cell).map_err(|m| format!("{m} ({column})"))?;
    let first_on = |unit: usize| base.slots.get(unit).and_then(|s| s.first().copied());
    let from = if ds > 0 {
        base.by_id.get(&ds).copied()
    } else {
        unit_at.get(src_unit).and_then(|&s| first_on(s))
    };
    let to = if dt > 0 {
        base.by_id.get(&dt).copied()
    } else {
        first_on(ui)
    };
    let key =
        |a: Option<usize>, what: String| match a {
            None => Err(format!(
                "its {what} is not an annotation of the base layer ({column})"
            )),
            Some(a) => base.keys.get(a).cloned().flatten().ok_or_else(|| {
                format!("its {what} is a zero-width annotation, which is not imported")
            }),
        };
    let source_name = match ds {
        0 => format!("source {src_unit}"),
        d => format!("source {src_unit}[{d}]"),
    };
    let target_name = match dt {
        0 => format!("target {}", u.id),
        d => format!("target {}[{d}]", u.id),
    };
    Ok((key(from, source_name)?, key(to, target_name)?))
}
