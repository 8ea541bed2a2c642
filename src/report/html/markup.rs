//! Writing HTML text: escaping for element content and attribute values, and
//! the few elements the report repeats.

use std::fmt::{self, Display, Write};

/// Text escaped for HTML element content and double- or single-quoted
/// attribute values: `&`, `<`, `>`, `"` and `'` become character references.
pub(crate) struct Esc<'a>(pub &'a str);

impl Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(i) = rest.find(['&', '<', '>', '"', '\'']) {
            let (plain, tail) = rest.split_at(i);
            f.write_str(plain)?;
            let mut chars = tail.chars();
            f.write_str(match chars.next() {
                Some('&') => "&amp;",
                Some('<') => "&lt;",
                Some('>') => "&gt;",
                Some('"') => "&quot;",
                _ => "&#39;",
            })?;
            rest = chars.as_str();
        }
        f.write_str(rest)
    }
}

/// A string that can be used in an `id` attribute and a `#fragment`: the
/// text's letters, digits, `-` and `_` kept, every other character written as
/// `.` and its code point in hex (so distinct texts give distinct anchors).
pub(crate) struct Anchor<'a>(pub &'a str);

impl Display for Anchor<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                f.write_char(c)?;
            } else {
                write!(f, ".{:x}", u32::from(c))?;
            }
        }
        Ok(())
    }
}

/// An HTML document under construction. Writing into a `String` cannot
/// fail, so the builders return nothing.
#[derive(Default)]
pub(crate) struct Page {
    /// The text so far.
    pub text: String,
}

impl Page {
    /// Appends markup that is already safe (literal tags of the template).
    pub(crate) fn raw(&mut self, markup: &str) {
        self.text.push_str(markup);
    }

    /// Appends formatted markup; user strings in `args` must be wrapped in [`Esc`].
    pub(crate) fn fmt(&mut self, args: fmt::Arguments<'_>) {
        // Writing into a String never fails.
        let _ = self.text.write_fmt(args);
    }

    /// Appends text, escaped.
    pub(crate) fn text(&mut self, text: &str) {
        self.fmt(format_args!("{}", Esc(text)));
    }

    /// Appends `<tag class="class">text</tag>`, the text escaped.
    pub(crate) fn element(&mut self, tag: &str, class: &str, text: &str) {
        if class.is_empty() {
            self.fmt(format_args!("<{tag}>{}</{tag}>", Esc(text)));
        } else {
            self.fmt(format_args!(
                "<{tag} class=\"{class}\">{}</{tag}>",
                Esc(text)
            ));
        }
    }

    /// Appends a table cell holding a number.
    pub(crate) fn num_cell(&mut self, n: u64) {
        self.fmt(format_args!("<td class=\"num\">{n}</td>"));
    }

    /// Appends a table head row of column names (`scope="col"`).
    pub(crate) fn head_row(&mut self, columns: &[&str]) {
        self.raw("<thead><tr>");
        for c in columns {
            self.fmt(format_args!("<th scope=\"col\">{c}</th>"));
        }
        self.raw("</tr></thead>");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_special_character() {
        let text = Esc("<a href=\"x\" title='y'>&amp;</a>").to_string();
        assert_eq!(
            text,
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;"
        );
    }

    #[test]
    fn keeps_non_ascii_text() {
        assert_eq!(Esc("Åland – ok").to_string(), "Åland – ok");
    }

    #[test]
    fn anchors_are_distinct_and_safe() {
        assert_eq!(Anchor("mca-accepted").to_string(), "mca-accepted");
        assert_eq!(Anchor("a b").to_string(), "a.20b");
        assert_ne!(Anchor("a.b").to_string(), Anchor("a,b").to_string());
        assert!(Anchor("\"><script>")
            .to_string()
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.'));
    }
}
