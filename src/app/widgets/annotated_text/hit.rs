//! Hit-testing against the last frame's layout: the character under a screen position,
//! the screen box of a character, the characters on screen. Only blocks still in the
//! cache answer; nothing is laid out here.

use super::DocLayout;
use egui::{Pos2, Rect, pos2};
use std::ops::Range;

impl DocLayout {
    /// The logical char (and the length of its cluster) under a screen position, from
    /// the last frame's layout. Positions in gaps map to the nearest row and glyph.
    pub fn char_at(&self, pos: Pos2) -> Option<(usize, usize)> {
        if self.blocks.is_empty() {
            return None;
        }
        let y = pos.y - self.origin.y;
        let i = self.heights.find(y);
        let geom = self.cache.get(&i)?;
        let m = self.metrics?;
        let local_y = y - self.heights.top(i);
        let row = ((local_y / m.pitch()).floor().max(0.0) as usize)
            .min(geom.rows.len().saturating_sub(1));
        let hits = geom.rows.get(row)?;
        let x = pos.x - self.origin.x;
        let hit = hits.iter().find(|h| x < h.x1).or_else(|| hits.last())?;
        Some((
            self.blocks[i].start + hit.logical as usize,
            hit.len as usize,
        ))
    }

    /// Screen rectangle of char `c`'s text in the last frame, if it was laid out.
    pub fn char_rect(&self, c: usize) -> Option<Rect> {
        let i = self.block_of(c);
        let b = self.blocks.get(i)?;
        let geom = self.cache.get(&i)?;
        let m = self.metrics?;
        let bx = geom.boxes.get(c.checked_sub(b.start)?)?;
        let top = self.origin.y + self.heights.top(i) + bx.row as f32 * m.pitch() + m.text_top();
        Some(Rect::from_min_max(
            pos2(self.origin.x + bx.x0, top),
            pos2(self.origin.x + bx.x1.max(bx.x0 + 1.0), top + m.text_height),
        ))
    }

    /// The range of chars in the visible part of the view (last frame).
    pub fn visible_chars(&self) -> Option<Range<usize>> {
        if self.blocks.is_empty() || !self.viewport.is_positive() {
            return None;
        }
        let a = self.heights.find(self.viewport.min.y);
        let b = self.heights.find(self.viewport.max.y);
        // Start at the first row on screen, not at the start of its paragraph.
        let start = match (self.cache.get(&a), self.metrics) {
            (Some(geom), Some(m)) => {
                let row = ((self.viewport.min.y - self.heights.top(a)) / m.pitch())
                    .floor()
                    .max(0.0) as usize;
                geom.rows
                    .get(row)
                    .and_then(|hits| hits.iter().map(|h| h.logical as usize).min())
                    .map_or(self.blocks[a].start, |l| self.blocks[a].start + l)
            }
            _ => self.blocks[a].start,
        };
        Some(start..self.blocks[b].end)
    }
}
