//! The CI formats end to end, through the binary: snapshots of every format on a
//! few fixtures, the SARIF output validated against the official SARIF 2.1.0
//! schema, the JUnit output parsed back, input errors carried as data.

mod common;

use common::eligo;

use serde_json::Value;
use std::path::{Path, PathBuf};

const MIXED: &str = "fixtures/books/mixed-book.yaml";
const WARNING_ONLY: &str = "fixtures/rules/extension-no-dap/fires.yaml";
const WAIVERS: &str = "fixtures/waivers/mixed-book.yaml";
const BAD_ENUM: &str = "fixtures/invalid/bad-enum.yaml";
const NOT_UTF8: &str = "fixtures/invalid/not-utf8.yaml";

/// Runs `eligo check` with `args`; returns exit code, stdout, stderr.
fn check(args: &[&str]) -> (i32, String, String) {
    let out = eligo().arg("check").args(args).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The cases every format is snapshotted on: (name, arguments, exit code).
const CASES: &[(&str, &[&str], i32)] = &[
    ("waived", &[MIXED, WARNING_ONLY, "--waivers", WAIVERS], 1),
    ("warnings", &[WARNING_ONLY], 0),
    ("input-errors", &[WARNING_ONLY, BAD_ENUM, NOT_UTF8], 2),
];

#[test]
fn every_format_matches_its_snapshots() {
    for format in ["human", "json", "sarif", "junit", "github"] {
        for (name, args, code) in CASES {
            let mut all = vec!["--format", format];
            all.extend_from_slice(args);
            let (got, stdout, _) = check(&all);
            assert_eq!(got, *code, "{format} {name}");
            insta::assert_snapshot!(format!("{format}-{name}"), stdout);
        }
    }
}

/// The official SARIF 2.1.0 JSON schema, as shipped in the `serde-sarif` crate
/// (`src/schema.json`: the OASIS schema from oasis-tcs/sarif-spec, which the
/// crate generates its model from). Located through `cargo metadata`, offline.
fn sarif_schema() -> Value {
    let out = std::process::Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: Value = serde_json::from_slice(&out.stdout).unwrap();
    let package = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "serde-sarif")
        .expect("serde-sarif is a dependency");
    let manifest = PathBuf::from(package["manifest_path"].as_str().unwrap());
    let path = manifest.parent().unwrap().join("src/schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(
        schema["title"],
        "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    );
    schema
}

/// Replaces every `"pattern": bad` in a schema; returns how many.
fn fix_patterns(schema: &mut Value, bad: &str, good: &str) -> usize {
    match schema {
        Value::Object(map) => {
            let mut n = 0;
            for (key, value) in map.iter_mut() {
                if key == "pattern" && value == bad {
                    *value = Value::from(good);
                    n += 1;
                } else {
                    n += fix_patterns(value, bad, good);
                }
            }
            n
        }
        Value::Array(items) => items.iter_mut().map(|v| fix_patterns(v, bad, good)).sum(),
        _ => 0,
    }
}

fn assert_valid_sarif(validator: &jsonschema::Validator, text: &str, what: &str) {
    let log: Value = serde_json::from_str(text).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

/// A validator of the official schema that also checks `format`s (`uri`,
/// `uri-reference`, `date-time`, …).
///
/// The official schema's pattern for the `language` properties is itself not a
/// valid regex (a stray `]`: `^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`), which
/// the validator refuses to compile; it is replaced here by the pattern the
/// schema's description intends. eligo never writes `language`.
fn sarif_validator() -> jsonschema::Validator {
    let mut schema = sarif_schema();
    let fixed = fix_patterns(
        &mut schema,
        "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$",
        "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$",
    );
    assert!(fixed > 0, "the schema's erratum is gone: drop this fix");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let validator = sarif_validator();
    // Proof that the validator bites: a result without a message is rejected.
    let broken = r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"ruleId":"r"}]}]}"#;
    assert!(!validator.is_valid(&serde_json::from_str::<Value>(broken).unwrap()));
    for (name, args, _) in CASES {
        let mut all = vec!["--format", "sarif"];
        all.extend_from_slice(args);
        assert_valid_sarif(&validator, &check(&all).1, name);
    }
    let (_, every_fixture, _) = check(&["--format", "sarif", "fixtures/"]);
    assert_valid_sarif(&validator, &every_fixture, "fixtures/");
    let (code, bad_rules, _) = check(&[
        "--format",
        "sarif",
        "--rules",
        "fixtures/bad-rules/unknown-field.rules",
        MIXED,
    ]);
    assert_eq!(code, 2);
    assert_valid_sarif(&validator, &bad_rules, "bad rules");
}

#[test]
fn sarif_describes_rules_and_locates_results() {
    let (_, text, _) = check(&["--format", "sarif", MIXED, "--waivers", WAIVERS]);
    let log: Value = serde_json::from_str(&text).unwrap();
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 29 + 2, "the default pack and the waiver rules");
    let offer = rules
        .iter()
        .find(|r| r["id"] == "transferable-offer")
        .unwrap();
    for key in ["shortDescription", "fullDescription", "help"] {
        assert!(
            offer[key]["text"].as_str().is_some_and(|t| !t.is_empty()),
            "{key}"
        );
    }
    let results = run["results"].as_array().unwrap();
    let waived = results
        .iter()
        .find(|r| r["ruleId"] == "transferable-offer")
        .unwrap();
    assert_eq!(waived["level"], "error");
    let region = &waived["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 184);
    assert_eq!(region["startColumn"], 5);
    assert_eq!(
        waived["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        MIXED
    );
    assert_eq!(waived["suppressions"][0]["kind"], "external");
    let rule_index = waived["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[rule_index]["id"], "transferable-offer");
    assert!(results
        .iter()
        .any(|r| r["ruleId"] == "waiver-expired" && r["level"] == "error"));
}

#[test]
fn junit_parses_and_counts_agree_with_the_exit_code() {
    let (_, xml, _) = check(&[
        "--format",
        "junit",
        MIXED,
        WARNING_ONLY,
        "--waivers",
        WAIVERS,
    ]);
    let report = quick_junit::Report::deserialize_from_str(&xml).unwrap();
    assert_eq!(
        report.test_suites.len(),
        3,
        "two scenarios and the waivers file"
    );
    let mixed = &report.test_suites[0];
    assert_eq!(mixed.name.as_str(), MIXED);
    assert_eq!(mixed.test_cases.len(), 29, "a test case per rule");
    // Errors not waived: extension-needs-consent, addon-with-base,
    // mca-via-provider (its waiver expired), transferor-enrolled.
    assert_eq!(mixed.failures, 4);
    assert_eq!(mixed.skipped, 2, "the waived error and the waived warning");
    // Warnings pass unless denied.
    assert_eq!(report.test_suites[1].failures, 0);
    let (_, denied, _) = check(&["--format", "junit", "--deny-warnings", WARNING_ONLY]);
    let denied = quick_junit::Report::deserialize_from_str(&denied).unwrap();
    assert_eq!(denied.failures, 1);
    // Input errors are JUnit errors, a suite per broken file.
    let (_, broken, _) = check(&["--format", "junit", BAD_ENUM]);
    let broken = quick_junit::Report::deserialize_from_str(&broken).unwrap();
    assert_eq!(broken.errors, 1);
    assert_eq!(broken.test_suites[0].name.as_str(), BAD_ENUM);
}

#[test]
fn input_errors_are_data_in_json() {
    let (code, text, stderr) = check(&["--format", "json", WARNING_ONLY, BAD_ENUM, NOT_UTF8]);
    assert_eq!(code, 2);
    assert!(stderr.contains("eligo::scenario::invalid_enum"), "{stderr}");
    let json: Value = serde_json::from_str(&text).unwrap();
    let errors = json["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2);
    assert_eq!(errors[0]["code"], "eligo::scenario::invalid_enum");
    assert_eq!(errors[0]["path"], BAD_ENUM);
    assert_eq!(errors[0]["line"], 33);
    assert_eq!(errors[0]["column"], 12);
    assert_eq!(errors[0]["help"], "did you mean `azure_payg`?");
    assert_eq!(errors[1]["code"], "eligo::scenario::not_utf8");
    assert_eq!(
        errors[1]["line"],
        Value::Null,
        "file-level errors have no line"
    );
    assert_eq!(json["summary"]["invalid_files"], 2);
    assert_eq!(
        json["files"].as_array().unwrap().len(),
        1,
        "the valid file is still reported"
    );
}

#[test]
fn rule_errors_are_data_in_json() {
    let (code, text, _) = check(&[
        "--format",
        "json",
        "--rules",
        "fixtures/bad-rules/unknown-field.rules",
        MIXED,
    ]);
    assert_eq!(code, 2);
    let json: Value = serde_json::from_str(&text).unwrap();
    let error = &json["errors"][0];
    assert_eq!(error["code"], "eligo::rules::unknown_field");
    assert_eq!(error["path"], "fixtures/bad-rules/unknown-field.rules");
    assert!(error["line"].as_u64().unwrap() > 0);
    assert!(error["column"].as_u64().unwrap() > 0);
    assert!(json["files"].as_array().unwrap().is_empty());
}

#[test]
fn github_annotations_have_file_line_col_and_title() {
    let (_, text, _) = check(&["--format", "github", MIXED, "--waivers", WAIVERS]);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.contains(
        &"::notice file=fixtures/books/mixed-book.yaml,line=369,col=9,title=transferable-offer (waived)::nw-azure-plan is a subscription of offer azure_plan, which self-serve transfer cannot move; cancel it and buy it again through fabrikam%0Awaived: cancelled and repurchased through fabrikam in wave 2 (owner migration-team@contoso.com, expires 2027-01-31)%0Arelated: tr-northwind-1"
    ), "{text}");
    assert!(lines.iter().any(|l| l.starts_with(
        "::error file=fixtures/waivers/mixed-book.yaml,line=16,col=5,title=waiver-expired::"
    )));
    assert!(lines.iter().any(|l| l.starts_with(
        "::warning file=fixtures/waivers/mixed-book.yaml,line=22,col=5,title=waiver-unused::"
    )));
    // Every line is a workflow command, except the closing summary.
    assert!(lines[..lines.len() - 1].iter().all(|l| l.starts_with("::")));
}

#[test]
fn color_flag_applies_to_stdout_and_stderr_and_wins_over_no_color() {
    let has_ansi = |s: &str| s.contains('\u{1b}');
    let (_, out, err) = check(&["--color", "always", MIXED, BAD_ENUM]);
    assert!(has_ansi(&out) && has_ansi(&err), "--color always");
    let (_, out, err) = check(&["--color", "never", MIXED, BAD_ENUM]);
    assert!(!has_ansi(&out) && !has_ansi(&err), "--color never");
    // `auto` writing to a pipe: no colour, and none in machine formats ever.
    let (_, out, err) = check(&[MIXED, BAD_ENUM]);
    assert!(!has_ansi(&out) && !has_ansi(&err), "auto");
    for format in ["json", "sarif", "junit", "github"] {
        let (_, out, _) = check(&["--color", "always", "--format", format, MIXED]);
        assert!(!has_ansi(&out), "{format}");
    }
}

#[test]
fn missing_waivers_file_is_an_input_error_in_every_format() {
    let missing = Path::new("fixtures/waivers/no-such-file.yaml");
    let (code, text, _) = check(&[
        "--format",
        "json",
        "--waivers",
        missing.to_str().unwrap(),
        MIXED,
    ]);
    assert_eq!(code, 2);
    let json: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["errors"][0]["code"], "eligo::waivers::io");
}
