//! GitHub Actions workflow commands: one annotation per finding, shown on the
//! pull request's diff and in the run's summary.
//!
//! `::error file=…,line=…,col=…,title=…::message` for error findings and input
//! errors, `::warning …` for warnings, `::notice …` for waived findings. Property
//! values escape `%`, `\r`, `\n`, `:` and `,`; the message escapes `%`, `\r` and
//! `\n`, as the runner expects, and other control characters visibly (see
//! [`crate::escape::github_data`]).

use std::io::{self, Write};

use super::{CheckRun, Entry, Finding, InputError};
use crate::escape;
use crate::vocab::Severity;

/// Writes a run as workflow commands, closed by a plain summary line.
pub(crate) fn write(run: &CheckRun, out: &mut dyn Write) -> io::Result<()> {
    for entry in run.entries() {
        match entry {
            Entry::Checked(report) => {
                for finding in &report.findings {
                    out.write_all(finding_command(finding).as_bytes())?;
                }
            }
            Entry::Invalid { errors, .. } => {
                for error in errors {
                    out.write_all(error_command(error).as_bytes())?;
                }
            }
        }
    }
    for error in run.other_errors() {
        out.write_all(error_command(error).as_bytes())?;
    }
    writeln!(out, "eligo: {}", super::human::run_summary(run))?;
    if !run.errors.is_empty() {
        writeln!(out, "eligo: {}", super::human::input_failure(&run.errors))?;
    }
    Ok(())
}

fn finding_command(f: &Finding) -> String {
    let (command, title, message) = match (&f.waived, f.severity) {
        (Some(w), _) => (
            "notice",
            format!("{} (waived)", f.rule),
            format!(
                "{}\nwaived: {} (owner {}, expires {})",
                f.message(),
                w.reason,
                w.owner,
                w.expires
            ),
        ),
        (None, _) if f.is_known() => (
            "notice",
            format!("{} (known in the baseline)", f.rule),
            f.message().to_string(),
        ),
        (None, Severity::Error) => ("error", f.rule.to_string(), f.message().to_string()),
        (None, Severity::Warning) => ("warning", f.rule.to_string(), f.message().to_string()),
    };
    let message = if f.related.is_empty() {
        message
    } else {
        format!("{message}\nrelated: {}", f.related_text())
    };
    // The annotation sits on the first place to edit, which is the line a
    // pull request changes (the transfer item, the relationship), not the
    // subject's entry, which may be far away.
    let at = f.edit_location();
    command_line(
        command,
        &[
            ("file", at.path.to_string()),
            ("line", at.line.to_string()),
            ("col", at.column.to_string()),
            ("title", title),
        ],
        &message,
    )
}

fn error_command(e: &InputError) -> String {
    let mut props = vec![("file", e.path.clone())];
    if let (Some(line), Some(col)) = (e.line, e.column) {
        props.push(("line", line.to_string()));
        props.push(("col", col.to_string()));
    }
    props.push(("title", e.code.clone()));
    let message = match &e.help {
        Some(help) => format!("{}\nhelp: {help}", e.message),
        None => e.message.clone(),
    };
    command_line("error", &props, &message)
}

/// `::command key=value,…::message` and a newline.
fn command_line(command: &str, props: &[(&str, String)], message: &str) -> String {
    let props: Vec<String> = props
        .iter()
        .map(|(k, v)| format!("{k}={}", escape::github_property(v)))
        .collect();
    format!(
        "::{command} {}::{}\n",
        props.join(","),
        escape::github_data(message)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_the_runner_parses() {
        assert_eq!(
            command_line("error", &[("file", "a:b.yaml".into())], "x::y"),
            "::error file=a%3Ab.yaml::x::y\n"
        );
    }
}
