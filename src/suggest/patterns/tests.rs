use super::*;

fn patterns(jsonl: &str) -> Patterns {
    let mut p = Patterns::default();
    let (_, problems) = p.add_jsonl(jsonl, "t.jsonl");
    assert!(problems.is_empty(), "{problems:?}");
    p
}

/// (matched text, label) of every match.
fn found(jsonl: &str, text: &str) -> Vec<(String, String)> {
    let chars: Vec<char> = text.chars().collect();
    patterns(jsonl)
        .find(text)
        .iter()
        .map(|s| {
            (
                chars[s.span.start()..s.span.end()].iter().collect(),
                s.label.to_string(),
            )
        })
        .collect()
}

fn texts(jsonl: &str, text: &str) -> Vec<String> {
    found(jsonl, text).into_iter().map(|(t, _)| t).collect()
}

#[test]
fn phrase_patterns_match_whole_tokens_exactly() {
    let p = r#"{"label": "ORG", "pattern": "Apple Inc."}
{"label": "GPE", "pattern": "Syria"}"#;
    assert_eq!(
        found(
            p,
            "Apple Inc. left Syria’s north; apple inc. and Syrian did not."
        ),
        [
            ("Apple Inc.".into(), "ORG".into()),
            ("Syria".into(), "GPE".into())
        ]
    );
    // Not inside a token, not across a line break (a token of its own).
    assert!(texts(p, "Syrians\nApple\nInc.").is_empty());
}

#[test]
fn phrase_patterns_lower_extension() {
    let p = r#"{"label": "ORG", "pattern": "Islamic State", "attr": "LOWER"}"#;
    assert_eq!(
        texts(p, "the ISLAMIC STATE and islamic state"),
        ["ISLAMIC STATE", "islamic state"]
    );
}

#[test]
fn token_attributes() {
    let cases: &[(&str, &str, &[&str])] = &[
        (r#"[{"ORTH": "IS"}]"#, "IS is Is", &["IS"]),
        (r#"[{"TEXT": "IS"}]"#, "IS is Is", &["IS"]),
        (r#"[{"lower": "is"}]"#, "IS is Is", &["IS", "is", "Is"]),
        (r#"[{"IS_DIGIT": true}]"#, "in 2014 or 1.5", &["2014"]),
        (
            r#"[{"IS_ALPHA": true}, {"IS_DIGIT": true}]"#,
            "in 2014 or 1.5",
            &["in 2014"],
        ),
        (
            r#"[{"IS_TITLE": true}, {"IS_TITLE": true}]"#,
            "Rami Abdel RAHMAN",
            &["Rami Abdel"],
        ),
        (r#"[{"IS_UPPER": true}]"#, "HTS and Hts", &["HTS"]),
        (
            r#"[{"IS_LOWER": true, "LENGTH": 3}]"#,
            "HTS and Hts",
            &["and"],
        ),
        (r#"[{"IS_PUNCT": true}]"#, "a, “b” $", &[",", "“", "”"]),
        (
            r#"[{"LIKE_NUM": true}]"#,
            "forty 10,000 3.5 x1",
            &["forty", "10,000", "3.5"],
        ),
        (r#"[{"SHAPE": "dddd"}]"#, "in 2014 or 201", &["2014"]),
        (r#"[{"SHAPE": "Xx-Xxxxx"}]"#, "Al-Sukhna", &[]), // three tokens in spaCy
        (r#"[{"LENGTH": 5}]"#, "a Syria", &["Syria"]),
        (
            r#"[{"LENGTH": {">=": 6}}]"#,
            "a Syria Britain",
            &["Britain"],
        ),
        (
            r#"[{"LENGTH": {"<": 2}, "IS_ALPHA": true}]"#,
            "a Syria",
            &["a"],
        ),
        (r#"[{"LENGTH": {"!=": 1, "<=": 2}}]"#, "a is Syria", &["is"]),
        (r#"[{"LENGTH": {"==": 3}}]"#, "a HTS", &["HTS"]),
        (r#"[{"LENGTH": {">": 5}}]"#, "a Britain", &["Britain"]),
        (r#"[{"LENGTH": {"IN": [1, 3]}}]"#, "a is HTS", &["a", "HTS"]),
        (r#"[{"LENGTH": {"NOT_IN": [1, 3]}}]"#, "a is HTS", &["is"]),
        (
            r#"[{"LOWER": {"IN": ["homs", "idlib"]}}]"#,
            "Homs, Idlib, Aleppo",
            &["Homs", "Idlib"],
        ),
        (
            r#"[{"ORTH": {"NOT_IN": [",", "Homs"]}}]"#,
            "Homs, Idlib",
            &["Idlib"],
        ),
        (
            r#"[{"TEXT": {"REGEX": "^[A-Z]{2,}$"}}]"#,
            "HTS and IS or Is",
            &["HTS", "IS"],
        ),
        (
            r#"[{"LOWER": {"REGEX": "stan$"}}]"#,
            "Pakistan AFGHANISTAN stand",
            &["Pakistan", "AFGHANISTAN"],
        ),
        (r#"[{"IS_SPACE": true}]"#, "a\nb", &["\n"]),
        (r#"[{"IS_ASCII": false}]"#, "a é", &["é"]),
        (r#"[{}, {"LOWER": "war"}]"#, "Syria’s war", &["’s war"]),
    ];
    for (pattern, text, expected) in cases {
        let p = format!(r#"{{"label": "X", "pattern": {pattern}}}"#);
        assert_eq!(texts(&p, text), *expected, "{pattern} on {text:?}");
    }
}

#[test]
fn operators() {
    let cases: &[(&str, &str, &[&str])] = &[
        // `?`: with and without; the longest is kept.
        (
            r#"[{"LOWER": "the", "OP": "?"}, {"LOWER": "war"}]"#,
            "the war, war",
            &["the war", "war"],
        ),
        (
            r#"[{"IS_TITLE": true, "OP": "+"}]"#,
            "in Hayat Tahrir al-Sham",
            &["Hayat Tahrir", "Sham"],
        ),
        (
            r#"[{"LOWER": "al"}, {"ORTH": "-", "OP": "*"}, {"IS_TITLE": true}]"#,
            "al-Sham Al Sukhna",
            &["al-Sham", "Al Sukhna"],
        ),
        (
            r#"[{"LOWER": "the"}, {"IS_PUNCT": true, "OP": "!"}]"#,
            "the, the war",
            &["the war"],
        ),
        (r#"[{"IS_DIGIT": true, "OP": "{2}"}]"#, "1 2 3", &["1 2"]),
        (
            r#"[{"LOWER": "a"}, {"LOWER": "b", "OP": "{1,2}"}]"#,
            "a b b b",
            &["a b b"],
        ),
        (
            r#"[{"LOWER": "a"}, {"LOWER": "b", "OP": "{2,}"}]"#,
            "a b a b b b",
            &["a b b b"],
        ),
        (
            r#"[{"LOWER": "b", "OP": "{,2}"}, {"LOWER": "c"}]"#,
            "b b b c",
            &["b b c"],
        ),
        (r#"[{"LOWER": "a", "OP": "1"}]"#, "a", &["a"]),
    ];
    for (pattern, text, expected) in cases {
        let p = format!(r#"{{"label": "X", "pattern": {pattern}}}"#);
        assert_eq!(texts(&p, text), *expected, "{pattern} on {text:?}");
    }
}

#[test]
fn overlaps_longest_first_then_earliest() {
    let p = r#"{"label": "A", "pattern": "New York"}
{"label": "B", "pattern": "York Times"}
{"label": "C", "pattern": "New York Times Company"}
{"label": "D", "pattern": [{"LOWER": "big"}, {"LOWER": "apple"}]}
{"label": "E", "pattern": [{"LOWER": "apple"}, {"LOWER": "pie"}]}"#;
    // Same length: the earlier wins (B loses to A), a longer one beats both.
    assert_eq!(
        found(
            p,
            "New York Times. The New York Times Company. big apple pie"
        ),
        [
            ("New York".into(), "A".into()),
            ("New York Times Company".into(), "C".into()),
            ("big apple".into(), "D".into())
        ]
    );
    // Same tokens, different labels: the pattern read first.
    let p = r#"{"label": "ORG", "pattern": "Reuters"}
{"label": "PER", "pattern": [{"ORTH": "Reuters"}]}"#;
    assert_eq!(found(p, "Reuters"), [("Reuters".into(), "ORG".into())]);
}

#[test]
fn ids_scores_and_engine() {
    let p = patterns(
        r#"{"label": "GPE", "pattern": [{"LOWER": "san"}, {"LOWER": "francisco"}], "id": "Q62"}
{"label": "GPE", "pattern": "Homs", "id": 7}
{"label": "GPE", "pattern": "Idlib"}"#,
    );
    let s = p.find("San Francisco, Homs and Idlib");
    assert_eq!(s.len(), 3);
    assert_eq!(s[0].id.as_deref(), Some("Q62"));
    assert_eq!(s[1].id.as_deref(), Some("7"));
    assert_eq!(s[2].id, None);
    assert!(
        s.iter()
            .all(|s| s.engine == Engine::Pattern && s.score == 1.0)
    );
    assert_eq!((s[0].span.start(), s[0].span.end()), (0, 13));
}

#[test]
fn regex_patterns_on_the_text() {
    let mut p = patterns(
        r#"{"label": "DATE", "regex": "\\b\\d{1,2} (June|July)\\b"}
{"label": "EVENT", "pattern": "22 June"}"#,
    );
    p.add_regex(Label::new("NUM").unwrap(), r"\d+", "cli", 0)
        .unwrap();
    assert_eq!(p.len(), 3);
    let text = "on 22 June, 3 July and 40";
    let chars: Vec<char> = text.chars().collect();
    let got: Vec<(String, String)> = p
        .find(text)
        .iter()
        .map(|s| (chars[s.span.range()].iter().collect(), s.label.to_string()))
        .collect();
    // The phrase wins over the regex on the same text; the regex keeps "3 July".
    assert_eq!(
        got,
        [
            ("22 June".into(), "EVENT".into()),
            ("3 July".into(), "DATE".into()),
            ("40".into(), "NUM".into())
        ]
    );
    let e = p
        .add_regex(Label::new("X").unwrap(), "(", "cli", 4)
        .unwrap_err();
    assert!(
        e.to_string().starts_with("cli:4: bad regular expression"),
        "{e}"
    );
    assert!(p.add_regex(Label::new("X").unwrap(), "", "cli", 5).is_err());
}

#[test]
fn bad_lines_are_reported_with_their_numbers_and_skipped() {
    let text = "{\"label\": \"ORG\", \"pattern\": \"Apple\"}\n\
        {not json\n\
        \n\
        {\"pattern\": \"x\"}\n\
        {\"label\": \"ORG\", \"pattern\": \"\"}\n\
        {\"label\": \"ORG\", \"pattern\": []}\n\
        {\"label\": \"ORG\", \"pattern\": [{\"POS\": \"NOUN\"}]}\n\
        {\"label\": \"ORG\", \"pattern\": [{\"FOO\": 1}]}\n\
        {\"label\": \"ORG\", \"pattern\": [{\"TEXT\": {\"REGEX\": \"(\"}}]}\n\
        {\"label\": \"ORG\", \"pattern\": [{\"TEXT\": \"a\", \"OP\": \"{3,1}\"}]}\n\
        {\"label\": \"ORG\", \"pattern\": [{\"IS_DIGIT\": \"yes\"}]}\n\
        {\"label\": \"ORG\", \"regex\": \"[\"}\n\
        {\"label\": \"Job Title\", \"pattern\": \"CEO\"}\n\
        [1, 2]\n\
        {\"label\": \"ORG\", \"pattern\": \"Google\"}\r\n";
    let mut p = Patterns::default();
    let (added, problems) = p.add_jsonl(text, "patterns.jsonl");
    assert_eq!(added, 3);
    assert_eq!(p.len(), 3);
    let lines: Vec<usize> = problems.iter().map(|e| e.line).collect();
    assert_eq!(lines, [2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    let message = |line: usize| {
        problems
            .iter()
            .find(|e| e.line == line)
            .map(|e| e.to_string())
            .unwrap_or_default()
    };
    assert!(
        message(2).starts_with("patterns.jsonl:2: not JSON"),
        "{}",
        message(2)
    );
    assert!(message(4).contains("no \"label\""));
    assert!(message(5).contains("empty pattern"));
    assert!(message(6).contains("empty pattern"));
    assert!(message(7).contains("\"POS\""), "{}", message(7));
    assert!(
        message(8).contains("unknown token attribute \"FOO\""),
        "{}",
        message(8)
    );
    assert!(
        message(9).contains("bad regular expression"),
        "{}",
        message(9)
    );
    assert!(message(10).contains("unknown operator"), "{}", message(10));
    assert!(message(11).contains("true or false"), "{}", message(11));
    assert!(
        message(12).contains("bad regular expression"),
        "{}",
        message(12)
    );
    assert!(message(13).contains("Job_Title"), "{}", message(13));
    assert!(message(14).contains("not a JSON object"), "{}", message(14));
    let labels: Vec<String> = p
        .find("CEO of Apple and Google")
        .iter()
        .map(|s| s.label.to_string())
        .collect();
    assert_eq!(labels, ["Job_Title", "ORG", "ORG"]);
}

#[test]
fn char_offsets_on_hard_text() {
    // Curly quotes, an astral emoji, a combining mark, Arabic and CRLF before the matches.
    let text = "“Qué” 😀 Jose\u{301} said,\r\nفي سوريا قال Rami Abdel Rahman 😀.\r\nHoms";
    let p = patterns(
        r#"{"label": "PER", "pattern": "Rami Abdel Rahman"}
{"label": "GPE", "pattern": "سوريا"}
{"label": "GPE", "pattern": [{"ORTH": "Homs"}]}
{"label": "PER", "pattern": "Jose\u0301"}
{"label": "MISC", "pattern": "Qué"}"#,
    );
    let chars: Vec<char> = text.chars().collect();
    let got: Vec<(usize, usize, String)> = p
        .find(text)
        .iter()
        .map(|s| {
            (
                s.span.start(),
                s.span.end(),
                chars[s.span.range()].iter().collect(),
            )
        })
        .collect();
    let at = |needle: &str| {
        let b = text.find(needle).unwrap();
        let s = text[..b].chars().count();
        (s, s + needle.chars().count(), needle.to_string())
    };
    assert_eq!(
        got,
        [
            at("Qué"),
            at("Jose\u{301}"),
            at("سوريا"),
            at("Rami Abdel Rahman"),
            at("Homs")
        ]
    );
}

#[test]
fn many_phrase_patterns_are_fast() {
    let mut jsonl = String::new();
    for i in 0..10_000 {
        jsonl.push_str(&format!(
            "{{\"label\": \"ORG\", \"pattern\": \"Company {i} Ltd\"}}\n"
        ));
    }
    jsonl.push_str("{\"label\": \"GPE\", \"pattern\": [{\"LOWER\": \"syria\"}]}\n");
    let p = patterns(&jsonl);
    let mut text = String::new();
    for i in 0..1_000 {
        text.push_str(if i % 100 == 0 {
            "Company 42 Ltd in Syria. "
        } else {
            "word "
        });
    }
    let t = std::time::Instant::now();
    let s = p.find(&text);
    let took = t.elapsed();
    assert_eq!(s.len(), 20);
    // Debug build on a busy machine: generous; release is far under 10 ms (see commit).
    assert!(took < std::time::Duration::from_millis(200), "{took:?}");
}

proptest::proptest! {
    #[test]
    fn find_never_panics_and_spans_are_in_bounds(
        text in "[a-zA-Z0-9 .,’'“”\\-\n\r😀é\u{301}سو$%:/]{0,80}",
        jsonl in "[a-zA-Z0-9 {}\\[\\]\":,.*+?!\\-]{0,80}",
    ) {
        let mut p = patterns(
            r#"{"label": "A", "pattern": [{"IS_ALPHA": true, "OP": "+"}, {"IS_PUNCT": true, "OP": "?"}]}
{"label": "B", "pattern": [{"OP": "*"}, {"LIKE_NUM": true}]}
{"label": "C", "pattern": "é"}
{"label": "D", "regex": "[0-9]+"}"#,
        );
        let _ = p.add_jsonl(&jsonl, "fuzz");
        let n = text.chars().count();
        let found = p.find(&text);
        for w in found.windows(2) {
            proptest::prop_assert!(w[0].span.end() <= w[1].span.start());
        }
        for s in found {
            proptest::prop_assert!(s.span.start() < s.span.end() && s.span.end() <= n);
        }
    }
}

/// The fixtures of .ci/validators/spacy_patterns_check.py: Entitle finds exactly what
/// spaCy's EntityRuler found (testdata/patterns/expected.jsonl, written by the script).
#[test]
fn fixtures_match_what_spacy_found() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/patterns");
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    let mut p = Patterns::default();
    let (added, problems) = p.add_jsonl(&read("patterns.jsonl"), "patterns.jsonl");
    assert_eq!(added, 50);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].message.contains("Job_Title"));
    type Match = (usize, usize, String, Option<String>);
    let mut expected: std::collections::BTreeMap<String, Vec<Match>> = Default::default();
    for line in read("expected.jsonl").lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        expected
            .entry(v["file"].as_str().unwrap().to_string())
            .or_default()
            .push((
                v["start"].as_u64().unwrap() as usize,
                v["end"].as_u64().unwrap() as usize,
                v["label"].as_str().unwrap().to_string(),
                v["id"].as_str().map(String::from),
            ));
    }
    assert_eq!(expected.len(), 5);
    let mut total = 0;
    for (file, want) in &expected {
        let got: Vec<Match> = p
            .find(&read(file))
            .into_iter()
            .map(|s| (s.span.start(), s.span.end(), s.label.to_string(), s.id))
            .collect();
        assert_eq!(&got, want, "{file}");
        total += got.len();
    }
    assert!(total > 100, "{total}");
}
