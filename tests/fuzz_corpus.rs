//! Every input the fuzzers kept (fuzz/corpus/<target>/) and every crash they found and
//! we fixed (fuzz/regressions/<target>/), replayed on the stable toolchain: no input
//! may panic. See fuzz/README.md.

#[path = "support/fuzz_targets.rs"]
mod fuzz_targets;

use std::path::Path;

#[test]
fn every_kept_fuzz_input_reads_without_a_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut total = 0;
    for (name, run) in fuzz_targets::TARGETS {
        let mut n = 0;
        for kind in ["corpus", "regressions"] {
            let dir = root.join(kind).join(name);
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for e in entries {
                let path = e.unwrap().path();
                let data = std::fs::read(&path).unwrap();
                let outcome = std::panic::catch_unwind(|| run(&data));
                assert!(outcome.is_ok(), "{name}: {} panics", path.display());
                n += 1;
            }
        }
        assert!(n > 0, "no corpus for fuzz target {name}");
        total += n;
    }
    assert!(total > 100, "{total} inputs");
}
