//! Character classes and the token attributes of spaCy's lexemes, computed as spaCy's
//! blank English pipeline computes them: with Python's `str` methods (`isalpha`,
//! `isdigit`, `islower`, `isupper`, `istitle`, `lower`) and spaCy's `is_punct`,
//! `like_num` (English) and `word_shape` (spacy/lang/lex_attrs.py, lang/en/lex_attrs.py).

use std::sync::OnceLock;

/// A set of code points as sorted, disjoint ranges.
pub(super) struct Class(Vec<(char, char)>);

impl Class {
    /// The class of a regex character-class body (`A-Za-z\u00C0-\u00D6`) or a Unicode
    /// property (`\p{L}`). The sources are constants of this module and the generated
    /// data file, checked by a test, so a body that does not parse is empty rather than
    /// a panic.
    pub(super) fn parse(source: &str) -> Class {
        let hir = regex_syntax::ParserBuilder::new()
            .build()
            .parse(source)
            .ok();
        let ranges = match hir.as_ref().map(|h| h.kind()) {
            Some(regex_syntax::hir::HirKind::Class(regex_syntax::hir::Class::Unicode(c))) => {
                c.ranges().iter().map(|r| (r.start(), r.end())).collect()
            }
            Some(regex_syntax::hir::HirKind::Literal(l)) => std::str::from_utf8(&l.0)
                .ok()
                .and_then(|s| s.chars().next())
                .map(|c| vec![(c, c)])
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        Class(ranges)
    }

    pub(super) fn contains(&self, c: char) -> bool {
        self.0
            .binary_search_by(|&(a, b)| {
                if b < c {
                    std::cmp::Ordering::Less
                } else if a > c {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .is_ok()
    }

    #[cfg(test)]
    pub(super) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Unicode general categories Python's `str` methods use.
struct Categories {
    letter: Class,
    titlecase: Class,
    decimal: Class,
    punct: Class,
}

fn categories() -> &'static Categories {
    static C: OnceLock<Categories> = OnceLock::new();
    C.get_or_init(|| Categories {
        letter: Class::parse(r"\p{L}"),
        titlecase: Class::parse(r"\p{Lt}"),
        // Python's isdigit is Numeric_Type Decimal or Digit: Nd plus the superscript,
        // subscript and circled digits (regex-syntax has no Numeric_Type).
        decimal: Class::parse(r"[\p{Nd}²³¹⁰⁴-⁹₀-₉①-⑨⑴-⑼⒈-⒐⓵-⓽⓿❶-❾➀-➈➊-➒]"),
        punct: Class::parse(r"\p{P}"),
    })
}

/// Python's `str.isspace` for one character (Rust's `is_whitespace` plus the
/// information separators U+001C–U+001F, which Python counts).
pub(super) fn py_isspace(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

fn is_alpha_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        categories().letter.contains(c)
    }
}

fn is_digit_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_digit()
    } else {
        categories().decimal.contains(c)
    }
}

fn is_title_char(c: char) -> bool {
    !c.is_ascii() && categories().titlecase.contains(c)
}

/// `str.isalpha()`.
pub(super) fn is_alpha(s: &str) -> bool {
    !s.is_empty() && s.chars().all(is_alpha_char)
}

/// `str.isdigit()`.
pub(super) fn is_digit(s: &str) -> bool {
    !s.is_empty() && s.chars().all(is_digit_char)
}

/// `str.islower()`: no upper- or titlecase character and at least one lowercase one.
pub(super) fn is_lower(s: &str) -> bool {
    let mut cased = false;
    for c in s.chars() {
        if c.is_uppercase() || is_title_char(c) {
            return false;
        }
        cased |= c.is_lowercase();
    }
    cased
}

/// `str.isupper()`.
pub(super) fn is_upper(s: &str) -> bool {
    let mut cased = false;
    for c in s.chars() {
        if c.is_lowercase() || is_title_char(c) {
            return false;
        }
        cased |= c.is_uppercase();
    }
    cased
}

/// `str.istitle()`: upper- or titlecase characters only after uncased ones, lowercase
/// ones only after cased ones, and at least one cased character.
pub(super) fn is_title(s: &str) -> bool {
    let mut cased = false;
    let mut previous_cased = false;
    for c in s.chars() {
        if c.is_uppercase() || is_title_char(c) {
            if previous_cased {
                return false;
            }
            previous_cased = true;
            cased = true;
        } else if c.is_lowercase() {
            if !previous_cased {
                return false;
            }
            previous_cased = true;
            cased = true;
        } else {
            previous_cased = false;
        }
    }
    cased
}

/// spaCy's `is_punct`: every character in a Unicode punctuation category (P*).
pub(super) fn is_punct(s: &str) -> bool {
    s.chars().all(|c| {
        if c.is_ascii() {
            c.is_ascii_punctuation()
                && !matches!(c, '$' | '+' | '<' | '=' | '>' | '^' | '`' | '|' | '~')
        } else {
            categories().punct.contains(c)
        }
    })
}

/// spaCy's `is_space`: `str.isspace()`.
pub(super) fn is_space(s: &str) -> bool {
    !s.is_empty() && s.chars().all(py_isspace)
}

const NUM_WORDS: &[&str] = &[
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "hundred",
    "thousand",
    "million",
    "billion",
    "trillion",
    "quadrillion",
    "quintillion",
    "sextillion",
    "septillion",
    "octillion",
    "nonillion",
    "decillion",
    "gajillion",
    "bazillion",
];
const ORDINAL_WORDS: &[&str] = &[
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
    "thirtieth",
    "fortieth",
    "fiftieth",
    "sixtieth",
    "seventieth",
    "eightieth",
    "ninetieth",
    "hundredth",
    "thousandth",
    "millionth",
    "billionth",
    "trillionth",
    "quadrillionth",
    "quintillionth",
    "sextillionth",
    "septillionth",
    "octillionth",
    "nonillionth",
    "decillionth",
    "gajillionth",
    "bazillionth",
];

/// spaCy English `like_num` (spacy/lang/en/lex_attrs.py).
pub(super) fn like_num(s: &str) -> bool {
    let s = s
        .strip_prefix(['+', '-', '±', '~'])
        .unwrap_or(s)
        .replace([',', '.'], "");
    if is_digit(&s) {
        return true;
    }
    if s.matches('/').count() == 1
        && let Some((num, denom)) = s.split_once('/')
        && is_digit(num)
        && is_digit(denom)
    {
        return true;
    }
    let lower = s.to_lowercase();
    if NUM_WORDS.contains(&lower.as_str()) || ORDINAL_WORDS.contains(&lower.as_str()) {
        return true;
    }
    ["st", "nd", "rd", "th"]
        .iter()
        .any(|e| lower.strip_suffix(e).is_some_and(is_digit))
}

/// spaCy's `word_shape`: `X`, `x`, `d` for upper, lower, digit characters (others as
/// they are), at most four of the same in a row; `LONG` from 100 characters.
pub(super) fn shape(s: &str) -> String {
    if s.chars().count() >= 100 {
        return "LONG".into();
    }
    let mut out = String::new();
    let mut last = None;
    let mut seq = 0;
    for c in s.chars() {
        let shape = if is_alpha_char(c) {
            if c.is_uppercase() { 'X' } else { 'x' }
        } else if is_digit_char(c) {
            'd'
        } else {
            c
        };
        if Some(shape) == last {
            seq += 1;
        } else {
            seq = 0;
            last = Some(shape);
        }
        if seq < 4 {
            out.push(shape);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_string_predicates() {
        assert!(is_alpha("Syria") && is_alpha("سوريا") && !is_alpha("e\u{301}") && !is_alpha(""));
        assert!(is_digit("2014") && is_digit("²") && !is_digit("1.5") && !is_digit("٣a"));
        assert!(is_digit("٣"));
        assert!(is_lower("abc1") && !is_lower("1") && !is_lower("aB"));
        assert!(is_upper("HTS") && is_upper("U.S.") && !is_upper("Us"));
        assert!(is_title("Al") && is_title("Hello World") && !is_title("HTS") && !is_title("al"));
        assert!(is_title("ǅemal"));
        assert!(
            is_punct(",") && is_punct("“") && is_punct("...") && !is_punct("$") && !is_punct("a,")
        );
        assert!(like_num("10,000") && like_num("-3.5") && like_num("1/2") && like_num("Twenty"));
        assert!(like_num("21st") && like_num("third") && !like_num("a1") && !like_num("1/2/3"));
        assert_eq!(shape("Al-Sukhna"), "Xx-Xxxxx");
        assert_eq!(shape("2020"), "dddd");
        assert_eq!(shape("U.S."), "X.X.");
        assert_eq!(shape(&"a".repeat(100)), "LONG");
        assert!(py_isspace('\u{1f}') && py_isspace('\u{a0}') && !py_isspace('\u{200b}'));
    }
}
