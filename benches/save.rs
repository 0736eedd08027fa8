//! Autosave cost: serialise one document's annotations and write them atomically
//! (temp file, fsync, rename, fsync of the folder), as the writer thread does.
//!
//! Run: `cargo bench --bench save`.

#[path = "../tests/support/synth.rs"]
mod synth;

use criterion::{Criterion, criterion_group, criterion_main};
use entitle::model::{DocId, Document};
use entitle::project::{annotation_file, atomic_write};

fn bench_save(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut g = c.benchmark_group("autosave_write");
    g.sample_size(30);
    for (name, bytes, per_span) in [
        ("1MB_20k_spans", 1usize << 20, 52),
        ("10KB_article", 10 << 10, 60),
    ] {
        let d = synth::news_document(bytes, per_span, 7);
        let doc = Document::new(DocId::new("article").unwrap(), d.text.as_str());
        let set = synth::annotation_set(&d);
        let path = dir.path().join(format!("annotations/bench/{name}.json"));
        g.bench_function(name, |b| {
            b.iter(|| {
                let bytes = annotation_file::encode(&doc, "bench", &set);
                atomic_write(&path, &bytes).unwrap();
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench_save);
criterion_main!(benches);
