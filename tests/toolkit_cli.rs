//! The authoring commands end to end: `check-rules`, `fmt`, `test --coverage`,
//! `explain` and `schema` (exit codes and output shapes).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::eligo;

fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let out = eligo().args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn check_rules_reports_warnings_and_errors() {
    let (code, out, _) = run(&["check-rules"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("0 errors, 0 warnings"), "{out}");
    let (code, out, _) = run(&["check-rules", "fixtures/lint/warnings.rules"]);
    assert_eq!(code, Some(0));
    for lint in ["unused_let", "unused_constant", "constant_condition"] {
        assert!(out.contains(&format!("eligo::rules::{lint}")), "{out}");
    }
    let (code, _, _) = run(&["check-rules", "--deny-warnings", "fixtures/lint/"]);
    assert_eq!(code, Some(1));
    let (code, out, _) = run(&["check-rules", "--format", "json", "fixtures/bad-rules/"]);
    assert_eq!(code, Some(2));
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(json["summary"]["errors"].as_u64().unwrap() >= 1);
}

#[test]
fn fmt_check_and_write() {
    assert_eq!(run(&["fmt", "--check", "rules/"]).0, Some(0));
    let tmp = common::scratch("fmt");
    let dir = tmp.path();
    let file = dir.join("messy.rules");
    std::fs::write(&file, "let   x=[a,b] # keep me\nrule r-1:error \"s\" for p in partners require p.mpa_signed else p:\"m\"\n").unwrap();
    let path = file.to_str().unwrap();
    let (code, out, _) = run(&["fmt", "--check", path]);
    assert_eq!((code, out.trim()), (Some(1), path));
    assert_eq!(run(&["fmt", path]).0, Some(0));
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        text,
        "let x = [a, b] # keep me\n\nrule r-1: error \"s\"\n  for p in partners\n  require p.mpa_signed\n  else p: \"m\"\n"
    );
    assert_eq!(run(&["fmt", "--check", path]).0, Some(0));
    std::fs::write(&file, "rule broken: error\n").unwrap();
    let (code, _, err) = run(&["fmt", "--check", path]);
    assert_eq!(code, Some(2));
    assert!(err.contains("eligo::rules::syntax"), "{err}");
    assert_eq!(run(&["fmt", "--check", "no/such/file.rules"]).0, Some(2));
}

#[test]
fn test_coverage_human_and_json() {
    let (code, out, _) = run(&["test", "--coverage", "fixtures/rules/mca-accepted/"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("coverage over 2 scenarios: 29 rules"), "{out}");
    assert!(out.contains("vacuous      addon-with-base"), "{out}");
    assert!(out.lines().last().unwrap() == "2 passed, 0 failed", "{out}");
    let (code, out, _) = run(&["test", "--coverage", "--format", "json", "fixtures/"]);
    assert_eq!(code, Some(0));
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["passed"], 63);
    let rules = json["coverage"]["rules"].as_array().unwrap();
    assert!(rules.iter().all(|r| r["status"] == "fired"), "{out}");
    // Without --coverage the output is unchanged.
    let (_, out, _) = run(&["test", "fixtures/"]);
    assert_eq!(out, "63 passed, 0 failed\n");
}

#[test]
fn explain_human_json_and_unknown_subject() {
    let book = "fixtures/books/mixed-book.yaml";
    let (code, out, _) = run(&["explain", "--subject", "nw-azure-plan", book]);
    assert_eq!(code, Some(0));
    assert!(out.contains("transferable-offer (error): fires"), "{out}");
    let (code, out, _) = run(&[
        "explain",
        "--format",
        "json",
        "--subject",
        "nw-azure-plan",
        book,
    ]);
    assert_eq!(code, Some(0));
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["kind"], "subscription");
    let (code, _, err) = run(&["explain", "--subject", "nw-azure-pln", book]);
    assert_eq!(code, Some(2));
    assert!(err.contains("eligo::explain::unknown_subject"), "{err}");
    assert!(err.contains("did you mean `nw-azure-plan`?"), "{err}");
}

#[test]
fn schema_prints_json_with_custom_fields() {
    let tmp = common::scratch("schema");
    let dir = tmp.path();
    let pack = dir.join("wave.rules");
    std::fs::write(
        &pack,
        "entity customer in customers {\n  # The wave the customer moves in.\n  migration_wave: int?\n}\n",
    )
    .unwrap();
    let (code, out, _) = run(&["schema", "--rules", pack.to_str().unwrap()]);
    assert_eq!(code, Some(0));
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let wave = &json["$defs"]["customer"]["properties"]["migration_wave"];
    assert_eq!(wave["description"], "The wave the customer moves in.");
    assert_eq!(wave["type"], serde_json::json!(["integer", "null"]));
}
