//! # Entitle
//!
//! A native, offline annotator for entities in news articles. This crate is the whole
//! program: the model and project folder (no UI), a headless CLI, and the desktop app
//! (feature `gui`, the only part that depends on egui).
//!
//! ## Offsets
//!
//! **The model's unit is the Unicode code point** (a Rust `char`; what Python's `str`
//! indexes), and spans are half-open `[start, end)`. Document text is never normalised:
//! CRLF counts as two code points, combining marks count separately, an emoji outside
//! the Basic Multilingual Plane counts one. UTF-8 bytes (for slicing and for egui) and
//! UTF-16 code units (for formats that use them) exist only at boundaries and go
//! through [`text::TextIndex`].
//!
//! ## Span invariant
//!
//! A [`text::CharSpan`] is non-empty and lies inside its document; it can only be made
//! by `CharSpan::new`, which checks both. Annotation files repeat each span's text and
//! the document's fingerprint, so a changed text is detected, never silently applied.
//!
//! ## Modules
//!
//! - [`fsio`]: atomic writes, folder walking, natural order (the bottom layer).
//! - [`text`]: offset newtypes, [`text::TextIndex`], word snapping.
//! - [`model`]: documents, schema, spans, annotation sets. No I/O.
//! - [`edit`]: commands, undo history, [`edit::Workspace`] (the only mutator).
//! - [`project`]: the folder on disk, atomic writes, locking, the autosave thread.
//! - [`session`]: one annotator on one project: open documents, their problems,
//!   autosave policy. Shared by the app and the CLI.
//! - [`search`]: find in a document or a whole project (in memory, every core,
//!   cancellable), the document-list filter, annotate-all plans.
//! - [`suggest`]: suggestion engines (same string, gazetteers, patterns, a tagger that
//!   learns from the project's annotations).
//! - [`agree`]: inter-annotator agreement (token coefficients as NLTK computes them,
//!   span and relation F1) for `entitle agree` and the app.
//! - [`kb`]: knowledge bases for entity linking (`kb/` files), completion of
//!   normalisation ids.
//! - [`formats`]: import and export of brat, CoNLL, spaCy, doccano, Label Studio,
//!   Prodigy, WebAnno TSV, JSONL, CSV and plain text.
//! - [`cli`]: headless subcommands.
//! - `app` (feature `gui`): the eframe desktop app.

pub mod agree;
pub mod cli;
pub mod curate;
pub mod edit;
pub mod formats;
pub mod fsio;
pub mod kb;
pub mod model;
pub mod project;
pub mod search;
pub mod session;
pub mod suggest;
pub mod text;

#[cfg(feature = "gui")]
pub mod app;
