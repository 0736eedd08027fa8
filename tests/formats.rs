//! Per format: malformed inputs with their messages, export→import round trips
//! (property tests over text with curly quotes, an astral emoji, combining accents,
//! Arabic and CRLF), and snapshots of the exports of a small Unicode fixture.

use entitle::formats::{
    self, Format, RawRelation, RawSpan, ReadOptions, Record, Scheme, WriteOptions,
};
use entitle::model::Normalization;
use proptest::prelude::*;
use std::path::{Path, PathBuf};

fn malformed(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/malformed")
        .join(rel)
}

/// (format, file, the message expected, as `file:line: message` without the folder).
const MALFORMED: &[(Format, &str, &str)] = &[
    (
        Format::Brat,
        "brat/no-tab.ann",
        "no-tab.ann:1: \"T1 PER 0 4\" is not a brat id: brat lines are ID<TAB>DATA[<TAB>TEXT] with a TAB, not a space, after the id",
    ),
    (
        Format::Brat,
        "brat/bad-offsets.ann",
        "bad-offsets.ann:1: bad offsets \"zero 4\" in T1; expected 'START END' with whole numbers",
    ),
    (
        Format::Brat,
        "brat/text-mismatch.ann",
        "text-mismatch.ann:2: span T2 ORG at 18..30: the file says its text is \"Nordlicht AG\" but the document has \"ordlicht AG”\" there",
    ),
    (
        Format::Brat,
        "brat/past-end.ann",
        "past-end.ann:1: span T1 PER: span 0..400 ends after the end of the text (48 characters)",
    ),
    (
        Format::Brat,
        "brat/bad-relation.ann",
        "bad-relation.ann:2: R line data must be 'TYPE Arg1:T1 Arg2:T2', got \"knows Arg1:T1\"",
    ),
    (
        Format::Brat,
        "brat/dangling-attribute.ann",
        "dangling-attribute.ann:2: refers to \"T9\", which is not a T line of this file",
    ),
    (
        Format::Brat,
        "brat/duplicate-id.ann",
        "duplicate-id.ann:2: id T1 is used twice",
    ),
    (
        Format::Jsonl,
        "jsonl/not-json.jsonl",
        "not-json.jsonl:1: column 28: not valid JSON: expected value",
    ),
    (
        Format::Jsonl,
        "jsonl/no-text.jsonl",
        "no-text.jsonl:1: no \"text\" field; every line needs the document text",
    ),
    (
        Format::Jsonl,
        "jsonl/text-not-string.jsonl",
        "text-not-string.jsonl:1: \"text\" must be a string, found a number",
    ),
    (
        Format::Jsonl,
        "jsonl/span-past-end.jsonl",
        "span-past-end.jsonl:1: span 0 PER: span 0..40 ends after the end of the text (4 characters)",
    ),
    (
        Format::Jsonl,
        "jsonl/span-text-mismatch.jsonl",
        "span-text-mismatch.jsonl:1: span 0 PER at 0..4: the file says its text is \"Amol\" but the document has \"Amal\" there",
    ),
    (
        Format::Jsonl,
        "jsonl/bad-meta.jsonl",
        "bad-meta.jsonl:1: \"meta\" must be an object, found a list",
    ),
    (
        Format::SpacyJsonl,
        "spacy-jsonl/entity-not-triple.jsonl",
        "entity-not-triple.jsonl:1: \"entities\"[0] must be [start, end, label], found [0,4]",
    ),
    (
        Format::SpacyJsonl,
        "spacy-jsonl/negative-offset.jsonl",
        "negative-offset.jsonl:1: a start offset must be a non-negative integer, found -1",
    ),
    (
        Format::SpacyJsonl,
        "spacy-jsonl/label-not-string.jsonl",
        "label-not-string.jsonl:1: a span label must be a string, found 7",
    ),
    (
        Format::SpacyJsonl,
        "spacy-jsonl/reversed.jsonl",
        "reversed.jsonl:1: span 0 PER: span 4..0 is empty or reversed (its start must be below its end)",
    ),
    (
        Format::SpacyJsonl,
        "spacy-jsonl/not-an-object.jsonl",
        "not-an-object.jsonl:1: each line must be a JSON object with a \"text\" field",
    ),
    (
        Format::Doccano,
        "doccano/surrogate-split.jsonl",
        "surrogate-split.jsonl:1: span 0 PER 1..7: not a valid UTF-16 offset in this text (inside a surrogate pair or past the end, 7 UTF-16 units); doccano offsets are UTF-16 code units",
    ),
    (
        Format::Doccano,
        "doccano/past-end.jsonl",
        "past-end.jsonl:1: span 0 PER 0..9: not a valid UTF-16 offset",
    ),
    (
        Format::Doccano,
        "doccano/entity-no-offsets.jsonl",
        "entity-no-offsets.jsonl:1: \"entities\"[0] has no \"start_offset\"",
    ),
    (
        Format::Doccano,
        "doccano/label-not-list.jsonl",
        "label-not-list.jsonl:1: \"label\" must be a list of [start, end, label]",
    ),
    (
        Format::Doccano,
        "doccano/relations-not-list.jsonl",
        "relations-not-list.jsonl:1: \"relations\" must be a list",
    ),
    (
        Format::Prodigy,
        "prodigy/span-no-end.jsonl",
        "span-no-end.jsonl:1: \"spans\"[0] has no \"end\"",
    ),
    (
        Format::Prodigy,
        "prodigy/span-text-mismatch.jsonl",
        "span-text-mismatch.jsonl:1: span 0 PER at 5..11: the file says its text is \"Hadad\" but the document has \"Haddad\" there",
    ),
    (
        Format::Prodigy,
        "prodigy/spans-not-list.jsonl",
        "spans-not-list.jsonl:1: \"spans\" must be a list of {\"start\", \"end\", \"label\"} objects",
    ),
    (
        Format::Prodigy,
        "prodigy/fragments-bad.jsonl",
        "fragments-bad.jsonl:1: \"spans\"[0].fragments must be [[start, end], ...]",
    ),
    (
        Format::Prodigy,
        "prodigy/invalid-utf8.jsonl",
        "invalid-utf8.jsonl:1: is not valid UTF-8; JSON Lines files are UTF-8",
    ),
    (
        Format::Conll,
        "conll/no-tag.conll",
        "no-tag.conll:2: token \"Haddad\" has no tag column; CoNLL lines are TOKEN [other columns] TAG",
    ),
    (
        Format::Conll,
        "conll/bad-prefix.conll",
        "bad-prefix.conll:1: tag \"X-PER\" of token \"Amal\" is not O or B-/I-/E-/S-/L-/U- followed by a type",
    ),
    (
        Format::Conll,
        "conll/empty-type.conll",
        "empty-type.conll:1: tag \"B-\" of token \"Amal\" is not O",
    ),
    (
        Format::Conll,
        "conll/lowercase-tag.conll",
        "lowercase-tag.conll:1: tag \"b-per\" of token \"Amal\" is not O",
    ),
    (
        Format::Conll,
        "conll/invalid-utf8.conll",
        "invalid-utf8.conll:1: is not valid UTF-8; CoNLL files are read as UTF-8",
    ),
    (
        Format::LabelStudio,
        "label-studio/not-json.json",
        "not-json.json:3: column 0: not valid JSON: EOF while parsing an object",
    ),
    (
        Format::LabelStudio,
        "label-studio/no-data.json",
        "no-data.json:3: task 0 has no \"data\" object with the text",
    ),
    (
        Format::LabelStudio,
        "label-studio/text-mismatch.json",
        "text-mismatch.json:11: span a PER at 5..11: the file says its text is \"Hadad\" but the document has \"Haddad\" there",
    ),
    (
        Format::LabelStudio,
        "label-studio/no-labels.json",
        "no-labels.json:11: task 0: region 0 has no value.labels",
    ),
    (
        Format::LabelStudio,
        "label-studio/xpath-region.json",
        "xpath-region.json:11: task 0: region 0 has no numeric value.start/value.end (HyperText regions with XPaths are not supported)",
    ),
    (
        Format::LabelStudio,
        "label-studio/not-a-list.json",
        "not-a-list.json:1: a Label Studio export is a JSON list of tasks",
    ),
    (
        Format::WebannoTsv,
        "webanno-tsv/no-header.tsv",
        "no-header.tsv:1: the first line must be #FORMAT=WebAnno TSV 3.x",
    ),
    (
        Format::WebannoTsv,
        "webanno-tsv/bad-offsets.tsv",
        "bad-offsets.tsv:6: offsets \"0_4\" must be BEGIN-END (UTF-16 units)",
    ),
    (
        Format::WebannoTsv,
        "webanno-tsv/too-few-columns.tsv",
        "too-few-columns.tsv:6: 1 annotation columns, but the header declares 2",
    ),
    (
        Format::WebannoTsv,
        "webanno-tsv/past-text.tsv",
        "past-text.tsv:6: token \"Amal\" at 0-9 is past the end of its #Text (4 UTF-16 units)",
    ),
    (
        Format::WebannoTsv,
        "webanno-tsv/surrogate-split.tsv",
        "surrogate-split.tsv:6: offset 2 falls inside a surrogate pair; WebAnno offsets are UTF-16 units",
    ),
    (
        Format::WebannoTsv,
        "webanno-tsv/short-row.tsv",
        "short-row.tsv:6: a token row needs SENT-TOK, BEGIN-END and the token",
    ),
    (
        Format::Spacy,
        "spacy/not-zlib.spacy",
        "not-zlib.spacy: is not a spaCy DocBin: not a zlib stream",
    ),
    (
        Format::Spacy,
        "spacy/not-msgpack.spacy",
        "not-msgpack.spacy: is not a spaCy DocBin: no msgpack map inside",
    ),
    (
        Format::Spacy,
        "spacy/no-attrs.spacy",
        "no-attrs.spacy: DocBin has no \"attrs\"",
    ),
    (
        Format::Spacy,
        "spacy/bad-matrix.spacy",
        "bad-matrix.spacy: DocBin token matrix of 5 bytes does not fit 1 attributes",
    ),
    (
        Format::Spacy,
        "spacy/no-orth.spacy",
        "no-orth.spacy: DocBin has no ORTH attribute, so the text cannot be rebuilt",
    ),
    (
        Format::Txt,
        "txt/utf16.txt",
        "utf16.txt: is UTF-16 text (it starts with a UTF-16 byte-order mark). Re-save it as UTF-8",
    ),
    (
        Format::Txt,
        "txt/latin1.txt",
        "latin1.txt:1: is not valid UTF-8: bad byte 0xE3 at byte 1 (line 1, column 2)",
    ),
    (
        Format::Txt,
        "txt/binary.txt",
        "binary.txt: looks like a binary file, not text (a NUL byte at byte 8)",
    ),
    (
        Format::Txt,
        "txt/gbk.txt",
        "gbk.txt:1: is not valid UTF-8: bad byte 0xB1 at byte 0 (line 1, column 1)",
    ),
    (
        Format::Txt,
        "txt/invalid-line3.txt",
        "invalid-line3.txt:3: is not valid UTF-8: bad byte 0xFF at byte 16 (line 3, column 5)",
    ),
];

#[test]
fn malformed_inputs_name_file_line_and_problem() {
    let mut per_format = std::collections::HashMap::new();
    for &(format, file, expected) in MALFORMED {
        let path = malformed(file);
        let results: Vec<_> =
            formats::read(format, std::slice::from_ref(&path), &ReadOptions::default()).collect();
        let errors: Vec<String> = results
            .iter()
            .filter_map(|r| r.as_ref().err())
            .map(|e| e.to_string())
            .collect();
        assert_eq!(errors.len(), 1, "{file}: {results:?}");
        assert!(
            errors[0].contains(expected),
            "{file}:\n  got      {}\n  expected {expected}",
            errors[0]
        );
        assert!(
            errors[0].starts_with(&path.display().to_string()),
            "{}",
            errors[0]
        );
        *per_format.entry(format).or_insert(0) += 1;
    }
    for f in Format::ALL.into_iter().filter(|f| f.can_import()) {
        let n = per_format.get(&f).copied().unwrap_or(0);
        // doccano/prodigy/spacy-jsonl share the JSONL reader but each has its own five.
        assert!(n >= 5, "{f} has {n} malformed fixtures");
    }
}

// ---------------------------------------------------------------- round trips

const WORDS: &[&str] = &[
    "Amal",
    "Haddad",
    "“Reuters”",
    "Cook’s",
    "😀",
    "Jose\u{301}",
    "دبي",
    "محمود",
    "said",
    ",",
    ".",
    "U.S.",
    "Russia-backed",
    "Zoë",
    "Nordlicht",
    "AG",
    "Oslo",
    "(",
    ")",
    "2020",
    "Café",
    "👩\u{200d}👩\u{200d}👧",
];
const SEPARATORS: &[&str] = &[" ", " ", " ", " ", "\r\n", "\n", "  ", " \n"];
const LABELS: &[&str] = &["PER", "ORG", "GPE", "DATE"];

fn text_strategy() -> impl Strategy<Value = String> {
    proptest::collection::vec((0..WORDS.len(), 0..SEPARATORS.len()), 1..30).prop_map(|parts| {
        let mut s = String::new();
        for (i, (w, sep)) in parts.iter().enumerate() {
            if i > 0 {
                s.push_str(SEPARATORS[*sep]);
            }
            s.push_str(WORDS[*w]);
        }
        s
    })
}

/// A record with non-overlapping spans on whole tokens (so every format can carry them),
/// and optionally relations between them.
fn record_strategy() -> impl Strategy<Value = Record> {
    (
        text_strategy(),
        proptest::collection::vec((any::<u8>(), 1usize..4, 0..LABELS.len()), 0..6),
        any::<bool>(),
    )
        .prop_map(|(text, picks, relations)| {
            let tokens = formats::tokenize::tokenize(&text, &[]);
            let mut spans = Vec::new();
            let mut next_free = 0;
            for (k, (at, len, label)) in picks.into_iter().enumerate() {
                if tokens.is_empty() {
                    break;
                }
                let first = (at as usize % tokens.len()).max(next_free);
                let last = (first + len - 1).min(tokens.len() - 1);
                if first >= tokens.len() || first > last {
                    continue;
                }
                next_free = last + 1;
                spans.push(RawSpan {
                    key: format!("T{k}"),
                    fragments: vec![(tokens[first].start, tokens[last].end)],
                    label: LABELS[label].into(),
                    ..Default::default()
                });
            }
            let rels = if relations && spans.len() >= 2 {
                vec![RawRelation {
                    key: "R1".into(),
                    label: "rel".into(),
                    from: spans[0].key.clone(),
                    to: spans[1].key.clone(),
                    line: 0,
                    note: None,
                }]
            } else {
                Vec::new()
            };
            formats::build_record(
                "doc",
                None,
                text,
                spans,
                rels,
                Default::default(),
                &ReadOptions::default(),
            )
            .expect("generated spans are valid")
        })
}

fn spans_of(r: &Record) -> Vec<(usize, usize, String)> {
    let mut v: Vec<_> = r
        .set
        .iter()
        .map(|s| (s.range.start(), s.range.end(), s.label.to_string()))
        .collect();
    v.sort();
    v
}

fn relations_of(r: &Record) -> Vec<(usize, usize, String)> {
    let start = |id| r.set.get(id).map_or(usize::MAX, |s| s.range.start());
    let mut v: Vec<_> = r
        .set
        .relations()
        .iter()
        .map(|x| (start(x.from), start(x.to), x.label.to_string()))
        .collect();
    v.sort();
    v
}

fn round_trip(rec: &Record, format: Format, scheme: Scheme) -> Vec<Record> {
    let dir = tempfile::tempdir().unwrap();
    let out = if matches!(format, Format::Brat) {
        dir.path().join("brat")
    } else {
        dir.path().join(format!("out.{}", format.extension()))
    };
    let mut w = formats::writer(
        format,
        &out,
        &WriteOptions {
            scheme,
            schema: None,
            prodigy_ner: false,
        },
    )
    .unwrap();
    w.write(rec).unwrap();
    w.finish().unwrap();
    formats::read(format, &[out], &ReadOptions::default())
        .map(|r| r.expect("our own export reads back"))
        .collect()
}

/// Entities as (label, covered text with white space collapsed): what CoNLL keeps.
fn entity_texts(r: &Record) -> Vec<(String, String)> {
    let mut v: Vec<(usize, String, String)> = r
        .set
        .iter()
        .map(|s| {
            (
                s.range.start(),
                s.label.to_string(),
                r.doc
                    .slice(s.range.range())
                    .split_whitespace()
                    .collect::<String>(),
            )
        })
        .collect();
    v.sort();
    v.into_iter().map(|(_, l, t)| (l, t)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn exact_formats_round_trip(rec in record_strategy()) {
        for format in [Format::Jsonl, Format::Brat, Format::Doccano, Format::LabelStudio, Format::WebannoTsv, Format::Prodigy] {
            let back = round_trip(&rec, format, Scheme::Iob2);
            prop_assert_eq!(back.len(), 1, "{}", format);
            prop_assert_eq!(back[0].doc.text(), rec.doc.text(), "{}", format);
            prop_assert_eq!(spans_of(&back[0]), spans_of(&rec), "{}", format);
            prop_assert_eq!(relations_of(&back[0]), relations_of(&rec), "{}", format);
        }
        for format in [Format::SpacyJsonl, Format::Spacy] {
            let back = round_trip(&rec, format, Scheme::Iob2);
            prop_assert_eq!(back[0].doc.text(), rec.doc.text(), "{}", format);
            prop_assert_eq!(spans_of(&back[0]), spans_of(&rec), "{}", format);
        }
        let back = round_trip(&rec, Format::Txt, Scheme::Iob2);
        prop_assert_eq!(back[0].doc.text(), rec.doc.text());
    }

    #[test]
    fn conll_round_trips_entities_in_every_scheme(rec in record_strategy()) {
        for scheme in [Scheme::Iob1, Scheme::Iob2, Scheme::Iobes, Scheme::Bilou] {
            let back = round_trip(&rec, Format::Conll, scheme);
            prop_assert_eq!(back.len(), 1);
            prop_assert_eq!(entity_texts(&back[0]), entity_texts(&rec), "{:?}", scheme);
            // Tokens are kept, spacing follows the documented rule.
            let words = |t: &str| t.split_whitespace().collect::<String>();
            prop_assert_eq!(words(back[0].doc.text()), words(rec.doc.text()));
        }
    }
}

// ------------------------------------------------ relations, notes, attributes, links

/// The schema the rich property test writes with: attribute kinds decide how Label
/// Studio writes them, relation types go into the config files.
const RICH_SCHEMA: &str = r##"format_version = 1
[[labels]]
name = "PER"
color = "#e15759"
[[labels]]
name = "ORG"
color = "#4e79a7"
[[labels]]
name = "GPE"
color = "#59a14f"
[[labels]]
name = "DATE"
color = "#f28e2b"
[[relations]]
name = "Head_of"
from = ["PER"]
to = ["ORG"]
[[relations]]
name = "Spouse"
from = ["PER"]
to = ["PER"]
symmetric = true
[[attributes]]
name = "certainty"
kind = "choice"
values = ["confirmed", "reported", "rumoured"]
[[attributes]]
name = "negated"
kind = "flag"
[[attributes]]
name = "source"
kind = "text"
"##;

fn rich_schema() -> entitle::model::Schema {
    entitle::project::config::ProjectConfig::parse(RICH_SCHEMA)
        .expect("the test schema is valid")
        .schema()
}

/// Notes as annotators write them: curly quotes, an emoji, Arabic, combining marks,
/// several lines (not CR: brat writes a note one `#` line per line).
const NOTES: &[&str] = &[
    "byline",
    "“quoted” 😀",
    "محمود, not محمد",
    "Jose\u{301} — check\nsecond line",
    "a | b [1] _x_ * ->",
];
/// Values of the free-text attribute (no spaces: brat attribute values cannot hold one).
const SOURCES: &[&str] = &["wire", "AFP’s", "دبي", "😀", "e\u{301}"];
const CERTAINTY: &[&str] = &["confirmed", "reported", "rumoured"];
const RELATION_TYPES: &[&str] = &["Head_of", "Spouse", "knows"];

/// What one generated span carries besides its place and label.
#[derive(Debug, Clone)]
struct Extras {
    note: Option<usize>,
    certainty: Option<usize>,
    negated: bool,
    source: Option<usize>,
    link: Option<(u16, bool)>,
}

fn extras_strategy() -> impl Strategy<Value = Extras> {
    (
        proptest::option::weighted(0.4, 0..NOTES.len()),
        proptest::option::weighted(0.4, 0..CERTAINTY.len()),
        proptest::bool::weighted(0.3),
        proptest::option::weighted(0.3, 0..SOURCES.len()),
        proptest::option::weighted(0.3, (1u16..999, any::<bool>())),
    )
        .prop_map(|(note, certainty, negated, source, link)| Extras {
            note,
            certainty,
            negated,
            source,
            link,
        })
}

/// A record with token-aligned, non-overlapping spans (every format can place them)
/// carrying notes, attributes and knowledge-base links, and relations with notes.
fn rich_record_strategy() -> impl Strategy<Value = Record> {
    (
        text_strategy(),
        proptest::collection::vec(
            (any::<u8>(), 1usize..4, 0..LABELS.len(), extras_strategy()),
            0..6,
        ),
        proptest::collection::vec(
            (
                any::<u8>(),
                any::<u8>(),
                0..RELATION_TYPES.len(),
                proptest::option::weighted(0.5, 0..NOTES.len()),
            ),
            0..4,
        ),
    )
        .prop_map(|(text, picks, rels)| {
            let tokens = formats::tokenize::tokenize(&text, &[]);
            let mut spans = Vec::new();
            let mut next_free = 0;
            for (k, (at, len, label, x)) in picks.into_iter().enumerate() {
                if tokens.is_empty() {
                    break;
                }
                let first = (at as usize % tokens.len()).max(next_free);
                let last = (first + len - 1).min(tokens.len() - 1);
                if first >= tokens.len() || first > last {
                    continue;
                }
                next_free = last + 1;
                let mut attributes = Vec::new();
                if let Some(c) = x.certainty {
                    attributes.push(("certainty".to_string(), CERTAINTY[c].to_string()));
                }
                if x.negated {
                    attributes.push(("negated".to_string(), "true".to_string()));
                }
                if let Some(v) = x.source {
                    attributes.push(("source".to_string(), SOURCES[v].to_string()));
                }
                spans.push(RawSpan {
                    key: format!("T{k}"),
                    fragments: vec![(tokens[first].start, tokens[last].end)],
                    label: LABELS[label].into(),
                    note: x.note.map(|n| NOTES[n].to_string()),
                    attributes,
                    normalizations: x
                        .link
                        .map(|(id, named)| Normalization {
                            db: "Wikidata".into(),
                            id: format!("Q{id}"),
                            name: named.then(|| "Zoë “Z” Haddad".into()),
                        })
                        .into_iter()
                        .collect(),
                    ..Default::default()
                });
            }
            let mut relations = Vec::new();
            if spans.len() >= 2 {
                for (k, (a, b, ty, note)) in rels.into_iter().enumerate() {
                    let a = a as usize % spans.len();
                    let b = (a + 1 + b as usize % (spans.len() - 1)) % spans.len();
                    relations.push(RawRelation {
                        key: format!("R{k}"),
                        label: RELATION_TYPES[ty].into(),
                        from: spans[a].key.clone(),
                        to: spans[b].key.clone(),
                        line: 0,
                        note: note.map(|n| NOTES[n].to_string()),
                    });
                }
            }
            formats::build_record(
                "doc",
                None,
                text,
                spans,
                relations,
                Default::default(),
                &ReadOptions::default(),
            )
            .expect("generated spans are valid")
        })
}

/// A span with everything it carries: range, label, note, attributes, links.
type RichSpan = (
    usize,
    usize,
    String,
    Option<String>,
    Vec<(String, String)>,
    Vec<Normalization>,
);

fn rich_spans(r: &Record) -> Vec<RichSpan> {
    r.set
        .iter()
        .map(|s| {
            (
                s.range.start(),
                s.range.end(),
                s.label.to_string(),
                s.note().map(str::to_string),
                s.attributes().to_vec(),
                s.normalizations().to_vec(),
            )
        })
        .collect()
}

/// Relations by the starts of their ends, with type and note, sorted.
fn rich_relations(r: &Record) -> Vec<(usize, usize, String, Option<String>)> {
    let start = |id| r.set.get(id).map_or(usize::MAX, |s| s.range.start());
    let mut v: Vec<_> = r
        .set
        .relations()
        .iter()
        .map(|x| {
            (
                start(x.from),
                start(x.to),
                x.label.to_string(),
                x.note.clone(),
            )
        })
        .collect();
    v.sort();
    v
}

/// Write `rec` in `format` with the rich schema; the records read back and every
/// warning the writer gave.
fn rich_round_trip(rec: &Record, format: Format) -> (Vec<Record>, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let out = if format == Format::Brat {
        dir.path().join("brat")
    } else {
        dir.path().join(format!("out.{}", format.extension()))
    };
    let options = WriteOptions {
        schema: Some(rich_schema()),
        ..WriteOptions::default()
    };
    let mut w = formats::writer(format, &out, &options).unwrap();
    let mut warnings: Vec<String> = w
        .write(rec)
        .unwrap()
        .iter()
        .map(|w| w.to_string())
        .collect();
    warnings.extend(w.finish().unwrap().iter().map(|w| w.to_string()));
    let back = formats::read(format, &[out], &ReadOptions::default())
        .map(|r| r.expect("our own export reads back"))
        .collect();
    (back, warnings)
}

/// How many of `warnings` contain `what`.
fn warned(warnings: &[String], what: &str) -> usize {
    warnings.iter().filter(|w| w.contains(what)).count()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Relations (with notes), attributes, notes and links come back exactly from
    /// every format that holds them; for each one a format cannot hold, it says so.
    #[test]
    fn relations_notes_attributes_and_links_round_trip_or_are_named(rec in rich_record_strategy()) {
        let spans = rich_spans(&rec);
        let relations = rich_relations(&rec);
        let noted_spans = rec.set.iter().filter(|s| s.note().is_some()).count();
        let with_attrs = rec.set.iter().filter(|s| !s.attributes().is_empty()).count();
        let linked = rec.set.iter().filter(|s| !s.normalizations().is_empty()).count();
        let named_links = rec
            .set
            .iter()
            .filter(|s| s.normalizations().iter().any(|n| n.name.is_some()))
            .count();
        let noted_relations = rec.set.relations().iter().filter(|r| r.note.is_some()).count();

        // Entitle JSONL and brat hold everything.
        for format in [Format::Jsonl, Format::Brat] {
            let (back, warnings) = rich_round_trip(&rec, format);
            prop_assert_eq!(back.len(), 1);
            prop_assert_eq!(back[0].doc.text(), rec.doc.text(), "{}", format);
            prop_assert_eq!(rich_spans(&back[0]), spans.clone(), "{}", format);
            prop_assert_eq!(rich_relations(&back[0]), relations.clone(), "{}", format);
            prop_assert!(warnings.is_empty(), "{}: {:?}", format, warnings);
        }

        // doccano: spans and relations; the rest is named.
        let (back, warnings) = rich_round_trip(&rec, Format::Doccano);
        let plain: Vec<RichSpan> = spans
            .iter()
            .map(|(a, b, l, ..)| (*a, *b, l.clone(), None, Vec::new(), Vec::new()))
            .collect();
        let bare_relations: Vec<_> = relations
            .iter()
            .map(|(a, b, l, _)| (*a, *b, l.clone(), None))
            .collect();
        prop_assert_eq!(rich_spans(&back[0]), plain);
        prop_assert_eq!(rich_relations(&back[0]), bare_relations.clone());
        prop_assert_eq!(warned(&warnings, ": note on span"), noted_spans, "{:?}", warnings);
        prop_assert_eq!(warned(&warnings, ": attributes "), with_attrs, "{:?}", warnings);
        prop_assert_eq!(warned(&warnings, ": normalization on span"), linked, "{:?}", warnings);
        prop_assert_eq!(warned(&warnings, ": note on relation"), noted_relations, "{:?}", warnings);
        prop_assert_eq!(warnings.len(), noted_spans + with_attrs + linked + noted_relations);

        // Label Studio: notes (text areas), attributes (per-region choices and text
        // areas) and relations; links and relation notes are named.
        let (back, warnings) = rich_round_trip(&rec, Format::LabelStudio);
        let unlinked: Vec<RichSpan> = spans
            .iter()
            .map(|(a, b, l, n, at, _)| (*a, *b, l.clone(), n.clone(), at.clone(), Vec::new()))
            .collect();
        prop_assert_eq!(rich_spans(&back[0]), unlinked);
        prop_assert_eq!(rich_relations(&back[0]), bare_relations);
        prop_assert_eq!(warned(&warnings, ": normalization on span"), linked, "{:?}", warnings);
        prop_assert_eq!(warned(&warnings, ": note on relation"), noted_relations, "{:?}", warnings);
        prop_assert_eq!(warnings.len(), linked + noted_relations, "{:?}", warnings);

        // WebAnno TSV: attributes (NamedEntity features), a link's DB:ID (its
        // identifier), relations with notes (a relation feature); span notes and link
        // names are named.
        let (back, warnings) = rich_round_trip(&rec, Format::WebannoTsv);
        let webanno: Vec<RichSpan> = spans
            .iter()
            .map(|(a, b, l, _, at, links)| {
                let links = links
                    .iter()
                    .map(|n| Normalization { name: None, ..n.clone() })
                    .collect();
                (*a, *b, l.clone(), None, at.clone(), links)
            })
            .collect();
        prop_assert_eq!(rich_spans(&back[0]), webanno);
        prop_assert_eq!(rich_relations(&back[0]), relations);
        prop_assert_eq!(warned(&warnings, ": note on span"), noted_spans, "{:?}", warnings);
        prop_assert_eq!(warned(&warnings, "of normalization"), named_links, "{:?}", warnings);
        prop_assert_eq!(warnings.len(), noted_spans + named_links, "{:?}", warnings);
    }
}

// ------------------------------------------------ richer annotations, where kept

fn rich_record() -> Record {
    let text =
        "Dr. Amal Haddad met “Nordlicht AG” staff in Oslo 😀 on Friday.\r\nZoë joined.".to_string();
    let find = |t: &str, n: &str| {
        let b = t.find(n).unwrap();
        let s = t[..b].chars().count();
        (s, s + n.chars().count())
    };
    let mut spans = vec![
        RawSpan {
            key: "T1".into(),
            fragments: vec![find(&text, "Amal Haddad")],
            label: "PER".into(),
            note: Some("byline".into()),
            attributes: vec![("Confidence".into(), "High".into())],
            ..Default::default()
        },
        RawSpan {
            key: "T2".into(),
            fragments: vec![find(&text, "Nordlicht AG")],
            label: "ORG".into(),
            ..Default::default()
        },
        RawSpan {
            key: "T3".into(),
            fragments: vec![find(&text, "Nordlicht")],
            label: "GPE".into(),
            ..Default::default()
        },
        RawSpan {
            key: "T4".into(),
            fragments: vec![find(&text, "Oslo")],
            label: "GPE".into(),
            normalizations: vec![Normalization {
                db: "GeoNames".into(),
                id: "3143244".into(),
                name: Some("Oslo".into()),
            }],
            ..Default::default()
        },
        RawSpan {
            key: "T5".into(),
            fragments: vec![find(&text, "met"), find(&text, "Friday")],
            label: "EVENT".into(),
            ..Default::default()
        },
        RawSpan {
            key: "T6".into(),
            fragments: vec![find(&text, "Zoë")],
            label: "PER".into(),
            ..Default::default()
        },
    ];
    spans.sort_by_key(|s| s.fragments[0]);
    let rels = vec![RawRelation {
        key: "R1".into(),
        label: "works_for".into(),
        from: "T1".into(),
        to: "T2".into(),
        line: 0,
        note: None,
    }];
    formats::build_record(
        "rich",
        Some(serde_json::json!(7)),
        text,
        spans,
        rels,
        Default::default(),
        &ReadOptions::default(),
    )
    .unwrap()
}

#[test]
fn brat_and_jsonl_keep_everything() {
    let rec = rich_record();
    for format in [Format::Brat, Format::Jsonl] {
        let back = &round_trip(&rec, format, Scheme::Iob2)[0];
        assert_eq!(back.doc.text(), rec.doc.text());
        let a: Vec<_> = rec
            .set
            .iter()
            .map(|s| {
                (
                    s.fragments(),
                    s.label.clone(),
                    s.note().map(str::to_string),
                    s.attributes().to_vec(),
                    s.normalizations().to_vec(),
                )
            })
            .collect();
        let b: Vec<_> = back
            .set
            .iter()
            .map(|s| {
                (
                    s.fragments(),
                    s.label.clone(),
                    s.note().map(str::to_string),
                    s.attributes().to_vec(),
                    s.normalizations().to_vec(),
                )
            })
            .collect();
        assert_eq!(a, b, "{format}");
        assert_eq!(relations_of(back), relations_of(&rec));
    }
}

#[test]
fn what_a_format_cannot_express_is_named() {
    let rec = rich_record();
    let dir = tempfile::tempdir().unwrap();
    let mut w = formats::writer(
        Format::Conll,
        &dir.path().join("x.conll"),
        &WriteOptions::default(),
    )
    .unwrap();
    let warnings: Vec<String> = w
        .write(&rec)
        .unwrap()
        .iter()
        .map(|w| w.to_string())
        .collect();
    let joined = warnings.join("\n");
    assert!(
        joined.contains("span T3 GPE") && joined.contains("overlapping or nested"),
        "{joined}"
    );
    assert!(
        joined.contains("span T2 EVENT 16..60") && joined.contains("discontinuous"),
        "{joined}"
    );
    assert!(joined.contains("note on span T1 PER"), "{joined}");
    assert!(
        joined.contains("attributes Confidence on span T1 PER"),
        "{joined}"
    );
    assert!(
        joined.contains("normalization on span T5 GPE 44..48 \"Oslo\""),
        "{joined}"
    );
    assert!(joined.contains("relation R1 works_for"), "{joined}");
    assert_eq!(warnings.len(), 6, "{joined}");
}

// ------------------------------------------------------------------ snapshots

fn export_text(rec: &Record, format: Format) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = if format == Format::Brat {
        dir.path().join("b")
    } else {
        dir.path().join(format!("x.{}", format.extension()))
    };
    let mut w = formats::writer(
        format,
        &out,
        &WriteOptions {
            scheme: Scheme::Iob2,
            schema: Some(entitle::model::Schema::news_default()),
            prodigy_ner: false,
        },
    )
    .unwrap();
    w.write(rec).unwrap();
    w.finish().unwrap();
    match format {
        Format::Brat => {
            let mut s = String::new();
            for f in ["rich.ann", "annotation.conf", "visual.conf"] {
                s.push_str(&format!(
                    "=== {f}\n{}",
                    std::fs::read_to_string(out.join(f)).unwrap()
                ));
            }
            s
        }
        Format::LabelStudio => format!(
            "{}=== config\n{}",
            std::fs::read_to_string(&out).unwrap(),
            std::fs::read_to_string(out.with_file_name("x.config.xml")).unwrap()
        ),
        Format::Spacy => {
            // Binary: snapshot what it decodes to.
            let back: Vec<Record> = formats::read(Format::Spacy, &[out], &ReadOptions::default())
                .map(Result::unwrap)
                .collect();
            format!("{:?}\n{:?}", back[0].doc.text(), spans_of(&back[0]))
        }
        _ => std::fs::read_to_string(&out).unwrap(),
    }
}

#[test]
fn exports_of_the_unicode_fixture() {
    let rec = rich_record();
    for format in Format::ALL {
        insta::assert_snapshot!(
            format!("export_{}", format.name()),
            export_text(&rec, format)
        );
    }
}
