//! `eligo diff OLD NEW`: what changed between two runs.
//!
//! Each side is a JSON report (`eligo check --format json`, a baseline) or a
//! scenario file, which is checked first with the same rules and settings as
//! `eligo check`. Findings are matched by (path, rule, subject), never by
//! line; when each side holds one file, by (rule, subject) alone, so two
//! versions of a book under different names compare. The result: findings
//! added, fixed (gone) and changed (same key, another severity or message).
//! Exit 1 when an error finding was added, 0 otherwise, 2 on invalid input.

use super::Failure;
use clap::Args;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::settings::{self, ConfigArgs};
use super::{stderr_style, TextFormat, EXIT_FINDINGS, EXIT_INPUT, EXIT_OK};
use crate::baseline::{normalize, read_report, ReportFile};
use crate::check::{check_file, FileOutcome};
use crate::escape::value;
use crate::program::Program;
use crate::report::human::{plural, render_diagnostic, Style};
use crate::scenario::LoadOptions;

/// Arguments of `eligo diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier run: a JSON report or a scenario file.
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The later run: a JSON report or a scenario file.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: TextFormat,
    /// Where the rules come from, bounds on hostile input, colours.
    #[command(flatten)]
    pub run: super::RunArgs,
    /// Run only these rules (for scenario files).
    #[arg(long, value_name = "ID,...", value_delimiter = ',')]
    pub select: Vec<String>,
    /// Skip these rules (for scenario files).
    #[arg(long, value_name = "ID,...", value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Which configuration file to read.
    #[command(flatten)]
    pub config: ConfigArgs,
}

/// A finding as the diff sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Entry {
    /// The file it was found in.
    pub path: String,
    /// The rule id.
    pub rule: String,
    /// `error` or `warning`.
    pub severity: String,
    /// The subject's id.
    pub subject: String,
    /// The message.
    pub message: String,
    /// Where the subject was (1-based line, 0 when unknown).
    pub line: u32,
}

/// A finding on both sides whose severity or message changed.
#[derive(Debug, Serialize)]
pub(crate) struct Changed {
    /// As it was.
    pub old: Entry,
    /// As it is.
    pub new: Entry,
}

/// The difference between two runs.
#[derive(Debug, Default, Serialize)]
pub(crate) struct Diff {
    /// Findings only in NEW.
    pub added: Vec<Entry>,
    /// Findings only in OLD.
    pub fixed: Vec<Entry>,
    /// Findings in both with another severity or message.
    pub changed: Vec<Changed>,
}

impl Diff {
    /// Whether an error finding was added.
    pub(crate) fn adds_errors(&self) -> bool {
        self.added.iter().any(|e| e.severity == "error")
    }
}

/// Runs `eligo diff`.
pub(crate) fn run(args: &DiffArgs) -> Result<u8, Failure> {
    let style = stderr_style(args.run.color);
    let config = args.config.load(style)?;
    let options = args.run.limits.load_options_with(config.as_ref());
    let mut program: Option<Program> = None;
    let mut sides = Vec::with_capacity(2);
    for path in [&args.old, &args.new] {
        let side = if is_report(path) {
            read_side(path, &options, style)
        } else {
            if program.is_none() {
                program = Some(load_program(args, config.as_ref(), style)?);
            }
            match &program {
                Some(p) => check_side(p, path, &options, style),
                None => Err(EXIT_INPUT),
            }
        };
        match side {
            Ok(entries) => sides.push(entries),
            Err(code) => return Ok(code),
        }
    }
    let (Some(new), Some(old)) = (sides.pop(), sides.pop()) else {
        return Ok(EXIT_INPUT);
    };
    let diff = compare(old, new);
    let text = match args.format {
        TextFormat::Human => render_human(&diff),
        TextFormat::Json => serde_json::to_string_pretty(&diff).unwrap_or_default() + "\n",
    };
    super::print_stdout("the diff", &text)?;
    if diff.adds_errors() {
        Ok(EXIT_FINDINGS)
    } else {
        Ok(EXIT_OK)
    }
}

fn load_program(
    args: &DiffArgs,
    config: Option<&crate::config::Config>,
    style: Style,
) -> Result<Program, Failure> {
    let rule_args = settings::rule_args(&args.run.rules, config);
    let mut program = super::load_rules_with(&rule_args, config, style)?;
    settings::select_rules(&mut program, &args.select, &args.ignore, config, style)?;
    Ok(program)
}

/// Whether a file is a JSON report: it is named `*.json`, or its first
/// non-blank byte opens a JSON object (a scenario is a YAML mapping, which
/// could also start with `{`, but then it is not a report and fails as one).
fn is_report(path: &Path) -> bool {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    {
        return true;
    }
    use std::io::Read;
    let mut head = [0u8; 256];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    let head = head.get(..n).unwrap_or(&[]);
    head.iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b'{')
        && head.windows(8).any(|w| w == b"\"files\":")
}

fn read_side(path: &Path, options: &LoadOptions, style: Style) -> Result<Vec<Entry>, u8> {
    match read_report(path, options.limits.max_file_bytes) {
        Ok(report) => Ok(entries_of_report(report)),
        Err(e) => {
            eprint!("{}", render_diagnostic(&e, style));
            Err(EXIT_INPUT)
        }
    }
}

fn entries_of_report(report: ReportFile) -> Vec<Entry> {
    report
        .files
        .into_iter()
        .flat_map(|file| {
            let path = normalize(&file.path);
            file.findings.into_iter().map(move |f| Entry {
                path: path.clone(),
                line: f.location.as_ref().map_or(0, |l| l.line),
                rule: f.rule,
                severity: f.severity,
                subject: f.subject,
                message: f.message,
            })
        })
        .collect()
}

fn check_side(
    program: &Program,
    path: &Path,
    options: &LoadOptions,
    style: Style,
) -> Result<Vec<Entry>, u8> {
    match check_file(program, path, &program.rule_ids(), options) {
        FileOutcome::Checked(report) => {
            let path = normalize(&report.path);
            Ok(report
                .findings
                .iter()
                .map(|f| Entry {
                    path: path.clone(),
                    rule: f.rule.to_string(),
                    severity: f.severity.as_str().to_string(),
                    subject: f.subject.clone(),
                    message: f.message().to_string(),
                    line: f.location.line,
                })
                .collect())
        }
        FileOutcome::Invalid { errors, .. } => {
            for e in &errors {
                eprint!("{}", render_diagnostic(e, style));
            }
            eprintln!(
                "{} in `{}`: nothing was compared",
                plural(errors.len(), "input error"),
                value(&path.display().to_string())
            );
            Err(EXIT_INPUT)
        }
    }
}

type Key = (String, String, String);

/// Matches the two sides' findings by key (see the module's doc).
pub(crate) fn compare(old: Vec<Entry>, new: Vec<Entry>) -> Diff {
    let one_file = |entries: &[Entry]| {
        entries
            .first()
            .is_none_or(|first| entries.iter().all(|e| e.path == first.path))
    };
    let by_path = !(one_file(&old) && one_file(&new));
    let key = |e: &Entry| -> Key {
        let path = if by_path {
            e.path.clone()
        } else {
            String::new()
        };
        (path, e.rule.clone(), e.subject.clone())
    };
    let mut old_by_key: BTreeMap<Key, Entry> = old.into_iter().map(|e| (key(&e), e)).collect();
    let mut diff = Diff::default();
    for entry in new {
        match old_by_key.remove(&key(&entry)) {
            None => diff.added.push(entry),
            Some(before)
                if before.severity != entry.severity || before.message != entry.message =>
            {
                diff.changed.push(Changed {
                    old: before,
                    new: entry,
                })
            }
            Some(_) => {}
        }
    }
    diff.fixed = old_by_key.into_values().collect();
    diff
}

/// The diff for people: added, fixed and changed findings, and a summary.
pub(crate) fn render_human(diff: &Diff) -> String {
    let mut out = String::new();
    let line = |sign: char, e: &Entry| {
        // Both sides may be JSON reports from anywhere: every field is user text.
        format!(
            "{sign} {}[{}] {}: {} ({}:{})\n",
            value(&e.severity),
            value(&e.rule),
            value(&e.subject),
            value(&e.message),
            value(&e.path),
            e.line
        )
    };
    if !diff.added.is_empty() {
        out.push_str(&format!("added ({}):\n", diff.added.len()));
        diff.added.iter().for_each(|e| out.push_str(&line('+', e)));
    }
    if !diff.fixed.is_empty() {
        out.push_str(&format!("fixed ({}):\n", diff.fixed.len()));
        diff.fixed.iter().for_each(|e| out.push_str(&line('-', e)));
    }
    if !diff.changed.is_empty() {
        out.push_str(&format!("changed ({}):\n", diff.changed.len()));
        for c in &diff.changed {
            out.push_str(&line('~', &c.new));
            out.push_str(&format!(
                "    was {}: {}\n",
                value(&c.old.severity),
                value(&c.old.message)
            ));
        }
    }
    let added_errors = diff.added.iter().filter(|e| e.severity == "error").count();
    out.push_str(&format!(
        "{} added ({}), {} fixed, {} changed\n",
        plural(diff.added.len(), "finding"),
        plural(added_errors, "error"),
        diff.fixed.len(),
        diff.changed.len()
    ));
    out
}
