//! The writer: a Label Studio JSON export (one annotation per task) and, beside it,
//! `NAME.config.xml`, the labeling config to paste into the project.

use super::super::{
    Format, Keeps, Record, UsedTypes, Warning, WriteError, WriteOptions, describe_span, expressible,
};
use crate::model::{AttributeKind, FLAG_VALUE, Schema};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Streaming writer of a Label Studio JSON export, plus `NAME.config.xml` at the end.
pub struct Writer {
    out: crate::fsio::AtomicFile,
    config_path: PathBuf,
    count: usize,
    schema: Option<Schema>,
    used: UsedTypes,
}

impl Writer {
    pub fn new(path: &Path, options: &WriteOptions) -> Result<Self, WriteError> {
        let mut out = super::super::create_output(path)?;
        out.write_all(b"[").map_err(|e| WriteError::io(path, e))?;
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "export".into());
        Ok(Self {
            out,
            config_path: path.with_file_name(format!("{stem}.config.xml")),
            count: 0,
            schema: options.schema.clone(),
            used: UsedTypes::default(),
        })
    }
}

/// Names of the config's own controls: an attribute cannot have one.
const RESERVED: [&str; 3] = ["label", "text", super::regions::NOTE_CONTROL];

/// How an attribute is written: a per-region `TextArea` for free text, else per-region
/// `Choices` (a flag is the choice `"true"`).
fn is_text(name: &str, schema: Option<&Schema>) -> bool {
    schema
        .and_then(|s| s.attribute(name))
        .is_some_and(|a| a.kind == AttributeKind::Text)
}

/// The task object of a record and what it dropped. `schema` says which attributes
/// are free text (the others are written as choices).
pub fn task(rec: &Record, n: usize, schema: Option<&Schema>) -> (Value, Vec<Warning>) {
    let keeps = Keeps {
        relations: true,
        notes: true,
        overlaps: true,
        attributes: true,
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
        // Per-region results named after the attribute, its values together.
        let mut names: Vec<&str> = Vec::new();
        for (k, _) in s.attributes() {
            if !names.contains(&k.as_str()) {
                names.push(k);
            }
        }
        for name in names {
            let values: Vec<&str> = s
                .attributes()
                .iter()
                .filter(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
                .collect();
            if RESERVED.contains(&name) {
                warnings.push(Warning {
                    doc: rec.name.clone(),
                    item: format!("attribute {name} on {}", describe_span(rec, s)),
                    reason: format!(
                        "dropped: the Label Studio config uses the control name {name:?} itself"
                    ),
                });
                continue;
            }
            let (start, end) = (s.range.start(), s.range.end());
            if is_text(name, schema) {
                for v in values {
                    result.push(json!({
                        "id": region(s), "from_name": name, "to_name": "text", "type": "textarea", "origin": "manual",
                        "value": {"start": start, "end": end, "text": [v]},
                    }));
                }
            } else {
                result.push(json!({
                    "id": region(s), "from_name": name, "to_name": "text", "type": "choices", "origin": "manual",
                    "value": {"start": start, "end": end, "choices": values},
                }));
            }
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
        self.used.add(rec);
        let (value, warnings) = task(rec, self.count, self.schema.as_ref());
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
        let config = config_xml(&self.used, self.schema.as_ref());
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

/// The labeling config: the labels (the schema's with their colours, and those only
/// in the data), the relation types (likewise), the per-region note, and a per-region
/// control for each attribute, shown when a region it applies to is selected: `Choices`
/// for a choice (its values) or a flag (one choice whose result is `"true"`), a
/// `TextArea` for free text. Attributes only found in the data get `Choices` of the
/// values seen.
pub fn config_xml(used: &UsedTypes, schema: Option<&Schema>) -> String {
    let empty = Schema::default();
    let schema = schema.unwrap_or(&empty);
    let mut labels: BTreeMap<&str, Option<String>> = BTreeMap::new();
    for l in &used.labels {
        labels.insert(l, None);
    }
    for l in &schema.labels {
        labels.insert(&l.name, Some(l.color.to_string()));
    }
    let mut x = String::from("<View>\n  <Labels name=\"label\" toName=\"text\">\n");
    for (l, color) in &labels {
        match color {
            Some(c) => x.push_str(&format!(
                "    <Label value=\"{}\" background=\"{c}\"/>\n",
                xml_escape(l)
            )),
            None => x.push_str(&format!("    <Label value=\"{}\"/>\n", xml_escape(l))),
        }
    }
    x.push_str("  </Labels>\n  <Text name=\"text\" value=\"$text\"/>\n");
    let extra: Vec<&String> = used
        .relations
        .iter()
        .filter(|r| schema.relation(r).is_none())
        .collect();
    if !schema.relations.is_empty() || !extra.is_empty() {
        x.push_str("  <Relations>\n");
        for r in &schema.relations {
            x.push_str(&format!(
                "    <Relation value=\"{}\" background=\"{}\"/>\n",
                xml_escape(&r.name),
                r.color
            ));
        }
        for r in extra {
            x.push_str(&format!("    <Relation value=\"{}\"/>\n", xml_escape(r)));
        }
        x.push_str("  </Relations>\n");
    }
    x.push_str("  <TextArea name=\"note\" toName=\"text\" perRegion=\"true\" editable=\"true\" displayMode=\"region-list\"/>\n");
    // A view per attribute, shown for a selected region of a label it applies to.
    let view = |x: &mut String, name: &str, labels: &[crate::model::Label], body: String| {
        let when = if labels.is_empty() {
            String::new()
        } else {
            let names: Vec<&str> = labels.iter().map(|l| l.as_str()).collect();
            format!(" whenLabelValue=\"{}\"", xml_escape(&names.join(",")))
        };
        x.push_str(&format!(
            "  <View visibleWhen=\"region-selected\"{when}>\n    <Header value=\"{}\"/>\n{body}  </View>\n",
            xml_escape(name)
        ));
    };
    let choices = |name: &str, values: &[&str], multiple: bool| {
        let mut b = format!(
            "    <Choices name=\"{}\" toName=\"text\" perRegion=\"true\" choice=\"{}\">\n",
            xml_escape(name),
            if multiple { "multiple" } else { "single" }
        );
        for v in values {
            if *v == FLAG_VALUE {
                // The choice shows the attribute's name; its result is "true".
                b.push_str(&format!(
                    "      <Choice value=\"{}\" alias=\"{FLAG_VALUE}\"/>\n",
                    xml_escape(name)
                ));
            } else {
                b.push_str(&format!("      <Choice value=\"{}\"/>\n", xml_escape(v)));
            }
        }
        b.push_str("    </Choices>\n");
        b
    };
    for a in schema
        .attributes
        .iter()
        .filter(|a| !RESERVED.contains(&a.name.as_str()))
    {
        let body = match a.kind {
            AttributeKind::Text => format!(
                "    <TextArea name=\"{}\" toName=\"text\" perRegion=\"true\" editable=\"true\" maxSubmissions=\"1\"/>\n",
                xml_escape(&a.name)
            ),
            AttributeKind::Flag => choices(&a.name, &[FLAG_VALUE], true),
            AttributeKind::Choice => {
                let mut values: Vec<&str> = a.values.iter().map(String::as_str).collect();
                // Values in the data but not in the schema too, so they show.
                for v in used.attributes.get(a.name.as_str()).into_iter().flatten() {
                    if !values.contains(&v.as_str()) {
                        values.push(v);
                    }
                }
                choices(&a.name, &values, false)
            }
        };
        view(&mut x, &a.name, &a.labels, body);
    }
    for (name, values) in &used.attributes {
        if schema.attribute(name).is_some() || RESERVED.contains(&name.as_str()) {
            continue;
        }
        let values: Vec<&str> = values.iter().map(String::as_str).collect();
        view(&mut x, name, &[], choices(name, &values, true));
    }
    x.push_str("</View>\n");
    x
}
