//! Prodigy: answers, relations, and examples written with every span.

use super::{Flavor, parse, parse_with, records, relations, spans};
use crate::formats::{Format, ReadOptions, Record, WriteOptions};
use serde_json::Value;

/// Shaped like explosion/projects `tutorials/ner_tweets/assets/demo/demo.jsonl`.
const ACCEPTED: &str = r#"{"text":"I'm seeing Ed Sheeran on Wednesday in Miami","_input_hash":885944384,"_task_hash":-1665691389,"tokens":[{"text":"I","start":0,"end":1,"id":0,"ws":false},{"text":"'m","start":1,"end":3,"id":1,"ws":true}],"spans":[{"token_start":3,"token_end":4,"start":11,"end":21,"text":"Ed Sheeran","label":"PERSON","source":"en_core_web_lg","input_hash":885944384}],"_is_binary":false,"_view_id":"ner_manual","answer":"accept","_timestamp":1633999979,"meta":{"section":"music"}}"#;

#[test]
fn an_empty_fragment_list_with_a_relation_is_an_error_not_a_panic() {
    // Relation ends were matched with `fragments[0]`.
    let input = r#"{"text": "Amal Haddad met Ben", "spans": [{"start": 0, "end": 11, "label": "PER", "fragments": []}, {"start": 16, "end": 19, "label": "PER"}], "relations": [{"head": 1, "child": 3, "label": "met", "head_span": {"start": 0, "end": 11}, "child_span": {"start": 16, "end": 19}}], "answer": "accept"}"#;
    for flavor in [Flavor::Prodigy, Flavor::Entitle, Flavor::Spacy] {
        let items = parse(flavor, input);
        assert_eq!(items.len(), 1);
        let e = items[0].as_ref().unwrap_err();
        assert_eq!(
            e.to_string(),
            "in.jsonl:1: span 0 has no offsets",
            "{flavor:?}"
        );
    }
}

#[test]
fn rejected_and_ignored_examples_are_skipped_and_counted() {
    let input = [
        ACCEPTED.to_string(),
        ACCEPTED.replace("\"accept\"", "\"reject\""),
        ACCEPTED.replace("\"accept\"", "\"ignore\""),
    ]
    .join("\n");
    let items = parse(Flavor::Prodigy, &input);
    assert!(items[0].is_ok());
    for (item, answer) in items[1..].iter().zip(["reject", "ignore"]) {
        let e = item.as_ref().unwrap_err();
        assert!(e.skipped, "{e}");
        assert_eq!(
            e.message,
            format!("answer {answer}: skipped; use --keep-rejected to import it")
        );
    }
    let keep = ReadOptions {
        keep_rejected: true,
        ..ReadOptions::default()
    };
    let kept: Vec<Record> = parse_with(Flavor::Prodigy, &input, &keep)
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let answers: Vec<&str> = kept
        .iter()
        .map(|r| {
            r.meta
                .get("answer")
                .and_then(Value::as_str)
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(answers, ["accept", "reject", "ignore"]);
    assert!(kept.iter().all(|r| r.set.len() == 1));
    super::assert_reader_agrees(Flavor::Prodigy, &input);
}

#[test]
fn an_example_keeps_its_fields_through_a_round_trip() {
    let rec = records(Flavor::Prodigy, ACCEPTED).remove(0);
    assert_eq!(
        spans(&rec),
        [(11, 21, "PERSON".into(), "Ed Sheeran".into())]
    );
    let (out, warnings) = super::super::encode(&rec, Format::Prodigy);
    assert!(warnings.is_empty(), "{warnings:?}");
    for key in [
        "answer",
        "_input_hash",
        "_task_hash",
        "_is_binary",
        "_view_id",
        "_timestamp",
    ] {
        assert_eq!(
            out.get(key),
            serde_json::from_str::<Value>(ACCEPTED).unwrap().get(key),
            "{key}"
        );
    }
    assert_eq!(out["meta"], serde_json::json!({"section": "music"}));
}

#[test]
fn relations_find_their_spans_by_offsets_and_label() {
    let input = r#"{"text": "Amal Haddad met Ben", "spans": [{"start": 0, "end": 11, "label": "PER"}, {"start": 0, "end": 11, "label": "SPEAKER"}, {"start": 16, "end": 19, "label": "PER"}], "relations": [{"head": 1, "child": 3, "label": "met", "head_span": {"start": 0, "end": 11, "label": "SPEAKER"}, "child_span": {"start": 16, "end": 19, "label": "PER"}}, {"head": 1, "child": 2, "label": "x", "head_span": {"start": 12, "end": 15}, "child_span": {"start": 16, "end": 19}}], "answer": "accept"}"#;
    let rec = records(Flavor::Prodigy, input).remove(0);
    assert_eq!(
        relations(&rec),
        [("met".into(), "Amal Haddad".into(), "Ben".into())]
    );
    let r = rec.set.relations()[0].from;
    assert_eq!(&*rec.set.get(r).unwrap().label, "SPEAKER");
    let w = super::warnings(&rec);
    assert!(
        w.iter()
            .any(|w| w.contains("(head_span 12..15)") && w.contains("dropped")),
        "{w:?}"
    );
}

/// A record with nested and overlapping spans: "Nordlicht AG" ORG, "Nordlicht" BRAND,
/// "AG staff" GROUP (crosses ORG's end), in text with curly quotes and an emoji.
fn overlapping() -> Record {
    let input = r#"{"text": "😀 “Nordlicht AG staff” met in دبي.", "spans": [{"start": 3, "end": 15, "label": "ORG"}, {"start": 3, "end": 12, "label": "BRAND"}, {"start": 13, "end": 21, "label": "GROUP"}, {"start": 30, "end": 33, "label": "GPE"}]}"#;
    records(Flavor::Entitle, input).remove(0)
}

#[test]
fn overlapping_spans_are_written_with_exact_tokens() {
    let rec = overlapping();
    let (out, warnings) = super::super::encode(&rec, Format::Prodigy);
    assert!(warnings.is_empty(), "{warnings:?}");
    let tokens = out["tokens"].as_array().unwrap();
    let written = out["spans"].as_array().unwrap();
    assert_eq!(written.len(), 4);
    for s in written {
        let at = |k: &str| s[k].as_u64().unwrap() as usize;
        let (first, last) = (&tokens[at("token_start")], &tokens[at("token_end")]);
        assert_eq!(
            first["start"].as_u64().unwrap() as usize,
            at("start"),
            "{s}"
        );
        assert_eq!(last["end"].as_u64().unwrap() as usize, at("end"), "{s}");
        assert!(at("token_start") <= at("token_end"), "{s}");
    }
    // Read back: the same spans.
    let line = out.to_string();
    let back = records(Flavor::Prodigy, &line).remove(0);
    assert_eq!(spans(&back), spans(&rec));
}

#[test]
fn ner_style_output_drops_overlaps_with_warnings() {
    let rec = overlapping();
    let options = WriteOptions {
        prodigy_ner: true,
        ..WriteOptions::default()
    };
    let (out, warnings) = super::super::encode_with(&rec, Format::Prodigy, &options);
    let labels: Vec<&str> = out["spans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["ORG", "GPE"]);
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings.iter().all(|w| w.reason.contains("overlapping")));
}

#[test]
fn the_writer_follows_prodigy_ner() {
    let dir = tempfile::tempdir().unwrap();
    let rec = overlapping();
    for (ner, expected) in [(false, 4), (true, 2)] {
        let path = dir.path().join(format!("out-{ner}.jsonl"));
        let options = WriteOptions {
            prodigy_ner: ner,
            ..WriteOptions::default()
        };
        let mut w: Box<dyn crate::formats::Writer> =
            Box::new(super::super::Writer::with_options(&path, Format::Prodigy, &options).unwrap());
        w.write(&rec).unwrap();
        w.finish().unwrap();
        let back = records(Flavor::Prodigy, &std::fs::read_to_string(&path).unwrap());
        assert_eq!(back[0].set.len(), expected, "prodigy_ner {ner}");
    }
}

#[test]
fn keys_prodigy_does_not_read_are_reported() {
    let input = r#"{"text": "Amal", "entities": [[0, 4, "PER"]], "answer": "accept"}"#;
    let rec = records(Flavor::Prodigy, input).remove(0);
    let w = super::warnings(&rec);
    assert!(
        w.len() == 1 && w[0].contains("\"entities\"") && w[0].contains("--from spacy-jsonl"),
        "{w:?}"
    );
}
