//! Where the time of one `eligo check --format json` goes, phase by phase, for
//! the benchmark driver (`benches/run.py`): reading the file, loading it into
//! the store, evaluating all rules, and building and rendering the report.
//!
//! `cargo run --release --example phases -- FILE` prints one JSON object.

use std::path::Path;
use std::time::Instant;

use eligo::scenario::{load_scenario, read_scenario, LoadOptions};

fn main() -> std::process::ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: phases FILE");
        return std::process::ExitCode::from(2);
    };
    let Ok(program) = eligo::load_program(eligo::default_rule_sources()) else {
        eprintln!("error: the default rules do not compile");
        return std::process::ExitCode::from(2);
    };
    let options = LoadOptions::default();
    let start = Instant::now();
    let Ok(source) = read_scenario(Path::new(&path), &options.limits) else {
        eprintln!("error: cannot read `{path}`");
        return std::process::ExitCode::from(2);
    };
    let read = start.elapsed();
    let Ok(scenario) = load_scenario(&program.schema, source, &program.rule_ids(), &options) else {
        eprintln!("error: `{path}` is not a valid scenario");
        return std::process::ExitCode::from(2);
    };
    let load = start.elapsed();
    let raw = eligo::eval::evaluate(&program, &scenario.store);
    let eval = start.elapsed();
    let findings = raw.len();
    drop(raw);
    let report = eligo::check::report_scenario(&program, scenario);
    let json = eligo::report::json::render(&[&report]);
    let end = start.elapsed();
    println!(
        "{{\"read_s\": {:.6}, \"load_s\": {:.6}, \"eval_s\": {:.6}, \"report_s\": {:.6}, \"total_s\": {:.6}, \"findings\": {findings}, \"json_bytes\": {}}}",
        read.as_secs_f64(),
        (load - read).as_secs_f64(),
        (eval - load).as_secs_f64(),
        (end - eval).as_secs_f64(),
        end.as_secs_f64(),
        json.len()
    );
    std::process::ExitCode::SUCCESS
}
