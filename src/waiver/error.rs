//! Diagnostics for waivers files.

use miette::{Diagnostic, LabeledSpan, NamedSource};
use std::fmt;
use std::sync::Arc;
use thiserror::Error;

use crate::scenario::Pos;

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
#[derive(Debug, Error)]
#[error("{message}")]
pub struct WaiverError {
    /// The stable code.
    pub code: WaiverCode,
    /// What is wrong (lowercase, no final period, user text in backticks).
    pub message: String,
    /// The label under the position.
    pub label: String,
    /// What to do.
    pub help: Option<String>,
    /// The file's display name.
    pub path: String,
    /// Where, when the problem has a place in the file.
    pub pos: Option<Pos>,
    /// Another place that explains this one (the first of two duplicates).
    pub also: Option<(String, Pos)>,
    /// The file's text, for snippets.
    pub src: Option<NamedSource<Arc<str>>>,
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

impl Diagnostic for WaiverError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code.as_str()))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.pos
            .and(self.src.as_ref())
            .map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let pos = self.pos?;
        self.src.as_ref()?;
        let primary = LabeledSpan::new_primary_with_span(
            Some(self.label.clone()),
            (pos.offset as usize, pos.len as usize),
        );
        let also = self.also.iter().map(|(label, p)| {
            LabeledSpan::new_with_span(Some(label.clone()), (p.offset as usize, p.len as usize))
        });
        Some(Box::new(std::iter::once(primary).chain(also)))
    }
}
