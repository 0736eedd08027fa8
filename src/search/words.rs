//! Word boundaries for whole-word search and for "cuts a word" in annotate-all.
//!
//! A **word character** is a letter or digit (`char::is_alphanumeric`, which includes
//! Arabic letters and most vowel signs), `_`, a combining mark (the common diacritic
//! blocks: U+0300–036F and their extensions, Hebrew points, Arabic harakat, variation
//! selectors) or a zero-width (non-)joiner. A **word** is a run of word characters,
//! where a hyphen (`-`, U+2010, U+2011) or an apostrophe (`'`, `’`, `ʼ`) between two
//! word characters joins the run: `Seo-yeon`, `Al-Assad`, `Bouches-du-Rhône`, `O'Brien`,
//! `Ba'ath` are one word each — except where word units split a hyphenated word: an
//! English prefix before a capitalised part (`pro-Assad`, `mid-January`) and an
//! adjective after a name (`Russia-backed`, `Kremlin-run`), so whole-word `Russia`
//! finds `Russia-backed` as a double-click selects it. A possessive `’s` / `'s` is *not* joined, so `Syria`
//! is a whole word in `Syria’s` (as word snapping treats it).
//!
//! A hit **cuts a word** when it starts inside a word (its first character is a word
//! character and so is the one before it, or a joining hyphen or apostrophe precedes
//! it) or ends inside one. A hit that starts or ends with punctuation (`U.S.`) only
//! needs its word-character ends to be on boundaries.
//!
//! All checks look at most three characters either side: constant cost per hit.

/// Whether `c` belongs to a word (see the module documentation).
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || is_mark(c) || matches!(c, '\u{200C}' | '\u{200D}')
}

/// Combining marks that `char::is_alphanumeric` does not already cover: the blocks
/// news text meets (Latin, Greek and Cyrillic diacritics, Hebrew points, Arabic
/// harakat and Quranic marks, variation selectors, combining half marks).
pub fn is_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{0483}'..='\u{0489}'
        | '\u{0591}'..='\u{05BD}'
        | '\u{05BF}' | '\u{05C1}' | '\u{05C2}' | '\u{05C4}' | '\u{05C5}' | '\u{05C7}'
        | '\u{0610}'..='\u{061A}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0670}'
        | '\u{06D6}'..='\u{06DC}'
        | '\u{06DF}'..='\u{06E4}'
        | '\u{06E7}' | '\u{06E8}'
        | '\u{06EA}'..='\u{06ED}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FE20}'..='\u{FE2F}'
        | '\u{E0100}'..='\u{E01EF}')
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}')
}

/// Whether the text before byte `at` continues a word into it: a word character, or a
/// joining hyphen/apostrophe with a word character before it.
fn word_continues_before(text: &str, at: usize) -> bool {
    let mut before = text[..at].chars().rev();
    match before.next() {
        Some(c) if is_word_char(c) => true,
        Some(c) if is_hyphen(c) || is_apostrophe(c) => before.next().is_some_and(is_word_char),
        _ => false,
    }
}

/// Whether the text from byte `at` continues a word that ends just before it. A
/// possessive `’s` followed by a non-word character does not continue it.
fn word_continues_after(text: &str, at: usize) -> bool {
    let mut after = text[at..].chars();
    match after.next() {
        Some(c) if is_word_char(c) => true,
        Some(c) if is_hyphen(c) => after.next().is_some_and(is_word_char),
        Some(c) if is_apostrophe(c) => match after.next() {
            Some('s' | 'S') => after.next().is_some_and(is_word_char),
            Some(n) => is_word_char(n),
            None => false,
        },
        _ => false,
    }
}

/// Longest part of a hyphenated word looked at (keeps the check constant-cost).
const MAX_PART: usize = 24;

/// Whether a hyphen between the parts `left` and `right` separates two words, as word
/// units do (`crate::text::words`): an English prefix before a capitalised part
/// ("pro-Assad", "mid-January") and an adjective after a name ("Russia-backed",
/// "Kremlin-run").
fn hyphen_splits(left: &str, right: &str) -> bool {
    use crate::text::words::{NAME_ADJECTIVES, PREFIXES};
    let right_upper = right.chars().next().is_some_and(char::is_uppercase);
    let right_adjective = right.chars().next().is_some_and(char::is_lowercase)
        && ((right.chars().count() >= 3 && right.ends_with("ed"))
            || NAME_ADJECTIVES.contains(&right));
    (PREFIXES.contains(&left) && right_upper)
        || (right_adjective && left.chars().any(char::is_uppercase))
}

/// The run of word characters ending at byte `at` (at most [`MAX_PART`]).
fn part_before(text: &str, at: usize) -> String {
    let mut v: Vec<char> = text[..at]
        .chars()
        .rev()
        .take_while(|&c| is_word_char(c))
        .take(MAX_PART + 1)
        .collect();
    v.reverse();
    v.into_iter().collect()
}

/// The run of word characters starting at byte `at` (at most [`MAX_PART`]).
fn part_after(text: &str, at: usize) -> String {
    text[at..]
        .chars()
        .take_while(|&c| is_word_char(c))
        .take(MAX_PART + 1)
        .collect()
}

/// Whether the character before byte `at` is a hyphen that splits the word there.
fn split_hyphen_before(text: &str, at: usize) -> bool {
    match text[..at].chars().next_back() {
        Some(h) if is_hyphen(h) => {
            hyphen_splits(&part_before(text, at - h.len_utf8()), &part_after(text, at))
        }
        _ => false,
    }
}

/// Whether the character at byte `at` is a hyphen that splits the word there.
fn split_hyphen_at(text: &str, at: usize) -> bool {
    match text[at..].chars().next() {
        Some(h) if is_hyphen(h) => {
            hyphen_splits(&part_before(text, at), &part_after(text, at + h.len_utf8()))
        }
        _ => false,
    }
}

/// Whether the hit at bytes `[start, end)` of `text` starts or ends inside a word.
/// Both must be character boundaries with `start < end`.
pub fn cuts_word(text: &str, start: usize, end: usize) -> bool {
    let hit = &text[start..end];
    let starts_inside = hit.chars().next().is_some_and(is_word_char)
        && word_continues_before(text, start)
        && !split_hyphen_before(text, start);
    starts_inside
        || (hit.chars().next_back().is_some_and(is_word_char)
            && word_continues_after(text, end)
            && !split_hyphen_at(text, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `cuts_word` for the first occurrence of `hit` in `text`.
    fn cuts(text: &str, hit: &str) -> bool {
        let s = text.find(hit).expect("hit in text");
        cuts_word(text, s, s + hit.len())
    }

    #[test]
    fn plain_words_and_punctuation() {
        assert!(!cuts("in Idlib today", "Idlib"));
        assert!(cuts("in Idlibi today", "Idlib"));
        assert!(cuts("the Homsi family", "Homs"));
        assert!(!cuts("(Idlib)", "Idlib"));
        assert!(!cuts("the U.S. envoy", "U.S."));
        assert!(!cuts("“Aleppo”", "Aleppo"));
        assert!(cuts("x2014", "2014"));
        assert!(!cuts("Idlib", "Idlib"), "text start and end are boundaries");
    }

    #[test]
    fn hyphens_and_apostrophes_join_but_possessives_do_not() {
        assert!(cuts("Park Seo-yeon said", "Seo"));
        assert!(cuts("Park Seo-yeon said", "yeon"));
        assert!(!cuts("Park Seo-yeon said", "Seo-yeon"));
        // Word units split these, so whole-word search does too.
        assert!(!cuts("Russia-backed forces", "Russia"));
        assert!(!cuts("Russia-backed forces", "backed"));
        assert!(!cuts("the Kremlin-run channel", "Kremlin"));
        assert!(!cuts("pro-Assad forces", "Assad"));
        assert!(!cuts("pro-Assad forces", "pro"));
        assert!(!cuts("by mid-January", "January"));
        assert!(cuts("a well-designed plan", "well"), "no name: one word");
        assert!(
            cuts("Al-Sukhna fell", "Sukhna"),
            "a name part, not an adjective"
        );
        assert!(cuts("Abdel-Rahman said", "Abdel"));
        assert!(!cuts("Syria - the war", "Syria"));
        assert!(!cuts("Syria- and", "Syria"));
        assert!(cuts("Sean O'Brien", "Brien"));
        assert!(!cuts("in Syria’s desert", "Syria"));
        assert!(!cuts("in SYRIA'S desert", "SYRIA"));
        assert!(cuts("the Ba'ath party", "Ba"));
        assert!(cuts("Assad’ss", "Assad"));
        assert!(!cuts("the Kurds’ position", "Kurds"));
    }

    #[test]
    fn marks_and_scripts() {
        assert!(
            cuts("Cafe\u{301} Noir", "Cafe"),
            "a combining mark continues the word"
        );
        assert!(!cuts("Cafe\u{301} Noir", "Cafe\u{301}"));
        assert!(!cuts("قال محمود الحلبي إن", "محمود"));
        assert!(cuts("قال محمود الحلبي إن", "الحل"));
        assert!(
            !cuts("in 😀Homs", "Homs"),
            "an emoji is not a word character"
        );
        assert!(
            cuts("ﻣﺤﻤﻮدً", "ﻣﺤﻤﻮد"),
            "Arabic tanwin (a mark) continues the word"
        );
    }
}
