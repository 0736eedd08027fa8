//! Corpus conversion throughput: 10,000 generated news documents (~50 MB of text,
//! 900,000 spans) from JSONL to CoNLL and from brat to JSONL, streamed as
//! `entitle convert` does ([`entitle::formats::stream::convert`]: a reader thread
//! parses, encoder threads encode, the calling thread writes in order).
//!
//! Run: `cargo bench --bench convert`. Figures and comparisons are in BENCHMARKS.md.

#[path = "../tests/support/synth.rs"]
mod synth;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use entitle::formats::{self, Format, ReadOptions, WriteOptions};
use std::path::Path;

// The allocator the `entitle` binary uses (src/main.rs), so this measures what it does.
#[cfg(unix)]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const DOCS: usize = 10_000;
const BYTES_PER_DOC: usize = 5_000;

fn size_of(path: &Path) -> u64 {
    if path.is_file() {
        return std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    }
    std::fs::read_dir(path)
        .unwrap()
        .map(|e| size_of(&e.unwrap().path()))
        .sum()
}

fn convert(input: &Path, from: Format, to: Format, output: &Path) -> usize {
    let mut w = formats::writer(to, output, &WriteOptions::default()).unwrap();
    let mut n = 0;
    formats::stream::convert(
        from,
        &[input.to_path_buf()],
        &ReadOptions::default(),
        w.as_mut(),
        |item| {
            item.unwrap();
            n += 1;
        },
    )
    .unwrap();
    w.finish().unwrap();
    n
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let (jsonl, brat) = synth::write_corpus(dir.path(), DOCS, BYTES_PER_DOC).unwrap();
    let mut g = c.benchmark_group("convert_10k_docs");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(size_of(&jsonl)));
    g.bench_function("jsonl_to_conll", |b| {
        b.iter(|| {
            assert_eq!(
                convert(
                    &jsonl,
                    Format::Jsonl,
                    Format::Conll,
                    &dir.path().join("out.conll")
                ),
                DOCS
            )
        })
    });
    g.throughput(Throughput::Bytes(size_of(&brat)));
    g.bench_function("brat_to_jsonl", |b| {
        b.iter(|| {
            assert_eq!(
                convert(
                    &brat,
                    Format::Brat,
                    Format::Jsonl,
                    &dir.path().join("out.jsonl")
                ),
                DOCS
            )
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
