//! The real app, driven headlessly with egui_kittest: drag across text, press keys,
//! click by accessible label; then check the model and the files on disk.

#![cfg(feature = "gui")]

#[path = "support/synth.rs"]
mod synth;

use egui::{Event, Modifiers, PointerButton, Pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use entitle::app::{EntitleApp, Startup};
use entitle::model::{DocId, DocStatus};
use entitle::project::annotation_file;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const ALEPPO: &str = "docs/01-aleppo-souk-reopens";
const NAIROBI: &str = "docs/02-nairobi-by-election";

fn app(path: Option<PathBuf>, data_dir: &Path) -> Harness<'static, EntitleApp> {
    let startup = Startup {
        path,
        annotator: Some("tester".into()),
        data_dir: Some(data_dir.to_path_buf()),
        ignore_prefs: true,
    };
    let mut h = Harness::builder()
        .with_size([1280.0, 800.0])
        .with_step_dt(1.0 / 60.0)
        // Background work (the project's texts loading for search) asks for a frame
        // when it ends, which can land in the middle of `run`: allow a few more steps.
        .with_max_steps(12)
        .build_eframe(move |cc| EntitleApp::new(cc, startup));
    h.run();
    h
}

/// A fresh copy of the bundled sample project, opened as a first run would.
/// The first run shows the annotated article; the tests start from the first document
/// (Aleppo, not annotated), as a user who clicked it would.
fn sample() -> (tempfile::TempDir, Harness<'static, EntitleApp>) {
    let dir = tempfile::tempdir().unwrap();
    let mut h = app(None, dir.path());
    assert_eq!(
        h.state().current_doc().unwrap().as_str(),
        entitle::project::sample::ANNOTATED_DOC
    );
    h.state_mut()
        .push_action(entitle::app::Action::OpenDoc(DocId::new(ALEPPO).unwrap()));
    h.run();
    (dir, h)
}

fn sample_root(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("sample-project")
}

/// Char range of the `nth` occurrence of `needle` in the document on screen.
fn find(h: &Harness<'_, EntitleApp>, needle: &str) -> (usize, usize) {
    let doc = h.state().current_document().expect("a document is open");
    let b = doc
        .text()
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in text"));
    let start = doc.index().char_from_byte(b).unwrap();
    (start, start + needle.chars().count())
}

fn center(h: &Harness<'_, EntitleApp>, c: usize) -> Pos2 {
    h.state()
        .char_rect(c)
        .unwrap_or_else(|| panic!("char {c} is not on screen"))
        .center()
}

/// Queue a primary-button press or release at `pos`.
fn button(h: &Harness<'_, EntitleApp>, pos: Pos2, pressed: bool, modifiers: Modifiers) {
    h.event(Event::PointerButton {
        pos,
        button: PointerButton::Primary,
        pressed,
        modifiers,
    });
}

/// Press on char `from`, move to char `to`, release: a mouse drag across the text.
fn drag(h: &mut Harness<'_, EntitleApp>, from: usize, to: usize, modifiers: Modifiers) {
    let (a, b) = (center(h, from), center(h, to));
    let mid = Pos2::new((a.x + b.x) / 2.0, (a.y + b.y) / 2.0);
    h.event(Event::ModifiersChanged(modifiers));
    h.hover_at(a);
    button(h, a, true, modifiers);
    h.hover_at(mid);
    h.hover_at(b);
    button(h, b, false, modifiers);
    h.event(Event::ModifiersChanged(Modifiers::NONE));
    h.run();
}

fn click(h: &mut Harness<'_, EntitleApp>, c: usize) {
    let p = center(h, c);
    h.hover_at(p);
    button(h, p, true, Modifiers::NONE);
    button(h, p, false, Modifiers::NONE);
    h.run();
}

fn key(h: &mut Harness<'_, EntitleApp>, k: egui::Key) {
    h.key_press(k);
    h.run();
}

fn key_mod(h: &mut Harness<'_, EntitleApp>, m: Modifiers, k: egui::Key) {
    h.key_press_modifiers(m, k);
    h.run();
}

/// (start, end, label, text) of the spans in the model for `doc`.
fn model_spans(h: &Harness<'_, EntitleApp>, doc: &str) -> Vec<(usize, usize, String)> {
    let s = h.state().session().unwrap();
    let id = DocId::new(doc).unwrap();
    s.workspace
        .doc(&id)
        .map(|d| {
            d.set
                .iter()
                .map(|s| (s.range.start(), s.range.end(), s.label.to_string()))
                .collect()
        })
        .unwrap_or_default()
}

/// (start, end, label, text) of the spans in the file on disk, waiting up to `wait`
/// for autosave to reach `expect` (or returning what is there). The autosave promise
/// is about a second; the waits allow for a loaded CI machine.
fn disk_spans(
    h: &mut Harness<'_, EntitleApp>,
    root: &Path,
    doc: &str,
    expect: Option<usize>,
    wait: Duration,
) -> Vec<(usize, usize, String, String)> {
    let path = root.join("annotations/tester").join(format!("{doc}.json"));
    let t0 = Instant::now();
    loop {
        // Frames go on while the app waits for its writer, as in a real window.
        h.step();
        let spans: Vec<(usize, usize, String, String)> = std::fs::read(&path)
            .ok()
            .and_then(|b| annotation_file::parse(&b).ok())
            .map(|p| {
                p.spans
                    .into_iter()
                    .map(|s| (s.start, s.end, s.label, s.text))
                    .collect()
            })
            .unwrap_or_default();
        if expect.is_none_or(|n| n == spans.len()) || t0.elapsed() > wait {
            return spans;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn first_run_opens_the_sample_without_touching_the_repository() {
    let (dir, h) = sample();
    let s = h.state().session().unwrap();
    assert!(s.project.docs().len() >= 6);
    assert_eq!(h.state().current_doc().unwrap().as_str(), ALEPPO);
    assert!(sample_root(&dir).join("entitle.toml").exists());
    // The palette, the document list and the document view are there by name.
    for label in ["PER", "ORG", "GPE", "LOC", "NORP", "DATE", "EVENT"] {
        h.get_by_label(label);
    }
    h.get_by_label("Document text");
    h.get_by_label("Filter");
    let repo_sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/sample/annotations");
    assert!(
        !repo_sample.exists(),
        "the repository copy must stay untouched"
    );
}

#[test]
fn idle_frames_do_not_relayout_the_document() {
    // A long first line (the title) and a five-digit span count in the list.
    let dir = tempfile::tempdir().unwrap();
    let doc = synth::news_document(600_000, 14, 3);
    synth::write_project(dir.path(), "long", &doc, "tester").unwrap();
    let mut h = app(Some(dir.path().to_path_buf()), dir.path());
    let spans = h
        .state()
        .session()
        .unwrap()
        .summary(&DocId::new("long").unwrap())
        .spans;
    assert!(spans >= 10_000, "{spans}");
    let before = h.state().layout_resets();
    h.run_steps(30);
    // A panel that grows by a pixel per frame would re-lay out everything every frame.
    assert_eq!(h.state().layout_resets(), before);
}

#[test]
fn drag_hotkey_relabel_delete_undo_redo_and_disk() {
    let (dir, mut h) = sample();
    let root = sample_root(&dir);
    // Drag from inside "Mahmoud" to inside "Halabi": snapped to the whole name.
    let (s, e) = find(&h, "Mahmoud al-Halabi");
    drag(&mut h, s + 2, e - 3, Modifiers::NONE);
    assert_eq!(
        h.state().selection().map(|r| (r.start(), r.end())),
        Some((s, e))
    );
    key(&mut h, egui::Key::Num1);
    assert_eq!(model_spans(&h, ALEPPO), vec![(s, e, "PER".into())]);
    // On disk within about a second, without any explicit save.
    let disk = disk_spans(&mut h, &root, ALEPPO, Some(1), Duration::from_millis(3000));
    assert_eq!(disk, vec![(s, e, "PER".into(), "Mahmoud al-Halabi".into())]);

    // The new span is selected: a label key relabels it, Delete removes it.
    key(&mut h, egui::Key::Num2);
    assert_eq!(model_spans(&h, ALEPPO), vec![(s, e, "ORG".into())]);
    key(&mut h, egui::Key::Delete);
    assert!(model_spans(&h, ALEPPO).is_empty());
    assert!(disk_spans(&mut h, &root, ALEPPO, Some(0), Duration::from_millis(3000)).is_empty());

    // One undo step per intention: delete, relabel, add.
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::Z);
    assert_eq!(model_spans(&h, ALEPPO), vec![(s, e, "ORG".into())]);
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::Z);
    assert_eq!(model_spans(&h, ALEPPO), vec![(s, e, "PER".into())]);
    key_mod(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, egui::Key::Z);
    assert_eq!(model_spans(&h, ALEPPO), vec![(s, e, "ORG".into())]);
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::Y);
    assert!(model_spans(&h, ALEPPO).is_empty());
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::Z);
    let disk = disk_spans(&mut h, &root, ALEPPO, Some(1), Duration::from_millis(3000));
    assert_eq!(disk, vec![(s, e, "ORG".into(), "Mahmoud al-Halabi".into())]);

    // Provenance: who and when.
    let set = &h
        .state()
        .session()
        .unwrap()
        .workspace
        .doc(&DocId::new(ALEPPO).unwrap())
        .unwrap()
        .set;
    assert_eq!(&*set.spans()[0].annotator, "tester");
    assert!(set.spans()[0].modified.is_some());
}

#[test]
fn arabic_name_selects_exact_offsets() {
    let (_dir, mut h) = sample();
    let (s, e) = find(&h, "محمود الحلبي");
    // Drag across the two Arabic words: on screen they are reversed, but the logical
    // offsets are those of the text.
    drag(&mut h, s, e - 1, Modifiers::NONE);
    assert_eq!(
        h.state().selection().map(|r| (r.start(), r.end())),
        Some((s, e))
    );
    let (s2, e2) = find(&h, "رانيا قاسم");
    drag(&mut h, e2 - 1, s2, Modifiers::NONE);
    assert_eq!(
        h.state().selection().map(|r| (r.start(), r.end())),
        Some((s2, e2))
    );
    key(&mut h, egui::Key::Num1);
    let doc = h.state().current_document().unwrap();
    assert_eq!(doc.slice(s2..e2), "رانيا قاسم");
    assert_eq!(model_spans(&h, ALEPPO), vec![(s2, e2, "PER".into())]);
}

#[test]
fn alt_drag_selects_exact_characters_and_double_click_a_word() {
    let (_dir, mut h) = sample();
    let (s, _) = find(&h, "Aleppo’s covered");
    // Alt: exactly "lepp", no snapping.
    drag(&mut h, s + 1, s + 4, Modifiers::ALT);
    assert_eq!(
        h.state().selection().map(|r| (r.start(), r.end())),
        Some((s + 1, s + 5))
    );
    // Without Alt the same drag snaps to "Aleppo" (not the possessive).
    drag(&mut h, s + 1, s + 4, Modifiers::NONE);
    assert_eq!(
        h.state().selection().map(|r| (r.start(), r.end())),
        Some((s, s + 6))
    );
    // Double-click selects one word.
    let (w, we) = find(&h, "restoration");
    let p = center(&h, w + 3);
    button(&h, p, true, Modifiers::NONE);
    button(&h, p, false, Modifiers::NONE);
    button(&h, p, true, Modifiers::NONE);
    button(&h, p, false, Modifiers::NONE);
    h.run();
    assert_eq!(
        h.state().selection().map(|r| (r.start(), r.end())),
        Some((w, we))
    );
    // Escape clears it.
    key(&mut h, egui::Key::Escape);
    assert_eq!(h.state().selection(), None);
}

#[test]
fn a_drag_leaves_quotes_out_unless_alt_asks_to_keep_them() {
    let (_dir, mut h) = sample();
    let (q, _) = find(&h, "“My grandfather");
    let (_, qe) = find(&h, "🎉,”");
    let doc = h.state().current_document().unwrap().clone();
    let selected = |h: &Harness<'_, EntitleApp>| {
        h.state()
            .selection()
            .map(|r| doc.slice(r.range()).to_string())
    };
    // Word snapping on: the quotes, the emoji and the comma at the ends are left out.
    drag(&mut h, q, qe - 1, Modifiers::NONE);
    assert_eq!(
        selected(&h).as_deref(),
        Some("My grandfather sold cumin here. Today my son sold the first bag")
    );
    // Word snapping off: Alt + drag snaps to whole words and keeps the opening quote.
    key_mod(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, egui::Key::W);
    drag(&mut h, q, q + 6, Modifiers::ALT);
    assert_eq!(selected(&h).as_deref(), Some("“My grandfather"));
    // Without Alt it selects exactly what was dragged over.
    drag(&mut h, q, q + 6, Modifiers::NONE);
    assert_eq!(selected(&h).as_deref(), Some("“My gra"));
}

#[test]
fn palette_click_tags_and_span_clicks_cycle_through_nested_spans() {
    let (_dir, mut h) = sample();
    let (s, e) = find(&h, "United Nations Development Programme");
    drag(&mut h, s, e - 1, Modifiers::NONE);
    h.get_by_label("ORG").click();
    h.run();
    let (g, ge) = find(&h, "United Nations");
    drag(&mut h, g, ge - 1, Modifiers::NONE);
    h.get_by_label("GPE").click();
    h.run();
    assert_eq!(
        model_spans(&h, ALEPPO),
        vec![(s, e, "ORG".into()), (g, ge, "GPE".into())]
    );
    // Clicking on "United" selects the innermost span, clicking again the outer one.
    key(&mut h, egui::Key::Escape);
    click(&mut h, g + 2);
    let inner = h.state().selected_span().unwrap();
    click(&mut h, g + 2);
    let outer = h.state().selected_span().unwrap();
    assert_ne!(inner, outer);
    let set = &h
        .state()
        .session()
        .unwrap()
        .workspace
        .doc(&DocId::new(ALEPPO).unwrap())
        .unwrap()
        .set;
    assert_eq!(&*set.get(inner).unwrap().label, "GPE");
    assert_eq!(&*set.get(outer).unwrap().label, "ORG");
    // Clicking plain text clears the span selection.
    let (p, _) = find(&h, "restoration");
    click(&mut h, p);
    assert_eq!(h.state().selected_span(), None);
}

#[test]
fn dragging_past_the_bottom_scrolls_and_extends_the_selection() {
    let dir = tempfile::tempdir().unwrap();
    let doc = synth::news_document(100_000, 60, 5);
    synth::write_project(dir.path(), "long", &doc, "tester").unwrap();
    let mut h = app(Some(dir.path().to_path_buf()), dir.path());
    let visible = h.state().visible_chars().unwrap();
    let a = center(&h, 2);
    h.hover_at(a);
    button(&h, a, true, Modifiers::NONE);
    let below = Pos2::new(a.x + 200.0, 796.0);
    for _ in 0..40 {
        h.hover_at(below);
    }
    // Holding the pointer there keeps scrolling (and repainting): step, don't settle.
    h.step();
    button(&h, below, false, Modifiers::NONE);
    h.run();
    assert!(
        h.state().scroll_offset().unwrap() > 100.0,
        "{:?}",
        h.state().scroll_offset()
    );
    let sel = h.state().selection().unwrap();
    assert_eq!(sel.start(), 0);
    assert!(sel.end() > visible.end, "{sel:?} vs {visible:?}");
}

#[test]
fn each_document_keeps_its_scroll_position() {
    let dir = tempfile::tempdir().unwrap();
    for (name, seed) in [("a", 1), ("b", 2)] {
        let doc = synth::news_document(60_000, 60, seed);
        synth::write_project(dir.path(), name, &doc, "tester").unwrap();
    }
    let mut h = app(Some(dir.path().to_path_buf()), dir.path());
    assert_eq!(h.state().current_doc().unwrap().as_str(), "a");
    h.state_mut().scroll_to_char(30_000);
    h.run();
    let there = h.state().visible_chars().unwrap();
    assert!(there.start > 20_000, "{there:?}");
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::PageDown);
    assert_eq!(h.state().current_doc().unwrap().as_str(), "b");
    assert_eq!(
        h.state().visible_chars().unwrap().start,
        0,
        "a new document starts at the top"
    );
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::PageUp);
    assert_eq!(
        h.state().visible_chars().unwrap().start,
        there.start,
        "back at the same line"
    );
}

#[test]
fn keyboard_only_annotation() {
    let (_dir, mut h) = sample();
    // Right selects the first word on screen, again the next; Shift+Right extends.
    key(&mut h, egui::Key::ArrowRight);
    let first = h.state().selection().unwrap();
    let doc = h.state().current_document().unwrap().clone();
    assert_eq!(doc.slice(first.range()), "Aleppo");
    key(&mut h, egui::Key::ArrowRight);
    key_mod(&mut h, Modifiers::SHIFT, egui::Key::ArrowRight);
    let sel = h.state().selection().unwrap();
    assert_eq!(doc.slice(sel.range()), "’s covered");
    key(&mut h, egui::Key::Num4);
    assert_eq!(model_spans(&h, ALEPPO).len(), 1);
    // Tab walks spans, Shift+Tab back.
    let (w, we) = find(&h, "Mahmoud al-Halabi");
    drag(&mut h, w, we - 1, Modifiers::NONE);
    key(&mut h, egui::Key::Num1);
    key(&mut h, egui::Key::Escape);
    key(&mut h, egui::Key::Tab);
    let a = h.state().selected_span().unwrap();
    key(&mut h, egui::Key::Tab);
    let b = h.state().selected_span().unwrap();
    assert_ne!(a, b);
    key(&mut h, egui::Key::Tab);
    assert_eq!(h.state().selected_span(), Some(a), "wraps around");
    key_mod(&mut h, Modifiers::SHIFT, egui::Key::Tab);
    assert_eq!(h.state().selected_span(), Some(b));
}

#[test]
fn switching_documents_and_undo_across_them() {
    let (dir, mut h) = sample();
    let root = sample_root(&dir);
    let (s, e) = find(&h, "Aga Khan Trust for Culture");
    drag(&mut h, s, e - 1, Modifiers::NONE);
    key(&mut h, egui::Key::Num2);
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::PageDown);
    assert_eq!(h.state().current_doc().unwrap().as_str(), NAIROBI);
    // CRLF document: offsets count both characters of every line end.
    let (n, ne) = find(&h, "Westlands");
    let doc = h.state().current_document().unwrap().clone();
    let crlfs_before = doc.text()[..doc.index().byte_from_char(n).unwrap()]
        .matches("\r\n")
        .count();
    assert!(crlfs_before >= 1);
    drag(&mut h, n, ne - 1, Modifiers::NONE);
    key(&mut h, egui::Key::Num3);
    assert_eq!(model_spans(&h, NAIROBI), vec![(n, ne, "GPE".into())]);
    let disk = disk_spans(&mut h, &root, NAIROBI, Some(1), Duration::from_millis(3000));
    assert_eq!(disk, vec![(n, ne, "GPE".into(), "Westlands".into())]);
    // Back with the other key, forward again with the document list.
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::PageUp);
    assert_eq!(h.state().current_doc().unwrap().as_str(), ALEPPO);
    h.get_by_label_contains("Kenyan electoral body").click();
    h.run();
    assert_eq!(h.state().current_doc().unwrap().as_str(), NAIROBI);
    // Undo twice: first the Nairobi span, then it switches to Aleppo and undoes there.
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::Z);
    assert!(model_spans(&h, NAIROBI).is_empty());
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::Z);
    assert_eq!(h.state().current_doc().unwrap().as_str(), ALEPPO);
    assert!(model_spans(&h, ALEPPO).is_empty());
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::Y);
    assert_eq!(model_spans(&h, ALEPPO), vec![(s, e, "ORG".into())]);
    // Mark done, shown in the summary.
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::D);
    let id = DocId::new(ALEPPO).unwrap();
    assert_eq!(
        h.state().session().unwrap().summary(&id).status,
        DocStatus::Done
    );
}

#[test]
fn reopening_shows_exactly_what_was_there() {
    let (dir, mut h) = sample();
    let root = sample_root(&dir);
    let (s, e) = find(&h, "Rania Qassem");
    drag(&mut h, s, e - 1, Modifiers::NONE);
    key(&mut h, egui::Key::Num1);
    let (g, ge) = find(&h, "Aleppo was");
    drag(&mut h, g, g + 2, Modifiers::NONE);
    key(&mut h, egui::Key::Num3);
    let before = model_spans(&h, ALEPPO);
    assert_eq!(before.len(), 2);
    let _ = ge;
    // No flush, no exit hook: like a killed process, after autosave had a second.
    disk_spans(&mut h, &root, ALEPPO, Some(2), Duration::from_millis(3000));
    drop(h);
    let mut h2 = app(Some(root.clone()), dir.path());
    h2.run();
    assert_eq!(h2.state().current_doc().unwrap().as_str(), ALEPPO);
    assert_eq!(model_spans(&h2, ALEPPO), before);
    assert_eq!(
        h2.state()
            .session()
            .unwrap()
            .summary(&DocId::new(ALEPPO).unwrap())
            .spans,
        2
    );
}

#[test]
fn bad_inputs_get_clear_messages_and_the_app_keeps_working() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("corpus");
    std::fs::create_dir_all(p.join("annotations/tester")).unwrap();
    std::fs::write(p.join("a-good.txt"), "Rami Abdel Rahman said in Homs.").unwrap();
    std::fs::write(p.join("b-binary.txt"), b"\x89PNG\r\n\x1a\n\x00\x00").unwrap();
    std::fs::write(p.join("c-latin1.txt"), b"Caf\xe9 in S\xe3o Paulo").unwrap();
    std::fs::write(p.join("d-empty.txt"), b"").unwrap();
    std::fs::write(
        p.join("annotations/tester/a-good.json"),
        b"{ \"entitle_annotations\": 1,\n  \"spans\": [ oops",
    )
    .unwrap();
    let mut h = app(Some(p.clone()), dir.path());
    // The damaged annotation file: kept aside, never overwritten, message says where.
    let msgs: Vec<String> = h
        .state()
        .messages()
        .iter()
        .map(|m| m.text.clone())
        .collect();
    assert!(
        msgs.iter()
            .any(|m| m.contains("a-good.json:2") && m.contains("kept as")),
        "{msgs:#?}"
    );
    let aside: Vec<_> = std::fs::read_dir(p.join("annotations/tester"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.contains(".corrupt-"))
        .collect();
    assert_eq!(aside.len(), 1);
    // The good document still works.
    let (s, e) = find(&h, "Homs");
    drag(&mut h, s, e - 1, Modifiers::NONE);
    key(&mut h, egui::Key::Num3);
    assert_eq!(model_spans(&h, "a-good").len(), 1);
    // Each bad text is shown as a clear problem instead of text.
    for (doc, expect) in [
        ("b-binary", "binary file"),
        (
            "c-latin1",
            "not valid UTF-8: bad byte 0xE9 at byte 3 (line 1, column 4)",
        ),
        ("d-empty", "is empty"),
    ] {
        key_mod(&mut h, Modifiers::COMMAND, egui::Key::PageDown);
        assert_eq!(h.state().current_doc().unwrap().as_str(), doc);
        h.get_by_label_contains(expect);
    }
    // Label keys on an unreadable document do nothing harmful.
    key(&mut h, egui::Key::Num1);
    assert!(h.state_mut().flush());
    assert_eq!(
        std::fs::read(p.join("c-latin1.txt")).unwrap(),
        b"Caf\xe9 in S\xe3o Paulo",
        "user files are never rewritten"
    );
}

#[test]
fn missing_folder_is_a_message_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = app(Some(dir.path().join("no-such-folder")), dir.path());
    let msgs: Vec<String> = h
        .state()
        .messages()
        .iter()
        .map(|m| m.text.clone())
        .collect();
    assert!(
        msgs.iter().any(|m| m.contains("does not exist")),
        "{msgs:#?}"
    );
    // The app still offers a way forward and works.
    h.get_by_label("Open sample project").click();
    h.run();
    assert!(h.state().session().is_some());
}

#[test]
fn changed_text_holds_spans_back_until_reanchored() {
    let (dir, mut h) = sample();
    let root = sample_root(&dir);
    let (s, e) = find(&h, "Rania Qassem");
    drag(&mut h, s, e - 1, Modifiers::NONE);
    key(&mut h, egui::Key::Num1);
    assert!(h.state_mut().flush());
    drop(h);
    let text_path = root.join(format!("{ALEPPO}.txt"));
    let text = std::fs::read_to_string(&text_path).unwrap();
    std::fs::write(&text_path, format!("UPDATED: {text}")).unwrap();
    let mut h = app(Some(root.clone()), dir.path());
    assert!(
        model_spans(&h, ALEPPO).is_empty(),
        "spans must not be placed on changed text"
    );
    h.get_by_label_contains("spans are held back");
    let ann_path = root.join(format!("annotations/tester/{ALEPPO}.json"));
    let before = std::fs::read(&ann_path).unwrap();
    h.get_by_label("Re-anchor annotations").click();
    h.run();
    // First the list of what would happen; nothing is saved until it is confirmed.
    h.get_by_label_contains("moves 1 to where their text now is, and cannot place 0");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        std::fs::read(&ann_path).unwrap(),
        before,
        "saved before confirming"
    );
    assert!(model_spans(&h, ALEPPO).is_empty());
    h.get_by_label("Re-anchor and save").click();
    h.run();
    let (s2, e2) = find(&h, "Rania Qassem");
    assert_eq!(s2, s + 9);
    assert_eq!(model_spans(&h, ALEPPO), vec![(s2, e2, "PER".into())]);
    // Autosave writes the re-anchored spans within about a second.
    let t0 = Instant::now();
    let disk = loop {
        let disk = disk_spans(&mut h, &root, ALEPPO, None, Duration::ZERO);
        if disk.first().map(|d| d.0) == Some(s2) || t0.elapsed() > Duration::from_millis(1500) {
            break disk;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    assert_eq!(disk, vec![(s2, e2, "PER".into(), "Rania Qassem".into())]);
    // The file from before the change was backed up, not lost.
    let backups = std::fs::read_dir(root.join("annotations/tester/docs"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains(".before-reanchor-")
        })
        .count();
    assert_eq!(backups, 1);
}

/// File › Import…, choose `format`, type `input`, press Read, and wait (the read runs
/// on a background thread) until the preview says `found`.
fn read_for_import(h: &mut Harness<'_, EntitleApp>, format: &str, input: &Path, found: &str) {
    h.get_by_label("File").click();
    h.run();
    h.get_by_label("Import… Ctrl+I").click();
    h.run();
    h.get_by_label("Format").click();
    h.run();
    h.get_by_label(format).click();
    h.run();
    h.get_by_label("Files or folders, one per line").focus();
    h.run();
    h.get_by_label("Files or folders, one per line")
        .type_text(input.to_str().unwrap());
    h.run();
    h.get_by_label("Read").click();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while h.query_by_label_contains(found).is_none() {
        assert!(
            std::time::Instant::now() < deadline,
            "no preview {found:?} after 20 s"
        );
        std::thread::sleep(Duration::from_millis(10));
        h.step(); // not run(): the spinner repaints while reading
    }
    h.run();
}

#[test]
fn import_shows_a_preview_then_adds_and_export_writes_a_file() {
    let (dir, mut h) = sample();
    let root = sample_root(&dir);
    let input = dir.path().join("incoming");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(
        input.join("wire.txt"),
        "Amal Haddad met “Nordlicht AG” staff in Oslo 😀.\n",
    )
    .unwrap();
    std::fs::write(input.join("wire.ann"), "T1\tPER 0 11\tAmal Haddad\nT2\tCOMPANY 17 29\tNordlicht AG\nR1\tworks_for Arg1:T1 Arg2:T2\n").unwrap();
    read_for_import(
        &mut h,
        "brat",
        &input,
        "Found 1 documents, 2 spans, 1 relations",
    );
    // Nothing is added before the user confirms.
    assert!(!root.join("docs/wire.txt").exists());
    h.get_by_label("Import 1 documents").click();
    h.run();
    assert_eq!(h.state().current_doc().unwrap().as_str(), "docs/wire");
    assert_eq!(
        model_spans(&h, "docs/wire"),
        vec![(0, 11, "PER".into()), (17, 29, "COMPANY".into())]
    );
    let disk = disk_spans(
        &mut h,
        &root,
        "docs/wire",
        Some(2),
        Duration::from_millis(3000),
    );
    assert_eq!(disk.len(), 2);
    // The new label joined the project's labels (and the palette).
    h.get_by_label("COMPANY");
    assert!(
        std::fs::read_to_string(root.join("entitle.toml"))
            .unwrap()
            .contains("name = \"COMPANY\"")
    );

    // Export everything the tester annotated to JSONL.
    let out = dir.path().join("out.jsonl");
    h.get_by_label("File").click();
    h.run();
    h.get_by_label("Export… Ctrl+E").click();
    h.run();
    let field = h.get_by_label("Output");
    field.focus();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_by_label("Output").type_text(out.to_str().unwrap());
    h.run();
    h.get_by_label("Write the export").click();
    // A step, not `run`: the window asks for frames while the export thread works.
    h.step();
    // Written on a background thread, with progress; the window stays responsive.
    let deadline = Instant::now() + Duration::from_secs(20);
    while h
        // 2 tagged here, 29 in the sample's annotated article.
        .query_by_label_contains("Exported 8 documents, 31 spans by tester as jsonl")
        .is_none()
    {
        assert!(Instant::now() < deadline, "no export summary after 20 s");
        std::thread::sleep(Duration::from_millis(10));
        h.step();
    }
    let written = std::fs::read_to_string(&out).unwrap();
    assert_eq!(written.lines().count(), 8);
    assert!(written.contains("\"label\":\"works_for\""), "{written}");
}

#[test]
fn a_large_import_reads_in_the_background_and_lists_only_visible_rows() {
    let (dir, mut h) = sample();
    let root = sample_root(&dir);
    let input = dir.path().join("big.jsonl");
    let mut lines = String::new();
    for i in 0..3000 {
        lines.push_str(&format!(
            "{{\"id\": \"wire-{i:04}\", \"text\": \"Amal Haddad in Oslo.\", \"entities\": [[0, 11, \"PER\"], [15, 19, \"GPE\"]]}}\n"
        ));
    }
    lines.push_str("{\"id\": \"bad\", \"text\": \"ab\", \"entities\": [[0, 9, \"PER\"]]}\n");
    std::fs::write(&input, lines).unwrap();
    read_for_import(
        &mut h,
        "jsonl",
        &input,
        "Found 3000 documents, 6000 spans, 0 relations; 0 warnings, 1 errors",
    );
    // The first rows are listed, in file order, but not all 3,000 (nor the error at
    // the end, until scrolled to).
    h.get_by_label_contains("wire-0000 — 2 spans");
    let listed = h.query_all_by_label_contains("— 2 spans").count();
    assert!((3..100).contains(&listed), "{listed} rows laid out");
    assert!(h.query_by_label_contains("⛔").is_none());
    assert!(!root.join("docs/wire-0000.txt").exists());

    // Confirming adds the documents a slice of each frame at a time: the window keeps
    // drawing, shows how far it got, refuses edits meanwhile, and can be stopped.
    h.get_by_label("Import 3000 documents").click();
    h.step();
    h.step();
    h.get_by_label_contains("Importing… ");
    // The first batch lands after a few frames (how many depends on the machine's load).
    let deadline = Instant::now() + Duration::from_secs(20);
    while !root.join("docs/wire-0000.txt").exists() {
        assert!(Instant::now() < deadline, "no document imported after 20 s");
        h.get_by_label_contains("Importing… ");
        h.step();
    }
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::Z);
    h.step();
    h.get_by_label_contains("Documents are being imported; edit again when the import is done");
    h.get_by_label("Stop importing").click();
    h.step();
    h.run();
    let stopped = h
        .state()
        .messages()
        .iter()
        .find(|m| m.text.starts_with("Import stopped: "))
        .map(|m| m.text.clone())
        .expect("a message says the import stopped");
    let added: usize = stopped["Import stopped: ".len()..]
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..3000).contains(&added), "{stopped}");
    assert!(stopped.contains(&format!("the other {} were not imported", 3000 - added)));
    // Exactly the documents it reports are in the project, in order, with their spans.
    assert!(
        root.join(format!("docs/wire-{:04}.txt", added - 1))
            .exists()
    );
    assert!(!root.join(format!("docs/wire-{added:04}.txt")).exists());
    assert_eq!(h.state().current_doc().unwrap().as_str(), "docs/wire-0000");
    assert_eq!(
        model_spans(&h, "docs/wire-0000"),
        vec![(0, 11, "PER".into()), (15, 19, "GPE".into())]
    );
}

/// Click the annotator button in the status bar, type a new name, press Enter.
fn rename_annotator(h: &mut Harness<'_, EntitleApp>, from: &str, to: &str) {
    h.get_by_label(&format!("👤 {from}")).click();
    h.run();
    // The name field has the focus: select all and type over it.
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::A);
    h.event(Event::Text(to.into()));
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
}

#[test]
fn switching_annotator_waits_for_the_save_and_keeps_the_session_when_it_fails() {
    let (dir, mut h) = sample();
    let root = sample_root(&dir);
    let (s, e) = find(&h, "Rania Qassem");
    drag(&mut h, s, e - 1, Modifiers::NONE);
    key(&mut h, egui::Key::Num1);
    assert!(h.state_mut().flush());
    // The annotator's folder becomes unwritable (a file where a folder must be), then
    // the analyst tags another name: that save fails.
    let folder = root.join("annotations/tester/docs");
    std::fs::rename(&folder, root.join("aside")).unwrap();
    std::fs::write(&folder, "not a folder").unwrap();
    let (s2, e2) = find(&h, "UNESCO");
    drag(&mut h, s2, e2 - 1, Modifiers::NONE);
    key(&mut h, egui::Key::Num2);
    rename_annotator(&mut h, "tester", "other");
    // Refused: the session (and the unsaved span) stays, and the user is told.
    assert_eq!(h.state().session().unwrap().annotator(), "tester");
    assert_eq!(model_spans(&h, ALEPPO).len(), 2);
    let msgs: Vec<String> = h
        .state()
        .messages()
        .iter()
        .map(|m| m.text.clone())
        .collect();
    assert!(
        msgs.iter()
            .any(|m| m.contains("Could not save your changes before switching annotator")),
        "{msgs:#?}"
    );
    // Once the folder is back, the retry saves and the switch goes through.
    std::fs::remove_file(&folder).unwrap();
    std::fs::rename(root.join("aside"), &folder).unwrap();
    rename_annotator(&mut h, "tester", "other");
    assert_eq!(h.state().session().unwrap().annotator(), "other");
    let disk = disk_spans(&mut h, &root, ALEPPO, Some(2), Duration::from_millis(100));
    assert_eq!(disk.len(), 2, "{disk:?}");
}

#[test]
fn export_writes_the_format_chosen_to_a_place_outside_the_documents() {
    let (dir, mut h) = sample();
    let root = sample_root(&dir);
    let (s, e) = find(&h, "Rania Qassem");
    drag(&mut h, s, e - 1, Modifiers::NONE);
    key(&mut h, egui::Key::Num1);
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::E);
    h.get_by_label("Format").click();
    h.run();
    h.get_by_label("conll").click();
    h.run();
    // The proposal follows the format, and lies outside the project folder.
    let proposed = PathBuf::from(h.state().export_output());
    assert_eq!(proposed.extension().unwrap(), "conll", "{proposed:?}");
    assert!(!proposed.starts_with(&root), "{proposed:?}");
    // Typed destination: a CoNLL file, even though the last proposal was JSONL.
    let out = dir.path().join("exports-here/out.conll");
    let field = h.get_by_label("Output");
    field.focus();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_by_label("Output").type_text(out.to_str().unwrap());
    h.run();
    h.get_by_label("Write the export").click();
    // A step, not `run`: the window asks for frames while the export thread works.
    h.step();
    let deadline = Instant::now() + Duration::from_secs(20);
    while h.query_by_label_contains("Exported 7 documents").is_none() {
        assert!(Instant::now() < deadline, "no export summary after 20 s");
        std::thread::sleep(Duration::from_millis(10));
        h.step();
    }
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(written.contains("Rania B-PER\nQassem I-PER"), "{written}");
    // A brat export into the project folder itself is refused; one into a folder of the
    // project is marked, so reopening never reads it as documents.
    h.get_by_label("Format").click();
    h.run();
    h.get_by_label("brat").click();
    h.run();
    let inside = root.join("exports/brat");
    let field = h.get_by_label("Output");
    field.focus();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_by_label("Output").type_text(inside.to_str().unwrap());
    h.run();
    h.get_by_label("Write the export").click();
    // A step, not `run`: the window asks for frames while the export thread works.
    h.step();
    let deadline = Instant::now() + Duration::from_secs(20);
    while h.query_by_label_contains("as brat to").is_none() {
        assert!(
            Instant::now() < deadline,
            "no brat export summary after 20 s"
        );
        std::thread::sleep(Duration::from_millis(10));
        h.step();
    }
    assert!(inside.join("annotation.conf").exists());
    let (p, _) = entitle::project::Project::open_read_only(&root).unwrap();
    assert_eq!(p.docs().len(), 7, "an export folder became documents");
}

/// Issue 8.5: notices float over a corner and never move the text under the pointer;
/// at most three at once; dismissing one keeps it in the history (status bar 🔔).
#[test]
fn notices_float_over_the_text_without_moving_it() {
    let (_dir, mut h) = sample();
    h.run();
    let before: Vec<egui::Rect> = (0..40).filter_map(|c| h.state().char_rect(c)).collect();
    assert_eq!(before.len(), 40);
    for i in 1..=5 {
        h.state_mut().notify(
            entitle::app::Severity::Error,
            &format!("Problem number {i}"),
        );
    }
    h.run();
    let after: Vec<egui::Rect> = (0..40).filter_map(|c| h.state().char_rect(c)).collect();
    assert_eq!(before, after, "a notice moved the text");
    let shown: Vec<String> = h
        .state()
        .shown_messages()
        .iter()
        .map(|m| m.text.clone())
        .collect();
    assert_eq!(
        shown,
        ["Problem number 3", "Problem number 4", "Problem number 5"]
    );
    h.get_by_label_contains("Problem number 5");
    assert!(h.query_by_label_contains("Problem number 1").is_none());
    // A drag still lands on the words it starts on, with notices on screen.
    let (s, e) = find(&h, "Aleppo");
    drag(&mut h, s, e - 1, Modifiers::NONE);
    assert_eq!(
        h.state().selection().map(|c| (c.start(), c.end())),
        Some((s, e))
    );
    // Dismiss the newest: the next older one comes back, all stay in the history.
    h.get_all_by_label("✖").last().unwrap().click();
    h.run();
    let shown: Vec<String> = h
        .state()
        .shown_messages()
        .iter()
        .map(|m| m.text.clone())
        .collect();
    assert_eq!(
        shown,
        ["Problem number 2", "Problem number 3", "Problem number 4"]
    );
    h.get_by_label_contains("🔔").click();
    h.run();
    h.get_by_label("Notices");
    assert_eq!(h.query_all_by_label_contains("Problem number 5").count(), 1);
    key(&mut h, egui::Key::Escape);
    assert!(h.query_by_label("Notices").is_none());
}

/// A 60 kB synthetic news document with spans, open in the app.
fn long_doc() -> (tempfile::TempDir, Harness<'static, EntitleApp>) {
    let dir = tempfile::tempdir().unwrap();
    let doc = synth::news_document(60_000, 60, 7);
    synth::write_project(dir.path(), "a", &doc, "tester").unwrap();
    let h = app(Some(dir.path().to_path_buf()), dir.path());
    (dir, h)
}

fn visible(h: &Harness<'_, EntitleApp>) -> std::ops::Range<usize> {
    h.state().visible_chars().expect("text on screen")
}

/// Issue 8.3: PageDown/Space/PageUp/Shift+Space, Ctrl+End/Ctrl+Home move the view.
#[test]
fn page_keys_and_document_ends_move_the_view() {
    let (_dir, mut h) = long_doc();
    let len = h.state().current_document().unwrap().len_chars();
    let top = visible(&h);
    assert_eq!(top.start, 0);
    key(&mut h, egui::Key::PageDown);
    let p1 = visible(&h);
    assert!(
        p1.start > top.start && p1.start < top.end,
        "{top:?} then {p1:?}: a page keeps a little of the last"
    );
    key(&mut h, egui::Key::Space);
    let p2 = visible(&h);
    assert!(
        p2.start > p1.start && p2.start < p1.end,
        "{p1:?} then {p2:?}"
    );
    key_mod(&mut h, Modifiers::SHIFT, egui::Key::Space);
    assert_eq!(visible(&h).start, p1.start);
    key(&mut h, egui::Key::PageUp);
    assert_eq!(visible(&h).start, 0);
    key(&mut h, egui::Key::ArrowDown);
    assert!(
        visible(&h).start > 0,
        "Down with nothing selected scrolls a row"
    );
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::End);
    h.run();
    assert_eq!(visible(&h).end, len, "Ctrl+End shows the last row");
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::Home);
    assert_eq!(visible(&h).start, 0);
    assert!(
        h.state().selection().is_none(),
        "the view moved, nothing got selected"
    );
}

/// Issue 8.3: with a selection, Up/Down move it a row, Home/End to the row's ends;
/// Right and Tab with nothing selected start on screen, not at the top.
#[test]
fn keys_move_the_selection_by_rows_and_start_on_screen() {
    let (_dir, mut h) = long_doc();
    for _ in 0..3 {
        key(&mut h, egui::Key::PageDown);
    }
    let shown = visible(&h);
    key(&mut h, egui::Key::ArrowRight);
    let w = h.state().selection().unwrap();
    assert!(
        w.start() >= shown.start && w.start() < shown.end,
        "{w:?} not in {shown:?}"
    );
    let y0 = h.state().char_rect(w.start()).unwrap().center().y;
    key(&mut h, egui::Key::ArrowDown);
    let d = h.state().selection().unwrap();
    let y1 = h.state().char_rect(d.start()).unwrap().center().y;
    assert!(y1 > y0 + 5.0, "Down: the next row ({y0} → {y1})");
    key(&mut h, egui::Key::ArrowUp);
    let u = h.state().selection().unwrap();
    let y2 = h.state().char_rect(u.start()).unwrap().center().y;
    assert!((y2 - y0).abs() < 1.0, "Up: back to the first row");
    // End: the last word of the row; Home: the first.
    key(&mut h, egui::Key::End);
    let e = h.state().selection().unwrap();
    let ye = h.state().char_rect(e.start()).unwrap();
    assert!((ye.center().y - y0).abs() < 1.0);
    let doc = h.state().current_document().unwrap().clone();
    let next = doc
        .slice(e.end()..(e.end() + 40).min(doc.len_chars()))
        .to_string();
    assert!(
        h.state()
            .char_rect(e.end() + next.find(|c: char| c.is_alphanumeric()).unwrap_or(0))
            .is_none_or(|r| r.center().y > ye.center().y + 5.0),
        "no word after {:?} on its row",
        doc.slice(e.range())
    );
    key(&mut h, egui::Key::Home);
    let s = h.state().selection().unwrap();
    assert!(s.start() <= w.start());
    assert!((h.state().char_rect(s.start()).unwrap().center().y - y0).abs() < 1.0);
    // Tab with nothing selected: the first span on screen.
    key(&mut h, egui::Key::Escape);
    key(&mut h, egui::Key::Tab);
    let id = h.state().selected_span().expect("a span is selected");
    let span_start = h
        .state()
        .session()
        .unwrap()
        .workspace
        .docs()
        .next()
        .unwrap()
        .1
        .set
        .get(id)
        .unwrap()
        .range
        .start();
    assert!(
        span_start >= visible(&h).start.min(shown.start),
        "{span_start} before the screen {shown:?}"
    );
}

/// Issue 8.3: the first visible character stays first through a resize and a zoom.
#[test]
fn reading_place_survives_resize_and_zoom() {
    let (_dir, mut h) = long_doc();
    h.state_mut().scroll_to_char(30_000);
    h.run();
    let before = visible(&h).start;
    assert!(before > 20_000);
    h.set_size(egui::vec2(900.0, 700.0));
    h.run();
    let after = visible(&h).start;
    // The same row start, or within the row that now holds it (narrower rows).
    assert!(
        after <= before && before - after < 200,
        "{before} → {after}"
    );
    h.ctx.set_zoom_factor(1.5);
    h.run();
    h.run();
    let zoomed = visible(&h).start;
    // Rows are narrower now: the old first char is on the first row or the next.
    assert!(
        zoomed.abs_diff(after) < 120,
        "{after} → {zoomed} after zoom"
    );
}

/// Issue 8.3: the overview strip marks spans; clicking it jumps there.
#[test]
fn overview_strip_click_jumps_through_the_document() {
    let (_dir, mut h) = long_doc();
    let len = h.state().current_document().unwrap().len_chars();
    assert_eq!(visible(&h).start, 0);
    h.get_by_label("Overview").click();
    h.run();
    h.run();
    let mid = visible(&h);
    assert!(
        mid.start > len / 4 && mid.end < len * 3 / 4 + 5_000,
        "the middle of the strip shows the middle of the document: {mid:?} of {len}"
    );
}

fn status_of(h: &Harness<'_, EntitleApp>, doc: &str) -> DocStatus {
    let id = DocId::new(doc).unwrap();
    h.state().session().unwrap().summary(&id).status
}

/// Issue 8.7: statuses set by key and from the list; a done document asks before an
/// edit reopens it; the list shows the progress and filters by status; the status is
/// on disk.
#[test]
fn done_documents_are_protected_and_the_list_shows_progress() {
    let (dir, mut h) = sample();
    let root = sample_root(&dir);
    let total = h.state().session().unwrap().project.docs().len();
    h.get_by_label_contains(&format!("0 of {total} done"));
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::D);
    assert_eq!(status_of(&h, ALEPPO), DocStatus::Done);
    h.get_by_label_contains(&format!("1 of {total} done"));
    h.get_by_label_contains("done · protected");
    // An edit asks first; "Keep it done" changes nothing.
    let (s, e) = find(&h, "Aleppo");
    drag(&mut h, s, e - 1, Modifiers::NONE);
    key(&mut h, egui::Key::Num3);
    h.get_by_label("Document is done");
    assert!(model_spans(&h, ALEPPO).is_empty());
    h.get_by_label("Keep it done").click();
    h.run();
    assert!(model_spans(&h, ALEPPO).is_empty());
    assert_eq!(status_of(&h, ALEPPO), DocStatus::Done);
    // Escape closes the question too.
    key(&mut h, egui::Key::Num3);
    h.get_by_label("Document is done");
    key(&mut h, egui::Key::Escape);
    assert!(h.query_by_label("Document is done").is_none());
    assert!(
        h.state().selection().is_some(),
        "Escape closed the question, not the selection"
    );
    // "Reopen and edit" reopens and makes the edit.
    key(&mut h, egui::Key::Num3);
    h.get_by_label("Reopen and edit").click();
    h.run();
    assert_eq!(model_spans(&h, ALEPPO), vec![(s, e, "GPE".into())]);
    assert_eq!(status_of(&h, ALEPPO), DocStatus::InProgress);
    // Needs review by key; the list filters by status.
    key_mod(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, egui::Key::D);
    assert_eq!(status_of(&h, ALEPPO), DocStatus::NeedsReview);
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::PageDown);
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::D);
    assert_eq!(status_of(&h, NAIROBI), DocStatus::Done);
    h.get_by_label("Status").click();
    h.run();
    h.get_by_label("⚑ needs review (1)").click();
    h.run();
    h.get_by_label_contains(&format!("1 of {total} documents shown"));
    // With protection off, a done document edits without asking.
    h.state_mut()
        .push_action(entitle::app::Action::ToggleProtectDone);
    h.run();
    let (n, ne) = find(&h, "Nairobi");
    drag(&mut h, n, ne - 1, Modifiers::NONE);
    key(&mut h, egui::Key::Num3);
    assert!(h.query_by_label("Document is done").is_none());
    assert_eq!(model_spans(&h, NAIROBI).len(), 1);
    assert!(h.state_mut().flush());
    let file =
        std::fs::read_to_string(root.join(format!("annotations/tester/{ALEPPO}.json"))).unwrap();
    assert!(file.contains("\"status\": \"needs-review\""), "{file}");
}

/// Issue 8.8: on a wide window the text keeps a readable line length, centred; the
/// View menu switches light and dark with readable text in both.
#[test]
fn wide_windows_keep_lines_readable_and_themes_switch() {
    let dir = tempfile::tempdir().unwrap();
    let doc = synth::news_document(20_000, 60, 3);
    synth::write_project(dir.path(), "a", &doc, "tester").unwrap();
    let mut h = app(Some(dir.path().to_path_buf()), dir.path());
    h.set_size(egui::vec2(2400.0, 900.0));
    h.run();
    let shown = visible(&h);
    let rects: Vec<egui::Rect> = shown
        .clone()
        .filter_map(|c| h.state().char_rect(c))
        .collect();
    let left = rects.iter().map(|r| r.left()).fold(f32::MAX, f32::min);
    let right = rects.iter().map(|r| r.right()).fold(f32::MIN, f32::max);
    // Count the characters of the longest row.
    let mut rows: std::collections::BTreeMap<i32, usize> = Default::default();
    for r in &rects {
        *rows.entry(r.center().y as i32).or_default() += 1;
    }
    let longest = rows.values().max().copied().unwrap_or(0);
    assert!(
        (70..=115).contains(&longest),
        "{longest} characters on the longest row"
    );
    // Centred in what the document list and the overview strip leave.
    assert!(left > 600.0 && right < 2000.0, "{left}..{right}");
    // Themes: light and dark, readable text in each.
    for (name, dark) in [("Light", false), ("Dark", true)] {
        let resets = h.state().layout_resets().unwrap();
        h.get_by_label("View").click();
        h.run();
        h.get_by_label("Theme").click();
        h.run();
        h.get_by_label(name).click();
        h.run();
        h.run();
        // A theme rebuilds egui's font atlas: the document is laid out again. (Here the
        // atlas's fill drops too, which alone resets the layout; the case where it does
        // not — the light theme drawn with glyphs missing, seen in a screenshot — is
        // pinned by `a_theme_switch_breaks_the_epoch_even_when_the_atlas_is_as_full`.)
        assert!(
            h.state().layout_resets().unwrap() > resets,
            "{name}: layout kept"
        );
        let theme = h.ctx.theme();
        assert_eq!(theme == egui::Theme::Dark, dark, "{name}");
        let v = h.ctx.style_of(theme).visuals.clone();
        assert!(entitle::app::theme::contrast(v.text_color(), v.panel_fill) >= 7.0);
    }
    assert_eq!(
        h.state().prefs().theme,
        entitle::app::theme::ThemeChoice::Dark
    );
}

/// Issue 8.9: F1 help in sections with the keys in force, Escape closes it; the
/// window title names document and project; the first run shows one hint, dismissible.
#[test]
fn help_sections_title_and_first_run_hint() {
    let (_dir, mut h) = sample();
    assert!(
        h.state().window_title().starts_with(ALEPPO)
            && h.state().window_title().ends_with("— Entitle"),
        "{}",
        h.state().window_title()
    );
    h.get_by_label_contains("Tip: drag across a name");
    h.get_all_by_label("✖").next().unwrap().click();
    h.run();
    assert!(
        h.query_by_label_contains("Tip: drag across a name")
            .is_none()
    );
    assert!(h.state().prefs().hint_dismissed);
    key(&mut h, egui::Key::F1);
    h.get_by_label("Help");
    h.get_by_label_contains("Entitle opens a folder of .txt files");
    h.get_by_label("Selecting").click();
    h.run();
    h.get_by_label("Scroll down a screen");
    h.get_by_label_contains("PageDown");
    // (The label palette is titled "Labels" too: the help tab is the last.)
    h.get_all_by_label("Labels").last().unwrap().click();
    h.run();
    h.get_by_label("Label PER");
    key(&mut h, egui::Key::Escape);
    assert!(h.query_by_label("Help").is_none());
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::PageDown);
    assert!(h.state().window_title().starts_with(NAIROBI));
}

/// Issue 8.11: Ctrl+Shift+P lists every action with its keys, fuzzy-filtered; Enter
/// runs the chosen one; Escape closes.
#[test]
fn command_palette_runs_actions_by_name() {
    let (_dir, mut h) = sample();
    key_mod(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, egui::Key::P);
    h.get_by_label("Undo");
    h.get_by_label("Label PER");
    h.event(Event::Text("nxt doc".into()));
    h.run();
    assert!(h.query_by_label("Undo").is_none(), "filtered");
    h.get_by_label("Next document");
    key(&mut h, egui::Key::Enter);
    assert_eq!(h.state().current_doc().unwrap().as_str(), NAIROBI);
    assert!(
        h.query_by_label("Next document").is_none(),
        "closed after running"
    );
    // Down/Enter choose among several; a label applies to the selection.
    let (s, e) = find(&h, "Nairobi");
    drag(&mut h, s, e - 1, Modifiers::NONE);
    key_mod(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, egui::Key::P);
    h.event(Event::Text("label gpe".into()));
    h.run();
    key(&mut h, egui::Key::Enter);
    assert_eq!(model_spans(&h, NAIROBI), vec![(s, e, "GPE".into())]);
    key_mod(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, egui::Key::P);
    h.get_by_label("Undo");
    key(&mut h, egui::Key::Escape);
    assert!(h.query_by_label("Label PER").is_none());
    assert_eq!(model_spans(&h, NAIROBI).len(), 1, "Escape ran nothing");
}

/// Issue 8.10: without a working system dialog, Open, Import's Choose… and Export's
/// Choose… use the app's own chooser: typed paths, folder entries, recent projects.
#[test]
fn own_file_chooser_opens_imports_and_exports() {
    let (dir, mut h) = sample();
    h.state_mut().prefs_mut().own_file_dialog = true;
    let other = dir.path().join("wire");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("a.txt"), "Amal Haddad met officials in Oslo.").unwrap();
    std::fs::write(
        other.join("b.jsonl"),
        "{\"text\": \"Oslo\", \"spans\": []}\n",
    )
    .unwrap();
    // Open: type the folder, Enter.
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::O);
    h.get_by_label("Open a project or a folder of .txt files");
    let field = h.get_by_label("Path");
    field.focus();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_by_label("Path").type_text(other.to_str().unwrap());
    h.run();
    key(&mut h, egui::Key::Enter);
    h.run();
    assert_eq!(h.state().current_doc().unwrap().as_str(), "a");
    // The sample is a recent project: one click back.
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::O);
    h.get_by_label("sample-project").click();
    h.run();
    assert_eq!(h.state().current_doc().unwrap().as_str(), ALEPPO);
    // Import › Choose files…: the folder's entries, a click picks, Choose fills the form.
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::I);
    h.get_by_label("Choose files…").click();
    h.run();
    h.get_by_label("Path").focus();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_by_label("Path").type_text(other.to_str().unwrap());
    h.run();
    key(&mut h, egui::Key::Enter);
    h.run();
    h.get_by_label("📄 b.jsonl").click();
    h.run();
    h.get_by_label("Choose 1 files").click();
    h.run();
    assert_eq!(
        h.state().import_paths(),
        other.join("b.jsonl").to_str().unwrap()
    );
    // Escape closes the chooser without choosing.
    h.get_by_label("Choose folder…").click();
    h.run();
    h.get_by_label("Choose this folder");
    key(&mut h, egui::Key::Escape);
    assert!(h.query_by_label("Choose this folder").is_none());
    key(&mut h, egui::Key::Escape);
    // Export › Choose…: a typed file name in an existing folder.
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::E);
    h.get_by_label("Choose…").click();
    h.run();
    let out = other.join("out.jsonl");
    h.get_by_label("Path").focus();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_by_label("Path").type_text(out.to_str().unwrap());
    h.run();
    h.get_by_label("Save here").click();
    h.run();
    assert_eq!(h.state().export_output(), out.to_str().unwrap());
}

/// Issue 8.6 (part): entitle.toml edited in another program is in force without a
/// restart; a broken edit keeps the labels in force and says why.
#[test]
fn entitle_toml_edited_on_disk_is_picked_up() {
    let (dir, mut h) = sample();
    let toml = sample_root(&dir).join("entitle.toml");
    let mut text = std::fs::read_to_string(&toml).unwrap();
    text.push_str("\n[[labels]]\nname = \"WEAPON\"\ncolor = \"#222222\"\nhotkey = \"9\"\n");
    std::fs::write(&toml, &text).unwrap();
    std::thread::sleep(Duration::from_millis(1100));
    h.hover_at(Pos2::new(5.0, 5.0));
    h.run();
    h.get_by_label("WEAPON");
    let (s, e) = find(&h, "Aleppo");
    drag(&mut h, s, e - 1, Modifiers::NONE);
    key(&mut h, egui::Key::Num9);
    assert_eq!(model_spans(&h, ALEPPO), vec![(s, e, "WEAPON".into())]);
    // A broken file: the labels stay, the message says where.
    std::fs::write(&toml, "format_version = 1\n[[labels]]\nname = 3\n").unwrap();
    std::thread::sleep(Duration::from_millis(1100));
    h.hover_at(Pos2::new(6.0, 6.0));
    h.run();
    h.get_by_label("WEAPON");
    let msgs: Vec<String> = h
        .state()
        .messages()
        .iter()
        .map(|m| m.text.clone())
        .collect();
    assert!(
        msgs.iter()
            .any(|m| m.contains("cannot be used") && m.contains("entitle.toml:3")),
        "{msgs:#?}"
    );
}

/// Issue 8.1/8.2: Ctrl+F finds in the document, Enter selects a hit so a label key
/// tags it, F3 goes on; Tag all adds the label to every other hit after a preview, as
/// one undo step; Ctrl+Shift+A tags every other occurrence of the selected span.
#[test]
fn find_in_document_then_tag_all_as_one_step() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("wire");
    std::fs::create_dir_all(&p).unwrap();
    std::fs::write(
        p.join("a.txt"),
        "HTS fighters entered Idlib. “Idlib is calm,” said Sharif.\nIdlibs aside, HTS said Idlib and idlib are one; Sharif agreed. Sharif left Idlib.",
    )
    .unwrap();
    let mut h = app(Some(p.clone()), dir.path());
    let text = h.state().current_document().unwrap().text().to_string();
    let occurrences: Vec<usize> = text.match_indices("Idlib").map(|(b, _)| b).collect();
    assert_eq!(occurrences.len(), 5);
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::F);
    h.event(Event::Text("idlib".into()));
    h.run();
    // Whole words (not "Idlibs"), any case ("idlib" too).
    h.get_by_label("5 hits");
    key(&mut h, egui::Key::Enter);
    let first = h.state().selection().unwrap();
    let doc = h.state().current_document().unwrap().clone();
    assert_eq!(doc.slice(first.range()), "Idlib");
    h.get_by_label("1 of 5");
    key(&mut h, egui::Key::Num3);
    assert_eq!(model_spans(&h, "a").len(), 1);
    key(&mut h, egui::Key::F3);
    h.get_by_label("2 of 5");
    // Tag all: a preview first, nothing added yet.
    h.get_by_label("Tag all…").click();
    h.run();
    // (The label palette has a GPE button too: the menu's is the last.)
    h.get_all_by_label("GPE").last().unwrap().click();
    h.run();
    h.get_by_label("Tag all");
    assert_eq!(model_spans(&h, "a").len(), 1);
    assert!(h.query_all_by_label_contains("already annotated").count() >= 1);
    h.get_by_label("Add 4 spans").click();
    h.run();
    let spans = model_spans(&h, "a");
    assert_eq!(spans.len(), 5);
    assert!(
        spans
            .iter()
            .all(|s| s.2 == "GPE" && doc.slice(s.0..s.1).eq_ignore_ascii_case("idlib"))
    );
    // One undo step takes the four back.
    key(&mut h, egui::Key::Escape);
    key(&mut h, egui::Key::Escape);
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::Z);
    assert_eq!(model_spans(&h, "a").len(), 1);
    // Ctrl+Shift+A from a selected span: "Sharif" as PER everywhere else.
    let (s, e) = find(&h, "Sharif");
    drag(&mut h, s, e - 1, Modifiers::NONE);
    key(&mut h, egui::Key::Num1);
    key_mod(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, egui::Key::A);
    h.get_by_label("Add 2 spans");
    key(&mut h, egui::Key::Enter);
    let per: Vec<_> = model_spans(&h, "a")
        .into_iter()
        .filter(|s| s.2 == "PER")
        .collect();
    assert_eq!(per.len(), 3);
}

/// Issue 8.1: Ctrl+Shift+F searches every document; hits stream into a list grouped
/// by document; clicking one opens its document with the hit selected.
#[test]
fn project_search_lists_hits_by_document_and_opens_them() {
    let (_dir, mut h) = sample();
    key_mod(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, egui::Key::F);
    h.get_by_label("Search the project");
    h.event(Event::Text("Nairobi".into()));
    let deadline = Instant::now() + Duration::from_secs(20);
    while h.query_by_label_contains(" hits in ").is_none() {
        assert!(Instant::now() < deadline, "no search summary after 20 s");
        std::thread::sleep(Duration::from_millis(10));
        h.step();
    }
    h.run();
    h.get_by_label_contains(&format!("{NAIROBI} — "));
    assert!(
        h.query_all_by_label_contains("    …").count() >= 1,
        "hit rows with context"
    );
    h.get_all_by_label_contains("    …").next().unwrap().click();
    h.run();
    assert_eq!(h.state().current_doc().unwrap().as_str(), NAIROBI);
    let sel = h.state().selection().expect("the hit is selected");
    let doc = h.state().current_document().unwrap().clone();
    assert_eq!(doc.slice(sel.range()), "Nairobi");
    // A bad regular expression says what is wrong.
    h.get_by_label(".*").click();
    h.run();
    h.get_by_label("Search").focus();
    h.run();
    key(&mut h, egui::Key::End);
    h.event(Event::Text("(".into()));
    h.run();
    h.get_by_label_contains("not a valid regular expression");
}

/// Issue 8.1: the document filter matches text, status and labels too.
#[test]
fn document_filter_matches_text_status_and_labels() {
    let (_dir, mut h) = sample();
    let total = h.state().session().unwrap().project.docs().len();
    // Wait for the project's texts (read in the background).
    let deadline = Instant::now() + Duration::from_secs(20);
    let filter_to = |h: &mut Harness<'_, EntitleApp>, text: &str| {
        key_mod(h, Modifiers::COMMAND, egui::Key::P);
        h.key_press_modifiers(Modifiers::COMMAND, egui::Key::A);
        h.run();
        h.event(Event::Text(text.into()));
        h.run();
    };
    filter_to(&mut h, "text:Westlands");
    while h.query_by_label_contains("1 of ").is_none() {
        assert!(Instant::now() < deadline, "the text filter never matched");
        std::thread::sleep(Duration::from_millis(20));
        h.step();
    }
    h.get_by_label_contains(&format!("1 of {total} documents shown"));
    h.get_by_label_contains("Kenyan electoral body");
    // A plain word matches text too.
    filter_to(&mut h, "westlands");
    h.get_by_label_contains(&format!("1 of {total} documents shown"));
    // Status and labels.
    key(&mut h, egui::Key::Escape);
    let (s, e) = find(&h, "Aleppo");
    drag(&mut h, s, e - 1, Modifiers::NONE);
    key(&mut h, egui::Key::Num3);
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::D);
    filter_to(&mut h, "status:done label:GPE");
    h.get_by_label_contains(&format!("1 of {total} documents shown"));
    filter_to(&mut h, "-status:done");
    h.get_by_label_contains(&format!("{} of {total} documents shown", total - 1));
}

/// Issue 8.2: Tag all from the project search adds the label in every document after
/// a preview, as one undo step across documents.
#[test]
fn tag_all_in_the_project_is_one_undo_step_across_documents() {
    let (_dir, mut h) = sample();
    let docs: Vec<String> = h
        .state()
        .session()
        .unwrap()
        .project
        .docs()
        .iter()
        .map(|d| d.id.to_string())
        .collect();
    let annotated = entitle::project::sample::ANNOTATED_DOC;
    let before = |d: &str| if d == annotated { 29 } else { 0 };
    // A done document is protected: its hit is skipped; the annotated article has
    // "Entitle Wire" tagged already: skipped too.
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::D);
    key_mod(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, egui::Key::F);
    h.event(Event::Text("Entitle Wire".into()));
    let deadline = Instant::now() + Duration::from_secs(20);
    while h.query_by_label_contains(" hits in ").is_none() {
        assert!(Instant::now() < deadline, "no search summary after 20 s");
        std::thread::sleep(Duration::from_millis(10));
        h.step();
    }
    h.run();
    h.get_by_label("Tag all in the project…").click();
    h.run();
    h.get_all_by_label("ORG").last().unwrap().click();
    h.run();
    let adds = docs.len() - 2;
    h.get_by_label_contains(&format!("ORG spans in {adds} documents"));
    h.get_by_label_contains("read-only or marked done");
    h.get_by_label_contains("skip 2: 1 already annotated, 1 in read-only documents");
    assert!(
        docs.iter().all(|d| model_spans(&h, d).len() == before(d)),
        "nothing before yes"
    );
    h.get_by_label(&format!("Add {adds} spans")).click();
    h.run();
    for d in &docs {
        let spans = model_spans(&h, d);
        if d == ALEPPO {
            assert!(spans.is_empty(), "the done document was left alone");
        } else if d == annotated {
            assert_eq!(spans.len(), 29, "no second Entitle Wire");
        } else {
            assert_eq!(spans.len(), 1, "{d}");
            assert_eq!(spans[0].2, "ORG");
        }
    }
    key(&mut h, egui::Key::Escape);
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::Z);
    assert!(
        docs.iter().all(|d| model_spans(&h, d).len() == before(d)),
        "one undo takes all back"
    );
}

/// Annotate documents through the library, as an earlier session would have, so the
/// app finds them on disk without having opened them.
fn annotate_on_disk(root: &Path, spans: &[(&str, &str, usize, &str)]) {
    use entitle::edit::Command;
    use entitle::model::Span;
    let (project, _) = entitle::project::Project::open(root).unwrap();
    let mut s = entitle::session::Session::new(project, "tester").unwrap();
    for (doc, needle, nth, label) in spans {
        let id = DocId::new(*doc).unwrap();
        let text = s.ensure_open(&id).doc.as_ref().unwrap().text().to_string();
        let (b, _) = text.match_indices(needle).nth(*nth).unwrap();
        let start = text[..b].chars().count();
        let end = start + needle.chars().count();
        let set = &s.workspace.doc(&id).unwrap().set;
        let span = Span {
            id: set.next_id(),
            range: entitle::text::CharSpan::new(start, end, text.chars().count()).unwrap(),
            label: entitle::model::Label::new(label).unwrap(),
            annotator: "tester".into(),
            created: chrono::Utc::now(),
            modified: None,
            extra: None,
        };
        s.workspace
            .apply(Command::AddSpan { doc: id, span }, "Add")
            .unwrap();
    }
    assert!(s.flush(Duration::from_secs(5)));
}

fn toml_labels(root: &Path) -> Vec<(String, String, Option<String>)> {
    let text = std::fs::read_to_string(root.join("entitle.toml")).unwrap();
    let c = entitle::project::ProjectConfig::parse(&text).unwrap();
    c.labels
        .iter()
        .map(|l| (l.name.to_string(), l.color.to_string(), l.hotkey.clone()))
        .collect()
}

/// Replace the text of a focused single-line field and press Enter.
fn retype(h: &mut Harness<'_, EntitleApp>, field: &str, text: &str) {
    h.get_by_label(field).focus();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_by_label(field).type_text(text);
    h.run();
    key(h, egui::Key::Enter);
    h.run();
}

/// Issue 8.6: the label editor (Ctrl+L) renames a label through every document of the
/// project — open or only on disk — as one undo step, merges into an existing label,
/// re-keys, recolours, adds, refuses a bad name, and removes a label in use only after
/// saying how many spans use it; entitle.toml and the annotation files follow.
#[test]
fn label_editor_renames_across_the_project_and_removes_with_a_count() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("wire");
    std::fs::create_dir_all(&p).unwrap();
    std::fs::write(p.join("a.txt"), "Sharif met Jolani in Idlib.").unwrap();
    std::fs::write(p.join("b.txt"), "Sharif left Idlib for Homs.").unwrap();
    annotate_on_disk(
        &p,
        &[
            ("a", "Sharif", 0, "PER"),
            ("a", "Jolani", 0, "PER"),
            ("b", "Sharif", 0, "PER"),
            ("b", "Idlib", 0, "GPE"),
            ("b", "Idlib", 0, "LOC"),
            ("b", "Homs", 0, "LOC"),
        ],
    );
    let mut h = app(Some(p.clone()), dir.path());
    assert_eq!(h.state().current_doc().unwrap().as_str(), "a");
    assert!(
        h.state()
            .session()
            .unwrap()
            .open_doc(&DocId::new("b").unwrap())
            .is_none()
    );
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::L);
    h.get_by_label("Colour of PER");
    h.get_by_label("3 spans in 2 docs"); // PER, counted from disk for b
    h.get_by_label("2 spans in 1 doc"); // LOC

    // Rename PER → PERSON: asks, with the count, then changes both documents.
    retype(&mut h, "Name of PER", "PERSON");
    h.get_by_label("Rename PER to PERSON?");
    h.get_by_label_contains("3 spans in 2 documents are renamed");
    h.get_by_label("Rename PER").click();
    h.run();
    let labels_of = |h: &Harness<'_, EntitleApp>, d: &str| -> Vec<String> {
        model_spans(h, d).into_iter().map(|s| s.2).collect()
    };
    assert_eq!(labels_of(&h, "a"), ["PERSON", "PERSON"]);
    assert!(labels_of(&h, "b").contains(&"PERSON".to_string()));
    assert!(h.state_mut().flush());
    let names: Vec<String> = toml_labels(&p).into_iter().map(|l| l.0).collect();
    assert_eq!(names[0], "PERSON");
    assert!(!names.contains(&"PER".to_string()));
    for d in ["a", "b"] {
        let on_disk = disk_spans(&mut h, &p, d, None, Duration::from_secs(5));
        assert!(on_disk.iter().all(|s| s.2 != "PER"), "{on_disk:?}");
        assert!(on_disk.iter().any(|s| s.2 == "PERSON"), "{on_disk:?}");
    }
    // One undo step brings back the name everywhere, in the file too.
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::Z);
    assert_eq!(labels_of(&h, "a"), ["PER", "PER"]);
    assert!(h.state_mut().flush());
    assert_eq!(toml_labels(&p)[0].0, "PER");
    assert_eq!(
        disk_spans(&mut h, &p, "b", None, Duration::from_secs(5))
            .iter()
            .filter(|s| s.2 == "PER")
            .count(),
        1
    );

    // Merge LOC into GPE: the twin on "Idlib" goes, Homs becomes GPE.
    retype(&mut h, "Name of LOC", "GPE");
    h.get_by_label("Merge LOC into GPE?");
    h.get_by_label_contains("1 span is already marked GPE");
    h.get_by_label("Merge LOC").click();
    h.run();
    let mut b = labels_of(&h, "b");
    b.sort();
    assert_eq!(b, ["GPE", "GPE", "PER"]);
    assert!(!toml_labels(&p).iter().any(|l| l.0 == "LOC"));
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::Z);
    assert_eq!(labels_of(&h, "b").len(), 4);

    // A bad name is refused and said why; nothing changes.
    retype(&mut h, "Name of ORG", "Job Title");
    h.get_by_label_contains("“Job Title” cannot be a label name");
    assert!(toml_labels(&p).iter().any(|l| l.0 == "ORG"));

    // Re-key GPE to g, then the key tags.
    retype(&mut h, "Key of GPE", "g");
    assert!(h.state_mut().flush());
    assert!(
        toml_labels(&p)
            .iter()
            .any(|l| l.0 == "GPE" && l.2.as_deref() == Some("g"))
    );
    // A key another label has is refused.
    retype(&mut h, "Key of ORG", "g");
    h.get_by_label_contains("used by two labels");

    // Recolour ORG from the palette.
    h.get_by_label("Colour of ORG").click();
    h.run();
    h.get_by_label("Colour #ff9da7").click();
    h.run();
    assert!(h.state_mut().flush());
    assert!(
        toml_labels(&p)
            .iter()
            .any(|l| l.0 == "ORG" && l.1 == "#ff9da7")
    );

    // Add a label: next free key and colour.
    retype(&mut h, "New label name", "WEAPON");
    assert!(h.state_mut().flush());
    let weapon = toml_labels(&p)
        .into_iter()
        .find(|l| l.0 == "WEAPON")
        .unwrap();
    // GPE's old key 3 was freed by the re-key: the first free one.
    assert_eq!(weapon.2.as_deref(), Some("3"), "{weapon:?}");

    // Remove LOC (2 spans in b): asked first with the count; removing takes them.
    h.get_by_label("Remove LOC").click();
    h.run();
    h.get_by_label("LOC is used by 2 spans in 1 document.");
    h.get_by_label("Remove LOC and its 2 spans").click();
    h.run();
    assert!(!labels_of(&h, "b").contains(&"LOC".to_string()));
    assert!(h.state_mut().flush());
    assert!(!toml_labels(&p).iter().any(|l| l.0 == "LOC"));
    assert!(
        disk_spans(&mut h, &p, "b", None, Duration::from_secs(5))
            .iter()
            .all(|s| s.2 != "LOC")
    );
    // An unused label goes without a question.
    h.get_by_label("Remove EVENT").click();
    h.run();
    assert!(!toml_labels(&p).iter().any(|l| l.0 == "EVENT"));
    // Escape closes the editor.
    key(&mut h, egui::Key::Escape);
    assert!(h.query_by_label("Colour of PER").is_none());
}

/// Step frames until `done` (the suggestion engines answer from their thread).
fn wait_until(h: &mut Harness<'_, EntitleApp>, what: &str, done: impl Fn(&EntitleApp) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done(h.state()) {
        assert!(Instant::now() < deadline, "{what}: not within 20 s");
        std::thread::sleep(Duration::from_millis(5));
        h.step();
    }
    h.run();
}

fn suggested(h: &Harness<'_, EntitleApp>) -> Vec<(String, String, String)> {
    let doc = h.state().current_document().unwrap().clone();
    h.state()
        .suggestions()
        .iter()
        .map(|s| {
            (
                doc.slice(s.span.range()).to_string(),
                s.label.to_string(),
                s.engine.name().to_string(),
            )
        })
        .collect()
}

/// Issue 9.2: suggestions from what the analyst tagged elsewhere and from a gazetteer
/// are drawn for the open document; F8 steps to one and Enter accepts it (the span
/// keeps its engine and score, on disk too); Backspace rejects one (remembered in the
/// file, never proposed again, undoable); F7 hides them; Shift+Enter accepts every one
/// of a label and Ctrl+Enter every confident one.
#[test]
fn suggestions_are_accepted_rejected_and_hidden_from_the_keyboard() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("wire");
    std::fs::create_dir_all(p.join("gazetteers")).unwrap();
    std::fs::write(
        p.join("a.txt"),
        "HTS fighters entered Idlib. “HTS is here,” said Sharif of Idlib.",
    )
    .unwrap();
    std::fs::write(
        p.join("b.txt"),
        "Sharif left Idlib for Homs 🎉. HTS stayed.\r\n",
    )
    .unwrap();
    std::fs::write(p.join("gazetteers/places.csv"), "term,label\nHoms,GPE\n").unwrap();
    annotate_on_disk(
        &p,
        &[
            ("a", "HTS", 0, "ORG"),
            ("a", "Idlib", 0, "GPE"),
            ("a", "Sharif", 0, "PER"),
        ],
    );
    let mut h = app(Some(p.join("b.txt")), dir.path());
    assert_eq!(h.state().current_doc().unwrap().as_str(), "b");
    wait_until(&mut h, "suggestions for b", |a| a.suggestions().len() == 4);
    assert_eq!(
        suggested(&h),
        [
            ("Sharif".into(), "PER".into(), "same-string".into()),
            ("Idlib".into(), "GPE".into(), "same-string".into()),
            ("Homs".into(), "GPE".into(), "gazetteer".into()),
            ("HTS".into(), "ORG".into(), "same-string".into()),
        ]
    );
    // F8 steps to the first; Enter makes it the analyst's span, with its engine.
    key(&mut h, egui::Key::F8);
    key(&mut h, egui::Key::Enter);
    assert_eq!(model_spans(&h, "b").len(), 1);
    let span = h
        .state()
        .session()
        .unwrap()
        .workspace
        .doc(&DocId::new("b").unwrap())
        .unwrap()
        .set
        .spans()[0]
        .clone();
    assert_eq!(span.label, "PER");
    assert_eq!(span.provenance().unwrap().source, "same-string");
    wait_until(&mut h, "Sharif no longer suggested", |a| {
        a.suggestions().len() == 3
    });
    // F8 to Idlib, Backspace rejects it: gone, remembered, undoable.
    key(&mut h, egui::Key::F8);
    assert_eq!(h.state().selection().map(|s| s.start()), Some(12));
    key(&mut h, egui::Key::Backspace);
    assert_eq!(
        model_spans(&h, "b").len(),
        1,
        "Backspace rejected, deleted nothing"
    );
    wait_until(&mut h, "Idlib rejected", |a| a.suggestions().len() == 2);
    assert!(h.state_mut().flush());
    let file = std::fs::read_to_string(p.join("annotations/tester/b.json")).unwrap();
    assert!(file.contains("\"rejected\""), "{file}");
    assert!(file.contains("\"source\":\"same-string\""), "{file}");
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::Z);
    wait_until(&mut h, "Idlib back after undo", |a| {
        a.suggestions().len() == 3
    });
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::Y);
    wait_until(&mut h, "Idlib rejected again", |a| {
        a.suggestions().len() == 2
    });
    // F7 hides them and shows them again.
    key(&mut h, egui::Key::F7);
    assert!(h.state().suggestions().is_empty());
    key(&mut h, egui::Key::F7);
    wait_until(&mut h, "shown again", |a| a.suggestions().len() == 2);
    // Ctrl+Enter accepts every confident one: the gazetteer's Homs (1.0), not HTS,
    // tagged once so far (same-string scores it (1 + 1) / (1 + 2) = 0.67).
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::Enter);
    let mut labels: Vec<String> = model_spans(&h, "b").into_iter().map(|s| s.2).collect();
    labels.sort();
    assert_eq!(labels, ["GPE", "PER"]);
    wait_until(&mut h, "HTS still waiting", |a| {
        a.suggestions().len() == 1 && a.suggestions()[0].score < 0.9
    });
    // Enter on it (F8 reaches it) takes it.
    key(&mut h, egui::Key::F8);
    key(&mut h, egui::Key::Enter);
    let mut labels: Vec<String> = model_spans(&h, "b").into_iter().map(|s| s.2).collect();
    labels.sort();
    assert_eq!(labels, ["GPE", "ORG", "PER"]);
    // In a: the second HTS is proposed; Shift+Enter on it takes every ORG.
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::PageUp);
    assert_eq!(h.state().current_doc().unwrap().as_str(), "a");
    // Idlib is not proposed: rejected (in b) as often as it was given (in a).
    wait_until(&mut h, "suggestions for a", |a| a.suggestions().len() == 1);
    assert_eq!(
        suggested(&h),
        [("HTS".into(), "ORG".into(), "same-string".into())]
    );
    key(&mut h, egui::Key::F8);
    let sel = h.state().selection().unwrap();
    assert_eq!(
        h.state().current_document().unwrap().slice(sel.range()),
        "HTS"
    );
    h.key_press_modifiers(Modifiers::SHIFT, egui::Key::Enter);
    h.run();
    let orgs = model_spans(&h, "a")
        .into_iter()
        .filter(|s| s.2 == "ORG")
        .count();
    assert_eq!(orgs, 2);
    assert!(h.state_mut().flush());
    // The panel's case option is kept (a preference) and sent to the engines.
    assert!(!h.state().prefs().same_string_case);
    key(&mut h, egui::Key::F6);
    h.get_by_label("Same-string: match case").click();
    h.run();
    assert!(h.state().prefs().same_string_case);
}

/// Step frames until the suggestions panel shows `label` (the engines count on their
/// own thread, so the counts arrive a little after the window opens).
fn wait_for_label(h: &mut Harness<'_, EntitleApp>, label: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while h.query_by_label(label).is_none() {
        assert!(Instant::now() < deadline, "no {label:?} after 20 s");
        std::thread::sleep(Duration::from_millis(5));
        h.step();
    }
    h.run();
}

/// Issue 9: a rejected suggestion keeps the engine that proposed it, in the file too,
/// so the panel's per-engine Rejected counts are the project's and survive closing
/// and reopening the app; a rejection saved without its engine (an older file) is
/// counted as "unknown".
#[test]
fn rejections_are_counted_per_engine_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("wire");
    std::fs::create_dir_all(p.join("gazetteers")).unwrap();
    std::fs::write(p.join("a.txt"), "Sharif of Idlib spoke.").unwrap();
    std::fs::write(p.join("b.txt"), "Sharif left Idlib for Homs.").unwrap();
    std::fs::write(p.join("gazetteers/places.csv"), "term,label\nHoms,GPE\n").unwrap();
    annotate_on_disk(&p, &[("a", "Sharif", 0, "PER"), ("a", "Idlib", 0, "GPE")]);
    let mut h = app(Some(p.join("b.txt")), dir.path());
    wait_until(&mut h, "suggestions for b", |a| a.suggestions().len() == 3);
    let selected = |h: &Harness<'_, EntitleApp>| {
        let sel = h.state().selection().unwrap();
        h.state()
            .current_document()
            .unwrap()
            .slice(sel.range())
            .to_string()
    };
    // Sharif, then Idlib (same-string): reject Idlib; rejecting steps on to Homs
    // (gazetteer): reject it too.
    key(&mut h, egui::Key::F8);
    key(&mut h, egui::Key::F8);
    assert_eq!(selected(&h), "Idlib");
    key(&mut h, egui::Key::Backspace);
    assert_eq!(selected(&h), "Homs");
    key(&mut h, egui::Key::Backspace);
    wait_until(&mut h, "only Sharif left", |a| a.suggestions().len() == 1);
    key(&mut h, egui::Key::F6);
    wait_for_label(&mut h, "Rejected, gazetteer: 1");
    h.get_by_label("Rejected, same-string: 1");
    h.get_by_label("Rejected, model: 0");
    assert!(h.query_by_label_contains("Rejected, unknown").is_none());
    assert!(h.state_mut().flush());
    let path = p.join("annotations/tester/b.json");
    let file = std::fs::read_to_string(&path).unwrap();
    assert!(
        file.contains(r#""label":"GPE","text":"Idlib","source":"same-string"}"#),
        "{file}"
    );
    assert!(
        file.contains(r#""label":"GPE","text":"Homs","source":"gazetteer"}"#),
        "{file}"
    );
    drop(h);

    // Reopened: nothing rejected this session, the counts come from the files.
    let mut h = app(Some(p.join("b.txt")), dir.path());
    key(&mut h, egui::Key::F6);
    wait_for_label(&mut h, "Rejected, same-string: 1");
    h.get_by_label("Rejected, gazetteer: 1");
    wait_until(&mut h, "still only Sharif", |a| a.suggestions().len() == 1);
    drop(h);

    // A file written before the engine was kept: the mark still blocks Homs, and is
    // counted as unknown.
    std::fs::write(&path, file.replace(r#","source":"gazetteer""#, "")).unwrap();
    let mut h = app(Some(p.join("b.txt")), dir.path());
    key(&mut h, egui::Key::F6);
    wait_for_label(&mut h, "Rejected, unknown: 1");
    h.get_by_label("Rejected, gazetteer: 0");
    h.get_by_label("Rejected, same-string: 1");
    wait_until(&mut h, "Homs still rejected", |a| {
        a.suggestions().len() == 1
    });
}

/// Add a relation between the first spans on `from` and `to` of `doc`, as a session
/// would have saved it.
fn relate_on_disk(root: &Path, doc: &str, from: &str, to: &str, label: &str) {
    use entitle::edit::Command;
    let (project, _) = entitle::project::Project::open(root).unwrap();
    let mut s = entitle::session::Session::new(project, "tester").unwrap();
    let id = DocId::new(doc).unwrap();
    let text = s.ensure_open(&id).doc.as_ref().unwrap().text().to_string();
    let set = &s.workspace.doc(&id).unwrap().set;
    let span_of = |needle: &str| {
        let b = text.find(needle).unwrap();
        let start = text[..b].chars().count();
        set.iter().find(|s| s.range.start() == start).unwrap().id
    };
    let relation = entitle::model::Relation {
        id: set.next_relation_id(),
        label: entitle::model::Label::new(label).unwrap(),
        from: span_of(from),
        to: span_of(to),
        annotator: "tester".into(),
        created: chrono::Utc::now(),
        note: None,
    };
    s.workspace
        .apply(Command::AddRelation { doc: id, relation }, "Relate")
        .unwrap();
    assert!(s.flush(Duration::from_secs(5)));
}

/// (type, from text, to text) of the relations of `doc` in the model.
fn model_relations(h: &Harness<'_, EntitleApp>, doc: &str) -> Vec<(String, String, String)> {
    let app = h.state();
    let d = app
        .session()
        .unwrap()
        .workspace
        .doc(&DocId::new(doc).unwrap())
        .unwrap();
    let text = app.current_document().unwrap();
    let of = |id| {
        d.set
            .get(id)
            .map(|s| text.slice(s.range.range()).to_string())
            .unwrap_or_default()
    };
    d.set
        .relations()
        .iter()
        .map(|r| (r.label.to_string(), of(r.from), of(r.to)))
        .collect()
}

fn click_at(h: &mut Harness<'_, EntitleApp>, p: Pos2) {
    h.hover_at(p);
    button(h, p, true, Modifiers::NONE);
    button(h, p, false, Modifiers::NONE);
    h.run();
}

/// Issue 7.2: an imported relation is drawn as an arc with its label; clicking the
/// label selects it; Shift+R reverses it, Delete removes it, undo brings it back;
/// deleting a span with relations says so and undo restores both; R, Tab, Enter and a
/// filtered chooser make a new one; F9 hides the arcs. Checked in the model and on disk.
#[test]
fn relations_are_drawn_selected_reversed_deleted_and_made_from_the_keyboard() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("wire");
    std::fs::create_dir_all(&p).unwrap();
    std::fs::write(
        p.join("a.txt"),
        "“Ingrid Vos” 🎉 heads the European Commission in Brussels, said Gábor Szalai.\r\n",
    )
    .unwrap();
    annotate_on_disk(
        &p,
        &[
            ("a", "Ingrid Vos", 0, "PER"),
            ("a", "European Commission", 0, "ORG"),
            ("a", "Brussels", 0, "GPE"),
            ("a", "Gábor Szalai", 0, "PER"),
        ],
    );
    relate_on_disk(&p, "a", "Ingrid Vos", "European Commission", "Head_of");
    let mut h = app(Some(p.join("a.txt")), dir.path());
    h.run();
    let rid = entitle::model::RelationId(1);
    let label = h
        .state()
        .relation_label_rect(rid)
        .expect("the relation's arc and label are drawn");
    // The label sits above the text, between the two spans.
    let (vos, _) = find(&h, "Ingrid Vos");
    let (ec, _) = find(&h, "European Commission");
    let text_top = h.state().char_rect(vos).unwrap().top();
    assert!(label.bottom() <= text_top, "{label:?} above {text_top}");
    assert!(label.center().x > center(&h, vos).x && label.center().x < center(&h, ec + 10).x);
    // Click the label: the relation is selected; Shift+R reverses it.
    click_at(&mut h, label.center());
    assert_eq!(h.state().selected_relation(), Some(rid));
    key_mod(&mut h, Modifiers::SHIFT, egui::Key::R);
    assert_eq!(
        model_relations(&h, "a"),
        [(
            "Head_of".into(),
            "European Commission".into(),
            "Ingrid Vos".into()
        )]
    );
    // Delete removes the relation, not a span; undo brings it back.
    key(&mut h, egui::Key::Delete);
    assert!(model_relations(&h, "a").is_empty());
    assert_eq!(model_spans(&h, "a").len(), 4);
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::Z);
    assert_eq!(model_relations(&h, "a").len(), 1);
    // Deleting a span with a relation says so; undo restores both.
    click(&mut h, vos + 2);
    key(&mut h, egui::Key::Delete);
    assert_eq!(model_spans(&h, "a").len(), 3);
    assert!(model_relations(&h, "a").is_empty());
    assert!(
        h.state()
            .messages()
            .iter()
            .any(|m| m.text.contains("its relation")),
        "the status line says a relation went with the span"
    );
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::Z);
    assert_eq!(model_spans(&h, "a").len(), 4);
    assert_eq!(model_relations(&h, "a").len(), 1);
    // R from Gábor Szalai, Tab to Brussels... Shift+Tab back to the Commission, Enter:
    // the chooser opens; typing filters, Enter takes the type.
    let (gs, _) = find(&h, "Gábor Szalai");
    click(&mut h, gs + 1);
    key(&mut h, egui::Key::R);
    h.key_press_modifiers(Modifiers::SHIFT, egui::Key::Tab);
    h.run();
    h.key_press_modifiers(Modifiers::SHIFT, egui::Key::Tab);
    h.run();
    key(&mut h, egui::Key::Enter);
    assert!(h.state().relation_chooser_open());
    h.event(Event::Text("head".into()));
    h.run();
    key(&mut h, egui::Key::Enter);
    assert!(!h.state().relation_chooser_open());
    let mut rels = model_relations(&h, "a");
    rels.sort();
    assert_eq!(
        rels,
        [
            (
                "Head_of".into(),
                "European Commission".into(),
                "Ingrid Vos".into()
            ),
            (
                "Head_of".into(),
                "Gábor Szalai".into(),
                "European Commission".into()
            ),
        ]
    );
    // On disk after the autosave.
    assert!(h.state_mut().flush());
    let file = std::fs::read_to_string(p.join("annotations/tester/a.json")).unwrap();
    assert_eq!(file.matches("Head_of").count(), 2, "{file}");
    // F9 hides the arcs (no label drawn), and shows them again.
    key(&mut h, egui::Key::F9);
    h.run();
    assert!(h.state().relation_label_rect(rid).is_none());
    key(&mut h, egui::Key::F9);
    h.run();
    h.run();
    assert!(h.state().relation_label_rect(rid).is_some());
    // The inspector shows the selected relation and edits its note in place.
    let label = h.state().relation_label_rect(rid).unwrap();
    click_at(&mut h, label.center());
    assert_eq!(h.state().selected_relation(), Some(rid));
    key(&mut h, egui::Key::F2);
    h.get_by_label("Note").focus();
    h.run();
    h.event(Event::Text("“heads” in the lead".into()));
    h.run();
    key(&mut h, egui::Key::Escape);
    h.run();
    let note = |h: &Harness<'_, EntitleApp>| {
        h.state()
            .session()
            .unwrap()
            .workspace
            .doc(&DocId::new("a").unwrap())
            .unwrap()
            .set
            .relation(rid)
            .and_then(|r| r.note.clone())
    };
    assert_eq!(note(&h).as_deref(), Some("“heads” in the lead"));
    assert_eq!(
        h.state().selected_relation(),
        Some(rid),
        "Escape kept the selection"
    );
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::Z);
    assert_eq!(note(&h), None);
}

/// Issue 7.3: F2 opens the inspector with the keyboard in the selected span's note;
/// the note typed there is the span's when the field is left (one undo step, on disk);
/// a link typed as db:id is added with Enter; the hover shows both.
#[test]
fn inspector_edits_the_note_and_links_of_the_selected_span() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("wire");
    std::fs::create_dir_all(&p).unwrap();
    std::fs::write(p.join("a.txt"), "Ingrid Vos 🎉 visited Brussels.\r\n").unwrap();
    std::fs::create_dir_all(p.join("kb")).unwrap();
    std::fs::write(
        p.join("kb/wikidata.csv"),
        "id,name,aliases\r\nQ239,Brussels,Bruxelles|Brussel\r\nQ240,Brussels-Capital Region,\r\nQ1297,Île-de-France,\r\n",
    )
    .unwrap();
    annotate_on_disk(&p, &[("a", "Brussels", 0, "GPE")]);
    let mut h = app(Some(p.join("a.txt")), dir.path());
    let (b, _) = find(&h, "Brussels");
    click(&mut h, b + 1);
    assert!(h.state().selected_span().is_some());
    key(&mut h, egui::Key::F2);
    h.run();
    // The note field has the keyboard: typing goes there, not to label keys.
    h.event(Event::Text("capital of Belgium, “EU seat”".into()));
    h.run();
    key(&mut h, egui::Key::Escape);
    h.run();
    let details = |h: &Harness<'_, EntitleApp>| {
        let d = h
            .state()
            .session()
            .unwrap()
            .workspace
            .doc(&DocId::new("a").unwrap())
            .unwrap();
        let s = &d.set.spans()[0];
        (
            s.note().map(str::to_string),
            s.normalizations()
                .iter()
                .map(|n| format!("{}:{}", n.db, n.id))
                .collect::<Vec<_>>(),
        )
    };
    assert_eq!(
        details(&h).0.as_deref(),
        Some("capital of Belgium, “EU seat”")
    );
    assert_eq!(model_spans(&h, "a").len(), 1, "typing made no span");
    // A link from the knowledge base: an alias, typed in part, completes (loaded in
    // the background); Enter takes the first completion.
    wait_until(&mut h, "the knowledge base is loaded", |a| {
        a.kb_entries() == Some(3)
    });
    h.get_by_label("Add").focus();
    h.run();
    h.event(Event::Text("bruxel".into()));
    h.run();
    assert!(
        h.query_by_label_contains("wikidata:Q239 Brussels")
            .is_some()
    );
    assert!(h.query_by_label_contains("Q1297").is_none());
    key(&mut h, egui::Key::Enter);
    h.run();
    assert_eq!(details(&h).1, ["wikidata:Q239"]);
    // One typed as db:id, with no entry in the knowledge base.
    h.get_by_label("Add").focus();
    h.run();
    h.event(Event::Text("geonames:2800866".into()));
    h.run();
    key(&mut h, egui::Key::Enter);
    h.run();
    assert_eq!(details(&h).1, ["wikidata:Q239", "geonames:2800866"]);
    assert!(h.state_mut().flush());
    let file = std::fs::read_to_string(p.join("annotations/tester/a.json")).unwrap();
    assert!(file.contains("EU seat") && file.contains("Q239"), "{file}");
    // Undo takes the links back, then the note.
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::Z);
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::Z);
    assert!(details(&h).1.is_empty());
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::Z);
    assert_eq!(details(&h).0, None);
}

/// Issue 7.4: Ctrl+drag with a span selected adds the dragged words to it as a
/// fragment (one span, discontinuous, one undo step, on disk); Ctrl+J does the same
/// from the keyboard (on the span, then on a selection).
#[test]
fn ctrl_drag_and_ctrl_j_add_fragments_to_the_selected_span() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("wire");
    std::fs::create_dir_all(&p).unwrap();
    std::fs::write(
        p.join("a.txt"),
        "Ingrid 🎉 and Lars Vos met in “Brussels” and Antwerp.\r\n",
    )
    .unwrap();
    annotate_on_disk(
        &p,
        &[("a", "Ingrid", 0, "PER"), ("a", "Brussels", 0, "GPE")],
    );
    let mut h = app(Some(p.join("a.txt")), dir.path());
    let fragments = |h: &Harness<'_, EntitleApp>, label: &str| {
        let app = h.state();
        let d = app
            .session()
            .unwrap()
            .workspace
            .doc(&DocId::new("a").unwrap())
            .unwrap();
        let text = app.current_document().unwrap();
        let s = d.set.iter().find(|s| s.label == label).unwrap();
        s.fragments()
            .iter()
            .map(|f| text.slice(f.range()).to_string())
            .collect::<Vec<_>>()
    };
    let (ingrid, _) = find(&h, "Ingrid");
    let (vos, _) = find(&h, "Vos");
    click(&mut h, ingrid + 1);
    drag(&mut h, vos, vos + 2, Modifiers::COMMAND);
    assert_eq!(fragments(&h, "PER"), ["Ingrid", "Vos"]);
    assert_eq!(model_spans(&h, "a").len(), 2, "one span, two fragments");
    assert!(h.state_mut().flush());
    let file = std::fs::read_to_string(p.join("annotations/tester/a.json")).unwrap();
    assert!(file.contains("fragments"), "{file}");
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::Z);
    assert_eq!(fragments(&h, "PER"), ["Ingrid"]);
    // The keyboard: Ctrl+J on the span, select Antwerp, Ctrl+J.
    let (brussels, _) = find(&h, "Brussels");
    let (antwerp, _) = find(&h, "Antwerp");
    click(&mut h, brussels + 1);
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::J);
    drag(&mut h, antwerp, antwerp + 3, Modifiers::NONE);
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::J);
    assert_eq!(fragments(&h, "GPE"), ["Brussels", "Antwerp"]);
}

/// Issue 7.1–7.3 on the sample project: its arcs are drawn on the first run; the
/// chooser offers only the types of entitle.toml whose argument labels fit and takes a
/// type's key; a type's key relabels the selected relation; the inspector shows the
/// schema's attributes for the span's label and sets a flag (model and disk).
#[test]
fn the_sample_schema_drives_the_chooser_the_relation_keys_and_the_inspector() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = app(None, dir.path());
    let doc = entitle::project::sample::ANNOTATED_DOC;
    assert_eq!(h.state().current_doc().unwrap().as_str(), doc);
    let arcs_drawn = (1..=5)
        .filter(|i| {
            h.state()
                .relation_label_rect(entitle::model::RelationId(*i))
                .is_some()
        })
        .count();
    assert!(
        arcs_drawn >= 3,
        "the sample's arcs are drawn ({arcs_drawn})"
    );
    // Gábor Szalai (PER) → European Union (ORG): Head_of and Member_of fit; m takes
    // Member_of at once.
    let (gs, _) = find(&h, "Gábor Szalai");
    let (eu, _) = find(&h, "European Union");
    click(&mut h, gs + 1);
    key(&mut h, egui::Key::R);
    click(&mut h, eu + 3);
    assert!(h.state().relation_chooser_open());
    assert!(h.query_by_label_contains("Head_of").is_some());
    assert!(h.query_by_label_contains("Member_of").is_some());
    assert!(
        h.query_by_label_contains("Spouse").is_none(),
        "PER -> ORG only"
    );
    h.event(Event::Text("m".into()));
    h.run();
    assert!(!h.state().relation_chooser_open());
    let has = |h: &Harness<'_, EntitleApp>, t: &str| {
        model_relations(h, doc).iter().any(|r| {
            r == &(
                t.to_string(),
                "Gábor Szalai".to_string(),
                "European Union".to_string(),
            )
        })
    };
    assert!(has(&h, "Member_of"));
    // The new relation is selected: h relabels it Head_of.
    key(&mut h, egui::Key::H);
    assert!(has(&h, "Head_of") && !has(&h, "Member_of"));
    // A drag from Ingrid Vos's label tag onto Gábor Szalai: PER - PER, Spouse only.
    let ids = |h: &Harness<'_, EntitleApp>, text: &str| {
        let (c, _) = find(h, text);
        h.state()
            .session()
            .unwrap()
            .workspace
            .doc(&DocId::new(doc).unwrap())
            .unwrap()
            .set
            .iter()
            .find(|s| s.range.start() == c)
            .unwrap()
            .id
    };
    let tag = h.state().tag_rect(ids(&h, "Ingrid Vos")).unwrap().center();
    let target = center(&h, gs + 2);
    h.hover_at(tag);
    button(&h, tag, true, Modifiers::NONE);
    h.run();
    h.hover_at(egui::pos2(
        (tag.x + target.x) / 2.0,
        (tag.y + target.y) / 2.0,
    ));
    h.run();
    h.hover_at(target);
    button(&h, target, false, Modifiers::NONE);
    h.run();
    assert!(h.state().relation_chooser_open());
    assert!(h.query_by_label_contains("Spouse").is_some());
    assert!(h.query_by_label_contains("Head_of").is_none());
    h.event(Event::Text("s".into()));
    h.run();
    assert!(
        model_relations(&h, doc)
            .iter()
            .any(|r| r == &("Spouse".into(), "Ingrid Vos".into(), "Gábor Szalai".into()))
    );
    // The inspector on Friday (DATE): certainty and negated from the schema.
    let (friday, _) = find(&h, "Friday");
    click(&mut h, friday + 1);
    key(&mut h, egui::Key::F2);
    key(&mut h, egui::Key::Escape);
    h.get_by_label("negated").click();
    h.run();
    let attrs = |h: &Harness<'_, EntitleApp>| {
        let d = h
            .state()
            .session()
            .unwrap()
            .workspace
            .doc(&DocId::new(doc).unwrap())
            .unwrap();
        d.set
            .iter()
            .find(|s| s.range.start() == friday)
            .unwrap()
            .attributes()
            .to_vec()
    };
    assert_eq!(attrs(&h), [("negated".to_string(), "true".to_string())]);
    assert!(h.query_by_label("certainty").is_some());
    assert!(h.state_mut().flush());
    let file =
        std::fs::read_to_string(sample_root(&dir).join(format!("annotations/tester/{doc}.json")))
            .unwrap();
    assert!(file.contains("negated"), "{file}");
}

/// Issue 7.2: thirty relations in one paragraph (neighbours and longer links, some
/// running to the next row) are stacked so that no two arc labels overlap, and they
/// are still drawn, apart, after a resize and a zoom.
#[test]
fn thirty_relations_in_a_paragraph_keep_their_labels_apart() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("wire");
    std::fs::create_dir_all(&p).unwrap();
    let names: Vec<String> = (0..24).map(|i| format!("Nasser{i:02}")).collect();
    let text = format!("“{}” met on Friday 🎉 and signed.\r\n", names.join(" and "));
    std::fs::write(p.join("a.txt"), &text).unwrap();
    let spans: Vec<(&str, &str, usize, &str)> =
        names.iter().map(|n| ("a", n.as_str(), 0, "PER")).collect();
    annotate_on_disk(&p, &spans);
    let mut pairs: Vec<(usize, usize)> = (0..23).map(|i| (i, i + 1)).collect();
    pairs.extend((0..7).map(|i| (i * 3, i * 3 + 4)));
    assert_eq!(pairs.len(), 30);
    for (a, b) in &pairs {
        relate_on_disk(
            &p,
            "a",
            &names[*a],
            &names[*b],
            if a % 2 == 0 { "Knows" } else { "Met" },
        );
    }
    let mut h = app(Some(p.join("a.txt")), dir.path());
    let check = |h: &mut Harness<'_, EntitleApp>, when: &str| {
        // The band grows over a few frames to what the busiest row needs.
        for _ in 0..4 {
            h.run();
        }
        let rects: Vec<egui::Rect> = (1..=30)
            .filter_map(|i| h.state().relation_label_rect(entitle::model::RelationId(i)))
            .collect();
        assert_eq!(rects.len(), 30, "{when}: every relation's label is drawn");
        for (i, a) in rects.iter().enumerate() {
            for b in &rects[i + 1..] {
                assert!(
                    !a.shrink(0.5).intersects(b.shrink(0.5)),
                    "{when}: labels overlap: {a:?} {b:?}"
                );
            }
        }
    };
    check(&mut h, "at first");
    h.set_size(egui::vec2(900.0, 700.0));
    check(&mut h, "after a resize");
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::Plus);
    check(&mut h, "after zooming in");
}

/// Issue 7.1 in the label editor: relation types and attributes are added, edited
/// (argument labels, keys, symmetry) and removed there, each one undo step, and
/// entitle.toml follows; a label the project lacks is refused with the reason.
#[test]
fn the_label_editor_edits_relation_types_and_attributes() {
    let (dir, mut h) = sample();
    let toml = |dir: &tempfile::TempDir| {
        let text = std::fs::read_to_string(sample_root(dir).join("entitle.toml")).unwrap();
        entitle::project::ProjectConfig::parse(&text).unwrap()
    };
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::L);
    retype(&mut h, "New relation type", "Works_for");
    let c = toml(&dir);
    assert!(c.relations.iter().any(|r| r.name == "Works_for"), "{c:?}");
    retype(&mut h, "Works_for from labels", "PER");
    retype(&mut h, "Works_for to labels", "ORG, GPE");
    let c = toml(&dir);
    let w = c.relations.iter().find(|r| r.name == "Works_for").unwrap();
    assert_eq!(w.from, ["PER"]);
    assert_eq!(w.to, ["ORG", "GPE"]);
    // A label the project does not have: refused, said, nothing changed.
    retype(&mut h, "Works_for to labels", "COMPANY");
    assert!(h.query_by_label_contains("COMPANY").is_some());
    let w = toml(&dir)
        .relations
        .into_iter()
        .find(|r| r.name == "Works_for")
        .unwrap();
    assert_eq!(w.to, ["ORG", "GPE"]);
    // Attributes: add one (a flag), give it labels.
    retype(&mut h, "New attribute", "quoted");
    retype(&mut h, "quoted labels", "PER ORG");
    let c = toml(&dir);
    let q = c.attributes.iter().find(|a| a.name == "quoted").unwrap();
    assert_eq!(q.labels, ["PER", "ORG"]);
    // Undo (the window closed first) takes the last change back, on disk too.
    key(&mut h, egui::Key::Escape);
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::Z);
    wait_until(&mut h, "entitle.toml follows the undo", |_| {
        toml(&dir)
            .attributes
            .iter()
            .find(|a| a.name == "quoted")
            .is_some_and(|a| a.labels.is_empty())
    });
}

/// Spans as `who` on disk, written as a `git pull` would bring them (the app holds the
/// project's lock meanwhile): added to what that layer's file already has.
fn annotate_as(root: &Path, who: &str, spans: &[(&str, &str, &str)]) {
    use entitle::model::{AnnotationSet, Span};
    use entitle::project::annotation_file::Checked;
    let (project, _) = entitle::project::Project::open_read_only(root).unwrap();
    for (doc, needle, label) in spans {
        let id = DocId::new(*doc).unwrap();
        let text = project.load_document(&id).unwrap();
        let mut set = match project.read_annotations(who, &id).unwrap() {
            Some(p) => match p.check(&text).unwrap() {
                Checked::Current { set, .. } => set,
                Checked::TextChanged(_) => panic!("text changed"),
            },
            None => AnnotationSet::new(),
        };
        let b = text.text().find(needle).unwrap();
        let start = text.text()[..b].chars().count();
        let span = Span::new(
            set.next_id(),
            entitle::text::CharSpan::new(start, start + needle.chars().count(), text.len_chars())
                .unwrap(),
            entitle::model::Label::new(label).unwrap(),
            who,
            chrono::Utc::now(),
        );
        set.insert(span, text.len_chars()).unwrap();
        let path = project.annotation_path(who, &id);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        entitle::fsio::atomic_write(&path, &annotation_file::encode(&text, who, &set)).unwrap();
    }
}

/// Alice and Bob on the Aleppo story: one span the same, one with other bounds, one
/// with another label, one only Alice's, one only Bob's.
fn two_layers(root: &Path) {
    annotate_as(
        root,
        "alice",
        &[
            (ALEPPO, "Aga Khan Trust for Culture", "ORG"),
            (ALEPPO, "Mahmoud al-Halabi", "PER"),
            (ALEPPO, "Souq al-Saqatiyya", "LOC"),
            (ALEPPO, "Rania Qassem", "PER"),
        ],
    );
    annotate_as(
        root,
        "bob",
        &[
            (ALEPPO, "Aga Khan Trust for Culture", "ORG"),
            (ALEPPO, "al-Halabi", "PER"),
            (ALEPPO, "Souq al-Saqatiyya", "FAC"),
            (ALEPPO, "United Nations Development Programme", "ORG"),
        ],
    );
}

/// Pick `name` in the combo box labelled `combo` of the layers dialog.
fn choose(h: &mut Harness<'_, EntitleApp>, combo: &str, name: &str) {
    h.get_by_label(combo).click();
    h.run();
    h.get_all_by_label(name).last().unwrap().click();
    h.run();
}

fn open_layers(h: &mut Harness<'_, EntitleApp>, a: &str, b: &str) {
    key_mod(h, Modifiers::COMMAND | Modifiers::SHIFT, egui::Key::L);
    choose(h, "Layer A", a);
    choose(h, "Layer B", b);
}

#[test]
fn two_layers_side_by_side_mark_their_differences_read_only_and_follow_a_pull() {
    let (dir, mut h) = sample();
    let root = sample_root(&dir);
    two_layers(&root);
    open_layers(&mut h, "alice", "bob");
    h.get_by_label("Side by side").click();
    h.run();
    h.run();
    let (a, b, units, current) = h.state().layers_view().unwrap();
    assert_eq!((a.as_str(), b.as_str()), ("alice", "bob"));
    assert_eq!(units.len(), 4, "{units:?}");
    assert_eq!(current, Some(0));
    // What the user reads above each layer: its differences, counted by kind.
    h.get_by_label("alice · 4 spans · 1 only here, 1 other label, 1 other bounds");
    h.get_by_label("bob · 4 spans · 1 only here, 1 other label, 1 other bounds");
    h.get_by_label("1 agreed, 4 disagreements");
    // F4 walks the differences.
    key(&mut h, egui::Key::F4);
    assert_eq!(h.state().layers_view().unwrap().3, Some(1));
    key_mod(&mut h, Modifiers::SHIFT, egui::Key::F4);
    assert_eq!(h.state().layers_view().unwrap().3, Some(0));
    // Read-only: a label key changes nothing, and says why.
    key(&mut h, egui::Key::Num1);
    assert!(model_spans(&h, ALEPPO).is_empty());
    assert!(h.query_by_label_contains("are read-only").is_some());
    // Bob pulls a fix: his layer is read again within a second or so.
    annotate_as(&root, "bob", &[(ALEPPO, "Rania Qassem", "PER")]);
    wait_until(&mut h, "bob's new span", |app| {
        app.layers_view().is_some_and(|l| l.2.len() == 3)
    });
    h.get_by_label("bob · 5 spans · 1 only here, 1 other label, 1 other bounds");
    // Close: back to editing one's own layer.
    h.get_by_label("Close").click();
    h.run();
    assert!(h.state().layers_view().is_none());
    let (s, e) = find(&h, "Aleppo");
    drag(&mut h, s, e - 1, Modifiers::NONE);
    key(&mut h, egui::Key::Num3);
    assert_eq!(model_spans(&h, ALEPPO), vec![(s, e, "GPE".to_string())]);
}

#[test]
fn curation_takes_agreed_spans_then_a_b_both_and_edits_by_key_into_gold() {
    let (dir, mut h) = sample();
    let root = sample_root(&dir);
    two_layers(&root);
    open_layers(&mut h, "alice", "bob");
    h.get_by_label("Curate").click();
    h.run();
    h.run();
    assert_eq!(h.state().curating_into(), Some("gold"));
    let doc = h.state().current_document().unwrap().clone();
    let at = |needle: &str| {
        let b = doc.text().find(needle).unwrap();
        let s = doc.text()[..b].chars().count();
        (s, s + needle.chars().count())
    };
    // The agreed span is in gold at once, with who proposed it; the curator is us.
    let aga = at("Aga Khan Trust for Culture");
    assert_eq!(
        model_spans(&h, ALEPPO),
        vec![(aga.0, aga.1, "ORG".to_string())]
    );
    let gold_span = |h: &Harness<'_, EntitleApp>, start: usize| {
        let s = h.state().session().unwrap();
        let set = &s.workspace.doc(&DocId::new(ALEPPO).unwrap()).unwrap().set;
        let sp = set
            .iter()
            .find(|x| x.range.start() == start)
            .unwrap()
            .clone();
        (sp.annotator.to_string(), sp.proposed_by().to_vec())
    };
    assert_eq!(
        gold_span(&h, aga.0),
        (
            "tester".into(),
            vec!["alice".to_string(), "bob".to_string()]
        )
    );
    // 1st disagreement: Mahmoud al-Halabi (alice) vs al-Halabi (bob). Take bob's.
    h.get_by_label_contains("Disagreement 1 of 4: overlapping, different bounds");
    key_mod(&mut h, Modifiers::ALT, egui::Key::Num2);
    let halabi = at("al-Halabi");
    assert!(model_spans(&h, ALEPPO).contains(&(halabi.0, halabi.1, "PER".into())));
    assert_eq!(gold_span(&h, halabi.0).1, vec!["bob".to_string()]);
    // Taking moved on to the 2nd: Souq LOC (alice) vs FAC (bob). Take alice's.
    h.get_by_label_contains("Disagreement 2 of 4: same span, different label");
    key_mod(&mut h, Modifiers::ALT, egui::Key::Num1);
    let souq = at("Souq al-Saqatiyya");
    assert!(model_spans(&h, ALEPPO).contains(&(souq.0, souq.1, "LOC".into())));
    // 3rd: UNDP, only bob's. Take both (= bob's here).
    h.get_by_label_contains("Disagreement 3 of 4: only in bob");
    key_mod(&mut h, Modifiers::ALT, egui::Key::Num3);
    let undp = at("United Nations Development Programme");
    assert!(model_spans(&h, ALEPPO).contains(&(undp.0, undp.1, "ORG".into())));
    // Changed my mind: undo, then take A (alice had nothing there: nothing goes in).
    key_mod(&mut h, Modifiers::COMMAND, egui::Key::Z);
    assert!(!model_spans(&h, ALEPPO).iter().any(|s| s.0 == undp.0));
    // 4th: Rania Qassem, only alice's; edit it by hand: Alt+E selects it, 1 = PER.
    key(&mut h, egui::Key::F4);
    h.get_by_label_contains("Disagreement 4 of 4: only in alice");
    key_mod(&mut h, Modifiers::ALT, egui::Key::E);
    key(&mut h, egui::Key::Num1);
    let rania = at("Rania Qassem");
    assert!(model_spans(&h, ALEPPO).contains(&(rania.0, rania.1, "PER".into())));
    h.get_by_label_contains("gold: took alice");
    // On disk: annotations/gold/, with provenance; alice's and bob's layers untouched.
    let gold = root.join("annotations/gold").join(format!("{ALEPPO}.json"));
    let t0 = Instant::now();
    let text = loop {
        h.step();
        let t = std::fs::read_to_string(&gold).unwrap_or_default();
        if t.matches("\"id\":").count() == 4 || t0.elapsed() > Duration::from_secs(10) {
            break t;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    assert!(text.contains(r#""proposed_by":["alice","bob"]"#), "{text}");
    assert!(text.contains(r#""annotator":"tester""#), "{text}");
    for who in ["alice", "bob"] {
        let f = root
            .join("annotations")
            .join(who)
            .join(format!("{ALEPPO}.json"));
        let p = annotation_file::parse(&std::fs::read(f).unwrap()).unwrap();
        assert_eq!(p.spans.len(), 4);
    }
    // Close: back to one's own (empty) layer.
    h.get_by_label("Close").click();
    h.run();
    assert_eq!(h.state().curating_into(), None);
    assert!(model_spans(&h, ALEPPO).is_empty());
}

#[test]
fn a_pull_that_changes_my_open_document_is_taken_in_and_said() {
    let (dir, mut h) = sample();
    let root = sample_root(&dir);
    let (s, e) = find(&h, "Aleppo");
    drag(&mut h, s, e - 1, Modifiers::NONE);
    key(&mut h, egui::Key::Num3);
    assert_eq!(
        disk_spans(&mut h, &root, ALEPPO, Some(1), Duration::from_secs(10)).len(),
        1
    );
    // My other clone pushed a span in the same document; the pull lands while the app
    // is open (it holds the lock: git does not care).
    annotate_as(&root, "tester", &[(ALEPPO, "Rania Qassem", "PER")]);
    wait_until(&mut h, "the pulled span", |app| {
        app.session()
            .and_then(|s| s.workspace.doc(&DocId::new(ALEPPO).unwrap()))
            .is_some_and(|d| d.set.len() == 2)
    });
    assert!(
        h.query_by_label_contains("changed on disk (a git pull?): reloaded")
            .is_some()
    );
    // And my next edit is saved on top of it, not over it.
    let (s, e) = find(&h, "Mahmoud al-Halabi");
    drag(&mut h, s, e - 1, Modifiers::NONE);
    key(&mut h, egui::Key::Num1);
    let on_disk = disk_spans(&mut h, &root, ALEPPO, Some(3), Duration::from_secs(10));
    assert_eq!(on_disk.len(), 3, "{on_disk:?}");
}

#[test]
fn the_agreement_window_shows_the_figures_of_entitle_agree_with_charts() {
    let (dir, mut h) = sample();
    let root = sample_root(&dir);
    two_layers(&root);
    key_mod(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, egui::Key::K);
    // The sample's own annotator (tester) has no file for Aleppo: compare alice and bob.
    h.get_by_label("tester").click();
    h.run();
    wait_until(&mut h, "the figures", |app| {
        app.agreement_report()
            .is_some_and(|r| r.annotators.len() == 2)
    });
    let (project, _) = entitle::project::Project::open_read_only(&root).unwrap();
    let expected = entitle::agree::compute_project(
        &project,
        &["alice".to_string(), "bob".to_string()],
        &entitle::agree::Options::default(),
        None,
    )
    .unwrap();
    assert_eq!(h.state().agreement_report(), Some(&expected));
    assert_eq!(expected.documents, 1);
    h.get_by_label_contains("1 documents compared");
    // The table's first row: all labels, each figure as the CLI prints it.
    let o = &expected.overall;
    for v in [
        o.with_o.kappa,
        o.with_o.alpha,
        o.spans_exact_f1,
        o.spans_overlap_f1,
    ] {
        let text = format!("{:.3}", v.unwrap());
        assert!(
            h.query_all_by_label(&text).next().is_some(),
            "{text} is not shown"
        );
    }
    h.get_by_label("Agreement per label");
    h.get_by_label("Label distribution per annotator");
    // A document of the list opens it.
    h.state_mut()
        .push_action(entitle::app::Action::OpenDoc(DocId::new(NAIROBI).unwrap()));
    h.run();
    h.get_by_role_and_label(egui::accesskit::Role::Link, ALEPPO)
        .click();
    h.run();
    assert_eq!(h.state().current_doc().unwrap().as_str(), ALEPPO);
}
