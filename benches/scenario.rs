//! Scenario benchmarks on generated books (`eligo generate`): the YAML event
//! floor, loading, evaluating all rules, and the whole check with its JSON
//! report. Every group runs on the same text, so the figures compare directly.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use std::sync::Arc;

use eligo::internals::check::{check_source, FileOutcome};
use eligo::internals::scenario::{load_scenario, LoadOptions};
use eligo::internals::SourceFile;

/// Sizes in subscriptions (10k is the reference book; 1k shows the fixed costs).
const SIZES: &[usize] = &[1_000, 10_000];

fn options() -> LoadOptions {
    LoadOptions {
        today: eligo::internals::date::parse_date("2026-11-20").unwrap(),
        ..LoadOptions::default()
    }
}

fn books() -> Vec<(usize, Arc<str>)> {
    SIZES
        .iter()
        .map(|&n| {
            (
                n,
                Arc::from(eligo::internals::generate::scenario_text(n, 1)),
            )
        })
        .collect()
}

fn scenario(c: &mut Criterion) {
    let program = eligo::internals::load_program(eligo::default_rule_sources()).unwrap();
    let rule_ids = program.rule_ids();
    let options = options();
    let mut group = c.benchmark_group("scenario");
    group.sample_size(20);
    for (n, text) in books() {
        group.throughput(Throughput::Elements(n as u64));
        let source = || SourceFile::new("book.yaml", Arc::clone(&text));

        group.bench_with_input(BenchmarkId::new("yaml_floor", n), &text, |b, text| {
            b.iter(|| saphyr_parser::Parser::new_from_str(black_box(text)).count())
        });
        group.bench_function(BenchmarkId::new("load", n), |b| {
            b.iter(|| load_scenario(&program.schema, source(), &rule_ids, &options).unwrap())
        });
        let loaded = load_scenario(&program.schema, source(), &rule_ids, &options).unwrap();
        group.bench_function(BenchmarkId::new("evaluate", n), |b| {
            b.iter(|| eligo::internals::eval::evaluate(&program, black_box(&loaded.store)))
        });
        group.bench_function(BenchmarkId::new("end_to_end", n), |b| {
            b.iter(
                || match check_source(&program, source(), &rule_ids, &options) {
                    FileOutcome::Checked(report) => {
                        eligo::internals::report::json::render(&[&report])
                    }
                    FileOutcome::Invalid { .. } => panic!("generated book is invalid"),
                },
            )
        });
    }
    group.finish();
}

criterion_group!(benches, scenario);
criterion_main!(benches);
