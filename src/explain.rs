//! `eligo explain`: for one entity, each rule's verdict and why.
//!
//! For every rule, the bindings that reach `require` and involve the entity (it
//! is bound to a `for`/`let` variable, or is the finding's subject) are listed
//! with their variables, the verdict, and the value of every part of the
//! condition. Source text comes from the rule's syntax tree, walked in step with
//! the compiled condition (named constants show as their name and value).

use serde::Serialize;
use std::collections::HashMap;

use crate::eval::{display, items, Evaluator, Value, WorkExceeded};
use crate::lang::ast::{Expr, ExprKind, Item, RuleDecl};
use crate::lang::parse::parse_rule_file;
use crate::program::{CExpr, Clause, Program, Rule};
use crate::scenario::Store;
use crate::schema::{FieldType, KindId};

/// Most bindings shown per rule (those that fire first).
pub const MAX_BINDINGS: usize = 20;

/// The explanation for one entity.
#[derive(Debug, Serialize)]
pub struct Explanation {
    /// The entity's id.
    pub subject: String,
    /// Its kind.
    pub kind: String,
    /// The rules whose bindings reach it, in load order.
    pub rules: Vec<RuleExplanation>,
    /// Rules that never reach it.
    pub not_reached: usize,
}

/// One rule's verdict for the entity.
#[derive(Debug, Serialize)]
pub struct RuleExplanation {
    /// The rule id.
    pub rule: String,
    /// `error` or `warning`.
    pub severity: &'static str,
    /// `fires` when some binding that involves the entity fires, else `holds`.
    pub verdict: &'static str,
    /// The bindings, firing ones first (at most [`MAX_BINDINGS`]).
    pub bindings: Vec<Binding>,
    /// Bindings left out beyond [`MAX_BINDINGS`].
    pub more: usize,
}

/// One binding of a rule's variables that reached `require`.
#[derive(Debug, Serialize)]
pub struct Binding {
    /// `fires` or `holds`.
    pub verdict: &'static str,
    /// The variables of the `for` and `let` clauses.
    pub vars: Vec<Var>,
    /// The finding, when it fires.
    pub finding: Option<FindingText>,
    /// The condition, part by part.
    pub condition: Node,
}

/// A variable and the value it is bound to.
#[derive(Debug, Serialize)]
pub struct Var {
    /// The variable's name.
    pub name: String,
    /// Its value (entities by id).
    pub value: String,
}

/// The finding a firing binding produces.
#[derive(Debug, Serialize)]
pub struct FindingText {
    /// The finding's subject id.
    pub subject: String,
    /// Its message.
    pub message: String,
}

/// A part of a condition and its value.
#[derive(Debug, Serialize)]
pub struct Node {
    /// The source text.
    pub text: String,
    /// Its value in this binding.
    pub value: String,
    /// Its parts.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Node>,
}

/// Explains every rule of `program` for the entity `(kind, row)` of `store`.
pub fn explain(program: &Program, store: &Store, kind: KindId, row: u32) -> Explanation {
    explain_budgeted(program, store, kind, row, u64::MAX).unwrap_or_else(|_| Explanation {
        subject: String::new(),
        kind: String::new(),
        not_reached: 0,
        rules: Vec::new(),
    })
}

/// Like [`explain`], each rule within `max_work` units of work (see
/// [`crate::eval::budget`]); the first rule past it is the error.
pub fn explain_budgeted(
    program: &Program,
    store: &Store,
    kind: KindId,
    row: u32,
    max_work: u64,
) -> Result<Explanation, WorkExceeded> {
    let decls = rule_decls(program);
    let mut rules = Vec::new();
    for rule in &program.rules {
        let Some(decl) = decls.get(&rule.id) else {
            continue;
        };
        let src = program.files.get(rule.file).map_or("", |f| &f.text);
        let ctx = Ctx {
            program,
            store,
            target: (kind, row),
            rule,
            decl,
            src,
        };
        let mut found = Vec::new();
        let mut ev = Evaluator::for_rule(program, store, rule).with_budget(max_work);
        ev.each_binding(rule, &mut |ev| found.extend(ctx.binding(ev)));
        ev.check_budget(rule)?;
        if !found.is_empty() {
            rules.push(summarize(rule, found));
        }
    }
    Ok(Explanation {
        subject: store.row_id(kind, row).unwrap_or("").to_string(),
        kind: program.schema.kind(kind).name.clone(),
        not_reached: program.rules.len() - rules.len(),
        rules,
    })
}

fn summarize(rule: &Rule, mut found: Vec<Binding>) -> RuleExplanation {
    found.sort_by_key(|b| b.verdict != "fires");
    let fires = found.first().is_some_and(|b| b.verdict == "fires");
    let more = found.len().saturating_sub(MAX_BINDINGS);
    found.truncate(MAX_BINDINGS);
    RuleExplanation {
        rule: rule.id.clone(),
        severity: rule.severity.as_str(),
        verdict: if fires { "fires" } else { "holds" },
        bindings: found,
        more,
    }
}

/// The syntax of every rule, by id, re-parsed from the program's files.
fn rule_decls(program: &Program) -> HashMap<String, RuleDecl> {
    let mut out = HashMap::new();
    for file in &program.files {
        let Ok(parsed) = parse_rule_file(file) else {
            continue;
        };
        for item in parsed.items {
            if let Item::Rule(r) = item {
                out.entry(r.id.name.clone()).or_insert(*r);
            }
        }
    }
    out
}

struct Ctx<'a> {
    program: &'a Program,
    store: &'a Store,
    target: (KindId, u32),
    rule: &'a Rule,
    decl: &'a RuleDecl,
    src: &'a str,
}

impl<'a> Ctx<'a> {
    /// The binding the evaluator is at, when it involves the target entity.
    fn binding(&self, ev: &mut Evaluator<'a>) -> Option<Binding> {
        let slots = clause_slots(self.rule);
        let (tk, tr) = self.target;
        let bound = slots
            .iter()
            .any(|&s| matches!(ev.var(s), Some(Value::Entity(k, r)) if (*k, *r) == (tk, tr)));
        let subject = ev.eval(&self.rule.subject);
        let is_subject = matches!(subject, Value::Entity(k, r) if (k, r) == (tk, tr));
        if !bound && !is_subject {
            return None;
        }
        let vars = slots
            .iter()
            .map(|&s| {
                let name = self.rule.slot_names.get(s).cloned().unwrap_or_default();
                let value = ev.var(s).cloned().unwrap_or(Value::Absent);
                Var {
                    name,
                    value: self.show(&value),
                }
            })
            .collect();
        let holds = ev.truthy(&self.rule.require);
        let finding = (!holds).then(|| {
            let message = ev.render(&self.rule.message);
            FindingText {
                subject: self.show(&subject),
                message,
            }
        });
        let condition = self.condition(ev);
        Some(Binding {
            verdict: if holds { "holds" } else { "fires" },
            vars,
            finding,
            condition,
        })
    }

    fn condition(&self, ev: &mut Evaluator<'a>) -> Node {
        let require = &self.rule.require;
        match (self.decl.forbid, require) {
            (true, CExpr::Not(inner)) => {
                let mut node = self.node(ev, inner, &self.decl.require);
                node.text = format!("forbid {}", node.text);
                node
            }
            _ => {
                let mut node = self.node(ev, require, &self.decl.require);
                node.text = format!("require {}", node.text);
                node
            }
        }
    }

    fn node(&self, ev: &mut Evaluator<'a>, c: &'a CExpr, e: &Expr) -> Node {
        let value = ev.eval(c);
        let value = self.show(&value);
        let text = self
            .src
            .get(e.span.start..e.span.end)
            .unwrap_or("")
            .to_string();
        let children = match (c, &e.kind) {
            (CExpr::Binary { lhs, rhs, .. }, ExprKind::Binary(_, l, r)) => {
                vec![self.node(ev, lhs, l), self.node(ev, rhs, r)]
            }
            (CExpr::Not(inner), ExprKind::Not(ai)) => vec![self.node(ev, inner, ai)],
            (CExpr::Call(_, arg), ExprKind::Call(_, args)) => match args.as_slice() {
                [a] => vec![self.node(ev, arg, a)],
                _ => Vec::new(),
            },
            (CExpr::Filter { collection, .. }, ExprKind::Filter { collection: ac, .. }) => {
                vec![self.node(ev, collection, ac)]
            }
            (CExpr::All { collection, .. }, ExprKind::Call(_, args)) => match args.as_slice() {
                [Expr {
                    kind: ExprKind::Filter { collection: ac, .. },
                    ..
                }] => vec![self.node(ev, collection, ac)],
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        // A literal or an enum value shows itself: leave it out.
        let children = children.into_iter().filter(|n| n.text != n.value).collect();
        Node {
            text,
            value,
            children,
        }
    }

    /// A value for people: entities by id (records by kind and owner), lists in brackets.
    fn show(&self, v: &Value<'_>) -> String {
        match v {
            Value::Absent => "absent".into(),
            Value::Entity(k, r) => self.label(*k, *r),
            Value::Rows(..) | Value::Refs(..) | Value::Enums(..) | Value::List(_) => {
                let parts: Vec<String> = items(v).map(|i| self.show(&i)).collect();
                format!("[{}]", parts.join(", "))
            }
            other => display(self.program, self.store, other),
        }
    }

    fn label(&self, kind: KindId, row: u32) -> String {
        let schema = &self.program.schema;
        if let Some(id) = self.store.row_id(kind, row) {
            return id.to_string();
        }
        let k = schema.kind(kind);
        let parent = k
            .fields
            .iter()
            .enumerate()
            .find_map(|(f, field)| match field.ty {
                FieldType::Parent(pk) => Some((f, pk)),
                _ => None,
            });
        match parent {
            Some((f, pk)) => {
                let cell = self.store.cell(kind, f, row);
                format!("{} of {}", k.name, self.label(pk, cell))
            }
            None => k.name.clone(),
        }
    }
}

/// Slots bound by the rule's `for` and `let` clauses, in order.
fn clause_slots(rule: &Rule) -> Vec<usize> {
    rule.clauses
        .iter()
        .filter_map(|c| match c {
            Clause::For { slot, .. } | Clause::Let { slot, .. } => Some(*slot),
            Clause::Where(_) => None,
        })
        .collect()
}

/// The human rendering of an explanation.
pub fn render_human(x: &Explanation) -> String {
    let mut out = format!(
        "{} ({}): {} reach it, {} do not\n",
        x.subject,
        x.kind,
        crate::report::human::plural(x.rules.len(), "rule"),
        x.not_reached
    );
    for r in &x.rules {
        out.push_str(&format!("\n{} ({}): {}\n", r.rule, r.severity, r.verdict));
        for b in &r.bindings {
            let vars: Vec<String> = b
                .vars
                .iter()
                .map(|v| format!("{} = {}", v.name, v.value))
                .collect();
            out.push_str(&format!("  {} with {}\n", b.verdict, vars.join(", ")));
            if let Some(f) = &b.finding {
                out.push_str(&format!("    finding on {}: {}\n", f.subject, f.message));
            }
            render_node(&b.condition, 2, &mut out);
        }
        if r.more > 0 {
            out.push_str(&format!("  … and {} more bindings\n", r.more));
        }
    }
    out
}

fn render_node(n: &Node, depth: usize, out: &mut String) {
    out.push_str(&format!("{}{} → {}\n", "  ".repeat(depth), n.text, n.value));
    for c in &n.children {
        render_node(c, depth + 1, out);
    }
}
