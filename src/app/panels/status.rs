//! Document status: new, in progress, needs review, done. Done documents are
//! protected (an edit asks to reopen, see [`EntitleApp::asks_to_reopen`]); the list
//! shows "n of N done" and filters and sorts by status.

use crate::app::{Action, EntitleApp};
use crate::edit::Command;
use crate::model::DocStatus;
use crate::session::Severity;

impl EntitleApp {
    /// Status of the document on screen.
    pub(crate) fn current_status(&self) -> Option<DocStatus> {
        let v = self.view.as_ref()?;
        Some(self.session.as_ref()?.workspace.doc(&v.id)?.set.status)
    }

    /// An edit of a done document waits for the user to reopen it (when protected).
    pub(crate) fn asks_to_reopen(&self, action: &Action) -> bool {
        let edits = match action {
            Action::ApplyLabel(_) => {
                // Only when there is something to tag or relabel.
                self.view
                    .as_ref()
                    .is_some_and(|v| v.selection.is_some() || v.selected_span.is_some())
            }
            Action::DeleteSpan => self
                .view
                .as_ref()
                .is_some_and(|v| v.selected_span.is_some()),
            _ => false,
        };
        edits && self.prefs.protect_done && self.current_status() == Some(DocStatus::Done)
    }

    /// Set the status of the document on screen (one undo step).
    pub(crate) fn set_status(&mut self, status: DocStatus) {
        let Some(doc) = self.view.as_ref().map(|v| v.id.clone()) else {
            return;
        };
        let Some(session) = self.session.as_mut() else {
            return;
        };
        if session.workspace.doc(&doc).map(|d| d.set.status) == Some(status) {
            return;
        }
        let title = format!("Mark {}", status.name());
        if let Err(e) = session
            .workspace
            .apply(Command::SetStatus { doc, status }, title)
        {
            self.edit_error(e);
            return;
        }
        self.status_counts = None;
    }
}

/// "This document is done: reopen it to edit?"
pub fn reopen_window(app: &mut EntitleApp, ctx: &egui::Context) {
    let Some(action) = app.reopen_prompt.clone() else {
        return;
    };
    let name = app.current_doc().map(|d| d.to_string()).unwrap_or_default();
    let mut choice = None;
    egui::Window::new("Document is done")
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .show(ctx, |ui| {
            ui.label(format!(
                "{name} is marked done, so it is protected from edits. Reopen it (status: in progress) and make this change?"
            ));
            ui.horizontal(|ui| {
                if ui.button("Reopen and edit").clicked() {
                    choice = Some(true);
                }
                if ui.button("Keep it done").clicked() {
                    choice = Some(false);
                }
            });
            ui.weak("View > Protect done documents turns this question off.");
        });
    match choice {
        Some(true) => {
            app.reopen_prompt = None;
            app.set_status(DocStatus::InProgress);
            app.pending.push(action);
        }
        Some(false) => {
            app.reopen_prompt = None;
            app.message(
                Severity::Info,
                format!("{name} stays done; nothing was changed."),
            );
        }
        None => {}
    }
}
