//! Finding the tasks of an export without parsing it whole, and the lines of things.
//!
//! An export is one JSON array that can hold hundreds of megabytes. Parsing it into one
//! `Value` holds all of it at once, and line numbers found by searching the text per
//! task are quadratic. Instead one pass over the bytes finds where each task (an
//! element of the top-level array) begins and ends, and on the way where each of its
//! annotations and results is; each task is then parsed on its own, and byte offsets
//! become line numbers through one table of line starts.

/// 1-based lines and columns of byte offsets, from one table of line starts built once.
pub(super) struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            // Eight bytes at a time where none is a line feed.
            if let Some(w) = word(bytes, i)
                && !has_byte(w, b'\n')
            {
                i += 8;
                continue;
            }
            if bytes[i] == b'\n' {
                starts.push(i + 1);
            }
            i += 1;
        }
        Self { starts }
    }

    /// 1-based line of byte `at`.
    pub fn line(&self, at: usize) -> usize {
        // starts[0] == 0 <= at, so this is at least 1.
        self.starts.partition_point(|&s| s <= at)
    }

    /// 1-based column of byte `at` on its line, counted in bytes as serde_json does.
    pub fn column(&self, at: usize) -> usize {
        let line_start = self.starts.get(self.line(at) - 1).copied().unwrap_or(0);
        at - line_start + 1
    }
}

/// The three lists of a task that hold annotation-shaped objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum List {
    /// Label Studio 1.x.
    Annotations,
    /// Label Studio 0.x (the same objects).
    Completions,
    Predictions,
}

impl List {
    pub fn key(self) -> &'static str {
        match self {
            List::Annotations => "annotations",
            List::Completions => "completions",
            List::Predictions => "predictions",
        }
    }

    fn slot(self) -> usize {
        self as usize
    }
}

/// Where one annotation (or prediction) is: its `"id"` key, else its `{`; and the same
/// for each of its results, by index in `result`.
#[derive(Debug, Default)]
struct ItemPlace {
    index: usize,
    at: usize,
    results: Vec<(usize, usize)>,
}

/// Byte offsets of a task and of its parts, for messages. Each is the offset of the
/// part's `"id"` key when it has one (the line a reader looks for, since messages name
/// the id), else of its opening `{`.
#[derive(Debug, Default)]
pub(super) struct Places {
    pub task: usize,
    items: [Vec<ItemPlace>; 3],
}

impl Places {
    /// Where item `i` of `list` is.
    pub fn item(&self, list: List, i: usize) -> Option<usize> {
        let items = &self.items[list.slot()];
        let at = items.binary_search_by_key(&i, |p| p.index).ok()?;
        Some(items[at].at)
    }

    /// Where result `k` of item `i` of `list` is.
    pub fn result(&self, list: List, i: usize, k: usize) -> Option<usize> {
        let items = &self.items[list.slot()];
        let at = items.binary_search_by_key(&i, |p| p.index).ok()?;
        let results = &items[at].results;
        let r = results.binary_search_by_key(&k, |p| p.0).ok()?;
        Some(results[r].1)
    }
}

/// What a key names, where it matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Other,
    Id,
    List(List),
    Result,
}

fn key_of(name: &[u8]) -> Key {
    match name {
        b"id" => Key::Id,
        b"annotations" => Key::List(List::Annotations),
        b"completions" => Key::List(List::Completions),
        b"predictions" => Key::List(List::Predictions),
        b"result" => Key::Result,
        _ => Key::Other,
    }
}

/// One open object or array while scanning.
#[derive(Debug, Clone, Copy)]
struct Frame {
    object: bool,
    /// In an object: the next string is a key.
    want_key: bool,
    /// In an object: the key of the value being read.
    key: Key,
    /// In an array: the index of the element being read.
    index: usize,
}

pub(super) fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// True when one of the eight bytes of `w` is `b`.
fn has_byte(w: u64, b: u8) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let x = w ^ (ONES * b as u64);
    x.wrapping_sub(ONES) & !x & HIGH != 0
}

/// The eight bytes at `at`, if there are eight.
fn word(bytes: &[u8], at: usize) -> Option<u64> {
    let chunk: [u8; 8] = bytes.get(at..at + 8)?.try_into().ok()?;
    Some(u64::from_le_bytes(chunk))
}

/// The index of the `"` that closes the string opening at `open`, if there is one.
/// Texts are most of an export: eight bytes at a time where none is `"` or `\`.
fn string_end(bytes: &[u8], open: usize) -> Option<usize> {
    let mut j = open + 1;
    loop {
        while let Some(w) = word(bytes, j) {
            if has_byte(w, b'"') || has_byte(w, b'\\') {
                break;
            }
            j += 8;
        }
        match *bytes.get(j)? {
            b'"' => return Some(j),
            b'\\' => j += 2,
            _ => j += 1,
        }
    }
}

/// The end (exclusive) of the JSON value that starts at `start`, and the places of the
/// task parts inside it; `None` when the text ends before the value does. Only the
/// structure is followed (strings, brackets, commas, colons): serde_json checks the
/// value when it parses it.
pub(super) fn scan_value(bytes: &[u8], start: usize) -> (Option<usize>, Places) {
    let mut places = Places {
        task: start,
        ..Places::default()
    };
    match bytes.get(start) {
        Some(b'{' | b'[') => {}
        Some(b'"') => return (string_end(bytes, start).map(|e| e + 1), places),
        _ => {
            // A number or literal: serde_json says what is wrong with it.
            let end = bytes
                .get(start..)
                .unwrap_or_default()
                .iter()
                .position(|&b| matches!(b, b',' | b']' | b'}') || is_space(b))
                .map_or(bytes.len(), |p| start + p);
            return (Some(end), places);
        }
    }
    let mut stack: Vec<Frame> = Vec::with_capacity(8);
    let mut i = start;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => {
                let Some(end) = string_end(bytes, i) else {
                    return (None, places);
                };
                if let Some(top) = stack.last_mut()
                    && top.object
                    && top.want_key
                {
                    top.key = key_of(&bytes[i + 1..end]);
                    top.want_key = false;
                    if top.key == Key::Id {
                        record_id(&stack, i, &mut places);
                    }
                }
                i = end + 1;
                continue;
            }
            b'{' | b'[' => {
                if b == b'{' {
                    record_object(&stack, i, &mut places);
                }
                stack.push(Frame {
                    object: b == b'{',
                    want_key: b == b'{',
                    key: Key::Other,
                    index: 0,
                });
            }
            b'}' | b']' => {
                stack.pop();
                if stack.is_empty() {
                    return (Some(i + 1), places);
                }
            }
            b',' => {
                if let Some(top) = stack.last_mut() {
                    if top.object {
                        top.want_key = true;
                    } else {
                        top.index += 1;
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    (None, places)
}

/// The list (`annotations`, `completions`, `predictions`) and item index when `stack`
/// is `task { LIST: [ item` … (the item frame not included).
fn item_path(stack: &[Frame]) -> Option<(List, usize)> {
    match stack {
        [task, items, ..] if task.object && !items.object => match task.key {
            Key::List(l) => Some((l, items.index)),
            _ => None,
        },
        _ => None,
    }
}

/// The result index when `stack` is `task { LIST: [ { result: [` (the result's own
/// frame not included).
fn result_path(stack: &[Frame]) -> Option<usize> {
    match stack {
        [_, _, item, results] if item.object && item.key == Key::Result && !results.object => {
            Some(results.index)
        }
        _ => None,
    }
}

/// An object starts at `at` inside `stack`: note it if it is an item or a result.
fn record_object(stack: &[Frame], at: usize, places: &mut Places) {
    let Some((list, i)) = item_path(stack) else {
        return;
    };
    let items = &mut places.items[list.slot()];
    match stack.len() {
        2 => items.push(ItemPlace {
            index: i,
            at,
            results: Vec::new(),
        }),
        4 => {
            if let (Some(k), Some(item)) = (result_path(stack), items.last_mut())
                && item.index == i
            {
                item.results.push((k, at));
            }
        }
        _ => {}
    }
}

/// An `"id"` key at `at` is in the object on top of `stack`: note it if that object is
/// the task, an item or a result.
fn record_id(stack: &[Frame], at: usize, places: &mut Places) {
    if stack.len() == 1 {
        places.task = at;
        return;
    }
    let Some((list, i)) = item_path(stack) else {
        return;
    };
    let Some(item) = places.items[list.slot()].last_mut() else {
        return;
    };
    if item.index != i {
        return;
    }
    match stack.len() {
        3 => item.at = at,
        5 => {
            if let (Some(k), Some(r)) = (result_path(&stack[..4]), item.results.last_mut())
                && r.0 == k
            {
                r.1 = at;
            }
        }
        _ => {}
    }
}
