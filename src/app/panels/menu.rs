//! The menu bar, built from the same action table as the keyboard shortcuts.

use crate::app::{Action, EntitleApp, actions};
use crate::session::DocProblem;

fn item(app: &mut EntitleApp, ui: &mut egui::Ui, action: Action, enabled: bool) {
    let title = match &action {
        Action::Undo => app
            .session
            .as_ref()
            .and_then(|s| s.workspace.undo_title())
            .map_or("Undo".to_string(), |t| format!("Undo {t}")),
        Action::Redo => app
            .session
            .as_ref()
            .and_then(|s| s.workspace.redo_title())
            .map_or("Redo".to_string(), |t| format!("Redo {t}")),
        Action::OpenSample => "Open sample project".to_string(),
        Action::Reanchor => "Re-anchor annotations…".to_string(),
        other => actions::title_of(other),
    };
    let mut button = egui::Button::new(title);
    if let Some(sc) = app.keymap.shortcut_of(&action) {
        button = button.shortcut_text(ui.ctx().format_shortcut(&sc));
    }
    if ui.add_enabled(enabled, button).clicked() {
        app.pending.push(action);
        ui.close();
    }
}

pub fn menu_bar_ui(app: &mut EntitleApp, ui: &mut egui::Ui) {
    egui::Panel::top("menu").show(ui, |ui| {
        egui::MenuBar::new().ui(ui, |ui| {
            let has_doc = app.view.is_some();
            ui.menu_button("File", |ui| {
                item(app, ui, Action::OpenFolder, true);
                item(app, ui, Action::OpenFile, true);
                item(app, ui, Action::OpenSample, true);
                ui.separator();
                let has_project = app.session.is_some();
                item(app, ui, Action::Import, has_project);
                item(app, ui, Action::Export, has_project);
                ui.separator();
                item(app, ui, Action::Quit, true);
            });
            ui.menu_button("Edit", |ui| {
                let (undo, redo) = app.session.as_ref().map_or((false, false), |s| {
                    (
                        s.workspace.undo_title().is_some(),
                        s.workspace.redo_title().is_some(),
                    )
                });
                item(app, ui, Action::Undo, undo);
                item(app, ui, Action::Redo, redo);
                ui.separator();
                let selected = app.view.as_ref().is_some_and(|v| v.selected_span.is_some());
                item(app, ui, Action::DeleteSpan, selected);
                item(app, ui, Action::ClearSelection, has_doc);
                item(app, ui, Action::SelectNextSpan, has_doc);
                item(app, ui, Action::SelectPrevSpan, has_doc);
                ui.separator();
                item(app, ui, Action::EditLabels, app.session.is_some());
            });
            ui.menu_button("Document", |ui| {
                item(app, ui, Action::NextDoc, has_doc);
                item(app, ui, Action::PrevDoc, has_doc);
                item(app, ui, Action::ToggleDone, has_doc);
                let status = app.current_status();
                for st in crate::model::DocStatus::ALL {
                    if st != crate::model::DocStatus::Done {
                        item(
                            app,
                            ui,
                            Action::SetStatus(st),
                            has_doc && status != Some(st),
                        );
                    }
                }
                item(app, ui, Action::FocusFilter, app.session.is_some());
                ui.separator();
                item(app, ui, Action::CompareLayers, app.session.is_some());
                item(app, ui, Action::Agreement, app.session.is_some());
                let layers = app.layers.is_some();
                item(app, ui, Action::NextDisagreement, layers);
                item(app, ui, Action::PrevDisagreement, layers);
                item(app, ui, Action::CloseLayers, layers);
                let stale = app.view.as_ref().is_some_and(|v| {
                    matches!(
                        app.session
                            .as_ref()
                            .and_then(|s| s.open_doc(&v.id))
                            .and_then(|o| o.problem.as_ref()),
                        Some(DocProblem::TextChanged { .. })
                    )
                });
                item(app, ui, Action::Reanchor, stale);
            });
            ui.menu_button("View", |ui| view_menu(app, ui));
        });
    });
}

/// View: word snapping, themes, line length, zoom, file chooser, protection, help.
fn view_menu(app: &mut EntitleApp, ui: &mut egui::Ui) {
    let mut snap = app.prefs.word_snap;
    let mut cb = egui::Button::selectable(snap, "Snap selections to words");
    if let Some(sc) = app.keymap.shortcut_of(&Action::ToggleWordSnap) {
        cb = cb.shortcut_text(ui.ctx().format_shortcut(&sc));
    }
    if ui.add(cb).clicked() {
        snap = !snap;
        app.prefs.word_snap = snap;
        ui.close();
    }
    let own = egui::Button::selectable(app.prefs.own_file_dialog, "Use Entitle's file chooser");
    if ui
        .add(own)
        .on_hover_text(
            "Instead of the system's dialog (used automatically when the system's cannot open)",
        )
        .clicked()
    {
        app.prefs.own_file_dialog = !app.prefs.own_file_dialog;
        ui.close();
    }
    let protect = egui::Button::selectable(app.prefs.protect_done, "Protect done documents");
    if ui
        .add(protect)
        .on_hover_text("An edit on a document marked done asks to reopen it first")
        .clicked()
    {
        app.pending.push(Action::ToggleProtectDone);
        ui.close();
    }
    ui.separator();
    ui.menu_button("Theme", |ui| {
        for t in crate::app::theme::ThemeChoice::ALL {
            if ui
                .add(egui::Button::selectable(app.prefs.theme == t, t.name()))
                .clicked()
            {
                app.pending.push(Action::SetTheme(t));
                ui.close();
            }
        }
    });
    ui.menu_button("Line length", |ui| {
        for (n, name) in [
            (70, "70 characters"),
            (100, "100 characters"),
            (130, "130 characters"),
            (0, "Full width"),
        ] {
            if ui
                .add(egui::Button::selectable(app.prefs.line_chars == n, name))
                .clicked()
            {
                app.prefs.line_chars = n;
                ui.close();
            }
        }
    });
    // Ctrl+Plus, Ctrl+Minus, Ctrl+0 (egui's keys; the reading place stays).
    egui::gui_zoom::zoom_menu_buttons(ui);
    ui.separator();
    item(app, ui, Action::ShowShortcuts, true);
}
