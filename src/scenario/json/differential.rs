//! The fast path against saphyr-parser on the same bytes: the oracle of the
//! differential tests and of the `json_differential` fuzz target.

use super::JsonEvents;
pub use crate::scenario::differential::Verdict;

/// Compares the fast path with saphyr-parser on `text`; `Err` describes the
/// first difference.
pub fn compare(text: &str) -> Result<Verdict, String> {
    let fast = JsonEvents::new(text);
    // Large texts that start like JSON are streamed without the dry run:
    // the streaming scanner must read to the end exactly the texts the dry
    // run accepts (whose events are then compared below).
    let streamed = JsonEvents::streaming(text).is_some_and(|mut s| s.reads_to_the_end());
    if streamed != fast.is_some() {
        return Err(format!(
            "streamed without its dry run the fast path reads the text to its end: {streamed}; after it: {}",
            fast.is_some()
        ));
    }
    crate::scenario::differential::compare(text, fast.map(|mut events| move || events.next_event()))
}

#[cfg(test)]
mod tests;
