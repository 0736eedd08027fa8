//! Big lines: the text decoded in place gives what serde_json gives.

use super::super::big::{BIG_LINE, decode_in_place, text_range};
use super::{Flavor, parse, records, spans};
use proptest::prelude::*;

/// A line over [`BIG_LINE`] whose text has every kind of escape.
fn big_line(extra: &str) -> (String, String) {
    let unit = "“Amal” said \"hi\"\\ on\r\nthe 😀 \u{e9}t\u{e9} / دبي\t";
    let mut text = String::new();
    while text.len() < BIG_LINE + 10 {
        text.push_str(unit);
    }
    let json_text = serde_json::to_string(&text)
        .unwrap()
        .replace('é', "\\u00e9")
        .replace('😀', "\\ud83d\\ude00")
        .replace('/', "\\/");
    let line = format!(
        r#"{{"id": 7, {extra}"text": {json_text}, "spans": [{{"id": "T1", "start": 1, "end": 5, "label": "PER"}}], "meta": {{"text": "not this one"}}}}"#
    );
    (line, text)
}

#[test]
fn a_big_line_with_escapes_reads_the_same_text() {
    for (flavor, extra) in [
        (Flavor::Entitle, ""),
        (Flavor::Entitle, r#""source": "general path", "#),
        (Flavor::Spacy, r#""text": 5, "#),
        (Flavor::Prodigy, ""),
        (Flavor::Doccano, ""),
    ] {
        let (line, text) = big_line(extra);
        assert!(text_range(line.as_bytes()).is_some(), "{flavor:?}");
        let recs = records(flavor, &line);
        assert_eq!(recs.len(), 1);
        assert!(recs[0].doc.text() == text, "{flavor:?}: the text differs");
        let expected_label = if flavor == Flavor::Doccano { 0 } else { 1 };
        assert_eq!(recs[0].set.len(), expected_label, "{flavor:?}");
        if flavor != Flavor::Doccano {
            assert_eq!(spans(&recs[0])[0].3, "Amal");
        }
    }
}

#[test]
fn a_big_line_with_a_bad_escape_is_the_usual_error() {
    let (line, _) = big_line("");
    let lone = line.replacen("\\ud83d\\ude00", "\\ud83d", 1);
    let e = parse(Flavor::Entitle, &lone).remove(0).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("in.jsonl:1: column 61: not valid JSON: "),
        "{e}"
    );
    // The same line without the in-place path (a small one) gives the same words.
    let cut = lone.find("\\ud83d").unwrap() + "\\ud83d ".len();
    let small = format!("{}\"}}", &lone[..cut]);
    let e_small = parse(Flavor::Entitle, &small).remove(0).unwrap_err();
    assert_eq!(e.message, e_small.message);
    let control = line.replacen("\\t", "\t", 1);
    let e = parse(Flavor::Entitle, &control).remove(0).unwrap_err();
    assert!(e.message.contains("not valid JSON"), "{e}");
}

#[test]
fn the_skim_finds_the_last_top_level_text() {
    let s = br#" { "meta": {"text": "a\"b", "x": [1, {"text": "no"}]}, "text": "t\n1", "n": -1.5e3, "text": "t\"2" , "ok": true} "#;
    let r = text_range(s).unwrap();
    assert_eq!(&s[r], br#"t\"2"#);
    // Not sure, or nothing to decode: the usual path.
    assert_eq!(text_range(br#"{"te\u0078t": "a\nb"}"#), None);
    assert_eq!(text_range(br#"{"text": "plain"}"#), None);
    assert_eq!(text_range(br#"{"text": ["a\n"]}"#), None);
    assert_eq!(text_range(br#"["text", "a\n"]"#), None);
    for broken in [
        &b"{"[..],
        b"{\"text\"",
        b"{\"text\": \"a\\",
        b"{\"a\": [}",
        b"{\"text\": \"a\\n\" x",
    ] {
        assert_eq!(
            text_range(broken),
            None,
            "{}",
            String::from_utf8_lossy(broken)
        );
    }
}

proptest! {
    #[test]
    fn decoding_in_place_equals_serde(
        parts in proptest::collection::vec(
            prop_oneof![
                Just("“Amal”".to_string()), Just("\"".to_string()), Just("\\".to_string()),
                Just("😀".to_string()), Just("دبي".to_string()), Just("\r\n".to_string()),
                Just("\u{1}".to_string()), Just("/".to_string()), Just("e\u{301}".to_string()),
                "[a-z ]{0,5}",
            ],
            0..40,
        ),
        ascii_only in any::<bool>(),
    ) {
        let text: String = parts.concat();
        let json = if ascii_only {
            // \uXXXX for everything beyond ASCII, surrogate pairs for 😀.
            text.chars().fold(String::from("\""), |mut s, c| {
                match c {
                    '"' => s.push_str("\\\""),
                    '\\' => s.push_str("\\\\"),
                    c if c.is_ascii() && !c.is_ascii_control() => s.push(c),
                    c => {
                        let mut units = [0u16; 2];
                        for u in c.encode_utf16(&mut units) {
                            s.push_str(&format!("\\u{u:04x}"));
                        }
                    }
                }
                s
            }) + "\""
        } else {
            serde_json::to_string(&text).unwrap()
        };
        let raw = 1..json.len() - 1;
        let decoded = decode_in_place(json.clone(), raw).unwrap();
        prop_assert_eq!(&decoded, &serde_json::from_str::<String>(&json).unwrap());
        prop_assert_eq!(decoded, text);
    }
}
