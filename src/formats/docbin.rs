//! spaCy 3 DocBin (`.spacy`), the file `spacy train` reads.
//!
//! Wire format (spaCy 3.8 `spacy/tokens/_serialize.py`): a zlib stream of one msgpack
//! map — `version` "0.1"; `attrs` (attribute ids, ORTH first); `tokens` (little-endian
//! u64 matrix, one row per token, one column per attr); `spaces` (one byte per token:
//! followed by a space); `lengths` (i32 tokens per doc); `strings` (every string used);
//! `cats`, `flags`, `span_groups` per doc. Strings are stored as MurmurHash64A (seed 1)
//! of their UTF-8 bytes, except spaCy's *symbols* (`ORG`, `GPE`, `DATE` …) which use
//! their fixed ids ([`super::spacy_symbols`]).
//!
//! Written attributes: ORTH, ENT_IOB (3 B, 1 I, 2 O), ENT_TYPE. Tokens come from
//! [`super::tokenize`] (split at span boundaries); white space other than one space
//! after a token becomes its own token, as in spaCy, so `doc.text` is exactly the
//! document and character offsets survive. `doc.ents` cannot overlap: overlapping spans,
//! discontinuous spans, relations, notes, attributes and normalizations are named in
//! warnings. Reading takes ORTH, spaces and the entities back (span groups are reported).

use super::{
    Format, FormatError, Keeps, Origin, RawSpan, ReadOptions, Record, Warning, WriteError,
    expressible,
};
use rmpv::Value as Mp;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::spacy_symbols;

const ORTH: u64 = 65;
const ENT_IOB: u64 = 77;
const ENT_TYPE: u64 = 78;

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

/// Accumulates documents; the file is written (atomically) by `finish`.
pub struct Writer {
    path: PathBuf,
    rows: Vec<u8>,
    spaces: Vec<u8>,
    lengths: Vec<u8>,
    strings: std::collections::BTreeSet<String>,
    docs: usize,
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
            docs: 0,
        })
    }
}

impl super::Writer for Writer {
    fn write(&mut self, rec: &Record) -> Result<Vec<Warning>, WriteError> {
        let (spans, warnings) = expressible(rec, Format::Spacy, Keeps::default());
        let tokens = spacy_tokens(rec, &spans);
        let text = rec.doc.text();
        let index = rec.doc.index();
        let mut iob = vec![2u64; tokens.len()];
        let mut ty = vec![0u64; tokens.len()];
        for s in &spans {
            let first = tokens.partition_point(|t| t.start < s.range.start());
            let last = tokens.partition_point(|t| t.end <= s.range.end());
            self.strings.insert(s.label.to_string());
            let id = string_id(&s.label);
            for k in first..last {
                iob[k] = if k == first { 3 } else { 1 };
                ty[k] = id;
            }
        }
        for (k, t) in tokens.iter().enumerate() {
            let orth = index.slice(text, t.start..t.end);
            self.strings.insert(orth.to_string());
            for v in [string_id(orth), iob[k], ty[k]] {
                self.rows.extend_from_slice(&v.to_le_bytes());
            }
            self.spaces.push(u8::from(t.space));
        }
        self.lengths
            .extend_from_slice(&(tokens.len() as i32).to_le_bytes());
        self.docs += 1;
        Ok(warnings)
    }

    fn finish(self: Box<Self>) -> Result<Vec<Warning>, WriteError> {
        let s = |x: &str| Mp::String(x.into());
        let map = Mp::Map(vec![
            (s("version"), s("0.1")),
            (
                s("attrs"),
                Mp::Array(vec![Mp::from(ORTH), Mp::from(ENT_IOB), Mp::from(ENT_TYPE)]),
            ),
            (s("tokens"), Mp::Binary(self.rows)),
            (s("spaces"), Mp::Binary(self.spaces)),
            (s("lengths"), Mp::Binary(self.lengths)),
            (
                s("strings"),
                Mp::Array(self.strings.iter().map(|x| s(x)).collect()),
            ),
            (
                s("cats"),
                Mp::Array((0..self.docs).map(|_| Mp::Map(Vec::new())).collect()),
            ),
            (
                s("flags"),
                Mp::Array(
                    (0..self.docs)
                        .map(|_| Mp::Map(vec![(s("has_unknown_spaces"), Mp::Boolean(false))]))
                        .collect(),
                ),
            ),
            (
                s("span_groups"),
                Mp::Array((0..self.docs).map(|_| Mp::Binary(vec![0x90])).collect()),
            ),
        ]);
        let mut packed = Vec::new();
        rmpv::encode::write_value(&mut packed, &map)
            .map_err(|e| WriteError::io(&self.path, std::io::Error::other(e)))?;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(&packed)
            .map_err(|e| WriteError::io(&self.path, e))?;
        let bytes = z.finish().map_err(|e| WriteError::io(&self.path, e))?;
        crate::fsio::atomic_write(&self.path, &bytes).map_err(|e| WriteError::io(&self.path, e))?;
        Ok(Vec::new())
    }
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
                    .flat_map(move |f| match read_file(&f, &options) {
                        Ok(v) => v,
                        Err(e) => vec![Err(e)],
                    }),
            ),
    )
}

fn field<'a>(map: &'a [(Mp, Mp)], key: &str) -> Option<&'a Mp> {
    map.iter()
        .find(|(k, _)| k.as_str() == Some(key))
        .map(|(_, v)| v)
}

fn read_file(
    file: &Path,
    options: &ReadOptions,
) -> Result<Vec<Result<Record, FormatError>>, FormatError> {
    let err = |m: String| FormatError::new(file, 0, m);
    let compressed = super::read_input(file)?;
    let mut packed = Vec::new();
    flate2::read::ZlibDecoder::new(&compressed[..])
        .read_to_end(&mut packed)
        .map_err(|e| err(format!("is not a spaCy DocBin: not a zlib stream ({e})")))?;
    let value = rmpv::decode::read_value(&mut &packed[..])
        .map_err(|e| err(format!("is not a spaCy DocBin: bad msgpack ({e})")))?;
    let Mp::Map(map) = value else {
        return Err(err("is not a spaCy DocBin: no msgpack map inside".into()));
    };
    let attrs: Vec<u64> = field(&map, "attrs")
        .and_then(Mp::as_array)
        .ok_or_else(|| err("DocBin has no \"attrs\"".into()))?
        .iter()
        .filter_map(Mp::as_u64)
        .collect();
    let col = |a: u64| attrs.iter().position(|&x| x == a);
    let orth_col = col(ORTH)
        .ok_or_else(|| err("DocBin has no ORTH attribute, so the text cannot be rebuilt".into()))?;
    let bin = |k: &str| -> Result<&[u8], FormatError> {
        field(&map, k)
            .and_then(Mp::as_slice)
            .ok_or_else(|| err(format!("DocBin has no \"{k}\" bytes")))
    };
    let tokens = bin("tokens")?;
    let spaces = bin("spaces")?;
    let lengths: Vec<usize> = bin("lengths")?
        .chunks_exact(4)
        .map(|c| i32::from_le_bytes([c[0], c[1], c[2], c[3]]).max(0) as usize)
        .collect();
    let width = attrs.len() * 8;
    if width == 0 || tokens.len() % width != 0 {
        return Err(err(format!(
            "DocBin token matrix of {} bytes does not fit {} attributes",
            tokens.len(),
            attrs.len()
        )));
    }
    let n_tokens = tokens.len() / width;
    if spaces.len() != n_tokens || lengths.iter().sum::<usize>() != n_tokens {
        return Err(err(format!(
            "DocBin is inconsistent: {n_tokens} tokens, {} space flags, lengths adding to {}",
            spaces.len(),
            lengths.iter().sum::<usize>()
        )));
    }
    let mut strings: HashMap<u64, String> = spacy_symbols::SYMBOLS
        .iter()
        .map(|(s, id)| (*id, s.to_string()))
        .collect();
    for s in field(&map, "strings")
        .and_then(Mp::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
    {
        if let Some(s) = s.as_str() {
            strings.insert(string_id(s), s.to_string());
        }
    }
    let value = |row: usize, c: usize| -> u64 {
        let at = row * width + c * 8;
        u64::from_le_bytes(tokens[at..at + 8].try_into().unwrap_or([0; 8]))
    };
    let span_groups = field(&map, "span_groups")
        .and_then(Mp::as_array)
        .cloned()
        .unwrap_or_default();
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut out = Vec::new();
    let mut row = 0;
    for (d, &len) in lengths.iter().enumerate() {
        let name = format!("{stem}-{}", d + 1);
        let mut text = String::new();
        let mut chars = 0usize;
        let mut spans: Vec<RawSpan> = Vec::new();
        let mut open: Option<(usize, String)> = None;
        let mut failed = None;
        let mut last_end = 0;
        for (r, &space) in spaces.iter().enumerate().skip(row).take(len) {
            let orth = match strings.get(&value(r, orth_col)) {
                Some(s) => s.clone(),
                None => {
                    failed = Some(format!(
                        "document {}: token {} has a string id missing from the DocBin's strings",
                        d + 1,
                        r - row
                    ));
                    break;
                }
            };
            let start = chars;
            text.push_str(&orth);
            chars += orth.chars().count();
            let iob = col(ENT_IOB).map_or(0, |c| value(r, c));
            let ty = col(ENT_TYPE)
                .map(|c| value(r, c))
                .and_then(|v| strings.get(&v).cloned())
                .unwrap_or_default();
            if iob != 1
                && let Some((s, l)) = open.take()
            {
                spans.push(RawSpan {
                    key: spans.len().to_string(),
                    fragments: vec![(s, last_end)],
                    label: l,
                    ..Default::default()
                });
            }
            if iob == 3 || (iob == 1 && open.is_none() && !ty.is_empty()) {
                open = Some((start, ty));
            }
            last_end = chars;
            if space != 0 {
                text.push(' ');
                chars += 1;
            }
        }
        if let Some((s, l)) = open.take() {
            spans.push(RawSpan {
                key: spans.len().to_string(),
                fragments: vec![(s, last_end)],
                label: l,
                ..Default::default()
            });
        }
        row += len;
        if let Some(m) = failed {
            out.push(Err(err(m)));
            continue;
        }
        let mut rec = super::build_record(
            &name,
            None,
            text,
            spans,
            Vec::new(),
            Origin {
                path: file.to_path_buf(),
                line: 0,
            },
            options,
        );
        if let (Ok(r), Some(g)) = (&mut rec, span_groups.get(d))
            && g.as_slice().is_some_and(|b| b != [0x90])
        {
            r.warnings.push(Warning {
                doc: name.clone(),
                item: "span groups (doc.spans)".into(),
                reason: "not imported: only doc.ents are imported from a DocBin".into(),
            });
        }
        out.push(rec);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_match_spacy() {
        assert_eq!(string_id("PER"), 4317129024397789502);
        assert_eq!(string_id("Amal"), 10993905861473337898);
        assert_eq!(string_id("ORG"), 383);
        assert_eq!(string_id(""), 0);
    }
}
