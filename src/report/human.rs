//! The human report: one miette diagnostic per finding, with the scenario source
//! underlined at the subject and the fix as help.

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};
use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

use super::snippet::{Lines, Window};
use super::{CheckRun, FileReport, Finding};
use crate::lang::ast::Severity;

/// A finding as a miette diagnostic.
struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    src: NamedSource<Window>,
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
        let related = (!f.related.is_empty()).then(|| format!("related: {}", f.related_text()));
        let text = match (&f.fix, related) {
            (Some(fix), Some(rel)) => format!("{fix}\n{rel}"),
            (Some(fix), None) => fix.clone(),
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
        Some(Box::new(std::iter::once(span)))
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
pub fn handler(style: Style) -> GraphicalReportHandler {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false)
}

/// Renders any diagnostic.
pub fn render_diagnostic(diagnostic: &dyn Diagnostic, style: Style) -> String {
    let mut out = String::new();
    if handler(style).render_report(&mut out, diagnostic).is_err() {
        out = format!("{diagnostic}\n");
    }
    out
}

/// Renders the findings of one file, then its waived findings (one line each),
/// followed by its summary line (see [`write_file`]).
pub fn render_file(report: &FileReport, style: Style) -> String {
    super::render_to_string(|out| write_file(report, style, out))
        .unwrap_or_else(|e| format!("{}: {e}\n", report.path))
}

/// Writes the findings of one file, then its waived findings (one line each),
/// followed by its summary line. Each diagnostic is written as it is rendered.
pub fn write_file(report: &FileReport, style: Style, out: &mut dyn Write) -> io::Result<()> {
    // Each diagnostic sees only the lines around its finding (see `snippet`).
    let mut lines = Lines::new(Arc::clone(&report.source.text));
    for finding in report.findings.iter().filter(|f| f.waived.is_none()) {
        let window = lines.window(finding.offset as usize, finding.len as usize);
        let diagnostic = FindingDiagnostic {
            finding,
            src: NamedSource::new(&report.source.name, window).with_language("yaml"),
        };
        out.write_all(render_diagnostic(&diagnostic, style).as_bytes())?;
        out.write_all(b"\n")?;
    }
    for finding in &report.findings {
        if let Some(line) = waived_line(finding) {
            out.write_all(line.as_bytes())?;
        }
    }
    writeln!(out, "{}", file_summary(report))
}

/// A waived finding in two lines: what, and who accepted it until when and why.
fn waived_line(f: &Finding) -> Option<String> {
    let w = f.waived.as_ref()?;
    let loc = &f.location;
    Some(format!(
        "waived {} on {} at {}:{}:{}: {}\n  waiver: {} (owner {}, expires {}, {}:{}:{})\n\n",
        f.rule,
        f.subject,
        loc.path,
        loc.line,
        loc.column,
        f.problem,
        w.reason,
        w.owner,
        w.expires,
        w.location.path,
        w.location.line,
        w.location.column
    ))
}

/// `path: 2 errors, 1 warning` (or `path: ok`), with `, 1 waived` when some are.
pub fn file_summary(report: &FileReport) -> String {
    let (e, w, x) = (report.errors(), report.warnings(), report.waived());
    let waived = if x > 0 {
        format!(", {x} waived")
    } else {
        String::new()
    };
    if e == 0 && w == 0 {
        format!("{}: ok{waived}", report.path)
    } else {
        format!(
            "{}: {}, {}{waived}",
            report.path,
            plural(e, "error"),
            plural(w, "warning")
        )
    }
}

/// Writes every report of a run and the closing summary line.
pub fn write_run(run: &CheckRun, style: Style, out: &mut dyn Write) -> io::Result<()> {
    for report in &run.reports {
        write_file(report, style, out)?;
    }
    writeln!(out, "\n{}", run_summary(run))
}

/// `checked 12 files: 3 errors, 1 warning, 2 waived, 0 invalid`.
pub fn run_summary(run: &CheckRun) -> String {
    let t = run.totals();
    format!(
        "checked {}: {}, {}, {} waived, {} invalid",
        plural(run.scenario_files, "file"),
        plural(t.errors, "error"),
        plural(t.warnings, "warning"),
        t.waived,
        run.invalid_files
    )
}

/// `1 error`, `2 errors`.
pub fn plural(n: usize, word: &str) -> String {
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
