//! The human report's lines about a baseline: each known finding in one line
//! (it does not fail, so it gets no diagnostic), each fixed entry in one line,
//! and the counts for the file's summary.

use std::io::{self, Write};

use super::FileReport;
use crate::escape;

/// Writes the known findings and the fixed entries of a file.
pub(crate) fn write(report: &FileReport, out: &mut dyn Write) -> io::Result<()> {
    for f in report.findings.iter().filter(|f| f.is_known()) {
        let loc = &f.location;
        writeln!(
            out,
            "known {} on {} at {}:{}:{} (in the baseline): {}",
            escape::value(&f.rule),
            escape::value(&f.subject),
            escape::value(&loc.path),
            loc.line,
            loc.column,
            escape::value(&f.problem)
        )?;
    }
    for fixed in report.fixed.iter().flatten() {
        writeln!(
            out,
            "fixed {} on {} (in the baseline, no longer found)",
            escape::value(&fixed.rule),
            escape::value(&fixed.subject)
        )?;
    }
    if report.known() > 0 || report.fixed.as_ref().is_some_and(|f| !f.is_empty()) {
        writeln!(out)?;
    }
    Ok(())
}

/// `, 2 known, 1 fixed` when the file was compared with a baseline.
pub(crate) fn counts(report: &FileReport) -> String {
    match &report.fixed {
        Some(fixed) => format!(", {} known, {} fixed", report.known(), fixed.len()),
        None => String::new(),
    }
}
