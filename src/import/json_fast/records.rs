//! The mapped fields of a list file's objects, read straight from the text:
//! no syntax tree is built, and only the values the mapping asks for are
//! kept.
//!
//! A subscription as Partner Center returns it has two dozen properties, of
//! which the mapping reads about ten; a 100k export holds 140 MB of them.
//! Building jsonc-parser's tree of all of them (a list per object, a node
//! per value) took 0.242 s over the 100k export's subscriptions, where
//! serde_json parsing them into nothing took 0.136 s (BENCHMARKS.md, "Stop
//! 28"); the import then searched each object's properties once per mapped
//! path. Here the mapping's
//! paths are a tree of property names ([`FieldTree`]), and each object's
//! properties are matched against it as they are read, once each.
//!
//! The records are exactly those [`Rec::from_json`] reads from the tree of
//! the same text, with the same texts and spans: for each field, the value
//! of its first path present (not `null`), each name matched without regard
//! to ASCII case to the first property of that name, and no value when that
//! is an object or an array. Anything else (what the fast path hands over
//! to jsonc-parser, an entry that is not an object, a file that is not a
//! list) gives `None`, and the caller reads the file as before, so its
//! errors are the same. The tests hold the two to each other.

use std::collections::HashMap;

use super::{Reader, MAX_DEPTH};
use crate::import::map::Paths;
use crate::import::record::{scalar_cell, Cell, Rec};

/// The paths of a record's mapped fields as a tree of property names.
#[derive(Debug, Clone)]
pub(crate) struct FieldTree<F> {
    root: Node<F>,
    /// Whether every node has at most 64 names below it (each object's
    /// names are marked seen in a 64-bit mask), and every path at most
    /// [`MAX_DEPTH`] names (no text read here is deeper); else nothing is
    /// read here.
    fits: bool,
}

#[derive(Debug, Clone)]
struct Node<F> {
    /// The names below, each with its node; names equal but for ASCII case
    /// share one, as they match the same property.
    children: Vec<(String, Node<F>)>,
    /// The paths that end here: their field, and the path's place among the
    /// field's paths (the first present wins).
    ends: Vec<(F, usize)>,
}

impl<F> Default for Node<F> {
    fn default() -> Self {
        Node {
            children: Vec::new(),
            ends: Vec::new(),
        }
    }
}

impl<F: Copy> FieldTree<F> {
    /// The tree of a record's paths.
    pub(crate) fn new(fields: &HashMap<F, Paths>) -> Self {
        let mut root = Node::default();
        let mut fits = true;
        for (&field, paths) in fields {
            for (place, path) in paths.iter().enumerate() {
                // A mapping's path may be longer than any object nesting
                // read here: the tree (built, checked and dropped by
                // recursion) is kept as deep as that, and such a mapping's
                // files are read through the syntax tree.
                if path.split('.').nth(MAX_DEPTH).is_some() {
                    fits = false;
                    continue;
                }
                // `lookup` splits at each `.`, empty names included.
                root.insert(path.split('.'), (field, place));
            }
        }
        let fits = fits && root.fits();
        FieldTree { root, fits }
    }
}

impl<F> Node<F> {
    /// Adds the path of the remaining `names`, ending in `end`.
    fn insert(&mut self, mut names: std::str::Split<'_, char>, end: (F, usize)) {
        let Some(name) = names.next() else {
            self.ends.push(end);
            return;
        };
        let same = |n: &String| n.eq_ignore_ascii_case(name);
        if !self.children.iter().any(|(n, _)| same(n)) {
            self.children.push((name.to_string(), Node::default()));
        }
        if let Some((_, child)) = self.children.iter_mut().find(|(n, _)| same(n)) {
            child.insert(names, end);
        }
    }

    fn fits(&self) -> bool {
        self.children.len() <= 64 && self.children.iter().all(|(_, c)| c.fits())
    }

    /// The place and node of the name matching `name`.
    fn child(&self, name: &str) -> Option<(usize, &Node<F>)> {
        self.children
            .iter()
            .enumerate()
            .find(|(_, (n, _))| n.eq_ignore_ascii_case(name))
            .map(|(at, (_, node))| (at, node))
    }
}

/// A value found at the end of a path: its field, the path's place, and the
/// value (`None` for an object or an array, which has no text).
struct Found<'a, F> {
    field: F,
    place: usize,
    cell: Option<Cell<'a>>,
}

/// The records of the list in `text` (a bare array, or an object's
/// `list_key` array), or `None` for the caller to read the text otherwise.
pub(crate) fn records<'a, F: Copy + Eq + std::hash::Hash>(
    text: &'a str,
    list_key: &str,
    tree: &FieldTree<F>,
) -> Option<Vec<Rec<'a, F>>> {
    if !tree.fits {
        return None;
    }
    let mut reader = Reader::new(text);
    let mut out = Vec::new();
    reader.skip_whitespace();
    match reader.byte()? {
        b'[' => reader.items(1, &tree.root, &mut out)?,
        b'{' => {
            let mut listed = false;
            reader.each_entry(b'}', |reader| {
                let name = reader.property_name()?;
                // The first property of that name is the list, as `items` reads it.
                if !listed && name.value.eq_ignore_ascii_case(list_key) {
                    listed = true;
                    if reader.byte() != Some(b'[') {
                        return None;
                    }
                    reader.items(2, &tree.root, &mut out)
                } else {
                    reader.skip_value(1)
                }
            })?;
            if !listed {
                return None;
            }
        }
        _ => return None,
    }
    reader.skip_whitespace();
    (reader.pos == reader.bytes.len()).then_some(out)
}

impl<'a> Reader<'a> {
    /// The array at `pos` (at nesting `depth`), each entry an object read
    /// into a record.
    fn items<F: Copy + Eq + std::hash::Hash>(
        &mut self,
        depth: usize,
        root: &Node<F>,
        out: &mut Vec<Rec<'a, F>>,
    ) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        let mut found = Vec::new();
        self.each_entry(b']', |reader| {
            if reader.byte() != Some(b'{') {
                return None;
            }
            found.clear();
            let range = reader.mapped_object(depth + 1, root, &mut found)?;
            out.push(Rec::from_cells(
                first_present(&mut found),
                (range.start, range.end),
            ));
            Some(())
        })
        .map(drop)
    }

    /// The object at `pos` (at nesting `depth`), the values at `node`'s
    /// paths into `found`.
    fn mapped_object<F: Copy>(
        &mut self,
        depth: usize,
        node: &Node<F>,
        found: &mut Vec<Found<'a, F>>,
    ) -> Option<jsonc_parser::common::Range> {
        if depth > MAX_DEPTH {
            return None;
        }
        let mut seen = 0u64;
        self.each_entry(b'}', |reader| {
            let name = reader.property_name()?;
            match node.child(&name.value) {
                Some((at, child)) if seen & (1 << at) == 0 => {
                    seen |= 1 << at;
                    reader.mapped_value(depth, child, found)
                }
                _ => reader.skip_value(depth),
            }
        })
    }

    /// The value at `pos`, the property `node` matched.
    fn mapped_value<F: Copy>(
        &mut self,
        depth: usize,
        node: &Node<F>,
        found: &mut Vec<Found<'a, F>>,
    ) -> Option<()> {
        let mut end_here = |cell: Option<Cell<'a>>| {
            for &(field, place) in &node.ends {
                found.push(Found {
                    field,
                    place,
                    cell: cell.clone(),
                });
            }
        };
        match self.byte()? {
            b'{' => {
                end_here(None);
                if node.children.is_empty() {
                    self.skip_value(depth)
                } else {
                    self.mapped_object(depth + 1, node, found).map(drop)
                }
            }
            b'[' => {
                end_here(None);
                self.skip_value(depth)
            }
            b'"' => {
                // `scalar_cell`'s string, without a `Value` made and dropped
                // for it: most values read here are strings.
                let s = self.string()?;
                end_here(Some(Cell {
                    text: s.value,
                    is_bool: false,
                    span: (s.range.start, s.range.end),
                }));
                Some(())
            }
            _ => {
                // `null` is absent: its path does not end the search.
                if let Some(cell) = scalar_cell(&self.plain()?) {
                    end_here(Some(cell));
                }
                Some(())
            }
        }
    }

    /// Reads past the value at `pos` as [`Reader::value`] reads it,
    /// keeping nothing.
    fn skip_value(&mut self, depth: usize) -> Option<()> {
        match self.byte()? {
            b'{' => self.skip_entries(depth + 1, b'}'),
            b'[' => self.skip_entries(depth + 1, b']'),
            b'"' => self.string().map(drop),
            b't' | b'f' | b'n' | b'-' | b'0'..=b'9' => self.plain().map(drop),
            _ => None,
        }
    }

    /// Reads past the object or array at `pos`, at nesting `depth`.
    fn skip_entries(&mut self, depth: usize, close: u8) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.each_entry(close, |reader| {
            if close == b'}' {
                reader.property_name()?;
            }
            reader.skip_value(depth)
        })
        .map(drop)
    }
}

/// Each field's value at its first path present, in the order first found.
fn first_present<'a, F: Copy + Eq + std::hash::Hash>(
    found: &mut Vec<Found<'a, F>>,
) -> Vec<(F, Cell<'a>)> {
    let mut best: Vec<Found<'a, F>> = Vec::with_capacity(found.len());
    for f in found.drain(..) {
        match best.iter_mut().find(|b| b.field == f.field) {
            Some(b) if f.place < b.place => *b = f,
            Some(_) => {}
            None => best.push(f),
        }
    }
    best.into_iter()
        .filter_map(|b| Some((b.field, b.cell?)))
        .collect()
}

/// Compares `records` with the records read through the syntax tree
/// (`Rec::from_json` on each object of the list) for `paths`: `Ok(true)`
/// when it read `text` and gave the same records, `Ok(false)` when it
/// handed it over where it may, `Err` describing a difference. The oracle
/// of the tests and of the `import_json_differential` fuzz target.
pub fn compare_records(
    text: &str,
    list_key: &str,
    paths: &HashMap<u8, Paths>,
) -> Result<bool, String> {
    let fields: Vec<u8> = paths.keys().copied().collect();
    let tree = FieldTree::new(paths);
    let fast = records(text, list_key, &tree).map(|recs| {
        recs.iter()
            .map(|r| contents(r, &fields))
            .collect::<Vec<_>>()
    });
    let slow = through_the_tree(text, list_key, paths, &fields);
    match (fast, slow) {
        (Some(fast), Some(slow)) if fast == slow => Ok(true),
        (Some(fast), Some(slow)) => Err(format!("fast {fast:?}, through the tree {slow:?}")),
        (Some(fast), None) => Err(format!("fast {fast:?}, through the tree no list")),
        // Handed over: only what the fast path hands over itself, or for
        // paths the tree does not hold.
        (None, Some(_)) if tree.fits && super::parse(text).is_some() => {
            Err("handed over a list of objects the fast path reads".into())
        }
        (None, _) => Ok(false),
    }
}

/// The paths of the embedded mapping's subscription fields, numbered, for
/// [`compare_records`].
pub fn subscription_paths() -> &'static HashMap<u8, Paths> {
    static PATHS: std::sync::OnceLock<HashMap<u8, Paths>> = std::sync::OnceLock::new();
    PATHS.get_or_init(|| {
        crate::import::map::Map::default_map()
            .map(|map| {
                map.raw
                    .subscription
                    .iter()
                    .map(|(f, p)| (u8::from(*f), p.clone()))
                    .collect()
            })
            .unwrap_or_default()
    })
}

/// What a record holds, comparable: each field's text, kind and span, and
/// the record's span.
type Contents = (Vec<(u8, String, bool, (usize, usize))>, (usize, usize));

fn contents(rec: &Rec<'_, u8>, fields: &[u8]) -> Contents {
    let cells = fields
        .iter()
        .filter_map(|&f| {
            rec.get(f)
                .map(|c| (f, c.text.to_string(), c.is_bool, c.span))
        })
        .collect();
    (cells, rec.span)
}

/// The records read through the syntax tree, as the import reads them when
/// this module hands a text over: `None` when it is not a list of objects.
fn through_the_tree(
    text: &str,
    key: &str,
    paths: &HashMap<u8, Paths>,
    fields: &[u8],
) -> Option<Vec<Contents>> {
    let value =
        super::parse(text).or_else(|| crate::import::json::parse_with_jsonc(text).ok()?)?;
    let items = crate::import::json::items(&value, key)?;
    items
        .iter()
        .map(|item| Some(contents(&Rec::from_json(item.as_object()?, paths), fields)))
        .collect()
}

#[cfg(test)]
mod tests;
