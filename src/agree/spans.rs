//! Span and relation matching between two annotators' layers of one document.

use serde::Serialize;

/// A span reduced to what matching needs: extent, label id, and for a discontinuous
/// span a signature of its fragments (0 for a continuous one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Key {
    pub start: usize,
    pub end: usize,
    pub label: u16,
    pub fragments: u64,
}

/// Counts of one pair `(A, B)` for span matching; they add up across documents.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SpanCounts {
    /// Spans of A (the reference).
    pub a: u64,
    /// Spans of B.
    pub b: u64,
    /// Spans in both with the same extent, fragments and label.
    pub exact: u64,
    /// Spans of A overlapping a span of B with the same label.
    pub a_overlapping: u64,
    /// Spans of B overlapping a span of A with the same label.
    pub b_overlapping: u64,
}

impl SpanCounts {
    pub fn add(&mut self, o: &SpanCounts) {
        self.a += o.a;
        self.b += o.b;
        self.exact += o.exact;
        self.a_overlapping += o.a_overlapping;
        self.b_overlapping += o.b_overlapping;
    }

    /// Exact match, A as reference.
    pub fn exact(&self) -> Prf {
        Prf::new(self.exact, self.b, self.exact, self.a)
    }

    /// Overlap match: precision is the share of B's spans overlapping one of A's with
    /// the same label, recall the share of A's overlapping one of B's.
    pub fn overlap(&self) -> Prf {
        Prf::new(self.b_overlapping, self.b, self.a_overlapping, self.a)
    }
}

/// Precision, recall, F1 (A as reference; swapping A and B swaps precision and
/// recall, F1 stays). `None` where the denominator is 0: no spans on that side
/// (F1 is `None` only when neither side has any).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Prf {
    pub precision: Option<f64>,
    pub recall: Option<f64>,
    pub f1: Option<f64>,
}

impl Prf {
    fn new(p_hit: u64, p_all: u64, r_hit: u64, r_all: u64) -> Self {
        let ratio = |h: u64, a: u64| (a > 0).then(|| h as f64 / a as f64);
        let (precision, recall) = (ratio(p_hit, p_all), ratio(r_hit, r_all));
        let f1 = if p_all + r_all == 0 {
            None
        } else {
            let (p, r) = (precision.unwrap_or(0.0), recall.unwrap_or(0.0));
            Some(if p + r > 0.0 {
                2.0 * p * r / (p + r)
            } else {
                0.0
            })
        };
        Self {
            precision,
            recall,
            f1,
        }
    }
}

/// Count matches of `a` against `b` into `out[label]` (both sorted by start). `out`
/// is indexed by label id.
pub(crate) fn match_spans(a: &[Key], b: &[Key], out: &mut [SpanCounts]) {
    for k in a {
        out[k.label as usize].a += 1;
    }
    for k in b {
        out[k.label as usize].b += 1;
    }
    // Exact: a merge of the two sorted key lists (a key is unique within a layer).
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out[a[i].label as usize].exact += 1;
                i += 1;
                j += 1;
            }
        }
    }
    for k in a {
        if overlaps_any(k, b) {
            out[k.label as usize].a_overlapping += 1;
        }
    }
    for k in b {
        if overlaps_any(k, a) {
            out[k.label as usize].b_overlapping += 1;
        }
    }
}

/// Whether some span of `others` (sorted by start) overlaps `k` with the same label.
fn overlaps_any(k: &Key, others: &[Key]) -> bool {
    // Spans starting at or after k.end cannot overlap it.
    let stop = others.partition_point(|o| o.start < k.end);
    others[..stop]
        .iter()
        .any(|o| o.end > k.start && o.label == k.label)
}

/// A relation reduced to its type and its two ends (each an extent and label);
/// symmetric types have their ends ordered, so both directions compare equal.
pub(crate) type RelKey = (u16, (usize, usize, u16), (usize, usize, u16));

/// Counts of one pair for relations, per relation type; they add up across documents.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RelationCounts {
    pub a: u64,
    pub b: u64,
    /// Relations in both: same type, same ends (extent and label of each).
    pub matched: u64,
}

impl RelationCounts {
    pub fn add(&mut self, o: &RelationCounts) {
        self.a += o.a;
        self.b += o.b;
        self.matched += o.matched;
    }
    pub fn prf(&self) -> Prf {
        Prf::new(self.matched, self.b, self.matched, self.a)
    }
}

/// Count relation matches (both lists sorted) into `out[type]`. Duplicates match
/// as a multiset.
pub(crate) fn match_relations(a: &[RelKey], b: &[RelKey], out: &mut [RelationCounts]) {
    for k in a {
        out[k.0 as usize].a += 1;
    }
    for k in b {
        out[k.0 as usize].b += 1;
    }
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out[a[i].0 as usize].matched += 1;
                i += 1;
                j += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(start: usize, end: usize, label: u16) -> Key {
        Key {
            start,
            end,
            label,
            fragments: 0,
        }
    }

    #[test]
    fn exact_and_overlap() {
        // A: PER 0-10, ORG 20-30, GPE 40-45; B: PER 0-10, ORG 22-35, LOC 40-45, PER 50-55.
        let a = [k(0, 10, 0), k(20, 30, 1), k(40, 45, 2)];
        let b = [k(0, 10, 0), k(22, 35, 1), k(40, 45, 3), k(50, 55, 0)];
        let mut out = [SpanCounts::default(); 4];
        match_spans(&a, &b, &mut out);
        let mut all = SpanCounts::default();
        for c in &out {
            all.add(c);
        }
        assert_eq!((all.a, all.b, all.exact), (3, 4, 1));
        assert_eq!((all.a_overlapping, all.b_overlapping), (2, 2));
        let e = all.exact();
        assert_eq!(e.precision, Some(0.25));
        assert!((e.f1.unwrap_or(0.0) - 2.0 / 7.0).abs() < 1e-12);
        let o = all.overlap();
        assert_eq!((o.precision, o.recall), (Some(0.5), Some(2.0 / 3.0)));
        // Nothing on either side: undefined, not 0 and not NaN.
        assert_eq!(SpanCounts::default().exact().f1, None);
        // Spans only on one side: 0.
        assert_eq!(out[2].exact().f1, Some(0.0));
    }
}
