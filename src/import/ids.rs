//! Readable ids derived from names (`Adatum Corp` → `adatum-corp`), unique
//! across the whole scenario and the same on every import of the same data.

use hashbrown::{HashMap, HashSet};

use super::by_address::ByAddress;
use super::fragment::Text;

/// The id form of a name: lower case, words joined by `-`.
pub(crate) fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    push_slug(&mut out, name);
    out
}

/// Appends the id form of `name` ([`slug`]) to `out`.
pub(crate) fn push_slug(out: &mut String, name: &str) {
    let start = out.len();
    let mut dash = false;
    for c in name.chars() {
        if c.is_alphanumeric() {
            if dash && out.len() > start {
                out.push('-');
            }
            dash = false;
            // The ASCII case first: nearly every name is, and the general
            // mapping is a table search per character.
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            } else {
                out.extend(c.to_lowercase());
            }
        } else {
            dash = true;
        }
    }
}

/// Slots in a [`Slugs`]: a power of two.
const SLUG_SLOTS: usize = 256;

/// The slugs of names met before ([`ByAddress`]).
///
/// Why: a book's subscriptions repeat a few dozen names (the offers'), and
/// each subscription's id starts as its name's slug: a pass over the name,
/// character by character, a hundred thousand times. A `Slugs` is made for
/// one pass over names it borrows.
pub(crate) struct Slugs(ByAddress<String, SLUG_SLOTS>);

impl Default for Slugs {
    fn default() -> Self {
        Slugs(ByAddress::new())
    }
}

impl Slugs {
    /// Appends the slug of `name` to `out`, as [`push_slug`] does.
    pub(crate) fn push(&mut self, out: &mut String, name: &str) {
        self.0.with(name, 0, slug, |s| out.push_str(s));
    }
}

/// Hands out ids, adding `-2`, `-3`, … to a name already taken. Callers ask in
/// a deterministic order (by name, then Partner Center id), so the same export
/// gives the same ids every time.
#[derive(Debug, Default)]
pub(crate) struct Ids {
    taken: HashSet<Text>,
    /// The next suffix to try per base, so that k clashes on one name cost
    /// time linear in k, not quadratic.
    next: HashMap<Text, usize>,
    /// The buffer numbered ids are written in.
    candidate: String,
}

impl Ids {
    /// Makes room for `more` ids: a large import asks for a hundred thousand
    /// at once, and growing the set on the way rehashes it again and again.
    pub(crate) fn reserve(&mut self, more: usize) {
        self.taken.reserve(more);
    }

    /// A unique id for `base` (or `fallback()` when `base` is empty): `base`
    /// itself when it is free.
    pub(crate) fn unique(&mut self, base: Text, fallback: impl FnOnce() -> String) -> Text {
        let base = if base.is_empty() {
            Text::from(fallback())
        } else {
            base
        };
        self.free_or_numbered(base, None)
    }

    /// [`Ids::unique`] where the ids `outside` holds are taken too (and are
    /// not changed: many of these may be handed out on every core beside one
    /// `outside`).
    pub(crate) fn unique_beside(&mut self, base: Text, outside: &Ids) -> Text {
        self.free_or_numbered(base, Some(outside))
    }

    /// `base` if neither this nor `outside` has taken it, else numbered.
    fn free_or_numbered(&mut self, base: Text, outside: Option<&Ids>) -> Text {
        // Nearly every base is free: it is hashed and looked up once, and
        // taken as it is (the text is shared, not copied) if free.
        if !taken_by(outside, &base) {
            let before = self.taken.len();
            self.taken
                .get_or_insert_with(&*base, |_| Text::clone(&base));
            if self.taken.len() > before {
                return base;
            }
        }
        self.numbered(&base, outside)
    }

    /// Forgets every id handed out, keeping the room they took.
    pub(crate) fn clear(&mut self) {
        self.taken.clear();
        self.next.clear();
    }

    /// `base-2`, `base-3`, …: the first that is free, taken.
    ///
    /// A book repeats names within a customer (a fifth of 100k
    /// subscriptions' ids are numbered), so each candidate is written in one
    /// reused buffer, hashed once to be looked up and taken, and copied only
    /// when free; the next number to try is kept under the base's own text.
    fn numbered(&mut self, base: &Text, outside: Option<&Ids>) -> Text {
        use std::fmt::Write;
        let mut n = self.next.get(&**base).copied().unwrap_or(2);
        let mut candidate = std::mem::take(&mut self.candidate);
        let id = loop {
            candidate.clear();
            // Writing to a `String` cannot fail.
            let _ = write!(candidate, "{base}-{n}");
            n += 1;
            if taken_by(outside, &candidate) {
                continue;
            }
            let before = self.taken.len();
            let id = Text::clone(
                self.taken
                    .get_or_insert_with(candidate.as_str(), |c| Text::from(c)),
            );
            if self.taken.len() > before {
                break id;
            }
        };
        self.candidate = candidate;
        match self.next.get_mut(&**base) {
            Some(next) => *next = n,
            None => {
                self.next.insert(Text::clone(base), n);
            }
        }
        id
    }
}

/// Whether `outside` (if any) holds `id`.
fn taken_by(outside: Option<&Ids>, id: &str) -> bool {
    outside.is_some_and(|o| o.taken.contains(id))
}

/// The first eight characters of a Partner Center id, for ids of unnamed entities.
pub(crate) fn short(pc_id: &str) -> &str {
    pc_id.get(..8).unwrap_or(pc_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_ids() {
        assert_eq!(slug("Adatum Corp"), "adatum-corp");
        assert_eq!(slug("  Office 365 E3 (main) "), "office-365-e3-main");
        assert_eq!(slug("Müller & Söhne"), "müller-söhne");
    }

    #[test]
    fn a_slug_appended_starts_without_a_dash_of_its_own() {
        let mut key = String::from("contoso-");
        push_slug(&mut key, "  Office 365 E3 ");
        assert_eq!(key, "contoso-office-365-e3");
    }

    #[test]
    fn a_remembered_slug_is_the_slug_of_the_same_name() {
        let mut slugs = Slugs::default();
        let names = [
            "Office 365 E3",
            "Azure plan",
            "Office 365 E3",
            "Müller & Söhne",
            "Azure",
        ];
        let owned: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        // The same texts twice (remembered the second time), then the same
        // names at other addresses.
        for name in names
            .iter()
            .chain(&names)
            .copied()
            .chain(owned.iter().map(String::as_str))
        {
            let mut out = String::from("c-");
            slugs.push(&mut out, name);
            assert_eq!(out, format!("c-{}", slug(name)));
        }
        // A name and its first 44 bytes: the same address, so the same
        // slot; the length tells them apart.
        let long = "Azure plan "
            .repeat(30)
            .chars()
            .take(300)
            .collect::<String>();
        let short = long.get(..44).unwrap_or_default();
        for name in [long.as_str(), short] {
            let mut out = String::new();
            slugs.push(&mut out, name);
            assert_eq!(out, slug(name));
        }
    }

    #[test]
    fn duplicates_get_numbers() {
        let mut ids = Ids::default();
        let x = || "x".to_string();
        let mut unique = |base: &str| ids.unique(Text::from(base), x);
        assert_eq!(&*unique("a"), "a");
        assert_eq!(&*unique("a"), "a-2");
        assert_eq!(&*unique(""), "x");
        // A base already numbered is numbered again, not taken twice.
        assert_eq!(&*unique("a-2"), "a-2-2");
        assert_eq!(&*unique("a"), "a-3");
    }
}
