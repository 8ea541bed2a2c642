//! JSON numbers and the literals `true`, `false` and `null`: the plain
//! scalars of a JSON document.
//!
//! saphyr-parser reads them as plain scalars whose value is their text. Only
//! JSON's grammar is accepted here, and only when a JSON delimiter or the end
//! of the text follows (in YAML, `1 2` or `1a` would be one longer scalar).
//! The import's JSON reader ([`crate::import::json_fast`]) reads them with
//! the same grammar.

use super::Unhandled;

/// The byte after the number or literal that starts at byte `at`.
pub(crate) fn end(bytes: &[u8], at: usize) -> Result<usize, Unhandled> {
    let end = match bytes.get(at) {
        Some(b't') => literal(bytes, at, b"true"),
        Some(b'f') => literal(bytes, at, b"false"),
        Some(b'n') => literal(bytes, at, b"null"),
        _ => number(bytes, at),
    }?;
    // The end of the text ends one too: a document's root may be a number
    // for the import's reader; inside a collection, as in a scenario, the
    // end of the text is refused right after.
    match bytes.get(end) {
        None | Some(b' ' | b'\t' | b'\n' | b'\r' | b',' | b']' | b'}') => Ok(end),
        _ => Err(Unhandled),
    }
}

fn literal(bytes: &[u8], at: usize, word: &[u8]) -> Result<usize, Unhandled> {
    let end = at + word.len();
    if bytes.get(at..end) == Some(word) {
        Ok(end)
    } else {
        Err(Unhandled)
    }
}

/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
fn number(bytes: &[u8], at: usize) -> Result<usize, Unhandled> {
    let mut i = at;
    if bytes.get(i) == Some(&b'-') {
        i += 1;
    }
    match bytes.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => i = digits(bytes, i),
        _ => return Err(Unhandled),
    }
    if bytes.get(i) == Some(&b'.') {
        i = at_least_one_digit(bytes, i + 1)?;
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        i = at_least_one_digit(bytes, i)?;
    }
    Ok(i)
}

/// The end of the run of digits at `i` (possibly empty).
fn digits(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    i
}

fn at_least_one_digit(bytes: &[u8], i: usize) -> Result<usize, Unhandled> {
    let end = digits(bytes, i);
    if end > i {
        Ok(end)
    } else {
        Err(Unhandled)
    }
}
