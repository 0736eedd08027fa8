//! Word units for selection snapping.
//!
//! A unit is a Unicode (UAX #29) word segment that is not white space, with one news-text
//! rule on top: a possessive `’s` / `'s` is its own unit, so a drag over "Syria" in
//! "Syria’s" snaps to "Syria" and not to the possessive. Segmentation only looks at a
//! window of text around the offset, so snapping costs the same in a 1 MB document.

use super::{CharSpan, TextIndex};
use unicode_segmentation::UnicodeSegmentation;

/// How far (in chars) either side of an offset segmentation looks for a word boundary.
const WINDOW: usize = 256;

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}')
}

/// Units (char ranges, absolute) in the window around `c`.
fn units_around(text: &str, index: &TextIndex, c: usize) -> Vec<(usize, usize)> {
    let line = index.lines()[index.line_of_char(c)];
    // Start the window at white space where possible: UAX #29 always breaks there.
    let chars_from = |from: usize, to: usize| index.slice(text, from..to);
    let mut lo = c.saturating_sub(WINDOW).max(line.start);
    if lo > line.start {
        let before = chars_from(lo, c);
        if let Some(p) = before.char_indices().find(|(_, ch)| ch.is_whitespace()) {
            lo += before[..p.0].chars().count();
        }
    }
    let mut hi = (c + WINDOW).min(line.content_end);
    if hi < line.content_end {
        let after = chars_from(c, hi);
        if let Some((p, _)) = after
            .char_indices()
            .rev()
            .find(|(_, ch)| ch.is_whitespace())
        {
            hi = c + after[..p].chars().count();
        }
    }
    let window = chars_from(lo, hi);
    let mut units = Vec::new();
    let mut pos = lo;
    for seg in window.split_word_bounds() {
        let n = seg.chars().count();
        if !seg.chars().all(char::is_whitespace) {
            split_possessive(seg, pos, &mut units);
        }
        pos += n;
    }
    units
}

/// Push `seg` (starting at char `pos`) as units: split before a possessive `’s`, and
/// around a full stop with no space after it between a lower-case and an upper-case
/// letter ("jihadists.Meanwhile", wire copy), which UAX #29 keeps as one word.
/// Abbreviations ("U.S.", "e.g.") and domains ("example.com") stay whole.
fn split_possessive(seg: &str, pos: usize, out: &mut Vec<(usize, usize)>) {
    let chars: Vec<char> = seg.chars().collect();
    let n = chars.len();
    let mut start = 0;
    for i in 1..n.saturating_sub(1) {
        if chars[i] == '.' && chars[i - 1].is_lowercase() && chars[i + 1].is_uppercase() {
            out.push((pos + start, pos + i));
            out.push((pos + i, pos + i + 1));
            start = i + 1;
        }
    }
    if n - start >= 3 && is_apostrophe(chars[n - 2]) && matches!(chars[n - 1], 's' | 'S') {
        out.push((pos + start, pos + n - 2));
        out.push((pos + n - 2, pos + n));
    } else if start < n {
        out.push((pos + start, pos + n));
    }
}

/// The word unit containing char `c`, or `None` when `c` is white space or out of range.
pub fn word_at(text: &str, index: &TextIndex, c: usize) -> Option<CharSpan> {
    if c >= index.len_chars() {
        return None;
    }
    units_around(text, index, c)
        .into_iter()
        .find(|&(s, e)| s <= c && c < e)
        .and_then(|(s, e)| CharSpan::new(s, e, index.len_chars()).ok())
}

/// `range` without white space at either end; `None` if nothing is left.
pub fn trim_whitespace(
    text: &str,
    index: &TextIndex,
    range: std::ops::Range<usize>,
) -> Option<CharSpan> {
    let end = range.end.min(index.len_chars());
    let slice = index.slice(text, range.start..end);
    let lead = slice.chars().take_while(|c| c.is_whitespace()).count();
    let total = slice.chars().count();
    if lead == total {
        return None;
    }
    let trail = slice
        .chars()
        .rev()
        .take_while(|c| c.is_whitespace())
        .count();
    CharSpan::new(range.start + lead, end - trail, index.len_chars()).ok()
}

/// Expand `range` so both ends fall on word-unit boundaries, after trimming white space.
pub fn snap_to_words(
    text: &str,
    index: &TextIndex,
    range: std::ops::Range<usize>,
) -> Option<CharSpan> {
    let trimmed = trim_whitespace(text, index, range)?;
    let start = word_at(text, index, trimmed.start()).map_or(trimmed.start(), |w| w.start());
    let end = word_at(text, index, trimmed.end() - 1).map_or(trimmed.end(), |w| w.end());
    CharSpan::new(start, end, index.len_chars()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(text: &str, from: &str, to: &str) -> String {
        let ix = TextIndex::new(text);
        let b0 = text.find(from).unwrap();
        let b1 = text.find(to).unwrap() + to.len();
        let r = ix.char_from_byte(b0).unwrap()..ix.char_from_byte(b1).unwrap();
        let s = snap_to_words(text, &ix, r).unwrap();
        ix.slice(text, s.range()).to_string()
    }

    #[test]
    fn snaps_partial_words_to_whole_words() {
        let t = "Observatory head Rami Abdel Rahman said.";
        assert_eq!(snap(t, "ami", "Abd"), "Rami Abdel");
        assert_eq!(snap(t, " Rami", "Rahman "), "Rami Abdel Rahman");
    }

    #[test]
    fn possessive_is_not_part_of_the_name() {
        let t = "in Syria’s vast Badia desert";
        assert_eq!(snap(t, "Syr", "ria"), "Syria");
        let ix = TextIndex::new(t);
        let c = ix.char_from_byte(t.find("’").unwrap()).unwrap();
        assert_eq!(ix.slice(t, word_at(t, &ix, c).unwrap().range()), "’s");
    }

    #[test]
    fn hyphenated_parts_and_unicode() {
        let t = "Russia-backed forces near حلب and Café 😀 today";
        assert_eq!(snap(t, "uss", "uss"), "Russia");
        assert_eq!(snap(t, "حل", "حل"), "حلب");
        assert_eq!(snap(t, "af", "af"), "Café");
    }

    #[test]
    fn missing_space_after_full_stop_splits_but_abbreviations_do_not() {
        let t = "killed jihadists.Meanwhile, the U.S. envoy wrote to example.com";
        assert_eq!(snap(t, "Mean", "while"), "Meanwhile");
        assert_eq!(snap(t, "jiha", "dists"), "jihadists");
        assert_eq!(snap(t, "U.", "S"), "U.S");
        assert_eq!(snap(t, "exam", "ple"), "example.com");
    }

    #[test]
    fn whitespace_only_is_nothing() {
        let t = "a   b";
        let ix = TextIndex::new(t);
        assert_eq!(snap_to_words(t, &ix, 1..4), None);
        assert_eq!(word_at(t, &ix, 2), None);
    }

    #[test]
    fn combining_marks_stay_inside_words() {
        let t = "Cafe\u{301} Noir";
        assert_eq!(snap(t, "af", "af"), "Cafe\u{301}");
    }

    #[test]
    fn window_keeps_long_lines_cheap_and_correct() {
        let mut t = "word ".repeat(10_000);
        t.push_str("Aleppo");
        let ix = TextIndex::new(&t);
        let c = ix.len_chars() - 3;
        assert_eq!(ix.slice(&t, word_at(&t, &ix, c).unwrap().range()), "Aleppo");
    }
}
