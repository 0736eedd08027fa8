//! One line of a patterns.jsonl file, read into a phrase, token or regex pattern.

use super::chars;
use crate::model::Label;
use regex_automata::meta::Regex;
use serde_json::{Map, Value};
use std::collections::HashSet;

/// The longest a `{n,m}` operator may repeat (spaCy has no limit; each repeat is one
/// step of the pattern).
const MAX_REPEAT: u64 = 64;
/// Steps in one token pattern, after operators are expanded.
const MAX_STEPS: usize = 256;
/// Compiled size of one regular expression (token `REGEX` or a line's `regex`).
const REGEX_SIZE_LIMIT: usize = 4 << 20;

/// A string attribute of a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum StrAttr {
    Orth,
    Lower,
    Shape,
}

/// A true/false attribute of a token.
#[derive(Debug, Clone, Copy)]
pub(super) enum BoolAttr {
    IsAlpha,
    IsAscii,
    IsDigit,
    IsLower,
    IsUpper,
    IsTitle,
    IsPunct,
    IsSpace,
    LikeNum,
}

#[derive(Debug, Clone, Copy)]
pub(super) enum Cmp {
    Eq,
    Ne,
    Ge,
    Le,
    Gt,
    Lt,
}

/// One condition on a token; a step's conditions must all hold.
#[derive(Debug, Clone)]
pub(super) enum Cond {
    Str(StrAttr, String),
    StrIn(StrAttr, HashSet<String>, bool),
    /// Python's `re.search`: anywhere in the attribute's value.
    StrRegex(StrAttr, Box<Regex>),
    Bool(BoolAttr, bool),
    Len(Cmp, i64),
    LenIn(Vec<i64>, bool),
}

/// How many tokens a step takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Quant {
    One,
    ZeroOne,
    ZeroPlus,
}

/// One step of a token pattern: `negate` is spaCy's `!` (one token that does not match).
#[derive(Debug, Clone)]
pub(super) struct Step {
    pub conds: Vec<Cond>,
    pub quant: Quant,
    pub negate: bool,
}

/// What a line holds.
pub(super) enum Body {
    /// The phrase's text, and whether it is matched on lower-case tokens.
    Phrase(String, bool),
    Tokens(Vec<Step>),
    Regex(Box<Regex>),
}

pub(super) struct Line {
    pub label: Label,
    /// The label as written, when it had to change to be usable.
    pub renamed_from: Option<String>,
    pub id: Option<String>,
    pub body: Body,
}

pub(super) fn compile_regex(source: &str, multi_line: bool) -> Result<Regex, String> {
    let hir = regex_syntax::ParserBuilder::new()
        .multi_line(multi_line)
        .crlf(multi_line)
        .build()
        .parse(source)
        .map_err(|e| {
            format!(
                "bad regular expression {source:?}: {}",
                one_line(&e.to_string())
            )
        })?;
    let config = Regex::config()
        .nfa_size_limit(Some(REGEX_SIZE_LIMIT))
        .onepass_size_limit(Some(REGEX_SIZE_LIMIT))
        .dfa_size_limit(Some(REGEX_SIZE_LIMIT))
        .hybrid_cache_capacity(REGEX_SIZE_LIMIT);
    regex_automata::meta::Builder::new()
        .configure(config)
        .build_from_hir(&hir)
        .map_err(|e| format!("bad regular expression {source:?}: {e}"))
}

/// regex-syntax's messages draw the pattern over several lines; a line number prefix
/// reads better with the last line (the problem) alone.
fn one_line(message: &str) -> String {
    message
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with("error:"))
        .map(|l| l.trim().trim_start_matches("error:").trim().to_string())
        .unwrap_or_else(|| message.replace('\n', " "))
}

/// The label of a line: as written when usable, otherwise sanitised (white space → `_`).
pub(super) fn label(name: &str) -> Result<(Label, Option<String>), String> {
    match Label::sanitize(name) {
        Some((l, false)) => Ok((l, None)),
        Some((l, true)) => Ok((l, Some(name.to_string()))),
        None => Err(format!("label {name:?} is not usable")),
    }
}

pub(super) fn line(text: &str) -> Result<Line, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let Value::Object(obj) = value else {
        return Err("not a JSON object".into());
    };
    let name = match obj.get("label") {
        Some(Value::String(s)) => s,
        Some(_) => return Err("\"label\" is not a string".into()),
        None => return Err("no \"label\"".into()),
    };
    let (label, renamed_from) = label(name)?;
    let id = match obj.get("id") {
        // spaCy drops an empty id as well.
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.is_empty() => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(_) => return Err("\"id\" is not a string".into()),
    };
    let lower = match obj.get("attr") {
        None => false,
        Some(Value::String(a))
            if a.eq_ignore_ascii_case("ORTH") || a.eq_ignore_ascii_case("TEXT") =>
        {
            false
        }
        Some(Value::String(a)) if a.eq_ignore_ascii_case("LOWER") => true,
        Some(a) => return Err(format!("\"attr\" must be \"ORTH\" or \"LOWER\", not {a}")),
    };
    let body = match (obj.get("pattern"), obj.get("regex")) {
        (Some(_), Some(_)) => return Err("both \"pattern\" and \"regex\"".into()),
        (None, None) => return Err("no \"pattern\" (or \"regex\")".into()),
        (Some(Value::String(p)), None) => {
            if p.is_empty() {
                return Err("empty pattern".into());
            }
            Body::Phrase(p.clone(), lower)
        }
        (Some(Value::Array(specs)), None) => {
            if obj.contains_key("attr") {
                return Err("\"attr\" applies to phrase patterns (strings) only".into());
            }
            Body::Tokens(steps(specs)?)
        }
        (Some(_), None) => return Err("\"pattern\" is neither a string nor a list".into()),
        (None, Some(Value::String(r))) => {
            if r.is_empty() {
                return Err("empty regex".into());
            }
            Body::Regex(Box::new(compile_regex(r, true)?))
        }
        (None, Some(_)) => return Err("\"regex\" is not a string".into()),
    };
    Ok(Line {
        label,
        renamed_from,
        id,
        body,
    })
}

fn steps(specs: &[Value]) -> Result<Vec<Step>, String> {
    if specs.is_empty() {
        return Err("empty pattern".into());
    }
    let mut out = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        let Value::Object(spec) = spec else {
            return Err(format!("token {}: not a JSON object", i + 1));
        };
        let (conds, ops) = token_spec(spec).map_err(|e| format!("token {}: {e}", i + 1))?;
        for (quant, negate) in ops {
            out.push(Step {
                conds: conds.clone(),
                quant,
                negate,
            });
        }
        if out.len() > MAX_STEPS {
            return Err(format!(
                "more than {MAX_STEPS} tokens once operators are expanded"
            ));
        }
    }
    Ok(out)
}

/// spaCy's `_get_operators`: `!` `?` `*` `+` `1` and `{n}` `{n,m}` `{n,}` `{,m}`.
fn operators(op: &Value) -> Result<Vec<(Quant, bool)>, String> {
    let Value::String(op) = op else {
        return Err(format!("\"OP\" is not a string: {op}"));
    };
    let bad =
        || format!("unknown operator {op:?} (use !, ?, *, +, 1, {{n}}, {{n,m}}, {{n,}}, {{,m}})");
    Ok(match op.as_str() {
        "!" => vec![(Quant::One, true)],
        "?" => vec![(Quant::ZeroOne, false)],
        "*" => vec![(Quant::ZeroPlus, false)],
        "+" => vec![(Quant::One, false), (Quant::ZeroPlus, false)],
        "1" => vec![(Quant::One, false)],
        _ => {
            let inner = op
                .strip_prefix('{')
                .and_then(|o| o.strip_suffix('}'))
                .ok_or_else(bad)?;
            let (n, m) = inner.split_once(',').unwrap_or((inner, inner));
            let num = |s: &str| -> Result<Option<u64>, String> {
                if s.is_empty() {
                    Ok(None)
                } else if s.bytes().all(|b| b.is_ascii_digit()) {
                    s.parse().map(Some).map_err(|_| bad())
                } else {
                    Err(bad())
                }
            };
            let (n, m) = (num(n)?, num(m)?);
            if n.is_none() && m.is_none() || matches!((n, m), (Some(n), Some(m)) if n > m) {
                return Err(bad());
            }
            let n = n.unwrap_or(0);
            if n.max(m.unwrap_or(0)) > MAX_REPEAT {
                return Err(format!(
                    "operator {op:?} repeats more than {MAX_REPEAT} times"
                ));
            }
            let mut ops = vec![(Quant::One, false); n as usize];
            match m {
                Some(m) => ops.extend(std::iter::repeat_n(
                    (Quant::ZeroOne, false),
                    (m - n) as usize,
                )),
                None => ops.push((Quant::ZeroPlus, false)),
            }
            ops
        }
    })
}

/// Attributes spaCy has that need a trained pipeline or are not computed here.
const SPACY_ONLY: &[&str] = &[
    "POS",
    "TAG",
    "DEP",
    "LEMMA",
    "MORPH",
    "ENT_TYPE",
    "ENT_IOB",
    "ENT_ID",
    "ENT_KB_ID",
    "IS_SENT_START",
    "SENT_START",
    "NORM",
    "PREFIX",
    "SUFFIX",
    "IS_STOP",
    "IS_BRACKET",
    "IS_QUOTE",
    "IS_LEFT_PUNCT",
    "IS_RIGHT_PUNCT",
    "IS_CURRENCY",
    "LIKE_URL",
    "LIKE_EMAIL",
    "SPACY",
    "IS_OOV",
    "LANG",
    "ID",
    "_",
];

/// A token's conditions and its operator's steps (quantifier, negated).
type TokenSpec = (Vec<Cond>, Vec<(Quant, bool)>);

fn token_spec(spec: &Map<String, Value>) -> Result<TokenSpec, String> {
    let mut conds = Vec::new();
    let mut ops = vec![(Quant::One, false)];
    for (key, value) in spec {
        let attr = key.to_uppercase();
        let bool_attr = match attr.as_str() {
            "OP" => {
                ops = operators(value)?;
                continue;
            }
            "ORTH" | "TEXT" => {
                conds.extend(str_conds(StrAttr::Orth, key, value)?);
                continue;
            }
            "LOWER" => {
                conds.extend(str_conds(StrAttr::Lower, key, value)?);
                continue;
            }
            "SHAPE" => {
                conds.extend(str_conds(StrAttr::Shape, key, value)?);
                continue;
            }
            "LENGTH" => {
                conds.extend(len_conds(key, value)?);
                continue;
            }
            "IS_ALPHA" => BoolAttr::IsAlpha,
            "IS_ASCII" => BoolAttr::IsAscii,
            "IS_DIGIT" => BoolAttr::IsDigit,
            "IS_LOWER" => BoolAttr::IsLower,
            "IS_UPPER" => BoolAttr::IsUpper,
            "IS_TITLE" => BoolAttr::IsTitle,
            "IS_PUNCT" => BoolAttr::IsPunct,
            "IS_SPACE" => BoolAttr::IsSpace,
            "LIKE_NUM" => BoolAttr::LikeNum,
            a if SPACY_ONLY.contains(&a) => {
                return Err(format!(
                    "attribute {key:?} is not supported (Entitle matches on the text alone)"
                ));
            }
            _ => return Err(format!("unknown token attribute {key:?}")),
        };
        let b = match value {
            Value::Bool(b) => *b,
            Value::Number(n) if n.as_u64() == Some(0) => false,
            Value::Number(n) if n.as_u64() == Some(1) => true,
            _ => return Err(format!("{key:?} takes true or false, not {value}")),
        };
        conds.push(Cond::Bool(bool_attr, b));
    }
    Ok((conds, ops))
}

fn str_conds(attr: StrAttr, key: &str, value: &Value) -> Result<Vec<Cond>, String> {
    let obj = match value {
        Value::String(s) => return Ok(vec![Cond::Str(attr, s.clone())]),
        Value::Object(obj) => obj,
        _ => return Err(format!("{key:?} takes a string or an object, not {value}")),
    };
    let mut out = Vec::new();
    for (pred, v) in obj {
        match pred.to_uppercase().as_str() {
            "REGEX" => {
                let Value::String(r) = v else {
                    return Err(format!("{key:?}: REGEX takes a string, not {v}"));
                };
                out.push(Cond::StrRegex(attr, Box::new(compile_regex(r, false)?)));
            }
            p @ ("IN" | "NOT_IN") => {
                let Value::Array(items) = v else {
                    return Err(format!("{key:?}: {p} takes a list, not {v}"));
                };
                let set = items
                    .iter()
                    .map(|i| match i {
                        Value::String(s) => Ok(s.clone()),
                        _ => Err(format!("{key:?}: {p} takes strings, not {i}")),
                    })
                    .collect::<Result<HashSet<String>, String>>()?;
                out.push(Cond::StrIn(attr, set, p == "NOT_IN"));
            }
            _ => {
                return Err(format!(
                    "{key:?}: unsupported predicate {pred:?} (use REGEX, IN, NOT_IN)"
                ));
            }
        }
    }
    Ok(out)
}

fn len_conds(key: &str, value: &Value) -> Result<Vec<Cond>, String> {
    let int = |v: &Value| {
        v.as_i64()
            .ok_or_else(|| format!("{key:?} takes whole numbers, not {v}"))
    };
    let obj = match value {
        Value::Object(obj) => obj,
        v => return Ok(vec![Cond::Len(Cmp::Eq, int(v)?)]),
    };
    let mut out = Vec::new();
    for (pred, v) in obj {
        let cmp = match pred.to_uppercase().as_str() {
            "==" => Cmp::Eq,
            "!=" => Cmp::Ne,
            ">=" => Cmp::Ge,
            "<=" => Cmp::Le,
            ">" => Cmp::Gt,
            "<" => Cmp::Lt,
            p @ ("IN" | "NOT_IN") => {
                let Value::Array(items) = v else {
                    return Err(format!("{key:?}: {p} takes a list, not {v}"));
                };
                let items = items
                    .iter()
                    .map(int)
                    .collect::<Result<Vec<i64>, String>>()?;
                out.push(Cond::LenIn(items, p == "NOT_IN"));
                continue;
            }
            _ => {
                return Err(format!(
                    "{key:?}: unsupported predicate {pred:?} (use ==, !=, >=, <=, >, <, IN, NOT_IN)"
                ));
            }
        };
        out.push(Cond::Len(cmp, int(v)?));
    }
    Ok(out)
}

/// Whether `cond` holds for a token of text `text` and lower-case form `lower`.
pub(super) fn holds(cond: &Cond, text: &str, lower: &str) -> bool {
    let get = |attr: StrAttr| -> std::borrow::Cow<'_, str> {
        match attr {
            StrAttr::Orth => text.into(),
            StrAttr::Lower => lower.into(),
            StrAttr::Shape => chars::shape(text).into(),
        }
    };
    let len = || text.chars().count() as i64;
    match cond {
        Cond::Str(a, v) => *get(*a) == **v,
        Cond::StrIn(a, set, negate) => set.contains(&*get(*a)) != *negate,
        Cond::StrRegex(a, re) => re.is_match(&*get(*a)),
        Cond::Bool(a, want) => {
            let v = match a {
                BoolAttr::IsAlpha => chars::is_alpha(text),
                BoolAttr::IsAscii => text.is_ascii(),
                BoolAttr::IsDigit => chars::is_digit(text),
                BoolAttr::IsLower => chars::is_lower(text),
                BoolAttr::IsUpper => chars::is_upper(text),
                BoolAttr::IsTitle => chars::is_title(text),
                BoolAttr::IsPunct => chars::is_punct(text),
                BoolAttr::IsSpace => chars::is_space(text),
                BoolAttr::LikeNum => chars::like_num(text),
            };
            v == *want
        }
        Cond::Len(cmp, v) => {
            let l = len();
            match cmp {
                Cmp::Eq => l == *v,
                Cmp::Ne => l != *v,
                Cmp::Ge => l >= *v,
                Cmp::Le => l <= *v,
                Cmp::Gt => l > *v,
                Cmp::Lt => l < *v,
            }
        }
        Cond::LenIn(items, negate) => items.contains(&len()) != *negate,
    }
}
