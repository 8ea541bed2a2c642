//! The work budget of a rule, and the capped list of a finding's related entities.
//!
//! A rule's cost is the product of the collections its `for` clauses walk, so a
//! rule pack from a pull request can ask for a cross product that does not end
//! (three `for` over 100k subscriptions) or findings that name every entity of
//! a large set each (output and memory quadratic in the book). Each rule is
//! therefore evaluated within a budget of work units per scenario file:
//!
//! - one per element visited by a `for`, a filter, `all`, `distinct`, a field
//!   read across a list, or a membership test against a list;
//! - one per related entity collected when the rule fires;
//! - one per byte of message and fix text rendered.
//!
//! The default, [`DEFAULT_MAX_WORK`], is far above what the default pack spends
//! on a 1,000,000-subscription book (see the test in `tests/hostile_rules.rs`
//! and the README's Hardening section); `--max-work` changes it. A rule that
//! runs out stops the evaluation of its file with an error naming it.

use crate::eval::EntityRef;
use crate::program::Rule;

/// Default work units one rule may spend on one scenario file (declared with
/// the load options that carry it).
pub(crate) use crate::scenario::DEFAULT_MAX_WORK;

/// Related entities kept per finding; the rest are only counted.
pub(crate) const MAX_RELATED: usize = 100;

/// Work spent by one rule so far, and its limit.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Budget {
    spent: u64,
    limit: u64,
}

impl Budget {
    /// A budget of `limit` units.
    pub(crate) fn new(limit: u64) -> Self {
        Budget { spent: 0, limit }
    }

    /// Spends `units`; `false` once the budget is exceeded (the caller stops).
    #[inline]
    pub(crate) fn spend(&mut self, units: u64) -> bool {
        self.spent = self.spent.saturating_add(units);
        self.spent <= self.limit
    }

    /// Whether more than the limit was spent.
    pub(crate) fn exceeded(&self) -> bool {
        self.spent > self.limit
    }

    /// `Err` naming `rule` when the budget was exceeded.
    pub(crate) fn check(&self, rule: &Rule) -> Result<(), WorkExceeded> {
        if self.exceeded() {
            return Err(WorkExceeded {
                rule: rule.id.clone(),
                limit: self.limit,
            });
        }
        Ok(())
    }
}

/// A rule that needed more work than its budget on a scenario file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkExceeded {
    /// The rule's id.
    pub rule: String,
    /// The budget it exceeded.
    pub limit: u64,
}

impl WorkExceeded {
    /// The message of the diagnostic.
    pub fn message(&self) -> String {
        format!(
            "rule `{}` needs more than {} units of work on this scenario",
            self.rule, self.limit
        )
    }

    /// The help of the diagnostic.
    pub fn help(&self) -> String {
        format!(
            "each element a `for` or filter visits, each related entity and each message byte is a unit; \
             a rule whose `for` clauses walk a cross product costs the product of the collections' sizes. \
             Join the collections with a `where x.f == y.g` filter or a relation (an inverse field), \
             or, if the work is genuine, raise the budget with `--max-work` (now {})",
            self.limit
        )
    }
}

/// A finding's related entities: the first [`MAX_RELATED`] distinct ones, in the
/// order the firings named them, and how many more were named.
#[derive(Clone, Debug, Default)]
pub struct Related {
    kept: Vec<EntityRef>,
    /// The same entities as a set, for constant-time repeats (firings often
    /// name the same ones), once there are more than [`SCANNED`] of them:
    /// nearly every finding names one or two, and a set for each of them
    /// held 9 MB at a million subscriptions, which the report's peak kept.
    seen: Option<Box<hashbrown::HashSet<EntityRef>>>,
    more: u64,
}

/// Kept entities up to which a repeat is found by scanning them.
const SCANNED: usize = 16;

impl Related {
    /// Adds entities named by one firing.
    pub fn add(&mut self, entities: impl IntoIterator<Item = EntityRef>) {
        for e in entities {
            let repeat = match &self.seen {
                Some(set) => set.contains(&e),
                None => self.kept.contains(&e),
            };
            if repeat {
                continue;
            }
            if self.kept.len() < MAX_RELATED {
                self.kept.push(e);
                match &mut self.seen {
                    Some(set) => {
                        set.insert(e);
                    }
                    None if self.kept.len() > SCANNED => {
                        self.seen = Some(Box::new(self.kept.iter().copied().collect()));
                    }
                    None => {}
                }
            } else {
                self.more += 1;
            }
        }
    }

    /// The entities kept.
    pub fn kept(&self) -> &[EntityRef] {
        &self.kept
    }

    /// How many entities past the kept ones the firings named (an entity named
    /// by several firings counts once per firing: counting each once would need
    /// memory for all of them, which is what the cap avoids).
    pub fn more(&self) -> u64 {
        self.more
    }
}
