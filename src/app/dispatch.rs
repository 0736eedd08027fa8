//! The dispatcher: the only place the UI changes the model (through
//! `Workspace::apply`, `undo`, `redo`).

use super::panels::files::{Kind, Purpose};
use super::{Action, EntitleApp};
use crate::edit::{Applied, Command, EditError};
use crate::model::{DocStatus, Span};
use crate::session::Severity;
use crate::text::{self, CharSpan};
use chrono::Utc;

impl EntitleApp {
    pub(crate) fn dispatch_pending(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        for action in pending {
            if self.import.importing.is_some() && super::panels::interop::ImportJob::blocks(&action)
            {
                self.message(
                    Severity::Warning,
                    "Documents are being imported; edit again when the import is done (or stop it).".into(),
                );
                continue;
            }
            self.dispatch(action);
        }
    }

    fn dispatch(&mut self, action: Action) {
        if self
            .layers
            .as_ref()
            .is_some_and(|l| l.curating_into().is_none())
            && !allowed_while_comparing(&action)
        {
            self.message(
                Severity::Info,
                "The layers being compared are read-only: close the comparison (Close, above the layers) to edit.".into(),
            );
            return;
        }
        if self.asks_to_reopen(&action) {
            self.reopen_prompt = Some(action);
            return;
        }
        match action {
            Action::ApplyLabel(label) => self.apply_label(&label),
            Action::DeleteSpan => self.delete_span(),
            Action::ClearSelection => {
                if let Some(v) = self.view.as_mut() {
                    v.selection = None;
                    v.selected_span = None;
                    v.selected_relation = None;
                }
            }
            Action::Undo => {
                let r = self.session.as_mut().map(|s| s.workspace.undo());
                self.after_history(r, "UNDO");
            }
            Action::Redo => {
                let r = self.session.as_mut().map(|s| s.workspace.redo());
                self.after_history(r, "REDO");
            }
            Action::CompareLayers => self.open_layers_dialog(),
            Action::NextDisagreement => self.step_disagreement(1),
            Action::PrevDisagreement => self.step_disagreement(-1),
            Action::TakeA => self.take_side(crate::curate::Take::A),
            Action::TakeB => self.take_side(crate::curate::Take::B),
            Action::TakeBoth => self.take_side(crate::curate::Take::Both),
            Action::EditDisagreement => self.edit_disagreement(),
            Action::TakeAgreed => self.take_agreed_here(),
            Action::CloseLayers => self.close_layers(),
            Action::Agreement => self.open_agreement(),
            Action::NextDoc => self.step_doc(1),
            Action::PrevDoc => self.step_doc(-1),
            Action::OpenDoc(id) => self.show_doc(&id),
            Action::ToggleDone => self.toggle_done(),
            Action::SetStatus(status) => self.set_status(status),
            Action::ToggleProtectDone => {
                self.prefs.protect_done = !self.prefs.protect_done;
                let how = if self.prefs.protect_done {
                    "Done documents ask before an edit reopens them."
                } else {
                    "Done documents can be edited without asking."
                };
                self.message(Severity::Info, how.into());
            }
            Action::SelectNextSpan => self.step_span(1),
            Action::SelectPrevSpan => self.step_span(-1),
            Action::PageDown => self.with_layout(|l| l.page(1.0)),
            Action::PageUp => self.with_layout(|l| l.page(-1.0)),
            Action::DocStart => self.go_to_doc_end(false),
            Action::DocEnd => self.go_to_doc_end(true),
            Action::RowDown => self.step_row(1),
            Action::RowUp => self.step_row(-1),
            Action::LineStart => self.row_end_word(false),
            Action::LineEnd => self.row_end_word(true),
            Action::SelectNextWord => self.step_word(1, false),
            Action::SelectPrevWord => self.step_word(-1, false),
            Action::ExtendRight => self.step_word(1, true),
            Action::ExtendLeft => self.step_word(-1, true),
            Action::ToggleWordSnap => {
                self.prefs.word_snap = !self.prefs.word_snap;
                let state = if self.prefs.word_snap { "on" } else { "off" };
                self.message(
                    Severity::Info,
                    format!("Snap selections to words: {state} (hold Alt while dragging for the other mode)"),
                );
            }
            Action::FocusFilter => self.focus_filter = true,
            Action::ShowShortcuts => self.show_shortcuts = !self.show_shortcuts,
            Action::Find => self.open_find(),
            Action::SearchProject => self.open_project_search(),
            Action::FindNext => self.step_hit(1),
            Action::FindPrevious => self.step_hit(-1),
            Action::TagAllLikeSelected => self.plan_tag_like_selected(),
            Action::CommandPalette => {
                self.commands = match self.commands {
                    Some(_) => None,
                    None => Some(Default::default()),
                }
            }
            Action::EditLabels => self.open_label_editor(),
            Action::AcceptSuggestion => self.accept_suggestion(),
            Action::RejectSuggestion => {
                // With a span selected and no suggestion under the selection,
                // Backspace deletes the span as it always did.
                if !self.reject_suggestion() {
                    self.delete_span();
                }
            }
            Action::AcceptLabelSuggestions => self.accept_many(true),
            Action::AcceptConfidentSuggestions => self.accept_many(false),
            Action::NextSuggestion => self.step_suggestion(1),
            Action::PrevSuggestion => self.step_suggestion(-1),
            Action::ToggleSuggestions => {
                self.suggest.enabled = !self.suggest.enabled;
                let state = if self.suggest.enabled {
                    "shown"
                } else {
                    "hidden"
                };
                self.message(Severity::Info, format!("Suggestions {state} (F7)."));
            }
            Action::SuggestionsPanel => self.suggest.show_panel = !self.suggest.show_panel,
            Action::StartRelation => self.start_relation(),
            Action::AddFragment => self.add_fragment(),
            Action::Inspector => {
                // F2 opens it with the keyboard in the note; again closes it.
                let i = &mut self.inspector;
                if i.open && !i.focus_note {
                    i.open = false;
                } else {
                    i.open = true;
                    i.focus_note = true;
                }
            }
            Action::NextRelation => self.step_relation(1),
            Action::PrevRelation => self.step_relation(-1),
            Action::ReverseRelation => self.reverse_relation(),
            Action::ToggleArcs => {
                self.prefs.show_arcs = !self.prefs.show_arcs;
                let how = if self.prefs.show_arcs {
                    "Relation arcs are shown."
                } else {
                    "Relation arcs are hidden (F9 shows them)."
                };
                self.message(Severity::Info, how.into());
            }
            Action::SetTheme(t) => {
                self.prefs.theme = t;
                t.apply(&self.egui_ctx);
            }
            Action::OpenFolder => self.choose(
                Purpose::OpenProject,
                Kind::Folder,
                "Open a project or a folder of .txt files",
            ),
            Action::OpenFile => self.choose(
                Purpose::OpenProject,
                Kind::File(&["txt"]),
                "Open a .txt document",
            ),
            Action::OpenSample => self.open_sample(),
            Action::Import => self.import.open = true,
            Action::Export => {
                if (self.export.output.is_empty() || self.export.proposed)
                    && let Some(s) = self.session.as_ref()
                {
                    self.export.output = super::panels::interop::proposed_export_path(
                        &s.project,
                        self.export.format,
                    )
                    .display()
                    .to_string();
                    self.export.proposed = true;
                }
                self.export.open = true;
            }
            Action::Reanchor => self.preview_reanchor(),
            Action::ConfirmReanchor => self.reanchor(),
            Action::Quit => self.quit = true,
        }
    }

    /// Tag the selection, or relabel the selected span.
    fn apply_label(&mut self, label: &crate::model::Label) {
        let annotator = self.annotator();
        let (Some(session), Some(view)) = (self.session.as_mut(), self.view.as_mut()) else {
            return;
        };
        let doc = view.id.clone();
        let Some(state) = session.workspace.doc(&doc) else {
            return;
        };
        let outcome: Result<Option<String>, EditError> = if let Some(range) = view.selection {
            let span = Span {
                id: state.set.next_id(),
                range,
                label: label.clone(),
                annotator: annotator.as_str().into(),
                created: Utc::now(),
                modified: None,
                extra: None,
            };
            let id = span.id;
            let text = view
                .layout
                .as_ref()
                .map(|l| l.doc().slice(range.range()).to_string())
                .unwrap_or_default();
            let mut cmds = vec![Command::AddSpan {
                doc: doc.clone(),
                span,
            }];
            if state.set.status == DocStatus::New {
                cmds.push(Command::SetStatus {
                    doc: doc.clone(),
                    status: DocStatus::InProgress,
                });
            }
            session
                .workspace
                .apply(Command::Batch(cmds), format!("Add {label} “{text}”"))
                .map(|_| {
                    view.selection = None;
                    view.selected_span = Some(id);
                    Some(format!(
                        "ADD {doc} {id} {label} {} {} {text:?}",
                        range.start(),
                        range.end()
                    ))
                })
        } else if let Some(id) = view.selected_span {
            match state.set.get(id) {
                Some(s) if &s.label != label => {
                    let old = s.label.clone();
                    session
                        .workspace
                        .apply(
                            Command::Relabel {
                                doc: doc.clone(),
                                id,
                                label: label.clone(),
                                modified: Some(Utc::now()),
                            },
                            format!("Relabel {old} to {label}"),
                        )
                        .map(|_| Some(format!("RELABEL {doc} {id} {label}")))
                }
                _ => Ok(None),
            }
        } else {
            self.message(
                Severity::Info,
                "Select some text first (drag across it, or double-click a word), or click a span to relabel it.".into(),
            );
            return;
        };
        match outcome {
            Ok(Some(line)) => self.log(&line),
            Ok(None) => {}
            Err(e) => self.edit_error(e),
        }
    }

    /// Ctrl+J: on a selected span, the next selection becomes its fragment; with a
    /// selection and such a span, add it (one undo step).
    pub(crate) fn add_fragment(&mut self) {
        let (Some(session), Some(view)) = (self.session.as_mut(), self.view.as_mut()) else {
            return;
        };
        let (target, sel) = match (view.fragment_of, view.selection, view.selected_span) {
            (Some(id), Some(sel), _) => (id, sel),
            (_, _, Some(id)) => {
                view.fragment_of = Some(id);
                self.message(
                    Severity::Info,
                    "Select the other part (drag, or the arrow keys) and press Ctrl+J again: it joins this span as a fragment.".into(),
                );
                return;
            }
            _ => {
                self.message(
                    Severity::Info,
                    "Select a span first, then Ctrl+J (or Ctrl+drag across the other part).".into(),
                );
                return;
            }
        };
        view.fragment_of = None;
        let doc = view.id.clone();
        let Some(span) = session.workspace.doc(&doc).and_then(|d| d.set.get(target)) else {
            return;
        };
        let mut fragments = span.fragments();
        fragments.push(sel);
        let label = span.label.clone();
        match session.workspace.apply(
            Command::SetFragments {
                doc: doc.clone(),
                id: target,
                fragments,
            },
            format!("Add a fragment to {label}"),
        ) {
            Ok(_) => {
                view.selection = None;
                view.selected_span = Some(target);
                self.log(&format!("FRAGMENT {doc} {target} {sel}"));
            }
            Err(e) => self.edit_error(e),
        }
    }

    fn delete_span(&mut self) {
        if self.delete_relation() {
            return;
        }
        if self
            .view
            .as_ref()
            .is_some_and(|v| v.selected_span.is_none())
        {
            // Nothing selected to delete: a suggestion under the selection is rejected.
            self.reject_suggestion();
            return;
        }
        let (Some(session), Some(view)) = (self.session.as_mut(), self.view.as_mut()) else {
            return;
        };
        let Some(id) = view.selected_span else {
            return;
        };
        let doc = view.id.clone();
        let label = session
            .workspace
            .doc(&doc)
            .and_then(|d| d.set.get(id))
            .map(|s| s.label.to_string())
            .unwrap_or_default();
        let relations = session
            .workspace
            .doc(&doc)
            .map_or(0, |d| d.set.relations_of(id).len());
        let r = session.workspace.apply(
            Command::RemoveSpan {
                doc: doc.clone(),
                id,
            },
            format!("Delete {label}"),
        );
        match r {
            Ok(_) => {
                view.selected_span = None;
                self.log(&format!("DELETE {doc} {id}"));
                if relations > 0 {
                    let what = if relations == 1 {
                        "its relation".to_string()
                    } else {
                        format!("its {relations} relations")
                    };
                    self.message(
                        Severity::Info,
                        format!("Deleted {label} and {what}; Ctrl+Z brings them back."),
                    );
                }
            }
            Err(e) => self.edit_error(e),
        }
    }

    fn toggle_done(&mut self) {
        let (Some(session), Some(view)) = (self.session.as_mut(), self.view.as_ref()) else {
            return;
        };
        let doc = view.id.clone();
        let Some(state) = session.workspace.doc(&doc) else {
            return;
        };
        let (status, title) = if state.set.status == DocStatus::Done {
            let back = if state.set.is_empty() {
                DocStatus::New
            } else {
                DocStatus::InProgress
            };
            (back, "Mark not done")
        } else {
            (DocStatus::Done, "Mark done")
        };
        if let Err(e) = session
            .workspace
            .apply(Command::SetStatus { doc, status }, title)
        {
            self.edit_error(e);
        }
    }

    /// After undo/redo: show the document and span it touched.
    fn after_history(&mut self, r: Option<Result<Applied, EditError>>, what: &str) {
        match r {
            Some(Ok(applied)) => {
                if let Some(doc) = &applied.doc {
                    self.show_doc(doc);
                }
                let focus_char = self.session.as_ref().and_then(|s| {
                    let doc = applied.doc.as_ref()?;
                    let id = applied.focus?;
                    Some(s.workspace.doc(doc)?.set.get(id)?.range.start())
                });
                if let Some(v) = self.view.as_mut() {
                    v.selection = None;
                    v.selected_span = focus_char.and(applied.focus);
                    if let (Some(c), Some(l)) = (focus_char, v.layout.as_mut()) {
                        l.scroll_to = Some(c);
                    }
                }
                self.log(&format!("{what} {}", applied.title));
            }
            Some(Err(EditError::NothingTo(w))) => {
                self.message(Severity::Info, format!("Nothing to {w}."));
            }
            Some(Err(e)) => self.edit_error(e),
            None => {}
        }
    }

    pub(crate) fn edit_error(&mut self, e: EditError) {
        let text = match &e {
            EditError::ReadOnly { doc, reason } => {
                format!("{doc} cannot be changed: {reason}.")
            }
            other => format!("{other}."),
        };
        self.message(Severity::Warning, text);
    }

    fn step_doc(&mut self, delta: isize) {
        let Some(session) = self.session.as_ref() else {
            return;
        };
        let docs = session.project.docs();
        let order: Vec<usize> = if self.filter.is_empty() {
            (0..docs.len()).collect()
        } else {
            self.filtered.clone()
        };
        if order.is_empty() {
            return;
        }
        let current = self
            .view
            .as_ref()
            .and_then(|v| order.iter().position(|&i| docs[i].id == v.id));
        let next = match current {
            Some(p) => p as isize + delta,
            None => 0,
        };
        if next < 0 || next >= order.len() as isize {
            return;
        }
        let id = docs[order[next as usize]].id.clone();
        self.show_doc(&id);
    }

    /// Select the next/previous span after/before the current selection.
    fn step_span(&mut self, delta: isize) {
        let (Some(session), Some(view)) = (self.session.as_ref(), self.view.as_mut()) else {
            return;
        };
        let Some(state) = session.workspace.doc(&view.id) else {
            return;
        };
        let spans = state.set.spans();
        if spans.is_empty() {
            return;
        }
        let current = view
            .selected_span
            .and_then(|id| spans.iter().position(|s| s.id == id));
        let next = match current {
            Some(p) => (p as isize + delta).rem_euclid(spans.len() as isize) as usize,
            None => {
                // Nothing selected: from the first row on screen, not the top.
                let on_screen = view
                    .layout
                    .as_ref()
                    .and_then(|l| l.visible_chars())
                    .map_or(0, |r| r.start);
                let from = view.selection.map_or(on_screen, |s| s.start());
                if delta > 0 {
                    spans
                        .iter()
                        .position(|s| s.range.start() >= from)
                        .unwrap_or(0)
                } else {
                    spans
                        .iter()
                        .rposition(|s| s.range.start() < from.max(1))
                        .unwrap_or(spans.len() - 1)
                }
            }
        };
        view.selected_span = Some(spans[next].id);
        view.selection = None;
        if let Some(l) = view.layout.as_mut() {
            l.scroll_to = Some(spans[next].range.start());
        }
    }

    /// Keyboard selection by words: move to the next/previous word, or (extend) move
    /// only the end of the selection.
    fn step_word(&mut self, delta: isize, extend: bool) {
        let Some(view) = self.view.as_mut() else {
            return;
        };
        let Some(layout) = view.layout.as_ref() else {
            return;
        };
        let doc = layout.doc();
        let (text, index) = (doc.text(), doc.index());
        let len = index.len_chars();
        if len == 0 {
            return;
        }
        // Next word starting at or after `from`, or the previous one ending before it
        // (punctuation between words is stepped over: it is never a word).
        let next_word = |from: usize| text::next_word(text, index, from);
        let prev_word = |before: usize| text::previous_word(text, index, before);
        let current = view.selection.or_else(|| {
            view.selected_span.and_then(|id| {
                self.session
                    .as_ref()?
                    .workspace
                    .doc(&view.id)?
                    .set
                    .get(id)
                    .map(|s| s.range)
            })
        });
        let new = match (current, extend) {
            (None, _) => {
                let from = layout.visible_chars().map_or(0, |r| r.start);
                next_word(from)
            }
            (Some(cur), false) if delta > 0 => next_word(cur.end()),
            (Some(cur), false) => prev_word(cur.start()),
            (Some(cur), true) if delta > 0 => {
                next_word(cur.end()).and_then(|w| CharSpan::new(cur.start(), w.end(), len).ok())
            }
            (Some(cur), true) => prev_word(cur.end())
                .filter(|w| w.start() > cur.start())
                .and_then(|w| {
                    let end = prev_word(w.start()).map_or(w.start(), |p| p.end());
                    CharSpan::new(cur.start(), end.max(cur.start() + 1), len).ok()
                }),
        };
        if let Some(sel) = new {
            view.selection = Some(sel);
            view.selected_span = None;
            if let Some(l) = view.layout.as_mut() {
                l.scroll_to = Some(sel.end() - 1);
            }
        }
    }

    /// Work out what re-anchoring would do and show it; nothing is saved yet.
    fn preview_reanchor(&mut self) {
        let Some(id) = self.view.as_ref().map(|v| v.id.clone()) else {
            return;
        };
        let Some(session) = self.session.as_ref() else {
            return;
        };
        match session.reanchor_preview(&id) {
            Ok(r) => self.reanchor_preview = Some(super::panels::reanchor::Preview::new(id, r)),
            Err(e) => self.message(Severity::Error, e),
        }
    }

    fn reanchor(&mut self) {
        let Some(preview) = self.reanchor_preview.take() else {
            return;
        };
        let Some(session) = self.session.as_mut() else {
            return;
        };
        if let Err(e) = session.reanchor(&preview.doc) {
            self.message(Severity::Error, e);
        }
        // Shown again with the annotations placed.
        if self.view.as_ref().is_some_and(|v| v.id == preview.doc) {
            self.view = None;
            self.show_doc(&preview.doc);
        }
        let notices = self
            .session
            .as_mut()
            .map(|s| s.take_notices())
            .unwrap_or_default();
        for n in notices {
            self.message(n.severity, n.text);
        }
    }
}

/// What works while two layers are compared (read-only): moving around, windows.
fn allowed_while_comparing(action: &Action) -> bool {
    matches!(
        action,
        Action::NextDoc
            | Action::PrevDoc
            | Action::OpenDoc(_)
            | Action::NextDisagreement
            | Action::PrevDisagreement
            | Action::CompareLayers
            | Action::CloseLayers
            | Action::Agreement
            | Action::ClearSelection
            | Action::FocusFilter
            | Action::ShowShortcuts
            | Action::CommandPalette
            | Action::SearchProject
            | Action::ToggleArcs
            | Action::SetTheme(_)
            | Action::OpenFolder
            | Action::OpenFile
            | Action::OpenSample
            | Action::Export
            | Action::Quit
    )
}
