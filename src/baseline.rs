//! Baselines: adopting eligo on a book that already has findings.
//!
//! A baseline is a JSON report written earlier (`--write-baseline FILE`, or
//! `--format json > FILE`). A finding whose (path, rule, subject) is in it is
//! *known*: shown as such, never failing the run. Other findings are *new* and
//! fail as usual; the baseline's entries for a checked file that no finding
//! matches any more are listed as *fixed*. Keys hold no line numbers, so
//! edits that move entries around do not make old findings new.

use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::Path;

use crate::report::{BaselineState, FileReport, Fixed};
use crate::scenario::error::{InputCode, InputError};
use crate::scenario::Pos;
use crate::source::SourceFile;

/// Stable codes of baseline and report-file errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum ReportFileCode {
    /// The file cannot be read.
    Io,
    /// Larger than the limit, or not UTF-8.
    Unreadable,
    /// Not a JSON report of eligo.
    Invalid,
}

impl std::fmt::Display for ReportFileCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code_str())
    }
}

impl InputCode for ReportFileCode {
    fn code_str(self) -> &'static str {
        match self {
            ReportFileCode::Io => "eligo::report_file::io",
            ReportFileCode::Unreadable => "eligo::report_file::unreadable",
            ReportFileCode::Invalid => "eligo::report_file::invalid",
        }
    }
}

/// A problem with a baseline (or a report given to `eligo diff`).
pub(crate) type ReportFileError = InputError<ReportFileCode>;

/// A JSON report as read back: only what baselines and diffs use.
#[derive(Debug, Deserialize)]
pub(crate) struct ReportFile {
    /// The checked files.
    pub files: Vec<ReportFileEntry>,
}

/// One file of a JSON report.
#[derive(Debug, Deserialize)]
pub(crate) struct ReportFileEntry {
    /// The file's path as reported.
    pub path: String,
    /// Its findings.
    #[serde(default)]
    pub findings: Vec<ReportFinding>,
}

/// One finding of a JSON report.
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct ReportFinding {
    /// The rule id.
    pub rule: String,
    /// `error` or `warning`.
    #[serde(default)]
    pub severity: String,
    /// The subject's id.
    pub subject: String,
    /// The message.
    #[serde(default)]
    pub message: String,
    /// The subject's entry.
    #[serde(default)]
    pub location: Option<ReportLocation>,
}

/// A location of a JSON report.
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct ReportLocation {
    /// 1-based line.
    pub line: u32,
}

/// Reads a JSON report written by `eligo check --format json`, reading at
/// most `max_bytes` (one more tells a larger file).
pub(crate) fn read_report(path: &Path, max_bytes: usize) -> Result<ReportFile, ReportFileError> {
    let name = path.display().to_string();
    let file_error = |code, message: String, help: &str| ReportFileError {
        code,
        message,
        label: String::new(),
        help: Some(help.to_string()),
        path: name.clone(),
        pos: None,
        also: None,
        src: None,
    };
    let file = std::fs::File::open(path).map_err(|e| {
        file_error(
            ReportFileCode::Io,
            format!("cannot read `{name}`: {e}"),
            "check that the path exists and is readable",
        )
    })?;
    let mut bytes = Vec::new();
    file.take(max_bytes as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| {
            file_error(
                ReportFileCode::Io,
                format!("cannot read `{name}`: {e}"),
                "check that the path exists and is readable",
            )
        })?;
    if bytes.len() > max_bytes {
        return Err(file_error(
            ReportFileCode::Unreadable,
            format!("`{name}` is larger than the limit of {max_bytes} bytes"),
            "raise `--max-file-bytes` if this is the right file",
        ));
    }
    let text = String::from_utf8(bytes).map_err(|_| {
        file_error(
            ReportFileCode::Unreadable,
            format!("`{name}` is not UTF-8 text"),
            "give a JSON report written by `eligo check --format json`",
        )
    })?;
    parse_report(SourceFile::new(name, text))
}

/// Parses the text of a JSON report.
pub(crate) fn parse_report(source: SourceFile) -> Result<ReportFile, ReportFileError> {
    serde_json::from_str::<ReportFile>(&source.text).map_err(|e| {
        let offset = crate::config::offset_of(&source.text, e.line(), e.column());
        let pos = (e.line() > 0).then_some(Pos {
            line: e.line() as u32,
            column: e.column().max(1) as u32,
            offset: offset as u32,
            len: 1,
        });
        let text = e.to_string();
        let message = match text.find(" at line ") {
            Some(i) => text.get(..i).unwrap_or(&text).to_string(),
            None => text.clone(),
        };
        ReportFileError {
            code: ReportFileCode::Invalid,
            message: format!("not a JSON report of eligo: {message}"),
            label: "here".into(),
            help: Some(
                "write baselines with `eligo check --write-baseline FILE` or `--format json`"
                    .into(),
            ),
            path: source.name.clone(),
            pos,
            also: None,
            src: pos.map(|_| source.named_source()),
        }
    })
}

/// The findings a baseline knows, by file path, as (rule, subject) keys.
#[derive(Debug, Default)]
pub(crate) struct Baseline {
    by_path: HashMap<String, Vec<(String, String)>>,
}

impl Baseline {
    /// The keys of a JSON report.
    pub(crate) fn from_report(report: ReportFile) -> Baseline {
        let mut by_path: HashMap<String, Vec<(String, String)>> = HashMap::new();
        for file in report.files {
            let keys = by_path.entry(normalize(&file.path)).or_default();
            keys.extend(file.findings.into_iter().map(|f| (f.rule, f.subject)));
        }
        for keys in by_path.values_mut() {
            keys.sort_unstable();
            keys.dedup();
        }
        Baseline { by_path }
    }

    /// Marks each finding of `reports` known or new, and lists each file's
    /// fixed entries. Files the baseline does not mention have only new findings.
    pub(crate) fn apply(&self, reports: &mut [FileReport]) {
        for report in reports {
            let keys = self
                .by_path
                .get(&normalize(&report.path))
                .map_or(&[][..], Vec::as_slice);
            let mut seen: HashSet<(&str, &str)> = HashSet::with_capacity(report.findings.len());
            for f in &mut report.findings {
                let key = (f.rule.to_string(), f.subject.clone());
                let known = keys.binary_search(&key).is_ok();
                f.baseline = Some(if known {
                    BaselineState::Known
                } else {
                    BaselineState::New
                });
            }
            for f in &report.findings {
                seen.insert((&f.rule, &f.subject));
            }
            let fixed = keys
                .iter()
                .filter(|(rule, subject)| !seen.contains(&(rule.as_str(), subject.as_str())))
                .map(|(rule, subject)| Fixed {
                    rule: rule.clone(),
                    subject: subject.clone(),
                })
                .collect();
            report.fixed = Some(fixed);
        }
    }
}

/// A path as a key: forward slashes and no leading `./`, so a baseline
/// written on Windows or with `./book.yaml` matches `book.yaml`.
pub(crate) fn normalize(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut rest = path.as_str();
    while let Some(stripped) = rest.strip_prefix("./") {
        rest = stripped;
    }
    rest.to_string()
}
