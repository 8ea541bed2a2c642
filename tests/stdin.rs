//! Standard input: `-` for `check`, `test` and `explain`, `--stdin-filename`,
//! and pipes read once, whole and within the size bound.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{eligo, eligo_capped, MEMORY_CAP_KIB};

const BOOK: &str = "fixtures/books/clean-book.yaml";
const RULE_FIXTURE: &str = "fixtures/rules/direct-bill-revenue/fires.yaml";

fn read(path: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

#[test]
fn check_reads_a_dash_as_standard_input() {
    let from_file = eligo()
        .args(["check", "--format", "json", RULE_FIXTURE])
        .output()
        .unwrap();
    let from_stdin = eligo()
        .args([
            "check",
            "--format",
            "json",
            "--stdin-filename",
            RULE_FIXTURE,
            "-",
        ])
        .write_stdin(read(RULE_FIXTURE))
        .output()
        .unwrap();
    assert_eq!(from_stdin.status.code(), from_file.status.code());
    assert_eq!(
        String::from_utf8(from_stdin.stdout).unwrap(),
        String::from_utf8(from_file.stdout).unwrap()
    );
}

#[test]
fn standard_input_has_a_name_in_reports() {
    let out = eligo()
        .args(["check", "-"])
        .write_stdin(read(RULE_FIXTURE))
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("[<stdin>:6:5]"), "{stdout}");
    let out = eligo()
        .args([
            "check",
            "--format",
            "github",
            "--stdin-filename",
            "books/x.yaml",
            "-",
        ])
        .write_stdin(read(RULE_FIXTURE))
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("file=books/x.yaml,line=6"), "{stdout}");
}

#[test]
fn dev_stdin_keeps_its_first_byte() {
    // `read_shared` used to probe a byte, then re-open the path: the pipe
    // lost its first byte (`cenario`).
    let out = eligo()
        .args(["check", "/dev/stdin"])
        .write_stdin(read(BOOK))
        .output()
        .unwrap();
    let all = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{all}");
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("/dev/stdin: ok"));
}

#[test]
fn test_and_explain_read_standard_input() {
    let out = eligo()
        .args(["test", "--stdin-filename", "fires.yaml", "-"])
        .write_stdin(read(RULE_FIXTURE))
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("1 passed, 0 failed"), "{stdout}");
    let out = eligo()
        .args(["explain", "--subject", "contoso", "-"])
        .write_stdin(read(RULE_FIXTURE))
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("direct-bill-revenue"), "{stdout}");
}

#[test]
fn a_dash_given_twice_is_read_once() {
    let out = eligo()
        .args(["check", "-", "-"])
        .write_stdin(read(BOOK))
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("checked 1 file"), "{stdout}");
}

#[test]
fn standard_input_is_read_within_the_bound() {
    let big = "# padding\n".repeat(100_000);
    let out = eligo_capped(MEMORY_CAP_KIB)
        .args(["check", "--max-file-bytes", "100000", "-"])
        .write_stdin(big)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("`<stdin>` is larger than the limit of 100000 bytes"),
        "{stderr}"
    );
}
