//! The per-document annotation file, `annotations/<annotator>/<doc-id>.json`.
//!
//! Wire format (version 1), UTF-8 JSON, one span per line so diffs and merges stay small:
//!
//! ```json
//! {
//!   "entitle_annotations": 1,
//!   "document": "docs/afp-syria-2020",
//!   "annotator": "alice",
//!   "offset_unit": "code-point",
//!   "text_fingerprint": "sha256:…",
//!   "text_length": 2860,
//!   "status": "in-progress",
//!   "next_span_id": 3,
//!   "spans": [
//!     {"id":1,"start":4,"end":22,"label":"ORG","text":"Syrian Observatory","annotator":"alice","created":"2026-11-25T10:00:00Z"},
//!     {"id":2,"start":4,"end":10,"label":"GPE","text":"Syrian","annotator":"alice","created":"2026-11-25T10:00:01Z"}
//!   ]
//! }
//! ```
//!
//! Relations, when there are any, follow the spans, one per line:
//! `{"id":1,"label":"Head_of","from":1,"to":2,"annotator":"alice","created":"…","note":"…"}`
//! (`note` only when there is one).
//!
//! Offsets are Unicode code points into the document text (after any UTF-8 BOM),
//! half-open `[start, end)`; CRLF counts as two. `text` repeats the covered text so a
//! reader can check every span, and so spans can be re-anchored when the document text
//! changes (its fingerprint then differs from `text_fingerprint`).

use crate::model::{
    AnnotationSet, DocStatus, Document, Label, Normalization, Pending, Provenance, RejectedMark,
    Relation, RelationId, Span, SpanExtra, SpanId,
};
use crate::project::config::line_col;
use crate::text::CharSpan;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub const ANNOTATION_FORMAT_VERSION: u32 = 1;
const OFFSET_UNIT: &str = "code-point";

#[derive(Debug, Clone, Serialize, Deserialize)]
struct WireFile {
    entitle_annotations: u32,
    document: String,
    annotator: String,
    offset_unit: String,
    text_fingerprint: String,
    text_length: usize,
    #[serde(default)]
    status: DocStatus,
    #[serde(default)]
    next_span_id: u64,
    spans: Vec<StoredSpan>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    relations: Vec<StoredRelation>,
    #[serde(default)]
    next_relation_id: u64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    rejected: Vec<StoredMark>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    suggested: Vec<StoredMark>,
}

/// A rejected suggestion, or one waiting for the analyst (`suggested`): where, which
/// label, the text there (checked on load like a span's), the engine that proposed it
/// (absent from rejected marks written before it was kept) and, for a waiting one, its
/// score. Neither is an annotation: exports leave them out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredMark {
    pub start: usize,
    pub end: usize,
    pub label: String,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f32>,
}

impl StoredMark {
    /// Where it is on `doc`, if its text is still there and its label is valid.
    fn place(&self, doc: &Document) -> Option<(CharSpan, Label)> {
        let range = CharSpan::new(self.start, self.end, doc.len_chars()).ok()?;
        let label = Label::new(&self.label).ok()?;
        (doc.slice(range.range()) == self.text).then_some((range, label))
    }

    fn new(doc: &Document, range: CharSpan, label: &Label) -> Self {
        Self {
            start: range.start(),
            end: range.end(),
            label: label.to_string(),
            text: doc.slice(range.range()).to_string(),
            source: None,
            score: None,
        }
    }
}

/// A relation as stored on disk: span ids of its two ends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredRelation {
    pub id: u64,
    pub label: String,
    pub from: u64,
    pub to: u64,
    pub annotator: String,
    pub created: DateTime<Utc>,
    /// Last, so a relation's line still starts `{"id":N,"label"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A span as stored on disk, before it is checked against the document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredSpan {
    pub id: u64,
    pub start: usize,
    pub end: usize,
    pub label: String,
    pub text: String,
    pub annotator: String,
    pub created: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<DateTime<Utc>>,
    /// Discontinuous spans only: `[start, end]` of each fragment, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fragments: Vec<[usize; 2]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// `[type, text]` of notes of other types (brat `#` lines that are not
    /// `AnnotatorNotes`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub typed_notes: Vec<[String; 2]>,
    /// `[name, value]` pairs (`"true"` for a flag).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<[String; 2]>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub normalizations: Vec<Normalization>,
    /// An accepted suggestion: the engine that proposed it and its score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f32>,
    /// A curated (gold) span: the annotators whose layers had it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub proposed_by: Vec<String>,
}

/// Just enough of a file to fill the document list without reading the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub status: DocStatus,
    pub spans: usize,
}

/// What is wrong with an annotation file. `line`/`column` are 1-based.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileProblem {
    #[error("line {line}, column {column}: {message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "it was written by a newer Entitle (format {found}, this one reads {ANNOTATION_FORMAT_VERSION}); update Entitle to edit it"
    )]
    NewerVersion { found: u32 },
    #[error("line {line}: {message}")]
    Invalid { line: usize, message: String },
    /// Git merge conflict markers: a merge (a pull) that was not finished. Not damage:
    /// the file is kept as it is and the document read-only until it is resolved.
    #[error(
        "line {line}: unresolved git merge conflict (<<<<<<< … ======= … >>>>>>>); resolve it (edit the file and keep the right side, or `git checkout --ours/--theirs` it, then `git add`) and Entitle reloads it; the document is read-only until then"
    )]
    Conflict { line: usize },
    /// A label name this version refuses (written by an older Entitle, or by hand).
    /// Not damage: the file is kept and the document read-only until it is renamed.
    #[error(
        "line {line}: {message}; rename it with `entitle fix-labels PROJECT` (the document is read-only until then)"
    )]
    BadLabel { line: usize, message: String },
}

impl FileProblem {
    pub fn line(&self) -> Option<usize> {
        match self {
            FileProblem::Syntax { line, .. }
            | FileProblem::Invalid { line, .. }
            | FileProblem::BadLabel { line, .. }
            | FileProblem::Conflict { line } => Some(*line),
            FileProblem::NewerVersion { .. } => Some(1),
        }
    }
}

/// A parsed file, not yet checked against the document text.
#[derive(Debug, Clone)]
pub struct ParsedFile {
    pub fingerprint: String,
    pub text_length: usize,
    pub status: DocStatus,
    pub next_span_id: u64,
    pub spans: Vec<StoredSpan>,
    pub relations: Vec<StoredRelation>,
    pub next_relation_id: u64,
    pub rejected: Vec<StoredMark>,
    pub suggested: Vec<StoredMark>,
    raw: String,
}

/// The outcome of checking a parsed file against the current document text.
#[derive(Debug, Clone)]
pub enum Checked {
    /// The text is the one annotated: here are the spans. `repairs` names what had to
    /// be mended to load them (span ids used twice, e.g. after a merge, get fresh ids;
    /// an exact twin or a relation to a missing span is left out); empty for a sound
    /// file. A repaired file should be backed up before it is saved over.
    Current {
        set: AnnotationSet,
        repairs: Vec<String>,
    },
    /// The document text changed since these annotations were made. The spans are not
    /// placed anywhere until the user re-anchors them (see [`reanchor`]).
    TextChanged(ParsedFile),
}

/// A fingerprint of a file's bytes, to tell our own writes from changes made by
/// others (not cryptographic: nobody is trying to collide with it).
pub fn content_hash(bytes: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    h.write(bytes);
    h.write_usize(bytes.len());
    h.finish()
}

/// The first line of a git merge conflict (`<<<<<<< `, then `=======` and
/// `>>>>>>> `), if the file has one. JSON never has a line starting with these (our
/// files put every value inside brackets and quotes), so this is never a false alarm
/// on a sound file.
pub fn conflict_marker_line(raw: &str) -> Option<usize> {
    if !raw.contains("<<<<<<<") {
        return None;
    }
    let mut start = None;
    let mut middle = false;
    for (i, line) in raw.lines().enumerate() {
        if line.starts_with("<<<<<<<") {
            start = Some(i + 1);
            middle = false;
        } else if start.is_some() && line.starts_with("=======") {
            middle = true;
        } else if middle && line.starts_with(">>>>>>>") {
            return start;
        }
    }
    None
}

fn version_of(raw: &str) -> Option<u32> {
    // Every file Entitle writes starts `{ "entitle_annotations": N,`: read N there,
    // so a file is not parsed twice (it halves reading a big project).
    let rest = raw.trim_start().strip_prefix('{').map(str::trim_start);
    if let Some(rest) = rest.and_then(|r| r.strip_prefix("\"entitle_annotations\"")) {
        let rest = rest.trim_start();
        if let Some(num) = rest.strip_prefix(':').map(str::trim_start) {
            let end = num.find(|c: char| !c.is_ascii_digit()).unwrap_or(num.len());
            let next = num[end..].trim_start().chars().next();
            if end > 0 && matches!(next, Some(',') | Some('}')) {
                return num[..end].parse().ok();
            }
        }
    }
    #[derive(Deserialize)]
    struct Head {
        entitle_annotations: Option<u32>,
    }
    serde_json::from_str::<Head>(raw)
        .ok()
        .and_then(|h| h.entitle_annotations)
}

/// Parse an annotation file (syntax, version, unit) without the document.
pub fn parse(bytes: &[u8]) -> Result<ParsedFile, FileProblem> {
    let raw = std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = line_col(
            &String::from_utf8_lossy(&bytes[..e.valid_up_to()]),
            e.valid_up_to(),
        );
        FileProblem::Syntax {
            line,
            column,
            message: "the file is not valid UTF-8".into(),
        }
    })?;
    if let Some(line) = conflict_marker_line(raw) {
        return Err(FileProblem::Conflict { line });
    }
    if let Some(v) = version_of(raw)
        && v > ANNOTATION_FORMAT_VERSION
    {
        return Err(FileProblem::NewerVersion { found: v });
    }
    let wire: WireFile = serde_json::from_str(raw).map_err(|e| FileProblem::Syntax {
        line: e.line().max(1),
        column: e.column().max(1),
        message: strip_position(&e.to_string()),
    })?;
    if wire.offset_unit != OFFSET_UNIT {
        return Err(FileProblem::Invalid {
            line: find_line(raw, "\"offset_unit\""),
            message: format!(
                "offset_unit is {:?}; this version reads only {OFFSET_UNIT:?}",
                wire.offset_unit
            ),
        });
    }
    for s in &wire.spans {
        Label::new(&s.label).map_err(|e| FileProblem::BadLabel {
            line: span_line(raw, s.id),
            message: format!("span {}: {e}", s.id),
        })?;
    }
    for r in &wire.relations {
        Label::new(&r.label).map_err(|e| FileProblem::BadLabel {
            line: relation_line(raw, r.id),
            message: format!("relation {}: {e}", r.id),
        })?;
    }
    Ok(ParsedFile {
        fingerprint: wire.text_fingerprint,
        text_length: wire.text_length,
        status: wire.status,
        next_span_id: wire.next_span_id,
        spans: wire.spans,
        relations: wire.relations,
        next_relation_id: wire.next_relation_id,
        rejected: wire.rejected,
        suggested: wire.suggested,
        raw: raw.to_string(),
    })
}

/// serde_json appends " at line L column C"; we report the position separately.
fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(p) => msg[..p].to_string(),
        None => msg.to_string(),
    }
}

/// 1-based line of the first occurrence of `needle` (1 if absent).
fn find_line(raw: &str, needle: &str) -> usize {
    raw.find(needle).map_or(1, |b| line_col(raw, b).0)
}

/// The line a span with this id is written on (our writer puts one span per line).
fn span_line(raw: &str, id: u64) -> usize {
    let compact = format!("{{\"id\":{id},");
    let spaced = format!("\"id\": {id},");
    raw.find(&compact)
        .or_else(|| raw.find(&spaced))
        .map_or(1, |b| line_col(raw, b).0)
}

/// Read status and span count only (for the document list).
pub fn summary(bytes: &[u8]) -> Result<Summary, FileProblem> {
    let p = parse(bytes)?;
    Ok(Summary {
        status: p.status,
        spans: p.spans.len(),
    })
}

impl ParsedFile {
    /// [`content_hash`] of the file as read.
    pub fn content_hash(&self) -> u64 {
        content_hash(self.raw.as_bytes())
    }

    /// Rejected and waiting suggestions whose text is still where they say (the others
    /// are dropped: they are not annotations, and a changed text re-proposes them).
    fn place_marks(&self, doc: &Document, set: &mut AnnotationSet) {
        set.rejected = self
            .rejected
            .iter()
            .filter_map(|m| {
                let (range, label) = m.place(doc)?;
                Some(RejectedMark {
                    range,
                    label,
                    source: m.source.clone(),
                })
            })
            .collect();
        set.pending = self
            .suggested
            .iter()
            .filter_map(|m| {
                let (range, label) = m.place(doc)?;
                Some(Pending {
                    range,
                    label,
                    source: m.source.clone().unwrap_or_else(|| "import".into()),
                    score: m.score.filter(|s| s.is_finite()).unwrap_or(1.0),
                })
            })
            .collect();
    }

    /// Check every span against `doc`: same text fingerprint, offsets in range, the
    /// stored text equal to the text at those offsets. Span ids used twice and exact
    /// twins are repaired (see [`Checked::Current`]); a span whose text differs from the
    /// document at its offsets, while the fingerprint matches, is damage.
    pub fn check(self, doc: &Document) -> Result<Checked, FileProblem> {
        if self.fingerprint != doc.fingerprint() {
            return Ok(Checked::TextChanged(self));
        }
        let mut spans = Vec::with_capacity(self.spans.len());
        for s in &self.spans {
            let span = stored_to_span(s, doc).map_err(|message| FileProblem::Invalid {
                line: span_line(&self.raw, s.id),
                message,
            })?;
            spans.push(span);
        }
        // The common case in one O(n log n) step; a file that needs repairs goes
        // through the span-by-span path, which says what it mended.
        if let Ok(mut set) = AnnotationSet::from_spans(spans.clone(), doc.len_chars()) {
            let relations_ok = self
                .relations
                .iter()
                .all(|r| stored_to_relation(r).is_ok_and(|r| set.insert_relation(r).is_ok()));
            if relations_ok {
                set.reserve_ids_below(self.next_span_id);
                set.reserve_relation_ids_below(self.next_relation_id);
                set.status = self.status;
                self.place_marks(doc, &mut set);
                return Ok(Checked::Current {
                    set,
                    repairs: Vec::new(),
                });
            }
        }
        let placed = spans.into_iter().map(Some).collect();
        let mut a = assemble(&self, placed, doc.len_chars());
        self.place_marks(doc, &mut a.set);
        let mut repairs = a.notes;
        repairs.extend(a.dropped.iter().map(|d| {
            format!(
                "line {}: span {} {} {:?} left out: {}",
                span_line(&self.raw, d.span.id),
                d.span.id,
                d.span.label,
                d.span.text,
                d.reason
            )
        }));
        repairs.extend(a.dropped_relations.iter().map(|(r, why)| {
            format!(
                "line {}: relation {} {} left out: {why}",
                relation_line(&self.raw, r.id),
                r.id,
                r.label
            )
        }));
        Ok(Checked::Current {
            set: a.set,
            repairs,
        })
    }
}

/// A stored span that could not be placed, and why.
#[derive(Debug, Clone)]
pub struct LostSpan {
    pub span: StoredSpan,
    pub reason: String,
}

/// Spans (those that could be placed, in file order) and relations put together into
/// a set one at a time, so that one bad item never costs the others.
struct Assembled {
    set: AnnotationSet,
    dropped: Vec<LostSpan>,
    dropped_relations: Vec<(StoredRelation, String)>,
    /// Span ids given to spans whose id was already taken.
    notes: Vec<String>,
}

fn assemble(file: &ParsedFile, placed: Vec<Option<Span>>, len_chars: usize) -> Assembled {
    let mut set = AnnotationSet::new();
    let max_id = file.spans.iter().map(|s| s.id + 1).max().unwrap_or(1);
    set.reserve_ids_below(file.next_span_id.max(max_id));
    let mut first_holder: std::collections::HashMap<u64, SpanId> = Default::default();
    let mut out = Assembled {
        set: AnnotationSet::new(),
        dropped: Vec::new(),
        dropped_relations: Vec::new(),
        notes: Vec::new(),
    };
    for (stored, span) in file.spans.iter().zip(placed) {
        let Some(mut span) = span else { continue };
        let taken = set.get(span.id).is_some();
        if taken {
            span.id = set.next_id();
        }
        let id = span.id;
        match set.insert(span, len_chars) {
            Ok(()) => {
                if taken {
                    out.notes.push(format!(
                        "span id {} was used twice; the second ({} {:?}) is now {}",
                        stored.id, stored.label, stored.text, id
                    ));
                }
                first_holder.entry(stored.id).or_insert(id);
            }
            Err(e) => out.dropped.push(LostSpan {
                span: stored.clone(),
                reason: match e {
                    crate::model::SetError::Duplicate { .. } => {
                        "the same label is already on that text".into()
                    }
                    other => other.to_string(),
                },
            }),
        }
    }
    for r in &file.relations {
        let ends = (first_holder.get(&r.from), first_holder.get(&r.to));
        let result = match (stored_to_relation(r), ends) {
            (Ok(mut rel), (Some(&from), Some(&to))) => {
                rel.from = from;
                rel.to = to;
                set.insert_relation(rel).map_err(|e| e.to_string())
            }
            (Err(e), _) => Err(e.to_string()),
            _ => Err("one of its spans was not placed".to_string()),
        };
        if let Err(why) = result {
            out.dropped_relations.push((r.clone(), why));
        }
    }
    set.reserve_relation_ids_below(file.next_relation_id);
    set.status = file.status;
    out.set = set;
    out
}

/// A stored relation as a model relation (labels were checked by [`parse`]).
fn stored_to_relation(r: &StoredRelation) -> Result<Relation, FileProblem> {
    Ok(Relation {
        id: RelationId(r.id),
        label: Label::new(&r.label).map_err(|e| FileProblem::BadLabel {
            line: 1,
            message: e.to_string(),
        })?,
        from: SpanId(r.from),
        to: SpanId(r.to),
        annotator: r.annotator.as_str().into(),
        created: r.created,
        note: r.note.clone(),
    })
}

/// The line a relation is written on (one per line, after the spans).
fn relation_line(raw: &str, id: u64) -> usize {
    let key = format!("{{\"id\":{id},\"label\"");
    match raw.find("\"relations\"") {
        Some(from) => raw[from..]
            .find(&key)
            .map_or(1, |b| line_col(raw, from + b).0),
        None => 1,
    }
}

fn stored_to_span(s: &StoredSpan, doc: &Document) -> Result<Span, String> {
    let range = CharSpan::new(s.start, s.end, doc.len_chars())
        .map_err(|e| format!("span {}: {e}", s.id))?;
    let actual = doc.slice(range.range());
    if actual != s.text {
        return Err(format!(
            "span {} ({}..{}) says its text is {:?} but the document has {:?} there",
            s.id, s.start, s.end, s.text, actual
        ));
    }
    let label = Label::new(&s.label).map_err(|e| format!("span {}: {e}", s.id))?;
    let mut span = Span::new(SpanId(s.id), range, label, s.annotator.as_str(), s.created);
    span.modified = s.modified;
    let has_extra = !s.fragments.is_empty()
        || s.note.is_some()
        || !s.typed_notes.is_empty()
        || !s.attributes.is_empty()
        || !s.normalizations.is_empty()
        || s.source.is_some()
        || !s.proposed_by.is_empty();
    if has_extra {
        let fragments = s
            .fragments
            .iter()
            .map(|[a, b]| CharSpan::new(*a, *b, doc.len_chars()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("span {}: fragment {e}", s.id))?;
        span.extra = Some(Box::new(SpanExtra {
            fragments,
            note: s.note.clone(),
            typed_notes: s
                .typed_notes
                .iter()
                .map(|[k, v]| (k.clone(), v.clone()))
                .collect(),
            attributes: s
                .attributes
                .iter()
                .map(|[k, v]| (k.clone(), v.clone()))
                .collect(),
            normalizations: s.normalizations.clone(),
            provenance: s.source.as_ref().map(|source| Provenance {
                source: source.clone(),
                score: s.score.filter(|x| x.is_finite()),
            }),
            proposed_by: s.proposed_by.clone(),
        }));
    }
    Ok(span)
}

fn span_to_stored(s: &Span, doc: &Document) -> StoredSpan {
    StoredSpan {
        id: s.id.0,
        start: s.range.start(),
        end: s.range.end(),
        label: s.label.to_string(),
        text: doc.slice(s.range.range()).to_string(),
        annotator: s.annotator.to_string(),
        created: s.created,
        modified: s.modified,
        fragments: if s.is_discontinuous() {
            s.fragments().iter().map(|f| [f.start(), f.end()]).collect()
        } else {
            Vec::new()
        },
        note: s.note().map(str::to_string),
        typed_notes: s
            .typed_notes()
            .iter()
            .map(|(k, v)| [k.clone(), v.clone()])
            .collect(),
        attributes: s
            .attributes()
            .iter()
            .map(|(k, v)| [k.clone(), v.clone()])
            .collect(),
        normalizations: s.normalizations().to_vec(),
        source: s.provenance().map(|p| p.source.clone()),
        score: s.provenance().and_then(|p| p.score),
        proposed_by: s.proposed_by().to_vec(),
    }
}

/// Serialise one document's annotations. `doc` supplies the fingerprint and span texts.
pub fn encode(doc: &Document, annotator: &str, set: &AnnotationSet) -> Vec<u8> {
    encode_parts(
        doc,
        annotator,
        &Parts {
            status: set.status,
            next_span_id: set.next_id().0,
            spans: set.spans(),
            relations: set.relations(),
            next_relation_id: set.next_relation_id().0,
            rejected: &set.rejected,
            pending: &set.pending,
        },
    )
}

/// What goes into a file, borrowed (the autosave thread holds a snapshot, not a set).
pub struct Parts<'a> {
    pub status: DocStatus,
    pub next_span_id: u64,
    pub spans: &'a [Span],
    pub relations: &'a [Relation],
    pub next_relation_id: u64,
    pub rejected: &'a [RejectedMark],
    pub pending: &'a [Pending],
}

/// Serialise from parts.
pub fn encode_parts(doc: &Document, annotator: &str, parts: &Parts<'_>) -> Vec<u8> {
    let mut out = Vec::with_capacity(256 + parts.spans.len() * 160);
    let header = |key: &str, value: String| format!("  {}: {},\n", json(key), value);
    out.extend_from_slice(b"{\n");
    let mut head = String::new();
    head += &header("entitle_annotations", ANNOTATION_FORMAT_VERSION.to_string());
    head += &header("document", json(doc.id.as_str()));
    head += &header("annotator", json(annotator));
    head += &header("offset_unit", json(OFFSET_UNIT));
    head += &header("text_fingerprint", json(doc.fingerprint()));
    head += &header("text_length", doc.len_chars().to_string());
    head += &header("status", json(status_name(parts.status)));
    head += &header("next_span_id", parts.next_span_id.to_string());
    head += &header("next_relation_id", parts.next_relation_id.to_string());
    out.extend_from_slice(head.as_bytes());
    out.extend_from_slice(b"  \"spans\": [");
    for (i, s) in parts.spans.iter().enumerate() {
        out.extend_from_slice(if i == 0 { b"\n    " } else { b",\n    " });
        // Serialising plain strings, integers and timestamps cannot fail.
        let _ = serde_json::to_writer(&mut out, &span_to_stored(s, doc));
    }
    out.extend_from_slice(if parts.spans.is_empty() {
        b"]"
    } else {
        b"\n  ]"
    });
    if !parts.relations.is_empty() {
        out.extend_from_slice(b",\n  \"relations\": [");
        for (i, r) in parts.relations.iter().enumerate() {
            out.extend_from_slice(if i == 0 { b"\n    " } else { b",\n    " });
            let stored = StoredRelation {
                id: r.id.0,
                label: r.label.to_string(),
                from: r.from.0,
                to: r.to.0,
                annotator: r.annotator.to_string(),
                created: r.created,
                note: r.note.clone(),
            };
            let _ = serde_json::to_writer(&mut out, &stored);
        }
        out.extend_from_slice(b"\n  ]");
    }
    let marks = |out: &mut Vec<u8>, key: &str, items: Vec<StoredMark>| {
        if items.is_empty() {
            return;
        }
        out.extend_from_slice(format!(",\n  {}: [", json(key)).as_bytes());
        for (i, m) in items.iter().enumerate() {
            out.extend_from_slice(if i == 0 { b"\n    " } else { b",\n    " });
            let _ = serde_json::to_writer(&mut *out, m);
        }
        out.extend_from_slice(b"\n  ]");
    };
    marks(
        &mut out,
        "rejected",
        parts
            .rejected
            .iter()
            .map(|m| StoredMark {
                source: m.source.clone(),
                ..StoredMark::new(doc, m.range, &m.label)
            })
            .collect(),
    );
    marks(
        &mut out,
        "suggested",
        parts
            .pending
            .iter()
            .map(|p| StoredMark {
                source: Some(p.source.clone()),
                score: Some(p.score),
                ..StoredMark::new(doc, p.range, &p.label)
            })
            .collect(),
    );
    out.extend_from_slice(b"\n}\n");
    out
}

fn json(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn status_name(s: DocStatus) -> &'static str {
    match s {
        DocStatus::New => "new",
        DocStatus::InProgress => "in-progress",
        DocStatus::Done => "done",
        DocStatus::NeedsReview => "needs-review",
    }
}

/// The result of moving stored spans onto a changed text. Every stored span is
/// counted once: `unchanged + moved + lost.len()` is the number of spans in the file.
#[derive(Debug, Clone)]
pub struct Reanchored {
    pub set: AnnotationSet,
    /// Spans whose text is still at the same offsets.
    pub unchanged: usize,
    /// Spans found at another offset (the nearest occurrence of their text).
    pub moved: usize,
    /// Spans that could not be placed, with the reason.
    pub lost: Vec<LostSpan>,
    /// Relations dropped (one of their spans was lost), with the reason.
    pub lost_relations: Vec<(StoredRelation, String)>,
    /// Span ids that had to change (an id used twice in the file).
    pub renumbered: Vec<String>,
}

/// Place stored spans on the current text: each keeps its offsets if its text is still
/// there, otherwise moves (with all its fragments) to the nearest occurrence of its
/// text, otherwise is reported as lost. Nothing is guessed beyond an exact text match.
pub fn reanchor(file: &ParsedFile, doc: &Document) -> Reanchored {
    let mut unchanged = 0;
    let mut moved = 0;
    let mut lost = Vec::new();
    let mut placed: Vec<Option<Span>> = Vec::with_capacity(file.spans.len());
    let mut search: Vec<usize> = Vec::new();
    for (i, s) in file.spans.iter().enumerate() {
        match stored_to_span(s, doc) {
            Ok(span) => {
                unchanged += 1;
                placed.push(Some(span));
            }
            Err(_) => {
                placed.push(None);
                search.push(i);
            }
        }
    }
    let found = occurrences(doc, search.iter().map(|&i| file.spans[i].text.as_str()));
    for (k, &i) in search.iter().enumerate() {
        let s = &file.spans[i];
        let nearest = found[k]
            .iter()
            .copied()
            .min_by_key(|start| start.abs_diff(s.start));
        let shifted = nearest.map(|start| shift(s, start as i64 - s.start as i64));
        match shifted.as_ref().map(|m| stored_to_span(m, doc)) {
            Some(Ok(span)) => {
                moved += 1;
                placed[i] = Some(span);
            }
            Some(Err(e)) => lost.push(LostSpan {
                span: s.clone(),
                reason: e,
            }),
            None => lost.push(LostSpan {
                span: s.clone(),
                reason: if s.text.is_empty() {
                    "it covers no text".into()
                } else {
                    "its text no longer occurs in the document".into()
                },
            }),
        }
    }
    let a = assemble(file, placed, doc.len_chars());
    // A span placed but refused by the set (two spans moved onto the same text with the
    // same label) was counted as placed: count it as lost instead.
    for d in &a.dropped {
        if stored_to_span(&d.span, doc).is_ok() {
            unchanged -= 1;
        } else {
            moved -= 1;
        }
    }
    lost.extend(a.dropped);
    Reanchored {
        set: a.set,
        unchanged,
        moved,
        lost,
        lost_relations: a.dropped_relations,
        renumbered: a.notes,
    }
}

/// A stored span moved by `delta` characters, fragments included.
fn shift(s: &StoredSpan, delta: i64) -> StoredSpan {
    let m = |x: usize| (x as i64 + delta).max(0) as usize;
    StoredSpan {
        start: m(s.start),
        end: m(s.end),
        fragments: s.fragments.iter().map(|[a, b]| [m(*a), m(*b)]).collect(),
        ..s.clone()
    }
}

/// Start (in chars) of every occurrence of each needle in the document, found in one
/// pass over the text whatever the number of needles.
fn occurrences<'a>(doc: &Document, needles: impl Iterator<Item = &'a str>) -> Vec<Vec<usize>> {
    let needles: Vec<&str> = needles.collect();
    let mut out = vec![Vec::new(); needles.len()];
    let mut distinct: Vec<&str> = needles.iter().copied().filter(|n| !n.is_empty()).collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.is_empty() {
        return out;
    }
    let Ok(ac) = aho_corasick::AhoCorasick::new(&distinct) else {
        return out;
    };
    let mut by_pattern: Vec<Vec<usize>> = vec![Vec::new(); distinct.len()];
    for m in ac.find_overlapping_iter(doc.text()) {
        if let Ok(c) = doc.index().char_from_byte(m.start()) {
            by_pattern[m.pattern().as_usize()].push(c);
        }
    }
    for (k, n) in needles.iter().enumerate() {
        if let Ok(p) = distinct.binary_search(n) {
            out[k] = by_pattern[p].clone();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DocId, markup};
    use crate::text::CharSpan;

    fn doc(text: &str) -> Document {
        Document::new(DocId::new("docs/a").unwrap(), text)
    }

    #[test]
    fn encode_then_parse_gives_the_same_spans() {
        let m = "“[PER Tim Cook]’s visit 😀 pleased [ORG Apple]” in [GPE دبي]\r\n[ORG [GPE Syrian] Observatory] Cafe\u{301}";
        let (text, mut set) = markup::parse_set(m).unwrap();
        set.status = DocStatus::InProgress;
        let d = doc(&text);
        let bytes = encode(&d, "alice", &set);
        let Checked::Current { set: back, .. } = parse(&bytes).unwrap().check(&d).unwrap() else {
            panic!("text changed?")
        };
        assert_eq!(back.spans(), set.spans());
        assert_eq!(back.status, DocStatus::InProgress);
        assert_eq!(back.next_id(), set.next_id());
        let s = String::from_utf8(bytes).unwrap();
        assert!(s.contains(r#""text":"دبي""#), "{s}");
        // One span per line.
        assert_eq!(
            s.lines().filter(|l| l.contains("\"id\":")).count(),
            set.len()
        );
    }

    /// Provenance of accepted suggestions, rejected and waiting suggestions survive a
    /// save and a load, at exact offsets past curly quotes, an emoji, Arabic and CRLF;
    /// one whose text is no longer there is dropped, not misplaced.
    #[test]
    fn suggestions_and_provenance_round_trip() {
        let m = "“[PER Tim Cook]’s visit 😀 in دبي\r\n[ORG Apple] and Apple Cafe\u{301}";
        let (text, mut set) = markup::parse_set(m).unwrap();
        let d = doc(&text);
        let at = |needle: &str, nth: usize| {
            let (b, _) = text.match_indices(needle).nth(nth).unwrap();
            let s = text[..b].chars().count();
            CharSpan::new(s, s + needle.chars().count(), d.len_chars()).unwrap()
        };
        let id = set.spans()[0].id;
        let mut span = set.get(id).unwrap().clone();
        span.extra_mut().provenance = Some(Provenance {
            source: "gazetteer".into(),
            score: Some(0.9),
        });
        set.remove(id).unwrap();
        set.insert(span, d.len_chars()).unwrap();
        set.rejected = vec![
            RejectedMark {
                range: at("دبي", 0),
                label: Label::new("GPE").unwrap(),
                source: Some("gazetteer".into()),
            },
            RejectedMark {
                range: at("Apple", 0),
                label: Label::new("PER").unwrap(),
                source: None,
            },
        ];
        set.pending = vec![Pending {
            range: at("Apple", 1),
            label: Label::new("ORG").unwrap(),
            source: "same-string".into(),
            score: 0.75,
        }];
        let bytes = encode(&d, "ann", &set);
        let Checked::Current { set: back, repairs } = parse(&bytes).unwrap().check(&d).unwrap()
        else {
            panic!("text changed?")
        };
        assert!(repairs.is_empty());
        assert_eq!(
            back.get(id).unwrap().provenance(),
            Some(&Provenance {
                source: "gazetteer".into(),
                score: Some(0.9)
            })
        );
        assert_eq!(back.rejected, set.rejected);
        assert_eq!(back.pending, set.pending);
        // A mark whose text moved away is dropped on load.
        let raw = String::from_utf8(bytes)
            .unwrap()
            .replace("\"text\":\"دبي\"", "\"text\":\"Oslo\"");
        let Checked::Current { set: back, .. } = parse(raw.as_bytes()).unwrap().check(&d).unwrap()
        else {
            panic!()
        };
        assert_eq!(back.rejected, set.rejected[1..]);
        assert_eq!(back.pending.len(), 1);
    }

    /// A rejected mark keeps the engine that proposed it on disk; a file written before
    /// engines were kept (no `source` on its rejected marks) still reads, with none.
    #[test]
    fn rejected_marks_keep_their_engine_and_old_files_still_read() {
        let text = "Idlib and Aleppo, Idlib again";
        let d = doc(text);
        let len = d.len_chars();
        let mut set = AnnotationSet::default();
        set.rejected = vec![
            RejectedMark {
                range: CharSpan::new(0, 5, len).unwrap(),
                label: Label::new("GPE").unwrap(),
                source: Some("same-string".into()),
            },
            RejectedMark {
                range: CharSpan::new(10, 16, len).unwrap(),
                label: Label::new("LOC").unwrap(),
                source: Some("model".into()),
            },
        ];
        let raw = String::from_utf8(encode(&d, "ann", &set)).unwrap();
        assert!(
            raw.contains(
                r#"{"start":0,"end":5,"label":"GPE","text":"Idlib","source":"same-string"}"#
            ),
            "{raw}"
        );
        let Checked::Current { set: back, .. } = parse(raw.as_bytes()).unwrap().check(&d).unwrap()
        else {
            panic!("text changed?")
        };
        assert_eq!(back.rejected, set.rejected);
        // The same file as an older version wrote it: no source on rejected marks.
        let old = raw
            .replace(r#","source":"same-string""#, "")
            .replace(r#","source":"model""#, "");
        assert!(!old.contains("source"), "{old}");
        let Checked::Current { set: back, .. } = parse(old.as_bytes()).unwrap().check(&d).unwrap()
        else {
            panic!("text changed?")
        };
        assert_eq!(back.rejected.len(), 2);
        assert!(back.rejected.iter().all(|m| m.source.is_none()));
        assert_eq!(back.rejected[1].label.as_str(), "LOC");
        // And an engine-less mark is written back without one (not as "unknown").
        let again = String::from_utf8(encode(&d, "ann", &back)).unwrap();
        assert!(!again.contains("source"), "{again}");
    }

    #[test]
    fn relations_and_span_extras_round_trip() {
        use crate::model::{Normalization, Relation, RelationId, SpanExtra};
        let (text, mut set) =
            markup::parse_set("[PER Amal] met [ORG Nordlicht AG] on [DATE Friday]").unwrap();
        let len = text.chars().count();
        // Make span 3 discontinuous ("met" … "Friday") and give span 1 extras.
        let mut meeting = set.get(SpanId(3)).unwrap().clone();
        set.remove(SpanId(3)).unwrap();
        meeting.range = CharSpan::new(5, 31, len).unwrap();
        meeting.extra = Some(Box::new(SpanExtra {
            fragments: vec![
                CharSpan::new(5, 8, len).unwrap(),
                CharSpan::new(25, 31, len).unwrap(),
            ],
            ..Default::default()
        }));
        set.insert(meeting, len).unwrap();
        let mut amal = set.get(SpanId(1)).unwrap().clone();
        set.remove(SpanId(1)).unwrap();
        let x = amal.extra_mut();
        x.note = Some("byline".into());
        x.typed_notes = vec![("Comment".into(), "check spelling".into())];
        x.attributes = vec![("Confidence".into(), "High".into())];
        x.normalizations = vec![Normalization {
            db: "Wikidata".into(),
            id: "Q1".into(),
            name: None,
        }];
        set.insert(amal, len).unwrap();
        set.insert_relation(Relation {
            id: RelationId(1),
            label: crate::label!("works_for"),
            from: SpanId(1),
            to: SpanId(2),
            annotator: "a".into(),
            created: DateTime::<Utc>::from_timestamp(0, 0).unwrap(),
            note: Some("from the “byline”\r\nsecond line 😀".into()),
        })
        .unwrap();
        let d = doc(&text);
        let bytes = encode(&d, "a", &set);
        let Checked::Current { set: back, .. } = parse(&bytes).unwrap().check(&d).unwrap() else {
            panic!()
        };
        assert_eq!(back.spans(), set.spans());
        assert_eq!(back.relations(), set.relations());
        assert_eq!(back.next_relation_id(), RelationId(2));
        // A relation pointing at a missing span (a merge gone wrong) is left out and
        // named with its line; the spans all load.
        let bad = String::from_utf8(bytes)
            .unwrap()
            .replace("\"to\":2", "\"to\":9");
        let Checked::Current { set: back, repairs } =
            parse(bad.as_bytes()).unwrap().check(&d).unwrap()
        else {
            panic!()
        };
        assert_eq!(back.spans(), set.spans());
        assert!(back.relations().is_empty());
        assert_eq!(repairs.len(), 1, "{repairs:?}");
        assert!(repairs[0].starts_with("line 17:"), "{repairs:?}");
        assert!(
            repairs[0].contains("relation 1 works_for left out: one of its spans was not placed"),
            "{repairs:?}"
        );
    }

    #[test]
    fn ids_used_twice_and_twins_are_repaired_not_fatal() {
        let (text, set) = markup::parse_set("[PER Amal] met [PER Rami] in [GPE Oslo]").unwrap();
        let d = doc(&text);
        let good = String::from_utf8(encode(&d, "a", &set)).unwrap();
        // As a merge of two clones that each added span 3 could leave it.
        let merged = good.replace("{\"id\":2,", "{\"id\":1,").replace(
            "\n  ]",
            &format!(
                ",\n    {}\n  ]",
                good.lines()
                    .find(|l| l.contains("\"Oslo\""))
                    .unwrap()
                    .trim()
                    .trim_end_matches(',')
            ),
        );
        let Checked::Current { set: back, repairs } =
            parse(merged.as_bytes()).unwrap().check(&d).unwrap()
        else {
            panic!()
        };
        let texts: Vec<&str> = back.iter().map(|s| d.slice(s.range.range())).collect();
        assert_eq!(texts, ["Amal", "Rami", "Oslo"]);
        assert_eq!(repairs.len(), 2, "{repairs:?}");
        assert!(
            repairs[0].contains("span id 1 was used twice"),
            "{repairs:?}"
        );
        assert!(
            repairs[1].contains("left out: the same label is already on that text"),
            "{repairs:?}"
        );
        let ids: std::collections::HashSet<_> = back.iter().map(|s| s.id).collect();
        assert_eq!(ids.len(), 3);
    }

    #[test]
    fn problems_name_the_line() {
        let d = doc("Rami said");
        let e = parse(b"{\n  \"entitle_annotations\": 1,\n  oops\n}").unwrap_err();
        assert!(matches!(e, FileProblem::Syntax { line: 3, .. }), "{e:?}");
        let e = parse(br#"{"entitle_annotations": 7}"#).unwrap_err();
        assert_eq!(e, FileProblem::NewerVersion { found: 7 });
        // Found first (the quick path) or anywhere (the full parse); never from a
        // number that is not one.
        let e = parse(br#"{"a": 1, "entitle_annotations": 7}"#).unwrap_err();
        assert_eq!(e, FileProblem::NewerVersion { found: 7 });
        let e = parse(br#" { "entitle_annotations" : 7 , "x": 1}"#).unwrap_err();
        assert_eq!(e, FileProblem::NewerVersion { found: 7 });
        let e = parse(br#"{"entitle_annotations": 7.5, "x": 1}"#).unwrap_err();
        assert!(matches!(e, FileProblem::Syntax { .. }), "{e:?}");
        let (_, set) = markup::parse_set("[PER Rami] said").unwrap();
        let good = String::from_utf8(encode(&d, "a", &set)).unwrap();
        let bad = good.replace(r#""text":"Rami""#, r#""text":"Ramy""#);
        let e = parse(bad.as_bytes()).unwrap().check(&d).unwrap_err();
        assert_eq!(e.line(), Some(12), "{e}");
        assert!(e.to_string().contains("\"Ramy\""));
    }

    #[test]
    fn changed_text_is_detected_and_reanchored() {
        let (text, set) =
            markup::parse_set("[PER Rami] said in [GPE Homs] and [GPE Idlib]").unwrap();
        let old = doc(&text);
        let bytes = encode(&old, "a", &set);
        let new = doc("Breaking: Rami said in Homs and Hama");
        let Checked::TextChanged(parsed) = parse(&bytes).unwrap().check(&new).unwrap() else {
            panic!("change not detected")
        };
        let r = reanchor(&parsed, &new);
        assert_eq!(r.moved, 2);
        assert_eq!(r.lost.len(), 1);
        assert_eq!(r.lost[0].span.text, "Idlib");
        let placed: Vec<&str> = r.set.iter().map(|s| new.slice(s.range.range())).collect();
        assert_eq!(placed, ["Rami", "Homs"]);
    }
}
