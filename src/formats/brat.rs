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
//! - `#1<TAB>AnnotatorNotes T3<TAB>free text` — a note (the span's note); a note of
//!   another type (`#2<TAB>Comment T3<TAB>…`) is kept with its type
//!   ([`crate::model::SpanExtra::typed_notes`]) and written back as it was. Several notes
//!   of one type on one span are joined by line breaks, and written one `#` line per
//!   line, so the round trip is exact.
//!
//! Entitle has no events or equivalence sets. An event (`E1<TAB>Merge:T5 Org:T2`) keeps
//! its trigger span (a `T` line like any other) and is a warning naming the arguments
//! that are not imported; attributes, notes and normalizations *on an event* go to its
//! trigger span — where brat draws them — with a warning each. An `AnnotatorNotes`
//! note on a relation (`#3<TAB>AnnotatorNotes R1<TAB>…`) is the relation's note (lines
//! joined as for spans); equivalences (`*`) and attributes, normalizations and typed
//! notes on relations are warnings naming each line.
//! brat has no escaping: tabs in notes are written as spaces, and label names with
//! spaces, `:` or `;` get `_` instead.

use super::{
    Deferred, FormatError, Origin, RawRelation, RawSpan, ReadOptions, Record, Warning,
    describe_span,
};
use crate::model::{Document, Normalization};

use crate::text::{CharSpan, is_line_break};
use std::collections::HashMap;
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
    let ann_path = txt.with_extension("ann");
    // No .ann is a document without annotations; anything else there (a link, a FIFO,
    // bad UTF-8) is read, or refused, like any input.
    let ann = if std::fs::symlink_metadata(&ann_path).is_ok() {
        super::read_input_string(&ann_path)?
    } else {
        String::new()
    };
    pair(&super::txt::name_of(root, txt), txt, bytes, &ann, options)
}

/// Parse one brat document from memory: the `.txt` bytes and the `.ann` text. `txt_path`
/// names the document (its stem) and, with `.ann`, the files in messages. The folder
/// reader goes through the same code; fuzzing calls this.
pub fn parse_pair(
    txt_path: &Path,
    text_bytes: &[u8],
    ann: &str,
    options: &ReadOptions,
) -> Result<Record, FormatError> {
    let name = super::txt::name_of(txt_path.parent().unwrap_or(Path::new("")), txt_path);
    pair(&name, txt_path, text_bytes.to_vec(), ann, options)
}

fn pair(
    name: &str,
    txt: &Path,
    bytes: Vec<u8>,
    ann: &str,
    options: &ReadOptions,
) -> Result<Record, FormatError> {
    // Decoded once here; the record's document is built from this text.
    let (text, had_bom) = crate::model::decode_text(bytes)
        .map_err(|e| FormatError::new(txt, super::txt::text_error_line(&e), e.to_string()))?;
    let ann_path = txt.with_extension("ann");
    let mut warnings = Vec::new();
    // brat counts a BOM as a character; our text starts after it.
    let shift = usize::from(had_bom);
    if had_bom {
        warnings.push(Warning {
            doc: name.to_string(),
            item: "byte-order mark".into(),
            reason:
                "brat counts it as a character; offsets were shifted by one to the text after it"
                    .into(),
        });
    }
    let (spans, relations, more) = parse_ann(ann, &ann_path, name, shift)?;
    warnings.extend(more);
    let mut rec = super::build_record(
        name,
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

/// One `.ann` line, split: `ID<TAB>DATA[<TAB>TAIL]`.
struct Line<'a> {
    n: usize,
    id: &'a str,
    kind: char,
    data: &'a str,
    tail: Option<&'a str>,
}

/// Split and check one line; `None` for a blank line.
fn split_line<'a>(raw: &'a str, n: usize, path: &Path) -> Result<Option<Line<'a>>, FormatError> {
    let line = raw.strip_suffix('\r').unwrap_or(raw);
    if line.trim().is_empty() {
        return Ok(None);
    }
    let err = |m: String| FormatError::new(path, n, m);
    let mut parts = line.splitn(3, '\t');
    let id = parts.next().unwrap_or("");
    let data = parts.next().ok_or_else(|| {
        err(format!(
            "no TAB after the id {id:?}; brat lines are ID<TAB>DATA[<TAB>TEXT]"
        ))
    })?;
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
    Ok(Some(Line {
        n,
        id,
        kind,
        data,
        tail: parts.next(),
    }))
}

/// A `T` line: a span (fragments in code points, moved back by `shift` for a BOM).
fn span_line(l: &Line<'_>, path: &Path, shift: usize) -> Result<RawSpan, FormatError> {
    let err = |m: String| FormatError::new(path, l.n, m);
    let (label, offsets) = l.data.split_once(' ').ok_or_else(|| {
        err(format!(
            "T line data must be 'TYPE START END[;START END]', got {:?}",
            l.data
        ))
    })?;
    let mut fragments = Vec::new();
    for frag in offsets.split(';') {
        let (s, e) = frag
            .split_once(' ')
            .and_then(|(s, e)| Some((s.parse::<usize>().ok()?, e.parse::<usize>().ok()?)))
            .ok_or_else(|| {
                err(format!(
                    "bad offsets {frag:?} in {}; expected 'START END' with whole numbers",
                    l.id
                ))
            })?;
        if s < shift || e < shift {
            return Err(err(format!("{} starts inside the byte-order mark", l.id)));
        }
        fragments.push((s - shift, e - shift));
    }
    Ok(RawSpan {
        key: l.id.to_string(),
        fragments,
        label: label.to_string(),
        text: l.tail.map(str::to_string),
        line: l.n,
        ..Default::default()
    })
}

/// An `R` line: a directed relation.
fn relation_line(l: &Line<'_>, path: &Path) -> Result<RawRelation, FormatError> {
    let err = |m: String| FormatError::new(path, l.n, m);
    let fields: Vec<&str> = l.data.split(' ').collect();
    let (Some(ty), Some(a), Some(b), 3) =
        (fields.first(), fields.get(1), fields.get(2), fields.len())
    else {
        return Err(err(format!(
            "R line data must be 'TYPE Arg1:T1 Arg2:T2', got {:?}",
            l.data
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
            "the two roles of {} must differ, both are {ra:?}",
            l.id
        )));
    }
    Ok(RawRelation {
        key: l.id.to_string(),
        label: ty.to_string(),
        from: ta.to_string(),
        to: tb.to_string(),
        line: l.n,
        note: None,
    })
}

/// An `E` line: `TYPE:TRIGGER [ROLE:ID ...]`. Entitle has no events: the trigger span
/// is kept (it is a `T` line of its own), the event itself is a warning naming what is
/// not imported.
struct Event {
    n: usize,
    id: String,
    data: String,
    trigger: String,
    args: Vec<String>,
}

fn event_line(l: &Line<'_>, path: &Path) -> Result<Event, FormatError> {
    let mut fields = l.data.split(' ').filter(|f| !f.is_empty());
    let (_, trigger) = fields
        .next()
        .and_then(|f| f.split_once(':'))
        .filter(|(ty, t)| !ty.is_empty() && !t.is_empty())
        .ok_or_else(|| {
            FormatError::new(
                path,
                l.n,
                format!(
                    "E line data must be 'TYPE:TRIGGER [ROLE:ID ...]', got {:?}",
                    l.data
                ),
            )
        })?;
    Ok(Event {
        n: l.n,
        id: l.id.to_string(),
        data: l.data.to_string(),
        trigger: trigger.to_string(),
        args: fields.map(str::to_string).collect(),
    })
}

/// An `A`/`M`/`N`/`#` line, applied to its target once every line is read.
struct Pending {
    n: usize,
    id: String,
    kind: char,
    fields: Vec<String>,
    tail: Option<String>,
}

/// Parse `.ann` text. Every malformed line is an error naming its line; what Entitle
/// cannot hold (events, equivalences, attributes and typed notes on relations) is a
/// warning naming it; attributes, notes and normalizations on an event go to its trigger span
/// (where brat draws them), with a warning.
pub fn parse_ann(
    ann: &str,
    path: &Path,
    doc_name: &str,
    shift: usize,
) -> Result<Parsed, FormatError> {
    let mut spans: Vec<RawSpan> = Vec::new();
    let mut relations = Vec::new();
    let mut events = Vec::new();
    let mut warnings = Vec::new();
    let mut ids: rustc_hash::FxHashSet<&str> = Default::default();
    // Attribute, normalization and note lines may come before their span: apply later.
    let mut pending: Vec<Pending> = Vec::new();
    for (i, raw_line) in ann.split('\n').enumerate() {
        let Some(l) = split_line(raw_line, i + 1, path)? else {
            continue;
        };
        if l.id != "*" && !ids.insert(l.id) {
            return Err(FormatError::new(
                path,
                l.n,
                format!("id {} is used twice", l.id),
            ));
        }
        match l.kind {
            'T' => spans.push(span_line(&l, path, shift)?),
            'R' => relations.push(relation_line(&l, path)?),
            'E' => events.push(event_line(&l, path)?),
            'A' | 'M' | 'N' | '#' => pending.push(Pending {
                n: l.n,
                id: l.id.to_string(),
                kind: l.kind,
                fields: l.data.split(' ').map(str::to_string).collect(),
                tail: l.tail.map(str::to_string),
            }),
            _ => warnings.push(Warning {
                doc: doc_name.into(),
                item: format!("equivalence (line {}) {}", l.n, l.data),
                reason: "not imported: Entitle has no equivalence sets".into(),
            }),
        }
    }
    let by_key: rustc_hash::FxHashMap<String, usize> = spans
        .iter()
        .enumerate()
        .map(|(i, s)| (s.key.clone(), i))
        .collect();
    let mut triggers: rustc_hash::FxHashMap<String, usize> = Default::default();
    for e in events {
        let Some(&at) = by_key.get(&e.trigger) else {
            return Err(FormatError::new(
                path,
                e.n,
                format!(
                    "event {} has trigger {:?}, which is not a T line of this file",
                    e.id, e.trigger
                ),
            ));
        };
        warnings.push(event_warning(&e, doc_name));
        triggers.insert(e.id, at);
    }
    let relation_at: rustc_hash::FxHashMap<String, usize> = relations
        .iter()
        .enumerate()
        .map(|(i, r)| (r.key.clone(), i))
        .collect();
    for p in pending {
        let targets = Targets {
            spans: &by_key,
            triggers: &triggers,
            relations: &relation_at,
        };
        apply(
            p,
            (&mut spans, &mut relations),
            &targets,
            path,
            doc_name,
            &mut warnings,
        )?;
    }
    Ok((spans, relations, warnings))
}

fn event_warning(e: &Event, doc_name: &str) -> Warning {
    let args = if e.args.is_empty() {
        " (the event has no arguments)".to_string()
    } else {
        format!("; its arguments {} are not", e.args.join(", "))
    };
    Warning {
        doc: doc_name.into(),
        item: format!("event {} {}", e.id, e.data),
        reason: format!(
            "not imported as an event (Entitle has no events): its trigger span {} is kept{args}",
            e.trigger
        ),
    }
}

/// Where the ids an `A`/`N`/`#` line may name are: spans, events (by their trigger
/// span) and relations, each by index.
struct Targets<'a> {
    spans: &'a rustc_hash::FxHashMap<String, usize>,
    triggers: &'a rustc_hash::FxHashMap<String, usize>,
    relations: &'a rustc_hash::FxHashMap<String, usize>,
}

/// Apply one attribute, normalization or note to the span it names (or to the trigger
/// span of the event it names); an `AnnotatorNotes` note on a relation is the
/// relation's note.
fn apply(
    p: Pending,
    (spans, relations): (&mut [RawSpan], &mut [RawRelation]),
    targets: &Targets,
    path: &Path,
    doc_name: &str,
    warnings: &mut Vec<Warning>,
) -> Result<(), FormatError> {
    let (by_key, triggers) = (targets.spans, targets.triggers);
    let err = |m: String| FormatError::new(path, p.n, m);
    let target = p.fields.get(1).map(String::as_str).unwrap_or_default();
    let what = match p.kind {
        'A' | 'M' => format!("attribute {} {}", p.id, p.fields.join(" ")),
        'N' => format!("normalization {} {}", p.id, p.fields.join(" ")),
        _ => format!(
            "note {} ({})",
            p.id,
            p.fields.first().map_or("", String::as_str)
        ),
    };
    let at = if let Some(&at) = by_key.get(target) {
        at
    } else if let Some(&at) = triggers.get(target) {
        let trigger = spans.get(at).map_or("", |s| s.key.as_str());
        warnings.push(Warning {
            doc: doc_name.into(),
            item: format!("{what} on event {target}"),
            reason: format!(
                "kept on the event's trigger span {trigger} (Entitle has no events; brat shows it there)"
            ),
        });
        at
    } else if let Some(&at) = targets.relations.get(target) {
        let note_type = p.fields.first().map(String::as_str);
        if p.kind == '#' && p.fields.len() == 2 && note_type == Some(NOTE_TYPE) {
            if let Some(r) = relations.get_mut(at) {
                let text = p.tail.unwrap_or_default();
                match &mut r.note {
                    Some(prev) => {
                        prev.push('\n');
                        prev.push_str(&text);
                    }
                    None => r.note = Some(text),
                }
            }
            return Ok(());
        }
        warnings.push(Warning {
            doc: doc_name.into(),
            item: format!("{what} on relation {target}"),
            reason: "not imported: Entitle keeps attributes, normalizations and typed notes on spans only (a relation keeps its AnnotatorNotes)".into(),
        });
        return Ok(());
    } else {
        return Err(err(format!(
            "refers to {target:?}, which is not a T line of this file"
        )));
    };
    let Some(span) = spans.get_mut(at) else {
        return Ok(());
    };
    match p.kind {
        'A' | 'M' => {
            if !(2..=3).contains(&p.fields.len()) {
                return Err(err(format!(
                    "attribute data must be 'NAME ID [VALUE]', got {:?}",
                    p.fields.join(" ")
                )));
            }
            let value = p.fields.get(2).cloned().unwrap_or_else(|| "true".into());
            span.attributes.push((p.fields[0].clone(), value));
        }
        'N' => {
            let (db, id) = p
                .fields
                .get(2)
                .and_then(|r| r.split_once(':'))
                .ok_or_else(|| {
                    err(format!(
                        "normalization data must be 'TYPE ID DB:ENTRY', got {:?}",
                        p.fields.join(" ")
                    ))
                })?;
            span.normalizations.push(Normalization {
                db: db.into(),
                id: id.into(),
                name: p.tail.filter(|t| !t.is_empty()),
            });
        }
        _ => {
            if p.fields.len() != 2 {
                return Err(err(format!(
                    "note data must be 'TYPE ID' (e.g. AnnotatorNotes T1), got {:?}",
                    p.fields.join(" ")
                )));
            }
            add_note(span, &p.fields[0], p.tail.unwrap_or_default());
        }
    }
    Ok(())
}

/// Notes of one type on one span are joined by line breaks (and written back one
/// `#` line per line, so the round trip is exact).
fn add_note(span: &mut RawSpan, ty: &str, text: String) {
    let join = |prev: &mut String, text: String| {
        prev.push('\n');
        prev.push_str(&text);
    };
    if ty == NOTE_TYPE {
        match &mut span.note {
            Some(prev) => join(prev, text),
            None => span.note = Some(text),
        }
    } else {
        match span.typed_notes.iter_mut().find(|(t, _)| t == ty) {
            Some((_, prev)) => join(prev, text),
            None => span.typed_notes.push((ty.to_string(), text)),
        }
    }
}

/// The note type of brat's note box.
const NOTE_TYPE: &str = "AnnotatorNotes";

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

/// The lines of a note, one `#` line each (brat's tail cannot hold a line break; a
/// reader joins the notes of one type on one span with line breaks again). Tabs become
/// spaces.
fn note_lines(text: &str) -> Vec<String> {
    let text = text.replace("\r\n", "\n");
    text.split(is_line_break)
        .map(|l| l.replace('\t', " "))
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
            let (name, value) = (brat_type(k), brat_type(v));
            if name != *k || value != *v {
                warnings.push(Warning {
                    doc: rec.name.clone(),
                    item: format!("attribute {k}={v:?} of {}", describe_span(rec, s)),
                    reason: format!(
                        "brat attribute names and values cannot contain spaces, ':' or ';'; written as {name}={value:?}"
                    ),
                });
            }
            if v == crate::model::FLAG_VALUE {
                let _ = writeln!(out, "A{a}\t{name} T{t}");
            } else {
                let _ = writeln!(out, "A{a}\t{name} T{t} {value}");
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
        let notes = s.note().map(|n| (NOTE_TYPE, n)).into_iter();
        let typed = s
            .typed_notes()
            .iter()
            .map(|(ty, n)| (ty.as_str(), n.as_str()));
        for (ty, text) in notes.chain(typed) {
            for line in note_lines(text) {
                note += 1;
                let _ = writeln!(out, "#{note}\t{} T{t}\t{line}", brat_type(ty));
            }
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
            for line in r.note.as_deref().map(note_lines).unwrap_or_default() {
                note += 1;
                let _ = writeln!(out, "#{note}\t{NOTE_TYPE} R{}\t{line}", i + 1);
            }
        } else {
            warnings.push(Warning {
                doc: rec.name.clone(),
                item: format!("relation {} {}", r.id, r.label),
                reason: "dropped: one of its spans was dropped".into(),
            });
        }
    }
    (out, warnings)
}

/// brat argument types for a list of labels: `PER|ORG`, or any entity when empty.
fn arg_types(labels: &[crate::model::Label]) -> String {
    if labels.is_empty() {
        return "<ENTITY>".into();
    }
    labels
        .iter()
        .map(|l| brat_type(l))
        .collect::<Vec<_>>()
        .join("|")
}

/// `annotation.conf` and `visual.conf` for a collection: the project schema's labels
/// (with colours), relation types (with the labels their arguments take; a symmetric
/// type gets brat's `<REL-TYPE>:symmetric`) and attributes (with their values and the
/// labels they apply to), then every type only found in the data, so brat opens the
/// collection cleanly.
pub fn configs(used: &super::UsedTypes, schema: Option<&crate::model::Schema>) -> (String, String) {
    use crate::model::AttributeKind;
    let empty = crate::model::Schema::default();
    let schema = schema.unwrap_or(&empty);
    let mut labels = used.labels.clone();
    labels.extend(schema.labels.iter().map(|l| l.name.to_string()));
    let mut conf = String::from("# Written by Entitle.\n[entities]\n");
    for l in &labels {
        let _ = writeln!(conf, "{}", brat_type(l));
    }
    conf.push_str("\n[relations]\n");
    for r in &schema.relations {
        let (from, to) = (arg_types(&r.from), arg_types(&r.to));
        let name = brat_type(&r.name);
        if r.symmetric {
            // brat checks Arg1 against the first list: a symmetric type stored either
            // way round needs both orders when its lists differ.
            let _ = writeln!(conf, "{name}\tArg1:{from}, Arg2:{to}, <REL-TYPE>:symmetric");
            if from != to {
                let _ = writeln!(conf, "{name}\tArg1:{to}, Arg2:{from}, <REL-TYPE>:symmetric");
            }
        } else {
            let _ = writeln!(conf, "{name}\tArg1:{from}, Arg2:{to}");
        }
    }
    for r in used
        .relations
        .iter()
        .filter(|r| schema.relation(r).is_none())
    {
        let _ = writeln!(conf, "{}\tArg1:<ENTITY>, Arg2:<ENTITY>", brat_type(r));
    }
    conf.push_str("<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n");
    conf.push_str("\n[events]\n\n[attributes]\n");
    // Values brat can list (a flag's "true" is brat's binary attribute, no value).
    let listed = |values: Vec<&str>| -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for v in values
            .into_iter()
            .filter(|v| *v != crate::model::FLAG_VALUE)
        {
            let v = brat_type(v);
            if !out.contains(&v) {
                out.push(v);
            }
        }
        out
    };
    let line = |conf: &mut String, name: &str, arg: &str, values: &[String]| {
        if values.is_empty() {
            let _ = writeln!(conf, "{}\tArg:{arg}", brat_type(name));
        } else {
            let _ = writeln!(
                conf,
                "{}\tArg:{arg}, Value:{}",
                brat_type(name),
                values.join("|")
            );
        }
    };
    for a in &schema.attributes {
        let seen: Vec<&str> = used
            .attributes
            .get(a.name.as_str())
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        let arg = arg_types(&a.labels);
        match a.kind {
            AttributeKind::Flag => line(&mut conf, &a.name, &arg, &[]),
            AttributeKind::Choice => {
                // Values in the data but not in the schema too, so brat accepts them.
                let values = listed(a.values.iter().map(String::as_str).chain(seen).collect());
                line(&mut conf, &a.name, &arg, &values);
            }
            AttributeKind::Text => {
                let _ = writeln!(
                    conf,
                    "# {}: free text in Entitle; brat has no free-text attributes, so the values used are listed",
                    brat_type(&a.name)
                );
                let values = listed(seen);
                if !values.is_empty() {
                    line(&mut conf, &a.name, &arg, &values);
                }
            }
        }
    }
    for (name, values) in &used.attributes {
        if schema.attribute(name).is_none() {
            let values = listed(values.iter().map(String::as_str).collect());
            line(&mut conf, name, "<ENTITY>", &values);
        }
    }
    let mut relations: Vec<String> = schema
        .relations
        .iter()
        .map(|r| r.name.to_string())
        .collect();
    relations.extend(
        used.relations
            .iter()
            .filter(|r| schema.relation(r).is_none())
            .cloned(),
    );
    let mut visual = String::from("# Written by Entitle.\n[labels]\n");
    for l in labels.iter().chain(&relations) {
        let _ = writeln!(visual, "{0} | {0}", brat_type(l));
    }
    visual.push_str("\n[drawing]\n");
    for (l, def) in labels.iter().filter_map(|l| Some((l, schema.label(l)?))) {
        let _ = writeln!(visual, "{}\tbgColor:{}", brat_type(l), def.color);
    }
    for r in &schema.relations {
        let _ = writeln!(visual, "{}\tcolor:{}", brat_type(&r.name), r.color);
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

    const TEXT: &str = "“Amal” met 😀 Rami\r\nin دمشق e\u{301}.\n";

    fn pair_of(ann: &str) -> Result<Record, FormatError> {
        parse_pair(
            Path::new("dir/doc.txt"),
            TEXT.as_bytes(),
            ann,
            &ReadOptions::default(),
        )
    }

    #[test]
    fn notes_of_every_type_keep_their_type_through_a_round_trip() {
        let ann = "T1\tPER 1 5\tAmal\n#1\tAnnotatorNotes T1\tfirst\n#2\tComment T1\tcheck spelling\n#3\tAnnotatorNotes T1\tsecond\nT2\tLOC 22 26\tدمشق\n#4\tSource T2\twire\tcopy\n#5\tComment T1\tagain\n";
        let rec = pair_of(ann).unwrap();
        assert_eq!(rec.name, "doc");
        let spans: Vec<_> = rec.set.iter().collect();
        assert_eq!(spans[0].note(), Some("first\nsecond"));
        assert_eq!(
            spans[0].typed_notes(),
            [("Comment".to_string(), "check spelling\nagain".to_string())]
        );
        // The tail is everything after the second TAB.
        assert_eq!(
            spans[1].typed_notes(),
            [("Source".to_string(), "wire\tcopy".to_string())]
        );
        let (written, warnings) = encode(&rec);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(
            written,
            "T1\tPER 1 5\tAmal\n#1\tAnnotatorNotes T1\tfirst\n#2\tAnnotatorNotes T1\tsecond\n#3\tComment T1\tcheck spelling\n#4\tComment T1\tagain\nT2\tLOC 22 26\tدمشق\n#5\tSource T2\twire copy\n"
        );
        let back = pair_of(&written).unwrap();
        let back: Vec<_> = back.set.iter().collect();
        assert_eq!(back[0].note(), spans[0].note());
        assert_eq!(back[0].typed_notes(), spans[0].typed_notes());
        assert_eq!(back[1].typed_notes()[0].0, "Source");
    }

    #[test]
    fn a_relations_annotator_notes_are_its_note_and_go_back_out() {
        let ann = "T1\tPER 1 5\tAmal\nT2\tPER 13 17\tRami\nR1\tSpouse Arg1:T1 Arg2:T2\n#1\tAnnotatorNotes R1\tsaid “twice”\n#2\tAnnotatorNotes R1\tsecond\tline\nR2\tKnows Arg1:T2 Arg2:T1\n";
        let rec = pair_of(ann).unwrap();
        assert!(rec.warnings.is_empty(), "{:?}", rec.warnings);
        let notes: Vec<Option<&str>> = rec
            .set
            .relations()
            .iter()
            .map(|r| r.note.as_deref())
            .collect();
        assert_eq!(notes, [Some("said “twice”\nsecond\tline"), None]);
        let (written, warnings) = encode(&rec);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert!(
            written.ends_with("R1\tSpouse Arg1:T1 Arg2:T2\n#1\tAnnotatorNotes R1\tsaid “twice”\n#2\tAnnotatorNotes R1\tsecond line\nR2\tKnows Arg1:T2 Arg2:T1\n"),
            "{written}"
        );
        let back = pair_of(&written).unwrap();
        assert_eq!(
            back.set.relations()[0].note.as_deref(),
            Some("said “twice”\nsecond line")
        );
    }

    #[test]
    fn configs_declare_the_schema_and_what_only_the_data_uses() {
        let toml = r##"format_version = 1
[[labels]]
name = "PER"
color = "#e15759"
[[labels]]
name = "ORG"
color = "#4e79a7"
[[labels]]
name = "GPE"
color = "#59a14f"
[[relations]]
name = "Head_of"
color = "#76b7b2"
from = ["PER"]
to = ["ORG", "GPE"]
[[relations]]
name = "Spouse"
from = ["PER"]
to = ["PER"]
symmetric = true
[[relations]]
name = "Ally"
from = ["PER"]
to = ["ORG"]
symmetric = true
[[attributes]]
name = "certainty"
kind = "choice"
values = ["confirmed", "reported"]
[[attributes]]
name = "negated"
kind = "flag"
labels = ["PER"]
[[attributes]]
name = "source"
kind = "text"
"##;
        let schema = crate::project::config::ProjectConfig::parse(toml)
            .unwrap()
            .schema();
        let mut used = super::super::UsedTypes::default();
        used.labels.insert("MISC".into());
        used.relations.insert("Head_of".into());
        used.relations.insert("knows".into());
        used.attributes
            .insert("certainty".into(), ["rumoured".to_string()].into());
        used.attributes
            .insert("source".into(), ["wire".to_string()].into());
        used.attributes
            .insert("Negation".into(), ["true".to_string()].into());
        let (conf, visual) = configs(&used, Some(&schema));
        assert_eq!(
            conf,
            "# Written by Entitle.\n[entities]\nGPE\nMISC\nORG\nPER\n\n[relations]\nHead_of\tArg1:PER, Arg2:ORG|GPE\nSpouse\tArg1:PER, Arg2:PER, <REL-TYPE>:symmetric\nAlly\tArg1:PER, Arg2:ORG, <REL-TYPE>:symmetric\nAlly\tArg1:ORG, Arg2:PER, <REL-TYPE>:symmetric\nknows\tArg1:<ENTITY>, Arg2:<ENTITY>\n<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n\n[events]\n\n[attributes]\ncertainty\tArg:<ENTITY>, Value:confirmed|reported|rumoured\nnegated\tArg:PER\n# source: free text in Entitle; brat has no free-text attributes, so the values used are listed\nsource\tArg:<ENTITY>, Value:wire\nNegation\tArg:<ENTITY>\n"
        );
        assert!(visual.contains("[labels]\nGPE | GPE\nMISC | MISC\nORG | ORG\nPER | PER\nHead_of | Head_of\nSpouse | Spouse\nAlly | Ally\nknows | knows\n"), "{visual}");
        assert!(visual.contains("PER\tbgColor:#e15759\n"), "{visual}");
        assert!(
            visual.contains("Head_of\tcolor:#76b7b2\nSpouse\tcolor:#6b6b6b\n"),
            "{visual}"
        );
    }

    #[test]
    fn events_equivalences_and_annotations_on_them_are_named_or_kept_on_the_trigger() {
        let ann = "T1\tPER 1 5\tAmal\nT2\tPER 13 17\tRami\nT3\tMeet 7 10\tmet\nE1\tMeet:T3 Agent:T1 Partner:T2\nA1\tConfidence E1 High\n#1\tAnnotatorNotes E1\tunsure\nN1\tReference E1 Wiki:Q1\nR1\tKnows Arg1:T1 Arg2:T2\nA2\tNegated R1\n#2\tComment R1\twhy\n*\tEquiv T1 T2\nE2\tMeet:T3\n";
        let rec = pair_of(ann).unwrap();
        assert_eq!(rec.set.len(), 3);
        assert_eq!(rec.set.relations().len(), 1);
        let trigger = rec.set.iter().find(|s| &*s.label == "Meet").unwrap();
        assert_eq!(
            trigger.attributes(),
            [("Confidence".to_string(), "High".to_string())]
        );
        assert_eq!(trigger.note(), Some("unsure"));
        assert_eq!(trigger.normalizations()[0].id, "Q1");
        let got: Vec<String> = rec.warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(
            got,
            [
                "doc: equivalence (line 11) Equiv T1 T2: not imported: Entitle has no equivalence sets",
                "doc: event E1 Meet:T3 Agent:T1 Partner:T2: not imported as an event (Entitle has no events): its trigger span T3 is kept; its arguments Agent:T1, Partner:T2 are not",
                "doc: event E2 Meet:T3: not imported as an event (Entitle has no events): its trigger span T3 is kept (the event has no arguments)",
                "doc: attribute A1 Confidence E1 High on event E1: kept on the event's trigger span T3 (Entitle has no events; brat shows it there)",
                "doc: note #1 (AnnotatorNotes) on event E1: kept on the event's trigger span T3 (Entitle has no events; brat shows it there)",
                "doc: normalization N1 Reference E1 Wiki:Q1 on event E1: kept on the event's trigger span T3 (Entitle has no events; brat shows it there)",
                "doc: attribute A2 Negated R1 on relation R1: not imported: Entitle keeps attributes, normalizations and typed notes on spans only (a relation keeps its AnnotatorNotes)",
                "doc: note #2 (Comment) on relation R1: not imported: Entitle keeps attributes, normalizations and typed notes on spans only (a relation keeps its AnnotatorNotes)",
            ]
        );
        let e = pair_of("T1\tPER 1 5\tAmal\nE1\tMeet:T7 Agent:T1\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "dir/doc.ann:2: event E1 has trigger \"T7\", which is not a T line of this file"
        );
        let e = pair_of("E1\tMeet\n").unwrap_err().to_string();
        assert!(e.contains("E line data must be 'TYPE:TRIGGER"), "{e}");
    }

    #[test]
    fn offsets_are_code_points_with_crlf_emoji_arabic_and_combining_marks() {
        let ann = "T1\tPER 13 17\tRami\nT2\tLOC 22 26\tدمشق\nT3\tX 27 29\te\u{301}\nT4\tY 7 17\tmet 😀 Rami\n";
        let rec = pair_of(ann).unwrap();
        let got: Vec<(usize, usize, &str)> = rec
            .set
            .iter()
            .map(|s| {
                (
                    s.range.start(),
                    s.range.end(),
                    rec.doc.slice(s.range.range()),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (7, 17, "met 😀 Rami"),
                (13, 17, "Rami"),
                (22, 26, "دمشق"),
                (27, 29, "e\u{301}")
            ]
        );
        // A BOM counts as a character in brat: offsets move back by one.
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(TEXT.as_bytes());
        let rec = parse_pair(
            Path::new("doc.txt"),
            &bom,
            "T1\tPER 2 6\tAmal\n",
            &ReadOptions::default(),
        )
        .unwrap();
        assert_eq!(rec.set.iter().next().unwrap().range.start(), 1);
    }

    /// Every real brat collection reads as brat's reader counts it (expected.json):
    /// documents, spans and relations; each event, equivalence, attribute and note is
    /// kept or named in a warning.
    #[test]
    fn real_brat_files_read_as_brat_reads_them() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/real");
        let expected: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(root.join("expected.json")).unwrap())
                .unwrap();
        let mut n = 0;
        for (key, e) in expected.as_object().unwrap() {
            if !key.starts_with("brat/") {
                continue;
            }
            n += 1;
            let count = |k: &str| e[k].as_u64().unwrap() as usize;
            let items: Vec<Deferred> =
                read(&root.join(key), &Arc::new(ReadOptions::default())).collect();
            let recs: Vec<Record> = items.into_iter().map(|d| d.parse().unwrap()).collect();
            assert_eq!(recs.len(), count("documents"), "{key}");
            let r = &recs[0];
            assert_eq!(r.set.len(), count("spans"), "{key}");
            assert_eq!(r.set.relations().len(), count("relations"), "{key}");
            let warned = |prefix: &str| {
                r.warnings
                    .iter()
                    .filter(|w| w.item.starts_with(prefix) && w.reason.starts_with("not imported"))
                    .count()
            };
            assert_eq!(warned("event "), count("events"), "{key}");
            assert_eq!(warned("equivalence "), count("equivalences"), "{key}");
            let attrs: usize = r.set.iter().map(|s| s.attributes().len()).sum();
            assert_eq!(attrs + warned("attribute "), count("attributes"), "{key}");
            // Notes of every type (AnnotatorNotes and typed ones); several of one type on
            // one span are joined into one. A relation keeps its AnnotatorNotes.
            let lines = |n: &str| n.lines().count().max(1);
            let notes: usize = r
                .set
                .iter()
                .map(|s| {
                    s.note().map_or(0, lines)
                        + s.typed_notes().iter().map(|(_, t)| lines(t)).sum::<usize>()
                })
                .sum::<usize>()
                + r.set
                    .relations()
                    .iter()
                    .map(|x| x.note.as_deref().map_or(0, lines))
                    .sum::<usize>();
            assert_eq!(notes + warned("note "), count("notes"), "{key}");
            let frags = r.set.iter().filter(|s| s.is_discontinuous()).count();
            assert_eq!(frags, count("discontinuous_spans"), "{key}");
        }
        assert_eq!(n, 10);
    }
}
