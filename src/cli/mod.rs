//! The command line: argument definitions and one module per subcommand.

pub mod check;
pub mod files;
pub mod generate;
pub mod rules;
pub mod test;

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

use crate::lang::RuleError;
use crate::program::Program;
use crate::report::human::{render_diagnostic, Style};
use crate::source::SourceFile;

/// Exit code: no error-level finding.
pub const EXIT_OK: u8 = 0;
/// Exit code: at least one error finding (or warning with `--deny-warnings`).
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code: invalid input or usage.
pub const EXIT_INPUT: u8 = 2;

/// eligo checks Microsoft CSP migration scenarios against eligibility rules.
#[derive(Debug, Parser)]
#[command(name = "eligo", version, about, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check scenario files (or folders of them) against the rules.
    Check(check::CheckArgs),
    /// Run the `expect:` blocks of scenario files.
    Test(test::TestArgs),
    /// List the loaded rules.
    Rules(rules::RulesArgs),
    /// Write a deterministic generated scenario (for benchmarks).
    #[command(hide = true)]
    Generate(generate::GenerateArgs),
}

/// Where the rules come from (shared by every subcommand that loads rules).
#[derive(Debug, Args, Clone, Default)]
pub struct RuleArgs {
    /// Add a rule file or a folder of `*.rules` files (repeatable).
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<PathBuf>,
    /// Do not load the embedded default CSP rule pack.
    #[arg(long)]
    pub no_default_rules: bool,
}

/// When to use colours.
#[derive(Clone, Copy, Debug, Default, ValueEnum)]
pub enum ColorChoice {
    /// When writing to a terminal and `NO_COLOR` is not set.
    #[default]
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

impl ColorChoice {
    /// Whether to colour output written to stdout.
    pub fn enabled(self) -> bool {
        use std::io::IsTerminal;
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal()
            }
        }
    }
}

/// Runs the parsed command line and returns the exit code.
pub fn run(cli: Cli) -> u8 {
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Test(args) => test::run(&args),
        Command::Rules(args) => rules::run(&args),
        Command::Generate(args) => generate::run(&args),
    }
}

/// Loads the rule files the user asked for, printing errors to stderr.
pub fn load_rules(args: &RuleArgs, style: Style) -> Result<Program, u8> {
    let mut sources = if args.no_default_rules {
        Vec::new()
    } else {
        crate::default_rule_sources()
    };
    let mut errors: Vec<RuleError> = Vec::new();
    for path in &args.rules {
        match files::rule_files(path) {
            Ok(found) => {
                for file in found {
                    match std::fs::read_to_string(&file) {
                        Ok(text) => sources.push(SourceFile::new(file.display().to_string(), text)),
                        Err(e) => errors.push(RuleError::Io {
                            path: file.display().to_string(),
                            reason: e.to_string(),
                        }),
                    }
                }
            }
            Err(e) => errors.push(RuleError::Io {
                path: path.display().to_string(),
                reason: e.to_string(),
            }),
        }
    }
    if sources.is_empty() && errors.is_empty() {
        eprintln!("error: no rules loaded: `--no-default-rules` needs at least one `--rules PATH`");
        return Err(EXIT_INPUT);
    }
    if errors.is_empty() {
        match crate::lang::load_program(sources) {
            Ok(program) => return Ok(program),
            Err(e) => errors = e,
        }
    }
    for e in &errors {
        eprint!("{}", render_diagnostic(e, style));
    }
    eprintln!(
        "{} in the rule files",
        crate::report::human::plural(errors.len(), "error")
    );
    Err(EXIT_INPUT)
}

/// The style for diagnostics written to stderr.
pub fn stderr_style(color: ColorChoice) -> Style {
    use std::io::IsTerminal;
    let enabled = match color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal()
        }
    };
    Style {
        color: enabled,
        width: 100,
    }
}
