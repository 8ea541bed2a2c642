//! Hash lookups for joins: `for x in COLLECTION where … x.f == E …`.
//!
//! A `for` over a root collection nested inside another `for` is a pairwise
//! loop (customers × partners for `own-use-separate-tenant`). When its filter
//! is a conjunction with an equality between a field of the new variable and an
//! expression that does not mention it, the evaluator computes that expression
//! once, looks the matching rows up in a hash index of the field (built on
//! first use), and evaluates the whole filter on those rows only, in row order.
//! The bindings are the same as a scan's, so findings are too; the cost is
//! linear instead of quadratic. Nothing here knows a rule: any rule pack gets it.

use hashbrown::HashMap;
use std::borrow::Cow;

use super::{read, Value};
use crate::lang::ast::BinOp;
use crate::program::{CExpr, CExprKind, Clause, Decode, Rule};
use crate::scenario::store::Store;
use crate::schema::{EnumId, FieldId, KindId};

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

/// Decodes whose values [`key`] covers.
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
    match &e.kind {
        CExprKind::Var(s) => *s == slot,
        CExprKind::Const(_) | CExprKind::Root(..) => false,
        CExprKind::Field { base, .. }
        | CExprKind::MapField { base, .. }
        | CExprKind::Has { base, .. } => mentions(base, slot),
        CExprKind::Not(inner) | CExprKind::Call(_, inner) => mentions(inner, slot),
        CExprKind::Binary { lhs, rhs, .. } => mentions(lhs, slot) || mentions(rhs, slot),
        CExprKind::List(items) => items.iter().any(|i| mentions(i, slot)),
        CExprKind::Filter {
            collection, cond, ..
        }
        | CExprKind::All {
            collection, cond, ..
        } => mentions(collection, slot) || mentions(cond, slot),
    }
}

/// A value as a hash key: two values are `==` (see [`super::equal`]) exactly
/// when their keys are equal. `None` for values without a key (absent values,
/// numbers, lists), for which the evaluator scans instead.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Key<'a> {
    /// A string (lowercased when compared without regard to case).
    Str(Cow<'a, str>),
    /// An integer.
    Int(i64),
    /// A boolean.
    Bool(bool),
    /// A date.
    Date(i32),
    /// An enum value.
    Enum(EnumId, u32),
    /// An entity.
    Entity(KindId, u32),
}

/// The key of a value.
pub(crate) fn key<'a>(v: &Value<'a>, nocase: bool) -> Option<Key<'a>> {
    Some(match v {
        Value::Str(s) if nocase => Key::Str(lowercase(s)),
        Value::Str(s) => Key::Str(Cow::Borrowed(s)),
        Value::Int(i) => Key::Int(*i),
        Value::Bool(b) => Key::Bool(*b),
        Value::Date(d) => Key::Date(*d),
        Value::Enum(e, x) => Key::Enum(*e, *x),
        Value::Entity(k, r) => Key::Entity(*k, *r),
        _ => return None,
    })
}

/// Lowercase by characters, as the evaluator's case-insensitive equality
/// compares (not `str::to_lowercase`, whose final-sigma rule differs).
fn lowercase(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c.is_uppercase() || !c.is_ascii()) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().flat_map(char::to_lowercase).collect())
}

/// The indexes built so far while evaluating a rule.
#[derive(Debug, Default)]
pub(crate) struct Indexes<'a> {
    built: HashMap<(KindId, FieldId, bool), HashMap<Key<'a>, Vec<u32>>>,
}

impl<'a> Indexes<'a> {
    /// The rows of `lookup`'s kind whose field has key `k`, in row order.
    pub(crate) fn rows(&mut self, store: &'a Store, lookup: &Lookup<'_>, k: &Key<'a>) -> &[u32] {
        let index = self
            .built
            .entry((lookup.kind, lookup.field, lookup.nocase))
            .or_insert_with(|| build(store, lookup));
        index.get(k).map_or(&[], Vec::as_slice)
    }
}

fn build<'a>(store: &'a Store, lookup: &Lookup<'_>) -> HashMap<Key<'a>, Vec<u32>> {
    let mut index: HashMap<Key<'a>, Vec<u32>> = HashMap::new();
    for row in 0..store.table(lookup.kind).len() as u32 {
        let cell = store.cell(lookup.kind, lookup.field, row);
        if let Some(k) = key(&read(store, lookup.decode, cell), lookup.nocase) {
            index.entry(k).or_default().push(row);
        }
    }
    index
}
