//! Escaping of feature values and of sentence text as INCEpTION's `Escaping` does it,
//! and the small grammars inside one cell: stacked values (`A|B`), disambiguation ids
//! (`PER[3]`), chain links (`*->1-2`) and relation sources (`1-3[1_2]`).
//!
//! Every function here works on any input without panicking: cells come from files.

/// A feature value as INCEpTION writes it: `\ [ ] | _ -> ; * TAB LF` escaped with a
/// backslash.
pub(super) fn escape_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | '[' | ']' | '|' | '_' | ';' | '*' => {
                out.push('\\');
                out.push(c);
            }
            '-' if chars.peek() == Some(&'>') => out.push_str("\\-"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// Undo [`escape_value`]. Like INCEpTION, only its own escapes are decoded: any other
/// backslash stays as it is.
pub(super) fn unescape_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let decoded = match chars.peek() {
            Some(&e @ ('\\' | '[' | ']' | '|' | '_' | ';' | '*')) => Some(e),
            Some('t') => Some('\t'),
            Some('n') => Some('\n'),
            _ => None,
        };
        if let Some(d) = decoded {
            out.push(d);
            chars.next();
        } else if chars.peek() == Some(&'-') && chars.clone().nth(1) == Some('>') {
            out.push_str("->");
            chars.next();
            chars.next();
        } else {
            out.push('\\');
        }
    }
    out
}

/// Control characters INCEpTION escapes as a backslash followed by the character itself
/// (0–7 and 14–31; 8–13 have names or, for VT, are left alone).
fn is_raw_escaped_control(c: char) -> bool {
    let u = c as u32;
    u < 0x20 && !(8..14).contains(&u)
}

/// Sentence text for a `#Text=` line (TSV 3.2 and later): `\ TAB CR FF BS` and the other
/// control characters escaped as INCEpTION escapes them. Line feeds never reach here:
/// they split the sentence over several `#Text=` lines.
pub(super) fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\u{c}' => out.push_str("\\f"),
            '\u{8}' => out.push_str("\\b"),
            c if is_raw_escaped_control(c) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Undo the escaping of a `#Text=` line. TSV 3.2 and later use INCEpTION's own escapes
/// (any other backslash is kept); 3.0 and 3.1 used Java string escapes.
pub(super) fn unescape_text(s: &str, minor: u32) -> Result<String, String> {
    if minor <= 1 {
        return unescape_java(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let decoded = match chars.peek() {
            Some('\\') => Some('\\'),
            Some('t') => Some('\t'),
            Some('n') => Some('\n'),
            Some('r') => Some('\r'),
            Some('f') => Some('\u{c}'),
            Some('b') => Some('\u{8}'),
            Some(&e) if is_raw_escaped_control(e) => Some(e),
            _ => None,
        };
        match decoded {
            Some(d) => {
                out.push(d);
                chars.next();
            }
            None => out.push('\\'),
        }
    }
    Ok(out)
}

/// Java string unescaping as Apache Commons' `unescapeJava` does it (TSV 3.0 and 3.1):
/// `\b \t \n \f \r \\ \" \'`, octal `\0`–`\377`, `\uXXXX` (UTF-16 units, so
/// surrogate pairs combine); a backslash before anything else is dropped.
fn unescape_java(s: &str) -> Result<String, String> {
    let mut units: Vec<u16> = Vec::with_capacity(s.len());
    let mut buf = [0u16; 2];
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            units.extend_from_slice(c.encode_utf16(&mut buf));
            continue;
        }
        match chars.next() {
            None => {}
            Some('b') => units.push(8),
            Some('t') => units.push(9),
            Some('n') => units.push(10),
            Some('f') => units.push(12),
            Some('r') => units.push(13),
            Some('u') => {
                while chars.peek() == Some(&'u') {
                    chars.next();
                }
                if chars.peek() == Some(&'+') {
                    chars.next();
                }
                let hex: String = chars.by_ref().take(4).collect();
                let unit = (hex.len() == 4)
                    .then(|| u16::from_str_radix(&hex, 16).ok())
                    .flatten()
                    .ok_or_else(|| format!("\\u{hex} is not a \\u escape with 4 hex digits"))?;
                units.push(unit);
            }
            Some(d @ '0'..='7') => {
                let most = if d <= '3' { 2 } else { 1 };
                let mut v = d as u16 - '0' as u16;
                for _ in 0..most {
                    match chars.peek() {
                        Some(&o @ '0'..='7') => {
                            v = v * 8 + (o as u16 - '0' as u16);
                            chars.next();
                        }
                        _ => break,
                    }
                }
                units.push(v);
            }
            Some(o) => units.extend_from_slice(o.encode_utf16(&mut buf)),
        }
    }
    String::from_utf16(&units)
        .map_err(|_| "a \\u escape leaves half of a surrogate pair on its own".to_string())
}

/// Byte positions of the unescaped occurrences of `target` (an ASCII byte) in `s`.
fn unescaped(s: &str, target: u8) -> impl Iterator<Item = usize> + '_ {
    let b = s.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < b.len() {
            let at = i;
            match b.get(at) {
                Some(b'\\') => i += 2,
                Some(&x) if x == target => {
                    i += 1;
                    return Some(at);
                }
                _ => i += 1,
            }
        }
        None
    })
}

/// The stacked values of a cell, split at unescaped `|`. (INCEpTION splits at every `|`
/// not preceded by a backslash, which misreads a value ending in an escaped backslash;
/// its writer escapes values as here, so this reads what it meant to write.)
pub(super) fn split_stack(cell: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for at in unescaped(cell, b'|') {
        out.push(cell.get(start..at).unwrap_or(""));
        start = at + 1;
    }
    out.push(cell.get(start..).unwrap_or(""));
    out
}

/// `VALUE[N]` → (`VALUE`, Some(N)); a value without a final unescaped `]` has no id. A
/// final unescaped `]` without a number in brackets is an error, as in INCEpTION.
pub(super) fn split_disambig(v: &str) -> Result<(&str, Option<u64>), String> {
    let Some(close) = unescaped(v, b']').last() else {
        return Ok((v, None));
    };
    if close + 1 != v.len() {
        return Ok((v, None));
    }
    let open = unescaped(v, b'[').filter(|&o| o < close).last();
    let number = open.and_then(|o| v.get(o + 1..close)?.parse::<u64>().ok());
    match (open, number) {
        (Some(o), Some(n)) => Ok((v.get(..o).unwrap_or(""), Some(n))),
        _ => Err(format!(
            "value {v:?} ends with ']' but not with a disambiguation id like [3] (a ']' in a value is escaped as \\])"
        )),
    }
}

/// `VALUE->C-L` (a chain link: chain C, link L) → (`VALUE`, C, L).
pub(super) fn split_chain(v: &str) -> Option<(&str, u64, u64)> {
    let arrow = unescaped(v, b'-')
        .filter(|&a| v.as_bytes().get(a + 1) == Some(&b'>'))
        .last()?;
    let (c, l) = v.get(arrow + 2..)?.split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(c) || !digits(l) {
        return None;
    }
    Some((v.get(..arrow)?, c.parse().ok()?, l.parse().ok()?))
}

/// A relation's source cell `1-3` or `1-3[S_T]` → (`1-3`, (S, T)), (0, 0) when absent.
pub(super) fn split_source(v: &str) -> Result<(&str, (u64, u64)), String> {
    let bad = || {
        format!(
            "relation source {v:?} must be a token id with an optional [S_T], e.g. 1-3 or 1-3[2_0]"
        )
    };
    let (unit, ids) = match v.split_once('[') {
        None => (v, (0, 0)),
        Some((unit, rest)) => {
            let (s, t) = rest
                .strip_suffix(']')
                .and_then(|r| r.split_once('_'))
                .ok_or_else(bad)?;
            let s = s.parse::<u64>().map_err(|_| bad())?;
            let t = t.parse::<u64>().map_err(|_| bad())?;
            (unit, (s, t))
        }
    };
    if is_unit_id(unit) {
        Ok((unit, ids))
    } else {
        Err(bad())
    }
}

/// `SENT-TOK` or `SENT-TOK.SUB`, all numbers.
pub(super) fn is_unit_id(s: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let Some((sent, tok)) = s.split_once('-') else {
        return false;
    };
    let (tok, sub) = match tok.split_once('.') {
        Some((t, sub)) => (t, Some(sub)),
        None => (tok, None),
    };
    digits(sent) && digits(tok) && sub.is_none_or(digits)
}
