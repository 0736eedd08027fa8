//! The engines on their own thread, so learning and matching never block the window:
//! the app sends the project to load, each changed document's annotations, and asks
//! for the open document's suggestions; the worker rebuilds the engines once per batch
//! of changes (so suggestions follow the analyst's last accepted span within about a
//! second) and answers with the newest engines.

use super::engines::{
    EngineSet, Engines, OwnedExample, TrainStats, load_gazetteers, load_patterns,
};
use super::same_string::SameStringOptions;
use super::{Engine, Suggestion};
use crate::model::{DocId, Label, Pending};
use crate::text::CharSpan;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};

/// What the worker is asked to do.
pub enum Request {
    /// Learn from this annotator's documents in the project at `root` (read-only).
    Load {
        root: PathBuf,
        annotator: String,
        same_string: SameStringOptions,
    },
    /// Compare strings for same-string this way from now on.
    SameString(SameStringOptions),
    /// A document's annotations changed (or it was opened): learn from these.
    Update(OwnedExample),
    /// Suggestions for a document's `text`. `key` is echoed back (the app keys on the
    /// document's revision).
    Suggest {
        doc: DocId,
        key: u64,
        text: Arc<str>,
        annotated: Vec<CharSpan>,
        rejected: Vec<(CharSpan, Label)>,
        pending: Vec<Pending>,
        enabled: EngineSet,
    },
}

/// What the worker answers.
#[derive(Debug)]
pub enum Reply {
    /// The engines were (re)built: generation, what they learned from, problems met
    /// while loading (unreadable files, bad gazetteer lines).
    Built {
        generation: u64,
        stats: TrainStats,
        problems: Vec<String>,
    },
    Suggestions {
        doc: DocId,
        key: u64,
        generation: u64,
        list: Vec<Suggestion>,
    },
}

/// The handle the app holds. Dropping it stops the thread.
pub struct Worker {
    tx: Sender<Request>,
    rx: Receiver<Reply>,
}

impl Worker {
    /// Start the thread; `wake` is called after each reply (the app asks for a frame).
    pub fn start(wake: impl Fn() + Send + 'static) -> std::io::Result<Self> {
        let (tx, requests) = channel::<Request>();
        let (replies, rx) = channel::<Reply>();
        std::thread::Builder::new()
            .name("entitle-suggest".into())
            .spawn(move || run(requests, replies, wake))?;
        Ok(Self { tx, rx })
    }

    pub fn send(&self, r: Request) {
        // A dead worker (it panicked) only means no more suggestions.
        let _ = self.tx.send(r);
    }

    pub fn try_recv(&self) -> Option<Reply> {
        self.rx.try_recv().ok()
    }
}

/// Pending suggestions stored with a document, as suggestions.
pub fn pending_as_suggestions(pending: &[Pending]) -> Vec<Suggestion> {
    pending
        .iter()
        .map(|p| Suggestion {
            span: p.range,
            label: p.label.clone(),
            engine: Engine::parse(&p.source).unwrap_or(Engine::Model),
            score: p.score,
            id: None,
        })
        .collect()
}

/// How long the worker waits after a project is opened before it reads and learns.
const LOAD_DELAY: std::time::Duration = std::time::Duration::from_millis(400);

fn run(requests: Receiver<Request>, replies: Sender<Reply>, wake: impl Fn()) {
    let mut examples: HashMap<DocId, OwnedExample> = HashMap::new();
    let mut gazetteers = Arc::new(super::gazetteer::Gazetteers::default());
    let mut patterns = Arc::new(super::patterns::Patterns::default());
    let mut engines: Option<Engines> = None;
    let mut generation = 0u64;
    let mut same_options = SameStringOptions::default();
    while let Ok(first) = requests.recv() {
        // Take everything waiting: one rebuild for a burst of changes, and only the
        // newest question per document.
        let mut batch = vec![first];
        batch.extend(requests.try_iter());
        // A project just opened: let its first frames have the machine (reading every
        // annotation file and training is seconds of work on a big project), and do
        // nothing at all if it is closed again meanwhile (the handle dropped).
        if batch.iter().any(|r| matches!(r, Request::Load { .. })) {
            let until = std::time::Instant::now() + LOAD_DELAY;
            loop {
                let left = until.saturating_duration_since(std::time::Instant::now());
                match requests.recv_timeout(left) {
                    Ok(r) => batch.push(r),
                    Err(std::sync::mpsc::RecvTimeoutError::Timeout) => break,
                    Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
                }
            }
        }
        let mut changed = false;
        let mut problems = Vec::new();
        let mut asks: Vec<Request> = Vec::new();
        for r in batch {
            match r {
                Request::Load {
                    root,
                    annotator,
                    same_string,
                } => {
                    same_options = same_string;
                    let (loaded, p) = load_examples(&root, &annotator);
                    examples = loaded.into_iter().map(|e| (e.doc.clone(), e)).collect();
                    let (g, gp) = load_gazetteers(&root);
                    gazetteers = Arc::new(g);
                    let (pt, pp) = load_patterns(&root);
                    patterns = Arc::new(pt);
                    problems.extend(p);
                    problems.extend(gp.iter().map(|p| p.to_string()));
                    problems.extend(pp);
                    changed = true;
                }
                Request::SameString(o) => {
                    changed |= o != same_options;
                    same_options = o;
                }
                Request::Update(e) => {
                    examples.insert(e.doc.clone(), e);
                    changed = true;
                }
                ask @ Request::Suggest { .. } => {
                    if let Request::Suggest { doc, .. } = &ask {
                        asks.retain(|a| !matches!(a, Request::Suggest { doc: d, .. } if d == doc));
                    }
                    asks.push(ask);
                }
            }
        }
        if changed {
            let mut list: Vec<OwnedExample> = examples.values().cloned().collect();
            list.sort_by(|a, b| a.doc.cmp(&b.doc));
            let built = Engines::build(
                &list,
                gazetteers.clone(),
                patterns.clone(),
                same_options,
                engines.as_ref(),
            );
            generation += 1;
            let stats = built.stats.clone();
            engines = Some(built);
            if replies
                .send(Reply::Built {
                    generation,
                    stats,
                    problems,
                })
                .is_err()
            {
                return;
            }
            wake();
        }
        for ask in asks {
            let Request::Suggest {
                doc,
                key,
                text,
                annotated,
                rejected,
                pending,
                enabled,
            } = ask
            else {
                continue;
            };
            let mut list = match &engines {
                Some(e) => e.suggest(&text, &annotated, &rejected, enabled),
                None => Vec::new(),
            };
            if !pending.is_empty() {
                let mut all = pending_as_suggestions(&pending);
                all.append(&mut list);
                list = super::engines::resolve(
                    super::filter_new(all, &annotated, &rejected),
                    &annotated,
                );
            }
            if replies
                .send(Reply::Suggestions {
                    doc,
                    key,
                    generation,
                    list,
                })
                .is_err()
            {
                return;
            }
            wake();
        }
    }
}

/// Every document `annotator` has annotated in the project at `root`, read without
/// locking or writing anything. Documents that cannot be read (or whose text changed)
/// are skipped and named in the problems.
pub fn load_examples(root: &std::path::Path, annotator: &str) -> (Vec<OwnedExample>, Vec<String>) {
    let project = match crate::project::Project::open_read_only(root) {
        Ok((p, _)) => p,
        Err(e) => return (Vec::new(), vec![e.to_string()]),
    };
    load_project_examples(&project, annotator)
}

/// [`load_examples`] on a project already open.
pub fn load_project_examples(
    project: &crate::project::Project,
    annotator: &str,
) -> (Vec<OwnedExample>, Vec<String>) {
    use crate::project::annotation_file::Checked;
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for entry in project.docs() {
        let parsed = match project.read_annotations(annotator, &entry.id) {
            Ok(Some(p)) => p,
            Ok(None) => continue,
            Err((path, e)) => {
                problems.push(format!("{}: {e}", path.display()));
                continue;
            }
        };
        let doc = match project.load_document(&entry.id) {
            Ok(d) => d,
            Err(e) => {
                problems.push(e.to_string());
                continue;
            }
        };
        match parsed.check(&doc) {
            Ok(Checked::Current { set, .. }) => {
                out.push(OwnedExample::from_set(
                    entry.id.clone(),
                    doc.shared_text(),
                    &set,
                ));
            }
            Ok(Checked::TextChanged(_)) => problems.push(format!(
                "{}: its text changed since it was annotated; not learned from until re-anchored",
                entry.id
            )),
            Err(e) => problems.push(format!("{}: {e}", entry.id)),
        }
    }
    (out, problems)
}
