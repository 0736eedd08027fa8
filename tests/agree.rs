//! Agreement against the reference: the fixture projects of `tests/fixtures/agreement/`
//! and the figures NLTK's `AnnotationTask` and sklearn give on each annotator's CoNLL
//! export of them (`<name>.expected.json`, written by
//! `.ci/validators/agreement_fixtures.py`), to 1e-6; then `entitle agree` as a user
//! runs it.

use entitle::agree::{Options, Report, TagMode, compute_project};
use entitle::project::Project;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const EPS: f64 = 1e-6;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/agreement")
}

/// A copy of fixture `name` in a temporary folder (nothing is written to the source).
fn copy_fixture(name: &str) -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("mkdir");
        for e in std::fs::read_dir(from).expect("read fixture") {
            let e = e.expect("entry");
            let target = to.join(e.file_name());
            if e.file_type().expect("type").is_dir() {
                copy(&e.path(), &target);
            } else {
                std::fs::copy(e.path(), target).expect("copy");
            }
        }
    }
    let dir = tempfile::tempdir().expect("temp dir");
    copy(&fixtures().join(name), dir.path());
    dir
}

fn expected(name: &str) -> Value {
    let text = std::fs::read_to_string(fixtures().join(format!("{name}.expected.json")))
        .expect("expected figures");
    serde_json::from_str(&text).expect("expected JSON")
}

/// `ours` (a number or null) equals `theirs` to 1e-6; null only where theirs is null.
fn same(ours: &Value, theirs: &Value, what: &str) {
    match (ours.as_f64(), theirs.as_f64()) {
        (Some(a), Some(b)) => assert!((a - b).abs() <= EPS, "{what}: ours {a}, reference {b}"),
        (None, None) => {}
        _ => panic!("{what}: ours {ours}, reference {theirs}"),
    }
}

/// Every coefficient of `ours` (serialised [`entitle::agree::Coefficients`]) against
/// NLTK's, and sklearn's Cohen's kappa where the reference has it.
fn same_coefficients(ours: &Value, theirs: &Value, what: &str) {
    assert_eq!(ours["items"], theirs["items"], "{what}: items");
    for k in ["ao", "kappa", "pi", "multi_kappa", "alpha"] {
        same(&ours[k], &theirs[k], &format!("{what}: {k}"));
    }
    if let Some(sk) = theirs.get("sklearn_cohen_kappa") {
        same(
            &ours["kappa"],
            sk,
            &format!("{what}: sklearn cohen_kappa_score"),
        );
    }
}

fn report(dir: &Path, annotators: &[String], tags: TagMode) -> Report {
    let (project, _) = Project::open_read_only(dir).expect("open fixture");
    compute_project(
        &project,
        annotators,
        &Options {
            tags,
            ..Default::default()
        },
        None,
    )
    .expect("agreement")
}

fn check_fixture(name: &str) {
    let exp = expected(name);
    let dir = copy_fixture(name);
    let annotators: Vec<String> = serde_json::from_value(exp["annotators"].clone()).expect("names");
    let labels: Vec<String> = serde_json::from_value(exp["labels"].clone()).expect("labels");
    let mut checked = 0;
    for (mode, tags) in [("iob2", TagMode::Iob2), ("type", TagMode::Type)] {
        let r = report(dir.path(), &annotators, tags);
        let json = serde_json::to_value(&r).expect("report JSON");
        let m = &exp[mode];
        let docs: Vec<&str> = r.per_document.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(
            serde_json::json!(docs),
            exp["documents"],
            "{name}: documents compared"
        );
        assert_eq!(json["tokens"], m["tokens"], "{name} {mode}: tokens");
        assert_eq!(
            json["tokens_without_o"], m["tokens_without_o"],
            "{name} {mode}"
        );
        for part in ["with_o", "without_o"] {
            let what = format!("{name} {mode} overall {part}");
            same_coefficients(&json["overall"][part], &m["overall"][part], &what);
            checked += 1;
            for l in &labels {
                let ours = r
                    .per_label
                    .iter()
                    .find(|x| &x.label == l)
                    .unwrap_or_else(|| panic!("{name}: no figures for {l}"));
                let ours = serde_json::to_value(&ours.figures).expect("json");
                same_coefficients(
                    &ours[part],
                    &m["per_label"][l][part],
                    &format!("{name} {mode} {l} {part}"),
                );
                checked += 1;
            }
            for d in &r.per_document {
                let ours = serde_json::to_value(&d.figures).expect("json");
                let theirs = &m["per_document"][&d.id];
                assert_eq!(serde_json::json!(d.tokens), theirs["tokens"], "{}", d.id);
                same_coefficients(
                    &ours[part],
                    &theirs[part],
                    &format!("{name} {mode} {} {part}", d.id),
                );
                checked += 1;
            }
        }
        // Spans and relations do not depend on the tag mode.
        let sp = &exp["spans"];
        same(
            &json["overall"]["spans_exact_f1"],
            &sp["overall"]["exact_f1"],
            "span F1 exact",
        );
        same(
            &json["overall"]["spans_overlap_f1"],
            &sp["overall"]["overlap_f1"],
            "span F1 overlap",
        );
        for l in &labels {
            let ours = r.per_label.iter().find(|x| &x.label == l).expect("label");
            let f = serde_json::to_value(&ours.figures).expect("json");
            same(
                &f["spans_exact_f1"],
                &sp["per_label"][l]["exact_f1"],
                &format!("{l} exact"),
            );
            same(
                &f["spans_overlap_f1"],
                &sp["per_label"][l]["overlap_f1"],
                &format!("{l} overlap"),
            );
        }
        for (ours, theirs) in json["pairs"]
            .as_array()
            .expect("pairs")
            .iter()
            .zip(sp["pairs"].as_array().expect("pairs"))
        {
            assert_eq!(ours["a"], theirs["a"]);
            assert_eq!(ours["span_counts"]["a"], theirs["counts"]["a"]);
            assert_eq!(ours["span_counts"]["b"], theirs["counts"]["b"]);
            assert_eq!(ours["span_counts"]["exact"], theirs["counts"]["exact"]);
            assert_eq!(
                ours["span_counts"]["a_overlapping"],
                theirs["counts"]["a_ov"]
            );
            assert_eq!(
                ours["span_counts"]["b_overlapping"],
                theirs["counts"]["b_ov"]
            );
            same(
                &ours["spans_exact"]["f1"],
                &theirs["exact_f1"],
                "pair exact F1",
            );
            same(
                &ours["spans_overlap"]["f1"],
                &theirs["overlap_f1"],
                "pair overlap F1",
            );
        }
        same(
            &json["relations"]["f1"],
            &exp["relations"]["f1"],
            "relations F1",
        );
    }
    assert!(
        checked > 20,
        "{name}: only {checked} sets of coefficients compared"
    );
}

#[test]
fn two_annotators_match_nltk_and_sklearn() {
    check_fixture("two");
}

#[test]
fn three_annotators_match_nltk() {
    check_fixture("three");
}

#[test]
fn the_fixtures_cover_every_kind_of_disagreement() {
    // Guards the reference itself: a fixture that lost its disagreements would make the
    // comparisons above trivially true.
    let exp = expected("two");
    let kappa = exp["iob2"]["overall"]["with_o"]["kappa"]
        .as_f64()
        .unwrap_or(1.0);
    assert!(kappa < 0.95 && kappa > 0.3, "kappa {kappa}");
    let pair = &exp["spans"]["pairs"][0]["counts"];
    let (a, b, exact) = (
        pair["a"].as_u64(),
        pair["b"].as_u64(),
        pair["exact"].as_u64(),
    );
    assert!(exact < a && exact < b, "{pair}");
    assert!(pair["a_ov"].as_u64() > exact, "overlapping bounds: {pair}");
    // A document nobody tagged anything in: undefined kappa, as null.
    assert!(exp["iob2"]["per_document"]["docs/g-nothing"]["with_o"]["kappa"].is_null());
}

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

#[test]
fn cli_json_has_the_reference_figures() {
    let exp = expected("two");
    let dir = copy_fixture("two");
    let p = dir.path().to_str().expect("utf-8 path");
    let (code, out, err) = entitle(&["agree", p, "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).expect("JSON on stdout");
    assert_eq!(v["annotators"], serde_json::json!(["alice", "bob"]));
    same_coefficients(
        &v["overall"]["with_o"],
        &exp["iob2"]["overall"]["with_o"],
        "cli",
    );
    assert_eq!(v["skipped"][0]["id"], "docs/f-only-alice");
    let (code, out, _) = entitle(&["agree", p, "--json", "--tags", "type"]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).expect("JSON");
    same_coefficients(
        &v["overall"]["without_o"],
        &exp["type"]["overall"]["without_o"],
        "cli type",
    );
}

#[test]
fn cli_table_and_filters() {
    let dir = copy_fixture("three");
    let p = dir.path().to_str().expect("utf-8 path");
    let (code, out, err) = entitle(&["agree", p]);
    assert_eq!(code, 0, "{err}");
    for needle in [
        "overall",
        "without O",
        "Relations F1",
        "worst first",
        "docs/a-nested",
        "carol",
    ] {
        assert!(out.contains(needle), "{needle} missing from:\n{out}");
    }
    let (code, out, err) = entitle(&[
        "agree",
        p,
        "--annotators",
        "alice,bob",
        "--labels",
        "PER,GPE",
        "--documents",
        "b-mixed",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["labels"], serde_json::json!(["PER", "GPE"]));
    assert_eq!(v["documents"], 1);
    assert_eq!(v["per_document"][0]["id"], "docs/b-mixed");
}

#[test]
fn cli_usage_errors_exit_2() {
    let dir = copy_fixture("two");
    let p = dir.path().to_str().expect("utf-8 path");
    let (code, _, err) = entitle(&["agree", p, "--annotators", "alice"]);
    assert_eq!(code, 2);
    assert!(err.contains("at least two annotators"), "{err}");
    let (code, _, err) = entitle(&["agree", p, "--annotators", "alice,zed"]);
    assert_eq!(code, 2);
    assert!(err.contains("zed has no annotations"), "{err}");
    let (code, _, err) = entitle(&["agree", p, "--documents", "nope"]);
    assert_eq!(code, 2);
    assert!(err.contains("no document nope"), "{err}");
    let (code, _, err) = entitle(&["agree", &format!("{p}/missing")]);
    assert_eq!(code, 2, "{err}");
    // Only one annotator besides `gold`: nothing to compare.
    let one = tempfile::tempdir().expect("dir");
    let q = one.path();
    std::fs::copy(dir.path().join("entitle.toml"), q.join("entitle.toml")).expect("copy");
    std::fs::create_dir_all(q.join("docs")).expect("mkdir");
    std::fs::write(q.join("docs/x.txt"), "Amal said.").expect("write");
    std::fs::create_dir_all(q.join("annotations/alice")).expect("mkdir");
    std::fs::create_dir_all(q.join("annotations/gold")).expect("mkdir");
    let (code, _, err) = entitle(&["agree", q.to_str().expect("utf-8")]);
    assert_eq!(code, 2);
    assert!(
        err.contains("at least two annotators") && err.contains("alice"),
        "{err}"
    );
}

#[test]
fn cli_damaged_file_is_named_and_exits_1() {
    let dir = copy_fixture("two");
    let f = dir.path().join("annotations/bob/docs/e-crlf.json");
    std::fs::write(&f, "{ not json").expect("damage");
    let (code, out, err) = entitle(&["agree", dir.path().to_str().expect("utf-8"), "--json"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("docs/e-crlf: not compared"), "{err}");
    let v: Value = serde_json::from_str(&out).expect("JSON still printed");
    assert_eq!(v["documents"], 5);
}
