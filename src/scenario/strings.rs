//! The string values of a scenario, mostly read in place from its source.
//!
//! Nearly every string in a scenario is a plain scalar on one line (`id: sub-1`,
//! `name: Office 365 E3`), written verbatim in the source text, which the
//! scenario keeps anyway for diagnostics. Such a string's cell is simply its
//! byte offset in the source (flagged with [`DIRECT`]); its end is found again
//! by the same rule a plain scalar ends by (end of line or ` #`, trailing blanks
//! trimmed), which the loader checks before choosing this form. A quoted string
//! whose text between its quotes is its value (no escape, no folding), as
//! nearly every string of a JSON book is, is read in place the same way: its
//! cell is the offset of its opening quote (flagged with [`DIRECT`] and
//! [`QUOTED`]), and it ends at the next quote of the same kind. Other strings
//! (escaped, folded, flow-style, defaults, past the offsets a cell can hold)
//! get an entry in a span table, pointing into the source or into a buffer of
//! copies.

use std::sync::Arc;

/// Flags a cell that is a byte offset of the source rather than a span index.
pub(crate) const DIRECT: u32 = 1 << 31;

/// Flags a direct cell that is the offset of a quoted string's opening quote
/// rather than of a plain scalar. A span-table entry costs 8 bytes more than
/// a direct cell: at a million subscriptions, 19 MB of a JSON book's peak.
const QUOTED: u32 = 1 << 30;

/// Flags a span that lies in the copy buffer rather than the source.
const IN_COPIES: u32 = 1 << 31;

/// Largest offset a direct cell can hold: below [`QUOTED`], and for a quoted
/// one below the two top cell values (the store's `NONE` and `PENDING`).
const MAX_DIRECT: u32 = QUOTED - 3;

// A plain direct cell never reads as quoted, a quoted one never as `NONE` or
// `PENDING`.
const _: () = assert!((MAX_DIRECT | DIRECT) & QUOTED == 0);
const _: () = assert!(MAX_DIRECT | DIRECT | QUOTED < u32::MAX - 1);

/// The strings of a store.
#[derive(Clone, Debug, Default)]
pub struct Strings {
    /// The scenario text.
    pub source: Arc<str>,
    /// Copies of strings that are not verbatim in the source, back to back.
    pub copies: String,
    /// Spans of strings that are not direct: a range of the source, or of
    /// `copies` when the start has the top bit set.
    pub spans: Vec<(u32, u32)>,
}

impl Strings {
    /// Strings that may point into `source`.
    pub fn new(source: Arc<str>) -> Self {
        Strings {
            source,
            ..Strings::default()
        }
    }

    /// The string of a cell.
    #[inline]
    pub fn get(&self, cell: u32) -> &str {
        if cell & DIRECT != 0 {
            let start = (cell & !(DIRECT | QUOTED)) as usize;
            let bytes = self.source.as_bytes();
            let (start, end) = if cell & QUOTED != 0 {
                quoted_inner(bytes, start)
            } else {
                (start, plain_end(bytes, start))
            };
            return self.source.get(start..end).unwrap_or("");
        }
        let Some(&(start, len)) = self.spans.get(cell as usize) else {
            return "";
        };
        let (from, start) = if start & IN_COPIES != 0 {
            (self.copies.as_str(), start & !IN_COPIES)
        } else {
            (self.source.as_ref(), start)
        };
        from.get(start as usize..(start + len) as usize)
            .unwrap_or("")
    }

    /// Stores a copy of `s` and returns its cell.
    pub fn push_copy(&mut self, s: &str) -> u32 {
        let start = self.copies.len() as u32 | IN_COPIES;
        self.copies.push_str(s);
        self.spans.push((start, s.len() as u32));
        (self.spans.len() - 1) as u32
    }

    /// The cell of `value`, a scalar whose token is at `offset..offset + len`
    /// of the source (`plain` when its style is plain): in place when the
    /// source holds it verbatim, else a copy.
    pub fn push_scalar(&mut self, value: &str, offset: u32, len: u32, plain: bool) -> u32 {
        let (start, end) = (offset as usize, offset as usize + len as usize);
        if self.source.get(start..end) != Some(value) {
            // A quoted scalar's token includes its quotes: when the text
            // between them is the value (no escape, no folding), as nearly
            // every string of a JSON book is, point there instead of copying.
            let inner = (start + 1, end.saturating_sub(1));
            if !plain && inner.0 <= inner.1 && self.source.get(inner.0..inner.1) == Some(value) {
                if offset <= MAX_DIRECT && is_quoted_verbatim(self.source.as_bytes(), start, end) {
                    debug_assert_eq!(quoted_inner(self.source.as_bytes(), start), inner);
                    return offset | DIRECT | QUOTED;
                }
                self.spans.push((offset + 1, len - 2));
                return (self.spans.len() - 1) as u32;
            }
            return self.push_copy(value);
        }
        // A plain scalar equal to its token holds no line break, no ` #` and no
        // trailing blank (a multi-line one is folded, so it differs from its
        // token), so the plain-scalar rule ends it at `end` exactly when the rest
        // of its line is blank or a comment; only that rest needs looking at.
        let direct = plain && offset <= MAX_DIRECT && line_rest_is_empty(&self.source, end);
        if direct {
            debug_assert_eq!(plain_end(self.source.as_bytes(), start), end);
            return offset | DIRECT;
        }
        self.spans.push((offset, len));
        (self.spans.len() - 1) as u32
    }
}

/// Whether `text[start..end]`, a quoted token whose value is the text between
/// its quotes, can be read in place: the next quote of its kind after the
/// opening one must close it. It does, without looking: a quote of its kind
/// inside would have to be escaped (`\"`, `''`), and an escape or a folded
/// line break makes the value differ from the text between the quotes, so
/// only the two quotes need checking (the full search is a debug assertion).
fn is_quoted_verbatim(text: &[u8], start: usize, end: usize) -> bool {
    let Some([open, inner @ .., close]) = text.get(start..end) else {
        return false;
    };
    let quoted = matches!(open, b'"' | b'\'') && close == open;
    debug_assert!(!quoted || memchr::memchr(*open, inner).is_none());
    quoted
}

/// The value of the quoted string whose opening quote is at `start`: from
/// after it to the next quote of its kind.
fn quoted_inner(text: &[u8], start: usize) -> (usize, usize) {
    let quote = text.get(start).copied().unwrap_or(b'"');
    let from = start + 1;
    let rest = text.get(from..).unwrap_or(&[]);
    let len = memchr::memchr(quote, rest).unwrap_or(rest.len());
    (from, from + len)
}

/// Whether the line holds only blanks or a comment from `end` on.
fn line_rest_is_empty(text: &str, end: usize) -> bool {
    let rest = text.as_bytes().get(end..).unwrap_or(&[]);
    let blanks = rest
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    match rest.get(blanks) {
        None | Some(b'\n' | b'\r') => true,
        Some(b'#') => blanks > 0,
        Some(_) => false,
    }
}

/// Where a one-line plain scalar starting at `start` ends: at the line break,
/// or at a ` #` comment, without trailing blanks.
fn plain_end(text: &[u8], start: usize) -> usize {
    let rest = text.get(start..).unwrap_or(&[]);
    let mut end = rest.len();
    let mut prev_blank = false;
    for (i, &b) in rest.iter().enumerate() {
        // Every byte that matters sorts at or below `#`; most bytes of ids and
        // names sort above it, so they cost one comparison.
        if b > b'#' {
            prev_blank = false;
            continue;
        }
        if b == b'\n' || b == b'\r' || (b == b'#' && prev_blank) {
            end = i;
            break;
        }
        prev_blank = b == b' ' || b == b'\t';
    }
    while end > 0 && matches!(rest.get(end - 1), Some(b' ' | b'\t')) {
        end -= 1;
    }
    start + end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_scalars_are_read_in_place() {
        let text = "id: sub-1   # note\nname: a b\n";
        let mut s = Strings::new(Arc::from(text));
        let id = s.push_scalar("sub-1", 4, 5, true);
        let name = s.push_scalar("a b", 25, 3, true);
        assert_ne!(id & DIRECT, 0);
        assert_eq!((s.get(id), s.get(name)), ("sub-1", "a b"));
        assert!(s.spans.is_empty());
    }

    #[test]
    fn other_strings_get_a_span_or_a_copy() {
        let text = "a: [x, y]\nb: \"q\\tr\"\n";
        let mut s = Strings::new(Arc::from(text));
        // `x` in flow style: verbatim, but the plain-scalar rule would not stop at `,`.
        let x = s.push_scalar("x", 4, 1, true);
        let q = s.push_scalar("q\tr", 13, 6, false);
        assert_eq!(x & DIRECT, 0);
        assert_eq!((s.get(x), s.get(q)), ("x", "q\tr"));
        assert_eq!(s.copies, "q\tr");
    }

    #[test]
    fn quoted_strings_without_escapes_are_read_between_their_quotes() {
        let text = "{\"id\":\"sub-1\",\"n\":\"a\\\"b\",\"e\":\"\"}";
        let mut s = Strings::new(Arc::from(text));
        // The token `"sub-1"` (with its quotes) at 6..13 holds the value verbatim.
        let id = s.push_scalar("sub-1", 6, 7, false);
        // `"a\"b"` at 18..24 holds an escape: a copy.
        let n = s.push_scalar("a\"b", 18, 6, false);
        // `""` at 29..31: an empty value, between its quotes too.
        let e = s.push_scalar("", 29, 2, false);
        assert_eq!((s.get(id), s.get(n), s.get(e)), ("sub-1", "a\"b", ""));
        // Both verbatim ones are read in place, with no span.
        assert_eq!(
            (id & (DIRECT | QUOTED), e & (DIRECT | QUOTED)),
            (DIRECT | QUOTED, DIRECT | QUOTED)
        );
        assert_eq!(s.spans.len(), 1);
        assert_eq!(s.copies, "a\"b");
    }

    #[test]
    fn single_quoted_strings_are_read_in_place_unless_they_hold_a_quote() {
        let text = "a: 'x y'\nb: 'it''s'\nc: \"q'\"\n";
        let mut s = Strings::new(Arc::from(text));
        let a = s.push_scalar("x y", 3, 5, false);
        let b = s.push_scalar("it's", 12, 7, false);
        let c = s.push_scalar("q'", 23, 4, false);
        assert_eq!((s.get(a), s.get(b), s.get(c)), ("x y", "it's", "q'"));
        assert_ne!(a & QUOTED, 0);
        assert_eq!(b & DIRECT, 0);
        // A double-quoted string may hold a single quote: it ends at `"`.
        assert_ne!(c & QUOTED, 0);
    }
}
