//! A JSON Schema (draft 2020-12) of the scenario format, generated from the
//! schema declared in the loaded rule files, for editors (`eligo schema`).
//!
//! It says what a schema can: keys, types, enums, required fields (also
//! `required if`), non-empty lists, minimums, the date layout, and the `expect`
//! block with the loaded rule ids. What needs the whole file (unique ids,
//! references to existing ids, days that exist) is left to `eligo check`.
//!
//! Made for editors (yaml-language-server, VS Code): an optional field is a
//! plain type union (`"type": ["integer", "null"]`), so a wrong value is
//! reported against its own type rather than "is not of type 'null'"; the
//! `$defs` are named after the schema's kinds (`subscription`), enums are
//! inlined; descriptions come from the `#` comments above each declaration in
//! the rule files, and the rule ids of `expect` carry their summaries.

use serde_json::{json, Map, Value};

use crate::program::Program;
use crate::schema::{Field, FieldId, FieldType, Kind, Prim, Schema, ROOT};
use crate::source::Span;

/// The schema's `$id`: the scenario format, version 1.
pub(crate) const SCHEMA_ID: &str = "urn:eligo:scenario-format:v1";

/// The pattern of a date (`YYYY-MM-DD`).
pub(crate) const DATE_PATTERN: &str = r"^\d{4}-\d{2}-\d{2}$";

/// The JSON Schema of scenario files for the rules of `program`.
pub fn scenario_schema(program: &Program) -> Value {
    let schema = &program.schema;
    let root = schema.root();
    let docs = Docs(program);
    let mut out = kind_object(schema, &docs, root);
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
        head.insert("$id".into(), json!(SCHEMA_ID));
        head.insert("title".into(), json!("eligo scenario (format v1)"));
        head.insert(
            "description".into(),
            json!("A book of partners, customers, subscriptions and transfer requests, checked by `eligo check`"),
        );
        head.insert("type".into(), json!("object"));
        head.append(obj);
        head.insert("$defs".into(), Value::Object(defs(schema, &docs)));
        return Value::Object(head);
    }
    out
}

fn is_collection(f: &Field) -> bool {
    matches!(&f.ty, FieldType::List(inner) if matches!(inner.as_ref(), FieldType::Own(_)))
}

/// The kinds other than the root, each under its own name.
fn defs(schema: &Schema, docs: &Docs<'_>) -> Map<String, Value> {
    let mut defs = Map::new();
    for (k, kind) in schema.kinds.iter_enumerated().skip(1) {
        if k != ROOT {
            let mut object = kind_object(schema, docs, kind);
            if let Value::Object(obj) = &mut object {
                obj.insert("title".into(), json!(kind.name));
                if let Some(text) = docs.above(kind.decl) {
                    obj.insert("description".into(), json!(text));
                }
            }
            defs.insert(kind.name.clone(), object);
        }
    }
    defs
}

/// The `#` comments of the rule files, as descriptions.
struct Docs<'a>(&'a Program);

impl Docs<'_> {
    /// The comment lines right above the line of a declaration, without their
    /// `#`, joined by spaces (the paragraph they make).
    fn above(&self, (file, span): (usize, Span)) -> Option<String> {
        let text = &self.0.files.get(file)?.text;
        let line_start = text.get(..span.start)?.rfind('\n').map_or(0, |i| i + 1);
        let before = text.get(..line_start)?;
        let mut lines: Vec<&str> = before
            .lines()
            .rev()
            .map(str::trim)
            .take_while(|l| l.starts_with('#') && !l.starts_with("##"))
            .map(|l| l.trim_start_matches('#').trim())
            .collect();
        lines.reverse();
        let joined = lines.join(" ").trim().to_string();
        (!joined.is_empty()).then_some(joined)
    }
}

/// An object with the kind's (non-computed) fields.
fn kind_object(schema: &Schema, docs: &Docs<'_>, kind: &Kind) -> Value {
    let mut props = Map::new();
    let mut required = Vec::new();
    let mut conditions = Vec::new();
    for f in kind.fields.iter().filter(|f| !f.ty.is_computed()) {
        let mut value = field_schema(schema, f, &f.ty);
        if f.is_required() {
            required.push(f.name.clone());
        } else {
            value = or_null(value);
        }
        if let (Some(text), Value::Object(obj)) = (docs.above(f.decl), &mut value) {
            // A reference keeps what it names: `(the id of a `partner`)`.
            let text = match obj.get("description").and_then(Value::as_str) {
                Some(what) => format!("{text} ({what})"),
                None => text,
            };
            obj.insert("description".into(), json!(text));
        }
        props.insert(f.name.clone(), value);
        if let Some((sibling, variant)) = f.required_if {
            conditions.push(required_if(schema, kind, f, sibling, variant));
        }
    }
    // No `type` here: where the kind is used says `object` (or `object` or
    // `null`), beside the `$ref`, so an optional record is a type union too.
    let mut obj = Map::new();
    obj.insert("properties".into(), Value::Object(props));
    obj.insert("required".into(), json!(required));
    obj.insert("additionalProperties".into(), json!(false));
    if !conditions.is_empty() {
        obj.insert("allOf".into(), Value::Array(conditions));
    }
    Value::Object(obj)
}

/// `through: partner? required if via == partner_attestation` as `if`/`then`.
fn required_if(schema: &Schema, kind: &Kind, f: &Field, sibling: FieldId, variant: u32) -> Value {
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
        FieldType::Enum(e) => json!({ "type": "string", "enum": schema.enum_decl(*e).variants }),
        FieldType::Ref(k) => json!({
            "type": "string",
            "description": format!("the id of a `{}`", schema.kind(*k).name)
        }),
        FieldType::Own(k) => json!({
            "type": "object",
            "$ref": format!("#/$defs/{}", schema.kind(*k).name)
        }),
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

/// A value that may also be `null`: `null` joins the value's `type` (and its
/// `enum`). Every field schema has a `type`; one without would be left as an
/// `anyOf` with `null`.
fn or_null(value: Value) -> Value {
    let Value::Object(mut obj) = value else {
        return value;
    };
    match obj.get("type").cloned() {
        Some(Value::String(ty)) => {
            obj.insert("type".into(), json!([ty, "null"]));
            if let Some(Value::Array(values)) = obj.get_mut("enum") {
                values.push(Value::Null);
            }
            Value::Object(obj)
        }
        _ => json!({ "anyOf": [Value::Object(obj), { "type": "null" }] }),
    }
}

/// The `expect` block: (rule, subject) pairs, each rule id with its summary.
fn expect_schema(program: &Program) -> Value {
    let mut rules: Vec<(&str, &str)> = program
        .rules
        .iter()
        .map(|r| (r.id.as_str(), r.summary.as_str()))
        .collect();
    rules.sort_unstable();
    let (ids, summaries): (Vec<&str>, Vec<&str>) = rules.into_iter().unzip();
    json!({
        "type": ["array", "null"],
        "description": "The findings this scenario must produce, exactly: `eligo test` compares them with the (rule, subject) pairs of `eligo check`",
        "items": {
            "type": "object",
            "properties": {
                "rule": {
                    "type": "string",
                    "description": "The id of a loaded rule",
                    "enum": ids,
                    "enumDescriptions": summaries
                },
                "subject": {
                    "type": "string",
                    "description": "The id of the entity the finding is about"
                }
            },
            "required": ["rule", "subject"],
            "additionalProperties": false
        }
    })
}
