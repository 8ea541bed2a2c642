//! Bad-input fixtures: each is an input error whose diagnostics are snapshots,
//! and whose header lines (`# error: CODE at LINE:COL`) name exactly the errors
//! reported.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use eligo::internals::check::FileOutcome;
use std::path::Path;

/// (code, line, column) from the header; no position for file-level errors.
fn expected_errors(path: &Path) -> Vec<(String, Option<(u32, u32)>)> {
    let bytes = std::fs::read(path).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    text.lines()
        .take_while(|l| l.starts_with("# error:"))
        .map(|l| {
            let rest = l.trim_start_matches("# error:").trim();
            let code = rest.split_whitespace().next().unwrap().to_string();
            let pos = rest.split(" at ").nth(1).and_then(|p| {
                let p = p.split_whitespace().next()?;
                let (line, col) = p.split_once(':')?;
                Some((line.parse().ok()?, col.parse().ok()?))
            });
            (code, pos)
        })
        .collect()
}

#[test]
fn invalid_fixtures_report_their_errors() {
    let program = common::default_program();
    insta::glob!("../fixtures", "invalid/*.yaml", |path| {
        let FileOutcome::Invalid { errors, .. } = common::check_fixture(&program, path) else {
            panic!("{} must be an input error", path.display());
        };
        let mut actual: Vec<(String, Option<(u32, u32)>)> = errors
            .iter()
            .map(|e| {
                (
                    e.code.as_str().to_string(),
                    e.pos.map(|p| (p.line, p.column)),
                )
            })
            .collect();
        let mut expected = expected_errors(path);
        let is_limit = |c: &str| c.ends_with("alias_limit") || c.ends_with("depth_limit");
        // A limit is reported where it is crossed, further along the line than the
        // value starts: compare its line only.
        for list in [&mut actual, &mut expected] {
            for (code, pos) in list.iter_mut() {
                if is_limit(code) {
                    *pos = pos.map(|(line, _)| (line, 0));
                }
            }
            list.sort();
        }
        if !expected.is_empty() {
            assert_eq!(actual, expected, "{}", path.display());
        }
        insta::assert_snapshot!(common::render_errors(&errors));
    });
}

#[test]
fn every_file_level_fixture_has_a_header_or_is_empty() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/invalid");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let empty = std::fs::metadata(&path).unwrap().len() == 0;
            assert!(
                empty || !expected_errors(&path).is_empty(),
                "{} has no `# error:` header",
                path.display()
            );
        }
    }
}

/// An entity's id is recorded in the id index a little after it is read (so
/// that the index's cache miss overlaps the next fields): its duplicate error
/// still comes before the errors of the fields after it, and a reference to
/// it from the very next field or entity still resolves.
#[test]
fn a_duplicate_id_comes_before_the_errors_after_it_and_fresh_ids_resolve() {
    use eligo::{CheckOptions, Engine, RuleOptions};
    let engine = Engine::new(&RuleOptions::new()).unwrap();
    let book = "\
partners:
  - id: p1
    name: A
    region: europe
    roles: [direct_bill]
  - id: p1
    name: B
    region: mars
    roles: [direct_bill]
";
    let report = engine.check("book.yaml", book, &CheckOptions::new());
    let errors: Vec<(&str, Option<u32>, Option<u32>)> = report
        .input_errors()
        .iter()
        .map(|e| (e.code.as_str(), e.line, e.column))
        .collect();
    assert_eq!(
        errors,
        [
            ("eligo::scenario::duplicate_id", Some(6), Some(9)),
            ("eligo::scenario::invalid_enum", Some(8), Some(13)),
        ]
    );

    // An add-on naming the subscription just before it, and one naming itself.
    let book = "\
as_of: 2026-11-20
partners:
  - {id: p1, name: A, region: europe, roles: [direct_bill], enrollment: active, mpa_signed: true}
customers:
  - {id: c1, name: C, region: europe, relationships: [{partner: p1, via: direct}]}
subscriptions:
  - {id: s1, name: Base, customer: c1, partner: p1, offer: o365, status: active}
  - {id: s2, name: Add-on, customer: c1, partner: p1, offer: o365, status: active, base: s1}
  - {id: s3, name: Loop, customer: c1, partner: p1, offer: o365, status: active, base: s3}
";
    let report = engine.check("book.yaml", book, &CheckOptions::new());
    assert!(
        report.input_errors().is_empty(),
        "{:?}",
        report.input_errors()
    );
}
