//! brat standoff: `NAME.txt` + `NAME.ann` per document, in a folder with
//! `annotation.conf` and `visual.conf`.
//!
//! Wire format (brat's server, `annotation.py`): the `.txt` is read byte-exact (no
//! newline translation: CRLF counts 2); offsets are **code points**, end exclusive.
//! `.ann` lines are `ID<TAB>DATA[<TAB>TAIL]`:
//!
//! - `T3<TAB>ORG 10 22<TAB>Nordlicht AG` — a span; discontinuous: `ORG 0 5;9 12`, TAIL
//!   the fragment texts joined by one space. A span over a line break is written as
//!   fragments around it (TAIL cannot hold a newline).
//! - `R1<TAB>works_for Arg1:T1 Arg2:T3` — a directed relation.
//! - `A1<TAB>Negated T3` (flag) / `A2<TAB>Confidence T3 High` (value); `M` is the old name.
//! - `N1<TAB>Reference T3 Wikidata:Q42<TAB>Douglas Adams` — a normalization.
//! - `#1<TAB>AnnotatorNotes T3<TAB>free text` — a note.
//!
//! Events (`E`) and equivalences (`*`) are reported and skipped on import. brat has no
//! escaping: tabs and line breaks in notes are written as spaces, and label names with
//! spaces, `:` or `;` get `_` instead.

use super::{
    Deferred, FormatError, Origin, RawRelation, RawSpan, ReadOptions, Record, Warning,
    describe_span,
};
use crate::model::{Document, Normalization};

use crate::text::{CharSpan, is_line_break};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Read a folder (recursively) of `.txt`/`.ann` pairs, or one `.txt` or `.ann` file.
/// Pairs are found here and read and parsed when the [`Deferred`] is (on any thread).
pub fn read(path: &Path, options: &Arc<ReadOptions>) -> Box<dyn Iterator<Item = Deferred>> {
    let root = path.to_path_buf();
    let (txts, mut skipped): (Vec<PathBuf>, _) = if path.is_file() {
        (vec![path.with_extension("txt")], Vec::new())
    } else {
        super::input_files(path, &["txt"])
    };
    // .ann files without a .txt are reported, not skipped silently.
    let orphans: Vec<PathBuf> = if path.is_dir() {
        let (anns, _) = super::input_files(path, &["ann"]);
        anns.into_iter()
            .filter(|a| !a.with_extension("txt").exists())
            .collect()
    } else {
        Vec::new()
    };
    if !path.is_file() && !path.is_dir() && skipped.is_empty() {
        skipped.push(FormatError::new(path, 0, "does not exist; check the path"));
    }
    let options = Arc::clone(options);
    let root: Arc<Path> = root.into();
    let docs = txts.into_iter().map(move |txt| {
        let (root, options) = (Arc::clone(&root), Arc::clone(&options));
        let at = txt.clone();
        Deferred::new(0, move || read_pair(&root, &txt, &options)).at(&at, 0)
    });
    let orphans = orphans.into_iter().map(|ann| {
        Deferred::ready(Err(FormatError::new(
            &ann,
            0,
            "has no .txt beside it; brat pairs NAME.ann with NAME.txt",
        )))
    });
    let skipped = skipped.into_iter().map(|e| Deferred::ready(Err(e)));
    Box::new(skipped.chain(docs).chain(orphans))
}

fn read_pair(root: &Path, txt: &Path, options: &ReadOptions) -> Result<Record, FormatError> {
    let bytes = super::read_input(txt)?;
    let name = super::txt::name_of(root, txt);
    // Decoded once here; the record's document is built from this text.
    let (text, had_bom) = crate::model::decode_text(bytes)
        .map_err(|e| FormatError::new(txt, super::txt::text_error_line(&e), e.to_string()))?;
    let ann_path = txt.with_extension("ann");
    let ann = match std::fs::read(&ann_path) {
        Ok(b) => String::from_utf8(b).map_err(|e| {
            FormatError::new(
                &ann_path,
                0,
                format!("is not valid UTF-8 (byte {})", e.utf8_error().valid_up_to()),
            )
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(FormatError::new(&ann_path, 0, format!("cannot read: {e}"))),
    };
    let mut warnings = Vec::new();
    // brat counts a BOM as a character; our text starts after it.
    let shift = usize::from(had_bom);
    if had_bom {
        warnings.push(Warning {
            doc: name.clone(),
            item: "byte-order mark".into(),
            reason:
                "brat counts it as a character; offsets were shifted by one to the text after it"
                    .into(),
        });
    }
    let (spans, relations, more) = parse_ann(&ann, &ann_path, &name, shift)?;
    warnings.extend(more);
    let mut rec = super::build_record(
        &name,
        None,
        text,
        spans,
        relations,
        Origin {
            path: ann_path,
            line: 0,
        },
        options,
    )?;
    rec.warnings.extend(warnings);
    Ok(rec)
}

type Parsed = (Vec<RawSpan>, Vec<RawRelation>, Vec<Warning>);

/// Parse `.ann` text. Every malformed line is an error naming its line.
pub fn parse_ann(
    ann: &str,
    path: &Path,
    doc_name: &str,
    shift: usize,
) -> Result<Parsed, FormatError> {
    let mut spans: Vec<RawSpan> = Vec::new();
    let mut relations = Vec::new();
    let mut warnings = Vec::new();
    let mut by_key: rustc_hash::FxHashMap<&str, usize> = Default::default();
    let mut ids: rustc_hash::FxHashSet<&str> = Default::default();
    // Attribute, normalization and note lines may come before their span: apply later.
    let mut pending: Vec<(usize, char, Vec<String>, Option<String>)> = Vec::new();
    for (i, raw_line) in ann.split('\n').enumerate() {
        let n = i + 1;
        let line = raw_line.strip_suffix('\r').unwrap_or(raw_line);
        if line.trim().is_empty() {
            continue;
        }
        let err = |m: String| FormatError::new(path, n, m);
        let mut parts = line.splitn(3, '\t');
        let id = parts.next().unwrap_or("");
        let data = parts.next().ok_or_else(|| {
            err(format!(
                "no TAB after the id {id:?}; brat lines are ID<TAB>DATA[<TAB>TEXT]"
            ))
        })?;
        let tail = parts.next();
        if id.contains(char::is_whitespace) {
            return Err(err(format!(
                "{id:?} is not a brat id: brat lines are ID<TAB>DATA[<TAB>TEXT] with a TAB, not a space, after the id"
            )));
        }
        let kind = id.chars().next().unwrap_or(' ');
        let valid_id = id == "*"
            || (matches!(kind, 'T' | 'R' | 'E' | 'A' | 'M' | 'N' | '#')
                && id[kind.len_utf8()..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_digit()));
        if !valid_id {
            return Err(err(format!(
                "{id:?} is not a brat id (T1, R1, E1, A1, M1, N1, #1 or *)"
            )));
        }
        if id != "*" && !ids.insert(id) {
            return Err(err(format!("id {id} is used twice")));
        }
        // Split into fields only for the (rarer) lines that need them.
        let fields = || -> Vec<String> { data.split(' ').map(str::to_string).collect() };
        match kind {
            'T' => {
                let (label, offsets) = data.split_once(' ').ok_or_else(|| {
                    err(format!(
                        "T line data must be 'TYPE START END[;START END]', got {data:?}"
                    ))
                })?;
                let mut fragments = Vec::new();
                for frag in offsets.split(';') {
                    let (s, e) = frag
                        .split_once(' ')
                        .and_then(|(s, e)| Some((s.parse::<usize>().ok()?, e.parse::<usize>().ok()?)))
                        .ok_or_else(|| err(format!("bad offsets {frag:?} in {id}; expected 'START END' with whole numbers")))?;
                    if s < shift || e < shift {
                        return Err(err(format!("{id} starts inside the byte-order mark")));
                    }
                    fragments.push((s - shift, e - shift));
                }
                let text = tail.map(str::to_string);
                by_key.insert(id, spans.len());
                spans.push(RawSpan {
                    key: id.to_string(),
                    fragments,
                    label: label.to_string(),
                    text,
                    line: n,
                    ..Default::default()
                });
            }
            'R' => {
                let fields = fields();
                let args: Vec<&str> = fields.iter().skip(1).map(String::as_str).collect();
                let (Some(a), Some(b), 2) = (args.first(), args.get(1), args.len()) else {
                    return Err(err(format!(
                        "R line data must be 'TYPE Arg1:T1 Arg2:T2', got {data:?}"
                    )));
                };
                let (ra, ta) = a
                    .split_once(':')
                    .ok_or_else(|| err(format!("relation argument {a:?} must be ROLE:ID")))?;
                let (rb, tb) = b
                    .split_once(':')
                    .ok_or_else(|| err(format!("relation argument {b:?} must be ROLE:ID")))?;
                if ra == rb {
                    return Err(err(format!(
                        "the two roles of {id} must differ, both are {ra:?}"
                    )));
                }
                relations.push(RawRelation {
                    key: id.to_string(),
                    label: fields[0].clone(),
                    from: ta.to_string(),
                    to: tb.to_string(),
                    line: n,
                });
            }
            'A' | 'M' | 'N' | '#' => pending.push((n, kind, fields(), tail.map(str::to_string))),
            'E' => warnings.push(Warning {
                doc: doc_name.into(),
                item: format!("event {id} ({data})"),
                reason: "not imported: Entitle keeps entities and relations; the event's trigger span is kept"
                    .into(),
            }),
            _ => warnings.push(Warning {
                doc: doc_name.into(),
                item: format!("equivalence {data}"),
                reason: "not imported: Entitle has no equivalence sets".into(),
            }),
        }
    }
    for (n, kind, fields, tail) in pending {
        let err = |m: String| FormatError::new(path, n, m);
        let target = fields.get(1).cloned().unwrap_or_default();
        let Some(&at) = by_key.get(target.as_str()) else {
            if target.starts_with('E') || target.starts_with('R') {
                warnings.push(Warning {
                    doc: doc_name.into(),
                    item: format!("line {n} on {target}"),
                    reason:
                        "not imported: attributes, notes and normalizations are kept on spans only"
                            .into(),
                });
                continue;
            }
            return Err(err(format!(
                "refers to {target:?}, which is not a T line of this file"
            )));
        };
        let span = &mut spans[at];
        match kind {
            'A' | 'M' => {
                if !(2..=3).contains(&fields.len()) {
                    return Err(err(format!(
                        "attribute data must be 'NAME ID [VALUE]', got {:?}",
                        fields.join(" ")
                    )));
                }
                let value = fields.get(2).cloned().unwrap_or_else(|| "true".into());
                span.attributes.push((fields[0].clone(), value));
            }
            'N' => {
                let (db, id) = fields
                    .get(2)
                    .and_then(|r| r.split_once(':'))
                    .ok_or_else(|| {
                        err(format!(
                            "normalization data must be 'TYPE ID DB:ENTRY', got {:?}",
                            fields.join(" ")
                        ))
                    })?;
                span.normalizations.push(Normalization {
                    db: db.into(),
                    id: id.into(),
                    name: tail.filter(|t| !t.is_empty()),
                });
            }
            _ => {
                if fields.len() != 2 {
                    return Err(err(format!(
                        "note data must be 'AnnotatorNotes ID', got {:?}",
                        fields.join(" ")
                    )));
                }
                let note = tail.unwrap_or_default();
                span.note = Some(match span.note.take() {
                    Some(prev) => format!("{prev}\n{note}"),
                    None => note,
                });
            }
        }
    }
    Ok((spans, relations, warnings))
}

/// brat type names cannot hold spaces, `:` or `;`.
fn brat_type(label: &str) -> String {
    label
        .chars()
        .map(|c| {
            if c.is_whitespace() || matches!(c, ':' | ';') {
                '_'
            } else {
                c
            }
        })
        .collect()
}

fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c == '\t' || is_line_break(c) {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// Split fragments around line breaks and tabs (an `.ann` line cannot hold them).
fn brat_fragments(doc: &Document, frags: &[CharSpan]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for f in frags {
        let mut start = f.start();
        for (k, c) in doc.slice(f.range()).chars().enumerate() {
            let at = f.start() + k;
            if is_line_break(c) || c == '\t' {
                if at > start {
                    out.push((start, at));
                }
                start = at + 1;
            }
        }
        if f.end() > start {
            out.push((start, f.end()));
        }
    }
    // Keep fragments strictly apart: brat's reader treats touching fragments as overlap.
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in out {
        match merged.last_mut() {
            Some(last) if last.1 >= s => last.1 = e.max(last.1),
            _ => merged.push((s, e)),
        }
    }
    merged
}

/// The `.ann` text of a record, and warnings for what brat cannot hold.
pub fn encode(rec: &Record) -> (String, Vec<Warning>) {
    let mut out = String::new();
    let mut warnings = Vec::new();
    let mut tid = HashMap::new();
    let (mut a, mut n, mut note) = (0, 0, 0);
    for (i, s) in rec.set.iter().enumerate() {
        let t = i + 1;
        tid.insert(s.id, t);
        let frags = brat_fragments(&rec.doc, &s.fragments());
        if frags.is_empty() {
            warnings.push(Warning {
                doc: rec.name.clone(),
                item: describe_span(rec, s),
                reason: "dropped: it covers only line breaks or tabs, which brat cannot store"
                    .into(),
            });
            continue;
        }
        let ty = brat_type(&s.label);
        if ty != *s.label {
            warnings.push(Warning {
                doc: rec.name.clone(),
                item: format!("label {:?} of {}", s.label, describe_span(rec, s)),
                reason: format!("brat types cannot contain spaces, ':' or ';'; written as {ty:?}"),
            });
        }
        let offsets: Vec<String> = frags.iter().map(|(a, b)| format!("{a} {b}")).collect();
        let text: Vec<&str> = frags.iter().map(|&(a, b)| rec.doc.slice(a..b)).collect();
        let _ = writeln!(out, "T{t}\t{ty} {}\t{}", offsets.join(";"), text.join(" "));
        for (k, v) in s.attributes() {
            a += 1;
            let k = brat_type(k);
            if v == "true" {
                let _ = writeln!(out, "A{a}\t{k} T{t}");
            } else {
                let _ = writeln!(out, "A{a}\t{k} T{t} {}", brat_type(v));
            }
        }
        for norm in s.normalizations() {
            n += 1;
            let _ = writeln!(
                out,
                "N{n}\tReference T{t} {}:{}\t{}",
                brat_type(&norm.db),
                brat_type(&norm.id),
                one_line(norm.name.as_deref().unwrap_or(""))
            );
        }
        if let Some(text) = s.note() {
            note += 1;
            let _ = writeln!(out, "#{note}\tAnnotatorNotes T{t}\t{}", one_line(text));
        }
    }
    for (i, r) in rec.set.relations().iter().enumerate() {
        if let (Some(x), Some(y)) = (tid.get(&r.from), tid.get(&r.to)) {
            let _ = writeln!(
                out,
                "R{}\t{} Arg1:T{x} Arg2:T{y}",
                i + 1,
                brat_type(&r.label)
            );
        }
    }
    (out, warnings)
}

/// `annotation.conf` and `visual.conf` for the labels, relation types and attributes used
/// (and the project's labels with their colours), so brat opens the collection cleanly.
pub fn configs(
    labels: &BTreeSet<String>,
    relations: &BTreeSet<String>,
    attributes: &BTreeMap<String, BTreeSet<String>>,
    colors: &BTreeMap<String, String>,
) -> (String, String) {
    let mut conf = String::from("# Written by Entitle.\n[entities]\n");
    for l in labels {
        let _ = writeln!(conf, "{}", brat_type(l));
    }
    conf.push_str("\n[relations]\n");
    for r in relations {
        let _ = writeln!(conf, "{}\tArg1:<ENTITY>, Arg2:<ENTITY>", brat_type(r));
    }
    conf.push_str("<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n");
    conf.push_str("\n[events]\n\n[attributes]\n");
    for (name, values) in attributes {
        let values: Vec<String> = values
            .iter()
            .filter(|v| *v != "true")
            .map(|v| brat_type(v))
            .collect();
        if values.is_empty() {
            let _ = writeln!(conf, "{}\tArg:<ENTITY>", brat_type(name));
        } else {
            let _ = writeln!(
                conf,
                "{}\tArg:<ENTITY>, Value:{}",
                brat_type(name),
                values.join("|")
            );
        }
    }
    let mut visual = String::from("# Written by Entitle.\n[labels]\n");
    for l in labels {
        let _ = writeln!(visual, "{0} | {0}", brat_type(l));
    }
    visual.push_str("\n[drawing]\n");
    for l in labels {
        if let Some(c) = colors.get(l) {
            let _ = writeln!(visual, "{}\tbgColor:{c}", brat_type(l));
        }
    }
    (conf, visual)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_kind_of_line_from_the_spec_example() {
        let ann = "T1\tPerson 4 15\tAmal Haddad\nT2\tOrganization 21 33\tNordlicht AG\nT3\tLocation 44 48\tOslo\nT4\tMeeting 16 19;52 58\tmet Friday\nR1\tLocated_in Arg1:T2 Arg2:T3\nE1\tMeeting:T4 Participant:T1\nA1\tUncertain T3\nA2\tConfidence T1 High\nN1\tReference T3 GeoNames:3143244\tOslo\n#1\tAnnotatorNotes T2\tname is in curly quotes\n*\tEquiv T1 T1\n";
        let (spans, rels, warnings) = parse_ann(ann, Path::new("x.ann"), "x", 0).unwrap();
        assert_eq!(spans.len(), 4);
        assert_eq!(spans[3].fragments, vec![(16, 19), (52, 58)]);
        assert_eq!(
            spans[2].attributes,
            vec![("Uncertain".to_string(), "true".to_string())]
        );
        assert_eq!(
            spans[0].attributes,
            vec![("Confidence".to_string(), "High".to_string())]
        );
        assert_eq!(spans[2].normalizations[0].id, "3143244");
        assert_eq!(spans[1].note.as_deref(), Some("name is in curly quotes"));
        assert_eq!(rels.len(), 1);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
    }
}
