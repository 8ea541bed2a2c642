//! `eligo test`: run the `expect:` block of each scenario.
//!
//! A scenario passes when the set of (rule, subject) pairs it produces equals its
//! `expect` set exactly. An `expect` entry that names an unknown rule or subject
//! is an input error (checked by the loader), so a typo never makes a test pass.
//! Files are checked in parallel, and reported in path order.

use super::Failure as CliFailure;
use clap::Args;
use rayon::prelude::*;
use std::path::PathBuf;

use super::check::find_scenarios;
use super::coverage::Coverage;
use super::files;
use super::TextFormat;
use super::{stderr_style, EXIT_FINDINGS, EXIT_INPUT, EXIT_OK};
use crate::check::{check_source_counted, FileOutcome};
use crate::engine::{verdict, Verdict};
use crate::escape;
use crate::program::Program;
use crate::report::grouped::render_grouped;
use crate::report::FileReport;
use crate::scenario::LoadOptions;

/// Arguments of `eligo test`.
#[derive(Debug, Args)]
pub struct TestArgs {
    /// Scenario files, or folders to search for `*.yaml`/`*.yml`.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Where the rules come from, bounds on hostile input, colours.
    #[command(flatten)]
    pub run: super::RunArgs,
    /// Count a scenario without an `expect` block as a failure.
    #[arg(long)]
    pub require_expect: bool,
    /// Also report which rules fired, never fired, or never reached a subject.
    #[arg(long)]
    pub coverage: bool,
    /// Output format: `human` lines, or one JSON document.
    #[arg(long, value_enum, default_value_t)]
    pub format: TextFormat,
    /// Write or refresh each file's `expect:` block from its findings,
    /// keeping the rest of the file byte for byte.
    #[arg(long)]
    pub update: bool,
    /// Print the failures only: no `SKIP` lines and no closing line (human format).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Which configuration file to read.
    #[command(flatten)]
    pub config: super::settings::ConfigArgs,
    /// The path shown in reports for the scenario read from standard input
    /// (the path `-`).
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,
}

/// One line describing a failing scenario, with where each pair is.
pub(crate) fn describe_failure(
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
            format!("{} on {}{at}", escape::value(rule), escape::value(subject))
        })
        .collect();
    let unexpected: Vec<String> = unexpected
        .iter()
        .map(|(rule, subject)| {
            let at = report
                .findings
                .iter()
                .find(|f| *f.rule == **rule && f.subject == *subject)
                .map_or(String::new(), |f| {
                    format!(" (at {}:{})", f.location.line, f.location.column)
                });
            format!("{} on {}{at}", escape::value(rule), escape::value(subject))
        })
        .collect();
    let mut parts = Vec::new();
    if !missing.is_empty() {
        parts.push(format!("missing: {}", missing.join(", ")));
    }
    if !unexpected.is_empty() {
        parts.push(format!("unexpected: {}", unexpected.join(", ")));
    }
    format!("FAIL {}: {}", escape::value(&report.path), parts.join("; "))
}

/// The outcome of a test run, for the JSON output.
#[derive(Debug, Default, serde::Serialize)]
pub(crate) struct TestRun {
    /// Scenarios whose findings equal their expectations.
    pub passed: usize,
    /// Scenarios that differ (or lack expectations under `--require-expect`).
    pub failed: usize,
    /// Scenarios without an `expect` block (not counted as failed).
    pub without_expectations: usize,
    /// Each failing scenario.
    pub failures: Vec<Failure>,
    /// Rule coverage, with `--coverage`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coverage: Option<Coverage>,
}

/// A failing scenario in the JSON output.
#[derive(Debug, serde::Serialize)]
pub(crate) struct Failure {
    /// The scenario file.
    pub path: String,
    /// Expected (rule, subject) pairs that were not produced.
    pub missing: Vec<Pair>,
    /// Produced pairs that were not expected.
    pub unexpected: Vec<Pair>,
    /// The human line, as printed by the human format.
    pub line: String,
}

/// A (rule, subject) pair.
#[derive(Debug, serde::Serialize)]
pub(crate) struct Pair {
    /// The rule id.
    pub rule: String,
    /// The subject id.
    pub subject: String,
}

fn pairs(list: &[(String, String)]) -> Vec<Pair> {
    list.iter()
        .map(|(rule, subject)| Pair {
            rule: rule.clone(),
            subject: subject.clone(),
        })
        .collect()
}

/// Runs `eligo test`.
pub(crate) fn run(args: &TestArgs) -> Result<u8, CliFailure> {
    let err_style = stderr_style(args.run.color);
    let config = args.config.load(err_style)?;
    let rule_args = super::settings::rule_args(&args.run.rules, config.as_ref());
    let program = super::load_rules_with(&rule_args, config.as_ref(), err_style)?;
    let (paths, mut input_errors) = find_scenarios(&args.paths);
    let options = args.run.limits.load_options_with(config.as_ref());
    let mut update_failed = false;
    let human = args.format == TextFormat::Human;
    let mut run = TestRun::default();
    // The verdict lines (human format), then the closing part, written at once.
    let mut out = String::new();
    let mut coverage = Coverage::new(&program);
    let checked = check_all(args, &program, &paths, &options);
    for ((outcome, reached), path) in checked.into_iter().zip(&paths) {
        // `--update` writes files in place: what came from standard input has
        // no file (the `--stdin-filename` name is only a label in reports).
        if args.update && files::is_stdin(path) {
            eprintln!("error: -: standard input cannot be updated; give the file's path");
            update_failed = true;
            continue;
        }
        let report = match outcome {
            FileOutcome::Invalid { errors, .. }
                if args.update && super::test_update::only_expect_errors(&errors) =>
            {
                match super::test_update::update_stale(&program, path, &options) {
                    Ok(update) => {
                        run.passed += 1;
                        if human {
                            out.push_str(&updated_line(&path.display().to_string(), &update));
                        }
                    }
                    Err(e) => {
                        eprintln!(
                            "error: {}: {}",
                            escape::value(&path.display().to_string()),
                            escape::value(&e)
                        );
                        update_failed = true;
                    }
                }
                continue;
            }
            FileOutcome::Checked(report) => report,
            FileOutcome::Invalid { errors, .. } => {
                input_errors.extend(errors);
                continue;
            }
        };
        coverage.add(&program, &report, &reached);
        if args.update {
            match super::test_update::update(&report) {
                Ok(update @ super::test_update::Update::Written(_)) => {
                    run.passed += 1;
                    if human {
                        out.push_str(&updated_line(&report.path, &update));
                    }
                    continue;
                }
                Ok(super::test_update::Update::Unchanged) => {}
                Err(e) => {
                    eprintln!(
                        "error: {}: {}",
                        escape::value(&report.path),
                        escape::value(&e)
                    );
                    update_failed = true;
                    continue;
                }
            }
        }
        if let Some(line) = record_verdict(args, &report, &mut run) {
            if human {
                out.push_str(&line);
                out.push('\n');
            }
        }
    }
    // Grouped file by file (a file's errors are contiguous).
    for file in input_errors.chunk_by(|a, b| a.path == b.path) {
        for text in render_grouped(file, err_style) {
            eprint!("{text}");
        }
    }
    if args.coverage {
        run.coverage = Some(coverage);
    }
    if !(args.quiet && human) {
        out.push_str(&render_run(&run, args.format));
    }
    super::print_stdout("the test report", &out)?;
    if !input_errors.is_empty() || update_failed {
        Ok(EXIT_INPUT)
    } else if run.failed > 0 {
        Ok(EXIT_FINDINGS)
    } else {
        Ok(EXIT_OK)
    }
}

/// `UPDATED path: 3 expectations`.
fn updated_line(path: &str, update: &super::test_update::Update) -> String {
    match update {
        super::test_update::Update::Written(n) => format!(
            "UPDATED {}: {}\n",
            escape::value(path),
            crate::report::human::plural(*n, "expectation")
        ),
        super::test_update::Update::Unchanged => String::new(),
    }
}

/// The end of the output: coverage (if asked), then the closing line; or the JSON document.
fn render_run(run: &TestRun, format: TextFormat) -> String {
    if format == TextFormat::Json {
        return serde_json::to_string_pretty(run)
            .map(|s| s + "\n")
            .unwrap_or_default();
    }
    let mut out = run
        .coverage
        .as_ref()
        .map_or(String::new(), Coverage::render);
    let skipped = if run.without_expectations > 0 {
        format!(", {} without expectations", run.without_expectations)
    } else {
        String::new()
    };
    out.push_str(&format!(
        "{} passed, {} failed{skipped}\n",
        run.passed, run.failed
    ));
    out
}

/// Counts a checked scenario's verdict in `run`, and gives the line to print
/// for it: none for a pass, nor for a scenario without expectations under
/// `--quiet`.
fn record_verdict(args: &TestArgs, report: &FileReport, run: &mut TestRun) -> Option<String> {
    let line = match verdict(report) {
        Verdict::Pass => {
            run.passed += 1;
            return None;
        }
        Verdict::Fail {
            missing,
            unexpected,
        } => {
            let line = describe_failure(report, &missing, &unexpected);
            run.failures.push(Failure {
                path: report.path.clone(),
                missing: pairs(&missing),
                unexpected: pairs(&unexpected),
                line: line.clone(),
            });
            run.failed += 1;
            line
        }
        Verdict::NoExpectations if args.require_expect => {
            run.failed += 1;
            let line = format!(
                "FAIL {}: no expectations (`--require-expect`)",
                escape::value(&report.path)
            );
            run.failures.push(Failure {
                path: report.path.clone(),
                missing: Vec::new(),
                unexpected: Vec::new(),
                line: line.clone(),
            });
            line
        }
        Verdict::NoExpectations => {
            run.without_expectations += 1;
            if args.quiet {
                return None;
            }
            format!("SKIP {}: no expectations", escape::value(&report.path))
        }
    };
    Some(line)
}

/// Checks the files on every core; the outcomes come back in path order (so
/// the output is the same whatever the number of threads), each with, per
/// rule, how many bindings reached its `require` (for `--coverage`).
fn check_all(
    args: &TestArgs,
    program: &Program,
    paths: &[PathBuf],
    options: &LoadOptions,
) -> Vec<(FileOutcome, Vec<u64>)> {
    let rule_ids = program.rule_ids();
    paths
        .par_iter()
        .map(|path| {
            match files::read_input(path, args.stdin_filename.as_deref(), &options.limits) {
                Ok(source) => check_source_counted(program, source, &rule_ids, options),
                Err(e) => (
                    FileOutcome::Invalid {
                        path: path.display().to_string(),
                        errors: vec![e],
                    },
                    Vec::new(),
                ),
            }
        })
        .collect()
}
