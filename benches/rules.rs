//! Rule loading: parsing the default pack and checking it against its schema.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

fn load_default_pack(c: &mut Criterion) {
    c.bench_function("rules/load_and_check_default_pack", |b| {
        b.iter(|| eligo::internals::load_program(black_box(eligo::default_rule_sources())).unwrap())
    });
}

criterion_group!(benches, load_default_pack);
criterion_main!(benches);
