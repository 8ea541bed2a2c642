//! `eligo schema`: the generated JSON Schema accepts every valid fixture and
//! rejects invalid ones that a schema can tell (keys, types, enums, required
//! fields, empty lists, minimums, date layout, `expect` rule ids).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use eligo::internals::json_schema::scenario_schema;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn yaml_as_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            yaml_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "yaml") {
            out.push(p);
        }
    }
}

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::draft202012::new(schema).expect("the schema compiles")
}

#[test]
fn the_schema_is_a_valid_draft_2020_12_schema() {
    let schema = scenario_schema(&common::default_program());
    assert!(jsonschema::draft202012::meta::is_valid(&schema));
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
}

#[test]
fn every_valid_fixture_validates() {
    let schema = scenario_schema(&common::default_program());
    let v = validator(&schema);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut files = Vec::new();
    yaml_files(&root.join("rules"), &mut files);
    yaml_files(&root.join("books"), &mut files);
    assert!(files.len() >= 60, "{} fixtures", files.len());
    for path in files {
        let errors: Vec<String> = v
            .iter_errors(&yaml_as_json(&path))
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
    }
}

#[test]
fn invalid_fixtures_a_schema_can_tell_fail() {
    let schema = scenario_schema(&common::default_program());
    let v = validator(&schema);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/invalid");
    for name in [
        "attestation-without-through",
        "bad-date-format",
        "bad-enum",
        "empty-items",
        "empty-roles",
        "expect-unknown-rule",
        "missing-field",
        "multi-error",
        "negative-quantity",
        "no-collections",
        "null-required",
        "root-not-mapping",
        "unknown-field",
        "unknown-root-field",
        "unquoted-number",
        "wrong-type-list",
        "wrong-type",
        "yes-is-not-bool",
    ] {
        let instance = yaml_as_json(&dir.join(format!("{name}.yaml")));
        assert!(!v.is_valid(&instance), "{name} should not validate");
    }
}

#[test]
fn custom_fields_from_rule_packs_are_in_the_schema() {
    let mut sources = eligo::default_rule_sources();
    sources.push(eligo::internals::SourceFile::new(
        "wave.rules",
        "entity customer in customers {\n  migration_wave: int? min 1\n}\n",
    ));
    let program = eligo::internals::load_program(sources).unwrap();
    let schema = scenario_schema(&program);
    let wave = &schema["$defs"]["customer"]["properties"]["migration_wave"];
    assert_eq!(
        *wave,
        serde_json::json!({"type": ["integer", "null"], "minimum": 1})
    );
    let v = validator(&schema);
    let mut book =
        yaml_as_json(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/books/clean-book.yaml"));
    book["customers"][0]["migration_wave"] = serde_json::json!(2);
    assert!(v.is_valid(&book));
    book["customers"][0]["migration_wave"] = serde_json::json!(0);
    assert!(!v.is_valid(&book));
}

/// Every subschema of `value`, depth first.
fn walk<'a>(value: &'a Value, out: &mut Vec<&'a Value>) {
    out.push(value);
    match value {
        Value::Object(map) => map.values().for_each(|v| walk(v, out)),
        Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
        _ => {}
    }
}

#[test]
fn the_schema_speaks_to_editors() {
    let schema = scenario_schema(&common::default_program());
    assert_eq!(schema["$id"], "urn:eligo:scenario-format:v1");
    // `$defs` are the schema's kinds, by their own names.
    let defs: Vec<&String> = schema["$defs"].as_object().unwrap().keys().collect();
    for kind in ["customer", "partner", "subscription", "transfer", "item"] {
        assert!(defs.iter().any(|d| *d == kind), "{kind}: {defs:?}");
    }
    let text = schema.to_string();
    assert!(
        !text.contains("kind_") && !text.contains("enum_"),
        "internal names"
    );
    // Optional values are type unions, never `anyOf` with `null`.
    let mut all = Vec::new();
    walk(&schema, &mut all);
    for sub in &all {
        if let Some(branches) = sub.get("anyOf").and_then(Value::as_array) {
            assert!(
                !branches.iter().any(|b| b["type"] == "null"),
                "anyOf with null: {sub}"
            );
        }
    }
    let subscription = &schema["$defs"]["subscription"]["properties"];
    assert_eq!(
        subscription["quantity"]["type"],
        serde_json::json!(["integer", "null"])
    );
    let customer = &schema["$defs"]["customer"]["properties"];
    assert_eq!(
        customer["mca"]["type"],
        serde_json::json!(["object", "null"])
    );
    assert_eq!(customer["mca"]["$ref"], "#/$defs/mca");
    // Descriptions: the comment above a field in rules/schema.rules, and the
    // summaries of the rules for `expect`.
    let tenant_id = schema["$defs"]["partner"]["properties"]["tenant_id"]["description"]
        .as_str()
        .unwrap();
    assert!(
        tenant_id.starts_with("Partner Center tenant id (a GUID)"),
        "{tenant_id}"
    );
    let rule = &schema["properties"]["expect"]["items"]["properties"]["rule"];
    let ids = rule["enum"].as_array().unwrap();
    let summaries = rule["enumDescriptions"].as_array().unwrap();
    assert_eq!(ids.len(), summaries.len());
    let offer = ids.iter().position(|i| i == "transferable-offer").unwrap();
    assert_eq!(
        summaries[offer],
        "Only Office 365 and Azure PAYG subscriptions can be transferred"
    );
}

#[test]
fn a_wrong_optional_value_is_reported_against_its_type() {
    let schema = scenario_schema(&common::default_program());
    let v = validator(&schema);
    let mut book =
        yaml_as_json(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/books/clean-book.yaml"));
    book["customers"][0]["mca"] = serde_json::json!([1]);
    let errors: Vec<String> = v.iter_errors(&book).map(|e| e.to_string()).collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("\"object\""), "{errors:?}");
    book["customers"][0]["mca"] = Value::Null;
    assert!(v.is_valid(&book));
}
