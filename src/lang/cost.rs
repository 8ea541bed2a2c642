//! Lint: rules whose cost is a cross product that no join serves.
//!
//! A rule costs the number of bindings its `for` clauses produce times the work
//! per binding. A `for` over a whole root collection nested in another `for`
//! multiplies the two sizes (subscriptions × subscriptions is 10^10 bindings at
//! 100k) unless its filter has an equality the evaluator answers from a hash
//! index (`for p in partners where p.tenant == c.tenant`, see
//! [`crate::eval::index`]). The same holds for a filter, `all` or a field read
//! across a whole collection written inside a rule with a `for`: it walks the
//! collection once per binding. Such a rule may exhaust the evaluation's work
//! budget on a large book; the lint says so when the rules are loaded, with the
//! join that would fix it.

use super::ast::{self, Expr, RuleDecl};
use super::diag::Diags;
use super::error::CheckCode;
use crate::program::lookup::{plan, plan_scan};
use crate::program::{self as ir, CExpr, CExprKind, Decode, Part};
use crate::schema::Schema;
use crate::source::Span;

/// Warns about the clauses and expressions of `rule` that walk a whole
/// collection once per binding of the `for` clauses before them.
pub(crate) fn check_rule_cost(
    schema: &Schema,
    decl: &RuleDecl,
    rule: &ir::Rule,
    diags: &mut Diags,
    file: usize,
) {
    let lookups = plan(rule);
    let mut nested = false;
    let mut found: Vec<(Span, String)> = Vec::new();
    for (i, (ast_clause, clause)) in decl.clauses.iter().zip(&rule.clauses).enumerate() {
        match (ast_clause, clause) {
            (
                ast::Clause::For {
                    collection: ast_coll,
                    filter: ast_filter,
                    ..
                },
                ir::Clause::For {
                    collection, filter, ..
                },
            ) => {
                let joined = lookups.get(i).is_some_and(Option::is_some);
                if nested && !joined {
                    if let Some(name) = whole_collection(schema, collection) {
                        found.push((ast_coll.span, name));
                    }
                }
                if nested {
                    scan(schema, collection, ast_coll, &mut found);
                }
                nested = true;
                if let (Some(ast_f), Some(f)) = (ast_filter, filter) {
                    scan(schema, f, ast_f, &mut found);
                }
            }
            (ast::Clause::Let { value: e, .. }, ir::Clause::Let { value: c, .. })
            | (ast::Clause::Where(e), ir::Clause::Where(c))
                if nested =>
            {
                scan(schema, c, e, &mut found);
            }
            _ => {}
        }
    }
    if nested {
        scan(schema, &rule.require, &decl.require, &mut found);
        for (c, e) in rule.related.iter().zip(&decl.related) {
            scan(schema, c, e, &mut found);
        }
        let templates = std::iter::once((&rule.message, &decl.message))
            .chain(rule.fix.iter().zip(decl.fix.iter()));
        for (parts, template) in templates {
            let exprs = template.parts.iter().filter_map(|p| match p {
                ast::TemplatePart::Expr(e) => Some(e),
                ast::TemplatePart::Text(_) => None,
            });
            let compiled = parts.iter().filter_map(|p| match p {
                Part::Expr(c) => Some(c),
                Part::Text(_) => None,
            });
            for (c, e) in compiled.zip(exprs) {
                scan(schema, c, e, &mut found);
            }
        }
    }
    for (span, collection) in found {
        warn(diags, file, span, &decl.id.name, &collection);
    }
}

fn warn(diags: &mut Diags, file: usize, span: Span, rule: &str, collection: &str) {
    diags.warning(
        file,
        span,
        CheckCode::CrossProduct,
        format!(
            "rule `{rule}` walks all of `{collection}` once for each binding of the `for` clauses above: a cross product"
        ),
        "walks a whole collection per binding",
        Some(format!(
            "its cost is the size of `{collection}` times the number of bindings, which a large book \
             makes too slow (the evaluation stops at the `--max-work` budget); join it to an outer \
             variable with an equality (`for x in {collection} where x.field == y.field` is looked up \
             in an index), or follow a reference or an `inverse` field instead of the whole collection"
        )),
    );
}

/// The collection's name when `c` is a whole root collection.
fn whole_collection(schema: &Schema, c: &CExpr) -> Option<String> {
    let CExprKind::Root(field, Decode::Rows(_)) = &c.kind else {
        return None;
    };
    Some(schema.root().field_decl(*field).name.clone())
}

/// Finds, in an expression evaluated once per binding, the filters, `all`s and
/// field reads over a whole root collection that no index serves; records the
/// span of the collection (or of `e`, for what was compiled from a constant).
fn scan(schema: &Schema, c: &CExpr, e: &Expr, found: &mut Vec<(Span, String)>) {
    let report = |at: &CExpr, found: &mut Vec<(Span, String)>| {
        if let Some(name) = whole_collection(schema, at) {
            found.push((at.span.unwrap_or(e.span), name));
        }
    };
    c.walk(&mut |c| match &c.kind {
        CExprKind::Filter {
            slot,
            collection,
            cond,
        } if plan_scan(collection, cond, *slot).is_none() => report(collection, found),
        CExprKind::All { collection, .. } => report(collection, found),
        CExprKind::MapField { base, .. } => report(base, found),
        _ => {}
    });
}
