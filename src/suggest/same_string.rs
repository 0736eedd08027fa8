//! Same-string: every string the analyst has tagged is proposed wherever else it occurs
//! (whole words), with the label most often given to it.
//!
//! Its score estimates how often that is right, from the project's evidence: of the
//! occurrences the analyst has judged — tagged with the label, rejected, or left
//! untagged in a document marked done — the share tagged, by Laplace's rule of
//! succession, `(tagged + 1) / (judged + 2)`. A string tagged once scores 0.67; it
//! reaches 0.9 after eight tags and no misses. (Scoring every tagged string 1.0, as a
//! first version did, made same-string the least precise source of "sure" suggestions
//! on WikiGold: BENCHMARKS.md.) A pair rejected at least as often as it was given is
//! not proposed.

use super::matcher::{Dictionary, fold};
use super::{Engine, Example, Suggestion};
use crate::model::Label;
use crate::text::CharSpan;
use std::collections::HashMap;

/// How strings are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SameStringOptions {
    /// Exact case only ("US" is not "us"). Off: case-folded, but a string tagged only in
    /// capitals is never proposed in lower case (see [`SameString::suggest`]).
    pub case_sensitive: bool,
    /// Strings shorter than this (in characters) are not proposed: "A", "It".
    pub min_chars: usize,
}

impl Default for SameStringOptions {
    fn default() -> Self {
        Self {
            case_sensitive: false,
            min_chars: 2,
        }
    }
}

struct Entry {
    label: Label,
    score: f32,
    /// Any letter of the tagged strings was upper case: proposed only where the text
    /// has an upper-case letter too (so "Bush" is not proposed for "bush").
    has_upper: bool,
    /// Evidence for the score: tagged with `label`, rejected with it, and left
    /// untagged in finished documents.
    given: u32,
    rejected: u32,
    untagged: u32,
}

/// The dictionary of tagged strings.
pub struct SameString {
    dict: Dictionary,
    entries: Vec<Entry>,
    options: SameStringOptions,
}

impl SameString {
    /// Learn the tagged strings of `examples`.
    pub fn build(examples: &[Example<'_>], options: SameStringOptions) -> Self {
        // key → label → (given, rejected); has_upper per key.
        type PerLabel = HashMap<Label, (u32, u32)>;
        let mut counts: HashMap<String, (PerLabel, bool)> = HashMap::new();
        for ex in examples {
            let ix = crate::text::TextIndex::new(ex.text);
            let mut add = |span: &CharSpan, label: &Label, rejected: bool| {
                let Some(s) = slice(ex.text, &ix, *span) else {
                    return;
                };
                let s = s.trim();
                if s.chars().count() < options.min_chars || !s.chars().any(char::is_alphanumeric) {
                    return;
                }
                let key = if options.case_sensitive {
                    s.to_string()
                } else {
                    fold(s)
                };
                let e = counts.entry(key).or_default();
                e.1 |= s.chars().any(char::is_uppercase);
                let c = e.0.entry(label.clone()).or_default();
                if rejected {
                    c.1 += 1;
                } else {
                    c.0 += 1;
                }
            };
            for (span, label) in ex.spans {
                add(span, label, false);
            }
            for (span, label) in ex.rejected {
                add(span, label, true);
            }
        }
        let mut terms = Vec::new();
        let mut entries = Vec::new();
        let mut keys: Vec<_> = counts.into_iter().collect();
        keys.sort_by(|a, b| a.0.cmp(&b.0));
        for (key, (labels, has_upper)) in keys {
            // The label given most often (ties: the name, for a stable choice).
            let Some((label, (given, rejected))) = labels
                .into_iter()
                .filter(|(_, (g, _))| *g > 0)
                .max_by(|a, b| a.1.0.cmp(&b.1.0).then(b.0.cmp(&a.0)))
            else {
                continue;
            };
            if rejected >= given {
                continue;
            }
            terms.push(key);
            entries.push(Entry {
                label,
                score: 0.0,
                has_upper,
                given,
                rejected,
                untagged: 0,
            });
        }
        let dict = Dictionary::new(&terms, !options.case_sensitive)
            .unwrap_or_else(|_| Dictionary::empty());
        let mut me = Self {
            dict,
            entries,
            options,
        };
        // Occurrences left untagged (with the entry's label) in finished documents.
        for ex in examples.iter().filter(|e| e.complete) {
            let tagged: std::collections::HashSet<(CharSpan, &Label)> =
                ex.spans.iter().map(|(s, l)| (*s, l)).collect();
            let rejected: std::collections::HashSet<(CharSpan, &Label)> =
                ex.rejected.iter().map(|(s, l)| (*s, l)).collect();
            for (term, span) in me.occurrences(ex.text) {
                let Some(entry) = me.entries.get_mut(term) else {
                    continue;
                };
                let label = &entry.label;
                if !tagged.contains(&(span, label)) && !rejected.contains(&(span, label)) {
                    entry.untagged += 1;
                }
            }
        }
        for e in &mut me.entries {
            let judged = e.given + e.rejected + e.untagged;
            e.score = (e.given as f32 + 1.0) / (judged as f32 + 2.0);
        }
        me
    }

    /// `(entry, span)` of every whole-word occurrence of a known string in `text`.
    fn occurrences(&self, text: &str) -> Vec<(usize, CharSpan)> {
        let len = text.chars().count();
        let mut out = Vec::new();
        for hit in self.dict.find(text, None) {
            let Some(entry) = self.entries.get(hit.term) else {
                continue;
            };
            if entry.has_upper
                && !self.options.case_sensitive
                && !text
                    .get(hit.bytes.clone())
                    .is_some_and(|f| f.chars().any(char::is_uppercase))
            {
                continue;
            }
            if let Ok(span) = CharSpan::new(hit.start, hit.end, len) {
                out.push((hit.term, span));
            }
        }
        out
    }

    /// How many distinct strings it knows.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every occurrence in `text` of a string the analyst tagged.
    pub fn suggest(&self, text: &str) -> Vec<Suggestion> {
        if self.entries.is_empty() {
            return Vec::new();
        }
        self.occurrences(text)
            .into_iter()
            .filter_map(|(term, span)| {
                let entry = self.entries.get(term)?;
                Some(Suggestion {
                    span,
                    label: entry.label.clone(),
                    engine: Engine::SameString,
                    score: entry.score,
                    id: None,
                })
            })
            .collect()
    }
}

fn slice<'t>(text: &'t str, ix: &crate::text::TextIndex, span: CharSpan) -> Option<&'t str> {
    let s = ix.byte_from_char(span.start()).ok()?;
    let e = ix.byte_from_char(span.end()).ok()?;
    text.get(s..e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span_of(text: &str, needle: &str, nth: usize) -> CharSpan {
        let (b, _) = text.match_indices(needle).nth(nth).unwrap();
        let s = text[..b].chars().count();
        CharSpan::new(s, s + needle.chars().count(), text.chars().count()).unwrap()
    }

    fn l(n: &str) -> Label {
        Label::new(n).unwrap()
    }

    #[test]
    fn tagged_strings_are_proposed_elsewhere_with_their_usual_label() {
        let a = "HTS fighters took Idlib. Sharif said HTS would stay.";
        let spans = [
            (span_of(a, "HTS", 0), l("ORG")),
            (span_of(a, "Idlib", 0), l("GPE")),
        ];
        let ex = [Example {
            text: a,
            spans: &spans,
            rejected: &[],
            complete: false,
        }];
        let ss = SameString::build(&ex, SameStringOptions::default());
        assert_eq!(ss.len(), 2);
        let b = "In idlib, “HTS” and Idlibi traders; the hts-run office 🎉 HTS\r\n";
        let got: Vec<(String, String)> = ss
            .suggest(b)
            .iter()
            .map(|s| {
                (
                    b.chars().skip(s.span.start()).take(s.span.len()).collect(),
                    s.label.to_string(),
                )
            })
            .collect();
        // Lower-case "idlib" and "hts-run" are not proposed (tagged with capitals);
        // "Idlibi" is another word.
        assert_eq!(
            got,
            [("HTS".into(), "ORG".into()), ("HTS".into(), "ORG".into())]
        );
    }

    #[test]
    fn rejections_lower_the_score_and_can_silence_a_pair() {
        let a = "Sharif met Sharif. Sharif left.";
        let spans = [
            (span_of(a, "Sharif", 0), l("PER")),
            (span_of(a, "Sharif", 1), l("PER")),
        ];
        let rejected = [(span_of(a, "Sharif", 2), l("PER"))];
        let ex = [Example {
            text: a,
            spans: &spans,
            rejected: &rejected,
            complete: false,
        }];
        let ss = SameString::build(&ex, SameStringOptions::default());
        let s = ss.suggest("Sharif");
        assert_eq!(s.len(), 1);
        // 2 tagged of 3 judged: (2 + 1) / (3 + 2).
        assert!((s[0].score - 3.0 / 5.0).abs() < 1e-6);
        let rejected2 = [
            (span_of(a, "Sharif", 0), l("PER")),
            (span_of(a, "Sharif", 2), l("PER")),
        ];
        let ex = [Example {
            text: a,
            spans: &spans,
            rejected: &rejected2,
            complete: false,
        }];
        assert!(
            SameString::build(&ex, SameStringOptions::default())
                .suggest("Sharif")
                .is_empty()
        );
    }

    #[test]
    fn untagged_occurrences_in_finished_documents_lower_the_score() {
        let a = "Sharif spoke. Sharif left; Sharif’s aides 🎉 stayed.\r\nSharif";
        let spans = [(span_of(a, "Sharif", 0), l("PER"))];
        let ex = |complete| Example {
            text: a,
            spans: &spans,
            rejected: &[],
            complete,
        };
        // Unfinished: only the one tag is evidence, (1 + 1) / (1 + 2).
        let open = SameString::build(&[ex(false)], SameStringOptions::default());
        assert!((open.suggest("Sharif")[0].score - 2.0 / 3.0).abs() < 1e-6);
        // Done: the three untagged occurrences count against it, (1 + 1) / (4 + 2).
        let done = SameString::build(&[ex(true)], SameStringOptions::default());
        assert!((done.suggest("Sharif")[0].score - 2.0 / 6.0).abs() < 1e-6);
        // Eight tags and no miss reach 0.9.
        let b = "Sharif ".repeat(8);
        let spans: Vec<_> = (0..8)
            .map(|i| (span_of(&b, "Sharif", i), l("PER")))
            .collect();
        let many = SameString::build(
            &[Example {
                text: &b,
                spans: &spans,
                rejected: &[],
                complete: true,
            }],
            SameStringOptions::default(),
        );
        assert!((many.suggest("Sharif")[0].score - 0.9).abs() < 1e-6);
    }

    #[test]
    fn match_case_keeps_lower_case_tags_to_lower_case() {
        let a = "the us envoy";
        let spans = [(span_of(a, "us", 0), l("GPE"))];
        let ex = [Example {
            text: a,
            spans: &spans,
            rejected: &[],
            complete: false,
        }];
        let folded = SameString::build(&ex, SameStringOptions::default());
        assert_eq!(folded.suggest("US and us").len(), 2);
        let exact = SameString::build(
            &ex,
            SameStringOptions {
                case_sensitive: true,
                ..Default::default()
            },
        );
        let got = exact.suggest("US and us");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].span.start(), 7);
    }
}
