//! Diagnostics of `eligo import` and `eligo reconcile`: input errors at their
//! place in an export file, a mapping file or an overlay.

use miette::NamedSource;
use std::fmt;

use crate::scenario::error::{InputCode, InputError};
use crate::scenario::store::Pos;
use crate::source::SourceFile;

/// Stable codes of import errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum ImportCode {
    /// A file or folder cannot be read, or is not a regular file in the export.
    Io,
    /// A file is larger than the limit.
    SizeLimit,
    /// A JSON file does not parse.
    Json,
    /// A CSV file does not parse, or lacks a column.
    Csv,
    /// A value has the wrong JSON type, or a required value is missing.
    WrongType,
    /// A value the mapping does not know (offer, status, country, agreement type).
    Unmapped,
    /// A reference to an entity that is in no export (a subscription, a customer).
    UnknownReference,
    /// The same Partner Center id twice.
    Duplicate,
    /// The mapping file is invalid.
    Mapping,
    /// An overlay is invalid or names nothing.
    Overlay,
}

impl ImportCode {
    /// The diagnostic code, e.g. `eligo::import::unmapped`.
    pub(crate) fn as_str(self) -> &'static str {
        use ImportCode::*;
        match self {
            Io => "eligo::import::io",
            SizeLimit => "eligo::import::size_limit",
            Json => "eligo::import::json",
            Csv => "eligo::import::csv",
            WrongType => "eligo::import::wrong_type",
            Unmapped => "eligo::import::unmapped",
            UnknownReference => "eligo::import::unknown_reference",
            Duplicate => "eligo::import::duplicate",
            Mapping => "eligo::import::mapping",
            Overlay => "eligo::import::overlay",
        }
    }
}

impl fmt::Display for ImportCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl InputCode for ImportCode {
    fn code_str(self) -> &'static str {
        self.as_str()
    }
}

/// One problem with an import input.
pub(crate) type ImportError = InputError<ImportCode>;

/// An error with no place in a file (a missing folder, an unreadable file).
pub(crate) fn file_error(
    code: ImportCode,
    path: &str,
    message: impl Into<String>,
    help: Option<String>,
) -> ImportError {
    ImportError {
        code,
        message: message.into(),
        label: String::new(),
        help,
        path: path.to_string(),
        pos: None,
        also: None,
        src: None,
    }
}

/// An error at the byte range `start..end` of `file`.
pub(crate) fn at(
    code: ImportCode,
    file: &SourceFile,
    (start, end): (usize, usize),
    message: impl Into<String>,
    label: impl Into<String>,
    help: Option<String>,
) -> ImportError {
    ImportError {
        code,
        message: message.into(),
        label: label.into(),
        help,
        path: file.name.clone(),
        pos: Some(pos_of(file, start, end)),
        also: None,
        src: Some(named(file)),
    }
}

/// The position of the byte range `start..end` of `file` (through its line
/// index, so that many errors in one export cost linear time).
pub(crate) fn pos_of(file: &SourceFile, start: usize, end: usize) -> Pos {
    let (line, column) = file.line_col(start);
    Pos {
        line: u32::try_from(line).unwrap_or(u32::MAX),
        column: u32::try_from(column).unwrap_or(u32::MAX),
        offset: u32::try_from(start).unwrap_or(u32::MAX),
        len: u32::try_from(end.saturating_sub(start)).unwrap_or(0),
    }
}

/// A miette source of the file, for snippets (JSON, CSV and YAML alike).
pub(crate) fn named(file: &SourceFile) -> NamedSource<crate::source::IndexedText> {
    file.named_source().with_language("json")
}
