//! doccano: every shape its versions wrote, in UTF-16 code units, one record per user.

use super::{Flavor, assert_reader_agrees, parse, records, relations, spans, warnings};
use crate::formats::{Format, Record};

fn labels_of(rec: &Record) -> Vec<(usize, usize, String)> {
    spans(rec)
        .into_iter()
        .map(|(a, b, l, _)| (a, b, l))
        .collect()
}

/// doccano 1.0's import and doccano-transformer (`labeling_text_label.jsonl`).
#[test]
fn the_labels_shape_reads_like_label() {
    let input = concat!(
        r#"{"id": 2578, "text": "SOCCER - JAPAN GET LUCKY WIN , CHINA IN SURPRISE DEFEAT .\nNadim Ladki", "meta": {}, "annotation_approver": null, "labels": [[9, 14, "LOC"], [31, 36, "PER"], [58, 69, "PER"]]}"#,
        "\n",
        r#"{"text": "example", "labels": [[0, 1, "LOC"], [0, 2, "ORG"]]}"#,
        "\n"
    );
    let recs = records(Flavor::Doccano, input);
    assert_eq!(recs.len(), 2);
    assert_eq!(
        spans(&recs[0]),
        [
            (9, 14, "LOC".into(), "JAPAN".into()),
            (31, 36, "PER".into(), "CHINA".into()),
            (58, 69, "PER".into(), "Nadim Ladki".into())
        ]
    );
    assert_eq!(recs[0].name, "2578");
    assert_eq!(
        recs[0].meta.get("annotation_approver"),
        Some(&serde_json::Value::Null)
    );
    assert_eq!(
        labels_of(&recs[1]),
        [(0, 2, "ORG".into()), (0, 1, "LOC".into())]
    );
    // jsonl reads doccano's keys too (in code points).
    assert_eq!(records(Flavor::Entitle, input)[0].set.len(), 3);
    assert_reader_agrees(Flavor::Doccano, input);
}

/// doccano 0.x downloads (`download_sequence_labeling.jsonl`): names given.
#[test]
fn annotations_use_label_and_user_names() {
    let input = r#"{"id": 1, "text": "EU rejects ...", "annotations": [{"id": 1, "label": 2, "label_name": "ORG", "start_offset": 0, "end_offset": 2, "user": 1, "user_name": "user1"}], "meta": {}, "annotation_approver": "supervisor"}"#;
    let recs = records(Flavor::Doccano, input);
    assert_eq!(recs.len(), 1);
    assert_eq!(labels_of(&recs[0]), [(0, 2, "ORG".into())]);
    assert_eq!(recs[0].annotator.as_deref(), Some("user1"));
    assert_eq!(&*recs[0].set.spans()[0].annotator, "user1");
    assert_eq!(
        recs[0]
            .meta
            .get("annotation_approver")
            .and_then(|v| v.as_str()),
        Some("supervisor")
    );
    assert!(recs[0].warnings.is_empty(), "{:?}", warnings(&recs[0]));
}

/// doccano 1.x downloads (`frontend/static/formats/.../example.jsonl`): label ids only.
#[test]
fn annotations_with_label_ids_keep_the_ids_as_names_and_say_so() {
    let input = concat!(
        r#"{"id": 1, "text": "EU rejects ...", "annotations": [{"id": 1, "label": 2, "start_offset": 0, "end_offset": 2, "user": 1}]}"#,
        "\n",
        r#"{"id": 3, "text": "President Obama", "annotations": [{"id": 3, "label": 1, "start_offset": 10, "end_offset": 15, "user": 1}]}"#,
    );
    let recs = records(Flavor::Doccano, input);
    assert_eq!(labels_of(&recs[0]), [(0, 2, "2".into())]);
    assert_eq!(labels_of(&recs[1]), [(10, 15, "1".into())]);
    assert_eq!(recs[0].annotator.as_deref(), Some("doccano-user-1"));
    let w = warnings(&recs[0]);
    assert!(
        w.len() == 1 && w[0].contains("label ids 2") && w[0].contains("kept as label names"),
        "{w:?}"
    );
    assert_reader_agrees(Flavor::Doccano, input);
}

/// doccano-transformer's `labeling_multi_users.jsonl`: the same line annotated by two
/// users is two records, one per annotator; a line by one user is one record.
#[test]
fn annotations_by_several_users_are_one_record_per_user() {
    let input = concat!(
        r#"{"id": 2578, "text": "SOCCER - JAPAN GET LUCKY WIN , CHINA IN SURPRISE DEFEAT .", "annotations": [{"label": 12, "start_offset": 9, "end_offset": 14, "user": 1}, {"label": 13, "start_offset": 31, "end_offset": 36, "user": 1}, {"label": 12, "start_offset": 9, "end_offset": 14, "user": 2}, {"label": 13, "start_offset": 31, "end_offset": 36, "user": 2}, {"label": 12, "start_offset": 40, "end_offset": 48, "user": 2}], "meta": {}, "annotation_approver": null}"#,
        "\n",
        r#"{"id": 2580, "text": "RUGBY UNION - CUTTITTA BACK", "annotations": [{"label": 14, "start_offset": 0, "end_offset": 11, "user": 2}], "meta": {}, "annotation_approver": null}"#,
        "\n"
    );
    let recs = records(Flavor::Doccano, input);
    let layers: Vec<(String, Option<&str>, usize)> = recs
        .iter()
        .map(|r| (r.name.clone(), r.annotator.as_deref(), r.set.len()))
        .collect();
    assert_eq!(
        layers,
        [
            ("2578".into(), Some("doccano-user-1"), 2),
            ("2578".into(), Some("doccano-user-2"), 3),
            ("2580".into(), Some("doccano-user-2"), 1),
        ]
    );
    assert_eq!(recs[0].doc.text(), recs[1].doc.text());
    // The line's warning (label ids) is said once, not once per user.
    assert_eq!(recs[0].warnings.len(), 1);
    assert!(recs[1].warnings.is_empty(), "{:?}", warnings(&recs[1]));
    assert_reader_agrees(Flavor::Doccano, input);
}

/// Offsets are UTF-16 code units in every doccano shape: 😀 counts 2.
#[test]
fn older_shapes_count_utf16_code_units() {
    let text = "😀 “Amal” met دبي’s mayor";
    // Amal: cp 3..7, UTF-16 4..8; دبي: cp 13..16, UTF-16 14..17.
    for input in [
        format!(r#"{{"text": "{text}", "labels": [[4, 8, "PER"], [14, 17, "GPE"]]}}"#),
        format!(r#"{{"text": "{text}", "label": [[4, 8, "PER"], [14, 17, "GPE"]]}}"#),
        format!(
            r#"{{"text": "{text}", "annotations": [{{"label": "PER", "start_offset": 4, "end_offset": 8, "user": 1}}, {{"label": "GPE", "start_offset": 14, "end_offset": 17, "user": 1}}]}}"#
        ),
        format!(
            r#"{{"text": "{text}", "entities": [{{"id": 1, "label": "PER", "start_offset": 4, "end_offset": 8}}, {{"id": 2, "label": "GPE", "start_offset": 14, "end_offset": 17}}]}}"#
        ),
    ] {
        let recs = records(Flavor::Doccano, &input);
        assert_eq!(
            spans(&recs[0]),
            [
                (3, 7, "PER".into(), "Amal".into()),
                (13, 16, "GPE".into(), "دبي".into())
            ],
            "{input}"
        );
    }
}

/// doccano's import page shows a pretty-printed object (with a blank first line).
#[test]
fn a_pretty_printed_object_is_one_document() {
    let input = "\n{\n    \"text\": \"Google was founded on September 4, 1998, by Larry Page.\",\n    \"entities\": [\n        {\"id\": 0, \"start_offset\": 0, \"end_offset\": 6, \"label\": \"ORG\"},\n        {\"id\": 1, \"start_offset\": 44, \"end_offset\": 54, \"label\": \"PERSON\"}\n    ],\n    \"relations\": [\n        {\"from_id\": 0, \"to_id\": 1, \"type\": \"foundedBy\"}\n    ]\n}\n";
    let recs = records(Flavor::Doccano, input);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0].origin.line, 2);
    assert_eq!(recs[0].set.len(), 2);
    assert_eq!(
        relations(&recs[0]),
        [("foundedBy".into(), "Google".into(), "Larry Page".into())]
    );
    assert_reader_agrees(Flavor::Doccano, input);
    // Two pretty-printed objects one after the other: two documents.
    let two = format!("{input}{input}");
    let lines: Vec<usize> = records(Flavor::Doccano, &two)
        .iter()
        .map(|r| r.origin.line)
        .collect();
    assert_eq!(lines, [2, 13]);
    assert_reader_agrees(Flavor::Doccano, &two);
}

/// doccano's JSON (not JSONL) export: one array of the same objects.
#[test]
fn a_json_array_of_examples_reads_item_by_item() {
    let input = "[\n  {\"id\": 1, \"text\": \"Peter Blackburn\", \"label\": [[0, 15, \"PERSON\"]]},\n  {\"id\": 2, \"text\": \"EU\", \"label\": [[0, 9, \"ORG\"]]},\n  {\"id\": 3, \"text\": \"President Obama\", \"label\": [[10, 15, \"PERSON\"]]}\n]\n";
    let items = parse(Flavor::Doccano, input);
    assert_eq!(items.len(), 3);
    assert_eq!(items[0].as_ref().unwrap().origin.line, 2);
    let e = items[1].as_ref().unwrap_err();
    assert_eq!(e.line, 3, "{e}");
    assert!(e.message.contains("not a valid UTF-16 offset"), "{e}");
    assert_eq!(items[2].as_ref().unwrap().origin.line, 4);
    assert_reader_agrees(Flavor::Doccano, input);
}

#[test]
fn annotations_without_offsets_are_categories_and_reported() {
    let input = r#"{"text": "Great match", "annotations": [{"label": "sports", "user": 1}]}"#;
    let recs = records(Flavor::Doccano, input);
    assert_eq!(recs[0].set.len(), 0);
    let w = warnings(&recs[0]);
    assert!(
        w.len() == 1 && w[0].contains("document categories"),
        "{w:?}"
    );
    let bad =
        r#"{"text": "Amal", "annotations": [{"label": "PER", "start_offset": 0, "user": 1}]}"#;
    let e = parse(Flavor::Doccano, bad).remove(0).unwrap_err();
    assert_eq!(
        e.to_string(),
        "in.jsonl:1: \"annotations\"[0] has no \"end_offset\""
    );
}

#[test]
fn comments_are_kept_and_written_back() {
    let input =
        r#"{"id": 7, "text": "Amal", "label": [[0, 4, "PER"]], "Comments": ["check spelling"]}"#;
    let rec = records(Flavor::Doccano, input).remove(0);
    assert_eq!(
        rec.meta.get("Comments"),
        Some(&serde_json::json!(["check spelling"]))
    );
    let (out, warnings) = super::super::encode(&rec, Format::Doccano);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(
        out.to_string(),
        r#"{"text":"Amal","label":[[0,4,"PER"]],"Comments":["check spelling"],"id":7}"#
    );
    // doccano's empty list carries nothing and is not kept.
    let empty = r#"{"text": "Amal", "label": [], "Comments": []}"#;
    assert!(records(Flavor::Doccano, empty)[0].meta.is_empty());
}
