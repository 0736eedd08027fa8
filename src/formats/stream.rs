//! Streaming corpus conversion on every core, in constant memory.
//!
//! Three kinds of thread: one reader parses the input in order ([`read_in_background`]);
//! encoder threads turn records into the output format's bytes, in any order; the
//! calling thread writes those bytes in input order. A bounded number of documents is
//! in flight at any time, so memory does not grow with the corpus. With two encoders
//! on a two-core machine the three threads share both cores whichever side (parsing
//! or encoding) is heavier for a given pair of formats.
//!
//! Writers whose output is not a plain concatenation of per-document pieces (brat's
//! folder, Label Studio's array, DocBin) have no encoder; their records are written
//! on the calling thread while the reader parses ahead.

use super::{Format, FormatError, ReadOptions, Record, Warning, WriteError, Writer};
use std::collections::VecDeque;
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

/// Documents between the reader and the writer at most (parsed, encoding or encoded).
const IN_FLIGHT: usize = 64;

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
    let records = super::read_in_background(from, inputs, options);
    let Some(encoder) = writer.encoder() else {
        for item in records {
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
        }
        return Ok(());
    };
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(2, 16);
    let (jobs_tx, jobs_rx) = sync_channel::<(Record, SyncSender<Encoded>)>(IN_FLIGHT);
    let jobs_rx = Arc::new(Mutex::new(jobs_rx));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let jobs = Arc::clone(&jobs_rx);
            let encoder = Arc::clone(&encoder);
            scope.spawn(move || {
                loop {
                    // The lock is held only while taking a job, not while encoding.
                    let job = match jobs.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok((rec, done)) = job else { return };
                    let out = encoder(&rec);
                    drop(rec);
                    // The writer may have stopped (a write error): nothing to do then.
                    let _ = done.send(out);
                }
            });
        }
        let mut pending: VecDeque<Pending> = VecDeque::with_capacity(IN_FLIGHT + 1);
        let mut result = Ok(());
        for item in records {
            match item {
                Ok(mut rec) => {
                    let (done_tx, done_rx) = sync_channel(1);
                    pending.push_back(Pending::Doc {
                        name: rec.name.clone(),
                        spans: rec.set.len(),
                        warnings: std::mem::take(&mut rec.warnings),
                        done: done_rx,
                    });
                    if jobs_tx.send((rec, done_tx)).is_err() {
                        result = Err(stopped());
                        break;
                    }
                }
                Err(e) => pending.push_back(Pending::Failed(e)),
            }
            while pending.len() > IN_FLIGHT || matches!(pending.front(), Some(Pending::Failed(_))) {
                if let Some(p) = pending.pop_front()
                    && let Err(e) = finish(p, writer, &mut each)
                {
                    result = Err(e);
                    break;
                }
            }
            if result.is_err() {
                break;
            }
        }
        // No more jobs: encoders exit once the queue is empty.
        drop(jobs_tx);
        if result.is_ok() {
            while let Some(p) = pending.pop_front() {
                finish(p, writer, &mut each)?;
            }
        }
        result
    })
}

enum Pending {
    Doc {
        name: String,
        spans: usize,
        warnings: Vec<Warning>,
        done: Receiver<Encoded>,
    },
    Failed(FormatError),
}

fn stopped() -> WriteError {
    WriteError::Unsupported("internal error: an encoder thread stopped; nothing was written".into())
}

fn finish(
    p: Pending,
    writer: &mut dyn Writer,
    each: &mut impl FnMut(Result<Converted, FormatError>),
) -> Result<(), WriteError> {
    match p {
        Pending::Failed(e) => each(Err(e)),
        Pending::Doc {
            name,
            spans,
            mut warnings,
            done,
        } => {
            let (bytes, w) = done.recv().map_err(|_| stopped())?;
            writer.write_encoded(&bytes)?;
            warnings.extend(w);
            each(Ok(Converted {
                name,
                spans,
                warnings,
            }));
        }
    }
    Ok(())
}
