//! `eligo check`: check scenario files and report the findings.
//!
//! Files are checked in parallel (rayon, one thread per core) and collected in
//! path order, so the report is the same whatever the scheduling. Waivers are
//! applied once every file is checked, since an unused waiver is one that matches
//! nothing in any file.

use super::Failure;
use rayon::prelude::*;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::check_args::CheckSettings;
pub(crate) use super::check_args::{CheckArgs, Format};
use super::progress::Progress;
use super::settings;
use super::{
    files, stderr_style, try_load_rules_warned, RulesFailure, EXIT_FINDINGS, EXIT_INPUT, EXIT_OK,
};
use crate::baseline::Baseline;
use crate::check::FileOutcome;
use crate::engine::Engine;
use crate::program::Program;
use crate::report::human::{self, render_diagnostic, Style};
use crate::report::sarif::Root;
use crate::report::{
    concise, github, grouped, html, json, junit, markdown, sarif, CheckRun, InputError, RuleInfo,
};
use crate::scenario::{LoadOptions, ScenarioError};
use crate::waiver::{self, WaiverFile};

/// Input errors as data for the report, and rendered for stderr (identical
/// ones grouped, see [`grouped`]), each text with the index in
/// [`CheckRun::errors`] of the first error of the batch it was rendered from
/// (a file's errors are one batch).
struct Problems {
    style: Style,
    rendered: Vec<(usize, String)>,
}

impl Problems {
    fn add<E: miette::Diagnostic>(&mut self, run: &mut CheckRun, errors: &[E])
    where
        for<'e> InputError: From<&'e E>,
    {
        self.render(run.errors.len(), errors);
        run.errors.extend(errors.iter().map(InputError::from));
    }

    /// Renders a batch of errors whose first is `run.errors[first]`.
    fn render<E: miette::Diagnostic>(&mut self, first: usize, errors: &[E]) {
        let texts = grouped::render_grouped(errors, self.style);
        self.rendered.extend(texts.into_iter().map(|t| (first, t)));
    }
}

/// Runs `eligo check`.
pub(crate) fn run(args: &CheckArgs) -> Result<u8, Failure> {
    let err_style = stderr_style(args.run.color);
    let config = args.config.load(err_style)?;
    let (settings, mut config_errors) = CheckSettings::resolve(args, config.as_ref());
    let mut problems = Problems {
        style: err_style,
        rendered: Vec::new(),
    };
    let mut run = CheckRun {
        deny_warnings: settings.deny_warnings,
        quiet: args.quiet,
        waiver_rules: waiver::rule_infos(),
        ..CheckRun::default()
    };
    let style = stderr_style(args.run.color);
    let mut program = match try_load_rules_warned(&settings.rules, config.as_ref(), style) {
        Ok(program) => program,
        Err(RulesFailure::NoRules(message)) => return Err(Failure::input(format!("{message}\n"))),
        Err(RulesFailure::Config(errors)) => {
            config_errors.extend(errors);
            return Err(settings::config_failure(&config_errors, err_style));
        }
        Err(RulesFailure::Invalid(errors)) => {
            if !config_errors.is_empty() {
                // Shown before the report, which lists the rule files' errors.
                eprint!("{}", settings::config_failure(&config_errors, err_style));
            }
            problems.add(&mut run, &errors);
            return finish(args, &settings, &run, &problems);
        }
    };
    let selected = settings::select_rules_after(
        &mut program,
        &args.select,
        &args.ignore,
        config.as_ref(),
        config_errors,
        err_style,
    );
    selected?;
    let baseline = read_baseline(&settings, err_style)?;
    run.rules = RuleInfo::of_program(&program);
    let options = &settings.options;
    let waivers = load_waivers(&settings, &program, options, &mut run, &mut problems);
    let keep_text = settings.format == Format::Human;
    let engine = Engine::from_program(program);
    let complete = check_scenarios(args, keep_text, &engine, options, &mut run, &mut problems);
    let waiver_reports = waiver::apply(&waivers, &mut run.reports, complete, options.today);
    run.reports.extend(waiver_reports);
    if let Some(baseline) = &baseline {
        baseline.apply(&mut run.reports);
    }
    if let Some(path) = &args.write_baseline {
        write_baseline(path, &run)?;
    }
    let outcome = finish(args, &settings, &run, &problems);
    // The command ends here: freeing the reports (each finding's strings, the
    // scenarios' texts) one allocation at a time is left to the process's
    // exit, which gives the memory back at once (45 ms at 1M subscriptions).
    std::mem::forget(run);
    outcome
}

/// Reads the baseline, if one is given; an unusable one is an input error.
fn read_baseline(settings: &CheckSettings, style: Style) -> Result<Option<Baseline>, Failure> {
    let Some(path) = &settings.baseline else {
        return Ok(None);
    };
    match crate::baseline::read_report(path, settings.options.limits.max_file_bytes) {
        Ok(report) => Ok(Some(Baseline::from_report(report))),
        Err(e) => Err(Failure::input(format!(
            "{}the baseline cannot be used: nothing was checked\n",
            render_diagnostic(&e, style)
        ))),
    }
}

/// Writes the run as a baseline (its JSON report). A run with input errors
/// writes none: a baseline of a partial run would hide findings later.
fn write_baseline(path: &Path, run: &CheckRun) -> Result<(), Failure> {
    if !run.errors.is_empty() {
        eprintln!(
            "note: the baseline `{}` was not written: the run has input errors",
            crate::escape::value(&path.display().to_string())
        );
        return Ok(());
    }
    super::write_file("the baseline", path, |out| json::write_run(run, out))
}

/// Reads every waivers file; invalid ones become input errors.
fn load_waivers(
    settings: &CheckSettings,
    program: &Program,
    options: &LoadOptions,
    run: &mut CheckRun,
    problems: &mut Problems,
) -> Vec<WaiverFile> {
    let rule_ids = program.rule_ids();
    let mut files = Vec::new();
    for path in &settings.waivers {
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
    keep_text: bool,
    engine: &Engine,
    options: &LoadOptions,
    run: &mut CheckRun,
    problems: &mut Problems,
) -> bool {
    let (paths, path_errors) = find_scenarios(&args.paths);
    problems.add(run, &path_errors);
    // Only the human report shows the scenario text (in its snippets).
    let outcomes = check_all(
        engine,
        &paths,
        args.stdin_filename.as_deref(),
        options,
        keep_text,
        !args.quiet,
    );
    run.scenario_files = paths.len();
    for outcome in outcomes {
        match outcome {
            FileOutcome::Checked(report) => run.reports.push(report),
            FileOutcome::Invalid { path, errors } => {
                problems.render(run.errors.len(), &errors);
                run.push_invalid(path, errors.iter().map(InputError::from));
            }
        }
    }
    path_errors.is_empty() && run.invalid_files == 0
}

/// Checks files on every core; the outcomes come back in the order of `paths`.
/// Without `keep_text`, each report lets go of its file's text as soon as it
/// is built (see [`crate::report::FileReport::drop_text`]). A progress bar
/// shows only when `progress` (and a terminal).
fn check_all(
    engine: &Engine,
    paths: &[PathBuf],
    stdin_name: Option<&str>,
    options: &LoadOptions,
    keep_text: bool,
    progress: bool,
) -> Vec<FileOutcome> {
    let progress = Progress::new(if progress { paths.len() } else { 0 });
    let outcomes = paths
        .par_iter()
        .map(|path: &PathBuf| {
            let mut outcome = match files::read_input(path, stdin_name, &options.limits) {
                Ok(source) => engine.check_outcome(source, options),
                Err(e) => FileOutcome::Invalid {
                    path: path.display().to_string(),
                    errors: vec![e],
                },
            };
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
fn finish(
    args: &CheckArgs,
    settings: &CheckSettings,
    run: &CheckRun,
    problems: &Problems,
) -> Result<u8, Failure> {
    let format = settings.format;
    let out_style = Style {
        color: args.output.is_none() && args.run.color.enabled(),
        width: 100,
    };
    // Rules that did not load leave nothing to report in the human format.
    let nothing_checked = run.rules.is_empty() && format == Format::Human;
    if !nothing_checked {
        let written = super::write_output(args.output.as_deref(), "the report", |out| {
            let options = ReportOptions {
                style: out_style,
                diagnostics: &problems.rendered,
                sarif_root: args.sarif_root.as_deref(),
            };
            write_report(format, run, &options, out)
        });
        written?;
    }
    if run.errors.is_empty() {
        return Ok(if run.fails() { EXIT_FINDINGS } else { EXIT_OK });
    }
    // Annotations already carry the errors into the log; other formats also
    // explain them on stderr, where people look. The human report has shown
    // those of the invalid scenario files in their place.
    if format != Format::Github {
        for (first, text) in &problems.rendered {
            let shown = !nothing_checked && format == Format::Human && run.is_listed_error(*first);
            if !shown {
                eprint!("{text}");
            }
        }
        eprintln!("{}", human::input_failure(&run.errors));
    }
    Ok(EXIT_INPUT)
}

/// Expands the paths into scenario files; unreadable paths, and entries of
/// folders that are not read (see [`files`]), become input errors.
pub(crate) fn find_scenarios(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<ScenarioError>) {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    // Standard input can be read once: a second `-` adds nothing.
    let mut stdin_seen = false;
    for path in paths {
        if files::is_stdin(path) && std::mem::replace(&mut stdin_seen, true) {
            continue;
        }
        match files::scenario_files(path) {
            Ok(list) if list.files.is_empty() && list.refused.is_empty() => {
                errors.push(ScenarioError::file_level(
                    crate::scenario::ScenarioCode::Io,
                    &path.display().to_string(),
                    format!("no `*.yaml` or `*.yml` file under `{}`", path.display()),
                    Some("give a scenario file or a folder that holds some".into()),
                ))
            }
            Ok(list) => {
                found.extend(list.files);
                errors.extend(list.refused.into_iter().map(|r| {
                    ScenarioError::file_level(
                        crate::scenario::ScenarioCode::Io,
                        &r.path.display().to_string(),
                        r.message,
                        Some(r.help),
                    )
                }));
            }
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

/// How to write a run, besides its format.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ReportOptions<'a> {
    /// How the human report draws.
    pub style: Style,
    /// The input errors rendered for stderr, each with the index of the
    /// first error of its batch in [`CheckRun::errors`]: the human report
    /// shows those of each invalid scenario file in its place.
    pub diagnostics: &'a [(usize, String)],
    /// `--sarif-root`, if given.
    pub sarif_root: Option<&'a Path>,
}

/// Writes the run in the chosen format.
pub(crate) fn write_report(
    format: Format,
    run: &CheckRun,
    options: &ReportOptions<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => {
            let mut show = |_: &[InputError], first: usize| {
                // The texts are in the order of their batches.
                let start = options.diagnostics.partition_point(|(f, _)| *f < first);
                let rest = options.diagnostics.get(start..).unwrap_or(&[]);
                for (_, text) in rest.iter().take_while(|(f, _)| *f == first) {
                    eprint!("{text}");
                }
            };
            human::write_run(run, options.style, &mut show, out)
        }
        Format::Json => json::write_run(run, out),
        Format::Sarif => sarif::write(run, &Root::from_current_dir(options.sarif_root)?, out),
        Format::Junit => junit::write(run, out),
        Format::Github => github::write(run, out),
        Format::Concise => concise::write(run, out),
        Format::Markdown => markdown::write(run, out),
        Format::Html => html::write_run(run, out),
    }
}
