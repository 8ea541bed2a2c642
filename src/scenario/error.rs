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

/// Declares an enum of stable error codes, each variant with its code
/// string (`Io => "eligo::config::io"`), with what every such enum needs:
/// `as_str`, `Display` (the code) and [`InputCode`]. The scenario, waivers,
/// configuration and import errors declare theirs with it.
macro_rules! input_codes {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $code:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )*
        }

        impl $name {
            /// The diagnostic code, e.g. `eligo::scenario::unknown_field`.
            $vis fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $code, )*
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::scenario::error::InputCode for $name {
            fn code_str(self) -> &'static str {
                self.as_str()
            }
        }
    };
}
pub(crate) use input_codes;

input_codes! {
    /// Stable codes of scenario input errors.
    pub enum ScenarioCode {
        /// The file cannot be read.
        Io => "eligo::scenario::io",
        /// The text is not UTF-8.
        NotUtf8 => "eligo::scenario::not_utf8",
        /// The file holds no document.
        Empty => "eligo::scenario::empty",
        /// The YAML does not parse.
        Syntax => "eligo::yaml::syntax",
        /// Aliases expand beyond the limit.
        AliasLimit => "eligo::yaml::alias_limit",
        /// Nesting beyond the limit.
        DepthLimit => "eligo::yaml::depth_limit",
        /// A nested flow collection too large to parse in bounded memory.
        FlowLimit => "eligo::yaml::flow_limit",
        /// The file or a string is larger than the limit.
        SizeLimit => "eligo::scenario::size_limit",
        /// More than one YAML document.
        MultipleDocuments => "eligo::scenario::multiple_documents",
        /// The root has none of the collections.
        NoCollections => "eligo::scenario::no_collections",
        /// A key the schema does not declare.
        UnknownField => "eligo::scenario::unknown_field",
        /// A value of the wrong type.
        WrongType => "eligo::scenario::wrong_type",
        /// A value outside an enum.
        InvalidEnum => "eligo::scenario::invalid_enum",
        /// A required field absent or null.
        MissingField => "eligo::scenario::missing_field",
        /// A `nonempty` list that is empty.
        EmptyList => "eligo::scenario::empty_list",
        /// A number below its minimum.
        OutOfRange => "eligo::scenario::out_of_range",
        /// An id used twice.
        DuplicateId => "eligo::scenario::duplicate_id",
        /// A key given twice in one mapping.
        DuplicateKey => "eligo::scenario::duplicate_key",
        /// A reference to no id.
        UnknownReference => "eligo::scenario::unknown_reference",
        /// A reference to an id of another kind.
        WrongReferenceKind => "eligo::scenario::wrong_reference_kind",
        /// A date that is not `YYYY-MM-DD` or does not exist.
        InvalidDate => "eligo::scenario::invalid_date",
        /// An `expect` entry naming an unknown rule.
        UnknownExpectRule => "eligo::scenario::unknown_expect_rule",
        /// An `expect` entry naming an unknown subject.
        UnknownExpectSubject => "eligo::scenario::unknown_expect_subject",
        /// A rule needed more work than its budget on the file (`--max-work`).
        WorkBudget => "eligo::eval::work_budget",
    }
}

/// A stable diagnostic code of an input file (a scenario or a waivers file).
pub trait InputCode: Copy + fmt::Debug + fmt::Display + Send + Sync + 'static {
    /// The code, e.g. `eligo::scenario::unknown_field`.
    fn code_str(self) -> &'static str;
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

impl<C: InputCode> InputError<C> {
    /// An error with no position (file-level): an unreadable file, one that
    /// is too large or not UTF-8.
    pub(crate) fn file_level(
        code: C,
        path: &str,
        message: impl Into<String>,
        help: Option<String>,
    ) -> Self {
        InputError {
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
