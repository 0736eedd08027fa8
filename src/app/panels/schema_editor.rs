//! Relation types and attributes in the label editor (Ctrl+L): add, remove, and edit
//! keys, argument labels, symmetry, colours, values and the labels an attribute applies
//! to. Each change is one `Command::SetSchema` (one undo step) written to entitle.toml
//! by the session, like the labels above them; the workspace checks the schema and a
//! refusal (a key twice, an unknown label) is shown here.
//!
//! Renaming a type or an attribute that annotations use is left to entitle.toml: the
//! editor shows names read-only (a rename across documents, as labels have, is not
//! built for them yet).

use crate::app::EntitleApp;
use crate::edit::Command;
use crate::model::{AttributeDef, AttributeKind, Label, RelationDef, Schema};

/// The text fields being typed in, keyed by what they edit; refilled when the schema
/// changes.
#[derive(Default)]
pub(crate) struct SchemaFields {
    built_from: Option<Schema>,
    /// Per relation type: key, from, to.
    relations: Vec<[String; 3]>,
    /// Per attribute: values, labels.
    attributes: Vec<[String; 2]>,
    new_relation: String,
    new_attribute: String,
    pub problem: Option<String>,
}

fn list(labels: &[impl AsRef<str>]) -> String {
    labels
        .iter()
        .map(|l| l.as_ref())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `PER, ORG` or `PER ORG` → labels; a name that is not a label is refused with why.
fn parse_labels(text: &str) -> Result<Vec<Label>, String> {
    text.split([',', ' ', '|'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| Label::new(s).map_err(|e| format!("{s:?}: {e}")))
        .collect()
}

fn parse_values(text: &str) -> Vec<String> {
    text.split([',', '|'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// What the user asked for this frame.
pub(crate) enum Change {
    Schema(Schema, String),
    Problem(String),
}

impl EntitleApp {
    /// Carry out what the sections asked for (after the window is drawn).
    pub(crate) fn schema_change(&mut self, change: Change) {
        match change {
            Change::Schema(s, title) => self.apply_schema(s, &title),
            Change::Problem(p) => self.schema_fields.problem = Some(p),
        }
    }

    fn apply_schema(&mut self, schema: Schema, title: &str) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        let r = session
            .workspace
            .apply(Command::SetSchema { schema }, title);
        let fields = &mut self.schema_fields;
        match r {
            Ok(_) => fields.problem = None,
            Err(e) => {
                fields.problem = Some(format!("{e}."));
                fields.built_from = None;
            }
        }
    }
}

/// The two sections, below the labels in the label editor window; returns the change
/// asked for, to be carried out with [`EntitleApp::schema_change`].
pub(crate) fn schema_sections(
    ui: &mut egui::Ui,
    schema: &Schema,
    f: &mut SchemaFields,
) -> Option<Change> {
    if f.built_from.as_ref() != Some(schema) {
        f.relations = schema
            .relations
            .iter()
            .map(|r| {
                [
                    r.hotkey.clone().unwrap_or_default(),
                    list(&r.from),
                    list(&r.to),
                ]
            })
            .collect();
        f.attributes = schema
            .attributes
            .iter()
            .map(|a| [a.values.join(", "), list(&a.labels)])
            .collect();
        f.built_from = Some(schema.clone());
    }
    let mut change: Option<Change> = None;
    egui::CollapsingHeader::new(format!("Relation types ({})", schema.relations.len()))
        .default_open(true)
        .show(ui, |ui| {
            relations_ui(ui, schema, f, &mut change);
        });
    egui::CollapsingHeader::new(format!("Attributes ({})", schema.attributes.len()))
        .default_open(true)
        .show(ui, |ui| {
            attributes_ui(ui, schema, f, &mut change);
        });
    if let Some(p) = &f.problem {
        ui.colored_label(ui.visuals().warn_fg_color, p);
    }
    change
}

fn relations_ui(
    ui: &mut egui::Ui,
    schema: &Schema,
    f: &mut SchemaFields,
    change: &mut Option<Change>,
) {
    egui::Grid::new("relation-types").striped(true).show(ui, |ui| {
        for h in ["", "Type", "Key", "From labels", "To labels", "Symmetric", ""] {
            ui.strong(h);
        }
        ui.end_row();
        for (i, r) in schema.relations.iter().enumerate() {
            let Some(row) = f.relations.get_mut(i) else {
                continue;
            };
            let mut rgb = r.color.0;
            if ui
                .color_edit_button_srgb(&mut rgb)
                .on_hover_text(format!("Colour of {}", r.name))
                .changed()
            {
                let mut s = schema.clone();
                s.relations[i].color = crate::model::Rgb(rgb);
                *change = Some(Change::Schema(s, format!("Recolour {}", r.name)));
            }
            ui.label(r.name.as_str())
                .on_hover_text("Rename a type in entitle.toml (the relations of every document keep their type name).");
            let mut edited = None;
            for (k, (field, width, what)) in row
                .iter_mut()
                .zip([(30.0, "key"), (140.0, "from labels"), (140.0, "to labels")])
                .map(|(f, (w, n))| (f, w, n))
                .enumerate()
            {
                let resp = ui.add(egui::TextEdit::singleline(field).desired_width(width));
                let resp = resp.accessible_name(format!("{} {what}", r.name));
                if resp.lost_focus() {
                    edited = Some(k);
                }
            }
            let mut symmetric = r.symmetric;
            if ui
                .checkbox(&mut symmetric, "")
                .on_hover_text(format!("{}: the order of the two spans means nothing", r.name))
                .changed()
            {
                let mut s = schema.clone();
                s.relations[i].symmetric = symmetric;
                *change = Some(Change::Schema(s, format!("{} symmetric", r.name)));
            }
            if ui.small_button("Remove").on_hover_text(format!("Remove the type {} (relations that use it stay, drawn grey)", r.name)).clicked() {
                let mut s = schema.clone();
                s.relations.remove(i);
                *change = Some(Change::Schema(s, format!("Remove {}", r.name)));
            }
            ui.end_row();
            if let Some(k) = edited {
                let mut s = schema.clone();
                let d = &mut s.relations[i];
                let text = row[k].trim().to_string();
                let ok = match k {
                    0 => {
                        d.hotkey = (!text.is_empty()).then_some(text);
                        Ok(())
                    }
                    1 => parse_labels(&text).map(|l| d.from = l),
                    _ => parse_labels(&text).map(|l| d.to = l),
                };
                match ok {
                    Ok(()) if s != *schema => {
                        *change = Some(Change::Schema(s, format!("Edit {}", r.name)));
                    }
                    Ok(()) => {}
                    Err(e) => *change = Some(Change::Problem(e)),
                }
            }
        }
    });
    ui.horizontal(|ui| {
        let field = ui.add(
            egui::TextEdit::singleline(&mut f.new_relation)
                .hint_text("new relation type")
                .desired_width(160.0),
        );
        let field = field.accessible_name("New relation type");
        let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if (ui.button("Add relation type").clicked() || enter) && !f.new_relation.trim().is_empty()
        {
            match Label::new(f.new_relation.trim()) {
                Ok(name) => {
                    let mut s = schema.clone();
                    let def: RelationDef = s.fresh_relation(name.clone());
                    s.relations.push(def);
                    f.new_relation.clear();
                    *change = Some(Change::Schema(s, format!("Add {name}")));
                }
                Err(e) => *change = Some(Change::Problem(format!("{e}"))),
            }
        }
    });
}

fn attributes_ui(
    ui: &mut egui::Ui,
    schema: &Schema,
    f: &mut SchemaFields,
    change: &mut Option<Change>,
) {
    egui::Grid::new("attributes").striped(true).show(ui, |ui| {
        for h in ["Attribute", "Kind", "Values", "Labels", ""] {
            ui.strong(h);
        }
        ui.end_row();
        for (i, a) in schema.attributes.iter().enumerate() {
            let Some(row) = f.attributes.get_mut(i) else {
                continue;
            };
            let name = ui.label(a.name.as_str());
            let mut kind = a.kind;
            egui::ComboBox::from_id_salt(("attribute-kind", i))
                .selected_text(kind.name())
                .show_ui(ui, |ui| {
                    for k in [
                        AttributeKind::Flag,
                        AttributeKind::Choice,
                        AttributeKind::Text,
                    ] {
                        ui.selectable_value(&mut kind, k, k.name());
                    }
                })
                .response
                .labelled_by(name.id);
            if kind != a.kind {
                let mut s = schema.clone();
                let d = &mut s.attributes[i];
                d.kind = kind;
                if kind == AttributeKind::Choice {
                    d.values = parse_values(&row[0]);
                    if d.values.is_empty() {
                        d.values = vec!["yes".into(), "no".into()];
                    }
                } else {
                    d.values.clear();
                }
                *change = Some(Change::Schema(
                    s,
                    format!("{} is a {}", a.name, kind.name()),
                ));
            }
            let mut edited = None;
            for (k, (field, what)) in row.iter_mut().zip(["values", "labels"]).enumerate() {
                let enabled = k != 0 || a.kind == AttributeKind::Choice;
                let resp = ui.add_enabled(
                    enabled,
                    egui::TextEdit::singleline(field).desired_width(170.0),
                );
                let resp = resp.accessible_name(format!("{} {what}", a.name));
                if resp.lost_focus() {
                    edited = Some(k);
                }
            }
            if ui
                .small_button("Remove")
                .on_hover_text(format!(
                    "Remove the attribute {} (values spans have stay)",
                    a.name
                ))
                .clicked()
            {
                let mut s = schema.clone();
                s.attributes.remove(i);
                *change = Some(Change::Schema(s, format!("Remove {}", a.name)));
            }
            ui.end_row();
            if let Some(k) = edited {
                let mut s = schema.clone();
                let d = &mut s.attributes[i];
                let ok = if k == 0 {
                    d.values = parse_values(&row[0]);
                    Ok(())
                } else {
                    parse_labels(&row[1]).map(|l| d.labels = l)
                };
                match ok {
                    Ok(()) if s != *schema => {
                        *change = Some(Change::Schema(s, format!("Edit {}", a.name)));
                    }
                    Ok(()) => {}
                    Err(e) => *change = Some(Change::Problem(e)),
                }
            }
        }
    });
    ui.horizontal(|ui| {
        let field = ui.add(
            egui::TextEdit::singleline(&mut f.new_attribute)
                .hint_text("new attribute (a flag)")
                .desired_width(160.0),
        );
        let field = field.accessible_name("New attribute");
        let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if (ui.button("Add attribute").clicked() || enter) && !f.new_attribute.trim().is_empty() {
            match Label::new(f.new_attribute.trim()) {
                Ok(name) => {
                    let mut s = schema.clone();
                    s.attributes.push(AttributeDef {
                        name: name.clone(),
                        kind: AttributeKind::Flag,
                        values: Vec::new(),
                        labels: Vec::new(),
                        description: None,
                    });
                    f.new_attribute.clear();
                    *change = Some(Change::Schema(s, format!("Add {name}")));
                }
                Err(e) => *change = Some(Change::Problem(format!("{e}"))),
            }
        }
    });
}
