//! [`Engine::check`]: the findings of scenarios, as the JSON report of
//! `eligo check --format json` (DOMAIN.md section 5).

use std::io::{self, Write};
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use super::Engine;
use crate::check::{check_source, FileOutcome};
use crate::report::{json, CheckRun, RuleInfo};
use crate::scenario::{read_scenario, LoadOptions};
use crate::source::SourceFile;

pub use crate::report::{Finding, InputError, Location};
pub use crate::vocab::Severity;

/// How scenarios are read and judged: the bounds on hostile input, the date
/// that `today` defaults stand for, and whether warnings fail.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct CheckOptions {
    load: LoadOptions,
    deny_warnings: bool,
}

impl CheckOptions {
    /// The defaults of `eligo check`: today's date (UTC), the default limits.
    pub fn new() -> Self {
        CheckOptions::default()
    }

    /// The date that stands for today (`YYYY-MM-DD`) where a scenario has no
    /// `as_of`; `None` when `date` is no such date.
    pub fn today(mut self, date: &str) -> Option<Self> {
        self.load.today = crate::date::parse_date(date)?;
        Some(self)
    }

    /// Makes warnings fail the run (`--deny-warnings`).
    pub fn deny_warnings(mut self, deny: bool) -> Self {
        self.deny_warnings = deny;
        self
    }

    /// The largest scenario file, in bytes (`--max-file-bytes`, default 1 GiB).
    pub fn max_file_bytes(mut self, bytes: usize) -> Self {
        self.load.limits.max_file_bytes = bytes;
        self
    }

    /// The deepest nesting of YAML mappings and lists (`--max-depth`,
    /// default 64, at most 255).
    pub fn max_depth(mut self, depth: usize) -> Self {
        self.load.limits.max_depth = depth.clamp(1, crate::scenario::MAX_DEPTH_CEILING);
        self
    }

    /// The work units each rule may spend on one scenario (`--max-work`);
    /// past it the scenario is an input error.
    pub fn max_work(mut self, units: u64) -> Self {
        self.load.max_work = units;
        self
    }

    /// The loader's options.
    pub(crate) fn load(&self) -> &LoadOptions {
        &self.load
    }
}

/// The result of checking scenarios: their findings and their input errors,
/// as `eligo check --format json` reports them.
///
/// Serializing it (or [`CheckReport::to_json`]) gives that JSON document.
#[derive(Debug)]
pub struct CheckReport {
    run: CheckRun,
}

impl CheckReport {
    /// Every finding, file by file in the order checked, each file's in
    /// location order.
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.run.reports.iter().flat_map(|r| r.findings.iter())
    }

    /// The input errors: scenarios that are not valid (each with its code,
    /// message, help and place). A report with any is not a pass.
    pub fn input_errors(&self) -> &[InputError] {
        &self.run.errors
    }

    /// The number of error findings.
    pub fn error_count(&self) -> usize {
        self.run.totals().errors
    }

    /// The number of warning findings.
    pub fn warning_count(&self) -> usize {
        self.run.totals().warnings
    }

    /// Whether the run passes: no input error and no failing finding (an
    /// error, or a warning with [`CheckOptions::deny_warnings`]).
    pub fn passed(&self) -> bool {
        self.run.errors.is_empty() && !self.run.fails()
    }

    /// The exit code `eligo check` gives for it: 0 pass, 1 failing findings,
    /// 2 input errors.
    pub fn exit_code(&self) -> u8 {
        if !self.run.errors.is_empty() {
            2
        } else {
            u8::from(self.run.fails())
        }
    }

    /// The JSON report, pretty-printed, with a closing newline.
    pub fn to_json(&self) -> String {
        json::render_run(&self.run)
    }

    /// Writes the JSON report as [`CheckReport::to_json`] gives it, streaming.
    pub fn write_json(&self, out: &mut dyn Write) -> io::Result<()> {
        json::write_run(&self.run, out)
    }
}

impl Serialize for CheckReport {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        json::of_run(&self.run).serialize(serializer)
    }
}

impl Engine {
    /// Checks one scenario held in memory; `name` is the path reports show.
    pub fn check(
        &self,
        name: impl Into<String>,
        text: impl Into<Vec<u8>>,
        options: &CheckOptions,
    ) -> CheckReport {
        let outcome = self.check_one(name.into(), text.into(), options);
        self.report(vec![outcome], options)
    }

    /// Reads one scenario from memory, as a file of that size would be
    /// read (the same bounds and checks), and checks it.
    pub(crate) fn check_one(
        &self,
        name: String,
        text: Vec<u8>,
        options: &CheckOptions,
    ) -> FileOutcome {
        match source_in_memory(name.clone(), text, &options.load.limits) {
            Ok(source) => self.check_outcome(source, options.load()),
            Err(e) => FileOutcome::Invalid {
                path: name,
                errors: vec![e],
            },
        }
    }

    /// Checks scenario files, in parallel; the report lists them in the
    /// order given. An unreadable file is an input error of the report.
    pub fn check_files<P: AsRef<Path> + Sync>(
        &self,
        paths: &[P],
        options: &CheckOptions,
    ) -> CheckReport {
        let outcomes = paths
            .par_iter()
            .map(|path| {
                let path = path.as_ref();
                match read_scenario(path, &options.load.limits) {
                    Ok(source) => self.check_outcome(source, options.load()),
                    Err(e) => FileOutcome::Invalid {
                        path: path.display().to_string(),
                        errors: vec![e],
                    },
                }
            })
            .collect();
        self.report(outcomes, options)
    }

    /// Checks one scenario already read: the outcome the command line
    /// collects into its run (with waivers and baselines).
    pub(crate) fn check_outcome(&self, source: SourceFile, options: &LoadOptions) -> FileOutcome {
        check_source(&self.program, source, &self.known_rules, options)
    }

    /// A run of the outcomes, in order.
    fn report(&self, outcomes: Vec<FileOutcome>, options: &CheckOptions) -> CheckReport {
        let mut run = CheckRun {
            rules: RuleInfo::of_program(&self.program),
            waiver_rules: crate::waiver::rule_infos(),
            deny_warnings: options.deny_warnings,
            scenario_files: outcomes.len(),
            ..CheckRun::default()
        };
        for outcome in outcomes {
            match outcome {
                FileOutcome::Checked(mut report) => {
                    report.drop_text();
                    run.reports.push(report);
                }
                FileOutcome::Invalid { path, errors } => {
                    run.push_invalid(path, errors.iter().map(InputError::from));
                }
            }
        }
        CheckReport { run }
    }
}

/// A scenario held in memory as the source a file of those bytes gives: the
/// same size bound, UTF-8 check and errors as reading it from disk.
pub(crate) fn source_in_memory(
    name: String,
    bytes: Vec<u8>,
    limits: &crate::scenario::Limits,
) -> Result<SourceFile, crate::scenario::ScenarioError> {
    let read = if bytes.len() > limits.max_file_bytes {
        Err(crate::input::ReadError::TooLarge {
            size: u64::try_from(bytes.len()).ok(),
        })
    } else {
        Ok(Arc::from(bytes))
    };
    crate::scenario::load::scenario_source(name, read, limits)
}

impl Finding {
    /// The rule's id (`transferable-offer`).
    pub fn rule(&self) -> &str {
        &self.rule
    }

    /// Error or warning.
    pub fn severity(&self) -> Severity {
        self.severity
    }

    /// The id of the entity it is about.
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// The rule's one-line summary.
    pub fn summary(&self) -> &str {
        &self.summary
    }

    /// What is wrong.
    pub fn problem(&self) -> &str {
        &self.problem
    }

    /// What to do, when the rule says.
    pub fn fix(&self) -> Option<&str> {
        self.fix.as_deref()
    }

    /// The subject's entry in the scenario file.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// The ids of the other entities involved, sorted.
    pub fn related(&self) -> &[String] {
        &self.related
    }

    /// The customer the finding concerns, when there is one.
    pub fn customer(&self) -> Option<&str> {
        self.customer.as_deref()
    }
}

impl Location {
    /// The scenario file, as given.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// 1-based line.
    pub fn line(&self) -> u32 {
        self.line
    }

    /// 1-based column.
    pub fn column(&self) -> u32 {
        self.column
    }
}
