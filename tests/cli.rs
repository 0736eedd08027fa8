//! The headless CLI as a user runs it: exit codes and messages.

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

#[test]
fn check_a_missing_folder_is_a_usage_error_with_the_same_message_as_the_app() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope");
    let (code, _, err) = entitle(&["check", missing.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("does not exist. Check the path, or open a folder of .txt files"),
        "{err}"
    );
}

#[test]
fn check_lists_every_problem_as_file_line_message() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("good.txt"), "Rami Abdel Rahman said.").unwrap();
    std::fs::write(p.join("binary.txt"), b"\x00\x01\x02").unwrap();
    std::fs::write(p.join("latin1.txt"), b"S\xe3o Paulo").unwrap();
    std::fs::write(p.join("empty.txt"), b"").unwrap();
    std::fs::create_dir_all(p.join("annotations/ann")).unwrap();
    std::fs::write(
        p.join("annotations/ann/good.json"),
        b"{\n  \"entitle_annotations\": 1,\n  \"document\": 7\n}",
    )
    .unwrap();
    let (code, out, err) = entitle(&["check", p.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(lines[0].ends_with("binary.txt: looks like a binary file, not text (a NUL byte at byte 0). Entitle annotates UTF-8 plain text (.txt); export the text from the original program first"), "{}", lines[0]);
    assert!(lines[1].contains("good.json:3: column"), "{}", lines[1]);
    assert!(
        lines[2].contains(
            "latin1.txt:1: is not valid UTF-8: bad byte 0xE3 at byte 1 (line 1, column 2)"
        ),
        "{}",
        lines[2]
    );
    assert!(err.contains("4 documents checked, 3 problems"), "{err}");
    // Checking changes nothing, and takes no lock.
    assert!(p.join("annotations/ann/good.json").exists());
    assert!(!p.join("entitle.toml").exists());
    assert!(!p.join(".entitle.lock").exists());
}

#[test]
fn check_of_a_clean_project_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "Homs").unwrap();
    let (code, out, err) = entitle(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.is_empty());
}

#[test]
fn usage_errors_exit_two() {
    let (code, _, err) = entitle(&["check"]);
    assert_eq!(code, 2);
    assert!(err.contains("Usage"), "{err}");
}

#[test]
fn convert_reports_bad_documents_and_exits_one() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    std::fs::write(
        &input,
        "{\"text\": \"Amal met Ben.\", \"entities\": [[0, 4, \"PER\"]]}\n{\"text\": \"x\", \"entities\": [[0, 9, \"PER\"]]}\n{\"text\": \"Oslo\", \"entities\": [[0, 4, \"GPE\"]]}\n",
    )
    .unwrap();
    let out = dir.path().join("out.conll");
    let (code, _, err) = entitle(&[
        "convert",
        input.to_str().unwrap(),
        "--from",
        "spacy-jsonl",
        "--to",
        "conll",
        "--output",
        out.to_str().unwrap(),
        "--scheme",
        "bilou",
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(
            "in.jsonl:2: span 0 PER: span 0..9 ends after the end of the text (1 characters)"
        ),
        "{err}"
    );
    assert!(
        err.contains("2 documents, 2 spans converted from spacy-jsonl to conll"),
        "{err}"
    );
    let conll = std::fs::read_to_string(&out).unwrap();
    assert!(
        conll.contains("Amal U-PER\n") && conll.contains("Oslo U-GPE\n"),
        "{conll}"
    );
}

#[test]
fn convert_usage_errors_exit_two() {
    let (code, _, err) = entitle(&[
        "convert", "x", "--from", "xml", "--to", "conll", "--output", "y",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("use one of txt, jsonl, brat, conll, spacy-jsonl, spacy, doccano, label-studio, prodigy, webanno-tsv, csv"), "{err}");
    let (code, _, err) = entitle(&[
        "convert", "x", "--from", "csv", "--to", "conll", "--output", "y",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("export-only"), "{err}");
}

#[test]
fn import_then_export_then_stats() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("tasks.jsonl");
    std::fs::write(&input, "{\"id\": 17, \"text\": \"Rami Abdel Rahman said in Homs.\", \"spans\": [{\"start\": 0, \"end\": 17, \"label\": \"PER\"}, {\"start\": 26, \"end\": 30, \"label\": \"GPE\"}], \"meta\": {\"source\": \"wire\"}}\n").unwrap();
    let project = dir.path().join("proj");
    let (code, _, err) = entitle(&[
        "import",
        project.to_str().unwrap(),
        input.to_str().unwrap(),
        "--format",
        "jsonl",
        "--annotator",
        "ann",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(project.join("docs/17.txt").exists());
    assert!(project.join("annotations/ann/docs/17.json").exists());
    // Importing the same again merges (no duplicate document, no duplicate spans).
    let (code, _, err) = entitle(&[
        "import",
        project.to_str().unwrap(),
        input.to_str().unwrap(),
        "--format",
        "jsonl",
        "--annotator",
        "ann",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("not added: there is already a PER span"),
        "{err}"
    );
    let out = dir.path().join("back.jsonl");
    let (code, _, err) = entitle(&[
        "export",
        project.to_str().unwrap(),
        "--format",
        "jsonl",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let line = std::fs::read_to_string(&out).unwrap();
    assert!(
        line.starts_with(
            "{\"id\":17,\"text\":\"Rami Abdel Rahman said in Homs.\",\"meta\":{\"source\":\"wire\""
        ),
        "{line}"
    );
    let (code, json, _) = entitle(&["stats", project.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["documents"], 1);
    assert_eq!(v["labels"]["PER"], 1);
    assert_eq!(v["annotators"]["ann"]["spans"], 2);
    assert_eq!(v["per_document"]["docs/17"]["ann"]["labels"]["GPE"], 1);
    let (code, text, _) = entitle(&["stats", project.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(text.contains("1 documents, 2 spans"), "{text}");
}

/// Issue 9.3: `entitle suggest` learns from one annotator's spans and writes Entitle
/// JSONL whose spans are suggestions with their engine and score (readable back as
/// waiting suggestions, not annotations), or adds them to the project with --apply
/// (once: running it again adds nothing new). Usage errors exit 2.
#[test]
fn suggest_writes_jsonl_or_applies_waiting_suggestions() {
    use entitle::edit::Command;
    use entitle::model::{DocId, Label, Span};
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("wire");
    std::fs::create_dir_all(p.join("gazetteers")).unwrap();
    std::fs::write(p.join("a.txt"), "HTS fighters entered Idlib, said Sharif.").unwrap();
    std::fs::write(
        p.join("b.txt"),
        "“Sharif” left Idlib for Homs 🎉\r\nHTS stayed.",
    )
    .unwrap();
    std::fs::write(p.join("gazetteers/places.tsv"), "Homs\tGPE\twikidata:Q80\n").unwrap();
    {
        let (project, _) = entitle::project::Project::open(&p).unwrap();
        let mut s = entitle::session::Session::new(project, "tester").unwrap();
        let id = DocId::new("a").unwrap();
        let text = s.ensure_open(&id).doc.as_ref().unwrap().text().to_string();
        for (needle, label) in [("HTS", "ORG"), ("Idlib", "GPE"), ("Sharif", "PER")] {
            let start = text[..text.find(needle).unwrap()].chars().count();
            let set = &s.workspace.doc(&id).unwrap().set;
            let span = Span::new(
                set.next_id(),
                entitle::text::CharSpan::new(start, start + needle.len(), text.chars().count())
                    .unwrap(),
                Label::new(label).unwrap(),
                "tester",
                chrono::Utc::now(),
            );
            s.workspace
                .apply(
                    Command::AddSpan {
                        doc: id.clone(),
                        span,
                    },
                    "add",
                )
                .unwrap();
        }
        assert!(s.flush(std::time::Duration::from_secs(5)));
    }
    let root = p.to_str().unwrap();
    let out = dir.path().join("suggested.jsonl");
    let (code, stdout, err) = entitle(&[
        "suggest",
        root,
        "--annotator",
        "tester",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        stdout.contains("4 suggestions in 1 of 1 documents"),
        "{stdout}"
    );
    let text = std::fs::read_to_string(&out).unwrap();
    let line: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(line["id"], "b");
    let spans: Vec<(String, String, String)> = line["spans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            assert_eq!(s["status"], "suggested");
            (
                s["text"].as_str().unwrap().to_string(),
                s["label"].as_str().unwrap().to_string(),
                s["source"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        spans,
        [
            ("Sharif".into(), "PER".into(), "same-string".into()),
            ("Idlib".into(), "GPE".into(), "same-string".into()),
            ("Homs".into(), "GPE".into(), "gazetteer".into()),
            ("HTS".into(), "ORG".into(), "same-string".into()),
        ]
    );
    // Read back as Entitle JSONL: waiting suggestions, no annotations.
    let (code, stdout, err) = entitle(&["validate", out.to_str().unwrap(), "--format", "jsonl"]);
    assert_eq!(code, 0, "{stdout}{err}");
    // Imported into a project, they stay waiting suggestions: no spans.
    let imp = dir.path().join("imported");
    let (code, _, err) = entitle(&[
        "import",
        imp.to_str().unwrap(),
        out.to_str().unwrap(),
        "--format",
        "jsonl",
        "--annotator",
        "tester",
    ]);
    assert_eq!(code, 0, "{err}");
    let file = std::fs::read_to_string(imp.join("annotations/tester/docs/b.json")).unwrap();
    assert!(file.contains("\"spans\": []"), "{file}");
    assert_eq!(file.matches("\"source\":").count(), 4, "{file}");
    // Engines can be chosen; --documents all includes a (nothing new there).
    let (code, stdout, _) = entitle(&[
        "suggest",
        root,
        "--annotator",
        "tester",
        "--engines",
        "gazetteer",
        "--documents",
        "all",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("1 suggestions in 1 of 2 documents"),
        "{stdout}"
    );
    // --apply: kept in b's annotation file as waiting suggestions; again: none added.
    let (code, stdout, err) = entitle(&["suggest", root, "--annotator", "tester", "--apply"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        stdout.contains("4 suggestions in 1 of 1 documents added"),
        "{stdout}"
    );
    let file = std::fs::read_to_string(p.join("annotations/tester/b.json")).unwrap();
    assert_eq!(file.matches("\"source\":").count(), 4, "{file}");
    assert!(file.contains("\"spans\": []"), "{file}");
    let (code, _, _) = entitle(&["suggest", root, "--annotator", "tester", "--apply"]);
    assert_eq!(code, 0);
    let again = std::fs::read_to_string(p.join("annotations/tester/b.json")).unwrap();
    assert_eq!(again.matches("\"source\":").count(), 4);
    // Usage errors.
    let (code, _, err) = entitle(&["suggest", root]);
    assert_eq!(code, 2);
    assert!(err.contains("--output FILE.jsonl"), "{err}");
    let (code, _, err) = entitle(&["suggest", root, "--engines", "magic", "--apply"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown engine"), "{err}");
}

/// Issue 9.1/9.3: the project's patterns (`patterns.jsonl`, `patterns/*.jsonl`) run in
/// `entitle suggest`; a line that cannot be used is named with its file and line (exit
/// 1) and the others still work.
#[test]
fn suggest_runs_the_projects_patterns_and_names_bad_lines() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("wire");
    std::fs::create_dir_all(p.join("patterns")).unwrap();
    std::fs::write(
        p.join("a.txt"),
        "Fighting resumed in 2020 near “San Francisco” and Homs 😀 in 2019.\r\n",
    )
    .unwrap();
    std::fs::write(
        p.join("patterns.jsonl"),
        "{\"label\": \"DATE\", \"pattern\": [{\"SHAPE\": \"dddd\"}]}\n{\"label\": \"GPE\", \"pattern\": \"San Francisco\"}\n",
    )
    .unwrap();
    std::fs::write(
        p.join("patterns/more.jsonl"),
        "{\"label\": \"GPE\", \"pattern\": [{\"LOWER\": \"homs\"}]}\n{\"label\": \"GPE\", \"pattern\": [{\"NOPE\": 1}]}\n",
    )
    .unwrap();
    let out = dir.path().join("s.jsonl");
    let (code, stdout, err) = entitle(&[
        "suggest",
        p.to_str().unwrap(),
        "--annotator",
        "tester",
        "--engines",
        "patterns",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{stdout}{err}");
    assert!(err.contains("more.jsonl:2:"), "{err}");
    assert!(
        stdout.contains("4 suggestions in 1 of 1 documents"),
        "{stdout}"
    );
    let line: serde_json::Value = serde_json::from_str(
        std::fs::read_to_string(&out)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    let got: Vec<(String, String, String)> = line["spans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["text"].as_str().unwrap().into(),
                s["label"].as_str().unwrap().into(),
                s["source"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("2020".into(), "DATE".into(), "pattern".into()),
            ("San Francisco".into(), "GPE".into(), "pattern".into()),
            ("Homs".into(), "GPE".into(), "pattern".into()),
            ("2019".into(), "DATE".into(), "pattern".into()),
        ]
    );
}
