use super::*;
use crate::edit::Workspace;
use crate::model::markup;

fn set(m: &str) -> (String, AnnotationSet) {
    markup::parse_set(m).unwrap()
}

fn kinds(c: &Comparison) -> Vec<(Range<usize>, Kind)> {
    c.units.iter().map(|u| (u.range.clone(), u.kind)).collect()
}

// "Amal Haddad met Nordlicht AG in East Berlin on Friday": Amal Haddad 0..11,
// Nordlicht AG 16..28, East Berlin 32..43 (Berlin 37..43), Friday 47..53.
const A: &str = "[PER Amal Haddad] met [ORG Nordlicht AG] in [LOC East Berlin] on [DATE Friday]";
const B: &str = "[PER Amal] Haddad met [ORG Nordlicht AG] in East [GPE Berlin] on Friday";

#[test]
fn every_kind_of_disagreement_is_found_and_marked() {
    let (_, a) = set(A);
    let (_, b) = set(B);
    let c = compare(&a, &b);
    assert_eq!(
        kinds(&c),
        vec![
            (0..11, Kind::Bounds),
            (32..43, Kind::Bounds),
            (47..53, Kind::OnlyA)
        ]
    );
    assert_eq!(c.agreed.len(), 1);
    let (_, b2) = set("[ORG Amal Haddad] met Nordlicht AG in East Berlin on Friday");
    let c2 = compare(&a, &b2);
    assert_eq!(c2.units[0].kind, Kind::Label);
    assert_eq!(c2.a[&a.spans()[0].id], Mark::OtherLabel);
    assert_eq!(c2.units[1].kind, Kind::OnlyA);
    let c3 = compare(&b2, &a);
    assert_eq!(c3.units[1].kind, Kind::OnlyB);
    assert_eq!(c3.b[&a.spans()[1].id], Mark::OnlyHere);
    // Identical layers: nothing to curate.
    assert!(compare(&a, &a).units.is_empty());
}

#[test]
fn agreed_spans_go_to_gold_with_their_proposers_then_takes_settle_the_rest() {
    let (text, a) = set(A);
    let (_, b) = set(B);
    let doc = DocId::new("d").unwrap();
    let len = text.chars().count();
    let mut ws = Workspace::new();
    ws.insert_doc(doc.clone(), AnnotationSet::new(), len, None);
    let cur = Curation {
        doc: &doc,
        a: &a,
        b: &b,
        a_name: "alice",
        b_name: "bob",
        curator: "carol",
        now: Utc::now(),
    };
    let cmd = cur.take_agreed(&ws.doc(&doc).unwrap().set).unwrap();
    ws.apply(cmd, "Take agreed").unwrap();
    let gold = &ws.doc(&doc).unwrap().set;
    assert_eq!(gold.len(), 1);
    assert_eq!(gold.spans()[0].label.as_str(), "ORG");
    assert_eq!(gold.spans()[0].proposed_by(), ["alice", "bob"]);
    assert_eq!(&*gold.spans()[0].annotator, "carol");
    // Nothing more when asked again.
    assert!(cur.take_agreed(gold).is_none());

    let units = compare(&a, &b).units;
    assert_eq!(cur.settled(gold, &units[0]), Settled::Open);
    let cmd = cur.take(gold, &units[0], Take::B).unwrap();
    ws.apply(cmd, "Take bob").unwrap();
    let gold = &ws.doc(&doc).unwrap().set;
    assert_eq!(cur.settled(gold, &units[0]), Settled::TookB);
    let amal = gold.spans().iter().find(|s| s.range.start() == 0).unwrap();
    assert_eq!(
        (amal.range.end(), amal.proposed_by()),
        (4, &["bob".to_string()][..])
    );
    // Changing one's mind: take A instead replaces B's span.
    let cmd = cur.take(gold, &units[0], Take::A).unwrap();
    ws.apply(cmd, "Take alice").unwrap();
    let gold = &ws.doc(&doc).unwrap().set;
    assert_eq!(cur.settled(gold, &units[0]), Settled::TookA);
    assert_eq!(gold.overlapping(0..11).count(), 1);
    // Both, for East Berlin: LOC East Berlin and GPE Berlin, nested.
    let cmd = cur.take(gold, &units[1], Take::Both).unwrap();
    ws.apply(cmd, "Take both").unwrap();
    let gold = &ws.doc(&doc).unwrap().set;
    assert_eq!(cur.settled(gold, &units[1]), Settled::TookBoth);
    assert!(cur.take(gold, &units[1], Take::Both).is_none());
    // Every step undoes.
    for _ in 0..4 {
        ws.undo().unwrap();
    }
    assert!(ws.doc(&doc).unwrap().set.is_empty());
}

#[test]
fn relations_both_made_come_along_and_a_taken_side_brings_its_own() {
    let doc = DocId::new("d").unwrap();
    let (text, mut a) = set("[PER Amal] heads [ORG Nordlicht] in [LOC Berlin]");
    let (_, mut b) = set("[PER Amal] heads [ORG Nordlicht] in [GPE Berlin]");
    let rel = |set: &AnnotationSet, label: &str, from: usize, to: usize| Relation {
        id: set.next_relation_id(),
        label: crate::label!(label),
        from: set.spans()[from].id,
        to: set.spans()[to].id,
        annotator: "x".into(),
        created: Utc::now(),
        note: None,
    };
    a.insert_relation(rel(&a, "Head_of", 0, 1)).unwrap();
    b.insert_relation(rel(&b, "Head_of", 0, 1)).unwrap();
    a.insert_relation(rel(&a, "Located_in", 1, 2)).unwrap();
    let len = text.chars().count();
    let mut ws = Workspace::new();
    ws.insert_doc(doc.clone(), AnnotationSet::new(), len, None);
    let cur = Curation {
        doc: &doc,
        a: &a,
        b: &b,
        a_name: "alice",
        b_name: "bob",
        curator: "carol",
        now: Utc::now(),
    };
    ws.apply(cur.take_agreed(&AnnotationSet::new()).unwrap(), "agreed")
        .unwrap();
    let gold = ws.doc(&doc).unwrap().set.clone();
    assert_eq!((gold.len(), gold.relations().len()), (2, 1));
    let unit = &compare(&a, &b).units[0];
    ws.apply(cur.take(&gold, unit, Take::A).unwrap(), "A")
        .unwrap();
    let gold = &ws.doc(&doc).unwrap().set;
    assert_eq!((gold.len(), gold.relations().len()), (3, 2));
}
