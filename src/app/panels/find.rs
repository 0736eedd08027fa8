//! Find in the document (Ctrl+F) and tag every hit (annotate-all). The bar floats
//! over the top-right corner of the document area (the text does not move); every hit
//! is highlighted and ticked in the overview strip; Enter / Shift+Enter (F3 /
//! Shift+F3 from the text) select the next / previous hit, so a label key tags it.
//! "Tag all" and "tag every other occurrence of this span" show what they will add and
//! skip, then add it as one undo step.

use crate::app::EntitleApp;
use crate::model::Label;
use crate::search::{Found, Plan, PlanDoc, PlanOptions, Query, find_matches, plan_annotate_all};
use crate::session::Severity;
use crate::text::CharSpan;

/// The find bar's state.
#[derive(Debug, Default, Clone)]
pub struct Find {
    pub form: QueryForm,
    key: Option<(Query, String)>,
    pub found: Vec<Found>,
    pub hits: Vec<CharSpan>,
    pub current: Option<usize>,
    pub error: Option<String>,
    /// Bumped whenever `hits` are recomputed (the overview strip's cache keys on it).
    pub generation: u64,
}

impl Find {
    pub fn new() -> Self {
        Self {
            form: QueryForm::new(),
            ..Default::default()
        }
    }
}

/// A search field with its options (regular expression, case, whole words), shared by
/// the find bar and the project search.
#[derive(Debug, Default, Clone)]
pub struct QueryForm {
    pub query: Query,
    /// Give the field focus in the next frame.
    pub focus: bool,
}

impl QueryForm {
    /// Whole words on (the default analysts expect for names), focus asked.
    pub fn new() -> Self {
        Self {
            query: Query {
                whole_word: true,
                ..Query::default()
            },
            focus: true,
        }
    }

    /// Start from `text` (the selection) if there is one, and ask for focus.
    pub fn start_from(&mut self, text: Option<String>) {
        self.focus = true;
        if let Some(t) = text {
            self.query.pattern = t;
        }
    }

    /// The labelled field and the three toggles, in a row; returns the field.
    pub fn ui(&mut self, ui: &mut egui::Ui, label: &str, width: f32) -> egui::Response {
        let label = ui.label(label);
        let field = ui
            .add(egui::TextEdit::singleline(&mut self.query.pattern).desired_width(width))
            .labelled_by(label.id);
        if std::mem::take(&mut self.focus) {
            field.request_focus();
        }
        ui.toggle_value(&mut self.query.regex, ".*")
            .on_hover_text("Regular expression");
        ui.toggle_value(&mut self.query.case_sensitive, "Aa")
            .on_hover_text("Match case");
        ui.toggle_value(&mut self.query.whole_word, "W")
            .on_hover_text("Whole words only");
        field
    }
}

/// What annotate-all will do, waiting for the user's yes.
#[derive(Debug, Clone)]
pub struct TagAll {
    pub plan: Plan,
    /// "“Idlib”", for the undo step's title.
    pub what: String,
}

impl EntitleApp {
    /// Ctrl+F: open the bar (or focus it), starting from the selected text.
    pub(crate) fn open_find(&mut self) {
        let selected = self.selection_text().filter(|t| !t.contains('\n'));
        self.find
            .get_or_insert_with(Find::new)
            .form
            .start_from(selected);
    }

    /// Ctrl+Shift+F: open the project search (or focus it), from the selected text.
    pub(crate) fn open_project_search(&mut self) {
        let selected = self.selection_text().filter(|t| !t.contains('\n'));
        self.project_search
            .get_or_insert_with(super::project_search::ProjectSearch::new)
            .form
            .start_from(selected);
    }

    /// Hits of the find bar's query in the document on screen (recomputed when the
    /// query, its options or the document change).
    pub(crate) fn refresh_find(&mut self) {
        let (Some(find), Some(view)) = (self.find.as_mut(), self.view.as_ref()) else {
            return;
        };
        let Some(doc) = view.layout.as_ref().map(|l| l.doc()) else {
            return;
        };
        let key = (find.form.query.clone(), view.id.to_string());
        if find.key.as_ref() == Some(&key) {
            return;
        }
        find.key = Some(key);
        // Unique across find bars, so a closed and reopened bar never reuses a number.
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        find.generation = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        find.current = None;
        find.error = None;
        find.found.clear();
        if find.form.query.pattern.is_empty() {
            find.hits.clear();
            return;
        }
        match find.form.query.compile() {
            Ok(q) => find.found = find_matches(doc.text(), doc.index(), &q),
            Err(e) => find.error = Some(e.to_string()),
        }
        find.hits = find.found.iter().map(|f| f.span).collect();
    }

    /// Select the next (`delta` 1) or previous (-1) hit.
    pub(crate) fn step_hit(&mut self, delta: isize) {
        self.refresh_find();
        let (Some(find), Some(view)) = (self.find.as_mut(), self.view.as_mut()) else {
            return;
        };
        let n = find.hits.len();
        if n == 0 {
            return;
        }
        let next = match find.current {
            Some(i) => (i as isize + delta).rem_euclid(n as isize) as usize,
            None => {
                let from = view
                    .selection
                    .map(|s| s.start())
                    .or_else(|| view.layout.as_ref()?.visible_chars().map(|r| r.start))
                    .unwrap_or(0);
                let after = find.hits.partition_point(|h| h.start() < from);
                if delta > 0 {
                    after % n
                } else {
                    (after + n - 1) % n
                }
            }
        };
        find.current = Some(next);
        let hit = find.hits[next];
        view.selection = Some(hit);
        view.selected_span = None;
        if let Some(l) = view.layout.as_mut() {
            l.scroll_to = Some(hit.start());
        }
    }

    /// Plan tagging every hit of the find bar with `label`, and ask.
    pub(crate) fn plan_tag_all_found(&mut self, label: &Label) {
        self.refresh_find();
        let Some(find) = self.find.as_ref() else {
            return;
        };
        let (found, what) = (find.found.clone(), format!("“{}”", find.form.query.pattern));
        self.plan_in_document(found, label, what);
    }

    /// "Tag every other occurrence of this text": the selected span's text, as a
    /// whole-word, case-sensitive search in this document, with its label.
    pub(crate) fn plan_tag_like_selected(&mut self) {
        let (Some(session), Some(view)) = (self.session.as_ref(), self.view.as_ref()) else {
            return;
        };
        let Some(doc) = view.layout.as_ref().map(|l| l.doc()) else {
            return;
        };
        let Some(span) = view
            .selected_span
            .and_then(|id| session.workspace.doc(&view.id)?.set.get(id).cloned())
        else {
            self.message(
                Severity::Info,
                "Select a span first (click it, or Tab): its text is tagged everywhere else in the document with its label.".into(),
            );
            return;
        };
        let q = Query::for_selection(doc.text(), doc.index(), span.range);
        let found = match q.compile() {
            Ok(q) => find_matches(doc.text(), doc.index(), &q),
            Err(e) => {
                self.message(Severity::Warning, e.to_string());
                return;
            }
        };
        let what = format!("“{}”", doc.slice(span.range.range()));
        self.plan_in_document(found, &span.label, what);
    }

    fn plan_in_document(&mut self, found: Vec<Found>, label: &Label, what: String) {
        // A done document is protected: its hits are skipped, and the preview says so.
        let protect = self.prefs.protect_done;
        let (Some(session), Some(view)) = (self.session.as_ref(), self.view.as_ref()) else {
            return;
        };
        let Some(state) = session.workspace.doc(&view.id) else {
            return;
        };
        let part = PlanDoc {
            doc: &view.id,
            hits: &found,
            set: &state.set,
            read_only: state.read_only.is_some()
                || (protect && state.set.status == crate::model::DocStatus::Done),
        };
        let plan = plan_annotate_all([part], label, PlanOptions::default());
        self.tag_all = Some(TagAll { plan, what });
    }

    /// Add what the plan says, as one undo step.
    pub(crate) fn apply_tag_all(&mut self) {
        let Some(t) = self.tag_all.take() else {
            return;
        };
        let annotator = self.annotator();
        let Some(session) = self.session.as_mut() else {
            return;
        };
        let title = format!("Tag all {} as {}", t.what, t.plan.label);
        let n = t.plan.adds.len();
        let result = t
            .plan
            .command(&session.workspace, &annotator, chrono::Utc::now())
            .and_then(|c| session.workspace.apply(c, title.clone()));
        match result {
            Ok(_) => self.message(
                Severity::Info,
                format!("{title}: {n} spans added (Ctrl+Z undoes all of them)."),
            ),
            Err(e) => self.edit_error(e),
        }
    }
}

/// The find bar, over the top-right corner of `area` (the document area).
pub fn find_bar(app: &mut EntitleApp, ctx: &egui::Context, area: egui::Rect) {
    app.refresh_find();
    let labels: Vec<Label> = app
        .session
        .as_ref()
        .map(|s| {
            s.project
                .schema()
                .labels
                .iter()
                .map(|l| l.name.clone())
                .collect()
        })
        .unwrap_or_default();
    let Some(find) = app.find.as_mut() else {
        return;
    };
    let mut step = 0isize;
    let mut tag = None;
    let mut close = false;
    egui::Area::new(egui::Id::unique("find-bar"))
        .order(egui::Order::Foreground)
        .fixed_pos(area.right_top() + egui::vec2(-24.0, 8.0))
        .pivot(egui::Align2::RIGHT_TOP)
        .show(ctx, |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.horizontal(|ui| {
                    let field = find.form.ui(ui, "Find", 200.0);
                    if field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                        step = if ui.input(|i| i.modifiers.shift) {
                            -1
                        } else {
                            1
                        };
                    }
                    let count = match (&find.error, find.current) {
                        (Some(e), _) => egui::RichText::new(e).color(ui.visuals().error_fg_color),
                        (None, _) if find.form.query.pattern.is_empty() => egui::RichText::new(""),
                        (None, Some(i)) => {
                            egui::RichText::new(format!("{} of {}", i + 1, find.hits.len()))
                        }
                        (None, None) => egui::RichText::new(match find.hits.len() {
                            0 => "no hits".to_string(),
                            1 => "1 hit".to_string(),
                            n => format!("{n} hits"),
                        }),
                    };
                    ui.label(count);
                    if ui
                        .small_button("⬆")
                        .on_hover_text("Previous hit (Shift+Enter, Shift+F3)")
                        .clicked()
                    {
                        step = -1;
                    }
                    if ui
                        .small_button("⬇")
                        .on_hover_text("Next hit (Enter, F3)")
                        .clicked()
                    {
                        step = 1;
                    }
                    ui.add_enabled_ui(!find.hits.is_empty(), |ui| {
                        ui.menu_button("Tag all…", |ui| {
                            for l in &labels {
                                if ui.button(l.as_str()).clicked() {
                                    tag = Some(l.clone());
                                    ui.close();
                                }
                            }
                        });
                    });
                    if ui
                        .small_button("✖")
                        .on_hover_text("Close (Escape)")
                        .clicked()
                    {
                        close = true;
                    }
                });
            });
        });
    if close {
        app.find = None;
        return;
    }
    if step != 0 {
        app.step_hit(step);
    }
    if let Some(l) = tag {
        app.plan_tag_all_found(&l);
    }
}

/// "Tag all": what will be added and skipped, then one click (or Enter) adds it.
pub fn tag_all_window(app: &mut EntitleApp, ctx: &egui::Context) {
    let Some(t) = app.tag_all.as_ref() else {
        return;
    };
    let mut choice = None;
    let n = t.plan.adds.len();
    egui::Window::new("Tag all")
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .show(ctx, |ui| {
            ui.label(format!("Tag every {} as {}:", t.what, t.plan.label));
            ui.label(t.plan.summary());
            for s in t.plan.skipped.iter().take(8) {
                ui.weak(format!(
                    "skipped at {}–{}: {}",
                    s.span.start(),
                    s.span.end(),
                    s.reason.describe()
                ));
            }
            ui.horizontal(|ui| {
                let add = ui.add_enabled(n > 0, egui::Button::new(format!("Add {n} spans")));
                if add.clicked() || (n > 0 && ui.input(|i| i.key_pressed(egui::Key::Enter))) {
                    choice = Some(true);
                }
                if ui.button("Cancel").clicked() {
                    choice = Some(false);
                }
            });
        });
    match choice {
        Some(true) => app.apply_tag_all(),
        Some(false) => app.tag_all = None,
        None => {}
    }
}
