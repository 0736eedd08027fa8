//! `entitle fix-labels`: rename label names this version refuses (white space, control
//! characters; written by an older Entitle or by hand) in `entitle.toml` and in every
//! annotation file, so a project that opened read-only can be edited again.
//!
//! Files are edited as JSON/TOML values, not through the model (which refuses the very
//! names being fixed); each file is replaced atomically.

use super::{ANNOTATIONS_DIR, CONFIG_FILE, Project, ProjectError};
use crate::model::Label;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What `fix-labels` did.
#[derive(Debug, Default)]
pub struct LabelFix {
    /// Old name → new name.
    pub renamed: BTreeMap<String, String>,
    pub files_changed: Vec<PathBuf>,
    /// Files that could not be read or written, with the reason (the others are done).
    pub problems: Vec<String>,
}

/// Rename every invalid label name in the project at `path`.
pub fn fix_labels(path: &Path) -> Result<LabelFix, ProjectError> {
    let (project, _) = Project::open(path)?;
    if !project.holds_lock() {
        return Err(ProjectError::Io {
            path: project.root().to_path_buf(),
            source: std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                project
                    .read_only_reason
                    .clone()
                    .unwrap_or_else(|| "the project cannot be locked".into()),
            ),
        });
    }
    let mut fix = LabelFix::default();
    let config = project.root().join(CONFIG_FILE);
    if config.exists() {
        match fix_config(&config, &mut fix.renamed) {
            Ok(true) => fix.files_changed.push(config),
            Ok(false) => {}
            Err(e) => fix.problems.push(format!("{}:{e}", config.display())),
        }
    }
    let walked = crate::fsio::walk(
        &project.root().join(ANNOTATIONS_DIR),
        &crate::fsio::WalkOptions {
            extensions: &["json"],
            ..Default::default()
        },
    );
    for (p, why) in walked.skipped {
        if p != project.root().join(ANNOTATIONS_DIR) {
            fix.problems.push(format!("{}: {why}", p.display()));
        }
    }
    for file in walked.files {
        match fix_annotation_file(&file, &mut fix.renamed) {
            Ok(true) => fix.files_changed.push(file),
            Ok(false) => {}
            Err(e) => fix.problems.push(format!("{}: {e}", file.display())),
        }
    }
    Ok(fix)
}

/// The new name for a refused one (the same for every file).
fn renamed(old: &str, names: &mut BTreeMap<String, String>) -> Option<String> {
    if Label::new(old).is_ok() {
        return None;
    }
    if let Some(n) = names.get(old) {
        return Some(n.clone());
    }
    let base = Label::sanitize(old).map_or_else(|| "label".to_string(), |(l, _)| l.to_string());
    let mut new = base.clone();
    let mut k = 2;
    while names
        .values()
        .any(|v| *v == new && names.get(old) != Some(v))
    {
        new = format!("{base}_{k}");
        k += 1;
    }
    names.insert(old.to_string(), new.clone());
    Some(new)
}

fn fix_config(path: &Path, names: &mut BTreeMap<String, String>) -> Result<bool, String> {
    let text = crate::fsio::read_regular_string(path, 16 << 20).map_err(|e| e.to_string())?;
    let mut doc: toml::Table = toml::from_str(&text).map_err(|e| {
        let (line, col) = e
            .span()
            .map_or((1, 1), |s| super::config::line_col(&text, s.start));
        format!("{line}:{col}: {}; fix the file first", e.message().trim())
    })?;
    let mut changed = false;
    let mut rename = |v: Option<&mut toml::Value>| {
        if let Some(toml::Value::String(name)) = v
            && let Some(new) = renamed(name, names)
        {
            *name = new;
            changed = true;
        }
    };
    // Label names, relation type names, and the label names relation types and
    // attributes refer to (one rename for each name, as in the annotation files).
    for (section, names_at, lists) in [
        ("labels", true, &[][..]),
        ("relations", true, &["from", "to"][..]),
        ("attributes", false, &["labels"][..]),
    ] {
        let Some(toml::Value::Array(entries)) = doc.get_mut(section) else {
            continue;
        };
        for e in entries.iter_mut() {
            if names_at {
                rename(e.get_mut("name"));
            }
            for list in lists {
                if let Some(toml::Value::Array(items)) = e.get_mut(*list) {
                    for item in items.iter_mut() {
                        rename(Some(item));
                    }
                }
            }
        }
    }
    if changed {
        let body = toml::to_string_pretty(&doc).map_err(|e| e.to_string())?;
        crate::fsio::atomic_write(path, body.as_bytes()).map_err(|e| e.to_string())?;
    }
    Ok(changed)
}

fn fix_annotation_file(path: &Path, names: &mut BTreeMap<String, String>) -> Result<bool, String> {
    let bytes = crate::fsio::read_regular(path, super::MAX_ANNOTATION_FILE_BYTES)
        .map_err(|e| e.to_string())?;
    let mut value: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| format!("line {}: {e}", e.line()))?;
    let mut changed = false;
    for key in ["spans", "relations"] {
        let Some(items) = value.get_mut(key).and_then(|v| v.as_array_mut()) else {
            continue;
        };
        for item in items {
            if let Some(serde_json::Value::String(label)) = item.get_mut("label")
                && let Some(new) = renamed(label, names)
            {
                *label = new;
                changed = true;
            }
        }
    }
    if !changed {
        return Ok(false);
    }
    // Written back in the project's layout (one span per line), parsed first so the
    // file is exactly what Entitle writes.
    let mut out = String::from("{\n");
    let Some(obj) = value.as_object() else {
        return Err("not a JSON object".into());
    };
    let n = obj.len();
    for (i, (k, v)) in obj.iter().enumerate() {
        let body = match v {
            serde_json::Value::Array(items) if !items.is_empty() => {
                let lines: Vec<String> = items.iter().map(|x| format!("    {x}")).collect();
                format!("[\n{}\n  ]", lines.join(",\n"))
            }
            other => other.to_string(),
        };
        out.push_str(&format!(
            "  {}: {body}{}\n",
            serde_json::Value::from(k.as_str()),
            if i + 1 < n { "," } else { "" }
        ));
    }
    out.push_str("}\n");
    crate::fsio::atomic_write(path, out.as_bytes()).map_err(|e| e.to_string())?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_project_with_a_spaced_label_opens_read_only_and_fix_labels_mends_it() {
        let dir = tempfile::tempdir().unwrap();
        let r = dir.path();
        std::fs::write(r.join("a.txt"), "Amal Haddad, Chief Editor, said").unwrap();
        std::fs::write(
            r.join("entitle.toml"),
            "format_version = 1\n[[labels]]\nname = \"PER\"\ncolor = \"#e15759\"\nhotkey = \"1\"\n\n[[labels]]\nname = \"Job Title\"\ncolor = \"#4e79a7\"\nhotkey = \"2\"\n\n[[relations]]\nname = \"works as\"\nfrom = [\"PER\"]\nto = [\"Job Title\"]\n\n[[attributes]]\nname = \"acting\"\nkind = \"flag\"\nlabels = [\"Job Title\"]\n",
        )
        .unwrap();
        // As an older Entitle wrote it after importing "Job Title".
        let doc = crate::model::Document::new(
            crate::model::DocId::new("a").unwrap(),
            "Amal Haddad, Chief Editor, said",
        );
        let ann = format!(
            "{{\n  \"entitle_annotations\": 1,\n  \"document\": \"a\",\n  \"annotator\": \"alice\",\n  \"offset_unit\": \"code-point\",\n  \"text_fingerprint\": \"{}\",\n  \"text_length\": 31,\n  \"status\": \"in-progress\",\n  \"next_span_id\": 3,\n  \"next_relation_id\": 1,\n  \"spans\": [\n    {{\"id\":1,\"start\":0,\"end\":11,\"label\":\"PER\",\"text\":\"Amal Haddad\",\"annotator\":\"alice\",\"created\":\"2026-01-01T00:00:00Z\"}},\n    {{\"id\":2,\"start\":13,\"end\":25,\"label\":\"Job Title\",\"text\":\"Chief Editor\",\"annotator\":\"alice\",\"created\":\"2026-01-01T00:00:00Z\"}}\n  ]\n}}\n",
            doc.fingerprint()
        );
        std::fs::create_dir_all(r.join("annotations/alice")).unwrap();
        std::fs::write(r.join("annotations/alice/a.json"), &ann).unwrap();

        let (p, _) = Project::open(r).unwrap();
        let reason = p.read_only_reason.clone().unwrap();
        assert!(
            reason.contains("entitle.toml:") && reason.contains("fix-labels"),
            "{reason}"
        );
        assert!(
            p.schema().label("Job_Title").is_some(),
            "shown with a usable name"
        );
        drop(p);

        let fix = fix_labels(r).unwrap();
        assert_eq!(
            fix.renamed.get("Job Title").map(String::as_str),
            Some("Job_Title")
        );
        assert_eq!(fix.files_changed.len(), 2, "{fix:?}");
        assert!(fix.problems.is_empty(), "{fix:?}");
        let (p, _) = Project::open(r).unwrap();
        assert!(p.read_only_reason.is_none(), "{:?}", p.read_only_reason);
        // Relation types and attributes follow the names they use.
        let schema = p.schema();
        let works = schema.relation("works_as").unwrap();
        assert_eq!(works.to, [crate::label!("Job_Title")]);
        assert_eq!(
            schema.attribute("acting").unwrap().labels,
            [crate::label!("Job_Title")]
        );
        let parsed = p
            .read_annotations("alice", &crate::model::DocId::new("a").unwrap())
            .unwrap()
            .unwrap();
        let crate::project::Checked::Current { set, repairs } = parsed.check(&doc).unwrap() else {
            panic!()
        };
        assert!(repairs.is_empty());
        let labels: Vec<&str> = set.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(labels, ["PER", "Job_Title"]);
    }
}
