//! [`Engine::plan`]: the transfer requests a transitioning partner can
//! submit, and what happens to every subscription it bills (`eligo plan`,
//! DOMAIN.md section 7).

use miette::Diagnostic;
use serde::Serialize;
use thiserror::Error;

use super::{CheckOptions, Engine, Errors};
use crate::plan::view::View;
use crate::plan::{build_plan, choose_parties, json::PlanJson, Plan};
use crate::program::PlanSpec;
use crate::scenario::{load_scenario, Scenario};

/// The loaded rules declare no `plan`.
#[derive(Debug, Error, Diagnostic)]
#[error("the loaded rules declare no `plan`")]
#[diagnostic(
    code(eligo::plan::no_plan),
    help("load the default pack, or declare `plan COLLECTION {{ … }}` in a rule file (README, \"Planning transfers\")")
)]
pub(crate) struct NoPlan;

/// Who moves what to whom, and in which waves (`--from`, `--to`,
/// `--wave-size`); by default the parties the book itself names.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct PlanOptions {
    from: Option<String>,
    to: Option<String>,
    wave_size: Option<usize>,
    check: CheckOptions,
}

impl PlanOptions {
    /// The defaults of `eligo plan`.
    pub fn new() -> Self {
        PlanOptions::default()
    }

    /// The transitioning partner (default: the only direct-bill partner whose
    /// indirect-reseller enrollment has started).
    pub fn from_partner(mut self, id: impl Into<String>) -> Self {
        self.from = Some(id.into());
        self
    }

    /// The indirect provider (default: the one with an accepted partnership
    /// with the transitioning partner).
    pub fn to_provider(mut self, id: impl Into<String>) -> Self {
        self.to = Some(id.into());
        self
    }

    /// Groups ready customers into waves of at most `size` subscriptions
    /// (at least 1), largest first.
    pub fn wave_size(mut self, size: usize) -> Self {
        self.wave_size = Some(size.max(1));
        self
    }

    /// How the book is read (limits, today's date).
    pub fn check_options(mut self, options: CheckOptions) -> Self {
        self.check = options;
        self
    }
}

/// A built plan: the requests, one outcome per subscription, the waves and
/// the blockers. Serializing it (or [`PlanReport::to_json`]) gives the JSON
/// of `eligo plan --format json`.
#[derive(Debug)]
pub struct PlanReport<'e> {
    engine: &'e Engine,
    spec: PlanSpec,
    scenario: Scenario,
    plan: Plan,
    name: Option<String>,
}

impl PlanReport<'_> {
    fn view(&self) -> View<'_> {
        View {
            program: self.engine.program(),
            spec: &self.spec,
            store: &self.scenario.store,
            plan: &self.plan,
        }
    }

    /// How many requests are planned.
    pub fn request_count(&self) -> usize {
        self.plan.requests.len()
    }

    /// The plan as a `transfers:` list ready to add to the book (`--format yaml`).
    pub fn to_yaml(&self) -> Result<String, serde_yaml::Error> {
        crate::plan::yaml::document(&self.view())
    }

    /// The JSON document, pretty-printed, with a closing newline.
    pub fn to_json(&self) -> serde_json::Result<String> {
        serde_json::to_string_pretty(self).map(|text| text + "\n")
    }
}

impl Serialize for PlanReport<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let view = self.view();
        PlanJson {
            view: &view,
            path: &self.scenario.source.name,
            scenario: self.name.as_deref(),
        }
        .serialize(serializer)
    }
}

impl Engine {
    /// Plans the transfer requests of one book held in memory. An invalid
    /// book, rules without a `plan`, or parties that cannot be chosen give
    /// errors.
    pub fn plan(
        &self,
        name: impl Into<String>,
        text: impl Into<Vec<u8>>,
        options: &PlanOptions,
    ) -> Result<PlanReport<'_>, Errors> {
        let program = self.program();
        let spec = program.plan.clone().ok_or_else(|| Errors::one(NoPlan))?;
        let load = options.check.load();
        let source = super::check::source_in_memory(name.into(), text.into(), &load.limits)
            .map_err(Errors::one)?;
        let scenario = load_scenario(&program.schema, source, &self.known_rules, load)
            .map_err(Errors::from_vec)?;
        let store = &scenario.store;
        let parties = choose_parties(
            &program.schema,
            &spec,
            store,
            options.from.as_deref(),
            options.to.as_deref(),
        )
        .map_err(Errors::one)?;
        let plan = build_plan(program, &spec, store, parties, options.wave_size);
        let name = scenario_name(self, &scenario);
        Ok(PlanReport {
            engine: self,
            spec,
            scenario,
            plan,
            name,
        })
    }
}

/// The scenario's display name, when it has one.
pub(crate) fn scenario_name(engine: &Engine, scenario: &Scenario) -> Option<String> {
    let field = engine.program().schema.root().field("scenario")?;
    let cell = scenario.store.cell(crate::schema::ROOT, field, 0);
    (cell != crate::scenario::store::NONE).then(|| scenario.store.str(cell).to_string())
}
