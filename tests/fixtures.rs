//! Every valid fixture: its human and JSON reports are snapshots, and its
//! findings equal its `expect:` block.

mod common;

use eligo::check::FileOutcome;
use eligo::cli::test::{verdict, Verdict};

#[test]
fn fixture_reports_match_snapshots_and_expectations() {
    let program = common::default_program();
    insta::glob!("../fixtures", "{rules,books}/**/*.yaml", |path| {
        let FileOutcome::Checked(report) = common::check_fixture(&program, path) else {
            panic!("{} should be a valid scenario", path.display());
        };
        assert_eq!(
            verdict(&report),
            Verdict::Pass,
            "{}: findings differ from `expect:`",
            path.display()
        );
        insta::assert_snapshot!("human", common::render_report(&report));
        insta::assert_snapshot!("json", eligo::report::json::render(&[&report]));
    });
}

#[test]
fn every_rule_has_a_firing_and_a_near_miss_fixture() {
    let program = common::default_program();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
    for rule in &program.rules {
        for (file, should_fire) in [("fires.yaml", true), ("near-miss.yaml", false)] {
            let path = root.join(&rule.id).join(file);
            assert!(path.exists(), "missing fixture {}", path.display());
            let FileOutcome::Checked(report) = common::check_fixture(&program, &path) else {
                panic!("{} should be valid", path.display());
            };
            let fired = report.findings.iter().any(|f| *f.rule == *rule.id);
            assert_eq!(
                fired,
                should_fire,
                "{}: rule `{}` fired = {fired}",
                path.display(),
                rule.id
            );
        }
    }
}
