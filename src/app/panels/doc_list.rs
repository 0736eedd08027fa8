//! The document list: status, title, span count; a filter box, a status filter, the
//! order, and the project's progress ("n of N done").

use crate::app::widgets::bidi::label_job;
use crate::app::{Action, EntitleApp};
use crate::model::DocStatus;

/// Order of the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// As in the project folder (natural order of paths).
    #[default]
    Folder,
    Title,
    /// New first, done last.
    Status,
}

impl Sort {
    const ALL: [Sort; 3] = [Sort::Folder, Sort::Title, Sort::Status];
    fn name(self) -> &'static str {
        match self {
            Sort::Folder => "folder order",
            Sort::Title => "title",
            Sort::Status => "status",
        }
    }
}

/// What the filtered order was computed from.
#[derive(Debug, Clone, PartialEq)]
pub struct FilterKey {
    text: String,
    docs: usize,
    /// Whether the project's texts were loaded (text terms match from then on).
    texts: bool,
    status: Option<DocStatus>,
    sort: Sort,
    /// The workspace clock, when the list depends on statuses.
    clock: u64,
}

/// Documents per status.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Counts {
    pub total: usize,
    pub by_status: [usize; 4],
}

impl Counts {
    pub fn of(&self, s: DocStatus) -> usize {
        DocStatus::ALL
            .iter()
            .position(|x| *x == s)
            .map_or(0, |i| self.by_status[i])
    }
}

/// Count statuses again when a document changed or the list did.
fn refresh_counts(app: &mut EntitleApp) {
    let Some(session) = app.session.as_ref() else {
        return;
    };
    let key = (session.workspace.clock(), session.project.docs().len());
    if app.status_counts.as_ref().is_some_and(|c| c.0 == key) {
        return;
    }
    let mut counts = Counts {
        total: key.1,
        ..Default::default()
    };
    for d in session.project.docs() {
        let s = session.summary(&d.id).status;
        if let Some(i) = DocStatus::ALL.iter().position(|x| *x == s) {
            counts.by_status[i] += 1;
        }
    }
    app.status_counts = Some((key, counts));
}

/// Recompute the filtered order when the filter, the order or the documents changed.
fn refresh_filter(app: &mut EntitleApp) {
    let Some(session) = app.session.as_ref() else {
        return;
    };
    let docs = session.project.docs();
    let by_status = app.status_filter.is_some() || app.sort == Sort::Status;
    let key = FilterKey {
        text: app.filter.clone(),
        docs: docs.len(),
        texts: app.texts.corpus.is_some(),
        status: app.status_filter,
        sort: app.sort,
        clock: if by_status || !app.filter.is_empty() {
            session.workspace.clock()
        } else {
            0
        },
    };
    if app.filter_key.as_ref() == Some(&key) {
        return;
    }
    // Title, id, text (once the project's texts are loaded), status and labels (of
    // the documents open in this session): see `search::DocFilter`.
    let filter = crate::search::DocFilter::new(&app.filter);
    let corpus = app.texts.corpus.clone();
    let status_of = |i: usize| session.summary(&docs[i].id).status;
    let mut order: Vec<usize> = if filter.is_empty() {
        (0..docs.len()).collect()
    } else {
        docs.iter()
            .enumerate()
            .filter(|(_, d)| {
                let summary = session.summary(&d.id);
                let labels = session
                    .workspace
                    .doc(&d.id)
                    .map(|a| crate::search::labels_present(&a.set))
                    .unwrap_or_default();
                let text = corpus.as_ref().and_then(|c| c.get(&d.id)).map(|c| &*c.text);
                filter.matches(&crate::search::DocFacts {
                    id: &d.id,
                    title: &d.title,
                    status: summary.status,
                    spans: summary.spans,
                    labels: &labels,
                    text,
                })
            })
            .map(|(i, _)| i)
            .collect()
    };
    order.retain(|&i| app.status_filter.is_none_or(|s| status_of(i) == s));
    match app.sort {
        Sort::Folder => {}
        Sort::Title => order.sort_by_cached_key(|&i| docs[i].title.to_lowercase()),
        Sort::Status => order.sort_by_key(|&i| {
            DocStatus::ALL
                .iter()
                .position(|s| *s == status_of(i))
                .unwrap_or(0)
        }),
    }
    app.filtered = order;
    app.filter_key = Some(key);
}

/// "n of N done", a progress bar, the status filter and the order.
fn progress_and_order_ui(app: &mut EntitleApp, ui: &mut egui::Ui) {
    refresh_counts(app);
    let Some((_, c)) = app.status_counts else {
        return;
    };
    let done = c.of(DocStatus::Done);
    let share = if c.total == 0 {
        0.0
    } else {
        done as f32 / c.total as f32
    };
    ui.add(egui::ProgressBar::new(share).text(format!("{done} of {} done", c.total)))
        .on_hover_text(format!(
            "{} new · {} in progress · {} need review · {done} done",
            c.of(DocStatus::New),
            c.of(DocStatus::InProgress),
            c.of(DocStatus::NeedsReview)
        ));
    ui.horizontal(|ui| {
        let shown = app
            .status_filter
            .map_or("all".to_string(), |s| format!("{} {}", s.icon(), s.name()));
        egui::ComboBox::from_label("Status")
            .selected_text(shown)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut app.status_filter, None, format!("all ({})", c.total));
                for s in DocStatus::ALL {
                    ui.selectable_value(
                        &mut app.status_filter,
                        Some(s),
                        format!("{} {} ({})", s.icon(), s.name(), c.of(s)),
                    );
                }
            });
        egui::ComboBox::from_label("Order")
            .selected_text(app.sort.name())
            .show_ui(ui, |ui| {
                for s in Sort::ALL {
                    ui.selectable_value(&mut app.sort, s, s.name());
                }
            });
    });
}

pub fn doc_list_ui(app: &mut EntitleApp, ui: &mut egui::Ui) {
    egui::Panel::left("documents")
        .default_size(300.0)
        .show(ui, |ui| {
            let Some(session) = app.session.as_ref() else {
                return;
            };
            ui.heading(session.project.name());
            let total = session.project.docs().len();
            let filter = ui
                .horizontal(|ui| {
                    let label = ui.label("Filter");
                    ui.add(
                        egui::TextEdit::singleline(&mut app.filter)
                            .hint_text("title, text, status:done, label:PER")
                            .desired_width(f32::INFINITY),
                    )
                    .labelled_by(label.id)
                    .on_hover_text("Filter documents (Ctrl+P): words match the title, path, text, status or labels; status:done, label:PER, text:\"two words\", -word excludes. Enter opens the first match")
                })
                .inner;
            if std::mem::take(&mut app.focus_filter) {
                filter.request_focus();
            }
            if filter.has_focus() && ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                filter.surrender_focus();
            }
            if filter.has_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                refresh_filter(app);
                if let (Some(&first), Some(s)) = (app.filtered.first(), app.session.as_ref()) {
                    app.pending
                        .push(Action::OpenDoc(s.project.docs()[first].id.clone()));
                }
                filter.surrender_focus();
            }
            progress_and_order_ui(app, ui);
            refresh_filter(app);
            let Some(session) = app.session.as_ref() else {
                return;
            };
            ui.weak(format!("{} of {total} documents shown", app.filtered.len()));
            ui.separator();
            let current = app.view.as_ref().map(|v| v.id.clone());
            let row_h = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
            let mut clicked = None;
            let mut set_status = None;
            egui::ScrollArea::vertical()
                .id_salt("doc-list")
                .auto_shrink([false, false])
                .show_rows(ui, row_h, app.filtered.len(), |ui, rows| {
                    for &i in &app.filtered[rows] {
                        let d = &session.project.docs()[i];
                        let s = session.summary(&d.id);
                        let status = match s.status {
                            DocStatus::New if s.spans > 0 => DocStatus::InProgress.icon(),
                            other => other.icon(),
                        };
                        let selected = current.as_ref() == Some(&d.id);
                        let font = egui::TextStyle::Button.resolve(ui.style());
                        let text = label_job(
                            &format!("{status} {}", d.title),
                            font,
                            // Coloured by the button (selected, hovered).
                            egui::Color32::PLACEHOLDER,
                        );
                        // The count first (right to left), then the title takes exactly
                        // what is left: a row wider than the panel would make the panel
                        // grow every frame.
                        let r = ui
                            .allocate_ui_with_layout(
                                egui::vec2(ui.available_width(), row_h),
                                egui::Layout::right_to_left(egui::Align::Center),
                                |ui| {
                                    ui.weak(s.spans.to_string());
                                    ui.add_sized(
                                        [ui.available_width(), row_h],
                                        egui::Button::selectable(selected, text).truncate(),
                                    )
                                },
                            )
                            .inner;
                        let r = r.on_hover_text(format!(
                            "{}\n{} · {} spans",
                            d.path.display(),
                            s.status.name(),
                            s.spans
                        ));
                        if r.clicked() {
                            clicked = Some(d.id.clone());
                        }
                        r.context_menu(|ui| {
                            for st in DocStatus::ALL {
                                let label = format!("{} Mark {}", st.icon(), st.name());
                                if ui
                                    .add_enabled(st != s.status, egui::Button::new(label))
                                    .clicked()
                                {
                                    set_status = Some((d.id.clone(), st));
                                    ui.close();
                                }
                            }
                        });
                    }
                });
            if let Some(id) = clicked {
                app.pending.push(Action::OpenDoc(id));
            }
            if let Some((id, st)) = set_status {
                // Status applies to the document on screen: open it, then set it.
                app.pending.push(Action::OpenDoc(id));
                app.pending.push(Action::SetStatus(st));
            }
        });
}
