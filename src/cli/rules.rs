//! `eligo rules`: list the loaded rules.

use super::Failure;
use clap::Args;
use serde::Serialize;

use super::{stderr_style, ColorChoice, RuleArgs, TextFormat, EXIT_OK};
use crate::program::Program;

/// Arguments of `eligo rules`.
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Print this rule's documentation: what, why, fix, source and its text.
    #[arg(value_name = "ID", conflicts_with = "export")]
    pub id: Option<String>,
    /// Write the embedded pack's files (schema included) to DIR, to copy
    /// and change.
    #[arg(long, value_name = "DIR")]
    pub export: Option<std::path::PathBuf>,
    /// Where the rules come from.
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Which configuration file to read.
    #[command(flatten)]
    pub config: super::settings::ConfigArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: TextFormat,
}

#[derive(Serialize)]
struct RuleEntry<'a> {
    id: &'a str,
    severity: &'a str,
    summary: &'a str,
    file: &'a str,
    line: usize,
    doc: &'a str,
}

/// Runs `eligo rules`.
pub(crate) fn run(args: &RulesArgs) -> Result<u8, Failure> {
    if let Some(dir) = &args.export {
        return super::rule_docs::export(dir);
    }
    let style = stderr_style(ColorChoice::Auto);
    let config = args.config.load(style)?;
    let rule_args = super::settings::rule_args(&args.rules, config.as_ref());
    let program = super::load_rules_with(&rule_args, config.as_ref(), style)?;
    if let Some(id) = &args.id {
        return super::rule_docs::show(&program, id, args.format);
    }
    super::print_stdout("the rule list", &render(&program, args.format))?;
    Ok(EXIT_OK)
}

/// The rule list in the given format.
pub(crate) fn render(program: &Program, format: TextFormat) -> String {
    let entries: Vec<RuleEntry<'_>> = program
        .rules
        .iter()
        .map(|r| RuleEntry {
            id: &r.id,
            severity: r.severity.as_str(),
            summary: &r.summary,
            file: program.files.get(r.file).map_or("", |f| f.name.as_str()),
            line: r.line(program),
            doc: &r.doc,
        })
        .collect();
    match format {
        TextFormat::Json => serde_json::to_string_pretty(&entries)
            .map(|s| s + "\n")
            .unwrap_or_default(),
        TextFormat::Human => {
            use crate::escape::value as esc;
            // Ids come from rule files: a long one must not stretch (or, past
            // 65,535 columns, break) the table.
            let width = entries
                .iter()
                .map(|e| e.id.len())
                .max()
                .unwrap_or(0)
                .min(40);
            let mut out = String::new();
            for e in &entries {
                out.push_str(&format!(
                    "{:<width$}  {:<7}  {}  ({}:{})\n",
                    esc(e.id),
                    e.severity,
                    esc(e.summary),
                    esc(e.file),
                    e.line
                ));
            }
            out
        }
    }
}
