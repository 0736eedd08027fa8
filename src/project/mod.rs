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
pub mod interop;
pub mod sample;

pub use crate::fsio::{atomic_write, natural_cmp};
pub use annotation_file::{Checked, FileProblem, ParsedFile, Reanchored, Summary};
pub use config::{CONFIG_FILE, ProjectConfig};
pub use interop::{ImportError, Imported, Stats};

use crate::model::{DocId, Document, Schema, TextError};
use std::fs::File;
use std::path::{Path, PathBuf};

pub const ANNOTATIONS_DIR: &str = "annotations";
pub const LOCK_FILE: &str = ".entitle.lock";
/// Folders deeper than this are not scanned for documents.
const MAX_DEPTH: usize = 12;
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

/// An open project folder.
#[derive(Debug)]
pub struct Project {
    root: PathBuf,
    config: ProjectConfig,
    has_config_file: bool,
    docs: Vec<DocEntry>,
    lock: Option<File>,
    /// Set when another Entitle window holds the project: this one must not write.
    pub read_only_reason: Option<String>,
    /// Files skipped while scanning (bad names), with the reason.
    pub skipped: Vec<String>,
}

impl Project {
    /// Open a project folder, a plain folder of `.txt` files, or one `.txt` file (its
    /// folder is opened and that document returned as the one to show first).
    pub fn open(path: &Path) -> Result<(Project, Option<DocId>), ProjectError> {
        let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => ProjectError::NotFound(path.to_path_buf()),
            _ => ProjectError::Io {
                path: path.to_path_buf(),
                source: e,
            },
        })?;
        let (root, focus_file) = if meta.is_dir() {
            (path.to_path_buf(), None)
        } else if is_txt(path) {
            let parent = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            (parent.to_path_buf(), Some(path.to_path_buf()))
        } else {
            return Err(ProjectError::NotProject(path.to_path_buf()));
        };
        let root = root.canonicalize().map_err(|e| ProjectError::Io {
            path: root.clone(),
            source: e,
        })?;
        let config_path = root.join(CONFIG_FILE);
        let (config, has_config_file) = match std::fs::read(&config_path) {
            Ok(bytes) => {
                let text = String::from_utf8_lossy(&bytes);
                let config = ProjectConfig::parse(&text).map_err(|p| ProjectError::Config {
                    path: config_path.clone(),
                    line: p.line,
                    column: p.column,
                    message: p.message,
                })?;
                (config, true)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (ProjectConfig::default(), false),
            Err(e) => {
                return Err(ProjectError::Io {
                    path: config_path,
                    source: e,
                });
            }
        };
        let mut skipped = Vec::new();
        let mut docs = Vec::new();
        scan(&root, &root, 0, &mut docs, &mut skipped)?;
        docs.sort_by(|a: &DocEntry, b: &DocEntry| natural_cmp(a.id.as_str(), b.id.as_str()));
        let focus = focus_file.and_then(|f| {
            let f = f.canonicalize().ok()?;
            docs.iter().find(|d| d.path == f).map(|d| d.id.clone())
        });
        let mut project = Project {
            root,
            config,
            has_config_file,
            docs,
            lock: None,
            read_only_reason: None,
            skipped,
        };
        if has_config_file {
            project.acquire_lock();
        }
        Ok((project, focus))
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
    pub fn docs(&self) -> &[DocEntry] {
        &self.docs
    }
    pub fn doc_entry(&self, id: &DocId) -> Option<&DocEntry> {
        self.docs.iter().find(|d| &d.id == id)
    }
    pub fn has_config_file(&self) -> bool {
        self.has_config_file
    }

    fn acquire_lock(&mut self) {
        let path = self.root.join(LOCK_FILE);
        let file = match std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
        {
            Ok(f) => f,
            Err(e) => {
                self.read_only_reason = Some(format!(
                    "cannot create the lock file {}: {e}; check the folder is writable",
                    path.display()
                ));
                return;
            }
        };
        match file.try_lock() {
            Ok(()) => self.lock = Some(file),
            Err(std::fs::TryLockError::WouldBlock) => {
                self.read_only_reason = Some(
                    "another Entitle window has this project open; this one is read-only. Close the other window and reopen the project to edit".into(),
                )
            }
            Err(std::fs::TryLockError::Error(e)) => {
                // File systems without locks (some network shares): edit, but say so.
                eprintln!("entitle: could not lock {}: {e}", path.display());
                self.lock = Some(file);
            }
        }
    }

    /// Create `entitle.toml` (with the current labels) if the folder has none yet, so a
    /// plain folder becomes a project on its first save. Returns true if it wrote it.
    pub fn ensure_initialized(&mut self) -> std::io::Result<bool> {
        if let Some(reason) = &self.read_only_reason {
            return Err(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                reason.clone(),
            ));
        }
        if self.has_config_file {
            return Ok(false);
        }
        atomic_write(
            &self.root.join(CONFIG_FILE),
            self.config.to_toml().as_bytes(),
        )?;
        self.has_config_file = true;
        self.acquire_lock();
        Ok(true)
    }

    /// Read and decode a document's text.
    pub fn load_document(&self, id: &DocId) -> Result<Document, DocError> {
        let path = self.text_path(id);
        let bytes = std::fs::read(&path).map_err(|e| DocError::Io {
            path: path.clone(),
            source: e,
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

    /// Read an annotator's file for a document: `Ok(None)` if there is none yet.
    pub fn read_annotations(
        &self,
        annotator: &str,
        id: &DocId,
    ) -> Result<Option<ParsedFile>, (PathBuf, AnnotationReadError)> {
        let path = self.annotation_path(annotator, id);
        match std::fs::read(&path) {
            Ok(bytes) => annotation_file::parse(&bytes)
                .map(Some)
                .map_err(|p| (path, AnnotationReadError::Problem(p))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err((path, AnnotationReadError::Io(e.to_string()))),
        }
    }

    /// Status and span count of an annotator's file, without reading the document.
    pub fn summary(&self, annotator: &str, id: &DocId) -> Option<Summary> {
        let bytes = std::fs::read(self.annotation_path(annotator, id)).ok()?;
        annotation_file::summary(&bytes).ok()
    }

    /// Move a broken annotation file aside (same folder, `.corrupt-<time>` suffix) so
    /// it is never overwritten. Returns where it went.
    pub fn set_aside(&self, path: &Path) -> std::io::Result<PathBuf> {
        self.check_inside(path)?;
        let aside = stamped_sibling(path, "corrupt");
        std::fs::rename(path, &aside)?;
        Ok(aside)
    }

    /// Copy a file aside (`NAME.<tag>-<time>`) before it is replaced by re-anchored or
    /// repaired annotations.
    pub fn back_up(&self, path: &Path, tag: &str) -> std::io::Result<PathBuf> {
        self.check_inside(path)?;
        let backup = stamped_sibling(path, tag);
        let bytes = std::fs::read(path)?;
        atomic_write(&backup, &bytes)?;
        Ok(backup)
    }

    /// Refuse any path that is not inside the project folder (defence in depth: paths
    /// are built from checked ids, but nothing may ever be written elsewhere).
    pub fn check_inside(&self, path: &Path) -> std::io::Result<()> {
        let inside = path.starts_with(&self.root)
            && !path
                .components()
                .any(|c| matches!(c, std::path::Component::ParentDir));
        if inside {
            Ok(())
        } else {
            Err(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                format!(
                    "refusing to write {} outside the project folder {}",
                    path.display(),
                    self.root.display()
                ),
            ))
        }
    }
}

/// Why an annotation file could not be read.
#[derive(Debug, Clone)]
pub enum AnnotationReadError {
    Io(String),
    Problem(FileProblem),
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

fn scan(
    root: &Path,
    dir: &Path,
    depth: usize,
    docs: &mut Vec<DocEntry>,
    skipped: &mut Vec<String>,
) -> Result<(), ProjectError> {
    let entries = std::fs::read_dir(dir).map_err(|e| ProjectError::Io {
        path: dir.to_path_buf(),
        source: e,
    })?;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        // Never follow links: a link could lead outside the project folder.
        let Ok(ft) = entry.file_type() else { continue };
        let path = entry.path();
        if ft.is_dir() {
            if depth == 0 && name == ANNOTATIONS_DIR {
                continue;
            }
            if depth < MAX_DEPTH {
                scan(root, &path, depth + 1, docs, skipped)?;
            }
        } else if ft.is_file() && is_txt(&path) {
            if docs.len() >= MAX_DOCUMENTS {
                return Err(ProjectError::TooManyDocuments(root.to_path_buf()));
            }
            let Ok(rel) = path.strip_prefix(root) else {
                continue;
            };
            let rel: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            let joined = rel.join("/");
            let id_str = joined
                .get(..joined.len().saturating_sub(4))
                .unwrap_or(&joined)
                .to_string();
            match DocId::new(id_str) {
                Ok(id) => {
                    let title = read_title(&path, &name);
                    docs.push(DocEntry { id, path, title });
                }
                Err(e) => skipped.push(format!("{}: {e}", path.display())),
            }
        }
    }
    Ok(())
}

/// The first non-empty line of a text file (first 4 KiB only), shortened to 100 chars.
fn read_title(path: &Path, file_name: &str) -> String {
    use std::io::Read;
    let mut buf = vec![0u8; 4096];
    let n = File::open(path)
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
        let e = Project::open(dir.path()).unwrap_err();
        assert!(e.to_string().contains("entitle.toml:3:"), "{e}");
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
}
