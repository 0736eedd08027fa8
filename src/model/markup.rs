//! A tiny span markup for readable tests: `"[PER Rami Abdel Rahman] said in [GPE Homs]"`.
//! Brackets nest (`[ORG [GPE Syrian] Observatory]`); a literal bracket is written `\[`
//! or `\]`. Offsets are code points of the text without the markup.

use super::{AnnotationSet, Span, SpanId};
use crate::text::CharSpan;
use chrono::{DateTime, Utc};

/// `(start, end, label)` of one span, in code points.
pub type Triple = (usize, usize, String);

/// Parse markup into the plain text and `(start, end, label)` triples in order of
/// their opening bracket.
pub fn parse(markup: &str) -> Result<(String, Vec<Triple>), String> {
    let mut text = String::new();
    let mut n = 0usize;
    let mut open: Vec<(usize, String, usize)> = Vec::new(); // (start, label, result slot)
    let mut out: Vec<Triple> = Vec::new();
    let mut chars = markup.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let next = chars.next().ok_or("markup ends with a backslash")?;
                text.push(next);
                n += 1;
            }
            '[' => {
                let mut label = String::new();
                while let Some(&c) = chars.peek() {
                    chars.next();
                    if c == ' ' {
                        break;
                    }
                    label.push(c);
                }
                if label.is_empty() {
                    return Err(format!("'[' without a label at char {n}"));
                }
                open.push((n, label.clone(), out.len()));
                out.push((n, n, label));
            }
            ']' => {
                let (start, _, slot) = open.pop().ok_or(format!("unmatched ']' at char {n}"))?;
                out[slot].0 = start;
                out[slot].1 = n;
            }
            c => {
                text.push(c);
                n += 1;
            }
        }
    }
    if let Some((start, label, _)) = open.pop() {
        return Err(format!("[{label} opened at char {start} is never closed"));
    }
    Ok((text, out))
}

/// Parse markup into text and an annotation set (annotator `test`, time 0).
pub fn parse_set(markup: &str) -> Result<(String, AnnotationSet), String> {
    let (text, triples) = parse(markup)?;
    let len = text.chars().count();
    let mut set = AnnotationSet::new();
    for (i, (s, e, label)) in triples.into_iter().enumerate() {
        let range = CharSpan::new(s, e, len).map_err(|e| e.to_string())?;
        let span = Span {
            id: SpanId(i as u64 + 1),
            range,
            label: crate::model::Label::new(&label).map_err(|e| e.to_string())?,
            annotator: "test".into(),
            created: DateTime::<Utc>::from_timestamp(0, 0).unwrap_or_default(),
            modified: None,
            extra: None,
        };
        set.insert(span, len).map_err(|e| e.to_string())?;
    }
    Ok((text, set))
}

/// Render text and spans back to markup (spans must nest; crossing spans are rendered
/// with the later one's brackets wherever they fall, which is still parseable only when
/// nested, so tests of crossing spans compare triples instead).
pub fn render(text: &str, set: &AnnotationSet) -> String {
    let mut opens: Vec<Vec<&str>> = vec![Vec::new(); text.chars().count() + 1];
    let mut closes = vec![0usize; text.chars().count() + 1];
    for s in set.iter() {
        opens[s.range.start()].push(&s.label);
        closes[s.range.end()] += 1;
    }
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        out.extend(std::iter::repeat_n(']', closes[i]));
        for l in &opens[i] {
            out.push('[');
            out.push_str(l);
            out.push(' ');
        }
        if matches!(c, '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.extend(std::iter::repeat_n(']', closes[text.chars().count()]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_nested_markup() {
        let m = "The [ORG [GPE Syrian] Observatory] head [PER Rami Abdel Rahman] said 😀 \\[sic\\]";
        let (text, set) = parse_set(m).unwrap();
        assert_eq!(
            text,
            "The Syrian Observatory head Rami Abdel Rahman said 😀 [sic]"
        );
        assert_eq!(render(&text, &set), m);
        let (_, triples) = parse(m).unwrap();
        assert_eq!(triples[0], (4, 22, "ORG".to_string()));
        assert_eq!(triples[1], (4, 10, "GPE".to_string()));
    }

    #[test]
    fn errors_are_reported() {
        assert!(parse("[PER x").is_err());
        assert!(parse("x]").is_err());
    }
}
