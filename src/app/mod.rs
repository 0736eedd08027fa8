//! The desktop app (feature `gui`): eframe, panels, the document view.
//!
//! Flow of one frame ([`EntitleApp::ui_root`]): keys become [`Action`]s through the
//! keymap, the dispatcher runs all pending actions (the only place that calls
//! `Workspace::apply` for the UI), panels draw the model and push more actions, the
//! session hands changed documents to the autosave thread.

pub mod actions;
mod dispatch;
mod navigate;
mod panels;
pub mod theme;
pub mod widgets;

pub use crate::session::Severity;
pub use actions::{Action, Keymap};

use crate::model::{DocId, Rgb, SpanId};
use crate::project::{self, Project};
use crate::session::{Notice, SaveState, Session};
use crate::text::CharSpan;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use widgets::annotated_text::DocLayout;

/// How the app was started.
#[derive(Debug, Clone, Default)]
pub struct Startup {
    /// Project folder, plain folder or .txt file to open (else the last one, else the
    /// sample).
    pub path: Option<PathBuf>,
    pub annotator: Option<String>,
    /// Where the sample is installed (default: the user's data folder).
    pub data_dir: Option<PathBuf>,
    /// Do not reopen the last project (tests, benchmarks).
    pub ignore_prefs: bool,
}

/// Preferences kept by eframe between runs (UI state, not project data).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Prefs {
    pub last_project: Option<PathBuf>,
    pub annotator: Option<String>,
    pub word_snap: bool,
    /// An edit on a document marked done asks first.
    pub protect_done: bool,
    pub theme: theme::ThemeChoice,
    /// Longest line of document text, in characters (0: the window's width).
    pub line_chars: u32,
    /// The first-run hint on the sample project was closed.
    pub hint_dismissed: bool,
    /// Always use the app's own file chooser (the system dialog is used otherwise).
    pub own_file_dialog: bool,
    /// Projects opened, newest first.
    pub recent: Vec<PathBuf>,
    /// Relation arcs are drawn (F9).
    pub show_arcs: bool,
    /// Same-string suggestions match exact case only.
    pub same_string_case: bool,
}

impl Default for Prefs {
    fn default() -> Self {
        Self {
            last_project: None,
            annotator: None,
            word_snap: true,
            protect_done: true,
            theme: theme::ThemeChoice::System,
            line_chars: 100,
            hint_dismissed: false,
            own_file_dialog: false,
            recent: Vec::new(),
            show_arcs: true,
            same_string_case: false,
        }
    }
}

const PREFS_KEY: &str = "entitle.prefs";

/// Open the desktop app.
pub fn run(path: Option<PathBuf>, annotator: Option<String>) -> anyhow::Result<()> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Entitle")
            .with_app_id("entitle")
            .with_inner_size([1280.0, 820.0])
            .with_min_inner_size([640.0, 400.0])
            .with_drag_and_drop(true),
        persist_window: true,
        ..Default::default()
    };
    let startup = Startup {
        path,
        annotator,
        ..Default::default()
    };
    eframe::run_native(
        "entitle",
        options,
        Box::new(move |cc| Ok(Box::new(EntitleApp::new(cc, startup)))),
    )
    .map_err(|e| anyhow::anyhow!("could not open the window: {e}"))
}

/// A notice: shown floating over the document area for a while, then kept in the
/// history (see `panels::messages`).
#[derive(Debug, Clone)]
pub struct Message {
    pub id: u64,
    pub severity: Severity,
    pub text: String,
    pub at: Instant,
    /// Closed by the user (still in the history).
    pub dismissed: bool,
}

/// View state of the document on screen. Selection changes are not undo steps.
pub(crate) struct DocView {
    pub id: DocId,
    pub layout: Option<DocLayout>,
    pub selection: Option<CharSpan>,
    pub selected_span: Option<SpanId>,
    /// The selected relation (a click on its arc, Ctrl+Tab).
    pub selected_relation: Option<crate::model::RelationId>,
    /// The span Ctrl+Tab steps through the relations of.
    pub relation_anchor: Option<SpanId>,
    /// The span the next selection becomes a fragment of (Ctrl+drag, Ctrl+J).
    pub fragment_of: Option<SpanId>,
    /// A drag that started on this span's label tag: it draws a relation.
    pub relation_drag: Option<SpanId>,
    /// Press position of a drag: char and cluster length.
    pub drag_anchor: Option<(usize, usize)>,
    pub hovered: Vec<SpanId>,
}

/// See [`EntitleApp::layers_view`]: layer A, layer B, disagreements, the current one.
pub type LayersView = (String, String, Vec<std::ops::Range<usize>>, Option<usize>);

pub struct EntitleApp {
    pub(crate) session: Option<Session>,
    pub(crate) prefs: Prefs,
    pub(crate) keymap: Keymap,
    pub(crate) colors: HashMap<String, Rgb>,
    pub(crate) view: Option<DocView>,
    /// First visible char of each document seen, to come back to the same place.
    pub(crate) scroll_offsets: HashMap<DocId, usize>,
    pub(crate) pending: Vec<Action>,
    pub(crate) messages: Vec<Message>,
    next_message: u64,
    pub(crate) filter: String,
    pub(crate) filtered: Vec<usize>,
    pub(crate) filter_key: Option<panels::doc_list::FilterKey>,
    /// Show only documents with this status (None: all).
    pub(crate) status_filter: Option<crate::model::DocStatus>,
    pub(crate) sort: panels::doc_list::Sort,
    /// Documents per status, with what they were counted from.
    pub(crate) status_counts: Option<((u64, usize), panels::doc_list::Counts)>,
    pub(crate) focus_filter: bool,
    pub(crate) show_shortcuts: bool,
    /// The help section shown.
    pub(crate) help_section: usize,
    /// The app's own file chooser, while open.
    pub(crate) chooser: Option<panels::files::Chooser>,
    /// The project's texts for search (loaded in the background).
    pub(crate) texts: panels::project_search::ProjectTexts,
    /// The project search window, while open.
    pub(crate) project_search: Option<panels::project_search::ProjectSearch>,
    /// The find bar, while open.
    pub(crate) find: Option<panels::find::Find>,
    /// Annotate-all waiting for the user's yes.
    pub(crate) tag_all: Option<panels::find::TagAll>,
    /// The command palette, while open.
    pub(crate) commands: Option<panels::commands::Palette>,
    /// The label editor, while open.
    pub(crate) labels: Option<panels::labels::LabelEditor>,
    /// A relation being made (R), and the relation types on offer.
    pub(crate) relation_draft: Option<panels::relations::RelationDraft>,
    pub(crate) relation_types: Vec<panels::relations::RelType>,
    pub(crate) inspector: panels::inspector::Inspector,
    pub(crate) schema_fields: panels::schema_editor::SchemaFields,
    pub(crate) kb: panels::inspector::KbState,
    /// A text field had the keyboard at the end of the last frame.
    text_had_focus: bool,
    pub(crate) attribute_defs: Vec<panels::inspector::AttrDef>,
    /// Suggestion engines (their thread) and the open document's suggestions.
    pub(crate) suggest: panels::suggestions::SuggestState,
    /// The window title last sent (project — document).
    title: String,
    /// When entitle.toml was last checked for changes made in another program.
    config_checked: Instant,
    /// To ask for a frame from background work.
    pub(crate) egui_ctx: egui::Context,
    /// The notices' history window (status bar → 🔔).
    pub(crate) show_history: bool,
    /// An edit waiting for "reopen this done document?".
    pub(crate) reopen_prompt: Option<Action>,
    pub(crate) annotator_edit: Option<String>,
    /// Other annotators' layers beside the text (comparing or curating).
    pub(crate) layers: Option<panels::layers::Layers>,
    pub(crate) layers_dialog: Option<panels::layers::LayersDialog>,
    /// Curating: the gold layer the session edits (your name stays the author).
    pub(crate) curating: Option<String>,
    /// The agreement window (Ctrl+Shift+K).
    pub(crate) agreement: Option<panels::agreement::AgreementWindow>,
    pub(crate) quit: bool,
    pub(crate) import: panels::interop::ImportDialog,
    /// What re-anchoring would do, shown before anything is saved.
    pub(crate) reanchor_preview: Option<panels::reanchor::Preview>,
    pub(crate) export: panels::interop::ExportDialog,
    data_dir: Option<PathBuf>,
    keymap_text: Option<String>,
    event_log: Option<std::fs::File>,
    /// The document whose first word's screen position the event log has (smoke
    /// tests drag across it).
    logged_geometry: Option<DocId>,
}

impl EntitleApp {
    /// The app as eframe creates it: fonts, preferences, the project to open.
    pub fn new(cc: &eframe::CreationContext<'_>, startup: Startup) -> Self {
        let prefs = if startup.ignore_prefs {
            Prefs::default()
        } else {
            cc.storage
                .and_then(|s| s.get_string(PREFS_KEY))
                .and_then(|s| serde_json::from_str(&s).ok())
                .unwrap_or_default()
        };
        Self::with_prefs(&cc.egui_ctx, startup, prefs)
    }

    /// The app without eframe (benchmarks): same state, driven by `ui_root`.
    pub fn new_headless(ctx: &egui::Context, startup: Startup) -> Self {
        Self::with_prefs(ctx, startup, Prefs::default())
    }

    fn with_prefs(ctx: &egui::Context, startup: Startup, prefs: Prefs) -> Self {
        theme::install(ctx);
        prefs.theme.apply(ctx);
        let keymap_text = directories::ProjectDirs::from("org", "Entitle", "entitle")
            .and_then(|d| std::fs::read_to_string(d.config_dir().join("keymap.toml")).ok());
        let event_log = std::env::var_os("ENTITLE_EVENT_LOG").and_then(|p| {
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(p)
                .ok()
        });
        let mut app = Self {
            session: None,
            keymap: Keymap::new(&crate::model::Schema::news_default(), None),
            colors: HashMap::new(),
            view: None,
            scroll_offsets: HashMap::new(),
            pending: Vec::new(),
            messages: Vec::new(),
            next_message: 1,
            filter: String::new(),
            filtered: Vec::new(),
            filter_key: None,
            status_filter: None,
            sort: Default::default(),
            status_counts: None,
            focus_filter: false,
            show_shortcuts: false,
            help_section: 0,
            commands: None,
            labels: None,
            relation_draft: None,
            relation_types: Vec::new(),
            inspector: Default::default(),
            schema_fields: Default::default(),
            kb: Default::default(),
            text_had_focus: false,
            attribute_defs: Vec::new(),
            suggest: Default::default(),
            find: None,
            texts: Default::default(),
            project_search: None,
            tag_all: None,
            chooser: None,
            title: String::new(),
            config_checked: Instant::now(),
            egui_ctx: ctx.clone(),
            show_history: false,
            reopen_prompt: None,
            annotator_edit: None,
            layers: None,
            layers_dialog: None,
            curating: None,
            agreement: None,
            quit: false,
            import: Default::default(),
            reanchor_preview: None,
            export: Default::default(),
            data_dir: startup.data_dir.clone().or_else(project::sample::data_dir),
            keymap_text,
            event_log,
            logged_geometry: None,
            prefs,
        };
        if let Some(a) = startup.annotator {
            app.prefs.annotator = Some(project::sanitize_annotator(&a));
        }
        let target = match startup.path {
            Some(p) => Some(p),
            None if !startup.ignore_prefs => app.prefs.last_project.clone().filter(|p| p.exists()),
            None => None,
        };
        match target {
            Some(p) => {
                app.open_project(&p);
            }
            None => app.open_sample(),
        }
        app
    }

    pub(crate) fn annotator(&self) -> String {
        self.prefs
            .annotator
            .clone()
            .unwrap_or_else(project::default_annotator)
    }

    /// Save everything before the session is replaced; if that fails, say so and
    /// return false: the caller keeps the session (and its unsaved changes).
    pub(crate) fn save_before_leaving(&mut self, what: &str) -> bool {
        let Some(s) = self.session.as_mut() else {
            return true;
        };
        if s.flush(Duration::from_secs(10)) {
            return true;
        }
        let why = match s.save_state() {
            SaveState::Failed(e) => e,
            _ => "saving did not finish in time".into(),
        };
        let name = s.project.name();
        self.message(
            Severity::Error,
            format!(
                "Could not save your changes before {what}: {why}. {name} stays open so nothing is lost; fix the problem (free disk space, check permissions) and try again."
            ),
        );
        false
    }

    /// Open a project, folder or file; on failure keep the current one and say why.
    /// The current project's changes are saved first (if they cannot be, it stays).
    pub(crate) fn open_project(&mut self, path: &Path) -> bool {
        if !self.save_before_leaving("opening another project") {
            return false;
        }
        // Reopening the project that is open: hand its lock over instead of asking for
        // it again (this process holds it, so a second request would be refused).
        let same = self
            .session
            .as_ref()
            .is_some_and(|s| project::project_root_of(path).is_some_and(|r| r == s.project.root()));
        let opened = if same && let Some(old) = self.session.take() {
            old.into_project().reopen().map(|p| (p, None))
        } else {
            Project::open(path)
        };
        match opened {
            Ok((project, focus)) => {
                // Layers and curation belong to the project they were started on.
                let layer = if same { self.layer() } else { self.annotator() };
                match Session::new(project, &layer) {
                    Ok(session) => {
                        if !same {
                            self.curating = None;
                            self.layers = None;
                            self.layers_dialog = None;
                            self.agreement = None;
                        }
                        self.install_session(session, focus);
                        true
                    }
                    Err(e) => {
                        self.message(
                            Severity::Error,
                            format!("Could not start the autosave thread: {e}"),
                        );
                        false
                    }
                }
            }
            Err(e) => {
                self.message(
                    Severity::Error,
                    format!("Cannot open {}: {e}", path.display()),
                );
                false
            }
        }
    }

    pub(crate) fn open_sample(&mut self) {
        let Some(dir) = self.data_dir.clone() else {
            self.message(
                Severity::Error,
                "No data folder is known for this user, so the sample project cannot be installed. Open a folder of .txt files instead (File > Open folder…).".into(),
            );
            return;
        };
        match project::sample::install(&dir, &self.annotator()) {
            Ok((root, annotated)) => {
                if self.open_project(&root) && annotated {
                    // A new user sees nested spans at once.
                    if let Ok(id) = DocId::new(project::sample::ANNOTATED_DOC) {
                        self.show_doc(&id);
                    }
                }
            }
            Err(e) => self.message(
                Severity::Error,
                format!(
                    "Could not copy the sample project into {}: {e}. Check that folder is writable, or open a folder of .txt files instead.",
                    dir.display()
                ),
            ),
        }
    }

    fn install_session(&mut self, mut session: Session, focus: Option<DocId>) {
        self.remember_scroll();
        let schema = session.project.schema();
        self.keymap = Keymap::new(&schema, self.keymap_text.as_deref());
        for p in self.keymap.problems.clone() {
            self.message(Severity::Warning, p);
        }
        self.set_schema_view(&schema);
        self.prefs.last_project = Some(session.project.root().to_path_buf());
        panels::files::remember_recent(&mut self.prefs.recent, session.project.root());
        for n in session.take_notices() {
            self.notice(n);
        }
        let first = focus.or_else(|| session.project.docs().first().map(|d| d.id.clone()));
        self.texts = panels::project_search::ProjectTexts::start(&session.project, &self.egui_ctx);
        self.project_search = None;
        self.session = Some(session);
        self.start_suggestions();
        self.start_kb();
        self.view = None;
        self.filter_key = None;
        self.scroll_offsets.clear();
        if let Some(id) = first {
            self.show_doc(&id);
        }
    }

    /// Colours of labels and relation types, the relation types and attributes on
    /// offer, from the schema.
    fn set_schema_view(&mut self, schema: &crate::model::Schema) {
        // Relation types first: a label of the same name keeps its own colour.
        self.colors = schema
            .relations
            .iter()
            .map(|r| (r.name.to_string(), r.color))
            .chain(schema.labels.iter().map(|l| (l.name.to_string(), l.color)))
            .collect();
        self.relation_types = schema
            .relations
            .iter()
            .map(|r| panels::relations::RelType {
                name: r.name.clone(),
                color: r.color,
                hotkey: r.hotkey.clone(),
                symmetric: r.symmetric,
                from: r.from.clone(),
                to: r.to.clone(),
            })
            .collect();
        self.attribute_defs = schema
            .attributes
            .iter()
            .map(|a| panels::inspector::AttrDef {
                name: a.name.to_string(),
                kind: match a.kind {
                    crate::model::AttributeKind::Flag => panels::inspector::AttrKind::Flag,
                    crate::model::AttributeKind::Choice => {
                        panels::inspector::AttrKind::Choice(a.values.clone())
                    }
                    crate::model::AttributeKind::Text => panels::inspector::AttrKind::Text,
                },
                labels: a.labels.clone(),
            })
            .collect();
    }

    /// Labels may have changed (an import adds new ones): rebuild colours and keys.
    pub(crate) fn refresh_schema(&mut self) {
        let Some(session) = self.session.as_ref() else {
            return;
        };
        let schema = session.project.schema();
        self.keymap = Keymap::new(&schema, self.keymap_text.as_deref());
        self.set_schema_view(&schema);
    }

    /// Make `id` the document on screen (opening it if needed).
    pub(crate) fn show_doc(&mut self, id: &DocId) {
        if self.view.as_ref().is_some_and(|v| &v.id == id) {
            return;
        }
        self.remember_scroll();
        let Some(session) = self.session.as_mut() else {
            return;
        };
        let opened = session.ensure_open(id).clone();
        let notices = session.take_notices();
        for n in notices {
            self.notice(n);
        }
        let layout = opened.doc.map(|d| {
            // The scroll area is shared by all documents: always set where this one was
            // (by character: pixel offsets change as blocks get laid out).
            let mut l = DocLayout::new(d);
            l.set_scroll_offset(0.0);
            l.top_char = self.scroll_offsets.get(id).copied();
            l
        });
        self.view = Some(DocView {
            id: id.clone(),
            layout,
            selection: None,
            selected_span: None,
            selected_relation: None,
            relation_anchor: None,
            fragment_of: None,
            relation_drag: None,
            drag_anchor: None,
            hovered: Vec::new(),
        });
        self.log(&format!("OPEN {id}"));
    }

    fn remember_scroll(&mut self) {
        if let Some(v) = &self.view
            && let Some(l) = &v.layout
            && let Some(visible) = l.visible_chars()
        {
            self.scroll_offsets.insert(v.id.clone(), visible.start);
        }
    }

    pub(crate) fn message(&mut self, severity: Severity, text: String) {
        // The same message twice in a row is shown once (again, if it had gone).
        if let Some(last) = self.messages.last_mut()
            && last.text == text
        {
            last.at = Instant::now();
            last.dismissed = false;
            return;
        }
        self.log(&format!("MESSAGE {severity:?} {text}"));
        self.messages.push(Message {
            id: self.next_message,
            severity,
            text,
            at: Instant::now(),
            dismissed: false,
        });
        self.next_message += 1;
        if self.messages.len() > panels::messages::HISTORY {
            let extra = self.messages.len() - panels::messages::HISTORY;
            self.messages.drain(..extra);
        }
    }

    /// Close a notice (it stays in the history).
    pub(crate) fn dismiss_message(&mut self, id: u64) {
        if let Some(m) = self.messages.iter_mut().find(|m| m.id == id) {
            m.dismissed = true;
        }
    }

    fn notice(&mut self, n: Notice) {
        self.message(n.severity, n.text);
    }

    /// Append a line to the opt-in event log (`ENTITLE_EVENT_LOG`), for smoke tests
    /// that drive a real window.
    pub(crate) fn log(&mut self, line: &str) {
        if let Some(f) = self.event_log.as_mut() {
            use std::io::Write;
            let _ = writeln!(f, "{line}");
        }
    }

    /// For smoke tests that drag with a real mouse: once per document shown, where its
    /// first and sixth characters are on screen (centres, in points).
    fn log_geometry(&mut self) {
        if self.event_log.is_none() {
            return;
        }
        let Some(id) = self.current_doc().cloned() else {
            return;
        };
        if self.logged_geometry.as_ref() == Some(&id) {
            return;
        }
        if let (Some(a), Some(b)) = (self.char_rect(0), self.char_rect(5)) {
            let (a, b) = (a.center(), b.center());
            self.log(&format!(
                "CHARS {id} {:.0} {:.0} {:.0} {:.0}",
                a.x, a.y, b.x, b.y
            ));
            self.logged_geometry = Some(id);
        }
    }

    /// One whole frame.
    pub fn ui_root(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        if self.import.importing.is_none() {
            // A drop opens the import window, which is busy while importing.
            self.handle_dropped_files(&ctx);
        }
        self.handle_keys(&ctx);
        self.dispatch_pending();
        self.tick_suggestions();
        self.tick_kb();
        self.refresh_find();
        self.texts.poll();
        if let Some(s) = self.session.as_mut() {
            let notices = s.take_notices();
            for n in notices {
                self.notice(n);
            }
        }
        panels::menu::menu_bar_ui(self, ui);
        panels::status_bar::status_bar_ui(self, ui);
        if self.session.is_some() {
            panels::palette::palette_ui(self, ui);
            panels::doc_list::doc_list_ui(self, ui);
            // Comparing layers is read-only: the inspector (which edits your layer's
            // selected span) waits until the comparison is closed.
            if self
                .layers
                .as_ref()
                .is_none_or(|l| l.curating_into().is_some())
            {
                panels::inspector::inspector_panel(self, ui);
            }
        }
        let central = egui::CentralPanel::default().show(ui, |ui| {
            if self.session.is_some() && self.layers.is_some() {
                panels::layers::layers_ui(self, ui);
            } else if self.session.is_some() {
                panels::doc_view::doc_view_ui(self, ui);
            } else {
                panels::doc_view::welcome_ui(self, ui);
            }
        });
        // Over the document area, never in its flow: the text does not move.
        if self.find.is_some() {
            panels::find::find_bar(self, &ctx, central.response.rect);
        }
        panels::messages::notices_overlay(self, &ctx, central.response.rect);
        if self.tag_all.is_some() {
            panels::find::tag_all_window(self, &ctx);
        }
        if self.project_search.is_some() {
            panels::project_search::project_search_window(self, &ctx);
        }
        if self.show_history {
            panels::messages::history_window(self, &ctx);
        }
        if self.reopen_prompt.is_some() {
            panels::status::reopen_window(self, &ctx);
        }
        if self.commands.is_some() {
            panels::commands::palette_window(self, &ctx);
        }
        if self.labels.is_some() {
            panels::labels::label_editor_window(self, &ctx);
        }
        if self.relation_draft.is_some() {
            panels::relations::relation_chooser_window(self, &ctx);
        }
        if self.suggest.show_panel {
            panels::suggestions::suggestions_window(self, &ctx);
        }
        if self.chooser.is_some() {
            panels::files::chooser_window(self, &ctx);
        }
        if self.show_shortcuts {
            panels::shortcuts::shortcuts_window(self, &ctx);
        }
        if self.import.open {
            panels::interop::import_window(self, &ctx);
        }
        if self.export.open {
            panels::interop::export_window(self, &ctx);
        }
        if self.reanchor_preview.is_some() {
            panels::reanchor::reanchor_window(self, &ctx);
        }
        if self.layers_dialog.is_some() {
            panels::layers::layers_dialog_window(self, &ctx);
        }
        if self.agreement.is_some() {
            panels::agreement::agreement_window(self, &ctx);
        }

        // Only the inspector's fields: Escape in the find bar or the palette closes
        // them, as before.
        self.text_had_focus = self.inspector.field_focused && ctx.egui_wants_keyboard_input();
        self.update_title(&ctx);
        self.reload_config_if_changed();
        self.log_geometry();
        if self.session.as_mut().is_some_and(|s| s.sync_labels()) {
            self.refresh_schema();
        }
        if let Some(s) = self.session.as_mut() {
            s.autosave_tick();
            if s.save_state() != SaveState::Saved {
                ctx.request_repaint_after(Duration::from_millis(30));
            }
            // A frame a second while idle, so a `git pull` is noticed without a click.
            ctx.request_repaint_after(crate::session::DISK_CHECK_EVERY);
        }
        if !self.pending.is_empty() {
            ctx.request_repaint();
        }
    }

    fn handle_dropped_files(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        let Some(p) = dropped.first() else { return };
        // A project, a folder of texts or a .txt opens; annotated files go to Import.
        let is_project = p.is_dir()
            && (p.join(crate::project::CONFIG_FILE).exists()
                || !p.join("annotation.conf").exists());
        let guessed =
            panels::interop::guess_format(p).filter(|f| *f != crate::formats::Format::Txt);
        match guessed {
            Some(format) if self.session.is_some() => {
                self.import = panels::interop::ImportDialog {
                    open: true,
                    format: Some(format),
                    paths: dropped
                        .iter()
                        .map(|p| p.display().to_string())
                        .collect::<Vec<_>>()
                        .join("\n"),
                    ..Default::default()
                };
            }
            _ if !is_project && p.is_dir() && self.session.is_some() => {
                // A brat collection folder.
                self.import = panels::interop::ImportDialog {
                    open: true,
                    format: Some(crate::formats::Format::Brat),
                    paths: p.display().to_string(),
                    ..Default::default()
                };
            }
            _ => {
                self.open_project(p);
            }
        }
    }

    /// "document — project — Entitle" in the window's title bar.
    fn update_title(&mut self, ctx: &egui::Context) {
        let title = match (&self.session, self.current_doc()) {
            (Some(s), Some(d)) => format!("{d} — {} — Entitle", s.project.name()),
            (Some(s), None) => format!("{} — Entitle", s.project.name()),
            _ => "Entitle".to_string(),
        };
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }

    /// entitle.toml edited in another program: its labels are in force at once (checked
    /// when the window regains focus, else at most once a second on frames that happen
    /// anyway).
    fn reload_config_if_changed(&mut self) {
        let focused = self.egui_ctx.input(|i| {
            i.raw
                .events
                .iter()
                .any(|e| matches!(e, egui::Event::WindowFocused(true)))
        });
        if !focused && self.config_checked.elapsed() < Duration::from_secs(1) {
            return;
        }
        self.config_checked = Instant::now();
        let Some(r) = self
            .session
            .as_mut()
            .and_then(|s| s.project.reload_config_if_changed())
        else {
            return;
        };
        match r {
            Ok(n) => {
                if let Some(s) = self.session.as_mut() {
                    s.labels_reloaded();
                }
                self.refresh_schema();
                self.message(
                    Severity::Info,
                    format!("entitle.toml changed on disk: its {n} labels are in force."),
                );
            }
            Err(problem) => self.message(
                Severity::Error,
                format!("entitle.toml changed on disk but cannot be used: {problem}. The labels in force stay; fix the file and save it again."),
            ),
        }
    }

    /// The selected text, or the selected span's text.
    pub(crate) fn selection_text(&self) -> Option<String> {
        let v = self.view.as_ref()?;
        let doc = v.layout.as_ref()?.doc();
        let range = v.selection.or_else(|| {
            let id = v.selected_span?;
            Some(
                self.session
                    .as_ref()?
                    .workspace
                    .doc(&v.id)?
                    .set
                    .get(id)?
                    .range,
            )
        })?;
        Some(doc.slice(range.range()).to_string())
    }

    /// The window title (as sent to the window).
    pub fn window_title(&self) -> &str {
        &self.title
    }

    /// The sample project is open (the first-run hint shows on it).
    pub(crate) fn on_sample(&self) -> bool {
        match (&self.session, &self.data_dir) {
            (Some(s), Some(d)) => {
                s.project.root() == d.join(project::sample::SAMPLE_DIR)
                    || crate::fsio::real_path(&d.join(project::sample::SAMPLE_DIR))
                        .is_ok_and(|p| p == s.project.root())
            }
            _ => false,
        }
    }

    /// A window that answers Enter is open.
    fn modal_open(&self) -> bool {
        self.tag_all.is_some()
            || self.relation_draft.as_ref().is_some_and(|d| d.to.is_some())
            || self.labels.is_some()
            || self.chooser.is_some()
            || self.commands.is_some()
            || self.reopen_prompt.is_some()
            || self.reanchor_preview.is_some()
            || self.import.open
            || self.export.open
    }

    /// Escape closes the window on top (history, shortcuts, import, export, the
    /// re-anchoring preview) before it means "clear the selection".
    fn close_top_window(&mut self, ctx: &egui::Context) {
        let open = self.show_history
            || self.labels.is_some()
            || self.project_search.is_some()
            || self.tag_all.is_some()
            || self.find.is_some()
            || self.chooser.is_some()
            || self.commands.is_some()
            || self.reopen_prompt.is_some()
            || self.show_shortcuts
            || (self.import.open && self.import.importing.is_none())
            || (self.export.open && self.export.job.is_none())
            || self.reanchor_preview.is_some();
        if !open || !ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape)) {
            return;
        }
        if self.tag_all.is_some() {
            self.tag_all = None;
        } else if let Some(l) = self.labels.as_mut() {
            // A question first, then the window.
            if l.confirm.take().is_none() {
                self.labels = None;
            }
        } else if self.project_search.is_some() {
            self.project_search = None;
        } else if self.chooser.is_some() {
            self.chooser = None;
        } else if self.commands.is_some() {
            self.commands = None;
        } else if self.reopen_prompt.is_some() {
            self.reopen_prompt = None;
        } else if self.show_history {
            self.show_history = false;
        } else if self.show_shortcuts {
            self.show_shortcuts = false;
        } else if self.reanchor_preview.is_some() {
            self.reanchor_preview = None;
        } else if self.export.open && self.export.job.is_none() {
            self.export.open = false;
        } else if self.import.open && self.import.importing.is_none() {
            self.import.open = false;
        } else {
            self.find = None;
        }
    }

    fn handle_keys(&mut self, ctx: &egui::Context) {
        if std::mem::take(&mut self.text_had_focus) {
            // egui drops a field's focus on Escape before the frame: that Escape only
            // left the field (back to the text), it does not also clear the selection.
            ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape));
        }
        self.close_top_window(ctx);
        if ctx.egui_wants_keyboard_input() {
            // Typing in a text field: only Escape (leave the field) is ours.
            return;
        }
        self.relation_keys(ctx);
        let mut bindings = self.keymap.bindings.clone();
        if self.modal_open() {
            // Enter answers the window on top (Tag all, a question), not the text.
            bindings.retain(|(_, sc)| sc.logical_key != egui::Key::Enter);
        }
        let mut fired = Vec::new();
        ctx.input_mut(|i| {
            for (action, sc) in &bindings {
                while i.consume_shortcut(sc) {
                    fired.push(action.clone());
                }
            }
        });
        let navigates = |a: &Action| {
            matches!(
                a,
                Action::SelectNextSpan
                    | Action::SelectPrevSpan
                    | Action::SelectNextWord
                    | Action::SelectPrevWord
                    | Action::ExtendRight
                    | Action::ExtendLeft
                    | Action::PageDown
                    | Action::PageUp
                    | Action::RowDown
                    | Action::RowUp
                    | Action::LineStart
                    | Action::LineEnd
                    | Action::DocStart
                    | Action::DocEnd
                    | Action::FindNext
                    | Action::FindPrevious
            )
        };
        if fired.iter().any(navigates) {
            // Tab and the arrows are ours in the document view: cancel the focus move
            // egui started for them, and drop focus from any button.
            ctx.memory_mut(|m| {
                m.move_focus(egui::FocusDirection::None);
                if let Some(id) = m.focused() {
                    m.surrender_focus(id);
                }
            });
        }
        self.pending.extend(fired);
    }

    // ----- accessors for tests and benchmarks -----

    /// The open document's suggestions as drawn (empty while hidden or computing).
    pub fn suggestions(&self) -> &[crate::suggest::Suggestion] {
        match self.view.as_ref() {
            Some(v) => self.suggest.shown(&v.id),
            None => &[],
        }
    }

    pub fn session(&self) -> Option<&Session> {
        self.session.as_ref()
    }
    pub fn session_mut(&mut self) -> Option<&mut Session> {
        self.session.as_mut()
    }
    /// The document on screen, if its text could be read.
    pub fn current_document(&self) -> Option<&crate::model::Document> {
        self.view.as_ref()?.layout.as_ref().map(|l| l.doc())
    }
    pub fn current_doc(&self) -> Option<&DocId> {
        self.view.as_ref().map(|v| &v.id)
    }
    pub fn selection(&self) -> Option<CharSpan> {
        self.view.as_ref().and_then(|v| v.selection)
    }
    pub fn selected_span(&self) -> Option<SpanId> {
        self.view.as_ref().and_then(|v| v.selected_span)
    }
    pub fn selected_relation(&self) -> Option<crate::model::RelationId> {
        self.view.as_ref().and_then(|v| v.selected_relation)
    }
    /// Where relation `id`'s label was drawn on its arc in the last frame (the first
    /// piece when the arc spans rows).
    pub fn relation_label_rect(&self, id: crate::model::RelationId) -> Option<egui::Rect> {
        self.view.as_ref()?.layout.as_ref()?.relation_label_rect(id)
    }
    /// Where span `id`'s label tag was drawn in the last frame.
    pub fn tag_rect(&self, id: SpanId) -> Option<egui::Rect> {
        self.view.as_ref()?.layout.as_ref()?.tag_rect(id)
    }
    /// Entries of the project's knowledge bases, once loaded.
    pub fn kb_entries(&self) -> Option<usize> {
        match &self.kb {
            panels::inspector::KbState::Ready { kb, .. } => Some(kb.len()),
            _ => None,
        }
    }
    /// How many arc pieces were drawn in the last frame.
    pub fn visible_arcs(&self) -> usize {
        self.view
            .as_ref()
            .and_then(|v| v.layout.as_ref())
            .map_or(0, |l| l.arc_count())
    }
    /// Relation types on offer for the chooser (tests).
    pub fn relation_chooser_open(&self) -> bool {
        self.relation_draft.as_ref().is_some_and(|d| d.to.is_some())
    }
    /// Show a notice as the app does (tests).
    pub fn notify(&mut self, severity: Severity, text: &str) {
        self.message(severity, text.to_string());
    }
    /// Every notice of this run still in the history (shown or not).
    pub fn messages(&self) -> &[Message] {
        &self.messages
    }
    /// The notices floating over the document now, oldest first.
    pub fn shown_messages(&self) -> Vec<&Message> {
        panels::messages::shown(&self.messages, Instant::now())
    }
    /// Screen rectangle of a char of the current document in the last frame.
    pub fn char_rect(&self, c: usize) -> Option<egui::Rect> {
        self.view.as_ref()?.layout.as_ref()?.char_rect(c)
    }
    /// Bring a char of the current document into view in the next frame.
    pub fn scroll_to_char(&mut self, c: usize) {
        if let Some(l) = self.view.as_mut().and_then(|v| v.layout.as_mut()) {
            l.scroll_to = Some(c);
        }
    }
    /// How often the document layout was rebuilt from scratch (for tests: it must not
    /// happen while nothing changes size).
    pub fn layout_resets(&self) -> Option<u64> {
        Some(self.view.as_ref()?.layout.as_ref()?.resets())
    }
    /// Scroll offset of the document view (points from the top).
    pub fn scroll_offset(&self) -> Option<f32> {
        Some(self.view.as_ref()?.layout.as_ref()?.scroll_offset())
    }
    /// Chars of the current document visible in the last frame.
    pub fn visible_chars(&self) -> Option<std::ops::Range<usize>> {
        self.view.as_ref()?.layout.as_ref()?.visible_chars()
    }
    /// Open a project folder, plain folder or .txt file (as File > Open does).
    pub fn open(&mut self, path: &Path) -> bool {
        self.open_project(path)
    }
    /// Set the text selection of the current document (as a drag would).
    pub fn select(&mut self, range: Option<CharSpan>) {
        if let Some(v) = self.view.as_mut() {
            v.selection = range;
            v.selected_span = None;
        }
    }
    /// The layers compared or curated (A, B), the disagreements' ranges on the document
    /// shown, and the index of the current one (tests, the smoke script).
    pub fn layers_view(&self) -> Option<LayersView> {
        let l = self.layers.as_ref()?;
        Some((
            l.a.clone(),
            l.b.clone(),
            l.cmp.units.iter().map(|u| u.range.clone()).collect(),
            l.current,
        ))
    }

    /// The agreement window's last figures, once computed (tests).
    pub fn agreement_report(&self) -> Option<&crate::agree::Report> {
        self.agreement.as_ref()?.report.as_ref()?.as_ref().ok()
    }

    /// The gold layer being curated into, if curating.
    pub fn curating_into(&self) -> Option<&str> {
        self.curating.as_deref()
    }

    /// Queue an action as if from a key or menu.
    pub fn push_action(&mut self, action: Action) {
        self.pending.push(action);
    }
    pub fn prefs(&self) -> &Prefs {
        &self.prefs
    }
    /// Preferences, to change (tests; the menus change them in the app).
    pub fn prefs_mut(&mut self) -> &mut Prefs {
        &mut self.prefs
    }
    /// The import window's paths (one per line).
    pub fn import_paths(&self) -> &str {
        &self.import.paths
    }
    /// The export window's output path.
    pub fn export_output(&self) -> &str {
        &self.export.output
    }
    /// Write everything to disk now and wait (window closing, tests).
    pub fn flush(&mut self) -> bool {
        self.session
            .as_mut()
            .is_none_or(|s| s.flush(Duration::from_secs(10)))
    }
}

impl eframe::App for EntitleApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.ui_root(ui);
        if self.quit {
            ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if let Ok(s) = serde_json::to_string(&self.prefs) {
            storage.set_string(PREFS_KEY, s);
        }
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        if !self.flush() {
            eprintln!("entitle: some annotations could not be saved before exit");
        }
    }
}
