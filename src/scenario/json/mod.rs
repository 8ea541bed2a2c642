//! The JSON fast path: the events of a JSON document without saphyr-parser.
//!
//! A scenario written as JSON is a YAML document too, and saphyr-parser
//! reads it, but slowly and with memory growing with the document: its
//! scanner keeps every token of a flow collection queued until the
//! collection closes (possible simple keys never expire in flow context), so
//! a whole-document `{...}` is held as tokens at once, about 370 bytes per
//! scalar (a 100 MB file peaked at 4.9 GB). This scanner gives the same
//! events, with the same values, styles and spans, holding only the stack of
//! open collections.
//!
//! It reads strict JSON and nothing else: a text whose first character after
//! an optional byte-order mark and whitespace is `{` or `[`, with JSON's
//! tokens, escapes and whitespace only, nested at most [`MAX_DEPTH`] deep,
//! and nothing after the root but whitespace. Anything else (a comment, a
//! trailing comma, YAML syntax, a surrogate escape, a syntax error) hands the
//! whole text to saphyr-parser, so that its events and errors are exactly
//! today's. The decision is taken before the first event: a dry run of the
//! scanner over the whole text (no allocation, a fraction of the cost of
//! loading) says whether it reads the text to its end; only then are its
//! events used. The loader skips the dry run for large files
//! ([`JsonEvents::streaming`]): it loads from the events as they come and
//! uses the result only when the scanner read the text to its end, and
//! otherwise loads the text again from the start, through saphyr-parser.
//! The equivalence with saphyr-parser is tested by [`differential`] over
//! the fixtures, generated books and generated JSON, and by the
//! `json_differential` fuzz target.

mod cursor;
pub(crate) mod differential;
pub(crate) mod plain;
mod scanner;
mod source;
mod string;

pub(crate) use source::EventSource;

use saphyr_parser::{Event, Span};

/// The text leaves what the fast path reads like saphyr-parser.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Unhandled;

/// The events of a JSON document, as saphyr-parser gives them.
pub(crate) struct JsonEvents<'a> {
    scanner: scanner::Scanner<'a>,
}

impl<'a> JsonEvents<'a> {
    /// The events of `text`, when it is a JSON document that the fast path
    /// reads to its end; `None` means saphyr-parser must read it.
    pub(crate) fn new(text: &'a str) -> Option<Self> {
        if !starts_like_json(text) || !reads_to_the_end(text) {
            return None;
        }
        Some(JsonEvents {
            scanner: scanner::Scanner::new(text, true),
        })
    }

    /// The events of `text` without the dry run, when it starts like JSON:
    /// the caller must then treat `Err` from [`JsonEvents::next_event`] as
    /// "saphyr-parser must read the text from its start", and must not use
    /// what it made of the events unless the scanner read the text to its
    /// end (see [`JsonEvents::reads_to_the_end`]). Saves the dry run's pass,
    /// a third of the instructions of loading a JSON book.
    pub(crate) fn streaming(text: &'a str) -> Option<Self> {
        starts_like_json(text).then(|| JsonEvents {
            scanner: scanner::Scanner::new(text, true),
        })
    }

    /// Whether the rest of the text, from where the events stopped, is read
    /// to the end of the stream (for a consumer that stopped early).
    pub(crate) fn reads_to_the_end(&mut self) -> bool {
        std::iter::from_fn(|| self.scanner.step().transpose()).all(|step| step.is_ok())
    }

    /// The next event, `None` after the stream's end. After [`JsonEvents::new`]
    /// `Err` is impossible (its dry run read the text and the scanner is
    /// deterministic) and is never silent.
    pub(crate) fn next_event(&mut self) -> Option<Result<(Event<'a>, Span), Unhandled>> {
        self.scanner.step().transpose()
    }
}

/// Whether the first character after a byte-order mark and JSON whitespace
/// opens an object or an array: cheap, and true of every JSON book.
fn starts_like_json(text: &str) -> bool {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    body.trim_start_matches([' ', '\t', '\n', '\r'])
        .starts_with(['{', '['])
}

/// The dry run: whether the scanner reads `text` to the end of the stream.
fn reads_to_the_end(text: &str) -> bool {
    let mut scanner = scanner::Scanner::new(text, false);
    std::iter::from_fn(|| scanner.step().transpose()).all(|step| step.is_ok())
}
