//! Reading `kb/*.csv`, `*.tsv` and `*.jsonl`, streamed: a file is never held whole,
//! each line goes straight into the [`KbBuilder`].

use super::KbBuilder;
use super::index::Kb;
use super::{KB_DIR, KbProblem, db_of_file};
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

/// Problems listed per file before the rest are only counted.
pub const MAX_PROBLEMS: usize = 20;

pub(super) struct Problems<'a> {
    file: &'a Path,
    list: Vec<KbProblem>,
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

    pub(super) fn push(&mut self, line: Option<usize>, message: String) {
        if self.list.len() < MAX_PROBLEMS {
            self.list.push(KbProblem {
                file: self.file.to_path_buf(),
                line,
                message,
            });
        } else {
            self.more += 1;
        }
    }

    fn done(mut self) -> Vec<KbProblem> {
        if self.more > 0 {
            self.list.push(KbProblem {
                file: self.file.to_path_buf(),
                line: None,
                message: format!("{} more lines could not be used", self.more),
            });
        }
        self.list
    }
}

/// Read every knowledge base in `project_root/kb/` (no folder: an empty [`Kb`], no
/// problem). Problems are returned, never fatal: what could be read is used. This
/// takes seconds for a million entries: call it off the UI thread
/// ([`super::spawn_load`]).
pub fn load_dir(project_root: &Path) -> (Kb, Vec<KbProblem>) {
    let dir = project_root.join(KB_DIR);
    let mut problems = Vec::new();
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                let hidden = p
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_none_or(|n| n.starts_with('.'));
                let ext = p.extension().and_then(|e| e.to_str());
                !hidden
                    && ext.is_some_and(|e| {
                        matches!(e.to_ascii_lowercase().as_str(), "csv" | "tsv" | "jsonl")
                    })
            })
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => {
            problems.push(KbProblem {
                file: dir,
                line: None,
                message: format!("the folder cannot be read: {e}"),
            });
            Vec::new()
        }
    };
    files.sort_by(|a, b| crate::fsio::natural_cmp(&a.to_string_lossy(), &b.to_string_lossy()));
    let mut builder = KbBuilder::new();
    for f in &files {
        problems.extend(load_file(f, &mut builder));
    }
    let kb = builder.finish();
    problems.extend(repeated_id_problems(&kb));
    (kb, problems)
}

/// One problem per file that repeats ids, with the first repeat as an example.
fn repeated_id_problems(kb: &Kb) -> Vec<KbProblem> {
    let repeated = kb.repeated_ids();
    let mut out = Vec::new();
    let mut start = 0;
    for f in kb.files() {
        let range = start..start + f.entries;
        start = range.end;
        let mut here = repeated.iter().filter(|e| range.contains(e));
        let Some(&first) = here.next() else {
            continue;
        };
        let n = 1 + here.count();
        let example = kb
            .entry(first)
            .map(|e| format!("{}:{}", e.db, e.id))
            .unwrap_or_default();
        out.push(KbProblem {
            file: f.file.clone(),
            line: None,
            message: format!(
                "{} an id listed before (first: {example}); completion offers every \
                 listing, so keep one line per id",
                if n == 1 {
                    "1 line repeats".to_string()
                } else {
                    format!("{n} lines repeat")
                }
            ),
        });
    }
    out
}

/// Read one knowledge-base file into `builder`.
pub fn load_file(file: &Path, builder: &mut KbBuilder) -> Vec<KbProblem> {
    match crate::fsio::open_regular(file) {
        Ok(f) => parse_reader(BufReader::with_capacity(1 << 16, f), file, builder),
        Err(e) => vec![KbProblem {
            file: file.to_path_buf(),
            line: None,
            message: format!("cannot be read: {e}"),
        }],
    }
}

/// Read a knowledge base from `reader` into `builder`. `file` names it in problems,
/// decides the format by its extension (`csv`, `tsv`, `jsonl`) and gives its entries
/// their knowledge base name (the stem). Never panics; at most [`MAX_PROBLEMS`]
/// problems are listed per file (then one more says how many were left out).
pub fn parse_reader(reader: impl Read, file: &Path, builder: &mut KbBuilder) -> Vec<KbProblem> {
    let mut problems = Problems::new(file);
    let db = db_of_file(file);
    builder.start_file(file.to_path_buf());
    let ext = file
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("jsonl") => super::jsonl::parse(BufReader::new(reader), &db, builder, &mut problems),
        Some("csv") => super::table::parse(reader, b',', &db, builder, &mut problems),
        Some("tsv") => super::table::parse(reader, b'\t', &db, builder, &mut problems),
        _ => problems.push(None, "is not a .csv, .tsv or .jsonl file".into()),
    }
    problems.done()
}

/// Split an aliases field: `City of Light|Lutetia` or `City of Light; Lutetia`.
pub(super) fn split_aliases(field: &str) -> impl Iterator<Item = &str> {
    field
        .split(['|', ';'])
        .map(str::trim)
        .filter(|a| !a.is_empty())
}

pub(super) const NOT_UTF8: &str = "is not UTF-8 text; save the file as UTF-8";
