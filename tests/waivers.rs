//! Waivers: what they waive, when they expire, when they are unused, and every
//! invalid waivers file (code and position from its header, diagnostics snapshot).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::eligo;

use serde_json::Value;
use std::collections::HashSet;

use eligo::internals::scenario::Limits;
use eligo::internals::waiver::parse_waivers;

const MIXED: &str = "fixtures/books/mixed-book.yaml";

fn json_check(args: &[&str]) -> (i32, Value) {
    let out = eligo()
        .args(["check", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap();
    (out.status.code().unwrap(), json)
}

fn write_temp(name: &str, text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = common::scratch("waivers");
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

#[test]
fn waiving_every_error_passes_the_run_and_keeps_the_findings_visible() {
    let (code, json) = json_check(&[MIXED]);
    assert_eq!(code, 1);
    assert_eq!(json["summary"]["errors"], 5);
    let (code, json) = json_check(&["--waivers", "fixtures/waivers/all-errors.yaml", MIXED]);
    assert_eq!(code, 0, "{json:#}");
    let file = &json["files"][0];
    assert_eq!(
        file["summary"]["errors"], 0,
        "waived findings are not errors"
    );
    assert_eq!(file["summary"]["warnings"], 2);
    assert_eq!(file["summary"]["waived"], 5);
    assert_eq!(
        file["findings"].as_array().unwrap().len(),
        7,
        "all still listed"
    );
    let waived = file["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "transferor-enrolled")
        .unwrap();
    assert_eq!(waived["severity"], "error", "severity keeps its meaning");
    assert_eq!(waived["waived"]["owner"], "jane.doe@contoso.com");
    assert_eq!(waived["waived"]["expires"], "2026-11-30");
    assert_eq!(waived["waived"]["location"]["line"], 24);
    // Warnings still fail with --deny-warnings.
    let (code, _) = json_check(&[
        "--deny-warnings",
        "--waivers",
        "fixtures/waivers/all-errors.yaml",
        MIXED,
    ]);
    assert_eq!(code, 1);
}

#[test]
fn an_expired_waiver_no_longer_waives_and_is_an_error() {
    let (_tmp, waivers) = write_temp(
        "expired.yaml",
        "waivers:\n  - rule: transferor-enrolled\n    subject: tr-coho-1\n    reason: soon\n    owner: jane\n    expires: 2026-11-19\n",
    );
    let (code, json) = json_check(&["--waivers", waivers.to_str().unwrap(), MIXED]);
    assert_eq!(code, 1);
    let scenario = &json["files"][0];
    assert_eq!(scenario["summary"]["waived"], 0);
    assert_eq!(scenario["summary"]["errors"], 5);
    let waiver_file = &json["files"][1];
    assert_eq!(waiver_file["kind"], "waivers");
    let finding = &waiver_file["findings"][0];
    assert_eq!(finding["rule"], "waiver-expired");
    assert_eq!(finding["subject"], "tr-coho-1");
    assert_eq!(finding["location"]["line"], 2);
    assert_eq!(finding["location"]["column"], 5);
    // On its `expires` day a waiver still applies (as_of is 2026-11-20).
    let (_tmp, same_day) = write_temp(
        "same-day.yaml",
        "waivers:\n  - rule: transferor-enrolled\n    subject: tr-coho-1\n    reason: soon\n    owner: jane\n    expires: 2026-11-20\n",
    );
    let (_, json) = json_check(&["--waivers", same_day.to_str().unwrap(), MIXED]);
    assert_eq!(json["files"][0]["summary"]["waived"], 1);
    assert!(json["files"][1]["findings"].as_array().unwrap().is_empty());
}

#[test]
fn an_unused_waiver_is_a_warning_that_deny_warnings_fails() {
    let (_tmp, unused) = write_temp(
        "unused.yaml",
        "waivers:\n  - rule: transferable-offer\n    subject: no-such-subscription\n    reason: gone\n    owner: jane\n    expires: 2099-12-31\n",
    );
    let clean = "fixtures/books/clean-book.yaml";
    let (code, json) = json_check(&["--waivers", unused.to_str().unwrap(), clean]);
    assert_eq!(code, 0);
    assert_eq!(json["files"][1]["findings"][0]["rule"], "waiver-unused");
    assert_eq!(json["summary"]["warnings"], 1);
    let (code, _) = json_check(&[
        "--deny-warnings",
        "--waivers",
        unused.to_str().unwrap(),
        clean,
    ]);
    assert_eq!(code, 1);
    // With an invalid scenario in the batch, "unused" cannot be known: not reported.
    let (code, json) = json_check(&[
        "--waivers",
        unused.to_str().unwrap(),
        clean,
        "fixtures/invalid/bad-enum.yaml",
    ]);
    assert_eq!(code, 2);
    assert!(json["files"][1]["findings"].as_array().unwrap().is_empty());
}

#[test]
fn waivers_apply_across_files_and_several_waivers_files() {
    let (_tmp, second) = write_temp(
        "second.yaml",
        "waivers:\n  - rule: extension-no-dap\n    subject: adatum\n    reason: the provider uses GDAP separately\n    owner: jane\n    expires: 2099-12-31\n",
    );
    let (code, json) = json_check(&[
        "--waivers",
        "fixtures/waivers/all-errors.yaml",
        "--waivers",
        second.to_str().unwrap(),
        MIXED,
        "fixtures/rules/extension-no-dap/fires.yaml",
    ]);
    assert_eq!(code, 0);
    assert_eq!(json["summary"]["waived"], 6);
    assert_eq!(json["files"].as_array().unwrap().len(), 4);
}

#[test]
fn a_rule_and_subject_waived_in_two_files_is_an_input_error() {
    let (_tmp, copy) = write_temp(
        "copy.yaml",
        &std::fs::read_to_string("fixtures/waivers/all-errors.yaml").unwrap(),
    );
    let (code, json) = json_check(&[
        "--waivers",
        "fixtures/waivers/all-errors.yaml",
        "--waivers",
        copy.to_str().unwrap(),
        MIXED,
    ]);
    assert_eq!(code, 2);
    assert_eq!(
        json["errors"][0]["code"],
        "eligo::waivers::duplicate_waiver"
    );
    assert_eq!(json["errors"].as_array().unwrap().len(), 5);
}

/// `# error: <code> at <line>:<column> — …`
fn header(text: &str) -> (String, u32, u32) {
    let first = text.lines().next().unwrap();
    let rest = first.strip_prefix("# error: ").unwrap();
    let (code, rest) = rest.split_once(" at ").unwrap();
    let place = rest.split_whitespace().next().unwrap();
    let (line, column) = place.split_once(':').unwrap();
    (
        code.to_string(),
        line.parse().unwrap(),
        column.parse().unwrap(),
    )
}

#[test]
fn invalid_waivers_files() {
    let program = common::default_program();
    let rule_ids: HashSet<String> = program.rule_ids();
    insta::glob!("../fixtures/waivers/invalid", "*.yaml", |path| {
        let source = common::source(path);
        let (code, line, column) = header(&source.text);
        let errors = parse_waivers(source, &rule_ids, &Limits::default())
            .expect_err("an invalid waivers file");
        assert_eq!(errors.len(), 1, "{}: {errors:#?}", path.display());
        let e = &errors[0];
        assert_eq!(e.code.as_str(), code, "{}", path.display());
        let pos = e.pos.unwrap();
        assert_eq!((pos.line, pos.column), (line, column), "{}", path.display());
        let rendered: String = errors
            .iter()
            .map(|e| eligo::internals::report::human::render_diagnostic(e, common::STYLE))
            .collect();
        insta::assert_snapshot!(rendered);
    });
    // Through the binary, any of them is exit 2.
    eligo()
        .args([
            "check",
            "--waivers",
            "fixtures/waivers/invalid/unknown-rule.yaml",
            MIXED,
        ])
        .assert()
        .code(2);
}

#[test]
fn valid_waivers_fixtures_parse() {
    let program = common::default_program();
    for name in ["mixed-book.yaml", "all-errors.yaml"] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/waivers")
            .join(name);
        let file = parse_waivers(
            common::source(&path),
            &program.rule_ids(),
            &Limits::default(),
        )
        .unwrap();
        assert!(!file.waivers.is_empty());
    }
}
