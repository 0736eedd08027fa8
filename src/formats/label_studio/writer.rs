//! The writer: a Label Studio JSON export (one annotation per task) and, beside it,
//! `NAME.config.xml`, the labeling config to paste into the project.

use super::super::{
    Format, Keeps, Record, Warning, WriteError, WriteOptions, describe_span, expressible,
};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

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
        let mut out = super::super::create_output(path)?;
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
        // Not kept, but named below with the reason (one text area per span).
        typed_notes: true,
        ..Keeps::default()
    };
    let (spans, mut warnings) = expressible(rec, Format::LabelStudio, keeps);
    for s in &spans {
        for (ty, _) in s.typed_notes() {
            warnings.push(Warning {
                doc: rec.name.clone(),
                item: format!("{ty} note on {}", describe_span(rec, s)),
                reason: "dropped: the Label Studio export keeps one note per span (its text area)"
                    .into(),
            });
        }
    }
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
        } else {
            warnings.push(Warning {
                doc: rec.name.clone(),
                item: format!("relation {} {}", r.id, r.label),
                reason: "dropped: one of its spans was dropped".into(),
            });
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

impl super::super::Writer for Writer {
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
        super::super::commit_output(self.out)?;
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
