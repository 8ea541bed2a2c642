//! The JUnit report against the schema Jenkins reads it with: the xUnit plugin's
//! `junit-10.xsd`, kept in `tests/data/` (source and licence in its README).
//! Validated with `fastxml`, a pure-Rust XSD validator, so the check needs no
//! system library and no network.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::eligo;
use fastxml::schema::{Schema, Validator};

/// Every case of the snapshots, plus the whole fixtures folder (every rule
/// fails somewhere, and the invalid fixtures are input errors).
const CASES: &[&[&str]] = &[
    &[
        "fixtures/books/mixed-book.yaml",
        "fixtures/rules/extension-no-dap/fires.yaml",
        "--waivers",
        "fixtures/waivers/mixed-book.yaml",
    ],
    &[
        "--deny-warnings",
        "fixtures/rules/extension-no-dap/fires.yaml",
    ],
    &[
        "fixtures/invalid/bad-enum.yaml",
        "fixtures/invalid/not-utf8.yaml",
    ],
    &[
        "--rules",
        "fixtures/bad-rules/unknown-field.rules",
        "fixtures/books/",
    ],
    &["fixtures/"],
];

fn jenkins_schema() -> Schema {
    Schema::from_xsd(include_str!("data/junit-10.xsd")).unwrap()
}

/// The schema's complaints about `xml` (empty when it is valid).
fn problems(schema: &std::sync::Arc<Schema>, xml: &str) -> Vec<String> {
    let report = Validator::from(xml)
        .schema(std::sync::Arc::clone(schema))
        .run()
        .unwrap();
    report.errors().iter().map(|e| e.to_string()).collect()
}

fn junit(args: &[&str]) -> String {
    let out = eligo()
        .args(["check", "--format", "junit"])
        .args(args)
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn every_report_is_valid_against_jenkins_junit_10_xsd() {
    let schema = std::sync::Arc::new(jenkins_schema());
    for args in CASES {
        let xml = junit(args);
        assert!(xml.contains("<testsuites"), "{args:?}: {xml}");
        let found = problems(&schema, &xml);
        assert!(found.is_empty(), "{args:?}: {found:#?}");
    }
}

#[test]
fn the_validator_bites() {
    let schema = std::sync::Arc::new(jenkins_schema());
    // What eligo wrote before: a `skipped` count on `<testsuites>`.
    let skipped = r#"<testsuites tests="0" failures="0" errors="0" skipped="0"></testsuites>"#;
    assert!(!problems(&schema, skipped).is_empty());
    let no_name = r#"<testsuites><testsuite tests="0" failures="0" errors="0"/></testsuites>"#;
    assert!(!problems(&schema, no_name).is_empty());
    let bad_time = r#"<testsuites time="soon"></testsuites>"#;
    assert!(!problems(&schema, bad_time).is_empty());
}
