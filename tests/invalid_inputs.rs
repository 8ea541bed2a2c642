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
