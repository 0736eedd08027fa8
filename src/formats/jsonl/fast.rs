//! Typed parsing of the common shapes (Entitle and spaCy JSONL), borrowing strings
//! from the line: several times faster than building `serde_json::Value`s. Anything
//! unusual — or wrong — goes to the general path, which also words the errors; the
//! two must give the same records for every line this path accepts (a property test
//! in `tests.rs` checks it).

use super::parse::{Ctx, Layer, Parts};
use crate::formats::{RawRelation, RawSpan};
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::{Map, Value};
use std::borrow::Cow;

/// A span or relation id: a string or a number.
pub enum Key<'a> {
    Str(Cow<'a, str>),
    Num(u64),
}

impl Key<'_> {
    pub fn to_key(&self) -> String {
        match self {
            Key::Str(s) => s.to_string(),
            Key::Num(n) => n.to_string(),
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Key<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Key<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string or a number")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Key::Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Key::Str(Cow::Owned(v.to_string())))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Key::Num(v))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

#[derive(Deserialize)]
pub struct Obj<'a> {
    #[serde(borrow, default)]
    pub id: Option<Key<'a>>,
    pub start: u64,
    pub end: u64,
    #[serde(borrow)]
    pub label: Cow<'a, str>,
    #[serde(borrow, default)]
    pub text: Option<Cow<'a, str>>,
    #[serde(default)]
    pub fragments: Option<Vec<[u64; 2]>>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub typed_notes: Option<Vec<(String, String)>>,
    #[serde(default)]
    pub attributes: Option<Map<String, Value>>,
    #[serde(default)]
    pub normalizations: Option<Vec<crate::model::Normalization>>,
    #[serde(borrow, default)]
    pub annotator: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub status: Option<Cow<'a, str>>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub score: Option<f64>,
}

#[derive(Deserialize)]
pub struct Rel<'a> {
    #[serde(borrow, default)]
    pub id: Option<Key<'a>>,
    #[serde(borrow)]
    pub from: Key<'a>,
    #[serde(borrow)]
    pub to: Key<'a>,
    #[serde(borrow)]
    pub label: Cow<'a, str>,
    #[serde(borrow, default)]
    pub note: Option<Cow<'a, str>>,
}

#[derive(Default)]
pub struct Line<'a> {
    pub text: Option<Cow<'a, str>>,
    pub id: Option<Value>,
    pub meta: Option<Map<String, Value>>,
    pub spans: Option<Vec<Obj<'a>>>,
    pub entities: Option<Vec<(u64, u64, Cow<'a, str>)>>,
    pub relations: Option<Vec<Rel<'a>>>,
    pub unknown: bool,
}

/// Reads a [`Line`]; with `skip_text`, the text is checked but not decoded (see
/// `big.rs`) and reads as empty.
struct LineSeed {
    skip_text: bool,
}

impl<'de> DeserializeSeed<'de> for LineSeed {
    type Value = Line<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Line<'de>, D::Error> {
        struct V {
            skip_text: bool,
        }
        impl<'de> Visitor<'de> for V {
            type Value = Line<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut line = Line::default();
                while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                    match &*key {
                        "text" if self.skip_text => {
                            map.next_value::<IgnoredAny>()?;
                            line.text = Some(Cow::Borrowed(""));
                        }
                        "text" => line.text = Some(map.next_value()?),
                        "id" => line.id = Some(map.next_value()?),
                        "meta" => line.meta = Some(map.next_value()?),
                        "spans" => line.spans = Some(map.next_value()?),
                        "entities" => line.entities = Some(map.next_value()?),
                        "relations" => line.relations = Some(map.next_value()?),
                        _ => {
                            line.unknown = true;
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(line)
            }
        }
        d.deserialize_map(V {
            skip_text: self.skip_text,
        })
    }
}

/// The fast path: `None` sends the line to the general parser. With `skip_text` the
/// text is not decoded (the caller decodes it, see `big.rs`) and comes back empty.
pub(crate) fn parse<'a>(
    line: &'a str,
    ctx: &Ctx,
    skip_text: bool,
) -> Option<(Parts, Cow<'a, str>)> {
    let mut de = serde_json::Deserializer::from_str(line);
    let parsed = LineSeed { skip_text }.deserialize(&mut de).ok()?;
    de.end().ok()?;
    if parsed.unknown
        || parsed.text.is_none()
        || (parsed.spans.is_some() && parsed.entities.is_some())
    {
        return None;
    }
    let mut parts = Parts::new(parsed.id, ctx);
    parts.meta = parsed.meta.unwrap_or_default();
    let spans = match (parsed.spans, parsed.entities) {
        (Some(objs), _) => span_objects(objs, ctx.line),
        (None, Some(triples)) => triples
            .into_iter()
            .enumerate()
            .map(|(i, (a, b, l))| RawSpan {
                key: i.to_string(),
                fragments: vec![(a as usize, b as usize)],
                label: l.into_owned(),
                line: ctx.line,
                ..Default::default()
            })
            .collect(),
        (None, None) => Vec::new(),
    };
    let relations = parsed
        .relations
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(i, r)| RawRelation {
            key: r.id.as_ref().map_or_else(|| i.to_string(), Key::to_key),
            label: r.label.into_owned(),
            from: r.from.to_key(),
            to: r.to.to_key(),
            line: ctx.line,
            note: r.note.map(Cow::into_owned),
        })
        .collect();
    parts.layers.push(Layer {
        annotator: None,
        spans,
        relations,
    });
    Some((parts, parsed.text?))
}

fn span_objects(objs: Vec<Obj<'_>>, line: usize) -> Vec<RawSpan> {
    objs.into_iter()
        .enumerate()
        .map(|(i, o)| RawSpan {
            key: o.id.as_ref().map_or_else(|| i.to_string(), Key::to_key),
            fragments: match &o.fragments {
                Some(f) => f.iter().map(|[a, b]| (*a as usize, *b as usize)).collect(),
                None => vec![(o.start as usize, o.end as usize)],
            },
            label: o.label.into_owned(),
            text: o.text.map(Cow::into_owned),
            note: o.note,
            typed_notes: o.typed_notes.unwrap_or_default(),
            attributes: o
                .attributes
                .map(|m| {
                    m.into_iter()
                        .map(|(k, v)| (k, super::general::attribute_value(v)))
                        .collect()
                })
                .unwrap_or_default(),
            normalizations: o.normalizations.unwrap_or_default(),
            annotator: o.annotator.map(Cow::into_owned),
            line,
            suggested: o.status.as_deref() == Some("suggested"),
            source: o.source,
            score: o.score.map(|s| s as f32),
            ..Default::default()
        })
        .collect()
}
