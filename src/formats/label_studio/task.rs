//! One task: its text and metadata, which annotations to read and whose they are.
//!
//! A task is parsed by the typed fast path ([`super::fast`]) when it has the shapes
//! Label Studio writes, else as a `serde_json::Value` here, which names whatever is
//! malformed. Both give the same [`Parts`]; everything after that is shared.

use super::regions::{self, Res};
use super::scan::{Lines, List, Places};
use crate::formats::{FormatError, ReadOptions, Record, Warning};
use crate::text::TextIndex;
use serde_json::{Map, Value};
use std::path::Path;

/// Where a task is, for messages, and how to read it.
pub(super) struct Ctx<'a> {
    pub path: &'a Path,
    pub stem: &'a str,
    pub lines: &'a Lines,
    pub places: &'a Places,
    /// Index of the task in the list (0-based, as messages name it).
    pub index: usize,
    pub options: &'a ReadOptions,
}

impl Ctx<'_> {
    pub fn task_line(&self) -> usize {
        self.lines.line(self.places.task)
    }
    pub fn item_line(&self, list: List, i: usize) -> usize {
        self.places
            .item(list, i)
            .map_or_else(|| self.task_line(), |at| self.lines.line(at))
    }
    pub fn result_line(&self, list: List, i: usize, k: usize) -> usize {
        self.places
            .result(list, i, k)
            .map_or_else(|| self.item_line(list, i), |at| self.lines.line(at))
    }
}

/// The task's text and what every record of it shares.
pub(super) struct Doc {
    pub name: String,
    /// The task's id as written (`-` without one), for messages.
    pub id: String,
    pub external_id: Option<Value>,
    pub text: String,
    pub index: TextIndex,
    /// `data` without the text.
    pub meta: Map<String, Value>,
}

impl Doc {
    /// The text of code points `[start, end)`, if that is inside the text.
    pub fn slice(&self, start: usize, end: usize) -> Option<&str> {
        if start > end {
            return None;
        }
        let bytes = self.index.byte_range(start..end).ok()?;
        self.text.get(bytes)
    }
}

/// One annotation (or prediction) of a task, to be read as one record.
pub(super) struct Item {
    pub list: List,
    /// Its index in its list.
    pub pos: usize,
    /// The layer its record goes to.
    pub annotator: String,
    /// How messages name it: `annotation 7 by amal@example.org`.
    pub desc: String,
    pub cancelled: bool,
    pub results: Vec<Res>,
    /// `result` is there but not a list: what it is instead.
    pub bad_results: Option<&'static str>,
}

/// A parsed task, from either parser.
pub(super) struct Parts {
    pub doc: Doc,
    /// `annotations`, then `completions`, in order.
    pub annotations: Vec<Item>,
    pub predictions: Vec<Item>,
    pub drafts: bool,
    /// Lists or items that are not what Label Studio writes.
    pub errors: Vec<FormatError>,
}

/// Every item of one task (`slice`, the task's JSON): a record per annotation (or the
/// first prediction, or the bare text), with region errors and skipped annotations
/// beside them. A task that is not valid JSON is the parser's error.
pub(super) fn read(
    slice: &str,
    cx: &Ctx,
) -> Result<Vec<Result<Record, FormatError>>, serde_json::Error> {
    if let Some(parts) = super::fast::parts(slice, cx) {
        return Ok(finish(parts, cx));
    }
    let value: Value = serde_json::from_str(slice)?;
    Ok(match parts_of_value(value, cx) {
        Ok(parts) => finish(parts, cx),
        Err(e) => vec![Err(e)],
    })
}

/// The general parser: any JSON value, with an error for each part that is not what
/// Label Studio writes.
pub(super) fn parts_of_value(value: Value, cx: &Ctx) -> Result<Parts, FormatError> {
    let Value::Object(mut task) = value else {
        return Err(FormatError::new(
            cx.path,
            cx.task_line(),
            format!("task {} is not a JSON object", cx.index),
        ));
    };
    let id = task.remove("id");
    let data = match task.remove("data") {
        Some(Value::Object(data)) => data,
        _ => {
            let hint = if task.contains_key("text") {
                "; this looks like a JSON-MIN export: export the project as JSON instead"
            } else {
                ""
            };
            return Err(task_error(
                cx,
                &id,
                format!(
                    "task {} has no \"data\" object with the text{hint}",
                    cx.index
                ),
            ));
        }
    };
    let doc = doc_from(id, data, cx)?;
    let mut errors = Vec::new();
    let mut annotations = list_of_values(&mut task, List::Annotations, &doc, cx, &mut errors);
    annotations.extend(list_of_values(
        &mut task,
        List::Completions,
        &doc,
        cx,
        &mut errors,
    ));
    let predictions = list_of_values(&mut task, List::Predictions, &doc, cx, &mut errors);
    let drafts = task
        .get("drafts")
        .and_then(Value::as_array)
        .is_some_and(|d| !d.is_empty());
    Ok(Parts {
        doc,
        annotations,
        predictions,
        drafts,
        errors,
    })
}

fn task_error(cx: &Ctx, id: &Option<Value>, message: String) -> FormatError {
    FormatError::new(
        cx.path,
        cx.task_line(),
        format!("{message} (task id {})", id_text(id.as_ref())),
    )
}

/// An id as messages show it.
fn id_text(id: Option<&Value>) -> String {
    id.map_or_else(
        || "-".to_string(),
        |v| v.as_str().map_or_else(|| v.to_string(), str::to_string),
    )
}

/// The document of a task from its `id` and `data`: the text is `data.text`, or the
/// first string of `data` when there is no `text`.
pub(super) fn doc_from(
    external_id: Option<Value>,
    mut data: Map<String, Value>,
    cx: &Ctx,
) -> Result<Doc, FormatError> {
    let i = cx.index;
    let text_key = if data.contains_key("text") {
        "text".to_string()
    } else {
        match data.iter().find(|(_, v)| v.is_string()) {
            Some((k, _)) => k.clone(),
            None => {
                return Err(task_error(
                    cx,
                    &external_id,
                    format!("task {i}: \"data\" has no text field"),
                ));
            }
        }
    };
    let Some(Value::String(text)) = data.remove(&text_key) else {
        return Err(task_error(
            cx,
            &external_id,
            format!("task {i}: data.{text_key} must be a string"),
        ));
    };
    if text.len() >= crate::model::MAX_DOCUMENT_BYTES {
        return Err(task_error(
            cx,
            &external_id,
            format!("task {i}: the text is larger than 1 GiB; split it into smaller documents"),
        ));
    }
    let name = match &external_id {
        Some(Value::Number(n)) => format!("{}-{n}", cx.stem),
        Some(Value::String(s)) => s.clone(),
        _ => format!("{}-{}", cx.stem, i + 1),
    };
    Ok(Doc {
        name,
        id: id_text(external_id.as_ref()),
        external_id,
        index: TextIndex::new(&text),
        text,
        meta: data,
    })
}

/// The items of one list of the task, from JSON values; what is not an object is an
/// error.
fn list_of_values(
    task: &mut Map<String, Value>,
    list: List,
    doc: &Doc,
    cx: &Ctx,
    errors: &mut Vec<FormatError>,
) -> Vec<Item> {
    let values = match task.remove(list.key()) {
        None | Some(Value::Null) => return Vec::new(),
        Some(Value::Array(v)) => v,
        Some(other) => {
            errors.push(FormatError::new(
                cx.path,
                cx.task_line(),
                format!(
                    "task {} (id {}): \"{}\" must be a list, not {}; it was not read",
                    cx.index,
                    doc.id,
                    list.key(),
                    kind(&other)
                ),
            ));
            return Vec::new();
        }
    };
    let mut items = Vec::with_capacity(values.len());
    for (pos, v) in values.into_iter().enumerate() {
        // Label Studio's own exports may list predictions by id only (their results are
        // in its database, and copied into the annotations made from them): nothing to
        // read, nothing lost.
        if list.key() == "predictions" && v.is_number() {
            continue;
        }
        let Value::Object(mut a) = v else {
            errors.push(FormatError::new(
                cx.path,
                cx.item_line(list, pos),
                format!(
                    "task {} (id {}): {}[{pos}] is not a JSON object; it was not read",
                    cx.index,
                    doc.id,
                    list.key()
                ),
            ));
            continue;
        };
        let (results, bad_results) = match a.remove("result") {
            None | Some(Value::Null) => (Vec::new(), None),
            Some(Value::Array(rs)) => (
                rs.into_iter()
                    .enumerate()
                    .map(|(k, r)| regions::res_of_value(k, r))
                    .collect(),
                None,
            ),
            Some(other) => (Vec::new(), Some(kind(&other))),
        };
        items.push(item(
            list,
            pos,
            Who {
                id: a.get("id"),
                completed_by: a.get("completed_by"),
                meta: a.get("meta"),
                model_version: a.get("model_version"),
            },
            matches!(a.get("was_cancelled"), Some(Value::Bool(true))),
            results,
            bad_results,
        ));
    }
    items
}

/// What names an annotation: its id, its author, and for a prediction its model.
pub(super) struct Who<'a> {
    pub id: Option<&'a Value>,
    pub completed_by: Option<&'a Value>,
    /// The annotation's `meta` (Entitle's writer records `meta.annotator`).
    pub meta: Option<&'a Value>,
    pub model_version: Option<&'a Value>,
}

/// An item with its layer and the words messages name it by.
pub(super) fn item(
    list: List,
    pos: usize,
    who: Who,
    cancelled: bool,
    results: Vec<Res>,
    bad_results: Option<&'static str>,
) -> Item {
    let (annotator, desc) = match list {
        List::Predictions => {
            let version = who.model_version.and_then(|v| match v {
                Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            });
            match version {
                Some(v) => (
                    format!("prediction-{v}"),
                    format!("prediction {} (model {v})", pos + 1),
                ),
                None => ("prediction".to_string(), format!("prediction {}", pos + 1)),
            }
        }
        _ => {
            let annotator = annotator_of(who.completed_by, who.meta)
                .unwrap_or_else(|| format!("label-studio-annotation-{}", pos + 1));
            let id = who.id.map_or_else(
                || format!("#{}", pos + 1),
                |v| v.as_str().map_or_else(|| v.to_string(), str::to_string),
            );
            let desc = format!("annotation {id} by {annotator}");
            (annotator, desc)
        }
    };
    Item {
        list,
        pos,
        annotator,
        desc,
        cancelled,
        results,
        bad_results,
    }
}

/// The annotator an annotation names: `completed_by` (an object with an e-mail or an
/// id, a number, or a string), else the `meta.annotator` Entitle's writer records.
fn annotator_of(completed_by: Option<&Value>, meta: Option<&Value>) -> Option<String> {
    let user = |id: &Value| match id {
        Value::Number(n) => Some(format!("label-studio-user-{n}")),
        Value::String(s) if !s.trim().is_empty() => Some(format!("label-studio-user-{}", s.trim())),
        _ => None,
    };
    let named = match completed_by {
        Some(Value::Object(o)) => o
            .get("email")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(str::to_string)
            .or_else(|| o.get("id").and_then(user)),
        Some(n @ Value::Number(_)) => user(n),
        Some(Value::String(s)) if s.trim().bytes().all(|b| b.is_ascii_digit()) => {
            user(&Value::String(s.clone()))
        }
        Some(Value::String(s)) => Some(s.trim().to_string()),
        _ => None,
    };
    named.or_else(|| {
        meta.and_then(|m| m.get("annotator"))
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    })
}

/// The records of a parsed task: one per annotation that was not cancelled, else the
/// first prediction, else the bare text; errors and skips beside them.
fn finish(parts: Parts, cx: &Ctx) -> Vec<Result<Record, FormatError>> {
    let Parts {
        doc,
        annotations,
        mut predictions,
        drafts,
        errors,
    } = parts;
    let mut out: Vec<Result<Record, FormatError>> = errors.into_iter().map(Err).collect();
    let mut task_warnings = Vec::new();
    let mut items = Vec::with_capacity(annotations.len());
    for item in annotations {
        if item.cancelled {
            out.push(Err(FormatError::skip(
                cx.path,
                cx.item_line(item.list, item.pos),
                format!(
                    "task {} (id {}): {} was cancelled in Label Studio (was_cancelled); skipped",
                    cx.index, doc.id, item.desc
                ),
            )));
        } else {
            items.push(item);
        }
    }
    distinct_annotators(&mut items, &doc, &mut task_warnings);
    if items.is_empty() && !predictions.is_empty() {
        // Pre-annotations stand in for a task nobody annotated (Label Studio shows
        // them so); only the first, as before.
        items.push(predictions.remove(0));
    }
    let annotated = items.iter().any(|i| i.list != List::Predictions);
    for p in predictions.iter().filter(|p| !p.results.is_empty()) {
        task_warnings.push(Warning {
            doc: doc.name.clone(),
            item: format!("task {} {}", doc.id, p.desc),
            reason: if annotated {
                "not imported: the task has annotations; predictions are read only for tasks without any".into()
            } else {
                "not imported: only the first prediction of a task without annotations is read".into()
            },
        });
    }
    if drafts {
        task_warnings.push(Warning {
            doc: doc.name.clone(),
            item: format!("task {} drafts", doc.id),
            reason: "not imported: drafts are unsubmitted annotations; submit them in Label Studio and export again".into(),
        });
    }
    let mut records = Vec::with_capacity(items.len().max(1));
    if items.is_empty() {
        records.push(bare_record(&doc, cx));
    }
    for item in items {
        records.extend(regions::read_annotation(&doc, item, cx));
    }
    if let Some(Ok(first)) = records.iter_mut().find(|r| r.is_ok()) {
        first.warnings.extend(task_warnings);
    }
    out.extend(records);
    out
}

/// Two annotations of one task by the same person would land in one layer, the second
/// merged into the first: the later ones get their place in the task added, with a
/// warning.
fn distinct_annotators(items: &mut [Item], doc: &Doc, warnings: &mut Vec<Warning>) {
    let mut seen: Vec<String> = Vec::new();
    for item in items.iter_mut() {
        if seen.contains(&item.annotator) {
            let layer = format!("{}-{}", item.annotator, item.pos + 1);
            warnings.push(Warning {
                doc: doc.name.clone(),
                item: format!("task {} {}", doc.id, item.desc),
                reason: format!(
                    "a second annotation of this task by the same annotator: read as layer {layer}"
                ),
            });
            item.annotator = layer;
        }
        seen.push(item.annotator.clone());
    }
}

/// A task nobody annotated (or whose annotations were all cancelled): its text, in
/// the importing annotator's layer.
fn bare_record(doc: &Doc, cx: &Ctx) -> Result<Record, FormatError> {
    let mut rec = crate::formats::build_record(
        &doc.name,
        doc.external_id.clone(),
        doc.text.clone(),
        Vec::new(),
        Vec::new(),
        crate::formats::Origin {
            path: cx.path.to_path_buf(),
            line: cx.task_line(),
        },
        cx.options,
    )?;
    rec.meta = doc.meta.clone();
    Ok(rec)
}

/// "a string", "a number" … for messages.
pub(super) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}
