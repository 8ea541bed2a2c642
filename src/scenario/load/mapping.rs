//! Mappings: the keys of an entity or record, defaults and required fields.

use super::references::article;
use super::{Loader, Step};
use crate::scenario::error::ScenarioCode;
use crate::scenario::keys::{each_key, Key};
use crate::scenario::store::{date_cell, Pos, NONE};
use crate::schema::{DefaultValue, FieldId, FieldType, Id, KindId, ROOT};
use crate::suggest::did_you_mean;

impl<'a> Loader<'a, '_> {
    // ---- mappings --------------------------------------------------------

    /// Loads the keys of a mapping (its `MappingStart` already read) into `row`.
    /// Returns the mask of fields seen.
    pub(super) fn mapping(&mut self, kind: KindId, row: u32, start: Pos) -> Step<u64> {
        let mut seen: u64 = 0;
        let mut next_guess: usize = 0;
        each_key(self, |this, key| {
            let (key, key_pos) = match key {
                Key::Named { name, pos, first } => {
                    if first && kind != ROOT {
                        // An entry is shown at its first key: `- id: sub-1` points at `id`.
                        this.store.set_row_pos(kind, row, pos);
                    }
                    (name, pos)
                }
                Key::Complex { event, pos } => {
                    this.error(
                        ScenarioCode::WrongType,
                        pos,
                        "keys must be plain names".into(),
                        "complex key".into(),
                        None,
                    );
                    this.skip(&event)?;
                    return this.skip_next();
                }
            };
            if kind == ROOT && key == "expect" {
                return this.expect_block();
            }
            let Some(field) = this.field_named(kind, &key, next_guess) else {
                this.unknown_key(kind, &key, key_pos);
                return this.skip_next();
            };
            if seen & (1 << field.index()) != 0 {
                this.error(
                    ScenarioCode::DuplicateKey,
                    key_pos,
                    format!("`{key}` is given twice in one mapping"),
                    "second `".to_string() + &key + "` here",
                    Some("keep one of the two; YAML mappings cannot repeat a key".into()),
                );
                return this.skip_next();
            }
            seen |= 1 << field.index();
            next_guess = field.index() + 1;
            this.field_value(kind, field, row, key_pos)
        })?;
        self.fill_absent(kind, row, seen, start);
        Ok(seen)
    }

    /// The field a key names (computed fields cannot be given). Keys are
    /// usually written in declaration order, so the field after the previous
    /// key is tried first, before the kind's name index.
    #[inline]
    pub(super) fn field_named(&self, kind: KindId, key: &str, guess: usize) -> Option<FieldId> {
        let fields = &self.schema.kind(kind).fields;
        let field = match fields.get_at(guess) {
            Some((id, f)) if f.name == key => Some(id),
            _ => self.schema.kind(kind).field(key),
        };
        field.filter(|&f| fields.get(f).is_some_and(|d| !d.ty.is_computed()))
    }

    pub(super) fn unknown_key(&mut self, kind: KindId, key: &str, pos: Pos) {
        let k = &self.schema.kind(kind);
        let mut names: Vec<&str> = k
            .fields
            .iter()
            .filter(|f| !f.ty.is_computed())
            .map(|f| f.name.as_str())
            .collect();
        if kind == ROOT {
            names.push("expect");
        }
        let help = did_you_mean(key, names.iter().copied());
        let place = if kind == ROOT {
            "the scenario root".to_string()
        } else {
            format!("{} `{}`", article(&k.name), k.name)
        };
        self.error(
            ScenarioCode::UnknownField,
            pos,
            format!("unknown field `{key}` in {place}"),
            "unknown field".into(),
            help,
        );
    }

    /// Applies defaults and reports missing required fields.
    pub(super) fn fill_absent(&mut self, kind: KindId, row: u32, seen: u64, start: Pos) {
        let schema = self.schema;
        for (id, field) in schema.kind(kind).fields.iter_enumerated() {
            if seen & (1 << id.index()) != 0 || field.ty.is_computed() {
                continue;
            }
            if let Some(default) = &field.default {
                let cell = self.default_cell(default);
                self.store.set(kind, id, row, cell);
            } else if !field.optional {
                let entry = self.store.pos(kind, row);
                let pos = if kind == ROOT { start } else { entry };
                self.missing(kind, id, pos);
            }
        }
        self.check_required_ifs(kind, row, start);
    }

    /// Reports fields that are required because a sibling has a given value.
    pub(super) fn check_required_ifs(&mut self, kind: KindId, row: u32, start: Pos) {
        let schema = self.schema;
        let k = &schema.kind(kind);
        for (id, field) in k.fields.iter_enumerated() {
            let Some((sibling, value)) = field.required_if else {
                continue;
            };
            if self.store.cell(kind, id, row) != NONE
                || self.store.cell(kind, sibling, row) != value
            {
                continue;
            }
            let sibling_field = &k.field_decl(sibling);
            let FieldType::Enum(en) = sibling_field.ty else {
                continue;
            };
            let value_name = schema
                .enum_decl(en)
                .variants
                .get(value as usize)
                .map_or("", String::as_str);
            let entry = if kind == ROOT {
                start
            } else {
                self.store.pos(kind, row)
            };
            let ty = schema.type_name(&field.ty);
            self.error(
                ScenarioCode::MissingField,
                Pos {
                    len: entry.len.max(1),
                    ..entry
                },
                format!(
                    "missing field `{}` in {} `{}`: it is required when `{}` is `{value_name}`",
                    field.name,
                    article(&k.name),
                    k.name,
                    sibling_field.name
                ),
                format!("this `{}` has no `{}`", k.name, field.name),
                Some(format!("add `{}:` with {ty}", field.name)),
            );
        }
    }

    pub(super) fn missing(&mut self, kind: KindId, field: FieldId, pos: Pos) {
        let k = &self.schema.kind(kind);
        let f = &k.field_decl(field);
        let ty = self.schema.type_name(&f.ty);
        self.error(
            ScenarioCode::MissingField,
            Pos {
                len: pos.len.max(1),
                ..pos
            },
            format!(
                "missing field `{}` in {} `{}`",
                f.name,
                article(&k.name),
                k.name
            ),
            format!("this `{}` has no `{}`", k.name, f.name),
            Some(format!("add `{}:` with {ty}", f.name)),
        );
    }

    pub(super) fn default_cell(&mut self, default: &DefaultValue) -> u32 {
        match default {
            DefaultValue::Bool(b) => u32::from(*b),
            DefaultValue::Int(i) => self.store.push_int(*i),
            DefaultValue::Num(n) => self.store.push_num(*n),
            DefaultValue::Str(s) => self.store.push_str(s),
            DefaultValue::Date(d) => date_cell(*d),
            DefaultValue::Today => date_cell(self.options.today),
            DefaultValue::Enum(v) => *v,
            DefaultValue::EmptyList => self.store.empty_list(),
        }
    }
}
