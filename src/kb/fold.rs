//! Folding for completion: what a typed query and a knowledge-base name are compared
//! as. Lower case by the suggestion matcher's [`fold_char`] (one character to one),
//! combining marks dropped (the search's [`is_mark`] list, plus the Arabic tatweel and
//! invisible joiners), precomposed letters mapped to their base (`é` → `e`, `أ` → `ا`,
//! `ł` → `l`; table in `fold_table.rs`), and white space (or a control character) runs
//! made one space, trimmed. So `Zoë`, `ZOE\u{308}` and `zoe` fold alike.

use super::fold_table::BASE;
use crate::search::words::is_mark;
use crate::suggest::matcher::fold_char;

/// Characters folding drops besides combining marks: they change how a name is drawn,
/// not which name it is (tatweel stretches Arabic letters; soft hyphen, zero-width
/// space and joiners, word joiner, BOM).
fn is_ignorable(c: char) -> bool {
    is_mark(c)
        || matches!(
            c,
            '\u{0640}' | '\u{00AD}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}'
        )
}

/// The base letter of a precomposed letter (lower case in, lower case out).
fn base(c: char) -> char {
    if (c as u32) < 0xC0 {
        return c;
    }
    match BASE.binary_search_by_key(&c, |&(k, _)| k) {
        Ok(i) => BASE[i].1,
        Err(_) => c,
    }
}

/// Append the folded `text` to `out`. Returns whether `text` ended in white space
/// after something kept (the caller decides whether that space matters).
pub(super) fn fold_into(text: &str, out: &mut String) -> bool {
    let start = out.len();
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() || c.is_control() {
            space = true;
            continue;
        }
        let c = if c.is_ascii() {
            c.to_ascii_lowercase()
        } else if is_ignorable(c) {
            continue;
        } else {
            base(fold_char(c))
        };
        if space && out.len() > start {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    space && out.len() > start
}

/// `text` folded for completion (see the module documentation).
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(text, &mut out);
    out
}

/// A query folded like a name, except that one trailing space is kept when the query
/// ends in white space: "paris " is typed on the way to "Paris Gare de Lyon" and
/// should no longer offer "Parisii". (Only then: a name that ends in a space and a
/// BOM folds to no trailing space, and typing that name must find it.)
pub(super) fn fold_query(query: &str) -> String {
    let mut out = String::with_capacity(query.len());
    if fold_into(query, &mut out) && query.ends_with(|c: char| c.is_whitespace() || c.is_control())
    {
        out.push(' ');
    }
    out
}

/// `text` with white space and control character runs made one space, trimmed: how
/// names, aliases, ids and descriptions are kept (the index separates fields with
/// control characters, so none may remain).
pub(super) fn clean_into(text: &str, out: &mut String) {
    let start = out.len();
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() || c.is_control() {
            space = true;
            continue;
        }
        if space && out.len() > start {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
}

/// Byte offsets in folded `text` where a completion key starts: the start of the
/// text, and every letter or digit that follows a character that is neither (so
/// "gare de paris" gives 0, 5, 8; "al-sham" gives 0, 3).
pub(super) fn word_starts(text: &str, mut each: impl FnMut(usize)) {
    let mut prev_alnum = false;
    for (i, c) in text.char_indices() {
        let alnum = c.is_alphanumeric();
        if i == 0 || (alnum && !prev_alnum) {
            each(i);
        }
        prev_alnum = alnum;
    }
}
