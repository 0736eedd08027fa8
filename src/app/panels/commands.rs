//! The command palette (Ctrl+Shift+P): every action by name with its keys,
//! fuzzy-filtered as you type; Up/Down choose, Enter runs, Escape closes.

use crate::app::{Action, EntitleApp, actions};
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher};

/// The palette's state while it is open.
#[derive(Debug, Default, Clone)]
pub struct Palette {
    pub query: String,
    pub selected: usize,
}

/// Everything the palette offers: label actions from the project, then the table.
fn entries(app: &EntitleApp) -> Vec<(String, Action)> {
    let mut v: Vec<(String, Action)> = Vec::new();
    if let Some(s) = app.session.as_ref() {
        for l in &s.project.schema().labels {
            let a = Action::ApplyLabel(l.name.clone());
            v.push((actions::title_of(&a), a));
        }
    }
    for (_, a, title) in actions::NAMED {
        if *a != Action::CommandPalette {
            v.push((title.to_string(), a.clone()));
        }
    }
    v
}

/// Entries matching `query`, best first (all of them, in table order, when empty).
pub fn matching(all: Vec<(String, Action)>, query: &str) -> Vec<(String, Action)> {
    if query.trim().is_empty() {
        return all;
    }
    let mut matcher = Matcher::new(Config::DEFAULT);
    let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
    let titles: Vec<&str> = all.iter().map(|(t, _)| t.as_str()).collect();
    let ranked = pattern.match_list(titles, &mut matcher);
    ranked
        .into_iter()
        .filter_map(|(t, _)| all.iter().find(|(x, _)| x == t).cloned())
        .collect()
}

pub fn palette_window(app: &mut EntitleApp, ctx: &egui::Context) {
    let Some(mut state) = app.commands.take() else {
        return;
    };
    let found = matching(entries(app), &state.query);
    // Our keys before the text field sees them.
    let (down, up, enter) = ctx.input_mut(|i| {
        (
            i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowDown),
            i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowUp),
            i.consume_key(egui::Modifiers::NONE, egui::Key::Enter),
        )
    });
    if down {
        state.selected = (state.selected + 1).min(found.len().saturating_sub(1));
    }
    if up {
        state.selected = state.selected.saturating_sub(1);
    }
    state.selected = state.selected.min(found.len().saturating_sub(1));
    let mut run = enter
        .then(|| found.get(state.selected).map(|f| f.1.clone()))
        .flatten();
    egui::Window::new("Commands")
        .collapsible(false)
        .resizable(false)
        .title_bar(false)
        .anchor(egui::Align2::CENTER_TOP, [0.0, 60.0])
        .fixed_size([480.0, 0.0])
        .show(ctx, |ui| {
            let field = ui.add(
                egui::TextEdit::singleline(&mut state.query)
                    .hint_text("Type a command…")
                    .desired_width(f32::INFINITY),
            );
            field.request_focus();
            if field.changed() {
                state.selected = 0;
            }
            egui::ScrollArea::vertical()
                .max_height(320.0)
                .show(ui, |ui| {
                    for (i, (title, action)) in found.iter().enumerate() {
                        let keys = app.keymap.shortcuts_text(ctx, action);
                        let r = ui
                            .horizontal(|ui| {
                                let r = ui.selectable_label(i == state.selected, title);
                                if !keys.is_empty() {
                                    ui.weak(keys);
                                }
                                r
                            })
                            .inner;
                        if i == state.selected {
                            r.scroll_to_me(None);
                        }
                        if r.clicked() {
                            run = Some(action.clone());
                        }
                    }
                    if found.is_empty() {
                        ui.weak("No command matches.");
                    }
                });
        });
    match run {
        Some(a) => app.pending.push(a),
        None => app.commands = Some(state),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuzzy_filter_ranks_the_closest_title_first() {
        let all: Vec<(String, Action)> = actions::NAMED
            .iter()
            .map(|(_, a, t)| (t.to_string(), a.clone()))
            .collect();
        let n = all.len();
        assert_eq!(matching(all.clone(), "").len(), n);
        let found = matching(all.clone(), "nxt doc");
        assert_eq!(found[0].1, Action::NextDoc, "{found:?}");
        let found = matching(all.clone(), "undo");
        assert_eq!(found[0].1, Action::Undo);
        assert!(matching(all, "zzzqqq").is_empty());
    }
}
