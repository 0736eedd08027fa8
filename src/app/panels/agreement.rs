//! The agreement window (issue 10): the figures of `entitle agree` for the open
//! project — per label and overall, per pair and per document — with two charts
//! (egui_plot): agreement per label, and each annotator's label distribution.
//!
//! Computed on a thread from the files on disk (the open layer is saved first), so a
//! big project never stalls a frame.

use crate::agree::{Options, Report, TagMode, compute_project, default_annotators};
use crate::app::{Action, EntitleApp};
use crate::model::DocId;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, TryRecvError};

/// The window's state.
pub(crate) struct AgreementWindow {
    /// Every annotator of the project, and whether it is compared.
    pub chosen: Vec<(String, bool)>,
    pub tags: TagMode,
    pub report: Option<Result<Report, String>>,
    running: Option<Receiver<Result<Report, String>>>,
    /// The choices the report was computed for.
    computed_for: Option<(Vec<String>, TagMode)>,
}

impl AgreementWindow {
    fn annotators(&self) -> Vec<String> {
        self.chosen
            .iter()
            .filter(|(_, on)| *on)
            .map(|(n, _)| n.clone())
            .collect()
    }

    pub fn busy(&self) -> bool {
        self.running.is_some()
    }
}

impl EntitleApp {
    /// Open the window and compute with every annotator but gold.
    pub(crate) fn open_agreement(&mut self) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        // The figures read the files: put the open layer's last edits there first.
        session.flush(std::time::Duration::from_secs(5));
        let all = session.project.annotators();
        let default = default_annotators(&session.project);
        let chosen = all
            .iter()
            .map(|a| (a.clone(), default.contains(a)))
            .collect();
        self.agreement = Some(AgreementWindow {
            chosen,
            tags: TagMode::Iob2,
            report: None,
            running: None,
            computed_for: None,
        });
        self.compute_agreement();
    }

    fn compute_agreement(&mut self) {
        let (Some(session), Some(w)) = (self.session.as_ref(), self.agreement.as_mut()) else {
            return;
        };
        let annotators = w.annotators();
        w.computed_for = Some((annotators.clone(), w.tags));
        if annotators.len() < 2 {
            w.report = Some(Err(
                "Choose at least two annotators (only layers with annotation files are listed)."
                    .into(),
            ));
            return;
        }
        let root: PathBuf = session.project.root().to_path_buf();
        let options = Options {
            tags: w.tags,
            ..Options::default()
        };
        let (tx, rx) = std::sync::mpsc::channel();
        let ctx = self.egui_ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("entitle-agreement".into())
            .spawn(move || {
                let r = crate::project::Project::open_read_only(&root)
                    .map_err(|e| e.to_string())
                    .and_then(|(p, _)| compute_project(&p, &annotators, &options, None));
                let _ = tx.send(r);
                ctx.request_repaint();
            });
        match spawned {
            Ok(_) => w.running = Some(rx),
            Err(e) => w.report = Some(Err(format!("could not start computing: {e}"))),
        }
    }

    /// Collect a finished computation (once per frame while one runs).
    pub(crate) fn tick_agreement(&mut self) {
        let Some(w) = self.agreement.as_mut() else {
            return;
        };
        let Some(rx) = &w.running else { return };
        match rx.try_recv() {
            Ok(r) => {
                w.report = Some(r);
                w.running = None;
            }
            Err(TryRecvError::Empty) => {}
            Err(TryRecvError::Disconnected) => {
                w.report = Some(Err("computing the agreement failed".into()));
                w.running = None;
            }
        }
    }
}

/// A coefficient as shown: three decimals, or "n/a" where it is undefined.
pub fn fmt(x: Option<f64>) -> String {
    x.map_or_else(|| "n/a".to_string(), |v| format!("{v:.3}"))
}

pub fn agreement_window(app: &mut EntitleApp, ctx: &egui::Context) {
    app.tick_agreement();
    let Some(mut w) = app.agreement.take() else {
        return;
    };
    let mut open = true;
    let mut go_to: Option<DocId> = None;
    egui::Window::new("Agreement")
        .open(&mut open)
        .default_size([760.0, 560.0])
        .resizable(true)
        .show(ctx, |ui| {
            ui.horizontal_wrapped(|ui| {
                ui.label("Annotators:");
                for (name, on) in &mut w.chosen {
                    ui.checkbox(on, name.as_str());
                }
                ui.separator();
                ui.radio_value(&mut w.tags, TagMode::Iob2, "IOB2 tags")
                    .on_hover_text("B-PER and I-PER differ: where an entity starts counts");
                ui.radio_value(&mut w.tags, TagMode::Type, "Types only")
                    .on_hover_text("B-/I- stripped: only the entity type of each token counts");
            });
            if w.busy() {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label("Computing…");
                });
            }
            match &w.report {
                None => {}
                Some(Err(e)) => {
                    ui.colored_label(ui.visuals().warn_fg_color, e);
                }
                Some(Ok(r)) => report_ui(ui, r, &mut go_to),
            }
        });
    let choice = (w.annotators(), w.tags);
    let stale = w.computed_for.as_ref() != Some(&choice) && !w.busy();
    if open {
        app.agreement = Some(w);
        if stale {
            app.compute_agreement();
        }
    }
    if let Some(id) = go_to {
        app.pending.push(Action::OpenDoc(id));
    }
}

fn report_ui(ui: &mut egui::Ui, r: &Report, go_to: &mut Option<DocId>) {
    ui.label(format!(
        "{} documents compared, {} tokens ({} where someone tagged an entity){}",
        r.documents,
        r.tokens,
        r.tokens_without_o,
        if r.skipped.is_empty() {
            String::new()
        } else {
            format!("; {} not compared (hover)", r.skipped.len())
        }
    ))
    .on_hover_text(
        r.skipped
            .iter()
            .take(30)
            .map(|s| format!("{}: {}", s.id, s.reason))
            .collect::<Vec<_>>()
            .join("\n"),
    );
    egui::ScrollArea::vertical().show(ui, |ui| {
        label_table(ui, r);
        ui.label(format!(
            "Relations F1 (type and both ends): {}{}",
            fmt(r.relations.f1),
            r.relations
                .per_type
                .iter()
                .map(|t| format!(" · {} {}", t.kind, fmt(t.f1)))
                .collect::<String>()
        ));
        charts(ui, r);
        if r.pairs.len() > 1 {
            ui.heading("Pairs");
            egui::Grid::new("agreement-pairs")
                .striped(true)
                .show(ui, |ui| {
                    for h in [
                        "pair",
                        "Cohen κ",
                        "observed",
                        "span F1 exact",
                        "span F1 overlap",
                        "relations F1",
                    ] {
                        ui.strong(h);
                    }
                    ui.end_row();
                    for p in &r.pairs {
                        ui.label(format!("{} – {}", p.a, p.b));
                        for v in [
                            p.kappa,
                            p.ao,
                            p.spans_exact.f1,
                            p.spans_overlap.f1,
                            p.relations.f1,
                        ] {
                            ui.label(fmt(v));
                        }
                        ui.end_row();
                    }
                });
        }
        ui.heading("Documents, least agreement first");
        egui::Grid::new("agreement-docs")
            .striped(true)
            .show(ui, |ui| {
                for h in [
                    "document",
                    "Cohen κ",
                    "span F1 exact",
                    "spans per annotator",
                ] {
                    ui.strong(h);
                }
                ui.end_row();
                for i in r.worst_documents().into_iter().take(200) {
                    let d = &r.per_document[i];
                    if ui.link(&d.id).on_hover_text("Open it").clicked() {
                        *go_to = DocId::new(&d.id).ok();
                    }
                    ui.label(fmt(d.figures.with_o.kappa));
                    ui.label(fmt(d.figures.spans_exact_f1));
                    ui.label(
                        d.spans
                            .iter()
                            .map(u64::to_string)
                            .collect::<Vec<_>>()
                            .join(" / "),
                    );
                    ui.end_row();
                }
            });
    });
}

/// Overall and per label: the token coefficients with and without O, span F1.
fn label_table(ui: &mut egui::Ui, r: &Report) {
    ui.heading("Per label");
    egui::Grid::new("agreement-table")
        .striped(true)
        .num_columns(9)
        .show(ui, |ui| {
            for h in [
                "label",
                "Cohen κ",
                "Fleiss κ (π)",
                "Krippendorff α",
                "observed",
                "κ without O",
                "α without O",
                "span F1 exact",
                "span F1 overlap",
            ] {
                ui.strong(h);
            }
            ui.end_row();
            let rows = std::iter::once(("all labels", &r.overall))
                .chain(r.per_label.iter().map(|l| (l.label.as_str(), &l.figures)));
            for (name, f) in rows {
                ui.label(name);
                for v in [
                    f.with_o.kappa,
                    f.with_o.pi,
                    f.with_o.alpha,
                    f.with_o.ao,
                    f.without_o.kappa,
                    f.without_o.alpha,
                    f.spans_exact_f1,
                    f.spans_overlap_f1,
                ] {
                    ui.label(fmt(v));
                }
                ui.end_row();
            }
        });
}

/// Agreement per label (κ and exact span F1), and the label distribution per annotator.
fn charts(ui: &mut egui::Ui, r: &Report) {
    use egui_plot::{Bar, BarChart, Legend, Plot};
    let labels = r.labels.clone();
    let names = labels.clone();
    let formatter = move |mark: egui_plot::GridMark, _range: &std::ops::RangeInclusive<f64>| {
        let i = mark.value.round();
        if (mark.value - i).abs() < 1e-6 && i >= 0.0 {
            names.get(i as usize).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    };
    ui.columns(2, |cols| {
        cols[0].strong("Agreement per label");
        let kappa: Vec<Bar> = r
            .per_label
            .iter()
            .enumerate()
            .map(|(i, l)| {
                Bar::new(i as f64 - 0.2, l.figures.with_o.kappa.unwrap_or(0.0)).width(0.4)
            })
            .collect();
        let f1: Vec<Bar> = r
            .per_label
            .iter()
            .enumerate()
            .map(|(i, l)| {
                Bar::new(i as f64 + 0.2, l.figures.spans_exact_f1.unwrap_or(0.0)).width(0.4)
            })
            .collect();
        Plot::new("agreement-per-label")
            .height(200.0)
            .legend(Legend::default())
            .include_y(0.0)
            .include_y(1.0)
            .allow_scroll(false)
            .allow_drag(false)
            .x_axis_formatter(formatter.clone())
            .show(&mut cols[0], |p| {
                p.bar_chart(BarChart::new("Cohen κ", kappa));
                p.bar_chart(BarChart::new("span F1 exact", f1));
            });
        cols[1].strong("Label distribution per annotator");
        let n = r.annotators.len().max(1) as f64;
        let width = 0.8 / n;
        Plot::new("label-distribution")
            .height(200.0)
            .legend(Legend::default())
            .include_y(0.0)
            .allow_scroll(false)
            .allow_drag(false)
            .x_axis_formatter(formatter)
            .show(&mut cols[1], |p| {
                for (k, (name, counts)) in r.annotators.iter().zip(&r.span_counts).enumerate() {
                    let bars: Vec<Bar> = counts
                        .iter()
                        .enumerate()
                        .map(|(i, c)| {
                            Bar::new(i as f64 - 0.4 + width * (k as f64 + 0.5), *c as f64)
                                .width(width)
                        })
                        .collect();
                    p.bar_chart(BarChart::new(name.clone(), bars));
                }
            });
    });
    let _ = labels;
}
