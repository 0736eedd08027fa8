//! The overview strip beside the scrollbar: a tick for every span (its label's colour)
//! and every search hit, the part on screen framed; a click or drag jumps there.
//! Ticks are binned per pixel row and cached until the spans, the hits, the strip's
//! height or the layout's estimate of the document height change, so an idle frame
//! paints at most one tick per pixel row whatever the document holds.

use super::DocLayout;
use crate::app::theme;
use crate::model::{AnnotationSet, Rgb};
use crate::text::CharSpan;
use egui::{Color32, Rect, Sense, Stroke, StrokeKind, pos2};
use std::collections::HashMap;

/// Width of the strip, in points.
pub const STRIP_WIDTH: f32 = 14.0;

/// What the ticks were computed from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct MarksKey {
    revision: u64,
    hits: u64,
    height: u32,
    /// Document height estimate, to 1 %.
    total: u32,
    resets: u64,
}

/// Ticks per pixel row: the colour of a span there (the last one wins), a hit there.
#[derive(Debug, Default)]
pub(super) struct Marks {
    key: Option<MarksKey>,
    spans: Vec<Option<Color32>>,
    hits: Vec<bool>,
}

/// What the strip shows.
pub struct OverviewInput<'a> {
    pub spans: &'a AnnotationSet,
    /// Changes whenever the spans change.
    pub revision: u64,
    pub colors: &'a HashMap<String, Rgb>,
    /// Search hits, in order.
    pub hits: &'a [CharSpan],
    /// Changes whenever the hits change.
    pub hits_generation: u64,
}

impl DocLayout {
    /// Where char `c` is, as a share of the content's height (estimates where the text
    /// was not laid out yet).
    fn fraction_of(&self, c: usize) -> f32 {
        let total = self.heights.total().max(1.0);
        (self.heights.top(self.block_of(c)) / total).clamp(0.0, 1.0)
    }

    /// Scroll so that share `f` of the content is in the middle of the view.
    pub fn jump_to_fraction(&mut self, f: f32) {
        let total = self.heights.total();
        let max = (total - self.view_h).max(0.0);
        self.top_char = None;
        self.pending_offset = Some((f * total - self.view_h / 2.0).clamp(0.0, max));
    }

    fn update_marks(&mut self, input: &OverviewInput<'_>, height: u32) {
        let key = MarksKey {
            revision: input.revision,
            hits: input.hits_generation,
            height,
            total: (self.heights.total().max(1.0).log(1.01)) as u32,
            resets: self.resets,
        };
        if self.marks.key == Some(key) {
            return;
        }
        let n = height as usize;
        let row = |f: f32| ((f * n as f32) as usize).min(n.saturating_sub(1));
        let mut spans = vec![None; n];
        for s in input.spans.iter() {
            let rgb = input
                .colors
                .get(s.label.as_str())
                .copied()
                .unwrap_or(theme::UNKNOWN_LABEL);
            spans[row(self.fraction_of(s.range.start()))] = Some(theme::label_color(rgb));
        }
        let mut hits = vec![false; n];
        for h in input.hits {
            hits[row(self.fraction_of(h.start()))] = true;
        }
        self.marks = Marks {
            key: Some(key),
            spans,
            hits,
        };
    }

    /// Paint the strip in `rect` and jump where it is clicked or dragged.
    pub fn overview(&mut self, ui: &mut egui::Ui, rect: Rect, input: &OverviewInput<'_>) {
        let response = ui
            .interact(
                rect,
                ui.scope_id().with("overview"),
                Sense::click_and_drag(),
            )
            .on_hover_text(
                "Overview: spans and search hits in the whole document. Click to go there.",
            );
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::ScrollBar, true, "Overview"));
        if (response.clicked() || response.dragged())
            && let Some(p) = response.interact_pointer_pos()
        {
            self.jump_to_fraction((p.y - rect.top()) / rect.height().max(1.0));
        }
        let height = rect.height().max(1.0) as u32;
        self.update_marks(input, height);
        let painter = ui.painter_at(rect);
        let v = ui.visuals();
        painter.rect_filled(rect, 2.0, v.extreme_bg_color);
        let y = |i: usize| rect.top() + i as f32;
        let span_x = rect.left() + 2.0..rect.right() - 5.0;
        for (i, c) in self.marks.spans.iter().enumerate() {
            if let Some(c) = c {
                painter.rect_filled(
                    Rect::from_min_max(pos2(span_x.start, y(i)), pos2(span_x.end, y(i) + 2.0)),
                    0.0,
                    *c,
                );
            }
        }
        let hit_color = theme::search_hit_stroke(v.dark_mode);
        for (i, hit) in self.marks.hits.iter().enumerate() {
            if *hit {
                painter.rect_filled(
                    Rect::from_min_max(
                        pos2(rect.right() - 4.0, y(i)),
                        pos2(rect.right(), y(i) + 2.0),
                    ),
                    0.0,
                    hit_color,
                );
            }
        }
        // The part on screen.
        let total = self.heights.total().max(1.0);
        let top = rect.top() + self.last_offset / total * rect.height();
        let h = (self.view_h / total * rect.height()).max(4.0);
        painter.rect_stroke(
            Rect::from_min_max(
                pos2(rect.left(), top),
                pos2(rect.right(), (top + h).min(rect.bottom())),
            ),
            1.0,
            Stroke::new(1.0, v.text_color().gamma_multiply(0.6)),
            StrokeKind::Inside,
        );
    }
}
