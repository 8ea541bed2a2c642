//! Arbitrary text as a rule file added to the default pack: parsing and checking
//! must return a value or diagnostics, never panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let extra = eligo::SourceFile::new("fuzz.rules", text);
    let _ = eligo::lang::parse::parse_rule_file(&extra);
    let mut sources = eligo::default_rule_sources();
    sources.push(extra);
    if let Err(errors) = eligo::load_program(sources) {
        // Rendering walks the spans: they must lie inside the file.
        for e in errors.iter().take(4) {
            let style = eligo::report::human::Style { color: false, width: 80 };
            let _ = eligo::report::human::render_diagnostic(e, style);
        }
    }
});
