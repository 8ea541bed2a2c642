//! `eligo test --update`: writes or refreshes each scenario's `expect:` block
//! from the findings it produces, keeping the rest of the file byte for byte.
//!
//! The block is the root key `expect:` at the start of a line and every line
//! after it that is indented or starts a list item (`- `), so comments and
//! keys around it stay as they are. A file without one gets it appended.

use std::collections::HashSet;

use crate::report::FileReport;

/// What `--update` did to a file.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Update {
    /// The block already said what the file produces.
    Unchanged,
    /// The block was written: how many expectations it holds.
    Written(usize),
}

/// Refreshes the `expect:` block of a checked scenario file on disk.
pub(crate) fn update(report: &FileReport) -> Result<Update, String> {
    if report.path == "-" {
        return Err("standard input cannot be updated; give the file's path".into());
    }
    let text = &report.source.text;
    let pairs = produced(report);
    let Some(updated) = with_expectations(text, &pairs)? else {
        return Ok(Update::Unchanged);
    };
    std::fs::write(&report.path, updated)
        .map_err(|e| format!("cannot write `{}`: {e}", report.path))?;
    Ok(Update::Written(pairs.len()))
}

/// Whether every error is about the `expect` block alone (an entry naming a
/// rule or subject that no longer exists): `--update` then rewrites the block.
pub(crate) fn only_expect_errors(errors: &[crate::scenario::ScenarioError]) -> bool {
    use crate::scenario::ScenarioCode::{UnknownExpectRule, UnknownExpectSubject};
    !errors.is_empty()
        && errors
            .iter()
            .all(|e| matches!(e.code, UnknownExpectRule | UnknownExpectSubject))
}

/// Refreshes a file whose `expect` block names what no longer exists: the
/// file is checked without the block, and the block rewritten in place.
pub(crate) fn update_stale(
    program: &crate::program::Program,
    path: &std::path::Path,
    options: &crate::scenario::LoadOptions,
) -> Result<Update, String> {
    let source = crate::scenario::read_scenario(path, &options.limits).map_err(|e| e.message)?;
    let Some((start, end)) = find_block(&source.text) else {
        return Err("the `expect` block could not be found".into());
    };
    let mut without = String::with_capacity(source.text.len());
    without.push_str(source.text.get(..start).unwrap_or(""));
    without.push_str(source.text.get(end..).unwrap_or(""));
    let stripped = crate::source::SourceFile::new(source.name.clone(), without);
    let outcome = crate::check::check_source(program, stripped, &program.rule_ids(), options);
    let crate::check::FileOutcome::Checked(report) = outcome else {
        return Err("the file has errors besides its `expect` block".into());
    };
    let pairs = produced(&report);
    match with_expectations(&source.text, &pairs)? {
        None => Ok(Update::Unchanged),
        Some(updated) => {
            std::fs::write(path, updated)
                .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
            Ok(Update::Written(pairs.len()))
        }
    }
}

/// The (rule, subject) pairs of a report, in report order, each once.
fn produced(report: &FileReport) -> Vec<(String, String)> {
    let mut seen = HashSet::new();
    report
        .findings
        .iter()
        .map(|f| (f.rule.to_string(), f.subject.clone()))
        .filter(|pair| seen.insert(pair.clone()))
        .collect()
}

/// The text with its `expect:` block replaced (or appended); `None` when
/// the block already holds exactly these lines.
pub(crate) fn with_expectations(
    text: &str,
    pairs: &[(String, String)],
) -> Result<Option<String>, String> {
    if is_flow_root(text) {
        return Err(
            "the scenario's root is a flow mapping (`{…}`); add an `expect:` block by hand".into(),
        );
    }
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let block = render_block(pairs, newline);
    let updated = match find_block(text) {
        Some((start, end)) => {
            if text.get(start..end) == Some(block.as_str()) {
                return Ok(None);
            }
            let mut out = String::with_capacity(text.len() + block.len());
            out.push_str(text.get(..start).unwrap_or(""));
            out.push_str(&block);
            out.push_str(text.get(end..).unwrap_or(""));
            out
        }
        None => {
            let mut out = text.to_string();
            if !out.is_empty() && !out.ends_with('\n') {
                out.push_str(newline);
            }
            out.push_str(&block);
            out
        }
    };
    Ok(Some(updated))
}

/// `expect:` and one entry per pair (`expect: []` when there are none).
fn render_block(pairs: &[(String, String)], newline: &str) -> String {
    if pairs.is_empty() {
        return format!("expect: []{newline}");
    }
    let mut out = format!("expect:{newline}");
    for (rule, subject) in pairs {
        out.push_str(&format!(
            "  - rule: {}{newline}    subject: {}{newline}",
            scalar(rule),
            scalar(subject)
        ));
    }
    out
}

/// An id as a YAML scalar: plain when YAML reads it back as the same string,
/// else double-quoted, as every YAML eligo writes (see
/// [`crate::escape::push_yaml_quoted`]).
fn scalar(id: &str) -> String {
    let plain_chars = id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    let starts_well = id.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    let reserved = matches!(
        id.to_ascii_lowercase().as_str(),
        "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
    );
    if plain_chars && starts_well && !reserved {
        id.to_string()
    } else {
        let mut quoted = String::new();
        crate::escape::push_yaml_quoted(&mut quoted, id);
        quoted
    }
}

/// Whether the document's root is written as a flow mapping.
fn is_flow_root(text: &str) -> bool {
    text.lines()
        .map(str::trim_start)
        .find(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with('%') && *l != "---")
        .is_some_and(|l| l.starts_with('{'))
}

/// Byte range of the `expect:` block: its key line and the indented or
/// list-item lines after it (blank and comment lines only inside it).
fn find_block(text: &str) -> Option<(usize, usize)> {
    let mut offset = 0;
    let mut start = None;
    let mut end = 0;
    for line in text.split_inclusive('\n') {
        let here = offset;
        offset += line.len();
        match start {
            None => {
                let is_key = line.strip_prefix("expect:").is_some_and(|rest| {
                    rest.is_empty() || rest.starts_with([' ', '\t', '\r', '\n', '#'])
                });
                if is_key {
                    start = Some(here);
                    end = offset;
                }
            }
            Some(_) => {
                let trimmed = line.trim_end_matches(['\r', '\n']);
                let blank_or_comment =
                    trimmed.trim().is_empty() || trimmed.trim_start().starts_with('#');
                let indented = line.starts_with([' ', '\t']) && !blank_or_comment;
                let item = line.starts_with("- ") || trimmed == "-";
                if indented || item {
                    end = offset;
                } else if !blank_or_comment {
                    break;
                }
                // A blank or comment line may be inside the block or after it:
                // what follows decides.
            }
        }
    }
    start.map(|s| (s, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(r, s)| (r.to_string(), s.to_string()))
            .collect()
    }

    #[test]
    fn replaces_the_block_and_keeps_the_rest() {
        let text = "a: 1   # keep\nexpect:\n  - rule: x\n    subject: y\n\n# after\nb: 2\n";
        let out = with_expectations(text, &pairs(&[("r", "s")]))
            .unwrap()
            .unwrap();
        assert_eq!(
            out,
            "a: 1   # keep\nexpect:\n  - rule: r\n    subject: s\n\n# after\nb: 2\n"
        );
    }

    #[test]
    fn appends_a_block_and_leaves_a_current_one() {
        let out = with_expectations("a: 1", &pairs(&[])).unwrap().unwrap();
        assert_eq!(out, "a: 1\nexpect: []\n");
        assert_eq!(with_expectations(&out, &pairs(&[])).unwrap(), None);
    }

    #[test]
    fn odd_ids_are_quoted() {
        assert_eq!(scalar("sub-1"), "sub-1");
        assert_eq!(scalar("123"), "\"123\"");
        assert_eq!(scalar("true"), "\"true\"");
        assert_eq!(scalar("a: b"), "\"a: b\"");
        // What the loader refuses written out is escaped.
        assert_eq!(scalar("a\u{7f}b"), "\"a\\u007fb\"");
    }

    #[test]
    fn a_flow_root_is_refused() {
        assert!(with_expectations("{a: 1}", &pairs(&[])).is_err());
    }
}
