//! Records (a document with its annotations, as formats exchange them), the checks
//! every reader's spans go through ([`build_record`]), and what formats report:
//! [`Warning`]s for what they cannot keep, [`FormatError`]s for what is wrong.

use super::{Format, ReadOptions};
use crate::model::{
    AnnotationSet, DocId, Document, Label, Normalization, Relation, RelationId, Span, SpanExtra,
    SpanId,
};
use crate::text::CharSpan;
use chrono::{DateTime, Utc};
use std::fmt;
use std::path::{Path, PathBuf};

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
    /// Whose annotations these are, when the source says so per document (a Label
    /// Studio task annotated by several people is one record per annotation): import
    /// puts them in that annotator's layer. `None`: the importing annotator's.
    pub annotator: Option<String>,
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
    /// Not an error: an item the reader skips on purpose and counts (a Prodigy
    /// example answered `reject`). Callers report these apart and do not fail.
    pub skipped: bool,
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
            skipped: false,
        }
    }
    /// An item skipped on purpose (see [`FormatError::skipped`]).
    pub fn skip(path: &Path, line: usize, message: impl Into<String>) -> Self {
        Self {
            skipped: true,
            ..Self::new(path, line, message)
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
    /// Notes of other types, `(type, text)` (brat `#` lines other than AnnotatorNotes).
    pub typed_notes: Vec<(String, String)>,
    pub attributes: Vec<(String, String)>,
    pub normalizations: Vec<Normalization>,
    pub annotator: Option<String>,
    pub created: Option<DateTime<Utc>>,
    /// Line of the span in the source (0 if not line-based).
    pub line: usize,
    /// Entitle JSONL `"status": "suggested"`: a suggestion waiting for the analyst,
    /// not an annotation (it goes to the set's pending list).
    pub suggested: bool,
    /// The engine that proposed it (`"source"`) and its score (`"score"`).
    pub source: Option<String>,
    pub score: Option<f32>,
}

/// A relation as a reader finds it: the keys of its two spans.
#[derive(Debug, Clone, Default)]
pub struct RawRelation {
    pub key: String,
    pub label: String,
    pub from: String,
    pub to: String,
    pub line: usize,
    /// A free-text note on the relation (brat `AnnotatorNotes` on an `R` id).
    pub note: Option<String>,
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
    // Each folder or file name made one every file system takes: no leading dot, no
    // trailing dot, and no name Windows reserves for a device (`CON` becomes `CON_`).
    let mut parts: Vec<String> = cleaned
        .split('/')
        .map(|p| p.trim_start_matches('.').trim_end_matches('.'))
        .filter(|p| !p.is_empty())
        .map(|p| {
            let stem = p.split('.').next().unwrap_or(p);
            if DocId::is_reserved(stem) {
                format!("{stem}_{}", &p[stem.len()..])
            } else {
                p.to_string()
            }
        })
        .collect();
    // Too deep to be found again: the deepest folders are folded into the name.
    let keep = DocId::MAX_COMPONENTS - 2; // a project import adds `docs/`
    if parts.len() > keep {
        let tail = parts.split_off(keep - 1).join("__");
        parts.push(tail);
    }
    DocId::new(parts.join("/"))
        .or_else(|_| DocId::new(format!("doc-{fallback:06}")))
        .unwrap_or_else(|_| DocId::new("doc").expect("a constant id is valid"))
}

/// Build a record from raw parts, checking the text and every span against it. The
/// text gets the same checks as a document file (no NUL character; a leading
/// byte-order mark is dropped, with every offset moved back by one, and a warning). A
/// span that is out of bounds, or whose stored text differs, is an error naming its
/// line; a label that is not a valid [`Label`] is made one (white space becomes `_`)
/// with a warning; an exact duplicate or a relation to an unknown span is a warning.
pub fn build_record(
    name: &str,
    external_id: Option<serde_json::Value>,
    text: String,
    mut spans: Vec<RawSpan>,
    relations: Vec<RawRelation>,
    origin: Origin,
    options: &ReadOptions,
) -> Result<Record, FormatError> {
    let mut warnings = Vec::new();
    let text = checked_text(text, name, &origin, &mut spans, &mut warnings)?;
    let doc = Document::new(doc_id_from(name, 0), text);
    let mut names = Interner::new(&options.annotator);
    let mut built: Vec<Span> = Vec::with_capacity(spans.len());
    let mut raw_keys: Vec<String> = Vec::with_capacity(spans.len());
    // Waiting suggestions are checked like spans, then kept apart.
    let (suggested, spans): (Vec<RawSpan>, Vec<RawSpan>) =
        spans.into_iter().partition(|r| r.suggested);
    let mut pending = Vec::with_capacity(suggested.len());
    for (i, raw) in suggested.iter().enumerate() {
        let span = build_span(
            raw,
            SpanId(i as u64 + 1),
            &doc,
            name,
            &origin,
            options,
            &mut names,
            &mut warnings,
        )?;
        if !pending
            .iter()
            .any(|p: &crate::model::Pending| p.range == span.range && p.label == span.label)
        {
            pending.push(crate::model::Pending {
                range: span.range,
                label: span.label,
                source: raw.source.clone().unwrap_or_else(|| "import".into()),
                score: raw.score.filter(|s| s.is_finite()).unwrap_or(1.0),
            });
        }
    }
    for (i, raw) in spans.into_iter().enumerate() {
        let span = build_span(
            &raw,
            SpanId(i as u64 + 1),
            &doc,
            name,
            &origin,
            options,
            &mut names,
            &mut warnings,
        )?;
        raw_keys.push(raw.key);
        built.push(span);
    }
    let kept = drop_duplicates(built, raw_keys, name, &doc, &mut warnings);
    // Relations find their ends by the source's keys; a key that several spans share
    // names no one span (`None`).
    let mut keys: rustc_hash::FxHashMap<String, Option<SpanId>> = Default::default();
    if !relations.is_empty() {
        for (k, s) in &kept {
            keys.entry(k.clone())
                .and_modify(|v| *v = None)
                .or_insert(Some(s.id));
        }
    }
    // Ids are fresh, duplicates and fragments were checked above: this cannot fail,
    // but a failure is still reported, not unwrapped.
    let mut set =
        AnnotationSet::from_spans(kept.into_iter().map(|(_, s)| s).collect(), doc.len_chars())
            .map_err(|(id, e)| {
                FormatError::new(&origin.path, origin.line, format!("span {id}: {e}"))
            })?;
    set.pending = pending;
    add_relations(
        &mut set,
        relations,
        &keys,
        name,
        options,
        &mut names,
        &mut warnings,
    );
    Ok(Record {
        name: name.to_string(),
        external_id,
        doc,
        set,
        meta: serde_json::Map::new(),
        origin,
        warnings,
        annotator: None,
    })
}

/// The text as a document will hold it: NUL refused, a leading BOM dropped (the spans'
/// offsets move back by one).
fn checked_text(
    mut text: String,
    name: &str,
    origin: &Origin,
    spans: &mut [RawSpan],
    warnings: &mut Vec<Warning>,
) -> Result<String, FormatError> {
    if let Some(at) = text.find('\0') {
        let c = text[..at].chars().count();
        return Err(FormatError::new(
            &origin.path,
            origin.line,
            format!(
                "the text of {name} contains a NUL character (code point {c}); Entitle documents are plain text. Remove it from the source"
            ),
        ));
    }
    if text.len() > crate::model::MAX_DOCUMENT_BYTES {
        return Err(FormatError::new(
            &origin.path,
            origin.line,
            format!("the text of {name} is larger than 1 GiB; split it into smaller documents"),
        ));
    }
    if text.starts_with('\u{feff}') {
        // A document file drops a leading BOM when it is read back, so the text must not
        // keep one: every offset after it moves back by one.
        text.drain(..'\u{feff}'.len_utf8());
        for s in spans.iter_mut() {
            for f in &mut s.fragments {
                *f = (f.0.saturating_sub(1), f.1.saturating_sub(1));
            }
        }
        warnings.push(Warning {
            doc: name.to_string(),
            item: "byte-order mark (U+FEFF) at the start of the text".into(),
            reason: "dropped, and every offset moved back by one, as a .txt file drops it".into(),
        });
    }
    Ok(text)
}

/// Labels and annotators are shared strings: one allocation per distinct value, and
/// one label check (and warning) per distinct label name.
struct Interner {
    labels: Vec<(String, Option<Label>)>,
    annotators: Vec<std::sync::Arc<str>>,
    default_annotator: std::sync::Arc<str>,
}

impl Interner {
    fn new(default_annotator: &str) -> Self {
        Self {
            labels: Vec::new(),
            annotators: Vec::new(),
            default_annotator: default_annotator.into(),
        }
    }
    fn annotator(&mut self, a: Option<&str>) -> std::sync::Arc<str> {
        let Some(a) = a else {
            return self.default_annotator.clone();
        };
        match self.annotators.iter().find(|x| &***x == a) {
            Some(x) => x.clone(),
            None => {
                let x: std::sync::Arc<str> = a.into();
                self.annotators.push(x.clone());
                x
            }
        }
    }
    /// The label for a name (made valid if it is not: see [`Label::sanitize`]), and a
    /// warning the first time a name had to change.
    fn label(
        &mut self,
        raw: &str,
        doc: &str,
        what: &str,
        warnings: &mut Vec<Warning>,
    ) -> Option<Label> {
        if let Some((_, l)) = self.labels.iter().find(|(n, _)| n == raw) {
            return l.clone();
        }
        let made = Label::sanitize(raw);
        if let Some((l, true)) = &made {
            warnings.push(Warning {
                doc: doc.to_string(),
                item: format!("{what} {raw:?}"),
                reason: format!(
                    "renamed {l}: label names cannot contain white space or control characters"
                ),
            });
        }
        let l = made.map(|(l, _)| l);
        self.labels.push((raw.to_string(), l.clone()));
        l
    }
}

/// Check one raw span against the document and make it a [`Span`].
#[allow(clippy::too_many_arguments)]
fn build_span(
    raw: &RawSpan,
    id: SpanId,
    doc: &Document,
    name: &str,
    origin: &Origin,
    options: &ReadOptions,
    names: &mut Interner,
    warnings: &mut Vec<Warning>,
) -> Result<Span, FormatError> {
    let line = if raw.line > 0 { raw.line } else { origin.line };
    let err = |msg: String| FormatError::new(&origin.path, line, msg);
    let len = doc.len_chars();
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
    let label = names
        .label(&raw.label, name, "label", warnings)
        .ok_or_else(|| err(format!("span {} has an empty label", raw.key)))?;
    if let Some(stored) = &raw.text
        && fragment_text(doc, &frags) != *stored
    {
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
            fragment_text(doc, &frags)
        )));
    }
    let range = CharSpan::new(frags[0].start(), frags[frags.len() - 1].end(), len)
        .map_err(|e| err(e.to_string()))?;
    if raw.text.is_none()
        && let Some(hint) = cuts_a_word(doc, range)
    {
        warnings.push(Warning {
            doc: name.to_string(),
            item: format!(
                "span {} {} {}..{} {:?}",
                raw.key,
                raw.label,
                range.start(),
                range.end(),
                fragment_text(doc, &frags)
            ),
            reason: hint,
        });
    }
    let mut span = Span::new(
        id,
        range,
        label,
        names.annotator(raw.annotator.as_deref()),
        raw.created.unwrap_or(options.created),
    );
    let has_extra = frags.len() > 1
        || raw.source.is_some()
        || raw.note.is_some()
        || !raw.typed_notes.is_empty()
        || !raw.attributes.is_empty()
        || !raw.normalizations.is_empty();
    if has_extra {
        span.extra = Some(Box::new(SpanExtra {
            fragments: if frags.len() > 1 { frags } else { Vec::new() },
            note: raw.note.clone(),
            typed_notes: raw.typed_notes.clone(),
            attributes: raw.attributes.clone(),
            normalizations: raw.normalizations.clone(),
            provenance: raw.source.as_ref().map(|source| crate::model::Provenance {
                source: source.clone(),
                score: raw.score.filter(|s| s.is_finite()),
            }),
            proposed_by: Vec::new(),
        }));
    }
    Ok(span)
}

/// The text of fragments, joined by one space (brat's convention).
fn fragment_text(doc: &Document, frags: &[CharSpan]) -> String {
    match frags {
        [one] => doc.slice(one.range()).to_string(),
        _ => frags
            .iter()
            .map(|f| doc.slice(f.range()))
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// Exact duplicates (same fragments and label) are dropped with a warning; the others
/// are returned with their source keys, in input order.
fn drop_duplicates(
    built: Vec<Span>,
    keys: Vec<String>,
    name: &str,
    doc: &Document,
    warnings: &mut Vec<Warning>,
) -> Vec<(String, Span)> {
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
                    keys[w[1]],
                    b.label,
                    fragment_text(doc, &b.fragments())
                ),
                reason: "dropped: an identical span (same offsets and label) is already there"
                    .into(),
            });
        }
    }
    keys.into_iter()
        .zip(built)
        .zip(dropped)
        .filter(|(_, d)| !d)
        .map(|(ks, _)| ks)
        .collect()
}

/// Relations between spans of the set, by their source keys; the others are warnings.
fn add_relations(
    set: &mut AnnotationSet,
    relations: Vec<RawRelation>,
    keys: &rustc_hash::FxHashMap<String, Option<SpanId>>,
    name: &str,
    options: &ReadOptions,
    names: &mut Interner,
    warnings: &mut Vec<Warning>,
) {
    for (i, r) in relations.into_iter().enumerate() {
        let (from, to) = match (keys.get(&r.from), keys.get(&r.to)) {
            (Some(Some(from)), Some(Some(to))) => (*from, *to),
            (Some(None), _) | (_, Some(None)) => {
                warnings.push(Warning {
                    doc: name.to_string(),
                    item: format!("relation {} {} {}->{}", r.key, r.label, r.from, r.to),
                    reason:
                        "dropped: several spans have the id it refers to, so its end is ambiguous"
                            .into(),
                });
                continue;
            }
            _ => {
                warnings.push(Warning {
                    doc: name.to_string(),
                    item: format!("relation {} {} {}->{}", r.key, r.label, r.from, r.to),
                    reason: "dropped: it refers to a span that is not in the document".into(),
                });
                continue;
            }
        };
        let label = match names.label(&r.label, name, "relation type", warnings) {
            Some(l) => l,
            None => {
                // Untyped relations exist (a WebAnno relation layer without features):
                // kept under a generic type rather than dropped.
                warnings.push(Warning {
                    doc: name.to_string(),
                    item: format!("relation {} {}->{}", r.key, r.from, r.to),
                    reason: "it has no type; kept as `relation`".into(),
                });
                crate::label!("relation")
            }
        };
        let rel = Relation {
            id: RelationId(i as u64 + 1),
            label,
            from,
            to,
            annotator: names.annotator(None),
            created: options.created,
            note: r.note,
        };
        if let Err(e) = set.insert_relation(rel) {
            warnings.push(Warning {
                doc: name.to_string(),
                item: format!("relation {} {}", r.key, r.label),
                reason: format!("dropped: {e}"),
            });
        }
    }
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
    /// Notes of other types than AnnotatorNotes, with their type.
    pub typed_notes: bool,
    pub attributes: bool,
    pub normalizations: bool,
    pub overlaps: bool,
    /// Notes on relations (only asked when relations are kept).
    pub relation_notes: bool,
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
        for (ty, _) in s.typed_notes() {
            if !keeps.typed_notes {
                warn(
                    &mut warnings,
                    format!("{ty} note on {}", describe_span(rec, s)),
                    "notes",
                );
            }
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
    // `->`, not an arrow sign: the app's font draws warnings, and has no arrows.
    for r in rec.set.relations() {
        if !keeps.relations {
            warn(
                &mut warnings,
                format!("relation {} {} {}->{}", r.id, r.label, r.from, r.to),
                "relations",
            );
        } else if r.note.is_some() && !keeps.relation_notes {
            warn(
                &mut warnings,
                format!("note on relation {} {} {}->{}", r.id, r.label, r.from, r.to),
                "notes on relations",
            );
        }
    }
    (out, warnings)
}
