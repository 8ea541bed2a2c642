//! The concise report: one line per finding, like ruff's and gcc's,
//! `path:line:column: severity[rule] subject: message`, at the first place to
//! edit. Known findings (of a baseline) end with `(known)`; waived findings
//! are left out (they are accepted); each file's fixed baseline entries
//! follow its findings, an invalid file's input errors stand in its place, the
//! other input errors come last, then a summary line unless `--quiet`.

use std::io::{self, Write};

use super::{CheckRun, Entry, Finding, InputError};
use crate::escape;

/// Writes a run, one line per finding, files in output order (an invalid
/// scenario file's errors in its place, see [`CheckRun::entries`]).
pub(crate) fn write(run: &CheckRun, out: &mut dyn Write) -> io::Result<()> {
    for entry in run.entries() {
        match entry {
            Entry::Checked(report) => {
                for finding in report.findings.iter().filter(|f| f.waived.is_none()) {
                    writeln!(out, "{}", line(finding))?;
                }
                for fixed in report.fixed.iter().flatten() {
                    writeln!(
                        out,
                        "{}: fixed[{}] {}: in the baseline, no longer found",
                        one_line(&report.path),
                        one_line(&fixed.rule),
                        one_line(&fixed.subject)
                    )?;
                }
            }
            Entry::Invalid { errors, .. } => {
                for e in errors {
                    error_line(e, out)?;
                }
            }
        }
    }
    for e in run.other_errors() {
        error_line(e, out)?;
    }
    if !run.quiet {
        writeln!(out, "{}", super::human::run_summary(run))?;
    }
    Ok(())
}

fn error_line(e: &InputError, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "{}: error[{}] {}",
        one_line(&e.place()),
        e.code,
        one_line(&e.message)
    )
}

/// `path:line:column: severity[rule] subject: message`.
pub(crate) fn line(f: &Finding) -> String {
    let at = f.edit_location();
    let known = if f.is_known() { " (known)" } else { "" };
    format!(
        "{}:{}:{}: {}[{}] {}: {}{known}",
        one_line(&at.path),
        at.line,
        at.column,
        f.severity.as_str(),
        one_line(&f.rule),
        one_line(&f.subject),
        one_line(&f.message().to_string())
    )
}

/// Text kept on one line and safe for a terminal or a CI log: a line break
/// in a user's string (a quoted YAML value may hold one) is written as `\n`,
/// so each finding stays one line, and every other control character (an
/// escape sequence, a carriage return that would forge a `::warning` line)
/// as a visible escape too; a long value is cut (see [`escape::value`]).
fn one_line(text: &str) -> String {
    escape::value(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_stay_escaped() {
        assert_eq!(one_line("a\nb\r"), "a\\nb\\r");
        assert_eq!(one_line("plain"), "plain");
        assert_eq!(one_line("\r::warning::x\u{1b}[2J"), "\\r::warning::x\\e[2J");
    }
}
