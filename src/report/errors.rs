//! Input errors as data, for the machine-readable formats.
//!
//! The human format renders input errors as miette diagnostics on stderr; JSON,
//! SARIF, JUnit and GitHub annotations carry the same errors in their own output,
//! each as a stable code, a message, a help, and the file, line and column.

use miette::{Diagnostic, NamedSource};
use serde::Serialize;

use crate::lang::RuleError;
use crate::scenario::error::{InputCode, InputError as FileError};

/// One input error: a file that could not be used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct InputError {
    /// The stable code, e.g. `eligo::scenario::unknown_field`.
    pub code: String,
    /// What is wrong.
    pub message: String,
    /// What to do, when there is advice.
    pub help: Option<String>,
    /// The file.
    pub path: String,
    /// 1-based line, absent for file-level errors (unreadable file, bad encoding).
    pub line: Option<u32>,
    /// 1-based column (in characters), absent for file-level errors.
    pub column: Option<u32>,
}

impl InputError {
    /// `path:line:column`, or the path alone for a file-level error.
    pub fn place(&self) -> String {
        match (self.line, self.column) {
            (Some(line), Some(column)) => format!("{}:{line}:{column}", self.path),
            _ => self.path.clone(),
        }
    }
}

fn help_of(diagnostic: &dyn Diagnostic) -> Option<String> {
    diagnostic.help().map(|h| h.to_string())
}

fn code_of(diagnostic: &dyn Diagnostic) -> String {
    diagnostic
        .code()
        .map_or_else(|| "eligo::input".to_string(), |c| c.to_string())
}

/// The error at byte `offset` of a named source.
fn at_offset(
    diagnostic: &dyn Diagnostic,
    src: &NamedSource<crate::source::IndexedText>,
    offset: usize,
) -> InputError {
    let (line, column) = src.inner().line_col(offset);
    InputError {
        code: code_of(diagnostic),
        message: diagnostic.to_string(),
        help: help_of(diagnostic),
        path: src.name().to_string(),
        line: u32::try_from(line).ok(),
        column: u32::try_from(column).ok(),
    }
}

impl<C: InputCode> From<&FileError<C>> for InputError {
    fn from(e: &FileError<C>) -> Self {
        InputError {
            code: e.code.code_str().to_string(),
            message: e.message.clone(),
            help: e.help.clone(),
            path: e.path.clone(),
            line: e.pos.map(|p| p.line),
            column: e.pos.map(|p| p.column),
        }
    }
}

impl From<&RuleError> for InputError {
    fn from(e: &RuleError) -> Self {
        match e {
            RuleError::Syntax(s) => at_offset(e, s.source(), s.offset()),
            RuleError::Check(c) => at_offset(e, &c.src, c.span.start),
            RuleError::Io { path, .. } => InputError {
                code: code_of(e),
                message: e.to_string(),
                help: help_of(e),
                path: path.clone(),
                line: None,
                column: None,
            },
        }
    }
}
