//! Which rules can change their verdict when the proposal changes.
//!
//! A rule can reach a proposed request or item only through the root
//! collection of the requests, a field of a request or item, or a value that
//! decodes to such rows (an inverse list such as `s.transfer_items`). A rule
//! that does none of these gives the same findings whatever the proposal, so
//! after the first evaluation the planner evaluates only the others.

use crate::program::{CExpr, CExprKind, Clause, Decode, Part, Program, Rule};
use crate::schema::{FieldId, KindId};

use crate::program::PlanSpec;

/// The indexes of the rules that read proposed rows.
pub fn rules_reading_proposal(program: &Program, spec: &PlanSpec) -> Vec<usize> {
    let reach = Reach {
        kinds: [spec.request, spec.item],
        root_field: program.schema.root().field(&spec.collection),
    };
    program
        .rules
        .iter()
        .enumerate()
        .filter(|(_, r)| reach.rule(r))
        .map(|(i, _)| i)
        .collect()
}

struct Reach {
    kinds: [KindId; 2],
    root_field: Option<FieldId>,
}

impl Reach {
    fn rule(&self, r: &Rule) -> bool {
        r.clauses.iter().any(|c| self.clause(c))
            || self.expr(&r.require)
            || self.expr(&r.subject)
            || self.parts(&r.message)
            || r.fix.as_ref().is_some_and(|f| self.parts(f))
            || r.related.iter().any(|e| self.expr(e))
    }

    fn clause(&self, c: &Clause) -> bool {
        match c {
            Clause::For {
                collection, filter, ..
            } => self.expr(collection) || filter.as_ref().is_some_and(|f| self.expr(f)),
            Clause::Let { value, .. } => self.expr(value),
            Clause::Where(e) => self.expr(e),
        }
    }

    fn parts(&self, parts: &[Part]) -> bool {
        parts.iter().any(|p| match p {
            Part::Text(_) => false,
            Part::Expr(e) => self.expr(e),
        })
    }

    fn decode(&self, d: &Decode) -> bool {
        match d {
            Decode::Entity(k) | Decode::Rows(k) | Decode::RefList(k) => self.kinds.contains(k),
            _ => false,
        }
    }

    fn expr(&self, e: &CExpr) -> bool {
        e.any(&mut |node| self.reads_here(node))
    }

    /// Whether this node itself (not its operands) reads the proposal.
    fn reads_here(&self, e: &CExpr) -> bool {
        match &e.kind {
            CExprKind::Root(field, d) => Some(*field) == self.root_field || self.decode(d),
            CExprKind::Field { kind, decode, .. } | CExprKind::MapField { kind, decode, .. } => {
                self.kinds.contains(kind) || self.decode(decode)
            }
            CExprKind::Has { kind, .. } => self.kinds.contains(kind),
            _ => false,
        }
    }
}
