//! The autosave writer: a named thread that serialises annotation snapshots and writes
//! them atomically, off the UI thread.
//!
//! The UI hands over a cheap snapshot (the spans are shared `Arc<str>` strings, the
//! document text an `Arc`) as soon as a document's revision changes; the writer drains
//! its queue, keeps only the newest snapshot per file, writes it (temp file, fsync,
//! rename) and reports the revision it saved. Policy (when to submit, what to show)
//! belongs to the caller.

use super::annotation_file;
use crate::fsio::atomic_write;
use crate::model::{DocId, DocStatus, Document, Relation, Span};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

/// Everything needed to write one annotation file.
#[derive(Debug, Clone)]
pub struct SaveRequest {
    pub path: PathBuf,
    pub doc: Document,
    pub annotator: String,
    pub status: DocStatus,
    pub next_span_id: u64,
    pub spans: Vec<Span>,
    pub relations: Vec<Relation>,
    pub next_relation_id: u64,
    pub rejected: Vec<crate::model::RejectedMark>,
    pub pending: Vec<crate::model::Pending>,
    pub revision: u64,
}

/// What the writer did with a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveOutcome {
    Saved {
        doc: DocId,
        revision: u64,
        /// [`annotation_file::content_hash`] of what was written: a later change on disk
        /// with another hash was made by someone else (a `git pull`).
        hash: u64,
    },
    Failed {
        doc: DocId,
        revision: u64,
        error: String,
    },
}

enum Msg {
    Save(Box<SaveRequest>),
    Flush(Sender<()>),
}

/// Handle to the writer thread. Dropping it writes everything queued, then stops.
pub struct Autosaver {
    tx: Option<Sender<Msg>>,
    done: Receiver<SaveOutcome>,
    thread: Option<JoinHandle<()>>,
}

impl Autosaver {
    pub fn new() -> std::io::Result<Self> {
        let (tx, rx) = mpsc::channel::<Msg>();
        let (done_tx, done) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("entitle-autosave".into())
            .spawn(move || writer_loop(rx, done_tx))?;
        Ok(Self {
            tx: Some(tx),
            done,
            thread: Some(thread),
        })
    }

    /// Queue a snapshot for writing. Never blocks.
    pub fn submit(&self, req: SaveRequest) {
        if let Some(tx) = &self.tx {
            let _ = tx.send(Msg::Save(Box::new(req)));
        }
    }

    /// Outcomes reported since the last call.
    pub fn poll(&self) -> Vec<SaveOutcome> {
        self.done.try_iter().collect()
    }

    /// Wait until everything submitted so far is on disk (or `timeout` passes).
    /// Returns false on time-out.
    pub fn flush(&self, timeout: Duration) -> bool {
        let Some(tx) = &self.tx else { return true };
        let (ack_tx, ack) = mpsc::channel();
        if tx.send(Msg::Flush(ack_tx)).is_err() {
            return false;
        }
        !matches!(ack.recv_timeout(timeout), Err(RecvTimeoutError::Timeout))
    }
}

impl Drop for Autosaver {
    fn drop(&mut self) {
        drop(self.tx.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn writer_loop(rx: Receiver<Msg>, done: Sender<SaveOutcome>) {
    while let Ok(first) = rx.recv() {
        // Coalesce: keep only the newest snapshot per file among what is queued.
        let mut pending: HashMap<PathBuf, Box<SaveRequest>> = HashMap::new();
        let mut order: Vec<PathBuf> = Vec::new();
        let mut flushes = Vec::new();
        let mut take = |msg: Msg| match msg {
            Msg::Save(req) => {
                if !pending.contains_key(&req.path) {
                    order.push(req.path.clone());
                }
                let newer = pending
                    .get(&req.path)
                    .is_none_or(|old| old.revision <= req.revision);
                if newer {
                    pending.insert(req.path.clone(), req);
                }
            }
            Msg::Flush(ack) => flushes.push(ack),
        };
        take(first);
        for msg in rx.try_iter() {
            take(msg);
        }
        for path in order {
            let Some(req) = pending.remove(&path) else {
                continue;
            };
            let bytes = annotation_file::encode_parts(
                &req.doc,
                &req.annotator,
                &annotation_file::Parts {
                    status: req.status,
                    next_span_id: req.next_span_id,
                    spans: &req.spans,
                    relations: &req.relations,
                    next_relation_id: req.next_relation_id,
                    rejected: &req.rejected,
                    pending: &req.pending,
                },
            );
            let outcome = match atomic_write(&req.path, &bytes) {
                Ok(()) => SaveOutcome::Saved {
                    doc: req.doc.id.clone(),
                    revision: req.revision,
                    hash: annotation_file::content_hash(&bytes),
                },
                Err(e) => SaveOutcome::Failed {
                    doc: req.doc.id.clone(),
                    revision: req.revision,
                    error: format!("could not write {}: {e}", req.path.display()),
                },
            };
            let _ = done.send(outcome);
        }
        for ack in flushes {
            let _ = ack.send(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::markup;

    #[test]
    fn writes_newest_snapshot_and_reports_it() {
        let dir = tempfile::tempdir().unwrap();
        let (text, set) = markup::parse_set("[PER Rami] said in [GPE Homs]").unwrap();
        let doc = Document::new(DocId::new("a").unwrap(), text);
        let saver = Autosaver::new().unwrap();
        let path = dir.path().join("annotations/x/a.json");
        for rev in 1..=3u64 {
            saver.submit(SaveRequest {
                path: path.clone(),
                doc: doc.clone(),
                annotator: "x".into(),
                status: set.status,
                next_span_id: set.next_id().0,
                spans: set.spans()[..(rev as usize).min(2)].to_vec(),
                relations: vec![],
                next_relation_id: 1,
                rejected: Vec::new(),
                pending: Vec::new(),
                revision: rev,
            });
        }
        assert!(saver.flush(Duration::from_secs(10)));
        let outcomes = saver.poll();
        let bytes = std::fs::read(&path).unwrap();
        assert!(outcomes.contains(&SaveOutcome::Saved {
            doc: doc.id.clone(),
            revision: 3,
            hash: annotation_file::content_hash(&bytes),
        }));
        let parsed = annotation_file::parse(&bytes).unwrap();
        assert_eq!(parsed.spans.len(), 2);
    }

    #[test]
    fn reports_failures() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, b"x").unwrap();
        let doc = Document::new(DocId::new("a").unwrap(), "t");
        let saver = Autosaver::new().unwrap();
        saver.submit(SaveRequest {
            path: blocker.join("sub/a.json"),
            doc,
            annotator: "x".into(),
            status: DocStatus::New,
            next_span_id: 1,
            spans: vec![],
            relations: vec![],
            next_relation_id: 1,
            rejected: Vec::new(),
            pending: Vec::new(),
            revision: 1,
        });
        assert!(saver.flush(Duration::from_secs(10)));
        assert!(matches!(saver.poll()[..], [SaveOutcome::Failed { .. }]));
    }
}
