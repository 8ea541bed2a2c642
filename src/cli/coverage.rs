//! Rule coverage for `eligo test --coverage`: over the scenarios run, which rules
//! fired, which never fired, and which never reached a subject at all.
//!
//! A rule is *vacuous* over a test suite when its `for`/`let`/`where` clauses
//! never produced a complete binding, so its `require` was never evaluated: no
//! scenario exercises it, and a broken condition would go unnoticed. A rule that
//! was reached but *never fired* has no failing example.

use serde::Serialize;

use crate::program::Program;
use crate::report::FileReport;

/// Where a rule stands over the scenarios run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Status {
    /// No binding ever reached `require`.
    Vacuous,
    /// Bindings reached `require`, and it always held.
    NeverFired,
    /// It produced at least one finding.
    Fired,
}

impl Status {
    fn label(self) -> &'static str {
        match self {
            Status::Vacuous => "vacuous",
            Status::NeverFired => "never fired",
            Status::Fired => "fired",
        }
    }
}

/// Coverage of one rule.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct RuleCoverage {
    /// The rule id.
    pub rule: String,
    /// `error` or `warning`.
    pub severity: &'static str,
    /// The rule file.
    pub file: String,
    /// The rule's line in it.
    pub line: usize,
    /// Vacuous, never fired, or fired.
    pub status: Status,
    /// Findings produced, over all scenarios.
    pub findings: usize,
    /// Scenarios in which it produced a finding.
    pub scenarios_fired: usize,
    /// Bindings that reached `require`, over all scenarios.
    pub bindings: u64,
    /// Scenarios in which at least one binding reached `require`.
    pub scenarios_reached: usize,
}

/// Coverage of every loaded rule.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Coverage {
    /// Scenarios that loaded and were evaluated.
    pub scenarios: usize,
    /// One entry per rule, in load order.
    pub rules: Vec<RuleCoverage>,
}

impl Coverage {
    /// Empty coverage of the rules of `program`.
    pub(crate) fn new(program: &Program) -> Self {
        let rules = program
            .rules
            .iter()
            .map(|r| RuleCoverage {
                rule: r.id.clone(),
                severity: r.severity.as_str(),
                file: program
                    .files
                    .get(r.file)
                    .map_or(String::new(), |f| f.name.clone()),
                line: r.line(program),
                status: Status::Vacuous,
                findings: 0,
                scenarios_fired: 0,
                bindings: 0,
                scenarios_reached: 0,
            })
            .collect();
        Coverage {
            scenarios: 0,
            rules,
        }
    }

    /// Adds one evaluated scenario: its report and, per rule, the bindings that
    /// reached `require` (as returned by [`crate::check::check_file_counted`]).
    pub(crate) fn add(&mut self, program: &Program, report: &FileReport, reached: &[u64]) {
        self.scenarios += 1;
        for (i, entry) in self.rules.iter_mut().enumerate() {
            let n = reached.get(i).copied().unwrap_or(0);
            entry.bindings += n;
            entry.scenarios_reached += usize::from(n > 0);
            let id = program.rules.get(i).map_or("", |r| r.id.as_str());
            let findings = report.findings.iter().filter(|f| &*f.rule == id).count();
            entry.findings += findings;
            entry.scenarios_fired += usize::from(findings > 0);
            entry.status = if entry.findings > 0 {
                Status::Fired
            } else if entry.bindings > 0 {
                Status::NeverFired
            } else {
                Status::Vacuous
            };
        }
    }

    /// The human table: a summary line, then the rules, vacuous and never-fired first.
    pub(crate) fn render(&self) -> String {
        let count = |s: Status| self.rules.iter().filter(|r| r.status == s).count();
        let mut out = format!(
            "coverage over {} scenarios: {} rules, {} fired, {} never fired, {} vacuous\n",
            self.scenarios,
            self.rules.len(),
            count(Status::Fired),
            count(Status::NeverFired),
            count(Status::Vacuous),
        );
        let mut rows: Vec<&RuleCoverage> = self.rules.iter().collect();
        rows.sort_by_key(|r| r.status);
        // Rule ids come from rule files: the column is bounded (see `rules`).
        let width = rows.iter().map(|r| r.rule.len()).max().unwrap_or(0).min(40);
        for r in rows {
            let detail = match r.status {
                Status::Fired => format!(
                    "{} in {} (bindings: {})",
                    plural(r.findings, "finding"),
                    plural(r.scenarios_fired, "scenario"),
                    r.bindings
                ),
                Status::NeverFired => format!(
                    "held for all {} bindings in {}",
                    r.bindings,
                    plural(r.scenarios_reached, "scenario")
                ),
                Status::Vacuous => "no binding reached `require`".to_string(),
            };
            out.push_str(&format!(
                "  {:<11}  {:<width$}  {detail}  ({}:{})\n",
                r.status.label(),
                crate::escape::value(&r.rule),
                crate::escape::value(&r.file),
                r.line
            ));
        }
        out
    }
}

fn plural(n: usize, word: &str) -> String {
    crate::report::human::plural(n, word)
}
