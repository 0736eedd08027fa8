//! The status bar: annotator, document, span count, saving state, selection.

use crate::app::EntitleApp;
use crate::app::widgets::bidi::label_job;
use crate::session::SaveState;

pub fn status_bar_ui(app: &mut EntitleApp, ui: &mut egui::Ui) {
    egui::Panel::bottom("status").show(ui, |ui| {
        ui.horizontal(|ui| {
            // Annotator: click to change (reopens this annotator's layer of the project).
            match app.annotator_edit.as_mut() {
                Some(name) => {
                    let r = ui.add(
                        egui::TextEdit::singleline(name)
                            .desired_width(120.0)
                            .hint_text("annotator name"),
                    );
                    r.request_focus();
                    if ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                        let new = crate::project::sanitize_annotator(name);
                        app.annotator_edit = None;
                        switch_annotator(app, new);
                    } else if ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                        app.annotator_edit = None;
                    }
                }
                None => {
                    let name = app.annotator();
                    if ui
                        .button(format!("👤 {name}"))
                        .on_hover_text("Annotator: your spans are saved under annotations/<name>/. Click to change.")
                        .clicked()
                    {
                        app.annotator_edit = Some(name);
                    }
                }
            }
            curating_ui(app, ui);
            // Every notice of this run, also the ones that faded.
            let n = app.messages.len();
            let errors = app
                .messages
                .iter()
                .filter(|m| m.severity == crate::session::Severity::Error && !m.dismissed)
                .count();
            let bell = if errors > 0 {
                egui::RichText::new(format!("🔔 {n}")).color(ui.visuals().error_fg_color)
            } else {
                egui::RichText::new(format!("🔔 {n}"))
            };
            if ui
                .button(bell)
                .on_hover_text("Notices: everything Entitle told you in this session")
                .clicked()
            {
                app.show_history = !app.show_history;
            }
            ui.separator();
            let Some(session) = app.session.as_ref() else {
                ui.label("No project open");
                return;
            };
            ui.label(session.project.name());
            if let Some(v) = app.view.as_ref() {
                ui.separator();
                ui.label(v.id.as_str());
                if let Some(st) = session.workspace.doc(&v.id).map(|d| d.set.status) {
                    let protected = st == crate::model::DocStatus::Done && app.prefs.protect_done;
                    let text = format!(
                        "{} {}{}",
                        st.icon(),
                        st.name(),
                        if protected { " · protected" } else { "" }
                    );
                    ui.label(text).on_hover_text(
                        "Document status (Document menu, or right-click it in the list). Done documents ask before an edit reopens them.",
                    );
                }
                let n = session.summary(&v.id).spans;
                ui.label(format!("{n} span{}", if n == 1 { "" } else { "s" }));
            }
            ui.separator();
            match session.save_state() {
                SaveState::Saved => ui.label("✔ Saved"),
                SaveState::Saving => ui.label("Saving…"),
                SaveState::Failed(e) => ui
                    .label(egui::RichText::new("⛔ Not saved").color(ui.visuals().error_fg_color))
                    .on_hover_text(e),
            };
            if let Some(v) = app.view.as_ref() {
                ui.separator();
                let doc = v.layout.as_ref().map(|l| l.doc());
                if let (Some(sel), Some(doc)) = (v.selection, doc) {
                    let text: String = doc.slice(sel.range()).chars().take(60).collect();
                    let line = format!(
                        "Selection {}–{} ({} chars) “{text}”",
                        sel.start(),
                        sel.end(),
                        sel.len(),
                    );
                    let font = egui::TextStyle::Body.resolve(ui.style());
                    ui.label(label_job(&line, font, ui.visuals().text_color()));
                } else if let (Some(id), Some(set)) = (
                    v.selected_span,
                    session.workspace.doc(&v.id).map(|d| &d.set),
                ) && let Some(span) = set.get(id)
                {
                    ui.label(format!(
                        "{} {} {}–{} by {} · Delete removes it, a label key relabels it",
                        span.id,
                        span.label,
                        span.range.start(),
                        span.range.end(),
                        span.annotator
                    ));
                } else {
                    let mode = if app.prefs.word_snap { "words" } else { "characters" };
                    ui.weak(format!("Drag to select ({mode}; Alt for the other), then press a label key"));
                }
            }
        });
    });
}

fn switch_annotator(app: &mut EntitleApp, name: String) {
    if Some(&name) == app.prefs.annotator.as_ref() {
        return;
    }
    if !app.save_before_leaving("switching annotator") {
        return;
    }
    let previous = app.prefs.annotator.replace(name);
    let current = app.view.as_ref().map(|v| v.id.clone());
    if let Some(root) = app.session.as_ref().map(|s| s.project.root().to_path_buf()) {
        if app.open_project(&root) {
            if let Some(id) = current {
                app.show_doc(&id);
            }
        } else {
            app.prefs.annotator = previous;
        }
    }
}

/// While curating: which layer the edits go to.
fn curating_ui(app: &EntitleApp, ui: &mut egui::Ui) {
    if let Some(into) = app.curating.as_deref() {
        ui.label(
            egui::RichText::new(format!("curating into {into}")).color(ui.visuals().warn_fg_color),
        )
        .on_hover_text(format!(
            "Your edits go to annotations/{into}/ (you are recorded as the curator). Close the curation to return to your own layer."
        ));
    }
}
