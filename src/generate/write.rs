//! Writes a generated book as a scenario file, in the block style people write
//! by hand (one key per line, as in `fixtures/books/`).

use std::io::{self, Write};

use super::model::{Book, Customer, Partner, PartnerKind, Subscription, Transfer};
use crate::date::format_date;

/// Writes `book` as YAML to `out`.
pub(crate) fn write_book<W: Write>(book: &Book, out: &mut W) -> io::Result<()> {
    let ids: Vec<String> = (0..book.partners.len())
        .map(|i| book.partner_id(i))
        .collect();
    writeln!(
        out,
        "# A generated partner book (eligo generate); not real data."
    )?;
    writeln!(out, "scenario: {}", book.name)?;
    writeln!(out, "as_of: {}", format_date(book.as_of))?;
    writeln!(out, "\npartners:")?;
    for (i, p) in book.partners.iter().enumerate() {
        partner(out, &ids[i], p)?;
    }
    writeln!(out, "\npartnerships:")?;
    for p in &book.partnerships {
        writeln!(out, "  - provider: {}", ids[p.provider])?;
        writeln!(out, "    reseller: {}", ids[p.reseller])?;
        writeln!(out, "    status: {}", p.status)?;
    }
    writeln!(out, "\ncustomers:")?;
    for (i, c) in book.customers.iter().enumerate() {
        customer(out, &ids, i, c)?;
    }
    writeln!(out, "\nsubscriptions:")?;
    for (i, s) in book.subscriptions.iter().enumerate() {
        subscription(out, &ids, i, s)?;
    }
    // An empty collection is written `[]`: a key with no value would be null.
    let empty = if book.transfers.is_empty() { " []" } else { "" };
    writeln!(out, "\ntransfers:{empty}")?;
    for (i, t) in book.transfers.iter().enumerate() {
        transfer(out, &ids, i, t)?;
    }
    Ok(())
}

fn partner<W: Write>(out: &mut W, id: &str, p: &Partner) -> io::Result<()> {
    writeln!(out, "  - id: {id}")?;
    writeln!(out, "    name: {}", p.name)?;
    writeln!(out, "    mpn_id: \"{}\"", p.mpn_id)?;
    writeln!(out, "    region: {}", p.region)?;
    let roles = match p.kind {
        PartnerKind::Provider => "[indirect_provider]",
        PartnerKind::DirectBill => "[direct_bill, indirect_reseller]",
        PartnerKind::Reseller => "[indirect_reseller]",
    };
    writeln!(out, "    roles: {roles}")?;
    writeln!(out, "    tenant: {}", p.tenant)?;
    if p.kind != PartnerKind::Provider {
        writeln!(out, "    enrollment: {}", p.enrollment)?;
    }
    writeln!(out, "    mpa_signed: {}", p.mpa_signed)?;
    if p.sandbox {
        writeln!(out, "    sandbox: true")?;
    }
    if let Some(revenue) = p.revenue {
        writeln!(out, "    revenue_12m_usd: {revenue}")?;
    }
    Ok(())
}

fn customer<W: Write>(out: &mut W, ids: &[String], i: usize, c: &Customer) -> io::Result<()> {
    writeln!(out, "  - id: cust-{:06}", i + 1)?;
    writeln!(out, "    name: {}", c.name)?;
    writeln!(out, "    region: {}", c.region)?;
    writeln!(out, "    tenant: {}", c.tenant)?;
    if c.acquired_indirect {
        writeln!(out, "    acquired_as: indirect_reseller")?;
    }
    if let Some(a) = c.affiliate_of {
        writeln!(out, "    affiliate_of: {}", ids[a])?;
    }
    if let Some(mca) = &c.mca {
        writeln!(out, "    mca:")?;
        writeln!(out, "      via: {}", mca.via)?;
        if let Some(through) = mca.through {
            writeln!(out, "      through: {}", ids[through])?;
        }
        if let Some(date) = mca.date {
            writeln!(out, "      date: {}", format_date(date))?;
        }
    }
    writeln!(out, "    relationships:")?;
    for r in &c.relationships {
        writeln!(out, "      - partner: {}", ids[r.partner])?;
        writeln!(out, "        via: {}", r.via)?;
        if r.consent {
            writeln!(out, "        consent: true")?;
        }
        if r.dap_required {
            writeln!(out, "        dap_required: true")?;
        }
    }
    Ok(())
}

fn subscription<W: Write>(
    out: &mut W,
    ids: &[String],
    i: usize,
    s: &Subscription,
) -> io::Result<()> {
    writeln!(out, "  - id: sub-{:07}", i + 1)?;
    writeln!(out, "    name: {}", s.name)?;
    writeln!(out, "    customer: cust-{:06}", s.customer + 1)?;
    writeln!(out, "    partner: {}", ids[s.partner])?;
    writeln!(out, "    offer: {}", s.offer)?;
    if s.offer == "azure_payg" {
        writeln!(out, "    offer_id: MS-AZR-0145P")?;
    }
    if let Some(base) = s.base {
        writeln!(out, "    base: sub-{:07}", base + 1)?;
    }
    writeln!(out, "    quantity: {}", s.quantity)?;
    writeln!(out, "    status: {}", s.status)
}

fn transfer<W: Write>(out: &mut W, ids: &[String], i: usize, t: &Transfer) -> io::Result<()> {
    writeln!(out, "  - id: tr-{:06}", i + 1)?;
    writeln!(out, "    from: {}", ids[t.from])?;
    writeln!(out, "    to: {}", ids[t.to])?;
    writeln!(out, "    customer: cust-{:06}", t.customer + 1)?;
    writeln!(out, "    status: {}", t.status)?;
    writeln!(out, "    created: {}", format_date(t.created))?;
    writeln!(out, "    items:")?;
    for &(s, quantity) in &t.items {
        writeln!(out, "      - subscription: sub-{:07}", s + 1)?;
        if let Some(q) = quantity {
            writeln!(out, "        quantity: {q}")?;
        }
    }
    Ok(())
}
