//! The CI formats end to end, through the binary: snapshots of every format on a
//! few fixtures, the SARIF output validated against the official SARIF 2.1.0
//! schema, the JUnit output parsed back, input errors carried as data.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::eligo;

use serde_json::Value;
use std::path::Path;

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
            insta::assert_snapshot!(format!("{format}-{name}"), without_root(&stdout));
        }
    }
}

/// A SARIF log with the checkout's absolute URI (`%SRCROOT%`) replaced by
/// `file:///[root]/`, so that snapshots do not depend on where the checkout
/// is; other text as it is.
fn without_root(text: &str) -> String {
    let root = serde_json::from_str::<Value>(text).ok().and_then(|log| {
        log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
            .as_str()
            .map(str::to_string)
    });
    match root {
        Some(root) => text.replace(&root, "file:///[root]/"),
        None => text.to_string(),
    }
}

/// The official SARIF 2.1.0 JSON schema (OASIS errata 01), kept as test data in
/// `tests/data/` with its source and licence (`tests/data/README.md`), so the test
/// needs neither cargo, its cache nor the network.
fn sarif_schema() -> Value {
    let text = include_str!("data/sarif-schema-2.1.0.json");
    let schema: Value = serde_json::from_str(text).unwrap();
    assert_eq!(
        schema["title"],
        "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    );
    schema
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
fn sarif_validator() -> jsonschema::Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .build(&sarif_schema())
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
    let files = json["files"].as_array().unwrap();
    assert_eq!(files.len(), 3, "the invalid files are listed too");
    assert_eq!(files[0]["path"], WARNING_ONLY);
    assert!(
        files[0].get("errors").is_none(),
        "valid files have no `errors`"
    );
    assert_eq!(files[1]["path"], BAD_ENUM);
    assert_eq!(files[1]["findings"], serde_json::json!([]));
    assert_eq!(files[1]["errors"][0], errors[0]);
    assert_eq!(files[2]["errors"][0], errors[1]);
}

/// Where each of `paths` first occurs in `text`, in order of occurrence.
fn order_of<'a>(text: &str, paths: &[&'a str]) -> Vec<&'a str> {
    let mut found: Vec<(usize, &str)> = paths
        .iter()
        .map(|p| {
            (
                text.find(p)
                    .unwrap_or_else(|| panic!("{p} missing: {text}")),
                *p,
            )
        })
        .collect();
    found.sort();
    found.into_iter().map(|(_, p)| p).collect()
}

#[test]
fn every_format_lists_files_in_path_order_invalid_ones_included() {
    let paths = [
        "fixtures/books/clean-book.yaml",
        BAD_ENUM,
        WARNING_ONLY,
        NOT_UTF8,
    ];
    for format in ["human", "json", "sarif", "junit", "github"] {
        let mut args = vec!["--format", format];
        args.extend_from_slice(&paths);
        let (code, out, err) = check(&args);
        assert_eq!(code, 2, "{format}");
        // SARIF and GitHub list findings, and the clean book has none.
        let expected: Vec<&str> = match format {
            "sarif" | "github" => paths[1..].to_vec(),
            _ => paths.to_vec(),
        };
        // The SARIF invocation lists the input errors before the results.
        let listed = match format {
            "sarif" => &out[out.find("\"results\"").unwrap()..],
            _ => &out[..],
        };
        assert_eq!(order_of(listed, &expected), expected, "{format}");
        if format != "github" {
            assert!(
                err.ends_with(
                    "2 input errors in 2 files, so the run fails (exit 2): \
                     fixtures/invalid/bad-enum.yaml (1), fixtures/invalid/not-utf8.yaml (1)\n"
                ),
                "{format}: {err}"
            );
        }
    }
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
    // The human report shows an invalid scenario's diagnostics on stdout; a
    // missing waivers file belongs to no listed file, so its go to stderr.
    let missing = "fixtures/waivers/no-such-file.yaml";
    let (_, out, err) = check(&["--color", "always", MIXED, BAD_ENUM, "--waivers", missing]);
    assert!(has_ansi(&out) && has_ansi(&err), "--color always");
    let (_, out, err) = check(&["--color", "never", MIXED, BAD_ENUM, "--waivers", missing]);
    assert!(!has_ansi(&out) && !has_ansi(&err), "--color never");
    // `auto` writing to a pipe: no colour, and none in machine formats ever.
    let (_, out, err) = check(&[MIXED, BAD_ENUM, "--waivers", missing]);
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

/// The SARIF log of `eligo check --format sarif ARGS` run in `dir`.
fn sarif_from(dir: &str, args: &[&str]) -> Value {
    let out = eligo()
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(dir))
        .args(["check", "--format", "sarif"])
        .args(args)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

/// (uri, uriBaseId, fingerprint) of every result.
fn placed(log: &Value) -> Vec<(String, Value, Value)> {
    log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let artifact = &r["locations"][0]["physicalLocation"]["artifactLocation"];
            (
                artifact["uri"].as_str().unwrap().to_string(),
                artifact["uriBaseId"].clone(),
                r["partialFingerprints"].clone(),
            )
        })
        .collect()
}

#[test]
fn sarif_uris_are_relative_to_the_repository_root_from_any_folder() {
    let from_root = sarif_from(".", &[MIXED]);
    let from_books = sarif_from("fixtures/books", &["mixed-book.yaml"]);
    let placed_root = placed(&from_root);
    assert!(!placed_root.is_empty());
    assert_eq!(placed_root, placed(&from_books));
    for (uri, base, fingerprint) in &placed_root {
        assert_eq!(uri, MIXED);
        assert_eq!(base, "%SRCROOT%");
        assert!(fingerprint["eligo/ruleSubject/v1"].is_string());
    }
    let run = &from_books["runs"][0];
    let root = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        root.starts_with("file:///") && root.ends_with('/'),
        "{root}"
    );
    assert_eq!(run["automationDetails"]["id"], "eligo/");
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(driver["semanticVersion"], env!("CARGO_PKG_VERSION"));
    for rule in driver["rules"].as_array().unwrap() {
        let name = rule["name"].as_str().unwrap();
        assert_ne!(rule["id"], name);
        assert!(name.chars().all(|c| c.is_ascii_alphanumeric()), "{name}");
    }
    // `--sarif-root` picks another base.
    let from_fixtures = sarif_from(".", &["--sarif-root", "fixtures", MIXED]);
    assert_eq!(placed(&from_fixtures)[0].0, "books/mixed-book.yaml");
}

#[test]
fn sarif_fingerprints_follow_rule_and_subject_not_lines() {
    // The same finding (rule, subject) in two files, on different lines.
    let log = sarif_from(
        ".",
        &[
            "fixtures/rules/extension-no-dap/fires.yaml",
            "fixtures/books/mixed-book.yaml",
        ],
    );
    let results = log["runs"][0]["results"].as_array().unwrap();
    let key = |r: &Value| {
        (
            r["ruleId"].clone(),
            r["properties"]["subject"].clone(),
            r["partialFingerprints"]["eligo/ruleSubject/v1"].clone(),
        )
    };
    let keys: Vec<_> = results.iter().map(key).collect();
    for a in &keys {
        for b in &keys {
            assert_eq!((&a.0, &a.1) == (&b.0, &b.1), a.2 == b.2, "{a:?} {b:?}");
        }
    }
    let region = &results[0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["endLine"], region["startLine"]);
    assert!(region["endColumn"].as_i64() > region["startColumn"].as_i64());
}
