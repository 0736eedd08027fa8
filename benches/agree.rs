//! Inter-annotator agreement (issue 10): 10,000 generated news documents (~2 KB, ~20
//! spans each; curly quotes, emoji, Arabic names) annotated by three annotators who
//! disagree the way people do (a missed span, another label, one word more or less),
//! whole-project agreement from memory and from a project folder on disk.
//!
//! Run: `cargo bench --bench agree --no-default-features`.

#[path = "../tests/support/synth.rs"]
mod synth;

use chrono::{DateTime, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use entitle::agree::{DocInput, Options, compute, compute_project};
use entitle::model::{AnnotationSet, DocId, Document, Span, SpanId};
use entitle::project::{Project, annotation_file, atomic_write};
use entitle::text::CharSpan;
use std::time::{Duration, Instant};

const DOCS: usize = 10_000;
const BYTES_PER_DOC: usize = 2_000;
const BYTES_PER_SPAN: usize = 100;
const ANNOTATORS: [&str; 3] = ["alice", "bob", "carol"];

/// xorshift, so every run measures the same disagreements.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// One annotator's version of the reference spans: about 5% missed, 5% with another
/// label, 5% a word shorter at the front, 3% a word longer at the end.
fn layer(doc: &synth::SynthDoc, seed: u64) -> AnnotationSet {
    const LABELS: [&str; 6] = ["PER", "ORG", "GPE", "LOC", "NORP", "DATE"];
    let chars: Vec<char> = doc.text.chars().collect();
    let len = chars.len();
    let mut rng = Rng(seed | 1);
    let mut spans = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for &(s, e, label) in &doc.spans {
        let (mut s, mut e, mut label) = (s, e, label);
        match rng.below(100) {
            0..5 => continue,
            5..10 => label = LABELS[rng.below(6) as usize],
            10..15 => {
                if let Some(sp) = (s..e).find(|&i| chars[i] == ' ') {
                    s = sp + 1;
                }
            }
            15..18 => {
                if let Some(sp) = (e + 1..len).find(|&i| chars[i] == ' ' || chars[i] == '.') {
                    e = sp;
                }
            }
            _ => {}
        }
        if !seen.insert((s, e, label)) {
            continue;
        }
        let Ok(range) = CharSpan::new(s, e, len) else {
            continue;
        };
        spans.push(Span::new(
            SpanId(spans.len() as u64 + 1),
            range,
            entitle::label!(label),
            "bench",
            DateTime::<Utc>::from_timestamp(0, 0).unwrap_or_default(),
        ));
    }
    AnnotationSet::from_spans(spans, len).unwrap_or_default()
}

fn bench(c: &mut Criterion) {
    let t0 = Instant::now();
    let docs: Vec<synth::SynthDoc> = (0..DOCS)
        .map(|i| synth::news_document(BYTES_PER_DOC, BYTES_PER_SPAN, i as u64 + 1))
        .collect();
    let ids: Vec<String> = (0..DOCS).map(|i| format!("docs/n{i:05}")).collect();
    let layers: Vec<Vec<AnnotationSet>> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| {
            (0..ANNOTATORS.len())
                .map(|a| layer(d, (i * 7 + a * 1_000_003 + 11) as u64))
                .collect()
        })
        .collect();
    let inputs: Vec<DocInput<'_>> = docs
        .iter()
        .zip(&layers)
        .zip(&ids)
        .map(|((d, l), id)| DocInput {
            id,
            text: &d.text,
            layers: l,
        })
        .collect();
    let annotators: Vec<String> = ANNOTATORS.iter().map(|s| s.to_string()).collect();
    let spans: usize = layers.iter().flatten().map(|s| s.len()).sum();
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    eprintln!(
        "{DOCS} documents, {:.1} MB of text, {spans} spans in {} layers; generated in {:.1} s",
        bytes as f64 / 1e6,
        ANNOTATORS.len(),
        t0.elapsed().as_secs_f64()
    );
    let report = compute(&annotators, &inputs, &Options::default());
    eprintln!(
        "{} tokens ({} without O); kappa {:?}, alpha {:?}, span F1 exact {:?}",
        report.tokens,
        report.tokens_without_o,
        report.overall.with_o.kappa,
        report.overall.with_o.alpha,
        report.overall.spans_exact_f1
    );

    // The same project on disk: texts and one annotation file per annotator and document.
    let dir = tempfile::tempdir().expect("temp dir");
    for (i, d) in docs.iter().enumerate() {
        let name = format!("n{i:05}");
        let id = DocId::new(format!("docs/{name}")).expect("id");
        let path = dir.path().join("docs").join(format!("{name}.txt"));
        atomic_write(&path, d.text.as_bytes()).expect("write text");
        let doc = Document::new(id, d.text.as_str());
        for (a, set) in ANNOTATORS.iter().zip(&layers[i]) {
            let bytes = annotation_file::encode(&doc, a, set);
            let path = dir
                .path()
                .join("annotations")
                .join(a)
                .join("docs")
                .join(format!("{name}.json"));
            atomic_write(&path, &bytes).expect("write annotations");
        }
    }
    let (project, _) = Project::open_read_only(dir.path()).expect("project");
    let t = Instant::now();
    let from_disk =
        compute_project(&project, &annotators, &Options::default(), None).expect("agreement");
    eprintln!(
        "from disk (open project not included): {} documents in {:.0} ms",
        from_disk.documents,
        t.elapsed().as_secs_f64() * 1e3
    );
    assert_eq!(from_disk.overall, report.overall);

    let mut grp = c.benchmark_group("agree");
    grp.sample_size(10)
        .measurement_time(Duration::from_secs(20));
    grp.bench_function("10,000 documents x 3 annotators, in memory", |b| {
        b.iter(|| compute(&annotators, &inputs, &Options::default()).tokens)
    });
    grp.bench_function("10,000 documents x 3 annotators, from disk", |b| {
        b.iter(|| {
            compute_project(&project, &annotators, &Options::default(), None)
                .map(|r| r.tokens)
                .unwrap_or(0)
        })
    });
    grp.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
