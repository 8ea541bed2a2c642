//! Broken rule files: each is reported with its code and position, and the
//! rendered diagnostic is a snapshot.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use eligo::internals::lang::RuleError;
use miette::Diagnostic;

#[test]
fn bad_rule_files_are_diagnosed() {
    insta::glob!("../fixtures", "bad-rules/*.rules", |path| {
        let extra = common::source(path);
        let header = extra.text.lines().next().unwrap_or_default().to_string();
        let mut sources = eligo::default_rule_sources();
        sources.push(extra.clone());
        let errors = eligo::internals::load_program(sources).expect_err("the file must not load");
        let first: &RuleError = &errors[0];
        let code = first.code().map(|c| c.to_string()).unwrap_or_default();
        let expected = header.trim_start_matches("# error:").trim();
        assert!(
            expected.starts_with(&code),
            "{}: got {code}, header says {expected}",
            path.display()
        );
        let rendered: String = errors
            .iter()
            .map(|e| eligo::internals::report::human::render_diagnostic(e, common::STYLE))
            .collect();
        let at = expected
            .split(" at ")
            .nth(1)
            .and_then(|p| p.split_whitespace().next())
            .unwrap_or_default();
        assert!(
            rendered.contains(&format!("{}:{at}]", extra.name)),
            "{}: not at {at}:\n{rendered}",
            path.display()
        );
        insta::assert_snapshot!(rendered);
    });
}
