//! Which `for` clauses and filters a hash index can serve: a clause over a
//! root collection whose condition has a conjunct `x.f == E`, with `E` not
//! mentioning `x`. Decided on the compiled rule, so that the evaluator (which
//! builds and uses the indexes, `eval::index`) and the cost lint (which warns
//! about the scans no index serves) agree.

use super::{CExpr, CExprKind, Clause, Decode, Rule};
use crate::schema::{FieldId, KindId};
use crate::vocab::BinOp;

/// A `for` clause that can use an index.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Lookup<'a> {
    /// The kind of the collection's rows.
    pub kind: KindId,
    /// The field compared.
    pub field: FieldId,
    /// How to read it.
    pub decode: Decode,
    /// Strings compare without regard to case.
    pub nocase: bool,
    /// The expression the field must equal (does not mention the variable).
    pub key: &'a CExpr,
}

/// The lookups of a rule's clauses, by clause index.
pub(crate) fn plan(rule: &Rule) -> Vec<Option<Lookup<'_>>> {
    let mut nested = false;
    rule.clauses
        .iter()
        .map(|clause| {
            let lookup = if nested { plan_clause(clause) } else { None };
            nested |= matches!(clause, Clause::For { .. });
            lookup
        })
        .collect()
}

/// The lookup of a `for` over a root collection with a usable equality.
fn plan_clause(clause: &Clause) -> Option<Lookup<'_>> {
    let Clause::For {
        slot,
        collection,
        filter: Some(filter),
    } = clause
    else {
        return None;
    };
    plan_scan(collection, filter, *slot)
}

/// The lookup for walking `collection` with the variable at `slot` bound to each
/// element and keeping those where `cond` holds: when the collection is a root
/// collection and `cond` has a conjunct `x.f == E` with `E` not mentioning the
/// variable. Serves `for … where` clauses and `(x in … where …)` filters alike.
pub(crate) fn plan_scan<'e>(
    collection: &'e CExpr,
    cond: &'e CExpr,
    slot: usize,
) -> Option<Lookup<'e>> {
    let CExprKind::Root(_, Decode::Rows(kind)) = &collection.kind else {
        return None;
    };
    let mut parts = Vec::new();
    conjuncts(cond, &mut parts);
    parts.into_iter().find_map(|c| equality(c, slot, *kind))
}

fn conjuncts<'e>(e: &'e CExpr, out: &mut Vec<&'e CExpr>) {
    match &e.kind {
        CExprKind::Binary {
            op: BinOp::And,
            lhs,
            rhs,
            ..
        } => {
            conjuncts(lhs, out);
            conjuncts(rhs, out);
        }
        _ => out.push(e),
    }
}

/// `slot.field == key` or `key == slot.field`, with a key not mentioning `slot`.
fn equality(e: &CExpr, slot: usize, kind: KindId) -> Option<Lookup<'_>> {
    let CExprKind::Binary {
        op: BinOp::Eq,
        lhs,
        rhs,
        nocase,
    } = &e.kind
    else {
        return None;
    };
    let field_of = |side: &CExpr| match &side.kind {
        CExprKind::Field {
            base,
            kind: k,
            field,
            decode,
        } if matches!(base.kind, CExprKind::Var(s) if s == slot)
            && *k == kind
            && indexable(*decode) =>
        {
            Some((*field, *decode))
        }
        _ => None,
    };
    let (field, decode, key) = match (field_of(lhs), field_of(rhs)) {
        (Some((f, d)), _) if !mentions(rhs, slot) => (f, d, &**rhs),
        (_, Some((f, d))) if !mentions(lhs, slot) => (f, d, &**lhs),
        _ => return None,
    };
    Some(Lookup {
        kind,
        field,
        decode,
        nocase: *nocase,
        key,
    })
}

/// Decodes whose values the evaluator's hash keys cover.
fn indexable(decode: Decode) -> bool {
    matches!(
        decode,
        Decode::Str(_)
            | Decode::Int
            | Decode::Bool
            | Decode::Date
            | Decode::Enum(_)
            | Decode::Entity(_)
    )
}

/// Whether `e` reads variable `slot`.
fn mentions(e: &CExpr, slot: usize) -> bool {
    e.any(&mut |node| matches!(node.kind, CExprKind::Var(s) if s == slot))
}
