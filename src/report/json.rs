//! The JSON report of DOMAIN.md section 5, with the fields this version adds:
//! per file `kind`; per finding `waived` (only on waived findings); per summary
//! `waived`; and at the top level `errors` (input errors as data) and `summary`.
//!
//! Waived findings are listed but not counted in `summary.errors` or
//! `summary.warnings`, so those keep their meaning: what fails the run.

use serde::{Serialize, Serializer};
use std::io::{self, Write};

use super::{
    CheckRun, FileKind, FileReport, Finding, InputError, Location, MessageText, Totals, Waived,
};

#[derive(Serialize)]
struct JsonReport<'a> {
    files: Files<'a>,
    errors: &'a [InputError],
    summary: RunSummary,
}

/// The files, each serialized from its report as it is written: the JSON is
/// never built in memory, as values or as text.
struct Files<'a>(Vec<&'a FileReport>);

impl Serialize for Files<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|r| file(r)))
    }
}

#[derive(Serialize)]
struct JsonFile<'a> {
    path: &'a str,
    kind: FileKind,
    scenario: Option<&'a str>,
    findings: Findings<'a>,
    summary: Totals,
}

/// The findings of a file, serialized one by one.
struct Findings<'a>(&'a [Finding]);

impl Serialize for Findings<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|f| JsonFinding {
            rule: &f.rule,
            severity: f.severity.as_str(),
            subject: &f.subject,
            message: f.message(),
            location: &f.location,
            related: &f.related,
            related_more: f.related_more,
            waived: f.waived.as_deref(),
        }))
    }
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: &'a str,
    subject: &'a str,
    message: MessageText<'a>,
    location: &'a Location,
    related: &'a [String],
    /// Related entities past the [`crate::eval::MAX_RELATED`] listed; absent when none.
    #[serde(skip_serializing_if = "is_zero")]
    related_more: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    waived: Option<&'a Waived>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
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

/// Renders reports with no input error as pretty-printed JSON (see [`write()`]).
pub fn render(reports: &[&FileReport]) -> String {
    super::render_to_string(|out| write(reports, out))
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}\n"))
}

/// Writes reports with no input error as pretty-printed JSON, and a newline.
pub fn write(reports: &[&FileReport], out: &mut dyn Write) -> io::Result<()> {
    let totals = reports.iter().fold(Totals::default(), |t, r| add(t, r));
    finish(
        &JsonReport {
            files: Files(reports.to_vec()),
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
        },
        out,
    )
}

/// Writes a whole run, input errors included, as pretty-printed JSON and a newline.
pub fn write_run(run: &CheckRun, out: &mut dyn Write) -> io::Result<()> {
    let totals = run.totals();
    finish(
        &JsonReport {
            files: Files(run.reports.iter().collect()),
            errors: &run.errors,
            summary: RunSummary {
                files: run.scenario_files,
                invalid_files: run.invalid_files,
                errors: totals.errors,
                warnings: totals.warnings,
                waived: totals.waived,
                input_errors: run.errors.len(),
            },
        },
        out,
    )
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
        findings: Findings(&r.findings),
        summary: add(Totals::default(), r),
    }
}

fn finish(report: &JsonReport<'_>, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    out.write_all(b"\n")
}
