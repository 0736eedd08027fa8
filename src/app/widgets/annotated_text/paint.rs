//! Painting one laid-out block with what lies over it, in this order: span fills and
//! the selection behind the text, the text, underline bars (one level per nesting
//! depth) with outlines of the selected and hovered spans, and label tags.

use super::layout::{BlockGeom, CharBox};
use super::{Metrics, Overlay};
use crate::app::theme;
use crate::model::{Rgb, Span};
use egui::{Color32, Pos2, Rect, Stroke, StrokeKind, pos2, vec2};
use std::collections::HashMap;
use std::ops::Range;

/// Colours of the current visuals, read once per frame.
#[derive(Clone, Copy)]
pub(super) struct Colors {
    pub text: Color32,
    pub dark: bool,
    pub sel_fill: Color32,
    pub sel_stroke: Color32,
    /// Behind arc labels (the text area's background).
    pub background: Color32,
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
fn span_pieces(geom: &BlockGeom, s: &Span, block: &Range<usize>) -> Vec<(u32, f32, f32)> {
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

/// Spans overlapping `block`, with a nesting level each (outer spans first): greedy
/// interval colouring, each span on the first level free at its start.
fn nested_spans<'a>(overlay: &Overlay<'a>, block: &Range<usize>) -> Vec<(&'a Span, usize)> {
    let mut spans: Vec<(&Span, usize)> = Vec::new();
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
    spans
}

/// One block being painted at `top` (screen position of its top-left).
struct BlockPainter<'p, 'o> {
    painter: &'p egui::Painter,
    geom: &'p BlockGeom,
    block: Range<usize>,
    top: Pos2,
    m: &'p Metrics,
    overlay: &'p Overlay<'o>,
    colors: Colors,
}

impl BlockPainter<'_, '_> {
    /// Screen rectangle of the text of `row` between `x0` and `x1`.
    fn row_rect(&self, row: u32, x0: f32, x1: f32) -> Rect {
        let (top, m) = (self.top, self.m);
        let y = top.y + row as f32 * m.pitch() + m.text_top();
        Rect::from_min_max(pos2(top.x + x0, y), pos2(top.x + x1, y + m.text_height))
    }

    fn color_of(&self, label: &str) -> Rgb {
        self.overlay
            .colors
            .get(label)
            .copied()
            .unwrap_or(theme::UNKNOWN_LABEL)
    }

    /// 1. Fills behind the text: one per span, so overlaps add up, then the selection.
    fn fills(&self, spans: &[(&Span, usize)]) {
        let block = &self.block;
        for (s, _) in spans {
            let fill = theme::span_fill(self.color_of(&s.label), self.colors.dark);
            for (row, x0, x1) in span_pieces(self.geom, s, block) {
                self.painter.rect_filled(
                    // Not wider than the glyphs: a neighbouring comma or quote stays unfilled.
                    self.row_rect(row, x0, x1).expand2(vec2(0.0, 1.0)),
                    2.0,
                    fill,
                );
            }
        }
        self.hits();
        if let Some(f) = &self.overlay.focus
            && f.start < block.end
            && f.end > block.start
        {
            let local = f.start.max(block.start) - block.start..f.end.min(block.end) - block.start;
            for (row, x0, x1) in pieces(self.geom, local) {
                self.painter.rect_filled(
                    self.row_rect(row, x0, x1).expand2(vec2(2.0, 3.0)),
                    2.0,
                    theme::focus_fill(self.colors.dark),
                );
            }
        }
        if let Some(sel) = self.overlay.selection
            && sel.overlaps_range(block.clone())
        {
            let r = sel.range();
            let local = r.start.saturating_sub(block.start)..r.end.min(block.end) - block.start;
            for (row, x0, x1) in pieces(self.geom, local) {
                self.painter
                    .rect_filled(self.row_rect(row, x0, x1), 0.0, self.colors.sel_fill);
            }
        }
    }

    /// Search hits in this block (found by binary search: hits are in order).
    fn hits(&self) -> Option<()> {
        let block = &self.block;
        let hits = self.overlay.hits;
        let first = hits.partition_point(|h| h.end() <= block.start);
        let fill = theme::search_hit_fill(self.colors.dark);
        let stroke = Stroke::new(1.5, theme::search_hit_stroke(self.colors.dark));
        for h in hits
            .get(first..)?
            .iter()
            .take_while(|h| h.start() < block.end)
        {
            let r = h.range();
            let local = r.start.max(block.start) - block.start..r.end.min(block.end) - block.start;
            let current = self.overlay.current_hit == Some(*h);
            for (row, x0, x1) in pieces(self.geom, local) {
                let rect = self.row_rect(row, x0, x1);
                self.painter.rect_filled(rect, 1.0, fill);
                if current {
                    self.painter
                        .rect_stroke(rect, 1.0, stroke, StrokeKind::Outside);
                }
            }
        }
        Some(())
    }

    /// 3. Underline bars, one level per nesting depth, and outlines.
    fn underlines(&self, spans: &[(&Span, usize)]) {
        let (m, painter) = (self.m, self.painter);
        let levels = m.levels();
        for (s, level) in spans {
            let color = theme::label_color(self.color_of(&s.label));
            let lv = (*level).min(levels - 1) as f32;
            let selected = self.overlay.selected_span == Some(s.id);
            let hovered = self.overlay.hovered_spans.contains(&s.id);
            let pieces = span_pieces(self.geom, s, &self.block);
            if s.is_discontinuous() {
                // Fragments joined by a thin line at the underline's height, so the
                // parts read as one span (on the same row; across rows each part ends
                // at its row's edge).
                for w in pieces.windows(2) {
                    let ((ra, _, a1), (rb, b0, _)) = (w[0], w[1]);
                    if ra == rb && b0 > a1 {
                        let y = self.row_rect(ra, a1, b0).max.y
                            + 1.0
                            + lv * (m.bar + 1.0)
                            + m.bar / 2.0;
                        let left = pos2(self.top.x + a1, y);
                        let right = pos2(self.top.x + b0, y);
                        painter.extend(egui::Shape::dashed_line(
                            &[left, right],
                            Stroke::new(1.0, color),
                            3.0,
                            2.0,
                        ));
                    }
                }
            }
            let mark = self
                .overlay
                .marks
                .and_then(|m| m.get(&s.id))
                .and_then(|m| theme::diff_mark(*m));
            for (row, x0, x1) in pieces {
                let r = self.row_rect(row, x0, x1);
                if let Some((c, _)) = mark {
                    painter.rect_stroke(
                        r.expand(1.0),
                        2.0,
                        Stroke::new(1.5, c),
                        StrokeKind::Outside,
                    );
                }
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
                        Stroke::new(2.0, self.colors.sel_stroke),
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
    }

    /// Suggestions in this block (binary search: they are in order): a dashed outline
    /// round each piece, no fill. Returns where their tags go (row, x, index).
    fn suggestions(&self) -> Vec<(u32, f32, usize)> {
        let block = &self.block;
        let all = self.overlay.suggestions;
        let first = all.partition_point(|s| s.span.end() <= block.start);
        let mut tags = Vec::new();
        for (i, s) in all.iter().enumerate().skip(first) {
            if s.span.start() >= block.end {
                break;
            }
            let color = theme::label_color(self.color_of(&s.label));
            let current = self.overlay.current_suggestion == Some(s.span);
            let r = s.span.range();
            let local = r.start.max(block.start) - block.start..r.end.min(block.end) - block.start;
            for (k, (row, x0, x1)) in pieces(self.geom, local).into_iter().enumerate() {
                let rect = self.row_rect(row, x0, x1).expand(1.0);
                if current {
                    self.painter.rect_stroke(
                        rect.expand(0.5),
                        2.0,
                        Stroke::new(2.0, self.colors.sel_stroke),
                        StrokeKind::Outside,
                    );
                } else {
                    dashed_rect(self.painter, rect, Stroke::new(1.2, color));
                }
                if k == 0 && s.span.start() >= block.start {
                    tags.push((row, x0, i));
                }
            }
        }
        tags
    }

    /// Step 4: label tags above each span's first character, pushed right when they
    /// collide; suggestions' tags are italic and outlined, with no fill.
    fn tags(
        &self,
        spans: &[(&Span, usize)],
        suggestions: &[(u32, f32, usize)],
        tag_hits: &mut Vec<(crate::model::SpanId, Rect)>,
    ) {
        let (geom, block, m, painter) = (self.geom, &self.block, self.m, self.painter);
        let tag_font = theme::tag_font();
        let mut next_free: HashMap<u32, f32> = HashMap::new();
        let mut tags: Vec<(u32, f32, &Span)> = spans
            .iter()
            .filter(|(s, _)| s.range.start() >= block.start && s.range.start() < block.end)
            .filter_map(|(s, _)| {
                let first = span_pieces(geom, s, block)
                    .into_iter()
                    .find(|(row, _, _)| {
                        Some(*row) == geom.boxes.get(s.range.start() - block.start).map(|b| b.row)
                    })?;
                Some((first.0, first.1, *s))
            })
            .collect();
        tags.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
        for (row, x, s) in tags {
            let color = theme::label_color(self.color_of(&s.label));
            let text_color = theme::text_on(color);
            let mark = self
                .overlay
                .marks
                .and_then(|m| m.get(&s.id))
                .and_then(|m| theme::diff_mark(*m));
            let text = match mark {
                Some((_, sign)) => format!("{} {sign}", s.label),
                None => s.label.to_string(),
            };
            let galley = painter.layout_no_wrap(text, tag_font.clone(), text_color);
            let free = next_free.entry(row).or_insert(f32::MIN);
            let x = x.max(*free);
            let w = galley.size().x + 6.0;
            *free = x + w + 2.0;
            let y = self.top.y + row as f32 * m.pitch() + m.arc_band;
            let r = Rect::from_min_size(pos2(self.top.x + x, y), vec2(w, m.tag_band - 1.0));
            tag_hits.push((s.id, r));
            painter.rect_filled(r, 3.0, color);
            if let Some((c, _)) = mark {
                painter.rect_stroke(r, 3.0, Stroke::new(2.0, c), StrokeKind::Outside);
            }
            if self.overlay.selected_span == Some(s.id) {
                painter.rect_stroke(
                    r,
                    3.0,
                    Stroke::new(1.5, self.colors.sel_stroke),
                    StrokeKind::Outside,
                );
            }
            painter.galley(
                pos2(r.min.x + 3.0, r.center().y - galley.size().y / 2.0),
                galley,
                text_color,
            );
        }
        for &(row, x, i) in suggestions {
            let Some(s) = self.overlay.suggestions.get(i) else {
                continue;
            };
            let color = theme::label_color(self.color_of(&s.label));
            let mut job = egui::text::LayoutJob::default();
            job.append(
                s.label.as_str(),
                0.0,
                egui::TextFormat {
                    font_id: tag_font.clone(),
                    color,
                    italics: true,
                    ..Default::default()
                },
            );
            let galley = painter.layout_job(job);
            let free = next_free.entry(row).or_insert(f32::MIN);
            let x = x.max(*free);
            let w = galley.size().x + 6.0;
            *free = x + w + 2.0;
            let y = self.top.y + row as f32 * m.pitch() + m.arc_band;
            let r = Rect::from_min_size(pos2(self.top.x + x, y), vec2(w, m.tag_band - 1.0));
            dashed_rect(painter, r, Stroke::new(1.0, color));
            painter.galley(
                pos2(r.min.x + 3.0, r.center().y - galley.size().y / 2.0),
                galley,
                color,
            );
        }
    }
}

/// A rectangle outlined with dashes (suggestions: not yet the analyst's).
fn dashed_rect(painter: &egui::Painter, r: Rect, stroke: Stroke) {
    let pts = [
        r.left_top(),
        r.right_top(),
        r.right_bottom(),
        r.left_bottom(),
        r.left_top(),
    ];
    painter.extend(egui::Shape::dashed_line(&pts, stroke, 3.0, 2.0));
}

/// Paint block `block` (its char range) laid out as `geom`, its top-left at `top`.
pub(super) fn paint_block(
    painter: &egui::Painter,
    geom: &BlockGeom,
    block: Range<usize>,
    top: Pos2,
    m: &Metrics,
    overlay: &Overlay<'_>,
    colors: Colors,
) -> Vec<(crate::model::SpanId, Rect)> {
    let spans = nested_spans(overlay, &block);
    let p = BlockPainter {
        painter,
        geom,
        block,
        top,
        m,
        overlay,
        colors,
    };
    p.fills(&spans);
    // 2. The text.
    painter.galley(top, geom.galley.clone(), colors.text);
    p.underlines(&spans);
    let suggestions = p.suggestions();
    let mut tag_hits = Vec::new();
    p.tags(&spans, &suggestions, &mut tag_hits);
    tag_hits
}
