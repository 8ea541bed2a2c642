//! Everyday use (DOMAIN.md section 6): `eligo.yaml`, rule selection, the
//! concise and Markdown formats, rule docs, completions and the conventions
//! (`--quiet`, `--output`, colours, `test --update`, `fmt --check --diff`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{eligo, output as run};
use serde_json::Value;
use std::path::{Path, PathBuf};

const MIXED: &str = "fixtures/books/mixed-book.yaml";
const REVENUE_NEAR_MISS: &str = "fixtures/rules/direct-bill-revenue/near-miss.yaml";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh folder for one test.
fn tempdir(name: &str) -> tempfile::TempDir {
    common::fresh_dir("everyday", name)
}

fn rules_of(json: &str) -> Vec<String> {
    let v: Value = serde_json::from_str(json).unwrap();
    v["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["findings"].as_array().unwrap().clone())
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

// ---- eligo.yaml -----------------------------------------------------------

#[test]
fn the_config_is_found_upward_and_its_settings_apply() {
    let tmp = tempdir("upward");
    let dir = tmp.path();
    std::fs::write(
        dir.join("eligo.yaml"),
        "format: json\nconstants:\n  revenue_floor_usd: 1000000\nselect: [direct-bill-revenue]\n",
    )
    .unwrap();
    let nested = dir.join("books/wave-1");
    std::fs::create_dir_all(&nested).unwrap();
    let (code, out, err) = run(eligo()
        .current_dir(&nested)
        .args(["check"])
        .arg(root().join(REVENUE_NEAR_MISS)));
    assert_eq!(code, 0, "{err}");
    // `format: json`, the floor moved to 1,000,000 (300,000 is now below it),
    // and only the selected rule ran.
    assert_eq!(rules_of(&out), ["direct-bill-revenue"]);
    // `--no-config` ignores the file; flags win over it.
    let (_, out, _) = run(eligo()
        .current_dir(&nested)
        .args(["check", "--no-config", "--format", "json"])
        .arg(root().join(REVENUE_NEAR_MISS)));
    assert!(rules_of(&out).is_empty(), "{out}");
    let (_, out, _) = run(eligo()
        .current_dir(&nested)
        .args(["check", "--format", "concise"])
        .arg(root().join(REVENUE_NEAR_MISS)));
    assert!(
        out.contains("warning[direct-bill-revenue] contoso:"),
        "{out}"
    );
}

#[test]
fn config_paths_are_relative_to_the_file_and_flags_add_to_them() {
    let tmp = tempdir("relative");
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("policies")).unwrap();
    std::fs::write(
        dir.join("policies/cap.rules"),
        "rule quantity-cap: error \"Quantities above 20 need a review\"\n  for s in subscriptions\n  require s.quantity <= 20\n  else s at s: \"{s.id} has quantity {s.quantity}\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("eligo.yaml"),
        "rules: [policies]\ndefault_rules: false\ndeny_warnings: true\n",
    )
    .unwrap();
    let (code, out, err) = run(eligo()
        .args(["check", "--format", "json", "--config"])
        .arg(dir.join("eligo.yaml"))
        .arg("fixtures/books/clean-book.yaml"));
    assert_eq!(code, 1, "{err}");
    let rules = rules_of(&out);
    assert!(!rules.is_empty());
    assert!(rules.iter().all(|r| r == "quantity-cap"), "{rules:?}");
}

#[test]
fn config_errors_have_a_place_and_did_you_mean() {
    let tmp = tempdir("errors");
    let dir = tmp.path();
    let config = dir.join("eligo.yaml");
    let cases = [
        (
            "selct: [transferable-offer]\n",
            "unknown key `selct`",
            "did you mean `select`?",
            "eligo.yaml:1:1",
        ),
        (
            "limits:\n  max_dpth: 3\n",
            "unknown key `max_dpth` in `limits`",
            "did you mean `max_depth`?",
            "eligo.yaml:2:3",
        ),
        (
            "deny_warnings: maybe\n",
            "expected a boolean",
            "",
            "eligo.yaml:1:16",
        ),
        (
            "select: [transferable-ofer]\n",
            "unknown rule `transferable-ofer` in `select`",
            "did you mean `transferable-offer`?",
            "eligo.yaml:1:10",
        ),
        (
            "ignore:\n  - mca-acepted\n",
            "unknown rule `mca-acepted` in `ignore`",
            "did you mean `mca-accepted`?",
            "eligo.yaml:2:5",
        ),
        (
            "constants:\n  revenue_flor_usd: 5\n",
            "no rule file declares a constant `revenue_flor_usd`",
            "did you mean `revenue_floor_usd`?",
            "eligo.yaml:2:3",
        ),
        (
            "constants:\n  revenue_floor_usd: lots\n",
            "expected a whole number, found a string",
            "",
            "eligo.yaml:2:22",
        ),
        (
            "constants:\n  open: [active, in_progres]\n",
            "`in_progres` is not a value",
            "did you mean `in_progress`?",
            "eligo.yaml:2:18",
        ),
        (
            "format: concse\n",
            "unknown format `concse`",
            "did you mean `concise`?",
            "eligo.yaml:1:9",
        ),
        ("a: [\n", "invalid YAML", "", "eligo.yaml:"),
        (
            "select: [x]\nselect: [y]\n",
            "`select` is given twice",
            "",
            "eligo.yaml:2:1",
        ),
    ];
    for (text, message, help, place) in cases {
        std::fs::write(&config, text).unwrap();
        let (code, out, err) = run(eligo()
            .current_dir(dir)
            .args(["check"])
            .arg(root().join(MIXED)));
        assert_eq!(code, 2, "{text}: {err}");
        assert!(out.is_empty(), "{text}: {out}");
        assert!(err.contains(message), "{text}: {err}");
        assert!(err.contains(help), "{text}: {err}");
        assert!(err.contains(place), "{text}: {err}");
        assert!(err.contains("eligo::config::"), "{text}: {err}");
    }
}

#[test]
fn a_missing_or_huge_config_is_an_input_error() {
    let (code, _, err) = run(eligo().args(["check", "--config", "no/such/eligo.yaml", MIXED]));
    assert_eq!(code, 2);
    assert!(err.contains("cannot read configuration file"), "{err}");
    let tmp = tempdir("huge");
    let dir = tmp.path();
    let big = dir.join("eligo.yaml");
    std::fs::write(&big, format!("# {}\n", "x".repeat(2 << 20))).unwrap();
    let (code, _, err) = run(eligo().args(["check", "--config"]).arg(&big).arg(MIXED));
    assert_eq!(code, 2);
    assert!(err.contains("larger than"), "{err}");
}

// ---- --select / --ignore ----------------------------------------------------

#[test]
fn select_and_ignore_choose_rules_and_reject_unknown_ids() {
    let (_, out, _) = run(eligo().args([
        "check",
        "--format",
        "json",
        "--select",
        "transferable-offer,mca-via-provider",
        MIXED,
    ]));
    let rules = rules_of(&out);
    assert!(rules.contains(&"transferable-offer".to_string()));
    assert!(rules
        .iter()
        .all(|r| r == "transferable-offer" || r == "mca-via-provider"));
    let (_, out, _) = run(eligo().args([
        "check",
        "--format",
        "json",
        "--ignore",
        "transferable-offer",
        MIXED,
    ]));
    let rules = rules_of(&out);
    assert!(!rules.is_empty() && !rules.contains(&"transferable-offer".to_string()));
    let (code, out, err) = run(eligo().args(["check", "--select", "transferable-ofer", MIXED]));
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("unknown rule `transferable-ofer` in `--select`"),
        "{err}"
    );
    assert!(err.contains("did you mean `transferable-offer`?"), "{err}");
}

#[test]
fn expectations_may_name_rules_that_are_not_selected() {
    // An `expect` entry naming an ignored rule is still a known rule.
    let (code, _, err) = run(eligo().args([
        "check",
        "--ignore",
        "addon-with-base",
        "fixtures/rules/addon-with-base/fires.yaml",
    ]));
    assert_eq!(code, 0, "{err}");
}

// ---- formats ----------------------------------------------------------------

#[test]
fn concise_is_one_line_per_finding_at_the_place_to_edit() {
    let (code, out, _) = run(eligo().args(["check", "--format", "concise", MIXED]));
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines.contains(&"fixtures/books/mixed-book.yaml:369:9: error[transferable-offer] nw-azure-plan: nw-azure-plan is a subscription of offer azure_plan, which self-serve transfer cannot move; cancel it and buy it again through fabrikam"), "{out}");
    assert!(lines.last().unwrap().starts_with("checked 1 file:"));
    let (_, quiet, _) = run(eligo().args(["check", "--format", "concise", "--quiet", MIXED]));
    assert_eq!(quiet.lines().count(), lines.len() - 1);
}

#[test]
fn markdown_has_tables_and_escapes_what_users_wrote() {
    let tmp = tempdir("markdown");
    let dir = tmp.path();
    let text = std::fs::read_to_string("fixtures/rules/transferable-offer/fires.yaml")
        .unwrap()
        .replace("sub-ri", "\"a|b `c` <img src=x> [l](http://x) @team\"");
    let book = dir.join("hostile.yaml");
    std::fs::write(&book, text).unwrap();
    let (code, out, err) = run(eligo().args(["check", "--format", "markdown"]).arg(&book));
    assert_eq!(code, 1, "{err}");
    assert!(out.starts_with("## eligo check: failed\n"), "{out}");
    assert!(out.contains("| errors | "));
    assert!(out.contains("### Findings per rule"));
    assert!(
        out.contains("| error | transferable&#45;offer |")
            || out.contains("| error | transferable-offer |"),
        "{out}"
    );
    assert!(out.contains("a&#124;b &#96;c&#96; &#60;img src&#61;x&#62; &#91;l&#93;&#40;http&#58;//x&#41; &#64;team"), "{out}");
    for bad in ["<img", "[l](", "@team", "`c`"] {
        assert!(!out.contains(bad), "{bad} in {out}");
    }
    // Every table row keeps its column count.
    for line in out
        .lines()
        .filter(|l| l.starts_with("| error | transferable"))
    {
        assert_eq!(line.matches(" | ").count(), 4, "{line}");
    }
}

#[test]
fn output_writes_the_report_to_a_file() {
    let tmp = tempdir("output");
    let dir = tmp.path();
    let file = dir.join("report.json");
    let (code, out, _) = run(eligo()
        .args(["check", "--format", "json", "--output"])
        .arg(&file)
        .arg(MIXED));
    assert_eq!(code, 1);
    assert!(out.is_empty());
    let json: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(json["files"][0]["path"], MIXED);
}

#[test]
fn quiet_human_output_has_no_summary_lines() {
    let (_, out, _) = run(eligo().args(["check", "--quiet", MIXED]));
    assert!(out.contains("transferable-offer"));
    assert!(!out.contains("checked 1 file"), "{out}");
    assert!(!out.contains("mixed-book.yaml: "), "{out}");
}

#[test]
fn force_color_and_term_dumb_are_honoured() {
    let colored = |envs: &[(&str, &str)]| {
        let mut cmd = eligo();
        cmd.env_remove("NO_COLOR")
            .env_remove("FORCE_COLOR")
            .env_remove("TERM");
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let (_, out, _) = run(cmd.args(["check", MIXED]));
        out.contains('\u{1b}')
    };
    assert!(!colored(&[]), "a pipe is not coloured");
    assert!(colored(&[("FORCE_COLOR", "1")]));
    assert!(
        !colored(&[("FORCE_COLOR", "1"), ("NO_COLOR", "1")]),
        "NO_COLOR wins"
    );
    assert!(!colored(&[("FORCE_COLOR", ""), ("TERM", "dumb")]));
}

// ---- rule docs ----------------------------------------------------------------

#[test]
fn rules_id_prints_what_why_fix_source_and_text() {
    let (code, out, _) = run(eligo().args(["rules", "mca-via-provider"]));
    assert_eq!(code, 0);
    for part in [
        "# mca-via-provider (error)",
        "What:",
        "Why:",
        "Fix:",
        "Source: <default>/transfers.rules:",
        "    rule mca-via-provider: error",
    ] {
        assert!(out.contains(part), "{part} in {out}");
    }
    let (code, _, err) = run(eligo().args(["rules", "mca-via-provder"]));
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `mca-via-provider`?"), "{err}");
    let (_, json, _) = run(eligo().args(["rules", "--format", "json", "mca-accepted"]));
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["id"], "mca-accepted");
    assert!(v["text"].as_str().unwrap().starts_with("rule mca-accepted"));
}

#[test]
fn an_exported_pack_checks_like_the_embedded_one() {
    let tmp = tempdir("export");
    let dir = tmp.path().join("pack");
    let (code, out, _) = run(eligo().args(["rules", "--export"]).arg(&dir));
    assert_eq!(code, 0);
    assert!(out.contains("schema.rules"));
    for name in [
        "schema.rules",
        "transfers.rules",
        "relationships.rules",
        "customers.rules",
    ] {
        assert!(dir.join(name).is_file(), "{name}");
    }
    let embedded = run(eligo().args(["check", "--format", "json", MIXED])).1;
    let exported = run(eligo()
        .args(["check", "--format", "json", "--no-default-rules", "--rules"])
        .arg(&dir)
        .arg(MIXED))
    .1;
    assert_eq!(rules_of(&embedded), rules_of(&exported));
    // A second export refuses to overwrite.
    let (code, _, err) = run(eligo().args(["rules", "--export"]).arg(&dir));
    assert_eq!(code, 2);
    assert!(err.contains("already exist"), "{err}");
}

// ---- conventions ----------------------------------------------------------------

#[test]
fn completions_are_printed_for_each_shell() {
    for (shell, marker) in [
        ("bash", "_eligo()"),
        ("zsh", "#compdef eligo"),
        ("fish", "complete -c eligo"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let (code, out, _) = run(eligo().args(["completions", shell]));
        assert_eq!(code, 0, "{shell}");
        assert!(
            out.contains(marker),
            "{shell}: {}",
            &out[..out.len().min(200)]
        );
        assert!(out.contains("baseline"), "{shell} completes --baseline");
    }
}

#[test]
fn test_update_rewrites_only_the_expect_block() {
    let tmp = tempdir("update");
    let dir = tmp.path();
    let original = std::fs::read_to_string("fixtures/rules/addon-with-base/fires.yaml").unwrap();
    let start = original.find("\nexpect:").unwrap() + 1;
    let before = &original[..start];
    // A stale block (an unknown subject), with a comment after it.
    let stale = format!(
        "{before}expect:\n  - rule: transferable-offer\n    subject: sub-gone\n# kept as it is\n"
    );
    let file = dir.join("book.yaml");
    std::fs::write(&file, &stale).unwrap();
    let (code, out, err) = run(eligo().args(["test", "--update"]).arg(&file));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("UPDATED"), "{out}");
    let updated = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        updated,
        format!(
            "{before}expect:\n  - rule: addon-with-base\n    subject: sub-audio\n# kept as it is\n"
        )
    );
    // Now it passes, and a second update changes nothing.
    let (code, out, _) = run(eligo().args(["test", "--update"]).arg(&file));
    assert_eq!(code, 0);
    assert!(out.ends_with("1 passed, 0 failed\n"), "{out}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), updated);
    // A file without a block gets one appended.
    let bare = dir.join("bare.yaml");
    std::fs::write(&bare, before).unwrap();
    run(eligo().args(["test", "--update"]).arg(&bare));
    assert_eq!(
        std::fs::read_to_string(&bare).unwrap(),
        format!("{before}expect:\n  - rule: addon-with-base\n    subject: sub-audio\n")
    );
}

#[test]
fn fmt_check_diff_prints_a_unified_diff() {
    let tmp = tempdir("fmt");
    let dir = tmp.path();
    let file = dir.join("x.rules");
    let text = "rule x: error \"s\"\n  for s in subscriptions\n    require   s.quantity <= 20\n  else s: \"m\"\n";
    std::fs::write(&file, text).unwrap();
    let (code, out, _) = run(eligo()
        .current_dir(dir)
        .args(["fmt", "--check", "--diff", "x.rules"]));
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "--- a/x.rules\n+++ b/x.rules\n@@ -1,4 +1,4 @@\n rule x: error \"s\"\n   for s in subscriptions\n-    require   s.quantity <= 20\n+  require s.quantity <= 20\n   else s: \"m\"\n"
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        text,
        "--check changes nothing"
    );
    let (code, _, err) = run(eligo().args(["fmt", "--diff"]).arg(&file));
    assert_eq!(code, 2, "--diff needs --check: {err}");
}

#[test]
fn limits_come_from_the_config_unless_a_flag_is_given() {
    let tmp = tempdir("limits");
    let dir = tmp.path();
    std::fs::write(dir.join("eligo.yaml"), "limits:\n  max_file_bytes: 100\n").unwrap();
    let book: &Path = &root().join(MIXED);
    let (code, _, err) = run(eligo().current_dir(dir).args(["check"]).arg(book));
    assert_eq!(code, 2);
    assert!(err.contains("limit"), "{err}");
    let (code, _, _) = run(eligo()
        .current_dir(dir)
        .args(["check", "--max-file-bytes", "10000000"])
        .arg(book));
    assert_eq!(code, 1);
}

#[test]
fn quiet_test_output_lists_failures_only() {
    let (code, out, _) = run(eligo().args(["test", "--quiet", "fixtures/"]));
    assert_eq!(code, 0);
    assert_eq!(out, "");
    let tmp = tempdir("quiet-test");
    let dir = tmp.path();
    let text = std::fs::read_to_string("fixtures/rules/addon-with-base/fires.yaml")
        .unwrap()
        .replace("subject: sub-audio", "subject: sub-e3");
    std::fs::write(dir.join("wrong.yaml"), text).unwrap();
    let (code, out, _) = run(eligo().args(["test", "-q"]).arg(dir.join("wrong.yaml")));
    assert_eq!(code, 1);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.starts_with("FAIL "), "{out}");
}
