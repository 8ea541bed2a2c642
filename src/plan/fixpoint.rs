//! Propose, evaluate, drop what fails, until the rules accept what is left.
//!
//! Round 0 proposes every entity the source bills that no open request of the
//! book holds. Each round adds the proposal to a copy of the book, evaluates
//! every loaded rule once, and reads the error findings whose subject is a
//! proposed request (its group is blocked) or a proposed entity (it is
//! excluded). Entities that move `with` an excluded one are excluded with it in
//! the same round, by walking the dependents once, so chains of add-ons cost
//! no extra round. The loop ends at the first evaluation with no such finding;
//! that evaluation is the guarantee.
//!
//! Only the first evaluation runs every rule: later ones run only the rules
//! that read proposed rows ([`super::affected`]), since the others cannot
//! change their verdict. With the default pack the drops are final after one
//! round (no rule fires on a request because another item left it), so a plan
//! costs one full evaluation and one of the transfer rules. A pack whose
//! verdicts do change as items leave gets more rounds: after [`ITEM_ROUNDS`]
//! of them every group with a finding is blocked whole, and if even that does
//! not settle (verdicts that depend on other groups' requests) the rest is
//! blocked too. So there are at most `ITEM_ROUNDS + 3` evaluations, each linear
//! in the book: the plan is linear.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::propose::{with_proposal, Parties, Proposed};
use super::{EntityOutcome, Group, GroupStatus, Outcome, Plan, Reason, Request};
use crate::eval::{evaluate, evaluate_rule_counted, RawFinding};
use crate::program::Program;
use crate::scenario::store::{Store, NONE};
use crate::vocab::Severity;

use crate::program::PlanSpec;

/// Rounds that drop single items; later rounds block whole groups.
pub(crate) const ITEM_ROUNDS: usize = 8;

/// A group's request while the plan is worked out.
struct Work {
    row: u32,
    id: String,
    items: Vec<u32>,
    blocked: Option<Vec<Reason>>,
}

/// An excluded entity: the one it moves with (if that is why), and the findings.
type Exclusion = (Option<u32>, Vec<Reason>);

/// Runs the fixpoint and builds the plan (waves not assigned yet).
pub(crate) fn run(program: &Program, spec: &PlanSpec, book: &Store, parties: Parties) -> Plan {
    let requested = open_requests(spec, book);
    let moved_rows = book.table(spec.moved).len() as u32;
    let in_scope = |row: u32| book.cell(spec.moved, spec.from.1, row) == parties.from;
    let group_of = |row: u32| book.cell(spec.moved, spec.group.1, row);
    let candidates: Vec<u32> = (0..moved_rows)
        .filter(|&r| in_scope(r) && !requested.contains_key(&r))
        .collect();
    let mut works = initial_requests(spec, book, &candidates, group_of);
    let work_of: HashMap<u32, usize> = works
        .iter()
        .enumerate()
        .flat_map(|(i, w)| w.items.iter().map(move |&r| (r, i)))
        .collect();
    let dependents = dependents(spec, book, &candidates);
    let mut excluded: HashMap<u32, Exclusion> = HashMap::new();
    let reading = super::affected::rules_reading_proposal(program, spec);
    let mut rounds = 0;
    loop {
        let active: Vec<usize> = (0..works.len())
            .filter(|&i| {
                works
                    .get(i)
                    .is_some_and(|w| w.blocked.is_none() && !w.items.is_empty())
            })
            .collect();
        let proposed: Vec<Proposed<'_>> = active
            .iter()
            .filter_map(|&i| works.get(i))
            .map(|w| Proposed {
                id: &w.id,
                group: w.row,
                rows: &w.items,
            })
            .collect();
        let (store, first) = with_proposal(&program.schema, spec, book, parties, &proposed);
        let raw: Vec<RawFinding> = if rounds == 0 {
            evaluate(program, &store).into_iter().flatten().collect()
        } else {
            evaluate_some(program, &store, &reading)
        };
        rounds += 1;
        let planned: HashSet<u32> = proposed
            .iter()
            .flat_map(|p| p.rows.iter().copied())
            .collect();
        let (group_errors, item_errors) =
            failures(program, spec, &store, &raw, first, &active, &planned);
        if group_errors.is_empty() && item_errors.is_empty() {
            break;
        }
        if rounds > ITEM_ROUNDS + 1 {
            // Blocking the failing groups whole did not settle it either: the
            // pack's verdicts depend on other groups' requests. Plan nothing
            // more rather than evaluate without end.
            unsettled(&mut works, rounds);
            continue;
        }
        let whole_groups = rounds > ITEM_ROUNDS;
        for (i, reasons) in group_errors {
            if let Some(w) = works.get_mut(i) {
                w.blocked = Some(reasons);
            }
        }
        let mut newly: Vec<u32> = Vec::new();
        for (row, reasons) in item_errors {
            if whole_groups {
                if let Some(w) = work_of.get(&row).and_then(|&i| works.get_mut(i)) {
                    w.blocked.get_or_insert_with(|| reasons.clone());
                }
            }
            excluded.insert(row, (None, reasons));
            newly.push(row);
        }
        exclude_dependents(&dependents, &mut excluded, newly);
        for w in &mut works {
            w.items.retain(|r| !excluded.contains_key(r));
        }
    }
    assemble(spec, book, parties, works, &requested, excluded, rounds)
}

/// Evaluates only the rules at `indexes`.
fn evaluate_some(program: &Program, store: &Store, indexes: &[usize]) -> Vec<RawFinding> {
    let mut out = Vec::new();
    for &i in indexes {
        // Unbudgeted (`u64::MAX`), so the evaluation cannot stop early.
        if let Ok((found, _)) = evaluate_rule_counted(program, store, i, u64::MAX) {
            out.extend(found);
        }
    }
    out
}

/// Blocks every group still planned, saying why.
fn unsettled(works: &mut [Work], rounds: usize) {
    for w in works
        .iter_mut()
        .filter(|w| w.blocked.is_none() && !w.items.is_empty())
    {
        w.blocked = Some(vec![Reason {
            rule: "plan-unsettled".into(),
            severity: "error",
            subject: w.id.clone(),
            message: format!(
                "the rules' verdict on {} still changed after {rounds} evaluations",
                w.id
            ),
            fix: Some("fix the findings of the other requests first, then plan again".into()),
        }]);
    }
}

/// Rows of the moved kind held by an open request of the book, with its id.
fn open_requests<'s>(spec: &PlanSpec, book: &'s Store) -> HashMap<u32, &'s str> {
    let mut out = HashMap::new();
    let requests = book.table(spec.request).len() as u32;
    for r in 0..requests {
        if let Some((field, values)) = &spec.open {
            if !values.contains(&book.cell(spec.request, *field, r)) {
                continue;
            }
        }
        let id = book.row_id(spec.request, r).unwrap_or("");
        let cell = book.cell(spec.request, spec.items, r);
        if cell == NONE {
            continue;
        }
        let (start, len) = book.list(cell);
        for item in start..start.saturating_add(len) {
            let moved = book.cell(spec.item, spec.item_ref, item);
            if moved != NONE {
                out.entry(moved).or_insert(id);
            }
        }
    }
    out
}

/// One request per group, in book order of the groups, with fresh ids.
fn initial_requests(
    spec: &PlanSpec,
    book: &Store,
    candidates: &[u32],
    group_of: impl Fn(u32) -> u32,
) -> Vec<Work> {
    let mut by_group: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for &row in candidates {
        by_group.entry(group_of(row)).or_default().push(row);
    }
    let mut ids = RequestIds::new(book);
    by_group
        .into_iter()
        .map(|(row, items)| Work {
            row,
            id: ids.next(book.row_id(spec.group_kind, row).unwrap_or("group")),
            items,
            blocked: None,
        })
        .collect()
}

/// Request ids `plan-GROUP`, with `-2`, `-3`… where the book has one already.
struct RequestIds {
    taken: HashSet<String>,
}

const ID_PREFIX: &str = "plan-";

impl RequestIds {
    fn new(book: &Store) -> Self {
        let taken = book
            .ids()
            .filter(|(id, _, _)| id.starts_with(ID_PREFIX))
            .map(|(id, _, _)| id.to_string())
            .collect();
        RequestIds { taken }
    }

    fn next(&mut self, group: &str) -> String {
        let base = format!("{ID_PREFIX}{group}");
        let mut id = base.clone();
        let mut n = 2;
        while self.taken.contains(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        self.taken.insert(id.clone());
        id
    }
}

/// For each candidate named by another's `with` field: the candidates that
/// move with it.
fn dependents(spec: &PlanSpec, book: &Store, candidates: &[u32]) -> HashMap<u32, Vec<u32>> {
    let mut out: HashMap<u32, Vec<u32>> = HashMap::new();
    let Some(with) = spec.with else {
        return out;
    };
    for &row in candidates {
        let target = book.cell(spec.moved, with, row);
        if target != NONE {
            out.entry(target).or_default().push(row);
        }
    }
    out
}

/// Excludes, transitively, what moves with a newly excluded entity.
fn exclude_dependents(
    dependents: &HashMap<u32, Vec<u32>>,
    excluded: &mut HashMap<u32, Exclusion>,
    mut work: Vec<u32>,
) {
    while let Some(row) = work.pop() {
        let reasons = excluded
            .get(&row)
            .map(|(_, r)| r.clone())
            .unwrap_or_default();
        for &d in dependents.get(&row).map_or(&[][..], Vec::as_slice) {
            if excluded.contains_key(&d) {
                continue;
            }
            excluded.insert(d, (Some(row), reasons.clone()));
            work.push(d);
        }
    }
}

type Failures = (BTreeMap<usize, Vec<Reason>>, BTreeMap<u32, Vec<Reason>>);

/// The error findings on proposed requests (by work index) and on proposed
/// entities (by row).
fn failures(
    program: &Program,
    spec: &PlanSpec,
    store: &Store,
    raw: &[RawFinding],
    first: u32,
    active: &[usize],
    planned: &HashSet<u32>,
) -> Failures {
    let mut groups: BTreeMap<usize, Vec<Reason>> = BTreeMap::new();
    let mut items: BTreeMap<u32, Vec<Reason>> = BTreeMap::new();
    for f in raw {
        let Some(rule) = program.rules.get(f.rule) else {
            continue;
        };
        if rule.severity != Severity::Error {
            continue;
        }
        let (kind, row) = f.subject;
        if kind == spec.request && row >= first {
            if let Some(&i) = active.get((row - first) as usize) {
                groups.entry(i).or_default().push(reason(rule, store, f));
            }
        } else if kind == spec.moved && planned.contains(&row) {
            items.entry(row).or_default().push(reason(rule, store, f));
        }
    }
    (groups, items)
}

fn reason(rule: &crate::program::Rule, store: &Store, f: &RawFinding) -> Reason {
    Reason {
        rule: rule.id.clone(),
        severity: super::severity_name(rule.severity),
        subject: store
            .row_id(f.subject.0, f.subject.1)
            .unwrap_or_default()
            .to_string(),
        message: f.message.clone(),
        fix: f.fix.clone(),
    }
}

/// The plan from the final state of the fixpoint.
fn assemble(
    spec: &PlanSpec,
    book: &Store,
    parties: Parties,
    works: Vec<Work>,
    requested: &HashMap<u32, &str>,
    mut excluded: HashMap<u32, Exclusion>,
    rounds: usize,
) -> Plan {
    let mut planned: HashMap<u32, usize> = HashMap::new();
    let mut blocked: HashSet<u32> = HashSet::new();
    let mut requests = Vec::new();
    let mut groups: BTreeMap<u32, Group> = BTreeMap::new();
    for w in works {
        let status = match (&w.blocked, w.items.is_empty()) {
            (_, true) => GroupStatus::NothingToMove,
            (Some(_), false) => GroupStatus::Blocked,
            (None, false) => GroupStatus::Ready,
        };
        match status {
            GroupStatus::Ready => {
                for &r in &w.items {
                    planned.insert(r, requests.len());
                }
                requests.push(Request {
                    id: w.id,
                    group: w.row,
                    rows: w.items,
                    wave: 1,
                });
            }
            GroupStatus::Blocked => blocked.extend(w.items.iter().copied()),
            GroupStatus::NothingToMove => {}
        }
        groups.insert(
            w.row,
            Group {
                row: w.row,
                status,
                blockers: w.blocked.unwrap_or_default(),
                entities: 0,
            },
        );
    }
    let group_field = spec.group.1;
    let mut outcomes = Vec::with_capacity(book.table(spec.moved).len());
    for row in 0..book.table(spec.moved).len() as u32 {
        let group = book.cell(spec.moved, group_field, row);
        let in_scope = book.cell(spec.moved, spec.from.1, row) == parties.from;
        let mut o = EntityOutcome {
            row,
            group,
            outcome: Outcome::OutOfScope,
            request: None,
            with: None,
            findings: Vec::new(),
        };
        if in_scope {
            groups
                .entry(group)
                .or_insert_with(|| Group {
                    row: group,
                    status: GroupStatus::NothingToMove,
                    blockers: Vec::new(),
                    entities: 0,
                })
                .entities += 1;
            if let Some(id) = requested.get(&row) {
                o.outcome = Outcome::AlreadyRequested;
                o.request = Some((*id).to_string());
            } else if let Some((with, reasons)) = excluded.remove(&row) {
                o.outcome = Outcome::Excluded;
                o.with = with;
                o.findings = reasons;
            } else if let Some(&i) = planned.get(&row) {
                o.outcome = Outcome::Planned;
                o.request = requests.get(i).map(|r| r.id.clone());
            } else if blocked.contains(&row) {
                o.outcome = Outcome::Blocked;
            }
        }
        outcomes.push(o);
    }
    Plan {
        from: parties.from,
        to: parties.to,
        requests,
        outcomes,
        groups: groups.into_values().collect(),
        waves: Vec::new(),
        wave_size: None,
        rounds,
    }
}
