//! Bounds on the shape of a rule file that the later stages rely on.
//!
//! The parser reads chains — `a and b and …`, `x.f.g.…`, a rule's clauses — with
//! loops, but the trees it builds are walked recursively: by the compiler, the
//! lints, the formatter, the evaluator, `explain`, the join planner, and `Drop`.
//! Their stack use grows with the height of the tree, not with the nesting the
//! parser counts (`--max-rule-depth`): `true and true and …` is flat to read but
//! one level higher per `and`. So the parser also refuses an expression tree
//! higher than [`MAX_EXPR_HEIGHT`] and a rule with more than [`MAX_RULE_CLAUSES`]
//! clauses (the evaluator nests one call per clause), each a syntax error at the
//! first token past the bound. Both are far above what a rule needs (the default
//! pack's highest expression is 9 levels, its longest rule has 3 clauses) and
//! measured: every stage at both bounds fits a 1 MiB stack in a debug build, half
//! of what a spawned thread (a rayon worker, which evaluates) gets; the unit
//! tests below run them on 2 MiB, and `tests/hostile_rules.rs` runs the binary.

use super::ast::{Expr, ExprKind, TemplatePart};

/// Deepest expression nesting accepted by default (parentheses, lists, calls,
/// filters and `not` chains), against stack exhaustion on hostile input. Real rules
/// nest a handful of levels.
pub(crate) const MAX_EXPR_DEPTH: usize = 32;

/// What the parser expected where expressions nest deeper than allowed.
pub(crate) const TOO_DEEP: &str = "a shallower expression (the nesting limit is reached here)";

/// What the parser expected where list types (`[[…]]`) nest deeper than allowed.
pub(crate) const TYPE_TOO_DEEP: &str = "a shallower type (the nesting limit is reached here)";

/// The highest nesting limit that can be asked for. Measured in a debug build on
/// a 2 MiB stack (a spawned thread's default, as in rayon workers and tests), the
/// costliest forms overflow at about 90 levels; 64 leaves room to spare.
pub(crate) const MAX_EXPR_DEPTH_CEILING: usize = 64;

/// The highest expression tree accepted: every operator of an `and`/`or` chain,
/// every `.field` of a path and every nesting level counts one.
pub const MAX_EXPR_HEIGHT: usize = 128;

/// The most `for`, `let` and `where` clauses one rule may have.
pub const MAX_RULE_CLAUSES: usize = 128;

/// What the parser expected where an expression tree grows past [`MAX_EXPR_HEIGHT`].
pub(crate) const TOO_HIGH: &str =
    "a shorter expression (long `and`/`or` chains and field paths count one level per step, and the limit is reached here)";

/// What the parser expected where a rule has more than [`MAX_RULE_CLAUSES`] clauses.
pub(crate) const TOO_MANY_CLAUSES: &str =
    "`require` or `forbid` (a rule has at most 128 `for`, `let` and `where` clauses)";

/// The help shown with [`TOO_HIGH`].
pub(crate) fn too_high_help() -> String {
    format!(
        "an expression may be at most {MAX_EXPR_HEIGHT} levels high; split a long condition into \
         `where` clauses or `let` variables, and write many alternatives as `x in [a, b, c]`"
    )
}

/// The help shown with [`TOO_MANY_CLAUSES`].
pub(crate) fn too_many_clauses_help() -> String {
    format!("a rule may have at most {MAX_RULE_CLAUSES} clauses; split it into several rules")
}

/// The height of an expression tree (a leaf is 1), counted without recursion so
/// that measuring a tree cannot itself exhaust the stack.
pub(crate) fn height(e: &Expr) -> usize {
    let mut highest = 0;
    let mut stack: Vec<(&Expr, usize)> = vec![(e, 1)];
    while let Some((e, level)) = stack.pop() {
        highest = highest.max(level);
        for_each_child(e, |child| stack.push((child, level + 1)));
    }
    highest
}

/// Calls `f` on each direct subexpression of `e`, interpolations included.
pub(crate) fn for_each_child<'e>(e: &'e Expr, mut f: impl FnMut(&'e Expr)) {
    match &e.kind {
        ExprKind::Bool(_)
        | ExprKind::Int(_)
        | ExprKind::Num(_)
        | ExprKind::Date(_)
        | ExprKind::Name(_) => {}
        ExprKind::Str(t) => {
            for part in &t.parts {
                if let TemplatePart::Expr(inner) = part {
                    f(inner);
                }
            }
        }
        ExprKind::Field(base, _) | ExprKind::Has(base, _) | ExprKind::Not(base) => f(base),
        ExprKind::Binary(_, lhs, rhs) => {
            f(lhs);
            f(rhs);
        }
        ExprKind::List(items) | ExprKind::Call(_, items) => items.iter().for_each(f),
        ExprKind::Filter {
            collection, cond, ..
        } => {
            f(collection);
            f(cond);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{load_scenario, LoadOptions};
    use crate::source::SourceFile;

    const SCHEMA: &str = "entity node in nodes {\n  id: id\n  next: node?\n  on: bool = true\n}\n";
    /// One node that is its own `next`, so a path of any length reaches a value.
    const BOOK: &str = "nodes:\n  - id: n1\n    next: n1\n";

    fn rule(clauses: &str, require: &str) -> String {
        format!(
            "{SCHEMA}rule deep: error \"s\"\n{clauses}  require {require}\n  else n: \"{{n.id}} {{{require}}}\"\n  related n\n"
        )
    }

    /// Parses, checks (lints included), formats, evaluates and explains `text`
    /// on a 2 MiB stack (a spawned thread's default, as rayon's workers get) in
    /// whatever build the tests run in; returns whether it compiled.
    fn survives_small_stack(text: String) -> bool {
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                let source = SourceFile::new("t.rules", text);
                let tree = crate::lang::parse::parse_rule_file(&source).unwrap();
                let formatted = crate::lang::fmt::format_source(&source).unwrap();
                let again = crate::lang::parse::parse_rule_file(&SourceFile::new("f", formatted));
                assert!(
                    again.unwrap() == tree,
                    "the formatted file parses to the same tree"
                );
                let program = crate::lang::load_program(vec![source]).unwrap();
                let book = SourceFile::new("b.yaml", BOOK);
                let scenario = load_scenario(
                    &program.schema,
                    book,
                    &program.rule_ids(),
                    &LoadOptions::default(),
                )
                .unwrap();
                let found = crate::eval::evaluate(&program, &scenario.store);
                let kind = program.schema.kind_named("node").unwrap();
                let explained = crate::explain::explain(&program, &scenario.store, kind, 0);
                drop(tree);
                (
                    found.iter().map(Vec::len).sum::<usize>(),
                    explained.rules.len(),
                )
            })
            .unwrap()
            .join()
            .is_ok()
    }

    fn chain(op: &str, operand: &str, n: usize) -> String {
        vec![operand; n].join(&format!(" {op} "))
    }

    #[test]
    fn chains_at_the_height_limit_fit_a_small_stack() {
        let n = MAX_EXPR_HEIGHT;
        let path = format!("n{}.on", ".next".repeat(n - 2));
        for require in [
            chain("and", "n.on", n - 1),
            chain("or", "not n.on", n - 2),
            path,
            format!("n{}.on == true", ".next".repeat(n - 3)),
        ] {
            assert!(
                survives_small_stack(rule("  for n in nodes\n", &require)),
                "{}",
                &require[..40]
            );
        }
    }

    #[test]
    fn the_clause_limit_fits_a_small_stack() {
        let clauses: String = (0..MAX_RULE_CLAUSES - 1)
            .map(|i| match i % 3 {
                0 => format!("  for m{i} in nodes where m{i}.on\n"),
                1 => format!("  let m{i} = n.next\n"),
                _ => "  where n.on\n".to_string(),
            })
            .collect();
        let text = rule(&format!("  for n in nodes\n{clauses}"), "n.on");
        assert!(survives_small_stack(text));
    }

    #[test]
    fn one_step_past_a_limit_is_a_syntax_error() {
        let n = MAX_EXPR_HEIGHT;
        let parse = |t: String| crate::lang::parse::parse_rule_file(&SourceFile::new("t", t));
        let and = parse(rule("  for n in nodes\n", &chain("and", "n.on", n + 1))).unwrap_err();
        assert_eq!(and.expected.as_deref(), Some(TOO_HIGH));
        let path = parse(rule(
            "  for n in nodes\n",
            &format!("n{}", ".next".repeat(n)),
        ))
        .unwrap_err();
        assert_eq!(path.expected.as_deref(), Some(TOO_HIGH));
        let nested = format!("not ({})", chain("and", "n.on", n - 1));
        let nested = parse(rule("  for n in nodes\n", &nested)).unwrap_err();
        assert_eq!(nested.expected.as_deref(), Some(TOO_HIGH));
        let clauses = "  where true\n".repeat(MAX_RULE_CLAUSES + 1);
        let clauses = parse(rule(&format!("  for n in nodes\n{clauses}"), "true")).unwrap_err();
        assert_eq!(clauses.expected.as_deref(), Some(TOO_MANY_CLAUSES));
    }

    #[test]
    fn height_counts_every_level() {
        let parse = |t: &str| {
            let file =
                crate::lang::parse::parse_rule_file(&SourceFile::new("t", format!("let x = {t}")))
                    .unwrap();
            match &file.items[0] {
                crate::lang::ast::Item::Const(c) => height(&c.value),
                _ => unreachable!(),
            }
        };
        assert_eq!(parse("1"), 1);
        assert_eq!(parse("a and b and c"), 3);
        assert_eq!(parse("a.b.c == [1, \"{x.y}\"]"), 5);
    }
}

#[cfg(test)]
mod default_pack {
    use super::*;
    use crate::lang::ast::{Clause, Item, TemplatePart};

    /// The bounds leave the default pack far inside: the highest expression and
    /// the longest rule, measured.
    #[test]
    fn the_default_pack_is_far_inside_the_bounds() {
        let (mut highest, mut clauses) = (0, 0);
        for source in crate::default_rule_sources() {
            let file = crate::lang::parse::parse_rule_file(&source).unwrap();
            for item in &file.items {
                let Item::Rule(r) = item else { continue };
                clauses = clauses.max(r.clauses.len());
                let mut exprs: Vec<&Expr> = vec![&r.require, &r.subject];
                exprs.extend(&r.related);
                for c in &r.clauses {
                    match c {
                        Clause::For {
                            collection, filter, ..
                        } => {
                            exprs.push(collection);
                            exprs.extend(filter);
                        }
                        Clause::Let { value, .. } | Clause::Where(value) => exprs.push(value),
                    }
                }
                for part in r
                    .message
                    .parts
                    .iter()
                    .chain(r.fix.iter().flat_map(|f| &f.parts))
                {
                    if let TemplatePart::Expr(e) = part {
                        exprs.push(e);
                    }
                }
                highest = exprs.into_iter().map(height).fold(highest, usize::max);
            }
        }
        assert_eq!(
            (highest, clauses),
            (9, 3),
            "update the figures in the module doc"
        );
        assert!(highest * 8 <= MAX_EXPR_HEIGHT && clauses * 16 <= MAX_RULE_CLAUSES);
    }
}
