//! Files and bytes into units (JSONL lines, or the items of one JSON document), and
//! units into records through the one per-unit parser (`parse.rs`).
//!
//! Which layout a file has is decided by its first non-blank line:
//! * it starts with `[`: the file is read whole. One array of records (doccano's JSON
//!   export, spaCy v2 training data as `[text, {"entities": ...}]` pairs or
//!   `{"text", "entities"}` objects) gives one unit per item; a lone
//!   `[text, {...}]` pair is one unit; several one-line values are JSONL after all.
//! * it starts with `{` but is not a whole JSON value (a pretty-printed object, as
//!   on doccano's import page): the file is read whole, one unit per JSON value.
//! * otherwise: JSON Lines, streamed line by line, one bad line costing only itself.

use super::Flavor;
use super::general::strip_at;
use super::parse::{Ctx, Unit, UnitKind, parse_unit};
use crate::formats::{Deferred, FormatError, ReadOptions, Record};
use serde::de::IgnoredAny;
use std::io::{BufRead, Read};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Read a JSONL file (or every `.jsonl` file of a folder), one record per line (or
/// per item, see the module's documentation). Lines are read here and parsed when the
/// [`Deferred`] is (on any thread).
pub fn read(
    path: &Path,
    flavor: Flavor,
    options: &Arc<ReadOptions>,
) -> Box<dyn Iterator<Item = Deferred>> {
    let (files, skipped) = crate::formats::input_files(path, &["jsonl"]);
    let options = Arc::clone(options);
    let skipped = skipped.into_iter().map(|e| Deferred::ready(Err(e)));
    Box::new(
        skipped.chain(
            files
                .into_iter()
                .flat_map(move |file| read_file(file, flavor, Arc::clone(&options))),
        ),
    )
}

/// Parse a JSONL (or JSON) file's bytes, held in memory: the records and errors, in
/// order, exactly as [`read`] gives them for the same file. `path` is for messages.
/// For fuzzing and tests: nothing here touches the disk.
pub fn parse_bytes(
    path: &Path,
    bytes: &[u8],
    flavor: Flavor,
    options: &ReadOptions,
) -> Vec<Result<Record, FormatError>> {
    let source = Source::new(path.to_path_buf(), flavor, Arc::new(options.clone()));
    let units: Vec<Result<Unit, FormatError>> = match layout(bytes, first_line(bytes)) {
        Layout::Utf16 => vec![Err(utf16_error(path))],
        Layout::Lines => bytes
            .split(|&b| b == b'\n')
            .enumerate()
            .filter_map(|(i, line)| line_unit(path, line.to_vec(), i + 1))
            .collect(),
        Layout::Whole => match whole_text(path, bytes.to_vec()) {
            Ok(text) => whole_units(&text)
                .into_iter()
                .map(|p| p.unit(path, &text))
                .collect(),
            Err(e) => vec![Err(e)],
        },
    };
    units
        .into_iter()
        .flat_map(|u| match u {
            Ok(unit) => source.parse(unit),
            Err(e) => vec![Err(e)],
        })
        .collect()
}

/// What every unit of one file shares.
#[derive(Clone)]
struct Source {
    file: Arc<Path>,
    stem: Arc<str>,
    flavor: Flavor,
    options: Arc<ReadOptions>,
}

impl Source {
    fn new(file: PathBuf, flavor: Flavor, options: Arc<ReadOptions>) -> Self {
        let stem: Arc<str> = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
            .into();
        Self {
            file: file.into(),
            stem,
            flavor,
            options,
        }
    }
    fn parse(&self, unit: Unit) -> Vec<Result<Record, FormatError>> {
        let ctx = Ctx {
            file: &self.file,
            stem: &self.stem,
            flavor: self.flavor,
            options: &self.options,
            line: unit.line,
            kind: unit.kind,
        };
        parse_unit(unit, &ctx)
    }
    /// The unit as deferred documents: parsed later, on any thread — except a doccano
    /// line that may hold several annotators' layers (several records), parsed now.
    /// Only `annotations` gives layers; its key can hide behind `\u` escapes.
    fn defer(&self, unit: Unit) -> Vec<Deferred> {
        let line = unit.line;
        let eager = self.flavor == Flavor::Doccano
            && (unit.text.contains("annotations") || unit.text.contains("\\u"));
        if eager {
            return self
                .parse(unit)
                .into_iter()
                .map(|r| Deferred::ready(r).at(&self.file, line))
                .collect();
        }
        let this = self.clone();
        let bytes = unit.text.len();
        let deferred = Deferred::new(bytes, move || {
            let mut records = this.parse(unit);
            match (records.pop(), records.is_empty()) {
                (Some(one), true) => one,
                _ => Err(FormatError::new(
                    &this.file,
                    line,
                    "internal error: this line gave more or fewer than one record; please report this, with the input",
                )),
            }
        });
        vec![deferred.at(&self.file, line)]
    }
}

/// How a file is laid out (see the module's documentation).
#[derive(Debug, PartialEq, Eq)]
enum Layout {
    Lines,
    Whole,
    Utf16,
}

/// The layout of a file from its first bytes (`start`) and its first non-blank line.
fn layout(start: &[u8], first: &[u8]) -> Layout {
    if start.starts_with(b"\xFF\xFE") || start.starts_with(b"\xFE\xFF") {
        return Layout::Utf16;
    }
    let first = trim_bytes(first);
    if first.starts_with(b"[") {
        return Layout::Whole;
    }
    // A JSONL line ends with `}`; a pretty-printed object's first line rarely does.
    if first.starts_with(b"{")
        && !first.ends_with(b"}")
        && serde_json::from_slice::<IgnoredAny>(first).is_err_and(|e| e.is_eof())
    {
        return Layout::Whole;
    }
    Layout::Lines
}

/// The first line of `bytes` that is not blank.
fn first_line(bytes: &[u8]) -> &[u8] {
    bytes
        .split(|&b| b == b'\n')
        .find(|l| !trim_bytes(l).is_empty())
        .unwrap_or_default()
}

/// A line without byte-order marks and white space around it.
fn trim_bytes(mut l: &[u8]) -> &[u8] {
    loop {
        let before = l.len();
        l = l.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(l);
        l = l.trim_ascii();
        if l.len() == before {
            return l;
        }
    }
}

fn utf16_error(path: &Path) -> FormatError {
    FormatError::new(
        path,
        1,
        "is UTF-16 text; re-save it as UTF-8 (e.g. `iconv -f UTF-16 -t UTF-8`)",
    )
}

/// One line of a JSONL file as a unit; `None` for a blank line.
fn line_unit(path: &Path, bytes: Vec<u8>, line: usize) -> Option<Result<Unit, FormatError>> {
    match String::from_utf8(bytes) {
        Ok(text) => {
            let blank = text
                .trim_matches(|c: char| c == '\u{feff}' || c.is_whitespace())
                .is_empty();
            (!blank).then_some(Ok(Unit {
                text,
                line,
                kind: UnitKind::Line,
            }))
        }
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bad = e.as_bytes().get(at).copied().unwrap_or_default();
            Some(Err(FormatError::new(
                path,
                line,
                format!(
                    "is not valid UTF-8; JSON Lines files are UTF-8 (bad byte 0x{bad:02X} at byte {} of the line)",
                    at + 1
                ),
            )))
        }
    }
}

/// A whole file as text (a UTF-8 byte-order mark dropped), or why it is not.
fn whole_text(path: &Path, mut bytes: Vec<u8>) -> Result<String, FormatError> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let before = e.as_bytes().get(..at).unwrap_or_default();
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        FormatError::new(
            path,
            line,
            format!(
                "is not valid UTF-8 (bad byte 0x{:02X}); JSON files are UTF-8, re-save it as UTF-8",
                e.as_bytes().get(at).copied().unwrap_or_default()
            ),
        )
    })
}

/// A unit of a whole file, or an error that ends the file.
enum Piece {
    Unit(usize, Range<usize>, UnitKind),
    Error(usize, String),
}

impl Piece {
    fn unit(self, path: &Path, text: &str) -> Result<Unit, FormatError> {
        match self {
            Piece::Unit(line, range, kind) => Ok(Unit {
                text: text.get(range).unwrap_or_default().to_string(),
                line,
                kind,
            }),
            Piece::Error(line, msg) => Err(FormatError::new(path, line, msg)),
        }
    }
}

/// Line numbers of byte positions, counted once as positions grow.
struct LineCounter<'a> {
    text: &'a str,
    pos: usize,
    line: usize,
}

impl LineCounter<'_> {
    fn at(&mut self, p: usize) -> usize {
        let p = p.min(self.text.len()).max(self.pos);
        let newlines = (self.text.as_bytes().get(self.pos..p).unwrap_or_default())
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.line += newlines;
        self.pos = p;
        self.line
    }
}

fn skip_ws(text: &str, pos: usize) -> usize {
    let rest = text.get(pos..).unwrap_or_default();
    pos + (rest.len() - rest.trim_start_matches([' ', '\t', '\n', '\r']).len())
}

/// The units of a file read whole (see the module's documentation).
fn whole_units(text: &str) -> Vec<Piece> {
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<IgnoredAny>();
    let start = skip_ws(text, 0);
    match stream.next() {
        None => Vec::new(),
        // Not one JSON document: each line says what is wrong with it.
        Some(Err(_)) => lines_of(text),
        Some(Ok(_)) => {
            let end = stream.byte_offset();
            let first = text.get(start..end).unwrap_or_default();
            let alone = skip_ws(text, end) >= text.len();
            let pair = text.as_bytes().get(skip_ws(text, start + 1)) == Some(&b'"');
            if alone && first.starts_with('[') && !pair {
                array_items(text, start..end)
            } else if alone {
                let line = LineCounter {
                    text,
                    pos: 0,
                    line: 1,
                }
                .at(start);
                vec![Piece::Unit(line, start..end, UnitKind::Line)]
            } else if !first.contains('\n') {
                lines_of(text)
            } else {
                value_stream(text)
            }
        }
    }
}

/// Each line a unit, as in a JSONL file.
fn lines_of(text: &str) -> Vec<Piece> {
    let mut pos = 0;
    let mut out = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        let blank = line
            .trim_matches(|c: char| c == '\u{feff}' || c.is_whitespace())
            .is_empty();
        if !blank {
            out.push(Piece::Unit(i + 1, pos..pos + line.len(), UnitKind::Line));
        }
        pos += line.len() + 1;
    }
    out
}

/// The items of the array at `range` (already known to be valid JSON).
fn array_items(text: &str, range: Range<usize>) -> Vec<Piece> {
    let mut lines = LineCounter {
        text,
        pos: 0,
        line: 1,
    };
    let mut out = Vec::new();
    let mut pos = range.start + 1;
    loop {
        pos = skip_ws(text, pos);
        if pos >= range.end || text.as_bytes().get(pos) == Some(&b']') {
            return out;
        }
        let rest = text.get(pos..range.end).unwrap_or_default();
        let mut item = serde_json::Deserializer::from_str(rest).into_iter::<IgnoredAny>();
        let line = lines.at(pos);
        match item.next() {
            Some(Ok(_)) => {
                let end = pos + item.byte_offset();
                out.push(Piece::Unit(line, pos..end, UnitKind::Item));
                pos = skip_ws(text, end);
                match text.as_bytes().get(pos) {
                    Some(b',') => pos += 1,
                    Some(b']') => return out,
                    _ => {
                        out.push(Piece::Error(lines.at(pos), "expected , or ] after an item of the list; the rest of the file was not read".into()));
                        return out;
                    }
                }
            }
            Some(Err(e)) => {
                let msg = format!(
                    "item of the list: column {}: not valid JSON: {}; the rest of the file was not read",
                    e.column(),
                    strip_at(&e.to_string())
                );
                out.push(Piece::Error(line + e.line().saturating_sub(1), msg));
                return out;
            }
            None => return out,
        }
    }
}

/// Whitespace-separated JSON values (pretty-printed objects one after another).
fn value_stream(text: &str) -> Vec<Piece> {
    let mut lines = LineCounter {
        text,
        pos: 0,
        line: 1,
    };
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<IgnoredAny>();
    let mut out = Vec::new();
    let mut pos = 0;
    loop {
        let start = skip_ws(text, pos);
        match stream.next() {
            None => return out,
            Some(Ok(_)) => {
                pos = stream.byte_offset();
                out.push(Piece::Unit(lines.at(start), start..pos, UnitKind::Line));
            }
            Some(Err(e)) => {
                let msg = format!(
                    "column {}: not valid JSON: {}; the rest of the file was not read",
                    e.column(),
                    strip_at(&e.to_string())
                );
                out.push(Piece::Error(e.line(), msg));
                return out;
            }
        }
    }
}

/// The documents of one file, as they are read.
fn read_file(
    file: PathBuf,
    flavor: Flavor,
    options: Arc<ReadOptions>,
) -> Box<dyn Iterator<Item = Deferred>> {
    let once = |e: FormatError| -> Box<dyn Iterator<Item = Deferred>> {
        Box::new(std::iter::once(Deferred::ready(Err(e))))
    };
    let f = match crate::fsio::open_regular(&file) {
        Ok(f) => f,
        Err(e) => return once(FormatError::new(&file, 0, crate::formats::cannot_read(&e))),
    };
    let mut reader = std::io::BufReader::with_capacity(1 << 16, f);
    let source = Source::new(file, flavor, options);
    let head = match read_head(&mut reader, &source.file) {
        Ok(head) => head,
        Err(e) => return once(e),
    };
    let start = head.iter().find_map(|l| l.as_ref().ok());
    let first = head.last().and_then(|l| l.as_ref().ok());
    match layout(
        start.map_or(&[][..], Vec::as_slice),
        first.map_or(&[][..], Vec::as_slice),
    ) {
        Layout::Utf16 => once(utf16_error(&source.file)),
        Layout::Whole => match read_whole(&mut reader, head, &source.file) {
            Ok(text) => Box::new(WholeFile::new(source, text)),
            Err(e) => once(e),
        },
        Layout::Lines => Box::new(LinesFile {
            source,
            reader,
            head: head.into_iter(),
            line_no: 0,
            pending: Default::default(),
            done: false,
        }),
    }
}

/// A line of the head: its bytes, or why it was not kept.
type HeadLine = Result<Vec<u8>, FormatError>;

/// The blank lines and the first non-blank line, which say how the file is laid out.
fn read_head(reader: &mut impl BufRead, file: &Path) -> Result<Vec<HeadLine>, FormatError> {
    let mut head = Vec::new();
    loop {
        let mut line = Vec::new();
        let n = head.len() + 1;
        match read_line_capped(reader, &mut line, crate::fsio::MAX_FILE_BYTES) {
            Err(e) => return Err(io_error(file, n, &e)),
            Ok(LineRead::Eof) => return Ok(head),
            Ok(LineRead::TooLong) => head.push(Err(too_long(file, n))),
            Ok(LineRead::Line) => {
                let blank = trim_bytes(&line).is_empty();
                head.push(Ok(line));
                if !blank {
                    return Ok(head);
                }
            }
        }
    }
}

/// The whole file (its head and the rest) as text, at most 1 GiB.
fn read_whole(
    reader: &mut impl BufRead,
    head: Vec<HeadLine>,
    file: &Path,
) -> Result<String, FormatError> {
    let mut bytes = Vec::new();
    for line in head {
        bytes.extend_from_slice(&line?);
    }
    let cap = crate::fsio::MAX_FILE_BYTES;
    let mut rest = reader.take(cap.saturating_sub(bytes.len() as u64) + 1);
    rest.read_to_end(&mut bytes)
        .map_err(|e| io_error(file, 0, &e))?;
    if bytes.len() as u64 > cap {
        return Err(FormatError::new(
            file,
            0,
            "is a JSON document larger than 1 GiB; split it, or write it as JSON Lines (one document per line)",
        ));
    }
    whole_text(file, bytes)
}

#[derive(Debug, PartialEq, Eq)]
pub(super) enum LineRead {
    Eof,
    Line,
    TooLong,
}

/// Read one line (with its `\n`) into `buf`, at most `cap` bytes of it. A longer line
/// is skipped to its end without being kept, so a file without line breaks cannot
/// take all memory.
pub(super) fn read_line_capped(
    reader: &mut impl BufRead,
    buf: &mut Vec<u8>,
    cap: u64,
) -> std::io::Result<LineRead> {
    let n = reader.by_ref().take(cap).read_until(b'\n', buf)?;
    if n == 0 {
        return Ok(LineRead::Eof);
    }
    if buf.last() == Some(&b'\n') || (n as u64) < cap {
        return Ok(LineRead::Line);
    }
    buf.clear();
    loop {
        let chunk = reader.fill_buf()?;
        if chunk.is_empty() {
            return Ok(LineRead::TooLong);
        }
        let (used, end) = match chunk.iter().position(|&b| b == b'\n') {
            Some(p) => (p + 1, true),
            None => (chunk.len(), false),
        };
        reader.consume(used);
        if end {
            return Ok(LineRead::TooLong);
        }
    }
}

fn too_long(file: &Path, line: usize) -> FormatError {
    FormatError::new(
        file,
        line,
        "is longer than 1 GiB and was skipped; a document must be smaller than 1 GiB",
    )
}

fn io_error(file: &Path, line: usize, e: &std::io::Error) -> FormatError {
    FormatError::new(
        file,
        line,
        format!("cannot read: {e}; the rest of it was not read"),
    )
}

/// A JSONL file, streamed: the head's lines first, then line by line.
struct LinesFile {
    source: Source,
    reader: std::io::BufReader<std::fs::File>,
    /// Lines read before the stream starts (blank lines and the first line).
    head: std::vec::IntoIter<HeadLine>,
    line_no: usize,
    pending: std::collections::VecDeque<Deferred>,
    done: bool,
}

impl LinesFile {
    fn next_line(&mut self) -> Option<HeadLine> {
        if let Some(l) = self.head.next() {
            return Some(l);
        }
        if self.done {
            return None;
        }
        let mut buf = Vec::new();
        let line = self.line_no + 1;
        match read_line_capped(&mut self.reader, &mut buf, crate::fsio::MAX_FILE_BYTES) {
            Ok(LineRead::Eof) => None,
            Ok(LineRead::Line) => Some(Ok(buf)),
            Ok(LineRead::TooLong) => Some(Err(too_long(&self.source.file, line))),
            Err(e) => {
                self.done = true;
                Some(Err(io_error(&self.source.file, line, &e)))
            }
        }
    }
}

impl Iterator for LinesFile {
    type Item = Deferred;
    fn next(&mut self) -> Option<Deferred> {
        loop {
            if let Some(d) = self.pending.pop_front() {
                return Some(d);
            }
            let line = self.next_line()?;
            self.line_no += 1;
            match line.map(|bytes| line_unit(&self.source.file, bytes, self.line_no)) {
                Err(e) => return Some(Deferred::ready(Err(e))),
                Ok(None) => {}
                Ok(Some(Err(e))) => return Some(Deferred::ready(Err(e))),
                Ok(Some(Ok(unit))) => self.pending.extend(self.source.defer(unit)),
            }
        }
    }
}

/// A file read whole: its units, copied out one at a time as they are asked for.
struct WholeFile {
    source: Source,
    text: String,
    pieces: std::vec::IntoIter<Piece>,
    pending: std::collections::VecDeque<Deferred>,
}

impl WholeFile {
    fn new(source: Source, text: String) -> Self {
        let pieces = whole_units(&text).into_iter();
        Self {
            source,
            text,
            pieces,
            pending: Default::default(),
        }
    }
}

impl Iterator for WholeFile {
    type Item = Deferred;
    fn next(&mut self) -> Option<Deferred> {
        loop {
            if let Some(d) = self.pending.pop_front() {
                return Some(d);
            }
            match self.pieces.next()?.unit(&self.source.file, &self.text) {
                Ok(unit) => self.pending.extend(self.source.defer(unit)),
                Err(e) => return Some(Deferred::ready(Err(e))),
            }
        }
    }
}
