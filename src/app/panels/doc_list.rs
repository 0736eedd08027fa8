//! The document list: status, title, span count, and a filter box.

use crate::app::widgets::bidi::label_job;
use crate::app::{Action, EntitleApp};
use crate::model::DocStatus;

/// Recompute the filtered order when the filter or the document list changed.
fn refresh_filter(app: &mut EntitleApp) {
    let Some(session) = app.session.as_ref() else {
        return;
    };
    let docs = session.project.docs();
    let key = (app.filter.clone(), docs.len());
    if app.filter_key.as_ref() == Some(&key) {
        return;
    }
    let needle = app.filter.to_lowercase();
    app.filtered = docs
        .iter()
        .enumerate()
        .filter(|(_, d)| {
            needle.is_empty()
                || d.title.to_lowercase().contains(&needle)
                || d.id.as_str().to_lowercase().contains(&needle)
        })
        .map(|(i, _)| i)
        .collect();
    app.filter_key = Some(key);
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
                            .hint_text("title or path")
                            .desired_width(f32::INFINITY),
                    )
                    .labelled_by(label.id)
                    .on_hover_text("Filter documents (Ctrl+P); Enter opens the first match")
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
            refresh_filter(app);
            let Some(session) = app.session.as_ref() else {
                return;
            };
            ui.weak(format!("{} of {total} documents", app.filtered.len()));
            ui.separator();
            let current = app.view.as_ref().map(|v| v.id.clone());
            let row_h = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
            let mut clicked = None;
            egui::ScrollArea::vertical()
                .id_salt("doc-list")
                .auto_shrink([false, false])
                .show_rows(ui, row_h, app.filtered.len(), |ui, rows| {
                    for &i in &app.filtered[rows] {
                        let d = &session.project.docs()[i];
                        let s = session.summary(&d.id);
                        let status = match s.status {
                            DocStatus::Done => "✔",
                            _ if s.spans > 0 => "◑",
                            _ => "○",
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
                    }
                });
            if let Some(id) = clicked {
                app.pending.push(Action::OpenDoc(id));
            }
        });
}
