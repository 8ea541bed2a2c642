//! Diagnostics for scenario files.

use miette::{
    Diagnostic, LabeledSpan, MietteError, MietteSpanContents, NamedSource, SourceCode, SourceSpan,
    SpanContents,
};
use std::fmt;
use thiserror::Error;

use super::store::Pos;
use crate::source::read_window;
use crate::source::snippet::window_near;

/// Stable codes of scenario input errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScenarioCode {
    /// The file cannot be read.
    Io,
    /// The text is not UTF-8.
    NotUtf8,
    /// The file holds no document.
    Empty,
    /// The YAML does not parse.
    Syntax,
    /// Aliases expand beyond the limit.
    AliasLimit,
    /// Nesting beyond the limit.
    DepthLimit,
    /// A nested flow collection too large to parse in bounded memory.
    FlowLimit,
    /// The file or a string is larger than the limit.
    SizeLimit,
    /// More than one YAML document.
    MultipleDocuments,
    /// The root has none of the collections.
    NoCollections,
    /// A key the schema does not declare.
    UnknownField,
    /// A value of the wrong type.
    WrongType,
    /// A value outside an enum.
    InvalidEnum,
    /// A required field absent or null.
    MissingField,
    /// A `nonempty` list that is empty.
    EmptyList,
    /// A number below its minimum.
    OutOfRange,
    /// An id used twice.
    DuplicateId,
    /// A key given twice in one mapping.
    DuplicateKey,
    /// A reference to no id.
    UnknownReference,
    /// A reference to an id of another kind.
    WrongReferenceKind,
    /// A date that is not `YYYY-MM-DD` or does not exist.
    InvalidDate,
    /// An `expect` entry naming an unknown rule.
    UnknownExpectRule,
    /// An `expect` entry naming an unknown subject.
    UnknownExpectSubject,
    /// A rule needed more work than its budget on the file (`--max-work`).
    WorkBudget,
}

impl ScenarioCode {
    /// The diagnostic code, e.g. `eligo::scenario::unknown_field`.
    pub fn as_str(self) -> &'static str {
        use ScenarioCode::*;
        match self {
            Io => "eligo::scenario::io",
            NotUtf8 => "eligo::scenario::not_utf8",
            Empty => "eligo::scenario::empty",
            Syntax => "eligo::yaml::syntax",
            AliasLimit => "eligo::yaml::alias_limit",
            DepthLimit => "eligo::yaml::depth_limit",
            FlowLimit => "eligo::yaml::flow_limit",
            SizeLimit => "eligo::scenario::size_limit",
            MultipleDocuments => "eligo::scenario::multiple_documents",
            NoCollections => "eligo::scenario::no_collections",
            UnknownField => "eligo::scenario::unknown_field",
            WrongType => "eligo::scenario::wrong_type",
            InvalidEnum => "eligo::scenario::invalid_enum",
            MissingField => "eligo::scenario::missing_field",
            EmptyList => "eligo::scenario::empty_list",
            OutOfRange => "eligo::scenario::out_of_range",
            DuplicateId => "eligo::scenario::duplicate_id",
            DuplicateKey => "eligo::scenario::duplicate_key",
            UnknownReference => "eligo::scenario::unknown_reference",
            WrongReferenceKind => "eligo::scenario::wrong_reference_kind",
            InvalidDate => "eligo::scenario::invalid_date",
            UnknownExpectRule => "eligo::scenario::unknown_expect_rule",
            UnknownExpectSubject => "eligo::scenario::unknown_expect_subject",
            WorkBudget => "eligo::eval::work_budget",
        }
    }
}

impl fmt::Display for ScenarioCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stable diagnostic code of an input file (a scenario or a waivers file).
pub trait InputCode: Copy + fmt::Debug + fmt::Display + Send + Sync + 'static {
    /// The code, e.g. `eligo::scenario::unknown_field`.
    fn code_str(self) -> &'static str;
}

impl InputCode for ScenarioCode {
    fn code_str(self) -> &'static str {
        self.as_str()
    }
}

/// One problem with an input file, positioned in it when it has a place there.
#[derive(Debug, Error)]
#[error("{message}")]
pub struct InputError<C: InputCode> {
    /// The stable code.
    pub code: C,
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
    /// Another place that explains this one (e.g. the first of two duplicates).
    pub also: Option<(String, Pos)>,
    /// The file's text, for snippets.
    pub src: Option<NamedSource<crate::source::IndexedText>>,
}

/// One problem with a scenario file.
pub type ScenarioError = InputError<ScenarioCode>;

impl ScenarioError {
    /// An error with no position (file-level).
    pub fn file_level(
        code: ScenarioCode,
        path: &str,
        message: impl Into<String>,
        help: Option<String>,
    ) -> Self {
        ScenarioError {
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
}

/// The error's file, as miette reads it for a snippet: only the lines around
/// the span, located from the nearest position the error knows the line of
/// (its own, or the one it refers to), so that rendering many errors costs
/// each its snippet rather than a scan of the file from its start.
impl<C: InputCode> SourceCode for InputError<C> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let src = self.src.as_ref().ok_or(MietteError::OutOfBounds)?;
        let known = self
            .pos
            .iter()
            .chain(self.also.iter().map(|(_, p)| p))
            .min_by_key(|p| (p.offset as usize).abs_diff(span.offset()))
            .ok_or(MietteError::OutOfBounds)?;
        let text = src.inner().text();
        let bounds = window_near(
            text,
            span.offset(),
            span.len(),
            (known.offset as usize, known.line as usize),
        );
        let contents = read_window(
            text,
            bounds,
            span,
            context_lines_before,
            context_lines_after,
        )?;
        let named = MietteSpanContents::new_named(
            src.name().to_string(),
            contents.data(),
            *contents.span(),
            contents.line(),
            contents.column(),
            contents.line_count(),
        );
        Ok(Box::new(named.with_language("yaml")))
    }
}

impl<C: InputCode> Diagnostic for InputError<C> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code.code_str()))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.pos
            .and(self.src.as_ref())
            .map(|_| self as &dyn miette::SourceCode)
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
