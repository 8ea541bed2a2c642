//! Builds the [`Schema`] from the declarations of all loaded rule files.
//!
//! A kind declared in two files is one kind with the fields of both (so a user's
//! pack can add `migration_wave` to `customer`); a name declared twice otherwise
//! is an error.

use super::ast::{Expr, ExprKind, FieldDecl, Item, KindForm, Modifier, RuleFile, TypeExpr};
use super::diag::Diags;
use super::error::CheckCode;
use crate::schema::*;
use crate::source::Span;

const PRIMITIVES: &[&str] = &["string", "int", "number", "bool", "date", "id"];

/// A field declaration waiting for its type to be resolved.
struct PendingField<'f> {
    kind: KindId,
    decl: &'f FieldDecl,
    file: usize,
}

/// Builds the schema, reporting every problem to `diags`.
pub(crate) fn build_schema(files: &[RuleFile], diags: &mut Diags) -> Schema {
    let mut schema = Schema::default();
    schema.add_kind(Kind {
        name: "root".into(),
        collection: None,
        fields: Default::default(),
        field_index: Default::default(),
        id_field: None,
        owner: None,
        decl: (0, Span::default()),
    });
    collect_enums(files, &mut schema, diags);
    let pending = collect_kinds(files, &mut schema, diags);
    // Inverse fields name fields of other kinds, so they come after all others.
    let (inverses, direct): (Vec<_>, Vec<_>) = pending
        .iter()
        .partition(|p| matches!(p.decl.ty, TypeExpr::Inverse { .. }));
    for p in direct {
        add_field(&mut schema, p, diags);
    }
    for p in inverses {
        add_field(&mut schema, p, diags);
    }
    resolve_required_ifs(files, &mut schema, diags);
    add_parent_links(&mut schema, diags);
    add_collections(&mut schema, diags);
    check_sizes(&schema, diags);
    schema
}

fn collect_enums(files: &[RuleFile], schema: &mut Schema, diags: &mut Diags) {
    for (file, rf) in files.iter().enumerate() {
        for item in &rf.items {
            let Item::Enum(e) = item else { continue };
            if let Some(prev) = schema.enum_named(&e.name.name) {
                let first = schema.enum_decl(prev).decl;
                diags.duplicate(file, e.name.span, "enum", &e.name.name, first);
                continue;
            }
            let mut decl = Enum::new(e.name.name.clone(), (file, e.name.span));
            for v in &e.variants {
                if !decl.add_variant(&v.name) {
                    diags.error(
                        file,
                        v.span,
                        CheckCode::Duplicate,
                        format!("enum value `{}` is listed twice", v.name),
                        "listed again here",
                        None,
                    );
                }
            }
            schema.add_enum(decl);
        }
    }
}

fn collect_kinds<'f>(
    files: &'f [RuleFile],
    schema: &mut Schema,
    diags: &mut Diags,
) -> Vec<PendingField<'f>> {
    let mut pending = Vec::new();
    for (file, rf) in files.iter().enumerate() {
        for item in &rf.items {
            let (kind, fields) = match item {
                Item::Root(r) => (ROOT, &r.fields),
                Item::Kind(k) => match declare_kind(schema, file, k, diags) {
                    Some(id) => (id, &k.fields),
                    None => continue,
                },
                _ => continue,
            };
            pending.extend(fields.iter().map(|decl| PendingField { kind, decl, file }));
        }
    }
    pending
}

/// Registers a kind (or finds the one it extends) and returns its id.
fn declare_kind(
    schema: &mut Schema,
    file: usize,
    k: &super::ast::KindDecl,
    diags: &mut Diags,
) -> Option<KindId> {
    let collection = match &k.form {
        KindForm::Entity { collection } => Some(collection.name.clone()),
        KindForm::Record => None,
    };
    if PRIMITIVES.contains(&k.name.name.as_str())
        || k.name.name == "root"
        || schema.enum_named(&k.name.name).is_some()
    {
        diags.error(
            file,
            k.name.span,
            CheckCode::Duplicate,
            format!("`{}` already names a type", k.name.name),
            "choose another name",
            None,
        );
        return None;
    }
    if let Some(existing) = schema.kind_named(&k.name.name) {
        if schema.kind(existing).collection != collection {
            diags.error(
                file,
                k.span,
                CheckCode::InvalidSchema,
                format!(
                    "`{}` is declared again with another form or collection",
                    k.name.name
                ),
                "differs from the first declaration",
                Some(
                    "a kind may be extended with more fields, but keeps its form and collection"
                        .into(),
                ),
            );
            return None;
        }
        return Some(existing);
    }
    if let Some(c) = &collection {
        if schema.kind_of_collection(c).is_some() {
            diags.error(
                file,
                k.span,
                CheckCode::Duplicate,
                format!("collection `{c}` already lists another kind"),
                "second use",
                None,
            );
            return None;
        }
    }
    Some(schema.add_kind(Kind {
        name: k.name.name.clone(),
        collection,
        fields: Default::default(),
        field_index: Default::default(),
        id_field: None,
        owner: None,
        decl: (file, k.name.span),
    }))
}

fn add_field(schema: &mut Schema, p: &PendingField<'_>, diags: &mut Diags) {
    let d = p.decl;
    if let Some(&prev) = schema.kind(p.kind).field_index.get(&d.name.name) {
        let first = schema.kind(p.kind).field_decl(prev).decl;
        diags.duplicate(p.file, d.name.span, "field", &d.name.name, first);
        return;
    }
    let Some(ty) = resolve_type(schema, p.kind, &d.ty, p.file, diags) else {
        return;
    };
    let mut field = Field {
        name: d.name.name.clone(),
        ty,
        optional: d.optional,
        default: None,
        nonempty: false,
        min: None,
        required_if: None,
        decl: (p.file, d.name.span),
    };
    apply_modifiers(schema, &mut field, d, p.file, diags);
    if let Some(default) = &d.default {
        field.default = resolve_default(schema, &field.ty, default, p.file, diags);
    }
    let kind = schema.kind_mut(p.kind);
    let is_id = field.ty == FieldType::Prim(Prim::Id);
    if is_id && kind.id_field.is_some() {
        diags.error(
            p.file,
            d.name.span,
            CheckCode::InvalidSchema,
            "a kind has at most one `id` field".into(),
            "second id field",
            None,
        );
        return;
    }
    let id = kind.add_field(field);
    if is_id {
        kind.id_field = Some(id);
    }
    claim_records(schema, p.kind, id, p.file, d.name.span, diags);
}

/// Marks the records a new field owns, rejecting a record owned twice.
fn claim_records(
    schema: &mut Schema,
    kind: KindId,
    field: FieldId,
    file: usize,
    span: Span,
    diags: &mut Diags,
) {
    let child = match &schema.kind(kind).field_decl(field).ty {
        FieldType::Own(c) => *c,
        FieldType::List(inner) => match inner.as_ref() {
            FieldType::Own(c) => *c,
            _ => return,
        },
        _ => return,
    };
    if schema.kind(child).owner.is_some() {
        let name = schema.kind(child).name.clone();
        diags.error(
            file,
            span,
            CheckCode::InvalidSchema,
            format!("record `{name}` is already nested in another field"),
            "second owner",
            Some("declare a separate record kind for each place".into()),
        );
        return;
    }
    schema.kind_mut(child).owner = Some(kind);
}

fn resolve_type(
    schema: &Schema,
    kind: KindId,
    ty: &TypeExpr,
    file: usize,
    diags: &mut Diags,
) -> Option<FieldType> {
    match ty {
        TypeExpr::Named(name) => resolve_named(schema, kind, name, file, diags),
        TypeExpr::List(inner, span) => {
            let inner = resolve_type(schema, kind, inner, file, diags)?;
            match inner {
                FieldType::List(_) | FieldType::Inverse { .. } | FieldType::Prim(Prim::Id) => {
                    diags.error(
                        file,
                        *span,
                        CheckCode::InvalidSchema,
                        "a list holds scalars, enum values, references or records".into(),
                        "unsupported element type",
                        None,
                    );
                    None
                }
                other => Some(FieldType::List(Box::new(other))),
            }
        }
        TypeExpr::Inverse {
            kind: of, field, ..
        } => resolve_inverse(schema, kind, of, field, file, diags),
    }
}

/// `inverse of.field`: `of.field` must be a reference to `kind`.
fn resolve_inverse(
    schema: &Schema,
    kind: KindId,
    of: &super::ast::Ident,
    field: &super::ast::Ident,
    file: usize,
    diags: &mut Diags,
) -> Option<FieldType> {
    let Some(source) = schema.kind_named(&of.name) else {
        let help = diags.suggest(&of.name, schema.kinds.iter().map(|k| k.name.as_str()));
        diags.error(
            file,
            of.span,
            CheckCode::UnknownType,
            format!("unknown kind `{}`", of.name),
            "unknown kind",
            help,
        );
        return None;
    };
    let source_kind = schema.kind(source);
    let Some(source_field) = source_kind.field(&field.name) else {
        let help = diags.suggest(
            &field.name,
            source_kind.fields.iter().map(|f| f.name.as_str()),
        );
        diags.error(
            file,
            field.span,
            CheckCode::UnknownField,
            format!("`{}` has no field `{}`", of.name, field.name),
            "unknown field",
            help,
        );
        return None;
    };
    if source_kind.field_decl(source_field).ty != FieldType::Ref(kind) {
        let target = &schema.kind(kind).name;
        diags.error(
            file,
            field.span,
            CheckCode::InvalidSchema,
            format!(
                "`{}.{}` is not a reference to `{target}`",
                of.name, field.name
            ),
            "not a reference to this kind",
            Some("an inverse relation follows a field whose type is this kind".into()),
        );
        return None;
    }
    Some(FieldType::Inverse {
        kind: source,
        field: source_field,
    })
}

fn resolve_named(
    schema: &Schema,
    kind: KindId,
    name: &super::ast::Ident,
    file: usize,
    diags: &mut Diags,
) -> Option<FieldType> {
    let ty = match name.name.as_str() {
        "string" => FieldType::Prim(Prim::Str { nocase: false }),
        "int" => FieldType::Prim(Prim::Int),
        "number" => FieldType::Prim(Prim::Num),
        "bool" => FieldType::Prim(Prim::Bool),
        "date" => FieldType::Prim(Prim::Date),
        "id" => FieldType::Prim(Prim::Id),
        other => {
            if let Some(e) = schema.enum_named(other) {
                FieldType::Enum(e)
            } else if let Some(k) = schema.kind_named(other) {
                if k == kind {
                    if schema.kind(k).collection.is_none() {
                        diags.error(
                            file,
                            name.span,
                            CheckCode::InvalidSchema,
                            format!("record `{other}` cannot contain itself"),
                            "recursive record",
                            None,
                        );
                        return None;
                    }
                    FieldType::Ref(k)
                } else if schema.kind(k).collection.is_some() {
                    FieldType::Ref(k)
                } else {
                    FieldType::Own(k)
                }
            } else {
                let names = PRIMITIVES
                    .iter()
                    .copied()
                    .chain(schema.enums.iter().map(|e| e.name.as_str()))
                    .chain(schema.kinds.iter().skip(1).map(|k| k.name.as_str()));
                let help = diags.suggest(other, names);
                diags.error(
                    file,
                    name.span,
                    CheckCode::UnknownType,
                    format!("unknown type `{other}`"),
                    "not a primitive, enum or kind",
                    help,
                );
                return None;
            }
        }
    };
    Some(ty)
}

fn apply_modifiers(
    schema: &Schema,
    field: &mut Field,
    d: &FieldDecl,
    file: usize,
    diags: &mut Diags,
) {
    for m in &d.modifiers {
        match m {
            Modifier::NonEmpty(span) => {
                if matches!(field.ty, FieldType::List(_)) {
                    field.nonempty = true;
                } else {
                    diags.error(
                        file,
                        *span,
                        CheckCode::InvalidSchema,
                        "`nonempty` applies to list fields only".into(),
                        "not a list",
                        None,
                    );
                }
            }
            Modifier::NoCase(span) => match &mut field.ty {
                FieldType::Prim(Prim::Str { nocase }) => *nocase = true,
                _ => diags.error(
                    file,
                    *span,
                    CheckCode::InvalidSchema,
                    "`nocase` applies to string fields only".into(),
                    "not a string",
                    None,
                ),
            },
            // Resolved by `resolve_required_ifs` once every sibling field exists.
            Modifier::RequiredIf { .. } => {}
            Modifier::Min(expr) => {
                let numeric = matches!(field.ty, FieldType::Prim(Prim::Int | Prim::Num));
                match (&expr.kind, numeric) {
                    (ExprKind::Int(i), true) => field.min = Some(*i as f64),
                    (ExprKind::Num(n), true) => field.min = Some(*n),
                    _ => diags.error(
                        file,
                        expr.span,
                        CheckCode::InvalidSchema,
                        format!(
                            "`min` takes a number and applies to number fields, not a {}",
                            schema.type_name(&field.ty)
                        ),
                        "invalid minimum",
                        None,
                    ),
                }
            }
        }
    }
}

fn resolve_default(
    schema: &Schema,
    ty: &FieldType,
    e: &Expr,
    file: usize,
    diags: &mut Diags,
) -> Option<DefaultValue> {
    let value = match (ty, &e.kind) {
        (FieldType::Prim(Prim::Bool), ExprKind::Bool(b)) => Some(DefaultValue::Bool(*b)),
        (FieldType::Prim(Prim::Int), ExprKind::Int(i)) => Some(DefaultValue::Int(*i)),
        (FieldType::Prim(Prim::Num), ExprKind::Int(i)) => Some(DefaultValue::Num(*i as f64)),
        (FieldType::Prim(Prim::Num), ExprKind::Num(n)) => Some(DefaultValue::Num(*n)),
        (FieldType::Prim(Prim::Date), ExprKind::Date(d)) => Some(DefaultValue::Date(*d)),
        (FieldType::Prim(Prim::Date), ExprKind::Name(n)) if n.name == "today" => {
            Some(DefaultValue::Today)
        }
        (FieldType::Prim(Prim::Str { .. }), ExprKind::Str(t)) => match t.parts.as_slice() {
            [] => Some(DefaultValue::Str(String::new())),
            [super::ast::TemplatePart::Text(s)] => Some(DefaultValue::Str(s.clone())),
            _ => None,
        },
        (FieldType::Enum(en), ExprKind::Name(n)) => match schema.enum_decl(*en).variant(&n.name) {
            Some(v) => Some(DefaultValue::Enum(v)),
            None => {
                let decl = schema.enum_decl(*en);
                let help = diags.suggest(&n.name, decl.variants.iter().map(String::as_str));
                diags.error(
                    file,
                    n.span,
                    CheckCode::UnknownEnumValue,
                    format!("`{}` is not a value of enum `{}`", n.name, decl.name),
                    "unknown value",
                    help,
                );
                return None;
            }
        },
        (FieldType::List(_), ExprKind::List(items)) if items.is_empty() => {
            Some(DefaultValue::EmptyList)
        }
        _ => None,
    };
    if value.is_none() {
        diags.error(
            file,
            e.span,
            CheckCode::TypeMismatch,
            format!("this default is not a {}", schema.type_name(ty)),
            "wrong default",
            None,
        );
    }
    value
}

fn add_parent_links(schema: &mut Schema, diags: &mut Diags) {
    let children: Vec<KindId> = schema.kinds.ids().skip(1).collect();
    for child in children {
        if schema.kind(child).collection.is_some() {
            continue;
        }
        let Some(owner) = schema.kind(child).owner else {
            let (file, span) = schema.kind(child).decl;
            let name = schema.kind(child).name.clone();
            diags.error(
                file,
                span,
                CheckCode::InvalidSchema,
                format!("record `{name}` is not used by any field"),
                "unused record",
                Some(format!(
                    "add a field of type `{name}` or `[{name}]` to the kind that holds it"
                )),
            );
            continue;
        };
        let link = schema.kind(owner).name.clone();
        let kind = schema.kind_mut(child);
        if let Some(&clash) = kind.field_index.get(&link) {
            let (file, span) = kind.field_decl(clash).decl;
            diags.error(
                file,
                span,
                CheckCode::Duplicate,
                format!("field `{link}` clashes with the link to the owning `{link}`"),
                "rename this field",
                None,
            );
            continue;
        }
        let decl = kind.decl;
        kind.add_field(Field {
            name: link,
            ty: FieldType::Parent(owner),
            optional: false,
            default: None,
            nonempty: false,
            min: None,
            required_if: None,
            decl,
        });
    }
}

fn add_collections(schema: &mut Schema, diags: &mut Diags) {
    let kinds: Vec<KindId> = schema.kinds.ids().skip(1).collect();
    for k in kinds {
        let Some(collection) = schema.kind(k).collection.clone() else {
            continue;
        };
        let decl = schema.kind(k).decl;
        let root = schema.kind_mut(ROOT);
        if root.field_index.contains_key(&collection) {
            diags.error(
                decl.0,
                decl.1,
                CheckCode::Duplicate,
                format!("collection `{collection}` clashes with a root field"),
                "rename the collection",
                None,
            );
            continue;
        }
        root.add_field(Field {
            name: collection,
            ty: FieldType::List(Box::new(FieldType::Own(k))),
            optional: true,
            default: Some(DefaultValue::EmptyList),
            nonempty: false,
            min: None,
            required_if: None,
            decl,
        });
    }
}

fn check_sizes(schema: &Schema, diags: &mut Diags) {
    for k in &schema.kinds {
        if k.fields.len() > MAX_FIELDS {
            diags.error(
                k.decl.0,
                k.decl.1,
                CheckCode::InvalidSchema,
                format!("`{}` has more than {MAX_FIELDS} fields", k.name),
                "too many fields",
                None,
            );
        }
    }
}

/// Resolves `required if sibling == value` modifiers: the sibling must be an enum
/// field of the same kind, and the value one of its enum's values.
fn resolve_required_ifs(files: &[RuleFile], schema: &mut Schema, diags: &mut Diags) {
    for (file, rf) in files.iter().enumerate() {
        for item in &rf.items {
            let (kind, fields) = match item {
                Item::Root(r) => (Some(ROOT), &r.fields),
                Item::Kind(k) => (schema.kind_named(&k.name.name), &k.fields),
                _ => continue,
            };
            let Some(kind) = kind else { continue };
            for decl in fields {
                for m in &decl.modifiers {
                    if let Modifier::RequiredIf { field, value, .. } = m {
                        resolve_required_if(
                            schema,
                            kind,
                            &decl.name.name,
                            field,
                            value,
                            file,
                            diags,
                        );
                    }
                }
            }
        }
    }
}

fn resolve_required_if(
    schema: &mut Schema,
    kind: KindId,
    target: &str,
    sibling: &super::ast::Ident,
    value: &super::ast::Ident,
    file: usize,
    diags: &mut Diags,
) {
    let k = schema.kind(kind);
    let Some(target_id) = k.field(target) else {
        return;
    };
    let Some(sibling_id) = k.field(&sibling.name) else {
        let help = diags.suggest(&sibling.name, k.fields.iter().map(|f| f.name.as_str()));
        let message = format!("`{}` has no field `{}`", k.name, sibling.name);
        diags.error(
            file,
            sibling.span,
            CheckCode::UnknownField,
            message,
            "unknown field",
            help,
        );
        return;
    };
    let FieldType::Enum(en) = k.field_decl(sibling_id).ty else {
        let message = format!(
            "`required if` compares an enum field, and `{}` is not one",
            sibling.name
        );
        diags.error(
            file,
            sibling.span,
            CheckCode::InvalidSchema,
            message,
            "not an enum field",
            None,
        );
        return;
    };
    let decl = schema.enum_decl(en);
    let Some(v) = decl.variant(&value.name) else {
        let help = diags.suggest(&value.name, decl.variants.iter().map(String::as_str));
        let message = format!("`{}` is not a value of enum `{}`", value.name, decl.name);
        diags.error(
            file,
            value.span,
            CheckCode::UnknownEnumValue,
            message,
            "unknown value",
            help,
        );
        return;
    };
    schema.kind_mut(kind).field_decl_mut(target_id).required_if = Some((sibling_id, v));
}
