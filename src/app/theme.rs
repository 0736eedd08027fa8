//! Fonts and colours.

use crate::model::Rgb;
use egui::{Color32, FontData, FontDefinitions, FontFamily, FontId};
use std::sync::Arc;

/// Noto Sans Arabic (SIL OFL 1.1, see assets/fonts/OFL.txt): egui's default fonts have
/// no Arabic, and its presentation forms are what the document view draws.
const NOTO_SANS_ARABIC: &[u8] = include_bytes!("../../assets/fonts/NotoSansArabic-Regular.ttf");

/// egui's default fonts with Noto Sans Arabic as a fallback for both families.
pub fn fonts() -> FontDefinitions {
    let mut defs = FontDefinitions::default();
    defs.font_data.insert(
        "NotoSansArabic".into(),
        Arc::new(FontData::from_static(NOTO_SANS_ARABIC)),
    );
    for family in [FontFamily::Proportional, FontFamily::Monospace] {
        if let Some(list) = defs.families.get_mut(&family) {
            list.push("NotoSansArabic".into());
        }
    }
    defs
}

pub fn install(ctx: &egui::Context) {
    ctx.set_fonts(fonts());
    ctx.options_mut(|o| o.theme_preference = egui::ThemePreference::System);
    ctx.all_styles_mut(|s| {
        // A thumb that can be found and dragged on a 1 MB document (egui's default
        // shrinks it to a dot), and a bar that does not float over the text.
        s.spacing.scroll.handle_min_length = SCROLL_THUMB_MIN;
        s.spacing.scroll.floating = false;
        s.spacing.scroll.bar_width = 12.0;
    });
}

/// Shortest scrollbar thumb, in points.
pub const SCROLL_THUMB_MIN: f32 = 40.0;

/// Font of the document text.
pub fn doc_font() -> FontId {
    FontId::proportional(15.0)
}

/// Font of the label tags drawn above spans.
pub fn tag_font() -> FontId {
    FontId::proportional(9.5)
}

pub fn label_color(rgb: Rgb) -> Color32 {
    let [r, g, b] = rgb.0;
    Color32::from_rgb(r, g, b)
}

/// The translucent fill behind a span: overlapping spans add up, so overlaps show.
pub fn span_fill(rgb: Rgb, dark: bool) -> Color32 {
    let [r, g, b] = rgb.0;
    Color32::from_rgba_unmultiplied(r, g, b, if dark { 80 } else { 60 })
}

/// Black or white, whichever reads better on `bg`.
pub fn text_on(bg: Color32) -> Color32 {
    let lum = 0.299 * bg.r() as f32 + 0.587 * bg.g() as f32 + 0.114 * bg.b() as f32;
    if lum > 150.0 {
        Color32::BLACK
    } else {
        Color32::WHITE
    }
}

/// Colour for labels that are not in the schema (imported or renamed).
pub const UNKNOWN_LABEL: Rgb = Rgb([0x88, 0x88, 0x88]);

/// Behind a search hit (the current one gets the stroke too).
pub fn search_hit_fill(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgba_unmultiplied(255, 200, 0, 70)
    } else {
        Color32::from_rgba_unmultiplied(255, 190, 0, 110)
    }
}

/// Outline of the current search hit and its tick in the overview strip.
pub fn search_hit_stroke(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(255, 196, 0)
    } else {
        Color32::from_rgb(200, 120, 0)
    }
}
