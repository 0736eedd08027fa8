//! A catalogue of bad inputs (issue 6: "no input crashes Entitle, no path loses or
//! damages data"), run against the real `entitle` binary in temporary folders.
//!
//! Each case puts files in a fresh folder (the working directory of the command), runs
//! one or more commands under a timeout (a case that hangs fails), and asserts:
//!
//! - the exit code (0 ok, 1 problems in the data, 2 usage or I/O error);
//! - substrings of the output (stdout and stderr together) naming the file, the line
//!   and what is wrong; `a|b` means either `a` or `b`;
//! - that nothing panicked (stderr never has "panicked" or "RUST_BACKTRACE");
//! - that nothing changed in the folder except below the paths the step may write
//!   (every file, folder, link and FIFO is compared byte for byte before and after), so
//!   a missing input leaves an existing output byte-identical, a failed folder export
//!   leaves no hidden temporary sibling, `check` and `stats` create nothing, and no
//!   document id (`../../x`, an absolute path, `CON`) writes beside the project. `HOME`
//!   and the XDG folders point into the case folder, so writes there are caught too.
//!
//! Cases are grouped by verb. Their expectations are what issue 6 asks for; every case
//! runs in `cargo test`.
//!
//! Run: `cargo test --test bad_inputs`. `BAD_INPUTS=name-part` runs only the cases whose name contains it;
//! `ENTITLE_BIN=path` runs them against another build of the binary.
#![cfg(unix)]

use std::collections::BTreeMap;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A command that runs longer than this has hung (every case takes a second or two at
/// most, also on a loaded 2-core machine).
const TIMEOUT: Duration = Duration::from_secs(30);

// ------------------------------------------------------------------ the harness

/// Something put in the case folder before the steps run, in order.
enum Put {
    /// A file (parent folders created); `{ROOT}` in the bytes becomes the case folder.
    File(String, Vec<u8>),
    Dir(String),
    Fifo(String),
    /// A symbolic link at the first path pointing to the second (`{ROOT}` expanded).
    Link(String, String),
    /// A file of `testdata/` copied in.
    Copy(String, String),
    /// Whatever is at this path is removed (to put a folder where a file was).
    Remove(String),
    /// A command that must succeed (building a project to damage afterwards).
    Run(Vec<String>),
}

/// What must hold after a step.
enum Check {
    Exists(String),
    Absent(String),
    Contains(String, String),
    Lacks(String, String),
    /// Exactly these entries (files and folders, recursively) under a folder.
    Count(String, usize),
}

struct Step {
    args: Vec<String>,
    /// Acceptable exit codes (one, except where issue 6 leaves the choice open).
    codes: Vec<i32>,
    has: Vec<String>,
    lacks: Vec<String>,
    /// Paths (relative to the case folder) below which this step may write.
    writes: Vec<String>,
    checks: Vec<Check>,
    /// Address-space limit for the process (bytes), for inputs that could eat memory.
    mem_limit: Option<u64>,
}

struct Case {
    name: String,
    puts: Vec<Put>,
    steps: Vec<Step>,
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

/// A new case; add files with the `file`-like methods and the command with `run`.
fn case(name: &str) -> Case {
    Case {
        name: name.into(),
        puts: Vec::new(),
        steps: Vec::new(),
    }
}

impl Case {
    fn file(mut self, path: &str, bytes: impl AsRef<[u8]>) -> Self {
        self.puts
            .push(Put::File(path.into(), bytes.as_ref().to_vec()));
        self
    }
    fn dir(mut self, path: &str) -> Self {
        self.puts.push(Put::Dir(path.into()));
        self
    }
    fn fifo(mut self, path: &str) -> Self {
        self.puts.push(Put::Fifo(path.into()));
        self
    }
    fn link(mut self, path: &str, target: &str) -> Self {
        self.puts.push(Put::Link(path.into(), target.into()));
        self
    }
    fn copy(mut self, path: &str, testdata: &str) -> Self {
        self.puts.push(Put::Copy(path.into(), testdata.into()));
        self
    }
    fn remove(mut self, path: &str) -> Self {
        self.puts.push(Put::Remove(path.into()));
        self
    }
    /// A setup command that must exit 0 (before the folder is snapshotted).
    fn setup(mut self, args: &[&str]) -> Self {
        self.puts.push(Put::Run(strings(args)));
        self
    }
    /// A project `proj` with documents `docs/a` ("Rami met Ben in Homs.", PER PER GPE)
    /// and `docs/b` ("Amal Haddad visited Oslo.", PER GPE) annotated by `ann`.
    fn project(self) -> Self {
        self.file("seed.jsonl", SEED).setup(&[
            "import",
            "proj",
            "seed.jsonl",
            "--format",
            "jsonl",
            "--annotator",
            "ann",
        ])
    }
    /// The next command.
    fn run(mut self, args: &[&str]) -> Self {
        self.steps.push(Step {
            args: strings(args),
            codes: Vec::new(),
            has: Vec::new(),
            lacks: Vec::new(),
            writes: Vec::new(),
            checks: Vec::new(),
            mem_limit: None,
        });
        self
    }
    fn step(&mut self) -> &mut Step {
        self.steps.last_mut().expect("run() before expectations")
    }
    fn code(mut self, code: i32) -> Self {
        self.step().codes = vec![code];
        self
    }
    /// Any of these exit codes (where issue 6 allows either, e.g. "read it or refuse it
    /// with an error").
    fn codes(mut self, codes: &[i32]) -> Self {
        self.step().codes = codes.to_vec();
        self
    }
    /// The output must contain each (`a|b`: one of them).
    fn has(mut self, parts: &[&str]) -> Self {
        self.step().has.extend(strings(parts));
        self
    }
    fn lacks(mut self, parts: &[&str]) -> Self {
        self.step().lacks.extend(strings(parts));
        self
    }
    /// The step may change things at or below these paths (nothing else).
    fn writes(mut self, paths: &[&str]) -> Self {
        self.step().writes.extend(strings(paths));
        self
    }
    fn exists(mut self, path: &str) -> Self {
        self.step().checks.push(Check::Exists(path.into()));
        self
    }
    fn absent(mut self, path: &str) -> Self {
        self.step().checks.push(Check::Absent(path.into()));
        self
    }
    fn contains(mut self, path: &str, part: &str) -> Self {
        self.step()
            .checks
            .push(Check::Contains(path.into(), part.into()));
        self
    }
    fn file_lacks(mut self, path: &str, part: &str) -> Self {
        self.step()
            .checks
            .push(Check::Lacks(path.into(), part.into()));
        self
    }
    fn count(mut self, dir: &str, n: usize) -> Self {
        self.step().checks.push(Check::Count(dir.into(), n));
        self
    }
    fn mem_limit(mut self, bytes: u64) -> Self {
        self.step().mem_limit = Some(bytes);
        self
    }
    /// The verb of the case (first word of its first step).
    fn verb(&self) -> &str {
        self.steps
            .first()
            .and_then(|s| s.args.first())
            .map_or("", String::as_str)
    }
    /// Formats named by the case's steps (`--from`, `--to`, `--format`).
    fn formats(&self) -> Vec<String> {
        let mut out = Vec::new();
        for s in &self.steps {
            for w in s.args.windows(2) {
                if matches!(w[0].as_str(), "--from" | "--to" | "--format") {
                    out.push(w[1].clone());
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }
}

/// One entry of a folder tree, for comparing before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Entry {
    File(Vec<u8>),
    Dir,
    Link(PathBuf),
    Other(String),
}

fn snapshot(root: &Path) -> BTreeMap<String, Entry> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            let rel = p
                .strip_prefix(root)
                .unwrap_or(&p)
                .to_string_lossy()
                .into_owned();
            let Ok(meta) = std::fs::symlink_metadata(&p) else {
                continue;
            };
            let t = meta.file_type();
            let entry = if t.is_symlink() {
                Entry::Link(std::fs::read_link(&p).unwrap_or_default())
            } else if t.is_dir() {
                stack.push(p.clone());
                Entry::Dir
            } else if t.is_file() {
                Entry::File(std::fs::read(&p).unwrap_or_default())
            } else {
                Entry::Other(format!("{t:?}"))
            };
            out.insert(rel, entry);
        }
    }
    out
}

fn allowed(path: &str, writes: &[String]) -> bool {
    writes.iter().any(|w| {
        let w = w.trim_end_matches('/');
        path == w || path.starts_with(&format!("{w}/"))
    })
}

fn expand(s: &str, root: &Path) -> String {
    s.replace("{ROOT}", &root.display().to_string())
}

/// Remove whatever is at `path` (a file, a link or a folder), to put something else there.
fn remove(path: &Path) {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => {
            let _ = std::fs::remove_dir_all(path);
        }
        Ok(_) => {
            let _ = std::fs::remove_file(path);
        }
        Err(_) => {}
    }
}

fn mkfifo(path: &Path) {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).expect("path without NUL");
    // SAFETY: a valid NUL-terminated path.
    let rc = unsafe { libc::mkfifo(c.as_ptr(), 0o644) };
    assert_eq!(rc, 0, "mkfifo {}", path.display());
}

/// The binary under test: `ENTITLE_BIN` if set (a copy, when several checkouts share one
/// target folder and may replace each other's build), else the one cargo built.
fn binary() -> PathBuf {
    std::env::var_os("ENTITLE_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_entitle")))
}

struct Ran {
    code: Option<i32>,
    out: String,
    err: String,
    hung: bool,
}

/// Run the binary in `root` with a timeout; HOME and the XDG folders point inside it.
fn entitle(root: &Path, args: &[String], mem_limit: Option<u64>) -> Ran {
    let logs = tempfile::tempdir().expect("temp dir");
    let out_path = logs.path().join("out");
    let err_path = logs.path().join("err");
    let mut cmd = Command::new(binary());
    cmd.args(args.iter().map(|a| expand(a, root)))
        .current_dir(root)
        .env("HOME", root.join("home"))
        .env("XDG_DATA_HOME", root.join("home/data"))
        .env("XDG_CONFIG_HOME", root.join("home/config"))
        .env("XDG_CACHE_HOME", root.join("home/cache"))
        .env("ENTITLE_DATA_DIR", root.join("home/entitle"))
        .env("USER", "tester")
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).expect("log file"))
        .stderr(std::fs::File::create(&err_path).expect("log file"));
    if let Some(limit) = mem_limit {
        use std::os::unix::process::CommandExt;
        // SAFETY: setrlimit is async-signal-safe; nothing else runs in the child.
        unsafe {
            cmd.pre_exec(move || {
                let l = libc::rlimit {
                    rlim_cur: limit,
                    rlim_max: limit,
                };
                if libc::setrlimit(libc::RLIMIT_AS, &l) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    let mut child = cmd.spawn().expect("run entitle");
    let start = Instant::now();
    let mut hung = false;
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break Some(s);
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            hung = true;
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let read =
        |p: &Path| String::from_utf8_lossy(&std::fs::read(p).unwrap_or_default()).into_owned();
    Ran {
        code: status.and_then(|s| s.code()),
        out: read(&out_path),
        err: read(&err_path),
        hung,
    }
}

fn testdata(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(rel)
}

/// Run one case; `Err` says everything that was wrong, with the actual output.
fn run_case(c: &Case) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let root = dir.path().canonicalize().map_err(|e| e.to_string())?;
    for p in &c.puts {
        match p {
            Put::File(path, bytes) => {
                let path = root.join(path);
                std::fs::create_dir_all(path.parent().unwrap_or(&root))
                    .map_err(|e| e.to_string())?;
                let bytes = match std::str::from_utf8(bytes) {
                    Ok(s) if s.contains("{ROOT}") => expand(s, &root).into_bytes(),
                    _ => bytes.clone(),
                };
                std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
            }
            Put::Dir(path) => {
                std::fs::create_dir_all(root.join(path)).map_err(|e| e.to_string())?
            }
            Put::Fifo(path) => {
                let path = root.join(path);
                std::fs::create_dir_all(path.parent().unwrap_or(&root))
                    .map_err(|e| e.to_string())?;
                remove(&path);
                mkfifo(&path);
            }
            Put::Link(path, target) => {
                let path = root.join(path);
                std::fs::create_dir_all(path.parent().unwrap_or(&root))
                    .map_err(|e| e.to_string())?;
                remove(&path);
                symlink(expand(target, &root), &path).map_err(|e| e.to_string())?;
            }
            Put::Copy(path, src) => {
                let path = root.join(path);
                std::fs::create_dir_all(path.parent().unwrap_or(&root))
                    .map_err(|e| e.to_string())?;
                std::fs::copy(testdata(src), &path).map_err(|e| format!("{src}: {e}"))?;
            }
            Put::Remove(path) => remove(&root.join(path)),
            Put::Run(args) => {
                let r = entitle(&root, args, None);
                if r.code != Some(0) {
                    return Err(format!(
                        "setup `entitle {}` failed ({:?}):\n{}{}",
                        args.join(" "),
                        r.code,
                        r.out,
                        r.err
                    ));
                }
            }
        }
    }
    for (i, s) in c.steps.iter().enumerate() {
        let before = snapshot(&root);
        let r = entitle(&root, &s.args, s.mem_limit);
        let after = snapshot(&root);
        let mut wrong = Vec::new();
        if r.hung {
            wrong.push(format!("hung: killed after {TIMEOUT:?}"));
        } else if !r.code.is_some_and(|c| s.codes.contains(&c)) {
            wrong.push(format!("exit {:?}, expected {:?}", r.code, s.codes));
        }
        let all = format!("{}{}", r.out, r.err);
        for h in &s.has {
            if !h.split('|').any(|alt| all.contains(alt)) {
                wrong.push(format!("output lacks {h:?}"));
            }
        }
        for l in &s.lacks {
            if all.contains(l.as_str()) {
                wrong.push(format!("output has {l:?}"));
            }
        }
        for bad in ["panicked", "RUST_BACKTRACE"] {
            if r.err.contains(bad) {
                wrong.push(format!("stderr has {bad:?}"));
            }
        }
        let mut changed: Vec<String> = Vec::new();
        for (k, v) in &after {
            match before.get(k) {
                Some(b) if b == v => {}
                Some(_) => changed.push(format!("changed {k}")),
                None => changed.push(format!("created {k}")),
            }
        }
        for k in before.keys() {
            if !after.contains_key(k) {
                changed.push(format!("removed {k}"));
            }
        }
        for ch in changed {
            let path = ch.split_once(' ').map_or("", |(_, p)| p);
            if !allowed(path, &s.writes) {
                wrong.push(format!("must not write: {ch}"));
            }
        }
        for chk in &s.checks {
            match chk {
                Check::Exists(p) => {
                    if std::fs::symlink_metadata(root.join(p)).is_err() {
                        wrong.push(format!("{p} should exist"));
                    }
                }
                Check::Absent(p) => {
                    if std::fs::symlink_metadata(root.join(p)).is_ok() {
                        wrong.push(format!("{p} should not exist"));
                    }
                }
                Check::Contains(p, part) | Check::Lacks(p, part) => {
                    let text = std::fs::read(root.join(p))
                        .map(|b| String::from_utf8_lossy(&b).into_owned())
                        .unwrap_or_else(|e| format!("<{e}>"));
                    let has = text.contains(part.as_str());
                    if matches!(chk, Check::Contains(..)) && !has {
                        wrong.push(format!("{p} lacks {part:?}; it has:\n{text}"));
                    }
                    if matches!(chk, Check::Lacks(..)) && has {
                        wrong.push(format!("{p} has {part:?}; it has:\n{text}"));
                    }
                }
                Check::Count(d, n) => {
                    let got = snapshot(&root.join(d)).len();
                    if got != *n {
                        let names: Vec<String> = snapshot(&root.join(d)).into_keys().collect();
                        wrong.push(format!("{d} has {got} entries, expected {n}: {names:?}"));
                    }
                }
            }
        }
        if !wrong.is_empty() {
            return Err(format!(
                "step {} `entitle {}`:\n  - {}\n  stdout: {}\n  stderr: {}",
                i + 1,
                s.args.join(" "),
                wrong.join("\n  - "),
                r.out.trim_end().replace('\n', "\n          "),
                r.err.trim_end().replace('\n', "\n          ")
            ));
        }
    }
    Ok(())
}

/// Run cases on a few threads; one report listing every failure.
fn run_all(cases: Vec<Case>) -> Vec<(String, String)> {
    let filter = std::env::var("BAD_INPUTS").unwrap_or_default();
    let cases: Vec<Case> = cases
        .into_iter()
        .filter(|c| c.name.contains(&filter))
        .collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some(c) = cases.get(i) else { break };
                    if let Err(e) = run_case(c) {
                        failures
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .push((c.name.clone(), e));
                    }
                }
            });
        }
    });
    let mut f = failures.into_inner().unwrap_or_else(|p| p.into_inner());
    f.sort();
    f
}

/// Run the cases of one verb.
fn run_verb(cases: Vec<Case>) {
    let failures = run_all(cases);
    if !failures.is_empty() {
        let report: Vec<String> = failures
            .iter()
            .map(|(n, e)| format!("=== {n}\n{e}"))
            .collect();
        panic!(
            "{} bad-input cases failed:\n{}",
            failures.len(),
            report.join("\n\n")
        );
    }
}

fn all_cases() -> Vec<Case> {
    let mut v = check_cases();
    v.extend(convert_cases());
    v.extend(import_cases());
    v.extend(export_cases());
    v.extend(validate_cases());
    v.extend(stats_cases());
    v.extend(fix_labels_cases());
    v
}

// ------------------------------------------------------------------ fixtures

/// Two documents, `a` and `b`, for [`Case::project`] and as a good JSONL input.
const SEED: &str = concat!(
    r#"{"id":"a","text":"Rami met Ben in Homs.","spans":[{"start":0,"end":4,"label":"PER"},{"start":9,"end":12,"label":"PER"},{"start":16,"end":20,"label":"GPE"}]}"#,
    "\n",
    r#"{"id":"b","text":"Amal Haddad visited Oslo.","spans":[{"start":0,"end":11,"label":"PER"},{"start":20,"end":24,"label":"GPE"}]}"#,
    "\n"
);
const A_TEXT: &str = "Rami met Ben in Homs.";
/// `proj/annotations/ann/docs/a.json`, written by the seed import.
const A_JSON: &str = "proj/annotations/ann/docs/a.json";

/// An annotation file for `docs/a` (its real fingerprint) with these span objects and
/// extra top-level fields.
fn a_json(spans: &str, extra: &str) -> String {
    ann_file("docs/a", A_TEXT, spans, extra)
}

fn ann_file(doc: &str, text: &str, spans: &str, extra: &str) -> String {
    use sha2::Digest;
    let hash = sha2::Sha256::digest(text.as_bytes());
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{{\n  \"entitle_annotations\": 1,\n  \"document\": \"{doc}\",\n  \"annotator\": \"ann\",\n  \"offset_unit\": \"code-point\",\n  \"text_fingerprint\": \"sha256:{hex}\",\n  \"text_length\": {},\n  \"status\": \"in-progress\",\n  \"next_span_id\": 9,\n  \"next_relation_id\": 9,{extra}\n  \"spans\": [\n{spans}\n  ]\n}}\n",
        text.chars().count()
    )
}

/// A span line of an annotation file.
fn a_span(id: u64, start: usize, end: usize, label: &str, text: &str) -> String {
    format!(
        "    {{\"id\":{id},\"start\":{start},\"end\":{end},\"label\":\"{label}\",\"text\":\"{text}\",\"annotator\":\"ann\",\"created\":\"2026-01-01T00:00:00Z\"}}"
    )
}

const CONLL: &str = "Amal B-PER\nHaddad I-PER\nvisited O\nOslo B-GPE\n. O\n";
const TSV_HEAD: &str = "#FORMAT=WebAnno TSV 3.3\n#T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|identifier|value\n\n\n";
const TSV: &str = "#FORMAT=WebAnno TSV 3.3\n#T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|identifier|value\n\n\n#Text=Amal visited Oslo .\n1-1\t0-4\tAmal\t*\tPER\t\n1-2\t5-12\tvisited\t_\t_\t\n1-3\t13-17\tOslo\t*\tGPE\t\n1-4\t18-19\t.\t_\t_\t\n";
const LS: &str = r#"[
 {
  "id": 1,
  "data": {"text": "Amal visited Oslo."},
  "annotations": [
   {
    "result": [
     {"id": "r1", "type": "labels", "from_name": "label", "to_name": "text",
      "value": {"start": 0, "end": 4, "text": "Amal", "labels": ["PER"]}},
     {"id": "r2", "type": "labels", "from_name": "label", "to_name": "text",
      "value": {"start": 13, "end": 17, "text": "Oslo", "labels": ["GPE"]}}
    ]
   }
  ]
 }
]
"#;
const PRODIGY_TOKENS: &str = r#""tokens":[{"text":"Amal","start":0,"end":4,"id":0,"ws":true},{"text":"visited","start":5,"end":12,"id":1,"ws":true},{"text":"Oslo","start":13,"end":17,"id":2,"ws":false},{"text":".","start":17,"end":18,"id":3,"ws":false}]"#;

fn prodigy(answer: &str) -> String {
    format!(
        r#"{{"text":"Amal visited Oslo.",{PRODIGY_TOKENS},"spans":[{{"start":0,"end":4,"token_start":0,"token_end":0,"label":"PER"}}],"answer":"{answer}"}}"#
    )
}

/// A zlib bomb: a valid zlib stream of `mib` MiB of zeros in about 1 KiB per MiB (3 MB
/// of file for 3 GiB). One compressed MiB (a block that only copies zeros from the
/// window) is repeated, then the final block and the Adler-32 of the whole output.
fn zlib_bomb(mib: usize) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress};
    let zeros = vec![0u8; 1 << 20];
    let mut c = Compress::new(Compression::best(), true);
    let mut first = Vec::with_capacity(1 << 20);
    c.compress_vec(&zeros, &mut first, FlushCompress::Sync)
        .expect("compress");
    let mut block = Vec::with_capacity(1 << 20);
    c.compress_vec(&zeros, &mut block, FlushCompress::Sync)
        .expect("compress");
    let mut end = Vec::with_capacity(64);
    c.compress_vec(&[], &mut end, FlushCompress::Finish)
        .expect("compress");
    let mut out = first;
    for _ in 1..mib {
        out.extend_from_slice(&block);
    }
    // The final (empty) block, then Adler-32 of `mib` MiB of zeros: a = 1, b = length.
    end.truncate(end.len() - 4);
    out.extend_from_slice(&end);
    let len = (mib as u64) << 20;
    let adler = ((len % 65521) << 16) | 1;
    out.extend_from_slice(&(adler as u32).to_be_bytes());
    out
}

/// A DocBin (zlib msgpack) from a map of fields.
fn docbin(fields: Vec<(&str, rmpv::Value)>) -> Vec<u8> {
    use std::io::Write;
    let map = rmpv::Value::Map(
        fields
            .into_iter()
            .map(|(k, v)| (rmpv::Value::String(k.into()), v))
            .collect(),
    );
    let mut packed = Vec::new();
    rmpv::encode::write_value(&mut packed, &map).expect("msgpack");
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(&packed).expect("zlib");
    z.finish().expect("zlib")
}

/// A DocBin of one document, "Amal visited" (ORTH only), with `lengths` as given.
fn docbin_tokens(lengths: &[i32], strings: &[&str]) -> Vec<u8> {
    docbin_words(&["Amal", "visited"], lengths, strings)
}

/// A DocBin whose tokens are `words` (ORTH only, a space after each but the last).
fn docbin_words(words: &[&str], lengths: &[i32], strings: &[&str]) -> Vec<u8> {
    use rmpv::Value as V;
    let rows: Vec<u8> = words
        .iter()
        .flat_map(|w| entitle::formats::docbin::string_id(w).to_le_bytes())
        .collect();
    let spaces: Vec<u8> = (0..words.len())
        .map(|i| u8::from(i + 1 < words.len()))
        .collect();
    let lens: Vec<u8> = lengths.iter().flat_map(|l| l.to_le_bytes()).collect();
    docbin(vec![
        ("version", V::String("0.1".into())),
        ("attrs", V::Array(vec![V::from(65u64)])),
        ("tokens", V::Binary(rows)),
        ("spaces", V::Binary(spaces)),
        ("lengths", V::Binary(lens)),
        (
            "strings",
            V::Array(strings.iter().map(|s| V::String((*s).into())).collect()),
        ),
    ])
}

/// Per readable format: the input to name on the command line, its files, and a part
/// of the one error it must cause. Every document of it is bad.
fn bad_input(format: &str) -> (&'static str, Vec<(&'static str, Vec<u8>)>, &'static str) {
    let b = |s: &str| s.as_bytes().to_vec();
    match format {
        "txt" => (
            "in.txt",
            vec![("in.txt", b"S\xe3o Paulo".to_vec())],
            "in.txt:1: is not valid UTF-8",
        ),
        "jsonl" => (
            "in.jsonl",
            vec![("in.jsonl", b("{\"text\": 5}\n"))],
            "in.jsonl:1: \"text\" must be a string",
        ),
        "spacy-jsonl" => (
            "in.jsonl",
            vec![(
                "in.jsonl",
                b("{\"text\": \"Amal\", \"entities\": [[0, 4]]}\n"),
            )],
            "in.jsonl:1: \"entities\"[0] must be [start, end, label]",
        ),
        "doccano" => (
            "in.jsonl",
            vec![(
                "in.jsonl",
                b("{\"text\": \"Amal\", \"label\": [[0, 9, \"PER\"]]}\n"),
            )],
            "in.jsonl:1: span 0 PER 0..9: not a valid UTF-16 offset",
        ),
        "prodigy" => (
            "in.jsonl",
            vec![(
                "in.jsonl",
                b("{\"text\": \"Amal\", \"spans\": [{\"start\": 0, \"label\": \"PER\"}]}\n"),
            )],
            "in.jsonl:1: \"spans\"[0] has no \"end\"",
        ),
        "label-studio" => (
            "in.json",
            vec![("in.json", b("[{\"id\": 1, \"annotations\": []}]\n"))],
            "in.json:1: task 0 has no \"data\" object",
        ),
        "brat" => (
            "b",
            vec![
                ("b/a.txt", b("Amal visited Oslo.")),
                ("b/a.ann", b("T1\tPER zero 4\tAmal\n")),
            ],
            "a.ann:1: bad offsets \"zero 4\" in T1",
        ),
        "conll" => (
            "in.conll",
            vec![("in.conll", b("Amal X-PER\n"))],
            "in.conll:1: tag \"X-PER\"",
        ),
        "webanno-tsv" => (
            "in.tsv",
            vec![("in.tsv", b("#Text=Amal\n1-1\t0-4\tAmal\t_\t_\t\n"))],
            "in.tsv:1: the first line must be #FORMAT=WebAnno TSV 3.x",
        ),
        "spacy" => (
            "in.spacy",
            vec![("in.spacy", docbin_tokens(&[2], &["Amal"]))],
            "in.spacy: document 1: token 1 has a string id missing",
        ),
        _ => unreachable!("{format}"),
    }
}

/// Per readable format: an input whose only document's text holds a NUL character.
fn nul_input(format: &str) -> (&'static str, Vec<(&'static str, Vec<u8>)>) {
    let b = |s: &str| s.as_bytes().to_vec();
    match format {
        "txt" => ("in.txt", vec![("in.txt", b"Amal\0Haddad".to_vec())]),
        "jsonl" | "spacy-jsonl" | "doccano" | "prodigy" => (
            "in.jsonl",
            vec![(
                "in.jsonl",
                b("{\"id\": \"z\", \"text\": \"Amal\\u0000Haddad\"}\n"),
            )],
        ),
        "label-studio" => (
            "in.json",
            vec![(
                "in.json",
                b(
                    "[{\"id\": 1, \"data\": {\"text\": \"Amal\\u0000Haddad\"}, \"annotations\": []}]\n",
                ),
            )],
        ),
        "brat" => (
            "b",
            vec![
                ("b/z.txt", b"Amal\0Haddad".to_vec()),
                ("b/z.ann", Vec::new()),
            ],
        ),
        "conll" => (
            "in.conll",
            vec![("in.conll", b"Amal\0Haddad B-PER\n".to_vec())],
        ),
        "webanno-tsv" => (
            "in.tsv",
            vec![(
                "in.tsv",
                format!("{TSV_HEAD}#Text=Amal\0Haddad\n1-1\t0-11\tAmal\0Haddad\t*\tPER\t\n")
                    .into_bytes(),
            )],
        ),
        "spacy" => (
            "in.spacy",
            vec![(
                "in.spacy",
                docbin_words(&["Amal\0Haddad"], &[1], &["Amal\0Haddad"]),
            )],
        ),
        _ => unreachable!("{format}"),
    }
}

/// Every format that can be read.
const READABLE: [&str; 10] = [
    "txt",
    "jsonl",
    "spacy-jsonl",
    "doccano",
    "prodigy",
    "label-studio",
    "brat",
    "conll",
    "webanno-tsv",
    "spacy",
];

/// UTF-16LE with a byte-order mark.
fn utf16(s: &str) -> Vec<u8> {
    let mut v = vec![0xFF, 0xFE];
    for u in s.encode_utf16() {
        v.extend_from_slice(&u.to_le_bytes());
    }
    v
}

fn bom(s: &str) -> Vec<u8> {
    let mut v = b"\xEF\xBB\xBF".to_vec();
    v.extend_from_slice(s.as_bytes());
    v
}

/// A JSONL line with the given id and text and no spans.
fn doc_line(id: &str, text: &str) -> String {
    serde_json::json!({"id": id, "text": text}).to_string() + "\n"
}

// ------------------------------------------------------------------ check

fn check_cases() -> Vec<Case> {
    let deep = "p/d1/d2/d3/d4/d5/d6/d7/d8/d9/d10/d11/d12/d13/deep.txt";
    vec![
        case("check/missing-folder")
            .run(&["check", "nope"])
            .code(2)
            .has(&["nope does not exist"]),
        case("check/a-jsonl-file-is-not-a-project")
            .file("x.jsonl", SEED)
            .run(&["check", "x.jsonl"])
            .code(2)
            .has(&["x.jsonl is not a folder or a .txt file"]),
        case("check/fifo-given-as-the-project")
            .fifo("f.txt")
            .run(&["check", "f.txt"])
            .code(2)
            .has(&["f.txt", "is not a folder or a .txt file|not a regular file"]),
        case("check/plain-folder-creates-nothing")
            .file("p/a.txt", "Amal visited Oslo.")
            .run(&["check", "p"])
            .code(0)
            .has(&["1 documents checked, no problems"]),
        case("check/project-creates-no-lock")
            .project()
            .run(&["check", "proj"])
            .code(0)
            .has(&["2 documents checked, no problems"])
            .absent("proj/.entitle.lock"),
        case("check/txt-latin1")
            .file("p/ok.txt", "Oslo")
            .file("p/latin1.txt", b"line one\nS\xe3o Paulo")
            .run(&["check", "p"])
            .code(1)
            .has(&["latin1.txt", "not valid UTF-8: bad byte 0xE3 at byte 10 (line 2, column 2)"]),
        case("check/txt-utf16")
            .file("p/u16.txt", utf16("Amal visited Oslo."))
            .run(&["check", "p"])
            .code(1)
            .has(&["u16.txt", "UTF-16"]),
        case("check/txt-nul-byte")
            .file("p/zero.txt", b"Amal\0Haddad")
            .run(&["check", "p"])
            .code(1)
            .has(&["zero.txt", "NUL byte at byte 4"]),
        case("check/txt-named-like-a-windows-device")
            .file("p/a.txt", "Oslo")
            .file("p/nul.txt", "Amal")
            .run(&["check", "p"])
            .code(1)
            .has(&["nul.txt", "reserved on Windows"]),
        case("check/txt-bom-is-fine")
            .file("p/bom.txt", bom("Amal visited Oslo."))
            .run(&["check", "p"])
            .code(0)
            .has(&["1 documents checked, no problems"]),
        case("check/annotation-not-json")
            .project()
            .file(A_JSON, "{\n  \"entitle_annotations\": 1,\n  ]\n")
            .run(&["check", "proj"])
            .code(1)
            .has(&["docs/a.json:3"])
            .contains(A_JSON, "{\n  \"entitle_annotations\": 1,\n  ]\n"),
        case("check/annotation-truncated")
            .project()
            .file(A_JSON, &a_json(&a_span(1, 0, 4, "PER", "Rami"), "")[..330])
            .run(&["check", "proj"])
            .code(1)
            .has(&["docs/a.json:12"]),
        case("check/annotation-start-is-a-string")
            .project()
            .file(A_JSON, a_json(&a_span(1, 0, 4, "PER", "Rami").replace("\"start\":0", "\"start\":\"0\""), ""))
            .run(&["check", "proj"])
            .code(1)
            .has(&["docs/a.json:12", "string \"0\""]),
        case("check/toml-color-is-a-number")
            .project()
            .file("proj/entitle.toml", "format_version = 1\n[[labels]]\nname = \"PER\"\ncolor = 5\n")
            .run(&["check", "proj"])
            .code(1)
            .has(&["entitle.toml:4"]),
        case("check/annotation-empty-file")
            .project()
            .file(A_JSON, "")
            .run(&["check", "proj"])
            .code(1)
            .has(&["docs/a.json", "empty|EOF|end of"]),
        case("check/annotation-invalid-utf8")
            .project()
            .file(A_JSON, b"{\n  \"entitle_annotations\": 1,\n  \"document\": \"caf\xe9\"\n}\n")
            .run(&["check", "proj"])
            .code(1)
            .has(&["docs/a.json", "UTF-8"]),
        case("check/annotation-without-document")
            .project()
            .file("proj/annotations/ann/docs/gone.json", a_json("", ""))
            .run(&["check", "proj"])
            .code(1)
            .has(&["gone.json", "no document matches this annotation file"]),
        case("check/text-changed-since-annotated")
            .project()
            .file("proj/docs/a.txt", "Rami met Ben in Aleppo.")
            .run(&["check", "proj"])
            .code(1)
            .has(&["docs/a.json", "changed since these 3 spans were made", "re-anchor"]),
        case("check/annotation-span-past-the-end")
            .project()
            .file(A_JSON, a_json(&a_span(1, 0, 400, "PER", "Rami"), ""))
            .run(&["check", "proj"])
            .code(1)
            .has(&["docs/a.json", "0..400|400"]),
        case("check/annotation-span-text-differs")
            .project()
            .file(A_JSON, a_json(&a_span(1, 0, 4, "PER", "Remi"), ""))
            .run(&["check", "proj"])
            .code(1)
            .has(&["docs/a.json", "Remi", "Rami"]),
        case("check/annotation-from-a-newer-entitle")
            .project()
            .file(A_JSON, a_json("", "").replace("\"entitle_annotations\": 1", "\"entitle_annotations\": 7"))
            .run(&["check", "proj"])
            .code(1)
            .has(&["docs/a.json", "newer Entitle"]),
        case("check/annotation-label-with-space")
            .project()
            .file(A_JSON, a_json(&a_span(1, 0, 4, "Job Title", "Rami"), ""))
            .run(&["check", "proj"])
            .code(1)
            .has(&["docs/a.json", "Job Title", "fix-labels"]),
        case("check/annotation-span-id-used-twice")
            .project()
            .file(
                A_JSON,
                a_json(
                    &format!("{},\n{}", a_span(1, 0, 4, "PER", "Rami"), a_span(1, 9, 12, "PER", "Ben")),
                    "",
                ),
            )
            .run(&["check", "proj"])
            .code(1)
            .has(&["docs/a.json", "span id 1 was used twice"]),
        case("check/annotation-relation-to-missing-span")
            .project()
            .file(
                A_JSON,
                a_json(
                    &a_span(1, 0, 4, "PER", "Rami"),
                    "\n  \"relations\": [{\"id\":1,\"label\":\"knows\",\"from\":1,\"to\":7,\"annotator\":\"ann\",\"created\":\"2026-01-01T00:00:00Z\"}],",
                ),
            )
            .run(&["check", "proj"])
            .code(1)
            .has(&["docs/a.json", "relation 1 knows left out"]),
        case("check/annotation-offsets-in-utf16")
            .project()
            .file(A_JSON, a_json(&a_span(1, 0, 4, "PER", "Rami"), "").replace("\"code-point\"", "\"utf-16\""))
            .run(&["check", "proj"])
            .code(1)
            .has(&["docs/a.json:5", "offset_unit is \"utf-16\"; this version reads only \"code-point\""]),
        case("check/annotation-unknown-status")
            .project()
            .file(A_JSON, a_json(&a_span(1, 0, 4, "PER", "Rami"), "").replace("\"in-progress\"", "\"weird\""))
            .run(&["check", "proj"])
            .code(1)
            .has(&["docs/a.json:8", "unknown variant `weird`"]),
        case("check/annotator-folder-is-a-link")
            .project()
            .file("outside/docs/a.json", a_json(&a_span(1, 0, 4, "PER", "Rami"), ""))
            .link("proj/annotations/ann", "{ROOT}/outside")
            .run(&["check", "proj"])
            .code(1)
            .has(&["annotations/ann", "link"]),
        case("check/toml-invalid-utf8")
            .project()
            .file("proj/entitle.toml", b"format_version = 1\nname = \"caf\xe9\"\n")
            .run(&["check", "proj"])
            .code(1)
            .has(&["entitle.toml:2", "not valid UTF-8"]),
        case("check/toml-syntax-error")
            .project()
            .file("proj/entitle.toml", "format_version = 1\n[[labels]\nname = \"PER\"\n")
            .run(&["check", "proj"])
            .code(1)
            .has(&["entitle.toml:2"]),
        case("check/toml-newer-format-version")
            .project()
            .file("proj/entitle.toml", "format_version = 7\n")
            .run(&["check", "proj"])
            .code(1)
            .has(&["entitle.toml", "format_version 7 was written by a newer Entitle"]),
        case("check/toml-label-with-space")
            .project()
            .file(
                "proj/entitle.toml",
                "format_version = 1\n[[labels]]\nname = \"Job Title\"\ncolor = \"#4e79a7\"\n",
            )
            .run(&["check", "proj"])
            .code(1)
            .has(&["entitle.toml", "Job Title", "entitle fix-labels"]),
        case("check/interrupted-import-journal")
            .project()
            .file(
                "proj/.entitle-import.jsonl",
                "{\"event\":\"start\",\"started\":\"2026-01-01 10:00 UTC\",\"format\":\"jsonl\",\"inputs\":[\"/data/big.jsonl\"],\"annotator\":\"ann\"}\n{\"event\":\"begin\",\"batch\":1,\"records\":2,\"docs\":[\"docs/a\",\"docs/b\"]}\n",
            )
            .run(&["check", "proj"])
            .code(1)
            .has(&[".entitle-import.jsonl", "was interrupted", "docs/a, docs/b may be missing", "Run the same import again"]),
        case("check/fifo-inside-the-project")
            .project()
            .fifo("proj/docs/pipe.txt")
            .run(&["check", "proj"])
            .code(1)
            .has(&["pipe.txt", "FIFO"]),
        case("check/fifo-as-annotation-file")
            .project()
            .fifo(A_JSON)
            .run(&["check", "proj"])
            .code(1)
            .has(&["docs/a.json", "not a regular file"]),
        case("check/linked-txt-is-reported")
            .project()
            .file("outside/secret.txt", "not part of the project")
            .link("proj/docs/l.txt", "{ROOT}/outside/secret.txt")
            .run(&["check", "proj"])
            .code(1)
            .has(&["l.txt", "symbolic link"]),
        case("check/docs-folder-is-a-link-outside")
            .file("outside/x.txt", "Amal visited Oslo.")
            .file("proj/entitle.toml", "format_version = 1\n")
            .link("proj/docs", "{ROOT}/outside")
            .run(&["check", "proj"])
            .code(1)
            .has(&["docs", "link"]),
        case("check/folder-more-than-12-deep")
            .file("p/a.txt", "Oslo")
            .file(deep, "Amal")
            .run(&["check", "p"])
            .code(1)
            .has(&["d12", "levels deep"]),
    ]
}

// ------------------------------------------------------------------ convert

fn conv<'a>(input: &'a str, from: &'a str, to: &'a str, output: &'a str) -> Vec<&'a str> {
    vec![
        "convert", input, "--from", from, "--to", to, "--output", output,
    ]
}

/// Documents with these ids (and distinct texts), as JSONL.
fn ids_jsonl(ids: &[&str]) -> String {
    ids.iter()
        .enumerate()
        .map(|(i, id)| doc_line(id, &format!("Document {i} about Oslo.")))
        .collect()
}

fn convert_cases() -> Vec<Case> {
    let old = "OLD OUTPUT, must survive\n";
    let mut v = vec![
        case("convert/missing-input-keeps-existing-output")
            .file("out.conll", old)
            .run(&conv("missing.jsonl", "jsonl", "conll", "out.conll"))
            .code(2)
            .has(&["missing.jsonl does not exist", "Nothing was written"])
            .contains("out.conll", old),
        case("convert/missing-input-creates-no-output")
            .run(&conv("missing.jsonl", "jsonl", "conll", "out.conll"))
            .code(2)
            .has(&["missing.jsonl does not exist"])
            .absent("out.conll"),
        case("convert/one-of-two-inputs-missing")
            .file("good.jsonl", SEED)
            .run(&["convert", "good.jsonl", "missing.jsonl", "--from", "jsonl", "--to", "jsonl", "--output", "out.jsonl"])
            .code(2)
            .has(&["missing.jsonl does not exist"]),
        case("convert/missing-input-to-brat-folder")
            .run(&conv("missing.ann", "brat", "brat", "out"))
            .code(2)
            .has(&["missing.ann does not exist"])
            .absent("out"),
        case("convert/csv-cannot-be-read")
            .file("t.csv", "document,start,end,label\n")
            .run(&conv("t.csv", "csv", "jsonl", "out.jsonl"))
            .code(2)
            .has(&["csv is an export-only format"]),
        case("convert/unknown-format")
            .file("in.jsonl", SEED)
            .run(&conv("in.jsonl", "xml", "jsonl", "out.jsonl"))
            .code(2)
            .has(&["\"xml\"", "use one of txt, jsonl"]),
        case("convert/unknown-scheme")
            .file("in.jsonl", SEED)
            .run(&["convert", "in.jsonl", "--from", "jsonl", "--to", "conll", "--output", "out.conll", "--scheme", "iob9"])
            .code(2)
            .has(&["\"iob9\"", "use iob1, iob2, iobes or bilou"]),
        case("convert/output-folder-is-a-file")
            .file("in.jsonl", SEED)
            .file("blocker", "a file where a folder is needed\n")
            .run(&conv("in.jsonl", "jsonl", "conll", "blocker/out.conll"))
            .code(2)
            .has(&["blocker", "nothing was written"]),
        case("convert/two-documents-to-one-webanno-file")
            .file("in.jsonl", SEED)
            .file("out.tsv", old)
            .run(&conv("in.jsonl", "jsonl", "webanno-tsv", "out.tsv"))
            .code(2)
            .has(&["webanno-tsv holds one document per file", "nothing was written"])
            .contains("out.tsv", old),
        case("convert/two-documents-to-one-txt-file")
            .file("in.jsonl", SEED)
            .run(&conv("in.jsonl", "jsonl", "txt", "out.txt"))
            .code(2)
            .has(&["txt holds one document per file", "nothing was written"])
            .absent("out.txt"),
        case("convert/every-input-bad-keeps-existing-output")
            .file("bad.jsonl", "{\"text\": 5}\n{\"nope\": 1}\n")
            .file("out.conll", old)
            .run(&conv("bad.jsonl", "jsonl", "conll", "out.conll"))
            .code(1)
            .has(&["bad.jsonl:1", "bad.jsonl:2", "no document could be read"])
            .contains("out.conll", old),
        case("convert/every-input-bad-leaves-no-brat-folder")
            .file("bad.jsonl", "{\"text\": 5}\n")
            .run(&conv("bad.jsonl", "jsonl", "brat", "out"))
            .code(1)
            .has(&["bad.jsonl:1", "no document could be read"])
            .absent("out"),
        case("convert/every-input-bad-leaves-no-conll-folder")
            .file("bad.jsonl", "{\"text\": 5}\n")
            .run(&conv("bad.jsonl", "jsonl", "conll", "out/"))
            .code(1)
            .has(&["bad.jsonl:1", "no document could be read"])
            .absent("out"),
        case("convert/brat-output-is-an-existing-file")
            .file("in.jsonl", SEED)
            .file("out", old)
            .run(&conv("in.jsonl", "jsonl", "brat", "out"))
            .code(2)
            .has(&["out", "nothing was written"])
            .contains("out", old),
        case("convert/bad-line-reported-rest-converted")
            .file(
                "in.jsonl",
                format!("{}{{\"text\": \"x\", \"spans\": [{{\"start\": 0, \"end\": 9, \"label\": \"PER\"}}]}}\n", SEED),
            )
            .run(&conv("in.jsonl", "jsonl", "conll", "out.conll"))
            .code(1)
            .has(&["in.jsonl:3", "0..9 ends after the end of the text (1 characters)", "2 documents, 5 spans converted"])
            .writes(&["out.conll"])
            .contains("out.conll", "Haddad I-PER"),
        case("convert/label-with-space-to-conll")
            .file("in.jsonl", "{\"text\": \"Amal is Head Chef.\", \"spans\": [{\"start\": 8, \"end\": 17, \"label\": \"Job Title\"}]}\n")
            .run(&conv("in.jsonl", "jsonl", "conll", "out.conll"))
            .code(0)
            .has(&["\"Job Title\"", "renamed Job_Title"])
            .writes(&["out.conll"])
            .contains("out.conll", "Head B-Job_Title")
            .file_lacks("out.conll", "Job Title"),
        case("convert/label-with-space-to-brat")
            .file("in.jsonl", "{\"id\": \"d\", \"text\": \"Amal is Head Chef.\", \"spans\": [{\"start\": 8, \"end\": 17, \"label\": \"Job Title\"}]}\n")
            .run(&conv("in.jsonl", "jsonl", "brat", "out"))
            .code(0)
            .has(&["\"Job Title\"", "renamed Job_Title"])
            .writes(&["out"])
            .contains("out/d.ann", "T1\tJob_Title 8 17\tHead Chef")
            .contains("out/annotation.conf", "Job_Title"),
        case("convert/zlib-bomb-spacy-fails-fast")
            .file("bomb.spacy", zlib_bomb(3 << 10))
            .run(&conv("bomb.spacy", "spacy", "jsonl", "out.jsonl"))
            .mem_limit(2 << 30)
            .code(1)
            .has(&["bomb.spacy", "decompress|uncompress|expands|unpacks|inflates"])
            .lacks(&["msgpack"]),
    ];
    // Document ids that try to leave the output folder or that some systems refuse.
    let names: &[(&str, &[&str], usize)] = &[
        ("parent-escape", &["../../outside/escaped"], 1),
        ("absolute-path", &["{ROOT}/outside/absolute"], 1),
        ("windows-reserved", &["CON", "NUL.txt", "aux", "com1"], 4),
        ("case-twins", &["Report", "report", "REPORT"], 3),
        (
            "trailing-dots-and-spaces",
            &["notes.", "notes ", "notes. ."],
            3,
        ),
        ("dot-names", &[".", "..", "...", ".hidden"], 4),
        ("deeper-than-12", &["a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p"], 1),
        ("empty-and-blank", &["", "   "], 2),
        ("backslashes", &["..\\..\\outside\\win"], 1),
    ];
    for (what, ids, n) in names {
        v.push(
            case(&format!("convert/ids/{what}-stay-in-the-brat-folder"))
                .dir("outside")
                .file("in.jsonl", ids_jsonl(ids))
                .run(&conv("in.jsonl", "jsonl", "brat", "out"))
                .code(0)
                .has(&[&format!("{n} documents, 0 spans converted")])
                .writes(&["out"])
                // .txt + .ann per document, annotation.conf, visual.conf, the marker.
                .count("out", 2 * n + 3)
                .count("outside", 0),
        );
    }
    v.push(
        case("convert/ids/300-characters")
            .file("in.jsonl", ids_jsonl(&[&"x".repeat(300), &"é".repeat(300)]))
            .run(&conv("in.jsonl", "jsonl", "brat", "out"))
            .code(0)
            .has(&["2 documents, 0 spans converted"])
            .writes(&["out"])
            .count("out", 7),
    );
    v.push(
        case("convert/ids/windows-reserved-names-not-used")
            .file("in.jsonl", ids_jsonl(&["CON", "NUL.txt", "prn", "LPT1"]))
            .run(&conv("in.jsonl", "jsonl", "txt", "out/"))
            .code(0)
            .writes(&["out"])
            .absent("out/CON.txt")
            .absent("out/NUL.txt")
            .absent("out/prn.txt")
            .absent("out/LPT1.txt")
            .count("out", 5),
    );
    // Per readable format: an input whose every document is bad leaves an existing
    // output as it was; a text with a NUL character is refused, naming the file.
    for f in READABLE {
        let (input, files, error) = bad_input(f);
        let mut c = case(&format!(
            "convert/{f}/every-document-bad-keeps-existing-output"
        ))
        .file("out.jsonl", old);
        for (p, b) in files {
            c = c.file(p, b);
        }
        v.push(
            c.run(&conv(input, f, "jsonl", "out.jsonl"))
                .code(1)
                .has(&[error, "no document could be read"])
                .contains("out.jsonl", old),
        );
        let (input, files) = nul_input(f);
        let mut c = case(&format!("convert/{f}/nul-in-the-text"));
        for (p, b) in files {
            c = c.file(p, b);
        }
        let named = if f == "brat" { "z.txt" } else { input };
        v.push(
            c.run(&conv(input, f, "jsonl", "out.jsonl"))
                .code(1)
                .has(&[named, "NUL", "no document could be read"])
                .absent("out.jsonl"),
        );
    }
    // A FIFO given as the input, in every readable format: never a hang, always named.
    let fifos: &[(&str, &str)] = &[
        ("txt", "pipe.txt"),
        ("jsonl", "pipe.jsonl"),
        ("spacy-jsonl", "pipe.jsonl"),
        ("doccano", "pipe.jsonl"),
        ("prodigy", "pipe.jsonl"),
        ("label-studio", "pipe.json"),
        ("brat", "pipe.ann"),
        ("conll", "pipe.conll"),
        ("webanno-tsv", "pipe.tsv"),
        ("spacy", "pipe.spacy"),
    ];
    for (format, file) in fifos {
        v.push(
            case(&format!("convert/fifo-input/{format}"))
                .fifo(file)
                .file("out.jsonl", old)
                .run(&conv(file, format, "jsonl", "out.jsonl"))
                .code(1)
                .has(&[file, "FIFO|not a regular file"])
                .contains("out.jsonl", old),
        );
    }
    v.push(
        case("convert/fifo-inside-an-input-folder")
            .file("texts/a.txt", "Amal visited Oslo.")
            .fifo("texts/pipe.txt")
            .run(&conv("texts", "txt", "jsonl", "out.jsonl"))
            .code(1)
            .has(&["pipe.txt", "FIFO", "1 documents, 0 spans converted"])
            .writes(&["out.jsonl"])
            .contains("out.jsonl", "Amal visited Oslo."),
    );
    v.push(
        case("convert/linked-file-inside-an-input-folder")
            .file("outside/secret.txt", "not to be read")
            .file("texts/a.txt", "Amal visited Oslo.")
            .link("texts/l.txt", "{ROOT}/outside/secret.txt")
            .run(&conv("texts", "txt", "jsonl", "out.jsonl"))
            .code(1)
            .has(&["l.txt", "symbolic link"])
            .writes(&["out.jsonl"])
            .file_lacks("out.jsonl", "not to be read"),
    );
    v
}

// ------------------------------------------------------------------ import

fn imp<'a>(project: &'a str, input: &'a str, format: &'a str) -> Vec<&'a str> {
    vec![
        "import",
        project,
        input,
        "--format",
        format,
        "--annotator",
        "ann",
    ]
}

const JOB_TITLE_TOML: &str =
    "format_version = 1\n[[labels]]\nname = \"Job Title\"\ncolor = \"#4e79a7\"\nhotkey = \"1\"\n";

fn import_cases() -> Vec<Case> {
    let new_doc = doc_line("n", "Nadia flew to Cairo.");
    let mut v = vec![
        case("import/missing-input-creates-no-project")
            .run(&imp("proj", "missing.jsonl", "jsonl"))
            .code(2)
            .has(&["missing.jsonl does not exist", "Nothing was written"])
            .absent("proj"),
        case("import/one-of-two-inputs-missing-creates-no-project")
            .file("good.jsonl", SEED)
            .run(&["import", "proj", "good.jsonl", "missing.jsonl", "--format", "jsonl"])
            .code(2)
            .has(&["missing.jsonl does not exist"])
            .absent("proj"),
        case("import/csv-cannot-be-imported")
            .file("t.csv", "document,start,end,label\n")
            .run(&imp("proj", "t.csv", "csv"))
            .code(2)
            .has(&["csv is an export-only format"])
            .absent("proj"),
        case("import/project-path-is-a-file")
            .file("in.jsonl", SEED)
            .file("proj", "I am a file\n")
            .run(&imp("proj", "in.jsonl", "jsonl"))
            .code(2)
            .has(&["proj"]),
        case("import/docs-folder-links-outside")
            .file("outside/keep.txt", "outside the project")
            .file("proj/entitle.toml", "format_version = 1\n")
            .link("proj/docs", "{ROOT}/outside")
            .file("in.jsonl", &new_doc)
            .run(&imp("proj", "in.jsonl", "jsonl"))
            .code(2)
            .has(&["outside the project", "link"])
            .writes(&["proj/.entitle-import.jsonl", "proj/.entitle.lock"])
            .count("outside", 1),
        case("import/refused-import-leaves-no-interrupted-import-behind")
            .file("outside/keep.txt", "outside the project")
            .file("proj/entitle.toml", "format_version = 1\n")
            .link("proj/docs", "{ROOT}/outside")
            .file("in.jsonl", &new_doc)
            .run(&imp("proj", "in.jsonl", "jsonl"))
            .code(2)
            .has(&["outside the project"])
            .writes(&["proj/.entitle-import.jsonl", "proj/.entitle.lock"])
            .run(&["check", "proj"])
            .code(1)
            .has(&["docs is a symbolic link"])
            .lacks(&["was interrupted"]),
        case("import/annotations-folder-links-outside")
            .file("outside/keep.txt", "outside the project")
            .file("proj/entitle.toml", "format_version = 1\n")
            .link("proj/annotations", "{ROOT}/outside")
            .file("in.jsonl", &new_doc)
            .run(&imp("proj", "in.jsonl", "jsonl"))
            .code(2)
            .has(&["outside the project", "link"])
            .writes(&["proj/.entitle-import.jsonl", "proj/.entitle.lock"])
            .count("outside", 1),
        case("import/annotator-folder-links-outside")
            .project()
            .file("outside/keep.txt", "outside the project")
            .link("proj/annotations/ann", "{ROOT}/outside")
            .file("in.jsonl", &new_doc)
            .run(&imp("proj", "in.jsonl", "jsonl"))
            .code(2)
            .has(&["outside the project", "link"])
            .writes(&["proj/.entitle-import.jsonl", "proj/.entitle.lock"])
            .count("outside", 1),
        case("import/toml-label-with-space-is-read-only-until-fix-labels")
            .project()
            .file("proj/entitle.toml", JOB_TITLE_TOML)
            .file("in.jsonl", &new_doc)
            .run(&imp("proj", "in.jsonl", "jsonl"))
            .code(2)
            .has(&["entitle.toml", "Job Title", "entitle fix-labels", "Nothing was imported"])
            .writes(&["proj/.entitle.lock"])
            .run(&["fix-labels", "proj"])
            .code(0)
            .has(&["renamed label \"Job Title\" to Job_Title"])
            .writes(&["proj"])
            .contains("proj/entitle.toml", "name = \"Job_Title\"")
            .run(&imp("proj", "in.jsonl", "jsonl"))
            .code(0)
            .has(&["imported 1 documents"])
            .writes(&["proj"])
            .exists("proj/docs/n.txt"),
        case("import/toml-invalid-utf8")
            .project()
            .file("proj/entitle.toml", b"format_version = 1\nname = \"caf\xe9\"\n")
            .file("in.jsonl", &new_doc)
            .run(&imp("proj", "in.jsonl", "jsonl"))
            .code(2)
            .has(&["entitle.toml:2", "not valid UTF-8", "Nothing was imported"])
            .writes(&["proj/.entitle.lock"]),
        case("import/toml-syntax-error")
            .project()
            .file("proj/entitle.toml", "format_version = 1\n[[labels]\n")
            .file("in.jsonl", &new_doc)
            .run(&imp("proj", "in.jsonl", "jsonl"))
            .code(2)
            .has(&["entitle.toml:2", "Nothing was imported"])
            .writes(&["proj/.entitle.lock"]),
        case("import/toml-newer-format-version")
            .project()
            .file("proj/entitle.toml", "format_version = 7\n")
            .file("in.jsonl", &new_doc)
            .run(&imp("proj", "in.jsonl", "jsonl"))
            .code(2)
            .has(&["newer Entitle", "Nothing was imported"])
            .writes(&["proj/.entitle.lock"]),
        case("import/label-with-space-renamed-with-a-warning")
            .file("in.jsonl", "{\"id\": \"d\", \"text\": \"Amal is Head Chef.\", \"spans\": [{\"start\": 8, \"end\": 17, \"label\": \"Job Title\"}]}\n")
            .run(&imp("proj", "in.jsonl", "jsonl"))
            .code(0)
            .has(&["\"Job Title\"", "renamed Job_Title"])
            .writes(&["proj"])
            .contains("proj/entitle.toml", "name = \"Job_Title\"")
            .file_lacks("proj/entitle.toml", "Job Title")
            .contains("proj/annotations/ann/docs/d.json", "\"label\":\"Job_Title\"")
            .run(&["check", "proj"])
            .code(0),
        case("import/prodigy-reject-skipped-and-counted")
            .file("in.jsonl", format!("{}\n{}\n{}\n", prodigy("accept"), prodigy("reject"), prodigy("ignore")))
            .run(&imp("proj", "in.jsonl", "prodigy"))
            .code(0)
            .has(&["imported 1 documents", "2 skipped", "reject", "ignore"])
            .writes(&["proj"]),
        case("import/prodigy-keep-rejected")
            .file("in.jsonl", format!("{}\n{}\n", prodigy("accept"), prodigy("reject")))
            .run(&["import", "proj", "in.jsonl", "--format", "prodigy", "--keep-rejected"])
            .code(0)
            .has(&["imported 2 documents"])
            .writes(&["proj"]),
        case("import/damaged-annotation-file-is-never-overwritten")
            .project()
            .file(A_JSON, "{\n  \"entitle_annotations\": 1,\n  ]\n")
            .run(&imp("proj", "seed.jsonl", "jsonl"))
            .code(2)
            .has(&["docs/a.json"])
            .writes(&["proj"])
            .contains(A_JSON, "{\n  \"entitle_annotations\": 1,\n  ]\n"),
        case("import/fifo-as-existing-annotation-file")
            .project()
            .fifo(A_JSON)
            .run(&imp("proj", "seed.jsonl", "jsonl"))
            .code(2)
            .has(&["docs/a.json", "not a regular file"])
            .writes(&["proj"]),
        case("import/interrupted-journal-of-another-import-is-named")
            .project()
            .file(
                "proj/.entitle-import.jsonl",
                "{\"event\":\"start\",\"started\":\"2026-01-01 10:00 UTC\",\"format\":\"conll\",\"inputs\":[\"/data/other.conll\"],\"annotator\":\"ann\"}\n",
            )
            .file("in.jsonl", &new_doc)
            .run(&imp("proj", "in.jsonl", "jsonl"))
            .code(0)
            .has(&["was interrupted", "/data/other.conll", "imported 1 documents"])
            .writes(&["proj"]),
        case("import/label-studio-with-bom")
            .file("ls.json", bom(LS))
            .run(&imp("proj", "ls.json", "label-studio"))
            .code(0)
            .has(&["imported 1 documents with 2 spans"])
            .writes(&["proj"]),
        case("import/brat-ann-without-txt")
            .file("b/a.txt", "Amal visited Oslo.")
            .file("b/a.ann", "T1\tPER 0 4\tAmal\n")
            .file("b/orphan.ann", "T1\tPER 0 4\tAmal\n")
            .run(&imp("proj", "b", "brat"))
            .code(1)
            .has(&["orphan.ann", "has no .txt beside it", "imported 1 documents"])
            .writes(&["proj"]),
        case("import/fifo-input")
            .fifo("pipe.jsonl")
            .run(&imp("proj", "pipe.jsonl", "jsonl"))
            .code(1)
            .has(&["pipe.jsonl", "FIFO|not a regular file"])
            .writes(&["proj"])
            .absent("proj/docs"),
        case("import/zlib-bomb-spacy-fails-fast")
            .file("bomb.spacy", zlib_bomb(3 << 10))
            .run(&imp("proj", "bomb.spacy", "spacy"))
            .mem_limit(2 << 30)
            .code(1)
            .has(&["bomb.spacy", "decompress|uncompress|expands|unpacks|inflates"])
            .writes(&["proj"])
            .absent("proj/docs"),
        case("import/annotator-name-cannot-leave-the-project")
            .file("in.jsonl", &new_doc)
            .dir("outside")
            .run(&["import", "proj", "in.jsonl", "--format", "jsonl", "--annotator", "../../outside"])
            .code(0)
            .writes(&["proj"])
            .count("outside", 0),
        case("import/absolute-annotator-name")
            .file("in.jsonl", &new_doc)
            .dir("outside")
            .run(&["import", "proj", "in.jsonl", "--format", "jsonl", "--annotator", "{ROOT}/outside"])
            .code(0)
            .writes(&["proj"])
            .count("outside", 0),
        case("import/doccano-labels-shape-is-read")
            .file("d.jsonl", "{\"id\": 1, \"text\": \"Amal visited Oslo.\", \"labels\": [[0, 4, \"PER\"], [13, 17, \"GPE\"]]}\n")
            .run(&imp("proj", "d.jsonl", "doccano"))
            .code(0)
            .has(&["imported 1 documents with 2 spans"])
            .writes(&["proj"]),
        case("import/doccano-1x-annotations-shape-is-read")
            .file("d.jsonl", "{\"id\": 1, \"text\": \"Amal visited Oslo.\", \"annotations\": [{\"label\": 3, \"start_offset\": 0, \"end_offset\": 4, \"user\": 1}]}\n")
            .run(&imp("proj", "d.jsonl", "doccano"))
            .code(0)
            .has(&["1 spans"])
            .writes(&["proj"]),
        case("import/label-studio-0x-completions-are-read")
            .file("ls.json", LS.replace("\"annotations\"", "\"completions\""))
            .run(&imp("proj", "ls.json", "label-studio"))
            .code(0)
            .has(&["imported 1 documents with 2 spans"])
            .writes(&["proj"]),
        case("import/label-studio-every-annotation-is-read")
            .file(
                "ls.json",
                r#"[{"id": 1, "data": {"text": "Amal visited Oslo."}, "annotations": [
  {"completed_by": {"email": "alice@example.org"}, "result": [{"id": "a", "type": "labels", "from_name": "label", "to_name": "text", "value": {"start": 0, "end": 4, "text": "Amal", "labels": ["PER"]}}]},
  {"completed_by": {"email": "bob@example.org"}, "result": [{"id": "b", "type": "labels", "from_name": "label", "to_name": "text", "value": {"start": 13, "end": 17, "text": "Oslo", "labels": ["GPE"]}}]}
]}]
"#,
            )
            .run(&imp("proj", "ls.json", "label-studio"))
            .code(0)
            .has(&["2 spans"])
            .writes(&["proj"])
            .run(&["stats", "proj"])
            .code(0)
            .has(&["GPE", "PER"]),
        case("import/duplicate-document-ids-are-kept-apart")
            .file("in.jsonl", format!("{}{}", doc_line("a", "First text about Oslo."), doc_line("a", "Second text about Homs.")))
            .run(&imp("proj", "in.jsonl", "jsonl"))
            .code(0)
            .has(&["imported 2 documents"])
            .writes(&["proj"])
            .contains("proj/docs/a.txt", "First text about Oslo.")
            .contains("proj/docs/a-2.txt", "Second text about Homs."),
        case("import/conll-invalid-utf8")
            .file("in.conll", b"Amal B-PER\nvisited O\nS\xe3o B-GPE\n")
            .run(&imp("proj", "in.conll", "conll"))
            .code(1)
            .has(&["in.conll:3", "not valid UTF-8"])
            .writes(&["proj"]),
    ];
    // Per readable format: nothing of an input whose every document is bad, or whose
    // text holds a NUL character (the app would refuse it), gets into the project.
    for f in READABLE {
        let (input, files, error) = bad_input(f);
        let mut c = case(&format!("import/{f}/every-document-bad-imports-nothing"));
        for (p, b) in files {
            c = c.file(p, b);
        }
        v.push(
            c.run(&imp("proj", input, f))
                .code(1)
                .has(&[error, "imported 0 documents"])
                .writes(&["proj"])
                .absent("proj/docs"),
        );
        let (input, files) = nul_input(f);
        let mut c = case(&format!("import/{f}/nul-in-the-text"));
        for (p, b) in files {
            c = c.file(p, b);
        }
        let named = if f == "brat" { "z.txt" } else { input };
        v.push(
            c.run(&imp("proj", input, f))
                .code(1)
                .has(&[named, "NUL", "imported 0 documents"])
                .writes(&["proj"])
                .absent("proj/docs"),
        );
    }
    // Document ids from the file: every document lands in docs/ and is found again.
    let names: &[(&str, &[&str])] = &[
        (
            "parent-escape",
            &["../../outside/escaped", "../../../../../outside/x"],
        ),
        ("absolute-path", &["{ROOT}/outside/absolute", "/etc/x"]),
        ("windows-reserved", &["CON", "NUL.txt", "aux", "com1"]),
        ("case-twins", &["Report", "report", "REPORT"]),
        (
            "trailing-dots-and-spaces",
            &["notes.", "notes ", "notes. ."],
        ),
        ("300-characters", &[&"y".repeat(300)]),
        ("deeper-than-12", &["a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p"]),
        ("backslashes", &["..\\..\\outside\\win"]),
        (
            "annotations-prefix",
            &["../annotations/ann/docs/a", "../entitle.toml"],
        ),
    ];
    for (what, ids) in names {
        let n = ids.len();
        v.push(
            case(&format!("import/ids/{what}"))
                .dir("outside")
                .file("in.jsonl", ids_jsonl(ids))
                .run(&imp("proj", "in.jsonl", "jsonl"))
                .code(0)
                .has(&[&format!("imported {n} documents")])
                .writes(&["proj"])
                .count("outside", 0)
                .absent("proj/docs/CON.txt")
                .absent("proj/docs/NUL.txt")
                .absent("proj/entitle.toml")
                .run(&["stats", "proj"])
                .code(0)
                .has(&[&format!("{n} documents")])
                .run(&["check", "proj"])
                .code(0),
        );
    }
    v
}

// ------------------------------------------------------------------ export

fn exp<'a>(format: &'a str, output: &'a str) -> Vec<&'a str> {
    vec!["export", "proj", "--format", format, "--output", output]
}

fn export_cases() -> Vec<Case> {
    let old = "OLD EXPORT, must survive\n";
    let mut v = vec![
        case("export/missing-project")
            .run(&exp("jsonl", "out.jsonl"))
            .code(2)
            .has(&["proj does not exist"])
            .absent("out.jsonl"),
        case("export/two-documents-to-one-webanno-file")
            .project()
            .file("out.tsv", old)
            .run(&exp("webanno-tsv", "out.tsv"))
            .code(2)
            .has(&[
                "webanno-tsv holds one document per file",
                "nothing was written",
            ])
            .contains("out.tsv", old),
        case("export/two-documents-to-one-txt-file")
            .project()
            .run(&exp("txt", "out.txt"))
            .code(2)
            .has(&["txt holds one document per file", "nothing was written"])
            .absent("out.txt"),
        case("export/into-the-project-folder")
            .project()
            .run(&exp("brat", "proj"))
            .code(2)
            .has(&["is the project folder"]),
        case("export/txt-inside-the-project")
            .file("one.jsonl", doc_line("solo", "Nadia flew to Cairo."))
            .setup(&imp("proj", "one.jsonl", "jsonl"))
            .run(&exp("txt", "proj/docs/copy.txt"))
            .code(2)
            .has(&["inside the project", "would become one of its documents"])
            .absent("proj/docs/copy.txt"),
        case("export/two-annotators-need-a-choice")
            .project()
            .setup(&[
                "import",
                "proj",
                "seed.jsonl",
                "--format",
                "jsonl",
                "--annotator",
                "bob",
            ])
            .run(&exp("jsonl", "out.jsonl"))
            .code(2)
            .has(&["annotations by ann, bob", "--annotator NAME"])
            .absent("out.jsonl"),
        case("export/unknown-annotator")
            .project()
            .run(&[
                "export",
                "proj",
                "--format",
                "jsonl",
                "--output",
                "out.jsonl",
                "--annotator",
                "zed",
            ])
            .code(2)
            .has(&["no annotations by \"zed\"", "annotators: ann"])
            .absent("out.jsonl"),
        case("export/damaged-annotation-file-reported-rest-exported")
            .project()
            .file(A_JSON, "{\n  \"entitle_annotations\": 1,\n  ]\n")
            .run(&exp("jsonl", "out.jsonl"))
            .code(1)
            .has(&["docs/a.json:3|docs/a.json: line 3", "exported 1 documents"])
            .writes(&["out.jsonl"])
            .contains("out.jsonl", "Amal Haddad visited Oslo.")
            .contains(A_JSON, "{\n  \"entitle_annotations\": 1,\n  ]\n"),
        case("export/every-document-failing-keeps-existing-output")
            .file("one.jsonl", doc_line("solo", "Nadia flew to Cairo."))
            .setup(&imp("proj", "one.jsonl", "jsonl"))
            .file("proj/annotations/ann/docs/solo.json", "{ broken")
            .file("out.jsonl", old)
            .run(&exp("jsonl", "out.jsonl"))
            .code(1)
            .has(&["solo.json"])
            .contains("out.jsonl", old),
        case("export/text-changed-since-annotated")
            .project()
            .file("proj/docs/a.txt", "Rami met Ben in Aleppo.")
            .run(&exp("jsonl", "out.jsonl"))
            .code(1)
            .has(&["docs/a.json", "changed since it was annotated", "re-anchor"])
            .writes(&["out.jsonl"]),
        case("export/fifo-inside-the-project")
            .project()
            .fifo("proj/docs/pipe.txt")
            .run(&exp("jsonl", "out.jsonl"))
            .codes(&[0, 1])
            .has(&["pipe.txt", "FIFO"])
            .writes(&["out.jsonl"]),
        case("export/fifo-as-annotation-file")
            .project()
            .fifo(A_JSON)
            .run(&exp("jsonl", "out.jsonl"))
            .code(1)
            .has(&["docs/a.json", "not a regular file"])
            .writes(&["out.jsonl"]),
        case("export/fifo-as-meta-sidecar")
            .project()
            .fifo("proj/docs/a.meta.json")
            .run(&exp("jsonl", "out.jsonl"))
            .code(1)
            .has(&["a.meta.json", "not a regular file"])
            .writes(&["out.jsonl"]),
        case("export/damaged-meta-sidecar")
            .project()
            .file("proj/docs/a.meta.json", "{\"id\": \"a\", \"meta\": ")
            .run(&exp("jsonl", "out.jsonl"))
            .code(1)
            .has(&["a.meta.json"])
            .writes(&["out.jsonl"]),
        case("export/brat-over-an-existing-file")
            .project()
            .file("out", old)
            .run(&exp("brat", "out"))
            .code(2)
            .has(&["out", "nothing was written"])
            .contains("out", old),
        case("export/folder-export-that-fails-leaves-no-folder")
            .project()
            .file("blocker", "a file where a folder is needed\n")
            .run(&exp("brat", "blocker/out"))
            .code(2)
            .has(&["blocker", "nothing was written"]),
        case("export/conll-folder-that-fails-leaves-no-folder")
            .project()
            .file("blocker", "a file where a folder is needed\n")
            .run(&exp("conll", "blocker/out/"))
            .code(2)
            .has(&["blocker", "nothing was written"]),
        case("export/plain-folder-project-writes-nothing-in-it")
            .file("p/a.txt", "Amal visited Oslo.")
            .run(&["export", "p", "--format", "jsonl", "--output", "out.jsonl"])
            .code(0)
            .has(&["exported 1 documents"])
            .writes(&["out.jsonl"]),
        case("export/annotation-label-with-space-not-written-to-conll")
            .project()
            .file(A_JSON, a_json(&a_span(1, 0, 4, "Job Title", "Rami"), ""))
            .run(&exp("conll", "out.conll"))
            .code(1)
            .has(&["docs/a.json", "Job Title", "fix-labels"])
            .writes(&["out.conll"])
            .file_lacks("out.conll", "Job Title"),
        case("export/toml-label-with-space-still-exports")
            .project()
            .file("proj/entitle.toml", JOB_TITLE_TOML)
            .run(&exp("brat", "out"))
            .code(0)
            .has(&["exported 2 documents"])
            .writes(&["out"])
            .file_lacks("out/annotation.conf", "Job Title"),
        case("export/deep-document-is-exported")
            .file(
                "in.jsonl",
                doc_line("a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p", "Deep down in Oslo."),
            )
            .setup(&imp("proj", "in.jsonl", "jsonl"))
            .run(&exp("jsonl", "out.jsonl"))
            .code(0)
            .has(&["exported 1 documents"])
            .writes(&["out.jsonl"])
            .contains("out.jsonl", "Deep down in Oslo."),
        case("export/annotator-folder-is-a-link")
            .project()
            .file(
                "outside/docs/a.json",
                a_json(&a_span(1, 0, 4, "PER", "Rami"), ""),
            )
            .link("proj/annotations/ann", "{ROOT}/outside")
            .run(&exp("jsonl", "out.jsonl"))
            .codes(&[1, 2])
            .has(&["annotations/ann", "link"])
            .writes(&["out.jsonl"]),
        case("export/unknown-format")
            .project()
            .run(&exp("docx", "out.docx"))
            .code(2)
            .has(&["\"docx\"", "use one of"]),
        case("export/csv-of-damaged-project-names-the-file")
            .project()
            .file(A_JSON, a_json(&a_span(1, 0, 400, "PER", "Rami"), ""))
            .run(&exp("csv", "out.csv"))
            .code(1)
            .has(&["docs/a.json"])
            .writes(&["out.csv"])
            .file_lacks("out.csv", "Rami"),
    ];
    // Per output format: a damaged annotation file is named, the other document is
    // exported, and the damaged file is left as it was.
    for (f, out) in [
        ("txt", "out/"),
        ("jsonl", "out.jsonl"),
        ("brat", "out"),
        ("conll", "out.conll"),
        ("spacy-jsonl", "out.jsonl"),
        ("spacy", "out.spacy"),
        ("doccano", "out.jsonl"),
        ("label-studio", "out.json"),
        ("prodigy", "out.jsonl"),
        ("webanno-tsv", "out/"),
        ("csv", "out.csv"),
    ] {
        let written = out.trim_end_matches('/');
        // Label Studio writes its labeling config beside the tasks.
        let companion = if f == "label-studio" {
            "out.config.xml"
        } else {
            written
        };
        v.push(
            case(&format!(
                "export/{f}/damaged-annotation-file-named-rest-exported"
            ))
            .project()
            .file(A_JSON, "{\n  \"entitle_annotations\": 1,\n  ]\n")
            .run(&exp(f, out))
            .code(1)
            .has(&["docs/a.json", "exported 1 documents"])
            .writes(&[written, companion])
            .exists(written)
            .contains(A_JSON, "{\n  \"entitle_annotations\": 1,\n  ]\n"),
        );
    }
    v
}

// ------------------------------------------------------------------ validate

fn val<'a>(input: &'a str, format: &'a str) -> Vec<&'a str> {
    vec!["validate", input, "--format", format]
}

/// One validate case: `input` holds `bytes`; exit `code`; output has each of `has`.
fn vcase(
    name: &str,
    format: &str,
    input: &str,
    bytes: impl AsRef<[u8]>,
    code: i32,
    has: &[&str],
) -> Case {
    case(&format!("validate/{format}/{name}"))
        .file(input, bytes)
        .run(&val(input, format))
        .code(code)
        .has(has)
}

fn jsonl_span(start: &str, end: &str, label: &str) -> String {
    format!(
        "{{\"text\": \"Amal visited Oslo.\", \"spans\": [{{\"start\": {start}, \"end\": {end}, \"label\": {label}}}]}}\n"
    )
}

fn validate_jsonl() -> Vec<Case> {
    let j = |name: &str, bytes: &str, code: i32, has: &[&str]| {
        vcase(name, "jsonl", "in.jsonl", bytes, code, has)
    };
    let first = SEED.lines().next().unwrap_or_default();
    vec![
        j("truncated-second-line", &format!("{first}\n{{\"text\": \"Amal\", \"spans\": [\n"), 1, &["in.jsonl:2", "not valid JSON", "1 documents, 3 spans read"]),
        vcase("invalid-utf8-on-line-2", "jsonl", "in.jsonl", [first.as_bytes(), b"\n{\"text\": \"S\xe3o\"}\n"].concat(), 1, &["in.jsonl:2", "not valid UTF-8"]),
        vcase("utf16", "jsonl", "in.jsonl", utf16(SEED), 1, &["in.jsonl", "UTF-16"]),
        vcase("utf8-bom-is-dropped", "jsonl", "in.jsonl", bom(SEED), 0, &["2 documents, 5 spans read; 0 problems"]),
        j("nul-escape-in-text", "{\"text\": \"Amal\\u0000Haddad\"}\n", 1, &["in.jsonl:1", "NUL character"]),
        vcase("raw-nul-byte-in-text", "jsonl", "in.jsonl", b"{\"text\": \"Amal\0Haddad\"}\n", 1, &["in.jsonl:1", "control character|NUL"]),
        j("empty-file", "", 0, &["0 documents, 0 spans read; 0 problems"]),
        j("blank-lines-only", "\n\n  \n", 0, &["0 documents"]),
        j("text-is-a-number", "{\"text\": 5}\n", 1, &["in.jsonl:1", "\"text\" must be a string, found a number"]),
        j("no-text", "{\"spans\": []}\n", 1, &["in.jsonl:1", "no \"text\" field"]),
        j("line-is-a-list", "[\"Amal\"]\n", 1, &["in.jsonl:1", "each line must be a JSON object"]),
        j("line-is-null", "null\n", 1, &["in.jsonl:1", "each line must be a JSON object"]),
        j("spans-not-a-list", "{\"text\": \"Amal\", \"spans\": {\"start\": 0}}\n", 1, &["in.jsonl:1", "\"spans\" must be a list"]),
        j("span-not-an-object", "{\"text\": \"Amal\", \"spans\": [5]}\n", 1, &["in.jsonl:1", "\"spans\"[0] must be an object, found 5"]),
        j("start-is-a-string", &jsonl_span("\"0\"", "4", "\"PER\""), 1, &["in.jsonl:1", "\"start\" must be a non-negative integer, found \"0\""]),
        j("end-is-a-float", &jsonl_span("0", "4.5", "\"PER\""), 1, &["in.jsonl:1", "\"end\" must be a non-negative integer, found 4.5"]),
        j("start-is-negative", &jsonl_span("-1", "4", "\"PER\""), 1, &["in.jsonl:1", "\"start\" must be a non-negative integer, found -1"]),
        j("end-is-huge-float", &jsonl_span("0", "1e30", "\"PER\""), 1, &["in.jsonl:1", "\"end\" must be a non-negative integer"]),
        j("end-is-u64-max", &jsonl_span("0", "18446744073709551615", "\"PER\""), 1, &["in.jsonl:1", "ends after the end of the text (18 characters)"]),
        j("end-beyond-u64", &jsonl_span("0", "18446744073709551616", "\"PER\""), 1, &["in.jsonl:1", "\"end\" must be a non-negative integer"]),
        j("start-is-bool", &jsonl_span("true", "4", "\"PER\""), 1, &["in.jsonl:1", "\"start\" must be a non-negative integer, found true"]),
        j("end-past-the-text", &jsonl_span("13", "40", "\"GPE\""), 1, &["in.jsonl:1", "span 0 GPE: span 13..40 ends after the end of the text (18 characters)"]),
        j("reversed-span", &jsonl_span("4", "0", "\"PER\""), 1, &["in.jsonl:1", "span 4..0 is empty or reversed"]),
        j("empty-span", &jsonl_span("4", "4", "\"PER\""), 1, &["in.jsonl:1", "span 4..4 is empty or reversed"]),
        j("label-is-a-number", &jsonl_span("0", "4", "7"), 1, &["in.jsonl:1", "a span label must be a string, found 7"]),
        j("label-is-empty", &jsonl_span("0", "4", "\"\""), 1, &["in.jsonl:1", "span 0 has an empty label"]),
        j("label-is-blank", &jsonl_span("0", "4", "\"   \""), 1, &["in.jsonl:1", "span 0 has an empty label"]),
        j("label-with-space-renamed", &jsonl_span("0", "4", "\"Job Title\""), 0, &["\"Job Title\"", "renamed Job_Title", "1 documents, 1 spans read; 0 problems"]),
        j("label-with-newline-renamed", &jsonl_span("0", "4", "\"Job\\nTitle\""), 0, &["renamed Job_Title"]),
        j("meta-is-a-list", "{\"text\": \"Amal\", \"meta\": [1]}\n", 1, &["in.jsonl:1", "\"meta\" must be an object, found a list"]),
        j("span-text-differs", "{\"text\": \"Amal visited Oslo.\", \"spans\": [{\"start\": 13, \"end\": 17, \"label\": \"GPE\", \"text\": \"Oslp\"}]}\n", 1, &["in.jsonl:1", "the file says its text is \"Oslp\" but the document has \"Oslo\" there"]),
        j("relation-to-a-missing-span", "{\"text\": \"Amal visited Oslo.\", \"spans\": [{\"id\": 1, \"start\": 0, \"end\": 4, \"label\": \"PER\"}], \"relations\": [{\"from\": 1, \"to\": 9, \"label\": \"visited\"}]}\n", 0, &["relation", "1->9", "refers to a span that is not in the document"]),
        case("validate/jsonl/relation-from-is-an-object")
            .file("in.jsonl", "{\"text\": \"Amal visited Oslo.\", \"spans\": [{\"id\": 1, \"start\": 0, \"end\": 4, \"label\": \"PER\"}], \"relations\": [{\"from\": {\"x\": 1}, \"to\": 1, \"label\": \"r\"}]}\n")
            .run(&val("in.jsonl", "jsonl"))
            .codes(&[0, 1])
            .has(&["in.jsonl", ".from must be a string or a number"])
            .lacks(&["18446744073709551615"]),
        j("fragments-empty-with-a-relation", "{\"text\": \"Amal met Ben.\", \"spans\": [{\"id\": 1, \"start\": 0, \"end\": 4, \"label\": \"PER\", \"fragments\": []}, {\"id\": 2, \"start\": 9, \"end\": 12, \"label\": \"PER\"}], \"relations\": [{\"from\": 1, \"to\": 2, \"label\": \"knows\"}]}\n", 1, &["in.jsonl:1", "span 1 has no offsets|fragments"]),
        j("fragments-overlap", "{\"text\": \"Amal met Ben.\", \"spans\": [{\"start\": 0, \"end\": 12, \"label\": \"PER\", \"fragments\": [[0, 6], [4, 12]]}]}\n", 1, &["in.jsonl:1", "its fragments overlap each other"]),
        j("fragment-past-the-text", "{\"text\": \"Amal met Ben.\", \"spans\": [{\"start\": 0, \"end\": 12, \"label\": \"PER\", \"fragments\": [[0, 4], [9, 99]]}]}\n", 1, &["in.jsonl:1", "ends after the end of the text"]),
        case("validate/jsonl/duplicate-span-ids-with-a-relation")
            .file("in.jsonl", "{\"text\": \"Amal met Ben in Oslo.\", \"spans\": [{\"id\": 1, \"start\": 0, \"end\": 4, \"label\": \"PER\"}, {\"id\": 1, \"start\": 9, \"end\": 12, \"label\": \"PER\"}, {\"id\": 2, \"start\": 16, \"end\": 20, \"label\": \"GPE\"}], \"relations\": [{\"from\": 1, \"to\": 2, \"label\": \"in\"}]}\n")
            .run(&val("in.jsonl", "jsonl"))
            .codes(&[0, 1])
            .has(&["in.jsonl", "twice|duplicate|more than one|ambiguous"]),
        j("identical-spans-warned", "{\"text\": \"Amal met Ben.\", \"spans\": [{\"start\": 0, \"end\": 4, \"label\": \"PER\"}, {\"start\": 0, \"end\": 4, \"label\": \"PER\"}]}\n", 0, &["an identical span (same offsets and label) is already there", "1 spans read"]),
        // Wrong types in optional fields: reported (as an error or a warning naming the
        // field), never dropped or misread in silence.
        case("validate/jsonl/span-note-is-a-number")
            .file("in.jsonl", "{\"text\": \"Amal\", \"spans\": [{\"start\": 0, \"end\": 4, \"label\": \"PER\", \"note\": 5}]}\n")
            .run(&val("in.jsonl", "jsonl"))
            .codes(&[0, 1])
            .has(&["in.jsonl", "note"]),
        case("validate/jsonl/span-attributes-is-a-list")
            .file("in.jsonl", "{\"text\": \"Amal\", \"spans\": [{\"start\": 0, \"end\": 4, \"label\": \"PER\", \"attributes\": [\"Negated\"]}]}\n")
            .run(&val("in.jsonl", "jsonl"))
            .codes(&[0, 1])
            .has(&["in.jsonl", "attributes"]),
        case("validate/jsonl/span-text-is-a-number")
            .file("in.jsonl", "{\"text\": \"Amal\", \"spans\": [{\"start\": 0, \"end\": 4, \"label\": \"PER\", \"text\": 4}]}\n")
            .run(&val("in.jsonl", "jsonl"))
            .codes(&[0, 1])
            .has(&["in.jsonl", "text"])
            .lacks(&["1 documents, 1 spans read; 0 problems; 0 warnings"]),
        case("validate/jsonl/fragments-is-a-string")
            .file("in.jsonl", "{\"text\": \"Amal met Ben.\", \"spans\": [{\"start\": 0, \"end\": 12, \"label\": \"PER\", \"fragments\": \"0-4,9-12\"}]}\n")
            .run(&val("in.jsonl", "jsonl"))
            .code(1)
            .has(&["in.jsonl:1", "fragments"]),
        case("validate/jsonl/relations-is-a-number")
            .file("in.jsonl", "{\"text\": \"Amal\", \"spans\": [{\"id\": 1, \"start\": 0, \"end\": 4, \"label\": \"PER\"}], \"relations\": 5}\n")
            .run(&val("in.jsonl", "jsonl"))
            .code(1)
            .has(&["in.jsonl:1", "\"relations\" must be a list"]),
        j("huge-id-kept", "{\"id\": 123456789012345678901234567890, \"text\": \"Amal\"}\n", 0, &["1 documents"]),
    ]
}

fn validate_spacy_jsonl() -> Vec<Case> {
    let s = |name: &str, bytes: &str, code: i32, has: &[&str]| {
        vcase(name, "spacy-jsonl", "in.jsonl", bytes, code, has)
    };
    let e = |ents: &str| format!("{{\"text\": \"Amal visited Oslo.\", \"entities\": {ents}}}\n");
    vec![
        s(
            "entity-not-a-triple",
            &e("[[0, 4]]"),
            1,
            &[
                "in.jsonl:1",
                "\"entities\"[0] must be [start, end, label], found [0,4]",
            ],
        ),
        s(
            "negative-offset",
            &e("[[-1, 4, \"PER\"]]"),
            1,
            &[
                "in.jsonl:1",
                "a start offset must be a non-negative integer, found -1",
            ],
        ),
        s(
            "float-offset",
            &e("[[0, 4.0, \"PER\"]]"),
            1,
            &[
                "in.jsonl:1",
                "an end offset must be a non-negative integer, found 4.0",
            ],
        ),
        s(
            "label-not-a-string",
            &e("[[0, 4, 7]]"),
            1,
            &["in.jsonl:1", "a span label must be a string, found 7"],
        ),
        s(
            "reversed",
            &e("[[4, 0, \"PER\"]]"),
            1,
            &["in.jsonl:1", "span 4..0 is empty or reversed"],
        ),
        s(
            "past-the-end",
            &e("[[13, 99, \"GPE\"]]"),
            1,
            &[
                "in.jsonl:1",
                "span 13..99 ends after the end of the text (18 characters)",
            ],
        ),
        s(
            "entities-not-a-list",
            &e("{\"PER\": [0, 4]}"),
            1,
            &["in.jsonl:1", "\"entities\" must be a list"],
        ),
        s(
            "second-line-bad-first-kept",
            &format!("{}{}", e("[[0, 4, \"PER\"]]"), e("[[0, 4]]")),
            1,
            &["in.jsonl:2", "1 documents, 1 spans read; 1 problems"],
        ),
        s(
            "not-an-object",
            "\"Amal visited Oslo.\"\n",
            1,
            &["in.jsonl:1", "each line must be a JSON object"],
        ),
        s(
            "offset-in-the-middle-of-a-word-warned",
            &e("[[1, 4, \"PER\"]]"),
            0,
            &["span 0 PER 1..4 \"mal\"", "starts inside a word"],
        ),
    ]
}

fn validate_doccano() -> Vec<Case> {
    let d = |name: &str, bytes: &str, code: i32, has: &[&str]| {
        vcase(name, "doccano", "d.jsonl", bytes, code, has)
    };
    vec![
        d("surrogate-split", "{\"text\": \"😀 Amal\", \"label\": [[1, 7, \"PER\"]]}\n", 1, &["d.jsonl:1", "not a valid UTF-16 offset in this text (inside a surrogate pair or past the end, 7 UTF-16 units)"]),
        d("past-the-end", "{\"text\": \"Amal\", \"label\": [[0, 9, \"PER\"]]}\n", 1, &["d.jsonl:1", "span 0 PER 0..9: not a valid UTF-16 offset"]),
        d("entity-without-offsets", "{\"text\": \"Amal\", \"entities\": [{\"id\": 1, \"label\": \"PER\"}]}\n", 1, &["d.jsonl:1", "\"entities\"[0] has no \"start_offset\""]),
        d("start-offset-is-a-string", "{\"text\": \"Amal\", \"entities\": [{\"id\": 1, \"label\": \"PER\", \"start_offset\": \"0\", \"end_offset\": 4}]}\n", 1, &["d.jsonl:1", "\"start_offset\" must be a non-negative integer, found \"0\""]),
        d("label-not-a-list", "{\"text\": \"Amal\", \"label\": \"PER\"}\n", 1, &["d.jsonl:1", "\"label\" must be a list of [start, end, label]"]),
        d("relations-not-a-list", "{\"text\": \"Amal\", \"entities\": [], \"relations\": 5}\n", 1, &["d.jsonl:1", "\"relations\" must be a list"]),
        d("relation-to-a-missing-entity", "{\"text\": \"Amal visited Oslo.\", \"entities\": [{\"id\": 1, \"label\": \"PER\", \"start_offset\": 0, \"end_offset\": 4}], \"relations\": [{\"id\": 1, \"from_id\": 1, \"to_id\": 2, \"type\": \"visited\"}]}\n", 0, &["relation 1 visited 1->2", "refers to a span that is not in the document"]),
        case("validate/doccano/labels-shape-read-or-refused")
            .file("d.jsonl", "{\"id\": 1, \"text\": \"Amal visited Oslo.\", \"labels\": [[0, 4, \"PER\"], [13, 17, \"GPE\"]]}\n")
            .run(&val("d.jsonl", "doccano"))
            .codes(&[0, 1])
            .has(&["2 spans read|d.jsonl:1: "])
            .lacks(&["1 documents, 0 spans read; 0 problems"]),
        case("validate/doccano/1x-annotations-shape-read-or-refused")
            .file("d.jsonl", "{\"id\": 1, \"text\": \"Amal visited Oslo.\", \"annotations\": [{\"label\": 3, \"start_offset\": 0, \"end_offset\": 4, \"user\": 1}]}\n")
            .run(&val("d.jsonl", "doccano"))
            .codes(&[0, 1])
            .has(&["1 spans read|d.jsonl:1: "])
            .lacks(&["1 documents, 0 spans read; 0 problems"]),
        case("validate/doccano/relation-without-from-id")
            .file("d.jsonl", "{\"text\": \"Amal visited Oslo.\", \"entities\": [{\"id\": 1, \"label\": \"PER\", \"start_offset\": 0, \"end_offset\": 4}, {\"id\": 2, \"label\": \"GPE\", \"start_offset\": 13, \"end_offset\": 17}], \"relations\": [{\"id\": 1, \"to_id\": 2, \"type\": \"visited\"}]}\n")
            .run(&val("d.jsonl", "doccano"))
            .codes(&[0, 1])
            .has(&["d.jsonl", "from_id"])
            .lacks(&["18446744073709551615"]),
        d("label-triple-with-float", "{\"text\": \"Amal\", \"label\": [[0, 4.5, \"PER\"]]}\n", 1, &["d.jsonl:1", "found 4.5"]),
    ]
}

fn validate_prodigy() -> Vec<Case> {
    let p = |name: &str, bytes: &str, code: i32, has: &[&str]| {
        vcase(name, "prodigy", "p.jsonl", bytes, code, has)
    };
    vec![
        p(
            "reject-skipped-and-counted",
            &format!("{}\n{}\n", prodigy("accept"), prodigy("reject")),
            0,
            &[
                "1 documents, 1 spans read; 0 problems",
                "1 skipped",
                "reject",
            ],
        ),
        p(
            "ignore-skipped-and-counted",
            &format!("{}\n{}\n", prodigy("ignore"), prodigy("accept")),
            0,
            &[
                "1 documents, 1 spans read; 0 problems",
                "1 skipped",
                "ignore",
            ],
        ),
        case("validate/prodigy/keep-rejected")
            .file(
                "p.jsonl",
                format!("{}\n{}\n", prodigy("accept"), prodigy("reject")),
            )
            .run(&[
                "validate",
                "p.jsonl",
                "--format",
                "prodigy",
                "--keep-rejected",
            ])
            .code(0)
            .has(&["2 documents, 2 spans read; 0 problems"]),
        p(
            "span-without-end",
            "{\"text\": \"Amal\", \"spans\": [{\"start\": 0, \"label\": \"PER\"}]}\n",
            1,
            &["p.jsonl:1", "\"spans\"[0] has no \"end\""],
        ),
        p(
            "spans-not-a-list",
            "{\"text\": \"Amal\", \"spans\": 3}\n",
            1,
            &[
                "p.jsonl:1",
                "\"spans\" must be a list of {\"start\", \"end\", \"label\"} objects",
            ],
        ),
        p(
            "span-text-differs",
            "{\"text\": \"Amal Haddad\", \"spans\": [{\"start\": 5, \"end\": 11, \"label\": \"PER\", \"text\": \"Hadad\"}]}\n",
            1,
            &[
                "p.jsonl:1",
                "the file says its text is \"Hadad\" but the document has \"Haddad\" there",
            ],
        ),
        vcase(
            "invalid-utf8",
            "prodigy",
            "p.jsonl",
            b"{\"text\": \"S\xe3o Paulo\"}\n",
            1,
            &["p.jsonl:1", "not valid UTF-8"],
        ),
        p(
            "fragments-empty-with-a-relation",
            "{\"text\": \"Amal met Ben.\", \"spans\": [{\"start\": 0, \"end\": 4, \"label\": \"PER\", \"fragments\": []}, {\"start\": 9, \"end\": 12, \"label\": \"PER\"}], \"relations\": [{\"head\": 0, \"child\": 2, \"head_span\": {\"start\": 0, \"end\": 4, \"label\": \"PER\"}, \"child_span\": {\"start\": 9, \"end\": 12, \"label\": \"PER\"}, \"label\": \"knows\"}], \"answer\": \"accept\"}\n",
            1,
            &["p.jsonl:1", "has no offsets|fragments"],
        ),
        p(
            "relation-to-a-span-not-in-spans",
            "{\"text\": \"Amal met Ben.\", \"spans\": [{\"start\": 0, \"end\": 4, \"label\": \"PER\"}], \"relations\": [{\"head\": 0, \"child\": 2, \"head_span\": {\"start\": 0, \"end\": 4, \"label\": \"PER\"}, \"child_span\": {\"start\": 9, \"end\": 12, \"label\": \"PER\"}, \"label\": \"knows\"}], \"answer\": \"accept\"}\n",
            0,
            &[
                "relation",
                "knows",
                "refers to a span that is not in the document",
            ],
        ),
        p(
            "answer-reject-without-spans",
            "{\"text\": \"Amal\", \"answer\": \"reject\"}\n",
            0,
            &["0 documents", "1 skipped"],
        ),
    ]
}

fn ls_region(id: &str, start: &str, end: &str, text: &str, labels: &str) -> String {
    format!(
        "{{\"id\": \"{id}\", \"type\": \"labels\", \"from_name\": \"label\", \"to_name\": \"text\", \"value\": {{\"start\": {start}, \"end\": {end}, \"text\": {text}, \"labels\": {labels}}}}}"
    )
}

/// A Label Studio export of one task, "Amal visited Oslo.", with these regions.
fn ls_task(regions: &[String]) -> String {
    format!(
        "[\n {{\n  \"id\": 1,\n  \"data\": {{\"text\": \"Amal visited Oslo.\"}},\n  \"annotations\": [{{\"result\": [\n   {}\n  ]}}]\n }}\n]\n",
        regions.join(",\n   ")
    )
}

fn validate_label_studio() -> Vec<Case> {
    let l = |name: &str, bytes: &str, code: i32, has: &[&str]| {
        vcase(name, "label-studio", "ls.json", bytes, code, has)
    };
    let amal = ls_region("a", "0", "4", "\"Amal\"", "[\"PER\"]");
    vec![
        vcase("bom-before-the-json", "label-studio", "ls.json", bom(LS), 0, &["1 documents, 2 spans read; 0 problems"]),
        vcase("utf16", "label-studio", "ls.json", utf16(LS), 1, &["ls.json", "UTF-16"]),
        vcase("invalid-utf8", "label-studio", "ls.json", LS.replace("Amal visited", "S\u{e3}o visited").replace('\u{e3}', "~").into_bytes().into_iter().map(|b| if b == b'~' { 0xE3 } else { b }).collect::<Vec<u8>>(), 1, &["ls.json:4", "not valid UTF-8"]),
        l("empty-file", "", 1, &["ls.json", "not valid JSON|empty"]),
        l("truncated", &LS[..LS.len() / 2], 1, &["ls.json:", "not valid JSON"]),
        l("a-string-not-a-list", "\"Amal\"\n", 1, &["ls.json:1", "a Label Studio export is a JSON list of tasks"]),
        l("task-without-data", "[{\"id\": 1, \"annotations\": []}]\n", 1, &["ls.json:1", "task 0 has no \"data\" object with the text"]),
        l("data-text-is-a-number", "[{\"id\": 1, \"data\": {\"text\": 5}, \"annotations\": []}]\n", 1, &["ls.json:1", "text"]),
        l("region-without-labels-costs-only-that-region", &ls_task(&[amal.clone(), ls_region("b", "13", "17", "\"Oslo\"", "[]")]), 1, &["ls.json:", "region", "labels", "1 documents, 1 spans read"]),
        l("region-text-differs-costs-only-that-region", &ls_task(&[amal.clone(), ls_region("b", "13", "17", "\"Oslp\"", "[\"GPE\"]")]), 1, &["ls.json:", "the file says its text is \"Oslp\"", "1 documents, 1 spans read"]),
        l("region-start-is-a-string", &ls_task(&[ls_region("a", "\"0\"", "4", "\"Amal\"", "[\"PER\"]")]), 1, &["ls.json:", "start"]),
        l("region-past-the-end", &ls_task(&[ls_region("a", "13", "40", "\"Oslo.\"", "[\"GPE\"]")]), 1, &["ls.json:", "13..40|40"]),
        l("region-text-with-trimmed-white-space-is-kept", &ls_task(&[amal.clone(), ls_region("b", "12", "17", "\"Oslo\"", "[\"GPE\"]")]), 0, &["b", "1 documents, 2 spans read; 0 problems"]),
        l("region-text-with-escaped-newline-is-kept", &"[{\"id\": 1, \"data\": {\"text\": \"Amal\\nvisited Oslo.\"}, \"annotations\": [{\"result\": [REGION]}]}]\n".replace("REGION", &ls_region("a", "0", "12", "\"Amal\\\\nvisited\"", "[\"PER\"]")), 0, &["1 documents, 1 spans read; 0 problems"]),
        l("completions-are-annotations", &LS.replace("\"annotations\"", "\"completions\""), 0, &["1 documents, 2 spans read; 0 problems"]),
        l("relation-to-a-missing-region", &ls_task(&[amal.clone(), "{\"type\": \"relation\", \"from_id\": \"a\", \"to_id\": \"zz\", \"direction\": \"right\", \"labels\": [\"visited\"]}".into()]), 0, &["relation", "zz", "refers to a span that is not in the document"]),
        l("labels-not-a-list", &ls_task(&[ls_region("a", "0", "4", "\"Amal\"", "\"PER\"")]), 1, &["ls.json:", "labels"]),
        l("data-not-an-object", "[{\"id\": 1, \"data\": \"Amal\", \"annotations\": []}]\n", 1, &["ls.json:1", "task 0 has no \"data\" object with the text"]),
        l("annotations-not-a-list", "[{\"id\": 1, \"data\": {\"text\": \"Amal\"}, \"annotations\": {\"result\": []}}]\n", 1, &["ls.json:1", "annotations"]),
        l("result-not-a-list", "[{\"id\": 1, \"data\": {\"text\": \"Amal\"}, \"annotations\": [{\"result\": 5}]}]\n", 1, &["ls.json:1", "result"]),
    ]
}

fn validate_brat() -> Vec<Case> {
    let text = "Amal Haddad visited Oslo.";
    let b = |name: &str, ann: &str, code: i32, has: &[&str]| {
        case(&format!("validate/brat/{name}"))
            .file("b/a.txt", text)
            .file("b/a.ann", ann)
            .run(&val("b", "brat"))
            .code(code)
            .has(has)
    };
    vec![
        b(
            "no-tab-after-the-id",
            "T1 PER 0 4\tAmal\n",
            1,
            &["a.ann:1", "\"T1 PER 0 4\" is not a brat id"],
        ),
        b(
            "bad-offsets",
            "T1\tPER zero 4\tAmal\n",
            1,
            &["a.ann:1", "bad offsets \"zero 4\" in T1"],
        ),
        b(
            "negative-offset",
            "T1\tPER -1 4\tAmal\n",
            1,
            &["a.ann:1", "bad offsets \"-1 4\" in T1"],
        ),
        b(
            "past-the-end",
            "T1\tPER 0 400\tAmal\n",
            1,
            &[
                "a.ann:1",
                "span T1 PER: span 0..400 ends after the end of the text (25 characters)",
            ],
        ),
        b(
            "text-differs",
            "T1\tPER 0 4\tAmol\n",
            1,
            &[
                "a.ann:1",
                "the file says its text is \"Amol\" but the document has \"Amal\" there",
            ],
        ),
        b(
            "id-used-twice",
            "T1\tPER 0 4\tAmal\nT1\tGPE 20 24\tOslo\n",
            1,
            &["a.ann:2", "id T1 is used twice"],
        ),
        b(
            "fragments-overlap",
            "T1\tPER 0 6;4 11\tAmal H Haddad\n",
            1,
            &["a.ann:1", "its fragments overlap each other"],
        ),
        b(
            "relation-missing-argument",
            "T1\tPER 0 4\tAmal\nR1\tknows Arg1:T1\n",
            1,
            &["a.ann:2", "R line data must be 'TYPE Arg1:T1 Arg2:T2'"],
        ),
        b(
            "relation-to-a-missing-span",
            "T1\tPER 0 4\tAmal\nR1\tvisited Arg1:T1 Arg2:T9\n",
            0,
            &[
                "relation R1 visited T1->T9",
                "refers to a span that is not in the document",
            ],
        ),
        b(
            "attribute-on-a-missing-span",
            "T1\tPER 0 4\tAmal\nA1\tNegated T9\n",
            1,
            &[
                "a.ann:2",
                "refers to \"T9\", which is not a T line of this file",
            ],
        ),
        b(
            "not-a-brat-id",
            "X1\tPER 0 4\tAmal\n",
            1,
            &["a.ann:1", "\"X1\" is not a brat id"],
        ),
        case("validate/brat/ann-without-txt")
            .file("b/a.txt", text)
            .file("b/a.ann", "T1\tPER 0 4\tAmal\n")
            .file("b/orphan.ann", "T1\tPER 0 4\tAmal\n")
            .run(&val("b", "brat"))
            .code(1)
            .has(&[
                "orphan.ann",
                "has no .txt beside it; brat pairs NAME.ann with NAME.txt",
                "1 documents, 1 spans read",
            ]),
        case("validate/brat/ann-named-directly-without-txt")
            .file("x.ann", "T1\tPER 0 4\tAmal\n")
            .run(&val("x.ann", "brat"))
            .code(1)
            .has(&["x.txt|x.ann", "does not exist|has no .txt"]),
        case("validate/brat/ann-invalid-utf8")
            .file("b/a.txt", text)
            .file("b/a.ann", b"T1\tPER 0 4\tAm\xe1l\n")
            .run(&val("b", "brat"))
            .code(1)
            .has(&["a.ann", "not valid UTF-8"]),
        case("validate/brat/txt-invalid-utf8")
            .file("b/a.txt", b"S\xe3o Paulo")
            .file("b/a.ann", "")
            .run(&val("b", "brat"))
            .code(1)
            .has(&["a.txt:1", "not valid UTF-8"]),
        case("validate/brat/txt-utf16")
            .file("b/a.txt", utf16(text))
            .file("b/a.ann", "T1\tPER 0 4\tAmal\n")
            .run(&val("b", "brat"))
            .code(1)
            .has(&["a.txt", "UTF-16"]),
        case("validate/brat/txt-with-nul")
            .file("b/a.txt", b"Amal\0Haddad")
            .file("b/a.ann", "")
            .run(&val("b", "brat"))
            .code(1)
            .has(&["a.txt", "NUL"]),
        case("validate/brat/ann-is-a-fifo")
            .file("b/a.txt", text)
            .fifo("b/a.ann")
            .run(&val("b", "brat"))
            .code(1)
            .has(&["a.ann", "FIFO|not a regular file"]),
        case("validate/brat/txt-is-a-fifo")
            .fifo("b/a.txt")
            .file("b/a.ann", "T1\tPER 0 4\tAmal\n")
            .run(&val("b", "brat"))
            .code(1)
            .has(&["a.txt", "FIFO|not a regular file"]),
    ]
}

fn validate_conll() -> Vec<Case> {
    let c = |name: &str, bytes: &str, code: i32, has: &[&str]| {
        vcase(name, "conll", "in.conll", bytes, code, has)
    };
    vec![
        c(
            "no-tag-column",
            "Amal B-PER\nHaddad\n",
            1,
            &["in.conll:2", "token \"Haddad\" has no tag column"],
        ),
        c(
            "bad-prefix",
            "Amal X-PER\n",
            1,
            &[
                "in.conll:1",
                "tag \"X-PER\" of token \"Amal\" is not O or B-/I-/E-/S-/L-/U- followed by a type",
            ],
        ),
        c("empty-type", "Amal B-\n", 1, &["in.conll:1", "tag \"B-\""]),
        c(
            "lowercase-tag",
            "Amal b-per\n",
            1,
            &["in.conll:1", "tag \"b-per\""],
        ),
        vcase(
            "invalid-utf8-on-line-3",
            "conll",
            "in.conll",
            b"Amal B-PER\nvisited O\nS\xe3o B-GPE\n",
            1,
            &["in.conll:3", "not valid UTF-8"],
        ),
        vcase(
            "utf16",
            "conll",
            "in.conll",
            utf16(CONLL),
            1,
            &["in.conll", "UTF-16"],
        ),
        vcase(
            "nul-in-a-token",
            "conll",
            "in.conll",
            b"Amal\0x B-PER\nvisited O\n",
            1,
            &["in.conll", "NUL"],
        ),
        vcase(
            "bom-is-dropped",
            "conll",
            "in.conll",
            bom(CONLL),
            0,
            &["1 documents, 2 spans read; 0 problems"],
        ),
        c(
            "empty-file",
            "",
            0,
            &["0 documents, 0 spans read; 0 problems"],
        ),
        c(
            "only-docstart",
            "-DOCSTART- -X- O O\n\n",
            0,
            &["0 documents"],
        ),
        c(
            "bad-document-costs-only-itself",
            &format!("-DOCSTART- -X- O O\n\nAmal X-PER\n\n-DOCSTART- -X- O O\n\n{CONLL}"),
            1,
            &["in.conll:3", "1 documents, 2 spans read; 1 problems"],
        ),
        c(
            "end-tag-after-o",
            "visited O\nOslo E-GPE\n",
            0,
            &["in.conll:2|line 2", "E-GPE"],
        ),
        c(
            "end-tag-of-another-type",
            "Amal B-PER\nHaddad E-ORG\n",
            0,
            &["in.conll:2|line 2", "E-ORG"],
        ),
        c(
            "last-tag-after-o",
            "visited O\nOslo L-GPE\n",
            0,
            &["in.conll:2|line 2", "L-GPE"],
        ),
        c(
            "inside-after-unit",
            "Amal U-PER\nHaddad I-PER\n",
            0,
            &["in.conll:2|line 2", "I-PER"],
        ),
    ]
}

fn validate_webanno() -> Vec<Case> {
    let w = |name: &str, bytes: &str, code: i32, has: &[&str]| {
        vcase(name, "webanno-tsv", "w.tsv", bytes, code, has)
    };
    let t = |rows: &str| format!("{TSV_HEAD}{rows}");
    vec![
        w(
            "no-header",
            "#Text=Amal\n1-1\t0-4\tAmal\t_\t_\t\n",
            1,
            &["w.tsv:1", "the first line must be #FORMAT=WebAnno TSV 3.x"],
        ),
        w("empty-file", "", 1, &["w.tsv", "#FORMAT=WebAnno TSV 3"]),
        w(
            "bad-offsets",
            &t("#Text=Amal\n1-1\t0_4\tAmal\t_\t_\t\n"),
            1,
            &[
                "w.tsv:6",
                "offsets \"0_4\" must be BEGIN-END (UTF-16 units)",
            ],
        ),
        w(
            "too-few-columns",
            &t("#Text=Amal\n1-1\t0-4\tAmal\t_\t\n"),
            1,
            &["w.tsv:6", "1 annotation columns, but the header declares 2"],
        ),
        w(
            "past-its-text",
            &t("#Text=Amal\n1-1\t0-9\tAmal\t_\t_\t\n"),
            1,
            &[
                "w.tsv:6",
                "token \"Amal\" at 0-9 is past the end of its #Text (4 UTF-16 units)",
            ],
        ),
        w(
            "surrogate-split",
            &t("#Text=😀 Amal\n1-1\t1-2\tx\t*\tPER\t\n"),
            1,
            &["w.tsv:6", "falls inside a surrogate pair"],
        ),
        w(
            "short-row",
            &t("#Text=Amal\n1-1\t0-4\n"),
            1,
            &[
                "w.tsv:6",
                "a token row needs SENT-TOK, BEGIN-END and the token",
            ],
        ),
        w(
            "token-ends-before-it-begins",
            &t("#Text=Amal\n1-1\t4-0\tAmal\t_\t_\t\n"),
            1,
            &["w.tsv:6", "token \"Amal\" ends before it begins (4-0)"],
        ),
        w(
            "token-disagrees-with-its-text",
            &t(
                "#Text=Amal visited Oslo .\n1-1\t0-4\tAmol\t*\tPER\t\n1-2\t5-12\tvisited\t_\t_\t\n1-3\t13-17\tOslo\t*\tGPE\t\n1-4\t18-19\t.\t_\t_\t\n",
            ),
            1,
            &["w.tsv:6", "Amol", "Amal"],
        ),
        w(
            "layer-header-after-the-tokens",
            &format!("{TSV}#T_SP=webanno.custom.Extra|value\n"),
            1,
            &["w.tsv:10", "#T_SP"],
        ),
        vcase(
            "nul-in-the-text",
            "webanno-tsv",
            "w.tsv",
            t("#Text=Amal\0x\n1-1\t0-6\tAmal\0x\t*\tPER\t\n"),
            1,
            &["w.tsv", "NUL"],
        ),
        vcase(
            "invalid-utf8",
            "webanno-tsv",
            "w.tsv",
            [
                t("#Text=S").as_bytes(),
                b"\xe3o\n1-1\t0-3\tS\xe3o\t_\t_\t\n",
            ]
            .concat(),
            1,
            &["w.tsv:5", "not valid UTF-8"],
        ),
        vcase(
            "utf16",
            "webanno-tsv",
            "w.tsv",
            utf16(TSV),
            1,
            &["w.tsv", "UTF-16"],
        ),
        w(
            "zero-width-annotation-is-a-warning",
            &t(
                "#Text=Amal visited Oslo .\n1-1\t0-4\tAmal\t*\tPER\t\n1-2\t5-12\tvisited\t_\t_\t\n1-3\t13-17\tOslo\t*\tGPE\t\n1-4\t18-19\t.\t_\t_\t\n1-4.1\t19-19\t\t*\tGPE\t\n",
            ),
            0,
            &[
                "1 documents, 2 spans read; 0 problems",
                "19-19|zero-width|empty",
            ],
        ),
        w(
            "pos-layer-is-not-read-as-entities",
            "#FORMAT=WebAnno TSV 3.3\n#T_SP=de.tudarmstadt.ukp.dkpro.core.api.lexmorph.type.pos.POS|PosValue\n#T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|identifier|value\n\n\n#Text=Amal visited Oslo .\n1-1\t0-4\tAmal\tPROPN\t*\tPER\t\n1-2\t5-12\tvisited\tVERB\t_\t_\t\n1-3\t13-17\tOslo\tPROPN\t*\tGPE\t\n1-4\t18-19\t.\tPUNCT\t_\t_\t\n",
            0,
            &["1 documents, 2 spans read; 0 problems", "POS"],
        ),
        case("validate/webanno-tsv/two-files-one-bad")
            .file("t/a.tsv", TSV)
            .file("t/b.tsv", t("#Text=Amal\n1-1\t0_4\tAmal\t_\t_\t\n"))
            .run(&val("t", "webanno-tsv"))
            .code(1)
            .has(&["b.tsv:6", "1 documents, 2 spans read; 1 problems"]),
    ]
}

fn validate_spacy() -> Vec<Case> {
    let sp = |name: &str, bytes: Vec<u8>, code: i32, has: &[&str]| {
        vcase(name, "spacy", "in.spacy", bytes, code, has)
    };
    let mut cut = docbin_tokens(&[2], &["Amal", "visited"]);
    cut.truncate(cut.len() / 2);
    vec![
        case("validate/spacy/not-zlib")
            .copy("in.spacy", "malformed/spacy/not-zlib.spacy")
            .run(&val("in.spacy", "spacy"))
            .code(1)
            .has(&["in.spacy: is not a spaCy DocBin: not a zlib stream"]),
        case("validate/spacy/not-msgpack")
            .copy("in.spacy", "malformed/spacy/not-msgpack.spacy")
            .run(&val("in.spacy", "spacy"))
            .code(1)
            .has(&["in.spacy: is not a spaCy DocBin: no msgpack map inside"]),
        case("validate/spacy/no-attrs")
            .copy("in.spacy", "malformed/spacy/no-attrs.spacy")
            .run(&val("in.spacy", "spacy"))
            .code(1)
            .has(&["in.spacy: DocBin has no \"attrs\""]),
        case("validate/spacy/bad-matrix")
            .copy("in.spacy", "malformed/spacy/bad-matrix.spacy")
            .run(&val("in.spacy", "spacy"))
            .code(1)
            .has(&["in.spacy: DocBin token matrix of 5 bytes does not fit 1 attributes"]),
        case("validate/spacy/no-orth")
            .copy("in.spacy", "malformed/spacy/no-orth.spacy")
            .run(&val("in.spacy", "spacy"))
            .code(1)
            .has(&["in.spacy: DocBin has no ORTH attribute"]),
        sp(
            "empty-file",
            Vec::new(),
            1,
            &["in.spacy", "not a zlib stream|empty"],
        ),
        sp(
            "truncated",
            cut,
            1,
            &["in.spacy", "not a zlib stream|truncated|incomplete"],
        ),
        sp(
            "lengths-disagree-with-tokens",
            docbin_tokens(&[5], &["Amal", "visited"]),
            1,
            &[
                "in.spacy",
                "DocBin is inconsistent: 2 tokens, 2 space flags, lengths adding to 5",
            ],
        ),
        sp(
            "huge-length",
            docbin_tokens(&[i32::MAX], &["Amal", "visited"]),
            1,
            &["in.spacy", "DocBin is inconsistent", "2147483647"],
        ),
        sp(
            "negative-length",
            docbin_tokens(&[-1, 3], &["Amal", "visited"]),
            1,
            &["in.spacy", "negative length"],
        ),
        sp(
            "string-missing",
            docbin_tokens(&[2], &["Amal"]),
            1,
            &[
                "in.spacy",
                "token 1 has a string id missing from the DocBin's strings",
            ],
        ),
        sp(
            "well-formed-control",
            docbin_tokens(&[2], &["Amal", "visited"]),
            0,
            &["1 documents, 0 spans read; 0 problems"],
        ),
        case("validate/spacy/zlib-bomb-fails-fast")
            .file("bomb.spacy", zlib_bomb(3 << 10))
            .run(&val("bomb.spacy", "spacy"))
            .mem_limit(2 << 30)
            .code(1)
            .has(&[
                "bomb.spacy",
                "decompress|uncompress|expands|unpacks|inflates",
            ])
            .lacks(&["msgpack"]),
    ]
}

fn validate_txt() -> Vec<Case> {
    vec![
        vcase("latin1-line-3", "txt", "latin1.txt", b"one\ntwo\nS\xe3o Paulo", 1, &["latin1.txt:3", "is not valid UTF-8: bad byte 0xE3 at byte 9 (line 3, column 2)"]),
        vcase("utf16", "txt", "u16.txt", utf16("Amal visited Oslo."), 1, &["u16.txt", "is UTF-16 text"]),
        vcase("utf16-big-endian", "txt", "u16.txt", [&[0xFE, 0xFF][..], &[0, b'A', 0, b'm']].concat(), 1, &["u16.txt", "UTF-16"]),
        vcase("binary", "txt", "bin.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 1, &["bin.txt", "looks like a binary file, not text (a NUL byte at byte 8)"]),
        vcase("bom-is-dropped", "txt", "bom.txt", bom("Amal"), 0, &["1 documents, 0 spans read; 0 problems"]),
        vcase("empty-file-is-a-document", "txt", "empty.txt", "", 0, &["1 documents"]),
        case("validate/txt/fifo-in-a-folder")
            .file("t/a.txt", "Amal")
            .fifo("t/pipe.txt")
            .run(&val("t", "txt"))
            .code(1)
            .has(&["pipe.txt", "FIFO", "1 documents"]),
        case("validate/txt/link-in-a-folder")
            .file("outside/secret.txt", "secret")
            .file("t/a.txt", "Amal")
            .link("t/l.txt", "{ROOT}/outside/secret.txt")
            .run(&val("t", "txt"))
            .code(1)
            .has(&["l.txt", "symbolic link", "1 documents"]),
        case("validate/txt/folder-link-in-a-folder")
            .file("outside/secret.txt", "secret")
            .file("t/a.txt", "Amal")
            .link("t/sub", "{ROOT}/outside")
            .run(&val("t", "txt"))
            .code(1)
            .has(&["sub", "link to a folder", "1 documents"]),
        case("validate/txt/folder-more-than-12-deep")
            .file("t/a.txt", "Amal")
            .file("t/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17/18/19/20/21/22/23/24/25/26/27/28/29/30/31/32/33/deep.txt", "deep")
            .run(&val("t", "txt"))
            .codes(&[0, 1])
            .has(&["2 documents|levels deep"]),
        case("validate/txt/empty-folder")
            .dir("t")
            .run(&val("t", "txt"))
            .code(0)
            .has(&["0 documents"]),
    ]
}

fn validate_cases() -> Vec<Case> {
    let mut v = validate_jsonl();
    v.extend(validate_spacy_jsonl());
    v.extend(validate_doccano());
    v.extend(validate_prodigy());
    v.extend(validate_label_studio());
    v.extend(validate_brat());
    v.extend(validate_conll());
    v.extend(validate_webanno());
    v.extend(validate_spacy());
    v.extend(validate_txt());
    v.push(
        case("validate/missing-input")
            .run(&val("missing.conll", "conll"))
            .code(2)
            .has(&["missing.conll does not exist"]),
    );
    v.push(
        case("validate/csv-is-export-only")
            .file("t.csv", "document,start,end,label\n")
            .run(&val("t.csv", "csv"))
            .code(2)
            .has(&["csv is an export-only format"]),
    );
    v
}

// ------------------------------------------------------------------ stats

fn stats_cases() -> Vec<Case> {
    vec![
        case("stats/missing-project")
            .run(&["stats", "nope"])
            .code(2)
            .has(&["nope does not exist"]),
        case("stats/plain-folder-creates-nothing")
            .file("p/a.txt", "Amal visited Oslo.")
            .run(&["stats", "p"])
            .code(0)
            .has(&["1 documents, 0 spans"]),
        case("stats/project-creates-no-lock")
            .project()
            .run(&["stats", "proj"])
            .code(0)
            .has(&["2 documents, 5 spans"]),
        case("stats/damaged-annotation-file-is-not-counted-as-zero")
            .project()
            .file(A_JSON, "{\n  \"entitle_annotations\": 1,\n  ]\n")
            .run(&["stats", "proj"])
            .code(1)
            .has(&["docs/a.json:3", "its spans are not counted", "2 documents, 2 spans"])
            .contains(A_JSON, "{\n  \"entitle_annotations\": 1,\n  ]\n"),
        case("stats/damaged-annotation-file-json")
            .project()
            .file(A_JSON, "{\n  \"entitle_annotations\": 1,\n  ]\n")
            .run(&["stats", "proj", "--json"])
            .code(1)
            .has(&["\"problems\": [", "docs/a.json:3", "\"spans\": 2"]),
        case("stats/empty-annotation-file")
            .project()
            .file(A_JSON, "")
            .run(&["stats", "proj"])
            .code(1)
            .has(&["docs/a.json", "not counted"]),
        case("stats/annotation-file-invalid-utf8")
            .project()
            .file(A_JSON, b"{\"entitle_annotations\": 1, \"document\": \"caf\xe9\"}")
            .run(&["stats", "proj"])
            .code(1)
            .has(&["docs/a.json", "UTF-8", "not counted"]),
        case("stats/annotation-file-from-a-newer-entitle")
            .project()
            .file(A_JSON, a_json("", "").replace("\"entitle_annotations\": 1", "\"entitle_annotations\": 7"))
            .run(&["stats", "proj"])
            .code(1)
            .has(&["docs/a.json", "newer Entitle", "not counted"]),
        case("stats/annotation-file-is-a-fifo")
            .project()
            .fifo(A_JSON)
            .run(&["stats", "proj"])
            .code(1)
            .has(&["docs/a.json", "not a regular file", "not counted"]),
        case("stats/annotation-file-is-a-folder")
            .project()
            .remove("proj/annotations/ann/docs/b.json")
            .file("proj/annotations/ann/docs/b.json/x", "")
            .file("proj/annotations/ann/docs/b.json.bak", "")
            .run(&["stats", "proj"])
            .code(1)
            .has(&["docs/b.json", "folder"]),
        case("stats/fifo-inside-the-project")
            .project()
            .fifo("proj/docs/pipe.txt")
            .run(&["stats", "proj"])
            .code(1)
            .has(&["pipe.txt", "FIFO"]),
        case("stats/annotator-folder-is-a-link")
            .project()
            .file("outside/docs/a.json", a_json(&a_span(1, 0, 4, "PER", "Rami"), ""))
            .link("proj/annotations/ann", "{ROOT}/outside")
            .run(&["stats", "proj"])
            .code(1)
            .has(&["annotations/ann", "link"]),
        case("stats/annotation-offsets-in-utf16")
            .project()
            .file(A_JSON, a_json(&a_span(1, 0, 4, "PER", "Rami"), "").replace("\"code-point\"", "\"utf-16\""))
            .run(&["stats", "proj"])
            .code(1)
            .has(&["docs/a.json:5", "offset_unit is \"utf-16\"", "not counted"]),
        case("stats/interrupted-import")
            .project()
            .file(
                "proj/.entitle-import.jsonl",
                "{\"event\":\"start\",\"started\":\"2026-01-01 10:00 UTC\",\"format\":\"jsonl\",\"inputs\":[\"/data/big.jsonl\"],\"annotator\":\"ann\"}\n{\"event\":\"begin\",\"batch\":1,\"records\":2,\"docs\":[\"docs/a\",\"docs/b\"]}\n",
            )
            .run(&["stats", "proj"])
            .code(1)
            .has(&["was interrupted", "docs/a, docs/b may be missing"]),
        case("stats/toml-syntax-error")
            .project()
            .file("proj/entitle.toml", "format_version = 1\n[[labels]\n")
            .run(&["stats", "proj"])
            .code(1)
            .has(&["entitle.toml:2"]),
        case("stats/toml-invalid-utf8")
            .project()
            .file("proj/entitle.toml", b"format_version = 1\nname = \"caf\xe9\"\n")
            .run(&["stats", "proj"])
            .code(1)
            .has(&["entitle.toml:2", "not valid UTF-8"]),
        case("stats/folder-more-than-12-deep")
            .file("p/a.txt", "Oslo")
            .file("p/d1/d2/d3/d4/d5/d6/d7/d8/d9/d10/d11/d12/d13/deep.txt", "Amal")
            .run(&["stats", "p"])
            .code(1)
            .has(&["levels deep"]),
        case("stats/docs-folder-is-a-link")
            .file("outside/x.txt", "Amal visited Oslo.")
            .file("proj/entitle.toml", "format_version = 1\n")
            .link("proj/docs", "{ROOT}/outside")
            .run(&["stats", "proj"])
            .code(1)
            .has(&["docs", "link"]),
    ]
}

// ------------------------------------------------------------------ fix-labels

fn fix_labels_cases() -> Vec<Case> {
    vec![
        case("fix-labels/missing-project")
            .run(&["fix-labels", "nope"])
            .code(2)
            .has(&["nope does not exist"]),
        case("fix-labels/toml-label-with-space")
            .project()
            .file("proj/entitle.toml", JOB_TITLE_TOML)
            .run(&["fix-labels", "proj"])
            .code(0)
            .has(&["renamed label \"Job Title\" to Job_Title", "1 labels renamed in 1 files; 0 problems"])
            .writes(&["proj"])
            .contains("proj/entitle.toml", "name = \"Job_Title\"")
            .run(&["check", "proj"])
            .code(0),
        case("fix-labels/annotation-label-with-space")
            .project()
            .file(A_JSON, a_json(&a_span(1, 0, 4, "Job Title", "Rami"), ""))
            .run(&["fix-labels", "proj"])
            .code(0)
            .has(&["renamed label \"Job Title\" to Job_Title", "docs/a.json"])
            .writes(&["proj"])
            .contains(A_JSON, "\"label\":\"Job_Title\"")
            .run(&["check", "proj"])
            .code(0),
        case("fix-labels/relation-label-with-space")
            .project()
            .file(
                A_JSON,
                a_json(
                    &format!("{},\n{}", a_span(1, 0, 4, "PER", "Rami"), a_span(2, 9, 12, "PER", "Ben")),
                    "\n  \"relations\": [{\"id\":1,\"label\":\"met with\",\"from\":1,\"to\":2,\"annotator\":\"ann\",\"created\":\"2026-01-01T00:00:00Z\"}],",
                ),
            )
            .run(&["fix-labels", "proj"])
            .code(0)
            .has(&["renamed label \"met with\" to met_with"])
            .writes(&["proj"])
            .run(&["check", "proj"])
            .code(0),
        case("fix-labels/toml-invalid-utf8-is-not-rewritten")
            .project()
            .file("proj/entitle.toml", b"format_version = 1\nname = \"caf\xe9\"\n")
            .run(&["fix-labels", "proj"])
            .codes(&[1, 2])
            .has(&["entitle.toml", "UTF-8"])
            .writes(&["proj/.entitle.lock"]),
        case("fix-labels/toml-syntax-error-is-not-rewritten")
            .project()
            .file("proj/entitle.toml", "format_version = 1\n[[labels]\nname = \"Job Title\"\n")
            .run(&["fix-labels", "proj"])
            .codes(&[1, 2])
            .has(&["entitle.toml:2"])
            .writes(&["proj/.entitle.lock"]),
        case("fix-labels/damaged-annotation-file-left-alone")
            .project()
            .file(A_JSON, "{\n  \"entitle_annotations\": 1,\n  ]\n")
            .file("proj/annotations/ann/docs/b.json", ann_file("docs/b", "Amal Haddad visited Oslo.", &a_span(1, 0, 11, "Full Name", "Amal Haddad"), ""))
            .run(&["fix-labels", "proj"])
            .code(1)
            .has(&["docs/a.json", "renamed label \"Full Name\" to Full_Name"])
            .writes(&["proj"])
            .contains(A_JSON, "{\n  \"entitle_annotations\": 1,\n  ]\n")
            .contains("proj/annotations/ann/docs/b.json", "\"label\":\"Full_Name\""),
        case("fix-labels/fifo-in-annotations")
            .project()
            .fifo("proj/annotations/ann/docs/pipe.json")
            .run(&["fix-labels", "proj"])
            .code(1)
            .has(&["pipe.json", "FIFO|not a regular file"])
            .writes(&["proj/.entitle.lock"]),
        case("fix-labels/annotations-folder-links-outside")
            .file("outside/docs/a.json", a_json(&a_span(1, 0, 4, "Job Title", "Rami"), ""))
            .file("proj/docs/a.txt", A_TEXT)
            .link("proj/annotations/ann", "{ROOT}/outside")
            .run(&["fix-labels", "proj"])
            .codes(&[1, 2])
            .has(&["link"])
            .writes(&["proj/.entitle.lock", "proj/entitle.toml"]),
        case("fix-labels/clean-project-changes-nothing")
            .project()
            .run(&["fix-labels", "proj"])
            .code(0)
            .has(&["0 labels renamed in 0 files; 0 problems"])
            .writes(&["proj/.entitle.lock"]),
    ]
}

// ------------------------------------------------------------------ the tests

/// Cases that fail today, by name, with what is wrong. Their expectations are issue 6's;
/// when one is fixed, delete its line here and the per-verb test runs it.

#[test]
fn check_verb() {
    run_verb(check_cases());
}

#[test]
fn convert_verb() {
    run_verb(convert_cases());
}

#[test]
fn import_verb() {
    run_verb(import_cases());
}

#[test]
fn export_verb() {
    run_verb(export_cases());
}

#[test]
fn validate_verb() {
    run_verb(validate_cases());
}

#[test]
fn stats_verb() {
    run_verb(stats_cases());
}

#[test]
fn fix_labels_verb() {
    run_verb(fix_labels_cases());
}

/// The catalogue's shape: at least 150 cases, unique names, every verb, every readable
/// format and csv.
#[test]
fn catalogue_covers_every_verb_and_format() {
    let cases = all_cases();
    assert!(cases.len() >= 150, "{} cases", cases.len());
    let mut names: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    names.sort();
    let n = names.len();
    names.dedup();
    assert_eq!(names.len(), n, "case names must be unique");
    let mut per_verb: BTreeMap<String, usize> = BTreeMap::new();
    let mut per_format: BTreeMap<String, usize> = BTreeMap::new();
    for c in &cases {
        assert!(!c.steps.is_empty(), "{} runs nothing", c.name);
        *per_verb.entry(c.verb().to_string()).or_default() += 1;
        for f in c.formats() {
            *per_format.entry(f).or_default() += 1;
        }
    }
    for verb in [
        "check",
        "convert",
        "import",
        "export",
        "validate",
        "stats",
        "fix-labels",
    ] {
        assert!(
            per_verb.contains_key(verb),
            "no case for {verb}: {per_verb:?}"
        );
    }
    for f in [
        "txt",
        "jsonl",
        "spacy-jsonl",
        "spacy",
        "doccano",
        "label-studio",
        "prodigy",
        "brat",
        "conll",
        "webanno-tsv",
        "csv",
    ] {
        assert!(
            per_format.get(f).copied().unwrap_or(0) >= 3,
            "format {f}: {per_format:?}"
        );
    }
    eprintln!(
        "{} cases; per verb {per_verb:?}; per format {per_format:?}",
        cases.len()
    );
}
