//! Moving records between a project and the interchange formats: import (add documents
//! and their annotations), export (a project's documents as records) and statistics.
//! Shared by the CLI and the app.

use super::annotation_file::{self, Checked};
use super::{Project, atomic_write};
use crate::formats::{FormatError, Origin, Record, Warning, doc_id_from};
use crate::model::{AnnotationSet, DocId, DocStatus, Label, LabelDef, Rgb, Span};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Why a record could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{0}")]
    ReadOnly(String),
    #[error("could not write {}: {source}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Conflict(String),
}

/// What one imported record became.
#[derive(Debug, Clone)]
pub struct Imported {
    pub doc: DocId,
    pub spans: usize,
    pub relations: usize,
    /// The text was already in the project (same text): annotations were merged.
    pub merged: bool,
    pub warnings: Vec<Warning>,
}

/// Colours for labels a project does not know yet (Tableau 10, after the defaults).
const EXTRA_COLORS: &[[u8; 3]] = &[
    [0xff, 0x9d, 0xa7],
    [0x76, 0xb7, 0xb2],
    [0xba, 0xb0, 0xac],
    [0x8c, 0xd1, 0x7d],
    [0xb6, 0x99, 0x2d],
    [0x49, 0x98, 0x94],
    [0x86, 0xbc, 0xb6],
    [0xd3, 0x72, 0x95],
    [0xfa, 0xbf, 0xd2],
    [0xa0, 0xcb, 0xe8],
];

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
            let used: Vec<String> = self
                .config
                .labels
                .iter()
                .filter_map(|d| d.hotkey.clone())
                .collect();
            let hotkey = "123456789qwertyuiopasdfghjklzxcvbnm"
                .chars()
                .map(|c| c.to_string())
                .find(|k| !used.contains(k));
            let color = EXTRA_COLORS[self.config.labels.len() % EXTRA_COLORS.len()];
            self.config.labels.push(LabelDef {
                name: l.clone(),
                color: Rgb(color),
                hotkey,
                description: None,
            });
            added.push(l.clone());
        }
        if !added.is_empty() || !self.has_config_file {
            self.write_config()?;
        }
        Ok(added)
    }

    fn write_config(&mut self) -> std::io::Result<()> {
        if let Some(reason) = &self.read_only_reason {
            return Err(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                reason.clone(),
            ));
        }
        atomic_write(
            &self.root.join(super::CONFIG_FILE),
            self.config.to_toml().as_bytes(),
        )?;
        if !self.has_config_file {
            self.has_config_file = true;
            self.acquire_lock();
        }
        Ok(())
    }

    /// Import one record: its text becomes `docs/<name>.txt` (or, when the same text is
    /// already there, that document is reused) and its spans and relations are added to
    /// `annotator`'s annotations of it. Never overwrites a different text, never writes
    /// outside the project folder.
    pub fn import_record(
        &mut self,
        annotator: &str,
        rec: &Record,
    ) -> Result<Imported, ImportError> {
        if let Some(reason) = &self.read_only_reason {
            return Err(ImportError::ReadOnly(reason.clone()));
        }
        let io = |path: &std::path::Path, e: std::io::Error| ImportError::Io {
            path: path.to_path_buf(),
            source: e,
        };
        let base = doc_id_from(&format!("docs/{}", rec.name), self.docs.len() + 1);
        // Find a free id, or the document with the same text.
        let mut n = 1;
        let (id, merged) = loop {
            let candidate = if n == 1 {
                base.clone()
            } else {
                DocId::new(format!("{}-{n}", base.as_str())).unwrap_or_else(|_| base.clone())
            };
            let path = super::join_id(&self.root, &candidate, "txt");
            match std::fs::read(&path) {
                Ok(bytes) if bytes == rec.doc.text().as_bytes() => break (candidate, true),
                Ok(_) => n += 1,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => break (candidate, false),
                Err(e) => return Err(io(&path, e)),
            }
            if n > 10_000 {
                return Err(ImportError::Conflict(format!(
                    "too many documents named {base}"
                )));
            }
        };
        let text_path = super::join_id(&self.root, &id, "txt");
        self.check_inside(&text_path)
            .map_err(|e| io(&text_path, e))?;
        let labels: Vec<Label> = rec.set.iter().map(|s| s.label.clone()).collect();
        self.add_labels(&labels)
            .map_err(|e| io(&self.root.join(super::CONFIG_FILE), e))?;
        if !merged {
            atomic_write(&text_path, rec.doc.text().as_bytes()).map_err(|e| io(&text_path, e))?;
            // Kept sorted by inserting in place (a bulk import adds thousands).
            let at = self.docs.partition_point(|d| {
                super::natural_cmp(d.id.as_str(), id.as_str()) == std::cmp::Ordering::Less
            });
            self.docs.insert(
                at,
                super::DocEntry {
                    id: id.clone(),
                    path: text_path.clone(),
                    title: super::read_title(&text_path, &rec.name),
                },
            );
        }
        if !rec.meta.is_empty() || rec.external_id.is_some() {
            // docs/<id>.meta.json: the source's id and metadata, given back on export.
            let meta_path = super::join_id(&self.root, &id, "meta.json");
            let mut sidecar = serde_json::Map::new();
            if let Some(x) = &rec.external_id {
                sidecar.insert("id".into(), x.clone());
            }
            sidecar.insert("meta".into(), serde_json::Value::Object(rec.meta.clone()));
            let bytes = serde_json::to_vec_pretty(&sidecar).unwrap_or_default();
            atomic_write(&meta_path, &bytes).map_err(|e| io(&meta_path, e))?;
        }
        let doc = crate::model::Document::new(id.clone(), rec.doc.shared_text());
        // Merge with what this annotator already has on this text.
        let ann_path = self.annotation_path(annotator, &id);
        let mut set = match std::fs::read(&ann_path) {
            Ok(bytes) => match annotation_file::parse(&bytes)
                .ok()
                .and_then(|p| p.check(&doc).ok())
            {
                Some(Checked::Current { set, .. }) => set,
                _ => {
                    return Err(ImportError::Conflict(format!(
                        "{} exists but cannot be merged (damaged, or made for another text); open the project in the app to repair it first",
                        ann_path.display()
                    )));
                }
            },
            Err(_) => AnnotationSet::new(),
        };
        let mut warnings = rec.warnings.clone();
        let mut ids = std::collections::HashMap::new();
        let mut added = 0;
        for s in rec.set.iter() {
            let mut span: Span = s.clone();
            span.id = set.next_id();
            match set.insert(span.clone(), doc.len_chars()) {
                Ok(()) => {
                    ids.insert(s.id, span.id);
                    added += 1;
                }
                Err(e) => warnings.push(Warning {
                    doc: id.to_string(),
                    item: crate::formats::describe_span(rec, s),
                    reason: format!("not added: {e}"),
                }),
            }
        }
        let mut relations = 0;
        for r in rec.set.relations() {
            if let (Some(&from), Some(&to)) = (ids.get(&r.from), ids.get(&r.to)) {
                let mut r = r.clone();
                r.id = set.next_relation_id();
                r.from = from;
                r.to = to;
                if set.insert_relation(r).is_ok() {
                    relations += 1;
                }
            }
        }
        if set.status == DocStatus::New && !set.is_empty() {
            set.status = DocStatus::InProgress;
        }
        if added > 0 || relations > 0 {
            self.check_inside(&ann_path).map_err(|e| io(&ann_path, e))?;
            let bytes = annotation_file::encode(&doc, annotator, &set);
            atomic_write(&ann_path, &bytes).map_err(|e| io(&ann_path, e))?;
        }
        Ok(Imported {
            doc: id,
            spans: added,
            relations,
            merged,
            warnings,
        })
    }

    /// Annotators with an annotation folder, sorted.
    pub fn annotators(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(self.root.join(super::ANNOTATIONS_DIR))
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.'))
            .collect();
        v.sort();
        v
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
        let sidecar = std::fs::read(super::join_id(&self.root, id, "meta.json"))
            .ok()
            .and_then(|b| {
                serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(&b).ok()
            })
            .unwrap_or_default();
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
                let Ok(Some(parsed)) = self.read_annotations(&a, &d.id) else {
                    continue;
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
        st
    }
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
