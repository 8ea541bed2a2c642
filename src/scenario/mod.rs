//! Scenario files: YAML loaded against the schema into an entity store.

pub(crate) mod block;
pub(crate) mod column;
pub(crate) mod differential;
pub(crate) mod error;
pub(crate) mod event;
pub(crate) mod events;
pub(crate) mod ids;
pub(crate) mod input;
pub(crate) mod json;
pub(crate) mod keys;
pub(crate) mod lines;
pub(crate) mod load;
pub(crate) mod pipe;
pub(crate) mod positions;
pub(crate) mod relations;
pub(crate) mod store;
pub(crate) mod strings;
pub(crate) mod tape;
pub(crate) mod text_checks;

pub(crate) use error::{ScenarioCode, ScenarioError};
pub(crate) use events::{Limits, MAX_DEPTH_CEILING};
pub(crate) use load::{
    load_scenario, read_scenario, read_scenario_stdin, validate_scenario, Expectation, LoadOptions,
    DEFAULT_MAX_WORK,
};
pub(crate) use store::{Pos, Store};

use crate::source::SourceFile;

/// A loaded scenario: its source, its entities, and its `expect` block.
#[derive(Debug)]
pub struct Scenario {
    /// The file.
    pub source: SourceFile,
    /// The entities.
    pub store: Store,
    /// The `expect` entries, when the file has an `expect` key.
    pub expect: Option<Vec<Expectation>>,
}
