//! `entitle agree`: inter-annotator agreement on a project (see [`crate::agree`]).
//! A table on standard output, or `--json` (the [`crate::agree::Report`], keys
//! documented in the README). Exit 0; 1 when documents could not be compared because a
//! file could not be read (the figures leave them out and each is named); 2 for usage
//! and I/O errors.

use crate::agree::{Coefficients, Options, Report, TagMode};
use crate::project::Project;
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

/// How tokens are labelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Tags {
    /// IOB2 tags: B-PER and I-PER differ.
    Iob2,
    /// Entity types only: B-PER and I-PER are both PER.
    Type,
}

pub struct Args<'a> {
    pub project: &'a Path,
    pub annotators: Option<&'a str>,
    pub labels: Option<&'a str>,
    pub documents: Option<&'a str>,
    pub tags: Tags,
    pub json: bool,
}

fn list(s: Option<&str>) -> Option<Vec<String>> {
    s.map(|s| {
        s.split(',')
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(str::to_string)
            .collect()
    })
}

pub fn agree(a: Args<'_>) -> ExitCode {
    match run(&a) {
        Ok((text, problems)) => {
            print!("{text}");
            for p in &problems {
                eprintln!("problem: {p}");
            }
            if problems.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) => {
            eprintln!("entitle: {e}");
            ExitCode::from(2)
        }
    }
}

/// The output and the problems (documents skipped because a file could not be read).
fn run(a: &Args<'_>) -> Result<(String, Vec<String>), String> {
    let (project, _) = Project::open_read_only(a.project).map_err(|e| e.to_string())?;
    let known = project.annotators();
    let annotators = match list(a.annotators) {
        Some(names) => {
            for n in &names {
                if !known.contains(n) {
                    return Err(format!(
                        "{n} has no annotations in {} (annotators: {})",
                        project.root().display(),
                        if known.is_empty() {
                            "none".to_string()
                        } else {
                            known.join(", ")
                        }
                    ));
                }
            }
            names
        }
        None => crate::agree::default_annotators(&project),
    };
    let mut unique = annotators.clone();
    unique.sort();
    unique.dedup();
    if unique.len() < 2 {
        return Err(format!(
            "agreement needs at least two annotators; {} has {} to compare ({}); name them with --annotators A,B",
            project.root().display(),
            unique.len(),
            if unique.is_empty() {
                "none".to_string()
            } else {
                unique.join(", ")
            }
        ));
    }
    if unique.len() != annotators.len() {
        return Err("an annotator is named twice in --annotators".into());
    }
    let labels = list(a.labels);
    if labels.as_ref().is_some_and(|l| l.is_empty()) {
        return Err("--labels needs at least one label".into());
    }
    let options = Options {
        tags: match a.tags {
            Tags::Iob2 => TagMode::Iob2,
            Tags::Type => TagMode::Type,
        },
        labels,
        ..Default::default()
    };
    let documents = list(a.documents);
    let report =
        crate::agree::compute_project(&project, &annotators, &options, documents.as_deref())?;
    // A missing file is how a document is left out, not a problem; an unreadable one is.
    let problems: Vec<String> = report
        .skipped
        .iter()
        .filter(|s| !s.reason.ends_with("has no annotation file for it"))
        .map(|s| format!("{}: not compared: {}", s.id, s.reason))
        .collect();
    let out = if a.json {
        let mut s = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
        s.push('\n');
        s
    } else {
        table(&report)
    };
    Ok((out, problems))
}

fn num(x: Option<f64>) -> String {
    x.map_or_else(|| "n/a".to_string(), |v| format!("{v:.3}"))
}

fn coeff_cells(c: &Coefficients) -> String {
    format!(
        "{:>7} {:>7} {:>7} {:>7}",
        num(c.kappa),
        num(c.pi),
        num(c.alpha),
        num(c.ao)
    )
}

/// The readable report.
pub fn table(r: &Report) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Agreement of {} on {} documents, {} tokens ({} where someone tagged); tags: {}",
        r.annotators.join(", "),
        r.documents,
        r.tokens,
        r.tokens_without_o,
        match r.tags {
            TagMode::Iob2 => "IOB2",
            TagMode::Type => "type only",
        }
    );
    let _ = writeln!(
        s,
        "kappa: Cohen (mean over pairs); pi: Scott/Fleiss; alpha: Krippendorff; Ao: observed.\n\"without O\": only tokens where at least one annotator tagged an entity.\n"
    );
    let width = r.labels.iter().map(|l| l.len()).max().unwrap_or(0).max(8);
    let _ = writeln!(
        s,
        "{:<width$}  {:>7} {:>7} {:>7} {:>7} | {:>7} {:>7} {:>7} {:>7} | {:>7} {:>7}",
        "", "kappa", "pi", "alpha", "Ao", "kappa", "pi", "alpha", "Ao", "F1", "F1"
    );
    let _ = writeln!(
        s,
        "{:<width$}  {:^31} | {:^31} | {:>7} {:>7}",
        "label", "with O", "without O", "exact", "overlap"
    );
    let row = |s: &mut String, name: &str, f: &crate::agree::Figures| {
        let _ = writeln!(
            s,
            "{name:<width$}  {} | {} | {:>7} {:>7}",
            coeff_cells(&f.with_o),
            coeff_cells(&f.without_o),
            num(f.spans_exact_f1),
            num(f.spans_overlap_f1)
        );
    };
    row(&mut s, "overall", &r.overall);
    for l in &r.per_label {
        row(&mut s, &l.label, &l.figures);
    }
    let _ = writeln!(s, "\nRelations F1 (exact ends): {}", num(r.relations.f1));
    for t in &r.relations.per_type {
        let _ = writeln!(
            s,
            "  {:<16} {:>7}  counts {:?}",
            t.kind,
            num(t.f1),
            t.counts
        );
    }
    let _ = writeln!(s, "\nPairs (first as reference):");
    for p in &r.pairs {
        let _ = writeln!(
            s,
            "  {} / {}: kappa {}, Ao {}, spans exact P {} R {} F1 {}, overlap F1 {}, relations F1 {}",
            p.a,
            p.b,
            num(p.kappa),
            num(p.ao),
            num(p.spans_exact.precision),
            num(p.spans_exact.recall),
            num(p.spans_exact.f1),
            num(p.spans_overlap.f1),
            num(p.relations.f1)
        );
    }
    let _ = writeln!(s, "\nSpans per label:");
    let _ = writeln!(
        s,
        "  {:<width$} {}",
        "",
        r.annotators
            .iter()
            .map(|a| format!("{a:>10}"))
            .collect::<String>()
    );
    for (l, name) in r.labels.iter().enumerate() {
        let cells: String = r
            .span_counts
            .iter()
            .map(|row| format!("{:>10}", row.get(l).copied().unwrap_or(0)))
            .collect();
        let _ = writeln!(s, "  {name:<width$} {cells}");
    }
    let _ = writeln!(
        s,
        "\nDocuments, worst first (kappa, alpha without O, exact F1):"
    );
    for i in r.worst_documents() {
        let d = &r.per_document[i];
        let _ = writeln!(
            s,
            "  {}  kappa {}  alpha w/o O {}  F1 {}  tokens {}  spans {:?}",
            d.id,
            num(d.figures.with_o.kappa),
            num(d.figures.without_o.alpha),
            num(d.figures.spans_exact_f1),
            d.tokens,
            d.spans
        );
    }
    if !r.skipped.is_empty() {
        let _ = writeln!(s, "\nNot compared ({}):", r.skipped.len());
        for k in &r.skipped {
            let _ = writeln!(s, "  {}: {}", k.id, k.reason);
        }
    }
    s
}
