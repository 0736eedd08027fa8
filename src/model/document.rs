//! Documents: immutable text, decoded exactly from the bytes on disk.

use crate::text::{TextIndex, fingerprint};
use std::fmt;
use std::sync::Arc;

/// A document id: its path relative to the project folder, with `/` separators and
/// without the `.txt` extension (`docs/afp-syria-2020`). Checked on construction so it
/// can never name a file outside the project folder.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DocId(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a usable document id: {1}")]
pub struct DocIdError(pub String, pub &'static str);

/// Names Windows refuses as file names, whatever the extension.
const RESERVED: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

impl DocId {
    /// Most path components an id may have (folders + the file): deeper files are not
    /// looked for, so a deeper id could never be found again.
    pub const MAX_COMPONENTS: usize = 12;

    pub fn new(id: impl Into<String>) -> Result<Self, DocIdError> {
        let id = id.into();
        if id.is_empty() {
            return Err(DocIdError(id, "it is empty"));
        }
        if id.len() > 512 {
            return Err(DocIdError(id, "it is longer than 512 bytes"));
        }
        if id.split('/').count() > Self::MAX_COMPONENTS {
            return Err(DocIdError(id, "it is more than 12 folders deep"));
        }
        for part in id.split('/') {
            if part.is_empty() || part == "." || part == ".." {
                return Err(DocIdError(
                    id,
                    "it has an empty, '.' or '..' path component",
                ));
            }
            if part.starts_with('.') {
                return Err(DocIdError(id, "a path component starts with '.'"));
            }
            if part.chars().any(|c| {
                c.is_control() || matches!(c, '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|')
            }) {
                return Err(DocIdError(
                    id,
                    "it contains a control character or one of \\ : * ? \" < > |",
                ));
            }
            let stem = part.split('.').next().unwrap_or(part).to_ascii_lowercase();
            if RESERVED.contains(&stem.as_str()) {
                return Err(DocIdError(id, "it uses a name reserved on Windows"));
            }
            if part.ends_with(' ') || part.ends_with('.') {
                return Err(DocIdError(id, "a path component ends with a space or '.'"));
            }
        }
        Ok(Self(id))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether a file name stem is one Windows reserves for a device (`CON`, `nul`,
    /// `COM1`…), whatever its case.
    pub fn is_reserved(stem: &str) -> bool {
        RESERVED.contains(&stem.to_ascii_lowercase().as_str())
    }
}

impl TryFrom<String> for DocId {
    type Error = DocIdError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::new(s)
    }
}
impl From<DocId> for String {
    fn from(d: DocId) -> String {
        d.0
    }
}
impl fmt::Display for DocId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl fmt::Debug for DocId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DocId({:?})", self.0)
    }
}

/// Why a file's bytes are not a document. Each message says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error(
        "looks like a binary file, not text (a NUL byte at byte {byte}). Entitle annotates UTF-8 plain text (.txt); export the text from the original program first"
    )]
    Binary { byte: usize },
    #[error(
        "is UTF-16 text (it starts with a UTF-16 byte-order mark). Re-save it as UTF-8, e.g. `iconv -f UTF-16 -t UTF-8 in.txt > out.txt`"
    )]
    Utf16,
    #[error(
        "is not valid UTF-8: bad byte 0x{value:02X} at byte {byte} (line {line}, column {column}). Re-save the file as UTF-8, e.g. `iconv -f WINDOWS-1252 -t UTF-8 in.txt > out.txt`"
    )]
    InvalidUtf8 {
        byte: usize,
        value: u8,
        line: usize,
        column: usize,
    },
    #[error("is {size} bytes; documents are limited to 1 GiB. Split it into smaller files")]
    TooLarge { size: usize },
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
/// Documents above this are refused (offsets are stored as u32 internally).
pub const MAX_DOCUMENT_BYTES: usize = 1 << 30;

/// A document's text, indexed, with its fingerprint. Immutable: the text is exactly the
/// file's bytes after an optional UTF-8 byte-order mark (no newline or Unicode
/// normalisation, no trimming).
#[derive(Debug, Clone)]
pub struct Document {
    pub id: DocId,
    text: Arc<str>,
    index: Arc<TextIndex>,
    /// Computed on first use: conversions never need it, project files always do.
    fingerprint: Arc<std::sync::OnceLock<String>>,
    /// The file started with a UTF-8 BOM, which is not part of the text (offset 0 is the
    /// character after it).
    pub had_bom: bool,
}

impl Document {
    /// A document from text already in memory.
    pub fn new(id: DocId, text: impl Into<Arc<str>>) -> Self {
        let text: Arc<str> = text.into();
        let index = Arc::new(TextIndex::new(&text));
        Self {
            id,
            text,
            index,
            fingerprint: Arc::new(std::sync::OnceLock::new()),
            had_bom: false,
        }
    }

    /// Decode a file's bytes: UTF-8, a UTF-8 BOM dropped and remembered, anything else
    /// refused with a [`TextError`] that says where and what to do.
    pub fn from_bytes(id: DocId, bytes: Vec<u8>) -> Result<Self, TextError> {
        let text = decode_text(bytes)?;
        let had_bom = text.1;
        let mut doc = Self::new(id, text.0);
        doc.had_bom = had_bom;
        Ok(doc)
    }

    pub fn text(&self) -> &str {
        &self.text
    }
    pub fn shared_text(&self) -> Arc<str> {
        self.text.clone()
    }
    pub fn index(&self) -> &TextIndex {
        &self.index
    }
    pub fn fingerprint(&self) -> &str {
        self.fingerprint.get_or_init(|| fingerprint(&self.text))
    }
    pub fn len_chars(&self) -> usize {
        self.index.len_chars()
    }
    /// The text of a char range.
    pub fn slice(&self, chars: std::ops::Range<usize>) -> &str {
        self.index.slice(&self.text, chars)
    }
}

/// Decode bytes to text; returns the text and whether a UTF-8 BOM was dropped.
pub fn decode_text(mut bytes: Vec<u8>) -> Result<(String, bool), TextError> {
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(TextError::TooLarge { size: bytes.len() });
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(TextError::Utf16);
    }
    let had_bom = bytes.starts_with(UTF8_BOM);
    if had_bom {
        bytes.drain(..UTF8_BOM.len());
    }
    if let Some(nul) = bytes.iter().position(|&b| b == 0) {
        return Err(TextError::Binary {
            byte: nul + if had_bom { 3 } else { 0 },
        });
    }
    match String::from_utf8(bytes) {
        Ok(s) => Ok((s, had_bom)),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            let before = &bytes[..valid];
            let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |p| p + 1);
            let column = String::from_utf8_lossy(&before[line_start..])
                .chars()
                .count()
                + 1;
            Err(TextError::InvalidUtf8 {
                byte: valid + if had_bom { 3 } else { 0 },
                value: bytes[valid],
                line,
                column,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_ids_cannot_escape_the_project() {
        for bad in [
            "",
            "..",
            "a/../b",
            "/abs",
            "a//b",
            "C:x",
            "a\\b",
            ".hidden",
            "con",
            "x/NUL.txt",
            "trail.",
            "a\u{0}b",
        ] {
            assert!(DocId::new(bad).is_err(), "{bad:?} accepted");
        }
        for good in ["docs/afp-syria-2020", "a b/ç😀", "2020.report"] {
            assert!(DocId::new(good).is_ok(), "{good:?} refused");
        }
    }

    #[test]
    fn decoding_reports_where_and_what() {
        let id = DocId::new("x").unwrap();
        let e = Document::from_bytes(id.clone(), b"ok\nab\xFFc".to_vec()).unwrap_err();
        assert_eq!(
            e,
            TextError::InvalidUtf8 {
                byte: 5,
                value: 0xFF,
                line: 2,
                column: 3
            }
        );
        assert!(e.to_string().contains("line 2, column 3"));
        assert_eq!(
            Document::from_bytes(id.clone(), b"PK\x03\x04\x00\x00".to_vec()).unwrap_err(),
            TextError::Binary { byte: 4 }
        );
        assert_eq!(
            Document::from_bytes(id.clone(), b"\xFF\xFEa\x00".to_vec()).unwrap_err(),
            TextError::Utf16
        );
        let d = Document::from_bytes(id.clone(), b"\xEF\xBB\xBFHi".to_vec()).unwrap();
        assert!(d.had_bom);
        assert_eq!(d.text(), "Hi");
        let empty = Document::from_bytes(id, Vec::new()).unwrap();
        assert_eq!(empty.len_chars(), 0);
    }
}
