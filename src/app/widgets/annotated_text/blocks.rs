//! The block model: the document cut into blocks (a line, or a piece of a very long
//! line), and their heights in a Fenwick tree so the block at a scroll offset is found in
//! O(log n).

use super::MAX_BLOCK_CHARS;
use crate::model::Document;

/// Chars `start..end` of the document, laid out as one piece.
#[derive(Debug, Clone, Copy)]
pub(super) struct Block {
    pub start: usize,
    pub end: usize,
    /// The last piece of its line: a paragraph gap follows.
    pub ends_line: bool,
}

/// Cut the document into blocks: each line, with lines over [`MAX_BLOCK_CHARS`] cut
/// at the last white space before the limit (or at the limit if there is none).
pub(super) fn split_blocks(doc: &Document) -> Vec<Block> {
    let mut blocks = Vec::with_capacity(doc.index().lines().len());
    for line in doc.index().lines() {
        let mut start = line.start;
        if line.content_end == start {
            blocks.push(Block {
                start,
                end: start,
                ends_line: true,
            });
            continue;
        }
        while start < line.content_end {
            let mut end = (start + MAX_BLOCK_CHARS).min(line.content_end);
            if end < line.content_end {
                let piece = doc.slice(start..end);
                if let Some((b, _)) = piece.char_indices().rev().find(|(_, c)| c.is_whitespace()) {
                    let cut = start + piece[..b].chars().count() + 1;
                    if cut > start + MAX_BLOCK_CHARS / 2 {
                        end = cut;
                    }
                }
            }
            blocks.push(Block {
                start,
                end,
                ends_line: end == line.content_end,
            });
            start = end;
        }
    }
    blocks
}

/// Block heights with O(log n) prefix sums and search.
#[derive(Debug, Default)]
pub(super) struct Heights {
    pub values: Vec<f32>,
    tree: Vec<f64>,
}

impl Heights {
    pub fn new(values: Vec<f32>) -> Self {
        let n = values.len();
        let mut tree = vec![0.0f64; n + 1];
        for j in 1..=n {
            tree[j] += values[j - 1] as f64;
            let parent = j + (j & j.wrapping_neg());
            if parent <= n {
                tree[parent] += tree[j];
            }
        }
        Self { values, tree }
    }
    pub fn set(&mut self, i: usize, v: f32) {
        let delta = v as f64 - self.values[i] as f64;
        self.values[i] = v;
        let mut j = i + 1;
        while j < self.tree.len() {
            self.tree[j] += delta;
            j += j & j.wrapping_neg();
        }
    }
    /// Sum of heights of blocks `0..i`.
    pub fn top(&self, i: usize) -> f32 {
        let mut j = i.min(self.values.len());
        let mut s = 0.0f64;
        while j > 0 {
            s += self.tree[j];
            j -= j & j.wrapping_neg();
        }
        s as f32
    }
    pub fn total(&self) -> f32 {
        self.top(self.values.len())
    }
    /// The block containing offset `y` (the last one if past the end).
    pub fn find(&self, y: f32) -> usize {
        let n = self.values.len();
        if n == 0 {
            return 0;
        }
        let mut pos = 0usize;
        let mut rem = y.max(0.0) as f64;
        let mut step = n.next_power_of_two();
        while step > 0 {
            let next = pos + step;
            if next <= n && self.tree[next] <= rem {
                pos = next;
                rem -= self.tree[next];
            }
            step >>= 1;
        }
        pos.min(n - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fenwick_prefix_and_search() {
        let mut h = Heights::new(vec![10.0, 20.0, 30.0, 40.0, 50.0]);
        assert_eq!(h.top(0), 0.0);
        assert_eq!(h.top(3), 60.0);
        assert_eq!(h.total(), 150.0);
        assert_eq!(h.find(0.0), 0);
        assert_eq!(h.find(9.9), 0);
        assert_eq!(h.find(10.0), 1);
        assert_eq!(h.find(59.0), 2);
        assert_eq!(h.find(1e9), 4);
        h.set(1, 5.0);
        assert_eq!(h.top(3), 45.0);
        assert_eq!(h.find(15.0), 2);
    }

    #[test]
    fn long_lines_split_at_white_space() {
        let line = "word ".repeat(1000);
        let text = format!("{line}\n\nshort\r\nend");
        let doc = Document::new(crate::model::DocId::new("x").unwrap(), text);
        let blocks = split_blocks(&doc);
        assert!(blocks.iter().all(|b| b.end - b.start <= MAX_BLOCK_CHARS));
        // Pieces of the long line cut just after a space, covering it exactly.
        let long: Vec<_> = blocks.iter().take_while(|b| b.start < 5000).collect();
        assert_eq!(long.first().unwrap().start, 0);
        assert_eq!(long.last().unwrap().end, 5000);
        assert!(long[0].end % 5 == 0);
        assert!(blocks.iter().any(|b| b.start == b.end && b.ends_line));
        assert_eq!(
            doc.slice(blocks.last().unwrap().start..blocks.last().unwrap().end),
            "end"
        );
    }
}
