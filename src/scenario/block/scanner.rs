//! The block scanner: reads a text line by line and gives saphyr-parser's
//! events, holding the stack of open block collections and the few events
//! of the current line.
//!
//! Each content line is `- ` entries and `key: value` pairs at an
//! indentation that closes, continues or opens the block collections; a
//! value is a plain or quoted scalar, a one-line flow sequence of them, or a
//! one-line flow mapping of `key: value` pairs of them.
//! Any line that is something else, or that saphyr-parser would read
//! differently (a plain scalar going on over lines, an indentation no open
//! collection has, a sequence at its key's indentation), is [`Unhandled`].

use std::collections::VecDeque;

use saphyr_parser::{Event, Marker, ScalarStyle, Span};

use super::scalar::{self, blank_or_breakz, PlainStop};
use super::Unhandled;
use crate::scenario::input::stream_end_marker;

/// The longest key handled, in characters from its start to its `:`:
/// saphyr-parser stops looking for a simple key's `:` 1024 characters on.
const MAX_KEY_CHARS: usize = 1000;

/// The most entries of a one-line flow collection read here. The events of
/// a line are queued before the first is given, so a line of 3 million
/// pairs (38 MB) held them all at once, 825 MiB at the peak; past this bound
/// the text is saphyr-parser's, which gives them one at a time (46 MiB).
pub(super) const MAX_FLOW_ENTRIES: usize = 1024;

/// An open block collection.
#[derive(Clone, Copy, Debug)]
struct Open {
    /// A mapping (else a sequence).
    map: bool,
    /// Its column.
    col: usize,
}

/// A value announced (`key:` or `-` with nothing after it on the line) and
/// not yet seen: a collection on the next lines, or an empty scalar.
#[derive(Clone, Copy, Debug)]
struct Pending {
    /// Where saphyr-parser places the empty scalar.
    at: Marker,
    /// The column of the collection the value belongs to.
    parent: usize,
}

/// Where the scanner is in the stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Stream,
    Body,
    Done,
}

/// The event of one step, with its span.
pub(super) type Step<'a> = Result<Option<(Event<'a>, Span)>, Unhandled>;

/// The scanner over one text; a `DRY` one only checks that it reads the
/// text to its end, building no event (the dry run).
pub(super) struct Scanner<'a, const DRY: bool> {
    text: &'a str,
    bytes: &'a [u8],
    /// The byte offset.
    pos: usize,
    /// Bytes before `pos` that continue a character (the character index is
    /// `pos - cont`).
    cont: usize,
    /// The 1-based line.
    line: usize,
    /// The character index where the line's columns start.
    line_start: usize,
    open: Vec<Open>,
    pending: Option<Pending>,
    /// Events of the current line, not given yet.
    queue: VecDeque<(Event<'a>, Span)>,
    phase: Phase,
    /// Whether the document has started (its first content line was read).
    started: bool,
}

impl<'a, const DRY: bool> Scanner<'a, DRY> {
    /// A scanner at the start of `text`.
    pub(super) fn new(text: &'a str) -> Self {
        // A byte-order mark: three bytes, one character, no column.
        let bom = text.starts_with('\u{feff}');
        let (pos, cont, line_start) = if bom { (3, 2, 1) } else { (0, 0, 0) };
        Scanner {
            text,
            bytes: text.as_bytes(),
            pos,
            cont,
            line: 1,
            line_start,
            open: Vec::new(),
            pending: None,
            queue: VecDeque::new(),
            phase: Phase::Stream,
            started: false,
        }
    }

    /// The next event, `None` after the stream's end, or `Unhandled` where
    /// the text leaves the subset that this scanner reads like saphyr-parser.
    pub(super) fn step(&mut self) -> Step<'a> {
        loop {
            if let Some(event) = self.queue.pop_front() {
                return Ok(Some(event));
            }
            match self.phase {
                Phase::Stream => {
                    self.phase = Phase::Body;
                    let start = Marker::new(0, 1, 0);
                    return Ok(Some((Event::StreamStart, Span::new(start, start))));
                }
                Phase::Body => match self.next_content()? {
                    Some(col) => self.content(col)?,
                    None => self.finish()?,
                },
                Phase::Done => return Ok(None),
            }
        }
    }

    #[inline]
    fn byte(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// The saphyr marker of the position.
    #[inline]
    fn mark(&self) -> Marker {
        let index = self.pos - self.cont;
        Marker::new(index, self.line, index - self.line_start)
    }

    /// The column of the position.
    #[inline]
    fn col(&self) -> usize {
        self.pos - self.cont - self.line_start
    }

    /// The marker saphyr gives the end of the stream: the end of the text,
    /// on a line of its own (the next line unless the text ends one).
    fn end_mark(&self) -> Marker {
        stream_end_marker(self.pos - self.cont, self.line, self.line_start)
    }

    #[inline]
    fn push(&mut self, event: Event<'a>, span: Span) {
        if !DRY {
            self.queue.push_back((event, span));
        }
    }

    fn push_at(&mut self, event: Event<'a>, at: Marker) {
        self.push(event, Span::new(at, at));
    }

    #[inline]
    fn skip_spaces(&mut self) {
        while self.bytes.get(self.pos) == Some(&b' ') {
            self.pos += 1;
        }
    }

    /// Passes the line break at `pos`.
    fn line_break(&mut self) {
        let crlf = self.bytes.get(self.pos..self.pos + 2) == Some(b"\r\n");
        self.pos += if crlf { 2 } else { 1 };
        self.line += 1;
        self.line_start = self.pos - self.cont;
    }

    /// Passes the comment at `pos` (a `#`), up to its line's break.
    fn skip_comment(&mut self) -> Result<(), Unhandled> {
        while let Some(&b) = self.bytes.get(self.pos) {
            match b {
                b'\n' | b'\r' => break,
                b'\t' | 0x20..=0x7F | 0xC0..=0xEE | 0xF0.. => {}
                0x80..=0xBF => self.cont += 1,
                0xEF if self.bytes.get(self.pos..self.pos + 3) != Some(&[0xEF, 0xBB, 0xBF]) => {}
                _ => return Err(Unhandled),
            }
            self.pos += 1;
        }
        Ok(())
    }

    /// Passes a comment if one starts at `pos`, then the line break (or
    /// the end of the text) that must follow.
    #[inline]
    fn end_line(&mut self) -> Result<(), Unhandled> {
        if self.byte() == Some(b'#') {
            self.skip_comment()?;
        }
        match self.byte() {
            None => Ok(()),
            Some(b'\n' | b'\r') => {
                self.line_break();
                Ok(())
            }
            Some(_) => Err(Unhandled),
        }
    }

    /// Passes blank and comment lines to the next content: its column, or
    /// `None` at the end of the text.
    fn next_content(&mut self) -> Result<Option<usize>, Unhandled> {
        loop {
            self.skip_spaces();
            match self.byte() {
                None => return Ok(None),
                Some(b'\n' | b'\r') => self.line_break(),
                Some(b'#') => self.skip_comment()?,
                Some(b'\t') => return Err(Unhandled),
                Some(_) => return Ok(Some(self.col())),
            }
        }
    }

    /// A content line starting at column `col`.
    fn content(&mut self, col: usize) -> Result<(), Unhandled> {
        let at = self.mark();
        let rest = self.bytes.get(self.pos..).unwrap_or(&[]);
        let marker = rest.starts_with(b"---") || rest.starts_with(b"...");
        if col == 0 && marker && blank_or_breakz(rest.get(3)) {
            return Err(Unhandled);
        }
        let entry = rest.first() == Some(&b'-') && blank_or_breakz(rest.get(1));
        let pending = self.pending.take();
        if !self.started {
            self.started = true;
            self.push_at(Event::DocumentStart(false), at);
            self.open_collection(entry, col, at);
        } else if pending.is_some_and(|p| col > p.parent) {
            self.open_collection(entry, col, at);
        } else {
            if let Some(p) = pending {
                self.push_at(empty_scalar(), p.at);
            }
            while let Some(top) = self.open.last().copied().filter(|top| top.col > col) {
                self.open.pop();
                self.push_at(end_event(top.map), at);
            }
            match self.open.last() {
                Some(top) if top.col == col && top.map != entry => {}
                _ => return Err(Unhandled),
            }
        }
        if entry {
            self.entry(col)
        } else {
            self.pair(col)
        }
    }

    /// Opens a block collection whose first entry (or key) is at `at`.
    fn open_collection(&mut self, sequence: bool, col: usize, at: Marker) {
        let event = if sequence {
            Event::SequenceStart(0, None)
        } else {
            Event::MappingStart(0, None)
        };
        self.push_at(event, at);
        self.open.push(Open {
            map: !sequence,
            col,
        });
    }

    /// A sequence entry: the `-` at `pos`, of the sequence at `col`.
    fn entry(&mut self, col: usize) -> Result<(), Unhandled> {
        self.pos += 1;
        self.skip_spaces();
        match self.byte() {
            None | Some(b'\n' | b'\r' | b'#') => {
                if self.byte() == Some(b'#') {
                    self.skip_comment()?;
                }
                // An empty entry, unless a collection follows on the next
                // lines: saphyr places its scalar at the end of the line.
                self.pending = Some(Pending {
                    at: self.mark(),
                    parent: col,
                });
                self.end_line()
            }
            Some(b'-') if blank_or_breakz(self.bytes.get(self.pos + 1)) => Err(Unhandled),
            Some(open @ (b'[' | b'{')) => {
                self.flow_collection(open == b'{')?;
                self.end_line()
            }
            Some(_) => {
                let at = self.mark();
                let node = self.node(false)?;
                if node.key {
                    // A mapping in the entry: `- key: value`.
                    self.push_at(Event::MappingStart(0, None), at);
                    self.open.push(Open {
                        map: true,
                        col: at.col(),
                    });
                    self.key_value(node, at.col())
                } else {
                    self.push(node.event, node.span);
                    self.end_line()
                }
            }
        }
    }

    /// A `key: value` pair of the mapping at `col`, the key at `pos`.
    fn pair(&mut self, col: usize) -> Result<(), Unhandled> {
        let node = self.node(false)?;
        if !node.key {
            return Err(Unhandled);
        }
        self.key_value(node, col)
    }

    /// The rest of a pair once its key is read (`pos` at the `:`).
    fn key_value(&mut self, key: Node<'a>, col: usize) -> Result<(), Unhandled> {
        let colon = self.mark();
        if self.key_too_long(&key) {
            return Err(Unhandled);
        }
        self.push(key.event, key.span);
        self.pos += 1;
        self.skip_spaces();
        match self.byte() {
            None | Some(b'\n' | b'\r' | b'#') => {
                // saphyr places an empty value's scalar at the `:`.
                self.pending = Some(Pending {
                    at: colon,
                    parent: col,
                });
                self.end_line()
            }
            Some(open @ (b'[' | b'{')) => {
                self.flow_collection(open == b'{')?;
                self.end_line()
            }
            Some(_) => {
                let value = self.node(false)?;
                if value.key {
                    return Err(Unhandled);
                }
                self.push(value.event, value.span);
                self.end_line()
            }
        }
    }

    /// The scalar at `pos`, and whether it is a key (a `:` and a blank
    /// follow it; `pos` is then at the `:`). A value's span takes in a
    /// trailing comment where saphyr's does (after a quoted scalar).
    #[inline]
    fn node(&mut self, flow: bool) -> Result<Node<'a>, Unhandled> {
        match self.byte() {
            Some(b'"') => self.quoted(false, flow),
            Some(b'\'') => self.quoted(true, flow),
            _ => self.plain(flow),
        }
    }

    /// A plain scalar at `pos`.
    #[inline]
    fn plain(&mut self, flow: bool) -> Result<Node<'a>, Unhandled> {
        let from = self.pos;
        if !scalar::plain_starts(self.bytes, from, flow) {
            return Err(Unhandled);
        }
        let read = scalar::plain(self.bytes, from, flow)?;
        let start = self.mark();
        let value = self.text.get(from..read.end).ok_or(Unhandled)?;
        self.pos = read.end;
        self.cont += read.cont;
        let end = self.mark();
        self.pos = read.stop;
        let event = Event::Scalar(value.into(), ScalarStyle::Plain, 0, None);
        Ok(Node {
            event,
            span: Span::new(start, end),
            key: read.how == PlainStop::Colon,
        })
    }

    /// A quoted scalar at `pos` (single-quoted when `single`).
    fn quoted(&mut self, single: bool, flow: bool) -> Result<Node<'a>, Unhandled> {
        let start = self.mark();
        let read = scalar::quoted(self.text, self.pos, single, !DRY)?;
        self.pos = read.end;
        self.cont += read.cont;
        let blanks = self.pos;
        self.skip_spaces();
        let key = self.byte() == Some(b':') && blank_or_breakz(self.bytes.get(self.pos + 1));
        if !flow && self.byte() == Some(b'#') {
            // saphyr takes the comment into the scalar's span.
            if self.pos == blanks {
                return Err(Unhandled);
            }
            self.skip_comment()?;
        }
        let style = if single {
            ScalarStyle::SingleQuoted
        } else {
            ScalarStyle::DoubleQuoted
        };
        Ok(Node {
            event: Event::Scalar(read.value, style, 0, None),
            span: Span::new(start, self.mark()),
            key: key && !flow,
        })
    }

    /// A flow collection on one line, at `pos` (its `[`, or its `{` for a
    /// mapping): scalars, or `key: value` pairs of scalars, between commas.
    /// A trailing comma, a collection in it or a line break in it is left to
    /// saphyr-parser (and, in a mapping, a key without a value or an empty
    /// value).
    fn flow_collection(&mut self, map: bool) -> Result<(), Unhandled> {
        let (open, close, end) = if map {
            (Event::MappingStart(0, None), b'}', Event::MappingEnd)
        } else {
            (Event::SequenceStart(0, None), b']', Event::SequenceEnd)
        };
        let start = self.mark();
        self.pos += 1;
        self.skip_spaces();
        self.push(open, Span::new(start, self.mark()));
        if self.byte() != Some(close) {
            let mut entries = 0;
            loop {
                entries += 1;
                if entries > MAX_FLOW_ENTRIES {
                    return Err(Unhandled);
                }
                if map {
                    self.flow_pair()?;
                } else {
                    let item = self.node(true)?;
                    self.push(item.event, item.span);
                }
                self.skip_spaces();
                match self.byte() {
                    Some(b',') => {
                        self.pos += 1;
                        self.skip_spaces();
                        if self.byte() == Some(close) {
                            return Err(Unhandled);
                        }
                    }
                    Some(b) if b == close => break,
                    _ => return Err(Unhandled),
                }
            }
        }
        // The closing bracket, and a comment after it.
        let start = self.mark();
        self.pos += 1;
        let blanks = self.pos;
        self.skip_spaces();
        if self.byte() == Some(b'#') {
            if self.pos == blanks {
                return Err(Unhandled);
            }
            self.skip_comment()?;
        }
        self.push(end, Span::new(start, self.mark()));
        Ok(())
    }

    /// Whether `key`, its `:` at `pos`, is longer than saphyr-parser reads
    /// as a simple key ([`MAX_KEY_CHARS`]).
    fn key_too_long(&self, key: &Node<'a>) -> bool {
        self.mark().index() - key.span.start.index() >= MAX_KEY_CHARS
    }

    /// A `key: value` pair of a flow mapping, the key at `pos`.
    fn flow_pair(&mut self) -> Result<(), Unhandled> {
        let key = self.node(true)?;
        // `node` stops a plain key at its `:`, and a quoted one at the `:`
        // after its blanks; only a `:` with a blank after it is handled.
        if self.byte() != Some(b':') || self.bytes.get(self.pos + 1) != Some(&b' ') {
            return Err(Unhandled);
        }
        if self.key_too_long(&key) {
            return Err(Unhandled);
        }
        self.push(key.event, key.span);
        self.pos += 1;
        self.skip_spaces();
        // No value, or a collection: saphyr-parser's to read.
        if let None | Some(b',' | b'}' | b'{' | b'[' | b'#' | b'\n' | b'\r') = self.byte() {
            return Err(Unhandled);
        }
        let value = self.node(true)?;
        if value.key {
            return Err(Unhandled);
        }
        self.push(value.event, value.span);
        Ok(())
    }

    /// The end of the text: the pending value, the open collections, the
    /// document and the stream end there.
    fn finish(&mut self) -> Result<(), Unhandled> {
        if !self.started {
            // No document: saphyr-parser's to read (it gives none).
            return Err(Unhandled);
        }
        // saphyr closes the collections deeper than the last line's column
        // there, then moves to a line of its own for the end of the stream
        // and closes the others.
        let here = self.mark();
        let end = self.end_mark();
        if let Some(p) = self.pending.take() {
            self.push_at(empty_scalar(), p.at);
        }
        while let Some(top) = self.open.pop() {
            let at = if top.col > here.col() { here } else { end };
            self.push_at(end_event(top.map), at);
        }
        self.push_at(Event::DocumentEnd, end);
        self.push_at(Event::StreamEnd, end);
        self.phase = Phase::Done;
        Ok(())
    }
}

/// A scalar read, and whether a `:` makes it a key.
struct Node<'a> {
    event: Event<'a>,
    span: Span,
    key: bool,
}

/// The scalar of an empty value.
fn empty_scalar<'a>() -> Event<'a> {
    Event::Scalar("".into(), ScalarStyle::Plain, 0, None)
}

/// The event closing a block collection.
fn end_event<'a>(map: bool) -> Event<'a> {
    if map {
        Event::MappingEnd
    } else {
        Event::SequenceEnd
    }
}
