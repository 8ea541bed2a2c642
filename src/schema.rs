//! The scenario schema: kinds (the root, entities, records), their fields, enums.
//!
//! Declared in rule files and built by [`crate::lang::schema_build`]; the engine knows no
//! CSP word. The scenario root is itself a kind (`root`), whose fields are its
//! scalar settings plus one list field per entity collection, so the loader walks
//! every mapping the same way.

use hashbrown::HashMap;

use crate::source::Span;

/// A kind of the schema: made only by [`Schema::add_kind`] (the root by
/// [`ROOT`]), as the position of the kind it added in [`Schema::kinds`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KindId(u32);

/// A field of a kind: made only by [`Kind::add_field`], as the position of
/// the field it added in [`Kind::fields`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FieldId(u32);

/// An enum of the schema: made only by [`Schema::add_enum`], as the position
/// of the enum it added in [`Schema::enums`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EnumId(u32);

/// An id that is a position in an [`IdVec`].
pub trait Id: Copy {
    /// The position of what it names (also for tables kept beside the
    /// schema: a store's side tables, a loader's, one per kind).
    fn index(self) -> usize;
    /// The id of a position (only `IdVec` makes ids).
    fn at(index: usize) -> Self;
}

macro_rules! id {
    ($name:ident) => {
        impl Id for $name {
            fn index(self) -> usize {
                self.0 as usize
            }
            fn at(index: usize) -> Self {
                $name(index as u32)
            }
        }
    };
}
id!(KindId);
id!(FieldId);
id!(EnumId);

/// A list whose positions are only given out as ids of type `I`, by
/// [`IdVec::push`]: an id of this list always names one of its items, so it
/// is read through [`IdVec::item`] without a check of its own. (Ids of one
/// schema are not used with another: a program has one schema.)
#[derive(Clone, Debug)]
pub struct IdVec<I, T> {
    items: Vec<T>,
    id: std::marker::PhantomData<I>,
}

impl<I, T> Default for IdVec<I, T> {
    fn default() -> Self {
        IdVec {
            items: Vec::new(),
            id: std::marker::PhantomData,
        }
    }
}

impl<I: Id, T> IdVec<I, T> {
    /// Adds an item and gives its id.
    pub(crate) fn push(&mut self, item: T) -> I {
        let id = I::at(self.items.len());
        self.items.push(item);
        id
    }

    /// How many items there are.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// The items in order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }

    /// The ids in order.
    pub fn ids(&self) -> impl Iterator<Item = I> + Clone + '_ {
        (0..self.items.len()).map(I::at)
    }

    /// The ids with their items, in order.
    pub fn iter_enumerated(&self) -> impl Iterator<Item = (I, &T)> + '_ {
        self.items.iter().enumerate().map(|(i, t)| (I::at(i), t))
    }

    /// The ids with their items, in order, to change them.
    pub(crate) fn iter_mut_enumerated(&mut self) -> impl Iterator<Item = (I, &mut T)> + '_ {
        self.items
            .iter_mut()
            .enumerate()
            .map(|(i, t)| (I::at(i), t))
    }

    /// The item of an id, which is always there: an id is only made by
    /// `push` on this list, which never shrinks.
    #[expect(
        clippy::indexing_slicing,
        reason = "an id is only made by `push` on this list, which never shrinks"
    )]
    pub fn item(&self, id: I) -> &T {
        &self.items[id.index()]
    }

    /// The item of an id, to change it (see [`IdVec::item`]).
    #[expect(
        clippy::indexing_slicing,
        reason = "an id is only made by `push` on this list, which never shrinks"
    )]
    pub(crate) fn item_mut(&mut self, id: I) -> &mut T {
        &mut self.items[id.index()]
    }

    /// The item of an id (always there; for callers that read an optional
    /// item the same way as other lists).
    pub fn get(&self, id: I) -> Option<&T> {
        self.items.get(id.index())
    }

    /// The item of an id, to change it.
    pub(crate) fn get_mut(&mut self, id: I) -> Option<&mut T> {
        self.items.get_mut(id.index())
    }

    /// A list of the same ids, each with what `f` makes of its item: the
    /// ids of one are the ids of the other (a store's tables, one per kind).
    pub(crate) fn map<U>(&self, f: impl FnMut(&T) -> U) -> IdVec<I, U> {
        IdVec {
            items: self.items.iter().map(f).collect(),
            id: std::marker::PhantomData,
        }
    }

    /// The item at a position that may be out of range (a guess).
    pub(crate) fn get_at(&self, index: usize) -> Option<(I, &T)> {
        self.items.get(index).map(|t| (I::at(index), t))
    }
}

impl<'a, I, T> IntoIterator for &'a mut IdVec<I, T> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter_mut()
    }
}

impl<'a, I, T> IntoIterator for &'a IdVec<I, T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

/// The kind id of the scenario root (the first kind every schema adds).
pub const ROOT: KindId = KindId(0);

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
    pub fields: IdVec<FieldId, Field>,
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
    pub fn field_decl(&self, id: FieldId) -> &Field {
        self.fields.item(id)
    }

    /// The field with this id, to change it while building the schema.
    pub fn field_decl_mut(&mut self, id: FieldId) -> &mut Field {
        self.fields.item_mut(id)
    }

    /// Adds a field (its name not yet used) and gives its id.
    pub(crate) fn add_field(&mut self, field: Field) -> FieldId {
        let name = field.name.clone();
        let id = self.fields.push(field);
        self.field_index.insert(name, id);
        id
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
    /// Kinds; the first is the root.
    pub kinds: IdVec<KindId, Kind>,
    /// Enums.
    pub enums: IdVec<EnumId, Enum>,
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
    pub fn kind(&self, id: KindId) -> &Kind {
        self.kinds.item(id)
    }

    /// The kind with this id, to change it while building the schema.
    pub fn kind_mut(&mut self, id: KindId) -> &mut Kind {
        self.kinds.item_mut(id)
    }

    /// The enum with this id.
    pub fn enum_decl(&self, id: EnumId) -> &Enum {
        self.enums.item(id)
    }

    /// Adds a kind (its name and collection not yet used) and returns its id.
    pub fn add_kind(&mut self, kind: Kind) -> KindId {
        let name = kind.name.clone();
        let collection = kind.collection.clone();
        let id = self.kinds.push(kind);
        self.names.kinds.entry(name).or_insert(id);
        if let Some(c) = collection {
            self.names.collections.entry(c).or_insert(id);
        }
        id
    }

    /// Adds an enum (its name not yet used) and returns its id.
    pub fn add_enum(&mut self, e: Enum) -> EnumId {
        let name = e.name.clone();
        let id = self.enums.push(e);
        self.names.enums.entry(name).or_insert(id);
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
        self.kinds
            .iter_enumerated()
            .filter(|(_, k)| k.id_field.is_some())
            .map(|(id, _)| id)
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
