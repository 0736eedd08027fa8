//! What each fuzz target does with its input, shared by the cargo-fuzz targets
//! (fuzz/fuzz_targets/*.rs, nightly) and by the stable test that replays their corpora
//! (tests/fuzz_corpus.rs), so `cargo test` runs every input the fuzzers kept.
//!
//! Each function reads the bytes the way the format's file reader does, through the
//! same in-memory entry point. It must never panic: a panic here is the bug a fuzzer
//! looks for. The outcome (records or errors) is exercised but not judged.
#![allow(dead_code)]

use entitle::formats::{self, ReadOptions, Record};
use entitle::model::{DocId, Document};
use std::path::Path;

/// Touch what a reader produced, so a record that is inconsistent inside shows up.
fn walk(rec: &Record) {
    let len = rec.doc.len_chars();
    for s in rec.set.iter() {
        assert!(s.range.end() <= len);
        let _ = rec.doc.slice(s.range.range());
        for f in s.fragments() {
            let _ = rec.doc.slice(f.range());
        }
    }
    for r in rec.set.relations() {
        assert!(rec.set.get(r.from).is_some() && rec.set.get(r.to).is_some());
    }
}

fn each(items: impl IntoIterator<Item = Result<Record, formats::FormatError>>) {
    for item in items {
        match item {
            Ok(rec) => walk(&rec),
            Err(e) => {
                let _ = e.to_string();
            }
        }
    }
}

/// Split an input in two at its first `\0\0` (the part before, the part after).
fn split(data: &[u8]) -> (&[u8], &[u8]) {
    match data.windows(2).position(|w| w == b"\0\0") {
        Some(i) => (&data[..i], &data[i + 2..]),
        None => (data, &[]),
    }
}

/// JSON Lines: the first byte picks the flavour (Entitle, spaCy, doccano, Prodigy).
pub fn jsonl(data: &[u8]) {
    use entitle::formats::jsonl::Flavor;
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let flavor = [
        Flavor::Entitle,
        Flavor::Spacy,
        Flavor::Doccano,
        Flavor::Prodigy,
    ][pick as usize % 4];
    let options = ReadOptions {
        keep_rejected: pick & 4 != 0,
        ..ReadOptions::default()
    };
    each(formats::jsonl::parse_bytes(
        Path::new("in.jsonl"),
        rest,
        flavor,
        &options,
    ));
}

/// brat: the text, `\0\0`, the `.ann`.
pub fn brat(data: &[u8]) {
    let (text, ann) = split(data);
    let ann = String::from_utf8_lossy(ann);
    each([formats::brat::parse_pair(
        Path::new("doc.txt"),
        text,
        &ann,
        &ReadOptions::default(),
    )]);
}

pub fn conll(data: &[u8]) {
    each(formats::conll::DocReader::new(
        data,
        Path::new("in.conll"),
        &ReadOptions::default(),
    ));
}

pub fn docbin(data: &[u8]) {
    each(formats::docbin::parse_bytes(
        Path::new("in.spacy"),
        data,
        &ReadOptions::default(),
    ));
}

pub fn label_studio(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    each(formats::label_studio::parse_str(
        Path::new("in.json"),
        &text,
        &ReadOptions::default(),
    ));
}

/// WebAnno TSV; the first byte says whether a custom span layer is named.
pub fn webanno(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let options = ReadOptions {
        webanno_layers: if pick & 1 == 1 {
            vec!["webanno.custom.Span".into()]
        } else {
            Vec::new()
        },
        ..ReadOptions::default()
    };
    let text = String::from_utf8_lossy(rest);
    each([formats::webanno::parse(
        &text,
        Path::new("in.tsv"),
        "in",
        &options,
    )]);
}

/// A text file: decoded as a document file is, then made a record.
pub fn txt(data: &[u8]) {
    if let Ok((text, _)) = entitle::model::decode_text(data.to_vec()) {
        each([formats::build_record(
            "doc",
            None,
            text,
            Vec::new(),
            Vec::new(),
            Default::default(),
            &ReadOptions::default(),
        )]);
    }
}

/// An annotation file (after `\0\0`) checked against a text (before it), then
/// re-anchored onto that text whatever its fingerprint says.
pub fn annotation_file(data: &[u8]) {
    use entitle::project::annotation_file::{self, Checked};
    let (text, file) = split(data);
    let Ok((text, _)) = entitle::model::decode_text(text.to_vec()) else {
        return;
    };
    let Ok(id) = DocId::new("docs/a") else { return };
    let doc = Document::new(id, text);
    let Ok(parsed) = annotation_file::parse(file) else {
        return;
    };
    let r = annotation_file::reanchor(&parsed, &doc);
    assert_eq!(r.unchanged + r.moved + r.lost.len(), parsed.spans.len());
    if let Ok(Checked::Current { set, .. }) = parsed.check(&doc) {
        // What was read is written back and reads again the same.
        let bytes = annotation_file::encode(&doc, "a", &set);
        let again = annotation_file::parse(&bytes).map(|p| p.check(&doc));
        assert!(matches!(again, Ok(Ok(Checked::Current { .. }))));
    }
}

/// entitle.toml, strictly and leniently (a bad one opens the project read-only).
pub fn config(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(c) = entitle::project::ProjectConfig::parse(&text) {
        let again = entitle::project::ProjectConfig::parse(&c.to_toml());
        assert_eq!(again.ok().as_ref(), Some(&c));
    }
    let _ = entitle::project::ProjectConfig::parse_lenient(&text);
}

/// A gazetteer file: the first byte picks the format (csv, tsv, jsonl) and the case
/// mode; the entries are compiled and matched on the part after `\0\0` as text (and
/// on the file itself), and every suggestion must lie inside that text.
pub fn gazetteer(data: &[u8]) {
    use entitle::suggest::gazetteer::{Gazetteers, parse};
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    let name = match kind % 6 {
        0 => "g.csv",
        1 => "g.tsv",
        2 => "g.jsonl",
        3 => "g.exact.csv",
        4 => "g.exact.tsv",
        _ => "g.exact.jsonl",
    };
    let (file, text) = split(rest);
    let (entries, problems) = parse(file, Path::new(name));
    for p in &problems {
        let _ = p.to_string();
    }
    let g = Gazetteers::from_lists(vec![(name.into(), entries)]);
    for t in [String::from_utf8_lossy(text), String::from_utf8_lossy(file)] {
        let len = t.chars().count();
        for s in g.suggest(&t) {
            assert!(s.span.end() <= len);
        }
    }
}

/// A patterns.jsonl (spaCy/Prodigy patterns and Entitle's regexes), then its matches in
/// a fixed news text and in the input itself: spans lie in the text, in order, apart.
pub fn patterns(data: &[u8]) {
    use entitle::suggest::patterns::Patterns;
    let text = String::from_utf8_lossy(data);
    let mut patterns = Patterns::default();
    let (added, problems) = patterns.add_jsonl(&text, "fuzz.jsonl");
    for p in &problems {
        let _ = p.to_string();
    }
    assert!(added <= patterns.len());
    const NEWS: &str = "“The fighting started,” Rami Abdel Rahman said. Syria’s war isn't over: \
        10,000 people fled Al-Sukhna (Homs) on 3 July 2020 😀.\r\nرامي عبد الرحمن e\u{301}";
    // The input's first 512 characters as a text (cut on a character boundary).
    let head = text
        .char_indices()
        .nth(512)
        .map_or(&text[..], |(i, _)| &text[..i]);
    for t in [NEWS, head] {
        let n = t.chars().count();
        let mut end = 0;
        for s in patterns.find(t) {
            assert!(s.span.start() >= end && s.span.end() <= n);
            end = s.span.end();
        }
    }
}

/// What a target does with one input.
pub type Target = fn(&[u8]);

/// Every target, by name (the fuzz folder's target names).
pub const TARGETS: &[(&str, Target)] = &[
    ("jsonl", jsonl),
    ("brat", brat),
    ("conll", conll),
    ("docbin", docbin),
    ("label_studio", label_studio),
    ("webanno", webanno),
    ("txt", txt),
    ("annotation_file", annotation_file),
    ("config", config),
    ("gazetteer", gazetteer),
    ("patterns", patterns),
];
