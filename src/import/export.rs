//! Reading one partner's export folder into [`Raw`], every unknown value an
//! error at its place (all of them, not only the first).

use jsonc_parser::ast::Value;

use super::csv_file;
use super::error::{at, file_error, ImportCode, ImportError};
use super::folder::{parse_folder, Content, Memo, Parsed};
use super::json;
use super::json_fast::records::records;
use super::map::{CustomerField as C, Map, OrgField as O};
use super::model::{CustomerRaw, Loc, Raw, SubscriptionRaw};
use super::read::ExportDir;
use super::record::{required, Cell, Rec};
use super::values::not_object;
use crate::source::SourceFile;
use rayon::prelude::*;
use std::sync::Arc;

/// Reads an export into `raw`, pushing every problem to `errors`.
pub(crate) struct Reader<'m> {
    /// The mapping.
    pub map: &'m Map,
    /// What has been read so far (from earlier exports too).
    pub raw: Raw,
    /// Every problem found.
    pub errors: Vec<ImportError>,
}

impl<'m> Reader<'m> {
    /// A reader with nothing read yet.
    pub(crate) fn new(map: &'m Map) -> Self {
        Reader {
            map,
            raw: Raw::default(),
            errors: Vec::new(),
        }
    }

    /// Reads an export's own files (its organization profile and customer
    /// list) and finds its customer folders; what they hold is parsed
    /// separately ([`parse_folders`]) and added by [`Reader::add_folders`].
    /// `None` when the export names no partner (the error says why).
    pub(crate) fn prepare(&mut self, dir: &Arc<ExportDir>) -> Option<Prepared> {
        let files = &self.map.raw.files;
        let own_files = self.raw.files.len();
        let partner = self.organization(dir, &files.organization.clone());
        let customers = partner.map(|partner| self.customers(dir, partner));
        // Parsed: let go, as a customer folder's files are (a 100k book's
        // customer lists are 14 MB).
        self.raw.let_go_from(own_files, dir);
        let (partner, customers) = (partner?, customers?);
        let folder = files.customer_folder.clone();
        let names = match dir.folders(&folder) {
            Ok(names) => names,
            Err(e) => {
                self.errors.push(e);
                return None;
            }
        };
        let listed: std::collections::HashSet<usize> = customers.iter().copied().collect();
        let mut found = Vec::with_capacity(names.len());
        for name in names {
            let tenant = name.to_lowercase();
            let customer = self
                .raw
                .customer_by_tenant
                .get(&tenant)
                .filter(|c| listed.contains(c));
            match customer {
                Some(&customer) => found.push((format!("{folder}/{name}"), customer)),
                None => self.errors.push(no_customer(
                    dir,
                    &folder,
                    &name,
                    &self.map.raw.files.customers,
                )),
            }
        }
        Some(Prepared { partner, found })
    }

    /// Makes room for the subscriptions of these parsed folders, so that adding them does
    /// not grow (and copy) the list and its index again and again.
    pub(crate) fn reserve(&mut self, parsed: &[Vec<Parsed>]) {
        let count: usize = parsed
            .iter()
            .flatten()
            .flat_map(|p| &p.files)
            .map(|(_, content)| match content {
                Content::Subscriptions(subs) => subs.len(),
                _ => 0,
            })
            .sum();
        self.raw.subscriptions.reserve(count);
        let raw = &mut self.raw;
        raw.subscription_by_id.reserve(count, &raw.subscriptions);
    }

    /// Adds the parsed customer folders of a prepared export, in folder
    /// order, so the outcome does not depend on the threads that parsed them.
    pub(crate) fn add_folders(&mut self, prepared: &Prepared, parsed: Vec<Parsed>) {
        for (p, (_, customer)) in parsed.into_iter().zip(&prepared.found) {
            self.add_folder(p, *customer, prepared.partner);
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
                Some(
                    "save `GET /v1/profiles/organization` there: it says whose export this is"
                        .into(),
                ),
            ));
            return None;
        };
        let mut found = None;
        self.with_json(index, |r, file, value| {
            let Some(object) = value.as_object() else {
                r.errors
                    .push(not_object(file, value, "the organization profile"));
                return;
            };
            let rec = Rec::from_json(object, &r.map.raw.organization);
            let paths = r.map.raw.organization.get(&O::TenantId);
            let tenant = match required(file, &rec, O::TenantId, "the organization profile", paths)
            {
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
                    format!(
                        "country `{}` is not in the mapping's region table",
                        cell.text
                    ),
                    "unknown country",
                    Some(format!(
                        "add `{code}: <region>` under `regions:` in the mapping (`--map FILE`)"
                    )),
                ));
                None
            }
        }
    }

    /// The export's customers, from `customers.json` or the portal CSV.
    fn customers(&mut self, dir: &ExportDir, partner: usize) -> Vec<usize> {
        let files = self.map.raw.files.clone();
        let recs: Vec<(usize, Rec<C>)> = if let Some(index) = self.read(dir, &files.customers) {
            let file = self.raw.file(index).clone();
            let fields = &self.map.customer_fields;
            if let Some(recs) = records(&file.text, &self.map.raw.list_items, fields) {
                return recs
                    .iter()
                    .filter_map(|rec| self.customer(index, rec, partner))
                    .collect();
            }
            let mut recs = Vec::new();
            self.with_json(index, |r, file, value| {
                match json::list_of(file, value, &r.map.raw.list_items) {
                    Ok(items) => {
                        for item in items {
                            match item.as_object() {
                                Some(o) => recs.push((
                                    index,
                                    Rec::from_json(o, &r.map.raw.customer).into_owned(),
                                )),
                                None => r.errors.push(not_object(file, item, "a customer")),
                            }
                        }
                    }
                    Err(e) => r.errors.push(e),
                }
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
                format!(
                    "the export has neither `{}` nor `{}`",
                    dir.name(&files.customers),
                    dir.name(&files.customers_csv)
                ),
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
        let id = match required(
            &file,
            rec,
            C::Id,
            "a customer",
            self.map.raw.customer.get(&C::Id),
        ) {
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
                self.raw
                    .customer_by_tenant
                    .insert(id, self.raw.customers.len() - 1);
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

    /// Adds what a customer folder held (parsed on any thread, see
    /// [`super::folder`]) for `customer`, billed by `partner`.
    fn add_folder(&mut self, parsed: Parsed, customer: usize, partner: usize) {
        self.errors.extend(parsed.errors);
        for (file, content) in parsed.files {
            let index = self.raw.add_released(file);
            match content {
                Content::Subscriptions(subs) => {
                    for mut s in subs {
                        s.customer = customer;
                        s.partner = partner;
                        s.set_file(index);
                        self.add_subscription(s);
                    }
                }
                Content::Transfers(transfers) => {
                    for mut t in transfers {
                        t.customer = customer;
                        t.set_file(index);
                        if !self.raw.transfer_by_id.contains_key(&t.pc_id) {
                            // Both partners' exports list the same request: keep the first.
                            self.raw
                                .transfer_by_id
                                .insert(t.pc_id.clone(), self.raw.transfers.len());
                            self.raw.transfers.push(t);
                        }
                    }
                }
                Content::Mca(Some(day)) => self.mca(customer, day),
                Content::Mca(None) => {}
            }
        }
    }

    fn mca(&mut self, customer: usize, day: Option<String>) {
        if let Some(c) = self.raw.customers.get_mut(customer) {
            c.has_mca = true;
            c.mca_date = c.mca_date.take().max(day);
        }
    }

    fn add_subscription(&mut self, s: SubscriptionRaw) {
        let Err((s, first)) = self.raw.add_subscription(s) else {
            return;
        };
        let earlier = self
            .raw
            .subscriptions
            .get(first)
            .map(|f| self.raw.name(f.loc.file));
        let error = self.raw.error_at(
            ImportCode::Duplicate,
            Loc {
                file: s.loc.file,
                span: (s.loc.span.0, s.loc.span.0 + 1),
            },
            format!("subscription `{}` is listed twice", s.pc_id),
            "second listing",
            Some(format!(
                "it is also in `{}`; keep one export's copy",
                earlier.unwrap_or_default()
            )),
        );
        self.errors.push(error);
    }
}

/// An export whose customer folders are yet to be read.
#[derive(Debug)]
pub(crate) struct Prepared {
    /// The exporting partner.
    partner: usize,
    /// Its customer folders (paths inside the export) and their customers.
    found: Vec<(String, usize)>,
}

/// Reads and parses the customer folders of a prepared export, in its order.
///
/// Reading and parsing the folders is most of an import's work, and each
/// folder stands alone: they are parsed on every core, while the next
/// exports' own files are read (see `import::read_exports`).
pub(crate) fn parse_folders(
    map: &Map,
    dir: &std::sync::Arc<ExportDir>,
    prepared: &Prepared,
) -> Vec<Parsed> {
    prepared
        .found
        .par_iter()
        .map_init(Memo::default, |memo, (rel, _)| {
            parse_folder(dir, map, memo, rel)
        })
        .collect()
}

fn no_customer(dir: &ExportDir, folder: &str, name: &str, list: &str) -> ImportError {
    let path = dir.name(&format!("{folder}/{name}"));
    file_error(
        ImportCode::UnknownReference,
        &path,
        format!(
            "customer folder `{path}` names no customer of `{}`",
            dir.name(list)
        ),
        Some(format!(
            "save the customer list again (it lacks `{name}`), or remove the folder"
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::files::ReadFile;

    /// An export's own files (its profile and customer list) are let go once
    /// parsed, as its customer folders' files are, and read again, as they
    /// were, for a diagnostic found later.
    #[test]
    fn an_exports_own_files_are_let_go_once_parsed_and_read_again_on_demand() {
        let root =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/import/wide-world");
        let map = Map::default_map().unwrap();
        let mut reader = Reader::new(&map);
        let dir = Arc::new(ExportDir::open(&root, 1 << 20).unwrap());
        let prepared = reader.prepare(&dir).expect("the export names its partner");
        assert!(!prepared.found.is_empty());
        assert!(reader.errors.is_empty(), "{:?}", reader.errors);
        assert_eq!(reader.raw.files.len(), 2);
        for file in &reader.raw.files {
            assert!(matches!(file, ReadFile::Released(_)), "{file:?}");
            let again = file.text().expect("unchanged, so read again");
            let rel = dir.rel_of(&again.name).unwrap();
            let on_disk = std::fs::read_to_string(root.join(rel)).unwrap();
            assert_eq!(&*again.text, on_disk.as_str());
        }
    }
}
