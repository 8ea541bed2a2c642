//! JSON files of an export, parsed with byte ranges kept (jsonc-parser's AST,
//! in strict JSON mode), so a value the mapping does not know is reported at
//! its line and column.

use jsonc_parser::ast::{Object, ObjectPropName, Value};
use jsonc_parser::{CollectOptions, ParseOptions};

use super::error::{at, ImportCode, ImportError};
use super::map::Paths;
use crate::source::SourceFile;

/// Strict JSON: none of JSONC's or JSON5's extensions.
fn strict() -> ParseOptions {
    ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}

/// Parses a JSON file (nesting is bounded by the parser, at 512 levels): by
/// the fast path where it reads the text ([`super::json_fast`]), otherwise
/// by jsonc-parser, whose errors are the ones reported.
pub(crate) fn parse(file: &SourceFile) -> Result<Value<'_>, ImportError> {
    if let Some(value) = super::json_fast::parse(&file.text) {
        return Ok(value);
    }
    let result = parse_with_jsonc(&file.text).map_err(|e| {
        let range = e.range();
        let kind = e.kind().to_string();
        at(
            ImportCode::Json,
            file,
            (range.start, range.end.max(range.start + 1)),
            format!("`{}` is not valid JSON: {}", file.name, kind.to_lowercase()),
            kind.to_lowercase(),
            Some("save the response body exactly as the API returned it".into()),
        )
    })?;
    result.ok_or_else(|| {
        at(
            ImportCode::Json,
            file,
            (0, 0),
            format!("`{}` holds no JSON value", file.name),
            "empty",
            Some("save the response body exactly as the API returned it".into()),
        )
    })
}

/// jsonc-parser's AST of `text` in strict mode (`None`: no value at all).
pub(crate) fn parse_with_jsonc(
    text: &str,
) -> Result<Option<Value<'_>>, jsonc_parser::errors::ParseError> {
    jsonc_parser::parse_to_ast(text, &CollectOptions::default(), &strict()).map(|r| r.value)
}

/// The byte range of a value.
pub(crate) fn range(value: &Value<'_>) -> (usize, usize) {
    let r = match value {
        Value::StringLit(v) => v.range,
        Value::NumberLit(v) => v.range,
        Value::BooleanLit(v) => v.range,
        Value::Object(v) => v.range,
        Value::Array(v) => v.range,
        Value::NullKeyword(v) => v.range,
    };
    (r.start, r.end)
}

/// The property `name` of an object, matched without regard to case.
pub(crate) fn property<'v, 'a>(object: &'v Object<'a>, name: &str) -> Option<&'v Value<'a>> {
    object.properties.iter().find_map(|p| {
        let key: &str = match &p.name {
            ObjectPropName::String(s) => &s.value,
            ObjectPropName::Word(w) => w.value,
        };
        // Exports spell nearly every name as the mapping does: the exact
        // comparison first, which is one `memcmp`.
        (key == name || key.eq_ignore_ascii_case(name)).then_some(&p.value)
    })
}

/// The value at a `.`-separated path; `null` counts as absent.
pub(crate) fn lookup<'v, 'a>(object: &'v Object<'a>, path: &str) -> Option<&'v Value<'a>> {
    let mut current = object;
    let mut path = path;
    loop {
        // Paths are a word or two: a byte search, not a `str` pattern's
        // setup, for each of the mapped fields of each entity.
        let (name, rest) = match path.bytes().position(|b| b == b'.') {
            Some(dot) => (path.get(..dot)?, path.get(dot + 1..)),
            None => (path, None),
        };
        let value = property(current, name)?;
        match rest {
            None => return (!matches!(value, Value::NullKeyword(_))).then_some(value),
            Some(rest) => {
                current = value.as_object()?;
                path = rest;
            }
        }
    }
}

/// The first of several paths that is present.
pub(crate) fn first<'v, 'a>(
    object: &'v Object<'a>,
    paths: Option<&Paths>,
) -> Option<&'v Value<'a>> {
    paths?.iter().find_map(|p| lookup(object, p))
}

/// The items of a list: a bare array, or a wrapper object's `key` array.
pub(crate) fn items<'v, 'a>(value: &'v Value<'a>, key: &str) -> Option<&'v [Value<'a>]> {
    match value {
        Value::Array(a) => Some(&a.elements),
        Value::Object(o) => match property(o, key)? {
            Value::Array(a) => Some(&a.elements),
            _ => None,
        },
        _ => None,
    }
}

/// The items of a list file, or an error naming the expected shape.
pub(crate) fn list_of<'v, 'a>(
    file: &SourceFile,
    value: &'v Value<'a>,
    key: &str,
) -> Result<&'v [Value<'a>], ImportError> {
    items(value, key).ok_or_else(|| {
        at(
            ImportCode::WrongType,
            file,
            range(value),
            format!("`{}` is not a list", file.name),
            "expected an array or an object with `items`",
            Some(format!(
                "a list response is `[...]` or `{{\"totalCount\": n, \"{key}\": [...]}}`"
            )),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lookup this module had before, splitting the path with a `str`
    /// pattern: the oracle of the faster one.
    fn split_lookup<'v, 'a>(object: &'v Object<'a>, path: &str) -> Option<&'v Value<'a>> {
        let mut current = object;
        let mut parts = path.split('.').peekable();
        while let Some(part) = parts.next() {
            let value = property(current, part)?;
            if parts.peek().is_none() {
                return (!matches!(value, Value::NullKeyword(_))).then_some(value);
            }
            current = value.as_object()?;
        }
        None
    }

    #[test]
    fn lookup_finds_what_splitting_the_path_found() {
        let text = r#"{"id": "s-1", "Offer": {"productType": {"id": "OnlineServices"}, "n": null},
            "id2": null, "": {"": 1}, "a.b": 2, "dup": 1, "DUP": 2, "x": [1]}"#;
        let value = parse_with_jsonc(text).ok().flatten();
        let Some(Value::Object(object)) = &value else {
            panic!("the sample is an object");
        };
        for path in [
            "id",
            "ID",
            "offer",
            "offer.productType.id",
            "OFFER.PRODUCTTYPE.ID",
            "offer.n",
            "offer.productType",
            "offer.missing",
            "offer.productType.id.more",
            "id2",
            "",
            ".",
            "..",
            "a.b",
            "dup",
            "Dup",
            "x",
            "x.0",
            "id.",
            ".id",
            "missing",
        ] {
            assert_eq!(lookup(object, path), split_lookup(object, path), "{path:?}");
        }
        assert_eq!(
            lookup(object, "offer.productType.id").and_then(|v| match v {
                Value::StringLit(s) => Some(s.value.to_string()),
                _ => None,
            }),
            Some("OnlineServices".to_string())
        );
    }
}
