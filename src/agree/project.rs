//! Agreement over a project folder: read every compared annotator's file of each
//! document, then [`super::compute`].

use super::{DocInput, Options, Report, Skipped};
use crate::model::{AnnotationSet, DocId};
use crate::project::{Checked, Project};

/// The annotators compared by default: every annotator with a folder except `gold`
/// (a reference layer, not an annotator), sorted.
pub fn default_annotators(project: &Project) -> Vec<String> {
    project
        .annotators()
        .into_iter()
        .filter(|a| a != "gold")
        .collect()
}

/// Whether `given` names document `id` (`docs/report` or just `report`).
fn names(given: &str, id: &DocId) -> bool {
    given == id.as_str() || id.as_str().strip_prefix("docs/") == Some(given)
}

/// Agreement between `annotators` on `project`: the documents every one of them has
/// a file for (only those named in `documents`, when given). The schema gives the
/// label order and the symmetric relation types unless `options` already lists them.
/// Documents that cannot be compared (no file for someone, a text that cannot be read,
/// a damaged file, a text changed since annotating) are in [`Report::skipped`]. `Err`
/// names a document in `documents` that the project does not have.
pub fn compute_project(
    project: &Project,
    annotators: &[String],
    options: &Options,
    documents: Option<&[String]>,
) -> Result<Report, String> {
    if let Some(wanted) = documents {
        for w in wanted {
            if !project.docs().iter().any(|d| names(w, &d.id)) {
                return Err(format!("the project has no document {w}"));
            }
        }
    }
    let mut options = options.clone();
    let schema = project.schema();
    if options.label_order.is_empty() {
        options.label_order = schema.labels.iter().map(|l| l.name.to_string()).collect();
    }
    if options.symmetric_relations.is_empty() {
        options.symmetric_relations = schema
            .relations
            .iter()
            .filter(|r| r.symmetric)
            .map(|r| r.name.to_string())
            .collect();
    }
    let entries: Vec<&crate::project::DocEntry> = project
        .docs()
        .iter()
        .filter(|e| documents.is_none_or(|w| w.iter().any(|x| names(x, &e.id))))
        .collect();
    // Reading and checking files is most of the time: spread it over the cores, keeping
    // the project's order.
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(entries.len() / 64 + 1);
    let chunk = entries.len().div_ceil(threads.max(1)).max(1);
    let results: Vec<Loaded> = std::thread::scope(|s| {
        let handles: Vec<_> = entries
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || {
                    part.iter()
                        .map(|e| load(project, annotators, e))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    let mut skipped = Vec::new();
    let mut loaded = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok(x) => loaded.push(x),
            Err(s) => skipped.push(s),
        }
    }
    let inputs: Vec<DocInput<'_>> = loaded
        .iter()
        .map(|(id, doc, sets)| DocInput {
            id: id.as_str(),
            text: doc.text(),
            layers: sets,
        })
        .collect();
    let mut report = super::compute(annotators, &inputs, &options);
    report.skipped.extend(skipped);
    Ok(report)
}

type Loaded = Result<(DocId, crate::model::Document, Vec<AnnotationSet>), Skipped>;

/// One document and every annotator's checked set, or why it cannot be compared.
fn load(project: &Project, annotators: &[String], entry: &crate::project::DocEntry) -> Loaded {
    let skip = |reason: String| Skipped {
        id: entry.id.to_string(),
        reason,
    };
    let mut parsed = Vec::with_capacity(annotators.len());
    for a in annotators {
        match project.read_annotations(a, &entry.id) {
            Ok(Some(p)) => parsed.push(p),
            Ok(None) => return Err(skip(format!("{a} has no annotation file for it"))),
            Err((path, e)) => return Err(skip(e.located(&path).to_string())),
        }
    }
    let doc = project
        .load_document(&entry.id)
        .map_err(|e| skip(e.to_string()))?;
    let mut sets = Vec::with_capacity(parsed.len());
    for (a, p) in annotators.iter().zip(parsed) {
        match p.check(&doc) {
            Ok(Checked::Current { set, .. }) => sets.push(set),
            Ok(Checked::TextChanged(_)) => {
                return Err(skip(format!(
                    "the text changed since {a} annotated it; open it in the app and re-anchor the spans"
                )));
            }
            Err(e) => {
                return Err(skip(format!(
                    "{}: {e}",
                    project.annotation_path(a, &entry.id).display()
                )));
            }
        }
    }
    Ok((entry.id.clone(), doc, sets))
}
