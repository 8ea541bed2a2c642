//! The evaluator: runs compiled rules over a loaded scenario.
//!
//! Every field access is an index into a column, every inverse relation a slice
//! of precomputed rows, so a rule costs the sum of the sizes of the collections
//! its quantifiers walk. One finding is kept per (rule, subject); further firings
//! add to its `related` entities.

pub(crate) mod budget;
pub(crate) mod index;
mod items;

use hashbrown::HashMap;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};

pub(crate) use budget::{Related, WorkExceeded};
pub(crate) use items::Items;

use budget::Budget;

use crate::program::{
    lookup, CExpr, CExprKind, Clause, Const, Decode, Func, Part, Prim1, Program, Rule,
};
use crate::scenario::store::{cell_date, Store, NONE};
use crate::schema::{EnumId, KindId};
use crate::vocab::BinOp;

/// A value during evaluation, borrowing from the store and the program.
#[derive(Clone, Debug)]
pub(crate) enum Value<'a> {
    /// No value (an absent optional field).
    Absent,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A number.
    Num(f64),
    /// A string.
    Str(&'a str),
    /// A date (days since 1970-01-01).
    Date(i32),
    /// An enum value: enum id and value index.
    Enum(EnumId, u32),
    /// A row of a kind.
    Entity(KindId, u32),
    /// Consecutive rows of a kind: start and count.
    Rows(KindId, u32, u32),
    /// Rows of a kind listed in the store's pool.
    Refs(KindId, &'a [u32]),
    /// Enum values listed in the store's pool.
    Enums(EnumId, &'a [u32]),
    /// A computed list.
    List(Rc<Vec<Value<'a>>>),
}

/// An entity: its kind and row.
pub(crate) type EntityRef = (KindId, u32);

/// A rule that did not hold for a subject.
#[derive(Clone, Debug)]
pub struct RawFinding {
    /// Index of the rule in [`Program::rules`].
    pub rule: usize,
    /// The entity it is about.
    pub subject: EntityRef,
    /// What is wrong (first firing).
    pub message: String,
    /// What to do (first firing).
    pub fix: Option<String>,
    /// Other entities involved, over all firings, at most [`MAX_RELATED`] of them.
    pub related: Related,
    /// The places to edit, over all firings in order, at most [`MAX_RELATED`] of them.
    pub places: Related,
}

/// Evaluates every rule of `program` over `store`, without a work budget (for
/// trusted rules; the commands use [`evaluate_budgeted`]): each rule's
/// findings apart, in rule order.
pub fn evaluate(program: &Program, store: &Store) -> Vec<Vec<RawFinding>> {
    evaluate_budgeted(program, store, u64::MAX).map_or_else(|_| Vec::new(), |(found, _)| found)
}

/// Evaluates every rule, each allowed `max_work` units of work (see
/// `budget`): gives each rule's findings apart, in rule order (a reader that
/// takes them one rule at a time then never holds them all twice), and, per
/// rule (indexed like [`Program::rules`]), how many bindings reached its
/// `require` (for coverage). The first rule in order that runs out of
/// budget is the error.
///
/// The rules are evaluated on rayon's workers: at a million subscriptions
/// this takes evaluation from about 0.59 to 0.36 s. The findings a worker
/// makes live in its malloc arena, where the loader's freed memory cannot be
/// reused: alone, that raised the 1M JSON book's peak from 281 to 293 MiB.
/// Giving the findings apart (no concatenation holding them twice) and
/// trimming each rule's on its worker bring it back to 284-286 MiB.
pub fn evaluate_budgeted(
    program: &Program,
    store: &Store,
    max_work: u64,
) -> Result<(Vec<Vec<RawFinding>>, Vec<u64>), WorkExceeded> {
    let count = program.rules.len();
    let run = RuleRun {
        program,
        store,
        max_work,
        first_failed: AtomicUsize::new(usize::MAX),
    };
    let mut results = Vec::with_capacity(count);
    run.evaluate(0..count, &mut results);
    let mut reached = Vec::with_capacity(count);
    let mut found = Vec::with_capacity(count);
    // A rule skipped (`None`) comes after one that ran out of budget, which
    // `?` reports first.
    for result in results.into_iter().flatten() {
        let (findings, n) = result?;
        found.push(findings);
        reached.push(n);
    }
    Ok((found, reached))
}

/// One rule's outcome, or `None` when it was skipped (see [`RuleRun`]).
type RuleOutcome = Option<Result<(Vec<RawFinding>, u64), WorkExceeded>>;

/// The rules of a program being evaluated over a store on rayon's workers.
///
/// A rule after one that ran out of budget (`first_failed`, the lowest such
/// index) is skipped: the run stops there, as it would going through the
/// rules in order; every rule before it is still evaluated, so the one
/// reported is the first in order.
struct RuleRun<'a> {
    program: &'a Program,
    store: &'a Store,
    max_work: u64,
    first_failed: AtomicUsize,
}

impl RuleRun<'_> {
    /// Evaluates the rules of `range` on the current thread and rayon's
    /// other workers (halves are offered to them until one rule is left),
    /// pushing each rule's outcome to `out` in rule order.
    fn evaluate(&self, range: std::ops::Range<usize>, out: &mut Vec<RuleOutcome>) {
        if range.len() > 1 {
            let middle = range.start + range.len() / 2;
            let mut later = Vec::new();
            rayon::join(
                || self.evaluate(range.start..middle, out),
                || self.evaluate(middle..range.end, &mut later),
            );
            out.append(&mut later);
            return;
        }
        for index in range {
            if index > self.first_failed.load(Ordering::Relaxed) {
                out.push(None);
                continue;
            }
            let result = evaluate_rule_counted(self.program, self.store, index, self.max_work);
            if result.is_err() {
                self.first_failed.fetch_min(index, Ordering::Relaxed);
            }
            out.push(Some(result));
        }
    }
}

/// Evaluates one rule within `max_work` units of work; also returns how many
/// bindings reached its `require`.
pub(crate) fn evaluate_rule_counted(
    program: &Program,
    store: &Store,
    index: usize,
    max_work: u64,
) -> Result<(Vec<RawFinding>, u64), WorkExceeded> {
    let Some(rule) = program.rules.get(index) else {
        return Ok((Vec::new(), 0));
    };
    let mut ev = Evaluator::for_rule(program, store, rule).with_budget(max_work);
    let mut sink = Sink {
        rule: index,
        by_subject: HashMap::new(),
        findings: Vec::new(),
        reached: 0,
    };
    ev.each_binding(rule, &mut |ev| {
        sink.reached += 1;
        if !ev.truthy(&rule.require) {
            ev.fire(rule, &mut sink);
        }
    });
    ev.budget.check(rule)?;
    // Kept until the report is built, in the arena of the worker that made
    // them (see `evaluate_budgeted`): without the spare capacity.
    sink.findings.shrink_to_fit();
    Ok((sink.findings, sink.reached))
}

struct Sink {
    rule: usize,
    /// Bindings that reached `require` (one increment per binding: free next to
    /// evaluating the condition).
    reached: u64,
    by_subject: HashMap<EntityRef, usize>,
    findings: Vec<RawFinding>,
}

/// Evaluation state for one rule: the program, the store and the variable slots.
pub(crate) struct Evaluator<'a> {
    program: &'a Program,
    store: &'a Store,
    env: Vec<Value<'a>>,
    /// Per clause of the rule being evaluated: a hash lookup to use instead of
    /// a scan (see [`index`]).
    lookups: Vec<Option<lookup::Lookup<'a>>>,
    indexes: index::Indexes<'a>,
    budget: Budget,
}

impl<'a> Evaluator<'a> {
    /// An evaluator with `slots` empty variable slots.
    pub(crate) fn new(program: &'a Program, store: &'a Store, slots: usize) -> Self {
        Evaluator {
            program,
            store,
            env: vec![Value::Absent; slots],
            lookups: Vec::new(),
            indexes: index::Indexes::default(),
            budget: Budget::new(u64::MAX),
        }
    }

    /// The same evaluator, allowed `max_work` units of work (see [`budget`]).
    pub(crate) fn with_budget(mut self, max_work: u64) -> Self {
        self.budget = Budget::new(max_work);
        self
    }

    /// The error for `rule` when the budget ran out.
    pub(crate) fn check_budget(&self, rule: &Rule) -> Result<(), WorkExceeded> {
        self.budget.check(rule)
    }

    /// An evaluator for `rule`, with its join lookups planned.
    pub(crate) fn for_rule(program: &'a Program, store: &'a Store, rule: &'a Rule) -> Self {
        Evaluator {
            lookups: lookup::plan(rule),
            ..Evaluator::new(program, store, rule.slots)
        }
    }

    /// Calls `visit` once for every binding of `rule`'s `for`/`let`/`where`
    /// clauses, with the variables set as `require` sees them. Rule evaluation
    /// and `explain` both walk bindings through here, so they cannot disagree.
    pub(crate) fn each_binding(&mut self, rule: &'a Rule, visit: &mut dyn FnMut(&mut Self)) {
        self.clauses(rule, 0, visit);
    }

    /// The value of a variable slot (for `explain`).
    pub(crate) fn var(&self, slot: usize) -> Option<&Value<'a>> {
        self.env.get(slot)
    }

    /// Sets a variable slot.
    pub(crate) fn bind(&mut self, slot: usize, value: Value<'a>) {
        if let Some(v) = self.env.get_mut(slot) {
            *v = value;
        }
    }

    fn clauses(&mut self, rule: &'a Rule, i: usize, visit: &mut dyn FnMut(&mut Self)) {
        match rule.clauses.get(i) {
            None => visit(self),
            Some(Clause::For {
                slot,
                collection,
                filter,
            }) => {
                if let Some((kind, rows)) = self.looked_up(i) {
                    for row in rows {
                        if !self.budget.spend(1) {
                            return;
                        }
                        self.bind(*slot, Value::Entity(kind, row));
                        if filter.as_ref().is_none_or(|f| self.truthy(f)) {
                            self.clauses(rule, i + 1, visit);
                        }
                    }
                    return;
                }
                let coll = self.eval(collection);
                for item in items(&coll) {
                    if !self.budget.spend(1) {
                        return;
                    }
                    self.bind(*slot, item);
                    if filter.as_ref().is_none_or(|f| self.truthy(f)) {
                        self.clauses(rule, i + 1, visit);
                    }
                }
            }
            Some(Clause::Let { slot, value }) => {
                let v = self.eval(value);
                self.bind(*slot, v);
                self.clauses(rule, i + 1, visit);
            }
            Some(Clause::Where(cond)) => {
                if self.truthy(cond) {
                    self.clauses(rule, i + 1, visit);
                }
            }
        }
    }

    /// For clause `i` with a lookup: the kind and the rows whose field equals
    /// the lookup's key, a superset of those that pass the filter. `None` means
    /// scan (no lookup, or a key value that has no hash key).
    fn looked_up(&mut self, i: usize) -> Option<(KindId, Vec<u32>)> {
        let lookup = (*self.lookups.get(i)?)?;
        self.rows_for(&lookup)
    }

    /// For a filter over a root collection with a usable equality: as
    /// [`Self::looked_up`], planned on the spot (a walk of the condition's
    /// conjuncts, small next to the scan it saves).
    fn lookup_scan(
        &mut self,
        collection: &'a CExpr,
        cond: &'a CExpr,
        slot: usize,
    ) -> Option<(KindId, Vec<u32>)> {
        let lookup = lookup::plan_scan(collection, cond, slot)?;
        self.rows_for(&lookup)
    }

    /// The rows matching a lookup's key, or `None` when the key value has no hash key.
    fn rows_for(&mut self, lookup: &lookup::Lookup<'a>) -> Option<(KindId, Vec<u32>)> {
        let value = self.eval(lookup.key);
        let k = index::key(&value, lookup.nocase)?;
        let rows = self.indexes.rows(self.store, lookup, &k).to_vec();
        Some((lookup.kind, rows))
    }

    fn fire(&mut self, rule: &'a Rule, sink: &mut Sink) {
        let Value::Entity(kind, row) = self.eval(&rule.subject) else {
            return;
        };
        let subject = (kind, row);
        let index = match sink.by_subject.get(&subject) {
            Some(&i) => i,
            None => {
                let message = self.render(&rule.message);
                let fix = rule.fix.as_ref().map(|f| self.render(f));
                sink.findings.push(RawFinding {
                    rule: sink.rule,
                    subject,
                    message,
                    fix,
                    related: Related::default(),
                    places: Related::default(),
                });
                sink.by_subject.insert(subject, sink.findings.len() - 1);
                sink.findings.len() - 1
            }
        };
        let mut related = Vec::new();
        for &slot in &rule.related_slots {
            if let Some(Value::Entity(k, r)) = self.env.get(slot) {
                related.push((*k, *r));
            }
        }
        for e in &rule.related {
            let v = self.eval(e);
            collect_entities(&v, &mut related);
        }
        let mut places = Vec::new();
        for e in &rule.places {
            let v = self.eval(e);
            collect_entities(&v, &mut places);
        }
        self.budget.spend((related.len() + places.len()) as u64);
        if let Some(f) = sink.findings.get_mut(index) {
            f.places.add(places);
            f.related.add(related.into_iter().filter(|r| *r != subject));
        }
    }

    /// Renders a message template.
    pub(crate) fn render(&mut self, parts: &'a [Part]) -> String {
        let mut out = String::new();
        for part in parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Expr(e) => {
                    let v = self.eval(e);
                    out.push_str(&display(self.program, self.store, &v));
                }
            }
        }
        self.budget.spend(out.len() as u64);
        out
    }

    /// Whether a condition holds (an absent value does not).
    pub(crate) fn truthy(&mut self, e: &'a CExpr) -> bool {
        matches!(self.eval(e), Value::Bool(true))
    }

    /// Evaluates an expression.
    pub(crate) fn eval(&mut self, e: &'a CExpr) -> Value<'a> {
        match &e.kind {
            CExprKind::Const(c) => const_value(c),
            CExprKind::Var(slot) => self.env.get(*slot).cloned().unwrap_or(Value::Absent),
            CExprKind::Root(field, d) => read(
                self.store,
                *d,
                self.store.cell(crate::schema::ROOT, *field, 0),
            ),
            CExprKind::Field {
                base,
                kind,
                field,
                decode,
            } => match self.eval(base) {
                Value::Entity(k, row) if k == *kind => {
                    read(self.store, *decode, self.store.cell(k, *field, row))
                }
                _ => Value::Absent,
            },
            CExprKind::MapField {
                base,
                kind,
                field,
                decode,
            } => {
                let list = self.eval(base);
                let mut out = Vec::new();
                if !self.budget.spend(len(&list) as u64) {
                    return Value::List(Rc::new(out));
                }
                for item in items(&list) {
                    if let Value::Entity(k, row) = item {
                        if k != *kind {
                            continue;
                        }
                        let v = read(self.store, *decode, self.store.cell(k, *field, row));
                        match v {
                            Value::Absent => {}
                            v if is_list(&v) => out.extend(items(&v)),
                            v => out.push(v),
                        }
                    }
                }
                Value::List(Rc::new(out))
            }
            CExprKind::Has { base, kind, field } => match self.eval(base) {
                Value::Entity(k, row) if k == *kind => {
                    Value::Bool(self.store.cell(k, *field, row) != NONE)
                }
                _ => Value::Bool(false),
            },
            CExprKind::Not(inner) => Value::Bool(!self.truthy(inner)),
            CExprKind::Binary {
                op,
                lhs,
                rhs,
                nocase,
            } => self.binary(*op, lhs, rhs, *nocase),
            CExprKind::List(items_) => {
                Value::List(Rc::new(items_.iter().map(|i| self.eval(i)).collect()))
            }
            CExprKind::Call(func, arg) => self.call(*func, arg),
            CExprKind::Filter {
                slot,
                collection,
                cond,
            } => {
                let mut out = Vec::new();
                if let Some((kind, rows)) = self.lookup_scan(collection, cond, *slot) {
                    // The rows whose field equals the key, in row order: a
                    // superset of the result, still checked against `cond`.
                    for row in rows {
                        if !self.budget.spend(1) {
                            break;
                        }
                        self.bind(*slot, Value::Entity(kind, row));
                        if self.truthy(cond) {
                            out.push(Value::Entity(kind, row));
                        }
                    }
                    return Value::List(Rc::new(out));
                }
                let coll = self.eval(collection);
                for item in items(&coll) {
                    if !self.budget.spend(1) {
                        break;
                    }
                    self.bind(*slot, item.clone());
                    if self.truthy(cond) {
                        out.push(item);
                    }
                }
                Value::List(Rc::new(out))
            }
            CExprKind::All {
                slot,
                collection,
                cond,
            } => {
                let coll = self.eval(collection);
                for item in items(&coll) {
                    if !self.budget.spend(1) {
                        break;
                    }
                    self.bind(*slot, item);
                    if !self.truthy(cond) {
                        return Value::Bool(false);
                    }
                }
                Value::Bool(true)
            }
        }
    }

    fn binary(&mut self, op: BinOp, lhs: &'a CExpr, rhs: &'a CExpr, nocase: bool) -> Value<'a> {
        match op {
            BinOp::And => return Value::Bool(self.truthy(lhs) && self.truthy(rhs)),
            BinOp::Or => return Value::Bool(self.truthy(lhs) || self.truthy(rhs)),
            _ => {}
        }
        if let (BinOp::In | BinOp::NotIn, CExprKind::Const(Const::List(consts))) = (op, &rhs.kind) {
            // `x in open` against a named constant list: compare with the
            // constants in place rather than building the list per binding.
            let l = self.eval(lhs);
            let found = !matches!(l, Value::Absent)
                && consts
                    .iter()
                    .any(|c| equal(&l, &const_value(c), nocase) == Some(true));
            return Value::Bool(found == matches!(op, BinOp::In));
        }
        let l = self.eval(lhs);
        let r = self.eval(rhs);
        if matches!(op, BinOp::In | BinOp::NotIn) {
            self.budget.spend(len(&r) as u64);
        }
        let result = match op {
            BinOp::Eq => equal(&l, &r, nocase).unwrap_or(false),
            BinOp::Ne => !equal(&l, &r, nocase).unwrap_or(false),
            BinOp::In => member(&l, &r, nocase),
            BinOp::NotIn => !member(&l, &r, nocase),
            BinOp::Lt => order(&l, &r).is_some_and(|o| o.is_lt()),
            BinOp::Le => order(&l, &r).is_some_and(|o| o.is_le()),
            BinOp::Gt => order(&l, &r).is_some_and(|o| o.is_gt()),
            BinOp::Ge => order(&l, &r).is_some_and(|o| o.is_ge()),
            BinOp::And | BinOp::Or => false,
        };
        Value::Bool(result)
    }

    fn call(&mut self, func: Func, arg: &'a CExpr) -> Value<'a> {
        let v = self.eval(arg);
        match func {
            Func::Count => Value::Int(len(&v) as i64),
            Func::Any => Value::Bool(len(&v) > 0),
            Func::None => Value::Bool(len(&v) == 0),
            Func::Distinct => {
                self.budget.spend(len(&v) as u64);
                Value::List(Rc::new(distinct(&v)))
            }
        }
    }
}

/// The elements of a list without repeats, first occurrences kept, in time
/// linear in its length: values with a hash key are looked up in a set. Numbers
/// equal to an integer are keyed as that integer (`1 == 1.0`); other numbers are
/// compared with the earlier ones; absent values and lists equal nothing.
fn distinct<'a>(v: &Value<'a>) -> Vec<Value<'a>> {
    let mut out: Vec<Value<'a>> = Vec::new();
    let mut seen: hashbrown::HashSet<index::Key<'a>> = hashbrown::HashSet::new();
    let mut fractions: Vec<f64> = Vec::new();
    for item in items(v) {
        let new = match &item {
            Value::Num(n) if n.fract() == 0.0 && n.abs() < 9.2e18 => {
                seen.insert(index::Key::Int(*n as i64))
            }
            Value::Num(n) => {
                let new = !fractions.contains(n);
                if new {
                    fractions.push(*n);
                }
                new
            }
            other => index::key(other, false).is_none_or(|k| seen.insert(k)),
        };
        if new {
            out.push(item);
        }
    }
    out
}

fn const_value(c: &Const) -> Value<'_> {
    match c {
        Const::Bool(b) => Value::Bool(*b),
        Const::Int(i) => Value::Int(*i),
        Const::Num(n) => Value::Num(*n),
        Const::Str(s) => Value::Str(s),
        Const::Date(d) => Value::Date(*d),
        Const::Enum(e, v) => Value::Enum(*e, *v),
        Const::List(items) => Value::List(Rc::new(items.iter().map(const_value).collect())),
    }
}

/// Reads a cell as a value.
pub(crate) fn read(store: &Store, decode: Decode, cell: u32) -> Value<'_> {
    if cell == NONE {
        return Value::Absent;
    }
    match decode {
        Decode::Str(_) => Value::Str(store.str(cell)),
        Decode::Int => store.int(cell).map_or(Value::Absent, Value::Int),
        Decode::Num => store
            .nums
            .get(cell as usize)
            .map_or(Value::Absent, |&n| Value::Num(n)),
        Decode::Bool => Value::Bool(cell == 1),
        Decode::Date => Value::Date(cell_date(cell)),
        Decode::Enum(e) => Value::Enum(e, cell),
        Decode::Entity(k) => Value::Entity(k, cell),
        Decode::Rows(k) => {
            let (start, len) = store.list(cell);
            Value::Rows(k, start, len)
        }
        Decode::RefList(k) => Value::Refs(k, store.pool_list(cell)),
        Decode::EnumList(e) => Value::Enums(e, store.pool_list(cell)),
        Decode::ScalarList(p) => {
            let d = match p {
                Prim1::Str(nc) => Decode::Str(nc),
                Prim1::Int => Decode::Int,
                Prim1::Num => Decode::Num,
                Prim1::Bool => Decode::Bool,
                Prim1::Date => Decode::Date,
            };
            Value::List(Rc::new(
                store
                    .pool_list(cell)
                    .iter()
                    .map(|&c| read(store, d, c))
                    .collect(),
            ))
        }
    }
}

fn is_list(v: &Value<'_>) -> bool {
    matches!(
        v,
        Value::Rows(..) | Value::Refs(..) | Value::Enums(..) | Value::List(_)
    )
}

/// The number of elements of a list (0 for anything else).
pub(crate) fn len(v: &Value<'_>) -> usize {
    match v {
        Value::Rows(_, _, n) => *n as usize,
        Value::Refs(_, s) | Value::Enums(_, s) => s.len(),
        Value::List(l) => l.len(),
        _ => 0,
    }
}

/// The elements of a list value (nothing for other values).
pub(crate) fn items<'a>(v: &Value<'a>) -> Items<'a> {
    Items::of(v)
}

/// Equality; `None` when either side is absent (absent equals nothing).
pub(crate) fn equal(a: &Value<'_>, b: &Value<'_>, nocase: bool) -> Option<bool> {
    Some(match (a, b) {
        (Value::Absent, _) | (_, Value::Absent) => return None,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Int(_) | Value::Num(_), Value::Int(_) | Value::Num(_)) => as_f64(a) == as_f64(b),
        (Value::Str(x), Value::Str(y)) if nocase => eq_nocase(x, y),
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Date(x), Value::Date(y)) => x == y,
        (Value::Enum(e1, x), Value::Enum(e2, y)) => e1 == e2 && x == y,
        (Value::Entity(k1, x), Value::Entity(k2, y)) => k1 == k2 && x == y,
        _ => false,
    })
}

fn eq_nocase(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        a.chars()
            .flat_map(char::to_lowercase)
            .eq(b.chars().flat_map(char::to_lowercase))
    }
}

fn as_f64(v: &Value<'_>) -> f64 {
    match v {
        Value::Int(i) => *i as f64,
        Value::Num(n) => *n,
        _ => f64::NAN,
    }
}

fn member(item: &Value<'_>, list: &Value<'_>, nocase: bool) -> bool {
    if matches!(item, Value::Absent) {
        return false;
    }
    match (item, list) {
        (Value::Enum(e, v), Value::Enums(le, vals)) => e == le && vals.contains(v),
        (Value::Entity(k, r), Value::Refs(lk, rows)) => k == lk && rows.contains(r),
        (Value::Entity(k, r), Value::Rows(lk, start, n)) => {
            k == lk && (*start..start.saturating_add(*n)).contains(r)
        }
        _ => items(list).any(|x| equal(item, &x, nocase) == Some(true)),
    }
}

fn order(a: &Value<'_>, b: &Value<'_>) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::Int(_) | Value::Num(_), Value::Int(_) | Value::Num(_)) => {
            as_f64(a).partial_cmp(&as_f64(b))
        }
        (Value::Date(x), Value::Date(y)) => Some(x.cmp(y)),
        (Value::Str(x), Value::Str(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

fn collect_entities(v: &Value<'_>, out: &mut Vec<EntityRef>) {
    match v {
        Value::Entity(k, r) => out.push((*k, *r)),
        other if is_list(other) => {
            for item in items(other) {
                if let Value::Entity(k, r) = item {
                    out.push((k, r));
                }
            }
        }
        _ => {}
    }
}

/// Renders a value for a message: ids for entities, names for enum values.
pub(crate) fn display(program: &Program, store: &Store, v: &Value<'_>) -> String {
    let schema = &program.schema;
    match v {
        Value::Absent => "none".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Num(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{n:.0}"),
        Value::Num(n) => n.to_string(),
        Value::Str(s) => (*s).to_string(),
        Value::Date(d) => crate::date::format_date(*d),
        Value::Enum(e, i) => schema
            .enums
            .get(*e)
            .and_then(|en| en.variants.get(*i as usize))
            .cloned()
            .unwrap_or_default(),
        Value::Entity(k, r) => store
            .row_id(*k, *r)
            .map_or_else(|| schema.kind(*k).name.clone(), str::to_string),
        list => {
            let parts: Vec<String> = items(list).map(|i| display(program, store, &i)).collect();
            parts.join(", ")
        }
    }
}
