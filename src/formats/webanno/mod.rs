//! WebAnno TSV 3.x, the format INCEpTION and WebAnno import and export, read as
//! INCEpTION's `Tsv3XDeserializer` reads it and written as its `Tsv3XSerializer` writes
//! it.
//!
//! Wire format: a header (`#FORMAT=WebAnno TSV 3.3`, one `#T_SP=` line per span layer,
//! `#T_CH=` per chain layer, `#T_RL=` per relation layer), two empty lines, then per
//! sentence its `#Text=` line(s) and one row per token (and sub-token, `1-3.1`):
//! `SENT-TOK<TAB>BEGIN-END<TAB>TOKEN<TAB>` + one cell per header column, each ending
//! with a TAB. BEGIN/END are document offsets in **UTF-16 code units**, end exclusive.
//! A cell holds `_` (nothing), or stacked values joined by `|`, each with a `[N]` when
//! the annotation spans several rows or is stacked; feature values escape
//! `\ [ ] | _ -> ; * TAB LF` with a backslash.
//!
//! Reading ([`parse`], the one entry the file reader and fuzzing use):
//! - [`header`]: the format line and layer declarations;
//! - [`body`]: sentences and token rows, the text rebuilt from `#Text=` lines, every
//!   row checked against it (a token whose text differs is an error: its offsets are
//!   wrong);
//! - [`layers`] and [`relations`]: which layers become spans and relations (entity
//!   layers only: `NamedEntity` and those named in [`ReadOptions::webanno_layers`]),
//!   and a warning per layer that is not imported;
//! - [`crate::formats::build_record`]: the spans checked against the text.
//!
//! Writing ([`encode`], in [`write`]): entities in `NamedEntity` (`identifier`,
//! `value`, then one feature per attribute), relations in `webanno.custom.Relation`
//! (`label`, and `note` when a relation has one). WebAnno TSV cannot hold
//! discontinuous spans, span notes, more than one link per entity or a link's name
//! (each is named in a warning), nor text before the first token that is not spaces.

mod body;
mod escape;
mod header;
mod layers;
mod relations;
mod write;

#[cfg(test)]
mod tests;

pub use write::encode;

use super::{FormatError, Origin, ReadOptions, Record, Warning};
use std::path::Path;

pub fn read(
    path: &Path,
    options: &ReadOptions,
) -> Box<dyn Iterator<Item = Result<Record, FormatError>>> {
    let root = path.to_path_buf();
    let options = options.clone();
    let (files, skipped) = super::input_files(path, &["tsv"]);
    Box::new(
        skipped
            .into_iter()
            .map(Err)
            .chain(files.into_iter().map(move |file| {
                let raw = super::read_input_string(&file)?;
                parse(&raw, &file, &super::txt::name_of(&root, &file), &options)
            })),
    )
}

/// The file and document being read, for messages.
pub(super) struct Cx<'a> {
    file: &'a Path,
    name: &'a str,
}

impl Cx<'_> {
    fn err(&self, line: usize, message: impl Into<String>) -> FormatError {
        FormatError::new(self.file, line, message)
    }
    fn warn(&self, item: String, reason: String) -> Warning {
        Warning {
            doc: self.name.to_string(),
            item,
            reason,
        }
    }
}

/// `1 relation`, `86 relations`: `what` is the singular, made plural with an `s`.
fn counted(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// Parse one TSV document from memory (`file` names it in messages). Any input gives a
/// record or an error naming the file, the line and, where it helps, the column;
/// never a panic.
pub fn parse(
    raw: &str,
    file: &Path,
    name: &str,
    options: &ReadOptions,
) -> Result<Record, FormatError> {
    let cx = Cx { file, name };
    let lines: Vec<(usize, &str)> = raw
        .split('\n')
        .enumerate()
        .map(|(i, l)| (i + 1, l.strip_suffix('\r').unwrap_or(l)))
        .collect();
    let header = header::parse(&lines, &cx)?;
    let rest = lines.get(header.next..).unwrap_or(&[]);
    let body = body::parse(rest, &header, &cx, raw.len())?;
    let ranges = body::locate(&body, &cx)?;
    let found = layers::read(&cx, &header, &body.units, &ranges, options)?;
    let mut warnings = body.warnings;
    warnings.extend(found.warnings);
    let mut rec = super::build_record(
        name,
        None,
        body.text,
        found.spans,
        found.relations,
        Origin {
            path: file.to_path_buf(),
            line: 0,
        },
        options,
    )?;
    warnings.append(&mut rec.warnings);
    rec.warnings = warnings;
    Ok(rec)
}
