//! The Markdown report: summary tables and the top findings, for
//! pull-request comments and GitHub step summaries
//! (`eligo check --format markdown >> "$GITHUB_STEP_SUMMARY"`).
//!
//! Every string that comes from a scenario (ids, paths, messages) is written
//! with its ASCII punctuation as HTML character references, so a subject such
//! as ``a|b`` or `[x](https://…)` or `<img>` can neither break a table nor
//! become a link, an image, HTML or a mention: GitHub shows the characters
//! as they are written.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::{CheckRun, Finding};
use crate::vocab::Severity;

/// How many failing findings the report lists; the rest are counted.
pub(crate) const TOP_FINDINGS: usize = 50;

/// Writes a run as Markdown.
pub(crate) fn write(run: &CheckRun, out: &mut dyn Write) -> io::Result<()> {
    let t = run.totals();
    let verdict = if !run.errors.is_empty() {
        "input errors"
    } else if run.fails() {
        "failed"
    } else {
        "passed"
    };
    writeln!(out, "## eligo check: {verdict}\n")?;
    writeln!(out, "| | count |\n|---|---:|")?;
    writeln!(out, "| errors | {} |", t.errors)?;
    writeln!(out, "| warnings | {} |", t.warnings)?;
    writeln!(out, "| waived | {} |", t.waived)?;
    if let Some(fixed) = run.baseline_fixed() {
        writeln!(out, "| known (baseline) | {} |", t.known)?;
        writeln!(out, "| fixed since the baseline | {fixed} |")?;
    }
    writeln!(out, "| files checked | {} |", run.scenario_files)?;
    writeln!(out, "| invalid files | {} |", run.invalid_files)?;
    writeln!(out, "| input errors | {} |\n", run.errors.len())?;
    write_rules(run, out)?;
    write_top(run, out)?;
    write_input_errors(run, out)
}

/// Findings per rule (waived and known ones apart).
fn write_rules(run: &CheckRun, out: &mut dyn Write) -> io::Result<()> {
    let mut by_rule: BTreeMap<(&str, &str), [usize; 3]> = BTreeMap::new();
    for f in run.reports.iter().flat_map(|r| &r.findings) {
        let entry = by_rule.entry((&f.rule, f.severity.as_str())).or_default();
        let slot = if f.waived.is_some() {
            1
        } else if f.is_known() {
            2
        } else {
            0
        };
        if let Some(n) = entry.get_mut(slot) {
            *n += 1;
        }
    }
    if by_rule.is_empty() {
        return Ok(());
    }
    writeln!(out, "### Findings per rule\n")?;
    writeln!(
        out,
        "| rule | severity | failing | waived | known |\n|---|---|---:|---:|---:|"
    )?;
    for ((rule, severity), [failing, waived, known]) in &by_rule {
        writeln!(
            out,
            "| {} | {severity} | {failing} | {waived} | {known} |",
            escape(rule)
        )?;
    }
    writeln!(out)
}

/// The first failing findings, errors before warnings, in report order.
fn write_top(run: &CheckRun, out: &mut dyn Write) -> io::Result<()> {
    let failing: Vec<&Finding> = run
        .reports
        .iter()
        .flat_map(|r| &r.findings)
        .filter(|f| f.fails_run())
        .collect();
    if failing.is_empty() {
        return Ok(());
    }
    let mut top: Vec<&Finding> = failing
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .chain(failing.iter().filter(|f| f.severity == Severity::Warning))
        .take(TOP_FINDINGS)
        .copied()
        .collect();
    top.truncate(TOP_FINDINGS);
    writeln!(out, "### Findings\n")?;
    writeln!(
        out,
        "| severity | rule | subject | where | message |\n|---|---|---|---|---|"
    )?;
    for f in &top {
        let at = f.edit_location();
        writeln!(
            out,
            "| {} | {} | {} | {}:{}:{} | {} |",
            f.severity.as_str(),
            escape(&f.rule),
            escape(&f.subject),
            escape(&at.path),
            at.line,
            at.column,
            escape(&f.message().to_string())
        )?;
    }
    if failing.len() > top.len() {
        writeln!(
            out,
            "\n… and {} more; run `eligo check` for all of them",
            failing.len() - top.len()
        )?;
    }
    writeln!(out)
}

fn write_input_errors(run: &CheckRun, out: &mut dyn Write) -> io::Result<()> {
    if run.errors.is_empty() {
        return Ok(());
    }
    writeln!(out, "### Input errors\n")?;
    writeln!(out, "| where | code | message |\n|---|---|---|")?;
    for e in &run.errors {
        writeln!(
            out,
            "| {} | {} | {} |",
            escape(&e.place()),
            escape(&e.code),
            escape(&e.message)
        )?;
    }
    writeln!(out)
}

/// A user's string as inert Markdown: ASCII punctuation other than `-`, `.`,
/// `,` and `/` as numeric character references, line breaks as spaces, and
/// other control characters (escape sequences, bidi controls; the report is
/// also read in terminals) as the visible escapes of [`crate::escape::text`].
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c => {
                let mut buf = [0; 4];
                match crate::escape::text(c.encode_utf8(&mut buf)) {
                    // `\e`, `\u{202e}`: its backslash and braces as references.
                    std::borrow::Cow::Owned(visible) => out.push_str(&escape(&visible)),
                    std::borrow::Cow::Borrowed(_) => push_plain(&mut out, c),
                }
            }
        }
    }
    out
}

/// One character that [`crate::escape::text`] keeps, as inert Markdown.
fn push_plain(out: &mut String, c: char) {
    match c {
        '-' | '.' | ',' | '/' | ' ' => out.push(c),
        c if c.is_ascii_punctuation() => {
            out.push_str("&#");
            out.push_str(&u32::from(c).to_string());
            out.push(';');
        }
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_strings_cannot_break_tables_or_inject() {
        let e = escape("a|b `c` <img src=x> [l](http://x) @team *x* _y_\nz");
        for bad in ["|", "`", "<", ">", "[", "]", "(", ")", "@", "*", "_", "\n"] {
            assert!(!e.contains(bad), "{bad} in {e}");
        }
        assert!(e.starts_with("a&#124;b"));
        let e = escape("x\u{1b}[2J\u{202e}y");
        assert!(!e.contains('\u{1b}') && !e.contains('\u{202e}'), "{e}");
    }
}
