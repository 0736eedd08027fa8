//! Gazetteers: term lists in the project's `gazetteers/` folder, matched on word
//! boundaries with Aho-Corasick.
//!
//! Files: `*.csv`, `*.tsv` (columns term, label, optional id; a first row `term,label`
//! or `term,label,id` is a header) and `*.jsonl` (`{"term": …, "label": …, "id": …}`).
//! Matching is case-folded, except in a file whose name has `.exact.` before its
//! extension (`people.exact.csv`), which matches exact case. Files are read in name
//! order; a term listed again (in any file of the same case mode) keeps its first
//! label. A line that cannot be used is reported with its line number and skipped.

use super::matcher::{Dictionary, fold};
use super::{Engine, Suggestion};
use crate::model::Label;
use crate::text::CharSpan;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The folder of a project that holds gazetteers.
pub const GAZETTEER_DIR: &str = "gazetteers";

/// Largest gazetteer file read (larger ones are refused with a message).
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// A line of a gazetteer file that could not be used, or a file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{}: {message}", file.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct Problem {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

/// One entry: a term, its label and an optional knowledge-base id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub term: String,
    pub label: Label,
    pub id: Option<String>,
}

/// What was read from one file, for the suggestions panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileInfo {
    pub file: PathBuf,
    pub entries: usize,
    pub exact_case: bool,
}

/// Parse one gazetteer file's bytes. `file` names it in problems and decides the
/// format by its extension (`csv`, `tsv`, `jsonl`). Never panics; at most
/// [`MAX_PROBLEMS`] problems are listed (then one more says how many were left out).
pub fn parse(bytes: &[u8], file: &Path) -> (Vec<Entry>, Vec<Problem>) {
    let mut entries = Vec::new();
    let mut problems = Problems::new(file);
    let ext = file
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            problems.push(
                Some(line),
                "is not UTF-8 text; save the file as UTF-8".into(),
            );
            return (entries, problems.done());
        }
    };
    match ext.as_deref() {
        Some("jsonl") => parse_jsonl(text, &mut entries, &mut problems),
        Some("csv") => parse_table(text, b',', &mut entries, &mut problems),
        Some("tsv") => parse_table(text, b'\t', &mut entries, &mut problems),
        _ => problems.push(None, "is not a .csv, .tsv or .jsonl file".into()),
    }
    (entries, problems.done())
}

/// Problems listed per file before the rest are only counted.
pub const MAX_PROBLEMS: usize = 20;

struct Problems<'a> {
    file: &'a Path,
    list: Vec<Problem>,
    more: usize,
}

impl<'a> Problems<'a> {
    fn new(file: &'a Path) -> Self {
        Self {
            file,
            list: Vec::new(),
            more: 0,
        }
    }
    fn push(&mut self, line: Option<usize>, message: String) {
        if self.list.len() < MAX_PROBLEMS {
            self.list.push(Problem {
                file: self.file.to_path_buf(),
                line,
                message,
            });
        } else {
            self.more += 1;
        }
    }
    fn done(mut self) -> Vec<Problem> {
        if self.more > 0 {
            self.list.push(Problem {
                file: self.file.to_path_buf(),
                line: None,
                message: format!("{} more lines could not be used", self.more),
            });
        }
        self.list
    }
}

/// Check a term and label from line `line` and add the entry.
fn add(
    term: &str,
    label: &str,
    id: Option<&str>,
    line: usize,
    entries: &mut Vec<Entry>,
    problems: &mut Problems<'_>,
) {
    let term = term.trim();
    if term.is_empty() {
        problems.push(Some(line), "the term is empty".into());
        return;
    }
    let label = match Label::new(label.trim()) {
        Ok(l) => l,
        Err(_) => match Label::sanitize(label.trim()) {
            Some((l, _)) => l,
            None => {
                problems.push(Some(line), format!("label {label:?} cannot be used"));
                return;
            }
        },
    };
    entries.push(Entry {
        term: term.to_string(),
        label,
        id: id
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string),
    });
}

fn parse_table(text: &str, delimiter: u8, entries: &mut Vec<Entry>, problems: &mut Problems<'_>) {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        // Quotes in a TSV are text ("the "Kurdish" party"); in a CSV they quote.
        .quoting(delimiter == b',')
        .from_reader(text.as_bytes());
    let mut first = true;
    // The csv reader's record position is where the previous record ended, before the
    // blank lines it skips: the line is counted from the first byte after those
    // (incrementally, so a million-line file stays linear).
    let (mut counted_to, mut newlines) = (0usize, 0usize);
    let mut line_at = |byte: u64| {
        let bytes = text.as_bytes();
        let mut at = usize::try_from(byte).unwrap_or(usize::MAX).min(bytes.len());
        while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
            at += 1;
        }
        if at >= counted_to {
            newlines += memchr::memchr_iter(b'\n', &bytes[counted_to..at]).count();
            counted_to = at;
        }
        newlines + 1
    };
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(1, |p| line_at(p.byte()));
                problems.push(Some(line), format!("cannot be read: {e}"));
                continue;
            }
        };
        let line = record.position().map_or(1, |p| line_at(p.byte()));
        let header = first
            && record
                .get(0)
                .is_some_and(|f| f.trim().eq_ignore_ascii_case("term"))
            && record
                .get(1)
                .is_some_and(|f| f.trim().eq_ignore_ascii_case("label"));
        first = false;
        if header || record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        match (record.get(0), record.get(1)) {
            (Some(term), Some(label)) => add(term, label, record.get(2), line, entries, problems),
            _ => problems.push(
                Some(line),
                "needs a term and a label (and optionally an id), separated by the file's delimiter".into(),
            ),
        }
    }
}

fn parse_jsonl(text: &str, entries: &mut Vec<Entry>, problems: &mut Problems<'_>) {
    #[derive(serde::Deserialize)]
    struct Line {
        term: String,
        label: String,
        #[serde(default)]
        id: Option<serde_json::Value>,
    }
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Line>(line) {
            Ok(l) => {
                // An id may be a number in a Wikidata extract; keep its text.
                let id = l.id.as_ref().and_then(|v| match v {
                    serde_json::Value::String(s) => Some(s.clone()),
                    serde_json::Value::Number(n) => Some(n.to_string()),
                    _ => None,
                });
                add(&l.term, &l.label, id.as_deref(), line_no, entries, problems);
            }
            Err(e) => problems.push(
                Some(line_no),
                format!("{e} (expected {{\"term\": …, \"label\": …, \"id\": …}})"),
            ),
        }
    }
}

/// Whether a gazetteer file matches exact case (its name has `.exact.`).
pub fn is_exact_case(file: &Path) -> bool {
    file.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.to_ascii_lowercase().contains(".exact."))
}

/// Per term: label, id, the term as listed (to score an exact-case hit higher).
type Known = (Label, Option<String>, String);

struct Compiled {
    dict: Dictionary,
    entries: Vec<Known>,
}

/// Every gazetteer of a project, compiled.
pub struct Gazetteers {
    folded: Compiled,
    exact: Compiled,
    pub files: Vec<FileInfo>,
}

impl Default for Gazetteers {
    fn default() -> Self {
        let empty = || Compiled {
            dict: Dictionary::empty(),
            entries: Vec::new(),
        };
        Self {
            folded: empty(),
            exact: empty(),
            files: Vec::new(),
        }
    }
}

impl Gazetteers {
    /// Read every gazetteer in `dir` (no folder: none). Problems are returned, never
    /// fatal: what could be read is used.
    pub fn load_dir(dir: &Path) -> (Self, Vec<Problem>) {
        let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
            Ok(rd) => rd
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                        matches!(e.to_ascii_lowercase().as_str(), "csv" | "tsv" | "jsonl")
                    })
                })
                .collect(),
            Err(_) => return (Self::default(), Vec::new()),
        };
        files.sort_by(|a, b| crate::fsio::natural_cmp(&a.to_string_lossy(), &b.to_string_lossy()));
        let mut problems = Vec::new();
        let mut lists = Vec::new();
        for f in files {
            let bytes = match crate::fsio::read_regular(&f, MAX_FILE_BYTES) {
                Ok(b) => b,
                Err(e) => {
                    problems.push(Problem {
                        file: f.clone(),
                        line: None,
                        message: format!("cannot be read: {e}"),
                    });
                    continue;
                }
            };
            let (entries, p) = parse(&bytes, &f);
            problems.extend(p);
            lists.push((f, entries));
        }
        (Self::from_lists(lists), problems)
    }

    /// Compile lists of entries, each with the file it came from (its name decides the
    /// case mode).
    pub fn from_lists(lists: Vec<(PathBuf, Vec<Entry>)>) -> Self {
        let mut folded: (Vec<String>, Vec<Known>) = Default::default();
        let mut exact: (Vec<String>, Vec<Known>) = Default::default();
        let mut seen_folded: HashMap<String, ()> = HashMap::new();
        let mut seen_exact: HashMap<String, ()> = HashMap::new();
        let mut infos = Vec::new();
        for (file, entries) in lists {
            let exact_case = is_exact_case(&file);
            infos.push(FileInfo {
                file,
                entries: entries.len(),
                exact_case,
            });
            for e in entries {
                let (key, target, seen) = if exact_case {
                    (e.term.clone(), &mut exact, &mut seen_exact)
                } else {
                    (fold(&e.term), &mut folded, &mut seen_folded)
                };
                if seen.insert(key.clone(), ()).is_some() {
                    continue;
                }
                target.0.push(key);
                target.1.push((e.label, e.id, e.term));
            }
        }
        let compile = |(terms, entries): (Vec<String>, Vec<_>), fold: bool| Compiled {
            dict: Dictionary::new(&terms, fold).unwrap_or_else(|_| Dictionary::empty()),
            entries,
        };
        Self {
            folded: compile(folded, true),
            exact: compile(exact, false),
            files: infos,
        }
    }

    /// Distinct terms known.
    pub fn len(&self) -> usize {
        self.folded.entries.len() + self.exact.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Memory the compiled gazetteers take (automata and entries), in bytes.
    pub fn memory_usage(&self) -> usize {
        let entries = |c: &Compiled| {
            c.entries
                .iter()
                .map(|(l, id, t)| {
                    std::mem::size_of::<(Label, Option<String>, String)>()
                        + l.len()
                        + id.as_ref().map_or(0, |s| s.len())
                        + t.len()
                })
                .sum::<usize>()
        };
        self.folded.dict.memory_usage()
            + self.exact.dict.memory_usage()
            + entries(&self.folded)
            + entries(&self.exact)
    }

    /// Every gazetteer term in `text`: score 1.0 where the text has the term's exact
    /// case, 0.9 where only the folded form matches.
    pub fn suggest(&self, text: &str) -> Vec<Suggestion> {
        if self.is_empty() {
            return Vec::new();
        }
        let len = text.chars().count();
        let mut out = Vec::new();
        for (c, folded) in [(&self.folded, true), (&self.exact, false)] {
            for hit in c.dict.find(text, None) {
                let Some((label, id, term)) = c.entries.get(hit.term) else {
                    continue;
                };
                let Ok(span) = CharSpan::new(hit.start, hit.end, len) else {
                    continue;
                };
                let same_case = !folded || text.get(hit.bytes.clone()) == Some(term.as_str());
                out.push(Suggestion {
                    span,
                    label: label.clone(),
                    engine: Engine::Gazetteer,
                    score: if same_case { 1.0 } else { 0.9 },
                    id: id.clone(),
                });
            }
        }
        out.sort_by_key(|s| (s.span.start(), s.span.end()));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str, name: &str) -> (Vec<Entry>, Vec<Problem>) {
        parse(text.as_bytes(), Path::new(name))
    }

    #[test]
    fn csv_tsv_and_jsonl_with_headers_ids_and_bad_lines() {
        let (e, p) = parse_str(
            "term,label,id\nHayat Tahrir al-Sham,ORG,wikidata:Q28837942\n\"Idlib, city\",GPE\nlonely\n,PER\nSharif,Job Title\n",
            "g.csv",
        );
        assert_eq!(e.len(), 3, "{e:?}");
        assert_eq!(e[0].id.as_deref(), Some("wikidata:Q28837942"));
        assert_eq!(e[1].term, "Idlib, city");
        assert_eq!(e[2].label, "Job_Title");
        let lines: Vec<Option<usize>> = p.iter().map(|p| p.line).collect();
        assert_eq!(lines, [Some(4), Some(5)], "{p:?}");
        assert!(
            p[0].to_string()
                .starts_with("g.csv:4: needs a term and a label")
        );
        let (e, p) = parse_str("Idlib\tGPE\n“HTS”\tORG\tQ1\n", "g.tsv");
        assert_eq!((e.len(), p.len()), (2, 0));
        assert_eq!(e[1].term, "“HTS”");
        let (e, p) = parse_str(
            "{\"term\": \"Aleppo\", \"label\": \"GPE\", \"id\": 2}\n\nnot json\n{\"term\": \"x\"}\n",
            "g.jsonl",
        );
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].id.as_deref(), Some("2"));
        assert_eq!(
            p.iter().map(|p| p.line).collect::<Vec<_>>(),
            [Some(3), Some(4)]
        );
        let (_, p) = parse(b"a,b\n\xff\xfe", Path::new("bad.csv"));
        assert!(p[0].message.contains("UTF-8"), "{p:?}");
    }

    #[test]
    fn folded_and_exact_files_match_whole_words_with_ids() {
        let entry = |t: &str, l: &str| Entry {
            term: t.into(),
            label: Label::new(l).unwrap(),
            id: Some(format!("id:{t}")),
        };
        let g = Gazetteers::from_lists(vec![
            (
                PathBuf::from("places.csv"),
                vec![entry("Idlib", "GPE"), entry("Al-Sukhna", "GPE")],
            ),
            (
                PathBuf::from("acronyms.exact.csv"),
                vec![entry("US", "GPE")],
            ),
            (PathBuf::from("more.csv"), vec![entry("idlib", "LOC")]),
        ]);
        assert_eq!(g.len(), 3, "a repeated term keeps its first label");
        let text = "In IDLIB and Al-Sukhna 🎉, us and US; Idlibi.\r\n";
        let got: Vec<(String, String, f32)> = g
            .suggest(text)
            .iter()
            .map(|s| {
                (
                    text.chars()
                        .skip(s.span.start())
                        .take(s.span.len())
                        .collect(),
                    s.label.to_string(),
                    s.score,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("IDLIB".into(), "GPE".into(), 0.9),
                ("Al-Sukhna".into(), "GPE".into(), 1.0),
                ("US".into(), "GPE".into(), 1.0),
            ]
        );
        assert_eq!(g.suggest("Idlib")[0].id.as_deref(), Some("id:Idlib"));
        assert!(g.memory_usage() > 0);
    }

    #[test]
    fn a_folder_reads_every_file_and_reports_problems() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.csv"), "Idlib,GPE\n").unwrap();
        std::fs::write(
            dir.path().join("b.jsonl"),
            "{\"term\":\"HTS\",\"label\":\"ORG\"}\nbad\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("notes.txt"), "ignored").unwrap();
        let (g, p) = Gazetteers::load_dir(dir.path());
        assert_eq!(g.len(), 2);
        assert_eq!(g.files.len(), 2);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].line, Some(2));
        let (g, p) = Gazetteers::load_dir(&dir.path().join("missing"));
        assert!(g.is_empty() && p.is_empty());
    }

    #[test]
    fn bad_lines_are_named_by_their_own_line_after_blank_lines_and_crlf() {
        let text = "term,label\r\nHoms,GPE\r\n\r\n\r\nBad\r\n“Aleppo”,\r\nIdlib,GPE\r\n\r\nlast";
        let (entries, p) = parse(text.as_bytes(), Path::new("g.csv"));
        assert_eq!(entries.len(), 2);
        let lines: Vec<Option<usize>> = p.iter().map(|p| p.line).collect();
        assert_eq!(lines, [Some(5), Some(6), Some(9)], "{p:?}");
    }
}
