//! The human report: one miette diagnostic per finding, with the scenario source
//! underlined at the subject and the fix as help.

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};
use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

use super::snippet::{Lines, Window};
use super::snippet_places::{window_at_line, Windows};
use super::{CheckRun, Entry, FileReport, Finding, InputError, Place};
use crate::escape;
use crate::vocab::Severity;

/// A finding as a miette diagnostic.
struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    src: NamedSource<Windows>,
    /// The places to edit far from the subject.
    far: Vec<PlaceDiagnostic>,
}

/// Lines between the subject and a place shown in the subject's snippet.
const NEAR_LINES: u32 = 6;

fn is_near(f: &Finding, p: &Place) -> bool {
    p.location.line.abs_diff(f.location.line) <= NEAR_LINES
}

/// Places to edit far from their finding's subject and close to each other,
/// with their own snippet.
#[derive(Debug)]
struct PlaceDiagnostic {
    /// Label, offset and length of each place.
    labels: Vec<(String, usize, usize)>,
    src: NamedSource<Window>,
}

impl fmt::Display for PlaceDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.labels.as_slice() {
            [(label, ..)] => write!(f, "edit here: {label}"),
            labels => write!(f, "edit here: {} places", labels.len()),
        }
    }
}

impl std::error::Error for PlaceDiagnostic {}

impl Diagnostic for PlaceDiagnostic {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.src)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().map(|(label, offset, len)| {
            LabeledSpan::new_with_span(Some(label.clone()), (*offset, *len))
        })))
    }
}

impl fmt::Debug for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FindingDiagnostic")
            .field("rule", &self.finding.rule)
            .finish()
    }
}

impl fmt::Display for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.problem)
    }
}

impl std::error::Error for FindingDiagnostic<'_> {}

impl Diagnostic for FindingDiagnostic<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.finding.rule))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let f = self.finding;
        // Each part is one line: a line feed inside a user value is escaped
        // here, since the help keeps the one between the parts.
        let related = (!f.related.is_empty())
            .then(|| format!("related: {}", escape::text(&f.related_text())));
        let text = match (f.fix.as_deref().map(escape::text), related) {
            (Some(fix), Some(rel)) => format!("{fix}\n{rel}"),
            (Some(fix), None) => fix.into_owned(),
            (None, Some(rel)) => rel,
            (None, None) => return None,
        };
        Some(Box::new(text))
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.src)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let f = self.finding;
        let label = format!("{}: {}", f.subject, f.summary);
        let span =
            LabeledSpan::new_primary_with_span(Some(label), (f.offset as usize, f.len as usize));
        // The places to edit near the subject, as secondary labels (not the
        // subject's entry again); farther ones are diagnostics of their own, each
        // with its own snippet (miette would show every line in between).
        let places = f
            .places
            .iter()
            .filter(move |p| p.offset != f.offset && is_near(f, p))
            .map(|p| {
                LabeledSpan::new_with_span(
                    Some(format!("edit here: {}", p.label)),
                    (p.offset as usize, p.len as usize),
                )
            });
        Some(Box::new(std::iter::once(span).chain(places)))
    }
}

/// How to draw diagnostics.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    /// Use colours.
    pub color: bool,
    /// Line width to wrap at.
    pub width: usize,
}

/// A handler that renders diagnostics in `style`.
pub(crate) fn handler(style: Style) -> GraphicalReportHandler {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false)
        .with_context_lines(super::safe::CONTEXT)
}

/// Renders any diagnostic, its user text escaped and its snippet bounded
/// (see `report::safe`).
pub fn render_diagnostic(diagnostic: &dyn Diagnostic, style: Style) -> String {
    let safe = super::safe::Safe::new(diagnostic);
    let mut out = String::new();
    if handler(style).render_report(&mut out, &safe).is_err() {
        out = format!("{safe}\n");
    }
    out
}

/// Renders the findings of one file, then its waived findings (one line each),
/// followed by its summary line (see `write_file`).
pub fn render_file(report: &FileReport, style: Style) -> String {
    super::render_to_string(|out| write_file(report, style, out))
        .unwrap_or_else(|e| format!("{}: {e}\n", report.path))
}

/// Writes the findings of one file, then its waived findings (one line each),
/// followed by its summary line. Each diagnostic is written as it is rendered.
pub(crate) fn write_file(report: &FileReport, style: Style, out: &mut dyn Write) -> io::Result<()> {
    // Each diagnostic sees only the lines around its finding (see `snippet`).
    let mut lines = Lines::new(Arc::clone(&report.source.text));
    for finding in report.findings.iter().filter(|f| f.fails_run()) {
        write_finding(&finding_diagnostic(&mut lines, report, finding), style, out)?;
    }
    for finding in &report.findings {
        if let Some(line) = waived_line(finding) {
            out.write_all(line.as_bytes())?;
        }
    }
    super::baseline_lines::write(report, out)?;
    writeln!(out, "{}", file_summary(report))
}

/// Writes a finding's diagnostic, then one snippet per group of places to
/// edit far from its subject (each a diagnostic of its own, `☞ edit here`).
fn write_finding(d: &FindingDiagnostic<'_>, style: Style, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(render_diagnostic(d, style).as_bytes())?;
    for place in &d.far {
        out.write_all(render_diagnostic(place, style).as_bytes())?;
    }
    out.write_all(b"\n")
}

/// A finding as a diagnostic: its snippet holds the subject and the places
/// near it; the places farther away come as diagnostics of their own.
fn finding_diagnostic<'a>(
    lines: &mut Lines,
    report: &FileReport,
    f: &'a Finding,
) -> FindingDiagnostic<'a> {
    let main = lines.window(f.offset as usize, f.len as usize);
    let places = f
        .places
        .iter()
        .filter(|p| is_near(f, p))
        .map(|p| window_at_line(lines, p.offset as usize, p.len as usize, p.location.line))
        .collect();
    let windows = Windows { main, places };
    let mut far_places: Vec<&Place> = f.places.iter().filter(|p| !is_near(f, p)).collect();
    far_places.sort_by_key(|p| p.offset);
    // Places a few lines apart share one snippet.
    let mut groups: Vec<Vec<&Place>> = Vec::new();
    for p in far_places {
        match groups.last_mut() {
            Some(group)
                if group
                    .last()
                    .is_some_and(|q| p.location.line - q.location.line <= NEAR_LINES) =>
            {
                group.push(p);
            }
            _ => groups.push(vec![p]),
        }
    }
    let far = groups
        .into_iter()
        .filter_map(|group| {
            let (first, last) = (group.first()?, group.last()?);
            let len = (last.offset + last.len).saturating_sub(first.offset) as usize;
            let window = window_at_line(lines, first.offset as usize, len, first.location.line);
            Some(PlaceDiagnostic {
                labels: group
                    .iter()
                    .map(|p| (p.label.clone(), p.offset as usize, p.len as usize))
                    .collect(),
                src: NamedSource::new(&report.source.name, window).with_language("yaml"),
            })
        })
        .collect();
    FindingDiagnostic {
        finding: f,
        src: NamedSource::new(&report.source.name, windows).with_language("yaml"),
        far,
    }
}

/// A waived finding in two lines: what, and who accepted it until when and why.
fn waived_line(f: &Finding) -> Option<String> {
    let w = f.waived.as_ref()?;
    let loc = &f.location;
    Some(format!(
        "waived {} on {} at {}:{}:{}: {}\n  waiver: {} (owner {}, expires {}, {}:{}:{})\n\n",
        escape::value(&f.rule),
        escape::value(&f.subject),
        escape::value(&loc.path),
        loc.line,
        loc.column,
        escape::value(&f.problem),
        escape::value(&w.reason),
        escape::value(&w.owner),
        w.expires,
        escape::value(&w.location.path),
        w.location.line,
        w.location.column
    ))
}

/// `path: 2 errors, 1 warning` (or `path: ok`), with `, 1 waived` when some are.
pub(crate) fn file_summary(report: &FileReport) -> String {
    let (e, w, x) = (report.errors(), report.warnings(), report.waived());
    let mut waived = if x > 0 {
        format!(", {x} waived")
    } else {
        String::new()
    };
    waived.push_str(&super::baseline_lines::counts(report));
    let path = escape::value(&report.path);
    if e == 0 && w == 0 {
        format!("{path}: ok{waived}")
    } else {
        format!(
            "{path}: {}, {}{waived}",
            plural(e, "error"),
            plural(w, "warning")
        )
    }
}

/// Writes every file of a run in order, then the closing summary line (with
/// `--quiet`, the failing findings only). An invalid scenario file is a line
/// that names it, after `show_errors` has been called with its errors and
/// their index in [`CheckRun::errors`] (the caller shows the diagnostics on
/// stderr; `out` is flushed first, so that on a terminal they appear in their
/// place).
pub(crate) fn write_run(
    run: &CheckRun,
    style: Style,
    show_errors: &mut dyn FnMut(&[InputError], usize),
    out: &mut dyn Write,
) -> io::Result<()> {
    for entry in run.entries() {
        match entry {
            Entry::Checked(report) if run.quiet => write_findings(report, style, out)?,
            Entry::Checked(report) => write_file(report, style, out)?,
            Entry::Invalid {
                path,
                errors,
                first,
            } => {
                out.flush()?;
                show_errors(errors, first);
                if !run.quiet {
                    writeln!(out, "{}", invalid_summary(path, errors.len()))?;
                }
            }
        }
    }
    if run.quiet {
        return Ok(());
    }
    writeln!(out, "\n{}", run_summary(run))
}

/// `path: invalid (2 input errors)`.
pub(crate) fn invalid_summary(path: &str, errors: usize) -> String {
    format!("{path}: invalid ({})", plural(errors, "input error"))
}

/// Most files a failure line names; the rest are counted.
const NAMED_FILES: usize = 5;

/// The closing line of a run with input errors: how many, and in which files
/// (`3 input errors in 2 files, nothing was checked as passing: a.yaml (1),
/// b.rules (2)`), at most [`NAMED_FILES`] of them by name.
pub(crate) fn input_failure(errors: &[InputError]) -> String {
    let mut files: Vec<(&str, usize)> = Vec::new();
    let mut index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for e in errors {
        let slot = *index.entry(&e.path).or_insert_with(|| {
            files.push((&e.path, 0));
            files.len() - 1
        });
        if let Some((_, n)) = files.get_mut(slot) {
            *n += 1;
        }
    }
    let mut named: Vec<String> = files
        .iter()
        .take(NAMED_FILES)
        .map(|(path, n)| format!("{path} ({n})"))
        .collect();
    if files.len() > NAMED_FILES {
        named.push(format!("and {} more", files.len() - NAMED_FILES));
    }
    format!(
        "{} in {}, so the run fails (exit 2): {}",
        plural(errors.len(), "input error"),
        plural(files.len(), "file"),
        named.join(", ")
    )
}

/// Writes the failing findings of one file as diagnostics, nothing else.
fn write_findings(report: &FileReport, style: Style, out: &mut dyn Write) -> io::Result<()> {
    let mut lines = Lines::new(Arc::clone(&report.source.text));
    for finding in report.findings.iter().filter(|f| f.fails_run()) {
        write_finding(&finding_diagnostic(&mut lines, report, finding), style, out)?;
    }
    Ok(())
}

/// `checked 12 files: 3 errors, 1 warning, 2 waived, 0 invalid`.
pub(crate) fn run_summary(run: &CheckRun) -> String {
    let t = run.totals();
    let baseline = run.baseline_fixed().map_or_else(String::new, |fixed| {
        format!(", {} known, {fixed} fixed", t.known)
    });
    format!(
        "checked {}: {}, {}, {} waived{baseline}, {} invalid",
        plural(run.scenario_files, "file"),
        plural(t.errors, "error"),
        plural(t.warnings, "warning"),
        t.waived,
        run.invalid_files
    )
}

/// `1 error`, `2 errors`.
pub(crate) fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testing::sample_run;

    #[test]
    fn a_report_without_its_text_still_renders() {
        let run = sample_run();
        let Some(mut report) = run.reports.into_iter().find(|r| r.errors() > 0) else {
            panic!("no report with errors");
        };
        let style = Style {
            color: false,
            width: 100,
        };
        let with_text = render_file(&report, style);
        report.drop_text();
        let without = render_file(&report, style);
        assert!(without.len() < with_text.len());
        for f in report.findings.iter().filter(|f| f.waived.is_none()) {
            assert!(without.contains(&format!("{}\n\n", f.rule)), "{}", f.rule);
        }
        assert!(without.ends_with(&format!("{}\n", file_summary(&report))));
    }
}
