//! Plans the transfer requests of a book, one per moving customer.
//!
//! A clean request moves 1 to 10 active, transferable base subscriptions of its
//! customer together with their active add-ons, from the customer's direct-bill
//! partner to that partner's provider, with the current quantities.

use super::faults::Faults;
use super::model::{Book, Transfer};
use super::plan::Planner;
use super::rng::Rng;

/// Faults planted on open transfer requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TransferFault {
    Untransferable,
    AddonWithoutBase,
    AddonNotListed,
    Overlap,
    OtherCustomer,
    Inactive,
    NotOwner,
    Quantity,
    UnpartneredProvider,
}

const TRANSFER_FAULTS: &[TransferFault] = &[
    TransferFault::Untransferable,
    TransferFault::AddonWithoutBase,
    TransferFault::AddonNotListed,
    TransferFault::Overlap,
    TransferFault::OtherCustomer,
    TransferFault::Inactive,
    TransferFault::NotOwner,
    TransferFault::Quantity,
    TransferFault::UnpartneredProvider,
];

const MAX_ITEMS: usize = 10;

impl Planner<'_> {
    /// Plans the requests of every moving customer.
    pub(super) fn transfers(&mut self) {
        let open = self
            .transfer_status
            .iter()
            .filter(|s| matches!(s, Some("active" | "in_progress")))
            .count();
        let mut faults = Faults::new(TRANSFER_FAULTS, 0.25, open);
        for c in 0..self.book.customers.len() {
            let Some(status) = self.transfer_status[c] else {
                continue;
            };
            let Some(transfer) = clean_transfer(&self.book, self.rng, c, status) else {
                continue;
            };
            self.book.transfers.push(transfer);
            if !self.book.transfers[self.book.transfers.len() - 1].is_open() {
                continue;
            }
            let t = self.book.transfers.len() - 1;
            let (providers, direct) = (&self.providers, &self.direct);
            faults.plant(self.rng, |fault, rng| {
                apply_transfer_fault(&mut self.book, providers, direct, t, fault, rng)
            });
        }
    }
}

/// Whether a subscription can move in a clean request.
fn movable(book: &Book, s: usize) -> bool {
    let sub = &book.subscriptions[s];
    sub.status == "active" && matches!(sub.offer, "o365" | "azure_payg")
}

/// The active add-ons of a base, within its customer's range.
fn active_addons(book: &Book, base: usize) -> Vec<usize> {
    let range = book.customers[book.subscriptions[base].customer]
        .subs
        .clone();
    range
        .filter(|&s| {
            let sub = &book.subscriptions[s];
            sub.base == Some(base) && sub.status == "active"
        })
        .collect()
}

fn clean_transfer(book: &Book, rng: &mut Rng, c: usize, status: &'static str) -> Option<Transfer> {
    let customer = &book.customers[c];
    let mut bases: Vec<usize> = customer
        .subs
        .clone()
        .filter(|&s| book.subscriptions[s].base.is_none() && movable(book, s))
        .collect();
    if bases.is_empty() {
        return None;
    }
    let wanted = rng.range(1, bases.len().min(MAX_ITEMS));
    // A partial Fisher–Yates shuffle: the first `wanted` bases, in random order.
    for i in 0..wanted {
        let j = i + rng.below(bases.len() - i);
        bases.swap(i, j);
    }
    let mut items: Vec<(usize, Option<u32>)> = Vec::new();
    for &base in bases.iter().take(wanted) {
        let mut group = vec![base];
        group.extend(active_addons(book, base));
        if !items.is_empty() && items.len() + group.len() > MAX_ITEMS {
            continue;
        }
        for s in group {
            let recorded = rng.chance(0.5).then_some(book.subscriptions[s].quantity);
            items.push((s, recorded));
        }
    }
    items.sort_unstable_by_key(|&(s, _)| s);
    let owner = customer.owner;
    Some(Transfer {
        from: owner,
        to: book.partners[owner].provider,
        customer: c,
        status,
        created: book.as_of - 1 - rng.below(60) as i32,
        items,
    })
}

fn apply_transfer_fault(
    book: &mut Book,
    providers: &[usize],
    direct: &[usize],
    t: usize,
    fault: TransferFault,
    rng: &mut Rng,
) -> bool {
    let transfer = &book.transfers[t];
    let (c, from) = (transfer.customer, transfer.from);
    let listed = |s: usize| transfer.items.iter().any(|&(i, _)| i == s);
    let subs = book.customers[c].subs.clone();
    match fault {
        TransferFault::Untransferable => {
            let Some(s) = subs.clone().find(|&s| {
                !listed(s)
                    && book.subscriptions[s].base.is_none()
                    && !matches!(book.subscriptions[s].offer, "o365" | "azure_payg")
            }) else {
                return false;
            };
            book.transfers[t].items.push((s, None));
        }
        TransferFault::AddonWithoutBase => {
            let Some(s) = subs.clone().find(|&s| {
                let sub = &book.subscriptions[s];
                !listed(s) && sub.status == "active" && sub.base.is_some_and(|b| !listed(b))
            }) else {
                return false;
            };
            book.transfers[t].items.push((s, None));
        }
        TransferFault::AddonNotListed => {
            let items = &book.transfers[t].items;
            let Some(k) = items
                .iter()
                .position(|&(s, _)| book.subscriptions[s].base.is_some_and(&listed))
            else {
                return false;
            };
            book.transfers[t].items.remove(k);
        }
        TransferFault::Overlap => {
            let k = rng.below(transfer.items.len());
            let item = transfer.items[k];
            book.transfers[t].items.insert(k + 1, item);
        }
        TransferFault::OtherCustomer => {
            let Some(other) = c.checked_sub(1) else {
                return false;
            };
            let Some(first) = book.customers[other].subs.clone().next() else {
                return false;
            };
            book.transfers[t].items.push((first, None));
        }
        TransferFault::Inactive => {
            let (s, _) = transfer.items[rng.below(transfer.items.len())];
            book.subscriptions[s].status = "suspended";
        }
        TransferFault::NotOwner => {
            let Some(&other) = direct.iter().find(|&&p| p != from) else {
                return false;
            };
            let (s, _) = transfer.items[rng.below(transfer.items.len())];
            book.subscriptions[s].partner = other;
        }
        TransferFault::Quantity => {
            let k = rng.below(transfer.items.len());
            let s = transfer.items[k].0;
            let stale = book.subscriptions[s].quantity + 1 + rng.below(20) as u32;
            book.transfers[t].items[k].1 = Some(stale);
        }
        TransferFault::UnpartneredProvider => {
            let to = transfer.to;
            let Some(&q) = providers.iter().find(|&&q| q != to) else {
                return false;
            };
            book.transfers[t].to = q;
        }
    }
    true
}
