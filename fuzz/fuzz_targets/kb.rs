#![no_main]
//! Knowledge bases (issue 7): the first byte picks the format (csv, tsv, jsonl); the
//! bytes up to `\0\0` are written as the only file of a `kb/` folder in a temporary
//! project and loaded with `kb::load_dir`; each line after `\0\0` is a query, run with
//! several limits. Besides "no panic": completions respect the limit, come best first,
//! name each entry once and match what the index stores; every entry is found by its
//! name and by its id.
//!
//! Self-contained rather than in tests/support/fuzz_targets.rs, so it needs no temp
//! folder there: the folder is made once per process under the system's temp dir.

use entitle::kb::{MAX_LIMIT, load_dir};
use std::path::PathBuf;
use std::sync::OnceLock;

fn project() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("entitle-fuzz-kb-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("kb")).expect("temp dir");
        dir
    })
}

fn split(data: &[u8]) -> (&[u8], &[u8]) {
    match data.windows(2).position(|w| w == b"\0\0") {
        Some(i) => (&data[..i], &data[i + 2..]),
        None => (data, &[]),
    }
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    let names = ["wikidata.csv", "wikidata.tsv", "wikidata.jsonl"];
    let name = names[usize::from(kind) % 3];
    let root = project();
    // Only this input's file in the folder: runs must not depend on earlier inputs.
    for n in names {
        let _ = std::fs::remove_file(root.join("kb").join(n));
    }
    let (file, queries) = split(rest);
    std::fs::write(root.join("kb").join(name), file).expect("write the kb file");
    let (kb, problems) = load_dir(root);
    for p in &problems {
        let _ = p.to_string();
        assert!(p.line.is_none_or(|l| l >= 1));
    }
    let text = String::from_utf8_lossy(queries);
    let head: String = String::from_utf8_lossy(file).chars().take(64).collect();
    for q in text.lines().chain([head.as_str()]) {
        for limit in [0, 1, 5, 50] {
            let got = kb.complete(q, limit);
            assert!(got.len() <= limit);
            for (i, c) in got.iter().enumerate() {
                assert!(c.score > 0.0 && c.score <= 1.0, "{c:?}");
                assert!(got[..i].iter().all(|d| d.entry != c.entry), "{got:?}");
                if i > 0 {
                    assert!(got[i - 1].kind <= c.kind, "{got:?}");
                }
                let e = kb.entry(c.entry).expect("a completion names an entry");
                assert_eq!((&e.db, &e.id, &e.name), (&c.db, &c.id, &c.name));
                if let Some(a) = &c.alias {
                    assert!(e.aliases.contains(a), "{c:?} {e:?}");
                }
            }
        }
    }
    // Small inputs: no name or id is shared by MAX_LIMIT entries.
    if kb.len() < MAX_LIMIT / 2 {
        for i in 0..kb.len() {
            let e = kb.entry(i).expect("every index below len is an entry");
            for q in [&e.name, &e.id] {
                assert!(
                    kb.complete(q, MAX_LIMIT).iter().any(|c| c.entry == i),
                    "{e:?} not found by {q:?}"
                );
            }
        }
    }
});
