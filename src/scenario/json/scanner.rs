//! The JSON scanner: a state machine that gives saphyr-parser's events one
//! at a time, holding only the stack of open collections.

use saphyr_parser::{Event, ScalarStyle, Span};
use std::borrow::Cow;

use super::cursor::Cursor;
use super::{plain, string, Unhandled};

/// The deepest nesting handled: saphyr-parser counts flow levels in a `u8`
/// and stops with "recursion limit exceeded" at the 256th; deeper texts go
/// to it for that error.
pub(crate) const MAX_DEPTH: usize = 255;

/// What comes next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    StreamStart,
    DocumentStart,
    /// A value (the root, a mapping value, or a sequence entry after `,`).
    Value,
    /// A key or `}` (just after `{`).
    FirstKey,
    /// A value or `]` (just after `[`).
    FirstEntry,
    /// `,` or the end of the collection (or of the text, at the root).
    AfterValue,
    DocumentEnd,
    StreamEnd,
    Done,
}

/// The event of one step, with its span.
pub(super) type Step<'a> = Result<Option<(Event<'a>, Span)>, Unhandled>;

/// The scanner over one text.
pub(super) struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    cur: Cursor,
    /// The open collections, `true` for a mapping.
    open: Vec<bool>,
    state: State,
    /// Whether escaped strings are decoded (a dry run only checks them).
    decode: bool,
}

impl<'a> Scanner<'a> {
    /// A scanner at the start of `text`.
    pub(super) fn new(text: &'a str, decode: bool) -> Self {
        let bom = text.starts_with('\u{feff}');
        Scanner {
            text,
            bytes: text.as_bytes(),
            cur: Cursor::start(bom),
            open: Vec::new(),
            state: State::StreamStart,
            decode,
        }
    }

    /// The next event, `None` after the stream's end, or `Unhandled` where
    /// the text leaves the JSON that this scanner reads like saphyr-parser.
    pub(super) fn step(&mut self) -> Step<'a> {
        let event = match self.state {
            State::StreamStart => {
                self.state = State::DocumentStart;
                let start = saphyr_parser::Marker::new(0, 1, 0);
                (Event::StreamStart, Span::new(start, start))
            }
            State::DocumentStart => {
                // The implicit document starts with its root's first token.
                self.cur.skip_whitespace(self.bytes);
                if !matches!(self.byte(), Some(b'{' | b'[')) {
                    return Err(Unhandled);
                }
                self.state = State::Value;
                let mut probe = self.cur;
                (Event::DocumentStart(false), self.indicator(&mut probe))
            }
            State::Value => self.value()?,
            State::FirstKey => {
                self.cur.skip_whitespace(self.bytes);
                if self.byte() == Some(b'}') {
                    self.close(true)?
                } else {
                    self.key()?
                }
            }
            State::FirstEntry => {
                self.cur.skip_whitespace(self.bytes);
                if self.byte() == Some(b']') {
                    self.close(false)?
                } else {
                    self.value()?
                }
            }
            State::AfterValue => return self.after_value(),
            State::DocumentEnd => {
                self.state = State::StreamEnd;
                let end = self.cur.end_marker();
                (Event::DocumentEnd, Span::new(end, end))
            }
            State::StreamEnd => {
                self.state = State::Done;
                let end = self.cur.end_marker();
                (Event::StreamEnd, Span::new(end, end))
            }
            State::Done => return Ok(None),
        };
        Ok(Some(event))
    }

    fn byte(&self) -> Option<u8> {
        self.bytes.get(self.cur.pos).copied()
    }

    /// The span of the one-byte indicator at `cur`, which it moves past the
    /// indicator and the blanks after it (saphyr's span covers them too).
    #[inline(always)]
    fn indicator(&self, cur: &mut Cursor) -> Span {
        let start = cur.marker();
        cur.pos += 1;
        cur.skip_blanks(self.bytes);
        Span::new(start, cur.marker())
    }

    /// A value at the next token.
    // This and the other steps are inlined into `step`: each returns an event
    // with its span (136 bytes), which as a call result was moved by
    // `memcpy` on every event (12% of the parser thread's samples).
    #[inline(always)]
    fn value(&mut self) -> Result<(Event<'a>, Span), Unhandled> {
        self.cur.skip_whitespace(self.bytes);
        match self.byte() {
            Some(b'{') => self.start(true),
            Some(b'[') => self.start(false),
            Some(b'"') => {
                self.state = State::AfterValue;
                self.string()
            }
            Some(_) => {
                let at = self.cur.pos;
                let end = plain::end(self.bytes, at)?;
                let value = self.text.get(at..end).ok_or(Unhandled)?;
                let start = self.cur.marker();
                self.cur.pos = end;
                self.state = State::AfterValue;
                let event = Event::Scalar(Cow::Borrowed(value), ScalarStyle::Plain, 0, None);
                Ok((event, Span::new(start, self.cur.marker())))
            }
            None => Err(Unhandled),
        }
    }

    /// A key at the next token, and the `:` after it.
    #[inline(always)]
    fn key(&mut self) -> Result<(Event<'a>, Span), Unhandled> {
        if self.byte() != Some(b'"') {
            return Err(Unhandled);
        }
        let key = self.string()?;
        self.cur.skip_whitespace(self.bytes);
        if self.byte() != Some(b':') {
            return Err(Unhandled);
        }
        self.cur.pos += 1;
        self.state = State::Value;
        Ok(key)
    }

    /// The string at `cur`, as a double-quoted scalar whose span takes in the
    /// blanks after the closing quote.
    #[inline(always)]
    fn string(&mut self) -> Result<(Event<'a>, Span), Unhandled> {
        let start = self.cur.marker();
        let read = string::read(self.text, self.cur.pos, self.decode)?;
        self.cur.pos = read.end;
        self.cur.cont += read.cont;
        self.cur.skip_blanks(self.bytes);
        let event = Event::Scalar(read.value, ScalarStyle::DoubleQuoted, 0, None);
        Ok((event, Span::new(start, self.cur.marker())))
    }

    /// Opens a collection (`true` for a mapping) at `cur`.
    #[inline(always)]
    fn start(&mut self, mapping: bool) -> Result<(Event<'a>, Span), Unhandled> {
        if self.open.len() >= MAX_DEPTH {
            return Err(Unhandled);
        }
        self.open.push(mapping);
        let mut cur = self.cur;
        let span = self.indicator(&mut cur);
        self.cur = cur;
        if mapping {
            self.state = State::FirstKey;
            Ok((Event::MappingStart(0, None), span))
        } else {
            self.state = State::FirstEntry;
            Ok((Event::SequenceStart(0, None), span))
        }
    }

    /// Closes the innermost collection (`true` for a mapping) at `cur`.
    #[inline(always)]
    fn close(&mut self, mapping: bool) -> Result<(Event<'a>, Span), Unhandled> {
        if self.open.pop() != Some(mapping) {
            return Err(Unhandled);
        }
        let mut cur = self.cur;
        let span = self.indicator(&mut cur);
        self.cur = cur;
        self.state = State::AfterValue;
        if self.open.is_empty() {
            // Only whitespace may follow the root.
            self.cur.skip_whitespace(self.bytes);
            if self.cur.pos != self.bytes.len() {
                return Err(Unhandled);
            }
            self.state = State::DocumentEnd;
        }
        if mapping {
            Ok((Event::MappingEnd, span))
        } else {
            Ok((Event::SequenceEnd, span))
        }
    }

    /// After a value: `,` (then the next entry's event) or a closing bracket.
    #[inline(always)]
    fn after_value(&mut self) -> Step<'a> {
        self.cur.skip_whitespace(self.bytes);
        let mapping = *self.open.last().ok_or(Unhandled)?;
        let event = match (self.byte(), mapping) {
            (Some(b','), true) => {
                self.cur.pos += 1;
                self.cur.skip_whitespace(self.bytes);
                self.key()?
            }
            (Some(b','), false) => {
                self.cur.pos += 1;
                self.value()?
            }
            (Some(b'}'), true) => self.close(true)?,
            (Some(b']'), false) => self.close(false)?,
            _ => return Err(Unhandled),
        };
        Ok(Some(event))
    }
}
