//! Issue 10: two annotators on two clones of one project repository annotate the same
//! documents, commit, and pull both ways: git never reports a conflict and both layers
//! arrive whole. Drives the real `git` and Entitle's own session (the code path the
//! app saves through), then `entitle check` and `entitle curate` on the result.

use entitle::edit::Command;
use entitle::model::{DocId, DocStatus, Span};
use entitle::project::Project;
use entitle::session::Session;
use entitle::text::CharSpan;
use std::path::Path;
use std::process::Command as Proc;
use std::time::Duration;

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Proc::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.org")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.org")
        .output()
        .expect("git must be installed to run this test (apt install git)");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "git {args:?} in {}: {text}",
        dir.display()
    );
    text
}

/// Annotate `doc` as `who`: each `(needle, label)` tagged at its first occurrence.
fn annotate(root: &Path, who: &str, doc: &str, tags: &[(&str, &str)], done: bool) {
    let (project, _) = Project::open(root).unwrap();
    let mut s = Session::new(project, who).unwrap();
    let id = DocId::new(doc).unwrap();
    let text = s.ensure_open(&id).doc.clone().unwrap();
    for (needle, label) in tags {
        let chars: Vec<char> = text.text().chars().collect();
        let n: Vec<char> = needle.chars().collect();
        let start = chars
            .windows(n.len())
            .position(|w| w == &n[..])
            .unwrap_or_else(|| panic!("{needle:?} not in {doc}"));
        let set = &s.workspace.doc(&id).unwrap().set;
        let span = Span::new(
            set.next_id(),
            CharSpan::new(start, start + n.len(), text.len_chars()).unwrap(),
            entitle::label!(label),
            who,
            chrono::Utc::now(),
        );
        s.workspace
            .apply(
                Command::AddSpan {
                    doc: id.clone(),
                    span,
                },
                "Add",
            )
            .unwrap();
    }
    if done {
        s.workspace
            .apply(
                Command::SetStatus {
                    doc: id.clone(),
                    status: DocStatus::Done,
                },
                "Done",
            )
            .unwrap();
    }
    assert!(s.flush(Duration::from_secs(10)));
}

fn layer(root: &Path, who: &str, doc: &str) -> Vec<(usize, usize, String)> {
    let (project, _) = Project::open_read_only(root).unwrap();
    let parsed = project
        .read_annotations(who, &DocId::new(doc).unwrap())
        .unwrap()
        .unwrap_or_else(|| panic!("no {who} layer of {doc} in {}", root.display()));
    parsed
        .spans
        .iter()
        .map(|s| (s.start, s.end, s.label.clone()))
        .collect()
}

#[test]
fn two_annotators_on_two_clones_never_conflict_and_both_layers_arrive_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let origin = tmp.path().join("origin.git");
    std::fs::create_dir(&origin).unwrap();
    git(&origin, &["init", "-q", "--bare", "-b", "main"]);
    // The lead sets the project up: texts with curly quotes, an emoji, combining
    // marks, Arabic and CRLF line ends; a first save writes entitle.toml and .gitignore.
    let lead = tmp.path().join("lead");
    git(
        tmp.path(),
        &["clone", "-q", origin.to_str().unwrap(), "lead"],
    );
    std::fs::write(
        lead.join("a.txt"),
        "“Amal Haddad” met Nordlicht AG in Berlin 🎉.\r\nJose\u{301} Müller (ز) joined دمشق later.\r\n",
    )
    .unwrap();
    std::fs::write(
        lead.join("b.txt"),
        "Reuters reported from Homs on Friday.\n",
    )
    .unwrap();
    let (mut project, _) = Project::open(&lead).unwrap();
    assert!(project.ensure_initialized().unwrap());
    drop(project);
    assert!(
        lead.join(".gitignore").exists(),
        "a new project gets a .gitignore"
    );
    git(&lead, &["add", "-A"]);
    git(&lead, &["commit", "-q", "-m", "project"]);
    git(&lead, &["push", "-q", "origin", "main"]);

    let alice = tmp.path().join("alice");
    let bob = tmp.path().join("bob");
    git(
        tmp.path(),
        &["clone", "-q", origin.to_str().unwrap(), "alice"],
    );
    git(
        tmp.path(),
        &["clone", "-q", origin.to_str().unwrap(), "bob"],
    );
    for round in 0..2 {
        // Both annotate the same documents at the same time.
        if round == 0 {
            annotate(
                &alice,
                "alice",
                "a",
                &[("Amal Haddad", "PER"), ("Berlin", "LOC")],
                false,
            );
            annotate(&alice, "alice", "b", &[("Reuters", "ORG")], true);
            annotate(
                &bob,
                "bob",
                "a",
                &[("Amal", "PER"), ("Nordlicht AG", "ORG"), ("Berlin", "LOC")],
                true,
            );
        } else {
            annotate(
                &alice,
                "alice",
                "a",
                &[("Jose\u{301} Müller", "PER"), ("دمشق", "LOC")],
                true,
            );
            annotate(&bob, "bob", "a", &[("دمشق", "GPE")], true);
            annotate(
                &bob,
                "bob",
                "b",
                &[("Homs", "LOC"), ("Friday", "DATE")],
                true,
            );
        }
        // Only each annotator's own layer changed: no lock file, no shared file.
        for (dir, who) in [(&alice, "alice"), (&bob, "bob")] {
            let status = git(dir, &["status", "--porcelain", "--untracked-files=all"]);
            for line in status.lines() {
                assert!(
                    line[3..].starts_with(&format!("annotations/{who}/")),
                    "{who} would commit {line:?}"
                );
            }
            git(dir, &["add", "-A"]);
            git(
                dir,
                &["commit", "-q", "-m", &format!("{who} round {round}")],
            );
        }
        git(&alice, &["push", "-q", "origin", "main"]);
        // Bob pulls (a real merge, both sides committed) and pushes; Alice pulls.
        let merged = git(
            &bob,
            &["pull", "-q", "--no-rebase", "--no-edit", "origin", "main"],
        );
        assert!(!merged.contains("CONFLICT"), "{merged}");
        git(&bob, &["push", "-q", "origin", "main"]);
        git(
            &alice,
            &["pull", "-q", "--no-rebase", "--no-edit", "origin", "main"],
        );
    }
    // Both clones hold both layers, identical, and exactly as annotated.
    for dir in [&alice, &bob] {
        assert_eq!(
            layer(dir, "alice", "a"),
            vec![
                (1, 12, "PER".to_string()),
                (34, 40, "LOC".into()),
                (45, 57, "PER".into()),
                (69, 73, "LOC".into())
            ]
        );
        assert_eq!(
            layer(dir, "bob", "a"),
            vec![
                (1, 5, "PER".to_string()),
                (18, 30, "ORG".into()),
                (34, 40, "LOC".into()),
                (69, 73, "GPE".into())
            ]
        );
        assert_eq!(layer(dir, "alice", "b"), vec![(0, 7, "ORG".to_string())]);
        assert_eq!(layer(dir, "bob", "b").len(), 2);
        let check = Proc::new(env!("CARGO_BIN_EXE_entitle"))
            .args(["check", dir.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "{}",
            String::from_utf8_lossy(&check.stdout)
        );
    }
    for f in [
        "annotations/alice/a.json",
        "annotations/bob/a.json",
        "annotations/bob/b.json",
    ] {
        assert_eq!(
            std::fs::read(alice.join(f)).unwrap(),
            std::fs::read(bob.join(f)).unwrap(),
            "{f}"
        );
    }
    // The lead curates the agreed spans into gold in a third clone, and pushes it too.
    git(
        &lead,
        &["pull", "-q", "--no-rebase", "--no-edit", "origin", "main"],
    );
    let out = Proc::new(env!("CARGO_BIN_EXE_entitle"))
        .args(["--annotator", "lead", "curate", lead.to_str().unwrap()])
        .args([
            "--annotators",
            "alice,bob",
            "--into",
            "gold",
            "--take-agreed",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Both tagged Berlin LOC in a: that goes to gold, with who proposed and who curated.
    assert!(
        stdout.contains("1 agreed spans added to annotations/gold/"),
        "{stdout}"
    );
    assert!(
        stdout.contains("1..12 overlapping, different bounds"),
        "{stdout}"
    );
    let gold = std::fs::read_to_string(lead.join("annotations/gold/a.json")).unwrap();
    assert!(
        gold.contains(r#""text":"Berlin","annotator":"lead""#)
            && gold.contains(r#""proposed_by":["alice","bob"]"#),
        "{gold}"
    );
    let status = git(&lead, &["status", "--porcelain", "--untracked-files=all"]);
    assert_eq!(status.trim(), "?? annotations/gold/a.json");
}

/// One annotator on two machines edits the same document both ways: git itself writes
/// the conflict markers. Entitle names the file and the line, keeps the file as git
/// left it, and opens the document read-only; once resolved it is an ordinary file.
#[test]
fn a_conflict_written_by_git_is_reported_and_never_moved_aside() {
    let tmp = tempfile::tempdir().unwrap();
    let origin = tmp.path().join("origin.git");
    std::fs::create_dir(&origin).unwrap();
    git(&origin, &["init", "-q", "--bare", "-b", "main"]);
    let laptop = tmp.path().join("laptop");
    git(
        tmp.path(),
        &["clone", "-q", origin.to_str().unwrap(), "laptop"],
    );
    std::fs::write(
        laptop.join("a.txt"),
        "Amal Haddad met Nordlicht AG in Berlin.\n",
    )
    .unwrap();
    annotate(&laptop, "alice", "a", &[("Amal Haddad", "PER")], false);
    git(&laptop, &["add", "-A"]);
    git(&laptop, &["commit", "-q", "-m", "start"]);
    git(&laptop, &["push", "-q", "origin", "main"]);
    let desktop = tmp.path().join("desktop");
    git(
        tmp.path(),
        &["clone", "-q", origin.to_str().unwrap(), "desktop"],
    );
    // The same layer, the same document, two different edits.
    annotate(&laptop, "alice", "a", &[("Berlin", "GPE")], false);
    annotate(&desktop, "alice", "a", &[("Nordlicht AG", "ORG")], false);
    for (dir, m) in [(&laptop, "laptop"), (&desktop, "desktop")] {
        git(dir, &["commit", "-q", "-am", m]);
    }
    git(&laptop, &["push", "-q", "origin", "main"]);
    let out = Proc::new("git")
        .args(["pull", "-q", "--no-rebase", "--no-edit", "origin", "main"])
        .current_dir(&desktop)
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "git was expected to report a conflict"
    );
    let file = desktop.join("annotations/alice/a.json");
    let conflicted = std::fs::read_to_string(&file).unwrap();
    let line = conflicted
        .lines()
        .position(|l| l.starts_with("<<<<<<<"))
        .expect("git wrote conflict markers")
        + 1;
    // `entitle check`: exit 1, FILE:LINE, what to do.
    let check = Proc::new(env!("CARGO_BIN_EXE_entitle"))
        .args(["check", desktop.to_str().unwrap()])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&check.stdout).to_string()
        + &String::from_utf8_lossy(&check.stderr);
    assert_eq!(check.status.code(), Some(1), "{said}");
    assert!(
        said.contains(&format!("a.json:{line}")) && said.contains("merge conflict"),
        "{said}"
    );
    // Opening it: read-only, the file exactly as git left it, nothing set aside.
    let (project, _) = Project::open(&desktop).unwrap();
    let mut s = Session::new(project, "alice").unwrap();
    let id = DocId::new("a").unwrap();
    let od = s.ensure_open(&id).clone();
    assert!(
        matches!(&od.problem, Some(entitle::session::DocProblem::ReadOnly(r)) if r.contains("merge conflict")),
        "{:?}",
        od.problem
    );
    // Whatever autosave does meanwhile, the conflicted file is not written.
    assert!(s.flush(Duration::from_secs(5)));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), conflicted);
    let names: Vec<_> = std::fs::read_dir(file.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("a.json")]);
    // Resolved by taking the laptop's side: read again, editable.
    git(
        &desktop,
        &["checkout", "--theirs", "annotations/alice/a.json"],
    );
    assert_eq!(s.check_disk(), vec![id.clone()]);
    assert!(s.workspace.doc(&id).unwrap().read_only.is_none());
    assert_eq!(s.workspace.doc(&id).unwrap().set.len(), 2);
}
