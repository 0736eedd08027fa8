//! The project folder on disk.
//!
//! ```text
//! my-project/
//!   entitle.toml                            name, labels, format version
//!   **/*.txt                                documents: any .txt file in the folder tree,
//!                                           read, never written
//!   annotations/<annotator>/<doc-id>.json   one annotator's spans on one document
//!   .entitle.lock                           held while a window edits the project
//! ```
//!
//! A plain folder of `.txt` files is a project too: `entitle.toml` and `annotations/`
//! are created beside the texts the first time something is saved, and nothing of the
//! user's is moved or rewritten. Every path written is built from a checked [`DocId`]
//! and a sanitised annotator name and verified to lie inside the project folder.

pub mod annotation_file;
pub mod autosave;
pub mod config;
pub mod import;
pub mod interop;
pub mod lock;
pub mod repair;
pub mod sample;

pub use crate::fsio::{atomic_write, natural_cmp};
pub use annotation_file::{Checked, FileProblem, ParsedFile, Reanchored, Summary};
pub use config::{CONFIG_FILE, ProjectConfig};
pub use import::{Added, ImportError, ImportSource, Imported, Importer, Interrupted};
pub use interop::Stats;

use crate::model::{DocId, Document, MAX_DOCUMENT_BYTES, Schema, TextError};
use std::path::{Path, PathBuf};

pub const ANNOTATIONS_DIR: &str = "annotations";
pub use lock::LOCK_FILE;
/// A folder with more documents than this is refused (pick a sub-folder).
const MAX_DOCUMENTS: usize = 200_000;

/// Why a project could not be opened. Each message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    #[error("{} does not exist. Check the path, or open a folder of .txt files", .0.display())]
    NotFound(PathBuf),
    #[error("{} is not a folder or a .txt file. Open a project folder, a folder of .txt files, or one .txt file", .0.display())]
    NotProject(PathBuf),
    #[error("{}:{line}:{column}: {message}. Fix the file, or move it away to start again with the default labels", .path.display())]
    Config {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{} has more than {MAX_DOCUMENTS} .txt files; open a sub-folder instead", .0.display())]
    TooManyDocuments(PathBuf),
    #[error("could not read {}: {source}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Why one document could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum DocError {
    #[error("{} {source}", .path.display())]
    Text {
        path: PathBuf,
        #[source]
        source: TextError,
    },
    #[error("could not read {}: {source}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// One document of the project, as listed (its text is read when opened).
#[derive(Debug, Clone)]
pub struct DocEntry {
    pub id: DocId,
    /// Absolute path of the text file.
    pub path: PathBuf,
    /// First non-empty line of the text, shortened; the file name if there is none.
    pub title: String,
}

/// How a project is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// To change it (the app, `import`, `fix-labels`): the project lock is taken first;
    /// if another process holds it, the project opens read-only and says why.
    Edit,
    /// Only to read it (`check`, `stats`, `export`): no lock, nothing is ever written.
    Read,
}

/// An open project folder.
#[derive(Debug)]
pub struct Project {
    root: PathBuf,
    config: ProjectConfig,
    has_config_file: bool,
    docs: Vec<DocEntry>,
    access: Access,
    lock: Option<lock::ProjectLock>,
    /// Set when this process must not write: another process holds the lock, the
    /// project file needs fixing, or the project was opened to read. Says why.
    pub read_only_reason: Option<String>,
    /// A problem with `entitle.toml` (the project opened read-only with the labels it
    /// could read), as `entitle.toml:LINE:COL: message`.
    pub config_problem: Option<String>,
    /// Files and folders skipped while scanning, with the reason.
    pub skipped: Vec<String>,
    /// An import that was interrupted (its journal is still there).
    pub interrupted_import: Option<Interrupted>,
    /// entitle.toml's modification time and size when last read or written, to notice
    /// an edit made in another program.
    config_stamp: Option<(std::time::SystemTime, u64)>,
}

impl Project {
    /// Open a project folder, a plain folder of `.txt` files, or one `.txt` file (its
    /// folder is opened and that document returned as the one to show first), to edit
    /// it.
    pub fn open(path: &Path) -> Result<(Project, Option<DocId>), ProjectError> {
        Self::open_with(path, Access::Edit)
    }

    /// Open a project only to read it: no lock is taken and nothing is written.
    pub fn open_read_only(path: &Path) -> Result<(Project, Option<DocId>), ProjectError> {
        Self::open_with(path, Access::Read)
    }

    pub fn open_with(
        path: &Path,
        access: Access,
    ) -> Result<(Project, Option<DocId>), ProjectError> {
        let (root, focus_file) = project_root(path)?;
        let root = crate::fsio::real_path(&root).map_err(|e| ProjectError::Io {
            path: root.clone(),
            source: e,
        })?;
        let (config, has_config_file, config_problem) = read_config(&root)?;
        let mut project = Project {
            root,
            config,
            has_config_file,
            docs: Vec::new(),
            access,
            lock: None,
            read_only_reason: None,
            config_problem,
            skipped: Vec::new(),
            interrupted_import: None,
            config_stamp: None,
        };
        project.config_stamp = config_stamp(&project.root);
        project.interrupted_import = import::read_journal(&project.root);
        project.rescan()?;
        let focus = focus_file.and_then(|f| {
            let f = crate::fsio::real_path(&f).ok()?;
            project
                .docs
                .iter()
                .find(|d| d.path == f)
                .map(|d| d.id.clone())
        });
        project.read_only_reason = match access {
            Access::Read => Some("opened to read only".into()),
            Access::Edit => match lock::ProjectLock::acquire(&project.root, has_config_file) {
                Ok(l) => {
                    project.lock = Some(l);
                    project.config_problem.as_ref().map(|p| {
                        format!("{p}. The project is read-only until entitle.toml is fixed")
                    })
                }
                Err(reason) => Some(reason),
            },
        };
        Ok((project, focus))
    }

    /// The same project opened again (documents, entitle.toml and journal read anew),
    /// keeping this one's lock.
    pub fn reopen(mut self) -> Result<Project, ProjectError> {
        let (config, has_config_file, config_problem) = read_config(&self.root)?;
        self.config = config;
        self.has_config_file = has_config_file;
        self.config_problem = config_problem;
        self.config_stamp = config_stamp(&self.root);
        self.interrupted_import = import::read_journal(&self.root);
        self.rescan()?;
        if self.access == Access::Edit && self.lock.is_some() {
            self.read_only_reason = self
                .config_problem
                .as_ref()
                .map(|p| format!("{p}. The project is read-only until entitle.toml is fixed"));
        }
        Ok(self)
    }

    /// Read the folder tree again (documents added or removed on disk).
    pub fn rescan(&mut self) -> Result<(), ProjectError> {
        let walked = crate::fsio::walk(
            &self.root,
            &crate::fsio::WalkOptions {
                extensions: &["txt"],
                max_depth: DocId::MAX_COMPONENTS,
                skip_top: &[ANNOTATIONS_DIR],
                max_files: MAX_DOCUMENTS,
                skip_marked: Some(crate::formats::EXPORT_MARKER),
            },
        );
        if walked.truncated {
            return Err(ProjectError::TooManyDocuments(self.root.clone()));
        }
        self.skipped = walked
            .skipped
            .into_iter()
            .map(|(p, why)| format!("{} {why}", p.display()))
            .collect();
        self.docs.clear();
        for path in walked.files {
            match doc_id_of(&self.root, &path) {
                Ok(id) => {
                    let name = path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    let title = read_title(&path, &name);
                    self.docs.push(DocEntry { id, path, title });
                }
                Err(e) => self.skipped.push(format!("{}: {e}", path.display())),
            }
        }
        Ok(())
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
    pub fn name(&self) -> String {
        self.config.name.clone().unwrap_or_else(|| {
            self.root
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| self.root.display().to_string())
        })
    }
    pub fn schema(&self) -> Schema {
        self.config.schema()
    }
    /// Whether the project's labels include `name` (no copy of the schema).
    pub fn has_label(&self, name: &str) -> bool {
        self.config.labels.iter().any(|l| l.name == name)
    }
    pub fn docs(&self) -> &[DocEntry] {
        &self.docs
    }
    pub fn doc_entry(&self, id: &DocId) -> Option<&DocEntry> {
        self.docs.iter().find(|d| &d.id == id)
    }
    pub fn has_config_file(&self) -> bool {
        self.has_config_file
    }
    pub fn access(&self) -> Access {
        self.access
    }

    /// Add a document written on disk (an import) to the list, in natural order.
    pub(crate) fn add_doc_entry(&mut self, id: DocId, path: PathBuf) {
        let at = self.docs.partition_point(|d| {
            natural_cmp(d.id.as_str(), id.as_str()) == std::cmp::Ordering::Less
        });
        if self.docs.get(at).is_some_and(|d| d.id == id) {
            return;
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let title = read_title(&path, &name);
        self.docs.insert(at, DocEntry { id, path, title });
    }

    /// Whether this process holds the project lock (it may still be read-only because
    /// entitle.toml needs fixing: `fix-labels` works then).
    pub fn holds_lock(&self) -> bool {
        self.lock.is_some()
    }

    /// Refuse to write unless this process holds the project lock.
    pub fn check_writable(&self) -> std::io::Result<()> {
        match &self.read_only_reason {
            Some(reason) => Err(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                format!("{}: {reason}", self.root.display()),
            )),
            None if self.lock.is_none() => Err(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                "the project is not locked for editing",
            )),
            None => Ok(()),
        }
    }

    /// Create `entitle.toml` (with the current labels) if the folder has none yet, so a
    /// plain folder becomes a project on its first save. Returns true if it wrote it.
    pub fn ensure_initialized(&mut self) -> std::io::Result<bool> {
        self.check_writable()?;
        if self.has_config_file {
            return Ok(false);
        }
        self.write_config()?;
        // Best effort: a project without it still works; git would just offer to
        // commit the lock file and local backups.
        let ignore = self.root.join(".gitignore");
        if !ignore.exists() {
            let _ = atomic_write(&ignore, GITIGNORE.as_bytes());
        }
        Ok(true)
    }

    /// Save `entitle.toml`, and take the file lock the first time (the folder lock is
    /// already held, so no other process can have written it meanwhile).
    pub(crate) fn write_config(&mut self) -> std::io::Result<()> {
        self.check_writable()?;
        atomic_write(
            &self.root.join(CONFIG_FILE),
            self.config.to_toml().as_bytes(),
        )?;
        self.config_stamp = config_stamp(&self.root);
        if !self.has_config_file {
            self.has_config_file = true;
            if let Some(l) = self.lock.as_mut() {
                l.acquire_file(&self.root)
                    .map_err(|e| std::io::Error::new(std::io::ErrorKind::PermissionDenied, e))?;
            }
        }
        Ok(())
    }

    /// Replace the schema (labels, relation types, attributes) and save entitle.toml
    /// (the schema editor, through the session). It is in force even if saving fails.
    pub fn set_schema(&mut self, schema: Schema) -> std::io::Result<()> {
        self.config.set_schema(schema);
        self.write_config()
    }

    /// Read entitle.toml again if another program changed it since it was last read or
    /// written: `None` when unchanged, `Some(Ok(labels))` when the new labels are in
    /// force, `Some(Err(message))` when the new file has a problem (the labels in
    /// force stay, and the file is read again at its next change).
    pub fn reload_config_if_changed(&mut self) -> Option<Result<usize, String>> {
        let now = config_stamp(&self.root);
        if now.is_none() || now == self.config_stamp {
            return None;
        }
        self.config_stamp = now;
        match read_config(&self.root) {
            Ok((config, true, None)) => {
                let n = config.labels.len();
                self.config = config;
                self.has_config_file = true;
                // A problem that made the project read-only is gone.
                if self.config_problem.take().is_some() && self.lock.is_some() {
                    self.read_only_reason = None;
                }
                Some(Ok(n))
            }
            Ok((_, _, Some(problem))) => Some(Err(problem)),
            Ok((_, false, None)) => None,
            Err(e) => Some(Err(e.to_string())),
        }
    }

    /// Read and decode a document's text (regular files only).
    pub fn load_document(&self, id: &DocId) -> Result<Document, DocError> {
        let path = self.text_path(id);
        let bytes =
            crate::fsio::read_regular(&path, MAX_DOCUMENT_BYTES as u64 + 3).map_err(|e| {
                DocError::Io {
                    path: path.clone(),
                    source: e,
                }
            })?;
        Document::from_bytes(id.clone(), bytes).map_err(|source| DocError::Text { path, source })
    }

    fn text_path(&self, id: &DocId) -> PathBuf {
        self.doc_entry(id)
            .map(|d| d.path.clone())
            .unwrap_or_else(|| join_id(&self.root, id, "txt"))
    }

    /// `annotations/<annotator>/<doc-id>.json`, inside the project folder.
    pub fn annotation_path(&self, annotator: &str, id: &DocId) -> PathBuf {
        let dir = self
            .root
            .join(ANNOTATIONS_DIR)
            .join(sanitize_annotator(annotator));
        join_id(&dir, id, "json")
    }

    /// Read an annotator's file for a document: `Ok(None)` if there is none yet. Any
    /// other failure to read (permission, I/O, a FIFO, a sharing violation) is an error:
    /// a file that exists is never taken for a missing one.
    pub fn read_annotations(
        &self,
        annotator: &str,
        id: &DocId,
    ) -> Result<Option<ParsedFile>, (PathBuf, AnnotationReadError)> {
        let path = self.annotation_path(annotator, id);
        match crate::fsio::read_regular(&path, MAX_ANNOTATION_FILE_BYTES) {
            Ok(bytes) => annotation_file::parse(&bytes)
                .map(Some)
                .map_err(|p| (path, AnnotationReadError::Problem(p))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err((path, AnnotationReadError::Io(e.to_string()))),
        }
    }

    /// Status and span count of an annotator's file, without reading the document:
    /// `Ok(None)` if there is no file, an error if there is one that cannot be read.
    pub fn summary(
        &self,
        annotator: &str,
        id: &DocId,
    ) -> Result<Option<Summary>, (PathBuf, AnnotationReadError)> {
        self.read_annotations(annotator, id).map(|p| {
            p.map(|p| Summary {
                status: p.status,
                spans: p.spans.len(),
            })
        })
    }

    /// Move a broken annotation file aside (same folder, `.corrupt-<time>` suffix) so
    /// it is never overwritten. Returns where it went.
    pub fn set_aside(&self, path: &Path) -> std::io::Result<PathBuf> {
        self.check_writable()?;
        self.check_inside(path)?;
        let aside = stamped_sibling(path, "corrupt");
        std::fs::rename(path, &aside)?;
        Ok(aside)
    }

    /// Copy a file aside (`NAME.<tag>-<time>`) before it is replaced by re-anchored or
    /// repaired annotations.
    pub fn back_up(&self, path: &Path, tag: &str) -> std::io::Result<PathBuf> {
        self.check_writable()?;
        self.check_inside(path)?;
        let backup = stamped_sibling(path, tag);
        let bytes = crate::fsio::read_regular(path, MAX_ANNOTATION_FILE_BYTES)?;
        atomic_write(&backup, &bytes)?;
        Ok(backup)
    }

    /// Refuse any path that is not inside the project folder once links are resolved:
    /// the deepest part of it that exists must resolve to a place inside the (canonical)
    /// project folder, so a `docs` or `annotations` folder that is a link to elsewhere
    /// is refused, and `..` is refused outright.
    pub fn check_inside(&self, path: &Path) -> std::io::Result<()> {
        let refuse = |why: &str| {
            Err(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                format!(
                    "refusing to write {} outside the project folder {}{why}",
                    path.display(),
                    self.root.display()
                ),
            ))
        };
        if !path.starts_with(&self.root)
            || path
                .components()
                .any(|c| matches!(c, std::path::Component::ParentDir))
        {
            return refuse("");
        }
        let mut existing = path;
        while !existing.exists() && existing.symlink_metadata().is_err() {
            match existing.parent() {
                Some(p) => existing = p,
                None => return refuse(""),
            }
        }
        match crate::fsio::real_path(existing) {
            Ok(real) if real.starts_with(&self.root) => Ok(()),
            Ok(real) => refuse(&format!(
                " ({} leads to {} through a link)",
                existing.display(),
                real.display()
            )),
            // A dangling link on the way: refuse rather than guess.
            Err(_) => refuse(&format!(" ({} is a broken link)", existing.display())),
        }
    }
}

/// Annotation files larger than this are refused (a 20,000-span file is ~3 MB).
/// Written beside a new project's entitle.toml: files that belong to one machine and
/// must not travel through git (each annotator's layer does; see README, "Teams").
pub const GITIGNORE: &str = "# Written by Entitle: per-machine files that are never shared.\n.entitle.lock\n.entitle-*.tmp\n*.corrupt-*\n*.before-repair-*\n*.before-reanchor-*\n";

pub const MAX_ANNOTATION_FILE_BYTES: u64 = 256 << 20;

/// The canonical folder a path would open as a project (`None` if it cannot be one).
pub fn project_root_of(path: &Path) -> Option<PathBuf> {
    crate::fsio::real_path(&project_root(path).ok()?.0).ok()
}

/// The folder to open and the file to focus, for a folder or a `.txt` path.
fn project_root(path: &Path) -> Result<(PathBuf, Option<PathBuf>), ProjectError> {
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => ProjectError::NotFound(path.to_path_buf()),
        _ => ProjectError::Io {
            path: path.to_path_buf(),
            source: e,
        },
    })?;
    if meta.is_dir() {
        Ok((path.to_path_buf(), None))
    } else if meta.is_file() && is_txt(path) {
        let parent = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        Ok((parent.to_path_buf(), Some(path.to_path_buf())))
    } else {
        Err(ProjectError::NotProject(path.to_path_buf()))
    }
}

/// `entitle.toml`: the config, whether the file exists, and its problem if it has one
/// (then the labels that could be read, or the defaults, so the project still opens,
/// read-only).
fn config_stamp(root: &Path) -> Option<(std::time::SystemTime, u64)> {
    let m = std::fs::metadata(root.join(CONFIG_FILE)).ok()?;
    Some((m.modified().ok()?, m.len()))
}

fn read_config(root: &Path) -> Result<(ProjectConfig, bool, Option<String>), ProjectError> {
    let config_path = root.join(CONFIG_FILE);
    let bytes = match crate::fsio::read_regular(&config_path, 16 << 20) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok((ProjectConfig::default(), false, None));
        }
        Err(e) => {
            return Err(ProjectError::Io {
                path: config_path,
                source: e,
            });
        }
    };
    let problem = |line: usize, column: usize, message: &str| {
        format!("{}:{line}:{column}: {message}", config_path.display())
    };
    let text = match std::str::from_utf8(&bytes) {
        Ok(t) => t,
        Err(e) => {
            let (line, column) = config::line_col(
                &String::from_utf8_lossy(&bytes[..e.valid_up_to()]),
                e.valid_up_to(),
            );
            let msg = problem(
                line,
                column,
                "the file is not valid UTF-8; re-save it as UTF-8",
            );
            return Ok((ProjectConfig::default(), true, Some(msg)));
        }
    };
    match ProjectConfig::parse(text) {
        Ok(c) => Ok((c, true, None)),
        Err(p) => {
            let mut msg = problem(p.line, p.column, &p.message);
            if p.message.contains("label name") {
                msg.push_str(&format!(
                    ". Run `entitle fix-labels {}` to rename such labels in entitle.toml and every annotation file",
                    root.display()
                ));
            }
            let lenient = ProjectConfig::parse_lenient(text).unwrap_or_default();
            Ok((lenient, true, Some(msg)))
        }
    }
}

/// Why an annotation file could not be read.
#[derive(Debug, Clone)]
pub enum AnnotationReadError {
    Io(String),
    Problem(FileProblem),
}

impl AnnotationReadError {
    /// `FILE:LINE: message` (the line moved out of the message), or `FILE: message`.
    pub fn located(&self, path: &Path) -> String {
        match self {
            AnnotationReadError::Problem(p) => match p.line() {
                Some(line) => {
                    let msg = p.to_string();
                    let msg = msg
                        .strip_prefix("line ")
                        .and_then(|rest| rest.find([',', ':']).map(|i| rest[i + 1..].trim_start()))
                        .unwrap_or(&msg);
                    format!("{}:{line}: {msg}", path.display())
                }
                None => format!("{}: {p}", path.display()),
            },
            AnnotationReadError::Io(e) => format!("{}: {e}", path.display()),
        }
    }
}

impl std::fmt::Display for AnnotationReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AnnotationReadError::Io(e) => f.write_str(e),
            AnnotationReadError::Problem(p) => p.fmt(f),
        }
    }
}

/// `dir/name.json` → `dir/name.json.<tag>-<UTC time>`.
fn stamped_sibling(path: &Path, tag: &str) -> PathBuf {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!("{name}.{tag}-{stamp}"))
}

/// An annotator name usable as a folder name: letters, digits, `.`, `_` and `-`; other
/// characters become `_`; never empty, never starting with `.`.
pub fn sanitize_annotator(name: &str) -> String {
    let mut s: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .take(64)
        .collect();
    while s.starts_with('.') {
        s.replace_range(..1, "_");
    }
    if s.is_empty() {
        s = "annotator".into();
    }
    s
}

/// The default annotator name: the login name, or `annotator`.
pub fn default_annotator() -> String {
    let raw = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_default();
    sanitize_annotator(&raw)
}

fn join_id(dir: &Path, id: &DocId, ext: &str) -> PathBuf {
    let mut p = dir.to_path_buf();
    let parts: Vec<&str> = id.as_str().split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        if i + 1 == parts.len() {
            p.push(format!("{part}.{ext}"));
        } else {
            p.push(part);
        }
    }
    p
}

fn is_txt(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("txt"))
}

/// The document id of a text file in the project: its path below the root, `/`
/// separated, without `.txt`.
fn doc_id_of(root: &Path, path: &Path) -> Result<DocId, crate::model::DocIdError> {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let joined = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/");
    let id = joined
        .get(..joined.len().saturating_sub(4))
        .unwrap_or(&joined)
        .to_string();
    DocId::new(id)
}

/// The first non-empty line of a text file (first 4 KiB only), shortened to 100 chars.
fn read_title(path: &Path, file_name: &str) -> String {
    use std::io::Read;
    let mut buf = vec![0u8; 4096];
    let n = crate::fsio::open_regular(path)
        .and_then(|mut f| f.read(&mut buf))
        .unwrap_or(0);
    buf.truncate(n);
    if buf.contains(&0) {
        return file_name.to_string();
    }
    // Not-UTF-8 bytes show as '?' (the document itself gets a proper error when opened).
    let text = String::from_utf8_lossy(&buf).replace('\u{FFFD}', "?");
    let text = text.trim_start_matches('\u{feff}');
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or(file_name);
    let mut title: String = line.chars().take(100).collect();
    if line.chars().count() > 100 {
        title.push('…');
    }
    title
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_folder_opens_without_writing_anything() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("doc10.txt"), "\n  Ten\nbody").unwrap();
        std::fs::write(dir.path().join("doc2.txt"), "Two").unwrap();
        std::fs::write(dir.path().join("sub/x.TXT"), "X").unwrap();
        std::fs::write(dir.path().join("notes.md"), "no").unwrap();
        let (p, focus) = Project::open(dir.path()).unwrap();
        let ids: Vec<&str> = p.docs().iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["doc2", "doc10", "sub/x"]);
        assert_eq!(p.docs()[1].title, "Ten");
        assert!(focus.is_none());
        let mut names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["doc10.txt", "doc2.txt", "notes.md", "sub"]);
    }

    #[test]
    fn imported_documents_join_the_list_in_natural_order_as_on_reopen() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a5.txt"), "Five").unwrap();
        let (mut p, _) = Project::open(dir.path()).unwrap();
        for (name, text) in [
            ("n10", "Ten"),
            ("n2", "Two"),
            ("n1", "One"),
            ("a10", "A ten"),
        ] {
            let rec = crate::formats::build_record(
                name,
                None,
                text.into(),
                vec![],
                vec![],
                Default::default(),
                &crate::formats::ReadOptions::default(),
            )
            .unwrap();
            p.import_record("t", &rec).unwrap();
        }
        let ids: Vec<String> = p.docs().iter().map(|d| d.id.to_string()).collect();
        assert_eq!(ids, ["a5", "docs/a10", "docs/n1", "docs/n2", "docs/n10"]);
        let (reopened, _) = Project::open(dir.path()).unwrap();
        let again: Vec<String> = reopened.docs().iter().map(|d| d.id.to_string()).collect();
        assert_eq!(again, ids);
    }

    #[test]
    fn single_file_opens_its_folder_focused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "A").unwrap();
        std::fs::write(dir.path().join("b.txt"), "B").unwrap();
        let (_, focus) = Project::open(&dir.path().join("b.txt")).unwrap();
        assert_eq!(focus.unwrap().as_str(), "b");
    }

    #[test]
    fn missing_and_wrong_paths_say_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let e = Project::open(&dir.path().join("nope")).unwrap_err();
        assert!(e.to_string().contains("does not exist"), "{e}");
        std::fs::write(dir.path().join("x.pdf"), "%PDF").unwrap();
        let e = Project::open(&dir.path().join("x.pdf")).unwrap_err();
        assert!(e.to_string().contains("not a folder or a .txt file"), "{e}");
        std::fs::write(
            dir.path().join(CONFIG_FILE),
            "format_version = 1\n[[labels]]\nname = 3\n",
        )
        .unwrap();
        // A project file with a problem opens read-only, with the default labels.
        let (p, _) = Project::open(dir.path()).unwrap();
        let reason = p.read_only_reason.clone().unwrap_or_default();
        assert!(reason.contains("entitle.toml:3:"), "{reason}");
        assert!(
            reason.contains("read-only until entitle.toml is fixed"),
            "{reason}"
        );
        assert_eq!(p.schema().labels.len(), 7);
        drop(p);
        std::fs::write(
            dir.path().join(CONFIG_FILE),
            b"format_version = 1\nname = \"caf\xe9\"\n",
        )
        .unwrap();
        let (p, _) = Project::open(dir.path()).unwrap();
        let reason = p.read_only_reason.clone().unwrap_or_default();
        assert!(
            reason.contains("entitle.toml:2:") && reason.contains("not valid UTF-8"),
            "{reason}"
        );
    }

    #[test]
    fn paths_stay_inside_the_project() {
        let dir = tempfile::tempdir().unwrap();
        let (p, _) = Project::open(dir.path()).unwrap();
        let id = DocId::new("a/b").unwrap();
        let path = p.annotation_path("../../etc", &id);
        assert!(path.starts_with(p.root()));
        assert!(p.check_inside(&path).is_ok());
        assert!(p.check_inside(Path::new("/etc/passwd")).is_err());
        assert!(p.check_inside(&p.root().join("../x")).is_err());
        let a = sanitize_annotator("../../etc");
        assert!(!a.contains('/') && !a.starts_with('.'), "{a}");
        assert_eq!(sanitize_annotator(" "), "annotator");
    }

    #[test]
    fn second_window_is_read_only() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "A").unwrap();
        let (mut first, _) = Project::open(dir.path()).unwrap();
        assert!(first.ensure_initialized().unwrap());
        let (second, _) = Project::open(dir.path()).unwrap();
        assert!(second.read_only_reason.is_some());
        drop(first);
        let (third, _) = Project::open(dir.path()).unwrap();
        assert!(third.read_only_reason.is_none());
    }

    #[test]
    fn a_plain_folder_has_one_writer_from_the_start_and_readers_never_block_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "Amal said").unwrap();
        // A window opens the plain folder: nothing is written, but it holds the lock.
        let (mut window, _) = Project::open(dir.path()).unwrap();
        assert!(window.read_only_reason.is_none());
        let listing = || {
            let mut v: Vec<String> = std::fs::read_dir(dir.path())
                .unwrap()
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .collect();
            v.sort();
            v
        };
        assert_eq!(listing(), ["a.txt"]);
        // A second window, or an import, is read-only and says why; it cannot create
        // entitle.toml, which the first window's first save would then have replaced.
        let (mut second, _) = Project::open(dir.path()).unwrap();
        let reason = second.read_only_reason.clone().unwrap();
        assert!(reason.contains("another Entitle"), "{reason}");
        assert!(second.ensure_initialized().is_err());
        assert!(
            second
                .begin_import(ImportSource {
                    format: "jsonl".into(),
                    inputs: vec![],
                    annotator: "b".into(),
                })
                .is_err()
        );
        assert_eq!(listing(), ["a.txt"]);
        // check and stats read without a lock: they work while the window is open and
        // never stop it from saving.
        let (reader, _) = Project::open_read_only(dir.path()).unwrap();
        assert!(reader.check_writable().is_err());
        let _ = reader.stats();
        assert!(window.ensure_initialized().unwrap());
        drop(reader);
        assert_eq!(
            listing(),
            [".entitle.lock", ".gitignore", "a.txt", "entitle.toml"]
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_annotations_folder_is_refused_for_writing() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "Amal said").unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join(ANNOTATIONS_DIR)).unwrap();
        let (p, _) = Project::open(dir.path()).unwrap();
        let path = p.annotation_path("alice", &DocId::new("a").unwrap());
        let e = p.check_inside(&path).unwrap_err().to_string();
        assert!(
            e.contains("outside the project") && e.contains("through a link"),
            "{e}"
        );
        std::os::unix::fs::symlink(outside.path(), dir.path().join("docs")).unwrap();
        let e = p
            .check_inside(&p.root().join("docs/new.txt"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("through a link"), "{e}");
        assert!(p.check_inside(&p.root().join("other/new.txt")).is_ok());
    }
}
