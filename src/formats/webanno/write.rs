//! Writing WebAnno TSV 3.3 as INCEpTION's `Tsv3XSerializer` writes it, so that
//! INCEpTION imports it: the header, two empty lines, then sentences separated by one
//! empty line and **no empty line after the last** (INCEpTION's reader refuses a file
//! that ends with one).
//!
//! Entities go to DKPro's `NamedEntity` (`identifier`, `value`, then one feature per
//! span attribute: the schema's, then those only found in the document), relations to
//! `webanno.custom.Relation` (`label`, and `note` when a relation of the document has
//! one). The relation layer is declared when the document has relations or the
//! schema has relation types, and attribute features when the document or the schema
//! has attributes: INCEpTION refuses a file declaring a layer or feature its project
//! does not have, so a project without them gets the plain layout.

use super::escape::{escape_text, escape_value};
use super::layers::NE;
use crate::formats::tokenize::{Token, sentences};
use crate::formats::{Keeps, Record, Warning, describe_span, expressible};
use crate::model::{Schema, Span};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::ops::Range;

const REL: &str = "webanno.custom.Relation";

/// Where each span is among the tokens, and which need a disambiguation id.
struct Layout {
    /// Token range of each span.
    ranges: Vec<(usize, usize)>,
    /// Spans on each token.
    per_token: Vec<Vec<usize>>,
    /// `[N]` of spans over several tokens or stacked with another.
    disambig: HashMap<usize, u64>,
}

impl Layout {
    fn new(spans: &[&Span], tokens: &[Token]) -> Self {
        let ranges: Vec<(usize, usize)> = spans
            .iter()
            .map(|s| {
                (
                    tokens.partition_point(|t| t.start < s.range.start()),
                    tokens.partition_point(|t| t.end <= s.range.end()),
                )
            })
            .collect();
        let mut per_token: Vec<Vec<usize>> = vec![Vec::new(); tokens.len()];
        for (k, &(a, b)) in ranges.iter().enumerate() {
            for t in per_token.iter_mut().take(b).skip(a) {
                t.push(k);
            }
        }
        let mut disambig = HashMap::new();
        let mut next = 1;
        for (k, &(a, b)) in ranges.iter().enumerate() {
            let stacked = per_token
                .get(a..b)
                .unwrap_or(&[])
                .iter()
                .any(|t| t.len() > 1);
            if b.saturating_sub(a) > 1 || stacked {
                disambig.insert(k, next);
                next += 1;
            }
        }
        Self {
            ranges,
            per_token,
            disambig,
        }
    }
    fn with_id(&self, k: usize, v: String) -> String {
        match self.disambig.get(&k) {
            Some(n) => format!("{v}[{n}]"),
            None => v,
        }
    }
}

/// Whether an attribute name can be a feature of the NamedEntity layer: an identifier
/// as UIMA wants it, and not one of the layer's own features.
fn feature_name_ok(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(char::is_alphabetic)
        && chars.all(|c| c.is_alphanumeric() || c == '_')
        && !matches!(name, "identifier" | "value")
        && !name.starts_with("ROLE_")
}

/// The attribute features of the NamedEntity layer: the schema's attributes in its
/// order, then the other names the document uses, sorted.
fn attribute_columns(rec: &Record, schema: Option<&Schema>) -> Vec<String> {
    let mut cols: Vec<String> = schema
        .into_iter()
        .flat_map(|s| &s.attributes)
        .map(|a| a.name.to_string())
        .filter(|n| feature_name_ok(n))
        .collect();
    let mut more: Vec<&str> = rec
        .set
        .iter()
        .flat_map(|s| s.attributes())
        .map(|(k, _)| k.as_str())
        .filter(|k| feature_name_ok(k) && !cols.iter().any(|c| c == k))
        .collect();
    more.sort_unstable();
    more.dedup();
    cols.extend(more.into_iter().map(str::to_string));
    cols
}

/// Warnings for the parts of kept spans a NamedEntity cannot hold: attributes whose
/// name cannot be a feature or that come twice, and normalizations after the first or
/// their names (the `identifier` feature holds one `DB:ID`).
fn unkept_parts(rec: &Record, spans: &[&Span]) -> Vec<Warning> {
    let mut out = Vec::new();
    let warn = |out: &mut Vec<Warning>, s: &Span, item: String, reason: &str| {
        out.push(Warning {
            doc: rec.name.clone(),
            item: format!("{item} on {}", describe_span(rec, s)),
            reason: reason.into(),
        })
    };
    for s in spans {
        let mut seen: Vec<&str> = Vec::new();
        for (k, v) in s.attributes() {
            if !feature_name_ok(k) {
                warn(
                    &mut out,
                    s,
                    format!("attribute {k}={v:?}"),
                    "dropped: a WebAnno TSV feature name is letters, digits and _ (and not identifier or value)",
                );
            } else if seen.contains(&k.as_str()) {
                warn(
                    &mut out,
                    s,
                    format!("attribute {k}={v:?}"),
                    "dropped: a WebAnno TSV feature holds one value per entity",
                );
            } else {
                seen.push(k);
            }
        }
        for (i, n) in s.normalizations().iter().enumerate() {
            if i > 0 {
                warn(
                    &mut out,
                    s,
                    format!("normalization {}:{}", n.db, n.id),
                    "dropped: WebAnno TSV keeps one identifier per entity",
                );
            } else if let Some(name) = &n.name {
                warn(
                    &mut out,
                    s,
                    format!("name {name:?} of normalization {}:{}", n.db, n.id),
                    "dropped: WebAnno TSV keeps the identifier, not its name",
                );
            }
        }
    }
    out
}

/// The TSV bytes of one record and what it dropped. `schema` adds its relation layer
/// and attribute features even where the document has none, so every document of an
/// export declares the same layers.
pub fn encode(rec: &Record, schema: Option<&Schema>) -> (Vec<u8>, Vec<Warning>) {
    let keeps = Keeps {
        relations: true,
        relation_notes: true,
        overlaps: true,
        normalizations: true,
        attributes: true,
        ..Keeps::default()
    };
    let (spans, mut warnings) = expressible(rec, crate::formats::Format::WebannoTsv, keeps);
    warnings.extend(unkept_parts(rec, &spans));
    let attr_cols = attribute_columns(rec, schema);
    let text = rec.doc.text();
    let tokens = crate::formats::jsonl::span_tokens(rec, &spans);
    let layout = Layout::new(&spans, &tokens);
    let protect: Vec<_> = spans.iter().map(|s| s.range).collect();
    let sents = sentences(text, &tokens, &protect);
    // Token id (SENT-TOK) of each token.
    let mut token_id = vec![(0usize, 0usize); tokens.len()];
    for (si, sent) in sents.iter().enumerate() {
        for (ti, t) in sent.clone().enumerate() {
            if let Some(id) = token_id.get_mut(t) {
                *id = (si + 1, ti + 1);
            }
        }
    }
    let rel_rows = relation_rows(rec, &spans, &layout, &token_id, &mut warnings);
    warnings.extend(unwritable_text(rec, &tokens));
    let relation_layer = !rel_rows.is_empty() || schema.is_some_and(|s| !s.relations.is_empty());
    let notes = rel_rows.values().flatten().any(|r| r.note.is_some());
    let mut out = String::with_capacity(text.len() * 3);
    out.push_str("#FORMAT=WebAnno TSV 3.3\n");
    let _ = write!(out, "#T_SP={NE}|identifier|value");
    for c in &attr_cols {
        let _ = write!(out, "|{c}");
    }
    out.push('\n');
    if relation_layer {
        let note = if notes { "|note" } else { "" };
        let _ = writeln!(out, "#T_RL={REL}|label{note}|BT_{NE}");
    }
    out.push('\n');
    let w = Writing {
        rec,
        spans: &spans,
        tokens: &tokens,
        layout: &layout,
        token_id: &token_id,
        rel_rows: &rel_rows,
        attr_cols: &attr_cols,
        relation_layer,
        notes,
    };
    for (si, sent) in sents.iter().enumerate() {
        out.push('\n');
        w.sentence(&mut out, sent.clone(), sents.get(si + 1).map(|n| n.start));
    }
    (out.into_bytes(), warnings)
}

/// One relation as its target's row writes it (values escaped).
struct RelCell {
    label: String,
    note: Option<String>,
    source: String,
}

/// Relations on the first row of their target, per token.
fn relation_rows(
    rec: &Record,
    spans: &[&Span],
    layout: &Layout,
    token_id: &[(usize, usize)],
    warnings: &mut Vec<Warning>,
) -> BTreeMap<usize, Vec<RelCell>> {
    let pos: HashMap<_, usize> = spans.iter().enumerate().map(|(k, s)| (s.id, k)).collect();
    let mut rows: BTreeMap<usize, Vec<RelCell>> = BTreeMap::new();
    for r in rec.set.relations() {
        let ends = pos.get(&r.from).zip(pos.get(&r.to));
        let first = |k: usize| layout.ranges.get(k).map(|r| r.0);
        let placed = ends.and_then(|(&s, &t)| {
            let (ss, st) = *token_id.get(first(s)?)?;
            Some((s, t, ss, st, first(t)?))
        });
        let Some((src, tgt, ss, st, row)) = placed else {
            warnings.push(Warning {
                doc: rec.name.clone(),
                item: format!("relation {} {}", r.id, r.label),
                reason: "dropped: one of its spans was dropped".into(),
            });
            continue;
        };
        let mut source = format!("{ss}-{st}");
        let ds = layout.disambig.get(&src).copied().unwrap_or(0);
        let dt = layout.disambig.get(&tgt).copied().unwrap_or(0);
        if ds != 0 || dt != 0 {
            let _ = write!(source, "[{ds}_{dt}]");
        }
        rows.entry(row).or_default().push(RelCell {
            label: escape_value(&r.label),
            note: r.note.as_deref().map(escape_value),
            source,
        });
    }
    rows
}

/// Warnings for text the format cannot carry: what comes before the first token
/// (INCEpTION pads it with spaces, so only text that is not all spaces changes), and a
/// document without tokens (INCEpTION cannot import a file without sentences).
fn unwritable_text(rec: &Record, tokens: &[Token]) -> Option<Warning> {
    let warn = |item: String, reason: &str| Warning {
        doc: rec.name.clone(),
        item,
        reason: reason.into(),
    };
    let Some(first) = tokens.first() else {
        return Some(warn(
            "the document".into(),
            "has no tokens: the file has no sentences, which INCEpTION cannot import",
        ));
    };
    let before = rec.doc.slice(0..first.start);
    (!before.chars().all(|c| c == ' ')).then(|| {
        let shown: String = before.chars().take(40).collect();
        warn(
            format!("the text before the first token ({shown:?})"),
            "becomes spaces: WebAnno TSV starts at the first token and readers pad what is before it with spaces",
        )
    })
}

/// What writing one sentence needs.
struct Writing<'a> {
    rec: &'a Record,
    spans: &'a [&'a Span],
    tokens: &'a [Token],
    layout: &'a Layout,
    token_id: &'a [(usize, usize)],
    rel_rows: &'a BTreeMap<usize, Vec<RelCell>>,
    /// The attribute features of NamedEntity, after `identifier` and `value`.
    attr_cols: &'a [String],
    /// Whether the relation layer is declared, and with a `note` feature.
    relation_layer: bool,
    notes: bool,
}

impl Writing<'_> {
    /// The `#Text=` lines and token rows of the sentence of tokens `sent`. Its text runs
    /// to the next sentence's first token (`next`), so the text between sentences
    /// survives: readers add a line break after the last `#Text=` line and take it back
    /// when the next sentence starts right there.
    fn sentence(&self, out: &mut String, sent: Range<usize>, next: Option<usize>) {
        let (text, index) = (self.rec.doc.text(), self.rec.doc.index());
        let start = self.tokens.get(sent.start).map_or(0, |t| t.start);
        let end = next
            .and_then(|n| self.tokens.get(n))
            .map_or(self.rec.doc.len_chars(), |t| t.start);
        for line in index.slice(text, start..end).split('\n') {
            let _ = writeln!(out, "#Text={}", escape_text(line));
        }
        let u16 = |c: usize| index.utf16_from_char(c).unwrap_or(c);
        for t in sent {
            let (Some(tok), Some(&(s_no, t_no))) = (self.tokens.get(t), self.token_id.get(t))
            else {
                continue;
            };
            let _ = write!(
                out,
                "{s_no}-{t_no}\t{}-{}\t{}\t",
                u16(tok.start),
                u16(tok.end),
                index.slice(text, tok.start..tok.end)
            );
            self.entity_cells(out, t);
            match self.rel_rows.get(&t) {
                Some(rels) => {
                    let labels: Vec<&str> = rels.iter().map(|r| r.label.as_str()).collect();
                    let _ = write!(out, "{}\t", labels.join("|"));
                    if self.notes {
                        // A relation without a note has a null feature: `*`.
                        let notes: Vec<&str> = rels
                            .iter()
                            .map(|r| r.note.as_deref().unwrap_or("*"))
                            .collect();
                        let _ = write!(out, "{}\t", notes.join("|"));
                    }
                    let sources: Vec<&str> = rels.iter().map(|r| r.source.as_str()).collect();
                    let _ = write!(out, "{}\t", sources.join("|"));
                }
                None if !self.relation_layer => {}
                None if self.notes => out.push_str("_\t_\t_\t"),
                None => out.push_str("_\t_\t"),
            }
            out.push('\n');
        }
    }

    /// The `identifier`, `value` and attribute cells of token `t`.
    fn entity_cells(&self, out: &mut String, t: usize) {
        let on = self.layout.per_token.get(t).map_or(&[][..], Vec::as_slice);
        if on.is_empty() {
            out.push_str("_\t_\t");
            for _ in self.attr_cols {
                out.push_str("_\t");
            }
            return;
        }
        let mut ids = Vec::with_capacity(on.len());
        let mut values = Vec::with_capacity(on.len());
        let mut attrs: Vec<Vec<String>> = vec![Vec::with_capacity(on.len()); self.attr_cols.len()];
        for &k in on {
            let Some(span) = self.spans.get(k) else {
                continue;
            };
            let ident = span.normalizations().first().map_or("*".to_string(), |n| {
                // A bare identifier was read with db "identifier": write it bare again.
                if n.db == "identifier" {
                    escape_value(&n.id)
                } else {
                    escape_value(&format!("{}:{}", n.db, n.id))
                }
            });
            ids.push(self.layout.with_id(k, ident));
            values.push(self.layout.with_id(k, escape_value(&span.label)));
            for (col, cells) in self.attr_cols.iter().zip(attrs.iter_mut()) {
                // The first value of the attribute (a second was named in a warning);
                // none is a null feature, `*`.
                let v = span
                    .attributes()
                    .iter()
                    .find(|(k, _)| k == col)
                    .map_or_else(|| "*".to_string(), |(_, v)| escape_value(v));
                cells.push(self.layout.with_id(k, v));
            }
        }
        let _ = write!(out, "{}\t{}\t", ids.join("|"), values.join("|"));
        for cells in attrs {
            let _ = write!(out, "{}\t", cells.join("|"));
        }
    }
}
