//! `eligo rules ID` (one rule's documentation, like `ruff rule`) and
//! `eligo rules --export DIR` (the embedded pack's files, to start a team's own).

use super::Failure;
use serde::Serialize;
use std::path::Path;

use super::{TextFormat, EXIT_OK};
use crate::escape;
use crate::program::Program;
use crate::suggest::did_you_mean;

/// One rule's documentation.
#[derive(Debug, Serialize)]
struct RuleDoc<'a> {
    id: &'a str,
    severity: &'a str,
    summary: &'a str,
    doc: &'a str,
    file: &'a str,
    line: usize,
    text: &'a str,
}

/// Prints the documentation of the rule `id`: summary, what / why / fix (its
/// `##` comment), where it is written, and its text.
pub(crate) fn show(program: &Program, id: &str, format: TextFormat) -> Result<u8, Failure> {
    let Some(rule) = program.rules.iter().find(|r| r.id == id) else {
        let mut text = format!("error: no loaded rule has the id `{}`\n", escape::value(id));
        let ids = program.rules.iter().map(|r| r.id.as_str());
        if let Some(help) = did_you_mean(id, ids) {
            text.push_str(&format!("  help: {}\n", escape::value(&help)));
        }
        text.push_str("  note: `eligo rules` lists the loaded rules\n");
        return Err(Failure::input(text));
    };
    let file = program.files.get(rule.file);
    let doc = RuleDoc {
        id: &rule.id,
        severity: rule.severity.as_str(),
        summary: &rule.summary,
        doc: &rule.doc,
        file: file.map_or("", |f| f.name.as_str()),
        line: rule.line(program),
        text: file
            .and_then(|f| f.text.get(rule.span.start..rule.span.end))
            .unwrap_or(""),
    };
    let text = match format {
        TextFormat::Json => serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n",
        TextFormat::Human => human(&doc),
    };
    super::print_stdout("the rule's documentation", &text)?;
    Ok(EXIT_OK)
}

/// The documentation for a terminal. Rule files come from anywhere
/// (`--rules`): every part is escaped (see [`crate::escape`]), the `##`
/// comment and the rule's text keeping their line breaks.
fn human(doc: &RuleDoc<'_>) -> String {
    let mut out = format!(
        "# {} ({})\n\n{}\n\n",
        escape::value(doc.id),
        escape::value(doc.severity),
        escape::value(doc.summary)
    );
    if !doc.doc.is_empty() {
        out.push_str(&escape::lines(doc.doc));
        out.push_str("\n\n");
    }
    out.push_str(&format!(
        "Source: {}:{}\n\n",
        escape::value(doc.file),
        doc.line
    ));
    for line in doc.text.lines() {
        out.push_str("    ");
        out.push_str(&escape::lines(line));
        out.push('\n');
    }
    out
}

/// Writes the embedded pack to `dir` (created if missing). Files already
/// there are not overwritten: the command fails and names them.
pub(crate) fn export(dir: &Path) -> Result<u8, Failure> {
    let files: Vec<(std::path::PathBuf, &str)> = crate::DEFAULT_RULES
        .iter()
        .map(|(name, text)| {
            let base = name.rsplit('/').next().unwrap_or(name);
            (dir.join(base), *text)
        })
        .collect();
    let existing: Vec<String> = files
        .iter()
        .filter(|(path, _)| path.exists())
        .map(|(path, _)| format!("`{}`", path.display()))
        .collect();
    if !existing.is_empty() {
        return Err(Failure::input(format!(
            "error: {} already exist(s); nothing was written\n  \
             help: export to an empty folder, or remove those files first\n",
            existing.join(", ")
        )));
    }
    if let Err(e) = std::fs::create_dir_all(dir) {
        return Err(Failure::input(format!(
            "error: cannot create `{}`: {e}\n",
            dir.display()
        )));
    }
    for (path, text) in &files {
        if let Err(e) = std::fs::write(path, text) {
            return Err(Failure::input(format!(
                "error: cannot write `{}`: {e}\n",
                path.display()
            )));
        }
        println!("wrote {}", path.display());
    }
    println!(
        "use it with `eligo check --no-default-rules --rules {}` (or `rules:` and `default_rules: false` in eligo.yaml)",
        dir.display()
    );
    Ok(EXIT_OK)
}
