//! Reading one exported value against the mapping: a mapped spelling, a
//! date, an object, an offer's key. The export (the partner's lists) and each
//! customer folder read values the same way.

use jsonc_parser::ast::Value;

use super::error::{at, ImportCode, ImportError};
use super::json;
use super::record::Cell;
use crate::source::SourceFile;

/// The two-part `product:sku` of a three-part offer id (the key the offer
/// table should hold), or the id itself.
pub(super) fn offer_key(offer_id: &str) -> String {
    let parts: Vec<&str> = offer_id.trim().split(':').collect();
    match parts.as_slice() {
        [product, sku, _] => format!("{product}:{sku}"),
        _ => offer_id.trim().to_string(),
    }
}

/// A mapped spelling, or an error at the value naming the table to add it to.
pub(super) fn mapped<V>(
    value: Option<V>,
    file: &SourceFile,
    cell: &Cell,
    what: &str,
    table: &str,
    errors: &mut Vec<ImportError>,
) -> Option<V> {
    if value.is_some() {
        return value;
    }
    errors.push(at(
        ImportCode::Unmapped,
        file,
        cell.span,
        format!("{what} `{}` is not in the mapping", cell.text),
        format!("unknown {what}"),
        Some(format!(
            "add `{}: <value>` under `{table}:` in the mapping (`--map FILE`)",
            cell.text.trim()
        )),
    ));
    None
}

/// The `YYYY-MM-DD` of an ISO-8601 date-time, or an error at the value.
pub(super) fn date(
    file: &SourceFile,
    cell: &Cell,
    errors: &mut Vec<ImportError>,
) -> Option<String> {
    let day = cell.text.trim().get(..10).unwrap_or("");
    if crate::date::parse_date(day).is_some() {
        return Some(day.to_string());
    }
    errors.push(at(
        ImportCode::WrongType,
        file,
        cell.span,
        format!("`{}` is not an ISO-8601 date", cell.text),
        "expected a date such as `2026-11-20T10:00:00Z`",
        None,
    ));
    None
}

pub(super) fn not_object(file: &SourceFile, value: &Value<'_>, what: &str) -> ImportError {
    at(
        ImportCode::WrongType,
        file,
        json::range(value),
        format!("{what} is not a JSON object"),
        "expected an object",
        None,
    )
}
