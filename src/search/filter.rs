//! The document list's filter.
//!
//! # Syntax
//!
//! Terms are separated by spaces; a document is shown when it matches **every** term.
//! Matching ignores case (Unicode case folding) everywhere.
//!
//! | term | a document matches when |
//! |---|---|
//! | `homs` | its id, title or text contains `homs`, or `homs` names its status, or it has a span with that label (`per` matches `PER`) |
//! | `"Abdel Rahman"` | quotes keep spaces in any term |
//! | `status:done` | its status is done; also `status:new`, `status:progress` (or `in-progress`, `started`), `status:review` |
//! | `done`, `new`, `in-progress` | as a plain word: the status, or a title containing the word |
//! | `label:PER` | it has at least one `PER` span; `label:any` some span, `label:none` none |
//! | `text:Idlib`, `text:"Abdel Rahman"` | its text contains it (needs the corpus: see below) |
//! | `title:raqqa`, `id:afp/2020` | only the title, only the id |
//! | `-term` | negation: the document does *not* match `term` (`-status:done`) |
//!
//! The status is the one the list shows: done when marked done, in progress when it
//! has spans or was marked so, new otherwise. A word with an unknown `key:` (`10:30`)
//! is a plain word. `text:` terms look at [`DocFacts::text`]; a document whose text is
//! not given does not match them (the app should say the texts are still loading:
//! [`DocFilter::needs_text`]).

use super::query::{Compiled, Query};
use crate::model::{AnnotationSet, DocId, DocStatus, Label};

/// What the filter looks at for one document.
#[derive(Debug, Clone, Copy)]
pub struct DocFacts<'a> {
    pub id: &'a DocId,
    pub title: &'a str,
    /// The stored status and span count (the session's `Summary`).
    pub status: DocStatus,
    pub spans: usize,
    /// Labels with at least one span (any order; [`labels_present`] makes it).
    pub labels: &'a [Label],
    /// The document's text, when known (from the [`super::Corpus`]).
    pub text: Option<&'a str>,
}

/// The distinct labels of a set's spans, sorted.
pub fn labels_present(set: &AnnotationSet) -> Vec<Label> {
    let mut v: Vec<Label> = set.iter().map(|s| s.label.clone()).collect();
    v.sort();
    v.dedup();
    v
}

/// One parsed term.
#[derive(Debug, Clone)]
pub enum FilterTerm {
    /// Id or title contains it, or it is the status or a label present.
    Word(Compiled, String),
    Title(Compiled),
    Id(Compiled),
    Status(DocStatus),
    Label(String),
    AnyLabel,
    NoLabel,
    Text(Compiled),
}

/// A parsed filter: build it when the filter box changes, test each document with
/// [`DocFilter::matches`].
#[derive(Debug, Clone, Default)]
pub struct DocFilter {
    terms: Vec<(bool, FilterTerm)>,
}

fn status_named(word: &str) -> Option<DocStatus> {
    match word.to_lowercase().as_str() {
        "new" => Some(DocStatus::New),
        "progress" | "in-progress" | "in_progress" | "inprogress" | "started" => {
            Some(DocStatus::InProgress)
        }
        "done" => Some(DocStatus::Done),
        "review" | "needs-review" | "needs_review" | "needsreview" => Some(DocStatus::NeedsReview),
        _ => None,
    }
}

/// The status the document list shows.
fn shown_status(status: DocStatus, spans: usize) -> DocStatus {
    match status {
        DocStatus::Done => DocStatus::Done,
        DocStatus::NeedsReview => DocStatus::NeedsReview,
        _ if spans > 0 => DocStatus::InProgress,
        s => s,
    }
}

/// Split the filter into `(negated, key, value)` tokens; quotes keep spaces.
fn tokens(filter: &str) -> Vec<(bool, Option<String>, String)> {
    let mut out = Vec::new();
    let mut chars = filter.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.peek().is_none() {
            return out;
        }
        let negated = chars.next_if_eq(&'-').is_some();
        let (mut key, mut value, mut quoted) = (None, String::new(), false);
        for c in chars.by_ref() {
            match c {
                '"' => quoted = !quoted,
                c if c.is_whitespace() && !quoted => break,
                ':' if key.is_none() && !quoted && !value.is_empty() => {
                    key = Some(std::mem::take(&mut value));
                }
                c => value.push(c),
            }
        }
        if negated && key.is_none() && value.is_empty() {
            value.push('-');
            out.push((false, None, value));
        } else {
            out.push((negated, key, value));
        }
    }
}

fn contains(value: &str) -> Option<Compiled> {
    Query::plain(value).compile().ok()
}

impl DocFilter {
    /// Parse a filter (never fails: anything unrecognised is a plain word).
    pub fn new(filter: &str) -> Self {
        let mut terms = Vec::new();
        for (negated, key, value) in tokens(filter) {
            let key_l = key.as_deref().map(str::to_lowercase);
            let term = match key_l.as_deref() {
                Some("status") => status_named(&value).map(FilterTerm::Status),
                Some("label") => Some(match value.to_lowercase().as_str() {
                    "any" | "*" => FilterTerm::AnyLabel,
                    "none" => FilterTerm::NoLabel,
                    _ => FilterTerm::Label(value.clone()),
                }),
                Some("text") => contains(&value).map(FilterTerm::Text),
                Some("title") => contains(&value).map(FilterTerm::Title),
                Some("id") => contains(&value).map(FilterTerm::Id),
                _ => {
                    let word = match key {
                        Some(k) => format!("{k}:{value}"),
                        None => value,
                    };
                    contains(&word).map(|c| FilterTerm::Word(c, word))
                }
            };
            if let Some(term) = term.filter(|t| !matches!(t, FilterTerm::Label(l) if l.is_empty()))
            {
                terms.push((negated, term));
            }
        }
        Self { terms }
    }

    /// No terms: every document matches.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Whether some term looks at document texts (`text:`).
    pub fn needs_text(&self) -> bool {
        self.terms
            .iter()
            .any(|(_, t)| matches!(t, FilterTerm::Text(_)))
    }

    pub fn terms(&self) -> impl Iterator<Item = (bool, &FilterTerm)> {
        self.terms.iter().map(|(n, t)| (*n, t))
    }

    /// Whether the document passes the filter.
    pub fn matches(&self, doc: &DocFacts<'_>) -> bool {
        self.terms
            .iter()
            .all(|(negated, term)| term_matches(term, doc) != *negated)
    }

    /// Positions in `docs` that pass, using every core when texts are searched.
    pub fn matching(&self, docs: &[DocFacts<'_>]) -> Vec<usize> {
        let threads = super::project::threads();
        if !self.needs_text() || threads < 2 || docs.len() < 64 {
            return (0..docs.len())
                .filter(|&i| self.matches(&docs[i]))
                .collect();
        }
        let per = docs.len().div_ceil(threads);
        std::thread::scope(|s| {
            let parts: Vec<_> = docs
                .chunks(per)
                .enumerate()
                .map(|(k, part)| {
                    s.spawn(move || {
                        (0..part.len())
                            .filter(|&i| self.matches(&part[i]))
                            .map(|i| k * per + i)
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            parts
                .into_iter()
                .flat_map(|p| p.join().unwrap_or_default())
                .collect()
        })
    }
}

fn term_matches(term: &FilterTerm, doc: &DocFacts<'_>) -> bool {
    let folded = |s: &str| s.chars().flat_map(char::to_lowercase).collect::<Vec<_>>();
    let has_label = |name: &str| {
        let name = folded(name);
        doc.labels.iter().any(|l| {
            l.chars()
                .flat_map(char::to_lowercase)
                .eq(name.iter().copied())
        })
    };
    match term {
        FilterTerm::Word(c, word) => {
            c.is_match(doc.id.as_str())
                || c.is_match(doc.title)
                || status_named(word) == Some(shown_status(doc.status, doc.spans))
                || has_label(word)
                || doc.text.is_some_and(|t| c.is_match(t))
        }
        FilterTerm::Title(c) => c.is_match(doc.title),
        FilterTerm::Id(c) => c.is_match(doc.id.as_str()),
        FilterTerm::Status(s) => shown_status(doc.status, doc.spans) == *s,
        FilterTerm::Label(name) => has_label(name),
        FilterTerm::AnyLabel => doc.spans > 0,
        FilterTerm::NoLabel => doc.spans == 0,
        FilterTerm::Text(c) => doc.text.is_some_and(|t| c.is_match(t)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Doc {
        id: DocId,
        title: &'static str,
        status: DocStatus,
        labels: Vec<Label>,
        text: Option<&'static str>,
    }

    fn doc(id: &str, title: &'static str, status: DocStatus, labels: &[&str]) -> Doc {
        Doc {
            id: DocId::new(id).unwrap(),
            title,
            status,
            labels: labels.iter().map(|l| Label::new(l).unwrap()).collect(),
            text: None,
        }
    }

    fn facts(d: &Doc) -> DocFacts<'_> {
        DocFacts {
            id: &d.id,
            title: d.title,
            status: d.status,
            spans: d.labels.len(),
            labels: &d.labels,
            text: d.text,
        }
    }

    fn hits(filter: &str, docs: &[Doc]) -> Vec<usize> {
        let f = DocFilter::new(filter);
        let facts: Vec<_> = docs.iter().map(facts).collect();
        f.matching(&facts)
    }

    #[test]
    fn the_syntax() {
        let mut docs = vec![
            doc(
                "afp/homs-1",
                "Shelling in HOMS",
                DocStatus::Done,
                &["GPE", "PER"],
            ),
            doc("afp/idlib", "Aid reaches Idlib", DocStatus::New, &[]),
            doc(
                "reuters/new-york",
                "New York talks",
                DocStatus::New,
                &["ORG"],
            ),
            doc("x/ﬁle", "Réunion à Genève", DocStatus::InProgress, &[]),
        ];
        docs[1].text = Some("Rami Abdel Rahman said, in IDLIB…");
        assert_eq!(hits("", &docs), vec![0, 1, 2, 3]);
        assert_eq!(hits("homs", &docs), vec![0]);
        assert_eq!(hits("afp", &docs), vec![0, 1]);
        assert_eq!(hits("status:done", &docs), vec![0]);
        assert_eq!(hits("-status:done", &docs), vec![1, 2, 3]);
        // "new" as a word: the status shown (ORG spans make doc 2 in progress) or the title.
        assert_eq!(hits("new", &docs), vec![1, 2]);
        assert_eq!(hits("status:new", &docs), vec![1]);
        assert_eq!(hits("in-progress", &docs), vec![2, 3]);
        assert_eq!(hits("label:per", &docs), vec![0]);
        assert_eq!(hits("per", &docs), vec![0]);
        assert_eq!(hits("label:none", &docs), vec![1, 3]);
        assert_eq!(hits("label:any -label:GPE", &docs), vec![2]);
        assert_eq!(hits("text:idlib", &docs), vec![1]);
        assert_eq!(hits("text:\"abdel rahman\"", &docs), vec![1]);
        assert_eq!(hits("\"york talks\"", &docs), vec![2]);
        assert_eq!(hits("title:afp", &docs), Vec::<usize>::new());
        assert_eq!(hits("id:afp homs", &docs), vec![0]);
        assert_eq!(hits("genève", &docs), vec![3]);
        assert_eq!(hits("GENÈVE réunion", &docs), vec![3]);
        assert_eq!(hits("10:30", &docs), Vec::<usize>::new());
        assert_eq!(hits("-", &docs), vec![0, 2], "a lone dash is a word");
        assert!(DocFilter::new("text:x").needs_text());
        assert!(!DocFilter::new("label:PER").needs_text());
    }

    #[test]
    fn many_documents_use_every_core_and_keep_order() {
        let docs: Vec<Doc> = (0..500)
            .map(|i| {
                let mut d = doc(&format!("d{i}"), "t", DocStatus::New, &[]);
                d.text = Some(if i % 7 == 0 { "has Aleppo" } else { "nothing" });
                d
            })
            .collect();
        let expect: Vec<usize> = (0..500).filter(|i| i % 7 == 0).collect();
        assert_eq!(hits("text:aleppo", &docs), expect);
    }
}
