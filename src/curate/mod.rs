//! Two annotators' layers of one document, compared span by span, and curated into a
//! gold layer (issue 10). No egui: the desktop app's comparison and curation views and
//! `entitle curate` use the same functions.
//!
//! **Comparing.** Spans with the same bounds (and fragments) and label in both layers
//! agree. The others are grouped into *disagreements*: maximal runs of overlapping
//! spans of either layer. A disagreement is *only in A*, *only in B*, *same span,
//! different label* (one span each, same bounds), or *different bounds* (anything else
//! that overlaps).
//!
//! **Curating** changes the gold layer through ordinary [`Command`]s, so every step is
//! one undo step like any edit: agreed spans (and relations both made between agreed
//! spans) go in at once; a disagreement is settled by taking A's spans, B's, both, or
//! by editing the gold layer by hand. Each span taken records who proposed it
//! ([`crate::model::SpanExtra::proposed_by`]); the curator is its `annotator`.

use crate::edit::Command;
use crate::edit::merge::SpanKey;
use crate::model::{AnnotationSet, DocId, Relation, RelationId, Span, SpanId};
use chrono::{DateTime, Utc};
use std::collections::{HashMap, HashSet};
use std::ops::Range;

/// How one span compares with the other layer (drawn on the span).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mark {
    /// The other layer has the same span with the same label.
    Same,
    /// Nothing in the other layer overlaps it.
    OnlyHere,
    /// The other layer has the same bounds with another label.
    OtherLabel,
    /// The other layer has an overlapping span with other bounds.
    OtherBounds,
}

/// What kind of disagreement a [`Unit`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    OnlyA,
    OnlyB,
    /// Same bounds, different label.
    Label,
    /// Overlapping, different bounds (labels may differ too).
    Bounds,
}

impl Kind {
    pub fn describe(self, a: &str, b: &str) -> String {
        match self {
            Kind::OnlyA => format!("only in {a}"),
            Kind::OnlyB => format!("only in {b}"),
            Kind::Label => "same span, different label".into(),
            Kind::Bounds => "overlapping, different bounds".into(),
        }
    }
}

/// One disagreement: the spans of each layer in a run of overlapping spans.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    /// From the first span's start to the last one's end (chars).
    pub range: Range<usize>,
    pub a: Vec<SpanId>,
    pub b: Vec<SpanId>,
    pub kind: Kind,
}

/// Layer A against layer B on one document.
#[derive(Debug, Clone, Default)]
pub struct Comparison {
    pub a: HashMap<SpanId, Mark>,
    pub b: HashMap<SpanId, Mark>,
    /// Agreed pairs (A's id, B's id).
    pub agreed: Vec<(SpanId, SpanId)>,
    /// Disagreements in text order.
    pub units: Vec<Unit>,
}

/// Compare two layers of the same text.
pub fn compare(a: &AnnotationSet, b: &AnnotationSet) -> Comparison {
    let mut b_by_key: HashMap<SpanKey, Vec<SpanId>> = HashMap::new();
    for s in b.spans() {
        b_by_key.entry(SpanKey::of(s)).or_default().push(s.id);
    }
    let mut out = Comparison::default();
    let mut rest: Vec<(usize, usize, bool, SpanId)> = Vec::new();
    for s in a.spans() {
        match b_by_key.get_mut(&SpanKey::of(s)).and_then(|v| v.pop()) {
            Some(other) => {
                out.agreed.push((s.id, other));
                out.a.insert(s.id, Mark::Same);
                out.b.insert(other, Mark::Same);
            }
            None => rest.push((s.range.start(), s.range.end(), true, s.id)),
        }
    }
    for s in b.spans() {
        if !out.b.contains_key(&s.id) {
            rest.push((s.range.start(), s.range.end(), false, s.id));
        }
    }
    rest.sort_by_key(|&(s, e, side, id)| (s, std::cmp::Reverse(e), !side, id));
    let mut i = 0;
    while i < rest.len() {
        let (start, mut end, _, _) = rest[i];
        let mut j = i + 1;
        while j < rest.len() && rest[j].0 < end {
            end = end.max(rest[j].1);
            j += 1;
        }
        let group = &rest[i..j];
        let ids = |side: bool| -> Vec<SpanId> {
            group.iter().filter(|g| g.2 == side).map(|g| g.3).collect()
        };
        let (ua, ub) = (ids(true), ids(false));
        let kind = match (ua.len(), ub.len()) {
            (_, 0) => Kind::OnlyA,
            (0, _) => Kind::OnlyB,
            (1, 1) if group[0].0 == group[1].0 && group[0].1 == group[1].1 => Kind::Label,
            _ => Kind::Bounds,
        };
        let mark = match kind {
            Kind::OnlyA | Kind::OnlyB => Mark::OnlyHere,
            Kind::Label => Mark::OtherLabel,
            Kind::Bounds => Mark::OtherBounds,
        };
        for id in &ua {
            out.a.insert(*id, mark);
        }
        for id in &ub {
            out.b.insert(*id, mark);
        }
        out.units.push(Unit {
            range: start..end,
            a: ua,
            b: ub,
            kind,
        });
        i = j;
    }
    out
}

/// Which side a disagreement is settled with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Take {
    A,
    B,
    Both,
}

/// The two layers being curated and who curates.
pub struct Curation<'a> {
    pub doc: &'a DocId,
    pub a: &'a AnnotationSet,
    pub b: &'a AnnotationSet,
    pub a_name: &'a str,
    pub b_name: &'a str,
    pub curator: &'a str,
    pub now: DateTime<Utc>,
}

/// How a disagreement stands in the gold layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    /// Gold has nothing of it yet.
    Open,
    TookA,
    TookB,
    TookBoth,
    /// Gold has something else there (edited by hand).
    Edited,
}

impl Settled {
    pub fn describe(self, a: &str, b: &str) -> String {
        match self {
            Settled::Open => "open".into(),
            Settled::TookA => format!("took {a}"),
            Settled::TookB => format!("took {b}"),
            Settled::TookBoth => "took both".into(),
            Settled::Edited => "edited".into(),
        }
    }
}

impl Curation<'_> {
    fn keys(set: &AnnotationSet, ids: &[SpanId]) -> HashSet<SpanKey> {
        ids.iter()
            .filter_map(|id| set.get(*id))
            .map(SpanKey::of)
            .collect()
    }

    /// Keys of spans both layers agree on.
    fn agreed_keys(&self) -> HashSet<SpanKey> {
        let b: HashSet<SpanKey> = self.b.spans().iter().map(SpanKey::of).collect();
        self.a
            .spans()
            .iter()
            .map(SpanKey::of)
            .filter(|k| b.contains(k))
            .collect()
    }

    /// A copy of `s` for the gold layer, with the layers that proposed it (known by
    /// the caller: both for an agreed span, one side in a disagreement, where a key
    /// both layers have would have been agreed) and the curator.
    fn gold_span(&self, s: &Span, id: SpanId, proposed_by: &[&str]) -> Span {
        let mut g = Span::new(id, s.range, s.label.clone(), self.curator, self.now);
        let mut extra = s.extra.as_deref().cloned().unwrap_or_default();
        extra.provenance = None;
        extra.proposed_by = proposed_by.iter().map(|n| n.to_string()).collect();
        g.extra = Some(Box::new(extra));
        g
    }

    /// Relations of `from` (a layer) between spans whose keys gold has (or will have,
    /// `gold_ids`), not yet in gold: commands adding them.
    fn relations_into(
        &self,
        from: &AnnotationSet,
        only: impl Fn(&Relation) -> bool,
        gold: &AnnotationSet,
        gold_ids: &HashMap<SpanKey, SpanId>,
        next_rel: &mut u64,
        out: &mut Vec<Command>,
    ) {
        let in_gold: HashSet<(String, SpanId, SpanId)> = gold
            .relations()
            .iter()
            .map(|r| (r.label.to_string(), r.from, r.to))
            .collect();
        let mut added = HashSet::new();
        for r in from.relations().iter().filter(|r| only(r)) {
            let (Some(f), Some(t)) = (from.get(r.from), from.get(r.to)) else {
                continue;
            };
            let (Some(&gf), Some(&gt)) =
                (gold_ids.get(&SpanKey::of(f)), gold_ids.get(&SpanKey::of(t)))
            else {
                continue;
            };
            let key = (r.label.to_string(), gf, gt);
            if in_gold.contains(&key) || !added.insert(key) {
                continue;
            }
            out.push(Command::AddRelation {
                doc: self.doc.clone(),
                relation: Relation {
                    id: RelationId(*next_rel),
                    label: r.label.clone(),
                    from: gf,
                    to: gt,
                    annotator: self.curator.into(),
                    created: self.now,
                    note: r.note.clone(),
                },
            });
            *next_rel += 1;
        }
    }

    fn gold_ids(gold: &AnnotationSet) -> HashMap<SpanKey, SpanId> {
        gold.spans()
            .iter()
            .map(|s| (SpanKey::of(s), s.id))
            .collect()
    }

    /// Relation keys both layers have: (type, from key, to key).
    fn agreed_relations(&self) -> HashSet<(String, SpanKey, SpanKey)> {
        let keys = |set: &AnnotationSet| -> HashSet<(String, SpanKey, SpanKey)> {
            set.relations()
                .iter()
                .filter_map(|r| {
                    Some((
                        r.label.to_string(),
                        SpanKey::of(set.get(r.from)?),
                        SpanKey::of(set.get(r.to)?),
                    ))
                })
                .collect()
        };
        let b = keys(self.b);
        keys(self.a).into_iter().filter(|k| b.contains(k)).collect()
    }

    /// Add every agreed span (and agreed relation) gold does not have yet: one command,
    /// or `None` when there is nothing to add.
    pub fn take_agreed(&self, gold: &AnnotationSet) -> Option<Command> {
        let mut gold_ids = Self::gold_ids(gold);
        let agreed = self.agreed_keys();
        let mut next = gold.next_id().0;
        let mut cmds = Vec::new();
        for s in self.a.spans() {
            let k = SpanKey::of(s);
            if agreed.contains(&k) && !gold_ids.contains_key(&k) {
                let id = SpanId(next);
                next += 1;
                gold_ids.insert(k, id);
                cmds.push(Command::AddSpan {
                    doc: self.doc.clone(),
                    span: self.gold_span(s, id, &[self.a_name, self.b_name]),
                });
            }
        }
        let rels = self.agreed_relations();
        let mut next_rel = gold.next_relation_id().0;
        let a = self.a;
        self.relations_into(
            a,
            |r| {
                let (Some(f), Some(t)) = (a.get(r.from), a.get(r.to)) else {
                    return false;
                };
                rels.contains(&(r.label.to_string(), SpanKey::of(f), SpanKey::of(t)))
            },
            gold,
            &gold_ids,
            &mut next_rel,
            &mut cmds,
        );
        (!cmds.is_empty()).then_some(Command::Batch(cmds))
    }

    /// Settle a disagreement: gold's spans inside it (other than agreed ones) are
    /// replaced by the chosen side's, with that side's relations whose other end gold
    /// has. `None` if gold already is exactly that.
    pub fn take(&self, gold: &AnnotationSet, unit: &Unit, take: Take) -> Option<Command> {
        let agreed = self.agreed_keys();
        let side = |set: &'_ AnnotationSet, ids: &[SpanId], name: &'_ str| {
            ids.iter()
                .filter_map(|id| set.get(*id))
                .map(|s| (s.clone(), name.to_string()))
                .collect::<Vec<_>>()
        };
        let chosen: Vec<(Span, String)> = match take {
            Take::A => side(self.a, &unit.a, self.a_name),
            Take::B => side(self.b, &unit.b, self.b_name),
            Take::Both => {
                let mut v = side(self.a, &unit.a, self.a_name);
                v.extend(side(self.b, &unit.b, self.b_name));
                v
            }
        };
        let mut want: Vec<(Span, String)> = Vec::new();
        let mut seen = HashSet::new();
        for (s, name) in chosen {
            if seen.insert(SpanKey::of(&s)) {
                want.push((s, name));
            }
        }
        let present: Vec<&Span> = gold
            .overlapping(unit.range.clone())
            .filter(|s| !agreed.contains(&SpanKey::of(s)))
            .collect();
        let present_keys: HashSet<SpanKey> = present.iter().map(|s| SpanKey::of(s)).collect();
        if present_keys == seen {
            return None;
        }
        let mut cmds: Vec<Command> = present
            .iter()
            .filter(|s| !seen.contains(&SpanKey::of(s)))
            .map(|s| Command::RemoveSpan {
                doc: self.doc.clone(),
                id: s.id,
            })
            .collect();
        let mut gold_ids = Self::gold_ids(gold);
        for s in &present {
            if !seen.contains(&SpanKey::of(s)) {
                gold_ids.remove(&SpanKey::of(s));
            }
        }
        let mut next = gold.next_id().0;
        let mut taken = HashSet::new();
        for (s, name) in want {
            let k = SpanKey::of(&s);
            if present_keys.contains(&k) {
                continue;
            }
            let id = SpanId(next);
            next += 1;
            gold_ids.insert(k.clone(), id);
            taken.insert(k);
            cmds.push(Command::AddSpan {
                doc: self.doc.clone(),
                span: self.gold_span(&s, id, &[name.as_str()]),
            });
        }
        let mut next_rel = gold.next_relation_id().0;
        let sides: Vec<&AnnotationSet> = match take {
            Take::A => vec![self.a],
            Take::B => vec![self.b],
            Take::Both => vec![self.a, self.b],
        };
        for side in sides {
            let touches = |r: &Relation| {
                [r.from, r.to]
                    .iter()
                    .filter_map(|id| side.get(*id))
                    .any(|s| taken.contains(&SpanKey::of(s)))
            };
            self.relations_into(side, touches, gold, &gold_ids, &mut next_rel, &mut cmds);
        }
        Some(Command::Batch(cmds))
    }

    /// How `unit` stands in `gold`.
    pub fn settled(&self, gold: &AnnotationSet, unit: &Unit) -> Settled {
        let agreed = self.agreed_keys();
        let g: HashSet<SpanKey> = gold
            .overlapping(unit.range.clone())
            .filter(|s| !agreed.contains(&SpanKey::of(s)))
            .map(SpanKey::of)
            .collect();
        if g.is_empty() {
            return Settled::Open;
        }
        let a = Self::keys(self.a, &unit.a);
        let b = Self::keys(self.b, &unit.b);
        if g == a {
            Settled::TookA
        } else if g == b {
            Settled::TookB
        } else if g == a.union(&b).cloned().collect() {
            Settled::TookBoth
        } else {
            Settled::Edited
        }
    }
}

/// An annotator's layer of a document as read from disk: `Ok(None)` if there is no
/// file; an error naming the file and line when it cannot be used (unreadable, a git
/// conflict, made for another version of the text).
pub fn read_layer(
    project: &crate::project::Project,
    annotator: &str,
    doc: &crate::model::Document,
) -> Result<Option<AnnotationSet>, String> {
    use crate::project::annotation_file::Checked;
    match project.read_annotations(annotator, &doc.id) {
        Ok(None) => Ok(None),
        Ok(Some(parsed)) => {
            let path = project.annotation_path(annotator, &doc.id);
            match parsed.check(doc) {
                Ok(Checked::Current { set, .. }) => Ok(Some(set)),
                Ok(Checked::TextChanged(_)) => Err(format!(
                    "{}: made for another version of the text of {}; open it as {annotator} and re-anchor it",
                    path.display(),
                    doc.id
                )),
                Err(p) => Err(format!("{}:{}: {p}", path.display(), p.line().unwrap_or(1))),
            }
        }
        Err((path, e)) => Err(e.located(&path)),
    }
}

#[cfg(test)]
mod tests;
