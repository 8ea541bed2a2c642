//! Findings point where the user edits: the rule language's `at` places,
//! and how each report carries them.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::eligo;
use serde_json::Value;

const MIXED: &str = "fixtures/books/mixed-book.yaml";

fn json_of(args: &[&str]) -> Value {
    let out = eligo().args(args).output().unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

fn finding<'a>(json: &'a Value, rule: &str, subject: &str) -> &'a Value {
    json["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == rule && f["subject"] == subject)
        .unwrap_or_else(|| panic!("no {rule} on {subject}"))
}

#[test]
fn json_findings_keep_location_and_add_the_places_to_edit() {
    let json = json_of(&["check", "--format", "json", MIXED]);
    let f = finding(&json, "transferable-offer", "nw-azure-plan");
    // `location` stays the subject's entry (DOMAIN.md section 5).
    assert_eq!(f["location"]["line"], 184);
    assert_eq!(
        f["locations"],
        serde_json::json!([{
            "path": MIXED, "line": 369, "column": 9,
            "label": "item (subscription nw-azure-plan)"
        }])
    );
    let f = finding(&json, "extension-needs-consent", "woodgrove");
    assert_eq!(
        f["locations"][0]["label"],
        "relationship (partner fabrikam)"
    );
    assert_eq!(f["locations"][0]["line"], 79);
}

#[test]
fn every_default_rule_names_a_place() {
    for file in ["transfers", "relationships", "customers"] {
        let text = std::fs::read_to_string(format!("rules/{file}.rules")).unwrap();
        for line in text.lines().filter(|l| l.trim_start().starts_with("else ")) {
            assert!(line.contains(" at "), "{file}.rules: {line}");
        }
    }
}

#[test]
fn annotations_and_sarif_point_at_the_places() {
    let out = eligo()
        .args(["check", "--format", "github", MIXED])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(
            "::error file=fixtures/books/mixed-book.yaml,line=369,col=9,title=transferable-offer::"
        ),
        "{text}"
    );
    let sarif = json_of(&["check", "--format", "sarif", MIXED]);
    let result = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "transferable-offer")
        .unwrap();
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["startLine"],
        184
    );
    let related = &result["relatedLocations"][0];
    assert_eq!(related["physicalLocation"]["region"]["startLine"], 369);
    assert_eq!(
        related["message"]["text"],
        "item (subscription nw-azure-plan)"
    );
}

#[test]
fn the_human_report_labels_the_places() {
    let out = eligo().args(["check", MIXED]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("edit here: item (subscription nw-azure-plan)"),
        "{text}"
    );
}

#[test]
fn a_place_must_be_an_entry_of_the_scenario() {
    let tmp = common::scratch("locations");
    let dir = tmp.path();
    let pack = dir.join("bad.rules");
    std::fs::write(
        &pack,
        "rule q: error \"s\"\n  for s in subscriptions\n  require s.quantity <= 20\n  else s at s.quantity: \"m\"\n",
    )
    .unwrap();
    let out = eligo()
        .args(["check", "--rules"])
        .arg(&pack)
        .arg(MIXED)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("`at` names entries of the scenario, found"),
        "{err}"
    );
    // `fmt` keeps the places.
    let good = dir.join("good.rules");
    std::fs::write(
        &good,
        "rule q: error \"s\"\n  for t in transfers\n  for i in t.items\n  require i.subscription.quantity <= 20\n  else i.subscription   at i ,t: \"m\"\n",
    )
    .unwrap();
    let status = eligo().args(["fmt"]).arg(&good).output().unwrap().status;
    assert_eq!(status.code(), Some(0));
    let formatted = std::fs::read_to_string(&good).unwrap();
    assert!(
        formatted.contains("  else i.subscription at i, t: \"m\"\n"),
        "{formatted}"
    );
}
