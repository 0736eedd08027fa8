//! `entitle.toml`: the project's name, schema and format version.
//!
//! `[[relations]]` and `[[attributes]]` are optional sections added in format 1: files
//! without them read as before (a project has no relation types or attributes then),
//! but an Entitle older than these sections refuses a file that has them.

use crate::model::{AttributeDef, AttributeKind, Label, LabelDef, RelationDef, Rgb, Schema};
use serde::{Deserialize, Serialize};

/// The project-file format this build reads and writes.
pub const CONFIG_FORMAT_VERSION: u32 = 1;
pub const CONFIG_FILE: &str = "entitle.toml";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectConfig {
    pub format_version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default = "default_labels")]
    pub labels: Vec<LabelDef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relations: Vec<RelationDef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<AttributeDef>,
}

fn default_labels() -> Vec<LabelDef> {
    Schema::news_default().labels
}

impl Default for ProjectConfig {
    fn default() -> Self {
        Self {
            format_version: CONFIG_FORMAT_VERSION,
            name: None,
            labels: default_labels(),
            relations: Vec::new(),
            attributes: Vec::new(),
        }
    }
}

/// A problem in `entitle.toml`, with the position it was found at (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigProblem {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl ProjectConfig {
    pub fn schema(&self) -> Schema {
        Schema {
            labels: self.labels.clone(),
            relations: self.relations.clone(),
            attributes: self.attributes.clone(),
        }
    }

    /// Take the labels, relation types and attributes of `schema` (the schema editor).
    pub fn set_schema(&mut self, schema: Schema) {
        self.labels = schema.labels;
        self.relations = schema.relations;
        self.attributes = schema.attributes;
    }

    pub fn parse(text: &str) -> Result<Self, ConfigProblem> {
        let config: ProjectConfig = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
            ConfigProblem {
                line,
                column,
                message: e.message().trim().to_string(),
            }
        })?;
        if config.format_version > CONFIG_FORMAT_VERSION {
            return Err(ConfigProblem {
                line: 1,
                column: 1,
                message: format!(
                    "format_version {} was written by a newer Entitle (this one reads {}); update Entitle",
                    config.format_version, CONFIG_FORMAT_VERSION
                ),
            });
        }
        config.schema().check().map_err(|p| {
            // Point at the entry's `[[section]]` header when it can be found.
            let (line, column) =
                p.at.and_then(|(part, i)| section_line(text, part.section(), i))
                    .map_or((1, 1), |line| (line, 1));
            ConfigProblem {
                line,
                column,
                message: p.message,
            }
        })?;
        Ok(config)
    }

    /// The config with what could be read of a file [`ProjectConfig::parse`] refused,
    /// for showing a read-only project: label names are made valid
    /// ([`crate::model::Label::sanitize`]), labels that cannot be read are left out, and
    /// the default labels are used if none is left.
    pub fn parse_lenient(text: &str) -> Option<Self> {
        let value: toml::Value = toml::from_str(text).ok()?;
        let name = value
            .get("name")
            .and_then(|n| n.as_str())
            .map(str::to_string);
        let mut labels = Vec::new();
        for l in value
            .get("labels")
            .and_then(|l| l.as_array())
            .into_iter()
            .flatten()
        {
            let Some((label, _)) = l
                .get("name")
                .and_then(|n| n.as_str())
                .and_then(crate::model::Label::sanitize)
            else {
                continue;
            };
            if labels.iter().any(|d: &LabelDef| d.name == label) {
                continue;
            }
            let color = l
                .get("color")
                .and_then(|c| c.as_str())
                .and_then(|c| c.parse().ok())
                .unwrap_or(crate::model::Rgb([0x88, 0x88, 0x88]));
            labels.push(LabelDef {
                name: label,
                color,
                hotkey: None,
                description: l
                    .get("description")
                    .and_then(|d| d.as_str())
                    .map(str::to_string),
            });
        }
        if labels.is_empty() {
            labels = default_labels();
        }
        let relations = lenient_relations(&value, &labels);
        let attributes = lenient_attributes(&value, &labels);
        Some(Self {
            format_version: CONFIG_FORMAT_VERSION,
            name,
            labels,
            relations,
            attributes,
        })
    }

    pub fn to_toml(&self) -> String {
        let body = toml::to_string_pretty(self).unwrap_or_default();
        format!(
            "# Entitle project file. Labels are offered in this order; hotkeys are single keys.\n{body}"
        )
    }
}

/// The entries of the array of tables `key` (`[[relations]]`) in a file read as a
/// plain TOML value.
fn entries<'a>(value: &'a toml::Value, key: &str) -> impl Iterator<Item = &'a toml::Value> {
    value
        .get(key)
        .and_then(|l| l.as_array())
        .into_iter()
        .flatten()
}

fn str_field<'a>(entry: &'a toml::Value, key: &str) -> Option<&'a str> {
    entry.get(key).and_then(|v| v.as_str())
}

/// The names of a list field that are labels of `labels`, made valid as the labels
/// were (a name that is not a label is left out, which widens the list: the project is
/// read-only then anyway).
fn label_list(entry: &toml::Value, key: &str, labels: &[LabelDef]) -> Vec<Label> {
    let mut out: Vec<Label> = Vec::new();
    for (name, _) in entry
        .get(key)
        .and_then(|l| l.as_array())
        .into_iter()
        .flatten()
        .filter_map(|n| n.as_str())
        .filter_map(Label::sanitize)
    {
        if let Some(d) = labels.iter().find(|d| d.name == name)
            && !out.contains(&d.name)
        {
            out.push(d.name.clone());
        }
    }
    out
}

/// The relation types of a refused file that can be read (no hotkeys, as for labels).
fn lenient_relations(value: &toml::Value, labels: &[LabelDef]) -> Vec<RelationDef> {
    let mut out: Vec<RelationDef> = Vec::new();
    for r in entries(value, "relations") {
        let Some((name, _)) = str_field(r, "name").and_then(Label::sanitize) else {
            continue;
        };
        if out.iter().any(|d| d.name == name) {
            continue;
        }
        out.push(RelationDef {
            name,
            color: str_field(r, "color")
                .and_then(|c| c.parse().ok())
                .unwrap_or(Rgb([0x6b, 0x6b, 0x6b])),
            hotkey: None,
            from: label_list(r, "from", labels),
            to: label_list(r, "to", labels),
            symmetric: r
                .get("symmetric")
                .and_then(|b| b.as_bool())
                .unwrap_or(false),
            description: str_field(r, "description").map(str::to_string),
        });
    }
    out
}

/// The attributes of a refused file that can be read: a choice keeps its usable values
/// and is left out when none is left.
fn lenient_attributes(value: &toml::Value, labels: &[LabelDef]) -> Vec<AttributeDef> {
    let mut out: Vec<AttributeDef> = Vec::new();
    for a in entries(value, "attributes") {
        let Some((name, _)) = str_field(a, "name").and_then(Label::sanitize) else {
            continue;
        };
        let kind = match str_field(a, "kind") {
            Some("flag") => AttributeKind::Flag,
            Some("choice") => AttributeKind::Choice,
            Some("text") => AttributeKind::Text,
            _ => continue,
        };
        if out.iter().any(|d| d.name == name) {
            continue;
        }
        let mut values: Vec<String> = Vec::new();
        if kind == AttributeKind::Choice {
            for v in a
                .get("values")
                .and_then(|l| l.as_array())
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str())
            {
                if Label::new(v).is_ok() && !values.iter().any(|x| x == v) {
                    values.push(v.to_string());
                }
            }
            if values.is_empty() {
                continue;
            }
        }
        out.push(AttributeDef {
            name,
            kind,
            values,
            labels: label_list(a, "labels", labels),
            description: str_field(a, "description").map(str::to_string),
        });
    }
    out
}

/// The 1-based line of the `index`-th `[[section]]` header, if the file writes its
/// entries that way (not as an inline array).
fn section_line(text: &str, section: &str, index: usize) -> Option<usize> {
    let header = format!("[[{section}]]");
    text.lines()
        .enumerate()
        .filter(|(_, l)| {
            let l = l.trim_start();
            l.strip_prefix(header.as_str()).is_some_and(|rest| {
                rest.trim_start().is_empty() || rest.trim_start().starts_with('#')
            })
        })
        .nth(index)
        .map(|(n, _)| n + 1)
}

/// 1-based line and column (in chars) of a byte offset.
pub fn line_col(text: &str, byte: usize) -> (usize, usize) {
    let byte = byte.min(text.len());
    let before = text.get(..byte).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_defaults() {
        let c = ProjectConfig {
            name: Some("News".into()),
            ..Default::default()
        };
        let back = ProjectConfig::parse(&c.to_toml()).unwrap();
        assert_eq!(back, c);
        let minimal = ProjectConfig::parse("format_version = 1\n").unwrap();
        assert_eq!(minimal.labels.len(), 7);
    }

    const WITH_RELATIONS: &str = r##"format_version = 1
name = "News"

[[labels]]
name = "PER"
color = "#e15759"
hotkey = "1"

[[labels]]
name = "ORG"
color = "#4e79a7"
hotkey = "2"

[[relations]]
name = "Head_of"
color = "#76b7b2"
hotkey = "h"
from = ["PER"]
to = ["ORG"]

[[relations]]
name = "Spouse"
hotkey = "1"
from = ["PER"]
to = ["PER"]
symmetric = true
description = "Married"

[[attributes]]
name = "certainty"
kind = "choice"
values = ["confirmed", "reported", "rumoured"]

[[attributes]]
name = "negated"
kind = "flag"
labels = ["PER"]
"##;

    #[test]
    fn relation_types_and_attributes_read_and_round_trip() {
        let c = ProjectConfig::parse(WITH_RELATIONS).unwrap();
        let s = c.schema();
        assert_eq!(s.relations.len(), 2);
        let spouse = s.relation("Spouse").unwrap();
        assert!(spouse.symmetric);
        // No colour: grey; the key may be a label's.
        assert_eq!(spouse.color.to_string(), "#6b6b6b");
        assert_eq!(spouse.hotkey.as_deref(), Some("1"));
        assert!(!s.relation("Head_of").unwrap().symmetric);
        assert_eq!(s.attribute("certainty").unwrap().values.len(), 3);
        assert_eq!(s.attributes_for("ORG").count(), 1);
        let back = ProjectConfig::parse(&c.to_toml()).unwrap();
        assert_eq!(back, c);
        // A file without the sections has none, and writes none.
        let plain = ProjectConfig::parse("format_version = 1\n").unwrap();
        assert!(plain.relations.is_empty() && plain.attributes.is_empty());
        assert!(!plain.to_toml().contains("relations"));
    }

    #[test]
    fn schema_problems_point_at_their_entry() {
        let bad = WITH_RELATIONS.replace("to = [\"ORG\"]", "to = [\"ORGG\"]");
        let e = ProjectConfig::parse(&bad).unwrap_err();
        assert!(
            e.message.contains("\"ORGG\", which is not a label"),
            "{e:?}"
        );
        assert_eq!(e.line, 14, "the first [[relations]] header: {e:?}");
        let bad = WITH_RELATIONS.replace("kind = \"flag\"", "kind = \"choice\"");
        let e = ProjectConfig::parse(&bad).unwrap_err();
        assert!(e.message.contains("needs its values"), "{e:?}");
        assert_eq!(e.line, 34, "{e:?}");
        // Unknown fields and kinds are refused where they are.
        let e =
            ProjectConfig::parse(&WITH_RELATIONS.replace("symmetric = true", "symetric = true"))
                .unwrap_err();
        assert_eq!(e.line, 26, "{e:?}");
        let e =
            ProjectConfig::parse(&WITH_RELATIONS.replace("\"flag\"", "\"switch\"")).unwrap_err();
        assert_eq!(e.line, 36, "{e:?}");
        assert!(e.message.contains("flag"), "{e:?}");
    }

    #[test]
    fn a_refused_file_keeps_the_relation_types_and_attributes_it_can() {
        let bad = format!(
            "{WITH_RELATIONS}\n[[relations]]\nname = \"Head of\"\nfrom = [\"PER\", \"NOPE\"]\n\n[[attributes]]\nname = \"x\"\nkind = \"choice\"\nvalues = [\"a b\"]\n"
        );
        assert!(ProjectConfig::parse(&bad).is_err());
        let c = ProjectConfig::parse_lenient(&bad).unwrap();
        let names: Vec<&str> = c.relations.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            ["Head_of", "Spouse"],
            "the sanitized twin is left out"
        );
        assert!(c.relations.iter().all(|r| r.hotkey.is_none()));
        assert_eq!(
            c.attributes.len(),
            2,
            "the choice without usable values is left out"
        );
        c.schema().validate().unwrap();
    }

    #[test]
    fn errors_have_positions() {
        let e = ProjectConfig::parse("format_version = 1\n[[labels]]\nname = \"PER\"\ncolor = 5\n")
            .unwrap_err();
        assert_eq!(e.line, 4, "{e:?}");
        let e = ProjectConfig::parse("format_version = 99\n").unwrap_err();
        assert!(e.message.contains("newer Entitle"));
        let e = ProjectConfig::parse("format_version = 1\nlabelz = []\n").unwrap_err();
        assert_eq!(e.line, 2);
    }
}
