//! The body: sentences (`#Text=` lines) and their token rows, rebuilt into the
//! document text the way INCEpTION's `Tsv3XDeserializer` rebuilds it, with every row
//! checked against that text.
//!
//! Each `#Text=` line is added to the text followed by a line break. A sentence starts
//! at its first token's BEGIN: if that is one unit before the end of the text so far,
//! the previous sentence's final line break goes; if it is further on, the gap is
//! padded with spaces (text between sentences is not in the file). INCEpTION keeps the
//! line break after the last sentence; Entitle drops it, so that a document written by
//! [`super::encode`] reads back exactly.

use super::Cx;
use super::escape::{is_unit_id, unescape_text};
use super::header::{Header, layer_line};
use crate::formats::{FormatError, Warning};
use std::collections::HashMap;

/// One token or sub-token row.
#[derive(Debug, Clone)]
pub(super) struct Unit<'a> {
    pub line: usize,
    /// `1-3` or `1-3.1`.
    pub id: &'a str,
    /// Offsets in UTF-16 units, as in the file.
    pub begin: usize,
    pub end: usize,
    pub token: &'a str,
    /// Exactly one cell per header column.
    pub cells: Vec<&'a str>,
    pub sentence: usize,
}

/// A sentence's place: first `#Text=` line and its extent in UTF-16 units (without
/// the line break the format adds after it).
#[derive(Debug, Clone, Copy)]
pub(super) struct Sentence {
    pub line: usize,
    pub begin: usize,
    pub end: usize,
}

#[derive(Debug)]
pub(super) struct Body<'a> {
    pub text: String,
    pub units: Vec<Unit<'a>>,
    pub sentences: Vec<Sentence>,
    pub warnings: Vec<Warning>,
}

/// The text being rebuilt, in UTF-16 units as the offsets count.
struct Text {
    text: String,
    len16: usize,
    /// The text ends with the line break added after the last sentence.
    trailing_lf: bool,
    /// Padding allowed in all: no more than the file's size, so that a wild offset is
    /// an error, not gigabytes of spaces.
    pad_budget: usize,
}

impl Text {
    /// Add a sentence whose first token begins at `begin`; its extent.
    fn place(&mut self, lines: &[String], begin: usize) -> Result<(usize, usize), String> {
        if self.len16 > begin {
            if self.trailing_lf && self.len16 == begin + 1 {
                self.text.pop();
                self.len16 -= 1;
            } else {
                return Err(format!(
                    "this sentence's first token begins at {begin}, before the end of the previous sentence ({}); WebAnno offsets only grow",
                    self.len16 - usize::from(self.trailing_lf)
                ));
            }
        }
        let gap = begin - self.len16;
        if gap > self.pad_budget {
            return Err(format!(
                "this sentence's first token begins at {begin}, {gap} UTF-16 units after the previous sentence: more text than this file holds is missing, so the offsets are wrong"
            ));
        }
        self.pad_budget -= gap;
        self.text.extend(std::iter::repeat_n(' ', gap));
        for l in lines {
            self.text.push_str(l);
            self.text.push('\n');
            self.len16 += l.encode_utf16().count() + 1;
        }
        self.len16 += gap;
        self.trailing_lf = true;
        Ok((begin, self.len16 - 1))
    }
}

/// Sentences and token rows from the lines after the header.
pub(super) fn parse<'a>(
    lines: &[(usize, &'a str)],
    header: &Header,
    cx: &Cx,
    file_len: usize,
) -> Result<Body<'a>, FormatError> {
    let mut text = Text {
        text: String::new(),
        len16: 0,
        trailing_lf: false,
        pad_budget: file_len.clamp(1 << 20, crate::model::MAX_DOCUMENT_BYTES),
    };
    let mut body = Body {
        text: String::new(),
        units: Vec::new(),
        sentences: Vec::new(),
        warnings: Vec::new(),
    };
    // `#Text=` lines of the sentence whose first token has not come yet.
    let mut pending: Vec<String> = Vec::new();
    let mut pending_line = 0;
    let mut in_sentence = false;
    let mut ids: HashMap<&str, usize> = HashMap::new();
    let (mut sentence_ids, mut unknown) = (0usize, Vec::new());
    for &(n, line) in lines {
        if line.trim().is_empty() {
            no_tokens(&pending, pending_line, cx)?;
            in_sentence = false;
        } else if let Some(t) = line.strip_prefix("#Text=") {
            if pending.is_empty() {
                pending_line = n;
            }
            in_sentence = false;
            pending.push(unescape_text(t, header.minor).map_err(|m| cx.err(n, m))?);
        } else if line.starts_with("#Sentence.id=") {
            sentence_ids += 1;
        } else if layer_line(line).is_some() || line.starts_with("#FORMAT=") {
            let what: String = line
                .split('=')
                .next()
                .unwrap_or(line)
                .chars()
                .take(12)
                .collect();
            return Err(cx.err(
                n,
                format!("a {what}= header line after the first sentence: INCEpTION declares every layer at the top of the file, before the first #Text line; move it up"),
            ));
        } else if line.starts_with('#') {
            unknown.push(n);
        } else {
            let unit = row(n, line, header.columns.len(), cx)?;
            if !pending.is_empty() {
                if unit.id.contains('.') {
                    return Err(cx.err(n, format!("sub-token {} is the first row of its sentence; a sentence starts with a token (column 1)", unit.id)));
                }
                let (begin, end) = text
                    .place(&pending, unit.begin)
                    .map_err(|m| cx.err(n, format!("{m} (column 2)")))?;
                body.sentences.push(Sentence {
                    line: pending_line,
                    begin,
                    end,
                });
                pending.clear();
                in_sentence = true;
            } else if !in_sentence {
                return Err(cx.err(n, "a token row without a #Text line before it: every sentence starts with its #Text line(s), and an empty line ends it"));
            }
            if let Some(first) = ids.insert(unit.id, n) {
                return Err(cx.err(
                    n,
                    format!(
                        "token id {} is also on line {first}; ids must be unique (column 1)",
                        unit.id
                    ),
                ));
            }
            let sentence = body.sentences.len().saturating_sub(1);
            within_sentence(&unit, body.sentences.get(sentence), cx)?;
            body.units.push(Unit { sentence, ..unit });
        }
    }
    no_tokens(&pending, pending_line, cx)?;
    if text.trailing_lf {
        text.text.pop();
    }
    body.text = text.text;
    body.warnings = notes(cx, sentence_ids, &unknown);
    Ok(body)
}

/// A sentence must have token rows: without them its place in the text is unknown.
fn no_tokens(pending: &[String], line: usize, cx: &Cx) -> Result<(), FormatError> {
    if pending.is_empty() {
        return Ok(());
    }
    Err(cx.err(
        line,
        "this sentence has no token rows, so its place in the document is unknown; each #Text line is followed by the rows of its tokens",
    ))
}

/// A token row, checked field by field: `ID<TAB>BEGIN-END<TAB>TOKEN<TAB>cells…`.
fn row<'a>(n: usize, line: &'a str, columns: usize, cx: &Cx) -> Result<Unit<'a>, FormatError> {
    let mut fields = line.split('\t');
    let (Some(id), Some(offsets), Some(token)) = (fields.next(), fields.next(), fields.next())
    else {
        return Err(cx.err(
            n,
            format!(
                "a token row needs SENT-TOK, BEGIN-END and the token, tab-separated; got {line:?}"
            ),
        ));
    };
    let mut cells: Vec<&str> = fields.collect();
    // Rows end with a TAB, which leaves one empty field.
    if cells.last() == Some(&"") {
        cells.pop();
    }
    if !is_unit_id(id) {
        return Err(cx.err(
            n,
            format!(
                "token id {id:?} must be SENT-TOK or SENT-TOK.SUB, e.g. 1-3 or 1-3.1 (column 1)"
            ),
        ));
    }
    let (begin, end) = offsets
        .split_once('-')
        .and_then(|(b, e)| Some((b.parse::<usize>().ok()?, e.parse::<usize>().ok()?)))
        .ok_or_else(|| {
            cx.err(
                n,
                format!("offsets {offsets:?} must be BEGIN-END (UTF-16 units) (column 2)"),
            )
        })?;
    if end < begin {
        return Err(cx.err(
            n,
            format!("token {token:?} ends before it begins ({begin}-{end}) (column 2)"),
        ));
    }
    if cells.len() != columns {
        return Err(cx.err(
            n,
            format!(
                "{} annotation columns, but the header declares {columns} (columns 4 and on)",
                cells.len()
            ),
        ));
    }
    Ok(Unit {
        line: n,
        id,
        begin,
        end,
        token,
        cells,
        sentence: 0,
    })
}

/// A row must lie inside its sentence's `#Text`.
fn within_sentence(unit: &Unit, sentence: Option<&Sentence>, cx: &Cx) -> Result<(), FormatError> {
    let Some(s) = sentence else {
        return Err(cx.err(unit.line, "a token row without a #Text line before it"));
    };
    let (b, e, t) = (unit.begin, unit.end, unit.token);
    if e > s.end {
        return Err(cx.err(
            unit.line,
            format!(
                "token {t:?} at {b}-{e} is past the end of its #Text ({} UTF-16 units), which starts on line {} (column 2)",
                s.end, s.line
            ),
        ));
    }
    if b < s.begin {
        return Err(cx.err(
            unit.line,
            format!(
                "token {t:?} at {b}-{e} begins before its sentence, which begins at {} (line {}) (column 2)",
                s.begin, s.line
            ),
        ));
    }
    Ok(())
}

/// Warnings for what the body carries that Entitle does not keep.
fn notes(cx: &Cx, sentence_ids: usize, unknown: &[usize]) -> Vec<Warning> {
    let mut out = Vec::new();
    if sentence_ids > 0 {
        out.push(cx.warn(
            "#Sentence.id lines".into(),
            format!(
                "{} not imported: Entitle keeps no sentence ids",
                super::counted(sentence_ids, "sentence id")
            ),
        ));
    }
    if let Some(first) = unknown.first() {
        out.push(cx.warn(
            format!(
                "{} starting with # (first on line {first})",
                super::counted(unknown.len(), "line")
            ),
            "ignored, as INCEpTION ignores them: they are neither #Text nor #Sentence.id".into(),
        ));
    }
    out
}

/// Code-point ranges of every unit, each checked against the text: an offset inside a
/// surrogate pair, or a token whose text differs from its sentence's `#Text` there,
/// is an error (either means the offsets are wrong).
pub(super) fn locate(body: &Body, cx: &Cx) -> Result<Vec<(usize, usize)>, FormatError> {
    if body.text.len() > crate::model::MAX_DOCUMENT_BYTES {
        return Err(cx.err(
            0,
            "the text is larger than 1 GiB; split the document into smaller ones",
        ));
    }
    let index = crate::text::TextIndex::new(&body.text);
    let cp = |u: usize, line: usize| {
        index.char_from_utf16(u).map_err(|_| {
            cx.err(
                line,
                format!("offset {u} falls inside a surrogate pair; WebAnno offsets are UTF-16 units (column 2)"),
            )
        })
    };
    let mut out = Vec::with_capacity(body.units.len());
    for u in &body.units {
        let (b, e) = (cp(u.begin, u.line)?, cp(u.end, u.line)?);
        let there = index.slice(&body.text, b..e);
        if there != u.token {
            let line = body.sentences.get(u.sentence).map_or(0, |s| s.line);
            return Err(cx.err(
                u.line,
                format!(
                    "token {:?} at {}-{} differs from the #Text of its sentence (line {line}), which has {there:?} there; the offsets (UTF-16 units) or the #Text line are wrong (column 3)",
                    u.token, u.begin, u.end
                ),
            ));
        }
        out.push((b, e));
    }
    Ok(out)
}
