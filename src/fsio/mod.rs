//! Files on disk, below everything else. `project` and `formats` both build on this
//! module; it depends on neither.
//!
//! - [`atomic_write`], [`AtomicFile`], [`AtomicDir`], [`Staged`]: every file Entitle
//!   writes goes through one of these, under one durability rule: new bytes go to a
//!   temporary file in the destination's folder, are flushed to disk, and only then
//!   renamed over the destination, whose folder is then flushed. A crash at any instant
//!   leaves the old file or the new one, never a torn one.
//! - [`walk`]: folder walking that never follows links, reads only regular files, and
//!   reports what it skipped (unreadable folders, FIFOs, folders too deep).
//! - [`read_regular`]: read a file only if it is a regular file (a FIFO would block
//!   forever), with a size limit.
//! - [`natural_cmp`]: `doc2` before `doc10`.

mod atomic;
mod walk;

pub use atomic::{AtomicDir, AtomicFile, Staged, atomic_write, sync_dir};
pub use walk::{WalkOptions, Walked, walk};

use std::io::Read;
use std::path::Path;

/// Open `path` for reading only if it is a regular file. A FIFO or device is refused
/// without blocking (on Unix the open is non-blocking and the type is checked on the
/// open handle, so a file swapped for a FIFO in between is caught too).
pub fn open_regular(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            if meta.is_dir() {
                "is a folder, not a file".to_string()
            } else {
                "is not a regular file (a FIFO, socket or device); Entitle reads only regular files"
                    .to_string()
            },
        ));
    }
    Ok(file)
}

/// Read a regular file whole, refusing files larger than `limit` bytes.
pub fn read_regular(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    let file = open_regular(path)?;
    let len = file.metadata()?.len();
    if len > limit {
        return Err(too_large(len, limit));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    // `take` guards against a file that grows while it is read.
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64, limit));
    }
    Ok(bytes)
}

/// Read a regular file as UTF-8 text (see [`read_regular`]).
pub fn read_regular_string(path: &Path, limit: u64) -> std::io::Result<String> {
    let bytes = read_regular(path, limit)?;
    String::from_utf8(bytes).map_err(|e| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "is not valid UTF-8 (bad byte at byte {})",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

fn too_large(len: u64, limit: u64) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        format!(
            "is {} MB; the limit for this kind of file is {} MB",
            len.div_ceil(1 << 20),
            limit >> 20
        ),
    )
}

/// The absolute path with links resolved (`canonicalize`). Where the system cannot
/// resolve it but the path exists — Wine's `GetFinalPathNameByHandleW` refuses long
/// paths — the plain absolute path is used instead (Windows only: there, links inside
/// a project are rare and need administrator rights to create).
pub fn real_path(path: &Path) -> std::io::Result<std::path::PathBuf> {
    match dunce::canonicalize(path) {
        Ok(p) => Ok(p),
        #[cfg(windows)]
        Err(e) if e.kind() != std::io::ErrorKind::NotFound && path.exists() => {
            std::path::absolute(path)
        }
        Err(e) => Err(e),
    }
}

/// Files larger than this are refused by readers that hold a file whole.
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// Compare with digit runs as numbers, so `doc2` sorts before `doc10`.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let mut a = a.chars().peekable();
    let mut b = b.chars().peekable();
    loop {
        match (a.peek().copied(), b.peek().copied()) {
            (None, None) => return std::cmp::Ordering::Equal,
            (None, Some(_)) => return std::cmp::Ordering::Less,
            (Some(_), None) => return std::cmp::Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let na = digits(&mut a);
                let nb = digits(&mut b);
                let ta = na.trim_start_matches('0');
                let tb = nb.trim_start_matches('0');
                let ord = ta.len().cmp(&tb.len()).then_with(|| ta.cmp(tb));
                if ord != std::cmp::Ordering::Equal {
                    return ord;
                }
            }
            (Some(x), Some(y)) => {
                if x != y {
                    return x.cmp(&y);
                }
                a.next();
                b.next();
            }
        }
    }
}

fn digits(it: &mut std::iter::Peekable<std::str::Chars<'_>>) -> String {
    let mut s = String::new();
    while let Some(c) = it.peek().copied().filter(char::is_ascii_digit) {
        s.push(c);
        it.next();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order() {
        let mut v = vec!["a10", "a2", "a1", "b", "a02x"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, ["a1", "a2", "a02x", "a10", "b"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("f.txt");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        let e = read_regular(&fifo, 10).unwrap_err();
        assert!(e.to_string().contains("not a regular file"), "{e}");
        let e = read_regular(dir.path(), 10).unwrap_err();
        assert!(e.to_string().contains("folder"), "{e}");
    }

    #[test]
    fn size_limit_is_enforced() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big");
        std::fs::write(&p, vec![b'x'; 3 << 20]).unwrap();
        let e = read_regular(&p, 1 << 20).unwrap_err();
        assert!(e.to_string().contains("is 3 MB"), "{e}");
        assert_eq!(read_regular(&p, 4 << 20).unwrap().len(), 3 << 20);
    }
}
