//! spaCy: JSONL objects, and v2's "simple training format" as one JSON array.

use super::{Flavor, assert_reader_agrees, parse, records, spans};

/// Shaped like explosion/projects `pipelines/ner_demo/assets/train.json`.
const TRAIN_JSON: &str = r#"[
  [
    "Who is Shaka Khan?",
    {
      "entities":[
        [
          7,
          17,
          "PERSON"
        ]
      ]
    }
  ],
  [
    "I like London and Berlin.",
    {
      "entities":[
        [7, 13, "LOC"],
        [18, 24, "LOC"]
      ]
    }
  ],
  [
    "Do they bite?",
    {
      "entities":[]
    }
  ]
]
"#;

#[test]
fn a_v2_training_array_of_pairs_reads_with_the_lines_of_its_items() {
    for flavor in [Flavor::Spacy, Flavor::Entitle] {
        let recs = records(flavor, TRAIN_JSON);
        let got: Vec<(usize, String, usize)> = recs
            .iter()
            .map(|r| (r.origin.line, r.name.clone(), r.set.len()))
            .collect();
        assert_eq!(
            got,
            [
                (2, "in-2".into(), 1),
                (14, "in-14".into(), 2),
                (23, "in-23".into(), 0)
            ]
        );
        assert_eq!(
            spans(&recs[0]),
            [(7, 17, "PERSON".into(), "Shaka Khan".into())]
        );
        assert!(recs.iter().all(|r| r.warnings.is_empty()));
        assert_reader_agrees(flavor, TRAIN_JSON);
    }
}

#[test]
fn an_array_of_objects_reads_too() {
    let input = "[{\"text\": \"Who is Shaka Khan?\", \"entities\": [[7, 17, \"PERSON\"]]},\n {\"text\": \"I like “London”.\", \"entities\": [[8, 14, \"LOC\"]], \"meta\": {\"source\": \"demo\"}}]";
    let recs = records(Flavor::Spacy, input);
    assert_eq!(recs.len(), 2);
    assert_eq!((recs[0].origin.line, recs[1].origin.line), (1, 2));
    assert_eq!(spans(&recs[1]), [(8, 14, "LOC".into(), "London".into())]);
    assert_eq!(
        recs[1].meta.get("source").and_then(|v| v.as_str()),
        Some("demo")
    );
    assert_reader_agrees(Flavor::Spacy, input);
}

#[test]
fn pairs_one_per_line_and_a_lone_pair() {
    let lines = "[\"Who is Shaka Khan?\", {\"entities\": [[7, 17, \"PERSON\"]]}]\n[\"I like London.\", {\"entities\": [[7, 13, \"LOC\"]]}]\n";
    let recs = records(Flavor::Spacy, lines);
    assert_eq!(
        recs.iter().map(|r| r.origin.line).collect::<Vec<_>>(),
        [1, 2]
    );
    assert_reader_agrees(Flavor::Spacy, lines);
    let lone = "[\n  \"Who is Shaka Khan?\",\n  {\"entities\": [[7, 17, \"PERSON\"]], \"cats\": {\"QUESTION\": 1.0}}\n]\n";
    let recs = records(Flavor::Spacy, lone);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0].set.len(), 1);
    // What spaCy's dictionary holds besides entities is kept as metadata.
    assert_eq!(
        recs[0].meta.get("cats"),
        Some(&serde_json::json!({"QUESTION": 1.0}))
    );
}

#[test]
fn a_bad_item_costs_only_itself() {
    let input = "[\n  [\"Who is Shaka Khan?\", {\"entities\": [[7, 17, \"PERSON\"]]}],\n  [\"no annotations\"],\n  \"just text\",\n  [\"I like London.\", {\"entities\": [[7, 13, \"LOC\", \"extra\"]]}],\n  [\"Fine.\", {\"entities\": []}]\n]";
    let items: Vec<String> = parse(Flavor::Spacy, input)
        .into_iter()
        .map(|r| r.map_or_else(|e| e.to_string(), |r| format!("ok {}", r.origin.line)))
        .collect();
    assert_eq!(
        items,
        [
            "ok 2".to_string(),
            "in.jsonl:3: each item of the list must be a JSON object with a \"text\" field, or a spaCy [text, {\"entities\": [[start, end, label]]}] pair; found a list of 1 item".into(),
            "in.jsonl:4: each item of the list must be a JSON object with a \"text\" field, or a spaCy [text, {\"entities\": [[start, end, label]]}] pair; found \"just text\"".into(),
            "in.jsonl:5: \"entities\"[0] must be [start, end, label], found [7,13,\"LOC\",\"extra\"]".into(),
            "ok 6".into(),
        ]
    );
    assert_reader_agrees(Flavor::Spacy, input);
}

#[test]
fn a_line_that_is_not_an_object_says_what_it_is() {
    // testdata/malformed/spacy-jsonl/not-an-object.jsonl
    let e = parse(Flavor::Spacy, "[\"Amal Haddad\"]\n")
        .remove(0)
        .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("in.jsonl:1: each line must be a JSON object with a \"text\" field"),
        "{e}"
    );
    let e = parse(Flavor::Spacy, "42\n").remove(0).unwrap_err();
    assert!(e.to_string().ends_with("; found 42"), "{e}");
    // Prodigy and doccano files are never spaCy pairs.
    let e = parse(Flavor::Prodigy, "[\"Amal\", {\"entities\": []}]")
        .remove(0)
        .unwrap_err();
    assert!(e.message.contains("read it with --from spacy-jsonl"), "{e}");
}

#[test]
fn a_broken_array_reads_line_by_line() {
    // Not one JSON document: each line is reported as a JSONL reader would.
    let input = "[\n  [\"Who is Shaka Khan?\", {\"entities\": []}],\n";
    let items = parse(Flavor::Spacy, input);
    assert!(
        !items.is_empty() && items.iter().all(Result::is_err),
        "{items:?}"
    );
    assert_eq!(items[0].as_ref().unwrap_err().line, 1);
    assert_reader_agrees(Flavor::Spacy, input);
}

#[test]
fn keys_spacy_does_not_read_are_reported() {
    let input = r#"{"text": "Amal Haddad", "label": [[0, 4, "PER"]]}"#;
    let rec = records(Flavor::Spacy, input).remove(0);
    assert_eq!(rec.set.len(), 0);
    assert_eq!(
        super::warnings(&rec),
        [
            "in-1: \"label\" ([[0,4,\"PER\"]]): not imported: spacy-jsonl reads entities or spans, and relations; doccano data: read it with --from doccano"
        ]
    );
}
