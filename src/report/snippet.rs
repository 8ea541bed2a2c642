//! Source snippets for diagnostics without rescanning the whole file.
//!
//! miette finds the lines around a span by reading the source from its first
//! byte, so a report with one diagnostic per finding costs findings x file
//! size: minutes for a book of 100,000 subscriptions. A [`Window`] hands miette
//! only a few lines around the span, and adds back the line number of the
//! window's start, which [`Lines`] keeps track of while the findings are
//! rendered in file order. The rendered text is the same, byte for byte.

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};
use std::sync::Arc;

/// Lines kept around a span: more than any context miette is asked for here.
pub(super) const MARGIN: usize = 8;

/// Part of a source file, seen by miette as the whole file.
#[derive(Clone, Debug)]
pub struct Window {
    pub(super) text: Arc<str>,
    pub(super) start: usize,
    pub(super) end: usize,
    /// Line breaks before `start`, counted as miette counts them.
    pub(super) first_line: usize,
}

impl Window {
    /// Whether the span lies inside the window.
    pub fn holds(&self, span: &SourceSpan) -> bool {
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
            (self.start, self.end, self.first_line),
            span,
            context_lines_before,
            context_lines_after,
        )?;
        Ok(Box::new(contents))
    }
}

/// Reads `span` as miette would from the whole of `text`, looking only at
/// `text[start..end]`, whose first line has `first_line` line breaks before it.
pub fn read_window<'a>(
    text: &'a str,
    (start, end, first_line): (usize, usize, usize),
    span: &SourceSpan,
    context_lines_before: usize,
    context_lines_after: usize,
) -> Result<MietteSpanContents<'a>, MietteError> {
    let inside = span.offset() >= start && span.offset() + span.len() <= end;
    let (Some(local), true) = (text.get(start..end), inside) else {
        // Not the span the window was cut for: read the whole file.
        let whole = text.read_span(span, context_lines_before, context_lines_after)?;
        return Ok(MietteSpanContents::new(
            whole.data(),
            *whole.span(),
            whole.line(),
            whole.column(),
            whole.line_count(),
        ));
    };
    let shifted = SourceSpan::new((span.offset() - start).into(), span.len());
    let inner = local.read_span(&shifted, context_lines_before, context_lines_after)?;
    let back = SourceSpan::new((inner.span().offset() + start).into(), inner.span().len());
    Ok(MietteSpanContents::new(
        inner.data(),
        back,
        inner.line() + first_line,
        inner.column(),
        inner.line_count() + first_line,
    ))
}

/// Cuts windows out of one file, for spans given in (roughly) file order.
#[derive(Debug)]
pub struct Lines {
    text: Arc<str>,
    /// A line start and the line breaks before it.
    cursor: (usize, usize),
}

impl Lines {
    /// Windows into `text`.
    pub fn new(text: Arc<str>) -> Self {
        Lines {
            text,
            cursor: (0, 0),
        }
    }

    /// The window around the span at `offset..offset + len`.
    pub fn window(&mut self, offset: usize, len: usize) -> Window {
        let bytes = self.text.as_bytes();
        let offset = offset.min(bytes.len());
        let mut start = line_start(bytes, offset);
        for _ in 0..MARGIN {
            start = prev_line_start(bytes, start);
        }
        let mut end = next_line_start(bytes, (offset + len).min(bytes.len()));
        for _ in 0..MARGIN {
            end = next_line_start(bytes, end);
        }
        let (at, line) = self.cursor;
        let first_line = if start >= at {
            line + breaks(bytes.get(at..start).unwrap_or(&[]))
        } else {
            line - breaks(bytes.get(start..at).unwrap_or(&[]))
        };
        self.cursor = (start, first_line);
        Window {
            text: Arc::clone(&self.text),
            start,
            end,
            first_line,
        }
    }
}

/// The window around the span at `offset..offset + len` of `text`, given one
/// place whose line is known: `known` is a byte offset and its 1-based line
/// (as the YAML parser counts lines, which is how miette counts them). Gives
/// the window's start, end and line breaks before it, for [`read_window`].
/// Costs the distance from the known place to the window, not from the
/// file's start.
pub fn window_near(
    text: &str,
    offset: usize,
    len: usize,
    known: (usize, usize),
) -> (usize, usize, usize) {
    let bytes = text.as_bytes();
    let offset = offset.min(bytes.len());
    let mut start = line_start(bytes, offset);
    for _ in 0..MARGIN {
        start = prev_line_start(bytes, start);
    }
    let mut end = next_line_start(bytes, (offset + len).min(bytes.len()));
    for _ in 0..MARGIN {
        end = next_line_start(bytes, end);
    }
    let (at, line) = (known.0.min(bytes.len()), known.1.saturating_sub(1));
    let first_line = if start <= at {
        line.saturating_sub(breaks(bytes.get(start..at).unwrap_or(&[])))
    } else {
        line + breaks(bytes.get(at..start).unwrap_or(&[]))
    };
    (start, end, first_line)
}

fn is_break(b: u8) -> bool {
    b == b'\n' || b == b'\r'
}

/// The start of the line holding `p`.
pub(super) fn line_start(text: &[u8], p: usize) -> usize {
    let mut i = p;
    while i > 0 && text.get(i - 1).is_some_and(|&b| !is_break(b)) {
        i -= 1;
    }
    i
}

/// The start of the line before the one starting at `s` (`s` itself at 0).
pub(super) fn prev_line_start(text: &[u8], s: usize) -> usize {
    if s == 0 {
        return 0;
    }
    let crlf = s >= 2 && text.get(s - 2..s) == Some(b"\r\n");
    line_start(text, s - 1 - usize::from(crlf))
}

/// The start of the line after the one holding `p` (the end of the text at
/// the last line).
pub(super) fn next_line_start(text: &[u8], p: usize) -> usize {
    let mut i = p;
    while text.get(i).is_some_and(|&b| !is_break(b)) {
        i += 1;
    }
    if i < text.len() {
        let crlf = text.get(i..i + 2) == Some(b"\r\n");
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
}
