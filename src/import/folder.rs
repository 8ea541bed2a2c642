//! One customer folder of an export (`subscriptions.json` or the portal CSV,
//! `transfers.json`, `agreements.json`), read and parsed on its own so that
//! folders can be handled on every core; [`super::export`] adds the results
//! in folder order.

use jsonc_parser::ast::{Object, Value};

use std::sync::Arc;

use super::csv_file;
use super::error::{at, ImportCode, ImportError};
use super::files::Released;
use super::fragment::{SharedTexts, Text};
use super::json;
use super::json_fast;
use super::json_fast::records::FieldTree;
use super::map::{
    AgreementField as A, ItemField as I, Map, OfferFacts, OfferMemo, Paths, SubscriptionField as S,
    TransferField as T,
};
use super::model::{id_hash, ItemRaw, Loc, SubscriptionRaw, TransferRaw};
use super::read::ExportDir;
use super::record::{count, required, Cell, Rec};
use super::values::{date, mapped, not_object, offer_key};
use crate::source::SourceFile;
use std::collections::HashMap;

/// What each core keeps while it parses customer folders: the offer rows
/// matched, and one copy of each name and offer id many subscriptions repeat
/// (offers and statuses are the mapping's shared texts).
#[derive(Debug, Default)]
pub(crate) struct Memo {
    offers: OfferMemo,
    texts: SharedTexts,
}

/// What one file of a customer folder held. Indexes of customers, partners and
/// files are filled in when the results are added.
#[derive(Debug)]
pub(crate) enum Content {
    /// Subscriptions.
    Subscriptions(Vec<SubscriptionRaw>),
    /// Transfer requests.
    Transfers(Vec<TransferRaw>),
    /// An MCA acceptance (with its date, if given), or none.
    Mca(Option<Option<String>>),
}

/// A parsed customer folder: its files with their contents, and the problems.
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    /// The files read, each with what it held; let go once parsed.
    pub files: Vec<(Released, Content)>,
    /// Every problem found.
    pub errors: Vec<ImportError>,
}

/// Reads and parses the customer folder `rel` of `dir`. Each file is let go
/// once parsed (see [`super::files`]): what it held is in its records, each
/// error made meanwhile shares its text.
pub(crate) fn parse_folder(dir: &Arc<ExportDir>, map: &Map, memo: &mut Memo, rel: &str) -> Parsed {
    // At most its three files (a list grown from empty makes room for four).
    let mut out = Parsed {
        files: Vec::with_capacity(3),
        errors: Vec::new(),
    };
    let f = &map.raw.files;
    let read = |name: &str, out: &mut Parsed| {
        let path = format!("{rel}/{name}");
        match dir.read(&path) {
            Ok(file) => file,
            Err(e) => {
                out.errors.push(e);
                None
            }
        }
    };
    let release = |file: SourceFile| Released::new(dir, file);
    if let Some(file) = read(&f.subscriptions, &mut out) {
        let fields = (&map.subscription_fields, &map.raw.subscription);
        let subs = with_records(&file, map, fields, &mut out.errors, |rec, errors| {
            subscription(map, memo, &file, rec, errors)
        });
        out.files
            .push((release(file), Content::Subscriptions(subs)));
    } else if let Some(file) = read(&f.subscriptions_csv, &mut out) {
        let subs = match csv_file::records(
            &file,
            &map.raw.subscriptions_csv,
            &[S::Id, S::Name, S::Status],
        ) {
            Ok(recs) => recs
                .iter()
                .filter_map(|r| subscription(map, memo, &file, r, &mut out.errors))
                .collect(),
            Err(e) => {
                out.errors.extend(e);
                Vec::new()
            }
        };
        out.files
            .push((release(file), Content::Subscriptions(subs)));
    }
    if let Some(file) = read(&f.transfers, &mut out) {
        let transfers = with_list(&file, map, &mut out.errors, |o, errors| {
            transfer(map, &file, o, errors)
        });
        out.files
            .push((release(file), Content::Transfers(transfers)));
    }
    if let Some(file) = read(&f.agreements, &mut out) {
        let fields = (&map.agreement_fields, &map.raw.agreement);
        let mca = with_records(&file, map, fields, &mut out.errors, |rec, errors| {
            agreement(map, &file, rec, errors)
        });
        let latest = mca.into_iter().max();
        out.files.push((release(file), Content::Mca(latest)));
    }
    out
}

/// Calls `each` on the record of every object of a list file, keeping what
/// it returns: records read straight from the text ([`json_fast::records`])
/// where they can be, else read through the syntax tree, with its errors.
fn with_records<F: Copy + Eq + std::hash::Hash, R>(
    file: &SourceFile,
    map: &Map,
    (tree, paths): (&FieldTree<F>, &HashMap<F, Paths>),
    errors: &mut Vec<ImportError>,
    mut each: impl FnMut(&Rec<'_, F>, &mut Vec<ImportError>) -> Option<R>,
) -> Vec<R> {
    match json_fast::records::records(&file.text, &map.raw.list_items, tree) {
        Some(recs) => {
            // Room for all of them: kept until the import ends, a list grown
            // by doubling holds up to twice the room it uses.
            let mut out = Vec::with_capacity(recs.len());
            out.extend(recs.iter().filter_map(|r| each(r, errors)));
            out
        }
        None => with_list(file, map, errors, |o, errors| {
            each(&Rec::from_json(o, paths), errors)
        }),
    }
}

/// Calls `each` on every object of a list file, keeping what it returns.
fn with_list<R>(
    file: &SourceFile,
    map: &Map,
    errors: &mut Vec<ImportError>,
    mut each: impl FnMut(&Object<'_>, &mut Vec<ImportError>) -> Option<R>,
) -> Vec<R> {
    let value = match json::parse(file) {
        Ok(v) => v,
        Err(e) => {
            errors.push(e);
            return Vec::new();
        }
    };
    let items = match json::list_of(file, &value, &map.raw.list_items) {
        Ok(items) => items,
        Err(e) => {
            errors.push(e);
            return Vec::new();
        }
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        match item.as_object() {
            Some(o) => out.extend(each(o, errors)),
            None => errors.push(not_object(file, item, "an entry")),
        }
    }
    out
}

/// `id` in lower case, as a shared text: copied once when it is already
/// (Partner Center writes its ids in lower case), not lowered first.
fn lower_case(id: &str) -> Text {
    if id.is_ascii() && !id.bytes().any(|b| b.is_ascii_uppercase()) {
        Text::from(id)
    } else {
        Text::from(id.to_lowercase())
    }
}

fn subscription(
    map: &Map,
    memo: &mut Memo,
    file: &SourceFile,
    rec: &Rec<S>,
    errors: &mut Vec<ImportError>,
) -> Option<SubscriptionRaw> {
    let id = match required(
        file,
        rec,
        S::Id,
        "a subscription",
        map.raw.subscription.get(&S::Id),
    ) {
        Ok(id) => lower_case(id),
        Err(e) => {
            errors.push(e);
            return None;
        }
    };
    let offer = offer(map, &mut memo.offers, file, rec, errors).cloned();
    let status = match rec.get(S::Status) {
        None => Some(memo.texts.text("active")),
        Some(cell) => mapped(
            map.subscription_status.shared(&cell.text),
            file,
            cell,
            "subscription status",
            "subscription_status",
            errors,
        )
        .cloned(),
    };
    let quantity = rec
        .get(S::Quantity)
        .filter(|c| !c.text.trim().is_empty())
        .and_then(|c| count(file, c, "quantity").map_err(|e| errors.push(e)).ok());
    let loc = |c: &Cell| Loc {
        file: 0,
        span: c.span,
    };
    let reference = |field| {
        rec.get(field)
            .filter(|c| !c.text.trim().is_empty())
            .map(|c| (c.text.trim().to_lowercase(), loc(c)))
    };
    Some(SubscriptionRaw {
        id_hash: id_hash(&id),
        pc_id: id,
        name: rec.text(S::Name).map(|n| memo.texts.text(n)),
        customer: 0,
        partner: 0,
        offer: offer?,
        offer_id: rec.text(S::OfferId).map(|o| memo.texts.text(o)),
        quantity,
        status: status?,
        base: reference(S::Base).map(Box::new),
        reseller: reference(S::Reseller).map(Box::new),
        loc: Loc {
            file: 0,
            span: rec.span,
        },
    })
}

/// The scenario offer of a subscription through the offer table.
fn offer<'m>(
    map: &'m Map,
    memo: &mut OfferMemo,
    file: &SourceFile,
    rec: &Rec<S>,
    errors: &mut Vec<ImportError>,
) -> Option<&'m Text> {
    let facts = OfferFacts {
        offer_id: rec.text(S::OfferId),
        name: rec.text(S::Name),
        product_type: rec.text(S::ProductType),
        product_subtype: rec.text(S::ProductSubtype),
        billing_type: rec.text(S::BillingType),
        microsoft_product: rec
            .get(S::MicrosoftProduct)
            .filter(|c| c.is_bool)
            .map(|c| c.text == "true"),
    };
    if let Some(offer) = memo.offer(map, &facts) {
        return Some(offer);
    }
    let (cell, key, value) = match (rec.get(S::OfferId), rec.get(S::Name)) {
        (Some(c), _) => (c, "offer_id", offer_key(&c.text)),
        (None, Some(c)) => (c, "name", c.text.trim().to_string()),
        (None, None) => {
            errors.push(at(
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
    errors.push(at(
        ImportCode::Unmapped,
        file,
        cell.span,
        format!("offer `{}` is not in the mapping's offer table", cell.text.trim()),
        "unknown offer",
        Some(format!("add `- {{{key}: \"{value}\", offer: <o365|azure_payg|…>}}` to the offer table (`offers:`) in the mapping (`--map FILE`)")),
    ));
    None
}

fn transfer(
    map: &Map,
    file: &SourceFile,
    object: &Object<'_>,
    errors: &mut Vec<ImportError>,
) -> Option<TransferRaw> {
    let paths = &map.raw.transfer;
    let rec = Rec::from_json(object, paths);
    let need = |field, errors: &mut Vec<ImportError>| match required(
        file,
        &rec,
        field,
        "a transfer request",
        paths.get(&field),
    ) {
        Ok(v) => Some(v.to_lowercase()),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let id = need(T::Id, errors);
    let from = need(T::SourceTenantId, errors);
    let to = need(T::TargetTenantId, errors);
    let status = match rec.get(T::Status) {
        Some(c) => mapped(
            map.transfer_status.get(&c.text),
            file,
            c,
            "transfer status",
            "transfer_status",
            errors,
        )
        .map(str::to_string),
        None => need(T::Status, errors),
    };
    let created = rec.get(T::Created).and_then(|c| date(file, c, errors));
    let mut items = Vec::new();
    let list =
        json::first(object, paths.get(&T::Items)).and_then(|v| json::items(v, &map.raw.list_items));
    for value in list.unwrap_or(&[]) {
        item(map, file, value, &mut items, true, errors);
    }
    Some(TransferRaw {
        pc_id: id?,
        status: status?,
        created,
        customer: 0,
        from: (from?, rec.text(T::SourceName).map(str::to_string)),
        to: (to?, rec.text(T::TargetName).map(str::to_string)),
        items,
        loc: Loc {
            file: 0,
            span: rec.span,
        },
    })
}

/// A line item and, after it, its add-on items.
fn item(
    map: &Map,
    file: &SourceFile,
    value: &Value<'_>,
    out: &mut Vec<ItemRaw>,
    addons: bool,
    errors: &mut Vec<ImportError>,
) {
    let Some(object) = value.as_object() else {
        return errors.push(not_object(file, value, "a transfer line item"));
    };
    let paths = &map.raw.item;
    let rec = Rec::from_json(object, paths);
    let subscription = match (
        rec.get(I::Subscription),
        required(
            file,
            &rec,
            I::Subscription,
            "a transfer line item",
            paths.get(&I::Subscription),
        ),
    ) {
        (Some(cell), Ok(id)) => (id.to_lowercase(), cell.span),
        (_, Err(e)) => return errors.push(e),
        (None, Ok(_)) => return,
    };
    let quantity = rec
        .get(I::Quantity)
        .and_then(|c| count(file, c, "quantity").map_err(|e| errors.push(e)).ok());
    out.push(ItemRaw {
        subscription: subscription.0,
        quantity,
        loc: Loc {
            file: 0,
            span: subscription.1,
        },
    });
    if !addons {
        return;
    }
    let nested = json::first(object, paths.get(&I::Addons))
        .and_then(|v| json::items(v, &map.raw.list_items));
    for addon in nested.unwrap_or(&[]) {
        item(map, file, addon, out, false, errors);
    }
}

/// An agreement: `Some(date)` for an MCA acceptance, `None` for others.
fn agreement(
    map: &Map,
    file: &SourceFile,
    rec: &Rec<'_, A>,
    errors: &mut Vec<ImportError>,
) -> Option<Option<String>> {
    let Some(cell) = rec.get(A::Type) else {
        let _ = required(
            file,
            rec,
            A::Type,
            "an agreement",
            map.raw.agreement.get(&A::Type),
        )
        .map_err(|e| errors.push(e));
        return None;
    };
    let kind = mapped(
        map.agreement_types.get(&cell.text),
        file,
        cell,
        "agreement type",
        "agreement_types",
        errors,
    );
    if kind != Some("mca") {
        return None;
    }
    Some(rec.get(A::Date).and_then(|c| date(file, c, errors)))
}

#[cfg(test)]
mod tests {
    use super::lower_case;

    #[test]
    fn ids_are_lowered_whatever_their_case() {
        for (id, lower) in [
            (
                "5ab5c0de-0001-4001-8001-000000000001",
                "5ab5c0de-0001-4001-8001-000000000001",
            ),
            (
                "5AB5C0DE-0001-4001-8001-00000000000A",
                "5ab5c0de-0001-4001-8001-00000000000a",
            ),
            ("ÄBC-Id", "äbc-id"),
        ] {
            assert_eq!(&*lower_case(id), lower);
        }
    }
}
