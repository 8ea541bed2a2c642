//! Every bound on hostile input is a clear error (exit 2, a stable code) with a
//! flag to raise it, and raising it lets the same genuine input through.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::eligo;

use std::path::PathBuf;

const BOOK: &str = "fixtures/books/clean-book.yaml";

/// Runs `eligo check` with extra arguments; returns the exit code and stderr.
fn check(args: &[&str], file: &str) -> (i32, String) {
    let out = eligo().arg("check").args(args).arg(file).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn temp_file(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = common::scratch("limits");
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

#[test]
fn file_size_limit() {
    let (code, err) = check(&["--max-file-bytes", "1000"], BOOK);
    assert_eq!(code, 2);
    assert!(
        err.contains("eligo::scenario::size_limit") && err.contains("--max-file-bytes"),
        "{err}"
    );
    assert_eq!(check(&["--max-file-bytes", "100000"], BOOK).0, 0);
}

#[test]
fn nesting_depth_limit() {
    // The deepest path of a book: root, customers, a customer, relationships, one.
    let (code, err) = check(&["--max-depth", "4"], BOOK);
    assert_eq!(code, 2);
    assert!(
        err.contains("eligo::yaml::depth_limit") && err.contains("--max-depth"),
        "{err}"
    );
    assert_eq!(check(&["--max-depth", "5"], BOOK).0, 0);
}

/// A book whose customers share one list of twenty relationships through an
/// alias: each alias (about 50 bytes) expands to 122 values, more values than
/// the file has bytes, so only the flag's constant lets it through.
fn shared_relationships() -> String {
    let mut text = String::from("as_of: 2026-11-20\npartners:\n");
    for p in 0..20 {
        text.push_str(&format!(
            "  - {{id: p{p}, region: europe, roles: [indirect_provider]}}\n"
        ));
    }
    text.push_str("customers:\n  - id: c0\n    region: europe\n    relationships: &rels\n");
    for p in 0..20 {
        text.push_str(&format!("      - {{partner: p{p}, via: direct}}\n"));
    }
    for c in 1..100 {
        text.push_str(&format!(
            "  - {{id: c{c}, region: europe, relationships: *rels}}\n"
        ));
    }
    text
}

#[test]
fn alias_expansion_limit() {
    let text = shared_relationships();
    assert!(
        text.len() < 99 * 122,
        "the aliases expand beyond the file's size"
    );
    let (_tmp, file) = temp_file("aliases.yaml", &text);
    let file = file.to_str().unwrap();
    let (code, err) = check(&["--max-alias-events", "1"], file);
    assert_eq!(code, 2);
    assert!(
        err.contains("eligo::yaml::alias_limit") && err.contains("--max-alias-events"),
        "{err}"
    );
    let (code, err) = check(&[], file);
    assert_ne!(code, 2, "{err}");
}

#[test]
fn alias_bytes_limit() {
    // One 2,000-byte name shared by 300 partners: 600,000 bytes of expansion
    // from a file of about 20 KB, within the default 16 MiB.
    let mut text = format!(
        "partners:\n  - id: p0\n    name: &n \"{}\"\n    region: europe\n    roles: [direct_bill]\n",
        "x".repeat(2000)
    );
    for p in 1..300 {
        text.push_str(&format!(
            "  - {{id: p{p}, name: *n, region: europe, roles: [direct_bill]}}\n"
        ));
    }
    let (_tmp, file) = temp_file("alias-bytes.yaml", &text);
    let file = file.to_str().unwrap();
    let (code, err) = check(&["--max-alias-bytes", "1000"], file);
    assert_eq!(code, 2);
    assert!(
        err.contains("eligo::yaml::alias_limit") && err.contains("--max-alias-bytes"),
        "{err}"
    );
    let (code, err) = check(&[], file);
    assert_ne!(code, 2, "{err}");
}

#[test]
fn string_length_limit() {
    let (code, err) = check(&["--max-string-bytes", "8"], BOOK);
    assert_eq!(code, 2);
    assert!(
        err.contains("eligo::scenario::size_limit") && err.contains("--max-string-bytes"),
        "{err}"
    );
    assert_eq!(check(&["--max-string-bytes", "200"], BOOK).0, 0);
}

#[test]
fn rule_nesting_limit() {
    let depth = 40;
    let condition = format!("{}s.quantity >= 0{}", "(".repeat(depth), ")".repeat(depth));
    let (_tmp, rules) = temp_file("deep.rules", &format!("rule deep: warning \"deep\"\n  for s in subscriptions\n  require {condition}\n  else s: \"{{s.id}}\"\n"));
    let rules = rules.to_str().unwrap();
    let (code, err) = check(&["--rules", rules], BOOK);
    assert_eq!(code, 2);
    assert!(
        err.contains("eligo::rules::syntax") && err.contains("--max-rule-depth"),
        "{err}"
    );
    assert_eq!(
        check(&["--rules", rules, "--max-rule-depth", "48"], BOOK).0,
        0
    );
    // Beyond what the parser's stack allows: a usage error, not a crash.
    assert_eq!(
        check(&["--rules", rules, "--max-rule-depth", "65"], BOOK).0,
        2
    );
}
