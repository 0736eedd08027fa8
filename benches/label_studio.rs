//! Label Studio import throughput: a JSON export of 10,000 generated news tasks (2–5 KB
//! of text each, with curly quotes, an emoji and Arabic names; 5–20 regions and one
//! relation per task), written by Entitle's own Label Studio writer, read back with
//! [`entitle::formats::label_studio::read`] (file read, scan, parse, check, records).
//! Target: at least 50 MB/s of input. A second group reads the first 1,000 / 2,000 /
//! 4,000 / 10,000 tasks to show the time grows linearly with the file.
//!
//! Run: `cargo bench --bench label_studio`.

#[path = "../tests/support/synth.rs"]
mod synth;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use entitle::formats::{
    self, Format, RawRelation, RawSpan, ReadOptions, Record, WriteOptions, label_studio,
};
use std::path::{Path, PathBuf};

// The allocator the `entitle` binary uses (src/main.rs), so this measures what it does.
#[cfg(unix)]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const TASKS: usize = 10_000;

/// A dateline with an Arabic name, curly quotes and an emoji before each story.
const DATELINE: &str = "ALEPPO, Syria 😀 — محمود الحلبي told “Reuters”:\n";

/// Task `i`: 2–5 KB of text, 5–20 regions (one on the Arabic name), one relation.
fn task(i: usize) -> Record {
    let bytes = 2_000 + (i * 7_919) % 3_000;
    let regions = 5 + i % 16;
    let doc = synth::news_document(bytes, bytes / regions, i as u64 + 1);
    let shift = DATELINE.chars().count();
    let arabic = DATELINE[..DATELINE.find('م').unwrap()].chars().count();
    let mut spans = vec![RawSpan {
        key: "a".into(),
        fragments: vec![(arabic, arabic + "محمود الحلبي".chars().count())],
        label: "PER".into(),
        ..Default::default()
    }];
    let mut seen = std::collections::HashSet::new();
    for (k, &(s, e, l)) in doc.spans.iter().enumerate() {
        if spans.len() == regions || !seen.insert((s, e, l)) {
            continue;
        }
        spans.push(RawSpan {
            key: k.to_string(),
            fragments: vec![(s + shift, e + shift)],
            label: l.into(),
            ..Default::default()
        });
    }
    let relation = RawRelation {
        key: "R1".into(),
        label: "said_to".into(),
        from: spans[0].key.clone(),
        to: spans[1].key.clone(),
        line: 0,
        note: None,
    };
    formats::build_record(
        &format!("story-{i}"),
        None,
        format!("{DATELINE}{}", doc.text),
        spans,
        vec![relation],
        Default::default(),
        &ReadOptions::default(),
    )
    .unwrap()
}

/// Write the first `n` tasks as a Label Studio export.
fn write_export(path: &Path, n: usize) -> u64 {
    let mut w = formats::writer(Format::LabelStudio, path, &WriteOptions::default()).unwrap();
    for i in 0..n {
        w.write(&task(i)).unwrap();
    }
    w.finish().unwrap();
    std::fs::metadata(path).unwrap().len()
}

/// Read an export, checking that every task came in whole.
fn read(path: &Path, tasks: usize) {
    let mut records = 0;
    let mut spans = 0;
    for item in label_studio::read(path, &ReadOptions::default()) {
        let rec = item.unwrap();
        assert!(rec.warnings.is_empty(), "{:?}", rec.warnings);
        assert_eq!(rec.set.relations().len(), 1);
        spans += rec.set.len();
        records += 1;
    }
    assert_eq!(records, tasks);
    assert!(spans >= tasks * 5);
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let exports: Vec<(usize, PathBuf, u64)> = [1_000, 2_000, 4_000, TASKS]
        .into_iter()
        .map(|n| {
            let path = dir.path().join(format!("export-{n}.json"));
            let size = write_export(&path, n);
            (n, path, size)
        })
        .collect();
    let (_, big, size) = exports.last().unwrap().clone();
    eprintln!(
        "{TASKS} tasks: {:.1} MB of Label Studio JSON",
        size as f64 / 1e6
    );

    let mut g = c.benchmark_group("label_studio_read");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(size));
    g.bench_function("10k_tasks", |b| b.iter(|| read(&big, TASKS)));
    // The same export pretty-printed (2-space indent), as scripts often save it.
    let pretty = dir.path().join("pretty.json");
    let value: serde_json::Value = serde_json::from_slice(&std::fs::read(&big).unwrap()).unwrap();
    std::fs::write(&pretty, serde_json::to_vec_pretty(&value).unwrap()).unwrap();
    let pretty_size = std::fs::metadata(&pretty).unwrap().len();
    g.throughput(Throughput::Bytes(pretty_size));
    g.bench_function("10k_tasks_pretty", |b| b.iter(|| read(&pretty, TASKS)));
    g.finish();

    let mut g = c.benchmark_group("label_studio_scaling");
    g.sample_size(10);
    for (n, path, size) in &exports {
        g.throughput(Throughput::Bytes(*size));
        g.bench_with_input(BenchmarkId::from_parameter(n), path, |b, path| {
            b.iter(|| read(path, *n))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
