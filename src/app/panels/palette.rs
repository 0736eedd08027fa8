//! The label palette: one button per label with its hotkey.

use crate::app::{Action, EntitleApp, theme};

pub fn palette_ui(app: &mut EntitleApp, ui: &mut egui::Ui) {
    let Some(session) = app.session.as_ref() else {
        return;
    };
    let schema = session.project.schema();
    let selected_label = app.view.as_ref().and_then(|v| {
        let id = v.selected_span?;
        Some(session.workspace.doc(&v.id)?.set.get(id)?.label.to_string())
    });
    let hint = app.on_sample() && !app.prefs.hint_dismissed;
    egui::Panel::top("palette").show(ui, |ui| {
        if hint {
            ui.horizontal(|ui| {
                if ui.small_button("✖").on_hover_text("Do not show this again").clicked() {
                    app.prefs.hint_dismissed = true;
                }
                ui.label(
                    "Tip: drag across a name in the text and press its label's key (1 for PER, 3 for GPE …); Tab walks the spans, Ctrl+Z undoes, F1 shows everything.",
                );
            });
        }
        ui.horizontal_wrapped(|ui| {
            ui.label(egui::RichText::new("Labels").strong());
            for l in &schema.labels {
                let color = theme::label_color(l.color);
                if let Some(k) = &l.hotkey {
                    ui.label(egui::RichText::new(k).monospace().weak());
                }
                let text = egui::RichText::new(l.name.as_str())
                    .color(theme::text_on(color))
                    .strong();
                let mut button = egui::Button::new(text).fill(color);
                if selected_label.as_deref() == Some(l.name.as_str()) {
                    button =
                        button.stroke(egui::Stroke::new(2.0, ui.visuals().selection.stroke.color));
                }
                let hover = match (&l.description, &l.hotkey) {
                    (Some(d), Some(k)) => {
                        format!("{d}. Key {k} tags the selection or relabels the selected span.")
                    }
                    (Some(d), None) => d.clone(),
                    (None, Some(k)) => format!("Key {k}"),
                    (None, None) => String::new(),
                };
                if ui.add(button).on_hover_text(hover).clicked() {
                    app.pending.push(Action::ApplyLabel(l.name.clone()));
                }
            }
        });
    });
}
