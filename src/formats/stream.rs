//! Streaming corpus conversion on every core, in constant memory.
//!
//! Three kinds of thread: one reader goes through the input in order, reading JSONL
//! lines or finding brat pairs but not parsing them ([`read_deferred`]); worker threads
//! parse and check documents and encode them in the output format, in any order; the
//! calling thread writes the results in input order. Work moves between threads in
//! batches of a few documents, because a hand-over costs microseconds and a corpus is
//! many small documents; a bounded number of batches is in flight, so memory does not
//! grow with the corpus.
//!
//! Formats that are parsed as a whole (CoNLL, Label Studio's array, DocBin, WebAnno)
//! are parsed by the reader thread; the workers then only encode. Writers whose output
//! is not a concatenation of per-document pieces (brat's folder, Label Studio's array,
//! DocBin) have no encoder; their records are written on the calling thread.

use super::{
    Deferred, Format, FormatError, ReadOptions, Record, Warning, WriteError, Writer, read_deferred,
};
use std::collections::VecDeque;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

/// One document's output bytes and what its format could not express.
pub type Encoded = (Vec<u8>, Vec<Warning>);

/// Encodes one record exactly as the writer's [`Writer::write`] would, without
/// touching the output; safe to call from several threads at once.
pub type Encoder = Arc<dyn Fn(&Record) -> Encoded + Send + Sync>;

/// What became of one input document.
#[derive(Debug)]
pub struct Converted {
    pub name: String,
    pub spans: usize,
    /// What the reader could not keep, then what the output format could not express.
    pub warnings: Vec<Warning>,
}

/// Documents per batch handed between threads.
const BATCH_DOCS: usize = 16;
/// Input bytes after which a batch is handed over even if it has fewer documents.
const BATCH_BYTES: usize = 1 << 20;
/// Batches between the reader and the calling thread at most (read, being worked on,
/// or done and waiting to be written in order).
const IN_FLIGHT: usize = 8;

/// Read `inputs` as `from` and write every record with `writer`, calling `each` for
/// each document in input order. Stops at the first write error (the caller then
/// drops the writer, so nothing half-written appears); read errors are passed to
/// `each` and conversion goes on.
pub fn convert(
    from: Format,
    inputs: &[PathBuf],
    options: &ReadOptions,
    writer: &mut dyn Writer,
    mut each: impl FnMut(Result<Converted, FormatError>),
) -> Result<(), WriteError> {
    match writer.encoder() {
        Some(encoder) => pipeline(
            from,
            inputs,
            options,
            &|item| {
                item.and_then(|rec| {
                    let (path, line) = (rec.origin.path.clone(), rec.origin.line);
                    // A writer bug costs this document, not the conversion.
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        encode(&encoder, rec)
                    }))
                    .map_err(|p| {
                        FormatError::new(
                            &path,
                            line,
                            format!(
                                "internal error while writing this document ({}); it was skipped. Please report this, with the input",
                                super::panic_message(&*p)
                            ),
                        )
                    })
                })
            },
            |done| {
                match done {
                    Ok((converted, bytes)) => {
                        writer.write_encoded(&bytes)?;
                        each(Ok(converted));
                    }
                    Err(e) => each(Err(e)),
                }
                Ok(())
            },
        ),
        None => pipeline(from, inputs, options, &|item| item, |item| {
            match item {
                Ok(mut rec) => {
                    let mut warnings = std::mem::take(&mut rec.warnings);
                    warnings.extend(writer.write(&rec)?);
                    each(Ok(Converted {
                        name: rec.name,
                        spans: rec.set.len(),
                        warnings,
                    }));
                }
                Err(e) => each(Err(e)),
            }
            Ok(())
        }),
    }
}

/// Every record of `inputs`, parsed on every core, passed to `each` in input order.
pub fn read(
    from: Format,
    inputs: &[PathBuf],
    options: &ReadOptions,
    mut each: impl FnMut(Result<Record, FormatError>),
) {
    read_until(from, inputs, options, |item| {
        each(item);
        ControlFlow::Continue(())
    });
}

/// [`read`] that stops as soon as `each` says so (a cancelled import).
pub fn read_until(
    from: Format,
    inputs: &[PathBuf],
    options: &ReadOptions,
    mut each: impl FnMut(Result<Record, FormatError>) -> ControlFlow<()>,
) {
    let _stopped: Result<(), ()> =
        pipeline(from, inputs, options, &|item| item, |item| {
            match each(item) {
                ControlFlow::Continue(()) => Ok(()),
                ControlFlow::Break(()) => Err(()),
            }
        });
}

fn encode(encoder: &Encoder, mut rec: Record) -> (Converted, Vec<u8>) {
    let (bytes, w) = encoder(&rec);
    let mut warnings = std::mem::take(&mut rec.warnings);
    warnings.extend(w);
    let spans = rec.set.len();
    (
        Converted {
            name: rec.name,
            spans,
            warnings,
        },
        bytes,
    )
}

/// The engine: each document of `inputs` is parsed and passed through `work` on a
/// worker thread, then given to `sink` on the calling thread in input order. Stops at
/// the first error `sink` returns.
fn pipeline<T: Send, E>(
    from: Format,
    inputs: &[PathBuf],
    options: &ReadOptions,
    work: &(dyn Fn(Result<Record, FormatError>) -> T + Sync),
    mut sink: impl FnMut(T) -> Result<(), E>,
) -> Result<(), E> {
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(2, 16);
    let (batches_tx, batches) = sync_channel::<Vec<Deferred>>(IN_FLIGHT);
    let (jobs_tx, jobs_rx) = sync_channel::<(Vec<Deferred>, SyncSender<Vec<T>>)>(IN_FLIGHT);
    let jobs_rx = Arc::new(Mutex::new(jobs_rx));
    std::thread::scope(|scope| {
        let inputs = inputs.to_vec();
        let options = options.clone();
        // The reader's iterator is built on its own thread (it need not be Send).
        scope.spawn(move || {
            let mut batch = Vec::with_capacity(BATCH_DOCS);
            let mut bytes = 0;
            for d in read_deferred(from, &inputs, &options) {
                bytes += d.bytes;
                batch.push(d);
                if batch.len() >= BATCH_DOCS || bytes >= BATCH_BYTES {
                    bytes = 0;
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_DOCS));
                    if batches_tx.send(full).is_err() {
                        return; // the calling thread stopped
                    }
                }
            }
            if !batch.is_empty() {
                let _ = batches_tx.send(batch);
            }
        });
        for _ in 0..workers {
            let jobs = Arc::clone(&jobs_rx);
            scope.spawn(move || {
                loop {
                    // The lock is held only while taking a job, not while working.
                    let job = match jobs.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok((batch, done)) = job else { return };
                    let out: Vec<T> = batch.into_iter().map(|d| work(d.parse())).collect();
                    // The calling thread may have stopped (an error): nothing to do then.
                    let _ = done.send(out);
                }
            });
        }
        let mut pending: VecDeque<Receiver<Vec<T>>> = VecDeque::with_capacity(IN_FLIGHT + 1);
        let mut drain = |pending: &mut VecDeque<Receiver<Vec<T>>>, keep: usize| {
            while pending.len() > keep {
                let Some(p) = pending.pop_front() else { break };
                // Parsing and encoding catch their own panics (per document), so a worker
                // stops early only if the process is going down anyway; a lost batch
                // must still not pass silently.
                let out = p
                    .recv()
                    .unwrap_or_else(|_| panic!("a conversion thread stopped unexpectedly"));
                for item in out {
                    sink(item)?;
                }
            }
            Ok(())
        };
        let mut result = Ok(());
        for batch in batches {
            let (done_tx, done_rx) = sync_channel(1);
            pending.push_back(done_rx);
            if jobs_tx.send((batch, done_tx)).is_err() {
                break; // only if every worker is gone; the drain below reports it
            }
            result = drain(&mut pending, IN_FLIGHT);
            if result.is_err() {
                break;
            }
        }
        // No more jobs: workers exit once the queue is empty; the reader, if stopped
        // early, exits when its next send fails (the receiver is dropped here).
        drop(jobs_tx);
        result?;
        drain(&mut pending, 0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::{self, WriteOptions};

    /// What a user sees per document: its name, or the error's text.
    fn summary(item: Result<Record, FormatError>) -> String {
        match item {
            Ok(r) => format!("{} {}", r.name, r.set.len()),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn parallel_reading_keeps_input_order_and_every_error() {
        let dir = tempfile::tempdir().unwrap();
        let mut lines = String::new();
        for i in 0..500 {
            match i % 97 {
                13 => lines.push_str("{\"text\": \"broken\n"),
                41 => lines.push_str("{\"text\": \"ab\", \"entities\": [[0, 9, \"PER\"]]}\n"),
                _ => lines.push_str(&format!(
                    "{{\"id\": \"d{i}\", \"text\": \"Amal in Oslo {i}\", \"entities\": [[0, 4, \"PER\"], [8, 12, \"GPE\"]]}}\n"
                )),
            }
        }
        let a = dir.path().join("a.jsonl");
        std::fs::write(&a, &lines).unwrap();
        let b = dir.path().join("b.jsonl");
        std::fs::write(&b, &lines[..lines.len() / 3]).unwrap();
        let inputs = [a, dir.path().join("missing.jsonl"), b];
        let options = ReadOptions::default();
        let sequential: Vec<String> = formats::read(Format::Jsonl, &inputs, &options)
            .map(summary)
            .collect();
        let mut parallel = Vec::new();
        read(Format::Jsonl, &inputs, &options, |item| {
            parallel.push(summary(item))
        });
        assert!(sequential.len() > 600);
        assert!(sequential.iter().any(|s| s.contains("missing.jsonl")));
        assert!(sequential.iter().any(|s| s.contains(":14:")));
        assert_eq!(parallel, sequential);
    }

    #[test]
    fn converting_a_brat_folder_in_parallel_matches_one_document_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src");
        std::fs::create_dir(&src).unwrap();
        for i in 0..200 {
            std::fs::write(
                src.join(format!("n{i:03}.txt")),
                format!("Amal met “Rami” {i}.\r\n"),
            )
            .unwrap();
            std::fs::write(
                src.join(format!("n{i:03}.ann")),
                "T1\tPER 0 4\tAmal\nT2\tPER 10 14\tRami\nR1\tMeets Arg1:T1 Arg2:T2\n",
            )
            .unwrap();
        }
        let options = ReadOptions::default();
        let out = dir.path().join("out.jsonl");
        let mut w = formats::writer(Format::Jsonl, &out, &WriteOptions::default()).unwrap();
        let mut names = Vec::new();
        convert(
            Format::Brat,
            std::slice::from_ref(&src),
            &options,
            w.as_mut(),
            |c| names.push(c.unwrap().name),
        )
        .unwrap();
        w.finish().unwrap();
        let expected = dir.path().join("expected.jsonl");
        let mut w = formats::writer(Format::Jsonl, &expected, &WriteOptions::default()).unwrap();
        for rec in formats::read(Format::Brat, &[src], &options) {
            w.write(&rec.unwrap()).unwrap();
        }
        w.finish().unwrap();
        assert_eq!(names.len(), 200);
        assert_eq!(names[0], "n000");
        assert_eq!(names[199], "n199");
        assert_eq!(
            std::fs::read_to_string(out).unwrap(),
            std::fs::read_to_string(expected).unwrap()
        );
    }
}
