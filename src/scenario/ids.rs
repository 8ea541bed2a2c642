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
//! The table is open addressing with linear probing over those entries, not
//! hashbrown's table: hashbrown keeps its control bytes apart from its
//! entries, so at a million ids, whose table is far larger than the cache,
//! recording an id missed the cache twice (the control group, then the entry)
//! where here the entry is the only line touched (with hashbrown, recording
//! and finding ids took a fifth of the loader's thread at a million
//! subscriptions). The tests check it against a `HashMap`.
//!
//! The index lives only as long as loading: references are resolved then, and
//! nothing afterwards needs to find an entity by its id often enough to pay
//! for keeping it (at a million subscriptions, 2^21 entries: 16 MiB).

use hashbrown::DefaultHashBuilder;
use std::hash::BuildHasher;

use crate::schema::{Id, KindId};

/// The id index.
#[derive(Clone, Debug)]
pub(crate) struct Ids {
    /// A power of two of entries (or none before the first id); a tag of 0
    /// marks a free one.
    entries: Vec<Entry>,
    /// How many entries are taken.
    taken: usize,
    hasher: DefaultHashBuilder,
    /// How many low bits of a key hold the kind.
    kind_bits: u32,
}

/// An entity's kind and row (`row << kind_bits | kind`) and its id's tag.
#[derive(Clone, Copy, Debug, Default)]
struct Entry {
    tag: u32,
    key: u32,
}

/// The part of an id's hash the index keeps, computed once for
/// [`Ids::warm`] and [`Ids::insert_tagged`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tag(u32);

/// Why an id was not recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NotInserted {
    /// Another entity, of this kind and row, has the id already.
    Taken(KindId, u32),
    /// The row is beyond what an entry can hold (see [`Ids::max_row`]).
    TooManyRows,
}

/// Entries a table starts with.
const FIRST_CAPACITY: usize = 64;

/// The tag of an id's hash: 32 bits of it, never 0 (which marks a free entry).
fn tag_of(hash: u64) -> u32 {
    (hash as u32) | 1
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

/// Where a tag's probe starts in a table of `capacity` entries (a power of
/// two): the top bits of the tag spread over 64 bits, so that tags differing
/// only in their high bits still land apart.
fn home(tag: u32, capacity: usize) -> usize {
    let spread = u64::from(tag).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let bits = capacity.trailing_zeros();
    spread.checked_shr(64 - bits).unwrap_or(0) as usize
}

/// A hint to bring `entry`'s line into the cache, without waiting for it.
#[inline]
fn prefetch(entry: &Entry) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        let at: *const Entry = entry;
        // SAFETY: a prefetch is only a hint: it reads nothing into the
        // program and cannot fault, and `at` points into a live table anyway.
        #[allow(unsafe_code)]
        unsafe {
            _mm_prefetch::<_MM_HINT_T0>(at.cast::<i8>());
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = entry;
}

/// What a probe for an id found.
enum Probe {
    /// The entry holding it.
    Found(Entry),
    /// The free entry where it would go.
    Free(usize),
}

impl Ids {
    /// An empty index for a schema of `kinds` kinds.
    pub(crate) fn new(kinds: usize) -> Self {
        let kind_bits = usize::BITS - kinds.saturating_sub(1).leading_zeros();
        Ids {
            entries: Vec::new(),
            taken: 0,
            hasher: DefaultHashBuilder::default(),
            kind_bits,
        }
    }

    /// The largest row an entry can hold: 2^28 - 1 for up to 16 kinds, more
    /// rows than a file within the default size limit can declare.
    pub(crate) fn max_row(&self) -> u32 {
        u32::MAX.checked_shr(self.kind_bits).unwrap_or(0)
    }

    /// Probes for `id` (with its `tag`) from its home entry to the entry
    /// holding it or to the first free one; `None` only for an empty table.
    fn probe<'s>(
        &self,
        id: &str,
        tag: u32,
        id_of: impl Fn(KindId, u32) -> &'s str,
    ) -> Option<Probe> {
        let mask = self.entries.len().checked_sub(1)?;
        let mut at = home(tag, self.entries.len());
        // The table is never full (see `insert`), so a free entry ends the
        // probe; the bound only keeps that promise out of the loop's hands.
        for _ in 0..self.entries.len() {
            let entry = *self.entries.get(at)?;
            if entry.tag == 0 {
                return Some(Probe::Free(at));
            }
            if entry.tag == tag {
                let (kind, row) = unpack(self.kind_bits, entry.key);
                if id_of(kind, row) == id {
                    return Some(Probe::Found(entry));
                }
            }
            at = (at + 1) & mask;
        }
        None
    }

    /// The kind and row of the entity with this id; `id_of` gives the id of
    /// a recorded entity.
    pub(crate) fn find<'s>(
        &self,
        id: &str,
        id_of: impl Fn(KindId, u32) -> &'s str,
    ) -> Option<(KindId, u32)> {
        let Tag(tag) = self.tag(id);
        match self.probe(id, tag, id_of)? {
            Probe::Found(entry) => Some(unpack(self.kind_bits, entry.key)),
            Probe::Free(_) => None,
        }
    }

    /// The tag of `id`.
    pub(crate) fn tag(&self, id: &str) -> Tag {
        Tag(tag_of(self.hasher.hash_one(id)))
    }

    /// Asks the processor to bring the entry where the probe for `tag` starts
    /// into the cache, so that it is there when the id is recorded a little
    /// later: at a million ids the table is far larger than the cache (and
    /// its pages than the TLB's reach), and this entry is the one miss of
    /// recording an id.
    pub(crate) fn warm(&self, tag: Tag) {
        if let Some(entry) = self.entries.get(home(tag.0, self.entries.len())) {
            prefetch(entry);
        }
    }

    /// Records `id` for a row, unless another entity has it (or the row does
    /// not fit an entry); `id_of` gives the id of a recorded entity.
    #[cfg(test)]
    pub(crate) fn insert<'s>(
        &mut self,
        id: &str,
        kind: KindId,
        row: u32,
        id_of: impl Fn(KindId, u32) -> &'s str,
    ) -> Result<(), NotInserted> {
        self.insert_tagged(id, self.tag(id), kind, row, id_of)
    }

    /// [`Ids::insert`] of an id whose tag is known.
    pub(crate) fn insert_tagged<'s>(
        &mut self,
        id: &str,
        Tag(tag): Tag,
        kind: KindId,
        row: u32,
        id_of: impl Fn(KindId, u32) -> &'s str,
    ) -> Result<(), NotInserted> {
        if row > self.max_row() {
            return Err(NotInserted::TooManyRows);
        }
        // At most three quarters taken: linear probes stay short.
        if (self.taken + 1) * 4 > self.entries.len() * 3 {
            self.grow();
        }
        match self.probe(id, tag, id_of) {
            Some(Probe::Found(entry)) => {
                let (kind, row) = unpack(self.kind_bits, entry.key);
                Err(NotInserted::Taken(kind, row))
            }
            Some(Probe::Free(at)) => {
                if let Some(free) = self.entries.get_mut(at) {
                    *free = Entry {
                        tag,
                        key: pack(self.kind_bits, kind, row),
                    };
                    self.taken += 1;
                }
                Ok(())
            }
            // Not reached: `probe` gives `None` only for an empty or a full
            // table, and the table was just grown to hold one more.
            None => Ok(()),
        }
    }

    /// Doubles the table, placing every entry by its tag (no id is read).
    fn grow(&mut self) {
        let capacity = (self.entries.len() * 2).max(FIRST_CAPACITY);
        let mask = capacity - 1;
        let mut entries = vec![Entry::default(); capacity];
        for entry in self.entries.iter().filter(|e| e.tag != 0) {
            let mut at = home(entry.tag, capacity);
            while let Some(slot) = entries.get_mut(at) {
                if slot.tag == 0 {
                    *slot = *entry;
                    break;
                }
                at = (at + 1) & mask;
            }
        }
        self.entries = entries;
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

    proptest::proptest! {
        /// The same answers as a `HashMap` from id to kind and row, over any
        /// mix of new ids, repeated ids and lookups, through many growths.
        #[test]
        fn answers_as_a_hash_map_does(
            steps in proptest::collection::vec((0u32..3, 0u32..4000, proptest::bool::ANY), 0..3000)
        ) {
            let mut rows: Vec<Vec<String>> = vec![Vec::new(); 3];
            let mut model: std::collections::HashMap<String, (usize, u32)> = Default::default();
            let mut ids = Ids::new(3);
            for (kind, n, is_insert) in steps {
                let id = format!("id-{n}");
                if is_insert {
                    let kind = kind as usize;
                    let row = rows[kind].len() as u32;
                    let got = {
                        let id_of = |k: KindId, r: u32| rows[k.index()][r as usize].as_str();
                        ids.insert(&id, KindId::at(kind), row, id_of)
                    };
                    match model.get(&id) {
                        Some(&(k, r)) => proptest::prop_assert_eq!(got, Err(NotInserted::Taken(KindId::at(k), r))),
                        None => {
                            proptest::prop_assert_eq!(got, Ok(()));
                            model.insert(id.clone(), (kind, row));
                            rows[kind].push(id);
                        }
                    }
                } else {
                    let id_of = |k: KindId, r: u32| rows[k.index()][r as usize].as_str();
                    let want = model.get(&id).map(|&(k, r)| (KindId::at(k), r));
                    proptest::prop_assert_eq!(ids.find(&id, id_of), want);
                }
            }
        }
    }

    #[test]
    fn an_empty_index_finds_nothing() {
        assert_eq!(Ids::new(2).find("x", |_, _| "x"), None);
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
