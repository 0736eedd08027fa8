//! The engines together: what they learn from (one annotator's documents), building
//! them, and the suggestions for one document with what is already annotated or
//! rejected taken out and overlaps between engines resolved.

use super::gazetteer::{self, Gazetteers};
use super::patterns::Patterns;
use super::same_string::{SameString, SameStringOptions};
use super::tagger::{Tagger, TrainOptions};
use super::{Engine, Example, Suggestion, filter_new};
use crate::model::{AnnotationSet, DocId, Label};
use crate::text::CharSpan;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The tagger proposes nothing until it has learned from this many spans: trained on
/// one article it tags "Spice", "Museums" and "40" (seen on the sample's first run).
pub const MODEL_MIN_SPANS: usize = 50;

/// Model suggestions below this confidence are not shown: at that level they are more
/// often wrong than right, and they crowd the text.
pub const MODEL_MIN_SCORE: f32 = 0.5;

/// Which engines run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EngineSet(u8);

impl EngineSet {
    pub const ALL: EngineSet = EngineSet(0b1111);
    pub const NONE: EngineSet = EngineSet(0);

    fn bit(e: Engine) -> u8 {
        1 << (e as u8)
    }
    pub fn contains(self, e: Engine) -> bool {
        self.0 & Self::bit(e) != 0
    }
    pub fn with(self, e: Engine, on: bool) -> Self {
        if on {
            EngineSet(self.0 | Self::bit(e))
        } else {
            EngineSet(self.0 & !Self::bit(e))
        }
    }
    /// From a comma-separated list (`same-string,gazetteer,patterns,model`).
    pub fn parse(list: &str) -> Result<Self, String> {
        let mut set = Self::NONE;
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            let e = Engine::parse(name).ok_or_else(|| {
                format!("unknown engine {name:?}; use same-string, gazetteer, patterns or model")
            })?;
            set = set.with(e, true);
        }
        Ok(set)
    }
}

impl Default for EngineSet {
    fn default() -> Self {
        Self::ALL
    }
}

/// One annotated document, owned (the engines are built on another thread).
#[derive(Debug, Clone)]
pub struct OwnedExample {
    pub doc: DocId,
    pub text: Arc<str>,
    pub spans: Vec<(CharSpan, Label)>,
    pub rejected: Vec<(CharSpan, Label)>,
    /// Marked done (see [`Example::complete`]).
    pub complete: bool,
    /// Spans that were accepted suggestions, per engine (by [`Engine`] order).
    pub accepted: [usize; 4],
    /// Rejected suggestions per engine (by [`Engine`] order, then [`UNKNOWN_ENGINE`]).
    pub rejected_by: [usize; 5],
}

/// Index in [`TrainStats::rejected_by`] of rejections whose engine is not recorded
/// (saved before it was kept, or a name this version does not know).
pub const UNKNOWN_ENGINE: usize = 4;

impl OwnedExample {
    pub fn from_set(doc: DocId, text: Arc<str>, set: &AnnotationSet) -> Self {
        let mut accepted = [0; 4];
        for s in set.iter() {
            if let Some(e) = s.provenance().and_then(|p| Engine::parse(&p.source)) {
                accepted[e as usize] += 1;
            }
        }
        let mut rejected_by = [0; 5];
        for m in &set.rejected {
            let e = m.source.as_deref().and_then(Engine::parse);
            rejected_by[e.map_or(UNKNOWN_ENGINE, |e| e as usize)] += 1;
        }
        Self {
            doc,
            text,
            spans: set.iter().map(|s| (s.range, s.label.clone())).collect(),
            rejected: set
                .rejected
                .iter()
                .map(|m| (m.range, m.label.clone()))
                .collect(),
            rejected_by,
            complete: set.status == crate::model::DocStatus::Done,
            accepted,
        }
    }

    pub fn as_example(&self) -> Example<'_> {
        Example {
            text: &self.text,
            spans: &self.spans,
            rejected: &self.rejected,
            complete: self.complete,
        }
    }
}

/// What the engines were built from, for the panel and the CLI.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrainStats {
    /// Documents and spans learned from.
    pub docs: usize,
    pub spans: usize,
    pub rejected: usize,
    /// Accepted suggestions among the spans, per engine (by [`Engine`] order).
    pub accepted: [usize; 4],
    /// Rejected suggestions kept with the documents, per engine (by [`Engine`] order,
    /// then [`UNKNOWN_ENGINE`]): what the panel shows, so it survives a restart.
    pub rejected_by: [usize; 5],
    /// Distinct strings the same-string engine knows.
    pub strings: usize,
    pub gazetteer_terms: usize,
    pub gazetteer_bytes: usize,
    pub patterns: usize,
    /// Spans the tagger learned from, and how long training it took.
    pub tagger_spans: usize,
    pub tagger_took: Duration,
    /// How long building took.
    pub took: Duration,
    pub built_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The engines, built.
pub struct Engines {
    same: SameString,
    gazetteers: Arc<Gazetteers>,
    patterns: Arc<Patterns>,
    tagger: Tagger,
    /// The tagger's temperature and the number of spans it was calibrated on.
    calibration: Option<(f32, usize)>,
    pub stats: TrainStats,
}

/// A rebuild keeps the last calibrated temperature while the spans learned from are
/// within a tenth of those it was calibrated on (and there were at least this many):
/// calibrating costs as much as training once more, and one more accepted span does
/// not move it. Below this, calibration is cheap and the data changes fast.
const RECALIBRATE_MIN_SPANS: usize = 500;

impl Engines {
    /// Learn from `examples`; the gazetteers and patterns are compiled once and shared
    /// between builds.
    pub fn build(
        examples: &[OwnedExample],
        gazetteers: Arc<Gazetteers>,
        patterns: Arc<Patterns>,
        same_string: SameStringOptions,
        previous: Option<&Engines>,
    ) -> Self {
        let t0 = Instant::now();
        let ex: Vec<Example<'_>> = examples.iter().map(OwnedExample::as_example).collect();
        let same = SameString::build(&ex, same_string);
        let t1 = Instant::now();
        let spans: usize = examples.iter().map(|e| e.spans.len()).sum();
        let reuse = previous
            .and_then(|p| p.calibration)
            .filter(|&(_, at)| at >= RECALIBRATE_MIN_SPANS && spans.abs_diff(at) * 10 < at);
        let options = TrainOptions {
            temperature: reuse.map(|(t, _)| t),
            ..TrainOptions::default()
        };
        let tagger = Tagger::train(&ex, &options);
        let tagger_took = t1.elapsed();
        let calibration = reuse.or(Some((tagger.temperature(), spans)));
        let stats = TrainStats {
            docs: examples.iter().filter(|e| !e.spans.is_empty()).count(),
            spans: examples.iter().map(|e| e.spans.len()).sum(),
            rejected: examples.iter().map(|e| e.rejected.len()).sum(),
            accepted: examples.iter().fold([0; 4], |mut a, e| {
                for (x, y) in a.iter_mut().zip(e.accepted) {
                    *x += y;
                }
                a
            }),
            rejected_by: examples.iter().fold([0; 5], |mut a, e| {
                for (x, y) in a.iter_mut().zip(e.rejected_by) {
                    *x += y;
                }
                a
            }),
            strings: same.len(),
            gazetteer_terms: gazetteers.len(),
            gazetteer_bytes: gazetteers.memory_usage(),
            patterns: patterns.len(),
            tagger_spans: tagger.trained_spans(),
            tagger_took,
            took: t0.elapsed(),
            built_at: Some(chrono::Utc::now()),
        };
        Self {
            same,
            gazetteers,
            patterns,
            tagger,
            calibration,
            stats,
        }
    }

    /// The tagger's temperature and the spans it was calibrated on.
    pub fn calibration(&self) -> Option<(f32, usize)> {
        self.calibration
    }

    /// Suggestions for `text`: every enabled engine, minus what is annotated or
    /// rejected, overlaps resolved (see [`resolve`]).
    pub fn suggest(
        &self,
        text: &str,
        annotated: &[CharSpan],
        rejected: &[(CharSpan, Label)],
        enabled: EngineSet,
    ) -> Vec<Suggestion> {
        let mut all = Vec::new();
        if enabled.contains(Engine::SameString) {
            all.extend(self.same.suggest(text));
        }
        if enabled.contains(Engine::Gazetteer) {
            all.extend(self.gazetteers.suggest(text));
        }
        if enabled.contains(Engine::Pattern) {
            all.extend(self.patterns.find(text));
        }
        if enabled.contains(Engine::Model) && self.tagger.trained_spans() >= MODEL_MIN_SPANS {
            all.extend(
                self.tagger
                    .suggest(text)
                    .into_iter()
                    .filter(|s| s.score >= MODEL_MIN_SCORE),
            );
        }
        resolve(filter_new(all, annotated, rejected), annotated)
    }
}

/// Overlaps: a suggestion that crosses an annotation's boundary is dropped (one inside
/// or around it is kept: spans nest); between suggestions, the better one (higher
/// score, then longer, then the engine that learned from the analyst) wins where they
/// overlap. The result is in text order.
pub fn resolve(suggestions: Vec<Suggestion>, annotated: &[CharSpan]) -> Vec<Suggestion> {
    let crosses = |a: CharSpan, b: CharSpan| {
        a.start() < b.end()
            && b.start() < a.end()
            && !(a.start() <= b.start() && b.end() <= a.end())
            && !(b.start() <= a.start() && a.end() <= b.end())
    };
    let mut sorted: Vec<Suggestion> = suggestions
        .into_iter()
        .filter(|s| !annotated.iter().any(|a| crosses(*a, s.span)))
        .collect();
    sorted.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.span.len().cmp(&a.span.len()))
            .then(a.engine.cmp(&b.engine))
            .then(a.span.start().cmp(&b.span.start()))
    });
    let mut kept: Vec<Suggestion> = Vec::new();
    for s in sorted {
        let overlaps = kept
            .iter()
            .any(|k| k.span.start() < s.span.end() && s.span.start() < k.span.end());
        if !overlaps {
            kept.push(s);
        }
    }
    kept.sort_by_key(|s| (s.span.start(), s.span.end()));
    kept
}

/// Where a project keeps patterns: `patterns.jsonl` and `patterns/*.jsonl`.
pub const PATTERNS_FILE: &str = "patterns.jsonl";
pub const PATTERNS_DIR: &str = "patterns";

/// Read the project's patterns (`patterns.jsonl`, then `patterns/*.jsonl` in name
/// order). Lines that cannot be used are returned as problems; the rest are used.
pub fn load_patterns(root: &std::path::Path) -> (Patterns, Vec<String>) {
    let mut files = vec![root.join(PATTERNS_FILE)];
    if let Ok(rd) = std::fs::read_dir(root.join(PATTERNS_DIR)) {
        let mut more: Vec<std::path::PathBuf> = rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("jsonl"))
            })
            .collect();
        more.sort_by(|a, b| crate::fsio::natural_cmp(&a.to_string_lossy(), &b.to_string_lossy()));
        files.extend(more);
    }
    let mut patterns = Patterns::default();
    let mut problems = Vec::new();
    for f in files {
        let text = match crate::fsio::read_regular_string(&f, gazetteer::MAX_FILE_BYTES) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => {
                problems.push(format!("{}: cannot be read: {e}", f.display()));
                continue;
            }
        };
        let (_, p) = patterns.add_jsonl(&text, &f.display().to_string());
        problems.extend(p.iter().map(|p| p.to_string()));
    }
    (patterns, problems)
}

/// Read the project's gazetteers (`gazetteers/`).
pub fn load_gazetteers(root: &std::path::Path) -> (Gazetteers, Vec<gazetteer::Problem>) {
    Gazetteers::load_dir(&root.join(gazetteer::GAZETTEER_DIR))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sp(s: usize, e: usize) -> CharSpan {
        CharSpan::new(s, e, 100).unwrap()
    }

    fn sug(s: usize, e: usize, score: f32, engine: Engine) -> Suggestion {
        Suggestion {
            span: sp(s, e),
            label: Label::new("ORG").unwrap(),
            engine,
            score,
            id: None,
        }
    }

    #[test]
    fn overlaps_keep_the_best_and_never_cross_an_annotation() {
        let got = resolve(
            vec![
                sug(0, 5, 0.9, Engine::Model),
                sug(3, 9, 1.0, Engine::Gazetteer),
                sug(20, 30, 0.5, Engine::Model),
                sug(25, 28, 0.8, Engine::SameString),
                sug(40, 45, 1.0, Engine::SameString),
                sug(50, 60, 1.0, Engine::SameString),
            ],
            &[sp(42, 48), sp(52, 55)],
        );
        let spans: Vec<(usize, usize)> =
            got.iter().map(|s| (s.span.start(), s.span.end())).collect();
        // 40..45 crosses 42..48; 50..60 holds 52..55 and stays.
        assert_eq!(spans, [(3, 9), (25, 28), (50, 60)]);
    }

    /// The sample's first run: a tagger that learned from one article's 29 spans must not
    /// cover the next article with guesses.
    #[test]
    fn a_tagger_that_learned_little_proposes_nothing() {
        let text = "EU leaders met in Brussels on Friday. Ingrid Vos of the European Commission spoke; Hungarian minister Gábor Szalai left for Athens.";
        let len = text.chars().count();
        let at = |needle: &str, label: &str| {
            let s = text[..text.find(needle).unwrap()].chars().count();
            (
                CharSpan::new(s, s + needle.chars().count(), len).unwrap(),
                Label::new(label).unwrap(),
            )
        };
        let ex = OwnedExample {
            doc: DocId::new("a").unwrap(),
            text: Arc::from(text),
            spans: vec![
                at("EU", "ORG"),
                at("Brussels", "GPE"),
                at("Friday", "DATE"),
                at("Ingrid Vos", "PER"),
                at("European Commission", "ORG"),
                at("Hungarian", "NORP"),
                at("Gábor Szalai", "PER"),
                at("Athens", "GPE"),
            ],
            rejected: Vec::new(),
            complete: false,
            accepted: [0; 4],
            rejected_by: [0; 5],
        };
        let e = Engines::build(
            &[ex],
            Default::default(),
            Default::default(),
            Default::default(),
            None,
        );
        let model = EngineSet::NONE.with(Engine::Model, true);
        let other = "Spice merchants in Aleppo said on Thursday that the Aga Khan Trust paid.";
        assert!(e.suggest(other, &[], &[], model).is_empty());
    }

    #[test]
    fn engine_sets_parse_and_refuse_unknown_names() {
        let s = EngineSet::parse("same-string, patterns").unwrap();
        assert!(s.contains(Engine::SameString) && s.contains(Engine::Pattern));
        assert!(!s.contains(Engine::Model));
        assert!(
            EngineSet::parse("magic")
                .unwrap_err()
                .contains("unknown engine")
        );
    }

    #[test]
    fn one_more_span_keeps_the_calibration_and_a_tenth_more_recalibrates() {
        let project = |docs: usize| -> Vec<OwnedExample> {
            (0..docs)
                .map(|i| {
                    let text = format!("Envoy Nadia Haddad{i} met officials in Aleppo on Monday.");
                    let len = text.chars().count();
                    let at = |needle: &str, label: &str| {
                        let b = text.find(needle).unwrap_or(0);
                        let s = text[..b].chars().count();
                        let span = CharSpan::new(s, s + needle.chars().count(), len).unwrap();
                        (span, Label::new(label).unwrap())
                    };
                    let spans = vec![at("Aleppo", "GPE"), at("Monday", "DATE")];
                    OwnedExample {
                        doc: DocId::new(format!("d{i}")).unwrap(),
                        text: Arc::from(text.as_str()),
                        spans,
                        rejected: Vec::new(),
                        complete: false,
                        accepted: [0; 4],
                        rejected_by: [0; 5],
                    }
                })
                .collect()
        };
        let build = |ex: &[OwnedExample], previous: Option<&Engines>| {
            Engines::build(
                ex,
                Default::default(),
                Default::default(),
                Default::default(),
                previous,
            )
        };
        let first = build(&project(300), None);
        let (t, at) = first.calibration().unwrap();
        assert_eq!(at, 600);
        // 602 spans: within a tenth, the temperature is kept.
        let next = build(&project(301), Some(&first));
        assert_eq!(next.calibration(), Some((t, 600)));
        // 700 spans: calibrated again, on 700.
        let later = build(&project(350), Some(&next));
        assert_eq!(later.calibration().map(|c| c.1), Some(700));
    }
}
