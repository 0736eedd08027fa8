//! The general path: any object of any flavor, read as `serde_json::Value`s — except
//! the text, which stays borrowed from the line (see `parse.rs`) — with every error
//! worded for the user. Also spaCy's `[text, {"entities": ...}]` pairs, the fields the
//! flavors share (span objects, `[start, end, label]` triples, relations by ids), and
//! the rule that keys which look like annotations are never dropped silently.

use super::Flavor;
use super::parse::{Ctx, Layer, Parts};
use crate::formats::{FormatError, RawRelation, RawSpan};
use crate::model::Normalization;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::borrow::Cow;

/// The value of `"text"`: a string (borrowed when it has no escapes), or what else it
/// was, for the message.
enum TextField<'a> {
    Str(Cow<'a, str>),
    Other(&'static str),
}

impl<'de: 'a, 'a> serde::Deserialize<'de> for TextField<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = TextField<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(TextField::Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(TextField::Str(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(TextField::Str(Cow::Owned(v)))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(TextField::Other("a boolean"))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(TextField::Other("a number"))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(TextField::Other("a number"))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(TextField::Other("a number"))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(TextField::Other("null"))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(TextField::Other("a list"))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(TextField::Other("an object"))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// A line's object: its text apart, every other key as a `Value`, in file order.
struct Envelope<'a> {
    text: Option<TextField<'a>>,
    rest: Map<String, Value>,
}

/// Reads an [`Envelope`]; with `skip_text`, the text is checked but not decoded (see
/// `big.rs`) and reads as empty.
struct EnvelopeSeed {
    skip_text: bool,
}

impl<'de> DeserializeSeed<'de> for EnvelopeSeed {
    type Value = Envelope<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Envelope<'de>, D::Error> {
        struct V {
            skip_text: bool,
        }
        impl<'de> Visitor<'de> for V {
            type Value = Envelope<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut env = Envelope {
                    text: None,
                    rest: Map::new(),
                };
                while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                    if key == "text" && self.skip_text {
                        map.next_value::<IgnoredAny>()?;
                        env.text = Some(TextField::Str(Cow::Borrowed("")));
                    } else if key == "text" {
                        env.text = Some(map.next_value()?);
                    } else {
                        env.rest.insert(key.into_owned(), map.next_value()?);
                    }
                }
                Ok(env)
            }
        }
        d.deserialize_map(V {
            skip_text: self.skip_text,
        })
    }
}

/// Read one object (or spaCy pair) of any flavor. With `skip_text` the text is not
/// decoded (the caller decodes it, see `big.rs`) and comes back empty.
pub(crate) fn parse<'a>(
    s: &'a str,
    ctx: &Ctx,
    skip_text: bool,
) -> Result<(Parts, Cow<'a, str>), FormatError> {
    let (text, mut rest) = envelope(s, ctx, skip_text)?;
    let text = match text {
        Some(TextField::Str(t)) => t,
        Some(TextField::Other(kind)) => {
            return Err(ctx.err(format!("\"text\" must be a string, found {kind}")));
        }
        None => {
            // A Label Studio task keeps its text under "data".
            let hint = if rest.contains_key("data") {
                " (a Label Studio task? read it with --from label-studio)"
            } else {
                ""
            };
            return Err(ctx.err(format!(
                "no \"text\" field; every {} needs the document text{hint}",
                ctx.unit_word()
            )));
        }
    };
    let mut parts = Parts::new(take(&mut rest, "id"), ctx);
    parts.meta = match rest.shift_remove("meta") {
        Some(Value::Object(m)) => m,
        Some(Value::Null) | None => Map::new(),
        Some(other) => {
            return Err(ctx.err(format!(
                "\"meta\" must be an object, found {}",
                kind(&other)
            )));
        }
    };
    match ctx.flavor {
        Flavor::Entitle | Flavor::Spacy => read_entitle(&mut rest, &mut parts, ctx)?,
        Flavor::Doccano => super::doccano::read(&mut rest, &mut parts, ctx)?,
        Flavor::Prodigy => super::prodigy::read(&mut rest, &mut parts, ctx)?,
    }
    warn_unread(&mut rest, &mut parts, ctx.flavor);
    for (k, v) in rest {
        keep_in_meta(&mut parts, k, v);
    }
    Ok((parts, text))
}

/// The object's text and other keys; a spaCy pair becomes the same.
fn envelope<'a>(
    s: &'a str,
    ctx: &Ctx,
    skip_text: bool,
) -> Result<(Option<TextField<'a>>, Map<String, Value>), FormatError> {
    if s.starts_with('[') {
        return pair(s, ctx);
    }
    let mut de = serde_json::Deserializer::from_str(s);
    let parsed = EnvelopeSeed { skip_text }
        .deserialize(&mut de)
        .and_then(|env| de.end().map(|()| env));
    match parsed {
        Ok(env) => Ok((env.text, env.rest)),
        Err(e) if e.is_data() => {
            let found = serde_json::from_str::<Value>(s).map_or_else(
                |_| "found something else".into(),
                |v| format!("found {}", describe(&v)),
            );
            Err(not_an_object(ctx, &found))
        }
        Err(e) => Err(json_error(ctx, &e)),
    }
}

fn not_an_object(ctx: &Ctx, found: &str) -> FormatError {
    let pairs = if matches!(ctx.flavor, Flavor::Entitle | Flavor::Spacy) {
        ", or a spaCy [text, {\"entities\": [[start, end, label]]}] pair"
    } else {
        ""
    };
    ctx.err(format!(
        "each {} must be a JSON object with a \"text\" field{pairs}; {found}",
        ctx.unit_word()
    ))
}

/// "column 12: not valid JSON: …", with the line inside a multi-line unit.
pub(crate) fn json_error(ctx: &Ctx, e: &serde_json::Error) -> FormatError {
    let line = ctx.line + e.line().saturating_sub(1);
    FormatError::new(
        ctx.file,
        line,
        format!(
            "column {}: not valid JSON: {}",
            e.column(),
            strip_at(&e.to_string())
        ),
    )
}

pub(crate) fn strip_at(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(p) => msg[..p].to_string(),
        None => msg.to_string(),
    }
}

/// spaCy v2's training pair `[text, {"entities": [...], ...}]`: the text and the
/// dictionary's keys, read as an object's.
fn pair<'a>(
    s: &'a str,
    ctx: &Ctx,
) -> Result<(Option<TextField<'a>>, Map<String, Value>), FormatError> {
    let value: Value = serde_json::from_str(s).map_err(|e| json_error(ctx, &e))?;
    let found = |v: &Value| format!("found {}", describe(v));
    if !matches!(ctx.flavor, Flavor::Entitle | Flavor::Spacy) {
        return Err(not_an_object(
            ctx,
            &format!(
                "{} (a [text, {{...}}] pair is spaCy's training format: read it with --from spacy-jsonl)",
                found(&value)
            ),
        ));
    }
    let Value::Array(items) = value else {
        return Err(not_an_object(ctx, &found(&value)));
    };
    let mut items = items.into_iter();
    match (items.next(), items.next(), items.next()) {
        (Some(Value::String(text)), Some(Value::Object(annotations)), None) => {
            Ok((Some(TextField::Str(Cow::Owned(text))), annotations))
        }
        (first, second, third) => {
            let n = [&first, &second, &third]
                .iter()
                .filter(|x| x.is_some())
                .count()
                + items.count();
            Err(not_an_object(
                ctx,
                &format!("found a list of {n} item{}", if n == 1 { "" } else { "s" }),
            ))
        }
    }
}

/// Entitle's and spaCy's fields: one of `spans`, `entities` (or, Entitle only,
/// doccano's `label`/`labels` in code points), and `relations` by span ids.
fn read_entitle(
    rest: &mut Map<String, Value>,
    p: &mut Parts,
    ctx: &Ctx,
) -> Result<(), FormatError> {
    let mut layer = Layer::default();
    let keys: &[&'static str] = match ctx.flavor {
        Flavor::Entitle => &["spans", "entities", "label", "labels"],
        _ => &["spans", "entities"],
    };
    if let Some((key, v)) = one_of(rest, keys, p) {
        layer.spans = match key {
            "spans" => span_objects(&v, ctx)?,
            _ => triples(&v, key, ctx)?,
        };
    }
    if let Some(v) = take(rest, "relations") {
        layer.relations = relations_by_ids(&v, ["id", "label", "from", "to"], ctx)?;
    }
    p.layers.push(layer);
    Ok(())
}

/// The first of `keys` the object has (a line carries one of them), with a warning
/// for each other one that holds something.
pub(crate) fn one_of(
    rest: &mut Map<String, Value>,
    keys: &[&'static str],
    p: &mut Parts,
) -> Option<(&'static str, Value)> {
    let (key, v) = keys.iter().find_map(|k| take(rest, k).map(|v| (*k, v)))?;
    for other in keys.iter().filter(|k| **k != key) {
        if let Some(v) = take(rest, other) {
            let why = format!(
                "\"{key}\" was read; a line carries one of {}",
                keys.join(", ")
            );
            warn_not_read(p, other, &v, &why);
        }
    }
    Some((key, v))
}

/// The value of `key`, with `null` read as absent.
pub(crate) fn take(rest: &mut Map<String, Value>, key: &str) -> Option<Value> {
    rest.shift_remove(key).filter(|v| !v.is_null())
}

pub(crate) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A value for messages: short ones whole, long ones by kind and size.
pub(crate) fn describe(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() <= 60 {
        return s;
    }
    match v {
        Value::Array(a) => format!("a list of {} items", a.len()),
        Value::Object(o) => format!("an object with {} keys", o.len()),
        _ => s.chars().take(57).chain("...".chars()).collect(),
    }
}

pub(crate) fn as_offset(v: &Value, ctx: &Ctx, what: &str) -> Result<usize, FormatError> {
    v.as_u64().map(|n| n as usize).ok_or_else(|| {
        ctx.err(format!(
            "{what} must be a non-negative integer, found {}",
            describe(v)
        ))
    })
}

pub(crate) fn as_label(v: &Value, ctx: &Ctx) -> Result<String, FormatError> {
    v.as_str().map(str::to_string).ok_or_else(|| {
        ctx.err(format!(
            "a span label must be a string, found {}",
            describe(v)
        ))
    })
}

/// An optional string field: absent or `null` is `None`, anything but a string an error.
fn opt_str(
    o: &Map<String, Value>,
    k: &str,
    what: &str,
    ctx: &Ctx,
) -> Result<Option<String>, FormatError> {
    match o.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(v) => Err(ctx.err(format!(
            "{what}.{k} must be a string, found {}",
            describe(v)
        ))),
    }
}

/// An id: a string or number as it is, absent or `null` as the item's index.
pub(crate) fn key_of(
    v: Option<&Value>,
    i: usize,
    what: &str,
    ctx: &Ctx,
) -> Result<String, FormatError> {
    match v {
        None | Some(Value::Null) => Ok(i.to_string()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(Value::Number(n)) => Ok(n.to_string()),
        Some(v) => Err(ctx.err(format!(
            "{what} must be a string or a number, found {}",
            describe(v)
        ))),
    }
}

/// An attribute's value: a string as it is, anything else as its JSON.
pub(crate) fn attribute_value(v: Value) -> String {
    match v {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

/// `[start, end, label]` triples (spaCy `entities`, doccano `label` and `labels`).
pub(crate) fn triples(v: &Value, key: &str, ctx: &Ctx) -> Result<Vec<RawSpan>, FormatError> {
    let list = v.as_array().ok_or_else(|| {
        ctx.err(format!(
            "\"{key}\" must be a list of [start, end, label], found {}",
            describe(v)
        ))
    })?;
    list.iter()
        .enumerate()
        .map(|(i, t)| {
            let hint = if t.is_string() {
                " (a list of strings is a document's categories or token tags, not spans with offsets)"
            } else {
                ""
            };
            let [a, b, l] = t.as_array().map(Vec::as_slice).unwrap_or_default() else {
                return Err(ctx.err(format!(
                    "\"{key}\"[{i}] must be [start, end, label], found {}{hint}",
                    describe(t)
                )));
            };
            Ok(RawSpan {
                key: i.to_string(),
                fragments: vec![(
                    as_offset(a, ctx, "a start offset")?,
                    as_offset(b, ctx, "an end offset")?,
                )],
                label: as_label(l, ctx)?,
                line: ctx.line,
                ..Default::default()
            })
        })
        .collect()
}

/// Span objects: Entitle's and Prodigy's (`start`, `end`, `label`, more optional).
pub(crate) fn span_objects(v: &Value, ctx: &Ctx) -> Result<Vec<RawSpan>, FormatError> {
    let list = v.as_array().ok_or_else(|| {
        ctx.err("\"spans\" must be a list of {\"start\", \"end\", \"label\"} objects")
    })?;
    list.iter()
        .enumerate()
        .map(|(i, s)| {
            let o = s.as_object().ok_or_else(|| {
                ctx.err(format!(
                    "\"spans\"[{i}] must be an object, found {}",
                    describe(s)
                ))
            })?;
            span_object(o, i, ctx)
        })
        .collect()
}

fn span_object(o: &Map<String, Value>, i: usize, ctx: &Ctx) -> Result<RawSpan, FormatError> {
    let what = format!("\"spans\"[{i}]");
    let get = |k: &str| {
        o.get(k)
            .ok_or_else(|| ctx.err(format!("{what} has no \"{k}\"")))
    };
    let start = as_offset(get("start")?, ctx, "\"start\"")?;
    let end = as_offset(get("end")?, ctx, "\"end\"")?;
    let mut raw = RawSpan {
        key: key_of(o.get("id"), i, &format!("{what}.id"), ctx)?,
        fragments: vec![(start, end)],
        label: as_label(get("label")?, ctx)?,
        text: opt_str(o, "text", &what, ctx)?,
        note: opt_str(o, "note", &what, ctx)?,
        annotator: opt_str(o, "annotator", &what, ctx)?,
        line: ctx.line,
        suggested: opt_str(o, "status", &what, ctx)?.as_deref() == Some("suggested"),
        source: opt_str(o, "source", &what, ctx)?,
        score: match o.get("score") {
            None | Some(Value::Null) => None,
            Some(v) => Some(
                v.as_f64()
                    .ok_or_else(|| ctx.err(format!("{what}.score must be a number")))?
                    as f32,
            ),
        },
        ..Default::default()
    };
    let bad = |field: &str, shape: &str| ctx.err(format!("{what}.{field} must be {shape}"));
    if let Some(frags) = o.get("fragments").filter(|v| !v.is_null()) {
        let shape = "[[start, end], ...]";
        let list = frags.as_array().ok_or_else(|| bad("fragments", shape))?;
        raw.fragments = list
            .iter()
            .map(|f| match f.as_array().map(Vec::as_slice) {
                Some([a, b]) => Ok((
                    as_offset(a, ctx, "a fragment start")?,
                    as_offset(b, ctx, "a fragment end")?,
                )),
                _ => Err(bad("fragments", shape)),
            })
            .collect::<Result<_, _>>()?;
    }
    if let Some(notes) = o.get("typed_notes").filter(|v| !v.is_null()) {
        let shape = "[[type, text], ...]";
        let list = notes.as_array().ok_or_else(|| bad("typed_notes", shape))?;
        raw.typed_notes = list
            .iter()
            .map(|n| match n.as_array().map(Vec::as_slice) {
                Some([Value::String(t), Value::String(x)]) => Ok((t.clone(), x.clone())),
                _ => Err(bad("typed_notes", shape)),
            })
            .collect::<Result<_, _>>()?;
    }
    if let Some(attrs) = o.get("attributes").filter(|v| !v.is_null()) {
        let attrs = attrs
            .as_object()
            .ok_or_else(|| bad("attributes", "an object of names and values"))?;
        raw.attributes = attrs
            .iter()
            .map(|(k, v)| (k.clone(), attribute_value(v.clone())))
            .collect();
    }
    if let Some(norms) = o.get("normalizations").filter(|v| !v.is_null()) {
        raw.normalizations = serde_json::from_value::<Vec<Normalization>>(norms.clone())
            .map_err(|e| ctx.err(format!("{what}.normalizations: {e}")))?;
    }
    Ok(raw)
}

/// Relations whose ends are span ids: Entitle's `{"id", "label", "from", "to", "note"?}`,
/// doccano's `{"id", "type", "from_id", "to_id"}` (`fields` names them in that order).
/// A missing end matches no span, so the relation is reported as dropped.
pub(crate) fn relations_by_ids(
    v: &Value,
    fields: [&str; 4],
    ctx: &Ctx,
) -> Result<Vec<RawRelation>, FormatError> {
    let [id, label, from, to] = fields;
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
            let what = format!("\"relations\"[{i}]");
            let end = |k: &str| -> Result<String, FormatError> {
                match o.get(k) {
                    None | Some(Value::Null) => Ok(format!("(no {k})")),
                    v => key_of(v, i, &format!("{what}.{k}"), ctx),
                }
            };
            Ok(RawRelation {
                key: key_of(o.get(id), i, &format!("{what}.{id}"), ctx)?,
                label: opt_str(o, label, &what, ctx)?.unwrap_or_default(),
                from: end(from)?,
                to: end(to)?,
                line: ctx.line,
                note: opt_str(o, "note", &what, ctx)?,
            })
        })
        .collect()
}

/// Keys that hold annotations in one tool or another.
const ANNOTATION_KEYS: [&str; 7] = [
    "annotations",
    "labels",
    "label",
    "entities",
    "spans",
    "completions",
    "relations",
];

/// Annotation-looking keys the flavor did not read: a warning each, never silence
/// (and never metadata: they are not what the document says about itself).
fn warn_unread(rest: &mut Map<String, Value>, p: &mut Parts, flavor: Flavor) {
    let reads = match flavor {
        Flavor::Entitle => "jsonl reads spans, entities, label or labels, and relations",
        Flavor::Spacy => "spacy-jsonl reads entities or spans, and relations",
        Flavor::Doccano => "doccano reads label, labels, entities (with relations) or annotations",
        Flavor::Prodigy => "prodigy reads spans and relations",
    };
    for key in ANNOTATION_KEYS {
        let Some(v) = take(rest, key) else { continue };
        let hint = match key {
            "completions" => "; Label Studio 0.x data: read it with --from label-studio",
            "annotations" if flavor != Flavor::Doccano => {
                "; doccano ≤1.x data: read it with --from doccano (Label Studio: --from label-studio)"
            }
            "label" | "labels" if flavor != Flavor::Doccano => {
                "; doccano data: read it with --from doccano"
            }
            "entities" if flavor == Flavor::Prodigy => {
                "; spaCy or doccano data: read it with --from spacy-jsonl or --from doccano"
            }
            "spans" if flavor == Flavor::Doccano => {
                "; Entitle or Prodigy data: read it with --from jsonl or --from prodigy"
            }
            _ => "",
        };
        warn_not_read(p, key, &v, &format!("{reads}{hint}"));
    }
}

/// A warning for an annotation key that was not read, unless it holds nothing.
pub(crate) fn warn_not_read(p: &mut Parts, key: &str, v: &Value, why: &str) {
    let empty = match v {
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        Value::Null => true,
        _ => false,
    };
    if !empty {
        p.warn(
            format!("\"{key}\" ({})", describe(v)),
            format!("not imported: {why}"),
        );
    }
}

/// Keep a key in the record's metadata; a clash with `meta`'s own key is a warning.
pub(crate) fn keep_in_meta(p: &mut Parts, k: String, v: Value) {
    if p.meta.contains_key(&k) {
        let item = format!("\"{k}\" ({})", describe(&v));
        p.warn(
            item,
            "not imported: \"meta\" has a key of the same name, which was kept",
        );
    } else {
        p.meta.insert(k, v);
    }
}
