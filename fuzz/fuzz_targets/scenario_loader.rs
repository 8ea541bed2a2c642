//! Arbitrary bytes as a scenario file: loading, checking and rendering must
//! never panic, hang or allocate without bound.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn program() -> &'static eligo::internals::Program {
    static PROGRAM: OnceLock<eligo::internals::Program> = OnceLock::new();
    PROGRAM.get_or_init(|| eligo::internals::load_program(eligo::default_rule_sources()).unwrap_or_else(|_| std::process::abort()))
}

fuzz_target!(|data: &[u8]| {
    let program = program();
    let options = eligo::internals::scenario::LoadOptions { today: 20_412, ..Default::default() };
    let Ok(source) = eligo::internals::scenario::load::source_from_bytes("fuzz.yaml".into(), data.to_vec()) else { return };
    let style = eligo::internals::report::human::Style { color: false, width: 80 };
    match eligo::internals::check_source(program, source, &program.rule_ids(), &options) {
        eligo::internals::FileOutcome::Checked(report) => {
            let _ = eligo::internals::report::human::render_file(&report, style);
            let _ = eligo::internals::report::json::render(&[&report]);
        }
        eligo::internals::FileOutcome::Invalid { errors, .. } => {
            for e in errors.iter().take(8) {
                let _ = eligo::internals::report::human::render_diagnostic(e, style);
            }
        }
    }
});
