//! `eligo reconcile SCENARIO EXPORT...`: Partner Center's eligibility answers
//! against eligo's findings for the same subscriptions.

use super::Failure;
use clap::Args;
use std::path::PathBuf;

use super::{load_rules, stderr_style, TextFormat, EXIT_FINDINGS, EXIT_INPUT, EXIT_OK};
use crate::check::{check_file, FileOutcome};
use crate::import::load_map;
use crate::import::read::{ExportDir, DEFAULT_MAX_FILE_BYTES};
use crate::import::reconcile::{answers, reconcile, render_human, Book};
use crate::report::human::{plural, render_diagnostic, Style};

/// Arguments of `eligo reconcile`.
#[derive(Debug, Args)]
pub struct ReconcileArgs {
    /// The scenario (as `eligo import` wrote it from the same exports).
    #[arg(value_name = "SCENARIO")]
    pub scenario: PathBuf,
    /// Export folders holding `customers/<id>/transferseligibility.json`.
    #[arg(value_name = "EXPORT", required = true)]
    pub exports: Vec<PathBuf>,
    /// A mapping file replacing the embedded one (reason-text patterns, paths).
    #[arg(long, value_name = "FILE")]
    pub map: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: TextFormat,
    /// Largest export file read, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_FILE_BYTES)]
    pub max_export_bytes: u64,
    /// Where the rules come from, bounds on hostile input, colours.
    #[command(flatten)]
    pub run: super::RunArgs,
}

/// Runs `eligo reconcile`: exit 0 when Partner Center and eligo agree, 1 when
/// they disagree, 2 on invalid input.
pub(crate) fn run(args: &ReconcileArgs) -> Result<u8, Failure> {
    let style = stderr_style(args.run.color);
    let program = load_rules(&args.run.rules, style)?;
    let options = args.run.limits.load_options();
    let report = match check_file(&program, &args.scenario, &program.rule_ids(), &options) {
        FileOutcome::Checked(report) => report,
        FileOutcome::Invalid { errors, .. } => {
            errors
                .iter()
                .for_each(|e| eprint!("{}", render_diagnostic(e, style)));
            return Ok(EXIT_INPUT);
        }
    };
    let book: Book = match serde_yaml::from_str(&report.source.text) {
        Ok(book) => book,
        Err(e) => {
            return Err(Failure::input(format!(
                "error: cannot read `{}`: {e}\n",
                report.path
            )));
        }
    };
    let map = match load_map(args.map.as_ref(), args.max_export_bytes) {
        Ok(map) => map,
        Err(errors) => return Err(fail(&errors, style)),
    };
    let mut dirs = Vec::new();
    let mut errors = Vec::new();
    for path in &args.exports {
        match ExportDir::open(path, args.max_export_bytes) {
            Ok(dir) => dirs.push(dir),
            Err(e) => errors.push(e),
        }
    }
    let (found, files, mut read_errors) = answers(&dirs, &map);
    errors.append(&mut read_errors);
    if !errors.is_empty() {
        return Err(fail(&errors, style));
    }
    let result = match reconcile(&report, &book, &found, &files, &map) {
        Ok(r) => r,
        Err(errors) => return Err(fail(&errors, style)),
    };
    let text = match args.format {
        TextFormat::Human => render_human(&result),
        TextFormat::Json => match serde_json::to_string_pretty(&result) {
            Ok(t) => t + "\n",
            Err(e) => {
                return Err(Failure::input(format!(
                    "error: cannot write the reconciliation: {e}\n"
                )));
            }
        },
    };
    match super::print_stdout("the reconciliation", &text) {
        Ok(()) if result.disagrees() => Ok(EXIT_FINDINGS),
        Ok(()) => Ok(EXIT_OK),
        Err(failure) => Err(failure),
    }
}

fn fail(errors: &[crate::import::error::ImportError], style: Style) -> Failure {
    let rendered: String = errors.iter().map(|e| render_diagnostic(e, style)).collect();
    Failure::input(format!(
        "{rendered}{} in the exports\n",
        plural(errors.len(), "error")
    ))
}
