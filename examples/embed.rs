//! eligo embedded in a program: check a book with the default CSP rule pack
//! and print each finding, then the JSON report's summary.
//!
//! `cargo run --example embed -- fixtures/books/mixed-book.yaml`

use std::process::ExitCode;

use eligo::{CheckOptions, Engine, RuleOptions};

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: embed SCENARIO");
        return ExitCode::from(2);
    };
    let engine = match Engine::new(&RuleOptions::new()) {
        Ok(engine) => engine,
        Err(errors) => {
            eprint!("{}", errors.render(false));
            return ExitCode::from(2);
        }
    };
    let report = engine.check_files(&[path], &CheckOptions::new());
    for f in report.findings() {
        let at = f.location();
        println!(
            "{}:{}:{} {} [{}] {}: {}",
            at.path(),
            at.line(),
            at.column(),
            f.severity().as_str(),
            f.rule(),
            f.subject(),
            f.message()
        );
    }
    for e in report.input_errors() {
        eprintln!("{}: {} ({})", e.place(), e.message, e.code);
    }
    println!(
        "{} errors, {} warnings",
        report.error_count(),
        report.warning_count()
    );
    ExitCode::from(report.exit_code())
}
