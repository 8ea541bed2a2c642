//! The fast path against saphyr-parser on the same bytes: the oracle of the
//! differential tests and of the `json_differential` fuzz target.

use super::JsonEvents;
pub use crate::scenario::differential::Verdict;

/// Compares the fast path with saphyr-parser on `text`; `Err` describes the
/// first difference.
pub fn compare(text: &str) -> Result<Verdict, String> {
    let fast = JsonEvents::new(text);
    crate::scenario::differential::compare(text, fast.map(|mut events| move || events.next_event()))
}

#[cfg(test)]
mod tests;
