//! The inspector (F2): a side panel with everything about the selected span or
//! relation. A span: label, text, offsets, annotator, times, the engine that proposed
//! it, its relations (click one to select it), its note (edited in place), its
//! attributes as checkboxes and choosers from the schema, and its normalisation links
//! with completion from the project's knowledge files (kb/). A relation: its type and
//! its two ends (click to select them).
//!
//! Every change is one `Command::SetDetails` (an undo step) made when a field is left
//! or a choice is made. F2 opens the panel and puts the keyboard in the note; Tab
//! moves through the fields; Escape leaves a field and the keys act on the text again.

use crate::app::EntitleApp;
use crate::edit::Command;
use crate::model::{Label, Normalization, RelationId, SpanDetails, SpanId};

/// One attribute the schema defines, as the inspector offers it.
#[derive(Debug, Clone, PartialEq)]
pub struct AttrDef {
    pub name: String,
    pub kind: AttrKind,
    /// Labels it applies to (empty: all).
    pub labels: Vec<Label>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum AttrKind {
    Flag,
    Choice(Vec<String>),
    Text,
}

/// The inspector's own state: whether it is shown, and the fields being typed in.
#[derive(Default)]
pub(crate) struct Inspector {
    pub open: bool,
    /// Put the keyboard in the note field next frame.
    pub focus_note: bool,
    /// The span the buffers below belong to, and its document.
    span: Option<SpanId>,
    span_doc: Option<crate::model::DocId>,
    note: String,
    /// The note was typed in and not yet made the span's; the field had the keyboard
    /// at the end of the last frame.
    note_dirty: bool,
    note_focused: bool,
    /// One of the inspector's fields had the keyboard this frame.
    pub field_focused: bool,
    /// The selected relation's note being typed (same rules as the span's).
    rel: Option<(crate::model::DocId, RelationId)>,
    rel_note: String,
    rel_note_dirty: bool,
    rel_note_focused: bool,
    /// Text attribute values being typed, by name.
    texts: Vec<(String, String)>,
    link: String,
    /// Knowledge-base entries matching `link`.
    completions: Vec<Normalization>,
    /// The link text `completions` were looked up for.
    completed_for: String,
}

/// What the inspector edits this frame (read before the UI borrows the app).
struct Shown {
    id: SpanId,
    label: Label,
    text: String,
    start: usize,
    end: usize,
    annotator: String,
    when: String,
    source: Option<String>,
    details: SpanDetails,
    relations: Vec<(RelationId, String)>,
}

impl EntitleApp {
    fn inspected(&self) -> Option<Shown> {
        let view = self.view.as_ref()?;
        let id = view.selected_span?;
        let set = &self.session.as_ref()?.workspace.doc(&view.id)?.set;
        let doc = view.layout.as_ref()?.doc();
        let s = set.get(id)?;
        let relations = set
            .relations_of(id)
            .iter()
            .map(|r| {
                let (arrow, other) = if r.from == id {
                    ("->", r.to)
                } else {
                    ("<-", r.from)
                };
                let other = set
                    .get(other)
                    .map(|o| doc.slice(o.range.range()).to_string())
                    .unwrap_or_default();
                (r.id, format!("{} {arrow} “{other}”", r.label))
            })
            .collect();
        Some(Shown {
            id,
            label: s.label.clone(),
            text: doc.slice(s.range.range()).to_string(),
            start: s.range.start(),
            end: s.range.end(),
            annotator: s.annotator.to_string(),
            when: match s.modified {
                Some(m) => format!(
                    "made {}, changed {}",
                    s.created.format("%Y-%m-%d %H:%M"),
                    m.format("%Y-%m-%d %H:%M")
                ),
                None => format!("made {}", s.created.format("%Y-%m-%d %H:%M")),
            },
            source: s.provenance().map(|p| match p.score {
                Some(x) => format!("{} ({x:.2})", p.source),
                None => p.source.clone(),
            }),
            details: SpanDetails::of(s),
            relations,
        })
    }

    /// A note typed and not yet the span's becomes its note (one undo step) once the
    /// field has lost the keyboard or another span is inspected: Escape, Tab, a click
    /// elsewhere or a key that clears the selection all end the edit without losing it.
    fn commit_note(&mut self, force: bool) {
        let i = &self.inspector;
        if !i.note_dirty || (i.note_focused && !force) {
            return;
        }
        let (Some(id), Some(doc)) = (i.span, i.span_doc.clone()) else {
            return;
        };
        self.inspector.note_dirty = false;
        let Some(s) = self
            .session
            .as_ref()
            .and_then(|s| s.workspace.doc(&doc))
            .and_then(|d| d.set.get(id))
        else {
            return;
        };
        let mut details = SpanDetails::of(s);
        let new = Some(self.inspector.note.trim_end().to_string()).filter(|n| !n.is_empty());
        if new == details.note {
            return;
        }
        details.note = new;
        self.set_details_in(doc, id, details, "Edit note");
    }

    /// Apply new details to the inspected span (one undo step).
    fn set_details(&mut self, id: SpanId, details: SpanDetails, title: &str) {
        let Some(doc) = self.view.as_ref().map(|v| v.id.clone()) else {
            return;
        };
        self.set_details_in(doc, id, details, title);
    }

    fn set_details_in(
        &mut self,
        doc: crate::model::DocId,
        id: SpanId,
        details: SpanDetails,
        title: &str,
    ) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        if let Err(e) = session
            .workspace
            .apply(Command::SetDetails { doc, id, details }, title.to_string())
        {
            self.edit_error(e);
        }
    }
}

/// The panel, at the right of the document.
pub fn inspector_panel(app: &mut EntitleApp, ui: &mut egui::Ui) {
    let current = app.view.as_ref().and_then(|v| v.selected_span);
    app.commit_note(!app.inspector.open || current != app.inspector.span);
    let current_rel = app
        .view
        .as_ref()
        .and_then(|v| v.selected_relation.map(|r| (v.id.clone(), r)));
    app.commit_relation_note(!app.inspector.open || current_rel != app.inspector.rel);
    app.inspector.field_focused = false;
    if !app.inspector.open {
        return;
    }
    let shown = app.inspected();
    let relation = app.inspected_relation();
    egui::Panel::right("inspector")
        .resizable(true)
        .default_size(300.0)
        .show(ui, |ui| {
            ui.heading("Inspector");
            if let Some(s) = shown {
                span_ui(app, ui, s);
            } else if let Some((rid, lines)) = relation {
                ui.label(format!("Relation {rid}"));
                for l in lines {
                    ui.label(l);
                }
                relation_note_ui(app, ui, rid);
                ui.weak("Shift+R reverses it, a relation type's key relabels it, Delete removes it.");
            } else {
                ui.weak("Select a span (click it or Tab to it) or a relation (click its label on the arc) to see and edit it here.");
            }
        });
}

impl EntitleApp {
    fn inspected_relation(&self) -> Option<(RelationId, Vec<String>)> {
        let view = self.view.as_ref()?;
        let rid = view.selected_relation?;
        let set = &self.session.as_ref()?.workspace.doc(&view.id)?.set;
        let doc = view.layout.as_ref()?.doc();
        let r = set.relation(rid)?;
        let text = |id| {
            set.get(id)
                .map(|s| format!("{} “{}”", s.label, doc.slice(s.range.range())))
                .unwrap_or_default()
        };
        let lines = vec![
            format!("Type: {}", r.label),
            format!("From: {}", text(r.from)),
            format!("To: {}", text(r.to)),
            format!("By {}, {}", r.annotator, r.created.format("%Y-%m-%d %H:%M")),
        ];
        Some((rid, lines))
    }
}

fn span_ui(app: &mut EntitleApp, ui: &mut egui::Ui, s: Shown) {
    // New span: fresh buffers.
    if app.inspector.span != Some(s.id) {
        app.inspector.span = Some(s.id);
        app.inspector.span_doc = app.view.as_ref().map(|v| v.id.clone());
        app.inspector.note_dirty = false;
        app.inspector.note = s.details.note.clone().unwrap_or_default();
        app.inspector.texts.clear();
        app.inspector.link.clear();
    }
    ui.label(egui::RichText::new(format!("{} “{}”", s.label, s.text)).strong());
    ui.label(format!("Characters {}–{} · {}", s.start, s.end, s.id));
    ui.label(format!("By {}, {}", s.annotator, s.when));
    if let Some(src) = &s.source {
        ui.label(format!("Suggested by {src}"));
    }
    ui.separator();
    ui.strong("Relations");
    if s.relations.is_empty() {
        ui.weak("None. Press R to start one from this span.");
    }
    for (rid, text) in &s.relations {
        if ui.link(text).clicked()
            && let Some(v) = app.view.as_mut()
        {
            v.selected_relation = Some(*rid);
            v.relation_anchor = Some(s.id);
            v.selected_span = None;
        }
    }
    ui.separator();
    let heading = ui.strong("Note");
    let note = ui.add(
        egui::TextEdit::multiline(&mut app.inspector.note)
            .desired_rows(3)
            .hint_text("A note on this span")
            .desired_width(f32::INFINITY),
    );
    let note = note.labelled_by(heading.id);
    if std::mem::take(&mut app.inspector.focus_note) {
        note.request_focus();
    }
    app.inspector.note_dirty |= note.changed();
    app.inspector.note_focused = note.has_focus();
    app.inspector.field_focused |= note.has_focus();
    if !note.has_focus() && !note.changed() && !app.inspector.note_dirty {
        // Changed elsewhere (undo, another session): show what the span has.
        let have = s.details.note.clone().unwrap_or_default();
        if app.inspector.note != have {
            app.inspector.note = have;
        }
    }
    app.commit_note(false);
    attributes_ui(app, ui, &s);
    links_ui(app, ui, &s);
}

fn attributes_ui(app: &mut EntitleApp, ui: &mut egui::Ui, s: &Shown) {
    let defs: Vec<AttrDef> = app
        .attribute_defs
        .iter()
        .filter(|a| a.labels.is_empty() || a.labels.contains(&s.label))
        .cloned()
        .collect();
    // Attributes the data has that the schema does not define: shown, removable.
    let extra: Vec<(String, String)> = s
        .details
        .attributes
        .iter()
        .filter(|(k, _)| !defs.iter().any(|d| &d.name == k))
        .cloned()
        .collect();
    if defs.is_empty() && extra.is_empty() {
        return;
    }
    ui.separator();
    ui.strong("Attributes");
    let value = |name: &str| {
        s.details
            .attributes
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let mut set_to: Option<(String, Option<String>)> = None;
    for d in &defs {
        match &d.kind {
            AttrKind::Flag => {
                let mut on = value(&d.name).is_some_and(|v| v != "false");
                if ui.checkbox(&mut on, &d.name).changed() {
                    set_to = Some((d.name.clone(), on.then(|| "true".to_string())));
                }
            }
            AttrKind::Choice(values) => {
                let current = value(&d.name);
                ui.horizontal(|ui| {
                    let l = ui.label(&d.name);
                    egui::ComboBox::from_id_salt(("attr", &d.name))
                        .selected_text(current.clone().unwrap_or_else(|| "—".into()))
                        .show_ui(ui, |ui| {
                            if ui.selectable_label(current.is_none(), "—").clicked() {
                                set_to = Some((d.name.clone(), None));
                            }
                            for v in values {
                                if ui
                                    .selectable_label(current.as_deref() == Some(v), v)
                                    .clicked()
                                {
                                    set_to = Some((d.name.clone(), Some(v.clone())));
                                }
                            }
                        })
                        .response
                        .labelled_by(l.id);
                });
            }
            AttrKind::Text => {
                let buf = match app.inspector.texts.iter().position(|(k, _)| *k == d.name) {
                    Some(i) => i,
                    None => {
                        app.inspector
                            .texts
                            .push((d.name.clone(), value(&d.name).unwrap_or_default()));
                        app.inspector.texts.len() - 1
                    }
                };
                ui.horizontal(|ui| {
                    let l = ui.label(&d.name);
                    let r = ui
                        .text_edit_singleline(&mut app.inspector.texts[buf].1)
                        .labelled_by(l.id);
                    app.inspector.field_focused |= r.has_focus();
                    if r.lost_focus() {
                        let v = app.inspector.texts[buf].1.trim().to_string();
                        let new = (!v.is_empty()).then_some(v);
                        if new != value(&d.name) {
                            set_to = Some((d.name.clone(), new));
                        }
                    }
                });
            }
        }
    }
    for (k, v) in &extra {
        ui.horizontal(|ui| {
            ui.label(format!("{k} = {v}"));
            if ui.small_button("Remove").clicked() {
                set_to = Some((k.clone(), None));
            }
        });
    }
    if let Some((name, v)) = set_to {
        let mut d = s.details.clone();
        let at = d.attributes.iter().position(|(k, _)| *k == name);
        match (at, v) {
            (Some(i), Some(v)) => d.attributes[i].1 = v,
            (None, Some(v)) => d.attributes.push((name.clone(), v)),
            (Some(i), None) => {
                d.attributes.remove(i);
            }
            (None, None) => {}
        }
        app.set_details(s.id, d, &format!("Set {name}"));
    }
}

fn links_ui(app: &mut EntitleApp, ui: &mut egui::Ui, s: &Shown) {
    ui.separator();
    ui.strong("Links");
    let mut remove = None;
    for (i, n) in s.details.normalizations.iter().enumerate() {
        ui.horizontal(|ui| {
            let name = n
                .name
                .as_deref()
                .map(|x| format!(" ({x})"))
                .unwrap_or_default();
            ui.label(format!("{}:{}{name}", n.db, n.id));
            if ui.small_button("Remove").clicked() {
                remove = Some(i);
            }
        });
    }
    let mut add: Option<Normalization> = None;
    ui.horizontal(|ui| {
        let l = ui.label("Add");
        let r = ui
            .add(
                egui::TextEdit::singleline(&mut app.inspector.link)
                    .hint_text("a name, or db:id such as wikidata:Q1234"),
            )
            .labelled_by(l.id);
        app.inspector.field_focused |= r.has_focus();
        // Looked up when the text changes, not every frame the panel is drawn.
        let completions = if app.inspector.completed_for == app.inspector.link {
            app.inspector.completions.clone()
        } else {
            app.inspector.completed_for = app.inspector.link.clone();
            app.complete_link(&app.inspector.link)
        };
        let entered = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if entered {
            add = completions
                .first()
                .cloned()
                .or_else(|| parse_link(&app.inspector.link));
        }
        if !completions.is_empty() && r.has_focus() {
            ui.end_row();
        }
        app.inspector.completions = completions;
    });
    for c in app.inspector.completions.clone() {
        let name = c.name.as_deref().unwrap_or_default().to_string();
        if ui.button(format!("{}:{} {name}", c.db, c.id)).clicked() {
            add = Some(c);
        }
    }
    if app.kb_state_line().is_some() {
        ui.weak(app.kb_state_line().unwrap_or_default());
    }
    if let Some(i) = remove {
        let mut d = s.details.clone();
        d.normalizations.remove(i);
        app.set_details(s.id, d, "Remove link");
    } else if let Some(n) = add {
        let mut d = s.details.clone();
        if !d
            .normalizations
            .iter()
            .any(|x| x.db == n.db && x.id == n.id)
        {
            d.normalizations.push(n);
            app.inspector.link.clear();
            app.inspector.completions.clear();
            app.inspector.completed_for.clear();
            app.set_details(s.id, d, "Add link");
        }
    }
}

/// The project's knowledge bases (kb/), loaded on their own thread.
#[derive(Default)]
pub(crate) enum KbState {
    #[default]
    None,
    Loading(std::sync::mpsc::Receiver<(crate::kb::Kb, Vec<crate::kb::KbProblem>)>),
    Ready {
        kb: std::sync::Arc<crate::kb::Kb>,
        problems: Vec<String>,
    },
}

/// Completions shown under the link field.
const COMPLETIONS: usize = 8;

impl EntitleApp {
    /// Start loading the project's knowledge bases (a new project).
    pub(crate) fn start_kb(&mut self) {
        self.kb = match self.session.as_ref() {
            Some(s) => KbState::Loading(crate::kb::spawn_load(s.project.root().to_path_buf())),
            None => KbState::None,
        };
    }

    /// Once a frame: take the loaded knowledge bases when they arrive.
    pub(crate) fn tick_kb(&mut self) {
        let KbState::Loading(rx) = &self.kb else {
            return;
        };
        match rx.try_recv() {
            Ok((kb, problems)) => {
                let problems: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
                if let Some(first) = problems.first() {
                    let more = match problems.len() {
                        1 => String::new(),
                        n => format!(" (and {} more)", n - 1),
                    };
                    self.message(
                        crate::session::Severity::Warning,
                        format!("Knowledge base: {first}{more}"),
                    );
                }
                // Completions looked up while loading were empty: look again.
                self.inspector.completed_for.clear();
                self.kb = KbState::Ready {
                    kb: std::sync::Arc::new(kb),
                    problems,
                };
            }
            Err(std::sync::mpsc::TryRecvError::Empty) => {
                // Still loading: look again soon.
                self.egui_ctx
                    .request_repaint_after(std::time::Duration::from_millis(100));
            }
            Err(std::sync::mpsc::TryRecvError::Disconnected) => self.kb = KbState::None,
        }
    }

    /// Knowledge-base entries for what is typed in the link field.
    pub(crate) fn complete_link(&self, query: &str) -> Vec<Normalization> {
        let KbState::Ready { kb, .. } = &self.kb else {
            return Vec::new();
        };
        if query.trim().is_empty() {
            return Vec::new();
        }
        kb.complete(query.trim(), COMPLETIONS)
            .into_iter()
            .map(|c| Normalization {
                db: c.db,
                id: c.id,
                name: Some(c.name),
            })
            .collect()
    }

    /// Whether the knowledge files are loading or how much is loaded.
    pub(crate) fn kb_state_line(&self) -> Option<String> {
        match &self.kb {
            KbState::None => None,
            KbState::Loading(_) => Some("Loading the knowledge bases in kb/…".into()),
            KbState::Ready { kb, problems } if kb.is_empty() && problems.is_empty() => Some(
                "No knowledge bases: put CSV, TSV or JSONL files of id, name, aliases in the project's kb/ folder to complete links.".into(),
            ),
            KbState::Ready { kb, problems } => Some(format!(
                "{} entries from {} knowledge-base files ({:.0} MB){}",
                kb.len(),
                kb.files().len(),
                kb.memory_usage() as f64 / 1e6,
                if problems.is_empty() {
                    String::new()
                } else {
                    format!("; {} lines could not be read", problems.len())
                }
            )),
        }
    }
}

/// The selected relation's note, edited in place.
fn relation_note_ui(app: &mut EntitleApp, ui: &mut egui::Ui, rid: RelationId) {
    let doc = app.view.as_ref().map(|v| v.id.clone());
    let note = app
        .session
        .as_ref()
        .zip(doc.as_ref())
        .and_then(|(s, d)| s.workspace.doc(d))
        .and_then(|d| d.set.relation(rid))
        .and_then(|r| r.note.clone())
        .unwrap_or_default();
    let i = &mut app.inspector;
    let key = doc.map(|d| (d, rid));
    if i.rel != key {
        i.rel = key;
        i.rel_note = note.clone();
        i.rel_note_dirty = false;
    }
    let heading = ui.strong("Note");
    let r = ui
        .add(
            egui::TextEdit::multiline(&mut i.rel_note)
                .desired_rows(2)
                .hint_text("A note on this relation")
                .desired_width(f32::INFINITY),
        )
        .labelled_by(heading.id);
    i.rel_note_dirty |= r.changed();
    i.rel_note_focused = r.has_focus();
    i.field_focused |= r.has_focus();
    if !r.has_focus() && !i.rel_note_dirty && i.rel_note != note {
        // Changed elsewhere (undo): show what the relation has.
        i.rel_note = note;
    }
    app.commit_relation_note(false);
}

impl EntitleApp {
    /// The relation note typed becomes the relation's (one undo step) once the field
    /// has lost the keyboard or another relation is selected.
    fn commit_relation_note(&mut self, force: bool) {
        let i = &self.inspector;
        if !i.rel_note_dirty || (i.rel_note_focused && !force) {
            return;
        }
        let Some((doc, rid)) = i.rel.clone() else {
            return;
        };
        self.inspector.rel_note_dirty = false;
        let new = Some(self.inspector.rel_note.trim_end().to_string()).filter(|n| !n.is_empty());
        self.change_relation_in(&doc, rid, |r| r.note = new, "Edit relation note");
    }
}

/// `db:id` typed by hand (no knowledge file needed).
fn parse_link(text: &str) -> Option<Normalization> {
    let (db, id) = text.trim().split_once(':')?;
    let (db, id) = (db.trim(), id.trim());
    (!db.is_empty() && !id.is_empty() && !db.contains(char::is_whitespace)).then(|| Normalization {
        db: db.to_string(),
        id: id.to_string(),
        name: None,
    })
}
