//! Custom widgets. `annotated_text` is the one place that touches egui text layout.

pub mod annotated_text;
pub mod bidi;
