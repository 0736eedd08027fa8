//! The tokens patterns are matched on: an imitation of spaCy's English tokenizer
//! (`spacy.blank("en")`, spaCy 3.8), because token patterns count spaCy's tokens.
//!
//! [`crate::formats::tokenize`] is close to spaCy for exports but not close enough
//! here: it drops white space (spaCy makes a token of every white-space run but a single
//! space, so `New\nYork` is three tokens and `[{"LOWER": "new"}, {"LOWER": "york"}]`
//! does not match it), keeps its own abbreviation list and splits hyphens before
//! digits. This module follows spaCy's algorithm (`Tokenizer.__call__`,
//! `_split_affixes`, `_attach_tokens` in spacy/tokenizer.pyx) with spaCy's rules:
//!
//! - text is cut at white space (Python's `str.isspace`); a single space after a token
//!   belongs to it, any other white-space run is a token;
//! - each chunk is looked up in the English tokenizer exceptions (`don't` → `do n't`,
//!   `Mr.` whole), then prefixes and suffixes are split off one at a time (opening and
//!   closing punctuation and quotes, `'s`, a final `.` after a lower-case letter, a
//!   digit, punctuation or two capitals, units and currencies after digits …) until
//!   none is left or the rest is an exception;
//! - what is left is split at infixes: `..`, `…`, symbols and emoji, `-` `+` `*` `^`
//!   between digits, `.` between a lower-case and an upper-case letter, `,` between
//!   letters, hyphens (`-`, `–`, `—`, `--`, `~`) after a letter or digit and before a
//!   letter (`Al-Sukhna` → `Al - Sukhna`, `1990-2000` stays), `: < > = /` before a
//!   letter.
//!
//! - then, as spaCy's `_apply_special_cases`, runs of tokens that spell an exception the
//!   way the affix rules alone would split it are joined into the exception's tokens
//!   (`;Mr.` → `;` `Mr` `.` → `;` `Mr.`; `(HTS):` ends in the emoticon `):`).
//!
//! The character classes, units, currencies and exceptions are spaCy's own, in
//! `spacy_en.txt` (written by tools/spacy_en_tokenizer_data.py). Not imitated: spaCy's
//! URL rule (`url_match` keeps `http://a.com/B-c` whole; here it is split at `/B` and
//! `-`). `.ci/validators/spacy_patterns_check.py` compares the tokens with spaCy's on
//! the fixtures.

use super::chars::{Class, py_isspace};
use rustc_hash::FxHashMap as HashMap;
use std::sync::OnceLock;

/// A token: `[start, end)` in code points.
pub(super) type Tok = (usize, usize);

struct Data {
    alpha: Class,
    lower: Class,
    upper: Class,
    icons: Class,
    /// Every candidate is tried (no order needed), after a look at the first or last
    /// character: `units_last` are the last characters of units and currencies,
    /// `currency_first` the first characters of currencies (sorted).
    units: Vec<Vec<char>>,
    currency: Vec<Vec<char>>,
    units_last: Vec<char>,
    currency_first: Vec<char>,
    /// Exception → the lengths (code points) of its pieces.
    specials: HashMap<String, Vec<usize>>,
}

fn data() -> &'static Data {
    static D: OnceLock<Data> = OnceLock::new();
    D.get_or_init(|| {
        let mut d = Data {
            alpha: Class::parse("[]"),
            lower: Class::parse("[]"),
            upper: Class::parse("[]"),
            icons: Class::parse("[]"),
            units: Vec::new(),
            currency: Vec::new(),
            units_last: Vec::new(),
            currency_first: Vec::new(),
            specials: HashMap::default(),
        };
        for line in include_str!("spacy_en.txt").lines() {
            if let Some(rest) = line.strip_prefix("class ") {
                let Some((name, body)) = rest.split_once(' ') else {
                    continue;
                };
                let class = Class::parse(&format!("[{body}]"));
                match name {
                    "ALPHA" => d.alpha = class,
                    "ALPHA_LOWER" => d.lower = class,
                    "ALPHA_UPPER" => d.upper = class,
                    "ICONS" => d.icons = class,
                    _ => {}
                }
            } else if let Some(rest) = line.strip_prefix("units ") {
                d.units = rest.split(' ').map(|u| u.chars().collect()).collect();
            } else if let Some(rest) = line.strip_prefix("currency ") {
                d.currency = rest.split(' ').map(|u| u.chars().collect()).collect();
            } else if let Some(rest) = line.strip_prefix("special ") {
                let mut parts = rest.split('\t');
                if let Some(key) = parts.next() {
                    let pieces = parts.map(|p| p.chars().count()).collect();
                    d.specials.insert(key.to_string(), pieces);
                }
            }
        }
        d.units_last = d
            .units
            .iter()
            .chain(&d.currency)
            .filter_map(|u| u.last().copied())
            .collect();
        d.units_last.sort_unstable();
        d.units_last.dedup();
        d.currency_first = d
            .currency
            .iter()
            .filter_map(|u| u.first().copied())
            .collect();
        d.currency_first.sort_unstable();
        d.currency_first.dedup();
        d
    })
}

/// spaCy's tokens of `chars`.
pub(super) fn tokenize(chars: &[char]) -> Vec<Tok> {
    let tokens = first_pass(data(), chars, true);
    apply_specials(chars, tokens)
}

/// Tokens by white space, exceptions (when `specials`) and affix rules.
fn first_pass(d: &Data, chars: &[char], specials: bool) -> Vec<Tok> {
    let mut out = Vec::with_capacity(chars.len() / 4 + 1);
    let Some(&first) = chars.first() else {
        return out;
    };
    let mut key = Key {
        buf: String::new(),
        on: specials,
    };
    let mut in_ws = py_isspace(first);
    let mut start = 0;
    for (i, &c) in chars.iter().enumerate() {
        if py_isspace(c) != in_ws {
            if start < i {
                chunk(d, chars, start, i, &mut out, &mut key);
            }
            // The one space after a token is its trailing white space, not a token.
            start = if c == ' ' { i + 1 } else { i };
            in_ws = !in_ws;
        }
    }
    if start < chars.len() {
        chunk(d, chars, start, chars.len(), &mut out, &mut key);
    }
    out
}

/// A buffer for exception look-ups, and whether exceptions apply at all.
struct Key {
    buf: String,
    on: bool,
}

/// The exception's piece lengths if `chars[a..b]` is one.
fn special<'d>(
    d: &'d Data,
    chars: &[char],
    a: usize,
    b: usize,
    key: &mut Key,
) -> Option<&'d [usize]> {
    if !key.on || b - a > 40 {
        return None; // no exception is that long
    }
    key.buf.clear();
    key.buf.extend(&chars[a..b]);
    d.specials.get(key.buf.as_str()).map(Vec::as_slice)
}

/// Each exception as the affix rules alone split it, by its first piece:
/// (the pieces, the exception).
type SpecialPatterns = HashMap<String, Vec<(Vec<String>, String)>>;

fn special_patterns() -> &'static SpecialPatterns {
    static P: OnceLock<SpecialPatterns> = OnceLock::new();
    P.get_or_init(|| {
        let d = data();
        let mut out: SpecialPatterns = HashMap::default();
        for key in d.specials.keys() {
            let chars: Vec<char> = key.chars().collect();
            // spaCy (`faster_heuristics`) only looks for exceptions the affix rules
            // would split: `can't` cut off by an infix stays whole.
            let splits = find_prefix(d, &chars) > 0
                || find_suffix(d, &chars) > 0
                || (0..chars.len()).any(|i| infix_at(d, &chars, i) > 0);
            if !splits {
                continue;
            }
            let pieces: Vec<String> = first_pass(d, &chars, false)
                .iter()
                .map(|&(a, b)| chars[a..b].iter().collect())
                .collect();
            if let Some(first) = pieces.first() {
                out.entry(first.clone())
                    .or_default()
                    .push((pieces, key.clone()));
            }
        }
        out
    })
}

/// spaCy's `_apply_special_cases`: find every run of tokens whose texts are an
/// exception's affix-rule pieces; keep the longest (then earliest) of overlapping runs
/// (a rejected run still blocks later ones, as in spaCy); replace a kept run whose text
/// is the exception (no white space inside) by the exception's tokens.
fn apply_specials(chars: &[char], tokens: Vec<Tok>) -> Vec<Tok> {
    let d = data();
    let patterns = special_patterns();
    let text = |t: Tok| -> String { chars[t.0..t.1].iter().collect() };
    let mut found: Vec<(usize, usize, &str)> = Vec::new();
    let mut buf = String::new();
    for i in 0..tokens.len() {
        buf.clear();
        buf.extend(&chars[tokens[i].0..tokens[i].1]);
        let Some(candidates) = patterns.get(buf.as_str()) else {
            continue;
        };
        for (pieces, key) in candidates {
            let end = i + pieces.len();
            if end <= tokens.len() && (1..pieces.len()).all(|j| text(tokens[i + j]) == pieces[j]) {
                found.push((i, end, key));
            }
        }
    }
    if found.is_empty() {
        return tokens;
    }
    found.sort_by_key(|&(s, e, _)| (std::cmp::Reverse(e - s), s));
    let mut seen = vec![false; tokens.len()];
    let mut kept = Vec::new();
    for (s, e, key) in found {
        if !seen[s] && !seen[e - 1] {
            kept.push((s, e, key));
        }
        seen[s..e].iter_mut().for_each(|x| *x = true);
    }
    kept.sort_by_key(|&(s, _, _)| s);
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    for (s, e, key) in kept {
        out.extend_from_slice(&tokens[i..s]);
        let (a, b) = (tokens[s].0, tokens[e - 1].1);
        match d.specials.get(key) {
            Some(pieces) if chars[a..b].iter().copied().eq(key.chars()) => {
                push_special(pieces, a, &mut out)
            }
            _ => out.extend_from_slice(&tokens[s..e]),
        }
        i = e;
    }
    out.extend_from_slice(&tokens[i..]);
    out
}

fn push_special(pieces: &[usize], a: usize, out: &mut Vec<Tok>) {
    let mut s = a;
    for &n in pieces {
        out.push((s, s + n));
        s += n;
    }
}

/// One chunk `[a, b)` without white space (or one white-space run: always one token).
fn chunk(d: &Data, chars: &[char], a: usize, b: usize, out: &mut Vec<Tok>, key: &mut Key) {
    if py_isspace(chars[a]) {
        out.push((a, b));
        return;
    }
    if let Some(p) = special(d, chars, a, b, key) {
        push_special(p, a, out);
        return;
    }
    // _split_affixes
    let (mut lo, mut hi) = (a, b);
    let mut prefixes: Vec<Tok> = Vec::new();
    let mut suffixes: Vec<Tok> = Vec::new();
    let mut last_len = 0;
    while hi > lo && hi - lo != last_len {
        if special(d, chars, lo, hi, key).is_some() {
            break;
        }
        last_len = hi - lo;
        let pre = find_prefix(d, &chars[lo..hi]);
        if pre != 0 && lo + pre < hi && special(d, chars, lo + pre, hi, key).is_some() {
            prefixes.push((lo, lo + pre));
            lo += pre;
            break;
        }
        let suf = find_suffix(d, &chars[lo + pre..hi]);
        if suf != 0 && hi - suf > lo && special(d, chars, lo, hi - suf, key).is_some() {
            suffixes.push((hi - suf, hi));
            hi -= suf;
            break;
        }
        if pre != 0 && suf != 0 && pre + suf <= hi - lo {
            prefixes.push((lo, lo + pre));
            suffixes.push((hi - suf, hi));
            lo += pre;
            hi -= suf;
        } else if pre != 0 {
            prefixes.push((lo, lo + pre));
            lo += pre;
        } else if suf != 0 {
            suffixes.push((hi - suf, hi));
            hi -= suf;
        }
    }
    // _attach_tokens
    out.extend(prefixes);
    if lo < hi {
        if let Some(p) = special(d, chars, lo, hi, key) {
            push_special(p, lo, out);
        } else {
            let mut start = lo;
            let mut i = lo;
            while i < hi {
                let n = infix_at(d, &chars[lo..hi], i - lo);
                if n == 0 {
                    i += 1;
                    continue;
                }
                // An infix at the very start stays with what follows (spaCy skips it).
                if i != lo {
                    if i != start {
                        out.push((start, i));
                    }
                    out.push((i, i + n));
                    start = i + n;
                }
                i += n;
            }
            if start < hi {
                out.push((start, hi));
            }
        }
    }
    out.extend(suffixes.into_iter().rev());
}

const PUNCT: &[char] = &[
    '…', ',', ':', ';', '!', '?', '¿', '؟', '¡', '(', ')', '[', ']', '{', '}', '<', '>', '_', '#',
    '*', '&', '。', '？', '！', '，', '、', '；', '：', '～', '·', '।', '،', '۔', '؛', '٪',
];
const QUOTES: &[char] = &[
    '\'', '"', '”', '“', '`', '‘', '´', '’', '‚', ',', '„', '»', '«', '「', '」', '『', '』', '（',
    '）', '〔', '〕', '【', '】', '《', '》', '〈', '〉', '〈', '〉', '⟦', '⟧',
];
const HYPHENS: &[&[char]] = &[
    &['-'],
    &['–'],
    &['—'],
    &['-', '-'],
    &['-', '-', '-'],
    &['—', '—'],
    &['~'],
];

fn starts_with(s: &[char], p: &[char]) -> bool {
    s.len() >= p.len() && s[..p.len()] == *p
}

fn ends_with(s: &[char], p: &[char]) -> bool {
    s.len() >= p.len() && s[s.len() - p.len()..] == *p
}

fn dots(s: &[char]) -> usize {
    s.iter().take_while(|&&c| c == '.').count()
}

/// Length of the prefix spaCy splits off `s` (0 for none): the first of spaCy's
/// `TOKENIZER_PREFIXES` that matches, in their order.
fn find_prefix(d: &Data, s: &[char]) -> usize {
    let Some(&c) = s.first() else { return 0 };
    if matches!(c, '§' | '%' | '=' | '—' | '–') {
        return 1;
    }
    if c == '+' && !s.get(1).is_some_and(|n| n.is_ascii_digit()) {
        return 1;
    }
    if PUNCT.contains(&c) {
        return 1;
    }
    if dots(s) >= 2 {
        return dots(s);
    }
    if QUOTES.contains(&c) {
        return 1;
    }
    if d.currency_first.binary_search(&c).is_ok()
        && let Some(cur) = d.currency.iter().find(|cur| starts_with(s, cur))
    {
        return cur.len();
    }
    usize::from(d.icons.contains(c))
}

/// Length of the suffix spaCy splits off `s` (0 for none): spaCy searches
/// `TOKENIZER_SUFFIXES` (each anchored at the end) from the left, so the longest one
/// that matches wins.
fn find_suffix(d: &Data, s: &[char]) -> usize {
    let n = s.len();
    let Some(&last) = s.last() else { return 0 };
    let before = |k: usize| if n > k { Some(s[n - 1 - k]) } else { None };
    let digit_at = |i: usize| s.get(i).is_some_and(|c| c.is_ascii_digit());
    let mut best = 0;
    if PUNCT.contains(&last)
        || QUOTES.contains(&last)
        || d.icons.contains(last)
        || matches!(last, '—' | '–')
    {
        best = 1;
    }
    if ends_with(s, &['…', '…']) {
        best = best.max(2);
    }
    let trailing_dots = s.iter().rev().take_while(|&&c| c == '.').count();
    if trailing_dots >= 2 {
        best = best.max(trailing_dots);
    }
    if n >= 2 && matches!(last, 's' | 'S') && matches!(s[n - 2], '\'' | '’') {
        best = best.max(2);
    }
    if last == '+' && before(1).is_some_and(|c| c.is_ascii_digit()) {
        best = best.max(1);
    }
    if last == '.' {
        let p = before(1);
        if n >= 3
            && s[n - 3] == '°'
            && p.is_some_and(|c| matches!(c, 'F' | 'f' | 'C' | 'c' | 'K' | 'k'))
        {
            best = best.max(1);
        }
        if let Some(p) = p
            && (p.is_ascii_digit()
                || d.lower.contains(p)
                || matches!(p, '%' | '²' | '-' | '+' | '|' | '(' | '?' | ':' | ')')
                || PUNCT.contains(&p)
                || QUOTES.contains(&p))
        {
            best = best.max(1);
        }
        if before(1).is_some_and(|c| d.upper.contains(c))
            && before(2).is_some_and(|c| d.upper.contains(c))
        {
            best = best.max(1);
        }
    }
    if d.units_last.binary_search(&last).is_err() || !s.iter().any(char::is_ascii_digit) {
        return best;
    }
    for list in [&d.currency, &d.units] {
        for u in list.iter() {
            if u.len() < n && ends_with(s, u) && digit_at(n - u.len() - 1) {
                best = best.max(u.len());
            }
        }
    }
    best
}

/// Length of the infix spaCy finds at `s[i..]` (0 for none): the first of the English
/// `TOKENIZER_INFIXES` that matches there, in their order. Look-behinds see `s` only
/// (what is left after prefixes and suffixes), as in spaCy.
fn infix_at(d: &Data, s: &[char], i: usize) -> usize {
    let c = s[i];
    // Every infix starts with punctuation or a symbol: most characters are letters.
    if c.is_ascii_alphanumeric() {
        return 0;
    }
    let prev = if i > 0 { Some(s[i - 1]) } else { None };
    let next = s.get(i + 1).copied();
    if dots(&s[i..]) >= 2 {
        return dots(&s[i..]);
    }
    if c == '…' || d.icons.contains(c) {
        return 1;
    }
    if matches!(c, '+' | '-' | '*' | '^')
        && prev.is_some_and(|p| p.is_ascii_digit())
        && next.is_some_and(|n| n.is_ascii_digit() || n == '-')
    {
        return 1;
    }
    if c == '.'
        && prev.is_some_and(|p| d.lower.contains(p) || QUOTES.contains(&p))
        && next.is_some_and(|n| d.upper.contains(n) || QUOTES.contains(&n))
    {
        return 1;
    }
    let alpha = |x: Option<char>| x.is_some_and(|x| d.alpha.contains(x));
    if c == ',' && alpha(prev) && alpha(next) {
        return 1;
    }
    let alnum_before = alpha(prev) || prev.is_some_and(|p| p.is_ascii_digit());
    if alnum_before {
        for h in HYPHENS {
            if starts_with(&s[i..], h) && alpha(s.get(i + h.len()).copied()) {
                return h.len();
            }
        }
        if matches!(c, ':' | '<' | '>' | '=' | '/') && alpha(next) {
            return 1;
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        tokenize(&chars)
            .iter()
            .map(|&(a, b)| chars[a..b].iter().collect())
            .collect()
    }

    #[test]
    fn data_file_parses() {
        let d = data();
        assert!(!d.alpha.is_empty() && !d.lower.is_empty() && !d.upper.is_empty());
        assert!(!d.icons.is_empty() && d.icons.contains('😀'));
        assert!(d.specials.len() > 1000 && d.units.len() > 50 && d.currency.len() > 30);
    }

    /// Outputs of spaCy 3.8.18 `spacy.blank("en")` on the same strings.
    #[test]
    fn like_spacy() {
        let cases: &[(&str, &[&str])] = &[
            ("$100", &["$", "100"]),
            ("($5)", &["(", "$", "5", ")"]),
            ("US$5", &["US$", "5"]),
            ("😀hi", &["😀", "hi"]),
            ("Homs.", &["Homs", "."]),
            ("U.S.", &["U.S."]),
            ("don't", &["do", "n't"]),
            ("Syria’s", &["Syria", "’s"]),
            ("Al-Sukhna", &["Al", "-", "Sukhna"]),
            ("jihadists.Meanwhile", &["jihadists", ".", "Meanwhile"]),
            (" lead", &[" ", "lead"]),
            ("a  b\r\nc", &["a", " ", "b", "\r\n", "c"]),
            ("5km", &["5", "km"]),
            ("Inc.", &["Inc."]),
            ("J.", &["J."]),
            ("IS.", &["IS", "."]),
            ("“caliphate”", &["“", "caliphate", "”"]),
            ("1990-2000", &["1990", "-", "2000"]),
            ("10,000", &["10,000"]),
            ("a,b", &["a", ",", "b"]),
            ("He said:\"Go", &["He", "said:\"Go"]),
            ("co-op's", &["co", "-", "op", "'s"]),
            // The second pass over exceptions.
            ("a (HTS): b", &["a", "(", "HTS", "):", "b"]),
            ("Mr.Mr.", &["Mr.", "Mr."]),
            ("(:(:", &["(", ":(", ":"]),
            ("''", &["''"]),
            ("Mr .", &["Mr", "."]),
            (" ;😀Mr.", &[" ", ";", "😀", "Mr."]),
            ("y<can't", &["y", "<", "can't"]),
        ];
        for (text, expected) in cases {
            assert_eq!(words(text), *expected, "{text:?}");
        }
    }
}
