//! Word units: what a double-click selects, where a drag snaps to, what Right and Left
//! step over.
//!
//! A unit starts as a Unicode (UAX #29) word segment; news-text rules then work inside
//! one run of text without white space, in this order:
//!
//! 1. Joins, where UAX #29 breaks: letters or digits on both sides of one hyphen
//!    (U+002D or U+2010, not an en dash) — "Al-Sukhna", "Bouches-du-Rhône", "COVID-19",
//!    "1990-2000"; digits on both sides of a colon — "12:30"; the full stop that ends an
//!    abbreviation — "U.S.", "e.g.", "Mr." (single letters between full stops, or a
//!    short list). Numbers with separators ("380,000", "1.5", "2,5") are already one
//!    UAX #29 word.
//! 2. Splits, where UAX #29 or the joins keep one word: a possessive `’s` ("Syria’s" →
//!    "Syria" + "’s"); a full stop with no space after it before a capitalised word
//!    ("jihadists.Meanwhile"); an English prefix before a capitalised part
//!    ("pro-Assad" → "pro" + "Assad"); an adjective after a name ("Russia-backed" →
//!    "Russia" + "backed"). Annotators tag the name alone in those.
//! 3. What is left without a letter or a digit (punctuation, symbols, emoji) is not a
//!    unit: double-click there selects nothing and word movement steps over it.
//!
//! Rules never look across white space, so the units of a window that starts and ends
//! at white space are those of the whole text: only a window around the offset is
//! segmented, and snapping costs the same in a 1 MB document.

use super::{CharSpan, TextIndex};
use std::ops::Range;
use unicode_segmentation::UnicodeSegmentation;

/// How far (in chars) either side of an offset segmentation looks for a word boundary.
const WINDOW: usize = 256;

/// Words that end with a full stop of their own (besides single letters between full
/// stops). Names that are also words ("Jan", "May", "No") are left out: at the end of a
/// sentence their full stop is the sentence's.
const ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Prof", "Gen", "Col", "Lt", "Sgt", "Capt", "Gov", "Sen", "Rep", "Rev",
    "St", "Mt", "Ft", "Jr", "Sr", "Inc", "Ltd", "Co", "Corp", "Bros", "vs", "etc", "Ph.D", "Feb",
    "Aug", "Sept", "Oct", "Nov", "Dec",
];

/// Lower-case prefixes split off before a capitalised part: "pro-Assad", "anti-IS",
/// "mid-January", "ex-Soviet".
pub(crate) const PREFIXES: &[&str] = &[
    "anti", "pro", "ex", "non", "pan", "post", "pre", "neo", "mid", "un", "trans", "inter",
    "counter", "ultra", "semi", "sub", "super", "quasi", "pseudo",
];

/// Adjectives split off after a name ("Kremlin-run"), besides any word ending in "-ed"
/// ("Russia-backed", "Britain-based", "al-Qaeda-linked"). Lower-case name parts
/// ("Seo-yeon", "Jong-un") do not end so and stay joined.
pub(crate) const NAME_ADJECTIVES: &[&str] = &[
    "born", "run", "held", "made", "built", "bound", "wide", "era", "style", "type", "like",
    "speaking", "friendly",
];

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}')
}

/// Hyphens that join: ASCII hyphen-minus and U+2010 HYPHEN. Dashes never join.
fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}')
}

/// Quotation marks: straight, curly, low-9, guillemets, CJK corner brackets.
fn is_quote(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | '\u{2018}'..='\u{201F}'
            | '«'
            | '»'
            | '‹'
            | '›'
            | '\u{300C}'..='\u{300F}'
            | '\u{301D}'..='\u{301F}'
            | '\u{FF02}'
            | '\u{FF07}'
    )
}

/// Symbols that belong to what they stand next to ("$5", "10%", "#MeToo"), so snapping
/// keeps them at the ends of a selection.
fn is_kept_symbol(c: char) -> bool {
    matches!(
        c,
        '$' | '%' | '‰' | '‱' | '°' | '#' | '@' | '&' | '+' | '¢' | '£' | '¤' | '¥' | '\u{20A0}'
            ..='\u{20CF}' | '\u{FDFC}'
    )
}

fn has_alnum(chars: &[char]) -> bool {
    chars.iter().any(|c| c.is_alphanumeric())
}

/// `w` (without its final full stop) is an abbreviation: "U.S", "e.g", "Mr".
fn is_abbreviation(w: &[char]) -> bool {
    let single_letters = w.len() >= 3
        && w.len() % 2 == 1
        && w.iter().step_by(2).all(|c| c.is_alphabetic())
        && w.iter().skip(1).step_by(2).all(|&c| c == '.');
    single_letters
        || ABBREVIATIONS
            .iter()
            .any(|a| a.chars().eq(w.iter().copied()))
}

/// The units in a window of text, as absolute char ranges in order.
struct Window {
    /// Chars `[lo, hi)` were looked at; `lo <= c < hi` for the offset asked about.
    lo: usize,
    hi: usize,
    units: Vec<(usize, usize)>,
}

impl Window {
    fn unit_at(&self, c: usize) -> Option<(usize, usize)> {
        self.units.iter().copied().find(|&(s, e)| s <= c && c < e)
    }
}

/// The window around char `c` (which must be below the text's length).
fn window_around(text: &str, index: &TextIndex, c: usize) -> Window {
    let lines = index.lines();
    let li = index.line_of_char(c);
    let empty = |lo: usize, hi: usize| Window {
        lo,
        hi,
        units: Vec::new(),
    };
    let Some(&line) = lines.get(li) else {
        return empty(c, c + 1);
    };
    if c >= line.content_end {
        // A line terminator: no units; the window reaches the next line.
        let next = lines.get(li + 1).map_or(index.len_chars(), |l| l.start);
        return empty(line.content_end.min(c), next.max(c + 1));
    }
    let lo0 = c.saturating_sub(WINDOW).max(line.start);
    let hi0 = (c + 1 + WINDOW).min(line.content_end);
    let all: Vec<char> = index.slice(text, lo0..hi0).chars().collect();
    if all.len() != hi0 - lo0 {
        return empty(c, c + 1);
    }
    // Cut at white space where the line goes on: no rule joins across it, so the units
    // do not depend on where the window starts.
    let k = c - lo0;
    let from = if lo0 > line.start {
        all[..k]
            .iter()
            .position(|ch| ch.is_whitespace())
            .unwrap_or(0)
    } else {
        0
    };
    let to = if hi0 < line.content_end {
        all[k + 1..]
            .iter()
            .rposition(|ch| ch.is_whitespace())
            .map_or(all.len(), |p| k + 1 + p)
    } else {
        all.len()
    };
    let chars = &all[from..to];
    let base = lo0 + from;
    Window {
        lo: base,
        hi: lo0 + to,
        units: units_in(chars)
            .into_iter()
            .map(|(s, e)| (base + s, base + e))
            .collect(),
    }
}

/// The units of `chars` (relative char ranges, in order).
fn units_in(chars: &[char]) -> Vec<(usize, usize)> {
    let s: String = chars.iter().collect();
    let mut segs = Vec::new();
    let mut pos = 0;
    for seg in s.split_word_bounds() {
        // UAX #29 joins letters across U+202F NARROW NO-BREAK SPACE (it is
        // ExtendNumLet there), but a unit never holds white space: cut there.
        let mut start = pos;
        for ch in seg.chars() {
            if ch.is_whitespace() {
                if start < pos {
                    segs.push((start, pos));
                }
                segs.push((pos, pos + 1));
                start = pos + 1;
            }
            pos += 1;
        }
        if start < pos {
            segs.push((start, pos));
        }
    }
    let mut units = Vec::new();
    for (s, e) in join_segments(chars, &segs) {
        split_group(chars, s, e, &mut units);
    }
    units
}

/// Join UAX #29 segments across one hyphen, a colon between digits and an
/// abbreviation's final full stop (rule 1 of the module comment).
fn join_segments(chars: &[char], segs: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let wordlike = |(s, e): (usize, usize)| has_alnum(&chars[s..e]);
    let single = |(s, e): (usize, usize)| (e - s == 1).then(|| chars[s]);
    let mut out = Vec::with_capacity(segs.len());
    let mut i = 0;
    while let Some(&(s, mut e)) = segs.get(i) {
        i += 1;
        while wordlike((s, e)) {
            let mid = segs.get(i).and_then(|&m| single(m));
            let next = segs.get(i + 1).copied().filter(|&n| wordlike(n));
            let (left, right) = (chars[e - 1], next.map(|n| chars[n.0]));
            match (mid, next, right) {
                (Some(m), Some(n), Some(r))
                    if (is_hyphen(m) && r.is_alphanumeric())
                        || (m == ':' && left.is_ascii_digit() && r.is_ascii_digit()) =>
                {
                    e = n.1;
                    i += 2;
                }
                (Some('.'), _, _) if is_abbreviation(&chars[s..e]) => {
                    e += 1;
                    i += 1;
                    break;
                }
                _ => break,
            }
        }
        out.push((s, e));
    }
    out
}

/// Push the units of one joined group `[s, e)`: split at a full stop between a
/// lower-case letter and a capitalised word ("jihadists.Meanwhile", wire copy), which
/// UAX #29 keeps as one word. Abbreviations ("U.S.", "Ph.D.") and domains
/// ("example.com") stay whole.
fn split_group(chars: &[char], s: usize, e: usize, out: &mut Vec<(usize, usize)>) {
    let mut start = s;
    for i in s + 1..e.saturating_sub(2) {
        if chars[i] == '.'
            && chars[i - 1].is_lowercase()
            && chars[i + 1].is_uppercase()
            && chars[i + 2].is_lowercase()
        {
            split_possessive(chars, start, i, out);
            start = i + 1;
        }
    }
    split_possessive(chars, start, e, out);
}

/// Push `[s, e)` with a final possessive `’s` as a unit of its own.
fn split_possessive(chars: &[char], s: usize, e: usize, out: &mut Vec<(usize, usize)>) {
    if e >= s + 3 && is_apostrophe(chars[e - 2]) && matches!(chars[e - 1], 's' | 'S') {
        split_compound(chars, s, e - 2, out);
        push_unit(chars, e - 2, e, out);
    } else {
        split_compound(chars, s, e, out);
    }
}

/// Push a hyphenated word `[s, e)`: whole ("Al-Sukhna", "nine-year-old"), except an
/// English prefix before a capitalised part and an adjective after a name, which are
/// split off ("pro-Assad", "Russia-backed").
fn split_compound(chars: &[char], s: usize, e: usize, out: &mut Vec<(usize, usize)>) {
    let mut s = s;
    let mut hyphens: Vec<usize> = (s + 1..e.saturating_sub(1))
        .filter(|&i| is_hyphen(chars[i]))
        .collect();
    if let Some(&h) = hyphens.first() {
        let first: String = chars[s..h].iter().collect();
        if PREFIXES.contains(&first.as_str()) && chars[h + 1].is_uppercase() {
            push_unit(chars, s, h, out);
            s = h + 1;
            hyphens.remove(0);
        }
    }
    let starts: Vec<usize> = std::iter::once(s)
        .chain(hyphens.iter().map(|h| h + 1))
        .collect();
    // The last part that does not start lower-case ends the name.
    let name_end = starts.iter().rposition(|&p| !chars[p].is_lowercase());
    if let (Some(j), Some(&last_start)) = (name_end, starts.last())
        && j + 1 < starts.len()
        && starts[..=j].iter().any(|&p| chars[p].is_uppercase())
    {
        let last: String = chars[last_start..e].iter().collect();
        if (last.len() >= 3 && last.ends_with("ed")) || NAME_ADJECTIVES.contains(&last.as_str()) {
            let h = hyphens[j];
            push_unit(chars, s, h, out);
            push_unit(chars, h + 1, e, out);
            return;
        }
    }
    push_unit(chars, s, e, out);
}

/// Push `[s, e)` if it holds a letter or a digit: punctuation alone is never a unit.
/// White space is trimmed: UAX #29 attaches a combining mark that follows a space to it.
fn push_unit(chars: &[char], s: usize, e: usize, out: &mut Vec<(usize, usize)>) {
    let part = &chars[s.min(e)..e];
    let lead = part.iter().take_while(|c| c.is_whitespace()).count();
    let trail = part[lead..]
        .iter()
        .rev()
        .take_while(|c| c.is_whitespace())
        .count();
    if has_alnum(part) {
        out.push((s + lead, e - trail));
    }
}

/// The word unit containing char `c`, or `None` when `c` is white space, punctuation
/// outside a word, or out of range.
pub fn word_at(text: &str, index: &TextIndex, c: usize) -> Option<CharSpan> {
    if c >= index.len_chars() {
        return None;
    }
    let (s, e) = window_around(text, index, c).unit_at(c)?;
    CharSpan::new(s, e, index.len_chars()).ok()
}

/// The unit containing the first char at or after `from` that is in a unit (Right).
pub fn next_word(text: &str, index: &TextIndex, from: usize) -> Option<CharSpan> {
    let len = index.len_chars();
    let mut c = from;
    while c < len {
        let w = window_around(text, index, c);
        if let Some(&(s, _)) = w.units.iter().find(|&&(_, e)| e > c) {
            // Ask `word_at` so the answer is the same as a double-click there.
            let at = s.max(c);
            match word_at(text, index, at) {
                Some(u) => return Some(u),
                None => c = at + 1,
            }
        } else {
            c = w.hi.max(c + 1);
        }
    }
    None
}

/// The unit containing the last char before `before` that is in a unit (Left).
pub fn previous_word(text: &str, index: &TextIndex, before: usize) -> Option<CharSpan> {
    let mut c = before.min(index.len_chars());
    while c > 0 {
        let w = window_around(text, index, c - 1);
        if let Some(&(_, e)) = w.units.iter().rev().find(|&&(s, _)| s < c) {
            let at = e.min(c) - 1;
            match word_at(text, index, at) {
                Some(u) => return Some(u),
                None => c = at,
            }
        } else {
            c = w.lo.min(c - 1);
        }
    }
    None
}

/// `range` without white space at either end; `None` if nothing is left.
pub fn trim_whitespace(text: &str, index: &TextIndex, range: Range<usize>) -> Option<CharSpan> {
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

/// Snap a dragged char range to whole units: each end that falls inside a unit moves to
/// its edge, then white space and punctuation outside any unit are left out at both
/// ends (quotes around a name, a comma or full stop after it, brackets). Symbols that go
/// with a number or name ("$", "%", "#") stay. `keep_quotes` (Alt in the app) keeps
/// the quotation marks the drag covered. `None` when no unit or symbol is left.
pub fn snap_to_words(
    text: &str,
    index: &TextIndex,
    range: Range<usize>,
    keep_quotes: bool,
) -> Option<CharSpan> {
    let trimmed = trim_whitespace(text, index, range)?;
    let start = word_at(text, index, trimmed.start()).map_or(trimmed.start(), |w| w.start());
    let end = word_at(text, index, trimmed.end() - 1).map_or(trimmed.end(), |w| w.end());
    let keep = |ch: char| is_kept_symbol(ch) || (keep_quotes && is_quote(ch));
    let start = strip_edge(text, index, start, end, true, keep)?;
    let end = strip_edge(text, index, start, end, false, keep)?;
    CharSpan::new(start, end, index.len_chars()).ok()
}

/// Move the start (`from_start`) or the end of `[start, end)` inward past white space
/// and characters outside every unit that `keep` does not keep; returns the new start
/// or end, or `None` if it meets the other end. Units come from one window at a time.
fn strip_edge(
    text: &str,
    index: &TextIndex,
    start: usize,
    end: usize,
    from_start: bool,
    keep: impl Fn(char) -> bool,
) -> Option<usize> {
    let (mut lo, mut hi) = (start, end);
    let mut window: Option<Window> = None;
    while lo < hi {
        let c = if from_start { lo } else { hi - 1 };
        let w = match window.take() {
            Some(w) if w.lo <= c && c < w.hi => w,
            _ => window_around(text, index, c),
        };
        let ch = index.slice(text, c..c + 1).chars().next();
        let strip = w.unit_at(c).is_none() && ch.is_some_and(|ch| ch.is_whitespace() || !keep(ch));
        window = Some(w);
        if !strip {
            return Some(if from_start { lo } else { hi });
        }
        if from_start {
            lo += 1;
        } else {
            hi -= 1;
        }
    }
    None
}

#[cfg(test)]
#[path = "tests_words.rs"]
mod tests;
