//! Panels: each draws part of the window from the model and pushes [`super::Action`]s.

pub mod agreement;
pub mod commands;
pub mod doc_list;
pub mod doc_view;
pub mod files;
pub mod find;
pub mod inspector;
pub mod interop;
pub mod labels;
pub mod layers;
pub mod menu;
pub mod messages;
pub mod palette;
pub mod project_search;
pub mod reanchor;
pub mod relations;
pub mod schema_editor;
pub mod shortcuts;
pub mod status;
pub mod status_bar;
pub mod suggestions;
