//! `eligo explain`: the verdicts and condition values for one entity (snapshots).

mod common;

use eligo::check::FileOutcome;
use eligo::explain::{explain, render_human};
use eligo::scenario::load_scenario;

fn explained(fixture: &str, subject: &str) -> eligo::explain::Explanation {
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
            .any(|f| *f.rule == *r.rule && f.subject == subject);
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
