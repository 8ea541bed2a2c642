//! Line and column of a byte offset, worked out again when asked.
//!
//! The store keeps only the byte offset of each row and the length of its
//! first token (5 bytes rather than a 16-byte position; at a million
//! subscriptions, 1.64M rows, the positions took 30.6 MB). Line and column
//! are needed for the few rows a report or an error mentions, and are found
//! from the text: the line by counting line breaks since the nearest mark (a
//! known line and column at a known offset, noted about every [`STRIDE`]
//! bytes while loading), the column by counting characters since the line's
//! start, or since the mark when no line starts in between (so that a lookup
//! on a long line, as in a one-line JSON book, costs what a short one does).
//!
//! The counting follows the YAML parser, so the results are the positions it
//! gives: `\n`, `\r\n` and a lone `\r` each end a line, columns count
//! characters, and a byte-order mark at the start of the file takes no column.

/// Bytes of text between marks, at least. A lookup counts line breaks over
/// about half of this (written so that the count vectorises); the marks
/// cost 12 bytes each (0.6 MB for a 217 MB file).
const STRIDE: u32 = 4096;

/// Known lines and columns at known offsets, in increasing offset order.
#[derive(Clone, Debug, Default)]
pub(crate) struct LineMarks {
    marks: Vec<(u32, u32, u32)>,
}

impl LineMarks {
    /// Notes that byte `offset` is at the 1-based `line` and `column`.
    /// Offsets that do not advance past the last mark by [`STRIDE`] are
    /// ignored, so notes may come in any order (rows replayed by an alias
    /// come back to an earlier place).
    pub(crate) fn note(&mut self, offset: u32, line: u32, column: u32) {
        let next = self
            .marks
            .last()
            .map_or(STRIDE, |&(last, ..)| last.saturating_add(STRIDE));
        if offset >= next {
            self.marks.push((offset, line, column));
        }
    }

    /// The 1-based line and column (in characters) of byte `offset` of `text`.
    pub(crate) fn locate(&self, text: &str, offset: u32) -> (u32, u32) {
        let bytes = text.as_bytes();
        let offset = (offset as usize).min(bytes.len());
        let after = self.marks.partition_point(|&(o, ..)| o as usize <= offset);
        let (from, line, mark_column) = match after.checked_sub(1).and_then(|i| self.marks.get(i)) {
            Some(&(o, l, c)) => (o as usize, l, Some(c)),
            None => (0, 1, None),
        };
        let breaks = count_breaks(bytes, from, offset);
        // memrchr2 rather than a byte loop: on a one-line JSON book there is
        // no line break to find, and the search covers the whole distance.
        let line_start = bytes
            .get(from..offset)
            .and_then(|since| memchr::memrchr2(b'\n', b'\r', since))
            .map(|i| from + i + 1);
        let chars_since = |start: usize| count_chars(bytes.get(start..offset).unwrap_or(&[]));
        let column = match (line_start, mark_column) {
            (Some(start), _) => chars_since(start) + 1,
            // The line started before the mark: count on from its column.
            (None, Some(column)) => column + chars_since(from),
            (None, None) => {
                let mut column = chars_since(0);
                if offset > 0 && text.starts_with('\u{feff}') {
                    column -= 1;
                }
                column + 1
            }
        };
        (line + breaks, column)
    }
}

/// The line breaks that start in `bytes[from..to]`: every `\n`, and every `\r`
/// not followed by `\n` (a `\r\n` pair is one break, counted at its `\n`).
fn count_breaks(bytes: &[u8], from: usize, to: usize) -> u32 {
    let Some(span) = bytes.get(from..to) else {
        return 0;
    };
    // memchr's counting is vectorised; carriage returns are rare, and only
    // when there are some is the slower pass needed.
    let newlines = memchr::memchr_iter(b'\n', span).count();
    if memchr::memchr(b'\r', span).is_none() {
        return newlines as u32;
    }
    let lone_returns = span
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\r' && bytes.get(from + i + 1) != Some(&b'\n'))
        .count();
    (newlines + lone_returns) as u32
}

/// The characters of a UTF-8 byte slice (bytes that do not continue one).
fn count_chars(bytes: &[u8]) -> u32 {
    // Most books are ASCII, which `is_ascii` checks a word at a time.
    if bytes.is_ascii() {
        return bytes.len() as u32;
    }
    bytes.iter().map(|&b| u32::from(b & 0xC0 != 0x80)).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use saphyr_parser::Parser;

    /// Every event's line and column as the parser gives them, and as
    /// `locate` finds them from its byte offset, with no marks and with a
    /// mark at every event (the two ends of the range of lookups).
    fn compare(text: &str) {
        let chars: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        let byte = |index: usize| chars.get(index).copied().unwrap_or(text.len());
        let mut parser = Parser::new_from_str(text);
        let mut dense = LineMarks::default();
        let none = LineMarks::default();
        while let Some(Ok((_, span))) = parser.next_event() {
            let offset = byte(span.start.index()) as u32;
            let expected = (span.start.line() as u32, span.start.col() as u32 + 1);
            assert_eq!(none.locate(text, offset), expected, "{text:?} at {offset}");
            dense.marks.push((offset, expected.0, expected.1));
            dense.marks.sort_unstable();
            dense.marks.dedup_by_key(|m| m.0);
            assert_eq!(dense.locate(text, offset), expected, "{text:?} at {offset}");
        }
    }

    #[test]
    fn positions_agree_with_the_parser() {
        for text in [
            "a: 1\nb:\n  - {x: 1, y: [2]}\n  - k: v\n    z: 2\n",
            "\u{feff}a: 1\nb: é x\n",
            "a: 1\r\nb: 2\r\n  # c\r\nc: [1,\r\n 2]\r\n",
            "a: 1\rb: 2\r\rc: 3\r",
            "- é: {ü: 1}\n  b: 2\n- 日本: \"多\n  行\"\n  z: 1\n",
            "- &a\n  k: v\n- !!map\n  k: v\n- &b {k: v}\n- *a\n",
            "k: |\n  one\n  two\nz: >\n  a\n  b\n\nq: 'it''s'\n",
        ] {
            compare(text);
        }
    }

    #[test]
    fn marks_keep_lookups_exact_over_long_texts() {
        let mut text = String::new();
        for i in 0..3000 {
            text.push_str(&format!("- id: é{i}\r\n  n: \"x\r   y\"\n"));
        }
        check_with_marks(&text);
    }

    #[test]
    fn marks_keep_lookups_exact_on_one_long_line() {
        let mut text = String::from("\u{feff}[");
        for i in 0..3000 {
            text.push_str(&format!("{{\"é\": \"日{i}\"}}, "));
        }
        // The line break keeps the end of the stream off the line (the
        // parser places it on a line of its own).
        text.push_str("]\n");
        check_with_marks(&text);
    }

    /// Every event's position, found from its offset with the marks noted
    /// at the events, is the parser's.
    fn check_with_marks(text: &str) {
        let mut marks = LineMarks::default();
        let mut parser = Parser::new_from_str(text);
        let chars: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        let mut expected = Vec::new();
        while let Some(Ok((_, span))) = parser.next_event() {
            let offset = chars.get(span.start.index()).copied().unwrap_or(text.len()) as u32;
            marks.note(
                offset,
                span.start.line() as u32,
                span.start.col() as u32 + 1,
            );
            expected.push((
                offset,
                span.start.line() as u32,
                span.start.col() as u32 + 1,
            ));
        }
        assert!(marks.marks.len() > 10);
        for (offset, line, column) in expected {
            assert_eq!(marks.locate(text, offset), (line, column));
        }
    }
}
