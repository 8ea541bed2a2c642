//! Helpers shared by the integration tests.
#![allow(dead_code, unreachable_pub)]

use std::path::Path;

use assert_cmd::Command;
use eligo::internals::check::{check_source, FileOutcome};
use eligo::internals::report::human::{render_diagnostic, render_file, Style};
use eligo::internals::scenario::{LoadOptions, ScenarioError};
use eligo::internals::{default_rule_sources, load_program, Program, SourceFile};

/// The eligo binary, run from the crate root, without colour, and outside CI
/// (whose variable changes nothing but the progress bar, which needs a terminal).
pub fn eligo() -> Command {
    let mut cmd = Command::cargo_bin("eligo").unwrap();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env_remove("CI");
    cmd
}

/// The embedded default pack, compiled.
pub fn default_program() -> Program {
    load_program(default_rule_sources()).expect("the default pack compiles")
}

/// The embedded default pack, as the library's front door.
pub fn engine() -> eligo::Engine {
    eligo::Engine::new(&eligo::RuleOptions::new()).expect("the default pack compiles")
}

/// The check options of [`options`]: a fixed `today`.
pub fn check_options() -> eligo::CheckOptions {
    eligo::CheckOptions::new().today("2026-11-20").unwrap()
}

/// Colourless, fixed-width rendering so snapshots are stable.
pub const STYLE: Style = Style {
    color: false,
    width: 100,
};

/// Load options with a fixed `today`, so fixtures without `as_of` stay stable.
pub fn options() -> LoadOptions {
    LoadOptions {
        today: eligo::internals::date::parse_date("2026-11-20").unwrap(),
        ..LoadOptions::default()
    }
}

/// A fixture path relative to the crate root, with forward slashes.
pub fn display_path(path: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Checks a fixture file with the default pack.
pub fn check_fixture(program: &Program, path: &Path) -> FileOutcome {
    let bytes = std::fs::read(path).unwrap();
    let name = display_path(path);
    match eligo::internals::scenario::load::source_from_bytes(name.clone(), bytes) {
        Ok(source) => check_source(program, source, &program.rule_ids(), &options()),
        Err(e) => FileOutcome::Invalid {
            path: name,
            errors: vec![e],
        },
    }
}

/// Renders scenario errors as the CLI prints them.
pub fn render_errors(errors: &[ScenarioError]) -> String {
    errors.iter().map(|e| render_diagnostic(e, STYLE)).collect()
}

/// Renders a report as the CLI prints it.
pub fn render_report(report: &eligo::internals::report::FileReport) -> String {
    render_file(report, STYLE)
}

/// Reads a text file as a source named by its path relative to the crate.
pub fn source(path: &Path) -> SourceFile {
    SourceFile::new(display_path(path), std::fs::read_to_string(path).unwrap())
}

/// Address-space cap for runs of hostile inputs: a regression that blows up
/// memory fails the test (allocation error, non-zero exit) instead of taking the
/// machine down. 2 GiB leaves room for the binary's own mappings.
pub const MEMORY_CAP_KIB: u64 = 2 * 1024 * 1024;

/// The eligo binary under `ulimit -v` (see [`MEMORY_CAP_KIB`]), with the same
/// environment as [`eligo`]. Arguments are appended as usual; the shell only
/// sets the limit and `exec`s the binary, so the exit code is the binary's.
pub fn eligo_capped(cap_kib: u64) -> Command {
    let bin = assert_cmd::cargo::cargo_bin("eligo");
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!("ulimit -v {cap_kib} && exec \"$0\" \"$@\""))
        .arg(bin)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        // `ulimit -v` caps address space, not memory in use: glibc reserves
        // 64 MiB of address space for each extra malloc arena, and whether the
        // pipe's thread gets one of its own depends on timing, so under load
        // the cap can be crossed by reservations alone (the likely cause of a
        // flow_bound failure seen twice under load, not reproduced since). One
        // arena makes the cap measure the memory eligo actually allocates.
        .env("MALLOC_ARENA_MAX", "1")
        .env_remove("CI");
    cmd
}

/// Exit code, stdout and stderr (both UTF-8) of a finished command.
pub fn output(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// A fresh, empty folder `eligo-{name}-…` under the system's temporary
/// folder; it is removed with its contents when the returned guard is dropped,
/// whether the test passes or panics, so keep the guard alive while the folder
/// is used.
pub fn scratch(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("eligo-{name}-"))
        .tempdir()
        .unwrap()
}

/// A fresh folder for one test, named after its test file and test (see
/// [`scratch`]).
pub fn fresh_dir(file: &str, name: &str) -> tempfile::TempDir {
    scratch(&format!("{file}-{name}"))
}

/// Writes `text` to `rel` under `dir` (making the folders on the way) and
/// gives its path.
pub fn write_file(dir: &Path, rel: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&path, text).unwrap();
    path
}

/// Asserts that a run on 8 times the input (`large`) took at most 24 times
/// as long as the run on the input (`small`): linear is 8, quadratic 64, with
/// room for a loaded machine and each process's fixed costs (`small` counts
/// as at least 50 ms).
pub fn assert_eight_times_the_input_is_linear(
    small: std::time::Duration,
    large: std::time::Duration,
) {
    let ratio = large.as_secs_f64() / small.as_secs_f64().max(0.05);
    assert!(ratio < 24.0, "{small:?} then {large:?}");
}
