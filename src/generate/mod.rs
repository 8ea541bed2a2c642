//! A deterministic scenario generator, for benchmarks and load tests.
//!
//! `subscriptions` and a seed always give the same valid scenario, byte for byte:
//! about one customer per eight subscriptions, one direct-bill partner per 25
//! customers, one provider per eight of those, 20% add-ons, a transfer request
//! for 40% of the customers (1 to 10 items each), and a few per cent of entities
//! breaking one rule each, so that every rule of the default pack fires on a
//! book of 10,000 subscriptions. The random numbers come from a hand-written
//! SplitMix64 ([`rng::Rng`]) so that the output never depends on a crate's
//! version.

// The generator reads no input: it indexes tables it has just built, with
// indexes it draws modulo their lengths, so these accesses cannot fail.
#![expect(
    clippy::indexing_slicing,
    reason = "the generator indexes its own freshly built tables with indexes drawn modulo their lengths; it reads no input"
)]

mod export;
mod faults;
pub(crate) mod model;
mod names;
mod plan;
pub(crate) mod rng;
mod transfers;
mod write;

use std::io::{self, Write};

pub(crate) use export::write_export;
pub(crate) use model::Book;
pub(crate) use write::write_book;

/// The evaluation date of generated books (fixed, so findings do not change
/// with the day the generator runs).
pub(crate) const AS_OF: &str = "2026-11-20";

/// Plans the book of `subscriptions` subscriptions for `seed`.
pub(crate) fn book(subscriptions: usize, seed: u64) -> Book {
    let mut rng = rng::Rng::new(seed);
    let as_of = crate::date::parse_date(AS_OF).unwrap_or_default();
    let name = format!("generated-{subscriptions}-seed-{seed}");
    let mut planner = plan::Planner::new(&mut rng, name, as_of);
    let customers = subscriptions.div_ceil(8).max(1);
    planner.plan(customers, subscriptions);
    planner.transfers();
    planner.book
}

/// The scenario text of the book of `subscriptions` subscriptions for `seed`.
pub fn scenario_text(subscriptions: usize, seed: u64) -> String {
    let mut out = Vec::new();
    // Writing to memory cannot fail.
    let _ = write_book(&book(subscriptions, seed), &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// How many subscriptions each of `files` files gets so that they add up to
/// `subscriptions` (the first files take the remainder).
pub fn split(subscriptions: usize, files: usize) -> Vec<usize> {
    let files = files.max(1);
    (0..files)
        .map(|i| subscriptions / files + usize::from(i < subscriptions % files))
        .collect()
}

/// The seed of the `index`-th file of a split book, so every file differs.
pub(crate) fn file_seed(seed: u64, index: usize) -> u64 {
    rng::Rng::derive(seed, index as u64).next_u64()
}

/// Writes the `index`-th file of a book split into several.
pub fn write_part<W: Write>(
    subscriptions: usize,
    seed: u64,
    index: usize,
    out: &mut W,
) -> io::Result<()> {
    write_book(&book(subscriptions, file_seed(seed, index)), out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_text() {
        assert_eq!(scenario_text(300, 5), scenario_text(300, 5));
        assert_ne!(scenario_text(300, 5), scenario_text(300, 6));
    }

    #[test]
    fn counts_follow_the_request() {
        let b = book(1000, 1);
        assert_eq!(b.subscriptions.len(), 1000);
        assert_eq!(b.customers.len(), 125);
        let addons = b.subscriptions.iter().filter(|s| s.base.is_some()).count();
        assert!((120..=280).contains(&addons), "{addons} add-ons");
        assert!(b
            .transfers
            .iter()
            .all(|t| (1..=12).contains(&t.items.len())));
    }

    #[test]
    fn split_adds_up() {
        assert_eq!(split(10, 3), vec![4, 3, 3]);
        assert_eq!(split(100_000, 1000).iter().sum::<usize>(), 100_000);
    }
}
