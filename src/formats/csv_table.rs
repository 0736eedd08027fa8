//! CSV entity table for analysts (export only): one row per span with the columns
//! `document, start, end, label, text, annotator, note` (notes of other types follow
//! the note as `Type: text` lines in the same cell). Offsets are code points, end
//! exclusive. A `.tsv` output file gets tabs instead of commas. Written with the `csv`
//! crate (RFC 4180 quoting), UTF-8 without a byte-order mark.

use super::{Format, Keeps, Record, Warning, WriteError, expressible};
use std::path::Path;

pub struct Writer {
    table: csv::Writer<crate::fsio::AtomicFile>,
}

impl Writer {
    pub fn new(path: &Path) -> Result<Self, WriteError> {
        let tsv = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("tsv"));
        let mut table = csv::WriterBuilder::new()
            .delimiter(if tsv { b'\t' } else { b',' })
            .from_writer(super::create_output(path)?);
        table
            .write_record([
                "document",
                "start",
                "end",
                "label",
                "text",
                "annotator",
                "note",
            ])
            .map_err(|e| WriteError::io(path, e.into()))?;
        Ok(Self { table })
    }
}

/// The note column: the note, then each typed note as `Type: text`, one per line.
fn note_cell(s: &crate::model::Span) -> String {
    let mut parts: Vec<String> = s.note().map(str::to_string).into_iter().collect();
    parts.extend(s.typed_notes().iter().map(|(t, n)| format!("{t}: {n}")));
    parts.join("\n")
}

impl super::Writer for Writer {
    fn write(&mut self, rec: &Record) -> Result<Vec<Warning>, WriteError> {
        let keeps = Keeps {
            notes: true,
            typed_notes: true,
            overlaps: true,
            ..Keeps::default()
        };
        let (spans, warnings) = expressible(rec, Format::Csv, keeps);
        for s in spans {
            let row = [
                rec.name.clone(),
                s.range.start().to_string(),
                s.range.end().to_string(),
                s.label.to_string(),
                rec.doc.slice(s.range.range()).to_string(),
                s.annotator.to_string(),
                note_cell(s),
            ];
            let path = self.table.get_ref().path().to_path_buf();
            self.table
                .write_record(&row)
                .map_err(|e| WriteError::io(&path, e.into()))?;
        }
        Ok(warnings)
    }

    fn finish(self: Box<Self>) -> Result<Vec<Warning>, WriteError> {
        let file = self.table.into_inner().map_err(|e| {
            WriteError::Unsupported(format!("could not finish the table: {}", e.error()))
        })?;
        super::commit_output(file)?;
        Ok(Vec::new())
    }
}
