//! Collects check errors across rule files so all are reported at once.

use super::error::{CheckCode, RuleCheckError};
use crate::source::{SourceFile, Span};

/// The errors found so far, with the files they point into.
pub(crate) struct Diags {
    files: Vec<SourceFile>,
    /// The errors in the order found.
    pub errors: Vec<RuleCheckError>,
    /// The warnings (lints) in the order found; they do not stop loading.
    pub warnings: Vec<RuleCheckError>,
    /// "Did you mean" suggestions made so far (see [`Diags::suggest`]).
    suggested: usize,
}

/// The most "did you mean" suggestions one load makes: each compares a name with
/// up to [`MAX_CANDIDATES`] others, so a file with many unknown names would
/// otherwise cost time quadratic in its size. Errors past this many are still
/// reported, without a suggestion.
pub(crate) const MAX_SUGGESTIONS: usize = 200;

/// The most names one suggestion compares with: a name set of a rule file can
/// be as large as the file (an enum of 10^5 values). Names past this many in
/// their set are not suggested.
pub(crate) const MAX_CANDIDATES: usize = 1000;

impl Diags {
    /// A collector for these files.
    pub(crate) fn new(files: &[SourceFile]) -> Self {
        Diags {
            files: files.to_vec(),
            errors: Vec::new(),
            warnings: Vec::new(),
            suggested: 0,
        }
    }

    /// Whether [`Diags::suggest`] would still look for a suggestion.
    pub(crate) fn may_suggest(&self) -> bool {
        self.suggested < MAX_SUGGESTIONS
    }

    /// "did you mean `x`?" for an unknown `name` among the first
    /// [`MAX_CANDIDATES`] `candidates` (see [`crate::suggest::did_you_mean`]),
    /// for the first [`MAX_SUGGESTIONS`] unknown names of a load.
    pub(crate) fn suggest<'a, I>(&mut self, name: &str, candidates: I) -> Option<String>
    where
        I: IntoIterator<Item = &'a str>,
        I::IntoIter: Clone,
    {
        if !self.may_suggest() {
            return None;
        }
        self.suggested += 1;
        crate::suggest::did_you_mean(name, candidates.into_iter().take(MAX_CANDIDATES))
    }

    /// Records a warning at `span` of file `file`.
    pub(crate) fn warning(
        &mut self,
        file: usize,
        span: Span,
        code: CheckCode,
        message: String,
        label: &str,
        help: Option<String>,
    ) {
        if let Some(mut warning) = self.entry(file, span, code, message, label, help) {
            warning.warning = true;
            self.warnings.push(warning);
        }
    }

    /// Records an error at `span` of file `file`.
    pub(crate) fn error(
        &mut self,
        file: usize,
        span: Span,
        code: CheckCode,
        message: String,
        label: &str,
        help: Option<String>,
    ) {
        if let Some(error) = self.entry(file, span, code, message, label, help) {
            self.errors.push(error);
        }
    }

    /// A diagnostic at `span` of file `file` (none for an unknown file).
    fn entry(
        &self,
        file: usize,
        span: Span,
        code: CheckCode,
        message: String,
        label: &str,
        help: Option<String>,
    ) -> Option<RuleCheckError> {
        let source = self.files.get(file)?;
        Some(RuleCheckError {
            code,
            message,
            label: label.to_string(),
            help,
            src: source.named_source().with_language("text"),
            span,
            also: Vec::new(),
            warning: false,
        })
    }

    /// Records a second declaration of a name, pointing at the first.
    pub(crate) fn duplicate(
        &mut self,
        file: usize,
        span: Span,
        what: &str,
        name: &str,
        first: (usize, Span),
    ) {
        let (first_file, first_span) = first;
        let where_first = self.files.get(first_file).map_or(String::new(), |f| {
            let (line, col) = f.line_col(first_span.start);
            format!("{}:{line}:{col}", f.name)
        });
        self.error(
            file,
            span,
            CheckCode::Duplicate,
            format!("{what} `{name}` is declared twice"),
            "declared again here",
            Some(format!(
                "the first declaration is at {where_first}; rename or remove one"
            )),
        );
        if first_file == file {
            if let Some(last) = self.errors.last_mut() {
                last.also.push(("first declared here".into(), first_span));
            }
        }
    }
}
