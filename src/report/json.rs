//! The JSON report of DOMAIN.md section 5, with the fields this version adds:
//! per file `kind` and `customers` (the book's customers with their number of
//! subscriptions; left out when the schema has no customers); per finding
//! `customer` (the customer it concerns, when there is one), `fix` (the part of
//! the message that says what to do, when the rule gives one) and `waived` (only
//! on waived findings); per summary `waived`; and at the top level `rules` (the
//! loaded rules with their summary and documentation; in the report of a whole
//! run), `errors` (input errors as data) and `summary`.
//! An invalid scenario file is listed in `files` in its place, with no findings
//! and its input errors as `errors` (which valid files leave out); the top-level
//! `errors` still lists every input error.
//!
//! Waived findings are listed but not counted in `summary.errors` or
//! `summary.warnings`, so those keep their meaning: what fails the run.

use serde::{Serialize, Serializer};
use std::io::{self, Write};

use super::customers::CustomerEntry;
use super::{
    BaselineState, CheckRun, Entry, FileKind, FileReport, Finding, Fixed, InputError, Location,
    MessageText, Place, RuleInfo, Totals, Waived,
};

/// The report as serialized: built from the run and written as it goes (the
/// HTML report embeds the same value, see [`super::html`]).
#[derive(Serialize)]
pub(crate) struct JsonReport<'a> {
    #[serde(skip_serializing_if = "Rules::is_empty")]
    rules: Rules<'a>,
    files: Files<'a>,
    errors: &'a [InputError],
    summary: RunSummary,
}

/// The files, each serialized from its report as it is written: the JSON is
/// never built in memory, as values or as text.
struct Files<'a>(Vec<Entry<'a>>);

impl Serialize for Files<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|entry| match *entry {
            Entry::Checked(r) => file(r),
            Entry::Invalid { path, errors, .. } => invalid_file(path, errors),
        }))
    }
}

#[derive(Serialize)]
struct JsonFile<'a> {
    path: &'a str,
    kind: FileKind,
    scenario: Option<&'a str>,
    #[serde(skip_serializing_if = "<[CustomerEntry]>::is_empty")]
    customers: &'a [CustomerEntry],
    findings: Findings<'a>,
    summary: Totals,
    /// Baseline entries that no finding matches any more (with a baseline only).
    #[serde(skip_serializing_if = "Option::is_none")]
    fixed: Option<&'a [Fixed]>,
    /// Why the file could not be checked (only on invalid files).
    #[serde(skip_serializing_if = "<[InputError]>::is_empty")]
    errors: &'a [InputError],
}

/// The loaded rules, each with its summary and documentation.
struct Rules<'a>(&'a [RuleInfo]);

impl Rules<'_> {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for Rules<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|r| JsonRule {
            id: &r.id,
            severity: r.severity.as_str(),
            summary: &r.summary,
            doc: &r.doc,
        }))
    }
}

#[derive(Serialize)]
struct JsonRule<'a> {
    id: &'a str,
    severity: &'a str,
    summary: &'a str,
    doc: &'a str,
}

/// The findings of a file, serialized one by one.
struct Findings<'a>(&'a [Finding]);

impl Serialize for Findings<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|f| JsonFinding {
            rule: &f.rule,
            severity: f.severity.as_str(),
            subject: &f.subject,
            customer: f.customer.as_deref(),
            message: f.message(),
            fix: f.fix.as_deref(),
            location: &f.location,
            related: &f.related,
            related_more: f.related_more,
            locations: &f.places,
            waived: f.waived.as_deref(),
            baseline: f.baseline,
        }))
    }
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: &'a str,
    subject: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer: Option<&'a str>,
    message: MessageText<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<&'a str>,
    location: &'a Location,
    related: &'a [String],
    /// Related entities past the [`crate::eval::MAX_RELATED`] listed; absent when none.
    #[serde(skip_serializing_if = "is_zero_u64")]
    related_more: u64,
    /// The places to edit (DOMAIN.md section 6); `location` stays the subject's.
    /// Always present (empty when the rule names none), so readers need no default.
    locations: &'a [Place],
    #[serde(skip_serializing_if = "Option::is_none")]
    waived: Option<&'a Waived>,
    /// `known` or `new`, with a baseline only.
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<BaselineState>,
}

/// Totals over the run: what `eligo check` decided on.
#[derive(Serialize)]
struct RunSummary {
    files: usize,
    invalid_files: usize,
    errors: usize,
    warnings: usize,
    waived: usize,
    /// Findings a baseline knows (only when there are some).
    #[serde(skip_serializing_if = "is_zero")]
    known: usize,
    input_errors: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

fn is_zero_u64(n: &u64) -> bool {
    *n == 0
}

/// Renders reports with no input error as pretty-printed JSON (see [`write()`]).
pub fn render(reports: &[&FileReport]) -> String {
    super::render_to_string(|out| write(reports, out))
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}\n"))
}

/// Writes reports with no input error as pretty-printed JSON, and a newline.
pub fn write(reports: &[&FileReport], out: &mut dyn Write) -> io::Result<()> {
    write_pretty(&of_reports(reports), out)
}

/// The report of files with no input error (and no rule list).
pub(crate) fn of_reports<'a>(reports: &[&'a FileReport]) -> JsonReport<'a> {
    let totals = reports.iter().fold(Totals::default(), |t, r| add(t, r));
    JsonReport {
        rules: Rules(&[]),
        files: Files(reports.iter().map(|r| Entry::Checked(r)).collect()),
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
            known: totals.known,
            input_errors: 0,
        },
    }
}

/// Renders a whole run as pretty-printed JSON (see `write_run()`).
pub fn render_run(run: &CheckRun) -> String {
    super::render_to_string(|out| write_run(run, out))
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}\n"))
}

/// Writes a whole run, input errors included, as pretty-printed JSON and a newline.
pub(crate) fn write_run(run: &CheckRun, out: &mut dyn Write) -> io::Result<()> {
    write_pretty(&of_run(run), out)
}

/// The report of a whole run: the rules, the files and the input errors.
pub(crate) fn of_run(run: &CheckRun) -> JsonReport<'_> {
    let totals = run.totals();
    JsonReport {
        rules: Rules(&run.rules),
        files: Files(run.entries().collect()),
        errors: &run.errors,
        summary: RunSummary {
            files: run.scenario_files,
            invalid_files: run.invalid_files,
            errors: totals.errors,
            warnings: totals.warnings,
            waived: totals.waived,
            known: totals.known,
            input_errors: run.errors.len(),
        },
    }
}

fn add(t: Totals, r: &FileReport) -> Totals {
    Totals {
        errors: t.errors + r.errors(),
        warnings: t.warnings + r.warnings(),
        waived: t.waived + r.waived(),
        known: t.known + r.known(),
    }
}

fn file(r: &FileReport) -> JsonFile<'_> {
    JsonFile {
        path: &r.path,
        kind: r.kind,
        scenario: r.scenario.as_deref(),
        customers: &r.customers,
        findings: Findings(&r.findings),
        summary: add(Totals::default(), r),
        fixed: r.fixed.as_deref(),
        errors: &[],
    }
}

fn invalid_file<'a>(path: &'a str, errors: &'a [InputError]) -> JsonFile<'a> {
    JsonFile {
        path,
        kind: FileKind::Scenario,
        scenario: None,
        customers: &[],
        findings: Findings(&[]),
        summary: Totals::default(),
        fixed: None,
        errors,
    }
}

/// Writes `value` as pretty-printed JSON and a line break: the JSON and
/// SARIF reports and the plan's JSON.
pub(crate) fn write_pretty(value: &impl Serialize, out: &mut dyn Write) -> io::Result<()> {
    // The serializer writes a few bytes at a time (a quote, a comma, an
    // indentation): into a buffer of a known type those writes are inlined
    // copies, where through `dyn Write` each was a call.
    let mut buffered = io::BufWriter::with_capacity(1 << 16, &mut *out);
    serde_json::to_writer_pretty(&mut buffered, value)?;
    buffered.write_all(b"\n")?;
    buffered.flush()
}
