//! What the exports hold, gathered before ids are derived: partners, customers,
//! subscriptions and transfer requests keyed by their Partner Center ids.

use hashbrown::{HashMap, HashTable};

use super::error::{at, file_error, ImportCode, ImportError};
use super::files::{ReadFile, Released};
use super::fragment::Text;
use super::read::ExportDir;
use crate::source::SourceFile;

/// A place in one of the files read (an index into [`Raw::files`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Loc {
    /// Which file.
    pub file: usize,
    /// Byte range.
    pub span: (usize, usize),
}

/// A partner: an export's own organization, or one a transfer names.
#[derive(Debug, Clone, Default)]
pub(crate) struct PartnerRaw {
    /// Partner Center tenant id (lower case).
    pub tenant_id: Option<String>,
    /// Company name.
    pub name: Option<String>,
    /// Tenant domain.
    pub domain: Option<String>,
    /// CSP region.
    pub region: Option<String>,
    /// The file it came from.
    pub origin: usize,
}

/// A customer.
#[derive(Debug, Clone, Default)]
pub(crate) struct CustomerRaw {
    /// Customer tenant id (lower case).
    pub tenant_id: String,
    /// Company name.
    pub name: Option<String>,
    /// Primary domain.
    pub domain: Option<String>,
    /// CSP region.
    pub region: Option<String>,
    /// The file it came from (the first export that lists it).
    pub origin: usize,
    /// The partners whose exports list it (each has a relationship with it).
    pub partners: Vec<usize>,
    /// Whether an agreements file records an MCA acceptance.
    pub has_mca: bool,
    /// Latest MCA acceptance date, `YYYY-MM-DD`.
    pub mca_date: Option<String>,
}

/// A subscription.
#[derive(Debug, Clone)]
pub(crate) struct SubscriptionRaw {
    /// Partner Center subscription id (lower case), as the entity's `pc_id`
    /// will share it.
    pub pc_id: Text,
    /// The hash of `pc_id` ([`id_hash`]), found on the core that parsed it:
    /// the subscriptions are indexed by id on one core.
    pub id_hash: u64,
    /// Display name (one text for the subscriptions of that name parsed on
    /// the same core, as is the offer id; the offer and the status are the
    /// mapping's own texts).
    pub name: Option<Text>,
    /// Customer index.
    pub customer: usize,
    /// Billing partner index (the export's partner).
    pub partner: usize,
    /// Scenario offer.
    pub offer: Text,
    /// Partner Center offer id.
    pub offer_id: Option<Text>,
    /// Licence count.
    pub quantity: Option<u64>,
    /// Scenario status.
    pub status: Text,
    /// Base subscription id of an add-on (lower case), and where it was read.
    /// Boxed, as is the reseller: most subscriptions have neither, and each
    /// record is moved from its folder's list into [`Raw::subscriptions`].
    pub base: Option<Box<(String, Loc)>>,
    /// Reseller of record (PartnerID or tenant id), and where it was read.
    pub reseller: Option<Box<(String, Loc)>>,
    /// Where the entry is.
    pub loc: Loc,
}

impl SubscriptionRaw {
    /// Points its places at the file with this index.
    pub(crate) fn set_file(&mut self, file: usize) {
        self.loc.file = file;
        for reference in self.base.iter_mut().chain(self.reseller.iter_mut()) {
            reference.1.file = file;
        }
    }
}

/// A transfer request's line item.
#[derive(Debug, Clone)]
pub(crate) struct ItemRaw {
    /// Subscription id (lower case).
    pub subscription: String,
    /// Quantity on the request.
    pub quantity: Option<u64>,
    /// Where the id was read.
    pub loc: Loc,
}

/// A transfer request.
#[derive(Debug, Clone)]
pub(crate) struct TransferRaw {
    /// Partner Center transfer id (lower case).
    pub pc_id: String,
    /// Scenario status.
    pub status: String,
    /// Creation date, `YYYY-MM-DD`.
    pub created: Option<String>,
    /// Customer index.
    pub customer: usize,
    /// Source partner tenant id and name.
    pub from: (String, Option<String>),
    /// Target partner tenant id and name.
    pub to: (String, Option<String>),
    /// Line items, add-ons included.
    pub items: Vec<ItemRaw>,
    /// Where the entry is.
    pub loc: Loc,
}

impl TransferRaw {
    /// Points its places at the file with this index.
    pub(crate) fn set_file(&mut self, file: usize) {
        self.loc.file = file;
        for item in &mut self.items {
            item.loc.file = file;
        }
    }
}

/// Everything read from the exports.
#[derive(Debug, Default)]
pub(crate) struct Raw {
    /// Every file read, for diagnostics and `# from` comments.
    pub files: Vec<ReadFile>,
    /// Their display names, shared by the entities that came from them.
    pub names: Vec<std::sync::Arc<str>>,
    /// Partners.
    pub partners: Vec<PartnerRaw>,
    /// Customers.
    pub customers: Vec<CustomerRaw>,
    /// Subscriptions.
    pub subscriptions: Vec<SubscriptionRaw>,
    /// Transfer requests.
    pub transfers: Vec<TransferRaw>,
    /// Partner index by tenant id.
    pub partner_by_tenant: HashMap<String, usize>,
    /// Customer index by tenant id.
    pub customer_by_tenant: HashMap<String, usize>,
    /// Subscription index by id (see [`Raw::add_subscription`]).
    pub subscription_by_id: SubscriptionIndex,
    /// Transfer index by id.
    pub transfer_by_id: HashMap<String, usize>,
}

/// Indexes into [`Raw::subscriptions`], found by the subscription's id. A
/// map keyed by a copy of each id cost an allocation and a copy per
/// subscription (100,000 of them in a large book), on the thread that adds
/// the parsed folders in order while the other core waits.
#[derive(Debug, Default)]
pub(crate) struct SubscriptionIndex {
    table: HashTable<usize>,
}

impl SubscriptionIndex {
    /// Room for `more` subscriptions.
    pub(crate) fn reserve(&mut self, more: usize, subscriptions: &[SubscriptionRaw]) {
        self.table.reserve(more, |&i| rehash(subscriptions, i));
    }
}

/// The hash of a subscription id in [`SubscriptionIndex`]: the process's
/// hasher ([`super::files::hash`]), so that the cores that parse the folders
/// hash the ids they read.
pub(crate) fn id_hash(pc_id: &str) -> u64 {
    super::files::hash(pc_id)
}

/// The hash of subscription `i`'s id, for the table to grow.
fn rehash(subscriptions: &[SubscriptionRaw], i: usize) -> u64 {
    subscriptions.get(i).map_or(0, |s| s.id_hash)
}

impl Raw {
    /// The index of the subscription with this (lower-case) id.
    pub(crate) fn subscription(&self, pc_id: &str) -> Option<usize> {
        self.subscription_hashed(pc_id, id_hash(pc_id))
    }

    /// [`Raw::subscription`], the id's hash given.
    fn subscription_hashed(&self, pc_id: &str, hash: u64) -> Option<usize> {
        let subscriptions = &self.subscriptions;
        self.subscription_by_id
            .table
            .find(hash, |&i| {
                subscriptions.get(i).is_some_and(|s| *s.pc_id == *pc_id)
            })
            .copied()
    }

    /// Adds a subscription, or gives it back with the index of the one
    /// already there with its id.
    pub(crate) fn add_subscription(
        &mut self,
        s: SubscriptionRaw,
    ) -> Result<(), (SubscriptionRaw, usize)> {
        if let Some(first) = self.subscription_hashed(&s.pc_id, s.id_hash) {
            return Err((s, first));
        }
        let subscriptions = &self.subscriptions;
        self.subscription_by_id
            .table
            .insert_unique(s.id_hash, subscriptions.len(), |&i| {
                rehash(subscriptions, i)
            });
        self.subscriptions.push(s);
        Ok(())
    }

    /// Keeps a file and returns its index.
    pub(crate) fn add_file(&mut self, file: SourceFile) -> usize {
        self.names.push(std::sync::Arc::from(file.name.as_str()));
        self.files.push(ReadFile::Kept(Box::new(file)));
        self.files.len() - 1
    }

    /// Lets the files kept from index `from` on go ([`Released`]): they
    /// are `dir`'s own, parsed.
    pub(crate) fn let_go_from(&mut self, from: usize, dir: &std::sync::Arc<ExportDir>) {
        for slot in self.files.iter_mut().skip(from) {
            let ReadFile::Kept(file) = slot else {
                continue;
            };
            if dir.rel_of(&file.name).is_none() {
                continue;
            }
            let file = std::mem::replace(&mut **file, SourceFile::new("", ""));
            *slot = ReadFile::Released(Released::new(dir, file));
        }
    }

    /// Adds a file parsed and let go, and returns its index.
    pub(crate) fn add_released(&mut self, file: Released) -> usize {
        self.names.push(std::sync::Arc::clone(&file.name));
        self.files.push(ReadFile::Released(file));
        self.files.len() - 1
    }

    /// The display name of the file at an index, shared.
    pub(crate) fn name(&self, index: usize) -> std::sync::Arc<str> {
        match self.names.get(index) {
            Some(n) => std::sync::Arc::clone(n),
            None => std::sync::Arc::from(""),
        }
    }

    /// The text of the file at an index, asked for while an export's own
    /// files are read (kept whole until [`Raw::let_go_from`]). A file let go
    /// would be read again, and is empty when it changed since: errors in
    /// those go through [`Raw::error_at`], which says so.
    pub(crate) fn file(&self, index: usize) -> &SourceFile {
        static EMPTY: std::sync::OnceLock<SourceFile> = std::sync::OnceLock::new();
        self.files
            .get(index)
            .and_then(ReadFile::text)
            .unwrap_or_else(|| EMPTY.get_or_init(|| SourceFile::new("", "")))
    }

    /// An error at `loc`, a place in a file read (in a customer folder's
    /// file, read again for it: see [`super::files`]): at its line and
    /// column, or, when the file changed since it was parsed, at the file
    /// with the byte offset in the message.
    pub(crate) fn error_at(
        &self,
        code: ImportCode,
        loc: Loc,
        message: String,
        label: &str,
        help: Option<String>,
    ) -> ImportError {
        let name = self.name(loc.file);
        match self.files.get(loc.file).and_then(ReadFile::text) {
            Some(text) => at(code, text, loc.span, message, label, help),
            // Its places would point at other text: the byte offset instead.
            None => file_error(
                code,
                &name,
                format!(
                    "{message} (at byte {} of `{name}`, which changed after it was read)",
                    loc.span.0
                ),
                Some(help.map_or_else(
                    || "import again".to_string(),
                    |h| format!("{h}; import again"),
                )),
            ),
        }
    }

    /// The partner with this tenant id, created from what a transfer says of it
    /// when no export is that partner's.
    pub(crate) fn partner(&mut self, tenant_id: &str, name: Option<&str>, origin: usize) -> usize {
        if let Some(&i) = self.partner_by_tenant.get(tenant_id) {
            if let Some(p) = self.partners.get_mut(i) {
                if p.name.is_none() {
                    p.name = name.map(str::to_string);
                }
            }
            return i;
        }
        self.partners.push(PartnerRaw {
            tenant_id: Some(tenant_id.to_string()),
            name: name.map(str::to_string),
            origin,
            ..PartnerRaw::default()
        });
        let i = self.partners.len() - 1;
        self.partner_by_tenant.insert(tenant_id.to_string(), i);
        i
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subscription(pc_id: String) -> SubscriptionRaw {
        SubscriptionRaw {
            id_hash: id_hash(&pc_id),
            pc_id: pc_id.into(),
            name: None,
            customer: 0,
            partner: 0,
            offer: "o365".into(),
            offer_id: None,
            quantity: None,
            status: "active".into(),
            base: None,
            reseller: None,
            loc: Loc {
                file: 0,
                span: (0, 0),
            },
        }
    }

    #[test]
    fn subscriptions_are_found_by_id_through_the_tables_growth() {
        let mut raw = Raw::default();
        let id = |n: usize| format!("5ab5c0de-{n:04x}-4000-8000-000000000000");
        for n in 0..5_000 {
            assert!(raw.add_subscription(subscription(id(n))).is_ok());
        }
        for n in 0..5_000 {
            assert_eq!(raw.subscription(&id(n)), Some(n));
        }
        assert_eq!(raw.subscription(&id(5_000)), None);
        let (again, first) = raw.add_subscription(subscription(id(1_234))).unwrap_err();
        assert_eq!((&*again.pc_id, first), (id(1_234).as_str(), 1_234));
        assert_eq!(raw.subscriptions.len(), 5_000);
    }
}
