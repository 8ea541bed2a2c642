//! `eligo check-rules`: check rule files without a scenario.
//!
//! Loads the default pack (unless `--no-default-rules`) plus the given files and
//! folders and reports every error and every warning (lint) at once. Exit 0 when
//! the rules load and have no warning (warnings are allowed unless
//! `--deny-warnings`), 1 on warnings with `--deny-warnings`, 2 on errors.

use super::Failure;
use clap::Args;
use miette::Diagnostic;
use serde::Serialize;
use std::path::PathBuf;

use super::TextFormat;
use super::{rule_sources, ColorChoice, RuleArgs, EXIT_FINDINGS, EXIT_INPUT, EXIT_OK};
use crate::lang::RuleError;
use crate::report::human::{plural, render_diagnostic, Style};

/// Arguments of `eligo check-rules`.
#[derive(Debug, Args)]
pub struct CheckRulesArgs {
    /// Rule files, or folders to search for `*.rules`, checked with the default pack.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Do not load the embedded default CSP rule pack.
    #[arg(long)]
    pub no_default_rules: bool,
    /// Deepest nesting of expressions in rule files.
    #[arg(long, value_name = "N", default_value_t = crate::lang::parse::MAX_EXPR_DEPTH, value_parser = super::rule_depth)]
    pub max_rule_depth: usize,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: TextFormat,
    /// When to use colours.
    #[arg(long, value_enum, default_value_t)]
    pub color: ColorChoice,
}

/// One diagnostic in the JSON output.
#[derive(Debug, Serialize)]
pub(crate) struct JsonDiagnostic {
    /// The stable code, e.g. `eligo::rules::unused_let`.
    pub code: String,
    /// `error` or `warning`.
    pub severity: &'static str,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub help: Option<String>,
    /// The rule file, when the diagnostic points into one.
    pub path: Option<String>,
    /// 1-based line.
    pub line: Option<usize>,
    /// 1-based column.
    pub column: Option<usize>,
}

/// Converts any diagnostic into its JSON form.
pub(crate) fn json_diagnostic(d: &dyn Diagnostic) -> JsonDiagnostic {
    let severity = match d.severity() {
        Some(miette::Severity::Warning) | Some(miette::Severity::Advice) => "warning",
        _ => "error",
    };
    let mut out = JsonDiagnostic {
        code: d.code().map(|c| c.to_string()).unwrap_or_default(),
        severity,
        message: d.to_string(),
        help: d.help().map(|h| h.to_string()),
        path: None,
        line: None,
        column: None,
    };
    let first = d.labels().and_then(|mut l| l.next());
    if let (Some(label), Some(src)) = (first, d.source_code()) {
        if let Ok(contents) = src.read_span(label.inner(), 0, 0) {
            out.path = contents.name().map(str::to_string);
            out.line = Some(contents.line() + 1);
            out.column = Some(contents.column() + 1);
        }
    }
    out
}

#[derive(Serialize)]
struct JsonOutput {
    diagnostics: Vec<JsonDiagnostic>,
    summary: Summary,
}

#[derive(Serialize)]
struct Summary {
    errors: usize,
    warnings: usize,
}

/// Runs `eligo check-rules`.
pub(crate) fn run(args: &CheckRulesArgs) -> Result<u8, Failure> {
    let rule_args = RuleArgs {
        rules: args.paths.clone(),
        no_default_rules: args.no_default_rules,
        max_rule_depth: Some(args.max_rule_depth),
    };
    let (sources, mut errors) = rule_sources(&rule_args);
    if sources.is_empty() && errors.is_empty() {
        return Err(Failure::input(
            "error: no rules to check: `--no-default-rules` needs at least one PATH\n",
        ));
    }
    let mut warnings = Vec::new();
    if errors.is_empty() {
        let options = crate::lang::LoadRules {
            max_depth: args.max_rule_depth,
        };
        match crate::lang::load_program_with(sources, &options) {
            Ok(loaded) => warnings = loaded.warnings,
            Err(e) => errors = e,
        }
    }
    let all: Vec<&dyn Diagnostic> = errors
        .iter()
        .map(|e| e as &dyn Diagnostic)
        .chain(warnings.iter().map(|w| w as &dyn Diagnostic))
        .collect();
    let report = render(args, &all, errors.len(), warnings.len());
    super::print_stdout("the lint report", &report)?;
    Ok(exit_code(&errors, warnings.len(), args.deny_warnings))
}

fn render(
    args: &CheckRulesArgs,
    all: &[&dyn Diagnostic],
    errors: usize,
    warnings: usize,
) -> String {
    match args.format {
        TextFormat::Json => {
            let output = JsonOutput {
                diagnostics: all.iter().map(|d| json_diagnostic(*d)).collect(),
                summary: Summary { errors, warnings },
            };
            serde_json::to_string_pretty(&output)
                .map(|s| s + "\n")
                .unwrap_or_default()
        }
        TextFormat::Human => {
            let style = Style {
                color: args.color.enabled(),
                width: 100,
            };
            let mut out: String = all.iter().map(|d| render_diagnostic(*d, style)).collect();
            out.push_str(&format!(
                "rules checked: {}, {}\n",
                plural(errors, "error"),
                plural(warnings, "warning")
            ));
            out
        }
    }
}

fn exit_code(errors: &[RuleError], warnings: usize, deny_warnings: bool) -> u8 {
    if !errors.is_empty() {
        EXIT_INPUT
    } else if deny_warnings && warnings > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}
