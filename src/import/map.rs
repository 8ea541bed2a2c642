//! The mapping from an export's shapes to the scenario schema, read from a YAML
//! file (`rules/partner-center.map.yaml` is embedded as the default).
//!
//! Everything that names a Partner Center field, file, status spelling, offer or
//! country lives in that file, so another source (a distributor's export, a
//! billing system's CSV) is a new mapping file, not new Rust. Unknown keys are
//! errors at their place with "did you mean" (serde's `deny_unknown_fields` and
//! serde_yaml's error locations).

use serde::Deserialize;
use std::hash::BuildHasher;

use super::json_fast::records::FieldTree;
use std::collections::{BTreeMap, HashMap};

use super::error::{at, ImportCode, ImportError};
use super::fragment::Text;
use crate::source::SourceFile;

/// The embedded default mapping.
pub(crate) const DEFAULT_MAP: &str = include_str!("../../rules/partner-center.map.yaml");
/// The display name of the embedded mapping in diagnostics.
pub(crate) const DEFAULT_MAP_NAME: &str = "<default>/partner-center.map.yaml";

/// One field path or several, tried in order (the first present wins). A path
/// is a `.`-separated list of property names, matched without regard to case.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Paths {
    /// One path.
    One(String),
    /// Several, tried in order.
    Many(Vec<String>),
}

impl Paths {
    /// The paths in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        let slice: &[String] = match self {
            Paths::One(p) => std::slice::from_ref(p),
            Paths::Many(v) => v,
        };
        slice.iter().map(String::as_str)
    }
}

macro_rules! fields {
    ($(#[$doc:meta])* $name:ident { $($(#[$fdoc:meta])* $variant:ident),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub(crate) enum $name { $($(#[$fdoc])* $variant),* }

        impl From<$name> for u8 {
            /// The field's number, for tests that compare records of any kind.
            fn from(field: $name) -> u8 {
                field as u8
            }
        }
    };
}

fields!(
    /// What the importer reads from the organization profile (whose export it is).
    OrgField { /// Partner tenant id.
    TenantId, /// Company name.
    Name, /// Tenant domain.
    Domain, /// Country code (for the region).
    Country, /// PartnerID (MPN id).
    MpnId }
);
fields!(
    /// What the importer reads from a customer.
    CustomerField { /// Customer tenant id.
    Id, /// Company name.
    Name, /// Primary domain.
    Domain, /// Country code (for the region).
    Country }
);
fields!(
    /// What the importer reads from a subscription.
    SubscriptionField { /// Subscription id.
    Id, /// Display name.
    Name, /// Offer id.
    OfferId, /// Product type id.
    ProductType, /// Product sub-type id.
    ProductSubtype, /// Billing type.
    BillingType, /// Whether Microsoft publishes the product.
    MicrosoftProduct, /// Licence count.
    Quantity, /// Status.
    Status, /// Base subscription of an add-on.
    Base, /// Reseller of record (PartnerID or tenant id).
    Reseller }
);
fields!(
    /// What the importer reads from a transfer request.
    TransferField { /// Transfer id.
    Id, /// Status.
    Status, /// Creation time.
    Created, /// Customer tenant id.
    Customer, /// Source (transitioning) partner tenant id.
    SourceTenantId, /// Source partner name.
    SourceName, /// Target (provider) tenant id.
    TargetTenantId, /// Target partner name.
    TargetName, /// The line items (a list).
    Items }
);
fields!(
    /// What the importer reads from a transfer line item.
    ItemField { /// Subscription id.
    Subscription, /// Quantity on the request.
    Quantity, /// Add-on line items (a list).
    Addons }
);
fields!(
    /// What the importer reads from an agreement.
    AgreementField { /// Agreement type.
    Type, /// Date agreed.
    Date }
);
fields!(
    /// What reconcile reads from an eligibility answer.
    EligibilityField { /// Subscription id.
    Subscription, /// Eligible or not.
    Eligible, /// Reason text when not.
    Reason }
);

/// Where each file of an export is, relative to the export folder.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Files {
    /// The exporting partner's organization profile.
    pub organization: String,
    /// The customer list (JSON).
    pub customers: String,
    /// The customer list (portal CSV), read when the JSON is absent.
    pub customers_csv: String,
    /// The folder holding one folder per customer tenant id.
    pub customer_folder: String,
    /// A customer's subscriptions (JSON), inside its folder.
    pub subscriptions: String,
    /// A customer's subscriptions (portal CSV), read when the JSON is absent.
    pub subscriptions_csv: String,
    /// A customer's transfer requests.
    pub transfers: String,
    /// A customer's agreements.
    pub agreements: String,
    /// A customer's transfer-eligibility answers (reconcile only).
    pub eligibility: String,
}

/// One row of the offer table: conditions (all given ones must hold) and the
/// scenario offer they mean.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OfferRule {
    /// An offer id; a two-part `product:sku` also matches three-part ids.
    pub offer_id: Option<String>,
    /// The product name (the portal CSV has no offer id).
    pub name: Option<String>,
    /// `productType.id`.
    pub product_type: Option<String>,
    /// `productType.subType.id`.
    pub product_subtype: Option<String>,
    /// `billingType`.
    pub billing_type: Option<String>,
    /// `isMicrosoftProduct`.
    pub microsoft_product: Option<bool>,
    /// The scenario offer (`o365`, `azure_payg`, …).
    pub offer: String,
}

impl OfferRule {
    /// The texts its conditions name, in the order of [`OfferFacts::texts`].
    fn texts(&self) -> [Option<&str>; 5] {
        [
            self.offer_id.as_deref(),
            self.name.as_deref(),
            self.product_type.as_deref(),
            self.product_subtype.as_deref(),
            self.billing_type.as_deref(),
        ]
    }
}

/// A reason-text pattern of an eligibility answer and the rule it means.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReasonRule {
    /// The text with `*` for any run of characters, compared without regard to case.
    pub pattern: String,
    /// The eligo rule id.
    pub rule: String,
}

/// A mapping file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Mapping {
    /// What the mapping reads (for people; a key of the file, read by
    /// serde and by no code).
    #[expect(dead_code, reason = "a key of the mapping file, for people to read")]
    pub source: String,
    /// Where the files are.
    pub files: Files,
    /// The property holding a list's items when a list is wrapped.
    pub list_items: String,
    /// Organization profile fields.
    pub organization: HashMap<OrgField, Paths>,
    /// Customer fields.
    pub customer: HashMap<CustomerField, Paths>,
    /// Subscription fields.
    pub subscription: HashMap<SubscriptionField, Paths>,
    /// Transfer fields.
    pub transfer: HashMap<TransferField, Paths>,
    /// Transfer line-item fields.
    pub item: HashMap<ItemField, Paths>,
    /// Agreement fields.
    pub agreement: HashMap<AgreementField, Paths>,
    /// Eligibility fields.
    pub eligibility: HashMap<EligibilityField, Paths>,
    /// Customer CSV columns.
    pub customers_csv: HashMap<CustomerField, String>,
    /// Subscription CSV columns.
    pub subscriptions_csv: HashMap<SubscriptionField, String>,
    /// Subscription statuses (export spelling → scenario status).
    pub subscription_status: BTreeMap<String, String>,
    /// Transfer statuses (export spelling → scenario status).
    pub transfer_status: BTreeMap<String, String>,
    /// Agreement types: `mca` or `ignore`.
    pub agreement_types: BTreeMap<String, String>,
    /// The offer table, first match wins.
    pub offers: Vec<OfferRule>,
    /// Country code → CSP region.
    pub regions: BTreeMap<String, String>,
    /// Eligibility reason texts → rule ids, first match wins.
    pub reasons: Vec<ReasonRule>,
}

/// Enum-like spellings compare without regard to case, `_`, `-` and spaces
/// (`PartiallyComplete`, `partially_complete` and `Partially Complete` alike).
pub(crate) fn norm(value: &str) -> String {
    value
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

/// [`norm`] of an ASCII value of up to 64 bytes, written into `buf`; `None`
/// for any other value.
fn ascii_norm<'b>(value: &str, buf: &'b mut [u8; 64]) -> Option<&'b str> {
    if !value.is_ascii() {
        return None;
    }
    let mut len = 0;
    for b in value.bytes().filter(|b| !matches!(b, b'_' | b'-' | b' ')) {
        *buf.get_mut(len)? = b.to_ascii_lowercase();
        len += 1;
    }
    std::str::from_utf8(buf.get(..len)?).ok()
}

/// Whether two values have the same [`norm`], without building either (the
/// offer table is matched against every subscription).
fn same_norm(a: &str, b: &str) -> bool {
    let normal = |s: &str| {
        s.chars()
            .filter(|c| !matches!(c, '_' | '-' | ' '))
            .flat_map(char::to_lowercase)
            .collect::<Vec<char>>()
    };
    fn quick(s: &str) -> impl Iterator<Item = u8> + '_ {
        s.bytes()
            .filter(|b| !matches!(b, b'_' | b'-' | b' '))
            .map(|b| b.to_ascii_lowercase())
    }
    if a.is_ascii() && b.is_ascii() {
        quick(a).eq(quick(b))
    } else {
        normal(a) == normal(b)
    }
}

/// A table of spellings, keyed by their normal form. Each mapped value is
/// one shared text, which every entity that has it shares. Every
/// subscription looks its status up here: hashed with the crate's fast
/// hasher, not the standard map's, which is built to resist collisions an
/// attacker chooses (the keys are the mapping's own, a few dozen).
#[derive(Debug, Clone, Default)]
pub(crate) struct Table(hashbrown::HashMap<String, Text>);

impl Table {
    fn new(map: &BTreeMap<String, String>) -> Self {
        Table(
            map.iter()
                .map(|(k, v)| (norm(k), Text::from(v.as_str())))
                .collect(),
        )
    }

    /// The mapped value of a spelling.
    pub(crate) fn get(&self, value: &str) -> Option<&str> {
        self.shared(value).map(|v| &**v)
    }

    /// The mapped value of a spelling, as its shared text.
    pub(crate) fn shared(&self, value: &str) -> Option<&Text> {
        // Every subscription looks its status up: a short ASCII spelling's
        // normal form is built on the stack, not in a string of its own.
        let mut buf = [0u8; 64];
        match ascii_norm(value, &mut buf) {
            Some(key) => self.0.get(key),
            None => self.0.get(&norm(value)),
        }
    }
}

/// A mapping ready for lookups.
#[derive(Debug, Clone)]
pub(crate) struct Map {
    /// The file as written.
    pub raw: Mapping,
    /// Subscription statuses by normal form.
    pub subscription_status: Table,
    /// Transfer statuses by normal form.
    pub transfer_status: Table,
    /// Agreement types by normal form.
    pub agreement_types: Table,
    /// Regions by upper-case country code.
    pub regions: HashMap<String, String>,
    /// The subscription's paths as a tree, to read subscriptions without
    /// a syntax tree ([`super::json_fast::records`]).
    pub subscription_fields: FieldTree<SubscriptionField>,
    /// The customer's paths, likewise.
    pub customer_fields: FieldTree<CustomerField>,
    /// The agreement's paths, likewise.
    pub agreement_fields: FieldTree<AgreementField>,
    /// Which of a subscription's facts ([`OfferFacts::texts`]) some row of
    /// the offer table names.
    offer_facts_named: [bool; 5],
    /// Each offer row's scenario offer, as one shared text.
    offers: Vec<Text>,
}

/// The rows of the offer table that facts already seen matched: a book has
/// few distinct offers, and matching the table's rows one by one for every
/// subscription was 2.4% of a 10k import's instructions (callgrind), with a
/// table of 9 rows. It grows by one entry per distinct set of facts, so
/// with the number of subscriptions at most.
#[derive(Debug, Default)]
pub(crate) struct OfferMemo {
    hasher: hashbrown::DefaultHashBuilder,
    rows: hashbrown::HashTable<(OwnedFacts, Option<usize>)>,
}

/// [`OfferFacts`] kept.
#[derive(Debug)]
struct OwnedFacts {
    texts: [Option<Box<str>>; 5],
    microsoft_product: Option<bool>,
}

/// What the memo knows facts by: their texts in [`OfferFacts::texts`]'s
/// order, and `isMicrosoftProduct`.
type FactsKey<'a> = ([Option<&'a str>; 5], Option<bool>);

impl OwnedFacts {
    fn key(&self) -> FactsKey<'_> {
        (
            self.texts.each_ref().map(Option::as_deref),
            self.microsoft_product,
        )
    }
}

impl OfferMemo {
    /// The scenario offer of a subscription ([`Map::offer_row`]),
    /// remembered. Only the facts some row of the table names count (a
    /// subscription's name mostly does not, and is nearly always its own).
    pub(crate) fn offer<'m>(&mut self, map: &'m Map, facts: &OfferFacts<'_>) -> Option<&'m Text> {
        let facts = facts.named_only(map.offer_facts_named);
        let key = facts.key();
        let hash = self.hasher.hash_one(key);
        let row = match self.rows.find(hash, |(kept, _)| kept.key() == key) {
            Some(&(_, row)) => row,
            None => {
                let row = map.offer_row(&facts);
                let kept = OwnedFacts {
                    texts: key.0.map(|t| t.map(Box::from)),
                    microsoft_product: key.1,
                };
                let hasher = &self.hasher;
                self.rows
                    .insert_unique(hash, (kept, row), |(kept, _)| hasher.hash_one(kept.key()));
                row
            }
        };
        row.and_then(|row| map.offers.get(row))
    }
}

/// What a subscription is, for the offer table.
#[derive(Debug, Default)]
pub(crate) struct OfferFacts<'a> {
    /// Offer id.
    pub offer_id: Option<&'a str>,
    /// Product name.
    pub name: Option<&'a str>,
    /// `productType.id`.
    pub product_type: Option<&'a str>,
    /// `productType.subType.id`.
    pub product_subtype: Option<&'a str>,
    /// `billingType`.
    pub billing_type: Option<&'a str>,
    /// `isMicrosoftProduct`.
    pub microsoft_product: Option<bool>,
}

impl<'a> OfferFacts<'a> {
    /// The texts, in a fixed order.
    fn texts(&self) -> [Option<&'a str>; 5] {
        [
            self.offer_id,
            self.name,
            self.product_type,
            self.product_subtype,
            self.billing_type,
        ]
    }

    /// What [`OfferMemo`] knows the facts by.
    fn key(&self) -> FactsKey<'a> {
        (self.texts(), self.microsoft_product)
    }

    /// The facts without the texts no row of the table names (`named`, in
    /// the order of [`OfferFacts::texts`]): they match the same rows.
    fn named_only(&self, named: [bool; 5]) -> OfferFacts<'a> {
        let mut texts = self.texts();
        for (text, named) in texts.iter_mut().zip(named) {
            *text = text.filter(|_| named);
        }
        let [offer_id, name, product_type, product_subtype, billing_type] = texts;
        OfferFacts {
            offer_id,
            name,
            product_type,
            product_subtype,
            billing_type,
            microsoft_product: self.microsoft_product,
        }
    }
}

impl Map {
    /// The embedded default mapping.
    pub(crate) fn default_map() -> Result<Map, Vec<ImportError>> {
        Map::parse(&SourceFile::new(DEFAULT_MAP_NAME, DEFAULT_MAP))
    }

    /// Parses a mapping file.
    pub(crate) fn parse(file: &SourceFile) -> Result<Map, Vec<ImportError>> {
        let raw: Mapping =
            serde_yaml::from_str(&file.text).map_err(|e| vec![yaml_error(file, &e)])?;
        let map = Map {
            subscription_fields: FieldTree::new(&raw.subscription),
            customer_fields: FieldTree::new(&raw.customer),
            agreement_fields: FieldTree::new(&raw.agreement),
            offer_facts_named: offer_facts_named(&raw.offers),
            offers: raw
                .offers
                .iter()
                .map(|r| Text::from(r.offer.as_str()))
                .collect(),
            subscription_status: Table::new(&raw.subscription_status),
            transfer_status: Table::new(&raw.transfer_status),
            agreement_types: Table::new(&raw.agreement_types),
            regions: raw
                .regions
                .iter()
                .map(|(k, v)| (k.trim().to_uppercase(), v.clone()))
                .collect(),
            raw,
        };
        Ok(map)
    }

    /// The row of the offer table that gives a subscription its scenario
    /// offer: the first whose conditions all hold.
    fn offer_row(&self, facts: &OfferFacts<'_>) -> Option<usize> {
        self.raw
            .offers
            .iter()
            .position(|rule| offer_matches(rule, facts))
    }

    /// The rule a reason text means: the first pattern that matches.
    pub(crate) fn reason_rule(&self, reason: &str) -> Option<&str> {
        let reason = reason.to_lowercase();
        self.raw
            .reasons
            .iter()
            .find(|r| wildcard(&r.pattern.to_lowercase(), &reason))
            .map(|r| r.rule.as_str())
    }
}

fn offer_matches(rule: &OfferRule, facts: &OfferFacts<'_>) -> bool {
    let conditions = [
        (rule.offer_id.as_deref(), facts.offer_id, true),
        (rule.name.as_deref(), facts.name, false),
        (rule.product_type.as_deref(), facts.product_type, false),
        (
            rule.product_subtype.as_deref(),
            facts.product_subtype,
            false,
        ),
        (rule.billing_type.as_deref(), facts.billing_type, false),
    ];
    let any =
        conditions.iter().any(|(want, _, _)| want.is_some()) || rule.microsoft_product.is_some();
    let strings = conditions
        .iter()
        .all(|(want, have, is_offer)| match (want, have) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(w), Some(h)) if *is_offer => offer_id_matches(w, h),
            (Some(w), Some(h)) => same_norm(w, h),
        });
    let microsoft = match rule.microsoft_product {
        None => true,
        Some(w) => facts.microsoft_product == Some(w),
    };
    any && strings && microsoft
}

/// Which of the facts' texts ([`OfferFacts::texts`]) some row of the offer
/// table names.
fn offer_facts_named(offers: &[OfferRule]) -> [bool; 5] {
    let mut named = [false; 5];
    for rule in offers {
        for (n, text) in named.iter_mut().zip(rule.texts()) {
            *n |= text.is_some();
        }
    }
    named
}

/// `CFQ7TTC0LH18:0001` matches `CFQ7TTC0LH18:0001:CFQ7TTC0K971` (availability ids
/// change over time); otherwise ids are equal without regard to case.
fn offer_id_matches(want: &str, have: &str) -> bool {
    let (want, have) = (want.trim(), have.trim());
    if want.is_ascii() && have.is_ascii() {
        // An ASCII id's lower case is its bytes': no strings built (the
        // offer table is matched against every subscription).
        let (w, h) = (want.as_bytes(), have.as_bytes());
        if w.eq_ignore_ascii_case(h) {
            return true;
        }
        return h.get(..w.len()).is_some_and(|p| p.eq_ignore_ascii_case(w))
            && h.get(w.len()) == Some(&b':')
            && w.contains(&b':');
    }
    let (want, have) = (want.to_lowercase(), have.to_lowercase());
    if want == have {
        return true;
    }
    have.strip_prefix(&want)
        .is_some_and(|rest| rest.starts_with(':'))
        && want.contains(':')
}

/// Whether `text` matches `pattern`, where `*` stands for any run of characters
/// (the classic two-pointer match: time proportional to the product of the
/// lengths at worst, both bounded by the input).
pub(crate) fn wildcard(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match (p.get(pi), t.get(ti)) {
            (Some('*'), _) => {
                star = Some((pi, ti));
                pi += 1;
            }
            (Some(a), Some(b)) if a == b => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p.get(pi..)
        .is_some_and(|rest| rest.iter().all(|&c| c == '*'))
}

/// A serde_yaml error as a diagnostic at its place, with "did you mean" for an
/// unknown key.
fn yaml_error(file: &SourceFile, error: &serde_yaml::Error) -> ImportError {
    let message = error.to_string();
    let first = message
        .split(" at line ")
        .next()
        .unwrap_or(&message)
        .to_string();
    let help = unknown_key_help(&first).or_else(|| {
        Some("compare with the shipped mapping: `rules/partner-center.map.yaml`".to_string())
    });
    let span = error
        .location()
        .map(|l| (l.index(), l.index() + 1))
        .unwrap_or((0, 0));
    let mut err = at(
        ImportCode::Mapping,
        file,
        span,
        format!("invalid mapping: {first}"),
        "here",
        help,
    );
    if error.location().is_none() {
        err.pos = None;
    }
    err
}

/// `unknown field `x`, expected one of `a`, `b`` → "did you mean `a`?".
fn unknown_key_help(message: &str) -> Option<String> {
    let rest = message
        .split_once("unknown field `")
        .or_else(|| message.split_once("unknown variant `"))?
        .1;
    let (name, expected) = rest.split_once('`')?;
    let choices: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    crate::suggest::did_you_mean(name, choices.iter().copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The memo answers as the table does, asked in any order and again,
    /// with names counted only where a row names one.
    #[test]
    fn the_offer_memo_answers_as_the_table() {
        let mapping = |extra: &str| {
            let text = DEFAULT_MAP.replacen("offers:\n", &format!("offers:\n{extra}"), 1);
            Map::parse(&SourceFile::new("m.yaml", text.as_str()))
                .unwrap_or_else(|e| panic!("{e:?}"))
        };
        // A row naming a product name, first: it applies before the others.
        let by_name = "  - {name: Special Suite, offer: software}\n";
        let ids = [
            None,
            Some("MS-AZR-0145P"),
            Some("dzh318z0bps6:0001:x"),
            Some("other"),
        ];
        let names = [
            None,
            Some("Special Suite"),
            Some("special-suite"),
            Some("Other"),
        ];
        let types = [
            None,
            Some("Azure"),
            Some("OnlineServicesNCE"),
            Some("Software"),
        ];
        let subtypes = [None, Some("VirtualMachines")];
        for map in [mapping(""), mapping(by_name)] {
            let mut memo = OfferMemo::default();
            for _ in 0..2 {
                for offer_id in ids {
                    for name in names {
                        for product_type in types {
                            for product_subtype in subtypes {
                                for microsoft_product in [None, Some(true)] {
                                    let facts = OfferFacts {
                                        offer_id,
                                        name,
                                        product_type,
                                        product_subtype,
                                        billing_type: None,
                                        microsoft_product,
                                    };
                                    let direct = map
                                        .offer_row(&facts)
                                        .and_then(|r| map.raw.offers.get(r))
                                        .map(|r| r.offer.as_str());
                                    let memo = memo.offer(&map, &facts).map(|o| &**o);
                                    assert_eq!(memo, direct, "{facts:?}");
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn same_norm_compares_normal_forms() {
        for (a, b) in [
            ("OnlineServicesNCE", "online_services-nce"),
            ("Azure plan", "AZURE-PLAN"),
            ("Software", "software "),
            ("Straße", "STRASSE"),
            ("Ω", "ω"),
            ("a", "ab"),
            ("", "_- "),
            ("İ", "i"),
        ] {
            assert_eq!(same_norm(a, b), norm(a) == norm(b), "{a} / {b}");
        }
    }

    #[test]
    fn stack_normal_forms_are_norms() {
        for v in [
            "Active",
            "SUSPENDED",
            "in_progress",
            "Pending - Review",
            "",
            "_- ",
            "x".repeat(64).as_str(),
        ] {
            let mut buf = [0u8; 64];
            assert_eq!(ascii_norm(v, &mut buf), Some(norm(v).as_str()), "{v}");
        }
        let mut buf = [0u8; 64];
        assert_eq!(ascii_norm("Straße", &mut buf), None);
        assert_eq!(ascii_norm(&"x".repeat(65), &mut buf), None);
        assert_eq!(ascii_norm(&"-".repeat(80), &mut buf), Some(""));
    }

    #[test]
    fn offer_ids_match_as_their_lower_case_does() {
        let reference = |want: &str, have: &str| {
            let (want, have) = (want.trim().to_lowercase(), have.trim().to_lowercase());
            want == have
                || (have.strip_prefix(&want).is_some_and(|r| r.starts_with(':'))
                    && want.contains(':'))
        };
        let ids = [
            "CFQ7TTC0LH18:0001",
            "cfq7ttc0lh18:0001:CFQ7TTC0K971",
            " CFQ7TTC0LH18:0001 ",
            "CFQ7TTC0LH18",
            "CFQ7TTC0LH18:00012",
            "CFQ7TTC0LH18:0001:",
            "DZH318Z0BQ3Q",
            "",
            ":",
            "İ:1",
            "i̇:1:x",
            "Straße:1",
        ];
        for want in ids {
            for have in ids {
                assert_eq!(
                    offer_id_matches(want, have),
                    reference(want, have),
                    "{want:?} / {have:?}"
                );
            }
        }
    }

    #[test]
    fn wildcards_match_reason_texts() {
        assert!(wildcard(
            "subscription: * is in state: suspended",
            "subscription: ab-12 is in state: suspended"
        ));
        assert!(!wildcard(
            "subscription: * is in state: suspended",
            "subscription: ab is in state: deleted"
        ));
        assert!(wildcard(
            "*already part of another transfer*",
            "subscription is already part of another transfer request id : x"
        ));
    }

    #[test]
    fn two_part_offer_ids_match_three_part_ones() {
        assert!(offer_id_matches(
            "CFQ7TTC0LH18:0001",
            "cfq7ttc0lh18:0001:CFQ7TTC0K971"
        ));
        assert!(!offer_id_matches(
            "CFQ7TTC0LH18:0001",
            "CFQ7TTC0LH18:00012:X"
        ));
        assert!(offer_id_matches("MS-AZR-0145P", "ms-azr-0145p"));
    }

    #[test]
    fn the_default_mapping_parses() {
        let map = Map::default_map().unwrap();
        assert_eq!(
            map.transfer_status.get("PartiallyComplete"),
            Some("partially_completed")
        );
        assert_eq!(map.transfer_status.get("Complete"), Some("completed"));
    }
}
