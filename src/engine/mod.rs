//! The front door: eligo as a library.
//!
//! An [`Engine`] holds the compiled rules (the embedded CSP pack, a team's
//! own packs, or both, see [`RuleOptions`]) and answers every question the
//! `eligo` command does: [`check`](Engine::check), [`test`](Engine::test),
//! [`explain`](Engine::explain), [`plan`](Engine::plan) and
//! [`import`](Engine::import). Each answer is a typed report that serializes
//! to the JSON the command prints (DOMAIN.md sections 5 and 7). The command
//! line is a client of this module like any other program.

mod check;
mod errors;
mod explain;
mod import;
mod plan;
mod test;

pub use check::{CheckOptions, CheckReport, Finding, InputError, Location, Severity};
pub use errors::Errors;
pub use explain::Explanation;
pub use import::ImportOptions;
pub use plan::{PlanOptions, PlanReport};
pub use test::TestReport;

pub(crate) use plan::NoPlan;
pub(crate) use test::{verdict, Verdict};

use std::collections::HashSet;

use crate::lang::{LoadRules, RuleCheckError};
use crate::program::Program;
use crate::source::SourceFile;

/// Where the rules come from and how they are read.
///
/// By default the embedded CSP rule pack; [`RuleOptions::rule_file`] adds a
/// team's own files and [`RuleOptions::without_default_rules`] drops the
/// embedded pack (its scenario schema stays, unless the files given declare
/// their own).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct RuleOptions {
    default_rules: bool,
    files: Vec<SourceFile>,
    load: LoadRules,
}

impl Default for RuleOptions {
    fn default() -> Self {
        RuleOptions {
            default_rules: true,
            files: Vec::new(),
            load: LoadRules::default(),
        }
    }
}

impl RuleOptions {
    /// The embedded CSP rule pack, with the default limits.
    pub fn new() -> Self {
        RuleOptions::default()
    }

    /// Adds a rule file: `name` is how errors and `eligo rules` name it.
    pub fn rule_file(mut self, name: impl Into<String>, text: impl Into<String>) -> Self {
        self.files.push(SourceFile::new(name, text.into()));
        self
    }

    /// Drops the embedded rule pack (`--no-default-rules`).
    pub fn without_default_rules(mut self) -> Self {
        self.default_rules = false;
        self
    }

    /// The deepest nesting of expressions in rule files (`--max-rule-depth`,
    /// default 32, at most 64).
    pub fn max_rule_depth(mut self, depth: usize) -> Self {
        self.load.max_depth = depth.clamp(1, crate::lang::bounds::MAX_EXPR_DEPTH_CEILING);
        self
    }

    /// The rule files to compile: the default pack unless dropped, then the
    /// files given (see [`rule_pack`]).
    fn sources(&self) -> Vec<SourceFile> {
        rule_pack(self.default_rules, self.files.clone())
    }
}

/// The rule files of a run: the embedded pack unless `default_rules` is
/// false, then `files`. Without the embedded pack, files that declare no
/// scenario format (no `entity`, no `root`) still need one: the embedded
/// pack's schema file comes first then.
pub(crate) fn rule_pack(default_rules: bool, files: Vec<SourceFile>) -> Vec<SourceFile> {
    let mut sources = if default_rules {
        crate::default_rule_sources()
    } else {
        Vec::new()
    };
    sources.extend(files);
    if !default_rules && !sources.is_empty() && !declares_schema(&sources) {
        sources.insert(0, crate::default_schema_source());
    }
    sources
}

/// Whether any of the files declares the scenario format (an `entity` or the
/// `root`): then the team supplies its own schema and the default one stays out.
fn declares_schema(sources: &[SourceFile]) -> bool {
    use crate::lang::ast::Item;
    sources.iter().any(|source| {
        crate::lang::parse::parse_rule_file(source).is_ok_and(|file| {
            file.items
                .iter()
                .any(|item| matches!(item, Item::Kind(_) | Item::Root(_)))
        })
    })
}

/// Compiled rules, ready to check, test, explain, plan and import scenarios.
///
/// Building one parses and type-checks every rule file once; every call after
/// that is independent of the others, so one engine serves many scenarios
/// (from many threads: it is `Send` and `Sync`).
#[derive(Debug)]
pub struct Engine {
    program: Program,
    /// The ids of every loaded rule, run or not (what `expect:` may name).
    known_rules: HashSet<String>,
    warnings: Vec<RuleCheckError>,
}

impl Engine {
    /// Compiles the rules `options` name. Invalid rule files give every
    /// error found, each with its file, line and column.
    pub fn new(options: &RuleOptions) -> Result<Engine, Errors> {
        let loaded = crate::lang::load_program_with(options.sources(), &options.load)
            .map_err(Errors::from_vec)?;
        let mut engine = Engine::from_program(loaded.program);
        engine.warnings = loaded.warnings;
        Ok(engine)
    }

    /// An engine for a program compiled by the command line (which reads
    /// configuration files and selects rules first).
    pub(crate) fn from_program(program: Program) -> Engine {
        Engine {
            known_rules: program.rule_ids(),
            program,
            warnings: Vec::new(),
        }
    }

    /// The compiled program.
    pub(crate) fn program(&self) -> &Program {
        &self.program
    }

    /// The ids of the rules that run, in load order.
    pub fn rule_ids(&self) -> impl Iterator<Item = &str> {
        self.program.rules.iter().map(|r| r.id.as_str())
    }

    /// The warnings (lints) about the rule files: an unused `let`, a condition
    /// that never holds, a rule whose cost is a cross product, …; they do not
    /// stop the rules from loading (`eligo check-rules` prints them).
    pub fn warnings(&self) -> impl Iterator<Item = &(dyn miette::Diagnostic + Send + Sync)> {
        self.warnings
            .iter()
            .map(|w| w as &(dyn miette::Diagnostic + Send + Sync))
    }
}
