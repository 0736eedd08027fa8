//! Messages at the top of the document area: what happened, where, what to do.

use crate::app::EntitleApp;
use crate::session::Severity;

pub fn messages_ui(app: &mut EntitleApp, ui: &mut egui::Ui) {
    let mut dismiss = None;
    for m in &app.messages {
        let (icon, color) = match m.severity {
            Severity::Info => ("ℹ", ui.visuals().text_color()),
            Severity::Warning => ("⚠", ui.visuals().warn_fg_color),
            Severity::Error => ("⛔", ui.visuals().error_fg_color),
        };
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.horizontal(|ui| {
                if ui.small_button("✖").on_hover_text("Dismiss").clicked() {
                    dismiss = Some(m.id);
                }
                ui.label(egui::RichText::new(icon).color(color));
                ui.add(egui::Label::new(egui::RichText::new(&m.text).color(color)).wrap());
            });
        });
    }
    if let Some(id) = dismiss {
        app.messages.retain(|m| m.id != id);
    }
}
