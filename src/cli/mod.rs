//! The command line: argument definitions and one module per subcommand.

pub mod check;
pub mod check_rules;
pub mod coverage;
pub mod explain;
pub mod files;
pub mod fmt;
pub mod generate;
pub mod progress;
pub mod rules;
pub mod schema;
pub mod test;

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use crate::lang::RuleError;
use crate::program::Program;
use crate::report::human::{render_diagnostic, Style};
use crate::scenario::{Limits, LoadOptions};
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
    /// Show each rule's verdict for one entity of a scenario, and why.
    Explain(explain::ExplainArgs),
    /// Print a JSON Schema of the scenario format (for editors).
    Schema(schema::SchemaArgs),
    /// Format rule files in place (`--check`: only list unformatted ones).
    Fmt(fmt::FmtArgs),
    /// Check rule files without a scenario: errors and warnings (lints).
    CheckRules(check_rules::CheckRulesArgs),
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
    /// Deepest nesting of expressions in rule files (parentheses, lists, calls,
    /// filters, `not` chains).
    #[arg(long, value_name = "N", default_value_t = crate::lang::parse::MAX_EXPR_DEPTH, value_parser = rule_depth)]
    pub max_rule_depth: usize,
}

/// Parses `--max-rule-depth`: 1 up to the ceiling the parser's stack allows.
pub fn rule_depth(text: &str) -> Result<usize, String> {
    let ceiling = crate::lang::parse::MAX_EXPR_DEPTH_CEILING;
    match text.parse::<usize>() {
        Ok(n) if (1..=ceiling).contains(&n) => Ok(n),
        _ => Err(format!("expected a whole number from 1 to {ceiling}")),
    }
}

/// Bounds on scenario files, against hostile input; raise them for genuine files.
#[derive(Debug, Args, Clone)]
pub struct LimitArgs {
    /// Largest scenario or waivers file, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().max_file_bytes)]
    pub max_file_bytes: usize,
    /// Deepest nesting of YAML mappings and lists.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_depth)]
    pub max_depth: usize,
    /// Most values that YAML aliases may expand to in one file.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_alias_events)]
    pub max_alias_events: usize,
    /// Longest string value, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().max_string_bytes)]
    pub max_string_bytes: usize,
    /// Work units each rule may spend on one scenario file (elements visited,
    /// related entities, message bytes); past it the file is an input error.
    #[arg(long, value_name = "N", default_value_t = crate::eval::budget::DEFAULT_MAX_WORK)]
    pub max_work: u64,
}

impl LimitArgs {
    /// Load options with these limits (and today's date for `as_of` defaults).
    pub fn load_options(&self) -> LoadOptions {
        let limits = Limits {
            max_file_bytes: self.max_file_bytes,
            max_depth: self.max_depth,
            max_alias_events: self.max_alias_events,
            max_string_bytes: self.max_string_bytes,
        };
        LoadOptions {
            limits,
            max_work: self.max_work,
            ..LoadOptions::default()
        }
    }
}

/// Output formats of the commands that report to people or to tools (every
/// command but `check`, which has the CI formats too).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum TextFormat {
    /// For people.
    #[default]
    Human,
    /// JSON, for tools.
    Json,
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
        self.resolve(std::io::stdout().is_terminal())
    }

    /// Whether to colour a stream that is (or is not) a terminal. `auto` follows
    /// <https://no-color.org>: a `NO_COLOR` variable that is set and not empty
    /// turns colours off; `always` and `never` are explicit and win over it.
    pub fn resolve(self, is_terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
                !no_color && is_terminal
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
        Command::CheckRules(args) => check_rules::run(&args),
        Command::Fmt(args) => fmt::run(&args),
        Command::Schema(args) => schema::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Generate(args) => generate::run(&args),
    }
}

/// Why the rules could not be loaded.
#[derive(Debug)]
pub enum RulesFailure {
    /// `--no-default-rules` without any `--rules` (a usage error).
    NoRules,
    /// Rule files that cannot be read or do not compile.
    Invalid(Vec<RuleError>),
}

/// Loads the rule files the user asked for, printing errors to stderr.
pub fn load_rules(args: &RuleArgs, style: Style) -> Result<Program, u8> {
    match try_load_rules_warned(args, style) {
        Ok(program) => Ok(program),
        Err(RulesFailure::NoRules) => {
            eprintln!("{NO_RULES}");
            Err(EXIT_INPUT)
        }
        Err(RulesFailure::Invalid(errors)) => {
            for e in &errors {
                eprint!("{}", render_diagnostic(e, style));
            }
            eprintln!(
                "{} in the rule files",
                crate::report::human::plural(errors.len(), "error")
            );
            Err(EXIT_INPUT)
        }
    }
}

/// The usage error of `--no-default-rules` without `--rules`.
pub const NO_RULES: &str =
    "error: no rules loaded: `--no-default-rules` needs at least one `--rules PATH`";

/// Loads the rule files the user asked for, returning the errors as data.
pub fn try_load_rules(args: &RuleArgs) -> Result<Program, RulesFailure> {
    load_with_warnings(args).map(|(program, _)| program)
}

/// Like [`try_load_rules`], and prints to stderr the warnings about rules
/// whose cost is a cross product (`eligo::rules::cross_product`): such a rule
/// may run out of work budget on a large book, and the warning says why before
/// it does. The other lints are `eligo check-rules`' business.
pub fn try_load_rules_warned(args: &RuleArgs, style: Style) -> Result<Program, RulesFailure> {
    let (program, warnings) = load_with_warnings(args)?;
    let costly = warnings
        .iter()
        .filter(|w| w.code == crate::lang::error::CheckCode::CrossProduct);
    for w in costly {
        eprint!("{}", render_diagnostic(w, style));
    }
    Ok(program)
}

fn load_with_warnings(
    args: &RuleArgs,
) -> Result<(Program, Vec<crate::lang::RuleCheckError>), RulesFailure> {
    let (sources, mut errors) = rule_sources(args);
    if sources.is_empty() && errors.is_empty() {
        return Err(RulesFailure::NoRules);
    }
    if errors.is_empty() {
        match crate::lang::load_program_full(sources, args.max_rule_depth) {
            Ok(loaded) => return Ok(loaded),
            Err(e) => errors = e,
        }
    }
    Err(RulesFailure::Invalid(errors))
}

/// Reads the rule files the user asked for: the default pack unless dropped, then
/// every `--rules` path. Unreadable paths become errors.
pub fn rule_sources(args: &RuleArgs) -> (Vec<SourceFile>, Vec<RuleError>) {
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
    (sources, errors)
}

/// Writes output to stdout through a buffer, as it is produced: a report can be
/// tens of megabytes, which need not be held as one string first.
///
/// A reader that stops reading (`eligo check … | head`) closes the pipe; that
/// is not a failure, so the rest of the output is dropped quietly and `Ok` is
/// returned. Any other write error is reported on stderr, naming `what` was
/// being written, and gives the exit code of unusable input or output.
pub fn write_stdout(
    what: &str,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), u8> {
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => {
            eprintln!("error: cannot write {what}: {e}");
            Err(EXIT_INPUT)
        }
    }
}

/// Writes `text` to stdout as [`write_stdout`] does.
pub fn print_stdout(what: &str, text: &str) -> Result<(), u8> {
    write_stdout(what, |out| out.write_all(text.as_bytes()))
}

/// The style for diagnostics written to stderr.
pub fn stderr_style(color: ColorChoice) -> Style {
    use std::io::IsTerminal;
    Style {
        color: color.resolve(std::io::stderr().is_terminal()),
        width: 100,
    }
}
