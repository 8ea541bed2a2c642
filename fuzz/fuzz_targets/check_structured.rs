//! Structured fuzzing: arbitrary but *valid* scenarios, built from typed parts
//! and written as YAML. Each must load (a rejection is a loader bug), evaluate
//! without panicking, and give the same report twice.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use std::fmt::Write;
use std::sync::OnceLock;

const REGIONS: [&str; 3] = ["europe", "united_states", "japan"];
const ROLES: [&str; 3] = ["direct_bill", "indirect_reseller", "indirect_provider"];
const ENROLLMENTS: [&str; 4] = ["none", "pending", "approved", "active"];
const PARTNERSHIP: [&str; 3] = ["invited", "accepted", "removed"];
const VIA: [&str; 3] = ["direct", "invitation", "extension"];
const OFFERS: [&str; 9] = ["o365", "dynamics", "intune", "azure_payg", "azure_plan", "azure_reservation", "term_based", "marketplace_saas", "software"];
const SUB_STATUS: [&str; 6] = ["active", "suspended", "deleted", "expired", "pending", "disabled"];
const TRANSFER_STATUS: [&str; 7] = ["active", "in_progress", "completed", "partially_completed", "rejected", "withdrawn", "failed"];
const TENANTS: [&str; 4] = ["a.onmicrosoft.com", "A.OnMicrosoft.com", "b.onmicrosoft.com", "c.onmicrosoft.com"];

#[derive(Arbitrary, Debug)]
struct Book {
    as_of: u16,
    partners: Vec<Partner>,
    partnerships: Vec<(u8, u8, u8)>,
    customers: Vec<Customer>,
    subscriptions: Vec<Sub>,
    transfers: Vec<Transfer>,
}

#[derive(Arbitrary, Debug)]
struct Partner {
    region: u8,
    roles: Vec<u8>,
    tenant: Option<u8>,
    enrollment: u8,
    mpa: bool,
    sandbox: bool,
    revenue: Option<u32>,
}

#[derive(Arbitrary, Debug)]
struct Customer {
    region: u8,
    tenant: Option<u8>,
    indirect: bool,
    affiliate: Option<u8>,
    mca: Option<(bool, u8, Option<u16>)>,
    relationships: Vec<(u8, u8, bool, bool)>,
}

#[derive(Arbitrary, Debug)]
struct Sub {
    customer: u8,
    partner: u8,
    offer: u8,
    base: Option<u8>,
    quantity: u16,
    status: u8,
    reseller: Option<u8>,
}

#[derive(Arbitrary, Debug)]
struct Transfer {
    from: u8,
    to: u8,
    customer: u8,
    status: u8,
    items: Vec<(u8, Option<u16>)>,
}

fn pick<'a>(list: &[&'a str], i: u8) -> &'a str {
    list[i as usize % list.len()]
}

fn date(days: u16) -> String {
    // 2019-01-01 plus up to ~65k days is far beyond 9999; keep within ten years.
    let base = eligo::internals::date::parse_date("2019-01-01").unwrap_or(0);
    eligo::internals::date::format_date(base + i32::from(days % 3650))
}

fn yaml(book: &Book) -> Option<String> {
    let (np, nc, ns) = (book.partners.len(), book.customers.len(), book.subscriptions.len());
    if np == 0 || nc == 0 || ns == 0 {
        return None;
    }
    let mut y = String::new();
    writeln!(y, "as_of: {}\npartners:", date(book.as_of)).ok()?;
    for (i, p) in book.partners.iter().enumerate() {
        let mut roles: Vec<&str> = p.roles.iter().map(|r| pick(&ROLES, *r)).collect();
        roles.sort();
        roles.dedup();
        if roles.is_empty() {
            roles.push("direct_bill");
        }
        writeln!(y, "  - id: p{i}\n    region: {}\n    roles: [{}]\n    enrollment: {}\n    mpa_signed: {}\n    sandbox: {}", pick(&REGIONS, p.region), roles.join(", "), pick(&ENROLLMENTS, p.enrollment), p.mpa, p.sandbox).ok()?;
        if let Some(t) = p.tenant {
            writeln!(y, "    tenant: {}", pick(&TENANTS, t)).ok()?;
        }
        if let Some(r) = p.revenue {
            writeln!(y, "    revenue_12m_usd: {r}").ok()?;
        }
    }
    // A root collection with no entries is written `[]`: a key with no value
    // is an input error (no silent pass on a null collection).
    let empty = |none: bool| if none { " []" } else { "" };
    writeln!(y, "partnerships:{}", empty(book.partnerships.is_empty())).ok()?;
    for (a, b, s) in &book.partnerships {
        writeln!(y, "  - {{ provider: p{}, reseller: p{}, status: {} }}", *a as usize % np, *b as usize % np, pick(&PARTNERSHIP, *s)).ok()?;
    }
    writeln!(y, "customers:").ok()?;
    for (i, c) in book.customers.iter().enumerate() {
        writeln!(y, "  - id: c{i}\n    region: {}\n    acquired_as: {}", pick(&REGIONS, c.region), if c.indirect { "indirect_reseller" } else { "direct_bill" }).ok()?;
        if let Some(t) = c.tenant {
            writeln!(y, "    tenant: {}", pick(&TENANTS, t)).ok()?;
        }
        if let Some(a) = c.affiliate {
            writeln!(y, "    affiliate_of: p{}", a as usize % np).ok()?;
        }
        if let Some((admin, through, d)) = c.mca {
            let via = if admin { "admin_center" } else { "partner_attestation" };
            writeln!(y, "    mca:\n      via: {via}\n      through: p{}", through as usize % np).ok()?;
            if let Some(d) = d {
                writeln!(y, "      date: {}", date(d)).ok()?;
            }
        }
        writeln!(y, "    relationships:").ok()?;
        for (p, via, consent, dap) in &c.relationships {
            writeln!(y, "      - {{ partner: p{}, via: {}, consent: {consent}, dap_required: {dap} }}", *p as usize % np, pick(&VIA, *via)).ok()?;
        }
    }
    writeln!(y, "subscriptions:").ok()?;
    for (i, s) in book.subscriptions.iter().enumerate() {
        writeln!(y, "  - id: s{i}\n    customer: c{}\n    partner: p{}\n    offer: {}\n    quantity: {}\n    status: {}", s.customer as usize % nc, s.partner as usize % np, pick(&OFFERS, s.offer), s.quantity, pick(&SUB_STATUS, s.status)).ok()?;
        if let Some(b) = s.base {
            writeln!(y, "    base: s{}", b as usize % ns).ok()?;
        }
        if let Some(r) = s.reseller {
            writeln!(y, "    reseller: p{}", r as usize % np).ok()?;
        }
    }
    let no_transfers = book.transfers.iter().all(|t| t.items.is_empty());
    writeln!(y, "transfers:{}", empty(no_transfers)).ok()?;
    for (i, t) in book.transfers.iter().enumerate().filter(|(_, t)| !t.items.is_empty()) {
        writeln!(y, "  - id: t{i}\n    from: p{}\n    to: p{}\n    customer: c{}\n    status: {}\n    items:", t.from as usize % np, t.to as usize % np, t.customer as usize % nc, pick(&TRANSFER_STATUS, t.status)).ok()?;
        for (s, q) in &t.items {
            write!(y, "      - subscription: s{}", *s as usize % ns).ok()?;
            match q {
                Some(q) => writeln!(y, "\n        quantity: {q}").ok()?,
                None => writeln!(y).ok()?,
            }
        }
    }
    Some(y)
}

fn program() -> &'static eligo::internals::Program {
    static PROGRAM: OnceLock<eligo::internals::Program> = OnceLock::new();
    PROGRAM.get_or_init(|| eligo::internals::load_program(eligo::default_rule_sources()).unwrap_or_else(|_| std::process::abort()))
}

fn report(text: &str) -> String {
    let program = program();
    let options = eligo::internals::scenario::LoadOptions::default();
    let source = eligo::internals::SourceFile::new("book.yaml", text);
    match eligo::internals::check_source(program, source, &program.rule_ids(), &options) {
        eligo::internals::FileOutcome::Checked(r) => eligo::internals::report::json::render(&[&r]),
        eligo::internals::FileOutcome::Invalid { errors, .. } => {
            // Valid by construction: a rejection is a bug in the loader.
            panic!("valid scenario rejected: {:?}\n{text}", errors.iter().map(|e| e.message.clone()).collect::<Vec<_>>())
        }
    }
}

fuzz_target!(|book: Book| {
    let Some(text) = yaml(&book) else { return };
    let first = report(&text);
    assert_eq!(first, report(&text), "evaluation is not deterministic");
});
