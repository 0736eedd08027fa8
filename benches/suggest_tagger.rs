//! The statistical tagger of issue 9: training on a generated 1,000-document project
//! (news-like, ~400 words and ~20 spans each) and suggesting on one ~1,000-word document.
//!
//! Run: `cargo bench --bench suggest_tagger --no-default-features`.

#[path = "../tests/support/synth.rs"]
mod synth;

use criterion::{Criterion, criterion_group, criterion_main};
use entitle::model::Label;
use entitle::suggest::Example;
use entitle::suggest::tagger::{Tagger, TrainOptions};
use entitle::text::CharSpan;
use std::time::Duration;

const DOCS: usize = 1_000;
/// ~400 words of generated news text.
const BYTES_PER_DOC: usize = 2_600;
/// ~20 spans per document.
const BYTES_PER_SPAN: usize = 130;

type Annotated = (String, Vec<(CharSpan, Label)>);

fn project() -> Vec<Annotated> {
    (0..DOCS)
        .map(|i| {
            let d = synth::news_document(BYTES_PER_DOC, BYTES_PER_SPAN, i as u64 + 1);
            let len = d.text.chars().count();
            let spans = d
                .spans
                .iter()
                .filter_map(|&(s, e, l)| {
                    Some((CharSpan::new(s, e, len).ok()?, Label::new(l).ok()?))
                })
                .collect();
            (d.text, spans)
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let docs = project();
    let examples: Vec<Example<'_>> = docs
        .iter()
        .map(|(text, spans)| Example {
            text,
            spans,
            rejected: &[],
            complete: false,
        })
        .collect();
    let words: usize = docs.iter().map(|(t, _)| t.split_whitespace().count()).sum();
    let spans: usize = docs.iter().map(|(_, s)| s.len()).sum();
    eprintln!("project: {DOCS} documents, {words} words, {spans} spans");
    let options = TrainOptions::default();
    let mut g = c.benchmark_group("suggest_tagger");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function("train_1000_docs", |b| {
        b.iter(|| Tagger::train(&examples, &options))
    });
    let tagger = Tagger::train(&examples, &options);
    let one = synth::news_document(6_500, 130, 99_999).text;
    eprintln!("suggest document: {} words", one.split_whitespace().count());
    g.sample_size(50).measurement_time(Duration::from_secs(5));
    g.bench_function("suggest_1000_words", |b| b.iter(|| tagger.suggest(&one)));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
