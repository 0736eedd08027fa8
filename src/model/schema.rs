//! The annotation schema: entity labels with colours and hotkeys, relation types with
//! the labels they may join, and span attributes.

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

/// One relation type (`[[relations]]` in entitle.toml).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelationDef {
    /// The type written into annotation files and exports (`Head_of`).
    pub name: super::Label,
    /// The arc's colour; grey when the file gives none.
    #[serde(default = "relation_grey")]
    pub color: Rgb,
    /// A single key (letter or digit) that draws this relation in relation mode. It may
    /// be a label's key too: the modes differ. Unique among relation types.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hotkey: Option<String>,
    /// Labels allowed for the first argument (empty: any label).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub from: Vec<super::Label>,
    /// Labels allowed for the second argument (empty: any label).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub to: Vec<super::Label>,
    /// The order of the arguments carries no meaning (`Spouse`); otherwise the relation
    /// is directed, from → to.
    #[serde(default, skip_serializing_if = "is_false")]
    pub symmetric: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

fn relation_grey() -> Rgb {
    Rgb([0x6b, 0x6b, 0x6b])
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl RelationDef {
    /// Whether a relation of this type may go from a `from` span to a `to` span (either
    /// way round for a symmetric type).
    pub fn fits(&self, from: &str, to: &str) -> bool {
        let allows =
            |list: &[super::Label], l: &str| list.is_empty() || list.iter().any(|x| x == l);
        (allows(&self.from, from) && allows(&self.to, to))
            || (self.symmetric && allows(&self.from, to) && allows(&self.to, from))
    }
}

/// What values an attribute takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AttributeKind {
    /// Present or absent (stored as the value `"true"`, brat's binary attribute).
    Flag,
    /// One of a fixed list of values.
    Choice,
    /// Free text.
    Text,
}

impl AttributeKind {
    pub fn name(self) -> &'static str {
        match self {
            AttributeKind::Flag => "flag",
            AttributeKind::Choice => "choice",
            AttributeKind::Text => "text",
        }
    }
}

/// One span attribute (`[[attributes]]` in entitle.toml).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttributeDef {
    /// The name written into annotation files and exports (`certainty`).
    pub name: super::Label,
    pub kind: AttributeKind,
    /// The values of a choice (required there, refused for the other kinds).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// The labels whose spans may carry it (empty: every label).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<super::Label>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// The value a flag attribute has when it is set (brat writes a binary attribute with
/// no value; Entitle stores it as this).
pub const FLAG_VALUE: &str = "true";

impl AttributeDef {
    /// Whether spans with `label` may carry it.
    pub fn applies_to(&self, label: &str) -> bool {
        self.labels.is_empty() || self.labels.iter().any(|l| l == label)
    }
    /// Whether `value` is one this attribute takes.
    pub fn accepts(&self, value: &str) -> bool {
        match self.kind {
            AttributeKind::Flag => value == FLAG_VALUE,
            AttributeKind::Choice => self.values.iter().any(|v| v == value),
            AttributeKind::Text => true,
        }
    }
}

/// The labels a project offers, in palette order, and its relation types and span
/// attributes (none unless the project file defines some).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schema {
    pub labels: Vec<LabelDef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relations: Vec<RelationDef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<AttributeDef>,
}

/// Which entry of the schema a problem is in, so the project file can point at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaPart {
    Labels,
    Relations,
    Attributes,
}

impl SchemaPart {
    /// The name of its array of tables in entitle.toml.
    pub fn section(self) -> &'static str {
        match self {
            SchemaPart::Labels => "labels",
            SchemaPart::Relations => "relations",
            SchemaPart::Attributes => "attributes",
        }
    }
}

/// A problem [`Schema::check`] found: the message and, when it is one entry's, which
/// (its part and 0-based index).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaProblem {
    pub message: String,
    pub at: Option<(SchemaPart, usize)>,
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
            relations: Vec::new(),
            attributes: Vec::new(),
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

    /// The relation type called `name`.
    pub fn relation(&self, name: &str) -> Option<&RelationDef> {
        self.relations.iter().find(|r| r.name == name)
    }

    /// The relation types that may join a `from_label` span to a `to_label` span, in
    /// schema order (a symmetric type fits either order).
    pub fn relations_fitting<'a>(
        &'a self,
        from_label: &'a str,
        to_label: &'a str,
    ) -> impl Iterator<Item = &'a RelationDef> + 'a {
        self.relations
            .iter()
            .filter(move |r| r.fits(from_label, to_label))
    }

    /// The attribute called `name`.
    pub fn attribute(&self, name: &str) -> Option<&AttributeDef> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// The attributes spans with `label` may carry, in schema order.
    pub fn attributes_for<'a>(
        &'a self,
        label: &'a str,
    ) -> impl Iterator<Item = &'a AttributeDef> + 'a {
        self.attributes.iter().filter(move |a| a.applies_to(label))
    }

    /// A definition for a relation type the schema does not have yet: any labels, the
    /// first palette colour no relation type uses, and the name's first letter as its
    /// key if no relation type has it (else the first free letter or digit).
    pub fn fresh_relation(&self, name: super::Label) -> RelationDef {
        let used: Vec<String> = self
            .relations
            .iter()
            .filter_map(|r| r.hotkey.as_ref().map(|k| k.to_ascii_lowercase()))
            .collect();
        let initial = name
            .chars()
            .next()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase().to_string());
        let hotkey = initial
            .into_iter()
            .chain(
                "abcdefghijklmnopqrstuvwxyz0123456789"
                    .chars()
                    .map(|c| c.to_string()),
            )
            .find(|k| !used.contains(k));
        // From the end of the palette, so arcs differ from the first labels' fills.
        let color = LABEL_PALETTE
            .iter()
            .rev()
            .copied()
            .find(|c| !self.relations.iter().any(|r| r.color.0 == *c))
            .unwrap_or(LABEL_PALETTE[self.relations.len() % LABEL_PALETTE.len()]);
        RelationDef {
            name,
            color: Rgb(color),
            hotkey,
            from: Vec::new(),
            to: Vec::new(),
            symmetric: false,
            description: None,
        }
    }

    /// Rename label `old` to `new` wherever relation types and attributes name it (a
    /// label rename or merge): no list names a label twice afterwards.
    pub fn rename_label_refs(&mut self, old: &str, new: &super::Label) {
        let fix = |list: &mut Vec<super::Label>| {
            if !list.iter().any(|l| l == old) {
                return;
            }
            let mut out: Vec<super::Label> = Vec::with_capacity(list.len());
            for l in list.drain(..) {
                let l = if l == old { new.clone() } else { l };
                if !out.contains(&l) {
                    out.push(l);
                }
            }
            *list = out;
        };
        for r in &mut self.relations {
            fix(&mut r.from);
            fix(&mut r.to);
        }
        for a in &mut self.attributes {
            fix(&mut a.labels);
        }
    }

    /// Forget label `name` wherever relation types and attributes name it (the label is
    /// removed). A list left empty means any label, as an empty list always does: the
    /// type stays usable rather than vanishing with its relations.
    pub fn remove_label_refs(&mut self, name: &str) {
        for r in &mut self.relations {
            r.from.retain(|l| l != name);
            r.to.retain(|l| l != name);
        }
        for a in &mut self.attributes {
            a.labels.retain(|l| l != name);
        }
    }

    /// Check names and hotkeys are unique and well-formed and that relation types and
    /// attributes name only labels of the schema; the message says which.
    pub fn validate(&self) -> Result<(), String> {
        self.check().map_err(|p| p.message)
    }

    /// [`Schema::validate`], saying which entry the problem is in.
    pub fn check(&self) -> Result<(), SchemaProblem> {
        use std::collections::HashSet;
        let at = |part: SchemaPart, i: usize| {
            move |message: String| SchemaProblem {
                message,
                at: Some((part, i)),
            }
        };
        if self.labels.is_empty() {
            return Err(SchemaProblem {
                message: "the schema has no labels; add at least one [[labels]] entry".into(),
                at: None,
            });
        }
        let mut names = HashSet::new();
        let mut keys = HashSet::new();
        for (i, l) in self.labels.iter().enumerate() {
            let err = at(SchemaPart::Labels, i);
            if !names.insert(l.name.as_str()) {
                return Err(err(format!("label {:?} is defined twice", l.name)));
            }
            if let Some(k) = &l.hotkey {
                check_key(k).map_err(|()| {
                    err(format!(
                        "hotkey {k:?} of label {:?} must be one letter or digit",
                        l.name
                    ))
                })?;
                if !keys.insert(k.to_ascii_lowercase()) {
                    return Err(err(format!("hotkey {k:?} is used by two labels")));
                }
            }
        }
        let known = |list: &[super::Label], what: &str| -> Result<(), String> {
            match list.iter().find(|l| !names.contains(l.as_str())) {
                Some(l) => Err(format!(
                    "{what} names {:?}, which is not a label of this project (labels: {})",
                    l.as_str(),
                    self.labels
                        .iter()
                        .map(|d| d.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
                None => Ok(()),
            }
        };
        let mut relation_names = HashSet::new();
        let mut relation_keys = HashSet::new();
        for (i, r) in self.relations.iter().enumerate() {
            let err = at(SchemaPart::Relations, i);
            if !relation_names.insert(r.name.as_str()) {
                return Err(err(format!("relation type {:?} is defined twice", r.name)));
            }
            if let Some(k) = &r.hotkey {
                check_key(k).map_err(|()| {
                    err(format!(
                        "hotkey {k:?} of relation type {:?} must be one letter or digit",
                        r.name
                    ))
                })?;
                if !relation_keys.insert(k.to_ascii_lowercase()) {
                    return Err(err(format!(
                        "hotkey {k:?} is used by two relation types (a relation type may share a key with a label, not with another relation type)"
                    )));
                }
            }
            known(&r.from, &format!("relation type {:?}: from", r.name)).map_err(&err)?;
            known(&r.to, &format!("relation type {:?}: to", r.name)).map_err(&err)?;
        }
        let mut attribute_names = HashSet::new();
        for (i, a) in self.attributes.iter().enumerate() {
            let err = at(SchemaPart::Attributes, i);
            if !attribute_names.insert(a.name.as_str()) {
                return Err(err(format!("attribute {:?} is defined twice", a.name)));
            }
            match a.kind {
                AttributeKind::Choice if a.values.is_empty() => {
                    return Err(err(format!(
                        "attribute {:?} is a choice and needs its values, e.g. values = [\"confirmed\", \"reported\"]",
                        a.name
                    )));
                }
                AttributeKind::Flag | AttributeKind::Text if !a.values.is_empty() => {
                    return Err(err(format!(
                        "attribute {:?} is a {}: only a choice has values (remove values, or write kind = \"choice\")",
                        a.name,
                        a.kind.name()
                    )));
                }
                _ => {}
            }
            let mut seen = HashSet::new();
            for v in &a.values {
                // Values are written as brat attribute values and WebAnno feature
                // values: the same rule as label names keeps them intact.
                if let Err(e) = super::Label::new(v) {
                    return Err(err(format!(
                        "value {v:?} of attribute {:?} {}",
                        a.name, e.problem
                    )));
                }
                if !seen.insert(v.as_str()) {
                    return Err(err(format!(
                        "value {v:?} of attribute {:?} is listed twice",
                        a.name
                    )));
                }
            }
            known(&a.labels, &format!("attribute {:?}: labels", a.name)).map_err(&err)?;
        }
        Ok(())
    }
}

/// A hotkey is one ASCII letter or digit.
fn check_key(k: &str) -> Result<(), ()> {
    let ok = k.chars().count() == 1 && k.chars().all(|c| c.is_ascii_alphanumeric());
    if ok { Ok(()) } else { Err(()) }
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

    fn relation(name: &str, from: &[&str], to: &[&str], symmetric: bool) -> RelationDef {
        RelationDef {
            from: from.iter().map(|l| crate::label!(l)).collect(),
            to: to.iter().map(|l| crate::label!(l)).collect(),
            symmetric,
            ..Schema::default().fresh_relation(crate::label!(name))
        }
    }

    fn attribute(
        name: &str,
        kind: AttributeKind,
        values: &[&str],
        labels: &[&str],
    ) -> AttributeDef {
        AttributeDef {
            name: crate::label!(name),
            kind,
            values: values.iter().map(|v| v.to_string()).collect(),
            labels: labels.iter().map(|l| crate::label!(l)).collect(),
            description: None,
        }
    }

    fn with(relations: Vec<RelationDef>, attributes: Vec<AttributeDef>) -> Schema {
        Schema {
            relations,
            attributes,
            ..Schema::news_default()
        }
    }

    #[test]
    fn relation_types_fit_their_labels_and_symmetric_ones_either_way() {
        let s = with(
            vec![
                relation("Head_of", &["PER"], &["ORG"], false),
                relation("Located_in", &["ORG", "EVENT"], &["GPE", "LOC"], false),
                relation("Spouse", &["PER"], &["PER"], true),
                relation("Ally", &["PER"], &["ORG"], true),
                relation("Related", &[], &[], false),
            ],
            Vec::new(),
        );
        s.validate().unwrap();
        let names = |a: &str, b: &str| -> Vec<String> {
            s.relations_fitting(a, b)
                .map(|r| r.name.to_string())
                .collect()
        };
        assert_eq!(names("PER", "ORG"), ["Head_of", "Ally", "Related"]);
        // Directed types do not fit backwards; a symmetric one does.
        assert_eq!(names("ORG", "PER"), ["Ally", "Related"]);
        assert_eq!(names("PER", "PER"), ["Spouse", "Related"]);
        assert_eq!(names("EVENT", "LOC"), ["Located_in", "Related"]);
        assert_eq!(s.relation("Spouse").map(|r| r.symmetric), Some(true));
        assert!(s.relation("spouse").is_none());
    }

    #[test]
    fn attributes_apply_to_their_labels_and_accept_their_values() {
        let s = with(
            Vec::new(),
            vec![
                attribute(
                    "certainty",
                    AttributeKind::Choice,
                    &["confirmed", "reported"],
                    &[],
                ),
                attribute("negated", AttributeKind::Flag, &[], &["EVENT"]),
                attribute("source", AttributeKind::Text, &[], &["PER", "ORG"]),
            ],
        );
        s.validate().unwrap();
        let names =
            |l: &str| -> Vec<String> { s.attributes_for(l).map(|a| a.name.to_string()).collect() };
        assert_eq!(names("PER"), ["certainty", "source"]);
        assert_eq!(names("EVENT"), ["certainty", "negated"]);
        let certainty = s.attribute("certainty").unwrap();
        assert!(certainty.accepts("reported") && !certainty.accepts("maybe"));
        assert!(s.attribute("negated").unwrap().accepts(FLAG_VALUE));
        assert!(s.attribute("source").unwrap().accepts("any text at all"));
    }

    #[test]
    fn relation_and_attribute_problems_are_named_with_their_entry() {
        let check = |s: Schema| s.check().unwrap_err();
        let p = check(with(
            vec![
                relation("Head_of", &["PER"], &["ORG"], false),
                relation("Head_of", &[], &[], false),
            ],
            Vec::new(),
        ));
        assert!(
            p.message
                .contains("relation type \"Head_of\" is defined twice"),
            "{p:?}"
        );
        assert_eq!(p.at, Some((SchemaPart::Relations, 1)));
        let p = check(with(
            vec![relation("Head_of", &["PER"], &["ORGG"], false)],
            Vec::new(),
        ));
        assert!(
            p.message
                .contains("to names \"ORGG\", which is not a label of this project"),
            "{p:?}"
        );
        let mut r = relation("Head_of", &[], &[], false);
        r.hotkey = Some("hh".into());
        assert!(
            check(with(vec![r], Vec::new()))
                .message
                .contains("one letter or digit")
        );
        // A relation key may be a label's key, not another relation type's.
        let mut a = relation("A", &[], &[], false);
        a.hotkey = Some("1".into());
        let mut b = relation("B", &[], &[], false);
        b.hotkey = Some("1".into());
        with(vec![a.clone()], Vec::new()).validate().unwrap();
        let p = check(with(vec![a, b], Vec::new()));
        assert!(p.message.contains("used by two relation types"), "{p:?}");
        let p = check(with(
            Vec::new(),
            vec![attribute("certainty", AttributeKind::Choice, &[], &[])],
        ));
        assert!(
            p.message.contains("is a choice and needs its values"),
            "{p:?}"
        );
        assert_eq!(p.at, Some((SchemaPart::Attributes, 0)));
        let p = check(with(
            Vec::new(),
            vec![attribute("negated", AttributeKind::Flag, &["yes"], &[])],
        ));
        assert!(p.message.contains("only a choice has values"), "{p:?}");
        let p = check(with(
            Vec::new(),
            vec![attribute("c", AttributeKind::Choice, &["a", "a"], &[])],
        ));
        assert!(p.message.contains("listed twice"), "{p:?}");
        let p = check(with(
            Vec::new(),
            vec![attribute("c", AttributeKind::Choice, &["very likely"], &[])],
        ));
        assert!(p.message.contains("white space"), "{p:?}");
        let p = check(with(
            Vec::new(),
            vec![
                attribute("c", AttributeKind::Text, &[], &[]),
                attribute("c", AttributeKind::Flag, &[], &["PERSON"]),
            ],
        ));
        assert!(p.message.contains("defined twice"), "{p:?}");
        let p = check(with(
            Vec::new(),
            vec![attribute("c", AttributeKind::Flag, &[], &["PERSON"])],
        ));
        assert!(p.message.contains("labels names \"PERSON\""), "{p:?}");
    }

    #[test]
    fn fresh_relations_take_their_initial_and_a_free_colour() {
        let mut s = Schema::news_default();
        let head = s.fresh_relation(crate::label!("Head_of"));
        assert_eq!(head.hotkey.as_deref(), Some("h"));
        assert!(head.from.is_empty() && head.to.is_empty() && !head.symmetric);
        s.relations.push(head.clone());
        let has = s.fresh_relation(crate::label!("has_part"));
        assert_eq!(has.hotkey.as_deref(), Some("a"), "h is taken");
        assert_ne!(has.color, head.color);
        s.relations.push(has);
        s.validate().unwrap();
    }

    #[test]
    fn renaming_and_removing_a_label_reaches_relation_types_and_attributes() {
        let mut s = with(
            vec![relation("Head_of", &["PER", "ORG"], &["ORG"], false)],
            vec![attribute(
                "negated",
                AttributeKind::Flag,
                &[],
                &["PER", "GPE"],
            )],
        );
        s.rename_label_refs("PER", &crate::label!("PERSON"));
        assert_eq!(
            s.relations[0].from,
            [crate::label!("PERSON"), crate::label!("ORG")]
        );
        assert_eq!(
            s.attributes[0].labels,
            [crate::label!("PERSON"), crate::label!("GPE")]
        );
        // A merge leaves the name once.
        s.rename_label_refs("PERSON", &crate::label!("ORG"));
        assert_eq!(s.relations[0].from, [crate::label!("ORG")]);
        s.remove_label_refs("ORG");
        assert!(s.relations[0].from.is_empty() && s.relations[0].to.is_empty());
    }
}
