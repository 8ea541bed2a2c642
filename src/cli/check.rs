//! `eligo check`: check scenario files and report the findings.
//!
//! Files are checked in parallel (rayon, one thread per core) and collected in
//! path order, so the report is the same whatever the scheduling. Waivers are
//! applied once every file is checked, since an unused waiver is one that matches
//! nothing in any file.

use clap::{Args, ValueEnum};
use rayon::prelude::*;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::progress::Progress;
use super::{
    files, stderr_style, try_load_rules_warned, ColorChoice, LimitArgs, RuleArgs, RulesFailure,
    EXIT_FINDINGS, EXIT_INPUT, EXIT_OK, NO_RULES,
};
use crate::check::{check_file, FileOutcome};
use crate::program::Program;
use crate::report::human::{self, plural, render_diagnostic, Style};
use crate::report::{github, json, junit, sarif, CheckRun, InputError, RuleInfo};
use crate::scenario::{LoadOptions, ScenarioError};
use crate::waiver::{self, WaiverFile};

/// Report formats.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Diagnostics with the scenario source, for people.
    #[default]
    Human,
    /// The JSON report.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// JUnit XML, for CI test reports.
    Junit,
    /// GitHub Actions workflow commands (annotations).
    Github,
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
    /// Bounds on hostile input.
    #[command(flatten)]
    pub limits: LimitArgs,
    /// Report format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
    /// A file of waivers: accepted findings with a reason, an owner and an expiry
    /// date (repeatable).
    #[arg(long = "waivers", value_name = "FILE")]
    pub waivers: Vec<PathBuf>,
    /// When to use colours (`auto` honours `NO_COLOR`).
    #[arg(long, value_enum, default_value_t)]
    pub color: ColorChoice,
}

/// Input errors as data for the report, and rendered for stderr.
struct Problems {
    style: Style,
    rendered: Vec<String>,
}

impl Problems {
    fn add<E: miette::Diagnostic>(&mut self, run: &mut CheckRun, errors: &[E])
    where
        for<'e> InputError: From<&'e E>,
    {
        for e in errors {
            run.errors.push(InputError::from(e));
            self.rendered.push(render_diagnostic(e, self.style));
        }
    }
}

/// Runs `eligo check`.
pub fn run(args: &CheckArgs) -> u8 {
    let mut problems = Problems {
        style: stderr_style(args.color),
        rendered: Vec::new(),
    };
    let mut run = CheckRun {
        deny_warnings: args.deny_warnings,
        ..CheckRun::default()
    };
    let program = match try_load_rules_warned(&args.rules, stderr_style(args.color)) {
        Ok(program) => program,
        Err(RulesFailure::NoRules) => {
            eprintln!("{NO_RULES}");
            return EXIT_INPUT;
        }
        Err(RulesFailure::Invalid(errors)) => {
            problems.add(&mut run, &errors);
            let what = format!("{} in the rule files", plural(errors.len(), "error"));
            return finish(args, &run, &problems, &what);
        }
    };
    run.rules = RuleInfo::of_program(&program);
    let options = args.limits.load_options();
    let waivers = load_waivers(args, &program, &options, &mut run, &mut problems);
    let complete = check_scenarios(args, &program, &options, &mut run, &mut problems);
    let waiver_reports = waiver::apply(&waivers, &mut run.reports, complete, options.today);
    run.reports.extend(waiver_reports);
    let what = format!(
        "{} in the input files: nothing was passed",
        plural(run.errors.len(), "input error")
    );
    finish(args, &run, &problems, &what)
}

/// Reads every `--waivers` file; invalid ones become input errors.
fn load_waivers(
    args: &CheckArgs,
    program: &Program,
    options: &LoadOptions,
    run: &mut CheckRun,
    problems: &mut Problems,
) -> Vec<WaiverFile> {
    let rule_ids = program.rule_ids();
    let mut files = Vec::new();
    for path in &args.waivers {
        match waiver::read_waivers(path, &rule_ids, &options.limits) {
            Ok(file) => files.push(file),
            Err(errors) => problems.add(run, &errors),
        }
    }
    problems.add(run, &waiver::duplicates(&files));
    files
}

/// Finds and checks the scenario files in parallel, in path order. Returns
/// whether every path was found and every file was valid.
fn check_scenarios(
    args: &CheckArgs,
    program: &Program,
    options: &LoadOptions,
    run: &mut CheckRun,
    problems: &mut Problems,
) -> bool {
    let (paths, path_errors) = find_scenarios(&args.paths);
    problems.add(run, &path_errors);
    // Only the human report shows the scenario text (in its snippets).
    let keep_text = args.format == Format::Human;
    let outcomes = check_all(program, &paths, options, keep_text);
    run.scenario_files = paths.len();
    for outcome in outcomes {
        match outcome {
            FileOutcome::Checked(report) => run.reports.push(report),
            FileOutcome::Invalid { errors, .. } => {
                run.invalid_files += 1;
                problems.add(run, &errors);
            }
        }
    }
    path_errors.is_empty() && run.invalid_files == 0
}

/// Checks files on every core; the outcomes come back in the order of `paths`.
/// Without `keep_text`, each report lets go of its file's text as soon as it
/// is built (see [`crate::report::FileReport::drop_text`]).
pub fn check_all(
    program: &Program,
    paths: &[PathBuf],
    options: &LoadOptions,
    keep_text: bool,
) -> Vec<FileOutcome> {
    let rule_ids = program.rule_ids();
    let progress = Progress::new(paths.len());
    let outcomes = paths
        .par_iter()
        .map(|path: &PathBuf| {
            let mut outcome = check_file(program, Path::new(path), &rule_ids, options);
            if let (FileOutcome::Checked(report), false) = (&mut outcome, keep_text) {
                report.drop_text();
            }
            progress.tick();
            outcome
        })
        .collect();
    progress.finish();
    outcomes
}

/// Prints the report and the input errors, and returns the exit code.
fn finish(args: &CheckArgs, run: &CheckRun, problems: &Problems, what_failed: &str) -> u8 {
    let out_style = Style {
        color: args.color.enabled(),
        width: 100,
    };
    // Rules that did not load leave nothing to report in the human format.
    let nothing_checked = run.rules.is_empty() && args.format == Format::Human;
    if !nothing_checked {
        if let Err(code) = super::write_stdout("the report", |out| {
            write_report(args.format, run, out_style, out)
        }) {
            return code;
        }
    }
    if run.errors.is_empty() {
        return if run.fails() { EXIT_FINDINGS } else { EXIT_OK };
    }
    // Annotations already carry the errors into the log; other formats also
    // explain them on stderr, where people look.
    if args.format != Format::Github {
        for text in &problems.rendered {
            eprint!("{text}");
        }
        eprintln!("{what_failed}");
    }
    EXIT_INPUT
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

/// Writes the run in the chosen format.
pub fn write_report(
    format: Format,
    run: &CheckRun,
    style: Style,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => human::write_run(run, style, out),
        Format::Json => json::write_run(run, out),
        Format::Sarif => sarif::write(run, out),
        Format::Junit => junit::write(run, out),
        Format::Github => github::write(run, out),
    }
}
