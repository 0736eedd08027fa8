//! One annotation's results: label regions checked against the text, relations and
//! per-region notes, made into one record.

use super::task::{Ctx, Doc, Item, kind};
use crate::formats::{FormatError, Origin, RawRelation, RawSpan, Record, Warning, build_record};
use crate::model::Label;
use crate::text::{CharSpan, is_line_break};
use serde_json::{Map, Value};

/// A `labels` region as the file has it, offsets still in the file's unit.
struct Region {
    /// Index in `result`.
    k: usize,
    /// Its id (relations and notes refer to it), or its index.
    key: String,
    labels: Vec<String>,
    start: usize,
    end: usize,
    /// `value.text`.
    stored: Option<String>,
    line: usize,
    /// The offsets were read as UTF-16 and one falls inside a surrogate pair.
    split_pair: bool,
}

/// A per-region `textarea`: the note, the region it belongs to.
struct Note {
    k: usize,
    key: Option<String>,
    text: String,
}

/// What one annotation's results hold.
#[derive(Default)]
struct Results {
    regions: Vec<Region>,
    relations: Vec<RawRelation>,
    notes: Vec<Note>,
    warnings: Vec<Warning>,
    errors: Vec<FormatError>,
    /// Keys of regions left out because of an error.
    failed: Vec<String>,
}

/// For messages about one annotation of one task.
struct Here<'a> {
    cx: &'a Ctx<'a>,
    doc: &'a Doc,
    item: &'a Item,
}

impl Here<'_> {
    fn line(&self, k: usize) -> usize {
        self.cx.result_line(self.item.list, self.item.pos, k)
    }
    /// `task 0: region 3 PROBLEM (task id …, annotation …, region …); …`
    fn region_error(&self, k: usize, key: &str, problem: &str) -> FormatError {
        FormatError::new(
            self.cx.path,
            self.line(k),
            format!(
                "task {}: region {k} {problem} (task id {}, {}, region {key}); the region was left out, the rest of the task was read",
                self.cx.index, self.doc.id, self.item.desc
            ),
        )
    }
    /// `span KEY LABEL …: PROBLEM (task …); …`, as the other readers name spans.
    fn span_error(&self, r: &Region, problem: &str) -> FormatError {
        FormatError::new(
            self.cx.path,
            r.line,
            format!(
                "span {} {}{problem} (task {}, id {}, {}, region {}); the region was left out, the rest of the task was read",
                r.key,
                r.labels.join(","),
                self.cx.index,
                self.doc.id,
                self.item.desc,
                r.k
            ),
        )
    }
    fn warning(&self, item: String, reason: impl Into<String>) -> Warning {
        Warning {
            doc: self.doc.name.clone(),
            item: format!("task {} {} {item}", self.doc.id, self.item.desc),
            reason: reason.into(),
        }
    }
}

/// The record of one annotation (or prediction), after an error item for each region
/// that could not be read.
pub(super) fn read_annotation(
    doc: &Doc,
    mut item: Item,
    cx: &Ctx,
) -> Vec<Result<Record, FormatError>> {
    let result = item.value.remove("result");
    let here = Here {
        cx,
        doc,
        item: &item,
    };
    let mut found = Results::default();
    match result {
        None | Some(Value::Null) => {}
        Some(Value::Array(results)) => {
            for (k, r) in results.into_iter().enumerate() {
                read_result(k, r, &here, &mut found);
            }
        }
        Some(other) => found.errors.push(FormatError::new(
            cx.path,
            cx.item_line(item.list, item.pos),
            format!(
                "task {} (id {}): the \"result\" of {} must be a list, not {}; it was not read",
                cx.index,
                doc.id,
                item.desc,
                kind(&other)
            ),
        )),
    }
    choose_units(&mut found.regions, &here, &mut found.warnings);
    let mut spans = Vec::with_capacity(found.regions.len());
    for r in std::mem::take(&mut found.regions) {
        match checked(r, &here, &mut found.warnings) {
            Ok(s) => spans.extend(s),
            Err((key, e)) => {
                found.failed.push(key);
                found.errors.push(e);
            }
        }
    }
    attach_notes(
        &mut spans,
        std::mem::take(&mut found.notes),
        &here,
        &mut found,
    );
    // In the order of the file (region errors are found in two passes).
    found.errors.sort_by_key(|e| e.line);
    let mut out: Vec<Result<Record, FormatError>> = found.errors.into_iter().map(Err).collect();
    let from_prediction = item.list == super::scan::List::Predictions;
    let built = build_record(
        &doc.name,
        doc.external_id.clone(),
        doc.text.clone(),
        spans,
        found.relations,
        Origin {
            path: cx.path.to_path_buf(),
            line: cx.task_line(),
        },
        cx.options,
    );
    out.push(built.map(|mut rec| {
        if from_prediction && !rec.set.is_empty() {
            rec.meta
                .insert("label_studio_source".into(), "predictions".into());
        }
        for (k, v) in &doc.meta {
            rec.meta.insert(k.clone(), v.clone());
        }
        rec.warnings.extend(found.warnings);
        rec.annotator = Some(item.annotator);
        rec
    }));
    out
}

/// The id of a result (a string, or a number written as one).
fn id_of(r: &Map<String, Value>) -> Option<String> {
    match r.get("id")? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Sort one result into regions, relations and notes; the others are warnings.
fn read_result(k: usize, r: Value, here: &Here, found: &mut Results) {
    let Value::Object(r) = r else {
        found.errors.push(here.region_error(
            k,
            "-",
            &format!("is not a JSON object but {}", kind(&r)),
        ));
        return;
    };
    let key = id_of(&r).unwrap_or_else(|| k.to_string());
    let ty = r.get("type").and_then(Value::as_str).unwrap_or("");
    match ty {
        "labels" | "hypertextlabels" => match region(k, &key, ty, &r, here) {
            Ok(region) => found.regions.push(region),
            Err(problem) => {
                found.errors.push(here.region_error(k, &key, &problem));
                found.failed.push(key);
            }
        },
        "relation" => relations(k, &r, here, found),
        "textarea" => {
            let text = match r.get("value").and_then(|v| v.get("text")) {
                Some(Value::Array(a)) => a
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join("\n"),
                Some(Value::String(s)) => s.clone(),
                _ => String::new(),
            };
            found.notes.push(Note {
                k,
                key: id_of(&r),
                text,
            });
        }
        _ => {
            let what = match id_of(&r) {
                Some(id) => format!("result {k} ({id})"),
                None => format!("result {k}"),
            };
            found.warnings.push(match ty {
                "" => here.warning(what, "not imported: it has no \"type\""),
                other => here.warning(
                    format!("{what} of type {other:?}"),
                    "not imported: only labels, relations and per-region text areas are imported",
                ),
            });
        }
    }
}

/// A whole number ≥ 0 (Python may write `12.0`).
fn offset(v: &Value) -> Option<usize> {
    if let Some(n) = v.as_u64() {
        return usize::try_from(n).ok();
    }
    let f = v.as_f64()?;
    (f >= 0.0 && f.fract() == 0.0 && f < 1e15).then_some(f as usize)
}

/// A `labels` region, or what is wrong with it.
fn region(
    k: usize,
    key: &str,
    ty: &str,
    r: &Map<String, Value>,
    here: &Here,
) -> Result<Region, String> {
    let Some(v) = r.get("value").and_then(Value::as_object) else {
        return Err("has no \"value\" object".into());
    };
    let (start, end) = match (v.get("start"), v.get("end")) {
        (Some(a), Some(b)) if a.is_number() && b.is_number() => match (offset(a), offset(b)) {
            (Some(s), Some(e)) => (s, e),
            _ => {
                return Err(format!(
                    "has value.start {a} and value.end {b}; offsets are whole numbers from 0"
                ));
            }
        },
        _ => {
            return Err("has no numeric value.start/value.end (HyperText regions with XPaths are not supported)".into());
        }
    };
    // The value's key is the control's type (`labels`, `hypertextlabels`).
    let labels: Vec<String> = v
        .get(ty)
        .or_else(|| v.get("labels"))
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    if labels.is_empty() {
        return Err(format!("has no value.{ty}"));
    }
    if let Some(bad) = labels.iter().find(|l| Label::sanitize(l).is_none()) {
        return Err(format!(
            "has the label {bad:?}, which is not usable as a label name"
        ));
    }
    Ok(Region {
        k,
        key: key.to_string(),
        labels,
        start,
        end,
        stored: v.get("text").and_then(Value::as_str).map(str::to_string),
        line: here.line(k),
        split_pair: false,
    })
}

/// A relation result: one relation per label, in Entitle's one direction.
fn relations(k: usize, r: &Map<String, Value>, here: &Here, found: &mut Results) {
    let end = |name: &str| match r.get(name) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let (Some(mut from), Some(mut to)) = (end("from_id"), end("to_id")) else {
        found.warnings.push(here.warning(
            format!("relation {k}"),
            "dropped: it has no from_id and to_id",
        ));
        return;
    };
    match r.get("direction").and_then(Value::as_str) {
        Some("left") => std::mem::swap(&mut from, &mut to),
        Some("bi") => found.warnings.push(here.warning(
            format!("relation {k} {from}↔{to}"),
            "kept as from_id → to_id: Entitle relations have one direction",
        )),
        _ => {}
    }
    let mut labels: Vec<String> = r
        .get("labels")
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    if labels.is_empty() {
        // Label Studio draws relations without a <Relations> tag: keep the link.
        found.warnings.push(here.warning(
            format!("relation {k} {from}→{to}"),
            "it has no label: kept with the type \"relation\"",
        ));
        labels.push("relation".into());
    }
    let line = here.line(k);
    for (n, label) in labels.into_iter().enumerate() {
        found.relations.push(RawRelation {
            key: if n == 0 {
                k.to_string()
            } else {
                format!("{k}#{}", n + 1)
            },
            label,
            from: from.clone(),
            to: to.clone(),
            line,
        });
    }
}

/// How a region's `value.text` compares with the document at its offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fit {
    /// The same text.
    Exact,
    /// The same but for white space at its ends or line breaks written `\n` or left
    /// out: Label Studio does this and its offsets are right.
    Loose,
    /// No `value.text` to compare.
    Unchecked,
    Differs,
    /// The offsets are not inside the text.
    Outside,
}

fn fit(doc: &Doc, start: usize, end: usize, stored: Option<&str>) -> Fit {
    let Some(actual) = doc.slice(start, end) else {
        return Fit::Outside;
    };
    match stored {
        None => Fit::Unchecked,
        Some(t) if t == actual => Fit::Exact,
        Some(t) if loose_eq(actual, t) => Fit::Loose,
        Some(_) => Fit::Differs,
    }
}

/// Old Label Studio exports (before 2022) stored UTF-16 offsets. If fewer regions
/// match as code points than as UTF-16, convert them all and say so.
fn choose_units(regions: &mut [Region], here: &Here, warnings: &mut Vec<Warning>) {
    let doc = here.doc;
    let matches = |f: Fit| matches!(f, Fit::Exact | Fit::Loose);
    let with_text = regions.iter().filter(|r| r.stored.is_some()).count();
    let cp_ok = regions
        .iter()
        .filter(|r| matches(fit(doc, r.start, r.end, r.stored.as_deref())))
        .count();
    if cp_ok == with_text || doc.index.len_utf16() == doc.index.len_chars() {
        return;
    }
    let as_cp = |u: usize| doc.index.char_from_utf16(u).ok();
    let u16_ok = regions
        .iter()
        .filter(|r| match (as_cp(r.start), as_cp(r.end)) {
            (Some(a), Some(b)) => matches(fit(doc, a, b, r.stored.as_deref())),
            _ => false,
        })
        .count();
    if u16_ok <= cp_ok {
        return;
    }
    warnings.push(here.warning(
        "region offsets".into(),
        "this is an old Label Studio export with UTF-16 offsets (value.text matches only that way); converted to code points",
    ));
    for r in regions.iter_mut() {
        match (as_cp(r.start), as_cp(r.end)) {
            (Some(a), Some(b)) => (r.start, r.end) = (a, b),
            _ => r.split_pair = true,
        }
    }
}

/// The spans of a region whose offsets are inside the text and whose `value.text`
/// fits (one span per label), or the key and error of one that does not.
fn checked(
    r: Region,
    here: &Here,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<RawSpan>, (String, FormatError)> {
    let doc = here.doc;
    let fail = |r: &Region, problem: String| Err((r.key.clone(), here.span_error(r, &problem)));
    if r.split_pair {
        return fail(
            &r,
            format!(
                " at {}..{}: an offset falls inside a surrogate pair (this file has UTF-16 offsets)",
                r.start, r.end
            ),
        );
    }
    if let Err(e) = CharSpan::new(r.start, r.end, doc.index.len_chars()) {
        return fail(&r, format!(": {e}"));
    }
    let actual = doc.slice(r.start, r.end).unwrap_or_default();
    let text = match fit(doc, r.start, r.end, r.stored.as_deref()) {
        Fit::Exact => r.stored.clone(),
        Fit::Unchecked => None,
        Fit::Loose => {
            warnings.push(here.warning(
                format!("region {} {}..{}", r.key, r.start, r.end),
                format!(
                    "value.text {:?} differs from the text at its offsets {actual:?} only in white space at its ends or in line breaks; the offsets were kept",
                    r.stored.as_deref().unwrap_or_default()
                ),
            ));
            Some(actual.to_string())
        }
        Fit::Differs | Fit::Outside => {
            return fail(
                &r,
                format!(
                    " at {}..{}: the file says its text is {:?} but the document has {actual:?} there",
                    r.start,
                    r.end,
                    r.stored.as_deref().unwrap_or_default()
                ),
            );
        }
    };
    let annotator = Some(here.item.annotator.clone());
    Ok(r.labels
        .iter()
        .enumerate()
        .map(|(n, label)| RawSpan {
            key: if n == 0 {
                r.key.clone()
            } else {
                format!("{}#{}", r.key, n + 1)
            },
            fragments: vec![(r.start, r.end)],
            label: label.clone(),
            text: text.clone(),
            annotator: annotator.clone(),
            line: r.line,
            ..Default::default()
        })
        .collect())
}

/// Each per-region note on its region's (first) span; a note whose region is missing
/// is a warning.
fn attach_notes(spans: &mut [RawSpan], notes: Vec<Note>, here: &Here, found: &mut Results) {
    for note in notes {
        let target = note
            .key
            .as_ref()
            .and_then(|key| spans.iter_mut().find(|s| &s.key == key));
        match target {
            Some(span) => match &mut span.note {
                Some(n) => {
                    n.push('\n');
                    n.push_str(&note.text);
                }
                None => span.note = Some(note.text),
            },
            None => {
                let why = match &note.key {
                    Some(key) if found.failed.contains(key) => {
                        "dropped with its region, which has an error".to_string()
                    }
                    Some(key) => format!(
                        "not imported: region {key} is not a labels region of this annotation (Entitle keeps notes on spans)"
                    ),
                    None => {
                        "not imported: a text area of the whole task (Entitle keeps notes on spans)"
                            .to_string()
                    }
                };
                found
                    .warnings
                    .push(here.warning(format!("text area {} {:?}", note.k, note.text), why));
            }
        }
    }
}

/// True when `stored` is `actual` but for white space at the ends, line breaks written
/// as `\n` (backslash, n), and line breaks left out or turned into one space.
fn loose_eq(actual: &str, stored: &str) -> bool {
    let stored = stored
        .replace("\\r\\n", "\n")
        .replace("\\n", "\n")
        .replace("\\r", "\n");
    canon(actual, false) == canon(&stored, false) || canon(actual, true) == canon(&stored, true)
}

/// `s` trimmed, with every run of white space that holds a line break removed (or,
/// with `as_space`, made one space).
fn canon(s: &str, as_space: bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut run = String::new();
    let mut has_break = false;
    for c in s.trim().chars() {
        if c.is_whitespace() {
            run.push(c);
            has_break |= is_line_break(c);
            continue;
        }
        if has_break {
            if as_space {
                out.push(' ');
            }
        } else {
            out.push_str(&run);
        }
        run.clear();
        has_break = false;
        out.push(c);
    }
    out
}
