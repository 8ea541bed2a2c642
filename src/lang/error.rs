//! Diagnostics for rule files: syntax errors and check errors.

use miette::{Diagnostic, LabeledSpan, NamedSource};
use thiserror::Error;

use crate::source::{SourceFile, Span};

/// A rule file that does not parse.
#[derive(Debug, Error, Diagnostic)]
#[error("{}", self.describe())]
#[diagnostic(code(eligo::rules::syntax))]
pub struct RuleSyntaxError {
    /// What the parser expected at the error position, if known.
    pub expected: Option<String>,
    /// What it found there.
    pub found: String,
    #[source_code]
    src: NamedSource<crate::source::IndexedText>,
    #[label("{}", self.label())]
    span: Span,
    #[help]
    help: Option<String>,
}

impl RuleSyntaxError {
    pub(crate) fn new(source: &SourceFile, offset: usize, expected: Option<&'static str>) -> Self {
        let rest = source.text.get(offset..).unwrap_or("");
        let found = describe_found(rest);
        let len = rest.chars().next().map_or(0, |c| {
            if c.is_alphanumeric() || c == '_' {
                rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
                    .unwrap_or(rest.len())
            } else {
                c.len_utf8()
            }
        });
        RuleSyntaxError {
            expected: expected.map(str::to_string),
            found,
            src: source.named_source().with_language("text"),
            span: Span::new(offset, offset + len),
            help: expected.and_then(syntax_help),
        }
    }

    fn describe(&self) -> String {
        match &self.expected {
            Some(what) => format!("expected {what}, found {}", self.found),
            None => format!("unexpected {}", self.found),
        }
    }

    fn label(&self) -> String {
        match &self.expected {
            Some(what) => format!("expected {what} here"),
            None => "not understood here".to_string(),
        }
    }

    /// The byte offset of the error.
    pub fn offset(&self) -> usize {
        self.span.start
    }

    /// The rule file the error is in.
    pub fn source(&self) -> &NamedSource<crate::source::IndexedText> {
        &self.src
    }
}

/// A hint for the common syntax mistakes, keyed by what the parser expected.
fn syntax_help(expected: &str) -> Option<String> {
    if expected == crate::lang::bounds::TOO_DEEP {
        return Some(format!(
            "expressions may nest {} levels by default; raise the limit with `--max-rule-depth` (up to {})",
            crate::lang::bounds::MAX_EXPR_DEPTH,
            crate::lang::bounds::MAX_EXPR_DEPTH_CEILING
        ));
    }
    if expected == crate::lang::bounds::TYPE_TOO_DEEP {
        return Some(format!(
            "list types may nest {} levels by default; raise the limit with `--max-rule-depth` (up to {})",
            crate::lang::bounds::MAX_EXPR_DEPTH,
            crate::lang::bounds::MAX_EXPR_DEPTH_CEILING
        ));
    }
    if expected == crate::lang::bounds::TOO_HIGH {
        return Some(crate::lang::bounds::too_high_help());
    }
    if expected == crate::lang::bounds::TOO_MANY_CLAUSES {
        return Some(crate::lang::bounds::too_many_clauses_help());
    }
    let help = match expected {
        "`error` or `warning`" => "a rule starts `rule my-rule: error \"summary\"` (or `warning`)",
        "a closing `\"` on the same line" | "a closing `\"`" => "strings end on the line they start; close it with `\"`",
        "`for`, `let`, `where` or `require`" => {
            "a rule body is `for`, `let` and `where` clauses, then `require CONDITION` and `else SUBJECT: \"message\"`"
        }
        "`else` and the subject" => "after `require CONDITION` comes `else SUBJECT: \"message\"`",
        "`enum`, `entity`, `record`, `root`, `let` or `rule`" => {
            "every top-level item starts with one of these keywords; check the line above for an unclosed block"
        }
        _ => return None,
    };
    Some(help.to_string())
}

fn describe_found(rest: &str) -> String {
    let token: String = match rest.chars().next() {
        None => return "the end of the file".to_string(),
        Some(c) if c.is_alphanumeric() || c == '_' => rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
            .take(40)
            .collect(),
        Some('\n') | Some('\r') => return "the end of the line".to_string(),
        Some(c) => c.to_string(),
    };
    format!("`{token}`")
}

/// Stable codes of rule-check errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckCode {
    /// A name that is not a variable, constant, root field, kind or enum value.
    UnknownName,
    /// A field that the kind does not declare.
    UnknownField,
    /// An enum value that the enum does not declare.
    UnknownEnumValue,
    /// A type that is not a primitive, an enum or a kind.
    UnknownType,
    /// Operands or arguments of the wrong type.
    TypeMismatch,
    /// Two declarations with one name (rules, kinds, enums, constants, fields).
    Duplicate,
    /// A schema declaration that does not hold together.
    InvalidSchema,
    /// A subject that is not an entity with an id.
    InvalidSubject,
    /// Warning: a rule-level `let` whose variable is never used.
    UnusedLet,
    /// Warning: a named constant that no rule or constant uses.
    UnusedConstant,
    /// Warning: a condition that always holds or never holds.
    ConstantCondition,
    /// Warning: a rule that walks a whole collection per binding (no join serves it).
    CrossProduct,
}

impl CheckCode {
    /// The diagnostic code, e.g. `eligo::rules::unknown_field`.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckCode::UnknownName => "eligo::rules::unknown_name",
            CheckCode::UnknownField => "eligo::rules::unknown_field",
            CheckCode::UnknownEnumValue => "eligo::rules::unknown_enum_value",
            CheckCode::UnknownType => "eligo::rules::unknown_type",
            CheckCode::TypeMismatch => "eligo::rules::type_mismatch",
            CheckCode::Duplicate => "eligo::rules::duplicate",
            CheckCode::InvalidSchema => "eligo::rules::invalid_schema",
            CheckCode::InvalidSubject => "eligo::rules::invalid_subject",
            CheckCode::UnusedLet => "eligo::rules::unused_let",
            CheckCode::UnusedConstant => "eligo::rules::unused_constant",
            CheckCode::ConstantCondition => "eligo::rules::constant_condition",
            CheckCode::CrossProduct => "eligo::rules::cross_product",
        }
    }
}

/// A rule file that parses but does not check against the schema.
#[derive(Debug, Error)]
#[error("{message}")]
pub struct RuleCheckError {
    /// The stable code.
    pub code: CheckCode,
    /// What is wrong (lowercase, no final period).
    pub message: String,
    /// The label under the span.
    pub label: String,
    /// What to do, e.g. "did you mean `region`?".
    pub help: Option<String>,
    /// The file the span points into.
    pub src: NamedSource<crate::source::IndexedText>,
    /// Where.
    pub span: Span,
    /// Secondary locations (e.g. the first of two duplicates).
    pub also: Vec<(String, Span)>,
    /// A warning (a lint): reported by `eligo check-rules`, never fails loading.
    pub warning: bool,
}

impl Diagnostic for RuleCheckError {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(self.code.as_str()))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(if self.warning {
            miette::Severity::Warning
        } else {
            miette::Severity::Error
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.src)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let primary = LabeledSpan::new_primary_with_span(Some(self.label.clone()), self.span);
        let others = self
            .also
            .iter()
            .map(|(label, span)| LabeledSpan::new_with_span(Some(label.clone()), *span));
        Some(Box::new(std::iter::once(primary).chain(others)))
    }
}

/// Any problem with the loaded rule files.
#[derive(Debug, Error, Diagnostic)]
pub enum RuleError {
    /// A syntax error.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Syntax(#[from] RuleSyntaxError),
    /// A check error.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Check(#[from] RuleCheckError),
    /// A rule file or folder that cannot be read.
    #[error("cannot read rule file `{path}`: {reason}")]
    #[diagnostic(
        code(eligo::rules::io),
        help("check that the path exists and is readable")
    )]
    Io {
        /// The path given.
        path: String,
        /// The operating system's reason.
        reason: String,
    },
}
