//! A working session on one project for one annotator: which documents are open, their
//! problems, and the autosave policy. Shared by the desktop app and the CLI; no egui.
//!
//! Autosave policy: as soon as a document's revision moves past what was handed to the
//! writer, a snapshot goes to the writer thread (coalesced there), so a change is on
//! disk within one write (milliseconds), far inside the one-second promise. A failed
//! write is retried every [`RETRY_AFTER`] and shown to the user until it succeeds.

use crate::edit::Workspace;
use crate::model::{AnnotationSet, DocId, DocStatus, Document};
use crate::project::annotation_file::{self, Checked, FileProblem, ParsedFile, Summary};
use crate::project::autosave::{Autosaver, SaveOutcome, SaveRequest};
use crate::project::{AnnotationReadError, DocError, Project};
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

pub const RETRY_AFTER: Duration = Duration::from_secs(2);
/// How often the annotation files of open documents are checked for changes made by
/// others (a `git pull`): a stat per open document.
pub const DISK_CHECK_EVERY: Duration = Duration::from_secs(1);

/// `(modified, length)` of a file, `None` when there is none.
type Stamp = Option<(std::time::SystemTime, u64)>;

fn stamp_of(path: &std::path::Path) -> Stamp {
    let m = std::fs::metadata(path).ok()?;
    Some((m.modified().ok()?, m.len()))
}

/// What the session last knew of a document's annotation file.
#[derive(Debug, Clone)]
struct OnDisk {
    stamp: Stamp,
    /// `content_hash` of the content last read or written (`None`: no file).
    hash: Option<u64>,
    /// Read the file at the next check even if its stamp did not move (we wrote it and
    /// do not know its new stamp).
    stale: bool,
    /// The annotations that content holds: the base of a merge with unsaved edits.
    base: AnnotationSet,
    /// The file changed into something that cannot be used (a git conflict): its next
    /// change is taken whatever its content, even the bytes we had before.
    unreadable: bool,
}

/// Starts the read-only reason of a document whose file changed on disk into
/// something that cannot be used (git conflict markers): the document becomes
/// editable again when the file is fixed.
const CONFLICT_TAG: &str = "Changed on disk and cannot be read: ";

/// How serious a notice is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

/// A message for the user: what happened, where, what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub severity: Severity,
    pub text: String,
}

/// Why an open document cannot be shown or edited normally.
#[derive(Debug, Clone)]
pub enum DocProblem {
    /// The text could not be read or decoded; nothing is shown.
    Unreadable(String),
    /// The text changed since it was annotated; spans are held back until re-anchored.
    TextChanged {
        file: Box<ParsedFile>,
        path: PathBuf,
    },
    /// The annotations cannot be edited (newer format, unreadable file, locked project).
    ReadOnly(String),
}

/// A document that has been opened in this session.
#[derive(Debug, Clone)]
pub struct OpenDoc {
    /// The text, if it could be read.
    pub doc: Option<Document>,
    pub problem: Option<DocProblem>,
}

/// What the status bar says about saving.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveState {
    Saved,
    Saving,
    Failed(String),
}

#[derive(Debug, Default, Clone, Copy)]
struct SaveTrack {
    submitted: u64,
    saved: u64,
    failed_at: Option<Instant>,
}

/// One project opened by one annotator.
pub struct Session {
    pub project: Project,
    annotator: String,
    pub workspace: Workspace,
    open: HashMap<DocId, OpenDoc>,
    summaries: HashMap<DocId, Summary>,
    autosave: Autosaver,
    tracks: HashMap<DocId, SaveTrack>,
    last_error: Option<String>,
    notices: Vec<Notice>,
    /// The workspace's label revision last written to entitle.toml, and when writing
    /// it last failed (retried after [`RETRY_AFTER`]).
    labels_written: u64,
    labels_failed_at: Option<Instant>,
    /// Annotation files of open documents as last read or written.
    disk: HashMap<DocId, OnDisk>,
    /// Snapshots handed to the writer, by revision, until it reports them saved.
    snapshots: HashMap<DocId, Vec<(u64, AnnotationSet)>>,
    disk_checked: Option<Instant>,
}

impl Session {
    pub fn new(project: Project, annotator: &str) -> std::io::Result<Self> {
        let annotator = crate::project::sanitize_annotator(annotator);
        let summaries = project
            .docs()
            .iter()
            // A file that cannot be read shows as empty here; opening it says why.
            .filter_map(|d| Some((d.id.clone(), project.summary(&annotator, &d.id).ok()??)))
            .collect();
        let mut notices = Vec::new();
        if let Some(reason) = &project.read_only_reason {
            notices.push(Notice {
                severity: Severity::Warning,
                text: format!("{}: {reason}", project.root().display()),
            });
        }
        if let Some(i) = &project.interrupted_import {
            notices.push(Notice {
                severity: Severity::Warning,
                text: i.describe(project.root()),
            });
        }
        for s in &project.skipped {
            notices.push(Notice {
                severity: Severity::Warning,
                text: format!("Skipped {s}. Rename the file to open it."),
            });
        }
        if project.docs().is_empty() {
            notices.push(Notice {
                severity: Severity::Info,
                text: format!(
                    "{} has no .txt documents. Add UTF-8 .txt files to the folder, or open another folder.",
                    project.root().display()
                ),
            });
        }
        // Temporary files of a save or import that was killed mid-write.
        let swept = project.sweep_temp_files(&annotator);
        if swept > 0 {
            notices.push(Notice {
                severity: Severity::Info,
                text: format!(
                    "Removed {swept} temporary files left by a save or an import that was interrupted (nothing was lost: every file is whole)."
                ),
            });
        }
        let mut workspace = Workspace::new();
        workspace.load_schema(project.schema(), project.read_only_reason.clone());
        Ok(Self {
            project,
            annotator,
            workspace,
            open: HashMap::new(),
            summaries,
            autosave: Autosaver::new()?,
            tracks: HashMap::new(),
            last_error: None,
            notices,
            labels_written: 0,
            labels_failed_at: None,
            disk: HashMap::new(),
            snapshots: HashMap::new(),
            disk_checked: None,
        })
    }

    pub fn annotator(&self) -> &str {
        &self.annotator
    }

    /// The project, to open another session on it (the lock goes with it). Call
    /// [`Session::flush`] first: unsaved changes are dropped.
    pub fn into_project(self) -> Project {
        self.project
    }

    /// Take the notices gathered since the last call.
    pub fn take_notices(&mut self) -> Vec<Notice> {
        std::mem::take(&mut self.notices)
    }

    fn notice(&mut self, severity: Severity, text: String) {
        self.notices.push(Notice { severity, text });
    }

    pub fn open_doc(&self, id: &DocId) -> Option<&OpenDoc> {
        self.open.get(id)
    }

    /// Open a document (once): read its text and this annotator's annotations, check
    /// them, and put them in the workspace. Problems become [`DocProblem`]s and notices;
    /// nothing is ever overwritten.
    pub fn ensure_open(&mut self, id: &DocId) -> &OpenDoc {
        if !self.open.contains_key(id) {
            let opened = self.load(id);
            self.open.insert(id.clone(), opened);
        }
        &self.open[id]
    }

    fn load(&mut self, id: &DocId) -> OpenDoc {
        let doc = match self.project.load_document(id) {
            Ok(d) => d,
            Err(e) => {
                let what = match &e {
                    DocError::Text { .. } => e.to_string(),
                    DocError::Io { .. } => format!("{e}. Check the file exists and is readable"),
                };
                return OpenDoc {
                    doc: None,
                    problem: Some(DocProblem::Unreadable(what)),
                };
            }
        };
        let locked = self.project.read_only_reason.clone();
        let mut repaired = false;
        // Stamp first: a change between this and the read is seen at the next check.
        let file = self.project.annotation_path(&self.annotator, id);
        let mut stamp = stamp_of(&file);
        let mut hash = None;
        let read = self.project.read_annotations(&self.annotator, id);
        if let Ok(Some(p)) = &read {
            hash = Some(p.content_hash());
        } else if read.is_err() {
            hash = crate::fsio::read_regular(&file, crate::project::MAX_ANNOTATION_FILE_BYTES)
                .ok()
                .map(|b| annotation_file::content_hash(&b));
        }
        let (set, problem) = match read {
            Ok(None) => (AnnotationSet::new(), locked.map(DocProblem::ReadOnly)),
            Ok(Some(parsed)) => {
                let path = self.project.annotation_path(&self.annotator, id);
                match parsed.check(&doc) {
                    Ok(Checked::Current { set, repairs }) if repairs.is_empty() => {
                        (set, locked.map(DocProblem::ReadOnly))
                    }
                    Ok(Checked::Current { set, repairs }) => match self.repaired(&path, &repairs) {
                        Ok(()) => {
                            repaired = locked.is_none();
                            (set, locked.map(DocProblem::ReadOnly))
                        }
                        Err(msg) => (set, Some(DocProblem::ReadOnly(msg))),
                    },
                    Ok(Checked::TextChanged(file)) => {
                        self.notice(Severity::Warning, format!(
                            "The text of {} changed since it was annotated: its {} annotations (in {}) are held back so none lands in the wrong place. Use “Re-anchor annotations” to move them onto the new text.",
                            doc_path(&self.project, id), file.spans.len(), path.display()));
                        (
                            AnnotationSet::new(),
                            Some(DocProblem::TextChanged {
                                file: Box::new(file),
                                path,
                            }),
                        )
                    }
                    Err(problem) => self.damaged(id, path, AnnotationReadError::Problem(problem)),
                }
            }
            Err((path, err)) => self.damaged(id, path, err),
        };
        let read_only = problem.as_ref().map(|p| match p {
            DocProblem::ReadOnly(r) | DocProblem::Unreadable(r) => r.clone(),
            DocProblem::TextChanged { .. } => "its text changed since it was annotated".into(),
        });
        if !file.exists() {
            // Set aside (damaged): there is no file now.
            stamp = None;
            hash = None;
        }
        self.disk.insert(
            id.clone(),
            OnDisk {
                stamp,
                hash,
                stale: false,
                base: set.clone(),
                unreadable: false,
            },
        );
        self.workspace
            .insert_doc(id.clone(), set, doc.len_chars(), read_only);
        if repaired {
            // Saved at once, so the file on disk is the repaired one.
            self.workspace.mark_changed(id);
        }
        OpenDoc {
            doc: Some(doc),
            problem,
        }
    }

    /// A file that loaded only after repairs: back it up (it will be saved over) and say
    /// what was mended. If it cannot be backed up, the document stays read-only.
    fn repaired(&mut self, path: &std::path::Path, repairs: &[String]) -> Result<(), String> {
        match self.project.back_up(path, "before-repair") {
            Ok(backup) => {
                self.notice(
                    Severity::Warning,
                    format!(
                        "{} needed repairs: {}. The file as it was is kept as {}.",
                        path.display(),
                        repairs.join("; "),
                        backup.display()
                    ),
                );
                Ok(())
            }
            Err(e) => {
                let msg = format!(
                    "{} needs repairs ({}), but it could not be backed up first ({e}); the document is read-only",
                    path.display(),
                    repairs.join("; ")
                );
                self.notice(Severity::Error, msg.clone());
                Err(msg)
            }
        }
    }

    /// An annotation file that cannot be used: keep it aside (never overwrite it).
    fn damaged(
        &mut self,
        id: &DocId,
        path: PathBuf,
        err: AnnotationReadError,
    ) -> (AnnotationSet, Option<DocProblem>) {
        // Not damage: a newer format, or a label name to rename. Keep the file as it is.
        let newer = matches!(
            err,
            AnnotationReadError::Problem(
                FileProblem::NewerVersion { .. }
                    | FileProblem::BadLabel { .. }
                    | FileProblem::Conflict { .. }
            )
        );
        let io = matches!(err, AnnotationReadError::Io(_));
        let where_ = match &err {
            AnnotationReadError::Problem(p) => {
                format!("{}:{}", path.display(), p.line().unwrap_or(1))
            }
            AnnotationReadError::Io(_) => path.display().to_string(),
        };
        if newer || io || self.project.read_only_reason.is_some() {
            let msg = format!("{where_}: {err}. The document is read-only until this is fixed.");
            self.notice(Severity::Error, msg.clone());
            return (AnnotationSet::new(), Some(DocProblem::ReadOnly(msg)));
        }
        match self.project.set_aside(&path) {
            Ok(aside) => {
                self.notice(Severity::Error, format!(
                    "{where_}: {err}. The damaged file was kept as {} (unchanged) and {} starts with no annotations. To recover, repair that file and rename it back while Entitle is closed.",
                    aside.display(), id));
                self.summaries.remove(id);
                (AnnotationSet::new(), None)
            }
            Err(e) => {
                let msg = format!(
                    "{where_}: {err}. It could not be moved aside ({e}), so the document is read-only to keep it safe."
                );
                self.notice(Severity::Error, msg.clone());
                (AnnotationSet::new(), Some(DocProblem::ReadOnly(msg)))
            }
        }
    }

    /// What re-anchoring held-back annotations would do, changing nothing: shown to
    /// the user before [`Session::reanchor`] saves anything.
    pub fn reanchor_preview(&self, id: &DocId) -> Result<annotation_file::Reanchored, String> {
        match self.open.get(id) {
            Some(OpenDoc {
                doc: Some(doc),
                problem: Some(DocProblem::TextChanged { file, .. }),
            }) => Ok(annotation_file::reanchor(file, doc)),
            _ => Err(format!("{id} has no held-back annotations")),
        }
    }

    /// Re-anchor held-back annotations onto the changed text: the old file is backed
    /// up, spans are matched by their text, and the result is saved. Returns a summary
    /// naming every span and relation that could not be placed.
    pub fn reanchor(&mut self, id: &DocId) -> Result<String, String> {
        let r = self.reanchor_preview(id)?;
        let Some(OpenDoc {
            doc: Some(doc),
            problem: Some(DocProblem::TextChanged { path, .. }),
        }) = self.open.get(id).cloned()
        else {
            return Err(format!("{id} has no held-back annotations"));
        };
        let backup = self
            .project
            .back_up(&path, "before-reanchor")
            .map_err(|e| {
                format!(
                    "could not back up {}: {e}; nothing was changed",
                    path.display()
                )
            })?;
        let msg = reanchor_summary(id, &r, &backup);
        self.workspace
            .insert_doc(id.clone(), r.set, doc.len_chars(), None);
        self.workspace.mark_changed(id);
        self.open.insert(
            id.clone(),
            OpenDoc {
                doc: Some(doc),
                problem: None,
            },
        );
        self.notice(
            if r.lost.is_empty() && r.lost_relations.is_empty() {
                Severity::Info
            } else {
                Severity::Warning
            },
            msg.clone(),
        );
        Ok(msg)
    }

    /// After documents were imported into the project (files written on disk): forget
    /// the in-memory copies of those documents and refresh their list entries. Call
    /// [`Session::flush`] before importing so nothing unsaved is dropped.
    pub fn refresh_after_import(&mut self, ids: &[DocId]) {
        for id in ids {
            if self.open.remove(id).is_some() {
                self.workspace.remove_doc(id);
                self.tracks.remove(id);
            }
            match self.project.summary(&self.annotator, id).ok().flatten() {
                Some(s) => {
                    self.summaries.insert(id.clone(), s);
                }
                None => {
                    self.summaries.remove(id);
                }
            }
        }
    }

    /// Span count and status of a document for the list: live if open, else from disk.
    pub fn summary(&self, id: &DocId) -> Summary {
        if let Some(d) = self.workspace.doc(id)
            && (d.read_only.is_none() || !d.set.is_empty())
        {
            return Summary {
                status: d.set.status,
                spans: d.set.len(),
            };
        }
        self.summaries.get(id).copied().unwrap_or(Summary {
            status: DocStatus::New,
            spans: 0,
        })
    }

    /// entitle.toml changed on disk (or an import added labels): take its labels as
    /// the ones in force. Not an undo step.
    pub fn labels_reloaded(&mut self) {
        self.workspace
            .load_schema(self.project.schema(), self.project.read_only_reason.clone());
        self.labels_written = self.workspace.labels_revision();
    }

    /// Write the labels to entitle.toml when the schema editor (or undo of one of its
    /// steps) changed them. Returns true when the labels in force changed, so the
    /// caller rebuilds colours and keys. A failed write keeps them in force and is
    /// retried every [`RETRY_AFTER`].
    pub fn sync_labels(&mut self) -> bool {
        let rev = self.workspace.labels_revision();
        if rev == self.labels_written
            || self
                .labels_failed_at
                .is_some_and(|at| at.elapsed() < RETRY_AFTER)
        {
            return false;
        }
        let first_try = self.labels_failed_at.is_none();
        match self.project.set_schema(self.workspace.schema().clone()) {
            Ok(()) => {
                self.labels_written = rev;
                self.labels_failed_at = None;
                first_try
            }
            Err(e) => {
                if first_try {
                    self.notice(
                        Severity::Error,
                        format!(
                            "Could not save the labels to {}: {e}. They are in force in this window; retrying every {} s.",
                            self.project.root().join(crate::project::CONFIG_FILE).display(),
                            RETRY_AFTER.as_secs()
                        ),
                    );
                }
                self.labels_failed_at = Some(Instant::now());
                first_try
            }
        }
    }

    /// How many spans of each label every annotated document holds: live for open
    /// documents, read from the annotation file (no text needed) for the others. A file
    /// that cannot be read counts as empty here; opening it says why.
    pub fn label_counts(&self) -> HashMap<String, (usize, Vec<DocId>)> {
        let mut counts: HashMap<String, (usize, Vec<DocId>)> = HashMap::new();
        for entry in self.project.docs() {
            let id = &entry.id;
            let mut add = |label: &str| {
                let c = counts.entry(label.to_string()).or_default();
                c.0 += 1;
                if c.1.last() != Some(id) {
                    c.1.push(id.clone());
                }
            };
            // A held-back document (text changed) shows no spans; its file has them.
            let live = self
                .workspace
                .doc(id)
                .filter(|d| d.read_only.is_none() || !d.set.is_empty());
            if let Some(d) = live {
                d.set.spans().iter().for_each(|s| add(&s.label));
            } else if self.summaries.get(id).is_some_and(|s| s.spans > 0)
                && let Ok(Some(f)) = self.project.read_annotations(&self.annotator, id)
            {
                f.spans.iter().for_each(|s| add(&s.label));
            }
        }
        counts
    }

    /// Hand changed documents to the writer and collect its reports. Call once per
    /// frame (cheap when nothing changed).
    pub fn autosave_tick(&mut self) {
        for outcome in self.autosave.poll() {
            match outcome {
                SaveOutcome::Saved {
                    doc,
                    revision,
                    hash,
                } => {
                    let snaps = self.snapshots.entry(doc.clone()).or_default();
                    let saved = snaps.iter().position(|(r, _)| *r == revision);
                    if let Some(i) = saved {
                        let (_, set) = snaps.swap_remove(i);
                        snaps.retain(|(r, _)| *r > revision);
                        if let Some(d) = self.disk.get_mut(&doc) {
                            d.base = set;
                            d.hash = Some(hash);
                            d.stale = true;
                        }
                    }
                    let t = self.tracks.entry(doc).or_default();
                    t.saved = t.saved.max(revision);
                    t.failed_at = None;
                    self.last_error = None;
                }
                SaveOutcome::Failed { doc, error, .. } => {
                    let t = self.tracks.entry(doc).or_default();
                    t.failed_at = Some(Instant::now());
                    // Allow a resubmit of the same revision after RETRY_AFTER.
                    t.submitted = t.saved;
                    if self.last_error.as_deref() != Some(error.as_str()) {
                        self.notice(
                            Severity::Error,
                            format!("{error}. Retrying every {} s; your changes are kept in memory until it works.", RETRY_AFTER.as_secs()),
                        );
                    }
                    self.last_error = Some(error);
                }
            }
        }
        if self
            .disk_checked
            .is_none_or(|t| t.elapsed() >= DISK_CHECK_EVERY)
        {
            self.disk_checked = Some(Instant::now());
            self.check_disk();
        }
        let due: Vec<DocId> = self
            .workspace
            .docs()
            .filter(|(id, d)| {
                let t = self.tracks.get(*id).copied().unwrap_or_default();
                // Read-only: never written (its file may hold a conflict being resolved).
                d.read_only.is_none()
                    && d.revision > t.submitted
                    && t.failed_at.is_none_or(|at| at.elapsed() >= RETRY_AFTER)
            })
            .map(|(id, _)| id.clone())
            .collect();
        if due.is_empty() {
            return;
        }
        if let Err(e) = self.project.ensure_initialized() {
            let msg = format!(
                "could not create {} in {}: {e}",
                crate::project::CONFIG_FILE,
                self.project.root().display()
            );
            if self.last_error.as_deref() != Some(msg.as_str()) {
                self.notice(
                    Severity::Error,
                    format!(
                        "{msg}. Your changes are kept in memory; check the folder is writable."
                    ),
                );
            }
            self.last_error = Some(msg);
            for id in due {
                self.tracks.entry(id).or_default().failed_at = Some(Instant::now());
            }
            return;
        }
        for id in due {
            // A pull may have changed the file since the last check: merge first, so
            // this save does not write over it.
            self.check_file(&id);
            let (Some(d), Some(OpenDoc { doc: Some(doc), .. })) =
                (self.workspace.doc(&id), self.open.get(&id))
            else {
                continue;
            };
            let path = self.project.annotation_path(&self.annotator, &id);
            if let Err(e) = self.project.check_inside(&path) {
                self.notice(Severity::Error, e.to_string());
                continue;
            }
            let req = SaveRequest {
                path,
                doc: doc.clone(),
                annotator: self.annotator.clone(),
                status: d.set.status,
                next_span_id: d.set.next_id().0,
                spans: d.set.spans().to_vec(),
                relations: d.set.relations().to_vec(),
                next_relation_id: d.set.next_relation_id().0,
                rejected: d.set.rejected.clone(),
                pending: d.set.pending.clone(),
                revision: d.revision,
            };
            let snaps = self.snapshots.entry(id.clone()).or_default();
            snaps.push((req.revision, d.set.clone()));
            if snaps.len() > 8 {
                // The writer coalesces: older ones will never be reported.
                snaps.remove(0);
            }
            let t = self.tracks.entry(id).or_default();
            t.submitted = req.revision;
            t.failed_at = None;
            self.autosave.submit(req);
        }
    }

    /// Check the annotation files of open documents for changes made by someone else
    /// (a `git pull`, another program) and take them in: a document without unsaved
    /// edits is reloaded; one with unsaved edits gets them replayed on the new file
    /// ([`crate::edit::merge::rebase`]); a file with git conflict markers (or otherwise
    /// unreadable) makes the document read-only, edits kept in memory, until it is
    /// fixed. Returns the documents reloaded. Called by [`Session::autosave_tick`]
    /// every [`DISK_CHECK_EVERY`].
    pub fn check_disk(&mut self) -> Vec<DocId> {
        let ids: Vec<DocId> = self.disk.keys().cloned().collect();
        ids.into_iter().filter(|id| self.check_file(id)).collect()
    }

    /// [`Session::check_disk`] for one document; true if it was reloaded.
    fn check_file(&mut self, id: &DocId) -> bool {
        let Some(known) = self.disk.get(id) else {
            return false;
        };
        // A write of ours is in flight: its outcome tells us its hash first.
        let t = self.tracks.get(id).copied().unwrap_or_default();
        if t.submitted > t.saved && t.failed_at.is_none() {
            return false;
        }
        let path = self.project.annotation_path(&self.annotator, id);
        let stamp = stamp_of(&path);
        if stamp == known.stamp && !known.stale {
            return false;
        }
        let bytes =
            match crate::fsio::read_regular(&path, crate::project::MAX_ANNOTATION_FILE_BYTES) {
                Ok(b) => Some(b),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                // Cannot read it now (a sharing violation mid-pull): try again next time.
                Err(_) => return false,
            };
        let hash = bytes.as_deref().map(annotation_file::content_hash);
        if let Some(d) = self.disk.get_mut(id) {
            d.stamp = stamp;
            d.stale = false;
            if hash == d.hash && !d.unreadable {
                return false;
            }
        }
        self.changed_on_disk(id, &path, bytes, hash)
    }

    fn changed_on_disk(
        &mut self,
        id: &DocId,
        path: &std::path::Path,
        bytes: Option<Vec<u8>>,
        hash: Option<u64>,
    ) -> bool {
        let Some(OpenDoc {
            doc: Some(doc),
            problem,
        }) = self.open.get(id).cloned()
        else {
            return false;
        };
        let Some(ours) = self.workspace.doc(id).map(|d| d.set.clone()) else {
            return false;
        };
        let t = self.tracks.get(id).copied().unwrap_or_default();
        let revision = self.workspace.doc(id).map_or(0, |d| d.revision);
        let unsaved = revision > t.saved;
        let editable = problem.is_none()
            || matches!(problem, Some(DocProblem::ReadOnly(ref r)) if r.starts_with(CONFLICT_TAG));
        if !editable && !unsaved {
            // Nothing of ours to keep: open it again as if for the first time.
            self.open.remove(id);
            self.workspace.remove_doc(id);
            self.tracks.remove(id);
            self.disk.remove(id);
            self.snapshots.remove(id);
            self.ensure_open(id);
            self.notice(
                Severity::Info,
                format!("{} changed on disk: reloaded.", path.display()),
            );
            return true;
        }
        let theirs = theirs_of(bytes.as_deref(), &doc, path);
        let theirs = match theirs {
            Ok(set) => set,
            Err(why) => {
                let n = if unsaved {
                    " Your changes not yet saved are kept in memory and merged with the file once it is fixed."
                } else {
                    ""
                };
                let msg = format!("{CONFLICT_TAG}{why}.{n}");
                self.notice(Severity::Error, msg.clone());
                self.workspace.set_read_only(id, Some(msg.clone()));
                if let Some(o) = self.open.get_mut(id) {
                    o.problem = Some(DocProblem::ReadOnly(msg));
                }
                // The next change (the fix) is taken, whatever it holds.
                if let Some(d) = self.disk.get_mut(id) {
                    d.unreadable = true;
                }
                return true;
            }
        };
        let base = self
            .disk
            .get(id)
            .map(|d| d.base.clone())
            .unwrap_or_default();
        let merged = crate::edit::merge::rebase(&base, &ours, &theirs, doc.len_chars());
        let locked = self.project.read_only_reason.clone();
        let revision = self.workspace.reload_doc(id, merged.set, locked.clone());
        if let Some(o) = self.open.get_mut(id) {
            o.problem = locked.map(DocProblem::ReadOnly);
        }
        if let Some(d) = self.disk.get_mut(id) {
            d.hash = hash;
            d.base = theirs;
            d.unreadable = false;
        }
        self.snapshots.remove(id);
        let track = self.tracks.entry(id.clone()).or_default();
        if merged.kept == 0 {
            // Memory now equals the file: nothing to write.
            track.submitted = revision;
            track.saved = revision;
        }
        let summary = self.workspace.doc(id).map(|d| Summary {
            status: d.set.status,
            spans: d.set.len(),
        });
        if let Some(s) = summary {
            self.summaries.insert(id.clone(), s);
        }
        let mut msg = format!("{} changed on disk (a git pull?): reloaded", path.display());
        if merged.kept > 0 {
            msg += &format!(
                "; your {} change{} not yet saved {} kept on top of it",
                merged.kept,
                if merged.kept == 1 { "" } else { "s" },
                if merged.kept == 1 { "was" } else { "were" }
            );
        }
        if !merged.dropped.is_empty() {
            msg += &format!("; could not keep: {}", merged.dropped.join(", "));
        }
        msg += ". Undo history of this document starts here.";
        self.notice(
            if merged.dropped.is_empty() {
                Severity::Info
            } else {
                Severity::Warning
            },
            msg,
        );
        true
    }

    pub fn save_state(&self) -> SaveState {
        if let Some(e) = &self.last_error {
            return SaveState::Failed(e.clone());
        }
        if self.labels_failed_at.is_some() {
            return SaveState::Failed(format!(
                "the labels could not be saved to {}",
                crate::project::CONFIG_FILE
            ));
        }
        let unsaved = |(id, d): &(&DocId, &crate::edit::DocAnnotations)| {
            d.revision > self.tracks.get(*id).map_or(0, |t| t.saved)
        };
        // Edits held in memory because the file became unreadable (a git conflict).
        if let Some((id, _)) = self
            .workspace
            .docs()
            .find(|e| e.1.read_only.is_some() && unsaved(e))
        {
            return SaveState::Failed(format!(
                "changes to {id} are kept in memory: its annotation file changed on disk and cannot be read (resolve the git conflict)"
            ));
        }
        let pending = self.workspace.docs().any(|e| unsaved(&e));
        if pending {
            SaveState::Saving
        } else {
            SaveState::Saved
        }
    }

    /// Submit everything and wait until it is on disk (window closing, tests).
    /// A failed save is retried at once here (not after [`RETRY_AFTER`]): the user is
    /// waiting on it.
    pub fn flush(&mut self, timeout: Duration) -> bool {
        for t in self.tracks.values_mut() {
            t.failed_at = None;
        }
        self.labels_failed_at = None;
        self.sync_labels();
        self.autosave_tick();
        let ok = self.autosave.flush(timeout);
        self.autosave_tick();
        ok && self.save_state() == SaveState::Saved
    }
}

/// What a re-anchoring did, every lost span and relation named.
pub fn reanchor_summary(
    id: &DocId,
    r: &annotation_file::Reanchored,
    backup: &std::path::Path,
) -> String {
    let mut msg = format!(
        "Re-anchored {id}: {} unchanged, {} moved, {} not found. The previous file was kept as {}.",
        r.unchanged,
        r.moved,
        r.lost.len(),
        backup.display()
    );
    if !r.lost.is_empty() {
        let lost: Vec<String> = r
            .lost
            .iter()
            .map(|l| {
                format!(
                    "{} {:?} at {}..{} ({})",
                    l.span.label, l.span.text, l.span.start, l.span.end, l.reason
                )
            })
            .collect();
        msg.push_str(&format!(" Not found: {}.", lost.join("; ")));
    }
    if !r.lost_relations.is_empty() {
        let lost: Vec<String> = r
            .lost_relations
            .iter()
            .map(|(rel, why)| format!("{} R{} ({why})", rel.label, rel.id))
            .collect();
        msg.push_str(&format!(" Relations dropped: {}.", lost.join("; ")));
    }
    if !r.renumbered.is_empty() {
        msg.push_str(&format!(" {}.", r.renumbered.join("; ")));
    }
    msg
}

/// The annotations of a file changed on disk (`None`: deleted), checked against the
/// document's text; the error names the file and line.
fn theirs_of(
    bytes: Option<&[u8]>,
    doc: &Document,
    path: &std::path::Path,
) -> Result<AnnotationSet, String> {
    let Some(b) = bytes else {
        return Ok(AnnotationSet::new());
    };
    let located = |p: FileProblem| format!("{}:{}: {p}", path.display(), p.line().unwrap_or(1));
    match annotation_file::parse(b).map_err(located)?.check(doc) {
        Ok(Checked::Current { set, .. }) => Ok(set),
        Ok(Checked::TextChanged(_)) => Err(format!(
            "{}: it was written for another version of the text of {}; reopen the project to re-anchor it",
            path.display(),
            doc.id
        )),
        Err(p) => Err(located(p)),
    }
}

fn doc_path(project: &Project, id: &DocId) -> String {
    project
        .doc_entry(id)
        .map(|d| d.path.display().to_string())
        .unwrap_or_else(|| id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::Command;
    use crate::model::{Span, SpanId};
    use crate::text::CharSpan;

    fn setup(files: &[(&str, &[u8])]) -> (tempfile::TempDir, Session) {
        let dir = tempfile::tempdir().unwrap();
        for (name, bytes) in files {
            let p = dir.path().join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, bytes).unwrap();
        }
        let (project, _) = Project::open(dir.path()).unwrap();
        let s = Session::new(project, "alice").unwrap();
        (dir, s)
    }

    fn add(s: &mut Session, id: &DocId, start: usize, end: usize, label: &str) {
        let set = &s.workspace.doc(id).unwrap().set;
        let span = Span {
            id: set.next_id(),
            range: CharSpan::new(start, end, 1000).unwrap(),
            label: crate::label!(label),
            annotator: "alice".into(),
            created: chrono::Utc::now(),
            modified: None,
            extra: None,
        };
        s.workspace
            .apply(
                Command::AddSpan {
                    doc: id.clone(),
                    span,
                },
                "Add",
            )
            .unwrap();
    }

    #[test]
    fn changes_reach_disk_and_reopen_identically() {
        let (dir, mut s) = setup(&[("a.txt", "Rami said in Homs".as_bytes())]);
        let id = DocId::new("a").unwrap();
        s.ensure_open(&id);
        add(&mut s, &id, 0, 4, "PER");
        add(&mut s, &id, 13, 17, "GPE");
        assert!(s.flush(Duration::from_secs(10)));
        assert!(dir.path().join("entitle.toml").exists());
        let before = s.workspace.doc(&id).unwrap().set.spans().to_vec();
        drop(s);
        let (project, _) = Project::open(dir.path()).unwrap();
        let mut s2 = Session::new(project, "alice").unwrap();
        assert_eq!(s2.summary(&id).spans, 2);
        s2.ensure_open(&id);
        assert_eq!(s2.workspace.doc(&id).unwrap().set.spans(), &before[..]);
        // Nothing of the user's was rewritten.
        assert_eq!(
            std::fs::read(dir.path().join("a.txt")).unwrap(),
            b"Rami said in Homs"
        );
    }

    /// The file as another clone's Entitle would have written it.
    fn write_as_pulled(dir: &std::path::Path, text: &str, spans: &[(usize, usize, &str)]) {
        let doc = Document::new(DocId::new("a").unwrap(), text);
        let mut set = AnnotationSet::new();
        for (i, (a, b, l)) in spans.iter().enumerate() {
            let span = Span::new(
                SpanId(i as u64 + 1),
                CharSpan::new(*a, *b, doc.len_chars()).unwrap(),
                crate::label!(l),
                "alice",
                chrono::Utc::now(),
            );
            set.insert(span, doc.len_chars()).unwrap();
        }
        let bytes = annotation_file::encode(&doc, "alice", &set);
        crate::fsio::atomic_write(&dir.join("annotations/alice/a.json"), &bytes).unwrap();
    }

    fn spans_of(s: &Session, id: &DocId) -> Vec<(usize, usize, String)> {
        s.workspace
            .doc(id)
            .unwrap()
            .set
            .spans()
            .iter()
            .map(|x| (x.range.start(), x.range.end(), x.label.to_string()))
            .collect()
    }

    #[test]
    fn a_pull_while_editing_is_merged_with_the_unsaved_edits() {
        let text = "Rami met Lina in Homs";
        let (dir, mut s) = setup(&[("a.txt", text.as_bytes())]);
        let id = DocId::new("a").unwrap();
        s.ensure_open(&id);
        add(&mut s, &id, 0, 4, "PER");
        assert!(s.flush(Duration::from_secs(10)));
        assert!(s.check_disk().is_empty(), "our own save is not a change");
        // Not saved yet: Homs.
        add(&mut s, &id, 17, 21, "GPE");
        // The pull brings Lina (made in the other clone on top of Rami).
        write_as_pulled(dir.path(), text, &[(0, 4, "PER"), (9, 13, "PER")]);
        assert_eq!(s.check_disk(), vec![id.clone()]);
        assert_eq!(
            spans_of(&s, &id),
            vec![
                (0, 4, "PER".into()),
                (9, 13, "PER".into()),
                (17, 21, "GPE".into())
            ]
        );
        let notices = s.take_notices();
        assert!(
            notices.iter().any(|n| n.text.contains("changed on disk")
                && n.text.contains("your 1 change not yet saved was kept")),
            "{notices:?}"
        );
        assert!(s.flush(Duration::from_secs(10)));
        let on_disk = Project::open(dir.path())
            .unwrap()
            .0
            .read_annotations("alice", &id)
            .unwrap()
            .unwrap();
        assert_eq!(on_disk.spans.len(), 3);
        // And a pull with no edits of ours is simply taken, with nothing written.
        write_as_pulled(dir.path(), text, &[(9, 13, "PER")]);
        assert_eq!(s.check_disk(), vec![id.clone()]);
        assert_eq!(spans_of(&s, &id), vec![(9, 13, "PER".into())]);
        assert_eq!(s.save_state(), SaveState::Saved);
    }

    #[test]
    fn git_conflict_markers_are_reported_never_set_aside_and_resolving_reloads() {
        let text = "Rami met Lina in Homs";
        let (dir, mut s) = setup(&[("a.txt", text.as_bytes())]);
        let id = DocId::new("a").unwrap();
        s.ensure_open(&id);
        add(&mut s, &id, 0, 4, "PER");
        assert!(s.flush(Duration::from_secs(10)));
        let path = dir.path().join("annotations/alice/a.json");
        let good = std::fs::read_to_string(&path).unwrap();
        // As git writes a conflict: markers at the start of lines.
        let at = good.find("\"spans\"").unwrap();
        let at = good[..at].rfind('\n').unwrap() + 1;
        let conflicted = format!(
            "{}<<<<<<< HEAD\n=======\n>>>>>>> origin/main\n{}",
            &good[..at],
            &good[at..]
        );
        std::fs::write(&path, &conflicted).unwrap();
        let line = conflicted
            .lines()
            .position(|l| l.starts_with("<<<<<<<"))
            .unwrap()
            + 1;
        add(&mut s, &id, 17, 21, "GPE"); // unsaved when the conflict appears
        assert_eq!(s.check_disk(), vec![id.clone()]);
        let notices = s.take_notices();
        assert!(
            notices.iter().any(|n| n.severity == Severity::Error
                && n.text.contains(&format!("a.json:{line}"))
                && n.text.contains("merge conflict")),
            "{notices:?}"
        );
        assert!(s.workspace.doc(&id).unwrap().read_only.is_some());
        // Nothing written over it, nothing moved aside.
        s.autosave_tick();
        assert!(s.autosave.flush(Duration::from_secs(10)));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), conflicted);
        assert_eq!(
            std::fs::read_dir(path.parent().unwrap()).unwrap().count(),
            1
        );
        // Resolved by keeping our side, byte for byte: taken all the same.
        std::fs::write(&path, &good).unwrap();
        assert_eq!(s.check_disk(), vec![id.clone()]);
        assert!(s.workspace.doc(&id).unwrap().read_only.is_none());
        assert_eq!(spans_of(&s, &id).len(), 2, "Rami from the file, Homs held");
        std::fs::write(&path, &conflicted).unwrap();
        assert_eq!(s.check_disk(), vec![id.clone()]);
        // Resolved (their side: Rami and Lina): reloaded, our Homs kept, editable.
        write_as_pulled(dir.path(), text, &[(0, 4, "PER"), (9, 13, "PER")]);
        assert_eq!(s.check_disk(), vec![id.clone()]);
        assert!(s.workspace.doc(&id).unwrap().read_only.is_none());
        assert_eq!(spans_of(&s, &id).len(), 3);
        // A project opened on a conflicted file says so and keeps the file too.
        std::fs::write(&path, &conflicted).unwrap();
        let (project, _) = Project::open(dir.path()).unwrap();
        drop(s);
        let mut s2 = Session::new(project, "alice").unwrap();
        let od = s2.ensure_open(&id).clone();
        assert!(
            matches!(od.problem, Some(DocProblem::ReadOnly(ref r)) if r.contains("merge conflict"))
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), conflicted);
    }

    #[test]
    fn damaged_file_is_kept_aside_and_doc_stays_usable() {
        let (dir, mut s) = setup(&[
            ("a.txt", b"Rami said"),
            (
                "annotations/alice/a.json",
                b"{ \"entitle_annotations\": 1, oops",
            ),
        ]);
        let id = DocId::new("a").unwrap();
        let od = s.ensure_open(&id).clone();
        assert!(od.problem.is_none());
        let notices = s.take_notices();
        assert!(notices[0].text.contains("a.json:1"), "{notices:?}");
        assert!(notices[0].text.contains("kept as"), "{notices:?}");
        let kept: Vec<_> = std::fs::read_dir(dir.path().join("annotations/alice"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert!(
            kept.iter().any(|n| n.starts_with("a.json.corrupt-")),
            "{kept:?}"
        );
        add(&mut s, &id, 0, 4, "PER");
        assert!(s.flush(Duration::from_secs(10)));
        let aside = kept
            .iter()
            .find(|n| n.starts_with("a.json.corrupt-"))
            .unwrap();
        assert_eq!(
            std::fs::read(dir.path().join("annotations/alice").join(aside)).unwrap(),
            b"{ \"entitle_annotations\": 1, oops"
        );
    }

    #[test]
    fn changed_text_holds_spans_back_until_reanchored() {
        let (dir, mut s) = setup(&[("a.txt", b"Rami said in Homs")]);
        let id = DocId::new("a").unwrap();
        s.ensure_open(&id);
        add(&mut s, &id, 0, 4, "PER");
        add(&mut s, &id, 13, 17, "GPE");
        assert!(s.flush(Duration::from_secs(10)));
        drop(s);
        std::fs::write(dir.path().join("a.txt"), "Update: Rami said in Hama").unwrap();
        let (project, _) = Project::open(dir.path()).unwrap();
        let mut s = Session::new(project, "alice").unwrap();
        let od = s.ensure_open(&id).clone();
        assert!(matches!(od.problem, Some(DocProblem::TextChanged { .. })));
        assert!(s.workspace.doc(&id).unwrap().set.is_empty());
        assert!(s.workspace.doc(&id).unwrap().read_only.is_some());
        let msg = s.reanchor(&id).unwrap();
        assert!(msg.contains("1 moved, 1 not found"), "{msg}");
        let set = &s.workspace.doc(&id).unwrap().set;
        assert_eq!(set.spans()[0].range, CharSpan::new(8, 12, 25).unwrap());
        assert_eq!(set.spans()[0].id, SpanId(1));
        assert!(s.flush(Duration::from_secs(10)));
    }

    #[test]
    fn unreadable_texts_are_reported() {
        let (_dir, mut s) = setup(&[("bin.txt", b"\x00\x01"), ("latin1.txt", b"caf\xe9")]);
        let bin = DocId::new("bin").unwrap();
        let lat = DocId::new("latin1").unwrap();
        let Some(DocProblem::Unreadable(m)) = s.ensure_open(&bin).problem.clone() else {
            panic!()
        };
        assert!(m.contains("binary file"), "{m}");
        let Some(DocProblem::Unreadable(m)) = s.ensure_open(&lat).problem.clone() else {
            panic!()
        };
        assert!(m.contains("latin1.txt is not valid UTF-8"), "{m}");
        assert!(m.contains("line 1, column 4"), "{m}");
    }
}
