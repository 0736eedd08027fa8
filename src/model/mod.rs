//! The annotation model: documents, schema, spans. No I/O, no UI.

mod annotations;
mod document;
mod label;
#[cfg(test)]
pub mod markup;
mod schema;

pub use annotations::{
    AnnotationSet, DocStatus, Normalization, Pending, Provenance, RejectedMark, Relation,
    RelationId, SetError, Span, SpanDetails, SpanExtra, SpanId,
};
pub use document::{DocId, DocIdError, Document, MAX_DOCUMENT_BYTES, TextError, decode_text};
pub use label::{Label, LabelError, MAX_LABEL_CHARS};
pub use schema::{
    AttributeDef, AttributeKind, FLAG_VALUE, LABEL_PALETTE, LabelDef, RelationDef, Rgb, Schema,
    SchemaPart, SchemaProblem,
};
