//! Baselines and `eligo diff`: adopting eligo on a book that already has findings.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{eligo, output as run};
use serde_json::Value;
use std::path::PathBuf;

const MIXED: &str = "fixtures/books/mixed-book.yaml";

fn tempdir(name: &str) -> tempfile::TempDir {
    common::fresh_dir("baseline", name)
}

/// A copy of the mixed book in `dir`, checked from there under its short name.
fn book_in(dir: &std::path::Path) -> String {
    let text =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(MIXED)).unwrap();
    std::fs::write(dir.join("book.yaml"), text).unwrap();
    "book.yaml".to_string()
}

fn findings(json: &Value) -> Vec<Value> {
    json["files"][0]["findings"].as_array().unwrap().clone()
}

#[test]
fn a_baseline_makes_old_findings_known_and_new_ones_fail() {
    let tmp = tempdir("adopt");
    let dir = tmp.path();
    let book = book_in(dir);
    let (code, _, err) = run(eligo().current_dir(dir).args([
        "check",
        "--quiet",
        "--write-baseline",
        "baseline.json",
        &book,
    ]));
    assert_eq!(code, 1, "{err}");
    // Same book: everything known, the run passes.
    let (code, out, _) = run(eligo().current_dir(dir).args([
        "check",
        "--format",
        "json",
        "--baseline",
        "baseline.json",
        &book,
    ]));
    assert_eq!(code, 0, "{out}");
    let json: Value = serde_json::from_str(&out).unwrap();
    assert!(findings(&json).iter().all(|f| f["baseline"] == "known"));
    assert_eq!(json["files"][0]["fixed"], serde_json::json!([]));
    assert_eq!(json["summary"]["errors"], 0);
    // Move every entry down (lines change), add a new problem and fix an old one.
    let text = std::fs::read_to_string(dir.join(&book)).unwrap();
    let edited = text
        .replacen(
            "partners:\n",
            "# a comment that moves every line\n\npartners:\n",
            1,
        )
        .replace("offer: azure_plan", "offer: o365")
        .replace(
            "  - id: wg-e5\n    name: Office 365 E5",
            "  - id: wg-e5\n    name: Office 365 E5\n    status: suspended",
        );
    assert_ne!(edited, text);
    std::fs::write(dir.join(&book), edited).unwrap();
    let (code, out, _) = run(eligo().current_dir(dir).args([
        "check",
        "--format",
        "json",
        "--baseline",
        "baseline.json",
        &book,
    ]));
    assert_eq!(code, 1, "the new finding fails: {out}");
    let json: Value = serde_json::from_str(&out).unwrap();
    let new: Vec<Value> = findings(&json)
        .into_iter()
        .filter(|f| f["baseline"] == "new")
        .collect();
    assert!(!new.is_empty());
    assert!(new.iter().all(|f| f["subject"] == "wg-e5"), "{new:?}");
    let fixed = json["files"][0]["fixed"].as_array().unwrap();
    assert!(
        fixed.contains(
            &serde_json::json!({"rule": "transferable-offer", "subject": "nw-azure-plan"})
        ),
        "{fixed:?}"
    );
    // Known findings are listed as such in the human report.
    let (_, human, _) =
        run(eligo()
            .current_dir(dir)
            .args(["check", "--baseline", "baseline.json", &book]));
    assert!(human.contains("known "), "{human}");
    assert!(
        human.contains("fixed transferable-offer on nw-azure-plan"),
        "{human}"
    );
    assert!(human.contains(" known, 1 fixed"), "{human}");
}

#[test]
fn sarif_carries_the_baseline_state() {
    let tmp = tempdir("sarif");
    let dir = tmp.path();
    let book = book_in(dir);
    run(eligo()
        .current_dir(dir)
        .args(["check", "--write-baseline", "b.json", &book]));
    let text = std::fs::read_to_string(dir.join(&book))
        .unwrap()
        .replace("offer: azure_plan", "offer: o365");
    std::fs::write(dir.join(&book), text).unwrap();
    let (_, out, _) = run(eligo().current_dir(dir).args([
        "check",
        "--format",
        "sarif",
        "--baseline",
        "b.json",
        &book,
    ]));
    let sarif: Value = serde_json::from_str(&out).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["baselineState"] == "unchanged"));
    let absent: Vec<&Value> = results
        .iter()
        .filter(|r| r["baselineState"] == "absent")
        .collect();
    assert_eq!(absent.len(), 1, "{absent:?}");
    assert_eq!(absent[0]["ruleId"], "transferable-offer");
    assert_eq!(absent[0]["kind"], "pass");
}

#[test]
fn the_baseline_can_come_from_the_config() {
    let tmp = tempdir("config");
    let dir = tmp.path();
    let book = book_in(dir);
    run(eligo()
        .current_dir(dir)
        .args(["check", "--write-baseline", "b.json", &book]));
    std::fs::write(dir.join("eligo.yaml"), "baseline: b.json\n").unwrap();
    let (code, _, err) = run(eligo().current_dir(dir).args(["check", &book]));
    assert_eq!(code, 0, "{err}");
}

#[test]
fn an_unusable_baseline_is_an_input_error() {
    let tmp = tempdir("bad");
    let dir = tmp.path();
    std::fs::write(dir.join("b.json"), "{\"files\": [{\"path\": 3}]}").unwrap();
    let (code, out, err) = run(eligo()
        .args(["check", "--baseline"])
        .arg(dir.join("b.json"))
        .arg(MIXED));
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("not a JSON report of eligo"), "{err}");
    assert!(err.contains("b.json:1:"), "{err}");
    let (code, _, err) = run(eligo().args(["check", "--baseline", "no/such.json", MIXED]));
    assert_eq!(code, 2);
    assert!(err.contains("cannot read"), "{err}");
}

#[test]
fn diff_compares_two_scenarios() {
    let (code, out, _) = run(eligo().args([
        "diff",
        "fixtures/rules/transferable-offer/near-miss.yaml",
        "fixtures/rules/transferable-offer/fires.yaml",
    ]));
    assert_eq!(code, 1, "an added error fails: {out}");
    assert!(out.contains("added (3):"), "{out}");
    assert!(out.contains("+ error[transferable-offer] sub-ri:"), "{out}");
    assert!(
        out.ends_with("3 findings added (3 errors), 0 fixed, 0 changed\n"),
        "{out}"
    );
    // The other way round only fixes: exit 0.
    let (code, out, _) = run(eligo().args([
        "diff",
        "--format",
        "json",
        "fixtures/rules/transferable-offer/fires.yaml",
        "fixtures/rules/transferable-offer/near-miss.yaml",
    ]));
    assert_eq!(code, 0);
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["added"].as_array().unwrap().len(), 0);
    assert_eq!(json["fixed"].as_array().unwrap().len(), 3);
}

#[test]
fn diff_compares_two_reports_and_finds_changes() {
    let tmp = tempdir("diff");
    let dir = tmp.path();
    let book = book_in(dir);
    run(eligo()
        .current_dir(dir)
        .args(["check", "--format", "json", "--output", "old.json", &book]));
    let text = std::fs::read_to_string(dir.join(&book)).unwrap();
    // A new quantity on the request changes the message of its finding.
    let edited = text.replace("quantity: 50", "quantity: 49");
    std::fs::write(dir.join(&book), edited).unwrap();
    run(eligo()
        .current_dir(dir)
        .args(["check", "--format", "json", "--output", "new.json", &book]));
    let (code, out, err) = run(eligo()
        .current_dir(dir)
        .args(["diff", "--format", "json", "old.json", "new.json"]));
    assert_eq!(code, 0, "{err}");
    let json: Value = serde_json::from_str(&out).unwrap();
    let changed = json["changed"].as_array().unwrap();
    assert_eq!(changed.len(), 1, "{out}");
    assert_eq!(changed[0]["new"]["rule"], "quantity-unchanged");
    assert!(changed[0]["new"]["message"]
        .as_str()
        .unwrap()
        .contains("quantity 49"));
    // A report and the scenario it came from: nothing changed.
    let (code, out, _) = run(eligo().current_dir(dir).args(["diff", "new.json", &book]));
    assert_eq!(code, 0);
    assert!(
        out.ends_with("0 findings added (0 errors), 0 fixed, 0 changed\n"),
        "{out}"
    );
}

#[test]
fn diff_rejects_invalid_input() {
    let (code, _, err) = run(eligo().args(["diff", "fixtures/invalid/bad-enum.yaml", MIXED]));
    assert_eq!(code, 2);
    assert!(err.contains("nothing was compared"), "{err}");
}

#[test]
fn junit_agrees_with_the_exit_code_under_a_baseline() {
    let tmp = tempdir("junit");
    let dir = tmp.path();
    let book = book_in(dir);
    run(eligo()
        .current_dir(dir)
        .args(["check", "--write-baseline", "b.json", &book]));
    let (code, out, _) = run(eligo().current_dir(dir).args([
        "check",
        "--format",
        "junit",
        "--baseline",
        "b.json",
        &book,
    ]));
    assert_eq!(code, 0);
    assert!(!out.contains("<failure"), "{out}");
    assert!(out.contains("known in the baseline"), "{out}");
}
