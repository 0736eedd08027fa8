//! The compact store and its sorted keys.
//!
//! Every entry's text lives in one arena (`id SEP name SEP description (SEP alias)*`,
//! fields separated by U+001F, which cleaning removes from the text) and its folded
//! name and aliases in a second one (each followed by a NUL, which cleaning removes
//! too). A **key** is a byte position in the folded arena where a word starts; its key
//! string runs to the next NUL. Keys are sorted by key string, then position, so a
//! typed prefix is a range found by binary search. Per key, a `u16` holds whether the
//! key starts the name or alias (bit 15 clear) and that name's length in characters:
//! with the position (which grows in file order) it is the ranking value, and each
//! block of [`BLOCK`] keys keeps its smallest, so the best few of a huge range are found
//! without reading most of it (see `query.rs`).

use super::KbEntry;
use super::fold::word_starts;
use std::cmp::Ordering;
use std::path::PathBuf;

/// Separates an entry's fields in the text arena.
pub(super) const SEP: char = '\u{1F}';
/// Ends each folded string.
pub(super) const END: u8 = 0;
/// Keys per block summarised by its smallest ranking value.
pub(super) const BLOCK: usize = 256;
/// Bit of a key's rank set when the key starts a later word, not the name itself.
pub(super) const NOT_WORD0: u16 = 0x8000;
/// Name lengths beyond this rank alike.
const MAX_RANK_LEN: usize = 0x7FFF;

/// One file that was read, for a panel that lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KbFile {
    pub file: PathBuf,
    pub entries: usize,
}

/// A knowledge base ready for completion. Built once (in the background: see
/// [`super::spawn_load`]), then only read; `Send + Sync`, so the app can share it
/// behind an `Arc`.
#[derive(Debug, Default)]
pub struct Kb {
    /// Per entry: `id SEP name SEP description (SEP alias)*`.
    pub(super) arena: String,
    /// Where each entry starts in `arena`, plus the end.
    pub(super) estart: Vec<u32>,
    /// Per entry, its knowledge base's index in `dbs`.
    pub(super) db: Vec<u16>,
    pub(super) dbs: Vec<String>,
    /// Per entry: folded name, NUL, then each folded alias and a NUL.
    pub(super) folded: String,
    /// Where each entry starts in `folded`, plus the end.
    pub(super) efolded: Vec<u32>,
    /// Key positions in `folded`, sorted by key string, then position.
    pub(super) keys: Vec<u32>,
    /// Per key: [`NOT_WORD0`] and the length of its name in characters.
    pub(super) rank: Vec<u16>,
    /// Per block of [`BLOCK`] keys, its smallest [`stored`] value.
    pub(super) block_min: Vec<u64>,
    /// Entries sorted by id (ASCII case ignored), then entry.
    pub(super) ids: Vec<u32>,
    pub(super) files: Vec<KbFile>,
}

/// A key's ranking value for prefix and word-prefix hits: (later word, length,
/// position), so smaller is better and ties go to file order.
pub(super) fn stored(rank: u16, pos: u32) -> u64 {
    (u64::from(rank) << 32) | u64::from(pos)
}

impl Kb {
    /// Entries in the knowledge base.
    pub fn len(&self) -> usize {
        self.estart.len().saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Completion keys (the words of every name and alias).
    pub fn keys(&self) -> usize {
        self.keys.len()
    }

    /// The files read, in the order read, with how many entries each gave.
    pub fn files(&self) -> &[KbFile] {
        &self.files
    }

    /// Bytes the index holds (its arenas and arrays, by capacity).
    pub fn memory_usage(&self) -> usize {
        self.arena.capacity()
            + self.folded.capacity()
            + 4 * (self.estart.capacity() + self.efolded.capacity() + self.keys.capacity())
            + 4 * self.ids.capacity()
            + 2 * (self.db.capacity() + self.rank.capacity())
            + 8 * self.block_min.capacity()
            + self.dbs.iter().map(|d| d.capacity() + 24).sum::<usize>()
    }

    /// Entry `i` as it was stored (cleaned white space; aliases that fold like the
    /// name or an earlier alias are left out).
    pub fn entry(&self, i: usize) -> Option<KbEntry> {
        let mut f = self.fields(u32::try_from(i).ok()?)?;
        let id = f.next()?.to_string();
        let name = f.next()?.to_string();
        let description = f.next().filter(|d| !d.is_empty()).map(str::to_string);
        Some(KbEntry {
            db: self.db_name(i as u32).to_string(),
            id,
            name,
            aliases: f.map(str::to_string).collect(),
            description,
        })
    }

    /// Entry `e`'s fields: id, name, description, aliases.
    pub(super) fn fields(&self, e: u32) -> Option<std::str::Split<'_, char>> {
        let e = e as usize;
        let (&a, &b) = (self.estart.get(e)?, self.estart.get(e + 1)?);
        Some(self.arena.get(a as usize..b as usize)?.split(SEP))
    }

    pub(super) fn db_name(&self, e: u32) -> &str {
        self.db
            .get(e as usize)
            .and_then(|&d| self.dbs.get(usize::from(d)))
            .map_or("", String::as_str)
    }

    /// Entry `e`'s id.
    pub(super) fn id(&self, e: u32) -> &[u8] {
        self.fields(e)
            .and_then(|mut f| f.next())
            .map_or(&[], str::as_bytes)
    }

    /// Call `each(position, rank)` for every key, in entry order.
    fn for_each_key(&self, mut each: impl FnMut(u32, u16)) {
        for e in 0..self.len() as u32 {
            let (Some(fields), Some(&f0), Some(&f1)) = (
                self.fields(e),
                self.efolded.get(e as usize),
                self.efolded.get(e as usize + 1),
            ) else {
                continue;
            };
            // Originals in folded order: the name, then the aliases.
            let originals = fields.skip(1).enumerate().filter(|(i, _)| *i != 1);
            let mut at = f0 as usize;
            let folded = self.folded.get(at..f1 as usize).unwrap_or("");
            for ((_, original), key) in originals.zip(folded.split('\0')) {
                let len = original.chars().count().clamp(1, MAX_RANK_LEN) as u16;
                if !key.is_empty() {
                    word_starts(key, |off| {
                        let rank = if off == 0 { len } else { len | NOT_WORD0 };
                        each((at + off) as u32, rank);
                    });
                }
                at += key.len() + 1;
            }
        }
    }

    /// Sort the keys: bucket by first byte, then sort each bucket on its next eight
    /// bytes (in cache), reading the rest of a key only when those tie.
    pub(super) fn build_keys(&mut self) {
        let bytes = self.folded.as_bytes();
        let mut starts = [0usize; 257];
        self.for_each_key(|pos, _| starts[usize::from(bytes[pos as usize]) + 1] += 1);
        for b in 1..257 {
            starts[b] += starts[b - 1];
        }
        let total = starts[256];
        let mut keys = vec![0u32; total];
        let mut rank = vec![0u16; total];
        let mut next = starts;
        self.for_each_key(|pos, r| {
            let slot = &mut next[usize::from(bytes[pos as usize])];
            keys[*slot] = pos;
            rank[*slot] = r;
            *slot += 1;
        });
        let mut tmp: Vec<(u64, u32, u16)> = Vec::new();
        for b in 0..256 {
            let range = starts[b]..starts[b + 1];
            tmp.clear();
            tmp.extend(range.clone().map(|i| {
                (
                    prefix8(bytes, keys[i] as usize + 1, false),
                    keys[i],
                    rank[i],
                )
            }));
            tmp.sort_unstable_by(|x, y| {
                x.0.cmp(&y.0)
                    .then_with(|| {
                        // No NUL in the eight bytes: both keys go on past them.
                        if x.0 & 0xFF == 0 {
                            Ordering::Equal
                        } else {
                            key_tail(bytes, x.1 as usize + 9).cmp(key_tail(bytes, y.1 as usize + 9))
                        }
                    })
                    .then(x.1.cmp(&y.1))
            });
            for (i, &(_, pos, r)) in range.zip(&tmp) {
                keys[i] = pos;
                rank[i] = r;
            }
        }
        self.block_min = keys
            .chunks(BLOCK)
            .zip(rank.chunks(BLOCK))
            .map(|(k, r)| {
                k.iter()
                    .zip(r)
                    .map(|(&p, &r)| stored(r, p))
                    .min()
                    .unwrap_or(u64::MAX)
            })
            .collect();
        self.keys = keys;
        self.rank = rank;
    }

    pub(super) fn build_ids(&mut self) {
        let mut tmp: Vec<(u64, u32)> = (0..self.len() as u32)
            .map(|e| (prefix8(self.id(e), 0, true), e))
            .collect();
        tmp.sort_unstable_by(|x, y| {
            x.0.cmp(&y.0)
                .then_with(|| {
                    if x.0 & 0xFF == 0 {
                        Ordering::Equal
                    } else {
                        cmp_ascii_ci(tail(self.id(x.1), 8), tail(self.id(y.1), 8))
                    }
                })
                .then(x.1.cmp(&y.1))
        });
        self.ids = tmp.into_iter().map(|(_, e)| e).collect();
    }

    /// Entries whose (knowledge base, id) repeats an earlier entry's.
    pub fn repeated_ids(&self) -> Vec<usize> {
        let mut out = Vec::new();
        let mut group = 0;
        while group < self.ids.len() {
            let first = self.ids[group];
            let mut end = group + 1;
            while end < self.ids.len()
                && cmp_ascii_ci(self.id(self.ids[end]), self.id(first)) == Ordering::Equal
            {
                end += 1;
            }
            // A group is the ids equal but for case: usually one entry.
            let g = &self.ids[group..end];
            for (i, &e) in g.iter().enumerate() {
                if g[..i].iter().any(|&d| {
                    self.id(d) == self.id(e) && self.db.get(d as usize) == self.db.get(e as usize)
                }) {
                    out.push(e as usize);
                }
            }
            group = end;
        }
        out.sort_unstable();
        out
    }
}

/// The first eight bytes of `bytes[from..]` up to a NUL (ASCII lower-cased when
/// `lower`), big-endian, zero-padded: comparing these compares the strings' starts.
fn prefix8(bytes: &[u8], from: usize, lower: bool) -> u64 {
    let mut v = 0u64;
    for k in 0..8 {
        let mut b = bytes.get(from + k).copied().unwrap_or(END);
        if lower {
            b = b.to_ascii_lowercase();
        }
        v = (v << 8) | u64::from(b);
        if b == END {
            return v << (8 * (7 - k));
        }
    }
    v
}

fn tail(bytes: &[u8], from: usize) -> &[u8] {
    bytes.get(from..).unwrap_or(&[])
}

/// The rest of a key from `from` (which lies inside it) to its NUL.
fn key_tail(bytes: &[u8], from: usize) -> &[u8] {
    let rest = tail(bytes, from);
    &rest[..memchr::memchr(END, rest).unwrap_or(rest.len())]
}

/// Compare with ASCII letters case-folded (ids: `q90` finds `Q90`).
pub(super) fn cmp_ascii_ci(a: &[u8], b: &[u8]) -> Ordering {
    a.iter()
        .map(u8::to_ascii_lowercase)
        .cmp(b.iter().map(u8::to_ascii_lowercase))
}
