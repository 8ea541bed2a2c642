//! `eligo import [--overlay FILE]... [--map FILE] [--output FILE] EXPORT...`:
//! builds a scenario from Partner Center exports.

use clap::Args;
use std::path::PathBuf;

use super::{load_rules, stderr_style, ColorChoice, RuleArgs, EXIT_INPUT, EXIT_OK};
use crate::import::read::DEFAULT_MAX_FILE_BYTES;
use crate::import::{import, ImportFailure, ImportOptions};
use crate::report::human::{plural, render_diagnostic, Style};

/// Arguments of `eligo import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Export folders, one per partner (`profiles/organization.json`,
    /// `customers.json`, `customers/<tenant id>/subscriptions.json`, …).
    #[arg(value_name = "EXPORT", required = true)]
    pub exports: Vec<PathBuf>,
    /// A scenario fragment merged by id, its fields winning (repeatable, applied
    /// in order): roles, enrollment, MPA, partnerships, relationships' `via`, …
    #[arg(long = "overlay", value_name = "FILE")]
    pub overlays: Vec<PathBuf>,
    /// A mapping file replacing the embedded `rules/partner-center.map.yaml`.
    #[arg(long, value_name = "FILE")]
    pub map: Option<PathBuf>,
    /// Where to write the scenario (default: standard output).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Largest file read, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_FILE_BYTES)]
    pub max_file_bytes: u64,
    /// The rules whose schema the scenario must satisfy.
    #[command(flatten)]
    pub rules: RuleArgs,
    /// When to use colours.
    #[arg(long, value_enum, default_value_t)]
    pub color: ColorChoice,
}

/// Runs `eligo import`.
pub fn run(args: &ImportArgs) -> u8 {
    let style = stderr_style(args.color);
    let program = match load_rules(&args.rules, style) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let options = ImportOptions {
        exports: args.exports.clone(),
        overlays: args.overlays.clone(),
        map: args.map.clone(),
        max_file_bytes: args.max_file_bytes,
    };
    let text = match import(&options, &program) {
        Ok(text) => text,
        Err(failure) => return report_failure(&failure, style),
    };
    let written = match &args.output {
        Some(path) => std::fs::write(path, text.as_bytes())
            .map_err(|e| eprintln!("error: cannot write `{}`: {e}", path.display()))
            .map_err(|()| EXIT_INPUT),
        None => super::print_stdout("the scenario", &text),
    };
    match written {
        Ok(()) => EXIT_OK,
        Err(code) => code,
    }
}

/// Prints every problem and a closing count; returns the input-error exit code.
pub fn report_failure(failure: &ImportFailure, style: Style) -> u8 {
    let count = match failure {
        ImportFailure::Input(errors) => {
            errors
                .iter()
                .for_each(|e| eprint!("{}", render_diagnostic(e, style)));
            errors.len()
        }
        ImportFailure::Invalid(errors) => {
            errors
                .iter()
                .for_each(|e| eprint!("{}", render_diagnostic(e, style)));
            errors.len()
        }
    };
    eprintln!("{} in the import", plural(count, "error"));
    EXIT_INPUT
}
