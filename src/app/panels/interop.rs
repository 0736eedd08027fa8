//! File › Import… and File › Export…: file dialogs (or typed paths), a preview of
//! what an import found (nothing is added until the user confirms), and the warnings of
//! an export.

use crate::app::panels::files::{Kind, Purpose};
use crate::app::{EntitleApp, Severity};
use crate::formats::{self, Format, ReadOptions, Record, Scheme, WriteOptions};
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

/// State of the import window.
#[derive(Default)]
pub struct ImportDialog {
    pub open: bool,
    pub format: Option<Format>,
    /// One path per line (files or folders).
    pub paths: String,
    pub preview: Option<Preview>,
    /// Inputs being read on a background thread: the window stays responsive on a
    /// large corpus and shows how far it got.
    pub reading: Option<Reading>,
    /// Documents being added after the user confirmed.
    pub importing: Option<ImportJob>,
}

/// What reading the inputs found.
pub struct Preview {
    pub records: Vec<Record>,
    pub errors: Vec<String>,
    pub warnings: Vec<String>,
    /// Totals and the list's lines, computed once (the list can be long).
    spans: usize,
    relations: usize,
    lines: Vec<(Line, String)>,
}

#[derive(Clone, Copy)]
enum Line {
    Doc,
    Error,
    Warning,
}

impl Preview {
    fn new(records: Vec<Record>, errors: Vec<String>, warnings: Vec<String>) -> Self {
        let spans = records.iter().map(|r| r.set.len()).sum();
        let relations = records.iter().map(|r| r.set.relations().len()).sum();
        let mut lines = Vec::with_capacity(records.len() + errors.len() + warnings.len());
        lines.extend(
            records
                .iter()
                .map(|r| (Line::Doc, format!("📄 {} — {} spans", r.name, r.set.len()))),
        );
        lines.extend(errors.iter().map(|e| (Line::Error, format!("⛔ {e}"))));
        lines.extend(warnings.iter().map(|w| (Line::Warning, format!("⚠ {w}"))));
        Self {
            records,
            errors,
            warnings,
            spans,
            relations,
            lines,
        }
    }
}

/// A background read of the import's inputs.
pub struct Reading {
    /// Documents and errors read so far.
    pub progress: Arc<AtomicUsize>,
    /// Set by Cancel; the thread then keeps nothing more and sends no preview.
    pub cancel: Arc<AtomicBool>,
    /// The preview, or why reading failed.
    pub done: std::sync::mpsc::Receiver<Result<Preview, String>>,
}

impl Reading {
    fn start(format: Format, paths: Vec<PathBuf>, opts: ReadOptions, ctx: egui::Context) -> Self {
        let progress = Arc::new(AtomicUsize::new(0));
        let cancel = Arc::new(AtomicBool::new(false));
        let (tx, done) = std::sync::mpsc::channel();
        let (p, c) = (Arc::clone(&progress), Arc::clone(&cancel));
        std::thread::spawn(move || {
            // A bug in reading must show as an error, not as a cancelled read.
            let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let (mut records, mut errors, mut warnings) = (Vec::new(), Vec::new(), Vec::new());
                let mut skipped = 0;
                // Parsed on every core; listed in the files' order.
                formats::stream::read_until(format, &paths, &opts, |item| {
                    if c.load(Ordering::Relaxed) {
                        return ControlFlow::Break(());
                    }
                    match item {
                        Ok(rec) => {
                            warnings.extend(rec.warnings.iter().map(|w| w.to_string()));
                            records.push(rec);
                        }
                        Err(e) if e.skipped => skipped += 1,
                        Err(e) => errors.push(e.to_string()),
                    }
                    p.fetch_add(1, Ordering::Relaxed);
                    ControlFlow::Continue(())
                });
                if skipped > 0 {
                    warnings.push(format!(
                        "{skipped} examples skipped on purpose (e.g. Prodigy answers reject/ignore)"
                    ));
                }
                Preview::new(records, errors, warnings)
            }));
            if !c.load(Ordering::Relaxed) {
                let _ = tx.send(read.map_err(|p| {
                    format!(
                        "Reading stopped on an internal error ({}); nothing was imported. Please report this, with the input.",
                        formats::panic_message(&*p)
                    )
                }));
            }
            ctx.request_repaint();
        });
        Self {
            progress,
            cancel,
            done,
        }
    }
}

/// State of the export window.
pub struct ExportDialog {
    pub open: bool,
    pub format: Format,
    pub scheme: Scheme,
    pub output: String,
    /// The output is the path Entitle proposed (not typed or chosen): it follows the
    /// format (name and extension) when the format changes.
    pub proposed: bool,
    pub result: Vec<String>,
    /// An export being written on a background thread.
    pub job: Option<ExportJob>,
}

impl Default for ExportDialog {
    fn default() -> Self {
        Self {
            open: false,
            format: Format::Jsonl,
            scheme: Scheme::Iob2,
            output: String::new(),
            proposed: false,
            result: Vec::new(),
            job: None,
        }
    }
}

/// A destination for an export outside the project's document tree: beside the
/// project folder (`<project>-export.<ext>`, or `<project>-<format>` for folder
/// formats), or in the user's documents folder when the project lives in Entitle's own
/// data folder (the sample).
pub fn proposed_export_path(project: &crate::project::Project, format: Format) -> PathBuf {
    let root = project.root();
    let stem = root.file_name().map_or_else(
        || "entitle".to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let in_data_dir = crate::project::sample::data_dir()
        .and_then(|d| crate::fsio::real_path(&d).ok())
        .is_some_and(|d| root.starts_with(d));
    let dir = match (in_data_dir, directories::UserDirs::new()) {
        (true, Some(u)) => u
            .document_dir()
            .unwrap_or_else(|| u.home_dir())
            .to_path_buf(),
        _ => root.parent().unwrap_or(root).to_path_buf(),
    };
    if format == Format::Brat {
        dir.join(format!("{stem}-brat"))
    } else {
        dir.join(format!("{stem}-export.{}", format.extension()))
    }
}

/// An export running on its own thread, so a large project never freezes the window.
pub struct ExportJob {
    pub total: usize,
    pub progress: Arc<AtomicUsize>,
    pub cancel: Arc<AtomicBool>,
    pub done: std::sync::mpsc::Receiver<Vec<String>>,
}

/// The format a file most likely is, from its extension.
pub fn guess_format(path: &std::path::Path) -> Option<Format> {
    let ext = path.extension()?.to_string_lossy().to_ascii_lowercase();
    Some(match ext.as_str() {
        "ann" => Format::Brat,
        "conll" | "iob" | "bio" => Format::Conll,
        "jsonl" => Format::Jsonl,
        "json" => Format::LabelStudio,
        "tsv" => Format::WebannoTsv,
        "spacy" => Format::Spacy,
        "txt" => Format::Txt,
        _ => return None,
    })
}

fn paths_of(text: &str) -> Vec<PathBuf> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(PathBuf::from)
        .collect()
}

fn format_combo(ui: &mut egui::Ui, id: &str, format: &mut Option<Format>, import: bool) {
    let label = format.map_or("choose…".to_string(), |f| f.name().to_string());
    egui::ComboBox::new(id, "Format")
        .selected_text(label)
        .show_ui(ui, |ui| {
            for f in Format::ALL {
                if import && !f.can_import() {
                    continue;
                }
                ui.selectable_value(format, Some(f), f.name())
                    .on_hover_text(f.describe());
            }
        });
}

pub fn import_window(app: &mut EntitleApp, ctx: &egui::Context) {
    let mut open = app.import.open;
    let mut read = false;
    let mut confirm = false;
    let mut choose = None;
    egui::Window::new("Import")
        .open(&mut open)
        .default_width(560.0)
        .show(ctx, |ui| {
            import_form(ui, &mut app.import, &mut choose);
            let ready = app.import.format.is_some() && !paths_of(&app.import.paths).is_empty();
            if let Some(job) = app.import.importing.as_mut() {
                job_progress(ui, job);
                return; // the form and the preview wait until the import is done
            }
            read = reading_progress(ui, app.import.reading.as_ref(), ready);
            if let Some(p) = &app.import.preview {
                confirm = preview_list(ui, p, &app.annotator());
            }
        });
    // The window stays while documents are being added: closing it would hide the
    // progress and the Stop button.
    app.import.open = open || app.import.importing.is_some();
    if let Some((purpose, kind, title)) = choose {
        app.choose(purpose, kind, title);
    }
    if read && let Some(format) = app.import.format {
        start_reading(app, format, ctx);
    }
    poll_reading(app, ctx);
    if confirm {
        start_import(app);
    }
    import_some(app, ctx);
}

/// The format, and the files or folders to read (chosen or typed).
fn import_form(
    ui: &mut egui::Ui,
    import: &mut ImportDialog,
    choose: &mut Option<(Purpose, Kind, &'static str)>,
) {
    format_combo(ui, "import-format", &mut import.format, true);
    ui.horizontal(|ui| {
        if ui.button("Choose files…").clicked() {
            *choose = Some((Purpose::ImportFiles, Kind::Files, "Files to import"));
        }
        if ui.button("Choose folder…").clicked() {
            *choose = Some((Purpose::ImportFolder, Kind::Folder, "Folder to import"));
        }
    });
    let label = ui.label("Files or folders, one per line");
    ui.add(
        egui::TextEdit::multiline(&mut import.paths)
            .desired_rows(2)
            .desired_width(f32::INFINITY),
    )
    .labelled_by(label.id);
}

/// Documents being added: a progress bar and Stop.
fn job_progress(ui: &mut egui::Ui, job: &mut ImportJob) {
    let done = job.added.len() + job.problems.len();
    ui.add(
        egui::ProgressBar::new(done as f32 / job.total.max(1) as f32)
            .text(format!("Importing… {done} of {} documents", job.total)),
    );
    if ui.button("Stop importing").clicked() {
        job.stop = true;
    }
}

/// The count of a read under way and Cancel, or the Read button (enabled when `ready`).
/// True when Read was clicked.
fn reading_progress(ui: &mut egui::Ui, reading: Option<&Reading>, ready: bool) -> bool {
    if let Some(r) = reading {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(format!(
                "Reading… {} documents so far",
                r.progress.load(Ordering::Relaxed)
            ));
            if ui.button("Cancel reading").clicked() {
                r.cancel.store(true, Ordering::Relaxed);
            }
        });
        false
    } else {
        ui.add_enabled(ready, egui::Button::new("Read")).clicked()
    }
}

/// What the read found: totals, one line per document, error and warning, and the
/// button that imports it. True when that button was clicked.
fn preview_list(ui: &mut egui::Ui, p: &Preview, annotator: &str) -> bool {
    ui.separator();
    ui.label(format!(
        "Found {} documents, {} spans, {} relations; {} warnings, {} errors.",
        p.records.len(),
        p.spans,
        p.relations,
        p.warnings.len(),
        p.errors.len()
    ));
    // Only the visible rows are laid out: an import can list thousands.
    let row = ui.text_style_height(&egui::TextStyle::Body);
    egui::ScrollArea::vertical()
        .max_height(220.0)
        .auto_shrink([false, true])
        .show_rows(ui, row, p.lines.len(), |ui, rows| {
            for (kind, text) in &p.lines[rows] {
                let text = egui::RichText::new(text);
                let text = match kind {
                    Line::Doc => text,
                    Line::Error => text.color(ui.visuals().error_fg_color),
                    Line::Warning => text.color(ui.visuals().warn_fg_color),
                };
                // One line per row (show_rows needs a fixed height); the
                // whole message shows on hover.
                ui.add(egui::Label::new(text).truncate());
            }
        });
    let n = p.records.len();
    ui.add_enabled(n > 0, egui::Button::new(format!("Import {n} documents")))
        .on_hover_text(format!(
            "Adds the texts under docs/ and their spans to {annotator}'s annotations"
        ))
        .clicked()
}

/// Read the inputs on a background thread; the previous preview goes.
fn start_reading(app: &mut EntitleApp, format: Format, ctx: &egui::Context) {
    let opts = ReadOptions {
        annotator: app.annotator(),
        created: chrono::Utc::now(),
        ..ReadOptions::default()
    };
    app.import.preview = None;
    app.import.reading = Some(Reading::start(
        format,
        paths_of(&app.import.paths),
        opts,
        ctx.clone(),
    ));
}

/// Take the read's result when it is there: the preview, or the error it stopped on.
fn poll_reading(app: &mut EntitleApp, ctx: &egui::Context) {
    let Some(r) = &app.import.reading else {
        return;
    };
    match r.done.try_recv() {
        Ok(Err(e)) => {
            app.import.reading = None;
            app.message(Severity::Error, e);
        }
        Ok(Ok(preview)) => {
            app.import.preview = Some(preview);
            app.import.reading = None;
        }
        Err(std::sync::mpsc::TryRecvError::Disconnected) => {
            let cancelled = r.cancel.load(Ordering::Relaxed);
            app.import.reading = None;
            if !cancelled {
                app.message(
                    Severity::Error,
                    "Reading the files stopped unexpectedly; nothing was imported.".into(),
                );
            }
        }
        Err(std::sync::mpsc::TryRecvError::Empty) => {
            // Progress is shown as it grows; the thread also wakes us when done.
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
    }
}

/// The user confirmed the preview: save what is edited, then start the job that adds
/// its documents (nothing starts if saving fails).
fn start_import(app: &mut EntitleApp) {
    let annotator = app.annotator();
    let (Some(preview), Some(session)) = (app.import.preview.take(), app.session.as_mut()) else {
        return;
    };
    // Unsaved edits first: an import may add to a document that is open.
    if !session.flush(Duration::from_secs(10)) {
        app.message(
            Severity::Error,
            "Your changes could not be saved, so nothing was imported (an import may add to an open document). Fix the problem shown, then import again.".into(),
        );
        return;
    }
    let source = crate::project::ImportSource {
        format: app.import.format.map_or("unknown", |f| f.name()).into(),
        inputs: paths_of(&app.import.paths)
            .iter()
            .map(|p| {
                crate::fsio::real_path(p)
                    .unwrap_or_else(|_| p.clone())
                    .display()
                    .to_string()
            })
            .collect(),
        annotator: annotator.clone(),
    };
    match session.project.begin_import(source) {
        Ok(importer) => {
            app.import.importing = Some(ImportJob {
                total: preview.records.len(),
                records: preview.records.into_iter(),
                importer: Some(importer),
                annotator,
                added: Vec::new(),
                problems: Vec::new(),
                stop: false,
            });
        }
        Err(e) => app.message(Severity::Error, format!("Cannot import: {e}")),
    }
}

/// Documents being added to the project, a slice of each frame at a time: every
/// document is a few fsynced writes, and thousands of them must not freeze the window.
/// Edits are refused meanwhile ([`ImportJob::blocks`]).
pub struct ImportJob {
    records: std::vec::IntoIter<Record>,
    total: usize,
    /// Writes durable batches (and the journal that survives a crash mid-import).
    importer: Option<crate::project::Importer>,
    annotator: String,
    added: Vec<crate::project::Imported>,
    problems: Vec<String>,
    /// The user pressed Stop: what is added stays, the rest is not imported.
    stop: bool,
}

impl ImportJob {
    /// Actions that would change annotations or the project while documents are being
    /// added (and could race the import's writes).
    pub fn blocks(action: &crate::app::actions::Action) -> bool {
        use crate::app::actions::Action as A;
        matches!(
            action,
            A::ApplyLabel(_)
                | A::DeleteSpan
                | A::Undo
                | A::Redo
                | A::ToggleDone
                | A::Reanchor
                | A::ConfirmReanchor
                | A::OpenFolder
                | A::OpenFile
                | A::OpenSample
                | A::Import
        )
    }
}

/// UI time given to importing per frame.
const IMPORT_SLICE: Duration = Duration::from_millis(30);

fn import_some(app: &mut EntitleApp, ctx: &egui::Context) {
    let start = std::time::Instant::now();
    let (Some(job), Some(session)) = (app.import.importing.as_mut(), app.session.as_mut()) else {
        app.import.importing = None;
        return;
    };
    let mut fatal = None;
    while !job.stop && start.elapsed() < IMPORT_SLICE {
        let Some(rec) = job.records.next() else { break };
        let Some(importer) = job.importer.as_mut() else {
            break;
        };
        match importer.add(&mut session.project, &rec) {
            Ok(crate::project::Added::Imported(done)) => job.added.push(done),
            Ok(crate::project::Added::AlreadyIn) => {}
            Err(crate::project::ImportError::Conflict(e)) => {
                job.problems.push(format!("{}: {e}", rec.name))
            }
            Err(e) => {
                fatal = Some(e.to_string());
                break;
            }
        }
    }
    if fatal.is_none() && !job.stop && job.records.len() > 0 {
        ctx.request_repaint();
        return;
    }
    let Some(mut job) = app.import.importing.take() else {
        return;
    };
    // What was added becomes durable (a fatal error leaves the journal for a resume).
    let finished = match (fatal, job.importer.take()) {
        (Some(e), Some(im)) => {
            im.abandon(&session.project);
            Err(e)
        }
        (Some(e), None) => Err(e),
        (None, Some(im)) => im.finish(&mut session.project).map_err(|e| e.to_string()),
        (None, None) => Ok(()),
    };
    let failed = finished.is_err();
    if let Err(e) = finished {
        job.problems.push(format!(
            "The import stopped: {e}. Documents of the batches completed before this are in; import the same files again to finish."
        ));
        let _ = session.project.rescan();
    }
    let ids: Vec<_> = job.added.iter().map(|d| d.doc.clone()).collect();
    session.refresh_after_import(&ids);
    // Search sees the new texts.
    app.texts = super::project_search::ProjectTexts::start(&session.project, ctx);
    let spans: usize = job.added.iter().map(|d| d.spans).sum();
    let annotator = job.annotator;
    let n = job.added.len();
    if failed {
        // The problem says what is in and what to do.
    } else if job.stop && job.records.len() > 0 {
        app.message(
            Severity::Warning,
            format!(
                "Import stopped: {n} of {} documents added with {spans} spans as {annotator}; the other {} were not imported.",
                job.total,
                job.records.len()
            ),
        );
    } else {
        app.message(
            Severity::Info,
            format!("Imported {n} documents with {spans} spans as {annotator}."),
        );
    }
    for p in job.problems {
        app.message(Severity::Error, p);
    }
    app.log(&format!("IMPORT {n} {spans}"));
    if let Some(s) = app.session.as_mut() {
        s.labels_reloaded();
    }
    app.refresh_schema();
    app.filter_key = None;
    app.import = ImportDialog::default();
    if let Some(first) = ids.first() {
        // Re-show even if it is the document on screen: its annotations changed.
        app.view = None;
        app.show_doc(first);
    }
}

pub fn export_window(app: &mut EntitleApp, ctx: &egui::Context) {
    let mut open = app.export.open;
    let mut go = false;
    egui::Window::new("Export")
        .open(&mut open)
        .default_width(520.0)
        .show(ctx, |ui| {
            export_form(ui, app);
            if let Some(job) = &app.export.job {
                let done = job.progress.load(Ordering::Relaxed);
                ui.add(
                    egui::ProgressBar::new(done as f32 / job.total.max(1) as f32)
                        .text(format!("Exporting… {done} of {} documents", job.total)),
                );
                if ui.button("Stop exporting").clicked() {
                    job.cancel.store(true, Ordering::Relaxed);
                }
            } else if ui
                .add_enabled(
                    !app.export.output.trim().is_empty(),
                    egui::Button::new("Write the export"),
                )
                .clicked()
            {
                go = true;
            }
            if !app.export.result.is_empty() {
                ui.separator();
                egui::ScrollArea::vertical()
                    .max_height(200.0)
                    .show(ui, |ui| {
                        for line in &app.export.result {
                            ui.label(line);
                        }
                    });
            }
        });
    app.export.open = open || app.export.job.is_some();
    if go {
        app.export.result.clear();
        if let Err(e) = start_export(app, ctx) {
            app.export.result = vec![format!("⛔ {e}")];
        }
    }
    poll_export(app, ctx);
}

/// The format (and CoNLL scheme) and the output path, proposed, typed or chosen.
fn export_form(ui: &mut egui::Ui, app: &mut EntitleApp) {
    ui.horizontal(|ui| {
        let mut f = Some(app.export.format);
        format_combo(ui, "export-format", &mut f, false);
        if let Some(f) = f
            && f != app.export.format
        {
            app.export.format = f;
            if app.export.proposed
                && let Some(s) = app.session.as_ref()
            {
                app.export.output = proposed_export_path(&s.project, f).display().to_string();
            }
        }
        if app.export.format == Format::Conll {
            egui::ComboBox::new("export-scheme", "Scheme")
                .selected_text(format!("{:?}", app.export.scheme).to_uppercase())
                .show_ui(ui, |ui| {
                    for s in [Scheme::Iob1, Scheme::Iob2, Scheme::Iobes, Scheme::Bilou] {
                        ui.selectable_value(
                            &mut app.export.scheme,
                            s,
                            format!("{s:?}").to_uppercase(),
                        );
                    }
                });
        }
    });
    ui.weak(app.export.format.describe());
    ui.horizontal(|ui| {
        let label = ui.label("Output");
        if ui
            .add(egui::TextEdit::singleline(&mut app.export.output).desired_width(320.0))
            .labelled_by(label.id)
            .changed()
        {
            app.export.proposed = false;
        }
        if ui.button("Choose…").clicked() {
            if app.export.format == Format::Brat {
                app.choose(
                    Purpose::ExportTo,
                    Kind::Folder,
                    "Folder for the brat collection",
                );
            } else {
                app.choose(Purpose::ExportTo, Kind::Save, "Export to");
            }
        }
    });
}

/// Take the export's result lines when its thread is done.
fn poll_export(app: &mut EntitleApp, ctx: &egui::Context) {
    let Some(job) = &app.export.job else {
        return;
    };
    match job.done.try_recv() {
        Ok(lines) => {
            app.export.job = None;
            if let Some(first) = lines.first() {
                let first = first.clone();
                app.log(&format!("EXPORT {first}"));
            }
            app.export.result = lines;
        }
        Err(std::sync::mpsc::TryRecvError::Empty) => {
            ctx.request_repaint_after(Duration::from_millis(100));
        }
        Err(std::sync::mpsc::TryRecvError::Disconnected) => {
            app.export.job = None;
            app.export.result =
                vec!["⛔ The export stopped on an internal error; nothing was written.".into()];
        }
    }
}

/// Start writing the export on a background thread: the project's files are read by
/// a read-only copy of the project (what is edited is saved first).
fn start_export(app: &mut EntitleApp, ctx: &egui::Context) -> Result<(), String> {
    let annotator = app.annotator();
    if !app.flush() {
        return Err("your latest changes could not be saved, so the export would miss them; fix the problem shown and try again".into());
    }
    let session = app.session.as_ref().ok_or("no project is open")?;
    let root = session.project.root().to_path_buf();
    let format = app.export.format;
    let output = PathBuf::from(app.export.output.trim());
    session.project.check_export_output(format, &output)?;
    let options = WriteOptions {
        scheme: app.export.scheme,
        schema: Some(session.project.schema()),
        prodigy_ner: false,
    };
    let total = session.project.docs().len();
    let progress = Arc::new(AtomicUsize::new(0));
    let cancel = Arc::new(AtomicBool::new(false));
    let (tx, done) = std::sync::mpsc::channel();
    let (p, c) = (Arc::clone(&progress), Arc::clone(&cancel));
    let ctx = ctx.clone();
    std::thread::Builder::new()
        .name("entitle-export".into())
        .spawn(move || {
            let lines = export_lines(&root, format, &output, &options, &annotator, &p, &c);
            let _ = tx.send(lines);
            ctx.request_repaint();
        })
        .map_err(|e| format!("cannot start the export: {e}"))?;
    app.export.job = Some(ExportJob {
        total,
        progress,
        cancel,
        done,
    });
    Ok(())
}

/// The export itself (on its thread): a summary line first, then every warning and
/// error.
fn export_lines(
    root: &std::path::Path,
    format: Format,
    output: &std::path::Path,
    options: &WriteOptions,
    annotator: &str,
    progress: &AtomicUsize,
    cancel: &AtomicBool,
) -> Vec<String> {
    let project = match crate::project::Project::open_read_only(root) {
        Ok((p, _)) => p,
        Err(e) => return vec![format!("⛔ {e}")],
    };
    let has_annotations = project.annotators().iter().any(|a| a == annotator);
    let (mut docs, mut spans, mut warnings) = (0, 0, 0);
    let mut lines = Vec::new();
    let result = project.export_to(
        format,
        output,
        options,
        has_annotations.then_some(annotator),
        |event| {
            use crate::project::interop::ExportEvent;
            match event {
                ExportEvent::Doc {
                    spans: n,
                    warnings: w,
                } => {
                    docs += 1;
                    spans += n;
                    warnings += w.len();
                    lines.extend(w.iter().map(|x| format!("⚠ {x}")));
                }
                ExportEvent::Error(e) => lines.push(format!("⛔ {e}")),
                ExportEvent::Finished { warnings: w } => {
                    warnings += w.len();
                    lines.extend(w.iter().map(|x| format!("⚠ {x}")));
                }
            }
            progress.fetch_add(1, Ordering::Relaxed);
            if cancel.load(Ordering::Relaxed) {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        },
    );
    match result {
        Ok(()) => lines.insert(
            0,
            format!(
                "Exported {docs} documents, {spans} spans by {annotator} as {format} to {}; {warnings} warnings.",
                output.display()
            ),
        ),
        Err(crate::project::interop::ExportFailure::Stopped) => {
            return vec!["Export stopped; nothing was written.".into()];
        }
        Err(e) => lines.insert(0, format!("⛔ {e}; nothing was written")),
    }
    lines
}
