//! Compiles rules against the schema: names to slots, fields and enum values,
//! with type checks. Every error is collected; nothing is evaluated here.
//!
//! This module compiles files, constants, rules and their clauses; `expr`
//! compiles expressions, `calls` the built-in functions and filters, and
//! `types` holds the static types and how schema fields map to them.

use std::collections::HashMap;

use super::ast::{self, Clause, Expr, Ident, Item, RuleDecl, RuleFile, Template, TemplatePart};
use super::diag::Diags;
use super::error::CheckCode;
use crate::program::{self as ir, CExpr, CExprKind, Part};
use crate::schema::{KindId, Schema};
use crate::source::{SourceFile, Span};

mod calls;
mod expr;
mod types;

pub(crate) use types::{decode, field_ty, ty_name, Ty};

/// A compiled expression and its type; `None` after an error was reported.
type Typed = Option<(CExpr, Ty)>;

/// A named constant, compiled on first use.
struct ConstEntry<'f> {
    decl: &'f ast::ConstDecl,
    file: usize,
    used: bool,
}

/// Compiles all rules of `files`.
pub(crate) fn compile_rules(
    schema: &Schema,
    files: &[RuleFile],
    sources: &[SourceFile],
    diags: &mut Diags,
) -> Vec<ir::Rule> {
    let mut consts: HashMap<String, ConstEntry<'_>> = HashMap::new();
    for (file, rf) in files.iter().enumerate() {
        for item in &rf.items {
            if let Item::Const(c) = item {
                if let Some(prev) = consts.get(&c.name.name) {
                    let first = (prev.file, prev.decl.name.span);
                    diags.duplicate(file, c.name.span, "constant", &c.name.name, first);
                } else {
                    consts.insert(
                        c.name.name.clone(),
                        ConstEntry {
                            decl: c,
                            file,
                            used: false,
                        },
                    );
                }
            }
        }
    }
    let mut compiler = Compiler {
        schema,
        consts,
        diags,
        file: 0,
        scope: Vec::new(),
        slots: Vec::new(),
        used: Vec::new(),
        lets: Vec::new(),
        const_depth: 0,
    };
    let mut rules: Vec<ir::Rule> = Vec::new();
    let mut seen: HashMap<String, (usize, Span)> = HashMap::new();
    for (file, rf) in files.iter().enumerate() {
        for item in &rf.items {
            let Item::Rule(decl) = item else { continue };
            if let Some(&first) = seen.get(&decl.id.name) {
                compiler
                    .diags
                    .duplicate(file, decl.id.span, "rule", &decl.id.name, first);
                continue;
            }
            seen.insert(decl.id.name.clone(), (file, decl.id.span));
            compiler.file = file;
            let doc = sources
                .get(file)
                .map_or(String::new(), |s| doc_above(&s.text, decl.span.start));
            if let Some(rule) = compiler.rule(decl, doc) {
                super::lint::check_rule(schema, decl, &rule, compiler.diags, file);
                super::cost::check_rule_cost(schema, decl, &rule, compiler.diags, file);
                rules.push(rule);
            }
        }
    }
    warn_unused_constants(&compiler.consts, compiler.diags);
    rules
}

/// Warns about named constants that nothing uses, in file order.
fn warn_unused_constants(consts: &HashMap<String, ConstEntry<'_>>, diags: &mut Diags) {
    let mut unused: Vec<&ConstEntry<'_>> = consts.values().filter(|c| !c.used).collect();
    unused.sort_by_key(|c| (c.file, c.decl.span.start));
    for c in unused {
        let name = &c.decl.name.name;
        diags.warning(
            c.file,
            c.decl.name.span,
            CheckCode::UnusedConstant,
            format!("constant `{name}` is never used"),
            "never used",
            Some(format!("use `{name}` in a rule, or remove it")),
        );
    }
}

/// The `##` comment lines directly above `offset`, without their markers.
pub(crate) fn doc_above(text: &str, offset: usize) -> String {
    let before = text.get(..offset).unwrap_or("");
    let mut lines: Vec<&str> = Vec::new();
    for line in before.lines().rev().skip_while(|l| l.trim().is_empty()) {
        let trimmed = line.trim_start();
        match trimmed.strip_prefix("##") {
            Some(rest) => lines.push(rest.strip_prefix(' ').unwrap_or(rest)),
            None => break,
        }
    }
    lines.reverse();
    lines.join("\n")
}

struct Compiler<'s, 'f, 'd> {
    schema: &'s Schema,
    consts: HashMap<String, ConstEntry<'f>>,
    diags: &'d mut Diags,
    file: usize,
    /// Visible variables: name, slot, type.
    scope: Vec<(String, usize, Ty)>,
    /// Names of all slots of the current rule.
    slots: Vec<String>,
    /// Whether each slot of the current rule is read somewhere.
    used: Vec<bool>,
    /// The rule-level `let` variables of the current rule: slot and name.
    lets: Vec<(usize, Ident)>,
    const_depth: usize,
}

impl Compiler<'_, '_, '_> {
    fn err(
        &mut self,
        span: Span,
        code: CheckCode,
        message: String,
        label: &str,
        help: Option<String>,
    ) {
        self.diags
            .error(self.file, span, code, message, label, help);
    }

    fn bind(&mut self, name: &Ident, ty: Ty) -> usize {
        let slot = self.slots.len();
        self.slots.push(name.name.clone());
        self.used.push(false);
        self.scope.push((name.name.clone(), slot, ty));
        slot
    }

    fn rule(&mut self, decl: &RuleDecl, doc: String) -> Option<ir::Rule> {
        self.scope.clear();
        self.slots.clear();
        self.used.clear();
        self.lets.clear();
        let errors_before = self.diags.errors.len();
        let mut clauses = Vec::new();
        let mut related_slots = Vec::new();
        for clause in &decl.clauses {
            if let Some(c) = self.clause(clause, &mut related_slots) {
                clauses.push(c);
            }
        }
        let require = self.condition(&decl.require).map(|c| {
            if decl.forbid {
                // The negation has no text of its own: `forbid X` shows as X.
                let span = c.span;
                CExpr {
                    kind: CExprKind::Not(Box::new(c)),
                    span,
                }
            } else {
                c
            }
        });
        let subject = self.subject(&decl.subject);
        let message = self.template(&decl.message);
        let fix = decl.fix.as_ref().map(|t| self.template(t));
        let related: Vec<CExpr> = decl
            .related
            .iter()
            .filter_map(|e| self.related(e))
            .collect();
        let places: Vec<CExpr> = decl.places.iter().filter_map(|e| self.place(e)).collect();
        let summary = self.plain_text(&decl.summary);
        if self.diags.errors.len() > errors_before {
            return None;
        }
        self.warn_unused_lets();
        let (subject, _) = subject?;
        Some(ir::Rule {
            id: decl.id.name.clone(),
            severity: decl.severity,
            summary,
            doc,
            file: self.file,
            span: decl.span,
            clauses,
            require: require?,
            forbid: decl.forbid,
            subject,
            message: message?,
            fix: fix.flatten(),
            related,
            places,
            related_slots,
            slots: self.slots.len(),
            slot_names: self.slots.clone(),
        })
    }

    fn warn_unused_lets(&mut self) {
        let unused: Vec<Ident> = self
            .lets
            .iter()
            .filter(|(slot, _)| !self.used.get(*slot).copied().unwrap_or(true))
            .map(|(_, var)| var.clone())
            .collect();
        for var in unused {
            self.diags.warning(
                self.file,
                var.span,
                CheckCode::UnusedLet,
                format!("`let {}` is never used", var.name),
                "never used",
                Some(format!(
                    "use `{}` in the rule, or remove the `let`",
                    var.name
                )),
            );
        }
    }

    fn clause(&mut self, clause: &Clause, related_slots: &mut Vec<usize>) -> Option<ir::Clause> {
        match clause {
            Clause::For {
                var,
                collection,
                filter,
            } => {
                let (coll, ty) = self.expr(collection)?;
                let Ty::List(elem) = ty else {
                    self.err(
                        collection.span,
                        CheckCode::TypeMismatch,
                        format!("`for` needs a list, found {}", self.ty_name(&ty)),
                        "not a list",
                        None,
                    );
                    return None;
                };
                let slot = self.bind(var, (*elem).clone());
                if let Ty::Entity(k) = *elem {
                    if self.schema.kind(k).id_field.is_some() {
                        related_slots.push(slot);
                    }
                }
                let filter = match filter {
                    Some(f) => Some(self.condition(f)?),
                    None => None,
                };
                Some(ir::Clause::For {
                    slot,
                    collection: coll,
                    filter,
                })
            }
            Clause::Let { var, value } => {
                let (value, ty) = self.expr(value)?;
                if ty == Ty::Sym {
                    self.err(
                        var.span,
                        CheckCode::TypeMismatch,
                        "a `let` cannot hold a bare name".into(),
                        "bare name",
                        Some("compare it with a field of an enum type instead".into()),
                    );
                    return None;
                }
                let slot = self.bind(var, ty);
                self.lets.push((slot, var.clone()));
                Some(ir::Clause::Let { slot, value })
            }
            Clause::Where(cond) => Some(ir::Clause::Where(self.condition(cond)?)),
        }
    }

    fn condition(&mut self, e: &Expr) -> Option<CExpr> {
        let (c, ty) = self.expr(e)?;
        if ty == Ty::Bool {
            return Some(c);
        }
        if ty == Ty::Sym {
            self.unknown_name(e);
            return None;
        }
        self.err(
            e.span,
            CheckCode::TypeMismatch,
            format!("expected a condition, found {}", self.ty_name(&ty)),
            "not a condition",
            None,
        );
        None
    }

    fn subject(&mut self, e: &Expr) -> Option<(CExpr, KindId)> {
        let (c, ty) = self.expr(e)?;
        match ty {
            Ty::Entity(k) if self.schema.kind(k).id_field.is_some() => Some((c, k)),
            other => {
                let kinds: Vec<String> = self
                    .schema
                    .identified_kinds()
                    .map(|k| format!("`{}`", self.schema.kind(k).name))
                    .collect();
                self.err(
                    e.span,
                    CheckCode::InvalidSubject,
                    format!(
                        "the subject must be an entity with an id, found {}",
                        self.ty_name(&other)
                    ),
                    "not an entity with an id",
                    Some(format!("use a {}", kinds.join(", "))),
                );
                None
            }
        }
    }

    fn related(&mut self, e: &Expr) -> Option<CExpr> {
        let (c, ty) = self.expr(e)?;
        let kind = match &ty {
            Ty::Entity(k) => Some(*k),
            Ty::List(inner) => match inner.as_ref() {
                Ty::Entity(k) => Some(*k),
                _ => None,
            },
            _ => None,
        };
        match kind {
            Some(k) if self.schema.kind(k).id_field.is_some() => Some(c),
            _ => {
                self.err(
                    e.span,
                    CheckCode::TypeMismatch,
                    format!(
                        "`related` lists entities with ids, found {}",
                        self.ty_name(&ty)
                    ),
                    "not an entity with an id",
                    None,
                );
                None
            }
        }
    }

    /// A place to edit: an entity or a record (with or without an id), or a
    /// list of them.
    fn place(&mut self, e: &Expr) -> Option<CExpr> {
        let (c, ty) = self.expr(e)?;
        let is_row = match &ty {
            Ty::Entity(_) => true,
            Ty::List(inner) => matches!(inner.as_ref(), Ty::Entity(_)),
            _ => false,
        };
        if is_row {
            return Some(c);
        }
        if ty == Ty::Sym {
            self.unknown_name(e);
            return None;
        }
        self.err(
            e.span,
            CheckCode::TypeMismatch,
            format!(
                "`at` names entries of the scenario, found {}",
                self.ty_name(&ty)
            ),
            "not an entry",
            Some("name a variable bound to an entity or a record, such as a transfer item".into()),
        );
        None
    }

    fn template(&mut self, t: &Template) -> Option<Vec<Part>> {
        let mut parts = Vec::new();
        let mut ok = true;
        for part in &t.parts {
            match part {
                TemplatePart::Text(s) => parts.push(Part::Text(s.clone())),
                TemplatePart::Expr(e) => match self.expr(e) {
                    Some((_, Ty::Sym)) => {
                        self.unknown_name(e);
                        ok = false;
                    }
                    Some((c, _)) => parts.push(Part::Expr(c)),
                    None => ok = false,
                },
            }
        }
        ok.then_some(parts)
    }

    fn plain_text(&mut self, t: &Template) -> String {
        let mut out = String::new();
        for part in &t.parts {
            match part {
                TemplatePart::Text(s) => out.push_str(s),
                TemplatePart::Expr(e) => self.err(
                    e.span,
                    CheckCode::TypeMismatch,
                    "a summary is plain text".into(),
                    "interpolation not allowed here",
                    None,
                ),
            }
        }
        out
    }
}
