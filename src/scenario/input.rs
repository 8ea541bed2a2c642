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

use saphyr_parser::input::SkipTabs;
use saphyr_parser::{Input, Parser, StrInput};

/// saphyr-parser's string input with tabs accepted as separation.
pub struct TabSeparated<'a>(StrInput<'a>);

/// A parser over `text` (see the module documentation).
pub fn parser(text: &str) -> Parser<'_, TabSeparated<'_>> {
    Parser::new(TabSeparated(StrInput::new(text)))
}

impl Input for TabSeparated<'_> {
    #[inline]
    fn lookahead(&mut self, count: usize) {
        self.0.lookahead(count);
    }
    #[inline]
    fn buflen(&self) -> usize {
        self.0.buflen()
    }
    #[inline]
    fn bufmaxlen(&self) -> usize {
        self.0.bufmaxlen()
    }
    #[inline]
    fn buf_is_empty(&self) -> bool {
        self.0.buf_is_empty()
    }
    #[inline]
    fn raw_read_ch(&mut self) -> char {
        self.0.raw_read_ch()
    }
    #[inline]
    fn raw_read_non_breakz_ch(&mut self) -> Option<char> {
        self.0.raw_read_non_breakz_ch()
    }
    #[inline]
    fn skip(&mut self) {
        self.0.skip();
    }
    #[inline]
    fn skip_n(&mut self, count: usize) {
        self.0.skip_n(count);
    }
    #[inline]
    fn peek(&self) -> char {
        self.0.peek()
    }
    #[inline]
    fn peek_nth(&self, n: usize) -> char {
        self.0.peek_nth(n)
    }
    #[inline]
    fn peek_opt(&self) -> Option<char> {
        self.0.peek_opt()
    }
    #[inline]
    fn look_ch(&mut self) -> char {
        self.0.look_ch()
    }
    #[inline]
    fn next_char_is(&self, c: char) -> bool {
        self.0.next_char_is(c)
    }
    #[inline]
    fn nth_char_is(&self, n: usize, c: char) -> bool {
        self.0.nth_char_is(n, c)
    }
    #[inline]
    fn next_2_are(&self, c1: char, c2: char) -> bool {
        self.0.next_2_are(c1, c2)
    }
    #[inline]
    fn next_3_are(&self, c1: char, c2: char, c3: char) -> bool {
        self.0.next_3_are(c1, c2, c3)
    }
    #[inline]
    fn next_is_document_indicator(&self) -> bool {
        self.0.next_is_document_indicator()
    }
    #[inline]
    fn next_is_document_start(&self) -> bool {
        self.0.next_is_document_start()
    }
    #[inline]
    fn next_is_document_end(&self) -> bool {
        self.0.next_is_document_end()
    }

    /// The string input's skip, reporting skipped tabs as valid whitespace
    /// unless a block sequence entry follows them.
    #[inline]
    fn skip_ws_to_eol(&mut self, skip_tabs: SkipTabs) -> (usize, Result<SkipTabs, &'static str>) {
        let (skipped, result) = self.0.skip_ws_to_eol(skip_tabs);
        let result = match result {
            Ok(SkipTabs::Result(true, false)) => {
                let entry = self.0.peek() == '-' && is_blank_or_breakz(self.0.peek_nth(1));
                Ok(SkipTabs::Result(true, !entry))
            }
            other => other,
        };
        (skipped, result)
    }

    #[inline]
    fn next_can_be_plain_scalar(&self, in_flow: bool) -> bool {
        self.0.next_can_be_plain_scalar(in_flow)
    }
    #[inline]
    fn next_is_blank_or_break(&self) -> bool {
        self.0.next_is_blank_or_break()
    }
    #[inline]
    fn next_is_blank_or_breakz(&self) -> bool {
        self.0.next_is_blank_or_breakz()
    }
    #[inline]
    fn next_is_blank(&self) -> bool {
        self.0.next_is_blank()
    }
    #[inline]
    fn next_is_break(&self) -> bool {
        self.0.next_is_break()
    }
    #[inline]
    fn next_is_breakz(&self) -> bool {
        self.0.next_is_breakz()
    }
    #[inline]
    fn next_is_z(&self) -> bool {
        self.0.next_is_z()
    }
    #[inline]
    fn next_is_flow(&self) -> bool {
        self.0.next_is_flow()
    }
    #[inline]
    fn next_is_digit(&self) -> bool {
        self.0.next_is_digit()
    }
    #[inline]
    fn next_is_alpha(&self) -> bool {
        self.0.next_is_alpha()
    }
    #[inline]
    fn skip_while_non_breakz(&mut self) -> usize {
        self.0.skip_while_non_breakz()
    }
    #[inline]
    fn skip_while_blank(&mut self) -> usize {
        self.0.skip_while_blank()
    }
    #[inline]
    fn fetch_while_is_alpha(&mut self, out: &mut String) -> usize {
        self.0.fetch_while_is_alpha(out)
    }
    #[inline]
    fn fetch_while_is_yaml_non_space(&mut self, out: &mut String) -> usize {
        self.0.fetch_while_is_yaml_non_space(out)
    }
}

/// A blank, a line break or the end of the input (`\0` past the end).
fn is_blank_or_breakz(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\0')
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
}
