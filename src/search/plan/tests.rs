use super::*;
use crate::model::markup;
use crate::search::{Query, find_matches};
use crate::text::TextIndex;

/// A workspace with documents written in markup; returns their ids and texts.
fn workspace(docs: &[(&str, &str)]) -> (Workspace, Vec<(DocId, String)>) {
    let mut w = Workspace::new();
    let mut out = Vec::new();
    for (id, m) in docs {
        let (text, set) = markup::parse_set(m).unwrap();
        let id = DocId::new(*id).unwrap();
        w.insert_doc(id.clone(), set, text.chars().count(), None);
        out.push((id, text));
    }
    (w, out)
}

fn plan_for(
    w: &Workspace,
    docs: &[(DocId, String)],
    q: &Query,
    label: &str,
    o: PlanOptions,
) -> Plan {
    let c = q.compile().unwrap();
    let hits: Vec<Vec<Found>> = docs
        .iter()
        .map(|(_, t)| find_matches(t, &TextIndex::new(t), &c))
        .collect();
    let parts = docs.iter().zip(&hits).map(|((id, _), h)| {
        let d = w.doc(id).unwrap();
        PlanDoc {
            doc: id,
            hits: h,
            set: &d.set,
            read_only: d.read_only.is_some(),
        }
    });
    plan_annotate_all(parts, &crate::label!(label), o)
}

fn ranges(p: &Plan) -> Vec<(String, usize, usize)> {
    p.adds
        .iter()
        .map(|(d, s)| (d.to_string(), s.start(), s.end()))
        .collect()
}

#[test]
fn skips_annotated_overlapping_and_cut_words_with_reasons() {
    let (w, docs) = workspace(&[
        (
            "a",
            "[GPE Idlib] and Idlib, [LOC Idlib province], Idlibi, [ORG Idlib] again",
        ),
        ("b", "🙂 Idlib’s “Idlib” [LOC north Id]lib"),
    ]);
    let p = plan_for(
        &w,
        &docs,
        &Query::plain("idlib"),
        "GPE",
        PlanOptions::default(),
    );
    assert_eq!(
        ranges(&p),
        vec![
            ("a".into(), 10, 15),
            ("b".into(), 2, 7),
            ("b".into(), 11, 16)
        ]
    );
    assert_eq!(p.skipped_annotated, 2, "{:?}", p.skipped);
    assert_eq!(
        p.skipped_overlapping, 2,
        "nested in LOC, and crossing 'north Id'"
    );
    assert_eq!(p.skipped_cuts_word, 1, "Idlibi");
    assert_eq!(p.docs, 2);
    let reasons: Vec<SkipReason> = p.skipped.iter().map(|s| s.reason).collect();
    assert!(reasons.contains(&SkipReason::AlreadyAnnotated { same_label: true }));
    assert!(reasons.contains(&SkipReason::AlreadyAnnotated { same_label: false }));
    assert_eq!(
        p.summary(),
        "Add 3 GPE spans in 2 documents; skip 5: 2 already annotated, 2 overlap a span, 1 cut a word."
    );
    // Nested allowed: "Idlib" inside "Idlib province" is added; the crossing one is not.
    let nested = PlanOptions {
        allow_nested: true,
        ..Default::default()
    };
    let p = plan_for(&w, &docs, &Query::plain("idlib"), "GPE", nested);
    assert_eq!(p.adds.len(), 4);
    assert_eq!(p.skipped_overlapping, 1);
    // Whole-word queries never produce cut words.
    let q = Query {
        whole_word: true,
        ..Query::plain("idlib")
    };
    assert_eq!(
        plan_for(&w, &docs, &q, "GPE", PlanOptions::default()).skipped_cuts_word,
        0
    );
}

#[test]
fn one_undo_step_across_documents() {
    let (mut w, docs) = workspace(&[
        ("a", "[PER Rami] met Rami in Homs"),
        ("b", "Rami, Rami and Ramiro"),
        ("c", "nothing here"),
    ]);
    let q = Query::for_selection(
        &docs[0].1,
        &TextIndex::new(&docs[0].1),
        CharSpan::new(0, 4, 21).unwrap(),
    );
    assert_eq!(
        q,
        Query {
            pattern: "Rami".into(),
            regex: false,
            case_sensitive: true,
            whole_word: true
        }
    );
    let p = plan_for(&w, &docs, &q, "PER", PlanOptions::default());
    assert_eq!(
        ranges(&p),
        vec![("a".into(), 9, 13), ("b".into(), 0, 4), ("b".into(), 6, 10)]
    );
    assert_eq!(p.skipped_annotated, 1, "the selection itself");
    let before: Vec<usize> = docs
        .iter()
        .map(|(d, _)| w.doc(d).unwrap().set.len())
        .collect();
    let cmd = p.command(&w, "alice", Utc::now()).unwrap();
    w.apply(cmd, "Annotate all").unwrap();
    let after: Vec<usize> = docs
        .iter()
        .map(|(d, _)| w.doc(d).unwrap().set.len())
        .collect();
    assert_eq!(after, vec![2, 2, 0]);
    let b = &w.doc(&docs[1].0).unwrap().set;
    assert_eq!(b.spans()[1].id, SpanId(2), "fresh ids per document");
    assert_eq!(&*b.spans()[1].annotator, "alice");
    assert_eq!(w.undo_len(), 1);
    w.undo().unwrap();
    let undone: Vec<usize> = docs
        .iter()
        .map(|(d, _)| w.doc(d).unwrap().set.len())
        .collect();
    assert_eq!(undone, before);
    w.redo().unwrap();
    assert_eq!(w.doc(&docs[1].0).unwrap().set.len(), 2);
}

#[test]
fn read_only_and_closed_documents() {
    let (mut w, docs) = workspace(&[("a", "Homs and Homs"), ("b", "Homs")]);
    let set = w.doc(&docs[1].0).unwrap().set.clone();
    w.insert_doc(docs[1].0.clone(), set, 4, Some("text changed".into()));
    let p = plan_for(
        &w,
        &docs,
        &Query::plain("Homs"),
        "GPE",
        PlanOptions::default(),
    );
    assert_eq!(p.adds.len(), 2);
    assert_eq!(p.skipped_read_only, 1);
    // The plan names a document the workspace does not have: refused, nothing done.
    let mut p2 = p.clone();
    p2.adds
        .push((DocId::new("gone").unwrap(), CharSpan::new(0, 1, 1).unwrap()));
    assert!(matches!(
        p2.command(&w, "a", Utc::now()),
        Err(EditError::UnknownDoc(_))
    ));
    // A selection that is only part of a word searches without whole words.
    let t = "Homsi";
    let q = Query::for_selection(t, &TextIndex::new(t), CharSpan::new(0, 4, 5).unwrap());
    assert!(!q.whole_word);
}
