//! Queries and their compiled form: the one place that knows how text is matched.

use super::words::cuts_word;
use regex_automata::{Anchored, Input};
use regex_syntax::hir::{Capture, Hir, HirKind, Look, Repetition};
use std::ops::ControlFlow;

/// What the user asked for. Compile it once with [`Query::compile`] and search with
/// the [`Compiled`] form as often as needed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Query {
    /// The text to find, or a regular expression (the `regex` crate's syntax) when
    /// `regex`.
    pub pattern: String,
    /// `pattern` is a regular expression. `^` and `$` match at line starts and ends
    /// (a news paragraph is a line; CRLF counts as one line end), `.` does not match a
    /// line break.
    pub regex: bool,
    /// Match case exactly. Otherwise matching uses Unicode simple case folding:
    /// `idlib` finds `IDLIB`, `rhône` finds `RHÔNE`, `straße` finds `STRAẞE` (but not
    /// `STRASSE`: one character never matches two).
    pub case_sensitive: bool,
    /// Keep only hits that do not cut a word (see [`super::words`]).
    pub whole_word: bool,
}

impl Query {
    /// A case-insensitive search for `pattern` as plain text (not whole words).
    pub fn plain(pattern: impl Into<String>) -> Self {
        Self {
            pattern: pattern.into(),
            ..Self::default()
        }
    }

    /// A regular expression, case-sensitive.
    pub fn regex(pattern: impl Into<String>) -> Self {
        Self {
            pattern: pattern.into(),
            regex: true,
            case_sensitive: true,
            ..Self::default()
        }
    }

    /// "Tag every other occurrence of this text": the selected text as plain,
    /// case-sensitive text, whole words only — unless the selection itself cuts a word
    /// (then whole-word search could never find it, so it is off).
    /// `text` is the document's text and `span` the selection.
    pub fn for_selection(
        text: &str,
        index: &crate::text::TextIndex,
        span: crate::text::CharSpan,
    ) -> Self {
        let (start, end) = match index.byte_range(span.range()) {
            Ok(r) => (r.start, r.end),
            Err(_) => (0, 0),
        };
        let selected = text.get(start..end).unwrap_or("");
        Self {
            pattern: selected.to_string(),
            regex: false,
            case_sensitive: true,
            whole_word: !selected.is_empty() && !cuts_word(text, start, end),
        }
    }

    /// Compile the query (once; cheap to clone and share between threads).
    pub fn compile(&self) -> Result<Compiled, QueryError> {
        if self.pattern.is_empty() {
            return Err(QueryError::Empty);
        }
        let engine = if !self.regex && (self.case_sensitive || !has_case(&self.pattern)) {
            Engine::Literal(Box::new(
                memchr::memmem::Finder::new(self.pattern.as_bytes()).into_owned(),
            ))
        } else if self.regex {
            build_regex(&self.pattern, !self.case_sensitive)?
        } else {
            build_regex(&regex_syntax::escape(&self.pattern), true)?
        };
        Ok(Compiled {
            query: self.clone(),
            engine,
        })
    }
}

/// Compiled regexes larger than this are refused (a typo like `\w{1000}{1000}`).
const REGEX_SIZE_LIMIT: usize = 64 << 20;

/// Whether case-insensitive matching of `s` differs from exact matching: some
/// character has another case (digits, punctuation, Arabic, CJK have none).
fn has_case(s: &str) -> bool {
    s.chars().any(|c| {
        let mut lower = c.to_lowercase();
        let mut upper = c.to_uppercase();
        !(lower.next() == Some(c)
            && lower.next().is_none()
            && upper.next() == Some(c)
            && upper.next().is_none())
    })
}

/// Why a query cannot be used. The message says what to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("type something to search for")]
    Empty,
    /// A syntax error; `column` is the 1-based character position in the pattern where
    /// it was found, when known. `detail` is the regex crate's full report (the pattern
    /// with a caret under the problem, for a monospace tooltip).
    #[error("not a valid regular expression: {message}{}", column.map(|c| format!(" (at character {c})")).unwrap_or_default())]
    BadRegex {
        message: String,
        column: Option<usize>,
        detail: String,
    },
    #[error("the regular expression is too large to run ({0}); use fewer or smaller repetitions")]
    TooLarge(String),
}

impl QueryError {
    fn from_syntax(e: &regex_syntax::Error) -> Self {
        let (message, column) = match e {
            regex_syntax::Error::Parse(p) => (p.kind().to_string(), Some(p.span().start.column)),
            regex_syntax::Error::Translate(t) => {
                (t.kind().to_string(), Some(t.span().start.column))
            }
            other => (other.to_string(), None),
        };
        QueryError::BadRegex {
            message,
            column,
            detail: e.to_string(),
        }
    }

    fn from_build(e: regex_automata::meta::BuildError) -> Self {
        match (e.size_limit(), e.syntax_error()) {
            (Some(limit), _) => QueryError::TooLarge(format!("over {} MB compiled", limit >> 20)),
            (None, Some(syntax)) => Self::from_syntax(syntax),
            (None, None) => QueryError::BadRegex {
                message: e.to_string(),
                column: None,
                detail: e.to_string(),
            },
        }
    }
}

/// Parse and compile a regular expression (`^`/`$` at line ends, CRLF aware). When it
/// has Unicode word-boundary assertions (`\b`, `\B`, `\b{start}`…), also compile it
/// without them: see [`Engine::Regex`].
fn build_regex(source: &str, case_insensitive: bool) -> Result<Engine, QueryError> {
    let hir = regex_syntax::ParserBuilder::new()
        .case_insensitive(case_insensitive)
        .multi_line(true)
        .crlf(true)
        .build()
        .parse(source)
        .map_err(|e| QueryError::from_syntax(&e))?;
    let config = regex_automata::meta::Config::new()
        .nfa_size_limit(Some(REGEX_SIZE_LIMIT))
        .onepass_size_limit(Some(REGEX_SIZE_LIMIT))
        .dfa_size_limit(Some(REGEX_SIZE_LIMIT))
        .which_captures(regex_automata::nfa::thompson::WhichCaptures::Implicit);
    let build = |hir: &Hir| {
        regex_automata::meta::Builder::new()
            .configure(config.clone())
            .build_from_hir(hir)
            .map_err(QueryError::from_build)
    };
    let re = build(&hir)?;
    let (relaxed, changed) = without_unicode_word_looks(&hir);
    let relaxed = if changed {
        Some(build(&relaxed)?)
    } else {
        None
    };
    Ok(Engine::Regex { re, relaxed })
}

/// `hir` with every Unicode word-boundary assertion replaced by the empty match, and
/// whether there was one. The result matches wherever `hir` does (and more).
fn without_unicode_word_looks(hir: &Hir) -> (Hir, bool) {
    let all = |subs: &[Hir]| {
        let (v, changed): (Vec<Hir>, Vec<bool>) =
            subs.iter().map(without_unicode_word_looks).unzip();
        (v, changed.contains(&true))
    };
    match hir.kind() {
        HirKind::Look(
            Look::WordUnicode
            | Look::WordUnicodeNegate
            | Look::WordStartUnicode
            | Look::WordEndUnicode
            | Look::WordStartHalfUnicode
            | Look::WordEndHalfUnicode,
        ) => (Hir::empty(), true),
        HirKind::Repetition(r) => {
            let (sub, changed) = without_unicode_word_looks(&r.sub);
            let rep = Repetition {
                sub: Box::new(sub),
                ..r.clone()
            };
            (Hir::repetition(rep), changed)
        }
        HirKind::Capture(c) => {
            let (sub, changed) = without_unicode_word_looks(&c.sub);
            let cap = Capture {
                sub: Box::new(sub),
                ..c.clone()
            };
            (Hir::capture(cap), changed)
        }
        HirKind::Concat(subs) => {
            let (v, changed) = all(subs);
            (Hir::concat(v), changed)
        }
        HirKind::Alternation(subs) => {
            let (v, changed) = all(subs);
            (Hir::alternation(v), changed)
        }
        _ => (hir.clone(), false),
    }
}

/// A compiled query: `Send + Sync`, cheap to clone, for any number of searches.
#[derive(Debug, Clone)]
pub struct Compiled {
    query: Query,
    engine: Engine,
}

#[derive(Debug, Clone)]
enum Engine {
    /// Exact bytes (case-sensitive plain text, or text without case): SIMD memmem.
    /// Boxed: a finder is ten times the size of the other variant.
    Literal(Box<memchr::memmem::Finder<'static>>),
    /// A regular expression, or plain text matched case-insensitively (escaped, with
    /// the regex engine's case-folded literal prefilters).
    ///
    /// The regex engine's fast lazy DFA cannot evaluate a Unicode `\b` on non-ASCII
    /// text (news has curly quotes and names in other scripts) and falls back to an
    /// NFA simulation, 9× slower over a project (BENCHMARKS.md). So a regex with such
    /// assertions is run as `relaxed` (the same without them, DFA speed) to find where
    /// a match can start, and `re` is run anchored at each such place to confirm it:
    /// every match of `re` is a match of `relaxed`, so the first confirmed start is
    /// `re`'s leftmost match.
    Regex {
        re: regex_automata::meta::Regex,
        relaxed: Option<regex_automata::meta::Regex>,
    },
}

/// One hit in UTF-8 bytes, with whether it cuts a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ByteHit {
    pub start: usize,
    pub end: usize,
    pub cuts_word: bool,
}

impl Compiled {
    pub fn query(&self) -> &Query {
        &self.query
    }

    /// Leftmost match in `text` starting at or after byte `at` (a char boundary).
    fn find_at(&self, text: &str, at: usize) -> Option<(usize, usize)> {
        match &self.engine {
            Engine::Literal(f) => f
                .find(&text.as_bytes()[at..])
                .map(|p| (at + p, at + p + f.needle().len())),
            Engine::Regex { re, relaxed: None } => re
                .search(&Input::new(text).range(at..))
                .map(|m| (m.start(), m.end())),
            Engine::Regex {
                re,
                relaxed: Some(relaxed),
            } => {
                let mut from = at;
                loop {
                    let start = relaxed.search(&Input::new(text).range(from..))?.start();
                    let anchored = Input::new(text).range(start..).anchored(Anchored::Yes);
                    if let Some(m) = re.search(&anchored) {
                        return Some((m.start(), m.end()));
                    }
                    from = next_boundary(text, start)?;
                }
            }
        }
    }

    /// Call `f` for each hit starting at or after byte `from`, in order and
    /// non-overlapping, until it breaks. Empty regex matches are never hits. With
    /// whole words, a candidate that cuts a word is dropped and the search goes on from
    /// the next character (so a candidate overlapping the dropped one is not missed).
    pub(crate) fn for_each_hit(
        &self,
        text: &str,
        from: usize,
        mut f: impl FnMut(ByteHit) -> ControlFlow<()>,
    ) {
        let mut at = from;
        while at <= text.len() {
            let Some((start, end)) = self.find_at(text, at) else {
                return;
            };
            if start == end {
                match next_boundary(text, end) {
                    Some(n) => at = n,
                    None => return,
                }
                continue;
            }
            let cuts = cuts_word(text, start, end);
            if cuts && self.query.whole_word {
                match next_boundary(text, start) {
                    Some(n) => at = n,
                    None => return,
                }
                continue;
            }
            if f(ByteHit {
                start,
                end,
                cuts_word: cuts,
            })
            .is_break()
            {
                return;
            }
            at = end;
        }
    }

    /// Whether `text` has at least one hit.
    pub fn is_match(&self, text: &str) -> bool {
        let mut found = false;
        self.for_each_hit(text, 0, |_| {
            found = true;
            ControlFlow::Break(())
        });
        found
    }
}

/// The char boundary after the character at byte `at`, or `None` at the end.
fn next_boundary(text: &str, at: usize) -> Option<usize> {
    text[at..].chars().next().map(|c| at + c.len_utf8())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(q: &Query, text: &str) -> Vec<(usize, usize)> {
        let c = q.compile().unwrap();
        let mut v = Vec::new();
        c.for_each_hit(text, 0, |h| {
            v.push((h.start, h.end));
            ControlFlow::Continue(())
        });
        v
    }

    #[test]
    fn bad_regex_says_what_and_where() {
        let e = Query::regex("Abdel (Rahman").compile().unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("unclosed group"), "{msg}");
        assert!(msg.contains("at character 7"), "{msg}");
        let QueryError::BadRegex { detail, .. } = &e else {
            panic!()
        };
        assert!(detail.contains('^'), "{detail}");
        assert_eq!(Query::plain("").compile().unwrap_err(), QueryError::Empty);
        let e = Query::regex(r"\p{Klingon}").compile().unwrap_err();
        assert!(e.to_string().contains("Unicode property not found"), "{e}");
        assert!(matches!(
            Query::regex(r"\w{1000}{1000}").compile(),
            Err(QueryError::TooLarge(_))
        ));
        // Plain text is never a regex: brackets are literal.
        assert_eq!(hits(&Query::plain("(Rahman"), "a (rahman"), vec![(2, 9)]);
    }

    #[test]
    fn empty_regex_matches_are_skipped() {
        assert_eq!(hits(&Query::regex("x*"), "axxbx"), vec![(1, 3), (4, 5)]);
        assert!(hits(&Query::regex("^"), "a\nb").is_empty());
    }

    #[test]
    fn case_insensitive_is_unicode_and_uncased_text_is_literal() {
        let q = Query::plain("rhône");
        assert_eq!(hits(&q, "LE RHÔNE"), vec![(3, 9)]);
        assert!(has_case("idlib") && !has_case("حلب 2014") && has_case("ß"));
        let c = Query::plain("حلب 2014").compile().unwrap();
        assert!(matches!(c.engine, Engine::Literal(_)));
        assert!(c.is_match("في حلب 2014"));
        // Kelvin sign and long s fold to k and s.
        assert_eq!(hits(&Query::plain("ks"), "\u{212A}\u{17F}"), vec![(0, 5)]);
    }

    /// The same query without the DFA pre-pass: the reference for word boundaries.
    fn strict(c: &Compiled) -> Compiled {
        let mut c = c.clone();
        if let Engine::Regex { relaxed, .. } = &mut c.engine {
            assert!(relaxed.is_some());
            *relaxed = None;
        }
        c
    }

    fn all(c: &Compiled, text: &str) -> Vec<ByteHit> {
        let mut v = Vec::new();
        c.for_each_hit(text, 0, |h| {
            v.push(h);
            ControlFlow::Continue(())
        });
        v
    }

    proptest::proptest! {
        #[test]
        fn word_boundary_pre_pass_changes_nothing(
            text in "(Idlib|idlib|ab|a|b| |-|’s|é|e\u{301}|🙂|حلب|\r\n|“|_|1){0,30}",
            pattern in proptest::sample::select(vec![
                r"\bidlib\b", r"\b\w+\b", r"\Bl\w*", r"\b{start}\w", r"\w+\b{end}", r"a\b",
                r"\b-", r"(?i)\bI\w+", r"\b\w+ \w+\b", r"é\b", r"\b{start-half}a", r"\b",
                r"b\B", r"(\bab|a)+", r"\b(?:حلب|a)\b",
            ]),
            whole_word in proptest::bool::ANY,
        ) {
            let c = Query { whole_word, ..Query::regex(pattern) }.compile().unwrap();
            proptest::prop_assert_eq!(all(&c, &text), all(&strict(&c), &text));
        }
    }

    #[test]
    fn regex_lines_and_crlf() {
        let q = Query::regex(r"^\w+$");
        assert_eq!(hits(&q, "Homs\r\nIdlib\nx y"), vec![(0, 4), (6, 11)]);
    }
}
