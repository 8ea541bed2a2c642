//! `eligo test`: run the `expect:` block of each scenario.
//!
//! A scenario passes when the set of (rule, subject) pairs it produces equals its
//! `expect` set exactly. An `expect` entry that names an unknown rule or subject
//! is an input error (checked by the loader), so a typo never makes a test pass.

use clap::Args;
use std::collections::BTreeSet;
use std::path::PathBuf;

use super::check::find_scenarios;
use super::{load_rules, stderr_style, ColorChoice, RuleArgs, EXIT_FINDINGS, EXIT_INPUT, EXIT_OK};
use crate::check::{check_file, FileOutcome};
use crate::report::human::render_diagnostic;
use crate::report::FileReport;
use crate::scenario::LoadOptions;

/// Arguments of `eligo test`.
#[derive(Debug, Args)]
pub struct TestArgs {
    /// Scenario files, or folders to search for `*.yaml`/`*.yml`.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Where the rules come from.
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Count a scenario without an `expect` block as a failure.
    #[arg(long)]
    pub require_expect: bool,
    /// When to use colours.
    #[arg(long, value_enum, default_value_t)]
    pub color: ColorChoice,
}

/// The verdict on one scenario.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Findings equal the expectations.
    Pass,
    /// They differ.
    Fail {
        /// Expected pairs that were not produced.
        missing: Vec<(String, String)>,
        /// Produced pairs that were not expected.
        unexpected: Vec<(String, String)>,
    },
    /// The file has no `expect` block.
    NoExpectations,
}

/// Compares a report's findings with its `expect` block.
pub fn verdict(report: &FileReport) -> Verdict {
    let Some(expect) = &report.expect else {
        return Verdict::NoExpectations;
    };
    let expected: BTreeSet<(String, String)> = expect
        .iter()
        .map(|e| (e.rule.clone(), e.subject.clone()))
        .collect();
    let actual: BTreeSet<(String, String)> = report
        .findings
        .iter()
        .map(|f| (f.rule.clone(), f.subject.clone()))
        .collect();
    let missing: Vec<_> = expected.difference(&actual).cloned().collect();
    let unexpected: Vec<_> = actual.difference(&expected).cloned().collect();
    if missing.is_empty() && unexpected.is_empty() {
        Verdict::Pass
    } else {
        Verdict::Fail {
            missing,
            unexpected,
        }
    }
}

/// One line describing a failing scenario, with where each pair is.
pub fn describe_failure(
    report: &FileReport,
    missing: &[(String, String)],
    unexpected: &[(String, String)],
) -> String {
    let expect = report.expect.as_deref().unwrap_or(&[]);
    let missing: Vec<String> = missing
        .iter()
        .map(|(rule, subject)| {
            let at = expect
                .iter()
                .find(|e| &e.rule == rule && &e.subject == subject)
                .map_or(String::new(), |e| {
                    format!(" (expected at line {})", e.pos.line)
                });
            format!("{rule} on {subject}{at}")
        })
        .collect();
    let unexpected: Vec<String> = unexpected
        .iter()
        .map(|(rule, subject)| {
            let at = report
                .findings
                .iter()
                .find(|f| &f.rule == rule && &f.subject == subject)
                .map_or(String::new(), |f| {
                    format!(" (at {}:{})", f.location.line, f.location.column)
                });
            format!("{rule} on {subject}{at}")
        })
        .collect();
    let mut parts = Vec::new();
    if !missing.is_empty() {
        parts.push(format!("missing: {}", missing.join(", ")));
    }
    if !unexpected.is_empty() {
        parts.push(format!("unexpected: {}", unexpected.join(", ")));
    }
    format!("FAIL {}: {}", report.path, parts.join("; "))
}

/// Runs `eligo test`.
pub fn run(args: &TestArgs) -> u8 {
    let err_style = stderr_style(args.color);
    let program = match load_rules(&args.rules, err_style) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let (paths, mut input_errors) = find_scenarios(&args.paths);
    let rule_ids = program.rule_ids();
    let options = LoadOptions::default();
    let (mut passed, mut failed, mut without) = (0usize, 0usize, 0usize);
    for path in &paths {
        let report = match check_file(&program, path, &rule_ids, &options) {
            FileOutcome::Checked(report) => report,
            FileOutcome::Invalid { errors, .. } => {
                input_errors.extend(errors);
                continue;
            }
        };
        match verdict(&report) {
            Verdict::Pass => passed += 1,
            Verdict::Fail {
                missing,
                unexpected,
            } => {
                failed += 1;
                println!("{}", describe_failure(&report, &missing, &unexpected));
            }
            Verdict::NoExpectations if args.require_expect => {
                failed += 1;
                println!("FAIL {}: no expectations (`--require-expect`)", report.path);
            }
            Verdict::NoExpectations => {
                without += 1;
                println!("SKIP {}: no expectations", report.path);
            }
        }
    }
    for e in &input_errors {
        eprint!("{}", render_diagnostic(e, err_style));
    }
    let skipped = if without > 0 {
        format!(", {without} without expectations")
    } else {
        String::new()
    };
    println!("{passed} passed, {failed} failed{skipped}");
    if !input_errors.is_empty() {
        EXIT_INPUT
    } else if failed > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}
