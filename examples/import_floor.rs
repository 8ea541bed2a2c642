//! The import's floor: what no `eligo import` can do faster, whatever its
//! design. It lists the export folders given (not timed: the import lists
//! far fewer folders than every one, it opens the files it knows by name),
//! then, timed, reads every file on as many threads as there are cores (open,
//! size, read, close: what the import must do for each), and with `--json`
//! also parses each `.json` file with serde_json into nothing (`IgnoredAny`),
//! so that nothing is built or kept.
//!
//! With `--validate SCENARIO`, it reads the scenario (not timed) and times
//! the load the import makes of the scenario it wrote ([`validate_scenario`])
//! when it cannot prove it valid from what it built. It was part of the
//! floor while the import loaded every scenario it wrote; it is timed now
//! to show what the proof spares.
//!
//! Both are timed within the process, in wall and CPU seconds, so neither
//! counts the process's start, the rules' compiling or the listing.
//! `benches/run.py --import` runs them interleaved with the import and the
//! check of the book the import writes.
//!
//! `cargo run --release --example import_floor -- [--json] EXPORT...` prints
//! files, bytes, `read_s` and `read_cpu_s`;
//! `cargo run --release --example import_floor -- --validate SCENARIO`
//! prints `validate_s` and `validate_cpu_s`.
#![allow(
    unsafe_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::de::IgnoredAny;

use eligo::internals::scenario::{read_scenario, validate_scenario, LoadOptions};

/// Every regular file under `dir`, depth first (links are skipped: the
/// generated exports have none).
fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list `{}`: {e}", dir.display()))
        .map(|e| e.unwrap())
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            files(&entry.path(), out);
        } else if kind.is_file() {
            out.push(entry.path());
        }
    }
}

/// Reads one file whole into a buffer of its size, with the system calls
/// the import makes: open, one status, one read of that size, one that
/// finds the end, close. (`File::read_to_end` would ask for the size and the
/// position again; through `Take` it does not.)
fn read(path: &Path) -> Vec<u8> {
    let mut file = std::fs::File::open(path).unwrap();
    let len = file.metadata().unwrap().len();
    let mut bytes = Vec::with_capacity(len as usize + 1);
    file.by_ref().take(len + 1).read_to_end(&mut bytes).unwrap();
    bytes
}

/// CPU seconds this process has used so far, all its threads (those ended
/// included).
fn cpu_s() -> f64 {
    // SAFETY: `getrusage` only writes the `rusage` it is given, which is
    // plain data that zeroes make valid.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        assert_eq!(libc::getrusage(libc::RUSAGE_SELF, &mut usage), 0);
        usage
    };
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// Times the import's check of the scenario it wrote.
fn validate(path: &str) {
    let program = eligo::internals::load_program(eligo::default_rule_sources()).unwrap();
    let options = LoadOptions::default();
    let source = read_scenario(Path::new(path), &options.limits).unwrap();
    let (cpu, start) = (cpu_s(), std::time::Instant::now());
    let valid = validate_scenario(&program.schema, &source, &program.rule_ids(), &options);
    let (wall, cpu) = (start.elapsed().as_secs_f64(), cpu_s() - cpu);
    assert!(valid.is_ok(), "`{path}` is not a valid scenario");
    // The store is the import's to free or not: not timed.
    std::mem::forget(valid);
    println!("{{\"validate_s\": {wall:.6}, \"validate_cpu_s\": {cpu:.6}}}");
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().is_some_and(|a| a == "--validate") {
        return validate(&args[1]);
    }
    let json = args.first().is_some_and(|a| a == "--json");
    if json {
        args.remove(0);
    }
    let mut paths = Vec::new();
    for export in &args {
        files(Path::new(export), &mut paths);
    }
    let next = AtomicUsize::new(0);
    let (bytes, parsed) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let (cpu, start) = (cpu_s(), std::time::Instant::now());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                while let Some(path) = paths.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let text = read(path);
                    bytes.fetch_add(text.len(), Ordering::Relaxed);
                    if json && path.extension().is_some_and(|e| e == "json") {
                        serde_json::from_slice::<IgnoredAny>(&text)
                            .unwrap_or_else(|e| panic!("`{}`: {e}", path.display()));
                        parsed.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
        }
    });
    let (wall, cpu) = (start.elapsed().as_secs_f64(), cpu_s() - cpu);
    println!(
        "{{\"files\": {}, \"bytes\": {}, \"json_files_parsed\": {}, \"read_s\": {wall:.6}, \"read_cpu_s\": {cpu:.6}}}",
        paths.len(),
        bytes.into_inner(),
        parsed.into_inner()
    );
}
