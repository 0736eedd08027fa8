//! Big lines whose text has escapes (`\n`, `\"`, `\u00e9`): the text is decoded where
//! it lies, inside the line's own buffer, instead of by serde_json (which decodes into
//! a scratch buffer and then copies: two more copies of a text that can be most of a
//! 50 MB line). The parsers skip the text (serde_json still checks it is valid JSON
//! without decoding it); [`text_range`] finds it, [`decode_in_place`] decodes it.

use std::ops::Range;

/// Lines from this size up take this path; below, serde_json's copies cost nothing
/// that matters.
pub(crate) const BIG_LINE: usize = 1 << 20;

/// The content (between the quotes) of the `"text"` string of a JSON object — the
/// last one, as the parsers keep the last of repeated keys — when it has escapes.
/// `None` when there is no such string or the skim cannot be sure (a key with an
/// escape); then the usual path reads the line. Only ever used on a line that
/// serde_json accepts as well, so a wrong answer on invalid JSON does not matter —
/// but it never panics.
pub(crate) fn text_range(s: &[u8]) -> Option<Range<usize>> {
    let mut i = ws(s, 0);
    if s.get(i) != Some(&b'{') {
        return None;
    }
    i = ws(s, i + 1);
    if s.get(i) == Some(&b'}') {
        return None;
    }
    let mut found = None;
    loop {
        if s.get(i) != Some(&b'"') {
            return None;
        }
        let key_end = string_end(s, i)?;
        let key = s.get(i + 1..key_end)?;
        if key.contains(&b'\\') {
            return None;
        }
        i = ws(s, key_end + 1);
        if s.get(i) != Some(&b':') {
            return None;
        }
        i = ws(s, i + 1);
        let end = value_end(s, i)?;
        if key == b"text" {
            found = (s.get(i) == Some(&b'"')).then_some(i + 1..end - 1);
        }
        i = ws(s, end);
        match s.get(i)? {
            b',' => i = ws(s, i + 1),
            b'}' => break,
            _ => return None,
        }
    }
    found.filter(|r| s.get(r.clone()).is_some_and(|t| t.contains(&b'\\')))
}

fn ws(s: &[u8], mut i: usize) -> usize {
    while matches!(s.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// The index of the closing quote of the string opening at `i`.
fn string_end(s: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    loop {
        let rest = s.get(j..)?;
        j += rest.iter().position(|&b| b == b'"' || b == b'\\')?;
        match s.get(j)? {
            b'\\' => j += 2,
            _ => return Some(j),
        }
    }
}

/// One past the end of the value starting at `i`.
fn value_end(s: &[u8], i: usize) -> Option<usize> {
    match s.get(i)? {
        b'"' => string_end(s, i).map(|e| e + 1),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            loop {
                match s.get(j)? {
                    b'"' => j = string_end(s, j)?,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            let rest = s.get(i..)?;
            let n = rest
                .iter()
                .position(|b| matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
                .unwrap_or(rest.len());
            Some(i + n)
        }
    }
}

/// Decode the JSON string content at `raw` to the start of `buf`, which becomes the
/// text. An invalid escape (a lone surrogate) gives the buffer back untouched, for
/// the usual path to word the error.
pub(crate) fn decode_in_place(buf: String, raw: Range<usize>) -> Result<String, String> {
    let mut bytes = buf.into_bytes();
    // A dry run first, so that a bad escape leaves the line as it was.
    if decode(&mut bytes, raw.clone(), false).is_none() {
        return Err(String::from_utf8(bytes).unwrap_or_default());
    }
    let Some(len) = decode(&mut bytes, raw, true) else {
        return Err(String::new());
    };
    bytes.truncate(len);
    // Decoded JSON string content is UTF-8: unescaped runs were, escapes make chars.
    String::from_utf8(bytes).map_err(|_| String::new())
}

/// Decode `bytes[raw]` into `bytes[0..]` (when `write`), returning the decoded length.
/// Every escape is at least as long as what it stands for, so writing never overtakes
/// reading.
fn decode(bytes: &mut [u8], raw: Range<usize>, write: bool) -> Option<usize> {
    if raw.start > raw.end || raw.end > bytes.len() {
        return None;
    }
    let (mut r, mut w) = (raw.start, 0);
    while r < raw.end {
        let run = bytes
            .get(r..raw.end)?
            .iter()
            .position(|&b| b == b'\\')
            .unwrap_or(raw.end - r);
        if write {
            bytes.copy_within(r..r + run, w);
        }
        r += run;
        w += run;
        if r >= raw.end {
            break;
        }
        let (c, len) = escape(bytes.get(r..raw.end)?)?;
        let mut tmp = [0u8; 4];
        let enc = c.encode_utf8(&mut tmp).as_bytes();
        if write {
            bytes.get_mut(w..w + enc.len())?.copy_from_slice(enc);
        }
        r += len;
        w += enc.len();
    }
    Some(w)
}

/// The char an escape at the start of `s` stands for, and its length in bytes.
fn escape(s: &[u8]) -> Option<(char, usize)> {
    let c = match s.get(1)? {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => return unicode(s),
        _ => return None,
    };
    Some((c, 2))
}

/// `\uXXXX`, or a surrogate pair `\uD83D\uDE00`.
fn unicode(s: &[u8]) -> Option<(char, usize)> {
    let hex = |at: usize| -> Option<u32> {
        let digits = s.get(at..at + 4)?;
        if !digits.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        u32::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()
    };
    let hi = hex(2)?;
    match hi {
        0xD800..=0xDBFF => {
            if s.get(6..8)? != b"\\u" {
                return None;
            }
            let lo = hex(8)?;
            if !(0xDC00..=0xDFFF).contains(&lo) {
                return None;
            }
            char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)).map(|c| (c, 12))
        }
        0xDC00..=0xDFFF => None,
        _ => char::from_u32(hi).map(|c| (c, 6)),
    }
}
