use super::*;
use proptest::prelude::*;

fn entry(db: &str, id: &str, name: &str, aliases: &[&str]) -> KbEntry {
    KbEntry {
        db: db.into(),
        id: id.into(),
        name: name.into(),
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
        description: None,
    }
}

/// The project folder with `kb/` holding `files`.
fn project(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(KB_DIR)).unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.path().join(KB_DIR).join(name), bytes).unwrap();
    }
    dir
}

fn names(c: &[Completion]) -> Vec<&str> {
    c.iter().map(|c| c.name.as_str()).collect()
}

fn sample() -> Kb {
    Kb::from_entries(&[
        entry("wikidata", "Q90", "Paris", &["City of Light", "Lutetia"]),
        entry("wikidata", "Q3139", "Gare de Paris-Nord", &[]),
        entry("wikidata", "Q167646", "Paris Hilton", &[]),
        entry("wikidata", "Q830149", "Parisii", &[]),
        entry("wikidata", "Q1", "Universe", &["Cosmos", "Paris"]),
        entry("local", "p-7", "Paris", &[]),
    ])
}

#[test]
fn ranking_exact_then_prefix_then_word_shorter_first_then_file_order() {
    let kb = sample();
    let got = kb.complete("paris", 10);
    assert_eq!(
        got.iter()
            .map(|c| (c.id.as_str(), c.kind, c.alias.as_deref()))
            .collect::<Vec<_>>(),
        [
            ("Q90", MatchKind::Exact, None),
            ("Q1", MatchKind::Exact, Some("Paris")),
            ("p-7", MatchKind::Exact, None),
            ("Q830149", MatchKind::Prefix, None),
            ("Q167646", MatchKind::Prefix, None),
            ("Q3139", MatchKind::Word, None),
        ]
    );
    assert!(got.windows(2).all(|w| w[0].score >= w[1].score), "{got:?}");
    assert_eq!(got[0].normalised(), "wikidata:Q90");
    assert_eq!(got[2].normalised(), "local:p-7");
    // A trailing space asks for the next word.
    assert_eq!(names(&kb.complete("Paris ", 10)), ["Paris Hilton"]);
    let got = kb.complete("city of l", 10);
    assert_eq!(names(&got), ["Paris"]);
    assert_eq!(got[0].alias.as_deref(), Some("City of Light"));
    assert_eq!(got[0].kind, MatchKind::Prefix);
    // Word prefix inside a hyphenated name; white space runs in the query fold away.
    assert_eq!(names(&kb.complete("nord", 10)), ["Gare de Paris-Nord"]);
    assert_eq!(
        names(&kb.complete("  gare   DE ", 10)),
        ["Gare de Paris-Nord"]
    );
    assert!(kb.complete("aris", 10).is_empty(), "no match inside a word");
}

#[test]
fn ids_exact_with_or_without_their_knowledge_base() {
    let kb = sample();
    let got = kb.complete("Q90", 10);
    assert_eq!((got[0].id.as_str(), got[0].kind), ("Q90", MatchKind::Id));
    assert_eq!(got.len(), 1, "Q90 is no name prefix: {got:?}");
    assert_eq!(kb.complete("q90", 10)[0].id, "Q90");
    let got = kb.complete("wikidata:Q1", 10);
    assert_eq!(
        got.iter()
            .map(|c| (c.id.as_str(), c.kind))
            .collect::<Vec<_>>(),
        [("Q1", MatchKind::Id)]
    );
    assert!(kb.complete("local:Q1", 10).is_empty());
    assert_eq!(kb.complete("local:p-7", 10)[0].name, "Paris");
    assert!(kb.complete("Q9", 10).is_empty(), "ids match whole");
}

#[test]
fn limit_empty_queries_and_one_completion_per_entry() {
    let kb = sample();
    assert_eq!(kb.complete("par", 2).len(), 2);
    assert_eq!(kb.complete("par", 0).len(), 0);
    assert!(kb.complete("", 10).is_empty());
    assert!(kb.complete("  \t ", 10).is_empty());
    assert!(
        kb.complete("\u{301}", 10).is_empty(),
        "only a mark folds to nothing"
    );
    // Q1 has "Paris" as an alias and "Universe" as its name: listed once.
    let got = kb.complete("p", 100);
    let mut entries: Vec<usize> = got.iter().map(|c| c.entry).collect();
    entries.sort_unstable();
    entries.dedup();
    assert_eq!(entries.len(), got.len());
    assert_eq!(got.len(), 6);
    assert!(Kb::default().complete("paris", 10).is_empty());
}

#[test]
fn unicode_folding_curly_quotes_emoji_marks_and_arabic() {
    let kb = Kb::from_entries(&[
        entry("kb", "1", "“Hope” Party 🎉", &[]),
        entry("kb", "2", "Zoe\u{308} Ångström", &["Łódź"]),
        entry("kb", "3", "أحمد الشرع", &["أبو محمد الجولاني"]),
        entry("kb", "4", "🎉 Fiesta", &[]),
        entry("kb", "5", "İstanbul", &["Diyarbakır"]),
    ]);
    assert_eq!(names(&kb.complete("hope", 5)), ["“Hope” Party 🎉"]);
    assert_eq!(names(&kb.complete("“hope”", 5)), ["“Hope” Party 🎉"]);
    assert_eq!(names(&kb.complete("party 🎉", 5)), ["“Hope” Party 🎉"]);
    for q in ["zoë", "ZOE", "Zoe\u{308}", "angstrom", "ÅNG"] {
        assert_eq!(
            names(&kb.complete(q, 5)),
            ["Zoe\u{308} Ångström"],
            "query {q:?}"
        );
    }
    assert_eq!(kb.complete("lodz", 5)[0].alias.as_deref(), Some("Łódź"));
    // Hamza above and below fold to a bare alef; harakat and tatweel are ignored.
    assert_eq!(names(&kb.complete("احمد", 5)), ["أحمد الشرع"]);
    assert_eq!(names(&kb.complete("أَحْمَد", 5)), ["أحمد الشرع"]);
    assert_eq!(names(&kb.complete("الشـرع", 5)), ["أحمد الشرع"]);
    assert_eq!(
        kb.complete("الجولاني", 5)[0].alias.as_deref(),
        Some("أبو محمد الجولاني")
    );
    assert_eq!(names(&kb.complete("fies", 5)), ["🎉 Fiesta"]);
    assert_eq!(names(&kb.complete("🎉", 5)), ["🎉 Fiesta"]);
    assert_eq!(names(&kb.complete("istan", 5)), ["İstanbul"]);
    assert_eq!(names(&kb.complete("diyarbakir", 5)), ["İstanbul"]);
    assert_eq!(fold("  Zoë\tÅNGSTRÖM  "), "zoe angstrom");
    let table = super::fold_table::BASE;
    assert!(
        table.windows(2).all(|w| w[0].0 < w[1].0),
        "sorted for binary search"
    );
}

#[test]
fn csv_with_header_crlf_bom_aliases_descriptions_and_bad_lines() {
    let csv = "\u{feff}ID,Name,Aliases,Description\r\n\
        Q90,Paris,City of Light|Lutetia;Paname,capital of France\r\n\
        wikidata:Q64,Berlin,,\r\n\
        \r\n\
        Q1\r\n\
        ,Nameless\r\n\
        Q2,\r\n\
        \"Q3\",\"Rome, Italy\",\"Urbs\"\r\n\
        Paris France,Q5\r\n\
        Q6,Tripoli,,\"a city\r\nin Libya\"\r\n\
        \n\
        Q7,,no name";
    let dir = project(&[("places.csv", csv.as_bytes())]);
    let (kb, problems) = load_dir(dir.path());
    assert_eq!(kb.len(), 4, "{problems:?}");
    let paris = kb.entry(0).unwrap();
    assert_eq!(
        paris,
        KbEntry {
            db: "places".into(),
            id: "Q90".into(),
            name: "Paris".into(),
            aliases: vec!["City of Light".into(), "Lutetia".into(), "Paname".into()],
            description: Some("capital of France".into()),
        }
    );
    let berlin = kb.entry(1).unwrap();
    assert_eq!(
        (berlin.db.as_str(), berlin.id.as_str()),
        ("wikidata", "Q64")
    );
    assert_eq!(kb.entry(2).unwrap().name, "Rome, Italy");
    let shown: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    let file = dir.path().join("kb").join("places.csv");
    let at = |line: usize, what: &str| format!("{}:{line}: {what}", file.display());
    assert_eq!(shown.len(), 5, "{shown:#?}");
    assert!(
        shown[0].starts_with(&at(5, "needs an id and a name")),
        "{shown:#?}"
    );
    assert!(
        shown[1].starts_with(&at(6, "the id is empty")),
        "{shown:#?}"
    );
    assert!(
        shown[2].starts_with(&at(7, "the name is empty")),
        "{shown:#?}"
    );
    assert!(shown[3].starts_with(&at(9, "the id \"Paris France\" has white space")));
    // After a record over two lines and a blank line; the last line has no line break.
    assert!(
        shown[4].starts_with(&at(13, "the name is empty")),
        "{shown:#?}"
    );
    assert_eq!(
        kb.entry(3).unwrap().description.as_deref(),
        Some("a city in Libya")
    );
    let c = &kb.complete("paname", 5)[0];
    assert_eq!(
        (c.alias.as_deref(), c.description.as_deref()),
        (Some("Paname"), Some("capital of France"))
    );
    assert_eq!(kb.files().len(), 1);
    assert_eq!(kb.files()[0].entries, 4);
}

#[test]
fn tsv_without_header_keeps_quotes_and_a_header_may_reorder_columns() {
    let dir = project(&[
        (
            "a.tsv",
            b"Q7\tthe \"Kurdish\" party\tPKK\n\xff\tbad\nQ8\tOK\n",
        ),
        ("b.csv", b"name,id,alias\nDamascus,Q3766,Sham\n"),
    ]);
    let (kb, problems) = load_dir(dir.path());
    assert_eq!(kb.len(), 3, "{problems:?}");
    assert_eq!(kb.entry(0).unwrap().name, "the \"Kurdish\" party");
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].line, Some(2));
    assert!(problems[0].message.contains("UTF-8"), "{problems:?}");
    let damascus = kb.entry(2).unwrap();
    assert_eq!(
        (
            damascus.db.as_str(),
            damascus.id.as_str(),
            damascus.name.as_str()
        ),
        ("b", "Q3766", "Damascus")
    );
    assert_eq!(damascus.aliases, ["Sham"]);
}

#[test]
fn jsonl_lines_with_numbers_db_label_and_bad_lines() {
    let jsonl = concat!(
        "{\"id\": \"Q90\", \"name\": \"Paris\", \"aliases\": [\"City of Light\"], \"description\": \"capital\"}\r\n",
        "\r\n",
        "not json\n",
        "{\"id\": 64, \"label\": \"Berlin\", \"db\": \"wikidata\"}\n",
        "{\"name\": \"No id\"}\n",
        "{\"id\": \"Q5\", \"name\": \"Five\", \"aliases\": [1, 2]}\n",
        "{\"id\": \"geo:7\", \"name\": \"Seven\", \"aliases\": \"Sept|Siete\"}\n",
        "[1, 2]\n",
        "{\"id\": \"Q8\", \"name\": \"Eight\", \"db\": \"my kb\"}\n",
    );
    let dir = project(&[("wiki.jsonl", jsonl.as_bytes())]);
    let (kb, problems) = load_dir(dir.path());
    assert_eq!(kb.len(), 3, "{problems:#?}");
    assert_eq!(kb.entry(0).unwrap().db, "wiki");
    assert_eq!(kb.entry(0).unwrap().description.as_deref(), Some("capital"));
    let berlin = kb.entry(1).unwrap();
    assert_eq!((berlin.db.as_str(), berlin.id.as_str()), ("wikidata", "64"));
    let seven = kb.entry(2).unwrap();
    assert_eq!((seven.db.as_str(), seven.id.as_str()), ("geo", "7"));
    assert_eq!(seven.aliases, ["Sept", "Siete"]);
    let lines: Vec<Option<usize>> = problems.iter().map(|p| p.line).collect();
    assert_eq!(
        lines,
        [Some(3), Some(5), Some(6), Some(8), Some(9)],
        "{problems:#?}"
    );
    assert!(problems[1].message.contains("has no \"id\""));
    assert!(problems[2].message.contains("list of strings"));
    assert!(problems[4].message.contains("white space or a colon"));
}

#[test]
fn empty_or_missing_folder_and_other_files_are_no_problem() {
    let dir = tempfile::tempdir().unwrap();
    let (kb, problems) = load_dir(dir.path());
    assert!(kb.is_empty() && problems.is_empty());
    let dir = project(&[("notes.txt", b"ignored"), (".hidden.csv", b"Q1,x\n")]);
    let (kb, problems) = load_dir(dir.path());
    assert!(kb.is_empty() && problems.is_empty(), "{problems:?}");
    assert!(kb.complete("x", 10).is_empty());
    let dir = project(&[("empty.csv", b""), ("blank.jsonl", b"\n\n")]);
    let (kb, problems) = load_dir(dir.path());
    assert!(kb.is_empty() && problems.is_empty(), "{problems:?}");
}

#[test]
fn files_in_name_order_repeated_ids_reported_and_problems_capped() {
    let mut many = String::new();
    for _ in 0..30 {
        many.push_str(",no id\n");
    }
    let dir = project(&[
        ("b10.csv", b"Q1,Again\nQ2,Two\n"),
        ("b2.csv", b"Q1,First\n"),
        ("bad.csv", many.as_bytes()),
    ]);
    let (kb, problems) = load_dir(dir.path());
    // Natural order: b2 before b10; repeated ids are per knowledge base (the stem).
    assert_eq!(names(&kb.complete("first", 5)), ["First"]);
    assert_eq!(kb.entry(0).unwrap().name, "First");
    assert!(kb.repeated_ids().is_empty(), "b2:Q1 and b10:Q1 differ");
    let bad: Vec<&KbProblem> = problems
        .iter()
        .filter(|p| p.file.ends_with("bad.csv"))
        .collect();
    assert_eq!(bad.len(), loader_cap() + 1);
    assert_eq!(
        bad.last().unwrap().message,
        "10 more lines could not be used"
    );
    let dir = project(&[(
        "w.jsonl",
        b"{\"id\":\"Q1\",\"name\":\"A\"}\n{\"id\":\"wikidata:Q1\",\"name\":\"B\"}\n{\"id\":\"Q1\",\"name\":\"C\"}\n",
    )]);
    let (kb, problems) = load_dir(dir.path());
    assert_eq!(kb.len(), 3);
    assert_eq!(kb.repeated_ids(), [2]);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0]
            .message
            .starts_with("1 line repeats an id listed before (first: w:Q1)")
    );
    // Both listings are offered.
    assert_eq!(kb.complete("w:Q1", 5).len(), 2);
}

fn loader_cap() -> usize {
    load::MAX_PROBLEMS
}

#[test]
fn spawn_load_sends_once_and_kb_is_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Kb>();
    let dir = project(&[("kb.csv", b"Q1,Aleppo\n")]);
    let rx = spawn_load(dir.path().to_path_buf());
    let (kb, problems) = rx.recv().unwrap();
    assert_eq!((kb.len(), problems.len()), (1, 0));
    assert!(rx.recv().is_err(), "one result, then the thread is gone");
    assert!(kb.memory_usage() > 0);
}

#[test]
fn builder_refuses_entries_without_id_db_or_letters_and_keeps_going() {
    let mut b = KbBuilder::new();
    assert!(
        b.push(&entry("", "Q1", "x", &[])).is_err(),
        "no db anywhere"
    );
    assert!(b.push(&entry("kb", "Q1", "\u{301}\u{640}", &[])).is_err());
    assert!(b.push(&entry("kb", "Q1", "  ", &[])).is_err());
    b.push(&entry("", "wikidata:Q2", "Two", &["two", "TWO ", "Deux"]))
        .unwrap();
    b.push(&entry(
        "wikidata",
        "wikidata:Q3",
        "Three\u{0}\u{1f}Drei",
        &[],
    ))
    .unwrap();
    let kb = b.finish();
    assert_eq!(kb.len(), 2);
    let two = kb.entry(0).unwrap();
    assert_eq!((two.db.as_str(), two.id.as_str()), ("wikidata", "Q2"));
    assert_eq!(
        two.aliases,
        ["Deux"],
        "aliases folding like the name add nothing"
    );
    let three = kb.entry(1).unwrap();
    assert_eq!(
        (three.id.as_str(), three.name.as_str()),
        ("Q3", "Three Drei")
    );
    assert_eq!(names(&kb.complete("drei", 5)), ["Three Drei"]);
}

#[test]
fn a_name_is_found_by_itself_even_ending_in_something_folding_drops() {
    // Found by the fuzzer: a space then a BOM folded to "htion", the query to "htion ".
    let kb = Kb::from_entries(&[
        entry("kb", "90", "htion \u{feff}", &[]),
        entry("kb", "91", "ab \u{640}", &[]),
    ]);
    for i in 0..kb.len() {
        let name = kb.entry(i).unwrap().name;
        assert_eq!(kb.complete(&name, 5)[0].entry, i, "{name:?}");
        assert_eq!(kb.complete(&name, 5)[0].kind, MatchKind::Exact);
    }
}

#[test]
fn big_ranges_give_the_same_best_as_a_full_sort() {
    // Enough keys for many blocks, with names of many lengths, all starting with "a".
    let entries: Vec<KbEntry> = (0..5_000)
        .map(|i| {
            let len = 3 + (i * 7919) % 17;
            let name: String = std::iter::once('a')
                .chain((1..len).map(|j| (b'a' + ((i * 31 + j * 7) % 26) as u8) as char))
                .collect();
            entry(
                "kb",
                &format!("Q{i}"),
                &format!("{name} x{}", i % 13),
                &[&format!("b a{i}")],
            )
        })
        .collect();
    let kb = Kb::from_entries(&entries);
    for q in ["a", "ab", "x1", "b a1"] {
        let got = kb.complete(q, 25);
        let qf = fold(q);
        // The same ranking by brute force.
        let mut all: Vec<(u8, usize, usize, usize)> = Vec::new();
        for (i, e) in entries.iter().enumerate() {
            let mut best: Option<(u8, usize, usize, usize)> = None;
            for (k, s) in std::iter::once(&e.name).chain(&e.aliases).enumerate() {
                let f = fold(s);
                let len = s.chars().count();
                let tier = if f == qf {
                    0
                } else if f.starts_with(&qf) {
                    1
                } else if f
                    .match_indices(' ')
                    .any(|(j, _)| f[j + 1..].starts_with(&qf))
                {
                    2
                } else {
                    continue;
                };
                let key = (tier, if tier == 0 { 0 } else { len }, i, k);
                best = best.min(Some(key)).or(Some(key));
            }
            all.extend(best);
        }
        all.sort();
        let want: Vec<usize> = all.iter().take(25).map(|x| x.2).collect();
        let got_entries: Vec<usize> = got.iter().map(|c| c.entry).collect();
        assert_eq!(got_entries, want, "query {q:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn every_entry_is_found_by_a_prefix_of_its_name(
        names in prop::collection::vec("[a-zA-Zé ’\u{0627}-\u{064a}🎉-]{1,12}", 1..40),
        cut in 1usize..6,
    ) {
        let entries: Vec<KbEntry> = names
            .iter()
            .enumerate()
            .map(|(i, n)| entry("kb", &format!("Q{i}"), n, &[]))
            .collect();
        let mut b = KbBuilder::new();
        let mut kept = Vec::new();
        for e in &entries {
            if b.push(e).is_ok() {
                kept.push(e);
            }
        }
        let kb = b.finish();
        for (i, e) in kept.iter().enumerate() {
            let q: String = e.name.trim().chars().take(cut).collect();
            // A trailing space asks for a next word, which the name may not have.
            let q = q.trim_end();
            if fold(q).is_empty() {
                continue;
            }
            let got = kb.complete(q, MAX_LIMIT);
            prop_assert!(
                got.iter().any(|c| c.entry == i),
                "{:?} not found by {:?}: {:?}", e.name, q, got
            );
        }
    }
}
