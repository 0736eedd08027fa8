//! `convert`, `import`, `export`, `validate`, `stats`.

use crate::formats::{
    self, Format, FormatError, ReadOptions, Record, Scheme, Warning, WriteOptions,
};
use crate::project::Project;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// A progress line on a terminal; nothing when stderr is piped.
fn progress(what: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new_spinner();
    pb.set_style(
        ProgressStyle::with_template("{spinner} {msg} {pos} documents ({per_sec}, {elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    pb.set_message(what.to_string());
    pb.enable_steady_tick(std::time::Duration::from_millis(120));
    pb
}

fn warn_all(pb: &ProgressBar, warnings: &[Warning]) {
    for w in warnings {
        pb.suspend(|| eprintln!("warning: {w}"));
    }
}

fn error(pb: &ProgressBar, e: &dyn std::fmt::Display) {
    pb.suspend(|| eprintln!("error: {e}"));
}

/// Totals of a run, for the last line.
#[derive(Default)]
struct Tally {
    docs: usize,
    spans: usize,
    warnings: usize,
    errors: usize,
}

impl Tally {
    /// One document done: its warnings shown, the counts and the progress bar moved on.
    fn done(&mut self, pb: &ProgressBar, spans: usize, warnings: &[Warning]) {
        warn_all(pb, warnings);
        self.warnings += warnings.len();
        self.docs += 1;
        self.spans += spans;
        pb.inc(1);
    }
    fn exit(&self) -> ExitCode {
        if self.errors > 0 {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        }
    }
}

/// The output's writer, or the exit code after saying why it cannot be written.
fn open_writer(
    format: Format,
    output: &Path,
    options: &WriteOptions,
) -> Result<Box<dyn formats::Writer>, ExitCode> {
    formats::writer(format, output, options).map_err(|e| {
        eprintln!("entitle: {e}");
        ExitCode::from(2)
    })
}

fn read_options(annotator: Option<&str>) -> ReadOptions {
    ReadOptions {
        annotator: annotator.map_or_else(
            crate::project::default_annotator,
            crate::project::sanitize_annotator,
        ),
        created: chrono::Utc::now(),
        ..ReadOptions::default()
    }
}

pub fn convert(
    inputs: &[PathBuf],
    from: Format,
    to: Format,
    output: &Path,
    scheme: Scheme,
) -> ExitCode {
    if !from.can_import() {
        eprintln!("entitle: {from} is an export-only format; it cannot be read");
        return ExitCode::from(2);
    }
    let options = WriteOptions {
        scheme,
        schema: None,
        prodigy_ner: false,
    };
    let mut writer = match open_writer(to, output, &options) {
        Ok(w) => w,
        Err(code) => return code,
    };
    let pb = progress(&format!("{from} → {to}"));
    let mut t = Tally::default();
    let written =
        formats::stream::convert(from, inputs, &read_options(None), writer.as_mut(), |item| {
            match item {
                Ok(done) => t.done(&pb, done.spans, &done.warnings),
                Err(e) => {
                    t.errors += 1;
                    error(&pb, &e);
                }
            }
        });
    if let Err(e) = written {
        pb.finish_and_clear();
        eprintln!("entitle: {e}; nothing was written");
        return ExitCode::from(2);
    }
    match writer.finish() {
        Ok(w) => {
            t.warnings += w.len();
            warn_all(&pb, &w);
        }
        Err(e) => {
            pb.finish_and_clear();
            eprintln!("entitle: {e}; nothing was written");
            return ExitCode::from(2);
        }
    }
    pb.finish_and_clear();
    eprintln!(
        "entitle: {} documents, {} spans converted from {from} to {to} into {}; {} warnings, {} errors",
        t.docs,
        t.spans,
        output.display(),
        t.warnings,
        t.errors
    );
    t.exit()
}

fn open_project(path: &Path) -> Result<Project, ExitCode> {
    Project::open(path).map(|(p, _)| p).map_err(|e| {
        eprintln!("entitle: {e}");
        ExitCode::from(2)
    })
}

pub fn import(
    project: &Path,
    inputs: &[PathBuf],
    format: Format,
    annotator: Option<&str>,
) -> ExitCode {
    if !format.can_import() {
        eprintln!("entitle: {format} is an export-only format; it cannot be imported");
        return ExitCode::from(2);
    }
    if !project.exists()
        && let Err(e) = std::fs::create_dir_all(project)
    {
        eprintln!(
            "entitle: cannot create the project folder {}: {e}",
            project.display()
        );
        return ExitCode::from(2);
    }
    let mut p = match open_project(project) {
        Ok(p) => p,
        Err(code) => return code,
    };
    if let Some(reason) = &p.read_only_reason {
        eprintln!("entitle: {}: {reason}", p.root().display());
        return ExitCode::from(2);
    }
    let annotator = read_options(annotator).annotator;
    let pb = progress(&format!("importing {format}"));
    let mut t = Tally::default();
    for item in formats::read(format, inputs, &read_options(Some(&annotator))) {
        match item {
            Ok(rec) => match p.import_record(&annotator, &rec) {
                Ok(done) => t.done(&pb, done.spans, &done.warnings),
                Err(crate::project::ImportError::Conflict(m)) => {
                    t.errors += 1;
                    error(&pb, &format!("{}: {m}", rec.origin.path.display()));
                }
                Err(e) => {
                    pb.finish_and_clear();
                    eprintln!("entitle: {e}");
                    return ExitCode::from(2);
                }
            },
            Err(e) => {
                t.errors += 1;
                error(&pb, &e);
            }
        }
    }
    pb.finish_and_clear();
    eprintln!(
        "entitle: imported {} documents with {} spans into {} as {annotator}; {} warnings, {} errors",
        t.docs,
        t.spans,
        p.root().display(),
        t.warnings,
        t.errors
    );
    t.exit()
}

pub fn export(
    project: &Path,
    format: Format,
    output: &Path,
    scheme: Scheme,
    annotator: Option<&str>,
) -> ExitCode {
    let p = match open_project(project) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let annotators = p.annotators();
    let annotator = match annotator {
        Some(a) => Some(crate::project::sanitize_annotator(a)),
        None if annotators.len() <= 1 => annotators.first().cloned(),
        None => {
            eprintln!(
                "entitle: {} has annotations by {}; choose one with --annotator NAME",
                p.root().display(),
                annotators.join(", ")
            );
            return ExitCode::from(2);
        }
    };
    if let Some(a) = &annotator
        && !annotators.contains(a)
    {
        eprintln!(
            "entitle: {} has no annotations by {a:?} (annotators: {})",
            p.root().display(),
            if annotators.is_empty() {
                "none".to_string()
            } else {
                annotators.join(", ")
            }
        );
        return ExitCode::from(2);
    }
    let options = WriteOptions {
        scheme,
        schema: Some(p.schema()),
        prodigy_ner: false,
    };
    let mut writer = match open_writer(format, output, &options) {
        Ok(w) => w,
        Err(code) => return code,
    };
    let pb = progress(&format!("exporting {format}"));
    let mut t = Tally::default();
    for d in p.docs() {
        match p.export_record(&d.id, annotator.as_deref()) {
            Ok(rec) => {
                match writer.write(&rec) {
                    Ok(w) => {
                        t.warnings += w.len();
                        warn_all(&pb, &w);
                    }
                    Err(e) => {
                        pb.finish_and_clear();
                        eprintln!("entitle: {e}; nothing was written");
                        return ExitCode::from(2);
                    }
                }
                t.docs += 1;
                t.spans += rec.set.len();
                pb.inc(1);
            }
            Err(e) => {
                t.errors += 1;
                error(&pb, &e);
            }
        }
    }
    if let Err(e) = writer.finish().map(|w| warn_all(&pb, &w)) {
        pb.finish_and_clear();
        eprintln!("entitle: {e}; nothing was written");
        return ExitCode::from(2);
    }
    pb.finish_and_clear();
    eprintln!(
        "entitle: exported {} documents, {} spans{} as {format} to {}; {} warnings, {} errors",
        t.docs,
        t.spans,
        annotator.map(|a| format!(" by {a}")).unwrap_or_default(),
        output.display(),
        t.warnings,
        t.errors
    );
    t.exit()
}

pub fn validate(inputs: &[PathBuf], format: Format) -> ExitCode {
    if !format.can_import() {
        eprintln!(
            "entitle: {format} is an export-only format; there is nothing to validate against"
        );
        return ExitCode::from(2);
    }
    let mut t = Tally::default();
    let mut problems: Vec<FormatError> = Vec::new();
    // Parsed on every core; reported in input order.
    formats::stream::read(format, inputs, &ReadOptions::default(), |item| match item {
        Ok(rec) => {
            t.docs += 1;
            t.spans += rec.set.len();
            report_record_warnings(&rec);
        }
        Err(e) => problems.push(e),
    });
    for p in &problems {
        println!("{p}");
    }
    eprintln!(
        "entitle: {} documents, {} spans read; {} problems",
        t.docs,
        t.spans,
        problems.len()
    );
    if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn report_record_warnings(rec: &Record) {
    for w in &rec.warnings {
        eprintln!("{}: warning: {w}", rec.origin.path.display());
    }
}

pub fn stats(project: &Path, json: bool) -> ExitCode {
    let p = match open_project(project) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let st = p.stats();
    if json {
        match serde_json::to_string_pretty(&st) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("entitle: {e}");
                return ExitCode::from(2);
            }
        }
        return ExitCode::SUCCESS;
    }
    println!(
        "{}: {} documents, {} spans, {} relations",
        st.project, st.documents, st.spans, st.relations
    );
    println!("\nspans per label");
    for (l, n) in &st.labels {
        println!("  {l:<16} {n:>8}");
    }
    println!("\nper annotator        documents    spans relations");
    for (a, s) in &st.annotators {
        println!(
            "  {a:<18} {:>9} {:>8} {:>9}",
            s.documents, s.spans, s.relations
        );
    }
    println!("\nper document");
    for (d, per) in &st.per_document {
        for (a, s) in per {
            let labels: Vec<String> = s.labels.iter().map(|(l, n)| format!("{l} {n}")).collect();
            println!(
                "  {d}  [{a}, {}]  {} spans: {}",
                s.status.name(),
                s.spans,
                labels.join(", ")
            );
        }
    }
    ExitCode::SUCCESS
}
