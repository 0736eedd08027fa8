//! Import and export of the interchange formats NLP people use.
//!
//! Every reader turns its input into [`Record`]s (a document, its spans and relations,
//! metadata) and every writer takes records, one at a time, so a conversion streams:
//! memory stays flat however large the corpus. Offsets inside records are code points;
//! each format module converts at its boundary and documents its wire unit.
//!
//! What a format cannot express is reported as a [`Warning`] naming each dropped item;
//! nothing is dropped silently. Input problems are [`FormatError`]s naming the file, the
//! line and what is wrong; a span whose stored text differs from the document is one.

pub mod brat;
pub mod conll;
pub mod csv_table;
pub mod docbin;
pub mod jsonl;
pub mod label_studio;
mod spacy_symbols;
pub mod stream;
pub mod tokenize;
pub mod txt;
pub mod webanno;

/// A file Entitle puts in every folder it exports to (see
/// [`crate::fsio::WalkOptions::skip_marked`]).
pub const EXPORT_MARKER: &str = ".entitle-export";

mod format;
mod record;
mod write;

pub use format::{Format, Scheme};
pub use record::{
    FormatError, Keeps, Origin, RawRelation, RawSpan, Record, Warning, WriteError, build_record,
    describe_span, doc_id_from, expressible,
};
pub use write::{UsedTypes, Writer, writer};
pub(crate) use write::{commit_output, create_output};

use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};

/// Options for reading.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Annotator recorded on spans whose format does not say who made them.
    pub annotator: String,
    /// Time recorded on spans whose format does not say when.
    pub created: DateTime<Utc>,
    /// Prodigy: keep examples answered `reject` or `ignore` (skipped by default).
    pub keep_rejected: bool,
    /// WebAnno TSV: span layers read as entities besides NamedEntity (full type names,
    /// e.g. `webanno.custom.Sentiment`).
    pub webanno_layers: Vec<String>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self {
            annotator: "import".into(),
            created: DateTime::<Utc>::from_timestamp(0, 0).unwrap_or_default(),
            keep_rejected: false,
            webanno_layers: Vec::new(),
        }
    }
}

/// Options for writing.
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    pub scheme: Scheme,
    /// The project's schema: labels with their colours, relation types with the labels
    /// they join, attributes with their values, for brat's annotation.conf /
    /// visual.conf, Label Studio's config and WebAnno TSV's layer columns (types seen
    /// in the data are added).
    pub schema: Option<crate::model::Schema>,
    /// Prodigy: write NER-style examples (no overlapping spans, as `ner.manual`
    /// needs) instead of all spans (as `spans.manual` holds them).
    pub prodigy_ner: bool,
}

/// Read every record of `inputs` in `format`, in order, streaming where the format
/// allows. Each item is a record or the error that stopped one document (reading goes
/// on with the next one where the format allows).
pub fn read(
    format: Format,
    inputs: &[PathBuf],
    options: &ReadOptions,
) -> Box<dyn Iterator<Item = Result<Record, FormatError>>> {
    Box::new(read_deferred(format, inputs, options).map(Deferred::parse))
}

/// One input document whose parsing can run on any thread: its bytes are read (a
/// JSONL line) or located (a brat pair), but not yet parsed and checked — the costly
/// part, which [`stream`] spreads over every core.
pub struct Deferred {
    /// Bytes of input it holds now, to bound memory between threads.
    pub bytes: usize,
    /// Where it comes from (file and line, when known), for an error if parsing fails
    /// unexpectedly.
    at: (PathBuf, usize),
    parse: Box<dyn FnOnce() -> Result<Record, FormatError> + Send>,
}

impl Deferred {
    pub fn new(
        bytes: usize,
        parse: impl FnOnce() -> Result<Record, FormatError> + Send + 'static,
    ) -> Self {
        Self {
            bytes,
            at: (PathBuf::new(), 0),
            parse: Box::new(parse),
        }
    }
    /// A document that was parsed already (formats read as a whole, and errors).
    pub fn ready(item: Result<Record, FormatError>) -> Self {
        let bytes = item.as_ref().map_or(0, |r| r.doc.text().len());
        Self::new(bytes, move || item)
    }
    /// Say where the document is (file and 1-based line), for messages.
    pub fn at(mut self, path: &Path, line: usize) -> Self {
        self.at = (path.to_path_buf(), line);
        self
    }
    /// Parse and check the document. A bug that panics while parsing becomes this
    /// document's error: it never takes the other documents (or the program) with it.
    pub fn parse(self) -> Result<Record, FormatError> {
        let (path, line) = self.at;
        let parse = self.parse;
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(parse)).unwrap_or_else(|p| {
            Err(FormatError::new(
                &path,
                line,
                format!(
                    "internal error while reading this document ({}); it was skipped. Please report this, with the input",
                    panic_message(&*p)
                ),
            ))
        })
    }
}

/// The text of a panic's payload.
pub fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".into())
}

/// [`read`] with the parsing of each document left to the caller
/// ([`Deferred::parse`]), in input order. JSONL lines and brat pairs are deferred;
/// other formats are parsed here. A bug that panics inside a reader ends that input
/// with an error item and reading goes on with the next input.
pub fn read_deferred(
    format: Format,
    inputs: &[PathBuf],
    options: &ReadOptions,
) -> Box<dyn Iterator<Item = Deferred>> {
    let inputs = inputs.to_vec();
    let options = std::sync::Arc::new(options.clone());
    Box::new(inputs.into_iter().flat_map(move |path| {
        let options = std::sync::Arc::clone(&options);
        let p = path.clone();
        let opened = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
            read_one(format, &p, &options)
        }));
        guard(path, opened)
    }))
}

fn read_one(
    format: Format,
    path: &Path,
    options: &std::sync::Arc<ReadOptions>,
) -> Box<dyn Iterator<Item = Deferred>> {
    let parsed = |it: Box<dyn Iterator<Item = Result<Record, FormatError>>>| -> Box<dyn Iterator<Item = Deferred>> {
        Box::new(it.map(Deferred::ready))
    };
    match format {
        Format::Txt => parsed(txt::read(path, options)),
        Format::Jsonl | Format::SpacyJsonl | Format::Prodigy => {
            jsonl::read(path, jsonl::Flavor::from_format(format), options)
        }
        Format::Doccano => jsonl::read(path, jsonl::Flavor::Doccano, options),
        Format::Brat => brat::read(path, options),
        Format::Conll => parsed(conll::read(path, options)),
        Format::Spacy => parsed(docbin::read(path, options)),
        Format::LabelStudio => parsed(label_studio::read(path, options)),
        Format::WebannoTsv => parsed(webanno::read(path, options)),
        Format::Csv => Box::new(std::iter::once(Deferred::ready(Err(FormatError::new(
            path,
            0,
            "csv is an export-only format (an entity table); import the original format instead",
        ))))),
    }
}

/// The items of one input's reader, with a panic in the reader turned into a last
/// error item for that input.
fn guard(
    path: PathBuf,
    opened: std::thread::Result<Box<dyn Iterator<Item = Deferred>>>,
) -> impl Iterator<Item = Deferred> {
    let panicked = |path: &Path, p: &(dyn std::any::Any + Send)| {
        Deferred::ready(Err(FormatError::new(
            path,
            0,
            format!(
                "internal error while reading this input ({}); the rest of it was not read. Please report this, with the input",
                panic_message(p)
            ),
        )))
    };
    let (mut inner, mut first) = match opened {
        Ok(it) => (Some(it), None),
        Err(p) => (None, Some(panicked(&path, &*p))),
    };
    std::iter::from_fn(move || {
        if let Some(f) = first.take() {
            return Some(f);
        }
        let it = inner.as_mut()?;
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| it.next())) {
            Ok(Some(mut d)) => {
                if d.at.0.as_os_str().is_empty() {
                    d.at.0 = path.clone();
                }
                Some(d)
            }
            Ok(None) => {
                inner = None;
                None
            }
            Err(p) => {
                inner = None;
                Some(panicked(&path, &*p))
            }
        }
    })
}

/// Input files under `path` with one of `extensions` (a file named directly is taken
/// whatever its extension), in natural order, and an error for each thing skipped on the
/// way (a missing path, an unreadable folder, a FIFO, a link): never silently.
pub fn input_files(path: &Path, extensions: &[&str]) -> (Vec<PathBuf>, Vec<FormatError>) {
    let walked = crate::fsio::walk(
        path,
        &crate::fsio::WalkOptions {
            extensions,
            ..Default::default()
        },
    );
    let errors = walked
        .skipped
        .into_iter()
        .map(|(p, why)| FormatError::new(&p, 0, why))
        .collect();
    (walked.files, errors)
}

/// Read an input file whole (regular files only, at most 1 GiB).
pub fn read_input(path: &Path) -> Result<Vec<u8>, FormatError> {
    crate::fsio::read_regular(path, crate::fsio::MAX_FILE_BYTES)
        .map_err(|e| FormatError::new(path, 0, cannot_read(&e)))
}

/// Read an input file whole as UTF-8 text (see [`read_input`]); a UTF-8 byte-order
/// mark at the start is dropped.
pub fn read_input_string(path: &Path) -> Result<String, FormatError> {
    let bytes = read_input(path)?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(FormatError::new(
            path,
            0,
            "is UTF-16 text; re-save it as UTF-8 (e.g. `iconv -f UTF-16 -t UTF-8`)",
        ));
    }
    std::str::from_utf8(bytes).map(str::to_string).map_err(|e| {
        let before = &bytes[..e.valid_up_to()];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        FormatError::new(
            path,
            line,
            format!(
                "is not valid UTF-8 (bad byte 0x{:02X} at byte {}); re-save it as UTF-8",
                bytes[e.valid_up_to()],
                e.valid_up_to()
            ),
        )
    })
}

/// "cannot read: …" for an I/O error, or the error's own words when they say it all.
pub fn cannot_read(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::InvalidInput | std::io::ErrorKind::InvalidData => e.to_string(),
        std::io::ErrorKind::NotFound => "does not exist; check the path".into(),
        _ => format!("cannot read: {e}"),
    }
}

/// Offsets in UTF-16 code units ↔ code points for one text, without a full index
/// (used by doccano, WebAnno TSV and old Label Studio files).
pub fn utf16_to_cp(text: &str) -> impl Fn(usize) -> Option<usize> + '_ {
    let index = crate::text::TextIndex::new(text);
    move |u| index.char_from_utf16(u).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip() {
        for f in Format::ALL {
            assert_eq!(f.name().parse::<Format>().unwrap(), f);
        }
        assert!(
            "xml"
                .parse::<Format>()
                .unwrap_err()
                .contains("use one of txt, jsonl")
        );
    }

    #[test]
    fn a_panic_while_reading_costs_one_document_or_the_rest_of_one_input() {
        let ok = || Deferred::ready(Err(FormatError::new(Path::new("x"), 1, "fine")));
        let boom = Deferred::new(1, || panic!("bug in a reader")).at(Path::new("a.jsonl"), 7);
        let e = boom.parse().unwrap_err();
        assert_eq!((e.path.to_str(), e.line), (Some("a.jsonl"), 7));
        assert!(
            e.message.contains("internal error") && e.message.contains("bug in a reader"),
            "{e}"
        );
        // A reader that panics after one document: one error item ends that input.
        let mut n = 0;
        let reader: Box<dyn Iterator<Item = Deferred>> = Box::new(std::iter::from_fn(move || {
            n += 1;
            if n > 1 {
                panic!("reader bug");
            }
            Some(ok())
        }));
        let items: Vec<String> = guard(PathBuf::from("in.conll"), Ok(reader))
            .map(|d| d.parse().unwrap_err().to_string())
            .collect();
        assert_eq!(items.len(), 2, "{items:?}");
        assert!(
            items[1].starts_with("in.conll: internal error") && items[1].contains("reader bug"),
            "{items:?}"
        );
    }

    #[test]
    fn doc_ids_from_any_name_stay_inside() {
        assert_eq!(doc_id_from("../../etc/passwd", 1).as_str(), "etc/passwd");
        assert_eq!(doc_id_from("", 7).as_str(), "doc-000007");
        assert_eq!(doc_id_from("a b?.txt", 1).as_str(), "a_b_");
        assert_eq!(doc_id_from("CON", 3).as_str(), "CON_");
        assert_eq!(doc_id_from("docs/nul.txt", 3).as_str(), "docs/nul_");
        assert_eq!(doc_id_from("docs/com1.tar", 3).as_str(), "docs/com1_.tar");
        assert_eq!(doc_id_from("docs/trailing.", 3).as_str(), "docs/trailing");
        assert_eq!(doc_id_from("docs/trailing ", 3).as_str(), "docs/trailing");
        assert_eq!(doc_id_from("docs/.hidden/x", 3).as_str(), "docs/hidden/x");
        assert_eq!(doc_id_from("...", 4).as_str(), "doc-000004");
    }
}
