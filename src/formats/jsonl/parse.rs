//! One unit (a JSONL line or an item of a JSON array) into its record(s): the one
//! per-unit path that the file reader, [`super::parse_bytes`] and the fuzz targets share.
//!
//! Memory: a document can be most of a 50 MB line. The text is never copied out of the
//! line while it is parsed (both parsers borrow it when it has no escapes); then the
//! line's own buffer becomes the text (the bytes around it are cut off in place), so
//! a line costs its buffer plus the document's shared copy, not four copies. A big
//! line whose text has escapes has it decoded in place too (`big.rs`). Measured on a
//! 50 MB one-line document, `entitle validate` (debug build): peak RSS 201 MB → 153 MB
//! without escapes, 265 MB → 139 MB with them.

use super::Flavor;
use crate::formats::{FormatError, Origin, RawRelation, RawSpan, ReadOptions, Record, Warning};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::ops::Range;
use std::path::Path;

/// How a unit was found, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UnitKind {
    /// A line of a JSONL file, or the whole of a one-document JSON file.
    Line,
    /// An item of a top-level JSON array.
    Item,
}

/// The source text of one record (or of several, for doccano's per-user layers).
#[derive(Debug)]
pub(crate) struct Unit {
    pub text: String,
    /// 1-based line where it starts.
    pub line: usize,
    pub kind: UnitKind,
}

/// Everything a parser needs to know about the unit it parses.
pub(crate) struct Ctx<'a> {
    pub file: &'a Path,
    pub stem: &'a str,
    pub flavor: Flavor,
    pub options: &'a ReadOptions,
    pub line: usize,
    pub kind: UnitKind,
}

impl Ctx<'_> {
    pub fn err(&self, msg: impl Into<String>) -> FormatError {
        FormatError::new(self.file, self.line, msg)
    }
    /// "line" or "item", for messages.
    pub fn unit_word(&self) -> &'static str {
        match self.kind {
            UnitKind::Line => "line",
            UnitKind::Item => "item of the list",
        }
    }
}

/// The spans of one annotator (doccano files can hold several per line).
#[derive(Debug, Default)]
pub(crate) struct Layer {
    pub annotator: Option<String>,
    pub spans: Vec<RawSpan>,
    pub relations: Vec<RawRelation>,
}

/// What a parser found in one object, apart from its text.
#[derive(Debug, Default)]
pub(crate) struct Parts {
    pub external_id: Option<Value>,
    pub name: String,
    /// At least one; one record is built per layer.
    pub layers: Vec<Layer>,
    pub meta: Map<String, Value>,
    pub warnings: Vec<Warning>,
    /// Offsets are UTF-16 code units (doccano), converted once the text is known.
    pub utf16: bool,
}

impl Parts {
    pub fn new(external_id: Option<Value>, ctx: &Ctx) -> Self {
        let name = match &external_id {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => format!("{}-{}", ctx.stem, ctx.line),
        };
        Self {
            external_id,
            name,
            ..Default::default()
        }
    }
    pub fn warn(&mut self, item: impl Into<String>, reason: impl Into<String>) {
        self.warnings.push(Warning {
            doc: self.name.clone(),
            item: item.into(),
            reason: reason.into(),
        });
    }
}

/// Where the text is: a range of the unit's own buffer, or a string of its own (when
/// the JSON string had escapes).
enum TextSrc {
    Slice(Range<usize>),
    Owned(String),
}

impl TextSrc {
    fn of(buf: &str, text: Cow<'_, str>) -> Self {
        match text {
            Cow::Borrowed(t) => {
                let start = (t.as_ptr() as usize).wrapping_sub(buf.as_ptr() as usize);
                let range = start..start.wrapping_add(t.len());
                if buf.get(range.clone()) == Some(t) {
                    TextSrc::Slice(range)
                } else {
                    TextSrc::Owned(t.to_string())
                }
            }
            Cow::Owned(t) => TextSrc::Owned(t),
        }
    }
    /// The text as a `String`, made of the unit's buffer when it is a slice of it.
    fn take(self, mut buf: String) -> String {
        match self {
            TextSrc::Slice(r) => {
                buf.truncate(r.end);
                buf.drain(..r.start);
                buf
            }
            TextSrc::Owned(t) => t,
        }
    }
}

/// The unit's JSON without white space and byte-order marks around it.
fn trimmed(s: &str) -> Range<usize> {
    let t = s.trim_start_matches(|c: char| c == '\u{feff}' || c.is_whitespace());
    let start = s.len() - t.len();
    let end = start + t.trim_end().len();
    start..end
}

/// Parse one unit into its records (one, or one per annotator for doccano's
/// `annotations`), or the error that stops it.
pub(crate) fn parse_unit(unit: Unit, ctx: &Ctx) -> Vec<Result<Record, FormatError>> {
    let buf = unit.text;
    let range = trimmed(&buf);
    let big_text = (buf.len() >= super::big::BIG_LINE)
        .then(|| super::big::text_range(buf.as_bytes().get(range.clone())?))
        .flatten();
    let buf = match big_text {
        Some(raw) => {
            let raw = range.start + raw.start..range.start + raw.end;
            match parse_big(buf, range.clone(), raw, ctx) {
                Ok(records) => return records,
                Err(buf) => buf,
            }
        }
        None => buf,
    };
    let parsed = {
        let s = buf.get(range).unwrap_or_default();
        parse_parts(s, ctx, false).map(|(parts, text)| (parts, TextSrc::of(&buf, text)))
    };
    match parsed {
        Ok((parts, src)) => finish(parts, src.take(buf), ctx),
        Err(e) => vec![Err(e)],
    }
}

/// A big line whose text has escapes at `raw`: parsed without decoding the text,
/// which is then decoded in place (see `big.rs`). The line comes back when an escape
/// is bad, for the usual path to word the error.
fn parse_big(
    buf: String,
    range: Range<usize>,
    raw: Range<usize>,
    ctx: &Ctx,
) -> Result<Vec<Result<Record, FormatError>>, String> {
    let parsed = parse_parts(buf.get(range).unwrap_or_default(), ctx, true).map(|(parts, _)| parts);
    match parsed {
        Ok(parts) => {
            let text = super::big::decode_in_place(buf, raw)?;
            Ok(finish(parts, text, ctx))
        }
        Err(e) => Ok(vec![Err(e)]),
    }
}

fn parse_parts<'a>(
    s: &'a str,
    ctx: &Ctx,
    skip_text: bool,
) -> Result<(Parts, Cow<'a, str>), FormatError> {
    if matches!(ctx.flavor, Flavor::Entitle | Flavor::Spacy)
        && let Some(parsed) = super::fast::parse(s, ctx, skip_text)
    {
        return Ok(parsed);
    }
    super::general::parse(s, ctx, skip_text)
}

/// The typed fast path alone (`None`: it leaves the line to the general path).
#[cfg(test)]
pub(crate) fn parse_fast(line: &str, ctx: &Ctx) -> Option<Vec<Result<Record, FormatError>>> {
    let (parts, text) = super::fast::parse(line, ctx, false)?;
    Some(finish(parts, text.into_owned(), ctx))
}

/// The general path alone.
#[cfg(test)]
pub(crate) fn parse_general(line: &str, ctx: &Ctx) -> Vec<Result<Record, FormatError>> {
    match super::general::parse(line, ctx, false) {
        Ok((parts, text)) => finish(parts, text.into_owned(), ctx),
        Err(e) => vec![Err(e)],
    }
}

/// Build one record per layer, checking every span against the text.
fn finish(parts: Parts, text: String, ctx: &Ctx) -> Vec<Result<Record, FormatError>> {
    let Parts {
        external_id,
        name,
        mut layers,
        meta,
        mut warnings,
        utf16,
    } = parts;
    if layers.is_empty() {
        layers.push(Layer::default());
    }
    let n = layers.len();
    let mut text = Some(text);
    let mut out = Vec::with_capacity(n);
    for (i, mut layer) in layers.into_iter().enumerate() {
        // The last layer takes the text; the others get a copy.
        let t = if i + 1 == n {
            text.take()
        } else {
            text.clone()
        }
        .unwrap_or_default();
        if utf16 && let Err(e) = utf16_to_cp(&t, &mut layer.spans, ctx) {
            out.push(Err(e));
            continue;
        }
        let origin = Origin {
            path: ctx.file.to_path_buf(),
            line: ctx.line,
        };
        let built = crate::formats::build_record(
            &name,
            external_id.clone(),
            t,
            layer.spans,
            layer.relations,
            origin,
            ctx.options,
        );
        out.push(built.map(|mut rec| {
            // What the line itself could not keep is said once, on its first record.
            let mut all = std::mem::take(&mut warnings);
            all.append(&mut rec.warnings);
            rec.warnings = all;
            rec.meta = meta.clone();
            rec.annotator = layer.annotator;
            rec
        }));
    }
    out
}

/// doccano's UTF-16 offsets to code points. Texts without astral characters (the
/// usual case) have the same offsets in both units and need no index.
fn utf16_to_cp(text: &str, spans: &mut [RawSpan], ctx: &Ctx) -> Result<(), FormatError> {
    let astral = text.bytes().any(|b| b >= 0xF0);
    let len = (!astral).then(|| text.chars().count());
    let index = astral.then(|| crate::formats::utf16_to_cp(text));
    let to_cp = |u: usize| match (&index, len) {
        (Some(to_cp), _) => to_cp(u),
        (None, Some(len)) => (u <= len).then_some(u),
        (None, None) => None,
    };
    for s in spans {
        for f in &mut s.fragments {
            let (a, b) = *f;
            match (to_cp(a), to_cp(b)) {
                (Some(a), Some(b)) => *f = (a, b),
                _ => {
                    return Err(ctx.err(format!(
                        "span {} {} {a}..{b}: not a valid UTF-16 offset in this text (inside a surrogate pair or past the end, {} UTF-16 units); doccano offsets are UTF-16 code units",
                        s.key,
                        s.label,
                        text.encode_utf16().count()
                    )));
                }
            }
        }
    }
    Ok(())
}
