//! The kill test's helper (issue 6; driven by `tools/kill-test.sh`, which documents the
//! whole test). Four modes:
//!
//! - `kill_editor edit PROJECT SEED [--annotator NAME] [--for-ms N]`: a headless editor
//!   that opens PROJECT as the app does (`Project::open` + `Session::new`), opens every
//!   document, and edits like a very fast analyst until it is killed (or for N ms, then
//!   flushes and stops): a deterministic random mix (from SEED) of adding spans (the
//!   app's `Batch[AddSpan, SetStatus]`), relabelling, removing, marking done, undo and
//!   redo, across the documents, calling `Session::autosave_tick` once per ~16 ms frame
//!   after one to three edits, as the app does each frame. On stdout, flushed line by
//!   line: `START <wall_us> <seed> <annotator>` when the clock starts, then for every
//!   document whose annotations changed (and once per document when opened)
//!   `E <mono_us> <seq> <doc> <op> <state>`, where `mono_us` is monotonic time since
//!   START and `state` the document's full state after the edit:
//!   `status|id:start-end:LABEL,...` (spans by id). A line is complete on stdout
//!   before the edit can reach the autosave writer.
//! - `kill_editor verify-edits PROJECT LOG KILL_WALL_US [--annotator NAME]
//!   [--limit-ms 1000] [--prev STATES] [--save STATES]`: after a kill, checks that every
//!   document's annotation file holds a state the editor printed (never a torn or mixed
//!   one, spans' `text` matching the document) and that every edit missing from disk was
//!   made less than `--limit-ms` before the kill. `--prev` (the states saved by the
//!   previous trial) checks the editor opened exactly what was on disk; `--save` writes
//!   the states on disk for the next trial. Prints one `ok ...` summary line.
//! - `kill_editor verify-files PROJECT`: every `.json` file parses as JSON,
//!   `entitle.toml` as TOML, every complete line of an import journal as JSON; lists
//!   leftover temporary files (`.entitle-*.tmp`) and damaged files set aside
//!   (`*.corrupt-*`, which is a failure: Entitle found a damaged file).
//! - `kill_editor verify-import PROJECT CORPUS.jsonl --annotator NAME --base-docs N
//!   [--partial]`: the project holds the corpus's documents (by text) each exactly once,
//!   each with exactly its spans (no duplicates) in NAME's layer, besides the N documents
//!   it had before. With `--partial` (after a kill) only the documents present are
//!   checked: whichever are in must be whole, with all their spans.
//!
//! Exit codes: 0 ok, 1 a check failed (each failure on stderr), 2 usage or setup error.

use entitle::edit::{Command, EditError};
use entitle::model::{DocId, DocStatus, Label, Span};
use entitle::project::Project;
use entitle::session::{Session, Severity};
use entitle::text::CharSpan;
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const USAGE: &str = "usage: kill_editor edit PROJECT SEED [--annotator NAME] [--for-ms N]
       kill_editor verify-edits PROJECT LOG KILL_WALL_US [--annotator NAME] [--limit-ms N] [--prev FILE] [--save FILE]
       kill_editor verify-files PROJECT
       kill_editor verify-import PROJECT CORPUS --annotator NAME --base-docs N [--partial]";

/// A check failed: the failures, one per line.
struct Failed(Vec<String>);

/// A usage or setup error (exit 2).
enum Error {
    Usage(String),
    Failed(Failed),
}

impl From<String> for Error {
    fn from(s: String) -> Self {
        Error::Usage(s)
    }
}

impl From<&str> for Error {
    fn from(s: &str) -> Self {
        Error::Usage(s.to_string())
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((mode, rest)) = args.split_first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let (pos, opts) = match parse_args(rest) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("kill_editor: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let result = match mode.as_str() {
        "edit" => edit(&pos, &opts),
        "verify-edits" => verify_edits(&pos, &opts),
        "verify-files" => verify_files(&pos),
        "verify-import" => verify_import(&pos, &opts),
        other => Err(Error::Usage(format!("unknown mode {other}"))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Error::Failed(Failed(lines))) => {
            for l in lines.iter().take(20) {
                eprintln!("FAIL: {l}");
            }
            if lines.len() > 20 {
                eprintln!("FAIL: … and {} more", lines.len() - 20);
            }
            ExitCode::from(1)
        }
        Err(Error::Usage(e)) => {
            eprintln!("kill_editor: {e}");
            ExitCode::from(2)
        }
    }
}

type Opts = HashMap<String, String>;

/// Positional arguments and `--name value` options (`--partial` takes no value).
fn parse_args(args: &[String]) -> Result<(Vec<String>, Opts), String> {
    let mut pos = Vec::new();
    let mut opts = HashMap::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if let Some(name) = a.strip_prefix("--") {
            if name == "partial" {
                opts.insert(name.to_string(), String::new());
            } else {
                let v = it.next().ok_or(format!("{a} needs a value"))?;
                opts.insert(name.to_string(), v.clone());
            }
        } else {
            pos.push(a.clone());
        }
    }
    Ok((pos, opts))
}

fn arg<'a>(pos: &'a [String], i: usize, what: &str) -> Result<&'a str, String> {
    pos.get(i)
        .map(String::as_str)
        .ok_or_else(|| format!("missing {what}"))
}

fn num(s: &str, what: &str) -> Result<u64, String> {
    s.parse()
        .map_err(|_| format!("{what} must be a number, not {s:?}"))
}

/// splitmix64: deterministic, no dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn status_name(s: DocStatus) -> &'static str {
    match s {
        DocStatus::New => "new",
        DocStatus::InProgress => "in-progress",
        DocStatus::Done => "done",
        DocStatus::NeedsReview => "needs-review",
    }
}

/// A document's full state as the editor and the verifier print it.
fn state_string(status: &str, spans: &mut [(u64, usize, usize, String)]) -> String {
    spans.sort();
    let spans: Vec<String> = spans
        .iter()
        .map(|(id, s, e, l)| format!("{id}:{s}-{e}:{l}"))
        .collect();
    format!("{status}|{}", spans.join(","))
}

fn wall_us() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros())
}

// ---------------------------------------------------------------------------------
// edit

/// One open document the editor works on.
struct EditDoc {
    id: DocId,
    len: usize,
    /// Span count when opened: adds and removes keep the count near it.
    target: usize,
}

struct Editor {
    session: Session,
    docs: Vec<EditDoc>,
    labels: Vec<Label>,
    annotator: String,
    rng: Rng,
    current: usize,
    revisions: HashMap<DocId, u64>,
    start: Instant,
    seq: u64,
    out: std::io::StdoutLock<'static>,
}

fn edit(pos: &[String], opts: &Opts) -> Result<(), Error> {
    let root = PathBuf::from(arg(pos, 0, "PROJECT")?);
    let seed = num(arg(pos, 1, "SEED")?, "SEED")?;
    let annotator = opts.get("annotator").map_or("analyst", String::as_str);
    let for_ms = opts.get("for-ms").map(|s| num(s, "--for-ms")).transpose()?;
    let (project, _) =
        Project::open(&root).map_err(|e| format!("cannot open {}: {e}", root.display()))?;
    if let Some(r) = &project.read_only_reason {
        return Err(format!("{} opened read-only: {r}", root.display()).into());
    }
    let labels: Vec<Label> = project
        .schema()
        .labels
        .iter()
        .map(|l| l.name.clone())
        .collect();
    let ids: Vec<DocId> = project.docs().iter().map(|d| d.id.clone()).collect();
    if labels.is_empty() || ids.is_empty() {
        return Err("the project needs labels and documents".to_string().into());
    }
    let mut session =
        Session::new(project, annotator).map_err(|e| format!("cannot start a session: {e}"))?;
    let mut docs = Vec::new();
    for id in ids {
        let od = session.ensure_open(&id).clone();
        let (Some(doc), None) = (od.doc, od.problem.as_ref()) else {
            return Err(format!("{id} did not open cleanly: {:?}", od.problem).into());
        };
        let target = session
            .workspace
            .doc(&id)
            .map_or(0, |d| d.set.len())
            .max(12);
        docs.push(EditDoc {
            id,
            len: doc.len_chars(),
            target,
        });
    }
    // Anything the session had to say on opening (a damaged file set aside, an
    // interrupted import, a repair) means the previous run left something wrong.
    let notices: Vec<String> = session
        .take_notices()
        .into_iter()
        .filter(|n| n.severity != Severity::Info)
        .map(|n| n.text)
        .collect();
    if !notices.is_empty() {
        return Err(format!("notices on opening: {}", notices.join(" | ")).into());
    }
    let mut ed = Editor {
        session,
        docs,
        labels,
        annotator: annotator.to_string(),
        rng: Rng(seed),
        current: 0,
        revisions: HashMap::new(),
        start: Instant::now(),
        seq: 0,
        out: std::io::stdout().lock(),
    };
    ed.line(&format!("START\t{}\t{seed}\t{annotator}", wall_us()))?;
    for i in 0..ed.docs.len() {
        let id = ed.docs[i].id.clone();
        ed.print_state(&id, "open")?;
    }
    loop {
        let edits = 1 + ed.rng.below(3);
        for _ in 0..edits {
            let op = ed.one_edit();
            ed.print_changed(op)?;
        }
        ed.session.autosave_tick();
        if let Some(ms) = for_ms
            && ed.start.elapsed() >= Duration::from_millis(ms)
        {
            let ok = ed.session.flush(Duration::from_secs(30));
            ed.line(&format!("END\t{}\t{ok}", ed.start.elapsed().as_micros()))?;
            return if ok {
                Ok(())
            } else {
                Err("flush did not finish".to_string().into())
            };
        }
        std::thread::sleep(Duration::from_millis(16));
    }
}

impl Editor {
    fn line(&mut self, s: &str) -> Result<(), String> {
        let mut bytes = Vec::with_capacity(s.len() + 1);
        bytes.extend_from_slice(s.as_bytes());
        bytes.push(b'\n');
        self.out
            .write_all(&bytes)
            .and_then(|()| self.out.flush())
            .map_err(|e| format!("stdout: {e}"))
    }

    fn state(&self, id: &DocId) -> String {
        let Some(d) = self.session.workspace.doc(id) else {
            return "missing|".into();
        };
        let mut spans: Vec<(u64, usize, usize, String)> = d
            .set
            .spans()
            .iter()
            .map(|s| {
                (
                    s.id.0,
                    s.range.start(),
                    s.range.end(),
                    s.label.as_str().to_string(),
                )
            })
            .collect();
        state_string(status_name(d.set.status), &mut spans)
    }

    fn print_state(&mut self, id: &DocId, op: &str) -> Result<(), String> {
        let rev = self.session.workspace.doc(id).map_or(0, |d| d.revision);
        self.revisions.insert(id.clone(), rev);
        self.seq += 1;
        let line = format!(
            "E\t{}\t{}\t{id}\t{op}\t{}",
            self.start.elapsed().as_micros(),
            self.seq,
            self.state(id)
        );
        self.line(&line)
    }

    /// Print the state of every document whose revision moved.
    fn print_changed(&mut self, op: &str) -> Result<(), String> {
        let changed: Vec<DocId> = self
            .docs
            .iter()
            .filter(|d| {
                self.session.workspace.doc(&d.id).map(|x| x.revision)
                    != self.revisions.get(&d.id).copied()
            })
            .map(|d| d.id.clone())
            .collect();
        for id in changed {
            self.print_state(&id, op)?;
        }
        Ok(())
    }

    /// One edit (which may be refused, as the app's can be); returns its name.
    fn one_edit(&mut self) -> &'static str {
        if self.rng.below(10) == 0 {
            self.current = self.rng.below(self.docs.len());
        }
        let (id, len, target) = {
            let d = &self.docs[self.current];
            (d.id.clone(), d.len, d.target)
        };
        let count = self.session.workspace.doc(&id).map_or(0, |d| d.set.len());
        let mut roll = self.rng.below(100);
        if count > target + 30 && roll < 40 {
            roll = 60; // too many spans: remove instead of add
        } else if count == 0 && (55..75).contains(&roll) {
            roll = 0; // nothing to remove or relabel: add
        }
        let result = match roll {
            0..40 => self.add(&id, len).map(|_| "add"),
            40..55 => self.relabel(&id).map(|_| "relabel"),
            55..75 => self.remove(&id).map(|_| "remove"),
            75..80 => self.toggle_done(&id).map(|_| "done"),
            80..92 => self.session.workspace.undo().map(|_| "undo"),
            _ => self.session.workspace.redo().map(|_| "redo"),
        };
        result.unwrap_or("refused")
    }

    fn add(&mut self, id: &DocId, len: usize) -> Result<(), EditError> {
        let start = self.rng.below(len.saturating_sub(1));
        let end = (start + 1 + self.rng.below(25)).min(len);
        let label = self.labels[self.rng.below(self.labels.len())].clone();
        let Some(state) = self.session.workspace.doc(id) else {
            return Err(EditError::UnknownDoc(id.clone()));
        };
        let Ok(range) = CharSpan::new(start, end, len) else {
            return Err(EditError::NothingTo("add"));
        };
        let span = Span {
            id: state.set.next_id(),
            range,
            label: label.clone(),
            annotator: self.annotator.as_str().into(),
            created: chrono::Utc::now(),
            modified: None,
            extra: None,
        };
        let mut cmds = vec![Command::AddSpan {
            doc: id.clone(),
            span,
        }];
        if state.set.status == DocStatus::New {
            cmds.push(Command::SetStatus {
                doc: id.clone(),
                status: DocStatus::InProgress,
            });
        }
        self.session
            .workspace
            .apply(Command::Batch(cmds), format!("Add {label}"))
            .map(|_| ())
    }

    fn pick_span(&mut self, id: &DocId) -> Option<(entitle::model::SpanId, Label)> {
        let set = &self.session.workspace.doc(id)?.set;
        if set.is_empty() {
            return None;
        }
        let s = &set.spans()[self.rng.below(set.len())];
        Some((s.id, s.label.clone()))
    }

    fn relabel(&mut self, id: &DocId) -> Result<(), EditError> {
        let (span, old) = self.pick_span(id).ok_or(EditError::NothingTo("relabel"))?;
        let label = self.labels[self.rng.below(self.labels.len())].clone();
        if label == old {
            return Err(EditError::NothingTo("relabel"));
        }
        self.session
            .workspace
            .apply(
                Command::Relabel {
                    doc: id.clone(),
                    id: span,
                    label: label.clone(),
                    modified: Some(chrono::Utc::now()),
                },
                format!("Relabel {old} to {label}"),
            )
            .map(|_| ())
    }

    fn remove(&mut self, id: &DocId) -> Result<(), EditError> {
        let (span, label) = self.pick_span(id).ok_or(EditError::NothingTo("remove"))?;
        self.session
            .workspace
            .apply(
                Command::RemoveSpan {
                    doc: id.clone(),
                    id: span,
                },
                format!("Delete {label}"),
            )
            .map(|_| ())
    }

    fn toggle_done(&mut self, id: &DocId) -> Result<(), EditError> {
        let set = &self
            .session
            .workspace
            .doc(id)
            .ok_or_else(|| EditError::UnknownDoc(id.clone()))?
            .set;
        let status = match (set.status, set.is_empty()) {
            (DocStatus::Done, true) => DocStatus::New,
            (DocStatus::Done, false) => DocStatus::InProgress,
            _ => DocStatus::Done,
        };
        self.session
            .workspace
            .apply(
                Command::SetStatus {
                    doc: id.clone(),
                    status,
                },
                "Mark done",
            )
            .map(|_| ())
    }
}

// ---------------------------------------------------------------------------------
// verify-edits

/// One document's printed states, in order: (microseconds since START, state).
type Timeline = Vec<(u128, String)>;

struct Log {
    wall0: u128,
    annotator: String,
    docs: BTreeMap<String, Timeline>,
    last_event: u128,
}

fn read_log(path: &Path) -> Result<Log, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut log = Log {
        wall0: 0,
        annotator: String::new(),
        docs: BTreeMap::new(),
        last_event: 0,
    };
    // A last line without its newline was being written at the kill: its edit had not
    // been handed to the writer yet, so it is left out.
    let complete = match text.rfind('\n') {
        Some(i) => &text[..=i],
        None => "",
    };
    for line in complete.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        match f.first().copied() {
            Some("START") if f.len() >= 4 => {
                log.wall0 = f[1]
                    .parse()
                    .map_err(|_| format!("bad START line {line:?}"))?;
                log.annotator = f[3].to_string();
            }
            Some("E") if f.len() == 6 => {
                let t: u128 = f[1].parse().map_err(|_| format!("bad line {line:?}"))?;
                log.last_event = log.last_event.max(t);
                log.docs
                    .entry(f[3].to_string())
                    .or_default()
                    .push((t, f[5].to_string()));
            }
            Some("END") => {}
            _ => return Err(format!("{}: unexpected line {line:?}", path.display())),
        }
    }
    if log.wall0 == 0 {
        return Err(format!("{}: no START line", path.display()));
    }
    Ok(log)
}

/// The state of a document as its annotation file holds it (no file: a new, empty
/// document), after checking the file is whole and agrees with the text.
fn disk_state(root: &Path, annotator: &str, doc: &str) -> Result<String, String> {
    let path = root
        .join("annotations")
        .join(annotator)
        .join(format!("{doc}.json"));
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok("new|".into()),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    let v: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| format!("{}: not JSON: {e}", path.display()))?;
    let text = std::fs::read_to_string(root.join(format!("{doc}.txt")))
        .map_err(|e| format!("{doc}.txt: {e}"))?;
    let chars: Vec<char> = text
        .strip_prefix('\u{feff}')
        .unwrap_or(&text)
        .chars()
        .collect();
    let field = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("");
    if field("document") != doc || field("annotator") != annotator {
        return Err(format!(
            "{}: names document {:?} and annotator {:?}",
            path.display(),
            field("document"),
            field("annotator")
        ));
    }
    let status = v.get("status").and_then(|s| s.as_str()).unwrap_or("new");
    let mut spans = Vec::new();
    for s in v
        .get("spans")
        .and_then(|s| s.as_array())
        .ok_or(format!("{}: no spans array", path.display()))?
    {
        let n = |k: &str| s.get(k).and_then(|x| x.as_u64());
        let (Some(id), Some(start), Some(end), Some(label), Some(stored)) = (
            n("id"),
            n("start"),
            n("end"),
            s.get("label").and_then(|x| x.as_str()),
            s.get("text").and_then(|x| x.as_str()),
        ) else {
            return Err(format!("{}: incomplete span {s}", path.display()));
        };
        let (start, end) = (start as usize, end as usize);
        let covered: String = chars.get(start..end).unwrap_or_default().iter().collect();
        if start >= end || end > chars.len() || covered != stored {
            return Err(format!(
                "{}: span {id} {start}..{end} stores {stored:?} but the text there is {covered:?}",
                path.display()
            ));
        }
        spans.push((id, start, end, label.to_string()));
    }
    Ok(state_string(status, &mut spans))
}

fn read_states(path: &Path) -> Result<BTreeMap<String, String>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(text
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(d, s)| (d.to_string(), s.to_string()))
        .collect())
}

fn short(state: &str) -> String {
    if state.len() > 300 {
        let cut = state.floor_char_boundary(300);
        format!("{}… ({} bytes)", &state[..cut], state.len())
    } else {
        state.to_string()
    }
}

fn verify_edits(pos: &[String], opts: &Opts) -> Result<(), Error> {
    let root = PathBuf::from(arg(pos, 0, "PROJECT")?);
    let log = read_log(Path::new(arg(pos, 1, "LOG")?))?;
    let kill_wall = num(arg(pos, 2, "KILL_WALL_US")?, "KILL_WALL_US")? as u128;
    let limit_us = num(
        opts.get("limit-ms").map_or("1000", String::as_str),
        "--limit-ms",
    )? as u128
        * 1000;
    let annotator = opts
        .get("annotator")
        .cloned()
        .unwrap_or(log.annotator.clone());
    if kill_wall < log.wall0 {
        return Err(format!("kill time {kill_wall} is before START {}", log.wall0).into());
    }
    let kill = kill_wall - log.wall0;
    let prev = opts
        .get("prev")
        .map(|p| read_states(Path::new(p)))
        .transpose()?;
    let mut failures = Vec::new();
    let mut saved = String::new();
    let (mut lost_docs, mut lost_edits, mut max_lag, mut events) = (0, 0, 0u128, 0);
    for (doc, timeline) in &log.docs {
        events += timeline.len() - 1;
        if let Some(prev) = &prev {
            let before = prev.get(doc).map_or("new|", String::as_str);
            if timeline[0].1 != before {
                failures.push(format!(
                    "{doc}: opened as {} but the previous trial left {} on disk",
                    short(&timeline[0].1),
                    short(before)
                ));
            }
        }
        let disk = match disk_state(&root, &annotator, doc) {
            Ok(s) => s,
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        saved.push_str(&format!("{doc}\t{disk}\n"));
        let Some(at) = timeline.iter().rposition(|(_, s)| *s == disk) else {
            failures.push(format!(
                "{doc}: the file holds a state the editor never had: {} (last printed: {})",
                short(&disk),
                short(&timeline[timeline.len() - 1].1)
            ));
            continue;
        };
        if at + 1 < timeline.len() {
            let first_lost = timeline[at + 1].0;
            let lag = kill.saturating_sub(first_lost);
            lost_docs += 1;
            lost_edits += timeline.len() - at - 1;
            max_lag = max_lag.max(lag);
            if lag > limit_us {
                failures.push(format!(
                    "{doc}: {} edits missing on disk, the first made {} ms before the kill (limit {} ms); on disk: the state printed at {} ms, last printed at {} ms, kill at {} ms",
                    timeline.len() - at - 1,
                    lag / 1000,
                    limit_us / 1000,
                    timeline[at].0 / 1000,
                    timeline[timeline.len() - 1].0 / 1000,
                    kill / 1000
                ));
            }
        }
    }
    if let Some(p) = opts.get("save") {
        std::fs::write(p, saved).map_err(|e| format!("{p}: {e}"))?;
    }
    println!(
        "ok docs={} edits={events} lost_docs={lost_docs} lost_edits={lost_edits} max_lag_ms={} ran_ms={} kill_after_last_edit_ms={}",
        log.docs.len(),
        max_lag / 1000,
        kill / 1000,
        kill.saturating_sub(log.last_event) / 1000
    );
    if failures.is_empty() {
        Ok(())
    } else {
        Err(Error::Failed(Failed(failures)))
    }
}

// ---------------------------------------------------------------------------------
// verify-files

/// Every file under `dir` (recursively), links not followed.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let t = e.file_type()?;
        if t.is_dir() {
            walk(&e.path(), out)?;
        } else {
            out.push(e.path());
        }
    }
    Ok(())
}

fn verify_files(pos: &[String]) -> Result<(), Error> {
    let root = PathBuf::from(arg(pos, 0, "PROJECT")?);
    let mut files = Vec::new();
    walk(&root, &mut files).map_err(|e| format!("{}: {e}", root.display()))?;
    let mut failures = Vec::new();
    let (mut json, mut temps, mut torn) = (0, Vec::new(), 0);
    for f in &files {
        let name = f
            .file_name()
            .map_or(String::new(), |n| n.to_string_lossy().into_owned());
        let rel = f.strip_prefix(&root).unwrap_or(f).display().to_string();
        if name.starts_with(".entitle-") && name.ends_with(".tmp") {
            temps.push(rel);
            continue;
        }
        if name.contains(".corrupt-") {
            failures.push(format!("{rel}: a damaged file was set aside"));
            continue;
        }
        let read = || std::fs::read(f).map_err(|e| format!("{rel}: {e}"));
        if name.ends_with(".json") {
            json += 1;
            let bytes = read()?;
            if let Err(e) = serde_json::from_slice::<serde_json::Value>(&bytes) {
                failures.push(format!("{rel}: not JSON ({} bytes): {e}", bytes.len()));
            }
        } else if name == "entitle.toml" {
            let bytes = read()?;
            let parsed = std::str::from_utf8(&bytes)
                .map_err(|e| e.to_string())
                .and_then(|s| toml::from_str::<toml::Value>(s).map_err(|e| e.to_string()));
            if let Err(e) = parsed {
                failures.push(format!("{rel}: not TOML: {e}"));
            }
        } else if name == ".entitle-import.jsonl" {
            let bytes = read()?;
            let text = String::from_utf8_lossy(&bytes);
            let complete = text.rfind('\n').map_or("", |i| &text[..i]);
            if complete.len() + 1 < text.len() {
                torn += 1;
            }
            for (n, line) in complete.lines().enumerate() {
                if serde_json::from_str::<serde_json::Value>(line).is_err() {
                    failures.push(format!("{rel}:{}: not JSON: {line:?}", n + 1));
                }
            }
        }
    }
    temps.sort();
    println!(
        "ok files={} json={json} temp_files={} torn_journal_lines={torn}{}{}",
        files.len(),
        temps.len(),
        if temps.is_empty() { "" } else { " temps: " },
        temps.join(" ")
    );
    if failures.is_empty() {
        Ok(())
    } else {
        Err(Error::Failed(Failed(failures)))
    }
}

// ---------------------------------------------------------------------------------
// verify-import

/// Spans as `(start, end, label)`, sorted, duplicates kept (so they show).
fn spans_of(v: &serde_json::Value) -> Vec<(u64, u64, String)> {
    let mut out: Vec<(u64, u64, String)> = v
        .get("spans")
        .and_then(|s| s.as_array())
        .map(|a| {
            a.iter()
                .map(|s| {
                    (
                        s.get("start").and_then(|x| x.as_u64()).unwrap_or(u64::MAX),
                        s.get("end").and_then(|x| x.as_u64()).unwrap_or(u64::MAX),
                        s.get("label")
                            .and_then(|x| x.as_str())
                            .unwrap_or("?")
                            .to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// A project document's relative path without `.txt` (its id), and its text.
fn project_texts(root: &Path) -> Result<BTreeMap<String, PathBuf>, String> {
    let mut files = Vec::new();
    walk(root, &mut files).map_err(|e| format!("{}: {e}", root.display()))?;
    let mut out = BTreeMap::new();
    for f in files {
        let rel = f.strip_prefix(root).unwrap_or(&f);
        let hidden = rel
            .components()
            .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
        if hidden || rel.starts_with("annotations") || f.extension().is_none_or(|e| e != "txt") {
            continue;
        }
        let id = rel.with_extension("").to_string_lossy().replace('\\', "/");
        out.insert(id, f);
    }
    Ok(out)
}

fn verify_import(pos: &[String], opts: &Opts) -> Result<(), Error> {
    let root = PathBuf::from(arg(pos, 0, "PROJECT")?);
    let corpus_path = arg(pos, 1, "CORPUS")?;
    let annotator = opts.get("annotator").ok_or("--annotator is required")?;
    let base_docs = num(
        opts.get("base-docs").ok_or("--base-docs is required")?,
        "--base-docs",
    )? as usize;
    let partial = opts.contains_key("partial");
    let corpus = std::fs::read_to_string(corpus_path).map_err(|e| format!("{corpus_path}: {e}"))?;
    let mut texts = project_texts(&root)?;
    let layer = root.join("annotations").join(annotator);
    let mut failures = Vec::new();
    let (mut records, mut present, mut spans) = (0, 0, 0);
    for (n, line) in corpus.lines().enumerate() {
        records += 1;
        let v: serde_json::Value =
            serde_json::from_str(line).map_err(|e| format!("{corpus_path}:{}: {e}", n + 1))?;
        let name = v.get("id").and_then(|t| t.as_str()).unwrap_or("");
        let want_text = v.get("text").and_then(|t| t.as_str()).unwrap_or("");
        let want_spans = spans_of(&v);
        // The import names each document after the record's id.
        let id = format!("docs/{name}");
        let Some(path) = texts.remove(&id) else {
            if !partial {
                failures.push(format!("{name}: not in the project (no {id}.txt)"));
            }
            continue;
        };
        present += 1;
        match std::fs::read_to_string(&path) {
            Ok(t) if t == want_text => {}
            Ok(t) => failures.push(format!(
                "{name}: {} holds {} bytes, not the record's text ({} bytes)",
                path.display(),
                t.len(),
                want_text.len()
            )),
            Err(e) => failures.push(format!("{}: {e}", path.display())),
        }
        let file = layer.join(format!("{id}.json"));
        let got = match std::fs::read(&file) {
            Ok(b) => match serde_json::from_slice::<serde_json::Value>(&b) {
                Ok(v) => spans_of(&v),
                Err(e) => {
                    failures.push(format!("{}: not JSON: {e}", file.display()));
                    continue;
                }
            },
            Err(e) => {
                failures.push(format!(
                    "{name} is in the project without its spans: {}: {e}",
                    file.display()
                ));
                continue;
            }
        };
        spans += got.len();
        if got != want_spans {
            let dupes = got.windows(2).filter(|w| w[0] == w[1]).count();
            failures.push(format!(
                "{name}: {} spans on disk ({dupes} duplicated), the record has {}",
                got.len(),
                want_spans.len()
            ));
        }
        let meta = root.join(format!("{id}.meta.json"));
        let meta_id = std::fs::read(&meta)
            .ok()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            .and_then(|v| v.get("id").and_then(|x| x.as_str()).map(str::to_string));
        if meta_id.as_deref() != Some(name) && !partial {
            failures.push(format!("{name}: {} gives id {meta_id:?}", meta.display()));
        }
    }
    // What is left is the project's own documents, or documents the import should not
    // have made (a second copy, `doc00012-2`).
    if texts.len() != base_docs {
        failures.push(format!(
            "{} documents that are not the corpus's, expected the project's {base_docs}: {:?}",
            texts.len(),
            texts.keys().take(12).collect::<Vec<_>>()
        ));
    }
    // Annotation files of the layer with no text beside them.
    let all_texts = project_texts(&root)?;
    let mut orphans = Vec::new();
    let mut layer_files = Vec::new();
    let _ = walk(&layer, &mut layer_files);
    for f in layer_files {
        let rel = f.strip_prefix(&layer).unwrap_or(&f);
        let hidden = rel.to_string_lossy().contains("/.");
        if f.extension().is_some_and(|e| e == "json") && !hidden {
            let id = rel.with_extension("").to_string_lossy().replace('\\', "/");
            if !all_texts.contains_key(&id) {
                orphans.push(id);
            }
        }
    }
    if !orphans.is_empty() {
        let msg = format!(
            "{} annotation files without their text: {:?}",
            orphans.len(),
            orphans.iter().take(5).collect::<Vec<_>>()
        );
        if partial {
            println!("note: {msg}");
        } else {
            failures.push(msg);
        }
    }
    println!(
        "ok records={records} present={present} spans={spans} other_docs={} orphans={}",
        texts.len(),
        orphans.len()
    );
    if failures.is_empty() {
        Ok(())
    } else {
        Err(Error::Failed(Failed(failures)))
    }
}
