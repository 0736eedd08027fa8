use super::*;
use proptest::prelude::*;

fn label(s: &str) -> Label {
    Label::new(s).expect("test label")
}

/// Spans of each `needle` in `text` (first occurrence after the previous one), in chars.
fn spans_of(text: &str, needles: &[(&str, &str)]) -> Vec<(CharSpan, Label)> {
    let len = text.chars().count();
    let mut from = 0usize;
    let mut out = Vec::new();
    for (needle, l) in needles {
        let byte = text[from..].find(needle).expect("needle in text") + from;
        let start = text[..byte].chars().count();
        let end = start + needle.chars().count();
        out.push((CharSpan::new(start, end, len).expect("span"), label(l)));
        from = byte + needle.len();
    }
    out
}

fn slice(text: &str, s: CharSpan) -> String {
    text.chars().skip(s.start()).take(s.len()).collect()
}

struct Doc {
    text: String,
    spans: Vec<(CharSpan, Label)>,
}

fn toy_docs() -> Vec<Doc> {
    let people = [
        "Alice Smith",
        "Bob Jones",
        "Carla Diaz",
        "David Okafor",
        "Emma Stone",
    ];
    let places = ["Paris", "Nairobi", "Lima", "Oslo", "Hanoi"];
    let orgs = ["Acme Corp", "the World Bank", "Reuters"];
    let mut docs = Vec::new();
    for i in 0..40 {
        let p = people[i % people.len()];
        let q = people[(i + 2) % people.len()];
        let g = places[(i * 3) % places.len()];
        let o = orgs[i % orgs.len()];
        let text = format!(
            "{p} met {q} in {g} on Monday. The talks were hosted by {o}, officials said.\n"
        );
        let spans = spans_of(&text, &[(p, "PER"), (q, "PER"), (g, "LOC"), (o, "ORG")]);
        docs.push(Doc { text, spans });
    }
    docs
}

fn examples(docs: &[Doc]) -> Vec<Example<'_>> {
    docs.iter()
        .map(|d| Example {
            text: &d.text,
            spans: &d.spans,
            rejected: &[],
            complete: false,
        })
        .collect()
}

#[test]
fn learns_a_toy_set_and_predicts_it_back() {
    let docs = toy_docs();
    let tagger = Tagger::train(&examples(&docs), &TrainOptions::default());
    assert!(!tagger.is_empty());
    assert_eq!(tagger.trained_spans(), 160);
    for d in &docs[..5] {
        let got: Vec<(CharSpan, Label)> = tagger
            .suggest(&d.text)
            .into_iter()
            .map(|s| {
                assert_eq!(s.engine, Engine::Model);
                assert!((0.0..=1.0).contains(&s.score));
                (s.span, s.label)
            })
            .collect();
        assert_eq!(got, d.spans, "{}", d.text);
    }
    // New names in the same frames are found too (features, not memory).
    let text = "Farida Haddad met Bob Jones in Quito on Monday.";
    let got: Vec<String> = tagger
        .suggest(text)
        .iter()
        .map(|s| format!("{}:{}", slice(text, s.span), s.label))
        .collect();
    assert!(got.contains(&"Bob Jones:PER".to_string()), "{got:?}");
}

#[test]
fn empty_training_suggests_nothing() {
    let t = Tagger::train(&[], &TrainOptions::default());
    assert!(t.is_empty());
    assert_eq!(t.trained_spans(), 0);
    assert!(t.suggest("Alice Smith met Bob Jones in Paris.").is_empty());
    // Documents without spans are no training either.
    let ex = [Example {
        text: "Nothing here.",
        spans: &[],
        rejected: &[],
        complete: false,
    }];
    assert!(Tagger::train(&ex, &TrainOptions::default()).is_empty());
    assert!(Tagger::default().suggest("").is_empty());
}

#[test]
fn offsets_are_exact_on_hard_text() {
    // Curly quotes, an astral emoji, combining marks (Zoe\u{308}), Arabic, CRLF.
    let text = "“Zoe\u{308} Laurent” 😀 met محمود الحلبي in Reykjavi\u{301}k.\r\n\
                Zoe\u{308} Laurent said 😀 “yes” to محمود الحلبي in Reykjavi\u{301}k.\r\n";
    let needles = [
        ("Zoe\u{308} Laurent", "PER"),
        ("محمود الحلبي", "PER"),
        ("Reykjavi\u{301}k", "LOC"),
        ("Zoe\u{308} Laurent", "PER"),
        ("محمود الحلبي", "PER"),
        ("Reykjavi\u{301}k", "LOC"),
    ];
    let spans = spans_of(text, &needles);
    let docs: Vec<Example<'_>> = (0..10)
        .map(|_| Example {
            text,
            spans: &spans,
            rejected: &[],
            complete: false,
        })
        .collect();
    let tagger = Tagger::train(&docs, &TrainOptions::default());
    let got = tagger.suggest(text);
    let got: Vec<(String, String)> = got
        .iter()
        .map(|s| (slice(text, s.span), s.label.to_string()))
        .collect();
    let want: Vec<(String, String)> = needles
        .iter()
        .map(|(n, l)| (n.to_string(), l.to_string()))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn misaligned_overlapping_and_out_of_range_spans_do_not_panic() {
    let text = "Obamacare passed. Obama spoke in Washington.";
    let len = text.chars().count();
    let spans = vec![
        // Inside a word: the tokenizer is cut there when training.
        (CharSpan::new(0, 5, len).unwrap(), label("PER")),
        // Overlaps the one before (nested): left out.
        (CharSpan::new(0, 9, len).unwrap(), label("MISC")),
        // White space only: no token, skipped.
        (CharSpan::new(17, 18, len).unwrap(), label("PER")),
        (CharSpan::new(18, 23, len).unwrap(), label("PER")),
        // Valid for a longer text, out of range here: skipped.
        (CharSpan::new(40, 90, 100).unwrap(), label("LOC")),
    ];
    let rejected = vec![(CharSpan::new(33, 43, len).unwrap(), label("PER"))];
    let ex = [Example {
        text,
        spans: &spans,
        rejected: &rejected,
        complete: false,
    }];
    let t = Tagger::train(&ex, &TrainOptions::default());
    // (0,9) MISC is kept (longer first) and (0,5) dropped; (18,23) PER kept.
    assert_eq!(t.trained_spans(), 2);
    for s in t.suggest(text) {
        assert!(s.span.end() <= len);
    }
}

#[test]
fn rejected_spans_lower_the_score() {
    let docs = toy_docs();
    let plain = Tagger::train(&examples(&docs), &TrainOptions::default());
    // The analyst rejected "Monday" as ORG in every document, and it was never positive.
    let text = "Alice Smith met Bob Jones in Paris on Monday.";
    let monday = spans_of(text, &[("Monday", "ORG")]);
    type WithRejected = (String, Vec<(CharSpan, Label)>, Vec<(CharSpan, Label)>);
    let rejected_docs: Vec<WithRejected> = docs
        .iter()
        .map(|d| {
            let r = spans_of(&d.text, &[("Monday", "ORG")]);
            (d.text.clone(), d.spans.clone(), r)
        })
        .collect();
    let ex: Vec<Example<'_>> = rejected_docs
        .iter()
        .map(|(t, s, r)| Example {
            text: t,
            spans: s,
            rejected: r,
            complete: false,
        })
        .collect();
    let with = Tagger::train(&ex, &TrainOptions::default());
    for t in [&plain, &with] {
        assert!(!t.suggest(text).iter().any(|s| s.span == monday[0].0));
    }
}

#[test]
fn confidence_is_high_when_fixed_and_modest_when_calibrated_on_little() {
    let docs = toy_docs();
    let fixed = TrainOptions {
        temperature: Some(1.0),
        ..TrainOptions::default()
    };
    let t = Tagger::train(&examples(&docs), &fixed);
    assert_eq!(t.temperature(), 1.0);
    assert!(t.suggest(&docs[0].text).iter().all(|s| s.score > 0.5));
    // 40 tiny documents are too few spans to trust a calibration: modest scores.
    let t = Tagger::train(&examples(&docs), &TrainOptions::default());
    assert!(t.temperature() >= 16.0);
    assert!(t.suggest(&docs[0].text).iter().all(|s| s.score < 0.9));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn suggest_never_panics_and_spans_are_in_bounds(text in "(\\PC|\r\n|\n| |“|”|😀|\u{301}|محمود|[A-Z][a-z]+|\\.){0,60}") {
        let docs = toy_docs();
        // One tagger for all cases would be faster; training is a few ms on the toy set.
        let t = Tagger::train(&examples(&docs[..10]), &TrainOptions { epochs: 2, ..TrainOptions::default() });
        let len = text.chars().count();
        for s in t.suggest(&text) {
            prop_assert!(s.span.end() <= len);
            prop_assert!((0.0..=1.0).contains(&s.score));
        }
    }

    #[test]
    fn training_on_any_text_never_panics(text in "(\\PC|\r\n| |😀|\u{301}|[A-Z][a-z]+){0,40}", a in 0usize..50, b in 0usize..50) {
        let len = text.chars().count();
        let spans: Vec<(CharSpan, Label)> = CharSpan::new(a.min(b), a.max(b), len)
            .ok()
            .map(|s| (s, label("X")))
            .into_iter()
            .collect();
        let ex = [Example { text: &text, spans: &spans, rejected: &spans, complete: false }];
        let t = Tagger::train(&ex, &TrainOptions::default());
        for s in t.suggest(&text) {
            prop_assert!(s.span.end() <= len);
        }
    }
}
