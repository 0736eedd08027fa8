//! Suggestion engines (issue 9): a one-million-entry gazetteer matched over 10,000
//! generated news documents (~40 MB; curly quotes, emoji, Arabic names), the open
//! document's suggestions from every engine, and rebuilding the engines after one more
//! accepted span on a 1,000-document project.
//!
//! Run: `cargo bench --bench suggest --no-default-features`.

#[path = "../tests/support/synth.rs"]
mod synth;

use criterion::{Criterion, criterion_group, criterion_main};
use entitle::model::{DocId, Label};
use entitle::suggest::engines::{EngineSet, Engines, OwnedExample};
use entitle::suggest::gazetteer::{Entry, Gazetteers};
use entitle::text::CharSpan;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

const DOCS: usize = 10_000;
const BYTES_PER_DOC: usize = 4_000;
const ENTRIES: usize = 1_000_000;

fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// One million distinct two- and three-word names (a Wikidata-sized extract), plus the
/// names the generated news uses, so there are real hits.
fn entries() -> Vec<Entry> {
    const A: &[&str] = &[
        "Al", "Ben", "Car", "Dar", "El", "Fen", "Gal", "Har", "Ist", "Jor", "Kal", "Lum", "Mar",
        "Nor", "Os", "Pal", "Qar", "Ros", "Sal", "Tor", "Ul", "Var", "Wen", "Xan", "Yor", "Zan",
    ];
    const B: &[&str] = &[
        "ana", "bek", "cia", "dor", "ena", "fa", "gor", "hia", "ica", "jan", "kov", "lia", "mon",
        "nia", "ova", "pur", "qui", "ria", "sen", "tia", "uma", "vik", "wan", "xis", "yev", "zia",
    ];
    let labels = ["PER", "ORG", "GPE", "LOC"].map(|l| Label::new(l).unwrap());
    let mut out = Vec::with_capacity(ENTRIES + 100);
    let mut i = 0usize;
    'outer: for a1 in A {
        for b1 in B {
            for a2 in A {
                for b2 in B {
                    for suffix in ["", " City", " Group", " Front", " Council", " River"] {
                        if out.len() >= ENTRIES {
                            break 'outer;
                        }
                        out.push(Entry {
                            term: format!("{a1}{b1} {a2}{b2}{suffix}"),
                            label: labels[i % 4].clone(),
                            id: Some(format!("Q{i}")),
                        });
                        i += 1;
                    }
                }
            }
        }
    }
    for name in [
        "Aleppo",
        "Idlib",
        "Hayat Tahrir al-Sham",
        "United Nations",
        "Nairobi",
    ] {
        out.push(Entry {
            term: name.into(),
            label: labels[2].clone(),
            id: None,
        });
    }
    out
}

fn texts(n: usize) -> Vec<synth::SynthDoc> {
    (0..n)
        .map(|i| synth::news_document(BYTES_PER_DOC, 55, i as u64 + 1))
        .collect()
}

fn examples(docs: &[synth::SynthDoc]) -> Vec<OwnedExample> {
    docs.iter()
        .enumerate()
        .map(|(i, d)| {
            let len = d.text.chars().count();
            OwnedExample {
                doc: DocId::new(format!("news/{i:05}")).unwrap(),
                text: Arc::from(d.text.as_str()),
                spans: d
                    .spans
                    .iter()
                    .filter_map(|(s, e, l)| {
                        Some((CharSpan::new(*s, *e, len).ok()?, Label::new(l).ok()?))
                    })
                    .collect(),
                rejected: Vec::new(),
                complete: true,
                accepted: [0; 4],
                rejected_by: [0; 5],
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let before = rss_mb();
    let t0 = Instant::now();
    let list = entries();
    let g = Gazetteers::from_lists(vec![(PathBuf::from("wikidata.csv"), list)]);
    let build = t0.elapsed();
    eprintln!(
        "gazetteer: {} terms compiled in {:.2} s; {:.0} MB by its own count, +{:.0} MB resident",
        g.len(),
        build.as_secs_f64(),
        g.memory_usage() as f64 / 1e6,
        rss_mb() - before
    );
    let docs = texts(DOCS);
    let total: usize = docs.iter().map(|d| d.text.len()).sum();
    eprintln!(
        "{} documents, {:.1} MB of text",
        docs.len(),
        total as f64 / 1e6
    );
    let mut grp = c.benchmark_group("suggest");
    grp.sample_size(10)
        .measurement_time(Duration::from_secs(20));
    grp.bench_function("gazetteer 1M terms over 10,000 documents", |b| {
        b.iter(|| docs.iter().map(|d| g.suggest(&d.text).len()).sum::<usize>())
    });
    // A project of 1,000 annotated documents; the open one is not annotated yet.
    let g = Arc::new(g);
    let project = examples(&docs[..1_000]);
    grp.bench_function("rebuild engines, 1,000 documents", |b| {
        b.iter(|| {
            Engines::build(
                &project,
                g.clone(),
                Default::default(),
                Default::default(),
                None,
            )
            .stats
            .spans
        })
    });
    let engines = Engines::build(
        &project,
        g.clone(),
        Default::default(),
        Default::default(),
        None,
    );
    // What the worker does after one more accepted span: the engines built before it
    // are passed in, so the tagger keeps their calibrated temperature.
    let mut fewer = project.clone();
    if let Some(d) = fewer.iter_mut().find(|d| !d.spans.is_empty()) {
        d.spans.pop();
    }
    let before_span = Engines::build(
        &fewer,
        g.clone(),
        Default::default(),
        Default::default(),
        None,
    );
    grp.bench_function(
        "retrain after one more accepted span, 1,000 documents",
        |b| {
            b.iter(|| {
                Engines::build(
                    &project,
                    g.clone(),
                    Default::default(),
                    Default::default(),
                    Some(&before_span),
                )
                .stats
                .spans
            })
        },
    );
    let open = &docs[5_000].text;
    grp.bench_function("open document's suggestions, every engine", |b| {
        b.iter(|| engines.suggest(open, &[], &[], EngineSet::ALL).len())
    });
    grp.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
