//! Scenario files: YAML loaded against the schema into an entity store.

pub mod block;
pub mod column;
pub mod error;
pub mod events;
pub mod ids;
pub mod input;
pub mod json;
pub mod lines;
pub mod load;
pub mod pipe;
pub mod relations;
pub mod store;
pub mod strings;
pub mod tape;
pub mod text_checks;

pub use error::{ScenarioCode, ScenarioError};
pub use events::Limits;
pub use load::{load_scenario, read_scenario, read_scenario_stdin, Expectation, LoadOptions};
pub use store::{Pos, Store};

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
