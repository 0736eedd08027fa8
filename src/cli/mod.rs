//! The command line: `entitle [PATH]` opens the desktop app; subcommands run headless.
//!
//! Exit codes: 0 ok, 1 problems found in the data, 2 usage or I/O error.

mod agree;
mod curate;
mod interop;
mod suggest;

use crate::formats::{Format, Scheme};

use crate::model::DocId;
use crate::project::{self, Checked, Project};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "entitle",
    version = concat!(env!("CARGO_PKG_VERSION"), " (commit ", env!("ENTITLE_COMMIT"), ")"),
    about = "Annotate entities in news articles: a desktop app, or headless subcommands",

)]
pub struct Cli {
    /// A project folder, a plain folder of .txt files, or one .txt file to open in the
    /// app. Without it the last project (or the bundled sample) opens.
    pub path: Option<PathBuf>,
    /// Annotator name (default: the remembered one, else your login name).
    #[arg(long, global = true)]
    pub annotator: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a project without changing anything: every document's text and every
    /// annotation file. Prints FILE:LINE: message per problem; exit 1 if any.
    Check {
        /// A project folder, a folder of .txt files, or one .txt file.
        path: PathBuf,
    },
    /// Convert annotated documents from one format to another, streaming.
    Convert {
        /// Input files or folders.
        #[arg(required = true)]
        input: Vec<PathBuf>,
        #[arg(long, value_name = "FMT")]
        from: Format,
        #[arg(long, value_name = "FMT")]
        to: Format,
        /// Output file, or folder (brat always writes a folder; other formats write one
        /// file per document into an existing folder or a path ending in /).
        #[arg(long, value_name = "PATH")]
        output: PathBuf,
        #[command(flatten)]
        read: ReadArgs,
        #[command(flatten)]
        write: WriteArgs,
    },
    /// Add documents and their annotations to a project (created if missing). An
    /// interrupted import is resumed by running it again.
    Import {
        project: PathBuf,
        #[arg(required = true)]
        input: Vec<PathBuf>,
        #[arg(long, value_name = "FMT")]
        format: Format,
        #[command(flatten)]
        read: ReadArgs,
    },
    /// Export a project's documents and one annotator's annotations.
    Export {
        project: PathBuf,
        #[arg(long, value_name = "FMT")]
        format: Format,
        #[arg(long, value_name = "PATH")]
        output: PathBuf,
        #[command(flatten)]
        write: WriteArgs,
    },
    /// Read files and report every problem as FILE:LINE: message; exit 1 if any.
    Validate {
        #[arg(required = true)]
        input: Vec<PathBuf>,
        #[arg(long, value_name = "FMT")]
        format: Format,
        #[command(flatten)]
        read: ReadArgs,
    },
    /// Documents, spans per label, per document and per annotator. Files that cannot
    /// be read are reported (exit 1); nothing is written.
    Stats {
        project: PathBuf,
        /// Print JSON instead of tables.
        #[arg(long)]
        json: bool,
    },
    /// Suggest spans with the app's engines (same-string, gazetteers, patterns, the
    /// tagger), learned from one annotator's spans. Writes Entitle JSONL (each span
    /// `"status": "suggested"` with `"source"` and `"score"`), or with --apply adds
    /// them to the project as waiting suggestions. Exit 1 if files could not be read.
    Suggest {
        project: PathBuf,
        /// Engines to use, comma-separated.
        #[arg(long, default_value = "same-string,gazetteer,patterns,model")]
        engines: String,
        /// Which documents get suggestions.
        #[arg(long, value_enum, default_value = "unannotated")]
        documents: suggest::Documents,
        /// Write the suggestions here (Entitle JSONL).
        #[arg(long, value_name = "FILE.jsonl")]
        output: Option<PathBuf>,
        /// Add them to the project as waiting suggestions instead.
        #[arg(long)]
        apply: bool,
        /// Same-string matches exact case only ("US" is not "us"; by default case is
        /// folded, but a string tagged with capitals is never proposed in lower case).
        #[arg(long)]
        match_case: bool,
    },
    /// Curate two annotators' layers into a gold layer. With --take-agreed, the spans
    /// (and relations) both made go into annotations/INTO/, each recording who proposed
    /// it and who curated it (--annotator, default your login name); the
    /// disagreements left are listed either way. Exit 1 if files could not be read.
    Curate {
        project: PathBuf,
        /// The two layers to curate, comma-separated.
        #[arg(long, value_delimiter = ',', required = true)]
        annotators: Vec<String>,
        /// The gold layer's name.
        #[arg(long, default_value = "gold")]
        into: String,
        /// Add the agreed spans to the gold layer (otherwise nothing is written).
        #[arg(long)]
        take_agreed: bool,
    },
    /// Inter-annotator agreement: per-token kappa, pi/Fleiss, alpha and observed
    /// agreement (with and without O tokens), span F1 (exact and overlap), relation
    /// F1, overall, per label and per document. Exit 1 if a file could not be read.
    Agree {
        project: PathBuf,
        /// Annotators to compare, comma-separated (default: every annotator with an
        /// annotations folder except `gold`).
        #[arg(long, value_name = "A,B,...")]
        annotators: Option<String>,
        /// Compare only these labels, comma-separated (spans with other labels are
        /// ignored).
        #[arg(long, value_name = "L1,L2")]
        labels: Option<String>,
        /// Compare only these documents (ids such as `docs/report` or `report`).
        #[arg(long, value_name = "ID,...")]
        documents: Option<String>,
        /// Token labels: IOB2 tags (B-PER differs from I-PER) or entity types only.
        #[arg(long, value_enum, default_value = "iob2")]
        tags: agree::Tags,
        /// Print JSON instead of tables.
        #[arg(long)]
        json: bool,
    },
    /// Rename label names that this version refuses (white space, control characters)
    /// in entitle.toml and in every annotation file: `Job Title` becomes `Job_Title`.
    FixLabels { project: PathBuf },
}

/// Options for reading input files.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ReadArgs {
    /// Prodigy: also import examples answered `reject` or `ignore` (skipped by default).
    #[arg(long)]
    pub keep_rejected: bool,
    /// WebAnno TSV: a span layer to read as entities besides NamedEntity (full type
    /// name, e.g. webanno.custom.Sentiment); repeat for several.
    #[arg(long = "webanno-layer", value_name = "TYPE")]
    pub webanno_layers: Vec<String>,
}

/// Options for writing output files.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct WriteArgs {
    /// Tagging scheme for CoNLL output.
    #[arg(long, default_value = "iob2")]
    pub scheme: Scheme,
    /// Prodigy: write NER-style examples without overlapping spans (as ner.manual
    /// needs) instead of every span (as spans.manual holds them).
    #[arg(long)]
    pub prodigy_ner: bool,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if let (Some(p), Some(_)) = (&cli.path, &cli.command) {
        eprintln!(
            "entitle: {} is a path to open in the app, which cannot be given with a command; run the command alone (`entitle COMMAND …`)",
            p.display()
        );
        return ExitCode::from(2);
    }
    match cli.command {
        Some(Command::Check { path }) => check(&path),
        Some(Command::Convert {
            input,
            from,
            to,
            output,
            read,
            write,
        }) => interop::convert(
            &input,
            from,
            to,
            &output,
            &read,
            &write,
            cli.annotator.as_deref(),
        ),
        Some(Command::Import {
            project,
            input,
            format,
            read,
        }) => interop::import(&project, &input, format, cli.annotator.as_deref(), &read),
        Some(Command::Export {
            project,
            format,
            output,
            write,
        }) => interop::export(&project, format, &output, &write, cli.annotator.as_deref()),
        Some(Command::Validate {
            input,
            format,
            read,
        }) => interop::validate(&input, format, &read),
        Some(Command::Stats { project, json }) => interop::stats(&project, json),
        Some(Command::FixLabels { project }) => interop::fix_labels(&project),
        Some(Command::Suggest {
            project,
            engines,
            documents,
            output,
            apply,
            match_case,
        }) => suggest::suggest(suggest::Args {
            project: &project,
            annotator: cli.annotator.as_deref(),
            engines: &engines,
            documents,
            output: output.as_deref(),
            apply,
            match_case,
        }),
        Some(Command::Curate {
            project,
            annotators,
            into,
            take_agreed,
        }) => curate::curate(curate::Args {
            project: &project,
            annotators: &annotators,
            into: &into,
            take_agreed,
            curator: cli.annotator.as_deref(),
        }),
        Some(Command::Agree {
            project,
            annotators,
            labels,
            documents,
            tags,
            json,
        }) => agree::agree(agree::Args {
            project: &project,
            annotators: annotators.as_deref(),
            labels: labels.as_deref(),
            documents: documents.as_deref(),
            tags,
            json,
        }),
        None => open_app(cli.path, cli.annotator),
    }
}

#[cfg(feature = "gui")]
fn open_app(path: Option<PathBuf>, annotator: Option<String>) -> ExitCode {
    match crate::app::run(path, annotator) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("entitle: {e:#}");
            ExitCode::from(2)
        }
    }
}

#[cfg(not(feature = "gui"))]
fn open_app(_path: Option<PathBuf>, _annotator: Option<String>) -> ExitCode {
    eprintln!(
        "entitle: this build has no desktop app (built without the `gui` feature); use a subcommand, see `entitle --help`"
    );
    ExitCode::from(2)
}

/// One problem found by `check`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{l}: {}", self.file.display(), self.message),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

fn check(path: &Path) -> ExitCode {
    match check_project(path) {
        Err(e) => {
            eprintln!("entitle: {e}");
            ExitCode::from(2)
        }
        Ok((docs, problems)) => {
            for p in &problems {
                println!("{p}");
            }
            if problems.is_empty() {
                eprintln!("entitle: {docs} documents checked, no problems");
                ExitCode::SUCCESS
            } else {
                eprintln!(
                    "entitle: {docs} documents checked, {} problems",
                    problems.len()
                );
                ExitCode::from(1)
            }
        }
    }
}

/// Check every document and every annotator's file; returns the number of documents
/// and the problems. Reads only.
pub fn check_project(path: &Path) -> Result<(usize, Vec<Problem>), project::ProjectError> {
    let (project, _) = Project::open_read_only(path)?;
    let (annotators, mut problems) = project_problems(&project);
    for entry in project.docs() {
        document_problems(&project, entry, &annotators, &mut problems);
    }
    orphan_problems(&project, &annotators, &mut problems);
    Ok((project.docs().len(), problems))
}

/// Problems of the project as a whole: its `entitle.toml`, an interrupted import,
/// what the scan skipped, the annotator folders. Returns the annotators too.
fn project_problems(project: &Project) -> (Vec<String>, Vec<Problem>) {
    let mut problems = Vec::new();
    if let Some(c) = &project.config_problem {
        problems.push(Problem {
            file: project.root().join(project::CONFIG_FILE),
            line: None,
            message: c.clone(),
        });
    }
    if let Some(i) = &project.interrupted_import {
        problems.push(Problem {
            file: project.root().join(project::import::JOURNAL_FILE),
            line: None,
            message: i.describe(project.root()),
        });
    }
    for s in &project.skipped {
        problems.push(Problem {
            file: project.root().to_path_buf(),
            line: None,
            message: format!("skipped {s}"),
        });
    }
    let (annotators, folder_problems) = project.annotator_folders();
    for p in folder_problems {
        problems.push(Problem {
            file: project.root().join(project::ANNOTATIONS_DIR),
            line: None,
            message: p,
        });
    }
    (annotators, problems)
}

/// Problems of one document: its text, then each annotator's file on it.
fn document_problems(
    project: &Project,
    entry: &project::DocEntry,
    annotators: &[String],
    problems: &mut Vec<Problem>,
) {
    let doc = match project.load_document(&entry.id) {
        Ok(d) => d,
        Err(e) => {
            let (line, message) = match &e {
                project::DocError::Text { source, .. } => (
                    match source {
                        crate::model::TextError::InvalidUtf8 { line, .. } => Some(*line),
                        _ => None,
                    },
                    source.to_string(),
                ),
                project::DocError::Io { source, .. } => (None, source.to_string()),
            };
            problems.push(Problem {
                file: entry.path.clone(),
                line,
                message,
            });
            return;
        }
    };
    for a in annotators {
        match project.read_annotations(a, &entry.id) {
            Ok(None) => {}
            Ok(Some(parsed)) => match parsed.check(&doc) {
                Ok(Checked::Current { repairs, .. }) => {
                    for r in repairs {
                        problems.push(Problem {
                            file: project.annotation_path(a, &entry.id),
                            line: None,
                            message: format!(
                                "{r} (repaired when the document is opened; the file is backed up first)"
                            ),
                        });
                    }
                }
                Ok(Checked::TextChanged(f)) => problems.push(Problem {
                    file: project.annotation_path(a, &entry.id),
                    line: None,
                    message: format!(
                        "the text of {} changed since these {} spans were made; open it in the app and re-anchor them",
                        entry.path.display(),
                        f.spans.len()
                    ),
                }),
                Err(p) => problems.push(Problem {
                    file: project.annotation_path(a, &entry.id),
                    line: p.line(),
                    message: strip_line(&p.to_string()),
                }),
            },
            Err((file, err)) => {
                let line = match &err {
                    project::AnnotationReadError::Problem(p) => p.line(),
                    project::AnnotationReadError::Io(_) => None,
                };
                problems.push(Problem {
                    file,
                    line,
                    message: strip_line(&err.to_string()),
                });
            }
        }
    }
}

/// Annotation files whose document is gone. Those of the batch an interrupted import
/// was writing are part of that (already reported) import, not a renamed text.
fn orphan_problems(project: &Project, annotators: &[String], problems: &mut Vec<Problem>) {
    let unsure: Vec<&DocId> = project
        .interrupted_import
        .iter()
        .flat_map(|i| &i.docs_unsure)
        .collect();
    for a in annotators {
        let dir = project.root().join(project::ANNOTATIONS_DIR).join(a);
        for file in json_files(&dir) {
            let rel = file.strip_prefix(&dir).unwrap_or(&file);
            let id = rel
                .to_string_lossy()
                .replace('\\', "/")
                .trim_end_matches(".json")
                .to_string();
            let id = DocId::new(id).ok();
            let known = id.as_ref().and_then(|id| project.doc_entry(id)).is_some();
            let importing = id.as_ref().is_some_and(|id| unsure.contains(&id));
            if !known && !importing {
                problems.push(Problem {
                    file,
                    line: None,
                    message: "no document matches this annotation file (was the .txt renamed or deleted?)".into(),
                });
            }
        }
    }
}

/// "line 3, column 5: msg" → "column 5: msg" (the line is printed as FILE:LINE).
fn strip_line(s: &str) -> String {
    match s.strip_prefix("line ") {
        Some(rest) => match rest.find([',', ':']) {
            Some(p) => rest[p + 1..].trim_start().to_string(),
            None => s.to_string(),
        },
        None => s.to_string(),
    }
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(p),
                Ok(t) if t.is_file() && p.extension().is_some_and(|x| x == "json") => out.push(p),
                _ => {}
            }
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_killed_import_is_one_problem_and_its_leftovers_are_swept_on_resume() {
        use crate::project::{ImportSource, Project};
        let dir = tempfile::tempdir().unwrap();
        let w = |p: &str, b: &[u8]| {
            let p = dir.path().join(p);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, b).unwrap();
        };
        let source = ImportSource {
            format: "jsonl".into(),
            inputs: vec!["/in.jsonl".into()],
            annotator: "imp".into(),
        };
        // As a kill leaves it: the journal says batch 1 was being written; one
        // annotation file of it was renamed into place, its text was not; temporary
        // files of the batch are still there.
        let mut journal = serde_json::to_value(&source).unwrap();
        journal["event"] = "start".into();
        journal["started"] = "2026-11-29 16:00 UTC".into();
        w(
            crate::project::import::JOURNAL_FILE,
            format!(
                "{journal}\n{{\"event\":\"begin\",\"batch\":1,\"records\":2,\"docs\":[\"docs/x\",\"docs/y\"]}}\n"
            )
            .as_bytes(),
        );
        w("entitle.toml", b"format_version = 1\n");
        w("annotations/imp/docs/x.json", b"{}");
        w("docs/.entitle-a1b2.tmp", b"half a text");
        w("annotations/imp/docs/.entitle-c3d4.tmp", b"{");
        let (_, problems) = check_project(dir.path()).unwrap();
        let lines: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(lines.len(), 1, "{lines:#?}");
        assert!(
            lines[0].contains("was interrupted") && lines[0].contains("docs/x"),
            "{lines:?}"
        );
        // Running the same import again sweeps what the killed batch left.
        let (mut p, _) = Project::open(dir.path()).unwrap();
        let im = p.begin_import(source).unwrap();
        assert!(im.resuming());
        assert!(!dir.path().join("docs/.entitle-a1b2.tmp").exists());
        assert!(
            !dir.path()
                .join("annotations/imp/docs/.entitle-c3d4.tmp")
                .exists()
        );
    }

    #[test]
    fn check_reports_every_problem_with_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let w = |p: &str, b: &[u8]| {
            let p = dir.path().join(p);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, b).unwrap();
        };
        w("good.txt", b"Rami said");
        w("bad.txt", b"caf\xe9");
        w(
            "annotations/bob/good.json",
            b"{\n\"entitle_annotations\": 1,\n]",
        );
        w("annotations/bob/gone.json", b"{}");
        let (docs, problems) = check_project(dir.path()).unwrap();
        assert_eq!(docs, 2);
        let lines: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(lines.len(), 3, "{lines:#?}");
        assert!(lines[0].contains("bad.txt") && lines[0].contains("not valid UTF-8"));
        assert!(lines[1].contains("good.json:3: column"), "{}", lines[1]);
        assert!(lines[2].contains("gone.json") && lines[2].contains("no document"));
        // Nothing was moved or written.
        assert!(dir.path().join("annotations/bob/good.json").exists());
        assert!(!dir.path().join("entitle.toml").exists());
    }
}
