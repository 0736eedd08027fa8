//! Entitle's pattern matches as JSON lines, for .ci/validators/spacy_patterns_check.py
//! (which compares them with spaCy's EntityRuler):
//!
//!     cargo run --example patterns_dump -- [--tokens] PATTERNS.jsonl TEXT...
//!
//! One line per match: `{"file", "start", "end", "label", "id"}` (code points). With
//! `--tokens`, one line per text first: `{"file", "tokens": [[start, end], …]}`, the
//! tokens patterns are matched on. Problems in the patterns file go to stderr.

use entitle::suggest::patterns::{Patterns, tokens};
use serde_json::json;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let with_tokens = args.first().is_some_and(|a| a == "--tokens");
    if with_tokens {
        args.remove(0);
    }
    let Some((patterns_path, texts)) = args.split_first() else {
        eprintln!("usage: patterns_dump [--tokens] PATTERNS.jsonl TEXT...");
        return ExitCode::from(2);
    };
    let read = |path: &str| std::fs::read_to_string(path).map_err(|e| eprintln!("{path}: {e}"));
    let Ok(source) = read(patterns_path) else {
        return ExitCode::FAILURE;
    };
    let mut patterns = Patterns::default();
    let (added, problems) = patterns.add_jsonl(&source, patterns_path);
    for p in &problems {
        eprintln!("{p}");
    }
    eprintln!("{added} patterns from {patterns_path}");
    for path in texts {
        let Ok(text) = read(path) else {
            return ExitCode::FAILURE;
        };
        if with_tokens {
            let t: Vec<[usize; 2]> = tokens(&text).into_iter().map(|(a, b)| [a, b]).collect();
            println!("{}", json!({"file": path, "tokens": t}));
        }
        for s in patterns.find(&text) {
            println!(
                "{}",
                json!({"file": path, "start": s.span.start(), "end": s.span.end(),
                       "label": s.label.as_str(), "id": s.id})
            );
        }
    }
    ExitCode::SUCCESS
}
