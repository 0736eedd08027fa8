//! Notices: what happened, where, what to do. They float over the bottom-right corner
//! of the document area so the text under the pointer never moves (a notice pushing
//! the text down once turned a drag into a relabel), at most [`MAX_SHOWN`] at a time;
//! information and warnings fade after [`FADE_AFTER`], errors stay until dismissed.
//! Every notice stays in the history (status bar → 🔔).

use crate::app::{EntitleApp, Message};
use crate::session::Severity;
use std::time::{Duration, Instant};

/// Notices on screen at once (the newest).
pub const MAX_SHOWN: usize = 3;
/// How long information and warnings stay before they fade out.
pub const FADE_AFTER: Duration = Duration::from_secs(6);
/// How long the fade takes.
const FADE: Duration = Duration::from_millis(800);
/// Notices kept in the history.
pub const HISTORY: usize = 200;

/// Opacity of a notice now: 1 until [`FADE_AFTER`], then down to 0; errors stay at 1.
pub fn opacity(m: &Message, now: Instant) -> f32 {
    if m.dismissed {
        return 0.0;
    }
    if m.severity == Severity::Error {
        return 1.0;
    }
    let age = now.saturating_duration_since(m.at);
    if age <= FADE_AFTER {
        1.0
    } else {
        1.0 - ((age - FADE_AFTER).as_secs_f32() / FADE.as_secs_f32()).min(1.0)
    }
}

/// The notices on screen now, oldest first.
pub fn shown(messages: &[Message], now: Instant) -> Vec<&Message> {
    let mut v: Vec<&Message> = messages
        .iter()
        .rev()
        .filter(|m| opacity(m, now) > 0.0)
        .take(MAX_SHOWN)
        .collect();
    v.reverse();
    v
}

fn style_of(ui: &egui::Ui, s: Severity) -> (&'static str, egui::Color32) {
    match s {
        Severity::Info => ("ℹ", ui.visuals().text_color()),
        Severity::Warning => ("⚠", ui.visuals().warn_fg_color),
        Severity::Error => ("⛔", ui.visuals().error_fg_color),
    }
}

/// The floating notices over the bottom-right corner of `area` (the document area).
pub fn notices_overlay(app: &mut EntitleApp, ctx: &egui::Context, area: egui::Rect) {
    let now = Instant::now();
    let shown: Vec<(u64, Severity, String, f32)> = shown(&app.messages, now)
        .into_iter()
        .map(|m| (m.id, m.severity, m.text.clone(), opacity(m, now)))
        .collect();
    if shown.is_empty() {
        return;
    }
    let mut dismiss = None;
    let width = (area.width() * 0.6).clamp(260.0, 560.0);
    egui::Area::new(egui::Id::unique("notices"))
        .order(egui::Order::Foreground)
        .fixed_pos(area.right_bottom() - egui::vec2(12.0, 12.0))
        .pivot(egui::Align2::RIGHT_BOTTOM)
        .show(ctx, |ui| {
            ui.set_max_width(width);
            for (id, severity, text, alpha) in &shown {
                ui.scope(|ui| {
                    ui.multiply_opacity(*alpha);
                    let (icon, color) = style_of(ui, *severity);
                    egui::Frame::popup(ui.style()).show(ui, |ui| {
                        ui.set_width(width);
                        ui.horizontal(|ui| {
                            if ui.small_button("✖").on_hover_text("Dismiss").clicked() {
                                dismiss = Some(*id);
                            }
                            ui.label(egui::RichText::new(icon).color(color));
                            ui.add(egui::Label::new(egui::RichText::new(text).color(color)).wrap());
                        });
                    });
                });
            }
        });
    if let Some(id) = dismiss {
        app.dismiss_message(id);
    }
    // Wake when a notice starts to fade, and while it fades (errors stay: no wake).
    let next = app
        .messages
        .iter()
        .filter(|m| m.severity != Severity::Error && opacity(m, now) > 0.0)
        .map(|m| {
            let age = now.saturating_duration_since(m.at);
            FADE_AFTER
                .saturating_sub(age)
                .max(Duration::from_millis(40))
        })
        .min();
    if let Some(after) = next {
        ctx.request_repaint_after(after);
    }
}

/// The history of notices (newest first), from the status bar.
pub fn history_window(app: &mut EntitleApp, ctx: &egui::Context) {
    let mut open = true;
    let mut clear = false;
    egui::Window::new("Notices")
        .open(&mut open)
        .default_size([560.0, 360.0])
        .collapsible(false)
        .show(ctx, |ui| {
            if app.messages.is_empty() {
                ui.label("Nothing has happened yet.");
                return;
            }
            if ui.button("Clear history").clicked() {
                clear = true;
            }
            egui::ScrollArea::vertical().show(ui, |ui| {
                for m in app.messages.iter().rev() {
                    let (icon, color) = style_of(ui, m.severity);
                    let ago = m.at.elapsed().as_secs();
                    let when = match ago {
                        0..60 => format!("{ago} s ago"),
                        60..3600 => format!("{} min ago", ago / 60),
                        _ => format!("{} h ago", ago / 3600),
                    };
                    ui.horizontal_wrapped(|ui| {
                        ui.label(egui::RichText::new(icon).color(color));
                        ui.label(egui::RichText::new(when).weak());
                        ui.add(egui::Label::new(egui::RichText::new(&m.text).color(color)).wrap());
                    });
                    ui.separator();
                }
            });
        });
    if clear {
        app.messages.clear();
    }
    if !open {
        app.show_history = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(id: u64, severity: Severity, at: Instant) -> Message {
        Message {
            id,
            severity,
            text: format!("m{id}"),
            at,
            dismissed: false,
        }
    }

    #[test]
    fn information_and_warnings_fade_errors_stay_until_dismissed() {
        let t0 = Instant::now();
        let mut ms = vec![
            msg(1, Severity::Info, t0),
            msg(2, Severity::Warning, t0),
            msg(3, Severity::Error, t0),
        ];
        assert_eq!(shown(&ms, t0).len(), 3);
        let mid_fade = t0 + FADE_AFTER + FADE / 2;
        assert!((0.3..0.7).contains(&opacity(&ms[0], mid_fade)));
        let later = t0 + FADE_AFTER + FADE + Duration::from_millis(1);
        let ids: Vec<u64> = shown(&ms, later).iter().map(|m| m.id).collect();
        assert_eq!(ids, [3], "only the error is left");
        ms[2].dismissed = true;
        assert!(shown(&ms, later).is_empty());
    }

    #[test]
    fn at_most_three_the_newest_oldest_first() {
        let t0 = Instant::now();
        let ms: Vec<Message> = (1..=5).map(|i| msg(i, Severity::Error, t0)).collect();
        let ids: Vec<u64> = shown(&ms, t0).iter().map(|m| m.id).collect();
        assert_eq!(ids, [3, 4, 5]);
    }
}
