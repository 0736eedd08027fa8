//! Label Studio: the JSON export (an array of tasks) and the labeling config it needs.
//!
//! Wire format: `[{"id", "data": {"text": …}, "annotations": [{"result": [...]}]}]`.
//! A span is a `labels` result `{"id", "from_name": "label", "to_name": "text", "type":
//! "labels", "value": {"start", "end", "text", "labels": [LABEL]}}`; offsets are **code
//! points**, end exclusive (Label Studio since 2022; before that UTF-16 code units). A
//! relation is `{"type": "relation", "from_id", "to_id", "direction": "right",
//! "labels": [LABEL]}`; a note is a per-region `textarea` result.
//!
//! Import reads the first annotation of each task (or its first prediction when it has
//! no annotation; other annotations are named in warnings), checks every region's
//! `value.text` against the document and, when only a UTF-16 reading of the offsets
//! matches, says it found an old UTF-16 export and converts. Export writes the tasks and,
//! beside them, `NAME.config.xml`: the `<View>` with the labels (and colours), relations
//! and a per-region note field, to paste into the project's Labeling Interface.

use super::{
    Format, FormatError, Keeps, Origin, RawRelation, RawSpan, ReadOptions, Record, Warning,
    WriteError, WriteOptions, expressible,
};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

pub fn read(
    path: &Path,
    options: &ReadOptions,
) -> Box<dyn Iterator<Item = Result<Record, FormatError>>> {
    let (files, skipped) = super::input_files(path, &["json"]);
    let options = options.clone();
    Box::new(
        skipped
            .into_iter()
            .map(Err)
            .chain(
                files
                    .into_iter()
                    .flat_map(move |file| -> Vec<Result<Record, FormatError>> {
                        match read_file(&file, &options) {
                            Ok(v) => v,
                            Err(e) => vec![Err(e)],
                        }
                    }),
            ),
    )
}

/// 1-based line of the first occurrence of `needle` in `raw`, after byte `from`.
fn line_of(raw: &str, needle: &str, from: usize) -> usize {
    raw.get(from..)
        .and_then(|r| r.find(needle))
        .map_or(0, |b| raw[..from + b].matches('\n').count() + 1)
}

fn read_file(
    file: &Path,
    options: &ReadOptions,
) -> Result<Vec<Result<Record, FormatError>>, FormatError> {
    let raw = super::read_input_string(file)?;
    let value: Value = serde_json::from_str(&raw).map_err(|e| {
        let msg = e.to_string();
        let msg = msg
            .rfind(" at line ")
            .map_or(msg.clone(), |p| msg[..p].to_string());
        FormatError::new(
            file,
            e.line(),
            format!("column {}: not valid JSON: {msg}", e.column()),
        )
    })?;
    let tasks = match value {
        Value::Array(t) => t,
        Value::Object(o) => vec![Value::Object(o)],
        _ => {
            return Err(FormatError::new(
                file,
                1,
                "a Label Studio export is a JSON list of tasks",
            ));
        }
    };
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut cursor = 0usize;
    Ok(tasks
        .into_iter()
        .enumerate()
        .map(|(i, task)| {
            let id_text = task.get("id").map(|v| v.to_string()).unwrap_or_default();
            let line = if id_text.is_empty() {
                0
            } else {
                line_of(&raw, &format!("\"id\": {id_text}"), cursor).max(line_of(
                    &raw,
                    &format!("\"id\":{id_text}"),
                    cursor,
                ))
            };
            if let Some(p) = raw.get(cursor..).and_then(|r| {
                r.find(&format!("\"id\": {id_text}"))
                    .or_else(|| r.find(&format!("\"id\":{id_text}")))
            }) {
                cursor += p + 1;
            }
            task_record(task, i, &stem, file, line, &raw, options)
        })
        .collect())
}

fn task_record(
    task: Value,
    i: usize,
    stem: &str,
    file: &Path,
    line: usize,
    raw: &str,
    options: &ReadOptions,
) -> Result<Record, FormatError> {
    let err = |m: String| FormatError::new(file, line, m);
    let Value::Object(mut task) = task else {
        return Err(err(format!("task {i} is not a JSON object")));
    };
    let Some(Value::Object(mut data)) = task.remove("data") else {
        return Err(err(format!(
            "task {i} has no \"data\" object with the text"
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
    let external_id = task.remove("id");
    let name = match &external_id {
        Some(Value::Number(n)) => format!("{stem}-{n}"),
        Some(Value::String(s)) => s.clone(),
        _ => format!("{stem}-{}", i + 1),
    };
    let mut warnings = Vec::new();
    let annotations: Vec<Value> = task
        .remove("annotations")
        .and_then(|a| a.as_array().cloned())
        .unwrap_or_default()
        .into_iter()
        .filter(|a| {
            !a.get("was_cancelled")
                .and_then(Value::as_bool)
                .unwrap_or(false)
        })
        .collect();
    let (chosen, source) = match annotations.first() {
        Some(a) => (Some(a.clone()), "annotation"),
        None => (
            task.get("predictions")
                .and_then(|p| p.as_array())
                .and_then(|p| p.first())
                .cloned(),
            "prediction",
        ),
    };
    for extra in annotations.iter().skip(1) {
        warnings.push(Warning {
            doc: name.clone(),
            item: format!(
                "annotation {} by {}",
                extra.get("id").map(|v| v.to_string()).unwrap_or_default(),
                extra
                    .get("completed_by")
                    .map(|v| v.to_string())
                    .unwrap_or_default()
            ),
            reason: "not imported: one annotation per task is imported (the first)".into(),
        });
    }
    let results: Vec<Value> = chosen
        .as_ref()
        .and_then(|a| a.get("result"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let annotator = chosen
        .as_ref()
        .and_then(|a| a.get("completed_by"))
        .map(|v| match v {
            Value::Object(o) => o
                .get("email")
                .and_then(Value::as_str)
                .unwrap_or("label-studio")
                .to_string(),
            other => format!("label-studio-{other}"),
        });
    // Regions, relations, notes.
    let mut spans: Vec<RawSpan> = Vec::new();
    let mut relations = Vec::new();
    let mut notes: BTreeMap<String, String> = BTreeMap::new();
    for (k, r) in results.iter().enumerate() {
        let ty = r.get("type").and_then(Value::as_str).unwrap_or("");
        let rline = r
            .get("id")
            .and_then(Value::as_str)
            .map_or(line, |id| line_of(raw, &format!("\"{id}\""), 0).max(line));
        match ty {
            "labels" | "hypertextlabels" => {
                let v = r.get("value").cloned().unwrap_or_default();
                let (Some(start), Some(end)) = (
                    v.get("start").and_then(Value::as_u64),
                    v.get("end").and_then(Value::as_u64),
                ) else {
                    return Err(FormatError::new(
                        file,
                        rline,
                        format!(
                            "task {i}: region {k} has no numeric value.start/value.end (HyperText regions with XPaths are not supported)"
                        ),
                    ));
                };
                let label = v
                    .get("labels")
                    .and_then(Value::as_array)
                    .and_then(|l| l.first())
                    .and_then(Value::as_str)
                    .ok_or_else(|| {
                        FormatError::new(
                            file,
                            rline,
                            format!("task {i}: region {k} has no value.labels"),
                        )
                    })?;
                if v.get("labels")
                    .and_then(Value::as_array)
                    .is_some_and(|l| l.len() > 1)
                {
                    warnings.push(Warning {
                        doc: name.clone(),
                        item: format!("region {k} extra labels"),
                        reason: "a span has one label here; the first was kept".into(),
                    });
                }
                spans.push(RawSpan {
                    key: r
                        .get("id")
                        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                        .unwrap_or_else(|| k.to_string()),
                    fragments: vec![(start as usize, end as usize)],
                    label: label.to_string(),
                    text: v.get("text").and_then(Value::as_str).map(str::to_string),
                    annotator: annotator.clone(),
                    line: rline,
                    ..Default::default()
                });
            }
            "relation" => relations.push(RawRelation {
                key: k.to_string(),
                label: r
                    .get("labels")
                    .and_then(Value::as_array)
                    .and_then(|l| l.first())
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                from: r
                    .get("from_id")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                to: r
                    .get("to_id")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                line: rline,
            }),
            "textarea" => {
                if let (Some(id), Some(t)) = (
                    r.get("id").and_then(Value::as_str),
                    r.get("value").and_then(|v| v.get("text")),
                ) {
                    let t = match t {
                        Value::Array(a) => a
                            .iter()
                            .filter_map(Value::as_str)
                            .collect::<Vec<_>>()
                            .join("\n"),
                        Value::String(s) => s.clone(),
                        _ => String::new(),
                    };
                    notes.insert(id.to_string(), t);
                }
            }
            other => warnings.push(Warning {
                doc: name.clone(),
                item: format!("result {k} of type {other:?}"),
                reason:
                    "not imported: only labels, relations and per-region text areas are imported"
                        .into(),
            }),
        }
    }
    for s in &mut spans {
        s.note = notes.remove(&s.key);
    }
    resolve_units(&text, &mut spans, &name, &mut warnings);
    let mut rec = super::build_record(
        &name,
        external_id,
        text,
        spans,
        relations,
        Origin {
            path: file.to_path_buf(),
            line,
        },
        options,
    )?;
    if source == "prediction" && !results.is_empty() {
        rec.meta
            .insert("label_studio_source".into(), "predictions".into());
    }
    for (k, v) in data {
        rec.meta.insert(k, v);
    }
    rec.warnings.extend(warnings);
    Ok(rec)
}

/// Old Label Studio exports (before 2022) stored UTF-16 offsets. If no region's text
/// matches as code points but some match as UTF-16, convert them all and say so. A
/// region text without its surrounding white space (Label Studio may trim it) is
/// accepted, with the offsets moved to the trimmed text.
fn resolve_units(text: &str, spans: &mut [RawSpan], doc: &str, warnings: &mut Vec<Warning>) {
    let index = crate::text::TextIndex::new(text);
    let cp_slice = |a: usize, b: usize| -> Option<&str> {
        (a <= b && b <= index.len_chars()).then(|| index.slice(text, a..b))
    };
    let u16_slice = |a: usize, b: usize| -> Option<(usize, usize)> {
        Some((
            index.char_from_utf16(a).ok()?,
            index.char_from_utf16(b).ok()?,
        ))
    };
    let cp_ok = spans
        .iter()
        .filter(|s| {
            s.text
                .as_deref()
                .is_some_and(|t| cp_slice(s.fragments[0].0, s.fragments[0].1) == Some(t))
        })
        .count();
    let u16_ok = spans
        .iter()
        .filter(|s| {
            let Some(t) = s.text.as_deref() else {
                return false;
            };
            u16_slice(s.fragments[0].0, s.fragments[0].1).and_then(|(a, b)| cp_slice(a, b))
                == Some(t)
        })
        .count();
    if u16_ok > cp_ok {
        warnings.push(Warning {
            doc: doc.into(),
            item: "region offsets".into(),
            reason: "this is an old Label Studio export with UTF-16 offsets (value.text matches only that way); converted to code points".into(),
        });
        for s in spans.iter_mut() {
            if let Some((a, b)) = u16_slice(s.fragments[0].0, s.fragments[0].1) {
                s.fragments[0] = (a, b);
            }
        }
    }
    for s in spans.iter_mut() {
        let (a, b) = s.fragments[0];
        if let (Some(t), Some(actual)) = (s.text.as_deref(), cp_slice(a, b))
            && t != actual
            && !t.is_empty()
            && actual.trim() == t
        {
            let lead = actual.chars().take_while(|c| c.is_whitespace()).count();
            s.fragments[0] = (a + lead, a + lead + t.chars().count());
        }
    }
}

/// Streaming writer of a Label Studio JSON export, plus `NAME.config.xml` at the end.
pub struct Writer {
    out: crate::fsio::AtomicFile,
    config_path: PathBuf,
    count: usize,
    labels: BTreeMap<String, Option<String>>,
    relation_labels: std::collections::BTreeSet<String>,
}

impl Writer {
    pub fn new(path: &Path, options: &WriteOptions) -> Result<Self, WriteError> {
        let mut out = super::create_output(path)?;
        out.write_all(b"[").map_err(|e| WriteError::io(path, e))?;
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "export".into());
        let mut labels = BTreeMap::new();
        if let Some(schema) = &options.schema {
            for l in &schema.labels {
                labels.insert(l.name.to_string(), Some(l.color.to_string()));
            }
        }
        Ok(Self {
            out,
            config_path: path.with_file_name(format!("{stem}.config.xml")),
            count: 0,
            labels,
            relation_labels: Default::default(),
        })
    }
}

/// The task object of a record and what it dropped.
pub fn task(rec: &Record, n: usize) -> (Value, Vec<Warning>) {
    let keeps = Keeps {
        relations: true,
        notes: true,
        overlaps: true,
        ..Keeps::default()
    };
    let (spans, warnings) = expressible(rec, Format::LabelStudio, keeps);
    let region = |s: &crate::model::Span| format!("T{}", s.id.0);
    let mut result = Vec::new();
    for s in &spans {
        result.push(json!({
            "id": region(s), "from_name": "label", "to_name": "text", "type": "labels", "origin": "manual",
            "value": {"start": s.range.start(), "end": s.range.end(), "text": rec.doc.slice(s.range.range()), "labels": [&*s.label]},
        }));
        if let Some(note) = s.note() {
            result.push(json!({
                "id": region(s), "from_name": "note", "to_name": "text", "type": "textarea", "origin": "manual",
                "value": {"start": s.range.start(), "end": s.range.end(), "text": [note]},
            }));
        }
    }
    let kept: std::collections::HashSet<_> = spans.iter().map(|s| s.id).collect();
    for r in rec.set.relations() {
        if kept.contains(&r.from) && kept.contains(&r.to) {
            result.push(json!({"from_id": format!("T{}", r.from.0), "to_id": format!("T{}", r.to.0), "type": "relation", "direction": "right", "labels": [&*r.label]}));
        }
    }
    let mut data = Map::new();
    data.insert("text".into(), rec.doc.text().into());
    for (k, v) in &rec.meta {
        if k != "text" && k != "label_studio_source" {
            data.insert(k.clone(), v.clone());
        }
    }
    let id = match &rec.external_id {
        Some(Value::Number(n)) => Value::Number(n.clone()),
        _ => json!(n),
    };
    let annotator = rec.set.iter().next().map(|s| s.annotator.to_string());
    let task = json!({
        "id": id,
        "data": data,
        "annotations": [{
            "id": n,
            "result": result,
            "was_cancelled": false,
            "ground_truth": false,
            "meta": {"annotator": annotator},
        }],
        "predictions": [],
    });
    (task, warnings)
}

impl super::Writer for Writer {
    fn write(&mut self, rec: &Record) -> Result<Vec<Warning>, WriteError> {
        self.count += 1;
        for s in rec.set.iter() {
            self.labels.entry(s.label.to_string()).or_insert(None);
        }
        for r in rec.set.relations() {
            self.relation_labels.insert(r.label.to_string());
        }
        let (value, warnings) = task(rec, self.count);
        let path = self.out.path().to_path_buf();
        self.out
            .write_all(if self.count == 1 { b"\n" } else { b",\n" })
            .map_err(|e| WriteError::io(&path, e))?;
        serde_json::to_writer(&mut self.out, &value)
            .map_err(|e| WriteError::io(&path, e.into()))?;
        Ok(warnings)
    }

    fn finish(mut self: Box<Self>) -> Result<Vec<Warning>, WriteError> {
        let path = self.out.path().to_path_buf();
        self.out
            .write_all(b"\n]\n")
            .map_err(|e| WriteError::io(&path, e))?;
        let config = config_xml(&self.labels, &self.relation_labels);
        super::commit_output(self.out)?;
        crate::fsio::atomic_write(&self.config_path, config.as_bytes())
            .map_err(|e| WriteError::io(&self.config_path, e))?;
        Ok(Vec::new())
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The labeling config for the labels and relation types.
pub fn config_xml(
    labels: &BTreeMap<String, Option<String>>,
    relations: &std::collections::BTreeSet<String>,
) -> String {
    let mut x = String::from("<View>\n  <Labels name=\"label\" toName=\"text\">\n");
    for (l, color) in labels {
        match color {
            Some(c) => x.push_str(&format!(
                "    <Label value=\"{}\" background=\"{c}\"/>\n",
                xml_escape(l)
            )),
            None => x.push_str(&format!("    <Label value=\"{}\"/>\n", xml_escape(l))),
        }
    }
    x.push_str("  </Labels>\n  <Text name=\"text\" value=\"$text\"/>\n");
    if !relations.is_empty() {
        x.push_str("  <Relations>\n");
        for r in relations {
            x.push_str(&format!("    <Relation value=\"{}\"/>\n", xml_escape(r)));
        }
        x.push_str("  </Relations>\n");
    }
    x.push_str("  <TextArea name=\"note\" toName=\"text\" perRegion=\"true\" editable=\"true\" displayMode=\"region-list\"/>\n</View>\n");
    x
}
