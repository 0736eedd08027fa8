//! Offsets and text indexing.
//!
//! The model's offset unit is the Unicode code point (a Rust `char`), half-open
//! `[start, end)`. Every other unit (UTF-8 bytes for slicing and egui, UTF-16 code units
//! for WebAnno/INCEpTION, tokens for CoNLL) exists only at a boundary and is converted
//! through [`TextIndex`], whose method names say the unit (`byte_from_char`,
//! `utf16_from_char`, ...).

pub(crate) mod words;

pub use words::{next_word, previous_word, snap_to_words, trim_whitespace, word_at};

use std::fmt;
use std::ops::Range;

/// A non-empty, half-open range of code points `[start, end)` inside one document.
///
/// Fields are private: a `CharSpan` can only be made by [`CharSpan::new`], which checks
/// the bounds against the document length, so a stored span is always valid for the
/// text it was made for.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CharSpan {
    start: usize,
    end: usize,
}

/// Why a pair of offsets is not a valid span.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpanError {
    #[error("span {start}..{end} is empty or reversed (its start must be below its end)")]
    Empty { start: usize, end: usize },
    #[error("span {start}..{end} ends after the end of the text ({len} characters)")]
    OutOfBounds {
        start: usize,
        end: usize,
        len: usize,
    },
}

impl CharSpan {
    /// A span of `[start, end)` code points in a text of `len_chars` code points.
    pub fn new(start: usize, end: usize, len_chars: usize) -> Result<Self, SpanError> {
        if start >= end {
            return Err(SpanError::Empty { start, end });
        }
        if end > len_chars {
            return Err(SpanError::OutOfBounds {
                start,
                end,
                len: len_chars,
            });
        }
        Ok(Self { start, end })
    }

    pub fn start(self) -> usize {
        self.start
    }
    pub fn end(self) -> usize {
        self.end
    }
    pub fn len(self) -> usize {
        self.end - self.start
    }
    /// Always false: spans are non-empty by construction (kept for clippy's `len` rule).
    pub fn is_empty(self) -> bool {
        false
    }
    pub fn range(self) -> Range<usize> {
        self.start..self.end
    }
    pub fn contains_char(self, c: usize) -> bool {
        self.start <= c && c < self.end
    }
    /// True when the two spans share at least one character.
    pub fn overlaps(self, other: CharSpan) -> bool {
        self.start < other.end && other.start < self.end
    }
    /// True when the span shares at least one character with `range`.
    pub fn overlaps_range(self, range: Range<usize>) -> bool {
        self.start < range.end && range.start < self.end
    }
    pub fn contains_span(self, other: CharSpan) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

impl fmt::Debug for CharSpan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

impl fmt::Display for CharSpan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// An offset in another unit did not land on a character boundary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OffsetError {
    #[error("byte offset {0} is not on a character boundary or is past the end")]
    Byte(usize),
    #[error("UTF-16 offset {0} is inside a surrogate pair or past the end")]
    Utf16(usize),
    #[error("character offset {0} is past the end")]
    Char(usize),
}

/// Offsets and lines of one document, built once when the document is opened.
///
/// Memory: one `u32` per character for the byte map (only when the text is not ASCII),
/// one per astral character (emoji …) for UTF-16, plus two `usize` per line.
#[derive(Debug, Clone)]
pub struct TextIndex {
    len_chars: usize,
    len_bytes: usize,
    len_utf16: usize,
    /// Byte offset of every char, plus the end. `None` when the text is ASCII (identity).
    byte_of_char: Option<Vec<u32>>,
    /// Char offsets of the astral characters (two UTF-16 units each), in order.
    astral: Vec<u32>,
    lines: Vec<LineInfo>,
}

/// One line of the text: content `[start, content_end)` in chars, followed by its line
/// terminator (`\n`, `\r\n`, `\r`, U+0085, U+2028 or U+2029) up to `next_start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineInfo {
    pub start: usize,
    pub content_end: usize,
}

/// True for characters that end a line. `\r\n` is one terminator of two characters.
pub fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

impl TextIndex {
    /// Index `text`. Fails only for texts of 4 GiB or more, which are refused earlier.
    pub fn new(text: &str) -> Self {
        assert!(
            text.len() < u32::MAX as usize,
            "documents are limited to 4 GiB (checked when loading)"
        );
        // This runs for every document of a conversion: one pass, eight bytes at a time
        // where they are ASCII. Char starts are the bytes that are not UTF-8
        // continuation bytes; line breaks are LF, CR (CRLF counts once), NEL (C2 85), LS
        // and PS (E2 80 A8 / A9); astral chars start with F0..F4.
        let bytes = text.as_bytes();
        let ascii = text.is_ascii();
        let mut byte_of_char: Option<Vec<u32>> =
            (!ascii).then(|| Vec::with_capacity(bytes.len() + 1));
        let mut astral: Vec<u32> = Vec::new();
        let mut lines = Vec::new();
        let mut line_start = 0usize;
        let mut n = 0usize;
        // Handle one byte at position `i` (the slow path).
        let mut byte = |i: usize,
                        n: &mut usize,
                        byte_of_char: &mut Option<Vec<u32>>,
                        lines: &mut Vec<LineInfo>,
                        line_start: &mut usize| {
            let b = bytes[i];
            if b & 0xC0 == 0x80 {
                return;
            }
            if let Some(v) = byte_of_char.as_mut() {
                v.push(i as u32);
            }
            let line_break = match b {
                b'\n' => {
                    if i > 0 && bytes[i - 1] == b'\r' {
                        // Second half of CRLF: the line already ended at the CR.
                        *line_start = *n + 1;
                        false
                    } else {
                        true
                    }
                }
                b'\r' => true,
                0xC2 => bytes.get(i + 1) == Some(&0x85),
                0xE2 => {
                    bytes.get(i + 1) == Some(&0x80) && matches!(bytes.get(i + 2), Some(0xA8 | 0xA9))
                }
                0xF0..=0xF4 => {
                    astral.push(*n as u32);
                    false
                }
                _ => false,
            };
            if line_break {
                lines.push(LineInfo {
                    start: *line_start,
                    content_end: *n,
                });
                *line_start = *n + 1;
            }
            *n += 1;
        };
        const HIGH: u64 = 0x8080_8080_8080_8080;
        const ONES: u64 = 0x0101_0101_0101_0101;
        let has_byte = |w: u64, b: u8| {
            let x = w ^ (ONES * b as u64);
            x.wrapping_sub(ONES) & !x & HIGH != 0
        };
        let mut chunks = bytes.chunks_exact(8);
        let mut at = 0usize;
        for c in &mut chunks {
            let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            if w & HIGH == 0 && !has_byte(w, b'\n') && !has_byte(w, b'\r') {
                if let Some(v) = byte_of_char.as_mut() {
                    v.extend(at as u32..at as u32 + 8);
                }
                n += 8;
            } else {
                for i in at..at + 8 {
                    byte(i, &mut n, &mut byte_of_char, &mut lines, &mut line_start);
                }
            }
            at += 8;
        }
        for i in at..bytes.len() {
            byte(i, &mut n, &mut byte_of_char, &mut lines, &mut line_start);
        }
        lines.push(LineInfo {
            start: line_start,
            content_end: n,
        });
        if let Some(v) = byte_of_char.as_mut() {
            v.push(text.len() as u32);
        }
        let len_utf16 = n + astral.len();
        Self {
            len_chars: n,
            len_bytes: text.len(),
            len_utf16,
            byte_of_char,
            astral,
            lines,
        }
    }

    pub fn len_chars(&self) -> usize {
        self.len_chars
    }
    pub fn len_bytes(&self) -> usize {
        self.len_bytes
    }
    pub fn len_utf16(&self) -> usize {
        self.len_utf16
    }

    /// UTF-8 byte offset of char offset `c` (`c == len_chars` gives the text length).
    pub fn byte_from_char(&self, c: usize) -> Result<usize, OffsetError> {
        if c > self.len_chars {
            return Err(OffsetError::Char(c));
        }
        Ok(match &self.byte_of_char {
            None => c,
            Some(v) => v[c] as usize,
        })
    }

    /// Char offset of UTF-8 byte offset `b`, which must be a character boundary.
    pub fn char_from_byte(&self, b: usize) -> Result<usize, OffsetError> {
        match &self.byte_of_char {
            None if b <= self.len_bytes => Ok(b),
            None => Err(OffsetError::Byte(b)),
            Some(v) => v
                .binary_search(&(b as u32))
                .map_err(|_| OffsetError::Byte(b)),
        }
    }

    /// UTF-16 code-unit offset of char offset `c`.
    pub fn utf16_from_char(&self, c: usize) -> Result<usize, OffsetError> {
        if c > self.len_chars {
            return Err(OffsetError::Char(c));
        }
        Ok(c + self.astral.partition_point(|&a| (a as usize) < c))
    }

    /// Char offset of UTF-16 offset `u`; an offset between the two halves of a surrogate
    /// pair is an error.
    pub fn char_from_utf16(&self, u: usize) -> Result<usize, OffsetError> {
        if u > self.len_utf16 {
            return Err(OffsetError::Utf16(u));
        }
        // Astral char j starts at UTF-16 offset astral[j] + j and takes two units.
        let start = |j: usize| self.astral[j] as usize + j;
        let (mut lo, mut hi) = (0, self.astral.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            if start(mid) + 2 <= u {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if lo < self.astral.len() && start(lo) + 1 == u {
            return Err(OffsetError::Utf16(u));
        }
        Ok(u - lo)
    }

    /// Byte range of a char range, for slicing the text.
    pub fn byte_range(&self, chars: Range<usize>) -> Result<Range<usize>, OffsetError> {
        Ok(self.byte_from_char(chars.start)?..self.byte_from_char(chars.end)?)
    }

    /// The text of `chars` (a char range) in `text`, which must be the indexed text.
    pub fn slice<'t>(&self, text: &'t str, chars: Range<usize>) -> &'t str {
        match self.byte_range(chars) {
            Ok(r) => text.get(r).unwrap_or(""),
            Err(_) => "",
        }
    }

    pub fn lines(&self) -> &[LineInfo] {
        &self.lines
    }

    /// Index of the line that contains char `c` (a line terminator belongs to its line).
    pub fn line_of_char(&self, c: usize) -> usize {
        match self.lines.binary_search_by(|l| l.start.cmp(&c)) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }
}

/// A stable fingerprint of a document's text: `sha256:` and 64 hex digits of its UTF-8
/// bytes (without any BOM). Annotation files store it to detect a changed text.
pub fn fingerprint(text: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(text.as_bytes());
    let mut s = String::with_capacity(7 + 64);
    s.push_str("sha256:");
    for b in digest {
        use std::fmt::Write;
        let _ = write!(s, "{b:02x}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const MIXED: &str = "Tim Cook’s visit 😀 pleased Apple.\r\nCafe\u{301} in دبي\n";

    #[test]
    fn char_byte_utf16_on_mixed_text() {
        let ix = TextIndex::new(MIXED);
        // "Apple" starts after the emoji: 1 char, 2 UTF-16 units, 4 bytes.
        let start = MIXED.find("Apple").unwrap();
        let c = ix.char_from_byte(start).unwrap();
        assert_eq!(c, 27);
        assert_eq!(ix.utf16_from_char(c).unwrap(), 28);
        assert_eq!(ix.byte_from_char(c).unwrap(), start);
        assert_eq!(ix.slice(MIXED, c..c + 5), "Apple");
        // Inside the emoji's surrogate pair.
        let emoji_u16 = ix.utf16_from_char(17).unwrap();
        assert_eq!(
            ix.char_from_utf16(emoji_u16 + 1),
            Err(OffsetError::Utf16(emoji_u16 + 1))
        );
        // Inside a multi-byte char.
        let emoji_byte = MIXED.find('😀').unwrap();
        assert!(ix.char_from_byte(emoji_byte + 1).is_err());
        assert_eq!(ix.char_from_byte(emoji_byte + 4).unwrap(), 18);
        assert_eq!(ix.len_chars(), MIXED.chars().count());
        assert_eq!(ix.len_utf16(), MIXED.encode_utf16().count());
    }

    #[test]
    fn lines_handle_crlf_cr_and_unicode_separators() {
        let text = "a\r\nbc\rd\u{2029}e\n";
        let ix = TextIndex::new(text);
        let lines: Vec<(usize, usize)> = ix
            .lines()
            .iter()
            .map(|l| (l.start, l.content_end))
            .collect();
        assert_eq!(lines, vec![(0, 1), (3, 5), (6, 7), (8, 9), (10, 10)]);
        assert_eq!(ix.line_of_char(2), 0); // the LF of CRLF
        assert_eq!(ix.line_of_char(3), 1);
        assert_eq!(ix.line_of_char(10), 4);
    }

    #[test]
    fn span_construction_checks_bounds() {
        assert!(CharSpan::new(0, 0, 5).is_err());
        assert!(CharSpan::new(3, 2, 5).is_err());
        assert!(CharSpan::new(0, 6, 5).is_err());
        let s = CharSpan::new(1, 5, 5).unwrap();
        assert_eq!(s.len(), 4);
        assert!(s.overlaps(CharSpan::new(4, 5, 5).unwrap()));
        assert!(!s.overlaps(CharSpan::new(0, 1, 5).unwrap()));
    }

    #[test]
    fn fingerprint_is_sha256_of_utf8() {
        assert_eq!(
            fingerprint(""),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    /// Lines the slow, obvious way.
    fn naive_lines(text: &str) -> Vec<(usize, usize)> {
        let chars: Vec<char> = text.chars().collect();
        let mut out = Vec::new();
        let mut start = 0;
        let mut i = 0;
        while i < chars.len() {
            if is_line_break(chars[i]) {
                out.push((start, i));
                if chars[i] == '\r' && chars.get(i + 1) == Some(&'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            i += 1;
        }
        out.push((start, chars.len()));
        out
    }

    proptest! {
        #[test]
        fn lines_and_offsets_match_a_naive_reading(
            text in "([a-z ]{0,12}|\n|\r\n|\r|😀|\u{301}|دبي|’|\u{2028}|\u{85}|“){0,40}"
        ) {
            let ix = TextIndex::new(&text);
            let lines: Vec<(usize, usize)> = ix.lines().iter().map(|l| (l.start, l.content_end)).collect();
            prop_assert_eq!(lines, naive_lines(&text));
            let chars: Vec<char> = text.chars().collect();
            for c in 0..=chars.len() {
                let expect_b: usize = chars[..c].iter().map(|ch| ch.len_utf8()).sum();
                let expect_u: usize = chars[..c].iter().map(|ch| ch.len_utf16()).sum();
                prop_assert_eq!(ix.byte_from_char(c).unwrap(), expect_b);
                prop_assert_eq!(ix.utf16_from_char(c).unwrap(), expect_u);
                prop_assert_eq!(ix.char_from_utf16(expect_u).unwrap(), c);
            }
            prop_assert_eq!(ix.len_utf16(), text.encode_utf16().count());
        }

        #[test]
        fn conversions_round_trip(text in "(\\PC|\r\n|😀|\u{301}|دبي|’){0,60}") {
            let ix = TextIndex::new(&text);
            let chars: Vec<char> = text.chars().collect();
            prop_assert_eq!(ix.len_chars(), chars.len());
            for c in 0..=chars.len() {
                let b = ix.byte_from_char(c).unwrap();
                prop_assert!(text.is_char_boundary(b));
                prop_assert_eq!(ix.char_from_byte(b).unwrap(), c);
                let u = ix.utf16_from_char(c).unwrap();
                prop_assert_eq!(ix.char_from_utf16(u).unwrap(), c);
                let expect_u: usize = chars[..c].iter().map(|ch| ch.len_utf16()).sum();
                prop_assert_eq!(u, expect_u);
            }
            // Every line's content has no line break, and lines cover the text in order.
            let mut prev = 0;
            for l in ix.lines() {
                prop_assert!(l.start >= prev);
                prop_assert!(chars[l.start..l.content_end].iter().all(|&ch| !is_line_break(ch)));
                prev = l.content_end;
            }
        }
    }
}
