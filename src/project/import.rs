//! Importing records into a project, in batches that are durable as a whole.
//!
//! Each record's text becomes `docs/<name>.txt` (or, when the same text is already
//! there, that document is reused) and its spans and relations are merged into the
//! annotator's file through a [`Workspace`] — the one code path that changes
//! annotations. Records that name their own annotator (a Label Studio task annotated by
//! three people) go to that annotator's layer.
//!
//! Durability per batch, not per file (one fsync per file made 3,000 documents take
//! 13 s): a batch's files are written as temporary files, flushed together, renamed into
//! place (annotations before texts, since a text is what makes a document appear), and
//! the batch is then recorded in the journal `.entitle-import.jsonl`. A kill at any
//! moment leaves every file whole; on the next start the journal says which documents
//! of the interrupted import are in, and running the same import again resumes it:
//! records already in are skipped, and spans of the interrupted batch found in place
//! are counted as already there rather than reported as duplicates.

use super::{Project, annotation_file, join_id, sanitize_annotator};
use crate::edit::{Command, Workspace};
use crate::formats::{Record, Warning, doc_id_from};
use crate::fsio::Staged;
use crate::model::{AnnotationSet, DocId, DocStatus, Document, Label, SpanId};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub const JOURNAL_FILE: &str = ".entitle-import.jsonl";
/// Documents per durable batch.
const BATCH_DOCS: usize = 256;
/// Text bytes after which a batch is committed even if it has fewer documents.
const BATCH_BYTES: usize = 16 << 20;

/// Why a record could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{0}")]
    ReadOnly(String),
    #[error("{}: {source}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// This record cannot be merged (the import goes on with the next).
    #[error("{0}")]
    Conflict(String),
}

fn io(path: &Path, source: std::io::Error) -> ImportError {
    ImportError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// What one imported record became.
#[derive(Debug, Clone)]
pub struct Imported {
    pub doc: DocId,
    /// The annotator whose layer received the spans.
    pub annotator: String,
    pub spans: usize,
    pub relations: usize,
    /// The text was already in the project (same text): annotations were merged.
    pub merged: bool,
    /// Spans already there from an interrupted run of the same import.
    pub already_there: usize,
    pub warnings: Vec<Warning>,
}

/// What the import is reading, to recognise the same import when it is run again.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImportSource {
    pub format: String,
    /// Canonical paths of the inputs.
    pub inputs: Vec<String>,
    pub annotator: String,
}

/// An import that stopped before it finished (read from the journal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interrupted {
    pub source: ImportSource,
    pub started: String,
    /// Records of the input that are fully in the project (the first `records_done`).
    pub records_done: usize,
    /// Documents written by the batches that completed.
    pub docs_in: Vec<DocId>,
    /// Documents of the batch that was being written when it stopped: each file is
    /// whole, but some may be missing.
    pub docs_unsure: Vec<DocId>,
    /// Records done once that batch is in (its records' spans may be in place).
    pub records_unsure: usize,
}

impl Interrupted {
    /// One paragraph for the user: what is in, what is not, what to do.
    pub fn describe(&self, root: &Path) -> String {
        let mut msg = format!(
            "An import into {} started {} ({} from {} as {}) was interrupted: the first {} records are in ({} documents).",
            root.display(),
            self.started,
            self.source.format,
            self.source.inputs.join(", "),
            self.source.annotator,
            self.records_done,
            self.docs_in.len()
        );
        if !self.docs_unsure.is_empty() {
            msg.push_str(&format!(
                " The batch after them was being written: {} may be missing or incomplete.",
                list(&self.docs_unsure)
            ));
        }
        msg.push_str(" Run the same import again to finish it: records already in are skipped.");
        msg
    }
}

fn list(ids: &[DocId]) -> String {
    let shown: Vec<&str> = ids.iter().take(5).map(DocId::as_str).collect();
    if ids.len() > 5 {
        format!("{} and {} more", shown.join(", "), ids.len() - 5)
    } else {
        shown.join(", ")
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
enum JournalLine {
    Start {
        started: String,
        #[serde(flatten)]
        source: ImportSource,
    },
    /// A batch is about to be renamed into place: its new documents, and the records
    /// done once it is in.
    Begin {
        batch: usize,
        records: usize,
        docs: Vec<DocId>,
    },
    /// The batch is in; `records` records of the input are done.
    Done {
        batch: usize,
        records: usize,
        docs: Vec<DocId>,
    },
}

/// Read the journal of an interrupted import, if there is one. A torn last line (the
/// kill came while it was appended) is ignored.
pub fn read_journal(root: &Path) -> Option<Interrupted> {
    let bytes = crate::fsio::read_regular(&root.join(JOURNAL_FILE), 256 << 20).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    let mut out: Option<Interrupted> = None;
    for line in text.lines() {
        match serde_json::from_str::<JournalLine>(line) {
            Ok(JournalLine::Start { started, source }) => {
                out = Some(Interrupted {
                    source,
                    started,
                    records_done: 0,
                    docs_in: Vec::new(),
                    docs_unsure: Vec::new(),
                    records_unsure: 0,
                })
            }
            Ok(JournalLine::Begin { docs, records, .. }) => {
                if let Some(o) = out.as_mut() {
                    o.docs_unsure = docs;
                    o.records_unsure = records;
                }
            }
            Ok(JournalLine::Done { records, docs, .. }) => {
                if let Some(o) = out.as_mut() {
                    o.records_done = records;
                    o.docs_in.extend(docs);
                    o.docs_unsure.clear();
                }
            }
            Err(_) => {}
        }
    }
    out
}

/// The journal file of a running import: appended and flushed line by line.
struct Journal {
    file: std::fs::File,
    path: PathBuf,
}

impl Journal {
    fn start(root: &Path, source: &ImportSource) -> std::io::Result<Journal> {
        let path = root.join(JOURNAL_FILE);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .write(true)
            .truncate(true)
            .open(&path)?;
        let mut j = Journal { file, path };
        j.append(&JournalLine::Start {
            started: chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
            source: source.clone(),
        })?;
        crate::fsio::sync_dir(root);
        Ok(j)
    }
    /// Continue the journal of the interrupted import being resumed.
    fn resume(root: &Path) -> std::io::Result<Journal> {
        let path = root.join(JOURNAL_FILE);
        let file = std::fs::OpenOptions::new().append(true).open(&path)?;
        Ok(Journal { file, path })
    }
    fn append(&mut self, line: &JournalLine) -> std::io::Result<()> {
        let mut bytes = serde_json::to_vec(line).map_err(std::io::Error::other)?;
        bytes.push(b'\n');
        self.file.write_all(&bytes)?;
        self.file.sync_data()
    }
}

/// A document's annotations for one annotator, being merged in this batch.
struct Layer {
    doc: Document,
    set: AnnotationSet,
    path: PathBuf,
    /// Something was added: the file is written (an unchanged one is left alone).
    changed: bool,
}

/// One batch: the files to write, and what the project will look like after it.
#[derive(Default)]
struct Batch {
    /// New documents' texts, by id (a second record with the same name looks here).
    texts: HashMap<DocId, Arc<str>>,
    new_docs: Vec<(DocId, PathBuf)>,
    metas: Vec<(PathBuf, Vec<u8>)>,
    layers: HashMap<(DocId, String), Layer>,
    layer_order: Vec<(DocId, String)>,
    bytes: usize,
    records: usize,
}

/// An import in progress. Feed it records with [`Importer::add`]; call
/// [`Importer::finish`] at the end (or [`Importer::commit`] to make what was added
/// durable now, e.g. when the user stops).
pub struct Importer {
    /// This run takes over an interrupted import of the same source.
    resuming: bool,
    annotator: String,
    journal: Journal,
    batch: Batch,
    batches: usize,
    /// Records seen, in input order.
    records_seen: usize,
    /// Records fully in the project.
    records_done: usize,
    /// Resuming: records before this index are already in (skipped).
    skip_before: usize,
    /// Resuming: spans of records before this index may already be in place.
    quiet_before: usize,
    /// A batch was being renamed into place when it failed: some of it may be in.
    commit_failed: bool,
    labels: Vec<Label>,
}

/// What [`Importer::add`] did with a record.
#[derive(Debug)]
pub enum Added {
    Imported(Imported),
    /// Already in the project from the interrupted run being resumed.
    AlreadyIn,
}

/// Temporary files (`.entitle-*.tmp`) under `dir` (links not followed): left by a
/// writer that was killed mid-write. Only the lock holder writes, so any found by the
/// lock holder are garbage.
pub(crate) fn sweep_temp_files(dir: &Path) -> usize {
    let mut removed = 0;
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        match e.file_type() {
            Ok(t) if t.is_dir() => removed += sweep_temp_files(&e.path()),
            Ok(t)
                if t.is_file()
                    && name.starts_with(".entitle-")
                    && name.ends_with(".tmp")
                    && std::fs::remove_file(e.path()).is_ok() =>
            {
                removed += 1;
            }
            _ => {}
        }
    }
    removed
}

impl Project {
    /// Remove temporary files a killed writer left in `docs/` and `annotator`'s
    /// annotations (only while holding the lock: nobody else writes there then).
    pub fn sweep_temp_files(&self, annotator: &str) -> usize {
        if self.check_writable().is_err() {
            return 0;
        }
        sweep_temp_files(&self.root.join("docs"))
            + sweep_temp_files(
                &self
                    .root
                    .join(super::ANNOTATIONS_DIR)
                    .join(sanitize_annotator(annotator)),
            )
    }

    /// Start an import (taking over an interrupted one with the same source).
    pub fn begin_import(&mut self, source: ImportSource) -> Result<Importer, ImportError> {
        self.check_writable()
            .map_err(|e| ImportError::ReadOnly(e.to_string()))?;
        let annotator = sanitize_annotator(&source.annotator);
        let resumed = read_journal(&self.root).filter(|i| i.source == source);
        // A killed import leaves the temporary files of its last batch behind.
        if self.interrupted_import.is_some() {
            self.sweep_temp_files(&annotator);
        }
        let (journal, skip_before, quiet_before) = match &resumed {
            Some(i) => (
                Journal::resume(&self.root),
                i.records_done,
                i.records_unsure.max(i.records_done),
            ),
            None => (Journal::start(&self.root, &source), 0, 0),
        };
        let journal = journal.map_err(|e| io(&self.root.join(JOURNAL_FILE), e))?;
        Ok(Importer {
            resuming: resumed.is_some(),
            annotator,
            journal,
            batch: Batch::default(),
            batches: 0,
            records_seen: 0,
            records_done: skip_before,
            skip_before,
            quiet_before,
            commit_failed: false,
            labels: Vec::new(),
        })
    }

    /// Import one record on its own (its own durable batch). Bulk imports use
    /// [`Project::begin_import`].
    pub fn import_record(
        &mut self,
        annotator: &str,
        rec: &Record,
    ) -> Result<Imported, ImportError> {
        let mut im = self.begin_import(ImportSource {
            format: "record".into(),
            inputs: vec![rec.origin.path.display().to_string()],
            annotator: annotator.into(),
        })?;
        let added = im.add(self, rec)?;
        im.finish(self)?;
        match added {
            Added::Imported(i) => Ok(i),
            Added::AlreadyIn => Err(ImportError::Conflict("already imported".into())),
        }
    }
}

impl Importer {
    /// Records the resumed import had already brought in.
    pub fn resumed_records(&self) -> usize {
        self.skip_before
    }
    /// Whether this run takes over an interrupted import of the same source.
    pub fn resuming(&self) -> bool {
        self.resuming
    }

    /// Add one record to the current batch (committing the batch when it is full).
    pub fn add(&mut self, project: &mut Project, rec: &Record) -> Result<Added, ImportError> {
        let index = self.records_seen;
        self.records_seen += 1;
        if index < self.skip_before {
            return Ok(Added::AlreadyIn);
        }
        let imported = self.stage(project, rec, index < self.quiet_before)?;
        self.batch.records += 1;
        if self.batch.new_docs.len() >= BATCH_DOCS
            || self.batch.records >= 4 * BATCH_DOCS
            || self.batch.bytes >= BATCH_BYTES
        {
            self.commit(project)?;
        }
        Ok(Added::Imported(imported))
    }

    /// Make everything added so far durable and record it in the journal.
    pub fn commit(&mut self, project: &mut Project) -> Result<(), ImportError> {
        let batch = std::mem::take(&mut self.batch);
        if batch.records == 0 {
            return Ok(());
        }
        if !self.labels.is_empty() {
            let labels = std::mem::take(&mut self.labels);
            project
                .add_labels(&labels)
                .map_err(|e| io(&project.root.join(super::CONFIG_FILE), e))?;
        }
        let mut staged = Staged::new();
        // Annotations first, then metadata, then texts: a text is what makes a document
        // appear, so a kill midway never shows a new document without its spans.
        for key in &batch.layer_order {
            if let Some(l) = batch.layers.get(key).filter(|l| l.changed) {
                let bytes = annotation_file::encode(&l.doc, &key.1, &l.set);
                staged.write(&l.path, &bytes).map_err(|e| io(&l.path, e))?;
            }
        }
        for (path, bytes) in &batch.metas {
            staged.write(path, bytes).map_err(|e| io(path, e))?;
        }
        for (id, path) in &batch.new_docs {
            let text = batch.texts.get(id).map_or(&b""[..], |t| t.as_bytes());
            staged.write(path, text).map_err(|e| io(path, e))?;
        }
        let number = self.batches + 1;
        let new_ids: Vec<DocId> = batch.new_docs.iter().map(|(id, _)| id.clone()).collect();
        let journal_path = self.journal.path.clone();
        self.journal
            .append(&JournalLine::Begin {
                batch: number,
                records: self.records_done + batch.records,
                docs: new_ids,
            })
            .map_err(|e| io(&journal_path, e))?;
        staged.commit().map_err(|e| {
            self.commit_failed = true;
            io(project.root(), e)
        })?;
        self.batches = number;
        self.records_done += batch.records;
        let mut touched: Vec<DocId> = batch.layer_order.iter().map(|(d, _)| d.clone()).collect();
        touched.dedup();
        self.journal
            .append(&JournalLine::Done {
                batch: number,
                records: self.records_done,
                docs: touched,
            })
            .map_err(|e| io(&journal_path, e))?;
        for (id, path) in batch.new_docs {
            project.add_doc_entry(id, path);
        }
        Ok(())
    }

    /// Whether anything of this import is in the project (a batch of this run, or of the
    /// interrupted run it resumes).
    pub fn anything_in(&self) -> bool {
        self.batches > 0 || self.skip_before > 0 || self.commit_failed
    }

    /// Give up after an error: what was staged is dropped; the journal stays only if
    /// something is in (so the next run can resume), else it goes, so a refused import
    /// is never reported as an interrupted one.
    pub fn abandon(self, project: &Project) {
        if !self.anything_in() {
            let _ = std::fs::remove_file(&self.journal.path);
            crate::fsio::sync_dir(project.root());
        }
    }

    /// Commit the last batch and remove the journal: the import is complete.
    pub fn finish(mut self, project: &mut Project) -> Result<(), ImportError> {
        self.commit(project)?;
        let _ = std::fs::remove_file(&self.journal.path);
        crate::fsio::sync_dir(project.root());
        Ok(())
    }

    /// Choose the document for a record, and merge its annotations into the batch.
    fn stage(
        &mut self,
        project: &mut Project,
        rec: &Record,
        quiet: bool,
    ) -> Result<Imported, ImportError> {
        let annotator = rec
            .annotator
            .as_deref()
            .map_or_else(|| self.annotator.clone(), sanitize_annotator);
        let (id, merged) = self.place(project, rec)?;
        let doc = Document::new(id.clone(), rec.doc.shared_text());
        let key = (id.clone(), annotator.clone());
        if !self.batch.layers.contains_key(&key) {
            let path = project.annotation_path(&annotator, &id);
            project.check_inside(&path).map_err(|e| io(&path, e))?;
            let set = existing_layer(project, &annotator, &id, &doc)?;
            self.batch.layers.insert(
                key.clone(),
                Layer {
                    doc,
                    set,
                    path,
                    changed: false,
                },
            );
            self.batch.layer_order.push(key.clone());
        }
        if !merged {
            let path = join_id(project.root(), &id, "txt");
            project.check_inside(&path).map_err(|e| io(&path, e))?;
            self.batch.bytes += rec.doc.text().len();
            self.batch.texts.insert(id.clone(), rec.doc.shared_text());
            self.batch.new_docs.push((id.clone(), path));
        }
        if !rec.meta.is_empty() || rec.external_id.is_some() {
            let path = join_id(project.root(), &id, "meta.json");
            project.check_inside(&path).map_err(|e| io(&path, e))?;
            let mut sidecar = serde_json::Map::new();
            if let Some(x) = &rec.external_id {
                sidecar.insert("id".into(), x.clone());
            }
            sidecar.insert("meta".into(), serde_json::Value::Object(rec.meta.clone()));
            let bytes = serde_json::to_vec_pretty(&sidecar).unwrap_or_default();
            self.batch.metas.push((path, bytes));
        }
        for s in rec.set.iter() {
            if !self.labels.contains(&s.label) && !project.has_label(&s.label) {
                self.labels.push(s.label.clone());
            }
        }
        let Some(layer) = self.batch.layers.get_mut(&key) else {
            return Err(ImportError::Conflict(format!(
                "{id}: internal error: layer not staged"
            )));
        };
        let mut out = merge(layer, rec, &id, quiet);
        // A new document's file is written even without spans (its status says it was
        // imported); a merge that added nothing leaves the file as it was.
        layer.changed |= out.spans > 0 || out.relations > 0 || !merged;
        out.annotator = annotator;
        out.merged = merged;
        Ok(out)
    }

    /// A free id for the record's document, or the document with the same text (in the
    /// project or earlier in this batch).
    fn place(&self, project: &Project, rec: &Record) -> Result<(DocId, bool), ImportError> {
        let base = doc_id_from(&format!("docs/{}", rec.name), project.docs().len() + 1);
        for n in 1..=10_000 {
            let candidate = if n == 1 {
                base.clone()
            } else {
                DocId::new(format!("{}-{n}", base.as_str()))
                    .map_err(|e| ImportError::Conflict(e.to_string()))?
            };
            if let Some(t) = self.batch.texts.get(&candidate) {
                if **t == *rec.doc.text() {
                    return Ok((candidate, true));
                }
                continue;
            }
            let path = join_id(project.root(), &candidate, "txt");
            match crate::fsio::read_regular(&path, crate::model::MAX_DOCUMENT_BYTES as u64 + 3) {
                Ok(bytes) => {
                    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
                    if text == rec.doc.text().as_bytes() {
                        return Ok((candidate, true));
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    // Names differing only in case are one file on Windows and macOS.
                    if !self
                        .batch
                        .texts
                        .keys()
                        .any(|k| k.as_str().eq_ignore_ascii_case(candidate.as_str()))
                    {
                        return Ok((candidate, false));
                    }
                }
                Err(e) => return Err(io(&path, e)),
            }
        }
        Err(ImportError::Conflict(format!(
            "too many documents named {base}"
        )))
    }
}

/// The annotations `annotator` already has on a document: none if there is no file; an
/// error if there is one that cannot be read or was made for another text.
fn existing_layer(
    project: &Project,
    annotator: &str,
    id: &DocId,
    doc: &Document,
) -> Result<AnnotationSet, ImportError> {
    match project.read_annotations(annotator, id) {
        Ok(None) => Ok(AnnotationSet::new()),
        Ok(Some(parsed)) => match parsed.check(doc) {
            Ok(annotation_file::Checked::Current { set, .. }) => Ok(set),
            Ok(annotation_file::Checked::TextChanged(_)) => Err(ImportError::Conflict(format!(
                "{}: these annotations were made for another version of the text; open the document in the app to re-anchor them, then import again",
                project.annotation_path(annotator, id).display()
            ))),
            Err(p) => Err(ImportError::Conflict(format!(
                "{}:{}: {p}; repair or move the file away, then import again",
                project.annotation_path(annotator, id).display(),
                p.line().unwrap_or(1)
            ))),
        },
        Err((path, e)) => Err(ImportError::Io {
            path,
            source: std::io::Error::other(format!(
                "cannot read it ({e}), so it cannot be merged; nothing was written for this document"
            )),
        }),
    }
}

/// Merge a record's spans and relations into a layer through a workspace, one command
/// per item so one refused span costs only itself.
fn merge(layer: &mut Layer, rec: &Record, id: &DocId, quiet: bool) -> Imported {
    let mut ws = Workspace::new();
    let len = layer.doc.len_chars();
    ws.insert_doc(id.clone(), std::mem::take(&mut layer.set), len, None);
    let mut out = Imported {
        doc: id.clone(),
        annotator: String::new(),
        spans: 0,
        relations: 0,
        merged: false,
        already_there: 0,
        warnings: rec.warnings.clone(),
    };
    let mut ids: HashMap<SpanId, SpanId> = HashMap::new();
    for s in rec.set.iter() {
        let Some(current) = ws.doc(id) else { break };
        let twin = current
            .set
            .overlapping(s.range.range())
            .find(|t| t.range == s.range && t.label == s.label)
            .map(|t| t.id);
        if let (Some(t), true) = (twin, quiet) {
            ids.insert(s.id, t);
            out.already_there += 1;
            continue;
        }
        let mut span = s.clone();
        span.id = current.set.next_id();
        let new_id = span.id;
        match ws.apply(
            Command::AddSpan {
                doc: id.clone(),
                span,
            },
            "import",
        ) {
            Ok(_) => {
                ids.insert(s.id, new_id);
                out.spans += 1;
            }
            Err(e) => out.warnings.push(Warning {
                doc: id.to_string(),
                item: crate::formats::describe_span(rec, s),
                reason: format!("not added: {e}"),
            }),
        }
    }
    for r in rec.set.relations() {
        let (Some(&from), Some(&to), Some(current)) =
            (ids.get(&r.from), ids.get(&r.to), ws.doc(id))
        else {
            continue;
        };
        if quiet
            && current
                .set
                .relations()
                .iter()
                .any(|x| x.from == from && x.to == to && x.label == r.label)
        {
            continue;
        }
        let mut rel = r.clone();
        rel.id = current.set.next_relation_id();
        rel.from = from;
        rel.to = to;
        match ws.apply(
            Command::AddRelation {
                doc: id.clone(),
                relation: rel,
            },
            "import",
        ) {
            Ok(_) => out.relations += 1,
            Err(e) => out.warnings.push(Warning {
                doc: id.to_string(),
                item: format!("relation {} {}", r.id, r.label),
                reason: format!("not added: {e}"),
            }),
        }
    }
    // Waiting suggestions (Entitle JSONL `"status": "suggested"`) stay suggestions; one
    // already waiting at the same place with the same label is not added twice.
    for p in &rec.set.pending {
        let Some(current) = ws.doc(id) else { break };
        if current
            .set
            .pending
            .iter()
            .any(|q| q.range == p.range && q.label == p.label)
        {
            continue;
        }
        if let Err(e) = ws.apply(
            Command::SetPending {
                doc: id.clone(),
                pending: p.clone(),
                present: true,
            },
            "import",
        ) {
            out.warnings.push(Warning {
                doc: id.to_string(),
                item: format!(
                    "suggestion {} {}..{}",
                    p.label,
                    p.range.start(),
                    p.range.end()
                ),
                reason: format!("not added: {e}"),
            });
        }
    }
    if let Some(current) = ws.doc(id)
        && current.set.status == DocStatus::New
        && !current.set.is_empty()
    {
        let _ = ws.apply(
            Command::SetStatus {
                doc: id.clone(),
                status: DocStatus::InProgress,
            },
            "import",
        );
    }
    if let Some(d) = ws.remove_doc(id) {
        layer.set = d.set;
    }
    out
}
