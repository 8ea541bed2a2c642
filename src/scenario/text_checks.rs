//! Checks on the raw text that the YAML parser does not make, or places badly.
//!
//! - Control characters (C0 but tab, LF and CR; DEL; C1; U+FFFE and U+FFFF)
//!   are not printable YAML (YAML 1.2, `c-printable`) and would reach a report
//!   or a terminal verbatim; saphyr-parser accepts them in scalars and
//!   comments. [`first_control_char`] finds the first one in one pass.
//! - A tab used as indentation is reported by the parser at the start of the
//!   scalar or token before it, often a line too early; [`indentation_tab`]
//!   finds the tab itself.

/// The byte offset and value of the first character of `text` that is not
/// printable YAML.
pub(crate) fn first_control_char(text: &str) -> Option<(usize, char)> {
    let bytes = text.as_bytes();
    let mut from = 0;
    // Chunks of 64 bytes are screened for a byte that may start one (written
    // as a branch-free fold so that it vectorises); only a chunk that has
    // such a byte is looked at closely. C1 characters are encoded C2 80..9F
    // and U+FFFE/U+FFFF EF BF BE/BF, so the screen is on C2 and EF.
    for chunk in bytes.chunks(64) {
        let suspect = chunk.iter().fold(false, |any, &b| {
            any | (b < 0x20 && b != b'\t' && b != b'\n' && b != b'\r')
                | (b == 0x7F)
                | (b == 0xC2)
                | (b == 0xEF)
        });
        if suspect {
            let end = (from + chunk.len() + 3).min(text.len());
            if let Some(found) = scan(text, from, end) {
                return Some(found);
            }
        }
        from += chunk.len();
    }
    None
}

/// The first non-printable character starting in `text[from..end]` (`end` may
/// run a few bytes into the next chunk, to finish a character).
fn scan(text: &str, from: usize, end: usize) -> Option<(usize, char)> {
    // Back up to a character boundary: a chunk may start inside a character.
    let mut start = from;
    while start > 0 && !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = end;
    while end < text.len() && !text.is_char_boundary(end) {
        end += 1;
    }
    let part = text.get(start..end)?;
    part.char_indices()
        .map(|(i, c)| (start + i, c))
        .find(|&(i, c)| i >= from && !printable(c))
}

/// Whether `c` is printable YAML, as far as eligo is concerned: YAML's
/// `c-printable`, less NEL (U+0085), which some terminals take as a line break.
fn printable(c: char) -> bool {
    !(matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}')
        || matches!(c, '\u{7F}'..='\u{9F}')
        || matches!(c, '\u{FFFE}' | '\u{FFFF}'))
}

/// A copy of `text` with every character that is not printable replaced by
/// as many `?` as it has bytes, so that offsets stay valid: what the snippet
/// of a control-character error shows instead of the character itself.
pub(crate) fn printable_copy(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            let (keep, n) = if printable(c) {
                (Some(c), 0)
            } else {
                (None, c.len_utf8())
            };
            keep.into_iter().chain(std::iter::repeat_n('?', n))
        })
        .collect()
}

/// The byte offset of the first tab that indents a line, on the line of byte
/// `from` or after it: where a parser error about tabs as indentation belongs.
pub(crate) fn indentation_tab(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut line_start = bytes
        .get(..from.min(bytes.len()))
        .and_then(|before| before.iter().rposition(|&b| b == b'\n' || b == b'\r'))
        .map_or(0, |i| i + 1);
    while line_start < bytes.len() {
        let rest = bytes.get(line_start..).unwrap_or(&[]);
        let indent = rest
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count();
        if let Some(tab) = rest
            .get(..indent)
            .and_then(|i| i.iter().position(|&b| b == b'\t'))
        {
            return Some(line_start + tab);
        }
        let line_end = rest
            .iter()
            .position(|&b| b == b'\n' || b == b'\r')
            .map_or(rest.len(), |i| i + 1);
        line_start += line_end;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_found_where_they_are() {
        assert_eq!(first_control_char("a: b\tc\r\n# é ü\n"), None);
        assert_eq!(first_control_char("a: b\x07c"), Some((4, '\x07')));
        assert_eq!(first_control_char("a: \x7f"), Some((3, '\x7f')));
        let long = format!("{}\u{0085}", "é".repeat(40));
        assert_eq!(first_control_char(&long), Some((80, '\u{85}')));
        assert_eq!(first_control_char("k: \u{00A0}\u{FEFF}x"), None);
        assert_eq!(first_control_char("k: \u{FFFF}"), Some((3, '\u{FFFF}')));
        let late = format!("{}\x1b[2J", "x".repeat(1000));
        assert_eq!(first_control_char(&late), Some((1000, '\x1b')));
    }

    #[test]
    fn the_printable_copy_keeps_offsets() {
        let text = "a: \x1b[2J \u{9b}x \u{FFFF}é\n";
        let copy = printable_copy(text);
        assert_eq!(copy.len(), text.len());
        assert_eq!(copy, "a: ?[2J ??x ???é\n");
    }

    #[test]
    fn the_indenting_tab_is_found_on_its_line() {
        let text = "a:\n  - id: c1\n\tregion: x\n";
        assert_eq!(indentation_tab(text, 9), Some(14));
        assert_eq!(indentation_tab("a: b\n", 0), None);
        assert_eq!(indentation_tab("a:\n  \t b: 1\n", 0), Some(5));
    }
}
