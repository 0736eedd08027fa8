//! CSV and TSV knowledge bases: columns id, name, aliases, description; an optional
//! header row; streamed through the `csv` crate.

use super::KbBuilder;
use super::load::{NOT_UTF8, Problems, split_aliases};
use super::resolve_db;
use std::io::Read;

/// Which column holds what.
struct Columns {
    id: usize,
    name: usize,
    aliases: Option<usize>,
    description: Option<usize>,
}

const POSITIONAL: Columns = Columns {
    id: 0,
    name: 1,
    aliases: Some(2),
    description: Some(3),
};

/// The columns a first row names, if it is a header: its first cell is `id`, or it
/// names both `id` and `name` (or `label`) somewhere.
fn header(cells: &[&str]) -> Option<Columns> {
    let find = |names: &[&str]| {
        cells
            .iter()
            .position(|c| names.iter().any(|n| c.trim().eq_ignore_ascii_case(n)))
    };
    let id = find(&["id"]);
    let name = find(&["name", "label"]);
    let first_is_id = cells
        .first()
        .is_some_and(|c| c.trim().eq_ignore_ascii_case("id"));
    if !first_is_id && (id.is_none() || name.is_none()) {
        return None;
    }
    match (id, name) {
        (Some(id), Some(name)) => Some(Columns {
            id,
            name,
            aliases: find(&["aliases", "alias"]),
            description: find(&["description"]),
        }),
        // `id` first but no name column named: the usual order.
        _ => Some(POSITIONAL),
    }
}

/// Passes bytes through, noting whether the source has ended and its last byte.
struct Tracked<R> {
    inner: R,
    ended: bool,
    last: u8,
}

impl<R: Read> Read for Tracked<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        match buf.get(..n).and_then(|b| b.last()) {
            Some(&b) => self.last = b,
            None => self.ended = true,
        }
        Ok(n)
    }
}

/// The line a record starts on. The csv reader's own record position is where the
/// previous record ended, before any blank lines it skips, so count back from where
/// this record ended instead: past its `\n` (unless it is the file's last line and
/// has none), less the line breaks inside its quoted fields.
fn record_line<R: Read>(reader: &csv::Reader<Tracked<R>>, record: &csv::ByteRecord) -> usize {
    let end = reader.position().line() as usize;
    let inside = memchr::memchr_iter(b'\n', record.as_slice()).count();
    let src = reader.get_ref();
    // The source ends while the reader reads the last record, so only that record
    // can end without a line break.
    let unterminated = src.ended && src.last != b'\n';
    end.saturating_sub(inside + usize::from(!unterminated))
        .max(1)
}

pub(super) fn parse(
    reader: impl Read,
    delimiter: u8,
    db: &str,
    builder: &mut KbBuilder,
    problems: &mut Problems<'_>,
) {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        // Quotes in a TSV are text (the "Kurdish" party); in a CSV they quote.
        .quoting(delimiter == b',')
        // A record ends at its `\n` (a `\r` before it is trimmed with the field), so
        // the reader's position after a record is just past its last line.
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(Tracked {
            inner: reader,
            ended: false,
            last: 0,
        });
    let mut record = csv::ByteRecord::new();
    let mut columns: Option<Columns> = None;
    let sep = if delimiter == b',' { "commas" } else { "tabs" };
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                // Without quote checks a byte record can only fail on I/O: stop.
                let line = e.position().map_or(0, |p| p.line() as usize);
                problems.push(Some(line.max(1)), format!("cannot be read further: {e}"));
                break;
            }
        }
        let line = record_line(&reader, &record);
        let Ok(mut cells) = record
            .iter()
            .map(std::str::from_utf8)
            .collect::<Result<Vec<&str>, _>>()
        else {
            problems.push(Some(line), NOT_UTF8.into());
            continue;
        };
        if let Some(c) = cells.first_mut() {
            *c = c.strip_prefix('\u{feff}').unwrap_or(c);
        }
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        // The first row with text decides the columns; a header row is not an entry.
        if columns.is_none() {
            let h = header(&cells);
            let is_header = h.is_some();
            columns = Some(h.unwrap_or(POSITIONAL));
            if is_header {
                continue;
            }
        }
        let cols = columns.as_ref().unwrap_or(&POSITIONAL);
        let get = |i: Option<usize>| i.and_then(|i| cells.get(i)).copied();
        let (Some(id), Some(name)) = (get(Some(cols.id)), get(Some(cols.name))) else {
            problems.push(
                Some(line),
                format!(
                    "needs an id and a name (then aliases separated by | or ;), separated by {sep}"
                ),
            );
            continue;
        };
        let result = resolve_db(None, db, id).and_then(|(db, id)| {
            builder.push_parts(
                db,
                id,
                name,
                get(cols.aliases).map(split_aliases).into_iter().flatten(),
                get(cols.description),
            )
        });
        if let Err(message) = result {
            problems.push(Some(line), message);
        }
    }
}
