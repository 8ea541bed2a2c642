//! JUnit XML for CI servers (GitLab, Jenkins, Azure Pipelines, CircleCI, …).
//!
//! A `<testsuite>` per scenario file, with a `<testcase>` per rule evaluated:
//! - error findings of the rule make it a `<failure>` whose text lists every
//!   finding with its location;
//! - warning findings pass, listed in `<system-out>`, unless `--deny-warnings`
//!   is given, when they fail too (so the JUnit verdict agrees with the exit code);
//! - a rule whose findings are all waived is `<skipped>`, with the waivers;
//! - no finding: a plain pass.
//!
//! A waivers file is a suite whose test cases are `waiver-expired` and
//! `waiver-unused`. Input errors make a suite per file with one test case in
//! `<error>` (the file could not be checked at all).
//!
//! The output is valid against the JUnit schema of Jenkins' xUnit plugin
//! (`junit-10.xsd`, checked in the tests): `<testsuites>` carries no `skipped`
//! count, which that schema does not allow, and every suite and case has a
//! `time`. eligo does not time rules one by one, and a report should be the same
//! on every run, so `time` is always `0.000`.

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
use std::io::{self, Write};
use std::time::Duration;

use super::{CheckRun, Entry, FileKind, FileReport, Finding, InputError, RuleInfo};
use crate::escape::{self, xml};
use crate::vocab::Severity;

/// A user value in one line of a JUnit text, cut if long.
fn short(s: &str) -> std::borrow::Cow<'_, str> {
    escape::truncate(s, escape::MAX_VALUE_BYTES)
}

/// Writes a run as a JUnit XML document (which ends with a newline).
pub(crate) fn write(run: &CheckRun, out: &mut dyn Write) -> io::Result<()> {
    let mut report = Report::new("eligo");
    report.set_time(Duration::ZERO);
    for entry in run.entries() {
        match entry {
            Entry::Checked(file) => {
                let rules = match file.kind {
                    FileKind::Scenario => &run.rules,
                    FileKind::Waivers => &run.waiver_rules,
                };
                report.add_test_suite(file_suite(file, rules, run.deny_warnings));
            }
            Entry::Invalid { path, errors, .. } => {
                let errors: Vec<&InputError> = errors.iter().collect();
                report.add_test_suite(error_suite(path, &errors));
            }
        }
    }
    let others: Vec<&InputError> = run.other_errors().collect();
    for (path, errors) in errors_by_path(&others) {
        report.add_test_suite(error_suite(path, &errors));
    }
    let mut xml = Vec::new();
    report.serialize(&mut xml).map_err(|e| io_error(&e))?;
    out.write_all(&without_testsuites_skipped(&xml))
}

/// The document without the `skipped` attribute that quick-junit always writes
/// on `<testsuites>` and Jenkins' schema rejects (the suites keep theirs).
fn without_testsuites_skipped(xml: &[u8]) -> Vec<u8> {
    let attr = (|| {
        let tag = find(xml, 0, b"<testsuites")?;
        let tag_end = find(xml, tag, b">")?;
        let from = find(xml, tag, b" skipped=\"").filter(|&at| at < tag_end)?;
        let value = from + b" skipped=\"".len();
        let to = find(xml, value, b"\"")? + 1;
        Some((from, to))
    })();
    match attr.and_then(|(from, to)| Some([xml.get(..from)?, xml.get(to..)?].concat())) {
        Some(cut) => cut,
        None => xml.to_vec(),
    }
}

/// Where `needle` first occurs in `haystack` at or after `from`.
fn find(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let rest = haystack.get(from..)?;
    rest.windows(needle.len())
        .position(|w| w == needle)
        .map(|i| from + i)
}

/// The I/O error behind a serialization error, so that the caller can tell a
/// closed pipe from other failures; any other cause becomes an `Other` error.
fn io_error(e: &quick_junit::SerializeError) -> io::Error {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cause {
        // quick-xml keeps its I/O errors in an `Arc`.
        let io = err.downcast_ref::<io::Error>().or_else(|| {
            err.downcast_ref::<std::sync::Arc<io::Error>>()
                .map(|a| a.as_ref())
        });
        if let Some(io) = io {
            return io::Error::new(io.kind(), io.to_string());
        }
        cause = err.source();
    }
    io::Error::other(format!("cannot write the JUnit report: {e}"))
}

fn file_suite(file: &FileReport, rules: &[RuleInfo], deny_warnings: bool) -> TestSuite {
    let mut suite = TestSuite::new(xml(&short(&file.path)));
    suite.set_time(Duration::ZERO);
    if let Some(name) = &file.scenario {
        suite.add_property(("scenario", xml(&short(name)).as_str()));
    }
    for rule in rules {
        let findings: Vec<&Finding> = file
            .findings
            .iter()
            .filter(|f| *f.rule == *rule.id)
            .collect();
        let mut case = TestCase::new(xml(&rule.id), status(rule, &findings, deny_warnings));
        case.set_classname(xml(&short(&file.path)));
        case.set_time(Duration::ZERO);
        if rule.severity == Severity::Warning && !deny_warnings {
            let active: Vec<&Finding> =
                findings.iter().copied().filter(|f| f.fails_run()).collect();
            if !active.is_empty() {
                case.set_system_out(xml(&list(&active)));
            }
        }
        suite.add_test_case(case);
    }
    suite
}

fn status(rule: &RuleInfo, findings: &[&Finding], deny_warnings: bool) -> TestCaseStatus {
    // Waived findings, and findings a baseline knows, never fail.
    let (waived, active): (Vec<&Finding>, Vec<&Finding>) =
        findings.iter().partition(|f| !f.fails_run());
    let fails = rule.severity == Severity::Error || deny_warnings;
    if !active.is_empty() && fails {
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
        status.set_type(rule.severity.as_str());
        status.set_message(match active.as_slice() {
            [only] => xml(&short(&only.message().to_string())),
            many => format!("{} findings of {}", many.len(), xml(&rule.id)),
        });
        status.set_description(xml(&list(&[active, waived].concat())));
        status
    } else if active.is_empty() && !waived.is_empty() {
        let mut status = TestCaseStatus::skipped();
        let all_waived = waived.iter().all(|f| f.waived.is_some());
        status.set_type(if all_waived { "waived" } else { "known" });
        status.set_message(match waived.as_slice() {
            [only] => match &only.waived {
                Some(w) => xml(&format!("waived: {}", short(&w.reason))),
                None => "known in the baseline".to_string(),
            },
            many if all_waived => format!("{} findings waived", many.len()),
            many => format!("{} findings waived or known in the baseline", many.len()),
        });
        status.set_description(xml(&list(&waived)));
        status
    } else {
        TestCaseStatus::success()
    }
}

/// One line per finding: where, on what, what; waived ones with their waiver.
fn list(findings: &[&Finding]) -> String {
    let lines: Vec<String> = findings
        .iter()
        .map(|f| {
            let l = &f.location;
            let mut line = format!(
                "{}:{}:{}: {} {}: {}",
                escape::text(&short(&l.path)),
                l.line,
                l.column,
                f.severity.as_str(),
                escape::text(&short(&f.subject)),
                escape::text(&short(&f.message().to_string()))
            );
            if let Some(w) = &f.waived {
                line.push_str(&format!(
                    " [waived: {} (owner {}, expires {})]",
                    escape::text(&short(&w.reason)),
                    escape::text(&short(&w.owner)),
                    w.expires
                ));
            } else if f.is_known() {
                line.push_str(" [known in the baseline]");
            }
            line
        })
        .collect();
    lines.join("\n")
}

/// Input errors grouped by file, files in the order they first appear.
fn errors_by_path<'a>(errors: &[&'a InputError]) -> Vec<(&'a str, Vec<&'a InputError>)> {
    let mut groups: Vec<(&str, Vec<&InputError>)> = Vec::new();
    let mut index = std::collections::HashMap::new();
    for &e in errors {
        let slot = *index.entry(e.path.as_str()).or_insert_with(|| {
            groups.push((&e.path, Vec::new()));
            groups.len() - 1
        });
        if let Some((_, list)) = groups.get_mut(slot) {
            list.push(e);
        }
    }
    groups
}

fn error_suite(path: &str, errors: &[&InputError]) -> TestSuite {
    let mut suite = TestSuite::new(xml(&short(path)));
    suite.set_time(Duration::ZERO);
    let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
    if let Some(first) = errors.first() {
        status.set_type(xml(&first.code));
        status.set_message(match errors {
            [only] => xml(&short(&only.message)),
            many => format!("{} input errors", many.len()),
        });
    }
    let lines: Vec<String> = errors
        .iter()
        .map(|e| {
            let help = e.help.as_deref().map_or(String::new(), |h| {
                format!(" (help: {})", escape::text(&short(h)))
            });
            format!(
                "{}: {}: {}{help}",
                escape::text(&short(&e.place())),
                e.code,
                escape::text(&short(&e.message))
            )
        })
        .collect();
    status.set_description(xml(&lines.join("\n")));
    let mut case = TestCase::new("valid input", status);
    case.set_classname(xml(&short(path)));
    case.set_time(Duration::ZERO);
    suite.add_test_case(case);
    suite
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testing::{sample_run, ClosedPipe};

    #[test]
    fn a_closed_pipe_is_told_apart_through_quick_junits_error() {
        let err = write(&sample_run(), &mut ClosedPipe).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
    }

    #[test]
    fn the_document_ends_with_a_newline() {
        let mut out = Vec::new();
        write(&sample_run(), &mut out).unwrap();
        assert!(out.ends_with(b"</testsuites>\n"));
    }

    #[test]
    fn only_the_testsuites_skipped_attribute_goes() {
        let xml = br#"<?xml version="1.0"?>
<testsuites name="e" tests="2" failures="0" errors="0" skipped="1" time="0.000">
<testsuite name="a" tests="2" skipped="1"/></testsuites>"#;
        let got = String::from_utf8(without_testsuites_skipped(xml)).unwrap();
        assert!(got.contains(r#"errors="0" time="0.000">"#), "{got}");
        assert!(got.contains(r#"<testsuite name="a" tests="2" skipped="1"/>"#));
        assert_eq!(without_testsuites_skipped(b"<x/>"), b"<x/>");
    }
}
