//! A batch of thousands of files is written without holding them open: the open-files
//! limit (often 1,024, sometimes 256) must never stop an import or a folder export.
//! Its own test binary, because it lowers the process's limit.

#[cfg(unix)]
#[test]
fn batches_and_folder_outputs_stay_under_a_low_open_files_limit() {
    use entitle::fsio::{AtomicDir, Staged};
    // SAFETY: plain libc calls on a local struct.
    unsafe {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim), 0);
        lim.rlim_cur = 128;
        assert_eq!(libc::setrlimit(libc::RLIMIT_NOFILE, &lim), 0);
    }
    let dir = tempfile::tempdir().unwrap();
    let mut staged = Staged::new();
    for i in 0..1_000 {
        staged
            .write(&dir.path().join(format!("batch/{i}.json")), b"{}")
            .unwrap();
    }
    staged.commit().unwrap();
    assert_eq!(
        std::fs::read_dir(dir.path().join("batch")).unwrap().count(),
        1_000
    );
    let mut out = AtomicDir::create(&dir.path().join("brat")).unwrap();
    for i in 0..1_000 {
        out.write(
            std::path::Path::new(&format!("{i}.ann")),
            b"T1\tPER 0 1\tA\n",
        )
        .unwrap();
    }
    out.commit().unwrap();
    assert_eq!(
        std::fs::read_dir(dir.path().join("brat")).unwrap().count(),
        1_000
    );
}
