//! Reports: the findings of each checked file, rendered for people or machines.

pub(crate) mod baseline_lines;
pub(crate) mod concise;
pub(crate) mod customers;
pub(crate) mod errors;
pub(crate) mod github;
pub(crate) mod grouped;
pub(crate) mod html;
pub(crate) mod human;
pub(crate) mod json;
pub(crate) mod junit;
pub(crate) mod markdown;
pub(crate) mod safe;
pub(crate) mod sarif;
mod sarif_baseline;
pub(crate) mod sarif_ids;
mod sarif_place;
pub(crate) use crate::source::snippet;
pub(crate) mod snippet_places;

use serde::Serialize;
use std::fmt;
use std::io;
use std::sync::Arc;

pub use errors::InputError;

use crate::scenario::Expectation;
use crate::source::SourceFile;
use crate::vocab::Severity;

/// Where a finding points: the subject's entry in the scenario file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Location {
    /// The scenario file (shared by the findings of a file).
    #[serde(serialize_with = "shared_str")]
    pub(crate) path: Arc<str>,
    /// 1-based line.
    pub(crate) line: u32,
    /// 1-based column.
    pub(crate) column: u32,
}

/// Runs a report writer into memory and returns the text, for callers that
/// want a string rather than a stream (tests, benchmarks).
fn render_to_string(write: impl FnOnce(&mut Vec<u8>) -> io::Result<()>) -> io::Result<String> {
    let mut buf = Vec::new();
    write(&mut buf)?;
    String::from_utf8(buf).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// Serializes shared text as a plain string, as a `String` would be.
fn shared_str<S: serde::Serializer>(text: &Arc<str>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(text)
}

/// One rule that does not hold for one subject.
///
/// A big scenario has tens of thousands of findings, so what they have in
/// common is shared rather than copied: the rule id and summary (one copy per
/// rule) and the location's path (one per file).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Finding {
    /// The rule id.
    pub(crate) rule: Arc<str>,
    /// Error or warning.
    pub(crate) severity: Severity,
    /// The id of the entity it is about.
    pub(crate) subject: String,
    /// The customer it concerns (the subject, or the customer the subject
    /// names; see [`customers`]), shared by that customer's findings.
    pub(crate) customer: Option<Arc<str>>,
    /// The rule's one-line summary.
    pub(crate) summary: Arc<str>,
    /// What is wrong.
    pub(crate) problem: String,
    /// What to do.
    pub(crate) fix: Option<String>,
    /// The subject's entry.
    pub(crate) location: Location,
    /// Byte offset of the subject's entry (for snippets).
    pub(crate) offset: u32,
    /// Length of the marked token.
    pub(crate) len: u32,
    /// Other entities involved, sorted (at most [`crate::eval::MAX_RELATED`]).
    pub(crate) related: Vec<String>,
    /// How many more related entities the rule named past those listed
    /// (0 nearly always; see [`crate::eval::Related::more`]).
    pub(crate) related_more: u64,
    /// The waiver that accepts this finding, if one does; a waived finding
    /// does not fail the run and is counted apart. Boxed: most findings are not
    /// waived, and they need not carry the room for a waiver.
    pub(crate) waived: Option<Box<Waived>>,
    /// The places to edit (the rule's `at` clause): transfer items,
    /// relationships, partnerships; empty when the rule names none.
    pub(crate) places: Vec<Place>,
    /// Whether a baseline knows this finding (`None` without `--baseline`).
    pub(crate) baseline: Option<BaselineState>,
}

/// A place a user must edit to resolve a finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Place {
    /// Where it is.
    #[serde(flatten)]
    pub location: Location,
    /// What it is (`item of tr-1`, `relationship with fabrikam`).
    pub label: String,
    /// Byte offset of the entry (for snippets).
    #[serde(skip)]
    pub offset: u32,
    /// Length of the marked token.
    #[serde(skip)]
    pub len: u32,
}

/// A finding compared with a baseline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum BaselineState {
    /// The baseline has it: shown, never failing.
    Known,
    /// The baseline does not have it: fails as usual.
    New,
}

/// A baseline entry of a checked file that no finding matches any more.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fixed {
    /// The rule id.
    pub rule: String,
    /// The subject's id.
    pub subject: String,
}

/// The waiver that covers a finding: why, who, until when, and where it is written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Waived {
    /// Why the finding is accepted.
    pub reason: String,
    /// Who answers for it.
    pub owner: String,
    /// The last day it applies (`YYYY-MM-DD`).
    pub expires: String,
    /// The waiver's entry in its waivers file.
    pub location: Location,
}

/// What a checked file is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    /// A scenario file: findings of the rules.
    #[default]
    Scenario,
    /// A waivers file: findings about its waivers (expired, unused).
    Waivers,
}

impl Finding {
    /// Whether a baseline knows this finding and no waiver covers it.
    pub fn is_known(&self) -> bool {
        self.waived.is_none() && self.baseline == Some(BaselineState::Known)
    }

    /// Whether this finding counts towards failing the run: not waived and
    /// not known to a baseline.
    pub fn fails_run(&self) -> bool {
        self.waived.is_none() && self.baseline != Some(BaselineState::Known)
    }

    /// The first place to edit, or the subject's entry when the rule names none.
    pub fn edit_location(&self) -> &Location {
        self.places.first().map_or(&self.location, |p| &p.location)
    }

    /// The full message: what is wrong and what to do, as text to format (the
    /// reports write it out without building a string per finding).
    pub fn message(&self) -> MessageText<'_> {
        MessageText {
            problem: &self.problem,
            fix: self.fix.as_deref(),
        }
    }

    /// The related ids as text: `a, b`, and `… and N more` past the cap.
    pub fn related_text(&self) -> String {
        let listed = self.related.join(", ");
        if self.related_more == 0 {
            listed
        } else {
            format!("{listed} and {} more", self.related_more)
        }
    }
}

/// A finding's full message: the problem, then `; ` and the fix when there is one.
#[derive(Clone, Copy, Debug)]
pub struct MessageText<'a> {
    problem: &'a str,
    fix: Option<&'a str>,
}

impl fmt::Display for MessageText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.problem)?;
        if let Some(fix) = self.fix {
            f.write_str("; ")?;
            f.write_str(fix)?;
        }
        Ok(())
    }
}

impl Serialize for MessageText<'_> {
    /// As a string, written piece by piece.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The findings of one scenario file.
#[derive(Debug)]
pub struct FileReport {
    /// The file's display name.
    pub path: String,
    /// The scenario's display name, if it has one.
    pub scenario: Option<String>,
    /// A scenario or a waivers file.
    pub kind: FileKind,
    /// The scenario's evaluation date (days since 1970-01-01), when it has one.
    pub as_of: Option<i32>,
    /// Findings ordered by location, then rule.
    pub findings: Vec<Finding>,
    /// The book's customers in file order (empty for a waivers file).
    pub customers: Vec<customers::CustomerEntry>,
    /// The file's `expect` block, if any.
    pub expect: Option<Vec<Expectation>>,
    /// The file, for snippets.
    pub source: SourceFile,
    /// Baseline entries of this file that no finding matches any more
    /// (`None` without `--baseline`).
    pub fixed: Option<Vec<Fixed>>,
}

impl FileReport {
    /// The number of error findings that are not waived.
    pub fn errors(&self) -> usize {
        self.active(Severity::Error)
    }

    /// The number of warning findings that are not waived.
    pub fn warnings(&self) -> usize {
        self.active(Severity::Warning)
    }

    /// The number of waived findings (of either severity).
    pub fn waived(&self) -> usize {
        self.findings.iter().filter(|f| f.waived.is_some()).count()
    }

    /// The number of findings a baseline knows (not waived; they never fail).
    pub fn known(&self) -> usize {
        self.findings.iter().filter(|f| f.is_known()).count()
    }

    /// Lets go of the file's text, which only the human report uses (for its
    /// snippets): a batch checked for another format would otherwise hold the
    /// text of every file until the report is written. The human report of a
    /// file without its text cannot show the findings' snippets.
    pub fn drop_text(&mut self) {
        self.source.text = Arc::from("");
    }

    fn active(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity && f.fails_run())
            .count()
    }
}

/// A rule as reports describe it (SARIF rule descriptors, JUnit test cases).
#[derive(Clone, Debug)]
pub struct RuleInfo {
    /// The rule id.
    pub id: String,
    /// Error or warning.
    pub severity: Severity,
    /// The one-line summary.
    pub summary: String,
    /// The `##` documentation (may be empty).
    pub doc: String,
}

impl RuleInfo {
    /// The rules of a loaded program, in load order.
    pub fn of_program(program: &crate::program::Program) -> Vec<RuleInfo> {
        program
            .rules
            .iter()
            .map(|r| RuleInfo {
                id: r.id.clone(),
                severity: r.severity,
                summary: r.summary.clone(),
                doc: r.doc.clone(),
            })
            .collect()
    }
}

/// Everything one `eligo check` produced, in output order: what every format renders.
#[derive(Debug, Default)]
pub struct CheckRun {
    /// The loaded rules (empty when the rule files are invalid).
    pub rules: Vec<RuleInfo>,
    /// The rules of the waivers files' own findings (expired, unused
    /// waivers), for the formats that describe every rule (SARIF, JUnit). The
    /// caller passes them in: reports do not depend on the waivers module.
    pub waiver_rules: Vec<RuleInfo>,
    /// Reports of the valid scenario files in path order, then of the waivers files.
    pub reports: Vec<FileReport>,
    /// Input errors: rule files, waivers files, scenario files, in that order.
    pub errors: Vec<InputError>,
    /// The invalid scenario files: where each goes among the reports, and its
    /// errors in [`CheckRun::errors`] (see [`CheckRun::entries`]).
    pub invalid: Vec<InvalidFile>,
    /// How many scenario files were found (valid and invalid).
    pub scenario_files: usize,
    /// How many scenario files were invalid.
    pub invalid_files: usize,
    /// Whether warnings fail the run (`--deny-warnings`).
    pub deny_warnings: bool,
    /// Findings only: no summary lines (`--quiet`).
    pub quiet: bool,
}

/// A scenario file that could not be checked, placed among the reports.
#[derive(Clone, Debug)]
pub struct InvalidFile {
    /// The file's display name.
    pub path: String,
    /// Its errors: a range of [`CheckRun::errors`].
    pub errors: std::ops::Range<usize>,
    /// The number of reports before it: it is listed just before `reports[before]`.
    pub before: usize,
}

/// One file of a run, as every format lists them: in path order, invalid
/// scenario files in their place, then the waivers files.
#[derive(Clone, Copy, Debug)]
pub enum Entry<'a> {
    /// A file that was checked.
    Checked(&'a FileReport),
    /// A scenario file that could not be checked, with its errors.
    Invalid {
        /// The file's display name.
        path: &'a str,
        /// Why it could not be checked.
        errors: &'a [InputError],
        /// The index of the first of them in [`CheckRun::errors`].
        first: usize,
    },
}

/// Counts over a whole run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Error findings, not waived.
    pub errors: usize,
    /// Warning findings, not waived.
    pub warnings: usize,
    /// Waived findings.
    pub waived: usize,
    /// Findings a baseline knows (listed only when there are some).
    #[serde(skip_serializing_if = "is_zero")]
    pub known: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl CheckRun {
    /// Errors, warnings and waived findings over every report.
    pub fn totals(&self) -> Totals {
        self.reports.iter().fold(Totals::default(), |t, r| Totals {
            errors: t.errors + r.errors(),
            warnings: t.warnings + r.warnings(),
            waived: t.waived + r.waived(),
            known: t.known + r.known(),
        })
    }

    /// With a baseline, how many of its entries no longer occur; `None`
    /// without one.
    pub fn baseline_fixed(&self) -> Option<usize> {
        self.reports.iter().any(|r| r.fixed.is_some()).then(|| {
            self.reports
                .iter()
                .filter_map(|r| r.fixed.as_ref())
                .map(Vec::len)
                .sum()
        })
    }

    /// Records an invalid scenario file after the reports so far, and its errors.
    pub fn push_invalid(&mut self, path: String, errors: impl IntoIterator<Item = InputError>) {
        let start = self.errors.len();
        self.errors.extend(errors);
        self.invalid.push(InvalidFile {
            path,
            errors: start..self.errors.len(),
            before: self.reports.len(),
        });
        self.invalid_files += 1;
    }

    /// Every file in output order: the reports, with the invalid scenario
    /// files in their place among them.
    pub fn entries(&self) -> impl Iterator<Item = Entry<'_>> {
        let mut invalid = self.invalid.iter().peekable();
        let mut reports = self.reports.iter().enumerate().peekable();
        std::iter::from_fn(move || {
            let next_report = reports.peek().map(|(i, _)| *i);
            match invalid.peek() {
                Some(bad) if next_report.is_none_or(|i| bad.before <= i) => {
                    invalid.next().map(|bad| Entry::Invalid {
                        path: &bad.path,
                        errors: self.errors.get(bad.errors.clone()).unwrap_or(&[]),
                        first: bad.errors.start,
                    })
                }
                _ => reports.next().map(|(_, r)| Entry::Checked(r)),
            }
        })
    }

    /// The input errors that belong to no listed file (rule files, waivers
    /// files, paths that could not be read), in order.
    pub fn other_errors(&self) -> impl Iterator<Item = &InputError> {
        (0..self.errors.len())
            .filter(|&i| !self.is_listed_error(i))
            .filter_map(|i| self.errors.get(i))
    }

    /// Every input error in output order: those of the invalid scenario files
    /// in their place, then the others (see [`CheckRun::other_errors`]).
    pub fn errors_in_order(&self) -> impl Iterator<Item = &InputError> {
        let listed = self.entries().flat_map(|entry| match entry {
            Entry::Checked(_) => &[][..],
            Entry::Invalid { errors, .. } => errors,
        });
        listed.chain(self.other_errors())
    }

    /// Whether `errors[i]` is an error of an invalid scenario file.
    pub fn is_listed_error(&self, i: usize) -> bool {
        // The ranges are in order and do not overlap.
        let after = self.invalid.partition_point(|f| f.errors.end <= i);
        self.invalid
            .get(after)
            .is_some_and(|f| f.errors.contains(&i))
    }

    /// Whether the findings fail the run (input errors aside).
    pub fn fails(&self) -> bool {
        let t = self.totals();
        t.errors > 0 || (self.deny_warnings && t.warnings > 0)
    }
}

/// Runs for the reporters' unit tests.
#[cfg(test)]
pub(crate) mod testing {
    use std::path::Path;

    use super::{CheckRun, InputError, RuleInfo};
    use crate::check::{check_file, FileOutcome};

    /// A run with every kind of entry: findings, waived findings, a waivers
    /// file's findings, and input errors of an invalid scenario.
    pub(crate) fn sample_run() -> CheckRun {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let program = crate::lang::load_program(crate::default_rule_sources()).unwrap();
        let options = crate::scenario::LoadOptions::default();
        let ids = program.rule_ids();
        let mut run = CheckRun {
            rules: RuleInfo::of_program(&program),
            waiver_rules: crate::waiver::rule_infos(),
            ..CheckRun::default()
        };
        for name in [
            "fixtures/books/mixed-book.yaml",
            "fixtures/rules/extension-no-dap/fires.yaml",
            "fixtures/invalid/bad-enum.yaml",
        ] {
            run.scenario_files += 1;
            match check_file(&program, &root.join(name), &ids, &options) {
                FileOutcome::Checked(report) => run.reports.push(report),
                FileOutcome::Invalid { path, errors } => {
                    run.push_invalid(path, errors.iter().map(InputError::from));
                }
            }
        }
        let waivers = crate::waiver::read_waivers(
            &root.join("fixtures/waivers/mixed-book.yaml"),
            &ids,
            &options.limits,
        )
        .unwrap();
        let extra = crate::waiver::apply(&[waivers], &mut run.reports, false, options.today);
        run.reports.extend(extra);
        assert!(run.reports.iter().any(|r| r.waived() > 0), "nothing waived");
        assert!(!run.errors.is_empty(), "no input error");
        run
    }

    /// A writer whose reader has gone: every write fails as on a closed pipe.
    pub(crate) struct ClosedPipe;

    impl std::io::Write for ClosedPipe {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::ErrorKind::BrokenPipe.into())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Err(std::io::ErrorKind::BrokenPipe.into())
        }
    }
}
