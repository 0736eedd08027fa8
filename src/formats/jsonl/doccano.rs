//! doccano JSONL, read and written. Offsets are UTF-16 code units (converted in
//! `parse.rs` once the text is known). Shapes read:
//!
//! * `"label": [[start, end, "L"]]` — the current export;
//! * `"labels": [[start, end, "L"]]` — doccano 1.0's import and doccano-transformer;
//! * `"entities": [{"id", "label", "start_offset", "end_offset"}]` with
//!   `"relations": [{"id", "from_id", "to_id", "type"}]` — relation projects;
//! * `"annotations": [{"label", "start_offset", "end_offset", "user", "label_name"?,
//!   "user_name"?}]` — doccano ≤1.x downloads. `label` is a label id there unless
//!   `label_name` gives the name; a line annotated by several users becomes one record
//!   per user (`Record::annotator`).
//!
//! Every other key is the example's metadata (doccano spreads it over the top level).

use super::general::{as_offset, key_of, one_of, relations_by_ids, take, triples, warn_not_read};
use super::parse::{Ctx, Layer, Parts};
use crate::formats::{Format, FormatError, Keeps, RawSpan, Record, Warning, expressible};
use serde_json::{Map, Value, json};

const SPAN_KEYS: [&str; 4] = ["label", "labels", "entities", "annotations"];

pub(crate) fn read(
    rest: &mut Map<String, Value>,
    p: &mut Parts,
    ctx: &Ctx,
) -> Result<(), FormatError> {
    p.utf16 = true;
    match one_of(rest, &SPAN_KEYS, p) {
        Some(("annotations", v)) => p.layers = annotations(&v, p, ctx)?,
        Some(("entities", v)) => {
            let mut layer = Layer {
                spans: entities(&v, p, ctx)?,
                ..Default::default()
            };
            if let Some(v) = take(rest, "relations") {
                layer.relations = relations_by_ids(&v, ["id", "type", "from_id", "to_id"], ctx)?;
            }
            p.layers.push(layer);
        }
        Some((key, v)) => p.layers.push(Layer {
            spans: triples(&v, key, ctx)?,
            ..Default::default()
        }),
        None => {}
    }
    // doccano writes an empty comment list on every example: nothing to keep.
    if rest
        .get("Comments")
        .is_some_and(|c| c.as_array().is_some_and(Vec::is_empty))
    {
        rest.shift_remove("Comments");
    }
    Ok(())
}

fn entities(v: &Value, p: &mut Parts, ctx: &Ctx) -> Result<Vec<RawSpan>, FormatError> {
    let list = v
        .as_array()
        .ok_or_else(|| ctx.err("\"entities\" must be a list"))?;
    let mut ids = Vec::new();
    let spans = list
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let o = e.as_object().ok_or_else(|| {
                ctx.err(format!(
                    "\"entities\"[{i}] must be an object with start_offset, end_offset and label"
                ))
            })?;
            let get = |k: &str| {
                o.get(k)
                    .ok_or_else(|| ctx.err(format!("\"entities\"[{i}] has no \"{k}\"")))
            };
            let (label, is_id) = label_text(o, &format!("\"entities\"[{i}]"), ctx)?;
            if is_id && !ids.contains(&label) {
                ids.push(label.clone());
            }
            Ok(RawSpan {
                key: key_of(o.get("id"), i, &format!("\"entities\"[{i}].id"), ctx)?,
                fragments: vec![(
                    as_offset(get("start_offset")?, ctx, "\"start_offset\"")?,
                    as_offset(get("end_offset")?, ctx, "\"end_offset\"")?,
                )],
                label,
                line: ctx.line,
                ..Default::default()
            })
        })
        .collect::<Result<Vec<_>, FormatError>>()?;
    warn_label_ids(p, &ids);
    Ok(spans)
}

fn warn_label_ids(p: &mut Parts, ids: &[String]) {
    if !ids.is_empty() {
        p.warn(
            format!("label ids {}", ids.join(", ")),
            "kept as label names: this doccano export gives label ids, not names (doccano ≤1.x); rename the labels after import",
        );
    }
}

/// A span's label: `label_name` when present, else `label` as text; the flag says a
/// numeric label id was kept as the name.
fn label_text(
    o: &Map<String, Value>,
    what: &str,
    ctx: &Ctx,
) -> Result<(String, bool), FormatError> {
    match (o.get("label_name"), o.get("label")) {
        (Some(Value::String(name)), _) | (_, Some(Value::String(name))) => {
            Ok((name.clone(), false))
        }
        (_, Some(Value::Number(id))) => Ok((id.to_string(), true)),
        (_, None | Some(Value::Null)) => Err(ctx.err(format!("{what} has no \"label\""))),
        (_, Some(other)) => Err(ctx.err(format!(
            "{what}.label must be a label name or id, found {other}"
        ))),
    }
}

/// Who made an annotation: `user_name`, else `doccano-user-<user>`.
fn user_of(o: &Map<String, Value>) -> Option<String> {
    match (o.get("user_name"), o.get("user")) {
        (Some(Value::String(name)), _) if !name.is_empty() => Some(name.clone()),
        (_, Some(Value::Number(n))) => Some(format!("doccano-user-{n}")),
        (_, Some(Value::String(s))) if !s.is_empty() => Some(format!("doccano-user-{s}")),
        _ => None,
    }
}

/// doccano ≤1.x `annotations`: one layer per user, in the order users first appear.
fn annotations(v: &Value, p: &mut Parts, ctx: &Ctx) -> Result<Vec<Layer>, FormatError> {
    let list = v.as_array().ok_or_else(|| {
        ctx.err("\"annotations\" must be a list of {\"label\", \"start_offset\", \"end_offset\", \"user\"} objects")
    })?;
    let mut layers: Vec<Layer> = Vec::new();
    let mut ids: Vec<String> = Vec::new();
    let mut categories: Vec<String> = Vec::new();
    for (i, a) in list.iter().enumerate() {
        let what = format!("\"annotations\"[{i}]");
        let o = a
            .as_object()
            .ok_or_else(|| ctx.err(format!("{what} must be an object, found {a}")))?;
        let (label, is_id) = label_text(o, &what, ctx)?;
        let offset = |k: &str| o.get(k).filter(|v| !v.is_null());
        let (start, end) = match (offset("start_offset"), offset("end_offset")) {
            (None, None) => {
                categories.push(label);
                continue;
            }
            (Some(s), Some(e)) => (
                as_offset(s, ctx, "\"start_offset\"")?,
                as_offset(e, ctx, "\"end_offset\"")?,
            ),
            (None, _) => return Err(ctx.err(format!("{what} has no \"start_offset\""))),
            (_, None) => return Err(ctx.err(format!("{what} has no \"end_offset\""))),
        };
        if is_id && !ids.contains(&label) {
            ids.push(label.clone());
        }
        let user = user_of(o);
        let span = RawSpan {
            key: key_of(o.get("id"), i, &format!("{what}.id"), ctx)?,
            fragments: vec![(start, end)],
            label,
            annotator: user.clone(),
            line: ctx.line,
            ..Default::default()
        };
        match layers.iter_mut().find(|l| l.annotator == user) {
            Some(layer) => layer.spans.push(span),
            None => layers.push(Layer {
                annotator: user,
                spans: vec![span],
                relations: Vec::new(),
            }),
        }
    }
    warn_label_ids(p, &ids);
    if !categories.is_empty() {
        let v = Value::from(categories);
        warn_not_read(
            p,
            "annotations without offsets",
            &v,
            "these are document categories (doccano text classification), not spans",
        );
    }
    Ok(layers)
}

/// The doccano object for a record (offsets in UTF-16), and what it dropped.
pub(crate) fn object(rec: &Record) -> (Value, Vec<Warning>) {
    let (spans, mut warnings) = expressible(
        rec,
        Format::Doccano,
        Keeps {
            relations: true,
            overlaps: true,
            ..Keeps::default()
        },
    );
    let index = rec.doc.index();
    let u16 = |c: usize| index.utf16_from_char(c).unwrap_or(c);
    let mut o = Map::new();
    o.insert("text".into(), rec.doc.text().into());
    if rec.set.relations().is_empty() {
        let mut label: Vec<(usize, usize, &str)> = spans
            .iter()
            .map(|s| (u16(s.range.start()), u16(s.range.end()), &*s.label))
            .collect();
        label.sort();
        o.insert(
            "label".into(),
            label
                .into_iter()
                .map(|(a, b, l)| json!([a, b, l]))
                .collect(),
        );
    } else {
        let kept: std::collections::HashSet<_> = spans.iter().map(|s| s.id).collect();
        o.insert(
            "entities".into(),
            spans
                .iter()
                .map(|s| {
                    json!({"id": s.id.0, "label": &*s.label, "start_offset": u16(s.range.start()), "end_offset": u16(s.range.end())})
                })
                .collect(),
        );
        let mut relations = Vec::new();
        for r in rec.set.relations() {
            if kept.contains(&r.from) && kept.contains(&r.to) {
                relations.push(
                    json!({"id": r.id.0, "from_id": r.from.0, "to_id": r.to.0, "type": &*r.label}),
                );
            } else {
                warnings.push(Warning {
                    doc: rec.name.clone(),
                    item: format!("relation {} {}", r.id, r.label),
                    reason: "dropped: one of its spans was dropped".into(),
                });
            }
        }
        o.insert("relations".into(), Value::Array(relations));
    }
    // Comments read from a doccano file come back; otherwise doccano's empty list.
    let comments = rec.meta.get("Comments").cloned();
    o.insert("Comments".into(), comments.unwrap_or_else(|| json!([])));
    if let Some(id) = &rec.external_id {
        o.insert("id".into(), id.clone());
    }
    // doccano spreads metadata over the top level, where a few names are taken.
    for (k, v) in &rec.meta {
        if !o.contains_key(k) {
            o.insert(k.clone(), v.clone());
        } else if k != "Comments" {
            warnings.push(Warning {
                doc: rec.name.clone(),
                item: format!("metadata \"{k}\""),
                reason: format!(
                    "dropped: doccano puts metadata at the top level, where \"{k}\" is taken"
                ),
            });
        }
    }
    (Value::Object(o), warnings)
}
