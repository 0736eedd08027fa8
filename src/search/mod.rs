//! Search, the document-list filter and annotate-all. No UI: the app wires these.
//!
//! - [`Query`] → [`Query::compile`] → [`Compiled`]: plain text (SIMD `memmem`, or the
//!   regex crate's case-folded literal search when case-insensitive) or a regular
//!   expression; optionally whole words only ([`words`] defines a word).
//! - In one document: [`find_all`] / [`find_matches`] / [`find_in_range`] give hits as
//!   [`CharSpan`]s (code points, the model's unit), in order, never overlapping.
//! - In a whole project: a [`Corpus`] keeps every document's text in memory (loaded
//!   once in the background, updated when a document changes) and
//!   [`spawn_search`] searches it on every core, streaming [`DocHits`] with context
//!   snippets in document order, cancellable, with caps on what is kept.
//!   [`collect_matches`] gives every hit's span (no caps) for annotate-all.
//! - [`DocFilter`]: the document list's filter syntax (title, status, labels, text).
//! - [`plan_annotate_all`] → [`Plan`]: which hits become spans and which are skipped
//!   and why; [`Plan::command`] turns it into one undoable [`crate::edit::Command`]
//!   across documents.
//!
//! # Annotate-all in one document
//!
//! ```
//! use entitle::edit::Workspace;
//! use entitle::model::{AnnotationSet, DocId, Label};
//! use entitle::search::{PlanDoc, PlanOptions, Query, find_matches, plan_annotate_all};
//! use entitle::text::TextIndex;
//!
//! let text = "Rami Abdel Rahman said Rahman’s team met in Idlib.";
//! let index = TextIndex::new(text);
//! let doc = DocId::new("afp-1").unwrap();
//! let mut workspace = Workspace::new();
//! workspace.insert_doc(doc.clone(), AnnotationSet::new(), index.len_chars(), None);
//!
//! let query = Query { whole_word: true, ..Query::plain("rahman") }.compile().unwrap();
//! let hits = find_matches(text, &index, &query);
//! let label = Label::new("PER").unwrap();
//! let set = &workspace.doc(&doc).unwrap().set;
//! let part = PlanDoc { doc: &doc, hits: &hits, set, read_only: false };
//! let plan = plan_annotate_all([part], &label, PlanOptions::default());
//! assert_eq!(plan.summary(), "Add 2 PER spans in 1 document.");
//!
//! let command = plan.command(&workspace, "alice", chrono::Utc::now()).unwrap();
//! workspace.apply(command, "Annotate all “Rahman” as PER").unwrap();
//! assert_eq!(workspace.doc(&doc).unwrap().set.len(), 2);
//! workspace.undo().unwrap(); // one step undoes all of them
//! ```
//!
//! Offsets: the engines work on UTF-8 bytes, and each hit is converted to code points
//! once: in an open document through its [`TextIndex`] (identity for ASCII, else a
//! binary search), in the corpus by counting forward from the previous hit (hits come
//! in order), so a document costs at most one counting pass however many hits it has.

mod corpus;
mod filter;
mod plan;
mod project;
mod query;
pub mod words;

pub use corpus::{Corpus, CorpusDoc, CorpusLoad, LoadFailure};
pub use filter::{DocFacts, DocFilter, FilterTerm, labels_present};
pub use plan::{Plan, PlanDoc, PlanOptions, SkipReason, Skipped, plan_annotate_all};
pub use project::{
    DocHits, Hit, Limits, SearchEvent, SearchHandle, SearchSummary, collect_matches, search_corpus,
    spawn_search,
};
pub use query::{Compiled, Query, QueryError};

use crate::text::{CharSpan, TextIndex};
use std::ops::{ControlFlow, Range};

/// One hit in a document, with whether it cuts a word (always false for whole-word
/// queries, whose hits never do).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    pub span: CharSpan,
    pub cuts_word: bool,
}

/// Every hit of `query` in `text` (indexed by `index`), in order, non-overlapping.
pub fn find_all(text: &str, index: &TextIndex, query: &Compiled) -> Vec<CharSpan> {
    find_matches(text, index, query)
        .into_iter()
        .map(|f| f.span)
        .collect()
}

/// [`find_all`] with, for each hit, whether it cuts a word (for annotate-all).
pub fn find_matches(text: &str, index: &TextIndex, query: &Compiled) -> Vec<Found> {
    let mut out = Vec::new();
    scan(text, index, query, 0, usize::MAX, &mut out);
    out
}

/// Hits that start inside the char range `chars` (for highlighting the visible rows):
/// the search starts at `chars.start` and stops at the first hit starting at or after
/// `chars.end`; a hit may end past `chars.end`. Regex look-around (`^`, `\b`) sees the
/// text outside the range. Because hits never overlap, a hit of [`find_all`] that
/// starts before `chars.start` and overlaps it is not reported here, and in rare
/// self-overlapping cases (`aa` in `aaa`) the hits can differ from [`find_all`]'s: for
/// exact agreement, run [`find_all`] once per document and keep the result.
pub fn find_in_range(
    text: &str,
    index: &TextIndex,
    query: &Compiled,
    chars: Range<usize>,
) -> Vec<CharSpan> {
    let Ok(from) = index.byte_from_char(chars.start.min(index.len_chars())) else {
        return Vec::new();
    };
    let until = index
        .byte_from_char(chars.end.min(index.len_chars()))
        .unwrap_or(text.len());
    let mut out = Vec::new();
    scan(text, index, query, from, until, &mut out);
    out.into_iter().map(|f| f.span).collect()
}

/// Hits starting at byte `from` and before byte `until`, into `out`.
fn scan(
    text: &str,
    index: &TextIndex,
    query: &Compiled,
    from: usize,
    until: usize,
    out: &mut Vec<Found>,
) {
    query.for_each_hit(text, from, |h| {
        if h.start >= until {
            return ControlFlow::Break(());
        }
        let (Ok(s), Ok(e)) = (index.char_from_byte(h.start), index.char_from_byte(h.end)) else {
            // Unreachable for the indexed text: hits are on char boundaries.
            return ControlFlow::Break(());
        };
        if let Ok(span) = CharSpan::new(s, e, index.len_chars()) {
            out.push(Found {
                span,
                cuts_word: h.cuts_word,
            });
        }
        ControlFlow::Continue(())
    });
}

/// Converts increasing byte offsets of one text to char offsets in one forward pass
/// (for texts without a [`TextIndex`], such as the corpus's).
pub(crate) struct CharCounter<'t> {
    text: &'t str,
    ascii: bool,
    byte: usize,
    chars: usize,
}

impl<'t> CharCounter<'t> {
    pub fn new(text: &'t str, ascii: bool) -> Self {
        Self {
            text,
            ascii,
            byte: 0,
            chars: 0,
        }
    }

    /// Char offset of byte `b` (a char boundary, not below the previous call's).
    pub fn char_at(&mut self, b: usize) -> usize {
        if self.ascii {
            return b;
        }
        debug_assert!(b >= self.byte);
        self.chars += self.text[self.byte..b].chars().count();
        self.byte = b;
        self.chars
    }
}

#[cfg(test)]
mod tests;
