//! A file's text for miette, with its line starts indexed once.
//!
//! miette reads a snippet from a `str` by walking from byte 0 to the span, and
//! the plain `line_col` counts lines the same way: each diagnostic costs the
//! size of the file before it. A rule file, waivers file or export with many
//! errors near its end then renders in time quadratic in the file (20,000
//! errors in a generated rule file did not finish in two minutes). Here the
//! line starts are found once, on the first diagnostic that asks, and shared
//! by every diagnostic of the file; a snippet is then read from a slice that
//! starts at its first context line, so each costs only its own lines.

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};
use std::sync::{Arc, OnceLock};

/// Shared text plus its lazily built line index (see the module docs).
#[derive(Clone, Debug)]
pub struct IndexedText {
    text: Arc<str>,
    starts: Arc<OnceLock<Vec<usize>>>,
}

impl IndexedText {
    /// The text, with an index that clones of this value share.
    pub fn new(text: Arc<str>) -> Self {
        IndexedText {
            text,
            starts: Arc::new(OnceLock::new()),
        }
    }

    /// The whole text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Byte offsets of the starts of lines (after each `\n`), built once.
    fn starts(&self) -> &[usize] {
        self.starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        })
    }

    /// 0-based index of the line holding byte `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.starts()
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }

    /// 1-based line and column (in characters) of a byte offset, as
    /// [`super::line_col`] gives them, in time proportional to the line.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_of(offset);
        let start = self.starts().get(line).copied().unwrap_or(0);
        let column = self
            .text
            .get(start..offset)
            .map_or(0, |s| s.chars().count())
            + 1;
        (line + 1, column)
    }
}

impl SourceCode for IndexedText {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        // One line more than the context asks for: miette treats a span at the
        // very start of its text specially, and the extra line is walked over
        // but not shown.
        let first = self
            .line_of(span.offset())
            .saturating_sub(context_lines_before + 1);
        let from = self.starts().get(first).copied().unwrap_or(0);
        let bounds = (from, self.text.len(), first, 0);
        let contents = read_window(
            &self.text,
            bounds,
            span,
            context_lines_before,
            context_lines_after,
        )?;
        Ok(Box::new(contents))
    }
}

/// Reads `span` as miette would from the whole of `text`, looking only at
/// `text[start..end]`, whose first line has `first_line` line breaks before it
/// and starts `first_column` bytes into its line (0 unless a long line was
/// cut there).
pub(crate) fn read_window<'a>(
    text: &'a str,
    (start, end, first_line, first_column): (usize, usize, usize, usize),
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
    // miette counts columns in bytes; on the window's first line they start
    // where the window does.
    let column = if inner.line() == 0 {
        inner.column() + first_column
    } else {
        inner.column()
    };
    Ok(MietteSpanContents::new(
        inner.data(),
        back,
        inner.line() + first_line,
        column,
        inner.line_count() + first_line,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every span of a small text reads the same contents as from the plain
    /// `str`, and every offset the same line and column.
    #[test]
    fn reads_what_the_plain_text_reads() {
        let text = "a: 1\nbb: 22\r\n\nccc: é3\nlast";
        let indexed = IndexedText::new(Arc::from(text));
        for start in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
            assert_eq!(indexed.line_col(start), super::super::line_col(text, start));
            for len in [0, 1, 4] {
                let span = SourceSpan::new(start.into(), len.min(text.len() - start));
                for context in [0, 1, 2] {
                    let a = text.read_span(&span, context, context).unwrap();
                    let b = indexed.read_span(&span, context, context).unwrap();
                    assert_eq!(a.data(), b.data(), "{start}+{len} ±{context}");
                    assert_eq!(a.span(), b.span(), "{start}+{len} ±{context}");
                    assert_eq!((a.line(), a.column()), (b.line(), b.column()));
                    assert_eq!(a.line_count(), b.line_count());
                }
            }
        }
    }
}
