//! The export's JSON read without jsonc-parser, into jsonc-parser's own AST.
//!
//! A 100k export is 53 MB of JSON in forty thousand files, and jsonc-parser
//! (a general JSONC scanner with comments, loose names and JSON5 numbers
//! behind options) was a third of the time spent reading them. Exports are
//! strict JSON as Partner Center writes it, so this reads that much in one
//! pass: objects, arrays, strings without escapes, JSON numbers, `true`,
//! `false`, `null`, and the four JSON whitespace bytes between them. It
//! gives exactly the values and byte ranges jsonc-parser gives for the same
//! text. Anything else (an escape, other whitespace, any error, nesting
//! deeper than [`MAX_DEPTH`]) gives `None`, and jsonc-parser reads the text
//! from the start, so its AST and its errors are exactly today's.
//! [`compare`] is the oracle of the differential tests and of the
//! `import_json_differential` fuzz target.

use std::borrow::Cow;

use jsonc_parser::ast::{
    Array, BooleanLit, NullKeyword, NumberLit, Object, ObjectProp, ObjectPropName, StringLit, Value,
};
use jsonc_parser::common::Range;

use crate::scenario::json::plain;

pub(crate) mod records;

/// The deepest nesting of objects and arrays read here. jsonc-parser's
/// bound is 512 ranges (a property counts as one besides its object), so
/// what is read here is within it; deeper texts are jsonc-parser's to judge.
pub(crate) const MAX_DEPTH: usize = 128;

/// jsonc-parser's AST of `text`, or `None` for jsonc-parser to read it.
pub(crate) fn parse(text: &str) -> Option<Value<'_>> {
    let mut reader = Reader::new(text);
    reader.skip_whitespace();
    let value = reader.value(0)?;
    reader.skip_whitespace();
    (reader.pos == reader.bytes.len()).then_some(value)
}

/// Compares this module's `parse` with jsonc-parser in strict mode on
/// `text`: `Ok(true)` when this read it and gave the same AST, `Ok(false)`
/// when it handed it over, `Err` describing a difference.
pub fn compare(text: &str) -> Result<bool, String> {
    let Some(ours) = parse(text) else {
        return Ok(false);
    };
    match super::json::parse_with_jsonc(text) {
        Ok(Some(theirs)) if theirs == ours => Ok(true),
        Ok(theirs) => Err(format!("fast path {ours:?}, jsonc-parser {theirs:?}")),
        Err(e) => Err(format!("fast path {ours:?}, jsonc-parser fails: {e}")),
    }
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(text: &'a str) -> Self {
        Reader {
            text,
            bytes: text.as_bytes(),
            pos: 0,
        }
    }

    fn byte(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.byte() {
            self.pos += 1;
        }
    }

    /// The value at `pos`, inside `depth` objects and arrays.
    fn value(&mut self, depth: usize) -> Option<Value<'a>> {
        match self.byte()? {
            b'{' => self.object(depth + 1).map(Value::Object),
            b'[' => self.array(depth + 1).map(Value::Array),
            b'"' => self.string().map(Value::StringLit),
            b't' | b'f' | b'n' | b'-' | b'0'..=b'9' => self.plain(),
            _ => None,
        }
    }

    /// An object, its `{` at `pos`.
    fn object(&mut self, depth: usize) -> Option<Object<'a>> {
        if depth > MAX_DEPTH {
            return None;
        }
        let (range, properties) = self.entries(b'}', |reader| reader.property(depth))?;
        Some(Object { range, properties })
    }

    /// An array, its `[` at `pos`.
    fn array(&mut self, depth: usize) -> Option<Array<'a>> {
        if depth > MAX_DEPTH {
            return None;
        }
        let (range, elements) = self.entries(b']', |reader| reader.value(depth))?;
        Some(Array { range, elements })
    }

    /// The comma-separated entries of the object or array whose opening
    /// bracket is at `pos`, up to its `close`, each read by `entry`; and the
    /// range of the whole.
    fn entries<T>(
        &mut self,
        close: u8,
        mut entry: impl FnMut(&mut Self) -> Option<T>,
    ) -> Option<(Range, Vec<T>)> {
        let mut entries = Vec::new();
        let range = self.each_entry(close, |reader| {
            entries.push(entry(reader)?);
            Some(())
        })?;
        Some((range, entries))
    }

    /// Reads the comma-separated entries of the object or array whose
    /// opening bracket is at `pos`, up to its `close`, each by `entry`
    /// (which keeps what it wants of it); the range of the whole.
    fn each_entry(
        &mut self,
        close: u8,
        mut entry: impl FnMut(&mut Self) -> Option<()>,
    ) -> Option<Range> {
        let start = self.pos;
        self.pos += 1;
        self.skip_whitespace();
        if self.byte() == Some(close) {
            self.pos += 1;
        } else {
            loop {
                entry(self)?;
                self.skip_whitespace();
                match self.byte()? {
                    b',' => {
                        self.pos += 1;
                        self.skip_whitespace();
                    }
                    b if b == close => {
                        self.pos += 1;
                        break;
                    }
                    _ => return None,
                }
            }
        }
        Some(Range::new(start, self.pos))
    }

    /// A `"name": value` property, its name at `pos`.
    fn property(&mut self, depth: usize) -> Option<ObjectProp<'a>> {
        let name = self.property_name()?;
        let value = self.value(depth)?;
        let range = Range::new(name.range.start, self.pos);
        Some(ObjectProp {
            range,
            name: ObjectPropName::String(name),
            value,
        })
    }

    /// A property's `"name":`, its name at `pos`; `pos` is left at its value.
    fn property_name(&mut self) -> Option<StringLit<'a>> {
        if self.byte() != Some(b'"') {
            return None;
        }
        let name = self.string()?;
        self.skip_whitespace();
        if self.byte() != Some(b':') {
            return None;
        }
        self.pos += 1;
        self.skip_whitespace();
        Some(name)
    }

    /// A string without escapes, its `"` at `pos` (jsonc-parser takes every
    /// other byte up to the closing quote as it is, as this does).
    fn string(&mut self) -> Option<StringLit<'a>> {
        let start = self.pos;
        let from = start + 1;
        let len = memchr::memchr2(b'"', b'\\', self.bytes.get(from..)?)?;
        if self.bytes.get(from + len) != Some(&b'"') {
            return None;
        }
        let value = self.text.get(from..from + len)?;
        self.pos = from + len + 1;
        let range = Range::new(start, self.pos);
        Some(StringLit {
            range,
            value: Cow::Borrowed(value),
        })
    }

    /// A number, `true`, `false` or `null` at `pos`, read with the JSON
    /// scenarios' grammar ([`plain::end`]): JSON's, and only when a JSON
    /// delimiter follows (jsonc-parser would read `truex` or `01`
    /// differently, or fail).
    fn plain(&mut self) -> Option<Value<'a>> {
        let start = self.pos;
        let end = plain::end(self.bytes, start).ok()?;
        let range = Range::new(start, end);
        self.pos = end;
        Some(match self.bytes.get(start)? {
            b't' => Value::BooleanLit(BooleanLit { range, value: true }),
            b'f' => Value::BooleanLit(BooleanLit {
                range,
                value: false,
            }),
            b'n' => Value::NullKeyword(NullKeyword { range }),
            _ => Value::NumberLit(NumberLit {
                range,
                value: self.text.get(start..end)?,
            }),
        })
    }
}

#[cfg(test)]
mod tests;
