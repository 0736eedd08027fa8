//! Relation arcs, drawn above the text as brat draws them: from the top of one span's
//! label tag up to a level, across, and down to the other span, with an arrowhead at
//! the target (none for symmetric types) and the type's name on the arc. An arc whose
//! other end is on another row goes to the edge of the row (towards the other end) and
//! is continued from the edge of the other end's row.
//!
//! Levels are assigned per row each frame (shortest arc lowest; an arc takes the lowest
//! level where neither it nor its label meets another), over the relations with an end
//! on screen only: an index of relation ends sorted by position, rebuilt when the
//! document's revision changes, is searched for the visible range, so a frame's work
//! follows what is visible. When a row needs more levels than the band has, the layout
//! grows the band (next frame) up to [`MAX_ARC_LEVELS`].

use super::layout::BlockGeom;
use super::{DocLayout, Metrics, Overlay};
use crate::app::theme;
use crate::model::{AnnotationSet, Label, RelationId, SpanId};
use egui::{Color32, Pos2, Rect, Stroke, pos2, vec2};
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

/// Height of one arc level.
pub const ARC_LEVEL_H: f32 = 13.0;
/// Most levels the band grows to; beyond, arcs share the top level.
pub const MAX_ARC_LEVELS: usize = 8;

/// One relation's ends: char offsets of its spans (the start and end of each).
#[derive(Debug, Clone)]
pub(super) struct ArcEnds {
    pub id: RelationId,
    pub label: Label,
    pub from: Range<usize>,
    pub to: Range<usize>,
}

/// The relations of one revision of a document, sorted two ways for range queries.
#[derive(Debug, Default)]
pub(super) struct ArcIndex {
    pub revision: Option<u64>,
    pub arcs: Vec<ArcEnds>,
    /// Indices into `arcs` by the start of the `from` span, and of the `to` span.
    by_from: Vec<usize>,
    by_to: Vec<usize>,
}

impl ArcIndex {
    pub fn build(set: &AnnotationSet, revision: u64) -> Self {
        let spans: HashMap<SpanId, Range<usize>> =
            set.iter().map(|s| (s.id, s.range.range())).collect();
        let arcs: Vec<ArcEnds> = set
            .relations()
            .iter()
            .filter_map(|r| {
                Some(ArcEnds {
                    id: r.id,
                    label: r.label.clone(),
                    from: spans.get(&r.from)?.clone(),
                    to: spans.get(&r.to)?.clone(),
                })
            })
            .collect();
        let mut by_from: Vec<usize> = (0..arcs.len()).collect();
        by_from.sort_by_key(|&i| arcs[i].from.start);
        let mut by_to: Vec<usize> = (0..arcs.len()).collect();
        by_to.sort_by_key(|&i| arcs[i].to.start);
        Self {
            revision: Some(revision),
            arcs,
            by_from,
            by_to,
        }
    }

    /// Arcs with an end starting in `chars`, each once.
    fn touching(&self, chars: Range<usize>) -> Vec<usize> {
        let mut out = Vec::new();
        for (order, key) in [
            (
                &self.by_from,
                (|a: &ArcEnds| a.from.start) as fn(&ArcEnds) -> usize,
            ),
            (&self.by_to, |a: &ArcEnds| a.to.start),
        ] {
            let lo = order.partition_point(|&i| key(&self.arcs[i]) < chars.start);
            for &i in &order[lo..] {
                if key(&self.arcs[i]) >= chars.end {
                    break;
                }
                out.push(i);
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// A piece of an arc on one row: from `x0` to `x1` (screen), its label, which ends
/// carry an arrowhead, and whether each end drops to a span (else it runs off the row
/// edge).
struct Piece {
    arc: usize,
    row_top: f32,
    x0: f32,
    x1: f32,
    drop0: bool,
    drop1: bool,
    arrow0: bool,
    arrow1: bool,
    label_w: f32,
}

/// Where a span's arc attaches: its row's top (screen y) and the middle of its first
/// row's piece (screen x), if the span's start is in a painted block.
fn anchor(
    visible: &[(usize, Arc<BlockGeom>, Range<usize>, Pos2)],
    span: &Range<usize>,
    m: &Metrics,
) -> Option<(f32, f32)> {
    let at = visible.partition_point(|(_, _, b, _)| b.end <= span.start);
    let (_, geom, block, top) = visible.get(at)?;
    if !block.contains(&span.start) {
        return None;
    }
    let first = geom.boxes.get(span.start - block.start)?;
    let last_char = span.end.min(block.end).saturating_sub(1).max(span.start);
    let last = geom
        .boxes
        .get(last_char - block.start)
        .filter(|b| b.row == first.row)
        .unwrap_or(first);
    let (x0, x1) = (first.x0.min(last.x0), first.x1.max(last.x1));
    Some((
        top.y + first.row as f32 * m.pitch(),
        top.x + (x0 + x1) / 2.0,
    ))
}

/// What painting the arcs found: the levels the busiest row needed, and where each
/// arc's label was drawn (for clicks).
pub(super) struct ArcFrame {
    pub needed: usize,
    pub hits: Vec<(RelationId, Rect)>,
}

/// Paint the arcs with an end in the painted blocks `visible` (block index, geometry,
/// char range, screen top-left).
pub(super) fn paint_arcs(
    painter: &egui::Painter,
    index: &ArcIndex,
    visible: &[(usize, Arc<BlockGeom>, Range<usize>, Pos2)],
    (left, right): (f32, f32),
    m: &Metrics,
    overlay: &Overlay<'_>,
    colors: super::paint::Colors,
) -> ArcFrame {
    let mut frame = ArcFrame {
        needed: 0,
        hits: Vec::new(),
    };
    let (Some(first), Some(last)) = (visible.first(), visible.last()) else {
        return frame;
    };
    if m.arc_band <= 0.0 {
        return frame;
    }
    let chars = first.2.start..last.2.end;
    let font = theme::tag_font();
    let mut pieces: Vec<Piece> = Vec::new();
    for i in index.touching(chars) {
        let a = &index.arcs[i];
        let symmetric = overlay.symmetric.contains(&a.label);
        let label_w = painter
            .layout_no_wrap(a.label.to_string(), font.clone(), Color32::WHITE)
            .size()
            .x
            + 6.0;
        let from = anchor(visible, &a.from, m);
        let to = anchor(visible, &a.to, m);
        // Which way the other end lies, in the text.
        let forward = a.to.start >= a.from.start;
        match (from, to) {
            (Some((ya, xa)), Some((yb, xb))) if (ya - yb).abs() < 0.5 => {
                let (x0, x1, arrow0, arrow1) = if xa <= xb {
                    (xa, xb, false, !symmetric)
                } else {
                    (xb, xa, !symmetric, false)
                };
                pieces.push(Piece {
                    arc: i,
                    row_top: ya,
                    x0,
                    x1,
                    drop0: true,
                    drop1: true,
                    arrow0,
                    arrow1,
                    label_w,
                });
            }
            (f, t) => {
                // Each visible end runs to its row's edge towards the other end.
                for (end, is_to) in [(f, false), (t, true)] {
                    let Some((y, x)) = end else { continue };
                    let towards_right = forward != is_to;
                    let (x0, x1) = if towards_right { (x, right) } else { (left, x) };
                    // The arrowhead drops into the target span.
                    let arrow = is_to && !symmetric;
                    pieces.push(Piece {
                        arc: i,
                        row_top: y,
                        x0,
                        x1,
                        drop0: towards_right,
                        drop1: !towards_right,
                        arrow0: arrow && towards_right,
                        arrow1: arrow && !towards_right,
                        label_w,
                    });
                }
            }
        }
    }
    // Levels per row: shortest first, each on the lowest level where it fits.
    pieces.sort_by(|a, b| {
        a.row_top
            .total_cmp(&b.row_top)
            .then((a.x1 - a.x0).total_cmp(&(b.x1 - b.x0)))
    });
    let capacity = ((m.arc_band - 2.0) / ARC_LEVEL_H).floor().max(1.0) as usize;
    let mut taken: Vec<Vec<(f32, f32)>> = Vec::new();
    let mut row = f32::NAN;
    for p in &pieces {
        if p.row_top != row {
            row = p.row_top;
            taken.clear();
        }
        let mid = (p.x0 + p.x1) / 2.0;
        let span = (
            p.x0.min(mid - p.label_w / 2.0) - 2.0,
            p.x1.max(mid + p.label_w / 2.0) + 2.0,
        );
        let level = (0..)
            .find(|&l| {
                taken.get(l).is_none_or(|v: &Vec<(f32, f32)>| {
                    v.iter().all(|&(a, b)| span.1 <= a || b <= span.0)
                })
            })
            .unwrap_or(0);
        if taken.len() <= level {
            taken.resize(level + 1, Vec::new());
        }
        taken[level].push(span);
        frame.needed = frame.needed.max(level + 1);
        let shown = level.min(capacity - 1);
        let a = &index.arcs[p.arc];
        let selected = overlay.selected_relation == Some(a.id);
        let color = match overlay.colors.get(a.label.as_str()) {
            Some(c) => theme::label_color(*c),
            None => colors.text.gamma_multiply(0.8),
        };
        let stroke = if selected {
            Stroke::new(2.5, colors.sel_stroke)
        } else {
            Stroke::new(1.3, color)
        };
        let base = p.row_top + m.arc_band;
        let y = p.row_top + m.arc_band - 2.0 - (shown as f32 + 0.5) * ARC_LEVEL_H;
        let corner = 4.0f32.min((p.x1 - p.x0) / 2.0);
        let mut pts = Vec::new();
        if p.drop0 {
            pts.push(pos2(p.x0, base - 1.0));
            pts.push(pos2(p.x0, y + corner));
            pts.push(pos2(p.x0 + corner, y));
        } else {
            pts.push(pos2(p.x0, y));
        }
        if p.drop1 {
            pts.push(pos2(p.x1 - corner, y));
            pts.push(pos2(p.x1, y + corner));
            pts.push(pos2(p.x1, base - 1.0));
        } else {
            pts.push(pos2(p.x1, y));
        }
        painter.add(egui::Shape::line(pts, stroke));
        for (x, arrow) in [(p.x0, p.arrow0), (p.x1, p.arrow1)] {
            if arrow {
                let tip = pos2(x, base - 1.0);
                let head = vec![tip, pos2(x - 3.5, tip.y - 6.0), pos2(x + 3.5, tip.y - 6.0)];
                painter.add(egui::Shape::convex_polygon(
                    head,
                    stroke.color,
                    Stroke::NONE,
                ));
            }
        }
        // The type's name on the arc, over a patch of the background.
        let galley = painter.layout_no_wrap(a.label.to_string(), font.clone(), stroke.color);
        let r = Rect::from_center_size(
            pos2(mid, y),
            vec2(p.label_w, galley.size().y.min(ARC_LEVEL_H)),
        );
        painter.rect_filled(r, 2.0, colors.background);
        painter.galley(
            pos2(r.min.x + 3.0, r.center().y - galley.size().y / 2.0),
            galley,
            stroke.color,
        );
        frame.hits.push((a.id, r));
    }
    frame
}

impl DocLayout {
    /// The span whose label tag is under `pos` (last frame).
    pub fn tag_at(&self, pos: Pos2) -> Option<SpanId> {
        self.tag_hits
            .iter()
            .rev()
            .find(|(_, r)| r.contains(pos))
            .map(|(id, _)| *id)
    }
    /// Where span `id`'s label tag was drawn (last frame).
    pub fn tag_rect(&self, id: SpanId) -> Option<Rect> {
        self.tag_hits
            .iter()
            .find(|(s, _)| *s == id)
            .map(|(_, r)| *r)
    }

    /// Arc labels drawn in the last frame.
    pub fn arc_count(&self) -> usize {
        self.arc_hits.len()
    }

    /// Where relation `id`'s label was drawn (last frame).
    pub fn relation_label_rect(&self, id: RelationId) -> Option<Rect> {
        self.arc_hits
            .iter()
            .find(|(r, _)| *r == id)
            .map(|(_, r)| *r)
    }

    /// The relation whose label is under `pos` (last frame).
    pub fn relation_at(&self, pos: Pos2) -> Option<RelationId> {
        self.arc_hits
            .iter()
            .find(|(_, r)| r.expand(2.0).contains(pos))
            .map(|(id, _)| *id)
    }
}
