//! JSON strings, read as saphyr-parser reads the same bytes as a YAML
//! double-quoted scalar.
//!
//! Every JSON escape means the same in YAML, except `\u` escapes of UTF-16
//! surrogates: JSON pairs them into one character, YAML has no such
//! characters and saphyr-parser rejects them. A string with one, with an
//! escape JSON does not have (YAML's `\x41`, `\N`, ...), or with a raw control
//! character or line break (JSON forbids them; YAML folds line breaks) is not
//! handled here: the whole text goes to saphyr-parser, whose error or value
//! is then the one the user gets.

use std::borrow::Cow;

use super::Unhandled;

/// A string read: its value, the byte after its closing quote, and the bytes
/// in it that continue a UTF-8 character.
pub(super) struct Read<'a> {
    /// The value (borrowed from the text when it has no escape).
    pub value: Cow<'a, str>,
    /// The byte after the closing quote.
    pub end: usize,
    /// Continuation bytes between the quotes.
    pub cont: usize,
}

/// Reads the string whose opening quote is at byte `open` of `text`.
/// `decode` says whether escaped values are wanted (a dry run only checks).
pub(super) fn read(text: &str, open: usize, decode: bool) -> Result<Read<'_>, Unhandled> {
    let bytes = text.as_bytes();
    let start = open + 1;
    let mut i = start;
    let mut cont = 0;
    // The plain run up to the first quote, escape or control character.
    let stop = loop {
        let &b = bytes.get(i).ok_or(Unhandled)?;
        if b == b'"' || b == b'\\' || b < 0x20 {
            break b;
        }
        cont += usize::from(b & 0xC0 == 0x80);
        i += 1;
    };
    if stop == b'"' {
        let value = text.get(start..i).ok_or(Unhandled)?;
        return Ok(Read {
            value: Cow::Borrowed(value),
            end: i + 1,
            cont,
        });
    }
    if stop != b'\\' {
        return Err(Unhandled);
    }
    let mut out = decode.then(|| String::from(text.get(start..i).unwrap_or("")));
    loop {
        let &b = bytes.get(i).ok_or(Unhandled)?;
        match b {
            b'"' => break,
            b'\\' => {
                let (c, len) = escape(bytes, i)?;
                if let Some(out) = &mut out {
                    out.push(c);
                }
                i += len;
            }
            0..0x20 => return Err(Unhandled),
            _ => {
                // Copy the run of ordinary bytes up to the next special one.
                let from = i;
                while let Some(&b) = bytes.get(i) {
                    if b == b'"' || b == b'\\' || b < 0x20 {
                        break;
                    }
                    cont += usize::from(b & 0xC0 == 0x80);
                    i += 1;
                }
                if let Some(out) = &mut out {
                    out.push_str(text.get(from..i).ok_or(Unhandled)?);
                }
            }
        }
    }
    Ok(Read {
        value: Cow::Owned(out.unwrap_or_default()),
        end: i + 1,
        cont,
    })
}

/// The character of the escape at byte `at` (a backslash) and its length in
/// bytes; JSON's escapes only, and no surrogate.
fn escape(bytes: &[u8], at: usize) -> Result<(char, usize), Unhandled> {
    let c = match bytes.get(at + 1).ok_or(Unhandled)? {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\x08',
        b'f' => '\x0c',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => {
            let hex = bytes.get(at + 2..at + 6).ok_or(Unhandled)?;
            let mut code = 0u32;
            for &h in hex {
                code = code * 16 + char::from(h).to_digit(16).ok_or(Unhandled)?;
            }
            // None for a surrogate.
            return char::from_u32(code).map(|c| (c, 6)).ok_or(Unhandled);
        }
        _ => return Err(Unhandled),
    };
    Ok((c, 2))
}
