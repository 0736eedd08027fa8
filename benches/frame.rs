//! UI benchmarks of the real app, headless (no GPU): the time of `EntitleApp::ui_root`
//! inside `egui::Context::run_ui`, which is all per-frame UI work (layout, hit-testing,
//! shape building) except tessellation and GPU upload.
//!
//! (a) open a 1 MB document with 20,000 spans to its first frame,
//! (b) one frame while scrolling it (wheel steps, and jumps to unseen places),
//! (c) add one span and draw it in the next frame,
//! (d) the same for a 10 KB article.
//!
//! Run: `cargo bench --bench frame`. Figures are in BENCHMARKS.md.

#[path = "../tests/support/synth.rs"]
mod synth;

use criterion::{Criterion, criterion_group, criterion_main};
use egui::{Event, Pos2, RawInput, Rect, Vec2, vec2};
use entitle::app::{Action, EntitleApp, Startup};
use entitle::text::CharSpan;
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

const SCREEN: Vec2 = vec2(1280.0, 800.0);

fn input(events: Vec<Event>) -> RawInput {
    // Time advances one 60 Hz frame per call, so scroll animations progress.
    thread_local!(static FRAME: std::cell::Cell<u64> = const { std::cell::Cell::new(0) });
    let n = FRAME.with(|f| {
        f.set(f.get() + 1);
        f.get()
    });
    RawInput {
        screen_rect: Some(Rect::from_min_size(Pos2::ZERO, SCREEN)),
        time: Some(n as f64 / 60.0),
        predicted_dt: 1.0 / 60.0,
        events,
        ..Default::default()
    }
}

/// One frame of the app; returns the time spent in the UI code.
fn frame(ctx: &egui::Context, app: &mut EntitleApp, events: Vec<Event>) -> Duration {
    let t = Instant::now();
    let mut out = ctx.run_ui(input(events), |ui| app.ui_root(ui));
    let dt = t.elapsed();
    out.textures_delta.clear();
    black_box(out.shapes.len());
    dt
}

fn project(dir: &Path, bytes: usize, seed: u64) {
    let doc = synth::news_document(bytes, if bytes > 100_000 { 52 } else { 60 }, seed);
    synth::write_project(dir, "article", &doc, "bench").expect("write project");
}

fn app_on(ctx: &egui::Context, path: &Path, data: &Path) -> EntitleApp {
    let mut app = EntitleApp::new_headless(
        ctx,
        Startup {
            path: Some(path.to_path_buf()),
            annotator: Some("bench".into()),
            data_dir: Some(data.to_path_buf()),
            ignore_prefs: true,
        },
    );
    // Settle: first frames build fonts and lay out the first screen.
    for _ in 0..3 {
        frame(ctx, &mut app, vec![]);
    }
    app
}

fn bench_open(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big");
    let small = dir.path().join("small");
    project(&big, 1 << 20, 7);
    project(&small, 10 << 10, 11);
    let ctx = egui::Context::default();
    // A running app (fonts loaded) opens the document: read, decode, fingerprint,
    // index, parse and check 20,000 spans, first frame.
    let mut app = app_on(&ctx, &small, dir.path());
    let mut g = c.benchmark_group("open_to_first_frame");
    g.sample_size(20);
    g.bench_function("1MB_20k_spans", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let t = Instant::now();
                assert!(app.open(&big));
                frame(&ctx, &mut app, vec![]);
                total += t.elapsed();
            }
            total
        })
    });
    g.bench_function("10KB_article", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let t = Instant::now();
                assert!(app.open(&small));
                frame(&ctx, &mut app, vec![]);
                total += t.elapsed();
            }
            total
        })
    });
    g.finish();
}

fn bench_scroll(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big");
    project(&big, 1 << 20, 7);
    let ctx = egui::Context::default();
    let mut app = app_on(&ctx, &big, dir.path());
    let len = app.current_document().unwrap().len_chars();
    let mut g = c.benchmark_group("scroll_frame_1MB");
    // Mouse-wheel steps (3 lines) through the document, as a reader scrolls.
    let wheel = Event::MouseWheel {
        unit: egui::MouseWheelUnit::Point,
        delta: vec2(0.0, -120.0),
        modifiers: egui::Modifiers::NONE,
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Wheel,
    };
    let pointer = Event::PointerMoved(Pos2::new(700.0, 400.0));
    let mut starts = std::collections::HashSet::new();
    g.bench_function("wheel_step", |b| {
        b.iter(|| {
            if app.visible_chars().is_some_and(|r| r.end + 5000 > len) {
                app.scroll_to_char(0);
            }
            let dt = frame(&ctx, &mut app, vec![pointer.clone(), wheel.clone()]);
            starts.insert(app.visible_chars().map(|r| r.start));
            dt
        })
    });
    // The frames measured really scrolled through the document (when this benchmark
    // ran: a name filter may skip it).
    assert!(
        starts.is_empty() || starts.len() > 100,
        "the wheel did not scroll: {} positions",
        starts.len()
    );
    // Jumps to places never seen at this width: worst case, all blocks new.
    g.bench_function("jump_to_unseen", |b| {
        let mut pos = 0usize;
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                pos = (pos + 104_729) % len;
                app.scroll_to_char(pos);
                total += frame(&ctx, &mut app, vec![]);
            }
            total
        })
    });
    g.finish();
}

fn bench_add_span(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut g = c.benchmark_group("add_span_and_draw");
    for (name, bytes) in [("1MB_20k_spans", 1usize << 20), ("10KB_article", 10 << 10)] {
        let root = dir.path().join(name);
        project(&root, bytes, 7);
        let ctx = egui::Context::default();
        let mut app = app_on(&ctx, &root, dir.path());
        // A word in view that has no span yet: "Officials" starts sentences without one.
        let doc = app.current_document().unwrap().clone();
        let visible = app.visible_chars().unwrap();
        let from = doc.index().byte_from_char(visible.start).unwrap();
        let b = from + doc.text()[from..].find("Officials").unwrap();
        let s = doc.index().char_from_byte(b).unwrap();
        let range = CharSpan::new(s, s + 9, doc.len_chars()).unwrap();
        g.bench_function(name, |bench| {
            bench.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    app.select(Some(range));
                    app.push_action(Action::ApplyLabel(entitle::label!("ORG")));
                    // The frame that applies the action draws the new span.
                    total += frame(&ctx, &mut app, vec![]);
                    assert!(app.selected_span().is_some());
                    // Not timed: undo, so every iteration adds the same span.
                    app.push_action(Action::Undo);
                    frame(&ctx, &mut app, vec![]);
                }
                total
            })
        });
        app.flush();
    }
    g.finish();
}

/// Issue 7.6: the 1 MB / 20k-span document with 4,000 relations drawn as arcs: open to
/// the first frame, a frame while scrolling, relate two spans on screen and draw the
/// arc.
fn bench_relations(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("related");
    let doc = synth::news_document(1 << 20, 52, 7);
    synth::write_project_with_relations(&root, "article", &doc, "bench", 4_000)
        .expect("write project");
    let small = dir.path().join("small");
    project(&small, 10 << 10, 11);
    let ctx = egui::Context::default();
    let mut app = app_on(&ctx, &small, dir.path());
    let mut g = c.benchmark_group("relations_1MB_20k_spans_4k_relations");
    g.sample_size(20);
    g.bench_function("open_to_first_frame", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let t = Instant::now();
                assert!(app.open(&root));
                frame(&ctx, &mut app, vec![]);
                total += t.elapsed();
            }
            total
        })
    });
    for _ in 0..3 {
        frame(&ctx, &mut app, vec![]);
    }
    let relations = |app: &EntitleApp| {
        let id = app.current_doc().unwrap().clone();
        app.session()
            .unwrap()
            .workspace
            .doc(&id)
            .unwrap()
            .set
            .relations()
            .len()
    };
    assert_eq!(relations(&app), 4_000);
    let len = app.current_document().unwrap().len_chars();
    let wheel = Event::MouseWheel {
        unit: egui::MouseWheelUnit::Point,
        delta: vec2(0.0, -120.0),
        modifiers: egui::Modifiers::NONE,
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Wheel,
    };
    let pointer = Event::PointerMoved(Pos2::new(700.0, 400.0));
    let (mut arcs_seen, mut frames) = (0usize, 0usize);
    g.sample_size(100);
    g.bench_function("wheel_step", |b| {
        b.iter(|| {
            if app.visible_chars().is_some_and(|r| r.end + 5000 > len) {
                app.scroll_to_char(0);
            }
            let dt = frame(&ctx, &mut app, vec![pointer.clone(), wheel.clone()]);
            arcs_seen += usize::from(app.visible_arcs() > 0);
            frames += 1;
            dt
        })
    });
    // The frames measured drew arcs.
    assert!(
        frames == 0 || arcs_seen > 0,
        "no arc was drawn while scrolling"
    );
    // Two spans on screen with no relation between them.
    app.scroll_to_char(len / 2);
    frame(&ctx, &mut app, vec![]);
    frame(&ctx, &mut app, vec![]);
    let visible = app.visible_chars().unwrap();
    let id = app.current_doc().unwrap().clone();
    let (a, z) = {
        let set = &app.session().unwrap().workspace.doc(&id).unwrap().set;
        let on: Vec<_> = set
            .iter()
            .filter(|s| visible.contains(&s.range.start()))
            .map(|s| s.id)
            .collect();
        (on[0], on[on.len() / 2])
    };
    g.bench_function("relate_two_spans_and_draw", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let t = Instant::now();
                app.relate(a, z, entitle::label!("Spouse"));
                frame(&ctx, &mut app, vec![]);
                total += t.elapsed();
                let r = app.selected_relation().expect("related");
                assert!(
                    app.relation_label_rect(r).is_some(),
                    "drawn in the next frame"
                );
                // Not timed: undo, so every iteration adds the same relation.
                app.push_action(Action::Undo);
                frame(&ctx, &mut app, vec![]);
            }
            total
        })
    });
    g.finish();
    app.flush();
}

criterion_group!(
    benches,
    bench_open,
    bench_scroll,
    bench_add_span,
    bench_relations
);
criterion_main!(benches);
