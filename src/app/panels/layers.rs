//! Other annotators' layers (issue 10): two layers side by side, read-only, with their
//! differences marked; or the curation view, where the gold layer is the editable text
//! and the two layers are shown below it, one disagreement at a time.
//!
//! The comparison itself is [`crate::curate`] (no egui). The layers are read from disk
//! when a document is shown and again when their files change (a `git pull`).

use crate::app::widgets::annotated_text::{DocLayout, Overlay};
use crate::app::{Action, EntitleApp};
use crate::curate::{Comparison, Curation, Mark, Take, compare, read_layer};
use crate::model::{AnnotationSet, DocId, Document, SpanId};
use crate::session::Severity;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Side by side, or curating into a gold layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Mode {
    Compare,
    /// The session edits this layer (the gold one) while curating.
    Curate {
        into: String,
        /// Agreed spans go into gold as each document is shown.
        take_agreed: bool,
    },
}

/// One read-only layer beside the text.
pub(crate) struct Pane {
    pub name: String,
    pub set: AnnotationSet,
    /// Why the layer could not be read (shown instead of its spans).
    pub problem: Option<String>,
    pub layout: DocLayout,
    pub marks: HashMap<SpanId, Mark>,
    /// "alice · 29 spans · 2 only here, …": counted when the layers are compared, not
    /// every frame.
    header: String,
    stamp: Option<(std::time::SystemTime, u64)>,
}

/// The state of the comparison or curation view.
pub(crate) struct Layers {
    pub mode: Mode,
    pub a: String,
    pub b: String,
    /// The document the panes were built for.
    pub doc: Option<DocId>,
    pub panes: Vec<Pane>,
    pub cmp: Comparison,
    /// The disagreement the curation is on (index into `cmp.units`).
    pub current: Option<usize>,
    checked: Option<Instant>,
    /// How the current disagreement stands in gold, for (gold revision, disagreement):
    /// worked out when either moves, not every frame.
    settled: Option<((u64, usize), String)>,
}

/// The dialog that starts a comparison or a curation.
#[derive(Debug, Clone)]
pub(crate) struct LayersDialog {
    pub a: String,
    pub b: String,
    pub into: String,
    pub take_agreed: bool,
}

fn stamp_of(path: &std::path::Path) -> Option<(std::time::SystemTime, u64)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.modified().ok()?, m.len()))
}

impl Layers {
    pub fn curating_into(&self) -> Option<&str> {
        match &self.mode {
            Mode::Curate { into, .. } => Some(into),
            Mode::Compare => None,
        }
    }

    /// The disagreement being curated, highlighted in the text.
    pub fn focus_range(&self) -> Option<std::ops::Range<usize>> {
        self.curating_into()?;
        self.current_range()
    }

    /// Where the current disagreement is.
    fn current_range(&self) -> Option<std::ops::Range<usize>> {
        Some(self.cmp.units.get(self.current?)?.range.clone())
    }

    /// The two layers as a [`Curation`] of `doc` by `curator` (once both are read).
    fn curation<'a>(&'a self, doc: &'a DocId, curator: &'a str) -> Option<Curation<'a>> {
        let [a, b] = &self.panes[..] else {
            return None;
        };
        Some(Curation {
            doc,
            a: &a.set,
            b: &b.set,
            a_name: &self.a,
            b_name: &self.b,
            curator,
            now: chrono::Utc::now(),
        })
    }

    /// A pane's header: its name, spans and marks by kind.
    fn header(name: &str, set: &AnnotationSet, marks: &HashMap<SpanId, Mark>) -> String {
        let n = |m: Mark| marks.values().filter(|x| **x == m).count();
        format!(
            "{name} · {} spans · {} only here, {} other label, {} other bounds",
            set.len(),
            n(Mark::OnlyHere),
            n(Mark::OtherLabel),
            n(Mark::OtherBounds)
        )
    }
}

impl EntitleApp {
    /// The layer the session edits: the gold layer while curating, else your own.
    pub(crate) fn layer(&self) -> String {
        self.curating.clone().unwrap_or_else(|| self.annotator())
    }

    /// Open the dialog that picks two layers.
    pub(crate) fn open_layers_dialog(&mut self) {
        let Some(session) = self.session.as_ref() else {
            return;
        };
        let mut names = session.project.annotators();
        let me = self.annotator();
        if !names.contains(&me) {
            names.insert(0, me.clone());
        }
        let others: Vec<&String> = names.iter().filter(|n| **n != me && *n != "gold").collect();
        let (a, b) = match &self.layers {
            Some(l) => (l.a.clone(), l.b.clone()),
            None => (
                me.clone(),
                others.first().map_or(me.clone(), |s| s.to_string()),
            ),
        };
        self.layers_dialog = Some(LayersDialog {
            a,
            b,
            into: "gold".into(),
            take_agreed: true,
        });
    }

    /// Show layers `a` and `b` side by side (the text is read-only meanwhile).
    pub(crate) fn start_compare(&mut self, a: String, b: String) {
        if self.curating.is_some() && !self.leave_curation() {
            return;
        }
        self.layers = Some(Layers {
            mode: Mode::Compare,
            a,
            b,
            doc: None,
            panes: Vec::new(),
            cmp: Comparison::default(),
            current: None,
            checked: None,
            settled: None,
        });
        self.log("LAYERS compare");
    }

    /// Curate `a` and `b` into the layer `into`: the session reopens on that layer
    /// (your name stays the author of every change).
    pub(crate) fn start_curation(&mut self, a: String, b: String, into: String, take_agreed: bool) {
        let into = crate::project::sanitize_annotator(&into);
        if into == a || into == b {
            self.message(
                Severity::Warning,
                format!("The gold layer cannot be {into}, one of the layers being curated; choose another name."),
            );
            return;
        }
        let Some(root) = self
            .session
            .as_ref()
            .map(|s| s.project.root().to_path_buf())
        else {
            return;
        };
        let current = self.view.as_ref().map(|v| v.id.clone());
        let previous = self.curating.replace(into.clone());
        if !self.open_project(&root) {
            self.curating = previous;
            return;
        }
        self.layers = Some(Layers {
            mode: Mode::Curate {
                into: into.clone(),
                take_agreed,
            },
            a: a.clone(),
            b: b.clone(),
            doc: None,
            panes: Vec::new(),
            cmp: Comparison::default(),
            current: None,
            checked: None,
            settled: None,
        });
        if let Some(id) = current {
            self.show_doc(&id);
        }
        self.message(
            Severity::Info,
            format!("Curating {a} and {b} into annotations/{into}/. F4 / Shift+F4: next / previous disagreement; Alt+1 take {a}, Alt+2 take {b}, Alt+3 both, Alt+E edit it here."),
        );
        self.log(&format!("LAYERS curate {a} {b} {into}"));
    }

    /// Back to your own layer. False if the gold layer could not be saved first.
    pub(crate) fn leave_curation(&mut self) -> bool {
        let Some(root) = self
            .session
            .as_ref()
            .map(|s| s.project.root().to_path_buf())
        else {
            self.curating = None;
            return true;
        };
        let current = self.view.as_ref().map(|v| v.id.clone());
        let previous = self.curating.take();
        if !self.open_project(&root) {
            self.curating = previous;
            return false;
        }
        if let Some(id) = current {
            self.show_doc(&id);
        }
        true
    }

    pub(crate) fn close_layers(&mut self) {
        if self.curating.is_some() && !self.leave_curation() {
            return;
        }
        self.layers = None;
        self.log("LAYERS closed");
    }

    /// Build (or rebuild) the panes for the document shown, and re-read the layers
    /// when their files changed. Cheap when nothing changed: a stat per layer a second.
    pub(crate) fn refresh_layers(&mut self) {
        let (Some(session), Some(view), Some(layers)) = (
            self.session.as_ref(),
            self.view.as_ref(),
            self.layers.as_mut(),
        ) else {
            return;
        };
        let Some(doc) = view.layout.as_ref().map(|l| l.doc().clone()) else {
            return;
        };
        let same_doc = layers.doc.as_ref() == Some(&view.id);
        let due = layers
            .checked
            .is_none_or(|t| t.elapsed() >= Duration::from_secs(1));
        if same_doc && !due {
            return;
        }
        layers.checked = Some(Instant::now());
        let names = [layers.a.clone(), layers.b.clone()];
        let stamps: Vec<_> = names
            .iter()
            .map(|n| stamp_of(&session.project.annotation_path(n, &doc.id)))
            .collect();
        if same_doc
            && layers.panes.len() == 2
            && layers.panes.iter().zip(&stamps).all(|(p, s)| &p.stamp == s)
        {
            return;
        }
        let reloaded = same_doc;
        let mut panes = Vec::new();
        for (name, stamp) in names.iter().zip(stamps) {
            let (set, problem) = match read_layer(&session.project, name, &doc) {
                Ok(set) => (set.unwrap_or_default(), None),
                Err(e) => (AnnotationSet::new(), Some(e)),
            };
            let mut layout = DocLayout::new(doc.clone());
            layout.top_char = view
                .layout
                .as_ref()
                .and_then(|l| l.visible_chars())
                .map(|r| r.start);
            panes.push(Pane {
                name: name.clone(),
                set,
                problem,
                layout,
                marks: HashMap::new(),
                header: String::new(),
                stamp,
            });
        }
        layers.cmp = compare(&panes[0].set, &panes[1].set);
        panes[0].marks = layers.cmp.a.clone();
        panes[1].marks = layers.cmp.b.clone();
        for p in &mut panes {
            p.header = Layers::header(&p.name, &p.set, &p.marks);
        }
        layers.panes = panes;
        layers.settled = None;
        layers.doc = Some(view.id.clone());
        let n = layers.cmp.units.len();
        layers.current = match layers.current {
            Some(i) if reloaded && n > 0 => Some(i.min(n - 1)),
            _ => (n > 0).then_some(0),
        };
        if reloaded {
            self.message(
                Severity::Info,
                format!("The layers of {} changed on disk: compared again.", doc.id),
            );
        } else if matches!(
            layers.mode,
            Mode::Curate {
                take_agreed: true,
                ..
            }
        ) {
            self.take_agreed_here();
        }
    }

    /// Agreed spans of the document shown into gold (one undo step).
    pub(crate) fn take_agreed_here(&mut self) {
        let curator = self.annotator();
        let (Some(session), Some(layers)) = (self.session.as_mut(), self.layers.as_ref()) else {
            return;
        };
        let Some(doc) = layers.doc.clone() else {
            return;
        };
        if layers.curating_into().is_none() || layers.panes.len() != 2 {
            return;
        }
        let Some(gold) = session.workspace.doc(&doc).map(|d| d.set.clone()) else {
            return;
        };
        let Some(cur) = layers.curation(&doc, &curator) else {
            return;
        };
        let Some(cmd) = cur.take_agreed(&gold) else {
            return;
        };
        let n = count_adds(&cmd);
        match session
            .workspace
            .apply(cmd, format!("Take {n} agreed spans"))
        {
            Ok(_) => {
                self.log(&format!("AGREED {doc} {n}"));
            }
            Err(e) => self.edit_error(e),
        }
    }

    /// Next (+1) or previous (-1) disagreement; past the last one of this document, the
    /// first of the next document that has one.
    pub(crate) fn step_disagreement(&mut self, delta: isize) {
        let Some(layers) = self.layers.as_mut() else {
            self.message(
                Severity::Info,
                "Compare or curate two layers first (Document > Compare or curate layers…).".into(),
            );
            return;
        };
        let n = layers.cmp.units.len() as isize;
        let next = layers
            .current
            .map_or(if delta > 0 { 0 } else { n - 1 }, |c| c as isize + delta);
        if (0..n).contains(&next) {
            layers.current = Some(next as usize);
            self.reveal_disagreement();
            return;
        }
        // Another document.
        let Some(session) = self.session.as_ref() else {
            return;
        };
        let docs: Vec<DocId> = session
            .project
            .docs()
            .iter()
            .map(|d| d.id.clone())
            .collect();
        let Some(here) = layers
            .doc
            .as_ref()
            .and_then(|d| docs.iter().position(|x| x == d))
        else {
            return;
        };
        let (a, b) = (layers.a.clone(), layers.b.clone());
        let mut i = here as isize;
        loop {
            i += delta.signum();
            if i < 0 || i >= docs.len() as isize {
                let which = if delta > 0 { "after" } else { "before" };
                self.message(
                    Severity::Info,
                    format!("No disagreement between {a} and {b} {which} this one."),
                );
                return;
            }
            let id = &docs[i as usize];
            let Ok(text) = session.project.load_document(id) else {
                continue;
            };
            let units = layer_units(session, &a, &b, &text);
            if units > 0 {
                let id = id.clone();
                self.show_doc(&id);
                self.refresh_layers();
                if let Some(l) = self.layers.as_mut() {
                    l.current = Some(if delta > 0 { 0 } else { units - 1 });
                }
                self.reveal_disagreement();
                return;
            }
        }
    }

    /// Scroll the text and the panes to the current disagreement.
    fn reveal_disagreement(&mut self) {
        let Some(range) = self.layers.as_ref().and_then(Layers::current_range) else {
            return;
        };
        if let Some(l) = self.view.as_mut().and_then(|v| v.layout.as_mut()) {
            l.scroll_to = Some(range.start);
        }
        if let Some(layers) = self.layers.as_mut() {
            for p in &mut layers.panes {
                p.layout.scroll_to = Some(range.start);
            }
        }
        self.log(&format!("DISAGREEMENT {}..{}", range.start, range.end));
    }

    /// Settle the current disagreement with A's spans, B's, or both (one undo step).
    pub(crate) fn take_side(&mut self, take: Take) {
        let curator = self.annotator();
        let (Some(session), Some(layers)) = (self.session.as_mut(), self.layers.as_ref()) else {
            return;
        };
        if layers.curating_into().is_none() {
            self.message(
                Severity::Info,
                "Taking a side works while curating (Document > Compare or curate layers…, Curate).".into(),
            );
            return;
        }
        let (Some(doc), Some(unit)) = (
            layers.doc.clone(),
            layers
                .current
                .and_then(|i| layers.cmp.units.get(i))
                .cloned(),
        ) else {
            self.message(Severity::Info, "No disagreement here.".into());
            return;
        };
        let Some(gold) = session.workspace.doc(&doc).map(|d| d.set.clone()) else {
            return;
        };
        let Some(cur) = layers.curation(&doc, &curator) else {
            return;
        };
        let title = match take {
            Take::A => format!("Take {}", layers.a),
            Take::B => format!("Take {}", layers.b),
            Take::Both => "Take both".to_string(),
        };
        let Some(cmd) = cur.take(&gold, &unit, take) else {
            self.message(
                Severity::Info,
                format!("The gold layer already has that ({title})."),
            );
            return;
        };
        match session.workspace.apply(cmd, title.clone()) {
            Ok(_) => {
                self.log(&format!(
                    "TAKE {doc} {}..{} {title}",
                    unit.range.start, unit.range.end
                ));
                // On to the next disagreement, as a curator works down the list.
                let more = self
                    .layers
                    .as_ref()
                    .and_then(|l| Some(l.current? + 1 < l.cmp.units.len()))
                    .unwrap_or(false);
                if more {
                    self.step_disagreement(1);
                }
            }
            Err(e) => self.edit_error(e),
        }
    }

    /// Select the current disagreement in the gold text, to edit it by hand.
    pub(crate) fn edit_disagreement(&mut self) {
        let Some(range) = self.layers.as_ref().and_then(Layers::current_range) else {
            return;
        };
        if let Some(v) = self.view.as_mut()
            && let Some(len) = v.layout.as_ref().map(|l| l.doc().len_chars())
            && let Ok(sel) = crate::text::CharSpan::new(range.start, range.end, len)
        {
            v.selection = Some(sel);
            v.selected_span = None;
            v.selected_relation = None;
            if let Some(l) = v.layout.as_mut() {
                l.scroll_to = Some(range.start);
            }
        }
    }
}

fn count_adds(cmd: &crate::edit::Command) -> usize {
    use crate::edit::Command;
    match cmd {
        Command::AddSpan { .. } => 1,
        Command::Batch(v) => v.iter().map(count_adds).sum(),
        _ => 0,
    }
}

/// How many disagreements two layers have on `doc` (0 if either cannot be read).
fn layer_units(session: &crate::session::Session, a: &str, b: &str, doc: &Document) -> usize {
    match (
        read_layer(&session.project, a, doc),
        read_layer(&session.project, b, doc),
    ) {
        (Ok(x), Ok(y)) => compare(&x.unwrap_or_default(), &y.unwrap_or_default())
            .units
            .len(),
        _ => 0,
    }
}

/// The dialog: pick two layers, then compare or curate.
pub fn layers_dialog_window(app: &mut EntitleApp, ctx: &egui::Context) {
    let Some(mut d) = app.layers_dialog.take() else {
        return;
    };
    let mut names = app
        .session
        .as_ref()
        .map(|s| s.project.annotators())
        .unwrap_or_default();
    let me = app.annotator();
    if !names.contains(&me) {
        names.insert(0, me);
    }
    let mut open = true;
    let mut action = None;
    egui::Window::new("Compare layers")
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .show(ctx, |ui| {
            for (title, value) in [("Layer A", &mut d.a), ("Layer B", &mut d.b)] {
                egui::ComboBox::from_label(title)
                    .selected_text(value.as_str())
                    .show_ui(ui, |ui| {
                        for n in &names {
                            ui.selectable_value(value, n.clone(), n);
                        }
                    });
            }
            let same = d.a == d.b;
            if same {
                ui.colored_label(ui.visuals().warn_fg_color, "Choose two different layers.");
            }
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(!same, egui::Button::new("Side by side"))
                    .on_hover_text("Both layers read-only, side by side, differences marked")
                    .clicked()
                {
                    action = Some(false);
                }
            });
            ui.separator();
            ui.horizontal(|ui| {
                let label = ui.label("Curate into");
                ui.add(
                    egui::TextEdit::singleline(&mut d.into)
                        .desired_width(100.0)
                        .hint_text("gold"),
                )
                .labelled_by(label.id);
            });
            ui.checkbox(
                &mut d.take_agreed,
                "Agreed spans go to the gold layer automatically",
            );
            let clash = d.into.trim().is_empty() || d.into == d.a || d.into == d.b;
            if ui
                .add_enabled(!same && !clash, egui::Button::new("Curate"))
                .on_hover_text("Edit the gold layer, one disagreement at a time; both layers below")
                .clicked()
            {
                action = Some(true);
            }
        });
    match action {
        Some(false) => app.start_compare(d.a, d.b),
        Some(true) => app.start_curation(d.a, d.b, d.into, d.take_agreed),
        None if open => app.layers_dialog = Some(d),
        None => {}
    }
}

/// How the current disagreement stands in gold ("took alice", "open"…), cached.
fn settled_text(app: &mut EntitleApp) -> Option<String> {
    let (Some(layers), Some(session)) = (app.layers.as_mut(), app.session.as_ref()) else {
        return None;
    };
    let id = layers.doc.clone()?;
    let i = layers.current?;
    let gold = session.workspace.doc(&id)?;
    let key = (gold.revision, i);
    if let Some((k, text)) = &layers.settled
        && *k == key
    {
        return Some(text.clone());
    }
    let unit = layers.cmp.units.get(i)?;
    let text = layers
        .curation(&id, "")?
        .settled(&gold.set, unit)
        .describe(&layers.a, &layers.b);
    layers.settled = Some((key, text.clone()));
    Some(text)
}

/// The curation bar: where we are, what each side says, the takes.
fn curation_bar(app: &mut EntitleApp, ui: &mut egui::Ui) {
    let settled = settled_text(app);
    let Some(layers) = app.layers.as_ref() else {
        return;
    };
    let Some(into) = layers.curating_into().map(str::to_string) else {
        return;
    };
    let (a, b) = (layers.a.clone(), layers.b.clone());
    let n = layers.cmp.units.len();
    let unit = layers
        .current
        .and_then(|i| layers.cmp.units.get(i))
        .cloned();
    let doc = layers.panes.first().map(|p| p.layout.doc().clone());
    let describe = |set: &AnnotationSet, ids: &[SpanId]| -> String {
        let v: Vec<String> = ids
            .iter()
            .filter_map(|id| set.get(*id))
            .map(|s| {
                let text = doc
                    .as_ref()
                    .map(|d| d.slice(s.range.range()).to_string())
                    .unwrap_or_default();
                format!("{} “{text}”", s.label)
            })
            .collect();
        if v.is_empty() {
            "—".into()
        } else {
            v.join(" + ")
        }
    };
    let mut act = None;
    ui.horizontal_wrapped(|ui| {
        ui.strong(format!("Curating into {into}"));
        ui.separator();
        match &unit {
            Some(u) => {
                let i = layers.current.unwrap_or(0) + 1;
                ui.label(format!(
                    "Disagreement {i} of {n}: {} ({}..{})",
                    u.kind.describe(&a, &b),
                    u.range.start,
                    u.range.end
                ));
                ui.label(format!("{a}: {}", describe(&layers.panes[0].set, &u.a)));
                ui.label(format!("{b}: {}", describe(&layers.panes[1].set, &u.b)));
                if let Some(s) = &settled {
                    ui.weak(format!("gold: {s}"));
                }
            }
            None => {
                ui.label("No disagreement in this document.");
            }
        }
    });
    ui.horizontal(|ui| {
        let some = unit.is_some();
        let buttons: [(&str, Action, bool); 6] = [
            ("◀ Previous", Action::PrevDisagreement, true),
            ("Next ▶", Action::NextDisagreement, true),
            (&format!("Take {a}"), Action::TakeA, some),
            (&format!("Take {b}"), Action::TakeB, some),
            ("Take both", Action::TakeBoth, some),
            ("Edit", Action::EditDisagreement, some),
        ];
        for (title, action, enabled) in buttons {
            let mut button = egui::Button::new(title);
            if let Some(sc) = app.keymap.shortcut_of(&action) {
                button = button.shortcut_text(ui.ctx().format_shortcut(&sc));
            }
            if ui.add_enabled(enabled, button).clicked() {
                act = Some(action);
            }
        }
        if ui
            .button("Take agreed")
            .on_hover_text("Put every span both made into gold (one undo step)")
            .clicked()
        {
            act = Some(Action::TakeAgreed);
        }
        if ui
            .button("Close")
            .on_hover_text("Back to your own layer")
            .clicked()
        {
            act = Some(Action::CloseLayers);
        }
    });
    if let Some(a) = act {
        app.pending.push(a);
    }
}

/// A pane: a layer's name and differences, then its text, read-only.
fn pane_ui(
    ui: &mut egui::Ui,
    pane: &mut Pane,
    colors: &HashMap<String, crate::model::Rgb>,
    focus: Option<std::ops::Range<usize>>,
    symmetric: &[crate::model::Label],
    show_arcs: bool,
) {
    ui.strong(pane.header.as_str());
    if let Some(p) = &pane.problem {
        ui.colored_label(ui.visuals().error_fg_color, p);
        return;
    }
    let overlay = Overlay {
        spans: &pane.set,
        colors,
        selection: None,
        selected_span: None,
        hovered_spans: &[],
        hide_spans: false,
        hits: &[],
        current_hit: None,
        suggestions: &[],
        current_suggestion: None,
        revision: 0,
        show_arcs,
        selected_relation: None,
        symmetric,
        marks: Some(&pane.marks),
        focus,
    };
    pane.layout.show(ui, &overlay);
}

/// The layers under (curating) or instead of (comparing) the editable text.
pub fn layers_ui(app: &mut EntitleApp, ui: &mut egui::Ui) {
    app.refresh_layers();
    let curating = app
        .layers
        .as_ref()
        .is_some_and(|l| l.curating_into().is_some());
    if curating {
        curation_bar(app, ui);
        ui.separator();
        let h = (ui.available_height() * 0.55).max(120.0);
        ui.allocate_ui(egui::vec2(ui.available_width(), h), |ui| {
            crate::app::panels::doc_view::doc_view_ui(app, ui);
        });
        ui.separator();
    } else if let Some(l) = app.layers.as_ref() {
        let n = l.cmp.units.len();
        let close = ui
            .horizontal(|ui| {
                ui.strong(format!("Comparing {} and {}", l.a, l.b));
                ui.label(format!(
                    "{} agreed, {n} disagreement{}",
                    l.cmp.agreed.len(),
                    if n == 1 { "" } else { "s" }
                ));
                ui.weak(
                    "+ only in this layer · ≠ other label · ↔ other bounds · F4 next difference",
                );
                ui.button("Close").clicked()
            })
            .inner;
        if close {
            app.pending.push(Action::CloseLayers);
        }
    }
    // Keep the panes where the main text is when it scrolls (curating), or where the
    // left pane is (comparing).
    let lead_top = if curating {
        app.view
            .as_ref()
            .and_then(|v| v.layout.as_ref())
            .and_then(|l| l.visible_chars())
            .map(|r| r.start)
    } else {
        None
    };
    let symmetric: Vec<crate::model::Label> = app
        .relation_types
        .iter()
        .filter(|t| t.symmetric)
        .map(|t| t.name.clone())
        .collect();
    let show_arcs = app.prefs.show_arcs;
    // Disjoint fields: the colours are read while the panes are drawn.
    let colors = &app.colors;
    let Some(layers) = app.layers.as_mut() else {
        return;
    };
    let focus = layers.current_range();
    if layers.panes.len() != 2 {
        ui.label("Open a document to compare its layers.");
        return;
    }
    if let Some(top) = lead_top {
        for p in &mut layers.panes {
            if p.layout.visible_chars().map(|r| r.start) != Some(top)
                && p.layout.scroll_to.is_none()
            {
                p.layout.top_char = Some(top);
            }
        }
    }
    let [left, right] = &mut layers.panes[..] else {
        return;
    };
    ui.columns(2, |cols| {
        cols[0].push_id("pane-a", |ui| {
            pane_ui(ui, left, colors, focus.clone(), &symmetric, show_arcs)
        });
        cols[1].push_id("pane-b", |ui| {
            pane_ui(ui, right, colors, focus.clone(), &symmetric, show_arcs)
        });
    });
    // Comparing: the right pane follows the left one.
    if !curating
        && let Some(top) = left.layout.visible_chars().map(|r| r.start)
        && right.layout.visible_chars().map(|r| r.start) != Some(top)
        && right.layout.scroll_to.is_none()
    {
        right.layout.top_char = Some(top);
    }
}
