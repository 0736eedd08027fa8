//! Reading files: line caps, layouts, the file reader against `parse_bytes`.

use super::super::read::{LineRead, read_line_capped};
use super::{Flavor, assert_reader_agrees, parse};
use std::io::BufRead;

#[test]
fn a_line_longer_than_the_cap_is_skipped_whole() {
    let input = b"{\"a\": 1}\n0123456789012345678901234567890123456789\n{\"b\": 2}\nlast";
    let mut reader = std::io::BufReader::with_capacity(8, &input[..]);
    let mut lines = Vec::new();
    loop {
        let mut buf = Vec::new();
        match read_line_capped(&mut reader, &mut buf, 16).unwrap() {
            LineRead::Eof => break,
            r => lines.push((r, String::from_utf8(buf).unwrap())),
        }
    }
    assert_eq!(
        lines,
        [
            (LineRead::Line, "{\"a\": 1}\n".to_string()),
            (LineRead::TooLong, String::new()),
            (LineRead::Line, "{\"b\": 2}\n".into()),
            (LineRead::Line, "last".into()),
        ]
    );
    assert!(reader.fill_buf().unwrap().is_empty());
}

#[test]
fn layouts_are_told_apart_by_the_first_line() {
    // JSONL whose first line is not an object: each line on its own.
    let input = "\n\n42\n{\"text\": \"Amal\"}\n";
    let items = parse(Flavor::Entitle, input);
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].as_ref().unwrap_err().line, 3);
    assert_eq!(items[1].as_ref().unwrap().origin.line, 4);
    assert_reader_agrees(Flavor::Entitle, input);
    // A first line that is an object cut short: JSONL with a bad line, not a document.
    let input = "{\"text\": \"Amal\", \"spans\": [\n{\"text\": \"Ben\"}\n";
    let items = parse(Flavor::Entitle, input);
    assert_eq!(items.len(), 2, "{items:?}");
    assert!(items[0].is_err() && items[1].is_ok());
    assert_reader_agrees(Flavor::Entitle, input);
    // Empty and blank files: nothing.
    for input in ["", "\n \r\n", "\u{feff}"] {
        assert!(parse(Flavor::Entitle, input).is_empty());
        assert_reader_agrees(Flavor::Entitle, input);
    }
    assert!(parse(Flavor::Spacy, "[]").is_empty());
}
