//! [`Engine::explain`]: each rule's verdict for one entity of a scenario, and
//! why (`eligo explain --format json`).

use miette::Diagnostic;
use thiserror::Error;

use super::{CheckOptions, Engine, Errors};
use crate::explain::explain_budgeted;
use crate::scenario::load_scenario;
use crate::suggest::did_you_mean;

pub use crate::explain::Explanation;

/// An entity id that is no id in the scenario.
#[derive(Debug, Error, Diagnostic)]
#[error("no entity has id `{id}` in `{path}`")]
#[diagnostic(code(eligo::explain::unknown_subject))]
pub(crate) struct UnknownSubject {
    /// The id asked for.
    pub(crate) id: String,
    /// The scenario file (`-` for standard input).
    pub(crate) path: String,
    /// "did you mean" or the choices.
    #[help]
    pub(crate) help: Option<String>,
}

impl Engine {
    /// Explains every rule for the entity `subject` (an id) of one scenario
    /// held in memory: which rules reach it, how, and the value of every part
    /// of each condition. An invalid scenario or an unknown id gives errors.
    pub fn explain(
        &self,
        name: impl Into<String>,
        text: impl Into<Vec<u8>>,
        subject: &str,
        options: &CheckOptions,
    ) -> Result<Explanation, Errors> {
        let source =
            super::check::source_in_memory(name.into(), text.into(), &options.load().limits)
                .map_err(Errors::one)?;
        self.explain_source(source, subject, options.load())
    }

    /// [`Engine::explain`] of a scenario already read.
    pub(crate) fn explain_source(
        &self,
        source: crate::source::SourceFile,
        subject: &str,
        options: &crate::scenario::LoadOptions,
    ) -> Result<Explanation, Errors> {
        let program = &self.program;
        let scenario = load_scenario(&program.schema, source, &self.known_rules, options)
            .map_err(Errors::from_vec)?;
        let store = &scenario.store;
        let Some((kind, row)) = store.find_id(subject) else {
            let mut ids: Vec<&str> = store.ids().map(|(id, _, _)| id).collect();
            ids.sort_unstable();
            return Err(Errors::one(UnknownSubject {
                id: subject.to_string(),
                path: scenario.source.name.clone(),
                help: did_you_mean(subject, ids),
            }));
        };
        explain_budgeted(program, store, kind, row, options.max_work)
            .map_err(|e| Errors::one(crate::check::work_error(&e, &scenario.source.name)))
    }
}
