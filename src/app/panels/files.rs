//! Choosing files and folders. The system dialog (through the desktop portal) is used
//! when it can open; when it cannot (no portal, no D-Bus session: a bare X11 session)
//! the app says so and uses its own chooser: a typed path, the folder's entries,
//! recent projects. Drag and drop works in both cases (see `handle_dropped_files`).

use crate::app::EntitleApp;
use crate::session::Severity;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What is being chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Folder,
    /// One file with one of these extensions (empty: any).
    File(&'static [&'static str]),
    Files,
    /// A file to write, proposed name.
    Save,
}

/// What the choice is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    OpenProject,
    ImportFiles,
    ImportFolder,
    ExportTo,
}

/// The app's own chooser while it is open.
#[derive(Debug, Clone)]
pub struct Chooser {
    pub purpose: Purpose,
    pub kind: Kind,
    pub title: String,
    /// The folder listed.
    pub dir: PathBuf,
    /// The typed path (a folder to go to, or the file to choose).
    pub typed: String,
    /// Entries of `dir`: (name, is folder), folders first.
    entries: Vec<(String, bool)>,
    /// Why `dir` could not be listed.
    error: Option<String>,
    /// Files picked so far (Kind::Files).
    picked: Vec<PathBuf>,
}

/// A system dialog that returns this fast did not open (the portal is missing).
const NATIVE_FAILED_WITHIN: Duration = Duration::from_millis(250);

impl Chooser {
    pub fn new(purpose: Purpose, kind: Kind, title: &str, dir: PathBuf) -> Self {
        let mut c = Self {
            purpose,
            kind,
            title: title.into(),
            typed: String::new(),
            entries: Vec::new(),
            error: None,
            picked: Vec::new(),
            dir: PathBuf::new(),
        };
        c.go(dir);
        c
    }

    /// List folder `dir` (folders first, then files this chooser can take).
    pub fn go(&mut self, dir: PathBuf) {
        self.error = None;
        self.entries.clear();
        match std::fs::read_dir(&dir) {
            Ok(rd) => {
                for e in rd.flatten() {
                    let name = e.file_name().to_string_lossy().into_owned();
                    if name.starts_with('.') {
                        continue;
                    }
                    let is_dir = e.path().is_dir();
                    if is_dir || self.takes_file(&name) {
                        self.entries.push((name, is_dir));
                    }
                }
                self.entries.sort_by(|a, b| {
                    b.1.cmp(&a.1).then_with(|| {
                        crate::fsio::natural_cmp(&a.0.to_lowercase(), &b.0.to_lowercase())
                    })
                });
            }
            Err(e) => self.error = Some(format!("{}: {e}", dir.display())),
        }
        self.typed = dir.display().to_string();
        self.dir = dir;
    }

    fn takes_file(&self, name: &str) -> bool {
        match self.kind {
            Kind::Folder => false,
            Kind::File(exts) => {
                exts.is_empty()
                    || Path::new(name)
                        .extension()
                        .and_then(|e| e.to_str())
                        .is_some_and(|e| exts.iter().any(|x| x.eq_ignore_ascii_case(e)))
            }
            Kind::Files | Kind::Save => true,
        }
    }
}

impl EntitleApp {
    /// Ask for a file or folder: the system dialog, else (or when it cannot open) the
    /// app's own chooser. The answer goes to [`EntitleApp::chosen`].
    pub(crate) fn choose(&mut self, purpose: Purpose, kind: Kind, title: &str) {
        if !self.prefs.own_file_dialog && native_dialog_possible() {
            let start = Instant::now();
            let picked = native(kind, title, &self.export_name());
            match picked {
                Some(paths) => return self.chosen(purpose, paths),
                None if start.elapsed() > NATIVE_FAILED_WITHIN => return, // cancelled
                None => self.message(
                    Severity::Warning,
                    "The system file dialog did not open (no desktop portal on this session?), so Entitle's own chooser is used. You can also type a path or drop files on the window.".into(),
                ),
            }
        }
        let dir = self.start_dir().unwrap_or_else(|| PathBuf::from("/"));
        self.chooser = Some(Chooser::new(purpose, kind, title, dir));
    }

    fn export_name(&self) -> String {
        format!("export.{}", self.export.format.extension())
    }

    /// Where the chooser starts: the open project's parent, else home.
    fn start_dir(&self) -> Option<PathBuf> {
        self.session
            .as_ref()
            .and_then(|s| s.project.root().parent().map(Path::to_path_buf))
            .or_else(|| directories::UserDirs::new().map(|u| u.home_dir().to_path_buf()))
    }

    /// Act on what the user chose.
    pub(crate) fn chosen(&mut self, purpose: Purpose, paths: Vec<PathBuf>) {
        let Some(first) = paths.first().cloned() else {
            return;
        };
        let joined = || {
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join("\n")
        };
        match purpose {
            Purpose::OpenProject => {
                self.open_project(&first);
            }
            Purpose::ImportFiles | Purpose::ImportFolder => {
                self.import.paths = joined();
                if self.import.format.is_none() && purpose == Purpose::ImportFiles {
                    self.import.format = super::interop::guess_format(&first);
                }
                self.import.open = true;
            }
            Purpose::ExportTo => {
                self.export.output = first.display().to_string();
                self.export.proposed = false;
            }
        }
    }
}

/// On Linux the portal needs a D-Bus session; without one the dialog cannot open.
fn native_dialog_possible() -> bool {
    if cfg!(target_os = "linux") {
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
            && std::env::var_os("ENTITLE_OWN_FILE_DIALOG").is_none()
    } else {
        std::env::var_os("ENTITLE_OWN_FILE_DIALOG").is_none()
    }
}

fn native(kind: Kind, title: &str, save_name: &str) -> Option<Vec<PathBuf>> {
    let d = rfd::FileDialog::new().set_title(title);
    match kind {
        Kind::Folder => d.pick_folder().map(|p| vec![p]),
        Kind::File(exts) if !exts.is_empty() => {
            d.add_filter("Text", exts).pick_file().map(|p| vec![p])
        }
        Kind::File(_) => d.pick_file().map(|p| vec![p]),
        Kind::Files => d.pick_files(),
        Kind::Save => d.set_file_name(save_name).save_file().map(|p| vec![p]),
    }
}

/// Recent projects, newest first (at most ten).
pub fn remember_recent(recent: &mut Vec<PathBuf>, root: &Path) {
    recent.retain(|p| p != root);
    recent.insert(0, root.to_path_buf());
    recent.truncate(10);
}

/// What the chooser window decided this frame.
enum Outcome {
    Go(PathBuf),
    Choose(Vec<PathBuf>),
    Cancel,
}

/// The typed path as the answer, if it fits the chooser's kind.
fn typed_answer(c: &Chooser) -> Result<Vec<PathBuf>, String> {
    let p = PathBuf::from(c.typed.trim());
    match c.kind {
        Kind::Folder if p.is_dir() => Ok(vec![p]),
        Kind::Folder => Err(format!("{} is not a folder", p.display())),
        Kind::File(_) | Kind::Files if p.is_file() => Ok(vec![p]),
        Kind::Files if !c.picked.is_empty() => Ok(c.picked.clone()),
        Kind::File(_) | Kind::Files => Err(format!("{} is not a file", p.display())),
        Kind::Save if p.parent().is_some_and(Path::is_dir) && !p.is_dir() => Ok(vec![p]),
        Kind::Save => Err(format!(
            "{}: choose a file name in an existing folder",
            p.display()
        )),
    }
}

fn entries_ui(ui: &mut egui::Ui, c: &mut Chooser, out: &mut Option<Outcome>) {
    let row_h = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
    egui::ScrollArea::vertical()
        .max_height(300.0)
        .auto_shrink([false, true])
        .show_rows(ui, row_h, c.entries.len(), |ui, rows| {
            let shown: Vec<(String, bool)> = c.entries[rows].to_vec();
            for (name, is_dir) in shown {
                let path = c.dir.join(&name);
                let picked = c.picked.contains(&path) || path == Path::new(c.typed.trim());
                let label = format!("{} {name}", if is_dir { "📁" } else { "📄" });
                let r = ui.selectable_label(picked, label);
                if r.double_clicked() && !is_dir {
                    *out = Some(Outcome::Choose(vec![path]));
                } else if r.clicked() {
                    if is_dir {
                        *out = Some(Outcome::Go(path));
                    } else if c.kind == Kind::Files {
                        match c.picked.iter().position(|p| *p == path) {
                            Some(i) => {
                                c.picked.remove(i);
                            }
                            None => c.picked.push(path),
                        }
                    } else {
                        c.typed = path.display().to_string();
                    }
                }
            }
        });
}

/// The app's own file and folder chooser.
pub fn chooser_window(app: &mut EntitleApp, ctx: &egui::Context) {
    let Some(mut c) = app.chooser.take() else {
        return;
    };
    let recent: Vec<PathBuf> = app.prefs.recent.clone();
    let mut out = None;
    let mut open = true;
    egui::Window::new(c.title.clone())
        .open(&mut open)
        .collapsible(false)
        .default_size([560.0, 420.0])
        .show(ctx, |ui| {
            ui.horizontal(|ui| {
                if ui.button("⬆ Up").clicked()
                    && let Some(p) = c.dir.parent()
                {
                    out = Some(Outcome::Go(p.to_path_buf()));
                }
                let label = ui.label("Path");
                let field = ui
                    .add(egui::TextEdit::singleline(&mut c.typed).desired_width(f32::INFINITY))
                    .labelled_by(label.id);
                if field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                    let p = PathBuf::from(c.typed.trim());
                    out = Some(if p.is_dir() && c.kind != Kind::Folder {
                        Outcome::Go(p)
                    } else {
                        match typed_answer(&c) {
                            Ok(v) => Outcome::Choose(v),
                            Err(_) if p.is_dir() => Outcome::Go(p),
                            Err(e) => {
                                c.error = Some(e);
                                return;
                            }
                        }
                    });
                }
            });
            if c.purpose == Purpose::OpenProject && !recent.is_empty() {
                ui.horizontal_wrapped(|ui| {
                    ui.weak("Recent:");
                    for p in &recent {
                        let name = p.file_name().map_or(p.display().to_string(), |n| {
                            n.to_string_lossy().into_owned()
                        });
                        if ui
                            .button(name)
                            .on_hover_text(p.display().to_string())
                            .clicked()
                        {
                            out = Some(Outcome::Choose(vec![p.clone()]));
                        }
                    }
                });
            }
            if let Some(e) = &c.error {
                ui.colored_label(ui.visuals().error_fg_color, e);
            }
            ui.separator();
            entries_ui(ui, &mut c, &mut out);
            ui.separator();
            ui.horizontal(|ui| {
                let choose = match c.kind {
                    Kind::Folder => "Choose this folder".to_string(),
                    Kind::Files if !c.picked.is_empty() => {
                        format!("Choose {} files", c.picked.len())
                    }
                    Kind::Save => "Save here".to_string(),
                    _ => "Choose".to_string(),
                };
                if ui.button(choose).clicked() {
                    match typed_answer(&c) {
                        Ok(v) => out = Some(Outcome::Choose(v)),
                        Err(e) => c.error = Some(e),
                    }
                }
                if ui.button("Cancel").clicked() {
                    out = Some(Outcome::Cancel);
                }
            });
        });
    match out {
        Some(Outcome::Go(dir)) => {
            c.go(dir);
            app.chooser = Some(c);
        }
        Some(Outcome::Choose(paths)) => app.chosen(c.purpose, paths),
        Some(Outcome::Cancel) => {}
        None if !open => {}
        None => app.chooser = Some(c),
    }
}
