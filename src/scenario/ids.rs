//! The id index: every id of a scenario, found by its text.
//!
//! Entries are the kind and row of an entity, the cell of its id string and
//! 32 bits of its hash; the text itself is read from the store's [`Strings`],
//! not kept twice, so the index costs 16 bytes an id rather than an allocation
//! each. The stored hash lets the table grow without reading every id again:
//! at a million ids those reads are cache misses all over the source text, and
//! they were most of the cost of growing. Ids are hashed with foldhash
//! (hashbrown's default), several times faster than SipHash on short keys.

use hashbrown::hash_table::Entry;
use hashbrown::{DefaultHashBuilder, HashTable};
use std::hash::BuildHasher;

use super::strings::Strings;
use crate::schema::KindId;

/// The id index.
#[derive(Clone, Debug, Default)]
pub struct Ids {
    table: HashTable<Entry32>,
    hasher: DefaultHashBuilder,
}

/// Kind, row, id cell and hash of an entity.
#[derive(Clone, Copy, Debug)]
struct Entry32 {
    kind: u32,
    row: u32,
    cell: u32,
    hash: u32,
}

/// The table's hash of a 32-bit id hash: spread over 64 bits, since hashbrown
/// takes the bucket from the low bits and a tag from the top seven.
fn spread(hash: u32) -> u64 {
    u64::from(hash).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

impl Ids {
    /// The kind, row and id cell of the entity with this id.
    pub fn find(&self, strings: &Strings, id: &str) -> Option<(KindId, u32, u32)> {
        let hash = self.hasher.hash_one(id) as u32;
        self.table
            .find(spread(hash), |e| {
                e.hash == hash && strings.get(e.cell) == id
            })
            .map(|e| (e.kind as KindId, e.row, e.cell))
    }

    /// Records the id in string cell `cell` for a row; returns the entity that
    /// already has this id, if any (and then records nothing).
    pub fn insert(
        &mut self,
        strings: &Strings,
        cell: u32,
        kind: KindId,
        row: u32,
    ) -> Option<(KindId, u32)> {
        let id = strings.get(cell);
        let hash = self.hasher.hash_one(id) as u32;
        let entry = self.table.entry(
            spread(hash),
            |e| e.hash == hash && strings.get(e.cell) == id,
            |e| spread(e.hash),
        );
        match entry {
            Entry::Occupied(e) => Some((e.get().kind as KindId, e.get().row)),
            Entry::Vacant(e) => {
                e.insert(Entry32 {
                    kind: kind as u32,
                    row,
                    cell,
                    hash,
                });
                None
            }
        }
    }

    /// Every entry: kind, row and id cell, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (KindId, u32, u32)> + '_ {
        self.table.iter().map(|e| (e.kind as KindId, e.row, e.cell))
    }
}
