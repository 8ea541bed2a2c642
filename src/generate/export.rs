//! Writes a generated book as Partner Center exports (`eligo generate
//! --export DIR`): one export folder per partner, shaped as the REST API
//! returns its data, plus the overlay and the mapping that import it back
//! (`eligo import --map DIR/partner-center.map.yaml --overlay DIR/overlay.yaml DIR/*/`).
//!
//! Names get the book's id appended, so the ids the import derives from them
//! are known here (the overlay refers to partners by them). Withdrawn requests
//! are left out: Partner Center deletes them (and has no status for them).

use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::{self, Write};
use std::path::Path;

use super::model::{Book, PartnerKind, Subscription, Transfer};
use crate::date::format_date;
use crate::import::ids::slug;

/// Legacy offer GUIDs of the generated books (not Microsoft's catalog).
const DYNAMICS_OFFER: &str = "5C4F1F2E-0B6A-4E1D-9A3C-7D2E8F10A001";
const INTUNE_OFFER: &str = "5C4F1F2E-0B6A-4E1D-9A3C-7D2E8F10A002";

/// Writes the exports of `book` under `dir`.
pub(crate) fn write_export(book: &Book, dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let names = Names::new(book);
    let mut customers_of: Vec<Vec<usize>> = vec![Vec::new(); book.partners.len()];
    for c in 0..book.customers.len() {
        for p in customers_partners(book, c) {
            customers_of[p].push(c);
        }
    }
    let mut transfers: HashMap<(usize, usize), Vec<usize>> = HashMap::new();
    for (i, t) in book.transfers.iter().enumerate() {
        transfers.entry((t.from, t.customer)).or_default().push(i);
    }
    for (p, partner) in book.partners.iter().enumerate() {
        let root = dir.join(book.partner_id(p));
        write_json(
            &root.join("profiles/organization.json"),
            &organization(book, p, partner.region),
        )?;
        let customers = &customers_of[p];
        let list: Vec<Value> = customers.iter().map(|&c| customer(book, c)).collect();
        write_json(
            &root.join("customers.json"),
            &json!({ "totalCount": list.len(), "items": list }),
        )?;
        for &c in customers {
            let requests = transfers.get(&(p, c)).map(Vec::as_slice).unwrap_or(&[]);
            customer_folder(
                book,
                &root.join("customers").join(tenant(CUSTOMER, c)),
                p,
                c,
                requests,
            )?;
        }
    }
    let mut overlay = io::BufWriter::new(std::fs::File::create(dir.join("overlay.yaml"))?);
    write_overlay(book, &names, &mut overlay)?;
    overlay.flush()?;
    std::fs::write(dir.join("partner-center.map.yaml"), mapping())
}

/// The readable ids the import derives from the exported names.
struct Names {
    partners: Vec<String>,
}

impl Names {
    fn new(book: &Book) -> Self {
        let partners = (0..book.partners.len())
            .map(|p| slug(&partner_name(book, p)))
            .collect();
        Names { partners }
    }
}

fn partner_name(book: &Book, p: usize) -> String {
    format!("{} {}", book.partners[p].name, book.partner_id(p))
}

const PARTNER: u32 = 0x0a17_0000;
const CUSTOMER: u32 = 0x0c57_0000;
const SUBSCRIPTION: u32 = 0x05b5_0000;
const TRANSFER: u32 = 0x07a4_0000;

/// A deterministic GUID for entity `i` of a kind.
fn tenant(kind: u32, i: usize) -> String {
    format!(
        "{kind:08x}-{:04x}-4000-8000-{:012x}",
        (i >> 48) & 0xffff,
        i & 0xffff_ffff_ffff
    )
}

fn country(region: &str) -> &'static str {
    match region {
        "united_states" => "US",
        "europe" => "DE",
        "asia_pacific" => "SG",
        "canada" => "CA",
        "latin_america" => "MX",
        "australia" => "AU",
        "india" => "IN",
        "japan" => "JP",
        "brazil" => "BR",
        "korea" => "KR",
        "middle_east_central_eastern_europe" => "AE",
        "new_zealand" => "NZ",
        "taiwan" => "TW",
        "russia" => "RU",
        _ => "ZA",
    }
}

fn organization(book: &Book, p: usize, region: &str) -> Value {
    let partner = &book.partners[p];
    json!({
        "id": tenant(PARTNER, p),
        "companyName": partner_name(book, p),
        "defaultAddress": { "country": country(region) },
        "tenantId": tenant(PARTNER, p),
        "domain": partner.tenant,
        "attributes": { "objectType": "OrganizationProfile" }
    })
}

fn customer(book: &Book, c: usize) -> Value {
    let customer = &book.customers[c];
    json!({
        "id": tenant(CUSTOMER, c),
        "companyProfile": {
            "tenantId": tenant(CUSTOMER, c),
            "domain": customer.tenant,
            "companyName": format!("{} {:06}", customer.name, c + 1)
        },
        "billingProfile": { "defaultAddress": { "country": country(customer.region) } },
        "relationshipToPartner": "reseller",
        // Returned but not read by the mapping (PARTNER-CENTER.md §2.1).
        "commerceId": tenant(0x0c03_0000, c),
        "links": { "self": { "uri": format!("/customers/{}", tenant(CUSTOMER, c)), "method": "GET", "headers": [] } },
        "attributes": { "etag": format!("eyJjIjo{c:x}fQ=="), "objectType": "Customer" }
    })
}

fn customer_folder(
    book: &Book,
    folder: &Path,
    p: usize,
    c: usize,
    requests: &[usize],
) -> io::Result<()> {
    let customer = &book.customers[c];
    let subs: Vec<Value> = customer
        .subs
        .clone()
        .filter(|&s| book.subscriptions[s].partner == p)
        .map(|s| subscription(s, &book.subscriptions[s]))
        .collect();
    write_json(
        &folder.join("subscriptions.json"),
        &json!({ "totalCount": subs.len(), "items": subs }),
    )?;
    let transfers: Vec<Value> = requests
        .iter()
        .map(|&i| (i, &book.transfers[i]))
        .filter(|(_, t)| t.status != "withdrawn")
        .map(|(i, t)| transfer(book, i, t))
        .collect();
    if !transfers.is_empty() {
        write_json(&folder.join("transfers.json"), &Value::Array(transfers))?;
    }
    if let Some(mca) = &customer.mca {
        let mut item = json!({ "type": "MicrosoftCustomerAgreement", "templateId": "998b88de-aa99-4388-a42c-1b3517d47e1f" });
        if let Some(d) = mca.date {
            item["dateAgreed"] = json!(format!("{}T00:00:00", format_date(d)));
        }
        write_json(
            &folder.join("agreements.json"),
            &json!({ "totalCount": 1, "items": [item] }),
        )?;
    }
    Ok(())
}

fn subscription(i: usize, s: &Subscription) -> Value {
    let mut v = json!({
        "id": tenant(SUBSCRIPTION, i),
        "friendlyName": s.name,
        "quantity": s.quantity,
        "status": s.status,
        "partnerId": "",
        "attributes": { "objectType": "Subscription" }
    });
    let offer: (&str, Value) = match s.offer {
        "azure_payg" => ("MS-AZR-0145P", json!({ "billingType": "usage" })),
        "azure_plan" => (
            "DZH318Z0BPS6:0001:DZH318Z0BML6",
            json!({ "billingType": "usage" }),
        ),
        "azure_reservation" => (
            "DZH318Z0BQ4L:0002:DZH318Z0C0N5",
            json!({ "productType": { "id": "Azure", "subType": { "id": "VirtualMachines" } } }),
        ),
        "term_based" => (
            "CFQ7TTC0LH18:0001:CFQ7TTC0K971",
            json!({ "productType": { "id": "OnlineServicesNCE" } }),
        ),
        "software" => (
            "DG7GMGF0FKZV:0003:DG7GMGF0DQLM",
            json!({ "productType": { "id": "Software" } }),
        ),
        "marketplace_saas" => (
            "DZH318Z0BXWC:0001:DZH318Z0BMJX",
            json!({ "isMicrosoftProduct": false }),
        ),
        "dynamics" => (DYNAMICS_OFFER, json!({ "billingType": "license" })),
        "intune" => (INTUNE_OFFER, json!({ "billingType": "license" })),
        _ => (
            "91FD106F-4B2C-4938-95AC-F54F74E9A239",
            json!({ "billingType": "license" }),
        ),
    };
    v["offerId"] = json!(offer.0);
    if let (Value::Object(target), Value::Object(extra)) = (&mut v, offer.1) {
        target.extend(extra);
    }
    if let Some(base) = s.base {
        v["parentSubscriptionId"] = json!(tenant(SUBSCRIPTION, base));
    }
    if let Value::Object(target) = &mut v {
        target.extend(unmapped_fields(i, s, offer.0));
    }
    v
}

/// The fields Partner Center returns for a subscription that the mapping
/// does not read (PARTNER-CENTER.md §3.1): an export of the API is mostly
/// these, and the import must read past them. Values are plausible for the
/// kind and fixed by the index, so that a book's export is the same each time.
fn unmapped_fields(i: usize, s: &Subscription, offer_id: &str) -> serde_json::Map<String, Value> {
    let id = tenant(SUBSCRIPTION, i);
    let azure = matches!(s.offer, "azure_payg" | "azure_plan");
    let modern = matches!(s.offer, "term_based" | "software" | "azure_reservation");
    let day = 1 + i % 28;
    let links = if modern {
        let product = offer_id.split(':').next().unwrap_or(offer_id);
        json!({
            "product": { "uri": format!("/products/{product}?country=DE"), "method": "GET", "headers": [] },
            "sku": { "uri": format!("/products/{product}/skus/0001?country=DE"), "method": "GET", "headers": [] },
            "self": { "uri": format!("/subscriptions/{id}"), "method": "GET", "headers": [] }
        })
    } else {
        json!({
            "offer": { "uri": format!("/offers/{offer_id}?country=DE"), "method": "GET", "headers": [] },
            "self": { "uri": format!("/subscriptions/{id}"), "method": "GET", "headers": [] }
        })
    };
    let mut fields = json!({
        "offerName": s.name,
        "unitType": if azure { "Usage-based" } else { "Licenses" },
        "creationDate": format!("2022-03-{day:02}T10:00:00Z"),
        "effectiveStartDate": format!("2022-03-{day:02}T00:00:00Z"),
        "commitmentEndDate": if azure { "9999-12-14T00:00:00Z".to_string() } else { format!("2027-03-{day:02}T00:00:00Z") },
        "autoRenewEnabled": !azure,
        "billingCycle": if azure { "none" } else { "monthly" },
        "hasPurchasableAddons": false,
        "isTrial": false,
        "publisherName": "Microsoft Corporation",
        "actions": ["edit", "cancel"],
        "contractType": "subscription",
        "orderId": format!("{:012x}", i.wrapping_mul(2_654_435_761) & 0xffff_ffff_ffff),
        "refundOptions": [{ "type": "Full", "expiresAt": format!("2022-03-{:02}T00:00:00Z", day.min(21) + 7) }],
        "links": links,
        "attributes": { "etag": format!("eyJpZCI6{i:x}fQ=="), "objectType": "Subscription" }
    });
    if azure {
        fields["entitlementId"] = json!(tenant(0x0e47_0000, i));
    }
    if modern {
        fields["termDuration"] = json!("P1Y");
        fields["renewalTermDuration"] = json!("");
    }
    match fields {
        Value::Object(map) => map,
        _ => serde_json::Map::new(),
    }
}

fn transfer(book: &Book, i: usize, t: &Transfer) -> Value {
    let status = match t.status {
        "active" => "Active",
        "in_progress" => "InProgress",
        "completed" => "Complete",
        "partially_completed" => "PartiallyComplete",
        "rejected" => "Reject",
        _ => "Failed",
    };
    let items: Vec<Value> = t
        .items
        .iter()
        .map(|&(s, q)| {
            let mut item =
                json!({ "id": 0, "subscriptionId": tenant(SUBSCRIPTION, s).to_uppercase() });
            if let Some(q) = q {
                item["quantity"] = json!(q);
            }
            item
        })
        .collect();
    json!({
        "id": tenant(TRANSFER, i),
        "status": status,
        "createdTime": format!("{}T09:00:00Z", format_date(t.created)),
        "customerTenantId": tenant(CUSTOMER, t.customer),
        "sourcePartnerTenantId": tenant(PARTNER, t.from),
        "sourcePartnerName": partner_name(book, t.from),
        "targetPartnerTenantId": tenant(PARTNER, t.to),
        "targetPartnerName": partner_name(book, t.to),
        "lineItems": items,
        "attributes": { "objectType": "TransferEntity" }
    })
}

fn write_overlay<W: Write>(book: &Book, names: &Names, out: &mut W) -> io::Result<()> {
    writeln!(
        out,
        "# What Partner Center does not hold about the generated book."
    )?;
    writeln!(
        out,
        "scenario: {}\nas_of: {}\npartners:",
        book.name,
        format_date(book.as_of)
    )?;
    for (p, partner) in book.partners.iter().enumerate() {
        let roles = match partner.kind {
            PartnerKind::Provider => "[indirect_provider]",
            PartnerKind::DirectBill => "[direct_bill, indirect_reseller]",
            PartnerKind::Reseller => "[indirect_reseller]",
        };
        writeln!(
            out,
            "  - id: {}\n    mpn_id: \"{}\"\n    roles: {roles}",
            tenant(PARTNER, p),
            partner.mpn_id
        )?;
        if partner.kind != PartnerKind::Provider {
            writeln!(out, "    enrollment: {}", partner.enrollment)?;
        }
        writeln!(
            out,
            "    mpa_signed: {}\n    sandbox: {}",
            partner.mpa_signed, partner.sandbox
        )?;
        if let Some(r) = partner.revenue {
            writeln!(out, "    revenue_12m_usd: {r}")?;
        }
    }
    writeln!(out, "partnerships:")?;
    for ps in &book.partnerships {
        writeln!(
            out,
            "  - {{ provider: {}, reseller: {}, status: {} }}",
            names.partners[ps.provider], names.partners[ps.reseller], ps.status
        )?;
    }
    writeln!(out, "customers:")?;
    for (c, customer) in book.customers.iter().enumerate() {
        writeln!(out, "  - id: {}", tenant(CUSTOMER, c))?;
        if customer.acquired_indirect {
            writeln!(out, "    acquired_as: indirect_reseller")?;
        }
        if let Some(a) = customer.affiliate_of {
            writeln!(out, "    affiliate_of: {}", names.partners[a])?;
        }
        if let Some(mca) = &customer.mca {
            let through = mca
                .through
                .map(|t| format!(", through: {}", names.partners[t]))
                .unwrap_or_default();
            writeln!(out, "    mca: {{ via: {}{through} }}", mca.via)?;
        }
        writeln!(out, "    relationships:")?;
        for p in customers_partners(book, c) {
            let r = customer.relationships.iter().find(|r| r.partner == p);
            let (via, consent, dap) = r.map_or(("direct", false, false), |r| {
                (r.via, r.consent, r.dap_required)
            });
            writeln!(
                out,
                "      - {{ partner: {}, via: {via}, consent: {consent}, dap_required: {dap} }}",
                names.partners[p]
            )?;
        }
    }
    Ok(())
}

/// The partners in whose export a customer appears: those related to it or billing it.
fn customers_partners(book: &Book, c: usize) -> Vec<usize> {
    let customer = &book.customers[c];
    let mut out: Vec<usize> = customer.relationships.iter().map(|r| r.partner).collect();
    out.extend(
        book.subscriptions[customer.subs.clone()]
            .iter()
            .map(|s| s.partner),
    );
    out.sort_unstable();
    out.dedup();
    out
}

/// The default mapping plus the generated books' own legacy offers.
fn mapping() -> String {
    let rows = format!(
        "offers:\n  - offer_id: {DYNAMICS_OFFER}   # generated books: Dynamics\n    offer: dynamics\n  - offer_id: {INTUNE_OFFER}   # generated books: Intune\n    offer: intune\n"
    );
    crate::import::map::DEFAULT_MAP.replacen("offers:\n", &rows, 1)
}

fn write_json(path: &Path, value: &Value) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let file = io::BufWriter::new(std::fs::File::create(path)?);
    serde_json::to_writer_pretty(file, value).map_err(io::Error::other)
}
