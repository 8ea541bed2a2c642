//! A JSON Schema (draft 2020-12) of the scenario format, generated from the
//! schema declared in the loaded rule files, for editors (`eligo schema`).
//!
//! It says what a schema can: keys, types, enums, required fields (also
//! `required if`), non-empty lists, minimums, the date layout, and the `expect`
//! block with the loaded rule ids. What needs the whole file (unique ids,
//! references to existing ids, days that exist) is left to `eligo check`.

use serde_json::{json, Map, Value};

use crate::program::Program;
use crate::schema::{Field, FieldType, Kind, Prim, Schema, ROOT};

/// The pattern of a date (`YYYY-MM-DD`).
pub const DATE_PATTERN: &str = r"^\d{4}-\d{2}-\d{2}$";

/// The JSON Schema of scenario files for the rules of `program`.
pub fn scenario_schema(program: &Program) -> Value {
    let schema = &program.schema;
    let root = schema.root();
    let mut out = kind_object(schema, root);
    if let Value::Object(obj) = &mut out {
        if let Some(Value::Object(props)) = obj.get_mut("properties") {
            props.insert("expect".into(), expect_schema(program));
        }
        let collections: Vec<Value> = root
            .fields
            .iter()
            .filter(|f| is_collection(f))
            .map(|f| json!({ "required": [f.name] }))
            .collect();
        if !collections.is_empty() {
            obj.insert("anyOf".into(), Value::Array(collections));
        }
        let mut head = Map::new();
        head.insert(
            "$schema".into(),
            json!("https://json-schema.org/draft/2020-12/schema"),
        );
        head.insert("title".into(), json!("eligo scenario (format v1)"));
        head.append(obj);
        head.insert("$defs".into(), Value::Object(defs(schema)));
        return Value::Object(head);
    }
    out
}

fn is_collection(f: &Field) -> bool {
    matches!(&f.ty, FieldType::List(inner) if matches!(inner.as_ref(), FieldType::Own(_)))
}

fn defs(schema: &Schema) -> Map<String, Value> {
    let mut defs = Map::new();
    for (k, kind) in schema.kinds.iter().enumerate().skip(1) {
        if k != ROOT {
            defs.insert(kind_def(&kind.name), kind_object(schema, kind));
        }
    }
    for e in &schema.enums {
        defs.insert(
            enum_def(&e.name),
            json!({ "type": "string", "enum": e.variants }),
        );
    }
    defs
}

fn kind_def(name: &str) -> String {
    format!("kind_{name}")
}

fn enum_def(name: &str) -> String {
    format!("enum_{name}")
}

/// An object with the kind's (non-computed) fields.
fn kind_object(schema: &Schema, kind: &Kind) -> Value {
    let mut props = Map::new();
    let mut required = Vec::new();
    let mut conditions = Vec::new();
    for f in kind.fields.iter().filter(|f| !f.ty.is_computed()) {
        let mut value = field_schema(schema, f, &f.ty);
        if f.is_required() {
            required.push(f.name.clone());
        } else {
            value = json!({ "anyOf": [value, { "type": "null" }] });
        }
        props.insert(f.name.clone(), value);
        if let Some((sibling, variant)) = f.required_if {
            conditions.push(required_if(schema, kind, f, sibling, variant));
        }
    }
    let mut obj = Map::new();
    obj.insert("type".into(), json!("object"));
    obj.insert("properties".into(), Value::Object(props));
    obj.insert("required".into(), json!(required));
    obj.insert("additionalProperties".into(), json!(false));
    if !conditions.is_empty() {
        obj.insert("allOf".into(), Value::Array(conditions));
    }
    Value::Object(obj)
}

/// `through: partner? required if via == partner_attestation` as `if`/`then`.
fn required_if(schema: &Schema, kind: &Kind, f: &Field, sibling: usize, variant: u32) -> Value {
    let sibling = kind.fields.get(sibling);
    let name = sibling.map_or("", |s| s.name.as_str());
    let value = sibling
        .and_then(|s| match &s.ty {
            FieldType::Enum(e) => schema.enums.get(*e),
            _ => None,
        })
        .and_then(|e| e.variants.get(variant as usize))
        .cloned()
        .unwrap_or_default();
    json!({
        "if": { "properties": { name: { "const": value } }, "required": [name] },
        "then": {
            "required": [f.name],
            "properties": { f.name.clone(): { "not": { "type": "null" } } }
        }
    })
}

fn field_schema(schema: &Schema, f: &Field, ty: &FieldType) -> Value {
    match ty {
        FieldType::Prim(p) => prim_schema(*p, f.min),
        FieldType::Enum(e) => {
            json!({ "$ref": format!("#/$defs/{}", enum_def(&schema.enum_decl(*e).name)) })
        }
        FieldType::Ref(k) => json!({
            "type": "string",
            "description": format!("the id of a `{}`", schema.kind(*k).name)
        }),
        FieldType::Own(k) => {
            json!({ "$ref": format!("#/$defs/{}", kind_def(&schema.kind(*k).name)) })
        }
        FieldType::List(inner) => {
            let items = field_schema(schema, f, inner);
            if f.nonempty {
                json!({ "type": "array", "items": items, "minItems": 1 })
            } else {
                json!({ "type": "array", "items": items })
            }
        }
        FieldType::Inverse { .. } | FieldType::Parent(_) => json!({}),
    }
}

fn prim_schema(p: Prim, min: Option<f64>) -> Value {
    let mut v = match p {
        Prim::Str { .. } | Prim::Id => json!({ "type": "string" }),
        Prim::Int => json!({ "type": "integer" }),
        Prim::Num => json!({ "type": "number" }),
        Prim::Bool => json!({ "type": "boolean" }),
        Prim::Date => json!({ "type": "string", "pattern": DATE_PATTERN }),
    };
    if let (Some(min), Prim::Int | Prim::Num) = (min, p) {
        let minimum = if min.fract() == 0.0 && min.abs() < 9e15 {
            json!(min as i64)
        } else {
            json!(min)
        };
        if let Some(object) = v.as_object_mut() {
            object.insert("minimum".into(), minimum);
        }
    }
    v
}

fn expect_schema(program: &Program) -> Value {
    let mut ids: Vec<&str> = program.rules.iter().map(|r| r.id.as_str()).collect();
    ids.sort_unstable();
    json!({
        "anyOf": [
            {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "rule": { "type": "string", "enum": ids },
                        "subject": { "type": "string" }
                    },
                    "required": ["rule", "subject"],
                    "additionalProperties": false
                }
            },
            { "type": "null" }
        ]
    })
}
