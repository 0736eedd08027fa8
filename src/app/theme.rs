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

/// Text on the panels, dark theme: about 13:1 on egui's dark panel (#1B1B1B); egui's
/// own grey (#8C8C8C) is 5.6:1, too faint for reading all day.
pub const DARK_TEXT: Color32 = Color32::from_gray(225);
/// Text on the panels, light theme: about 17:1 on egui's light panel.
pub const LIGHT_TEXT: Color32 = Color32::from_gray(20);

/// Light, dark, or whatever the system says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum ThemeChoice {
    #[default]
    System,
    Light,
    Dark,
}

impl ThemeChoice {
    pub const ALL: [ThemeChoice; 3] = [ThemeChoice::System, ThemeChoice::Light, ThemeChoice::Dark];
    pub fn name(self) -> &'static str {
        match self {
            ThemeChoice::System => "Follow the system",
            ThemeChoice::Light => "Light",
            ThemeChoice::Dark => "Dark",
        }
    }
    pub fn apply(self, ctx: &egui::Context) {
        ctx.options_mut(|o| {
            o.theme_preference = match self {
                ThemeChoice::System => egui::ThemePreference::System,
                ThemeChoice::Light => egui::ThemePreference::Light,
                ThemeChoice::Dark => egui::ThemePreference::Dark,
            }
        });
    }
}

/// WCAG contrast ratio of two colours (1 to 21).
pub fn contrast(a: Color32, b: Color32) -> f32 {
    fn lum(c: Color32) -> f32 {
        let ch = |v: u8| {
            let v = v as f32 / 255.0;
            if v <= 0.03928 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * ch(c.r()) + 0.7152 * ch(c.g()) + 0.0722 * ch(c.b())
    }
    let (la, lb) = (lum(a), lum(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

pub fn install(ctx: &egui::Context) {
    ctx.set_fonts(fonts());
    ThemeChoice::System.apply(ctx);
    ctx.style_mut_of(egui::Theme::Dark, |s| {
        s.visuals.widgets.noninteractive.fg_stroke.color = DARK_TEXT;
    });
    ctx.style_mut_of(egui::Theme::Light, |s| {
        s.visuals.widgets.noninteractive.fg_stroke.color = LIGHT_TEXT;
    });
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

/// Colour and sign of a difference mark in the layer comparison (on the span's tag and
/// round the span): only in this layer, another label, other bounds.
pub fn diff_mark(mark: crate::curate::Mark) -> Option<(Color32, &'static str)> {
    use crate::curate::Mark;
    match mark {
        Mark::Same => None,
        Mark::OnlyHere => Some((Color32::from_rgb(0xd6, 0x27, 0x28), "+")),
        Mark::OtherLabel => Some((Color32::from_rgb(0xe6, 0x7e, 0x00), "≠")),
        Mark::OtherBounds => Some((Color32::from_rgb(0x8e, 0x44, 0xad), "↔")),
    }
}

/// Behind the disagreement being curated.
pub fn focus_fill(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgba_unmultiplied(255, 220, 0, 70)
    } else {
        Color32::from_rgba_unmultiplied(255, 200, 0, 70)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 8.8: body text at 7:1 or better on the panels in both themes.
    #[test]
    fn body_text_contrast_is_at_least_7_to_1_in_both_themes() {
        let ctx = egui::Context::default();
        install(&ctx);
        for theme in [egui::Theme::Dark, egui::Theme::Light] {
            let style = ctx.style_of(theme);
            let v = &style.visuals;
            for bg in [v.panel_fill, v.window_fill, v.extreme_bg_color] {
                let c = contrast(v.text_color(), bg);
                assert!(
                    c >= 7.0,
                    "{theme:?}: {:?} on {bg:?} is {c:.1}:1",
                    v.text_color()
                );
            }
        }
        assert!(
            contrast(Color32::from_gray(140), Color32::from_gray(27)) < 7.0,
            "the old grey fails"
        );
    }
}
