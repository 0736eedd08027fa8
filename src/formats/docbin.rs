//! spaCy 3 DocBin (`.spacy`), the file `spacy train` reads.
//!
//! Wire format (spaCy 3.8 `spacy/tokens/_serialize.py`): a zlib stream of one msgpack
//! map — `version` "0.1"; `attrs` (attribute ids, ORTH first); `tokens` (little-endian
//! u64 matrix, one row per token, one column per attr); `spaces` (one byte per token:
//! followed by a space); `lengths` (i32 tokens per doc); `strings` (every string used);
//! `cats`, `flags`, `span_groups` (and optionally `user_data`) per doc. Strings are
//! stored as MurmurHash64A (seed 1) of their UTF-8 bytes, except spaCy's *symbols*
//! (`ORG`, `GPE`, `DATE` …) which use their fixed ids ([`super::spacy_symbols`]).
//!
//! Span groups (`doc.spans`, spaCy 3.8 `_dict_proxies.py` and `span_group.pyx`): each
//! doc's entry is msgpack bytes — `b"\x90"` (no groups), a map `{group bytes: [keys]}`
//! (spaCy ≥ 3.3) or a list of group bytes (older). A group is the msgpack map
//! `{"name", "attrs", "spans"}`, each span 40 bytes big-endian
//! `>QQQllll` = id, kb_id, label, start token, end token, start char, end char.
//!
//! **Writing**: ORTH, ENT_IOB (3 B, 1 I, 2 O), ENT_TYPE, and span groups. Tokens come
//! from [`super::tokenize`] (split at span boundaries); white space other than one
//! space after a token becomes its own token, as in spaCy, so `doc.text` is exactly the
//! document and character offsets survive. `doc.ents` holds the spans spaCy can take as
//! entities (no overlaps: of overlapping spans the outer, earlier one), and every span
//! also goes into a span group — `sc` (spaCy's default spancat key), or the groups its
//! `span_group` attributes name. So nested and overlapping spans survive a round trip.
//! Discontinuous spans, relations, notes, other attributes and normalizations are named
//! in warnings.
//!
//! **Reading** takes ORTH, spaces and the entities, plus every span group: the union of
//! `doc.ents` and all groups, where the same span and label met twice is one span. A
//! span found in a group other than `sc` gets one `span_group` attribute per group it is
//! in (`sc` included when it is in `sc` too); a span only in `doc.ents` and/or `sc` gets
//! none. Writing follows the same attributes back (a span in a named group alone is not
//! written to `doc.ents` or `sc`), so a DocBin read and written again keeps its groups.
//! Token attributes Entitle has no place for (TAG, POS, LEMMA, DEP, HEAD, MORPH,
//! ENT_KB_ID, ENT_ID), `doc.cats`, `user_data`, span-group attrs and span kb_id/id are
//! named in warnings. NORM (derived from the text) and SENT_START (Entitle finds
//! sentences itself) are not reported.
//!
//! **Limits** (a DocBin is compressed, so its size says little about what it holds):
//! the decompressed msgpack, and separately the text rebuilt from it, may not exceed
//! [`size_limit`] of the file's size: 200 × the compressed size, at least 64 MiB, at
//! most 1 GiB (the largest document Entitle opens). Measured: spaCy's own files here
//! are 3–9 × compressed, a corpus of random sentences 30 ×, 3,000 identical short docs
//! 185 × (the most redundant legitimate file we could make); zlib reaches ~1,000 ×, so
//! a 1 MB bomb that used to take 2.65 GB now stops at 200 MB with an error. The msgpack
//! is read in place (strings and byte fields borrowed, never copied into a value tree),
//! and every length it declares is checked against the bytes that remain before
//! anything is done with it.

use super::{
    Format, FormatError, Keeps, Origin, RawSpan, ReadOptions, Record, Warning, WriteError,
    describe_span, expressible,
};
use rmpv::Value as Mp;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::spacy_symbols;

const ORTH: u64 = 65;
const ENT_IOB: u64 = 77;
const ENT_TYPE: u64 = 78;

/// The span group spaCy's span categorizer reads by default, and where Entitle puts
/// spans without a `span_group` attribute.
pub const DEFAULT_GROUP: &str = "sc";
/// The span attribute naming the span group(s) of a span read from a DocBin.
pub const GROUP_ATTRIBUTE: &str = "span_group";

/// MurmurHash64A, as spaCy's `hash_string` (seed 1) uses it.
pub fn murmurhash64a(key: &[u8], seed: u64) -> u64 {
    const M: u64 = 0xc6a4_a793_5bd1_e995;
    const R: u32 = 47;
    let mut h: u64 = seed ^ (key.len() as u64).wrapping_mul(M);
    let chunks = key.chunks_exact(8);
    let rem = chunks.remainder();
    for c in chunks {
        let mut k = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h ^= k;
        h = h.wrapping_mul(M);
    }
    if !rem.is_empty() {
        for (i, b) in rem.iter().enumerate() {
            h ^= (*b as u64) << (8 * i);
        }
        h = h.wrapping_mul(M);
    }
    h ^= h >> R;
    h = h.wrapping_mul(M);
    h ^= h >> R;
    h
}

fn symbols() -> &'static HashMap<&'static str, u64> {
    static TABLE: std::sync::OnceLock<HashMap<&'static str, u64>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| spacy_symbols::SYMBOLS.iter().copied().collect())
}

fn symbol_names() -> &'static HashMap<u64, &'static str> {
    static TABLE: std::sync::OnceLock<HashMap<u64, &'static str>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        spacy_symbols::SYMBOLS
            .iter()
            .map(|&(s, id)| (id, s))
            .collect()
    })
}

/// The id spaCy stores for a string.
pub fn string_id(s: &str) -> u64 {
    if s.is_empty() {
        return 0;
    }
    symbols()
        .get(s)
        .copied()
        .unwrap_or_else(|| murmurhash64a(s.as_bytes(), 1))
}

// ------------------------------------------------------------------------- writing

/// One token as spaCy stores it.
struct SpToken {
    start: usize,
    end: usize,
    space: bool,
}

/// spaCy tokens: our tokens, plus white space other than one trailing space as tokens.
fn spacy_tokens(rec: &Record, spans: &[&crate::model::Span]) -> Vec<SpToken> {
    let tokens = super::jsonl::span_tokens(rec, spans);
    let text = rec.doc.text();
    let index = rec.doc.index();
    let len = rec.doc.len_chars();
    let mut out: Vec<SpToken> = Vec::with_capacity(tokens.len() + 8);
    let mut pos = 0;
    let push_gap = |out: &mut Vec<SpToken>, a: usize, b: usize| {
        if a >= b {
            return;
        }
        let gap = index.slice(text, a..b);
        let mut start = a;
        if let Some(last) = out.last_mut()
            && gap.starts_with(' ')
            && last.end == a
        {
            last.space = true;
            start = a + 1;
        }
        if start < b {
            out.push(SpToken {
                start,
                end: b,
                space: false,
            });
        }
    };
    for t in tokens {
        push_gap(&mut out, pos, t.start);
        out.push(SpToken {
            start: t.start,
            end: t.end,
            space: false,
        });
        pos = t.end;
    }
    push_gap(&mut out, pos, len);
    out
}

/// Where each written span goes: `doc.ents` (no overlaps, spans of `sc` only) and
/// the span groups (in order of first use, `sc` first), by their `span_group`
/// attributes (none: `sc`).
struct Placement<'r> {
    ents: Vec<&'r crate::model::Span>,
    groups: Vec<(String, Vec<&'r crate::model::Span>)>,
}

fn place<'r>(spans: &[&'r crate::model::Span]) -> Placement<'r> {
    let mut groups: Vec<(String, Vec<&crate::model::Span>)> =
        vec![(DEFAULT_GROUP.to_string(), Vec::new())];
    let mut ents = Vec::new();
    let mut last_end = 0;
    for &s in spans {
        let mut named: Vec<&str> = s
            .attributes()
            .iter()
            .filter(|(k, _)| k == GROUP_ATTRIBUTE)
            .map(|(_, v)| v.as_str())
            .collect();
        if named.is_empty() {
            named.push(DEFAULT_GROUP);
        }
        named.dedup();
        for g in named {
            match groups.iter_mut().find(|(n, _)| n == g) {
                Some((_, v)) => {
                    if !v.iter().any(|x| x.id == s.id) {
                        v.push(s);
                    }
                }
                None => groups.push((g.to_string(), vec![s])),
            }
            // Spans arrive sorted by start: the outer, earlier of overlapping spans wins.
            if g == DEFAULT_GROUP && s.range.start() >= last_end {
                ents.push(s);
                last_end = s.range.end();
            }
        }
    }
    groups.retain(|(_, v)| !v.is_empty());
    Placement { ents, groups }
}

/// The tokens `[first, last)` a span covers, if any; `false` when its ends are not
/// token boundaries (a span that starts or ends on white space spaCy folds into the
/// preceding token's trailing space).
fn token_range(tokens: &[SpToken], start: usize, end: usize) -> Option<(usize, usize, bool)> {
    let first = tokens.partition_point(|t| t.start < start);
    let last = tokens.partition_point(|t| t.end <= end);
    if first >= last {
        return None;
    }
    let exact = tokens.get(first).is_some_and(|t| t.start == start)
        && tokens.get(last - 1).is_some_and(|t| t.end == end);
    Some((first, last, exact))
}

/// The bytes spaCy's `SpanGroup.to_bytes` makes for one span (`>QQQllll`).
fn span_record(label: u64, tokens: (usize, usize), chars: (usize, usize)) -> Option<[u8; 40]> {
    let mut b = [0u8; 40];
    // id and kb_id stay 0.
    b[16..24].copy_from_slice(&label.to_be_bytes());
    let fields = [tokens.0, tokens.1, chars.0, chars.1];
    for (k, v) in fields.into_iter().enumerate() {
        let v = i32::try_from(v).ok()?;
        b[24 + 4 * k..28 + 4 * k].copy_from_slice(&v.to_be_bytes());
    }
    Some(b)
}

fn mp_str(x: &str) -> Mp {
    Mp::String(x.into())
}

fn pack(value: &Mp) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = rmpv::encode::write_value(&mut out, value);
    out
}

/// One doc's `span_groups` entry, as `SpanGroups.to_bytes` makes it.
fn groups_bytes(groups: &[(String, Vec<[u8; 40]>)]) -> Vec<u8> {
    if groups.is_empty() {
        return vec![0x90];
    }
    let entries = groups
        .iter()
        .map(|(name, spans)| {
            let group = Mp::Map(vec![
                (mp_str("name"), mp_str(name)),
                (mp_str("attrs"), Mp::Map(Vec::new())),
                (
                    mp_str("spans"),
                    Mp::Array(spans.iter().map(|b| Mp::Binary(b.to_vec())).collect()),
                ),
            ]);
            (Mp::Binary(pack(&group)), Mp::Array(vec![mp_str(name)]))
        })
        .collect();
    pack(&Mp::Map(entries))
}

/// Accumulates documents; the file is written (atomically) by `finish`.
pub struct Writer {
    path: PathBuf,
    rows: Vec<u8>,
    spaces: Vec<u8>,
    lengths: Vec<u8>,
    strings: std::collections::BTreeSet<String>,
    /// One `span_groups` entry per document written.
    span_groups: Vec<Vec<u8>>,
}

impl Writer {
    pub fn new(path: &Path) -> Result<Self, WriteError> {
        // Fail early, before any work, if the folder cannot be made.
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| WriteError::io(path, e))?;
        }
        Ok(Self {
            path: path.to_path_buf(),
            rows: Vec::new(),
            spaces: Vec::new(),
            lengths: Vec::new(),
            strings: Default::default(),
            span_groups: Vec::new(),
        })
    }
}

/// Warnings for attributes other than `span_group` (spaCy spans have none).
fn attribute_warnings(rec: &Record, spans: &[&crate::model::Span]) -> Vec<Warning> {
    spans
        .iter()
        .filter_map(|s| {
            let names: Vec<&str> = s
                .attributes()
                .iter()
                .filter(|(k, _)| k != GROUP_ATTRIBUTE)
                .map(|(k, _)| k.as_str())
                .collect();
            (!names.is_empty()).then(|| Warning {
                doc: rec.name.clone(),
                item: format!(
                    "attributes {} on {}",
                    names.join(", "),
                    describe_span(rec, s)
                ),
                reason: "dropped: spacy cannot express attributes".into(),
            })
        })
        .collect()
}

impl super::Writer for Writer {
    fn write(&mut self, rec: &Record) -> Result<Vec<Warning>, WriteError> {
        let keeps = Keeps {
            overlaps: true,
            attributes: true,
            ..Keeps::default()
        };
        let (spans, mut warnings) = expressible(rec, Format::Spacy, keeps);
        warnings.extend(attribute_warnings(rec, &spans));
        let placement = place(&spans);
        let tokens = spacy_tokens(rec, &spans);
        // Token range of every span, each misfit reported once.
        let mut ranges: HashMap<crate::model::SpanId, (usize, usize)> = HashMap::new();
        for &s in &spans {
            let (start, end) = (s.range.start(), s.range.end());
            match token_range(&tokens, start, end) {
                None => warnings.push(Warning {
                    doc: rec.name.clone(),
                    item: describe_span(rec, s),
                    reason: "dropped: it covers no spaCy token (only white space)".into(),
                }),
                Some((first, last, exact)) => {
                    if !exact {
                        warnings.push(Warning {
                            doc: rec.name.clone(),
                            item: describe_span(rec, s),
                            reason: format!(
                                "written as {}..{}: a spaCy span starts and ends on a token, not on white space",
                                tokens[first].start,
                                tokens[last - 1].end
                            ),
                        });
                    }
                    ranges.insert(s.id, (first, last));
                    self.strings.insert(s.label.to_string());
                }
            }
        }
        let mut iob = vec![2u64; tokens.len()];
        let mut ty = vec![0u64; tokens.len()];
        for s in &placement.ents {
            let Some(&(first, last)) = ranges.get(&s.id) else {
                continue;
            };
            let id = string_id(&s.label);
            for k in first..last {
                iob[k] = if k == first { 3 } else { 1 };
                ty[k] = id;
            }
        }
        let mut groups = Vec::with_capacity(placement.groups.len());
        for (name, members) in &placement.groups {
            let mut records = Vec::with_capacity(members.len());
            for s in members {
                let Some(&(first, last)) = ranges.get(&s.id) else {
                    continue;
                };
                let chars = (tokens[first].start, tokens[last - 1].end);
                let record =
                    span_record(string_id(&s.label), (first, last), chars).ok_or_else(|| {
                        WriteError::Unsupported(format!(
                            "{}: too long for a spaCy span group (offsets past 2^31)",
                            rec.name
                        ))
                    })?;
                records.push(record);
            }
            groups.push((name.clone(), records));
        }
        let text = rec.doc.text();
        let index = rec.doc.index();
        for (k, t) in tokens.iter().enumerate() {
            let orth = index.slice(text, t.start..t.end);
            self.strings.insert(orth.to_string());
            for v in [string_id(orth), iob[k], ty[k]] {
                self.rows.extend_from_slice(&v.to_le_bytes());
            }
            self.spaces.push(u8::from(t.space));
        }
        let n = i32::try_from(tokens.len())
            .map_err(|_| WriteError::Unsupported(format!("{}: more than 2^31 tokens", rec.name)))?;
        self.lengths.extend_from_slice(&n.to_le_bytes());
        self.span_groups.push(groups_bytes(&groups));
        Ok(warnings)
    }

    fn finish(self: Box<Self>) -> Result<Vec<Warning>, WriteError> {
        let docs = self.span_groups.len();
        let map = Mp::Map(vec![
            (mp_str("version"), mp_str("0.1")),
            (
                mp_str("attrs"),
                Mp::Array(vec![Mp::from(ORTH), Mp::from(ENT_IOB), Mp::from(ENT_TYPE)]),
            ),
            (mp_str("tokens"), Mp::Binary(self.rows)),
            (mp_str("spaces"), Mp::Binary(self.spaces)),
            (mp_str("lengths"), Mp::Binary(self.lengths)),
            (
                mp_str("strings"),
                Mp::Array(self.strings.iter().map(|x| mp_str(x)).collect()),
            ),
            (
                mp_str("cats"),
                Mp::Array((0..docs).map(|_| Mp::Map(Vec::new())).collect()),
            ),
            (
                mp_str("flags"),
                Mp::Array(
                    (0..docs)
                        .map(|_| Mp::Map(vec![(mp_str("has_unknown_spaces"), Mp::Boolean(false))]))
                        .collect(),
                ),
            ),
            (
                mp_str("span_groups"),
                Mp::Array(self.span_groups.into_iter().map(Mp::Binary).collect()),
            ),
        ]);
        let packed = pack(&map);
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(&packed)
            .map_err(|e| WriteError::io(&self.path, e))?;
        let bytes = z.finish().map_err(|e| WriteError::io(&self.path, e))?;
        crate::fsio::atomic_write(&self.path, &bytes).map_err(|e| WriteError::io(&self.path, e))?;
        Ok(Vec::new())
    }
}

// ------------------------------------------------------------------------- reading

/// A msgpack reader over bytes in memory. rmpv would build a tree of `Value`s, each
/// ~32 bytes however small its encoding (a list of one-byte integers grows 32-fold), so
/// a DocBin is read in place instead: strings and byte fields are borrowed, lists are
/// walked item by item, and every length is checked against the bytes that remain
/// (each item takes at least one byte) before it is used.
mod mp {
    /// One msgpack item; lists and maps give their length, their items follow.
    #[derive(Debug, Clone, Copy, PartialEq)]
    pub enum Item<'a> {
        Nil,
        Bool(bool),
        Uint(u64),
        Int(i64),
        Float,
        Str(&'a [u8]),
        Bin(&'a [u8]),
        Array(usize),
        Map(usize),
        Ext,
    }

    impl Item<'_> {
        pub fn kind(&self) -> &'static str {
            match self {
                Item::Nil => "nil",
                Item::Bool(_) => "a boolean",
                Item::Uint(_) | Item::Int(_) => "an integer",
                Item::Float => "a float",
                Item::Str(_) => "a string",
                Item::Bin(_) => "bytes",
                Item::Array(_) => "a list",
                Item::Map(_) => "a map",
                Item::Ext => "an extension value",
            }
        }
    }

    pub struct Cursor<'a> {
        buf: &'a [u8],
        pos: usize,
    }

    impl<'a> Cursor<'a> {
        pub fn new(buf: &'a [u8]) -> Self {
            Self { buf, pos: 0 }
        }
        fn left(&self) -> usize {
            self.buf.len().saturating_sub(self.pos)
        }
        fn take(&mut self, n: u64) -> Result<&'a [u8], String> {
            let end = usize::try_from(n)
                .ok()
                .and_then(|n| self.pos.checked_add(n))
                .filter(|&e| e <= self.buf.len())
                .ok_or_else(|| {
                    format!(
                        "the msgpack data ends early: {n} bytes wanted at byte {}, {} left",
                        self.pos,
                        self.left()
                    )
                })?;
            let s = self.buf.get(self.pos..end).unwrap_or_default();
            self.pos = end;
            Ok(s)
        }
        /// A big-endian unsigned number of `n` bytes (1, 2, 4 or 8).
        fn be(&mut self, n: u64) -> Result<u64, String> {
            Ok(self
                .take(n)?
                .iter()
                .fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
        }
        /// A list or map length, refused when the items cannot fit in what remains.
        fn count(&mut self, n: u64, bytes_per_item: u64) -> Result<usize, String> {
            let left = self.left() as u64;
            if n.saturating_mul(bytes_per_item) > left {
                return Err(format!(
                    "a msgpack list at byte {} claims {n} items but only {left} bytes follow",
                    self.pos
                ));
            }
            usize::try_from(n).map_err(|_| format!("msgpack length {n} is too large"))
        }

        /// The next item (for a list or map: its header).
        pub fn next(&mut self) -> Result<Item<'a>, String> {
            let at = self.pos;
            let b = *self.take(1)?.first().unwrap_or(&0xc1);
            let width = |first: u8| 1u64 << (b - first);
            Ok(match b {
                0x00..=0x7f => Item::Uint(u64::from(b)),
                0x80..=0x8f => Item::Map(self.count(u64::from(b & 0x0f), 2)?),
                0x90..=0x9f => Item::Array(self.count(u64::from(b & 0x0f), 1)?),
                0xa0..=0xbf => Item::Str(self.take(u64::from(b & 0x1f))?),
                0xc0 => Item::Nil,
                0xc2 => Item::Bool(false),
                0xc3 => Item::Bool(true),
                0xc4..=0xc6 => {
                    let n = self.be(width(0xc4))?;
                    Item::Bin(self.take(n)?)
                }
                0xc7..=0xc9 => {
                    let n = self.be(width(0xc7))?;
                    self.take(n.saturating_add(1))?;
                    Item::Ext
                }
                0xca => {
                    self.take(4)?;
                    Item::Float
                }
                0xcb => {
                    self.take(8)?;
                    Item::Float
                }
                0xcc..=0xcf => Item::Uint(self.be(width(0xcc))?),
                0xd0..=0xd3 => {
                    let n = width(0xd0);
                    let v = self.be(n)?;
                    // Sign-extend from n bytes.
                    let shift = 64 - 8 * n as u32;
                    Item::Int(((v << shift) as i64) >> shift)
                }
                0xd4..=0xd8 => {
                    self.take(1 + width(0xd4))?;
                    Item::Ext
                }
                0xd9..=0xdb => {
                    let n = self.be(width(0xd9))?;
                    Item::Str(self.take(n)?)
                }
                0xdc | 0xdd => {
                    let n = self.be(if b == 0xdc { 2 } else { 4 })?;
                    Item::Array(self.count(n, 1)?)
                }
                0xde | 0xdf => {
                    let n = self.be(if b == 0xde { 2 } else { 4 })?;
                    Item::Map(self.count(n, 2)?)
                }
                0xe0..=0xff => Item::Int(i64::from(b as i8)),
                0xc1 => return Err(format!("byte 0xC1 at {at} is not msgpack")),
            })
        }

        /// Skip one whole value (lists and maps with everything in them), without
        /// recursion: a count of items still to skip is all the state.
        pub fn skip(&mut self) -> Result<(), String> {
            let mut pending: u64 = 1;
            while pending > 0 {
                pending -= 1;
                match self.next()? {
                    Item::Array(n) => pending = pending.saturating_add(n as u64),
                    Item::Map(n) => pending = pending.saturating_add(2 * n as u64),
                    _ => {}
                }
            }
            Ok(())
        }
        /// Skip what follows the header `item` (the items of a list or map).
        pub fn skip_children(&mut self, item: Item<'a>) -> Result<(), String> {
            let n = match item {
                Item::Array(n) => n,
                Item::Map(n) => 2 * n,
                _ => 0,
            };
            (0..n).try_for_each(|_| self.skip())
        }
        /// The bytes of the next whole value, to read later.
        pub fn raw(&mut self) -> Result<&'a [u8], String> {
            let start = self.pos;
            self.skip()?;
            Ok(self.buf.get(start..self.pos).unwrap_or_default())
        }

        fn expected(what: &str, want: &str, got: Item) -> String {
            format!("{what} should be {want}, not {}", got.kind())
        }
        pub fn uint(&mut self, what: &str) -> Result<u64, String> {
            match self.next()? {
                Item::Uint(v) => Ok(v),
                Item::Int(v) if v >= 0 => Ok(v as u64),
                got => Err(Self::expected(what, "a whole number", got)),
            }
        }
        pub fn str(&mut self, what: &str) -> Result<&'a str, String> {
            match self.next()? {
                Item::Str(s) => {
                    std::str::from_utf8(s).map_err(|e| format!("{what} is not valid UTF-8 ({e})"))
                }
                got => Err(Self::expected(what, "a string", got)),
            }
        }
        pub fn bin(&mut self, what: &str) -> Result<&'a [u8], String> {
            match self.next()? {
                Item::Bin(b) | Item::Str(b) => Ok(b),
                got => Err(Self::expected(what, "bytes", got)),
            }
        }
        pub fn array(&mut self, what: &str) -> Result<usize, String> {
            match self.next()? {
                Item::Array(n) => Ok(n),
                got => Err(Self::expected(what, "a list", got)),
            }
        }
        pub fn map(&mut self, what: &str) -> Result<usize, String> {
            match self.next()? {
                Item::Map(n) => Ok(n),
                got => Err(Self::expected(what, "a map", got)),
            }
        }
    }
}

/// The most a DocBin of `compressed` bytes may decompress to (and the most text that
/// may be rebuilt from it): 200 × its size, at least 64 MiB, at most 1 GiB. See the
/// module documentation for why.
pub fn size_limit(compressed: usize) -> usize {
    const FLOOR: usize = 64 << 20;
    const RATIO: usize = 200;
    compressed
        .saturating_mul(RATIO)
        .clamp(FLOOR, crate::model::MAX_DOCUMENT_BYTES)
}

/// zlib-decompress at most `limit` bytes. The buffer never grows past the limit (plus
/// one read), whatever the stream claims.
fn inflate(bytes: &[u8], limit: usize) -> Result<Vec<u8>, String> {
    const CHUNK: usize = 1 << 16;
    let mut z = flate2::read::ZlibDecoder::new(bytes);
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len().saturating_mul(4).min(limit));
    let mut chunk = vec![0u8; CHUNK];
    loop {
        let n = match z.read(&mut chunk) {
            Ok(0) => return Ok(out),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(format!(
                    "is not a spaCy DocBin: not a zlib stream, or a damaged one ({e})"
                ));
            }
        };
        if out.len() + n > limit {
            return Err(format!(
                "is not read: it decompresses to more than {} MB ({} × its {} bytes, at least 64 MiB, at most 1 GiB). \
                 A DocBin this redundant is most likely damaged or hostile; if it is real, split it with spaCy \
                 (DocBin.from_disk, then several DocBin.to_disk) and import the parts",
                limit / 1_000_000,
                200,
                bytes.len()
            ));
        }
        if out.len() + n > out.capacity() {
            let want = (out.capacity() * 2).max(out.len() + n).min(limit + CHUNK);
            out.reserve_exact(want - out.len());
        }
        out.extend_from_slice(chunk.get(..n).unwrap_or_default());
    }
}

/// The top-level map of a DocBin: byte fields borrowed, per-doc lists kept raw until
/// the number of documents is known.
#[derive(Default)]
struct Container<'a> {
    attrs: Vec<u64>,
    tokens: &'a [u8],
    spaces: &'a [u8],
    lengths: Vec<usize>,
    strings: &'a [u8],
    cats: &'a [u8],
    flags: &'a [u8],
    span_groups: &'a [u8],
    user_data: &'a [u8],
}

/// At most this many attributes (spaCy 3.8 has ~80 token attributes).
const MAX_ATTRS: usize = 1024;

fn container(packed: &[u8]) -> Result<Container<'_>, String> {
    let mut c = mp::Cursor::new(packed);
    let n = match c.next() {
        Ok(mp::Item::Map(n)) => n,
        Ok(_) | Err(_) => return Err("is not a spaCy DocBin: no msgpack map inside".into()),
    };
    let mut out = Container::default();
    let (mut has_attrs, mut has) = (false, [false; 3]);
    for _ in 0..n {
        let key = c.str("a DocBin key")?;
        match key {
            "attrs" => {
                let len = c.array("\"attrs\"")?;
                if len > MAX_ATTRS {
                    return Err(format!(
                        "DocBin has {len} attributes; spaCy has fewer than {MAX_ATTRS}"
                    ));
                }
                out.attrs = (0..len)
                    .map(|_| c.uint("an attribute id"))
                    .collect::<Result<_, _>>()?;
                has_attrs = true;
            }
            "tokens" => (out.tokens, has[0]) = (c.bin("\"tokens\"")?, true),
            "spaces" => (out.spaces, has[1]) = (c.bin("\"spaces\"")?, true),
            "lengths" => {
                let b = c.bin("\"lengths\"")?;
                if b.len() % 4 != 0 {
                    return Err(format!(
                        "DocBin \"lengths\" has {} bytes, not a multiple of 4",
                        b.len()
                    ));
                }
                out.lengths = b
                    .chunks_exact(4)
                    .enumerate()
                    .map(|(d, x)| {
                        let v = i32::from_le_bytes([x[0], x[1], x[2], x[3]]);
                        usize::try_from(v).map_err(|_| {
                            format!("DocBin document {} has a negative length ({v})", d + 1)
                        })
                    })
                    .collect::<Result<_, _>>()?;
                has[2] = true;
            }
            "strings" => out.strings = c.raw()?,
            "cats" => out.cats = c.raw()?,
            "flags" => out.flags = c.raw()?,
            "span_groups" => out.span_groups = c.raw()?,
            "user_data" => out.user_data = c.raw()?,
            _ => c.skip()?,
        }
    }
    if !has_attrs {
        return Err("DocBin has no \"attrs\"".into());
    }
    for (k, name) in has.iter().zip(["tokens", "spaces", "lengths"]) {
        if !k {
            return Err(format!("DocBin has no \"{name}\" bytes"));
        }
    }
    Ok(out)
}

/// Read a per-document list (`cats`, `flags`, `span_groups`, `user_data`): one item
/// per document, through `item`; a missing list or item is `None`, extra items are
/// ignored (spaCy indexes these lists by document).
fn per_doc<'a, T>(
    raw: &'a [u8],
    docs: usize,
    what: &str,
    mut item: impl FnMut(&mut mp::Cursor<'a>) -> Result<T, String>,
) -> Result<Vec<Option<T>>, String> {
    let mut out: Vec<Option<T>> = Vec::new();
    if !raw.is_empty() {
        let mut c = mp::Cursor::new(raw);
        let n = c.array(&format!("DocBin \"{what}\""))?;
        for d in 0..n {
            if d < docs {
                out.push(Some(item(&mut c)?));
            } else {
                c.skip()?;
            }
        }
    }
    out.resize_with(docs, || None);
    Ok(out)
}

/// The keys of a map item (`doc.cats`), at most a few for a message.
fn map_keys(c: &mut mp::Cursor<'_>, what: &str) -> Result<Vec<String>, String> {
    let n = match c.next()? {
        mp::Item::Map(n) => n,
        mp::Item::Nil => 0,
        got => return Err(format!("{what} should be a map, not {}", got.kind())),
    };
    let mut keys = Vec::new();
    for _ in 0..n {
        let key = c.next()?;
        c.skip_children(key)?;
        if let mp::Item::Str(s) = key
            && keys.len() < 5
        {
            keys.push(String::from_utf8_lossy(s).into_owned());
        }
        c.skip()?;
    }
    if n > keys.len() {
        keys.push(format!("… ({n} in all)"));
    }
    Ok(keys)
}

/// `flags.has_unknown_spaces` of one document.
fn unknown_spaces(c: &mut mp::Cursor<'_>) -> Result<bool, String> {
    let n = match c.next()? {
        mp::Item::Map(n) => n,
        mp::Item::Nil => 0,
        got => {
            return Err(format!(
                "DocBin \"flags\" items should be maps, not {}",
                got.kind()
            ));
        }
    };
    let mut unknown = false;
    for _ in 0..n {
        let key = c.next()?;
        c.skip_children(key)?;
        let value = c.next()?;
        c.skip_children(value)?;
        if key == mp::Item::Str(b"has_unknown_spaces") {
            unknown = value == mp::Item::Bool(true);
        }
    }
    Ok(unknown)
}

/// One span of a span group as stored (character offsets are not used: spaCy rebuilds
/// a span's text from its tokens too).
#[derive(Debug, Clone, Copy)]
struct StoredSpan {
    id: u64,
    kb_id: u64,
    label: u64,
    start: i32,
    end: i32,
}

fn stored_span(b: &[u8]) -> Option<StoredSpan> {
    let u = |at: usize| Some(u64::from_be_bytes(b.get(at..at + 8)?.try_into().ok()?));
    let i = |at: usize| Some(i32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?));
    (b.len() == 40).then_some(())?;
    Some(StoredSpan {
        id: u(0)?,
        kb_id: u(8)?,
        label: u(16)?,
        start: i(24)?,
        end: i(28)?,
    })
}

/// One span group of a document and the key(s) it is stored under.
struct Group {
    keys: Vec<String>,
    has_attrs: bool,
    spans: Vec<StoredSpan>,
}

/// The span groups of one document, as `SpanGroups.from_bytes` reads them: nothing
/// (`b""`, `b"\x90"`), a list of group bytes (spaCy < 3.3), or a map of group bytes to
/// the keys they are stored under.
fn span_groups(bytes: &[u8]) -> Result<Vec<Group>, String> {
    if bytes.is_empty() || bytes == [0x90] {
        return Ok(Vec::new());
    }
    let mut c = mp::Cursor::new(bytes);
    match c.next()? {
        mp::Item::Array(n) => (0..n)
            .map(|_| one_group(c.bin("a span group")?, Vec::new()))
            .collect(),
        mp::Item::Map(n) => (0..n)
            .map(|_| {
                let group = c.bin("a span group")?;
                let k = c.array("the keys of a span group")?;
                let keys = (0..k)
                    .map(|_| c.str("a span group key").map(str::to_string))
                    .collect::<Result<Vec<_>, _>>()?;
                one_group(group, keys)
            })
            .collect(),
        got => Err(format!(
            "span groups should be a map or a list, not {}",
            got.kind()
        )),
    }
}

fn one_group(bytes: &[u8], keys: Vec<String>) -> Result<Group, String> {
    let mut c = mp::Cursor::new(bytes);
    let n = c.map("a span group")?;
    let (mut name, mut has_attrs, mut spans) = (None, false, Vec::new());
    for _ in 0..n {
        match c.str("a span group field")? {
            "name" => name = Some(c.str("a span group name")?.to_string()),
            "attrs" => {
                let item = c.next()?;
                has_attrs = matches!(item, mp::Item::Map(k) if k > 0);
                c.skip_children(item)?;
            }
            "spans" => {
                let k = c.array("the spans of a span group")?;
                spans.reserve(k);
                for i in 0..k {
                    let b = c.bin("a span")?;
                    spans.push(stored_span(b).ok_or_else(|| {
                        format!("span {i} of a span group has {} bytes, not 40", b.len())
                    })?);
                }
            }
            _ => c.skip()?,
        }
    }
    let keys = match (keys.is_empty(), name) {
        (false, _) => keys,
        (true, Some(name)) => vec![name],
        (true, None) => return Err("a span group has no name".into()),
    };
    Ok(Group {
        keys,
        has_attrs,
        spans,
    })
}

/// Token attributes Entitle has no place for, reported when a document has values.
const UNREAD_ATTRS: &[(u64, &str)] = &[
    (73, "LEMMA"),
    (74, "POS"),
    (75, "TAG"),
    (76, "DEP"),
    (79, "HEAD"),
    (452, "ENT_KB_ID"),
    (453, "MORPH"),
    (454, "ENT_ID"),
];

/// What every document of one file needs.
struct Shared<'a> {
    path: &'a Path,
    stem: String,
    attrs: Vec<u64>,
    tokens: &'a [u8],
    /// Bytes per token row.
    width: usize,
    spaces: &'a [u8],
    strings: rustc_hash::FxHashMap<u64, &'a str>,
    options: &'a ReadOptions,
}

impl Shared<'_> {
    fn col(&self, attr: u64) -> Option<usize> {
        self.attrs.iter().position(|&a| a == attr)
    }
    /// The value of attribute column `col` of token row `row` (checked).
    fn value(&self, row: usize, col: usize) -> Option<u64> {
        let at = row
            .checked_mul(self.width)?
            .checked_add(col.checked_mul(8)?)?;
        let b = self.tokens.get(at..at.checked_add(8)?)?;
        Some(u64::from_le_bytes(b.try_into().ok()?))
    }
    fn string(&self, id: u64) -> Option<&str> {
        if id == 0 {
            return Some("");
        }
        self.strings
            .get(&id)
            .copied()
            .or_else(|| symbol_names().get(&id).copied())
    }
    fn err(&self, msg: String) -> FormatError {
        FormatError::new(self.path, 0, msg)
    }
}

/// One document's parts, as the file gives them.
struct DocIn {
    /// 0-based.
    index: usize,
    rows: std::ops::Range<usize>,
    cats: Vec<String>,
    unknown_spaces: bool,
    user_data: bool,
    groups: Result<Vec<Group>, String>,
}

/// Parse a DocBin from memory: one item per document, or one error for the file.
/// `path` is for messages (and names the documents `<stem>-<n>`). The file reader
/// goes through this; fuzzing calls it directly.
pub fn parse_bytes(
    path: &Path,
    bytes: &[u8],
    options: &ReadOptions,
) -> Vec<Result<Record, FormatError>> {
    match parse_file(path, bytes, options) {
        Ok(v) => v,
        Err(e) => vec![Err(e)],
    }
}

fn parse_file(
    path: &Path,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<Vec<Result<Record, FormatError>>, FormatError> {
    let err = |m: String| FormatError::new(path, 0, m);
    let limit = size_limit(bytes.len());
    let packed = inflate(bytes, limit).map_err(err)?;
    let c = container(&packed).map_err(err)?;
    let width = c.attrs.len() * 8;
    if width == 0 || c.tokens.len() % width != 0 {
        return Err(err(format!(
            "DocBin token matrix of {} bytes does not fit {} attributes",
            c.tokens.len(),
            c.attrs.len()
        )));
    }
    let n_tokens = c.tokens.len() / width;
    let total = c
        .lengths
        .iter()
        .try_fold(0usize, |a, &l| a.checked_add(l))
        .unwrap_or(usize::MAX);
    if c.spaces.len() != n_tokens || total != n_tokens {
        return Err(err(format!(
            "DocBin is inconsistent: {n_tokens} tokens, {} space flags, lengths adding to {total}",
            c.spaces.len(),
        )));
    }
    let docs = doc_parts(&c).map_err(err)?;
    let mut shared = Shared {
        path,
        stem: path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
        attrs: c.attrs,
        tokens: c.tokens,
        width,
        spaces: c.spaces,
        strings: Default::default(),
        options,
    };
    let orth = shared
        .col(ORTH)
        .ok_or_else(|| err("DocBin has no ORTH attribute, so the text cannot be rebuilt".into()))?;
    shared.strings = needed_strings(&shared, orth, &docs, c.strings).map_err(err)?;
    // The texts of all documents together stay under the same limit: a DocBin whose
    // tokens repeat one long string cannot grow into gigabytes of text.
    let mut budget = limit;
    let total = docs.len();
    let mut out = Vec::with_capacity(total);
    for d in docs {
        let doc_no = d.index + 1;
        let rec = read_doc(&shared, orth, d, &mut budget);
        if rec.is_err() && budget == 0 {
            out.push(Err(err(format!(
                "documents {doc_no}–{total} are not read: the texts rebuilt from this DocBin pass {} MB, \
                 the limit for a file of {} bytes (its tokens repeat long strings)",
                limit / 1_000_000,
                bytes.len()
            ))));
            break;
        }
        out.push(rec);
    }
    Ok(out)
}

/// Each document's rows and per-document fields.
fn doc_parts(c: &Container<'_>) -> Result<Vec<DocIn>, String> {
    let n = c.lengths.len();
    let mut cats = per_doc(c.cats, n, "cats", |c| map_keys(c, "DocBin \"cats\" items"))?;
    let mut flags = per_doc(c.flags, n, "flags", unknown_spaces)?;
    let mut groups = per_doc(c.span_groups, n, "span_groups", |c| {
        c.bin("DocBin \"span_groups\" items")
    })?;
    let mut user = per_doc(c.user_data, n, "user_data", |c| match c.next()? {
        mp::Item::Nil => Ok(false),
        mp::Item::Bin(b) | mp::Item::Str(b) => Ok(!b.is_empty() && b != [0x80]),
        got => Err(format!(
            "DocBin \"user_data\" items should be bytes, not {}",
            got.kind()
        )),
    })?;
    let mut row = 0;
    let mut out = Vec::with_capacity(n);
    for (d, &len) in c.lengths.iter().enumerate() {
        out.push(DocIn {
            index: d,
            rows: row..row + len,
            cats: take_at(&mut cats, d).unwrap_or_default(),
            unknown_spaces: take_at(&mut flags, d).unwrap_or(false),
            user_data: take_at(&mut user, d).unwrap_or(false),
            groups: span_groups(take_at(&mut groups, d).unwrap_or_default()),
        });
        row += len;
    }
    Ok(out)
}

fn take_at<T>(v: &mut [Option<T>], d: usize) -> Option<T> {
    v.get_mut(d).and_then(Option::take)
}

/// The strings the documents use (token texts, entity and span labels), from the
/// `strings` list: only those are kept, so a huge list costs no memory.
fn needed_strings<'a>(
    shared: &Shared<'a>,
    orth: usize,
    docs: &[DocIn],
    raw: &'a [u8],
) -> Result<rustc_hash::FxHashMap<u64, &'a str>, String> {
    let mut needed: rustc_hash::FxHashSet<u64> = Default::default();
    let ent_type = shared.col(ENT_TYPE);
    let rows = shared.spaces.len();
    for r in 0..rows {
        needed.extend(shared.value(r, orth));
        needed.extend(ent_type.and_then(|c| shared.value(r, c)));
    }
    for d in docs {
        for g in d.groups.iter().flatten() {
            needed.extend(g.spans.iter().map(|s| s.label));
        }
    }
    let mut out: rustc_hash::FxHashMap<u64, &str> = Default::default();
    if raw.is_empty() {
        return Ok(out);
    }
    let mut c = mp::Cursor::new(raw);
    let n = c.array("DocBin \"strings\"")?;
    for _ in 0..n {
        // A string that is not UTF-8 cannot be a token's text; tokens that use it
        // are reported as missing their string.
        let item = c.next()?;
        c.skip_children(item)?;
        if let mp::Item::Str(b) = item
            && let Ok(s) = std::str::from_utf8(b)
        {
            let id = string_id(s);
            if needed.contains(&id) {
                out.insert(id, s);
            }
        }
    }
    Ok(out)
}

/// The text of one document and each token's `[start, end)` in code points.
fn doc_text(
    shared: &Shared<'_>,
    orth: usize,
    d: &DocIn,
    budget: &mut usize,
) -> Result<(String, Vec<(usize, usize)>), FormatError> {
    let doc_no = d.index + 1;
    let mut text = String::new();
    let mut chars = 0usize;
    let mut offsets = Vec::with_capacity(d.rows.len());
    for (k, r) in d.rows.clone().enumerate() {
        let id = shared.value(r, orth).ok_or_else(|| {
            shared.err(format!(
                "document {doc_no}: token {k} is outside the token matrix"
            ))
        })?;
        let orth = shared.string(id).ok_or_else(|| {
            shared.err(format!(
                "document {doc_no}: token {k} has a string id missing from the DocBin's strings"
            ))
        })?;
        let space = d.unknown_spaces || shared.spaces.get(r).is_some_and(|&b| b != 0);
        if text.len() + orth.len() + 1 > *budget {
            *budget = 0;
            return Err(shared.err(format!("document {doc_no}: its text is too long")));
        }
        let start = chars;
        text.push_str(orth);
        chars += orth.chars().count();
        offsets.push((start, chars));
        if space {
            text.push(' ');
            chars += 1;
        }
    }
    *budget -= text.len();
    Ok((text, offsets))
}

/// `doc.ents` from ENT_IOB / ENT_TYPE, read as spaCy's `Doc.ents` does (an `I` with no
/// entity open starts one, leniently; a `B` without a type is `O`).
fn ents(
    shared: &Shared<'_>,
    d: &DocIn,
    offsets: &[(usize, usize)],
) -> Result<Vec<RawSpan>, FormatError> {
    let (Some(iob_col), ent_type) = (shared.col(ENT_IOB), shared.col(ENT_TYPE)) else {
        return Ok(Vec::new());
    };
    let mut spans = Vec::new();
    let mut open: Option<(usize, &str)> = None;
    let mut last_end = 0;
    for (k, (r, &(start, end))) in d.rows.clone().zip(offsets).enumerate() {
        let iob = shared.value(r, iob_col).unwrap_or(0);
        let ty = match ent_type.and_then(|c| shared.value(r, c)).unwrap_or(0) {
            0 => None,
            v => Some(shared.string(v).ok_or_else(|| {
                shared.err(format!(
                    "document {}: token {k} has an entity type id ({v}) missing from the DocBin's strings",
                    d.index + 1
                ))
            })?),
        };
        if iob != 1
            && let Some((s, label)) = open.take()
        {
            spans.push(RawSpan {
                key: format!("ents[{}]", spans.len()),
                fragments: vec![(s, last_end)],
                label: label.to_string(),
                ..Default::default()
            });
        }
        match (iob, ty) {
            (3, Some(t)) => open = Some((start, t)),
            (1, Some(t)) if open.is_none() => open = Some((start, t)),
            _ => {}
        }
        last_end = end;
    }
    if let Some((s, label)) = open {
        spans.push(RawSpan {
            key: format!("ents[{}]", spans.len()),
            fragments: vec![(s, last_end)],
            label: label.to_string(),
            ..Default::default()
        });
    }
    Ok(spans)
}

/// The spans of every span group, as `(group key, span)`; empty spans are warnings,
/// spans outside the document or with an unknown label are errors.
fn group_spans(
    shared: &Shared<'_>,
    d: &DocIn,
    groups: &[Group],
    offsets: &[(usize, usize)],
    name: &str,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<(String, RawSpan)>, FormatError> {
    let doc_no = d.index + 1;
    let mut out = Vec::new();
    for g in groups {
        if g.has_attrs {
            warnings.push(Warning {
                doc: name.to_string(),
                item: format!("attrs of span group {:?}", g.keys.join(", ")),
                reason: "not imported: Entitle keeps the spans of a span group".into(),
            });
        }
        let linked = g.spans.iter().filter(|s| s.kb_id != 0 || s.id != 0).count();
        if linked > 0 {
            warnings.push(Warning {
                doc: name.to_string(),
                item: format!(
                    "kb_id/id of {linked} spans in span group {:?}",
                    g.keys.join(", ")
                ),
                reason: "not imported: Entitle spans have no knowledge-base id".into(),
            });
        }
        for key in &g.keys {
            for (i, s) in g.spans.iter().enumerate() {
                let what = format!("spans[{key:?}][{i}]");
                let (Ok(a), Ok(b)) = (usize::try_from(s.start), usize::try_from(s.end)) else {
                    return Err(shared.err(format!(
                        "document {doc_no}: {what} has negative token offsets {}..{}",
                        s.start, s.end
                    )));
                };
                if b > offsets.len() || a > b {
                    return Err(shared.err(format!(
                        "document {doc_no}: {what} covers tokens {a}..{b}, but the document has {} tokens",
                        offsets.len()
                    )));
                }
                let label = shared
                    .string(s.label)
                    .filter(|l| !l.is_empty())
                    .ok_or_else(|| {
                        shared.err(format!(
                            "document {doc_no}: {what} has a label id ({}) missing from the DocBin's strings",
                            s.label
                        ))
                    })?;
                let ends = (
                    offsets.get(a),
                    b.checked_sub(1).and_then(|l| offsets.get(l)),
                );
                let (Some(first), Some(last), true) = (ends.0, ends.1, a < b) else {
                    warnings.push(Warning {
                        doc: name.to_string(),
                        item: format!("{what} {label} (tokens {a}..{b})"),
                        reason: "dropped: it is empty; Entitle spans cover at least one character"
                            .into(),
                    });
                    continue;
                };
                out.push((
                    key.clone(),
                    RawSpan {
                        key: what,
                        fragments: vec![(first.0, last.1)],
                        label: label.to_string(),
                        ..Default::default()
                    },
                ));
            }
        }
    }
    Ok(out)
}

/// The union of `doc.ents` and the span groups: the same offsets and label are one
/// span; a span in a group other than `sc` gets a `span_group` attribute per group it
/// is in (`sc` included).
fn merge(ents: Vec<RawSpan>, grouped: Vec<(String, RawSpan)>) -> Vec<RawSpan> {
    let mut spans: Vec<RawSpan> = Vec::with_capacity(ents.len() + grouped.len());
    let mut member_of: Vec<Vec<String>> = Vec::new();
    let mut at: HashMap<((usize, usize), String), usize> = HashMap::new();
    let all = ents
        .into_iter()
        .map(|s| (None, s))
        .chain(grouped.into_iter().map(|(k, s)| (Some(k), s)));
    for (group, s) in all {
        let key = (
            s.fragments.first().copied().unwrap_or_default(),
            s.label.clone(),
        );
        let i = *at.entry(key).or_insert_with(|| {
            spans.push(s);
            member_of.push(Vec::new());
            spans.len() - 1
        });
        if let (Some(g), Some(m)) = (group, member_of.get_mut(i))
            && !m.contains(&g)
        {
            m.push(g);
        }
    }
    for (s, groups) in spans.iter_mut().zip(member_of) {
        if groups.iter().any(|g| g != DEFAULT_GROUP) {
            s.attributes = groups
                .into_iter()
                .map(|g| (GROUP_ATTRIBUTE.to_string(), g))
                .collect();
        }
    }
    spans
}

/// Warnings for what a document carries that Entitle does not import.
fn unread_warnings(shared: &Shared<'_>, d: &DocIn, name: &str) -> Vec<Warning> {
    let mut warnings = Vec::new();
    let mut warn = |item: String, reason: &str| {
        warnings.push(Warning {
            doc: name.to_string(),
            item,
            reason: reason.to_string(),
        })
    };
    let placeholder = string_id("_");
    let mut unread = Vec::new();
    for &(attr, attr_name) in UNREAD_ATTRS {
        let Some(col) = shared.col(attr) else {
            continue;
        };
        let n = d
            .rows
            .clone()
            .filter(|&r| {
                shared
                    .value(r, col)
                    .is_some_and(|v| v != 0 && v != placeholder)
            })
            .count();
        if n > 0 {
            unread.push(format!("{attr_name} ({n} tokens)"));
        }
    }
    if !unread.is_empty() {
        warn(
            format!("token attributes {}", unread.join(", ")),
            "not imported: Entitle keeps the text, entities and span groups",
        );
    }
    if !d.cats.is_empty() {
        warn(
            format!("text categories (doc.cats) {}", d.cats.join(", ")),
            "not imported: Entitle has no document categories",
        );
    }
    if d.user_data {
        warn(
            "user_data".into(),
            "not imported: Entitle does not read spaCy's user data",
        );
    }
    warnings
}

fn read_doc(
    shared: &Shared<'_>,
    orth: usize,
    d: DocIn,
    budget: &mut usize,
) -> Result<Record, FormatError> {
    let name = format!("{}-{}", shared.stem, d.index + 1);
    let (text, offsets) = doc_text(shared, orth, &d, budget)?;
    let ents = ents(shared, &d, &offsets)?;
    let groups = d.groups.as_ref().map_err(|e| {
        shared.err(format!(
            "document {}: its span groups cannot be read ({e}); the document is not imported",
            d.index + 1
        ))
    })?;
    let mut warnings = unread_warnings(shared, &d, &name);
    let grouped = group_spans(shared, &d, groups, &offsets, &name, &mut warnings)?;
    let spans = merge(ents, grouped);
    let mut rec = super::build_record(
        &name,
        None,
        text,
        spans,
        Vec::new(),
        Origin {
            path: shared.path.to_path_buf(),
            line: 0,
        },
        shared.options,
    )?;
    rec.warnings.extend(warnings);
    Ok(rec)
}

pub fn read(
    path: &Path,
    options: &ReadOptions,
) -> Box<dyn Iterator<Item = Result<Record, FormatError>>> {
    let (files, skipped) = super::input_files(path, &["spacy"]);
    let options = options.clone();
    Box::new(
        skipped
            .into_iter()
            .map(Err)
            .chain(
                files
                    .into_iter()
                    .flat_map(move |f| match super::read_input(&f) {
                        Ok(bytes) => parse_bytes(&f, &bytes, &options),
                        Err(e) => vec![Err(e)],
                    }),
            ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::Writer as _;

    #[test]
    fn hashes_match_spacy() {
        assert_eq!(string_id("PER"), 4317129024397789502);
        assert_eq!(string_id("Amal"), 10993905861473337898);
        assert_eq!(string_id("ORG"), 383);
        assert_eq!(string_id(""), 0);
    }

    /// A record from markup; `groups` gives `span_group` attributes per span (in
    /// order of the opening brackets).
    fn record(markup: &str, groups: &[&[&str]]) -> Record {
        let (text, triples) = crate::model::markup::parse(markup).unwrap();
        let spans = triples
            .into_iter()
            .enumerate()
            .map(|(i, (s, e, label))| RawSpan {
                key: i.to_string(),
                fragments: vec![(s, e)],
                label,
                attributes: groups
                    .get(i)
                    .map(|g| {
                        g.iter()
                            .map(|v| (GROUP_ATTRIBUTE.to_string(), v.to_string()))
                            .collect()
                    })
                    .unwrap_or_default(),
                ..Default::default()
            })
            .collect();
        super::super::build_record(
            "d",
            None,
            text,
            spans,
            vec![],
            Origin::default(),
            &ReadOptions::default(),
        )
        .unwrap()
    }

    fn write(recs: &[Record]) -> (Vec<u8>, Vec<Warning>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.spacy");
        let mut w = Box::new(Writer::new(&path).unwrap());
        let mut warnings = Vec::new();
        for r in recs {
            warnings.extend(w.write(r).unwrap());
        }
        w.finish().unwrap();
        (std::fs::read(&path).unwrap(), warnings)
    }

    fn parse(bytes: &[u8]) -> Vec<Result<Record, FormatError>> {
        parse_bytes(Path::new("t.spacy"), bytes, &ReadOptions::default())
    }

    /// `(start, end, label, span_group attributes)` of every span.
    fn spans_of(r: &Record) -> Vec<(usize, usize, String, Vec<String>)> {
        r.set
            .iter()
            .map(|s| {
                let groups = s.attributes().iter().map(|(_, v)| v.clone()).collect();
                (s.range.start(), s.range.end(), s.label.to_string(), groups)
            })
            .collect()
    }

    fn zlib(packed: &[u8]) -> Vec<u8> {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        z.write_all(packed).unwrap();
        z.finish().unwrap()
    }

    fn unzlib(bytes: &[u8]) -> Vec<u8> {
        inflate(bytes, 1 << 26).unwrap()
    }

    #[test]
    fn nested_and_overlapping_spans_survive_a_round_trip() {
        let rec = record(
            "“[ORG [GPE Syrian] Observatory]” said [PER Rami 😀 [PER Abdel] Rahman] in [GPE Homs]\r\nمن [LOC دمشق] e\u{301}.",
            &[],
        );
        let (bytes, warnings) = write(std::slice::from_ref(&rec));
        assert!(warnings.is_empty(), "{warnings:?}");
        let back = parse(&bytes);
        assert_eq!(back.len(), 1);
        let back = back[0].as_ref().unwrap();
        assert_eq!(back.doc.text(), rec.doc.text());
        assert_eq!(spans_of(back), spans_of(&rec));
        assert!(back.warnings.is_empty(), "{:?}", back.warnings);
    }

    #[test]
    fn a_span_starting_on_white_space_is_written_on_its_tokens_with_a_warning() {
        // spaCy folds one space into the token before it: a span cannot start there.
        let rec = record("Amal met[GPE  Oslo] and [X \u{a0}]", &[]);
        let (bytes, warnings) = write(std::slice::from_ref(&rec));
        let reasons: Vec<String> = warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(
            reasons,
            [
                "d: span T1 GPE 8..13 \" Oslo\": written as 9..13: a spaCy span starts and ends on a token, not on white space",
            ]
        );
        let back = parse(&bytes);
        let back = back[0].as_ref().unwrap();
        assert_eq!(back.doc.text(), rec.doc.text());
        assert_eq!(
            spans_of(back),
            [(9, 13, "GPE".into(), vec![]), (18, 19, "X".into(), vec![])]
        );
    }

    #[test]
    fn named_span_groups_round_trip_and_stay_out_of_ents_and_sc() {
        // "Oslo" in sc and events, the sentence in events only, Amal in sc (an ent).
        let rec = record(
            "[EV [PER Amal] met [GPE Oslo] officials]",
            &[&["events"], &[], &["sc", "events"]],
        );
        let (bytes, _) = write(std::slice::from_ref(&rec));
        let back = parse(&bytes);
        let back = back[0].as_ref().unwrap();
        assert_eq!(spans_of(back), spans_of(&rec));
        // On the wire: ents are Amal and Oslo; sc holds them; events holds EV and Oslo.
        let c_bytes = unzlib(&bytes);
        let c = container(&c_bytes).unwrap();
        let docs = doc_parts(&c).unwrap();
        let groups = docs[0].groups.as_ref().unwrap();
        let names: Vec<(String, usize)> = groups
            .iter()
            .map(|g| (g.keys.join(","), g.spans.len()))
            .collect();
        assert_eq!(names, [("sc".to_string(), 2), ("events".to_string(), 2)]);
        let iob: Vec<u64> = c.tokens.chunks(24).map(|r| r[8] as u64).collect();
        assert_eq!(iob, [3, 2, 3, 2]);
    }

    #[test]
    fn a_span_in_ents_and_a_group_is_read_once() {
        // Written by Entitle: every ent is also in sc. Read back: one span each.
        let rec = record("[PER Amal] visited [GPE Oslo]", &[]);
        let (bytes, _) = write(std::slice::from_ref(&rec));
        let back = parse(&bytes);
        let back = back[0].as_ref().unwrap();
        assert_eq!(back.set.len(), 2);
        assert!(back.warnings.is_empty(), "{:?}", back.warnings);
    }

    /// A DocBin map with the given span_groups entry for one doc "Amal visited Oslo".
    fn one_doc(span_groups: Mp, extra: Vec<(Mp, Mp)>) -> Vec<u8> {
        let words = ["Amal", "visited", "Oslo"];
        let mut rows = Vec::new();
        for w in words {
            rows.extend_from_slice(&string_id(w).to_le_bytes());
        }
        let mut map = vec![
            (mp_str("attrs"), Mp::Array(vec![Mp::from(ORTH)])),
            (mp_str("tokens"), Mp::Binary(rows)),
            (mp_str("spaces"), Mp::Binary(vec![1, 1, 0])),
            (mp_str("lengths"), Mp::Binary(3i32.to_le_bytes().to_vec())),
            (
                mp_str("strings"),
                Mp::Array(
                    words
                        .iter()
                        .chain(&["PER", "GPE"])
                        .map(|w| mp_str(w))
                        .collect(),
                ),
            ),
            (mp_str("span_groups"), Mp::Array(vec![span_groups])),
        ];
        map.extend(extra);
        zlib(&pack(&Mp::Map(map)))
    }

    fn group(name: &str, spans: &[(u64, i32, i32)]) -> Vec<u8> {
        let spans = spans
            .iter()
            .map(|&(l, a, b)| {
                let mut r = vec![0u8; 16];
                r.extend(l.to_be_bytes());
                for v in [a, b, 0, 0] {
                    r.extend(v.to_be_bytes());
                }
                Mp::Binary(r)
            })
            .collect();
        pack(&Mp::Map(vec![
            (mp_str("name"), mp_str(name)),
            (mp_str("attrs"), Mp::Map(vec![])),
            (mp_str("spans"), Mp::Array(spans)),
        ]))
    }

    #[test]
    fn old_list_shaped_span_groups_are_read() {
        let per = string_id("PER");
        let gpe = string_id("GPE");
        let groups = pack(&Mp::Array(vec![
            Mp::Binary(group("sc", &[(per, 0, 1)])),
            Mp::Binary(group("places", &[(gpe, 2, 3), (per, 0, 1)])),
        ]));
        let back = parse(&one_doc(Mp::Binary(groups), vec![]));
        let r = back[0].as_ref().unwrap();
        assert_eq!(r.doc.text(), "Amal visited Oslo");
        assert_eq!(
            spans_of(r),
            [
                (0, 4, "PER".into(), vec!["sc".into(), "places".into()]),
                (13, 17, "GPE".into(), vec!["places".into()])
            ]
        );
    }

    #[test]
    fn bad_span_group_spans_cost_their_document_with_a_clear_error() {
        let per = string_id("PER");
        type Case = (Vec<(u64, i32, i32)>, &'static str);
        let cases: [Case; 3] = [
            (
                vec![(per, 2, 9)],
                "document 1: spans[\"sc\"][0] covers tokens 2..9, but the document has 3 tokens",
            ),
            (
                vec![(per, -1, 1)],
                "document 1: spans[\"sc\"][0] has negative token offsets -1..1",
            ),
            (
                vec![(123_456_789, 0, 1)],
                "document 1: spans[\"sc\"][0] has a label id (123456789) missing from the DocBin's strings",
            ),
        ];
        for (spans, msg) in cases {
            let groups = pack(&Mp::Map(vec![(
                Mp::Binary(group("sc", &spans)),
                Mp::Array(vec![mp_str("sc")]),
            )]));
            let back = parse(&one_doc(Mp::Binary(groups), vec![]));
            let e = back[0].as_ref().unwrap_err();
            assert_eq!(e.to_string(), format!("t.spacy: {msg}"));
        }
        // An empty span is a warning; the document is read.
        let groups = pack(&Mp::Array(vec![Mp::Binary(group("sc", &[(per, 1, 1)]))]));
        let back = parse(&one_doc(Mp::Binary(groups), vec![]));
        let r = back[0].as_ref().unwrap();
        assert_eq!(r.set.len(), 0);
        assert!(r.warnings[0].reason.contains("empty"), "{:?}", r.warnings);
        // Span group bytes that are not msgpack: that document's error.
        let back = parse(&one_doc(Mp::Binary(vec![0xc1]), vec![]));
        let e = back[0].as_ref().unwrap_err().to_string();
        assert!(
            e.contains("document 1: its span groups cannot be read"),
            "{e}"
        );
    }

    #[test]
    fn what_is_not_imported_is_named() {
        let cats = (
            mp_str("cats"),
            Mp::Array(vec![Mp::Map(vec![(mp_str("SPORTS"), Mp::F64(1.0))])]),
        );
        let flags = (
            mp_str("flags"),
            Mp::Array(vec![Mp::Map(vec![(
                mp_str("has_unknown_spaces"),
                Mp::Boolean(true),
            )])]),
        );
        let user = (
            mp_str("user_data"),
            Mp::Array(vec![Mp::Binary(pack(&Mp::Map(vec![(
                mp_str("k"),
                mp_str("v"),
            )])))]),
        );
        let back = parse(&one_doc(Mp::Binary(vec![0x90]), vec![cats, flags, user]));
        let r = back[0].as_ref().unwrap();
        // has_unknown_spaces: spaCy puts a space after every token.
        assert_eq!(r.doc.text(), "Amal visited Oslo ");
        let items: Vec<&str> = r.warnings.iter().map(|w| w.item.as_str()).collect();
        assert_eq!(items, ["text categories (doc.cats) SPORTS", "user_data"]);
    }

    #[test]
    fn decompression_is_capped_with_a_clear_error() {
        assert_eq!(size_limit(1_000), 64 << 20);
        assert_eq!(size_limit(1_000_000), 200_000_000);
        assert_eq!(size_limit(100_000_000), 1 << 30);
        let bomb = zlib(&vec![0u8; 1 << 20]);
        assert!(bomb.len() < 5_000, "{}", bomb.len());
        let e = inflate(&bomb, 100_000).unwrap_err();
        assert!(e.contains("decompresses to more than 0 MB"), "{e}");
        assert_eq!(inflate(&bomb, 1 << 20).unwrap().len(), 1 << 20);
    }

    #[test]
    fn msgpack_lengths_are_checked_before_use() {
        // bin32 claiming 4 GB, array32 claiming 4 billion items, in 10 bytes.
        for packed in [
            &[
                0x81, 0xa6, b't', b'o', b'k', b'e', b'n', b's', 0xc6, 0xff, 0xff, 0xff, 0xff,
            ][..],
            &[
                0x81, 0xa7, b's', b't', b'r', b'i', b'n', b'g', b's', 0xdd, 0xff, 0xff, 0xff, 0xff,
            ],
            &[0xdf, 0xff, 0xff, 0xff, 0xff],
        ] {
            let e = parse(&zlib(packed))[0].as_ref().unwrap_err().to_string();
            assert!(
                e.contains("ends early") || e.contains("claims") || e.contains("no msgpack map"),
                "{e}"
            );
        }
        // A deep nest of lists is skipped without recursion.
        let mut deep = vec![0x82, 0xa1, b'x'];
        deep.extend(std::iter::repeat_n(0x91, 100_000));
        deep.push(0xc0);
        deep.extend([0xa5, b'a', b't', b't', b'r', b's', 0x90]);
        let e = parse(&zlib(&deep))[0].as_ref().unwrap_err().to_string();
        assert!(e.contains("DocBin has no \"tokens\" bytes"), "{e}");
    }

    #[test]
    fn damaged_files_never_panic() {
        let rec = record(
            "[ORG [GPE Syrian] Observatory] said [PER Rami 😀]",
            &[&[], &["x"]],
        );
        let (bytes, _) = write(&[rec.clone(), rec]);
        let packed = unzlib(&bytes);
        for cut in 0..packed.len() {
            let _ = parse(&zlib(&packed[..cut]));
        }
        for at in 0..packed.len() {
            for v in [0x00, 0xff, 0xc1, 0xdd, 0x7f] {
                let mut m = packed.clone();
                m[at] = v;
                let _ = parse(&zlib(&m));
            }
        }
        // Raw bytes that are not even zlib.
        for cut in 0..bytes.len() {
            let _ = parse(&bytes[..cut]);
        }
    }

    #[test]
    fn text_rebuilt_from_repeated_strings_is_capped() {
        // 2 MB token text, used by 40 tokens: 80 MB of text from a file of a few KB.
        let long = "a".repeat(2 << 20);
        let id = string_id(&long);
        let rows: Vec<u8> = std::iter::repeat_n(id.to_le_bytes(), 42)
            .flatten()
            .collect();
        let lengths: Vec<u8> = [1i32, 40, 1].iter().flat_map(|l| l.to_le_bytes()).collect();
        let map = Mp::Map(vec![
            (mp_str("attrs"), Mp::Array(vec![Mp::from(ORTH)])),
            (mp_str("tokens"), Mp::Binary(rows)),
            (mp_str("spaces"), Mp::Binary(vec![0; 42])),
            (mp_str("lengths"), Mp::Binary(lengths)),
            (mp_str("strings"), Mp::Array(vec![mp_str(&long)])),
        ]);
        let file = zlib(&pack(&map));
        assert!(file.len() < 20_000, "{}", file.len());
        let got = parse(&file);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].as_ref().unwrap().doc.text().len(), 2 << 20);
        let e = got[1].as_ref().unwrap_err().to_string();
        assert!(
            e.starts_with(
                "t.spacy: documents 2–3 are not read: the texts rebuilt from this DocBin pass 67 MB"
            ),
            "{e}"
        );
    }

    fn real(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("testdata/real/spacy")
            .join(name)
    }

    /// Every real DocBin reads as spaCy reads it (testdata/real/expected.json: documents,
    /// `doc.ents`, span groups): the union of ents and groups, a span in a group other
    /// than `sc` named by its `span_group` attribute.
    #[test]
    fn real_docbins_read_as_spacy_reads_them() {
        let expected: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(
                Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/real/expected.json"),
            )
            .unwrap(),
        )
        .unwrap();
        let mut n = 0;
        for (key, e) in expected.as_object().unwrap() {
            let Some(file) = key.strip_prefix("spacy/") else {
                continue;
            };
            n += 1;
            let recs: Vec<Record> = read(&real(file), &ReadOptions::default())
                .map(|r| r.unwrap())
                .collect();
            assert_eq!(
                recs.len() as u64,
                e["documents"].as_u64().unwrap(),
                "{file}"
            );
            let all: Vec<_> = recs.iter().flat_map(spans_of).collect();
            let groups = e["span_groups"].as_object().unwrap();
            let in_group = |g: &str| all.iter().filter(|s| s.3.iter().any(|x| x == g)).count();
            let plain = all.iter().filter(|s| s.3.is_empty()).count() as u64;
            if groups.is_empty() {
                assert_eq!(plain, e["spans"].as_u64().unwrap(), "{file}");
                assert_eq!(all.len() as u64, plain, "{file}");
            } else {
                // brat-news-100: the 16 ents are among the 26 spans of sc.
                assert_eq!(plain, groups["sc"].as_u64().unwrap(), "{file}");
                for (g, count) in groups.iter().filter(|(g, _)| *g != "sc") {
                    assert_eq!(in_group(g) as u64, count.as_u64().unwrap(), "{file} {g}");
                }
                assert_eq!(all.len(), 36, "{file}");
                let ents = all
                    .iter()
                    .filter(|s| s.2 == "Person" || s.2 == "Organization");
                assert_eq!(ents.count() as u64, e["spans"].as_u64().unwrap(), "{file}");
            }
            let tokens: usize = recs
                .iter()
                .map(|r| super::super::tokenize::tokenize(r.doc.text(), &[]).len())
                .sum();
            assert!(tokens > 0, "{file}");
        }
        assert_eq!(n, 5);
    }
}
