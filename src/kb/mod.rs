//! Knowledge bases for entity linking (issue 7): the files in a project's `kb/` folder
//! (a Wikidata extract, a list of the newsroom's own ids), indexed for completion of
//! normalisation ids such as `wikidata:Q90` while a person types.
//!
//! Files, read in name order: `*.csv` and `*.tsv` with columns id, name, aliases
//! (several separated by `|` or `;`) and an optional description, with an optional
//! header row (its first cell is `id`; a header may also name the columns in another
//! order: `id`, `name` or `label`, `aliases` or `alias`, `description`); and `*.jsonl`,
//! one `{"id": "Q90", "name": "Paris", "aliases": ["City of Light"], "description": …,
//! "db": …}` per line (`label` for `name` also works; `db` and `description` are
//! optional). An entry's knowledge base is the file's stem (`kb/wikidata.csv` →
//! `wikidata`), unless its id carries one (`wikidata:Q90`) or its JSON line has `db`.
//! A line that cannot be used is a [`KbProblem`] naming the file, the line, what is
//! wrong and what to do; the rest of the file is still read.
//!
//! Completion ([`Kb::complete`]) folds case and diacritics, matches a prefix of any
//! word of a name or alias, and looks ids up exactly. It reads a bounded part of the
//! index whatever the query, so it stays well under 10 ms per keystroke with a million
//! entries (BENCHMARKS.md). Building sorts every word of every name and alias: seconds
//! for a million entries, so the app loads with [`spawn_load`] on its own thread.

mod build;
mod fold;
mod fold_table;
mod index;
mod jsonl;
mod load;
mod query;
mod table;
#[cfg(test)]
mod tests;

pub use build::KbBuilder;
pub use fold::fold;
pub use index::{Kb, KbFile};
pub use load::{load_dir, load_file, parse_reader};
pub use query::MAX_LIMIT;

use std::path::{Path, PathBuf};
use std::sync::mpsc;

/// The folder of a project that holds knowledge bases.
pub const KB_DIR: &str = "kb";

/// One entry of a knowledge base.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KbEntry {
    /// The knowledge base (`wikidata`): the file's stem unless the id or line names one.
    pub db: String,
    /// The id inside that knowledge base (`Q90`).
    pub id: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub description: Option<String>,
}

/// A line of a knowledge-base file that could not be used, or a file that could not be
/// read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{}: {message}", file.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct KbProblem {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

/// How a completion matched, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MatchKind {
    /// The query is the entry's id (`Q90`, `wikidata:Q90`).
    Id,
    /// The query is the name or an alias, folded.
    Exact,
    /// The name or an alias starts with the query.
    Prefix,
    /// A later word of the name or an alias starts with the query.
    Word,
}

/// One completion: the entry, which alias matched (none when the name or id did), and
/// a score in (0, 1] that falls with the ranking (1.0 id, 0.9 exact, 0.5–0.8 prefix,
/// 0.1–0.4 word; longer names score lower).
#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    pub db: String,
    pub id: String,
    pub name: String,
    pub alias: Option<String>,
    pub description: Option<String>,
    pub kind: MatchKind,
    pub score: f32,
    /// The entry's index in the [`Kb`] ([`Kb::entry`]).
    pub entry: usize,
}

impl Completion {
    /// The normalisation id to store on a span: `wikidata:Q90`.
    pub fn normalised(&self) -> String {
        format!("{}:{}", self.db, self.id)
    }
}

/// Split `wikidata:Q90` into its knowledge base and id when the part before the first
/// colon looks like a knowledge base name (a letter, then letters, digits, `_`, `-`
/// or `.`) and the rest is not empty and not a URL's `//…`.
pub fn split_db(id: &str) -> Option<(&str, &str)> {
    let (db, rest) = id.split_once(':')?;
    let mut chars = db.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        && !rest.trim().is_empty()
        && !rest.starts_with('/');
    ok.then_some((db, rest))
}

/// The (knowledge base, id) of an entry: `db` when given (an id starting with `db:`
/// loses it), else the id's own prefix, else `default` (the file's stem).
pub(crate) fn resolve_db<'a>(
    db: Option<&'a str>,
    default: &'a str,
    id: &'a str,
) -> Result<(&'a str, &'a str), String> {
    let id = id.trim();
    match db.map(str::trim).filter(|d| !d.is_empty()) {
        Some(db) => {
            if db.contains(|c: char| c.is_whitespace() || c.is_control() || c == ':') {
                return Err(format!(
                    "the knowledge base name {db:?} has white space or a colon; use a \
                     name such as wikidata"
                ));
            }
            let id = id
                .strip_prefix(db)
                .and_then(|r| r.strip_prefix(':'))
                .filter(|r| !r.is_empty())
                .unwrap_or(id);
            Ok((db, id))
        }
        None => match split_db(id) {
            Some(split) => Ok(split),
            None if default.is_empty() => Err(format!(
                "the id {id:?} names no knowledge base; write it as wikidata:{id} or set db"
            )),
            None => Ok((default, id)),
        },
    }
}

/// The knowledge base name a file gives its entries: its stem, with white space and
/// colons made `_` (a name must not contain either).
pub(crate) fn db_of_file(file: &Path) -> String {
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy())
        .unwrap_or_default();
    let db: String = stem
        .trim()
        .chars()
        .map(|c| {
            if c.is_whitespace() || c.is_control() || c == ':' {
                '_'
            } else {
                c
            }
        })
        .collect();
    if db.is_empty() { "kb".to_string() } else { db }
}

/// Load the project's knowledge bases on a thread of their own (`entitle-kb`); the
/// result arrives once on the returned channel. If the thread cannot be started, the
/// channel carries an empty [`Kb`] and a problem saying so.
pub fn spawn_load(project_root: PathBuf) -> mpsc::Receiver<(Kb, Vec<KbProblem>)> {
    let (tx, rx) = mpsc::channel();
    let fallback = tx.clone();
    let dir = project_root.join(KB_DIR);
    let spawned = std::thread::Builder::new()
        .name("entitle-kb".into())
        .spawn(move || {
            // The receiver may be gone (project closed): nothing to do then.
            let _ = tx.send(load_dir(&project_root));
        });
    if let Err(e) = spawned {
        let _ = fallback.send((
            Kb::default(),
            vec![KbProblem {
                file: dir,
                line: None,
                message: format!("could not start loading knowledge bases: {e}"),
            }],
        ));
    }
    rx
}
