//! The import's JSON fast path against jsonc-parser on the same bytes: where
//! the fast path reads a text, its AST (values and byte ranges) must be
//! jsonc-parser's exactly; anything else it must hand over.
#![no_main]

use eligo::internals::import::json_fast::compare;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(difference) = compare(text) {
        panic!("the fast path disagrees with jsonc-parser: {difference}");
    }
});
