//! Moving records between a project and the interchange formats: import (add documents
//! and their annotations), export (a project's documents as records) and statistics.
//! Shared by the CLI and the app.

use super::Project;
use super::annotation_file::Checked;
use crate::formats::{Format, FormatError, Origin, Record, Warning, WriteOptions};
use crate::model::{AnnotationSet, DocId, DocStatus, Label};
use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::path::Path;

impl Project {
    /// Add labels the project does not have (with colours and free single-key
    /// hotkeys), and save `entitle.toml`.
    pub fn add_labels<'a>(
        &mut self,
        labels: impl IntoIterator<Item = &'a Label>,
    ) -> std::io::Result<Vec<Label>> {
        let mut added = Vec::new();
        for l in labels {
            if self.config.labels.iter().any(|d| &d.name == l) {
                continue;
            }
            let def = self.schema().fresh_label(l.clone());
            self.config.labels.push(def);
            added.push(l.clone());
        }
        if !added.is_empty() || !self.has_config_file {
            self.write_config()?;
        }
        Ok(added)
    }

    /// Annotators with an annotation folder, sorted.
    pub fn annotators(&self) -> Vec<String> {
        self.annotator_folders().0
    }

    /// Annotators with an annotation folder, sorted, and what in `annotations/` is not
    /// one (a link is never followed; a file or an unreadable folder is named), so a
    /// whole layer never vanishes silently.
    pub fn annotator_folders(&self) -> (Vec<String>, Vec<String>) {
        let dir = self.root.join(super::ANNOTATIONS_DIR);
        let (mut names, mut problems) = (Vec::new(), Vec::new());
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (names, problems),
            Err(e) => {
                problems.push(format!(
                    "{}: cannot be read ({e}); no annotator's files were read",
                    dir.display()
                ));
                return (names, problems);
            }
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            match e.file_type() {
                Ok(t) if t.is_dir() => names.push(name),
                Ok(t) if t.is_symlink() => problems.push(format!(
                    "{}: is a symbolic link; links are not followed, so {name}'s annotations were not read (move the folder into the project instead)",
                    e.path().display()
                )),
                _ => problems.push(format!(
                    "{}: is not an annotator's folder; it was not read",
                    e.path().display()
                )),
            }
        }
        names.sort();
        (names, problems)
    }

    /// The source's id and metadata kept beside an imported document
    /// (`docs/<name>.meta.json`): empty if there is none, an error if there is one that
    /// cannot be read (its id and metadata would otherwise vanish from the export).
    fn read_sidecar(
        &self,
        id: &DocId,
    ) -> Result<serde_json::Map<String, serde_json::Value>, FormatError> {
        let path = super::join_id(&self.root, id, "meta.json");
        let bytes = match crate::fsio::read_regular(&path, 64 << 20) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Default::default()),
            Err(e) => return Err(FormatError::new(&path, 0, crate::formats::cannot_read(&e))),
        };
        serde_json::from_slice(&bytes).map_err(|e| {
            FormatError::new(
                &path,
                e.line(),
                format!(
                    "column {}: not a valid metadata file ({e}); repair or remove it (it holds the source's id and metadata of {id})",
                    e.column()
                ),
            )
        })
    }

    /// One document as a record, with `annotator`'s annotations (none if `None` or if
    /// that annotator has no file for it). A changed text or a damaged file is an error.
    pub fn export_record(
        &self,
        id: &DocId,
        annotator: Option<&str>,
    ) -> Result<Record, FormatError> {
        let entry = self.doc_entry(id);
        let path = entry.map_or_else(|| self.root.join(id.as_str()), |e| e.path.clone());
        let doc = self
            .load_document(id)
            .map_err(|e| FormatError::new(&path, 0, e.to_string()))?;
        let mut set = AnnotationSet::new();
        if let Some(a) = annotator {
            match self.read_annotations(a, id) {
                Ok(None) => {}
                Ok(Some(parsed)) => match parsed.check(&doc) {
                    Ok(Checked::Current { set: s, .. }) => set = s,
                    Ok(Checked::TextChanged(_)) => {
                        return Err(FormatError::new(
                            &self.annotation_path(a, id),
                            0,
                            format!(
                                "the text of {} changed since it was annotated; open it in the app and re-anchor the annotations first",
                                path.display()
                            ),
                        ));
                    }
                    Err(p) => {
                        return Err(FormatError::new(
                            &self.annotation_path(a, id),
                            p.line().unwrap_or(0),
                            p.to_string(),
                        ));
                    }
                },
                Err((p, e)) => return Err(FormatError::new(&p, 0, e.to_string())),
            }
        }
        let sidecar = self.read_sidecar(id)?;
        let external_id = sidecar.get("id").cloned();
        let meta = match sidecar.get("meta") {
            Some(serde_json::Value::Object(m)) => m.clone(),
            _ => serde_json::Map::new(),
        };
        Ok(Record {
            name: id.as_str().trim_start_matches("docs/").to_string(),
            external_id,
            doc,
            set,
            meta,
            origin: Origin { path, line: 0 },
            warnings: Vec::new(),
            annotator: None,
        })
    }

    /// Whether `output` may receive an export of this project in `format`: never the
    /// project folder itself, and never a `.txt` inside it (it would become one of its
    /// documents; folder exports are marked and skipped by the scan).
    pub fn check_export_output(&self, format: Format, output: &Path) -> Result<(), String> {
        let parent = output
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let resolved = crate::fsio::real_path(parent)
            .map(|d| d.join(output.file_name().unwrap_or_default()))
            .unwrap_or_else(|_| output.to_path_buf());
        if resolved == self.root || self.root.starts_with(&resolved) {
            return Err(format!(
                "{} is the project folder (or contains it); choose another output",
                output.display()
            ));
        }
        let folder = resolved.is_dir() || output.to_string_lossy().ends_with(['/', '\\']);
        if format == Format::Txt && !folder && resolved.starts_with(&self.root) {
            return Err(format!(
                "{} is inside the project {}: a .txt written there would become one of its documents. Choose a path outside the project",
                output.display(),
                self.root.display()
            ));
        }
        Ok(())
    }

    /// Export every document with `annotator`'s annotations (none if `None`) to
    /// `output`. `each` hears of every document (its span count and warnings) or error,
    /// and may stop the export (then nothing is written). `Err` means nothing was
    /// written, and says why.
    pub fn export_to(
        &self,
        format: Format,
        output: &Path,
        options: &WriteOptions,
        annotator: Option<&str>,
        mut each: impl FnMut(ExportEvent<'_>) -> ControlFlow<()>,
    ) -> Result<(), ExportFailure> {
        self.check_export_output(format, output)
            .map_err(ExportFailure::Output)?;
        let mut writer = crate::formats::writer(format, output, options)
            .map_err(|e| ExportFailure::Output(e.to_string()))?;
        // What the scan skipped is not exported: say so.
        let (_, folder_problems) = self.annotator_folders();
        for p in self.skipped.iter().chain(&folder_problems) {
            let e = FormatError::new(&self.root, 0, format!("not exported: {p}"));
            if each(ExportEvent::Error(&e)).is_break() {
                return Err(ExportFailure::Stopped);
            }
        }
        let (mut written, mut failed) = (0, 0);
        for d in &self.docs {
            let flow = match self.export_record(&d.id, annotator) {
                Ok(rec) => {
                    let warnings = writer
                        .write(&rec)
                        .map_err(|e| ExportFailure::Output(e.to_string()))?;
                    written += 1;
                    each(ExportEvent::Doc {
                        spans: rec.set.len(),
                        warnings: &warnings,
                    })
                }
                Err(e) => {
                    failed += 1;
                    each(ExportEvent::Error(&e))
                }
            };
            if flow.is_break() {
                return Err(ExportFailure::Stopped);
            }
        }
        if written == 0 && failed > 0 {
            // Every document failed: an existing output stays as it was.
            return Err(ExportFailure::NothingExported { errors: failed });
        }
        let warnings = writer
            .finish()
            .map_err(|e| ExportFailure::Output(e.to_string()))?;
        let _ = each(ExportEvent::Finished {
            warnings: &warnings,
        });
        Ok(())
    }

    /// Statistics over every annotator's files.
    pub fn stats(&self) -> Stats {
        let mut st = Stats {
            project: self.name(),
            documents: self.docs.len(),
            ..Stats::default()
        };
        for a in self.annotators() {
            let mut per = AnnotatorStats::default();
            for d in &self.docs {
                let parsed = match self.read_annotations(&a, &d.id) {
                    Ok(Some(p)) => p,
                    Ok(None) => continue,
                    Err((path, e)) => {
                        st.problems
                            .push(format!("{}; its spans are not counted", e.located(&path)));
                        continue;
                    }
                };
                per.documents += 1;
                let doc_stats = st.per_document.entry(d.id.to_string()).or_default();
                let mut labels: BTreeMap<String, usize> = BTreeMap::new();
                for s in &parsed.spans {
                    *labels.entry(s.label.clone()).or_default() += 1;
                    *per.labels.entry(s.label.clone()).or_default() += 1;
                    *st.labels.entry(s.label.clone()).or_default() += 1;
                }
                per.spans += parsed.spans.len();
                per.relations += parsed.relations.len();
                st.spans += parsed.spans.len();
                st.relations += parsed.relations.len();
                doc_stats.insert(
                    a.clone(),
                    DocStats {
                        spans: parsed.spans.len(),
                        relations: parsed.relations.len(),
                        status: parsed.status,
                        labels,
                    },
                );
            }
            st.annotators.insert(a, per);
        }
        st.problems.extend(self.annotator_folders().1);
        if let Some(i) = &self.interrupted_import {
            st.problems.push(i.describe(&self.root));
        }
        if let Some(p) = &self.config_problem {
            st.problems.push(p.clone());
        }
        st.problems
            .extend(self.skipped.iter().map(|s| format!("skipped {s}")));
        st
    }
}

/// Why [`Project::export_to`] wrote nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportFailure {
    /// The caller stopped it.
    #[error("stopped")]
    Stopped,
    /// Every document failed (each was reported); an existing output stays as it was.
    #[error("no document could be exported ({errors} errors)")]
    NothingExported { errors: usize },
    /// The output could not be written (or may not be written there).
    #[error("{0}")]
    Output(String),
}

/// What [`Project::export_to`] reports as it goes.
#[derive(Debug)]
pub enum ExportEvent<'a> {
    /// One document written, with what its format could not express.
    Doc {
        spans: usize,
        warnings: &'a [Warning],
    },
    /// One document that could not be exported (the others go on).
    Error(&'a FormatError),
    /// The output is in place; warnings from finishing it.
    Finished { warnings: &'a [Warning] },
}

#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Stats {
    pub project: String,
    pub documents: usize,
    pub spans: usize,
    pub relations: usize,
    /// Spans per label, all annotators.
    pub labels: BTreeMap<String, usize>,
    pub annotators: BTreeMap<String, AnnotatorStats>,
    /// Per document, per annotator.
    pub per_document: BTreeMap<String, BTreeMap<String, DocStats>>,
    /// What could not be counted (unreadable or damaged files, an interrupted import,
    /// files skipped while scanning), one line each.
    pub problems: Vec<String>,
}

#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct AnnotatorStats {
    pub documents: usize,
    pub spans: usize,
    pub relations: usize,
    pub labels: BTreeMap<String, usize>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct DocStats {
    pub spans: usize,
    pub relations: usize,
    pub status: DocStatus,
    pub labels: BTreeMap<String, usize>,
}
