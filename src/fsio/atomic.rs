//! Atomic file replacement: a crash at any instant leaves the old file or the new one,
//! never a torn one.
//!
//! The one durability rule: bytes go to a temporary file in the destination's folder
//! (`.entitle-*.tmp`), the temporary file is flushed to disk, then renamed over the
//! destination, then the folder is flushed so the rename itself survives a power cut.
//! [`atomic_write`] does this for one file; [`Staged`] for a batch (one flush for all
//! files, then the renames in order, then one flush per folder), which is what makes a
//! 10,000-document import fast; [`AtomicFile`] streams into the temporary file;
//! [`AtomicDir`] builds a whole folder beside its destination and moves it into place.
//!
//! Windows differs in two ways, handled in [`replace`]: a rename over a file that
//! another process has open without delete sharing fails with a sharing violation
//! (retried for a while, as a virus scanner or indexer lets go quickly), and folders
//! cannot be flushed (`FlushFileBuffers` needs a file handle; NTFS journals the
//! rename itself).

use std::io::Write;
use std::path::{Path, PathBuf};

/// Write `bytes` to `path` atomically (see the module docs). Parent folders are
/// created first.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut staged = Staged::new();
    staged.write(path, bytes)?;
    staged.commit()
}

/// A temporary file beside `dest`, with the permissions `dest` has (or ordinary ones:
/// tempfile makes 0600 files, while project files are shared and kept in git).
fn temp_beside(dest: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let dir = parent_of(dest);
    let mut builder = tempfile::Builder::new();
    builder.prefix(".entitle-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dest).map_or(0o666, |m| m.permissions().mode() & 0o7777);
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    builder.tempfile_in(dir)
}

fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// Rename `from` over `to`. On Windows a sharing violation (another process has `to`
/// open) is retried for up to two seconds before it is reported.
pub fn replace(from: &Path, to: &Path) -> std::io::Result<()> {
    #[cfg(windows)]
    {
        // ERROR_ACCESS_DENIED (5), ERROR_SHARING_VIOLATION (32), ERROR_LOCK_VIOLATION
        // (33): the destination is open in a process that did not allow deletion (an
        // editor, a virus scanner, an indexer); they usually let go within moments.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
        loop {
            match windows::move_replacing(from, to) {
                Err(e)
                    if matches!(e.raw_os_error(), Some(5 | 32 | 33))
                        && std::time::Instant::now() < deadline =>
                {
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                Err(e) if matches!(e.raw_os_error(), Some(5 | 32 | 33)) => {
                    return Err(std::io::Error::new(
                        e.kind(),
                        format!(
                            "{} is open in another program that does not allow it to be replaced ({e}); close it and try again",
                            to.display()
                        ),
                    ));
                }
                other => return other,
            }
        }
    }
    #[cfg(not(windows))]
    std::fs::rename(from, to)
}

#[cfg(windows)]
mod windows {
    use std::os::windows::ffi::OsStrExt;
    use std::path::Path;

    /// A path as Windows wants it: absolute, and with the `\\?\` prefix when it is
    /// long (past ~260 characters plain paths fail).
    fn wide(p: &Path) -> Vec<u16> {
        let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        let mut w: Vec<u16> = abs.as_os_str().encode_wide().collect();
        let prefixed = w.starts_with(&[92, 92, 63, 92]); // \\?\
        if !prefixed && w.len() >= 248 {
            let unc = w.starts_with(&[92, 92]);
            let head = if unc { r"\\?\UNC" } else { r"\\?\" };
            let mut v: Vec<u16> = head.encode_utf16().collect();
            v.extend_from_slice(if unc { &w[1..] } else { &w[..] });
            w = v;
        }
        w.push(0);
        w
    }

    /// `MoveFileExW(REPLACE_EXISTING | WRITE_THROUGH)`: the documented way to replace
    /// a file by a rename; write-through returns only once the move is on disk.
    pub fn move_replacing(from: &Path, to: &Path) -> std::io::Result<()> {
        use windows_sys::Win32::Storage::FileSystem::{
            MOVEFILE_REPLACE_EXISTING, MOVEFILE_WRITE_THROUGH, MoveFileExW,
        };
        let (f, t) = (wide(from), wide(to));
        // SAFETY: both are NUL-terminated wide strings that live across the call.
        let ok = unsafe {
            MoveFileExW(
                f.as_ptr(),
                t.as_ptr(),
                MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH,
            )
        };
        if ok == 0 {
            Err(std::io::Error::last_os_error())
        } else {
            Ok(())
        }
    }
}

/// Flush a folder's entries to disk (best effort: some file systems refuse fsync on
/// folders, and the data is already safe in the renamed file).
pub fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Flush many written (and closed) files to disk. On Linux one `syncfs` per file
/// system replaces one fsync per file (a journal commit each); elsewhere each file is
/// opened, flushed and closed in turn. Never more than one file is open at a time, so a
/// batch of thousands stays far below the open-files limit.
fn sync_paths(paths: &[&Path]) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::MetadataExt;
        use std::os::unix::io::AsRawFd;
        if paths.len() > 2 {
            let mut devices = Vec::new();
            for p in paths {
                let dev = std::fs::metadata(p)?.dev();
                if !devices.contains(&dev) {
                    devices.push(dev);
                    let f = std::fs::File::open(p)?;
                    // SAFETY: a valid open descriptor.
                    if unsafe { libc::syncfs(f.as_raw_fd()) } != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                }
            }
            return Ok(());
        }
    }
    for p in paths {
        // Write access: Windows' FlushFileBuffers needs it.
        std::fs::OpenOptions::new()
            .write(true)
            .open(p)?
            .sync_all()?;
    }
    Ok(())
}

/// Folders created on the way to a destination, removed again (if still empty) when the
/// write is abandoned, so a failed export leaves nothing behind.
#[derive(Default)]
struct CreatedDirs(Vec<PathBuf>);

impl CreatedDirs {
    fn create(dir: &Path) -> std::io::Result<Self> {
        let mut missing = Vec::new();
        let mut d = Some(dir);
        while let Some(p) = d.filter(|p| !p.as_os_str().is_empty() && !p.exists()) {
            missing.push(p.to_path_buf());
            d = p.parent();
        }
        std::fs::create_dir_all(dir)?;
        Ok(Self(missing))
    }
    fn keep(&mut self) {
        self.0.clear();
    }
}

impl Drop for CreatedDirs {
    fn drop(&mut self) {
        // Deepest first; remove_dir refuses a folder that is not empty.
        for d in &self.0 {
            let _ = std::fs::remove_dir(d);
        }
    }
}

/// A batch of files written under the durability rule with one flush for the batch:
/// [`Staged::write`] writes temporary files; [`Staged::commit`] flushes them, renames
/// them into place in the order they were written and flushes their folders. Dropping
/// a batch without committing removes its temporary files and leaves every destination
/// as it was.
#[derive(Default)]
pub struct Staged {
    /// Written and closed temporary files, and where each goes.
    items: Vec<(tempfile::TempPath, PathBuf)>,
    created: Vec<CreatedDirs>,
}

impl Staged {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn len(&self) -> usize {
        self.items.len()
    }
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Write `bytes` into a temporary file beside `dest` (creating its folder).
    pub fn write(&mut self, dest: &Path, bytes: &[u8]) -> std::io::Result<()> {
        self.created.push(CreatedDirs::create(parent_of(dest))?);
        let mut tmp = temp_beside(dest)?;
        tmp.write_all(bytes)?;
        // Closed now: a batch of thousands of files must not hold thousands open.
        self.items.push((tmp.into_temp_path(), dest.to_path_buf()));
        Ok(())
    }

    /// Flush, rename into place (in order), flush the folders. On an error the files
    /// renamed so far stay (each is whole); the rest are not written.
    pub fn commit(mut self) -> std::io::Result<()> {
        let files: Vec<&Path> = self.items.iter().map(|(t, _)| t.as_ref()).collect();
        sync_paths(&files)?;
        let mut dirs: Vec<PathBuf> = Vec::new();
        for (path, dest) in std::mem::take(&mut self.items) {
            replace(&path, &dest)?;
            // Renamed: nothing left to delete at the temporary name.
            let _ = path.keep();
            let dir = parent_of(&dest).to_path_buf();
            if !dirs.contains(&dir) {
                dirs.push(dir);
            }
        }
        for d in &dirs {
            sync_dir(d);
        }
        for c in &mut self.created {
            c.keep();
        }
        Ok(())
    }
}

/// An output file written through a temporary file in the same folder and renamed into
/// place by [`AtomicFile::commit`]: a failed or interrupted export leaves no half file
/// (and no folder it had to create).
pub struct AtomicFile {
    path: PathBuf,
    out: std::io::BufWriter<tempfile::NamedTempFile>,
    created: CreatedDirs,
    /// Bytes written since the last background flush was asked for.
    unsynced: usize,
    /// Large outputs are flushed to disk in the background while they are written, so
    /// the final flush in [`AtomicFile::commit`] does not wait for all of it.
    syncer: Option<Syncer>,
}

struct Syncer {
    wake: std::sync::mpsc::SyncSender<()>,
    thread: std::thread::JoinHandle<std::io::Result<()>>,
}

/// Written bytes after which the background thread is asked to flush them.
const SYNC_EVERY: usize = 8 << 20;

impl AtomicFile {
    pub fn create(path: &Path) -> std::io::Result<Self> {
        let created = CreatedDirs::create(parent_of(path))?;
        let tmp = temp_beside(path)?;
        Ok(Self {
            path: path.to_path_buf(),
            out: std::io::BufWriter::with_capacity(1 << 16, tmp),
            created,
            unsynced: 0,
            syncer: None,
        })
    }
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// After every [`SYNC_EVERY`] bytes, wake a thread that flushes the file's written
    /// data to disk (started on first use, so small files never start one).
    fn note_written(&mut self, n: usize) {
        self.unsynced += n;
        if self.unsynced < SYNC_EVERY {
            return;
        }
        self.unsynced = 0;
        if self.syncer.is_none() {
            let Ok(file) = self.out.get_ref().as_file().try_clone() else {
                return; // the final flush in commit still makes the file durable
            };
            // One pending wake-up is enough: a flush covers everything written so far.
            let (wake, asked) = std::sync::mpsc::sync_channel::<()>(1);
            let thread = std::thread::spawn(move || {
                while asked.recv().is_ok() {
                    file.sync_data()?;
                }
                Ok(())
            });
            self.syncer = Some(Syncer { wake, thread });
        }
        if let Some(s) = &self.syncer {
            let _ = s.wake.try_send(());
        }
    }

    pub fn commit(mut self) -> std::io::Result<()> {
        if let Some(s) = self.syncer.take() {
            drop(s.wake);
            match s.thread.join() {
                Ok(r) => r?,
                Err(_) => return Err(std::io::Error::other("the background flush thread stopped")),
            }
        }
        let tmp = self.out.into_inner().map_err(|e| e.into_error())?;
        tmp.as_file().sync_all()?;
        let path = tmp.into_temp_path();
        replace(&path, &self.path)?;
        let _ = path.keep();
        sync_dir(parent_of(&self.path));
        self.created.keep();
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.out.write(buf)?;
        self.note_written(n);
        Ok(n)
    }
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.out.write_all(buf)?;
        self.note_written(buf.len());
        Ok(())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// A folder output built in a hidden sibling (`.NAME.entitle-*`) and moved into place
/// by [`AtomicDir::commit`]: a failed export leaves nothing half-written.
///
/// Into place means: renamed to the destination when it does not exist or is an empty
/// folder (atomic); when the destination is a folder with other files in it, each new
/// file is renamed into it (each atomic, same names replaced, other files untouched).
pub struct AtomicDir {
    dest: PathBuf,
    tmp: tempfile::TempDir,
    created: CreatedDirs,
}

impl AtomicDir {
    pub fn create(dest: &Path) -> std::io::Result<Self> {
        if dest.exists() && !dest.is_dir() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                format!(
                    "{} exists and is not a folder; give a folder (or a new name) for this output",
                    dest.display()
                ),
            ));
        }
        let parent = parent_of(dest);
        let created = CreatedDirs::create(parent)?;
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".into());
        let tmp = tempfile::Builder::new()
            .prefix(&format!(".{name}.entitle-"))
            .tempdir_in(parent)?;
        Ok(Self {
            dest: dest.to_path_buf(),
            tmp,
            created,
        })
    }

    pub fn dest(&self) -> &Path {
        &self.dest
    }

    /// The destination does not exist yet or is an empty folder: the output will be
    /// the whole folder (not files added to someone's folder).
    pub fn dest_is_new(&self) -> bool {
        std::fs::read_dir(&self.dest).map_or(true, |mut it| it.next().is_none())
    }

    /// Where a file at `rel` inside the output is written until the commit (checked to
    /// stay inside the output folder).
    pub fn staging_path(&self, rel: &Path) -> std::io::Result<PathBuf> {
        if rel.is_absolute()
            || rel
                .components()
                .any(|c| !matches!(c, std::path::Component::Normal(_)))
        {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!(
                    "refusing to write {} outside the output folder",
                    rel.display()
                ),
            ));
        }
        Ok(self.tmp.path().join(rel))
    }

    /// Write one file, `rel` being its path inside the output folder.
    pub fn write(&mut self, rel: &Path, bytes: &[u8]) -> std::io::Result<()> {
        let path = self.staging_path(rel)?;
        std::fs::create_dir_all(parent_of(&path))?;
        std::fs::write(&path, bytes)
    }

    pub fn commit(mut self) -> std::io::Result<()> {
        let mut files = Vec::new();
        collect_files(self.tmp.path(), Path::new(""), &mut files)?;
        let full: Vec<PathBuf> = files.iter().map(|rel| self.tmp.path().join(rel)).collect();
        sync_paths(&full.iter().map(PathBuf::as_path).collect::<Vec<_>>())?;
        let empty_dest = match std::fs::read_dir(&self.dest) {
            Ok(mut it) => it.next().is_none(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
            Err(e) => return Err(e),
        };
        let tmp = self.tmp.path().to_path_buf();
        if empty_dest {
            if self.dest.exists() {
                std::fs::remove_dir(&self.dest)?;
            }
            replace(&tmp, &self.dest)?;
            sync_dir(parent_of(&self.dest));
            // Moved: the TempDir guard must not delete the output.
            let _ = self.tmp.keep();
        } else {
            let mut dirs = Vec::new();
            for rel in &files {
                let to = self.dest.join(rel);
                let dir = parent_of(&to).to_path_buf();
                std::fs::create_dir_all(&dir)?;
                replace(&tmp.join(rel), &to)?;
                if !dirs.contains(&dir) {
                    dirs.push(dir);
                }
            }
            for d in &dirs {
                sync_dir(d);
            }
        }
        self.created.keep();
        Ok(())
    }
}

/// Relative paths of the regular files under `dir`.
fn collect_files(root: &Path, rel: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for e in std::fs::read_dir(root.join(rel))? {
        let e = e?;
        let r = rel.join(e.file_name());
        let ft = e.file_type()?;
        if ft.is_dir() {
            collect_files(root, &r, out)?;
        } else if ft.is_file() {
            out.push(r);
        }
    }
    out.sort();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn replaces_whole_file_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a/b/c.json");
        atomic_write(&p, b"first version, longer").unwrap();
        atomic_write(&p, b"second").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"second");
        assert_eq!(names(p.parent().unwrap()), ["c.json"]);
    }

    #[cfg(unix)]
    #[test]
    fn new_files_are_not_private_and_modes_are_kept() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.json");
        atomic_write(&p, b"1").unwrap();
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_ne!(
            mode & 0o044,
            0,
            "readable by group/others unless the umask says no: {mode:o}"
        );
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
        atomic_write(&p, b"2").unwrap();
        assert_eq!(
            std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o640
        );
    }

    #[test]
    fn a_batch_not_committed_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let kept = dir.path().join("kept.txt");
        std::fs::write(&kept, "old").unwrap();
        let mut s = Staged::new();
        s.write(&kept, b"new").unwrap();
        s.write(&dir.path().join("new/deep/x.txt"), b"x").unwrap();
        drop(s);
        assert_eq!(std::fs::read(&kept).unwrap(), b"old");
        assert_eq!(
            names(dir.path()),
            ["kept.txt"],
            "no temp files, no new folders"
        );
        let mut s = Staged::new();
        for i in 0..5 {
            s.write(&dir.path().join(format!("d/{i}.txt")), b"x")
                .unwrap();
        }
        s.commit().unwrap();
        assert_eq!(names(&dir.path().join("d")).len(), 5);
    }

    #[test]
    fn an_atomic_file_dropped_leaves_nothing_not_even_its_folder() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out/sub/x.conll");
        let mut f = AtomicFile::create(&p).unwrap();
        f.write_all(b"half").unwrap();
        drop(f);
        assert!(names(dir.path()).is_empty());
        let mut f = AtomicFile::create(&p).unwrap();
        f.write_all(b"whole").unwrap();
        f.commit().unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"whole");
    }

    #[test]
    fn a_folder_appears_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("brat");
        let mut d = AtomicDir::create(&dest).unwrap();
        d.write(Path::new("a.txt"), b"A").unwrap();
        assert!(!dest.exists());
        drop(d);
        assert!(names(dir.path()).is_empty(), "{:?}", names(dir.path()));
        let mut d = AtomicDir::create(&dest).unwrap();
        d.write(Path::new("a.txt"), b"A").unwrap();
        d.write(Path::new("sub/b.txt"), b"B").unwrap();
        assert!(d.write(Path::new("../x"), b"").is_err());
        d.commit().unwrap();
        assert_eq!(names(&dest), ["a.txt", "sub"]);
        assert_eq!(names(dir.path()), ["brat"]);
        // Into a folder with other files: those stay, same names are replaced.
        std::fs::write(dest.join("mine.md"), "keep").unwrap();
        let mut d = AtomicDir::create(&dest).unwrap();
        d.write(Path::new("a.txt"), b"A2").unwrap();
        d.commit().unwrap();
        assert_eq!(names(&dest), ["a.txt", "mine.md", "sub"]);
        assert_eq!(std::fs::read(dest.join("a.txt")).unwrap(), b"A2");
        assert_eq!(names(dir.path()), ["brat"]);
        std::fs::write(dir.path().join("file"), "x").unwrap();
        assert!(AtomicDir::create(&dir.path().join("file")).is_err());
    }
}
