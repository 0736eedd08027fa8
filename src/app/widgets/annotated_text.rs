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

use super::bidi;
use crate::model::{AnnotationSet, Document, Rgb, SpanId};
use crate::text::CharSpan;
use egui::text::{LayoutJob, LayoutSection, TextFormat, TextWrapping};
use egui::{Align, Color32, FontId, Galley, Pos2, Rect, Sense, Stroke, StrokeKind, pos2, vec2};
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

/// Longest block laid out in one piece; longer lines are cut at white space.
pub const MAX_BLOCK_CHARS: usize = 2000;
/// Laid-out blocks kept in memory (the ones nearest the viewport stay).
const CACHE_BLOCKS: usize = 400;
/// New blocks laid out per frame in the margins above and below the view.
const MARGIN_BUDGET: usize = 4;

/// Vertical metrics of one text row: a band for label tags above the text, the text,
/// and a band for span underlines (one bar per nesting level) below.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Metrics {
    pub tag_band: f32,
    pub text_height: f32,
    pub under_band: f32,
    pub para_gap: f32,
    pub bar: f32,
}

impl Metrics {
    pub fn pitch(&self) -> f32 {
        self.tag_band + self.text_height + self.under_band
    }
    /// Most underline levels drawn; deeper spans share the last one.
    pub fn levels(&self) -> usize {
        ((self.under_band - 1.0) / (self.bar + 1.0))
            .floor()
            .max(1.0) as usize
    }
}

#[derive(Debug, Clone, Copy)]
struct Block {
    start: usize,
    end: usize,
    ends_line: bool,
}

#[derive(Debug, Clone, Copy)]
struct Hit {
    x0: f32,
    x1: f32,
    logical: u32,
    len: u32,
}

#[derive(Debug, Clone, Copy)]
struct CharBox {
    row: u32,
    x0: f32,
    x1: f32,
}

#[derive(Debug)]
struct BlockGeom {
    galley: Arc<Galley>,
    /// Hits of each row, in left-to-right order.
    rows: Vec<Vec<Hit>>,
    /// One box per logical char of the block.
    boxes: Vec<CharBox>,
    height: f32,
}

/// Block heights with O(log n) prefix sums and search.
#[derive(Debug, Default)]
struct Heights {
    values: Vec<f32>,
    tree: Vec<f64>,
}

impl Heights {
    fn new(values: Vec<f32>) -> Self {
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
    fn set(&mut self, i: usize, v: f32) {
        let delta = v as f64 - self.values[i] as f64;
        self.values[i] = v;
        let mut j = i + 1;
        while j < self.tree.len() {
            self.tree[j] += delta;
            j += j & j.wrapping_neg();
        }
    }
    /// Sum of heights of blocks `0..i`.
    fn top(&self, i: usize) -> f32 {
        let mut j = i.min(self.values.len());
        let mut s = 0.0f64;
        while j > 0 {
            s += self.tree[j];
            j -= j & j.wrapping_neg();
        }
        s as f32
    }
    fn total(&self) -> f32 {
        self.top(self.values.len())
    }
    /// The block containing offset `y` (the last one if past the end).
    fn find(&self, y: f32) -> usize {
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

/// What to paint over the text.
pub struct Overlay<'a> {
    pub spans: &'a AnnotationSet,
    pub colors: &'a HashMap<String, Rgb>,
    pub selection: Option<CharSpan>,
    pub selected_span: Option<SpanId>,
    pub hovered_spans: &'a [SpanId],
    /// Spans are held back (text changed): paint none.
    pub hide_spans: bool,
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
    font_epoch: (f32, f32),
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
            font_epoch: (0.0, 0.0),
            origin: Pos2::ZERO,
            viewport: Rect::NOTHING,
            pending_offset: None,
            scroll_to: None,
            top_char: None,
            last_offset: 0.0,
            resets: 0,
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
        let width = (ui.available_width() - 8.0).max(120.0);
        let ppp = ui.ctx().pixels_per_point();
        let (fill, row_h) = ui.ctx().fonts_mut(|f| {
            (
                f.font_atlas_fill_ratio(),
                f.row_height(&super::super::theme::doc_font()),
            )
        });
        let metrics = Metrics {
            text_height: row_h,
            ..DEFAULT_METRICS
        };
        // Galleys point into the font atlas: egui clears it when it is nearly full or
        // the scale changes, and then our cached galleys must go too.
        let epoch_broken = ppp != self.font_epoch.0 || fill < self.font_epoch.1;
        self.font_epoch = (ppp, fill);
        if (width - self.width).abs() > 0.5 || self.metrics != Some(metrics) || epoch_broken {
            self.avg_char_width = ui
                .ctx()
                .fonts_mut(|f| f.glyph_width(&super::super::theme::doc_font(), 'e'))
                * 1.08;
            self.reset(width, metrics);
        }

        let view_h = ui.available_height().max(50.0);
        let pending = self.pending_offset.take();
        let mut offset = pending.unwrap_or(self.last_offset);
        let mut set_offset = pending.is_some();
        // Pre-measure a screen above and below. Blocks above the one at the top of the
        // view may change height when measured: shift the offset by the same amount so
        // the text on screen does not jump.
        if !self.blocks.is_empty() {
            let anchor = self.heights.find(offset);
            let anchor_top = self.heights.top(anchor);
            let lo = self.heights.find((offset - view_h).max(0.0));
            let hi_y = offset + 2.0 * view_h;
            // Blocks on screen are always laid out; those in the margins at most
            // MARGIN_BUDGET per frame, so a jump to an unseen place costs one screen.
            ui.ctx().fonts_mut(|fonts| {
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
            let shift = self.heights.top(anchor) - anchor_top;
            if shift.abs() > 0.01 {
                offset += shift;
                set_offset = true;
            }
            if let Some(c) = self.top_char.take() {
                offset = self.row_top_of_char(ui.ctx(), c, &metrics);
                set_offset = true;
            }
            if let Some(c) = self.scroll_to.take() {
                let y = self.row_top_of_char(ui.ctx(), c, &metrics);
                if y < offset + 4.0 || y + metrics.pitch() > offset + view_h - 4.0 {
                    offset = (y - view_h / 3.0).max(0.0);
                    set_offset = true;
                }
            }
        }

        let mut area = egui::ScrollArea::vertical()
            .id_salt("document-view")
            .auto_shrink([false, false])
            .scroll_source(egui::scroll_area::ScrollSource {
                scroll_bar: true,
                drag: egui::scroll_area::DragScroll::Never,
                mouse_wheel: true,
            });
        if set_offset {
            area = area.vertical_scroll_offset(offset);
        }
        let out = area.show_viewport(ui, |ui, viewport| {
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
            };
            for (i, geom) in &visible {
                let top = rect.min + vec2(0.0, self.heights.top(*i));
                let block = self.blocks[*i];
                paint_block(
                    &painter,
                    geom,
                    block.start..block.end,
                    top,
                    &metrics,
                    overlay,
                    colors,
                );
                last = *i;
            }
            self.evict(first.saturating_sub(50)..last + 50);
            response.widget_info(|| {
                egui::WidgetInfo::labeled(egui::Role::Document, true, "Document text")
            });
            response
        });
        self.last_offset = out.state.clamped_offset().y;
        out.inner
    }

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
        let top = self.origin.y + self.heights.top(i) + bx.row as f32 * m.pitch() + m.tag_band;
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

const DEFAULT_METRICS: Metrics = Metrics {
    tag_band: 11.0,
    text_height: 18.0,
    under_band: 8.0,
    para_gap: 6.0,
    bar: 2.0,
};

/// Cut the document into blocks: each line, with lines over [`MAX_BLOCK_CHARS`] cut
/// at the last white space before the limit (or at the limit if there is none).
fn split_blocks(doc: &Document) -> Vec<Block> {
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

fn format(font: &FontId) -> TextFormat {
    TextFormat {
        font_id: font.clone(),
        // Coloured at paint time, so a theme change needs no new layout.
        color: Color32::PLACEHOLDER,
        valign: Align::BOTTOM,
        ..Default::default()
    }
}

/// Lay out one block at `width`: egui wraps plain left-to-right text; text with
/// right-to-left runs is shaped, wrapped and reordered here (see [`super::bidi`]).
fn layout_block(
    fonts: &mut egui::epaint::text::FontsView<'_>,
    text: &str,
    width: f32,
    m: &Metrics,
    ends_line: bool,
) -> BlockGeom {
    let font = super::super::theme::doc_font();
    if !bidi::needs_bidi(text) {
        let job = LayoutJob {
            sections: vec![LayoutSection {
                leading_space: 0.0,
                byte_range: egui::epaint::text::ByteIndex(0)
                    ..egui::epaint::text::ByteIndex(text.len()),
                format: format(&font),
            }],
            text: text.to_string(),
            wrap: TextWrapping {
                max_width: width,
                overflow_character: None,
                ..Default::default()
            },
            ..Default::default()
        };
        let galley = fonts.layout_job(job);
        // One glyph per char, in order: the glyph index is the logical index.
        let mut logical = 0u32;
        let units: Vec<Vec<(u32, u32, usize)>> = galley
            .rows
            .iter()
            .map(|r| {
                r.glyphs
                    .iter()
                    .map(|_| {
                        logical += 1;
                        (logical - 1, 1, 1)
                    })
                    .collect()
            })
            .collect();
        if let Some(g) = geom_from_galley(
            &galley,
            &units,
            text.chars().count(),
            width,
            false,
            m,
            ends_line,
        ) {
            return g;
        }
    }
    layout_shaped(fonts, &bidi::shape(text), &font, width, m, ends_line)
}

fn layout_shaped(
    fonts: &mut egui::epaint::text::FontsView<'_>,
    shaped: &bidi::Shaped,
    font: &FontId,
    width: f32,
    m: &Metrics,
    ends_line: bool,
) -> BlockGeom {
    let display = |c: &bidi::Cluster| &shaped.display[c.display.clone()];
    // Widths: each cluster is its own egui section, so its advance is its glyphs'.
    let widths: Vec<f32> = shaped
        .clusters
        .iter()
        .map(|c| {
            display(c)
                .chars()
                .map(|ch| fonts.glyph_width(font, ch))
                .sum()
        })
        .collect();
    // Greedy line breaking in logical order, at white space.
    let mut lines: Vec<Range<usize>> = Vec::new();
    let mut start = 0;
    let mut x = 0.0f32;
    let mut last_break: Option<usize> = None;
    let mut i = 0;
    while i < shaped.clusters.len() {
        let c = &shaped.clusters[i];
        if x + widths[i] > width && i > start && !c.is_space {
            let cut = last_break.filter(|&b| b > start).unwrap_or(i);
            lines.push(start..cut);
            start = cut;
            x = widths[start..=i].iter().sum::<f32>() - widths[i];
            last_break = None;
            if cut == i {
                x = 0.0;
            }
            continue;
        }
        x += widths[i];
        if c.is_space {
            last_break = Some(i + 1);
        }
        i += 1;
    }
    if start < shaped.clusters.len() || lines.is_empty() {
        lines.push(start..shaped.clusters.len());
    }
    let mut job = LayoutJob {
        wrap: TextWrapping {
            max_width: f32::INFINITY,
            overflow_character: None,
            ..Default::default()
        },
        ..Default::default()
    };
    let fmt = format(font);
    let mut units: Vec<Vec<(u32, u32, usize)>> = Vec::with_capacity(lines.len());
    for (li, line) in lines.iter().enumerate() {
        if li > 0 {
            let s = job.text.len();
            job.text.push('\n');
            job.sections.push(LayoutSection {
                leading_space: 0.0,
                byte_range: egui::epaint::text::ByteIndex(s)
                    ..egui::epaint::text::ByteIndex(job.text.len()),
                format: fmt.clone(),
            });
        }
        let clusters = &shaped.clusters[line.clone()];
        let order = bidi::visual_order(clusters, shaped.paragraph_level);
        let mut row = Vec::with_capacity(order.len());
        for k in order {
            let c = &clusters[k];
            let s = job.text.len();
            let d = display(c);
            job.text.push_str(d);
            job.sections.push(LayoutSection {
                leading_space: 0.0,
                byte_range: egui::epaint::text::ByteIndex(s)
                    ..egui::epaint::text::ByteIndex(job.text.len()),
                format: fmt.clone(),
            });
            row.push((c.logical as u32, c.len as u32, d.chars().count()));
        }
        units.push(row);
    }
    let galley = fonts.layout_job(job);
    let n_chars = shaped.clusters.iter().map(|c| c.len).sum();
    let rtl = shaped.paragraph_level % 2 == 1;
    geom_from_galley(&galley, &units, n_chars, width, rtl, m, ends_line).unwrap_or_else(|| {
        // egui produced an unexpected glyph count: show the text, map by position.
        fallback_geom(&galley, &units, n_chars, m, ends_line)
    })
}

/// Build geometry from a galley whose rows hold, in order, the glyphs of `units`
/// (logical start, logical length, glyph count) per row. `None` if the counts differ.
fn geom_from_galley(
    galley: &Arc<Galley>,
    units: &[Vec<(u32, u32, usize)>],
    n_chars: usize,
    width: f32,
    rtl: bool,
    m: &Metrics,
    ends_line: bool,
) -> Option<BlockGeom> {
    if galley.rows.len() != units.len().max(1) && !(units.is_empty() && galley.rows.len() == 1) {
        return None;
    }
    let mut placed = (**galley).clone();
    let mut rows = Vec::with_capacity(units.len());
    let mut boxes = vec![
        CharBox {
            row: 0,
            x0: 0.0,
            x1: 0.0
        };
        n_chars
    ];
    let mut mesh_bounds = Rect::NOTHING;
    for (r, placed_row) in placed.rows.iter_mut().enumerate() {
        let row_units: &[(u32, u32, usize)] = units.get(r).map_or(&[], |u| u.as_slice());
        let glyphs = &placed_row.row.glyphs;
        if row_units.iter().map(|u| u.2).sum::<usize>() != glyphs.len() {
            return None;
        }
        let x_off = if rtl {
            (width - placed_row.row.size.x).max(0.0)
        } else {
            0.0
        };
        placed_row.pos = pos2(x_off, r as f32 * m.pitch() + m.tag_band);
        mesh_bounds = mesh_bounds.union(
            placed_row
                .row
                .visuals
                .mesh_bounds
                .translate(placed_row.pos.to_vec2()),
        );
        let mut hits = Vec::with_capacity(row_units.len());
        let mut g = 0;
        for &(logical, len, count) in row_units {
            let first = &glyphs[g];
            let last = &glyphs[g + count - 1];
            let x0 = x_off + first.pos.x;
            // Glyph positions are rounded to pixels, advances are not: a glyph ends
            // where the next one starts, so neighbouring boxes touch.
            let x1 = x_off
                + glyphs
                    .get(g + count)
                    .map_or(last.pos.x + last.advance_width, |next| next.pos.x);
            g += count;
            hits.push(Hit {
                x0,
                x1: x1.max(x0),
                logical,
                len,
            });
            for k in logical..logical + len {
                if let Some(b) = boxes.get_mut(k as usize) {
                    *b = CharBox {
                        row: r as u32,
                        x0,
                        x1: x1.max(x0),
                    };
                }
            }
        }
        hits.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        rows.push(hits);
    }
    let height =
        placed.rows.len().max(1) as f32 * m.pitch() + if ends_line { m.para_gap } else { 0.0 };
    placed.rect = Rect::from_min_size(Pos2::ZERO, vec2(width, height));
    placed.mesh_bounds = mesh_bounds;
    Some(BlockGeom {
        galley: Arc::new(placed),
        rows,
        boxes,
        height,
    })
}

/// Used only if egui's glyphs do not match our clusters: rows as egui made them,
/// clusters spread evenly over each row so every char still maps somewhere.
fn fallback_geom(
    galley: &Arc<Galley>,
    units: &[Vec<(u32, u32, usize)>],
    n_chars: usize,
    m: &Metrics,
    ends_line: bool,
) -> BlockGeom {
    let mut placed = (**galley).clone();
    let mut rows = Vec::new();
    let mut boxes = vec![
        CharBox {
            row: 0,
            x0: 0.0,
            x1: 0.0
        };
        n_chars
    ];
    for (r, placed_row) in placed.rows.iter_mut().enumerate() {
        placed_row.pos = pos2(0.0, r as f32 * m.pitch() + m.tag_band);
        let row_units: &[(u32, u32, usize)] = units.get(r).map_or(&[], |u| u.as_slice());
        let w = placed_row.row.size.x / row_units.len().max(1) as f32;
        let mut hits = Vec::new();
        for (k, &(logical, len, _)) in row_units.iter().enumerate() {
            let (x0, x1) = (k as f32 * w, (k + 1) as f32 * w);
            hits.push(Hit {
                x0,
                x1,
                logical,
                len,
            });
            for c in logical..logical + len {
                if let Some(b) = boxes.get_mut(c as usize) {
                    *b = CharBox {
                        row: r as u32,
                        x0,
                        x1,
                    };
                }
            }
        }
        rows.push(hits);
    }
    let height =
        placed.rows.len().max(1) as f32 * m.pitch() + if ends_line { m.para_gap } else { 0.0 };
    placed.mesh_bounds = placed
        .mesh_bounds
        .translate(vec2(0.0, m.tag_band))
        .union(Rect::from_min_size(Pos2::ZERO, vec2(1.0, height)));
    BlockGeom {
        galley: Arc::new(placed),
        rows,
        boxes,
        height,
    }
}

#[derive(Clone, Copy)]
struct Colors {
    text: Color32,
    dark: bool,
    sel_fill: Color32,
    sel_stroke: Color32,
}

/// Rectangles (block coordinates) covering chars `range` (block-relative), merged
/// where boxes touch on the same row.
fn pieces(geom: &BlockGeom, range: Range<usize>) -> Vec<(u32, f32, f32)> {
    let mut out: Vec<(u32, f32, f32)> = Vec::new();
    let mut boxes: Vec<CharBox> = geom
        .boxes
        .get(range)
        .map(|b| b.to_vec())
        .unwrap_or_default();
    boxes.sort_by(|a, b| a.row.cmp(&b.row).then(a.x0.total_cmp(&b.x0)));
    for b in boxes {
        match out.last_mut() {
            Some((row, _, x1)) if *row == b.row && b.x0 <= *x1 + 0.5 => *x1 = x1.max(b.x1),
            _ => out.push((b.row, b.x0, b.x1)),
        }
    }
    out
}

/// Pieces of a span inside a block: only its fragments when it is discontinuous.
fn span_pieces(
    geom: &BlockGeom,
    s: &crate::model::Span,
    block: &Range<usize>,
) -> Vec<(u32, f32, f32)> {
    let local = |r: Range<usize>| {
        r.start.max(block.start) - block.start..r.end.min(block.end).max(block.start) - block.start
    };
    match &s.extra {
        Some(x) if !x.fragments.is_empty() => x
            .fragments
            .iter()
            .filter(|f| f.overlaps_range(block.clone()))
            .flat_map(|f| pieces(geom, local(f.range())))
            .collect(),
        _ => pieces(geom, local(s.range.range())),
    }
}

fn paint_block(
    painter: &egui::Painter,
    geom: &BlockGeom,
    block: Range<usize>,
    top: Pos2,
    m: &Metrics,
    overlay: &Overlay<'_>,
    colors: Colors,
) {
    let row_rect = |row: u32, x0: f32, x1: f32| {
        let y = top.y + row as f32 * m.pitch() + m.tag_band;
        Rect::from_min_max(pos2(top.x + x0, y), pos2(top.x + x1, y + m.text_height))
    };
    let local =
        |r: Range<usize>| r.start.saturating_sub(block.start)..r.end.min(block.end) - block.start;

    // Spans overlapping this block, with a nesting level each (outer spans first).
    let mut spans: Vec<(&crate::model::Span, usize)> = Vec::new();
    if !overlay.hide_spans && block.end > block.start {
        let mut level_ends: Vec<usize> = Vec::new();
        for s in overlay.spans.overlapping(block.clone()) {
            let level = match level_ends.iter().position(|&e| e <= s.range.start()) {
                Some(l) => {
                    level_ends[l] = s.range.end();
                    l
                }
                None => {
                    level_ends.push(s.range.end());
                    level_ends.len() - 1
                }
            };
            spans.push((s, level));
        }
    }
    let color_of = |label: &str| {
        overlay
            .colors
            .get(label)
            .copied()
            .unwrap_or(super::super::theme::UNKNOWN_LABEL)
    };

    // 1. Fills behind the text.
    for (s, _) in &spans {
        let fill = super::super::theme::span_fill(color_of(&s.label), colors.dark);
        for (row, x0, x1) in span_pieces(geom, s, &block) {
            painter.rect_filled(row_rect(row, x0, x1).expand2(vec2(0.5, 1.0)), 2.0, fill);
        }
    }
    if let Some(sel) = overlay.selection
        && sel.overlaps_range(block.clone())
    {
        for (row, x0, x1) in pieces(geom, local(sel.range())) {
            painter.rect_filled(row_rect(row, x0, x1), 0.0, colors.sel_fill);
        }
    }
    // 2. The text.
    painter.galley(top, geom.galley.clone(), colors.text);
    // 3. Underline bars, one level per nesting depth, and outlines.
    let levels = m.levels();
    for (s, level) in &spans {
        let color = super::super::theme::label_color(color_of(&s.label));
        let lv = (*level).min(levels - 1) as f32;
        let selected = overlay.selected_span == Some(s.id);
        let hovered = overlay.hovered_spans.contains(&s.id);
        for (row, x0, x1) in span_pieces(geom, s, &block) {
            let r = row_rect(row, x0, x1);
            let y = r.max.y + 1.0 + lv * (m.bar + 1.0);
            painter.rect_filled(
                Rect::from_min_max(pos2(r.min.x, y), pos2(r.max.x, y + m.bar)),
                0.0,
                color,
            );
            if selected {
                painter.rect_stroke(
                    r.expand(1.5),
                    2.0,
                    Stroke::new(2.0, colors.sel_stroke),
                    StrokeKind::Outside,
                );
            } else if hovered {
                painter.rect_stroke(
                    r.expand(1.0),
                    2.0,
                    Stroke::new(1.0, color),
                    StrokeKind::Outside,
                );
            }
        }
    }
    // 4. Label tags above each span's first character, pushed right when they collide.
    let tag_font = super::super::theme::tag_font();
    let mut next_free: HashMap<u32, f32> = HashMap::new();
    let mut tags: Vec<(u32, f32, &crate::model::Span)> = spans
        .iter()
        .filter(|(s, _)| s.range.start() >= block.start && s.range.start() < block.end)
        .filter_map(|(s, _)| {
            let first = span_pieces(geom, s, &block)
                .into_iter()
                .find(|(row, _, _)| {
                    Some(*row) == geom.boxes.get(s.range.start() - block.start).map(|b| b.row)
                })?;
            Some((first.0, first.1, *s))
        })
        .collect();
    tags.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
    for (row, x, s) in tags {
        let color = super::super::theme::label_color(color_of(&s.label));
        let text_color = super::super::theme::text_on(color);
        let galley = painter.layout_no_wrap(s.label.to_string(), tag_font.clone(), text_color);
        let free = next_free.entry(row).or_insert(f32::MIN);
        let x = x.max(*free);
        let w = galley.size().x + 6.0;
        *free = x + w + 2.0;
        let y = top.y + row as f32 * m.pitch();
        let r = Rect::from_min_size(pos2(top.x + x, y), vec2(w, m.tag_band - 1.0));
        painter.rect_filled(r, 3.0, color);
        if overlay.selected_span == Some(s.id) {
            painter.rect_stroke(
                r,
                3.0,
                Stroke::new(1.5, colors.sel_stroke),
                StrokeKind::Outside,
            );
        }
        painter.galley(
            pos2(r.min.x + 3.0, r.center().y - galley.size().y / 2.0),
            galley,
            text_color,
        );
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
