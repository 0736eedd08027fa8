//! The document area: problems of the document, then the annotated text with mouse
//! selection (drag, double-click, click on spans).

use crate::app::widgets::annotated_text::{Overlay, OverviewInput, STRIP_WIDTH};
use crate::app::widgets::bidi::label_job;
use crate::app::{Action, DocView, EntitleApp};
use crate::model::{AnnotationSet, DocId, Document};
use crate::session::DocProblem;
use crate::text::{self, CharSpan};
use egui::Pos2;

pub fn welcome_ui(app: &mut EntitleApp, ui: &mut egui::Ui) {
    ui.add_space(40.0);
    ui.vertical_centered(|ui| {
        ui.heading("Entitle");
        ui.label("Open a project folder, a folder of .txt files, or one .txt file.");
        ui.add_space(12.0);
        if ui.button("Open folder…").clicked() {
            app.pending.push(Action::OpenFolder);
        }
        if ui.button("Open file…").clicked() {
            app.pending.push(Action::OpenFile);
        }
        if ui.button("Open sample project").clicked() {
            app.pending.push(Action::OpenSample);
        }
        ui.add_space(8.0);
        ui.weak("You can also drop a folder or a .txt file on this window.");
    });
}

pub fn doc_view_ui(app: &mut EntitleApp, ui: &mut egui::Ui) {
    let (Some(session), Some(view)) = (app.session.as_ref(), app.view.as_mut()) else {
        ui.label("No document is open. Pick one in the list on the left.");
        return;
    };
    let problem = session.open_doc(&view.id).and_then(|o| o.problem.clone());
    if !problem_ui(ui, problem.as_ref(), &view.id, &mut app.pending) {
        return;
    }
    let Some(layout) = view.layout.as_mut() else {
        return;
    };
    if layout.doc().len_chars() == 0 {
        ui.add_space(20.0);
        ui.label(format!(
            "{} is empty: there is nothing to annotate.",
            view.id
        ));
        return;
    }
    let Some(state) = session.workspace.doc(&view.id) else {
        return;
    };
    let hide_spans = matches!(problem, Some(DocProblem::TextChanged { .. }));
    let symmetric: Vec<crate::model::Label> = app
        .relation_types
        .iter()
        .filter(|t| t.symmetric)
        .map(|t| t.name.clone())
        .collect();
    let overlay = Overlay {
        spans: &state.set,
        colors: &app.colors,
        selection: view.selection,
        selected_span: view.selected_span,
        hovered_spans: &view.hovered,
        hide_spans,
        hits: app.find.as_ref().map_or(&[][..], |f| &f.hits[..]),
        current_hit: app
            .find
            .as_ref()
            .and_then(|f| f.hits.get(f.current?).copied()),
        suggestions: app.suggest.shown(&view.id),
        current_suggestion: app.suggest.current_in(&view.id, view.selection),
        revision: state.revision,
        show_arcs: app.prefs.show_arcs,
        selected_relation: view.selected_relation,
        symmetric: &symmetric,
        marks: None,
        focus: app.layers.as_ref().and_then(|l| l.focus_range()),
    };
    // The text, and the overview strip at its right.
    let full = ui.available_rect_before_wrap();
    let strip = egui::Rect::from_min_max(
        egui::pos2(full.right() - STRIP_WIDTH, full.top()),
        full.right_bottom(),
    );
    let text_rect = readable_column(
        ui,
        full.with_max_x(strip.left() - 4.0),
        app.prefs.line_chars,
    );
    let response = ui
        .scope_builder(egui::UiBuilder::new().max_rect(text_rect), |ui| {
            layout.show(ui, &overlay)
        })
        .inner;
    layout.overview(
        ui,
        strip,
        &OverviewInput {
            spans: &state.set,
            revision: state.revision,
            colors: &app.colors,
            hits: app.find.as_ref().map_or(&[][..], |f| &f.hits[..]),
            hits_generation: app.find.as_ref().map_or(0, |f| f.generation),
        },
    );

    // ----- pointer interaction: view state only (no undo entries) -----
    let (alt, shift, command, press_origin, pointer) = ui.input(|i| {
        (
            i.modifiers.alt,
            i.modifiers.shift,
            i.modifiers.command,
            i.pointer.press_origin(),
            i.pointer.interact_pos(),
        )
    });
    let input = Input {
        exact: alt == app.prefs.word_snap,
        keep_quotes: alt,
        shift,
        press_origin,
        pointer,
        command,
    };
    let doc = layout.doc().clone();
    // A click on an arc's label selects the relation.
    let mut on_arc = false;
    if response.clicked()
        && app.relation_draft.is_none()
        && let Some(rid) = input.pointer.and_then(|p| layout.relation_at(p))
    {
        view.selected_relation = Some(rid);
        view.relation_anchor = None;
        view.selected_span = None;
        view.selection = None;
        on_arc = true;
    }
    // A drag from a span's label tag draws a relation to the span it ends on.
    if response.drag_started()
        && app.relation_draft.is_none()
        && let Some(from) = input.press_origin.and_then(|p| layout.tag_at(p))
    {
        view.relation_drag = Some(from);
        view.selected_span = Some(from);
        view.selection = None;
    }
    if let Some(from) = view.relation_drag {
        let start = layout.tag_rect(from).map(|r| r.center());
        if let (Some(a), Some(b)) = (start, input.pointer)
            && response.dragged()
        {
            let stroke = egui::Stroke::new(2.0, ui.visuals().selection.stroke.color);
            ui.painter().arrow(a, b - a, stroke);
        }
        if response.drag_stopped() {
            view.relation_drag = None;
            let target = input
                .pointer
                .and_then(|p| layout.char_at(p))
                .and_then(|(c, _)| state.set.at(c).first().map(|s| s.id))
                .filter(|to| *to != from);
            if let Some(to) = target {
                view.selected_span = Some(to);
                app.relation_draft = Some(super::relations::RelationDraft {
                    from,
                    to: Some(to),
                    filter: String::new(),
                    cursor: 0,
                    at: input.pointer,
                });
            }
        }
    } else if drag(ui, &response, view, &doc, &input) {
        app.pending.push(Action::AddFragment);
    }
    if !on_arc {
        if response.clicked() {
            view.selected_relation = None;
        }
        click(&response, view, &doc, &state.set, hide_spans, &input);
    }
    // Making a relation: the span clicked is its other end.
    if response.clicked()
        && let Some(d) = app.relation_draft.as_ref()
        && d.to.is_none()
    {
        match view.selected_span {
            Some(to) if to != d.from => {
                if let Some(d) = app.relation_draft.as_mut() {
                    d.to = Some(to);
                    d.at = input.pointer;
                    d.filter.clear();
                    d.cursor = 0;
                }
            }
            // A click on the text outside any span: no relation.
            None => app.relation_draft = None,
            _ => {}
        }
    }
    hover(ui, response, view, &doc, &state.set, hide_spans);
}

/// The text column: at most `line_chars` average characters wide (plus the
/// scrollbar), centred in `area`; the whole area when `line_chars` is 0.
fn readable_column(ui: &egui::Ui, area: egui::Rect, line_chars: u32) -> egui::Rect {
    if line_chars == 0 {
        return area;
    }
    // The average width of a character of news prose (spaces and narrow letters
    // included), so "100 characters" means what a reader counts.
    const PROSE: &str =
        "Rebels said on Monday that 380,000 people had fled Idlib, the U.N. reported.";
    let font = crate::app::theme::doc_font();
    let char_w = ui.ctx().fonts_mut(|f| {
        PROSE.chars().map(|c| f.glyph_width(&font, c)).sum::<f32>() / PROSE.chars().count() as f32
    });
    let scroll_bar = ui.spacing().scroll.bar_width + 8.0;
    let w = (line_chars as f32 * char_w + scroll_bar).min(area.width());
    let left = area.center().x - w / 2.0;
    egui::Rect::from_min_max(
        egui::pos2(left, area.top()),
        egui::pos2(left + w, area.bottom()),
    )
}

/// What stands between the user and the text: an unreadable text (then nothing else is
/// shown: returns false), a changed text (spans held back, with the way to re-anchor
/// them), or why the document is read-only.
fn problem_ui(
    ui: &mut egui::Ui,
    problem: Option<&DocProblem>,
    id: &DocId,
    pending: &mut Vec<Action>,
) -> bool {
    match problem {
        Some(DocProblem::Unreadable(msg)) => {
            ui.add_space(20.0);
            ui.colored_label(
                ui.visuals().error_fg_color,
                format!("⛔ {id} cannot be shown"),
            );
            ui.label(msg);
            return false;
        }
        Some(DocProblem::TextChanged { file, .. }) => {
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    format!(
                        "⚠ This text changed since it was annotated. Its {} spans are held back so that none lands in the wrong place.",
                        file.spans.len()
                    ),
                );
                ui.horizontal(|ui| {
                    if ui.button("Re-anchor annotations").on_hover_text(
                        "Keep spans whose text is still at the same place, move the others to the nearest place their text occurs, list those not found. The previous file is backed up first.",
                    ).clicked() {
                        pending.push(Action::Reanchor);
                    }
                });
            });
        }
        Some(DocProblem::ReadOnly(reason)) => {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                format!("🔒 Read-only: {reason}"),
            );
        }
        None => {}
    }
    true
}

/// This frame's modifiers and pointer positions.
struct Input {
    /// Select exact characters, not whole words (Alt inverts the word-snap preference).
    exact: bool,
    /// Alt: snapping keeps the quotation marks the drag covered.
    keep_quotes: bool,
    shift: bool,
    press_origin: Option<Pos2>,
    pointer: Option<Pos2>,
    /// Ctrl (Cmd on macOS): a drag adds a fragment to the selected span.
    command: bool,
}

/// The selection from one (char, cluster length) position to another, in either order:
/// exact, or snapped to whole words.
fn select(doc: &Document, input: &Input, a: (usize, usize), b: (usize, usize)) -> Option<CharSpan> {
    let lo = a.0.min(b.0);
    let hi = (a.0 + a.1).max(b.0 + b.1);
    if input.exact {
        CharSpan::new(lo, hi, doc.len_chars()).ok()
    } else {
        text::snap_to_words(doc.text(), doc.index(), lo..hi, input.keep_quotes)
    }
}

/// Drag to select, from the press origin to the pointer; dragging past the top or
/// bottom edge scrolls.
fn drag(
    ui: &egui::Ui,
    response: &egui::Response,
    view: &mut DocView,
    doc: &Document,
    input: &Input,
) -> bool {
    let Some(layout) = view.layout.as_mut() else {
        return false;
    };
    if response.drag_started() {
        view.drag_anchor = input.press_origin.and_then(|p| layout.char_at(p));
        // Ctrl+drag with a span selected: the drag becomes its next fragment.
        if input.command && view.selected_span.is_some() {
            view.fragment_of = view.selected_span;
        } else {
            view.selected_span = None;
        }
    }
    if (response.dragged() || response.drag_stopped())
        && let (Some(anchor), Some(p)) = (view.drag_anchor, input.pointer)
        && let Some(cur) = layout.char_at(p)
    {
        view.selection = select(doc, input, anchor, cur);
    }
    if response.drag_stopped() {
        view.drag_anchor = None;
        if input.command && view.fragment_of.is_some() && view.selection.is_some() {
            return true;
        }
    }
    // Dragging past the top or bottom edge scrolls, faster the further out.
    if response.dragged()
        && view.drag_anchor.is_some()
        && let Some(p) = input.pointer
    {
        let area = ui.clip_rect();
        let edge = 24.0;
        let dy = if p.y < area.top() + edge {
            -(area.top() + edge - p.y).min(80.0)
        } else if p.y > area.bottom() - edge {
            (p.y - (area.bottom() - edge)).min(80.0)
        } else {
            0.0
        };
        if dy != 0.0 {
            layout.set_scroll_offset((layout.scroll_offset() + dy * 0.5).max(0.0));
            ui.ctx().request_repaint();
        }
    }
    false
}

/// Double-click selects a word; Shift + click extends the selection; a click selects
/// the span there (or clears the selection).
fn click(
    response: &egui::Response,
    view: &mut DocView,
    doc: &Document,
    set: &AnnotationSet,
    hide_spans: bool,
    input: &Input,
) {
    let Some(layout) = view.layout.as_ref() else {
        return;
    };
    if response.double_clicked() {
        if let Some((c, _)) = input.pointer.and_then(|p| layout.char_at(p)) {
            view.selection = text::word_at(doc.text(), doc.index(), c);
            view.selected_span = None;
        }
    } else if response.clicked()
        && let Some((c, len)) = input.pointer.and_then(|p| layout.char_at(p))
    {
        if input.shift
            && let Some(sel) = view.selection
        {
            let anchor = (sel.start(), 1);
            let end = (sel.end() - 1, 1);
            let far = if c < sel.start() { end } else { anchor };
            view.selection = select(doc, input, far, (c, len));
        } else {
            // Click a span to select it; clicking again selects the next one there
            // (innermost first), so nested spans can all be reached.
            let here = set.at(c);
            if here.is_empty() || hide_spans {
                view.selection = None;
                view.selected_span = None;
            } else {
                let next = view
                    .selected_span
                    .and_then(|id| here.iter().position(|s| s.id == id))
                    .map_or(0, |p| (p + 1) % here.len());
                view.selected_span = Some(here[next].id);
                view.selection = None;
            }
        }
    }
}

/// Hover: outline the spans under the pointer and describe them.
fn hover(
    ui: &egui::Ui,
    response: egui::Response,
    view: &mut DocView,
    doc: &Document,
    set: &AnnotationSet,
    hide_spans: bool,
) {
    view.hovered.clear();
    let Some(layout) = view.layout.as_ref() else {
        return;
    };
    if !response.dragged()
        && !hide_spans
        && let Some(p) = response.hover_pos()
        && let Some((c, _)) = layout.char_at(p)
    {
        ui.ctx().set_cursor_icon(egui::CursorIcon::Text);
        let here = set.at(c);
        view.hovered = here.iter().map(|s| s.id).collect();
        if !here.is_empty() {
            let lines: Vec<String> = here
                .iter()
                .flat_map(|s| {
                    let mut v = vec![format!(
                        "{} “{}” ({}–{}) · {} by {}, {}",
                        s.label,
                        doc.slice(s.range.range()),
                        s.range.start(),
                        s.range.end(),
                        s.id,
                        s.annotator,
                        s.modified.unwrap_or(s.created).format("%Y-%m-%d %H:%M")
                    )];
                    // What the files carry beyond the label: shown, not hidden.
                    if let Some(n) = s.note() {
                        v.push(format!("    Note: {n}"));
                    }
                    for (ty, n) in s.typed_notes() {
                        v.push(format!("    {ty}: {n}"));
                    }
                    if !s.attributes().is_empty() {
                        let a: Vec<String> = s
                            .attributes()
                            .iter()
                            .map(|(k, v)| {
                                if v == "true" {
                                    k.clone()
                                } else {
                                    format!("{k}={v}")
                                }
                            })
                            .collect();
                        v.push(format!("    Attributes: {}", a.join(", ")));
                    }
                    for n in s.normalizations() {
                        v.push(format!(
                            "    Link: {}:{}{}",
                            n.db,
                            n.id,
                            n.name
                                .as_deref()
                                .map(|x| format!(" ({x})"))
                                .unwrap_or_default()
                        ));
                    }
                    for r in set.relations_of(s.id) {
                        let other = if r.from == s.id { r.to } else { r.from };
                        let text = set
                            .get(other)
                            .map(|o| doc.slice(o.range.range()).to_string())
                            .unwrap_or_default();
                        let arrow = if r.from == s.id { "->" } else { "<-" };
                        v.push(format!("    {} {arrow} “{text}”", r.label));
                    }
                    v
                })
                .collect();
            let font = egui::TextStyle::Body.resolve(ui.style());
            let color = ui.visuals().text_color();
            response.on_hover_ui_at_pointer(|ui| {
                for line in &lines {
                    ui.label(label_job(line, font.clone(), color));
                }
            });
        }
    }
}
