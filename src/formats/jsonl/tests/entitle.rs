//! Entitle's own JSONL: typed notes, metadata, keys that are never dropped silently.

use super::{Flavor, parse, records, warnings};
use crate::formats::{Format, Record};

const WITH_NOTES: &str = r#"{"id": "afp-1", "text": "“Amal Haddad” visited دبي 😀.", "spans": [{"id": "T1", "start": 1, "end": 12, "label": "PER", "note": "byline", "typed_notes": [["Comment", "check spelling"], ["Source", "AFP"]]}, {"id": "T2", "start": 22, "end": 25, "label": "GPE", "attributes": {"Negated": "false"}, "normalizations": [{"db": "Wikidata", "id": "Q612"}]}], "relations": [{"from": "T1", "to": "T2", "label": "visited"}]}"#;

fn typed_notes(rec: &Record) -> Vec<Vec<(String, String)>> {
    rec.set.iter().map(|s| s.typed_notes().to_vec()).collect()
}

#[test]
fn typed_notes_round_trip_through_entitle_jsonl() {
    let rec = records(Flavor::Entitle, WITH_NOTES).remove(0);
    let expected = vec![
        vec![
            ("Comment".to_string(), "check spelling".to_string()),
            ("Source".into(), "AFP".into()),
        ],
        vec![],
    ];
    assert_eq!(typed_notes(&rec), expected);
    let line = super::super::entitle_object(&rec).to_string();
    assert!(
        line.contains(r#""typed_notes":[["Comment","check spelling"],["Source","AFP"]]"#),
        "{line}"
    );
    let back = records(Flavor::Entitle, &line).remove(0);
    assert_eq!(back.set, rec.set);
    // The general path reads them too (an unknown key sends the line there).
    let general = WITH_NOTES.replacen("{\"id\"", "{\"source\": \"wire\", \"id\"", 1);
    let rec = records(Flavor::Entitle, &general).remove(0);
    assert_eq!(typed_notes(&rec), expected);
    assert_eq!(
        rec.meta.get("source").and_then(|v| v.as_str()),
        Some("wire")
    );
}

#[test]
fn other_flavors_warn_that_typed_notes_are_dropped() {
    let rec = records(Flavor::Entitle, WITH_NOTES).remove(0);
    for format in [Format::SpacyJsonl, Format::Doccano, Format::Prodigy] {
        let (_, warnings) = super::super::encode(&rec, format);
        for ty in ["Comment", "Source"] {
            assert!(
                warnings
                    .iter()
                    .any(|w| w.item.starts_with(&format!("{ty} note on span"))
                        && w.reason.contains("notes")),
                "{format}: {warnings:?}"
            );
        }
    }
}

#[test]
fn bad_typed_notes_are_an_error() {
    let input = r#"{"text": "Amal", "spans": [{"start": 0, "end": 4, "label": "PER", "typed_notes": [["Comment"]]}]}"#;
    let e = parse(Flavor::Entitle, input).remove(0).unwrap_err();
    assert_eq!(
        e.to_string(),
        "in.jsonl:1: \"spans\"[0].typed_notes must be [[type, text], ...]"
    );
}

#[test]
fn unknown_keys_are_kept_as_metadata() {
    let input = r#"{"text": "Amal", "source": "wire", "meta": {"desk": "Oslo", "source": "kept"}, "spans": []}"#;
    let rec = records(Flavor::Entitle, input).remove(0);
    assert_eq!(
        serde_json::Value::Object(rec.meta.clone()),
        serde_json::json!({"desk": "Oslo", "source": "kept"})
    );
    assert_eq!(
        warnings(&rec),
        [
            "in-1: \"source\" (\"wire\"): not imported: \"meta\" has a key of the same name, which was kept"
        ]
    );
}

#[test]
fn annotation_keys_not_read_are_warnings_never_silence() {
    let cases = [
        (
            Flavor::Entitle,
            r#"{"text": "Amal", "annotations": [{"label": 1, "start_offset": 0, "end_offset": 4, "user": 1}]}"#,
            "\"annotations\"",
            "--from doccano",
        ),
        (
            Flavor::Entitle,
            r#"{"text": "Amal", "spans": [{"start": 0, "end": 4, "label": "PER"}], "entities": [[0, 4, "PER"]]}"#,
            "\"entities\"",
            "\"spans\" was read",
        ),
        (
            Flavor::Doccano,
            r#"{"text": "Amal", "completions": [{"result": []}]}"#,
            "\"completions\"",
            "--from label-studio",
        ),
        (
            Flavor::Doccano,
            r#"{"text": "Amal", "label": [[0, 4, "PER"]], "relations": [{"from_id": 1, "to_id": 2, "type": "x"}]}"#,
            "\"relations\"",
            "entities (with relations)",
        ),
        (
            Flavor::Prodigy,
            r#"{"text": "Amal", "labels": [[0, 4, "PER"]]}"#,
            "\"labels\"",
            "--from doccano",
        ),
    ];
    for (flavor, input, key, hint) in cases {
        let rec = records(flavor, input).remove(0);
        let w = warnings(&rec);
        assert!(
            w.iter()
                .any(|w| w.contains(key) && w.contains("not imported") && w.contains(hint)),
            "{flavor:?} {input}: {w:?}"
        );
        assert!(!rec.meta.contains_key(key.trim_matches('"')));
    }
    // Empty lists carry nothing: no warning.
    let rec = records(
        Flavor::Entitle,
        r#"{"text": "Amal", "annotations": [], "labels": []}"#,
    )
    .remove(0);
    assert!(rec.warnings.is_empty(), "{:?}", warnings(&rec));
}

#[test]
fn wrong_types_in_span_fields_are_errors_not_dropped() {
    for (field, value) in [
        ("note", "3"),
        ("text", "[1]"),
        ("annotator", "{}"),
        ("attributes", "[1]"),
    ] {
        let input = format!(
            r#"{{"text": "Amal", "spans": [{{"start": 0, "end": 4, "label": "PER", "{field}": {value}}}]}}"#
        );
        let e = parse(Flavor::Entitle, &input).remove(0).unwrap_err();
        assert!(e.message.contains(&format!("\"spans\"[0].{field}")), "{e}");
    }
    let e = parse(Flavor::Entitle, r#"{"text": "Amal", "relations": [3]}"#)
        .remove(0)
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "in.jsonl:1: \"relations\"[0] must be an object, found 3"
    );
}

#[test]
fn messages_name_the_line_for_json_errors_and_utf8() {
    let items = parse(
        Flavor::Entitle,
        "{\"text\": \"Amal\"}\n{\"text\": \"Amal\", \"spans\": [}\n",
    );
    assert_eq!(
        items[1].as_ref().unwrap_err().to_string(),
        "in.jsonl:2: column 28: not valid JSON: expected value"
    );
    let mut bytes = b"{\"text\": \"ok\"}\n{\"text\": \"Caf".to_vec();
    bytes.extend_from_slice(b"\xE9\"}\n");
    let items = super::super::parse_bytes(
        std::path::Path::new("in.jsonl"),
        &bytes,
        Flavor::Entitle,
        &Default::default(),
    );
    assert!(items[0].is_ok());
    assert_eq!(
        items[1].as_ref().unwrap_err().to_string(),
        "in.jsonl:2: is not valid UTF-8; JSON Lines files are UTF-8 (bad byte 0xE9 at byte 14 of the line)"
    );
    let utf16 = super::super::parse_bytes(
        std::path::Path::new("in.jsonl"),
        b"\xFF\xFE{\0",
        Flavor::Entitle,
        &Default::default(),
    );
    assert!(utf16[0].as_ref().unwrap_err().message.contains("UTF-16"));
}

#[test]
fn a_byte_order_mark_and_crlf_line_ends_are_not_part_of_the_json() {
    let input = "\u{feff}{\"text\": \"Amal\\r\\nHaddad\", \"entities\": [[6, 12, \"PER\"]]}\r\n\r\n{\"text\": \"Ben\"}\r\n";
    let recs = records(Flavor::Spacy, input);
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0].doc.text(), "Amal\r\nHaddad");
    assert_eq!(super::spans(&recs[0])[0].3, "Haddad");
    assert_eq!(recs[1].origin.line, 3);
    super::assert_reader_agrees(Flavor::Spacy, input);
}

#[test]
fn a_label_studio_export_read_as_jsonl_says_so() {
    let input = r#"[{"id": 1, "data": {"text": "Amal"}, "annotations": [{"result": []}]}]"#;
    let e = parse(Flavor::Entitle, input).remove(0).unwrap_err();
    assert_eq!(
        e.to_string(),
        "in.jsonl:1: no \"text\" field; every item of the list needs the document text (a Label Studio task? read it with --from label-studio)"
    );
}

/// Issue 9.6: a suggestion waiting for the analyst (`"status": "suggested"`) survives a
/// round trip through Entitle JSONL and is never an annotation: the set holds it apart
/// and every other format leaves it out. An accepted one keeps its engine and score.
#[test]
fn suggested_spans_round_trip_and_never_leak_into_other_formats() {
    let input = r#"{"id": "w1", "text": "“Idlib” 😀 and دبي\r\nHTS", "spans": [{"id": "T1", "start": 1, "end": 6, "label": "GPE", "source": "gazetteer", "score": 0.9}, {"start": 14, "end": 17, "label": "GPE", "status": "suggested", "source": "model", "score": 0.75}, {"start": 19, "end": 22, "label": "ORG", "status": "suggested"}]}"#;
    for line in [
        input.to_string(),
        input.replacen("{\"id\"", "{\"extra\": 1, \"id\"", 1),
    ] {
        let rec = records(Flavor::Entitle, &line).remove(0);
        assert_eq!(rec.set.len(), 1);
        let p = rec.set.spans()[0].provenance().unwrap();
        assert_eq!((p.source.as_str(), p.score), ("gazetteer", Some(0.9)));
        let pending: Vec<(usize, usize, String, String)> = rec
            .set
            .pending
            .iter()
            .map(|p| {
                (
                    p.range.start(),
                    p.range.end(),
                    p.label.to_string(),
                    p.source.clone(),
                )
            })
            .collect();
        assert_eq!(
            pending,
            [
                (14, 17, "GPE".into(), "model".into()),
                (19, 22, "ORG".into(), "import".into())
            ]
        );
        let out = super::super::entitle_object(&rec).to_string();
        assert!(out.contains(r#""status":"suggested""#), "{out}");
        let back = records(Flavor::Entitle, &out).remove(0);
        assert_eq!(back.set.pending, rec.set.pending);
        assert_eq!(back.set.spans(), rec.set.spans());
        for format in [Format::SpacyJsonl, Format::Doccano, Format::Prodigy] {
            let (v, _) = super::super::encode(&rec, format);
            let s = v.to_string();
            assert!(!s.contains("\"ORG\""), "{format}: {s}");
            assert_eq!(s.matches("\"GPE\"").count(), 1, "{format}: {s}");
        }
    }
}
