//! Plain text: one `.txt` file is one document; a folder is read recursively (sorted,
//! hidden files and folders skipped, links not followed).
//!
//! Wire format: UTF-8. A UTF-8 byte-order mark is dropped and offset 0 is the character
//! after it; line ends are kept as they are (CRLF counts two code points). UTF-16 and
//! other encodings are refused with a message saying how to convert.

use super::{Origin, ReadOptions, Record, Warning, describe_span};
use std::path::Path;

/// The document name of a file inside an input folder: its relative path without
/// extension (`sub/article`), or its stem for a single file.
pub fn name_of(root: &Path, file: &Path) -> String {
    let rel = file
        .strip_prefix(root)
        .ok()
        .filter(|r| !r.as_os_str().is_empty());
    let rel = rel.unwrap_or_else(|| Path::new(file.file_name().unwrap_or_default()));
    let s = rel.to_string_lossy().replace('\\', "/");
    match s.rfind('.') {
        Some(dot) if dot > s.rfind('/').map_or(0, |p| p + 1) => s[..dot].to_string(),
        _ => s,
    }
}

pub fn read(
    path: &Path,
    _options: &ReadOptions,
) -> Box<dyn Iterator<Item = Result<Record, super::FormatError>>> {
    let root = path.to_path_buf();
    let (files, skipped) = super::input_files(path, &["txt"]);
    Box::new(
        skipped
            .into_iter()
            .map(Err)
            .chain(files.into_iter().map(move |file| {
                let bytes = super::read_input(&file)?;
                let name = name_of(&root, &file);
                let (text, _) = crate::model::decode_text(bytes).map_err(|e| {
                    super::FormatError::new(&file, text_error_line(&e), e.to_string())
                })?;
                let rec = super::build_record(
                    &name,
                    None,
                    text,
                    Vec::new(),
                    Vec::new(),
                    Origin {
                        path: file.clone(),
                        line: 0,
                    },
                    &ReadOptions::default(),
                )?;
                Ok(rec)
            })),
    )
}

pub fn text_error_line(e: &crate::model::TextError) -> usize {
    match e {
        crate::model::TextError::InvalidUtf8 { line, .. } => *line,
        _ => 0,
    }
}

/// Plain text keeps no annotations: each is named.
pub fn warnings(rec: &Record) -> Vec<Warning> {
    let mut w: Vec<Warning> = rec
        .set
        .iter()
        .map(|s| Warning {
            doc: rec.name.clone(),
            item: describe_span(rec, s),
            reason: "dropped: txt keeps only the text".into(),
        })
        .collect();
    w.extend(rec.set.relations().iter().map(|r| Warning {
        doc: rec.name.clone(),
        item: format!("relation {} {}", r.id, r.label),
        reason: "dropped: txt keeps only the text".into(),
    }));
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_is_read_recursively_with_clear_errors() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("b/c")).unwrap();
        std::fs::write(dir.path().join("a.txt"), "\u{feff}Alpha").unwrap();
        std::fs::write(dir.path().join("b/c/d.txt"), "Delta\r\n").unwrap();
        std::fs::write(dir.path().join("b/utf16.txt"), b"\xff\xfeA\x00").unwrap();
        std::fs::write(dir.path().join("b/.hidden.txt"), "x").unwrap();
        let got: Vec<_> = read(dir.path(), &ReadOptions::default()).collect();
        assert_eq!(got.len(), 3);
        let a = got[0].as_ref().unwrap();
        assert_eq!((a.name.as_str(), a.doc.text()), ("a", "Alpha"));
        let d = got[1].as_ref().unwrap();
        assert_eq!((d.name.as_str(), d.doc.text()), ("b/c/d", "Delta\r\n"));
        let e = got[2].as_ref().unwrap_err().to_string();
        assert!(e.contains("utf16.txt") && e.contains("UTF-16"), "{e}");
    }
}
