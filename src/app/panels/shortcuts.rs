//! Help (F1): sections of short prose, each with the keys in force for its actions,
//! read from the keymap (a user's keymap.toml shows here as it is).

use crate::app::{Action, EntitleApp, actions};

/// A help section: its title, what to know, and which actions it lists.
struct Section {
    title: &'static str,
    prose: &'static str,
    actions: fn(&Action) -> bool,
    /// Mouse and other rows that are not actions.
    extra: &'static [(&'static str, &'static str)],
}

const SECTIONS: &[Section] = &[
    Section {
        title: "Getting started",
        prose: "Entitle opens a folder of .txt files as a project (the sample project on the first run). Pick a document on the left, select a name in the text and press a label's key: the span is saved within about a second, in annotations/<your name>/ beside the documents. Nothing leaves this computer. Each document has a status for you: new, in progress, needs review, done; done documents ask before an edit.",
        actions: |a| {
            matches!(
                a,
                Action::NextDoc
                    | Action::PrevDoc
                    | Action::ToggleDone
                    | Action::SetStatus(_)
                    | Action::ShowShortcuts
                    | Action::CommandPalette
                    | Action::Quit
            )
        },
        extra: &[],
    },
    Section {
        title: "Selecting",
        prose: "A drag snaps to whole words: hyphenated names (Al-Sukhna), abbreviations (U.S.) and numbers (380,000) are one word, a possessive ’s and the quotes around a name are left out. Alt + drag selects exact characters. The keyboard selects words too; the selection moves with Up, Down, Home and End, and the view with Page Up/Down and Space.",
        actions: |a| {
            matches!(
                a,
                Action::SelectNextWord
                    | Action::SelectPrevWord
                    | Action::ExtendRight
                    | Action::ExtendLeft
                    | Action::RowDown
                    | Action::RowUp
                    | Action::LineStart
                    | Action::LineEnd
                    | Action::PageDown
                    | Action::PageUp
                    | Action::DocStart
                    | Action::DocEnd
                    | Action::SelectNextSpan
                    | Action::SelectPrevSpan
                    | Action::ClearSelection
                    | Action::ToggleWordSnap
            )
        },
        extra: &[
            ("Select words", "drag; double-click a word"),
            ("Select exact characters", "Alt + drag"),
            ("Select a span (again: the one inside)", "click it"),
            ("Extend the selection", "Shift + click"),
        ],
    },
    Section {
        title: "Labels",
        prose: "A label key tags the selection, or relabels the selected span. Spans may nest and overlap; each is drawn as a fill with a bar below and its label above. Every change is one undo step, across documents. The label editor (Ctrl+L, Edit > Labels…) adds, renames, recolours, re-keys, orders and removes labels: a rename (or a merge into an existing label) changes every span of the project in one undo step, and removing a label in use says how many spans use it and asks first. Relation types and attributes are edited in the same window, below the labels. The labels live in the project's entitle.toml, saved at once; an edit made to that file in another program is in force within a second.",
        actions: |a| {
            matches!(
                a,
                Action::ApplyLabel(_)
                    | Action::DeleteSpan
                    | Action::Undo
                    | Action::Redo
                    | Action::EditLabels
            )
        },
        extra: &[],
    },
    Section {
        title: "Suggestions",
        prose: "Entitle proposes spans as you work: every string you tagged, wherever else it occurs (same-string), terms from the project's gazetteers/ folder, spaCy-style patterns from patterns.jsonl, and a tagger that learns from your annotations in the background. Suggestions are drawn with a dashed outline and an italic label, never filled, and are not annotations until you accept them: exports leave them out. Accepting makes the span yours and keeps which engine proposed it and its score; a rejected suggestion is never proposed there again and teaches the tagger. F6 shows what each engine has proposed, accepted and rejected.",
        actions: |a| {
            matches!(
                a,
                Action::AcceptSuggestion
                    | Action::RejectSuggestion
                    | Action::AcceptLabelSuggestions
                    | Action::AcceptConfidentSuggestions
                    | Action::NextSuggestion
                    | Action::PrevSuggestion
                    | Action::ToggleSuggestions
                    | Action::SuggestionsPanel
            )
        },
        extra: &[],
    },
    Section {
        title: "Relations",
        prose: "Relations are drawn as labelled arcs above the text, with an arrowhead at the target (none for symmetric types); an arc to a span on another row runs to the row's edge and continues on the other row. Select a span and press R, then click the other span (or Tab to it and press Enter): a chooser lists the relation types of entitle.toml whose argument labels fit; press a type's key, or type to filter and press Enter. Click an arc's label (or Ctrl+Tab from a span) to select a relation: a type's key relabels it, Shift+R reverses it, Delete removes it; all undoable. Deleting a span says how many relations go with it, and undo brings them back. Notes, attributes and normalisation ids of spans show when hovering.",
        actions: |a| {
            matches!(
                a,
                Action::StartRelation
                    | Action::NextRelation
                    | Action::PrevRelation
                    | Action::ReverseRelation
                    | Action::ToggleArcs
                    | Action::Inspector
                    | Action::AddFragment
            )
        },
        extra: &[("Select a relation", "click its label on the arc")],
    },
    Section {
        title: "Teams and curation",
        prose: "Each annotator's spans are saved apart, in annotations/<name>/ (your name is in the status bar; click it to change), so a team shares a project through git and pulls never conflict. A file changed on disk by a pull is read again within a second; edits not yet saved are kept on top of it, and a file left with git conflict markers is reported, never overwritten. Ctrl+Shift+L compares two layers side by side, read-only, each span marked: + only in this layer, ≠ another label, ↔ other bounds. Curate instead to build a gold layer: agreed spans go in at once, and each disagreement is settled by taking A, B or both, or by editing the gold text; every step is undoable, and each span records who proposed it and who curated it. Ctrl+Shift+K shows the agreement between annotators: Cohen's and Fleiss' kappa and Krippendorff's alpha on tokens (with and without O), span F1 exact and overlapping, relation F1, per label and per document, with charts.",
        actions: |a| {
            matches!(
                a,
                Action::CompareLayers
                    | Action::NextDisagreement
                    | Action::PrevDisagreement
                    | Action::TakeA
                    | Action::TakeB
                    | Action::TakeBoth
                    | Action::EditDisagreement
                    | Action::TakeAgreed
                    | Action::CloseLayers
                    | Action::Agreement
            )
        },
        extra: &[],
    },
    Section {
        title: "Search",
        prose: "Ctrl+F finds in the document: plain text or a regular expression (.*), case (Aa), whole words (W, on by default). Every hit is highlighted and ticked in the overview strip. Enter selects the next hit and leaves the field, so a label key tags it; F3 goes on. Tag all… adds a label to every hit after showing what it adds and skips (already annotated, cutting a word); Ctrl+Shift+A does the same for the selected span's text. Either is one undo step. Ctrl+Shift+F searches every document and lists the hits by document; click one to go there, or tag them all in every document at once (one undo step). The filter above the document list matches titles, paths, text, status (status:done) and labels (label:PER); Enter opens the first match.",
        actions: |a| {
            matches!(
                a,
                Action::FocusFilter
                    | Action::Find
                    | Action::SearchProject
                    | Action::FindNext
                    | Action::FindPrevious
                    | Action::TagAllLikeSelected
            )
        },
        extra: &[(
            "Jump through the document",
            "click or drag the overview strip",
        )],
    },
    Section {
        title: "Files",
        prose: "Open a project, a folder of .txt files or one .txt (or drop it on the window). Import reads brat, CoNLL/IOB, spaCy, doccano, Label Studio, Prodigy and WebAnno TSV files; export writes them, outside the document folder. Every save replaces the file atomically: a crash leaves the old or the new file, never half of one. 🔔 in the status bar lists every notice.",
        actions: |a| {
            matches!(
                a,
                Action::OpenFolder | Action::OpenFile | Action::Import | Action::Export
            )
        },
        extra: &[],
    },
];

/// The keys of every action of a section, as rows (title, keys).
fn rows(app: &EntitleApp, ctx: &egui::Context, s: &Section) -> Vec<(String, String)> {
    let mut rows = Vec::new();
    let mut seen: Vec<Action> = Vec::new();
    // Label keys first (from the project), then the named actions in table order.
    for (a, _) in &app.keymap.bindings {
        if matches!(a, Action::ApplyLabel(_)) && (s.actions)(a) && !seen.contains(a) {
            seen.push(a.clone());
            rows.push((actions::title_of(a), app.keymap.shortcuts_text(ctx, a)));
        }
    }
    for (_, a, title) in actions::NAMED {
        if (s.actions)(a) {
            let keys = app.keymap.shortcuts_text(ctx, a);
            rows.push((
                title.to_string(),
                if keys.is_empty() { "menu".into() } else { keys },
            ));
        }
    }
    for (t, k) in s.extra {
        rows.push((t.to_string(), k.to_string()));
    }
    rows
}

pub fn shortcuts_window(app: &mut EntitleApp, ctx: &egui::Context) {
    let mut open = app.show_shortcuts;
    egui::Window::new("Help")
        .open(&mut open)
        .collapsible(false)
        .default_size([720.0, 480.0])
        .show(ctx, |ui| {
            ui.horizontal(|ui| {
                for (i, s) in SECTIONS.iter().enumerate() {
                    if ui
                        .selectable_label(app.help_section == i, s.title)
                        .clicked()
                    {
                        app.help_section = i;
                    }
                }
            });
            ui.separator();
            let s = &SECTIONS[app.help_section.min(SECTIONS.len() - 1)];
            ui.heading(s.title);
            ui.label(s.prose);
            ui.add_space(6.0);
            let rows = rows(app, ctx, s);
            egui::ScrollArea::vertical().show(ui, |ui| {
                egui::Grid::new("help-keys").striped(true).show(ui, |ui| {
                    for (title, keys) in rows {
                        ui.label(title);
                        ui.label(egui::RichText::new(keys).monospace());
                        ui.end_row();
                    }
                });
            });
            ui.weak("Escape closes this window. Keys can be changed in keymap.toml (see README).");
        });
    app.show_shortcuts = open;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every named action with a default key is explained in some section.
    #[test]
    fn every_bound_action_is_in_a_help_section() {
        for (name, keys) in actions::DEFAULT_KEYMAP {
            if keys.is_empty() {
                continue;
            }
            let a = actions::action_by_name(name).unwrap();
            assert!(
                SECTIONS.iter().any(|s| (s.actions)(&a)) || matches!(a, Action::ToggleProtectDone),
                "{name} is in no help section"
            );
        }
    }
}
