//! Lints on compiled rules: conditions whose value is known without a scenario.
//!
//! A condition is *decidable* here when it is built from constants (`true`,
//! `x in []`, `active == active` through constants), or compares an expression
//! that can never be absent with itself (`t == t` for a `for` variable). The lints
//! are warnings: they never stop rules from loading; `eligo check-rules` reports
//! them (and fails on them with `--deny-warnings`).

use super::ast::{self, BinOp, RuleDecl};
use super::diag::Diags;
use super::error::CheckCode;
use crate::program::{self as ir, CExpr, CExprKind, Const, Func};
use crate::schema::{FieldId, KindId, Schema, ROOT};
use crate::source::Span;

/// Reports the decidable conditions of one compiled rule.
pub(crate) fn check_rule(
    schema: &Schema,
    decl: &RuleDecl,
    rule: &ir::Rule,
    diags: &mut Diags,
    file: usize,
) {
    let ctx = Ctx {
        schema,
        for_slots: for_slots(rule),
    };
    for (ast_clause, clause) in decl.clauses.iter().zip(&rule.clauses) {
        let (span, cond) = match (ast_clause, clause) {
            (
                ast::Clause::For {
                    filter: Some(f), ..
                },
                ir::Clause::For {
                    filter: Some(c), ..
                },
            ) => (f.span, c),
            (ast::Clause::Where(e), ir::Clause::Where(c)) => (e.span, c),
            _ => continue,
        };
        if let Some(value) = ctx.truth(cond) {
            filter_warning(diags, file, span, &decl.id.name, value);
        }
    }
    if let Some(holds) = ctx.truth(&rule.require) {
        require_warning(diags, file, decl, holds);
    }
}

fn filter_warning(diags: &mut Diags, file: usize, span: Span, rule: &str, value: bool) {
    let (message, label, help) = if value {
        (
            format!("this condition of rule `{rule}` always holds"),
            "always true",
            "remove it, or fix it so that it selects something",
        )
    } else {
        (
            format!("this condition of rule `{rule}` never holds, so the rule never reaches its requirement"),
            "always false",
            "fix the condition; as written the rule can never fire",
        )
    };
    diags.warning(
        file,
        span,
        CheckCode::ConstantCondition,
        message,
        label,
        Some(help.into()),
    );
}

fn require_warning(diags: &mut Diags, file: usize, decl: &RuleDecl, holds: bool) {
    let (rule, keyword) = (
        &decl.id.name,
        if decl.forbid { "forbid" } else { "require" },
    );
    let (message, label, help) = if holds {
        (
            format!("`{keyword}` of rule `{rule}` always comes out the same way: the rule can never fire"),
            "the rule always holds",
            "fix the condition, or remove the rule".to_string(),
        )
    } else if decl.forbid {
        (
            format!("`forbid` of rule `{rule}` always holds: every binding is a violation"),
            "always true",
            "move the condition that picks the violations into `forbid …` (e.g. `forbid r.dap_required`)".to_string(),
        )
    } else {
        (
            format!("`require` of rule `{rule}` never holds: every binding is a violation"),
            "never true",
            "say what a violation is with `forbid …` instead (e.g. `forbid r.dap_required` rather than a `where` filter and `require false`)".to_string(),
        )
    };
    diags.warning(
        file,
        decl.require.span,
        CheckCode::ConstantCondition,
        message,
        label,
        Some(help),
    );
}

/// Slots bound by `for` clauses: list elements, so never absent.
fn for_slots(rule: &ir::Rule) -> Vec<usize> {
    rule.clauses
        .iter()
        .filter_map(|c| match c {
            ir::Clause::For { slot, .. } => Some(*slot),
            _ => None,
        })
        .collect()
}

struct Ctx<'s> {
    schema: &'s Schema,
    for_slots: Vec<usize>,
}

impl Ctx<'_> {
    /// The value of a condition when it does not depend on the scenario.
    fn truth(&self, c: &CExpr) -> Option<bool> {
        match &c.kind {
            CExprKind::Const(Const::Bool(b)) => Some(*b),
            CExprKind::Not(inner) => self.truth(inner).map(|b| !b),
            CExprKind::Binary { op, lhs, rhs, .. } => self.binary(*op, lhs, rhs),
            CExprKind::Call(Func::Any, arg) => known_len(arg).map(|n| n > 0),
            CExprKind::Call(Func::None, arg) => known_len(arg).map(|n| n == 0),
            CExprKind::All { collection, .. } => (known_len(collection) == Some(0)).then_some(true),
            _ => None,
        }
    }

    fn binary(&self, op: BinOp, lhs: &CExpr, rhs: &CExpr) -> Option<bool> {
        match op {
            BinOp::And => match (self.truth(lhs), self.truth(rhs)) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (Some(true), Some(true)) => Some(true),
                _ => None,
            },
            BinOp::Or => match (self.truth(lhs), self.truth(rhs)) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            },
            BinOp::In | BinOp::NotIn => {
                let found = membership(lhs, rhs)?;
                Some(if op == BinOp::In { found } else { !found })
            }
            BinOp::Eq | BinOp::Ne => {
                let eq = self.equality(lhs, rhs)?;
                Some(if op == BinOp::Eq { eq } else { !eq })
            }
            BinOp::Ge => {
                // `count(x) >= 0` always holds.
                let count_vs_zero = matches!(lhs.kind, CExprKind::Call(Func::Count, _))
                    && matches!(rhs.kind, CExprKind::Const(Const::Int(0)));
                count_vs_zero.then_some(true)
            }
            BinOp::Lt => {
                let count_below_zero = matches!(lhs.kind, CExprKind::Call(Func::Count, _))
                    && matches!(rhs.kind, CExprKind::Const(Const::Int(0)));
                count_below_zero.then_some(false)
            }
            BinOp::Le | BinOp::Gt => None,
        }
    }

    /// Equality of two constants, or of an expression that is never absent with itself.
    fn equality(&self, lhs: &CExpr, rhs: &CExpr) -> Option<bool> {
        match (&lhs.kind, &rhs.kind) {
            (CExprKind::Const(a), CExprKind::Const(b)) if !is_list(a) && !is_list(b) => {
                Some(a == b)
            }
            _ if same(lhs, rhs) && self.never_absent(lhs) => Some(true),
            _ => None,
        }
    }

    fn never_absent(&self, c: &CExpr) -> bool {
        match &c.kind {
            CExprKind::Const(_) => true,
            CExprKind::Var(slot) => self.for_slots.contains(slot),
            CExprKind::Root(field, _) => self.required(ROOT, *field),
            CExprKind::Field {
                base, kind, field, ..
            } => self.never_absent(base) && self.required(*kind, *field),
            _ => false,
        }
    }

    fn required(&self, kind: KindId, field: FieldId) -> bool {
        self.schema
            .kinds
            .get(kind)
            .and_then(|k| k.fields.get(field))
            .is_some_and(|f| !f.optional && !f.ty.is_computed())
    }
}

fn is_list(c: &Const) -> bool {
    matches!(c, Const::List(_))
}

/// The length of a list known at compile time.
fn known_len(c: &CExpr) -> Option<usize> {
    match &c.kind {
        CExprKind::Const(Const::List(items)) => Some(items.len()),
        CExprKind::List(items) => Some(items.len()),
        _ => None,
    }
}

/// Whether a constant is in a constant list; `x in []` is false for any `x`.
fn membership(item: &CExpr, list: &CExpr) -> Option<bool> {
    if known_len(list) == Some(0) {
        return Some(false);
    }
    match (&item.kind, &list.kind) {
        (CExprKind::Const(k), CExprKind::Const(Const::List(items))) if !is_list(k) => {
            Some(items.contains(k))
        }
        _ => None,
    }
}

/// Structural equality of the expression forms a self-comparison is made of.
fn same(a: &CExpr, b: &CExpr) -> bool {
    match (&a.kind, &b.kind) {
        (CExprKind::Const(x), CExprKind::Const(y)) => x == y,
        (CExprKind::Var(x), CExprKind::Var(y)) => x == y,
        (CExprKind::Root(f, _), CExprKind::Root(g, _)) => f == g,
        (
            CExprKind::Field {
                base: b1,
                kind: k1,
                field: f1,
                ..
            },
            CExprKind::Field {
                base: b2,
                kind: k2,
                field: f2,
                ..
            },
        ) => k1 == k2 && f1 == f2 && same(b1, b2),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::source::SourceFile;

    /// The lint codes reported for a rule body over the default schema.
    fn lints(body: &str) -> Vec<String> {
        let mut sources = crate::default_rule_sources();
        sources.push(SourceFile::new(
            "t.rules",
            format!("rule t-rule: error \"s\"\n{body}\n"),
        ));
        let warnings = crate::lang::load_program_with(sources, &Default::default())
            .unwrap()
            .warnings;
        warnings.iter().map(|w| w.message.clone()).collect()
    }

    #[test]
    fn constant_requirements_are_reported() {
        for body in [
            "for p in partners\nrequire true\nelse p: \"m\"",
            "for p in partners\nrequire p.region in []\nelse p: \"m\"",
            "for p in partners\nrequire p == p\nelse p: \"m\"",
            "for p in partners\nrequire p.region == p.region\nelse p: \"m\"",
            "for p in partners\nrequire false\nelse p: \"m\"",
            "for p in partners\nforbid true\nelse p: \"m\"",
            "for p in partners\nrequire count(p.roles) >= 0\nelse p: \"m\"",
        ] {
            let found = lints(body);
            assert_eq!(found.len(), 1, "{body}: {found:?}");
        }
    }

    #[test]
    fn scenario_dependent_conditions_are_not_reported() {
        for body in [
            "for p in partners\nrequire p.tenant == p.tenant\nelse p: \"m\"",
            "for p in partners\nforbid p.sandbox\nelse p: \"m\"",
            "for p in partners where p.region in [europe]\nrequire p.mpa_signed\nelse p: \"m\"",
        ] {
            assert_eq!(lints(body), Vec::<String>::new(), "{body}");
        }
    }

    #[test]
    fn filters_that_never_hold_are_reported() {
        let found =
            lints("for p in partners where p.region in []\nrequire p.mpa_signed\nelse p: \"m\"");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("never holds"));
    }

    #[test]
    fn unused_lets_and_constants_are_reported() {
        let found =
            lints("for p in partners\nlet unused = p.region\nrequire p.mpa_signed\nelse p: \"m\"");
        assert_eq!(found, vec!["`let unused` is never used".to_string()]);
        let mut sources = crate::default_rule_sources();
        sources.push(SourceFile::new("c.rules", "let nobody = 3\n"));
        let warnings = crate::lang::load_program_with(sources, &Default::default())
            .unwrap()
            .warnings;
        let codes: Vec<&str> = warnings.iter().map(|w| w.code.as_str()).collect();
        assert_eq!(codes, ["eligo::rules::unused_constant"]);
    }

    #[test]
    fn the_default_pack_has_no_warnings() {
        let warnings =
            crate::lang::load_program_with(crate::default_rule_sources(), &Default::default())
                .unwrap()
                .warnings;
        let messages: Vec<&str> = warnings.iter().map(|w| w.message.as_str()).collect();
        assert!(messages.is_empty(), "{messages:?}");
    }
}
