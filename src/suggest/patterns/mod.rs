//! spaCy/Prodigy `patterns.jsonl` (the EntityRuler's phrase and token patterns) and
//! plain regular expressions, matched the way spaCy 3.8's `entity_ruler` on
//! `spacy.blank("en")` matches them (checked by .ci/validators/spacy_patterns_check.py
//! on testdata/patterns/).
//!
//! One pattern per line:
//!
//! - `{"label": "ORG", "pattern": "Apple Inc."}`: a phrase, tokenized like the text and
//!   matched token by token on their exact text (`"attr": "LOWER"` on the line, an
//!   Entitle extension, matches lower-cased tokens: spaCy's `phrase_matcher_attr`, per
//!   line);
//! - `{"label": "GPE", "pattern": [{"LOWER": "san"}, {"LOWER": "francisco"}], "id": "Q62"}`:
//!   token patterns with `ORTH`/`TEXT`, `LOWER`, `SHAPE` (a string, or `IN`, `NOT_IN`,
//!   `REGEX` — Rust regex syntax, searched anywhere in the value like Python's
//!   `re.search`), `LENGTH` (a number, or `==` `!=` `>=` `<=` `>` `<` `IN` `NOT_IN`),
//!   `IS_ALPHA`, `IS_ASCII`, `IS_DIGIT`, `IS_LOWER`, `IS_UPPER`, `IS_TITLE`, `IS_PUNCT`,
//!   `IS_SPACE`, `LIKE_NUM` (true or false), `{}` for any token, and `OP` `!` `?` `*`
//!   `+` `{n}` `{n,m}` `{n,}` `{,m}`;
//! - `{"label": "DATE", "regex": "\\b\\d{1,2} (Jan|Feb)\\w*"}` (an Entitle extension):
//!   a regular expression on the text itself, not on tokens.
//!
//! Keys are case-insensitive as in spaCy. Tokens are spaCy's English tokens
//! (`tokenizer.rs`, see [`tokens`]); attributes are computed as spaCy computes them
//! (`chars.rs`). Not supported (the line is reported): attributes that need a trained
//! pipeline (`POS`, `TAG`, `DEP`, `LEMMA`, `ENT_TYPE` …) and the rarer lexical ones
//! (`NORM`, `PREFIX`, `SUFFIX`, `IS_STOP`, `LIKE_URL` …), custom `_` attributes,
//! `FUZZY`, set predicates (`IS_SUBSET` …), Python-only regex syntax (look-around,
//! back-references). Limits spaCy does not have: `{n,m}` up to 64, 256 steps per
//! pattern once operators are expanded, 256 tokens per token-pattern match.
//!
//! Matches are chosen as the EntityRuler chooses (`EntityRuler.match` and
//! `set_annotations`, the same rule as `spacy.util.filter_spans`): every match of every
//! phrase and token pattern, longest first (in tokens), the earlier of two as long; a
//! match is kept when neither its first nor its last token is in a kept one. spaCy
//! orders two matches of the same tokens with different labels by hash; here the
//! pattern read first wins. Regular-expression matches come after: longest first (in
//! code points), kept when they overlap nothing kept. So the result never overlaps.

mod chars;
mod parse;
mod tokenizer;

#[cfg(test)]
mod tests;

use super::{Engine, Suggestion};
use crate::model::Label;
use crate::text::CharSpan;
use parse::{Body, Cond, Quant, Step, StrAttr};
use regex_automata::meta::Regex;
use std::collections::HashMap;
use std::hash::Hasher;

/// The most tokens one token-pattern match may span. spaCy has no limit, but a pattern
/// such as `[{"OP": "*"}]` would otherwise try every pair of tokens of a long document.
const MAX_MATCH_TOKENS: usize = 256;

/// A line of a patterns file that could not be used (or, for a label that had to be
/// renamed, that was used and is reported).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{origin}:{line}: {message}")]
pub struct PatternError {
    pub origin: String,
    pub line: usize,
    pub message: String,
}

/// Who a match is for: spaCy's match id is the label and the pattern's id.
#[derive(Debug, Clone)]
struct Meta {
    label: Label,
    id: Option<String>,
}

/// A phrase: its tokens' texts (lower-cased for `"attr": "LOWER"`).
struct Phrase {
    meta: usize,
    tokens: Vec<String>,
}

struct TokenPattern {
    meta: usize,
    steps: Vec<Step>,
}

struct RegexPattern {
    meta: usize,
    re: Box<Regex>,
}

/// Patterns from patterns.jsonl files and regular expressions, ready to match.
#[derive(Default)]
pub struct Patterns {
    metas: Vec<Meta>,
    phrases: Vec<Phrase>,
    /// Phrases by the hash of their tokens ([`sequence_hash`]): `[0]` exact text, `[1]`
    /// lower-cased. One look-up per token and phrase length, however many phrases
    /// share a first word.
    phrase_index: [HashMap<u64, Vec<usize>>; 2],
    /// The lengths (tokens) phrases have, in `phrase_index[0]` and `[1]`.
    phrase_lengths: [Vec<usize>; 2],
    tokens: Vec<TokenPattern>,
    /// Token patterns whose first step needs one of a few texts: `[0]` ORTH, `[1]` LOWER.
    token_index: [HashMap<String, Vec<usize>>; 2],
    /// Token patterns tried at every token.
    token_scan: Vec<usize>,
    regexes: Vec<RegexPattern>,
}

impl std::fmt::Debug for Patterns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Patterns")
            .field("phrases", &self.phrases.len())
            .field("tokens", &self.tokens.len())
            .field("regexes", &self.regexes.len())
            .finish()
    }
}

/// A document's tokens with the two attributes every pattern may look at.
struct Doc {
    spans: Vec<(usize, usize)>,
    text: Vec<String>,
    lower: Vec<String>,
}

impl Doc {
    fn new(chars: &[char]) -> Doc {
        let spans = tokenizer::tokenize(chars);
        let text: Vec<String> = spans
            .iter()
            .map(|&(a, b)| chars[a..b].iter().collect())
            .collect();
        let lower = text.iter().map(|t| t.to_lowercase()).collect();
        Doc { spans, text, lower }
    }
}

impl Patterns {
    /// Add the patterns of one patterns.jsonl text (`origin` names the file in
    /// messages). Returns how many were added and the problems of lines that could not
    /// be used (a bad line is reported with its line number and skipped; the rest are
    /// used). A line whose label had to change to be usable (`"Job Title"` →
    /// `Job_Title`) is used, counted, and reported too. Never panics.
    pub fn add_jsonl(&mut self, text: &str, origin: &str) -> (usize, Vec<PatternError>) {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut added = 0;
        let mut problems = Vec::new();
        for (i, raw) in text.split('\n').enumerate() {
            let raw = raw.strip_suffix('\r').unwrap_or(raw);
            if raw.trim().is_empty() {
                continue;
            }
            let err = |message: String| PatternError {
                origin: origin.to_string(),
                line: i + 1,
                message,
            };
            match parse::line(raw) {
                Ok(line) => {
                    if let Some(old) = &line.renamed_from {
                        problems.push(err(format!(
                            "label {old:?} has white space or control characters: used as {:?}",
                            line.label.as_str()
                        )));
                    }
                    self.add(line.label, line.id, line.body);
                    added += 1;
                }
                Err(message) => problems.push(err(message)),
            }
        }
        (added, problems)
    }

    /// A plain regular expression for `label` (also reachable from JSONL as
    /// `{"label": "DATE", "regex": "..."}`, an Entitle extension). Rust regex syntax;
    /// `^` and `$` match at line ends. Matched on the text, not on tokens.
    pub fn add_regex(
        &mut self,
        label: Label,
        regex: &str,
        origin: &str,
        line: usize,
    ) -> Result<(), PatternError> {
        let err = |message: String| PatternError {
            origin: origin.to_string(),
            line,
            message,
        };
        if regex.is_empty() {
            return Err(err("empty regex".into()));
        }
        let re = parse::compile_regex(regex, true).map_err(err)?;
        self.add(label, None, Body::Regex(Box::new(re)));
        Ok(())
    }

    fn add(&mut self, label: Label, id: Option<String>, body: Body) {
        let meta = self.metas.len();
        self.metas.push(Meta { label, id });
        match body {
            Body::Phrase(text, lower) => {
                let chars: Vec<char> = text.chars().collect();
                let doc = Doc::new(&chars);
                let tokens = if lower { doc.lower } else { doc.text };
                // Never empty: a phrase of white space alone is one token (a run of it).
                if tokens.is_empty() {
                    return;
                }
                let m = usize::from(lower);
                let hashes: Vec<u64> = tokens.iter().map(|t| token_hash(t)).collect();
                self.phrase_index[m]
                    .entry(sequence_hash(&hashes))
                    .or_default()
                    .push(self.phrases.len());
                if let Err(at) = self.phrase_lengths[m].binary_search(&tokens.len()) {
                    self.phrase_lengths[m].insert(at, tokens.len());
                }
                self.phrases.push(Phrase { meta, tokens });
            }
            Body::Tokens(steps) => {
                let n = self.tokens.len();
                match index_keys(&steps) {
                    Some(keys) => {
                        for (lower, key) in keys {
                            self.token_index[usize::from(lower)]
                                .entry(key)
                                .or_default()
                                .push(n);
                        }
                    }
                    None => self.token_scan.push(n),
                }
                self.tokens.push(TokenPattern { meta, steps });
            }
            Body::Regex(re) => self.regexes.push(RegexPattern { meta, re }),
        }
    }

    /// How many patterns there are.
    pub fn len(&self) -> usize {
        self.metas.len()
    }

    pub fn is_empty(&self) -> bool {
        self.metas.is_empty()
    }

    /// Every match in `text`, engine = [`Engine::Pattern`], score 1.0, `id` = the
    /// pattern's `"id"` if it has one. Sorted by position; never overlapping.
    pub fn find(&self, text: &str) -> Vec<Suggestion> {
        if self.is_empty() || text.is_empty() {
            return Vec::new();
        }
        let chars: Vec<char> = text.chars().collect();
        let doc = Doc::new(&chars);
        // (start token, end token, pattern order)
        let mut matches: Vec<(usize, usize, usize)> = Vec::new();
        let mut candidates = Vec::new();
        let hashes: [Vec<u64>; 2] = [&doc.text, &doc.lower].map(|w| {
            if self.phrases.is_empty() {
                Vec::new()
            } else {
                w.iter().map(|t| token_hash(t)).collect()
            }
        });
        let n = doc.spans.len();
        for i in 0..n {
            for lower in [false, true] {
                let m = usize::from(lower);
                let words = if lower { &doc.lower } else { &doc.text };
                for &len in &self.phrase_lengths[m] {
                    if i + len > n {
                        break;
                    }
                    let Some(list) =
                        self.phrase_index[m].get(&sequence_hash(&hashes[m][i..i + len]))
                    else {
                        continue;
                    };
                    for &p in list {
                        // The hash only finds candidates: compare the tokens.
                        let phrase = &self.phrases[p];
                        if words[i..i + len] == phrase.tokens[..] {
                            matches.push((i, i + len, phrase.meta));
                        }
                    }
                }
                let key = &words[i];
                if let Some(list) = self.token_index[m].get(key) {
                    candidates.extend_from_slice(list);
                }
            }
            candidates.extend_from_slice(&self.token_scan);
            for &t in &candidates {
                let pattern = &self.tokens[t];
                for end in match_ends(&pattern.steps, &doc, i) {
                    matches.push((i, end, pattern.meta));
                }
            }
            candidates.clear();
        }
        // EntityRuler: longest first, then earliest, then (here) the pattern read first.
        matches.sort_unstable_by_key(|&(s, e, m)| (std::cmp::Reverse(e - s), s, m));
        let mut seen = vec![false; doc.spans.len()];
        let mut taken = vec![false; chars.len()];
        let mut out = Vec::new();
        for (s, e, m) in matches {
            if seen[s] || seen[e - 1] {
                continue;
            }
            seen[s..e].iter_mut().for_each(|x| *x = true);
            let (a, b) = (doc.spans[s].0, doc.spans[e - 1].1);
            taken[a..b].iter_mut().for_each(|x| *x = true);
            out.extend(self.suggestion(a, b, chars.len(), m));
        }
        // Regular expressions on the text: what they match where no token match is.
        let mut found: Vec<(usize, usize, usize)> = Vec::new();
        if !self.regexes.is_empty() {
            let char_at = byte_to_char(text);
            for r in &self.regexes {
                for m in r.re.find_iter(text) {
                    if !m.is_empty() {
                        found.push((char_at[m.start()], char_at[m.end()], r.meta));
                    }
                }
            }
        }
        found.sort_unstable_by_key(|&(s, e, m)| (std::cmp::Reverse(e - s), s, m));
        for (a, b, m) in found {
            if taken[a..b].iter().any(|&x| x) {
                continue;
            }
            taken[a..b].iter_mut().for_each(|x| *x = true);
            out.extend(self.suggestion(a, b, chars.len(), m));
        }
        out.sort_by_key(|s| s.span.start());
        out
    }

    fn suggestion(&self, a: usize, b: usize, len: usize, meta: usize) -> Option<Suggestion> {
        let meta = &self.metas[meta];
        Some(Suggestion {
            // Token and regex offsets lie inside the text and are non-empty.
            span: CharSpan::new(a, b, len).ok()?,
            label: meta.label.clone(),
            engine: Engine::Pattern,
            score: 1.0,
            id: meta.id.clone(),
        })
    }
}

fn token_hash(token: &str) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    h.write(token.as_bytes());
    h.finish()
}

/// The hash of a token sequence (of its tokens' [`token_hash`]es).
fn sequence_hash(hashes: &[u64]) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    for &x in hashes {
        h.write_u64(x);
    }
    h.finish()
}

/// The tokens patterns are matched on (spaCy's English tokens, [`tokenizer`]), as
/// `[start, end)` code-point offsets. White-space runs other than a single space are
/// tokens too.
pub fn tokens(text: &str) -> Vec<(usize, usize)> {
    let chars: Vec<char> = text.chars().collect();
    tokenizer::tokenize(&chars)
}

/// Code-point offset of every byte offset of `text` (and of its end).
fn byte_to_char(text: &str) -> Vec<usize> {
    let mut out = vec![0; text.len() + 1];
    let mut n = 0;
    for (b, c) in text.char_indices() {
        out[b..b + c.len_utf8()].iter_mut().for_each(|x| *x = n);
        n += 1;
    }
    out[text.len()] = n;
    out
}

/// The texts a token pattern's first token must have, when there are only a few: the
/// first step takes exactly one token and needs a given ORTH or LOWER (or one of a
/// list). `None`: try the pattern at every token.
fn index_keys(steps: &[Step]) -> Option<Vec<(bool, String)>> {
    let first = steps.first()?;
    if first.quant != Quant::One || first.negate {
        return None;
    }
    first.conds.iter().find_map(|c| match c {
        Cond::Str(a @ (StrAttr::Orth | StrAttr::Lower), v) => {
            Some(vec![(*a == StrAttr::Lower, v.clone())])
        }
        Cond::StrIn(a @ (StrAttr::Orth | StrAttr::Lower), set, false) => Some(
            set.iter()
                .map(|v| (*a == StrAttr::Lower, v.clone()))
                .collect(),
        ),
        _ => None,
    })
}

fn step_matches(step: &Step, doc: &Doc, i: usize) -> bool {
    let ok = step
        .conds
        .iter()
        .all(|c| parse::holds(c, &doc.text[i], &doc.lower[i]));
    ok != step.negate
}

/// Every end (exclusive token index) of a match of `steps` starting at token `start`,
/// as spaCy's Matcher finds them: all of them, without empty matches.
fn match_ends(steps: &[Step], doc: &Doc, start: usize) -> Vec<usize> {
    let n = steps.len();
    // States: how many steps are done. Optional steps can be passed without a token.
    let closure = |set: &mut Vec<bool>| {
        for k in 0..n {
            if set[k] && steps[k].quant != Quant::One {
                set[k + 1] = true;
            }
        }
    };
    let mut cur = vec![false; n + 1];
    cur[0] = true;
    closure(&mut cur);
    let mut ends = Vec::new();
    let last = doc.spans.len().min(start + MAX_MATCH_TOKENS);
    for i in start..last {
        let mut next = vec![false; n + 1];
        let mut any = false;
        for k in 0..n {
            if cur[k] && step_matches(&steps[k], doc, i) {
                match steps[k].quant {
                    Quant::One | Quant::ZeroOne => next[k + 1] = true,
                    Quant::ZeroPlus => next[k] = true,
                }
                any = true;
            }
        }
        if !any {
            break;
        }
        closure(&mut next);
        if next[n] {
            ends.push(i + 1);
        }
        cur = next;
    }
    ends
}
