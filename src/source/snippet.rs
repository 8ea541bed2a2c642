//! Source snippets for diagnostics without rescanning the whole file.
//!
//! miette finds the lines around a span by reading the source from its first
//! byte, so a report with one diagnostic per finding costs findings x file
//! size: minutes for a book of 100,000 subscriptions. A [`Window`] hands miette
//! only a few lines around the span, and adds back the line number of the
//! window's start, which [`Lines`] keeps track of while the findings are
//! rendered in file order. The rendered text is the same, byte for byte.
//!
//! A long line (a whole book written as one line of JSON) is cut too: a
//! window reaches at most [`REACH`] bytes either side of the span along a
//! line, so each finding costs the same whatever the length of its line, and
//! the column of the window's first byte is added back like its line.

pub(crate) use crate::source::read_window;
use miette::{MietteError, SourceCode, SourceSpan, SpanContents};
use std::sync::Arc;

/// Lines kept around a span: more than any context miette is asked for here.
pub(crate) const MARGIN: usize = 8;

/// Bytes a window reaches along a line, before and after its span.
pub(crate) const REACH: usize = 1024;

/// Part of a source file, seen by miette as the whole file.
#[derive(Clone, Debug)]
pub(crate) struct Window {
    pub(crate) text: Arc<str>,
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// Line breaks before `start`, counted as miette counts them.
    pub(crate) first_line: usize,
    /// Bytes between the start of its line and `start` (0 unless the line
    /// was cut).
    pub(crate) first_column: usize,
}

impl Window {
    /// Whether the span lies inside the window.
    pub(crate) fn holds(&self, span: &SourceSpan) -> bool {
        span.offset() >= self.start && span.offset() + span.len() <= self.end
    }
}

impl SourceCode for Window {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let contents = read_window(
            &self.text,
            (self.start, self.end, self.first_line, self.first_column),
            span,
            context_lines_before,
            context_lines_after,
        )?;
        Ok(Box::new(contents))
    }
}

/// Cuts windows out of one file, for spans given in (roughly) file order.
#[derive(Debug)]
pub(crate) struct Lines {
    pub(crate) text: Arc<str>,
    /// An offset, the line breaks before it, and the start of its line.
    cursor: (usize, usize, usize),
    /// Where long lines that a window was cut from start, by 0-based line:
    /// windows cut out of order (places to edit) look each up once.
    long_line_starts: std::collections::HashMap<usize, usize>,
}

impl Lines {
    /// Windows into `text`.
    pub(crate) fn new(text: Arc<str>) -> Self {
        Lines {
            text,
            cursor: (0, 0, 0),
            long_line_starts: std::collections::HashMap::new(),
        }
    }

    /// The bytes between the start of 0-based `line` and `at`, a position on
    /// it. Only a window cut out of a long line starts off a line start; the
    /// scan back to it is made once per line, so the places on one long line
    /// (a book on one line of JSON) cost it once, not once each.
    pub(crate) fn column_of(&mut self, at: usize, line: usize) -> usize {
        let bytes = self.text.as_bytes();
        if at == 0 || bytes.get(at - 1).is_some_and(|&b| is_break(b)) {
            return 0;
        }
        let start = *self.long_line_starts.entry(line).or_insert_with(|| {
            let mut s = at;
            while s > 0 && bytes.get(s - 1).is_some_and(|&b| !is_break(b)) {
                s -= 1;
            }
            s
        });
        at.saturating_sub(start)
    }

    /// The window around the span at `offset..offset + len`.
    pub(crate) fn window(&mut self, offset: usize, len: usize) -> Window {
        let text: &str = &self.text;
        let bytes = text.as_bytes();
        let (start, end) = window_bounds(text, offset, len);
        let (at, line, at_line) = self.cursor;
        let (first_line, start_line) = if start >= at {
            let between = bytes.get(at..start).unwrap_or(&[]);
            let last_break = between.iter().rposition(|&b| is_break(b));
            (
                line + breaks(between),
                last_break.map_or(at_line, |i| at + i + 1),
            )
        } else {
            // Out of order (rare): count back, and find the line's start.
            let between = bytes.get(start..at).unwrap_or(&[]);
            let mut s = start;
            while s > 0 && bytes.get(s - 1).is_some_and(|&b| !is_break(b)) {
                s -= 1;
            }
            (line - breaks(between), s)
        };
        self.cursor = (start, first_line, start_line);
        Window {
            text: Arc::clone(&self.text),
            start,
            end,
            first_line,
            first_column: start - start_line,
        }
    }
}

/// Start and end of the lines around `offset..offset + len` of `text`: the
/// span's own lines and [`MARGIN`] lines either side.
fn window_bounds(text: &str, offset: usize, len: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let mut start = line_start(text, offset);
    for _ in 0..MARGIN {
        start = prev_line_start(text, start);
    }
    let mut end = next_line_start(text, (offset + len).min(text.len()));
    for _ in 0..MARGIN {
        end = next_line_start(text, end);
    }
    (start, end)
}

/// The window around the span at `offset..offset + len` of `text`, given one
/// place whose line is known: `known` is a byte offset and its 1-based line
/// (as the YAML parser counts lines, which is how miette counts them). Gives
/// the window's start, end, line breaks before it and first column, for
/// [`read_window`]. Costs the distance from the known place to the window,
/// not from the file's start; along a long line it reaches [`REACH`] bytes
/// either side of the span, and the scan back to that line's start (for the
/// column) is the one cost that grows with the line.
pub(crate) fn window_near(
    text: &str,
    offset: usize,
    len: usize,
    known: (usize, usize),
) -> (usize, usize, usize, usize) {
    let bytes = text.as_bytes();
    let (start, end) = window_bounds(text, offset, len);
    let (at, line) = (known.0.min(bytes.len()), known.1.saturating_sub(1));
    let first_line = if start <= at {
        line.saturating_sub(breaks(bytes.get(start..at).unwrap_or(&[])))
    } else {
        line + breaks(bytes.get(at..start).unwrap_or(&[]))
    };
    let mut line_begin = start;
    while line_begin > 0 && bytes.get(line_begin - 1).is_some_and(|&b| !is_break(b)) {
        line_begin -= 1;
    }
    (start, end, first_line, start - line_begin)
}

/// The largest char boundary of `text` at or below `i`.
fn floor_char(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The smallest char boundary of `text` at or above `i`.
fn ceil_char(text: &str, mut i: usize) -> usize {
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i.min(text.len())
}

fn is_break(b: u8) -> bool {
    b == b'\n' || b == b'\r'
}

/// The start of the line holding `p`, or, on a long line, the char boundary
/// [`REACH`] bytes before `p`.
pub(crate) fn line_start(text: &str, p: usize) -> usize {
    let bytes = text.as_bytes();
    let floor = p.saturating_sub(REACH);
    let mut i = p;
    while i > floor && bytes.get(i - 1).is_some_and(|&b| !is_break(b)) {
        i -= 1;
    }
    if i == floor && i > 0 && bytes.get(i - 1).is_some_and(|&b| !is_break(b)) {
        return ceil_char(text, i);
    }
    i
}

/// The start of the line before the one starting at `s` (`s` itself at 0,
/// or when `s` is not a line start: a long line was cut there).
pub(crate) fn prev_line_start(text: &str, s: usize) -> usize {
    let bytes = text.as_bytes();
    if s == 0 || !bytes.get(s - 1).is_some_and(|&b| is_break(b)) {
        return s;
    }
    let crlf = s >= 2 && bytes.get(s - 2..s) == Some(b"\r\n");
    line_start(text, s - 1 - usize::from(crlf))
}

/// The start of the line after the one holding `p` (the end of the text at
/// the last line), or, on a long line, the char boundary [`REACH`] bytes
/// after `p`.
pub(crate) fn next_line_start(text: &str, p: usize) -> usize {
    let bytes = text.as_bytes();
    let ceiling = (p + REACH).min(bytes.len());
    let mut i = p;
    while i < ceiling && bytes.get(i).is_some_and(|&b| !is_break(b)) {
        i += 1;
    }
    if i == ceiling && bytes.get(i).is_some_and(|&b| !is_break(b)) {
        return floor_char(text, i);
    }
    if i < bytes.len() {
        let crlf = bytes.get(i..i + 2) == Some(b"\r\n");
        i += 1 + usize::from(crlf);
    }
    i
}

/// Line breaks in `bytes` as miette counts them (`\r\n` is one).
fn breaks(bytes: &[u8]) -> usize {
    let lf = bytes.iter().filter(|&&b| b == b'\n').count();
    let lone_cr = bytes
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\r' && bytes.get(i + 1) != Some(&b'\n'))
        .count();
    lf + lone_cr
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders every one-line span of `text` both ways.
    fn same_as_whole_file(text: &str) {
        let whole: Arc<str> = Arc::from(text);
        let mut lines = Lines::new(Arc::clone(&whole));
        for offset in 0..text.len() {
            if !text.is_char_boundary(offset) {
                continue;
            }
            let span = SourceSpan::new(offset.into(), 1.min(text.len() - offset));
            let window = lines.window(offset, span.len());
            for context in [0, 1, 2] {
                let a = whole.read_span(&span, context, context).unwrap();
                let b = window.read_span(&span, context, context).unwrap();
                assert_eq!(a.data(), b.data(), "data at {offset}");
                assert_eq!(a.span(), b.span(), "span at {offset}");
                assert_eq!(
                    (a.line(), a.column(), a.line_count()),
                    (b.line(), b.column(), b.line_count()),
                    "lines at {offset}"
                );
            }
        }
    }

    #[test]
    fn windows_near_a_known_line_read_like_the_whole_file() {
        let mut text = String::new();
        for i in 0..40 {
            text.push_str(&format!("  - id: entity-{i}\r\n    name: \u{e5} {i}\n"));
        }
        let whole: Arc<str> = Arc::from(text.as_str());
        let line_of = |o: usize| 1 + breaks(&text.as_bytes()[..o]);
        let known = (text.len() / 2, line_of(text.len() / 2));
        for offset in (0..text.len()).filter(|&o| text.is_char_boundary(o)) {
            let span = SourceSpan::new(offset.into(), 1.min(text.len() - offset));
            let bounds = window_near(&text, offset, 1, known);
            let a = whole.read_span(&span, 2, 2).unwrap();
            let b = read_window(&text, bounds, &span, 2, 2).unwrap();
            assert_eq!(a.data(), b.data(), "data at {offset}");
            assert_eq!(
                (a.line(), a.column()),
                (b.line(), b.column()),
                "at {offset}"
            );
        }
    }

    #[test]
    fn windows_read_like_the_whole_file() {
        let mut text = String::new();
        for i in 0..40 {
            text.push_str(&format!("  - id: entity-{i}\n    name: å {i}\n"));
        }
        same_as_whole_file(&text);
        same_as_whole_file(&text.replace('\n', "\r\n"));
        same_as_whole_file(&text.replace('\n', "\r"));
        same_as_whole_file("a: 1\n\n\nb: 2");
    }

    #[test]
    fn a_long_line_is_cut_and_keeps_its_column() {
        let text = format!("a: 1\nb: [{}x]\nc: 2\n", "é".repeat(50_000));
        let whole: Arc<str> = Arc::from(text.as_str());
        let offset = text.find('x').unwrap();
        let window = Lines::new(Arc::clone(&whole)).window(offset, 1);
        assert!(window.end - window.start < 3 * REACH);
        let span = SourceSpan::new(offset.into(), 1);
        let a = whole.read_span(&span, 0, 0).unwrap();
        let b = window.read_span(&span, 0, 0).unwrap();
        assert_eq!((a.line(), a.column()), (b.line(), b.column()));
        let c = window.read_span(&span, 1, 1).unwrap();
        assert!(c.data().len() < 3 * REACH);
    }
}
