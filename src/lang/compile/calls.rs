//! Calls of the built-in functions and the filters they take.

use crate::lang::ast::{Expr, ExprKind, Ident};
use crate::lang::error::CheckCode;
use crate::program::{CExprKind, Func};
use crate::source::Span;
use crate::suggest::did_you_mean;

use super::{ty_name, Compiler, Ty, Typed};

impl Compiler<'_, '_, '_> {
    pub(super) fn call(&mut self, func: &Ident, args: &[Expr], span: Span) -> Typed {
        let f = match func.name.as_str() {
            "count" => Func::Count,
            "any" => Func::Any,
            "none" => Func::None,
            "distinct" => Func::Distinct,
            "all" => return self.all(func, args, span),
            other => {
                let help = did_you_mean(other, ["count", "any", "none", "all", "distinct"]);
                self.err(
                    func.span,
                    CheckCode::UnknownName,
                    format!("unknown function `{other}`"),
                    "unknown function",
                    help,
                );
                return None;
            }
        };
        let [arg] = args else {
            self.err(
                span,
                CheckCode::TypeMismatch,
                format!("`{}` takes one argument", func.name),
                "wrong number of arguments",
                None,
            );
            return None;
        };
        let (c, ty) = self.expr(arg)?;
        let Ty::List(elem) = ty else {
            let what = self.ty_name(&ty);
            self.err(
                arg.span,
                CheckCode::TypeMismatch,
                format!("`{}` needs a list, found {what}", func.name),
                "not a list",
                None,
            );
            return None;
        };
        let out = match f {
            Func::Count => Ty::Int,
            Func::Any | Func::None => Ty::Bool,
            Func::Distinct => Ty::List(elem),
        };
        Some((CExprKind::Call(f, Box::new(c)).into(), out))
    }

    pub(super) fn all(&mut self, func: &Ident, args: &[Expr], span: Span) -> Typed {
        match args {
            [Expr {
                kind:
                    ExprKind::Filter {
                        var,
                        collection,
                        cond,
                    },
                ..
            }] => self.filter(var, collection, cond, true),
            _ => {
                self.err(
                    span,
                    CheckCode::TypeMismatch,
                    format!("`{}` takes `x in collection where condition`", func.name),
                    "expected a filter",
                    None,
                );
                None
            }
        }
    }

    pub(super) fn filter(
        &mut self,
        var: &Ident,
        collection: &Expr,
        cond: &Expr,
        all: bool,
    ) -> Typed {
        let (coll, ty) = self.expr(collection)?;
        let Ty::List(elem) = ty else {
            let what = self.ty_name(&ty);
            self.err(
                collection.span,
                CheckCode::TypeMismatch,
                format!("`{} in …` needs a list, found {what}", var.name),
                "not a list",
                None,
            );
            return None;
        };
        let depth = self.scope.len();
        let slot = self.bind(var, (*elem).clone());
        let cond = self.condition(cond);
        self.scope.truncate(depth);
        let (collection, cond) = (Box::new(coll), Box::new(cond?));
        if all {
            Some((
                CExprKind::All {
                    slot,
                    collection,
                    cond,
                }
                .into(),
                Ty::Bool,
            ))
        } else {
            Some((
                CExprKind::Filter {
                    slot,
                    collection,
                    cond,
                }
                .into(),
                Ty::List(elem),
            ))
        }
    }

    pub(super) fn ty_name(&self, ty: &Ty) -> String {
        ty_name(self.schema, ty)
    }
}
