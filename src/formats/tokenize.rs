//! Tokens and sentences for the token-based formats (CoNLL, Prodigy, WebAnno TSV,
//! spaCy DocBin).
//!
//! The rules are close to spaCy's English tokenizer, so exported tokens line up with
//! what spaCy makes of the same text:
//!
//! - white space separates tokens and is never part of one;
//! - opening quotes and brackets (`“ ‘ " ' ( [ { « ‹`) split off the front of a word;
//! - closing punctuation (`, ; : ! ? ) ] } ” ’ " ' » › …`) splits off the end, and so
//!   does a final `.` unless the word is an abbreviation (`U.S.`, `J.`, `Mr.`, `Sept.` …);
//! - a possessive `’s` / `'s` and `n’t` / `n't` are their own tokens;
//! - a hyphen between letters or digits is its own token (`Russia - backed`);
//! - a full stop between a lower-case and an upper-case letter (wire copy without a
//!   space: `jihadists.Meanwhile`) is its own token.
//!
//! On top of that every span boundary is a token boundary (tokens are split there), so
//! every span of the document is made of whole tokens and no format has to move it.
//!
//! Sentences end at a line break, and after `.`, `!`, `?` or `…` (plus closing quotes or
//! brackets) when the next token starts with an upper-case letter, a digit, or an
//! opening quote or bracket — but never inside a span.

use crate::text::{CharSpan, is_line_break};

/// A token: `[start, end)` in code points of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
}

fn is_opening(c: char) -> bool {
    matches!(
        c,
        '“' | '‘' | '"' | '\'' | '(' | '[' | '{' | '«' | '‹' | '„' | '¿' | '¡'
    )
}
fn is_closing(c: char) -> bool {
    matches!(
        c,
        ',' | ';' | ':' | '!' | '?' | ')' | ']' | '}' | '”' | '’' | '"' | '\'' | '»' | '›' | '…'
    )
}
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "inc", "ltd", "co", "corp", "gen", "sen", "rep",
    "gov", "prof", "lt", "col", "capt", "sgt", "vs", "etc", "no", "jan", "feb", "mar", "apr",
    "aug", "sep", "sept", "oct", "nov", "dec", "mt", "ft", "approx", "dept", "est", "fig",
];

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ')
}

fn is_abbreviation(word: &[char]) -> bool {
    if word.contains(&'.') || (word.len() == 1 && word[0].is_alphabetic()) {
        return true;
    }
    word.len() <= 6
        && ABBREVIATIONS.iter().any(|a| {
            a.len() == word.len()
                && a.chars()
                    .zip(word)
                    .all(|(x, y)| y.to_lowercase().eq(std::iter::once(x)))
        })
}

/// Split one white-space-free chunk `[a, b)` of `chars` into tokens. `tail` is scratch.
fn split_chunk(chars: &[char], a: usize, b: usize, out: &mut Vec<Token>, tail: &mut Vec<Token>) {
    let mut a = a;
    let mut b = b;
    while b - a > 1 && is_opening(chars[a]) {
        out.push(Token {
            start: a,
            end: a + 1,
        });
        a += 1;
    }
    tail.clear();
    loop {
        if b - a <= 1 {
            break;
        }
        let last = chars[b - 1];
        if is_closing(last) {
            tail.push(Token {
                start: b - 1,
                end: b,
            });
            b -= 1;
            continue;
        }
        if last == '.' {
            if is_abbreviation(&chars[a..b - 1]) {
                break;
            }
            tail.push(Token {
                start: b - 1,
                end: b,
            });
            b -= 1;
            continue;
        }
        // Possessive ’s and n’t.
        if b - a >= 3 && matches!(last, 's' | 'S') && is_apostrophe(chars[b - 2]) {
            tail.push(Token {
                start: b - 2,
                end: b,
            });
            b -= 2;
            continue;
        }
        if b - a >= 4
            && matches!(last, 't' | 'T')
            && is_apostrophe(chars[b - 2])
            && matches!(chars[b - 3], 'n' | 'N')
        {
            tail.push(Token {
                start: b - 3,
                end: b,
            });
            b -= 3;
            continue;
        }
        break;
    }
    // Infixes: hyphens between alphanumerics, and "lower.Upper".
    let mut start = a;
    for i in a + 1..b.saturating_sub(1) {
        let (l, c, r) = (chars[i - 1], chars[i], chars[i + 1]);
        let hyphen = matches!(c, '-' | '–') && l.is_alphanumeric() && r.is_alphanumeric();
        let stop = c == '.' && l.is_lowercase() && r.is_uppercase();
        if (hyphen || stop) && i > start {
            out.push(Token { start, end: i });
            out.push(Token {
                start: i,
                end: i + 1,
            });
            start = i + 1;
        }
    }
    if start < b {
        out.push(Token { start, end: b });
    }
    out.extend(tail.iter().rev());
}

/// Tokens of `text`, split further at every offset in `boundaries` (span starts and
/// ends), so spans are always made of whole tokens.
pub fn tokenize(text: &str, boundaries: &[usize]) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    tokenize_chars(&chars, boundaries)
}

/// [`tokenize`] on the text's chars (callers that already have them).
pub fn tokenize_chars(chars: &[char], boundaries: &[usize]) -> Vec<Token> {
    let mut tokens = Vec::with_capacity(chars.len() / 4 + 1);
    let mut tail = Vec::new();
    let mut i = 0;
    let space = |c: char| {
        if c.is_ascii() {
            c.is_ascii_whitespace() || c == '\u{b}'
        } else {
            c.is_whitespace()
        }
    };
    // Span boundaries, sorted; a chunk with one strictly inside is split there too
    // (rare: most boundaries fall on white space or punctuation already split off).
    let mut cuts: Vec<usize> = boundaries.to_vec();
    cuts.sort_unstable();
    cuts.dedup();
    let mut k = 0;
    while i < chars.len() {
        if space(chars[i]) {
            i += 1;
            continue;
        }
        let a = i;
        // Most chunks are plain ASCII words, which split_chunk would leave whole.
        let mut plain = true;
        while i < chars.len() {
            let c = chars[i];
            if c.is_ascii_alphanumeric() {
                i += 1;
                continue;
            }
            if space(c) {
                break;
            }
            plain = false;
            i += 1;
        }
        let before = tokens.len();
        if plain {
            tokens.push(Token { start: a, end: i });
        } else {
            split_chunk(chars, a, i, &mut tokens, &mut tail);
        }
        while k < cuts.len() && cuts[k] <= a {
            k += 1;
        }
        if k < cuts.len() && cuts[k] < i {
            split_at_cuts(&mut tokens, before, &cuts[k..]);
        }
    }
    tokens
}

/// Split `tokens[from..]` (sorted, contiguous within one chunk) at every cut inside a
/// token.
fn split_at_cuts(tokens: &mut Vec<Token>, from: usize, cuts: &[usize]) {
    let new: Vec<Token> = tokens.drain(from..).collect();
    let mut k = 0;
    for t in new {
        while k < cuts.len() && cuts[k] <= t.start {
            k += 1;
        }
        let mut s = t.start;
        let mut j = k;
        while j < cuts.len() && cuts[j] < t.end {
            tokens.push(Token {
                start: s,
                end: cuts[j],
            });
            s = cuts[j];
            j += 1;
        }
        tokens.push(Token {
            start: s,
            end: t.end,
        });
    }
}

/// Sentences as token index ranges. `protect` are spans a sentence break must not cut.
pub fn sentences(
    text: &str,
    tokens: &[Token],
    protect: &[CharSpan],
) -> Vec<std::ops::Range<usize>> {
    let chars: Vec<char> = text.chars().collect();
    sentences_chars(&chars, tokens, protect)
}

/// [`sentences`] on the text's chars.
pub fn sentences_chars(
    chars: &[char],
    tokens: &[Token],
    protect: &[CharSpan],
) -> Vec<std::ops::Range<usize>> {
    // Spans are sorted by start in callers; a break inside one is never allowed.
    let mut spans: Vec<(usize, usize)> = protect.iter().map(|s| (s.start(), s.end())).collect();
    spans.sort_unstable();
    let mut si = 0;
    let mut reach = 0; // furthest end of spans starting before the current point
    let mut out = Vec::new();
    let mut start = 0;
    for i in 0..tokens.len() {
        let Some(next) = tokens.get(i + 1) else { break };
        while si < spans.len() && spans[si].0 < next.start {
            reach = reach.max(spans[si].1);
            si += 1;
        }
        if reach > next.start {
            continue;
        }
        let t = tokens[i];
        let gap = &chars[t.end..next.start];
        let line_break = gap.iter().any(|&c| is_line_break(c));
        let word = &chars[t.start..t.end];
        // Evaluated lazily: almost every token is neither terminal nor before a break.
        let ends_sentence = || {
            let terminal = matches!(word, ['.'] | ['!'] | ['?'] | ['…'])
                || (word.len() == 1
                    && is_closing(word[0])
                    && i > 0
                    && matches!(chars[tokens[i - 1].start], '.' | '!' | '?'));
            if !terminal {
                return false;
            }
            let first = chars[next.start];
            let starts_sentence =
                first.is_uppercase() || first.is_ascii_digit() || is_opening(first);
            let closing_follows = is_closing(first) && next.end - next.start == 1;
            starts_sentence && !closing_follows
        };
        if line_break || ends_sentence() {
            out.push(start..i + 1);
            start = i + 1;
        }
    }
    if start < tokens.len() {
        out.push(start..tokens.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        tokenize(text, &[])
            .iter()
            .map(|t| chars[t.start..t.end].iter().collect())
            .collect()
    }

    #[test]
    fn news_punctuation_like_spacy() {
        assert_eq!(
            words("“The fighting started,” Observatory head Rami said. Syria’s war isn't over."),
            [
                "“",
                "The",
                "fighting",
                "started",
                ",",
                "”",
                "Observatory",
                "head",
                "Rami",
                "said",
                ".",
                "Syria",
                "’s",
                "war",
                "is",
                "n't",
                "over",
                "."
            ]
        );
        assert_eq!(
            words("Russia-backed U.S. forces (Mr. J. Smith)"),
            [
                "Russia", "-", "backed", "U.S.", "forces", "(", "Mr.", "J.", "Smith", ")"
            ]
        );
        assert_eq!(
            words("jihadists.Meanwhile 😀."),
            ["jihadists", ".", "Meanwhile", "😀", "."]
        );
    }

    #[test]
    fn span_boundaries_split_tokens() {
        let text = "NordlichtAG said";
        let chars: Vec<char> = text.chars().collect();
        let toks: Vec<String> = tokenize(text, &[9])
            .iter()
            .map(|t| chars[t.start..t.end].iter().collect())
            .collect();
        assert_eq!(toks, ["Nordlicht", "AG", "said"]);
    }

    #[test]
    fn sentences_break_at_stops_and_lines_but_not_inside_spans() {
        let text = "He left. She stayed in St. Louis.\r\nNew line “Quoted.” Next one";
        let toks = tokenize(text, &[]);
        let chars: Vec<char> = text.chars().collect();
        let sent_text = |r: &std::ops::Range<usize>| -> String {
            chars[toks[r.start].start..toks[r.end - 1].end]
                .iter()
                .collect()
        };
        let s: Vec<String> = sentences(text, &toks, &[]).iter().map(sent_text).collect();
        assert_eq!(
            s,
            [
                "He left.",
                "She stayed in St. Louis.",
                "New line “Quoted.”",
                "Next one"
            ]
        );
        // A span across "left. She" keeps the first two sentences together.
        let protect = [CharSpan::new(3, 12, text.chars().count()).unwrap()];
        let s: Vec<String> = sentences(text, &toks, &protect)
            .iter()
            .map(sent_text)
            .collect();
        assert_eq!(s[0], "He left. She stayed in St. Louis.");
    }

    proptest::proptest! {
        /// Splitting at span boundaries while tokenizing gives exactly the plain tokens
        /// cut at every boundary that falls inside one.
        #[test]
        fn boundaries_cut_the_plain_tokens(
            text in "[a-zA-Z .,’'“”\\-\n😀é]{0,60}",
            raw in proptest::collection::vec(0usize..64, 0..8),
        ) {
            let n = text.chars().count();
            let cuts: Vec<usize> = raw.into_iter().filter(|&c| c <= n).collect();
            let plain = tokenize(&text, &[]);
            let mut expected = Vec::new();
            for t in plain {
                let mut s = t.start;
                let mut inner: Vec<usize> =
                    cuts.iter().copied().filter(|&c| c > t.start && c < t.end).collect();
                inner.sort_unstable();
                inner.dedup();
                for c in inner {
                    expected.push(Token { start: s, end: c });
                    s = c;
                }
                expected.push(Token { start: s, end: t.end });
            }
            proptest::prop_assert_eq!(tokenize(&text, &cuts), expected);
        }
    }
}
