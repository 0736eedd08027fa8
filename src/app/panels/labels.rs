//! The label editor (Ctrl+L): add, rename, recolour, re-key, reorder, describe and
//! remove labels. Every change is a workspace command, so it is one undo step and the
//! session writes entitle.toml at once; a rename (or merge) carries through every
//! annotation in the project in the same step, and removing a label in use asks first,
//! saying how many annotations use it.

use crate::app::EntitleApp;
use crate::edit::Command;
use crate::edit::labels::{RenamePlan, plan_remove, plan_rename};
use crate::model::{DocId, LABEL_PALETTE, Label, LabelDef, Rgb, Schema};
use crate::session::Severity;
use std::collections::HashMap;

/// The editor's state while its window is open.
#[derive(Default)]
pub struct LabelEditor {
    /// Text fields, one row per label, refilled whenever the labels change.
    rows: Vec<Row>,
    built_from: Vec<LabelDef>,
    /// Spans and documents per label name, and the workspace clock they were counted at.
    counts: HashMap<String, (usize, Vec<DocId>)>,
    counted_at: Option<u64>,
    new_name: String,
    /// What was wrong with the last change asked for (a bad name, a key in use).
    pub problem: Option<String>,
    /// A change that waits for the user's yes.
    pub confirm: Option<Confirm>,
}

#[derive(Default, Clone)]
struct Row {
    name: String,
    key: String,
    description: String,
}

/// A change that touches annotations, shown before it is made.
pub enum Confirm {
    Rename {
        old: Label,
        new: Label,
        plan: Box<RenamePlan>,
        /// Spans with the old name that cannot be changed now (read-only or held-back
        /// documents), and in which documents.
        left: usize,
        left_docs: Vec<DocId>,
    },
    Remove {
        label: Label,
        spans: usize,
        docs: usize,
    },
}

/// What the window asked for this frame (carried out after it is drawn).
enum Ask {
    Set(Vec<LabelDef>, String),
    Rename(Label, String),
    Remove(Label),
    Add(String),
    ConfirmRename,
    ConfirmRemove { with_spans: bool },
    Cancel,
}

fn uses(counts: &HashMap<String, (usize, Vec<DocId>)>, name: &str) -> (usize, usize) {
    counts.get(name).map_or((0, 0), |(n, d)| (*n, d.len()))
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub fn label_editor_window(app: &mut EntitleApp, ctx: &egui::Context) {
    let (Some(session), Some(editor)) = (app.session.as_ref(), app.labels.as_mut()) else {
        return;
    };
    let labels = session.workspace.labels().to_vec();
    let schema = session.workspace.schema().clone();
    let fields = &mut app.schema_fields;
    let mut schema_change = None;
    let read_only = session.project.read_only_reason.clone();
    if editor.built_from != labels {
        editor.rows = labels
            .iter()
            .map(|l| Row {
                name: l.name.to_string(),
                key: l.hotkey.clone().unwrap_or_default(),
                description: l.description.clone().unwrap_or_default(),
            })
            .collect();
        editor.built_from = labels.clone();
    }
    let clock = session.workspace.clock();
    if editor.counted_at != Some(clock) {
        editor.counts = session.label_counts();
        editor.counted_at = Some(clock);
    }
    let mut ask = None;
    let mut open = true;
    egui::Window::new("Labels")
        .open(&mut open)
        .collapsible(false)
        .default_width(620.0)
        .anchor(egui::Align2::CENTER_TOP, [0.0, 60.0])
        .show(ctx, |ui| {
            if let Some(reason) = &read_only {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    format!("The labels cannot be changed: {reason}"),
                );
            }
            ui.add_enabled_ui(read_only.is_none() && editor.confirm.is_none(), |ui| {
                table(ui, &labels, editor, &mut ask);
                ui.separator();
                ui.horizontal(|ui| {
                    let field = ui.add(
                        egui::TextEdit::singleline(&mut editor.new_name)
                            .hint_text("new label name")
                            .desired_width(160.0),
                    );
                    let field = field.accessible_name("New label name");
                    let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                    if (ui.button("Add label").clicked() || enter) && !editor.new_name.trim().is_empty()
                    {
                        ask = Some(Ask::Add(editor.new_name.trim().to_string()));
                    }
                });
                ui.separator();
                schema_change = super::schema_editor::schema_sections(ui, &schema, fields);
            });
            if let Some(p) = &editor.problem {
                ui.colored_label(ui.visuals().warn_fg_color, p);
            }
            if let Some(c) = &editor.confirm {
                ui.separator();
                confirm_ui(ui, c, &mut ask);
            }
            ui.weak("Changes are saved to entitle.toml at once; Ctrl+Z undoes each one, a rename across every document included.");
        });
    if !open {
        ask = Some(Ask::Cancel);
        app.labels = None;
    }
    if let Some(a) = ask {
        app.carry_out(a, labels);
    }
    if let Some(c) = schema_change {
        app.schema_change(c);
    }
}

/// One row per label: colour, name, key, uses, description, order, remove.
fn table(ui: &mut egui::Ui, labels: &[LabelDef], editor: &mut LabelEditor, ask: &mut Option<Ask>) {
    egui::Grid::new("label-table")
        .num_columns(7)
        .spacing([8.0, 4.0])
        .striped(true)
        .show(ui, |ui| {
            for h in ["Colour", "Name", "Key", "Used by", "Description", "", ""] {
                ui.strong(h);
            }
            ui.end_row();
            for (i, def) in labels.iter().enumerate() {
                let Some(row) = editor.rows.get_mut(i) else {
                    break;
                };
                let name = def.name.to_string();
                colour_button(ui, labels, i, ask);
                let r = ui
                    .add(egui::TextEdit::singleline(&mut row.name).desired_width(120.0))
                    .accessible_name(format!("Name of {name}"));
                if r.lost_focus() && row.name.trim() != name {
                    *ask = Some(Ask::Rename(def.name.clone(), row.name.trim().to_string()));
                }
                let r = ui
                    .add(
                        egui::TextEdit::singleline(&mut row.key)
                            .char_limit(1)
                            .desired_width(22.0),
                    )
                    .accessible_name(format!("Key of {name}"));
                if r.changed() {
                    let key = row.key.trim().to_ascii_lowercase();
                    let mut new = labels.to_vec();
                    new[i].hotkey = (!key.is_empty()).then(|| key.clone());
                    let title = if key.is_empty() {
                        format!("No key for {name}")
                    } else {
                        format!("Key {key} for {name}")
                    };
                    *ask = Some(Ask::Set(new, title));
                }
                let (n, d) = uses(&editor.counts, &name);
                ui.label(if n == 0 {
                    "unused".to_string()
                } else {
                    format!(
                        "{} in {}",
                        plural(n, "span", "spans"),
                        plural(d, "doc", "docs")
                    )
                });
                let r = ui
                    .add(egui::TextEdit::singleline(&mut row.description).desired_width(200.0))
                    .accessible_name(format!("Description of {name}"));
                if r.lost_focus()
                    && row.description.trim() != def.description.as_deref().unwrap_or("")
                {
                    let mut new = labels.to_vec();
                    let d = row.description.trim();
                    new[i].description = (!d.is_empty()).then(|| d.to_string());
                    *ask = Some(Ask::Set(new, format!("Describe {name}")));
                }
                ui.horizontal(|ui| {
                    for (delta, glyph, what) in [(-1isize, "⏶", "up"), (1, "⏷", "down")] {
                        let j = i as isize + delta;
                        let ok = j >= 0 && (j as usize) < labels.len();
                        let b = ui
                            .add_enabled(ok, egui::Button::new(glyph).small())
                            .accessible_name(format!("Move {name} {what}"));
                        if b.clicked() {
                            let mut new = labels.to_vec();
                            new.swap(i, j as usize);
                            *ask = Some(Ask::Set(new, format!("Move {name} {what}")));
                        }
                    }
                });
                let b = ui
                    .add_enabled(labels.len() > 1, egui::Button::new("🗑").small())
                    .accessible_name(format!("Remove {name}"))
                    .on_hover_text("Remove this label (asks first when spans use it)");
                if b.clicked() {
                    *ask = Some(Ask::Remove(def.name.clone()));
                }
                ui.end_row();
            }
        });
}

/// A swatch that opens the palette (and a hex field) for label `i`.
fn colour_button(ui: &mut egui::Ui, labels: &[LabelDef], i: usize, ask: &mut Option<Ask>) {
    let def = &labels[i];
    let [r, g, b] = def.color.0;
    let swatch = egui::Button::new("")
        .fill(egui::Color32::from_rgb(r, g, b))
        .min_size(egui::vec2(28.0, 18.0));
    let (button, inner) = egui::containers::menu::MenuButton::from_button(swatch).ui(ui, |ui| {
        let mut chosen = None;
        ui.horizontal_wrapped(|ui| {
            ui.set_max_width(200.0);
            for c in LABEL_PALETTE {
                let taken = labels
                    .iter()
                    .find(|l| l.color.0 == *c && l.name != def.name);
                let b = ui
                    .add(
                        egui::Button::new("")
                            .fill(egui::Color32::from_rgb(c[0], c[1], c[2]))
                            .min_size(egui::vec2(24.0, 18.0)),
                    )
                    .accessible_name(format!("Colour {}", Rgb(*c)));
                let b = match taken {
                    Some(l) => b.on_hover_text(format!("{} (also {})", Rgb(*c), l.name)),
                    None => b.on_hover_text(Rgb(*c).to_string()),
                };
                if b.clicked() {
                    chosen = Some(Rgb(*c));
                }
            }
        });
        let id = ui.make_persistent_id(("hex", i));
        let mut hex: String = ui.data_mut(|d| {
            d.get_temp_mut_or_insert_with(id, || def.color.to_string())
                .clone()
        });
        let field = ui
            .add(egui::TextEdit::singleline(&mut hex).desired_width(80.0))
            .accessible_name("Colour as #rrggbb");
        ui.data_mut(|d| d.insert_temp(id, hex.clone()));
        if field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
            match hex.trim().parse::<Rgb>() {
                Ok(c) => chosen = Some(c),
                Err(_) => {
                    ui.data_mut(|d| d.insert_temp(id, def.color.to_string()));
                }
            }
        }
        if chosen.is_some() {
            ui.close();
        }
        chosen
    });
    let _ = button
        .accessible_name(format!("Colour of {}", def.name))
        .on_hover_text(def.color.to_string());
    if let Some(c) = inner.and_then(|r| r.inner)
        && c != def.color
    {
        let mut new = labels.to_vec();
        new[i].color = c;
        *ask = Some(Ask::Set(new, format!("Recolour {}", def.name)));
    }
}

fn confirm_ui(ui: &mut egui::Ui, c: &Confirm, ask: &mut Option<Ask>) {
    match c {
        Confirm::Rename {
            old,
            new,
            plan,
            left,
            left_docs,
        } => {
            let u = &plan.usage;
            if plan.merge {
                ui.strong(format!("Merge {old} into {new}?"));
                ui.label(format!(
                    "{} in {} become {new}; {old} leaves the label list (its colour and key go).",
                    plural(u.spans, "span", "spans"),
                    plural(u.docs, "document", "documents")
                ));
                if plan.merged_twins > 0 {
                    ui.label(format!(
                        "{} already marked {new} on the same text: the {old} copy is removed.",
                        plural(plan.merged_twins, "span is", "spans are")
                    ));
                }
            } else {
                ui.strong(format!("Rename {old} to {new}?"));
                ui.label(format!(
                    "{} in {} are renamed with it.",
                    plural(u.spans, "span", "spans"),
                    plural(u.docs, "document", "documents")
                ));
            }
            if u.done_docs > 0 {
                ui.label(format!(
                    "{} marked done {} changed too (a rename changes no annotation's place).",
                    plural(u.done_docs, "document", "documents"),
                    if u.done_docs == 1 { "is" } else { "are" }
                ));
            }
            if *left > 0 {
                let names: Vec<String> = left_docs.iter().take(5).map(|d| d.to_string()).collect();
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    format!(
                        "{} in documents that cannot be changed now keep the name {old} ({}{}).",
                        plural(*left, "span", "spans"),
                        names.join(", "),
                        if left_docs.len() > 5 { ", …" } else { "" }
                    ),
                );
            }
            ui.horizontal(|ui| {
                let verb = if plan.merge { "Merge" } else { "Rename" };
                if ui.button(format!("{verb} {old}")).clicked()
                    || ui.input(|i| i.key_pressed(egui::Key::Enter))
                {
                    *ask = Some(Ask::ConfirmRename);
                }
                if ui.button("Cancel").clicked() {
                    *ask = Some(Ask::Cancel);
                }
            });
        }
        Confirm::Remove { label, spans, docs } => {
            ui.strong(format!(
                "{label} is used by {} in {}.",
                plural(*spans, "span", "spans"),
                plural(*docs, "document", "documents")
            ));
            ui.horizontal(|ui| {
                if ui
                    .button(format!(
                        "Remove {label} and its {}",
                        plural(*spans, "span", "spans")
                    ))
                    .clicked()
                {
                    *ask = Some(Ask::ConfirmRemove { with_spans: true });
                }
                if ui
                    .button(format!("Remove {label} from the list, keep the spans"))
                    .on_hover_text("The spans stay (drawn grey) and are exported with their label; adding the label again brings its colour back.")
                    .clicked()
                {
                    *ask = Some(Ask::ConfirmRemove { with_spans: false });
                }
                if ui.button("Cancel").clicked() {
                    *ask = Some(Ask::Cancel);
                }
            });
        }
    }
}

impl EntitleApp {
    pub(crate) fn open_label_editor(&mut self) {
        if self.session.is_some() {
            self.labels = match self.labels {
                Some(_) => None,
                None => Some(LabelEditor::default()),
            };
        }
    }

    fn carry_out(&mut self, ask: Ask, labels: Vec<LabelDef>) {
        if let Some(e) = self.labels.as_mut() {
            e.problem = None;
        }
        match ask {
            Ask::Set(new, title) => {
                self.apply_labels(Command::SetLabels { labels: new }, &title);
            }
            Ask::Add(name) => match Label::new(&name) {
                Ok(label) if labels.iter().any(|l| l.name == label) => {
                    self.label_problem(format!("{label} is already a label."));
                }
                Ok(label) => {
                    let mut new = labels.clone();
                    new.push(
                        Schema {
                            labels,
                            ..Default::default()
                        }
                        .fresh_label(label.clone()),
                    );
                    if self
                        .apply_labels(Command::SetLabels { labels: new }, &format!("Add {label}"))
                        && let Some(e) = self.labels.as_mut()
                    {
                        e.new_name.clear();
                    }
                }
                Err(e) => self.label_problem(format!("“{name}” cannot be a label name: {e}.")),
            },
            Ask::Rename(old, name) => match Label::new(&name) {
                Ok(new) => self.plan_rename(old, new),
                Err(e) => {
                    self.label_problem(format!("“{name}” cannot be a label name: {e}."));
                    // Show the name in force again.
                    if let Some(ed) = self.labels.as_mut() {
                        ed.built_from.clear();
                    }
                }
            },
            Ask::Remove(label) => {
                let Some(session) = self.session.as_ref() else {
                    return;
                };
                let (spans, docs) = uses(&session.label_counts(), &label);
                if spans == 0 {
                    let cmd = plan_remove(&session.workspace, &labels, &label, false);
                    self.apply_labels(cmd, &format!("Remove {label}"));
                } else if let Some(e) = self.labels.as_mut() {
                    e.confirm = Some(Confirm::Remove { label, spans, docs });
                }
            }
            Ask::ConfirmRename => {
                if let Some(Confirm::Rename { old, new, plan, .. }) =
                    self.labels.as_mut().and_then(|e| e.confirm.take())
                {
                    let title = if plan.merge {
                        format!("Merge {old} into {new}")
                    } else {
                        format!("Rename {old} to {new}")
                    };
                    let n = plan.usage.spans;
                    if self.apply_labels(plan.command, &title) {
                        self.message(
                            Severity::Info,
                            format!(
                                "{title}: {} changed (Ctrl+Z undoes it).",
                                plural(n, "span", "spans")
                            ),
                        );
                    }
                }
            }
            Ask::ConfirmRemove { with_spans } => {
                if let Some(Confirm::Remove { label, .. }) =
                    self.labels.as_mut().and_then(|e| e.confirm.take())
                {
                    self.remove_label(&label, &labels, with_spans);
                }
            }
            Ask::Cancel => {
                if let Some(e) = self.labels.as_mut() {
                    e.confirm = None;
                    e.built_from.clear();
                }
            }
        }
    }

    fn label_problem(&mut self, text: String) {
        if let Some(e) = self.labels.as_mut() {
            e.problem = Some(text);
        }
    }

    /// Apply a label command as one undo step; a refusal shows in the editor.
    fn apply_labels(&mut self, cmd: Command, title: &str) -> bool {
        let Some(session) = self.session.as_mut() else {
            return false;
        };
        match session.workspace.apply(cmd, title) {
            Ok(_) => true,
            Err(e) => {
                self.label_problem(format!("{e}."));
                if let Some(ed) = self.labels.as_mut() {
                    ed.built_from.clear();
                }
                false
            }
        }
    }

    /// Open every document that uses either name, then plan the rename over them.
    fn plan_rename(&mut self, old: Label, new: Label) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        let counts = session.label_counts();
        let mut docs: Vec<DocId> = Vec::new();
        for name in [old.as_str(), new.as_str()] {
            if let Some((_, d)) = counts.get(name) {
                docs.extend(d.iter().cloned());
            }
        }
        for d in &docs {
            session.ensure_open(d);
        }
        let notices = session.take_notices();
        let labels = session.workspace.labels().to_vec();
        let plan = plan_rename(&session.workspace, &labels, &old, &new, chrono::Utc::now());
        // What cannot change: held-back (text changed) and read-only documents.
        let after = session.label_counts();
        let (total, _) = uses(&after, &old);
        let left = total.saturating_sub(plan.usage.spans);
        let changed: std::collections::HashSet<&DocId> = session
            .workspace
            .docs()
            .filter(|(_, d)| d.read_only.is_none())
            .map(|(id, _)| id)
            .collect();
        let left_docs: Vec<DocId> = after
            .get(old.as_str())
            .map(|(_, d)| d.iter().filter(|d| !changed.contains(d)).cloned().collect())
            .unwrap_or_default();
        for n in notices {
            self.message(n.severity, n.text);
        }
        if plan.usage.spans == 0 && left == 0 && !plan.merge {
            self.apply_labels(plan.command, &format!("Rename {old} to {new}"));
        } else if let Some(e) = self.labels.as_mut() {
            e.confirm = Some(Confirm::Rename {
                old,
                new,
                plan: Box::new(plan),
                left,
                left_docs,
            });
        }
    }

    fn remove_label(&mut self, label: &Label, labels: &[LabelDef], with_spans: bool) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        if with_spans {
            let counts = session.label_counts();
            for d in counts
                .get(label.as_str())
                .map(|(_, d)| d.clone())
                .unwrap_or_default()
            {
                session.ensure_open(&d);
            }
        }
        let notices = session.take_notices();
        let cmd = plan_remove(&session.workspace, labels, label, with_spans);
        for n in notices {
            self.message(n.severity, n.text);
        }
        let title = if with_spans {
            format!("Remove {label} and its spans")
        } else {
            format!("Remove {label}")
        };
        self.apply_labels(cmd, &title);
    }
}
