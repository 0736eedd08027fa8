//! CoNLL column files: one token per line, first column the token, last column the tag;
//! an empty line ends a sentence; a line starting with `-DOCSTART-` starts a document.
//!
//! Export writes two columns (`TOKEN TAG`, one space) in the chosen scheme — IOB1,
//! IOB2/BIO (default), IOBES or BILOU — and starts every document with
//! `-DOCSTART- -X- O O`, the exact form spaCy's converter recognises. Tokens come from
//! [`super::tokenize`], split at every span boundary, so spans are whole tokens.
//! Overlapping and nested spans, discontinuous spans, relations, notes, attributes and
//! normalizations cannot be expressed: each dropped item is named in a warning.
//!
//! Import reads any of the four schemes (and mixtures, leniently: a stray `I-X` starts
//! an entity, as conlleval does). Columns are split at TABs when a row has one (so a
//! token may hold a space: `Coca Cola<TAB>O`), else at white space. The **tag column is
//! the last one**, the token the first — except in the GermEval 2014 layout (a `#`
//! source line, then TAB-separated `INDEX TOKEN OUTER INNER` rows), where both the outer
//! and the nested tag columns are read (nested spans are allowed). Lines starting with
//! `#` that are not token rows (`# O` is one) are comments: kept in the document's
//! metadata under `comments`. A first row made of column names (`WORD<TAB>TAG`, flair's
//! header) is skipped with a warning. A bad row (a bad tag, no tag, bad UTF-8) is an
//! error for its sentence, which is left out; the rest of the file is read.
//!
//! CoNLL has no character offsets, so the text is
//! rebuilt with this **spacing rule**: tokens are joined by one space, except that no
//! space goes before `, . ; : ! ? % ) ] } ” ’ …` or a possessive/contraction token
//! (`'s`, `’s`, `n't`), nor after `( [ { “ ‘ $ £ € ¿ ¡`, nor between an apostrophe and
//! `s t d ll re ve m`; each sentence ends with a line break.

use super::{
    FormatError, Keeps, Origin, RawSpan, ReadOptions, Record, Scheme, Warning, WriteError,
    expressible,
};
use std::io::{BufRead, Write};
use std::path::Path;

pub fn read(
    path: &Path,
    options: &ReadOptions,
) -> Box<dyn Iterator<Item = Result<Record, FormatError>>> {
    let (files, skipped) = super::input_files(path, &["conll", "iob", "bio", "tsv", "txt"]);
    let options = options.clone();
    Box::new(
        skipped
            .into_iter()
            .map(Err)
            .chain(files.into_iter().flat_map(
                move |file| -> Box<dyn Iterator<Item = Result<Record, FormatError>>> {
                    match crate::fsio::open_regular(&file) {
                        Ok(f) => Box::new(DocReader::new(
                            std::io::BufReader::with_capacity(1 << 16, f),
                            &file,
                            &options,
                        )),
                        Err(e) => Box::new(std::iter::once(Err(FormatError::new(
                            &file,
                            0,
                            super::cannot_read(&e),
                        )))),
                    }
                },
            )),
    )
}

/// How the columns of a file are read, decided at its first token row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// First column the token, last column the tag (CoNLL-2003, BIO files, spaCy's
    /// converter input).
    Columns,
    /// GermEval 2014: `#` source lines, then `INDEX TOKEN OUTER INNER` rows: the outer
    /// and the nested entities are both read (nested spans are allowed here).
    GermEval,
}

/// The fields of one row: split at TABs when the row has one (a token may then hold
/// spaces, e.g. `Coca Cola<TAB>B-ORG`), else at white space. The first four fields,
/// the last one and the count are kept; nothing is allocated.
struct Row<'a> {
    cols: [&'a str; 4],
    last: &'a str,
    n: usize,
    tabs: bool,
}

impl<'a> Row<'a> {
    fn new(line: &'a str) -> Self {
        let mut r = Row {
            cols: [""; 4],
            last: "",
            n: 0,
            tabs: line.contains('\t'),
        };
        if r.tabs {
            for f in line.split('\t').map(str::trim).filter(|f| !f.is_empty()) {
                r.push(f);
            }
        } else {
            for f in line.split_whitespace() {
                r.push(f);
            }
        }
        r
    }
    fn push(&mut self, f: &'a str) {
        if let Some(c) = self.cols.get_mut(self.n) {
            *c = f;
        }
        self.last = f;
        self.n += 1;
    }
    fn token(&self, layout: Layout) -> &'a str {
        self.cols[usize::from(layout == Layout::GermEval)]
    }
    /// The tag column(s) of this row in `layout`.
    fn tags(&self, layout: Layout) -> ([&'a str; 2], usize) {
        match layout {
            Layout::Columns => ([self.last, ""], 1),
            Layout::GermEval => ([self.cols[2], self.cols[3]], 2),
        }
    }
}

/// A tag as prefix letter and type: `('O', "")` or e.g. `('B', "PER")`.
fn parse_tag(tag: &str) -> Option<(char, &str)> {
    if tag == "O" {
        return Some(('O', ""));
    }
    let (p, l) = tag.split_once('-')?;
    let p = match p {
        "B" | "I" | "E" | "S" | "L" | "U" => p.chars().next()?,
        _ => return None,
    };
    (!l.is_empty()).then_some((p, l))
}

/// A header row (flair's `skip_first_line` files: `WORD<TAB>TAG`): the first row of
/// a file, made of column names, whose tag is not a tag.
fn is_header(row: &Row<'_>) -> bool {
    row.n >= 2
        && parse_tag(row.last).is_none()
        && row.cols[..row.n.min(4)].iter().chain([&row.last]).all(|f| {
            f.chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | ' '))
        })
}

/// GermEval 2014: TAB-separated `INDEX TOKEN OUTER INNER` after a `#` comment line.
fn is_germeval(row: &Row<'_>, seen_comment: bool) -> bool {
    seen_comment
        && row.tabs
        && row.n == 4
        && row.cols[0].parse::<u32>().is_ok()
        && parse_tag(row.cols[2]).is_some()
        && parse_tag(row.cols[3]).is_some()
}

/// Streams documents out of one CoNLL file, from any [`BufRead`] (a file, or bytes in
/// memory: the one path for files and fuzzing). One bad row is an error for its
/// sentence (the sentence is left out); the rest of the file is read.
pub struct DocReader<R: BufRead> {
    input: R,
    path: std::path::PathBuf,
    stem: String,
    options: ReadOptions,
    line_no: usize,
    docs: usize,
    bytes: Vec<u8>,
    done: bool,
    /// A `-DOCSTART-` was read that starts the next document.
    pending_start: Option<usize>,
    /// Errors found while reading a document, handed out before it.
    queue: std::collections::VecDeque<Result<Record, FormatError>>,
    /// Decided at the first token row.
    layout: Option<Layout>,
    seen_comment: bool,
    /// A header row that was skipped (line, text), reported on the first document.
    header: Option<(usize, String)>,
}

impl<R: BufRead> DocReader<R> {
    pub fn new(input: R, path: &Path, options: &ReadOptions) -> Self {
        Self {
            input,
            path: path.to_path_buf(),
            stem: path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
            options: options.clone(),
            line_no: 0,
            docs: 0,
            bytes: Vec::new(),
            done: false,
            pending_start: None,
            queue: Default::default(),
            layout: None,
            seen_comment: false,
            header: None,
        }
    }
}

/// Builds the text of one document from tokens, with the spacing rule.
struct Builder {
    text: String,
    chars: usize,
    spans: Vec<RawSpan>,
    /// The open entity of each tag column (start, type, line).
    open: [Option<(usize, String, usize)>; 2],
    prev: Option<String>,
    tokens: usize,
    /// Where the current sentence began, to leave it out if one of its rows is bad.
    mark: Option<Mark>,
    /// The first bad row of the current sentence: line and message.
    bad: Option<(usize, String)>,
    /// Comment lines (`# …`), kept as the document's metadata.
    comments: Vec<String>,
    /// Tags that broke their scheme and were read the way conlleval reads them, with
    /// their line: each becomes a warning.
    repaired: Vec<(usize, String)>,
    /// The document uses end or single tags (`E-`, `S-`, `L-`, `U-`): an `I-` that
    /// starts an entity is then a mistake, not IOB1.
    ends_marked: bool,
}

/// The builder's state at the start of a sentence.
struct Mark {
    line: usize,
    text: usize,
    chars: usize,
    spans: usize,
    prev: Option<String>,
    tokens: usize,
}

const NO_SPACE_BEFORE: &[&str] = &[
    ",", ".", ";", ":", "!", "?", "%", ")", "]", "}", "”", "’", "…", "'s", "’s", "n't", "n’t",
    "'S", "’S",
];
const NO_SPACE_AFTER: &[&str] = &["(", "[", "{", "“", "‘", "$", "£", "€", "¿", "¡"];

impl Builder {
    fn new() -> Self {
        Self {
            text: String::new(),
            chars: 0,
            spans: Vec::new(),
            open: [None, None],
            prev: None,
            tokens: 0,
            mark: None,
            bad: None,
            comments: Vec::new(),
            repaired: Vec::new(),
            ends_marked: false,
        }
    }
    fn push_token(&mut self, token: &str) -> usize {
        let space = match &self.prev {
            None => false,
            Some(p) if p == "\n" => false,
            // "Cook ’ s" → "Cook’s": a contraction split around its apostrophe.
            Some(p)
                if matches!(p.as_str(), "’" | "'")
                    && matches!(token, "s" | "S" | "t" | "d" | "ll" | "re" | "ve" | "m") =>
            {
                false
            }
            Some(p) => !NO_SPACE_AFTER.contains(&p.as_str()) && !NO_SPACE_BEFORE.contains(&token),
        };
        if space {
            self.text.push(' ');
            self.chars += 1;
        }
        let start = self.chars;
        self.text.push_str(token);
        self.chars += token.chars().count();
        self.prev = Some(token.to_string());
        self.tokens += 1;
        start
    }
    fn last_end(&self) -> usize {
        // The text never ends with a space, and a sentence break comes after closing.
        self.chars - usize::from(self.text.ends_with('\n'))
    }
    /// Close the open entity of tag column `k`.
    fn close(&mut self, k: usize) {
        if let Some((start, label, line)) = self.open.get_mut(k).and_then(Option::take) {
            let end = self.last_end();
            self.spans.push(RawSpan {
                key: (self.spans.len() + 1).to_string(),
                fragments: vec![(start, end)],
                label,
                line,
                ..Default::default()
            });
        }
    }
    /// One token with its (checked) tags, one per tag column. A stray `I-X` starts an
    /// entity, as conlleval does.
    fn token(&mut self, token: &str, tags: &[(char, &str)], line: usize) {
        for (k, &(p, label)) in tags.iter().enumerate() {
            let continues = self.open[k].as_ref().is_some_and(|(_, l, _)| l == label);
            self.ends_marked |= matches!(p, 'E' | 'S' | 'L' | 'U');
            // An end or inside tag that continues nothing breaks every scheme but IOB1's
            // `I-`: it is read as the start of an entity, and said.
            let stray = match p {
                'E' | 'L' => !continues,
                'I' => !continues && self.ends_marked,
                _ => false,
            };
            if stray {
                let opened = self.open[k].as_ref().map(|(_, l, _)| l.clone());
                self.repaired.push((
                    line,
                    format!(
                        "{p}-{label} continues no {label} entity ({}); read as the start of one",
                        opened.map_or_else(|| "after O".to_string(), |l| format!("after {l}"))
                    ),
                ));
            }
            if matches!(p, 'O' | 'B' | 'S' | 'U') || !continues {
                self.close(k);
            }
        }
        let start = self.push_token(token);
        for (k, &(p, label)) in tags.iter().enumerate() {
            if p != 'O' && self.open[k].is_none() {
                self.open[k] = Some((start, label.to_string(), line));
            }
            if matches!(p, 'S' | 'U' | 'E' | 'L') {
                self.close(k);
            }
        }
    }
    /// A row of the current sentence: remember where the sentence began.
    fn row(&mut self, line: usize) {
        if self.mark.is_none() {
            self.mark = Some(Mark {
                line,
                text: self.text.len(),
                chars: self.chars,
                spans: self.spans.len(),
                prev: self.prev.clone(),
                tokens: self.tokens,
            });
        }
    }
    /// The end of a sentence (an empty line, a `-DOCSTART-`, the end of the input):
    /// entities close and the text gets its line break; a sentence with a bad row is
    /// left out, and its error returned.
    fn end_sentence(&mut self, path: &Path, last_line: usize) -> Option<FormatError> {
        self.close(0);
        self.close(1);
        let mark = self.mark.take();
        if let (Some(m), Some((line, msg))) = (mark, self.bad.take()) {
            self.text.truncate(m.text);
            self.chars = m.chars;
            self.spans.truncate(m.spans);
            self.prev = m.prev;
            self.tokens = m.tokens;
            let lines = if m.line == last_line {
                format!("line {last_line}")
            } else {
                format!("lines {}–{last_line}", m.line)
            };
            return Some(FormatError::new(
                path,
                line,
                format!("{msg}; the sentence on {lines} is left out, the rest of the file is read"),
            ));
        }
        if self.prev.as_deref().is_some_and(|p| p != "\n") {
            self.text.push('\n');
            self.chars += 1;
            self.prev = Some("\n".into());
        }
        None
    }
}

/// The parsed tags of a row (prefix letter and type) and how many of them are used.
type Tags<'a> = ([(char, &'a str); 2], usize);

/// The tags of a token row, one per tag column of `layout`, checked.
fn row_tags<'a>(row: &Row<'a>, layout: Layout) -> Result<Tags<'a>, String> {
    let token = row.token(layout);
    match layout {
        Layout::Columns if row.n < 2 => {
            return Err(format!(
                "token {token:?} has no tag column; CoNLL lines are TOKEN [other columns] TAG"
            ));
        }
        Layout::GermEval if row.n != 4 || row.cols[0].parse::<u32>().is_err() => {
            return Err(format!(
                "row {:?} is not INDEX<TAB>TOKEN<TAB>OUTER-TAG<TAB>INNER-TAG like the GermEval rows of this file",
                row.cols[..row.n.min(4)].join(" ")
            ));
        }
        _ => {}
    }
    let (raw, n) = row.tags(layout);
    let mut out = [('O', ""); 2];
    for (slot, tag) in out.iter_mut().zip(raw).take(n) {
        *slot = parse_tag(tag).ok_or_else(|| {
            format!(
                "tag {tag:?} of token {token:?} is not O or B-/I-/E-/S-/L-/U- followed by a type"
            )
        })?;
    }
    Ok((out, n))
}

/// What a line did to the document being read.
enum Flow {
    Next,
    /// A `-DOCSTART-` after tokens: the document ends before it.
    DocEnd,
}

impl<R: BufRead> DocReader<R> {
    /// Read one document; errors for its bad sentences go to the queue first.
    fn read_doc(&mut self) -> Option<Result<Record, FormatError>> {
        let started_at = self.pending_start.take().unwrap_or(self.line_no + 1);
        let mut doc = Doc {
            b: Builder::new(),
            started_at,
            saw_anything: false,
        };
        let mut buf = std::mem::take(&mut self.bytes);
        loop {
            buf.clear();
            match self.input.read_until(b'\n', &mut buf) {
                Ok(0) => {
                    self.done = true;
                    break;
                }
                Ok(_) => {}
                Err(e) => {
                    self.done = true;
                    let e =
                        FormatError::new(&self.path, self.line_no + 1, format!("cannot read: {e}"));
                    self.queue.push_back(Err(e));
                    break;
                }
            }
            self.line_no += 1;
            if self.line_no == 1 && (buf.starts_with(b"\xFF\xFE") || buf.starts_with(b"\xFE\xFF")) {
                self.done = true;
                self.queue.push_back(Err(FormatError::new(
                    &self.path,
                    1,
                    "is UTF-16 text (it starts with a UTF-16 byte-order mark); re-save it as UTF-8, e.g. `iconv -f UTF-16 -t UTF-8 in.conll > out.conll`",
                )));
                break;
            }
            let line = match std::str::from_utf8(&buf) {
                Ok(l) => l
                    .trim_start_matches('\u{feff}')
                    .trim_end_matches(['\n', '\r']),
                Err(e) => {
                    let msg = format!(
                        "is not valid UTF-8; CoNLL files are read as UTF-8 (bad byte 0x{:02X} at column {})",
                        buf.get(e.valid_up_to()).copied().unwrap_or(0),
                        e.valid_up_to() + 1
                    );
                    doc.saw_anything = true;
                    doc.b.row(self.line_no);
                    doc.b.bad.get_or_insert((self.line_no, msg));
                    continue;
                }
            };
            if let Flow::DocEnd = self.line(&mut doc, line) {
                break;
            }
        }
        self.bytes = buf;
        let last = if self.done {
            self.line_no
        } else {
            self.line_no - 1
        };
        self.sentence_break(&mut doc.b, last);
        self.finish_doc(doc)
    }

    fn sentence_break(&mut self, b: &mut Builder, last_line: usize) {
        if let Some(e) = b.end_sentence(&self.path, last_line) {
            self.queue.push_back(Err(e));
        }
    }

    /// One line: a sentence break, a `-DOCSTART-`, a comment, a header or a token row.
    fn line(&mut self, doc: &mut Doc, line: &str) -> Flow {
        let row = Row::new(line);
        if row.n == 0 {
            self.sentence_break(&mut doc.b, self.line_no.saturating_sub(1));
            return Flow::Next;
        }
        if row.cols[0] == "-DOCSTART-" {
            if doc.saw_anything {
                self.pending_start = Some(self.line_no);
                return Flow::DocEnd;
            }
            doc.started_at = self.line_no;
            return Flow::Next;
        }
        let layout = self.layout.unwrap_or(Layout::Columns);
        // `# …` is a comment unless it is a token row (`#` can be a token: `# O`).
        if row.cols[0].starts_with('#') && row_tags(&row, layout).is_err() {
            self.seen_comment = true;
            doc.b.comments.push(line.trim().to_string());
            return Flow::Next;
        }
        if self.layout.is_none() {
            if self.header.is_none() && is_header(&row) {
                self.header = Some((self.line_no, line.trim().to_string()));
                return Flow::Next;
            }
            self.layout = Some(if is_germeval(&row, self.seen_comment) {
                Layout::GermEval
            } else {
                Layout::Columns
            });
        }
        let layout = self.layout.unwrap_or(Layout::Columns);
        doc.saw_anything = true;
        doc.b.row(self.line_no);
        if doc.b.bad.is_none() {
            match row_tags(&row, layout) {
                Ok((tags, n)) => doc.b.token(row.token(layout), &tags[..n], self.line_no),
                Err(msg) => doc.b.bad = Some((self.line_no, msg)),
            }
        }
        Flow::Next
    }

    /// The record of a document read, or nothing when it has no token (empty, or
    /// every sentence left out).
    fn finish_doc(&mut self, doc: Doc) -> Option<Result<Record, FormatError>> {
        let b = doc.b;
        if b.tokens == 0 {
            if self.done
                && self.docs == 0
                && let Some((line, h)) = self.header.take()
            {
                return Some(Err(FormatError::skip(
                    &self.path,
                    line,
                    format!("header row {h:?} skipped; the file has no token rows"),
                )));
            }
            return None;
        }
        self.docs += 1;
        let mut text = b.text;
        if !text.ends_with('\n') {
            text.push('\n');
        }
        let name = format!("{}-{}", self.stem, self.docs);
        let mut rec = super::build_record(
            &name,
            None,
            text,
            b.spans,
            Vec::new(),
            Origin {
                path: self.path.clone(),
                line: doc.started_at,
            },
            &self.options,
        );
        if let Ok(r) = &mut rec {
            if let Some((line, h)) = self.header.take() {
                r.warnings.push(Warning {
                    doc: name.clone(),
                    item: format!("line {line} {h:?}"),
                    reason: "skipped as a header row (column names, not a token and its tag)"
                        .into(),
                });
            }
            for (line, why) in b.repaired {
                r.warnings.push(Warning {
                    doc: name.clone(),
                    item: format!("line {line}"),
                    reason: why,
                });
            }
            if !b.comments.is_empty() {
                let comments = b
                    .comments
                    .into_iter()
                    .map(serde_json::Value::from)
                    .collect();
                r.meta
                    .insert("comments".into(), serde_json::Value::Array(comments));
            }
        }
        Some(rec)
    }
}

/// The document being read.
struct Doc {
    b: Builder,
    started_at: usize,
    saw_anything: bool,
}

impl<R: BufRead> Iterator for DocReader<R> {
    type Item = Result<Record, FormatError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.queue.pop_front() {
                return Some(item);
            }
            if self.done {
                return None;
            }
            if let Some(rec) = self.read_doc() {
                self.queue.push_back(rec);
            }
        }
    }
}

/// The prefix letter of token `i` of an `n`-token entity.
fn prefix(scheme: Scheme, i: usize, n: usize, follows_same: bool) -> u8 {
    match scheme {
        Scheme::Iob1 => {
            if i == 0 && follows_same {
                b'B'
            } else {
                b'I'
            }
        }
        Scheme::Iob2 => {
            if i == 0 {
                b'B'
            } else {
                b'I'
            }
        }
        Scheme::Iobes | Scheme::Bilou => {
            let (single, last) = if scheme == Scheme::Iobes {
                (b'S', b'E')
            } else {
                (b'U', b'L')
            };
            match (i, n) {
                (_, 1) => single,
                (0, _) => b'B',
                (i, n) if i == n - 1 => last,
                _ => b'I',
            }
        }
    }
}

/// The CoNLL lines of one record (with its `-DOCSTART-`), and what was dropped.
pub fn encode(rec: &Record, scheme: Scheme) -> (String, Vec<Warning>) {
    let mut out = Vec::new();
    let warnings = encode_into(rec, scheme, &mut out);
    (String::from_utf8(out).unwrap_or_default(), warnings)
}

/// Append the CoNLL lines of one record to `out` (no per-token allocation: this is the
/// inner loop of corpus conversion).
pub fn encode_into(rec: &Record, scheme: Scheme, out: &mut Vec<u8>) -> Vec<Warning> {
    let (spans, warnings) = expressible(rec, super::Format::Conll, Keeps::default());
    let text = rec.doc.text();
    let index = rec.doc.index();
    // Sized up front: collect() would start from a quarter of the bytes and regrow.
    let mut chars: Vec<char> = Vec::with_capacity(index.len_chars());
    chars.extend(text.chars());
    let mut cuts: Vec<usize> = spans
        .iter()
        .flat_map(|s| [s.range.start(), s.range.end()])
        .collect();
    cuts.sort_unstable();
    let tokens = super::tokenize::tokenize_chars(&chars, &cuts);
    let protect: Vec<_> = spans.iter().map(|s| s.range).collect();
    let sentences = super::tokenize::sentences_chars(&chars, &tokens, &protect);
    // Per token: prefix letter (0 = O) and the entity's span index.
    let mut tags: Vec<(u8, u32)> = vec![(0, 0); tokens.len()];
    let mut prev: Option<(usize, &str)> = None;
    let starts_sentence = |i: usize| sentences.binary_search_by_key(&i, |r| r.start).is_ok();
    for (k, s) in spans.iter().enumerate() {
        let first = tokens.partition_point(|t| t.start < s.range.start());
        let last = tokens.partition_point(|t| t.end <= s.range.end());
        if last <= first {
            continue;
        }
        // IOB1: `B-` only right after an entity of the same type in the same sentence.
        let follows_same =
            prev.is_some_and(|(end, l)| end == first && l == &*s.label) && !starts_sentence(first);
        for (i, tag) in tags[first..last].iter_mut().enumerate() {
            *tag = (prefix(scheme, i, last - first, follows_same), k as u32);
        }
        prev = Some((last, &s.label));
    }
    out.reserve(text.len() * 2 + 32);
    out.extend_from_slice(b"-DOCSTART- -X- O O\n\n");
    let bytes = text.as_bytes();
    for sent in sentences {
        for i in sent {
            let t = tokens[i];
            let (a, b) = (
                index.byte_from_char(t.start).unwrap_or(0),
                index.byte_from_char(t.end).unwrap_or(0),
            );
            // Tokens never hold white space (the tokenizer splits there).
            out.extend_from_slice(&bytes[a..b]);
            out.push(b' ');
            match tags[i] {
                (0, _) => out.push(b'O'),
                (p, k) => {
                    out.push(p);
                    out.push(b'-');
                    out.extend_from_slice(spans[k as usize].label.as_bytes());
                }
            }
            out.push(b'\n');
        }
        out.push(b'\n');
    }
    warnings
}

/// Streaming CoNLL writer.
pub struct Writer {
    out: crate::fsio::AtomicFile,
    scheme: Scheme,
    /// One document's lines, reused so the loop does not allocate.
    buf: Vec<u8>,
}

impl Writer {
    pub fn new(path: &Path, scheme: Scheme) -> Result<Self, WriteError> {
        Ok(Self {
            out: super::create_output(path)?,
            scheme,
            buf: Vec::new(),
        })
    }
}

impl super::Writer for Writer {
    fn write(&mut self, rec: &Record) -> Result<Vec<Warning>, WriteError> {
        self.buf.clear();
        let warnings = encode_into(rec, self.scheme, &mut self.buf);
        self.out
            .write_all(&self.buf)
            .map_err(|e| WriteError::io(self.out.path(), e))?;
        Ok(warnings)
    }
    fn finish(self: Box<Self>) -> Result<Vec<Warning>, WriteError> {
        super::commit_output(self.out)?;
        Ok(Vec::new())
    }
    fn encoder(&self) -> Option<super::stream::Encoder> {
        let scheme = self.scheme;
        Some(std::sync::Arc::new(move |rec: &Record| {
            let mut out = Vec::new();
            let warnings = encode_into(rec, scheme, &mut out);
            (out, warnings)
        }))
    }
    fn write_encoded(&mut self, bytes: &[u8]) -> Result<(), WriteError> {
        self.out
            .write_all(bytes)
            .map_err(|e| WriteError::io(self.out.path(), e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_str(s: &str) -> Vec<Result<Record, FormatError>> {
        DocReader::new(
            std::io::Cursor::new(s.as_bytes().to_vec()),
            Path::new("t.conll"),
            &ReadOptions::default(),
        )
        .collect()
    }

    #[test]
    fn reads_all_schemes_to_the_same_entities() {
        let texts = [
            "-DOCSTART- -X- O O\n\nAmal B-PER\nHaddad I-PER\nvisited O\nOslo B-LOC\n. O\n\n",
            "Amal I-PER\nHaddad I-PER\nvisited O\nOslo I-LOC\n. O\n\n",
            "Amal B-PER\nHaddad E-PER\nvisited O\nOslo S-LOC\n. O\n\n",
            "Amal NNP B-NP B-PER\nHaddad NNP I-NP L-PER\nvisited VBD O O\nOslo NNP O U-LOC\n. . O O\n",
        ];
        for t in texts {
            let recs = read_str(t);
            assert_eq!(recs.len(), 1, "{t}");
            let r = recs[0].as_ref().unwrap();
            assert_eq!(r.doc.text(), "Amal Haddad visited Oslo.\n");
            let got: Vec<(usize, usize, String)> = r
                .set
                .iter()
                .map(|s| (s.range.start(), s.range.end(), s.label.to_string()))
                .collect();
            assert_eq!(
                got,
                vec![(0, 11, "PER".into()), (20, 24, "LOC".into())],
                "{t}"
            );
        }
    }

    #[test]
    fn iob1_b_separates_adjacent_entities_of_one_type() {
        let r = read_str("Amal I-PER\nBen B-PER\nsaid O\n");
        let r = r[0].as_ref().unwrap();
        assert_eq!(r.set.len(), 2);
    }

    #[test]
    fn spacing_rule_and_documents() {
        let recs = read_str(
            "-DOCSTART- -X- O O\n\n“ O\nHi O\n, O\n” O\nSyria B-GPE\n’s O\n( O\nUN B-ORG\n) O\n\nNext O\n\n-DOCSTART- -X- O O\n\nTwo O\n",
        );
        assert_eq!(recs.len(), 2);
        assert_eq!(
            recs[0].as_ref().unwrap().doc.text(),
            "“Hi,” Syria’s (UN)\nNext\n"
        );
        assert_eq!(recs[1].as_ref().unwrap().doc.text(), "Two\n");
    }

    #[test]
    fn schemes_write_valid_tags() {
        let (text, set) =
            crate::model::markup::parse_set("[PER Amal Haddad] met [PER Ben] in [GPE Oslo].")
                .unwrap();
        let rec = super::super::build_record(
            "d",
            None,
            text,
            set.iter()
                .map(|s| RawSpan {
                    key: s.id.to_string(),
                    fragments: vec![(s.range.start(), s.range.end())],
                    label: s.label.to_string(),
                    ..Default::default()
                })
                .collect(),
            vec![],
            Origin::default(),
            &ReadOptions::default(),
        )
        .unwrap();
        let tags = |scheme| -> Vec<String> {
            encode(&rec, scheme)
                .0
                .lines()
                .skip(2)
                .filter(|l| !l.is_empty())
                .map(|l| l.rsplit(' ').next().unwrap().to_string())
                .collect()
        };
        assert_eq!(
            tags(Scheme::Iob2),
            ["B-PER", "I-PER", "O", "B-PER", "O", "B-GPE", "O"]
        );
        assert_eq!(
            tags(Scheme::Iob1),
            ["I-PER", "I-PER", "O", "I-PER", "O", "I-GPE", "O"]
        );
        assert_eq!(
            tags(Scheme::Iobes),
            ["B-PER", "E-PER", "O", "S-PER", "O", "S-GPE", "O"]
        );
        assert_eq!(
            tags(Scheme::Bilou),
            ["B-PER", "L-PER", "O", "U-PER", "O", "U-GPE", "O"]
        );
    }

    fn record(markup: &str) -> Record {
        let (text, set) = crate::model::markup::parse_set(markup).unwrap();
        super::super::build_record(
            "d",
            None,
            text,
            set.iter()
                .map(|s| RawSpan {
                    key: s.id.to_string(),
                    fragments: vec![(s.range.start(), s.range.end())],
                    label: s.label.to_string(),
                    ..Default::default()
                })
                .collect(),
            vec![],
            Origin::default(),
            &ReadOptions::default(),
        )
        .unwrap()
    }

    fn spans_of(r: &Record) -> Vec<(usize, usize, String)> {
        r.set
            .iter()
            .map(|s| (s.range.start(), s.range.end(), s.label.to_string()))
            .collect()
    }

    /// (token, tag) of every row of an export, sentence breaks as ("", "").
    fn rows(conll: &str) -> Vec<(String, String)> {
        conll
            .lines()
            .skip(2)
            .map(|l| match l.rsplit_once(' ') {
                Some((t, g)) => (t.to_string(), g.to_string()),
                None => (String::new(), String::new()),
            })
            .collect()
    }

    #[test]
    fn iob1_puts_b_only_after_the_same_type_in_the_same_sentence() {
        // The first sentence ends with a PER and the second starts with one.
        let rec = record("He met [PER Amal]\n[PER Rami] and [PER Ali] [PER Ben] left.");
        let (out, _) = encode(&rec, Scheme::Iob1);
        let tags: Vec<(String, String)> = rows(&out);
        let want = [
            ("He", "O"),
            ("met", "O"),
            ("Amal", "I-PER"),
            ("", ""),
            ("Rami", "I-PER"),
            ("and", "O"),
            ("Ali", "I-PER"),
            ("Ben", "B-PER"),
            ("left", "O"),
            (".", "O"),
            ("", ""),
        ];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(tags, want);
        // And it reads back to the same entities.
        let back = read_str(&out);
        assert_eq!(spans_of(back[0].as_ref().unwrap()), spans_of(&rec));
    }

    #[test]
    fn germeval_reads_comments_both_ne_columns_and_tab_separated_tokens() {
        let src = "#\thttp://de.wikipedia.org/wiki/X\t[2009-08-13]\n1\tDer\tO\tO\n2\tBerliner\tB-ORG\tB-LOCderiv\n3\tSenat\tI-ORG\tO\n4\ttagte\tO\tO\n5\tin\tO\tO\n6\tNew York\tB-LOC\tO\n\n#\thttp://y\t[2009-08-14]\n1\t“\tO\tO\n2\t😀\tO\tO\n3\tدمشق\tB-LOC\tO\n4\t”\tO\tO\n";
        let recs = read_str(src);
        assert_eq!(recs.len(), 1);
        let r = recs[0].as_ref().unwrap();
        assert_eq!(
            r.doc.text(),
            "Der Berliner Senat tagte in New York\n“😀 دمشق”\n"
        );
        assert_eq!(
            spans_of(r),
            [
                (4, 18, "ORG".into()),
                (4, 12, "LOCderiv".into()),
                (28, 36, "LOC".into()),
                (40, 44, "LOC".into())
            ]
        );
        assert_eq!(
            r.meta["comments"],
            serde_json::json!([
                "#\thttp://de.wikipedia.org/wiki/X\t[2009-08-13]",
                "#\thttp://y\t[2009-08-14]"
            ])
        );
        // A row that breaks the layout costs its sentence only.
        let bad = src.replace("5\tin\tO\tO", "5\tin\tO");
        let recs = read_str(&bad);
        assert_eq!(recs.len(), 2);
        let e = recs[0].as_ref().unwrap_err().to_string();
        assert!(
            e.starts_with("t.conll:6: row \"5 in O\" is not INDEX<TAB>TOKEN")
                && e.ends_with(
                    "the sentence on lines 2–7 is left out, the rest of the file is read"
                ),
            "{e}"
        );
        assert_eq!(recs[1].as_ref().unwrap().doc.text(), "“😀 دمشق”\n");
    }

    #[test]
    fn a_header_row_is_skipped_with_a_warning_and_hash_can_be_a_token() {
        let recs = read_str("WORD\tTAG\nThis\tO\nis\tO\nCoca Cola\tB-ORG\n");
        assert_eq!(recs.len(), 1);
        let r = recs[0].as_ref().unwrap();
        assert_eq!(r.doc.text(), "This is Coca Cola\n");
        assert_eq!(spans_of(r), [(8, 17, "ORG".into())]);
        assert_eq!(
            r.warnings[0].to_string(),
            "t-1: line 1 \"WORD\\tTAG\": skipped as a header row (column names, not a token and its tag)"
        );
        // Space-separated rows split at white space as before; `#` with a tag is a token.
        let recs = read_str("# O\nAmal B-PER\n#tag I-PER\n");
        let r = recs[0].as_ref().unwrap();
        assert_eq!(r.doc.text(), "# Amal #tag\n");
        assert_eq!(spans_of(r), [(2, 11, "PER".into())]);
        assert!(r.warnings.is_empty() && r.meta.is_empty());
        // A file with only a header: the header is reported, never silently dropped.
        let recs = read_str("token\tlabel\n");
        let e = recs[0].as_ref().unwrap_err();
        assert!(e.skipped && e.message.contains("header row"), "{e}");
    }

    #[test]
    fn one_bad_row_costs_its_sentence_not_the_file() {
        let mut src = b"Amal B-PER\r\nsaid O\r\n\r\nRami X-PER\r\nleft O\r\n\r\n".to_vec();
        src.extend_from_slice(
            b"Caf\xe9 O\nnow O\n\n\xe2\x80\x9cOslo\xe2\x80\x9d B-LOC\ne\xcc\x81 O\n",
        );
        src.extend_from_slice(
            b"-DOCSTART- -X- O O\n\nonly\n\n-DOCSTART- -X- O O\n\nZo\xc3\xab B-PER\n",
        );
        let recs: Vec<_> = DocReader::new(
            std::io::Cursor::new(src),
            Path::new("t.conll"),
            &ReadOptions::default(),
        )
        .collect();
        let got: Vec<String> = recs
            .iter()
            .map(|r| match r {
                Ok(r) => format!("doc {:?} {:?}", r.doc.text(), spans_of(r)),
                Err(e) => e.to_string(),
            })
            .collect();
        assert_eq!(
            got,
            [
                "t.conll:4: tag \"X-PER\" of token \"Rami\" is not O or B-/I-/E-/S-/L-/U- followed by a type; the sentence on lines 4–5 is left out, the rest of the file is read",
                "t.conll:7: is not valid UTF-8; CoNLL files are read as UTF-8 (bad byte 0xE9 at column 4); the sentence on lines 7–8 is left out, the rest of the file is read",
                "doc \"Amal said\\n“Oslo” e\\u{301}\\n\" [(0, 4, \"PER\"), (10, 16, \"LOC\")]",
                "t.conll:14: token \"only\" has no tag column; CoNLL lines are TOKEN [other columns] TAG; the sentence on line 14 is left out, the rest of the file is read",
                "doc \"Zoë\\n\" [(0, 3, \"PER\")]",
            ]
        );
    }

    /// Every real CoNLL file reads as its tool reads it (expected.json: documents,
    /// sentences and entities; GermEval's outer column, flair's header row).
    #[test]
    fn real_conll_files_read_as_their_tools_read_them() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/real");
        let expected: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(root.join("expected.json")).unwrap())
                .unwrap();
        let mut n = 0;
        for (key, e) in expected.as_object().unwrap() {
            if !key.starts_with("conll/") {
                continue;
            }
            n += 1;
            let items: Vec<_> = read(&root.join(key), &ReadOptions::default()).collect();
            let recs: Vec<&Record> = items
                .iter()
                .map(|r| r.as_ref().unwrap_or_else(|e| panic!("{key}: {e}")))
                .collect();
            let count = |k: &str| e[k].as_u64().unwrap() as usize;
            assert_eq!(recs.len(), count("documents"), "{key}");
            let spans: usize = recs.iter().map(|r| r.set.len()).sum();
            assert_eq!(spans, count("spans"), "{key}");
            let sentences: usize = recs.iter().map(|r| r.doc.text().lines().count()).sum();
            assert_eq!(sentences, count("sentences"), "{key}");
            let mut by_label = std::collections::BTreeMap::<String, u64>::new();
            for r in &recs {
                for s in r.set.iter() {
                    *by_label.entry(s.label.to_string()).or_default() += 1;
                }
            }
            let want: std::collections::BTreeMap<String, u64> =
                serde_json::from_value(e["spans_by_label"].clone()).unwrap();
            assert_eq!(by_label, want, "{key}");
        }
        assert_eq!(n, 8);
    }
}
