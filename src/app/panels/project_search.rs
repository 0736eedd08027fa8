//! Search the whole project (Ctrl+Shift+F). The project's texts are loaded once into a
//! [`Corpus`] in the background when it opens; a search runs on its own threads and
//! its hits stream into a list grouped by document, which lays out only the rows on
//! screen. Clicking a hit opens its document with the hit selected.

use crate::app::EntitleApp;
use crate::search::{
    Corpus, CorpusLoad, DocHits, Limits, Query, SearchEvent, SearchHandle, SearchSummary,
};
use crate::text::CharSpan;
use std::sync::Arc;

/// The project's texts for searching: loading, then loaded.
#[derive(Default)]
pub struct ProjectTexts {
    pub load: Option<CorpusLoad>,
    pub corpus: Option<Arc<Corpus>>,
}

impl ProjectTexts {
    /// Start loading `project`'s texts in the background; a frame is asked for when
    /// they are in.
    pub fn start(project: &crate::project::Project, ctx: &egui::Context) -> Self {
        let ctx = ctx.clone();
        Self {
            load: Some(Corpus::spawn_load_then(
                Corpus::entries_of(project),
                move || ctx.request_repaint(),
            )),
            corpus: None,
        }
    }
    /// Take the corpus once loading has finished.
    pub fn poll(&mut self) {
        if let Some(l) = self.load.as_mut()
            && let Some((c, _failures)) = l.try_take()
        {
            // Unreadable texts are reported when they are opened; search skips them.
            self.corpus = Some(Arc::new(c));
            self.load = None;
        }
    }
}

/// One row of the results list: a document's header, or one of its hits.
#[derive(Debug, Clone, Copy)]
enum Row {
    Doc(usize),
    Hit(usize, usize),
}

/// The project search window's state.
#[derive(Default)]
pub struct ProjectSearch {
    pub form: super::find::QueryForm,
    searched: Option<Query>,
    handle: Option<SearchHandle>,
    results: Vec<DocHits>,
    rows: Vec<Row>,
    summary: Option<SearchSummary>,
    error: Option<String>,
}

impl ProjectSearch {
    pub fn new() -> Self {
        Self {
            form: super::find::QueryForm::new(),
            ..Default::default()
        }
    }

    /// Start a new search when the query changed (the old one is cancelled).
    fn restart(&mut self, corpus: Option<&Arc<Corpus>>, ctx: &egui::Context) {
        let q = self.form.query.clone();
        if self.searched.as_ref() == Some(&q) {
            return;
        }
        let Some(corpus) = corpus else {
            return; // again when the texts are loaded
        };
        self.searched = Some(q.clone());
        self.handle = None;
        self.results.clear();
        self.rows.clear();
        self.summary = None;
        self.error = None;
        if q.pattern.is_empty() {
            return;
        }
        match q.compile() {
            Ok(c) => {
                let ctx = ctx.clone();
                self.handle = Some(crate::search::spawn_search(
                    corpus.clone(),
                    c,
                    Limits::default(),
                    move || ctx.request_repaint(),
                ));
            }
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    /// Take what the search sent since the last frame.
    fn drain(&mut self) {
        let Some(h) = self.handle.as_ref() else {
            return;
        };
        while let Some(ev) = h.try_recv() {
            match ev {
                SearchEvent::Hits(d) => {
                    let i = self.results.len();
                    self.rows.push(Row::Doc(i));
                    self.rows.extend((0..d.hits.len()).map(|j| Row::Hit(i, j)));
                    self.results.push(d);
                }
                SearchEvent::Done(s) => self.summary = Some(s),
            }
        }
    }

    fn status_line(&self, texts: &ProjectTexts) -> String {
        if let Some(e) = &self.error {
            return e.clone();
        }
        if let Some(l) = &texts.load {
            let (done, total) = l.progress();
            return format!("Reading the project's texts… {done} of {total}");
        }
        match &self.summary {
            Some(s) => {
                let mut line = format!(
                    "{} hits in {} documents ({} searched, {} ms)",
                    s.total_hits,
                    s.docs_with_hits,
                    s.docs_searched,
                    s.elapsed.as_millis()
                );
                if s.docs_truncated > 0 || s.stored_hits < s.total_hits {
                    line.push_str(&format!("; {} listed", s.stored_hits));
                }
                line
            }
            None if self.handle.is_some() => {
                format!(
                    "Searching… {} documents with hits so far",
                    self.results.len()
                )
            }
            None => String::new(),
        }
    }
}

/// The results list (only the rows on screen are laid out). Returns the hit clicked.
fn results_ui(ui: &mut egui::Ui, ps: &ProjectSearch) -> Option<(crate::model::DocId, CharSpan)> {
    let mut open = None;
    let row_h = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    egui::ScrollArea::vertical()
        .id_salt("project-search-results")
        .auto_shrink([false, false])
        .show_rows(ui, row_h, ps.rows.len(), |ui, range| {
            for row in &ps.rows[range] {
                match *row {
                    Row::Doc(i) => {
                        let d = &ps.results[i];
                        ui.strong(format!("{} — {} hits", d.doc, d.total));
                    }
                    Row::Hit(i, j) => {
                        let d = &ps.results[i];
                        let h = &d.hits[j];
                        let mut job = egui::text::LayoutJob::default();
                        let body = egui::TextStyle::Body.resolve(ui.style());
                        let plain =
                            egui::TextFormat::simple(body.clone(), ui.visuals().weak_text_color());
                        let strong = egui::TextFormat {
                            background: crate::app::theme::search_hit_fill(ui.visuals().dark_mode),
                            ..egui::TextFormat::simple(body, ui.visuals().strong_text_color())
                        };
                        job.append(&format!("    …{}", h.before), 0.0, plain.clone());
                        job.append(&h.matched, 0.0, strong);
                        job.append(&format!("{}…", h.after), 0.0, plain);
                        let r = ui.add(egui::Button::selectable(false, job).truncate());
                        if r.clicked() {
                            open = Some((d.doc.clone(), h.span));
                        }
                    }
                }
            }
        });
    open
}

pub fn project_search_window(app: &mut EntitleApp, ctx: &egui::Context) {
    let Some(mut ps) = app.project_search.take() else {
        return;
    };
    ps.restart(app.texts.corpus.as_ref(), ctx);
    ps.drain();
    let mut open_window = true;
    let mut open_hit = None;
    let mut tag: Option<crate::model::Label> = None;
    let labels: Vec<crate::model::Label> = app
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
    egui::Window::new("Search the project")
        .open(&mut open_window)
        .default_size([640.0, 480.0])
        .show(ctx, |ui| {
            ui.horizontal(|ui| {
                ps.form.ui(ui, "Search", 260.0);
            });
            ui.horizontal(|ui| {
                ui.weak(ps.status_line(&app.texts));
                let ready = ps.summary.is_some() && !ps.results.is_empty();
                ui.add_enabled_ui(ready, |ui| {
                    ui.menu_button("Tag all in the project…", |ui| {
                        for l in &labels {
                            if ui.button(l.as_str()).clicked() {
                                tag = Some(l.clone());
                                ui.close();
                            }
                        }
                    });
                });
            });
            ui.separator();
            open_hit = results_ui(ui, &ps);
        });
    if let Some((doc, span)) = open_hit {
        app.show_doc(&doc);
        if let Some(v) = app.view.as_mut().filter(|v| v.id == doc) {
            v.selection = Some(span);
            v.selected_span = None;
            if let Some(l) = v.layout.as_mut() {
                l.scroll_to = Some(span.start());
            }
        }
    }
    if let Some(label) = tag {
        app.plan_tag_all_in_project(&ps.form.query.clone(), &label);
    }
    if open_window {
        app.project_search = Some(ps);
    }
}

impl EntitleApp {
    /// Plan tagging every hit of `query` in every document with `label`: the hits are
    /// found in the loaded texts, each document with hits is opened (its annotations
    /// join the workspace, so the change is one undo step across documents) and
    /// searched again in its current text; the preview window then asks.
    pub(crate) fn plan_tag_all_in_project(&mut self, query: &Query, label: &crate::model::Label) {
        let (Some(corpus), Ok(compiled)) = (self.texts.corpus.clone(), query.compile()) else {
            return;
        };
        let cancel = std::sync::atomic::AtomicBool::new(false);
        let Some(found) = crate::search::collect_matches(&corpus, &compiled, &cancel) else {
            return;
        };
        let Some(session) = self.session.as_mut() else {
            return;
        };
        let mut parts = Vec::new();
        for (doc, _) in &found {
            let opened = session.ensure_open(doc).clone();
            if let Some(d) = opened.doc {
                parts.push((
                    doc.clone(),
                    crate::search::find_matches(d.text(), d.index(), &compiled),
                ));
            }
        }
        let notices = session.take_notices();
        let protect = self.prefs.protect_done;
        let plan_docs: Vec<crate::search::PlanDoc<'_>> = parts
            .iter()
            .filter_map(|(doc, hits)| {
                let state = session.workspace.doc(doc)?;
                Some(crate::search::PlanDoc {
                    doc,
                    hits,
                    set: &state.set,
                    read_only: state.read_only.is_some()
                        || (protect && state.set.status == crate::model::DocStatus::Done),
                })
            })
            .collect();
        let plan = crate::search::plan_annotate_all(
            plan_docs,
            label,
            crate::search::PlanOptions::default(),
        );
        for n in notices {
            self.message(n.severity, n.text);
        }
        self.tag_all = Some(super::find::TagAll {
            plan,
            what: format!("“{}” in the project", query.pattern),
        });
    }
}
