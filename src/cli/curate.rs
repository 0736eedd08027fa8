//! `entitle curate PROJECT --annotators A,B --into gold [--take-agreed]`: the agreed
//! spans of two annotators into a gold layer, headless, through the same edit path as
//! the app's curation view ([`crate::curate`]). Without `--take-agreed` nothing is
//! written: the disagreements left to curate are listed.

use crate::curate::{Curation, compare, read_layer};
use crate::model::AnnotationSet;
use crate::project::{Access, Project, sanitize_annotator};
use std::path::Path;
use std::process::ExitCode;

pub struct Args<'a> {
    pub project: &'a Path,
    pub annotators: &'a [String],
    pub into: &'a str,
    pub take_agreed: bool,
    pub curator: Option<&'a str>,
}

pub fn curate(a: Args<'_>) -> ExitCode {
    let names: Vec<String> = a.annotators.iter().map(|n| sanitize_annotator(n)).collect();
    let into = sanitize_annotator(a.into);
    if names.len() != 2 || names[0] == names[1] {
        eprintln!(
            "entitle: --annotators takes two different annotators, e.g. --annotators alice,bob"
        );
        return ExitCode::from(2);
    }
    if names.contains(&into) {
        eprintln!(
            "entitle: --into {into} is one of the layers being curated; choose another name (e.g. gold)"
        );
        return ExitCode::from(2);
    }
    let access = if a.take_agreed {
        Access::Edit
    } else {
        Access::Read
    };
    let project = match Project::open_with(a.project, access) {
        Ok((p, _)) => p,
        Err(e) => {
            eprintln!("entitle: {e}");
            return ExitCode::from(2);
        }
    };
    let have = project.annotators();
    for n in &names {
        if !have.contains(n) {
            eprintln!(
                "entitle: {} has no annotations by {n} (annotators: {})",
                project.root().display(),
                have.join(", ")
            );
            return ExitCode::from(2);
        }
    }
    if a.take_agreed
        && let Some(reason) = &project.read_only_reason
    {
        eprintln!("entitle: nothing written: {reason}");
        return ExitCode::from(2);
    }
    let curator = sanitize_annotator(
        &a.curator
            .map(str::to_string)
            .unwrap_or_else(crate::project::default_annotator),
    );
    let (work, mut problems) = read_work(&project, &names);
    let mut session = if a.take_agreed {
        match crate::session::Session::new(project, &into) {
            Ok(s) => Some(s),
            Err(e) => {
                eprintln!("entitle: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        None
    };
    let (mut taken, mut open) = (0usize, 0usize);
    for (doc, la, lb) in &work {
        let cmp = compare(la, lb);
        let cur = Curation {
            doc: &doc.id,
            a: la,
            b: lb,
            a_name: &names[0],
            b_name: &names[1],
            curator: &curator,
            now: chrono::Utc::now(),
        };
        let added = session
            .as_mut()
            .map_or(0, |s| apply_agreed(s, &cur, &mut problems));
        taken += added;
        open += cmp.units.len();
        if cmp.units.is_empty() && added == 0 {
            continue;
        }
        println!(
            "{}: {} agreed{}, {} disagreement{}",
            doc.id,
            cmp.agreed.len(),
            if a.take_agreed {
                format!(" ({added} added to {into})")
            } else {
                String::new()
            },
            cmp.units.len(),
            if cmp.units.len() == 1 { "" } else { "s" }
        );
        print_units(doc, &cmp, la, lb, &names);
    }
    if let Some(mut s) = session {
        for n in s.take_notices() {
            problems.push(n.text);
        }
        if !s.flush(std::time::Duration::from_secs(60)) {
            problems.push(format!("the {into} layer could not all be saved"));
        }
    }
    println!(
        "{} documents compared, {open} disagreements to curate{}",
        work.len(),
        if a.take_agreed {
            format!("; {taken} agreed spans added to annotations/{into}/ (curator {curator})")
        } else {
            "; nothing written (add --take-agreed to put the agreed spans in the gold layer)".into()
        }
    );
    for p in &problems {
        eprintln!("entitle: {p}");
    }
    if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Both layers of every document either annotator has a file for, and the problems.
type Work = Vec<(crate::model::Document, AnnotationSet, AnnotationSet)>;

fn read_work(project: &Project, names: &[String]) -> (Work, Vec<String>) {
    let mut problems = Vec::new();
    let mut work = Vec::new();
    for entry in project.docs() {
        let doc = match project.load_document(&entry.id) {
            Ok(d) => d,
            Err(e) => {
                problems.push(e.to_string());
                continue;
            }
        };
        let la = read_layer(project, &names[0], &doc);
        let lb = read_layer(project, &names[1], &doc);
        match (la, lb) {
            (Ok(None), Ok(None)) => {}
            (Ok(x), Ok(y)) => work.push((doc, x.unwrap_or_default(), y.unwrap_or_default())),
            (Err(e), _) | (_, Err(e)) => problems.push(e),
        }
    }
    (work, problems)
}

/// One line per disagreement: where, what kind, what each layer has there.
fn print_units(
    doc: &crate::model::Document,
    cmp: &crate::curate::Comparison,
    la: &AnnotationSet,
    lb: &AnnotationSet,
    names: &[String],
) {
    let show = |set: &AnnotationSet, ids: &[crate::model::SpanId]| {
        ids.iter()
            .filter_map(|id| set.get(*id))
            .map(|s| format!("{} “{}”", s.label, doc.slice(s.range.range())))
            .collect::<Vec<_>>()
            .join(" + ")
    };
    for u in &cmp.units {
        println!(
            "  {}..{} {}: {}: {} | {}: {}",
            u.range.start,
            u.range.end,
            u.kind.describe(&names[0], &names[1]),
            names[0],
            none_if_empty(show(la, &u.a)),
            names[1],
            none_if_empty(show(lb, &u.b)),
        );
    }
}

/// The agreed spans of one document into the gold layer (one undo step, saved with
/// the session); how many spans went in.
fn apply_agreed(
    s: &mut crate::session::Session,
    cur: &Curation<'_>,
    problems: &mut Vec<String>,
) -> usize {
    s.ensure_open(cur.doc);
    let Some(d) = s.workspace.doc(cur.doc) else {
        return 0;
    };
    if let Some(why) = &d.read_only {
        problems.push(format!("{}: not changed: {why}", cur.doc));
        return 0;
    }
    let Some(cmd) = cur.take_agreed(&d.set) else {
        return 0;
    };
    let added = count_spans(&cmd);
    match s.workspace.apply(cmd, "Take agreed spans") {
        Ok(_) => added,
        Err(e) => {
            problems.push(format!("{}: {e}", cur.doc));
            0
        }
    }
}

fn none_if_empty(s: String) -> String {
    if s.is_empty() { "—".into() } else { s }
}

fn count_spans(cmd: &crate::edit::Command) -> usize {
    use crate::edit::Command;
    match cmd {
        Command::AddSpan { .. } => 1,
        Command::Batch(v) => v.iter().map(count_spans).sum(),
        _ => 0,
    }
}
