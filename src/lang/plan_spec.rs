//! The `plan` declaration of the rule files, resolved against the schema: what
//! `eligo plan` proposes, in the schema's own words.
//!
//! ```text
//! plan transfers {
//!   items: items.subscription     # the request's list of records, and the entity each names
//!   group: customer = customer    # one request per value of this field of the moved entity
//!   from: from = partner          # the request's source; the moved entity's field naming it
//!   to: to                        # the request's target
//!   set: status = active          # an enum field every planned request has (repeatable)
//!   copy: quantity = quantity     # an item field copied from the moved entity (repeatable)
//!   with: base                    # the moved entity moves only with the one this field names
//!   open: status in open          # the book's requests that count (a constant or a value)
//! }
//! ```
//!
//! The planner knows nothing else: which entities can move is for the rules to say.

use crate::lang::ast::{Item, PlanDecl, PlanEntry, PlanOp, RuleFile};
use crate::lang::diag::Diags;
use crate::lang::error::CheckCode;
use crate::program::PlanSpec;
use crate::schema::{FieldId, FieldType, KindId, Schema};
use crate::source::Span;

/// Resolves the `plan` declaration of `files`, if any; problems go to `diags`.
pub(crate) fn build_plan_spec(
    schema: &Schema,
    files: &[RuleFile],
    diags: &mut Diags,
) -> Option<PlanSpec> {
    let mut found: Option<(usize, &PlanDecl)> = None;
    for (file, rf) in files.iter().enumerate() {
        for item in &rf.items {
            let Item::Plan(decl) = item else { continue };
            if let Some((first_file, first)) = found {
                let first = (first_file, first.collection.span);
                diags.duplicate(
                    file,
                    decl.collection.span,
                    "plan",
                    &decl.collection.name,
                    first,
                );
                continue;
            }
            found = Some((file, decl));
        }
    }
    let (file, decl) = found?;
    Resolver {
        schema,
        files,
        diags,
        file,
    }
    .resolve(decl)
}

struct Resolver<'a> {
    schema: &'a Schema,
    files: &'a [RuleFile],
    diags: &'a mut Diags,
    file: usize,
}

const KEYS: &[&str] = &[
    "items", "group", "from", "to", "set", "copy", "with", "open",
];

impl Resolver<'_> {
    fn resolve(&mut self, decl: &PlanDecl) -> Option<PlanSpec> {
        for e in &decl.entries {
            if !KEYS.contains(&e.key.name.as_str()) {
                let help = format!("a plan entry is one of {}", KEYS.join(", "));
                self.error(
                    e.key.span,
                    format!("unknown plan entry `{}`", e.key.name),
                    Some(help),
                );
            }
        }
        let Some(request) = self.schema.kind_of_collection(&decl.collection.name) else {
            self.error(
                decl.collection.span,
                format!("no entity is listed in `{}`", decl.collection.name),
                Some("name a root collection declared with `entity NAME in COLLECTION`".into()),
            );
            return None;
        };
        let items_entry = self.one(decl, "items")?;
        let (items, item, item_ref, moved) = self.items(request, items_entry)?;
        let (group, group_kind) = self.pair(decl, "group", request, moved)?;
        let (from, party_kind) = self.pair(decl, "from", request, moved)?;
        let to_entry = self.one(decl, "to")?;
        let to = self.single_ref(request, to_entry, party_kind)?;
        let mut spec = PlanSpec {
            collection: decl.collection.name.clone(),
            request,
            item,
            moved,
            items,
            item_ref,
            item_parent: self.parent_field(item),
            group_kind,
            group,
            party_kind,
            from,
            to,
            set: Vec::new(),
            copy: Vec::new(),
            with: None,
            open: None,
        };
        for e in entries(decl, "set") {
            spec.set.push(self.enum_value(request, e, PlanOp::Is)?);
        }
        for e in entries(decl, "copy") {
            spec.copy.push(self.copy(item, moved, e)?);
        }
        if let Some(e) = self.at_most_one(decl, "with") {
            spec.with = Some(self.single_ref(moved, e, moved)?);
        }
        if let Some(e) = self.at_most_one(decl, "open") {
            spec.open = Some(self.open(request, e)?);
        }
        Some(spec)
    }

    fn error(&mut self, span: Span, message: String, help: Option<String>) {
        self.diags.error(
            self.file,
            span,
            CheckCode::InvalidSchema,
            message,
            "in this plan",
            help,
        );
    }

    /// The entry `key`, which must be there once.
    fn one<'d>(&mut self, decl: &'d PlanDecl, key: &str) -> Option<&'d PlanEntry> {
        let found = self.at_most_one(decl, key);
        if found.is_none() {
            self.error(
                decl.collection.span,
                format!(
                    "the plan of `{}` has no `{key}` entry",
                    decl.collection.name
                ),
                Some(format!(
                    "add `{key}: …` (see README, \"Planning transfers\")"
                )),
            );
        }
        found
    }

    fn at_most_one<'d>(&mut self, decl: &'d PlanDecl, key: &str) -> Option<&'d PlanEntry> {
        let mut all = entries(decl, key);
        let first = all.next();
        for again in all {
            self.error(again.key.span, format!("`{key}` is given twice"), None);
        }
        first
    }

    /// A field of `kind` by name, or an error at `at`.
    fn field(&mut self, kind: KindId, name: &crate::lang::ast::Ident) -> Option<FieldId> {
        let k = self.schema.kind(kind);
        let found = k.field(&name.name);
        if found.is_none() {
            let message = format!("`{}` has no field `{}`", k.name, name.name);
            self.error(name.span, message, None);
        }
        found
    }

    /// `items: LIST.REF`.
    fn items(
        &mut self,
        request: KindId,
        e: &PlanEntry,
    ) -> Option<(FieldId, KindId, FieldId, KindId)> {
        let ([list, reference], None) = (e.target.as_slice(), &e.value) else {
            self.error(e.span, "write `items: LIST.FIELD`".into(), None);
            return None;
        };
        let items = self.field(request, list)?;
        let item = match &self.schema.kind(request).field_decl(items).ty {
            FieldType::List(inner) => match **inner {
                FieldType::Own(k) => Some(k),
                _ => None,
            },
            _ => None,
        };
        let Some(item) = item else {
            self.error(
                list.span,
                format!("`{}` is not a list of records", list.name),
                None,
            );
            return None;
        };
        let item_ref = self.field(item, reference)?;
        let FieldType::Ref(moved) = self.schema.kind(item).field_decl(item_ref).ty else {
            self.error(
                reference.span,
                format!("`{}` is not a reference", reference.name),
                None,
            );
            return None;
        };
        Some((items, item, item_ref, moved))
    }

    /// `key: REQUEST_FIELD = MOVED_FIELD`, both references to one kind.
    fn pair(
        &mut self,
        decl: &PlanDecl,
        key: &str,
        request: KindId,
        moved: KindId,
    ) -> Option<((FieldId, FieldId), KindId)> {
        let e = self.one(decl, key)?;
        let ([left], Some((PlanOp::Is, right))) = (e.target.as_slice(), &e.value) else {
            self.error(e.span, format!("write `{key}: FIELD = FIELD`"), None);
            return None;
        };
        let [right] = right.as_slice() else {
            self.error(e.span, format!("write `{key}: FIELD = FIELD`"), None);
            return None;
        };
        let l = self.field(request, left)?;
        let r = self.field(moved, right)?;
        let lt = &self.schema.kind(request).field_decl(l).ty;
        let rt = &self.schema.kind(moved).field_decl(r).ty;
        match (lt, rt) {
            (FieldType::Ref(a), FieldType::Ref(b)) if a == b => Some(((l, r), *a)),
            _ => {
                self.error(
                    e.span,
                    "both fields must name entities of one kind".into(),
                    None,
                );
                None
            }
        }
    }

    /// `key: FIELD`, a reference of `kind` to entities of `target`.
    fn single_ref(&mut self, kind: KindId, e: &PlanEntry, target: KindId) -> Option<FieldId> {
        let ([name], None) = (e.target.as_slice(), &e.value) else {
            self.error(e.span, format!("write `{}: FIELD`", e.key.name), None);
            return None;
        };
        let f = self.field(kind, name)?;
        match self.schema.kind(kind).field_decl(f).ty {
            FieldType::Ref(k) if k == target => Some(f),
            _ => {
                let want = self.schema.kind(target).name.clone();
                self.error(
                    name.span,
                    format!("`{}` does not name a {want}", name.name),
                    None,
                );
                None
            }
        }
    }

    /// `set: FIELD = VALUE` on an enum field of the request.
    fn enum_value(&mut self, request: KindId, e: &PlanEntry, op: PlanOp) -> Option<(FieldId, u32)> {
        let ([name], Some((o, value))) = (e.target.as_slice(), &e.value) else {
            self.error(e.span, "write `set: FIELD = VALUE`".into(), None);
            return None;
        };
        let ([v], true) = (value.as_slice(), *o == op) else {
            self.error(e.span, "write `set: FIELD = VALUE`".into(), None);
            return None;
        };
        let f = self.field(request, name)?;
        let values = self.enum_values(request, f, name, std::slice::from_ref(&v.name), v.span)?;
        values.first().map(|&value| (f, value))
    }

    /// The values of the enum of `field` named `names`.
    fn enum_values(
        &mut self,
        kind: KindId,
        field: FieldId,
        name: &crate::lang::ast::Ident,
        names: &[String],
        at: Span,
    ) -> Option<Vec<u32>> {
        let FieldType::Enum(e) = self.schema.kind(kind).field_decl(field).ty else {
            self.error(
                name.span,
                format!("`{}` is not an enum field", name.name),
                None,
            );
            return None;
        };
        let decl = self.schema.enum_decl(e);
        let mut out = Vec::new();
        for n in names {
            match decl.variant(n) {
                Some(v) => out.push(v),
                None => {
                    let message = format!("`{n}` is not a value of enum `{}`", decl.name);
                    self.error(at, message, None);
                    return None;
                }
            }
        }
        Some(out)
    }

    /// `copy: ITEM_FIELD = MOVED_FIELD`, of one type.
    fn copy(&mut self, item: KindId, moved: KindId, e: &PlanEntry) -> Option<(FieldId, FieldId)> {
        let ([left], Some((PlanOp::Is, right))) = (e.target.as_slice(), &e.value) else {
            self.error(e.span, "write `copy: FIELD = FIELD`".into(), None);
            return None;
        };
        let [right] = right.as_slice() else {
            self.error(e.span, "write `copy: FIELD = FIELD`".into(), None);
            return None;
        };
        let l = self.field(item, left)?;
        let r = self.field(moved, right)?;
        let lt = &self.schema.kind(item).field_decl(l).ty;
        let rt = &self.schema.kind(moved).field_decl(r).ty;
        if lt != rt || !matches!(lt, FieldType::Prim(_) | FieldType::Enum(_)) {
            self.error(
                e.span,
                "both fields must be scalars of one type".into(),
                None,
            );
            return None;
        }
        Some((l, r))
    }

    /// `open: FIELD in CONSTANT` (a `let` listing enum values) or `open: FIELD = VALUE`.
    fn open(&mut self, request: KindId, e: &PlanEntry) -> Option<(FieldId, Vec<u32>)> {
        let ([name], Some((_, value))) = (e.target.as_slice(), &e.value) else {
            self.error(e.span, "write `open: FIELD in CONSTANT`".into(), None);
            return None;
        };
        let [v] = value.as_slice() else {
            self.error(e.span, "write `open: FIELD in CONSTANT`".into(), None);
            return None;
        };
        let f = self.field(request, name)?;
        let names = self
            .constant_names(&v.name)
            .unwrap_or_else(|| vec![v.name.clone()]);
        let values = self.enum_values(request, f, name, &names, v.span)?;
        Some((f, values))
    }

    /// The names a `let` constant lists (`let open = [active, in_progress]`).
    fn constant_names(&self, name: &str) -> Option<Vec<String>> {
        use crate::lang::ast::ExprKind;
        let decl = self
            .files
            .iter()
            .flat_map(|f| &f.items)
            .find_map(|i| match i {
                Item::Const(c) if c.name.name == name => Some(c),
                _ => None,
            })?;
        match &decl.value.kind {
            ExprKind::List(items) => items
                .iter()
                .map(|i| match &i.kind {
                    ExprKind::Name(n) => Some(n.name.clone()),
                    _ => None,
                })
                .collect(),
            ExprKind::Name(n) => Some(vec![n.name.clone()]),
            _ => None,
        }
    }

    fn parent_field(&self, item: KindId) -> Option<FieldId> {
        let kind = self.schema.kind(item);
        kind.fields
            .iter_enumerated()
            .find(|(_, f)| matches!(f.ty, FieldType::Parent(_)))
            .map(|(id, _)| id)
    }
}

fn entries<'d>(decl: &'d PlanDecl, key: &str) -> std::vec::IntoIter<&'d PlanEntry> {
    let found: Vec<&PlanEntry> = decl.entries.iter().filter(|e| e.key.name == key).collect();
    found.into_iter()
}
