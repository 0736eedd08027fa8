//! Keyboard movement through a long document: pages, rows, row ends, document ends.
//! The view moves; a selection shown (the keyboard's caret) moves with it to a word.

use super::EntitleApp;
use super::widgets::annotated_text::DocLayout;
use crate::text::{self, CharSpan};

impl EntitleApp {
    pub(crate) fn with_layout(&mut self, f: impl FnOnce(&mut DocLayout)) {
        if let Some(l) = self.view.as_mut().and_then(|v| v.layout.as_mut()) {
            f(l);
        }
    }

    /// The selection, or the selected span's range: where the keyboard is.
    fn caret(&self) -> Option<CharSpan> {
        let v = self.view.as_ref()?;
        v.selection.or_else(|| {
            let id = v.selected_span?;
            let s = self.session.as_ref()?.workspace.doc(&v.id)?.set.get(id)?;
            Some(s.range)
        })
    }

    fn select_word(&mut self, w: CharSpan) {
        if let Some(v) = self.view.as_mut() {
            v.selection = Some(w);
            v.selected_span = None;
            if let Some(l) = v.layout.as_mut() {
                l.scroll_to = Some(w.start());
            }
        }
    }

    /// The word at `c`, else the nearest one after it within `limit`, else before it.
    fn word_near(&self, c: usize, limit: std::ops::Range<usize>) -> Option<CharSpan> {
        let doc = self.current_document()?;
        let (t, ix) = (doc.text(), doc.index());
        (c..limit.end)
            .find_map(|i| text::word_at(t, ix, i))
            .or_else(|| (limit.start..c).rev().find_map(|i| text::word_at(t, ix, i)))
    }

    /// Ctrl+Home / Ctrl+End: the view goes to the start or end; a selection goes to the
    /// first or last word.
    pub(crate) fn go_to_doc_end(&mut self, end: bool) {
        let had_caret = self.caret().is_some();
        let Some(len) = self.current_document().map(|d| d.len_chars()) else {
            return;
        };
        if had_caret {
            let w = if end {
                self.word_near(len.saturating_sub(1), 0..len)
            } else {
                self.word_near(0, 0..len)
            };
            if let Some(w) = w {
                self.select_word(w);
            }
        }
        self.with_layout(|l| {
            l.scroll_to = None;
            if end { l.to_end() } else { l.to_start() }
        });
    }

    /// Up / Down: the selection moves to the word above or below (same x); with
    /// nothing selected the view scrolls a row.
    pub(crate) fn step_row(&mut self, dir: i32) {
        let Some(cur) = self.caret() else {
            self.with_layout(|l| l.rows(dir as f32));
            return;
        };
        let Some(layout) = self.view.as_ref().and_then(|v| v.layout.as_ref()) else {
            return;
        };
        let from = if dir > 0 { cur.end() - 1 } else { cur.start() };
        let Some(c) = layout.char_beside_row(from, dir) else {
            // Off the laid-out part (or the last row): scroll instead.
            self.with_layout(|l| l.rows(dir as f32));
            return;
        };
        let row = layout.row_of(c).unwrap_or(c..c + 1);
        if let Some(w) = self.word_near(c, row) {
            self.select_word(w);
        }
    }

    /// Home / End: the first or last word of the selection's row (of the first row on
    /// screen when nothing is selected).
    pub(crate) fn row_end_word(&mut self, end: bool) {
        let Some(layout) = self.view.as_ref().and_then(|v| v.layout.as_ref()) else {
            return;
        };
        let at = match self.caret() {
            Some(cur) => cur.start(),
            None => match layout.visible_chars() {
                Some(r) => r.start,
                None => return,
            },
        };
        let Some(row) = layout.row_of(at) else {
            return;
        };
        let w = if end {
            self.word_near(row.end.saturating_sub(1), row.start..row.end)
        } else {
            self.word_near(row.start, row.start..row.end)
        };
        if let Some(w) = w {
            self.select_word(w);
        }
    }
}
