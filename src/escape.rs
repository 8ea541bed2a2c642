//! Escaping user-derived text for the place it is written to.
//!
//! Every string that comes from a scenario, a waivers file, a rule file or a
//! file name (ids, keys, enum values, messages, paths) is attacker-controlled
//! in CI. Written raw, a carriage return or an escape sequence rewrites what
//! the reader sees (a fake `::warning` line in a GitHub log, a cleared
//! terminal, a hidden link), a bidi control reorders it, and a character that
//! XML forbids makes a JUnit report unreadable. Every sink escapes through
//! this one module:
//!
//! - [`text`] for terminals and logs (the human report and every diagnostic
//!   on stderr): C0 and C1 controls, DEL, bidi controls and the noncharacters
//!   U+FFFE/U+FFFF become visible escapes such as `\r`, `\e` or `\u{202e}`;
//! - [`github_data`] and [`github_property`] for workflow commands, on top of
//!   [`text`];
//! - [`xml`] for JUnit: [`text`] escapes every character XML 1.0 forbids, so
//!   nothing is dropped or cut short;
//! - [`truncate`] so that one long value cannot multiply the output;
//! - [`push_yaml_quoted`] for the YAML eligo writes (`eligo import`, `eligo
//!   test --update`): a double-quoted scalar that eligo's loader reads back.

use std::borrow::Cow;
use std::fmt::Write;

/// Longest user value written whole into a message, in bytes: longer ones are
/// cut with an ellipsis and a length marker (see [`truncate`]).
pub(crate) const MAX_VALUE_BYTES: usize = 4096;

/// Whether `c` is written as a visible escape by [`text`].
///
/// Tab and line feed are kept when `keep_lines` is set (multi-line help
/// texts); everything else that can move the cursor, start a terminal
/// sequence, reorder text or is not valid XML is escaped.
fn needs_escape(c: char, keep_lines: bool) -> bool {
    match c {
        '\t' | '\n' => !keep_lines,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => true,
        // Bidi embeddings, overrides and isolates, and the directional marks.
        '\u{200e}' | '\u{200f}' | '\u{061c}' => true,
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => true,
        // Line and paragraph separators break lines in some viewers.
        '\u{2028}' | '\u{2029}' => true,
        '\u{fffe}' | '\u{ffff}' => true,
        _ => false,
    }
}

/// The visible escape of one character.
fn push_escape(out: &mut String, c: char) {
    match c {
        '\t' => out.push_str("\\t"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\u{1b}' => out.push_str("\\e"),
        _ => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
}

/// `s` with every control character (line feed and tab included) as a
/// visible escape: for one-line text such as ids, keys, paths and messages.
pub(crate) fn text(s: &str) -> Cow<'_, str> {
    escape(s, false)
}

/// As [`text`], but line feeds and tabs are kept: for multi-line text that
/// eligo composes itself (help texts), whose user parts were escaped with
/// [`text`] already or come from the rule pack.
pub(crate) fn lines(s: &str) -> Cow<'_, str> {
    escape(s, true)
}

fn escape(s: &str, keep_lines: bool) -> Cow<'_, str> {
    if !s.chars().any(|c| needs_escape(c, keep_lines)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if needs_escape(c, keep_lines) {
            push_escape(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `s` cut to about `max` bytes when it is longer: its start and its end
/// are kept (the end of a message is usually what it says about the value),
/// around `…(N bytes)…` giving the whole length.
pub(crate) fn truncate(s: &str, max: usize) -> Cow<'_, str> {
    if s.len() <= max {
        return Cow::Borrowed(s);
    }
    let mut head = max * 3 / 4;
    while !s.is_char_boundary(head) {
        head -= 1;
    }
    let mut tail = s.len() - (max - head);
    while !s.is_char_boundary(tail) {
        tail += 1;
    }
    let (start, end) = (
        s.get(..head).unwrap_or_default(),
        s.get(tail..).unwrap_or_default(),
    );
    Cow::Owned(format!("{start}…({} bytes)…{end}", s.len()))
}

/// [`text`] of [`truncate`]d to [`MAX_VALUE_BYTES`]: the usual treatment of
/// a user value in one-line text.
pub(crate) fn value(s: &str) -> String {
    text(&truncate(s, MAX_VALUE_BYTES)).into_owned()
}

/// A workflow command's message (the part after `::`): controls as visible
/// escapes (a carriage return too: the runner would decode `%0D` back into
/// one), then `%` and line feeds as the runner decodes them.
pub(crate) fn github_data(s: &str) -> String {
    lines(&truncate(s, MAX_VALUE_BYTES))
        .replace('\t', " ")
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: as [`github_data`], plus `:` and `,`.
pub(crate) fn github_property(s: &str) -> String {
    github_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Text for an XML document: every character that XML 1.0 does not allow
/// (C0 controls but tab, LF and CR, U+FFFE, U+FFFF) becomes a visible escape,
/// as do the other controls [`text`] escapes; markup characters are left to
/// the XML writer. Line feeds and tabs are kept: the texts are lists of one
/// line per finding, whose values are cut with [`truncate`] one by one.
pub(crate) fn xml(s: &str) -> String {
    lines(s).into_owned()
}

/// Writes `s` as a YAML double-quoted scalar in JSON's spelling (a JSON
/// string is one): `"` and `\` escaped, and every character that is not
/// printable YAML (C0 controls, DEL, C1 controls, U+FFFE, U+FFFF) as an
/// escape, which eligo's loader reads back (it refuses them written out).
/// `serde_json` writes the same text except that it leaves DEL, C1 controls
/// and U+FFFE/U+FFFF as they are.
pub(crate) fn push_yaml_quoted(out: &mut String, s: &str) {
    out.push('"');
    // Most quoted values are ids and GUIDs with nothing to escape: they are
    // copied whole.
    if s.bytes()
        .all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\')
    {
        out.push_str(s);
    } else {
        for c in s.chars() {
            push_yaml_quoted_char(out, c);
        }
    }
    out.push('"');
}

/// One character of [`push_yaml_quoted`], escaped as `serde_json` escapes it
/// where it does (`"`, `\`, C0 controls).
fn push_yaml_quoted_char(out: &mut String, c: char) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        c if c.is_control() || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        }
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Quoting gives `serde_json`'s text where `serde_json` writes
        /// printable YAML (it leaves DEL, C1 controls, U+FFFE and U+FFFF
        /// as they are).
        #[test]
        fn yaml_quoting_is_serde_jsons(
            printable in "[ -~]{0,12}",
            any in "\\PC{0,8}",
            controls in "[\\x00-\\x1f\"\\\\a-z]{0,8}",
        ) {
            for s in [&printable, &any, &controls] {
                let mut out = String::new();
                push_yaml_quoted(&mut out, s);
                proptest::prop_assert_eq!(out, serde_json::to_string(s).unwrap());
            }
        }
    }

    #[test]
    fn yaml_quoting_escapes_what_yaml_may_not_hold() {
        let mut out = String::new();
        push_yaml_quoted(&mut out, "a\u{7f}b\u{85}c\u{ffff}\"");
        assert_eq!(out, r#""a\u007fb\u0085c\uffff\"""#);
    }

    #[test]
    fn controls_become_visible() {
        assert_eq!(text("a\rb\x1b[2Jc"), "a\\rb\\e[2Jc");
        assert_eq!(text("x\u{202e}y\u{7f}\u{85}"), "x\\u{202e}y\\u{7f}\\u{85}");
        assert_eq!(text("line\nnext\tcol"), "line\\nnext\\tcol");
        assert_eq!(lines("line\nnext\tcol"), "line\nnext\tcol");
        assert!(matches!(text("plain – ünïcode"), Cow::Borrowed(_)));
    }

    #[test]
    fn long_values_are_cut_with_their_length() {
        let long = format!("{} end", "é".repeat(3000));
        let cut = truncate(&long, 101);
        assert!(cut.starts_with(&"é".repeat(37)));
        assert!(cut.contains("é…(6004 bytes)…é"), "{cut}");
        assert!(cut.ends_with("é end"));
        assert_eq!(truncate("short", 10), "short");
    }

    #[test]
    fn github_escaping_follows_the_runner() {
        assert_eq!(github_data("50% done\r\nnext"), "50%25 done\\r%0Anext");
        assert_eq!(github_property("C:\\a,b%\n"), "C%3A\\a%2Cb%25%0A");
        assert_eq!(github_data("k\x1b]8;;x"), "k\\e]8;;x");
    }

    #[test]
    fn xml_text_has_only_allowed_characters() {
        assert_eq!(xml("a\u{fffe}b\u{1}c\u{1b}d"), "a\\u{fffe}b\\u{1}c\\ed");
        assert_eq!(xml("tab\tline\n"), "tab\tline\n");
    }
}
