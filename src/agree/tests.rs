use super::*;
use crate::model::markup::parse_set;

fn names(n: usize) -> Vec<String> {
    ["a", "b", "c", "d"][..n]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

/// Layers from markup of the same text.
fn layers(marks: &[&str]) -> (String, Vec<AnnotationSet>) {
    let mut text = String::new();
    let mut sets = Vec::new();
    for m in marks {
        let (t, s) = parse_set(m).expect("markup");
        if !text.is_empty() {
            assert_eq!(t, text, "layers of different texts");
        }
        text = t;
        sets.push(s);
    }
    (text, sets)
}

fn report(marks: &[&str], options: &Options) -> Report {
    let (text, sets) = layers(marks);
    let docs = [DocInput {
        id: "d",
        text: &text,
        layers: &sets,
    }];
    compute(&names(marks.len()), &docs, options)
}

fn close(x: Option<f64>, y: f64) {
    assert!((x.unwrap_or(f64::NAN) - y).abs() < 1e-9, "{x:?} is not {y}");
}

#[test]
fn identical_layers_agree_perfectly() {
    let r = report(
        &[
            "[PER Amal Haddad] visited [GPE Oslo] .",
            "[PER Amal Haddad] visited [GPE Oslo] .",
        ],
        &Options::default(),
    );
    assert_eq!(r.tokens, 5);
    assert_eq!(r.tokens_without_o, 3);
    for c in [r.overall.with_o, r.overall.without_o] {
        close(c.ao, 1.0);
        close(c.kappa, 1.0);
        close(c.pi, 1.0);
        close(c.alpha, 1.0);
    }
    close(r.overall.spans_exact_f1, 1.0);
    assert_eq!(r.labels, ["GPE", "PER"]);
    assert_eq!(r.span_counts, [[1, 1], [1, 1]]);
}

#[test]
fn hand_computed_two_coders() {
    // Tokens: Amal Haddad visited Oslo .  A: B-PER I-PER O B-GPE O; B: O B-PER O B-LOC O.
    let r = report(
        &[
            "[PER Amal Haddad] visited [GPE Oslo] .",
            "Amal [PER Haddad] visited [LOC Oslo] .",
        ],
        &Options::default(),
    );
    assert_eq!(r.labels, ["GPE", "LOC", "PER"]);
    // Agreement on 2 of 5 tokens (visited, .).
    close(r.overall.with_o.ao, 0.4);
    // Classes (IOB2): A: B-PER, I-PER, O, B-GPE, O; B: O, B-PER, O, B-LOC, O.
    // Ae = Σ p_A(k) p_B(k) = O: 2/5·3/5 + B-PER: 1/5·1/5 = 7/25.
    close(r.overall.with_o.kappa, (0.4 - 0.28) / (1.0 - 0.28));
    // Without O: the 3 tokens where someone tagged: no agreement at all.
    close(r.overall.without_o.ao, 0.0);
    // Exact spans: none; overlap: PER overlaps PER (1 of 2 each side).
    close(r.overall.spans_exact_f1, 0.0);
    close(r.overall.spans_overlap_f1, 0.5);
    let per = r.per_label.iter().find(|l| l.label == "PER").expect("PER");
    // PER one-vs-rest: A = 1 1 0 0 0, B = 0 1 0 0 0: 4 of 5 agree.
    close(per.figures.with_o.ao, 0.8);
    close(per.figures.spans_overlap_f1, 1.0);
}

#[test]
fn type_mode_ignores_prefixes() {
    // A tags "Amal Haddad" as one PER, B as two: IOB2 differs on "Haddad", type does not.
    let marks = ["[PER Amal Haddad] said", "[PER Amal] [PER Haddad] said"];
    let iob = report(&marks, &Options::default());
    close(iob.overall.with_o.ao, 2.0 / 3.0);
    let ty = report(
        &marks,
        &Options {
            tags: TagMode::Type,
            ..Default::default()
        },
    );
    close(ty.overall.with_o.ao, 1.0);
    close(ty.overall.with_o.kappa, 1.0);
}

#[test]
fn nothing_tagged_is_undefined_not_nan() {
    let r = report(&["Nothing here .", "Nothing here ."], &Options::default());
    close(r.overall.with_o.ao, 1.0);
    assert_eq!(r.overall.with_o.kappa, None);
    assert_eq!(r.overall.with_o.alpha, None);
    assert_eq!(r.overall.without_o.items, 0);
    assert_eq!(r.overall.without_o.ao, None);
    assert_eq!(r.overall.spans_exact_f1, None);
    let json = serde_json::to_string(&r).expect("json");
    assert!(
        !json.contains("NaN") && json.contains("\"kappa\":null"),
        "{json}"
    );
}

#[test]
fn boundary_inside_a_word_splits_the_token_for_everyone() {
    // A marks "Nordlicht" inside "NordlichtAG": both layers get the tokens
    // Nordlicht | AG | said, so they still label the same items.
    let r = report(
        &["[ORG Nordlicht]AG said", "NordlichtAG said"],
        &Options::default(),
    );
    assert_eq!(r.tokens, 3);
    close(r.overall.with_o.ao, 2.0 / 3.0);
}

#[test]
fn nested_spans_give_no_tags_but_count_for_f1() {
    // The inner GPE is dropped from the tags (as the CoNLL export drops it).
    let marks = ["[ORG Bank of [GPE Syria]] said", "[ORG Bank of Syria] said"];
    let r = report(&marks, &Options::default());
    close(r.overall.with_o.ao, 1.0);
    assert_eq!(r.pairs[0].span_counts.a, 2);
    assert_eq!(r.pairs[0].span_counts.exact, 1);
}

#[test]
fn label_filter_ignores_other_labels() {
    let marks = [
        "[PER Amal] met [ORG UN] staff",
        "[PER Amal] met [GPE UN] staff",
    ];
    let only = Options {
        labels: Some(vec!["PER".into()]),
        ..Default::default()
    };
    let r = report(&marks, &only);
    assert_eq!(r.labels, ["PER"]);
    close(r.overall.with_o.ao, 1.0);
    close(r.overall.spans_exact_f1, 1.0);
}

#[test]
fn three_coders_match_nltk() {
    // Values from NLTK 3.10.4 AnnotationTask on the IOB2 tags of these tokens:
    // a: B-PER I-PER O B-GPE O ; b: B-PER I-PER O O O ; c: O B-PER O B-GPE O.
    let r = report(
        &[
            "[PER Amal Haddad] visited [GPE Oslo] .",
            "[PER Amal Haddad] visited Oslo .",
            "Amal [PER Haddad] visited [GPE Oslo] .",
        ],
        &Options::default(),
    );
    let c = r.overall.with_o;
    close(c.ao, 0.6);
    assert_eq!(r.pairs.len(), 3);
    // Pairwise kappas average to `kappa`.
    let mean = r.pairs.iter().filter_map(|p| p.kappa).sum::<f64>() / 3.0;
    close(c.kappa, mean);
}

#[test]
fn relations_symmetric_types_compare_unordered() {
    use crate::model::{Relation, RelationId};
    let (text, mut sets) = layers(&[
        "[PER Amal] married [PER Omar]",
        "[PER Amal] married [PER Omar]",
    ]);
    let ids: Vec<Vec<SpanId>> = sets
        .iter()
        .map(|s| s.iter().map(|x| x.id).collect())
        .collect();
    for (k, set) in sets.iter_mut().enumerate() {
        let (from, to) = if k == 0 {
            (ids[k][0], ids[k][1])
        } else {
            (ids[k][1], ids[k][0])
        };
        set.insert_relation(Relation {
            id: RelationId(1),
            label: crate::label!("Spouse"),
            from,
            to,
            annotator: "x".into(),
            created: chrono::DateTime::<chrono::Utc>::from_timestamp(0, 0).unwrap_or_default(),
            note: None,
        })
        .expect("relation");
    }
    let docs = [DocInput {
        id: "d",
        text: &text,
        layers: &sets,
    }];
    let directed = compute(&names(2), &docs, &Options::default());
    close(directed.relations.f1, 0.0);
    let symmetric = compute(
        &names(2),
        &docs,
        &Options {
            symmetric_relations: vec!["Spouse".into()],
            ..Default::default()
        },
    );
    close(symmetric.relations.f1, 1.0);
    assert_eq!(symmetric.relations.per_type[0].counts, [1, 1]);
}

#[test]
fn a_document_missing_a_layer_is_skipped() {
    let (text, sets) = layers(&["[PER Amal] said"]);
    let docs = [DocInput {
        id: "d",
        text: &text,
        layers: &sets,
    }];
    let r = compute(&names(2), &docs, &Options::default());
    assert_eq!(r.documents, 0);
    assert_eq!(r.skipped.len(), 1);
}

#[test]
fn many_documents_on_threads_equal_one_by_one_sums() {
    // Enough documents for several threads; the project tally must equal the sum.
    let marks = [
        "[PER Amal Haddad] visited [GPE Oslo] .",
        "Amal [PER Haddad] visited [LOC Oslo] .",
    ];
    let (text, sets) = layers(&marks);
    let docs: Vec<DocInput<'_>> = (0..500)
        .map(|_| DocInput {
            id: "d",
            text: &text,
            layers: &sets,
        })
        .collect();
    let many = compute(&names(2), &docs, &Options::default());
    let one = compute(&names(2), &docs[..1], &Options::default());
    assert_eq!(many.tokens, 500 * one.tokens);
    close(
        many.overall.with_o.kappa,
        one.overall.with_o.kappa.unwrap_or(f64::NAN),
    );
    assert_eq!(many.per_document.len(), 500);
    assert_eq!(many.worst_documents().len(), 500);
}
