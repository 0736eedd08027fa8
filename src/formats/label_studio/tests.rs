use super::*;
use crate::formats::{Format, RawRelation, RawSpan, WriteOptions, build_record};

fn parse(text: &str) -> (Vec<Record>, Vec<FormatError>) {
    let mut records = Vec::new();
    let mut errors = Vec::new();
    for item in parse_str(Path::new("ls.json"), text, &ReadOptions::default()) {
        match item {
            Ok(r) => records.push(r),
            Err(e) => errors.push(e),
        }
    }
    (records, errors)
}

/// (start, end, label, covered text, note) of every span, in order.
fn spans(r: &Record) -> Vec<(usize, usize, String, String, Option<String>)> {
    r.set
        .iter()
        .map(|s| {
            (
                s.range.start(),
                s.range.end(),
                s.label.to_string(),
                r.doc.slice(s.range.range()).to_string(),
                s.note().map(str::to_string),
            )
        })
        .collect()
}

/// (from text, to text, type) of every relation.
fn relations(r: &Record) -> Vec<(String, String, String)> {
    let text = |id| {
        r.set
            .get(id)
            .map(|s| r.doc.slice(s.range.range()).to_string())
            .unwrap_or_default()
    };
    r.set
        .relations()
        .iter()
        .map(|x| (text(x.from), text(x.to), x.label.to_string()))
        .collect()
}

/// 1-based line of the first line of `text` containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .expect("the needle is in the fixture")
        + 1
}

fn real(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/real/label-studio")
        .join(name)
}

fn read_path(path: &Path) -> (Vec<Record>, Vec<FormatError>) {
    let mut records = Vec::new();
    let mut errors = Vec::new();
    for item in read(path, &ReadOptions::default()) {
        match item {
            Ok(r) => records.push(r),
            Err(e) => errors.push(e),
        }
    }
    (records, errors)
}

// ------------------------------------------------ real files from Label Studio

#[test]
fn real_0x_completions_single_task_reads_all_38_regions() {
    let (records, errors) = read_path(&real("ls-converter-0x-completions-348.json"));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(records.len(), 1);
    let r = &records[0];
    assert_eq!(r.set.len(), 38);
    assert!(r.set.iter().all(|s| &*s.label == "INGREDIENT"));
    assert_eq!(r.name, "ls-converter-0x-completions-348-348");
    // completed_by is absent: the first (numbered) layer.
    assert_eq!(r.annotator.as_deref(), Some("label-studio-annotation-1"));
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    assert!(
        spans(r).contains(&(
            121,
            155,
            "INGREDIENT".into(),
            "Sodium Lauroyl Methyl Isethionate,".into(),
            None
        )),
        "{:?}",
        spans(r)
    );
}

#[test]
fn real_single_object_with_completed_by_object_uses_the_email() {
    let (records, errors) = read_path(&real("ls-tests-previous_export.json"));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(records.len(), 1);
    assert_eq!(
        records[0].annotator.as_deref(),
        Some("annotator_from_past@project.com")
    );
    assert_eq!(records[0].set.len(), 0);
    // The image classification is named, not dropped silently.
    assert!(
        records[0]
            .warnings
            .iter()
            .any(|w| w.item.contains("\"choices\"") && w.item.contains("aBcDeF")),
        "{:?}",
        records[0].warnings
    );
}

#[test]
fn real_predictions_only_read_the_first_prediction_as_its_own_layer() {
    let (records, errors) = read_path(&real("ls-tests-text_with_2_predictions.json"));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(records.len(), 1);
    let r = &records[0];
    assert_eq!(r.annotator.as_deref(), Some("prediction-model_version_A"));
    assert_eq!(r.doc.text(), "Test example phrase");
    let w: Vec<String> = r.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(w.len(), 2, "{w:?}");
    assert!(
        w[0].contains("prediction 1 (model model_version_A) result 0 of type \"choices\""),
        "{w:?}"
    );
    assert!(
        w[1].contains("prediction 2 (model model_version_B)")
            && w[1].contains("only the first prediction"),
        "{w:?}"
    );
}

// ------------------------------------------------ annotations, annotators, layers

const TEAM: &str = r#"[
 {
  "id": 42,
  "data": {"text": "Dr. Amal Haddad met “Nordlicht AG” staff in Oslo 😀 on Friday.", "source": "wire"},
  "annotations": [
   {
    "id": 7,
    "completed_by": {"id": 3, "email": "amal@example.org", "first_name": "", "last_name": ""},
    "was_cancelled": false,
    "result": [
     {"id": "r1", "from_name": "label", "to_name": "text", "type": "labels", "value": {"start": 4, "end": 15, "text": "Amal Haddad", "labels": ["PER"]}},
     {"id": "r2", "from_name": "label", "to_name": "text", "type": "labels", "value": {"start": 21, "end": 33, "text": "Nordlicht AG", "labels": ["ORG"]}},
     {"from_id": "r1", "to_id": "r2", "type": "relation", "direction": "right", "labels": ["works_for"]},
     {"id": "r1", "from_name": "note", "to_name": "text", "type": "textarea", "value": {"start": 4, "end": 15, "text": ["spelled as in the byline"]}}
    ]
   },
   {
    "id": 8,
    "completed_by": 5,
    "result": [
     {"id": "r1", "from_name": "label", "to_name": "text", "type": "labels", "value": {"start": 44, "end": 48, "text": "Oslo", "labels": ["GPE"]}},
     {"id": "r2", "from_name": "label", "to_name": "text", "type": "labels", "value": {"start": 54, "end": 60, "text": "Friday", "labels": ["DATE"]}},
     {"from_id": "r2", "to_id": "r1", "type": "relation", "direction": "left", "labels": ["in"]}
    ]
   },
   {"id": 9, "completed_by": "reviewer@example.org", "was_cancelled": true, "result": []},
   {"id": 10, "result": [{"id": "x", "type": "labels", "value": {"start": 0, "end": 3, "text": "Dr.", "labels": ["TITLE"]}}]}
  ],
  "predictions": [{"model_version": "v2", "result": [{"id": "p", "type": "labels", "value": {"start": 44, "end": 48, "text": "Oslo", "labels": ["LOC"]}}]}]
 }
]"#;

#[test]
fn every_annotation_is_a_record_in_its_annotators_layer() {
    let (records, errors) = parse(TEAM);
    let layers: Vec<_> = records.iter().map(|r| r.annotator.as_deref()).collect();
    assert_eq!(
        layers,
        [
            Some("amal@example.org"),
            Some("label-studio-user-5"),
            Some("label-studio-annotation-4")
        ]
    );
    for r in &records {
        assert_eq!(r.name, "ls-42");
        assert_eq!(r.external_id, Some(serde_json::json!(42)));
        assert_eq!(r.meta.get("source"), Some(&serde_json::json!("wire")));
        // The layer is also the annotator of every span.
        let layer = r.annotator.as_deref().unwrap();
        assert!(r.set.iter().all(|s| &*s.annotator == layer));
    }
    assert_eq!(
        spans(&records[0]),
        [
            (
                4,
                15,
                "PER".into(),
                "Amal Haddad".into(),
                Some("spelled as in the byline".into())
            ),
            (21, 33, "ORG".into(), "Nordlicht AG".into(), None),
        ]
    );
    assert_eq!(
        spans(&records[1]),
        [
            (44, 48, "GPE".into(), "Oslo".into(), None),
            (54, 60, "DATE".into(), "Friday".into(), None),
        ]
    );
    assert_eq!(
        spans(&records[2]),
        [(0, 3, "TITLE".into(), "Dr.".into(), None)]
    );
    // The cancelled annotation is a counted skip, not an error.
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].skipped);
    assert_eq!(errors[0].line, line_of(TEAM, r#"{"id": 9,"#));
    assert!(
        errors[0]
            .message
            .contains("annotation 9 by reviewer@example.org was cancelled"),
        "{}",
        errors[0]
    );
    // The prediction is named, not read, since the task has annotations.
    assert!(
        records[0]
            .warnings
            .iter()
            .any(|w| w.item.contains("prediction 1 (model v2)")
                && w.reason.contains("the task has annotations")),
        "{:?}",
        records[0].warnings
    );
}

#[test]
fn relations_resolve_within_their_annotation() {
    let (records, _) = parse(TEAM);
    // Both annotations use the region ids r1 and r2 for different regions.
    assert_eq!(
        relations(&records[0]),
        [(
            "Amal Haddad".into(),
            "Nordlicht AG".into(),
            "works_for".into()
        )]
    );
    // direction "left" points from to_id to from_id.
    assert_eq!(
        relations(&records[1]),
        [("Oslo".into(), "Friday".into(), "in".into())]
    );
    assert!(relations(&records[2]).is_empty());
}

#[test]
fn completed_by_in_every_shape() {
    let task = |completed_by: &str| {
        format!(
            r#"[{{"id": 1, "data": {{"text": "Amal"}}, "annotations": [{{"completed_by": {completed_by}, "result": []}}]}}]"#
        )
    };
    for (given, layer) in [
        (
            r#"{"id": 3, "email": "amal@example.org"}"#,
            "amal@example.org",
        ),
        (r#"{"id": 3, "email": ""}"#, "label-studio-user-3"),
        (r#"{"id": 3}"#, "label-studio-user-3"),
        ("12", "label-studio-user-12"),
        (r#""12""#, "label-studio-user-12"),
        (r#""amal@example.org""#, "amal@example.org"),
        ("null", "label-studio-annotation-1"),
    ] {
        let (records, errors) = parse(&task(given));
        assert!(errors.is_empty(), "{given}: {errors:?}");
        assert_eq!(records[0].annotator.as_deref(), Some(layer), "{given}");
    }
}

#[test]
fn two_annotations_by_one_person_stay_two_layers() {
    let (records, _) = parse(
        r#"[{"id": 1, "data": {"text": "Amal"}, "annotations": [
            {"completed_by": 2, "result": [{"id": "a", "type": "labels", "value": {"start": 0, "end": 4, "text": "Amal", "labels": ["PER"]}}]},
            {"completed_by": 2, "result": [{"id": "a", "type": "labels", "value": {"start": 0, "end": 4, "text": "Amal", "labels": ["ORG"]}}]}]}]"#,
    );
    let layers: Vec<_> = records.iter().map(|r| r.annotator.as_deref()).collect();
    assert_eq!(
        layers,
        [Some("label-studio-user-2"), Some("label-studio-user-2-2")]
    );
    assert!(
        records[0]
            .warnings
            .iter()
            .any(|w| w.reason.contains("same annotator"))
    );
}

#[test]
fn cancelled_annotations_are_skipped_and_the_text_is_kept() {
    let text = r#"[
 {"id": 1, "data": {"text": "Amal"}, "annotations": [
  {"id": 11, "completed_by": 4, "was_cancelled": true, "result": [{"id": "a", "type": "labels", "value": {"start": 0, "end": 4, "text": "Amal", "labels": ["PER"]}}]}
 ]},
 {"id": 2, "data": {"text": "Oslo"}, "annotations": [
  {"id": 21, "was_cancelled": true, "result": []}
 ], "predictions": [{"result": [{"id": "p", "type": "labels", "value": {"start": 0, "end": 4, "text": "Oslo", "labels": ["GPE"]}}]}]}
]"#;
    let (records, errors) = parse(text);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors.iter().all(|e| e.skipped));
    assert_eq!(errors[0].line, line_of(text, r#""id": 11"#));
    // Nothing annotated task 1: its text comes in bare, in the importer's layer.
    assert_eq!(records.len(), 2);
    assert_eq!(records[0].doc.text(), "Amal");
    assert!(records[0].set.is_empty());
    assert_eq!(records[0].annotator, None);
    // Task 2 falls back to its prediction, as before.
    assert_eq!(records[1].annotator.as_deref(), Some("prediction"));
    assert_eq!(
        spans(&records[1]),
        [(0, 4, "GPE".into(), "Oslo".into(), None)]
    );
    assert_eq!(
        records[1].meta.get("label_studio_source"),
        Some(&serde_json::json!("predictions"))
    );
}

#[test]
fn text_areas_are_notes_or_attributes_of_their_region_or_named() {
    let text = r#"[{"id": 5, "data": {"text": "Amal Haddad met Zoë."}, "annotations": [{"id": 1, "result": [
  {"id": "a", "type": "labels", "value": {"start": 0, "end": 11, "text": "Amal Haddad", "labels": ["PER"]}},
  {"id": "a", "type": "textarea", "from_name": "note", "value": {"text": ["byline", "second line"]}},
  {"id": "a", "type": "textarea", "from_name": "other", "value": {"text": "from another box"}},
  {"id": "b", "type": "labels", "value": {"start": 16, "end": 99, "text": "Zoë", "labels": ["PER"]}},
  {"id": "b", "type": "textarea", "value": {"text": ["lost with b"]}},
  {"id": "whole", "type": "textarea", "value": {"text": ["about the whole text"]}},
  {"type": "textarea", "value": {"text": ["no id"]}}
]}]}]"#;
    let (records, errors) = parse(text);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        spans(&records[0]),
        [(
            0,
            11,
            "PER".into(),
            "Amal Haddad".into(),
            Some("byline\nsecond line".into())
        )]
    );
    // A text area of another control is a text attribute named after it.
    let amal = records[0].set.iter().next().unwrap();
    assert_eq!(
        amal.attributes(),
        [("other".to_string(), "from another box".to_string())]
    );
    let w: Vec<String> = records[0].warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(w.len(), 3, "{w:?}");
    assert!(
        w[0].contains("\"lost with b\"") && w[0].contains("dropped with its region"),
        "{w:?}"
    );
    assert!(
        w[1].contains("\"about the whole text\"") && w[1].contains("region whole is not"),
        "{w:?}"
    );
    assert!(
        w[2].contains("\"no id\"") && w[2].contains("whole task"),
        "{w:?}"
    );
}

#[test]
fn relations_without_labels_bidirectional_or_to_nothing_are_named() {
    let (records, errors) = parse(
        r#"[{"id": 5, "data": {"text": "Amal met Zoë"}, "annotations": [{"id": 1, "result": [
  {"id": "a", "type": "labels", "value": {"start": 0, "end": 4, "text": "Amal", "labels": ["PER"]}},
  {"id": "b", "type": "labels", "value": {"start": 9, "end": 12, "text": "Zoë", "labels": ["PER"]}},
  {"from_id": "a", "to_id": "b", "type": "relation", "direction": "right"},
  {"from_id": "a", "to_id": "b", "type": "relation", "direction": "bi", "labels": ["met", "knows"]},
  {"from_id": "a", "to_id": "zz", "type": "relation", "labels": ["met"]}
]}]}]"#,
    );
    assert!(errors.is_empty(), "{errors:?}");
    let r = &records[0];
    assert_eq!(
        relations(r),
        [
            ("Amal".into(), "Zoë".into(), "relation".into()),
            ("Amal".into(), "Zoë".into(), "met".into()),
            ("Amal".into(), "Zoë".into(), "knows".into()),
        ]
    );
    let w: Vec<String> = r.warnings.iter().map(|w| w.to_string()).collect();
    assert!(w.iter().any(|w| w.contains("no label")), "{w:?}");
    assert!(
        w.iter()
            .any(|w| w.contains("a<->b") && w.contains("one direction")),
        "{w:?}"
    );
    assert!(
        w.iter()
            .any(|w| w.contains("a->zz") && w.contains("not in the document")),
        "{w:?}"
    );
}

#[test]
fn a_region_with_several_labels_is_a_span_per_label() {
    let (records, errors) = parse(
        r#"[{"id": 5, "data": {"text": "Amal"}, "annotations": [{"result": [
  {"id": "a", "type": "labels", "value": {"start": 0, "end": 4, "text": "Amal", "labels": ["PER", "Speaker"]}}]}]}]"#,
    );
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        spans(&records[0]),
        [
            (0, 4, "PER".into(), "Amal".into(), None),
            (0, 4, "Speaker".into(), "Amal".into(), None)
        ]
    );
}

// ------------------------------------------------ value.text and bad regions

const TEXTS: &str = r#"[
 {
  "id": 77,
  "data": {"text": "Talks in\nNordlicht AG\n and Oslo, said محمود الحلبي."},
  "annotations": [
   {
    "id": 3,
    "completed_by": 1,
    "result": [
     {"id": "escaped", "type": "labels", "value": {"start": 6, "end": 18, "text": "in\\nNordlicht", "labels": ["LOC"]}},
     {"id": "trimmed", "type": "labels", "value": {"start": 9, "end": 22, "text": "Nordlicht AG", "labels": ["ORG"]}},
     {"id": "spaced", "type": "labels", "value": {"start": 6, "end": 18, "text": "in Nordlicht", "labels": ["ORG"]}},
     {"id": "joined", "type": "labels", "value": {"start": 6, "end": 18, "text": "inNordlicht", "labels": ["GPE"]}},
     {"id": "bad1", "type": "labels", "value": {"start": 27, "end": 999, "text": "Oslo", "labels": ["GPE"]}},
     {"id": "good", "type": "labels", "value": {"start": 27, "end": 31, "text": "Oslo", "labels": ["GPE"]}},
     {"id": "bad2", "type": "labels", "value": {"start": 27, "end": 31, "text": "Osloo", "labels": ["GPE"]}},
     {"id": "bad3", "type": "labels", "value": {"start": 27, "end": 31, "text": "Oslo", "labels": []}},
     {"id": "arabic", "type": "labels", "value": {"start": 38, "end": 50, "text": "محمود الحلبي", "labels": ["PER"]}},
     {"from_id": "good", "to_id": "arabic", "type": "relation", "labels": ["near"]},
     {"from_id": "bad2", "to_id": "arabic", "type": "relation", "labels": ["near"]}
    ]
   }
  ]
 }
]"#;

#[test]
fn value_text_differing_only_in_white_space_keeps_the_offsets_with_a_warning() {
    let (records, _) = parse(TEXTS);
    assert_eq!(records.len(), 1);
    let r = &records[0];
    assert_eq!(
        spans(r),
        [
            (6, 18, "LOC".into(), "in\nNordlicht".into(), None),
            (6, 18, "ORG".into(), "in\nNordlicht".into(), None),
            (6, 18, "GPE".into(), "in\nNordlicht".into(), None),
            (9, 22, "ORG".into(), "Nordlicht AG\n".into(), None),
            (27, 31, "GPE".into(), "Oslo".into(), None),
            (38, 50, "PER".into(), "محمود الحلبي".into(), None),
        ]
    );
    let w: Vec<String> = r.warnings.iter().map(|w| w.to_string()).collect();
    for (region, stored) in [
        ("escaped", r#""in\\nNordlicht""#),
        ("trimmed", r#""Nordlicht AG""#),
        ("spaced", r#""in Nordlicht""#),
        ("joined", r#""inNordlicht""#),
    ] {
        // Task, region, both texts.
        assert!(
            w.iter().any(|w| w.contains("task 77 ")
                && w.contains(&format!("region {region} "))
                && w.contains(stored)
                && w.contains("the offsets were kept")
                && (w.contains(r#""in\nNordlicht""#) || w.contains(r#""Nordlicht AG\n""#))),
            "{region}: {w:?}"
        );
    }
}

#[test]
fn a_bad_region_is_an_error_for_that_region_only() {
    let (records, errors) = parse(TEXTS);
    // The task's record comes without the three bad regions.
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].set.len(), 6);
    assert_eq!(
        relations(&records[0]),
        [("Oslo".into(), "محمود الحلبي".into(), "near".into())]
    );
    let e: Vec<(usize, String)> = errors.iter().map(|e| (e.line, e.to_string())).collect();
    assert_eq!(e.len(), 3, "{e:?}");
    assert!(
        errors
            .iter()
            .all(|e| !e.skipped && e.path == Path::new("ls.json"))
    );
    assert_eq!(e[0].0, line_of(TEXTS, r#""id": "bad1""#));
    assert!(
        e[0].1
            .contains("span bad1 GPE: span 27..999 ends after the end of the text (51 characters)")
            && e[0]
                .1
                .contains("task 0, id 77, annotation 3 by label-studio-user-1, region 4"),
        "{e:?}"
    );
    assert_eq!(e[1].0, line_of(TEXTS, r#""id": "bad2""#));
    assert!(
        e[1].1.contains(r#"span bad2 GPE at 27..31: the file says its text is "Osloo" but the document has "Oslo" there"#),
        "{e:?}"
    );
    assert_eq!(e[2].0, line_of(TEXTS, r#""id": "bad3""#));
    assert!(
        e[2].1.contains("task 0: region 7 has no value.labels (task id 77, annotation 3 by label-studio-user-1, region bad3)"),
        "{e:?}"
    );
    assert!(e.iter().all(|(_, m)| m.contains("the region was left out")));
}

#[test]
fn offsets_after_an_emoji_arabic_and_crlf_are_code_points() {
    // `\r\n` in JSON: CRLF line ends in the text, two code points each.
    let cp = r#"[{"id": 1, "data": {"text": "😀 محمود الحلبي met “Amal”.\r\nOslo, Zoë\r\nAleppo"}, "annotations": [{"result": [
  {"id": "a", "type": "labels", "value": {"start": 2, "end": 14, "text": "محمود الحلبي", "labels": ["PER"]}},
  {"id": "b", "type": "labels", "value": {"start": 20, "end": 24, "text": "Amal", "labels": ["PER"]}},
  {"id": "c", "type": "labels", "value": {"start": 34, "end": 37, "text": "Zoë", "labels": ["PER"]}},
  {"id": "d", "type": "labels", "value": {"start": 39, "end": 45, "text": "Aleppo", "labels": ["GPE"]}}]}]}]"#;
    let expected = vec![
        (2, 14, "PER".to_string(), "محمود الحلبي".to_string(), None),
        (20, 24, "PER".into(), "Amal".into(), None),
        (34, 37, "PER".into(), "Zoë".into(), None),
        (39, 45, "GPE".into(), "Aleppo".into(), None),
    ];
    let (records, errors) = parse(cp);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(spans(&records[0]), expected);
    assert!(records[0].warnings.is_empty(), "{:?}", records[0].warnings);
    // The same regions from an old (UTF-16) export: detected and converted.
    let u16 = cp
        .replace(r#""start": 2, "end": 14"#, r#""start": 3, "end": 15"#)
        .replace(r#""start": 20, "end": 24"#, r#""start": 21, "end": 25"#)
        .replace(r#""start": 34, "end": 37"#, r#""start": 35, "end": 38"#)
        .replace(r#""start": 39, "end": 45"#, r#""start": 40, "end": 46"#);
    let (records, errors) = parse(&u16);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(spans(&records[0]), expected);
    assert!(
        records[0].warnings.iter().any(|w| w
            .reason
            .contains("old Label Studio export with UTF-16 offsets")),
        "{:?}",
        records[0].warnings
    );
}

// ------------------------------------------------ layout: single task, BOM, bad JSON, lines

/// Shaped like testdata/real/label-studio/ls-converter-0x-completions-348.json: a
/// single task object, `completions`, the id last.
const OLD: &str = r#"{
  "completions": [
    {
      "id": 348001,
      "lead_time": 72.138,
      "result": [
        {
          "from_name": "ner",
          "id": "-JfBQoozxW",
          "source": "$text",
          "to_name": "text",
          "type": "labels",
          "value": {
            "end": 21,
            "labels": ["INGREDIENT"],
            "start": 7,
            "text": "Sodium Lauroyl "
          }
        },
        {
          "from_name": "ner",
          "id": "CUWnkiDda0",
          "source": "$text",
          "to_name": "text",
          "type": "labels",
          "value": {
            "end": 99,
            "labels": ["INGREDIENT"],
            "start": 22,
            "text": "Methyl"
          }
        }
      ]
    }
  ],
  "data": {
    "text": " Aqua, Sodium Lauroyl Methyl. "
  },
  "id": 348
}"#;

#[test]
fn label_studio_0x_single_task_with_completions() {
    let (records, errors) = parse(OLD);
    assert_eq!(records.len(), 1);
    let r = &records[0];
    assert_eq!(r.name, "ls-348");
    let last_line = OLD
        .lines()
        .position(|l| l.trim() == r#""id": 348"#)
        .unwrap()
        + 1;
    assert_eq!(r.origin.line, last_line);
    assert_eq!(
        spans(r),
        [(7, 21, "INGREDIENT".into(), "Sodium Lauroyl".into(), None)]
    );
    assert!(
        r.warnings
            .iter()
            .any(|w| w.item.contains("region -JfBQoozxW")),
        "{:?}",
        r.warnings
    );
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].line, line_of(OLD, r#""id": "CUWnkiDda0""#));
    assert!(
        errors[0]
            .message
            .contains("span CUWnkiDda0 INGREDIENT: span 22..99")
    );
}

#[test]
fn a_byte_order_mark_before_the_json_is_accepted() {
    let list = "\u{feff}[{\"id\": 1, \"data\": {\"text\": \"Amal\"}}]";
    let (records, errors) = parse(list);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(records[0].doc.text(), "Amal");
    let (records, errors) = parse(&format!("\u{feff}{OLD}"));
    assert_eq!((records.len(), errors.len()), (1, 1));
    // From a file, through read().
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bom.json");
    std::fs::write(&path, list.as_bytes()).unwrap();
    let (records, errors) = read_path(&path);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(records.len(), 1);
}

#[test]
fn invalid_json_names_line_and_column_and_the_other_tasks_are_read() {
    let text = "[\n {\"id\": 1, \"data\": {\"text\": \"Amal\"}},\n {\"id\": 2, \"data\": {\"text\": \"Oslo\"} \"x\": 1},\n {\"id\": 3, \"data\": {\"text\": \"Zoë\"}}\n]";
    let (records, errors) = parse(text);
    let names: Vec<_> = records.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["ls-1", "ls-3"]);
    assert_eq!(errors.len(), 1);
    let column = text.lines().nth(2).unwrap().find("\"x\"").unwrap() + 1;
    assert_eq!(
        errors[0].to_string(),
        format!(
            "ls.json:3: column {column}: not valid JSON: expected `,` or `}}` (task 1 of the list)"
        )
    );
    // The file ends inside a task.
    let (records, errors) = parse("[\n {\"id\": 1, \"data\": {\"text\": \"Amal\"}},\n {\"id\": 2,");
    assert_eq!(records.len(), 1);
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].to_string().starts_with("ls.json:3: column ")
            && errors[0]
                .message
                .contains("not valid JSON: EOF while parsing"),
        "{}",
        errors[0]
    );
    // Something after the list, a missing comma, a trailing comma.
    for (bad, line, column, what) in [
        (
            "[{\"id\": 1, \"data\": {\"text\": \"A\"}}]\nx",
            2,
            1,
            "trailing characters",
        ),
        (
            "[{\"id\": 1, \"data\": {\"text\": \"A\"}}\n {\"id\": 2}]",
            2,
            2,
            "expected `,` or `]` after task 0",
        ),
        (
            "[{\"id\": 1, \"data\": {\"text\": \"A\"}},\n]",
            2,
            1,
            "trailing comma",
        ),
        ("\n\n  oops", 3, 3, "not valid JSON: expected value"),
        ("", 1, 0, "not valid JSON: EOF while parsing a value"),
        (
            "\"just a string\"",
            1,
            0,
            "a Label Studio export is a JSON list of tasks",
        ),
    ] {
        let (_, errors) = parse(bad);
        assert_eq!(errors.len(), 1, "{bad:?}: {errors:?}");
        assert_eq!(errors[0].line, line, "{bad:?}: {}", errors[0]);
        assert!(errors[0].message.contains(what), "{bad:?}: {}", errors[0]);
        if column > 0 {
            assert!(
                errors[0].message.starts_with(&format!("column {column}: ")),
                "{bad:?}: {}",
                errors[0]
            );
        }
    }
    let (records, errors) = parse(" [ ] ");
    assert!(records.is_empty() && errors.is_empty());
}

#[test]
fn lines_of_tasks_and_regions_in_a_long_file() {
    // Many tasks, each region on its own line: lines come from the one table.
    let mut text = String::from("[\n");
    for i in 0..300 {
        if i > 0 {
            text.push_str(",\n");
        }
        text.push_str(&format!(
            "{{\n \"id\": {i},\n \"data\": {{\"text\": \"Amal {i}\"}},\n \"annotations\": [{{\"result\": [\n  {{\"id\": \"ok{i}\", \"type\": \"labels\", \"value\": {{\"start\": 0, \"end\": 4, \"text\": \"Amal\", \"labels\": [\"PER\"]}}}},\n  {{\"id\": \"bad{i}\", \"type\": \"labels\", \"value\": {{\"start\": 0, \"end\": 4, \"text\": \"Zoë\", \"labels\": [\"PER\"]}}}}\n ]}}]\n}}"
        ));
    }
    text.push_str("\n]\n");
    let (records, errors) = parse(&text);
    assert_eq!((records.len(), errors.len()), (300, 300));
    for (i, (r, e)) in records.iter().zip(&errors).enumerate() {
        assert_eq!(
            r.origin.line,
            line_of(&text, &format!("\"id\": {i},")),
            "task {i}"
        );
        assert_eq!(r.set.len(), 1);
        assert_eq!(
            e.line,
            line_of(&text, &format!("\"id\": \"bad{i}\"")),
            "task {i}"
        );
        assert!(e.message.contains(&format!("span bad{i} PER")), "{e}");
    }
}

#[test]
fn lines_and_columns_from_the_table() {
    let lines = scan::Lines::new("ab\ncd\r\n\nef");
    let at = |b| (lines.line(b), lines.column(b));
    assert_eq!(at(0), (1, 1));
    assert_eq!(at(2), (1, 3));
    assert_eq!(at(3), (2, 1));
    assert_eq!(at(7), (3, 1));
    assert_eq!(at(8), (4, 1));
    assert_eq!(at(9), (4, 2));
}

#[test]
fn tasks_that_are_not_usable_are_errors_for_that_task() {
    let text = r#"[
 {"id": 1, "data": {"text": "Amal"}, "annotations": "none"},
 7,
 {"id": 3, "text": "Amal", "label": []},
 {"id": 4, "data": {"text": "Zoë"}, "annotations": [3, {"result": {"a": 1}}]}
]"#;
    let (records, errors) = parse(text);
    let e: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(e.len(), 5, "{e:?}");
    assert!(
        e[0].starts_with("ls.json:2: task 0 (id 1): \"annotations\" must be a list, not a string"),
        "{e:?}"
    );
    assert!(
        e[1].starts_with("ls.json:3: task 1 is not a JSON object"),
        "{e:?}"
    );
    assert!(e[2].contains("ls.json:4: task 2 has no \"data\" object with the text; this looks like a JSON-MIN export"), "{e:?}");
    assert!(
        e[3].contains("annotations[0] is not a JSON object"),
        "{e:?}"
    );
    assert!(
        e[4].contains(
            "the \"result\" of annotation #2 by label-studio-annotation-2 must be a list"
        ),
        "{e:?}"
    );
    // Tasks 0 and 3 still come in with their text.
    let texts: Vec<_> = records.iter().map(|r| r.doc.text()).collect();
    assert_eq!(texts, ["Amal", "Zoë"]);
}

// ------------------------------------------------ the writer's output reads back

#[test]
fn the_writers_output_reads_back_identically() {
    let text = "\u{feff}😀 Dr. محمود الحلبي met “Nordlicht AG” in Oslo.\r\nZoë joined\non Friday.";
    let find = |n: &str| {
        let t = text.trim_start_matches('\u{feff}');
        let b = t.find(n).unwrap();
        let s = t[..b].chars().count() + 1; // the BOM is dropped by build_record
        (s, s + n.chars().count())
    };
    let span = |key: &str, n: &str, label: &str, note: Option<&str>| RawSpan {
        key: key.into(),
        fragments: vec![find(n)],
        label: label.into(),
        note: note.map(str::to_string),
        annotator: Some("alice".into()),
        ..Default::default()
    };
    let mut rec = build_record(
        "wire-1",
        Some(serde_json::json!(17)),
        text.to_string(),
        vec![
            span(
                "T1",
                "محمود الحلبي",
                "PER",
                Some("byline, “quoted”\nsecond line"),
            ),
            span("T2", "Nordlicht AG", "ORG", None),
            span("T3", "Nordlicht", "GPE", None),
            span("T4", "Oslo.\r\nZoë", "LOC", None),
            span("T5", "Friday", "DATE", None),
        ],
        vec![RawRelation {
            key: "R1".into(),
            label: "works_for".into(),
            from: "T1".into(),
            to: "T2".into(),
            line: 0,
            note: None,
        }],
        Default::default(),
        &ReadOptions::default(),
    )
    .unwrap();
    rec.meta.insert("source".into(), serde_json::json!("AFP"));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.json");
    let mut w =
        crate::formats::writer(Format::LabelStudio, &out, &WriteOptions::default()).unwrap();
    assert!(w.write(&rec).unwrap().is_empty());
    assert!(w.write(&rec).unwrap().is_empty());
    w.finish().unwrap();
    let (back, errors) = read_path(&out);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(back.len(), 2);
    for b in &back {
        assert_eq!(b.doc.text(), rec.doc.text());
        assert_eq!(spans(b), spans(&rec));
        assert_eq!(relations(b), relations(&rec));
        assert_eq!(b.meta, rec.meta);
        assert_eq!(b.external_id, Some(serde_json::json!(17)));
        assert_eq!(b.annotator.as_deref(), Some("alice"));
        assert!(b.set.iter().all(|s| &*s.annotator == "alice"));
        assert!(b.warnings.is_empty(), "{:?}", b.warnings);
    }
}

/// A record with a note and attributes on one span, a noted relation, for the
/// attribute tests below.
fn record_with_attributes() -> Record {
    let text = "“Amal” met 😀 Zoë\r\nin دمشق e\u{301}.";
    let at = |needle: &str| {
        let b = text.find(needle).unwrap();
        let s = text[..b].chars().count();
        (s, s + needle.chars().count())
    };
    let span = |key: &str, needle: &str, label: &str, attributes: &[(&str, &str)]| RawSpan {
        key: key.into(),
        fragments: vec![at(needle)],
        label: label.into(),
        attributes: attributes
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..Default::default()
    };
    build_record(
        "doc",
        None,
        text.into(),
        vec![
            span(
                "T1",
                "Amal",
                "PER",
                &[
                    ("certainty", "reported"),
                    ("negated", "true"),
                    ("source", "the “wire”\nand a call"),
                ],
            ),
            span("T2", "Zoë", "PER", &[("certainty", "rumoured")]),
            span("T3", "دمشق", "GPE", &[("label", "x")]),
        ],
        vec![RawRelation {
            key: "R1".into(),
            label: "Spouse".into(),
            from: "T1".into(),
            to: "T2".into(),
            line: 0,
            note: Some("said twice".into()),
        }],
        Default::default(),
        &ReadOptions::default(),
    )
    .unwrap()
}

fn attribute_schema() -> crate::model::Schema {
    let toml = r##"format_version = 1
[[labels]]
name = "PER"
color = "#e15759"
[[labels]]
name = "GPE"
color = "#59a14f"
[[relations]]
name = "Spouse"
color = "#b6992d"
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
labels = ["PER"]
[[attributes]]
name = "source"
kind = "text"
labels = ["PER", "GPE"]
"##;
    crate::project::config::ProjectConfig::parse(toml)
        .unwrap()
        .schema()
}

#[test]
fn attributes_go_out_as_per_region_choices_and_text_areas_and_come_back() {
    let rec = record_with_attributes();
    let schema = attribute_schema();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.json");
    let options = WriteOptions {
        schema: Some(schema),
        ..WriteOptions::default()
    };
    let mut w = crate::formats::writer(Format::LabelStudio, &out, &options).unwrap();
    let warnings: Vec<String> = w
        .write(&rec)
        .unwrap()
        .iter()
        .map(|w| w.to_string())
        .collect();
    w.finish().unwrap();
    // What Label Studio has no place for is named: the relation's note, an attribute
    // called like the config's own controls.
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("attribute label on span") && w.contains("control name")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("note on relation R1 Spouse")
                && w.contains("cannot express notes on relations")),
        "{warnings:?}"
    );
    let json = std::fs::read_to_string(&out).unwrap();
    assert!(
        json.contains(r#""from_name":"certainty","to_name":"text","type":"choices""#),
        "{json}"
    );
    assert!(json.contains(r#""choices":["true"]"#), "{json}");
    assert!(
        json.contains(r#""from_name":"source","to_name":"text","type":"textarea""#),
        "{json}"
    );
    let (back, errors) = read_path(&out);
    assert!(errors.is_empty(), "{errors:?}");
    let attrs = |r: &Record| -> Vec<Vec<(String, String)>> {
        r.set.iter().map(|s| s.attributes().to_vec()).collect()
    };
    let mut expected = attrs(&rec);
    expected[2].clear();
    assert_eq!(attrs(&back[0]), expected);
    assert_eq!(relations(&back[0]), relations(&rec));
    assert!(back[0].warnings.is_empty(), "{:?}", back[0].warnings);
    // The config: relation types with colours, a control per attribute shown for the
    // labels it applies to.
    let config = std::fs::read_to_string(dir.path().join("out.config.xml")).unwrap();
    for part in [
        r##"<Relation value="Spouse" background="#b6992d"/>"##,
        r#"<View visibleWhen="region-selected">"#,
        r#"<Choices name="certainty" toName="text" perRegion="true" choice="single">"#,
        r#"<Choice value="rumoured"/>"#,
        r#"<View visibleWhen="region-selected" whenLabelValue="PER">"#,
        r#"<Choice value="negated" alias="true"/>"#,
        r#"<View visibleWhen="region-selected" whenLabelValue="PER,GPE">"#,
        r#"<TextArea name="source" toName="text" perRegion="true" editable="true" maxSubmissions="1"/>"#,
    ] {
        assert!(config.contains(part), "{part}\n{config}");
    }
    assert!(
        !config.contains(r#"name="label" toName="text" perRegion"#),
        "{config}"
    );
}

#[test]
fn a_regions_meta_text_is_its_note() {
    let text = r#"[{"id": 1, "data": {"text": "Amal met Zoë."}, "annotations": [{"result": [
  {"id": "a", "from_name": "label", "to_name": "text", "type": "labels", "value": {"start": 0, "end": 4, "text": "Amal", "labels": ["PER", "ORG"]}, "meta": {"text": ["check", "twice"]}},
  {"id": "a", "from_name": "note", "to_name": "text", "type": "textarea", "value": {"start": 0, "end": 4, "text": ["and this"]}},
  {"id": "b", "from_name": "label", "to_name": "text", "type": "labels", "value": {"start": 9, "end": 12, "text": "Zoë", "labels": ["PER"]}, "meta": {"text": []}}
]}]}]"#;
    let (records, errors) = parse(text);
    assert!(errors.is_empty(), "{errors:?}");
    let notes: Vec<Option<String>> = spans(&records[0]).into_iter().map(|s| s.4).collect();
    // On the region's first span, as its text areas are.
    assert_eq!(notes, [Some("check\ntwice\nand this".into()), None, None]);
}

#[test]
fn quotes_and_backslashes_in_strings_do_not_end_a_task_early() {
    // Escapes at every position within the scanner's eight-byte steps.
    for pad in 0..17 {
        // Brackets after each escape: a string ended too early would end the task.
        let raw = format!("{}“\"}}x\\\"] \\\\😀\\{{", "a".repeat(pad));
        // serde_json writes the quotes and backslashes as escapes.
        let text = serde_json::to_string(&raw).unwrap();
        let json = format!(
            "[{{\"id\": 1, \"data\": {{\"text\": {text}}}, \"annotations\": [{{\"result\": [{{\"id\": \"r\", \"type\": \"labels\", \"value\": {{\"start\": 0, \"end\": 1, \"labels\": [\"X\"]}}}}]}}]}},\n{{\"id\": 2, \"data\": {{\"text\": {text}}}}}]"
        );
        let (records, errors) = parse(&json);
        assert!(errors.is_empty(), "{pad}: {errors:?}");
        assert_eq!(records.len(), 2, "{pad}");
        assert_eq!(records[1].doc.text(), raw);
        assert_eq!(records[0].set.len(), 1);
    }
}

#[test]
fn the_line_table_agrees_with_counting() {
    let text: String = (0..300)
        .map(|i| {
            if i % 7 == 0 || i % 11 == 0 {
                '\n'
            } else {
                'é'
            }
        })
        .collect();
    let lines = scan::Lines::new(&text);
    for (at, _) in text.char_indices() {
        let naive = text[..at].matches('\n').count() + 1;
        assert_eq!(lines.line(at), naive, "{at}");
    }
}

#[test]
fn the_writer_names_what_it_drops() {
    let rec = build_record(
        "doc",
        None,
        "Amal met Zoë in Oslo".into(),
        vec![
            RawSpan {
                key: "a".into(),
                fragments: vec![(0, 4)],
                label: "PER".into(),
                typed_notes: vec![("Remark".into(), "check the spelling".into())],
                ..Default::default()
            },
            RawSpan {
                key: "b".into(),
                fragments: vec![(9, 12), (16, 20)],
                label: "PER".into(),
                ..Default::default()
            },
        ],
        vec![RawRelation {
            key: "R1".into(),
            label: "met".into(),
            from: "a".into(),
            to: "b".into(),
            line: 0,
            note: None,
        }],
        Default::default(),
        &ReadOptions::default(),
    )
    .unwrap();
    let (value, warnings) = task(&rec, 1, None);
    let w: Vec<String> = warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(w.len(), 3, "{w:?}");
    assert!(w.iter().any(|w| w.contains("discontinuous")), "{w:?}");
    assert!(w.iter().any(|w| w.contains("Remark note on span")), "{w:?}");
    assert!(
        w.iter().any(|w| w.contains("relation")
            && w.contains("met")
            && w.contains("dropped: one of its spans was dropped")),
        "{w:?}"
    );
    // Only the span Label Studio can hold is written.
    assert_eq!(
        value["annotations"][0]["result"].as_array().unwrap().len(),
        1
    );
}

// ------------------------------------------------ the two parsers agree

/// Everything a reader hands out, as text, to compare two runs.
fn summary(text: &str) -> Vec<String> {
    parse_str(Path::new("ls.json"), text, &ReadOptions::default())
        .map(|item| match item {
            Ok(r) => format!(
                "{} {:?} {:?} {:?} line {} {:?} {:?} {:?} {:?} {:?}",
                r.name,
                r.annotator,
                r.external_id,
                r.meta,
                r.origin.line,
                spans(&r),
                r.set
                    .iter()
                    .map(|s| s.annotator.to_string())
                    .collect::<Vec<_>>(),
                r.set
                    .iter()
                    .map(|s| s.attributes().to_vec())
                    .collect::<Vec<_>>(),
                relations(&r),
                r.warnings.iter().map(|w| w.to_string()).collect::<Vec<_>>()
            ),
            Err(e) => format!("{} skipped={}", e, e.skipped),
        })
        .collect()
}

/// Read `text` with the typed fast path (where it applies) and with the general
/// parser only; returns (what both read, tasks the fast path read).
fn both_parsers(text: &str) -> (Vec<String>, usize) {
    fast::FAST_READS.set(0);
    let fast = summary(text);
    let fast_reads = fast::FAST_READS.get();
    fast::GENERAL_ONLY.set(true);
    let general = summary(text);
    fast::GENERAL_ONLY.set(false);
    assert_eq!(fast, general);
    (fast, fast_reads)
}

/// Shapes the typed path reads itself: other result types, hypertextlabels, number
/// ids, a text area with a string, a model version that is a number, nulls, per-region
/// choices and text areas of other controls (attributes), a region's meta text.
const SHAPES: &str = r#"[
 {"id": "doc-a", "data": {"title": "T", "text": "Amal met Zoë in Oslo.", "n": 3}, "meta": {}, "drafts": [{"result": []}],
  "annotations": [{"id": 1, "completed_by": {"id": 9}, "was_cancelled": null, "ground_truth": false, "lead_time": 1.5, "meta": null, "result": [
   {"id": 101, "type": "labels", "value": {"start": 0.0, "end": 4, "text": "Amal", "labels": ["PER"]}, "origin": "manual", "score": 0.5, "meta": {"text": ["from the region's meta"]}},
   {"id": 101, "from_name": "certainty", "type": "choices", "value": {"start": 0, "end": 4, "choices": ["reported", 3]}},
   {"id": "h", "from_name": "source", "type": "textarea", "value": {"start": 9, "end": 12, "text": ["wire", "copy"]}},
   {"id": "h", "type": "hypertextlabels", "value": {"start": 9, "end": 12, "text": "Zoë", "labels": ["X"], "hypertextlabels": ["PER"]}},
   {"id": "n", "type": "labels", "value": {"start": 16, "end": 20, "text": " Oslo", "labels": null}},
   {"id": "v", "type": "labels"},
   {"id": "c", "type": "choices", "value": {"choices": ["news"]}},
   {"type": "rating", "value": {"rating": 4}},
   {"id": 101, "type": "textarea", "value": {"text": "a note"}},
   {"from_id": 101, "to_id": "h", "type": "relation", "labels": []},
   {"to_id": "h", "type": "relation"},
   {"id": "x", "value": {"start": 0, "end": 4}}
  ]}],
  "predictions": [{"model_version": 3, "score": 0.9, "result": [{"id": "p", "type": "labels", "value": {"start": 16, "end": 20, "text": "Oslo", "labels": ["GPE"]}}]}]},
 {"data": {"text": "Nobody annotated this."}, "predictions": [{"model_version": 3, "result": [{"id": "p", "type": "labels", "value": {"start": 0, "end": 6, "text": "Nobody", "labels": ["PER"]}}]}, {"result": []}]}
]"#;

/// Shapes only the general parser reads (most tasks have one), between tasks that the
/// typed path reads.
const ODD: &str = r#"[
 {"id": 1, "data": {"text": "Amal"}, "annotations": [{"result": [{"id": "a", "type": "labels", "value": {"start": 0, "end": 4, "text": "Amal", "labels": ["PER"]}}]}]},
 {"id": 2, "data": {"text": "Amal"}, "annotations": [{"was_cancelled": "no", "result": [{"id": "a", "type": "labels", "value": {"start": 0, "end": 4, "text": "Amal", "labels": ["PER", 7]}}]}]},
 {"id": 3, "data": {"text": "Amal"}, "annotations": [{"result": [{"id": "a", "type": 5}, {"id": "b", "type": "labels", "value": "x"}, "str"]}]},
 {"id": 4, "data": {"text": "Amal"}, "annotations": [{"result": [{"id": "a", "type": "labels", "value": {"start": "/p[1]", "end": "/p[1]", "labels": ["PER"]}}]}]},
 {"id": 5, "data": {"text": "Amal"}, "annotations": [{"result": [{"id": "a", "type": "labels", "id": "b", "value": {"start": 0, "end": 4, "text": "Amal", "labels": ["PER"]}}]}]},
 {"id": 6, "data": {"text": "Amal"}, "drafts": {}, "predictions": "none"},
 {"id": 7, "data": {"text": "Amal"}, "annotations": [{"result": [{"id": "a", "type": "labels", "value": {"start": -1, "end": 4.5, "text": "Amal", "labels": ["PER"]}}]}]},
 {"id": 8, "data": null},
 {"id": 9, "data": {"n": 1}},
 {"id": 10, "data": {"text": "Zoë"}, "annotations": [{"result": [{"id": "a", "type": "labels", "value": {"start": 0, "end": 3, "text": "Zoë", "labels": ["PER"]}}]}]}
]"#;

#[test]
fn the_typed_path_and_the_general_parser_read_the_same() {
    let mut files: Vec<(String, String)> = [
        ("TEAM", TEAM),
        ("TEXTS", TEXTS),
        ("OLD", OLD),
        ("SHAPES", SHAPES),
        ("ODD", ODD),
    ]
    .into_iter()
    .map(|(n, t)| (n.to_string(), t.to_string()))
    .collect();
    for entry in std::fs::read_dir(real("")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            files.push((
                path.display().to_string(),
                std::fs::read_to_string(&path).unwrap(),
            ));
        }
    }
    let mut fast_reads = Vec::new();
    for (name, text) in &files {
        let (items, n) = both_parsers(text);
        assert!(!items.is_empty(), "{name}");
        fast_reads.push((name.as_str(), n));
    }
    // The typed path reads every task of the well-formed files itself (a test that
    // always fell back would compare the general parser with itself).
    let tasks = |n: &str| fast_reads.iter().find(|(f, _)| *f == n).unwrap().1;
    assert_eq!(tasks("TEAM"), 1);
    assert_eq!(tasks("TEXTS"), 1);
    assert_eq!(tasks("OLD"), 1);
    assert_eq!(tasks("SHAPES"), 2);
    // ODD: tasks 1 and 10, and 4 and 7, whose offsets the shared code refuses.
    assert_eq!(tasks("ODD"), 4);
}

#[test]
fn odd_shapes_are_named_never_dropped() {
    let (records, errors) = parse(ODD);
    let e: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    let has = |line: usize, what: &str| {
        assert!(
            e.iter()
                .any(|m| m.starts_with(&format!("ls.json:{line}: ")) && m.contains(what)),
            "{line} {what}: {e:#?}"
        )
    };
    has(
        3,
        r#"region 0 has value.labels ["PER",7]; it must be a list of label names"#,
    );
    has(4, "region 1 has no \"value\" object");
    has(4, "region 2 is not a JSON object but a string");
    has(5, "region 0 has no numeric value.start/value.end");
    has(7, "\"predictions\" must be a list, not a string");
    has(
        8,
        "region 0 has value.start -1 and value.end 4.5; offsets are whole numbers",
    );
    has(9, "task 7 has no \"data\" object");
    has(10, "task 8: \"data\" has no text field");
    assert_eq!(e.len(), 8, "{e:#?}");
    // Every task with a text is a record.
    assert_eq!(records.len(), 8);
    assert!(
        records[2].warnings[0]
            .to_string()
            .contains("result 0 (a): not imported: it has no \"type\"")
    );
}

#[test]
fn no_damaged_export_panics() {
    // Every prefix, and structural bytes written over the ASCII ones: the reader ends
    // with items (records or errors), never a panic.
    for text in [TEAM, TEXTS, SHAPES, ODD] {
        for cut in (0..=text.len()).filter(|&c| text.is_char_boundary(c)) {
            let _ = summary(&text[..cut]);
        }
        for at in (0..text.len()).step_by(3) {
            if !text.as_bytes()[at].is_ascii() {
                continue;
            }
            for b in ["\"", "{", "]", ",", "\\", "0", ":"] {
                let mut damaged = text.to_string();
                damaged.replace_range(at..at + 1, b);
                let items = summary(&damaged);
                assert!(!items.is_empty() || damaged.trim_start().starts_with("[]"));
            }
        }
    }
}

#[test]
fn real_ui_export_with_predictions_listed_by_id_reads_every_region() {
    // Label Studio 1.x's own export: one annotator (user 2), predictions as bare ids.
    let (records, errors) = read_path(&real("nerine-nor-er-export-5-tasks-predictions.json"));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(records.len(), 5);
    let per_task: Vec<usize> = records.iter().map(|r| r.set.len()).collect();
    assert_eq!(per_task, [10, 19, 29, 23, 20]);
    assert!(
        records
            .iter()
            .all(|r| r.annotator.as_deref() == Some("label-studio-user-2"))
    );
}

#[test]
fn real_0x_region_whose_text_disagrees_is_an_error_for_that_region_only() {
    // Label Studio's own 0.x example: the region's text says "February 22" but its
    // offsets cover one character less; the task is still read.
    let (records, errors) = read_path(&real("ls-0x-example-named_entity-1.json"));
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].set.len(), 0);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].message.contains("February 22"), "{errors:?}");
}
