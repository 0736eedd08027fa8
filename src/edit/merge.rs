//! Three-way merge of one document's annotations: the file changed on disk (a `git
//! pull`) while the app held edits that were not written yet. The edits made since the
//! last version on disk (`base` → `ours`) are replayed on the new file (`theirs`), so
//! neither side is lost.
//!
//! Spans are matched by what a reader sees — bounds, fragments and label — not by id:
//! both sides allocate ids from the same counter, so the same id can name different
//! spans. Relations are matched by type and the keys of their two ends.

use crate::model::{AnnotationSet, Relation, Span, SpanId};

/// What identifies a span across versions of a file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SpanKey {
    pub start: usize,
    pub end: usize,
    pub fragments: Vec<(usize, usize)>,
    pub label: String,
}

impl SpanKey {
    pub fn of(s: &Span) -> Self {
        Self {
            start: s.range.start(),
            end: s.range.end(),
            fragments: if s.is_discontinuous() {
                s.fragments().iter().map(|f| (f.start(), f.end())).collect()
            } else {
                Vec::new()
            },
            label: s.label.to_string(),
        }
    }
}

type RelKey = (String, SpanKey, SpanKey);

fn rel_key(set: &AnnotationSet, r: &Relation) -> Option<RelKey> {
    Some((
        r.label.to_string(),
        SpanKey::of(set.get(r.from)?),
        SpanKey::of(set.get(r.to)?),
    ))
}

/// A span's content apart from its id (what "changed by us" compares).
fn same_content(a: &Span, b: &Span) -> bool {
    a.label == b.label
        && a.range == b.range
        && a.modified == b.modified
        && a.extra == b.extra
        && a.annotator == b.annotator
}

/// The merged set and how many of our changes were kept on top of `theirs`.
#[derive(Debug, Clone)]
pub struct Merged {
    pub set: AnnotationSet,
    pub kept: usize,
    /// Our changes that could not be replayed (e.g. a span now clashing), described.
    pub dropped: Vec<String>,
}

/// Replay `base` → `ours` on `theirs`. `len_chars` bounds the spans (the text is the
/// same on all three sides; the caller checks that).
pub fn rebase(
    base: &AnnotationSet,
    ours: &AnnotationSet,
    theirs: &AnnotationSet,
    len_chars: usize,
) -> Merged {
    let mut m = Merged {
        set: theirs.clone(),
        kept: 0,
        dropped: Vec::new(),
    };
    m.replay_spans(base, ours, len_chars);
    m.replay_relations(base, ours);
    m.replay_status_and_marks(base, ours);
    m
}

fn relation_keys(set: &AnnotationSet) -> std::collections::HashSet<RelKey> {
    set.relations()
        .iter()
        .filter_map(|r| rel_key(set, r))
        .collect()
}

impl Merged {
    /// Spans we removed (their relations go with them), added, or changed.
    fn replay_spans(&mut self, base: &AnnotationSet, ours: &AnnotationSet, len_chars: usize) {
        use std::collections::HashMap;
        fn key_map(set: &AnnotationSet) -> HashMap<SpanKey, &Span> {
            set.spans().iter().map(|s| (SpanKey::of(s), s)).collect()
        }
        let base_keys = key_map(base);
        let ours_keys = key_map(ours);
        // Spans we removed (their relations go with them).
        for (k, _) in base_keys
            .iter()
            .filter(|(k, _)| !ours_keys.contains_key(*k))
        {
            let ids: Vec<SpanId> = self
                .set
                .spans()
                .iter()
                .filter(|s| &SpanKey::of(s) == k)
                .map(|s| s.id)
                .collect();
            for id in ids {
                for rid in self
                    .set
                    .relations_of(id)
                    .iter()
                    .map(|r| r.id)
                    .collect::<Vec<_>>()
                {
                    let _ = self.set.remove_relation(rid);
                }
                if self.set.remove(id).is_ok() {
                    self.kept += 1;
                }
            }
        }
        // Spans we added or changed.
        let mut next = self.set.next_id().0.max(ours.next_id().0);
        for (k, s) in &ours_keys {
            let at = self
                .set
                .spans()
                .iter()
                .find(|t| &SpanKey::of(t) == k)
                .cloned();
            match (base_keys.get(k), at) {
                // Unchanged by us: theirs stands.
                (Some(b), _) if same_content(b, s) => {}
                // Changed by us (note, attributes…): ours replaces theirs, same id.
                (Some(_), Some(t)) => {
                    let mut mine = (*s).clone();
                    mine.id = t.id;
                    let rels: Vec<Relation> =
                        self.set.relations_of(t.id).into_iter().cloned().collect();
                    for r in &rels {
                        let _ = self.set.remove_relation(r.id);
                    }
                    let _ = self.set.remove(t.id);
                    match self.set.insert(mine, len_chars) {
                        Ok(()) => self.kept += 1,
                        Err(e) => {
                            let _ = self.set.insert(t.clone(), len_chars);
                            self.dropped
                                .push(format!("{} {}..{}: {e}", k.label, k.start, k.end));
                        }
                    }
                    for r in rels {
                        let _ = self.set.insert_relation(r);
                    }
                }
                // Changed by us but removed by them: their removal stands.
                (Some(_), None) => {}
                // Added by us.
                (None, Some(_)) => {}
                (None, None) => {
                    let mut mine = (*s).clone();
                    mine.id = SpanId(next);
                    next += 1;
                    match self.set.insert(mine, len_chars) {
                        Ok(()) => self.kept += 1,
                        Err(e) => self
                            .dropped
                            .push(format!("{} {}..{}: {e}", k.label, k.start, k.end)),
                    }
                }
            }
        }
        self.set.reserve_ids_below(next);
    }

    /// Relations we added (both ends must be there) and removed.
    fn replay_relations(&mut self, base: &AnnotationSet, ours: &AnnotationSet) {
        let base_rels = relation_keys(base);
        let ours_rels = relation_keys(ours);
        let find = |set: &AnnotationSet, k: &SpanKey| {
            set.spans()
                .iter()
                .find(|s| &SpanKey::of(s) == k)
                .map(|s| s.id)
        };
        let mut next_rel = self.set.next_relation_id().0.max(ours.next_relation_id().0);
        for r in ours.relations() {
            let Some(key) = rel_key(ours, r) else {
                continue;
            };
            if base_rels.contains(&key) || relation_keys(&self.set).contains(&key) {
                continue;
            }
            match (find(&self.set, &key.1), find(&self.set, &key.2)) {
                (Some(from), Some(to)) => {
                    let mut mine = r.clone();
                    mine.id = crate::model::RelationId(next_rel);
                    next_rel += 1;
                    mine.from = from;
                    mine.to = to;
                    if self.set.insert_relation(mine).is_ok() {
                        self.kept += 1;
                    }
                }
                _ => self.dropped.push(format!(
                    "relation {} {}..{} → {}..{}: an end is gone",
                    key.0, key.1.start, key.1.end, key.2.start, key.2.end
                )),
            }
        }
        self.set.reserve_relation_ids_below(next_rel);
        for key in base_rels.difference(&ours_rels) {
            let ids: Vec<_> = self
                .set
                .relations()
                .iter()
                .filter(|r| rel_key(&self.set, r).as_ref() == Some(key))
                .map(|r| r.id)
                .collect();
            for id in ids {
                if self.set.remove_relation(id).is_ok() {
                    self.kept += 1;
                }
            }
        }
    }

    /// The document's status, rejected and waiting suggestions.
    fn replay_status_and_marks(&mut self, base: &AnnotationSet, ours: &AnnotationSet) {
        if ours.status != base.status {
            self.set.status = ours.status;
            self.kept += 1;
        }
        for r in &ours.rejected {
            if !base.rejected.contains(r) && !self.set.rejected.contains(r) {
                self.set.rejected.push(r.clone());
                self.kept += 1;
            }
        }
        self.set
            .rejected
            .retain(|r| !base.rejected.contains(r) || ours.rejected.contains(r));
        for p in &ours.pending {
            if !base.pending.contains(p) && !self.set.pending.contains(p) {
                self.set.pending.push(p.clone());
            }
        }
        self.set
            .pending
            .retain(|p| !base.pending.contains(p) || ours.pending.contains(p));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::markup;

    fn set(m: &str) -> (AnnotationSet, usize) {
        let (text, set) = markup::parse_set(m).unwrap();
        (set, text.chars().count())
    }

    fn labels(s: &AnnotationSet) -> Vec<(usize, usize, String)> {
        s.spans()
            .iter()
            .map(|s| (s.range.start(), s.range.end(), s.label.to_string()))
            .collect()
    }

    #[test]
    fn our_addition_and_removal_are_replayed_on_their_file() {
        // base: Amal PER, Berlin LOC. Ours: removed Berlin, added Friday.
        // Theirs: relabelled Amal to ORG and added Nordlicht.
        let (base, len) = set("[PER Amal] met Nordlicht in [LOC Berlin] on Friday");
        let (ours, _) = set("[PER Amal] met Nordlicht in Berlin on [DATE Friday]");
        let (theirs, _) = set("[ORG Amal] met [ORG Nordlicht] in [LOC Berlin] on Friday");
        let m = rebase(&base, &ours, &theirs, len);
        assert_eq!(
            labels(&m.set),
            vec![
                (0, 4, "ORG".into()),
                (9, 18, "ORG".into()),
                (32, 38, "DATE".into())
            ]
        );
        assert_eq!(m.kept, 2);
        assert!(m.dropped.is_empty());
    }

    #[test]
    fn nothing_of_ours_changed_gives_theirs() {
        let (base, len) = set("[PER Amal] met Nordlicht");
        let (theirs, _) = set("[PER Amal] met [ORG Nordlicht]");
        let m = rebase(&base, &base, &theirs, len);
        assert_eq!(m.set.spans(), theirs.spans());
        assert_eq!(m.kept, 0);
    }

    #[test]
    fn added_ids_never_collide_with_theirs() {
        let (base, len) = set("Amal met Nordlicht in Berlin");
        let (ours, _) = set("[PER Amal] met Nordlicht in Berlin");
        let (theirs, _) = set("Amal met [ORG Nordlicht] in Berlin");
        // Both sides gave their new span id 1.
        assert_eq!(ours.spans()[0].id, theirs.spans()[0].id);
        let m = rebase(&base, &ours, &theirs, len);
        assert_eq!(m.set.len(), 2);
        assert!(m.set.next_id().0 > 2);
    }
}
