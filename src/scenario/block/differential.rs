//! The fast path against saphyr-parser on the same bytes: the oracle of the
//! differential tests and of the `yaml_differential` fuzz target.

use saphyr_parser::{Event, Span};

use super::BlockEvents;
use crate::scenario::input::parser;

/// What the fast path did with a text, when it agreed with saphyr-parser.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// It gave exactly saphyr-parser's events and spans.
    Same,
    /// It handed the text over to saphyr-parser.
    HandedOver,
}

/// Compares the fast path with saphyr-parser on `text`; `Err` describes the
/// first difference.
pub fn compare(text: &str) -> Result<Verdict, String> {
    let Some(mut fast) = BlockEvents::new(text) else {
        return Ok(Verdict::HandedOver);
    };
    let mut yaml = parser(text);
    for n in 0usize.. {
        let ours: Option<(Event<'_>, Span)> = match fast.next_event() {
            None => None,
            Some(Ok(item)) => Some(item),
            Some(Err(_)) => {
                return Err(format!("event {n}: the fast path failed after its dry run"))
            }
        };
        let theirs = match yaml.next_event() {
            None => None,
            Some(Ok(item)) => Some(item),
            Some(Err(e)) => {
                return Err(format!(
                    "event {n}: saphyr-parser fails ({e}) where the fast path gives {ours:?}"
                ))
            }
        };
        if ours != theirs {
            return Err(format!(
                "event {n}: fast path {ours:?}, saphyr-parser {theirs:?}"
            ));
        }
        if ours.is_none() {
            break;
        }
    }
    Ok(Verdict::Same)
}

#[cfg(test)]
mod tests;
