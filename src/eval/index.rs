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
//! Which clauses an index serves is decided on the compiled rule, in
//! [`crate::program::lookup`]; here are the keys and the indexes themselves.

use hashbrown::HashMap;
use std::borrow::Cow;

use super::{read, Value};
use crate::program::lookup::Lookup;
use crate::scenario::store::Store;
use crate::schema::{EnumId, FieldId, KindId};

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
