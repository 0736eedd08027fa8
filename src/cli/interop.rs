//! `convert`, `import`, `export`, `validate`, `stats`, `fix-labels`.
//!
//! Promises every verb keeps: a missing input is exit 2 before anything is created; an
//! output appears whole or not at all (and an existing output is only replaced by a
//! complete new one); every problem is one line naming the file and line.

use super::{ReadArgs, WriteArgs};
use crate::formats::{self, Format, FormatError, ReadOptions, Record, Warning, WriteOptions};
use crate::project::interop::ExportEvent;
use crate::project::{Access, Added, ImportError, ImportSource, Importer, Project};
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::HashMap;
use std::io::IsTerminal;
use std::ops::ControlFlow;
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

/// How many times the same warning (same item and reason, any document) is printed
/// before the rest are only counted: a label renamed in 10,000 documents is one line
/// and a count, not 10,000 lines.
const SAME_WARNING_SHOWN: usize = 3;

/// Totals of a run, for the last line, and what was printed.
#[derive(Default)]
struct Tally {
    pub docs: usize,
    pub spans: usize,
    pub warnings: usize,
    pub errors: usize,
    /// Items skipped on purpose, by reason (e.g. Prodigy answers).
    pub skipped: HashMap<String, usize>,
    seen: HashMap<(String, String), usize>,
    quiet: usize,
}

impl Tally {
    fn warn_all(&mut self, pb: &ProgressBar, warnings: &[Warning]) {
        for w in warnings {
            self.warnings += 1;
            let n = self
                .seen
                .entry((w.item.clone(), w.reason.clone()))
                .or_default();
            *n += 1;
            if *n <= SAME_WARNING_SHOWN {
                pb.suspend(|| eprintln!("warning: {w}"));
            } else {
                self.quiet += 1;
            }
        }
    }
    /// One document done: its warnings shown, the counts and the progress bar moved on.
    fn done(&mut self, pb: &ProgressBar, spans: usize, warnings: &[Warning]) {
        self.warn_all(pb, warnings);
        self.docs += 1;
        self.spans += spans;
        pb.inc(1);
    }
    /// A reader's error item: an error, or an item skipped on purpose.
    fn problem(&mut self, pb: &ProgressBar, e: &FormatError) {
        if e.skipped {
            *self.skipped.entry(e.message.clone()).or_default() += 1;
        } else {
            self.errors += 1;
            pb.suspend(|| eprintln!("error: {e}"));
        }
    }
    /// `; 3 warnings (12 more like the ones shown), 1 error, 40 skipped (…)`.
    fn totals(&self) -> String {
        let mut s = format!("{} warnings", self.warnings);
        if self.quiet > 0 {
            s.push_str(&format!(
                " ({} not shown: repeats of ones shown)",
                self.quiet
            ));
        }
        s.push_str(&format!(", {} errors", self.errors));
        let skipped: usize = self.skipped.values().sum();
        if skipped > 0 {
            let mut reasons: Vec<(&String, &usize)> = self.skipped.iter().collect();
            reasons.sort();
            let list: Vec<String> = reasons.iter().map(|(r, n)| format!("{n} × {r}")).collect();
            s.push_str(&format!(", {skipped} skipped ({})", list.join("; ")));
        }
        s
    }
    fn exit(&self) -> ExitCode {
        if self.errors > 0 {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        }
    }
}

fn read_options(annotator: Option<&str>, args: &ReadArgs) -> ReadOptions {
    ReadOptions {
        annotator: annotator.map_or_else(
            crate::project::default_annotator,
            crate::project::sanitize_annotator,
        ),
        created: chrono::Utc::now(),
        keep_rejected: args.keep_rejected,
        webanno_layers: args.webanno_layers.clone(),
    }
}

fn write_options(args: &WriteArgs, schema: Option<crate::model::Schema>) -> WriteOptions {
    WriteOptions {
        scheme: args.scheme,
        schema,
        prodigy_ner: args.prodigy_ner,
    }
}

/// Every input must exist before anything is created (no output, no project folder).
fn check_inputs(inputs: &[PathBuf]) -> Result<(), ExitCode> {
    for i in inputs {
        if std::fs::symlink_metadata(i).is_err() {
            eprintln!(
                "entitle: {} does not exist; check the path. Nothing was written",
                i.display()
            );
            return Err(ExitCode::from(2));
        }
    }
    Ok(())
}

/// The output's writer, or the exit code after saying why it cannot be written.
fn open_writer(
    format: Format,
    output: &Path,
    options: &WriteOptions,
) -> Result<Box<dyn formats::Writer>, ExitCode> {
    formats::writer(format, output, options).map_err(|e| {
        eprintln!("entitle: {e}; nothing was written");
        ExitCode::from(2)
    })
}

pub fn convert(
    inputs: &[PathBuf],
    from: Format,
    to: Format,
    output: &Path,
    read: &ReadArgs,
    write: &WriteArgs,
    annotator: Option<&str>,
) -> ExitCode {
    if !from.can_import() {
        eprintln!("entitle: {from} is an export-only format; it cannot be read");
        return ExitCode::from(2);
    }
    if let Err(code) = check_inputs(inputs) {
        return code;
    }
    let mut writer = match open_writer(to, output, &write_options(write, None)) {
        Ok(w) => w,
        Err(code) => return code,
    };
    let pb = progress(&format!("{from} → {to}"));
    let mut t = Tally::default();
    let written = formats::stream::convert(
        from,
        inputs,
        &read_options(annotator, read),
        writer.as_mut(),
        |item| match item {
            Ok(done) => t.done(&pb, done.spans, &done.warnings),
            Err(e) => t.problem(&pb, &e),
        },
    );
    if let Err(e) = written {
        pb.finish_and_clear();
        eprintln!("entitle: {e}; nothing was written");
        return ExitCode::from(2);
    }
    if t.docs == 0 && t.errors > 0 {
        // Every input failed: an existing output is left as it was.
        pb.finish_and_clear();
        eprintln!(
            "entitle: no document could be read ({}); nothing was written",
            t.totals()
        );
        return ExitCode::from(1);
    }
    match writer.finish() {
        Ok(w) => t.warn_all(&pb, &w),
        Err(e) => {
            pb.finish_and_clear();
            eprintln!("entitle: {e}; nothing was written");
            return ExitCode::from(2);
        }
    }
    pb.finish_and_clear();
    eprintln!(
        "entitle: {} documents, {} spans converted from {from} to {to} into {}; {}",
        t.docs,
        t.spans,
        output.display(),
        t.totals()
    );
    t.exit()
}

/// Open (creating the folder if needed) a project to import into.
fn project_to_import_into(project: &Path) -> Result<Project, ExitCode> {
    if !project.exists()
        && let Err(e) = std::fs::create_dir_all(project)
    {
        eprintln!(
            "entitle: cannot create the project folder {}: {e}",
            project.display()
        );
        return Err(ExitCode::from(2));
    }
    let p = Project::open(project).map(|(p, _)| p).map_err(|e| {
        eprintln!("entitle: {e}");
        ExitCode::from(2)
    })?;
    if let Some(reason) = &p.read_only_reason {
        eprintln!(
            "entitle: {}: {reason}. Nothing was imported",
            p.root().display()
        );
        return Err(ExitCode::from(2));
    }
    Ok(p)
}

pub fn import(
    project: &Path,
    inputs: &[PathBuf],
    format: Format,
    annotator: Option<&str>,
    read: &ReadArgs,
) -> ExitCode {
    if !format.can_import() {
        eprintln!("entitle: {format} is an export-only format; it cannot be imported");
        return ExitCode::from(2);
    }
    if let Err(code) = check_inputs(inputs) {
        return code;
    }
    let mut p = match project_to_import_into(project) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let options = read_options(annotator, read);
    let source = import_source(format, inputs, &options);
    let mut importer = match begin_import(&mut p, source) {
        Ok(im) => im,
        Err(code) => return code,
    };
    let pb = progress(&format!("importing {format}"));
    let mut run = add_records(&mut p, &mut importer, format, inputs, &options, &pb);
    let finished = match run.fatal.take() {
        Some(e) => {
            let anything_in = importer.anything_in();
            importer.abandon(&p);
            Err((e, anything_in))
        }
        None => importer.finish(&mut p).map_err(|e| (e, true)),
    };
    pb.finish_and_clear();
    match finished {
        Err((e, true)) => {
            eprintln!(
                "entitle: {e}. The import stopped: documents of the batches completed before this are in the project, the rest are not; fix the problem and run the same import again to finish it"
            );
            return ExitCode::from(2);
        }
        Err((e, false)) => {
            eprintln!("entitle: {e}. Nothing was imported");
            return ExitCode::from(2);
        }
        Ok(()) => {}
    }
    report_import(&run, &p, &options.annotator);
    run.t.exit()
}

/// The import as the journal records it: format, inputs (canonical paths), annotator.
fn import_source(format: Format, inputs: &[PathBuf], options: &ReadOptions) -> ImportSource {
    ImportSource {
        format: format.name().into(),
        inputs: inputs
            .iter()
            .map(|i| {
                crate::fsio::real_path(i)
                    .unwrap_or_else(|_| i.clone())
                    .display()
                    .to_string()
            })
            .collect(),
        annotator: options.annotator.clone(),
    }
}

/// Start importing `source` into `p`, saying what happens to an interrupted import:
/// another one's record is replaced, the same one is resumed.
fn begin_import(p: &mut Project, source: ImportSource) -> Result<Importer, ExitCode> {
    if let Some(i) = &p.interrupted_import
        && i.source != source
    {
        eprintln!(
            "warning: {} It is not the import being run now, so its record is replaced; run it again later to add what it did not (documents already in are then merged).",
            i.describe(p.root())
        );
    }
    let importer = p.begin_import(source).map_err(|e| {
        eprintln!("entitle: {e}");
        ExitCode::from(2)
    })?;
    if importer.resuming() {
        eprintln!(
            "entitle: resuming the interrupted import: the first {} records are already in and are skipped{}",
            importer.resumed_records(),
            if importer.resumed_records() == 0 {
                " (its first batch was being written; what it wrote is taken as already there)"
            } else {
                ""
            }
        );
    }
    Ok(importer)
}

/// What adding the records did.
struct ImportRun {
    t: Tally,
    /// The error that stopped the import (nothing more was read).
    fatal: Option<ImportError>,
    /// Records the interrupted run had added already.
    already_in: usize,
    /// Spans the interrupted run had written already.
    spans_there: usize,
}

/// Read the inputs and add each record, until the end or an error that stops the import
/// (a conflict in one document is an error on its own line, and the import goes on).
fn add_records(
    p: &mut Project,
    importer: &mut Importer,
    format: Format,
    inputs: &[PathBuf],
    options: &ReadOptions,
    pb: &ProgressBar,
) -> ImportRun {
    let mut t = Tally::default();
    let mut fatal: Option<ImportError> = None;
    let mut already_in = 0;
    let mut spans_there = 0;
    formats::stream::read_until(format, inputs, options, |item| {
        match item {
            Ok(rec) => match importer.add(p, &rec) {
                Ok(Added::Imported(done)) => {
                    spans_there += done.already_there;
                    t.done(pb, done.spans, &done.warnings)
                }
                Ok(Added::AlreadyIn) => already_in += 1,
                Err(ImportError::Conflict(m)) => {
                    t.errors += 1;
                    pb.suspend(|| eprintln!("error: {}: {m}", rec.origin.path.display()));
                }
                Err(e) => {
                    fatal = Some(e);
                    return ControlFlow::Break(());
                }
            },
            Err(e) => t.problem(pb, &e),
        }
        ControlFlow::Continue(())
    });
    ImportRun {
        t,
        fatal,
        already_in,
        spans_there,
    }
}

/// The last line of a finished import.
fn report_import(run: &ImportRun, p: &Project, annotator: &str) {
    let mut resumed = String::new();
    if run.already_in > 0 {
        resumed.push_str(&format!(
            " ({} already in from the interrupted run)",
            run.already_in
        ));
    }
    let spans_there = if run.spans_there > 0 {
        format!(
            " (and {} already there from the interrupted run)",
            run.spans_there
        )
    } else {
        String::new()
    };
    eprintln!(
        "entitle: imported {} documents{resumed} with {} spans{spans_there} into {} as {}; {}",
        run.t.docs,
        run.t.spans,
        p.root().display(),
        annotator,
        run.t.totals()
    );
}

/// Which annotator's layer to export (`--annotator`, or the only one), or why not.
fn export_annotator(p: &Project, annotator: Option<&str>) -> Result<Option<String>, ExitCode> {
    let annotators = p.annotators();
    let chosen = match annotator {
        Some(a) => Some(crate::project::sanitize_annotator(a)),
        None if annotators.len() <= 1 => annotators.first().cloned(),
        None => {
            eprintln!(
                "entitle: {} has annotations by {}; choose one with --annotator NAME",
                p.root().display(),
                annotators.join(", ")
            );
            return Err(ExitCode::from(2));
        }
    };
    if let Some(a) = &chosen
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
        return Err(ExitCode::from(2));
    }
    Ok(chosen)
}

pub fn export(
    project: &Path,
    format: Format,
    output: &Path,
    write: &WriteArgs,
    annotator: Option<&str>,
) -> ExitCode {
    let p = match Project::open_with(project, Access::Read) {
        Ok((p, _)) => p,
        Err(e) => {
            eprintln!("entitle: {e}");
            return ExitCode::from(2);
        }
    };
    let annotator = match export_annotator(&p, annotator) {
        Ok(a) => a,
        Err(code) => return code,
    };
    let pb = progress(&format!("exporting {format}"));
    let mut t = Tally::default();
    let options = write_options(write, Some(p.schema()));
    let done = p.export_to(format, output, &options, annotator.as_deref(), |event| {
        match event {
            ExportEvent::Doc { spans, warnings } => t.done(&pb, spans, warnings),
            ExportEvent::Error(e) => t.problem(&pb, e),
            ExportEvent::Finished { warnings } => t.warn_all(&pb, warnings),
        }
        ControlFlow::Continue(())
    });
    pb.finish_and_clear();
    if let Err(e) = done {
        eprintln!("entitle: {e}; nothing was written");
        // Every document failing is a problem in the data (1); the rest is I/O (2).
        let code = match e {
            crate::project::interop::ExportFailure::NothingExported { .. } => 1,
            _ => 2,
        };
        return ExitCode::from(code);
    }
    eprintln!(
        "entitle: exported {} documents, {} spans{} as {format} to {}; {}",
        t.docs,
        t.spans,
        annotator.map(|a| format!(" by {a}")).unwrap_or_default(),
        output.display(),
        t.totals()
    );
    t.exit()
}

pub fn validate(inputs: &[PathBuf], format: Format, read: &ReadArgs) -> ExitCode {
    if !format.can_import() {
        eprintln!(
            "entitle: {format} is an export-only format; there is nothing to validate against"
        );
        return ExitCode::from(2);
    }
    if let Err(code) = check_inputs(inputs) {
        return code;
    }
    let mut t = Tally::default();
    let mut problems: Vec<FormatError> = Vec::new();
    let pb = ProgressBar::hidden();
    // Parsed on every core; reported in input order.
    let options = ReadOptions {
        keep_rejected: read.keep_rejected,
        webanno_layers: read.webanno_layers.clone(),
        ..ReadOptions::default()
    };
    formats::stream::read(format, inputs, &options, |item| match item {
        Ok(rec) => {
            report_record_warnings(&mut t, &pb, &rec);
            t.docs += 1;
            t.spans += rec.set.len();
        }
        Err(e) if e.skipped => t.problem(&pb, &e),
        Err(e) => problems.push(e),
    });
    for p in &problems {
        println!("{p}");
    }
    t.errors = problems.len();
    eprintln!(
        "entitle: {} documents, {} spans read; {} problems; {}",
        t.docs,
        t.spans,
        problems.len(),
        t.totals()
    );
    t.exit()
}

fn report_record_warnings(t: &mut Tally, pb: &ProgressBar, rec: &Record) {
    let path = rec.origin.path.display().to_string();
    let located: Vec<Warning> = rec
        .warnings
        .iter()
        .map(|w| Warning {
            doc: format!("{path}: {}", w.doc),
            ..w.clone()
        })
        .collect();
    t.warn_all(pb, &located);
}

pub fn stats(project: &Path, json: bool) -> ExitCode {
    let p = match Project::open_with(project, Access::Read) {
        Ok((p, _)) => p,
        Err(e) => {
            eprintln!("entitle: {e}");
            return ExitCode::from(2);
        }
    };
    let st = p.stats();
    for problem in &st.problems {
        eprintln!("problem: {problem}");
    }
    let code = if st.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    };
    if json {
        match serde_json::to_string_pretty(&st) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("entitle: {e}");
                return ExitCode::from(2);
            }
        }
        return code;
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
    if !st.problems.is_empty() {
        eprintln!(
            "entitle: {} problems (above); the figures leave those files out",
            st.problems.len()
        );
    }
    code
}

pub fn fix_labels(project: &Path) -> ExitCode {
    match crate::project::repair::fix_labels(project) {
        Err(e) => {
            eprintln!("entitle: {e}");
            ExitCode::from(2)
        }
        Ok(fix) => {
            for (old, new) in &fix.renamed {
                eprintln!("renamed label {old:?} to {new}");
            }
            for f in &fix.files_changed {
                println!("{}", f.display());
            }
            for p in &fix.problems {
                eprintln!("error: {p}");
            }
            eprintln!(
                "entitle: {} labels renamed in {} files; {} problems",
                fix.renamed.len(),
                fix.files_changed.len(),
                fix.problems.len()
            );
            if fix.problems.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
    }
}
