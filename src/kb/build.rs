//! Building a [`Kb`]: entries are checked and appended to the arenas one by one (so a
//! million entries never exist as a million `KbEntry` values), then the keys and ids
//! are sorted once.

use super::KbEntry;
use super::fold::{clean_into, fold_into};
use super::index::{Kb, KbFile, SEP};
use rustc_hash::FxHashMap;
use std::path::PathBuf;

/// Builds a [`Kb`]: push entries (each checked and stored at once, so a million
/// entries never exist as a million `KbEntry` values), then [`KbBuilder::finish`].
#[derive(Debug, Default)]
pub struct KbBuilder {
    kb: Kb,
    db_index: FxHashMap<String, u16>,
    /// Per file read: its path and the entry count before it.
    file_starts: Vec<(PathBuf, usize)>,
}

impl KbBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Entries pushed so far.
    pub fn len(&self) -> usize {
        self.kb.estart.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Entries pushed from now on come from `file` (for [`Kb::files`]).
    pub fn start_file(&mut self, file: PathBuf) {
        let n = self.len();
        self.file_starts.push((file, n));
    }

    /// Add one entry. Its `db` may be empty when the id carries it (`wikidata:Q90`);
    /// an id that starts with its own `db:` loses that prefix. The error says what is
    /// wrong and what to do; nothing is stored then.
    pub fn push(&mut self, entry: &KbEntry) -> Result<(), String> {
        let (db, id) = super::resolve_db(Some(&entry.db), "", &entry.id)?;
        self.push_parts(
            db,
            id,
            &entry.name,
            entry.aliases.iter().map(String::as_str),
            entry.description.as_deref(),
        )
    }

    /// Add one entry from its parts (`db` already resolved).
    pub(super) fn push_parts<'a>(
        &mut self,
        db: &str,
        id: &str,
        name: &str,
        aliases: impl IntoIterator<Item = &'a str>,
        description: Option<&str>,
    ) -> Result<(), String> {
        let kb = &mut self.kb;
        let (a0, f0) = (kb.arena.len(), kb.folded.len());
        let result = (|| {
            clean_into(id, &mut kb.arena);
            let stored_id = &kb.arena[a0..];
            if stored_id.is_empty() {
                return Err("the id is empty; every entry needs an id such as Q90".to_string());
            }
            if stored_id.contains(' ') {
                return Err(format!(
                    "the id {stored_id:?} has white space; an id is one word such as Q90 \
                     (are the columns id, name, aliases?)"
                ));
            }
            kb.arena.push(SEP);
            let n0 = kb.arena.len();
            clean_into(name, &mut kb.arena);
            if kb.arena.len() == n0 {
                return Err("the name is empty; every entry needs a name".to_string());
            }
            fold_into(&kb.arena[n0..], &mut kb.folded);
            if kb.folded.len() == f0 {
                return Err(format!(
                    "the name {:?} has no letters to complete on",
                    &kb.arena[n0..]
                ));
            }
            kb.folded.push('\0');
            kb.arena.push(SEP);
            if let Some(d) = description {
                clean_into(d, &mut kb.arena);
            }
            for alias in aliases {
                let (a, s) = (kb.arena.len(), kb.folded.len());
                kb.arena.push(SEP);
                clean_into(alias, &mut kb.arena);
                fold_into(&kb.arena[a + 1..], &mut kb.folded);
                let new = &kb.folded[s..];
                // An alias that folds like the name or an earlier alias adds nothing.
                if new.is_empty() || kb.folded[f0..s].split('\0').any(|x| x == new) {
                    kb.arena.truncate(a);
                    kb.folded.truncate(s);
                    continue;
                }
                kb.folded.push('\0');
            }
            if kb.arena.len() >= u32::MAX as usize || kb.folded.len() >= u32::MAX as usize {
                return Err(
                    "the knowledge base is over 4 GB of text; keep only the entries the \
                     project needs"
                        .to_string(),
                );
            }
            Ok(())
        })();
        if let Err(e) = result {
            kb.arena.truncate(a0);
            kb.folded.truncate(f0);
            return Err(e);
        }
        let d = match self.db_index.get(db) {
            Some(&d) => d,
            None => {
                let Ok(d) = u16::try_from(kb.dbs.len()) else {
                    kb.arena.truncate(a0);
                    kb.folded.truncate(f0);
                    return Err(format!(
                        "more than {} knowledge base names; use fewer files or \"db\" values",
                        u16::MAX
                    ));
                };
                kb.dbs.push(db.to_string());
                self.db_index.insert(db.to_string(), d);
                d
            }
        };
        kb.estart.push(a0 as u32);
        kb.efolded.push(f0 as u32);
        kb.db.push(d);
        Ok(())
    }

    /// Sort the keys and ids: the slow part (seconds for a million entries), meant
    /// for a background thread.
    pub fn finish(self) -> Kb {
        let mut kb = self.kb;
        kb.estart.push(kb.arena.len() as u32);
        kb.efolded.push(kb.folded.len() as u32);
        let total = kb.len();
        kb.files = self
            .file_starts
            .iter()
            .enumerate()
            .map(|(i, (file, start))| {
                let end = self.file_starts.get(i + 1).map_or(total, |(_, s)| *s);
                KbFile {
                    file: file.clone(),
                    entries: end - start,
                }
            })
            .collect();
        kb.arena.shrink_to_fit();
        kb.folded.shrink_to_fit();
        kb.estart.shrink_to_fit();
        kb.efolded.shrink_to_fit();
        kb.db.shrink_to_fit();
        kb.build_keys();
        kb.build_ids();
        kb
    }
}

impl Kb {
    /// Build from entries; entries that cannot be used are left out (push them
    /// through a [`KbBuilder`] to learn why).
    pub fn from_entries<'a>(entries: impl IntoIterator<Item = &'a KbEntry>) -> Kb {
        let mut b = KbBuilder::new();
        for e in entries {
            let _ = b.push(e);
        }
        b.finish()
    }
}
