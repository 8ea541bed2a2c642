//! Diagnostics for waivers files.

use std::fmt;

use crate::scenario::error::{InputCode, InputError};

/// Stable codes of waivers-file errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WaiverCode {
    /// The file cannot be read.
    Io,
    /// The text is not UTF-8.
    NotUtf8,
    /// The file is larger than the limit.
    SizeLimit,
    /// The file holds no document.
    Empty,
    /// More than one YAML document.
    MultipleDocuments,
    /// The YAML does not parse.
    Syntax,
    /// Aliases expand beyond the limit.
    AliasLimit,
    /// Nesting beyond the limit.
    DepthLimit,
    /// A key the format does not declare.
    UnknownField,
    /// A value of the wrong type.
    WrongType,
    /// A required field absent, null or empty.
    MissingField,
    /// A key given twice in one mapping.
    DuplicateKey,
    /// A date that is not `YYYY-MM-DD` or does not exist.
    InvalidDate,
    /// A rule id that no loaded rule has.
    UnknownRule,
    /// Two waivers for one rule and subject.
    DuplicateWaiver,
}

impl WaiverCode {
    /// The diagnostic code, e.g. `eligo::waivers::unknown_rule`.
    pub fn as_str(self) -> &'static str {
        use WaiverCode::*;
        match self {
            Io => "eligo::waivers::io",
            NotUtf8 => "eligo::waivers::not_utf8",
            SizeLimit => "eligo::waivers::size_limit",
            Empty => "eligo::waivers::empty",
            MultipleDocuments => "eligo::waivers::multiple_documents",
            Syntax => "eligo::waivers::syntax",
            AliasLimit => "eligo::waivers::alias_limit",
            DepthLimit => "eligo::waivers::depth_limit",
            UnknownField => "eligo::waivers::unknown_field",
            WrongType => "eligo::waivers::wrong_type",
            MissingField => "eligo::waivers::missing_field",
            DuplicateKey => "eligo::waivers::duplicate_key",
            InvalidDate => "eligo::waivers::invalid_date",
            UnknownRule => "eligo::waivers::unknown_rule",
            DuplicateWaiver => "eligo::waivers::duplicate_waiver",
        }
    }
}

impl fmt::Display for WaiverCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem with a waivers file.
pub(crate) type WaiverError = InputError<WaiverCode>;

impl InputCode for WaiverCode {
    fn code_str(self) -> &'static str {
        self.as_str()
    }
}

impl WaiverError {
    /// An error with no position (file-level).
    pub fn file_level(code: WaiverCode, path: &str, message: String, help: &str) -> Self {
        WaiverError {
            code,
            message,
            label: String::new(),
            help: Some(help.to_string()),
            path: path.to_string(),
            pos: None,
            also: None,
            src: None,
        }
    }
}
