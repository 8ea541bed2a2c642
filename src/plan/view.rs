//! What the reports of a plan share: ids, the fields of a planned request in
//! the schema's own words, and the blockers grouped by rule.

use std::collections::BTreeMap;

use super::{GroupStatus, Plan, PlanSpec, Request};
use crate::eval::{display, read, Value};
use crate::lang::compile::decode;
use crate::program::Program;
use crate::scenario::store::{Store, NONE};
use crate::schema::{FieldId, KindId};

/// A scalar of a planned request or item, as reports write it.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    /// Text (ids, enum values, dates, strings).
    Str(String),
    /// An integer.
    Int(i64),
    /// A number.
    Num(f64),
    /// A boolean.
    Bool(bool),
}

/// The reports' view of a plan: the plan, and what names its rows.
pub struct View<'a> {
    /// The rules.
    pub program: &'a Program,
    /// The plan declaration.
    pub spec: &'a PlanSpec,
    /// The book.
    pub store: &'a Store,
    /// The plan.
    pub plan: &'a Plan,
}

impl<'a> View<'a> {
    /// The id of a row (empty when it has none).
    pub fn id(&self, kind: KindId, row: u32) -> &'a str {
        self.store.row_id(kind, row).unwrap_or("")
    }

    /// The source's id.
    pub fn from(&self) -> &'a str {
        self.id(self.spec.party_kind, self.plan.from)
    }

    /// The target's id.
    pub fn to(&self) -> &'a str {
        self.id(self.spec.party_kind, self.plan.to)
    }

    /// A group's id.
    pub fn group(&self, row: u32) -> &'a str {
        self.id(self.spec.group_kind, row)
    }

    /// A moved entity's id.
    pub fn moved(&self, row: u32) -> &'a str {
        self.id(self.spec.moved, row)
    }

    /// The name of the group kind (`customer`).
    pub fn group_name(&self) -> &'a str {
        &self.program.schema.kind(self.spec.group_kind).name
    }

    /// The name of the moved kind (`subscription`).
    pub fn moved_name(&self) -> &'a str {
        &self.program.schema.kind(self.spec.moved).name
    }

    fn field_name(&self, kind: KindId, field: FieldId) -> String {
        self.program
            .schema
            .kind(kind)
            .field_decl(field)
            .name
            .clone()
    }

    /// A request's fields as the book would hold them, in declaration order:
    /// id, source, target, group, the `set` fields; then the items field's name.
    pub fn request_fields(&self, r: &Request) -> (Vec<(String, Scalar)>, String) {
        let spec = self.spec;
        let kind = spec.request;
        let id_name = self
            .program
            .schema
            .kind(kind)
            .id_field
            .map_or_else(|| "id".to_string(), |f| self.field_name(kind, f));
        let mut out = vec![
            (id_name, Scalar::Str(r.id.clone())),
            (
                self.field_name(kind, spec.from.0),
                Scalar::Str(self.from().into()),
            ),
            (
                self.field_name(kind, spec.to),
                Scalar::Str(self.to().into()),
            ),
            (
                self.field_name(kind, spec.group.0),
                Scalar::Str(self.group(r.group).into()),
            ),
        ];
        for &(field, value) in &spec.set {
            let ty = &self.program.schema.kind(kind).field_decl(field).ty;
            let v = read(self.store, decode(ty), value);
            out.push((self.field_name(kind, field), self.scalar(&v)));
        }
        (out, self.field_name(kind, spec.items))
    }

    /// An item's fields: the moved entity's id, then the copied fields it has.
    pub fn item_fields(&self, moved: u32) -> Vec<(String, Scalar)> {
        let spec = self.spec;
        let mut out = vec![(
            self.field_name(spec.item, spec.item_ref),
            Scalar::Str(self.moved(moved).into()),
        )];
        for &(to, from) in &spec.copy {
            let cell = self.store.cell(spec.moved, from, moved);
            if cell == NONE {
                continue;
            }
            let ty = &self.program.schema.kind(spec.moved).field_decl(from).ty;
            let v = read(self.store, decode(ty), cell);
            out.push((self.field_name(spec.item, to), self.scalar(&v)));
        }
        out
    }

    fn scalar(&self, v: &Value<'_>) -> Scalar {
        match v {
            Value::Int(i) => Scalar::Int(*i),
            Value::Num(n) => Scalar::Num(*n),
            Value::Bool(b) => Scalar::Bool(*b),
            other => Scalar::Str(display(self.program, self.store, other)),
        }
    }

    /// The blockers grouped by rule, most blocked groups first.
    pub fn blockers(&self) -> Vec<Blocker> {
        let mut by_rule: BTreeMap<&str, Blocker> = BTreeMap::new();
        for g in &self.plan.groups {
            if g.status != GroupStatus::Blocked {
                continue;
            }
            let mut rules: Vec<&str> = g.blockers.iter().map(|b| b.rule.as_str()).collect();
            rules.sort_unstable();
            rules.dedup();
            for reason in &g.blockers {
                let entry = by_rule.entry(&reason.rule).or_insert_with(|| Blocker {
                    rule: reason.rule.clone(),
                    summary: self.summary(&reason.rule),
                    groups: Vec::new(),
                    unblocks: 0,
                });
                if entry.groups.iter().any(|(row, _)| *row == g.row) {
                    continue;
                }
                let fix = reason.fix.clone().unwrap_or_else(|| reason.message.clone());
                entry.groups.push((g.row, fix));
                if rules.len() == 1 {
                    entry.unblocks += 1;
                }
            }
        }
        let mut out: Vec<Blocker> = by_rule.into_values().collect();
        out.sort_by(|a, b| {
            b.groups
                .len()
                .cmp(&a.groups.len())
                .then_with(|| a.rule.cmp(&b.rule))
        });
        out
    }

    fn summary(&self, rule: &str) -> String {
        self.program
            .rules
            .iter()
            .find(|r| r.id == rule)
            .map_or_else(String::new, |r| r.summary.clone())
    }
}

/// The groups one rule blocks, each with its fix.
#[derive(Clone, Debug)]
pub struct Blocker {
    /// The rule.
    pub rule: String,
    /// Its summary.
    pub summary: String,
    /// The blocked groups (rows) and the fix for each.
    pub groups: Vec<(u32, String)>,
    /// Groups for which this is the only blocking rule: fixing it unblocks them.
    pub unblocks: usize,
}
