//! eligo: a policy and rules validation engine for Microsoft CSP direct-bill to
//! indirect-reseller transitions, as a library.
//!
//! The command `eligo` is one client of this crate; a service that pulls
//! Partner Center data nightly, or a portal that checks a plan before
//! submitting it, can be another. Everything goes through one front door, an
//! [`Engine`]: built once from rule sources ([`RuleOptions`]: the embedded
//! CSP pack, a team's own packs, or both), it answers what the command does:
//!
//! | call | command | answer |
//! |------|---------|--------|
//! | [`Engine::check`], [`Engine::check_files`] | `eligo check` | [`CheckReport`]: findings and input errors |
//! | [`Engine::test`] | `eligo test` | [`TestReport`]: the `expect:` block against the findings |
//! | [`Engine::explain`] | `eligo explain` | [`Explanation`]: each rule's verdict for one entity |
//! | [`Engine::plan`] | `eligo plan` | [`PlanReport`]: requests, outcomes, waves |
//! | [`Engine::import`] | `eligo import` | the scenario text built from Partner Center exports |
//!
//! Each report serializes (serde) to the JSON the command prints, as the
//! product contract documents it; a call that cannot answer (invalid rules,
//! an invalid scenario) gives [`Errors`]: every problem as a
//! [`miette::Diagnostic`] with a stable code, its place and a help.
//!
//! # Example
//!
//! ```
//! use eligo::{CheckOptions, Engine, RuleOptions, Severity};
//!
//! let engine = Engine::new(&RuleOptions::new())?;
//! let book = "\
//! as_of: 2026-11-20
//! partners:
//!   - id: contoso
//!     name: Contoso IT
//!     region: europe
//!     roles: [direct_bill, indirect_reseller]
//!     tenant: contoso.onmicrosoft.com
//!     enrollment: active
//!     mpa_signed: true
//!     revenue_12m_usd: 120000
//! ";
//! let report = engine.check("book.yaml", book, &CheckOptions::new());
//!
//! let finding = report.findings().next().expect("one finding");
//! assert_eq!(finding.rule(), "direct-bill-revenue");
//! assert_eq!(finding.severity(), Severity::Warning);
//! assert_eq!(finding.subject(), "contoso");
//! assert_eq!((finding.location().line(), finding.location().column()), (3, 5));
//! // A warning does not fail the run, unless warnings are denied.
//! assert_eq!(report.exit_code(), 0);
//!
//! // The JSON report of `eligo check --format json`.
//! let json: serde_json::Value = serde_json::to_value(&report)?;
//! assert_eq!(json["summary"]["warnings"], 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A scenario that is not valid is reported, not passed:
//!
//! ```
//! # use eligo::{CheckOptions, Engine, RuleOptions};
//! # let engine = Engine::new(&RuleOptions::new())?;
//! let report = engine.check("book.yaml", "partners: [{id: 42}]\n", &CheckOptions::new());
//! assert_eq!(report.exit_code(), 2);
//! assert_eq!(report.input_errors()[0].code, "eligo::scenario::wrong_type");
//! # Ok::<(), eligo::Errors>(())
//! ```
//!
//! # How it works
//!
//! The engine is generic: the scenario schema and the rules are text in eligo's
//! rule language (`rules/*.rules`), parsed with nom and checked against each
//! other; scenario YAML files are loaded against the schema into a columnar entity
//! store and evaluated in time linear in their size.
//!
//! ```text
//! rules/*.rules ──parse──▶ AST ──check──▶ Program ─┐
//! scenario.yaml ──load against schema──▶ Store ────┴─▶ evaluate ──▶ findings ──▶ report
//! ```

// The lints are in Cargo.toml (`[lints]`); unit tests may unwrap and index.
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub(crate) mod baseline;
pub(crate) mod check;
pub(crate) mod cli;
pub(crate) mod config;
pub(crate) mod date;
mod engine;
pub(crate) mod escape;
pub(crate) mod eval;
pub(crate) mod explain;
pub(crate) mod generate;
pub(crate) mod import;
pub(crate) mod input;
pub(crate) mod json_schema;
pub(crate) mod lang;
pub(crate) mod plan;
pub(crate) mod program;
pub(crate) mod report;
pub(crate) mod scenario;
pub(crate) mod schema;
pub(crate) mod source;
pub(crate) mod suggest;
pub(crate) mod vocab;
pub(crate) mod waiver;

#[doc(hidden)]
pub mod internals;

pub use engine::{
    CheckOptions, CheckReport, Engine, Errors, Explanation, Finding, ImportOptions, InputError,
    Location, PlanOptions, PlanReport, RuleOptions, Severity, TestReport,
};

/// The parts of an [`Explanation`]: each rule's verdict, its bindings, their
/// variables, findings and condition values.
pub mod explanation {
    pub use crate::explain::{Binding, FindingText, Node, RuleExplanation, Var};
}

/// The default CSP rule pack, embedded in the binary: (display name, text).
#[doc(hidden)]
pub const DEFAULT_RULES: &[(&str, &str)] = &[
    (
        "<default>/schema.rules",
        include_str!("../rules/schema.rules"),
    ),
    (
        "<default>/transfers.rules",
        include_str!("../rules/transfers.rules"),
    ),
    (
        "<default>/relationships.rules",
        include_str!("../rules/relationships.rules"),
    ),
    (
        "<default>/customers.rules",
        include_str!("../rules/customers.rules"),
    ),
];

/// The embedded pack's schema file alone: the scenario format that a team's
/// own rules check against when they drop the default rules but declare no
/// schema of their own.
pub(crate) fn default_schema_source() -> source::SourceFile {
    let (name, text) = DEFAULT_RULES
        .first()
        .copied()
        .unwrap_or(("<default>/schema.rules", ""));
    source::SourceFile::new(name, text)
}

/// The default pack as source files.
#[doc(hidden)]
pub fn default_rule_sources() -> Vec<source::SourceFile> {
    DEFAULT_RULES
        .iter()
        .map(|(name, text)| source::SourceFile::new(*name, *text))
        .collect()
}
