//! The subscriptions' and transfers' ids handed out customer by customer, on
//! every core.
//!
//! Each of their ids begins with its customer's id and a `-`
//! (`adatum-microsoft-365-e3`, `adatum-transfer-2026-11-11`). Handed out in
//! one sorted pass through one set of every id, 100k subscriptions took
//! 22–38 ms of sorting texts on both cores and 25–44 ms of the hand-out on
//! one (BENCHMARKS.md, "Stop 33"). But two customers' ids can meet only where
//! one customer's id begins with the other's and a `-` (`adatum` and
//! `adatum-2`: `adatum-2-x` may be either's). Such customers are one
//! *family*; apart from the partners' and customers' ids (handed out
//! before, and only read here), a family's ids can meet none but its own.
//! So each family's keys are sorted and handed out on their own, with a
//! set of their own, in the order the single pass would take them (its
//! subscriptions, then its transfers), and the ids come out the same.
//!
//! That rests on customer ids being made of `-` and bytes above it, as
//! slugs are (then the ids that begin with `adatum-` are the ones right
//! after `adatum` in order, and a family is a run of them): where one is
//! not, or a key has no customer, nothing is handed out here and the
//! caller takes the single pass. The families' ids are checked to sort in
//! the families' order too, as the entities are written in the order of
//! their ids.

use rayon::prelude::*;

use super::build::Assigned;
use super::fragment::Text;
use super::ids::Ids;

/// A key: its id's base (its customer's id, `-`, the rest), its Partner
/// Center id and its index in its kind's list.
pub(crate) type Key<'r> = (Text, &'r str, usize);

/// A key with its customer's family.
pub(crate) type Keyed<'r> = (u32, Key<'r>);

/// One family's subscriptions' and transfers' keys.
type Run<'k, 'r> = (&'k mut [Keyed<'r>], &'k mut [Keyed<'r>]);

/// Each customer's family, by customer index (customers in the order of
/// their ids, `in_order`, are one family while their ids begin with the
/// first one's id and a `-`); `None` when an id has a byte below `-`.
pub(crate) fn families(ids: &[Text], in_order: &[usize]) -> Option<Vec<u32>> {
    if ids.iter().any(|id| id.bytes().any(|b| b < b'-')) {
        return None;
    }
    let mut family = vec![u32::MAX; ids.len()];
    let mut root: Option<&str> = None;
    let mut number = 0u32;
    for &customer in in_order {
        let id = ids.get(customer)?;
        let joins = root.is_some_and(|root| {
            id.strip_prefix(root)
                .is_some_and(|rest| rest.starts_with('-'))
        });
        if !joins {
            if root.is_some() {
                number += 1;
            }
            root = Some(id);
        }
        *family.get_mut(customer)? = number;
    }
    Some(family)
}

/// The ids of the subscriptions' and the transfers' keys, each key with its
/// customer's family; `None` when a key has no family or the ids do not
/// sort family after family (see the module's comment). `outside` holds the
/// ids handed out before, which these do not take.
pub(crate) fn hand_out(
    subscriptions: Vec<Keyed<'_>>,
    transfers: Vec<Keyed<'_>>,
    outside: &Ids,
) -> Option<(Assigned, Assigned)> {
    let (subscription_count, transfer_count) = (subscriptions.len(), transfers.len());
    let (subscriptions, transfers) = rayon::join(
        || sorted_by_family(subscriptions),
        || sorted_by_family(transfers),
    );
    let (mut subscriptions, mut transfers) = (subscriptions?, transfers?);
    // Each key's text is moved into its id (most ids are their key), with
    // an empty text of the thread's own left in its place: a clone, and a
    // drop later, would each change a count in a text out of the cache.
    let (subscriptions, transfers): (Vec<_>, Vec<_>) = runs(&mut subscriptions, &mut transfers)
        .into_par_iter()
        .map_init(
            || (Ids::default(), Text::from("")),
            |(ids, empty), (subs, transfers)| {
                ids.clear();
                let subs = family_ids(subs, ids, outside, empty);
                (subs, family_ids(transfers, ids, outside, empty))
            },
        )
        .unzip();
    let subscriptions = assigned(subscription_count, subscriptions)?;
    let transfers = assigned(transfer_count, transfers)?;
    Some((subscriptions, transfers))
}

/// `keys` sorted by family, then by key; `None` if one has no family.
fn sorted_by_family(mut keys: Vec<Keyed<'_>>) -> Option<Vec<Keyed<'_>>> {
    if keys.iter().any(|(family, _)| *family == u32::MAX) {
        return None;
    }
    // The family decides most comparisons: a number, not two texts.
    keys.par_sort_unstable();
    Some(keys)
}

/// Each family's subscriptions' and transfers' keys, family after family.
fn runs<'k, 'r>(
    subscriptions: &'k mut [Keyed<'r>],
    transfers: &'k mut [Keyed<'r>],
) -> Vec<Run<'k, 'r>> {
    let (mut subs, mut trans) = (subscriptions, transfers);
    let mut out = Vec::new();
    loop {
        let family = match (subs.first(), trans.first()) {
            (Some(s), Some(t)) => s.0.min(t.0),
            (Some(s), None) => s.0,
            (None, Some(t)) => t.0,
            (None, None) => return out,
        };
        // A family has a few keys: found by going on, not by halving the
        // rest (each halving a cache miss).
        let end = |keys: &[Keyed<'r>]| keys.iter().position(|k| k.0 != family);
        let (s_end, t_end) = (end(subs), end(trans));
        let (s_run, s_rest) = subs.split_at_mut(s_end.unwrap_or(subs.len()));
        let (t_run, t_rest) = trans.split_at_mut(t_end.unwrap_or(trans.len()));
        out.push((s_run, t_run));
        (subs, trans) = (s_rest, t_rest);
    }
}

/// The ids of one family's keys (sorted), handed out in their order with
/// `ids` (the family's own, those it has taken so far), as (index, id) in
/// the order of the ids. Each key's text is taken, `empty` left instead.
fn family_ids(
    keys: &mut [Keyed<'_>],
    ids: &mut Ids,
    outside: &Ids,
    empty: &Text,
) -> Vec<(usize, Text)> {
    let mut out: Vec<(usize, Text)> = keys
        .iter_mut()
        .map(|(_, (base, _, index))| {
            let base = std::mem::replace(base, Text::clone(empty));
            (*index, ids.unique_beside(base, outside))
        })
        .collect();
    // Already in order but where a suffix (`-2`) sorts elsewhere than its key.
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

/// The ids of `count` keys from the families' ids, in family order; `None`
/// when they do not sort in that order.
fn assigned(count: usize, families: Vec<Vec<(usize, Text)>>) -> Option<Assigned> {
    let in_order = families
        .iter()
        .filter_map(|family| Some((family.first()?, family.last()?)))
        .collect::<Vec<_>>()
        .windows(2)
        .all(|w| matches!(w, [(_, (_, last)), ((_, first), _)] if last < first));
    if !in_order {
        return None;
    }
    let none = Text::from("");
    let mut ids = vec![none; count];
    let mut by_id = Vec::with_capacity(count);
    for (index, id) in families.into_iter().flatten() {
        *ids.get_mut(index)? = id;
        by_id.push(index);
    }
    Some(Assigned { ids, by_id })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::build::assign;
    use proptest::prelude::*;

    /// Customers' ids (handed out as the import does, so unique), and the
    /// ids handed out before the subscriptions': the customers' and the
    /// partners'.
    fn customers(names: &[String], partners: &[String]) -> (Vec<Text>, Vec<usize>, Ids) {
        let mut outside = Ids::default();
        for p in partners {
            outside.unique(Text::from(p.as_str()), || "partner".into());
        }
        let ids: Vec<Text> = names
            .iter()
            .map(|n| outside.unique(Text::from(n.as_str()), || "customer".into()))
            .collect();
        let mut in_order: Vec<usize> = (0..ids.len()).collect();
        in_order.sort_by(|&a, &b| ids[a].cmp(&ids[b]));
        (ids, in_order, outside)
    }

    /// Keys `customer-rest` of (customer, rest, Partner Center id) triples.
    fn keys<'a>(
        ids: &[Text],
        family: &[u32],
        entries: &'a [(usize, String, String)],
    ) -> Vec<Keyed<'a>> {
        // Only entries of a customer: the index is the key's place.
        entries
            .iter()
            .filter(|(c, ..)| *c < ids.len())
            .enumerate()
            .filter_map(|(i, (c, rest, pc_id))| {
                let customer = ids.get(*c)?;
                let base = Text::from(format!("{customer}-{rest}"));
                Some((*family.get(*c)?, (base, pc_id.as_str(), i)))
            })
            .collect()
    }

    /// The subscriptions' ids and order, the transfers' ids and order.
    type Handed = (Vec<Text>, Vec<usize>, Vec<Text>, Vec<usize>);

    /// The ids of a single pass (subscriptions, then transfers, through one
    /// set), and the ids handed out here: `None` when handed back.
    fn both_ways(
        names: &[String],
        partners: &[String],
        subs: &[(usize, String, String)],
        transfers: &[(usize, String, String)],
    ) -> (Handed, Option<Handed>) {
        let (ids, in_order, mut outside) = customers(names, partners);
        let family = families(&ids, &in_order).unwrap_or_default();
        let (s, t) = (keys(&ids, &family, subs), keys(&ids, &family, transfers));
        let here =
            hand_out(s.clone(), t.clone(), &outside).map(|(s, t)| (s.ids, s.by_id, t.ids, t.by_id));
        let s = assign(strip(&s), &mut outside, "subscription");
        let t = assign(strip(&t), &mut outside, "transfer");
        ((s.ids, s.by_id, t.ids, t.by_id), here)
    }

    fn strip<'a>(keys: &[Keyed<'a>]) -> Vec<Key<'a>> {
        keys.iter().map(|(_, k)| k.clone()).collect()
    }

    fn owned(list: &[(usize, &str, &str)]) -> Vec<(usize, String, String)> {
        list.iter()
            .map(|(c, r, p)| (*c, r.to_string(), p.to_string()))
            .collect()
    }

    #[test]
    fn a_customer_whose_id_goes_on_from_another_with_a_dash_is_of_its_family() {
        let ids: Vec<Text> = ["adatum-2", "adatum", "adatumx", "contoso", "adatum-azure"]
            .map(Text::from)
            .to_vec();
        let mut in_order: Vec<usize> = (0..ids.len()).collect();
        in_order.sort_by(|&a, &b| ids[a].cmp(&ids[b]));
        // adatum, adatum-2 and adatum-azure are one family; adatumx and
        // contoso are one each, in that order.
        assert_eq!(families(&ids, &in_order), Some(vec![0, 0, 1, 2, 0]));
        let odd: Vec<Text> = ["a", "a+b"].map(Text::from).to_vec();
        assert_eq!(families(&odd, &[0, 1]), None, "`+` sorts before `-`");
    }

    #[test]
    fn a_family_hands_out_the_ids_one_pass_would_in_the_order_one_pass_would() {
        // Two customers named Adatum: `adatum` and `adatum-2`. The first's
        // two `2-x` subscriptions and the second's `x` want `adatum-2-x`;
        // a transfer wants a subscription's id; a partner holds `contoso-e3`.
        let names = ["Adatum", "Adatum", "Contoso"].map(crate::import::ids::slug);
        let partners = ["contoso-e3".to_string()];
        let subs = owned(&[
            (1, "x", "p1"),
            (0, "2-x", "p2"),
            (2, "e3", "p3"),
            (0, "2-x", "p0"),
            (0, "azure", "p4"),
        ]);
        let transfers = owned(&[(0, "azure", "t1"), (2, "transfer-2026-11-11", "t2")]);
        let (one_pass, here) = both_ways(&names, &partners, &subs, &transfers);
        assert_eq!(here.as_ref(), Some(&one_pass));
        let (sub_ids, by_id, transfer_ids, _) = one_pass;
        let written: Vec<&str> = by_id.iter().map(|&i| &*sub_ids[i]).collect();
        assert_eq!(
            written,
            [
                "adatum-2-x",
                "adatum-2-x-2",
                "adatum-2-x-3",
                "adatum-azure",
                "contoso-e3-2"
            ]
        );
        assert_eq!(
            sub_ids[1],
            Text::from("adatum-2-x-3"),
            "p1 sorts after p0 and p2"
        );
        assert_eq!(transfer_ids[0], Text::from("adatum-azure-2"));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]
        /// Names, ids and the rest of keys from a small alphabet with `-`, so
        /// that ids begin with others and keys meet often.
        #[test]
        fn the_ids_are_those_of_one_pass(
            names in proptest::collection::vec("[ab2]([ab2-]{0,3}[ab2])?", 0..8),
            partners in proptest::collection::vec("[ab2-]{1,5}", 0..4),
            subs in proptest::collection::vec((0usize..8, "[ab2-]{0,4}", "[pq]{1,2}"), 0..40),
            transfers in proptest::collection::vec((0usize..8, "[ab2-]{0,4}", "[pq]{1,2}"), 0..8),
        ) {
            let (one_pass, here) = both_ways(&names, &partners, &subs, &transfers);
            prop_assert_eq!(here, Some(one_pass));
        }
    }
}
