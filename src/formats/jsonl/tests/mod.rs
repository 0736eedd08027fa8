//! Tests of the JSON Lines family, by behaviour; fixtures are shaped like the real
//! files in testdata/real/{doccano,prodigy,spacy-jsonl} (which `real.rs` reads too).

mod big;
mod doccano;
mod entitle;
mod prodigy;
mod props;
mod read;
mod real;
mod spacy;

use super::Flavor;
use crate::formats::{FormatError, ReadOptions, Record};
use std::path::Path;

/// Parse `input` as a file named `in.jsonl`.
pub(super) fn parse(flavor: Flavor, input: &str) -> Vec<Result<Record, FormatError>> {
    parse_with(flavor, input, &ReadOptions::default())
}

pub(super) fn parse_with(
    flavor: Flavor,
    input: &str,
    options: &ReadOptions,
) -> Vec<Result<Record, FormatError>> {
    super::parse_bytes(Path::new("in.jsonl"), input.as_bytes(), flavor, options)
}

/// The records of `input`, which must all read.
pub(super) fn records(flavor: Flavor, input: &str) -> Vec<Record> {
    parse(flavor, input)
        .into_iter()
        .map(|r| r.unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

/// A record's spans as `(start, end, label, text)`.
pub(super) fn spans(rec: &Record) -> Vec<(usize, usize, String, String)> {
    rec.set
        .iter()
        .map(|s| {
            (
                s.range.start(),
                s.range.end(),
                s.label.to_string(),
                rec.doc.slice(s.range.range()).to_string(),
            )
        })
        .collect()
}

/// A record's relations as `(label, from text, to text)`.
pub(super) fn relations(rec: &Record) -> Vec<(String, String, String)> {
    let text_of = |id| {
        rec.set
            .get(id)
            .map(|s| rec.doc.slice(s.range.range()).to_string())
            .unwrap_or_default()
    };
    rec.set
        .relations()
        .iter()
        .map(|r| (r.label.to_string(), text_of(r.from), text_of(r.to)))
        .collect()
}

/// Every warning of a record, as text.
pub(super) fn warnings(rec: &Record) -> Vec<String> {
    rec.warnings.iter().map(ToString::to_string).collect()
}

/// The file reader and the in-memory parser give the same items for `input`.
pub(super) fn assert_reader_agrees(flavor: Flavor, input: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.jsonl");
    std::fs::write(&path, input).unwrap();
    let options = std::sync::Arc::new(ReadOptions::default());
    let from_file: Vec<String> = super::read(&path, flavor, &options)
        .map(crate::formats::Deferred::parse)
        .map(|r| describe(&r).replace(&path.display().to_string(), "in.jsonl"))
        .collect();
    let from_bytes: Vec<String> = parse(flavor, input).iter().map(describe).collect();
    assert_eq!(from_file, from_bytes);
}

fn describe(r: &Result<Record, FormatError>) -> String {
    match r {
        Ok(rec) => format!(
            "{} line {} {:?} {:?} {:?} {:?} {:?}",
            rec.name,
            rec.origin.line,
            rec.doc.text(),
            spans(rec),
            relations(rec),
            rec.meta,
            warnings(rec)
        ),
        Err(e) => format!("{e} skipped={}", e.skipped),
    }
}
