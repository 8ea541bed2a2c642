//! `eligo explain --subject ID SCENARIO`: each rule's verdict for one entity, and why.

use clap::Args;
use miette::Diagnostic;
use std::path::PathBuf;
use thiserror::Error;

use super::TextFormat;
use super::{stderr_style, ColorChoice, LimitArgs, RuleArgs, EXIT_INPUT, EXIT_OK};
use crate::explain::{explain_budgeted, render_human};
use crate::report::grouped::render_grouped;
use crate::report::human::render_diagnostic;
use crate::scenario::load_scenario;
use crate::suggest::did_you_mean;

/// Arguments of `eligo explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The id of the entity to explain (a partner, customer, subscription, …).
    #[arg(long, value_name = "ID")]
    pub subject: String,
    /// The scenario file (`-` for standard input).
    #[arg(value_name = "SCENARIO")]
    pub scenario: PathBuf,
    /// Where the rules come from.
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Bounds on hostile input.
    #[command(flatten)]
    pub limits: LimitArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: TextFormat,
    /// When to use colours.
    #[arg(long, value_enum, default_value_t)]
    pub color: ColorChoice,
    /// Which configuration file to read.
    #[command(flatten)]
    pub config: super::settings::ConfigArgs,
    /// The path shown in reports for the scenario read from standard input
    /// (the path `-`).
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,
}

/// An `--subject` that is no id in the scenario.
#[derive(Debug, Error, Diagnostic)]
#[error("no entity has id `{id}` in `{path}`")]
#[diagnostic(code(eligo::explain::unknown_subject))]
pub struct UnknownSubject {
    /// The id asked for.
    pub id: String,
    /// The scenario file (`-` for standard input).
    pub path: String,
    /// "did you mean" or the choices.
    #[help]
    pub help: Option<String>,
}

/// Runs `eligo explain`.
pub fn run(args: &ExplainArgs) -> u8 {
    let style = stderr_style(args.color);
    let config = match args.config.load(style) {
        Ok(config) => config,
        Err(code) => return code,
    };
    let rule_args = super::settings::rule_args(&args.rules, config.as_ref());
    let program = match super::load_rules_with(&rule_args, config.as_ref(), style) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let options = args.limits.load_options_with(config.as_ref());
    let loaded = super::files::read_input(
        &args.scenario,
        args.stdin_filename.as_deref(),
        &options.limits,
    )
    .map_err(|e| vec![e])
    .and_then(|source| load_scenario(&program.schema, source, &program.rule_ids(), &options));
    let scenario = match loaded {
        Ok(s) => s,
        Err(errors) => {
            for text in render_grouped(&errors, style) {
                eprint!("{text}");
            }
            return EXIT_INPUT;
        }
    };
    let store = &scenario.store;
    let Some((kind, row)) = store.find_id(args.subject.as_str()) else {
        let mut ids: Vec<&str> = store.ids().map(|(id, _, _)| id).collect();
        ids.sort_unstable();
        let e = UnknownSubject {
            id: args.subject.clone(),
            path: scenario.source.name.clone(),
            help: did_you_mean(&args.subject, ids),
        };
        eprint!("{}", render_diagnostic(&e, style));
        return EXIT_INPUT;
    };
    let x = match explain_budgeted(&program, store, kind, row, options.max_work) {
        Ok(x) => x,
        Err(e) => {
            let error = crate::check::work_error(&e, &scenario.source.name);
            eprint!("{}", render_diagnostic(&error, style));
            return EXIT_INPUT;
        }
    };
    let text = match args.format {
        TextFormat::Human => render_human(&x),
        TextFormat::Json => match serde_json::to_string_pretty(&x) {
            Ok(text) => text + "\n",
            Err(e) => {
                eprintln!("error: cannot write the explanation: {e}");
                return EXIT_INPUT;
            }
        },
    };
    match super::print_stdout("the explanation", &text) {
        Ok(()) => EXIT_OK,
        Err(code) => code,
    }
}
