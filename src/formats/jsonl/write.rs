//! The JSONL writer for the four flavors (one line per document), Entitle's own line
//! written straight from the record, and spaCy's.

use super::Flavor;
use crate::formats::tokenize::{Token, tokenize};
use crate::formats::{
    Format, Keeps, Record, Warning, WriteError, WriteOptions, create_output, expressible,
};
use crate::model::{Normalization, Span};
use serde_json::{Map, Value, json};
use std::io::Write;
use std::path::Path;

/// Streaming JSONL writer (one line per document) for the four flavors.
pub struct Writer {
    out: crate::fsio::AtomicFile,
    flavor: Flavor,
    /// Prodigy: NER-style examples (no overlapping spans).
    prodigy_ner: bool,
    /// One line, serialised here first: serde_json writes many tiny pieces, which
    /// through the file's writer cost more than the serialising itself.
    buf: Vec<u8>,
}

impl Writer {
    /// A writer with the default options (Prodigy examples hold every span).
    pub fn new(path: &Path, format: Format) -> Result<Self, WriteError> {
        Self::with_options(path, format, &WriteOptions::default())
    }
    /// A writer that follows `options` (`prodigy_ner`).
    pub fn with_options(
        path: &Path,
        format: Format,
        options: &WriteOptions,
    ) -> Result<Self, WriteError> {
        Ok(Self {
            out: create_output(path)?,
            flavor: Flavor::from_format(format),
            prodigy_ner: options.prodigy_ner,
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
    /// Notes of other types, `[[type, text], ...]`.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    typed_notes: &'a [(String, String)],
    #[serde(skip_serializing_if = "Option::is_none")]
    attributes: Option<Attributes<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    normalizations: Option<&'a [Normalization]>,
    /// An accepted suggestion's engine and score, or a waiting suggestion's.
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<f32>,
    /// `"suggested"` for a suggestion waiting for the analyst (not an annotation).
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<&'static str>,
}

#[derive(serde::Serialize)]
struct OutRel<'a> {
    from: Tagged<crate::model::SpanId>,
    to: Tagged<crate::model::SpanId>,
    label: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
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
                typed_notes: s.typed_notes(),
                attributes: (!s.attributes().is_empty()).then(|| Attributes(s.attributes())),
                normalizations: (!s.normalizations().is_empty()).then(|| s.normalizations()),
                source: s.provenance().map(|p| p.source.as_str()),
                score: s.provenance().and_then(|p| p.score),
                status: None,
            })
            .chain(rec.set.pending.iter().enumerate().map(|(i, p)| OutSpan {
                // Ids after the spans' (a pending suggestion is no relation's end).
                id: Tagged(crate::model::SpanId(rec.set.next_id().0 + i as u64)),
                start: p.range.start(),
                end: p.range.end(),
                label: &p.label,
                fragments: None,
                note: None,
                typed_notes: &[],
                attributes: None,
                normalizations: None,
                source: Some(&p.source),
                score: Some(p.score),
                status: Some("suggested"),
            }))
            .collect(),
        relations: rec
            .set
            .relations()
            .iter()
            .map(|r| OutRel {
                from: Tagged(r.from),
                to: Tagged(r.to),
                label: &r.label,
                note: r.note.as_deref(),
            })
            .collect(),
    }
}

/// Entitle's lossless JSONL object for a record.
pub fn entitle_object(rec: &Record) -> Value {
    serde_json::to_value(out_line(rec)).unwrap_or_default()
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

/// The JSON object a flavor writes for a record, and what it dropped (default
/// options: Prodigy examples hold every span).
pub fn encode(rec: &Record, format: Format) -> (Value, Vec<Warning>) {
    encode_with(rec, format, &WriteOptions::default())
}

/// [`encode`] following `options` (`prodigy_ner`).
pub fn encode_with(rec: &Record, format: Format, options: &WriteOptions) -> (Value, Vec<Warning>) {
    match Flavor::from_format(format) {
        Flavor::Entitle => (entitle_object(rec), Vec::new()),
        Flavor::Spacy => spacy_object(rec),
        Flavor::Doccano => super::doccano::object(rec),
        Flavor::Prodigy => super::prodigy::object(rec, options.prodigy_ner),
    }
}

/// Append one record's line (with its line break) to `out`. Entitle's own lines are
/// written straight from the record, without building a `Value`.
fn encode_line(flavor: Flavor, prodigy_ner: bool, rec: &Record, out: &mut Vec<u8>) -> Vec<Warning> {
    // Serialising into a Vec cannot fail: every map key is a string.
    let warnings = if flavor == Flavor::Entitle {
        let _ = serde_json::to_writer(&mut *out, &out_line(rec));
        Vec::new()
    } else {
        let options = WriteOptions {
            prodigy_ner,
            ..WriteOptions::default()
        };
        let (value, warnings) = encode_with(rec, flavor.format(), &options);
        let _ = serde_json::to_writer(&mut *out, &value);
        warnings
    };
    out.push(b'\n');
    warnings
}

impl crate::formats::Writer for Writer {
    fn write(&mut self, rec: &Record) -> Result<Vec<Warning>, WriteError> {
        self.buf.clear();
        let warnings = encode_line(self.flavor, self.prodigy_ner, rec, &mut self.buf);
        self.out
            .write_all(&self.buf)
            .map_err(|e| WriteError::io(self.out.path(), e))?;
        Ok(warnings)
    }
    fn encoder(&self) -> Option<crate::formats::stream::Encoder> {
        let (flavor, ner) = (self.flavor, self.prodigy_ner);
        Some(std::sync::Arc::new(move |rec: &Record| {
            let mut out = Vec::new();
            let warnings = encode_line(flavor, ner, rec, &mut out);
            (out, warnings)
        }))
    }
    fn write_encoded(&mut self, bytes: &[u8]) -> Result<(), WriteError> {
        self.out
            .write_all(bytes)
            .map_err(|e| WriteError::io(self.out.path(), e))
    }
    fn finish(self: Box<Self>) -> Result<Vec<Warning>, WriteError> {
        crate::formats::commit_output(self.out)?;
        Ok(Vec::new())
    }
}
