//! From what the exports hold to scenario entities: readable ids, references
//! between entities, and the `# from` origin of each.

use super::by_family;
use super::error::{ImportCode, ImportError};
use super::fragment::{Entity, Fields, Scenario, SharedTexts, Text, Val};
use super::ids::{short, slug, Ids, Slugs};
use super::model::{Loc, Raw, TransferRaw};
use super::prefetch;
use rayon::prelude::*;

/// A reference that can only be resolved once overlays are merged: a
/// subscription's reseller of record, named by PartnerID or tenant id.
#[derive(Debug, Clone)]
pub(crate) struct Deferred {
    /// Index of the subscription in the scenario.
    pub subscription: usize,
    /// The PartnerID or tenant id.
    pub value: String,
    /// Where it was read.
    pub loc: Loc,
}

/// The scenario built from the exports, and what is left to resolve.
pub(crate) struct Built {
    /// The scenario.
    pub scenario: Scenario,
    /// Resellers to resolve after overlays.
    pub resellers: Vec<Deferred>,
    /// The ids handed out: no longer needed, given back so that the caller
    /// frees them as `Release` says (freeing 100k ids on the import's main
    /// thread took 5 ms of its critical path).
    pub ids: Ids,
}

/// Builds the scenario; references to entities in no export are errors.
/// `with_customers` is given the customers' entities as soon as they are
/// built, on the core that built them, while the subscriptions are built on
/// the other; what it returns is returned with the scenario.
pub(crate) fn build<R: Send>(
    raw: &mut Raw,
    errors: &mut Vec<ImportError>,
    with_customers: impl FnOnce(&mut [Entity]) -> R + Send,
) -> (Built, R) {
    add_transfer_partners(raw);
    let raw: &Raw = raw;
    let mut ids = Ids::default();
    // The partners' and customers' ids go in one set, sized once (the
    // subscriptions' and transfers' join them only when they are handed
    // out in one pass: see `subscription_entities`).
    ids.reserve(raw.partners.len() + raw.customers.len());
    let partners = partners(raw, &mut ids);
    let partner_ids = &partners.ids;
    let customers = customers(raw, &mut ids);
    let customer_ids = &customers.ids;
    let mut scenario = Scenario::default();
    scenario.kinds[0] = partner_entities(raw, &partners);
    // The customers' entities need only the ids above: they are built on
    // one core while the subscriptions' ids are handed out on the other.
    let ((customers, after_customers), (subs, sub_ids, resellers, transfer_ids)) = rayon::join(
        || {
            let mut customers = customer_entities(raw, &customers, partner_ids);
            let after = with_customers(&mut customers);
            (customers, after)
        },
        || subscription_entities(raw, &mut ids, &customers, partner_ids, errors),
    );
    scenario.kinds[1] = customers;
    scenario.kinds[2] = subs;
    let context = Context {
        raw,
        customer_ids,
        partner_ids,
        sub_ids: &sub_ids,
    };
    scenario.kinds[3] = transfer_entities(&context, &mut ids, errors, transfer_ids);
    let built = Built {
        scenario,
        resellers,
        ids,
    };
    (built, after_customers)
}

/// Partners named by transfer requests but in no export get an entry of their own.
fn add_transfer_partners(raw: &mut Raw) {
    let named: Vec<(String, Option<String>, usize)> = raw
        .transfers
        .iter()
        .flat_map(|t| [(t.from.clone(), t.loc.file), (t.to.clone(), t.loc.file)])
        .map(|((tenant, name), file)| (tenant, name, file))
        .collect();
    for (tenant, name, file) in named {
        raw.partner(&tenant, name.as_deref(), file);
    }
}

/// The readable ids of one kind of entity, and the order they sort in.
pub(crate) struct Assigned {
    /// Each entity's id, by its index in [`Raw`].
    pub ids: Vec<Text>,
    /// The indexes in [`Raw`], in the order of their ids: the order the
    /// entities are written in.
    pub by_id: Vec<usize>,
}

/// The entities at the indexes `order` (in [`Raw`]) of `items`, each with its
/// index and its id, in that order.
fn in_order<'a, T>(
    order: &'a [usize],
    items: &'a [T],
    ids: &'a [Text],
) -> impl Iterator<Item = (usize, &'a T, &'a Text)> {
    order
        .iter()
        .filter_map(|&i| Some((i, items.get(i)?, ids.get(i)?)))
}

/// Ids in a deterministic order: by name, then Partner Center id.
pub(super) fn assign(keys: Vec<(Text, &str, usize)>, ids: &mut Ids, prefix: &str) -> Assigned {
    let mut keys = keys;
    keys.par_sort_unstable();
    let none = Text::from("");
    let mut out = vec![none; keys.len()];
    let mut order = Vec::with_capacity(keys.len());
    // No copy of a key or an id is made to be dropped later: each drop was a
    // count changed in a text long out of the cache, on this one core. A
    // key's text is taken as its id when free (the hand-out 36 -> 28 ms when
    // 100k subscriptions were handed out here), and the ids are sorted by
    // reference below (46 -> 40 ms, in an earlier series; BENCHMARKS.md,
    // "Stop 32").
    let mut keys = keys.into_iter();
    while let Some((base, pc_id, index)) = keys.next() {
        // The keys were made in the exports' order and are read in sorted
        // order: each text a cache miss, waited for on this one core (a
        // third of the hand-out's time for 100k subscriptions).
        if let Some((ahead, _, slot)) = keys.as_slice().get(7) {
            prefetch::text(ahead);
            if let Some(slot) = out.get(*slot) {
                prefetch::value(slot);
            }
        }
        let id = ids.unique(base, || format!("{prefix}-{}", short(pc_id)));
        order.push(index);
        if let Some(slot) = out.get_mut(index) {
            *slot = id;
        }
    }
    // Already in order but where a suffix (`-2`) or a fallback id sorts
    // elsewhere than its key: the stable sort takes the runs as they are.
    let mut by_id: Vec<(&Text, usize)> = order
        .into_iter()
        .filter_map(|index| Some((out.get(index)?, index)))
        .collect();
    by_id.sort_by_key(|(id, _)| *id);
    let by_id = by_id.into_iter().map(|(_, index)| index).collect();
    Assigned { ids: out, by_id }
}

/// Fetches what the subscriptions a few places after the `n`th of `order`
/// are built from: the record eight places on, and the texts it points to
/// four places on (its record fetched by then). Built in the order of their
/// ids, the records and their texts are read in no order of memory, and
/// each was a cache miss waited for.
fn prefetch_ahead(c: &Context<'_>, order: &[usize], n: usize) {
    let subscription = |ahead: usize| {
        let i = *order.get(n + ahead)?;
        Some((i, c.raw.subscriptions.get(i)?))
    };
    if let Some((i, s)) = subscription(8) {
        prefetch::value(s);
        if let Some(id) = c.sub_ids.get(i) {
            prefetch::value(id);
        }
    }
    if let Some((i, s)) = subscription(4) {
        prefetch::text(&s.pc_id);
        if let Some(id) = c.sub_ids.get(i) {
            prefetch::text(id);
        }
        if let Some(name) = c.raw.names.get(s.loc.file) {
            prefetch::text(name);
        }
    }
}

fn partners(raw: &Raw, ids: &mut Ids) -> Assigned {
    let keys = raw
        .partners
        .iter()
        .enumerate()
        .map(|(i, p)| {
            (
                Text::from(slug(p.name.as_deref().unwrap_or(""))),
                p.tenant_id.as_deref().unwrap_or(""),
                i,
            )
        })
        .collect();
    assign(keys, ids, "partner")
}

fn customers(raw: &Raw, ids: &mut Ids) -> Assigned {
    let keys = raw
        .customers
        .iter()
        .enumerate()
        .map(|(i, c)| {
            (
                Text::from(slug(c.name.as_deref().unwrap_or(""))),
                c.tenant_id.as_str(),
                i,
            )
        })
        .collect();
    assign(keys, ids, "customer")
}

fn text(value: &Option<String>) -> Option<Val> {
    value.as_deref().map(|v| Val::Str(v.into()))
}

fn plain(value: &Option<String>) -> Option<Val> {
    value.as_deref().map(|v| Val::Plain(v.into()))
}

/// The partners' entities, in the order of their ids (see
/// [`subscription_entities`]).
fn partner_entities(raw: &Raw, assigned: &Assigned) -> Vec<Entity> {
    in_order(&assigned.by_id, &raw.partners, &assigned.ids)
        .map(|(_, p, id)| {
            let tenant_id = p.tenant_id.as_deref().map(Text::from);
            let mut e = Entity::new(Text::clone(id), tenant_id.clone(), raw.name(p.origin));
            e.fields.add_opt("name", text(&p.name));
            e.fields.add_opt("region", plain(&p.region));
            e.fields.add_opt("tenant", text(&p.domain));
            e.fields.add_opt("tenant_id", tenant_id.map(Val::Str));
            e
        })
        .collect()
}

/// The customers' entities, in the order of their ids (see
/// [`subscription_entities`]).
fn customer_entities(raw: &Raw, assigned: &Assigned, partner_ids: &[Text]) -> Vec<Entity> {
    in_order(&assigned.by_id, &raw.customers, &assigned.ids)
        .map(|(_, c, id)| {
            let tenant_id = Text::from(c.tenant_id.as_str());
            let mut e = Entity::new(
                Text::clone(id),
                Some(Text::clone(&tenant_id)),
                raw.name(c.origin),
            );
            e.fields.add_opt("name", text(&c.name));
            e.fields.add_opt("region", plain(&c.region));
            e.fields.add_opt("tenant", text(&c.domain));
            e.fields.add("tenant_id", Val::Str(tenant_id));
            if c.has_mca {
                let mut mca = Fields::default();
                mca.add_opt("date", plain(&c.mca_date));
                e.fields.add("mca", Val::Map(mca));
            }
            let relationships = c
                .partners
                .iter()
                .filter_map(|&p| partner_ids.get(p))
                .map(|p| {
                    let mut r = Fields::default();
                    r.add("partner", Val::Str(Text::clone(p)));
                    Val::Map(r)
                })
                .collect();
            e.fields.add("relationships", Val::List(relationships));
            e.finished()
        })
        .collect()
}

/// The subscriptions' entities (in the order of their ids), their readable
/// ids (in the order of [`Raw::subscriptions`]), their resellers to resolve,
/// and the transfers' ids when they were handed out with theirs.
type Subscriptions = (Vec<Entity>, Vec<Text>, Vec<Deferred>, Option<Assigned>);

/// The subscriptions' entities, built in the order of their ids, which is
/// the order they are written in.
///
/// Why that order: the scenario is written (and proved valid) entity after
/// entity, each of them reaching its field list and the texts of its id and
/// Partner Center id. Built in the order of the exports and then sorted,
/// those are spread over 50 MB in no order, and the writer waited on memory
/// for each. Built in written order, they lie in that order and are read
/// ahead (BENCHMARKS.md, "Stop 30").
fn subscription_entities(
    raw: &Raw,
    ids: &mut Ids,
    customers: &Assigned,
    partner_ids: &[Text],
    errors: &mut Vec<ImportError>,
) -> Subscriptions {
    let customer_ids = &customers.ids;
    // Customer by customer on every core where the customers' ids allow it
    // (see `by_family`), else in one pass.
    let by_family = by_family::families(customer_ids, &customers.by_id).and_then(|family| {
        let keys = subscription_keys(raw, customer_ids, &family);
        let transfers = transfer_keys(raw, customer_ids, &family);
        by_family::hand_out(keys, transfers, ids)
    });
    let (subscriptions, transfers) = match by_family {
        Some((subscriptions, transfers)) => (subscriptions, Some(transfers)),
        None => {
            // Sized once for all of them: growing the set for the transfers
            // rehashed the 100k ids already in it (20 ms on one core).
            ids.reserve(raw.subscriptions.len() + raw.transfers.len());
            let keys = subscription_keys(raw, customer_ids, &[]);
            let keys = keys.into_iter().map(|(_, key)| key).collect();
            (assign(keys, ids, "subscription"), None)
        }
    };
    let Assigned {
        ids: sub_ids,
        by_id,
    } = subscriptions;
    // Each entity depends only on its subscription and the tables above:
    // built in chunks on every core, then put together in order.
    const CHUNK: usize = 4096;
    let context = Context {
        raw,
        customer_ids,
        partner_ids,
        sub_ids: &sub_ids,
    };
    let chunks: Vec<Chunk> = by_id
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(n, order)| subscription_chunk(&context, n * CHUNK, order))
        .collect();
    let (out, resellers) = joined(chunks, errors);
    (out, sub_ids, resellers, transfers)
}

/// Each subscription's id key (`customer-name`) with its customer's family
/// (`u32::MAX` for none: `family` may be empty).
fn subscription_keys<'r>(
    raw: &'r Raw,
    customer_ids: &[Text],
    family: &[u32],
) -> Vec<by_family::Keyed<'r>> {
    raw.subscriptions
        .par_iter()
        .enumerate()
        .map_init(
            || (Slugs::default(), String::new()),
            |(slugs, key), (i, s)| {
                let customer = customer_ids.get(s.customer).map_or("", |c| &**c);
                let name = s.name.as_deref().unwrap_or("subscription");
                // `customer-name`, made in one buffer and copied once into
                // the text that is shared from here on: the id is this text
                // when it is free.
                key.clear();
                key.push_str(customer);
                key.push('-');
                slugs.push(key, name);
                let family = family.get(s.customer).copied().unwrap_or(u32::MAX);
                (family, (Text::from(key.as_str()), &*s.pc_id, i))
            },
        )
        .collect()
}

/// Each transfer's id key (`customer-transfer-day`) with its customer's
/// family, as [`subscription_keys`].
fn transfer_keys<'r>(
    raw: &'r Raw,
    customer_ids: &[Text],
    family: &[u32],
) -> Vec<by_family::Keyed<'r>> {
    raw.transfers
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let customer = customer_ids.get(t.customer).map_or("", |c| &**c);
            let day = t.created.as_deref().unwrap_or_else(|| short(&t.pc_id));
            let family = family.get(t.customer).copied().unwrap_or(u32::MAX);
            let key = Text::from(format!("{customer}-transfer-{day}"));
            (family, (key, t.pc_id.as_str(), i))
        })
        .collect()
}

/// The entities of `chunks` in order; their errors, and the resellers to
/// resolve, in the order of the exports, as one pass over them would give
/// (the first of several unknown resellers alike is the one reported).
fn joined(chunks: Vec<Chunk>, errors: &mut Vec<ImportError>) -> (Vec<Entity>, Vec<Deferred>) {
    let mut entities = Vec::with_capacity(chunks.iter().map(|c| c.entities.len()).sum());
    let mut found = Vec::new();
    let mut resellers = Vec::new();
    for chunk in chunks {
        entities.extend(chunk.entities);
        found.extend(chunk.errors);
        resellers.extend(chunk.resellers);
    }
    errors.extend(in_export_order(found));
    (entities, in_export_order(resellers).collect())
}

/// What was found for entities built in the order of their ids, each with
/// its entity's index in [`Raw`], in the order of those indexes.
fn in_export_order<T>(mut found: Vec<(usize, T)>) -> impl Iterator<Item = T> {
    found.sort_by_key(|(index, _)| *index);
    found.into_iter().map(|(_, item)| item)
}

/// What the subscriptions' and transfers' entities are built from.
struct Context<'c> {
    raw: &'c Raw,
    customer_ids: &'c [Text],
    partner_ids: &'c [Text],
    sub_ids: &'c [Text],
}

/// The entities of a run of subscriptions or transfers, and what they gave
/// besides (each with its entity's index in [`Raw`]).
#[derive(Default)]
struct Chunk {
    entities: Vec<Entity>,
    errors: Vec<(usize, ImportError)>,
    resellers: Vec<(usize, Deferred)>,
}

/// The entities of the subscriptions at the indexes `order` in
/// [`Raw::subscriptions`], the first to be entity number `first`.
fn subscription_chunk(c: &Context<'_>, first: usize, order: &[usize]) -> Chunk {
    let mut shared = SharedTexts::default();
    let mut out = Chunk {
        entities: Vec::with_capacity(order.len()),
        ..Chunk::default()
    };
    let subs = in_order(order, &c.raw.subscriptions, c.sub_ids);
    for (n, (i, s, id)) in subs.enumerate() {
        prefetch_ahead(c, order, n);
        let pc_id = Text::clone(&s.pc_id);
        let origin = c.raw.name(s.loc.file);
        let customer = c.customer_ids.get(s.customer);
        let partner = c.partner_ids.get(s.partner);
        // Room for its fields and no more: `id`, `offer`, `pc_id` and
        // `status`, those it has of the others, and the reseller set later.
        let optional = [
            s.name.is_some(),
            customer.is_some(),
            partner.is_some(),
            s.offer_id.is_some(),
            s.base.is_some(),
            s.quantity.is_some(),
            s.reseller.is_some(),
        ];
        let room = 4 + optional.iter().filter(|&&has| has).count();
        let mut e = Entity::with_room(Text::clone(id), Some(Text::clone(&pc_id)), origin, room);
        let name = s.name.as_ref().map(|v| Val::Str(Text::clone(v)));
        e.fields.add_opt("name", name);
        e.fields
            .add_opt("customer", customer.map(|c| Val::Str(Text::clone(c))));
        e.fields
            .add_opt("partner", partner.map(|p| Val::Str(Text::clone(p))));
        e.fields.add("offer", Val::Plain(Text::clone(&s.offer)));
        let offer_id = s.offer_id.as_ref().map(|v| Val::Str(Text::clone(v)));
        e.fields.add_opt("offer_id", offer_id);
        e.fields.add("pc_id", Val::Str(pc_id));
        if let Some((base, loc)) = s.base.as_deref() {
            match c.raw.subscription(base).and_then(|i| c.sub_ids.get(i)) {
                Some(b) => e.fields.add("base", Val::Str(Text::clone(b))),
                None => out
                    .errors
                    .push((i, unknown(c.raw, *loc, "base subscription", base))),
            }
        }
        let quantity = s.quantity.map(|q| Val::Plain(shared.number(q)));
        e.fields.add_opt("quantity", quantity);
        e.fields.add("status", Val::Plain(Text::clone(&s.status)));
        if let Some((value, loc)) = s.reseller.as_deref() {
            let deferred = Deferred {
                subscription: first + n,
                value: value.clone(),
                loc: *loc,
            };
            out.resellers.push((i, deferred));
        }
        out.entities.push(e.finished());
    }
    out
}

/// The transfers' entities, their ids handed out here unless `assigned`
/// holds them already.
fn transfer_entities(
    context: &Context<'_>,
    ids: &mut Ids,
    errors: &mut Vec<ImportError>,
    assigned: Option<Assigned>,
) -> Vec<Entity> {
    let raw = context.raw;
    let assigned = assigned.unwrap_or_else(|| {
        let keys = transfer_keys(raw, context.customer_ids, &[]);
        let keys = keys.into_iter().map(|(_, key)| key).collect();
        assign(keys, ids, "transfer")
    });
    // As for subscriptions: in the order of their ids, in chunks on every
    // core, put together in order.
    const CHUNK: usize = 2048;
    let chunks: Vec<Chunk> = assigned
        .by_id
        .par_chunks(CHUNK)
        .map(|order| {
            let mut shared = SharedTexts::default();
            let mut chunk = Chunk::default();
            for (i, t, id) in in_order(order, &raw.transfers, &assigned.ids) {
                let mut found = Vec::new();
                let entity = transfer(context, &mut shared, t, id, &mut found);
                chunk.entities.push(entity);
                chunk.errors.extend(found.into_iter().map(|e| (i, e)));
            }
            chunk
        })
        .collect();
    // Transfers defer no reseller.
    joined(chunks, errors).0
}

/// The entity of one transfer request.
fn transfer(
    context: &Context<'_>,
    shared: &mut SharedTexts,
    t: &TransferRaw,
    id: &Text,
    errors: &mut Vec<ImportError>,
) -> Entity {
    let raw = context.raw;
    let partner = |tenant: &str| {
        raw.partner_by_tenant
            .get(tenant)
            .and_then(|&i| context.partner_ids.get(i))
            .cloned()
    };
    let pc_id = Text::from(t.pc_id.as_str());
    let mut e = Entity::new(
        Text::clone(id),
        Some(Text::clone(&pc_id)),
        raw.name(t.loc.file),
    );
    e.fields.add_opt("from", partner(&t.from.0).map(Val::Str));
    e.fields.add_opt("to", partner(&t.to.0).map(Val::Str));
    e.fields.add_opt(
        "customer",
        context
            .customer_ids
            .get(t.customer)
            .map(|c| Val::Str(Text::clone(c))),
    );
    e.fields.add("status", Val::Plain(shared.text(&t.status)));
    e.fields.add_opt("created", plain(&t.created));
    e.fields.add("pc_id", Val::Str(pc_id));
    let mut items = Vec::with_capacity(t.items.len());
    for item in &t.items {
        let Some(sub) = raw
            .subscription(&item.subscription)
            .and_then(|i| context.sub_ids.get(i))
        else {
            errors.push(unknown(raw, item.loc, "subscription", &item.subscription));
            continue;
        };
        let mut f = Fields::default();
        f.add("subscription", Val::Str(Text::clone(sub)));
        f.add_opt(
            "quantity",
            item.quantity.map(|q| Val::Plain(shared.number(q))),
        );
        items.push(Val::Map(f));
    }
    e.fields.add("items", Val::List(items));
    e
}

fn unknown(raw: &Raw, loc: Loc, what: &str, id: &str) -> ImportError {
    raw.error_at(
        ImportCode::UnknownReference,
        loc,
        format!("{what} `{id}` is in no export's subscriptions"),
        &format!("unknown {what}"),
        Some("add the export of the partner that holds it, or save this customer's `subscriptions.json` again".into()),
    )
}
