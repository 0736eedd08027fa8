//! `entitle.toml`: the project's name, schema and format version.

use crate::model::{LabelDef, Schema};
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
        }
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
        config
            .schema()
            .validate()
            .map_err(|message| ConfigProblem {
                line: 1,
                column: 1,
                message,
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
        Some(Self {
            format_version: CONFIG_FORMAT_VERSION,
            name,
            labels,
        })
    }

    pub fn to_toml(&self) -> String {
        let body = toml::to_string_pretty(self).unwrap_or_default();
        format!(
            "# Entitle project file. Labels are offered in this order; hotkeys are single keys.\n{body}"
        )
    }
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
