//! The scenario schema: kinds (the root, entities, records), their fields, enums.
//!
//! Declared in rule files and built by [`crate::lang::schema_build`]; the engine knows no
//! CSP word. The scenario root is itself a kind (`root`), whose fields are its
//! scalar settings plus one list field per entity collection, so the loader walks
//! every mapping the same way.

use std::collections::HashMap;

use crate::source::Span;

/// Index of a kind in [`Schema::kinds`].
pub(crate) type KindId = usize;
/// Index of a field in [`Kind::fields`].
pub(crate) type FieldId = usize;
/// Index of an enum in [`Schema::enums`].
pub(crate) type EnumId = usize;

/// The kind id of the scenario root.
pub const ROOT: KindId = 0;

/// Most fields a kind may declare (the loader tracks seen keys in a 64-bit mask).
pub(crate) const MAX_FIELDS: usize = 64;

/// Primitive scalar types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prim {
    /// Text; `nocase` compares without regard to case.
    Str {
        /// Compare without regard to case.
        nocase: bool,
    },
    /// A whole number.
    Int,
    /// Any number.
    Num,
    /// `true` or `false`.
    Bool,
    /// `YYYY-MM-DD`.
    Date,
    /// The entity's id: a string unique across the whole scenario.
    Id,
}

/// The type of a field.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldType {
    /// A scalar.
    Prim(Prim),
    /// One value of an enum.
    Enum(EnumId),
    /// The id of an entity of this kind.
    Ref(KindId),
    /// A nested mapping of this record (or, on the root, entity) kind.
    Own(KindId),
    /// A list of the inner type.
    List(Box<FieldType>),
    /// Computed: the entities of `kind` whose `field` refers to this entity.
    Inverse {
        /// The referring kind.
        kind: KindId,
        /// Its reference field.
        field: FieldId,
    },
    /// Computed: the entity or record that owns this record.
    Parent(KindId),
}

impl FieldType {
    /// Whether the field is computed by the loader rather than read from YAML.
    pub fn is_computed(&self) -> bool {
        matches!(self, FieldType::Inverse { .. } | FieldType::Parent(_))
    }
}

/// A field's value when the scenario leaves it out.
#[derive(Clone, Debug, PartialEq)]
pub enum DefaultValue {
    /// `false` / `true`
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A number.
    Num(f64),
    /// A string.
    Str(String),
    /// A date (days since 1970-01-01).
    Date(i32),
    /// `today`: the evaluation date.
    Today,
    /// An enum value.
    Enum(u32),
    /// The empty list.
    EmptyList,
}

/// A field of a kind.
#[derive(Clone, Debug)]
pub struct Field {
    /// The key in scenario files.
    pub name: String,
    /// Its type.
    pub ty: FieldType,
    /// May be absent (and `null`).
    pub optional: bool,
    /// The value when absent.
    pub default: Option<DefaultValue>,
    /// A list that must not be empty.
    pub nonempty: bool,
    /// The smallest allowed number.
    pub min: Option<f64>,
    /// Required when the sibling field (an enum) has this value.
    pub required_if: Option<(FieldId, u32)>,
    /// Where it was declared (file index, span).
    pub decl: (usize, Span),
}

impl Field {
    /// Whether a scenario must give this field.
    pub fn is_required(&self) -> bool {
        !self.optional && self.default.is_none() && !self.ty.is_computed()
    }

    /// Whether strings in this field compare without regard to case.
    pub fn nocase(&self) -> bool {
        let inner = match &self.ty {
            FieldType::List(inner) => inner.as_ref(),
            other => other,
        };
        matches!(inner, FieldType::Prim(Prim::Str { nocase: true }))
    }
}

/// The root, an entity kind or a record kind.
#[derive(Clone, Debug)]
pub struct Kind {
    /// Its name (`root` for the root).
    pub name: String,
    /// For entities: the root key that lists them.
    pub collection: Option<String>,
    /// Fields in declaration order (computed ones included).
    pub fields: Vec<Field>,
    /// Field ids by name.
    pub field_index: HashMap<String, FieldId>,
    /// The `id` field, for kinds whose entities have ids.
    pub id_field: Option<FieldId>,
    /// For records: the kind that owns them.
    pub owner: Option<KindId>,
    /// Where it was declared (file index, span).
    pub decl: (usize, Span),
}

impl Kind {
    /// The field with this id.
    #[expect(
        clippy::indexing_slicing,
        reason = "field ids are only made by the schema builder, as indexes into `fields`"
    )]
    pub fn field_decl(&self, id: FieldId) -> &Field {
        &self.fields[id]
    }

    /// The field with this id, to change it while building the schema.
    #[expect(
        clippy::indexing_slicing,
        reason = "field ids are only made by the schema builder, as indexes into `fields`"
    )]
    pub fn field_decl_mut(&mut self, id: FieldId) -> &mut Field {
        &mut self.fields[id]
    }

    /// The field with this name.
    pub fn field(&self, name: &str) -> Option<FieldId> {
        self.field_index.get(name).copied()
    }
}

/// An enum: a closed set of names.
#[derive(Clone, Debug)]
pub struct Enum {
    /// Its name.
    pub name: String,
    /// Its values in declaration order.
    pub variants: Vec<String>,
    /// Where it was declared (file index, span).
    pub decl: (usize, Span),
    /// Value indexes by name: a scenario cell is resolved in constant time, and
    /// a large enum loads in linear time.
    index: HashMap<String, u32>,
}

impl Enum {
    /// An enum without values yet.
    pub fn new(name: String, decl: (usize, Span)) -> Self {
        Enum {
            name,
            variants: Vec::new(),
            decl,
            index: HashMap::new(),
        }
    }

    /// Adds a value; `false` (and nothing added) when it is already listed.
    pub fn add_variant(&mut self, name: &str) -> bool {
        if self.index.contains_key(name) {
            return false;
        }
        self.index
            .insert(name.to_string(), self.variants.len() as u32);
        self.variants.push(name.to_string());
        true
    }

    /// The index of a value.
    pub fn variant(&self, name: &str) -> Option<u32> {
        self.index.get(name).copied()
    }
}

/// All kinds and enums of the loaded rule files.
#[derive(Clone, Debug, Default)]
pub struct Schema {
    /// Kinds; index 0 is the root.
    pub kinds: Vec<Kind>,
    /// Enums.
    pub enums: Vec<Enum>,
    /// Kind, enum and collection names, so that looking one up does not scan
    /// (a rule pack may declare many: loading stays linear).
    names: Names,
}

/// The name indexes of a [`Schema`], kept by [`Schema::add_kind`] and [`Schema::add_enum`].
#[derive(Clone, Debug, Default)]
struct Names {
    kinds: HashMap<String, KindId>,
    enums: HashMap<String, EnumId>,
    collections: HashMap<String, KindId>,
}

impl Schema {
    /// The kind with this id.
    #[expect(
        clippy::indexing_slicing,
        reason = "kind ids are only made by the schema builder, as indexes into `kinds`"
    )]
    pub fn kind(&self, id: KindId) -> &Kind {
        &self.kinds[id]
    }

    /// The kind with this id, to change it while building the schema.
    #[expect(
        clippy::indexing_slicing,
        reason = "kind ids are only made by the schema builder, as indexes into `kinds`"
    )]
    pub fn kind_mut(&mut self, id: KindId) -> &mut Kind {
        &mut self.kinds[id]
    }

    /// The enum with this id.
    #[expect(
        clippy::indexing_slicing,
        reason = "enum ids are only made by the schema builder, as indexes into `enums`"
    )]
    pub fn enum_decl(&self, id: EnumId) -> &Enum {
        &self.enums[id]
    }

    /// Adds a kind (its name and collection not yet used) and returns its id.
    pub fn add_kind(&mut self, kind: Kind) -> KindId {
        let id = self.kinds.len();
        self.names.kinds.entry(kind.name.clone()).or_insert(id);
        if let Some(c) = &kind.collection {
            self.names.collections.entry(c.clone()).or_insert(id);
        }
        self.kinds.push(kind);
        id
    }

    /// Adds an enum (its name not yet used) and returns its id.
    pub fn add_enum(&mut self, e: Enum) -> EnumId {
        let id = self.enums.len();
        self.names.enums.entry(e.name.clone()).or_insert(id);
        self.enums.push(e);
        id
    }

    /// The kind with this name.
    pub fn kind_named(&self, name: &str) -> Option<KindId> {
        self.names.kinds.get(name).copied()
    }

    /// The enum with this name.
    pub fn enum_named(&self, name: &str) -> Option<EnumId> {
        self.names.enums.get(name).copied()
    }

    /// The entity kind listed under this root collection.
    pub fn kind_of_collection(&self, collection: &str) -> Option<KindId> {
        self.names.collections.get(collection).copied()
    }

    /// The root kind.
    pub fn root(&self) -> &Kind {
        self.kind(ROOT)
    }

    /// Kinds whose entities carry ids, in declaration order.
    pub fn identified_kinds(&self) -> impl Iterator<Item = KindId> + '_ {
        (0..self.kinds.len()).filter(|&k| self.kind(k).id_field.is_some())
    }

    /// A readable name of a field type with its article (`an integer`), for messages.
    pub fn type_name(&self, ty: &FieldType) -> String {
        let bare = self.bare_type_name(ty);
        let vowel = bare
            .trim_start_matches('`')
            .starts_with(['a', 'e', 'i', 'o', 'u']);
        format!("{} {bare}", if vowel { "an" } else { "a" })
    }

    fn bare_type_name(&self, ty: &FieldType) -> String {
        match ty {
            FieldType::Prim(Prim::Str { .. }) => "string".into(),
            FieldType::Prim(Prim::Int) => "integer".into(),
            FieldType::Prim(Prim::Num) => "number".into(),
            FieldType::Prim(Prim::Bool) => "boolean".into(),
            FieldType::Prim(Prim::Date) => "date".into(),
            FieldType::Prim(Prim::Id) => "id".into(),
            FieldType::Enum(e) => format!("`{}` value", self.enum_decl(*e).name),
            FieldType::Ref(k) => format!("`{}` id", self.kind(*k).name),
            FieldType::Own(k) => format!("`{}` mapping", self.kind(*k).name),
            FieldType::List(inner) => format!("list of {}s", self.bare_type_name(inner)),
            FieldType::Inverse { kind, .. } => format!("list of `{}`", self.kind(*kind).name),
            FieldType::Parent(k) => format!("`{}`", self.kind(*k).name),
        }
    }
}
