//! CoNLL column files: one token per line, first column the token, last column the tag;
//! an empty line ends a sentence; a line starting with `-DOCSTART-` starts a document.
//!
//! Export writes two columns (`TOKEN TAG`, one space) in the chosen scheme — IOB1,
//! IOB2/BIO (default), IOBES or BILOU — and starts every document with
//! `-DOCSTART- -X- O O`, the exact form spaCy's converter recognises. Tokens come from
//! [`super::tokenize`], split at every span boundary, so spans are whole tokens.
//! Overlapping and nested spans, discontinuous spans, relations, notes, attributes and
//! normalizations cannot be expressed: each dropped item is named in a warning.
//!
//! Import reads any of the four schemes (and mixtures, leniently: a stray `I-X` starts
//! an entity, as conlleval does). CoNLL has no character offsets, so the text is
//! rebuilt with this **spacing rule**: tokens are joined by one space, except that no
//! space goes before `, . ; : ! ? % ) ] } ” ’ …` or a possessive/contraction token
//! (`'s`, `’s`, `n't`), nor after `( [ { “ ‘ $ £ € ¿ ¡`, nor between an apostrophe and
//! `s t d ll re ve m`; each sentence ends with a line break.

use super::{
    FormatError, Keeps, Origin, RawSpan, ReadOptions, Record, Scheme, Warning, WriteError,
    expressible,
};
use std::io::{BufRead, Write};
use std::path::Path;

pub fn read(
    path: &Path,
    options: &ReadOptions,
) -> Box<dyn Iterator<Item = Result<Record, FormatError>>> {
    let (files, skipped) = super::input_files(path, &["conll", "iob", "bio", "tsv", "txt"]);
    let options = options.clone();
    Box::new(
        skipped
            .into_iter()
            .map(Err)
            .chain(files.into_iter().flat_map(
                move |file| -> Box<dyn Iterator<Item = Result<Record, FormatError>>> {
                    match crate::fsio::open_regular(&file) {
                        Ok(f) => Box::new(DocReader::new(
                            std::io::BufReader::with_capacity(1 << 16, f),
                            &file,
                            &options,
                        )),
                        Err(e) => Box::new(std::iter::once(Err(FormatError::new(
                            &file,
                            0,
                            super::cannot_read(&e),
                        )))),
                    }
                },
            )),
    )
}

/// Streams documents out of one CoNLL file.
pub struct DocReader<R: BufRead> {
    input: R,
    path: std::path::PathBuf,
    stem: String,
    options: ReadOptions,
    line_no: usize,
    docs: usize,
    line: String,
    done: bool,
    /// A `-DOCSTART-` was read that starts the next document.
    pending_start: Option<usize>,
}

impl<R: BufRead> DocReader<R> {
    pub fn new(input: R, path: &Path, options: &ReadOptions) -> Self {
        Self {
            input,
            path: path.to_path_buf(),
            stem: path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
            options: options.clone(),
            line_no: 0,
            docs: 0,
            line: String::new(),
            done: false,
            pending_start: None,
        }
    }
}

/// Builds the text of one document from tokens, with the spacing rule.
struct Builder {
    text: String,
    chars: usize,
    spans: Vec<RawSpan>,
    open: Option<(usize, String, usize)>,
    prev: Option<String>,
    tokens: usize,
}

const NO_SPACE_BEFORE: &[&str] = &[
    ",", ".", ";", ":", "!", "?", "%", ")", "]", "}", "”", "’", "…", "'s", "’s", "n't", "n’t",
    "'S", "’S",
];
const NO_SPACE_AFTER: &[&str] = &["(", "[", "{", "“", "‘", "$", "£", "€", "¿", "¡"];

impl Builder {
    fn new() -> Self {
        Self {
            text: String::new(),
            chars: 0,
            spans: Vec::new(),
            open: None,
            prev: None,
            tokens: 0,
        }
    }
    fn push_token(&mut self, token: &str) -> usize {
        let space = match &self.prev {
            None => false,
            Some(p) if p == "\n" => false,
            // "Cook ’ s" → "Cook’s": a contraction split around its apostrophe.
            Some(p)
                if matches!(p.as_str(), "’" | "'")
                    && matches!(token, "s" | "S" | "t" | "d" | "ll" | "re" | "ve" | "m") =>
            {
                false
            }
            Some(p) => !NO_SPACE_AFTER.contains(&p.as_str()) && !NO_SPACE_BEFORE.contains(&token),
        };
        if space {
            self.text.push(' ');
            self.chars += 1;
        }
        let start = self.chars;
        self.text.push_str(token);
        self.chars += token.chars().count();
        self.prev = Some(token.to_string());
        self.tokens += 1;
        start
    }
    fn end_sentence(&mut self) {
        if self.prev.as_deref().is_some_and(|p| p != "\n") {
            self.text.push('\n');
            self.chars += 1;
            self.prev = Some("\n".into());
        }
    }
}

impl Builder {
    fn last_end(&self) -> usize {
        // The text never ends with a space, and a sentence break comes after closing.
        self.chars - usize::from(self.text.ends_with('\n'))
    }
}

impl<R: BufRead> Iterator for DocReader<R> {
    type Item = Result<Record, FormatError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let mut b = Builder::new();
        let mut started_at = self.pending_start.take().unwrap_or(self.line_no + 1);
        let mut saw_anything = false;
        loop {
            self.line.clear();
            let read = match self.input.read_line(&mut self.line) {
                Ok(n) => n,
                Err(e) => {
                    self.done = true;
                    let msg = if e.kind() == std::io::ErrorKind::InvalidData {
                        "is not valid UTF-8; CoNLL files are read as UTF-8".to_string()
                    } else {
                        format!("cannot read: {e}")
                    };
                    return Some(Err(FormatError::new(&self.path, self.line_no + 1, msg)));
                }
            };
            if read == 0 {
                self.done = true;
                break;
            }
            self.line_no += 1;
            let line = self
                .line
                .trim_start_matches('\u{feff}')
                .trim_end_matches(['\n', '\r']);
            let mut cols = line.split_whitespace();
            let Some(token) = cols.next() else {
                // Empty line: sentence break.
                close_entity(&mut b);
                b.end_sentence();
                continue;
            };
            if token == "-DOCSTART-" {
                if saw_anything {
                    self.pending_start = Some(self.line_no);
                    break;
                }
                started_at = self.line_no;
                continue;
            }
            saw_anything = true;
            let tag = line.split_whitespace().last().unwrap_or("");
            if line.split_whitespace().count() < 2 {
                self.done = false;
                return Some(Err(self.skip_doc(format!(
                    "token {token:?} has no tag column; CoNLL lines are TOKEN [other columns] TAG"
                ))));
            }
            let (prefix, label) = match tag {
                "O" => ('O', ""),
                t => match t.split_once('-') {
                    Some((p, l)) if p.len() == 1 && "BIESLU".contains(p) && !l.is_empty() => {
                        (p.chars().next().unwrap_or('O'), l)
                    }
                    _ => {
                        return Some(Err(self.skip_doc(format!(
                            "tag {tag:?} of token {token:?} is not O or B-/I-/E-/S-/L-/U- followed by a type"
                        ))));
                    }
                },
            };
            let continues = b.open.as_ref().is_some_and(|(_, l, _)| l == label);
            match prefix {
                'O' => close_entity(&mut b),
                'B' => close_entity(&mut b),
                'S' | 'U' => close_entity(&mut b),
                _ if !continues => close_entity(&mut b),
                _ => {}
            }
            let start = b.push_token(token);
            if prefix != 'O' && (b.open.is_none()) {
                b.open = Some((start, label.to_string(), self.line_no));
            }
            if matches!(prefix, 'S' | 'U' | 'E' | 'L') {
                close_entity(&mut b);
            }
        }
        close_entity(&mut b);
        if !saw_anything && self.done {
            return None;
        }
        self.docs += 1;
        let mut text = b.text;
        if text.ends_with('\n') && !text.is_empty() {
            // Keep the final line break: sentences end with one.
        } else if !text.is_empty() {
            text.push('\n');
        }
        let name = format!("{}-{}", self.stem, self.docs);
        Some(super::build_record(
            &name,
            None,
            text,
            b.spans,
            Vec::new(),
            Origin {
                path: self.path.clone(),
                line: started_at,
            },
            &self.options,
        ))
    }
}

fn close_entity(b: &mut Builder) {
    if let Some((start, label, line)) = b.open.take() {
        let end = b.last_end();
        b.spans.push(RawSpan {
            key: (b.spans.len() + 1).to_string(),
            fragments: vec![(start, end)],
            label,
            line,
            ..Default::default()
        });
    }
}

impl<R: BufRead> DocReader<R> {
    /// Report an error for the current document and skip to the next `-DOCSTART-`.
    fn skip_doc(&mut self, message: String) -> FormatError {
        let e = FormatError::new(&self.path, self.line_no, message);
        loop {
            self.line.clear();
            match self.input.read_line(&mut self.line) {
                Ok(0) | Err(_) => {
                    self.done = true;
                    break;
                }
                Ok(_) => {
                    self.line_no += 1;
                    if self.line.starts_with("-DOCSTART-") {
                        self.pending_start = Some(self.line_no);
                        break;
                    }
                }
            }
        }
        e
    }
}

/// The prefix letter of token `i` of an `n`-token entity.
fn prefix(scheme: Scheme, i: usize, n: usize, follows_same: bool) -> u8 {
    match scheme {
        Scheme::Iob1 => {
            if i == 0 && follows_same {
                b'B'
            } else {
                b'I'
            }
        }
        Scheme::Iob2 => {
            if i == 0 {
                b'B'
            } else {
                b'I'
            }
        }
        Scheme::Iobes | Scheme::Bilou => {
            let (single, last) = if scheme == Scheme::Iobes {
                (b'S', b'E')
            } else {
                (b'U', b'L')
            };
            match (i, n) {
                (_, 1) => single,
                (0, _) => b'B',
                (i, n) if i == n - 1 => last,
                _ => b'I',
            }
        }
    }
}

/// The CoNLL lines of one record (with its `-DOCSTART-`), and what was dropped.
pub fn encode(rec: &Record, scheme: Scheme) -> (String, Vec<Warning>) {
    let mut out = Vec::new();
    let warnings = encode_into(rec, scheme, &mut out);
    (String::from_utf8(out).unwrap_or_default(), warnings)
}

/// Append the CoNLL lines of one record to `out` (no per-token allocation: this is the
/// inner loop of corpus conversion).
pub fn encode_into(rec: &Record, scheme: Scheme, out: &mut Vec<u8>) -> Vec<Warning> {
    let (spans, warnings) = expressible(rec, super::Format::Conll, Keeps::default());
    let text = rec.doc.text();
    let index = rec.doc.index();
    // Sized up front: collect() would start from a quarter of the bytes and regrow.
    let mut chars: Vec<char> = Vec::with_capacity(index.len_chars());
    chars.extend(text.chars());
    let mut cuts: Vec<usize> = spans
        .iter()
        .flat_map(|s| [s.range.start(), s.range.end()])
        .collect();
    cuts.sort_unstable();
    let tokens = super::tokenize::tokenize_chars(&chars, &cuts);
    // Per token: prefix letter (0 = O) and the entity's span index.
    let mut tags: Vec<(u8, u32)> = vec![(0, 0); tokens.len()];
    let mut prev: Option<(usize, &str)> = None;
    for (k, s) in spans.iter().enumerate() {
        let first = tokens.partition_point(|t| t.start < s.range.start());
        let last = tokens.partition_point(|t| t.end <= s.range.end());
        if last <= first {
            continue;
        }
        let follows_same = prev.is_some_and(|(end, l)| end == first && l == &*s.label);
        for (i, tag) in tags[first..last].iter_mut().enumerate() {
            *tag = (prefix(scheme, i, last - first, follows_same), k as u32);
        }
        prev = Some((last, &s.label));
    }
    let protect: Vec<_> = spans.iter().map(|s| s.range).collect();
    out.reserve(text.len() * 2 + 32);
    out.extend_from_slice(b"-DOCSTART- -X- O O\n\n");
    let bytes = text.as_bytes();
    for sent in super::tokenize::sentences_chars(&chars, &tokens, &protect) {
        for i in sent {
            let t = tokens[i];
            let (a, b) = (
                index.byte_from_char(t.start).unwrap_or(0),
                index.byte_from_char(t.end).unwrap_or(0),
            );
            // Tokens never hold white space (the tokenizer splits there).
            out.extend_from_slice(&bytes[a..b]);
            out.push(b' ');
            match tags[i] {
                (0, _) => out.push(b'O'),
                (p, k) => {
                    out.push(p);
                    out.push(b'-');
                    out.extend_from_slice(spans[k as usize].label.as_bytes());
                }
            }
            out.push(b'\n');
        }
        out.push(b'\n');
    }
    warnings
}

/// Streaming CoNLL writer.
pub struct Writer {
    out: crate::fsio::AtomicFile,
    scheme: Scheme,
    /// One document's lines, reused so the loop does not allocate.
    buf: Vec<u8>,
}

impl Writer {
    pub fn new(path: &Path, scheme: Scheme) -> Result<Self, WriteError> {
        Ok(Self {
            out: super::create_output(path)?,
            scheme,
            buf: Vec::new(),
        })
    }
}

impl super::Writer for Writer {
    fn write(&mut self, rec: &Record) -> Result<Vec<Warning>, WriteError> {
        self.buf.clear();
        let warnings = encode_into(rec, self.scheme, &mut self.buf);
        self.out
            .write_all(&self.buf)
            .map_err(|e| WriteError::io(self.out.path(), e))?;
        Ok(warnings)
    }
    fn finish(self: Box<Self>) -> Result<Vec<Warning>, WriteError> {
        super::commit_output(self.out)?;
        Ok(Vec::new())
    }
    fn encoder(&self) -> Option<super::stream::Encoder> {
        let scheme = self.scheme;
        Some(std::sync::Arc::new(move |rec: &Record| {
            let mut out = Vec::new();
            let warnings = encode_into(rec, scheme, &mut out);
            (out, warnings)
        }))
    }
    fn write_encoded(&mut self, bytes: &[u8]) -> Result<(), WriteError> {
        self.out
            .write_all(bytes)
            .map_err(|e| WriteError::io(self.out.path(), e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_str(s: &str) -> Vec<Result<Record, FormatError>> {
        DocReader::new(
            std::io::Cursor::new(s.as_bytes().to_vec()),
            Path::new("t.conll"),
            &ReadOptions::default(),
        )
        .collect()
    }

    #[test]
    fn reads_all_schemes_to_the_same_entities() {
        let texts = [
            "-DOCSTART- -X- O O\n\nAmal B-PER\nHaddad I-PER\nvisited O\nOslo B-LOC\n. O\n\n",
            "Amal I-PER\nHaddad I-PER\nvisited O\nOslo I-LOC\n. O\n\n",
            "Amal B-PER\nHaddad E-PER\nvisited O\nOslo S-LOC\n. O\n\n",
            "Amal NNP B-NP B-PER\nHaddad NNP I-NP L-PER\nvisited VBD O O\nOslo NNP O U-LOC\n. . O O\n",
        ];
        for t in texts {
            let recs = read_str(t);
            assert_eq!(recs.len(), 1, "{t}");
            let r = recs[0].as_ref().unwrap();
            assert_eq!(r.doc.text(), "Amal Haddad visited Oslo.\n");
            let got: Vec<(usize, usize, String)> = r
                .set
                .iter()
                .map(|s| (s.range.start(), s.range.end(), s.label.to_string()))
                .collect();
            assert_eq!(
                got,
                vec![(0, 11, "PER".into()), (20, 24, "LOC".into())],
                "{t}"
            );
        }
    }

    #[test]
    fn iob1_b_separates_adjacent_entities_of_one_type() {
        let r = read_str("Amal I-PER\nBen B-PER\nsaid O\n");
        let r = r[0].as_ref().unwrap();
        assert_eq!(r.set.len(), 2);
    }

    #[test]
    fn spacing_rule_and_documents() {
        let recs = read_str(
            "-DOCSTART- -X- O O\n\n“ O\nHi O\n, O\n” O\nSyria B-GPE\n’s O\n( O\nUN B-ORG\n) O\n\nNext O\n\n-DOCSTART- -X- O O\n\nTwo O\n",
        );
        assert_eq!(recs.len(), 2);
        assert_eq!(
            recs[0].as_ref().unwrap().doc.text(),
            "“Hi,” Syria’s (UN)\nNext\n"
        );
        assert_eq!(recs[1].as_ref().unwrap().doc.text(), "Two\n");
    }

    #[test]
    fn schemes_write_valid_tags() {
        let (text, set) =
            crate::model::markup::parse_set("[PER Amal Haddad] met [PER Ben] in [GPE Oslo].")
                .unwrap();
        let rec = super::super::build_record(
            "d",
            None,
            text,
            set.iter()
                .map(|s| RawSpan {
                    key: s.id.to_string(),
                    fragments: vec![(s.range.start(), s.range.end())],
                    label: s.label.to_string(),
                    ..Default::default()
                })
                .collect(),
            vec![],
            Origin::default(),
            &ReadOptions::default(),
        )
        .unwrap();
        let tags = |scheme| -> Vec<String> {
            encode(&rec, scheme)
                .0
                .lines()
                .skip(2)
                .filter(|l| !l.is_empty())
                .map(|l| l.rsplit(' ').next().unwrap().to_string())
                .collect()
        };
        assert_eq!(
            tags(Scheme::Iob2),
            ["B-PER", "I-PER", "O", "B-PER", "O", "B-GPE", "O"]
        );
        assert_eq!(
            tags(Scheme::Iob1),
            ["I-PER", "I-PER", "O", "I-PER", "O", "I-GPE", "O"]
        );
        assert_eq!(
            tags(Scheme::Iobes),
            ["B-PER", "E-PER", "O", "S-PER", "O", "S-GPE", "O"]
        );
        assert_eq!(
            tags(Scheme::Bilou),
            ["B-PER", "L-PER", "O", "U-PER", "O", "U-GPE", "O"]
        );
    }
}
