//! Diagnostics of `eligo import` and `eligo reconcile`: input errors at their
//! place in an export file, a mapping file or an overlay.

use miette::NamedSource;

use crate::scenario::error::{input_codes, InputError};
use crate::scenario::store::Pos;
use crate::source::SourceFile;

input_codes! {
    /// Stable codes of import errors.
    pub(crate) enum ImportCode {
        /// A file or folder cannot be read, or is not a regular file in the export.
        Io => "eligo::import::io",
        /// A file is larger than the limit.
        SizeLimit => "eligo::import::size_limit",
        /// A JSON file does not parse.
        Json => "eligo::import::json",
        /// A CSV file does not parse, or lacks a column.
        Csv => "eligo::import::csv",
        /// A value has the wrong JSON type, or a required value is missing.
        WrongType => "eligo::import::wrong_type",
        /// A value the mapping does not know (offer, status, country, agreement type).
        Unmapped => "eligo::import::unmapped",
        /// A reference to an entity that is in no export (a subscription, a customer).
        UnknownReference => "eligo::import::unknown_reference",
        /// The same Partner Center id twice.
        Duplicate => "eligo::import::duplicate",
        /// The mapping file is invalid.
        Mapping => "eligo::import::mapping",
        /// An overlay is invalid or names nothing.
        Overlay => "eligo::import::overlay",
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
    ImportError::file_level(code, path, message, help)
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
