//! Where the scanner is, in the terms saphyr-parser reports positions in.
//!
//! saphyr-parser's markers count characters, not bytes: `index` from the
//! start of the text (a byte-order mark included), `line` from 1 (`\n`,
//! `\r\n` and a lone `\r` each end a line), `col` from 0 in characters since
//! the line's start (a byte-order mark at the start of the text takes no
//! column). The scanner moves forward byte by byte; outside strings every byte
//! it accepts is ASCII, so only strings need to count the bytes that continue
//! a character (see [`Cursor::cont`]).

use saphyr_parser::Marker;

/// A byte position with what turns it into a saphyr marker.
#[derive(Clone, Copy, Debug)]
pub(super) struct Cursor {
    /// The byte offset.
    pub pos: usize,
    /// Bytes before `pos` that continue a UTF-8 character (so that the
    /// character index is `pos - cont`).
    pub cont: usize,
    /// The 1-based line.
    line: usize,
    /// The character index where the line's columns start.
    line_start: usize,
}

impl Cursor {
    /// The start of a text; `bom` when it opens with a byte-order mark,
    /// which the cursor is then placed after.
    pub(super) fn start(bom: bool) -> Self {
        if bom {
            // Three bytes, one character, no column.
            Cursor {
                pos: 3,
                cont: 2,
                line: 1,
                line_start: 1,
            }
        } else {
            Cursor {
                pos: 0,
                cont: 0,
                line: 1,
                line_start: 0,
            }
        }
    }

    /// The character index of the position.
    #[inline]
    fn index(&self) -> usize {
        self.pos - self.cont
    }

    /// The saphyr marker of the position.
    #[inline]
    pub(super) fn marker(&self) -> Marker {
        let index = self.index();
        Marker::new(index, self.line, index - self.line_start)
    }

    /// The marker saphyr gives the end of the stream: the end of the text,
    /// on a line of its own (the next line unless the text ends one).
    pub(super) fn end_marker(&self) -> Marker {
        crate::scenario::input::stream_end_marker(self.index(), self.line, self.line_start)
    }

    /// Skips spaces and tabs.
    #[inline]
    pub(super) fn skip_blanks(&mut self, bytes: &[u8]) {
        while matches!(bytes.get(self.pos), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    /// Skips JSON whitespace (spaces, tabs and line breaks), counting lines.
    #[inline]
    pub(super) fn skip_whitespace(&mut self, bytes: &[u8]) {
        while let Some(&b) = bytes.get(self.pos) {
            match b {
                b' ' | b'\t' => {}
                b'\n' => self.new_line(),
                // `\r\n` is one break, counted at its `\n`.
                b'\r' if bytes.get(self.pos + 1) != Some(&b'\n') => self.new_line(),
                b'\r' => {}
                _ => return,
            }
            self.pos += 1;
        }
    }

    /// Notes that the byte at `pos` ends a line.
    fn new_line(&mut self) {
        self.line += 1;
        self.line_start = self.index() + 1;
    }
}
