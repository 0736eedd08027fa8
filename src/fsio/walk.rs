//! Folder walking for documents and input files: links are never followed (a link
//! could lead outside the folder, or into a loop), hidden entries are skipped, only
//! regular files are taken, and everything else that looked like a candidate is
//! reported, never dropped silently.

use std::path::{Path, PathBuf};

/// What to collect.
#[derive(Debug, Clone)]
pub struct WalkOptions<'a> {
    /// Extensions of the files to collect, without the dot, compared case-insensitively.
    pub extensions: &'a [&'a str],
    /// Folders deeper than this below the root are reported, not entered.
    pub max_depth: usize,
    /// Folder names skipped at the top level (a project's `annotations`).
    pub skip_top: &'a [&'a str],
    /// Stop after this many files (the result says so).
    pub max_files: usize,
    /// Sub-folders holding a file of this name are not searched (Entitle's export
    /// folders carry one, so an export inside a project never becomes documents).
    pub skip_marked: Option<&'a str>,
}

impl Default for WalkOptions<'_> {
    fn default() -> Self {
        Self {
            extensions: &[],
            max_depth: 32,
            skip_top: &[],
            max_files: usize::MAX,
            skip_marked: None,
        }
    }
}

/// The files found, in natural order of their path below the root, and what was
/// skipped with the reason.
#[derive(Debug, Default, Clone)]
pub struct Walked {
    pub files: Vec<PathBuf>,
    pub skipped: Vec<(PathBuf, String)>,
    /// `max_files` was reached: there are more files than listed.
    pub truncated: bool,
}

/// Walk `root`: a folder is searched recursively; a regular file is returned as it is
/// (whatever its extension: the user named it); anything else is reported.
pub fn walk(root: &Path, options: &WalkOptions<'_>) -> Walked {
    let mut out = Walked::default();
    match std::fs::metadata(root) {
        Ok(m) if m.is_file() => out.files.push(root.to_path_buf()),
        Ok(m) if m.is_dir() => {
            visit(root, 0, options, &mut out);
            out.files.sort_by(|a, b| {
                let rel = |p: &Path| {
                    p.strip_prefix(root)
                        .unwrap_or(p)
                        .to_string_lossy()
                        .replace('\\', "/")
                };
                super::natural_cmp(&rel(a), &rel(b))
            });
        }
        Ok(_) => out.skipped.push((
            root.to_path_buf(),
            "is not a regular file or a folder (a FIFO, socket or device)".into(),
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => out
            .skipped
            .push((root.to_path_buf(), "does not exist; check the path".into())),
        Err(e) => out
            .skipped
            .push((root.to_path_buf(), format!("cannot be read: {e}"))),
    }
    out
}

fn wanted(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

fn visit(dir: &Path, depth: usize, options: &WalkOptions<'_>, out: &mut Walked) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            out.skipped.push((
                dir.to_path_buf(),
                format!("folder cannot be read ({e}); its files were not included"),
            ));
            return;
        }
    };
    for entry in entries {
        if out.truncated {
            return;
        }
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                out.skipped.push((
                    dir.to_path_buf(),
                    format!("an entry of this folder cannot be read ({e})"),
                ));
                continue;
            }
        };
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        // file_type does not follow links.
        let Ok(ft) = entry.file_type() else {
            out.skipped
                .push((path, "its type cannot be read; skipped".into()));
            continue;
        };
        if ft.is_dir() {
            if depth == 0 && options.skip_top.iter().any(|s| *s == name) {
                continue;
            }
            if options.skip_marked.is_some_and(|m| path.join(m).exists()) {
                continue;
            }
            if depth + 1 >= options.max_depth {
                out.skipped.push((
                    path,
                    format!(
                        "folder is more than {} levels deep; not searched (open or import a sub-folder instead)",
                        options.max_depth
                    ),
                ));
            } else {
                visit(&path, depth + 1, options, out);
            }
        } else if wanted(&path, options.extensions) {
            if ft.is_file() {
                if out.files.len() >= options.max_files {
                    out.truncated = true;
                    return;
                }
                out.files.push(path);
            } else if ft.is_symlink() {
                out.skipped
                    .push((path, "is a symbolic link; links are not followed".into()));
            } else {
                out.skipped.push((
                    path,
                    "is not a regular file (a FIFO, socket or device); skipped".into(),
                ));
            }
        } else if ft.is_symlink() && std::fs::metadata(&path).is_ok_and(|m| m.is_dir()) {
            out.skipped.push((
                path,
                "is a symbolic link to a folder; links are not followed".into(),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_in_natural_order_and_reports_what_it_skips() {
        let dir = tempfile::tempdir().unwrap();
        let r = dir.path();
        for p in [
            "b/doc10.txt",
            "b/doc2.txt",
            "a.TXT",
            "x.md",
            ".hidden/h.txt",
            "annotations/z.txt",
        ] {
            let p = r.join(p);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x").unwrap();
        }
        std::fs::create_dir_all(r.join("d1/d2/d3")).unwrap();
        std::fs::write(r.join("d1/d2/d3/deep.txt"), "x").unwrap();
        let w = walk(
            r,
            &WalkOptions {
                extensions: &["txt"],
                max_depth: 3,
                skip_top: &["annotations"],
                ..Default::default()
            },
        );
        let rel: Vec<String> = w
            .files
            .iter()
            .map(|p| {
                p.strip_prefix(r)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        assert_eq!(rel, ["a.TXT", "b/doc2.txt", "b/doc10.txt"]);
        assert_eq!(w.skipped.len(), 1, "{:?}", w.skipped);
        assert!(w.skipped[0].1.contains("levels deep"));
        let missing = walk(&r.join("nope"), &WalkOptions::default());
        assert!(missing.skipped[0].1.contains("does not exist"));
    }

    #[cfg(unix)]
    #[test]
    fn links_fifos_and_unreadable_folders_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let r = dir.path();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.txt"), "x").unwrap();
        std::os::unix::fs::symlink(outside.path(), r.join("linkdir")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret.txt"), r.join("l.txt")).unwrap();
        let c = std::ffi::CString::new(r.join("f.txt").to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        let w = walk(
            r,
            &WalkOptions {
                extensions: &["txt"],
                ..Default::default()
            },
        );
        assert!(w.files.is_empty(), "{:?}", w.files);
        let reasons: Vec<&str> = w.skipped.iter().map(|(_, s)| s.as_str()).collect();
        assert_eq!(reasons.len(), 3, "{reasons:?}");
        assert!(reasons.iter().any(|s| s.contains("link to a folder")));
        assert!(reasons.iter().any(|s| s.contains("symbolic link;")));
        assert!(reasons.iter().any(|s| s.contains("FIFO")));
        let fifo = walk(&r.join("f.txt"), &WalkOptions::default());
        assert!(fifo.files.is_empty() && fifo.skipped[0].1.contains("FIFO"));
    }
}
