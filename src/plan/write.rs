//! `--write`: the planned requests inserted into the scenario's own text.
//!
//! Only text is added: every other byte of the file, comments included, stays
//! as it was. The entries go after the last entry of the root `transfers:`
//! block list (at its indentation), into a `transfers: []` (the `[]` is the
//! one thing replaced), or, when the file has no such key, in a new
//! `transfers:` block at the end. Other layouts (a flow-style root or list)
//! are refused; the caller also loads the result again before writing it.

use miette::Diagnostic;
use thiserror::Error;

/// Why the requests cannot be inserted.
#[derive(Debug, Error, Diagnostic)]
#[error("cannot add the planned requests to `{path}`: {why}")]
#[diagnostic(
    code(eligo::plan::cannot_write),
    help("print them with `--format yaml` and add them by hand")
)]
pub struct WriteError {
    /// The file.
    pub path: String,
    /// What is in the way.
    pub why: String,
}

/// The text with `entries` (a function of the indentation) inserted into the
/// root `collection` list.
pub fn insert(
    text: &str,
    collection: &str,
    entries: impl FnOnce(usize) -> String,
) -> Result<String, String> {
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let with_newline = move |s: String| {
        if newline == "\n" {
            s
        } else {
            s.replace('\n', newline)
        }
    };
    let lines = line_spans(text);
    let Some(key) = lines
        .iter()
        .position(|&(s, e)| is_key_line(slice(text, s, e), collection))
    else {
        let mut out = text.to_string();
        if !out.is_empty() && !out.ends_with('\n') && !out.ends_with('\r') {
            out.push_str(newline);
        }
        out.push_str(&with_newline(format!("{collection}:\n{}", entries(2))));
        return Ok(out);
    };
    let (key_start, key_end) = lines.get(key).copied().unwrap_or((0, 0));
    let key_line = slice(text, key_start, key_end);
    let value = value_of(key_line, collection);
    if value == "[]" {
        let at = key_start + key_line.find("[]").unwrap_or(0);
        let after = line_end_with_break(text, key_end);
        let mut out = String::with_capacity(text.len() + 256);
        out.push_str(slice(text, 0, at));
        out.push_str(slice(text, at + 2, after));
        out.push_str(&with_newline(entries(2)));
        out.push_str(slice(text, after, text.len()));
        return Ok(out);
    }
    if !value.is_empty() {
        return Err(format!("its `{collection}` value is not a block list"));
    }
    let block = lines.get(key + 1..).unwrap_or(&[]);
    let mut last = key_end;
    let mut indent = None;
    for &(s, e) in block {
        let line = slice(text, s, e);
        let trimmed = line.trim_start_matches([' ', '\t']);
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if !line.starts_with([' ', '\t', '-']) {
            break;
        }
        if indent.is_none() && (trimmed.starts_with("- ") || trimmed == "-") {
            indent = Some(line.len() - trimmed.len());
        }
        last = e;
    }
    let at = line_end_with_break(text, last);
    let mut out = String::with_capacity(text.len() + 256);
    out.push_str(slice(text, 0, at));
    if at == text.len() && !text.ends_with('\n') && !text.ends_with('\r') {
        out.push_str(newline);
    }
    out.push_str(&with_newline(entries(indent.unwrap_or(2))));
    out.push_str(slice(text, at, text.len()));
    Ok(out)
}

fn slice(text: &str, start: usize, end: usize) -> &str {
    text.get(start..end).unwrap_or("")
}

/// Each line's byte range, without its line break.
fn line_spans(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes.get(i) {
            Some(b'\n') => {
                out.push((start, i));
                start = i + 1;
            }
            Some(b'\r') => {
                out.push((start, i));
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if start < bytes.len() {
        out.push((start, bytes.len()));
    }
    out
}

/// The offset just after the line break that follows `end` (or the text's end).
fn line_end_with_break(text: &str, end: usize) -> usize {
    let bytes = text.as_bytes();
    match bytes.get(end) {
        Some(b'\r') if bytes.get(end + 1) == Some(&b'\n') => end + 2,
        Some(b'\r' | b'\n') => end + 1,
        _ => end,
    }
}

/// Whether a line is the root key `collection:`.
fn is_key_line(line: &str, collection: &str) -> bool {
    line.strip_prefix(collection)
        .and_then(|rest| rest.strip_prefix(':'))
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
}

/// The value after `collection:` on its line, without a comment or blanks.
fn value_of<'a>(line: &'a str, collection: &str) -> &'a str {
    let rest = line.get(collection.len() + 1..).unwrap_or("");
    let rest = match rest.find(" #").or_else(|| rest.find("\t#")) {
        Some(i) => rest.get(..i).unwrap_or(""),
        None if rest.trim_start().starts_with('#') => "",
        None => rest,
    };
    rest.trim_matches([' ', '\t'])
}

/// The scenario text with the planned requests of `view` inserted (see [`insert`]).
pub fn with_requests(text: &str, view: &super::view::View<'_>) -> Result<String, String> {
    // Nothing planned: the file stays as it is (an empty `transfers:` key
    // would be a collection with no value, which the loader rejects).
    if view.plan.requests.is_empty() {
        return Ok(text.to_string());
    }
    let mut failed = None;
    let out = insert(text, &view.spec.collection, |indent| {
        super::yaml::entries(view, indent).unwrap_or_else(|e| {
            failed = Some(e.to_string());
            String::new()
        })
    });
    match (out, failed) {
        (Ok(t), None) => Ok(t),
        (Err(why), _) | (_, Some(why)) => Err(why),
    }
}

#[cfg(test)]
mod tests {
    use super::insert;

    fn entry(indent: usize) -> String {
        format!("{}- id: new\n", " ".repeat(indent))
    }

    #[test]
    fn appends_after_the_last_entry_keeping_trailing_comments_in_place() {
        let text = "transfers:\n  - id: a   # one\n    items: []\n# next\nexpect: []\n";
        let out = insert(text, "transfers", entry).unwrap();
        assert_eq!(
            out,
            "transfers:\n  - id: a   # one\n    items: []\n  - id: new\n# next\nexpect: []\n"
        );
    }

    #[test]
    fn follows_the_indentation_of_the_list() {
        let text = "transfers:\n- id: a\n";
        assert_eq!(
            insert(text, "transfers", entry).unwrap(),
            "transfers:\n- id: a\n- id: new\n"
        );
    }

    #[test]
    fn fills_an_empty_flow_list_and_adds_a_missing_key() {
        let text = "transfers: [] # none yet\n";
        assert_eq!(
            insert(text, "transfers", entry).unwrap(),
            "transfers:  # none yet\n  - id: new\n"
        );
        assert_eq!(
            insert("a: 1", "transfers", entry).unwrap(),
            "a: 1\ntransfers:\n  - id: new\n"
        );
    }

    #[test]
    fn keeps_crlf_line_breaks_and_refuses_flow_lists() {
        let text = "transfers:\r\n  - id: a\r\n";
        assert_eq!(
            insert(text, "transfers", entry).unwrap(),
            "transfers:\r\n  - id: a\r\n  - id: new\r\n"
        );
        assert!(insert("transfers: [{id: a}]\n", "transfers", entry).is_err());
    }
}
