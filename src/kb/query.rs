//! Completion: id lookup, then the best few keys of a prefix range.
//!
//! The keys that start with the folded query are one range of the sorted keys. The
//! keys equal to the query come first in it; those that start a name or alias are the
//! exact hits. The rest rank by their stored value (whole-name prefix before a later
//! word, then shorter name, then file order). Rather than read a range of 300,000 keys
//! (a one-letter query over a million entries), its blocks are taken smallest-first
//! by their stored minimum, and reading stops once a block's minimum cannot beat the
//! `limit`-th best entry found: the ranking is exact, and the work is a heap of the
//! range's blocks plus a few blocks of keys.

use super::fold::fold_query;
use super::index::{BLOCK, END, Kb, NOT_WORD0, cmp_ascii_ci, stored};
use super::{Completion, MatchKind, split_db};
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

/// Most completions one query returns: a list for a person to read.
pub const MAX_LIMIT: usize = 1_000;

/// The best entries so far: (value, entry, key position), ascending, one per entry.
struct Best<'a> {
    k: usize,
    items: Vec<(u64, u32, u32)>,
    excluded: &'a [u32],
}

impl Best<'_> {
    fn threshold(&self) -> Option<u64> {
        if self.items.len() >= self.k {
            self.items.last().map(|x| x.0)
        } else {
            None
        }
    }

    fn offer(&mut self, v: u64, pos: u32, kb: &Kb) {
        if self.threshold().is_some_and(|t| v >= t) {
            return;
        }
        let e = kb.entry_of_pos(pos);
        if self.excluded.contains(&e) {
            return;
        }
        if let Some(i) = self.items.iter().position(|x| x.1 == e) {
            if self.items[i].0 <= v {
                return;
            }
            self.items.remove(i);
        }
        let at = self.items.partition_point(|x| x.0 < v);
        self.items.insert(at, (v, e, pos));
        self.items.truncate(self.k);
    }
}

impl Kb {
    /// Completions for `query`, best first, at most `limit` (and at most
    /// [`MAX_LIMIT`]), one per entry:
    ///
    /// 1. entries whose id is the query (`Q90`, ASCII case ignored) or, for
    ///    `wikidata:Q90`, whose knowledge base and id are;
    /// 2. entries whose name or an alias is the query (folded: case, diacritics and
    ///    white space runs ignored), in file order;
    /// 3. entries whose name or alias starts with the query;
    /// 4. entries with a later word of the name or alias that starts with the query
    ///    ("par" finds "Gare de Paris"; "city of l" finds "City of Light").
    ///
    /// Within 3 and 4, the shorter matched name or alias comes first, then file order.
    /// An entry appears once, at its best hit. An empty query gives nothing.
    pub fn complete(&self, query: &str, limit: usize) -> Vec<Completion> {
        let limit = limit.min(MAX_LIMIT);
        let mut out = Vec::new();
        let trimmed = query.trim();
        if limit == 0 || self.is_empty() || trimmed.is_empty() {
            return out;
        }
        let mut taken: Vec<u32> = Vec::new();
        for e in self.id_matches(trimmed, limit) {
            if out.len() < limit && !taken.contains(&e) {
                taken.push(e);
                out.extend(self.completion(e, None, MatchKind::Id, 1.0));
            }
        }
        let q = fold_query(query);
        if q.is_empty() || out.len() >= limit {
            return out;
        }
        let qchars = q.chars().count() as f32;
        for (v, e, pos) in self.best_keys(q.as_bytes(), limit - out.len(), &taken) {
            let rank = (v >> 32) as u16;
            let len = f32::from((rank & !NOT_WORD0).max(1));
            let fit = (qchars / len).min(1.0);
            let (kind, score) = if v >> 32 == 0 {
                (MatchKind::Exact, 0.9)
            } else if rank & NOT_WORD0 == 0 {
                (MatchKind::Prefix, 0.5 + 0.3 * fit)
            } else {
                (MatchKind::Word, 0.1 + 0.3 * fit)
            };
            out.extend(self.completion(e, Some(pos), kind, score));
        }
        out
    }

    /// How many keys (words of names and aliases) start with the folded `query`: what
    /// a completion for it chooses from.
    pub fn prefix_hits(&self, query: &str) -> usize {
        let q = fold_query(query);
        if q.is_empty() {
            return 0;
        }
        let q = q.as_bytes();
        let lo = self
            .keys
            .partition_point(|&p| self.cmp_prefix(p, q) == Ordering::Less);
        self.keys[lo..].partition_point(|&p| self.cmp_prefix(p, q) == Ordering::Equal)
    }

    /// Entries whose id is `q`, or whose db and id are `db:id`.
    fn id_matches(&self, q: &str, limit: usize) -> Vec<u32> {
        if q.contains(char::is_whitespace) {
            return Vec::new();
        }
        let mut out: Vec<u32> = self.id_range(q.as_bytes()).take(limit).collect();
        if let Some((db, id)) = split_db(q) {
            out.extend(
                self.id_range(id.as_bytes())
                    .filter(|&e| self.db_name(e).eq_ignore_ascii_case(db))
                    .take(limit),
            );
        }
        out
    }

    fn id_range(&self, id: &[u8]) -> impl Iterator<Item = u32> + '_ {
        let lo = self
            .ids
            .partition_point(|&e| cmp_ascii_ci(self.id(e), id) == Ordering::Less);
        let hi = lo
            + self.ids[lo..].partition_point(|&e| cmp_ascii_ci(self.id(e), id) == Ordering::Equal);
        self.ids[lo..hi].iter().copied()
    }

    /// The key at `pos` cut to `q.len()` bytes (or its end), compared with `q`:
    /// `Equal` when the key starts with `q`.
    fn cmp_prefix(&self, pos: u32, q: &[u8]) -> Ordering {
        let bytes = self.folded.as_bytes();
        let p = pos as usize;
        let w = bytes.get(p..(p + q.len()).min(bytes.len())).unwrap_or(&[]);
        let w = &w[..memchr::memchr(END, w).unwrap_or(w.len())];
        w.cmp(q)
    }

    /// The `k` best (value, entry, position) of the keys starting with `q`, leaving
    /// out `excluded` entries.
    fn best_keys(&self, q: &[u8], k: usize, excluded: &[u32]) -> Vec<(u64, u32, u32)> {
        let keys = &self.keys;
        let lo = keys.partition_point(|&p| self.cmp_prefix(p, q) == Ordering::Less);
        let hi = lo + keys[lo..].partition_point(|&p| self.cmp_prefix(p, q) == Ordering::Equal);
        let bytes = self.folded.as_bytes();
        let eq_end =
            lo + keys[lo..hi].partition_point(|&p| bytes.get(p as usize + q.len()) == Some(&END));
        let mut best = Best {
            k,
            items: Vec::with_capacity(k + 1),
            excluded,
        };
        // Keys equal to the query: exact hits (value = position: before any other)
        // where they start a name or alias, later-word hits otherwise.
        for (&p, &r) in keys[lo..eq_end].iter().zip(&self.rank[lo..eq_end]) {
            let v = if r & NOT_WORD0 == 0 {
                u64::from(p)
            } else {
                stored(r, p)
            };
            best.offer(v, p, self);
        }
        let scan = |best: &mut Best<'_>, range: std::ops::Range<usize>| {
            for (&p, &r) in keys[range.clone()].iter().zip(&self.rank[range]) {
                let v = stored(r, p);
                if best.threshold().is_none_or(|t| v < t) {
                    best.offer(v, p, self);
                }
            }
        };
        let (first_full, last_full) = (eq_end.div_ceil(BLOCK), hi / BLOCK);
        if first_full >= last_full {
            scan(&mut best, eq_end..hi);
        } else {
            scan(&mut best, eq_end..first_full * BLOCK);
            scan(&mut best, last_full * BLOCK..hi);
            let mut heap: BinaryHeap<Reverse<(u64, usize)>> = (first_full..last_full)
                .map(|b| Reverse((self.block_min[b], b)))
                .collect();
            while let Some(Reverse((min, b))) = heap.pop() {
                if best.threshold().is_some_and(|t| min >= t) {
                    break;
                }
                scan(&mut best, b * BLOCK..(b + 1) * BLOCK);
            }
        }
        best.items
    }

    /// The entry whose folded text holds `pos`.
    fn entry_of_pos(&self, pos: u32) -> u32 {
        self.efolded
            .partition_point(|&s| s <= pos)
            .saturating_sub(1) as u32
    }

    fn completion(
        &self,
        e: u32,
        pos: Option<u32>,
        kind: MatchKind,
        score: f32,
    ) -> Option<Completion> {
        let fields: Vec<&str> = self.fields(e)?.collect();
        // Which folded string holds the key: 0 the name, n alias n (field 2 + n).
        let alias = pos.and_then(|pos| {
            let start = *self.efolded.get(e as usize)? as usize;
            let before = self.folded.as_bytes().get(start..pos as usize)?;
            let n = memchr::memchr_iter(END, before).count();
            (n > 0).then(|| fields.get(2 + n).map(|s| s.to_string()))?
        });
        Some(Completion {
            db: self.db_name(e).to_string(),
            id: fields.first()?.to_string(),
            name: fields.get(1)?.to_string(),
            alias,
            description: fields
                .get(2)
                .filter(|d| !d.is_empty())
                .map(|d| d.to_string()),
            kind,
            score,
            entry: e as usize,
        })
    }
}
