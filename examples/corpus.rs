//! Write a generated news corpus for conversion benchmarks and comparisons:
//! `cargo run --release --example corpus -- DIR [DOCS] [BYTES_PER_DOC]` writes
//! `DIR/corpus.jsonl` (Entitle JSONL with spans) and `DIR/brat/` (a .txt + .ann per doc).

#[path = "../tests/support/synth.rs"]
mod synth;

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let dir = PathBuf::from(
        args.get(1)
            .ok_or("usage: corpus DIR [DOCS] [BYTES_PER_DOC]")?,
    );
    let docs: usize = args.get(2).map_or(Ok(10_000), |s| s.parse())?;
    let bytes: usize = args.get(3).map_or(Ok(5_000), |s| s.parse())?;
    synth::write_corpus(&dir, docs, bytes)?;
    Ok(())
}
