//! Whole-word dictionary matching shared by the same-string and gazetteer engines:
//! Aho-Corasick (leftmost-longest) over the text, exact or case-folded, keeping only
//! matches that do not cut a word (the search's word rules, so a suggestion is never
//! half of a name).
//!
//! Case folding maps each character to one character (its lower case when that is a
//! single character), so folded text has the same code-point offsets as the original.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

/// Fold one character for case-insensitive matching, keeping the count of characters.
pub fn fold_char(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let mut l = c.to_lowercase();
    match (l.next(), l.next()) {
        (Some(f), None) => f,
        _ => c,
    }
}

/// `text` with every character folded by [`fold_char`].
pub fn fold(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    text.chars().map(fold_char).collect()
}

/// A whole-word match: code points `[start, end)`, the same in bytes of the original
/// text, and which term matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    pub bytes: std::ops::Range<usize>,
    pub term: usize,
}

/// A compiled dictionary: terms (already folded if `folded`) and, per term, the index
/// of the entry the caller keeps.
pub struct Dictionary {
    ac: Option<AhoCorasick>,
    folded: bool,
}

impl Dictionary {
    /// Build over `terms` (folded by the caller when `folded`). Empty terms never
    /// match. Fails only if the automaton would be too large.
    pub fn new<I, P>(terms: I, folded: bool) -> Result<Self, aho_corasick::BuildError>
    where
        I: IntoIterator<Item = P>,
        P: AsRef<[u8]>,
    {
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(terms)?;
        Ok(Self {
            ac: Some(ac),
            folded,
        })
    }

    pub fn empty() -> Self {
        Self {
            ac: None,
            folded: false,
        }
    }

    /// Memory the automaton takes, in bytes.
    pub fn memory_usage(&self) -> usize {
        self.ac.as_ref().map_or(0, |a| a.memory_usage())
    }

    /// Whole-word matches in `text`, in order. `folded_text` is `fold(text)` when the
    /// dictionary is folded (pass it to share one folding among dictionaries), else
    /// ignored.
    pub fn find(&self, text: &str, folded_text: Option<&str>) -> Vec<Hit> {
        let Some(ac) = &self.ac else {
            return Vec::new();
        };
        let owned;
        let hay: &str = if self.folded {
            match folded_text {
                Some(f) => f,
                None => {
                    owned = fold(text);
                    &owned
                }
            }
        } else {
            text
        };
        let mut out = Vec::new();
        // Byte offsets in `hay` → char offsets (same in both texts) → bytes in `text`,
        // walking forward once: matches come in order.
        let (mut hay_byte, mut chars) = (0usize, 0usize);
        let (mut text_byte, mut text_chars) = (0usize, 0usize);
        let mut to_char = |b: usize| {
            chars += hay[hay_byte..b].chars().count();
            hay_byte = b;
            chars
        };
        let mut to_text_byte = |c: usize| {
            let n = c - text_chars;
            text_byte += text[text_byte..]
                .char_indices()
                .nth(n)
                .map_or(text.len() - text_byte, |(i, _)| i);
            text_chars = c;
            text_byte
        };
        for m in ac.find_iter(hay) {
            // A match that starts or ends inside a character of `hay` cannot happen
            // (terms are whole UTF-8 strings), but be safe with odd input.
            if !hay.is_char_boundary(m.start()) || !hay.is_char_boundary(m.end()) {
                continue;
            }
            let s = to_char(m.start());
            let e = to_char(m.end());
            if s == e {
                continue;
            }
            let (bs, be) = (to_text_byte(s), to_text_byte(e));
            if crate::search::words::cuts_word(text, bs, be) {
                continue;
            }
            out.push(Hit {
                start: s,
                end: e,
                bytes: bs..be,
                term: m.pattern().as_usize(),
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folded_matches_keep_offsets_and_whole_words() {
        let d = Dictionary::new(["idlib", "hts", "straße"], true).unwrap();
        let text = "“IDLIB” 🎉 HTS-backed, Idlibs, STRAẞE in Idlib\r\n";
        let got = d.find(text, None);
        let words: Vec<String> = got
            .iter()
            .map(|h| text[h.bytes.clone()].to_string())
            .collect();
        assert_eq!(words, ["IDLIB", "HTS", "STRAẞE", "Idlib"]);
        for h in &got {
            assert_eq!(
                text.chars()
                    .skip(h.start)
                    .take(h.end - h.start)
                    .collect::<String>(),
                text[h.bytes.clone()]
            );
        }
        let exact = Dictionary::new(["Idlib"], false).unwrap();
        assert_eq!(exact.find(text, None).len(), 1);
    }

    #[test]
    fn longest_wins_and_arabic_and_marks_are_words() {
        let d = Dictionary::new(["al", "al-sham", "محمود", "cafe\u{301}"], true).unwrap();
        let text = "Hayat Tahrir al-Sham و محمود الحلبي; Cafe\u{301} Noir";
        let got: Vec<String> = d
            .find(text, None)
            .iter()
            .map(|h| text[h.bytes.clone()].to_string())
            .collect();
        assert_eq!(got, ["al-Sham", "محمود", "Cafe\u{301}"]);
    }
}
