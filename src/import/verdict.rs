//! Whether the scenario built is valid, decided from the scenario itself
//! rather than by loading the text written from it.
//!
//! The import must never write a scenario that other commands refuse. It
//! used to prove that by loading its own text, which took as long as most
//! of a check of the book (a 54 MB text scanned and loaded on both cores).
//! Here the same schema is applied to the built scenario: every field
//! known, of its type, present where required; every id unique; every
//! reference to an entity of its kind. A value reads as the loader would
//! read it because the writer writes it so ([`scalar_form`], held to the
//! loader by the writer's own tests).
//!
//! The answer is one-sided. [`proves_valid`] says `true` only when each
//! check passed; anything it does not judge (an `expect` block, a null, a
//! value past a limit) and anything invalid is `false`, and the import then
//! loads the text as before, for the errors with their places. So the
//! import's verdict and errors are the loader's; this only spares the load
//! when it would pass. `tests` hold `true` here to a load that passes, on
//! scenarios built to be valid and then changed one or two values at a time.

use hashbrown::HashMap;
use std::sync::Arc;

use rayon::prelude::*;

use super::fragment::{Entity, Fields, Scenario, Val, KINDS};
use super::write::{is_plain_value, scalar_form};
use crate::date::parse_date;
use crate::scenario::event::Style;
use crate::scenario::events::Limits;
use crate::scenario::ids::Ids;
use crate::scenario::load::scalar::Scalar;
use crate::scenario::store::Pos;
use crate::schema::{DefaultValue, Field, FieldId, FieldType, Id, KindId, Prim, Schema, ROOT};

/// Entries checked in one run on one core.
const RUN: usize = 4096;

/// The root keys the writer writes besides the collections, in its order.
const ROOT_FIELDS: [&str; 2] = ["scenario", "as_of"];

/// Whether the text written from `scenario` loads without an error under
/// `schema` and `limits`, the text's size aside (the caller compares it with
/// [`Limits::max_file_bytes`]). `false` may also mean "not judged here":
/// the text must then be loaded.
pub(crate) fn proves_valid(schema: &Schema, scenario: &Scenario, limits: &Limits) -> bool {
    if scenario.root.get("expect").is_some() {
        return false;
    }
    let mut check = Check::new(schema, limits);
    check.root(scenario) && check.ids_and_references()
}

/// The state of one verdict.
struct Check<'s, 'v> {
    schema: &'s Schema,
    limits: &'s Limits,
    /// Every entity's id, with its kind and the text's address.
    ids: Vec<(&'v Arc<str>, KindId)>,
    /// Every reference, with the kind it must name.
    references: Vec<(&'v Arc<str>, KindId)>,
    /// Plain values already judged, by the address of their shared text and
    /// the type they were judged for: a mapped enum value is one text shared
    /// by a hundred thousand entities.
    plain_seen: HashMap<(usize, usize), bool>,
}

impl<'s, 'v> Check<'s, 'v> {
    fn new(schema: &'s Schema, limits: &'s Limits) -> Self {
        Check {
            schema,
            limits,
            ids: Vec::new(),
            references: Vec::new(),
            plain_seen: HashMap::new(),
        }
    }

    /// The root mapping: its own fields, then each collection, all of which
    /// the writer writes (an empty one as `[]`).
    fn root(&mut self, scenario: &'v Scenario) -> bool {
        let mut seen = 0u64;
        for name in ROOT_FIELDS {
            if let Some(value) = scenario.root.get(name) {
                if !self.field(ROOT, name, value, &mut seen, 1) {
                    return false;
                }
            }
        }
        let count: usize = scenario.kinds.iter().map(Vec::len).sum();
        self.ids.reserve(count);
        self.references.reserve(count * 4);
        let partnership = |p: &'v (Fields, Arc<str>)| &p.0;
        if !self.collection(
            "partnerships",
            &scenario.partnerships,
            partnership,
            &mut seen,
        ) {
            return false;
        }
        for (name, entities) in KINDS.iter().zip(&scenario.kinds) {
            let entity = |e: &'v Entity| &e.fields;
            if !self.collection(name, entities, entity, &mut seen) {
                return false;
            }
        }
        self.absent_allowed(ROOT, seen, &scenario.root)
    }

    /// A root collection and its entries, each entry's `fields`. The
    /// entries are checked in runs on every core (the writer writes them
    /// meanwhile, in runs of its own), each run gathering its ids and
    /// references; they are put together here, to be matched at the end.
    fn collection<T: Sync>(
        &mut self,
        name: &str,
        entries: &'v [T],
        fields: impl Fn(&'v T) -> &'v Fields + Sync,
        seen: &mut u64,
    ) -> bool {
        let Some((field, kind)) = self.collection_field(name) else {
            return false;
        };
        if !mark(seen, field)
            || entries.len() > Ids::new(self.schema.kinds.len()).max_row() as usize
        {
            return false;
        }
        let (schema, limits) = (self.schema, self.limits);
        let runs: Vec<Option<Check<'s, 'v>>> = entries
            .par_chunks(RUN)
            .map(|run| {
                let mut part = Check::new(schema, limits);
                part.ids.reserve(run.len());
                part.references.reserve(run.len() * 4);
                run.iter()
                    .enumerate()
                    .all(|(n, entry)| {
                        super::prefetch::ahead(run, n, &fields);
                        part.record(kind, fields(entry), 3)
                    })
                    .then_some(part)
            })
            .collect();
        runs.into_iter().all(|run| match run {
            Some(part) => {
                self.ids.extend(part.ids);
                self.references.extend(part.references);
                true
            }
            None => false,
        })
    }

    /// The root field listing `name`, and the kind it lists.
    fn collection_field(&self, name: &str) -> Option<(FieldId, KindId)> {
        let root = self.schema.root();
        let field = root.field(name)?;
        match &root.field_decl(field).ty {
            FieldType::List(inner) => match **inner {
                FieldType::Own(kind) => Some((field, kind)),
                _ => None,
            },
            _ => None,
        }
    }

    /// An entity or a nested record at nesting `depth`: each field known,
    /// given once and valid; each field not given allowed to be absent.
    fn record(&mut self, kind: KindId, fields: &'v Fields, depth: usize) -> bool {
        if depth > self.limits.max_depth {
            return false;
        }
        let mut seen = 0u64;
        let mut guess = 0;
        for (key, value) in &fields.0 {
            let Some(id) = self.field_named(kind, key, guess) else {
                return false;
            };
            guess = id.index() + 1;
            if !mark(&mut seen, id) || !self.value(kind, id, value, depth) {
                return false;
            }
        }
        self.absent_allowed(kind, seen, fields)
    }

    /// One root field by name.
    fn field(
        &mut self,
        kind: KindId,
        name: &str,
        value: &'v Val,
        seen: &mut u64,
        depth: usize,
    ) -> bool {
        match self.field_named(kind, name, 0) {
            Some(id) => mark(seen, id) && self.value(kind, id, value, depth),
            None => false,
        }
    }

    /// The field a key names, as the loader finds it (computed fields
    /// cannot be given); the fields are mostly in declaration order.
    fn field_named(&self, kind: KindId, key: &str, guess: usize) -> Option<FieldId> {
        let fields = &self.schema.kind(kind).fields;
        let id = match fields.get_at(guess) {
            Some((id, f)) if f.name == key => id,
            _ => self.schema.kind(kind).field(key)?,
        };
        (!fields.get(id)?.ty.is_computed()).then_some(id)
    }

    /// Whether every field of `kind` not in `seen` may be absent: it has a
    /// default or is optional, and no sibling's value requires it.
    fn absent_allowed(&self, kind: KindId, seen: u64, fields: &Fields) -> bool {
        let k = self.schema.kind(kind);
        k.fields.iter_enumerated().all(|(id, f)| {
            let given = seen & bit(id) != 0;
            given
                || f.ty.is_computed()
                || ((f.default.is_some() || f.optional)
                    && !self.required_by_sibling(kind, f, fields))
        })
    }

    /// Whether `field`, absent, is required by the value of its sibling
    /// (`required if via == partner_attestation`); a sibling's value not
    /// judged here counts as requiring it.
    fn required_by_sibling(&self, kind: KindId, field: &Field, fields: &Fields) -> bool {
        let Some((sibling, wanted)) = field.required_if else {
            return false;
        };
        let decl = self.schema.kind(kind).field_decl(sibling);
        let FieldType::Enum(e) = decl.ty else {
            return false;
        };
        let value = match fields.get(&decl.name) {
            Some(value) => match scalar_form(value) {
                Some((text, _)) => self.schema.enum_decl(e).variant(text),
                None => return true,
            },
            None => match decl.default {
                Some(DefaultValue::Enum(v)) => Some(v),
                Some(_) => return true,
                None => None,
            },
        };
        value == Some(wanted)
    }

    /// A field's value.
    fn value(&mut self, kind: KindId, id: FieldId, value: &'v Val, depth: usize) -> bool {
        let schema = self.schema;
        let decl = schema.kind(kind).field_decl(id);
        match (&decl.ty, value) {
            (FieldType::Own(child), Val::Map(fields)) => self.record(*child, fields, depth + 1),
            (FieldType::List(inner), Val::List(items)) => {
                if decl.nonempty && items.is_empty() {
                    return false;
                }
                let depth = depth + 1;
                match **inner {
                    FieldType::Own(child) => items.iter().all(|item| match item {
                        Val::Map(fields) => self.record(child, fields, depth + 1),
                        _ => false,
                    }),
                    // An id in a list is not an entity's id.
                    ref scalar => items
                        .iter()
                        .all(|item| self.scalar(None, scalar, None, item)),
                }
            }
            (ty, Val::Str(_) | Val::Plain(_)) => self.scalar(Some(kind), ty, decl.min, value),
            _ => false,
        }
    }

    /// A scalar value of type `ty`, a field of an entity of kind `owner`
    /// or (`None`) an element of a list. Ids and references are kept, to be
    /// matched once all are known.
    fn scalar(
        &mut self,
        owner: Option<KindId>,
        ty: &FieldType,
        min: Option<f64>,
        value: &'v Val,
    ) -> bool {
        let (text, plain_value) = match value {
            Val::Str(text) => (text, false),
            Val::Plain(text) => (text, true),
            Val::List(_) | Val::Map(_) => return false,
        };
        if text.len() > self.limits.max_string_bytes {
            return false;
        }
        match (ty, owner) {
            (FieldType::Prim(Prim::Id), Some(kind)) => {
                let ok =
                    as_read(text, plain_value).core_kind().is_none() && !text.trim().is_empty();
                if ok {
                    self.ids.push((text, kind));
                }
                ok
            }
            (FieldType::Ref(kind), _) => {
                let ok = as_read(text, plain_value).core_kind().is_none();
                if ok {
                    self.references.push((text, *kind));
                }
                ok
            }
            // A shared value (a mapped enum value, a quantity) is judged once.
            _ if plain_value => {
                let key = (address(text), ty as *const FieldType as usize);
                let schema = self.schema;
                *self
                    .plain_seen
                    .entry(key)
                    .or_insert_with(|| accepts(schema, ty, min, &as_read(text, true)))
            }
            _ => accepts(self.schema, ty, min, &as_read(text, false)),
        }
    }

    /// Every id used once; every reference naming an entity of its kind.
    /// The ids' texts are checked on one core while the references are
    /// matched on the other by their texts' addresses; a reference whose
    /// text is its own (an overlay's) is then looked up by its text.
    fn ids_and_references(&self) -> bool {
        let (by_text, unmatched) =
            rayon::join(|| self.ids_by_text(), || self.references_by_address());
        let (Some(by_text), Some(unmatched)) = (by_text, unmatched) else {
            return false;
        };
        unmatched
            .iter()
            .all(|(text, kind)| by_text.get(text.as_ref()) == Some(kind))
    }

    /// The ids by their texts, or `None` when one is used twice.
    fn ids_by_text(&self) -> Option<HashMap<&'v str, KindId>> {
        let mut by_text = HashMap::with_capacity(self.ids.len());
        for (n, &(text, kind)) in self.ids.iter().enumerate() {
            // The ids' texts lie in no order of memory.
            if let Some((ahead, _)) = self.ids.get(n + 8) {
                super::prefetch::text(ahead);
            }
            if by_text.insert(text.as_ref(), kind).is_some() {
                return None;
            }
        }
        Some(by_text)
    }

    /// Matches the references that share an id's text (the builder's, by
    /// far the most) by the text's address, without reading the text:
    /// `None` when one names an entity of another kind, else the references
    /// whose text is no id's own.
    fn references_by_address(&self) -> Option<Vec<(&'v Arc<str>, KindId)>> {
        let by_address: HashMap<usize, KindId> = self
            .ids
            .iter()
            .map(|&(text, kind)| (address(text), kind))
            .collect();
        // The last match for each slot of a small table: a customer's
        // subscriptions come one after another, and there are few partners.
        let mut recent = vec![(0usize, None); RECENT];
        let mut unmatched = Vec::new();
        for &(text, kind) in &self.references {
            let at = address(text);
            let slot = recent.get_mut((at >> 4) % RECENT)?;
            if *slot == (at, Some(kind)) {
                continue;
            }
            match by_address.get(&at) {
                Some(&found) if found == kind => *slot = (at, Some(kind)),
                Some(_) => return None,
                None => unmatched.push((text, kind)),
            }
        }
        Some(unmatched)
    }
}

/// Slots of the table of references matched last.
const RECENT: usize = 1024;

/// Marks `field` seen; `false` when it was already (a key given twice).
fn mark(seen: &mut u64, field: FieldId) -> bool {
    let was = *seen & bit(field) != 0;
    *seen |= bit(field);
    !was
}

fn bit(field: FieldId) -> u64 {
    1u64.checked_shl(field.index() as u32).unwrap_or(0)
}

fn address(text: &Arc<str>) -> usize {
    Arc::as_ptr(text) as *const u8 as usize
}

/// A value as the loader reads what the writer wrote of it: a string
/// ([`Val::Str`]) is written so that it reads back as that string, quoted
/// or not; a plain value ([`Val::Plain`]) plain where that reads back the
/// same, else quoted ([`is_plain_value`]).
fn as_read(text: &str, plain_value: bool) -> Scalar<'_> {
    let plain = plain_value && is_plain_value(text);
    Scalar {
        text: text.into(),
        style: if plain {
            Style::Plain
        } else {
            Style::DoubleQuoted
        },
        tagged_str: false,
        pos: Pos::default(),
    }
}

/// Whether the loader takes `s` as a value of `ty` (neither an id nor a
/// reference, which are matched at the end), as its `field_value` and
/// `prim_cell` read it; a null counts as not taken (its default is the
/// loader's to give).
fn accepts(schema: &Schema, ty: &FieldType, min: Option<f64>, s: &Scalar<'_>) -> bool {
    let at_least = |v: f64| min.is_none_or(|m| v >= m);
    if s.is_null() {
        return false;
    }
    match ty {
        FieldType::Prim(Prim::Str { .. }) => s.core_kind().is_none(),
        FieldType::Prim(Prim::Bool) => s.bool_value().is_some(),
        FieldType::Prim(Prim::Int) => s.int_value().is_some_and(|v| at_least(v as f64)),
        FieldType::Prim(Prim::Num) => s.num_value().is_some_and(|v| v.is_finite() && at_least(v)),
        FieldType::Prim(Prim::Date) => parse_date(&s.text).is_some(),
        FieldType::Enum(e) => schema.enum_decl(*e).variant(&s.text).is_some(),
        _ => false,
    }
}

#[cfg(test)]
mod tests;
