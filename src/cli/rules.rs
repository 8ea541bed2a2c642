//! `eligo rules`: list the loaded rules.

use clap::Args;
use serde::Serialize;

use super::{load_rules, stderr_style, ColorChoice, RuleArgs, TextFormat, EXIT_OK};
use crate::program::Program;

/// Arguments of `eligo rules`.
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Where the rules come from.
    #[command(flatten)]
    pub rules: RuleArgs,
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
pub fn run(args: &RulesArgs) -> u8 {
    let program = match load_rules(&args.rules, stderr_style(ColorChoice::Auto)) {
        Ok(p) => p,
        Err(code) => return code,
    };
    match super::print_stdout("the rule list", &render(&program, args.format)) {
        Ok(()) => EXIT_OK,
        Err(code) => code,
    }
}

/// The rule list in the given format.
pub fn render(program: &Program, format: TextFormat) -> String {
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
