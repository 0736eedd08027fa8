//! Exports through the real CLI, read back. The sample project (seven wire stories:
//! curly quotes, an emoji, Arabic, a combining accent, CRLF line ends) and the AFP
//! article are annotated — the sample also with nested, crossing and discontinuous
//! spans, relations, notes, attributes and normalizations — and exported in every
//! format with `entitle export`. Every export is then read back with Entitle's own
//! readers (and `entitle validate`), and per format the documents, their texts (byte
//! for byte) and the exact spans (start, end, label, fragments, in code points; notes,
//! attributes, normalizations and relations where the format has them) must be what
//! was annotated, minus exactly what the format cannot express — and the export must
//! have named each of those items in a warning.
//!
//! The exports stay in `<target>/tmp/fixtures/<project>-out/` with `expected.json`
//! (documents, spans, entities per file) for `.ci/validate-exports.sh`, which checks
//! them with the third-party validators (spaCy, seqeval, the strict brat reader,
//! label-studio-converter) against those counts.

use entitle::formats::{self, Format, RawRelation, RawSpan, ReadOptions, Record};
use entitle::model::Normalization;
use entitle::project::Project;
use serde_json::json;
use std::cmp::Reverse;
use std::path::{Path, PathBuf};
use std::process::Command;

fn entitle(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_entitle"))
        .args(args)
        .output()
        .expect("run entitle");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

// ---------------------------------------------------------------------------------
// What is annotated

/// One annotation: the `nth` occurrence of `at` in the document (plus `more`
/// fragments for a discontinuous span), with its label and extras.
#[derive(Clone, Copy)]
struct A {
    doc: &'static str,
    at: (&'static str, usize),
    more: &'static [(&'static str, usize)],
    label: &'static str,
    note: Option<&'static str>,
    attrs: &'static [(&'static str, &'static str)],
    norms: &'static [(&'static str, &'static str, &'static str)],
}

const fn a(doc: &'static str, needle: &'static str, nth: usize, label: &'static str) -> A {
    A {
        doc,
        at: (needle, nth),
        more: &[],
        label,
        note: None,
        attrs: &[],
        norms: &[],
    }
}

const D1: &str = "01-aleppo-souk-reopens";
const D2: &str = "02-nairobi-by-election";
const D3: &str = "03-central-bank-holds-rates";
const D4: &str = "04-brussels-migration-summit";
const D5: &str = "05-wildfire-evacuations";
const D6: &str = "06-mekong-dams-talks";
const D7: &str = "07-chip-antitrust-probe";

/// Spans on the sample project.
const SAMPLE: &[A] = &[
    A {
        norms: &[
            ("Wikidata", "Q41183", "Aleppo"),
            ("GeoNames", "170063", "Aleppo"),
        ],
        ..a(D1, "Aleppo", 0, "GPE")
    },
    a(D1, "ALEPPO", 0, "GPE"),
    a(D1, "Syria", 0, "GPE"),
    a(D1, "March 14", 0, "DATE"),
    a(D1, "Aga Khan Trust for Culture", 0, "ORG"),
    // Nested in the trust's name.
    a(D1, "Aga Khan", 0, "PER"),
    a(D1, "Mahmoud al-Halabi", 0, "PER"),
    a(D1, "محمود الحلبي", 0, "PER"),
    A {
        note: Some("also spelled Souk al-Saqatiyya"),
        ..a(D1, "Souq al-Saqatiyya", 0, "LOC")
    },
    a(D1, "United Nations Development Programme", 0, "ORG"),
    a(D1, "Rania Qassem", 0, "PER"),
    a(D1, "رانيا قاسم", 0, "PER"),
    a(
        D1,
        "Syrian Directorate-General of Antiquities and Museums",
        0,
        "ORG",
    ),
    // Nested, starting where its outer span starts.
    a(D1, "Syrian", 0, "NORP"),
    A {
        norms: &[("Wikidata", "Q7809", "UNESCO")],
        ..a(D1, "UNESCO", 0, "ORG")
    },
    a(
        D2,
        "Independent Electoral and Boundaries Commission",
        0,
        "ORG",
    ),
    A {
        note: Some("acronym, as in \"IEBC\" on the ballot"),
        ..a(D2, "IEBC", 0, "ORG")
    },
    a(D2, "August 26", 0, "DATE"),
    a(D2, "Westlands", 0, "GPE"),
    a(D2, "Miriam Wanjiku Otieno", 0, "PER"),
    a(D2, "Nairobi", 1, "GPE"),
    a(D2, "African Union", 0, "ORG"),
    a(D2, "Orange Democratic Movement", 0, "ORG"),
    a(D2, "Kenya", 1, "GPE"),
    a(D3, "Brazil", 0, "GPE"),
    // Discontinuous: "Brazil … central bank" around the possessive.
    A {
        more: &[("central bank", 0)],
        ..a(D3, "Brazil", 1, "ORG")
    },
    a(D3, "Copom", 0, "ORG"),
    a(D3, "Getúlio Vargas Foundation", 0, "ORG"),
    a(D3, "Helena Duarte Galvão", 0, "PER"),
    a(D3, "Paulo Mendonça", 0, "PER"),
    a(D3, "São Paulo Federation of Industries", 0, "ORG"),
    a(D4, "European Union", 0, "ORG"),
    a(D4, "European Council summit", 0, "EVENT"),
    // Nested in the summit.
    a(D4, "European Council", 0, "ORG"),
    a(D4, "Brussels", 1, "GPE"),
    a(D4, "Ingrid Vos", 0, "PER"),
    A {
        attrs: &[("Uncertain", "true")],
        ..a(D4, "Hungarian", 0, "NORP")
    },
    A {
        attrs: &[("Confidence", "High")],
        ..a(D4, "Gábor Szalai", 0, "PER")
    },
    a(D4, "September 2020", 0, "DATE"),
    a(D4, "Amnesty International", 0, "ORG"),
    a(D4, "Lesbos", 0, "LOC"),
    a(D5, "Marseille", 1, "GPE"),
    a(D5, "Benoi\u{302}t Laurent-Castel", 0, "PER"),
    a(D5, "Météo-France", 0, "ORG"),
    a(D5, "Claire Dumas-Roche", 0, "PER"),
    a(D5, "August 2016", 0, "DATE"),
    a(D6, "Laos", 1, "GPE"),
    a(D6, "Mekong River Commission", 0, "ORG"),
    a(D6, "Tonle Sap", 0, "LOC"),
    a(D6, "Somchai Vongsa", 0, "PER"),
    // Crossing: "[Xayaburi and {Don Sahong] dams}".
    a(D6, "Xayaburi and Don Sahong", 0, "LOC"),
    a(D6, "Don Sahong dams", 0, "FAC"),
    a(D6, "Cambodian", 0, "NORP"),
    a(D7, "South Korea", 0, "GPE"),
    a(D7, "Fair Trade Commission", 0, "ORG"),
    a(D7, "Hanbit Semiconductor", 0, "ORG"),
    a(D7, "Park Seo-yeon", 0, "PER"),
    a(D7, "National Assembly", 0, "ORG"),
    a(D7, "Suwon", 0, "GPE"),
    a(D7, "Chinese", 0, "NORP"),
];

/// A relation: (document, from, to, type), each end named by the first fragment and
/// label of its span.
type Rel = (
    &'static str,
    (&'static str, usize, &'static str),
    (&'static str, usize, &'static str),
    &'static str,
);

const SAMPLE_RELATIONS: &[Rel] = &[
    (
        D1,
        ("Rania Qassem", 0, "PER"),
        (
            "Syrian Directorate-General of Antiquities and Museums",
            0,
            "ORG",
        ),
        "works_for",
    ),
    (
        D1,
        ("محمود الحلبي", 0, "PER"),
        ("Mahmoud al-Halabi", 0, "PER"),
        "alias_of",
    ),
    // From a nested span: lost where nested spans are.
    (
        D1,
        ("Aga Khan", 0, "PER"),
        ("Aga Khan Trust for Culture", 0, "ORG"),
        "namesake_of",
    ),
    // From a discontinuous span: lost where discontinuous spans are.
    (
        D3,
        ("Brazil", 1, "ORG"),
        ("Helena Duarte Galvão", 0, "PER"),
        "headed_by",
    ),
];

const AFP: &str = "afp-syria-2020";

const AFP_SPANS: &[A] = &[
    a(AFP, "AFP", 0, "ORG"),
    a(AFP, "Beirut", 0, "GPE"),
    a(AFP, "Russia", 0, "GPE"),
    a(AFP, "Syrian", 0, "NORP"),
    a(AFP, "Islamic State", 0, "ORG"),
    a(AFP, "Saturday", 0, "DATE"),
    a(AFP, "Homs", 0, "GPE"),
    a(AFP, "Syrian Observatory for Human Rights", 0, "ORG"),
    a(AFP, "Al-Sukhna", 0, "GPE"),
    a(AFP, "Rami Abdel Rahman", 0, "PER"),
    a(AFP, "Syria", 2, "GPE"),
    a(AFP, "Badia desert", 0, "LOC"),
    a(AFP, "Iraq", 0, "GPE"),
    a(AFP, "2014", 0, "DATE"),
    a(AFP, "Tauqir Sharif", 0, "PER"),
    a(AFP, "June 22", 0, "DATE"),
    a(AFP, "Hayat Tahrir al-Sham", 0, "ORG"),
    a(AFP, "Idlib", 0, "GPE"),
    a(AFP, "Racquell Hayden Best", 0, "PER"),
    a(AFP, "Atme", 0, "GPE"),
    a(AFP, "Pakistan", 0, "GPE"),
    a(AFP, "Chingford", 0, "GPE"),
    a(AFP, "London", 0, "GPE"),
    a(AFP, "Live Updates From Syria", 0, "ORG"),
    a(AFP, "Al Qaeda", 0, "ORG"),
];

// ---------------------------------------------------------------------------------
// Documents and spans as plain data, in code points (computed here, not by Entitle)

#[derive(Debug, Clone, PartialEq, Eq)]
struct WSpan {
    start: usize,
    end: usize,
    label: String,
    /// `[start, end)` of each fragment (one for a contiguous span).
    frags: Vec<(usize, usize)>,
    note: Option<String>,
    attrs: Vec<(String, String)>,
    /// (knowledge base, id, name)
    norms: Vec<(String, String, Option<String>)>,
}

/// A relation by its ends' (start, end, label) and its type.
type WRel = ((usize, usize, String), (usize, usize, String), String);

#[derive(Debug, Clone, PartialEq, Eq)]
struct WDoc {
    name: String,
    text: String,
    /// In Entitle's order: by start, the longer span first.
    spans: Vec<WSpan>,
    relations: Vec<WRel>,
}

impl WSpan {
    fn key(&self) -> (usize, usize, String) {
        (self.start, self.end, self.label.clone())
    }
}

impl WDoc {
    fn sort(&mut self) {
        self.spans
            .sort_by_key(|s| (s.start, Reverse(s.end), s.label.clone()));
        self.relations.sort();
    }
    fn slice(&self, start: usize, end: usize) -> String {
        self.text.chars().skip(start).take(end - start).collect()
    }
}

/// `[start, end)` in code points of the `nth` occurrence of `needle`.
fn find(text: &str, needle: &str, nth: usize) -> (usize, usize) {
    let b = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("{needle:?} #{nth} not found"))
        .0;
    let start = text[..b].chars().count();
    (start, start + needle.chars().count())
}

fn wanted_span(text: &str, x: &A) -> WSpan {
    let mut frags: Vec<(usize, usize)> = std::iter::once(x.at)
        .chain(x.more.iter().copied())
        .map(|(n, k)| find(text, n, k))
        .collect();
    frags.sort();
    WSpan {
        start: frags[0].0,
        end: frags[frags.len() - 1].1,
        label: x.label.into(),
        frags,
        note: x.note.map(String::from),
        attrs: x
            .attrs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        norms: x
            .norms
            .iter()
            .map(|(db, id, name)| (db.to_string(), id.to_string(), Some(name.to_string())))
            .collect(),
    }
}

/// What was annotated on one document.
fn wanted(name: &str, text: &str, spans: &[A], relations: &[Rel]) -> WDoc {
    let mine: Vec<&A> = spans.iter().filter(|x| x.doc == name).collect();
    let key_of = |(n, k, l): (&str, usize, &str)| {
        let x = mine
            .iter()
            .find(|x| x.at == (n, k) && x.label == l)
            .unwrap_or_else(|| panic!("relation end {n:?} #{k} {l} is not a span"));
        wanted_span(text, x).key()
    };
    let mut d = WDoc {
        name: name.into(),
        text: text.into(),
        spans: mine.iter().map(|x| wanted_span(text, x)).collect(),
        relations: relations
            .iter()
            .filter(|r| r.0 == name)
            .map(|r| (key_of(r.1), key_of(r.2), r.3.to_string()))
            .collect(),
    };
    d.sort();
    d
}

/// The same as a record, to import into a project.
fn record(doc: &WDoc) -> Record {
    let key = |k: &(usize, usize, String)| {
        let i = doc.spans.iter().position(|s| &s.key() == k).unwrap();
        format!("T{}", i + 1)
    };
    let spans = doc
        .spans
        .iter()
        .enumerate()
        .map(|(i, s)| RawSpan {
            key: format!("T{}", i + 1),
            fragments: s.frags.clone(),
            label: s.label.clone(),
            note: s.note.clone(),
            attributes: s.attrs.clone(),
            normalizations: s
                .norms
                .iter()
                .map(|(db, id, name)| Normalization {
                    db: db.clone(),
                    id: id.clone(),
                    name: name.clone(),
                })
                .collect(),
            ..Default::default()
        })
        .collect();
    let relations = doc
        .relations
        .iter()
        .enumerate()
        .map(|(i, (from, to, label))| RawRelation {
            key: format!("R{}", i + 1),
            label: label.clone(),
            from: key(from),
            to: key(to),
            line: 0,
            note: None,
        })
        .collect();
    let rec = formats::build_record(
        &doc.name,
        None,
        doc.text.clone(),
        spans,
        relations,
        Default::default(),
        &ReadOptions {
            annotator: "fixture".into(),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(rec.warnings.is_empty(), "{:?}", rec.warnings);
    assert_eq!(got(&rec), *doc, "the record built for {}", doc.name);
    rec
}

/// A record read back, as plain data.
fn got(rec: &Record) -> WDoc {
    let key = |id| {
        let s = rec.set.iter().find(|s| s.id == id).expect("relation end");
        (s.range.start(), s.range.end(), s.label.to_string())
    };
    let mut d = WDoc {
        name: rec.name.clone(),
        text: rec.doc.text().to_string(),
        spans: rec
            .set
            .iter()
            .map(|s| WSpan {
                start: s.range.start(),
                end: s.range.end(),
                label: s.label.to_string(),
                frags: s.fragments().iter().map(|f| (f.start(), f.end())).collect(),
                note: s.note().map(String::from),
                attrs: s.attributes().to_vec(),
                norms: s
                    .normalizations()
                    .iter()
                    .map(|n| (n.db.clone(), n.id.clone(), n.name.clone()))
                    .collect(),
            })
            .collect(),
        relations: rec
            .set
            .relations()
            .iter()
            .map(|r| (key(r.from), key(r.to), r.label.to_string()))
            .collect(),
    };
    d.sort();
    d
}

// ---------------------------------------------------------------------------------
// What each format keeps (the formats' documentation, restated)

#[derive(Clone, Copy)]
struct Keeps {
    /// False for plain text: every span is dropped.
    spans: bool,
    overlaps: bool,
    discontinuous: bool,
    relations: bool,
    notes: bool,
    attributes: bool,
    normalizations: bool,
}

const ALL: Keeps = Keeps {
    spans: true,
    overlaps: true,
    discontinuous: true,
    relations: true,
    notes: true,
    attributes: true,
    normalizations: true,
};
const FLAT: Keeps = Keeps {
    spans: true,
    overlaps: false,
    discontinuous: false,
    relations: false,
    notes: false,
    attributes: false,
    normalizations: false,
};
const NOTHING: Keeps = Keeps {
    spans: false,
    ..FLAT
};

/// How an export is read back.
#[derive(Clone, Copy, PartialEq)]
enum Back {
    /// With Entitle's reader: same text, byte for byte, and the same offsets.
    Reader,
    /// CoNLL: the reader rebuilds the text from tokens (documented spacing rule), so
    /// texts and offsets are compared without white space.
    Tokens,
    /// The CSV entity table (export only): parsed here.
    Table,
    /// Plain text: only the texts.
    Text,
}

struct Export {
    format: &'static str,
    /// More arguments for `entitle export` (`--scheme`, `--prodigy-ner`).
    args: &'static [&'static str],
    /// Output path under `<project>-out/` (a trailing `/` makes a folder).
    output: &'static str,
    keeps: Keeps,
    back: Back,
}

const fn export(format: &'static str, output: &'static str, keeps: Keeps, back: Back) -> Export {
    Export {
        format,
        args: &[],
        output,
        keeps,
        back,
    }
}

const fn conll(args: &'static [&'static str], output: &'static str) -> Export {
    Export {
        args,
        ..export("conll", output, FLAT, Back::Tokens)
    }
}

const EXPORTS: &[Export] = &[
    export("jsonl", "all.jsonl", ALL, Back::Reader),
    export("spacy-jsonl", "spacy.jsonl", FLAT, Back::Reader),
    // doc.ents holds what it can; every span goes to the span group "sc".
    export(
        "spacy",
        "docs.spacy",
        Keeps {
            overlaps: true,
            ..FLAT
        },
        Back::Reader,
    ),
    export(
        "doccano",
        "doccano.jsonl",
        Keeps {
            overlaps: true,
            relations: true,
            ..FLAT
        },
        Back::Reader,
    ),
    export(
        "label-studio",
        "ls.json",
        Keeps {
            overlaps: true,
            relations: true,
            notes: true,
            attributes: true,
            ..FLAT
        },
        Back::Reader,
    ),
    // Every span, as spans.manual holds them; `--prodigy-ner` below drops overlaps.
    export(
        "prodigy",
        "prodigy.jsonl",
        Keeps {
            relations: true,
            overlaps: true,
            ..FLAT
        },
        Back::Reader,
    ),
    Export {
        args: &["--prodigy-ner"],
        ..export(
            "prodigy",
            "prodigy-ner.jsonl",
            Keeps {
                relations: true,
                ..FLAT
            },
            Back::Reader,
        )
    },
    export("brat", "brat", ALL, Back::Reader),
    export(
        "webanno-tsv",
        "webanno/",
        Keeps {
            overlaps: true,
            relations: true,
            attributes: true,
            normalizations: true,
            ..FLAT
        },
        Back::Reader,
    ),
    export(
        "csv",
        "entities.csv",
        Keeps {
            overlaps: true,
            notes: true,
            ..FLAT
        },
        Back::Table,
    ),
    export("txt", "txt/", NOTHING, Back::Text),
    conll(&["--scheme", "iob1"], "iob1.conll"),
    conll(&["--scheme", "iob2"], "iob2.conll"),
    conll(&["--scheme", "iobes"], "iobes.conll"),
    conll(&["--scheme", "bilou"], "bilou.conll"),
];

/// A warning the export must print: every one of these pieces in one line.
type Expected = Vec<String>;

/// What `format` keeps of a document, and the warnings it must give for the rest:
/// spans in Entitle's order, a discontinuous span dropped where fragments cannot be
/// written, an overlapping or nested span dropped where only flat spans can (the
/// outer, earlier span is kept), extras dropped from the spans kept, relations dropped
/// with the format or with one of their spans.
fn kept(doc: &WDoc, format: &str, k: Keeps) -> (WDoc, Vec<Expected>) {
    let mut out = WDoc {
        spans: Vec::new(),
        relations: Vec::new(),
        ..doc.clone()
    };
    let mut warn = Vec::new();
    // As warnings describe a span: label, offsets, its text (at most 60 characters).
    let what = |s: &WSpan| {
        let text: String = doc.slice(s.start, s.end).chars().take(60).collect();
        format!(" {} {}..{} {text:?}", s.label, s.start, s.end)
    };
    let reason = |what: &str| format!("dropped: {format} cannot express {what}");
    let line = |pieces: &[String]| -> Expected {
        std::iter::once(format!("warning: {}: ", doc.name))
            .chain(pieces.iter().cloned())
            .collect()
    };
    if !k.spans {
        for s in &doc.spans {
            warn.push(line(&[
                "span T".into(),
                what(s),
                ": dropped: txt keeps only the text".into(),
            ]));
        }
        for r in &doc.relations {
            warn.push(line(&[
                "relation R".into(),
                format!(" {}: dropped: txt keeps only the text", r.2),
            ]));
        }
        return (out, warn);
    }
    let mut last_end = 0;
    for s in &doc.spans {
        if s.frags.len() > 1 && !k.discontinuous {
            warn.push(line(&[
                "span T".into(),
                what(s),
                reason("discontinuous spans"),
            ]));
            continue;
        }
        if !k.overlaps && s.start < last_end {
            warn.push(line(&[
                "span T".into(),
                what(s),
                reason("overlapping or nested spans (the outer, earlier span is kept)"),
            ]));
            continue;
        }
        let mut s = s.clone();
        if s.note.is_some() && !k.notes {
            warn.push(line(&["note on span T".into(), what(&s), reason("notes")]));
            s.note = None;
        }
        if !s.attrs.is_empty() && !k.attributes {
            let names: Vec<&str> = s.attrs.iter().map(|(n, _)| n.as_str()).collect();
            warn.push(line(&[
                format!("attributes {} on span T", names.join(", ")),
                what(&s),
                reason("attributes"),
            ]));
            s.attrs.clear();
        }
        if !s.norms.is_empty() && !k.normalizations {
            warn.push(line(&[
                "normalization on span T".into(),
                what(&s),
                reason("normalizations"),
            ]));
            s.norms.clear();
        }
        // WebAnno TSV's identifier holds one DB:ID: later links and names are named.
        if format == "webanno-tsv" {
            for (i, (db, id, name)) in s.norms.iter().enumerate() {
                if i > 0 {
                    warn.push(line(&[
                        format!("normalization {db}:{id} on span T"),
                        what(&s),
                        ": dropped: WebAnno TSV keeps one identifier per entity".into(),
                    ]));
                } else if let Some(name) = name {
                    warn.push(line(&[
                        format!("name {name:?} of normalization {db}:{id} on span T"),
                        what(&s),
                        ": dropped: WebAnno TSV keeps the identifier, not its name".into(),
                    ]));
                }
            }
            s.norms.truncate(1);
            for n in &mut s.norms {
                n.2 = None;
            }
        }
        last_end = last_end.max(s.end);
        out.spans.push(s);
    }
    for r in &doc.relations {
        let has = |key: &(usize, usize, String)| out.spans.iter().any(|s| &s.key() == key);
        if !k.relations {
            warn.push(line(&[
                "relation R".into(),
                format!(" {} T", r.2),
                reason("relations"),
            ]));
        } else if !(has(&r.0) && has(&r.1)) {
            warn.push(line(&[
                "relation R".into(),
                format!(" {}: dropped: one of its spans was dropped", r.2),
            ]));
        } else {
            out.relations.push(r.clone());
        }
    }
    (out, warn)
}

// ---------------------------------------------------------------------------------
// Comparing

/// Code points of `text` that are not white space, and for each code point offset the
/// number of such code points before it.
fn ink(text: &str) -> (String, Vec<usize>) {
    let mut s = String::new();
    let mut before = Vec::with_capacity(text.len() + 1);
    for c in text.chars() {
        before.push(s.chars().count());
        if !c.is_whitespace() {
            s.push(c);
        }
    }
    before.push(s.chars().count());
    (s, before)
}

/// A document's text and spans with white space taken out (for CoNLL).
fn without_spaces(d: &WDoc) -> (String, Vec<(usize, usize, String)>) {
    let (s, before) = ink(&d.text);
    let spans = d
        .spans
        .iter()
        .map(|x| (before[x.start], before[x.end], x.label.clone()))
        .collect();
    (s, spans)
}

/// The first difference between two texts, for messages.
fn first_difference(a: &str, b: &str) -> String {
    let i = a
        .chars()
        .zip(b.chars())
        .position(|(x, y)| x != y)
        .unwrap_or(a.chars().count().min(b.chars().count()));
    let around = |t: &str| -> String { t.chars().skip(i.saturating_sub(10)).take(30).collect() };
    format!(
        "texts differ at code point {i}: {:?} vs {:?} (lengths {} and {} code points)",
        around(a),
        around(b),
        a.chars().count(),
        b.chars().count()
    )
}

/// Every difference between what came back and what was expected, as lines.
fn compare(what: &str, back: Back, want: &[WDoc], got: &[WDoc]) -> Vec<String> {
    let mut problems = Vec::new();
    if want.len() != got.len() {
        problems.push(format!(
            "{what}: {} documents read back, {} exported",
            got.len(),
            want.len()
        ));
    }
    for (w, g) in want.iter().zip(got) {
        let at = format!("{what}: {}", w.name);
        match back {
            Back::Tokens => {
                let ((wt, ws), (gt, gs)) = (without_spaces(w), without_spaces(g));
                if wt != gt {
                    problems.push(format!(
                        "{at}: text (without white space): {}",
                        first_difference(&wt, &gt)
                    ));
                }
                if ws != gs {
                    problems.push(format!(
                        "{at}: spans (offsets without white space)\n  want {ws:?}\n  got  {gs:?}"
                    ));
                }
            }
            _ => {
                if w.text != g.text {
                    problems.push(format!("{at}: {}", first_difference(&w.text, &g.text)));
                }
                if back == Back::Text {
                    if !g.spans.is_empty() {
                        problems.push(format!("{at}: a text export has spans"));
                    }
                    continue;
                }
                if w.spans != g.spans {
                    let missing: Vec<_> = w.spans.iter().filter(|s| !g.spans.contains(s)).collect();
                    let extra: Vec<_> = g.spans.iter().filter(|s| !w.spans.contains(s)).collect();
                    problems.push(format!(
                        "{at}: {} spans read back, {} expected\n  missing {missing:?}\n  unexpected {extra:?}",
                        g.spans.len(),
                        w.spans.len()
                    ));
                }
                for s in &g.spans {
                    let covered = g.slice(s.start, s.end);
                    if s.end > g.text.chars().count() || covered != w.slice(s.start, s.end) {
                        problems.push(format!(
                            "{at}: span {} {}..{} covers {covered:?}",
                            s.label, s.start, s.end
                        ));
                    }
                }
                if w.relations != g.relations {
                    problems.push(format!(
                        "{at}: relations\n  want {:?}\n  got  {:?}",
                        w.relations, g.relations
                    ));
                }
            }
        }
    }
    problems
}

/// The CSV entity table as documents (in the order of `want`).
fn read_table(path: &Path, want: &[WDoc]) -> Result<Vec<WDoc>, String> {
    let mut table = csv::Reader::from_path(path).map_err(|e| e.to_string())?;
    let header: Vec<String> = table
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(String::from)
        .collect();
    if header
        != [
            "document",
            "start",
            "end",
            "label",
            "text",
            "annotator",
            "note",
        ]
    {
        return Err(format!("{}: header {header:?}", path.display()));
    }
    let mut docs: Vec<WDoc> = want
        .iter()
        .map(|w| WDoc {
            spans: Vec::new(),
            relations: Vec::new(),
            ..w.clone()
        })
        .collect();
    for (i, row) in table.records().enumerate() {
        let row = row.map_err(|e| e.to_string())?;
        let field = |n: usize| row.get(n).unwrap_or_default().to_string();
        let num = |n: usize| {
            field(n)
                .parse::<usize>()
                .map_err(|_| format!("row {}: {:?} is not a number", i + 2, field(n)))
        };
        let doc = docs
            .iter_mut()
            .find(|d| d.name == field(0))
            .ok_or_else(|| format!("row {}: unknown document {:?}", i + 2, field(0)))?;
        let (start, end) = (num(1)?, num(2)?);
        if end > doc.text.chars().count() || start >= end {
            return Err(format!("row {}: bad offsets {start}..{end}", i + 2));
        }
        if field(4) != doc.slice(start, end) {
            return Err(format!(
                "row {}: text {:?} but the document has {:?} at {start}..{end}",
                i + 2,
                field(4),
                doc.slice(start, end)
            ));
        }
        if field(5) != "fixture" {
            return Err(format!("row {}: annotator {:?}", i + 2, field(5)));
        }
        doc.spans.push(WSpan {
            start,
            end,
            label: field(3),
            frags: vec![(start, end)],
            note: Some(field(6)).filter(|n| !n.is_empty()),
            attrs: Vec::new(),
            norms: Vec::new(),
        });
    }
    for d in &mut docs {
        d.sort();
    }
    Ok(docs)
}

/// Read an export back with Entitle's reader.
fn read_back(format: Format, path: &Path) -> Result<Vec<WDoc>, String> {
    let mut docs = Vec::new();
    for item in formats::read(format, &[path.to_path_buf()], &ReadOptions::default()) {
        let rec = item.map_err(|e| e.to_string())?;
        if !rec.warnings.is_empty() {
            return Err(format!("reading {}: warnings {:?}", rec.name, rec.warnings));
        }
        docs.push(got(&rec));
    }
    Ok(docs)
}

/// Warning lines of an export that match none of `expected`, and expected warnings
/// that no line matches (each line matches one expected warning at most).
fn match_warnings(stderr: &str, expected: &[Expected]) -> Vec<String> {
    let mut lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("warning: "))
        .collect();
    let mut problems = Vec::new();
    for e in expected {
        match lines
            .iter()
            .position(|l| e.iter().all(|piece| l.contains(piece.as_str())))
        {
            Some(i) => {
                lines.remove(i);
            }
            None => problems.push(format!("no warning with all of {e:?}")),
        }
    }
    problems.extend(lines.iter().map(|l| format!("unexpected {l}")));
    problems
}

// ---------------------------------------------------------------------------------
// The fixtures

/// The annotated projects and what was annotated on them, in
/// `<target>/tmp/fixtures/{sample,afp}` (where `.ci/validate-exports.sh` looks).
fn fixtures() -> (PathBuf, Vec<(&'static str, Vec<WDoc>)>) {
    let base = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fixtures");
    let _ = std::fs::remove_dir_all(&base);
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut sample_docs: Vec<PathBuf> = std::fs::read_dir(manifest.join("assets/sample/docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    sample_docs.sort();
    let sample: Vec<WDoc> = sample_docs
        .iter()
        .map(|path| {
            let name = path.file_stem().unwrap().to_string_lossy();
            let text = std::fs::read_to_string(path).unwrap();
            wanted(&name, &text, SAMPLE, SAMPLE_RELATIONS)
        })
        .collect();
    assert_eq!(
        sample.iter().map(|d| d.name.as_str()).collect::<Vec<_>>(),
        [D1, D2, D3, D4, D5, D6, D7]
    );
    let afp_text = std::fs::read_to_string(manifest.join("testdata/afp-syria-2020.txt")).unwrap();
    let afp = vec![wanted(AFP, &afp_text, AFP_SPANS, &[])];
    // The texts the sample must carry through every export.
    let all: String = sample.iter().map(|d| d.text.as_str()).collect();
    for needle in ["’", "“", "🎉", "محمود", "\u{302}", "\r\n"] {
        assert!(all.contains(needle), "the sample lost {needle:?}");
    }
    for (name, docs) in [("sample", &sample), ("afp", &afp)] {
        let root = base.join(name);
        std::fs::create_dir_all(&root).unwrap();
        let (mut p, _) = Project::open(&root).unwrap();
        for d in docs {
            p.import_record("fixture", &record(d)).unwrap();
        }
    }
    (base, vec![("sample", sample), ("afp", afp)])
}

/// The counts the third-party validators check, per output file.
fn counts(docs: &[WDoc]) -> serde_json::Value {
    let spans: usize = docs.iter().map(|d| d.spans.len()).sum();
    let relations: usize = docs.iter().map(|d| d.relations.len()).sum();
    json!({"documents": docs.len(), "spans": spans, "entities": spans, "relations": relations})
}

#[test]
fn every_export_reads_back_to_what_was_annotated() {
    let (base, projects) = fixtures();
    let mut problems = Vec::new();
    for (project, docs) in &projects {
        let p = base.join(project);
        let out = base.join(format!("{project}-out"));
        let mut files = serde_json::Map::new();
        for x in EXPORTS {
            let what = format!("{project} {}", x.output.trim_end_matches('/'));
            let target = out.join(x.output);
            // A folder output is named with a trailing separator.
            let output = format!(
                "{}{}",
                target.display(),
                if x.output.ends_with('/') { "/" } else { "" }
            );
            let mut args = vec![
                "export",
                p.to_str().unwrap(),
                "--format",
                x.format,
                "--output",
                &output,
            ];
            args.extend(x.args);
            let (code, _, err) = entitle(&args);
            let (want, warnings): (Vec<WDoc>, Vec<Vec<Expected>>) =
                docs.iter().map(|d| kept(d, x.format, x.keeps)).unzip();
            let warnings: Vec<Expected> = warnings.into_iter().flatten().collect();
            // Exit 0, every document and span counted, the warnings printed counted.
            let spans: usize = docs.iter().map(|d| d.spans.len()).sum();
            let printed = err.lines().filter(|l| l.starts_with("warning: ")).count();
            let summary = format!(
                "exported {} documents, {spans} spans by fixture as {} to {output}; {printed} warnings, 0 errors",
                docs.len(),
                x.format,
            );
            if code != 0 || !err.contains(&summary) {
                problems.push(format!(
                    "{what}: exit {code}, wanted 0 and {summary:?}:\n{err}"
                ));
            }
            // Each dropped item named, and nothing else.
            problems.extend(
                match_warnings(&err, &warnings)
                    .into_iter()
                    .map(|m| format!("{what}: {m}")),
            );
            // Read back.
            let back = match x.back {
                Back::Table => read_table(&target, &want),
                Back::Text => read_back(Format::Txt, &target),
                _ => read_back(x.format.parse().unwrap(), &target),
            };
            match back {
                Ok(back) => problems.extend(compare(&what, x.back, &want, &back)),
                Err(e) => problems.push(format!("{what}: cannot read it back: {e}")),
            }
            // `entitle validate` agrees (CSV is export only).
            if x.format != "csv" {
                let kept_spans: usize = want.iter().map(|d| d.spans.len()).sum();
                let kept_spans = if x.back == Back::Text { 0 } else { kept_spans };
                let (code, out, err) =
                    entitle(&["validate", target.to_str().unwrap(), "--format", x.format]);
                let line = format!(
                    "{} documents, {kept_spans} spans read; 0 problems; 0 warnings, 0 errors",
                    want.len()
                );
                if code != 0 || !err.contains(&line) {
                    problems.push(format!(
                        "{what}: validate: exit {code}, wanted 0 and {line:?}:\n{out}{err}"
                    ));
                }
            }
            // The counts for the validators: per file, and per document for brat.
            let file = x.output.trim_end_matches('/');
            files.insert(file.into(), counts(&want));
            if x.format == "brat" {
                for d in &want {
                    files.insert(
                        format!("{file}/{}.ann", d.name),
                        counts(std::slice::from_ref(d)),
                    );
                }
            }
        }
        let manifest = json!({
            "written_by": "tests/interop.rs",
            "project": project,
            "files": files,
        });
        std::fs::write(
            out.join("expected.json"),
            serde_json::to_string_pretty(&manifest).unwrap() + "\n",
        )
        .unwrap();
    }
    // Export bugs found today are expected exactly as they show (src/ is not changed
    // here); once one is fixed its entry must go.
    let mut fixed = Vec::new();
    for (problem, why) in KNOWN_BUGS {
        match problems.iter().position(|p| p == problem) {
            Some(i) => {
                problems.remove(i);
            }
            None => fixed.push(format!(
                "known bug no longer seen, remove it from KNOWN_BUGS: {why}"
            )),
        }
    }
    problems.extend(fixed);
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Problems this test finds in today's exports (exactly as reported above), and why
/// each is a bug.
const KNOWN_BUGS: &[(&str, &str)] = &[];

/// A project in a temporary folder with the sample's first document and its spans,
/// plus `extra` on the span `UNESCO`.
fn small_project(extra: impl FnOnce(&mut RawSpan)) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("assets/sample/docs/{D1}.txt")),
    )
    .unwrap();
    let doc = wanted(D1, &text, SAMPLE, &[]);
    let mut spans: Vec<RawSpan> = doc
        .spans
        .iter()
        .enumerate()
        .map(|(i, s)| RawSpan {
            key: format!("T{}", i + 1),
            fragments: s.frags.clone(),
            label: s.label.clone(),
            ..Default::default()
        })
        .collect();
    let (start, _) = find(&text, "UNESCO", 0);
    extra(
        spans
            .iter_mut()
            .find(|s| s.fragments[0].0 == start)
            .unwrap(),
    );
    let rec = formats::build_record(
        D1,
        None,
        text,
        spans,
        Vec::new(),
        Default::default(),
        &ReadOptions {
            annotator: "fixture".into(),
            ..Default::default()
        },
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("p")).unwrap();
    let (mut p, _) = Project::open(&dir.path().join("p")).unwrap();
    p.import_record("fixture", &rec).unwrap();
    dir
}

/// The CLI documents `--prodigy-ner` as "write NER-style examples without overlapping
/// spans (as ner.manual needs) instead of every span (as spans.manual holds them)", but
/// the Prodigy writer never reads the option: both exports drop nested spans.
#[test]
fn prodigy_export_keeps_nested_spans_without_prodigy_ner() {
    let dir = small_project(|_| {});
    let p = dir.path().join("p");
    let mut outputs = Vec::new();
    for (name, flag) in [("all.jsonl", None), ("ner.jsonl", Some("--prodigy-ner"))] {
        let out = dir.path().join(name);
        let mut args = vec![
            "export",
            p.to_str().unwrap(),
            "--format",
            "prodigy",
            "--output",
            out.to_str().unwrap(),
        ];
        args.extend(flag);
        let (code, _, err) = entitle(&args);
        assert_eq!(code, 0, "{err}");
        outputs.push((read_back(Format::Prodigy, &out).unwrap(), err));
    }
    let (all, all_err) = &outputs[0];
    let (ner, ner_err) = &outputs[1];
    let nested = |d: &[WDoc]| {
        d[0].spans
            .iter()
            .any(|s| s.label == "PER" && d[0].slice(s.start, s.end) == "Aga Khan")
    };
    assert!(
        !nested(ner) && ner_err.contains("overlapping or nested"),
        "{ner_err}"
    );
    assert!(
        nested(all) && !all_err.contains("overlapping or nested"),
        "without --prodigy-ner every span is written, as spans.manual holds them:\n{all_err}"
    );
}

/// Notes of other types than AnnotatorNotes (`SpanExtra::typed_notes`, kept in
/// annotation files) must be written or named in a warning by every export. Formats
/// without notes warn; Entitle JSONL ("lossless"), brat (which has typed `#` notes),
/// Label Studio and the CSV table write only the AnnotatorNotes note and drop the
/// others silently.
#[test]
fn typed_notes_are_exported_or_named() {
    let dir = small_project(|s| {
        s.typed_notes = vec![("Comment".into(), "check the listing year".into())];
    });
    let p = dir.path().join("p");
    let mut silent = Vec::new();
    for (format, output) in [
        ("jsonl", "all.jsonl"),
        ("brat", "brat"),
        ("label-studio", "ls.json"),
        ("csv", "entities.csv"),
        ("spacy-jsonl", "spacy.jsonl"),
        ("doccano", "doccano.jsonl"),
        ("webanno-tsv", "webanno.tsv"),
    ] {
        let out = dir.path().join(output);
        let (code, _, err) = entitle(&[
            "export",
            p.to_str().unwrap(),
            "--format",
            format,
            "--output",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{format}: {err}");
        let written = if out.is_dir() {
            out.join(format!("{D1}.ann"))
        } else {
            out.clone()
        };
        let text = std::fs::read_to_string(&written).unwrap();
        let named = err.contains("Comment note on span T") && err.contains("\"UNESCO\"");
        if !text.contains("check the listing year") && !named {
            silent.push(format!("{format}:\n{err}"));
        }
    }
    assert!(
        silent.is_empty(),
        "the Comment note on UNESCO is neither written nor named:\n{}",
        silent.join("\n")
    );
}
