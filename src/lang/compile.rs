//! Compiles rules against the schema: names to slots, fields and enum values,
//! with type checks. Every error is collected; nothing is evaluated here.

use std::collections::HashMap;

use super::ast::{
    self, BinOp, Clause, Expr, ExprKind, Ident, Item, RuleDecl, RuleFile, Template, TemplatePart,
};
use super::diag::Diags;
use super::error::CheckCode;
use crate::program::{self as ir, CExpr, Const, Decode, Func, Part, Prim1};
use crate::schema::{FieldId, FieldType, KindId, Prim, Schema};
use crate::source::{SourceFile, Span};
use crate::suggest::did_you_mean;

/// The static type of an expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Ty {
    /// A boolean.
    Bool,
    /// An integer.
    Int,
    /// A number.
    Num,
    /// A string; `true` when it compares without regard to case.
    Str(bool),
    /// A date.
    Date,
    /// An enum value.
    Enum(usize),
    /// An entity or record.
    Entity(KindId),
    /// A list.
    List(Box<Ty>),
    /// A bare name not yet known to be an enum value; it must meet one.
    Sym,
}

/// A compiled expression and its type; `None` after an error was reported.
type Typed = Option<(CExpr, Ty)>;

/// A named constant, compiled on first use.
struct ConstEntry<'f> {
    decl: &'f ast::ConstDecl,
    file: usize,
    used: bool,
}

/// Compiles all rules of `files`.
pub fn compile_rules(
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
pub fn doc_above(text: &str, offset: usize) -> String {
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
                CExpr::Not(Box::new(c))
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
            subject,
            message: message?,
            fix: fix.flatten(),
            related,
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

    // ---- expressions -------------------------------------------------------

    fn expr(&mut self, e: &Expr) -> Typed {
        match &e.kind {
            ExprKind::Bool(b) => Some((CExpr::Const(Const::Bool(*b)), Ty::Bool)),
            ExprKind::Int(i) => Some((CExpr::Const(Const::Int(*i)), Ty::Int)),
            ExprKind::Num(n) => Some((CExpr::Const(Const::Num(*n)), Ty::Num)),
            ExprKind::Date(d) => Some((CExpr::Const(Const::Date(*d)), Ty::Date)),
            ExprKind::Str(t) => self.string_literal(t, e.span),
            ExprKind::Name(id) => self.name(id),
            ExprKind::Field(base, field) => self.field(base, field),
            ExprKind::Has(base, field) => self.has(base, field),
            ExprKind::Not(inner) => Some((CExpr::Not(Box::new(self.condition(inner)?)), Ty::Bool)),
            ExprKind::Binary(op, lhs, rhs) => self.binary(*op, lhs, rhs),
            ExprKind::List(items) => self.list(items, e.span),
            ExprKind::Call(func, args) => self.call(func, args, e.span),
            ExprKind::Filter {
                var,
                collection,
                cond,
            } => self.filter(var, collection, cond, false),
        }
    }

    fn string_literal(&mut self, t: &Template, span: Span) -> Typed {
        match t.parts.as_slice() {
            [] => Some((CExpr::Const(Const::Str(String::new())), Ty::Str(false))),
            [TemplatePart::Text(s)] => Some((CExpr::Const(Const::Str(s.clone())), Ty::Str(false))),
            _ => {
                self.err(
                    span,
                    CheckCode::TypeMismatch,
                    "interpolation is allowed in messages only".into(),
                    "not a message",
                    None,
                );
                None
            }
        }
    }

    fn name(&mut self, id: &Ident) -> Typed {
        if let Some((_, slot, ty)) = self.scope.iter().rev().find(|(n, _, _)| *n == id.name) {
            let slot = *slot;
            if let Some(u) = self.used.get_mut(slot) {
                *u = true;
            }
            return Some((CExpr::Var(slot), ty.clone()));
        }
        if self.consts.contains_key(&id.name) {
            return self.constant(id);
        }
        let root = self.schema.root();
        if let Some(field) = root.field(&id.name) {
            let ty = &root.field_decl(field).ty;
            return Some((CExpr::Root(field, decode(ty)), field_ty(ty)));
        }
        // A bare name: an enum value, once compared with an enum.
        Some((CExpr::Const(Const::Str(id.name.clone())), Ty::Sym))
    }

    fn constant(&mut self, id: &Ident) -> Typed {
        if self.const_depth > 16 {
            self.err(
                id.span,
                CheckCode::TypeMismatch,
                format!("constant `{}` refers to itself", id.name),
                "cycle",
                None,
            );
            return None;
        }
        let entry = self.consts.get_mut(&id.name)?;
        entry.used = true;
        let (decl, file) = (entry.decl, entry.file);
        let saved_scope = std::mem::take(&mut self.scope);
        let saved_file = std::mem::replace(&mut self.file, file);
        self.const_depth += 1;
        let result = self.expr(&decl.value);
        self.const_depth -= 1;
        self.file = saved_file;
        self.scope = saved_scope;
        result
    }

    fn unknown_name(&mut self, e: &Expr) {
        let name = match &e.kind {
            ExprKind::Name(id) => id.name.clone(),
            _ => "expression".into(),
        };
        let mut candidates: Vec<String> = self.scope.iter().map(|(n, _, _)| n.clone()).collect();
        candidates.extend(self.consts.keys().cloned());
        candidates.extend(self.schema.root().fields.iter().map(|f| f.name.clone()));
        candidates.sort();
        let help = did_you_mean(
            &name,
            candidates.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        self.err(
            e.span,
            CheckCode::UnknownName,
            format!("unknown name `{name}`"),
            "not a variable, constant or root field",
            help,
        );
    }

    fn field(&mut self, base: &Expr, field: &Ident) -> Typed {
        let (b, ty) = self.expr(base)?;
        let (kind, many) = match &ty {
            Ty::Entity(k) => (*k, false),
            Ty::List(inner) => match inner.as_ref() {
                Ty::Entity(k) => (*k, true),
                other => return self.no_fields(base, other, field),
            },
            Ty::Sym => {
                self.unknown_name(base);
                return None;
            }
            other => return self.no_fields(base, other, field),
        };
        let f = self.field_of(kind, field)?;
        let k = self.schema.kind(kind);
        let fty = &k.field_decl(f).ty;
        let (d, t) = (decode(fty), field_ty(fty));
        if many {
            let flat = match t {
                Ty::List(inner) => *inner,
                other => other,
            };
            Some((
                CExpr::MapField {
                    base: Box::new(b),
                    kind,
                    field: f,
                    decode: d,
                },
                Ty::List(Box::new(flat)),
            ))
        } else {
            Some((
                CExpr::Field {
                    base: Box::new(b),
                    kind,
                    field: f,
                    decode: d,
                },
                t,
            ))
        }
    }

    /// The field `field` of `kind`, or an unknown-field error with a suggestion.
    fn field_of(&mut self, kind: KindId, field: &Ident) -> Option<FieldId> {
        let k = self.schema.kind(kind);
        if let Some(f) = k.field(&field.name) {
            return Some(f);
        }
        let help = did_you_mean(&field.name, k.fields.iter().map(|f| f.name.as_str()));
        let message = format!("`{}` has no field `{}`", k.name, field.name);
        self.err(
            field.span,
            CheckCode::UnknownField,
            message,
            "unknown field",
            help,
        );
        None
    }

    fn no_fields(&mut self, base: &Expr, ty: &Ty, field: &Ident) -> Typed {
        let what = self.ty_name(ty);
        self.err(
            base.span.to(field.span),
            CheckCode::TypeMismatch,
            format!("{what} has no fields"),
            "not an entity",
            None,
        );
        None
    }

    fn has(&mut self, base: &Expr, field: &Ident) -> Typed {
        let (b, ty) = self.expr(base)?;
        let Ty::Entity(kind) = ty else {
            let what = self.ty_name(&ty);
            self.err(
                base.span,
                CheckCode::TypeMismatch,
                format!("`has` needs an entity, found {what}"),
                "not an entity",
                None,
            );
            return None;
        };
        let f = self.field_of(kind, field)?;
        Some((
            CExpr::Has {
                base: Box::new(b),
                kind,
                field: f,
            },
            Ty::Bool,
        ))
    }

    fn binary(&mut self, op: BinOp, lhs: &Expr, rhs: &Expr) -> Typed {
        if matches!(op, BinOp::And | BinOp::Or) {
            let l = self.condition(lhs);
            let r = self.condition(rhs);
            return Some((
                CExpr::Binary {
                    op,
                    lhs: Box::new(l?),
                    rhs: Box::new(r?),
                    nocase: false,
                },
                Ty::Bool,
            ));
        }
        let l = self.expr(lhs);
        let r = self.expr(rhs);
        let ((lc, lt), (rc, rt)) = (l?, r?);
        match op {
            BinOp::In | BinOp::NotIn => self.membership(op, (lc, lt, lhs), (rc, rt, rhs)),
            _ => self.comparison(op, (lc, lt, lhs), (rc, rt, rhs)),
        }
    }

    fn comparison(&mut self, op: BinOp, l: (CExpr, Ty, &Expr), r: (CExpr, Ty, &Expr)) -> Typed {
        let (lc, lt) = self.coerce(l.0, l.1, &r.1, l.2)?;
        let (rc, rt) = self.coerce(r.0, r.1, &lt, r.2)?;
        let span = l.2.span.to(r.2.span);
        if lt == Ty::Sym && rt == Ty::Sym {
            self.unknown_name(l.2);
            return None;
        }
        let ordered = matches!(op, BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge);
        let compatible = match (&lt, &rt) {
            (Ty::Int | Ty::Num, Ty::Int | Ty::Num) => true,
            (Ty::Str(_), Ty::Str(_)) | (Ty::Date, Ty::Date) => true,
            (Ty::Bool, Ty::Bool) | (Ty::Enum(_), Ty::Enum(_)) | (Ty::Entity(_), Ty::Entity(_)) => {
                !ordered && lt == rt
            }
            _ => false,
        };
        if !compatible {
            let (a, b) = (self.ty_name(&lt), self.ty_name(&rt));
            let what = if ordered { "order" } else { "compare" };
            self.err(
                span,
                CheckCode::TypeMismatch,
                format!("cannot {what} {a} with {b}"),
                "mismatched types",
                None,
            );
            return None;
        }
        let nocase = matches!(lt, Ty::Str(true)) || matches!(rt, Ty::Str(true));
        Some((
            CExpr::Binary {
                op,
                lhs: Box::new(lc),
                rhs: Box::new(rc),
                nocase,
            },
            Ty::Bool,
        ))
    }

    fn membership(&mut self, op: BinOp, l: (CExpr, Ty, &Expr), r: (CExpr, Ty, &Expr)) -> Typed {
        let Ty::List(elem) = r.1.clone() else {
            let what = self.ty_name(&r.1);
            self.err(
                r.2.span,
                CheckCode::TypeMismatch,
                format!("`in` needs a list on its right, found {what}"),
                "not a list",
                None,
            );
            return None;
        };
        let (lc, lt) = self.coerce(l.0, l.1, &elem, l.2)?;
        let (rc, rt) = self.coerce(r.0, r.1, &Ty::List(Box::new(lt.clone())), r.2)?;
        let Ty::List(elem) = rt else { return None };
        let same = match (&lt, elem.as_ref()) {
            (Ty::Int | Ty::Num, Ty::Int | Ty::Num) | (Ty::Str(_), Ty::Str(_)) => true,
            (a, b) => a == b && *a != Ty::Sym,
        };
        if !same {
            let (a, b) = (self.ty_name(&lt), self.ty_name(&elem));
            self.err(
                l.2.span.to(r.2.span),
                CheckCode::TypeMismatch,
                format!("cannot look for {a} in a list of {b}"),
                "mismatched types",
                None,
            );
            return None;
        }
        let nocase = matches!(lt, Ty::Str(true)) || matches!(*elem, Ty::Str(true));
        Some((
            CExpr::Binary {
                op,
                lhs: Box::new(lc),
                rhs: Box::new(rc),
                nocase,
            },
            Ty::Bool,
        ))
    }

    /// Turns bare names into values of `target`'s enum; other expressions pass.
    fn coerce(&mut self, c: CExpr, ty: Ty, target: &Ty, e: &Expr) -> Typed {
        match (&ty, target) {
            (Ty::Sym, Ty::Enum(en)) => Some((self.enum_value(c, *en, e)?, Ty::Enum(*en))),
            (Ty::List(inner), Ty::List(t)) if **inner == Ty::Sym => match t.as_ref() {
                Ty::Enum(en) => {
                    let items = match c {
                        CExpr::Const(Const::List(items)) => {
                            items.into_iter().map(CExpr::Const).collect()
                        }
                        CExpr::List(items) => items,
                        other => vec![other],
                    };
                    let mut out = Vec::new();
                    for item in items {
                        match self.enum_value(item, *en, e)? {
                            CExpr::Const(k) => out.push(k),
                            _ => return None,
                        }
                    }
                    Some((
                        CExpr::Const(Const::List(out)),
                        Ty::List(Box::new(Ty::Enum(*en))),
                    ))
                }
                _ => Some((c, ty)),
            },
            _ => Some((c, ty)),
        }
    }

    fn enum_value(&mut self, c: CExpr, en: usize, e: &Expr) -> Option<CExpr> {
        let CExpr::Const(Const::Str(name)) = c else {
            return None;
        };
        let decl = self.schema.enum_decl(en);
        match decl.variant(&name) {
            Some(v) => Some(CExpr::Const(Const::Enum(en, v))),
            None => {
                let help = did_you_mean(&name, decl.variants.iter().map(String::as_str));
                let enum_name = decl.name.clone();
                let span = find_name_span(e, &name).unwrap_or(e.span);
                self.err(
                    span,
                    CheckCode::UnknownEnumValue,
                    format!("`{name}` is not a value of enum `{enum_name}`"),
                    "unknown value",
                    help,
                );
                None
            }
        }
    }

    fn list(&mut self, items: &[Expr], _span: Span) -> Typed {
        let mut compiled = Vec::new();
        let mut elem: Option<Ty> = None;
        for item in items {
            let (c, t) = self.expr(item)?;
            let (c, t) = match &elem {
                Some(prev) => self.coerce(c, t, prev, item)?,
                None => (c, t),
            };
            match &elem {
                Some(prev) if !same_elem(prev, &t) => {
                    let (a, b) = (self.ty_name(prev), self.ty_name(&t));
                    self.err(
                        item.span,
                        CheckCode::TypeMismatch,
                        format!("a list of {a} cannot hold {b}"),
                        "mismatched element",
                        None,
                    );
                    return None;
                }
                _ => {}
            }
            if elem.is_none() || elem == Some(Ty::Sym) {
                elem = Some(t);
            }
            compiled.push(c);
        }
        let elem = elem.unwrap_or(Ty::Sym);
        if compiled.iter().all(|c| matches!(c, CExpr::Const(_))) {
            let consts = compiled
                .into_iter()
                .filter_map(|c| {
                    if let CExpr::Const(k) = c {
                        Some(k)
                    } else {
                        None
                    }
                })
                .collect();
            return Some((CExpr::Const(Const::List(consts)), Ty::List(Box::new(elem))));
        }
        Some((CExpr::List(compiled), Ty::List(Box::new(elem))))
    }

    fn call(&mut self, func: &Ident, args: &[Expr], span: Span) -> Typed {
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
        Some((CExpr::Call(f, Box::new(c)), out))
    }

    fn all(&mut self, func: &Ident, args: &[Expr], span: Span) -> Typed {
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

    fn filter(&mut self, var: &Ident, collection: &Expr, cond: &Expr, all: bool) -> Typed {
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
                CExpr::All {
                    slot,
                    collection,
                    cond,
                },
                Ty::Bool,
            ))
        } else {
            Some((
                CExpr::Filter {
                    slot,
                    collection,
                    cond,
                },
                Ty::List(elem),
            ))
        }
    }

    fn ty_name(&self, ty: &Ty) -> String {
        ty_name(self.schema, ty)
    }
}

/// A readable name of a type, for messages.
pub fn ty_name(schema: &Schema, ty: &Ty) -> String {
    match ty {
        Ty::Bool => "a boolean".into(),
        Ty::Int => "an integer".into(),
        Ty::Num => "a number".into(),
        Ty::Str(_) => "a string".into(),
        Ty::Date => "a date".into(),
        Ty::Enum(e) => format!("a `{}` value", schema.enum_decl(*e).name),
        Ty::Entity(k) => format!("a `{}`", schema.kind(*k).name),
        Ty::List(inner) => format!(
            "a list of {}",
            ty_name(schema, inner)
                .trim_start_matches("a ")
                .trim_start_matches("an ")
        ),
        Ty::Sym => "a bare name".into(),
    }
}

fn same_elem(a: &Ty, b: &Ty) -> bool {
    matches!(
        (a, b),
        (Ty::Int | Ty::Num, Ty::Int | Ty::Num)
            | (Ty::Str(_), Ty::Str(_))
            | (Ty::Sym, _)
            | (_, Ty::Sym)
    ) || a == b
}

/// The span of a bare name inside an expression, for pointing at the bad value in a list.
fn find_name_span(e: &Expr, name: &str) -> Option<Span> {
    match &e.kind {
        ExprKind::Name(id) if id.name == name => Some(id.span),
        ExprKind::List(items) => items.iter().find_map(|i| find_name_span(i, name)),
        _ => None,
    }
}

/// The static type of a field's values.
pub fn field_ty(ty: &FieldType) -> Ty {
    match ty {
        FieldType::Prim(Prim::Str { nocase }) => Ty::Str(*nocase),
        FieldType::Prim(Prim::Id) => Ty::Str(false),
        FieldType::Prim(Prim::Int) => Ty::Int,
        FieldType::Prim(Prim::Num) => Ty::Num,
        FieldType::Prim(Prim::Bool) => Ty::Bool,
        FieldType::Prim(Prim::Date) => Ty::Date,
        FieldType::Enum(e) => Ty::Enum(*e),
        FieldType::Ref(k) | FieldType::Own(k) | FieldType::Parent(k) => Ty::Entity(*k),
        FieldType::List(inner) => Ty::List(Box::new(field_ty(inner))),
        FieldType::Inverse { kind, .. } => Ty::List(Box::new(Ty::Entity(*kind))),
    }
}

/// How the evaluator reads a field's cell.
pub fn decode(ty: &FieldType) -> Decode {
    match ty {
        FieldType::Prim(Prim::Str { nocase }) => Decode::Str(*nocase),
        FieldType::Prim(Prim::Id) => Decode::Str(false),
        FieldType::Prim(Prim::Int) => Decode::Int,
        FieldType::Prim(Prim::Num) => Decode::Num,
        FieldType::Prim(Prim::Bool) => Decode::Bool,
        FieldType::Prim(Prim::Date) => Decode::Date,
        FieldType::Enum(e) => Decode::Enum(*e),
        FieldType::Ref(k) | FieldType::Own(k) | FieldType::Parent(k) => Decode::Entity(*k),
        FieldType::Inverse { kind, .. } => Decode::RefList(*kind),
        FieldType::List(inner) => match inner.as_ref() {
            FieldType::Own(k) => Decode::Rows(*k),
            FieldType::Ref(k) => Decode::RefList(*k),
            FieldType::Enum(e) => Decode::EnumList(*e),
            FieldType::Prim(Prim::Str { nocase }) => Decode::ScalarList(Prim1::Str(*nocase)),
            FieldType::Prim(Prim::Int) => Decode::ScalarList(Prim1::Int),
            FieldType::Prim(Prim::Num) => Decode::ScalarList(Prim1::Num),
            FieldType::Prim(Prim::Bool) => Decode::ScalarList(Prim1::Bool),
            _ => Decode::ScalarList(Prim1::Date),
        },
    }
}
