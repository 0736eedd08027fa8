//! Annotate-all: which hits become spans, which are skipped and why, and the one
//! undoable command that adds them.
//!
//! Rules, in order, for each hit of a document:
//! 1. the document is read-only → skipped ([`SkipReason::ReadOnly`]);
//! 2. a span with exactly the hit's range exists, whatever its label → skipped
//!    ([`SkipReason::AlreadyAnnotated`], which says whether the label is the same:
//!    relabelling is a separate, deliberate action);
//! 3. the hit starts or ends inside a word (possible when the query is not
//!    whole-word) → skipped ([`SkipReason::CutsWord`]) unless
//!    [`PlanOptions::allow_cut_words`];
//! 4. the hit overlaps an existing span → skipped ([`SkipReason::Overlaps`]); with
//!    [`PlanOptions::allow_nested`] a hit strictly inside or strictly around a span is
//!    added, and only one crossing a span's boundary is skipped.
//!
//! Hits of one query never overlap each other, so the spans added never do either.

use super::Found;
use crate::edit::{Command, EditError, Workspace};
use crate::model::{AnnotationSet, DocId, Label, Span, SpanId};
use crate::text::CharSpan;
use chrono::{DateTime, Utc};

/// Choices the user makes in the annotate-all dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PlanOptions {
    /// Add a hit nested in an existing span or around one (crossing is still skipped).
    pub allow_nested: bool,
    /// Add hits that start or end inside a word.
    pub allow_cut_words: bool,
}

/// Why a hit is not annotated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// The document cannot be edited (its text changed, a newer file, a locked project).
    ReadOnly,
    /// A span with exactly this range exists; `same_label` when it has this label.
    AlreadyAnnotated { same_label: bool },
    /// The hit starts or ends inside a word.
    CutsWord,
    /// The hit overlaps an existing span.
    Overlaps,
}

impl SkipReason {
    pub fn describe(self) -> &'static str {
        match self {
            SkipReason::ReadOnly => "the document is read-only or marked done",
            SkipReason::AlreadyAnnotated { same_label: true } => "already annotated",
            SkipReason::AlreadyAnnotated { same_label: false } => {
                "already annotated with another label"
            }
            SkipReason::CutsWord => "cuts a word",
            SkipReason::Overlaps => "overlaps a span",
        }
    }
}

/// A hit that will not be annotated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub doc: DocId,
    pub span: CharSpan,
    pub reason: SkipReason,
}

/// One document's part in a plan: its hits (from [`super::find_matches`] or
/// [`super::collect_matches`]) and its current annotations (the workspace's).
#[derive(Debug, Clone, Copy)]
pub struct PlanDoc<'a> {
    pub doc: &'a DocId,
    pub hits: &'a [Found],
    pub set: &'a AnnotationSet,
    pub read_only: bool,
}

/// What annotate-all will do: show it, then apply [`Plan::command`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub label: Label,
    /// Spans to add, grouped by document in the order given, in text order.
    pub adds: Vec<(DocId, CharSpan)>,
    /// Every hit not added, with its reason.
    pub skipped: Vec<Skipped>,
    /// Counts of `skipped` by reason.
    pub skipped_annotated: usize,
    pub skipped_cuts_word: usize,
    pub skipped_overlapping: usize,
    pub skipped_read_only: usize,
    /// Documents that get at least one span.
    pub docs: usize,
}

/// Plan annotating every hit with `label`.
pub fn plan_annotate_all<'a>(
    docs: impl IntoIterator<Item = PlanDoc<'a>>,
    label: &Label,
    options: PlanOptions,
) -> Plan {
    let mut plan = Plan {
        label: label.clone(),
        adds: Vec::new(),
        skipped: Vec::new(),
        skipped_annotated: 0,
        skipped_cuts_word: 0,
        skipped_overlapping: 0,
        skipped_read_only: 0,
        docs: 0,
    };
    for d in docs {
        let before = plan.adds.len();
        for hit in d.hits {
            match skip_reason(&d, hit, label, options) {
                None => plan.adds.push((d.doc.clone(), hit.span)),
                Some(reason) => {
                    *match reason {
                        SkipReason::ReadOnly => &mut plan.skipped_read_only,
                        SkipReason::AlreadyAnnotated { .. } => &mut plan.skipped_annotated,
                        SkipReason::CutsWord => &mut plan.skipped_cuts_word,
                        SkipReason::Overlaps => &mut plan.skipped_overlapping,
                    } += 1;
                    plan.skipped.push(Skipped {
                        doc: d.doc.clone(),
                        span: hit.span,
                        reason,
                    });
                }
            }
        }
        plan.docs += usize::from(plan.adds.len() > before);
    }
    plan
}

fn skip_reason(
    d: &PlanDoc<'_>,
    hit: &Found,
    label: &Label,
    options: PlanOptions,
) -> Option<SkipReason> {
    if d.read_only {
        return Some(SkipReason::ReadOnly);
    }
    let range = hit.span;
    if let Some(same) = d.set.overlapping(range.range()).find(|s| s.range == range) {
        return Some(SkipReason::AlreadyAnnotated {
            same_label: same.label == *label,
        });
    }
    if hit.cuts_word && !options.allow_cut_words {
        return Some(SkipReason::CutsWord);
    }
    let blocks = |s: &Span| {
        let nested = s.range.contains_span(range) || range.contains_span(s.range);
        !(nested && options.allow_nested)
    };
    if d.set.overlapping(range.range()).any(blocks) {
        return Some(SkipReason::Overlaps);
    }
    None
}

impl Plan {
    /// Nothing to add.
    pub fn is_empty(&self) -> bool {
        self.adds.is_empty()
    }

    /// What the plan does, for the confirmation dialog.
    pub fn summary(&self) -> String {
        let mut s = format!(
            "Add {} {} span{} in {} document{}",
            self.adds.len(),
            self.label,
            if self.adds.len() == 1 { "" } else { "s" },
            self.docs,
            if self.docs == 1 { "" } else { "s" },
        );
        let parts: Vec<String> = [
            (self.skipped_annotated, "already annotated"),
            (self.skipped_overlapping, "overlap a span"),
            (self.skipped_cuts_word, "cut a word"),
            (self.skipped_read_only, "in read-only documents"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
        if !parts.is_empty() {
            s.push_str(&format!(
                "; skip {}: {}",
                self.skipped.len(),
                parts.join(", ")
            ));
        }
        s.push('.');
        s
    }

    /// The plan as one command (one undo step, across documents): a
    /// [`Command::Batch`] of `AddSpan`s with fresh ids from each document's set in
    /// `workspace`. Every document must be open in the workspace and editable.
    pub fn command(
        &self,
        workspace: &Workspace,
        annotator: &str,
        created: DateTime<Utc>,
    ) -> Result<Command, EditError> {
        let annotator: std::sync::Arc<str> = annotator.into();
        let mut commands = Vec::with_capacity(self.adds.len());
        let mut next: std::collections::HashMap<&DocId, u64> = Default::default();
        for (doc, range) in &self.adds {
            if !next.contains_key(doc) {
                let open = workspace
                    .doc(doc)
                    .ok_or_else(|| EditError::UnknownDoc(doc.clone()))?;
                if let Some(reason) = &open.read_only {
                    return Err(EditError::ReadOnly {
                        doc: doc.clone(),
                        reason: reason.clone(),
                    });
                }
                next.insert(doc, open.set.next_id().0);
            }
            let n = next.entry(doc).or_default();
            let id = *n;
            *n += 1;
            let mut span = Span::new(SpanId(id), *range, self.label.clone(), "", created);
            span.annotator = annotator.clone();
            commands.push(Command::AddSpan {
                doc: doc.clone(),
                span,
            });
        }
        Ok(Command::Batch(commands))
    }
}

#[cfg(test)]
mod tests;
