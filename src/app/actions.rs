//! Actions and key bindings. One table ([`DEFAULT_KEYMAP`]) feeds the keyboard
//! handling, the menus and the shortcut overlay; a user file can override it.

use crate::model::{DocId, Schema};
use egui::{Key, KeyboardShortcut, Modifiers};

/// Everything the user can ask for. Panels push actions; the dispatcher runs them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Tag the selection with a label, or relabel the selected span.
    ApplyLabel(crate::model::Label),
    DeleteSpan,
    ClearSelection,
    Undo,
    Redo,
    NextDoc,
    PrevDoc,
    OpenDoc(DocId),
    ToggleDone,
    /// Set the document's status (new, in progress, needs review, done).
    SetStatus(crate::model::DocStatus),
    /// Done documents ask before an edit reopens them (on/off).
    ToggleProtectDone,
    SelectNextSpan,
    SelectPrevSpan,
    SelectNextWord,
    SelectPrevWord,
    ExtendRight,
    ExtendLeft,
    ToggleWordSnap,
    /// Scroll a screen down / up.
    PageDown,
    PageUp,
    /// Down / up one row: the selection moves to the word below / above, or the view
    /// scrolls a row when nothing is selected.
    RowDown,
    RowUp,
    /// The first / last word of the selection's row.
    LineStart,
    LineEnd,
    /// The start / end of the document.
    DocStart,
    DocEnd,
    FocusFilter,
    ShowShortcuts,
    /// Every action by name (Ctrl+Shift+P).
    CommandPalette,
    /// Find in the document (Ctrl+F).
    Find,
    FindNext,
    FindPrevious,
    /// Search the whole project (Ctrl+Shift+F).
    SearchProject,
    /// Tag every other occurrence of the selected span's text with its label.
    TagAllLikeSelected,
    /// The label editor: add, rename, recolour, re-key, remove labels.
    EditLabels,
    /// Suggestions: accept the one under the selection, reject it, accept every one of
    /// its label / at or above the confidence threshold, step through them, show or
    /// hide them, the panel.
    AcceptSuggestion,
    RejectSuggestion,
    AcceptLabelSuggestions,
    AcceptConfidentSuggestions,
    NextSuggestion,
    PrevSuggestion,
    ToggleSuggestions,
    SuggestionsPanel,
    /// Relations: start one from the selected span (R), step through the selected
    /// span's relations, reverse the selected relation, show or hide the arcs.
    StartRelation,
    NextRelation,
    PrevRelation,
    ReverseRelation,
    ToggleArcs,
    /// Discontinuous spans: Ctrl+J on a selected span, then on a selection, adds the
    /// selection to the span as a fragment (Ctrl+drag does both at once).
    AddFragment,
    /// The inspector: show it and put the keyboard in the selected span's note.
    Inspector,
    /// Light, dark or the system's theme (View > Theme; also in the command palette).
    SetTheme(crate::app::theme::ThemeChoice),
    OpenFolder,
    OpenFile,
    OpenSample,
    Import,
    Export,
    /// Show what re-anchoring the document's held-back annotations would do.
    Reanchor,
    /// Re-anchor after the user has seen that list (saves; the old file is kept).
    ConfirmReanchor,
    /// Layers (issue 10): the dialog that picks two layers to compare or curate, the
    /// next / previous disagreement, taking a side while curating, editing the
    /// disagreement by hand, every agreed span into gold, back to one's own layer.
    CompareLayers,
    NextDisagreement,
    PrevDisagreement,
    TakeA,
    TakeB,
    TakeBoth,
    EditDisagreement,
    TakeAgreed,
    CloseLayers,
    /// The agreement window: kappa, alpha, span F1 per label, charts.
    Agreement,
    Quit,
}

/// Actions with a stable name, for the keymap file, menus and the shortcut overlay.
pub const NAMED: &[(&str, Action, &str)] = &[
    ("undo", Action::Undo, "Undo"),
    ("redo", Action::Redo, "Redo"),
    ("delete_span", Action::DeleteSpan, "Delete selected span"),
    ("clear_selection", Action::ClearSelection, "Clear selection"),
    ("next_document", Action::NextDoc, "Next document"),
    ("previous_document", Action::PrevDoc, "Previous document"),
    (
        "toggle_done",
        Action::ToggleDone,
        "Mark document done / not done",
    ),
    (
        "mark_needs_review",
        Action::SetStatus(crate::model::DocStatus::NeedsReview),
        "Mark document: needs review",
    ),
    (
        "mark_in_progress",
        Action::SetStatus(crate::model::DocStatus::InProgress),
        "Mark document: in progress",
    ),
    (
        "mark_new",
        Action::SetStatus(crate::model::DocStatus::New),
        "Mark document: new",
    ),
    (
        "toggle_protect_done",
        Action::ToggleProtectDone,
        "Protect done documents on/off",
    ),
    ("next_span", Action::SelectNextSpan, "Select next span"),
    (
        "previous_span",
        Action::SelectPrevSpan,
        "Select previous span",
    ),
    ("next_word", Action::SelectNextWord, "Select next word"),
    (
        "previous_word",
        Action::SelectPrevWord,
        "Select previous word",
    ),
    (
        "extend_right",
        Action::ExtendRight,
        "Extend selection by a word",
    ),
    (
        "extend_left",
        Action::ExtendLeft,
        "Shrink selection by a word",
    ),
    (
        "toggle_word_snap",
        Action::ToggleWordSnap,
        "Snap selections to words on/off",
    ),
    ("page_down", Action::PageDown, "Scroll down a screen"),
    ("page_up", Action::PageUp, "Scroll up a screen"),
    (
        "row_down",
        Action::RowDown,
        "Next row (moves the selection, else scrolls)",
    ),
    (
        "row_up",
        Action::RowUp,
        "Previous row (moves the selection, else scrolls)",
    ),
    ("line_start", Action::LineStart, "First word of the row"),
    ("line_end", Action::LineEnd, "Last word of the row"),
    ("document_start", Action::DocStart, "Start of the document"),
    ("document_end", Action::DocEnd, "End of the document"),
    ("focus_filter", Action::FocusFilter, "Filter documents"),
    ("show_shortcuts", Action::ShowShortcuts, "Help and keys"),
    ("command_palette", Action::CommandPalette, "Command palette"),
    ("find", Action::Find, "Find in the document"),
    (
        "search_project",
        Action::SearchProject,
        "Search the project",
    ),
    ("find_next", Action::FindNext, "Next hit"),
    ("find_previous", Action::FindPrevious, "Previous hit"),
    (
        "tag_all_like_selected",
        Action::TagAllLikeSelected,
        "Tag every other occurrence of the selected span",
    ),
    ("edit_labels", Action::EditLabels, "Labels…"),
    (
        "accept_suggestion",
        Action::AcceptSuggestion,
        "Accept the suggestion",
    ),
    (
        "reject_suggestion",
        Action::RejectSuggestion,
        "Reject the suggestion (else delete the selected span)",
    ),
    (
        "accept_label_suggestions",
        Action::AcceptLabelSuggestions,
        "Accept every suggestion of its label",
    ),
    (
        "accept_confident_suggestions",
        Action::AcceptConfidentSuggestions,
        "Accept every confident suggestion",
    ),
    ("next_suggestion", Action::NextSuggestion, "Next suggestion"),
    (
        "previous_suggestion",
        Action::PrevSuggestion,
        "Previous suggestion",
    ),
    (
        "toggle_suggestions",
        Action::ToggleSuggestions,
        "Show suggestions on/off",
    ),
    (
        "suggestions_panel",
        Action::SuggestionsPanel,
        "Suggestions panel",
    ),
    (
        "start_relation",
        Action::StartRelation,
        "Start a relation from the selected span",
    ),
    (
        "next_relation",
        Action::NextRelation,
        "Next relation of the selected span",
    ),
    (
        "previous_relation",
        Action::PrevRelation,
        "Previous relation of the selected span",
    ),
    (
        "reverse_relation",
        Action::ReverseRelation,
        "Reverse the selected relation",
    ),
    (
        "toggle_arcs",
        Action::ToggleArcs,
        "Show relation arcs on/off",
    ),
    (
        "add_fragment",
        Action::AddFragment,
        "Add a fragment to the selected span (discontinuous)",
    ),
    (
        "inspector",
        Action::Inspector,
        "Inspector: the selected span's note, attributes and links",
    ),
    (
        "theme_light",
        Action::SetTheme(crate::app::theme::ThemeChoice::Light),
        "Theme: light",
    ),
    (
        "theme_dark",
        Action::SetTheme(crate::app::theme::ThemeChoice::Dark),
        "Theme: dark",
    ),
    (
        "theme_system",
        Action::SetTheme(crate::app::theme::ThemeChoice::System),
        "Theme: follow the system",
    ),
    (
        "compare_layers",
        Action::CompareLayers,
        "Compare or curate layers…",
    ),
    (
        "next_disagreement",
        Action::NextDisagreement,
        "Next disagreement",
    ),
    (
        "previous_disagreement",
        Action::PrevDisagreement,
        "Previous disagreement",
    ),
    ("take_a", Action::TakeA, "Curate: take layer A"),
    ("take_b", Action::TakeB, "Curate: take layer B"),
    ("take_both", Action::TakeBoth, "Curate: take both"),
    (
        "edit_disagreement",
        Action::EditDisagreement,
        "Curate: select the disagreement to edit it",
    ),
    (
        "take_agreed",
        Action::TakeAgreed,
        "Curate: every agreed span into gold",
    ),
    (
        "agreement",
        Action::Agreement,
        "Agreement between annotators…",
    ),
    (
        "close_layers",
        Action::CloseLayers,
        "Close the comparison / curation",
    ),
    ("open_folder", Action::OpenFolder, "Open folder…"),
    ("open_file", Action::OpenFile, "Open file…"),
    ("import", Action::Import, "Import…"),
    ("export", Action::Export, "Export…"),
    ("quit", Action::Quit, "Quit"),
];

/// Default bindings: action name → shortcuts ("Ctrl" is Cmd on macOS).
pub const DEFAULT_KEYMAP: &[(&str, &[&str])] = &[
    ("undo", &["Ctrl+Z"]),
    ("redo", &["Ctrl+Shift+Z", "Ctrl+Y"]),
    ("delete_span", &["Delete"]),
    ("reject_suggestion", &["Backspace"]),
    ("accept_suggestion", &["Enter"]),
    ("accept_label_suggestions", &["Shift+Enter"]),
    ("accept_confident_suggestions", &["Ctrl+Enter"]),
    ("next_suggestion", &["F8"]),
    ("previous_suggestion", &["Shift+F8"]),
    ("toggle_suggestions", &["F7"]),
    ("suggestions_panel", &["F6"]),
    ("start_relation", &["R"]),
    ("next_relation", &["Ctrl+Tab"]),
    ("previous_relation", &["Ctrl+Shift+Tab"]),
    ("reverse_relation", &["Shift+R"]),
    ("toggle_arcs", &["F9"]),
    ("inspector", &["F2"]),
    ("compare_layers", &["Ctrl+Shift+L"]),
    ("agreement", &["Ctrl+Shift+K"]),
    ("next_disagreement", &["F4"]),
    ("previous_disagreement", &["Shift+F4"]),
    ("take_a", &["Alt+1"]),
    ("take_b", &["Alt+2"]),
    ("take_both", &["Alt+3"]),
    ("edit_disagreement", &["Alt+E"]),
    ("add_fragment", &["Ctrl+J"]),
    ("clear_selection", &["Escape"]),
    ("next_document", &["Ctrl+PageDown", "Alt+Down"]),
    ("previous_document", &["Ctrl+PageUp", "Alt+Up"]),
    ("toggle_done", &["Ctrl+D"]),
    ("mark_needs_review", &["Ctrl+Shift+D"]),
    ("next_span", &["Tab"]),
    ("previous_span", &["Shift+Tab"]),
    ("next_word", &["Right"]),
    ("previous_word", &["Left"]),
    ("extend_right", &["Shift+Right"]),
    ("extend_left", &["Shift+Left"]),
    ("toggle_word_snap", &["Ctrl+Shift+W"]),
    ("page_down", &["PageDown", "Space"]),
    ("page_up", &["PageUp", "Shift+Space"]),
    ("row_down", &["Down"]),
    ("row_up", &["Up"]),
    ("line_start", &["Home"]),
    ("line_end", &["End"]),
    ("document_start", &["Ctrl+Home"]),
    ("document_end", &["Ctrl+End"]),
    ("focus_filter", &["Ctrl+P"]),
    ("show_shortcuts", &["F1"]),
    ("command_palette", &["Ctrl+Shift+P"]),
    ("find", &["Ctrl+F"]),
    ("search_project", &["Ctrl+Shift+F"]),
    ("find_next", &["F3", "Ctrl+G"]),
    ("find_previous", &["Shift+F3", "Ctrl+Shift+G"]),
    ("tag_all_like_selected", &["Ctrl+Shift+A"]),
    ("edit_labels", &["Ctrl+L"]),
    ("open_folder", &["Ctrl+O"]),
    ("open_file", &["Ctrl+Shift+O"]),
    ("import", &["Ctrl+I"]),
    ("export", &["Ctrl+E"]),
    ("quit", &["Ctrl+Q"]),
];

pub fn action_by_name(name: &str) -> Option<Action> {
    NAMED
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, a, _)| a.clone())
}

pub fn title_of(action: &Action) -> String {
    match action {
        Action::ApplyLabel(l) => format!("Label {l}"),
        other => NAMED
            .iter()
            .find(|(_, a, _)| a == other)
            .map_or_else(|| format!("{other:?}"), |(_, _, t)| t.to_string()),
    }
}

/// Parse "Ctrl+Shift+Z", "Alt+Down", "F1", "1".
pub fn parse_shortcut(s: &str) -> Result<KeyboardShortcut, String> {
    let mut mods = Modifiers::NONE;
    let parts: Vec<&str> = s.split('+').map(str::trim).collect();
    let (key_name, mod_names) = parts
        .split_last()
        .ok_or_else(|| format!("empty shortcut {s:?}"))?;
    for m in mod_names {
        match m.to_ascii_lowercase().as_str() {
            "ctrl" | "cmd" | "command" => mods |= Modifiers::COMMAND,
            "shift" => mods |= Modifiers::SHIFT,
            "alt" | "option" => mods |= Modifiers::ALT,
            other => return Err(format!("unknown modifier {other:?} in {s:?}")),
        }
    }
    let key = Key::from_name(key_name)
        .or_else(|| Key::from_name(&key_name.to_ascii_uppercase()))
        .ok_or_else(|| format!("unknown key {key_name:?} in {s:?}"))?;
    Ok(KeyboardShortcut::new(mods, key))
}

/// The key table in force: actions with their shortcuts, label hotkeys included.
#[derive(Debug, Clone)]
pub struct Keymap {
    pub bindings: Vec<(Action, KeyboardShortcut)>,
    /// Problems in the user's keymap file, shown once.
    pub problems: Vec<String>,
}

impl Keymap {
    /// Defaults, then the user's overrides (`name = ["Ctrl+K", ...]` per line in
    /// `keymap.toml`), then one key per label from the schema.
    pub fn new(schema: &Schema, overrides: Option<&str>) -> Self {
        let mut problems = Vec::new();
        let mut table: Vec<(String, Vec<String>)> = DEFAULT_KEYMAP
            .iter()
            .map(|(n, keys)| (n.to_string(), keys.iter().map(|k| k.to_string()).collect()))
            .collect();
        if let Some(text) = overrides {
            match toml::from_str::<toml::Table>(text) {
                Ok(t) => {
                    for (name, value) in t {
                        let keys: Option<Vec<String>> = value.as_array().map(|a| {
                            a.iter()
                                .filter_map(|v| v.as_str().map(str::to_string))
                                .collect()
                        });
                        match (action_by_name(&name), keys) {
                            (Some(_), Some(keys)) => match table.iter_mut().find(|(n, _)| *n == name) {
                                Some(entry) => entry.1 = keys,
                                None => table.push((name, keys)),
                            },
                            (None, _) => problems.push(format!("keymap: unknown action {name:?}")),
                            (_, None) => problems.push(format!(
                                "keymap: {name} must be a list of shortcuts, e.g. {name} = [\"Ctrl+K\"]"
                            )),
                        }
                    }
                }
                Err(e) => problems.push(format!("keymap: {}", e.message())),
            }
        }
        let mut bindings = Vec::new();
        for (name, keys) in &table {
            let Some(action) = action_by_name(name) else {
                continue;
            };
            for k in keys {
                match parse_shortcut(k) {
                    Ok(sc) => bindings.push((action.clone(), sc)),
                    Err(e) => problems.push(format!("keymap: {e}")),
                }
            }
        }
        for label in &schema.labels {
            if let Some(k) = &label.hotkey {
                match parse_shortcut(k) {
                    Ok(sc) => bindings.push((Action::ApplyLabel(label.name.clone()), sc)),
                    Err(e) => problems.push(format!("label {}: {e}", label.name)),
                }
            }
        }
        // Most modifiers first, so Shift+Tab wins over Tab when both match.
        bindings.sort_by_key(|(_, sc)| std::cmp::Reverse(modifier_count(sc.modifiers)));
        Self { bindings, problems }
    }

    /// The first shortcut of an action, for menus.
    pub fn shortcut_of(&self, action: &Action) -> Option<KeyboardShortcut> {
        self.bindings
            .iter()
            .find(|(a, _)| a == action)
            .map(|(_, sc)| *sc)
    }

    /// All shortcuts of an action, formatted.
    pub fn shortcuts_text(&self, ctx: &egui::Context, action: &Action) -> String {
        self.bindings
            .iter()
            .filter(|(a, _)| a == action)
            .map(|(_, sc)| ctx.format_shortcut(sc))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn modifier_count(m: Modifiers) -> u8 {
    m.alt as u8 + m.shift as u8 + m.command as u8 + m.ctrl as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_names_an_action_and_parses() {
        let km = Keymap::new(&Schema::news_default(), None);
        assert!(km.problems.is_empty(), "{:?}", km.problems);
        for (name, _) in DEFAULT_KEYMAP {
            assert!(action_by_name(name).is_some(), "{name}");
        }
        assert_eq!(
            km.shortcut_of(&Action::ApplyLabel(crate::label!("GPE"))),
            Some(KeyboardShortcut::new(Modifiers::NONE, Key::Num3))
        );
        assert_eq!(
            km.shortcut_of(&Action::Redo),
            Some(KeyboardShortcut::new(
                Modifiers::COMMAND | Modifiers::SHIFT,
                Key::Z
            ))
        );
    }

    #[test]
    fn overrides_replace_and_report() {
        let km = Keymap::new(
            &Schema::news_default(),
            Some("undo = [\"Ctrl+U\"]\nnope = [\"X\"]\nredo = [\"Hyper+Z\"]\n"),
        );
        assert_eq!(
            km.shortcut_of(&Action::Undo),
            Some(KeyboardShortcut::new(Modifiers::COMMAND, Key::U))
        );
        assert_eq!(km.problems.len(), 2, "{:?}", km.problems);
    }
}
