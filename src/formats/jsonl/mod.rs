//! JSON Lines formats: one JSON object per line, one document per object.
//!
//! | flavor | spans | unit |
//! |---|---|---|
//! | `jsonl` (Entitle) | `"spans": [{"id", "start", "end", "label", "fragments"?, "note"?, "typed_notes"?, "attributes"?, "normalizations"?}]`, `"relations": [{"from", "to", "label", "note"?}]` | code points |
//! | `spacy-jsonl` | `"entities": [[start, end, label]]` | code points |
//! | `doccano` | `"label"` (or doccano 1.0's `"labels"`): `[[start, end, label]]`; `"entities": [{"id", "label", "start_offset", "end_offset"}]` + `"relations": [{"id", "from_id", "to_id", "type"}]`; doccano ≤1.x `"annotations": [{"label", "label_name"?, "start_offset", "end_offset", "user", "user_name"?}]` | **UTF-16 code units** |
//! | `prodigy` | `"tokens": [{"text", "start", "end", "id", "ws"}]`, `"spans": [{"start", "end", "token_start", "token_end", "label"}]` | code points; `token_end` **inclusive** |
//!
//! Ends are exclusive everywhere. Every object may carry `"id"` (kept as it is) and
//! `"meta"` (an object, kept); other keys are kept in the metadata too, except keys
//! that look like annotations the flavor does not read (`annotations`, `labels`,
//! `label`, `entities`, `spans`, `completions`, `relations`), which are warnings — a
//! file that carries spans never reads as "0 spans, 0 warnings". The `jsonl` reader
//! also understands the span fields of the others (`entities` as spaCy, `label(s)` as
//! doccano — but in code points, since plain JSONL is the Python convention; use
//! `--from doccano` for doccano's UTF-16).
//!
//! doccano's offsets have been UTF-16 code units in every version: its browser front
//! end measures JavaScript strings (doccano/doccano#99 for 0.x in 2019, #2290 for 1.x
//! in 2023), so the older `labels` and `annotations` shapes are read as UTF-16 too.
//!
//! Besides JSON Lines, a file may be one JSON document: a top-level array of records
//! (doccano's JSON export; spaCy v2's "simple training format" of
//! `[text, {"entities": [[start, end, label]]}]` pairs, which explosion/projects ship
//! as `train.json`) or a pretty-printed object. See [`read`] for how that is decided.
//!
//! Module layout: `read` (files and bytes into units: lines or array items), `parse`
//! (one unit into records, shared by every path), `fast` (typed parsing of the common
//! Entitle/spaCy shapes), `general` (everything else, per flavor), `doccano` and
//! `prodigy` (their shapes, read and write), `write` (the writer).

mod big;
mod doccano;
mod fast;
mod general;
mod parse;
mod prodigy;
mod read;
mod write;

#[cfg(test)]
mod tests;

use super::Format;

pub use read::{parse_bytes, read};
pub use write::{Writer, encode, encode_with, entitle_object, span_tokens};

#[cfg(test)]
pub(crate) use parse::{parse_fast, parse_general};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Entitle,
    Spacy,
    Doccano,
    Prodigy,
}

impl Flavor {
    pub fn from_format(f: Format) -> Self {
        match f {
            Format::SpacyJsonl => Flavor::Spacy,
            Format::Doccano => Flavor::Doccano,
            Format::Prodigy => Flavor::Prodigy,
            _ => Flavor::Entitle,
        }
    }
    fn format(self) -> Format {
        match self {
            Flavor::Entitle => Format::Jsonl,
            Flavor::Spacy => Format::SpacyJsonl,
            Flavor::Doccano => Format::Doccano,
            Flavor::Prodigy => Format::Prodigy,
        }
    }
}
