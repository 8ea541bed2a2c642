//! Scalars as the parser gives them, and what they mean under the YAML 1.2 core schema.

use crate::scenario::event::Style;
use std::borrow::Cow;

use crate::scenario::store::Pos;

/// A scalar as the parser gives it.
pub(crate) struct Scalar<'a> {
    pub(crate) text: Cow<'a, str>,
    pub(crate) style: Style,
    /// `!!str` forces a string.
    pub(crate) tagged_str: bool,
    pub(crate) pos: Pos,
}

impl Scalar<'_> {
    pub(crate) fn plain(&self) -> bool {
        self.style == Style::Plain && !self.tagged_str
    }

    pub(crate) fn is_null(&self) -> bool {
        self.plain() && matches!(self.text.as_ref(), "" | "~" | "null" | "Null" | "NULL")
    }

    /// The boolean a plain `true` or `false` (in any of YAML 1.2's three
    /// spellings) is.
    pub(crate) fn bool_value(&self) -> Option<bool> {
        match (self.plain(), self.text.as_ref()) {
            (true, "true" | "True" | "TRUE") => Some(true),
            (true, "false" | "False" | "FALSE") => Some(false),
            _ => None,
        }
    }

    /// The whole number a plain scalar is.
    pub(crate) fn int_value(&self) -> Option<i64> {
        self.plain().then(|| core_int(&self.text)).flatten()
    }

    /// The number, whole or not, a plain scalar is (perhaps not finite).
    pub(crate) fn num_value(&self) -> Option<f64> {
        self.plain()
            .then(|| core_float(&self.text).or_else(|| core_int(&self.text).map(|i| i as f64)))
            .flatten()
    }

    /// What a plain scalar means under the YAML 1.2 core schema, for messages.
    pub(crate) fn core_kind(&self) -> Option<&'static str> {
        if !self.plain() {
            return None;
        }
        let t = self.text.as_ref();
        // Most strings start with a letter that no null, boolean or number can
        // start with (numbers start with a digit, a sign or a dot).
        if t.bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic() && !b"nNtTfF".contains(&b))
        {
            return None;
        }
        if self.is_null() {
            Some("null")
        } else if matches!(t, "true" | "True" | "TRUE" | "false" | "False" | "FALSE") {
            Some("a boolean")
        } else if core_int(t).is_some() || core_float(t).is_some() {
            Some("a number")
        } else {
            None
        }
    }
}

pub(super) fn core_int(t: &str) -> Option<i64> {
    let digits = t.strip_prefix('+').unwrap_or(t);
    if let Some(oct) = digits.strip_prefix("0o") {
        return i64::from_str_radix(oct, 8).ok();
    }
    if let Some(hex) = digits.strip_prefix("0x") {
        return i64::from_str_radix(hex, 16).ok();
    }
    let body = digits.strip_prefix('-').unwrap_or(digits);
    if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

pub(super) fn core_float(t: &str) -> Option<f64> {
    let body = t.trim_start_matches(['+', '-']);
    match body {
        ".inf" | ".Inf" | ".INF" => {
            return Some(if t.starts_with('-') {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            })
        }
        ".nan" | ".NaN" | ".NAN" => return Some(f64::NAN),
        _ => {}
    }
    let valid = !body.is_empty()
        && body
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
        && body
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_digit() || b == b'.');
    if valid {
        t.parse().ok()
    } else {
        None
    }
}

pub(super) fn is_str_tag(tag: Option<&saphyr_parser::Tag>) -> bool {
    tag.is_some_and(|t| t.suffix == "str" && (t.handle == "tag:yaml.org,2002:" || t.handle == "!!"))
}
