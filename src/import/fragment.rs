//! The scenario being built: entities as ordered fields, so overlays merge into
//! them field by field and the writer keeps a stable order.

use std::borrow::Cow;
use std::sync::Arc;

/// The text of a value or an id. Shared, not owned: a customer's id is the
/// `customer` of each of its subscriptions, and a large import has a million
/// such values, which cost an allocation (and a free) each when copied.
pub(crate) type Text = Arc<str>;

/// One shared copy of each text that many entities repeat (subscription
/// names, offers, offer ids, statuses, quantities): a large book has few
/// distinct ones, and a copy per entity is an allocation (and a free) each.
#[derive(Debug, Default)]
pub(crate) struct SharedTexts(hashbrown::HashSet<Text>);

impl SharedTexts {
    /// The shared copy of `value`.
    pub(crate) fn text(&mut self, value: &str) -> Text {
        if let Some(t) = self.0.get(value) {
            return Text::clone(t);
        }
        let t = Text::from(value);
        self.0.insert(Text::clone(&t));
        t
    }

    /// The shared copy of a number's text.
    pub(crate) fn number(&mut self, n: u64) -> Text {
        self.text(itoa::Buffer::new().format(n))
    }
}

/// A value of a scenario field.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Val {
    /// A string (quoted when YAML needs it).
    Str(Text),
    /// A plain scalar written as is: an enum value, a number, a boolean, a date.
    Plain(Text),
    /// A list.
    List(Vec<Val>),
    /// A nested mapping (`mca`, a relationship, a transfer item).
    Map(Fields),
}

/// A field name: the importer's own are static, an overlay's are its text.
pub(crate) type Key = Cow<'static, str>;

/// Ordered fields of an entity or a nested mapping.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Fields(pub Vec<(Key, Val)>);

impl Fields {
    /// Sets a field, keeping its place when it is already there.
    pub(crate) fn set(&mut self, key: impl Into<Key>, value: Val) {
        let key = key.into();
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.0.push((key, value)),
        }
    }

    /// Adds a field that is not set yet. The builder sets each field of a
    /// new entity once, and [`Fields::set`] would search the fields first.
    pub(crate) fn add(&mut self, key: &'static str, value: Val) {
        debug_assert!(self.get(key).is_none(), "`{key}` is set twice");
        self.0.push((Cow::Borrowed(key), value));
    }

    /// Adds a field that is not set yet, when there is a value.
    pub(crate) fn add_opt(&mut self, key: &'static str, value: Option<Val>) {
        if let Some(v) = value {
            self.add(key, v);
        }
    }

    /// A field's value.
    pub(crate) fn get(&self, key: &str) -> Option<&Val> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// A field's value, to change it.
    pub(crate) fn get_mut(&mut self, key: &str) -> Option<&mut Val> {
        self.0.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The fields with those named in `order` first, in that order (the
    /// scenario format's order, so files read the same whatever the overlay's
    /// order).
    pub(crate) fn in_order<'f>(&'f self, order: &[&str]) -> InOrder<'f> {
        let rank = |k: &str| order.iter().position(|o| *o == k).unwrap_or(order.len());
        // The importer sets its fields in that order already: only an
        // overlay's fields can need sorting, and the writer asks this of
        // every entity and nested mapping of a large book.
        if self.0.iter().is_sorted_by_key(|(k, _)| rank(k)) {
            return InOrder::AsSet(self.0.iter());
        }
        let mut v: Vec<(&str, &Val)> = self.0.iter().map(|(k, v)| (k.as_ref(), v)).collect();
        v.sort_by_key(|(k, _)| rank(k));
        InOrder::Sorted(v.into_iter())
    }
}

/// The fields of [`Fields::in_order`], in that order.
pub(crate) enum InOrder<'f> {
    /// The fields as set, already in order.
    AsSet(std::slice::Iter<'f, (Key, Val)>),
    /// The fields sorted.
    Sorted(std::vec::IntoIter<(&'f str, &'f Val)>),
}

impl<'f> Iterator for InOrder<'f> {
    type Item = (&'f str, &'f Val);

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            InOrder::AsSet(fields) => fields.next().map(|(k, v)| (k.as_ref(), v)),
            InOrder::Sorted(fields) => fields.next(),
        }
    }
}

/// An entity of the scenario.
#[derive(Debug, Clone)]
pub(crate) struct Entity {
    /// Its readable id (also in `fields`).
    pub id: Text,
    /// Its Partner Center id (lower case), which overlays may match too.
    pub pc_id: Option<Text>,
    /// The file it came from (for the `# from` comment).
    pub origin: Arc<str>,
    /// Its fields, `id` first.
    pub fields: Fields,
}

impl Entity {
    /// An entity with its id field set.
    pub(crate) fn new(id: Text, pc_id: Option<Text>, origin: Arc<str>) -> Self {
        // Room for most entities' fields: the list is not grown (and copied)
        // four times over. The builder gives back what it did not use
        // ([`Entity::finished`]).
        Self::with_room(id, pc_id, origin, 12)
    }

    /// An entity with its id field set, and room for `room` fields in all
    /// (for entities whose fields are known before they are set).
    pub(crate) fn with_room(id: Text, pc_id: Option<Text>, origin: Arc<str>, room: usize) -> Self {
        let mut fields = Fields(Vec::with_capacity(room));
        fields.add("id", Val::Str(id.clone()));
        Entity {
            id,
            pc_id,
            origin,
            fields,
        }
    }

    /// The entity with its fields set: the room left in their list is given
    /// back. A field takes 56 bytes, and the 100,000 subscriptions and
    /// 12,500 customers of a 100k book leave two to six of their twelve
    /// unused: without this, the import's peak is 25 MB higher
    /// (BENCHMARKS.md, "Stop 29").
    pub(crate) fn finished(mut self) -> Self {
        self.fields.0.shrink_to_fit();
        self
    }
}

/// The kinds of entity, in the order the scenario lists them.
pub(crate) const KINDS: [&str; 4] = ["partners", "customers", "subscriptions", "transfers"];

/// The customers' place in [`KINDS`].
pub(crate) const CUSTOMERS: usize = 1;

/// The field order of each kind in the scenario format.
pub(crate) fn field_order(kind: &str) -> &'static [&'static str] {
    match kind {
        "partners" => &[
            "id",
            "name",
            "mpn_id",
            "region",
            "roles",
            "tenant",
            "tenant_id",
            "enrollment",
            "mpa_signed",
            "sandbox",
            "revenue_12m_usd",
        ],
        "customers" => &[
            "id",
            "name",
            "region",
            "tenant",
            "tenant_id",
            "acquired_as",
            "affiliate_of",
            "mca",
            "relationships",
        ],
        "subscriptions" => &[
            "id", "name", "customer", "partner", "offer", "offer_id", "pc_id", "base", "quantity",
            "status", "reseller",
        ],
        "transfers" => &[
            "id", "from", "to", "customer", "status", "created", "pc_id", "items",
        ],
        // Nested mappings, by the field that holds them.
        "mca" => &["via", "through", "date"],
        "relationships" => &["partner", "via", "consent", "dap_required"],
        "items" => &["subscription", "quantity"],
        _ => &[],
    }
}

/// The scenario: root fields, entities by kind, partnerships (which have no id).
#[derive(Debug, Clone, Default)]
pub(crate) struct Scenario {
    /// `scenario`, `as_of`, `expect`.
    pub root: Fields,
    /// Entities of each of [`KINDS`], in that order.
    pub kinds: [Vec<Entity>; 4],
    /// Partnerships, each with the overlay that gave it.
    pub partnerships: Vec<(Fields, Arc<str>)>,
}
