//! Static types of rule expressions, and how fields map to them.

use super::super::ast::{Expr, ExprKind};
use crate::program::{Decode, Prim1};
use crate::schema::{EnumId, FieldType, KindId, Prim, Schema};
use crate::source::Span;

/// The static type of an expression.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Ty {
    /// A boolean.
    Bool,
    /// An integer.
    Int,
    /// A number.
    Num,
    /// A string; `true` when it compares without regard to case.
    Str(bool),
    /// A date.
    Date,
    /// An enum value.
    Enum(EnumId),
    /// An entity or record.
    Entity(KindId),
    /// A list.
    List(Box<Ty>),
    /// A bare name not yet known to be an enum value; it must meet one.
    Sym,
}

/// A readable name of a type, for messages.
pub(crate) fn ty_name(schema: &Schema, ty: &Ty) -> String {
    match ty {
        Ty::Bool => "a boolean".into(),
        Ty::Int => "an integer".into(),
        Ty::Num => "a number".into(),
        Ty::Str(_) => "a string".into(),
        Ty::Date => "a date".into(),
        Ty::Enum(e) => format!("a `{}` value", schema.enum_decl(*e).name),
        Ty::Entity(k) => format!("a `{}`", schema.kind(*k).name),
        Ty::List(inner) => format!(
            "a list of {}",
            ty_name(schema, inner)
                .trim_start_matches("a ")
                .trim_start_matches("an ")
        ),
        Ty::Sym => "a bare name".into(),
    }
}

pub(super) fn same_elem(a: &Ty, b: &Ty) -> bool {
    matches!(
        (a, b),
        (Ty::Int | Ty::Num, Ty::Int | Ty::Num)
            | (Ty::Str(_), Ty::Str(_))
            | (Ty::Sym, _)
            | (_, Ty::Sym)
    ) || a == b
}

/// The span of a bare name inside an expression, for pointing at the bad value in a list.
pub(super) fn find_name_span(e: &Expr, name: &str) -> Option<Span> {
    match &e.kind {
        ExprKind::Name(id) if id.name == name => Some(id.span),
        ExprKind::List(items) => items.iter().find_map(|i| find_name_span(i, name)),
        _ => None,
    }
}

/// The static type of a field's values.
pub(crate) fn field_ty(ty: &FieldType) -> Ty {
    match ty {
        FieldType::Prim(Prim::Str { nocase }) => Ty::Str(*nocase),
        FieldType::Prim(Prim::Id) => Ty::Str(false),
        FieldType::Prim(Prim::Int) => Ty::Int,
        FieldType::Prim(Prim::Num) => Ty::Num,
        FieldType::Prim(Prim::Bool) => Ty::Bool,
        FieldType::Prim(Prim::Date) => Ty::Date,
        FieldType::Enum(e) => Ty::Enum(*e),
        FieldType::Ref(k) | FieldType::Own(k) | FieldType::Parent(k) => Ty::Entity(*k),
        FieldType::List(inner) => Ty::List(Box::new(field_ty(inner))),
        FieldType::Inverse { kind, .. } => Ty::List(Box::new(Ty::Entity(*kind))),
    }
}

/// How the evaluator reads a field's cell.
pub(crate) fn decode(ty: &FieldType) -> Decode {
    match ty {
        FieldType::Prim(Prim::Str { nocase }) => Decode::Str(*nocase),
        FieldType::Prim(Prim::Id) => Decode::Str(false),
        FieldType::Prim(Prim::Int) => Decode::Int,
        FieldType::Prim(Prim::Num) => Decode::Num,
        FieldType::Prim(Prim::Bool) => Decode::Bool,
        FieldType::Prim(Prim::Date) => Decode::Date,
        FieldType::Enum(e) => Decode::Enum(*e),
        FieldType::Ref(k) | FieldType::Own(k) | FieldType::Parent(k) => Decode::Entity(*k),
        FieldType::Inverse { kind, .. } => Decode::RefList(*kind),
        FieldType::List(inner) => match inner.as_ref() {
            FieldType::Own(k) => Decode::Rows(*k),
            FieldType::Ref(k) => Decode::RefList(*k),
            FieldType::Enum(e) => Decode::EnumList(*e),
            FieldType::Prim(Prim::Str { nocase }) => Decode::ScalarList(Prim1::Str(*nocase)),
            FieldType::Prim(Prim::Int) => Decode::ScalarList(Prim1::Int),
            FieldType::Prim(Prim::Num) => Decode::ScalarList(Prim1::Num),
            FieldType::Prim(Prim::Bool) => Decode::ScalarList(Prim1::Bool),
            _ => Decode::ScalarList(Prim1::Date),
        },
    }
}
