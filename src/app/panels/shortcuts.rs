//! The keyboard-shortcut overlay (F1), listing the keymap in force.

use crate::app::{Action, EntitleApp, actions};

pub fn shortcuts_window(app: &mut EntitleApp, ctx: &egui::Context) {
    let mut open = app.show_shortcuts;
    egui::Window::new("Keyboard shortcuts")
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .show(ctx, |ui| {
            egui::Grid::new("shortcuts").striped(true).show(ui, |ui| {
                let mut rows: Vec<(String, String)> = Vec::new();
                let labels: Vec<Action> = app
                    .keymap
                    .bindings
                    .iter()
                    .filter(|(a, _)| matches!(a, Action::ApplyLabel(_)))
                    .map(|(a, _)| a.clone())
                    .collect();
                for a in labels {
                    rows.push((actions::title_of(&a), app.keymap.shortcuts_text(ctx, &a)));
                }
                for (_, a, title) in actions::NAMED {
                    let keys = app.keymap.shortcuts_text(ctx, a);
                    if !keys.is_empty() {
                        rows.push((title.to_string(), keys));
                    }
                }
                rows.push(("Select words".into(), "drag; double-click a word".into()));
                rows.push(("Select exact characters".into(), "Alt + drag".into()));
                rows.push((
                    "Select a span (again: the one inside)".into(),
                    "click it".into(),
                ));
                rows.push(("Extend the selection".into(), "Shift + click".into()));
                for (title, keys) in rows {
                    ui.label(title);
                    ui.label(egui::RichText::new(keys).monospace());
                    ui.end_row();
                }
            });
        });
    app.show_shortcuts = open;
}
