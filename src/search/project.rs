//! Searching a whole project: every core, streaming in document order, cancellable.
//!
//! The corpus is cut into chunks of about half a megabyte; each worker thread takes the
//! next chunk, finds its hits (spans in code points, counted forward in one pass), and
//! hands them to the calling thread, which puts chunks back in document order, keeps
//! the first hits up to the [`Limits`] with their context, and passes each document's
//! hits on as soon as every document before it is done.

use super::corpus::{Corpus, CorpusDoc};
use super::query::{ByteHit, Compiled, Query};
use super::{CharCounter, Found};
use crate::model::DocId;
use crate::text::{CharSpan, is_line_break};
use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How much a project search keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Hits kept (with context) per document; the rest are counted.
    pub hits_per_doc: usize,
    /// Hits kept in all; later documents report counts only.
    pub stored_hits: usize,
    /// The search stops after counting this many hits (a query like `e`).
    pub counted_hits: usize,
    /// Characters of context either side of a hit (cut at a line break).
    pub context_chars: usize,
    /// Characters of the matched text kept (a long regex match is cut, with `…`).
    pub matched_chars: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            hits_per_doc: 200,
            stored_hits: 10_000,
            counted_hits: 1_000_000,
            context_chars: 40,
            matched_chars: 200,
        }
    }
}

/// One hit with its context, for the results list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Where it is, in code points (exact: use it to open and highlight).
    pub span: CharSpan,
    /// Up to [`Limits::context_chars`] before the hit, not past a line break.
    pub before: String,
    /// The hit's text; line breaks shown as spaces, cut after [`Limits::matched_chars`].
    pub matched: String,
    /// Up to [`Limits::context_chars`] after the hit, not past a line break.
    pub after: String,
    /// The hit starts or ends inside a word (never, for whole-word queries).
    pub cuts_word: bool,
}

/// The hits of one document (only documents with hits are reported).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocHits {
    /// The document's place in the corpus (natural order of ids).
    pub position: usize,
    pub doc: DocId,
    /// The hits kept, in order (fewer than `total` when a limit was reached).
    pub hits: Vec<Hit>,
    /// Every hit in the document.
    pub total: usize,
}

/// How a project search ended.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SearchSummary {
    /// Documents searched completely (all of them unless cancelled or capped).
    pub docs_searched: usize,
    pub docs_with_hits: usize,
    /// Hits in the documents searched.
    pub total_hits: usize,
    /// Hits kept with context.
    pub stored_hits: usize,
    /// Documents that had more hits than [`Limits::hits_per_doc`].
    pub docs_truncated: usize,
    /// Stopped after [`Limits::counted_hits`] hits: totals are lower bounds.
    pub count_capped: bool,
    pub cancelled: bool,
    pub elapsed: Duration,
}

/// What a running search sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchEvent {
    Hits(DocHits),
    /// Always the last event, also after a cancellation.
    Done(SearchSummary),
}

/// Worker threads for a project search (and corpus loading): one per core.
pub(crate) fn threads() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get().clamp(1, 16))
}

/// Documents of about this many bytes go to a worker at a time.
const CHUNK_BYTES: usize = 512 << 10;
const CHUNK_DOCS: usize = 256;

/// Cancellation and the hit cap are checked after this many hits within a document.
const CHECK_EVERY: usize = 1024;

/// Split the corpus into chunks of whole documents.
fn chunks(docs: &[CorpusDoc]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (i, d) in docs.iter().enumerate() {
        bytes += d.text.len();
        if bytes >= CHUNK_BYTES || i + 1 - start >= CHUNK_DOCS {
            out.push(start..i + 1);
            start = i + 1;
            bytes = 0;
        }
    }
    if start < docs.len() {
        out.push(start..docs.len());
    }
    out
}

/// A chunk's results: per document in order, and whether the chunk was finished.
type ChunkDone<R> = (usize, Vec<R>, bool);

/// Run `work` on every document on all cores and feed `deliver` in document order.
/// `work` returns `None` when it stopped inside a document (cancelled or capped);
/// after that, and after `deliver` breaks or `cancel` is set, nothing more is
/// delivered. Returns the number of documents delivered.
fn run_parallel<R: Send>(
    corpus: &Corpus,
    cancel: &AtomicBool,
    work: impl Fn(&CorpusDoc) -> Option<R> + Sync,
    mut deliver: impl FnMut(usize, R) -> ControlFlow<()>,
) -> usize {
    let docs = corpus.docs();
    let chunks = chunks(docs);
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let halted = || stop.load(Ordering::Relaxed) || cancel.load(Ordering::Relaxed);
    let (tx, rx) = mpsc::channel::<ChunkDone<R>>();
    let mut delivered = 0;
    std::thread::scope(|s| {
        for _ in 0..threads().min(chunks.len()) {
            let tx = tx.clone();
            let (chunks, next, work, halted) = (&chunks, &next, &work, &halted);
            s.spawn(move || {
                while !halted() {
                    let c = next.fetch_add(1, Ordering::Relaxed);
                    let Some(range) = chunks.get(c) else { return };
                    let mut results = Vec::with_capacity(range.len());
                    let mut complete = true;
                    for d in &docs[range.clone()] {
                        match (!halted()).then(|| work(d)).flatten() {
                            Some(r) => results.push(r),
                            None => {
                                complete = false;
                                break;
                            }
                        }
                    }
                    if tx.send((c, results, complete)).is_err() || !complete {
                        return;
                    }
                }
            });
        }
        drop(tx);
        let mut pending: BTreeMap<usize, (Vec<R>, bool)> = BTreeMap::new();
        let mut want = 0;
        'recv: for (c, results, complete) in rx.iter() {
            pending.insert(c, (results, complete));
            while let Some((results, complete)) = pending.remove(&want) {
                let first = chunks[want].start;
                for (k, r) in results.into_iter().enumerate() {
                    if cancel.load(Ordering::Relaxed) || deliver(first + k, r).is_break() {
                        break 'recv;
                    }
                    delivered += 1;
                }
                if !complete {
                    break 'recv;
                }
                want += 1;
            }
        }
        stop.store(true, Ordering::Relaxed);
    });
    delivered
}

/// One document's hits as a worker finds them: the first few kept, all counted.
struct DocFound {
    kept: Vec<(ByteHit, CharSpan)>,
    total: usize,
}

/// Search one document, keeping `keep` hits. `None` if stopped (cancel, or the shared
/// count reached `cap`).
fn search_doc(
    doc: &CorpusDoc,
    query: &Compiled,
    keep: usize,
    counted: &AtomicUsize,
    cap: usize,
    cancel: &AtomicBool,
) -> Option<DocFound> {
    if counted.load(Ordering::Relaxed) >= cap {
        return None;
    }
    let mut counter = CharCounter::new(&doc.text, doc.ascii);
    let mut out = DocFound {
        kept: Vec::new(),
        total: 0,
    };
    let mut stopped = false;
    query.for_each_hit(&doc.text, 0, |h| {
        out.total += 1;
        if out.kept.len() < keep {
            let (s, e) = (counter.char_at(h.start), counter.char_at(h.end));
            if let Ok(span) = CharSpan::new(s, e, doc.len_chars) {
                out.kept.push((h, span));
            }
        }
        if out.total.is_multiple_of(CHECK_EVERY)
            && (cancel.load(Ordering::Relaxed)
                || counted.load(Ordering::Relaxed) + out.total >= cap)
        {
            stopped = true;
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    });
    counted.fetch_add(out.total, Ordering::Relaxed);
    (!stopped).then_some(out)
}

/// Search every document of `corpus` on all cores, calling `sink` with each document's
/// hits in document order, as soon as they are known. Blocks until done or cancelled;
/// run it off the UI thread ([`spawn_search`] does).
pub fn search_corpus(
    corpus: &Corpus,
    query: &Compiled,
    limits: &Limits,
    cancel: &AtomicBool,
    mut sink: impl FnMut(DocHits),
) -> SearchSummary {
    let started = Instant::now();
    let counted = AtomicUsize::new(0);
    let mut sum = SearchSummary::default();
    let docs = corpus.docs();
    let keep = limits.hits_per_doc;
    let work = |d: &CorpusDoc| search_doc(d, query, keep, &counted, limits.counted_hits, cancel);
    sum.docs_searched = run_parallel(corpus, cancel, work, |position, found| {
        sum.total_hits += found.total;
        if found.total == 0 {
            return ControlFlow::Continue(());
        }
        sum.docs_with_hits += 1;
        sum.docs_truncated += usize::from(found.total > keep);
        let take = found
            .kept
            .len()
            .min(limits.stored_hits.saturating_sub(sum.stored_hits));
        sum.stored_hits += take;
        let doc = &docs[position];
        let hits = found.kept[..take]
            .iter()
            .map(|(h, span)| hit_with_context(&doc.text, *h, *span, limits))
            .collect();
        sink(DocHits {
            position,
            doc: doc.id.clone(),
            hits,
            total: found.total,
        });
        ControlFlow::Continue(())
    });
    sum.cancelled = cancel.load(Ordering::Relaxed);
    sum.count_capped = !sum.cancelled && sum.docs_searched < docs.len();
    sum.elapsed = started.elapsed();
    sum
}

/// Every hit in every document (no caps, no context): for annotate-all. In document
/// order, documents without hits left out. `None` if cancelled.
pub fn collect_matches(
    corpus: &Corpus,
    query: &Compiled,
    cancel: &AtomicBool,
) -> Option<Vec<(DocId, Vec<Found>)>> {
    let counted = AtomicUsize::new(0);
    let work = |d: &CorpusDoc| {
        let f = search_doc(d, query, usize::MAX, &counted, usize::MAX, cancel)?;
        Some(
            f.kept
                .into_iter()
                .map(|(h, span)| Found {
                    span,
                    cuts_word: h.cuts_word,
                })
                .collect::<Vec<_>>(),
        )
    };
    let mut out = Vec::new();
    let docs = corpus.docs();
    let n = run_parallel(corpus, cancel, work, |position, found| {
        if !found.is_empty() {
            out.push((docs[position].id.clone(), found));
        }
        ControlFlow::Continue(())
    });
    (n == docs.len() && !cancel.load(Ordering::Relaxed)).then_some(out)
}

/// The hit's text and its context.
fn hit_with_context(text: &str, h: ByteHit, span: CharSpan, limits: &Limits) -> Hit {
    let mut from = h.start;
    for (i, (b, c)) in text[..h.start].char_indices().rev().enumerate() {
        if is_line_break(c) || i == limits.context_chars {
            break;
        }
        from = b;
    }
    // Do not start on a combining mark without its base character: take the base in
    // (or, at a line start, leave the mark out).
    while from < h.start {
        let Some(c) = text[from..]
            .chars()
            .next()
            .filter(|&c| super::words::is_mark(c))
        else {
            break;
        };
        match text[..from].chars().next_back() {
            Some(p) if !is_line_break(p) => from -= p.len_utf8(),
            _ => from += c.len_utf8(),
        }
    }
    let mut to = h.end;
    for (i, c) in text[h.end..].chars().enumerate() {
        if is_line_break(c) || (i >= limits.context_chars && !super::words::is_mark(c)) {
            break;
        }
        to += c.len_utf8();
    }
    let mut matched: String = text[h.start..h.end]
        .chars()
        .take(limits.matched_chars)
        .map(|c| if is_line_break(c) { ' ' } else { c })
        .collect();
    if span.len() > limits.matched_chars {
        matched.push('…');
    }
    Hit {
        span,
        before: text[from.min(h.start)..h.start].to_string(),
        matched,
        after: text[h.end..to].to_string(),
        cuts_word: h.cuts_word,
    }
}

/// A project search running on its own thread. Dropping the handle cancels it.
#[derive(Debug)]
pub struct SearchHandle {
    events: mpsc::Receiver<SearchEvent>,
    cancel: Arc<AtomicBool>,
    query: Query,
}

/// Search `corpus` on a thread of its own; results arrive on the handle, and `notify`
/// is called after each event (the app passes `move || ctx.request_repaint()`).
pub fn spawn_search(
    corpus: Arc<Corpus>,
    query: Compiled,
    limits: Limits,
    notify: impl Fn() + Send + 'static,
) -> SearchHandle {
    let (tx, rx) = mpsc::channel();
    let cancel = Arc::new(AtomicBool::new(false));
    let (flag, fallback) = (cancel.clone(), tx.clone());
    let name = query.query().clone();
    let run = move || {
        let summary = search_corpus(&corpus, &query, &limits, &flag, |h| {
            let _ = tx.send(SearchEvent::Hits(h));
            notify();
        });
        let _ = tx.send(SearchEvent::Done(summary));
        notify();
    };
    if std::thread::Builder::new()
        .name("entitle-search".into())
        .spawn(run)
        .is_err()
    {
        // No thread (the system is out of them): report a search that did nothing.
        let _ = fallback.send(SearchEvent::Done(SearchSummary {
            cancelled: true,
            ..Default::default()
        }));
    }
    SearchHandle {
        events: rx,
        cancel,
        query: name,
    }
}

impl SearchHandle {
    /// The next event if one is waiting (call every frame until `Done`).
    pub fn try_recv(&self) -> Option<SearchEvent> {
        self.events.try_recv().ok()
    }
    /// The query this search runs.
    pub fn query(&self) -> &Query {
        &self.query
    }
    /// Stop the search soon (checked between documents and every 1,024 hits); a
    /// `Done` event with `cancelled` follows.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
    /// Block until the search ends and return everything (tests, the CLI).
    pub fn wait(&self) -> (Vec<DocHits>, SearchSummary) {
        let mut hits = Vec::new();
        for e in self.events.iter() {
            match e {
                SearchEvent::Hits(h) => hits.push(h),
                SearchEvent::Done(s) => return (hits, s),
            }
        }
        (
            hits,
            SearchSummary {
                cancelled: true,
                ..Default::default()
            },
        )
    }
}

impl Drop for SearchHandle {
    fn drop(&mut self) {
        self.cancel();
    }
}
