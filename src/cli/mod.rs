//! The command line: argument definitions and one module per subcommand.

pub(crate) mod check;
pub(crate) mod check_args;
pub(crate) mod check_rules;
pub(crate) mod completions;
pub(crate) mod coverage;
pub(crate) mod diff;
pub(crate) mod explain;
pub(crate) mod files;
pub(crate) mod fmt;
pub(crate) mod generate;
mod heap;
pub(crate) mod import;
pub(crate) mod plan;
pub(crate) mod progress;
pub(crate) mod reconcile;
pub(crate) mod rule_docs;
pub(crate) mod rules;
pub(crate) mod schema;
pub(crate) mod settings;
pub(crate) mod staged;
pub(crate) mod test;
pub(crate) mod test_update;

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use crate::lang::RuleError;
use crate::program::Program;
use crate::report::human::{render_diagnostic, Style};
use crate::scenario::LoadOptions;
use crate::source::SourceFile;

/// Exit code: no error-level finding.
pub(crate) const EXIT_OK: u8 = 0;
/// Exit code: at least one error finding (or warning with `--deny-warnings`).
pub(crate) const EXIT_FINDINGS: u8 = 1;
/// Exit code: invalid input or usage.
pub(crate) const EXIT_INPUT: u8 = 2;

/// eligo checks Microsoft CSP migration scenarios against eligibility rules.
#[derive(Debug, Parser)]
#[command(name = "eligo", version, about, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Follow symbolic links met in folders, when they stay inside the folder
    /// given (by default none is followed).
    #[arg(long, global = true)]
    pub follow_symlinks: bool,
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
    /// Plan the transfer requests of a book: what can move, what is blocked and why.
    Plan(plan::PlanArgs),
    /// Build a scenario from Partner Center exports (and overlays).
    Import(import::ImportArgs),
    /// Compare Partner Center's eligibility answers with eligo's findings.
    Reconcile(reconcile::ReconcileArgs),
    /// Compare two runs (JSON reports or scenario files): added, fixed and
    /// changed findings.
    Diff(diff::DiffArgs),
    /// Print shell completions (bash, zsh, fish, powershell).
    Completions(completions::CompletionsArgs),
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
    /// filters, `not` chains) [default: 32].
    #[arg(long, value_name = "N", value_parser = rule_depth)]
    pub max_rule_depth: Option<usize>,
}

impl RuleArgs {
    /// The nesting limit: the flag's, or the parser's default.
    pub fn depth(&self) -> usize {
        self.max_rule_depth
            .unwrap_or(crate::lang::parse::MAX_EXPR_DEPTH)
    }
}

/// Parses `--max-rule-depth`: 1 up to the ceiling the parser's stack allows.
pub(crate) fn rule_depth(text: &str) -> Result<usize, String> {
    let ceiling = crate::lang::parse::MAX_EXPR_DEPTH_CEILING;
    match text.parse::<usize>() {
        Ok(n) if (1..=ceiling).contains(&n) => Ok(n),
        _ => Err(format!("expected a whole number from 1 to {ceiling}")),
    }
}

pub(crate) use crate::scenario::MAX_DEPTH_CEILING;

/// Parses `--max-depth`: 1 up to the ceiling of the YAML parser.
pub(crate) fn yaml_depth(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if (1..=MAX_DEPTH_CEILING).contains(&n) => Ok(n),
        _ => Err(format!(
            "expected a whole number from 1 to {MAX_DEPTH_CEILING} (the YAML parser's own limit)"
        )),
    }
}

/// Bounds on scenario files, against hostile input; raise them for genuine files.
/// Each flag wins over `limits` in `eligo.yaml`, which wins over the default.
#[derive(Debug, Args, Clone, Default)]
pub struct LimitArgs {
    /// Largest scenario or waivers file, in bytes [default: 1073741824].
    #[arg(long, value_name = "BYTES")]
    pub max_file_bytes: Option<usize>,
    /// Deepest nesting of YAML mappings and lists, at most 255 [default: 64].
    #[arg(long, value_name = "N", value_parser = yaml_depth)]
    pub max_depth: Option<usize>,
    /// Most values that YAML aliases may expand to in one file; a larger file
    /// may expand to as many values as it has bytes [default: 100000].
    #[arg(long, value_name = "N")]
    pub max_alias_events: Option<usize>,
    /// Most bytes of text that YAML aliases may expand to in one file; a
    /// larger file may expand to 4 times its size [default: 16777216].
    #[arg(long, value_name = "BYTES")]
    pub max_alias_bytes: Option<usize>,
    /// Longest string value, in bytes [default: 65536].
    #[arg(long, value_name = "BYTES")]
    pub max_string_bytes: Option<usize>,
    /// Work units each rule may spend on one scenario file (elements visited,
    /// related entities, message bytes); past it the file is an input error
    /// [default: 100000000].
    #[arg(long, value_name = "N")]
    pub max_work: Option<u64>,
}

impl LimitArgs {
    /// Load options with these limits (and today's date for `as_of` defaults).
    pub fn load_options(&self) -> LoadOptions {
        self.load_options_with(None)
    }

    /// Load options with these limits over a configuration file's.
    pub fn load_options_with(&self, config: Option<&crate::config::Config>) -> LoadOptions {
        LoadOptions {
            limits: settings::limits(self, config),
            max_work: self
                .max_work
                .unwrap_or(crate::eval::budget::DEFAULT_MAX_WORK),
            ..LoadOptions::default()
        }
    }
}

/// The flags of every command that loads rules and reads scenarios (check,
/// test, explain, plan, reconcile, diff), declared once.
#[derive(Debug, Args, Clone, Default)]
pub struct RunArgs {
    /// Where the rules come from.
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Bounds on hostile input.
    #[command(flatten)]
    pub limits: LimitArgs,
    /// When to use colours (`auto` honours `NO_COLOR`).
    #[arg(long, value_enum, default_value_t)]
    pub color: ColorChoice,
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

    /// Whether to colour a stream that is (or is not) a terminal. `auto`
    /// follows, in this order: <https://no-color.org> (a `NO_COLOR` that is
    /// set and not empty turns colours off), <https://force-color.org> (a
    /// `FORCE_COLOR` that is set and not empty turns them on, for CI logs
    /// that render colours), `TERM=dumb` (off), then whether the stream is a
    /// terminal. `always` and `never` are explicit and win over all of them.
    pub fn resolve(self, is_terminal: bool) -> bool {
        let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto if set("NO_COLOR") => false,
            ColorChoice::Auto if set("FORCE_COLOR") => true,
            ColorChoice::Auto => {
                let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
                !dumb && is_terminal
            }
        }
    }
}

/// Why a command stopped before it finished: what to tell the user on
/// stderr (rendered diagnostics and messages, user text escaped, ending in a
/// newline) and the exit code. The `eligo` binary prints it, in one place.
#[derive(Debug)]
pub struct Failure {
    text: String,
    code: u8,
}

impl Failure {
    /// An input or usage failure (exit 2) with this text for stderr.
    pub(crate) fn input(text: impl Into<String>) -> Self {
        Failure {
            text: text.into(),
            code: EXIT_INPUT,
        }
    }

    /// The process's exit code.
    pub fn exit_code(&self) -> std::process::ExitCode {
        std::process::ExitCode::from(self.code)
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::error::Error for Failure {}

/// Runs the parsed command line and gives the exit code, or the failure
/// that stopped it (for the caller to print).
pub fn run(cli: Cli) -> Result<std::process::ExitCode, Failure> {
    files::set_follow_symlinks(cli.follow_symlinks);
    let code = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Test(args) => test::run(&args),
        Command::Rules(args) => rules::run(&args),
        Command::CheckRules(args) => check_rules::run(&args),
        Command::Fmt(args) => fmt::run(&args),
        Command::Schema(args) => schema::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Plan(args) => plan::run(&args),
        Command::Import(args) => import::run(&args),
        Command::Reconcile(args) => reconcile::run(&args),
        Command::Generate(args) => generate::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Completions(args) => completions::run(&args),
    }?;
    Ok(std::process::ExitCode::from(code))
}

/// Why the rules could not be loaded.
#[derive(Debug)]
pub(crate) enum RulesFailure {
    /// No rule to run: `--no-default-rules` without any `--rules`, or rule
    /// files that define none (only a schema); the message says which.
    NoRules(&'static str),
    /// The configuration file names an unknown constant or a value of the wrong type.
    Config(Vec<crate::config::ConfigError>),
    /// Rule files that cannot be read or do not compile.
    Invalid(Vec<RuleError>),
}

/// Loads the rule files the user asked for; errors are the failure.
pub(crate) fn load_rules(args: &RuleArgs, style: Style) -> Result<Program, Failure> {
    load_rules_with(args, None, style)
}

/// Loads the rule files the user asked for, with the constants of a
/// configuration file; errors are the failure.
pub(crate) fn load_rules_with(
    args: &RuleArgs,
    config: Option<&crate::config::Config>,
    style: Style,
) -> Result<Program, Failure> {
    let rendered = |errors: &[&dyn miette::Diagnostic], place: &str| {
        let mut text: String = errors
            .iter()
            .map(|e| render_diagnostic(*e, style))
            .collect();
        text.push_str(&format!(
            "{} in the {place}\n",
            crate::report::human::plural(errors.len(), "error")
        ));
        Failure::input(text)
    };
    match try_load_rules_warned(args, config, style) {
        Ok(program) => Ok(program),
        Err(RulesFailure::NoRules(message)) => Err(Failure::input(format!("{message}\n"))),
        Err(RulesFailure::Config(errors)) => {
            let list: Vec<&dyn miette::Diagnostic> = errors.iter().map(|e| e as _).collect();
            Err(rendered(&list, "configuration file"))
        }
        Err(RulesFailure::Invalid(errors)) => {
            let list: Vec<&dyn miette::Diagnostic> = errors.iter().map(|e| e as _).collect();
            Err(rendered(&list, "rule files"))
        }
    }
}

/// The usage error of `--no-default-rules` without `--rules`.
pub(crate) const NO_RULES: &str =
    "error: no rules loaded: `--no-default-rules` needs at least one `--rules PATH`";

/// The input error of rule files that define no rule: a run would check
/// nothing and pass.
pub(crate) const NO_RULES_DEFINED: &str =
    "error: no rules loaded: the rule files given define no rule (only a schema), so nothing would be checked; add a rule pack with `--rules PATH`, or drop `--no-default-rules`";

/// Like [`try_load_rules_with`], and prints to stderr the warnings about rules
/// whose cost is a cross product (`eligo::rules::cross_product`): such a rule
/// may run out of work budget on a large book, and the warning says why before
/// it does. The other lints are `eligo check-rules`' business.
pub(crate) fn try_load_rules_warned(
    args: &RuleArgs,
    config: Option<&crate::config::Config>,
    style: Style,
) -> Result<Program, RulesFailure> {
    let (program, warnings) = load_with_warnings(args, config)?;
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
    config: Option<&crate::config::Config>,
) -> Result<(Program, Vec<crate::lang::RuleCheckError>), RulesFailure> {
    let (sources, errors) = rule_sources(args);
    if sources.is_empty() && errors.is_empty() {
        return Err(RulesFailure::NoRules(NO_RULES));
    }
    if !errors.is_empty() {
        return Err(RulesFailure::Invalid(errors));
    }
    let mut parsed =
        crate::lang::parse_files(&sources, args.depth()).map_err(RulesFailure::Invalid)?;
    if let Some(config) = config {
        let errors = crate::config::constants::apply(config, &mut parsed);
        if !errors.is_empty() {
            return Err(RulesFailure::Config(errors));
        }
    }
    match crate::lang::compile_parsed(sources, &parsed) {
        Ok((program, _)) if program.rules.is_empty() => {
            Err(RulesFailure::NoRules(NO_RULES_DEFINED))
        }
        Ok(compiled) => Ok(compiled),
        Err(errors) => Err(RulesFailure::Invalid(errors)),
    }
}

/// Reads the rule files the user asked for: the default pack unless dropped, then
/// every `--rules` path. Unreadable paths become errors.
pub(crate) fn rule_sources(args: &RuleArgs) -> (Vec<SourceFile>, Vec<RuleError>) {
    let mut sources = Vec::new();
    let mut errors: Vec<RuleError> = Vec::new();
    for path in &args.rules {
        match files::rule_files(path) {
            Ok(found) => {
                for file in found.files {
                    match crate::input::read_text(&file, files::MAX_RULE_FILE_BYTES) {
                        Ok(text) => sources.push(SourceFile::new(file.display().to_string(), text)),
                        Err(reason) => errors.push(RuleError::Io {
                            path: file.display().to_string(),
                            reason,
                        }),
                    }
                }
                errors.extend(found.refused.into_iter().map(|r| RuleError::Io {
                    path: r.path.display().to_string(),
                    reason: r.message,
                }));
            }
            Err(e) => errors.push(RuleError::Io {
                path: path.display().to_string(),
                reason: e.to_string(),
            }),
        }
    }
    let sources = crate::engine::rule_pack(!args.no_default_rules, sources);
    (sources, errors)
}

/// Writes output to stdout through a buffer, as it is produced: a report can be
/// tens of megabytes, which need not be held as one string first.
///
/// A reader that stops reading (`eligo check … | head`) closes the pipe; that
/// is not a failure, so the rest of the output is dropped quietly and `Ok` is
/// returned. Any other write error is the failure, naming `what` was being
/// written, with the exit code of unusable input or output.
pub(crate) fn write_stdout(
    what: &str,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), Failure> {
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::input(format!("error: cannot write {what}: {e}\n"))),
    }
}

/// Writes output to `path` (created or truncated) when one is given, else to
/// stdout as [`write_stdout`] does.
pub(crate) fn write_output(
    path: Option<&std::path::Path>,
    what: &str,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), Failure> {
    match path {
        Some(path) => write_file(what, path, write),
        None => write_stdout(what, write),
    }
}

/// Writes output to a file, created or truncated; a failure names `what`
/// and the path, with the input-error exit code.
pub(crate) fn write_file(
    what: &str,
    path: &std::path::Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), Failure> {
    let result = std::fs::File::create(path).and_then(|file| {
        let mut out = BufWriter::with_capacity(1 << 16, file);
        write(&mut out)?;
        out.flush()
    });
    result.map_err(|e| {
        Failure::input(format!(
            "error: cannot write {what} to `{}`: {e}\n",
            path.display()
        ))
    })
}

/// Writes `text` to stdout as [`write_stdout`] does.
pub(crate) fn print_stdout(what: &str, text: &str) -> Result<(), Failure> {
    write_stdout(what, |out| out.write_all(text.as_bytes()))
}

/// The style for diagnostics written to stderr.
pub(crate) fn stderr_style(color: ColorChoice) -> Style {
    use std::io::IsTerminal;
    Style {
        color: color.resolve(std::io::stderr().is_terminal()),
        width: 100,
    }
}
