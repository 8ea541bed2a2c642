//! Not part of the API, and under no stability promise: what eligo's own
//! binary, tests, benchmarks, examples and fuzz targets reach inside the
//! crate (white-box tests of the loader, the formatter, the planner, …).
//! Hidden from the documentation; users of the library go through
//! [`crate::Engine`].

pub use crate::check::{build_report, check_file, check_source, FileOutcome};
pub use crate::lang::load_program;
pub use crate::program::Program;
pub use crate::source::SourceFile;
pub use crate::{default_rule_sources, DEFAULT_RULES};

/// Checking one scenario.
pub mod check {
    pub use crate::check::{build_report, check_file, check_source, FileOutcome};
}

/// The command line, for the `eligo` binary.
pub mod cli {
    pub use crate::cli::{run, Cli, Failure};
}

/// Dates as the scenario format writes them.
pub mod date {
    pub use crate::date::{format_date, parse_date};
}

/// The import's fast JSON path, for its differential fuzz target.
pub mod import {
    /// The export's JSON read without jsonc-parser.
    pub mod json_fast {
        pub use crate::import::json_fast::compare;
        pub use crate::import::json_fast::records::{compare_records, subscription_paths};
    }
}

/// Evaluation of the compiled rules.
pub mod eval {
    pub use crate::eval::{evaluate, evaluate_budgeted};

    /// The work budget.
    pub mod budget {
        pub use crate::scenario::load::DEFAULT_MAX_WORK;
    }
}

/// Generated books, for benchmarks.
pub mod generate {
    pub use crate::generate::{scenario_text, split, write_part};
}

/// The JSON Schema of the scenario format.
pub mod json_schema {
    pub use crate::json_schema::scenario_schema;
}

/// The rule language.
pub mod lang {
    pub use crate::lang::error::RuleError;

    /// The syntax tree.
    pub mod ast {
        pub use crate::lang::ast::RuleFile;
        pub use crate::vocab::Severity;
    }

    /// Bounds on rule files.
    pub mod bounds {
        pub use crate::lang::bounds::{MAX_EXPR_HEIGHT, MAX_RULE_CLAUSES};
    }

    /// The formatter.
    pub mod fmt {
        pub use crate::lang::fmt::comments::collect as collect_comments;
        pub use crate::lang::fmt::format_source;
    }

    /// The parser.
    pub mod parse {
        pub use crate::lang::parse::parse_rule_file;
    }
}

/// The planner.
pub mod plan {
    pub use crate::plan::{build_plan, choose_parties, json, write, Outcome, Plan, PlanSpec};

    /// Which rules read a proposal.
    pub mod affected {
        pub use crate::plan::affected::rules_reading_proposal;
    }

    /// What names a plan's rows.
    pub mod view {
        pub use crate::plan::view::View;
    }
}

/// Explanations of one entity.
pub mod explain {
    pub use crate::explain::{explain, render_human, Explanation};
}

/// Reports and their renderers.
pub mod report {
    pub use crate::report::{CheckRun, FileReport, RuleInfo};

    /// The HTML report.
    pub mod html {
        pub use crate::report::html::{render_check, render_plan, SERVER_CUSTOMERS, SERVER_ROWS};
    }

    /// The human report.
    pub mod human {
        pub use crate::report::human::{render_diagnostic, render_file, Style};
    }

    /// The JSON report.
    pub mod json {
        pub use crate::report::json::{render, render_run, write};
    }
}

/// Scenario files: reading, loading, the store.
pub mod scenario {
    pub use crate::scenario::error::ScenarioError;
    pub use crate::scenario::events::Limits;
    pub use crate::scenario::load::{load_scenario, read_scenario, validate_scenario, LoadOptions};
    pub use crate::scenario::Scenario;

    /// The block fast path's differential oracle.
    pub mod block {
        /// Compares the block scanner and saphyr-parser.
        pub mod differential {
            pub use crate::scenario::block::differential::{compare, Verdict};
        }
    }

    /// The JSON fast path's differential oracle.
    pub mod json {
        /// Compares the JSON and YAML loaders.
        pub mod differential {
            pub use crate::scenario::json::differential::{compare, Verdict};
        }
    }

    /// Loading.
    pub mod load {
        pub use crate::scenario::load::source_from_bytes;
    }

    /// The entity store.
    pub mod store {
        pub use crate::scenario::store::NONE;
    }
}

/// The scenario schema.
pub mod schema {
    pub use crate::schema::{FieldType, Prim, ROOT};
}

/// Waivers files.
pub mod waiver {
    pub use crate::waiver::load::parse_waivers;
}
