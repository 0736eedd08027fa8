//! Write a generated news corpus for conversion benchmarks and comparisons:
//! `cargo run --release --example corpus -- DIR [DOCS] [BYTES_PER_DOC]` writes
//! `DIR/corpus.jsonl` (Entitle JSONL with spans) and `DIR/brat/` (a .txt + .ann per doc).

use entitle::formats::{self, Format, RawSpan, ReadOptions, WriteOptions};
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let dir = PathBuf::from(
        args.get(1)
            .ok_or("usage: corpus DIR [DOCS] [BYTES_PER_DOC]")?,
    );
    let docs: usize = args.get(2).map_or(Ok(10_000), |s| s.parse())?;
    let bytes: usize = args.get(3).map_or(Ok(5_000), |s| s.parse())?;
    std::fs::create_dir_all(&dir)?;
    let mut jsonl = formats::writer(
        Format::Jsonl,
        &dir.join("corpus.jsonl"),
        &WriteOptions::default(),
    )?;
    let mut brat = formats::writer(Format::Brat, &dir.join("brat"), &WriteOptions::default())?;
    for i in 0..docs {
        let d = entitle::synth::news_document(bytes, 55, i as u64 + 1);
        let spans = d
            .spans
            .iter()
            .enumerate()
            .map(|(k, &(s, e, l))| RawSpan {
                key: k.to_string(),
                fragments: vec![(s, e)],
                label: l.into(),
                ..Default::default()
            })
            .collect();
        let rec = formats::build_record(
            &format!("doc{i:05}"),
            None,
            d.text,
            spans,
            vec![],
            Default::default(),
            &ReadOptions::default(),
        )?;
        jsonl.write(&rec)?;
        brat.write(&rec)?;
    }
    jsonl.finish()?;
    brat.finish()?;
    Ok(())
}
