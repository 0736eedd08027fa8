//! Every document's text in memory, for searching a whole project.
//!
//! A project of 20,000 news articles is about 100 MB of text: reading the files again
//! for each search would cost seconds, holding them costs their size (plus ~100 bytes
//! per document). The app loads a [`Corpus`] once in the background
//! ([`Corpus::spawn_load`]), keeps it in an `Arc`, hands clones of the `Arc` to
//! searches, and updates it ([`Corpus::upsert`], [`Corpus::remove`], through
//! `Arc::make_mut`, which copies only the list of documents, never the texts, while a
//! search still holds the old one) when documents are imported or re-read.

use crate::fsio::natural_cmp;
use crate::model::{DocId, MAX_DOCUMENT_BYTES, decode_text};
use std::cmp::Ordering as CmpOrdering;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// One document's text as the corpus holds it.
#[derive(Debug, Clone)]
pub struct CorpusDoc {
    pub id: DocId,
    pub text: Arc<str>,
    /// Length in code points.
    pub len_chars: usize,
    /// The text is ASCII (byte offsets are char offsets).
    pub ascii: bool,
}

impl CorpusDoc {
    /// A document of the corpus. Pass `Document::shared_text()` for an open document
    /// so the text is held once.
    pub fn new(id: DocId, text: Arc<str>) -> Self {
        let ascii = text.is_ascii();
        let len_chars = if ascii {
            text.len()
        } else {
            text.chars().count()
        };
        Self {
            id,
            text,
            len_chars,
            ascii,
        }
    }
}

/// A document that could not be read into the corpus (it is not searched; opening it
/// says the same).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadFailure {
    pub id: DocId,
    pub path: PathBuf,
    pub reason: String,
}

/// The texts of a project's documents, in natural order of their ids.
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    docs: Vec<CorpusDoc>,
    bytes: usize,
}

/// The corpus order: natural order, then plain order so distinct ids never tie.
fn id_cmp(a: &DocId, b: &DocId) -> CmpOrdering {
    natural_cmp(a.as_str(), b.as_str()).then_with(|| a.as_str().cmp(b.as_str()))
}

impl Corpus {
    pub fn new() -> Self {
        Self::default()
    }

    /// A corpus of these documents (a later duplicate id replaces an earlier one).
    pub fn from_docs(docs: impl IntoIterator<Item = CorpusDoc>) -> Self {
        let mut docs: Vec<CorpusDoc> = docs.into_iter().collect();
        docs.reverse();
        docs.sort_by(|a, b| id_cmp(&a.id, &b.id));
        docs.dedup_by(|later, earlier| later.id == earlier.id);
        let bytes = docs.iter().map(|d| d.text.len()).sum();
        Self { docs, bytes }
    }

    pub fn docs(&self) -> &[CorpusDoc] {
        &self.docs
    }
    pub fn len(&self) -> usize {
        self.docs.len()
    }
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }
    /// Total UTF-8 bytes of text held.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    fn position(&self, id: &DocId) -> Result<usize, usize> {
        self.docs.binary_search_by(|d| id_cmp(&d.id, id))
    }

    pub fn get(&self, id: &DocId) -> Option<&CorpusDoc> {
        self.position(id).ok().map(|i| &self.docs[i])
    }

    /// Add a document or replace its text (an import, a text re-read from disk).
    pub fn upsert(&mut self, doc: CorpusDoc) {
        self.bytes += doc.text.len();
        match self.position(&doc.id) {
            Ok(i) => {
                self.bytes -= self.docs[i].text.len();
                self.docs[i] = doc;
            }
            Err(i) => self.docs.insert(i, doc),
        }
    }

    /// Forget a document; returns whether it was there.
    pub fn remove(&mut self, id: &DocId) -> bool {
        match self.position(id) {
            Ok(i) => {
                self.bytes -= self.docs.remove(i).text.len();
                true
            }
            Err(_) => false,
        }
    }

    /// The documents of a project, as `(id, path)` pairs to load (cheap: no file is read).
    pub fn entries_of(project: &crate::project::Project) -> Vec<(DocId, PathBuf)> {
        project
            .docs()
            .iter()
            .map(|d| (d.id.clone(), d.path.clone()))
            .collect()
    }

    /// Read and decode every file (on every core). `done` counts the files read so
    /// far, for a progress bar. `None` if `cancel` was set before the end.
    pub fn load(
        entries: &[(DocId, PathBuf)],
        cancel: &AtomicBool,
        done: &AtomicUsize,
    ) -> Option<(Corpus, Vec<LoadFailure>)> {
        let next = AtomicUsize::new(0);
        let threads = super::project::threads().min(entries.len().max(1));
        let parts: Vec<(Vec<CorpusDoc>, Vec<LoadFailure>)> = std::thread::scope(|s| {
            let workers: Vec<_> = (0..threads)
                .map(|_| s.spawn(|| load_some(entries, &next, cancel, done)))
                .collect();
            workers
                .into_iter()
                .map(|w| w.join().unwrap_or_default())
                .collect()
        });
        if cancel.load(Ordering::Relaxed) {
            return None;
        }
        let mut failures = Vec::new();
        let mut docs = Vec::with_capacity(entries.len());
        for (d, f) in parts {
            docs.extend(d);
            failures.extend(f);
        }
        failures.sort_by(|a, b| id_cmp(&a.id, &b.id));
        Some((Corpus::from_docs(docs), failures))
    }

    /// [`Corpus::load`] on a thread of its own: poll the returned [`CorpusLoad`].
    pub fn spawn_load(entries: Vec<(DocId, PathBuf)>) -> CorpusLoad {
        Self::spawn_load_then(entries, || {})
    }

    /// [`Corpus::spawn_load`], calling `done` on the loading thread when it has
    /// finished (a UI asks for a frame there instead of polling).
    pub fn spawn_load_then(
        entries: Vec<(DocId, PathBuf)>,
        finished: impl FnOnce() + Send + 'static,
    ) -> CorpusLoad {
        let cancel = Arc::new(AtomicBool::new(false));
        let done = Arc::new(AtomicUsize::new(0));
        let total = entries.len();
        let (c, d) = (cancel.clone(), done.clone());
        let handle = std::thread::Builder::new()
            .name("entitle-corpus".into())
            .spawn(move || {
                let loaded = Corpus::load(&entries, &c, &d);
                finished();
                loaded
            })
            .ok();
        CorpusLoad {
            cancel,
            done,
            total,
            handle,
        }
    }
}

/// One loading worker: take files by index until none is left.
fn load_some(
    entries: &[(DocId, PathBuf)],
    next: &AtomicUsize,
    cancel: &AtomicBool,
    done: &AtomicUsize,
) -> (Vec<CorpusDoc>, Vec<LoadFailure>) {
    let mut docs = Vec::new();
    let mut failures = Vec::new();
    while !cancel.load(Ordering::Relaxed) {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some((id, path)) = entries.get(i) else {
            break;
        };
        let text = crate::fsio::read_regular(path, MAX_DOCUMENT_BYTES as u64 + 3)
            .map_err(|e| e.to_string())
            .and_then(|bytes| decode_text(bytes).map_err(|e| e.to_string()));
        match text {
            Ok((text, _bom)) => docs.push(CorpusDoc::new(id.clone(), text.into())),
            Err(reason) => failures.push(LoadFailure {
                id: id.clone(),
                path: path.clone(),
                reason,
            }),
        }
        done.fetch_add(1, Ordering::Relaxed);
    }
    (docs, failures)
}

/// A loaded corpus and the documents that could not be read.
type Loaded = (Corpus, Vec<LoadFailure>);

/// A corpus being loaded in the background. Dropping it cancels the load.
#[derive(Debug)]
pub struct CorpusLoad {
    cancel: Arc<AtomicBool>,
    done: Arc<AtomicUsize>,
    total: usize,
    handle: Option<std::thread::JoinHandle<Option<Loaded>>>,
}

impl CorpusLoad {
    /// Files read so far and in all.
    pub fn progress(&self) -> (usize, usize) {
        (self.done.load(Ordering::Relaxed), self.total)
    }
    /// The corpus when loading has finished (once; `None` while it runs, after it was
    /// taken, or if the thread could not start or was cancelled).
    pub fn try_take(&mut self) -> Option<(Corpus, Vec<LoadFailure>)> {
        if !self.handle.as_ref()?.is_finished() {
            return None;
        }
        self.handle.take()?.join().ok().flatten()
    }
    /// Whether the loading thread has stopped (or never started).
    pub fn is_finished(&self) -> bool {
        self.handle.as_ref().is_none_or(|h| h.is_finished())
    }
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

impl Drop for CorpusLoad {
    fn drop(&mut self) {
        self.cancel();
    }
}
