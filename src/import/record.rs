//! One entity of an export (a JSON object or a CSV row) read through the
//! mapping into the importer's fields, each value with its place in the file.

use jsonc_parser::ast::{Object, Value};
use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::Hash;

use super::error::{at, ImportCode, ImportError};
use super::json;
use super::map::Paths;
use crate::source::SourceFile;

/// A scalar value and where it is.
#[derive(Debug, Clone)]
pub(crate) struct Cell<'a> {
    /// The text (a string's contents, a number's or boolean's literal),
    /// borrowed from the file where it is there as it is (nearly always: only
    /// a string with escapes is decoded into a text of its own).
    pub text: Cow<'a, str>,
    /// Whether the value was a JSON boolean.
    pub is_bool: bool,
    /// Byte range in the file.
    pub span: (usize, usize),
}

/// The fields of one entity, by the importer's field names.
#[derive(Debug, Clone)]
pub(crate) struct Rec<'a, F> {
    /// A handful of fields: a list beats hashing them.
    cells: Vec<(F, Cell<'a>)>,
    /// The whole entity's byte range.
    pub span: (usize, usize),
}

impl<'a, F: Hash + Eq + Copy> Rec<'a, F> {
    /// Reads the mapped fields of a JSON object (objects and arrays are not
    /// scalars and are read separately; `null` is absent).
    pub(crate) fn from_json(object: &Object<'a>, fields: &HashMap<F, Paths>) -> Self {
        let cells = fields
            .iter()
            .filter_map(|(&f, paths)| Some((f, scalar_cell(json::first(object, Some(paths))?)?)))
            .collect();
        Rec {
            cells,
            span: (object.range.start, object.range.end),
        }
    }

    /// A record from cells read elsewhere (a CSV row).
    pub(crate) fn from_cells(cells: Vec<(F, Cell<'a>)>, span: (usize, usize)) -> Self {
        Rec { cells, span }
    }

    /// The record with every text its own, to outlive the parsed file.
    pub(crate) fn into_owned(self) -> Rec<'static, F> {
        let cells = self
            .cells
            .into_iter()
            .map(|(f, c)| {
                let text = Cow::Owned(c.text.into_owned());
                (f, Cell { text, ..c })
            })
            .collect();
        Rec {
            cells,
            span: self.span,
        }
    }

    /// A field's cell.
    pub(crate) fn get(&self, field: F) -> Option<&Cell<'a>> {
        self.cells.iter().find(|(f, _)| *f == field).map(|(_, c)| c)
    }

    /// A field's text, empty strings counting as absent.
    pub(crate) fn text(&self, field: F) -> Option<&str> {
        self.get(field)
            .map(|c| c.text.trim())
            .filter(|t| !t.is_empty())
    }
}

/// The cell of a scalar value (`None` for `null`, an object or an array).
pub(crate) fn scalar_cell<'a>(value: &Value<'a>) -> Option<Cell<'a>> {
    let (text, is_bool) = match value {
        Value::StringLit(s) => (s.value.clone(), false),
        Value::NumberLit(n) => (Cow::Borrowed(n.value), false),
        Value::BooleanLit(b) => (Cow::Borrowed(if b.value { "true" } else { "false" }), true),
        _ => return None,
    };
    Some(Cell {
        text,
        is_bool,
        span: json::range(value),
    })
}

/// A required field, or an error at the entity naming the path it was looked for at.
pub(crate) fn required<'r, F: Hash + Eq + Copy>(
    file: &SourceFile,
    rec: &'r Rec<'_, F>,
    field: F,
    what: &str,
    paths: Option<&Paths>,
) -> Result<&'r str, ImportError> {
    rec.text(field).ok_or_else(|| {
        let wanted: Vec<String> = paths
            .map(|p| p.iter().map(|s| format!("`{s}`")).collect())
            .unwrap_or_default();
        at(
            ImportCode::WrongType,
            file,
            (rec.span.0, rec.span.0 + 1),
            format!("{what} has no {}", wanted.join(" or ")),
            "in this entry",
            Some("save the full response; the mapping reads this field there".into()),
        )
    })
}

/// A whole non-negative number, or an error at the value.
pub(crate) fn count(file: &SourceFile, cell: &Cell, what: &str) -> Result<u64, ImportError> {
    cell.text.trim().parse::<u64>().map_err(|_| {
        at(
            ImportCode::WrongType,
            file,
            cell.span,
            format!("{what} `{}` is not a whole number", cell.text),
            "expected a whole number",
            None,
        )
    })
}
