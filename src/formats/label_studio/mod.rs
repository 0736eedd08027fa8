//! Label Studio: the JSON export (an array of tasks) and the labeling config it needs.
//!
//! Wire format: `[{"id", "data": {"text": …}, "annotations": [{"result": [...]}]}]`.
//! A span is a `labels` result `{"id", "from_name": "label", "to_name": "text", "type":
//! "labels", "value": {"start", "end", "text", "labels": [LABEL]}}`; offsets are **code
//! points**, end exclusive (Label Studio since 2022; before that UTF-16 code units). A
//! relation is `{"type": "relation", "from_id", "to_id", "direction": "right",
//! "labels": [LABEL]}` (Label Studio keeps nothing else on a relation: a relation's note
//! is named as dropped); a note is a per-region `textarea` result of the control
//! `note` (or a region's `"meta": {"text": [...]}`, read); an attribute is a per-region
//! `choices` result (`value.choices`, a flag being `["true"]`) or, for free text, a
//! per-region `textarea` of a control named after it.
//!
//! Import reads what Label Studio exports, 1.x and 0.x alike (a list of tasks or a
//! single task; `annotations` or 0.x `completions`): **every** annotation of a task is
//! its own record of the task's text, whose `annotator` is the one the export names
//! (`completed_by`: the e-mail when there is one, else `label-studio-user-<id>`) or
//! `label-studio-annotation-<n>` (its place in the task) when it names none. Cancelled
//! annotations are skipped and counted. A task without annotations is read from its
//! first prediction (annotator `prediction[-<model_version>]`). Relations and per-region
//! notes resolve within their annotation.
//!
//! Every region's `value.text` is checked against the document. Label Studio trims
//! white space and writes line breaks as `\n` (or drops them) in `value.text` while its
//! offsets stay right: such a region keeps its offsets, with a warning. When only a
//! UTF-16 reading of the offsets matches, this is an old (before 2022) export: the
//! offsets are converted, with a warning. A region that is really wrong (offsets out of
//! range, another text, no label) is an error for that region only: the record comes
//! without it.
//!
//! Reading streams: one pass over the bytes finds each task and the places of its
//! annotations and results ([`scan`]); each task is parsed on its own, into typed
//! structs when it has Label Studio's shapes ([`fast`]), else as a JSON value that
//! names what is malformed ([`task`]); line numbers come from one table of line
//! starts. Time grows linearly with the file (`cargo bench --bench label_studio`).
//!
//! Export writes the tasks and, beside them, `NAME.config.xml`: the `<View>` with the
//! labels (and colours), relation types, a per-region note field and a per-region
//! control per attribute, to paste into the project's Labeling Interface.

mod fast;
mod regions;
mod scan;
mod task;
#[cfg(test)]
mod tests;
mod writer;

pub use writer::{Writer, config_xml, task};

use super::{FormatError, ReadOptions, Record};
use scan::{Lines, is_space};
use std::collections::VecDeque;
use std::path::{Path, PathBuf};

/// Read a Label Studio JSON export, or every `.json` file under a folder.
pub fn read(
    path: &Path,
    options: &ReadOptions,
) -> Box<dyn Iterator<Item = Result<Record, FormatError>>> {
    let (files, skipped) = super::input_files(path, &["json"]);
    let options = options.clone();
    Box::new(
        skipped
            .into_iter()
            .map(Err)
            .chain(files.into_iter().flat_map(
                move |file| -> Box<dyn Iterator<Item = Result<Record, FormatError>>> {
                    match super::read_input_string(&file) {
                        Ok(text) => Box::new(Tasks::new(&file, text, &options)),
                        Err(e) => Box::new(std::iter::once(Err(e))),
                    }
                },
            )),
    )
}

/// Parse a Label Studio export held in memory (`path` is only named in messages): the
/// records of every task in order, each region error or skipped annotation as an `Err`
/// item beside its task's records. The file reader goes through this same parser;
/// fuzz targets call it directly.
pub fn parse_str<'t>(
    path: &Path,
    text: &'t str,
    options: &ReadOptions,
) -> impl Iterator<Item = Result<Record, FormatError>> + use<'t> {
    Tasks::new(path, text, options)
}

/// Where the reader is in the top-level JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the first byte (a byte-order mark and white space may come first).
    Start,
    /// Inside the top-level array, before an element (`first`: no element yet).
    Element { first: bool },
    /// The file held a single task object, which has been read.
    Done,
}

/// The records of one export, task by task.
struct Tasks<S> {
    text: S,
    path: PathBuf,
    stem: String,
    options: ReadOptions,
    lines: Lines,
    /// Byte where reading goes on.
    pos: usize,
    state: State,
    /// Index of the next task in the list.
    index: usize,
    /// Items of the last task not handed out yet.
    pending: VecDeque<Result<Record, FormatError>>,
}

impl<S: AsRef<str>> Tasks<S> {
    fn new(path: &Path, text: S, options: &ReadOptions) -> Self {
        let lines = Lines::new(text.as_ref());
        Self {
            text,
            path: path.to_path_buf(),
            stem: path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
            options: options.clone(),
            lines,
            pos: 0,
            state: State::Start,
            index: 0,
            pending: VecDeque::new(),
        }
    }

    fn skip_space(&mut self) {
        let bytes = self.text.as_ref().as_bytes();
        while bytes.get(self.pos).copied().is_some_and(is_space) {
            self.pos += 1;
        }
    }

    /// An error at byte `at` that ends reading this file.
    fn fatal(&mut self, at: usize, message: String) -> FormatError {
        self.state = State::Done;
        self.pos = self.text.as_ref().len();
        FormatError::new(
            &self.path,
            self.lines.line(at),
            format!("column {}: {message}", self.lines.column(at)),
        )
    }

    /// The first bytes: a list of tasks, a single task, or an error.
    fn start(&mut self) -> Option<FormatError> {
        let text = self.text.as_ref();
        // read_input_string drops a byte-order mark; text from elsewhere may have one.
        if text.starts_with('\u{feff}') {
            self.pos = '\u{feff}'.len_utf8();
        }
        self.skip_space();
        let text = self.text.as_ref();
        match text.as_bytes().get(self.pos) {
            Some(b'[') => {
                self.pos += 1;
                self.state = State::Element { first: true };
                None
            }
            Some(b'{') => {
                // Label Studio 0.x and single-task files: one task object.
                self.state = State::Done;
                self.read_task();
                self.skip_space();
                let at = self.pos;
                (at < self.text.as_ref().len()).then(|| {
                    self.fatal(
                        at,
                        "not valid JSON: trailing characters after the task".into(),
                    )
                })
            }
            _ => {
                self.state = State::Done;
                let json = text.strip_prefix('\u{feff}').unwrap_or(text);
                Some(match serde_json::from_str::<serde::de::IgnoredAny>(json) {
                    Err(e) => FormatError::new(
                        &self.path,
                        e.line(),
                        format!("column {}: {}", e.column(), json_error(&e)),
                    ),
                    Ok(_) => FormatError::new(
                        &self.path,
                        1,
                        "a Label Studio export is a JSON list of tasks",
                    ),
                })
            }
        }
    }

    /// Inside the list: read the next task, or find the end of the list.
    fn element(&mut self, first: bool) -> Option<FormatError> {
        self.skip_space();
        let at = self.pos;
        match self.text.as_ref().as_bytes().get(at) {
            None => Some(self.fatal(
                at,
                "not valid JSON: EOF while parsing a list (the file ends before its `]`)".into(),
            )),
            Some(b']') if first => self.after_list(),
            Some(b']') => Some(self.fatal(at, "not valid JSON: trailing comma".into())),
            Some(_) => {
                self.read_task();
                if self.state == State::Done {
                    return None;
                }
                self.skip_space();
                let at = self.pos;
                match self.text.as_ref().as_bytes().get(at) {
                    Some(b',') => {
                        self.pos += 1;
                        self.state = State::Element { first: false };
                        None
                    }
                    Some(b']') => self.after_list(),
                    None => Some(self.fatal(
                        at,
                        "not valid JSON: EOF while parsing a list (the file ends before its `]`)"
                            .into(),
                    )),
                    Some(_) => Some(self.fatal(
                        at,
                        format!(
                            "not valid JSON: expected `,` or `]` after task {}; reading stopped here",
                            self.index - 1
                        ),
                    )),
                }
            }
        }
    }

    /// After the `]` of the list: only white space may follow.
    fn after_list(&mut self) -> Option<FormatError> {
        self.pos += 1;
        self.state = State::Done;
        self.skip_space();
        let at = self.pos;
        (at < self.text.as_ref().len()).then(|| {
            self.fatal(
                at,
                "not valid JSON: trailing characters after the list of tasks".into(),
            )
        })
    }

    /// Parse the task at `pos` and queue its items. A task that is not valid JSON is an
    /// error; when the file ends inside it, reading stops.
    fn read_task(&mut self) {
        let text = self.text.as_ref();
        let start = self.pos;
        let (end, places) = scan::scan_value(text.as_bytes(), start);
        let index = self.index;
        self.index += 1;
        let slice = text.get(start..end.unwrap_or(text.len())).unwrap_or("");
        let cx = task::Ctx {
            path: &self.path,
            stem: &self.stem,
            lines: &self.lines,
            places: &places,
            index,
            options: &self.options,
        };
        match task::read(slice, &cx) {
            Ok(items) => {
                self.pending.extend(items);
                self.pos = end.unwrap_or(text.len());
            }
            Err(e) => {
                let (line, column) = if e.line() <= 1 {
                    (
                        self.lines.line(start),
                        self.lines.column(start) - 1 + e.column(),
                    )
                } else {
                    (self.lines.line(start) + e.line() - 1, e.column())
                };
                let message = format!(
                    "column {column}: {} (task {index} of the list)",
                    json_error(&e)
                );
                self.pending
                    .push_back(Err(FormatError::new(&self.path, line, message)));
                match end {
                    Some(end) => self.pos = end,
                    None => {
                        self.pos = text.len();
                        self.state = State::Done;
                    }
                }
            }
        }
    }
}

impl<S: AsRef<str>> Iterator for Tasks<S> {
    type Item = Result<Record, FormatError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(item);
            }
            let error = match self.state {
                State::Done => return None,
                State::Start => self.start(),
                State::Element { first } => self.element(first),
            };
            if let Some(e) = error {
                self.pending.push_back(Err(e));
            }
        }
    }
}

/// serde_json's message without its " at line L column C" (messages put those first).
fn json_error(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    let msg = msg.rfind(" at line ").map_or(msg.as_str(), |p| &msg[..p]);
    format!("not valid JSON: {msg}")
}
