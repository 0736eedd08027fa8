//! Exact offsets on real and hostile text: the AFP wire article (curly quotes, a missing
//! space after a full stop) and a fixture with an astral emoji, a ZWJ sequence,
//! combining accents, Arabic and CRLF line ends. Expected numbers were computed
//! independently with Python (`str` indices are code points).

use entitle::edit::Command;
use entitle::model::{DocId, Document, Span, SpanId};
use entitle::project::{Project, annotation_file};
use entitle::session::Session;
use entitle::text::{CharSpan, snap_to_words};
use std::path::Path;
use std::time::Duration;

fn load(name: &str) -> Document {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(name);
    Document::from_bytes(DocId::new("t").unwrap(), std::fs::read(path).unwrap()).unwrap()
}

/// (text, code-point start, end, UTF-8 byte start, UTF-16 start)
const AFP: &[(&str, usize, usize, usize, usize)] = &[
    ("Rami Abdel Rahman", 571, 588, 575, 571),
    ("Syrian Observatory for Human Rights", 382, 417, 382, 382),
    ("Homs", 284, 288, 284, 284),
    ("Al-Sukhna", 543, 552, 547, 543),
    ("Badia desert", 656, 668, 662, 656),
    ("“caliphate”", 793, 804, 799, 793),
    ("Hayat Tahrir al-Sham", 1412, 1432, 1426, 1412),
    ("Racquell Hayden Best", 1619, 1639, 1641, 1619),
    ("Chingford", 1916, 1925, 1942, 1916),
    ("Live Updates From Syria", 2014, 2037, 2040, 2014),
];

const MIXED: &[(&str, usize, usize, usize, usize)] = &[
    ("Tim Cook", 1, 9, 3, 1),
    ("Apple", 28, 33, 35, 29),
    ("Jose\u{301} Rami\u{301}rez", 41, 55, 50, 42),
    ("دبي", 61, 64, 72, 62),
    ("Mahmoud al-Halabi", 66, 83, 80, 67),
    ("محمود الحلبي", 85, 97, 99, 86),
    ("Zoë", 103, 106, 128, 104),
    ("Cafe\u{301} Noir", 116, 126, 155, 120),
];

fn check_table(doc: &Document, table: &[(&str, usize, usize, usize, usize)]) {
    for &(text, start, end, byte, utf16) in table {
        assert_eq!(doc.slice(start..end), text, "code points of {text:?}");
        assert_eq!(
            doc.index().byte_from_char(start).unwrap(),
            byte,
            "bytes of {text:?}"
        );
        assert_eq!(
            doc.index().utf16_from_char(start).unwrap(),
            utf16,
            "UTF-16 of {text:?}"
        );
        assert_eq!(doc.index().char_from_byte(byte).unwrap(), start);
        assert_eq!(doc.index().char_from_utf16(utf16).unwrap(), start);
    }
}

#[test]
fn afp_article_offsets_are_code_points() {
    let doc = load("afp-syria-2020.txt");
    assert_eq!(doc.len_chars(), 2830);
    assert_eq!(doc.index().len_bytes(), 2860);
    check_table(&doc, AFP);
}

#[test]
fn mixed_fixture_offsets_are_code_points() {
    let doc = load("unicode-mixed.txt");
    assert_eq!(doc.len_chars(), 129);
    assert_eq!(doc.index().len_bytes(), 169);
    assert_eq!(doc.index().len_utf16(), 133);
    // CRLF is two code points and ends a line; the second line starts after it.
    assert_eq!(doc.index().lines()[0].content_end, 56);
    assert_eq!(doc.slice(56..58), "\r\n");
    assert_eq!(doc.index().lines()[1].start, 58);
    check_table(&doc, MIXED);
}

#[test]
fn word_snapping_on_the_wire_article() {
    let doc = load("afp-syria-2020.txt");
    let snap_q = |from: usize, to: usize, keep_quotes: bool| {
        let s = snap_to_words(doc.text(), doc.index(), from..to, keep_quotes).unwrap();
        doc.slice(s.range()).to_string()
    };
    let snap = |from: usize, to: usize| snap_q(from, to, false);
    // Partial drag inside "Syria’s": the possessive is not part of the name.
    assert_eq!(snap(645, 647), "Syria");
    // Partial drag across "Abdel Rah": the whole words.
    assert_eq!(snap(577, 585), "Abdel Rahman");
    // The missing space in "jihadists.Meanwhile": a drag on "Meanwhile" gets only it.
    assert_eq!(snap(1181, 1185), "Meanwhile");
    assert_eq!(snap(1172, 1175), "jihadists");
    // The curly quotes are not words: a drag over “caliphate” leaves them out, unless
    // the app asks to keep them (Alt) and the drag covered them.
    assert_eq!(snap(795, 800), "caliphate");
    assert_eq!(snap(793, 804), "caliphate");
    assert_eq!(snap_q(793, 804, true), "“caliphate”");
    assert_eq!(snap_q(795, 800, true), "caliphate");
    // Hyphenated names are one word: a drag on "Sukh" gets "Al-Sukhna".
    assert_eq!(doc.slice(543..552), "Al-Sukhna");
    assert_eq!(snap(546, 549), "Al-Sukhna");
}

#[test]
fn annotation_files_keep_exact_offsets_through_a_session() {
    for (file, table) in [("afp-syria-2020.txt", AFP), ("unicode-mixed.txt", MIXED)] {
        let dir = tempfile::tempdir().unwrap();
        let src = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("testdata")
            .join(file);
        std::fs::copy(&src, dir.path().join(file)).unwrap();
        let id = DocId::new(file.trim_end_matches(".txt")).unwrap();
        let (project, _) = Project::open(dir.path()).unwrap();
        let mut s = Session::new(project, "alice").unwrap();
        let len = s.ensure_open(&id).doc.as_ref().unwrap().len_chars();
        for (i, &(_, start, end, _, _)) in table.iter().enumerate() {
            let span = Span {
                id: SpanId(i as u64 + 1),
                range: CharSpan::new(start, end, len).unwrap(),
                label: entitle::label!("X"),
                annotator: "alice".into(),
                created: chrono::Utc::now(),
                modified: None,
                extra: None,
            };
            s.workspace
                .apply(
                    Command::AddSpan {
                        doc: id.clone(),
                        span,
                    },
                    "add",
                )
                .unwrap();
        }
        assert!(s.flush(Duration::from_secs(10)));
        let bytes =
            std::fs::read(dir.path().join(format!("annotations/alice/{}.json", id))).unwrap();
        let parsed = annotation_file::parse(&bytes).unwrap();
        let mut on_disk: Vec<(String, usize, usize)> = parsed
            .spans
            .iter()
            .map(|s| (s.text.clone(), s.start, s.end))
            .collect();
        on_disk.sort_by_key(|t| t.1);
        let mut expected: Vec<(String, usize, usize)> =
            table.iter().map(|t| (t.0.to_string(), t.1, t.2)).collect();
        expected.sort_by_key(|t| t.1);
        assert_eq!(on_disk, expected, "{file}");
        // The text file itself is untouched, byte for byte.
        assert_eq!(
            std::fs::read(dir.path().join(file)).unwrap(),
            std::fs::read(&src).unwrap()
        );
    }
}
