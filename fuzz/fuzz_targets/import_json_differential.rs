//! The import's JSON fast path against jsonc-parser on the same bytes: where
//! the fast path reads a text, its AST (values and byte ranges) must be
//! jsonc-parser's exactly; anything else it must hand over. And the records
//! read straight from the text (the embedded mapping's subscription fields)
//! must be those read through the tree.
#![no_main]

use eligo::internals::import::json_fast::{compare, compare_records, subscription_paths};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(difference) = compare(text) {
        panic!("the fast path disagrees with jsonc-parser: {difference}");
    }
    if let Err(difference) = compare_records(text, "items", subscription_paths()) {
        panic!("the records read from the text disagree with the tree's: {difference}");
    }
});
