//! `eligo check`: check scenario files and report the findings.

use clap::{Args, ValueEnum};
use std::path::PathBuf;

use super::{
    files, load_rules, stderr_style, ColorChoice, RuleArgs, EXIT_FINDINGS, EXIT_INPUT, EXIT_OK,
};
use crate::check::{check_file, FileOutcome};
use crate::report::human::{self, plural, render_diagnostic, Style};
use crate::report::{json, FileReport};
use crate::scenario::{LoadOptions, ScenarioError};

/// Report formats.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Diagnostics with the scenario source, for people.
    #[default]
    Human,
    /// The JSON report.
    Json,
}

/// Arguments of `eligo check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Scenario files, or folders to search for `*.yaml`/`*.yml`.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Where the rules come from.
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Report format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
    /// When to use colours.
    #[arg(long, value_enum, default_value_t)]
    pub color: ColorChoice,
}

/// Runs `eligo check`.
pub fn run(args: &CheckArgs) -> u8 {
    let err_style = stderr_style(args.color);
    let program = match load_rules(&args.rules, err_style) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let (paths, mut input_errors) = find_scenarios(&args.paths);
    let rule_ids = program.rule_ids();
    let options = LoadOptions::default();
    let mut reports: Vec<FileReport> = Vec::new();
    for path in &paths {
        match check_file(&program, path, &rule_ids, &options) {
            FileOutcome::Checked(report) => reports.push(report),
            FileOutcome::Invalid { errors, .. } => input_errors.extend(errors),
        }
    }
    for e in &input_errors {
        eprint!("{}", render_diagnostic(e, err_style));
    }
    let out_style = Style {
        color: args.color.enabled(),
        width: 100,
    };
    let refs: Vec<&FileReport> = reports.iter().collect();
    print!("{}", render(args.format, &refs, out_style));
    let (errors, warnings) = totals(&reports);
    if !input_errors.is_empty() {
        eprintln!(
            "{} in the scenario files: nothing was passed",
            plural(input_errors.len(), "input error")
        );
        return EXIT_INPUT;
    }
    if errors > 0 || (args.deny_warnings && warnings > 0) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// Expands the paths into scenario files; unreadable paths become input errors.
pub fn find_scenarios(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<ScenarioError>) {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        match files::scenario_files(path) {
            Ok(list) if list.is_empty() => errors.push(ScenarioError::file_level(
                crate::scenario::ScenarioCode::Io,
                &path.display().to_string(),
                format!("no `*.yaml` or `*.yml` file under `{}`", path.display()),
                Some("give a scenario file or a folder that holds some".into()),
            )),
            Ok(list) => found.extend(list),
            Err(e) => errors.push(ScenarioError::file_level(
                crate::scenario::ScenarioCode::Io,
                &path.display().to_string(),
                format!("cannot read `{}`: {e}", path.display()),
                Some("check that the path exists and is readable".into()),
            )),
        }
    }
    (found, errors)
}

fn render(format: Format, reports: &[&FileReport], style: Style) -> String {
    match format {
        Format::Json => json::render(reports),
        Format::Human => {
            let mut out = String::new();
            for report in reports {
                out.push_str(&human::render_file(report, style));
            }
            let (errors, warnings) = totals_of(reports);
            out.push_str(&format!(
                "\nchecked {}: {}, {}\n",
                plural(reports.len(), "file"),
                plural(errors, "error"),
                plural(warnings, "warning")
            ));
            out
        }
    }
}

fn totals(reports: &[FileReport]) -> (usize, usize) {
    let refs: Vec<&FileReport> = reports.iter().collect();
    totals_of(&refs)
}

fn totals_of(reports: &[&FileReport]) -> (usize, usize) {
    reports
        .iter()
        .fold((0, 0), |(e, w), r| (e + r.errors(), w + r.warnings()))
}
