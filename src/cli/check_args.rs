//! The arguments of `eligo check`, its report formats, and the settings it
//! runs with once they are merged with `eligo.yaml` (apart from the command,
//! which reads them, and from the settings shared by every command, which
//! they use).

use clap::{Args, ValueEnum};
use std::path::PathBuf;

use super::settings::{rule_args, waivers};
use super::RuleArgs;
use crate::config::{Config, ConfigCode, ConfigError};
use crate::suggest::did_you_mean;

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
    /// One line per finding: `path:line:column: severity[rule] subject: message`.
    Concise,
    /// Markdown summary tables and the top findings, for pull-request comments
    /// and `$GITHUB_STEP_SUMMARY`.
    Markdown,
    /// One self-contained HTML page, for people to open, send and print.
    Html,
}

/// Arguments of `eligo check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Scenario files, or folders to search for `*.yaml`/`*.yml`.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Where the rules come from, bounds on hostile input, colours.
    #[command(flatten)]
    pub run: super::RunArgs,
    /// Report format [default: human, or `format` in `eligo.yaml`].
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Run only these rules (comma-separated ids; repeatable).
    #[arg(long, value_name = "ID,...", value_delimiter = ',')]
    pub select: Vec<String>,
    /// Skip these rules (comma-separated ids; repeatable).
    #[arg(long, value_name = "ID,...", value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// A JSON report written earlier: its findings are known and do not fail.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write this run's findings as a baseline (a JSON report) to FILE.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Print the findings only: no summary lines, no progress bar.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Which configuration file to read.
    #[command(flatten)]
    pub config: super::settings::ConfigArgs,
    /// A file of waivers: accepted findings with a reason, an owner and an expiry
    /// date (repeatable).
    #[arg(long = "waivers", value_name = "FILE")]
    pub waivers: Vec<PathBuf>,
    /// The path shown in reports for the scenario read from standard input
    /// (the path `-`).
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,
    /// The folder SARIF file URIs are relative to (default: the nearest folder
    /// at or above the current one that holds `.git`).
    #[arg(long, value_name = "DIR")]
    pub sarif_root: Option<PathBuf>,
}

/// What `eligo check` runs with, once the flags and the file are merged.
#[derive(Debug)]
pub(crate) struct CheckSettings {
    /// The report format.
    pub format: Format,
    /// Whether warnings fail the run.
    pub deny_warnings: bool,
    /// Where the rules come from.
    pub rules: RuleArgs,
    /// The waivers files.
    pub waivers: Vec<PathBuf>,
    /// Input limits and today's date.
    pub options: crate::scenario::LoadOptions,
    /// A baseline to compare with.
    pub baseline: Option<PathBuf>,
}

impl CheckSettings {
    /// Merges the flags of `eligo check` with the configuration file; a
    /// `format` the file gets wrong is an input error at its line (returned
    /// beside the settings, which then use the default format, so that the
    /// file's other errors are found too).
    pub(crate) fn resolve(
        args: &CheckArgs,
        config: Option<&Config>,
    ) -> (CheckSettings, Vec<ConfigError>) {
        let file = config.map(|c| &c.values);
        let mut errors = Vec::new();
        let format = match (args.format, config) {
            (Some(format), _) => format,
            (None, Some(c)) => match &c.values.format {
                Some(name) => parse_format(c, name).unwrap_or_else(|e| {
                    errors.push(e);
                    Format::default()
                }),
                None => Format::default(),
            },
            (None, None) => Format::default(),
        };
        let baseline = args
            .baseline
            .clone()
            .or_else(|| config.and_then(|c| c.values.baseline.as_ref().map(|p| c.resolve(p))));
        let settings = CheckSettings {
            format,
            deny_warnings: args.deny_warnings
                || file.and_then(|f| f.deny_warnings).unwrap_or(false),
            rules: rule_args(&args.run.rules, config),
            waivers: waivers(&args.waivers, config),
            options: args.run.limits.load_options_with(config),
            baseline,
        };
        (settings, errors)
    }
}

/// A format name from the file, checked like the flag's value.
fn parse_format(config: &Config, name: &str) -> Result<Format, ConfigError> {
    use clap::ValueEnum;
    Format::from_str(name, false).map_err(|_| {
        let names: Vec<String> = Format::value_variants()
            .iter()
            .filter_map(|f| f.to_possible_value().map(|v| v.get_name().to_string()))
            .collect();
        config.error_at(
            ConfigCode::InvalidValue,
            "format",
            format!("unknown format `{name}`"),
            "unknown format",
            did_you_mean(name, names.iter().map(String::as_str)),
        )
    })
}
