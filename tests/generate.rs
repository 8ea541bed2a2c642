//! The scenario generator: valid, deterministic, and every rule fires.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::BTreeSet;

use eligo::internals::check::{check_source, FileOutcome};
use eligo::internals::generate;
use eligo::internals::SourceFile;

fn rules_fired(text: String) -> BTreeSet<String> {
    let program = common::default_program();
    let source = SourceFile::new("generated.yaml", text);
    match check_source(&program, source, &program.rule_ids(), &common::options()) {
        FileOutcome::Checked(report) => report
            .findings
            .into_iter()
            .map(|f| f.rule().to_string())
            .collect(),
        FileOutcome::Invalid { errors, .. } => {
            panic!(
                "generated scenario is invalid:\n{}",
                common::render_errors(&errors)
            )
        }
    }
}

#[test]
fn every_rule_fires_on_a_book_of_ten_thousand() {
    let program = common::default_program();
    let fired = rules_fired(generate::scenario_text(10_000, 1));
    let all: BTreeSet<String> = program.rules.iter().map(|r| r.id.clone()).collect();
    let silent: Vec<&String> = all.difference(&fired).collect();
    assert!(silent.is_empty(), "rules that never fire: {silent:?}");
}

#[test]
fn small_split_files_are_valid() {
    for (i, size) in generate::split(1_000, 10).into_iter().enumerate() {
        let mut out = Vec::new();
        generate::write_part(size, 7, i, &mut out).unwrap();
        rules_fired(String::from_utf8(out).unwrap());
    }
}

#[test]
fn the_same_seed_gives_the_same_bytes() {
    let a = generate::scenario_text(2_000, 42);
    assert_eq!(a, generate::scenario_text(2_000, 42));
    assert_ne!(a, generate::scenario_text(2_000, 43));
}
