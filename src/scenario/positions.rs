//! Parser events with eligo's positions: where a parser's spans (character
//! indexes, 0-based columns) and scan errors become [`Pos`]itions (byte
//! offsets, 1-based columns) and [`StreamError`]s.
//!
//! A large file is parsed on a second thread (see [`super::pipe`]); the
//! conversion runs there, so that the loader's thread, the longer of the
//! two, receives each event ready to use, and the queue between the threads
//! holds a 16-byte position instead of a 48-byte span per event.

use saphyr_parser::{ScanError, Span as YSpan};

use super::event::Event;

use super::events::{StreamError, TAB_ERRORS};
use super::input::PENDING_TOKENS_ERROR;
use super::lines::LineMarks;
use super::pipe::Item;
use super::store::Pos;
use super::text_checks::indentation_tab;
use crate::source::CharToByte;

/// An event (eligo's compact one) with its position, or why the stream stopped (boxed: rare, and
/// every event passes through here).
pub(crate) type Positioned<'a> = Result<(Event<'a>, Pos), Box<StreamError>>;

/// Converts a parser's spans and errors over one text.
#[derive(Debug)]
pub(crate) struct Positions<'a> {
    text: &'a str,
    chars: CharToByte,
}

impl<'a> Positions<'a> {
    /// The conversion for `text` (a table of character offsets when it is
    /// not ASCII).
    pub(crate) fn new(text: &'a str) -> Self {
        Positions {
            text,
            chars: CharToByte::new(text),
        }
    }

    /// A parser's item with eligo's position; `None` (the parser is done)
    /// is the end of the stream, where saphyr-parser's default span is.
    /// Always inlined: an item is 136 bytes, which a call moves twice.
    #[inline(always)]
    pub(crate) fn positioned(&self, item: Option<Item<'a>>) -> Positioned<'a> {
        match item {
            Some(Ok((event, span))) => Ok((event.into(), self.pos(&span))),
            Some(Err(e)) => Err(Box::new(self.scan_error(e))),
            None => Ok(stream_end()),
        }
    }

    /// The position of a parser span.
    #[inline]
    pub(crate) fn pos(&self, span: &YSpan) -> Pos {
        let start = self.chars.byte(span.start.index());
        let end = self.chars.byte(span.end.index()).max(start);
        Pos {
            line: span.start.line() as u32,
            column: span.start.col() as u32 + 1,
            offset: start as u32,
            len: (end - start) as u32,
        }
    }

    /// What a scan error means, and where.
    pub(crate) fn scan_error(&self, e: ScanError) -> StreamError {
        let marker = *e.marker();
        let pos = self.pos(&YSpan::new(marker, marker));
        let mut pos = Pos { len: 1, ..pos };
        let info = e.info();
        if info.contains("recursion limit") {
            return StreamError::DepthLimit(pos);
        }
        if info == PENDING_TOKENS_ERROR {
            return StreamError::FlowLimit(pos);
        }
        // The parser places some errors about a tab used as indentation at
        // the token before it, often a line above: point at the tab.
        if TAB_ERRORS.iter().any(|m| info.contains(m)) {
            if let Some(tab) = indentation_tab(self.text, pos.offset as usize) {
                pos = pos_at(self.text, tab, 1);
            }
        }
        StreamError::Syntax {
            pos,
            info: info.to_string(),
        }
    }
}

/// The end of the stream once the parser is done, where saphyr-parser's
/// default span is: its character index 0 is byte 0 in every text.
pub(crate) fn stream_end<'a>() -> (Event<'a>, Pos) {
    let start = YSpan::default().start;
    let pos = Pos {
        line: start.line() as u32,
        column: start.col() as u32 + 1,
        offset: 0,
        len: 0,
    };
    (Event::StreamEnd, pos)
}

/// The position of the character at byte `offset` of `text`, `len` bytes
/// long.
pub(crate) fn pos_at(text: &str, offset: usize, len: usize) -> Pos {
    let (line, column) = LineMarks::default().locate(text, offset as u32);
    Pos {
        line,
        column,
        offset: offset as u32,
        len: len as u32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_end_of_the_stream_is_at_the_default_span_in_any_text() {
        for text in ["", "a: 1\n", "é: ü\n"] {
            let positions = Positions::new(text);
            let (event, pos) = stream_end();
            assert_eq!(event, Event::StreamEnd);
            assert_eq!(pos, positions.pos(&YSpan::default()), "{text:?}");
            assert_eq!(positions.positioned(None).ok(), Some((event, pos)));
        }
    }
}
