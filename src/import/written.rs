//! The writer's test oracle: the YAML events that the text [`super::write`]
//! writes must read as, taken from the scenario itself (each entity a
//! mapping of its fields in order, each value a scalar, a list or a mapping,
//! each scalar plain or quoted as [`scalar_form`] decides). The tests hold
//! them to what the scenario reader reads from the written text, so a value
//! the writer writes in a way YAML reads differently (or not at all) fails
//! them.

use std::borrow::Cow;

use super::fragment::{field_order, InOrder, Scenario, Val, KINDS};
use super::write::{is_plain_string, scalar_form};
use crate::scenario::event::{Event, Style};

/// The events of `scenario` as written, from the stream's start to its end.
pub(super) fn events(scenario: &Scenario) -> Vec<Event<'_>> {
    let mut out = vec![
        Event::StreamStart,
        Event::DocumentStart(false),
        Event::MappingStart(0, None),
    ];
    for name in ["scenario", "as_of"] {
        if let Some(value) = scenario.root.get(name) {
            field(&mut out, name, value);
        }
    }
    for (kind, entities) in KINDS.iter().zip(&scenario.kinds) {
        if *kind == "customers" {
            key(&mut out, "partnerships");
            out.push(Event::SequenceStart(0, None));
            for (fields, _) in &scenario.partnerships {
                item(&mut out, fields.in_order(&[]));
            }
            out.push(Event::SequenceEnd);
        }
        key(&mut out, kind);
        out.push(Event::SequenceStart(0, None));
        for entity in entities {
            item(&mut out, entity.fields.in_order(field_order(kind)));
        }
        out.push(Event::SequenceEnd);
    }
    if let Some(value) = scenario.root.get("expect") {
        field(&mut out, "expect", value);
    }
    out.extend([Event::MappingEnd, Event::DocumentEnd, Event::StreamEnd]);
    out
}

/// A field `name: value`, at any level.
fn field<'s>(out: &mut Vec<Event<'s>>, name: &'s str, value: &'s Val) {
    key(out, name);
    match value {
        Val::Str(_) | Val::Plain(_) => scalar(out, value),
        Val::List(items) => {
            out.push(Event::SequenceStart(0, None));
            for i in items {
                match i {
                    Val::Map(f) => item(out, f.in_order(field_order(name))),
                    // The writer writes a list in a list as `- []`.
                    Val::List(_) => out.extend([Event::SequenceStart(0, None), Event::SequenceEnd]),
                    other => scalar(out, other),
                }
            }
            out.push(Event::SequenceEnd);
        }
        Val::Map(f) => item(out, f.in_order(field_order(name))),
    }
}

/// A mapping of `fields` (a list entry, or a nested mapping).
fn item<'s>(out: &mut Vec<Event<'s>>, fields: InOrder<'s>) {
    out.push(Event::MappingStart(0, None));
    for (k, v) in fields {
        field(out, k, v);
    }
    out.push(Event::MappingEnd);
}

/// A key, plain or quoted as the writer writes it.
fn key<'s>(out: &mut Vec<Event<'s>>, name: &'s str) {
    let style = if is_plain_string(name) {
        Style::Plain
    } else {
        Style::DoubleQuoted
    };
    out.push(Event::Scalar(Cow::Borrowed(name), style, 0, None));
}

/// A scalar value, plain or quoted as the writer writes it.
fn scalar<'s>(out: &mut Vec<Event<'s>>, value: &'s Val) {
    if let Some((text, plain)) = scalar_form(value) {
        let style = if plain {
            Style::Plain
        } else {
            Style::DoubleQuoted
        };
        out.push(Event::Scalar(Cow::Borrowed(text), style, 0, None));
    }
}

mod tests;
