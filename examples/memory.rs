//! Resident memory with the 1 MB / 20,000-span document open, headless: opens it,
//! scrolls through all of it, and prints VmRSS / VmHWM from /proc (Linux).
//!
//! Run: `cargo run --release --example memory`
//! (`-- --write DIR` writes that project to DIR instead, to open it in the real app).

#[path = "../tests/support/synth.rs"]
mod synth;

use egui::{Pos2, RawInput, Rect, vec2};
use entitle::app::{EntitleApp, Startup};

fn status(field: &str) -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .map(|l| l.split_whitespace().skip(1).collect::<Vec<_>>().join(" "))
        })
        .unwrap_or_else(|| "n/a".into())
}

fn main() {
    // `--write DIR`: only write the test project (for measuring the real app on it).
    let args: Vec<String> = std::env::args().collect();
    if let [_, flag, dir] = &args[..]
        && flag == "--write"
    {
        let doc = synth::news_document(1 << 20, 52, 7);
        synth::write_project(std::path::Path::new(dir), "article", &doc, "bench")
            .expect("write project");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("big");
    let doc = synth::news_document(1 << 20, 52, 7);
    synth::write_project(&root, "article", &doc, "bench").expect("write project");
    println!("before opening: VmRSS {}", status("VmRSS"));
    let ctx = egui::Context::default();
    let mut app = EntitleApp::new_headless(
        &ctx,
        Startup {
            path: Some(root),
            annotator: Some("bench".into()),
            data_dir: Some(dir.path().to_path_buf()),
            ignore_prefs: true,
        },
    );
    let run = |app: &mut EntitleApp| {
        let input = RawInput {
            screen_rect: Some(Rect::from_min_size(Pos2::ZERO, vec2(1280.0, 800.0))),
            ..Default::default()
        };
        let mut out = ctx.run_ui(input, |ui| app.ui_root(ui));
        out.textures_delta.clear();
    };
    run(&mut app);
    let len = app.current_document().expect("open").len_chars();
    let spans = app
        .session()
        .zip(app.current_doc())
        .map(|(s, id)| s.summary(id).spans);
    println!("document: {len} chars, {spans:?} spans");
    println!("after first frame: VmRSS {}", status("VmRSS"));
    let mut c = 0;
    let t = std::time::Instant::now();
    let mut frames = 0u32;
    while c < len {
        app.scroll_to_char(c);
        run(&mut app);
        frames += 1;
        c += 3000;
    }
    println!(
        "{frames} jumps through the document, {:?} per frame on average",
        t.elapsed() / frames.max(1)
    );
    println!(
        "after scrolling through all of it: VmRSS {}, peak VmHWM {}",
        status("VmRSS"),
        status("VmHWM")
    );
}
