//! Waivers: accepted findings, written down with a reason, an owner and an expiry date.
//!
//! A waiver names a rule and a subject; it waives the findings of that rule on
//! that subject in every checked scenario whose `as_of` is on or before its
//! `expires` date. A waived finding is still reported, marked as waived, but does
//! not fail the run. A waiver past its date no longer waives and is itself an
//! error finding (`waiver-expired`); a waiver that matches no finding is a warning
//! finding (`waiver-unused`). Both are located in the waivers file, which is
//! reported like a scenario file.

pub(crate) mod error;
pub(crate) mod fields;
pub(crate) mod load;

use std::collections::HashMap;
use std::sync::Arc;

pub(crate) use error::{WaiverCode, WaiverError};
pub(crate) use load::{read_waivers, WaiverFile};

use crate::date::format_date;
use crate::report::{FileKind, FileReport, Finding, Location, RuleInfo, Waived};
use crate::scenario::Pos;
use crate::vocab::Severity;

/// The rule id of the finding on a waiver past its `expires` date.
pub(crate) const EXPIRED_RULE: &str = "waiver-expired";
/// The rule id of the finding on a waiver that matches no finding.
pub(crate) const UNUSED_RULE: &str = "waiver-unused";

const EXPIRED_SUMMARY: &str = "A waiver must not be past its expiry date";
const UNUSED_SUMMARY: &str = "A waiver must match a finding";

/// One accepted finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waiver {
    /// The rule id of the findings it waives.
    pub rule: String,
    /// The subject id of the findings it waives.
    pub subject: String,
    /// Why the finding is accepted.
    pub reason: String,
    /// Who answers for it.
    pub owner: String,
    /// The last day it applies (days since 1970-01-01).
    pub expires: i32,
    /// Its entry in the waivers file (the first key).
    pub pos: Pos,
}

impl Waiver {
    fn location(&self, path: &Arc<str>) -> Location {
        Location {
            path: Arc::clone(path),
            line: self.pos.line,
            column: self.pos.column,
        }
    }

    fn waived(&self, path: &Arc<str>) -> Waived {
        Waived {
            reason: self.reason.clone(),
            owner: self.owner.clone(),
            expires: format_date(self.expires),
            location: self.location(path),
        }
    }
}

/// The two rules about waivers, for reports that describe rules.
pub(crate) fn rule_infos() -> Vec<RuleInfo> {
    vec![
        RuleInfo {
            id: EXPIRED_RULE.into(),
            severity: Severity::Error,
            summary: EXPIRED_SUMMARY.into(),
            doc: "A waiver accepts a finding until its `expires` date. Past that date (compared \
                  with the scenario's `as_of`) it no longer waives anything, and it is reported \
                  itself so that accepted risks are reviewed, not forgotten.\n\n\
                  Fix: resolve the finding, or renew the waiver with a later `expires` date."
                .into(),
        },
        RuleInfo {
            id: UNUSED_RULE.into(),
            severity: Severity::Warning,
            summary: UNUSED_SUMMARY.into(),
            doc: "A waiver that matches no finding in any checked file is stale: the problem \
                  was fixed, or the rule or subject id is misspelled.\n\n\
                  Fix: remove the waiver, or correct its `rule` and `subject`."
                .into(),
        },
    ]
}

/// A second waiver for a rule and subject already waived (in any of `files`) is
/// an input error. [`load::parse_waivers`] checks this within a file; the command checks
/// it across the `--waivers` files.
pub(crate) fn duplicates(files: &[WaiverFile]) -> Vec<WaiverError> {
    let mut first: HashMap<(&str, &str), (usize, Pos)> = HashMap::new();
    let mut errors = Vec::new();
    for (index, file) in files.iter().enumerate() {
        for w in &file.waivers {
            let Some(&(first_file, first_pos)) = first.get(&(w.rule.as_str(), w.subject.as_str()))
            else {
                first.insert((&w.rule, &w.subject), (index, w.pos));
                continue;
            };
            let first_path = files.get(first_file).map_or("", |f| f.source.name.as_str());
            let same_file = first_file == index;
            errors.push(WaiverError {
                code: WaiverCode::DuplicateWaiver,
                message: format!("`{}` on `{}` is waived twice", w.rule, w.subject),
                label: "second waiver".into(),
                help: Some(format!(
                    "the first waiver is at {first_path}:{}:{}; keep one of the two",
                    first_pos.line, first_pos.column
                )),
                path: file.source.name.clone(),
                pos: Some(w.pos),
                also: same_file.then(|| ("first waiver".to_string(), first_pos)),
                src: Some(file.source.named_source()),
            });
        }
    }
    errors
}

/// How one waiver fared against the checked scenarios.
#[derive(Clone, Debug, Default)]
struct Usage {
    /// Findings it waived.
    waived: usize,
    /// The latest `as_of`, and its file, of a scenario where it matched but had expired.
    expired_in: Option<(i32, String)>,
}

/// Marks the findings of `reports` that a waiver covers, and returns one report per
/// waivers file with the findings about its waivers.
///
/// `complete` says every scenario file was valid: only then is a waiver that
/// matched nothing reported as unused. `today` stands in for scenarios without
/// `as_of`.
pub(crate) fn apply(
    files: &[WaiverFile],
    reports: &mut [FileReport],
    complete: bool,
    today: i32,
) -> Vec<FileReport> {
    let mut index: HashMap<(&str, &str), (usize, usize)> = HashMap::new();
    for (f, file) in files.iter().enumerate() {
        for (w, waiver) in file.waivers.iter().enumerate() {
            index.insert((&waiver.rule, &waiver.subject), (f, w));
        }
    }
    // Each file's path, shared by the waivers it lends to findings.
    let paths: Vec<Arc<str>> = files
        .iter()
        .map(|f| Arc::from(f.source.name.as_str()))
        .collect();
    let mut usage: Vec<Vec<Usage>> = files
        .iter()
        .map(|f| vec![Usage::default(); f.waivers.len()])
        .collect();
    for report in reports.iter_mut() {
        let as_of = report.as_of.unwrap_or(today);
        for finding in &mut report.findings {
            let Some(&(f, w)) = index.get(&(&*finding.rule, finding.subject.as_str())) else {
                continue;
            };
            let (Some(file), Some(path)) = (files.get(f), paths.get(f)) else {
                continue;
            };
            let Some(waiver) = file.waivers.get(w) else {
                continue;
            };
            let Some(used) = usage.get_mut(f).and_then(|u| u.get_mut(w)) else {
                continue;
            };
            if as_of <= waiver.expires {
                finding.waived = Some(Box::new(waiver.waived(path)));
                used.waived += 1;
            } else if used.expired_in.as_ref().is_none_or(|(d, _)| as_of > *d) {
                used.expired_in = Some((as_of, report.path.clone()));
            }
        }
    }
    let latest = reports
        .iter()
        .filter_map(|r| r.as_of)
        .max()
        .unwrap_or(today);
    files
        .iter()
        .zip(usage)
        .map(|(file, usage)| waivers_report(file, &usage, latest, complete))
        .collect()
}

/// The report of one waivers file: a finding per expired or unused waiver.
fn waivers_report(file: &WaiverFile, usage: &[Usage], latest: i32, complete: bool) -> FileReport {
    let path: Arc<str> = Arc::from(file.source.name.as_str());
    let findings = file
        .waivers
        .iter()
        .zip(usage)
        .filter_map(|(w, u)| verdict(w, u, latest, complete).map(|v| finding(w, &path, v)))
        .collect();
    FileReport {
        path: file.source.name.clone(),
        scenario: None,
        kind: FileKind::Waivers,
        as_of: None,
        findings,
        customers: Vec::new(),
        expect: None,
        source: file.source.clone(),
        fixed: None,
    }
}

/// What is wrong with a waiver: the rule, the problem and the fix.
struct Verdict {
    rule: &'static str,
    problem: String,
    fix: String,
}

fn verdict(w: &Waiver, u: &Usage, latest: i32, complete: bool) -> Option<Verdict> {
    let what = format!("the waiver for {} on {}", w.rule, w.subject);
    let expires = format_date(w.expires);
    if let Some((as_of, path)) = &u.expired_in {
        return Some(Verdict {
            rule: EXPIRED_RULE,
            problem: format!(
                "{what} expired on {expires}, before {path} (as of {}), so it no longer waives the finding there",
                format_date(*as_of)
            ),
            fix: format!("resolve the finding, or renew the waiver with an `expires` date on or after {}", format_date(*as_of)),
        });
    }
    if u.waived > 0 {
        return None;
    }
    if w.expires < latest {
        return Some(Verdict {
            rule: EXPIRED_RULE,
            problem: format!(
                "{what} expired on {expires} (the checked scenarios are as of {}) and matches no finding",
                format_date(latest)
            ),
            fix: "remove the waiver".into(),
        });
    }
    complete.then(|| Verdict {
        rule: UNUSED_RULE,
        problem: format!("{what} matches no finding in the checked files"),
        fix: "remove the waiver if the finding is resolved, or correct its `rule` and `subject`"
            .into(),
    })
}

fn finding(w: &Waiver, path: &Arc<str>, v: Verdict) -> Finding {
    let (severity, summary) = if v.rule == EXPIRED_RULE {
        (Severity::Error, EXPIRED_SUMMARY)
    } else {
        (Severity::Warning, UNUSED_SUMMARY)
    };
    Finding {
        rule: Arc::from(v.rule),
        severity,
        subject: w.subject.clone(),
        customer: None,
        summary: Arc::from(summary),
        problem: v.problem,
        fix: Some(v.fix),
        location: w.location(path),
        offset: w.pos.offset,
        len: w.pos.len,
        related: Vec::new(),
        related_more: 0,
        waived: None,
        places: Vec::new(),
        baseline: None,
    }
}
