//! Where the memory of one `eligo check --format json` goes, phase by phase.
//!
//! A counting global allocator gives the bytes allocated and still live after
//! each phase (reading, loading, evaluating, building the report, rendering
//! it) and the highest count reached so far; `/proc/self/status` gives the
//! peak resident memory (`VmHWM`) next to it, which also counts the binary,
//! the allocator's own overhead and freed memory it has not returned.
//!
//! `cargo run --release --example memory -- FILE` prints one JSON object, in MB.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use eligo::internals::scenario::{load_scenario, read_scenario, LoadOptions};

/// The system allocator, counting live bytes and their high-water mark.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    let live = LIVE.fetch_add(bytes, Relaxed) + bytes;
    PEAK.fetch_max(live, Relaxed);
}

// SAFETY: every call is forwarded unchanged to the system allocator; the
// counters are only statistics.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size >= layout.size() {
            grew(new_size - layout.size());
        } else {
            LIVE.fetch_sub(layout.size() - new_size, Relaxed);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Peak resident memory so far in bytes (`VmHWM`), or 0 where unknown.
fn peak_rss() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb * 1024.0)
}

/// One phase's figures as a JSON member, in MB; resets the heap high-water
/// mark so that the next phase's peak is its own.
fn phase(name: &str) -> String {
    let mb = |b: f64| b / 1e6;
    let text = format!(
        "\"{name}\": {{\"live\": {:.1}, \"heap_peak\": {:.1}, \"rss_peak\": {:.1}}}",
        mb(LIVE.load(Relaxed) as f64),
        mb(PEAK.load(Relaxed) as f64),
        mb(peak_rss())
    );
    PEAK.store(LIVE.load(Relaxed), Relaxed);
    text
}

fn main() -> std::process::ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: memory FILE");
        return std::process::ExitCode::from(2);
    };
    let Ok(program) = eligo::internals::load_program(eligo::default_rule_sources()) else {
        eprintln!("error: the default rules do not compile");
        return std::process::ExitCode::from(2);
    };
    let options = LoadOptions::default();
    let mut phases = vec![phase("rules")];
    let Ok(source) = read_scenario(Path::new(&path), &options.limits) else {
        eprintln!("error: cannot read `{path}`");
        return std::process::ExitCode::from(2);
    };
    let file_mb = source.text.len() as f64 / 1e6;
    phases.push(phase("read"));
    let Ok(scenario) = load_scenario(&program.schema, source, &program.rule_ids(), &options) else {
        eprintln!("error: `{path}` is not a valid scenario");
        return std::process::ExitCode::from(2);
    };
    phases.push(phase("load"));
    let raw = eligo::internals::eval::evaluate(&program, &scenario.store);
    phases.push(phase("evaluate"));
    let report = eligo::internals::check::build_report(&program, scenario, raw);
    phases.push(phase("report"));
    if let Err(e) = eligo::internals::report::json::write(&[&report], &mut std::io::sink()) {
        eprintln!("error: cannot render the report: {e}");
        return std::process::ExitCode::from(2);
    }
    phases.push(phase("render"));
    println!("{{\"file\": {file_mb:.1}, {}}}", phases.join(", "));
    std::process::ExitCode::SUCCESS
}
