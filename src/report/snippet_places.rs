//! Snippets for a finding and its places to edit: one window per span.
//!
//! The places of a finding may lie anywhere in the file (a subscription's
//! entry near the top, the transfer item that lists it near the end). Moving
//! the file-order cursor of [`Lines`] there and back
//! would cost the distance for every finding; a place's window is cut from
//! its own line number instead (known from the scenario's line index), so
//! each costs a few lines whatever the file's size.

use miette::{MietteError, SourceCode, SourceSpan, SpanContents};
use std::sync::Arc;

use super::snippet::{line_start, next_line_start, prev_line_start, Lines, Window, MARGIN};

/// A finding's windows: the subject's first, then one per place.
#[derive(Clone, Debug)]
pub(crate) struct Windows {
    /// The subject's window.
    pub main: Window,
    /// The places' windows.
    pub places: Vec<Window>,
}

impl SourceCode for Windows {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let window = std::iter::once(&self.main)
            .chain(&self.places)
            .find(|w| w.holds(span))
            .unwrap_or(&self.main);
        window.read_span(span, context_lines_before, context_lines_after)
    }
}

/// The window around `offset..offset + len`, on 1-based `line` (as the
/// scenario loader counted it: miette counts the same breaks in files with
/// `\n` or `\r\n` endings). Along a long line it reaches [`REACH`](crate::source::snippet::REACH) bytes
/// either side ([`REACH`](super::snippet::REACH)), as [`Lines::window`] does.
pub(crate) fn window_at_line(lines: &mut Lines, offset: usize, len: usize, line: u32) -> Window {
    let text = Arc::clone(&lines.text);
    let offset = offset.min(text.len());
    let mut start = line_start(&text, offset);
    let mut first_line = (line as usize).saturating_sub(1);
    for _ in 0..MARGIN {
        let prev = prev_line_start(&text, start);
        if prev == start {
            break;
        }
        start = prev;
        first_line = first_line.saturating_sub(1);
    }
    let mut end = next_line_start(&text, (offset + len).min(text.len()));
    for _ in 0..MARGIN {
        end = next_line_start(&text, end);
    }
    let first_column = lines.column_of(start, first_line);
    Window {
        text,
        start,
        end,
        first_line,
        first_column,
    }
}
