//! [`Engine::test`]: a scenario's `expect:` block against its findings
//! (`eligo test`, DOMAIN.md section 4).

use std::collections::BTreeSet;

use super::{CheckOptions, Engine, Errors};
use crate::check::FileOutcome;
use crate::report::FileReport;

/// The verdict on one scenario.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Findings equal the expectations.
    Pass,
    /// They differ.
    Fail {
        /// Expected pairs that were not produced.
        missing: Vec<(String, String)>,
        /// Produced pairs that were not expected.
        unexpected: Vec<(String, String)>,
    },
    /// The file has no `expect` block.
    NoExpectations,
}

/// Compares a report's findings with its `expect` block.
pub(crate) fn verdict(report: &FileReport) -> Verdict {
    let Some(expect) = &report.expect else {
        return Verdict::NoExpectations;
    };
    let expected: BTreeSet<(String, String)> = expect
        .iter()
        .map(|e| (e.rule.clone(), e.subject.clone()))
        .collect();
    let actual: BTreeSet<(String, String)> = report
        .findings
        .iter()
        .map(|f| (f.rule.to_string(), f.subject.clone()))
        .collect();
    let missing: Vec<_> = expected.difference(&actual).cloned().collect();
    let unexpected: Vec<_> = actual.difference(&expected).cloned().collect();
    if missing.is_empty() && unexpected.is_empty() {
        Verdict::Pass
    } else {
        Verdict::Fail {
            missing,
            unexpected,
        }
    }
}

/// A scenario's `expect:` block compared with its findings: it passes when
/// the (rule, subject) pairs found equal the pairs expected, exactly.
#[derive(Debug, serde::Serialize)]
pub struct TestReport {
    path: String,
    expectations: bool,
    missing: Vec<(String, String)>,
    unexpected: Vec<(String, String)>,
}

impl TestReport {
    /// The scenario's path, as given.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Whether the scenario has an `expect:` block (without one it neither
    /// passes nor fails: `eligo test` skips it).
    pub fn has_expectations(&self) -> bool {
        self.expectations
    }

    /// Whether the findings equal the expectations.
    pub fn passed(&self) -> bool {
        self.expectations && self.missing.is_empty() && self.unexpected.is_empty()
    }

    /// Expected (rule, subject) pairs that no finding gave.
    pub fn missing(&self) -> &[(String, String)] {
        &self.missing
    }

    /// (rule, subject) pairs found but not expected.
    pub fn unexpected(&self) -> &[(String, String)] {
        &self.unexpected
    }
}

impl Engine {
    /// Runs the `expect:` block of one scenario held in memory. A scenario
    /// that is not valid (or whose `expect` names an unknown rule or
    /// subject) gives its errors.
    pub fn test(
        &self,
        name: impl Into<String>,
        text: impl Into<Vec<u8>>,
        options: &CheckOptions,
    ) -> Result<TestReport, Errors> {
        let report = match self.check_one(name.into(), text.into(), options) {
            FileOutcome::Checked(report) => report,
            FileOutcome::Invalid { errors, .. } => return Err(Errors::from_vec(errors)),
        };
        let (expectations, missing, unexpected) = match verdict(&report) {
            Verdict::Pass => (true, Vec::new(), Vec::new()),
            Verdict::Fail {
                missing,
                unexpected,
            } => (true, missing, unexpected),
            Verdict::NoExpectations => (false, Vec::new(), Vec::new()),
        };
        Ok(TestReport {
            path: report.path,
            expectations,
            missing,
            unexpected,
        })
    }
}
