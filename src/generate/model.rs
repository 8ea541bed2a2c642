//! The generated book in memory, before it is written as YAML.
//!
//! Entities refer to each other by index; the writer turns indexes into ids.

/// The CSP regions a generated book uses, by weight (a partner book is mostly in
/// a few large regions).
pub(crate) const REGIONS: &[(u32, &str)] = &[
    (30, "united_states"),
    (25, "europe"),
    (10, "asia_pacific"),
    (8, "canada"),
    (6, "latin_america"),
    (5, "australia"),
    (4, "india"),
    (4, "japan"),
    (3, "brazil"),
    (3, "middle_east_central_eastern_europe"),
    (2, "korea"),
];

/// What kind of partner a row is (it decides the id prefix and the roles).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PartnerKind {
    /// An indirect provider (distributor).
    Provider,
    /// A direct-bill partner moving to indirect reselling.
    DirectBill,
    /// An indirect reseller only.
    Reseller,
}

/// A partner.
#[derive(Clone, Debug)]
pub(crate) struct Partner {
    /// Provider, direct-bill or reseller.
    pub kind: PartnerKind,
    /// Number within its kind (for the id).
    pub number: usize,
    /// Display name.
    pub name: String,
    /// MPN id (written quoted).
    pub mpn_id: u32,
    /// CSP region.
    pub region: &'static str,
    /// The partner's own tenant.
    pub tenant: String,
    /// Indirect-reseller enrollment.
    pub enrollment: &'static str,
    /// Microsoft Partner Agreement signed.
    pub mpa_signed: bool,
    /// Sandbox account.
    pub sandbox: bool,
    /// Trailing-12-month revenue, for direct-bill partners.
    pub revenue: Option<u64>,
    /// For resellers: the provider of their accepted partnership.
    pub provider: usize,
}

/// A provider–reseller partnership.
#[derive(Clone, Debug)]
pub(crate) struct Partnership {
    /// Provider partner index.
    pub provider: usize,
    /// Reseller partner index.
    pub reseller: usize,
    /// `invited`, `accepted` or `removed`.
    pub status: &'static str,
}

/// A customer's MCA acceptance.
#[derive(Clone, Debug)]
pub(crate) struct Mca {
    /// `admin_center` or `partner_attestation`.
    pub via: &'static str,
    /// The attesting partner.
    pub through: Option<usize>,
    /// Days since 1970-01-01.
    pub date: Option<i32>,
}

/// A reseller relationship of a customer.
#[derive(Clone, Debug)]
pub(crate) struct Relationship {
    /// Partner index.
    pub partner: usize,
    /// `direct`, `invitation` or `extension`.
    pub via: &'static str,
    /// Consent recorded.
    pub consent: bool,
    /// The provider needs delegated admin privileges.
    pub dap_required: bool,
}

/// A customer.
#[derive(Clone, Debug)]
pub(crate) struct Customer {
    /// Display name.
    pub name: String,
    /// CSP region.
    pub region: &'static str,
    /// Tenant domain.
    pub tenant: String,
    /// Acquired through an indirect reseller (default: direct bill).
    pub acquired_indirect: bool,
    /// Affiliate of this partner.
    pub affiliate_of: Option<usize>,
    /// MCA acceptance.
    pub mca: Option<Mca>,
    /// Reseller relationships.
    pub relationships: Vec<Relationship>,
    /// The direct-bill partner that serves it.
    pub owner: usize,
    /// Its subscriptions: a range of subscription indexes.
    pub subs: std::ops::Range<usize>,
}

/// A subscription.
#[derive(Clone, Debug)]
pub(crate) struct Subscription {
    /// Display name.
    pub name: &'static str,
    /// Customer index.
    pub customer: usize,
    /// Billing partner index.
    pub partner: usize,
    /// Offer.
    pub offer: &'static str,
    /// Base subscription index, for an add-on.
    pub base: Option<usize>,
    /// Seats.
    pub quantity: u32,
    /// Status.
    pub status: &'static str,
}

/// A transfer request.
#[derive(Clone, Debug)]
pub(crate) struct Transfer {
    /// Partner index moving the subscriptions.
    pub from: usize,
    /// Provider index receiving them.
    pub to: usize,
    /// Customer index.
    pub customer: usize,
    /// Status.
    pub status: &'static str,
    /// Days since 1970-01-01.
    pub created: i32,
    /// Items: subscription index and the recorded quantity.
    pub items: Vec<(usize, Option<u32>)>,
}

impl Transfer {
    /// Whether the request is open (the transfer rules look at open ones only).
    pub(crate) fn is_open(&self) -> bool {
        matches!(self.status, "active" | "in_progress")
    }
}

/// A whole generated scenario.
#[derive(Clone, Debug, Default)]
pub(crate) struct Book {
    /// Display name.
    pub name: String,
    /// Evaluation date (days since 1970-01-01).
    pub as_of: i32,
    /// Partners.
    pub partners: Vec<Partner>,
    /// Partnerships.
    pub partnerships: Vec<Partnership>,
    /// Customers.
    pub customers: Vec<Customer>,
    /// Subscriptions, grouped by customer.
    pub subscriptions: Vec<Subscription>,
    /// Transfer requests.
    pub transfers: Vec<Transfer>,
}

impl Book {
    /// The id of a partner.
    pub(crate) fn partner_id(&self, index: usize) -> String {
        let p = &self.partners[index];
        match p.kind {
            PartnerKind::Provider => format!("prov-{:04}", p.number),
            PartnerKind::DirectBill => format!("dbp-{:05}", p.number),
            PartnerKind::Reseller => format!("res-{:04}", p.number),
        }
    }
}
