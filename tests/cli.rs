//! The `eligo` binary: exit codes, formats and file discovery.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::eligo;

use assert_cmd::Command;

fn stdout_of(cmd: &mut Command) -> String {
    String::from_utf8(cmd.output().unwrap().stdout).unwrap()
}

#[test]
fn clean_book_exits_zero() {
    eligo()
        .args(["check", "fixtures/books/clean-book.yaml"])
        .assert()
        .code(0);
}

#[test]
fn error_findings_exit_one() {
    eligo()
        .args(["check", "fixtures/books/mixed-book.yaml"])
        .assert()
        .code(1);
    // The cap is really applied: 4 MiB of address space cannot even start
    // the binary, so a run that passes above is a run under the cap. (A
    // release build checks a small book within 16 MiB.)
    common::eligo_capped(4 * 1024)
        .args(["check", "fixtures/books/clean-book.yaml"])
        .assert()
        .failure();
}

#[test]
fn the_readme_command_checks_every_bundled_fixture_and_exits_one() {
    let out = eligo().args(["check", "fixtures/"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("checked 63 files"), "{text}");
    assert!(
        !text.contains("fixtures/invalid"),
        "ignored folder was checked"
    );
}

#[test]
fn warnings_pass_unless_denied() {
    let file = "fixtures/rules/extension-no-dap/fires.yaml";
    eligo().args(["check", file]).assert().code(0);
    eligo()
        .args(["check", "--deny-warnings", file])
        .assert()
        .code(1);
}

#[test]
fn input_errors_exit_two_and_never_pass() {
    for file in [
        "fixtures/invalid/unknown-field.yaml",
        "fixtures/invalid/alias-bomb.yaml",
        "fixtures/invalid/not-utf8.yaml",
    ] {
        let out = eligo().args(["check", file]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{file}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("eligo::"),
            "{file}: no diagnostic"
        );
    }
    // A valid file next to an invalid one: still exit 2.
    eligo()
        .args([
            "check",
            "fixtures/books/clean-book.yaml",
            "fixtures/invalid/bad-enum.yaml",
        ])
        .assert()
        .code(2);
}

#[test]
fn missing_path_and_bad_usage_exit_two() {
    eligo()
        .args(["check", "no/such/file.yaml"])
        .assert()
        .code(2);
    eligo()
        .args(["check", "--format", "xml", "fixtures/books/clean-book.yaml"])
        .assert()
        .code(2);
    eligo()
        .args([
            "check",
            "--no-default-rules",
            "fixtures/books/clean-book.yaml",
        ])
        .assert()
        .code(2);
}

#[test]
fn json_report_has_the_contract_fields() {
    let text = stdout_of(eligo().args([
        "check",
        "--format",
        "json",
        "fixtures/rules/transferable-offer/fires.yaml",
    ]));
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let file = &json["files"][0];
    assert_eq!(file["path"], "fixtures/rules/transferable-offer/fires.yaml");
    assert_eq!(file["scenario"], "transferable-offer-fires");
    let finding = file["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "transferable-offer")
        .unwrap();
    for key in [
        "rule", "severity", "subject", "message", "location", "related",
    ] {
        assert!(finding.get(key).is_some(), "missing {key}");
    }
    assert!(finding["location"]["line"].as_u64().unwrap() > 0);
    assert!(finding["location"]["column"].as_u64().unwrap() > 0);
    assert_eq!(file["summary"]["errors"], 3);
}

#[test]
fn output_is_deterministic() {
    let a = stdout_of(eligo().args(["check", "--format", "json", "fixtures/"]));
    let b = stdout_of(eligo().args(["check", "--format", "json", "fixtures/"]));
    assert_eq!(a, b);
}

#[test]
fn extra_rule_packs_add_rules_and_can_replace_the_default() {
    let tmp = tempdir();
    let dir = tmp.path();
    let pack = dir.join("cap.rules");
    std::fs::write(
        &pack,
        "rule quantity-cap: error \"Quantities above 20 need a review\"\n  for s in subscriptions\n  require s.quantity <= 20\n  else s: \"{s.id} has quantity {s.quantity}\"\n",
    )
    .unwrap();
    let clean = "fixtures/books/clean-book.yaml";
    let out = stdout_of(
        eligo()
            .args(["check", "--format", "json", "--rules"])
            .arg(&pack)
            .arg(clean),
    );
    assert!(out.contains("\"quantity-cap\""), "{out}");
    // Without the default rules, a pack that declares no schema keeps the
    // default schema: only its own rule runs.
    let out = eligo()
        .args(["check", "--no-default-rules", "--format", "json", "--rules"])
        .arg(&pack)
        .arg(clean)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules: std::collections::BTreeSet<&str> = json["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["quantity-cap"].into());
    let rules = stdout_of(eligo().args(["rules", "--rules"]).arg(&pack));
    assert!(rules.contains("quantity-cap"));
}

#[test]
fn rules_lists_all_29_default_rules() {
    let text = stdout_of(eligo().args(["rules", "--format", "json"]));
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 29);
}

#[test]
fn test_command_runs_expect_blocks() {
    let out = eligo().args(["test", "fixtures/"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .ends_with("63 passed, 0 failed\n"));
    let tmp = tempdir();
    let dir = tmp.path();
    let wrong = dir.join("wrong.yaml");
    let text = std::fs::read_to_string("fixtures/rules/extension-no-dap/fires.yaml").unwrap();
    std::fs::write(
        &wrong,
        text.replace("rule: extension-no-dap", "rule: extension-needs-consent"),
    )
    .unwrap();
    let out = eligo().arg("test").arg(&wrong).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("missing: extension-needs-consent on adatum"),
        "{stdout}"
    );
    assert!(
        stdout.contains("unexpected: extension-no-dap on adatum"),
        "{stdout}"
    );
}

/// A fresh folder for one test, removed when the returned guard is dropped.
fn tempdir() -> tempfile::TempDir {
    let dir = common::scratch("cli");
    assert!(dir.path().is_dir());
    dir
}

/// The capped runner passes arguments and the exit code through unchanged.
#[test]
fn capped_runner_passes_arguments_and_exit_code() {
    common::eligo_capped(common::MEMORY_CAP_KIB)
        .args(["check", "fixtures/books/clean-book.yaml"])
        .assert()
        .code(0);
    common::eligo_capped(common::MEMORY_CAP_KIB)
        .args(["check", "fixtures/books/mixed-book.yaml"])
        .assert()
        .code(1);
    // The cap is really applied: 4 MiB of address space cannot even start
    // the binary, so a run that passes above is a run under the cap. (A
    // release build checks a small book within 16 MiB.)
    common::eligo_capped(4 * 1024)
        .args(["check", "fixtures/books/clean-book.yaml"])
        .assert()
        .failure();
}
