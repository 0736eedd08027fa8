//! Prodigy JSONL, read and written: `spans` in code points (`token_end` inclusive),
//! `relations` between spans by their `head_span`/`child_span`, `answer`.
//!
//! Examples answered `reject` or `ignore` are skipped (and counted) unless
//! `ReadOptions::keep_rejected`; the answer stays in the metadata either way. Written
//! examples hold every span, overlapping ones too, as Prodigy's `spans.manual` data
//! does, unless `WriteOptions::prodigy_ner` asks for NER-style examples (no overlaps,
//! as `ner.manual` needs).

use super::general::{describe, span_objects, take};
use super::parse::{Ctx, Layer, Parts};
use crate::formats::tokenize::Token;
use crate::formats::{FormatError, Keeps, RawRelation, RawSpan, Record, Warning, expressible};
use crate::model::Span;
use serde_json::{Map, Value, json};

pub(crate) fn read(
    rest: &mut Map<String, Value>,
    p: &mut Parts,
    ctx: &Ctx,
) -> Result<(), FormatError> {
    if let Some(answer @ ("reject" | "ignore")) = rest.get("answer").and_then(Value::as_str)
        && !ctx.options.keep_rejected
    {
        return Err(FormatError::skip(
            ctx.file,
            ctx.line,
            format!("answer {answer}: skipped; use --keep-rejected to import it"),
        ));
    }
    let mut layer = Layer::default();
    if let Some(v) = take(rest, "spans") {
        layer.spans = span_objects(&v, ctx)?;
    }
    if let Some(v) = take(rest, "relations") {
        layer.relations = relations(&v, &layer.spans, ctx)?;
    }
    // Tokens follow from the text and the spans; the writer makes them again.
    rest.shift_remove("tokens");
    p.layers.push(layer);
    Ok(())
}

/// Prodigy relations name their ends by span (`head_span`, `child_span`) or only by
/// token (`head`, `child`); an end that matches no span is kept in the key, so the
/// warning for the dropped relation says which it was.
fn relations(v: &Value, spans: &[RawSpan], ctx: &Ctx) -> Result<Vec<RawRelation>, FormatError> {
    let list = v
        .as_array()
        .ok_or_else(|| ctx.err("\"relations\" must be a list"))?;
    list.iter()
        .enumerate()
        .map(|(i, r)| {
            let o = r.as_object().ok_or_else(|| {
                ctx.err(format!(
                    "\"relations\"[{i}] must be an object, found {}",
                    describe(r)
                ))
            })?;
            Ok(RawRelation {
                key: i.to_string(),
                label: o
                    .get("label")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                from: end_key(o, "head_span", "head", spans),
                to: end_key(o, "child_span", "child", spans),
                line: ctx.line,
                note: None,
            })
        })
        .collect()
}

fn end_key(o: &Map<String, Value>, span_key: &str, token_key: &str, spans: &[RawSpan]) -> String {
    let Some(s) = o.get(span_key).and_then(Value::as_object) else {
        return match o.get(token_key).and_then(Value::as_u64) {
            Some(t) => format!("(token {t}, no {span_key})"),
            None => format!("(no {span_key})"),
        };
    };
    let offset = |k: &str| s.get(k).and_then(Value::as_u64).map(|n| n as usize);
    let (Some(a), Some(b)) = (offset("start"), offset("end")) else {
        return format!("({span_key} without start and end)");
    };
    let label = s.get("label").and_then(Value::as_str);
    spans
        .iter()
        .find(|x| x.fragments.first() == Some(&(a, b)) && label.is_none_or(|l| l == x.label))
        .map_or_else(|| format!("({span_key} {a}..{b})"), |x| x.key.clone())
}

/// The Prodigy example for a record, and what it dropped. With `ner`, overlapping
/// spans are dropped (with warnings) as `ner.manual` examples need.
pub(crate) fn object(rec: &Record, ner: bool) -> (Value, Vec<Warning>) {
    let keeps = Keeps {
        relations: true,
        overlaps: !ner,
        ..Keeps::default()
    };
    let (spans, mut warnings) = expressible(rec, crate::formats::Format::Prodigy, keeps);
    let tokens = super::span_tokens(rec, &spans);
    let text = rec.doc.text();
    let index = rec.doc.index();
    let chars_of = |a: usize, b: usize| index.slice(text, a..b).to_string();
    let span_json = |s: &Span| {
        let (token_start, token_end) = token_range(&tokens, s);
        json!({
            "start": s.range.start(), "end": s.range.end(),
            "token_start": token_start, "token_end": token_end,
            "label": &*s.label,
            "text": chars_of(s.range.start(), s.range.end()),
        })
    };
    let kept: std::collections::HashMap<_, _> = spans.iter().map(|s| (s.id, *s)).collect();
    let mut relations = Vec::new();
    for r in rec.set.relations() {
        match (kept.get(&r.from), kept.get(&r.to)) {
            (Some(a), Some(b)) => relations.push(json!({
                "head": token_range(&tokens, a).1, "child": token_range(&tokens, b).1,
                "label": &*r.label, "head_span": span_json(a), "child_span": span_json(b),
            })),
            _ => warnings.push(Warning {
                doc: rec.name.clone(),
                item: format!("relation {} {}", r.id, r.label),
                reason: "dropped: one of its spans was dropped".into(),
            }),
        }
    }
    let mut o = Map::new();
    o.insert("text".into(), text.into());
    o.insert("tokens".into(), tokens_json(rec, &tokens));
    o.insert("spans".into(), spans.iter().map(|s| span_json(s)).collect());
    if !relations.is_empty() {
        o.insert("relations".into(), Value::Array(relations));
    }
    put_meta(rec, &mut o);
    (Value::Object(o), warnings)
}

/// The first and the last (inclusive) token of a span. Tokens are cut at every
/// span's start and end (see [`super::span_tokens`]), so even overlapping spans are
/// whole tokens.
fn token_range(tokens: &[Token], s: &Span) -> (usize, usize) {
    let first = tokens.partition_point(|t| t.start < s.range.start());
    let last = tokens.partition_point(|t| t.end < s.range.end());
    (first, last)
}

fn tokens_json(rec: &Record, tokens: &[Token]) -> Value {
    let text = rec.doc.text();
    let index = rec.doc.index();
    let len = rec.doc.len_chars();
    tokens
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let ws = t.end < len
                && index
                    .slice(text, t.end..t.end + 1)
                    .chars()
                    .all(char::is_whitespace);
            json!({"text": index.slice(text, t.start..t.end), "start": t.start, "end": t.end, "id": i, "ws": ws})
        })
        .collect()
}

/// `answer` (accept unless the record says otherwise) and Prodigy's own `_` keys at
/// the top level, the rest of the metadata (and the record's id) in `meta`.
fn put_meta(rec: &Record, o: &mut Map<String, Value>) {
    let mut meta = rec.meta.clone();
    let answer = meta
        .shift_remove("answer")
        .unwrap_or_else(|| "accept".into());
    o.insert("answer".into(), answer);
    let internal: Vec<String> = meta
        .keys()
        .filter(|k| k.starts_with('_'))
        .cloned()
        .collect();
    for k in internal {
        if let Some(v) = meta.shift_remove(&k) {
            o.insert(k, v);
        }
    }
    if let Some(id) = &rec.external_id {
        meta.entry("id").or_insert_with(|| id.clone());
    }
    if !meta.is_empty() {
        o.insert("meta".into(), Value::Object(meta));
    }
}
