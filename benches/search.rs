//! Project search: 20,000 generated news documents (~100 MB, curly quotes, emoji,
//! Arabic names) held in a `search::Corpus`, searched on every core as the app's
//! search panel does (`search_corpus` with the default limits: hits with context
//! snippets, streamed in document order). Also: loading the corpus from 20,000 `.txt`
//! files, and `collect_matches` (every hit, for annotate-all).
//!
//! Run: `cargo bench --bench search --no-default-features`.

#[path = "../tests/support/synth.rs"]
mod synth;

use criterion::{Criterion, criterion_group, criterion_main};
use entitle::model::DocId;
use entitle::search::{Corpus, CorpusDoc, Limits, Query, collect_matches, search_corpus};
use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::time::Duration;

const DOCS: usize = 20_000;
const BYTES_PER_DOC: usize = 5_000;

/// Resident memory of this process in MB (Linux), 0 elsewhere.
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

fn texts() -> Vec<(String, String)> {
    (0..DOCS)
        .map(|i| {
            let d = synth::news_document(BYTES_PER_DOC, 55, i as u64 + 1);
            (format!("news/{i:05}"), d.text)
        })
        .collect()
}

fn queries() -> Vec<(&'static str, Query)> {
    let plain = |p: &str, cs: bool, ww: bool| Query {
        pattern: p.into(),
        regex: false,
        case_sensitive: cs,
        whole_word: ww,
    };
    vec![
        ("plain_case_sensitive_Idlib", plain("Idlib", true, false)),
        ("plain_case_insensitive_idlib", plain("idlib", false, false)),
        (
            "plain_case_insensitive_jose_ramirez",
            plain("josé ramírez", false, false),
        ),
        ("plain_no_hit_Kandahar", plain("Kandahar", false, false)),
        ("whole_word_Syria", plain("Syria", true, true)),
        ("whole_word_case_insensitive_the", plain("the", false, true)),
        ("regex_Abdel_word", Query::regex(r"Abdel\s+\w+")),
        ("regex_year", Query::regex(r"\b(?:19|20)\d\d\b")),
        ("regex_word_said", Query::regex(r"\b\w+ (?:said|warned)\b")),
        (
            "regex_case_insensitive_commission",
            Query {
                case_sensitive: false,
                ..Query::regex(r"the \w+ (?:river )?commission")
            },
        ),
    ]
}

fn bench_search(c: &mut Criterion) {
    let before = rss_mb();
    let texts = texts();
    let generated = rss_mb();
    let corpus = Corpus::from_docs(
        texts
            .iter()
            .map(|(id, t)| CorpusDoc::new(DocId::new(id.as_str()).unwrap(), t.as_str().into())),
    );
    let with_corpus = rss_mb();
    println!(
        "corpus: {} documents, {:.1} MB of text; RSS {before:.0} MB before, {generated:.0} MB with the generated Strings, {with_corpus:.0} MB with the corpus too (+{:.0} MB)",
        corpus.len(),
        corpus.bytes() as f64 / 1e6,
        with_corpus - generated
    );
    let limits = Limits::default();
    let mut g = c.benchmark_group("project_search_100MB");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(8));
    g.warm_up_time(Duration::from_secs(1));
    for (name, q) in queries() {
        let compiled = q.compile().unwrap();
        let cancel = AtomicBool::new(false);
        let s = search_corpus(&corpus, &compiled, &limits, &cancel, |_| {});
        println!(
            "{name}: {} hits in {} documents ({} kept), one run {:?}",
            s.total_hits, s.docs_with_hits, s.stored_hits, s.elapsed
        );
        g.bench_function(name, |b| {
            b.iter(|| {
                let mut docs = 0usize;
                let s = search_corpus(&corpus, &compiled, &limits, &cancel, |_| docs += 1);
                assert_eq!(s.docs_searched, DOCS);
                docs
            })
        });
    }
    let all = Query::plain("idlib").compile().unwrap();
    g.bench_function("collect_matches_idlib_for_annotate_all", |b| {
        b.iter(|| {
            collect_matches(&corpus, &all, &AtomicBool::new(false))
                .unwrap()
                .len()
        })
    });
    g.finish();
    drop(texts);

    // Loading: the same documents as 20,000 .txt files.
    let dir = tempfile::tempdir().unwrap();
    let entries: Vec<(DocId, std::path::PathBuf)> = corpus
        .docs()
        .iter()
        .map(|d| {
            let path = dir
                .path()
                .join(format!("{}.txt", d.id.as_str().replace('/', "_")));
            std::fs::write(&path, d.text.as_bytes()).unwrap();
            (d.id.clone(), path)
        })
        .collect();
    drop(corpus);
    let mut g = c.benchmark_group("corpus_load_20000_files");
    g.sample_size(10);
    g.bench_function("load_page_cache", |b| {
        b.iter(|| {
            let (corpus, failures) =
                Corpus::load(&entries, &AtomicBool::new(false), &AtomicUsize::new(0)).unwrap();
            assert!(failures.is_empty());
            corpus.len()
        })
    });
    g.finish();
}

criterion_group!(benches, bench_search);
criterion_main!(benches);
