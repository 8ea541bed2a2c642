//! The JSON report of DOMAIN.md section 5, with the fields this version adds:
//! per file `kind`; per finding `waived` (only on waived findings); per summary
//! `waived`; and at the top level `errors` (input errors as data) and `summary`.
//!
//! Waived findings are listed but not counted in `summary.errors` or
//! `summary.warnings`, so those keep their meaning: what fails the run.

use serde::Serialize;

use super::{CheckRun, FileKind, FileReport, InputError, Location, MessageText, Totals, Waived};

#[derive(Serialize)]
struct JsonReport<'a> {
    files: Vec<JsonFile<'a>>,
    errors: &'a [InputError],
    summary: RunSummary,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    path: &'a str,
    kind: FileKind,
    scenario: Option<&'a str>,
    findings: Vec<JsonFinding<'a>>,
    summary: Totals,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: &'a str,
    subject: &'a str,
    message: MessageText<'a>,
    location: &'a Location,
    related: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    waived: Option<&'a Waived>,
}

/// Totals over the run: what `eligo check` decided on.
#[derive(Serialize)]
struct RunSummary {
    files: usize,
    invalid_files: usize,
    errors: usize,
    warnings: usize,
    waived: usize,
    input_errors: usize,
}

/// Renders reports with no input error as pretty-printed JSON.
pub fn render(reports: &[&FileReport]) -> String {
    let files = reports.iter().map(|r| file(r)).collect();
    let totals = reports.iter().fold(Totals::default(), |t, r| add(t, r));
    finish(&JsonReport {
        files,
        errors: &[],
        summary: RunSummary {
            files: reports
                .iter()
                .filter(|r| r.kind == FileKind::Scenario)
                .count(),
            invalid_files: 0,
            errors: totals.errors,
            warnings: totals.warnings,
            waived: totals.waived,
            input_errors: 0,
        },
    })
}

/// Renders a whole run, input errors included, as pretty-printed JSON.
pub fn render_run(run: &CheckRun) -> String {
    let totals = run.totals();
    finish(&JsonReport {
        files: run.reports.iter().map(file).collect(),
        errors: &run.errors,
        summary: RunSummary {
            files: run.scenario_files,
            invalid_files: run.invalid_files,
            errors: totals.errors,
            warnings: totals.warnings,
            waived: totals.waived,
            input_errors: run.errors.len(),
        },
    })
}

fn add(t: Totals, r: &FileReport) -> Totals {
    Totals {
        errors: t.errors + r.errors(),
        warnings: t.warnings + r.warnings(),
        waived: t.waived + r.waived(),
    }
}

fn file(r: &FileReport) -> JsonFile<'_> {
    JsonFile {
        path: &r.path,
        kind: r.kind,
        scenario: r.scenario.as_deref(),
        findings: r
            .findings
            .iter()
            .map(|f| JsonFinding {
                rule: &f.rule,
                severity: f.severity.as_str(),
                subject: &f.subject,
                message: f.message(),
                location: &f.location,
                related: &f.related,
                waived: f.waived.as_deref(),
            })
            .collect(),
        summary: add(Totals::default(), r),
    }
}

fn finish(report: &JsonReport<'_>) -> String {
    let mut out =
        serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    out.push('\n');
    out
}
