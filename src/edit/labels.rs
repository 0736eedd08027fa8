//! Changes to the label set that reach existing annotations: renaming (or merging) a
//! label and removing one. Each is planned as one [`Command`] over the documents open in
//! the workspace, so it is one undo step across the project; the caller opens every
//! document that has annotations first.

use super::{Command, Workspace};
use crate::model::{DocId, DocStatus, Label, LabelDef};
use chrono::{DateTime, Utc};

/// How many annotations use a label: spans and the documents they are in, with the
/// documents that cannot be changed (read-only) counted apart.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Usage {
    pub spans: usize,
    pub docs: usize,
    /// Spans in documents that cannot be changed (held back, newer format, locked).
    pub read_only_spans: usize,
    pub read_only_docs: Vec<DocId>,
    /// Spans in documents marked done (changed anyway: this is a schema change).
    pub done_docs: usize,
}

/// Count the spans with `label` in every open document.
pub fn usage(ws: &Workspace, label: &str) -> Usage {
    let mut u = Usage::default();
    for (id, d) in ws.docs() {
        let n = d.set.spans().iter().filter(|s| s.label == *label).count();
        if n == 0 {
            continue;
        }
        if d.read_only.is_some() {
            u.read_only_spans += n;
            u.read_only_docs.push(id.clone());
        } else {
            u.spans += n;
            u.docs += 1;
            if d.set.status == DocStatus::Done {
                u.done_docs += 1;
            }
        }
    }
    u.read_only_docs.sort();
    u
}

/// What a rename will do, for the confirmation.
#[derive(Debug, Clone, PartialEq)]
pub struct RenamePlan {
    pub command: Command,
    pub usage: Usage,
    /// Spans dropped because the target label already marks the same text (a merge).
    pub merged_twins: usize,
    /// The new name was already a label: the two are merged (the old one's colour and
    /// key go).
    pub merge: bool,
}

/// Rename `old` to `new` in the label set and on every span in an open, writable
/// document. If `new` is already a label, `old` is merged into it: a span that would
/// become a twin of one already there is removed. `labels` is the set before the change.
pub fn plan_rename(
    ws: &Workspace,
    labels: &[LabelDef],
    old: &Label,
    new: &Label,
    now: DateTime<Utc>,
) -> RenamePlan {
    let merge = labels.iter().any(|l| l.name == *new) && old != new;
    let new_labels: Vec<LabelDef> = if merge {
        labels.iter().filter(|l| l.name != *old).cloned().collect()
    } else {
        labels
            .iter()
            .map(|l| {
                let mut l = l.clone();
                if l.name == *old {
                    l.name = new.clone();
                }
                l
            })
            .collect()
    };
    // Relation types and attributes that name the label follow it.
    let mut schema = crate::model::Schema {
        labels: new_labels,
        ..ws.schema().clone()
    };
    schema.rename_label_refs(old, new);
    let mut cmds = vec![Command::SetSchema { schema }];
    let mut merged_twins = 0;
    let mut docs: Vec<(&DocId, &super::DocAnnotations)> =
        ws.docs().filter(|(_, d)| d.read_only.is_none()).collect();
    docs.sort_by(|a, b| a.0.cmp(b.0));
    for (id, d) in docs {
        for s in d.set.spans().iter().filter(|s| s.label == *old) {
            let twin =
                d.set.spans().iter().any(|t| {
                    t.label == *new && t.range == s.range && t.fragments() == s.fragments()
                });
            if twin {
                merged_twins += 1;
                cmds.push(Command::RemoveSpan {
                    doc: id.clone(),
                    id: s.id,
                });
            } else {
                cmds.push(Command::Relabel {
                    doc: id.clone(),
                    id: s.id,
                    label: new.clone(),
                    modified: Some(now),
                });
            }
        }
    }
    RenamePlan {
        command: Command::Batch(cmds),
        usage: usage(ws, old),
        merged_twins,
        merge,
    }
}

/// Remove `label` from the label set (and from the labels relation types and
/// attributes name: a list left empty then allows any label); with `with_spans`, also
/// every span that uses it in an open, writable document (their relations go with
/// them). Without, the spans stay and show in grey until the label is added again.
pub fn plan_remove(
    ws: &Workspace,
    labels: &[LabelDef],
    label: &Label,
    with_spans: bool,
) -> Command {
    let mut schema = crate::model::Schema {
        labels: labels
            .iter()
            .filter(|l| l.name != *label)
            .cloned()
            .collect(),
        ..ws.schema().clone()
    };
    schema.remove_label_refs(label);
    let mut cmds = vec![Command::SetSchema { schema }];
    if with_spans {
        let mut docs: Vec<(&DocId, &super::DocAnnotations)> =
            ws.docs().filter(|(_, d)| d.read_only.is_none()).collect();
        docs.sort_by(|a, b| a.0.cmp(b.0));
        for (id, d) in docs {
            for s in d.set.spans().iter().filter(|s| s.label == *label) {
                cmds.push(Command::RemoveSpan {
                    doc: id.clone(),
                    id: s.id,
                });
            }
        }
    }
    Command::Batch(cmds)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Schema, markup};

    fn ws(docs: &[(&str, &str)]) -> Workspace {
        let mut w = Workspace::new();
        w.load_schema(Schema::news_default(), None);
        for (id, m) in docs {
            let (text, set) = markup::parse_set(m).unwrap();
            w.insert_doc(DocId::new(*id).unwrap(), set, text.chars().count(), None);
        }
        w
    }

    fn labels_in(w: &Workspace, doc: &str) -> Vec<String> {
        let d = w.doc(&DocId::new(doc).unwrap()).unwrap();
        d.set.spans().iter().map(|s| s.label.to_string()).collect()
    }

    #[test]
    fn rename_reaches_every_document_and_undoes_as_one_step() {
        let mut w = ws(&[
            ("a", "[PER Ann] met [ORG UN] and [PER Bo]"),
            ("b", "[PER Cy] left"),
            ("c", "[GPE Syria]"),
        ]);
        let old = Label::new("PER").unwrap();
        let new = Label::new("PERSON").unwrap();
        let labels = w.labels().to_vec();
        let plan = plan_rename(&w, &labels, &old, &new, Utc::now());
        assert_eq!(plan.usage.spans, 3);
        assert_eq!(plan.usage.docs, 2);
        assert!(!plan.merge);
        w.apply(plan.command, "Rename PER to PERSON").unwrap();
        assert_eq!(labels_in(&w, "a"), ["PERSON", "ORG", "PERSON"]);
        assert_eq!(labels_in(&w, "b"), ["PERSON"]);
        assert!(w.labels().iter().any(|l| l.name == "PERSON"));
        assert!(!w.labels().iter().any(|l| l.name == "PER"));
        // Colour and key travel with the name.
        let per = labels.iter().find(|l| l.name == "PER").unwrap();
        let person = w.labels().iter().find(|l| l.name == "PERSON").unwrap();
        assert_eq!((per.color, &per.hotkey), (person.color, &person.hotkey));
        assert_eq!(w.undo_len(), 1);
        w.undo().unwrap();
        assert_eq!(labels_in(&w, "a"), ["PER", "ORG", "PER"]);
        assert_eq!(w.labels(), &labels[..]);
    }

    #[test]
    fn merge_drops_twins_and_read_only_documents_are_left_and_counted() {
        let mut w = ws(&[("a", "[GPE [LOC Syria]] and [LOC Idlib]")]);
        let (text, set) = markup::parse_set("[LOC Homs]").unwrap();
        w.insert_doc(
            DocId::new("ro").unwrap(),
            set,
            text.chars().count(),
            Some("locked".into()),
        );
        let labels = w.labels().to_vec();
        let loc = Label::new("LOC").unwrap();
        let gpe = Label::new("GPE").unwrap();
        let plan = plan_rename(&w, &labels, &loc, &gpe, Utc::now());
        assert!(plan.merge);
        assert_eq!(plan.merged_twins, 1);
        assert_eq!(plan.usage.read_only_spans, 1);
        assert_eq!(plan.usage.read_only_docs, [DocId::new("ro").unwrap()]);
        w.apply(plan.command, "Merge").unwrap();
        assert_eq!(labels_in(&w, "a"), ["GPE", "GPE"]);
        assert_eq!(labels_in(&w, "ro"), ["LOC"]);
        assert_eq!(w.labels().len(), labels.len() - 1);
    }

    #[test]
    fn remove_with_or_without_spans() {
        let mut w = ws(&[("a", "[PER Ann] in [GPE Syria]")]);
        let labels = w.labels().to_vec();
        let per = Label::new("PER").unwrap();
        w.apply(plan_remove(&w, &labels, &per, false), "Remove PER")
            .unwrap();
        assert_eq!(labels_in(&w, "a"), ["PER", "GPE"]);
        w.undo().unwrap();
        w.apply(plan_remove(&w, &labels, &per, true), "Remove PER")
            .unwrap();
        assert_eq!(labels_in(&w, "a"), ["GPE"]);
        assert!(!w.labels().iter().any(|l| l.name == "PER"));
        w.undo().unwrap();
        assert_eq!(labels_in(&w, "a"), ["PER", "GPE"]);
    }

    /// A schema with a relation type and an attribute that name PER and ORG.
    fn with_relations(w: &mut Workspace) {
        let toml = r##"
format_version = 1
[[labels]]
name = "PER"
color = "#e15759"
[[labels]]
name = "ORG"
color = "#4e79a7"
[[labels]]
name = "GPE"
color = "#59a14f"
[[relations]]
name = "Head_of"
from = ["PER"]
to = ["ORG", "GPE"]
[[attributes]]
name = "certainty"
kind = "choice"
values = ["confirmed", "reported"]
labels = ["PER", "GPE"]
"##;
        let config = crate::project::config::ProjectConfig::parse(toml).unwrap();
        w.load_schema(config.schema(), None);
    }

    #[test]
    fn rename_and_remove_reach_relation_types_and_attributes() {
        let mut w = ws(&[("a", "[PER Ann] heads [ORG UN]")]);
        with_relations(&mut w);
        let before = w.schema().clone();
        let labels = w.labels().to_vec();
        let per = Label::new("PER").unwrap();
        let person = Label::new("PERSON").unwrap();
        let plan = plan_rename(&w, &labels, &per, &person, Utc::now());
        w.apply(plan.command, "Rename").unwrap();
        let head = w.schema().relation("Head_of").unwrap();
        assert_eq!(head.from, std::slice::from_ref(&person));
        assert_eq!(
            w.schema().attribute("certainty").unwrap().labels,
            [person.clone(), Label::new("GPE").unwrap()]
        );
        w.undo().unwrap();
        assert_eq!(w.schema(), &before);
        // A merge into a label the list already names leaves it there once.
        let gpe = Label::new("GPE").unwrap();
        let org = Label::new("ORG").unwrap();
        let plan = plan_rename(&w, &labels, &gpe, &org, Utc::now());
        w.apply(plan.command, "Merge").unwrap();
        assert_eq!(w.schema().relation("Head_of").unwrap().to, [org]);
        w.undo().unwrap();
        // Removing PER empties Head_of's from list: any label may start it now.
        w.apply(plan_remove(&w, &labels, &per, false), "Remove PER")
            .unwrap();
        assert!(w.schema().relation("Head_of").unwrap().from.is_empty());
        assert_eq!(
            w.schema().attribute("certainty").unwrap().labels,
            [Label::new("GPE").unwrap()]
        );
        w.undo().unwrap();
        assert_eq!(w.schema(), &before);
        // Labels set alone keep the relation types; one they name cannot go that way.
        let without_org: Vec<LabelDef> =
            labels.iter().filter(|l| l.name != "ORG").cloned().collect();
        let e = w
            .apply(
                Command::SetLabels {
                    labels: without_org,
                },
                "x",
            )
            .unwrap_err();
        assert!(e.to_string().contains("not a label of this project"), "{e}");
    }

    #[test]
    fn a_label_set_the_schema_refuses_changes_nothing() {
        let mut w = ws(&[]);
        let mut labels = w.labels().to_vec();
        labels[1].hotkey = labels[0].hotkey.clone();
        let e = w
            .apply(Command::SetLabels { labels }, "Re-key")
            .unwrap_err();
        assert!(e.to_string().contains("used by two labels"), "{e}");
        assert_eq!(w.labels(), &Schema::news_default().labels[..]);
        w.load_schema(Schema::news_default(), Some("read-only".into()));
        let e = w
            .apply(
                Command::SetLabels {
                    labels: Schema::news_default().labels,
                },
                "x",
            )
            .unwrap_err();
        assert!(matches!(e, super::super::EditError::Labels(_)));
    }
}
