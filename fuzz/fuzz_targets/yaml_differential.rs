//! The block fast path against saphyr-parser on the same bytes: where the
//! fast path reads a text, its events and spans must be saphyr-parser's
//! exactly; anything else it must hand over.
#![no_main]

use eligo::internals::scenario::block::differential::{compare, Verdict};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match compare(text) {
        Ok(Verdict::Same | Verdict::HandedOver) => {}
        Err(difference) => panic!("the block fast path disagrees with saphyr-parser: {difference}"),
    }
});
