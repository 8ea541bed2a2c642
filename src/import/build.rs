//! From what the exports hold to scenario entities: readable ids, references
//! between entities, and the `# from` origin of each.

use super::error::{ImportCode, ImportError};
use super::fragment::{Entity, Fields, Scenario, SharedTexts, Text, Val};
use super::ids::{short, slug, Ids};
use super::model::{Loc, Raw, SubscriptionRaw, TransferRaw};
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
pub(crate) fn build(raw: &mut Raw, errors: &mut Vec<ImportError>) -> Built {
    add_transfer_partners(raw);
    let raw: &Raw = raw;
    let mut ids = Ids::default();
    // Every id goes in one set: sized once for all of them, since growing
    // it for the transfers rehashed the 100k ids already in it (20 ms on
    // one core at 100k subscriptions).
    ids.reserve(
        raw.partners.len() + raw.customers.len() + raw.subscriptions.len() + raw.transfers.len(),
    );
    let partner_ids = partners(raw, &mut ids);
    let customer_ids = customers(raw, &mut ids);
    let mut scenario = Scenario::default();
    scenario.kinds[0] = partner_entities(raw, &partner_ids);
    // The customers' entities need only the ids above: they are built on
    // one core while the subscriptions' ids are handed out on the other.
    let (customers, (subs, sub_ids, resellers)) = rayon::join(
        || customer_entities(raw, &customer_ids, &partner_ids),
        || subscription_entities(raw, &mut ids, &customer_ids, &partner_ids, errors),
    );
    scenario.kinds[1] = customers;
    scenario.kinds[2] = subs;
    let context = Context {
        raw,
        customer_ids: &customer_ids,
        partner_ids: &partner_ids,
        sub_ids: &sub_ids,
    };
    scenario.kinds[3] = transfer_entities(&context, &mut ids, errors);
    Built {
        scenario,
        resellers,
        ids,
    }
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

/// Ids in a deterministic order: by name, then Partner Center id.
fn assign(keys: Vec<(String, &str, usize)>, ids: &mut Ids, prefix: &str) -> Vec<Text> {
    let mut keys = keys;
    keys.par_sort_unstable();
    let none = Text::from("");
    let mut out = vec![none; keys.len()];
    for (base, pc_id, index) in keys {
        let id = ids.unique(&base, || format!("{prefix}-{}", short(pc_id)));
        if let Some(slot) = out.get_mut(index) {
            *slot = id;
        }
    }
    out
}

fn partners(raw: &Raw, ids: &mut Ids) -> Vec<Text> {
    let keys = raw
        .partners
        .iter()
        .enumerate()
        .map(|(i, p)| {
            (
                slug(p.name.as_deref().unwrap_or("")),
                p.tenant_id.as_deref().unwrap_or(""),
                i,
            )
        })
        .collect();
    assign(keys, ids, "partner")
}

fn customers(raw: &Raw, ids: &mut Ids) -> Vec<Text> {
    let keys = raw
        .customers
        .iter()
        .enumerate()
        .map(|(i, c)| {
            (
                slug(c.name.as_deref().unwrap_or("")),
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

fn partner_entities(raw: &Raw, ids: &[Text]) -> Vec<Entity> {
    raw.partners
        .iter()
        .zip(ids)
        .map(|(p, id)| {
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

fn customer_entities(raw: &Raw, ids: &[Text], partner_ids: &[Text]) -> Vec<Entity> {
    raw.customers
        .iter()
        .zip(ids)
        .map(|(c, id)| {
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

/// The subscriptions' entities, their readable ids (in the order of
/// [`Raw::subscriptions`]) and their resellers to resolve.
type Subscriptions = (Vec<Entity>, Vec<Text>, Vec<Deferred>);

fn subscription_entities(
    raw: &Raw,
    ids: &mut Ids,
    customer_ids: &[Text],
    partner_ids: &[Text],
    errors: &mut Vec<ImportError>,
) -> Subscriptions {
    let keys = raw
        .subscriptions
        .par_iter()
        .enumerate()
        .map(|(i, s)| {
            let customer = customer_ids.get(s.customer).map_or("", |c| &**c);
            let name = slug(s.name.as_deref().unwrap_or("subscription"));
            (format!("{customer}-{name}"), s.pc_id.as_str(), i)
        })
        .collect();
    let sub_ids = assign(keys, ids, "subscription");
    // Each entity depends only on its subscription and the tables above:
    // built in chunks on every core, then put together in order, so the
    // entities, errors and deferred resellers are those of one pass.
    const CHUNK: usize = 4096;
    let chunks: Vec<SubscriptionChunk> = raw
        .subscriptions
        .par_chunks(CHUNK)
        .zip(sub_ids.par_chunks(CHUNK))
        .enumerate()
        .map(|(n, (subs, ids))| {
            let context = Context {
                raw,
                customer_ids,
                partner_ids,
                sub_ids: &sub_ids,
            };
            subscription_chunk(&context, n * CHUNK, subs, ids)
        })
        .collect();
    let mut out = Vec::with_capacity(raw.subscriptions.len());
    let mut resellers = Vec::new();
    for chunk in chunks {
        out.extend(chunk.entities);
        errors.extend(chunk.errors);
        resellers.extend(chunk.resellers);
    }
    (out, sub_ids, resellers)
}

/// What the subscriptions' and transfers' entities are built from.
struct Context<'c> {
    raw: &'c Raw,
    customer_ids: &'c [Text],
    partner_ids: &'c [Text],
    sub_ids: &'c [Text],
}

/// The entities of a run of subscriptions, and what they gave besides.
struct SubscriptionChunk {
    entities: Vec<Entity>,
    errors: Vec<ImportError>,
    resellers: Vec<Deferred>,
}

/// The entities of `subs` (with their ids), the first being subscription
/// number `first`.
fn subscription_chunk(
    c: &Context<'_>,
    first: usize,
    subs: &[SubscriptionRaw],
    ids: &[Text],
) -> SubscriptionChunk {
    let mut shared = SharedTexts::default();
    let mut out = SubscriptionChunk {
        entities: Vec::with_capacity(subs.len()),
        errors: Vec::new(),
        resellers: Vec::new(),
    };
    for (i, (s, id)) in subs.iter().zip(ids).enumerate() {
        let pc_id = Text::from(s.pc_id.as_str());
        let origin = c.raw.name(s.loc.file);
        let mut e = Entity::new(Text::clone(id), Some(Text::clone(&pc_id)), origin);
        let name = s.name.as_ref().map(|v| Val::Str(Text::clone(v)));
        e.fields.add_opt("name", name);
        let customer = c.customer_ids.get(s.customer);
        e.fields
            .add_opt("customer", customer.map(|c| Val::Str(Text::clone(c))));
        let partner = c.partner_ids.get(s.partner);
        e.fields
            .add_opt("partner", partner.map(|p| Val::Str(Text::clone(p))));
        e.fields.add("offer", Val::Plain(Text::clone(&s.offer)));
        let offer_id = s.offer_id.as_ref().map(|v| Val::Str(Text::clone(v)));
        e.fields.add_opt("offer_id", offer_id);
        e.fields.add("pc_id", Val::Str(pc_id));
        if let Some((base, loc)) = &s.base {
            match c.raw.subscription(base).and_then(|i| c.sub_ids.get(i)) {
                Some(b) => e.fields.add("base", Val::Str(Text::clone(b))),
                None => out
                    .errors
                    .push(unknown(c.raw, *loc, "base subscription", base)),
            }
        }
        let quantity = s.quantity.map(|q| Val::Plain(shared.number(q)));
        e.fields.add_opt("quantity", quantity);
        e.fields.add("status", Val::Plain(Text::clone(&s.status)));
        if let Some((value, loc)) = &s.reseller {
            out.resellers.push(Deferred {
                subscription: first + i,
                value: value.clone(),
                loc: *loc,
            });
        }
        out.entities.push(e.finished());
    }
    out
}

fn transfer_entities(
    context: &Context<'_>,
    ids: &mut Ids,
    errors: &mut Vec<ImportError>,
) -> Vec<Entity> {
    let raw = context.raw;
    let keys = raw
        .transfers
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let customer = context.customer_ids.get(t.customer).map_or("", |c| &**c);
            let day = t.created.as_deref().unwrap_or_else(|| short(&t.pc_id));
            (format!("{customer}-transfer-{day}"), t.pc_id.as_str(), i)
        })
        .collect();
    let transfer_ids = assign(keys, ids, "transfer");
    // As for subscriptions: in chunks on every core, put together in order.
    const CHUNK: usize = 2048;
    let chunks: Vec<(Vec<Entity>, Vec<ImportError>)> = raw
        .transfers
        .par_chunks(CHUNK)
        .zip(transfer_ids.par_chunks(CHUNK))
        .map(|(transfers, ids)| {
            let mut shared = SharedTexts::default();
            let mut errors = Vec::new();
            let entities = transfers
                .iter()
                .zip(ids)
                .map(|(t, id)| transfer(context, &mut shared, t, id, &mut errors))
                .collect();
            (entities, errors)
        })
        .collect();
    let mut out = Vec::with_capacity(raw.transfers.len());
    for (entities, chunk_errors) in chunks {
        out.extend(entities);
        errors.extend(chunk_errors);
    }
    out
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
