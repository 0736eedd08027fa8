//! A statistical tagger trained on the analyst's own annotations: a linear-chain
//! structured perceptron (averaged) over BIO tags, decoded with Viterbi.
//!
//! - **Tokens** are the export tokenizer's ([`crate::formats::tokenize`]), so what the
//!   tagger proposes lines up with what CoNLL/spaCy exports make of the text. When
//!   training, every span boundary is also a token boundary, so every span is learnt.
//! - **Sequences** are sentences ([`crate::formats::tokenize::sentences_chars`]).
//! - **Features** (fixed count per token): lower-cased word, word shape (`Xxxx`, `dd`,
//!   `X.X.`) in full and collapsed, prefixes and suffixes of 1–4 characters, a bit set
//!   (title case, all upper, digit, hyphen), the words and shapes two tokens either side,
//!   word bigrams, the shape trigram, and the position in the sentence (with the shape:
//!   a capital at a sentence start says little), and whether the word occurs in lower
//!   case elsewhere in the document (with the case flags). Each is a 64-bit hash, interned to a
//!   dense row when training (unseen ones are ignored when suggesting).
//! - **Learning**: per sentence, Viterbi over emission scores plus tag-transition
//!   weights (with the BIO constraint `I-X` only after `B-X`/`I-X`); on a mistake the
//!   gold path's features gain 1 and the predicted path's lose 1. Weights are integers;
//!   the averaged weights come from the usual lazy-averaging trick (`w - u/c`).
//!   Rejected suggestions are negative examples: where a token of a rejected span still
//!   scores its rejected tag within a margin of its gold tag, that tag loses and the gold
//!   tag gains on its features, even when the path was right.
//! - **Confidence**: a span's score is its marginal probability under the linear-chain
//!   model with the perceptron scores divided by a temperature (forward–backward): the
//!   probability that exactly those tokens carry `B-X I-X …` and the next token does not
//!   continue it. The temperature is calibrated when training: a model trained on 4 in 5
//!   documents scores the spans it predicts in the fifth, and the temperature with the
//!   lowest log loss is kept (raised if need be until spans scored ≥ 0.9 are right
//!   ≥ 90 % of the time there). Perceptron scores have no fixed scale (they grow with
//!   the number of updates), so no single constant fits every project size; measured in
//!   BENCHMARKS.md, "Suggestions: learning curve".

use super::{Engine, Example, Suggestion};
use crate::formats::tokenize::{Token, sentences_chars, tokenize_chars};
use crate::model::Label;
use crate::text::CharSpan;
use rustc_hash::FxHashMap;
use std::hash::Hasher;

/// How to train a [`Tagger`].
#[derive(Debug, Clone)]
pub struct TrainOptions {
    /// Passes over the training sentences (fewer if one pass makes no mistake).
    pub epochs: usize,
    /// Scores are divided by this before the softmax that gives confidences (higher =
    /// less confident). `None`: calibrated on a fifth of the documents held out when
    /// training (see [`Tagger::train`]), which makes training about 1.8× as long.
    pub temperature: Option<f32>,
    /// Seed of the sentence shuffle between epochs (training is deterministic).
    pub seed: u64,
    /// Margin (in perceptron score units) by which a rejected span's tag must lose to
    /// its gold tag before it stops being penalised.
    pub rejected_margin: i32,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            epochs: 5,
            temperature: None,
            seed: 0x5eed,
            rejected_margin: 2,
        }
    }
}

/// Features per token (see the module comment); every token has exactly this many.
const FEATURES: usize = 27;

/// A trained tagger. `Tagger::default()` (or one trained on nothing) suggests nothing.
#[derive(Debug, Clone, Default)]
pub struct Tagger {
    labels: Vec<Label>,
    /// Feature hash → row of `weights`.
    rows: FxHashMap<u64, u32>,
    /// Averaged emission weights, `rows × tags`.
    weights: Vec<f32>,
    /// Averaged transition weights, `(tags + 1) × tags`; the last row is the start.
    transitions: Vec<f32>,
    temperature: f32,
    trained_spans: usize,
}

/// Tag ids: 0 = O, `1 + 2i` = B-label i, `2 + 2i` = I-label i.
const O: usize = 0;
fn is_inside(tag: usize) -> bool {
    tag != O && tag.is_multiple_of(2)
}
/// Whether `tag` may follow `prev` (`None` = sentence start): BIO's one rule.
fn allowed(prev: Option<usize>, tag: usize) -> bool {
    if !is_inside(tag) {
        return true;
    }
    matches!(prev, Some(p) if p != O && (p - 1) / 2 == (tag - 1) / 2)
}

// ---------------------------------------------------------------------------------
// Features

fn hash_str(s: &str) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    h.write(s.as_bytes());
    h.write_u8(0xff);
    h.finish()
}

/// splitmix64's finaliser: combines hashes so that templates never collide by design.
fn mix(a: u64, b: u64) -> u64 {
    let mut z = a.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ b;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Per-token hashes from which the features are combined.
#[derive(Clone, Copy)]
struct TokenHashes {
    lower: u64,
    shape: u64,
    short: u64,
    prefix: [u64; 4],
    suffix: [u64; 4],
    flags: u64,
    /// All lower case (`the`, `apple`).
    all_lower: bool,
    /// The lower-cased word occurs in lower case somewhere in the document: a capital
    /// here is then more likely a sentence start than a name ("Apple" vs "apple").
    seen_lower: bool,
}

const BOUNDARY: TokenHashes = TokenHashes {
    lower: 0xB0B0,
    shape: 0xB1B1,
    short: 0xB2B2,
    prefix: [0; 4],
    suffix: [0; 4],
    flags: 0,
    all_lower: false,
    seen_lower: false,
};

fn shape_class(c: char) -> char {
    if c.is_ascii_digit() || c.is_numeric() {
        'd'
    } else if c.is_uppercase() {
        'X'
    } else if c.is_lowercase() {
        'x'
    } else if c.is_alphabetic() {
        // Scripts without case (Arabic, CJK …).
        'a'
    } else {
        c
    }
}

/// Scratch buffers reused across tokens (no allocation per token).
#[derive(Default)]
struct Scratch {
    lower: String,
    shape: String,
    short: String,
    bounds: Vec<usize>,
}

fn token_hashes(word: &[char], s: &mut Scratch) -> TokenHashes {
    s.lower.clear();
    s.shape.clear();
    s.short.clear();
    let (mut upper, mut lower_n, mut digit, mut hyphen) = (0usize, 0usize, false, false);
    let mut run = 0usize;
    let mut last = '\0';
    for &c in word {
        s.lower.extend(c.to_lowercase());
        let k = shape_class(c);
        // Full shape keeps runs up to 4 long (`Xxxxx` → `Xxxx`), the short one collapses them.
        if k == last {
            run += 1;
        } else {
            run = 1;
            s.short.push(k);
        }
        if run <= 4 {
            s.shape.push(k);
        }
        last = k;
        upper += usize::from(c.is_uppercase());
        lower_n += usize::from(c.is_lowercase());
        digit |= c.is_numeric();
        hyphen |= c == '-';
    }
    // Prefixes and suffixes of the lower-cased word, by characters.
    s.bounds.clear();
    s.bounds.extend(s.lower.char_indices().map(|(i, _)| i));
    s.bounds.push(s.lower.len());
    let n = s.bounds.len() - 1;
    let mut prefix = [0u64; 4];
    let mut suffix = [0u64; 4];
    for k in 1..=4 {
        let k_ = k.min(n);
        prefix[k - 1] = hash_str(&s.lower[..s.bounds[k_]]);
        suffix[k - 1] = hash_str(&s.lower[s.bounds[n - k_]..]);
    }
    let title = word.first().is_some_and(|c| c.is_uppercase()) && lower_n > 0;
    let all_upper = upper > 0 && lower_n == 0;
    let flags = u64::from(title)
        | u64::from(all_upper) << 1
        | u64::from(digit) << 2
        | u64::from(hyphen) << 3
        | 1 << 8;
    TokenHashes {
        lower: hash_str(&s.lower),
        shape: hash_str(&s.shape),
        short: hash_str(&s.short),
        prefix,
        suffix,
        flags,
        all_lower: lower_n > 0 && upper == 0,
        seen_lower: false,
    }
}

/// The [`FEATURES`] hashes of token `i` of a sentence.
fn features(sentence: &[TokenHashes], i: usize, out: &mut [u64; FEATURES]) {
    let at = |d: isize| -> TokenHashes {
        let j = i as isize + d;
        if j < 0 || j as usize >= sentence.len() {
            BOUNDARY
        } else {
            sentence[j as usize]
        }
    };
    let (p2, p1, w, n1, n2) = (at(-2), at(-1), at(0), at(1), at(2));
    let position = match i {
        0 => 0u64,
        1 => 1,
        _ => 2,
    };
    let f = [
        1, // bias
        w.lower,
        w.shape,
        w.short,
        w.prefix[0],
        w.prefix[1],
        w.prefix[2],
        w.prefix[3],
        w.suffix[0],
        w.suffix[1],
        w.suffix[2],
        w.suffix[3],
        w.flags,
        p1.lower,
        p2.lower,
        n1.lower,
        n2.lower,
        p1.short,
        p2.short,
        n1.short,
        n2.short,
        mix(p1.lower, w.lower),
        mix(w.lower, n1.lower),
        mix(mix(p1.short, w.short), n1.short),
        mix(position, w.short),
        mix(p1.lower, w.short),
        mix(w.flags, u64::from(w.seen_lower)),
    ];
    for (t, (o, v)) in out.iter_mut().zip(f).enumerate() {
        *o = mix(t as u64 + 1, v);
    }
}

/// Tokens and sentences of one text. `cuts` are extra token boundaries, `protect`
/// spans no sentence break may cut.
fn segment(
    chars: &[char],
    cuts: &[usize],
    protect: &[CharSpan],
) -> (Vec<Token>, Vec<std::ops::Range<usize>>) {
    let tokens = tokenize_chars(chars, cuts);
    let sentences = sentences_chars(chars, &tokens, protect);
    (tokens, sentences)
}

fn hashes_of(chars: &[char], tokens: &[Token], scratch: &mut Scratch) -> Vec<TokenHashes> {
    let mut hashes: Vec<TokenHashes> = tokens
        .iter()
        .map(|t| token_hashes(&chars[t.start..t.end], scratch))
        .collect();
    let lower: rustc_hash::FxHashSet<u64> = hashes
        .iter()
        .filter(|h| h.all_lower)
        .map(|h| h.lower)
        .collect();
    for h in &mut hashes {
        h.seen_lower = lower.contains(&h.lower);
    }
    hashes
}

// ---------------------------------------------------------------------------------
// Decoding

/// Best tag path for emission scores `em` (`n × tags`), transitions `tr`
/// (`(tags + 1) × tags`, last row = start).
fn viterbi<T>(em: &[T], tr: &[T], tags: usize, path: &mut Vec<usize>, back: &mut Vec<u32>)
where
    T: Copy + PartialOrd + std::ops::Add<Output = T> + Bounded,
{
    let n = em.len() / tags;
    path.clear();
    if n == 0 {
        return;
    }
    back.clear();
    back.resize(n * tags, 0);
    let mut score: Vec<T> = (0..tags)
        .map(|y| {
            if allowed(None, y) {
                tr[tags * tags + y] + em[y]
            } else {
                T::MIN
            }
        })
        .collect();
    let mut next = score.clone();
    for t in 1..n {
        for y in 0..tags {
            let mut best = T::MIN;
            let mut arg = 0;
            for p in 0..tags {
                if !allowed(Some(p), y) || score[p] == T::MIN {
                    continue;
                }
                let s = score[p] + tr[p * tags + y];
                if best == T::MIN || s > best {
                    best = s;
                    arg = p;
                }
            }
            next[y] = if best == T::MIN {
                T::MIN
            } else {
                best + em[t * tags + y]
            };
            back[t * tags + y] = arg as u32;
        }
        std::mem::swap(&mut score, &mut next);
    }
    let mut y = 0;
    for k in 1..tags {
        if score[k] > score[y] {
            y = k;
        }
    }
    path.resize(n, 0);
    path[n - 1] = y;
    for t in (1..n).rev() {
        y = back[t * tags + y] as usize;
        path[t - 1] = y;
    }
}

/// The lowest value, used as "impossible" in [`viterbi`].
trait Bounded {
    const MIN: Self;
}
impl Bounded for i32 {
    const MIN: i32 = i32::MIN / 4;
}
impl Bounded for f32 {
    const MIN: f32 = f32::NEG_INFINITY;
}

// ---------------------------------------------------------------------------------
// Training

struct Sentence {
    /// Which training document it is from (calibration folds by document).
    doc: usize,
    /// Index of the first token in the flat arrays.
    first: usize,
    len: usize,
}

/// Integer weights with lazy averaging: `avg = w - u / c`.
struct Learner {
    tags: usize,
    w: Vec<i32>,
    u: Vec<i64>,
    tw: Vec<i32>,
    tu: Vec<i64>,
    c: i64,
}

impl Learner {
    fn update(&mut self, feats: &[u32], tag: usize, d: i32) {
        for &f in feats {
            let k = f as usize * self.tags + tag;
            self.w[k] += d;
            self.u[k] += self.c * i64::from(d);
        }
    }
    fn update_transition(&mut self, prev: Option<usize>, tag: usize, d: i32) {
        let k = prev.unwrap_or(self.tags) * self.tags + tag;
        self.tw[k] += d;
        self.tu[k] += self.c * i64::from(d);
    }
    fn averaged(w: &[i32], u: &[i64], c: i64) -> Vec<f32> {
        let c = c.max(1) as f64;
        w.iter()
            .zip(u)
            .map(|(&w, &u)| (f64::from(w) - u as f64 / c) as f32)
            .collect()
    }
}

struct XorShift(u64);
impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// The training set in flat arrays (features interned, gold tags per token).
struct TrainData<'a> {
    tags: usize,
    rows: usize,
    feats: &'a [u32],
    gold: &'a [u8],
    /// (token, rejected tag), sorted.
    rejected: &'a [(usize, u8)],
    sentences: &'a [Sentence],
}

impl TrainData<'_> {
    fn token_features(&self, t: usize) -> &[u32] {
        &self.feats[t * FEATURES..(t + 1) * FEATURES]
    }

    /// Averaged weights (emissions, transitions) learnt from the sentences `which`.
    fn fit(&self, which: &[usize], options: &TrainOptions) -> (Vec<f32>, Vec<f32>) {
        let tags = self.tags;
        let mut learner = Learner {
            tags,
            w: vec![0; self.rows * tags],
            u: vec![0; self.rows * tags],
            tw: vec![0; (tags + 1) * tags],
            tu: vec![0; (tags + 1) * tags],
            c: 1,
        };
        let mut order: Vec<usize> = which.to_vec();
        let mut rng = XorShift(options.seed | 1);
        let (mut em, mut path, mut back) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..options.epochs.max(1) {
            // Fisher–Yates with the fixed seed.
            for i in (1..order.len()).rev() {
                order.swap(i, (rng.next() % (i as u64 + 1)) as usize);
            }
            let mut mistakes = 0usize;
            for &si in &order {
                let s = &self.sentences[si];
                em.clear();
                em.resize(s.len * tags, 0i32);
                for t in 0..s.len {
                    let row = &mut em[t * tags..(t + 1) * tags];
                    for &f in self.token_features(s.first + t) {
                        let w = &learner.w[f as usize * tags..(f as usize + 1) * tags];
                        for (r, w) in row.iter_mut().zip(w) {
                            *r += *w;
                        }
                    }
                }
                viterbi(&em, &learner.tw, tags, &mut path, &mut back);
                let g = &self.gold[s.first..s.first + s.len];
                let mut prev_g: Option<usize> = None;
                let mut prev_p: Option<usize> = None;
                let mut wrong = false;
                for t in 0..s.len {
                    let (gt, pt) = (usize::from(g[t]), path[t]);
                    if gt != pt {
                        wrong = true;
                        let fs = self.token_features(s.first + t);
                        learner.update(fs, gt, 1);
                        learner.update(fs, pt, -1);
                    }
                    if (prev_g, gt) != (prev_p, pt) {
                        learner.update_transition(prev_g, gt, 1);
                        learner.update_transition(prev_p, pt, -1);
                    }
                    prev_g = Some(gt);
                    prev_p = Some(pt);
                }
                mistakes += usize::from(wrong);
                // Rejected spans in this sentence: push their tags below the gold tag.
                let lo = self.rejected.partition_point(|(t, _)| *t < s.first);
                for &(tok, tag) in self.rejected[lo..]
                    .iter()
                    .take_while(|(t, _)| *t < s.first + s.len)
                {
                    let t = tok - s.first;
                    let gt = usize::from(g[t]);
                    let tag = usize::from(tag);
                    if em[t * tags + tag] + options.rejected_margin > em[t * tags + gt] {
                        let fs = self.token_features(tok);
                        learner.update(fs, gt, 1);
                        learner.update(fs, tag, -1);
                    }
                }
                learner.c += 1;
            }
            if mistakes == 0 {
                break;
            }
        }
        (
            Learner::averaged(&learner.w, &learner.u, learner.c),
            Learner::averaged(&learner.tw, &learner.tu, learner.c),
        )
    }
}

/// A decoded held-out sentence: its emission scores and its spans `(a, b, tag, right)`.
type CalibrationCase = (Vec<f32>, Vec<(usize, usize, usize, bool)>);

/// Most held-out sentences [`calibrate`] decodes (enough for a stable temperature,
/// few enough to keep retraining fast on big projects).
const CALIBRATION_SENTENCES: usize = 400;
/// Most sentences the calibration model is trained on (WikiGold's 2,400 training
/// entities are ~1,200 sentences, below this; a 1,000-article project is ~20,000).
const CALIBRATION_FIT_SENTENCES: usize = 4000;

/// The temperature that makes span scores honest: train on the sentences of 4 in 5
/// documents (at most [`CALIBRATION_FIT_SENTENCES`]), decode the others (at most
/// [`CALIBRATION_SENTENCES`]), and take the
/// temperature with the lowest log loss of "this suggested span is right"; then raise
/// it until suggestions scored ≥ 0.9 are right ≥ 90 % of the time there. The model
/// trained on everything is a little better than this one, so its scores err on the
/// modest side.
fn calibrate(data: &TrainData<'_>, options: &TrainOptions) -> f32 {
    const FALLBACK: f32 = 16.0;
    // Below this many decoded spans the temperature is at least MODEST (16: on
    // WikiGold's first 50 training entities it leaves next to nothing at ≥ 0.9).
    const MIN_CALIBRATION_SPANS: usize = 50;
    const MODEST: f32 = 16.0;
    let docs = data
        .sentences
        .iter()
        .map(|s| s.doc)
        .max()
        .map_or(0, |d| d + 1);
    // Fold by document when there are enough, else by sentence.
    let held = |i: usize, s: &Sentence| {
        if docs >= 5 {
            s.doc % 5 == 4
        } else {
            i % 5 == 4
        }
    };
    let (mut fit, mut check): (Vec<usize>, Vec<usize>) = (Vec::new(), Vec::new());
    for (i, s) in data.sentences.iter().enumerate() {
        if held(i, s) {
            check.push(i)
        } else {
            fit.push(i)
        }
    }
    if fit.is_empty() || check.is_empty() {
        return FALLBACK;
    }
    // An even spread of the sentences when there are too many: the calibration model
    // only has to be like the real one, and on a big project it would otherwise double
    // the training time.
    let spread = |v: Vec<usize>, most: usize| {
        if v.len() <= most {
            return v;
        }
        let step = v.len() as f64 / most as f64;
        (0..most).map(|k| v[(k as f64 * step) as usize]).collect()
    };
    let check = spread(check, CALIBRATION_SENTENCES);
    let fit = spread(fit, CALIBRATION_FIT_SENTENCES);
    let (weights, transitions) = data.fit(&fit, options);
    let tags = data.tags;
    // Each held sentence with predicted spans: emissions, and (a, b, tag, right).
    let mut cases: Vec<CalibrationCase> = Vec::new();
    let (mut path, mut back) = (Vec::new(), Vec::new());
    for &si in &check {
        let s = &data.sentences[si];
        let mut em = vec![0f32; s.len * tags];
        for t in 0..s.len {
            let row = &mut em[t * tags..(t + 1) * tags];
            for &f in data.token_features(s.first + t) {
                for (r, w) in row
                    .iter_mut()
                    .zip(&weights[f as usize * tags..(f as usize + 1) * tags])
                {
                    *r += *w;
                }
            }
        }
        viterbi(&em, &transitions, tags, &mut path, &mut back);
        let gold: Vec<usize> = data.gold[s.first..s.first + s.len]
            .iter()
            .map(|&g| usize::from(g))
            .collect();
        let gold_spans = bio_spans(&gold);
        let spans: Vec<(usize, usize, usize, bool)> = bio_spans(&path)
            .into_iter()
            .map(|(a, b, tag)| (a, b, tag, gold_spans.contains(&(a, b, tag))))
            .collect();
        if !spans.is_empty() {
            cases.push((em, spans));
        }
    }
    if cases.is_empty() {
        return FALLBACK;
    }
    // (log loss, precision of the spans scored ≥ 0.9) at temperature t.
    let measure = |t: f32| {
        let (mut loss, mut high, mut high_right) = (0.0f64, 0usize, 0usize);
        for (em, spans) in &cases {
            let m = Marginals::new(em, &transitions, tags, t);
            for &(a, b, tag, right) in spans {
                let p = m.span(a, b, tag).clamp(1e-6, 1.0 - 1e-6);
                loss -= if right { p.ln() } else { (1.0 - p).ln() };
                if p >= 0.9 {
                    high += 1;
                    high_right += usize::from(right);
                }
            }
        }
        (
            loss,
            if high == 0 {
                1.0
            } else {
                high_right as f64 / high as f64
            },
        )
    };
    // Log loss is unimodal in log t: a golden-section search over 0.5..128 (each step
    // reuses one of the two previous evaluations; forward–backward is the cost here).
    const PHI: f32 = 0.618_034;
    let (mut lo, mut hi) = (0.5f32.ln(), 128f32.ln());
    let mut a = hi - PHI * (hi - lo);
    let mut b = lo + PHI * (hi - lo);
    let (mut fa, mut fb) = (measure(a.exp()).0, measure(b.exp()).0);
    for _ in 0..8 {
        if fa <= fb {
            hi = b;
            b = a;
            fb = fa;
            a = hi - PHI * (hi - lo);
            fa = measure(a.exp()).0;
        } else {
            lo = a;
            a = b;
            fa = fb;
            b = lo + PHI * (hi - lo);
            fb = measure(b.exp()).0;
        }
    }
    let mut t = ((lo + hi) / 2.0).exp();
    // Too few spans to trust the estimate (a project's first documents): stay modest.
    if cases.iter().map(|(_, s)| s.len()).sum::<usize>() < MIN_CALIBRATION_SPANS {
        t = t.max(MODEST);
    }
    if measure(t).1 >= 0.9 {
        return t;
    }
    // Too few of the spans scored ≥ 0.9 are right: the lowest temperature up to 256
    // where enough are (bisection in log t; precision there rises with t).
    let (mut lo, mut hi) = (t.ln(), 256f32.ln());
    for _ in 0..6 {
        let mid = (lo + hi) / 2.0;
        if measure(mid.exp()).1 >= 0.9 {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    hi.exp()
}

impl Tagger {
    /// Train on the analyst's documents: spans are positives, tokens outside them are
    /// O, and rejected spans are negative examples (see the module comment). Spans that
    /// overlap an earlier, longer one are left out (BIO cannot nest); spans outside their
    /// text or covering only white space are skipped. Never panics.
    pub fn train(examples: &[Example<'_>], options: &TrainOptions) -> Tagger {
        // Labels, sorted so training is deterministic whatever the order of spans.
        let mut labels: Vec<Label> = examples
            .iter()
            .flat_map(|e| e.spans.iter().map(|(_, l)| l.clone()))
            .collect();
        labels.sort();
        labels.dedup();
        let tags = 1 + 2 * labels.len();
        let label_index = |l: &Label| labels.binary_search(l).ok();

        let mut rows: FxHashMap<u64, u32> = FxHashMap::default();
        let mut feats: Vec<u32> = Vec::new();
        let mut gold: Vec<u8> = Vec::new();
        // (token, rejected tag) pairs.
        let mut rejected: Vec<(usize, u8)> = Vec::new();
        let mut sentences: Vec<Sentence> = Vec::new();
        let mut trained_spans = 0usize;
        let mut scratch = Scratch::default();
        let mut fbuf = [0u64; FEATURES];

        for (doc, ex) in examples.iter().enumerate() {
            let chars: Vec<char> = ex.text.chars().collect();
            let len = chars.len();
            // Non-overlapping spans: by start, longer first.
            let mut spans: Vec<(CharSpan, usize)> = ex
                .spans
                .iter()
                .filter(|(s, _)| s.end() <= len)
                .filter_map(|(s, l)| Some((*s, label_index(l)?)))
                .collect();
            spans.sort_by_key(|(s, l)| (s.start(), std::cmp::Reverse(s.end()), *l));
            let mut kept: Vec<(CharSpan, usize)> = Vec::with_capacity(spans.len());
            for (s, l) in spans {
                if kept.last().is_none_or(|(k, _)| k.end() <= s.start()) {
                    kept.push((s, l));
                }
            }
            let cuts: Vec<usize> = kept
                .iter()
                .flat_map(|(s, _)| [s.start(), s.end()])
                .collect();
            let protect: Vec<CharSpan> = kept.iter().map(|(s, _)| *s).collect();
            let (tokens, sents) = segment(&chars, &cuts, &protect);
            let base = gold.len();
            gold.resize(base + tokens.len(), O as u8);
            for (s, l) in &kept {
                // With the cuts, a span's edges are token edges; a span of white space
                // only has no token inside and is skipped.
                let a = tokens.partition_point(|t| t.start < s.start());
                let b = tokens.partition_point(|t| t.end <= s.end());
                if a >= b {
                    continue;
                }
                trained_spans += 1;
                gold[base + a] = (1 + 2 * l) as u8;
                for g in &mut gold[base + a + 1..base + b] {
                    *g = (2 + 2 * l) as u8;
                }
            }
            for (s, l) in ex.rejected {
                let Some(l) = label_index(l) else { continue };
                if s.end() > len
                    || ex
                        .spans
                        .iter()
                        .any(|(p, pl)| p == s && label_index(pl) == Some(l))
                {
                    continue;
                }
                // Tokens wholly inside the rejected span.
                let a = tokens.partition_point(|t| t.start < s.start());
                let b = tokens.partition_point(|t| t.end <= s.end());
                for t in a..b.max(a) {
                    let tag = if t == a { 1 + 2 * l } else { 2 + 2 * l };
                    if usize::from(gold[base + t]) != tag {
                        rejected.push((base + t, tag as u8));
                    }
                }
            }
            let hashes = hashes_of(&chars, &tokens, &mut scratch);
            feats.reserve(tokens.len() * FEATURES);
            for r in sents {
                let sent = &hashes[r.clone()];
                for i in 0..sent.len() {
                    features(sent, i, &mut fbuf);
                    for h in fbuf {
                        let next = rows.len() as u32;
                        feats.push(*rows.entry(h).or_insert(next));
                    }
                }
                sentences.push(Sentence {
                    doc,
                    first: base + r.start,
                    len: r.len(),
                });
            }
        }
        if trained_spans == 0 {
            return Tagger::default();
        }
        rejected.sort_unstable();

        let data = TrainData {
            tags,
            rows: rows.len(),
            feats: &feats,
            gold: &gold,
            rejected: &rejected,
            sentences: &sentences,
        };
        let temperature = match options.temperature {
            Some(t) if t.is_finite() && t > 0.0 => t,
            _ => calibrate(&data, options),
        };
        let all: Vec<usize> = (0..sentences.len()).collect();
        let (weights, transitions) = data.fit(&all, options);
        Tagger {
            labels,
            rows,
            weights,
            transitions,
            temperature,
            trained_spans,
        }
    }

    /// How many spans it learned from.
    pub fn trained_spans(&self) -> usize {
        self.trained_spans
    }

    /// Nothing learned yet: [`Tagger::suggest`] returns nothing.
    pub fn is_empty(&self) -> bool {
        self.trained_spans == 0 || self.labels.is_empty()
    }

    /// The temperature its confidences use (calibrated or given).
    pub fn temperature(&self) -> f32 {
        self.temperature
    }

    /// The labels it can propose.
    pub fn labels(&self) -> &[Label] {
        &self.labels
    }

    /// Spans it predicts in `text` (the best path of each sentence), each with
    /// [`Engine::Model`] and its marginal probability as the score, sorted by position.
    pub fn suggest(&self, text: &str) -> Vec<Suggestion> {
        let mut out = Vec::new();
        if self.is_empty() {
            return out;
        }
        let tags = 1 + 2 * self.labels.len();
        let chars: Vec<char> = text.chars().collect();
        let (tokens, sents) = segment(&chars, &[], &[]);
        let mut scratch = Scratch::default();
        let hashes = hashes_of(&chars, &tokens, &mut scratch);
        let mut fbuf = [0u64; FEATURES];
        let (mut em, mut path, mut back) = (Vec::new(), Vec::new(), Vec::new());
        for r in sents {
            let sent = &hashes[r.clone()];
            em.clear();
            em.resize(sent.len() * tags, 0f32);
            for i in 0..sent.len() {
                features(sent, i, &mut fbuf);
                let row = &mut em[i * tags..(i + 1) * tags];
                for h in &fbuf {
                    if let Some(&f) = self.rows.get(h) {
                        let w = &self.weights[f as usize * tags..(f as usize + 1) * tags];
                        for (r, w) in row.iter_mut().zip(w) {
                            *r += *w;
                        }
                    }
                }
            }
            viterbi(&em, &self.transitions, tags, &mut path, &mut back);
            let spans = bio_spans(&path);
            if spans.is_empty() {
                continue;
            }
            let marginals = Marginals::new(&em, &self.transitions, tags, self.temperature);
            for (a, b, tag) in spans {
                let start = tokens[r.start + a].start;
                let end = tokens[r.start + b - 1].end;
                let Ok(span) = CharSpan::new(start, end, chars.len()) else {
                    continue;
                };
                let label = self.labels[(tag - 1) / 2].clone();
                let score = marginals.span(a, b, tag) as f32;
                out.push(Suggestion {
                    span,
                    label,
                    engine: Engine::Model,
                    score: if score.is_finite() {
                        score.clamp(0.0, 1.0)
                    } else {
                        0.0
                    },
                    id: None,
                });
            }
        }
        out
    }
}

/// `(first token, end token, B tag)` of each span on a BIO path.
fn bio_spans(path: &[usize]) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    let mut t = 0;
    while t < path.len() {
        let tag = path[t];
        if tag == O || is_inside(tag) {
            // Viterbi never starts with I; an orphan I is not a span.
            t += 1;
            continue;
        }
        let mut e = t + 1;
        while e < path.len() && path[e] == tag + 1 {
            e += 1;
        }
        out.push((t, e, tag));
        t = e;
    }
    out
}

/// Forward–backward over one sentence, scores divided by a temperature. In scaled
/// probability space (each step's forward vector normalised, the usual HMM scaling):
/// one `exp` per score instead of one per tag pair, so calibration stays cheap.
struct Marginals {
    tags: usize,
    /// `exp((score - row max) / t)` per token and tag.
    em: Vec<f64>,
    /// `exp(score / t)`, 0 where BIO forbids the transition; last row = start.
    tr: Vec<f64>,
    alpha: Vec<f64>,
    beta: Vec<f64>,
    /// The forward normaliser of each token.
    scale: Vec<f64>,
}

impl Marginals {
    fn new(em: &[f32], tr: &[f32], tags: usize, temperature: f32) -> Marginals {
        let n = em.len() / tags;
        let inv = 1.0 / f64::from(temperature);
        let mut e = vec![0.0; n * tags];
        for t in 0..n {
            let row = &em[t * tags..(t + 1) * tags];
            let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            for y in 0..tags {
                e[t * tags + y] = (f64::from(row[y] - max) * inv).exp();
            }
        }
        let tr: Vec<f64> = tr
            .iter()
            .enumerate()
            .map(|(k, &x)| {
                let (p, y) = (k / tags, k % tags);
                let prev = if p == tags { None } else { Some(p) };
                if allowed(prev, y) {
                    // Clamped so that no product overflows (the scaling handles the rest).
                    (f64::from(x) * inv).clamp(-300.0, 300.0).exp()
                } else {
                    0.0
                }
            })
            .collect();
        let mut alpha = vec![0.0; n * tags];
        let mut beta = vec![1.0; n * tags];
        let mut scale = vec![1.0; n];
        for t in 0..n {
            let mut sum = 0.0;
            for y in 0..tags {
                let into = if t == 0 {
                    tr[tags * tags + y]
                } else {
                    (0..tags)
                        .map(|p| alpha[(t - 1) * tags + p] * tr[p * tags + y])
                        .sum()
                };
                let v = into * e[t * tags + y];
                alpha[t * tags + y] = v;
                sum += v;
            }
            // A sum of 0 (all paths impossible) cannot happen with O always allowed;
            // guarded all the same so nothing divides by zero.
            let sum = if sum > 0.0 && sum.is_finite() {
                sum
            } else {
                1.0
            };
            scale[t] = sum;
            for y in 0..tags {
                alpha[t * tags + y] /= sum;
            }
        }
        for t in (0..n.saturating_sub(1)).rev() {
            for y in 0..tags {
                beta[t * tags + y] = (0..tags)
                    .map(|z| tr[y * tags + z] * e[(t + 1) * tags + z] * beta[(t + 1) * tags + z])
                    .sum::<f64>()
                    / scale[t + 1];
            }
        }
        Marginals {
            tags,
            em: e,
            tr,
            alpha,
            beta,
            scale,
        }
    }

    /// Probability that tokens `a..b` are exactly one span with B tag `b_tag`.
    fn span(&self, a: usize, b: usize, b_tag: usize) -> f64 {
        let tags = self.tags;
        let n = self.scale.len();
        let i_tag = b_tag + 1;
        let mut p = self.alpha[a * tags + b_tag];
        let mut prev = b_tag;
        for t in a + 1..b {
            p *= self.tr[prev * tags + i_tag] * self.em[t * tags + i_tag] / self.scale[t];
            prev = i_tag;
        }
        if b < n {
            p *= (0..tags)
                .filter(|&z| z != i_tag)
                .map(|z| self.tr[prev * tags + z] * self.em[b * tags + z] * self.beta[b * tags + z])
                .sum::<f64>()
                / self.scale[b];
        }
        p
    }
}

#[cfg(test)]
#[path = "tests_tagger.rs"]
mod tests;
