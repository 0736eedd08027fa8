//! Suggestions in the app (issue 9): the engines run on their own thread
//! ([`crate::suggest::worker`]); the open document's suggestions are drawn with a dashed
//! outline and an italic label. Enter accepts the suggestion under the selection (or
//! the one F8 stepped to), Backspace rejects it, Shift+Enter accepts every suggestion of
//! its label in the document, Ctrl+Enter every one at or above the confidence
//! threshold; F7 hides them, F6 shows the panel with what each engine did.

use crate::app::EntitleApp;
use crate::edit::Command;
use crate::model::{DocId, DocStatus, Provenance, RejectedMark, Span};
use crate::session::Severity;
use crate::suggest::engines::{EngineSet, OwnedExample, TrainStats, UNKNOWN_ENGINE};
use crate::suggest::same_string::SameStringOptions;
use crate::suggest::worker::{Reply, Request, Worker};
use crate::suggest::{Engine, Suggestion};
use crate::text::CharSpan;
use std::collections::HashMap;

/// Accepted and rejected counts per engine, this session (shown until the engines have
/// counted the project's).
#[derive(Debug, Default, Clone, Copy)]
pub struct Tally {
    pub accepted: usize,
    pub rejected: usize,
}

/// The app's side of the suggestion engines.
pub struct SuggestState {
    worker: Option<Worker>,
    /// Draw suggestions (F7).
    pub enabled: bool,
    pub engines: EngineSet,
    /// Ctrl+Enter accepts suggestions at or above this confidence.
    pub threshold: f32,
    /// The engines' generation and what they learned from.
    pub generation: u64,
    pub stats: Option<TrainStats>,
    /// The open document's suggestions: for which document, at which key.
    current: Option<(DocId, u64, Vec<Suggestion>)>,
    /// The key last asked for (so a question is sent once).
    asked: Option<(DocId, u64)>,
    /// Document revisions last sent to the worker.
    sent: HashMap<DocId, u64>,
    sent_clock: u64,
    /// The suggestion F8 stepped to (its span), if the selection is not on one.
    pub focused: Option<CharSpan>,
    pub tally: HashMap<Engine, Tally>,
    pub show_panel: bool,
    pub problems: Vec<String>,
}

impl Default for SuggestState {
    fn default() -> Self {
        Self {
            worker: None,
            enabled: true,
            engines: EngineSet::ALL,
            threshold: 0.9,
            generation: 0,
            stats: None,
            current: None,
            asked: None,
            sent: HashMap::new(),
            sent_clock: 0,
            focused: None,
            tally: HashMap::new(),
            show_panel: false,
            problems: Vec::new(),
        }
    }
}

impl SuggestState {
    /// The suggestions to draw for `doc` (none when hidden or not computed yet).
    pub fn shown(&self, doc: &DocId) -> &[Suggestion] {
        match &self.current {
            Some((d, _, list)) if self.enabled && d == doc => list,
            _ => &[],
        }
    }

    /// The suggestion Enter would accept: the first one under the selection, else the
    /// one F8 stepped to.
    pub fn current_in(&self, doc: &DocId, selection: Option<CharSpan>) -> Option<CharSpan> {
        self.current_suggestion(doc, selection).map(|s| s.span)
    }

    fn current_suggestion(&self, doc: &DocId, selection: Option<CharSpan>) -> Option<&Suggestion> {
        let list = self.shown(doc);
        if let Some(sel) = selection {
            return list
                .iter()
                .find(|s| s.span == sel)
                .or_else(|| list.iter().find(|s| s.span.overlaps_range(sel.range())));
        }
        let f = self.focused?;
        list.iter().find(|s| s.span == f)
    }

    /// Pending (not yet accepted or rejected) suggestions per engine in the open document.
    pub fn pending_by_engine(&self) -> HashMap<Engine, usize> {
        let mut m = HashMap::new();
        if let Some((_, _, list)) = &self.current {
            for s in list {
                *m.entry(s.engine).or_default() += 1;
            }
        }
        m
    }
}

impl EntitleApp {
    /// A new project: start learning from it in the background.
    pub(crate) fn start_suggestions(&mut self) {
        let Some(session) = self.session.as_ref() else {
            return;
        };
        let ctx = self.egui_ctx.clone();
        let keep = (
            self.suggest.enabled,
            self.suggest.engines,
            self.suggest.threshold,
        );
        self.suggest = SuggestState {
            enabled: keep.0,
            engines: keep.1,
            threshold: keep.2,
            ..Default::default()
        };
        match Worker::start(move || ctx.request_repaint()) {
            Ok(w) => {
                w.send(Request::Load {
                    root: session.project.root().to_path_buf(),
                    annotator: session.annotator().to_string(),
                    same_string: self.same_string_options(),
                });
                self.suggest.worker = Some(w);
            }
            Err(e) => self.message(
                Severity::Warning,
                format!("Suggestions are off: their thread could not start ({e})."),
            ),
        }
    }

    fn same_string_options(&self) -> SameStringOptions {
        SameStringOptions {
            case_sensitive: self.prefs.same_string_case,
            ..Default::default()
        }
    }

    /// Once a frame: take the worker's answers, send changed documents, ask for the
    /// open document's suggestions when they are out of date.
    pub(crate) fn tick_suggestions(&mut self) {
        let Some(worker) = self.suggest.worker.as_ref() else {
            return;
        };
        while let Some(reply) = worker.try_recv() {
            match reply {
                Reply::Built {
                    generation,
                    stats,
                    problems,
                } => {
                    self.suggest.generation = generation;
                    self.suggest.stats = Some(stats);
                    if !problems.is_empty() {
                        self.suggest.problems = problems;
                    }
                }
                Reply::Suggestions { doc, key, list, .. } => {
                    self.suggest.current = Some((doc, key, list));
                }
            }
        }
        let (Some(session), Some(view)) = (self.session.as_ref(), self.view.as_ref()) else {
            return;
        };
        // Changed documents (scanned only when something changed).
        let clock = session.workspace.clock();
        if clock != self.suggest.sent_clock {
            self.suggest.sent_clock = clock;
            for (id, d) in session.workspace.docs() {
                if d.read_only.is_some() || self.suggest.sent.get(id) == Some(&d.revision) {
                    continue;
                }
                let Some(text) = session
                    .open_doc(id)
                    .and_then(|o| o.doc.as_ref())
                    .map(|d| d.shared_text())
                else {
                    continue;
                };
                self.suggest.sent.insert(id.clone(), d.revision);
                if d.revision > 0 {
                    worker.send(Request::Update(OwnedExample::from_set(
                        id.clone(),
                        text,
                        &d.set,
                    )));
                }
            }
        }
        let Some(state) = session.workspace.doc(&view.id) else {
            return;
        };
        // Keyed on the document's revision, the engines' generation and the choice of
        // engines, so any of them changing asks again.
        let key = state.revision
            ^ (self.suggest.generation << 40)
            ^ ((self.suggest.engines_bits() as u64) << 56);
        let want = (view.id.clone(), key);
        if !self.suggest.enabled || self.suggest.asked.as_ref() == Some(&want) {
            return;
        }
        let Some(text) = view.layout.as_ref().map(|l| l.doc().shared_text()) else {
            return;
        };
        self.suggest.asked = Some(want);
        worker.send(Request::Suggest {
            doc: view.id.clone(),
            key,
            text,
            annotated: state.set.iter().map(|s| s.range).collect(),
            rejected: state
                .set
                .rejected
                .iter()
                .map(|m| (m.range, m.label.clone()))
                .collect(),
            pending: state.set.pending.clone(),
            enabled: self.suggest.engines,
        });
    }

    /// Accept the current suggestion (Enter).
    pub(crate) fn accept_suggestion(&mut self) {
        let Some(v) = self.view.as_ref() else {
            return;
        };
        let Some(s) = self.suggest.current_suggestion(&v.id, v.selection).cloned() else {
            self.message(
                Severity::Info,
                "No suggestion here: select one (F8 steps to the next), then Enter accepts it."
                    .into(),
            );
            return;
        };
        self.accept(vec![s], "Accept");
    }

    /// Accept every suggestion in the document with the current one's label
    /// (Shift+Enter), or at or above the confidence threshold (Ctrl+Enter).
    pub(crate) fn accept_many(&mut self, by_label: bool) {
        let Some(v) = self.view.as_ref() else {
            return;
        };
        let list = self.suggest.shown(&v.id).to_vec();
        let (chosen, what): (Vec<Suggestion>, String) = if by_label {
            let Some(cur) = self.suggest.current_suggestion(&v.id, v.selection) else {
                self.message(
                    Severity::Info,
                    "Select a suggestion first: Shift+Enter accepts every suggestion with its label.".into(),
                );
                return;
            };
            let label = cur.label.clone();
            (
                list.into_iter().filter(|s| s.label == label).collect(),
                format!("every {label} suggestion"),
            )
        } else {
            let t = self.suggest.threshold;
            (
                list.into_iter().filter(|s| s.score >= t).collect(),
                format!("suggestions at {:.0} % or more", t * 100.0),
            )
        };
        if chosen.is_empty() {
            self.message(Severity::Info, format!("No {what} in this document."));
            return;
        }
        self.accept(chosen, &format!("Accept {what}"));
    }

    /// Add `list` as the analyst's spans (with their engine and score), one undo step.
    fn accept(&mut self, list: Vec<Suggestion>, title: &str) {
        let annotator = self.annotator();
        let (Some(session), Some(view)) = (self.session.as_mut(), self.view.as_mut()) else {
            return;
        };
        let doc = view.id.clone();
        let Some(state) = session.workspace.doc(&doc) else {
            return;
        };
        let mut cmds = Vec::new();
        for (next, s) in (state.set.next_id().0..).zip(list.iter()) {
            let mut span = Span::new(
                crate::model::SpanId(next),
                s.span,
                s.label.clone(),
                annotator.as_str(),
                chrono::Utc::now(),
            );
            span.extra_mut().provenance = Some(Provenance {
                source: s.engine.name().to_string(),
                score: Some(s.score),
            });
            cmds.push(Command::AddSpan {
                doc: doc.clone(),
                span,
            });
            if let Some(p) = state
                .set
                .pending
                .iter()
                .find(|p| p.range == s.span && p.label == s.label)
            {
                cmds.push(Command::SetPending {
                    doc: doc.clone(),
                    pending: p.clone(),
                    present: false,
                });
            }
        }
        if state.set.status == DocStatus::New {
            cmds.push(Command::SetStatus {
                doc: doc.clone(),
                status: DocStatus::InProgress,
            });
        }
        let n = list.len();
        let title = if n == 1 {
            format!("{title} {} suggestion", list[0].label)
        } else {
            format!("{title} ({n} spans)")
        };
        match session.workspace.apply(Command::Batch(cmds), title) {
            Ok(_) => {
                for s in &list {
                    self.suggest.tally.entry(s.engine).or_default().accepted += 1;
                }
                if let Some(v) = self.view.as_mut() {
                    v.selection = None;
                }
                self.suggest.focused = None;
                self.log(&format!("ACCEPT {doc} {n}"));
            }
            Err(e) => self.edit_error(e),
        }
    }

    /// Reject the current suggestion (Backspace): remembered, never proposed again
    /// here, a negative example for learning. Returns false when there is none.
    pub(crate) fn reject_suggestion(&mut self) -> bool {
        let Some(v) = self.view.as_ref() else {
            return false;
        };
        let Some(s) = self.suggest.current_suggestion(&v.id, v.selection).cloned() else {
            return false;
        };
        let doc = v.id.clone();
        let Some(session) = self.session.as_mut() else {
            return false;
        };
        let pending = session.workspace.doc(&doc).and_then(|d| {
            d.set
                .pending
                .iter()
                .find(|p| p.range == s.span && p.label == s.label)
                .cloned()
        });
        // The engine kept with the rejection: a waiting suggestion's own source (an
        // unknown one is shown as the model's, but is not counted as the model's).
        let source = pending
            .as_ref()
            .map_or_else(|| s.engine.name().to_string(), |p| p.source.clone());
        let mut cmds = vec![Command::SetRejected {
            doc: doc.clone(),
            mark: RejectedMark {
                range: s.span,
                label: s.label.clone(),
                source: Some(source),
            },
            rejected: true,
        }];
        if let Some(p) = pending {
            cmds.push(Command::SetPending {
                doc: doc.clone(),
                pending: p,
                present: false,
            });
        }
        match session.workspace.apply(
            Command::Batch(cmds),
            format!("Reject {} suggestion", s.label),
        ) {
            Ok(_) => {
                self.suggest.tally.entry(s.engine).or_default().rejected += 1;
                if let Some(v) = self.view.as_mut() {
                    v.selection = None;
                }
                // Step on to the next one, so rejecting a run is one key each.
                self.suggest.focused = None;
                self.step_suggestion_from(s.span.start() as isize, 1);
                self.log(&format!("REJECT {doc} {} {}", s.span.start(), s.span.end()));
            }
            Err(e) => self.edit_error(e),
        }
        true
    }

    /// F8 / Shift+F8: the next / previous suggestion after the selection or the
    /// focused one; its text is selected so a label key relabels and accepts it.
    pub(crate) fn step_suggestion(&mut self, delta: isize) {
        // From the selection or the focused suggestion; with neither, from just before
        // the first character on screen (so the first one there is next).
        let from = self
            .view
            .as_ref()
            .and_then(|v| {
                v.selection
                    .map(|s| s.start() as isize)
                    .or(self.suggest.focused.map(|f| f.start() as isize))
                    .or_else(|| {
                        v.layout
                            .as_ref()?
                            .visible_chars()
                            .map(|r| r.start as isize - 1)
                    })
            })
            .unwrap_or(-1);
        self.step_suggestion_from(from, delta);
    }

    fn step_suggestion_from(&mut self, from: isize, delta: isize) {
        let Some(v) = self.view.as_mut() else {
            return;
        };
        let list = match &self.suggest.current {
            Some((d, _, l)) if *d == v.id && self.suggest.enabled => l,
            _ => return,
        };
        let next = if delta > 0 {
            list.iter()
                .find(|s| s.span.start() as isize > from)
                .or(list.first())
        } else {
            list.iter()
                .rev()
                .find(|s| (s.span.start() as isize) < from)
                .or(list.last())
        };
        let Some(s) = next else {
            return;
        };
        self.suggest.focused = Some(s.span);
        v.selection = Some(s.span);
        v.selected_span = None;
        if let Some(l) = v.layout.as_mut() {
            l.scroll_to = Some(s.span.start());
        }
    }
}

/// A count in the Rejected column, named for screen readers (and tests) with its engine:
/// a bare number in a grid says nothing read aloud.
fn rejected_cell(ui: &mut egui::Ui, engine: &str, n: usize) {
    let name = format!("Rejected, {engine}: {n}");
    ui.label(n.to_string())
        .on_hover_text(format!(
            "Suggestions by {engine} you rejected in this project"
        ))
        .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &name));
}

impl SuggestState {
    fn engines_bits(&self) -> u8 {
        Engine::ALL
            .iter()
            .enumerate()
            .filter(|(_, e)| self.engines.contains(**e))
            .fold(0, |b, (i, _)| b | (1 << i))
    }
}

/// The suggestions panel (F6): per engine, pending in this document, accepted and
/// rejected in the project (as the engines last learned it: counted on their thread
/// from every document of the annotator, so nothing is scanned per frame and the
/// counts survive a restart); what the engines learned from; switches.
pub fn suggestions_window(app: &mut EntitleApp, ctx: &egui::Context) {
    let mut open = app.suggest.show_panel;
    let pending = app.suggest.pending_by_engine();
    egui::Window::new("Suggestions")
        .open(&mut open)
        .default_width(380.0)
        .show(ctx, |ui| {
            let st = &mut app.suggest;
            ui.checkbox(&mut st.enabled, "Show suggestions (F7)");
            egui::Grid::new("engines").striped(true).show(ui, |ui| {
                for h in ["Engine", "On", "Pending here", "Accepted", "Rejected"] {
                    ui.strong(h);
                }
                ui.end_row();
                for e in Engine::ALL {
                    ui.label(e.name());
                    let mut on = st.engines.contains(e);
                    if ui
                        .checkbox(&mut on, "")
                        .on_hover_text(format!("Use the {} engine", e.name()))
                        .changed()
                    {
                        st.engines = st.engines.with(e, on);
                    }
                    let t = st.tally.get(&e).copied().unwrap_or_default();
                    ui.label(pending.get(&e).copied().unwrap_or(0).to_string());
                    // Accepted: in the project (spans that keep this engine as their
                    // source), as last learned.
                    let accepted = st.stats.as_ref().map_or(t.accepted, |s| s.accepted[e as usize]);
                    ui.label(accepted.to_string());
                    // Rejected: marks kept with the project's documents; this session's
                    // count until the engines have learned.
                    let rejected = st.stats.as_ref().map_or(t.rejected, |s| s.rejected_by[e as usize]);
                    rejected_cell(ui, e.name(), rejected);
                    ui.end_row();
                }
                // Rejections saved before the engine was kept with them.
                let unknown = st.stats.as_ref().map_or(0, |s| s.rejected_by[UNKNOWN_ENGINE]);
                if unknown > 0 {
                    ui.label("unknown");
                    for _ in 0..3 {
                        ui.label("");
                    }
                    rejected_cell(ui, "unknown", unknown);
                    ui.end_row();
                }
            });
            let mut case = app.prefs.same_string_case;
            if ui
                .checkbox(&mut case, "Same-string: match case")
                .on_hover_text("On: \"US\" is not proposed for \"us\". Off: case is folded, but a string tagged with capitals is never proposed in lower case.")
                .changed()
            {
                app.prefs.same_string_case = case;
                let o = app.same_string_options();
                if let Some(w) = &app.suggest.worker {
                    w.send(Request::SameString(o));
                }
            }
            let st = &mut app.suggest;
            ui.horizontal(|ui| {
                ui.label("Ctrl+Enter accepts at or above");
                // A name for screen readers (and the value box beside the slider).
                ui.add(
                    egui::Slider::new(&mut st.threshold, 0.5..=1.0)
                        .fixed_decimals(2)
                        .text("confidence"),
                );
            });
            ui.separator();
            match &st.stats {
                Some(s) => {
                    ui.label(if s.tagger_spans == 0 {
                        "Tagger: not trained yet (it learns from your spans).".to_string()
                    } else {
                        format!(
                            "Tagger: trained on {} spans in {} ms{}.",
                            s.tagger_spans,
                            s.tagger_took.as_millis(),
                            s.built_at
                                .map(|t| format!(
                                    ", at {}",
                                    t.with_timezone(&chrono::Local).format("%H:%M:%S")
                                ))
                                .unwrap_or_default()
                        )
                    });
                    ui.label(format!(
                        "Learned from {} spans in {} documents ({} rejected suggestions), {} distinct strings; {} gazetteer terms ({:.1} MB), {} patterns; built in {} ms{}.",
                        s.spans,
                        s.docs,
                        s.rejected,
                        s.strings,
                        s.gazetteer_terms,
                        s.gazetteer_bytes as f64 / 1e6,
                        s.patterns,
                        s.took.as_millis(),
                        s.built_at
                            .map(|t| format!(
                                ", at {}",
                                t.with_timezone(&chrono::Local).format("%H:%M:%S")
                            ))
                            .unwrap_or_default()
                    ));
                }
                None => {
                    ui.label("Learning from the project's annotations…");
                }
            }
            for p in st.problems.iter().take(5) {
                ui.colored_label(ui.visuals().warn_fg_color, p);
            }
            ui.weak("Enter accepts the suggestion under the selection, Backspace rejects it, F8 / Shift+F8 step through them, Shift+Enter accepts every one of its label, Ctrl+Enter every one at or above the threshold.");
        });
    app.suggest.show_panel = open;
}
