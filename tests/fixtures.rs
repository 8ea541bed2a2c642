//! Every valid fixture: its human and JSON reports are snapshots, and its
//! findings equal its `expect:` block.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use eligo::internals::check::FileOutcome;

#[test]
fn fixture_reports_match_snapshots_and_expectations() {
    let program = common::default_program();
    let engine = common::engine();
    insta::glob!("../fixtures", "{rules,books}/**/*.yaml", |path| {
        let FileOutcome::Checked(report) = common::check_fixture(&program, path) else {
            panic!("{} should be a valid scenario", path.display());
        };
        // `expect:` through the library's front door, as `eligo test` runs it.
        let bytes = std::fs::read(path).unwrap();
        let name = common::display_path(path);
        let test = engine.test(name, bytes, &common::check_options()).unwrap();
        assert!(
            test.has_expectations() && test.passed(),
            "{}: findings differ from `expect:`: missing {:?}, unexpected {:?}",
            path.display(),
            test.missing(),
            test.unexpected()
        );
        insta::assert_snapshot!("human", common::render_report(&report));
        insta::assert_snapshot!("json", eligo::internals::report::json::render(&[&report]));
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
            let fired = report.findings.iter().any(|f| f.rule() == rule.id);
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
