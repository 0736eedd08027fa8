//! JSON Lines formats: one JSON object per line, one document per object.
//!
//! | flavor | spans | unit |
//! |---|---|---|
//! | `jsonl` (Entitle) | `"spans": [{"id", "start", "end", "label", "fragments"?, "note"?, "attributes"?, "normalizations"?}]`, `"relations": [{"from", "to", "label"}]` | code points |
//! | `spacy-jsonl` | `"entities": [[start, end, label]]` | code points |
//! | `doccano` | `"label": [[start, end, label]]`, or `"entities": [{"id", "label", "start_offset", "end_offset"}]` + `"relations": [{"id", "from_id", "to_id", "type"}]` | **UTF-16 code units** |
//! | `prodigy` | `"tokens": [{"text", "start", "end", "id", "ws"}]`, `"spans": [{"start", "end", "token_start", "token_end", "label"}]` | code points; `token_end` **inclusive** |
//!
//! Ends are exclusive everywhere. Every object may carry `"id"` (kept as it is) and
//! `"meta"` (an object, kept). The `jsonl` reader also understands the span fields of
//! the others (`entities` as spaCy, `label` as doccano — but in code points, since
//! plain JSONL is the Python convention; use `--from doccano` for doccano's UTF-16).

use super::tokenize::{Token, tokenize};
use super::{
    Deferred, Format, FormatError, Keeps, Origin, RawRelation, RawSpan, ReadOptions, Record,
    Warning, WriteError, expressible,
};
use crate::model::{Normalization, Span};
use serde_json::{Map, Value, json};
use std::io::{BufRead, Write};
use std::path::Path;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Entitle,
    Spacy,
    Doccano,
    Prodigy,
}

impl Flavor {
    pub fn from_format(f: Format) -> Self {
        match f {
            Format::SpacyJsonl => Flavor::Spacy,
            Format::Doccano => Flavor::Doccano,
            Format::Prodigy => Flavor::Prodigy,
            _ => Flavor::Entitle,
        }
    }
    fn format(self) -> Format {
        match self {
            Flavor::Entitle => Format::Jsonl,
            Flavor::Spacy => Format::SpacyJsonl,
            Flavor::Doccano => Format::Doccano,
            Flavor::Prodigy => Format::Prodigy,
        }
    }
}

/// Read a JSONL file (or every `.jsonl` file of a folder), one record per line.
/// Lines are read here and parsed when the [`Deferred`] is (on any thread).
pub fn read(
    path: &Path,
    flavor: Flavor,
    options: &Arc<ReadOptions>,
) -> Box<dyn Iterator<Item = Deferred>> {
    let (files, skipped) = super::input_files(path, &["jsonl"]);
    let options = Arc::clone(options);
    let skipped = skipped.into_iter().map(|e| Deferred::ready(Err(e)));
    Box::new(skipped.chain(files.into_iter().flat_map(
        move |file| -> Box<dyn Iterator<Item = Deferred>> {
            let f = match crate::fsio::open_regular(&file) {
                Ok(f) => f,
                Err(e) => {
                    return Box::new(std::iter::once(Deferred::ready(Err(FormatError::new(
                        &file,
                        0,
                        super::cannot_read(&e),
                    )))));
                }
            };
            let stem: Arc<str> = file
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
                .into();
            let file: Arc<Path> = file.into();
            let options = Arc::clone(&options);
            let mut reader = std::io::BufReader::with_capacity(1 << 16, f);
            let mut line_no = 0usize;
            Box::new(std::iter::from_fn(move || {
                loop {
                    let mut buf = String::new();
                    line_no += 1;
                    match reader.read_line(&mut buf) {
                        Ok(0) => return None,
                        Ok(_) => {}
                        Err(e) => {
                            let msg = if e.kind() == std::io::ErrorKind::InvalidData {
                                "is not valid UTF-8; JSON Lines files are UTF-8".to_string()
                            } else {
                                format!("cannot read: {e}")
                            };
                            return Some(Deferred::ready(Err(FormatError::new(
                                &file, line_no, msg,
                            ))));
                        }
                    }
                    if buf.trim_start_matches('\u{feff}').trim().is_empty() {
                        continue;
                    }
                    let (file, stem, options, n) = (
                        Arc::clone(&file),
                        Arc::clone(&stem),
                        Arc::clone(&options),
                        line_no,
                    );
                    return Some(Deferred::new(buf.len(), move || {
                        let line = buf.trim_start_matches('\u{feff}').trim();
                        parse_line(line, &file, n, &stem, flavor, &options)
                    }));
                }
            }))
        },
    )))
}

fn err(file: &Path, line: usize, msg: impl Into<String>) -> FormatError {
    FormatError::new(file, line, msg)
}

fn as_offset(v: &Value, file: &Path, line: usize, what: &str) -> Result<usize, FormatError> {
    v.as_u64().map(|n| n as usize).ok_or_else(|| {
        err(
            file,
            line,
            format!("{what} must be a non-negative integer, found {v}"),
        )
    })
}

fn as_label(v: &Value, file: &Path, line: usize) -> Result<String, FormatError> {
    v.as_str().map(str::to_string).ok_or_else(|| {
        err(
            file,
            line,
            format!("a span label must be a string, found {v}"),
        )
    })
}

/// `[start, end, label]` triples (spaCy `entities`, doccano `label`).
fn triples(v: &Value, key: &str, file: &Path, line: usize) -> Result<Vec<RawSpan>, FormatError> {
    let list = v.as_array().ok_or_else(|| {
        err(
            file,
            line,
            format!("\"{key}\" must be a list of [start, end, label]"),
        )
    })?;
    list.iter()
        .enumerate()
        .map(|(i, t)| {
            let t = t.as_array().filter(|t| t.len() >= 3).ok_or_else(|| {
                err(
                    file,
                    line,
                    format!("\"{key}\"[{i}] must be [start, end, label], found {t}"),
                )
            })?;
            Ok(RawSpan {
                key: i.to_string(),
                fragments: vec![(
                    as_offset(&t[0], file, line, "a start offset")?,
                    as_offset(&t[1], file, line, "an end offset")?,
                )],
                label: as_label(&t[2], file, line)?,
                line,
                ..Default::default()
            })
        })
        .collect()
}

fn key_of(v: Option<&Value>, i: usize) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => i.to_string(),
    }
}

/// A relation whose ends are span ids (Entitle's `from`/`to`, doccano's
/// `from_id`/`to_id`); a missing id is `i`, missing ends match no span.
fn relation_by_ids(
    id: Option<&Value>,
    label: Option<&Value>,
    from: Option<&Value>,
    to: Option<&Value>,
    i: usize,
    line: usize,
) -> RawRelation {
    RawRelation {
        key: key_of(id, i),
        label: label.and_then(Value::as_str).unwrap_or("").to_string(),
        from: key_of(from, usize::MAX),
        to: key_of(to, usize::MAX),
        line,
    }
}

/// Span objects: Entitle's and Prodigy's (`start`, `end`, `label`, more optional).
fn span_objects(v: &Value, file: &Path, line: usize) -> Result<Vec<RawSpan>, FormatError> {
    let list = v.as_array().ok_or_else(|| {
        err(
            file,
            line,
            "\"spans\" must be a list of {\"start\", \"end\", \"label\"} objects",
        )
    })?;
    let mut out = Vec::with_capacity(list.len());
    for (i, s) in list.iter().enumerate() {
        let o = s.as_object().ok_or_else(|| {
            err(
                file,
                line,
                format!("\"spans\"[{i}] must be an object, found {s}"),
            )
        })?;
        let get = |k: &str| {
            o.get(k)
                .ok_or_else(|| err(file, line, format!("\"spans\"[{i}] has no \"{k}\"")))
        };
        let start = as_offset(get("start")?, file, line, "\"start\"")?;
        let end = as_offset(get("end")?, file, line, "\"end\"")?;
        let mut raw = RawSpan {
            key: key_of(o.get("id"), i),
            fragments: vec![(start, end)],
            label: as_label(get("label")?, file, line)?,
            text: o.get("text").and_then(Value::as_str).map(str::to_string),
            note: o.get("note").and_then(Value::as_str).map(str::to_string),
            annotator: o
                .get("annotator")
                .and_then(Value::as_str)
                .map(str::to_string),
            line,
            ..Default::default()
        };
        if let Some(frags) = o.get("fragments").and_then(Value::as_array) {
            raw.fragments = frags
                .iter()
                .map(|f| {
                    let p = f.as_array().filter(|p| p.len() == 2).ok_or_else(|| {
                        err(
                            file,
                            line,
                            format!("\"spans\"[{i}].fragments must be [[start, end], ...]"),
                        )
                    })?;
                    Ok((
                        as_offset(&p[0], file, line, "a fragment start")?,
                        as_offset(&p[1], file, line, "a fragment end")?,
                    ))
                })
                .collect::<Result<_, FormatError>>()?;
        }
        if let Some(attrs) = o.get("attributes").and_then(Value::as_object) {
            raw.attributes = attrs
                .iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.as_str().map_or_else(|| v.to_string(), str::to_string),
                    )
                })
                .collect();
        }
        if let Some(norms) = o.get("normalizations") {
            raw.normalizations = serde_json::from_value::<Vec<Normalization>>(norms.clone())
                .map_err(|e| err(file, line, format!("\"spans\"[{i}].normalizations: {e}")))?;
        }
        out.push(raw);
    }
    Ok(out)
}

/// Typed parsing of the common shapes (Entitle and spaCy JSONL), borrowing strings
/// from the line: several times faster than building a `serde_json::Value`. Anything
/// unusual — or wrong — goes to the general path, which also words the errors.
mod fast {
    use serde::Deserialize;
    use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
    use serde_json::{Map, Value};
    use std::borrow::Cow;

    /// A span or relation id: a string or a number.
    pub enum Key<'a> {
        Str(Cow<'a, str>),
        Num(u64),
    }
    impl Key<'_> {
        pub fn to_key(&self) -> String {
            match self {
                Key::Str(s) => s.to_string(),
                Key::Num(n) => n.to_string(),
            }
        }
    }
    impl<'de: 'a, 'a> Deserialize<'de> for Key<'a> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V<'a>(std::marker::PhantomData<&'a ()>);
            impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
                type Value = Key<'a>;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("a string or a number")
                }
                fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                    Ok(Key::Str(Cow::Borrowed(v)))
                }
                fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                    Ok(Key::Str(Cow::Owned(v.to_string())))
                }
                fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                    Ok(Key::Num(v))
                }
            }
            d.deserialize_any(V(std::marker::PhantomData))
        }
    }

    #[derive(Deserialize)]
    pub struct Obj<'a> {
        #[serde(borrow, default)]
        pub id: Option<Key<'a>>,
        pub start: u64,
        pub end: u64,
        #[serde(borrow)]
        pub label: Cow<'a, str>,
        #[serde(borrow, default)]
        pub text: Option<Cow<'a, str>>,
        #[serde(default)]
        pub fragments: Option<Vec<[u64; 2]>>,
        #[serde(default)]
        pub note: Option<String>,
        #[serde(default)]
        pub attributes: Option<Map<String, Value>>,
        #[serde(default)]
        pub normalizations: Option<Vec<crate::model::Normalization>>,
        #[serde(borrow, default)]
        pub annotator: Option<Cow<'a, str>>,
    }

    #[derive(Deserialize)]
    pub struct Rel<'a> {
        #[serde(borrow, default)]
        pub id: Option<Key<'a>>,
        #[serde(borrow)]
        pub from: Key<'a>,
        #[serde(borrow)]
        pub to: Key<'a>,
        #[serde(borrow)]
        pub label: Cow<'a, str>,
    }

    #[derive(Default)]
    pub struct Line<'a> {
        pub text: Option<Cow<'a, str>>,
        pub id: Option<Value>,
        pub meta: Option<Map<String, Value>>,
        pub spans: Option<Vec<Obj<'a>>>,
        pub entities: Option<Vec<(u64, u64, Cow<'a, str>)>>,
        pub relations: Option<Vec<Rel<'a>>>,
        pub unknown: bool,
    }

    impl<'de> Deserialize<'de> for Line<'de> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Line<'de>;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("a JSON object")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                    let mut line = Line::default();
                    while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                        match &*key {
                            "text" => line.text = Some(map.next_value()?),
                            "id" => line.id = Some(map.next_value()?),
                            "meta" => line.meta = Some(map.next_value()?),
                            "spans" => line.spans = Some(map.next_value()?),
                            "entities" => line.entities = Some(map.next_value()?),
                            "relations" => line.relations = Some(map.next_value()?),
                            _ => {
                                line.unknown = true;
                                map.next_value::<IgnoredAny>()?;
                            }
                        }
                    }
                    Ok(line)
                }
            }
            d.deserialize_map(V)
        }
    }
}

/// The fast path: `None` sends the line to the general parser.
fn parse_fast(
    line: &str,
    file: &Path,
    line_no: usize,
    stem: &str,
    options: &ReadOptions,
) -> Option<Result<Record, FormatError>> {
    let parsed: fast::Line = serde_json::from_str(line).ok()?;
    if parsed.unknown
        || parsed.text.is_none()
        || (parsed.spans.is_some() && parsed.entities.is_some())
    {
        return None;
    }
    let text = parsed.text?.into_owned();
    let mut spans = Vec::new();
    if let Some(objs) = parsed.spans {
        spans.reserve(objs.len());
        for (i, o) in objs.into_iter().enumerate() {
            let fragments = match &o.fragments {
                Some(f) => f.iter().map(|[a, b]| (*a as usize, *b as usize)).collect(),
                None => vec![(o.start as usize, o.end as usize)],
            };
            spans.push(RawSpan {
                key: o
                    .id
                    .as_ref()
                    .map_or_else(|| i.to_string(), fast::Key::to_key),
                fragments,
                label: o.label.into_owned(),
                text: o.text.map(|t| t.into_owned()),
                note: o.note,
                attributes: o
                    .attributes
                    .map(|m| {
                        m.into_iter()
                            .map(|(k, v)| {
                                (k, v.as_str().map_or_else(|| v.to_string(), str::to_string))
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                normalizations: o.normalizations.unwrap_or_default(),
                annotator: o.annotator.map(|a| a.into_owned()),
                line: line_no,
                ..Default::default()
            });
        }
    } else if let Some(triples) = parsed.entities {
        for (i, (a, b, l)) in triples.into_iter().enumerate() {
            spans.push(RawSpan {
                key: i.to_string(),
                fragments: vec![(a as usize, b as usize)],
                label: l.into_owned(),
                line: line_no,
                ..Default::default()
            });
        }
    }
    let relations = parsed
        .relations
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(i, r)| RawRelation {
            key: r
                .id
                .as_ref()
                .map_or_else(|| i.to_string(), fast::Key::to_key),
            label: r.label.into_owned(),
            from: r.from.to_key(),
            to: r.to.to_key(),
            line: line_no,
        })
        .collect();
    let name = match &parsed.id {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => format!("{stem}-{line_no}"),
    };
    let origin = Origin {
        path: file.to_path_buf(),
        line: line_no,
    };
    Some(
        super::build_record(&name, parsed.id, text, spans, relations, origin, options).map(
            |mut r| {
                r.meta = parsed.meta.unwrap_or_default();
                r
            },
        ),
    )
}

fn parse_line(
    line: &str,
    file: &Path,
    line_no: usize,
    stem: &str,
    flavor: Flavor,
    options: &ReadOptions,
) -> Result<Record, FormatError> {
    if matches!(flavor, Flavor::Entitle | Flavor::Spacy)
        && let Some(result) = parse_fast(line, file, line_no, stem, options)
    {
        return result;
    }
    let value: Value = serde_json::from_str(line).map_err(|e| {
        err(
            file,
            line_no,
            format!(
                "column {}: not valid JSON: {}",
                e.column(),
                strip_at(&e.to_string())
            ),
        )
    })?;
    let Value::Object(mut obj) = value else {
        return Err(err(
            file,
            line_no,
            "each line must be a JSON object with a \"text\" field",
        ));
    };
    let text = match obj.remove("text") {
        Some(Value::String(t)) => t,
        Some(other) => {
            return Err(err(
                file,
                line_no,
                format!("\"text\" must be a string, found {}", kind(&other)),
            ));
        }
        None => {
            return Err(err(
                file,
                line_no,
                "no \"text\" field; every line needs the document text",
            ));
        }
    };
    let external_id = obj.remove("id");
    let name = match &external_id {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => format!("{stem}-{line_no}"),
    };
    let mut meta = match obj.remove("meta") {
        Some(Value::Object(m)) => m,
        Some(Value::Null) | None => Map::new(),
        Some(other) => {
            return Err(err(
                file,
                line_no,
                format!("\"meta\" must be an object, found {}", kind(&other)),
            ));
        }
    };
    let mut spans = Vec::new();
    let mut relations = Vec::new();
    let mut utf16 = false;
    match flavor {
        Flavor::Doccano => {
            utf16 = true;
            if let Some(v) = obj.remove("label") {
                spans = triples(&v, "label", file, line_no)?;
            } else if let Some(v) = obj.remove("entities") {
                let list = v
                    .as_array()
                    .ok_or_else(|| err(file, line_no, "\"entities\" must be a list"))?;
                for (i, e) in list.iter().enumerate() {
                    let o = e.as_object().ok_or_else(|| err(file, line_no, format!("\"entities\"[{i}] must be an object with start_offset, end_offset and label")))?;
                    let get = |k: &str| {
                        o.get(k).ok_or_else(|| {
                            err(file, line_no, format!("\"entities\"[{i}] has no \"{k}\""))
                        })
                    };
                    spans.push(RawSpan {
                        key: key_of(o.get("id"), i),
                        fragments: vec![(
                            as_offset(get("start_offset")?, file, line_no, "\"start_offset\"")?,
                            as_offset(get("end_offset")?, file, line_no, "\"end_offset\"")?,
                        )],
                        label: as_label(get("label")?, file, line_no)?,
                        line: line_no,
                        ..Default::default()
                    });
                }
                if let Some(v) = obj.remove("relations") {
                    let list = v
                        .as_array()
                        .ok_or_else(|| err(file, line_no, "\"relations\" must be a list"))?;
                    for (i, r) in list.iter().enumerate() {
                        let o = r.as_object().ok_or_else(|| {
                            err(
                                file,
                                line_no,
                                format!("\"relations\"[{i}] must be an object"),
                            )
                        })?;
                        relations.push(relation_by_ids(
                            o.get("id"),
                            o.get("type"),
                            o.get("from_id"),
                            o.get("to_id"),
                            i,
                            line_no,
                        ));
                    }
                }
            }
            obj.remove("Comments");
            // doccano spreads an example's metadata over the top level.
            for (k, v) in std::mem::take(&mut obj) {
                meta.insert(k, v);
            }
        }
        Flavor::Prodigy => {
            if let Some(v) = obj.remove("spans") {
                spans = span_objects(&v, file, line_no)?;
            }
            if let Some(Value::Array(rels)) = obj.remove("relations") {
                for (i, r) in rels.iter().enumerate() {
                    let find = |k: &str| -> Option<String> {
                        let s = r.get(k)?;
                        let (a, b) = (
                            s.get("start")?.as_u64()? as usize,
                            s.get("end")?.as_u64()? as usize,
                        );
                        spans
                            .iter()
                            .find(|x| x.fragments[0] == (a, b))
                            .map(|x| x.key.clone())
                    };
                    relations.push(RawRelation {
                        key: i.to_string(),
                        label: r
                            .get("label")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_string(),
                        from: find("head_span").unwrap_or_default(),
                        to: find("child_span").unwrap_or_default(),
                        line: line_no,
                    });
                }
            }
            obj.remove("tokens");
            for k in [
                "answer",
                "_view_id",
                "_annotator_id",
                "_session_id",
                "_input_hash",
                "_task_hash",
                "_timestamp",
            ] {
                if let Some(v) = obj.remove(k) {
                    meta.insert(k.to_string(), v);
                }
            }
        }
        Flavor::Spacy | Flavor::Entitle => {
            if let Some(v) = obj.remove("spans") {
                spans = span_objects(&v, file, line_no)?;
            } else if let Some(v) = obj.remove("entities") {
                spans = triples(&v, "entities", file, line_no)?;
            } else if let Some(v) = obj.remove("label")
                && flavor == Flavor::Entitle
            {
                spans = triples(&v, "label", file, line_no)?;
            }
            if let Some(Value::Array(rels)) = obj.remove("relations") {
                for (i, r) in rels.iter().enumerate() {
                    relations.push(relation_by_ids(
                        r.get("id"),
                        r.get("label"),
                        r.get("from"),
                        r.get("to"),
                        i,
                        line_no,
                    ));
                }
            }
        }
    }
    if utf16 {
        let to_cp = super::utf16_to_cp(&text);
        for s in &mut spans {
            for f in &mut s.fragments {
                let (a, b) = *f;
                match (to_cp(a), to_cp(b)) {
                    (Some(a), Some(b)) => *f = (a, b),
                    _ => {
                        return Err(err(
                            file,
                            line_no,
                            format!(
                                "span {} {} {a}..{b}: not a valid UTF-16 offset in this text (inside a surrogate pair or past the end, {} UTF-16 units); doccano offsets are UTF-16 code units",
                                s.key,
                                s.label,
                                text.encode_utf16().count()
                            ),
                        ));
                    }
                }
            }
        }
    }
    let mut rec = super::build_record(
        &name,
        external_id,
        text,
        spans,
        relations,
        Origin {
            path: file.to_path_buf(),
            line: line_no,
        },
        options,
    )?;
    rec.meta = meta;
    Ok(rec)
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn strip_at(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(p) => msg[..p].to_string(),
        None => msg.to_string(),
    }
}

/// Streaming JSONL writer (one line per document) for the four flavors.
pub struct Writer {
    out: crate::fsio::AtomicFile,
    flavor: Flavor,
    /// One line, serialised here first: serde_json writes many tiny pieces, which
    /// through the file's writer cost more than the serialising itself.
    buf: Vec<u8>,
}

impl Writer {
    pub fn new(path: &Path, format: Format) -> Result<Self, WriteError> {
        Ok(Self {
            out: super::create_output(path)?,
            flavor: Flavor::from_format(format),
            buf: Vec::new(),
        })
    }
}

/// Entitle's JSONL line, borrowing from the record (written without building a
/// `serde_json::Value`: this is the inner loop of corpus conversion).
#[derive(serde::Serialize)]
struct OutLine<'a> {
    id: OutId<'a>,
    text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    meta: Option<&'a Map<String, Value>>,
    spans: Vec<OutSpan<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    relations: Vec<OutRel<'a>>,
}

enum OutId<'a> {
    Value(&'a Value),
    Name(&'a str),
}
impl serde::Serialize for OutId<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            OutId::Value(v) => v.serialize(s),
            OutId::Name(n) => s.serialize_str(n),
        }
    }
}

/// A span or relation id written as `T12` / `R3`.
struct Tagged<T: std::fmt::Display>(T);
impl<T: std::fmt::Display> serde::Serialize for Tagged<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

struct Attributes<'a>(&'a [(String, String)]);
impl serde::Serialize for Attributes<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

#[derive(serde::Serialize)]
struct OutSpan<'a> {
    id: Tagged<crate::model::SpanId>,
    start: usize,
    end: usize,
    label: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    fragments: Option<Vec<[usize; 2]>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    attributes: Option<Attributes<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    normalizations: Option<&'a [Normalization]>,
}

#[derive(serde::Serialize)]
struct OutRel<'a> {
    from: Tagged<crate::model::SpanId>,
    to: Tagged<crate::model::SpanId>,
    label: &'a str,
}

fn out_line(rec: &Record) -> OutLine<'_> {
    OutLine {
        id: rec
            .external_id
            .as_ref()
            .map_or(OutId::Name(&rec.name), OutId::Value),
        text: rec.doc.text(),
        meta: (!rec.meta.is_empty()).then_some(&rec.meta),
        spans: rec
            .set
            .iter()
            .map(|s| OutSpan {
                id: Tagged(s.id),
                start: s.range.start(),
                end: s.range.end(),
                label: &s.label,
                fragments: s
                    .is_discontinuous()
                    .then(|| s.fragments().iter().map(|f| [f.start(), f.end()]).collect()),
                note: s.note(),
                attributes: (!s.attributes().is_empty()).then(|| Attributes(s.attributes())),
                normalizations: (!s.normalizations().is_empty()).then(|| s.normalizations()),
            })
            .collect(),
        relations: rec
            .set
            .relations()
            .iter()
            .map(|r| OutRel {
                from: Tagged(r.from),
                to: Tagged(r.to),
                label: &r.label,
            })
            .collect(),
    }
}

/// Entitle's lossless JSONL object for a record.
pub fn entitle_object(rec: &Record) -> Value {
    serde_json::to_value(out_line(rec)).unwrap_or_default()
}

fn doccano_object(rec: &Record) -> (Value, Vec<Warning>) {
    let (spans, warnings) = expressible(
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
            spans.iter().map(|s| json!({"id": s.id.0, "label": &*s.label, "start_offset": u16(s.range.start()), "end_offset": u16(s.range.end())})).collect(),
        );
        o.insert(
            "relations".into(),
            rec.set
                .relations()
                .iter()
                .filter(|r| kept.contains(&r.from) && kept.contains(&r.to))
                .map(|r| json!({"id": r.id.0, "from_id": r.from.0, "to_id": r.to.0, "type": &*r.label}))
                .collect(),
        );
    }
    o.insert("Comments".into(), Value::Array(Vec::new()));
    if let Some(id) = &rec.external_id {
        o.insert("id".into(), id.clone());
    }
    for (k, v) in &rec.meta {
        o.entry(k.clone()).or_insert_with(|| v.clone());
    }
    (Value::Object(o), warnings)
}

fn spacy_object(rec: &Record) -> (Value, Vec<Warning>) {
    let (spans, warnings) = expressible(rec, Format::SpacyJsonl, Keeps::default());
    let mut o = Map::new();
    if let Some(id) = &rec.external_id {
        o.insert("id".into(), id.clone());
    }
    o.insert("text".into(), rec.doc.text().into());
    o.insert(
        "entities".into(),
        spans
            .iter()
            .map(|s| json!([s.range.start(), s.range.end(), &*s.label]))
            .collect(),
    );
    if !rec.meta.is_empty() {
        o.insert("meta".into(), Value::Object(rec.meta.clone()));
    }
    (Value::Object(o), warnings)
}

/// Token boundaries at every span start and end, so every span is whole tokens.
pub fn span_tokens(rec: &Record, spans: &[&Span]) -> Vec<Token> {
    let mut cuts: Vec<usize> = spans
        .iter()
        .flat_map(|s| [s.range.start(), s.range.end()])
        .collect();
    cuts.sort_unstable();
    tokenize(rec.doc.text(), &cuts)
}

fn prodigy_object(rec: &Record) -> (Value, Vec<Warning>) {
    let (spans, mut warnings) = expressible(
        rec,
        Format::Prodigy,
        Keeps {
            relations: true,
            ..Keeps::default()
        },
    );
    let tokens = span_tokens(rec, &spans);
    let text = rec.doc.text();
    let index = rec.doc.index();
    let chars_of = |a: usize, b: usize| index.slice(text, a..b).to_string();
    let token_at_start = |c: usize| tokens.partition_point(|t| t.start < c);
    let token_at_end = |c: usize| tokens.partition_point(|t| t.end < c);
    let len = rec.doc.len_chars();
    let tok_json: Vec<Value> = tokens
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let ws = t.end < len && index.slice(text, t.end..t.end + 1).chars().all(char::is_whitespace);
            json!({"text": chars_of(t.start, t.end), "start": t.start, "end": t.end, "id": i, "ws": ws})
        })
        .collect();
    let span_json = |s: &Span| {
        json!({
            "start": s.range.start(), "end": s.range.end(),
            "token_start": token_at_start(s.range.start()),
            "token_end": token_at_end(s.range.end()),
            "label": &*s.label,
            "text": chars_of(s.range.start(), s.range.end()),
        })
    };
    let kept: std::collections::HashMap<_, _> = spans.iter().map(|s| (s.id, *s)).collect();
    let mut relations = Vec::new();
    for r in rec.set.relations() {
        match (kept.get(&r.from), kept.get(&r.to)) {
            (Some(a), Some(b)) => relations.push(json!({
                "head": token_at_end(a.range.end()), "child": token_at_end(b.range.end()),
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
    o.insert("tokens".into(), Value::Array(tok_json));
    o.insert("spans".into(), spans.iter().map(|s| span_json(s)).collect());
    if !relations.is_empty() {
        o.insert("relations".into(), Value::Array(relations));
    }
    let mut meta = rec.meta.clone();
    let answer = meta.remove("answer").unwrap_or_else(|| "accept".into());
    o.insert("answer".into(), answer);
    for k in [
        "_view_id",
        "_annotator_id",
        "_session_id",
        "_input_hash",
        "_task_hash",
        "_timestamp",
    ] {
        if let Some(v) = meta.remove(k) {
            o.insert(k.into(), v);
        }
    }
    if let Some(id) = &rec.external_id {
        meta.insert("id".into(), id.clone());
    }
    if !meta.is_empty() {
        o.insert("meta".into(), Value::Object(meta));
    }
    (Value::Object(o), warnings)
}

/// The JSON object a flavor writes for a record, and what it dropped.
pub fn encode(rec: &Record, format: Format) -> (Value, Vec<Warning>) {
    match Flavor::from_format(format) {
        Flavor::Entitle => (entitle_object(rec), Vec::new()),
        Flavor::Spacy => spacy_object(rec),
        Flavor::Doccano => doccano_object(rec),
        Flavor::Prodigy => prodigy_object(rec),
    }
}

/// Append one record's line (with its line break) to `out`. Entitle's own lines are
/// written straight from the record, without building a `Value`.
fn encode_line(flavor: Flavor, rec: &Record, out: &mut Vec<u8>) -> Vec<Warning> {
    // Serialising into a Vec cannot fail: every map key is a string.
    let warnings = if flavor == Flavor::Entitle {
        let _ = serde_json::to_writer(&mut *out, &out_line(rec));
        Vec::new()
    } else {
        let (value, warnings) = encode(rec, flavor.format());
        let _ = serde_json::to_writer(&mut *out, &value);
        warnings
    };
    out.push(b'\n');
    warnings
}

impl super::Writer for Writer {
    fn write(&mut self, rec: &Record) -> Result<Vec<Warning>, WriteError> {
        self.buf.clear();
        let warnings = encode_line(self.flavor, rec, &mut self.buf);
        self.out
            .write_all(&self.buf)
            .map_err(|e| WriteError::io(self.out.path(), e))?;
        Ok(warnings)
    }
    fn encoder(&self) -> Option<super::stream::Encoder> {
        let flavor = self.flavor;
        Some(std::sync::Arc::new(move |rec: &Record| {
            let mut out = Vec::new();
            let warnings = encode_line(flavor, rec, &mut out);
            (out, warnings)
        }))
    }
    fn write_encoded(&mut self, bytes: &[u8]) -> Result<(), WriteError> {
        self.out
            .write_all(bytes)
            .map_err(|e| WriteError::io(self.out.path(), e))
    }
    fn finish(self: Box<Self>) -> Result<Vec<Warning>, WriteError> {
        super::commit_output(self.out)?;
        Ok(Vec::new())
    }
}
