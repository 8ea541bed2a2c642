//! Printing expressions, types and fields in canonical form.
//!
//! Parentheses are written only where the grammar needs them, by binding level:
//! a filter (0) < `or` (1) < `and` (2) < `not` (3) < comparisons and `has` (4) <
//! postfix and atoms (5). `or` and `and` associate to the left, as the parser
//! builds them; comparison operands are postfix expressions. String literals are
//! copied from the source byte for byte, interpolations included.

use crate::lang::ast::{BinOp, Expr, ExprKind, FieldDecl, Modifier, TypeExpr};

const FILTER: u8 = 0;
const OR: u8 = 1;
const AND: u8 = 2;
const NOT: u8 = 3;
const CMP: u8 = 4;
const ATOM: u8 = 5;

/// Prints expressions of one source file.
pub(super) struct ExprPrinter<'a> {
    /// The source text (for string literals).
    pub src: &'a str,
}

impl ExprPrinter<'_> {
    /// An expression in a context that accepts any expression but a bare filter.
    pub(super) fn expr(&self, e: &Expr) -> String {
        self.at(e, OR)
    }

    /// A postfix expression (a `for` collection, a subject).
    pub(super) fn postfix(&self, e: &Expr) -> String {
        self.at(e, ATOM)
    }

    /// The value of a rule-level `let`: a filter is parenthesised for readability,
    /// and so is `x in list`, which a following `where` clause would turn into a filter.
    pub(super) fn let_value(&self, e: &Expr) -> String {
        match &e.kind {
            ExprKind::Binary(BinOp::In, lhs, _) if matches!(lhs.kind, ExprKind::Name(_)) => {
                format!("({})", self.raw(e).0)
            }
            _ => self.at(e, OR),
        }
    }

    fn at(&self, e: &Expr, min: u8) -> String {
        let (text, level) = self.raw(e);
        if level < min {
            format!("({text})")
        } else {
            text
        }
    }

    fn raw(&self, e: &Expr) -> (String, u8) {
        match &e.kind {
            ExprKind::Bool(b) => (b.to_string(), ATOM),
            ExprKind::Int(i) => (i.to_string(), ATOM),
            ExprKind::Num(n) => (number(*n), ATOM),
            ExprKind::Date(d) => (crate::date::format_date(*d), ATOM),
            ExprKind::Str(t) => (self.verbatim(t.span.start, t.span.end), ATOM),
            ExprKind::Name(id) => (id.name.clone(), ATOM),
            ExprKind::Field(base, f) => (format!("{}.{}", self.at(base, ATOM), f.name), ATOM),
            ExprKind::Has(base, f) => (format!("{} has {}", self.at(base, ATOM), f.name), CMP),
            ExprKind::Not(inner) => (format!("not {}", self.at(inner, NOT)), NOT),
            ExprKind::Binary(op, l, r) => self.binary(*op, l, r),
            ExprKind::List(items) => {
                let items: Vec<String> = items.iter().map(|i| self.at(i, OR)).collect();
                (format!("[{}]", items.join(", ")), ATOM)
            }
            ExprKind::Call(f, args) => {
                let args: Vec<String> = args.iter().map(|a| self.at(a, FILTER)).collect();
                (format!("{}({})", f.name, args.join(", ")), ATOM)
            }
            ExprKind::Filter {
                var,
                collection,
                cond,
            } => (
                format!(
                    "{} in {} where {}",
                    var.name,
                    self.at(collection, ATOM),
                    self.at(cond, OR)
                ),
                FILTER,
            ),
        }
    }

    fn binary(&self, op: BinOp, l: &Expr, r: &Expr) -> (String, u8) {
        let (level, left, right) = match op {
            BinOp::Or => (OR, OR, AND),
            BinOp::And => (AND, AND, NOT),
            _ => (CMP, ATOM, ATOM),
        };
        let text = format!("{} {} {}", self.at(l, left), op.as_str(), self.at(r, right));
        (text, level)
    }

    fn verbatim(&self, start: usize, end: usize) -> String {
        self.src.get(start..end).unwrap_or_default().to_string()
    }

    /// A field declaration: `name: type? = default modifiers`.
    pub(super) fn field(&self, f: &FieldDecl) -> String {
        let mut out = format!("{}: {}", f.name.name, type_expr(&f.ty));
        if f.optional {
            out.push('?');
        }
        if let Some(d) = &f.default {
            out.push_str(" = ");
            out.push_str(&self.expr(d));
        }
        for m in &f.modifiers {
            out.push(' ');
            out.push_str(&self.modifier(m));
        }
        out
    }

    fn modifier(&self, m: &Modifier) -> String {
        match m {
            Modifier::NonEmpty(_) => "nonempty".into(),
            Modifier::NoCase(_) => "nocase".into(),
            Modifier::Min(e) => format!("min {}", self.expr(e)),
            Modifier::RequiredIf { field, value, .. } => {
                format!("required if {} == {}", field.name, value.name)
            }
        }
    }
}

/// A number that reads back as the same `f64`, always with a decimal point.
fn number(n: f64) -> String {
    let text = n.to_string();
    if text.contains('.') {
        text
    } else {
        format!("{text}.0")
    }
}

/// A field type.
pub(super) fn type_expr(t: &TypeExpr) -> String {
    match t {
        TypeExpr::Named(id) => id.name.clone(),
        TypeExpr::List(inner, _) => format!("[{}]", type_expr(inner)),
        TypeExpr::Inverse { kind, field, .. } => format!("inverse {}.{}", kind.name, field.name),
    }
}
