//! The real files in testdata/real/{doccano,prodigy,spacy-jsonl}, read as their tools
//! read them: documents, spans and relations as in testdata/real/expected.json
//! (established with each tool's own reader).

use super::Flavor;
use crate::formats::ReadOptions;
use std::collections::BTreeSet;
use std::path::Path;

#[test]
fn real_files_read_as_their_tools_read_them() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/real");
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("expected.json")).unwrap())
            .unwrap();
    let mut checked = 0;
    for (key, e) in expected.as_object().unwrap() {
        let flavor = match e["format"].as_str().unwrap() {
            "doccano" => Flavor::Doccano,
            "prodigy" => Flavor::Prodigy,
            "spacy-jsonl" => Flavor::Spacy,
            _ => continue,
        };
        let path = root.join(key);
        let bytes = std::fs::read(&path).unwrap();
        let items = super::super::parse_bytes(&path, &bytes, flavor, &ReadOptions::default());
        let errors: Vec<String> = items
            .iter()
            .filter_map(|r| {
                r.as_ref()
                    .err()
                    .filter(|e| !e.skipped)
                    .map(ToString::to_string)
            })
            .collect();
        assert!(errors.is_empty(), "{key}: {errors:?}");
        // Prodigy examples answered reject or ignore are skipped (and counted).
        let skipped = items.iter().filter(|r| r.as_ref().is_err()).count() as u64;
        let answered = |a: &str| e["by_answer"][a]["examples"].as_u64().unwrap_or(0);
        assert_eq!(
            skipped,
            answered("reject") + answered("ignore"),
            "{key} skipped"
        );
        let recs: Vec<_> = items.into_iter().filter_map(Result::ok).collect();
        // Several annotators' records of one line are one document.
        let docs: BTreeSet<(String, usize)> = recs
            .iter()
            .map(|r| (r.name.clone(), r.origin.line))
            .collect();
        let span_count: usize = recs.iter().map(|r| r.set.len()).sum();
        let relation_count: usize = recs.iter().map(|r| r.set.relations().len()).sum();
        let annotators: BTreeSet<_> = recs.iter().filter_map(|r| r.annotator.clone()).collect();
        // doccano keeps identical twin spans; Entitle drops the twin, with a warning.
        let twins = if key.contains("example_overlapping") {
            1
        } else {
            0
        };
        assert_eq!(
            docs.len() as u64 + skipped,
            e["documents"].as_u64().unwrap(),
            "{key} documents"
        );
        assert_eq!(
            (span_count + twins) as u64,
            e["spans"].as_u64().unwrap(),
            "{key} spans"
        );
        assert_eq!(
            relation_count as u64,
            e["relations"].as_u64().unwrap_or(0),
            "{key} relations"
        );
        if let Some(n) = e.get("annotators").and_then(|v| v.as_u64()) {
            assert_eq!(
                annotators.len() as u64,
                n,
                "{key} annotators: {annotators:?}"
            );
        }
        checked += 1;
    }
    assert_eq!(checked, 16);
}
