//! `eligo explain`: for one entity, each rule's verdict and why.
//!
//! A rule reaches the entity in a binding (one assignment of its variables
//! that gets to `require`) when the binding **binds** it — a `for`/`let`
//! variable is the entity, or it is the finding's subject — or **reads** it:
//! the rule's clauses, condition or subject read a field of it (`t.to.region`
//! reads the transfer's provider). For every rule that reaches it, the
//! bindings are listed with their variables, the verdict, and the value of
//! every part of the condition.
//!
//! Everything comes from the compiled program: each compiled expression keeps
//! the span of its source text (see [`CExpr::span`]), so there is no second
//! parse, and the limits the program was loaded with (`--max-rule-depth`)
//! hold here too. A named constant shows as its name and its value.

use serde::Serialize;

use crate::eval::{display, items, Evaluator, Value, WorkExceeded};
use crate::program::{CExpr, CExprKind, Clause, Program, Rule};
use crate::scenario::Store;
use crate::schema::{FieldType, KindId};

/// Most bindings shown per rule (those that fire first).
pub(crate) const MAX_BINDINGS: usize = 20;

/// The explanation for one entity.
#[derive(Debug, Serialize)]
#[non_exhaustive]
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
#[non_exhaustive]
pub struct RuleExplanation {
    /// The rule id.
    pub rule: String,
    /// `error` or `warning`.
    pub severity: &'static str,
    /// `fires` when some binding that involves the entity fires, else `holds`.
    pub verdict: &'static str,
    /// How the rule reaches the entity: `binds` (in some binding, a variable
    /// is the entity or it is the finding's subject), else `reads` (only
    /// fields of it are read).
    pub reach: &'static str,
    /// The bindings, firing ones first (at most 20).
    pub bindings: Vec<Binding>,
    /// Bindings left out beyond the 20 shown.
    pub more: usize,
}

/// One binding of a rule's variables that reached `require`.
#[derive(Debug, Serialize)]
#[non_exhaustive]
pub struct Binding {
    /// `fires` or `holds`.
    pub verdict: &'static str,
    /// `binds` or `reads` (see [`RuleExplanation::reach`]).
    pub reach: &'static str,
    /// The variables of the `for` and `let` clauses.
    pub vars: Vec<Var>,
    /// The finding, when it fires.
    pub finding: Option<FindingText>,
    /// The condition, part by part.
    pub condition: Node,
}

/// A variable and the value it is bound to.
#[derive(Debug, Serialize)]
#[non_exhaustive]
pub struct Var {
    /// The variable's name.
    pub name: String,
    /// Its value (entities by id).
    pub value: String,
}

/// The finding a firing binding produces.
#[derive(Debug, Serialize)]
#[non_exhaustive]
pub struct FindingText {
    /// The finding's subject id.
    pub subject: String,
    /// Its message.
    pub message: String,
}

/// A part of a condition and its value.
#[derive(Debug, Serialize)]
#[non_exhaustive]
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
pub(crate) fn explain_budgeted(
    program: &Program,
    store: &Store,
    kind: KindId,
    row: u32,
    max_work: u64,
) -> Result<Explanation, WorkExceeded> {
    let mut rules = Vec::new();
    for rule in &program.rules {
        let ctx = Ctx {
            program,
            store,
            target: (kind, row),
            rule,
            src: program.files.get(rule.file).map_or("", |f| &f.text),
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
    let binds = found.iter().any(|b| b.reach == BINDS);
    found.sort_by_key(|b| b.verdict != "fires");
    let fires = found.first().is_some_and(|b| b.verdict == "fires");
    let more = found.len().saturating_sub(MAX_BINDINGS);
    found.truncate(MAX_BINDINGS);
    RuleExplanation {
        rule: rule.id.clone(),
        severity: rule.severity.as_str(),
        verdict: if fires { "fires" } else { "holds" },
        reach: if binds { BINDS } else { READS },
        bindings: found,
        more,
    }
}

/// A variable is the entity, or it is the finding's subject.
const BINDS: &str = "binds";
/// The rule reads a field of the entity.
const READS: &str = "reads";

struct Ctx<'a> {
    program: &'a Program,
    store: &'a Store,
    target: (KindId, u32),
    rule: &'a Rule,
    /// The text of the rule's file.
    src: &'a str,
}

impl<'a> Ctx<'a> {
    /// The binding the evaluator is at, when it reaches the target entity.
    fn binding(&self, ev: &mut Evaluator<'a>) -> Option<Binding> {
        let slots = clause_slots(self.rule);
        let bound = slots
            .iter()
            .any(|&s| ev.var(s).is_some_and(|v| self.is_target(v)));
        let subject = ev.eval(&self.rule.subject);
        let reach = if bound || self.is_target(&subject) {
            BINDS
        } else if self.rule_reads(ev) {
            READS
        } else {
            return None;
        };
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
            reach,
            vars,
            finding,
            condition,
        })
    }

    fn is_target(&self, v: &Value<'_>) -> bool {
        matches!(v, Value::Entity(k, r) if (*k, *r) == self.target)
    }

    /// Whether what decides the binding (its clauses, the condition, the
    /// subject) reads a field of the target.
    fn rule_reads(&self, ev: &mut Evaluator<'a>) -> bool {
        let rule = self.rule;
        let in_clauses = rule.clauses.iter().any(|c| match c {
            Clause::For {
                collection, filter, ..
            } => self.reads(ev, collection) || filter.as_ref().is_some_and(|f| self.reads(ev, f)),
            Clause::Let { value, .. } => self.reads(ev, value),
            Clause::Where(cond) => self.reads(ev, cond),
        });
        in_clauses || self.reads(ev, &rule.require) || self.reads(ev, &rule.subject)
    }

    /// Whether evaluating `c` in this binding reads a field of the target. A
    /// filter's condition counts for the elements it keeps, and `all`'s for
    /// the elements it looks at, so this costs what evaluating `c` costs.
    fn reads(&self, ev: &mut Evaluator<'a>, c: &'a CExpr) -> bool {
        match &c.kind {
            CExprKind::Const(_) | CExprKind::Var(_) | CExprKind::Root(..) => false,
            CExprKind::Field { base, .. } | CExprKind::Has { base, .. } => {
                let value = ev.eval(base);
                self.is_target(&value) || self.reads(ev, base)
            }
            CExprKind::MapField { base, .. } => {
                let value = ev.eval(base);
                items(&value).any(|v| self.is_target(&v)) || self.reads(ev, base)
            }
            CExprKind::Not(_)
            | CExprKind::Call(..)
            | CExprKind::Binary { .. }
            | CExprKind::List(_) => c.children().any(|p| self.reads(ev, p)),
            CExprKind::Filter {
                slot,
                collection,
                cond,
            } => {
                if self.reads(ev, collection) {
                    return true;
                }
                let kept = ev.eval(c);
                items(&kept).any(|item| {
                    ev.bind(*slot, item);
                    self.reads(ev, cond)
                })
            }
            CExprKind::All {
                slot,
                collection,
                cond,
            } => {
                if self.reads(ev, collection) {
                    return true;
                }
                let all = ev.eval(collection);
                for item in items(&all) {
                    ev.bind(*slot, item);
                    if self.reads(ev, cond) {
                        return true;
                    }
                    if !ev.truthy(cond) {
                        break;
                    }
                }
                false
            }
        }
    }

    fn condition(&self, ev: &mut Evaluator<'a>) -> Node {
        let require = &self.rule.require;
        let (word, shown) = match (self.rule.forbid, &require.kind) {
            (true, CExprKind::Not(inner)) => ("forbid", inner.as_ref()),
            _ => ("require", require),
        };
        let mut node = self.node(ev, shown);
        node.text = format!("{word} {}", node.text);
        node
    }

    fn node(&self, ev: &mut Evaluator<'a>, c: &'a CExpr) -> Node {
        let value = ev.eval(c);
        let value = self.show(&value);
        let text = self.text(c).to_string();
        let parts: Vec<&'a CExpr> = match &c.kind {
            CExprKind::Binary { lhs, rhs, .. } => vec![lhs, rhs],
            CExprKind::Not(inner) | CExprKind::Call(_, inner) => vec![inner],
            CExprKind::Filter { collection, .. } | CExprKind::All { collection, .. } => {
                vec![collection]
            }
            _ => Vec::new(),
        };
        // A part without text of its own (compiled from a constant's
        // definition) or that shows itself (a literal, an enum value) is left out.
        let children = parts
            .into_iter()
            .filter(|p| !self.text(p).is_empty())
            .map(|p| self.node(ev, p))
            .filter(|n| n.text != n.value)
            .collect();
        Node {
            text,
            value,
            children,
        }
    }

    /// The source text of a compiled expression ("" when it has none).
    fn text(&self, c: &CExpr) -> &'a str {
        c.span
            .and_then(|span| self.src.get(span.start..span.end))
            .unwrap_or("")
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
            .iter_enumerated()
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
    // Every user value is escaped for the terminal (see `crate::escape`).
    use crate::escape::value as esc;
    let reached = match x.rules.len() {
        1 => "1 rule reaches it".to_string(),
        n => format!("{n} rules reach it"),
    };
    let mut out = format!(
        "{} ({}): {reached}, {} not\n",
        esc(&x.subject),
        x.kind,
        match x.not_reached {
            1 => "1 does".to_string(),
            n => format!("{n} do"),
        }
    );
    for r in &x.rules {
        let how = if r.reach == BINDS {
            "binds it"
        } else {
            "reads its fields"
        };
        out.push_str(&format!(
            "\n{} ({}): {} ({how})\n",
            esc(&r.rule),
            r.severity,
            r.verdict
        ));
        for b in &r.bindings {
            let vars: Vec<String> = b
                .vars
                .iter()
                .map(|v| format!("{} = {}", esc(&v.name), esc(&v.value)))
                .collect();
            out.push_str(&format!("  {} with {}\n", b.verdict, vars.join(", ")));
            if let Some(f) = &b.finding {
                out.push_str(&format!(
                    "    finding on {}: {}\n",
                    esc(&f.subject),
                    esc(&f.message)
                ));
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
    out.push_str(&format!(
        "{}{} → {}\n",
        "  ".repeat(depth),
        crate::escape::value(&n.text),
        crate::escape::value(&n.value)
    ));
    for c in &n.children {
        render_node(c, depth + 1, out);
    }
}
