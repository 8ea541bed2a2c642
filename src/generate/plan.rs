//! Plans the partners, partnerships, customers and subscriptions of a book.
//!
//! A clean book breaks no rule: every direct-bill partner is enrolled, signed and
//! partnered with a provider of its region; every customer is served in its region,
//! has accepted the MCA and (when it moves) is extended to the provider with
//! consent. [`Faults`] then plants one violation in a few per cent of entities.

use super::faults::Faults;
use super::model::{
    Book, Customer, Mca, Partner, PartnerKind, Partnership, Relationship, Subscription, REGIONS,
};
use super::names;
use super::rng::Rng;

/// Faults planted on direct-bill partners.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PartnerFault {
    NotEnrolled,
    Sandbox,
    MpaUnsigned,
    LowRevenue,
    CrossRegionPartnership,
}

const PARTNER_FAULTS: &[PartnerFault] = &[
    PartnerFault::NotEnrolled,
    PartnerFault::Sandbox,
    PartnerFault::MpaUnsigned,
    PartnerFault::LowRevenue,
    PartnerFault::CrossRegionPartnership,
];

/// Faults planted on customers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CustomerFault {
    ForeignPartner,
    ExtensionIndirect,
    NoConsent,
    ExtensionUnpartnered,
    Dap,
    NoMca,
    AttestedByReseller,
    FutureMca,
    IndirectBilledDirect,
    SelfDealing,
    OwnTenant,
    ResellerOwnUse,
    NotMoved,
    AttestedByOther,
}

const CUSTOMER_FAULTS: &[CustomerFault] = &[
    CustomerFault::ForeignPartner,
    CustomerFault::ExtensionIndirect,
    CustomerFault::NoConsent,
    CustomerFault::ExtensionUnpartnered,
    CustomerFault::Dap,
    CustomerFault::NoMca,
    CustomerFault::AttestedByReseller,
    CustomerFault::FutureMca,
    CustomerFault::IndirectBilledDirect,
    CustomerFault::SelfDealing,
    CustomerFault::OwnTenant,
    CustomerFault::ResellerOwnUse,
    CustomerFault::NotMoved,
    CustomerFault::AttestedByOther,
];

const BASE_OFFERS: &[(u32, &str)] = &[
    (45, "o365"),
    (15, "azure_payg"),
    (8, "dynamics"),
    (7, "intune"),
    (9, "azure_plan"),
    (5, "azure_reservation"),
    (5, "term_based"),
    (3, "marketplace_saas"),
    (3, "software"),
];

const STATUSES: &[(u32, &str)] = &[
    (90, "active"),
    (4, "suspended"),
    (2, "expired"),
    (2, "deleted"),
    (1, "pending"),
    (1, "disabled"),
];

/// Share of customers with a transfer request.
const TRANSFER_SHARE: f64 = 0.4;
/// Share of subscriptions that are add-ons.
const ADDON_SHARE: f64 = 0.2;

/// Partners and customers planned so far, and what the transfers need to know.
pub(super) struct Planner<'r> {
    /// The book being built.
    pub book: Book,
    /// Random numbers.
    pub rng: &'r mut Rng,
    /// Indexes of providers.
    pub providers: Vec<usize>,
    /// Indexes of direct-bill partners.
    pub direct: Vec<usize>,
    /// Indexes of reseller-only partners.
    pub resellers: Vec<usize>,
    /// Per customer: the status of its planned transfer request, if any.
    pub transfer_status: Vec<Option<&'static str>>,
}

impl<'r> Planner<'r> {
    /// An empty book evaluated on `as_of`.
    pub(super) fn new(rng: &'r mut Rng, name: String, as_of: i32) -> Self {
        Planner {
            book: Book {
                name,
                as_of,
                ..Book::default()
            },
            rng,
            providers: Vec::new(),
            direct: Vec::new(),
            resellers: Vec::new(),
            transfer_status: Vec::new(),
        }
    }

    /// Plans `customers` customers and their `subscriptions` subscriptions, with
    /// the partners that serve them.
    pub(super) fn plan(&mut self, customers: usize, subscriptions: usize) {
        let direct = (customers / 25).max(1);
        self.partners(direct);
        self.customers(customers);
        self.subscriptions(subscriptions);
    }

    fn partner_row(&mut self, kind: PartnerKind, number: usize, region: &'static str) -> usize {
        let name = names::partner_name(self.rng, kind);
        let tenant = format!("{}-csp{number}.onmicrosoft.com", names::slug(&name));
        let revenue = (kind == PartnerKind::DirectBill)
            .then(|| 300_000 + 10_000 * self.rng.below(500) as u64);
        let enrollment = if kind == PartnerKind::Provider {
            "none"
        } else {
            "active"
        };
        self.book.partners.push(Partner {
            kind,
            number,
            name,
            mpn_id: 5_000_000 + self.rng.below(999_999) as u32,
            region,
            tenant,
            enrollment,
            mpa_signed: true,
            sandbox: false,
            revenue,
            provider: usize::MAX,
        });
        self.book.partners.len() - 1
    }

    fn partners(&mut self, direct: usize) {
        let providers = (direct / 8).max(2);
        for n in 1..=providers {
            // The first two providers are in different regions, so a cross-region
            // partnership can always be planted.
            let region = match n {
                1 => "united_states",
                2 => "europe",
                _ => self.rng.weighted(REGIONS),
            };
            let p = self.partner_row(PartnerKind::Provider, n, region);
            self.providers.push(p);
        }
        for n in 1..=(direct / 10).max(1) {
            let p = self.reseller_row(PartnerKind::Reseller, n);
            self.resellers.push(p);
        }
        let mut faults = Faults::new(PARTNER_FAULTS, 0.15, direct);
        for n in 1..=direct {
            let p = self.reseller_row(PartnerKind::DirectBill, n);
            self.direct.push(p);
            self.extra_partnerships(p);
            faults.plant(self.rng, |fault, rng| {
                apply_partner_fault(&mut self.book, &self.providers, p, fault, rng)
            });
        }
    }

    /// A direct-bill partner or reseller, with its accepted partnership.
    fn reseller_row(&mut self, kind: PartnerKind, number: usize) -> usize {
        let provider = *self.rng.pick(&self.providers);
        let region = self.book.partners[provider].region;
        let p = self.partner_row(kind, number, region);
        self.book.partners[p].provider = provider;
        self.book.partnerships.push(Partnership {
            provider,
            reseller: p,
            status: "accepted",
        });
        p
    }

    /// Invitations to a second provider of the region, and old removed partnerships.
    fn extra_partnerships(&mut self, p: usize) {
        let region = self.book.partners[p].region;
        let main = self.book.partners[p].provider;
        if self.rng.chance(0.1) {
            let other = self
                .providers
                .iter()
                .copied()
                .find(|&q| q != main && self.book.partners[q].region == region);
            if let Some(q) = other {
                self.book.partnerships.push(Partnership {
                    provider: q,
                    reseller: p,
                    status: "invited",
                });
            }
        }
        if self.rng.chance(0.03) {
            let q = *self.rng.pick(&self.providers);
            if q != main {
                self.book.partnerships.push(Partnership {
                    provider: q,
                    reseller: p,
                    status: "removed",
                });
            }
        }
    }

    fn customers(&mut self, count: usize) {
        let mut faults = Faults::new(CUSTOMER_FAULTS, 0.25, count);
        for i in 0..count {
            let owner = *self.rng.pick(&self.direct);
            let status = self.rng.chance(TRANSFER_SHARE).then(|| {
                self.rng.weighted(&[
                    (55, "active"),
                    (25, "in_progress"),
                    (8, "completed"),
                    (2, "partially_completed"),
                    (4, "rejected"),
                    (4, "withdrawn"),
                    (2, "failed"),
                ])
            });
            let customer = self.clean_customer(i, owner, status.is_some());
            self.book.customers.push(customer);
            self.transfer_status.push(status);
            let open = matches!(status, Some("active" | "in_progress"));
            let ctx = CustomerContext {
                index: i,
                open_transfer: open,
                providers: &self.providers,
                direct: &self.direct,
                resellers: &self.resellers,
            };
            faults.plant(self.rng, |fault, rng| {
                apply_customer_fault(&mut self.book, &ctx, fault, rng)
            });
        }
    }

    fn clean_customer(&mut self, i: usize, owner: usize, moving: bool) -> Customer {
        let name = names::customer_name(self.rng);
        let tenant = format!("{}{}.onmicrosoft.com", names::slug(&name), i + 1);
        let owner_p = &self.book.partners[owner];
        let (region, provider) = (owner_p.region, owner_p.provider);
        let date = Some(self.book.as_of - 30 - self.rng.below(2400) as i32);
        let mca = if self.rng.chance(0.75) {
            Mca {
                via: "admin_center",
                through: None,
                date,
            }
        } else {
            Mca {
                via: "partner_attestation",
                through: Some(provider),
                date,
            }
        };
        let mut relationships = vec![relationship(owner, "direct")];
        if moving {
            relationships.push(Relationship {
                consent: true,
                ..relationship(provider, "extension")
            });
        } else if self.rng.chance(0.1) {
            relationships.push(relationship(provider, "invitation"));
        }
        Customer {
            name,
            region,
            tenant,
            acquired_indirect: false,
            affiliate_of: None,
            mca: Some(mca),
            relationships,
            owner,
            subs: 0..0,
        }
    }

    /// Deals `total` subscriptions out to the customers, 1 to about 15 each.
    fn subscriptions(&mut self, total: usize) {
        let customers = self.book.customers.len();
        let mut left = total;
        for c in 0..customers {
            let remaining = customers - c;
            let count = if remaining == 1 {
                left
            } else {
                let mean = left / remaining;
                let most = left - (remaining - 1);
                self.rng.range(1, (2 * mean).max(2) - 1).min(most)
            };
            left -= count;
            let start = self.book.subscriptions.len();
            for k in 0..count {
                let sub = self.subscription(c, start, k);
                self.book.subscriptions.push(sub);
            }
            self.book.customers[c].subs = start..start + count;
        }
    }

    /// The `k`-th subscription of customer `c`, whose first is at `start`.
    fn subscription(&mut self, c: usize, start: usize, k: usize) -> Subscription {
        let partner = self.book.customers[c].owner;
        let base = (k > 0 && self.rng.chance(ADDON_SHARE)).then(|| {
            // An add-on of an earlier base of the same customer.
            let candidates = start..start + k;
            let pick = candidates.start + self.rng.below(k);
            let mut b = pick;
            while let Some(up) = self.book.subscriptions[b].base {
                b = up;
            }
            b
        });
        let offer = match base {
            Some(b) => self.book.subscriptions[b].offer,
            None if k == 0 => "o365",
            None => self.rng.weighted(BASE_OFFERS),
        };
        let status = if k == 0 {
            "active"
        } else {
            self.rng.weighted(STATUSES)
        };
        let quantity = match offer {
            "azure_payg" | "azure_plan" => 1,
            "o365" | "dynamics" | "intune" => self.rng.weighted(&[(6, 25), (3, 100), (1, 500)]),
            _ => 10,
        };
        let quantity = if quantity > 1 {
            self.rng.range(1, quantity) as u32
        } else {
            1
        };
        Subscription {
            name: names::offer_name(self.rng, offer, base.is_some()),
            customer: c,
            partner,
            offer,
            base,
            quantity,
            status,
        }
    }
}

fn relationship(partner: usize, via: &'static str) -> Relationship {
    Relationship {
        partner,
        via,
        consent: false,
        dap_required: false,
    }
}

fn apply_partner_fault(
    book: &mut Book,
    providers: &[usize],
    p: usize,
    fault: PartnerFault,
    rng: &mut Rng,
) -> bool {
    let partner = &mut book.partners[p];
    match fault {
        PartnerFault::NotEnrolled => partner.enrollment = *rng.pick(&["approved", "pending"]),
        PartnerFault::Sandbox => partner.sandbox = true,
        PartnerFault::MpaUnsigned => partner.mpa_signed = false,
        PartnerFault::LowRevenue => {
            partner.revenue = Some(20_000 + 10_000 * rng.below(25) as u64);
        }
        PartnerFault::CrossRegionPartnership => {
            let region = partner.region;
            let Some(&q) = providers
                .iter()
                .find(|&&q| book.partners[q].region != region)
            else {
                return false;
            };
            book.partnerships.push(Partnership {
                provider: q,
                reseller: p,
                status: "invited",
            });
        }
    }
    true
}

struct CustomerContext<'a> {
    index: usize,
    open_transfer: bool,
    providers: &'a [usize],
    direct: &'a [usize],
    resellers: &'a [usize],
}

fn apply_customer_fault(
    book: &mut Book,
    ctx: &CustomerContext<'_>,
    fault: CustomerFault,
    rng: &mut Rng,
) -> bool {
    let (owner, region) = {
        let c = &book.customers[ctx.index];
        (c.owner, c.region)
    };
    let provider = book.partners[owner].provider;
    let partners = &book.partners;
    let c = &mut book.customers[ctx.index];
    let extension = c.relationships.iter().position(|r| r.via == "extension");
    let served_by_provider = c.relationships.iter().any(|r| r.partner == provider);
    match fault {
        CustomerFault::ForeignPartner => {
            let Some(&q) = ctx
                .providers
                .iter()
                .find(|&&q| partners[q].region != region)
            else {
                return false;
            };
            c.relationships.push(relationship(q, "invitation"));
        }
        CustomerFault::ExtensionIndirect => {
            if extension.is_none() {
                return false;
            }
            c.acquired_indirect = true;
        }
        CustomerFault::NoConsent | CustomerFault::Dap => {
            let Some(e) = extension else { return false };
            if fault == CustomerFault::NoConsent {
                c.relationships[e].consent = false;
            } else {
                c.relationships[e].dap_required = true;
            }
        }
        CustomerFault::ExtensionUnpartnered => {
            let Some(&q) = ctx
                .providers
                .iter()
                .find(|&&q| q != provider && partners[q].region == region)
            else {
                return false;
            };
            c.relationships.push(Relationship {
                consent: true,
                ..relationship(q, "extension")
            });
        }
        CustomerFault::NoMca => c.mca = None,
        CustomerFault::AttestedByReseller => {
            c.mca = Some(Mca {
                via: "partner_attestation",
                through: Some(*rng.pick(ctx.resellers)),
                date: c.mca.as_ref().and_then(|m| m.date),
            });
        }
        CustomerFault::FutureMca => {
            let date = book.as_of + 1 + rng.below(60) as i32;
            match &mut c.mca {
                Some(m) => m.date = Some(date),
                None => return false,
            }
        }
        CustomerFault::IndirectBilledDirect => {
            if extension.is_some() {
                return false;
            }
            c.acquired_indirect = true;
        }
        CustomerFault::SelfDealing => {
            if served_by_provider {
                return false;
            }
            c.affiliate_of = Some(owner);
        }
        CustomerFault::OwnTenant => {
            let q = *rng.pick(ctx.direct);
            c.tenant = partners[q].tenant.to_uppercase();
        }
        CustomerFault::ResellerOwnUse => {
            // Another reseller of the same provider, so that selling to itself
            // (a different rule) is not what fires.
            let Some(&r) = ctx
                .direct
                .iter()
                .find(|&&r| r != owner && partners[r].provider == provider)
            else {
                return false;
            };
            if !served_by_provider {
                return false;
            }
            c.affiliate_of = Some(r);
        }
        CustomerFault::NotMoved => {
            let Some(e) = extension.filter(|_| ctx.open_transfer) else {
                return false;
            };
            c.relationships.remove(e);
        }
        CustomerFault::AttestedByOther => {
            if !ctx.open_transfer {
                return false;
            }
            let date = c.mca.as_ref().and_then(|m| m.date);
            c.mca = Some(Mca {
                via: "partner_attestation",
                through: Some(owner),
                date,
            });
        }
    }
    true
}
