//! Where the time of one `eligo check --format json` goes, phase by phase, for
//! the benchmark driver (`benches/run.py`): reading the file, loading it into
//! the store, evaluating all rules, and building the report and writing it
//! (to a sink that counts its bytes, as `eligo check` streams it to stdout).
//! On Linux it also gives the peak resident memory after each phase.
//!
//! `cargo run --release --example phases -- FILE` prints one JSON object.
//! With `--one-thread` first, rayon's work (evaluating rules, compacting
//! columns) runs on the main thread, so that each phase's instructions are
//! those of one function on one thread, with no idle workers spinning: how
//! `benches/phases.py` counts them under callgrind.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;
use std::time::Instant;

use eligo::internals::scenario::{load_scenario, read_scenario, LoadOptions};

/// Peak resident memory so far in MB (`VmHWM`), or 0 where unknown.
fn peak_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb * 1024.0 / 1e6)
}

/// A writer that only counts the bytes written to it.
struct Counted(usize);

impl std::io::Write for Counted {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn main() -> std::process::ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--one-thread") {
        args.remove(0);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .use_current_thread()
            .build_global();
        if pool.is_err() {
            eprintln!("error: cannot set up rayon on the main thread");
            return std::process::ExitCode::from(2);
        }
    }
    let Some(path) = args.first().cloned() else {
        eprintln!("usage: phases [--one-thread] FILE");
        return std::process::ExitCode::from(2);
    };
    let Ok(program) = eligo::internals::load_program(eligo::default_rule_sources()) else {
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
    let read_mb = peak_mb();
    let Ok(scenario) = load_scenario(&program.schema, source, &program.rule_ids(), &options) else {
        eprintln!("error: `{path}` is not a valid scenario");
        return std::process::ExitCode::from(2);
    };
    let load = start.elapsed();
    let load_mb = peak_mb();
    let raw = eligo::internals::eval::evaluate(&program, &scenario.store);
    let eval = start.elapsed();
    let eval_mb = peak_mb();
    let findings: usize = raw.iter().map(Vec::len).sum();
    let report = eligo::internals::check::build_report(&program, scenario, raw);
    let mut json = Counted(0);
    if let Err(e) = eligo::internals::report::json::write(&[&report], &mut json) {
        eprintln!("error: cannot render the report: {e}");
        return std::process::ExitCode::from(2);
    }
    let end = start.elapsed();
    println!(
        "{{\"read_s\": {:.6}, \"load_s\": {:.6}, \"eval_s\": {:.6}, \"report_s\": {:.6}, \"total_s\": {:.6}, \"findings\": {findings}, \"json_bytes\": {}, \"peak_mb_after\": {{\"read\": {read_mb:.1}, \"load\": {load_mb:.1}, \"eval\": {eval_mb:.1}, \"report\": {:.1}}}}}",
        read.as_secs_f64(),
        (load - read).as_secs_f64(),
        (eval - load).as_secs_f64(),
        (end - eval).as_secs_f64(),
        end.as_secs_f64(),
        json.0,
        peak_mb()
    );
    std::process::ExitCode::SUCCESS
}
