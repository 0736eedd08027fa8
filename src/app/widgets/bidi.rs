//! Display clusters for text egui cannot lay out by itself: Arabic letter forms and
//! bidirectional reordering (shared/rtl.md, workaround W1).
//!
//! egui 0.37 shapes each section separately and has no bidi algorithm; on a right-to-left
//! run of more than one cluster its glyph list no longer matches the characters, so its
//! own cursor mapping returns wrong offsets. Here a block of text becomes a list of
//! *clusters* in logical order, each with the logical characters it covers and the
//! characters to display: Arabic letters are replaced by their contextual presentation
//! form (lam + alef become one ligature covering two characters), brackets inside
//! right-to-left runs are mirrored, combining marks ride on their base in left-to-right
//! runs. The caller breaks lines, reorders each line with [`visual_order`] and gives egui
//! one section per cluster, so egui never reorders anything and every glyph maps back to
//! a known logical offset.

use ar_reshaper::form::Forms;
use ar_reshaper::letters::letters_db::LETTERS_ARABIC;
use unicode_bidi::{BidiClass, Level, ParagraphBidiInfo, bidi_class};

/// One display unit, in logical order.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// First logical char (offset within the block).
    pub logical: usize,
    /// Logical chars covered (2 for a lam-alef ligature, base + marks in LTR runs).
    pub len: usize,
    /// Byte range of its display text in [`Shaped::display`].
    pub display: std::ops::Range<usize>,
    /// Bidi embedding level (odd = right to left).
    pub level: u8,
    pub is_space: bool,
}

/// A block of text prepared for display.
#[derive(Debug, Clone)]
pub struct Shaped {
    pub display: String,
    pub clusters: Vec<Cluster>,
    /// Paragraph level: odd when the block reads right to left (first strong char).
    pub paragraph_level: u8,
}

/// True when a text needs this module: it has right-to-left characters or explicit
/// direction controls. Pure left-to-right text is laid out by egui directly.
pub fn needs_bidi(text: &str) -> bool {
    text.chars().any(|c| {
        (c as u32) >= 0x0590
            && matches!(
                bidi_class(c),
                BidiClass::R
                    | BidiClass::AL
                    | BidiClass::RLE
                    | BidiClass::RLO
                    | BidiClass::RLI
                    | BidiClass::FSI
                    | BidiClass::LRE
                    | BidiClass::LRO
                    | BidiClass::LRI
                    | BidiClass::PDF
                    | BidiClass::PDI
            )
    })
}

fn forms(c: char) -> Option<&'static Forms> {
    LETTERS_ARABIC.iter().find(|(l, _)| *l == c).map(|(_, f)| f)
}
fn joins_before(c: char) -> bool {
    forms(c).is_some_and(|f| f.end != '\0' || f.medial != '\0')
}
fn joins_after(c: char) -> bool {
    forms(c).is_some_and(|f| f.initial != '\0' || f.medial != '\0')
}

/// Marks that sit on the previous letter and do not break Arabic joining.
fn is_mark(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05BD | 0x05BF | 0x05C1..=0x05C2
        | 0x05C4..=0x05C5 | 0x05C7 | 0x0610..=0x061A | 0x064B..=0x065F | 0x0670
        | 0x06D6..=0x06DC | 0x06DF..=0x06E4 | 0x06E7..=0x06E8 | 0x06EA..=0x06ED
        | 0x08D3..=0x08FF | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x200D | 0x20D0..=0x20FF
        | 0xFE00..=0xFE0F | 0xFE20..=0xFE2F)
}

const LAM: char = '\u{0644}';

/// Lam-alef ligature forms (isolated, final) for the alef that follows a lam.
fn lam_alef(alef: char) -> Option<(char, char)> {
    Some(match alef {
        '\u{0622}' => ('\u{FEF5}', '\u{FEF6}'),
        '\u{0623}' => ('\u{FEF7}', '\u{FEF8}'),
        '\u{0625}' => ('\u{FEF9}', '\u{FEFA}'),
        '\u{0627}' => ('\u{FEFB}', '\u{FEFC}'),
        _ => return None,
    })
}

fn mirror(c: char) -> char {
    match c {
        '(' => ')',
        ')' => '(',
        '[' => ']',
        ']' => '[',
        '{' => '}',
        '}' => '{',
        '<' => '>',
        '>' => '<',
        '«' => '»',
        '»' => '«',
        '‹' => '›',
        '›' => '‹',
        c => c,
    }
}

/// Prepare a block (one line or part of a line, no line breaks) for display.
pub fn shape(text: &str) -> Shaped {
    let chars: Vec<char> = text.chars().collect();
    let info = ParagraphBidiInfo::new(text, None);
    let levels: Vec<u8> = text
        .char_indices()
        .map(|(b, _)| info.levels.get(b).map_or(0, |l| l.number()))
        .collect();
    let paragraph_level = info.paragraph_level.number();
    let prev_letter = |i: usize| chars[..i].iter().rev().find(|c| !is_mark(**c)).copied();
    let next_letter = |i: usize| chars[i + 1..].iter().find(|c| !is_mark(**c)).copied();

    let mut display = String::with_capacity(text.len() + 8);
    let mut clusters: Vec<Cluster> = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let level = levels[i];
        let start = display.len();
        let mut len = 1;
        if let Some(f) = forms(c) {
            let joined_before = prev_letter(i).is_some_and(joins_after) && joins_before(c);
            let ligature = (c == LAM)
                .then(|| chars.get(i + 1).copied().and_then(lam_alef))
                .flatten();
            if let Some((isolated, final_)) = ligature {
                display.push(if joined_before { final_ } else { isolated });
                len = 2;
            } else {
                let joined_after = joins_after(c) && next_letter(i).is_some_and(joins_before);
                let form = match (joined_before, joined_after) {
                    (false, false) => f.isolated,
                    (false, true) => f.initial,
                    (true, true) => f.medial,
                    (true, false) => f.end,
                };
                let form = [form, f.isolated, c].into_iter().find(|&x| x != '\0');
                display.push(form.unwrap_or(c));
            }
        } else if is_mark(c)
            && level.is_multiple_of(2)
            && clusters.last().is_some_and(|l| l.level % 2 == 0)
        {
            // A mark on a left-to-right base: shaped together with it.
            display.push(c);
            if let Some(last) = clusters.last_mut() {
                last.len += 1;
                last.display.end = display.len();
            }
            i += 1;
            continue;
        } else if level % 2 == 1 {
            display.push(mirror(c));
        } else {
            display.push(c);
        }
        clusters.push(Cluster {
            logical: i,
            len,
            display: start..display.len(),
            level,
            is_space: c.is_whitespace(),
        });
        i += len;
    }
    Shaped {
        display,
        clusters,
        paragraph_level,
    }
}

/// Visual order (indices into `clusters[line]`, left to right) of one line, with
/// trailing white space at the paragraph level (UAX #9 rule L1).
pub fn visual_order(clusters: &[Cluster], paragraph_level: u8) -> Vec<usize> {
    let mut levels: Vec<Level> = clusters
        .iter()
        .map(|c| Level::new(c.level).unwrap_or(Level::ltr()))
        .collect();
    let para = Level::new(paragraph_level).unwrap_or(Level::ltr());
    for (l, c) in levels.iter_mut().zip(clusters).rev() {
        if !c.is_space {
            break;
        }
        *l = para;
    }
    ParagraphBidiInfo::reorder_visual(&levels)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn visual(text: &str) -> String {
        let s = shape(text);
        let order = visual_order(&s.clusters, s.paragraph_level);
        order
            .into_iter()
            .map(|i| &s.display[s.clusters[i].display.clone()])
            .collect()
    }

    #[test]
    fn arabic_letters_join_and_runs_reverse() {
        // حلب: hah initial, lam medial, beh final; shown right to left.
        let v = visual("in حلب today");
        assert_eq!(v, "in \u{FE90}\u{FEE0}\u{FEA3} today");
        let s = shape("حلب");
        assert_eq!(s.paragraph_level, 1);
        assert_eq!(s.clusters.len(), 3);
    }

    #[test]
    fn lam_alef_is_one_cluster_of_two_chars() {
        let s = shape("الإنسان");
        let lig = s.clusters.iter().find(|c| c.len == 2).unwrap();
        // Alef before it does not join forward, so the ligature is the isolated form.
        assert_eq!(&s.display[lig.display.clone()], "\u{FEF9}");
        assert_eq!(lig.logical, 1);
        let covered: usize = s.clusters.iter().map(|c| c.len).sum();
        assert_eq!(covered, 7);
    }

    #[test]
    fn multi_word_arabic_name_keeps_word_order_in_ltr_text() {
        // Logical "محمود الحلبي" inside English: the first word must be the rightmost.
        let v = visual("Mr محمود الحلبي said");
        let first_word_pos = v.find('\u{FEE3}').unwrap(); // meem initial (start of محمود)
        let second_word_pos = v.find('\u{FE8D}').unwrap(); // isolated alef (start of الحلبي)
        assert!(second_word_pos < first_word_pos, "{v}");
        assert!(v.starts_with("Mr ") && v.ends_with(" said"));
    }

    #[test]
    fn brackets_mirror_inside_rtl_and_marks_ride_on_ltr_bases() {
        // Right-to-left paragraph: reversed, with the brackets mirrored so they still
        // enclose the word.
        let v = visual("قال (حلب)");
        assert_eq!(v, "(\u{FE90}\u{FEE0}\u{FEA3}) \u{FEDD}\u{FE8E}\u{FED7}");
        let s = shape("Cafe\u{301} x");
        assert_eq!(s.clusters[3].len, 2);
        assert!(!needs_bidi("Café 😀 “quoted”"));
        assert!(needs_bidi("x حلب"));
    }
}

/// A one-line label for text that may contain Arabic or Hebrew: plain egui labels reverse
/// the word order of right-to-left text (shared/rtl.md), so such text gets one section
/// per cluster in visual order, like the document view. Line breaks become spaces.
pub fn label_job(text: &str, font: egui::FontId, color: egui::Color32) -> egui::text::LayoutJob {
    use egui::text::{LayoutJob, LayoutSection, TextFormat};
    let one_line: String = text
        .chars()
        .map(|c| {
            if crate::text::is_line_break(c) {
                ' '
            } else {
                c
            }
        })
        .collect();
    let format = TextFormat::simple(font, color);
    if !needs_bidi(&one_line) {
        return LayoutJob::single_section(one_line, format);
    }
    let shaped = shape(&one_line);
    let mut job = LayoutJob::default();
    for k in visual_order(&shaped.clusters, shaped.paragraph_level) {
        let c = &shaped.clusters[k];
        let start = job.text.len();
        job.text.push_str(&shaped.display[c.display.clone()]);
        job.sections.push(LayoutSection {
            leading_space: 0.0,
            byte_range: egui::epaint::text::ByteIndex(start)
                ..egui::epaint::text::ByteIndex(job.text.len()),
            format: format.clone(),
        });
    }
    job
}

#[cfg(test)]
mod label_tests {
    use super::*;

    #[test]
    fn labels_keep_latin_as_is_and_order_arabic_visually() {
        let f = egui::FontId::proportional(12.0);
        let c = egui::Color32::WHITE;
        assert_eq!(label_job("Rami\r\nsaid", f.clone(), c).text, "Rami  said");
        let job = label_job("PER “محمود الحلبي”", f, c);
        assert!(job.text.starts_with("PER “"));
        assert_eq!(job.sections.len(), job.text.chars().count());
        // The first logical word (starting with meem) is drawn to the right of the second.
        assert!(job.text.find('\u{FEE3}').unwrap() > job.text.find('\u{FE8D}').unwrap());
    }
}
