//! The block fast path: the events of a scenario written in block-style YAML
//! without saphyr-parser.
//!
//! saphyr-parser spends some 250 instructions per byte of a book, most of
//! the time of a check. Books are written in a small part of YAML: block
//! mappings and sequences indented with spaces, plain and quoted scalars on
//! one line, one-line flow sequences of scalars (`roles: [a, b]`), one-line
//! flow mappings of scalars (`mca: { via: direct }`), comments
//! and blank lines. This scanner reads that part line by line and gives
//! exactly saphyr-parser's events, with the same values, styles and spans
//! (character index, line and column of each start and end).
//!
//! Anything else (anchors, aliases, tags, block scalars, nested flow collections,
//! multi-line scalars, tabs, control characters, `---`, directives, a
//! sequence indented like its key, a key longer than
//! [`scanner`]'s bound, an empty document) hands the whole text to
//! saphyr-parser, so that its events and errors are exactly today's. As for
//! the JSON fast path, a small text is decided before the first event: a dry
//! run of the scanner over the whole text (no allocation) says whether it
//! reads the text to its end; only then are its events used. A large one is
//! streamed without the dry run ([`BlockEvents::streaming`]): the loader's
//! result is kept only if the scanner read the text to its end, and the
//! text is loaded again the first way otherwise. The
//! equivalence with saphyr-parser is tested by [`differential`] over the
//! fixtures, generated books and books written with random formatting, and
//! by the `yaml_differential` fuzz target.

pub(crate) mod differential;
mod scalar;
mod scanner;

use saphyr_parser::{Event, Span};

/// The text leaves what the fast path reads like saphyr-parser.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Unhandled;

/// The events of a block-style YAML text, as saphyr-parser gives them.
pub(crate) struct BlockEvents<'a> {
    scanner: scanner::Scanner<'a, false>,
}

impl<'a> BlockEvents<'a> {
    /// The events of `text`, when the fast path reads it to its end; `None`
    /// means saphyr-parser must read it.
    pub(crate) fn new(text: &'a str) -> Option<Self> {
        if !reads_to_the_end(text) {
            return None;
        }
        Some(BlockEvents {
            scanner: scanner::Scanner::new(text),
        })
    }

    /// The events of `text` without the dry run: the caller must then treat
    /// `Err` from [`BlockEvents::next_event`] as "saphyr-parser must read the
    /// text from its start", and must not use what it made of the events
    /// unless the scanner read the text to its end (see
    /// [`BlockEvents::reads_to_the_end`]). Saves the dry run's pass, which
    /// otherwise comes before the first event reaches the loader.
    pub(crate) fn streaming(text: &'a str) -> Self {
        BlockEvents {
            scanner: scanner::Scanner::new(text),
        }
    }

    /// Whether the rest of the text, from where the events stopped, is read
    /// to the end of the stream (for a consumer that stopped early).
    pub(crate) fn reads_to_the_end(&mut self) -> bool {
        std::iter::from_fn(|| self.scanner.step().transpose()).all(|step| step.is_ok())
    }

    /// The next event, `None` after the stream's end. After
    /// [`BlockEvents::new`] `Err` is impossible (its dry run read the text
    /// and the scanner is deterministic) and is never silent.
    pub(crate) fn next_event(&mut self) -> Option<Result<(Event<'a>, Span), Unhandled>> {
        self.scanner.step().transpose()
    }
}

/// The dry run: whether the scanner reads `text` to the end of the stream.
fn reads_to_the_end(text: &str) -> bool {
    let mut scanner = scanner::Scanner::<true>::new(text);
    std::iter::from_fn(|| scanner.step().transpose()).all(|step| step.is_ok())
}
