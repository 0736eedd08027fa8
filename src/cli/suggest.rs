//! `entitle suggest`: the app's suggestion engines, headless. They learn from one
//! annotator's spans (and rejections) and propose spans for the chosen documents,
//! written as Entitle JSONL (each span `"status": "suggested"` with its `"source"` and
//! `"score"`) or, with `--apply`, added to the project as waiting suggestions.

use crate::project::{Access, Project};
use crate::suggest::engines::{EngineSet, Engines, load_gazetteers, load_patterns};
use crate::suggest::same_string::SameStringOptions;
use crate::suggest::worker::load_project_examples;
use std::collections::HashMap;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

/// Which documents get suggestions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Documents {
    /// Documents the annotator has no span in yet.
    Unannotated,
    /// Every document.
    All,
}

pub struct Args<'a> {
    pub project: &'a Path,
    pub annotator: Option<&'a str>,
    pub engines: &'a str,
    pub documents: Documents,
    pub output: Option<&'a Path>,
    pub apply: bool,
    pub match_case: bool,
}

pub fn suggest(a: Args<'_>) -> ExitCode {
    let engines = match EngineSet::parse(a.engines) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("entitle: {e}");
            return ExitCode::from(2);
        }
    };
    if a.output.is_some() == a.apply {
        eprintln!(
            "entitle: give --output FILE.jsonl to write the suggestions, or --apply to add them to the project as waiting suggestions (one of the two)"
        );
        return ExitCode::from(2);
    }
    let access = if a.apply { Access::Edit } else { Access::Read };
    let project = match Project::open_with(a.project, access) {
        Ok((p, _)) => p,
        Err(e) => {
            eprintln!("entitle: {e}");
            return ExitCode::from(2);
        }
    };
    if a.apply
        && let Some(reason) = &project.read_only_reason
    {
        eprintln!("entitle: nothing added: {reason}");
        return ExitCode::from(2);
    }
    let annotator = crate::project::sanitize_annotator(
        &a.annotator
            .map(str::to_string)
            .unwrap_or_else(crate::project::default_annotator),
    );
    let mut problems: Vec<String> = Vec::new();
    let (examples, p) = load_project_examples(&project, &annotator);
    problems.extend(p);
    let (gazetteers, gp) = load_gazetteers(project.root());
    problems.extend(gp.iter().map(|p| p.to_string()));
    let (patterns, pp) = load_patterns(project.root());
    problems.extend(pp);
    let built = Engines::build(
        &examples,
        Arc::new(gazetteers),
        Arc::new(patterns),
        SameStringOptions {
            case_sensitive: a.match_case,
            ..Default::default()
        },
        None,
    );
    eprintln!(
        "learned from {} spans in {} documents by {annotator} ({} rejected); {} gazetteer terms, {} patterns; {} ms",
        built.stats.spans,
        built.stats.docs,
        built.stats.rejected,
        built.stats.gazetteer_terms,
        built.stats.patterns,
        built.stats.took.as_millis()
    );
    let known: HashMap<&crate::model::DocId, &crate::suggest::engines::OwnedExample> =
        examples.iter().map(|e| (&e.doc, e)).collect();
    // (document, its text, suggestions) for every chosen document with any.
    let mut found = Vec::new();
    for entry in project.docs() {
        let ex = known.get(&entry.id);
        if a.documents == Documents::Unannotated && ex.is_some_and(|e| !e.spans.is_empty()) {
            continue;
        }
        let doc = match project.load_document(&entry.id) {
            Ok(d) => d,
            Err(e) => {
                problems.push(e.to_string());
                continue;
            }
        };
        let annotated: Vec<_> = ex
            .map(|e| e.spans.iter().map(|(s, _)| *s).collect())
            .unwrap_or_default();
        let rejected = ex.map(|e| e.rejected.clone()).unwrap_or_default();
        let list = built.suggest(doc.text(), &annotated, &rejected, engines);
        found.push((doc, list));
    }
    let total: usize = found.iter().map(|(_, l)| l.len()).sum();
    let docs_with = found.iter().filter(|(_, l)| !l.is_empty()).count();
    let written = if a.apply {
        apply(project, &annotator, &found, &mut problems)
    } else if let Some(out) = a.output {
        write_jsonl(out, &found)
    } else {
        Ok(())
    };
    if let Err(e) = written {
        eprintln!("entitle: {e}");
        return ExitCode::from(2);
    }
    for p in &problems {
        eprintln!("problem: {p}");
    }
    let verb = if a.apply {
        format!("added as waiting suggestions for {annotator}")
    } else {
        format!(
            "written to {}",
            a.output
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        )
    };
    println!(
        "{total} suggestions in {docs_with} of {} documents {verb}",
        found.len()
    );
    if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// One Entitle JSONL record per document: its text and its suggestions.
fn write_jsonl(
    out: &Path,
    found: &[(crate::model::Document, Vec<crate::suggest::Suggestion>)],
) -> Result<(), String> {
    let mut buf = Vec::new();
    for (doc, list) in found {
        let spans: Vec<serde_json::Value> = list
            .iter()
            .map(|s| {
                let mut v = serde_json::json!({
                    "start": s.span.start(),
                    "end": s.span.end(),
                    "label": s.label.as_str(),
                    "text": doc.slice(s.span.range()),
                    "status": "suggested",
                    "source": s.engine.name(),
                    "score": s.score,
                });
                if let (Some(id), Some(o)) = (&s.id, v.as_object_mut()) {
                    o.insert("kb_id".into(), serde_json::Value::String(id.clone()));
                }
                v
            })
            .collect();
        let line = serde_json::json!({
            "id": doc.id.as_str(),
            "text": doc.text(),
            "spans": spans,
        });
        buf.extend_from_slice(line.to_string().as_bytes());
        buf.push(b'\n');
    }
    crate::fsio::atomic_write(out, &buf)
        .map_err(|e| format!("could not write {}: {e}", out.display()))
}

/// Add the suggestions to the project as waiting suggestions (kept in each
/// document's annotation file, shown in the app), through the same edit path as the
/// app; documents that cannot be changed are skipped and named.
fn apply(
    project: Project,
    annotator: &str,
    found: &[(crate::model::Document, Vec<crate::suggest::Suggestion>)],
    problems: &mut Vec<String>,
) -> Result<(), String> {
    use crate::edit::Command;
    use crate::model::Pending;
    let mut session =
        crate::session::Session::new(project, annotator).map_err(|e| e.to_string())?;
    for (doc, list) in found.iter().filter(|(_, l)| !l.is_empty()) {
        session.ensure_open(&doc.id);
        let Some(state) = session.workspace.doc(&doc.id) else {
            continue;
        };
        if let Some(reason) = &state.read_only {
            problems.push(format!("{}: not changed: {reason}", doc.id));
            continue;
        }
        let cmds: Vec<Command> = list
            .iter()
            .filter(|s| {
                !state
                    .set
                    .pending
                    .iter()
                    .any(|p| p.range == s.span && p.label == s.label)
            })
            .map(|s| Command::SetPending {
                doc: doc.id.clone(),
                pending: Pending {
                    range: s.span,
                    label: s.label.clone(),
                    source: s.engine.name().to_string(),
                    score: s.score,
                },
                present: true,
            })
            .collect();
        if cmds.is_empty() {
            continue;
        }
        if let Err(e) = session
            .workspace
            .apply(Command::Batch(cmds), "Suggestions from entitle suggest")
        {
            problems.push(format!("{}: {e}", doc.id));
        }
    }
    for n in session.take_notices() {
        problems.push(n.text);
    }
    if session.flush(std::time::Duration::from_secs(60)) {
        Ok(())
    } else {
        Err("the suggestions could not all be saved; nothing else was changed".into())
    }
}
