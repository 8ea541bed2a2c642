//! The id index: every id of a scenario, found by its text, while it loads.
//!
//! An entry is the kind and row of an entity packed in 32 bits, and 32 bits of
//! the hash of its id: 8 bytes an id, and no copy of the text, which is read
//! back from the store (through the `id_of` callback) to confirm a match. The
//! stored hash lets the table grow without reading every id again: at a
//! million ids those reads are cache misses all over the source text. Ids are
//! hashed with foldhash (hashbrown's default), several times faster than
//! SipHash on short keys.
//!
//! The index lives only as long as loading: references are resolved then, and
//! nothing afterwards needs to find an entity by its id often enough to pay
//! for keeping it (at a million subscriptions it is 19 MB).

use hashbrown::hash_table::Entry as Slot;
use hashbrown::{DefaultHashBuilder, HashTable};
use std::hash::BuildHasher;

use crate::schema::{Id, KindId};

/// The id index.
#[derive(Clone, Debug)]
pub(crate) struct Ids {
    table: HashTable<Entry>,
    hasher: DefaultHashBuilder,
    /// How many low bits of a key hold the kind.
    kind_bits: u32,
}

/// An entity's kind and row (`row << kind_bits | kind`) and its id's hash.
#[derive(Clone, Copy, Debug)]
struct Entry {
    key: u32,
    hash: u32,
}

/// Why an id was not recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NotInserted {
    /// Another entity, of this kind and row, has the id already.
    Taken(KindId, u32),
    /// The row is beyond what an entry can hold (see [`Ids::max_row`]).
    TooManyRows,
}

/// The table's hash of a 32-bit id hash: spread over 64 bits, since hashbrown
/// takes the bucket from the low bits and a tag from the top seven.
fn spread(hash: u32) -> u64 {
    u64::from(hash).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// The key of a kind and row (the row fits: see [`Ids::max_row`]).
fn pack(kind_bits: u32, kind: KindId, row: u32) -> u32 {
    row.checked_shl(kind_bits).unwrap_or(0) | kind.index() as u32
}

/// The kind and row of a key.
fn unpack(kind_bits: u32, key: u32) -> (KindId, u32) {
    let mask = 1u32.checked_shl(kind_bits).map_or(u32::MAX, |bit| bit - 1);
    (
        // The key was packed from a kind id: unpacking gives it back.
        KindId::at((key & mask) as usize),
        key.checked_shr(kind_bits).unwrap_or(0),
    )
}

impl Ids {
    /// An empty index for a schema of `kinds` kinds.
    pub(crate) fn new(kinds: usize) -> Self {
        let kind_bits = usize::BITS - kinds.saturating_sub(1).leading_zeros();
        Ids {
            table: HashTable::new(),
            hasher: DefaultHashBuilder::default(),
            kind_bits,
        }
    }

    /// The largest row an entry can hold: 2^28 - 1 for up to 16 kinds, more
    /// rows than a file within the default size limit can declare.
    pub(crate) fn max_row(&self) -> u32 {
        u32::MAX.checked_shr(self.kind_bits).unwrap_or(0)
    }

    /// The kind and row of the entity with this id; `id_of` gives the id of
    /// a recorded entity.
    pub(crate) fn find<'s>(
        &self,
        id: &str,
        id_of: impl Fn(KindId, u32) -> &'s str,
    ) -> Option<(KindId, u32)> {
        let hash = self.hasher.hash_one(id) as u32;
        self.table
            .find(spread(hash), |e| {
                e.hash == hash && {
                    let (kind, row) = unpack(self.kind_bits, e.key);
                    id_of(kind, row) == id
                }
            })
            .map(|e| unpack(self.kind_bits, e.key))
    }

    /// Records `id` for a row, unless another entity has it (or the row does
    /// not fit an entry); `id_of` gives the id of a recorded entity.
    pub(crate) fn insert<'s>(
        &mut self,
        id: &str,
        kind: KindId,
        row: u32,
        id_of: impl Fn(KindId, u32) -> &'s str,
    ) -> Result<(), NotInserted> {
        if row > self.max_row() {
            return Err(NotInserted::TooManyRows);
        }
        let hash = self.hasher.hash_one(id) as u32;
        let kind_bits = self.kind_bits;
        let slot = self.table.entry(
            spread(hash),
            |e| {
                e.hash == hash && {
                    let (kind, row) = unpack(kind_bits, e.key);
                    id_of(kind, row) == id
                }
            },
            |e| spread(e.hash),
        );
        match slot {
            Slot::Occupied(e) => {
                let (kind, row) = unpack(kind_bits, e.get().key);
                Err(NotInserted::Taken(kind, row))
            }
            Slot::Vacant(e) => {
                e.insert(Entry {
                    key: pack(kind_bits, kind, row),
                    hash,
                });
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(i: usize) -> KindId {
        KindId::at(i)
    }

    #[test]
    fn finds_what_was_inserted_and_refuses_duplicates() {
        let names: Vec<Vec<String>> = (0..3)
            .map(|k| (0..500).map(|r| format!("k{k}-{r}")).collect())
            .collect();
        let id_of = |kind: KindId, r: u32| names[kind.index()][r as usize].as_str();
        let mut ids = Ids::new(3);
        for (i, rows) in names.iter().enumerate() {
            for r in 0..rows.len() as u32 {
                assert_eq!(ids.insert(&names[i][r as usize], k(i), r, id_of), Ok(()));
            }
        }
        assert_eq!(ids.find("k2-499", id_of), Some((k(2), 499)));
        assert_eq!(ids.find("k0-0", id_of), Some((k(0), 0)));
        assert_eq!(ids.find("k3-0", id_of), None);
        assert_eq!(
            ids.insert("k1-7", k(0), 0, id_of),
            Err(NotInserted::Taken(k(1), 7))
        );
    }

    #[test]
    fn rows_beyond_the_packing_are_refused() {
        let ids = Ids::new(9);
        assert_eq!(ids.max_row(), (1 << 28) - 1);
        let mut ids = Ids::new(1);
        assert_eq!(ids.max_row(), u32::MAX);
        let mut big = Ids::new(1 << 20);
        assert_eq!(big.max_row(), (1 << 12) - 1);
        assert_eq!(
            big.insert("x", k(0), 1 << 12, |_, _| "x"),
            Err(NotInserted::TooManyRows)
        );
        assert_eq!(ids.insert("x", k(0), u32::MAX, |_, _| "x"), Ok(()));
        assert_eq!(ids.find("x", |_, _| "x"), Some((k(0), u32::MAX)));
    }
}
