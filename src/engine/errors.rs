//! The error type of the library: every problem found, as diagnostics.

use std::fmt;

use miette::Diagnostic;

use crate::report::grouped::render_grouped_dyn;
use crate::report::human::Style;

/// Why an [`Engine`](super::Engine) call produced no result: every problem
/// found (invalid rule files, an invalid scenario, an unknown subject, …),
/// each a [`miette::Diagnostic`] with a stable code (`eligo::scenario::…`),
/// the file, line and column, and a help.
///
/// `Display` gives the first problem's message and how many more there are;
/// [`Errors::render`] gives all of them as `eligo` prints them on stderr.
#[derive(Debug)]
pub struct Errors {
    items: Vec<Box<dyn Diagnostic + Send + Sync + 'static>>,
}

impl Errors {
    /// Errors from a list of diagnostics.
    pub(crate) fn from_vec<E: Diagnostic + Send + Sync + 'static>(errors: Vec<E>) -> Self {
        Errors {
            items: errors
                .into_iter()
                .map(|e| Box::new(e) as Box<dyn Diagnostic + Send + Sync>)
                .collect(),
        }
    }

    /// One error.
    pub(crate) fn one<E: Diagnostic + Send + Sync + 'static>(error: E) -> Self {
        Errors::from_vec(vec![error])
    }

    /// Every problem rendered in `style`, each on its own (the command line's
    /// rendering where identical problems are not grouped).
    pub(crate) fn render_each(&self, style: Style) -> String {
        self.items
            .iter()
            .map(|e| crate::report::human::render_diagnostic(e.as_ref(), style))
            .collect()
    }

    /// Each problem, in the order found.
    pub fn iter(&self) -> impl Iterator<Item = &(dyn Diagnostic + Send + Sync + 'static)> {
        self.items.iter().map(|e| e.as_ref())
    }

    /// How many problems there are (at least one).
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there is none (never, for an error returned by the engine).
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Every problem rendered as `eligo` prints it: the code, the message,
    /// the source snippet with the place marked, and the help, identical
    /// problems once with their count; `color` adds ANSI colours. User text
    /// in it is escaped for a terminal.
    pub fn render(&self, color: bool) -> String {
        let style = Style { color, width: 100 };
        let list: Vec<&dyn Diagnostic> = self
            .items
            .iter()
            .map(|e| e.as_ref() as &dyn Diagnostic)
            .collect();
        render_grouped_dyn(&list, style).concat()
    }
}

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.items.first() {
            None => f.write_str("no error"),
            Some(first) => {
                let text = crate::escape::value(&first.to_string());
                match self.items.len() {
                    1 => write!(f, "{text}"),
                    n => write!(f, "{text} (and {} more)", n - 1),
                }
            }
        }
    }
}

impl std::error::Error for Errors {}
