//! JSON Lines knowledge bases: one `{"id": …, "name": …, "aliases": […]}` per line,
//! read line by line.

use super::KbBuilder;
use super::load::{NOT_UTF8, Problems, split_aliases};
use super::resolve_db;
use std::io::BufRead;

pub(super) fn parse(
    mut reader: impl BufRead,
    db: &str,
    builder: &mut KbBuilder,
    problems: &mut Problems<'_>,
) {
    use serde_json::Value;
    #[derive(serde::Deserialize)]
    struct Line {
        #[serde(default)]
        id: Option<Value>,
        #[serde(default, alias = "label")]
        name: Option<Value>,
        #[serde(default)]
        aliases: Option<Value>,
        #[serde(default)]
        description: Option<Value>,
        #[serde(default)]
        db: Option<Value>,
    }
    const EXPECTED: &str =
        r#"expected {"id": "Q90", "name": "Paris", "aliases": ["City of Light"]}"#;
    let mut buf = Vec::new();
    let mut line_no = 0;
    loop {
        buf.clear();
        match reader.read_until(b'\n', &mut buf) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                problems.push(Some(line_no + 1), format!("cannot be read further: {e}"));
                break;
            }
        }
        line_no += 1;
        let bytes = if line_no == 1 {
            buf.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&buf)
        } else {
            &buf
        };
        let Ok(text) = std::str::from_utf8(bytes) else {
            problems.push(Some(line_no), NOT_UTF8.into());
            continue;
        };
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        let l: Line = match serde_json::from_str(text) {
            Ok(l) => l,
            Err(e) => {
                problems.push(Some(line_no), format!("{e} ({EXPECTED})"));
                continue;
            }
        };
        let id = match &l.id {
            Some(Value::String(s)) => s.clone(),
            // An id may be a number in an extract; keep its text.
            Some(Value::Number(n)) => n.to_string(),
            None | Some(Value::Null) => {
                problems.push(Some(line_no), format!("has no \"id\" ({EXPECTED})"));
                continue;
            }
            Some(_) => {
                problems.push(
                    Some(line_no),
                    "the \"id\" must be a string such as \"Q90\"".into(),
                );
                continue;
            }
        };
        let name = match &l.name {
            Some(Value::String(s)) => s.as_str(),
            None | Some(Value::Null) => {
                problems.push(Some(line_no), format!("has no \"name\" ({EXPECTED})"));
                continue;
            }
            Some(_) => {
                problems.push(Some(line_no), "the \"name\" must be a string".into());
                continue;
            }
        };
        let aliases: Vec<&str> = match &l.aliases {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::String(s)) => split_aliases(s).collect(),
            Some(Value::Array(items)) if items.iter().all(Value::is_string) => {
                items.iter().filter_map(Value::as_str).collect()
            }
            Some(_) => {
                problems.push(
                    Some(line_no),
                    "\"aliases\" must be a list of strings, such as [\"City of Light\"]".into(),
                );
                continue;
            }
        };
        let description = match &l.description {
            Some(Value::String(s)) => Some(s.as_str()),
            None | Some(Value::Null) => None,
            Some(_) => {
                problems.push(Some(line_no), "the \"description\" must be a string".into());
                continue;
            }
        };
        let line_db = match &l.db {
            Some(Value::String(s)) => Some(s.as_str()),
            None | Some(Value::Null) => None,
            Some(_) => {
                problems.push(
                    Some(line_no),
                    "the \"db\" must be a string such as \"wikidata\"".into(),
                );
                continue;
            }
        };
        let result = resolve_db(line_db, db, &id).and_then(|(db, id)| {
            builder.push_parts(db, id, name, aliases.iter().copied(), description)
        });
        if let Err(message) = result {
            problems.push(Some(line_no), message);
        }
    }
}
