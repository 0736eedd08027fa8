//! The project lock: one writer at a time (a window, an import, `fix-labels`), taken
//! before anything is written, in plain folders too. Commands that only read (`check`,
//! `stats`, `export`) take none and are never the reason a writer is refused.
//!
//! Two locks make one:
//! - the **folder lock**, held whenever the project is open for editing. Opening a
//!   plain folder writes nothing, so this lock needs no file inside it: on Unix it is an
//!   exclusive `flock` on the folder itself; on Windows (where a folder cannot be locked
//!   that way) a `LockFileEx` lock on a file in the user's local data folder named after
//!   the project's canonical path.
//! - the **file lock** on `.entitle.lock` in the project, held once the project has an
//!   `entitle.toml`. It is what another machine sharing the folder (or an older Entitle,
//!   which only knew this lock) sees.
//!
//! Both are advisory OS locks: they go away with the process, so a crash never leaves
//! a project locked.

use std::fs::File;
use std::path::{Path, PathBuf};

pub const LOCK_FILE: &str = ".entitle.lock";

/// The locks held for one project.
#[derive(Debug, Default)]
pub struct ProjectLock {
    /// Held for its lock (released when dropped).
    #[allow(dead_code)]
    folder: Option<File>,
    file: Option<File>,
}

const HELD_ELSEWHERE: &str = "another Entitle window or command is editing this project, so this one is read-only. Close the other one and open the project again to edit";

impl ProjectLock {
    /// Take the folder lock (and the file lock when the project is initialized).
    /// `Err` is the reason the project must be opened read-only.
    pub fn acquire(root: &Path, initialized: bool) -> Result<Self, String> {
        let mut lock = ProjectLock {
            folder: Some(folder_lock(root)?),
            file: None,
        };
        if initialized {
            lock.acquire_file(root)?;
        }
        Ok(lock)
    }

    /// Take the file lock too (the project just got its `entitle.toml`).
    pub fn acquire_file(&mut self, root: &Path) -> Result<(), String> {
        if self.file.is_some() {
            return Ok(());
        }
        let path = root.join(LOCK_FILE);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| {
                format!(
                    "cannot create the lock file {}: {e}; check the folder is writable",
                    path.display()
                )
            })?;
        try_lock(&file, &path)?;
        self.file = Some(file);
        Ok(())
    }
}

fn try_lock(file: &File, path: &Path) -> Result<(), String> {
    match file.try_lock() {
        Ok(()) => Ok(()),
        Err(std::fs::TryLockError::WouldBlock) => Err(HELD_ELSEWHERE.into()),
        Err(std::fs::TryLockError::Error(e)) if e.kind() == std::io::ErrorKind::Unsupported => {
            // File systems without locks (some network shares): edit, but say so.
            eprintln!(
                "entitle: {} cannot be locked on this file system ({e}); make sure no other Entitle edits this project",
                path.display()
            );
            Ok(())
        }
        Err(std::fs::TryLockError::Error(e)) => Err(format!("cannot lock {}: {e}", path.display())),
    }
}

#[cfg(unix)]
fn folder_lock(root: &Path) -> Result<File, String> {
    let dir = File::open(root).map_err(|e| format!("cannot open {}: {e}", root.display()))?;
    try_lock(&dir, root)?;
    Ok(dir)
}

#[cfg(not(unix))]
fn folder_lock(root: &Path) -> Result<File, String> {
    let path = windows_lock_path(root).ok_or_else(|| {
        "no local data folder is known for this user, so the project cannot be locked".to_string()
    })?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| format!("cannot create the lock file {}: {e}", path.display()))?;
    try_lock(&file, &path)?;
    Ok(file)
}

/// `%LOCALAPPDATA%\Entitle\entitle\data\locks\<hash of the canonical path>.lock`. The
/// path is compared case-insensitively, as Windows compares file names.
#[cfg_attr(unix, allow(dead_code))]
fn windows_lock_path(root: &Path) -> Option<PathBuf> {
    use sha2::Digest;
    let dirs = directories::ProjectDirs::from("org", "Entitle", "entitle")?;
    let key = root.to_string_lossy().to_lowercase();
    let hash = sha2::Sha256::digest(key.as_bytes());
    let name: String = hash.iter().take(12).map(|b| format!("{b:02x}")).collect();
    Some(
        dirs.data_local_dir()
            .join("locks")
            .join(format!("{name}.lock")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_editor_per_folder_even_before_it_is_a_project() {
        let dir = tempfile::tempdir().unwrap();
        let first = ProjectLock::acquire(dir.path(), false).unwrap();
        // A plain folder: nothing was written to take the lock.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        let e = ProjectLock::acquire(dir.path(), false).unwrap_err();
        assert!(e.contains("read-only"), "{e}");
        drop(first);
        let mut again = ProjectLock::acquire(dir.path(), false).unwrap();
        again.acquire_file(dir.path()).unwrap();
        assert!(dir.path().join(LOCK_FILE).exists());
        drop(again);
        // An older Entitle held only the file lock: that still excludes us.
        let old = File::options()
            .write(true)
            .open(dir.path().join(LOCK_FILE))
            .unwrap();
        old.try_lock().unwrap();
        assert!(ProjectLock::acquire(dir.path(), true).is_err());
    }
}
