//! Which customer a finding concerns, and the customers of a book.
//!
//! The engine knows no CSP word, so this follows the schema by convention: the
//! entity kind listed under the root key `customers` is the customer, and an
//! entity of another kind belongs to the customer that its first (single)
//! reference field of that kind names (`subscription.customer`,
//! `transfer.customer`). Partners and partnerships belong to no customer. A
//! schema without a `customers` collection gives no customer at all, and the
//! reports leave the field out.

use serde::Serialize;
use std::sync::Arc;

use crate::scenario::store::{NONE, PENDING};
use crate::scenario::Store;
use crate::schema::{FieldId, FieldType, IdVec, KindId, Schema};

/// The root key whose entities are customers.
const CUSTOMERS: &str = "customers";
/// The root key whose entities are counted as a customer's subscriptions.
const SUBSCRIPTIONS: &str = "subscriptions";

/// One customer of a book, as the JSON report lists it (per file `customers`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CustomerEntry {
    /// The customer's id.
    pub id: String,
    /// How many subscriptions of the book name it (0: nothing to move).
    pub subscriptions: u32,
}

/// How to find the customer of an entity of each kind.
#[derive(Debug)]
pub(crate) struct CustomerIndex {
    /// The customer kind.
    kind: KindId,
    /// Per kind: the reference field that names its customer.
    field: IdVec<KindId, Option<FieldId>>,
}

impl CustomerIndex {
    /// The index for a schema, or `None` when it declares no `customers`.
    pub(crate) fn new(schema: &Schema) -> Option<Self> {
        let kind = schema.kind_of_collection(CUSTOMERS)?;
        let field = schema.kinds.map(|k| {
            k.fields
                .iter_enumerated()
                .find(|(_, f)| f.ty == FieldType::Ref(kind))
                .map(|(id, _)| id)
        });
        Some(CustomerIndex { kind, field })
    }

    /// The customer row that an entity concerns: itself for a customer, the
    /// customer it names for an entity with a customer reference.
    pub(crate) fn customer_row(&self, store: &Store, kind: KindId, row: u32) -> Option<u32> {
        if kind == self.kind {
            return Some(row);
        }
        let field = self.field.get(kind).copied().flatten()?;
        let cell = store.cell(kind, field, row);
        (cell != NONE && cell != PENDING).then_some(cell)
    }

    /// Every customer of the book in file order, with its number of subscriptions.
    pub(crate) fn customers(&self, schema: &Schema, store: &Store) -> Vec<CustomerEntry> {
        let rows = store.table(self.kind).len();
        let mut counts = vec![0u32; rows];
        if let Some(subs) = schema.kind_of_collection(SUBSCRIPTIONS) {
            for row in 0..store.table(subs).len() as u32 {
                let owner = self.customer_row(store, subs, row);
                if let Some(n) = owner.and_then(|c| counts.get_mut(c as usize)) {
                    *n += 1;
                }
            }
        }
        counts
            .into_iter()
            .enumerate()
            .filter_map(|(row, subscriptions)| {
                let id = store.row_id(self.kind, row as u32)?;
                Some(CustomerEntry {
                    id: id.to_string(),
                    subscriptions,
                })
            })
            .collect()
    }
}

/// One shared copy of each customer's id for the findings of a file.
#[derive(Debug, Default)]
pub(crate) struct CustomerIds(Vec<Option<Arc<str>>>);

impl CustomerIds {
    /// The id of a customer row, shared with every earlier call for that row.
    pub(crate) fn get(
        &mut self,
        store: &Store,
        index: &CustomerIndex,
        row: u32,
    ) -> Option<Arc<str>> {
        let slot = row as usize;
        if self.0.len() <= slot {
            self.0.resize(slot + 1, None);
        }
        let cached = self.0.get_mut(slot)?;
        if cached.is_none() {
            *cached = store.row_id(index.kind, row).map(Arc::from);
        }
        cached.clone()
    }
}
