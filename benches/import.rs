//! Project import: 10,000 generated news documents (~50 MB of text, ~900,000 spans) from
//! one Entitle JSONL file into a fresh project, as `entitle import` does: parsed on
//! every core, merged through a workspace, written in durable batches (one flush per
//! batch, not per file) with the journal that makes an interrupted import resumable.
//!
//! Run: `cargo bench --bench import`. Target (issue 6): ≤ 10 s. Figures in BENCHMARKS.md.

#[path = "../tests/support/synth.rs"]
mod synth;

use criterion::{Criterion, criterion_group, criterion_main};
use entitle::formats::{self, Format, ReadOptions};
use entitle::project::{Added, ImportSource, Project};
use std::path::Path;

#[cfg(unix)]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const DOCS: usize = 10_000;
const BYTES_PER_DOC: usize = 5_000;

/// Import `corpus` into a new project under `parent`; returns the documents added.
fn import(corpus: &Path, parent: &Path) -> usize {
    let root = tempfile::tempdir_in(parent).unwrap();
    let (mut p, _) = Project::open(root.path()).unwrap();
    let mut im = p
        .begin_import(ImportSource {
            format: "jsonl".into(),
            inputs: vec![corpus.display().to_string()],
            annotator: "bench".into(),
        })
        .unwrap();
    let mut n = 0;
    formats::stream::read(
        Format::Jsonl,
        &[corpus.to_path_buf()],
        &ReadOptions::default(),
        |item| {
            if let Added::Imported(_) = im.add(&mut p, &item.unwrap()).unwrap() {
                n += 1;
            }
        },
    );
    im.finish(&mut p).unwrap();
    n
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let (jsonl, _) = synth::write_corpus(dir.path(), DOCS, BYTES_PER_DOC).unwrap();
    let mut g = c.benchmark_group("import_10k_docs");
    g.sample_size(10);
    g.bench_function("jsonl_into_new_project", |b| {
        b.iter(|| assert_eq!(import(&jsonl, dir.path()), DOCS))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
