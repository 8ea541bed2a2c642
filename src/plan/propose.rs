//! The book plus a proposal: planned requests added as rows to a copy of the
//! loaded store, so the rules see them exactly as they would see requests
//! written in the file.

use crate::program::PlanSpec;
use crate::scenario::relations::rebuild_inverses_from;
use crate::scenario::store::{Pos, Store, NONE};
use crate::schema::{Schema, ROOT};

/// One proposed request: its id, its group's row and the rows it moves.
#[derive(Clone, Debug)]
pub(crate) struct Proposed<'a> {
    /// The request's id.
    pub id: &'a str,
    /// The row of its group entity.
    pub group: u32,
    /// The rows of the entities it moves, in order.
    pub rows: &'a [u32],
}

/// The parties of every proposed request.
#[derive(Clone, Copy, Debug)]
pub struct Parties {
    /// The source's row.
    pub from: u32,
    /// The target's row.
    pub to: u32,
}

/// A copy of `book` with `requests` added; returns it and the row of the
/// first added request (the others follow in order).
pub(crate) fn with_proposal(
    schema: &Schema,
    spec: &PlanSpec,
    book: &Store,
    parties: Parties,
    requests: &[Proposed<'_>],
) -> (Store, u32) {
    let mut store = book.clone();
    let first = store.table(spec.request).len() as u32;
    let id_field = schema.kind(spec.request).id_field;
    for request in requests {
        let row = store.push_row(spec.request, Pos::default());
        if let Some(f) = id_field {
            let cell = store.push_str(request.id);
            store.set(spec.request, f, row, cell);
        }
        store.set(spec.request, spec.from.0, row, parties.from);
        store.set(spec.request, spec.to, row, parties.to);
        store.set(spec.request, spec.group.0, row, request.group);
        for &(field, value) in &spec.set {
            store.set(spec.request, field, row, value);
        }
        let start = store.table(spec.item).len() as u32;
        for &moved in request.rows {
            add_item(&mut store, spec, row, moved);
        }
        let cell = store.push_list(start, request.rows.len() as u32);
        store.set(spec.request, spec.items, row, cell);
    }
    // The root lists each collection as one range of rows; it now ends later.
    if let Some(field) = schema.root().field(&spec.collection) {
        let rows = store.table(spec.request).len() as u32;
        let cell = store.push_list(0, rows);
        store.set(ROOT, field, 0, cell);
    }
    rebuild_inverses_from(schema, &mut store, &[spec.request, spec.item]);
    (store, first)
}

/// Adds one item of request `request` naming `moved`.
fn add_item(store: &mut Store, spec: &PlanSpec, request: u32, moved: u32) {
    let item = store.push_row(spec.item, Pos::default());
    store.set(spec.item, spec.item_ref, item, moved);
    if let Some(parent) = spec.item_parent {
        store.set(spec.item, parent, item, request);
    }
    for &(to, from) in &spec.copy {
        let cell = store.cell(spec.moved, from, moved);
        if cell != NONE {
            store.set(spec.item, to, item, cell);
        }
    }
}
