//! Inverse relations, built once after loading.

use super::column::Tally;
use super::store::{Store, Table, NONE};
use crate::schema::{FieldId, FieldType, IdVec, KindId, Schema};

/// Fills every `inverse kind.field` column: for each target row, the rows of
/// `kind` whose `field` points at it, in file order (a counting sort, linear).
pub(crate) fn build_inverses(schema: &Schema, store: &mut Store) {
    build_inverses_where(schema, store, |_| true);
}

/// Rebuilds only the inverse columns whose referring kind is one of
/// `sources` (after rows of those kinds were added to a loaded store).
pub(crate) fn rebuild_inverses_from(schema: &Schema, store: &mut Store, sources: &[KindId]) {
    build_inverses_where(schema, store, |source_kind| sources.contains(&source_kind));
}

/// Builds the inverse columns whose referring kind passes `wanted`.
fn build_inverses_where(schema: &Schema, store: &mut Store, wanted: impl Fn(KindId) -> bool) {
    for (target_kind, kind) in schema.kinds.iter_enumerated() {
        for (field_id, field) in kind.fields.iter_enumerated() {
            if let FieldType::Inverse {
                kind: source_kind,
                field: source_field,
            } = field.ty
            {
                if wanted(source_kind) {
                    build_inverse(store, (target_kind, field_id), (source_kind, source_field));
                }
            }
        }
    }
}

/// The cells of column `source`, one per row of its kind's table.
fn references(
    tables: &IdVec<KindId, Table>,
    source: (KindId, FieldId),
) -> impl Iterator<Item = u32> + Clone + '_ {
    let table = tables.get(source.0);
    let column = table.and_then(|t| t.columns.get(source.1));
    let rows = match (table, column) {
        (Some(t), Some(_)) => t.len() as u32,
        _ => 0,
    };
    (0..rows).map(move |row| column.map_or(NONE, |c| c.get(row)))
}

/// Builds one inverse column of `target` from the reference column `source`.
///
/// The only memory it needs besides its result is the result itself: the
/// column first holds each target's number of referrers (only the targets
/// that have one get an entry: most subscriptions have no add-on and no
/// transfer item), then its list cell, whose length counts the referrers
/// placed so far while the pool is filled.
fn build_inverse(store: &mut Store, target: (KindId, FieldId), source: (KindId, FieldId)) {
    let targets = store.table(target.0).len();
    let mut tally = Tally::new(targets, references(&store.tables, source));
    // Rows without referrers share one empty list.
    let empty = store.empty_list();
    let mut next = store.pool.len() as u32;
    store.lists.reserve_exact(tally.values_mut().len());
    for value in tally.values_mut() {
        let count = *value;
        *value = store.push_list(next, 0);
        next += count;
    }
    store.pool.reserve_exact(next as usize - store.pool.len());
    store.pool.resize(next as usize, NONE);
    let Store {
        tables,
        pool,
        lists,
        ..
    } = store;
    for (row, t) in (0u32..).zip(references(tables, source)) {
        let Some(list) = tally.get(t) else {
            continue;
        };
        if let Some((start, len)) = lists.get_mut(list as usize) {
            if let Some(slot) = pool.get_mut((*start + *len) as usize) {
                *slot = row;
            }
            *len += 1;
        }
    }
    if let Some(t) = store.tables.get_mut(target.0) {
        if let Some(column) = t.columns.get_mut(target.1) {
            *column = tally.into_column(empty, targets);
        }
    }
}
