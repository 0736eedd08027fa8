//! WebAnno TSV 3.3, the format INCEpTION and WebAnno import and export.
//!
//! Wire format (INCEpTION `Tsv3XSerializer`): a header (`#FORMAT=WebAnno TSV 3.3`, one
//! `#T_SP=` line per span layer, `#T_RL=` per relation layer), two empty lines, then per
//! sentence its `#Text=` line(s) and one row per token:
//! `SENT-TOK<TAB>BEGIN-END<TAB>TOKEN<TAB>` + one field per feature column, each ending
//! with a TAB. BEGIN/END are document offsets in **UTF-16 code units**, end exclusive.
//!
//! Entities use the DKPro `NamedEntity` layer (`identifier`, `value`): `value` holds the
//! label; a span over several tokens, or stacked with another on the same token, carries
//! a document-unique `[N]` on every row it covers; stacked values are joined by `|`.
//! Relations use `webanno.custom.Relation` (`label`) and sit on the first row of their
//! target span, with the source span's first token id (`1-3`) and, when either side is
//! ambiguous, `[source_target]` disambiguation. Feature values escape
//! `\ [ ] | _ -> ; * TAB LF` with a backslash. `identifier` carries a normalization
//! (`DB:ID`) when the span has one.
//!
//! WebAnno TSV cannot hold discontinuous spans, notes or attributes (each is named in a
//! warning), nor text before the first token (a reader pads it with spaces).

use super::tokenize::sentences;
use super::{
    FormatError, Keeps, Origin, RawRelation, RawSpan, ReadOptions, Record, Warning, expressible,
};
use crate::model::Normalization;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::Path;

const NE: &str = "de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity";
const REL: &str = "webanno.custom.Relation";

fn escape_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | '[' | ']' | '|' | '_' | ';' | '*' => {
                out.push('\\');
                out.push(c);
            }
            '-' if chars.peek() == Some(&'>') => out.push_str("\\-"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

fn unescape_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('t') => out.push('\t'),
                Some('n') => out.push('\n'),
                Some(o) => out.push(o),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{c}' => out.push_str("\\f"),
            '\u{8}' => out.push_str("\\b"),
            c if (c as u32) < 0x20 && c != '\n' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

fn unescape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some('f') => out.push('\u{c}'),
                Some('b') => out.push('\u{8}'),
                Some(o) => out.push(o),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Split a field at unescaped `|`.
fn split_stack(field: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut escaped = false;
    for c in field.chars() {
        if escaped {
            cur.push('\\');
            cur.push(c);
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == '|' {
            out.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    out.push(cur);
    out
}

/// `VALUE[N]` → (VALUE, Some(N)); `[` escaped in values, so the last `[` is ours.
fn split_disambig(v: &str) -> (String, Option<u64>) {
    if v.ends_with(']')
        && let Some(p) = v.rfind('[')
        && !v[..p].ends_with('\\')
        && let Ok(n) = v[p + 1..v.len() - 1].parse::<u64>()
    {
        return (v[..p].to_string(), Some(n));
    }
    (v.to_string(), None)
}

/// The TSV bytes of one record and what it dropped.
pub fn encode(rec: &Record) -> (Vec<u8>, Vec<Warning>) {
    let keeps = Keeps {
        relations: true,
        overlaps: true,
        normalizations: true,
        ..Keeps::default()
    };
    let (spans, mut warnings) = expressible(rec, super::Format::WebannoTsv, keeps);
    let text = rec.doc.text();
    let index = rec.doc.index();
    let tokens = super::jsonl::span_tokens(rec, &spans);
    let u16 = |c: usize| index.utf16_from_char(c).unwrap_or(c);
    // Token range of each span; disambiguation ids where needed.
    let ranges: Vec<(usize, usize)> = spans
        .iter()
        .map(|s| {
            (
                tokens.partition_point(|t| t.start < s.range.start()),
                tokens.partition_point(|t| t.end <= s.range.end()),
            )
        })
        .collect();
    let mut per_token: Vec<Vec<usize>> = vec![Vec::new(); tokens.len()];
    for (k, &(a, b)) in ranges.iter().enumerate() {
        for t in per_token.iter_mut().take(b).skip(a) {
            t.push(k);
        }
    }
    let mut disambig: HashMap<usize, u64> = HashMap::new();
    let mut next = 1;
    for (k, &(a, b)) in ranges.iter().enumerate() {
        let stacked = (a..b).any(|t| per_token[t].len() > 1);
        if b - a > 1 || stacked {
            disambig.insert(k, next);
            next += 1;
        }
    }
    let with_id = |k: usize, v: String| match disambig.get(&k) {
        Some(n) => format!("{v}[{n}]"),
        None => v,
    };
    let protect: Vec<_> = spans.iter().map(|s| s.range).collect();
    let sents = sentences(text, &tokens, &protect);
    // Token id (SENT-TOK) of each token.
    let mut token_id = vec![(0usize, 0usize); tokens.len()];
    for (si, sent) in sents.iter().enumerate() {
        for (ti, t) in sent.clone().enumerate() {
            token_id[t] = (si + 1, ti + 1);
        }
    }
    // Relations on the first row of their target.
    let pos: HashMap<_, usize> = spans.iter().enumerate().map(|(k, s)| (s.id, k)).collect();
    let mut rel_rows: BTreeMap<usize, Vec<(String, String)>> = BTreeMap::new();
    for r in rec.set.relations() {
        let (Some(&src), Some(&tgt)) = (pos.get(&r.from), pos.get(&r.to)) else {
            warnings.push(Warning {
                doc: rec.name.clone(),
                item: format!("relation {} {}", r.id, r.label),
                reason: "dropped: one of its spans was dropped".into(),
            });
            continue;
        };
        let (ss, st) = token_id[ranges[src].0];
        let mut source = format!("{ss}-{st}");
        let (ds, dt) = (
            disambig.get(&src).copied().unwrap_or(0),
            disambig.get(&tgt).copied().unwrap_or(0),
        );
        if ds != 0 || dt != 0 {
            source.push_str(&format!("[{ds}_{dt}]"));
        }
        rel_rows
            .entry(ranges[tgt].0)
            .or_default()
            .push((escape_value(&r.label), source));
    }
    let mut out = String::with_capacity(text.len() * 3);
    out.push_str("#FORMAT=WebAnno TSV 3.3\n");
    let _ = writeln!(out, "#T_SP={NE}|identifier|value");
    let _ = writeln!(out, "#T_RL={REL}|label|BT_{NE}");
    out.push_str("\n\n");
    if let Some(first) = tokens.first()
        && first.start > 0
    {
        warnings.push(Warning {
            doc: rec.name.clone(),
            item: "text before the first token".into(),
            reason: "WebAnno TSV starts at the first token; readers pad the gap with spaces".into(),
        });
    }
    for (si, sent) in sents.iter().enumerate() {
        let start = tokens[sent.start].start;
        // The sentence runs to the next sentence's first token, so the text between
        // sentences (spaces, line breaks) survives a round trip.
        let end = sents
            .get(si + 1)
            .map_or(rec.doc.len_chars(), |n| tokens[n.start].start);
        let sentence_text = index.slice(text, start..end);
        for line in sentence_text.split('\n') {
            let _ = writeln!(out, "#Text={}", escape_text(line));
        }
        for t in sent.clone() {
            let tok = tokens[t];
            let (s_no, t_no) = token_id[t];
            let _ = write!(
                out,
                "{s_no}-{t_no}\t{}-{}\t{}\t",
                u16(tok.start),
                u16(tok.end),
                index.slice(text, tok.start..tok.end)
            );
            if per_token[t].is_empty() {
                out.push_str("_\t_\t");
            } else {
                let ids: Vec<String> = per_token[t]
                    .iter()
                    .map(|&k| {
                        let ident = spans[k]
                            .normalizations()
                            .first()
                            .map_or("*".to_string(), |n| {
                                escape_value(&format!("{}:{}", n.db, n.id))
                            });
                        with_id(k, ident)
                    })
                    .collect();
                let vals: Vec<String> = per_token[t]
                    .iter()
                    .map(|&k| with_id(k, escape_value(&spans[k].label)))
                    .collect();
                let _ = write!(out, "{}\t{}\t", ids.join("|"), vals.join("|"));
            }
            match rel_rows.get(&t) {
                Some(rels) => {
                    let labels: Vec<&str> = rels.iter().map(|r| r.0.as_str()).collect();
                    let sources: Vec<&str> = rels.iter().map(|r| r.1.as_str()).collect();
                    let _ = write!(out, "{}\t{}\t", labels.join("|"), sources.join("|"));
                }
                None => out.push_str("_\t_\t"),
            }
            out.push('\n');
        }
        out.push('\n');
    }
    (out.into_bytes(), warnings)
}

pub fn read(
    path: &Path,
    options: &ReadOptions,
) -> Box<dyn Iterator<Item = Result<Record, FormatError>>> {
    let root = path.to_path_buf();
    let options = options.clone();
    let (files, skipped) = super::input_files(path, &["tsv"]);
    Box::new(
        skipped
            .into_iter()
            .map(Err)
            .chain(files.into_iter().map(move |file| {
                let raw = super::read_input_string(&file)?;
                parse(&raw, &file, &super::txt::name_of(&root, &file), &options)
            })),
    )
}

struct Layer {
    name: String,
    features: Vec<String>,
    relation: bool,
}

/// Parse one TSV document.
pub fn parse(
    raw: &str,
    file: &Path,
    name: &str,
    options: &ReadOptions,
) -> Result<Record, FormatError> {
    let err = |line: usize, m: String| FormatError::new(file, line, m);
    let mut lines = raw
        .split('\n')
        .enumerate()
        .map(|(i, l)| (i + 1, l.strip_suffix('\r').unwrap_or(l)));
    match lines.next() {
        Some((_, l))
            if l.trim_start_matches('\u{feff}')
                .starts_with("#FORMAT=WebAnno TSV 3") => {}
        _ => {
            return Err(err(
                1,
                "the first line must be #FORMAT=WebAnno TSV 3.x".into(),
            ));
        }
    }
    let mut layers: Vec<Layer> = Vec::new();
    let mut text = String::new();
    let mut text_u16 = 0usize;
    let mut sentence_lines: Vec<String> = Vec::new();
    let mut sentence_placed = true;
    // Per span layer column: value strings per token.
    struct Row {
        line: usize,
        id: String,
        begin: usize,
        end: usize,
        fields: Vec<String>,
    }
    let mut rows: Vec<Row> = Vec::new();
    for (n, line) in lines {
        if let Some(def) = line
            .strip_prefix("#T_SP=")
            .or_else(|| line.strip_prefix("#T_CH="))
        {
            let mut parts = def.split('|');
            let name = parts.next().unwrap_or("").to_string();
            layers.push(Layer {
                name,
                features: parts
                    .filter(|p| !p.is_empty())
                    .map(str::to_string)
                    .collect(),
                relation: false,
            });
            continue;
        }
        if let Some(def) = line.strip_prefix("#T_RL=") {
            let mut parts = def.split('|');
            let name = parts.next().unwrap_or("").to_string();
            let features: Vec<String> = parts
                .filter(|p| !p.is_empty() && !p.starts_with("BT_"))
                .map(str::to_string)
                .collect();
            layers.push(Layer {
                name,
                features,
                relation: true,
            });
            continue;
        }
        if let Some(t) = line.strip_prefix("#Text=") {
            if sentence_placed {
                sentence_lines.clear();
                sentence_placed = false;
            }
            sentence_lines.push(unescape_text(t));
            continue;
        }
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 3 {
            return Err(err(
                n,
                format!(
                    "a token row needs SENT-TOK, BEGIN-END and the token, tab-separated; got {line:?}"
                ),
            ));
        }
        let (b, e) = cols[1]
            .split_once('-')
            .and_then(|(b, e)| Some((b.parse::<usize>().ok()?, e.parse::<usize>().ok()?)))
            .ok_or_else(|| {
                err(
                    n,
                    format!("offsets {:?} must be BEGIN-END (UTF-16 units)", cols[1]),
                )
            })?;
        if e < b {
            return Err(err(
                n,
                format!("token {:?} ends before it begins ({b}-{e})", cols[2]),
            ));
        }
        if !sentence_placed {
            // First token of a sentence: the sentence text starts at its BEGIN.
            if b < text_u16 {
                return Err(err(
                    n,
                    format!(
                        "token offset {b} goes back before the end of the previous sentence ({text_u16})"
                    ),
                ));
            }
            let pad = b - text_u16;
            text.extend(std::iter::repeat_n(' ', pad));
            let s = sentence_lines.join("\n");
            text_u16 = b + s.encode_utf16().count();
            text.push_str(&s);
            sentence_placed = true;
        }
        if e > text_u16 {
            return Err(err(
                n,
                format!(
                    "token {:?} at {b}-{e} is past the end of its #Text ({text_u16} UTF-16 units)",
                    cols[2]
                ),
            ));
        }
        let expected_cols: usize = layers
            .iter()
            .map(|l| l.features.len().max(1) + usize::from(l.relation))
            .sum();
        let fields: Vec<String> = cols[3..]
            .iter()
            .map(|s| s.to_string())
            .filter(|_| true)
            .collect();
        let fields: Vec<String> = if fields.last().is_some_and(|f| f.is_empty()) {
            fields[..fields.len() - 1].to_vec()
        } else {
            fields
        };
        if fields.len() != expected_cols {
            return Err(err(
                n,
                format!(
                    "{} annotation columns, but the header declares {expected_cols}",
                    fields.len()
                ),
            ));
        }
        rows.push(Row {
            line: n,
            id: cols[0].to_string(),
            begin: b,
            end: e,
            fields,
        });
    }
    let index = crate::text::TextIndex::new(&text);
    let cp = |u: usize, line: usize| {
        index.char_from_utf16(u).map_err(|_| {
            err(
                line,
                format!(
                    "offset {u} falls inside a surrogate pair; WebAnno offsets are UTF-16 units"
                ),
            )
        })
    };
    // Spans: group values by (column, disambiguation id) or single rows.
    let mut spans: Vec<RawSpan> = Vec::new();
    let mut by_disambig: HashMap<(usize, u64), usize> = HashMap::new();
    let mut first_row_spans: HashMap<String, Vec<(usize, Option<u64>)>> = HashMap::new();
    let mut relations = Vec::new();
    let mut col = 0usize;
    for layer in &layers {
        let width = layer.features.len().max(1);
        if layer.relation {
            let label_col = layer
                .features
                .iter()
                .position(|f| f == "label" || f == "value")
                .unwrap_or(0);
            for row in &rows {
                let labels = split_stack(&row.fields[col + label_col]);
                let sources = split_stack(&row.fields[col + width]);
                if row.fields[col + width] == "_" {
                    continue;
                }
                for (k, src) in sources.iter().enumerate() {
                    let (src_tok, ids) = match src.split_once('[') {
                        Some((t, rest)) => (
                            t.to_string(),
                            rest.trim_end_matches(']').split_once('_').map(|(a, b)| {
                                (a.parse::<u64>().unwrap_or(0), b.parse::<u64>().unwrap_or(0))
                            }),
                        ),
                        None => (src.clone(), None),
                    };
                    let pick = |tok: &str, id: u64| -> String {
                        let at = first_row_spans.get(tok).cloned().unwrap_or_default();
                        at.iter()
                            .find(|(_, d)| id == 0 || *d == Some(id))
                            .map(|(k, _)| spans[*k].key.clone())
                            .unwrap_or_default()
                    };
                    let (ds, dt) = ids.unwrap_or((0, 0));
                    let label = labels
                        .get(k)
                        .map(|l| unescape_value(l))
                        .filter(|l| l != "_" && l != "*")
                        .unwrap_or_default();
                    relations.push(RawRelation {
                        key: format!("{}:{k}", row.id),
                        label,
                        from: pick(&src_tok, ds),
                        to: pick(&row.id, dt),
                        line: row.line,
                    });
                }
            }
        } else {
            let value_col = layer
                .features
                .iter()
                .position(|f| f == "value")
                .unwrap_or(0);
            let ident_col = layer.features.iter().position(|f| f == "identifier");
            let short = layer
                .name
                .rsplit('.')
                .next()
                .unwrap_or(&layer.name)
                .to_string();
            for row in &rows {
                let values = split_stack(&row.fields[col + value_col]);
                let idents = ident_col.map(|c| split_stack(&row.fields[col + c]));
                for (k, v) in values.iter().enumerate() {
                    if v == "_" {
                        continue;
                    }
                    let (v, d) = split_disambig(v);
                    let label = if v == "*" || v.is_empty() {
                        short.clone()
                    } else {
                        unescape_value(&v)
                    };
                    let begin = cp(row.begin, row.line)?;
                    let end = cp(row.end, row.line)?;
                    let existing = d.and_then(|d| by_disambig.get(&(col, d)).copied());
                    match existing {
                        Some(at) => spans[at].fragments[0].1 = end,
                        None => {
                            let mut raw = RawSpan {
                                key: format!("{}#{}", row.id, spans.len()),
                                fragments: vec![(begin, end)],
                                label,
                                line: row.line,
                                ..Default::default()
                            };
                            if let Some(ident) = idents.as_ref().and_then(|i| i.get(k)) {
                                let (ident, _) = split_disambig(ident);
                                let ident = unescape_value(&ident);
                                if ident != "*" && ident != "_" && !ident.is_empty() {
                                    let (db, id) = ident.split_once(':').map_or(
                                        ("identifier".to_string(), ident.clone()),
                                        |(a, b)| (a.to_string(), b.to_string()),
                                    );
                                    raw.normalizations
                                        .push(Normalization { db, id, name: None });
                                }
                            }
                            if let Some(d) = d {
                                by_disambig.insert((col, d), spans.len());
                            }
                            first_row_spans
                                .entry(row.id.clone())
                                .or_default()
                                .push((spans.len(), d));
                            spans.push(raw);
                        }
                    }
                }
            }
        }
        col += width + usize::from(layer.relation);
    }
    super::build_record(
        name,
        None,
        text,
        spans,
        relations,
        Origin {
            path: file.to_path_buf(),
            line: 0,
        },
        options,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_round_trips() {
        for s in [
            "works_for",
            "a|b",
            "x->y",
            "[1]",
            "back\\slash",
            "t\tn\n",
            "star*;",
        ] {
            assert_eq!(unescape_value(&escape_value(s)), s, "{s}");
        }
        assert_eq!(escape_value("works_for"), "works\\_for");
        assert_eq!(split_disambig("PER[3]"), ("PER".into(), Some(3)));
        assert_eq!(split_disambig("a\\[3]"), ("a\\[3]".into(), None));
    }

    #[test]
    fn reads_the_spec_example() {
        let tsv = "#FORMAT=WebAnno TSV 3.3\n#T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|identifier|value\n#T_RL=webanno.custom.Rel|label|BT_de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity\n\n\n#Text=Amal Haddad joined Nordlicht 😀 .\n1-1\t0-4\tAmal\t*[1]\tPER[1]\t_\t_\t\n1-2\t5-11\tHaddad\t*[1]\tPER[1]\t_\t_\t\n1-3\t12-18\tjoined\t_\t_\t_\t_\t\n1-4\t19-28\tNordlicht\t*\tORG\tworks\\_for\t1-1[1_0]\t\n1-5\t29-31\t😀\t_\t_\t_\t_\t\n1-6\t32-33\t.\t_\t_\t_\t_\t\n";
        let r = parse(tsv, Path::new("x.tsv"), "x", &ReadOptions::default()).unwrap();
        assert_eq!(r.doc.text(), "Amal Haddad joined Nordlicht 😀 .");
        let spans: Vec<(usize, usize, String)> = r
            .set
            .iter()
            .map(|s| (s.range.start(), s.range.end(), s.label.to_string()))
            .collect();
        assert_eq!(spans, vec![(0, 11, "PER".into()), (19, 28, "ORG".into())]);
        assert_eq!(r.set.relations().len(), 1);
        assert_eq!(&*r.set.relations()[0].label, "works_for");
    }
}
