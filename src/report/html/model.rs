//! What the check page shows, read from the JSON report value: one row per
//! finding, counts per rule and per customer, and the input errors.
//!
//! The page's script derives its rows from the same embedded JSON in the same
//! way (`report.js`, `findingRows`); the browser tests compare the two.

use serde_json::Value;
use std::collections::HashMap;

/// A field of a JSON object as text ("" when absent or not a string).
pub(crate) fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// A field of a JSON object as a number (0 when absent or not a number).
pub(crate) fn number(v: &Value, key: &str) -> u64 {
    v.get(key).and_then(Value::as_u64).unwrap_or(0)
}

/// A field of a JSON object as a list (empty when absent or not a list).
pub(crate) fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// One finding as a table row.
pub(crate) struct Row<'a> {
    /// Rule id.
    pub rule: &'a str,
    /// `error` or `warning`.
    pub severity: &'a str,
    /// The subject's id.
    pub subject: &'a str,
    /// The customer it concerns ("" when none).
    pub customer: &'a str,
    /// The message without its fix.
    pub problem: &'a str,
    /// What to do ("" when the rule gives nothing).
    pub fix: &'a str,
    /// The file.
    pub path: &'a str,
    /// 1-based line and column.
    pub line: u64,
    /// 1-based column.
    pub column: u64,
    /// `waived`, `known`, `new` or "" (see [`status`]).
    pub status: &'static str,
    /// The waiver's reason, owner and end date, for a waived finding.
    pub waiver: Option<String>,
}

/// A finding's status: waived, baseline-known, baseline-new, or open ("").
pub(crate) fn status(finding: &Value) -> &'static str {
    if finding.get("waived").is_some_and(|w| !w.is_null()) {
        return "waived";
    }
    match text(finding, "baseline") {
        "known" => "known",
        "new" => "new",
        _ => "",
    }
}

/// The message without the fix that the JSON report appends to it (`; fix`).
pub(crate) fn problem<'a>(message: &'a str, fix: &str) -> &'a str {
    if fix.is_empty() {
        return message;
    }
    message
        .strip_suffix(fix)
        .and_then(|m| m.strip_suffix("; "))
        .unwrap_or(message)
}

impl<'a> Row<'a> {
    fn of(finding: &'a Value) -> Row<'a> {
        let fix = text(finding, "fix");
        let location = finding.get("location").unwrap_or(&Value::Null);
        let waiver = finding.get("waived").filter(|w| w.is_object()).map(|w| {
            format!(
                "{} ({}, until {})",
                text(w, "reason"),
                text(w, "owner"),
                text(w, "expires")
            )
        });
        Row {
            rule: text(finding, "rule"),
            severity: text(finding, "severity"),
            subject: text(finding, "subject"),
            customer: text(finding, "customer"),
            problem: problem(text(finding, "message"), fix),
            fix,
            path: text(location, "path"),
            line: number(location, "line"),
            column: number(location, "column"),
            status: status(finding),
            waiver,
        }
    }

    /// Whether the finding counts against the run (not waived).
    pub(crate) fn is_active(&self) -> bool {
        self.status != "waived"
    }
}

/// Counts of one rule's findings.
#[derive(Default)]
pub(crate) struct RuleStat<'a> {
    /// Rule id.
    pub id: &'a str,
    /// Its severity.
    pub severity: &'a str,
    /// Its one-line summary.
    pub summary: &'a str,
    /// Its documentation.
    pub doc: &'a str,
    /// Findings that are not waived.
    pub active: u64,
    /// Waived findings.
    pub waived: u64,
}

/// A customer's readiness to move.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Readiness {
    /// Error findings (not waived) stand in the way.
    Blocked,
    /// No error finding, and subscriptions to move.
    Ready,
    /// No subscription in the book.
    NothingToMove,
}

impl Readiness {
    /// The word the page and its tests use (`data-readiness`).
    pub(crate) fn key(self) -> &'static str {
        match self {
            Readiness::Blocked => "blocked",
            Readiness::Ready => "ready",
            Readiness::NothingToMove => "nothing",
        }
    }
}

/// Counts of one customer's findings.
pub(crate) struct CustomerStat<'a> {
    /// The file it is in.
    pub path: &'a str,
    /// Its id.
    pub id: &'a str,
    /// Its subscriptions in the book.
    pub subscriptions: u64,
    /// Error findings, not waived.
    pub errors: u64,
    /// Warning findings, not waived.
    pub warnings: u64,
    /// Waived findings.
    pub waived: u64,
}

impl CustomerStat<'_> {
    /// Blocked by errors, else nothing to move without subscriptions, else ready.
    pub(crate) fn readiness(&self) -> Readiness {
        if self.errors > 0 {
            Readiness::Blocked
        } else if self.subscriptions == 0 {
            Readiness::NothingToMove
        } else {
            Readiness::Ready
        }
    }
}

/// Everything the check page shows.
pub(crate) struct Model<'a> {
    /// Every finding, file by file, in report order.
    pub rows: Vec<Row<'a>>,
    /// Rules in load order, then rules that only findings name (waiver rules).
    pub rules: Vec<RuleStat<'a>>,
    /// Customers file by file, in file order.
    pub customers: Vec<CustomerStat<'a>>,
    /// The input errors.
    pub errors: &'a [Value],
    /// The run's summary.
    pub summary: &'a Value,
    /// Checked files: path and scenario name.
    pub files: Vec<(&'a str, &'a str)>,
}

impl<'a> Model<'a> {
    /// Reads the model from a JSON report.
    pub(crate) fn of(report: &'a Value) -> Model<'a> {
        let files = list(report, "files");
        let rows: Vec<Row<'a>> = files
            .iter()
            .flat_map(|f| list(f, "findings").iter().map(Row::of))
            .collect();
        Model {
            rules: rule_stats(list(report, "rules"), &rows),
            customers: customer_stats(files, &rows),
            errors: list(report, "errors"),
            summary: report.get("summary").unwrap_or(&Value::Null),
            // Invalid files (listed with their `errors`) were not checked;
            // their errors are in the report's `errors`.
            files: files
                .iter()
                .filter(|f| f.get("errors").is_none())
                .map(|f| (text(f, "path"), text(f, "scenario")))
                .collect(),
            rows,
        }
    }

    /// Findings marked known by a baseline.
    pub(crate) fn known(&self) -> u64 {
        self.rows.iter().filter(|r| r.status == "known").count() as u64
    }

    /// Whether any finding carries a baseline state.
    pub(crate) fn has_baseline(&self) -> bool {
        self.rows
            .iter()
            .any(|r| matches!(r.status, "known" | "new"))
    }
}

fn rule_stats<'a>(rules: &'a [Value], rows: &[Row<'a>]) -> Vec<RuleStat<'a>> {
    let mut stats: Vec<RuleStat<'a>> = rules
        .iter()
        .map(|r| RuleStat {
            id: text(r, "id"),
            severity: text(r, "severity"),
            summary: text(r, "summary"),
            doc: text(r, "doc"),
            ..RuleStat::default()
        })
        .collect();
    let mut index: HashMap<&str, usize> =
        stats.iter().enumerate().map(|(i, s)| (s.id, i)).collect();
    for row in rows {
        let i = *index.entry(row.rule).or_insert_with(|| {
            stats.push(RuleStat {
                id: row.rule,
                severity: row.severity,
                ..RuleStat::default()
            });
            stats.len() - 1
        });
        if let Some(stat) = stats.get_mut(i) {
            if row.is_active() {
                stat.active += 1;
            } else {
                stat.waived += 1;
            }
        }
    }
    stats
}

fn customer_stats<'a>(files: &'a [Value], rows: &[Row<'a>]) -> Vec<CustomerStat<'a>> {
    let mut stats = Vec::new();
    let mut index: HashMap<(&str, &str), usize> = HashMap::new();
    for file in files {
        let path = text(file, "path");
        for c in list(file, "customers") {
            index.insert((path, text(c, "id")), stats.len());
            stats.push(CustomerStat {
                path,
                id: text(c, "id"),
                subscriptions: number(c, "subscriptions"),
                errors: 0,
                warnings: 0,
                waived: 0,
            });
        }
    }
    for row in rows.iter().filter(|r| !r.customer.is_empty()) {
        let Some(stat) = index
            .get(&(row.path, row.customer))
            .and_then(|&i| stats.get_mut(i))
        else {
            continue;
        };
        match (row.is_active(), row.severity) {
            (false, _) => stat.waived += 1,
            (true, "error") => stat.errors += 1,
            (true, _) => stat.warnings += 1,
        }
    }
    stats
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fix_is_split_off_the_message() {
        assert_eq!(problem("a is wrong; do b", "do b"), "a is wrong");
        assert_eq!(problem("a is wrong", ""), "a is wrong");
        // A fix that is not the message's tail leaves the message whole.
        assert_eq!(problem("a is wrong", "do b"), "a is wrong");
    }
}
