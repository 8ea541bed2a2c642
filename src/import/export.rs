//! Reading one partner's export folder into [`Raw`], every unknown value an
//! error at its place (all of them, not only the first).

use jsonc_parser::ast::Value;

use super::csv_file;
use super::error::{at, file_error, ImportCode, ImportError};
use super::json;
use super::map::{
    AgreementField as A, CustomerField as C, ItemField as I, Map, OfferFacts, OrgField as O,
    SubscriptionField as S, TransferField as T,
};
use super::model::{CustomerRaw, ItemRaw, Loc, Raw, SubscriptionRaw, TransferRaw};
use super::read::ExportDir;
use super::record::{count, required, Cell, Rec};
use crate::source::SourceFile;

/// Reads an export into `raw`, pushing every problem to `errors`.
pub struct Reader<'m> {
    /// The mapping.
    pub map: &'m Map,
    /// What has been read so far (from earlier exports too).
    pub raw: Raw,
    /// Every problem found.
    pub errors: Vec<ImportError>,
}

impl<'m> Reader<'m> {
    /// A reader with nothing read yet.
    pub fn new(map: &'m Map) -> Self {
        Reader {
            map,
            raw: Raw::default(),
            errors: Vec::new(),
        }
    }

    /// Reads one export folder.
    pub fn export(&mut self, dir: &ExportDir) {
        let files = &self.map.raw.files;
        let Some(partner) = self.organization(dir, &files.organization.clone()) else {
            return;
        };
        let customers = self.customers(dir, partner);
        let folder = files.customer_folder.clone();
        let names = match dir.folders(&folder) {
            Ok(names) => names,
            Err(e) => return self.errors.push(e),
        };
        let listed: std::collections::HashSet<usize> = customers.iter().copied().collect();
        for name in names {
            let tenant = name.to_lowercase();
            let customer = self.raw.customer_by_tenant.get(&tenant).filter(|c| listed.contains(c));
            match customer {
                Some(&customer) => self.customer_folder(dir, &format!("{folder}/{name}"), customer, partner),
                None => self.errors.push(no_customer(dir, &folder, &name, &self.map.raw.files.customers)),
            }
        }
    }

    fn read(&mut self, dir: &ExportDir, rel: &str) -> Option<usize> {
        match dir.read(rel) {
            Ok(Some(file)) => Some(self.raw.add_file(file)),
            Ok(None) => None,
            Err(e) => {
                self.errors.push(e);
                None
            }
        }
    }

    /// Reads a JSON file and calls `each` with the file and its parsed value.
    fn with_json(&mut self, index: usize, each: impl FnOnce(&mut Self, &SourceFile, &Value<'_>)) {
        let file = self.raw.file(index).clone();
        match json::parse(&file) {
            Ok(value) => each(self, &file, &value),
            Err(e) => self.errors.push(e),
        }
    }

    /// The exporting partner, from its organization profile.
    fn organization(&mut self, dir: &ExportDir, rel: &str) -> Option<usize> {
        let Some(index) = self.read(dir, rel) else {
            self.errors.push(file_error(
                ImportCode::Io,
                &dir.name(rel),
                format!("the export has no `{}`", dir.name(rel)),
                Some("save `GET /v1/profiles/organization` there: it says whose export this is".into()),
            ));
            return None;
        };
        let mut found = None;
        self.with_json(index, |r, file, value| {
            let Some(object) = value.as_object() else {
                r.errors.push(not_object(file, value, "the organization profile"));
                return;
            };
            let rec = Rec::from_json(object, &r.map.raw.organization);
            let paths = r.map.raw.organization.get(&O::TenantId);
            let tenant = match required(file, &rec, O::TenantId, "the organization profile", paths) {
                Ok(tenant) => tenant,
                Err(e) => return r.errors.push(e),
            };
            let tenant = tenant.to_lowercase();
            let region = rec.get(O::Country).and_then(|c| r.region(file, c));
            let partner = r.raw.partner(&tenant, rec.text(O::Name), index);
            if let Some(p) = r.raw.partners.get_mut(partner) {
                p.name = rec.text(O::Name).map(str::to_string).or(p.name.take());
                p.domain = rec.text(O::Domain).map(str::to_string);
                p.region = region.or(p.region.take());
                p.origin = index;
            }
            found = Some(partner);
        });
        found
    }

    /// The CSP region of a country, or an error at the value.
    fn region(&mut self, file: &SourceFile, cell: &Cell) -> Option<String> {
        let code = cell.text.trim().to_uppercase();
        if code.is_empty() {
            return None;
        }
        match self.map.regions.get(&code) {
            Some(region) => Some(region.clone()),
            None => {
                self.errors.push(at(
                    ImportCode::Unmapped,
                    file,
                    cell.span,
                    format!("country `{}` is not in the mapping's region table", cell.text),
                    "unknown country",
                    Some(format!("add `{code}: <region>` under `regions:` in the mapping (`--map FILE`)")),
                ));
                None
            }
        }
    }

    /// The export's customers, from `customers.json` or the portal CSV.
    fn customers(&mut self, dir: &ExportDir, partner: usize) -> Vec<usize> {
        let files = self.map.raw.files.clone();
        let recs: Vec<(usize, Rec<C>)> = if let Some(index) = self.read(dir, &files.customers) {
            let mut recs = Vec::new();
            self.with_json(index, |r, file, value| match json::list_of(file, value, &r.map.raw.list_items) {
                Ok(items) => {
                    for item in items {
                        match item.as_object() {
                            Some(o) => recs.push((index, Rec::from_json(o, &r.map.raw.customer))),
                            None => r.errors.push(not_object(file, item, "a customer")),
                        }
                    }
                }
                Err(e) => r.errors.push(e),
            });
            recs
        } else if let Some(index) = self.read(dir, &files.customers_csv) {
            let file = self.raw.file(index).clone();
            match csv_file::records(&file, &self.map.raw.customers_csv, &[C::Id]) {
                Ok(recs) => recs.into_iter().map(|r| (index, r)).collect(),
                Err(mut e) => {
                    self.errors.append(&mut e);
                    Vec::new()
                }
            }
        } else {
            self.errors.push(file_error(
                ImportCode::Io,
                &dir.name(&files.customers),
                format!("the export has neither `{}` nor `{}`", dir.name(&files.customers), dir.name(&files.customers_csv)),
                Some("save `GET /v1/customers` (or the portal's customer export) there".into()),
            ));
            Vec::new()
        };
        recs.into_iter()
            .filter_map(|(index, rec)| self.customer(index, &rec, partner))
            .collect()
    }

    fn customer(&mut self, index: usize, rec: &Rec<C>, partner: usize) -> Option<usize> {
        let file = self.raw.file(index).clone();
        let id = match required(&file, rec, C::Id, "a customer", self.map.raw.customer.get(&C::Id)) {
            Ok(id) => id.to_lowercase(),
            Err(e) => {
                self.errors.push(e);
                return None;
            }
        };
        let region = rec.get(C::Country).and_then(|c| self.region(&file, c));
        let i = match self.raw.customer_by_tenant.get(&id) {
            Some(&i) => i,
            None => {
                self.raw.customers.push(CustomerRaw {
                    tenant_id: id.clone(),
                    origin: index,
                    ..CustomerRaw::default()
                });
                self.raw.customer_by_tenant.insert(id, self.raw.customers.len() - 1);
                self.raw.customers.len() - 1
            }
        };
        let c = self.raw.customers.get_mut(i)?;
        c.name = c.name.take().or(rec.text(C::Name).map(str::to_string));
        c.domain = c.domain.take().or(rec.text(C::Domain).map(str::to_string));
        c.region = c.region.take().or(region);
        if !c.partners.contains(&partner) {
            c.partners.push(partner);
        }
        Some(i)
    }

    /// One customer's folder: subscriptions, transfers, agreements.
    fn customer_folder(&mut self, dir: &ExportDir, folder: &str, customer: usize, partner: usize) {
        let files = self.map.raw.files.clone();
        if let Some(index) = self.read(dir, &format!("{folder}/{}", files.subscriptions)) {
            self.subscriptions_json(index, customer, partner);
        } else if let Some(index) = self.read(dir, &format!("{folder}/{}", files.subscriptions_csv)) {
            let file = self.raw.file(index).clone();
            match csv_file::records(&file, &self.map.raw.subscriptions_csv, &[S::Id, S::Name, S::Status]) {
                Ok(recs) => {
                    for rec in recs {
                        self.subscription(index, &rec, customer, partner);
                    }
                }
                Err(mut e) => self.errors.append(&mut e),
            }
        }
        if let Some(index) = self.read(dir, &format!("{folder}/{}", files.transfers)) {
            self.transfers(index, customer);
        }
        if let Some(index) = self.read(dir, &format!("{folder}/{}", files.agreements)) {
            self.agreements(index, customer);
        }
    }

    fn subscriptions_json(&mut self, index: usize, customer: usize, partner: usize) {
        self.with_json(index, |r, file, value| match json::list_of(file, value, &r.map.raw.list_items) {
            Ok(items) => {
                for item in items {
                    match item.as_object() {
                        Some(o) => {
                            let rec = Rec::from_json(o, &r.map.raw.subscription);
                            r.subscription(index, &rec, customer, partner);
                        }
                        None => r.errors.push(not_object(file, item, "a subscription")),
                    }
                }
            }
            Err(e) => r.errors.push(e),
        });
    }

    fn subscription(&mut self, index: usize, rec: &Rec<S>, customer: usize, partner: usize) {
        let file = self.raw.file(index).clone();
        let paths = &self.map.raw.subscription;
        let id = match required(&file, rec, S::Id, "a subscription", paths.get(&S::Id)) {
            Ok(id) => id.to_lowercase(),
            Err(e) => return self.errors.push(e),
        };
        let offer = self.offer(&file, rec);
        let status = self.status(&file, rec);
        let quantity = rec.get(S::Quantity).filter(|c| !c.text.trim().is_empty()).and_then(|c| {
            count(&file, c, "quantity").map_err(|e| self.errors.push(e)).ok()
        });
        let (Some(offer), Some(status)) = (offer, status) else {
            return;
        };
        let loc = |c: &Cell| Loc { file: index, span: c.span };
        let raw = SubscriptionRaw {
            pc_id: id.clone(),
            name: rec.text(S::Name).map(str::to_string),
            customer,
            partner,
            offer,
            offer_id: rec.text(S::OfferId).map(str::to_string),
            quantity,
            status,
            base: rec.get(S::Base).filter(|c| !c.text.trim().is_empty()).map(|c| (c.text.trim().to_lowercase(), loc(c))),
            reseller: rec.get(S::Reseller).filter(|c| !c.text.trim().is_empty()).map(|c| (c.text.trim().to_lowercase(), loc(c))),
            loc: Loc { file: index, span: rec.span },
        };
        if let Some(&first) = self.raw.subscription_by_id.get(&id) {
            let earlier = self.raw.subscriptions.get(first).map(|s| self.raw.file(s.loc.file).name.clone());
            self.errors.push(at(
                ImportCode::Duplicate,
                &file,
                (rec.span.0, rec.span.0 + 1),
                format!("subscription `{id}` is listed twice"),
                "second listing",
                Some(format!("it is also in `{}`; keep one export's copy", earlier.unwrap_or_default())),
            ));
            return;
        }
        self.raw.subscription_by_id.insert(id, self.raw.subscriptions.len());
        self.raw.subscriptions.push(raw);
    }

    /// The scenario offer of a subscription through the offer table.
    fn offer(&mut self, file: &SourceFile, rec: &Rec<S>) -> Option<String> {
        let facts = OfferFacts {
            offer_id: rec.text(S::OfferId),
            name: rec.text(S::Name),
            product_type: rec.text(S::ProductType),
            product_subtype: rec.text(S::ProductSubtype),
            billing_type: rec.text(S::BillingType),
            microsoft_product: rec.get(S::MicrosoftProduct).filter(|c| c.is_bool).map(|c| c.text == "true"),
        };
        if let Some(offer) = self.map.offer(&facts) {
            return Some(offer.to_string());
        }
        let (cell, key, value) = match (rec.get(S::OfferId), rec.get(S::Name)) {
            (Some(c), _) => (c, "offer_id", offer_key(&c.text)),
            (None, Some(c)) => (c, "name", c.text.trim().to_string()),
            (None, None) => {
                self.errors.push(at(
                    ImportCode::Unmapped,
                    file,
                    (rec.span.0, rec.span.0 + 1),
                    "a subscription has neither an offer id nor a name to look up in the offer table",
                    "this subscription",
                    Some("save the full subscription response".into()),
                ));
                return None;
            }
        };
        self.errors.push(at(
            ImportCode::Unmapped,
            file,
            cell.span,
            format!("offer `{}` is not in the mapping's offer table", cell.text.trim()),
            "unknown offer",
            Some(format!("add `- {{{key}: \"{value}\", offer: <o365|azure_payg|…>}}` to the offer table (`offers:`) in the mapping (`--map FILE`)")),
        ));
        None
    }

    fn status(&mut self, file: &SourceFile, rec: &Rec<S>) -> Option<String> {
        let Some(cell) = rec.get(S::Status) else {
            return Some("active".to_string());
        };
        let table = &self.map.subscription_status;
        mapped(table.get(&cell.text), file, cell, "subscription status", "subscription_status", &mut self.errors)
    }

    fn transfers(&mut self, index: usize, customer: usize) {
        self.with_json(index, |r, file, value| match json::list_of(file, value, &r.map.raw.list_items) {
            Ok(items) => {
                for item in items {
                    match item.as_object() {
                        Some(o) => r.transfer(index, file, o, customer),
                        None => r.errors.push(not_object(file, item, "a transfer request")),
                    }
                }
            }
            Err(e) => r.errors.push(e),
        });
    }

    fn transfer(&mut self, index: usize, file: &SourceFile, object: &jsonc_parser::ast::Object<'_>, customer: usize) {
        let paths = &self.map.raw.transfer;
        let rec = Rec::from_json(object, paths);
        let need = |field, errors: &mut Vec<ImportError>| match required(file, &rec, field, "a transfer request", paths.get(&field)) {
            Ok(v) => Some(v.to_lowercase()),
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let id = need(T::Id, &mut self.errors);
        let from = need(T::SourceTenantId, &mut self.errors);
        let to = need(T::TargetTenantId, &mut self.errors);
        let status = rec.get(T::Status).and_then(|c| {
            mapped(self.map.transfer_status.get(&c.text), file, c, "transfer status", "transfer_status", &mut self.errors)
        });
        if rec.get(T::Status).is_none() {
            let _ = need(T::Status, &mut self.errors);
        }
        let created = rec.get(T::Created).and_then(|c| date(file, c, &mut self.errors));
        let items = self.items(index, file, object);
        let (Some(id), Some(from), Some(to), Some(status)) = (id, from, to, status) else {
            return;
        };
        if self.raw.transfer_by_id.contains_key(&id) {
            // Both partners' exports list the same request: keep the first.
            return;
        }
        let raw = TransferRaw {
            pc_id: id.clone(),
            status,
            created,
            customer,
            from: (from, rec.text(T::SourceName).map(str::to_string)),
            to: (to, rec.text(T::TargetName).map(str::to_string)),
            items,
            loc: Loc { file: index, span: rec.span },
        };
        self.raw.transfer_by_id.insert(id, self.raw.transfers.len());
        self.raw.transfers.push(raw);
    }

    /// A request's line items and, after each, its add-on items.
    fn items(&mut self, index: usize, file: &SourceFile, object: &jsonc_parser::ast::Object<'_>) -> Vec<ItemRaw> {
        let mut out = Vec::new();
        let list = json::first(object, self.map.raw.transfer.get(&T::Items));
        let Some(list) = list.and_then(|v| json::items(v, &self.map.raw.list_items)) else {
            return out;
        };
        for value in list {
            self.item(index, file, value, &mut out, true);
        }
        out
    }

    fn item(&mut self, index: usize, file: &SourceFile, value: &Value<'_>, out: &mut Vec<ItemRaw>, addons: bool) {
        let Some(object) = value.as_object() else {
            return self.errors.push(not_object(file, value, "a transfer line item"));
        };
        let paths = &self.map.raw.item;
        let rec = Rec::from_json(object, paths);
        let subscription = match (rec.get(I::Subscription), required(file, &rec, I::Subscription, "a transfer line item", paths.get(&I::Subscription))) {
            (Some(cell), Ok(id)) => (id.to_lowercase(), cell.span),
            (_, Err(e)) => return self.errors.push(e),
            (None, Ok(_)) => return,
        };
        let quantity = rec.get(I::Quantity).and_then(|c| count(file, c, "quantity").map_err(|e| self.errors.push(e)).ok());
        out.push(ItemRaw {
            subscription: subscription.0,
            quantity,
            loc: Loc { file: index, span: subscription.1 },
        });
        if !addons {
            return;
        }
        let nested = json::first(object, paths.get(&I::Addons)).and_then(|v| json::items(v, &self.map.raw.list_items));
        for addon in nested.unwrap_or(&[]) {
            self.item(index, file, addon, out, false);
        }
    }

    fn agreements(&mut self, index: usize, customer: usize) {
        self.with_json(index, |r, file, value| match json::list_of(file, value, &r.map.raw.list_items) {
            Ok(items) => {
                for item in items {
                    let Some(o) = item.as_object() else {
                        r.errors.push(not_object(file, item, "an agreement"));
                        continue;
                    };
                    let rec = Rec::from_json(o, &r.map.raw.agreement);
                    let Some(cell) = rec.get(A::Type) else {
                        let _ = required(file, &rec, A::Type, "an agreement", r.map.raw.agreement.get(&A::Type)).map_err(|e| r.errors.push(e));
                        continue;
                    };
                    let kind = mapped(r.map.agreement_types.get(&cell.text), file, cell, "agreement type", "agreement_types", &mut r.errors);
                    if kind.as_deref() != Some("mca") {
                        continue;
                    }
                    let day = rec.get(A::Date).and_then(|c| date(file, c, &mut r.errors));
                    if let Some(c) = r.raw.customers.get_mut(customer) {
                        c.has_mca = true;
                        c.mca_date = c.mca_date.take().max(day);
                    }
                }
            }
            Err(e) => r.errors.push(e),
        });
    }
}

/// The two-part `product:sku` of a three-part offer id (the key the offer
/// table should hold), or the id itself.
fn offer_key(offer_id: &str) -> String {
    let parts: Vec<&str> = offer_id.trim().split(':').collect();
    match parts.as_slice() {
        [product, sku, _] => format!("{product}:{sku}"),
        _ => offer_id.trim().to_string(),
    }
}

/// A mapped spelling, or an error at the value naming the table to add it to.
fn mapped(
    value: Option<&str>,
    file: &SourceFile,
    cell: &Cell,
    what: &str,
    table: &str,
    errors: &mut Vec<ImportError>,
) -> Option<String> {
    if let Some(v) = value {
        return Some(v.to_string());
    }
    errors.push(at(
        ImportCode::Unmapped,
        file,
        cell.span,
        format!("{what} `{}` is not in the mapping", cell.text),
        format!("unknown {what}"),
        Some(format!("add `{}: <value>` under `{table}:` in the mapping (`--map FILE`)", cell.text.trim())),
    ));
    None
}

/// The `YYYY-MM-DD` of an ISO-8601 date-time, or an error at the value.
fn date(file: &SourceFile, cell: &Cell, errors: &mut Vec<ImportError>) -> Option<String> {
    let day = cell.text.trim().get(..10).unwrap_or("");
    if crate::date::parse_date(day).is_some() {
        return Some(day.to_string());
    }
    errors.push(at(
        ImportCode::WrongType,
        file,
        cell.span,
        format!("`{}` is not an ISO-8601 date", cell.text),
        "expected a date such as `2026-11-20T10:00:00Z`",
        None,
    ));
    None
}

fn not_object(file: &SourceFile, value: &Value<'_>, what: &str) -> ImportError {
    at(
        ImportCode::WrongType,
        file,
        json::range(value),
        format!("{what} is not a JSON object"),
        "expected an object",
        None,
    )
}

fn no_customer(dir: &ExportDir, folder: &str, name: &str, list: &str) -> ImportError {
    let path = dir.name(&format!("{folder}/{name}"));
    file_error(
        ImportCode::UnknownReference,
        &path,
        format!("customer folder `{path}` names no customer of `{}`", dir.name(list)),
        Some(format!("save the customer list again (it lacks `{name}`), or remove the folder")),
    )
}
