//! The fast path against saphyr-parser on the same bytes: the oracle of the
//! differential tests and of the `yaml_differential` fuzz target.

use super::BlockEvents;
pub use crate::scenario::differential::Verdict;

/// Compares the fast path with saphyr-parser on `text`; `Err` describes the
/// first difference.
pub fn compare(text: &str) -> Result<Verdict, String> {
    let fast = BlockEvents::new(text);
    // Large texts are streamed without the dry run: the streaming scanner
    // must read to the end exactly the texts the dry run accepts (whose
    // events are then compared below; both are the same scanner).
    let streamed = BlockEvents::streaming(text).reads_to_the_end();
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
