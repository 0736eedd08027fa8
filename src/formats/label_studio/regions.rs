//! One annotation's results: label regions checked against the text, relations, and
//! per-region notes and attributes, made into one record.

use super::task::{Ctx, Doc, Item, kind};
use crate::formats::{FormatError, Origin, RawRelation, RawSpan, Record, Warning, build_record};
use crate::model::Label;
use crate::text::{CharSpan, is_line_break};
use serde_json::Value;

/// One result of an annotation, as either parser finds it.
pub(super) enum Res {
    Region(Region),
    /// A `labels` result that cannot be read: what is wrong with it.
    Bad {
        k: usize,
        key: String,
        problem: String,
    },
    Relation {
        k: usize,
        from: Option<String>,
        to: Option<String>,
        direction: Option<String>,
        labels: Result<Vec<String>, String>,
    },
    Note(Note),
    /// A result of another type (rating …), or without one.
    Other {
        k: usize,
        id: Option<String>,
        ty: String,
    },
}

/// A `labels` region as the file has it, offsets still in the file's unit.
pub(super) struct Region {
    /// Index in `result`.
    k: usize,
    /// Its id (relations and notes refer to it), or its index.
    key: String,
    labels: Vec<String>,
    start: usize,
    end: usize,
    /// `value.text`.
    stored: Option<String>,
    /// Set when the annotation is read.
    line: usize,
    /// The offsets were read as UTF-16 and one falls inside a surrogate pair.
    split_pair: bool,
    /// The region's meta text (`"meta": {"text": [...]}`, the annotator's note in
    /// Label Studio's region details), read as a note.
    meta_note: Option<String>,
}

/// A per-region result beside a region's label, and the region it belongs to: a
/// `textarea` (the note when its control is `note` or unnamed, else a text attribute
/// named after its control) or `choices` (an attribute named after its control, one
/// value per choice).
pub(super) struct Note {
    pub k: usize,
    pub key: Option<String>,
    /// The control's name (`from_name`).
    pub from: Option<String>,
    pub value: NoteValue,
}

pub(super) enum NoteValue {
    Text(String),
    Choices(Vec<String>),
}

/// The name of the text area Entitle writes notes to (and reads notes from).
pub(super) const NOTE_CONTROL: &str = "note";

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
    let results = std::mem::take(&mut item.results);
    let here = Here {
        cx,
        doc,
        item: &item,
    };
    let mut found = Results::default();
    if let Some(what) = item.bad_results {
        found.errors.push(FormatError::new(
            cx.path,
            cx.item_line(item.list, item.pos),
            format!(
                "task {} (id {}): the \"result\" of {} must be a list, not {what}; it was not read",
                cx.index, doc.id, item.desc
            ),
        ));
    }
    for r in results {
        sort_result(r, &here, &mut found);
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

/// Sort one result into regions, relations and notes; the others are warnings.
fn sort_result(r: Res, here: &Here, found: &mut Results) {
    match r {
        Res::Region(mut region) => {
            region.line = here.line(region.k);
            found.regions.push(region);
        }
        Res::Bad { k, key, problem } => {
            found.errors.push(here.region_error(k, &key, &problem));
            found.failed.push(key);
        }
        Res::Relation {
            k,
            from,
            to,
            direction,
            labels,
        } => relations(k, (from, to), direction.as_deref(), labels, here, found),
        Res::Note(note) => found.notes.push(note),
        Res::Other { k, id, ty } => {
            let what = match id {
                Some(id) => format!("result {k} ({id})"),
                None => format!("result {k}"),
            };
            found.warnings.push(match ty.as_str() {
                "" => here.warning(what, "not imported: it has no \"type\""),
                other => here.warning(
                    format!("{what} of type {other:?}"),
                    "not imported: only labels, relations, per-region text areas and per-region choices are imported",
                ),
            });
        }
    }
}

/// An id or a relation end: a string, or a number written as one.
pub(super) fn id_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The names of a `labels` list (absent or null: none), or the value that is not one.
fn label_names(v: Option<&Value>) -> Result<Vec<String>, String> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(l)) if l.iter().all(Value::is_string) => Ok(l
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect()),
        Some(other) => Err(other.to_string()),
    }
}

/// The chosen values of a `choices` result (strings only; anything else is none).
pub(super) fn choice_names(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

/// A text area's text: a list of strings (one per line) or a string.
pub(super) fn note_text(v: &Value) -> String {
    match v {
        Value::Array(a) => a
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join("\n"),
        Value::String(s) => s.clone(),
        _ => String::new(),
    }
}

/// One result from a JSON value (the general parser).
pub(super) fn res_of_value(k: usize, r: Value) -> Res {
    let Value::Object(r) = r else {
        return Res::Bad {
            k,
            key: "-".into(),
            problem: format!("is not a JSON object but {}", kind(&r)),
        };
    };
    let id = id_of(r.get("id"));
    let ty = r.get("type").and_then(Value::as_str).unwrap_or("");
    match ty {
        "labels" | "hypertextlabels" => {
            let key = id.unwrap_or_else(|| k.to_string());
            let Some(v) = r.get("value").and_then(Value::as_object) else {
                return region_res(k, key, ty, None);
            };
            // The value's key is the control's type (`labels`, `hypertextlabels`).
            let labels = label_names(
                v.get(ty)
                    .filter(|l| !l.is_null())
                    .or_else(|| v.get("labels")),
            );
            let stored = v.get("text").and_then(Value::as_str).map(str::to_string);
            let res = region_res(
                k,
                key,
                ty,
                Some((v.get("start"), v.get("end"), labels, stored)),
            );
            with_meta(res, r.get("meta"))
        }
        "relation" => Res::Relation {
            k,
            from: id_of(r.get("from_id")),
            to: id_of(r.get("to_id")),
            direction: r
                .get("direction")
                .and_then(Value::as_str)
                .map(str::to_string),
            labels: label_names(r.get("labels")),
        },
        "textarea" => Res::Note(Note {
            k,
            key: id,
            from: r
                .get("from_name")
                .and_then(Value::as_str)
                .map(str::to_string),
            value: NoteValue::Text(
                r.get("value")
                    .and_then(|v| v.get("text"))
                    .map_or_else(String::new, note_text),
            ),
        }),
        "choices" => Res::Note(Note {
            k,
            key: id,
            from: r
                .get("from_name")
                .and_then(Value::as_str)
                .map(str::to_string),
            value: NoteValue::Choices(choice_names(r.get("value").and_then(|v| v.get("choices")))),
        }),
        _ => Res::Other {
            k,
            id,
            ty: ty.to_string(),
        },
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

/// The parts of a `labels` value: start, end, labels, `text`.
pub(super) type RegionValue<'v> = (
    Option<&'v Value>,
    Option<&'v Value>,
    Result<Vec<String>, String>,
    Option<String>,
);

/// A `labels` region from its parts (`None`: it has no value object), or what is
/// wrong with it. Both parsers come here, so both say the same.
pub(super) fn region_res(k: usize, key: String, ty: &str, value: Option<RegionValue>) -> Res {
    let bad = |key: String, problem: String| Res::Bad { k, key, problem };
    let Some((start, end, labels, stored)) = value else {
        return bad(key, "has no \"value\" object".into());
    };
    let (start, end) = match (start, end) {
        (Some(a), Some(b)) if a.is_number() && b.is_number() => match (offset(a), offset(b)) {
            (Some(s), Some(e)) => (s, e),
            _ => {
                return bad(
                    key,
                    format!(
                        "has value.start {a} and value.end {b}; offsets are whole numbers from 0"
                    ),
                );
            }
        },
        _ => {
            return bad(
                key,
                "has no numeric value.start/value.end (HyperText regions with XPaths are not supported)".into(),
            );
        }
    };
    let labels = match labels {
        Ok(l) if l.is_empty() => return bad(key, format!("has no value.{ty}")),
        Ok(l) => l,
        Err(v) => {
            return bad(
                key,
                format!("has value.{ty} {v}; it must be a list of label names"),
            );
        }
    };
    if let Some(l) = labels.iter().find(|l| Label::sanitize(l).is_none()) {
        let problem = format!("has the label {l:?}, which is not usable as a label name");
        return bad(key, problem);
    }
    Res::Region(Region {
        k,
        key,
        labels,
        start,
        end,
        stored,
        line: 0,
        split_pair: false,
        meta_note: None,
    })
}

/// A region with the note of its `meta` (`{"text": [...]}`), if it has a non-empty one.
pub(super) fn with_meta(res: Res, meta: Option<&Value>) -> Res {
    match res {
        Res::Region(mut r) => {
            r.meta_note = meta
                .and_then(|m| m.get("text"))
                .map(note_text)
                .filter(|t| !t.is_empty());
            Res::Region(r)
        }
        other => other,
    }
}

/// A relation result: one relation per label, in Entitle's one direction.
fn relations(
    k: usize,
    ends: (Option<String>, Option<String>),
    direction: Option<&str>,
    labels: Result<Vec<String>, String>,
    here: &Here,
    found: &mut Results,
) {
    let (Some(mut from), Some(mut to)) = ends else {
        found.warnings.push(here.warning(
            format!("relation {k}"),
            "dropped: it has no from_id and to_id",
        ));
        return;
    };
    let mut labels = match labels {
        Ok(l) => l,
        Err(v) => {
            found.warnings.push(here.warning(
                format!("relation {k} {from}->{to}"),
                format!("dropped: its labels {v} are not a list of names"),
            ));
            return;
        }
    };
    match direction {
        Some("left") => std::mem::swap(&mut from, &mut to),
        Some("bi") => found.warnings.push(here.warning(
            format!("relation {k} {from}<->{to}"),
            "kept as from_id -> to_id: Entitle relations have one direction",
        )),
        _ => {}
    }
    if labels.is_empty() {
        // Label Studio draws relations without a <Relations> tag: keep the link.
        found.warnings.push(here.warning(
            format!("relation {k} {from}->{to}"),
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
            note: None,
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
            // On the region's first span, as its text areas are.
            note: r.meta_note.clone().filter(|_| n == 0),
            ..Default::default()
        })
        .collect())
}

/// Each per-region note or attribute on its region's (first) span; one whose region
/// is missing is a warning.
fn attach_notes(spans: &mut [RawSpan], notes: Vec<Note>, here: &Here, found: &mut Results) {
    for note in notes {
        let target = note
            .key
            .as_ref()
            .and_then(|key| spans.iter_mut().find(|s| &s.key == key));
        let attribute = note.from.as_deref().filter(|f| *f != NOTE_CONTROL);
        match (target, note.value) {
            (Some(span), NoteValue::Text(text)) => match attribute {
                Some(name) => span.attributes.push((name.to_string(), text)),
                None => match &mut span.note {
                    Some(n) => {
                        n.push('\n');
                        n.push_str(&text);
                    }
                    None => span.note = Some(text),
                },
            },
            (Some(span), NoteValue::Choices(values)) => match attribute {
                Some(name) => span
                    .attributes
                    .extend(values.into_iter().map(|v| (name.to_string(), v))),
                None => found.warnings.push(here.warning(
                    format!(
                        "result {} of type \"choices\" on region {}",
                        note.k, span.key
                    ),
                    "not imported: it has no from_name to name the attribute",
                )),
            },
            (None, NoteValue::Choices(_)) => {
                // Choices of the whole task (a classification), or of a region that is
                // not here.
                let what = match &note.key {
                    Some(id) => format!("result {} ({id}) of type \"choices\"", note.k),
                    None => format!("result {} of type \"choices\"", note.k),
                };
                let why = match &note.key {
                    Some(key) if found.failed.contains(key) => {
                        "dropped with its region, which has an error"
                    }
                    _ => {
                        "not imported: choices are kept as attributes of a labels region, and this one has none"
                    }
                };
                found.warnings.push(here.warning(what, why));
            }
            (None, NoteValue::Text(text)) => {
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
                    .push(here.warning(format!("text area {} {:?}", note.k, text), why));
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
