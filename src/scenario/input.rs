//! The parser's input: saphyr-parser's string input, with tabs accepted as
//! separation after `:`.
//!
//! YAML 1.2 separates tokens with spaces or tabs (`s-white`), so `id:\tsub-1`
//! is a mapping of `id` to `sub-1`. saphyr-parser 0.3 (0.3.4 and its main
//! branch alike) rejects a `:` followed by tabs alone when a letter or `-`
//! comes next ("':' must be followed by a valid YAML whitespace"): its check
//! asks the input whether the whitespace it skipped held a space. This input
//! answers that tabs count too, except before a `-` that starts a block
//! sequence entry (`key:\t- a`), where the tab would be indentation, which
//! YAML forbids. Every other method is the string input's own, so positions
//! and events are exactly what the parser gives for the same text.
//!
//! The input also bounds what the scanner holds. saphyr-parser's scanner keeps
//! every token queued while a simple key may still start at an open flow
//! collection, and inside a flow collection that possibility never expires:
//! `[[a, b, …]]` queues its whole content (some 370 bytes a scalar) until it
//! closes. The scanner asks the input to skip the blanks after nearly every
//! token it queues (after each `,`, `:`, `[`, `{`, `]`, `}`, and the node
//! properties and scalars between them are at most a few tokens per
//! separator), and never after the characters of a scalar, so counting those
//! calls between two events bounds the queue. Past [`MAX_PENDING_TOKENS`] the
//! skip fails with [`PENDING_TOKENS_ERROR`], which the scanner reports at its
//! position and stops on.

use saphyr_parser::input::SkipTabs;
use saphyr_parser::{Event, Input, Parser, ScanError, Span, StrInput};
use std::cell::Cell;
use std::rc::Rc;

/// Separators the scanner may pass while the parser gives no event: a flow
/// collection inside another one holding this many entries is an error.
pub(crate) const MAX_PENDING_TOKENS: u32 = 100_000;

/// The scanner's message when [`MAX_PENDING_TOKENS`] is passed.
pub(crate) const PENDING_TOKENS_ERROR: &str =
    "eligo: too many tokens pending in a nested flow collection";

/// saphyr-parser's string input with tabs accepted as separation, counting
/// the separators the scanner passes (see the module documentation).
pub(crate) struct TabSeparated<'a> {
    input: StrInput<'a>,
    pending: Rc<Cell<u32>>,
}

/// A parser over `text` (see the module documentation) whose scanner queues
/// at most [`MAX_PENDING_TOKENS`] separators between two events.
pub(crate) struct BoundedParser<'a> {
    parser: Parser<'a, TabSeparated<'a>>,
    pending: Rc<Cell<u32>>,
}

impl<'a> BoundedParser<'a> {
    /// The next event, as `Parser::next_event` gives it.
    #[inline]
    pub(crate) fn next_event(&mut self) -> Option<Result<(Event<'a>, Span), ScanError>> {
        // Tokens queued before this call are the parser's to give now.
        self.pending.set(0);
        self.parser.next_event()
    }
}

/// A parser over `text` (see the module documentation).
pub(crate) fn parser(text: &str) -> BoundedParser<'_> {
    let pending = Rc::new(Cell::new(0));
    let input = TabSeparated {
        input: StrInput::new(text),
        pending: Rc::clone(&pending),
    };
    BoundedParser {
        parser: Parser::new(input),
        pending,
    }
}

impl Input for TabSeparated<'_> {
    #[inline]
    fn lookahead(&mut self, count: usize) {
        self.input.lookahead(count);
    }
    #[inline]
    fn buflen(&self) -> usize {
        self.input.buflen()
    }
    #[inline]
    fn bufmaxlen(&self) -> usize {
        self.input.bufmaxlen()
    }
    #[inline]
    fn buf_is_empty(&self) -> bool {
        self.input.buf_is_empty()
    }
    #[inline]
    fn raw_read_ch(&mut self) -> char {
        self.input.raw_read_ch()
    }
    #[inline]
    fn raw_read_non_breakz_ch(&mut self) -> Option<char> {
        self.input.raw_read_non_breakz_ch()
    }
    #[inline]
    fn skip(&mut self) {
        self.input.skip();
    }
    #[inline]
    fn skip_n(&mut self, count: usize) {
        self.input.skip_n(count);
    }
    #[inline]
    fn peek(&self) -> char {
        self.input.peek()
    }
    #[inline]
    fn peek_nth(&self, n: usize) -> char {
        self.input.peek_nth(n)
    }
    #[inline]
    fn peek_opt(&self) -> Option<char> {
        self.input.peek_opt()
    }
    #[inline]
    fn look_ch(&mut self) -> char {
        self.input.look_ch()
    }
    #[inline]
    fn next_char_is(&self, c: char) -> bool {
        self.input.next_char_is(c)
    }
    #[inline]
    fn nth_char_is(&self, n: usize, c: char) -> bool {
        self.input.nth_char_is(n, c)
    }
    #[inline]
    fn next_2_are(&self, c1: char, c2: char) -> bool {
        self.input.next_2_are(c1, c2)
    }
    #[inline]
    fn next_3_are(&self, c1: char, c2: char, c3: char) -> bool {
        self.input.next_3_are(c1, c2, c3)
    }
    #[inline]
    fn next_is_document_indicator(&self) -> bool {
        self.input.next_is_document_indicator()
    }
    #[inline]
    fn next_is_document_start(&self) -> bool {
        self.input.next_is_document_start()
    }
    #[inline]
    fn next_is_document_end(&self) -> bool {
        self.input.next_is_document_end()
    }

    /// The string input's skip, reporting skipped tabs as valid whitespace
    /// unless a block sequence entry follows them, and failing once the
    /// scanner has passed too many separators without an event.
    #[inline]
    fn skip_ws_to_eol(&mut self, skip_tabs: SkipTabs) -> (usize, Result<SkipTabs, &'static str>) {
        let pending = self.pending.get() + 1;
        if pending > MAX_PENDING_TOKENS {
            return (0, Err(PENDING_TOKENS_ERROR));
        }
        self.pending.set(pending);
        let (skipped, result) = self.input.skip_ws_to_eol(skip_tabs);
        let result = match result {
            Ok(SkipTabs::Result(true, false)) => {
                let entry = self.input.peek() == '-' && is_blank_or_breakz(self.input.peek_nth(1));
                Ok(SkipTabs::Result(true, !entry))
            }
            other => other,
        };
        (skipped, result)
    }

    #[inline]
    fn next_can_be_plain_scalar(&self, in_flow: bool) -> bool {
        self.input.next_can_be_plain_scalar(in_flow)
    }
    #[inline]
    fn next_is_blank_or_break(&self) -> bool {
        self.input.next_is_blank_or_break()
    }
    #[inline]
    fn next_is_blank_or_breakz(&self) -> bool {
        self.input.next_is_blank_or_breakz()
    }
    #[inline]
    fn next_is_blank(&self) -> bool {
        self.input.next_is_blank()
    }
    #[inline]
    fn next_is_break(&self) -> bool {
        self.input.next_is_break()
    }
    #[inline]
    fn next_is_breakz(&self) -> bool {
        self.input.next_is_breakz()
    }
    #[inline]
    fn next_is_z(&self) -> bool {
        self.input.next_is_z()
    }
    #[inline]
    fn next_is_flow(&self) -> bool {
        self.input.next_is_flow()
    }
    #[inline]
    fn next_is_digit(&self) -> bool {
        self.input.next_is_digit()
    }
    #[inline]
    fn next_is_alpha(&self) -> bool {
        self.input.next_is_alpha()
    }
    #[inline]
    fn skip_while_non_breakz(&mut self) -> usize {
        self.input.skip_while_non_breakz()
    }
    #[inline]
    fn skip_while_blank(&mut self) -> usize {
        self.input.skip_while_blank()
    }
    #[inline]
    fn fetch_while_is_alpha(&mut self, out: &mut String) -> usize {
        self.input.fetch_while_is_alpha(out)
    }
    #[inline]
    fn fetch_while_is_yaml_non_space(&mut self, out: &mut String) -> usize {
        self.input.fetch_while_is_yaml_non_space(out)
    }
}

/// A blank, a line break or the end of the input (`\0` past the end).
fn is_blank_or_breakz(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\0')
}

/// The marker saphyr-parser gives the end of the stream, which both fast
/// paths must reproduce: the end of the text (character `index`), on a line
/// of its own, the next line unless the text ends one (`line` is the line
/// the scanner is on, starting at character `line_start`).
pub(crate) fn stream_end_marker(
    index: usize,
    line: usize,
    line_start: usize,
) -> saphyr_parser::Marker {
    let line = if index > line_start { line + 1 } else { line };
    saphyr_parser::Marker::new(index, line, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(text: &str) -> Result<Vec<String>, String> {
        let mut parser = parser(text);
        let mut out = Vec::new();
        while let Some(item) = parser.next_event() {
            let (event, span) = item.map_err(|e| e.to_string())?;
            out.push(format!("{event:?} {:?}", span.start));
        }
        Ok(out)
    }

    #[test]
    fn a_tab_after_a_colon_separates() {
        let tabbed = events("id:\tsub-1\nq:\t\t-5\n").unwrap();
        let spaced = events("id: sub-1\nq:  -5\n").unwrap();
        assert_eq!(tabbed, spaced);
    }

    #[test]
    fn a_tab_before_a_block_sequence_entry_is_still_indentation() {
        assert!(events("key:\t- a\n").is_err());
    }

    #[test]
    fn a_nested_flow_list_stops_at_the_bound_and_a_flat_one_does_not() {
        let items = |n: usize| vec!["x"; n].join(", ");
        let nested = format!("[[{}]]\n", items(MAX_PENDING_TOKENS as usize));
        let error = events(&nested).unwrap_err();
        assert!(error.contains(PENDING_TOKENS_ERROR), "{error}");
        let under = format!("[[{}]]\n", items(MAX_PENDING_TOKENS as usize / 2 - 10));
        assert!(events(&under).is_ok());
        let flat = format!("k: [{}]\n", items(3 * MAX_PENDING_TOKENS as usize));
        assert!(events(&flat).is_ok());
    }
}
