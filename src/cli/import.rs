//! `eligo import [--overlay FILE]... [--map FILE] [--output FILE] EXPORT...`:
//! builds a scenario from Partner Center exports.

use super::Failure;
use clap::Args;
use std::path::{Path, PathBuf};

use super::staged::{write_through, Staged};
use super::{load_rules, stderr_style, ColorChoice, RuleArgs, EXIT_OK};
use crate::engine::{Engine, ImportOptions};
use crate::import::read::DEFAULT_MAX_FILE_BYTES;
use crate::import::Release;
use crate::report::human::plural;

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
    /// Where to write the scenario (default: standard output). It is written
    /// beside the file while it is checked, and replaces the file only once
    /// the check has passed.
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
pub(crate) fn run(args: &ImportArgs) -> Result<u8, Failure> {
    // First: no other thread may allocate meanwhile.
    super::heap::grow_in_large_steps();
    let style = stderr_style(args.color);
    let program = load_rules(&args.rules, style)?;
    let engine = Engine::from_program(program);
    let mut options = ImportOptions::new(&args.exports).max_file_bytes(args.max_file_bytes);
    for overlay in &args.overlays {
        options = options.overlay(overlay);
    }
    if let Some(map) = &args.map {
        options = options.map(map);
    }
    let failed = |errors: crate::engine::Errors| {
        Failure::input(format!(
            "{}{} in the import\n",
            errors.render_each(style),
            plural(errors.len(), "error")
        ))
    };
    let cannot_write = |dest: &Path, e: std::io::Error| {
        Failure::input(format!("error: cannot write `{}`: {e}\n", dest.display()))
    };
    // A plain destination: the scenario is written beside it as it is
    // written, and put in place once it is checked.
    if let Some(dest) = &args.output {
        if let Some(mut staged) = Staged::new(dest).map_err(|e| cannot_write(dest, e))? {
            engine
                .import_into(&options, Release::AtExit, &mut staged.writer())
                .map_err(failed)?
                .and_then(|()| staged.commit())
                .map_err(|e| cannot_write(dest, e))?;
            return Ok(EXIT_OK);
        }
    }
    // Standard output, or a destination written through: the text is kept
    // (in pieces) until it is checked.
    let text = engine
        .import_text(&options, Release::AtExit)
        .map_err(failed)?;
    match &args.output {
        None => super::write_stdout("the scenario", |out| text.write_to(out))?,
        Some(dest) => write_through(dest, text.pieces()).map_err(|e| cannot_write(dest, e))?,
    }
    Ok(EXIT_OK)
}
