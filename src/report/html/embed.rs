//! The report's data, embedded once as JSON in a `<script type="application/json">`
//! element, and the Content-Security-Policy hashes of the inline style and script.

use base64::Engine;
use serde::Serialize;
use serde_json::ser::Formatter;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::io::{self, Write};

/// Compact JSON (the trait's default layout) whose strings never hold `<`, `>`, `&`, U+2028 or U+2029 as
/// such: they are written `\u003c`, `\u003e`, `\u0026`, `\u2028`, `\u2029`. The
/// value is the same JSON, but no string can close the `<script>` element
/// (`</script>`), open a comment (`<!--`) or end a line for an old parser.
struct ScriptSafe;

impl Formatter for ScriptSafe {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut rest = fragment;
        while let Some(i) = rest.find(['<', '>', '&', '\u{2028}', '\u{2029}']) {
            let (plain, tail) = rest.split_at(i);
            writer.write_all(plain.as_bytes())?;
            let mut chars = tail.chars();
            let escape: &[u8] = match chars.next() {
                Some('<') => b"\\u003c",
                Some('>') => b"\\u003e",
                Some('&') => b"\\u0026",
                Some('\u{2028}') => b"\\u2028",
                _ => b"\\u2029",
            };
            writer.write_all(escape)?;
            rest = chars.as_str();
        }
        writer.write_all(rest.as_bytes())
    }
}

/// The report serialized for embedding (compact, script-safe), and the same
/// text read back as a value for the server-side rendering: what the page
/// shows and the data it carries come from one text, so they cannot differ.
pub(super) struct Embedded {
    /// The JSON text, safe inside `<script>`.
    pub json: String,
    /// The same JSON as a value.
    pub value: Value,
}

impl Embedded {
    /// Serializes a report.
    pub(super) fn of(report: &impl Serialize) -> io::Result<Embedded> {
        let mut bytes = Vec::new();
        let mut serializer = serde_json::Serializer::with_formatter(&mut bytes, ScriptSafe);
        report.serialize(&mut serializer)?;
        let value = serde_json::from_slice(&bytes)?;
        let json =
            String::from_utf8(bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        Ok(Embedded { json, value })
    }
}

/// The CSP source that allows exactly this inline text: `'sha256-…'`.
pub(super) fn csp_hash(inline: &str) -> String {
    let digest = Sha256::digest(inline.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strings_cannot_close_the_script_element() {
        let hostile = json!({"id": "</script><script>alert(1)</script>", "m": "a & b > c <!--", "ls": "x\u{2028}y\u{2029}z"});
        let embedded = Embedded::of(&hostile).unwrap();
        for bad in ["<", ">", "&", "\u{2028}", "\u{2029}"] {
            assert!(!embedded.json.contains(bad), "{bad} in {}", embedded.json);
        }
        assert_eq!(embedded.value, hostile);
        assert!(embedded.json.contains("\\u003c/script\\u003e"));
        assert!(embedded.json.contains("x\\u2028y\\u2029z"));
    }

    #[test]
    fn is_compact() {
        let embedded = Embedded::of(&json!({"b": 1, "a": [true, null]})).unwrap();
        assert_eq!(embedded.json, r#"{"a":[true,null],"b":1}"#);
    }

    #[test]
    fn hash_is_the_base64_sha256() {
        // printf '' | openssl dgst -sha256 -binary | base64
        assert_eq!(
            csp_hash(""),
            "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
        );
    }
}
