//! A flow collection nested in another one is parsed in bounded memory: past
//! a fixed number of entries pending in the parser it is a clear input error,
//! while block style, a flow list under a block key and commas inside quoted
//! scalars are unaffected.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{eligo, eligo_capped};

use std::path::PathBuf;

/// 256 MiB of address space: today's parser held 384 MB for the nested
/// anchors file below.
const CAP_KIB: u64 = 256 * 1024;

const HEAD: &str = "scenario: t\nas_of: 2026-11-20\n";

/// Runs `eligo check` under the memory cap; returns the exit code, stdout
/// and stderr.
fn check_capped(args: &[&str], path: &PathBuf) -> (i32, String, String) {
    let out = eligo_capped(CAP_KIB)
        .arg("check")
        .args(args)
        .arg(path)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `n` plain scalars separated by commas.
fn entries(n: usize) -> String {
    vec!["x"; n].join(", ")
}

fn assert_flow_limit(code: i32, err: &str) {
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("eligo::yaml::flow_limit"), "{err}");
    assert!(err.contains("more than 100000 entries"), "{err}");
    assert!(
        err.contains("write this collection in block style (or as a JSON document"),
        "{err}"
    );
}

#[test]
fn nested_anchored_flow_collections_stop_at_the_bound() {
    let open: String = (0..62).map(|i| format!("&a{i} [")).collect();
    let text = format!(
        "{HEAD}customers: {open}{}{}\n",
        entries(1_000_000),
        "]".repeat(62)
    );
    let tmp = common::scratch("flow-bound");
    let path = common::write_file(tmp.path(), "nested.yaml", &text);
    let (code, _, err) = check_capped(&[], &path);
    assert_flow_limit(code, &err);
    // Reported where the bound was crossed, on the first line of the list.
    assert!(err.contains("nested.yaml:3:"), "{err}");
}

#[test]
fn a_long_list_in_a_list_stops_at_the_bound() {
    let text = format!("[[{}]]\n", entries(1_000_000));
    let tmp = common::scratch("flow-bound");
    let path = common::write_file(tmp.path(), "list-in-list.yaml", &text);
    let (code, _, err) = check_capped(&[], &path);
    assert_flow_limit(code, &err);
    assert!(err.contains("list-in-list.yaml:1:"), "{err}");
}

/// 20,000 small customers, each a flow mapping.
fn customers() -> Vec<String> {
    (0..20_000)
        .map(|i| {
            format!(
                "{{id: cust-{i:06}, name: \"Coho, Foods {i}\", region: europe, \
                 tenant: coho{i}.onmicrosoft.com}}"
            )
        })
        .collect()
}

#[test]
fn a_flow_list_under_a_block_key_checks_as_its_block_twin() {
    let entries = customers();
    let flow = format!("{HEAD}customers: [\n  {}\n]\n", entries.join(",\n  "));
    let block: String = entries.iter().map(|e| format!("  - {e}\n")).collect();
    let block = format!("{HEAD}customers:\n{block}");
    let tmp = common::scratch("flow-bound");
    let flow = common::write_file(tmp.path(), "flow.yaml", &flow);
    let block = common::write_file(tmp.path(), "block.yaml", &block);
    let (flow_code, flow_out, flow_err) = check_capped(&["--format", "json"], &flow);
    let (block_code, block_out, block_err) = check_capped(&["--format", "json"], &block);
    assert_eq!(flow_code, 0, "{flow_err}");
    assert_eq!(block_code, 0, "{block_err}");
    assert_eq!(
        flow_out.replace("flow.yaml", "X"),
        block_out.replace("block.yaml", "X")
    );
}

#[test]
fn a_generated_block_book_still_checks() {
    let out = eligo()
        .args(["generate", "--subscriptions", "2000"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let tmp = common::scratch("flow-bound");
    let path = common::write_file(
        tmp.path(),
        "book.yaml",
        &String::from_utf8(out.stdout).unwrap(),
    );
    // The generated book breaks some rules on purpose: findings, no input
    // error.
    let (code, out, err) = check_capped(&[], &path);
    assert_eq!(code, 1, "{err}");
    assert!(out.contains(" 0 invalid"), "{out}");
}

#[test]
fn commas_inside_a_quoted_scalar_do_not_count() {
    let name = ",".repeat(200_000);
    let text = format!(
        "{HEAD}customers: [ {{id: c1, name: \"{name}\", region: europe, \
         tenant: c.onmicrosoft.com}} ]\n"
    );
    let tmp = common::scratch("flow-bound");
    let path = common::write_file(tmp.path(), "quoted.yaml", &text);
    let (code, _, err) = check_capped(&["--max-string-bytes", "300000"], &path);
    assert_eq!(code, 0, "{err}");
}
