//! The typed fast path: a task in the shapes Label Studio writes, deserialized into
//! structs rather than a `serde_json::Value` tree.
//!
//! A `Value` of a task is an ordered map per object (hashing every key) and a string
//! per key; for the dozens of small region objects of a task that is most of the
//! reading time. These structs match keys by name and skip what Entitle does not read.
//! Any shape they do not expect (a string where a list belongs, a label that is not a
//! string, a duplicate key …) makes the task go to the general parser
//! ([`super::task::parts_of_value`]), which names the problem. Both give the same
//! [`Parts`], from the same constructors, so they cannot disagree on a valid task;
//! a test runs every fixture through both.

use super::regions::{self, Note, NoteValue, Res};
use super::scan::List;
use super::task::{self, Ctx, Parts, Who};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::borrow::Cow;

#[derive(Deserialize)]
struct Task<'a> {
    id: Option<Value>,
    data: Option<Map<String, Value>>,
    #[serde(borrow)]
    annotations: Option<Vec<Annotation<'a>>>,
    #[serde(borrow)]
    completions: Option<Vec<Annotation<'a>>>,
    #[serde(borrow)]
    predictions: Option<Vec<Annotation<'a>>>,
    drafts: Option<Vec<serde::de::IgnoredAny>>,
}

#[derive(Deserialize)]
struct Annotation<'a> {
    id: Option<Value>,
    completed_by: Option<Value>,
    was_cancelled: Option<bool>,
    meta: Option<Value>,
    model_version: Option<Value>,
    #[serde(borrow)]
    result: Option<Vec<Result_<'a>>>,
}

#[derive(Deserialize)]
struct Result_<'a> {
    id: Option<Value>,
    #[serde(borrow)]
    from_name: Option<Cow<'a, str>>,
    #[serde(rename = "type", borrow)]
    ty: Option<Cow<'a, str>>,
    value: Option<RegionValue>,
    from_id: Option<Value>,
    to_id: Option<Value>,
    #[serde(borrow)]
    direction: Option<Cow<'a, str>>,
    labels: Option<Vec<String>>,
    meta: Option<Value>,
}

#[derive(Deserialize)]
struct RegionValue {
    start: Option<Value>,
    end: Option<Value>,
    /// A string for a region, a list of lines for a text area.
    text: Option<Value>,
    labels: Option<Vec<String>>,
    hypertextlabels: Option<Vec<String>>,
    /// A per-region `choices` result's values.
    choices: Option<Value>,
}

#[cfg(test)]
thread_local! {
    /// Tests: read every task with the general parser.
    pub(super) static GENERAL_ONLY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Tests: tasks read by this path.
    pub(super) static FAST_READS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// The parts of a task, or `None` when it is not in the expected shapes (the general
/// parser then reads it).
pub(super) fn parts(slice: &str, cx: &Ctx) -> Option<Parts> {
    #[cfg(test)]
    if GENERAL_ONLY.get() {
        return None;
    }
    let t: Task = serde_json::from_str(slice).ok()?;
    let doc = match task::doc_from(t.id, t.data?, cx) {
        Ok(doc) => doc,
        // The general parser would say the same.
        Err(_) => return None,
    };
    #[cfg(test)]
    FAST_READS.set(FAST_READS.get() + 1);
    let mut annotations = items(List::Annotations, t.annotations);
    annotations.extend(items(List::Completions, t.completions));
    Some(Parts {
        doc,
        annotations,
        predictions: items(List::Predictions, t.predictions),
        drafts: t.drafts.is_some_and(|d| !d.is_empty()),
        errors: Vec::new(),
    })
}

fn items(list: List, annotations: Option<Vec<Annotation>>) -> Vec<task::Item> {
    annotations
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(pos, a)| {
            let results = a
                .result
                .unwrap_or_default()
                .into_iter()
                .enumerate()
                .map(|(k, r)| res(k, r))
                .collect();
            task::item(
                list,
                pos,
                Who {
                    id: a.id.as_ref(),
                    completed_by: a.completed_by.as_ref(),
                    meta: a.meta.as_ref(),
                    model_version: a.model_version.as_ref(),
                },
                a.was_cancelled == Some(true),
                results,
                None,
            )
        })
        .collect()
}

/// One result, as [`regions::res_of_value`] reads it.
fn res(k: usize, r: Result_) -> Res {
    let id = regions::id_of(r.id.as_ref());
    let ty = r.ty.as_deref().unwrap_or("");
    match ty {
        "labels" | "hypertextlabels" => {
            let key = id.unwrap_or_else(|| k.to_string());
            let value = r.value.map(|v| {
                let labels = if ty == "hypertextlabels" {
                    v.hypertextlabels.or(v.labels)
                } else {
                    v.labels
                };
                let stored = match v.text {
                    Some(Value::String(s)) => Some(s),
                    _ => None,
                };
                (v.start, v.end, Ok(labels.unwrap_or_default()), stored)
            });
            let res = match value {
                Some((start, end, labels, stored)) => regions::region_res(
                    k,
                    key,
                    ty,
                    Some((start.as_ref(), end.as_ref(), labels, stored)),
                ),
                None => regions::region_res(k, key, ty, None),
            };
            regions::with_meta(res, r.meta.as_ref())
        }
        "relation" => Res::Relation {
            k,
            from: regions::id_of(r.from_id.as_ref()),
            to: regions::id_of(r.to_id.as_ref()),
            direction: r.direction.map(Cow::into_owned),
            labels: Ok(r.labels.unwrap_or_default()),
        },
        "textarea" => Res::Note(Note {
            k,
            key: id,
            from: r.from_name.map(Cow::into_owned),
            value: NoteValue::Text(
                r.value
                    .and_then(|v| v.text)
                    .map_or_else(String::new, |t| regions::note_text(&t)),
            ),
        }),
        "choices" => Res::Note(Note {
            k,
            key: id,
            from: r.from_name.map(Cow::into_owned),
            value: NoteValue::Choices(regions::choice_names(
                r.value.and_then(|v| v.choices).as_ref(),
            )),
        }),
        _ => Res::Other {
            k,
            id,
            ty: ty.to_string(),
        },
    }
}
