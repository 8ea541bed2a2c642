//! `constants:` in `eligo.yaml`: new values for the packs' named constants.
//!
//! A constant is overridden in the parsed rule files, before they compile, so
//! every rule that uses it sees the new value and the compiler checks it as it
//! checks the pack. The value must have the type of the value it replaces: a
//! whole number for a whole number, a `YYYY-MM-DD` date for a date, a list of
//! values of the same enum for a list of enum values, and so on.

use serde_yaml::Value;

use super::{Config, ConfigCode, ConfigError};
use crate::lang::ast::{ConstDecl, Expr, ExprKind, Ident, Item, RuleFile, Template, TemplatePart};
use crate::source::Span;
use crate::suggest::did_you_mean;

/// Replaces the values of the constants the configuration names; returns an
/// error for each unknown constant or value of the wrong type.
pub(crate) fn apply(config: &Config, parsed: &mut [RuleFile]) -> Vec<ConfigError> {
    let enums = enum_variants(parsed);
    let mut errors = Vec::new();
    for (name, value) in &config.values.constants {
        let path = format!("constants.{name}");
        let Some(decl) = find_const(parsed, name) else {
            let names = const_names(parsed);
            errors.push(config.error_at_key(
                ConfigCode::UnknownConstant,
                &path,
                format!("no rule file declares a constant `{name}`"),
                "unknown constant",
                did_you_mean(name, names.iter().map(String::as_str)).or_else(|| {
                    Some("`eligo rules --export DIR` shows the packs' `let` declarations".into())
                }),
            ));
            continue;
        };
        let shape = Shape::of(&decl.value, &enums);
        match convert(config, &path, value, &shape, decl.value.span) {
            Ok(expr) => decl.value = expr,
            Err(e) => errors.push(e),
        }
    }
    errors
}

/// What a constant's value is, as far as an override must match it.
enum Shape {
    Int,
    Num,
    Bool,
    Date,
    Str,
    /// A name, with the values of its enum when one declares it.
    Name(Option<Vec<String>>),
    List(Box<Shape>),
    /// Computed (not a literal): cannot be overridden.
    Other,
}

impl Shape {
    fn of(e: &Expr, enums: &[Vec<String>]) -> Shape {
        match &e.kind {
            ExprKind::Int(_) => Shape::Int,
            ExprKind::Num(_) => Shape::Num,
            ExprKind::Bool(_) => Shape::Bool,
            ExprKind::Date(_) => Shape::Date,
            ExprKind::Str(_) => Shape::Str,
            ExprKind::Name(n) => Shape::Name(enum_of(&[n.name.as_str()], enums)),
            ExprKind::List(items) => {
                let names: Vec<&str> = items
                    .iter()
                    .filter_map(|i| match &i.kind {
                        ExprKind::Name(n) => Some(n.name.as_str()),
                        _ => None,
                    })
                    .collect();
                match items.first() {
                    Some(first) if names.len() == items.len() => {
                        let _ = first;
                        Shape::List(Box::new(Shape::Name(enum_of(&names, enums))))
                    }
                    Some(first) => Shape::List(Box::new(Shape::of(first, enums))),
                    None => Shape::Other,
                }
            }
            _ => Shape::Other,
        }
    }

    fn describe(&self) -> String {
        match self {
            Shape::Int => "a whole number".into(),
            Shape::Num => "a number".into(),
            Shape::Bool => "`true` or `false`".into(),
            Shape::Date => "a date (`YYYY-MM-DD`)".into(),
            Shape::Str => "a string".into(),
            Shape::Name(_) => "a name".into(),
            Shape::List(inner) => format!("a list of {}", plural_of(&inner.describe())),
            Shape::Other => "a literal".into(),
        }
    }
}

fn plural_of(what: &str) -> String {
    match what {
        "a whole number" => "whole numbers".into(),
        "a number" => "numbers".into(),
        "a name" => "names".into(),
        "a string" => "strings".into(),
        "a date (`YYYY-MM-DD`)" => "dates".into(),
        other => other.to_string(),
    }
}

/// The values of the first enum that declares every one of `names`.
fn enum_of(names: &[&str], enums: &[Vec<String>]) -> Option<Vec<String>> {
    enums
        .iter()
        .find(|variants| names.iter().all(|n| variants.iter().any(|v| v == n)))
        .cloned()
}

fn enum_variants(parsed: &[RuleFile]) -> Vec<Vec<String>> {
    parsed
        .iter()
        .flat_map(|f| &f.items)
        .filter_map(|item| match item {
            Item::Enum(e) => Some(e.variants.iter().map(|v| v.name.clone()).collect()),
            _ => None,
        })
        .collect()
}

fn find_const<'p>(parsed: &'p mut [RuleFile], name: &str) -> Option<&'p mut ConstDecl> {
    parsed
        .iter_mut()
        .flat_map(|f| f.items.iter_mut())
        .find_map(|item| match item {
            Item::Const(c) if c.name.name == name => Some(c),
            _ => None,
        })
}

fn const_names(parsed: &[RuleFile]) -> Vec<String> {
    parsed
        .iter()
        .flat_map(|f| &f.items)
        .filter_map(|item| match item {
            Item::Const(c) => Some(c.name.name.clone()),
            _ => None,
        })
        .collect()
}

/// The YAML value as an expression of the constant's shape.
fn convert(
    config: &Config,
    path: &str,
    value: &Value,
    shape: &Shape,
    span: Span,
) -> Result<Expr, ConfigError> {
    let wrong = |found: &str| {
        config.error_at(
            ConfigCode::ConstantType,
            path,
            format!("expected {}, found {found}", shape.describe()),
            "wrong type",
            Some(format!(
                "the constant `{}` is {} in its rule file",
                path.trim_start_matches("constants."),
                shape.describe()
            )),
        )
    };
    let kind = match (shape, value) {
        (Shape::Int, Value::Number(n)) => ExprKind::Int(
            n.as_i64()
                .ok_or_else(|| wrong("a number that is not whole"))?,
        ),
        (Shape::Num, Value::Number(n)) => {
            ExprKind::Num(n.as_f64().ok_or_else(|| wrong("a number out of range"))?)
        }
        (Shape::Bool, Value::Bool(b)) => ExprKind::Bool(*b),
        (Shape::Date, Value::String(s)) => ExprKind::Date(
            crate::date::parse_date(s).ok_or_else(|| wrong("a string that is not a date"))?,
        ),
        (Shape::Str, Value::String(s)) => ExprKind::Str(Template {
            parts: vec![TemplatePart::Text(s.clone())],
            span,
        }),
        (Shape::Name(variants), Value::String(s)) => {
            if let Some(variants) = variants {
                if !variants.iter().any(|v| v == s) {
                    return Err(config.error_at(
                        ConfigCode::ConstantType,
                        path,
                        format!("`{s}` is not a value of this constant's enum"),
                        "unknown value",
                        did_you_mean(s, variants.iter().map(String::as_str)),
                    ));
                }
            }
            ExprKind::Name(Ident {
                name: s.clone(),
                span,
            })
        }
        (Shape::List(inner), Value::Sequence(items)) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                out.push(convert(config, &format!("{path}[{i}]"), item, inner, span)?);
            }
            ExprKind::List(out)
        }
        (Shape::Other, _) => {
            return Err(config.error_at_key(
                ConfigCode::ConstantType,
                path,
                format!(
                    "the constant `{}` is computed in its rule file and cannot be set here",
                    path.trim_start_matches("constants.")
                ),
                "not a literal",
                Some("copy the pack (`eligo rules --export DIR`) and change it there".into()),
            ))
        }
        (_, other) => return Err(wrong(yaml_kind(other))),
    };
    Ok(Expr { kind, span })
}

fn yaml_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing (null)",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}
