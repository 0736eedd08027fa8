//! Moving through a long document: by page, by row, to either end, and the rows of a
//! character (for Home/End and Up/Down with a selection). All of it works on the last
//! frame's layout and asks for a scroll offset in the next frame; nothing here lays
//! out text.

use super::DocLayout;
use egui::pos2;
use std::ops::Range;

/// Share of a page kept on screen when paging, so the reader keeps their place.
const PAGE_OVERLAP: f32 = 0.1;

impl DocLayout {
    fn pitch(&self) -> f32 {
        self.metrics.map_or(30.0, |m| m.pitch())
    }

    /// Scroll by `pages` screens (negative: up), keeping a tenth of the old page.
    pub fn page(&mut self, pages: f32) {
        let step = (self.view_h * (1.0 - PAGE_OVERLAP)).max(self.pitch());
        self.scroll_by(pages * step);
    }

    /// Scroll by `rows` text rows (negative: up).
    pub fn rows(&mut self, rows: f32) {
        self.scroll_by(rows * self.pitch());
    }

    fn scroll_by(&mut self, dy: f32) {
        let max = (self.heights.total() - self.view_h).max(0.0);
        let base = self.pending_offset.unwrap_or(self.last_offset);
        self.pending_offset = Some((base + dy).clamp(0.0, max));
    }

    /// Show the start of the document.
    pub fn to_start(&mut self) {
        self.top_char = None;
        self.pending_offset = Some(0.0);
    }

    /// Show the end of the document (the last row at the bottom of the view).
    pub fn to_end(&mut self) {
        self.top_char = None;
        // Measured in the next frame; the scroll area clamps to the real end.
        self.pending_offset = Some(self.heights.total() + self.view_h);
        self.at_end = true;
    }

    /// The chars on the same screen row as char `c` (last frame's layout).
    pub fn row_of(&self, c: usize) -> Option<Range<usize>> {
        let i = self.block_of(c);
        let b = *self.blocks.get(i)?;
        let geom = self.cache.get(&i)?;
        let row = geom.boxes.get(c.checked_sub(b.start)?)?.row as usize;
        let hits = geom.rows.get(row)?;
        let lo = hits.iter().map(|h| h.logical as usize).min()?;
        let hi = hits.iter().map(|h| (h.logical + h.len) as usize).max()?;
        Some(b.start + lo..b.start + hi)
    }

    /// The char on the row above (`dir` < 0) or below char `c`, at the same x.
    pub fn char_beside_row(&self, c: usize, dir: i32) -> Option<usize> {
        let r = self.char_rect(c)?;
        let y = r.center().y + dir as f32 * self.pitch();
        let (hit, _) = self.char_at(pos2(r.center().x, y))?;
        (hit != c && self.row_of(hit) != self.row_of(c)).then_some(hit)
    }
}
