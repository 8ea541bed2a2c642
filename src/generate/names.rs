//! Names that read like a real partner book.

use super::model::PartnerKind;
use super::rng::Rng;

const FIRST: &[&str] = &[
    "Adatum",
    "Alpine",
    "Blue Yonder",
    "Coho",
    "Contoso",
    "Fabrikam",
    "Fourth Coffee",
    "Graphic Design",
    "Humongous",
    "Litware",
    "Lucerne",
    "Margie's",
    "Munson's",
    "Northwind",
    "Proseware",
    "Relecloud",
    "Southridge",
    "Tailspin",
    "Trey",
    "Wide World",
    "Wingtip",
    "Woodgrove",
    "Datum",
    "Consolidated",
    "Lamna",
    "Bellows",
    "Nod",
    "Fabrikant",
    "Alpha",
    "Boreal",
];

const SECOND: &[&str] = &[
    "Traders",
    "Bank",
    "Winery",
    "Airlines",
    "Insurance",
    "Health",
    "Logistics",
    "Foods",
    "Studios",
    "Motors",
    "Energy",
    "Pharma",
    "Publishing",
    "Retail",
    "Hotels",
    "Media",
    "Construction",
    "Legal",
    "Dental",
    "Farms",
    "Textiles",
    "Robotics",
    "Outfitters",
    "Travel",
    "Capital",
];

const SUFFIX: &[&str] = &[
    "Inc.", "Ltd", "GmbH", "AB", "B.V.", "S.A.", "LLC", "Pty Ltd",
];

const PARTNER_SECOND: &[&str] = &[
    "Cloud Services",
    "IT",
    "Technologies",
    "Consulting",
    "Systems",
    "Solutions",
];

const O365: &[&str] = &[
    "Microsoft 365 E3",
    "Microsoft 365 Business Premium",
    "Microsoft 365 Business Standard",
    "Office 365 E1",
    "Office 365 E3",
    "Exchange Online (Plan 1)",
];

const ADDONS: &[&str] = &[
    "Microsoft 365 E5 Security",
    "Teams Phone Standard",
    "Audio Conferencing",
    "Exchange Online Archiving",
    "Microsoft Defender for Office 365 (Plan 2)",
];

/// A customer's display name.
pub(super) fn customer_name(rng: &mut Rng) -> String {
    format!(
        "{} {} {}",
        rng.pick(FIRST),
        rng.pick(SECOND),
        rng.pick(SUFFIX)
    )
}

/// A partner's display name.
pub(super) fn partner_name(rng: &mut Rng, kind: PartnerKind) -> String {
    let first = rng.pick(FIRST);
    match kind {
        PartnerKind::Provider => format!("{first} Distribution {}", rng.pick(SUFFIX)),
        _ => format!("{first} {} {}", rng.pick(PARTNER_SECOND), rng.pick(SUFFIX)),
    }
}

/// The name of a subscription of `offer`.
pub(super) fn offer_name(rng: &mut Rng, offer: &str, addon: bool) -> &'static str {
    if addon {
        return rng.pick::<&str>(ADDONS);
    }
    match offer {
        "o365" => rng.pick::<&str>(O365),
        "azure_payg" => "Azure (pay-as-you-go)",
        "azure_plan" => "Azure plan",
        "azure_reservation" => "Azure reserved VM instances",
        "dynamics" => "Dynamics 365 Sales Enterprise",
        "intune" => "Microsoft Intune Plan 1",
        "term_based" => "Windows 365 Enterprise (annual)",
        "marketplace_saas" => "Marketplace SaaS subscription",
        _ => "Windows Server Datacenter (perpetual)",
    }
}

/// Lowercase letters and digits of a name, for tenant domains.
pub(super) fn slug(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}
