//! Scenarios written as JSON: read by the JSON fast path, they give the
//! findings of the same book in YAML, and a whole-document flow collection
//! streams in memory bounded by the nesting, not by the number of values.
//! Large books in either form are streamed by a fast path without its dry
//! run; one that turns out to need saphyr-parser late is read again by it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

/// Exit code and the (rule, subject) pairs of a `--format json` check.
fn findings(file: &Path) -> (i32, BTreeSet<(String, String)>) {
    let out = common::eligo()
        .args(["check", "--format", "json"])
        .arg(file)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let pairs = report["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["subject"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (out.status.code().unwrap_or(-1), pairs)
}

#[test]
fn a_json_book_gives_the_findings_of_the_same_book_in_yaml() {
    let dir = common::fresh_dir("json", "same");
    // Over 1 MB as JSON, so that its events come through the parsing thread.
    let yaml = eligo::internals::generate::scenario_text(6_000, 3);
    let value: Value = serde_yaml::from_str(&yaml).unwrap();
    let json = serde_json::to_string(&value).unwrap();
    assert!(json.len() > 1 << 20, "{}", json.len());
    let yaml_file = dir.path().join("book.yaml");
    let json_file = dir.path().join("book.json");
    std::fs::write(&yaml_file, &yaml).unwrap();
    std::fs::write(&json_file, &json).unwrap();
    let (yaml_code, yaml_findings) = findings(&yaml_file);
    let (json_code, json_findings) = findings(&json_file);
    assert!(!yaml_findings.is_empty());
    assert_eq!((json_code, json_findings), (yaml_code, yaml_findings));
}

#[test]
fn a_whole_document_flow_collection_streams() {
    // Three million one-character scalars in one flow document (6 MB).
    // saphyr-parser queued every token of it until the document closed
    // (about 370 bytes each, over 1 GB); the fast path holds the nesting.
    let dir = common::fresh_dir("json", "stream");
    let mut text = String::from("{\"subscriptions\": [], \"unknown\": [");
    text.push_str(&"1,".repeat(3_000_000));
    text.push_str("1]}\n");
    let file = dir.path().join("flow.json");
    std::fs::write(&file, &text).unwrap();
    let out = common::eligo_capped(256 * 1024)
        .env("RAYON_NUM_THREADS", "1")
        .env("MALLOC_ARENA_MAX", "2")
        .args(["check", "--format", "json"])
        .arg(&file)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    let codes: Vec<&str> = report["errors"]
        .as_array()
        .map(|errors| errors.iter().filter_map(|e| e["code"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        (out.status.code(), codes),
        (Some(2), vec!["eligo::scenario::unknown_field"]),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_large_json_book_with_yaml_at_its_end_is_read_by_the_yaml_parser() {
    // Over 1 MB, so that the fast path streams it without its dry run and
    // only meets the comment at the end, after the loader has taken every
    // entity: the text must then be read again by saphyr-parser, as it
    // always was, which stops at the book's 100,000-token flow bound.
    let dir = common::fresh_dir("json", "handover");
    let yaml = eligo::internals::generate::scenario_text(6_000, 3);
    let value: Value = serde_yaml::from_str(&yaml).unwrap();
    let json = serde_json::to_string(&value).unwrap();
    assert!(json.len() > 1 << 20, "{}", json.len());
    let file = dir.path().join("book.json");
    std::fs::write(&file, format!("{json}\n# a YAML comment\n")).unwrap();
    let out = common::eligo()
        .args(["check", "--format", "json"])
        .arg(&file)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors = report["errors"].as_array().unwrap();
    let codes: Vec<&str> = errors.iter().filter_map(|e| e["code"].as_str()).collect();
    assert_eq!(
        (out.status.code(), codes),
        (Some(2), vec!["eligo::yaml::flow_limit"])
    );
}

#[test]
fn a_large_yaml_book_with_an_anchor_at_its_end_gives_the_same_report() {
    // Over 1 MB, so that the block fast path streams it without its dry run
    // and only meets the anchor (which it hands over) at the last line, after
    // the loader has taken every entity: the text is then read again by
    // saphyr-parser, and the report is the one of the same book without it.
    let yaml = eligo::internals::generate::scenario_text(6_000, 3);
    assert!(yaml.len() > 1 << 20, "{}", yaml.len());
    let last = yaml.trim_end().rsplit('\n').next().unwrap().to_string();
    assert!(last.contains("subscription: "), "{last}");
    let anchored = last.replacen("subscription: ", "subscription: &last ", 1);
    let with_anchor = format!(
        "{}{anchored}\n",
        &yaml[..yaml.trim_end().len() - last.len()]
    );
    assert_ne!(with_anchor, yaml);
    let report = |name: &str, text: &str| {
        let dir = common::fresh_dir("json", name);
        std::fs::write(dir.path().join("book.yaml"), text).unwrap();
        let out = common::eligo()
            .current_dir(dir.path())
            .args(["check", "--format", "json", "book.yaml"])
            .output()
            .unwrap();
        (out.status.code(), String::from_utf8(out.stdout).unwrap())
    };
    let plain = report("plain", &yaml);
    assert!(plain.1.contains("\"findings\""), "{}", plain.1);
    assert_eq!(report("anchored", &with_anchor), plain);
}
