//! Reports are written to stdout as they are produced, not built as one string
//! first: the bytes are those of the in-memory rendering, and a stdout that
//! cannot take them (a closed pipe, a full disk) is handled, not a panic.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::eligo;

use std::io::Read;
use std::path::Path;
use std::process::Stdio;

use eligo::internals::check::FileOutcome;

const BOOKS: &[&str] = &[
    "fixtures/books/apac-reseller-move.yaml",
    "fixtures/books/clean-book.yaml",
    "fixtures/books/latam-cleanup.yaml",
    "fixtures/books/mixed-book.yaml",
    "fixtures/books/nordics-wave-1.yaml",
];

fn stdout_of(args: &[&str]) -> String {
    let out = eligo().arg("check").args(args).output().unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn streamed_reports_equal_the_string_rendering() {
    let program = common::default_program();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for book in BOOKS {
        let FileOutcome::Checked(report) = common::check_fixture(&program, &root.join(book)) else {
            panic!("{book} should be valid");
        };
        // The human run is the file's report, a blank line and the run's summary.
        let human = stdout_of(&["--color", "never", book]);
        let file = common::render_report(&report);
        assert!(human.starts_with(&file), "{book}:\n{human}");
        let rest = human.strip_prefix(&file).unwrap_or_default();
        assert!(rest.starts_with("\nchecked 1 file: "), "{book}: {rest}");
        // One valid file: the run's JSON is that of its report and the rules.
        let json = stdout_of(&["--format", "json", book]);
        let run = eligo::internals::report::CheckRun {
            rules: eligo::internals::report::RuleInfo::of_program(&program),
            reports: vec![report],
            scenario_files: 1,
            ..Default::default()
        };
        assert_eq!(
            json,
            eligo::internals::report::json::render_run(&run),
            "{book}"
        );
    }
}

/// Runs eligo with `args` while its reader has gone away; gives the exit code
/// and stderr.
fn run_with_closed_stdout(args: &[&str]) -> (Option<i32>, String) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_eligo"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The reader goes away before anything is written.
    drop(child.stdout.take());
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    (child.wait().unwrap().code(), stderr)
}

/// Runs eligo with `args` writing to `/dev/full`; gives the exit code and stderr.
#[cfg(target_os = "linux")]
fn run_with_full_stdout(args: &[&str]) -> (Option<i32>, String) {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_eligo"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .stdout(full)
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn a_closed_stdout_does_not_panic() {
    for format in ["human", "json", "sarif", "junit", "github"] {
        let (code, stderr) =
            run_with_closed_stdout(&["check", "--format", format, "fixtures/books"]);
        assert!(!stderr.contains("panicked"), "{format}: {stderr}");
        assert_eq!(code, Some(1), "{format}: {stderr}");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_stdout_is_an_error_with_exit_two() {
    for format in ["human", "json", "sarif", "junit", "github"] {
        let (code, stderr) = run_with_full_stdout(&["check", "--format", format, "fixtures/books"]);
        assert!(!stderr.contains("panicked"), "{format}: {stderr}");
        assert!(
            stderr.starts_with("error: cannot write the report: "),
            "{format}: {stderr}"
        );
        assert_eq!(code, Some(2), "{format}");
    }
}

/// Every command that prints, with the exit code it gives when all is well.
const PRINTING_COMMANDS: &[(&[&str], i32)] = &[
    (&["rules"], 0),
    (&["rules", "--format", "json"], 0),
    (&["schema"], 0),
    (&["check-rules"], 0),
    (&["test", "--coverage", "fixtures/"], 0),
    (
        &[
            "explain",
            "--subject",
            "nw-e3",
            "fixtures/books/mixed-book.yaml",
        ],
        0,
    ),
];

#[test]
fn other_commands_survive_a_closed_stdout() {
    for (args, code) in PRINTING_COMMANDS {
        let (status, stderr) = run_with_closed_stdout(args);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(status, Some(*code), "{args:?}: {stderr}");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn other_commands_report_a_full_stdout_with_exit_two() {
    for (args, _) in PRINTING_COMMANDS {
        let (status, stderr) = run_with_full_stdout(args);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("error: cannot write "),
            "{args:?}: {stderr}"
        );
        assert_eq!(status, Some(2), "{args:?}");
    }
}
