//! Import and export of the interchange formats NLP people use.
//!
//! Every reader turns its input into [`Record`]s (a document, its spans and relations,
//! metadata) and every writer takes records, one at a time, so a conversion streams:
//! memory stays flat however large the corpus. Offsets inside records are code points;
//! each format module converts at its boundary and documents its wire unit.
//!
//! What a format cannot express is reported as a [`Warning`] naming each dropped item;
//! nothing is dropped silently. Input problems are [`FormatError`]s naming the file, the
//! line and what is wrong; a span whose stored text differs from the document is one.

pub mod brat;
pub mod conll;
pub mod csv_table;
pub mod docbin;
pub mod jsonl;
pub mod label_studio;
mod spacy_symbols;
pub mod stream;
pub mod tokenize;
pub mod txt;
pub mod webanno;

use crate::model::{
    AnnotationSet, DocId, Document, Normalization, Relation, RelationId, Span, SpanExtra, SpanId,
};
use crate::text::CharSpan;
use chrono::{DateTime, Utc};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The formats, by the names the CLI uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Txt,
    Jsonl,
    Brat,
    Conll,
    SpacyJsonl,
    Spacy,
    Doccano,
    LabelStudio,
    Prodigy,
    WebannoTsv,
    Csv,
}

impl Format {
    pub const ALL: [Format; 11] = [
        Format::Txt,
        Format::Jsonl,
        Format::Brat,
        Format::Conll,
        Format::SpacyJsonl,
        Format::Spacy,
        Format::Doccano,
        Format::LabelStudio,
        Format::Prodigy,
        Format::WebannoTsv,
        Format::Csv,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Format::Txt => "txt",
            Format::Jsonl => "jsonl",
            Format::Brat => "brat",
            Format::Conll => "conll",
            Format::SpacyJsonl => "spacy-jsonl",
            Format::Spacy => "spacy",
            Format::Doccano => "doccano",
            Format::LabelStudio => "label-studio",
            Format::Prodigy => "prodigy",
            Format::WebannoTsv => "webanno-tsv",
            Format::Csv => "csv",
        }
    }

    /// A short description for menus and `--help`.
    pub fn describe(self) -> &'static str {
        match self {
            Format::Txt => "plain text (.txt files, a folder is read recursively)",
            Format::Jsonl => {
                "JSON Lines: text, id, meta, spans and relations (Entitle's lossless JSONL; reads spaCy, doccano and Prodigy span fields too)"
            }
            Format::Brat => {
                "brat standoff: .txt + .ann per document, annotation.conf and visual.conf"
            }
            Format::Conll => "CoNLL columns, token and tag (IOB1, IOB2/BIO, IOBES, BILOU)",
            Format::SpacyJsonl => "spaCy JSONL: {\"text\", \"entities\": [[start, end, label]]}",
            Format::Spacy => "spaCy 3 DocBin (.spacy)",
            Format::Doccano => "doccano JSONL (UTF-16 offsets), with or without relations",
            Format::LabelStudio => "Label Studio JSON export (and its labeling config)",
            Format::Prodigy => "Prodigy JSONL with tokens and spans",
            Format::WebannoTsv => "WebAnno TSV 3.3 for INCEpTION (UTF-16 offsets)",
            Format::Csv => "CSV entity table for analysts (export only)",
        }
    }

    pub fn can_import(self) -> bool {
        self != Format::Csv
    }

    /// File extension of one output file.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Txt => "txt",
            Format::Jsonl | Format::SpacyJsonl | Format::Doccano | Format::Prodigy => "jsonl",
            Format::Brat => "ann",
            Format::Conll => "conll",
            Format::Spacy => "spacy",
            Format::LabelStudio => "json",
            Format::WebannoTsv => "tsv",
            Format::Csv => "csv",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Format::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
                format!("unknown format {s:?}; use one of {}", names.join(", "))
            })
    }
}

/// CoNLL tagging schemes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scheme {
    Iob1,
    #[default]
    Iob2,
    Iobes,
    Bilou,
}

impl FromStr for Scheme {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "iob1" => Ok(Scheme::Iob1),
            "iob2" | "bio" => Ok(Scheme::Iob2),
            "iobes" | "bioes" => Ok(Scheme::Iobes),
            "bilou" | "biluo" => Ok(Scheme::Bilou),
            _ => Err(format!(
                "unknown scheme {s:?}; use iob1, iob2, iobes or bilou"
            )),
        }
    }
}

/// Where a record came from, for messages.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Origin {
    pub path: PathBuf,
    /// 1-based line of the record's start (0 when not line-based).
    pub line: usize,
}

/// One document with its annotations, as formats exchange them.
#[derive(Debug, Clone)]
pub struct Record {
    /// A name for the document: its file stem or JSON id (used for ids and messages).
    pub name: String,
    /// The id the source gave it, kept as it was (numbers stay numbers).
    pub external_id: Option<serde_json::Value>,
    pub doc: Document,
    pub set: AnnotationSet,
    /// Metadata carried by formats that have it (JSONL `meta`, Label Studio `data`).
    pub meta: serde_json::Map<String, serde_json::Value>,
    pub origin: Origin,
    /// Things the reader could not keep, e.g. brat events.
    pub warnings: Vec<Warning>,
}

/// Something a format could not keep, named precisely.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Document name.
    pub doc: String,
    /// The item, e.g. `span T3 ORG 10..20 "Nordlicht AG"`.
    pub item: String,
    pub reason: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.doc, self.item, self.reason)
    }
}

/// A problem in an input file: file, line (1-based; 0 if unknown) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct FormatError {
    pub path: PathBuf,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}: {}", self.path.display(), self.line, self.message)
        } else {
            write!(f, "{}: {}", self.path.display(), self.message)
        }
    }
}

impl FormatError {
    pub fn new(path: &Path, line: usize, message: impl Into<String>) -> Self {
        Self {
            path: path.to_path_buf(),
            line,
            message: message.into(),
        }
    }
}

/// A problem while writing output.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("could not write {}: {source}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Unsupported(String),
}

impl WriteError {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        WriteError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Options for reading.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Annotator recorded on spans whose format does not say who made them.
    pub annotator: String,
    /// Time recorded on spans whose format does not say when.
    pub created: DateTime<Utc>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self {
            annotator: "import".into(),
            created: DateTime::<Utc>::from_timestamp(0, 0).unwrap_or_default(),
        }
    }
}

/// Options for writing.
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    pub scheme: Scheme,
    /// The project's labels, for brat's annotation.conf / visual.conf and Label
    /// Studio's config (labels seen in the data are added).
    pub schema: Option<crate::model::Schema>,
}

/// A span as a reader finds it, before it is checked against the text.
#[derive(Debug, Clone, Default)]
pub struct RawSpan {
    /// The source's id for it (`T3`, a region id, an index), for relations and messages.
    pub key: String,
    /// `[start, end)` code points of each fragment, in order.
    pub fragments: Vec<(usize, usize)>,
    pub label: String,
    /// The text the source says the span covers (checked when present).
    pub text: Option<String>,
    pub note: Option<String>,
    pub attributes: Vec<(String, String)>,
    pub normalizations: Vec<Normalization>,
    pub annotator: Option<String>,
    pub created: Option<DateTime<Utc>>,
    /// Line of the span in the source (0 if not line-based).
    pub line: usize,
}

/// A relation as a reader finds it: the keys of its two spans.
#[derive(Debug, Clone, Default)]
pub struct RawRelation {
    pub key: String,
    pub label: String,
    pub from: String,
    pub to: String,
    pub line: usize,
}

/// A document id made from any name: path-safe characters, never empty, never `..`.
pub fn doc_id_from(name: &str, fallback: usize) -> DocId {
    let cleaned: String = name
        .trim()
        .trim_end_matches(".txt")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/') {
                c
            } else {
                '_'
            }
        })
        .take(120)
        .collect();
    let parts: Vec<&str> = cleaned
        .split('/')
        .filter(|p| !p.is_empty() && !p.starts_with('.'))
        .collect();
    let joined = parts.join("/");
    DocId::new(joined.trim_end_matches('.'))
        .or_else(|_| DocId::new(format!("doc-{fallback:06}")))
        .unwrap_or_else(|_| DocId::new("doc").expect("a constant id is valid"))
}

/// Build a record from raw parts, checking every span against the text. A span that
/// is out of bounds, or whose stored text differs, is an error naming its line; an
/// exact duplicate or a relation to an unknown span is a warning.
pub fn build_record(
    name: &str,
    external_id: Option<serde_json::Value>,
    text: String,
    spans: Vec<RawSpan>,
    relations: Vec<RawRelation>,
    origin: Origin,
    options: &ReadOptions,
) -> Result<Record, FormatError> {
    let doc = Document::new(doc_id_from(name, 0), text);
    let len = doc.len_chars();
    let mut warnings = Vec::new();
    let mut keys: rustc_hash::FxHashMap<String, SpanId> = rustc_hash::FxHashMap::default();
    // Labels and annotators are shared strings: one allocation per distinct value.
    let mut interned: Vec<std::sync::Arc<str>> = Vec::new();
    let mut intern = |s: &str| -> std::sync::Arc<str> {
        match interned.iter().find(|x| &***x == s) {
            Some(x) => x.clone(),
            None => {
                let a: std::sync::Arc<str> = s.into();
                interned.push(a.clone());
                a
            }
        }
    };
    let default_annotator = intern(&options.annotator);
    let fragment_text = |frags: &[CharSpan]| {
        frags
            .iter()
            .map(|f| doc.slice(f.range()))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut built: Vec<Span> = Vec::with_capacity(spans.len());
    let mut raw_keys: Vec<String> = Vec::with_capacity(spans.len());
    for (i, raw) in spans.into_iter().enumerate() {
        let line = if raw.line > 0 { raw.line } else { origin.line };
        let err = |msg: String| FormatError::new(&origin.path, line, msg);
        if raw.fragments.is_empty() {
            return Err(err(format!("span {} has no offsets", raw.key)));
        }
        let mut frags = Vec::with_capacity(raw.fragments.len());
        for &(s, e) in &raw.fragments {
            let f = CharSpan::new(s, e, len)
                .map_err(|e| err(format!("span {} {}: {e}", raw.key, raw.label)))?;
            frags.push(f);
        }
        frags.sort();
        if frags.windows(2).any(|w| w[0].end() > w[1].start()) {
            return Err(err(format!(
                "span {} {}: its fragments overlap each other",
                raw.key, raw.label
            )));
        }
        if raw.label.trim().is_empty() {
            return Err(err(format!("span {} has an empty label", raw.key)));
        }
        if let Some(stored) = &raw.text {
            let matches = match frags.as_slice() {
                [one] => doc.slice(one.range()) == stored,
                _ => fragment_text(&frags) == *stored,
            };
            if !matches {
                let actual = fragment_text(&frags);
                return Err(err(format!(
                    "span {} {} at {}: the file says its text is {:?} but the document has {:?} there",
                    raw.key,
                    raw.label,
                    frags
                        .iter()
                        .map(|f| format!("{}..{}", f.start(), f.end()))
                        .collect::<Vec<_>>()
                        .join(";"),
                    stored,
                    actual
                )));
            }
        }
        let range = CharSpan::new(frags[0].start(), frags[frags.len() - 1].end(), len)
            .map_err(|e| err(e.to_string()))?;
        if raw.text.is_none()
            && let Some(hint) = cuts_a_word(&doc, range)
        {
            warnings.push(Warning {
                doc: name.to_string(),
                item: format!(
                    "span {} {} {}..{} {:?}",
                    raw.key,
                    raw.label,
                    range.start(),
                    range.end(),
                    fragment_text(&frags)
                ),
                reason: hint,
            });
        }
        let id = SpanId(i as u64 + 1);
        let annotator = match raw.annotator.as_deref() {
            Some(a) => intern(a),
            None => default_annotator.clone(),
        };
        let mut span = Span::new(
            id,
            range,
            intern(&raw.label),
            annotator,
            raw.created.unwrap_or(options.created),
        );
        let has_extra = frags.len() > 1
            || raw.note.is_some()
            || !raw.attributes.is_empty()
            || !raw.normalizations.is_empty();
        if has_extra {
            span.extra = Some(Box::new(SpanExtra {
                fragments: if frags.len() > 1 { frags } else { Vec::new() },
                note: raw.note,
                attributes: raw.attributes,
                normalizations: raw.normalizations,
            }));
        }
        raw_keys.push(raw.key);
        built.push(span);
    }
    // Exact duplicates (same fragments and label) are dropped with a warning.
    let mut order: Vec<usize> = (0..built.len()).collect();
    order.sort_by(|&a, &b| {
        (built[a].range, &built[a].label, built[a].id).cmp(&(
            built[b].range,
            &built[b].label,
            built[b].id,
        ))
    });
    let mut dropped = vec![false; built.len()];
    for w in order.windows(2) {
        let (a, b) = (&built[w[0]], &built[w[1]]);
        if a.range == b.range && a.label == b.label && a.fragments() == b.fragments() {
            dropped[w[1]] = true;
            warnings.push(Warning {
                doc: name.to_string(),
                item: format!(
                    "span {} {} {:?}",
                    raw_keys[w[1]],
                    b.label,
                    fragment_text(&b.fragments())
                ),
                reason: "dropped: an identical span (same offsets and label) is already there"
                    .into(),
            });
        }
    }
    let mut kept = Vec::with_capacity(built.len());
    for ((span, key), drop) in built.into_iter().zip(raw_keys).zip(dropped) {
        if !drop {
            // The key map only serves relations; most corpora have none.
            if !relations.is_empty() {
                keys.insert(key, span.id);
            }
            kept.push(span);
        }
    }
    // Ids are fresh, duplicates and fragments were checked above: this cannot fail,
    // but a failure is still reported, not unwrapped.
    let mut set = AnnotationSet::from_spans(kept, len).map_err(|(id, e)| {
        FormatError::new(&origin.path, origin.line, format!("span {id}: {e}"))
    })?;
    for (i, r) in relations.into_iter().enumerate() {
        match (keys.get(&r.from), keys.get(&r.to)) {
            (Some(&from), Some(&to)) => {
                let rel = Relation {
                    id: RelationId(i as u64 + 1),
                    label: intern(&r.label),
                    from,
                    to,
                    annotator: default_annotator.clone(),
                    created: options.created,
                };
                if let Err(e) = set.insert_relation(rel) {
                    warnings.push(Warning {
                        doc: name.to_string(),
                        item: format!("relation {} {}", r.key, r.label),
                        reason: format!("dropped: {e}"),
                    });
                }
            }
            _ => warnings.push(Warning {
                doc: name.to_string(),
                item: format!("relation {} {} {}→{}", r.key, r.label, r.from, r.to),
                reason: "dropped: it refers to a span that is not in the document".into(),
            }),
        }
    }
    Ok(Record {
        name: name.to_string(),
        external_id,
        doc,
        set,
        meta: serde_json::Map::new(),
        origin,
        warnings,
    })
}

/// A warning when a span starts or ends inside a word: usually offsets in the wrong
/// unit (UTF-16 or bytes where code points were expected). Kept, since some schemes
/// annotate parts of words on purpose.
fn cuts_a_word(doc: &Document, r: CharSpan) -> Option<String> {
    let text = doc.text();
    let index = doc.index();
    let at = |c: usize| index.slice(text, c..c + 1).chars().next();
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let cut_start = r.start() > 0 && word(at(r.start() - 1)) && word(at(r.start()));
    let cut_end = r.end() < index.len_chars() && word(at(r.end() - 1)) && word(at(r.end()));
    if !(cut_start || cut_end) {
        return None;
    }
    let (s16, e16) = (
        index.char_from_utf16(r.start()).ok(),
        index.char_from_utf16(r.end()).ok(),
    );
    let utf16_hint = match (s16, e16) {
        (Some(a), Some(b)) if a < b && (a, b) != (r.start(), r.end()) => {
            format!(
                "; read as UTF-16 offsets it would be {:?}",
                index.slice(text, a..b)
            )
        }
        _ => String::new(),
    };
    Some(format!(
        "kept, but it {} inside a word: are the offsets code points? (UTF-16 or byte offsets shift after emoji and non-ASCII text){utf16_hint}",
        if cut_start { "starts" } else { "ends" }
    ))
}

/// Describe a span for warnings: `T3 ORG 10..20 "Nordlicht AG"`.
pub fn describe_span(rec: &Record, s: &Span) -> String {
    let text: String = rec.doc.slice(s.range.range()).chars().take(60).collect();
    format!(
        "span {} {} {}..{} {:?}",
        s.id,
        s.label,
        s.range.start(),
        s.range.end(),
        text
    )
}

/// Warnings for everything of a record that a format without relations, notes,
/// attributes, normalizations or discontinuous spans drops. `keeps` says what it has.
#[derive(Debug, Clone, Copy, Default)]
pub struct Keeps {
    pub relations: bool,
    pub discontinuous: bool,
    pub notes: bool,
    pub attributes: bool,
    pub normalizations: bool,
    pub overlaps: bool,
}

/// Spans of a record the format can carry, and warnings naming the others.
pub fn expressible(rec: &Record, format: Format, keeps: Keeps) -> (Vec<&Span>, Vec<Warning>) {
    let mut warnings = Vec::new();
    let warn = |warnings: &mut Vec<Warning>, item: String, what: &str| {
        warnings.push(Warning {
            doc: rec.name.clone(),
            item,
            reason: format!("dropped: {format} cannot express {what}"),
        })
    };
    let mut out: Vec<&Span> = Vec::new();
    let mut last_end = 0usize;
    for s in rec.set.iter() {
        if s.is_discontinuous() && !keeps.discontinuous {
            warn(&mut warnings, describe_span(rec, s), "discontinuous spans");
            continue;
        }
        if !keeps.overlaps && s.range.start() < last_end {
            warn(
                &mut warnings,
                describe_span(rec, s),
                "overlapping or nested spans (the outer, earlier span is kept)",
            );
            continue;
        }
        if s.note().is_some() && !keeps.notes {
            warn(
                &mut warnings,
                format!("note on {}", describe_span(rec, s)),
                "notes",
            );
        }
        if !s.attributes().is_empty() && !keeps.attributes {
            let names: Vec<&str> = s.attributes().iter().map(|(k, _)| k.as_str()).collect();
            warn(
                &mut warnings,
                format!(
                    "attributes {} on {}",
                    names.join(", "),
                    describe_span(rec, s)
                ),
                "attributes",
            );
        }
        if !s.normalizations().is_empty() && !keeps.normalizations {
            warn(
                &mut warnings,
                format!("normalization on {}", describe_span(rec, s)),
                "normalizations",
            );
        }
        last_end = last_end.max(s.range.end());
        out.push(s);
    }
    if !keeps.relations {
        for r in rec.set.relations() {
            warn(
                &mut warnings,
                format!("relation {} {} {}→{}", r.id, r.label, r.from, r.to),
                "relations",
            );
        }
    }
    (out, warnings)
}

/// Read every record of `inputs` in `format`, in order, streaming where the format
/// allows. Each item is a record or the error that stopped one document (reading goes
/// on with the next one where the format allows).
pub fn read(
    format: Format,
    inputs: &[PathBuf],
    options: &ReadOptions,
) -> Box<dyn Iterator<Item = Result<Record, FormatError>>> {
    Box::new(read_deferred(format, inputs, options).map(Deferred::parse))
}

/// One input document whose parsing can run on any thread: its bytes are read (a
/// JSONL line) or located (a brat pair), but not yet parsed and checked — the costly
/// part, which [`stream`] spreads over every core.
pub struct Deferred {
    /// Bytes of input it holds now, to bound memory between threads.
    pub bytes: usize,
    parse: Box<dyn FnOnce() -> Result<Record, FormatError> + Send>,
}

impl Deferred {
    pub fn new(
        bytes: usize,
        parse: impl FnOnce() -> Result<Record, FormatError> + Send + 'static,
    ) -> Self {
        Self {
            bytes,
            parse: Box::new(parse),
        }
    }
    /// A document that was parsed already (formats read as a whole, and errors).
    pub fn ready(item: Result<Record, FormatError>) -> Self {
        let bytes = item.as_ref().map_or(0, |r| r.doc.text().len());
        Self::new(bytes, move || item)
    }
    pub fn parse(self) -> Result<Record, FormatError> {
        (self.parse)()
    }
}

/// [`read`] with the parsing of each document left to the caller
/// ([`Deferred::parse`]), in input order. JSONL lines and brat pairs are deferred;
/// other formats are parsed here.
pub fn read_deferred(
    format: Format,
    inputs: &[PathBuf],
    options: &ReadOptions,
) -> Box<dyn Iterator<Item = Deferred>> {
    let inputs = inputs.to_vec();
    let options = std::sync::Arc::new(options.clone());
    Box::new(inputs.into_iter().flat_map(move |path| -> Box<dyn Iterator<Item = Deferred>> {
        if !path.exists() {
            return Box::new(std::iter::once(Deferred::ready(Err(FormatError::new(
                &path,
                0,
                "does not exist; check the path",
            )))));
        }
        let parsed = |it: Box<dyn Iterator<Item = Result<Record, FormatError>>>| -> Box<dyn Iterator<Item = Deferred>> {
            Box::new(it.map(Deferred::ready))
        };
        match format {
            Format::Txt => parsed(txt::read(&path, &options)),
            Format::Jsonl | Format::SpacyJsonl | Format::Prodigy => {
                jsonl::read(&path, jsonl::Flavor::from_format(format), &options)
            }
            Format::Doccano => jsonl::read(&path, jsonl::Flavor::Doccano, &options),
            Format::Brat => brat::read(&path, &options),
            Format::Conll => parsed(conll::read(&path, &options)),
            Format::Spacy => parsed(docbin::read(&path, &options)),
            Format::LabelStudio => parsed(label_studio::read(&path, &options)),
            Format::WebannoTsv => parsed(webanno::read(&path, &options)),
            Format::Csv => Box::new(std::iter::once(Deferred::ready(Err(FormatError::new(
                &path,
                0,
                "csv is an export-only format (an entity table); import the original format instead",
            ))))),
        }
    }))
}

/// A writer of records in one format.
pub trait Writer {
    /// Write one record; returns what the format could not express.
    fn write(&mut self, rec: &Record) -> Result<Vec<Warning>, WriteError>;
    /// Finish (close files, write companions such as brat's annotation.conf) and make
    /// the output appear atomically.
    fn finish(self: Box<Self>) -> Result<Vec<Warning>, WriteError>;
    /// For outputs that are the concatenation of per-document pieces: an encoder that
    /// other threads can run ([`stream::convert`]), whose bytes go to
    /// [`Writer::write_encoded`] in document order.
    fn encoder(&self) -> Option<stream::Encoder> {
        None
    }
    /// Append bytes made by this writer's [`Writer::encoder`].
    fn write_encoded(&mut self, _bytes: &[u8]) -> Result<(), WriteError> {
        Err(WriteError::Unsupported(
            "internal error: this format is written one record at a time".into(),
        ))
    }
}

/// A writer for `format` to `output`: a file, or a folder (brat always; other formats
/// when `output` is an existing folder or ends with a path separator: one file per
/// document).
pub fn writer(
    format: Format,
    output: &Path,
    options: &WriteOptions,
) -> Result<Box<dyn Writer>, WriteError> {
    let folder = format == Format::Brat
        || output.is_dir()
        || output.as_os_str().to_string_lossy().ends_with(['/', '\\']);
    if folder {
        return Ok(Box::new(FolderWriter::new(
            format,
            output,
            options.clone(),
        )?));
    }
    file_writer(format, output, options)
}

fn file_writer(
    format: Format,
    output: &Path,
    options: &WriteOptions,
) -> Result<Box<dyn Writer>, WriteError> {
    Ok(match format {
        Format::Jsonl | Format::SpacyJsonl | Format::Doccano | Format::Prodigy => {
            Box::new(jsonl::Writer::new(output, format)?)
        }
        Format::Conll => Box::new(conll::Writer::new(output, options.scheme)?),
        Format::Spacy => Box::new(docbin::Writer::new(output)?),
        Format::LabelStudio => Box::new(label_studio::Writer::new(output, options)?),
        Format::Csv => Box::new(csv_table::Writer::new(output)?),
        Format::Txt | Format::WebannoTsv => Box::new(SingleDocWriter::new(format, output)),
        Format::Brat => Box::new(FolderWriter::new(format, output, options.clone())?),
    })
}

/// Formats with one document per file, written to a file: exactly one document.
struct SingleDocWriter {
    format: Format,
    output: PathBuf,
    written: bool,
}

impl SingleDocWriter {
    fn new(format: Format, output: &Path) -> Self {
        Self {
            format,
            output: output.to_path_buf(),
            written: false,
        }
    }
}

impl Writer for SingleDocWriter {
    fn write(&mut self, rec: &Record) -> Result<Vec<Warning>, WriteError> {
        if self.written {
            return Err(WriteError::Unsupported(format!(
                "{} holds one document per file and there is more than one; give a folder as the output (e.g. {}/)",
                self.format,
                self.output.display()
            )));
        }
        self.written = true;
        let (bytes, warnings) = match self.format {
            Format::Txt => (rec.doc.text().as_bytes().to_vec(), txt::warnings(rec)),
            _ => webanno::encode(rec),
        };
        crate::project::atomic_write(&self.output, &bytes)
            .map_err(|e| WriteError::io(&self.output, e))?;
        Ok(warnings)
    }
    fn finish(self: Box<Self>) -> Result<Vec<Warning>, WriteError> {
        Ok(Vec::new())
    }
}

/// One file per document in a folder (brat: `.txt` + `.ann`, plus its config files).
struct FolderWriter {
    format: Format,
    dir: PathBuf,
    options: WriteOptions,
    used: std::collections::HashSet<String>,
    labels: std::collections::BTreeSet<String>,
    relation_labels: std::collections::BTreeSet<String>,
    attribute_names: std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
    count: usize,
}

impl FolderWriter {
    fn new(format: Format, dir: &Path, options: WriteOptions) -> Result<Self, WriteError> {
        std::fs::create_dir_all(dir).map_err(|e| WriteError::io(dir, e))?;
        Ok(Self {
            format,
            dir: dir.to_path_buf(),
            options,
            used: Default::default(),
            labels: Default::default(),
            relation_labels: Default::default(),
            attribute_names: Default::default(),
            count: 0,
        })
    }

    /// A file stem for a record, unique in this folder and never leaving it.
    fn stem(&mut self, rec: &Record) -> String {
        self.count += 1;
        let base = doc_id_from(&rec.name, self.count)
            .as_str()
            .replace('/', "__");
        let mut stem = base.clone();
        let mut n = 2;
        while !self.used.insert(stem.clone()) {
            stem = format!("{base}-{n}");
            n += 1;
        }
        stem
    }
}

impl Writer for FolderWriter {
    fn write(&mut self, rec: &Record) -> Result<Vec<Warning>, WriteError> {
        let stem = self.stem(rec);
        let ext = self.format.extension();
        let write = |name: String, bytes: &[u8]| {
            let path = self.dir.join(name);
            crate::project::atomic_write(&path, bytes).map_err(|e| WriteError::io(&path, e))
        };
        match self.format {
            Format::Brat => {
                for s in rec.set.iter() {
                    self.labels.insert(s.label.to_string());
                    for (k, v) in s.attributes() {
                        self.attribute_names
                            .entry(k.clone())
                            .or_default()
                            .insert(v.clone());
                    }
                }
                for r in rec.set.relations() {
                    self.relation_labels.insert(r.label.to_string());
                }
                let (ann, warnings) = brat::encode(rec);
                write(format!("{stem}.txt"), rec.doc.text().as_bytes())?;
                write(format!("{stem}.ann"), ann.as_bytes())?;
                Ok(warnings)
            }
            Format::Txt => {
                write(format!("{stem}.txt"), rec.doc.text().as_bytes())?;
                Ok(txt::warnings(rec))
            }
            Format::WebannoTsv => {
                let (bytes, warnings) = webanno::encode(rec);
                write(format!("{stem}.{ext}"), &bytes)?;
                Ok(warnings)
            }
            other => {
                let path = self.dir.join(format!("{stem}.{ext}"));
                let mut w = file_writer(other, &path, &self.options)?;
                let mut warnings = w.write(rec)?;
                warnings.extend(w.finish()?);
                Ok(warnings)
            }
        }
    }

    fn finish(self: Box<Self>) -> Result<Vec<Warning>, WriteError> {
        if self.format == Format::Brat {
            let mut labels = self.labels.clone();
            let mut colors = std::collections::BTreeMap::new();
            if let Some(schema) = &self.options.schema {
                for l in &schema.labels {
                    labels.insert(l.name.clone());
                    colors.insert(l.name.clone(), l.color.to_string());
                }
            }
            let (conf, visual) = brat::configs(
                &labels,
                &self.relation_labels,
                &self.attribute_names,
                &colors,
            );
            for (name, text) in [("annotation.conf", conf), ("visual.conf", visual)] {
                let path = self.dir.join(name);
                crate::project::atomic_write(&path, text.as_bytes())
                    .map_err(|e| WriteError::io(&path, e))?;
            }
        }
        Ok(Vec::new())
    }
}

/// An output file written through a temporary file in the same folder and renamed into
/// place by [`AtomicFile::commit`]: a failed or interrupted export leaves no half file.
pub struct AtomicFile {
    path: PathBuf,
    out: std::io::BufWriter<tempfile::NamedTempFile>,
    /// Bytes written since the last background flush was asked for.
    unsynced: usize,
    /// Large outputs are flushed to disk in the background while they are written,
    /// so the final fsync in [`AtomicFile::commit`] does not wait for all of it.
    syncer: Option<Syncer>,
}

struct Syncer {
    wake: std::sync::mpsc::SyncSender<()>,
    thread: std::thread::JoinHandle<std::io::Result<()>>,
}

/// Written bytes after which the background thread is asked to flush them.
const SYNC_EVERY: usize = 8 << 20;

impl AtomicFile {
    pub fn create(path: &Path) -> Result<Self, WriteError> {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&dir).map_err(|e| WriteError::io(path, e))?;
        let tmp = tempfile::Builder::new()
            .prefix(".entitle-")
            .suffix(".tmp")
            .tempfile_in(&dir)
            .map_err(|e| WriteError::io(path, e))?;
        Ok(Self {
            path: path.to_path_buf(),
            out: std::io::BufWriter::with_capacity(1 << 16, tmp),
            unsynced: 0,
            syncer: None,
        })
    }
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// After every [`SYNC_EVERY`] bytes, wake a thread that flushes the file's written
    /// data to disk (started on first use, so small files never start one).
    fn note_written(&mut self, n: usize) {
        self.unsynced += n;
        if self.unsynced < SYNC_EVERY {
            return;
        }
        self.unsynced = 0;
        if self.syncer.is_none() {
            let Ok(file) = self.out.get_ref().as_file().try_clone() else {
                return; // the final fsync in commit still makes the file durable
            };
            // One pending wake-up is enough: a flush covers everything written so far.
            let (wake, asked) = std::sync::mpsc::sync_channel::<()>(1);
            let thread = std::thread::spawn(move || {
                while asked.recv().is_ok() {
                    file.sync_data()?;
                }
                Ok(())
            });
            self.syncer = Some(Syncer { wake, thread });
        }
        if let Some(s) = &self.syncer {
            let _ = s.wake.try_send(());
        }
    }

    pub fn commit(self) -> Result<(), WriteError> {
        let path = self.path.clone();
        if let Some(s) = self.syncer {
            drop(s.wake);
            match s.thread.join() {
                Ok(Ok(())) => {}
                Ok(Err(e)) => return Err(WriteError::io(&path, e)),
                Err(_) => {
                    return Err(WriteError::io(
                        &path,
                        std::io::Error::other("the background flush thread stopped"),
                    ));
                }
            }
        }
        let tmp = self
            .out
            .into_inner()
            .map_err(|e| WriteError::io(&path, e.into_error()))?;
        tmp.as_file()
            .sync_all()
            .map_err(|e| WriteError::io(&path, e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = tmp
                .as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o644));
        }
        tmp.persist(&path)
            .map_err(|e| WriteError::io(&path, e.error))?;
        Ok(())
    }
}

impl std::io::Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.out.write(buf)?;
        self.note_written(n);
        Ok(n)
    }
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.out.write_all(buf)?;
        self.note_written(buf.len());
        Ok(())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// Offsets in UTF-16 code units ↔ code points for one text, without a full index
/// (used by doccano, WebAnno TSV and old Label Studio files).
pub fn utf16_to_cp(text: &str) -> impl Fn(usize) -> Option<usize> + '_ {
    let index = crate::text::TextIndex::new(text);
    move |u| index.char_from_utf16(u).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip() {
        for f in Format::ALL {
            assert_eq!(f.name().parse::<Format>().unwrap(), f);
        }
        assert!(
            "xml"
                .parse::<Format>()
                .unwrap_err()
                .contains("use one of txt, jsonl")
        );
    }

    #[test]
    fn doc_ids_from_any_name_stay_inside() {
        assert_eq!(doc_id_from("../../etc/passwd", 1).as_str(), "etc/passwd");
        assert_eq!(doc_id_from("", 7).as_str(), "doc-000007");
        assert_eq!(doc_id_from("a b?.txt", 1).as_str(), "a_b_");
        assert_eq!(doc_id_from("CON", 3).as_str(), "doc-000003");
    }
}
