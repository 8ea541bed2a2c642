//! Overlays: scenario fragments (the scenario's YAML format) whose entries are
//! merged into the imported entities by id, their fields winning. They carry
//! what Partner Center does not hold: roles, enrollment, MPA, partnerships, how
//! a relationship was made, consent, regions the data lacks.
//!
//! The YAML is read with the scenario loader's event stream (saphyr with the
//! same alias, depth and size bounds), into a small tree that keeps positions,
//! so an entry that matches nothing is reported at its place.

use hashbrown::HashMap;
use saphyr_parser::{Event, ScalarStyle};

use super::error::{at, ImportCode, ImportError};
use super::fragment::{Entity, Fields, Scenario, Text, Val, KINDS};
use crate::scenario::events::{flow_limit_message, Events, Limits, StreamError};
use crate::source::SourceFile;
use crate::suggest::Budget;

/// A YAML node with its byte range.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    /// Byte range.
    pub span: (usize, usize),
    /// What it is.
    pub kind: Kind,
}

/// The kinds of YAML node.
#[derive(Debug, Clone)]
pub(crate) enum Kind {
    /// A scalar and whether it was plain (unquoted).
    Scalar(String, bool),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping.
    Map(Vec<(Node, Node)>),
}

impl Node {
    fn scalar(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar(s, _) => Some(s),
            _ => None,
        }
    }
}

/// Parses an overlay file into a tree.
pub(crate) fn parse(file: &SourceFile) -> Result<Node, ImportError> {
    let mut events = Events::new(&file.text, Limits::default());
    let stream = |e: Box<StreamError>| {
        let (pos, info) = match *e {
            StreamError::Syntax { pos, info } => (pos, info),
            StreamError::ControlChar { pos, found } => (
                pos,
                format!(
                    "control character U+{:04X} is not allowed in YAML",
                    u32::from(found)
                ),
            ),
            StreamError::AliasLimit(pos, _) => (pos, "aliases expand beyond the limit".into()),
            StreamError::DepthLimit(pos) => (pos, "nesting deeper than the limit".into()),
            StreamError::FlowLimit(pos) => (pos, flow_limit_message()),
        };
        let start = pos.offset as usize;
        at(
            ImportCode::Overlay,
            file,
            (start, start + 1),
            format!("`{}` is not valid YAML: {info}", file.name),
            "here",
            None,
        )
    };
    loop {
        let (event, pos) = events.next_with_pos().map_err(stream)?;
        match event {
            Event::StreamEnd => {
                return Err(at(
                    ImportCode::Overlay,
                    file,
                    (0, 0),
                    format!("`{}` is empty", file.name),
                    "",
                    Some("an overlay is a scenario fragment: `partners:`, `customers:`, …".into()),
                ))
            }
            Event::MappingStart(..) | Event::SequenceStart(..) | Event::Scalar(..) => {
                let start = pos.offset as usize;
                return node(&mut events, event, start).map_err(stream);
            }
            _ => {}
        }
    }
}

fn node<'a>(
    events: &mut Events<'a>,
    first: Event<'a>,
    start: usize,
) -> Result<Node, Box<StreamError>> {
    let kind = match first {
        Event::Scalar(text, style, ..) => {
            let len = text.len();
            return Ok(Node {
                span: (start, start + len.max(1)),
                kind: Kind::Scalar(text.into_owned(), style == ScalarStyle::Plain),
            });
        }
        Event::SequenceStart(..) => {
            let mut items = Vec::new();
            loop {
                let (event, pos) = events.next_with_pos()?;
                if matches!(event, Event::SequenceEnd | Event::StreamEnd) {
                    break;
                }
                items.push(node(events, event, pos.offset as usize)?);
            }
            Kind::Seq(items)
        }
        Event::MappingStart(..) => {
            let mut pairs = Vec::new();
            loop {
                let (event, pos) = events.next_with_pos()?;
                if matches!(event, Event::MappingEnd | Event::StreamEnd) {
                    break;
                }
                let key = node(events, event, pos.offset as usize)?;
                let (event, pos) = events.next_with_pos()?;
                let value = node(events, event, pos.offset as usize)?;
                pairs.push((key, value));
            }
            Kind::Map(pairs)
        }
        _ => Kind::Scalar(String::new(), true),
    };
    Ok(Node {
        span: (start, start + 1),
        kind,
    })
}

/// A tree value as a scenario value: scalars keep whether they were plain.
fn value(node: &Node) -> Val {
    match &node.kind {
        Kind::Scalar(s, true) => Val::Plain(s.as_str().into()),
        Kind::Scalar(s, false) => Val::Str(s.as_str().into()),
        Kind::Seq(items) => Val::List(items.iter().map(value).collect()),
        Kind::Map(pairs) => Val::Map(fields(pairs)),
    }
}

fn fields(pairs: &[(Node, Node)]) -> Fields {
    let mut f = Fields::default();
    for (k, v) in pairs {
        f.set(k.scalar().unwrap_or("").to_string(), value(v));
    }
    f
}

/// The entries of one kind of an overlay, merged ahead of the rest of it
/// ([`merge_kind`]), with the errors of each list of them by the place of
/// its key among the overlay's keys.
#[derive(Debug)]
pub(crate) struct MergedAhead {
    /// The kind's index in [`KINDS`].
    kind: usize,
    /// The errors of each list of entries of that kind, by its key's place.
    errors: Vec<(usize, Vec<ImportError>)>,
    /// What the overlay's suggestions may still cost, for the rest of it.
    budget: Budget,
}

/// Merges the entries of `kinds[kind]` of an overlay into `entities`, the
/// entities of that kind, as soon as they are built; [`merge`] merges the
/// rest later, and gives these errors at their place. Why: the customers'
/// entries of a large overlay (relationships for each customer) took tens of
/// milliseconds on one core after the build, while the customers are built
/// on one core beside the subscriptions.
pub(crate) fn merge_kind(
    file: &SourceFile,
    root: &Node,
    kind: usize,
    entities: &mut [Entity],
) -> MergedAhead {
    let mut ahead = MergedAhead {
        kind,
        errors: Vec::new(),
        budget: Budget::for_file_of(file.text.len()),
    };
    let (Kind::Map(pairs), Some(name)) = (&root.kind, KINDS.get(kind)) else {
        return ahead;
    };
    for (n, (key, val)) in pairs.iter().enumerate() {
        if key.scalar() == Some(name) {
            let mut errors = Vec::new();
            entries(file, val, name, entities, &mut errors, &mut ahead.budget);
            ahead.errors.push((n, errors));
        }
    }
    ahead
}

/// Merges an overlay into the scenario; every entry that matches nothing, and
/// every key that is not part of the scenario format, is an error. The
/// entries of the kind `ahead` names were merged already: their errors come
/// at their place.
pub(crate) fn merge(
    file: &SourceFile,
    root: &Node,
    scenario: &mut Scenario,
    errors: &mut Vec<ImportError>,
    ahead: Option<MergedAhead>,
) {
    // One budget for the whole overlay: what was merged ahead spent some.
    let (ahead_kind, mut budget, ahead_errors) = match ahead {
        Some(a) => (Some(a.kind), a.budget, a.errors),
        None => (None, Budget::for_file_of(file.text.len()), Vec::new()),
    };
    let mut ahead_errors = ahead_errors.into_iter().peekable();
    let Kind::Map(pairs) = &root.kind else {
        return errors.push(at(
            ImportCode::Overlay,
            file,
            root.span,
            format!("`{}` is not a mapping", file.name),
            "expected `partners:`, `customers:`, …",
            None,
        ));
    };
    const ROOT: [&str; 4] = ["scenario", "as_of", "expect", "partnerships"];
    for (n, (key, val)) in pairs.iter().enumerate() {
        let name = key.scalar().unwrap_or("");
        if let Some(kind) = KINDS.iter().position(|k| *k == name) {
            if ahead_kind == Some(kind) {
                if let Some((_, merged)) = ahead_errors.next_if(|(at, _)| *at == n) {
                    errors.extend(merged);
                    continue;
                }
            }
            if let Some(entities) = scenario.kinds.get_mut(kind) {
                entries(file, val, name, entities, errors, &mut budget);
            }
        } else if name == "partnerships" {
            for item in seq(val) {
                if let Kind::Map(p) = &item.kind {
                    scenario
                        .partnerships
                        .push((fields(p), file.name.as_str().into()));
                }
            }
        } else if ROOT.contains(&name) {
            scenario.root.set(name.to_string(), value(val));
        } else {
            let all: Vec<&str> = KINDS.iter().chain(ROOT.iter()).copied().collect();
            errors.push(at(
                ImportCode::Overlay,
                file,
                key.span,
                format!("unknown key `{name}` in an overlay"),
                "unknown key",
                crate::suggest::did_you_mean(name, all.iter().copied()),
            ));
        }
    }
}

fn seq(node: &Node) -> &[Node] {
    match &node.kind {
        Kind::Seq(items) => items,
        _ => &[],
    }
}

/// Merges a list of entries into `entities`, of the kind `kind_name`.
fn entries(
    file: &SourceFile,
    list: &Node,
    kind_name: &str,
    entities: &mut [Entity],
    errors: &mut Vec<ImportError>,
    budget: &mut Budget,
) {
    let mut ids_bytes: Option<usize> = None;
    // By readable id and by Partner Center id: overlays of big books name
    // thousands of entities, so no entry may scan them all.
    let mut index: HashMap<Text, usize> = HashMap::with_capacity(entities.len() * 2);
    for (i, e) in entities.iter().enumerate() {
        index.insert(Text::clone(&e.id), i);
        if let Some(pc) = &e.pc_id {
            index.entry(Text::clone(pc)).or_insert(i);
        }
    }
    for item in seq(list) {
        let Kind::Map(pairs) = &item.kind else {
            errors.push(at(
                ImportCode::Overlay,
                file,
                item.span,
                format!("an entry of `{kind_name}` is not a mapping"),
                "expected `id: …` and fields",
                None,
            ));
            continue;
        };
        let Some((id_key, id_node)) = pairs.iter().find(|(k, _)| k.scalar() == Some("id")) else {
            errors.push(at(
                ImportCode::Overlay,
                file,
                item.span,
                format!("an entry of `{kind_name}` has no `id`"),
                "no id",
                Some("name the entity by its readable id or its Partner Center id".into()),
            ));
            continue;
        };
        let id = id_node.scalar().unwrap_or("");
        let found = index
            .get(id)
            .or_else(|| index.get(id.to_lowercase().as_str()))
            .copied();
        match found.and_then(|i| entities.get_mut(i)) {
            Some(entity) => merge_fields(&mut entity.fields, pairs, id_key),
            None => {
                // The ids' length, counted once for the list.
                let bytes =
                    *ids_bytes.get_or_insert_with(|| entities.iter().map(|e| e.id.len() + 1).sum());
                let suggest = budget.spend(id, bytes);
                errors.push(no_match(file, id_node, id, kind_name, entities, suggest))
            }
        }
    }
}

fn no_match(
    file: &SourceFile,
    node: &Node,
    id: &str,
    kind: &str,
    entities: &[Entity],
    suggest: bool,
) -> ImportError {
    let closest = suggest
        .then(|| crate::suggest::closest(id, entities.iter().map(|e| &*e.id)))
        .flatten();
    let help = closest
        .map(|c| format!("did you mean `{c}`?"))
        .or_else(|| Some(format!("an overlay only adds to the {kind} of the exports; check the id (readable or Partner Center)")));
    at(
        ImportCode::Overlay,
        file,
        node.span,
        format!("overlay entry `{id}` matches none of the imported {kind}"),
        "matches nothing",
        help,
    )
}

/// The overlay's fields win; `mca` merges field by field and `relationships`
/// entry by entry (by partner), so an overlay can add `via` and `consent` to a
/// relationship the export implies.
fn merge_fields(target: &mut Fields, pairs: &[(Node, Node)], id_key: &Node) {
    for (k, v) in pairs {
        let key = k.scalar().unwrap_or("");
        if std::ptr::eq(k, id_key) {
            continue;
        }
        match (key, target.get_mut(key), &v.kind) {
            ("mca", Some(Val::Map(existing)), Kind::Map(p)) => merge_fields(existing, p, id_key),
            ("relationships", Some(Val::List(existing)), Kind::Seq(items)) => {
                merge_relationships(existing, items, id_key)
            }
            _ => target.set(key.to_string(), value(v)),
        }
    }
}

fn merge_relationships(existing: &mut Vec<Val>, items: &[Node], id_key: &Node) {
    for item in items {
        let Kind::Map(pairs) = &item.kind else {
            existing.push(value(item));
            continue;
        };
        let partner = pairs
            .iter()
            .find(|(k, _)| k.scalar() == Some("partner"))
            .and_then(|(_, v)| v.scalar());
        let slot = existing.iter_mut().find_map(|r| match r {
            Val::Map(f) if partner.is_some() && matches!(f.get("partner"), Some(Val::Str(p)) | Some(Val::Plain(p)) if Some(&**p) == partner) => Some(f),
            _ => None,
        });
        match slot {
            Some(f) => merge_fields(f, pairs, id_key),
            None => existing.push(value(item)),
        }
    }
}
