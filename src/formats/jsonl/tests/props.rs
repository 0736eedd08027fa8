//! Property tests: the typed fast path and the general path agree on every line the
//! fast path accepts; no input panics.

use super::super::parse::{Ctx, UnitKind};
use super::super::{Flavor, parse_fast, parse_general};
use crate::formats::{FormatError, ReadOptions, Record};
use proptest::prelude::*;
use serde_json::{Map, Value, json};
use std::path::Path;

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
    "Nordlicht",
    "AG",
    "\"quoted\"",
    "back\\slash",
    "👩\u{200d}👩\u{200d}👧",
];
const SEPARATORS: &[&str] = &[" ", " ", "\r\n", "\n", "\t"];
const LABELS: &[&str] = &["PER", "ORG", "GPE", "Job Title", ""];

fn text_strategy() -> impl Strategy<Value = String> {
    proptest::collection::vec((0..WORDS.len(), 0..SEPARATORS.len()), 1..12).prop_map(|parts| {
        parts
            .into_iter()
            .map(|(w, s)| format!("{}{}", WORDS[w], SEPARATORS[s]))
            .collect()
    })
}

/// An id as a string, a number, or none.
fn id_strategy() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        Just(None),
        (0u64..5).prop_map(|n| Some(json!(n))),
        (0u64..5).prop_map(|n| Some(json!(format!("T{n}")))),
    ]
}

/// Offsets inside the text mostly; past its end or reversed sometimes.
fn offsets(len: usize) -> impl Strategy<Value = (u64, u64)> {
    let len = len as u64;
    prop_oneof![
        8 => (0..=len, 0..=len).prop_map(|(a, b)| (a.min(b), a.max(b))),
        1 => (0..len + 3, 0..len + 3),
    ]
}

/// One span object with any of the optional fields.
fn span_strategy(len: usize) -> impl Strategy<Value = Value> {
    (
        id_strategy(),
        offsets(len),
        0..LABELS.len(),
        proptest::option::of(prop_oneof![
            Just(Vec::new()),
            proptest::collection::vec(offsets(len), 1..3)
        ]),
        proptest::option::of("[a-z ’]{0,6}"),
        proptest::collection::vec(("[A-Z][a-z]{0,4}", "[a-z 😀]{0,5}"), 0..2),
        proptest::option::of(proptest::collection::vec(
            (
                "[a-z]{1,3}",
                prop_oneof![Just(json!("v")), Just(json!(true)), Just(json!(2))],
            ),
            0..2,
        )),
        proptest::option::of(proptest::collection::vec(
            (
                "[A-Z][a-z]{1,4}",
                "Q[0-9]{1,3}",
                proptest::option::of("[a-z]{1,4}"),
            ),
            0..2,
        )),
        any::<bool>(),
    )
        .prop_map(
            |(id, (start, end), label, fragments, note, typed, attributes, norms, with_text)| {
                let mut o = Map::new();
                if let Some(id) = id {
                    o.insert("id".into(), id);
                }
                o.insert("start".into(), json!(start));
                o.insert("end".into(), json!(end));
                o.insert("label".into(), json!(LABELS[label]));
                if with_text {
                    o.insert("text".into(), json!("Amal"));
                }
                if let Some(f) = fragments {
                    o.insert(
                        "fragments".into(),
                        json!(f.iter().map(|(a, b)| [a, b]).collect::<Vec<_>>()),
                    );
                }
                if let Some(n) = note {
                    o.insert("note".into(), json!(n));
                }
                if !typed.is_empty() {
                    o.insert(
                        "typed_notes".into(),
                        json!(typed.iter().map(|(t, x)| [t, x]).collect::<Vec<_>>()),
                    );
                }
                if let Some(a) = attributes {
                    o.insert("attributes".into(), Value::Object(a.into_iter().collect()));
                }
                if let Some(ns) = norms {
                    let ns: Vec<Value> = ns
                        .into_iter()
                        .map(|(db, id, name)| match name {
                            Some(name) => json!({"db": db, "id": id, "name": name}),
                            None => json!({"db": db, "id": id}),
                        })
                        .collect();
                    o.insert("normalizations".into(), Value::Array(ns));
                }
                Value::Object(o)
            },
        )
}

/// A line in a shape the fast path accepts: text, id, meta, spans or entities,
/// relations, keys in any order.
fn line_strategy() -> impl Strategy<Value = String> {
    text_strategy()
        .prop_flat_map(|text| {
            let len = text.chars().count();
            (
                Just(text),
                prop_oneof![
                    proptest::collection::vec(span_strategy(len), 0..4)
                        .prop_map(|s| ("spans", Value::Array(s))),
                    proptest::collection::vec((offsets(len), 0..LABELS.len()), 0..4).prop_map(
                        |e| {
                            (
                                "entities",
                                Value::Array(
                                    e.into_iter()
                                        .map(|((a, b), l)| json!([a, b, LABELS[l]]))
                                        .collect(),
                                ),
                            )
                        }
                    ),
                ],
                proptest::collection::vec(
                    (
                        id_strategy(),
                        id_strategy(),
                        id_strategy(),
                        0..LABELS.len(),
                        proptest::option::of("[a-z ’😀\n]{0,6}"),
                    ),
                    0..3,
                ),
                id_strategy(),
                proptest::option::of(prop_oneof![
                    Just(json!({"source": "AFP", "n": 3})),
                    Just(json!({}))
                ]),
                any::<u8>(),
            )
        })
        .prop_map(|(text, (key, spans), rels, id, meta, order)| {
            let rels: Vec<Value> = rels
                .into_iter()
                .filter_map(|(rid, from, to, l, note)| {
                    let mut o = Map::new();
                    if let Some(rid) = rid {
                        o.insert("id".into(), rid);
                    }
                    o.insert("from".into(), from?);
                    o.insert("to".into(), to?);
                    o.insert("label".into(), json!(LABELS[l]));
                    if let Some(note) = note {
                        o.insert("note".into(), json!(note));
                    }
                    Some(Value::Object(o))
                })
                .collect();
            let mut fields: Vec<(&str, Value)> = vec![("text", json!(text)), (key, spans)];
            if !rels.is_empty() {
                fields.push(("relations", Value::Array(rels)));
            }
            if let Some(id) = id {
                fields.push(("id", id));
            }
            if let Some(meta) = meta {
                fields.push(("meta", meta));
            }
            let n = fields.len();
            fields.rotate_left(order as usize % n);
            let o: Map<String, Value> = fields
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect();
            Value::Object(o).to_string()
        })
}

fn ctx<'a>(flavor: Flavor, options: &'a ReadOptions) -> Ctx<'a> {
    Ctx {
        file: Path::new("in.jsonl"),
        stem: "in",
        flavor,
        options,
        line: 3,
        kind: UnitKind::Line,
    }
}

/// Everything a record carries, for comparison.
fn summary(r: &Result<Record, FormatError>) -> String {
    match r {
        Ok(rec) => format!(
            "{} {:?} {:?} {:?} {:?} {:?} {:?} {:?}",
            rec.name,
            rec.external_id,
            rec.doc.text(),
            rec.set,
            rec.meta,
            rec.warnings,
            rec.annotator,
            rec.origin
        ),
        Err(e) => format!("error {e:?}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_fast_and_the_general_path_agree(line in line_strategy(), spacy in any::<bool>()) {
        let flavor = if spacy { Flavor::Spacy } else { Flavor::Entitle };
        let options = ReadOptions::default();
        let ctx = ctx(flavor, &options);
        let fast = parse_fast(&line, &ctx);
        prop_assert!(fast.is_some(), "the fast path refused {}", line);
        let fast: Vec<String> = fast.unwrap_or_default().iter().map(summary).collect();
        let general: Vec<String> = parse_general(&line, &ctx).iter().map(summary).collect();
        prop_assert_eq!(fast, general, "{}", line);
    }

    /// Lines cut or with a byte changed: never a panic, in any flavor.
    #[test]
    fn damaged_lines_never_panic(line in line_strategy(), cut in any::<prop::sample::Index>(), byte in any::<u8>(), flavor in 0..4usize) {
        let flavor = [Flavor::Entitle, Flavor::Spacy, Flavor::Doccano, Flavor::Prodigy][flavor];
        let mut bytes = line.into_bytes();
        let at = cut.index(bytes.len());
        bytes[at] = byte;
        let twice = [bytes.as_slice(), b"\n", &bytes[..at]].concat();
        for input in [&bytes[..], &twice[..], &bytes[..at]] {
            let _ = super::super::parse_bytes(Path::new("in.jsonl"), input, flavor, &ReadOptions::default());
        }
    }

    /// Any bytes at all, arrays and objects included: never a panic.
    #[test]
    fn any_bytes_never_panic(input in proptest::collection::vec(prop_oneof![
        Just(b"[".to_vec()), Just(b"]".to_vec()), Just(b"{".to_vec()), Just(b"}".to_vec()),
        Just(b"\"text\":".to_vec()), Just(b"\"x\"".to_vec()), Just(b",".to_vec()), Just(b"\n".to_vec()),
        Just(b"\"annotations\":[{\"label\":1,\"start_offset\":0,\"end_offset\":1,\"user\":2}]".to_vec()),
        Just(b"\"spans\":[{\"start\":0,\"end\":1,\"label\":\"A\",\"fragments\":[]}]".to_vec()),
        Just(b"\"relations\":[{\"head_span\":{\"start\":0,\"end\":1}}]".to_vec()),
        Just("\u{feff}".as_bytes().to_vec()), Just(b"\\u00e9".to_vec()), Just(b"\xff".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..4),
    ], 0..30), flavor in 0..4usize) {
        let flavor = [Flavor::Entitle, Flavor::Spacy, Flavor::Doccano, Flavor::Prodigy][flavor];
        let _ = super::super::parse_bytes(Path::new("in.jsonl"), &input.concat(), flavor, &ReadOptions::default());
    }
}
