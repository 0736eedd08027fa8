//! Commands, undo history and the workspace: the only code that mutates annotations.
//!
//! Every change is a [`Command`] applied by [`Workspace::apply`], which records the
//! command with its inverse in one [`History`] shared by all documents. Undo and redo
//! replay inverses through the same code path. One user intention is one history entry
//! (a [`Command::Batch`] groups several changes under one title).

use crate::model::{
    AnnotationSet, DocId, DocStatus, Label, LabelDef, Pending, RejectedMark, Relation, RelationId,
    Schema, SetError, Span, SpanId,
};
use crate::text::CharSpan;
use chrono::{DateTime, Utc};
use std::collections::HashMap;

pub mod labels;
pub mod merge;

/// A change to one document's annotations.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    AddSpan {
        doc: DocId,
        span: Span,
    },
    RemoveSpan {
        doc: DocId,
        id: SpanId,
    },
    Relabel {
        doc: DocId,
        id: SpanId,
        label: Label,
        modified: Option<DateTime<Utc>>,
    },
    SetStatus {
        doc: DocId,
        status: DocStatus,
    },
    AddRelation {
        doc: DocId,
        relation: Relation,
    },
    RemoveRelation {
        doc: DocId,
        id: RelationId,
    },
    /// Set a span's fragments (discontinuous spans; one fragment: an ordinary span).
    SetFragments {
        doc: DocId,
        id: SpanId,
        fragments: Vec<CharSpan>,
    },
    /// Replace a span's note, attributes and links (the inspector).
    SetDetails {
        doc: DocId,
        id: SpanId,
        details: crate::model::SpanDetails,
    },
    /// Remember (or forget) that the analyst rejected a suggestion here. Forgetting
    /// matches on place and label; its inverse restores the mark as it was (engine too).
    SetRejected {
        doc: DocId,
        mark: RejectedMark,
        rejected: bool,
    },
    /// Add (or remove) a suggestion waiting for the analyst.
    SetPending {
        doc: DocId,
        pending: Pending,
        present: bool,
    },
    /// Replace the project's label set (the schema editor), keeping its relation types
    /// and attributes. Not tied to a document: the session writes it to entitle.toml.
    SetLabels {
        labels: Vec<LabelDef>,
    },
    /// Replace the whole schema: labels, relation types and attributes. A rename is a
    /// batch of this (the label renamed where relation types and attributes name it
    /// too) and the relabelling of every span that used the old name, so one undo
    /// restores both.
    SetSchema {
        schema: Schema,
    },
    /// Several commands as one undo step, applied in order and undone in reverse.
    Batch(Vec<Command>),
}

impl Command {
    /// The document a command changes (the first one, for a batch).
    pub fn doc(&self) -> Option<&DocId> {
        match self {
            Command::AddSpan { doc, .. }
            | Command::RemoveSpan { doc, .. }
            | Command::Relabel { doc, .. }
            | Command::SetStatus { doc, .. }
            | Command::AddRelation { doc, .. }
            | Command::RemoveRelation { doc, .. }
            | Command::SetRejected { doc, .. }
            | Command::SetDetails { doc, .. }
            | Command::SetFragments { doc, .. }
            | Command::SetPending { doc, .. } => Some(doc),
            Command::SetLabels { .. } | Command::SetSchema { .. } => None,
            Command::Batch(v) => v.iter().find_map(Command::doc),
        }
    }

    /// Whether the command changes the label set (any part of a batch).
    pub fn sets_labels(&self) -> bool {
        match self {
            Command::SetLabels { .. } | Command::SetSchema { .. } => true,
            Command::Batch(v) => v.iter().any(Command::sets_labels),
            _ => false,
        }
    }

    /// Whether the command changes `doc` (any part of a batch).
    pub fn touches(&self, doc: &DocId) -> bool {
        match self {
            Command::Batch(v) => v.iter().any(|c| c.touches(doc)),
            other => other.doc() == Some(doc),
        }
    }
}

/// Why a command was refused. Nothing is changed when a command is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("document {0} is not open")]
    UnknownDoc(DocId),
    #[error("document {doc} is read-only: {reason}")]
    ReadOnly { doc: DocId, reason: String },
    #[error(transparent)]
    Set(#[from] SetError),
    #[error("nothing to {0}")]
    NothingTo(&'static str),
    /// A label set the schema refuses (a name twice, a hotkey twice), or labels that
    /// cannot be changed (read-only project).
    #[error("the labels cannot be changed: {0}")]
    Labels(String),
    /// An undo or redo step that can no longer be applied (its document changed on
    /// disk or became read-only): it was dropped, and the next step is reachable.
    #[error("could not {action} “{title}”: {reason}; that step was skipped")]
    Skipped {
        action: &'static str,
        title: String,
        reason: String,
    },
}

/// One document's annotations as the workspace holds them.
#[derive(Debug, Clone)]
pub struct DocAnnotations {
    pub set: AnnotationSet,
    /// Length of the document text in chars (bounds for new spans).
    pub len_chars: usize,
    /// Bumped on every change; autosave compares it with the revision on disk.
    pub revision: u64,
    /// Why the document cannot be edited (text changed, newer file format, locked).
    pub read_only: Option<String>,
}

#[derive(Debug, Clone)]
struct Entry {
    title: String,
    forward: Command,
    inverse: Command,
}

/// Undo and redo stacks, shared by all documents of a project. Undo is a ring: past
/// [`MAX_HISTORY`] steps the oldest is dropped in O(1).
#[derive(Debug, Default)]
pub struct History {
    undo: std::collections::VecDeque<Entry>,
    redo: Vec<Entry>,
}

/// What an applied, undone or redone command touched, so the UI can show it.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    pub doc: Option<DocId>,
    pub title: String,
    /// A span to select afterwards (the one added, relabelled or restored).
    pub focus: Option<SpanId>,
}

/// Oldest entries are dropped past this many undo steps.
pub const MAX_HISTORY: usize = 10_000;

/// The annotations of every open document, and the history of changes to them.
#[derive(Debug, Default)]
pub struct Workspace {
    docs: HashMap<DocId, DocAnnotations>,
    history: History,
    clock: u64,
    /// The project's schema as edited in the app, and the clock of its last change
    /// (the session writes entitle.toml when it moves).
    schema: Schema,
    labels_revision: u64,
    /// Why the labels cannot be edited (read-only project).
    labels_read_only: Option<String>,
}

impl Workspace {
    pub fn new() -> Self {
        Self::default()
    }

    /// Add (or replace) a document's annotations, e.g. when it is opened.
    pub fn insert_doc(
        &mut self,
        doc: DocId,
        set: AnnotationSet,
        len_chars: usize,
        read_only: Option<String>,
    ) {
        self.clock += 1;
        self.docs.insert(
            doc,
            DocAnnotations {
                set,
                len_chars,
                revision: 0,
                read_only,
            },
        );
    }

    /// Set the labels as read from entitle.toml (opening, or the file changed on disk).
    /// Not an undo step; undo steps that set labels are dropped, because undoing them
    /// now would silently revert the file's new contents.
    pub fn load_schema(&mut self, schema: Schema, read_only: Option<String>) {
        self.schema = schema;
        self.labels_read_only = read_only;
        self.history.undo.retain(|e| !e.forward.sets_labels());
        self.history.redo.retain(|e| !e.forward.sets_labels());
    }

    /// The labels in force (as last loaded or edited).
    pub fn labels(&self) -> &[LabelDef] {
        &self.schema.labels
    }

    /// The schema in force: labels, relation types, attributes.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// Moves whenever a command changes the labels (0: never changed here).
    pub fn labels_revision(&self) -> u64 {
        self.labels_revision
    }

    /// Mark a document changed without a command, because its annotations were replaced
    /// while loading (re-anchored), so autosave writes them. Not an undo step.
    pub fn mark_changed(&mut self, doc: &DocId) {
        self.clock += 1;
        if let Some(d) = self.docs.get_mut(doc) {
            d.revision = self.clock;
        }
    }

    /// Forget a document (it is re-read from disk when opened again), with every undo
    /// and redo step that touches it: those steps were made against annotations that
    /// are gone. Returns its annotations.
    pub fn remove_doc(&mut self, doc: &DocId) -> Option<DocAnnotations> {
        self.history.undo.retain(|e| !e.forward.touches(doc));
        self.history.redo.retain(|e| !e.forward.touches(doc));
        self.docs.remove(doc)
    }

    /// Replace a document's annotations with a version read from disk again (changed
    /// by a `git pull`, merged with unsaved edits). Not an undo step; the document's
    /// undo and redo steps are dropped, since they were made against the old version.
    /// Returns the new revision.
    pub fn reload_doc(
        &mut self,
        doc: &DocId,
        set: AnnotationSet,
        read_only: Option<String>,
    ) -> u64 {
        self.history.undo.retain(|e| !e.forward.touches(doc));
        self.history.redo.retain(|e| !e.forward.touches(doc));
        self.clock += 1;
        let revision = self.clock;
        if let Some(d) = self.docs.get_mut(doc) {
            d.set = set;
            d.read_only = read_only;
            d.revision = revision;
        }
        revision
    }

    /// Make a document read-only (or editable again) without touching its annotations.
    pub fn set_read_only(&mut self, doc: &DocId, reason: Option<String>) {
        if let Some(d) = self.docs.get_mut(doc) {
            d.read_only = reason;
        }
    }

    /// Bumped by every change to any document (caches key on it).
    pub fn clock(&self) -> u64 {
        self.clock
    }

    /// Undo steps kept (for tests and the status line).
    pub fn undo_len(&self) -> usize {
        self.history.undo.len()
    }

    pub fn doc(&self, doc: &DocId) -> Option<&DocAnnotations> {
        self.docs.get(doc)
    }

    pub fn docs(&self) -> impl Iterator<Item = (&DocId, &DocAnnotations)> {
        self.docs.iter()
    }

    /// Apply a command as one undo step titled `title`.
    pub fn apply(
        &mut self,
        command: Command,
        title: impl Into<String>,
    ) -> Result<Applied, EditError> {
        let title = title.into();
        let inverse = self.run(&command)?;
        let applied = Applied {
            doc: shown_doc(&command),
            title: title.clone(),
            focus: focus_of(&command),
        };
        self.history.undo.push_back(Entry {
            title,
            forward: command,
            inverse,
        });
        if self.history.undo.len() > MAX_HISTORY {
            self.history.undo.pop_front();
        }
        self.history.redo.clear();
        Ok(applied)
    }

    /// Undo the last step. A step that can no longer apply is dropped with an
    /// [`EditError::Skipped`], so undo never gets stuck on it.
    pub fn undo(&mut self) -> Result<Applied, EditError> {
        let entry = self
            .history
            .undo
            .pop_back()
            .ok_or(EditError::NothingTo("undo"))?;
        match self.run(&entry.inverse) {
            Ok(_) => {
                let applied = Applied {
                    doc: shown_doc(&entry.inverse),
                    title: entry.title.clone(),
                    focus: focus_of(&entry.inverse),
                };
                self.history.redo.push(entry);
                Ok(applied)
            }
            Err(e) => Err(EditError::Skipped {
                action: "undo",
                title: entry.title,
                reason: e.to_string(),
            }),
        }
    }

    /// Redo the last undone step (a step that can no longer apply is dropped, as for
    /// [`Workspace::undo`]).
    pub fn redo(&mut self) -> Result<Applied, EditError> {
        let entry = self
            .history
            .redo
            .pop()
            .ok_or(EditError::NothingTo("redo"))?;
        match self.run(&entry.forward) {
            Ok(_) => {
                let applied = Applied {
                    doc: shown_doc(&entry.forward),
                    title: entry.title.clone(),
                    focus: focus_of(&entry.forward),
                };
                self.history.undo.push_back(entry);
                Ok(applied)
            }
            Err(e) => Err(EditError::Skipped {
                action: "redo",
                title: entry.title,
                reason: e.to_string(),
            }),
        }
    }

    pub fn undo_title(&self) -> Option<&str> {
        self.history.undo.back().map(|e| e.title.as_str())
    }
    pub fn redo_title(&self) -> Option<&str> {
        self.history.redo.last().map(|e| e.title.as_str())
    }

    /// Run a command (all or nothing) and return its inverse.
    fn run(&mut self, command: &Command) -> Result<Command, EditError> {
        if let Command::SetLabels { .. } | Command::SetSchema { .. } = command {
            if let Some(reason) = &self.labels_read_only {
                return Err(EditError::Labels(reason.clone()));
            }
            let new = match command {
                Command::SetLabels { labels } => Schema {
                    labels: labels.clone(),
                    ..self.schema.clone()
                },
                Command::SetSchema { schema } => schema.clone(),
                _ => return Err(EditError::NothingTo("apply")),
            };
            new.validate().map_err(EditError::Labels)?;
            self.clock += 1;
            self.labels_revision = self.clock;
            let old = std::mem::replace(&mut self.schema, new);
            return Ok(match command {
                Command::SetLabels { .. } => Command::SetLabels { labels: old.labels },
                _ => Command::SetSchema { schema: old },
            });
        }
        if let Command::Batch(cmds) = command {
            let mut inverses = Vec::with_capacity(cmds.len());
            for c in cmds {
                match self.run(c) {
                    Ok(inv) => inverses.push(inv),
                    Err(e) => {
                        // Roll back what this batch already did, newest first.
                        for inv in inverses.iter().rev() {
                            let _ = self.run(inv);
                        }
                        return Err(e);
                    }
                }
            }
            inverses.reverse();
            return Ok(Command::Batch(inverses));
        }
        let doc_id = command
            .doc()
            .cloned()
            .ok_or(EditError::NothingTo("apply"))?;
        self.clock += 1;
        let clock = self.clock;
        let doc = self
            .docs
            .get_mut(&doc_id)
            .ok_or_else(|| EditError::UnknownDoc(doc_id.clone()))?;
        if let Some(reason) = &doc.read_only {
            return Err(EditError::ReadOnly {
                doc: doc_id,
                reason: reason.clone(),
            });
        }
        let inverse = match command {
            Command::AddSpan { doc: d, span } => {
                doc.set.insert(span.clone(), doc.len_chars)?;
                Command::RemoveSpan {
                    doc: d.clone(),
                    id: span.id,
                }
            }
            Command::RemoveSpan { doc: d, id } => {
                // Relations need both ends: they go with the span and come back with it.
                let relation_ids: Vec<RelationId> =
                    doc.set.relations_of(*id).iter().map(|r| r.id).collect();
                if doc.set.get(*id).is_none() {
                    return Err(SetError::UnknownSpan(*id).into());
                }
                let mut relations = Vec::new();
                for rid in relation_ids {
                    relations.push(doc.set.remove_relation(rid)?);
                }
                let span = doc.set.remove(*id)?;
                let add = Command::AddSpan {
                    doc: d.clone(),
                    span,
                };
                if relations.is_empty() {
                    add
                } else {
                    let mut v = vec![add];
                    v.extend(relations.into_iter().map(|relation| Command::AddRelation {
                        doc: d.clone(),
                        relation,
                    }));
                    Command::Batch(v)
                }
            }
            Command::AddRelation { doc: d, relation } => {
                doc.set.insert_relation(relation.clone())?;
                Command::RemoveRelation {
                    doc: d.clone(),
                    id: relation.id,
                }
            }
            Command::RemoveRelation { doc: d, id } => {
                let relation = doc.set.remove_relation(*id)?;
                Command::AddRelation {
                    doc: d.clone(),
                    relation,
                }
            }
            Command::Relabel {
                doc: d,
                id,
                label,
                modified,
            } => {
                let (old_label, old_modified) = doc.set.relabel(*id, label.clone(), *modified)?;
                Command::Relabel {
                    doc: d.clone(),
                    id: *id,
                    label: old_label,
                    modified: old_modified,
                }
            }
            Command::SetRejected {
                doc: d,
                mark,
                rejected,
            } => {
                let at = doc
                    .set
                    .rejected
                    .iter()
                    .position(|m| m.is_at(mark.range, &mark.label));
                let done = match (at, rejected) {
                    (None, true) => {
                        if mark.range.end() > doc.len_chars {
                            return Err(SetError::OutOfBounds {
                                range: mark.range,
                                len: doc.len_chars,
                            }
                            .into());
                        }
                        doc.set.rejected.push(mark.clone());
                        mark.clone()
                    }
                    (Some(i), false) => doc.set.rejected.remove(i),
                    _ => return Err(EditError::NothingTo("change")),
                };
                Command::SetRejected {
                    doc: d.clone(),
                    mark: done,
                    rejected: !rejected,
                }
            }
            Command::SetPending {
                doc: d,
                pending,
                present,
            } => {
                let at = doc
                    .set
                    .pending
                    .iter()
                    .position(|p| p.range == pending.range && p.label == pending.label);
                let pending = match (at, present) {
                    (None, true) => {
                        if pending.range.end() > doc.len_chars {
                            return Err(SetError::OutOfBounds {
                                range: pending.range,
                                len: doc.len_chars,
                            }
                            .into());
                        }
                        doc.set.pending.push(pending.clone());
                        pending.clone()
                    }
                    (Some(i), false) => doc.set.pending.remove(i),
                    _ => return Err(EditError::NothingTo("change")),
                };
                Command::SetPending {
                    doc: d.clone(),
                    pending,
                    present: !present,
                }
            }
            Command::SetFragments {
                doc: d,
                id,
                fragments,
            } => {
                let old = doc.set.set_fragments(*id, fragments, doc.len_chars)?;
                Command::SetFragments {
                    doc: d.clone(),
                    id: *id,
                    fragments: old,
                }
            }
            Command::SetDetails {
                doc: d,
                id,
                details,
            } => {
                let old = doc.set.set_details(*id, details.clone())?;
                Command::SetDetails {
                    doc: d.clone(),
                    id: *id,
                    details: old,
                }
            }
            Command::SetStatus { doc: d, status } => {
                let old = std::mem::replace(&mut doc.set.status, *status);
                Command::SetStatus {
                    doc: d.clone(),
                    status: old,
                }
            }
            Command::Batch(_) | Command::SetLabels { .. } | Command::SetSchema { .. } => {
                unreachable!("handled above")
            }
        };
        doc.revision = clock;
        Ok(inverse)
    }
}

/// The document to show after a command: none for a label-set change (a rename
/// touches many documents; undoing it should not jump to the first of them).
fn shown_doc(command: &Command) -> Option<DocId> {
    if command.sets_labels() {
        None
    } else {
        command.doc().cloned()
    }
}

/// The span a command leaves worth selecting.
fn focus_of(command: &Command) -> Option<SpanId> {
    match command {
        Command::AddSpan { span, .. } => Some(span.id),
        Command::Relabel { id, .. } => Some(*id),
        Command::Batch(v) => v.iter().rev().find_map(focus_of),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::markup;
    use crate::text::CharSpan;
    use proptest::prelude::*;

    fn ws(markup_text: &str) -> (Workspace, DocId, usize) {
        let (text, set) = markup::parse_set(markup_text).unwrap();
        let id = DocId::new("d").unwrap();
        let mut w = Workspace::new();
        let len = text.chars().count();
        w.insert_doc(id.clone(), set, len, None);
        (w, id, len)
    }

    fn new_span(id: u64, s: usize, e: usize, label: &str) -> Span {
        Span {
            id: SpanId(id),
            range: CharSpan::new(s, e, 1000).unwrap(),
            label: crate::label!(label),
            annotator: "a".into(),
            created: Utc::now(),
            modified: None,
            extra: None,
        }
    }

    #[test]
    fn undo_redo_across_documents() {
        let (mut w, a, len) = ws("[PER Rami] said");
        let b = DocId::new("e").unwrap();
        w.insert_doc(b.clone(), AnnotationSet::new(), len, None);
        w.apply(
            Command::AddSpan {
                doc: a.clone(),
                span: new_span(10, 5, 9, "ORG"),
            },
            "Add ORG",
        )
        .unwrap();
        w.apply(
            Command::AddSpan {
                doc: b.clone(),
                span: new_span(1, 0, 4, "PER"),
            },
            "Add PER",
        )
        .unwrap();
        let undone = w.undo().unwrap();
        assert_eq!(undone.doc.as_ref(), Some(&b));
        assert_eq!(w.doc(&b).unwrap().set.len(), 0);
        let undone = w.undo().unwrap();
        assert_eq!(undone.doc.as_ref(), Some(&a));
        assert_eq!(w.doc(&a).unwrap().set.len(), 1);
        assert_eq!(w.redo().unwrap().focus, Some(SpanId(10)));
        assert_eq!(w.doc(&a).unwrap().set.len(), 2);
        assert_eq!(w.redo_title(), Some("Add PER"));
    }

    /// A rejection keeps its engine through undo and redo, and forgetting one (matched
    /// on place and label only) is undone with the engine it had, not the caller's.
    #[test]
    fn rejections_keep_their_engine_through_undo_and_redo() {
        let (mut w, a, len) = ws("Idlib and Homs");
        let mark = |s: usize, e: usize, source: Option<&str>| RejectedMark {
            range: CharSpan::new(s, e, len).unwrap(),
            label: crate::label!("GPE"),
            source: source.map(str::to_string),
        };
        let set_rejected = |w: &mut Workspace, m: RejectedMark, rejected: bool| {
            w.apply(
                Command::SetRejected {
                    doc: a.clone(),
                    mark: m,
                    rejected,
                },
                "Reject",
            )
        };
        let rejected = |w: &Workspace| w.doc(&a).unwrap().set.rejected.clone();
        set_rejected(&mut w, mark(0, 5, Some("same-string")), true).unwrap();
        set_rejected(&mut w, mark(10, 14, Some("gazetteer")), true).unwrap();
        // Rejecting the same place and label again changes nothing.
        assert!(set_rejected(&mut w, mark(10, 14, Some("model")), true).is_err());
        w.undo().unwrap();
        assert_eq!(rejected(&w), [mark(0, 5, Some("same-string"))]);
        w.redo().unwrap();
        assert_eq!(
            rejected(&w),
            [
                mark(0, 5, Some("same-string")),
                mark(10, 14, Some("gazetteer"))
            ]
        );
        // Forget Homs, naming no engine: undoing brings it back as the gazetteer's.
        set_rejected(&mut w, mark(10, 14, None), false).unwrap();
        assert_eq!(rejected(&w), [mark(0, 5, Some("same-string"))]);
        w.undo().unwrap();
        assert_eq!(rejected(&w)[1], mark(10, 14, Some("gazetteer")));
    }

    #[test]
    fn a_document_leaving_takes_its_history_and_a_dead_step_is_skipped() {
        let (mut w, a, len) = ws("Rami said it");
        let b = DocId::new("e").unwrap();
        w.insert_doc(b.clone(), AnnotationSet::new(), len, None);
        let add = |w: &mut Workspace, d: &DocId, id: u64| {
            let at = (id % 5) as usize;
            w.apply(
                Command::AddSpan {
                    doc: d.clone(),
                    span: new_span(id, at, at + 4, "PER"),
                },
                format!("Add {id}"),
            )
            .unwrap();
        };
        add(&mut w, &a, 1);
        add(&mut w, &b, 2);
        add(&mut w, &a, 3_000);
        // Re-imported: b leaves the workspace and comes back from disk.
        w.remove_doc(&b);
        w.insert_doc(b.clone(), AnnotationSet::new(), len, None);
        assert_eq!(w.undo_len(), 2);
        assert_eq!(w.undo().unwrap().title, "Add 3000");
        assert_eq!(w.undo().unwrap().title, "Add 1");
        assert!(matches!(w.undo(), Err(EditError::NothingTo(_))));
        // A step whose document became read-only is skipped, not kept forever.
        w.redo().unwrap();
        w.insert_doc(
            a.clone(),
            w.doc(&a).unwrap().set.clone(),
            len,
            Some("text changed".into()),
        );
        let e = w.undo().unwrap_err();
        assert!(matches!(e, EditError::Skipped { .. }), "{e}");
        assert!(e.to_string().contains("“Add 1”"), "{e}");
        assert!(matches!(w.undo(), Err(EditError::NothingTo(_))));
    }

    #[test]
    fn history_is_capped_without_shifting() {
        let (mut w, a, _) = ws(&"x".repeat(60));
        for i in 0..MAX_HISTORY + 5 {
            w.apply(
                Command::SetStatus {
                    doc: a.clone(),
                    status: if i % 2 == 0 {
                        DocStatus::Done
                    } else {
                        DocStatus::New
                    },
                },
                format!("s{i}"),
            )
            .unwrap();
        }
        assert_eq!(w.undo_len(), MAX_HISTORY);
        assert_eq!(
            w.undo_title(),
            Some(format!("s{}", MAX_HISTORY + 4).as_str())
        );
    }

    #[test]
    fn read_only_documents_refuse_changes() {
        let (mut w, a, len) = ws("x y");
        w.insert_doc(
            a.clone(),
            AnnotationSet::new(),
            len,
            Some("text changed".into()),
        );
        let err = w
            .apply(
                Command::AddSpan {
                    doc: a,
                    span: new_span(1, 0, 1, "PER"),
                },
                "Add",
            )
            .unwrap_err();
        assert!(matches!(err, EditError::ReadOnly { .. }));
        assert!(w.undo_title().is_none());
    }

    #[test]
    fn failed_batch_changes_nothing() {
        let (mut w, a, _) = ws("[PER Rami] said");
        let before = w.doc(&a).unwrap().set.clone();
        let err = w.apply(
            Command::Batch(vec![
                Command::AddSpan {
                    doc: a.clone(),
                    span: new_span(5, 5, 9, "ORG"),
                },
                Command::RemoveSpan {
                    doc: a.clone(),
                    id: SpanId(99),
                },
            ]),
            "Batch",
        );
        assert!(err.is_err());
        assert_eq!(w.doc(&a).unwrap().set.spans(), before.spans());
    }

    #[test]
    fn removing_a_span_takes_its_relations_and_undo_brings_both_back() {
        let (mut w, a, _) = ws("[PER Rami] heads [ORG SOHR] in [GPE London]");
        let rel = |id: u64, from: u64, to: u64| Relation {
            id: RelationId(id),
            label: crate::label!("works_for"),
            from: SpanId(from),
            to: SpanId(to),
            annotator: "a".into(),
            created: Utc::now(),
            note: None,
        };
        w.apply(
            Command::AddRelation {
                doc: a.clone(),
                relation: rel(1, 1, 2),
            },
            "rel",
        )
        .unwrap();
        w.apply(
            Command::AddRelation {
                doc: a.clone(),
                relation: rel(2, 2, 3),
            },
            "rel",
        )
        .unwrap();
        let err = w.apply(
            Command::AddRelation {
                doc: a.clone(),
                relation: rel(3, 1, 9),
            },
            "rel",
        );
        assert!(err.is_err(), "a relation to a missing span is refused");
        w.apply(
            Command::RemoveSpan {
                doc: a.clone(),
                id: SpanId(2),
            },
            "del",
        )
        .unwrap();
        assert!(w.doc(&a).unwrap().set.relations().is_empty());
        w.undo().unwrap();
        let set = &w.doc(&a).unwrap().set;
        assert_eq!(set.relations().len(), 2);
        assert!(set.get(SpanId(2)).is_some());
    }

    #[derive(Debug, Clone)]
    enum Op {
        Add(usize, usize, u8),
        Remove(usize),
        Relabel(usize, u8),
        Status(u8),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0usize..40, 1usize..10, 0u8..3).prop_map(|(s, l, lab)| Op::Add(s, s + l, lab)),
            (0usize..20).prop_map(Op::Remove),
            (0usize..20, 0u8..3).prop_map(|(i, l)| Op::Relabel(i, l)),
            (0u8..3).prop_map(Op::Status),
        ]
    }

    proptest! {
        /// apply then undo gives back exactly the previous state, and redo the next one.
        #[test]
        fn apply_undo_is_identity(ops in proptest::collection::vec(op(), 1..30)) {
            let labels = ["PER", "ORG", "GPE"];
            let (mut w, d, _) = ws(&"x".repeat(60));
            let mut states = vec![w.doc(&d).unwrap().set.clone()];
            let mut next = 1u64;
            for o in ops {
                let set = &w.doc(&d).unwrap().set;
                let cmd = match o {
                    Op::Add(s, e, l) => { next += 1; Command::AddSpan { doc: d.clone(), span: new_span(next, s, e, labels[l as usize]) } }
                    Op::Remove(i) => match set.spans().get(i) { Some(sp) => Command::RemoveSpan { doc: d.clone(), id: sp.id }, None => continue },
                    Op::Relabel(i, l) => match set.spans().get(i) { Some(sp) => Command::Relabel { doc: d.clone(), id: sp.id, label: crate::label!(labels[l as usize]), modified: Some(Utc::now()) }, None => continue },
                    Op::Status(s) => Command::SetStatus { doc: d.clone(), status: [DocStatus::New, DocStatus::InProgress, DocStatus::Done][s as usize] },
                };
                if w.apply(cmd, "op").is_ok() {
                    states.push(w.doc(&d).unwrap().set.clone());
                }
            }
            for expected in states.iter().rev().skip(1) {
                w.undo().unwrap();
                prop_assert_eq!(&w.doc(&d).unwrap().set.spans(), &expected.spans());
                prop_assert_eq!(w.doc(&d).unwrap().set.status, expected.status);
            }
            prop_assert!(w.undo().is_err());
            for expected in states.iter().skip(1) {
                w.redo().unwrap();
                prop_assert_eq!(&w.doc(&d).unwrap().set.spans(), &expected.spans());
            }
        }
    }
}
