//! Relations in the document view (issue 7), keyboard first.
//!
//! R starts a relation from the selected span; the next span clicked, or reached with
//! Tab and taken with Enter, is the other end. A chooser opens at the pointer (or the
//! target span) with the relation types whose argument labels fit: a type's hotkey
//! takes it at once, typing filters, Up/Down and Enter choose, Escape cancels.
//!
//! A relation is selected by clicking its label on the arc, or with Ctrl+Tab /
//! Ctrl+Shift+Tab through the relations of the selected span; then a relation type's
//! key relabels it, Shift+R reverses it and Delete removes it. Every change is a
//! workspace command, so undo and redo cover them like spans. F9 hides the arcs.

use crate::app::EntitleApp;
use crate::app::actions::parse_shortcut;
use crate::edit::Command;
use crate::model::{Label, Relation, RelationId, Rgb, SpanId};
use crate::session::Severity;

/// A relation type as the app offers it: from the project's schema, plus types found
/// only in the data (so an imported relation can be relabelled back).
#[derive(Debug, Clone, PartialEq)]
pub struct RelType {
    pub name: Label,
    pub color: Rgb,
    pub hotkey: Option<String>,
    pub symmetric: bool,
    /// Allowed labels of each end (empty: any).
    pub from: Vec<Label>,
    pub to: Vec<Label>,
}

impl RelType {
    /// The type fits spans labelled `a` → `b` (either way round when symmetric).
    pub fn fits(&self, a: &Label, b: &Label) -> bool {
        let ok = |allowed: &[Label], l: &Label| allowed.is_empty() || allowed.contains(l);
        (ok(&self.from, a) && ok(&self.to, b))
            || (self.symmetric && ok(&self.from, b) && ok(&self.to, a))
    }
}

/// A relation being made: its first end, and once picked, the other end and the
/// chooser's state.
#[derive(Debug, Clone)]
pub(crate) struct RelationDraft {
    pub from: SpanId,
    pub to: Option<SpanId>,
    /// Typed to filter the types.
    pub filter: String,
    /// The highlighted row of the chooser.
    pub cursor: usize,
    /// Where to open the chooser (screen).
    pub at: Option<egui::Pos2>,
}

impl EntitleApp {
    /// The relation types offered for spans labelled `a` → `b`, in schema order.
    pub(crate) fn fitting_types(&self, a: &Label, b: &Label, filter: &str) -> Vec<RelType> {
        let f = filter.to_lowercase();
        let mut all = self.relation_types.clone();
        // Types the document uses that the schema lacks (imported data): any labels.
        if let Some(set) = self
            .view
            .as_ref()
            .zip(self.session.as_ref())
            .and_then(|(v, s)| s.workspace.doc(&v.id))
            .map(|d| &d.set)
        {
            for r in set.relations() {
                if !all.iter().any(|t| t.name == r.label) {
                    all.push(RelType {
                        name: r.label.clone(),
                        color: crate::app::theme::UNKNOWN_LABEL,
                        hotkey: None,
                        symmetric: false,
                        from: Vec::new(),
                        to: Vec::new(),
                    });
                }
            }
        }
        all.into_iter()
            .filter(|t| t.fits(a, b))
            .filter(|t| f.is_empty() || t.name.to_lowercase().contains(&f))
            .collect()
    }

    /// R: start a relation from the selected span.
    pub(crate) fn start_relation(&mut self) {
        let Some(view) = self.view.as_ref() else {
            return;
        };
        let Some(from) = view.selected_span else {
            self.message(
                Severity::Info,
                "Select a span first (click it or Tab to it), then press R and pick the other end."
                    .into(),
            );
            return;
        };
        self.relation_draft = Some(RelationDraft {
            from,
            to: None,
            filter: String::new(),
            cursor: 0,
            at: None,
        });
        self.message(
            Severity::Info,
            "Relation: click the other span, or Tab to it and press Enter (Escape cancels).".into(),
        );
    }

    /// The other end was picked (a click, or Enter on the selected span).
    pub(crate) fn relation_target(&mut self, to: SpanId, at: Option<egui::Pos2>) {
        let Some(d) = self.relation_draft.as_mut() else {
            return;
        };
        if d.from == to {
            return;
        }
        d.to = Some(to);
        d.at = at;
        d.filter.clear();
        d.cursor = 0;
    }

    /// Labels of the draft's two ends.
    fn draft_labels(&self) -> Option<(Label, Label)> {
        let d = self.relation_draft.as_ref()?;
        let set = &self
            .session
            .as_ref()?
            .workspace
            .doc(&self.view.as_ref()?.id)?
            .set;
        Some((
            set.get(d.from)?.label.clone(),
            set.get(d.to?)?.label.clone(),
        ))
    }

    /// Relate two spans of the open document as R, a click and the chooser would
    /// (benchmarks and tests): the relation is drawn in the next frame.
    pub fn relate(&mut self, from: SpanId, to: SpanId, label: Label) {
        self.relation_draft = Some(RelationDraft {
            from,
            to: Some(to),
            filter: String::new(),
            cursor: 0,
            at: None,
        });
        let t = RelType {
            name: label,
            color: crate::app::theme::UNKNOWN_LABEL,
            hotkey: None,
            symmetric: false,
            from: Vec::new(),
            to: Vec::new(),
        };
        self.finish_relation(&t);
    }

    /// Make the drafted relation with type `t`.
    fn finish_relation(&mut self, t: &RelType) {
        let Some(d) = self.relation_draft.take() else {
            return;
        };
        let (Some(to), Some(session), Some(view)) =
            (d.to, self.session.as_mut(), self.view.as_mut())
        else {
            return;
        };
        let Some(set) = session.workspace.doc(&view.id).map(|s| &s.set) else {
            return;
        };
        let id = set.next_relation_id();
        let relation = Relation {
            id,
            label: t.name.clone(),
            from: d.from,
            to,
            annotator: session.annotator().into(),
            created: chrono::Utc::now(),
            note: None,
        };
        let doc = view.id.clone();
        match session.workspace.apply(
            Command::AddRelation {
                doc: doc.clone(),
                relation,
            },
            format!("Relation {}", t.name),
        ) {
            Ok(_) => {
                view.selected_relation = Some(id);
                view.selected_span = None;
                self.log(&format!("RELATION {doc} {id} {}", t.name));
            }
            Err(e) => self.edit_error(e),
        }
    }

    /// Keys that belong to relations this frame, taken before the keymap sees them:
    /// the chooser's (hotkeys, typing, arrows, Enter, Escape), Enter while picking the
    /// other end, and a relation type's key while a relation is selected.
    pub(crate) fn relation_keys(&mut self, ctx: &egui::Context) {
        if let Some(d) = self.relation_draft.as_ref() {
            if d.to.is_none() {
                // Picking the other end: Enter takes the selected span, Escape cancels.
                let (enter, escape) = ctx.input_mut(|i| {
                    (
                        i.consume_key(egui::Modifiers::NONE, egui::Key::Enter),
                        i.consume_key(egui::Modifiers::NONE, egui::Key::Escape),
                    )
                });
                if escape {
                    self.relation_draft = None;
                } else if enter && let Some(to) = self.view.as_ref().and_then(|v| v.selected_span) {
                    let at = self
                        .view
                        .as_ref()
                        .and_then(|v| v.layout.as_ref())
                        .zip(self.span_start(to))
                        .and_then(|(l, c)| l.char_rect(c))
                        .map(|r| r.left_bottom());
                    self.relation_target(to, at);
                }
                return;
            }
            self.chooser_keys(ctx);
            return;
        }
        let Some(rid) = self.view.as_ref().and_then(|v| v.selected_relation) else {
            return;
        };
        let types = self.relation_types.clone();
        for t in &types {
            let Some(sc) = t.hotkey.as_deref().and_then(|k| parse_shortcut(k).ok()) else {
                continue;
            };
            if ctx.input_mut(|i| i.consume_shortcut(&sc)) {
                self.relabel_relation(rid, &t.name);
                return;
            }
        }
    }

    fn span_start(&self, id: SpanId) -> Option<usize> {
        let view = self.view.as_ref()?;
        let set = &self.session.as_ref()?.workspace.doc(&view.id)?.set;
        set.get(id).map(|s| s.range.start())
    }

    /// The chooser's keys: a hotkey (while nothing is typed) takes its type; letters
    /// filter; Up/Down move; Enter takes the highlighted type; Escape cancels.
    fn chooser_keys(&mut self, ctx: &egui::Context) {
        let Some((a, b)) = self.draft_labels() else {
            self.relation_draft = None;
            return;
        };
        let events = ctx.input_mut(|i| std::mem::take(&mut i.events));
        let mut rest = Vec::new();
        for ev in events {
            let Some(d) = self.relation_draft.as_mut() else {
                rest.push(ev);
                continue;
            };
            match &ev {
                egui::Event::Text(t) => {
                    if d.filter.is_empty()
                        && let Some(ty) = self.fitting_types(&a, &b, "").into_iter().find(|ty| {
                            ty.hotkey
                                .as_deref()
                                .is_some_and(|k| k.eq_ignore_ascii_case(t))
                        })
                    {
                        self.finish_relation(&ty);
                        continue;
                    }
                    if let Some(d) = self.relation_draft.as_mut() {
                        d.filter.push_str(t);
                        d.cursor = 0;
                    }
                }
                egui::Event::Key {
                    key, pressed: true, ..
                } => match key {
                    egui::Key::Escape => self.relation_draft = None,
                    egui::Key::Backspace => {
                        d.filter.pop();
                        d.cursor = 0;
                    }
                    egui::Key::ArrowDown => d.cursor += 1,
                    egui::Key::ArrowUp => d.cursor = d.cursor.saturating_sub(1),
                    egui::Key::Enter => {
                        let filter = d.filter.clone();
                        let cursor = d.cursor;
                        let list = self.fitting_types(&a, &b, &filter);
                        if let Some(t) = list.get(cursor.min(list.len().saturating_sub(1))) {
                            self.finish_relation(&t.clone());
                        }
                    }
                    // Keys of letters come again as text: handled there.
                    _ => {}
                },
                _ => rest.push(ev),
            }
        }
        ctx.input_mut(|i| i.events = rest);
    }

    /// Replace a relation's type (one undo step).
    pub(crate) fn relabel_relation(&mut self, rid: RelationId, label: &Label) {
        self.change_relation(rid, |r| r.label = label.clone(), "Relabel relation");
    }

    /// Swap a relation's ends (one undo step).
    pub(crate) fn reverse_relation(&mut self) {
        let Some(rid) = self.view.as_ref().and_then(|v| v.selected_relation) else {
            self.message(
                Severity::Info,
                "Select a relation first (click its label on the arc, or Ctrl+Tab from a span)."
                    .into(),
            );
            return;
        };
        self.change_relation(
            rid,
            |r| std::mem::swap(&mut r.from, &mut r.to),
            "Reverse relation",
        );
    }

    fn change_relation(&mut self, rid: RelationId, f: impl FnOnce(&mut Relation), title: &str) {
        let Some(doc) = self.view.as_ref().map(|v| v.id.clone()) else {
            return;
        };
        self.change_relation_in(&doc, rid, f, title);
    }

    /// Change relation `rid` of `doc` (one undo step: remove, add the changed one).
    pub(crate) fn change_relation_in(
        &mut self,
        doc: &crate::model::DocId,
        rid: RelationId,
        f: impl FnOnce(&mut Relation),
        title: &str,
    ) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        let Some(old) = session
            .workspace
            .doc(doc)
            .and_then(|d| d.set.relation(rid))
            .cloned()
        else {
            return;
        };
        let mut new = old.clone();
        f(&mut new);
        if new == old {
            return;
        }
        let doc = doc.clone();
        let r = session.workspace.apply(
            Command::Batch(vec![
                Command::RemoveRelation {
                    doc: doc.clone(),
                    id: rid,
                },
                Command::AddRelation {
                    doc: doc.clone(),
                    relation: new,
                },
            ]),
            title.to_string(),
        );
        if let Err(e) = r {
            self.edit_error(e);
        }
    }

    /// Delete the selected relation; true if one was selected.
    pub(crate) fn delete_relation(&mut self) -> bool {
        let (Some(session), Some(view)) = (self.session.as_mut(), self.view.as_mut()) else {
            return false;
        };
        let Some(rid) = view.selected_relation else {
            return false;
        };
        let doc = view.id.clone();
        match session.workspace.apply(
            Command::RemoveRelation {
                doc: doc.clone(),
                id: rid,
            },
            "Delete relation".to_string(),
        ) {
            Ok(_) => {
                view.selected_relation = None;
                self.log(&format!("DELETE {doc} {rid}"));
            }
            Err(e) => self.edit_error(e),
        }
        true
    }

    /// Ctrl+Tab / Ctrl+Shift+Tab: the next / previous relation of the selected span
    /// (or of the selected relation's first end).
    pub(crate) fn step_relation(&mut self, delta: isize) {
        let (Some(session), Some(view)) = (self.session.as_ref(), self.view.as_mut()) else {
            return;
        };
        let Some(set) = session.workspace.doc(&view.id).map(|d| &d.set) else {
            return;
        };
        let anchor = view.selected_span.or_else(|| {
            view.selected_relation
                .and_then(|r| set.relation(r))
                .map(|r| view.relation_anchor.unwrap_or(r.from))
        });
        let Some(anchor) = anchor else {
            return;
        };
        let rels: Vec<RelationId> = set.relations_of(anchor).iter().map(|r| r.id).collect();
        if rels.is_empty() {
            return;
        }
        let next = match view
            .selected_relation
            .and_then(|r| rels.iter().position(|x| *x == r))
        {
            Some(p) => (p as isize + delta).rem_euclid(rels.len() as isize) as usize,
            None if delta > 0 => 0,
            None => rels.len() - 1,
        };
        view.selected_relation = Some(rels[next]);
        view.relation_anchor = Some(anchor);
        view.selected_span = None;
    }
}

/// The type chooser, at the pointer or beside the target span.
pub fn relation_chooser_window(app: &mut EntitleApp, ctx: &egui::Context) {
    let Some(d) = app.relation_draft.clone() else {
        return;
    };
    if d.to.is_none() {
        return;
    }
    let Some((a, b)) = app.draft_labels() else {
        app.relation_draft = None;
        return;
    };
    let list = app.fitting_types(&a, &b, &d.filter);
    let mut chosen = None;
    let mut area = egui::Window::new("Relation type")
        .collapsible(false)
        .resizable(false)
        .title_bar(true);
    if let Some(p) = d.at {
        area = area.fixed_pos(p + egui::vec2(0.0, 4.0));
    }
    area.show(ctx, |ui| {
        ui.label(format!("{a} -> {b}"));
        ui.label(if d.filter.is_empty() {
            "Type to filter, or press a type's key.".to_string()
        } else {
            format!("Filter: {}_", d.filter)
        });
        if list.is_empty() {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                "No relation type fits these labels. Add one in entitle.toml ([[relations]]) or in Edit > Labels.",
            );
        }
        let cursor = d.cursor.min(list.len().saturating_sub(1));
        for (i, t) in list.iter().enumerate() {
            let key = t.hotkey.as_deref().map(|k| format!(" [{k}]")).unwrap_or_default();
            let arrow = if t.symmetric { "<->" } else { "->" };
            let text = format!("{arrow} {}{key}", t.name);
            if ui.selectable_label(i == cursor, text).clicked() {
                chosen = Some(t.clone());
            }
        }
    });
    if let Some(t) = chosen {
        app.finish_relation(&t);
    }
}
