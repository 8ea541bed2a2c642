//! Inverse relations, built once after loading.

use super::store::{Store, NONE};
use crate::schema::{FieldType, Schema};

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
                let targets = store.tables[target_kind].len();
                let sources = store.tables[source_kind].columns[source_field].clone();
                let mut counts = vec![0u32; targets + 1];
                for &t in &sources {
                    if t != NONE {
                        if let Some(c) = counts.get_mut(t as usize) {
                            *c += 1;
                        }
                    }
                }
                let base = store.pool.len() as u32;
                let mut starts = Vec::with_capacity(targets);
                let mut next = base;
                for &c in counts.iter().take(targets) {
                    starts.push(next);
                    next += c;
                }
                store.pool.resize(next as usize, NONE);
                let mut fill = starts.clone();
                for (row, &t) in sources.iter().enumerate() {
                    if let Some(slot) = fill.get_mut(t as usize) {
                        if let Some(cell) = store.pool.get_mut(*slot as usize) {
                            *cell = row as u32;
                        }
                        *slot += 1;
                    }
                }
                for (row, &start) in starts.iter().enumerate() {
                    let len = counts.get(row).copied().unwrap_or(0);
                    let cell = store.push_list(start, len);
                    store.set(target_kind, field_id, row as u32, cell);
                }
            }
        }
    }
}
