//! Label names: the one checked type for entity labels and relation types, used by the
//! schema, spans, relations, every reader and every writer.

use std::fmt;
use std::sync::Arc;

/// Longest label name, in characters.
pub const MAX_LABEL_CHARS: usize = 64;

/// An entity label or relation type (`PER`, `Head_of`). Checked on construction: 1 to
/// [`MAX_LABEL_CHARS`] characters, no white space and no control characters, so it
/// survives every format unchanged (a brat type, a CoNLL `B-` tag, a WebAnno value, a
/// TOML string). Cloning is cheap (a shared string).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Label(Arc<str>);

/// Why a name is not a usable label.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("label name {name:?} {problem}")]
pub struct LabelError {
    pub name: String,
    pub problem: &'static str,
}

impl Label {
    pub fn new(name: &str) -> Result<Label, LabelError> {
        let problem = if name.is_empty() {
            Some("is empty")
        } else if name.chars().any(char::is_whitespace) {
            Some("contains white space (use _ instead, e.g. Job_Title)")
        } else if name.chars().any(char::is_control) {
            Some("contains a control character")
        } else if name.chars().count() > MAX_LABEL_CHARS {
            Some("is longer than 64 characters")
        } else {
            None
        };
        match problem {
            Some(problem) => Err(LabelError {
                name: name.to_string(),
                problem,
            }),
            None => Ok(Label(name.into())),
        }
    }

    /// A usable label made from any name: each run of white space becomes `_`, control
    /// characters are dropped, and the result is cut to [`MAX_LABEL_CHARS`]. `None` if
    /// nothing usable is left. The flag says whether the name had to change.
    pub fn sanitize(name: &str) -> Option<(Label, bool)> {
        if let Ok(l) = Label::new(name) {
            return Some((l, false));
        }
        let mut out = String::with_capacity(name.len());
        let mut in_space = false;
        for c in name.trim().chars() {
            if c.is_whitespace() {
                if !in_space {
                    out.push('_');
                }
                in_space = true;
            } else if !c.is_control() {
                out.push(c);
                in_space = false;
            }
        }
        let out: String = out.chars().take(MAX_LABEL_CHARS).collect();
        Label::new(&out).ok().map(|l| (l, true))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Label {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}
impl AsRef<str> for Label {
    fn as_ref(&self) -> &str {
        &self.0
    }
}
impl std::borrow::Borrow<str> for Label {
    fn borrow(&self) -> &str {
        &self.0
    }
}
impl PartialEq<str> for Label {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}
impl PartialEq<&str> for Label {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}
impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl fmt::Debug for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}
impl std::str::FromStr for Label {
    type Err = LabelError;
    fn from_str(s: &str) -> Result<Self, LabelError> {
        Label::new(s)
    }
}
impl TryFrom<&str> for Label {
    type Error = LabelError;
    fn try_from(s: &str) -> Result<Self, LabelError> {
        Label::new(s)
    }
}
impl serde::Serialize for Label {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}
impl<'de> serde::Deserialize<'de> for Label {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Label::new(&s).map_err(serde::de::Error::custom)
    }
}

/// A label from a constant, for tests and built-in schemas (panics on a bad constant,
/// which is a bug in this program, never a user's input).
#[macro_export]
macro_rules! label {
    ($s:expr) => {
        $crate::model::Label::new($s).expect("a constant label name is valid")
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_and_sanitizes() {
        assert!(Label::new("PER").is_ok());
        assert!(Label::new("Head_of").is_ok());
        assert!(Label::new("شخص").is_ok());
        let e = Label::new("Job Title").unwrap_err();
        assert!(e.to_string().contains("white space"), "{e}");
        assert!(Label::new("").is_err());
        assert!(Label::new("a\u{0}b").is_err());
        assert!(
            Label::new("a\u{a0}b").is_err(),
            "no-break space is white space"
        );
        assert!(Label::new(&"x".repeat(65)).is_err());
        assert_eq!(
            Label::sanitize("  Job \t Title "),
            Some((Label::new("Job_Title").unwrap(), true))
        );
        assert_eq!(
            Label::sanitize("PER"),
            Some((Label::new("PER").unwrap(), false))
        );
        assert_eq!(Label::sanitize(" \u{1} "), None);
        assert_eq!(Label::sanitize(&"y".repeat(80)).unwrap().0.len(), 64);
    }

    #[test]
    fn serde_refuses_bad_names() {
        let ok: Label = serde_json::from_str("\"ORG\"").unwrap();
        assert_eq!(ok, "ORG");
        let e = serde_json::from_str::<Label>("\"Job Title\"").unwrap_err();
        assert!(e.to_string().contains("white space"), "{e}");
    }
}
