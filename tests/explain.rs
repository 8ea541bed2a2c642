//! `eligo explain`: the verdicts and condition values for one entity (snapshots).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use eligo::internals::check::FileOutcome;
use eligo::internals::explain::{explain, render_human};
use eligo::internals::scenario::load_scenario;

fn explained(fixture: &str, subject: &str) -> eligo::internals::explain::Explanation {
    let program = common::default_program();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(fixture);
    let source = common::source(&path);
    let scenario = load_scenario(
        &program.schema,
        source,
        &program.rule_ids(),
        &common::options(),
    )
    .unwrap_or_else(|_| panic!("{fixture} loads"));
    let (kind, row) = scenario.store.find_id(subject).expect("subject exists");
    // The rule verdicts agree with `eligo check`.
    let FileOutcome::Checked(report) = common::check_fixture(&program, &path) else {
        panic!("{fixture} checks");
    };
    let x = explain(&program, &scenario.store, kind, row);
    for r in &x.rules {
        let fires_on_subject = r
            .bindings
            .iter()
            .any(|b| b.finding.as_ref().is_some_and(|f| f.subject == subject));
        let reported = report
            .findings
            .iter()
            .any(|f| f.rule() == r.rule && f.subject() == subject);
        assert_eq!(fires_on_subject, reported, "{fixture}: {}", r.rule);
    }
    x
}

#[test]
fn explains_a_subscription_in_a_book() {
    let x = explained("fixtures/books/mixed-book.yaml", "nw-azure-plan");
    insta::assert_snapshot!("mixed_book_nw_azure_plan", render_human(&x));
    insta::assert_json_snapshot!("mixed_book_nw_azure_plan_json", x);
}

#[test]
fn explains_a_forbid_rule() {
    let x = explained("fixtures/rules/extension-no-dap/fires.yaml", "adatum");
    insta::assert_snapshot!("extension_no_dap_adatum", render_human(&x));
}

#[test]
fn explains_a_transfer() {
    let x = explained("fixtures/rules/mca-via-provider/fires.yaml", "tr-1");
    insta::assert_snapshot!("mca_via_provider_tr_1", render_human(&x));
}

/// Runs `eligo explain` through the binary; returns exit code and stdout.
fn explain_cli(args: &[&str]) -> (Option<i32>, String) {
    let out = common::eligo().arg("explain").args(args).output().unwrap();
    (out.status.code(), String::from_utf8(out.stdout).unwrap())
}

const MOVED: &str = "fixtures/rules/customer-moved-to-provider/fires.yaml";

#[test]
fn a_rule_that_reads_the_entity_reaches_it() {
    // tr-1 fails `customer-moved-to-provider` because its customer, adatum,
    // has no relationship with the provider: the rule reads adatum's
    // relationships, so it reaches adatum, though no variable is bound to it.
    let (code, out) = explain_cli(&["--subject", "adatum", MOVED]);
    assert_eq!(code, Some(0));
    assert!(
        out.contains("\ncustomer-moved-to-provider (error): fires (reads its fields)\n"),
        "{out}"
    );
    assert!(
        out.contains("\nmca-via-provider (error): holds (binds it)\n"),
        "{out}"
    );
    // The provider of the transfer: its fields are read by the transfer rules.
    let (_, out) = explain_cli(&["--subject", "fabrikam", MOVED]);
    assert!(
        out.starts_with("fabrikam (partner): 2 rules reach it, 27 do not\n"),
        "{out}"
    );
    assert!(out.contains("transfer-to-partnered-provider (error): holds (reads its fields)"));
    let (_, json) = explain_cli(&["--subject", "fabrikam", "--format", "json", MOVED]);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["rules"][0]["reach"], "reads");
    assert_eq!(json["rules"][0]["bindings"][0]["reach"], "reads");
}

#[test]
fn one_rule_reaches_it_in_the_singular() {
    let tmp = common::scratch("explain-one");
    let dir = tmp.path();
    let schema = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/schema.rules");
    let pack = dir.join("one.rules");
    let rule = "\nrule named-partners: warning \"Partners have names\"\n  for p in partners\n  require p has name\n  else p: \"{p.id} has no name\"\n";
    std::fs::write(&pack, std::fs::read_to_string(schema).unwrap() + rule).unwrap();
    let book = dir.join("one.yaml");
    std::fs::write(
        &book,
        "partners:\n  - id: contoso\n    region: europe\n    roles: [direct_bill]\n",
    )
    .unwrap();
    let args = [
        "--no-default-rules",
        "--rules",
        pack.to_str().unwrap(),
        "--subject",
        "contoso",
        book.to_str().unwrap(),
    ];
    let (code, out) = explain_cli(&args);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.starts_with("contoso (partner): 1 rule reaches it, 0 do not\n"),
        "{out}"
    );
}

#[test]
fn rules_loaded_with_a_higher_depth_limit_are_explained() {
    // A condition nested deeper than the default limit (32): loaded with
    // `--max-rule-depth 40`, it must be explained like any other rule.
    let deep = format!("{}t.status in open{}", "(".repeat(36), ")".repeat(36));
    let tmp = common::scratch("explain-deep");
    let dir = tmp.path();
    let pack = dir.join("deep.rules");
    std::fs::write(
        &pack,
        format!("rule deep-open: warning \"Open requests\"\n  for t in transfers\n  require not {deep}\n  else t: \"{{t.id}} is open\"\n"),
    )
    .unwrap();
    let pack = pack.to_str().unwrap();
    let (code, _) = explain_cli(&["--rules", pack, "--subject", "tr-1", MOVED]);
    assert_eq!(code, Some(2), "the default limit refuses the pack");
    let (code, out) = explain_cli(&[
        "--rules",
        pack,
        "--max-rule-depth",
        "40",
        "--subject",
        "tr-1",
        MOVED,
    ]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("\ndeep-open (warning): fires (binds it)\n"),
        "{out}"
    );
    assert!(
        out.contains(&format!("require not {deep} → false")),
        "{out}"
    );
}
