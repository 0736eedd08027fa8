//! The annotated document view: the one place that lays out, paints and hit-tests
//! document text.
//!
//! The text is cut into *blocks* (a line, or a piece of at most [`MAX_BLOCK_CHARS`] of a
//! very long line, cut at white space). Only blocks near the viewport are laid out;
//! the others have estimated heights, kept in a Fenwick tree so finding the block at a
//! scroll offset is O(log n). Laid-out blocks are cached per wrap width; spans are not
//! part of the layout (they are painted over it), so adding a span never re-lays out
//! text and per-frame work grows with what is on screen, not with the document.
//!
//! Each block keeps a map from screen position to logical character built from egui's
//! glyphs, and from logical character to its box. Pure left-to-right blocks are wrapped
//! by egui; blocks with right-to-left text go through [`super::bidi`]: Arabic
//! presentation forms, our own line breaking, per-line bidi reordering, one egui section
//! per cluster. egui's text cursor (`cursor_from_pos`) is never used.
//!
//! This module holds [`DocLayout`]: which blocks to lay out and paint in a frame, and
//! where to scroll. The parts:
//! - `blocks`: the blocks of a document and their heights (the Fenwick tree);
//! - `layout`: one block into a galley and its geometry (plain, shaped right-to-left,
//!   the fallback);
//! - `paint`: spans, the selection, the text, underlines and tags of one block;
//! - `hit`: screen position ↔ character, from the last frame's layout.

mod arcs;
mod blocks;
mod hit;
mod layout;
mod nav;
mod overview;
mod paint;

pub use overview::{OverviewInput, STRIP_WIDTH};

use crate::model::{AnnotationSet, Document, Label, RelationId, Rgb, SpanId};
use crate::text::CharSpan;
use blocks::{Block, Heights, split_blocks};
use egui::{Pos2, Rect, Sense, vec2};
use layout::{BlockGeom, layout_block};
use paint::{Colors, paint_block};
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

/// Longest block laid out in one piece; longer lines are cut at white space.
pub const MAX_BLOCK_CHARS: usize = 2000;
/// Laid-out blocks kept in memory (the ones nearest the viewport stay).
const CACHE_BLOCKS: usize = 400;
/// New blocks laid out per frame in the margins above and below the view.
const MARGIN_BUDGET: usize = 4;

/// Vertical metrics of one text row: a band for relation arcs (empty when the document
/// has none or arcs are hidden), a band for label tags above the text, the text, and a
/// band for span underlines (one bar per nesting level) below.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Metrics {
    pub arc_band: f32,
    pub tag_band: f32,
    pub text_height: f32,
    pub under_band: f32,
    pub para_gap: f32,
    pub bar: f32,
}

impl Metrics {
    pub fn pitch(&self) -> f32 {
        self.arc_band + self.tag_band + self.text_height + self.under_band
    }
    /// Offset of the text from the top of its row.
    pub fn text_top(&self) -> f32 {
        self.arc_band + self.tag_band
    }
    /// Most underline levels drawn; deeper spans share the last one.
    pub fn levels(&self) -> usize {
        ((self.under_band - 1.0) / (self.bar + 1.0))
            .floor()
            .max(1.0) as usize
    }
}

/// What to paint over the text.
pub struct Overlay<'a> {
    pub spans: &'a AnnotationSet,
    pub colors: &'a HashMap<String, Rgb>,
    pub selection: Option<CharSpan>,
    pub selected_span: Option<SpanId>,
    pub hovered_spans: &'a [SpanId],
    /// Spans are held back (text changed): paint none.
    pub hide_spans: bool,
    /// Search hits, in order (highlighted behind the text).
    pub hits: &'a [CharSpan],
    /// The hit the search is on (outlined).
    pub current_hit: Option<CharSpan>,
    /// Suggestions, in text order: a dashed outline, no fill, the label in italics.
    pub suggestions: &'a [crate::suggest::Suggestion],
    /// The suggestion Enter would accept (outlined solid).
    pub current_suggestion: Option<CharSpan>,
    /// The document's revision (the relation index is rebuilt when it changes).
    pub revision: u64,
    /// Draw relation arcs.
    pub show_arcs: bool,
    pub selected_relation: Option<RelationId>,
    /// Relation types drawn without arrowheads.
    pub symmetric: &'a [Label],
    /// Comparing layers: how each span compares with the other layer (a coloured
    /// outline and a sign on its tag; none for agreed spans).
    pub marks: Option<&'a HashMap<SpanId, crate::curate::Mark>>,
    /// A range highlighted behind the text (the disagreement being curated).
    pub focus: Option<Range<usize>>,
}

/// What egui's font atlas was built with, as last seen. Galleys point into the atlas:
/// egui rebuilds it when it is nearly full (the fill drops), the scale changes or its
/// text options change (a theme switch changes the colour transfer), and then cached
/// galleys must go too.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct FontEpoch {
    ppp: f32,
    fill: f32,
    options: Option<egui::epaint::text::TextOptions>,
}

impl FontEpoch {
    fn broken_by(&self, now: &FontEpoch) -> bool {
        now.ppp != self.ppp || now.fill < self.fill || now.options != self.options
    }
}

/// Layout state of one open document.
pub struct DocLayout {
    doc: Document,
    blocks: Vec<Block>,
    heights: Heights,
    cache: HashMap<usize, Arc<BlockGeom>>,
    width: f32,
    metrics: Option<Metrics>,
    avg_char_width: f32,
    font_epoch: FontEpoch,
    /// Screen position of the content's top-left in the last frame.
    origin: Pos2,
    /// Visible part of the content (content coordinates) in the last frame.
    viewport: Rect,
    /// Scroll offset to apply in the next frame.
    pending_offset: Option<f32>,
    /// How often all blocks were re-estimated (width, font or scale changed).
    resets: u64,
    /// Char to bring into view in the next frame.
    pub scroll_to: Option<usize>,
    /// Char whose row should be at the top of the view in the next frame.
    pub top_char: Option<usize>,
    last_offset: f32,
    /// Height of the view in the last frame.
    view_h: f32,
    /// Ctrl+End was asked for: stay at the end while the blocks there are measured.
    at_end: bool,
    /// The overview strip's ticks.
    marks: overview::Marks,
    /// Levels of the arc band above each row (0: no band).
    arc_levels: usize,
    arc_index: arcs::ArcIndex,
    /// Where each arc's label was drawn in the last frame (clicks select relations).
    arc_hits: Vec<(RelationId, Rect)>,
    /// Where each span's label tag was drawn in the last frame (a drag from a tag
    /// draws a relation).
    tag_hits: Vec<(SpanId, Rect)>,
}

impl DocLayout {
    pub fn new(doc: Document) -> Self {
        let blocks = split_blocks(&doc);
        let n = blocks.len();
        Self {
            doc,
            blocks,
            heights: Heights::new(vec![0.0; n]),
            cache: HashMap::new(),
            width: 0.0,
            metrics: None,
            avg_char_width: 7.0,
            font_epoch: FontEpoch::default(),
            origin: Pos2::ZERO,
            viewport: Rect::NOTHING,
            pending_offset: None,
            scroll_to: None,
            top_char: None,
            last_offset: 0.0,
            view_h: 400.0,
            at_end: false,
            marks: Default::default(),
            resets: 0,
            arc_levels: 0,
            arc_index: Default::default(),
            arc_hits: Vec::new(),
            tag_hits: Vec::new(),
        }
    }

    pub fn doc(&self) -> &Document {
        &self.doc
    }

    /// Current scroll offset (remembered per document by the caller).
    pub fn scroll_offset(&self) -> f32 {
        self.last_offset
    }
    pub fn set_scroll_offset(&mut self, y: f32) {
        self.pending_offset = Some(y);
    }

    pub fn block_count(&self) -> usize {
        self.blocks.len()
    }
    pub fn laid_out_blocks(&self) -> usize {
        self.cache.len()
    }
    /// How often the whole layout was thrown away; stays put while nothing changes size.
    pub fn resets(&self) -> u64 {
        self.resets
    }

    fn estimate(&self, b: &Block, m: &Metrics) -> f32 {
        let chars = (b.end - b.start) as f32;
        let rows = ((chars * self.avg_char_width) / self.width.max(50.0))
            .ceil()
            .max(1.0);
        rows * m.pitch() + if b.ends_line { m.para_gap } else { 0.0 }
    }

    /// Reset estimates and cache for a new width or font state.
    fn reset(&mut self, width: f32, m: Metrics) {
        self.resets += 1;
        self.width = width;
        self.metrics = Some(m);
        self.cache.clear();
        let values: Vec<f32> = self.blocks.iter().map(|b| self.estimate(b, &m)).collect();
        self.heights = Heights::new(values);
    }

    /// Block `i` laid out, from the cache or now (its measured height then replaces the
    /// estimate).
    fn geom(&mut self, fonts: &mut egui::epaint::text::FontsView<'_>, i: usize) -> Arc<BlockGeom> {
        if let Some(g) = self.cache.get(&i) {
            return g.clone();
        }
        let m = self.metrics.unwrap_or(DEFAULT_METRICS);
        let b = self.blocks[i];
        let text = self.doc.slice(b.start..b.end);
        let geom = Arc::new(layout_block(fonts, text, self.width, &m, b.ends_line));
        self.heights.set(i, geom.height);
        self.cache.insert(i, geom.clone());
        geom
    }

    /// Past [`CACHE_BLOCKS`], drop the laid-out blocks farthest from the middle of `keep`
    /// (never one in `keep`).
    fn evict(&mut self, keep: Range<usize>) {
        if self.cache.len() <= CACHE_BLOCKS {
            return;
        }
        let mid = (keep.start + keep.end) / 2;
        let mut keys: Vec<usize> = self.cache.keys().copied().collect();
        keys.sort_by_key(|k| std::cmp::Reverse(k.abs_diff(mid)));
        for k in keys.into_iter().take(self.cache.len() - CACHE_BLOCKS) {
            if !keep.contains(&k) {
                self.cache.remove(&k);
            }
        }
    }

    /// The block containing char `c`.
    fn block_of(&self, c: usize) -> usize {
        self.blocks
            .partition_point(|b| b.end <= c)
            .min(self.blocks.len().saturating_sub(1))
    }

    /// Content y of the top of the row holding char `c` (laying out its block).
    fn row_top_of_char(&mut self, ctx: &egui::Context, c: usize, m: &Metrics) -> f32 {
        let b = self.block_of(c);
        let geom = ctx.fonts_mut(|fonts| self.geom(fonts, b));
        let row = geom
            .boxes
            .get(c.saturating_sub(self.blocks[b].start))
            .map_or(0, |bx| bx.row);
        self.heights.top(b) + row as f32 * m.pitch()
    }

    /// Lay out, paint and return the response of the whole view (click and drag).
    pub fn show(&mut self, ui: &mut egui::Ui, overlay: &Overlay<'_>) -> egui::Response {
        // The arc band: none without arcs to draw; it grows as rows need more levels.
        if !overlay.show_arcs || overlay.hide_spans || overlay.spans.relations().is_empty() {
            self.arc_levels = 0;
            self.arc_hits.clear();
        } else if self.arc_levels == 0 {
            self.arc_levels = 1;
        }
        let metrics = self.fit(ui);
        let view_h = ui.available_height().max(50.0);
        self.view_h = view_h;
        let target = self.scroll_target(ui.ctx(), view_h, &metrics);
        // No coasting: the text moves only when the user or the app moves it (egui's
        // kinetic velocity also carried on after a zoom and dragged the place away).
        ui.spacing_mut().scroll.kinetic.decay_time = 0.0;
        let mut area = egui::ScrollArea::vertical()
            .id_salt("document-view")
            .auto_shrink([false, false])
            .scroll_source(egui::scroll_area::ScrollSource {
                scroll_bar: true,
                drag: egui::scroll_area::DragScroll::Never,
                mouse_wheel: true,
            });
        if let Some(offset) = target {
            area = area.vertical_scroll_offset(offset);
        }
        let out = area.show_viewport(ui, |ui, viewport| {
            self.paint_viewport(ui, viewport, view_h, &metrics, overlay)
        });
        self.last_offset = out.state.clamped_offset().y;
        out.inner
    }

    /// This frame's metrics; all estimates and the cache are reset when the width, the
    /// font or the scale changed.
    fn fit(&mut self, ui: &egui::Ui) -> Metrics {
        let width = (ui.available_width() - 8.0).max(120.0);
        let ppp = ui.ctx().pixels_per_point();
        let (fill, row_h, options) = ui.ctx().fonts_mut(|f| {
            (
                f.font_atlas_fill_ratio(),
                f.row_height(&crate::app::theme::doc_font()),
                *f.options(),
            )
        });
        let metrics = Metrics {
            text_height: row_h,
            arc_band: if self.arc_levels == 0 {
                0.0
            } else {
                self.arc_levels as f32 * arcs::ARC_LEVEL_H + 2.0
            },
            ..DEFAULT_METRICS
        };
        let now = FontEpoch {
            ppp,
            fill,
            options: Some(options),
        };
        let epoch_broken = self.font_epoch.broken_by(&now);
        self.font_epoch = now;
        if (width - self.width).abs() > 0.5 || self.metrics != Some(metrics) || epoch_broken {
            self.avg_char_width = ui
                .ctx()
                .fonts_mut(|f| f.glyph_width(&crate::app::theme::doc_font(), 'e'))
                * 1.08;
            // Keep the reading place: the first row on screen stays first.
            if self.top_char.is_none() && !self.at_end {
                self.top_char = self.visible_chars().map(|r| r.start);
            }
            self.reset(width, metrics);
        }
        metrics
    }

    /// The scroll offset to set this frame, if it is not where the scroll area is:
    /// one asked for, a shift that keeps the text on screen still while blocks above
    /// are measured, or a char to show.
    fn scroll_target(&mut self, ctx: &egui::Context, view_h: f32, m: &Metrics) -> Option<f32> {
        let pending = self.pending_offset.take();
        let mut offset = pending.unwrap_or(self.last_offset);
        let mut set_offset = pending.is_some();
        if !self.blocks.is_empty() {
            // Blocks above the one at the top of the view may change height when
            // measured: shift the offset by the same amount so the text on screen does
            // not jump.
            let anchor = self.heights.find(offset);
            let anchor_top = self.heights.top(anchor);
            self.measure_around(ctx, offset, view_h);
            let shift = self.heights.top(anchor) - anchor_top;
            if shift.abs() > 0.01 {
                offset += shift;
                set_offset = true;
            }
            if self.at_end {
                // Measure the last screen, then settle on the end (twice: measuring
                // changes the total).
                self.at_end = false;
                for _ in 0..2 {
                    offset = (self.heights.total() - view_h).max(0.0);
                    self.measure_around(ctx, offset, view_h);
                }
                offset = (self.heights.total() - view_h).max(0.0);
                set_offset = true;
            }
            if let Some(c) = self.top_char.take() {
                offset = self.row_top_of_char(ctx, c, m);
                set_offset = true;
            }
            if let Some(c) = self.scroll_to.take() {
                let y = self.row_top_of_char(ctx, c, m);
                if y < offset + 4.0 || y + m.pitch() > offset + view_h - 4.0 {
                    offset = (y - view_h / 3.0).max(0.0);
                    set_offset = true;
                }
            }
        }
        // Never past the end: the scroll area would spring back over many frames.
        let max = (self.heights.total() - view_h).max(0.0);
        set_offset.then_some(offset.clamp(0.0, max))
    }

    /// Pre-measure a screen above and below the view at `offset`. Blocks on screen are
    /// always laid out; those in the margins at most [`MARGIN_BUDGET`] per frame, so a
    /// jump to an unseen place costs one screen.
    fn measure_around(&mut self, ctx: &egui::Context, offset: f32, view_h: f32) {
        let lo = self.heights.find((offset - view_h).max(0.0));
        let hi_y = offset + 2.0 * view_h;
        ctx.fonts_mut(|fonts| {
            let mut budget = MARGIN_BUDGET;
            let mut i = lo;
            while i < self.blocks.len() && self.heights.top(i) < hi_y {
                let top = self.heights.top(i);
                let on_screen = top < offset + view_h && top + self.heights.values[i] > offset;
                if on_screen || self.cache.contains_key(&i) {
                    self.geom(fonts, i);
                } else if budget > 0 {
                    budget -= 1;
                    self.geom(fonts, i);
                }
                i += 1;
            }
        });
    }

    /// Inside the scroll area: allocate the whole content, paint the blocks in
    /// `viewport` (content coordinates) and keep the cache near them.
    fn paint_viewport(
        &mut self,
        ui: &mut egui::Ui,
        viewport: Rect,
        view_h: f32,
        metrics: &Metrics,
        overlay: &Overlay<'_>,
    ) -> egui::Response {
        let total = self.heights.total().max(view_h - 1.0);
        let (rect, response) =
            ui.allocate_exact_size(vec2(self.width, total), Sense::click_and_drag());
        self.origin = rect.min;
        self.viewport = viewport;
        let first = self.heights.find(viewport.min.y);
        let mut last = first;
        let painter = ui.painter_at(ui.clip_rect());
        let text_color = ui.visuals().text_color();
        let dark = ui.visuals().dark_mode;
        let sel_fill = ui.visuals().selection.bg_fill;
        let sel_stroke = ui.visuals().selection.stroke.color;
        // Lay out under the fonts lock, paint after (the painter takes the context).
        let visible: Vec<(usize, Arc<BlockGeom>)> = ui.ctx().fonts_mut(|fonts| {
            let mut v = Vec::new();
            let mut i = first;
            while i < self.blocks.len() && self.heights.top(i) < viewport.max.y {
                v.push((i, self.geom(fonts, i)));
                i += 1;
            }
            v
        });
        let colors = Colors {
            text: text_color,
            dark,
            sel_fill,
            sel_stroke,
            background: ui.visuals().extreme_bg_color,
        };
        let mut tag_hits = Vec::new();
        for (i, geom) in &visible {
            let top = rect.min + vec2(0.0, self.heights.top(*i));
            let block = self.blocks[*i];
            tag_hits.extend(paint_block(
                &painter,
                geom,
                block.start..block.end,
                top,
                metrics,
                overlay,
                colors,
            ));
            last = *i;
        }
        if self.arc_levels > 0 {
            if self.arc_index.revision != Some(overlay.revision) {
                self.arc_index = arcs::ArcIndex::build(overlay.spans, overlay.revision);
            }
            let placed: Vec<_> = visible
                .iter()
                .map(|(i, g)| {
                    let b = self.blocks[*i];
                    (
                        *i,
                        g.clone(),
                        b.start..b.end,
                        rect.min + vec2(0.0, self.heights.top(*i)),
                    )
                })
                .collect();
            let frame = arcs::paint_arcs(
                &painter,
                &self.arc_index,
                &placed,
                (rect.min.x, rect.min.x + self.width),
                metrics,
                overlay,
                colors,
            );
            self.arc_hits = frame.hits;
            let want = frame.needed.min(arcs::MAX_ARC_LEVELS);
            if want > self.arc_levels {
                // A row needs more levels than the band has: grow it (the next frame
                // lays out again at the new pitch).
                self.arc_levels = want;
                ui.ctx().request_repaint();
            }
        }
        self.tag_hits = tag_hits;
        self.evict(first.saturating_sub(50)..last + 50);
        response
            .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Document, true, "Document text"));
        response
    }
}

const DEFAULT_METRICS: Metrics = Metrics {
    arc_band: 0.0,
    tag_band: 11.0,
    text_height: 18.0,
    under_band: 8.0,
    para_gap: 6.0,
    bar: 2.0,
};

#[cfg(test)]
mod epoch_tests {
    use super::FontEpoch;

    /// A theme switch rebuilds egui's atlas with other text options; the atlas can be
    /// as full as before by the time the document is drawn (the other panels filled
    /// it), so the options alone must say the cached galleys are stale.
    #[test]
    fn a_theme_switch_breaks_the_epoch_even_when_the_atlas_is_as_full() {
        let ctx = egui::Context::default();
        let dark = ctx.style_of(egui::Theme::Dark).visuals.text_options;
        let light = ctx.style_of(egui::Theme::Light).visuals.text_options;
        assert_ne!(dark, light);
        let before = FontEpoch {
            ppp: 1.0,
            fill: 0.2,
            options: Some(dark),
        };
        let same = FontEpoch {
            fill: 0.3,
            ..before
        };
        assert!(!before.broken_by(&same));
        let switched = FontEpoch {
            options: Some(light),
            ..same
        };
        assert!(before.broken_by(&switched));
        assert!(before.broken_by(&FontEpoch {
            fill: 0.1,
            ..before
        }));
        assert!(before.broken_by(&FontEpoch { ppp: 2.0, ..before }));
    }
}
