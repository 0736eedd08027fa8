//! One task: its text and metadata, which annotations to read and whose they are.

use super::regions;
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
    pub value: Map<String, Value>,
    /// The layer its record goes to.
    pub annotator: String,
    /// How messages name it: `annotation 7 by amal@example.org`.
    pub desc: String,
}

/// Every item of one task: a record per annotation (or the first prediction, or the
/// bare text), with region errors and skipped annotations beside them.
pub(super) fn read_task(value: Value, cx: &Ctx) -> Vec<Result<Record, FormatError>> {
    let Value::Object(mut task) = value else {
        return vec![Err(FormatError::new(
            cx.path,
            cx.task_line(),
            format!("task {} is not a JSON object", cx.index),
        ))];
    };
    let doc = match doc_of(&mut task, cx) {
        Ok(d) => d,
        Err(e) => return vec![Err(e)],
    };
    let mut out = Vec::new();
    let mut task_warnings = Vec::new();
    let mut items = Vec::new();
    for list in [List::Annotations, List::Completions] {
        for item in list_items(&mut task, list, &doc, cx, &mut out) {
            match item.value.get("was_cancelled") {
                Some(Value::Bool(true)) => out.push(Err(FormatError::skip(
                    cx.path,
                    cx.item_line(item.list, item.pos),
                    format!(
                        "task {} (id {}): {} was cancelled in Label Studio (was_cancelled); skipped",
                        cx.index, doc.id, item.desc
                    ),
                ))),
                _ => items.push(item),
            }
        }
    }
    distinct_annotators(&mut items, &doc, &mut task_warnings);
    let mut predictions = list_items(&mut task, List::Predictions, &doc, cx, &mut out);
    if items.is_empty() && !predictions.is_empty() {
        // Pre-annotations stand in for a task nobody annotated (Label Studio shows
        // them so); only the first, as the other readers of a task give one record.
        items.push(predictions.remove(0));
    }
    for p in predictions.iter().filter(|p| has_results(&p.value)) {
        task_warnings.push(Warning {
            doc: doc.name.clone(),
            item: format!("task {} {}", doc.id, p.desc),
            reason: if items.iter().any(|i| i.list != List::Predictions) {
                "not imported: the task has annotations; predictions are read only for tasks without any".into()
            } else {
                "not imported: only the first prediction of a task without annotations is read".into()
            },
        });
    }
    if task
        .get("drafts")
        .and_then(Value::as_array)
        .is_some_and(|d| !d.is_empty())
    {
        task_warnings.push(Warning {
            doc: doc.name.clone(),
            item: format!("task {} drafts", doc.id),
            reason: "not imported: drafts are unsubmitted annotations; submit them in Label Studio and export again".into(),
        });
    }
    let mut records = Vec::new();
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

/// The text, name and metadata of a task.
fn doc_of(task: &mut Map<String, Value>, cx: &Ctx) -> Result<Doc, FormatError> {
    let i = cx.index;
    let id = task.get("id").map_or_else(
        || "-".to_string(),
        |v| v.as_str().map_or_else(|| v.to_string(), str::to_string),
    );
    let err = |m: String| FormatError::new(cx.path, cx.task_line(), format!("{m} (task id {id})"));
    let Some(Value::Object(mut data)) = task.remove("data") else {
        let hint = if task.contains_key("text") {
            "; this looks like a JSON-MIN export: export the project as JSON instead"
        } else {
            ""
        };
        return Err(err(format!(
            "task {i} has no \"data\" object with the text{hint}"
        )));
    };
    let text_key = if data.contains_key("text") {
        "text".to_string()
    } else {
        data.iter()
            .find(|(_, v)| v.is_string())
            .map(|(k, _)| k.clone())
            .ok_or_else(|| err(format!("task {i}: \"data\" has no text field")))?
    };
    let Some(Value::String(text)) = data.remove(&text_key) else {
        return Err(err(format!("task {i}: data.{text_key} must be a string")));
    };
    if text.len() >= crate::model::MAX_DOCUMENT_BYTES {
        return Err(err(format!(
            "task {i}: the text is larger than 1 GiB; split it into smaller documents"
        )));
    }
    let external_id = task.remove("id");
    let name = match &external_id {
        Some(Value::Number(n)) => format!("{}-{n}", cx.stem),
        Some(Value::String(s)) => s.clone(),
        _ => format!("{}-{}", cx.stem, i + 1),
    };
    Ok(Doc {
        name,
        id,
        external_id,
        index: TextIndex::new(&text),
        text,
        meta: data,
    })
}

/// The objects of one list of the task (`annotations`, `completions`, `predictions`),
/// with their layers; what is not an object is an error item.
fn list_items(
    task: &mut Map<String, Value>,
    list: List,
    doc: &Doc,
    cx: &Ctx,
    out: &mut Vec<Result<Record, FormatError>>,
) -> Vec<Item> {
    let values = match task.remove(list.key()) {
        None | Some(Value::Null) => return Vec::new(),
        Some(Value::Array(v)) => v,
        Some(other) => {
            out.push(Err(FormatError::new(
                cx.path,
                cx.task_line(),
                format!(
                    "task {} (id {}): \"{}\" must be a list, not {}; it was not read",
                    cx.index,
                    doc.id,
                    list.key(),
                    kind(&other)
                ),
            )));
            return Vec::new();
        }
    };
    let mut items = Vec::with_capacity(values.len());
    for (pos, v) in values.into_iter().enumerate() {
        let Value::Object(value) = v else {
            out.push(Err(FormatError::new(
                cx.path,
                cx.item_line(list, pos),
                format!(
                    "task {} (id {}): {}[{pos}] is not a JSON object; it was not read",
                    cx.index,
                    doc.id,
                    list.key()
                ),
            )));
            continue;
        };
        let (annotator, desc) = match list {
            List::Predictions => {
                let version = value.get("model_version").and_then(|v| match v {
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
                let annotator = annotator_of(&value)
                    .unwrap_or_else(|| format!("label-studio-annotation-{}", pos + 1));
                let id = value.get("id").map_or_else(
                    || format!("#{}", pos + 1),
                    |v| v.as_str().map_or_else(|| v.to_string(), str::to_string),
                );
                (annotator.clone(), format!("annotation {id} by {annotator}"))
            }
        };
        items.push(Item {
            list,
            pos,
            value,
            annotator,
            desc,
        });
    }
    items
}

/// The annotator an annotation names: `completed_by` (an object with an e-mail or an
/// id, a number, or a string), else the `meta.annotator` Entitle's writer records.
fn annotator_of(a: &Map<String, Value>) -> Option<String> {
    let user = |id: &Value| match id {
        Value::Number(n) => Some(format!("label-studio-user-{n}")),
        Value::String(s) if !s.trim().is_empty() => Some(format!("label-studio-user-{}", s.trim())),
        _ => None,
    };
    let named = match a.get("completed_by") {
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
        a.get("meta")
            .and_then(|m| m.get("annotator"))
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    })
}

/// Two annotations of one task by the same person would land in one layer, the second
/// replacing the first: the later ones get their place in the task added, with a
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

fn has_results(item: &Map<String, Value>) -> bool {
    item.get("result")
        .and_then(Value::as_array)
        .is_some_and(|r| !r.is_empty())
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
