//! eligo: a policy and rules validation engine for Microsoft CSP direct-bill to
//! indirect-reseller transitions.
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

#![warn(missing_docs)]
// No panic paths on input: outside unit tests, every access that can fail is
// checked; the few that cannot carry an `#[expect]` stating why.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]
// Diagnostics carry their source snippet; they are built on the cold error path
// only, so their size does not matter for speed.
#![allow(clippy::result_large_err)]

pub mod baseline;
pub mod check;
pub mod engine;
pub mod cli;
pub mod config;
pub mod date;
pub mod escape;
pub mod eval;
pub mod explain;
pub mod generate;
pub mod import;
pub mod input;
pub mod json_schema;
pub mod lang;
pub mod plan;
pub mod program;
pub mod report;
pub mod scenario;
pub mod schema;
pub mod source;
pub mod suggest;
pub mod vocab;
pub mod waiver;

pub use check::{check_file, check_source, FileOutcome};
pub use lang::load_program;
pub use program::Program;
pub use source::SourceFile;

/// The default CSP rule pack, embedded in the binary: (display name, text).
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
pub fn default_schema_source() -> SourceFile {
    let (name, text) = DEFAULT_RULES
        .first()
        .copied()
        .unwrap_or(("<default>/schema.rules", ""));
    SourceFile::new(name, text)
}

/// The default pack as source files.
pub fn default_rule_sources() -> Vec<SourceFile> {
    DEFAULT_RULES
        .iter()
        .map(|(name, text)| SourceFile::new(*name, *text))
        .collect()
}
