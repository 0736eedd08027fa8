//! Generated news-like documents with entity spans, for benchmarks and tests.
//! Deterministic (a fixed-seed xorshift generator), so every run measures the same text.
//! Not part of the library: tests, benches and examples include this file.
#![allow(dead_code)]

use chrono::{DateTime, Utc};
use entitle::model::{AnnotationSet, DocId, Document, Span, SpanId};
use entitle::project::{annotation_file, atomic_write};
use entitle::text::CharSpan;
use std::path::Path;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

const PER: &[&str] = &[
    "Rami Abdel Rahman",
    "Amina Yusuf",
    "Tauqir Sharif",
    "Helena Duarte",
    "Park Seo-yeon",
    "Nikos Andreadis",
    "Miriam Otieno",
    "José Ramírez",
    "محمود الحلبي",
    "Claire Dumas",
];
const ORG: &[&str] = &[
    "the Syrian Observatory for Human Rights",
    "the United Nations",
    "Reuters",
    "the Fair Trade Commission",
    "Amnesty International",
    "the Mekong River Commission",
    "the European Commission",
    "the World Bank",
];
const GPE: &[&str] = &[
    "Syria",
    "Homs",
    "Idlib",
    "Aleppo",
    "Nairobi",
    "Brussels",
    "Seoul",
    "Brazil",
    "Marseille",
    "Vientiane",
    "London",
];
const LOC: &[&str] = &[
    "the Badia desert",
    "the Mekong",
    "the Alps",
    "the Tonle Sap lake",
];
const NORP: &[&str] = &[
    "Syrian",
    "Kenyan",
    "Brazilian",
    "European",
    "Korean",
    "jihadist",
];
const DATE: &[&str] = &[
    "on Saturday",
    "in 2014",
    "last year",
    "on June 22",
    "since March",
    "in September 2020",
];
const VERB: &[&str] = &[
    "said",
    "told reporters",
    "announced",
    "warned",
    "confirmed",
    "denied",
    "reported",
];
const FILLER: &[&str] = &[
    "that talks would resume within weeks",
    "that more than 40 fighters had been killed",
    "that the decision was final",
    "that aid deliveries were delayed again",
    "that the results would be published soon",
    "that “nothing has been decided yet”",
    "that prices had risen sharply",
];

/// A generated document: text and `(start, end, label)` spans in code points.
pub struct SynthDoc {
    pub text: String,
    pub spans: Vec<(usize, usize, &'static str)>,
}

/// Generate about `target_bytes` of news-like text with about one entity per
/// `bytes_per_span` bytes, in paragraphs of a few sentences.
pub fn news_document(target_bytes: usize, bytes_per_span: usize, seed: u64) -> SynthDoc {
    let mut rng = Rng(seed | 1);
    let mut text = String::with_capacity(target_bytes + 256);
    let mut chars = 0usize;
    let mut spans = Vec::new();
    let push = |text: &mut String, chars: &mut usize, s: &str| {
        text.push_str(s);
        *chars += s.chars().count();
    };
    let wanted_spans = target_bytes / bytes_per_span.max(1);
    let mut sentence = 0usize;
    while text.len() < target_bytes {
        // Entities roughly in proportion to what is wanted; filler keeps the density.
        let ent = spans.len() < wanted_spans * text.len() / target_bytes + 1;
        let (label, list): (&'static str, &[&str]) = match rng.next() % 6 {
            0 => ("PER", PER),
            1 => ("ORG", ORG),
            2 => ("GPE", GPE),
            3 => ("LOC", LOC),
            4 => ("NORP", NORP),
            _ => ("DATE", DATE),
        };
        if ent {
            let name = rng.pick(list);
            let start = chars;
            push(&mut text, &mut chars, name);
            spans.push((start, chars, label));
            push(&mut text, &mut chars, " ");
            if rng.next().is_multiple_of(3) {
                let where_ = rng.pick(GPE);
                push(&mut text, &mut chars, "in ");
                let s = chars;
                push(&mut text, &mut chars, where_);
                spans.push((s, chars, "GPE"));
                push(&mut text, &mut chars, " ");
            }
        } else {
            push(&mut text, &mut chars, "Officials ");
        }
        push(&mut text, &mut chars, rng.pick(VERB));
        push(&mut text, &mut chars, " ");
        push(&mut text, &mut chars, rng.pick(FILLER));
        if rng.next().is_multiple_of(40) {
            push(&mut text, &mut chars, " 😀");
        }
        sentence += 1;
        push(
            &mut text,
            &mut chars,
            if sentence.is_multiple_of(5) {
                ".\n"
            } else {
                ". "
            },
        );
    }
    SynthDoc { text, spans }
}

/// A set of spans made by annotator `synth` at time 0, ids from 1.
pub fn annotation_set(doc: &SynthDoc) -> AnnotationSet {
    let len = doc.text.chars().count();
    let mut seen = std::collections::HashSet::new();
    let spans: Vec<Span> = doc
        .spans
        .iter()
        .enumerate()
        .filter(|(_, s)| seen.insert(**s))
        .filter_map(|(i, &(s, e, label))| {
            Some(Span {
                id: SpanId(i as u64 + 1),
                range: CharSpan::new(s, e, len).ok()?,
                label: entitle::label!(label),
                annotator: "synth".into(),
                created: DateTime::<Utc>::from_timestamp(0, 0).unwrap_or_default(),
                modified: None,
                extra: None,
            })
        })
        .collect();
    AnnotationSet::from_spans(spans, len).unwrap_or_default()
}

/// Write a project folder with one generated document `name` and its annotations by
/// `annotator`.
pub fn write_project(
    dir: &Path,
    name: &str,
    doc: &SynthDoc,
    annotator: &str,
) -> std::io::Result<()> {
    write_project_with_relations(dir, name, doc, annotator, 0)
}

/// [`write_project`] with `relations` relations, each from a span to one of the next
/// three (as a news article's Head_of, Located_in, … link nearby mentions), spread
/// evenly through the document.
#[allow(dead_code)] // Not every user of this module draws relations.
pub fn write_project_with_relations(
    dir: &Path,
    name: &str,
    doc: &SynthDoc,
    annotator: &str,
    relations: usize,
) -> std::io::Result<()> {
    let id = DocId::new(name).map_err(|e| std::io::Error::other(e.to_string()))?;
    atomic_write(&dir.join(format!("{name}.txt")), doc.text.as_bytes())?;
    let d = Document::new(id.clone(), doc.text.as_str());
    let mut set = annotation_set(doc);
    let ids: Vec<SpanId> = set.iter().map(|s| s.id).collect();
    if relations > 0 && ids.len() > 4 {
        let step = (ids.len() - 4) as f64 / relations as f64;
        for k in 0..relations {
            let i = (k as f64 * step) as usize;
            let _ = set.insert_relation(entitle::model::Relation {
                id: entitle::model::RelationId(k as u64 + 1),
                label: entitle::label!(["Head_of", "Located_in", "Member_of"][k % 3]),
                from: ids[i],
                to: ids[i + 1 + k % 3],
                annotator: "synth".into(),
                created: DateTime::<Utc>::from_timestamp(0, 0).unwrap_or_default(),
                note: None,
            });
        }
    }
    let bytes = annotation_file::encode(&d, annotator, &set);
    atomic_write(
        &dir.join("annotations")
            .join(annotator)
            .join(format!("{name}.json")),
        &bytes,
    )
}

/// A generated news corpus for conversion benchmarks: `docs` documents of about
/// `bytes_per_doc` bytes, written as `DIR/corpus.jsonl` (Entitle JSONL) and
/// `DIR/brat/` (a `.txt` + `.ann` per document). Returns both paths.
pub fn write_corpus(
    dir: &Path,
    docs: usize,
    bytes_per_doc: usize,
) -> Result<(std::path::PathBuf, std::path::PathBuf), Box<dyn std::error::Error>> {
    use entitle::formats::{self, Format, RawSpan, ReadOptions, WriteOptions};
    let (jsonl_path, brat_path) = (dir.join("corpus.jsonl"), dir.join("brat"));
    std::fs::create_dir_all(dir)?;
    let mut jsonl = formats::writer(Format::Jsonl, &jsonl_path, &WriteOptions::default())?;
    let mut brat = formats::writer(Format::Brat, &brat_path, &WriteOptions::default())?;
    for i in 0..docs {
        let d = news_document(bytes_per_doc, 55, i as u64 + 1);
        let spans = d
            .spans
            .iter()
            .enumerate()
            .map(|(k, &(s, e, l))| RawSpan {
                key: k.to_string(),
                fragments: vec![(s, e)],
                label: l.into(),
                ..Default::default()
            })
            .collect();
        let rec = formats::build_record(
            &format!("doc{i:05}"),
            None,
            d.text,
            spans,
            vec![],
            Default::default(),
            &ReadOptions::default(),
        )?;
        jsonl.write(&rec)?;
        brat.write(&rec)?;
    }
    jsonl.finish()?;
    brat.finish()?;
    Ok((jsonl_path, brat_path))
}
