//! Reports: the findings of each checked file, rendered for people or machines.

pub mod human;
pub mod json;
pub mod snippet;

use serde::Serialize;

use crate::lang::ast::Severity;
use crate::scenario::Expectation;
use crate::source::SourceFile;

/// Where a finding points: the subject's entry in the scenario file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Location {
    /// The scenario file.
    pub path: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

/// One rule that does not hold for one subject.
#[derive(Clone, Debug)]
pub struct Finding {
    /// The rule id.
    pub rule: String,
    /// Error or warning.
    pub severity: Severity,
    /// The id of the entity it is about.
    pub subject: String,
    /// The rule's one-line summary.
    pub summary: String,
    /// What is wrong.
    pub problem: String,
    /// What to do.
    pub fix: Option<String>,
    /// The subject's entry.
    pub location: Location,
    /// Byte offset of the subject's entry (for snippets).
    pub offset: u32,
    /// Length of the marked token.
    pub len: u32,
    /// Other entities involved, sorted.
    pub related: Vec<String>,
}

impl Finding {
    /// The full message: what is wrong and what to do.
    pub fn message(&self) -> String {
        match &self.fix {
            Some(fix) => format!("{}; {fix}", self.problem),
            None => self.problem.clone(),
        }
    }
}

/// The findings of one scenario file.
#[derive(Debug)]
pub struct FileReport {
    /// The file's display name.
    pub path: String,
    /// The scenario's display name, if it has one.
    pub scenario: Option<String>,
    /// Findings ordered by location, then rule.
    pub findings: Vec<Finding>,
    /// The file's `expect` block, if any.
    pub expect: Option<Vec<Expectation>>,
    /// The file, for snippets.
    pub source: SourceFile,
}

impl FileReport {
    /// The number of error findings.
    pub fn errors(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count()
    }

    /// The number of warning findings.
    pub fn warnings(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .count()
    }
}
