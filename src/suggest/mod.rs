//! Suggestions that learn from the analyst (issue 9): engines that propose spans the
//! analyst accepts or rejects with one key. All local, pure Rust, nothing leaves the
//! machine.
//!
//! - [`same_string`]: every string the analyst tagged, proposed wherever else it occurs
//!   (whole words), with the label most often given to it.
//! - [`gazetteer`]: term lists in the project's `gazetteers/` (CSV, TSV, JSONL), matched
//!   on word boundaries with Aho-Corasick.
//! - [`patterns`]: spaCy/Prodigy `patterns.jsonl` (phrase and token patterns) and plain
//!   regular expressions.
//! - [`tagger`]: a statistical tagger trained on the project's annotations.
//!
//! Every engine works on a document's text and returns [`Suggestion`]s in code-point
//! offsets (the model's unit). What was already annotated or rejected is filtered out
//! by [`filter_new`], not by the engines.

pub mod engines;
pub mod gazetteer;
pub mod matcher;
pub mod patterns;
pub mod same_string;
pub mod tagger;
pub mod worker;

use crate::model::Label;
use crate::text::CharSpan;

/// Which engine proposed a suggestion; written as the accepted span's `source`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Engine {
    SameString,
    Gazetteer,
    Pattern,
    Model,
}

impl Engine {
    pub const ALL: [Engine; 4] = [
        Engine::SameString,
        Engine::Gazetteer,
        Engine::Pattern,
        Engine::Model,
    ];

    /// The name in files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Engine::SameString => "same-string",
            Engine::Gazetteer => "gazetteer",
            Engine::Pattern => "pattern",
            Engine::Model => "model",
        }
    }

    /// From [`Engine::name`] (also `patterns` for [`Engine::Pattern`]).
    pub fn parse(name: &str) -> Option<Engine> {
        match name {
            "same-string" => Some(Engine::SameString),
            "gazetteer" | "gazetteers" => Some(Engine::Gazetteer),
            "pattern" | "patterns" => Some(Engine::Pattern),
            "model" => Some(Engine::Model),
            _ => None,
        }
    }
}

impl std::fmt::Display for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A proposed span: where, which label, who proposed it and how sure it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub span: CharSpan,
    pub label: Label,
    pub engine: Engine,
    /// Confidence in `0.0..=1.0` (1.0 for exact dictionary and pattern matches).
    pub score: f32,
    /// A knowledge-base id the engine knows for it (a gazetteer's third column).
    pub id: Option<String>,
}

/// One document the engines learn from: its text and the analyst's spans, in
/// code-point offsets, and the suggestions they rejected (negative examples).
#[derive(Debug, Clone, Copy)]
pub struct Example<'a> {
    pub text: &'a str,
    pub spans: &'a [(CharSpan, Label)],
    pub rejected: &'a [(CharSpan, Label)],
    /// The analyst marked the document done: a tagged string left untagged there counts
    /// against tagging it (same-string's score). Unfinished documents only count what
    /// was tagged or rejected.
    pub complete: bool,
}

/// Drop suggestions that are already annotated (same offsets, any label), rejected
/// (same offsets and label), or duplicates of a better one at the same offsets and
/// label; the result is sorted by position.
pub fn filter_new(
    mut suggestions: Vec<Suggestion>,
    annotated: &[CharSpan],
    rejected: &[(CharSpan, Label)],
) -> Vec<Suggestion> {
    let annotated: std::collections::HashSet<CharSpan> = annotated.iter().copied().collect();
    suggestions.retain(|s| {
        !annotated.contains(&s.span) && !rejected.iter().any(|(r, l)| *r == s.span && *l == s.label)
    });
    // Best first within the same place and label, then keep the first of each.
    suggestions.sort_by(|a, b| {
        (a.span.start(), a.span.end(), &a.label)
            .cmp(&(b.span.start(), b.span.end(), &b.label))
            .then(b.score.total_cmp(&a.score))
    });
    suggestions.dedup_by(|b, a| a.span == b.span && a.label == b.label);
    suggestions
}
