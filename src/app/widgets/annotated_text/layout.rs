//! Layout of one block into a [`BlockGeom`]: egui wraps plain left-to-right text;
//! text with right-to-left runs is shaped, line-broken and reordered here (see
//! [`bidi`]) and handed to egui one section per cluster. Either way the geometry (a map
//! from screen x to logical character per row, a box per character) comes from the
//! galley's glyphs, or from the fallback when egui's glyphs do not match our clusters.

use super::Metrics;
use crate::app::widgets::bidi;
use egui::text::{LayoutJob, LayoutSection, TextFormat, TextWrapping};
use egui::{Align, Color32, FontId, Galley, Pos2, Rect, pos2, vec2};
use std::ops::Range;
use std::sync::Arc;

/// A cluster on screen: `x0..x1` in its row shows logical chars `logical..logical+len`
/// (block-relative).
#[derive(Debug, Clone, Copy)]
pub(super) struct Hit {
    pub x0: f32,
    pub x1: f32,
    pub logical: u32,
    pub len: u32,
}

/// Where one logical char is drawn: its row and horizontal extent.
#[derive(Debug, Clone, Copy)]
pub(super) struct CharBox {
    pub row: u32,
    pub x0: f32,
    pub x1: f32,
}

/// A laid-out block: the galley to paint and the maps between screen and characters.
#[derive(Debug)]
pub(super) struct BlockGeom {
    pub galley: Arc<Galley>,
    /// Hits of each row, in left-to-right order.
    pub rows: Vec<Vec<Hit>>,
    /// One box per logical char of the block.
    pub boxes: Vec<CharBox>,
    pub height: f32,
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
/// right-to-left runs is shaped, wrapped and reordered here (see [`bidi`]).
pub(super) fn layout_block(
    fonts: &mut egui::epaint::text::FontsView<'_>,
    text: &str,
    width: f32,
    m: &Metrics,
    ends_line: bool,
) -> BlockGeom {
    let font = crate::app::theme::doc_font();
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
    let lines = break_lines(&shaped.clusters, &widths, width);
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

/// Greedy line breaking in logical order, at white space: the clusters of each line
/// (at least one line, possibly empty).
fn break_lines(clusters: &[bidi::Cluster], widths: &[f32], width: f32) -> Vec<Range<usize>> {
    let mut lines: Vec<Range<usize>> = Vec::new();
    let mut start = 0;
    let mut x = 0.0f32;
    let mut last_break: Option<usize> = None;
    let mut i = 0;
    while i < clusters.len() {
        let c = &clusters[i];
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
    if start < clusters.len() || lines.is_empty() {
        lines.push(start..clusters.len());
    }
    lines
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
        placed_row.pos = pos2(x_off, r as f32 * m.pitch() + m.text_top());
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
        placed_row.pos = pos2(0.0, r as f32 * m.pitch() + m.text_top());
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
        .translate(vec2(0.0, m.text_top()))
        .union(Rect::from_min_size(Pos2::ZERO, vec2(1.0, height)));
    BlockGeom {
        galley: Arc::new(placed),
        rows,
        boxes,
        height,
    }
}
