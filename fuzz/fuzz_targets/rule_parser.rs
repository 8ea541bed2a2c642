//! Arbitrary text as a rule file added to the default pack: parsing, checking,
//! formatting and evaluating the rules on a bundled book must return a value or
//! diagnostics, never panic, overflow the stack or hang. Run with large inputs
//! allowed (`-max_len=200000`): long flat chains (`true and true and …`), field
//! paths and clause lists are the inputs that once overflowed the stack.
#![no_main]

use libfuzzer_sys::fuzz_target;

/// A small book for the rules to run on.
const BOOK: &str = include_str!("../../fixtures/books/clean-book.yaml");

/// Enough work for every sane rule on the book; a cross product stops here
/// (an error) instead of running into libFuzzer's timeout.
const MAX_WORK: u64 = 2_000_000;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let extra = eligo::internals::SourceFile::new("fuzz.rules", text);
    let _ = eligo::internals::lang::parse::parse_rule_file(&extra);
    let _ = eligo::internals::lang::fmt::format_source(&extra);
    let mut sources = eligo::default_rule_sources();
    sources.push(extra);
    match eligo::internals::load_program(sources) {
        Err(errors) => {
            // Rendering walks the spans: they must lie inside the file.
            for e in errors.iter().take(4) {
                let style = eligo::internals::report::human::Style { color: false, width: 80 };
                let _ = eligo::internals::report::human::render_diagnostic(e, style);
            }
        }
        Ok(program) => {
            let book = eligo::internals::SourceFile::new("book.yaml", BOOK);
            let options = eligo::internals::scenario::LoadOptions::default();
            if let Ok(s) = eligo::internals::scenario::load_scenario(&program.schema, book, &program.rule_ids(), &options) {
                let _ = eligo::internals::eval::evaluate_budgeted(&program, &s.store, MAX_WORK);
            }
        }
    }
});
