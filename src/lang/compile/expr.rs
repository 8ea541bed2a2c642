//! Expressions: literals, names, fields, operators, comparisons, lists.

use crate::lang::ast::{BinOp, Expr, ExprKind, Ident, Template, TemplatePart};
use crate::lang::error::CheckCode;
use crate::program::{CExpr, CExprKind, Const};
use crate::schema::{EnumId, FieldId, KindId};
use crate::source::Span;

use super::types::{find_name_span, same_elem};
use super::{decode, field_ty, Compiler, Ty, Typed};

impl Compiler<'_, '_, '_> {
    // ---- expressions -------------------------------------------------------

    /// Compiles an expression; the result carries the expression's span, except
    /// inside a named constant's definition (see [`CExpr::span`]).
    pub(super) fn expr(&mut self, e: &Expr) -> Typed {
        let (mut c, ty) = self.expr_node(e)?;
        if c.span.is_none() && self.const_depth == 0 {
            c.span = Some(e.span);
        }
        Some((c, ty))
    }

    fn expr_node(&mut self, e: &Expr) -> Typed {
        match &e.kind {
            ExprKind::Bool(b) => Some((CExprKind::Const(Const::Bool(*b)).into(), Ty::Bool)),
            ExprKind::Int(i) => Some((CExprKind::Const(Const::Int(*i)).into(), Ty::Int)),
            ExprKind::Num(n) => Some((CExprKind::Const(Const::Num(*n)).into(), Ty::Num)),
            ExprKind::Date(d) => Some((CExprKind::Const(Const::Date(*d)).into(), Ty::Date)),
            ExprKind::Str(t) => self.string_literal(t, e.span),
            ExprKind::Name(id) => self.name(id),
            ExprKind::Field(base, field) => self.field(base, field),
            ExprKind::Has(base, field) => self.has(base, field),
            ExprKind::Not(inner) => Some((
                CExprKind::Not(Box::new(self.condition(inner)?)).into(),
                Ty::Bool,
            )),
            ExprKind::Binary(op, lhs, rhs) => self.binary(*op, lhs, rhs),
            ExprKind::List(items) => self.list(items, e.span),
            ExprKind::Call(func, args) => self.call(func, args, e.span),
            ExprKind::Filter {
                var,
                collection,
                cond,
            } => self.filter(var, collection, cond, false),
        }
    }

    pub(super) fn string_literal(&mut self, t: &Template, span: Span) -> Typed {
        match t.parts.as_slice() {
            [] => Some((
                CExprKind::Const(Const::Str(String::new())).into(),
                Ty::Str(false),
            )),
            [TemplatePart::Text(s)] => Some((
                CExprKind::Const(Const::Str(s.clone())).into(),
                Ty::Str(false),
            )),
            _ => {
                self.err(
                    span,
                    CheckCode::TypeMismatch,
                    "interpolation is allowed in messages only".into(),
                    "not a message",
                    None,
                );
                None
            }
        }
    }

    pub(super) fn name(&mut self, id: &Ident) -> Typed {
        if let Some((_, slot, ty)) = self.scope.iter().rev().find(|(n, _, _)| *n == id.name) {
            let slot = *slot;
            if let Some(u) = self.used.get_mut(slot) {
                *u = true;
            }
            return Some((CExprKind::Var(slot).into(), ty.clone()));
        }
        if self.consts.contains_key(&id.name) {
            return self.constant(id);
        }
        let root = self.schema.root();
        if let Some(field) = root.field(&id.name) {
            let ty = &root.field_decl(field).ty;
            return Some((CExprKind::Root(field, decode(ty)).into(), field_ty(ty)));
        }
        // A bare name: an enum value, once compared with an enum.
        Some((
            CExprKind::Const(Const::Str(id.name.clone())).into(),
            Ty::Sym,
        ))
    }

    pub(super) fn constant(&mut self, id: &Ident) -> Typed {
        if self.const_depth > 16 {
            self.err(
                id.span,
                CheckCode::TypeMismatch,
                format!("constant `{}` refers to itself", id.name),
                "cycle",
                None,
            );
            return None;
        }
        let entry = self.consts.get_mut(&id.name)?;
        entry.used = true;
        let (decl, file) = (entry.decl, entry.file);
        let saved_scope = std::mem::take(&mut self.scope);
        let saved_file = std::mem::replace(&mut self.file, file);
        self.const_depth += 1;
        let result = self.expr(&decl.value);
        self.const_depth -= 1;
        self.file = saved_file;
        self.scope = saved_scope;
        result
    }

    pub(super) fn unknown_name(&mut self, e: &Expr) {
        let name = match &e.kind {
            ExprKind::Name(id) => id.name.clone(),
            _ => "expression".into(),
        };
        let help = if self.diags.may_suggest() {
            let mut candidates: Vec<&str> = self.scope.iter().map(|(n, _, _)| n.as_str()).collect();
            candidates.extend(self.consts.keys().map(String::as_str));
            candidates.extend(self.schema.root().fields.iter().map(|f| f.name.as_str()));
            candidates.sort_unstable();
            self.diags.suggest(&name, candidates)
        } else {
            None
        };
        self.err(
            e.span,
            CheckCode::UnknownName,
            format!("unknown name `{name}`"),
            "not a variable, constant or root field",
            help,
        );
    }

    pub(super) fn field(&mut self, base: &Expr, field: &Ident) -> Typed {
        let (b, ty) = self.expr(base)?;
        let (kind, many) = match &ty {
            Ty::Entity(k) => (*k, false),
            Ty::List(inner) => match inner.as_ref() {
                Ty::Entity(k) => (*k, true),
                other => return self.no_fields(base, other, field),
            },
            Ty::Sym => {
                self.unknown_name(base);
                return None;
            }
            other => return self.no_fields(base, other, field),
        };
        let f = self.field_of(kind, field)?;
        let k = self.schema.kind(kind);
        let fty = &k.field_decl(f).ty;
        let (d, t) = (decode(fty), field_ty(fty));
        if many {
            let flat = match t {
                Ty::List(inner) => *inner,
                other => other,
            };
            Some((
                CExprKind::MapField {
                    base: Box::new(b),
                    kind,
                    field: f,
                    decode: d,
                }
                .into(),
                Ty::List(Box::new(flat)),
            ))
        } else {
            Some((
                CExprKind::Field {
                    base: Box::new(b),
                    kind,
                    field: f,
                    decode: d,
                }
                .into(),
                t,
            ))
        }
    }

    /// The field `field` of `kind`, or an unknown-field error with a suggestion.
    pub(super) fn field_of(&mut self, kind: KindId, field: &Ident) -> Option<FieldId> {
        let k = self.schema.kind(kind);
        if let Some(f) = k.field(&field.name) {
            return Some(f);
        }
        let help = self
            .diags
            .suggest(&field.name, k.fields.iter().map(|f| f.name.as_str()));
        let message = format!("`{}` has no field `{}`", k.name, field.name);
        self.err(
            field.span,
            CheckCode::UnknownField,
            message,
            "unknown field",
            help,
        );
        None
    }

    pub(super) fn no_fields(&mut self, base: &Expr, ty: &Ty, field: &Ident) -> Typed {
        let what = self.ty_name(ty);
        self.err(
            base.span.to(field.span),
            CheckCode::TypeMismatch,
            format!("{what} has no fields"),
            "not an entity",
            None,
        );
        None
    }

    pub(super) fn has(&mut self, base: &Expr, field: &Ident) -> Typed {
        let (b, ty) = self.expr(base)?;
        let Ty::Entity(kind) = ty else {
            let what = self.ty_name(&ty);
            self.err(
                base.span,
                CheckCode::TypeMismatch,
                format!("`has` needs an entity, found {what}"),
                "not an entity",
                None,
            );
            return None;
        };
        let f = self.field_of(kind, field)?;
        Some((
            CExprKind::Has {
                base: Box::new(b),
                kind,
                field: f,
            }
            .into(),
            Ty::Bool,
        ))
    }

    pub(super) fn binary(&mut self, op: BinOp, lhs: &Expr, rhs: &Expr) -> Typed {
        if matches!(op, BinOp::And | BinOp::Or) {
            let l = self.condition(lhs);
            let r = self.condition(rhs);
            return Some((
                CExprKind::Binary {
                    op,
                    lhs: Box::new(l?),
                    rhs: Box::new(r?),
                    nocase: false,
                }
                .into(),
                Ty::Bool,
            ));
        }
        let l = self.expr(lhs);
        let r = self.expr(rhs);
        let ((lc, lt), (rc, rt)) = (l?, r?);
        match op {
            BinOp::In | BinOp::NotIn => self.membership(op, (lc, lt, lhs), (rc, rt, rhs)),
            _ => self.comparison(op, (lc, lt, lhs), (rc, rt, rhs)),
        }
    }

    pub(super) fn comparison(
        &mut self,
        op: BinOp,
        l: (CExpr, Ty, &Expr),
        r: (CExpr, Ty, &Expr),
    ) -> Typed {
        let (lc, lt) = self.coerce(l.0, l.1, &r.1, l.2)?;
        let (rc, rt) = self.coerce(r.0, r.1, &lt, r.2)?;
        let span = l.2.span.to(r.2.span);
        if lt == Ty::Sym && rt == Ty::Sym {
            self.unknown_name(l.2);
            return None;
        }
        let ordered = matches!(op, BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge);
        let compatible = match (&lt, &rt) {
            (Ty::Int | Ty::Num, Ty::Int | Ty::Num) => true,
            (Ty::Str(_), Ty::Str(_)) | (Ty::Date, Ty::Date) => true,
            (Ty::Bool, Ty::Bool) | (Ty::Enum(_), Ty::Enum(_)) | (Ty::Entity(_), Ty::Entity(_)) => {
                !ordered && lt == rt
            }
            _ => false,
        };
        if !compatible {
            let (a, b) = (self.ty_name(&lt), self.ty_name(&rt));
            let what = if ordered { "order" } else { "compare" };
            self.err(
                span,
                CheckCode::TypeMismatch,
                format!("cannot {what} {a} with {b}"),
                "mismatched types",
                None,
            );
            return None;
        }
        Some(test(op, lc, rc, [&lt, &rt]))
    }

    pub(super) fn membership(
        &mut self,
        op: BinOp,
        l: (CExpr, Ty, &Expr),
        r: (CExpr, Ty, &Expr),
    ) -> Typed {
        let Ty::List(elem) = r.1.clone() else {
            let what = self.ty_name(&r.1);
            self.err(
                r.2.span,
                CheckCode::TypeMismatch,
                format!("`in` needs a list on its right, found {what}"),
                "not a list",
                None,
            );
            return None;
        };
        let (lc, lt) = self.coerce(l.0, l.1, &elem, l.2)?;
        let (rc, rt) = self.coerce(r.0, r.1, &Ty::List(Box::new(lt.clone())), r.2)?;
        let Ty::List(elem) = rt else { return None };
        let same = match (&lt, elem.as_ref()) {
            (Ty::Int | Ty::Num, Ty::Int | Ty::Num) | (Ty::Str(_), Ty::Str(_)) => true,
            (a, b) => a == b && *a != Ty::Sym,
        };
        if !same {
            let (a, b) = (self.ty_name(&lt), self.ty_name(&elem));
            self.err(
                l.2.span.to(r.2.span),
                CheckCode::TypeMismatch,
                format!("cannot look for {a} in a list of {b}"),
                "mismatched types",
                None,
            );
            return None;
        }
        Some(test(op, lc, rc, [&lt, &elem]))
    }

    /// Turns bare names into values of `target`'s enum; other expressions pass.
    pub(super) fn coerce(&mut self, c: CExpr, ty: Ty, target: &Ty, e: &Expr) -> Typed {
        match (&ty, target) {
            (Ty::Sym, Ty::Enum(en)) => Some((self.enum_value(c, *en, e)?, Ty::Enum(*en))),
            (Ty::List(inner), Ty::List(t)) if **inner == Ty::Sym => match t.as_ref() {
                Ty::Enum(en) => {
                    let span = c.span;
                    let items = match c.kind {
                        CExprKind::Const(Const::List(items)) => items
                            .into_iter()
                            .map(|k| CExprKind::Const(k).into())
                            .collect(),
                        CExprKind::List(items) => items,
                        kind => vec![CExpr { kind, span }],
                    };
                    let mut out = Vec::new();
                    for item in items {
                        match self.enum_value(item, *en, e)?.kind {
                            CExprKind::Const(k) => out.push(k),
                            _ => return None,
                        }
                    }
                    let list = CExpr {
                        kind: CExprKind::Const(Const::List(out)),
                        span,
                    };
                    Some((list, Ty::List(Box::new(Ty::Enum(*en)))))
                }
                _ => Some((c, ty)),
            },
            _ => Some((c, ty)),
        }
    }

    pub(super) fn enum_value(&mut self, c: CExpr, en: EnumId, e: &Expr) -> Option<CExpr> {
        let span = c.span;
        let CExprKind::Const(Const::Str(name)) = c.kind else {
            return None;
        };
        let decl = self.schema.enum_decl(en);
        match decl.variant(&name) {
            Some(v) => Some(CExpr {
                kind: CExprKind::Const(Const::Enum(en, v)),
                span,
            }),
            None => {
                let help = self
                    .diags
                    .suggest(&name, decl.variants.iter().map(String::as_str));
                let enum_name = decl.name.clone();
                let span = find_name_span(e, &name).unwrap_or(e.span);
                self.err(
                    span,
                    CheckCode::UnknownEnumValue,
                    format!("`{name}` is not a value of enum `{enum_name}`"),
                    "unknown value",
                    help,
                );
                None
            }
        }
    }

    pub(super) fn list(&mut self, items: &[Expr], _span: Span) -> Typed {
        let mut compiled = Vec::new();
        let mut elem: Option<Ty> = None;
        for item in items {
            let (c, t) = self.expr(item)?;
            let (c, t) = match &elem {
                Some(prev) => self.coerce(c, t, prev, item)?,
                None => (c, t),
            };
            match &elem {
                Some(prev) if !same_elem(prev, &t) => {
                    let (a, b) = (self.ty_name(prev), self.ty_name(&t));
                    self.err(
                        item.span,
                        CheckCode::TypeMismatch,
                        format!("a list of {a} cannot hold {b}"),
                        "mismatched element",
                        None,
                    );
                    return None;
                }
                _ => {}
            }
            if elem.is_none() || elem == Some(Ty::Sym) {
                elem = Some(t);
            }
            compiled.push(c);
        }
        let elem = elem.unwrap_or(Ty::Sym);
        if compiled
            .iter()
            .all(|c| matches!(c.kind, CExprKind::Const(_)))
        {
            let consts = compiled
                .into_iter()
                .filter_map(|c| {
                    if let CExprKind::Const(k) = c.kind {
                        Some(k)
                    } else {
                        None
                    }
                })
                .collect();
            let list = CExprKind::Const(Const::List(consts));
            return Some((list.into(), Ty::List(Box::new(elem))));
        }
        Some((CExprKind::List(compiled).into(), Ty::List(Box::new(elem))))
    }
}

/// A comparison or membership test of two checked operands: a boolean,
/// compared without regard to case when either side's strings are `nocase`.
fn test(op: BinOp, lhs: CExpr, rhs: CExpr, operand_types: [&Ty; 2]) -> (CExpr, Ty) {
    let nocase = operand_types.iter().any(|t| matches!(t, Ty::Str(true)));
    let test = CExprKind::Binary {
        op,
        lhs: Box::new(lhs),
        rhs: Box::new(rhs),
        nocase,
    };
    (test.into(), Ty::Bool)
}
