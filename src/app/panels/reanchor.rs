//! The re-anchoring confirmation: when a document's text changed since it was
//! annotated, the user sees what would move and what would be lost before anything is
//! saved over the annotation file (which is backed up in any case).

use crate::app::{Action, EntitleApp};
use crate::model::DocId;
use crate::project::annotation_file::Reanchored;

/// What re-anchoring one document would do, as shown.
pub struct Preview {
    pub doc: DocId,
    pub unchanged: usize,
    pub moved: usize,
    /// One line per span or relation that would not be placed.
    pub lost: Vec<String>,
}

impl Preview {
    pub fn new(doc: DocId, r: Reanchored) -> Self {
        let mut lost: Vec<String> = r
            .lost
            .iter()
            .map(|l| {
                format!(
                    "{} “{}” at {}..{}: {}",
                    l.span.label, l.span.text, l.span.start, l.span.end, l.reason
                )
            })
            .collect();
        lost.extend(
            r.lost_relations
                .iter()
                .map(|(rel, why)| format!("relation {} R{}: {why}", rel.label, rel.id)),
        );
        lost.extend(r.renumbered.iter().cloned());
        Self {
            doc,
            unchanged: r.unchanged,
            moved: r.moved,
            lost,
        }
    }
}

pub fn reanchor_window(app: &mut EntitleApp, ctx: &egui::Context) {
    let Some(p) = app.reanchor_preview.as_ref() else {
        return;
    };
    let mut open = true;
    let mut confirm = false;
    let mut cancel = false;
    egui::Window::new("Re-anchor annotations")
        .open(&mut open)
        .collapsible(false)
        .default_width(520.0)
        .show(ctx, |ui| {
            ui.label(format!(
                "The text of {} changed since it was annotated. Re-anchoring keeps {} spans where they are, moves {} to where their text now is, and cannot place {}:",
                p.doc,
                p.unchanged,
                p.moved,
                p.lost.len()
            ));
            if !p.lost.is_empty() {
                let row = ui.text_style_height(&egui::TextStyle::Body);
                egui::ScrollArea::vertical()
                    .max_height(200.0)
                    .auto_shrink([false, true])
                    .show_rows(ui, row, p.lost.len(), |ui, rows| {
                        for line in &p.lost[rows] {
                            ui.add(
                                egui::Label::new(
                                    egui::RichText::new(line).color(ui.visuals().warn_fg_color),
                                )
                                .truncate(),
                            );
                        }
                    });
            }
            ui.weak("The annotation file as it is now is kept as a backup beside it.");
            ui.horizontal(|ui| {
                if ui.button("Re-anchor and save").clicked() {
                    confirm = true;
                }
                if ui.button("Cancel").clicked() {
                    cancel = true;
                }
            });
        });
    if confirm {
        app.pending.push(Action::ConfirmReanchor);
    } else if cancel || !open {
        app.reanchor_preview = None;
    }
}
