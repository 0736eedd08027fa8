//! The tagger's learning curve on WikiGold or UNER English-EWT (issue 9), measured on
//! held-out documents.
//!
//! `cargo run --release --no-default-features --example learning_curve -- [CORPUS_DIR] [--corpus wikigold|uner] [--out DIR]`
//!
//! - `--corpus wikigold` (the default) reads `wikigold.conll.txt` from CORPUS_DIR
//!   (default: the first of `../shared/corpus/ner-dev` and `../../shared/corpus/ner-dev`
//!   that exists). IOB1 with conlleval chunking; text = tokens joined by single spaces,
//!   sentences by `\n`.
//! - `--corpus uner` reads `en_ewt-ud-dev.iob2` and `en_ewt-ud-test.iob2` (UNER v1
//!   English-EWT, CC BY-SA 4.0; PER, ORG, LOC; the train split is not in the folder) as
//!   one pool of documents (`# newdoc id` starts one). Text = each sentence's
//!   `# text =` line (its real spacing), sentences joined by `\n`; tokens are aligned
//!   to it for their offsets; IOB2 with the same conlleval chunking.
//! - Holds out 30 % of the documents (fixed seed). For 3 shuffles of the training
//!   documents, trains on the first documents until 50, 200, 1,000 and all training
//!   entities (the last document cut at a sentence end so the count is close to the
//!   target) and scores exact spans (entity level, exact boundaries and type, as
//!   seqeval) on the held-out documents: the tagger alone, and "all engines" (the
//!   tagger plus the app's same-string engine, `suggest::same_string`: every training
//!   entity string found again as whole words, with its most frequent label and an
//!   evidence-based score; the tagger wins on overlap).
//! - Prints a Markdown table, writes `DIR/learning-curve.csv` and, for the spaCy
//!   comparison (tools/learning_curve.sh), `DIR/heldout.jsonl` and
//!   `DIR/train-s{shuffle}-n{size}.jsonl` (`{"text", "spans": [{"start", "end", "label"}]}`,
//!   code-point offsets).
//! - `--tune`: no held-out scoring; instead trains on 80 % of the training documents and
//!   scores on the other 20 %, for the calibrated temperature and fixed ones (features
//!   and the calibration were tuned this way, never on the held-out documents).
//!   `--temperature T` and `--epochs E` override the defaults.

use entitle::model::Label;
use entitle::suggest::same_string::{SameString, SameStringOptions};
use entitle::suggest::tagger::{Tagger, TrainOptions};
use entitle::suggest::{Example, Suggestion};
use entitle::text::CharSpan;
use std::collections::HashSet;
use std::error::Error;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

const SIZES: [usize; 4] = [50, 200, 1000, usize::MAX];
const SHUFFLES: u64 = 3;
const HOLDOUT: f64 = 0.3;
const SPLIT_SEED: u64 = 2024;

/// One document: text, spans (code points) and where each sentence ends (chars).
#[derive(Clone)]
struct Doc {
    text: String,
    spans: Vec<(CharSpan, Label)>,
    sentence_ends: Vec<usize>,
}

fn parse_wikigold(content: &str) -> Result<Vec<Doc>, Box<dyn Error>> {
    struct Building {
        text: String,
        chars: usize,
        raw: Vec<(usize, usize, String)>,
        sentence_ends: Vec<usize>,
        sentence_open: bool,
        // The entity being read: (start, end, type).
        open: Option<(usize, usize, String)>,
    }
    impl Building {
        fn new() -> Self {
            Building {
                text: String::new(),
                chars: 0,
                raw: Vec::new(),
                sentence_ends: Vec::new(),
                sentence_open: false,
                open: None,
            }
        }
        fn close_entity(&mut self) {
            if let Some(e) = self.open.take() {
                self.raw.push(e);
            }
        }
        fn end_sentence(&mut self) {
            self.close_entity();
            if self.sentence_open {
                self.sentence_ends.push(self.chars);
                self.sentence_open = false;
            }
        }
        fn finish(mut self) -> Result<Option<Doc>, Box<dyn Error>> {
            self.end_sentence();
            if self.chars == 0 {
                return Ok(None);
            }
            let mut spans = Vec::new();
            for (s, e, t) in self.raw {
                spans.push((CharSpan::new(s, e, self.chars)?, Label::new(&t)?));
            }
            Ok(Some(Doc {
                text: self.text,
                spans,
                sentence_ends: self.sentence_ends,
            }))
        }
    }
    let mut docs = Vec::new();
    let mut b = Building::new();
    for (n, line) in content.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            b.end_sentence();
            continue;
        }
        let (token, tag) = line
            .rsplit_once(' ')
            .ok_or_else(|| format!("line {}: expected `token TAG`", n + 1))?;
        if token == "-DOCSTART-" {
            let done = std::mem::replace(&mut b, Building::new());
            docs.extend(done.finish()?);
            continue;
        }
        if b.sentence_open {
            b.text.push(' ');
            b.chars += 1;
        } else if b.chars > 0 {
            b.text.push('\n');
            b.chars += 1;
        }
        b.sentence_open = true;
        let start = b.chars;
        b.text.push_str(token);
        b.chars += token.chars().count();
        // conlleval chunking: B-X always starts; I-X continues only an open X.
        match tag.split_once('-') {
            Some((prefix, ty)) if prefix == "B" || prefix == "I" => {
                let continues = prefix == "I" && b.open.as_ref().is_some_and(|(_, _, t)| t == ty);
                if continues {
                    if let Some(open) = b.open.as_mut() {
                        open.1 = b.chars;
                    }
                } else {
                    b.close_entity();
                    b.open = Some((start, b.chars, ty.to_string()));
                }
            }
            _ => b.close_entity(),
        }
    }
    docs.extend(b.finish()?);
    Ok(docs)
}

/// UNER English-EWT (`index token TAG - annotator`, tab-separated, with `# newdoc id`,
/// `# text =` comments): one [`Doc`] per `newdoc`, the sentences' own text joined by
/// `\n`, each token found in its sentence's text (in order, only spaces between) so
/// offsets follow the real spacing.
fn parse_uner(content: &str, docs: &mut Vec<Doc>) -> Result<(), Box<dyn Error>> {
    struct Building {
        text: String,
        chars: usize,
        spans: Vec<(usize, usize, String)>,
        sentence_ends: Vec<usize>,
    }
    let finish = |b: Building, docs: &mut Vec<Doc>| -> Result<(), Box<dyn Error>> {
        if b.chars == 0 {
            return Ok(());
        }
        let mut spans = Vec::new();
        for (s, e, t) in b.spans {
            spans.push((CharSpan::new(s, e, b.chars)?, Label::new(&t)?));
        }
        docs.push(Doc {
            text: b.text,
            spans,
            sentence_ends: b.sentence_ends,
        });
        Ok(())
    };
    let new = || Building {
        text: String::new(),
        chars: 0,
        spans: Vec::new(),
        sentence_ends: Vec::new(),
    };
    let mut b = new();
    // The sentence being read: its text, its first char in the document, the byte in
    // it after the last token, and the entity open in it (start, end, type).
    let mut sentence: Option<(String, usize, usize)> = None;
    let mut open: Option<(usize, usize, String)> = None;
    for (n, line) in content.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        let n = n + 1;
        if line.starts_with("# newdoc") {
            finish(std::mem::replace(&mut b, new()), docs)?;
            continue;
        }
        if let Some(text) = line.strip_prefix("# text = ") {
            if b.chars > 0 {
                b.text.push('\n');
                b.chars += 1;
            }
            sentence = Some((text.to_string(), b.chars, 0));
            b.text.push_str(text);
            b.chars += text.chars().count();
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        if line.trim().is_empty() {
            if let Some(e) = open.take() {
                b.spans.push(e);
            }
            if sentence.take().is_some() {
                b.sentence_ends.push(b.chars);
            }
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let (Some(token), Some(tag)) = (cols.get(1), cols.get(2)) else {
            return Err(format!("line {n}: expected `index token TAG …`").into());
        };
        let (text, base, at) = sentence
            .as_mut()
            .ok_or_else(|| format!("line {n}: a token before its sentence's `# text =`"))?;
        let rest = &text[*at..];
        let found = rest
            .find(token)
            .filter(|&i| rest[..i].trim().is_empty())
            .ok_or_else(|| format!("line {n}: token {token:?} is not next in the sentence text"))?;
        let start = *base + text[..*at + found].chars().count();
        let end = start + token.chars().count();
        *at += found + token.len();
        match tag.split_once('-') {
            Some((prefix, ty)) if prefix == "B" || prefix == "I" => {
                let continues = prefix == "I" && open.as_ref().is_some_and(|(_, _, t)| t == ty);
                match open.as_mut() {
                    Some(o) if continues => o.1 = end,
                    _ => {
                        if let Some(e) = open.take() {
                            b.spans.push(e);
                        }
                        open = Some((start, end, ty.to_string()));
                    }
                }
            }
            _ => {
                if let Some(e) = open.take() {
                    b.spans.push(e);
                }
            }
        }
    }
    if let Some(e) = open.take() {
        b.spans.push(e);
    }
    if sentence.is_some() {
        b.sentence_ends.push(b.chars);
    }
    finish(b, docs)
}

/// Which corpus: its name and its documents.
fn read_corpus(dir: &Path, corpus: &str) -> Result<(&'static str, Vec<Doc>), Box<dyn Error>> {
    match corpus {
        "wikigold" => {
            let content = std::fs::read_to_string(dir.join("wikigold.conll.txt"))?;
            Ok(("WikiGold", parse_wikigold(&content)?))
        }
        "uner" => {
            let mut docs = Vec::new();
            for f in ["en_ewt-ud-dev.iob2", "en_ewt-ud-test.iob2"] {
                parse_uner(&std::fs::read_to_string(dir.join(f))?, &mut docs)?;
            }
            Ok(("UNER English-EWT (dev + test)", docs))
        }
        _ => Err(format!("--corpus {corpus}: wikigold or uner").into()),
    }
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        // splitmix64: good enough for shuffles, and the same everywhere.
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            xs.swap(i, (self.next() % (i as u64 + 1)) as usize);
        }
    }
}

/// The first documents until `target` entities; the last one cut after the sentence
/// that reaches it.
fn take_entities(docs: &[&Doc], target: usize) -> Vec<Doc> {
    let mut out = Vec::new();
    let mut count = 0;
    for d in docs {
        if count >= target {
            break;
        }
        let left = target - count;
        if d.spans.len() <= left {
            count += d.spans.len();
            out.push((*d).clone());
            continue;
        }
        // Cut at the first sentence end after which `left` entities are in.
        let mut ends = d.spans.iter().map(|(s, _)| s.end()).collect::<Vec<_>>();
        ends.sort_unstable();
        let need = ends[left - 1];
        let cut = d
            .sentence_ends
            .iter()
            .copied()
            .find(|&e| e >= need)
            .unwrap_or(d.text.chars().count());
        let text: String = d.text.chars().take(cut).collect();
        let spans: Vec<(CharSpan, Label)> = d
            .spans
            .iter()
            .filter(|(s, _)| s.end() <= cut)
            .cloned()
            .collect();
        out.push(Doc {
            text,
            spans,
            sentence_ends: d
                .sentence_ends
                .iter()
                .copied()
                .filter(|&e| e <= cut)
                .collect(),
        });
        break;
    }
    out
}

fn examples(docs: &[Doc]) -> Vec<Example<'_>> {
    docs.iter()
        .map(|d| Example {
            text: &d.text,
            spans: &d.spans,
            rejected: &[],
            // Both corpora are annotated exhaustively: an untagged occurrence is a miss.
            complete: true,
        })
        .collect()
}

/// Union: the tagger's suggestions, plus same-string ones overlapping none of them.
fn combine(tagger: Vec<Suggestion>, same: Vec<Suggestion>) -> Vec<Suggestion> {
    let mut out = tagger;
    let keep: Vec<Suggestion> = same
        .into_iter()
        .filter(|s| !out.iter().any(|t| t.span.overlaps(s.span)))
        .collect();
    out.extend(keep);
    out
}

#[derive(Default, Clone, Copy)]
struct Counts {
    tp: usize,
    predicted: usize,
    gold: usize,
    /// Suggestions with score ≥ 0.9, and how many were right.
    high: usize,
    high_tp: usize,
}

impl Counts {
    fn add(&mut self, gold: &[(CharSpan, Label)], predicted: &[Suggestion]) {
        let g: HashSet<(CharSpan, &Label)> = gold.iter().map(|(s, l)| (*s, l)).collect();
        self.gold += g.len();
        let mut seen = HashSet::new();
        for p in predicted {
            if !seen.insert((p.span, &p.label)) {
                continue;
            }
            let hit = g.contains(&(p.span, &p.label));
            self.predicted += 1;
            self.tp += usize::from(hit);
            if p.score >= 0.9 {
                self.high += 1;
                self.high_tp += usize::from(hit);
            }
        }
    }
    fn prf(&self) -> (f64, f64, f64) {
        let p = ratio(self.tp, self.predicted);
        let r = ratio(self.tp, self.gold);
        let f = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        (p, r, f)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

fn write_jsonl(path: &Path, docs: &[Doc]) -> Result<(), Box<dyn Error>> {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
    for d in docs {
        let spans: Vec<serde_json::Value> = d
            .spans
            .iter()
            .map(|(s, l)| serde_json::json!({"start": s.start(), "end": s.end(), "label": l.as_str()}))
            .collect();
        serde_json::to_writer(&mut f, &serde_json::json!({"text": d.text, "spans": spans}))?;
        f.write_all(b"\n")?;
    }
    f.flush()?;
    Ok(())
}

/// One training run: entities, counts, training ms, suggest ms per document.
type Run = (usize, Counts, f64, f64);

struct Args {
    corpus: PathBuf,
    /// `wikigold` or `uner`.
    which: String,
    out: PathBuf,
    tune: bool,
    options: TrainOptions,
}

fn args() -> Result<Args, Box<dyn Error>> {
    let mut corpus = None;
    let mut which = "wikigold".to_string();
    let mut out = None;
    let mut tune = false;
    let mut options = TrainOptions::default();
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--out" => out = Some(PathBuf::from(it.next().ok_or("--out DIR")?)),
            "--corpus" => which = it.next().ok_or("--corpus wikigold|uner")?,
            "--tune" => tune = true,
            "--temperature" => {
                options.temperature = Some(it.next().ok_or("--temperature T")?.parse()?)
            }
            "--epochs" => options.epochs = it.next().ok_or("--epochs E")?.parse()?,
            _ if !a.starts_with("--") => corpus = Some(PathBuf::from(a)),
            _ => return Err(format!("unknown option {a}").into()),
        }
    }
    let corpus = match corpus {
        Some(c) => c,
        None => ["../shared/corpus/ner-dev", "../../shared/corpus/ner-dev"]
            .iter()
            .map(PathBuf::from)
            .find(|p| p.join("wikigold.conll.txt").exists())
            .ok_or("no corpus: pass the ner-dev folder as the first argument")?,
    };
    // Each corpus its own folder, so the spaCy side reads the right splits.
    let out = out.unwrap_or_else(|| match which.as_str() {
        "wikigold" => PathBuf::from("target/learning-curve"),
        w => PathBuf::from(format!("target/learning-curve-{w}")),
    });
    Ok(Args {
        corpus,
        which,
        out,
        tune,
        options,
    })
}

/// Calibration on the training part only: train on 80 % of the training documents,
/// score suggestions on the other 20 %, for several temperatures.
fn tune(train: &[&Doc], options: &TrainOptions) {
    let mut docs: Vec<&Doc> = train.to_vec();
    Rng(7).shuffle(&mut docs);
    let cut = docs.len() * 4 / 5;
    let (fit, check) = docs.split_at(cut);
    println!(
        "| entities | T | F1 | n ≥ 0.9 | P ≥ 0.9 | n ≥ 0.5 | P ≥ 0.5 |\n|---|---|---|---|---|---|---|"
    );
    for size in [50, 200, 1000, usize::MAX] {
        let subset = take_entities(fit, size);
        let n: usize = subset.iter().map(|d| d.spans.len()).sum();
        for t in [
            None,
            Some(2.0f32),
            Some(4.0),
            Some(8.0),
            Some(16.0),
            Some(32.0),
        ] {
            let o = TrainOptions {
                temperature: t,
                ..options.clone()
            };
            let tagger = Tagger::train(&examples(&subset), &o);
            let mut c = Counts::default();
            let (mut mid, mut mid_tp) = (0, 0);
            for d in check {
                let s = tagger.suggest(&d.text);
                let g: HashSet<(CharSpan, &Label)> = d.spans.iter().map(|(s, l)| (*s, l)).collect();
                for x in &s {
                    if x.score >= 0.5 {
                        mid += 1;
                        mid_tp += usize::from(g.contains(&(x.span, &x.label)));
                    }
                }
                c.add(&d.spans, &s);
            }
            let t = match t {
                Some(t) => t.to_string(),
                None => format!("calibrated: {:.1}", tagger.temperature()),
            };
            println!(
                "| {n} | {t} | {:.3} | {} | {:.3} | {mid} | {:.3} |",
                c.prf().2,
                c.high,
                ratio(c.high_tp, c.high),
                ratio(mid_tp, mid)
            );
        }
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let args = args()?;
    let (name, docs) = read_corpus(&args.corpus, &args.which)?;
    let total: usize = docs.iter().map(|d| d.spans.len()).sum();
    eprintln!("{name}: {} documents, {total} entities", docs.len());

    let mut order: Vec<usize> = (0..docs.len()).collect();
    Rng(SPLIT_SEED).shuffle(&mut order);
    let held = (docs.len() as f64 * HOLDOUT).round() as usize;
    let heldout: Vec<Doc> = order[..held].iter().map(|&i| docs[i].clone()).collect();
    let train: Vec<&Doc> = order[held..].iter().map(|&i| &docs[i]).collect();
    let train_entities: usize = train.iter().map(|d| d.spans.len()).sum();
    let held_entities: usize = heldout.iter().map(|d| d.spans.len()).sum();
    eprintln!(
        "split: {} training documents ({train_entities} entities), {} held out ({held_entities} entities)",
        train.len(),
        heldout.len()
    );
    if args.tune {
        tune(&train, &args.options);
        return Ok(());
    }
    std::fs::create_dir_all(&args.out)?;
    write_jsonl(&args.out.join("heldout.jsonl"), &heldout)?;

    let mut csv = String::from(
        "shuffle,size,entities,engine,precision,recall,f1,train_ms,suggest_ms_per_doc,n_high,precision_high\n",
    );
    // (size, engine) → per-shuffle rows.
    let mut rows: Vec<((usize, &str), Vec<Run>)> = Vec::new();
    for shuffle in 0..SHUFFLES {
        let mut docs: Vec<&Doc> = train.clone();
        Rng(100 + shuffle).shuffle(&mut docs);
        for size in SIZES {
            let subset = take_entities(&docs, size);
            let n: usize = subset.iter().map(|d| d.spans.len()).sum();
            let name = if size == usize::MAX {
                "all".to_string()
            } else {
                size.to_string()
            };
            write_jsonl(
                &args.out.join(format!("train-s{shuffle}-n{name}.jsonl")),
                &subset,
            )?;

            let t0 = Instant::now();
            let tagger = Tagger::train(&examples(&subset), &args.options);
            let train_ms = t0.elapsed().as_secs_f64() * 1000.0;
            let same = SameString::build(&examples(&subset), SameStringOptions::default());

            let (mut alone, mut all) = (Counts::default(), Counts::default());
            let mut suggest_s = 0.0;
            for d in &heldout {
                let t1 = Instant::now();
                let s = tagger.suggest(&d.text);
                suggest_s += t1.elapsed().as_secs_f64();
                if std::env::var_os("LC_DEBUG").is_some() {
                    for x in s.iter().filter(|x| x.score >= 0.9) {
                        let t: String = d
                            .text
                            .chars()
                            .skip(x.span.start())
                            .take(x.span.len())
                            .collect();
                        let ok = d.spans.iter().any(|(g, l)| *g == x.span && *l == x.label);
                        let gold: Vec<String> = d
                            .spans
                            .iter()
                            .filter(|(g, _)| g.start() < x.span.end() && x.span.start() < g.end())
                            .map(|(g, l)| {
                                format!(
                                    "{}:{l}",
                                    d.text
                                        .chars()
                                        .skip(g.start())
                                        .take(g.len())
                                        .collect::<String>()
                                )
                            })
                            .collect();
                        eprintln!(
                            "HIGH n={n} {ok} {:.3} {t:?} {} gold={gold:?}",
                            x.score, x.label
                        );
                    }
                }
                alone.add(&d.spans, &s);
                all.add(&d.spans, &combine(s, same.suggest(&d.text)));
            }
            let per_doc_ms = suggest_s * 1000.0 / heldout.len() as f64;
            for (engine, c) in [("tagger", alone), ("all engines", all)] {
                let (p, r, f) = c.prf();
                writeln!(
                    csv,
                    "{shuffle},{name},{n},{engine},{p:.4},{r:.4},{f:.4},{train_ms:.1},{per_doc_ms:.3},{},{:.4}",
                    c.high,
                    ratio(c.high_tp, c.high)
                )?;
                let key = (size, engine);
                match rows.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, v)) => v.push((n, c, train_ms, per_doc_ms)),
                    None => rows.push((key, vec![(n, c, train_ms, per_doc_ms)])),
                }
            }
            eprintln!(
                "shuffle {shuffle}, {n} entities: F1 {:.3} (all engines {:.3}), trained in {train_ms:.0} ms",
                alone.prf().2,
                all.prf().2
            );
        }
    }
    std::fs::write(args.out.join("learning-curve.csv"), &csv)?;

    println!(
        "| training entities | engines | precision | recall | F1 (± sd) | train time | suggestions ≥ 0.9 | their precision |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for ((_, engine), v) in &rows {
        let k = v.len() as f64;
        let mean = |f: &dyn Fn(&Run) -> f64| v.iter().map(f).sum::<f64>() / k;
        let n = mean(&|r| r.0 as f64);
        let p = mean(&|r| r.1.prf().0);
        let r = mean(&|r| r.1.prf().1);
        let f = mean(&|r| r.1.prf().2);
        let sd = (v.iter().map(|x| (x.1.prf().2 - f).powi(2)).sum::<f64>() / k).sqrt();
        let ms = mean(&|r| r.2);
        let high = mean(&|r| r.1.high as f64);
        let high_tp: usize = v.iter().map(|r| r.1.high_tp).sum();
        let high_all: usize = v.iter().map(|r| r.1.high).sum();
        let timing = if *engine == "tagger" {
            format!("{ms:.0} ms")
        } else {
            "".into()
        };
        println!(
            "| {n:.0} | {engine} | {p:.3} | {r:.3} | {f:.3} ± {sd:.3} | {timing} | {high:.0} | {:.3} |",
            ratio(high_tp, high_all)
        );
    }
    let per_doc: f64 = rows
        .iter()
        .flat_map(|(_, v)| v.iter().map(|r| r.3))
        .sum::<f64>()
        / rows.iter().map(|(_, v)| v.len()).sum::<usize>().max(1) as f64;
    println!(
        "\nheld out: {} documents, {held_entities} entities; suggest: {per_doc:.2} ms per held-out document (mean {:.0} words)",
        heldout.len(),
        heldout
            .iter()
            .map(|d| d.text.split_whitespace().count())
            .sum::<usize>() as f64
            / heldout.len().max(1) as f64
    );
    eprintln!("wrote {}", args.out.join("learning-curve.csv").display());
    Ok(())
}
