//! Inverse relations, built once after loading.

use super::store::{Store, NONE};
use crate::schema::{FieldId, FieldType, KindId, Schema};

/// Fills every `inverse kind.field` column: for each target row, the rows of
/// `kind` whose `field` points at it, in file order (a counting sort, linear).
pub fn build_inverses(schema: &Schema, store: &mut Store) {
    for (target_kind, kind) in schema.kinds.iter().enumerate() {
        for (field_id, field) in kind.fields.iter().enumerate() {
            if let FieldType::Inverse {
                kind: source_kind,
                field: source_field,
            } = field.ty
            {
                build_inverse(store, (target_kind, field_id), (source_kind, source_field));
            }
        }
    }
}

/// Builds one inverse column of `target` from the reference column `source`.
fn build_inverse(store: &mut Store, target: (KindId, FieldId), source: (KindId, FieldId)) {
    let targets = store.table(target.0).len();
    let mut counts = vec![0u32; targets];
    let references = store
        .table(source.0)
        .columns
        .get(source.1)
        .map_or(&[][..], Vec::as_slice);
    for &t in references {
        if let Some(c) = counts.get_mut(t as usize) {
            *c += 1;
        }
    }
    // Rows without referrers (most of them, for add-ons and transfer items)
    // share one empty list instead of a list entry each.
    let empty = store.empty_list();
    let mut next = store.pool.len() as u32;
    let mut starts = Vec::with_capacity(targets);
    let mut cells = Vec::with_capacity(targets);
    for &c in &counts {
        starts.push(next);
        cells.push(if c == 0 {
            empty
        } else {
            store.push_list(next, c)
        });
        next += c;
    }
    let Store { tables, pool, .. } = store;
    pool.resize(next as usize, NONE);
    let references = tables.get(source.0).and_then(|t| t.columns.get(source.1));
    for (row, &t) in references.into_iter().flatten().enumerate() {
        if t == NONE {
            continue;
        }
        if let Some(slot) = starts.get_mut(t as usize) {
            if let Some(cell) = pool.get_mut(*slot as usize) {
                *cell = row as u32;
            }
            *slot += 1;
        }
    }
    if let Some(column) = tables
        .get_mut(target.0)
        .and_then(|t| t.columns.get_mut(target.1))
    {
        *column = cells;
    }
}
