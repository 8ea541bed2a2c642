//! Values: scalars, records and lists checked against their field types.

use crate::scenario::event::Style;

use crate::scenario::event::Event;

use super::references::article;
use super::scalar::{core_int, is_str_tag};
use super::{DeferredId, Loader, PendingRef, Scalar, Step, Target};
use crate::date::parse_date;
use crate::scenario::error::ScenarioCode;
use crate::scenario::ids::NotInserted;
use crate::scenario::store::{date_cell, Pos, NONE, PENDING};
use crate::schema::{EnumId, FieldId, FieldType, Id, KindId, Prim, ROOT};
use crate::suggest::did_you_mean;

impl<'a> Loader<'a, '_> {
    // ---- values ----------------------------------------------------------

    pub(super) fn field_value(
        &mut self,
        kind: KindId,
        field: FieldId,
        row: u32,
        key_pos: Pos,
    ) -> Step<()> {
        let (event, pos) = self.next()?;
        let schema = self.schema;
        let ty = &schema.kind(kind).field_decl(field).ty;
        match (ty, event) {
            (_, Event::Scalar(text, style, _, tag)) => {
                let scalar = Scalar {
                    tagged_str: is_str_tag(tag.as_deref()),
                    text,
                    style,
                    pos,
                };
                if scalar.is_null() {
                    return self.null_value(kind, field, row, key_pos);
                }
                if let FieldType::List(_) = ty {
                    self.wrong_type(
                        ty,
                        &self.describe_scalar(&scalar),
                        pos,
                        Some("write it as a list: `[a, b]`".into()),
                    );
                    return Ok(());
                }
                if let FieldType::Own(_) = ty {
                    self.wrong_type(ty, &self.describe_scalar(&scalar), pos, None);
                    return Ok(());
                }
                let min = self.schema.kind(kind).field_decl(field).min;
                if let Some(cell) =
                    self.scalar_cell(ty, &scalar, Target::Cell(kind, field, row), min)
                {
                    self.store.set(kind, field, row, cell);
                    if *ty == FieldType::Prim(Prim::Id) {
                        self.register_id(kind, row, cell, scalar.pos);
                    }
                }
                Ok(())
            }
            (FieldType::Own(child), Event::MappingStart(..)) => {
                let child_row = self.record(*child, row, pos)?;
                self.store.set(kind, field, row, child_row);
                Ok(())
            }
            (FieldType::List(inner), Event::SequenceStart(..)) => {
                let cell = self.list(kind, field, inner, row, pos)?;
                self.store.set(kind, field, row, cell);
                Ok(())
            }
            (_, other) => {
                let found = self.describe_event(&other);
                self.wrong_type(ty, &found, Pos { len: 1, ..pos }, None);
                self.skip(&other)
            }
        }
    }

    pub(super) fn null_value(
        &mut self,
        kind: KindId,
        field: FieldId,
        row: u32,
        key_pos: Pos,
    ) -> Step<()> {
        let f = &self.schema.kind(kind).field_decl(field);
        // A collection key with nothing after it is a slip (entries not
        // indented below it, or cut away), not "no entities": a null here
        // would otherwise pass silently as an empty collection.
        let collection =
            matches!(&f.ty, FieldType::List(inner) if matches!(**inner, FieldType::Own(_)));
        if kind == ROOT && collection {
            self.error(
                ScenarioCode::WrongType,
                key_pos,
                format!("the collection `{}` has no value", f.name),
                "a collection is a list".into(),
                Some(format!(
                    "indent its entries below `{0}:`, or write `{0}: []` for none",
                    f.name
                )),
            );
            return Ok(());
        }
        if let Some(default) = f.default.clone() {
            let cell = self.default_cell(&default);
            self.store.set(kind, field, row, cell);
        } else if !f.optional {
            let k = &self.schema.kind(kind);
            let ty = self.schema.type_name(&f.ty);
            self.error(
                ScenarioCode::MissingField,
                key_pos,
                format!("`{}` has no value", f.name),
                format!("{} `{}` needs a `{}`", article(&k.name), k.name, f.name),
                Some(format!("give `{}` {ty}", f.name)),
            );
        }
        Ok(())
    }

    /// Loads a nested record mapping (its `MappingStart` read) and returns its row.
    pub(super) fn record(&mut self, child: KindId, parent_row: u32, pos: Pos) -> Step<u32> {
        let row = self.store.push_row(child, pos);
        if let Some(parent_field) = self
            .schema
            .kind(child)
            .fields
            .iter_enumerated()
            .find(|(_, f)| matches!(f.ty, FieldType::Parent(_)))
            .map(|(id, _)| id)
        {
            self.store.set(child, parent_field, row, parent_row);
        }
        self.mapping(child, row, pos)?;
        Ok(row)
    }

    /// Loads a sequence (its `SequenceStart` read) and returns the list cell.
    pub(super) fn list(
        &mut self,
        kind: KindId,
        field: FieldId,
        inner: &FieldType,
        row: u32,
        pos: Pos,
    ) -> Step<u32> {
        let (start, count) = match inner {
            FieldType::Own(child) => self.record_list(*child, row)?,
            _ => self.value_list(inner)?,
        };
        let f = &self.schema.kind(kind).field_decl(field);
        if f.nonempty && count == 0 {
            let name = f.name.clone();
            self.error(
                ScenarioCode::EmptyList,
                Pos {
                    len: pos.len.max(2),
                    ..pos
                },
                format!("`{name}` must not be empty"),
                "empty list".into(),
                Some(format!("list at least one element under `{name}`")),
            );
        }
        Ok(self.store.push_list(start, count))
    }

    pub(super) fn record_list(&mut self, child: KindId, parent_row: u32) -> Step<(u32, u32)> {
        let start = self.store.table(child).len() as u32;
        loop {
            let (event, pos) = self.next()?;
            match event {
                Event::SequenceEnd => break,
                Event::MappingStart(..) => {
                    self.record(child, parent_row, pos)?;
                }
                other => {
                    let found = self.describe_event(&other);
                    let ty = FieldType::Own(child);
                    self.wrong_type(
                        &ty,
                        &found,
                        Pos {
                            len: pos.len.max(1),
                            ..pos
                        },
                        None,
                    );
                    self.skip(&other)?;
                }
            }
        }
        let end = self.store.table(child).len() as u32;
        Ok((start, end - start))
    }

    pub(super) fn value_list(&mut self, inner: &FieldType) -> Step<(u32, u32)> {
        let start = self.store.pool.len() as u32;
        loop {
            let (event, pos) = self.next()?;
            match event {
                Event::SequenceEnd => break,
                Event::Scalar(text, style, _, tag) => {
                    let scalar = Scalar {
                        tagged_str: is_str_tag(tag.as_deref()),
                        text,
                        style,
                        pos,
                    };
                    let slot = self.store.pool.len();
                    if let Some(cell) = self.scalar_cell(inner, &scalar, Target::Pool(slot), None) {
                        self.store.pool.push(cell);
                    }
                }
                other => {
                    let found = self.describe_event(&other);
                    self.wrong_type(inner, &found, Pos { len: 1, ..pos }, None);
                    self.skip(&other)?;
                }
            }
        }
        Ok((start, self.store.pool.len() as u32 - start))
    }

    /// The cell of a scalar of type `ty`, or `None` after recording an error.
    pub(super) fn scalar_cell(
        &mut self,
        ty: &FieldType,
        s: &Scalar<'a>,
        target: Target,
        min: Option<f64>,
    ) -> Option<u32> {
        if s.text.len() > self.options.limits.max_string_bytes {
            self.error(
                ScenarioCode::SizeLimit,
                s.pos,
                format!(
                    "a value of {} bytes is longer than the limit of {}",
                    s.text.len(),
                    self.options.limits.max_string_bytes
                ),
                "too long".into(),
                Some("raise `--max-string-bytes` if the value is genuine".into()),
            );
            return None;
        }
        match ty {
            FieldType::Prim(prim) => self.prim_cell(*prim, s, min),
            FieldType::Enum(e) => self.enum_cell(*e, s),
            FieldType::Ref(kind) => {
                if let Some(what) = s.core_kind() {
                    self.string_expected(ty, s, what);
                    return None;
                }
                // Most references name an entity written above them: resolve
                // those at once, so only forward references (and errors, which
                // are reported at the end in file order) wait in `pending`.
                if let Some(row) = self.resolve_now(*kind, &s.text) {
                    return Some(row);
                }
                self.pending.push(PendingRef {
                    target,
                    kind: *kind,
                    name: s.text.clone(),
                    pos: s.pos,
                });
                Some(PENDING)
            }
            _ => {
                let found = self.describe_scalar(s);
                self.wrong_type(ty, &found, s.pos, None);
                None
            }
        }
    }

    pub(super) fn prim_cell(
        &mut self,
        prim: Prim,
        s: &Scalar<'a>,
        min: Option<f64>,
    ) -> Option<u32> {
        let ty = FieldType::Prim(prim);
        match prim {
            Prim::Str { .. } | Prim::Id => {
                if let Some(what) = s.core_kind() {
                    self.string_expected(&ty, s, what);
                    return None;
                }
                if prim == Prim::Id && s.text.trim().is_empty() {
                    self.wrong_type(
                        &ty,
                        "an empty string",
                        s.pos,
                        Some("give every entity a non-empty id".into()),
                    );
                    return None;
                }
                Some(self.string_cell(s))
            }
            Prim::Bool => match s.bool_value() {
                Some(b) => Some(u32::from(b)),
                None => {
                    let help = if s.plain()
                        && matches!(
                            s.text.to_ascii_lowercase().as_str(),
                            "yes" | "no" | "on" | "off" | "y" | "n"
                        ) {
                        Some(format!(
                            "YAML 1.2 reads `{}` as text; write `true` or `false`",
                            s.text
                        ))
                    } else {
                        Some("write `true` or `false`".into())
                    };
                    let found = self.describe_scalar(s);
                    self.wrong_type(&ty, &found, s.pos, help);
                    None
                }
            },
            Prim::Int => match s.int_value() {
                Some(v) => self
                    .check_min(v as f64, min, s)
                    .then(|| self.store.push_int(v)),
                None => {
                    let found = self.describe_scalar(s);
                    let help = (!s.plain() && core_int(&s.text).is_some())
                        .then(|| "remove the quotes".to_string());
                    self.wrong_type(&ty, &found, s.pos, help);
                    None
                }
            },
            Prim::Num => match s.num_value() {
                Some(v) if v.is_finite() => {
                    self.check_min(v, min, s).then(|| self.store.push_num(v))
                }
                _ => {
                    let found = self.describe_scalar(s);
                    self.wrong_type(&ty, &found, s.pos, None);
                    None
                }
            },
            Prim::Date => match parse_date(&s.text) {
                Some(days) => Some(date_cell(days)),
                None => {
                    let shape_ok = s.text.len() == 10 && s.text.as_bytes().get(4) == Some(&b'-');
                    let (message, help) = if shape_ok {
                        (
                            format!("`{}` is not a date that exists", s.text),
                            "check the month and the day".to_string(),
                        )
                    } else {
                        (
                            format!("`{}` is not a date in the form YYYY-MM-DD", s.text),
                            "write dates as YYYY-MM-DD, e.g. `2026-11-20`".to_string(),
                        )
                    };
                    self.error(
                        ScenarioCode::InvalidDate,
                        s.pos,
                        message,
                        "invalid date".into(),
                        Some(help),
                    );
                    None
                }
            },
        }
    }

    /// Whether `value` respects the field's `min`; reports it when not.
    pub(super) fn check_min(&mut self, value: f64, min: Option<f64>, s: &Scalar<'a>) -> bool {
        match min {
            Some(min) if value < min => {
                self.error(
                    ScenarioCode::OutOfRange,
                    s.pos,
                    format!("`{}` is below the smallest allowed value, {min}", s.text),
                    "out of range".into(),
                    Some(format!("give a value of {min} or more")),
                );
                false
            }
            _ => true,
        }
    }

    pub(super) fn enum_cell(&mut self, e: EnumId, s: &Scalar<'a>) -> Option<u32> {
        let decl = &self.schema.enum_decl(e);
        if let Some(v) = decl.variant(&s.text) {
            return Some(v);
        }
        let help = did_you_mean(&s.text, decl.variants.iter().map(String::as_str));
        self.error(
            ScenarioCode::InvalidEnum,
            s.pos,
            format!("`{}` is not a valid `{}`", s.text, decl.name),
            "invalid value".into(),
            help,
        );
        None
    }

    /// The row of the `kind` entity named `id` if it is already known. The
    /// last hit per kind is remembered: consecutive entries mostly name the
    /// same customer and partner, and a string compare is cheaper than a hash
    /// lookup (whose table is far larger than the cache at a million ids).
    pub(super) fn resolve_now(&mut self, kind: KindId, id: &str) -> Option<u32> {
        if let Some(&(cell, row)) = self.recent.get(kind.index()) {
            if cell != NONE && self.store.str(cell) == id {
                return Some(row);
            }
        }
        let (k, row) = self.find_id(id)?;
        if k != kind {
            return None;
        }
        let cell = self
            .schema
            .kind(kind)
            .id_field
            .map_or(NONE, |f| self.store.cell(kind, f, row));
        if let Some(slot) = self.recent.get_mut(kind.index()) {
            *slot = (cell, row);
        }
        Some(row)
    }

    /// The kind and row of the entity with this id, if it has been read.
    pub(super) fn find_id(&mut self, id: &str) -> Option<(KindId, u32)> {
        self.record_deferred_id();
        let store = &self.store;
        self.ids
            .find(id, |kind, row| store.row_id(kind, row).unwrap_or_default())
    }

    /// The cell of a string value: a range of the source when the scalar is
    /// written verbatim there (plain and single-line, the usual case), else a copy.
    pub(super) fn string_cell(&mut self, s: &Scalar<'a>) -> u32 {
        let plain = s.style == Style::Plain;
        self.store
            .push_scalar_str(&s.text, s.pos.offset, s.pos.len, plain)
    }

    /// Records an entity's id, reporting one used before anywhere in the
    /// file. The id is recorded a little later, its index entry prefetched
    /// now: at a million ids, the cache miss of recording it then overlaps
    /// the entity's next fields instead of stalling the load here. It is
    /// recorded before anything looks at the index or reports another error,
    /// so ids and errors come in the order they would if it were recorded at
    /// once.
    pub(super) fn register_id(&mut self, kind: KindId, row: u32, cell: u32, pos: Pos) {
        self.record_deferred_id();
        let tag = self.ids.tag(self.store.str(cell));
        self.ids.warm(tag);
        self.deferred_id = Some(DeferredId {
            kind,
            row,
            cell,
            pos,
            tag,
        });
    }

    /// Records the id [`Loader::register_id`] left for later, if any.
    pub(super) fn record_deferred_id(&mut self) {
        let Some(DeferredId {
            kind,
            row,
            cell,
            pos,
            tag,
        }) = self.deferred_id.take()
        else {
            return;
        };
        let store = &self.store;
        let inserted = self
            .ids
            .insert_tagged(store.str(cell), tag, kind, row, |kind, row| {
                store.row_id(kind, row).unwrap_or_default()
            });
        if inserted == Err(NotInserted::TooManyRows) {
            let name = &self.schema.kind(kind).name;
            self.error(
                ScenarioCode::SizeLimit,
                pos,
                format!(
                    "more than {} entities of kind `{name}` in one file",
                    self.ids.max_row()
                ),
                "one too many".into(),
                Some("split the scenario into several files".into()),
            );
        }
        if let Err(NotInserted::Taken(other_kind, other_row)) = inserted {
            let id = self.store.str(cell);
            let first = self.store.pos(other_kind, other_row);
            let other = &self.schema.kind(other_kind).name;
            let message = format!(
                "id `{id}` is already used by a `{other}` at line {}",
                first.line
            );
            self.error(
                ScenarioCode::DuplicateId,
                pos,
                message,
                "second use here".into(),
                Some("ids must be unique across the whole file; rename one of the two".into()),
            );
            if let Some(last) = self.errors.last_mut() {
                last.also = Some(("first used here".into(), first));
            }
        }
    }

    pub(super) fn string_expected(&mut self, ty: &FieldType, s: &Scalar<'a>, what: &str) {
        let found = format!("{what} `{}`", s.text);
        let help = Some(format!("quote it to make it a string: `\"{}\"`", s.text));
        self.wrong_type(ty, &found, s.pos, help);
    }

    pub(super) fn wrong_type(
        &mut self,
        ty: &FieldType,
        found: &str,
        pos: Pos,
        help: Option<String>,
    ) {
        let expected = self.schema.type_name(ty);
        self.error(
            ScenarioCode::WrongType,
            pos,
            format!("expected {expected}, found {found}"),
            format!("expected {expected}"),
            help,
        );
    }

    pub(super) fn describe_scalar(&self, s: &Scalar<'a>) -> String {
        match s.core_kind() {
            Some(kind) => format!("{kind} `{}`", s.text),
            None => format!("`{}`", s.text),
        }
    }

    pub(super) fn describe_event(&self, event: &Event<'a>) -> String {
        match event {
            Event::MappingStart(..) => "a mapping".into(),
            Event::SequenceStart(..) => "a list".into(),
            Event::Scalar(text, style, _, tag) => self.describe_scalar(&Scalar {
                text: text.clone(),
                style: *style,
                tagged_str: is_str_tag(tag.as_deref()),
                pos: Pos::default(),
            }),
            _ => "nothing".into(),
        }
    }
}
