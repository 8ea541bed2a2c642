//! The library's front door (`eligo::Engine`): each call answers what the
//! command answers, byte for byte where the command prints JSON.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::eligo;
use eligo::{CheckOptions, Engine, ImportOptions, PlanOptions, RuleOptions, Severity};

const BOOK: &str = "fixtures/books/mixed-book.yaml";

fn stdout_of(args: &[&str]) -> (i32, String) {
    let out = eligo().args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}

fn read(path: &str) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[test]
fn check_gives_the_json_report_and_exit_code_of_the_command() {
    let engine = common::engine();
    let options = CheckOptions::new();
    let files = [BOOK, "fixtures/books/clean-book.yaml"];
    let report = engine.check_files(&files, &options);
    let (code, json) = stdout_of(&["check", "--format", "json", files[0], files[1]]);
    assert_eq!(report.to_json(), json);
    assert_eq!(i32::from(report.exit_code()), code);
    assert_eq!(
        serde_json::to_value(&report).unwrap(),
        serde_json::from_str::<serde_json::Value>(&json).unwrap()
    );
    // One file from memory is the same file read from disk.
    let one = engine.check(BOOK, read(BOOK), &options);
    let (_, json) = stdout_of(&["check", "--format", "json", BOOK]);
    assert_eq!(one.to_json(), json);
    assert!(!one.passed());
    let first = one.findings().next().unwrap();
    assert_eq!(first.location().path(), BOOK);
    assert!(one.findings().any(|f| f.severity() == Severity::Error));
}

#[test]
fn an_invalid_scenario_is_input_errors_not_a_pass() {
    let engine = common::engine();
    let report = engine.check("bad.yaml", "partners: [{id: 7}]\n", &CheckOptions::new());
    assert_eq!(report.exit_code(), 2);
    assert!(!report.passed());
    assert_eq!(report.input_errors()[0].code, "eligo::scenario::wrong_type");
    // Not UTF-8, too large: refused as a file of those bytes would be.
    let report = engine.check("bad.yaml", vec![0xff, 0xfe], &CheckOptions::new());
    assert_eq!(report.input_errors()[0].code, "eligo::scenario::not_utf8");
    let small = CheckOptions::new().max_file_bytes(10);
    let report = engine.check("big.yaml", read(BOOK), &small);
    assert_eq!(report.input_errors()[0].code, "eligo::scenario::size_limit");
}

#[test]
fn deny_warnings_and_today_are_options() {
    let engine = common::engine();
    let book = read("fixtures/rules/direct-bill-revenue/fires.yaml");
    let warned = engine.check("w.yaml", book.clone(), &CheckOptions::new());
    assert_eq!((warned.error_count(), warned.warning_count()), (0, 1));
    assert_eq!(warned.exit_code(), 0);
    let denied = engine.check("w.yaml", book, &CheckOptions::new().deny_warnings(true));
    assert_eq!(denied.exit_code(), 1);
    assert!(CheckOptions::new().today("2026-02-30").is_none());
}

#[test]
fn invalid_rules_are_errors_with_their_place() {
    let rules = RuleOptions::new().rule_file("team.rules", "rule broken: error \"x\"\n  for\n");
    let errors = Engine::new(&rules).unwrap_err();
    assert!(!errors.is_empty());
    let code = errors.iter().next().unwrap().code().unwrap().to_string();
    assert_eq!(code, "eligo::rules::syntax");
    assert!(
        errors.render(false).contains("team.rules"),
        "{}",
        errors.render(false)
    );
    // Without the default pack and without rules of its own, a pack of one
    // rule still checks against the default schema.
    let rules = RuleOptions::new().without_default_rules().rule_file(
        "team.rules",
        "rule named: warning \"Partners have a name\"\n  for p in partners\n  require p.name != \"\"\n  else p: \"{p.id} has no name\"\n",
    );
    let engine = Engine::new(&rules).unwrap();
    assert_eq!(engine.rule_ids().collect::<Vec<_>>(), ["named"]);
}

#[test]
fn test_runs_the_expect_block() {
    let engine = common::engine();
    let path = "fixtures/rules/direct-bill-revenue/fires.yaml";
    let report = engine
        .test(path, read(path), &common::check_options())
        .unwrap();
    assert!(report.has_expectations() && report.passed());
    assert_eq!(report.path(), path);
    let errors = engine
        .test("bad.yaml", "partners: [{id: 7}]\n", &CheckOptions::new())
        .unwrap_err();
    let codes: Vec<String> = errors
        .iter()
        .map(|e| e.code().unwrap().to_string())
        .collect();
    assert_eq!(codes[0], "eligo::scenario::wrong_type", "{codes:?}");
}

#[test]
fn explain_gives_the_json_of_the_command() {
    let engine = common::engine();
    let x = engine
        .explain(BOOK, read(BOOK), "tr-relecloud-1", &CheckOptions::new())
        .unwrap();
    let (code, json) = stdout_of(&[
        "explain",
        "--format",
        "json",
        "--subject",
        "tr-relecloud-1",
        BOOK,
    ]);
    assert_eq!(code, 0);
    assert_eq!(serde_json::to_string_pretty(&x).unwrap() + "\n", json);
    let unknown = engine
        .explain(BOOK, read(BOOK), "tr-relecloud", &CheckOptions::new())
        .unwrap_err();
    let text = unknown.render(false);
    assert!(text.contains("eligo::explain::unknown_subject"), "{text}");
    assert!(text.contains("tr-relecloud-1"), "{text}");
}

#[test]
fn plan_gives_the_json_and_yaml_of_the_command() {
    let engine = common::engine();
    let book = "fixtures/books/nordics-wave-1.yaml";
    let options = PlanOptions::new()
        .from_partner("contoso")
        .to_provider("fabrikam")
        .wave_size(3);
    let plan = engine.plan(book, read(book), &options).unwrap();
    let args = [
        "plan",
        book,
        "--from",
        "contoso",
        "--to",
        "fabrikam",
        "--wave-size",
        "3",
    ];
    let (code, json) = stdout_of(&[&args[..], &["--format", "json"]].concat());
    assert_eq!(code, 0);
    assert_eq!(plan.to_json().unwrap(), json);
    let (_, yaml) = stdout_of(&[&args[..], &["--format", "yaml"]].concat());
    assert_eq!(plan.to_yaml().unwrap(), yaml);
    assert!(plan.request_count() > 0);
}

#[test]
fn import_gives_the_scenario_of_the_command() {
    let engine = common::engine();
    let map = "fixtures/import/tailspin.map.yaml";
    let overlay = "fixtures/import/overlay.yaml";
    let exports = ["fixtures/import/tailspin", "fixtures/import/wide-world"];
    let options = ImportOptions::new(exports).overlay(overlay).map(map);
    let text = engine.import(&options).unwrap();
    let (code, out) = stdout_of(&[
        "import",
        "--map",
        map,
        "--overlay",
        overlay,
        exports[0],
        exports[1],
    ]);
    assert_eq!(code, 0);
    assert_eq!(*text, out);
    // What it builds checks as any book does.
    let report = engine.check("imported.yaml", text.as_bytes(), &CheckOptions::new());
    assert!(report.input_errors().is_empty());
    let missing = engine.import(&ImportOptions::new(["fixtures/import/nowhere"]));
    assert!(missing.is_err());
}

#[test]
fn an_engine_serves_many_threads() {
    fn shared<T: Send + Sync>(_: &T) {}
    let engine = common::engine();
    shared(&engine);
}
