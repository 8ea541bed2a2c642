//! `eligo explain --subject ID SCENARIO`: each rule's verdict for one entity, and why.

use super::Failure;
use clap::Args;
use std::path::PathBuf;

use super::TextFormat;
use super::{stderr_style, EXIT_OK};
use crate::engine::{Engine, Errors};
use crate::explain::render_human;

/// Arguments of `eligo explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The id of the entity to explain (a partner, customer, subscription, …).
    #[arg(long, value_name = "ID")]
    pub subject: String,
    /// The scenario file (`-` for standard input).
    #[arg(value_name = "SCENARIO")]
    pub scenario: PathBuf,
    /// Where the rules come from, bounds on hostile input, colours.
    #[command(flatten)]
    pub run: super::RunArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: TextFormat,
    /// Which configuration file to read.
    #[command(flatten)]
    pub config: super::settings::ConfigArgs,
    /// The path shown in reports for the scenario read from standard input
    /// (the path `-`).
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,
}

/// Runs `eligo explain`.
pub(crate) fn run(args: &ExplainArgs) -> Result<u8, Failure> {
    let style = stderr_style(args.run.color);
    let config = args.config.load(style)?;
    let rule_args = super::settings::rule_args(&args.run.rules, config.as_ref());
    let program = super::load_rules_with(&rule_args, config.as_ref(), style)?;
    let options = args.run.limits.load_options_with(config.as_ref());
    let engine = Engine::from_program(program);
    let x = super::files::read_input(
        &args.scenario,
        args.stdin_filename.as_deref(),
        &options.limits,
    )
    .map_err(Errors::one)
    .and_then(|source| engine.explain_source(source, &args.subject, &options));
    let x = match x {
        Ok(x) => x,
        Err(errors) => {
            return Err(Failure::input(errors.render(style.color)));
        }
    };
    let text = match args.format {
        TextFormat::Human => render_human(&x),
        TextFormat::Json => match serde_json::to_string_pretty(&x) {
            Ok(text) => text + "\n",
            Err(e) => {
                return Err(Failure::input(format!(
                    "error: cannot write the explanation: {e}\n"
                )));
            }
        },
    };
    super::print_stdout("the explanation", &text)?;
    Ok(EXIT_OK)
}
