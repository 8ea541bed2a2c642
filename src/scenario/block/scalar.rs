//! The scalars of the block subset, read on one line: plain, single-quoted
//! and double-quoted, as saphyr-parser reads them.
//!
//! Each reader takes the bytes from a scalar's first byte and says where it
//! ends, how many bytes inside it continue a UTF-8 character (positions are
//! counted in characters), and its value. Anything the fast path does not
//! read exactly like saphyr-parser (a line break inside the scalar, a tab, a
//! control character, a byte-order mark, an unknown escape) is [`Unhandled`].

use std::borrow::Cow;

use super::Unhandled;

/// What a byte is to a plain scalar.
const PLAIN: u8 = 0;
/// A byte that may end a plain scalar or needs a closer look.
const SPECIAL: u8 = 1;

/// Byte classes of plain scalars in block context: every byte but the
/// special ones is plain content.
static BLOCK_CLASSES: [u8; 256] = classes(false);
/// Byte classes of plain scalars inside a flow sequence.
static FLOW_CLASSES: [u8; 256] = classes(true);

// Evaluated at compile time only, where an index out of bounds is a
// compile error, not a panic.
#[allow(clippy::indexing_slicing)]
const fn classes(flow: bool) -> [u8; 256] {
    let mut table = [PLAIN; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = SPECIAL;
        b += 1;
    }
    table[b' ' as usize] = SPECIAL;
    table[b':' as usize] = SPECIAL;
    // A byte-order mark starts with EF; a continuation byte is counted.
    let mut b = 0x80;
    while b < 0xC0 {
        table[b] = SPECIAL;
        b += 1;
    }
    table[0xEF] = SPECIAL;
    if flow {
        table[b',' as usize] = SPECIAL;
        table[b'[' as usize] = SPECIAL;
        table[b']' as usize] = SPECIAL;
        table[b'{' as usize] = SPECIAL;
        table[b'}' as usize] = SPECIAL;
    }
    table
}

/// Whether `b` is a blank, a line break, or past the end (`None`).
#[inline]
pub(super) fn blank_or_breakz(b: Option<&u8>) -> bool {
    matches!(b, None | Some(b' ' | b'\t' | b'\n' | b'\r'))
}

/// Whether `b` is a flow indicator.
#[inline]
fn flow_indicator(b: u8) -> bool {
    matches!(b, b',' | b'[' | b']' | b'{' | b'}')
}

/// Whether the bytes at `at` start a byte-order mark.
#[inline]
fn bom_at(bytes: &[u8], at: usize) -> bool {
    bytes.get(at..at + 3) == Some(&[0xEF, 0xBB, 0xBF])
}

/// Whether a plain scalar may start at `at` (in a flow sequence when
/// `flow`). Narrower than YAML: no indicator starts one here except `-`
/// before a character that could continue it.
#[inline]
pub(super) fn plain_starts(bytes: &[u8], at: usize, flow: bool) -> bool {
    let Some(&b) = bytes.get(at) else {
        return false;
    };
    match b {
        b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => true,
        b'_' | b'.' | b'/' | b'~' | b'+' | b'(' | b')' | b'=' | b'$' | b'^' | b';' | b'<' => true,
        b'\\' => true,
        b'-' => match bytes.get(at + 1) {
            next if blank_or_breakz(next) => false,
            Some(&n) => !(flow && flow_indicator(n)),
            None => false,
        },
        0x80.. => !bom_at(bytes, at),
        _ => false,
    }
}

/// How a plain scalar ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum PlainStop {
    /// At a line break or the end of the text.
    Break,
    /// At the blank before a comment.
    Comment,
    /// At a `:` followed by a blank, a line break or the end of the text
    /// (or, in a flow sequence, a flow indicator).
    Colon,
    /// At a blank followed by something else (only in a flow sequence,
    /// where the scalar's words may also end at an indicator).
    Other,
}

/// A plain scalar read.
#[derive(Clone, Copy, Debug)]
pub(super) struct Plain {
    /// The byte after its last non-blank character.
    pub end: usize,
    /// Bytes before `end` that continue a character.
    pub cont: usize,
    /// Where reading stopped (after `end`, past blanks only).
    pub stop: usize,
    /// Why.
    pub how: PlainStop,
}

/// Reads the plain scalar at `from` (a byte [`plain_starts`] accepts).
#[inline]
pub(super) fn plain(bytes: &[u8], from: usize, flow: bool) -> Result<Plain, Unhandled> {
    let class = if flow { &FLOW_CLASSES } else { &BLOCK_CLASSES };
    let mut i = from;
    let mut cont = 0;
    // The scalar ends after its last non-blank: where the blanks that
    // stopped it start, or where it stopped.
    let (end, how) = loop {
        // The common case: a run of ordinary ASCII.
        while let Some(&b) = bytes.get(i) {
            if class.get(usize::from(b)) != Some(&PLAIN) {
                break;
            }
            i += 1;
        }
        let Some(&b) = bytes.get(i) else {
            break (i, PlainStop::Break);
        };
        match b {
            b'\n' | b'\r' => break (i, PlainStop::Break),
            b' ' => {
                // Blanks end the scalar unless plain content follows them.
                let blanks = i;
                while bytes.get(i) == Some(&b' ') {
                    i += 1;
                }
                let stop = match bytes.get(i) {
                    // saphyr-parser rejects a word of a flow scalar that
                    // starts like this one.
                    Some(b'-') if flow && bytes.get(i + 1).is_some_and(|&n| flow_indicator(n)) => {
                        return Err(Unhandled);
                    }
                    Some(b'#') => Some(PlainStop::Comment),
                    None | Some(b'\n' | b'\r') => Some(PlainStop::Break),
                    Some(&n) if flow && flow_indicator(n) => Some(PlainStop::Other),
                    Some(b':') if ends_at_colon(bytes, i, flow) => Some(PlainStop::Colon),
                    _ => None,
                };
                if let Some(stop) = stop {
                    break (blanks, stop);
                }
            }
            b':' => {
                if ends_at_colon(bytes, i, flow) {
                    break (i, PlainStop::Colon);
                }
                i += 1;
            }
            0x80..=0xBF => {
                cont += 1;
                i += 1;
            }
            0xEF => {
                if bom_at(bytes, i) {
                    return Err(Unhandled);
                }
                i += 1;
            }
            0..=0x1F => return Err(Unhandled),
            // A flow indicator inside a flow sequence.
            _ => break (i, PlainStop::Other),
        }
    };
    Ok(Plain {
        end,
        cont,
        stop: i,
        how,
    })
}

/// Whether the `:` at `at` ends a plain scalar: before a blank, a line
/// break or the end, or (in a flow sequence) a flow indicator.
#[inline]
fn ends_at_colon(bytes: &[u8], at: usize, flow: bool) -> bool {
    let next = bytes.get(at + 1);
    blank_or_breakz(next) || (flow && next.is_some_and(|&n| flow_indicator(n)))
}

/// A quoted scalar read.
#[derive(Debug)]
pub(super) struct Quoted<'a> {
    /// Its value (empty when not decoded and it has escapes).
    pub value: Cow<'a, str>,
    /// The byte after the closing quote.
    pub end: usize,
    /// Bytes before `end` that continue a character.
    pub cont: usize,
}

/// Reads the quoted scalar whose opening quote is at `from`, on one line.
/// With `decode` false, a value that would need a copy is left empty.
pub(super) fn quoted(
    text: &str,
    from: usize,
    single: bool,
    decode: bool,
) -> Result<Quoted<'_>, Unhandled> {
    let bytes = text.as_bytes();
    let quote = if single { b'\'' } else { b'"' };
    let mut i = from + 1;
    let mut cont = 0;
    // The decoded value, once an escape makes it differ from the text.
    let mut owned: Option<String> = None;
    let mut segment = i;
    loop {
        let Some(&b) = bytes.get(i) else {
            return Err(Unhandled);
        };
        match b {
            _ if b == quote && !(single && bytes.get(i + 1) == Some(&b'\'')) => break,
            b'\'' if single => {
                // `''` in a single-quoted scalar: one quote.
                if decode {
                    let s = owned.get_or_insert_with(String::new);
                    s.push_str(text.get(segment..=i).ok_or(Unhandled)?);
                } else {
                    owned.get_or_insert_with(String::new);
                }
                i += 2;
                segment = i;
            }
            b'\\' if !single => {
                let (c, len) = escape(bytes, i)?;
                let s = owned.get_or_insert_with(String::new);
                if decode {
                    s.push_str(text.get(segment..i).ok_or(Unhandled)?);
                    s.push(c);
                }
                i += len;
                segment = i;
            }
            0x80..=0xBF => {
                cont += 1;
                i += 1;
            }
            0xEF if bom_at(bytes, i) => return Err(Unhandled),
            0..=0x1F => return Err(Unhandled),
            _ => i += 1,
        }
    }
    let value = match owned {
        None => Cow::Borrowed(text.get(from + 1..i).ok_or(Unhandled)?),
        Some(mut s) if decode => {
            s.push_str(text.get(segment..i).ok_or(Unhandled)?);
            Cow::Owned(s)
        }
        Some(_) => Cow::Borrowed(""),
    };
    Ok(Quoted {
        value,
        end: i + 1,
        cont,
    })
}

/// The character of the escape at `at` (a `\`) and its length in bytes, as
/// saphyr-parser resolves it.
fn escape(bytes: &[u8], at: usize) -> Result<(char, usize), Unhandled> {
    let simple = match bytes.get(at + 1) {
        Some(b'0') => '\0',
        Some(b'a') => '\x07',
        Some(b'b') => '\x08',
        Some(b't') => '\t',
        Some(b'n') => '\n',
        Some(b'v') => '\x0b',
        Some(b'f') => '\x0c',
        Some(b'r') => '\r',
        Some(b'e') => '\x1b',
        Some(b' ') => ' ',
        Some(b'"') => '"',
        Some(b'/') => '/',
        Some(b'\\') => '\\',
        Some(b'N') => '\u{85}',
        Some(b'_') => '\u{a0}',
        Some(b'L') => '\u{2028}',
        Some(b'P') => '\u{2029}',
        Some(b'x') => return hex(bytes, at, 2),
        Some(b'u') => return hex(bytes, at, 4),
        Some(b'U') => return hex(bytes, at, 8),
        _ => return Err(Unhandled),
    };
    Ok((simple, 2))
}

/// The character of a `\x`, `\u` or `\U` escape of `digits` hex digits.
fn hex(bytes: &[u8], at: usize, digits: usize) -> Result<(char, usize), Unhandled> {
    let code = bytes.get(at + 2..at + 2 + digits).ok_or(Unhandled)?;
    let mut value: u32 = 0;
    for &d in code {
        let digit = char::from(d).to_digit(16).ok_or(Unhandled)?;
        value = (value << 4) | digit;
    }
    let c = char::from_u32(value).ok_or(Unhandled)?;
    Ok((c, 2 + digits))
}
