//! The annotation schema: entity labels with colours and hotkeys.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// An sRGB colour written `#rrggbb` in project files.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rgb(pub [u8; 3]);

impl fmt::Display for Rgb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [r, g, b] = self.0;
        write!(f, "#{r:02x}{g:02x}{b:02x}")
    }
}
impl fmt::Debug for Rgb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl FromStr for Rgb {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let hex = s.strip_prefix('#').unwrap_or(s);
        if hex.len() != 6 || !hex.is_ascii() {
            return Err(format!("colour {s:?} is not of the form #rrggbb"));
        }
        let mut out = [0u8; 3];
        for (i, o) in out.iter_mut().enumerate() {
            *o = u8::from_str_radix(&hex[i * 2..i * 2 + 2], 16)
                .map_err(|_| format!("colour {s:?} is not of the form #rrggbb"))?;
        }
        Ok(Rgb(out))
    }
}

impl Serialize for Rgb {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}
impl<'de> Deserialize<'de> for Rgb {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// One entity label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelDef {
    /// The name written into annotation files and exports (`PER`).
    pub name: super::Label,
    pub color: Rgb,
    /// A single key (`1`..`9`, `a`..`z`) that applies this label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hotkey: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Colours offered for labels (Tableau 20: the defaults' ten, then their light
/// companions), in the order new labels take them.
pub const LABEL_PALETTE: &[[u8; 3]] = &[
    [0xe1, 0x57, 0x59],
    [0x4e, 0x79, 0xa7],
    [0x59, 0xa1, 0x4f],
    [0x9c, 0x75, 0x5f],
    [0xb0, 0x7a, 0xa1],
    [0xf2, 0x8e, 0x2b],
    [0xed, 0xc9, 0x48],
    [0xff, 0x9d, 0xa7],
    [0x76, 0xb7, 0xb2],
    [0xba, 0xb0, 0xac],
    [0x8c, 0xd1, 0x7d],
    [0xb6, 0x99, 0x2d],
    [0x49, 0x98, 0x94],
    [0x86, 0xbc, 0xb6],
    [0xd3, 0x72, 0x95],
    [0xfa, 0xbf, 0xd2],
    [0xa0, 0xcb, 0xe8],
];

/// The labels a project offers, in palette order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schema {
    pub labels: Vec<LabelDef>,
}

impl Schema {
    /// The news-entity schema (OntoNotes-style names) used when a folder has no project
    /// file yet: PER, ORG, GPE, LOC, NORP, DATE, EVENT on hotkeys 1-7, Tableau colours.
    pub fn news_default() -> Self {
        let l = |name: &str, color: [u8; 3], key: &str, description: &str| LabelDef {
            name: crate::label!(name),
            color: Rgb(color),
            hotkey: Some(key.into()),
            description: Some(description.into()),
        };
        Self {
            labels: vec![
                l(
                    "PER",
                    [0xe1, 0x57, 0x59],
                    "1",
                    "People, including fictional",
                ),
                l(
                    "ORG",
                    [0x4e, 0x79, 0xa7],
                    "2",
                    "Companies, agencies, institutions",
                ),
                l("GPE", [0x59, 0xa1, 0x4f], "3", "Countries, cities, states"),
                l(
                    "LOC",
                    [0x9c, 0x75, 0x5f],
                    "4",
                    "Non-GPE locations: regions, rivers, deserts",
                ),
                l(
                    "NORP",
                    [0xb0, 0x7a, 0xa1],
                    "5",
                    "Nationalities, religious or political groups",
                ),
                l(
                    "DATE",
                    [0xf2, 0x8e, 0x2b],
                    "6",
                    "Absolute or relative dates and periods",
                ),
                l(
                    "EVENT",
                    [0xed, 0xc9, 0x48],
                    "7",
                    "Named events: wars, storms, summits",
                ),
            ],
        }
    }

    /// A definition for a label the schema does not have yet: the first colour of
    /// [`LABEL_PALETTE`] no label uses (cycling if all are) and the first free key.
    pub fn fresh_label(&self, name: super::Label) -> LabelDef {
        let used_keys: Vec<String> = self
            .labels
            .iter()
            .filter_map(|d| d.hotkey.as_ref().map(|k| k.to_ascii_lowercase()))
            .collect();
        let hotkey = "123456789qwertyuiopasdfghjklzxcvbnm"
            .chars()
            .map(|c| c.to_string())
            .find(|k| !used_keys.contains(k));
        let color = LABEL_PALETTE
            .iter()
            .copied()
            .find(|c| !self.labels.iter().any(|l| l.color.0 == *c))
            .unwrap_or(LABEL_PALETTE[self.labels.len() % LABEL_PALETTE.len()]);
        LabelDef {
            name,
            color: Rgb(color),
            hotkey,
            description: None,
        }
    }

    pub fn label(&self, name: &str) -> Option<&LabelDef> {
        self.labels.iter().find(|l| l.name == name)
    }

    /// Check names and hotkeys are unique and well-formed; the message says which.
    pub fn validate(&self) -> Result<(), String> {
        let mut names = std::collections::HashSet::new();
        let mut keys = std::collections::HashSet::new();
        if self.labels.is_empty() {
            return Err("the schema has no labels; add at least one [[labels]] entry".into());
        }
        for l in &self.labels {
            if !names.insert(l.name.as_str()) {
                return Err(format!("label {:?} is defined twice", l.name));
            }
            if let Some(k) = &l.hotkey {
                let ok = k.chars().count() == 1 && k.chars().all(|c| c.is_ascii_alphanumeric());
                if !ok {
                    return Err(format!(
                        "hotkey {k:?} of label {:?} must be one letter or digit",
                        l.name
                    ));
                }
                if !keys.insert(k.to_ascii_lowercase()) {
                    return Err(format!("hotkey {k:?} is used by two labels"));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_schema_is_valid_with_distinct_colours() {
        let s = Schema::news_default();
        s.validate().unwrap();
        let colours: std::collections::HashSet<_> = s.labels.iter().map(|l| l.color).collect();
        assert_eq!(colours.len(), 7);
        let keys: Vec<_> = s.labels.iter().filter_map(|l| l.hotkey.clone()).collect();
        assert_eq!(keys, ["1", "2", "3", "4", "5", "6", "7"]);
    }

    #[test]
    fn colours_parse_and_print() {
        assert_eq!("#4e79a7".parse::<Rgb>().unwrap(), Rgb([0x4e, 0x79, 0xa7]));
        assert_eq!(Rgb([1, 2, 255]).to_string(), "#0102ff");
        assert!("#12345".parse::<Rgb>().is_err());
        assert!("#12345é".parse::<Rgb>().is_err());
    }

    #[test]
    fn validation_names_the_problem() {
        let mut s = Schema::news_default();
        s.labels[1].hotkey = Some("1".into());
        assert!(s.validate().unwrap_err().contains("used by two labels"));
    }
}
