//! Differential test of the event loader: every valid fixture, read by an
//! independent YAML implementation (serde_yaml), must give the same entities,
//! ids and references as eligo's store.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use eligo::internals::scenario::load::source_from_bytes;
use eligo::internals::scenario::load_scenario;
use eligo::internals::scenario::store::NONE;
use eligo::internals::schema::{FieldType, ROOT};
use serde_yaml::Value;

#[test]
fn store_agrees_with_serde_yaml() {
    let program = common::default_program();
    let schema = &program.schema;
    insta::glob!("../fixtures", "{rules,books}/**/*.yaml", |path| {
        let bytes = std::fs::read(path).unwrap();
        let oracle: Value = serde_yaml::from_slice(&bytes).unwrap();
        let source = source_from_bytes(path.display().to_string(), bytes).unwrap();
        let scenario =
            load_scenario(schema, source, &program.rule_ids(), &common::options()).unwrap();
        let store = &scenario.store;
        for field in &schema.root().fields {
            let FieldType::List(inner) = &field.ty else {
                continue;
            };
            let FieldType::Own(kind) = **inner else {
                continue;
            };
            let entries = oracle
                .get(&field.name)
                .and_then(Value::as_sequence)
                .cloned()
                .unwrap_or_default();
            assert_eq!(
                store.table(kind).len(),
                entries.len(),
                "{}: `{}` count",
                path.display(),
                field.name
            );
            let k = schema.kind(kind);
            for (row, entry) in entries.iter().enumerate() {
                for (fid, f) in k.fields.iter_enumerated() {
                    let expected = entry.get(&f.name);
                    let cell = store.cell(kind, fid, row as u32);
                    match (&f.ty, expected) {
                        (
                            FieldType::Prim(eligo::internals::schema::Prim::Id),
                            Some(Value::String(id)),
                        ) => {
                            assert_eq!(store.str(cell), id, "{}: id of row {row}", path.display());
                        }
                        (FieldType::Ref(target), Some(Value::String(id))) => {
                            assert_ne!(cell, NONE);
                            assert_eq!(
                                store.row_id(*target, cell),
                                Some(id.as_str()),
                                "{}: `{}.{}`",
                                path.display(),
                                k.name,
                                f.name
                            );
                        }
                        (_, None) if f.default.is_none() && !f.ty.is_computed() => {
                            assert_eq!(
                                cell,
                                NONE,
                                "{}: absent `{}.{}` must have no value",
                                path.display(),
                                k.name,
                                f.name
                            );
                        }
                        _ => {}
                    }
                }
            }
        }
        assert_eq!(store.table(ROOT).len(), 1);
    });
}
