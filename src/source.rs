//! Source files and spans shared by rule files and scenarios.

use rayon::prelude::*;
use std::sync::Arc;

mod indexed;
pub(crate) mod snippet;
pub(crate) use indexed::{read_window, IndexedText};

/// A byte range in a source file.
///
/// Spans are carried on every AST node and scenario value for diagnostics, and are
/// left out of equality so two parses of the same text compare equal whatever the
/// layout.
#[derive(Clone, Copy, Debug, Default, Eq)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
}

impl PartialEq for Span {
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}

impl std::hash::Hash for Span {
    fn hash<H: std::hash::Hasher>(&self, _state: &mut H) {
        // Consistent with equality: every span is equal to every other.
    }
}

impl Span {
    /// A span from `start` to `end` (byte offsets).
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// Whether the span covers no byte.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(span: Span) -> Self {
        miette::SourceSpan::new(span.start.into(), span.len())
    }
}

/// A file read into memory: its display name and its text.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The path as the user gave it (or a name such as `<default>/csp.rules`).
    pub name: String,
    /// The whole text; shared so diagnostics can hold it cheaply.
    pub text: Arc<str>,
    /// The same text with its line index, built on the first diagnostic and
    /// shared by all of this file's diagnostics (see [`IndexedText`]).
    indexed: IndexedText,
}

impl SourceFile {
    /// A source file with the given display name and text.
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        let text: Arc<str> = text.into();
        SourceFile {
            name: name.into(),
            indexed: IndexedText::new(Arc::clone(&text)),
            text,
        }
    }

    /// A miette source for rendering snippets of this file.
    pub fn named_source(&self) -> miette::NamedSource<IndexedText> {
        miette::NamedSource::new(&self.name, self.indexed.clone()).with_language("yaml")
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        self.indexed.line_col(offset)
    }
}

/// The bytes as shared text, if they are UTF-8 (without copying them): with
/// [`crate::input::read_path`], a large file is held once, not twice.
pub(crate) fn shared_str(bytes: Arc<[u8]>) -> Result<Arc<str>, std::str::Utf8Error> {
    std::str::from_utf8(&bytes)?;
    let raw = Arc::into_raw(bytes) as *const str;
    // SAFETY: the bytes were just checked to be UTF-8, `str` has the layout of
    // `[u8]`, and the pointer comes from `Arc::into_raw` of an `Arc` of that
    // layout, so it may be given back to `Arc::from_raw` as a `str`.
    #[allow(unsafe_code)]
    Ok(unsafe { Arc::from_raw(raw) })
}

/// The pieces joined into one shared text, copied once (on every core for a
/// large text): `String` then `Arc<str>` copies twice, the second time on
/// one core, and sharing a `String` without a copy takes `unsafe`.
pub(crate) fn concat_shared(pieces: &[String]) -> Arc<str> {
    let len = pieces.iter().map(String::len).sum();
    // Zeroed by the system, its pages first touched by the copies below.
    let mut bytes = crate::input::zeroed(len);
    let Some(buffer) = Arc::get_mut(&mut bytes) else {
        return Arc::from(pieces.concat());
    };
    let mut rest = buffer;
    let mut pairs = Vec::with_capacity(pieces.len());
    for piece in pieces {
        let (into, after) = rest.split_at_mut(piece.len());
        pairs.push((into, piece.as_bytes()));
        rest = after;
    }
    pairs
        .into_par_iter()
        .for_each(|(into, from)| into.copy_from_slice(from));
    // Pieces of text joined are text; the check is a fast pass over ASCII.
    shared_str(bytes).unwrap_or_else(|_| Arc::from(pieces.concat()))
}

/// 1-based line and column (in characters) of a byte offset in `text`.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

/// Converts character indexes (as YAML parsers report them) to byte offsets.
///
/// Scenario files are nearly always ASCII, where the two are the same; only
/// files with other characters pay for a lookup table.
#[derive(Debug)]
pub(crate) struct CharToByte {
    /// Byte offset of every character, or `None` when the text is ASCII.
    offsets: Option<Vec<u32>>,
    len: usize,
}

impl CharToByte {
    /// Builds the conversion for `text`.
    pub(crate) fn new(text: &str) -> Self {
        let offsets = if text.is_ascii() {
            None
        } else {
            Some(text.char_indices().map(|(i, _)| i as u32).collect())
        };
        CharToByte {
            offsets,
            len: text.len(),
        }
    }

    /// The byte offset of the character at `index`.
    pub(crate) fn byte(&self, index: usize) -> usize {
        match &self.offsets {
            None => index.min(self.len),
            Some(table) => table.get(index).map_or(self.len, |&b| b as usize),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_join_in_order_into_one_text() {
        let pieces: Vec<String> = ["a: 1\n", "", "é: ü\n", "- x\n"].map(String::from).into();
        assert_eq!(&*concat_shared(&pieces), pieces.concat());
        assert_eq!(&*concat_shared(&[]), "");
        assert_eq!(&*concat_shared(&[String::new()]), "");
    }

    #[test]
    fn line_col_counts_from_one() {
        let text = "ab\ncd\nef";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 4), (2, 2));
        assert_eq!(line_col(text, 6), (3, 1));
    }

    #[test]
    fn shared_text_is_checked() {
        let ok: Arc<[u8]> = Arc::from(&b"caf\xc3\xa9"[..]);
        assert_eq!(&*shared_str(ok).unwrap(), "café");
        let bad: Arc<[u8]> = Arc::from(&b"a\xff"[..]);
        assert_eq!(shared_str(bad).unwrap_err().valid_up_to(), 1);
    }

    #[test]
    fn char_to_byte_handles_multibyte() {
        let map = CharToByte::new("åb");
        assert_eq!(map.byte(1), 2);
        assert_eq!(CharToByte::new("ab").byte(1), 1);
    }
}
