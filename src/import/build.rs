//! From what the exports hold to scenario entities: readable ids, references
//! between entities, and the `# from` origin of each.

use hashbrown::HashMap;

use super::error::{at, ImportCode, ImportError};
use super::fragment::{Entity, Fields, Scenario, Val};
use super::ids::{short, slug, Ids};
use super::model::{Loc, Raw};

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
}

/// Builds the scenario; references to entities in no export are errors.
pub(crate) fn build(raw: &mut Raw, errors: &mut Vec<ImportError>) -> Built {
    add_transfer_partners(raw);
    let mut ids = Ids::default();
    let partner_ids = partners(raw, &mut ids);
    let customer_ids = customers(raw, &mut ids);
    let mut scenario = Scenario::default();
    scenario.kinds[0] = partner_entities(raw, &partner_ids);
    scenario.kinds[1] = customer_entities(raw, &customer_ids, &partner_ids);
    let (subs, sub_ids, resellers) =
        subscription_entities(raw, &mut ids, &customer_ids, &partner_ids, errors);
    scenario.kinds[2] = subs;
    scenario.kinds[3] =
        transfer_entities(raw, &mut ids, &customer_ids, &partner_ids, &sub_ids, errors);
    Built {
        scenario,
        resellers,
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
fn assign(keys: Vec<(String, String, usize)>, ids: &mut Ids, prefix: &str) -> Vec<String> {
    let mut keys = keys;
    keys.sort();
    let mut out = vec![String::new(); keys.len()];
    for (base, pc_id, index) in keys {
        let id = ids.unique(&base, &format!("{prefix}-{}", short(&pc_id)));
        if let Some(slot) = out.get_mut(index) {
            *slot = id;
        }
    }
    out
}

fn partners(raw: &Raw, ids: &mut Ids) -> Vec<String> {
    let keys = raw
        .partners
        .iter()
        .enumerate()
        .map(|(i, p)| {
            (
                slug(p.name.as_deref().unwrap_or("")),
                p.tenant_id.clone().unwrap_or_default(),
                i,
            )
        })
        .collect();
    assign(keys, ids, "partner")
}

fn customers(raw: &Raw, ids: &mut Ids) -> Vec<String> {
    let keys = raw
        .customers
        .iter()
        .enumerate()
        .map(|(i, c)| {
            (
                slug(c.name.as_deref().unwrap_or("")),
                c.tenant_id.clone(),
                i,
            )
        })
        .collect();
    assign(keys, ids, "customer")
}

fn text(value: &Option<String>) -> Option<Val> {
    value.as_ref().map(|v| Val::Str(v.clone()))
}

fn partner_entities(raw: &Raw, ids: &[String]) -> Vec<Entity> {
    raw.partners
        .iter()
        .zip(ids)
        .map(|(p, id)| {
            let mut e = Entity::new(id.clone(), p.tenant_id.clone(), raw.name(p.origin));
            e.fields.opt("name", text(&p.name));
            e.fields.opt("region", p.region.clone().map(Val::Plain));
            e.fields.opt("tenant", text(&p.domain));
            e.fields.opt("tenant_id", text(&p.tenant_id));
            e
        })
        .collect()
}

fn customer_entities(raw: &Raw, ids: &[String], partner_ids: &[String]) -> Vec<Entity> {
    raw.customers
        .iter()
        .zip(ids)
        .map(|(c, id)| {
            let mut e = Entity::new(id.clone(), Some(c.tenant_id.clone()), raw.name(c.origin));
            e.fields.opt("name", text(&c.name));
            e.fields.opt("region", c.region.clone().map(Val::Plain));
            e.fields.opt("tenant", text(&c.domain));
            e.fields.set("tenant_id", Val::Str(c.tenant_id.clone()));
            if c.has_mca {
                let mut mca = Fields::default();
                mca.opt("date", c.mca_date.clone().map(Val::Plain));
                e.fields.set("mca", Val::Map(mca));
            }
            let relationships = c
                .partners
                .iter()
                .filter_map(|&p| partner_ids.get(p))
                .map(|p| {
                    let mut r = Fields::default();
                    r.set("partner", Val::Str(p.clone()));
                    Val::Map(r)
                })
                .collect();
            e.fields.set("relationships", Val::List(relationships));
            e
        })
        .collect()
}

type Subscriptions = (Vec<Entity>, HashMap<String, String>, Vec<Deferred>);

fn subscription_entities(
    raw: &Raw,
    ids: &mut Ids,
    customer_ids: &[String],
    partner_ids: &[String],
    errors: &mut Vec<ImportError>,
) -> Subscriptions {
    let none = String::new();
    let keys = raw
        .subscriptions
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let customer = customer_ids.get(s.customer).unwrap_or(&none);
            let name = slug(s.name.as_deref().unwrap_or("subscription"));
            (format!("{customer}-{name}"), s.pc_id.clone(), i)
        })
        .collect();
    let sub_ids = assign(keys, ids, "subscription");
    let by_pc: HashMap<String, String> = raw
        .subscriptions
        .iter()
        .zip(&sub_ids)
        .map(|(s, id)| (s.pc_id.clone(), id.clone()))
        .collect();
    let mut resellers = Vec::new();
    let mut out = Vec::with_capacity(raw.subscriptions.len());
    for (i, (s, id)) in raw.subscriptions.iter().zip(&sub_ids).enumerate() {
        let mut e = Entity::new(id.clone(), Some(s.pc_id.clone()), raw.name(s.loc.file));
        e.fields.opt("name", text(&s.name));
        e.fields.opt(
            "customer",
            customer_ids.get(s.customer).map(|c| Val::Str(c.clone())),
        );
        e.fields.opt(
            "partner",
            partner_ids.get(s.partner).map(|p| Val::Str(p.clone())),
        );
        e.fields.set("offer", Val::Plain(s.offer.clone()));
        e.fields.opt("offer_id", text(&s.offer_id));
        e.fields.set("pc_id", Val::Str(s.pc_id.clone()));
        if let Some((base, loc)) = &s.base {
            match by_pc.get(base) {
                Some(b) => e.fields.set("base", Val::Str(b.clone())),
                None => errors.push(unknown(raw, *loc, "base subscription", base)),
            }
        }
        e.fields
            .opt("quantity", s.quantity.map(|q| Val::Plain(q.to_string())));
        e.fields.set("status", Val::Plain(s.status.clone()));
        if let Some((value, loc)) = &s.reseller {
            resellers.push(Deferred {
                subscription: i,
                value: value.clone(),
                loc: *loc,
            });
        }
        out.push(e);
    }
    (out, by_pc, resellers)
}

fn transfer_entities(
    raw: &Raw,
    ids: &mut Ids,
    customer_ids: &[String],
    partner_ids: &[String],
    sub_ids: &HashMap<String, String>,
    errors: &mut Vec<ImportError>,
) -> Vec<Entity> {
    let none = String::new();
    let keys = raw
        .transfers
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let customer = customer_ids.get(t.customer).unwrap_or(&none);
            let day = t
                .created
                .clone()
                .unwrap_or_else(|| short(&t.pc_id).to_string());
            (format!("{customer}-transfer-{day}"), t.pc_id.clone(), i)
        })
        .collect();
    let transfer_ids = assign(keys, ids, "transfer");
    let partner = |tenant: &str| {
        raw.partner_by_tenant
            .get(tenant)
            .and_then(|&i| partner_ids.get(i))
            .cloned()
    };
    let mut out = Vec::with_capacity(raw.transfers.len());
    for (t, id) in raw.transfers.iter().zip(&transfer_ids) {
        let mut e = Entity::new(id.clone(), Some(t.pc_id.clone()), raw.name(t.loc.file));
        e.fields.opt("from", partner(&t.from.0).map(Val::Str));
        e.fields.opt("to", partner(&t.to.0).map(Val::Str));
        e.fields.opt(
            "customer",
            customer_ids.get(t.customer).map(|c| Val::Str(c.clone())),
        );
        e.fields.set("status", Val::Plain(t.status.clone()));
        e.fields.opt("created", t.created.clone().map(Val::Plain));
        e.fields.set("pc_id", Val::Str(t.pc_id.clone()));
        let mut items = Vec::new();
        for item in &t.items {
            let Some(sub) = sub_ids.get(&item.subscription) else {
                errors.push(unknown(raw, item.loc, "subscription", &item.subscription));
                continue;
            };
            let mut f = Fields::default();
            f.set("subscription", Val::Str(sub.clone()));
            f.opt("quantity", item.quantity.map(|q| Val::Plain(q.to_string())));
            items.push(Val::Map(f));
        }
        e.fields.set("items", Val::List(items));
        out.push(e);
    }
    out
}

fn unknown(raw: &Raw, loc: Loc, what: &str, id: &str) -> ImportError {
    at(
        ImportCode::UnknownReference,
        raw.file(loc.file),
        loc.span,
        format!("{what} `{id}` is in no export's subscriptions"),
        format!("unknown {what}"),
        Some("add the export of the partner that holds it, or save this customer's `subscriptions.json` again".into()),
    )
}
