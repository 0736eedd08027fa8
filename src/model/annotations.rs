//! Spans and the ordered set of one annotator's spans on one document.

use super::Label;
use crate::text::CharSpan;
use chrono::{DateTime, Utc};
use std::fmt;
use std::sync::Arc;

/// A span id, unique within one annotation set and never reused by it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SpanId(pub u64);

impl fmt::Debug for SpanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "T{}", self.0)
    }
}
impl fmt::Display for SpanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "T{}", self.0)
    }
}

/// One entity mention: a label on a char range, with its provenance.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub id: SpanId,
    /// The whole extent; for a discontinuous span, from the first fragment's start to
    /// the last fragment's end (the fragments are in [`SpanExtra::fragments`]).
    pub range: CharSpan,
    /// The label (a shared string, so cloning a set is cheap).
    pub label: Label,
    /// Who made it.
    pub annotator: Arc<str>,
    /// When it was made.
    pub created: DateTime<Utc>,
    /// When its label last changed, if it did.
    pub modified: Option<DateTime<Utc>>,
    /// What most spans do not have (kept out of line so spans stay small to copy).
    pub extra: Option<Box<SpanExtra>>,
}

/// A link from a span to an entry in a knowledge base (brat `N` lines).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Normalization {
    /// Knowledge base, e.g. `Wikidata`, `GeoNames`.
    pub db: String,
    /// Entry id in it, e.g. `Q1297`.
    pub id: String,
    /// Human-readable name of the entry, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// Rarely present parts of a span, imported from richer formats and kept through
/// every edit so nothing is lost on the way back out.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SpanExtra {
    /// Discontinuous spans: two or more ordered, non-overlapping fragments. Empty for
    /// ordinary spans.
    pub fragments: Vec<CharSpan>,
    /// A free-text note (brat `AnnotatorNotes`).
    pub note: Option<String>,
    /// Notes of other types, `(type, text)` (brat `#` lines of a type other than
    /// `AnnotatorNotes`), kept with their type.
    pub typed_notes: Vec<(String, String)>,
    /// Attributes: name and value (`"true"` for a binary flag).
    pub attributes: Vec<(String, String)>,
    pub normalizations: Vec<Normalization>,
    /// Which suggestion engine proposed the span the analyst accepted, and its score.
    pub provenance: Option<Provenance>,
    /// A curated (gold) span: the annotators whose layers had this span, same bounds
    /// and label (empty when the curator made it). Who curated it is `Span::annotator`.
    pub proposed_by: Vec<String>,
}

/// The parts of a span the inspector edits: its note, attributes and links.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SpanDetails {
    pub note: Option<String>,
    pub attributes: Vec<(String, String)>,
    pub normalizations: Vec<Normalization>,
}

impl SpanDetails {
    pub fn of(s: &Span) -> Self {
        Self {
            note: s.note().map(str::to_string),
            attributes: s.attributes().to_vec(),
            normalizations: s.normalizations().to_vec(),
        }
    }
}

/// Where an accepted suggestion came from: the engine (`same-string`, `gazetteer`,
/// `pattern`, `model`) and the score it gave.
#[derive(Debug, Clone, PartialEq)]
pub struct Provenance {
    pub source: String,
    pub score: Option<f32>,
}

/// A suggestion kept with a document until the analyst accepts or rejects it (written
/// by `entitle suggest --apply`, or read from a JSONL record with `"status":
/// "suggested"`). Never exported as an annotation.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    pub range: CharSpan,
    pub label: Label,
    pub source: String,
    pub score: f32,
}

/// A suggestion the analyst rejected on a document: where, which label, and the engine
/// that proposed it (`None` for marks saved before engines were recorded; the panel
/// counts those as "unknown").
#[derive(Debug, Clone, PartialEq)]
pub struct RejectedMark {
    pub range: CharSpan,
    pub label: Label,
    pub source: Option<String>,
}

impl RejectedMark {
    /// The same place and label (the engine does not matter: a rejection blocks the
    /// suggestion whichever engine proposes it again).
    pub fn is_at(&self, range: CharSpan, label: &Label) -> bool {
        self.range == range && self.label == *label
    }
}

impl Span {
    /// A plain span (no fragments, note, attributes or normalizations).
    pub fn new(
        id: SpanId,
        range: CharSpan,
        label: Label,
        annotator: impl Into<Arc<str>>,
        created: DateTime<Utc>,
    ) -> Self {
        Self {
            id,
            range,
            label,
            annotator: annotator.into(),
            created,
            modified: None,
            extra: None,
        }
    }

    /// The fragments of the span: its range, or its discontinuous pieces.
    pub fn fragments(&self) -> Vec<CharSpan> {
        match &self.extra {
            Some(x) if !x.fragments.is_empty() => x.fragments.clone(),
            _ => vec![self.range],
        }
    }
    pub fn is_discontinuous(&self) -> bool {
        self.extra.as_ref().is_some_and(|x| x.fragments.len() > 1)
    }
    pub fn note(&self) -> Option<&str> {
        self.extra.as_ref().and_then(|x| x.note.as_deref())
    }
    /// Notes of types other than `AnnotatorNotes`, as `(type, text)`.
    pub fn typed_notes(&self) -> &[(String, String)] {
        self.extra.as_ref().map_or(&[], |x| &x.typed_notes)
    }
    pub fn attributes(&self) -> &[(String, String)] {
        self.extra.as_ref().map_or(&[], |x| &x.attributes)
    }
    pub fn normalizations(&self) -> &[Normalization] {
        self.extra.as_ref().map_or(&[], |x| &x.normalizations)
    }
    /// The suggestion engine that proposed this span, if it was an accepted suggestion.
    /// The annotators who proposed a curated span (empty for ordinary spans).
    pub fn proposed_by(&self) -> &[String] {
        self.extra.as_ref().map_or(&[], |x| &x.proposed_by[..])
    }
    pub fn provenance(&self) -> Option<&Provenance> {
        self.extra.as_ref().and_then(|x| x.provenance.as_ref())
    }
    /// Mutable access to the extra parts, created on demand.
    pub fn extra_mut(&mut self) -> &mut SpanExtra {
        self.extra.get_or_insert_with(Default::default)
    }
}

/// A relation id, unique within one annotation set.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RelationId(pub u64);

impl fmt::Debug for RelationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "R{}", self.0)
    }
}
impl fmt::Display for RelationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "R{}", self.0)
    }
}

/// A labelled relation between two spans of the same set, stored from → to (whether
/// the order means anything is the relation type's business: see
/// [`super::RelationDef::symmetric`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Relation {
    pub id: RelationId,
    pub label: Label,
    pub from: SpanId,
    pub to: SpanId,
    pub annotator: Arc<str>,
    pub created: DateTime<Utc>,
    /// A free-text note (brat `AnnotatorNotes` on an `R` id).
    pub note: Option<String>,
}

/// Workflow status of one document for one annotator.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum DocStatus {
    /// Nothing done yet.
    #[default]
    New,
    /// Has been annotated, not marked done.
    InProgress,
    /// Marked done by the annotator.
    Done,
    /// Someone should look at it again (a question, a doubt, a second opinion).
    NeedsReview,
}

impl DocStatus {
    pub fn name(self) -> &'static str {
        match self {
            DocStatus::New => "new",
            DocStatus::InProgress => "in progress",
            DocStatus::Done => "done",
            DocStatus::NeedsReview => "needs review",
        }
    }

    /// Every status, in workflow order.
    pub const ALL: [DocStatus; 4] = [
        DocStatus::New,
        DocStatus::InProgress,
        DocStatus::NeedsReview,
        DocStatus::Done,
    ];

    /// The mark shown in the document list.
    pub fn icon(self) -> &'static str {
        match self {
            DocStatus::New => "○",
            DocStatus::InProgress => "◑",
            DocStatus::Done => "✔",
            DocStatus::NeedsReview => "⚑",
        }
    }
}

/// Why an edit was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SetError {
    #[error("there is already a {label} span at {range}")]
    Duplicate { range: CharSpan, label: String },
    #[error("span id {0} is already used")]
    DuplicateId(SpanId),
    #[error("no span with id {0}")]
    UnknownSpan(SpanId),
    #[error("span {range} ends after the end of the text ({len} characters)")]
    OutOfBounds { range: CharSpan, len: usize },
    #[error("relation id {0} is already used")]
    DuplicateRelationId(RelationId),
    #[error("no relation with id {0}")]
    UnknownRelation(RelationId),
    #[error("relation {id} refers to span {span}, which does not exist")]
    DanglingRelation { id: RelationId, span: SpanId },
    #[error(
        "span {0}: discontinuous fragments must be in order, not overlap, and lie inside its range"
    )]
    BadFragments(SpanId),
}

/// One annotator's spans on one document, ordered by (start, longer first, id), with
/// range queries that cost O(log n + answers) for typical entity lengths.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AnnotationSet {
    spans: Vec<Span>,
    /// Ids in use, so inserting checks uniqueness in O(1).
    ids: rustc_hash::FxHashSet<SpanId>,
    /// The longest span ever inserted: a span overlapping `[a, b)` starts at or after
    /// `a - max_len`, which bounds the range scan. Never shrinks (stays correct).
    max_len: usize,
    next_id: u64,
    relations: Vec<Relation>,
    /// Relation ids in use (a file with thousands of relations loads in O(n)).
    relation_ids: rustc_hash::FxHashSet<RelationId>,
    next_relation_id: u64,
    pub status: DocStatus,
    /// Suggestions the analyst rejected here (offsets, label, engine): never proposed
    /// again, and negative examples for the tagger.
    pub rejected: Vec<RejectedMark>,
    /// Suggestions waiting for the analyst (see [`Pending`]).
    pub pending: Vec<Pending>,
}

/// Fragments (if any) are ordered, disjoint, inside the range, and span it exactly.
fn fragments_ok(s: &Span) -> bool {
    let Some(x) = &s.extra else { return true };
    if x.fragments.is_empty() {
        return true;
    }
    x.fragments.first().map(|f| f.start()) == Some(s.range.start())
        && x.fragments.last().map(|f| f.end()) == Some(s.range.end())
        && x.fragments.windows(2).all(|w| w[0].end() <= w[1].start())
}

fn order_key(s: &Span) -> (usize, std::cmp::Reverse<usize>, SpanId) {
    (s.range.start(), std::cmp::Reverse(s.range.end()), s.id)
}

impl AnnotationSet {
    pub fn new() -> Self {
        Self {
            next_id: 1,
            ..Self::default()
        }
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }
    pub fn iter(&self) -> std::slice::Iter<'_, Span> {
        self.spans.iter()
    }
    pub fn spans(&self) -> &[Span] {
        &self.spans
    }
    /// The id the next new span gets.
    pub fn next_id(&self) -> SpanId {
        SpanId(self.next_id.max(1))
    }
    /// Make sure ids below `next` are never handed out (a file's `next_span_id`).
    pub fn reserve_ids_below(&mut self, next: u64) {
        self.next_id = self.next_id.max(next);
    }

    pub fn get(&self, id: SpanId) -> Option<&Span> {
        self.spans.iter().find(|s| s.id == id)
    }

    /// Build a set from many spans at once in O(n log n) (loading a file): the same
    /// checks as [`Self::insert`]; the error names the first offending span.
    pub fn from_spans(mut spans: Vec<Span>, len_chars: usize) -> Result<Self, (SpanId, SetError)> {
        let mut max_len = 0;
        let mut next_id = 1;
        for span in &spans {
            if span.range.end() > len_chars {
                return Err((
                    span.id,
                    SetError::OutOfBounds {
                        range: span.range,
                        len: len_chars,
                    },
                ));
            }
            if !fragments_ok(span) {
                return Err((span.id, SetError::BadFragments(span.id)));
            }
            max_len = max_len.max(span.range.len());
            next_id = next_id.max(span.id.0 + 1);
        }
        spans.sort_by_key(order_key);
        // Equal ranges are adjacent after sorting: exact duplicates are found there.
        let mut g = 0;
        while g < spans.len() {
            let mut h = g + 1;
            while h < spans.len() && spans[h].range == spans[g].range {
                h += 1;
            }
            for a in g..h {
                for b in a + 1..h {
                    if spans[a].label == spans[b].label
                        && spans[a].fragments() == spans[b].fragments()
                    {
                        return Err((
                            spans[b].id,
                            SetError::Duplicate {
                                range: spans[b].range,
                                label: spans[b].label.to_string(),
                            },
                        ));
                    }
                }
            }
            g = h;
        }
        let mut ids = rustc_hash::FxHashSet::default();
        ids.reserve(spans.len());
        for s in &spans {
            if !ids.insert(s.id) {
                return Err((s.id, SetError::DuplicateId(s.id)));
            }
        }
        Ok(Self {
            spans,
            ids,
            max_len,
            next_id,
            relations: Vec::new(),
            relation_ids: Default::default(),
            next_relation_id: 1,
            status: DocStatus::New,
            rejected: Vec::new(),
            pending: Vec::new(),
        })
    }

    /// Insert a span; `len_chars` is the document length. Refuses an id in use and an
    /// exact duplicate (same range and label), which is never what the user meant.
    pub fn insert(&mut self, span: Span, len_chars: usize) -> Result<(), SetError> {
        if span.range.end() > len_chars {
            return Err(SetError::OutOfBounds {
                range: span.range,
                len: len_chars,
            });
        }
        if self.ids.contains(&span.id) {
            return Err(SetError::DuplicateId(span.id));
        }
        if !fragments_ok(&span) {
            return Err(SetError::BadFragments(span.id));
        }
        if self
            .overlapping(span.range.range())
            .any(|s| s.range == span.range && s.label == span.label)
        {
            return Err(SetError::Duplicate {
                range: span.range,
                label: span.label.to_string(),
            });
        }
        self.max_len = self.max_len.max(span.range.len());
        self.next_id = self.next_id.max(span.id.0 + 1);
        let key = order_key(&span);
        let at = self.spans.partition_point(|s| order_key(s) < key);
        self.ids.insert(span.id);
        self.spans.insert(at, span);
        Ok(())
    }

    pub fn remove(&mut self, id: SpanId) -> Result<Span, SetError> {
        let at = self
            .spans
            .iter()
            .position(|s| s.id == id)
            .ok_or(SetError::UnknownSpan(id))?;
        self.ids.remove(&id);
        Ok(self.spans.remove(at))
    }

    /// Change a span's label and modification time; returns the previous pair.
    pub fn relabel(
        &mut self,
        id: SpanId,
        label: Label,
        modified: Option<DateTime<Utc>>,
    ) -> Result<(Label, Option<DateTime<Utc>>), SetError> {
        let range = self
            .spans
            .iter()
            .find(|s| s.id == id)
            .ok_or(SetError::UnknownSpan(id))?
            .range;
        // The same rule as insert: two spans with the same offsets and label are one
        // (and undoing a later removal would otherwise fail).
        if self
            .overlapping(range.range())
            .any(|s| s.id != id && s.range == range && s.label == label)
        {
            return Err(SetError::Duplicate {
                range,
                label: label.to_string(),
            });
        }
        let span = self
            .spans
            .iter_mut()
            .find(|s| s.id == id)
            .ok_or(SetError::UnknownSpan(id))?;
        let old = (span.label.clone(), span.modified);
        span.label = label;
        span.modified = modified;
        Ok(old)
    }

    /// Make a span discontinuous (or continuous again): `fragments` sorted, merged
    /// where they overlap or touch; one fragment is an ordinary span. Returns the
    /// previous fragments. The span keeps its id, label and relations.
    pub fn set_fragments(
        &mut self,
        id: SpanId,
        fragments: &[CharSpan],
        len_chars: usize,
    ) -> Result<Vec<CharSpan>, SetError> {
        let at = self
            .spans
            .iter()
            .position(|s| s.id == id)
            .ok_or(SetError::UnknownSpan(id))?;
        let mut f: Vec<CharSpan> = fragments.to_vec();
        f.sort();
        let mut merged: Vec<CharSpan> = Vec::new();
        for x in f {
            if x.end() > len_chars {
                return Err(SetError::OutOfBounds {
                    range: x,
                    len: len_chars,
                });
            }
            match merged.last_mut() {
                Some(last) if x.start() <= last.end() => {
                    if x.end() > last.end() {
                        *last = CharSpan::new(last.start(), x.end(), len_chars).map_err(|_| {
                            SetError::OutOfBounds {
                                range: x,
                                len: len_chars,
                            }
                        })?;
                    }
                }
                _ => merged.push(x),
            }
        }
        let (Some(first), Some(last)) = (merged.first(), merged.last()) else {
            return Err(SetError::BadFragments(id));
        };
        let range = CharSpan::new(first.start(), last.end(), len_chars).map_err(|_| {
            SetError::OutOfBounds {
                range: *first,
                len: len_chars,
            }
        })?;
        let mut span = self.spans.remove(at);
        let old = span.fragments();
        let label = span.label.clone();
        if self
            .overlapping(range.range())
            .any(|s| s.range == range && s.label == label && s.fragments() == merged)
        {
            self.spans.insert(at, span);
            return Err(SetError::Duplicate {
                range,
                label: label.to_string(),
            });
        }
        span.range = range;
        span.extra_mut().fragments = if merged.len() > 1 { merged } else { Vec::new() };
        if span.extra.as_deref() == Some(&SpanExtra::default()) {
            span.extra = None;
        }
        self.max_len = self.max_len.max(range.len());
        let key = order_key(&span);
        let to = self.spans.partition_point(|s| order_key(s) < key);
        self.spans.insert(to, span);
        Ok(old)
    }

    /// Replace a span's note, attributes and normalisation links (the inspector);
    /// returns the previous ones. Fragments and provenance are kept.
    pub fn set_details(
        &mut self,
        id: SpanId,
        details: SpanDetails,
    ) -> Result<SpanDetails, SetError> {
        let span = self
            .spans
            .iter_mut()
            .find(|s| s.id == id)
            .ok_or(SetError::UnknownSpan(id))?;
        let old = SpanDetails::of(span);
        let x = span.extra_mut();
        x.note = details.note;
        x.attributes = details.attributes;
        x.normalizations = details.normalizations;
        if x == &SpanExtra::default() {
            span.extra = None;
        }
        Ok(old)
    }

    pub fn relations(&self) -> &[Relation] {
        &self.relations
    }
    pub fn relation(&self, id: RelationId) -> Option<&Relation> {
        self.relations.iter().find(|r| r.id == id)
    }
    /// The id the next new relation gets.
    pub fn next_relation_id(&self) -> RelationId {
        RelationId(self.next_relation_id.max(1))
    }
    pub fn reserve_relation_ids_below(&mut self, next: u64) {
        self.next_relation_id = self.next_relation_id.max(next);
    }
    /// Add a relation between two spans of this set.
    pub fn insert_relation(&mut self, r: Relation) -> Result<(), SetError> {
        if self.relation_ids.contains(&r.id) {
            return Err(SetError::DuplicateRelationId(r.id));
        }
        for end in [r.from, r.to] {
            if !self.ids.contains(&end) {
                return Err(SetError::DanglingRelation {
                    id: r.id,
                    span: end,
                });
            }
        }
        self.next_relation_id = self.next_relation_id.max(r.id.0 + 1);
        self.relation_ids.insert(r.id);
        self.relations.push(r);
        Ok(())
    }
    pub fn remove_relation(&mut self, id: RelationId) -> Result<Relation, SetError> {
        let at = self
            .relations
            .iter()
            .position(|r| r.id == id)
            .ok_or(SetError::UnknownRelation(id))?;
        self.relation_ids.remove(&id);
        Ok(self.relations.remove(at))
    }
    /// Relations that start or end at a span.
    pub fn relations_of(&self, span: SpanId) -> Vec<&Relation> {
        self.relations
            .iter()
            .filter(|r| r.from == span || r.to == span)
            .collect()
    }

    /// Spans sharing at least one character with `range`, in set order.
    pub fn overlapping(&self, range: std::ops::Range<usize>) -> impl Iterator<Item = &Span> {
        let lo = range.start.saturating_sub(self.max_len);
        let first = self.spans.partition_point(|s| s.range.start() < lo);
        let last = self.spans.partition_point(|s| s.range.start() < range.end);
        self.spans[first..last.max(first)]
            .iter()
            .filter(move |s| s.range.overlaps_range(range.clone()))
    }

    /// Spans containing char `c`, innermost (shortest) first.
    pub fn at(&self, c: usize) -> Vec<&Span> {
        let mut v: Vec<&Span> = self.overlapping(c..c + 1).collect();
        v.sort_by_key(|s| (s.range.len(), s.id));
        v
    }

    /// Number of spans per label, for the status bar and statistics.
    pub fn count_label(&self, label: &str) -> usize {
        self.spans.iter().filter(|s| &*s.label == label).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    pub(crate) fn span(id: u64, s: usize, e: usize, label: &str) -> Span {
        Span {
            id: SpanId(id),
            range: CharSpan::new(s, e, 1_000_000).unwrap(),
            label: crate::label!(label),
            annotator: "t".into(),
            created: DateTime::<Utc>::from_timestamp(0, 0).unwrap(),
            modified: None,
            extra: None,
        }
    }

    #[test]
    fn ordered_with_nested_spans_outer_first() {
        let mut set = AnnotationSet::new();
        set.insert(span(1, 4, 10, "GPE"), 100).unwrap();
        set.insert(span(2, 4, 40, "ORG"), 100).unwrap();
        set.insert(span(3, 0, 3, "PER"), 100).unwrap();
        let order: Vec<u64> = set.iter().map(|s| s.id.0).collect();
        assert_eq!(order, [3, 2, 1]);
        assert_eq!(set.at(5).iter().map(|s| s.id.0).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(set.next_id(), SpanId(4));
    }

    #[test]
    fn refuses_duplicates_and_out_of_bounds() {
        let mut set = AnnotationSet::new();
        set.insert(span(1, 4, 10, "GPE"), 100).unwrap();
        assert!(matches!(
            set.insert(span(2, 4, 10, "GPE"), 100),
            Err(SetError::Duplicate { .. })
        ));
        set.insert(span(2, 4, 10, "LOC"), 100).unwrap();
        assert!(matches!(
            set.insert(span(2, 0, 1, "LOC"), 100),
            Err(SetError::DuplicateId(_))
        ));
        assert!(matches!(
            set.insert(span(3, 90, 101, "LOC"), 100),
            Err(SetError::OutOfBounds { .. })
        ));
        // Relabelling into an existing twin is refused too, and changes nothing.
        assert!(matches!(
            set.relabel(SpanId(2), crate::label!("GPE"), None),
            Err(SetError::Duplicate { .. })
        ));
        assert_eq!(&*set.get(SpanId(2)).unwrap().label, "LOC");
        set.relabel(SpanId(2), crate::label!("ORG"), None).unwrap();
    }

    #[test]
    fn bulk_load_matches_inserts_and_names_the_bad_span() {
        let spans = vec![
            span(3, 4, 10, "GPE"),
            span(1, 0, 3, "PER"),
            span(2, 4, 40, "ORG"),
        ];
        let bulk = AnnotationSet::from_spans(spans.clone(), 100).unwrap();
        let mut one_by_one = AnnotationSet::new();
        for s in spans {
            one_by_one.insert(s, 100).unwrap();
        }
        assert_eq!(bulk.spans(), one_by_one.spans());
        assert_eq!(bulk.next_id(), SpanId(4));
        let dup = vec![span(1, 0, 3, "PER"), span(2, 0, 3, "PER")];
        assert!(matches!(
            AnnotationSet::from_spans(dup, 100),
            Err((SpanId(2), SetError::Duplicate { .. }))
        ));
        let ids = vec![span(1, 0, 3, "PER"), span(1, 5, 6, "PER")];
        assert!(matches!(
            AnnotationSet::from_spans(ids, 100),
            Err((SpanId(1), SetError::DuplicateId(_)))
        ));
    }

    proptest! {
        #[test]
        fn overlapping_matches_brute_force(
            spans in proptest::collection::vec((0usize..200, 1usize..30), 0..60),
            q in (0usize..230, 1usize..40),
        ) {
            let mut set = AnnotationSet::new();
            for (i, (s, l)) in spans.iter().enumerate() {
                let _ = set.insert(span(i as u64 + 1, *s, s + l, "X"), 1000);
            }
            let range = q.0..q.0 + q.1;
            let mut fast: Vec<u64> = set.overlapping(range.clone()).map(|s| s.id.0).collect();
            let mut slow: Vec<u64> = set.iter()
                .filter(|s| s.range.start() < range.end && range.start < s.range.end())
                .map(|s| s.id.0).collect();
            fast.sort();
            slow.sort();
            prop_assert_eq!(fast, slow);
        }
    }
}
