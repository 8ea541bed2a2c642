//! `eligo plan`: from a book to the requests that the rules accept.
//!
//! The planner proposes one request per group (customer) listing every entity
//! (subscription) the source bills there, adds the proposal to a copy of the
//! book, evaluates the loaded packs, and drops what fails: an item whose entity
//! is the subject of an error finding, a whole group whose request is, and the
//! entities that move `with` a dropped one. It repeats until an evaluation
//! finds no error on a planned request or item (see [`fixpoint`]). What a
//! request is made of comes from the `plan` declaration ([`crate::program::PlanSpec`], resolved by `crate::lang::plan_spec`).

pub(crate) mod affected;
pub(crate) mod fixpoint;
pub(crate) mod human;
pub mod json;
pub(crate) mod parties;
pub(crate) mod partner_center;
pub(crate) mod propose;
pub(crate) mod view;
pub(crate) mod waves;
pub mod write;
pub(crate) mod yaml;

use serde::Serialize;

pub use crate::program::PlanSpec;
pub use parties::choose_parties;

use crate::vocab::Severity;

/// What happens to one entity billed by the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// In a planned request.
    Planned,
    /// Already in an open request of the book.
    AlreadyRequested,
    /// It cannot move: findings on it (or on the entity it moves with).
    Excluded,
    /// Its group's request cannot be submitted yet.
    Blocked,
    /// Billed by another party.
    OutOfScope,
}

impl Outcome {
    /// Every outcome, in report order.
    pub const ALL: [Outcome; 5] = [
        Outcome::Planned,
        Outcome::AlreadyRequested,
        Outcome::Excluded,
        Outcome::Blocked,
        Outcome::OutOfScope,
    ];

    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Planned => "planned",
            Outcome::AlreadyRequested => "already_requested",
            Outcome::Excluded => "excluded",
            Outcome::Blocked => "blocked",
            Outcome::OutOfScope => "out_of_scope",
        }
    }
}

/// A finding that decided an outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// The rule's id.
    pub rule: String,
    /// Its severity.
    pub severity: &'static str,
    /// The finding's subject.
    pub subject: String,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub fix: Option<String>,
}

/// A planned request.
#[derive(Clone, Debug)]
pub struct Request {
    /// Its id (readable, deterministic, new to the book).
    pub id: String,
    /// The row of its group entity.
    pub group: u32,
    /// The rows it moves, in book order.
    pub rows: Vec<u32>,
    /// Its wave, from 1.
    pub wave: usize,
}

/// One entity's outcome.
#[derive(Clone, Debug)]
pub struct EntityOutcome {
    /// The entity's row.
    pub row: u32,
    /// The row of its group.
    pub group: u32,
    /// What happens to it.
    pub outcome: Outcome,
    /// The planned request (planned) or the book's open request (already requested).
    pub request: Option<String>,
    /// Excluded because it moves with this entity, which cannot move.
    pub with: Option<u32>,
    /// The findings that decided it.
    pub findings: Vec<Reason>,
}

/// Where a group stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupStatus {
    /// It has a planned request.
    Ready,
    /// Its request cannot be submitted yet.
    Blocked,
    /// Nothing of it can move now (all excluded, already requested).
    NothingToMove,
}

/// One group with entities billed by the source.
#[derive(Clone, Debug)]
pub struct Group {
    /// The group's row.
    pub row: u32,
    /// Where it stands.
    pub status: GroupStatus,
    /// The request-level findings that block it.
    pub blockers: Vec<Reason>,
    /// Entities in scope.
    pub entities: usize,
}

/// A wave of requests.
#[derive(Clone, Debug, Serialize)]
pub struct Wave {
    /// Its number, from 1.
    pub wave: usize,
    /// Its requests' ids.
    pub requests: Vec<String>,
    /// Entities it moves.
    pub subscriptions: usize,
    /// One group larger than the wave size, alone in its wave.
    pub oversize: bool,
}

/// A built plan, with what the reports need to name things.
#[derive(Debug)]
pub struct Plan {
    /// The source's row.
    pub from: u32,
    /// The target's row.
    pub to: u32,
    /// The planned requests, in wave order.
    pub requests: Vec<Request>,
    /// One outcome per entity of the moved kind, in book order.
    pub outcomes: Vec<EntityOutcome>,
    /// The groups with entities billed by the source, in book order.
    pub groups: Vec<Group>,
    /// The waves.
    pub waves: Vec<Wave>,
    /// The wave size asked for.
    pub wave_size: Option<usize>,
    /// Evaluations the plan took.
    pub rounds: usize,
}

impl Plan {
    /// Number of entities per outcome.
    pub fn count(&self, outcome: Outcome) -> usize {
        self.outcomes
            .iter()
            .filter(|o| o.outcome == outcome)
            .count()
    }

    /// The findings that decided an outcome: its own, or its group's blockers.
    pub fn reasons<'p>(&'p self, o: &'p EntityOutcome) -> &'p [Reason] {
        if o.outcome == Outcome::Blocked {
            return self.group(o.group).map_or(&[], |g| g.blockers.as_slice());
        }
        &o.findings
    }

    /// The group of a row.
    pub fn group(&self, row: u32) -> Option<&Group> {
        let i = self.groups.binary_search_by_key(&row, |g| g.row).ok()?;
        self.groups.get(i)
    }

    /// Number of groups per status.
    pub fn groups_with(&self, status: GroupStatus) -> usize {
        self.groups.iter().filter(|g| g.status == status).count()
    }
}

fn severity_name(s: Severity) -> &'static str {
    s.as_str()
}

/// Builds the plan of `store` for the source `from` and the target `to`.
pub fn build_plan(
    program: &crate::program::Program,
    spec: &PlanSpec,
    store: &crate::scenario::Store,
    parties: propose::Parties,
    wave_size: Option<usize>,
) -> Plan {
    let mut plan = fixpoint::run(program, spec, store, parties);
    waves::assign(&mut plan, wave_size);
    plan
}
