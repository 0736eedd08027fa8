//! Inter-annotator agreement (issue 10): how far two or more annotators' layers of the
//! same documents agree, token by token and span by span. No UI, no writing; the CLI's
//! `entitle agree` and the app's agreement window are built on [`Report`].
//!
//! # Framing
//!
//! **Tokens are items.** Each document is cut into the tokens Entitle's CoNLL export
//! uses ([`crate::formats::tokenize`]), split at the span boundaries of *every*
//! compared annotator, so each annotator's spans are whole tokens and all annotators
//! label the same items. When every span boundary already falls between tokens (the
//! usual case), these are exactly the tokens of each annotator's CoNLL export, so
//! exporting each layer with `entitle export --format conll` and running NLTK's
//! `AnnotationTask` on them (`.ci/validators/agreement_nltk.py`) gives the same figures.
//! A token's label is its IOB2 tag from the annotator's spans ([`TagMode::Iob2`], the
//! default: `B-PER` ≠ `I-PER`) or the entity type only ([`TagMode::Type`]). As in the
//! CoNLL export, discontinuous spans and spans starting inside an earlier kept span
//! (nested or crossing) give no tags; they still count for span F1.
//!
//! **With and without O.** *With O* compares every token. *Without O* compares only
//! the tokens where at least one compared annotator gave a non-O tag (the tokens
//! everybody left outside any entity are dropped: they inflate agreement). The same
//! token subset is used overall and per label.
//!
//! **Per label** figures are one-vs-rest: a token is `L` (tag `B-L` or `I-L`) or not.
//!
//! **Project** figures treat all tokens of all compared documents, concatenated, as
//! the items. A document is compared when every compared annotator has a file for it;
//! the others are listed in [`Report::skipped`].
//!
//! Coefficients (see [`Coefficients`]) are NLTK's (`avg_Ao`, `kappa`, `pi`,
//! `multi_kappa`, `alpha` with binary distance), computed from counts that add up
//! across documents, so a 10,000-document project takes well under a second.
//! An undefined coefficient (no items, or one class used by everyone on every item) is
//! `None`, never NaN.
//!
//! **Spans** are compared pairwise, the first annotator of the pair as reference:
//! exact match (same start, end, fragments and label) and overlap match (a span counts
//! as matched when it overlaps a span of the other annotator with the same label). F1
//! is symmetric; with more than two annotators the summary F1 is the mean over pairs.
//! **Relations** match when type and both ends (extent and label) are the same; for a
//! type the schema marks `symmetric`, the order of the ends does not matter.
//!
//! # API
//!
//! - [`compute`]: the pure function, from documents in memory ([`DocInput`]: text and
//!   one [`AnnotationSet`] per annotator).
//! - [`compute_project`]: reads a [`Project`](crate::project::Project) (documents
//!   every annotator has a file for) and calls [`compute`]; files that cannot be read
//!   are listed in [`Report::skipped`].
//! - [`Report`]: overall, per label, per pair, per document figures, the span counts
//!   per label per annotator (label distribution). `Send`, `Serialize` (the JSON of
//!   `entitle agree --json`).

mod coefficients;
mod project;
mod spans;

pub use coefficients::{Coefficients, pairs};
pub use project::{compute_project, default_annotators};
pub use spans::{Prf, RelationCounts, SpanCounts};

use crate::model::{AnnotationSet, SpanId};
use coefficients::{Tally, coefficients};
use rustc_hash::FxHashMap;
use serde::Serialize;
use spans::{Key, RelKey};

/// How a token's label is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TagMode {
    /// The IOB2 tag (`B-PER`, `I-PER`, `O`), as the CoNLL export writes it.
    #[default]
    Iob2,
    /// The entity type only (`PER`, `O`): where an entity starts does not matter.
    Type,
}

/// What to compare.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub tags: TagMode,
    /// Compare only spans with these labels (spans with other labels, and relations
    /// touching them, are ignored as if not annotated). `None`: every label.
    pub labels: Option<Vec<String>>,
    /// Order of labels in the report (the schema's); labels found but not listed
    /// follow, sorted.
    pub label_order: Vec<String>,
    /// Relation types whose ends are unordered (schema `symmetric = true`).
    pub symmetric_relations: Vec<String>,
}

/// One document: its text and one annotation set per annotator, in the order of the
/// annotator names given to [`compute`].
#[derive(Debug, Clone, Copy)]
pub struct DocInput<'a> {
    pub id: &'a str,
    pub text: &'a str,
    pub layers: &'a [AnnotationSet],
}

/// A document that was not compared, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub id: String,
    pub reason: String,
}

/// Figures for one set of items (overall or one label).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Figures {
    /// Every token.
    pub with_o: Coefficients,
    /// Tokens where at least one annotator gave a non-O tag.
    pub without_o: Coefficients,
    /// Span F1, exact match, mean over pairs of annotators.
    pub spans_exact_f1: Option<f64>,
    /// Span F1, overlap match, mean over pairs.
    pub spans_overlap_f1: Option<f64>,
}

/// Figures for one label, one-vs-rest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelFigures {
    pub label: String,
    #[serde(flatten)]
    pub figures: Figures,
}

/// One pair of annotators over the whole project.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairFigures {
    /// The reference annotator of the pair (the first in [`Report::annotators`] order).
    pub a: String,
    pub b: String,
    /// Observed agreement and Cohen's kappa of this pair, every token.
    pub ao: Option<f64>,
    pub kappa: Option<f64>,
    pub spans_exact: Prf,
    pub spans_overlap: Prf,
    pub relations: Prf,
    /// The counts behind the span figures.
    pub span_counts: SpanCounts,
    pub relation_counts: RelationCounts,
}

/// Relations, mean over pairs.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RelationFigures {
    pub f1: Option<f64>,
    pub per_type: Vec<RelationTypeFigures>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RelationTypeFigures {
    #[serde(rename = "type")]
    pub kind: String,
    pub f1: Option<f64>,
    /// Relations of this type per annotator, in the order of [`Report::annotators`].
    pub counts: Vec<u64>,
}

/// One document's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocFigures {
    pub id: String,
    pub tokens: u64,
    pub tokens_without_o: u64,
    #[serde(flatten)]
    pub figures: Figures,
    pub relations_f1: Option<f64>,
    /// Spans per annotator, in the order of [`Report::annotators`].
    pub spans: Vec<u64>,
}

/// Everything `entitle agree` prints, and what the app's agreement window shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub annotators: Vec<String>,
    pub tags: TagMode,
    /// The labels compared, in report order.
    pub labels: Vec<String>,
    /// Documents compared.
    pub documents: usize,
    pub tokens: u64,
    pub tokens_without_o: u64,
    pub overall: Figures,
    pub per_label: Vec<LabelFigures>,
    pub relations: RelationFigures,
    pub pairs: Vec<PairFigures>,
    /// Label distribution: `span_counts[annotator][label]`, indexed like
    /// [`Self::annotators`] and [`Self::labels`] (every span, nested ones too).
    pub span_counts: Vec<Vec<u64>>,
    /// Per document, in the order given (the project's order).
    pub per_document: Vec<DocFigures>,
    /// Documents not compared (not every annotator has a file, or one could not be
    /// read).
    pub skipped: Vec<Skipped>,
}

impl Report {
    /// Indices into [`Self::per_document`], worst first: lowest kappa (every token),
    /// then lowest exact span F1; documents without a defined kappa (nobody tagged
    /// anything) last.
    pub fn worst_documents(&self) -> Vec<usize> {
        let key = |d: &DocFigures| {
            (
                d.figures.with_o.kappa.unwrap_or(f64::INFINITY),
                d.figures.spans_exact_f1.unwrap_or(f64::INFINITY),
            )
        };
        let mut idx: Vec<usize> = (0..self.per_document.len()).collect();
        idx.sort_by(|&i, &j| {
            key(&self.per_document[i])
                .partial_cmp(&key(&self.per_document[j]))
                .unwrap_or(std::cmp::Ordering::Equal)
                .then(i.cmp(&j))
        });
        idx
    }
}

/// The universe of labels and relation types, as small ids.
struct Ids {
    labels: Vec<String>,
    label_id: FxHashMap<String, u16>,
    relation_types: Vec<String>,
    relation_id: FxHashMap<String, u16>,
    symmetric: Vec<bool>,
}

impl Ids {
    fn collect(docs: &[DocInput<'_>], options: &Options) -> Self {
        let mut labels: Vec<String> = Vec::new();
        let mut found: std::collections::BTreeSet<&str> = Default::default();
        let mut types: std::collections::BTreeSet<&str> = Default::default();
        for d in docs {
            for set in d.layers {
                for s in set.iter() {
                    found.insert(s.label.as_str());
                }
                for r in set.relations() {
                    types.insert(r.label.as_str());
                }
            }
        }
        match &options.labels {
            Some(only) => {
                for l in only {
                    if !labels.contains(l) {
                        labels.push(l.clone());
                    }
                }
            }
            None => {
                for l in &options.label_order {
                    if found.contains(l.as_str()) && !labels.contains(l) {
                        labels.push(l.clone());
                    }
                }
                for l in found {
                    if !labels.iter().any(|x| x == l) {
                        labels.push(l.to_string());
                    }
                }
            }
        }
        // Tags are u16 (2 per label + O): more labels than that is not a schema.
        labels.truncate((u16::MAX as usize - 1) / 2);
        let label_id = labels
            .iter()
            .enumerate()
            .map(|(i, l)| (l.clone(), i as u16))
            .collect();
        let relation_types: Vec<String> = types
            .into_iter()
            .take(u16::MAX as usize)
            .map(str::to_string)
            .collect();
        let relation_id = relation_types
            .iter()
            .enumerate()
            .map(|(i, l)| (l.clone(), i as u16))
            .collect();
        let symmetric = relation_types
            .iter()
            .map(|t| options.symmetric_relations.iter().any(|s| s == t))
            .collect();
        Self {
            labels,
            label_id,
            relation_types,
            relation_id,
            symmetric,
        }
    }
}

/// Counts of one document (or, summed, of the project). Every field adds up.
#[derive(Debug, Clone)]
struct DocTally {
    items: u64,
    non_o: u64,
    /// Per pair: tokens with the same class.
    agree: Vec<u64>,
    /// `coder * classes + class`.
    class: Vec<u64>,
    /// `label * pairs + pair`: tokens where exactly one of the pair has the label.
    dis: Vec<u64>,
    /// `pair * labels + label`.
    spans: Vec<SpanCounts>,
    /// `pair * types + type`.
    rels: Vec<RelationCounts>,
    /// `coder * labels + label`: every kept span.
    span_totals: Vec<u64>,
    /// `coder * types + type`.
    rel_totals: Vec<u64>,
}

/// Dimensions shared by every tally of one computation.
#[derive(Clone, Copy)]
struct Dims {
    coders: usize,
    pairs: usize,
    labels: usize,
    classes: usize,
    types: usize,
    mode: TagMode,
}

impl DocTally {
    fn new(d: Dims) -> Self {
        Self {
            items: 0,
            non_o: 0,
            agree: vec![0; d.pairs],
            class: vec![0; d.coders * d.classes],
            dis: vec![0; d.labels * d.pairs],
            spans: vec![SpanCounts::default(); d.pairs * d.labels],
            rels: vec![RelationCounts::default(); d.pairs * d.types],
            span_totals: vec![0; d.coders * d.labels],
            rel_totals: vec![0; d.coders * d.types],
        }
    }

    fn add(&mut self, o: &DocTally) {
        self.items += o.items;
        self.non_o += o.non_o;
        let add = |x: &mut [u64], y: &[u64]| x.iter_mut().zip(y).for_each(|(a, b)| *a += b);
        add(&mut self.agree, &o.agree);
        add(&mut self.class, &o.class);
        add(&mut self.dis, &o.dis);
        add(&mut self.span_totals, &o.span_totals);
        add(&mut self.rel_totals, &o.rel_totals);
        self.spans
            .iter_mut()
            .zip(&o.spans)
            .for_each(|(a, b)| a.add(b));
        self.rels
            .iter_mut()
            .zip(&o.rels)
            .for_each(|(a, b)| a.add(b));
    }

    /// Overall coefficients, every token or only the non-O ones.
    fn overall(&self, d: Dims, without_o: bool) -> Coefficients {
        let all_o = self.items - self.non_o;
        let drop = if without_o { all_o } else { 0 };
        let agree: Vec<u64> = self.agree.iter().map(|&a| a - drop).collect();
        let count = |c: usize, k: usize| {
            let n = self.class[c * d.classes + k];
            if k == 0 { n - drop } else { n }
        };
        coefficients(&Tally {
            items: self.items - drop,
            coders: d.coders,
            agree: &agree,
            count: &count,
            classes: d.classes,
        })
    }

    /// Tokens coder `c` gave label `l` (either prefix).
    fn label_count(&self, d: Dims, c: usize, l: usize) -> u64 {
        let row = &self.class[c * d.classes..(c + 1) * d.classes];
        match d.mode {
            TagMode::Iob2 => row[2 * l + 1] + row[2 * l + 2],
            TagMode::Type => row[l + 1],
        }
    }

    /// One-vs-rest coefficients for label `l`.
    fn label(&self, d: Dims, l: usize, without_o: bool) -> Coefficients {
        let items = if without_o { self.non_o } else { self.items };
        let agree: Vec<u64> = (0..d.pairs)
            .map(|p| items - self.dis[l * d.pairs + p])
            .collect();
        let count = |c: usize, k: usize| {
            let n = self.label_count(d, c, l);
            if k == 1 { n } else { items - n }
        };
        coefficients(&Tally {
            items,
            coders: d.coders,
            agree: &agree,
            count: &count,
            classes: 2,
        })
    }

    /// Span counts of pair `p` over the labels in `labels` (all when `None`).
    fn span_counts(&self, d: Dims, p: usize, label: Option<usize>) -> SpanCounts {
        let row = &self.spans[p * d.labels..(p + 1) * d.labels];
        match label {
            Some(l) => row[l],
            None => {
                let mut s = SpanCounts::default();
                row.iter().for_each(|x| s.add(x));
                s
            }
        }
    }

    fn relation_counts(&self, d: Dims, p: usize, kind: Option<usize>) -> RelationCounts {
        let row = &self.rels[p * d.types..(p + 1) * d.types];
        match kind {
            Some(t) => row[t],
            None => {
                let mut s = RelationCounts::default();
                row.iter().for_each(|x| s.add(x));
                s
            }
        }
    }

    fn figures(&self, d: Dims, label: Option<usize>) -> Figures {
        let (with_o, without_o) = match label {
            None => (self.overall(d, false), self.overall(d, true)),
            Some(l) => (self.label(d, l, false), self.label(d, l, true)),
        };
        let pairs: Vec<SpanCounts> = (0..d.pairs)
            .map(|p| self.span_counts(d, p, label))
            .collect();
        Figures {
            with_o,
            without_o,
            spans_exact_f1: mean(pairs.iter().map(|c| c.exact().f1)),
            spans_overlap_f1: mean(pairs.iter().map(|c| c.overlap().f1)),
        }
    }

    fn relations_f1(&self, d: Dims, kind: Option<usize>) -> Option<f64> {
        mean((0..d.pairs).map(|p| self.relation_counts(d, p, kind).prf().f1))
    }
}

/// The mean of the defined values; `None` if there are none.
fn mean(xs: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    let (mut sum, mut n) = (0.0, 0usize);
    for x in xs.flatten() {
        sum += x;
        n += 1;
    }
    (n > 0).then(|| sum / n as f64)
}

/// Scratch buffers reused from one document to the next.
#[derive(Default)]
struct Scratch {
    chars: Vec<char>,
    cuts: Vec<usize>,
    /// Per coder: (start, end, label id) of the spans that give tags.
    tagging: Vec<Vec<(usize, usize, u16)>>,
    /// Per coder: every kept span.
    keys: Vec<Vec<Key>>,
    rel_keys: Vec<Vec<RelKey>>,
    /// Per coder: the IOB2 tag of each token (0 = O, `2l+1` = B-, `2l+2` = I-).
    tags: Vec<Vec<u16>>,
    ends: FxHashMap<SpanId, (usize, usize, u16)>,
}

/// A signature of a discontinuous span's fragments (FNV-1a over their offsets); 0
/// for a continuous span.
fn fragment_signature(s: &crate::model::Span) -> u64 {
    if !s.is_discontinuous() {
        return 0;
    }
    let mut h: u64 = 0xcbf29ce484222325;
    for f in s.fragments() {
        for x in [f.start() as u64, f.end() as u64] {
            h = (h ^ x).wrapping_mul(0x100000001b3);
        }
    }
    h | 1
}

fn doc_tally(doc: &DocInput<'_>, ids: &Ids, d: Dims, sc: &mut Scratch) -> DocTally {
    let mut t = DocTally::new(d);
    let coders = d.coders;
    sc.tagging.resize_with(coders, Vec::new);
    sc.keys.resize_with(coders, Vec::new);
    sc.rel_keys.resize_with(coders, Vec::new);
    sc.tags.resize_with(coders, Vec::new);
    sc.cuts.clear();
    for (c, set) in doc.layers.iter().enumerate().take(coders) {
        let (tagging, keys, rel_keys) = (&mut sc.tagging[c], &mut sc.keys[c], &mut sc.rel_keys[c]);
        tagging.clear();
        keys.clear();
        rel_keys.clear();
        sc.ends.clear();
        // The CoNLL export's rule (formats::record::expressible): in set order (start,
        // longer first), a discontinuous span or one starting before the end of the
        // last kept one gives no tags.
        let mut last_end = 0;
        for s in set.iter() {
            let Some(&l) = ids.label_id.get(s.label.as_str()) else {
                continue;
            };
            let (a, b) = (s.range.start(), s.range.end());
            keys.push(Key {
                start: a,
                end: b,
                label: l,
                fragments: fragment_signature(s),
            });
            sc.ends.insert(s.id, (a, b, l));
            t.span_totals[c * d.labels + l as usize] += 1;
            if s.is_discontinuous() || a < last_end {
                continue;
            }
            last_end = last_end.max(b);
            tagging.push((a, b, l));
            sc.cuts.extend([a, b]);
        }
        keys.sort_unstable();
        for r in set.relations() {
            let (Some(&kind), Some(&from), Some(&to)) = (
                ids.relation_id.get(r.label.as_str()),
                sc.ends.get(&r.from),
                sc.ends.get(&r.to),
            ) else {
                continue;
            };
            let (from, to) = if ids.symmetric[kind as usize] && to < from {
                (to, from)
            } else {
                (from, to)
            };
            rel_keys.push((kind, from, to));
            t.rel_totals[c * d.types + kind as usize] += 1;
        }
        rel_keys.sort_unstable();
    }
    sc.chars.clear();
    sc.chars.extend(doc.text.chars());
    sc.cuts.sort_unstable();
    let tokens = crate::formats::tokenize::tokenize_chars(&sc.chars, &sc.cuts);
    for c in 0..coders {
        let tags = &mut sc.tags[c];
        tags.clear();
        tags.resize(tokens.len(), 0);
        for &(a, b, l) in &sc.tagging[c] {
            // As the CoNLL export finds a span's tokens.
            let first = tokens.partition_point(|t| t.start < a);
            let last = tokens.partition_point(|t| t.end <= b);
            if last <= first {
                continue;
            }
            tags[first] = 2 * l + 1;
            for x in &mut tags[first + 1..last] {
                *x = 2 * l + 2;
            }
        }
    }
    count_items(&sc.tags[..coders], tokens.len(), d, &mut t);
    for (p, (a, b)) in pairs(coders).into_iter().enumerate() {
        spans::match_spans(
            &sc.keys[a],
            &sc.keys[b],
            &mut t.spans[p * d.labels..(p + 1) * d.labels],
        );
        spans::match_relations(
            &sc.rel_keys[a],
            &sc.rel_keys[b],
            &mut t.rels[p * d.types..(p + 1) * d.types],
        );
    }
    t
}

/// The token loop: class counts, pair agreement, per-label disagreement.
fn count_items(tags: &[Vec<u16>], n: usize, d: Dims, t: &mut DocTally) {
    let ps = pairs(d.coders);
    let class_of = |tag: u16| match d.mode {
        TagMode::Iob2 => tag as usize,
        TagMode::Type => tag.div_ceil(2) as usize,
    };
    let mut classes = vec![0usize; d.coders];
    let mut types = vec![0usize; d.coders];
    t.items = n as u64;
    for i in 0..n {
        if tags.iter().all(|x| x[i] == 0) {
            // All O: counted in bulk below.
            continue;
        }
        t.non_o += 1;
        for c in 0..d.coders {
            let tag = tags[c][i];
            classes[c] = class_of(tag);
            types[c] = tag.div_ceil(2) as usize;
            t.class[c * d.classes + classes[c]] += 1;
        }
        for (p, &(a, b)) in ps.iter().enumerate() {
            if classes[a] == classes[b] {
                t.agree[p] += 1;
            }
            if types[a] != types[b] {
                for ty in [types[a], types[b]] {
                    if ty > 0 {
                        t.dis[(ty - 1) * d.pairs + p] += 1;
                    }
                }
            }
        }
    }
    let all_o = t.items - t.non_o;
    for a in &mut t.agree {
        *a += all_o;
    }
    for c in 0..d.coders {
        t.class[c * d.classes] += all_o;
    }
}

/// Each pair's figures over the whole project.
fn pair_figures(total: &DocTally, d: Dims, annotators: &[String]) -> Vec<PairFigures> {
    let pair_list = pairs(d.coders);
    pair_list
        .iter()
        .enumerate()
        .map(|(p, &(a, b))| {
            let (sc, rc) = (
                total.span_counts(d, p, None),
                total.relation_counts(d, p, None),
            );
            let n = total.items;
            let ao = (n > 0).then(|| total.agree[p] as f64 / n as f64);
            // The pair's own Cohen's kappa: the coefficients of a two-coder tally.
            let count = |c: usize, k: usize| total.class[[a, b][c] * d.classes + k];
            let kappa = coefficients(&Tally {
                items: n,
                coders: 2,
                agree: &total.agree[p..p + 1],
                count: &count,
                classes: d.classes,
            })
            .kappa;
            PairFigures {
                a: annotators[a].clone(),
                b: annotators[b].clone(),
                ao,
                kappa,
                spans_exact: sc.exact(),
                spans_overlap: sc.overlap(),
                relations: rc.prf(),
                span_counts: sc,
                relation_counts: rc,
            }
        })
        .collect()
}

/// Agreement between `annotators` over `docs` (each with one layer per annotator; a
/// document with fewer layers is skipped and listed). Runs on every core for large
/// inputs.
pub fn compute(annotators: &[String], docs: &[DocInput<'_>], options: &Options) -> Report {
    let coders = annotators.len();
    let (usable, short): (Vec<&DocInput<'_>>, Vec<&DocInput<'_>>) =
        docs.iter().partition(|d| d.layers.len() >= coders);
    let usable: Vec<DocInput<'_>> = usable.into_iter().copied().collect();
    let ids = Ids::collect(&usable, options);
    let labels = ids.labels.len();
    let d = Dims {
        coders,
        pairs: coders * coders.saturating_sub(1) / 2,
        labels,
        classes: match options.tags {
            TagMode::Iob2 => 2 * labels + 1,
            TagMode::Type => labels + 1,
        },
        types: ids.relation_types.len(),
        mode: options.tags,
    };
    // Documents are independent: split them across threads, sum the tallies.
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(usable.len() / 64 + 1)
        .max(1);
    let chunk = usable.len().div_ceil(threads).max(1);
    let work = |docs: &[DocInput<'_>]| {
        let mut sc = Scratch::default();
        let mut total = DocTally::new(d);
        let mut figures = Vec::with_capacity(docs.len());
        for doc in docs {
            let t = doc_tally(doc, &ids, d, &mut sc);
            figures.push(DocFigures {
                id: doc.id.to_string(),
                tokens: t.items,
                tokens_without_o: t.non_o,
                figures: t.figures(d, None),
                relations_f1: t.relations_f1(d, None),
                spans: (0..coders)
                    .map(|c| t.span_totals[c * labels..(c + 1) * labels].iter().sum())
                    .collect(),
            });
            total.add(&t);
        }
        (figures, total)
    };
    let parts: Vec<(Vec<DocFigures>, DocTally)> = if threads <= 1 {
        vec![work(&usable)]
    } else {
        std::thread::scope(|s| {
            let handles: Vec<_> = usable
                .chunks(chunk)
                .map(|c| s.spawn(move || work(c)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        })
    };
    let mut total = DocTally::new(d);
    let mut per_document = Vec::with_capacity(usable.len());
    for (f, t) in parts {
        per_document.extend(f);
        total.add(&t);
    }
    let pairs_out = pair_figures(&total, d, annotators);
    let relations = RelationFigures {
        f1: total.relations_f1(d, None),
        per_type: ids
            .relation_types
            .iter()
            .enumerate()
            .map(|(k, name)| RelationTypeFigures {
                kind: name.clone(),
                f1: total.relations_f1(d, Some(k)),
                counts: (0..coders)
                    .map(|c| total.rel_totals[c * d.types + k])
                    .collect(),
            })
            .collect(),
    };
    Report {
        annotators: annotators.to_vec(),
        tags: options.tags,
        labels: ids.labels.clone(),
        documents: per_document.len(),
        tokens: total.items,
        tokens_without_o: total.non_o,
        overall: total.figures(d, None),
        per_label: (0..labels)
            .map(|l| LabelFigures {
                label: ids.labels[l].clone(),
                figures: total.figures(d, Some(l)),
            })
            .collect(),
        relations,
        pairs: pairs_out,
        span_counts: (0..coders)
            .map(|c| total.span_totals[c * labels..(c + 1) * labels].to_vec())
            .collect(),
        per_document,
        skipped: short
            .iter()
            .map(|s| Skipped {
                id: s.id.to_string(),
                reason: format!(
                    "{} annotation layers given for {coders} annotators",
                    s.layers.len()
                ),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests;
