//! Where a scenario's events come from: the JSON fast path or the block fast
//! path when one reads the text, saphyr-parser otherwise.

use saphyr_parser::ScanError;

use super::JsonEvents;
use crate::scenario::block::BlockEvents;
use crate::scenario::input::{parser, BoundedParser};
use crate::scenario::pipe::Item;

/// The event source of one text.
pub(crate) enum EventSource<'a> {
    /// The JSON fast path.
    Json(JsonEvents<'a>),
    /// The block fast path.
    Block(BlockEvents<'a>),
    /// saphyr-parser (with tabs as separation and its queue of flow tokens
    /// bounded, see [`crate::scenario::input`]).
    Yaml(Box<BoundedParser<'a>>),
}

impl<'a> EventSource<'a> {
    /// The source for `text`.
    pub(crate) fn new(text: &'a str) -> Self {
        if let Some(json) = JsonEvents::new(text) {
            return EventSource::Json(json);
        }
        match BlockEvents::new(text) {
            Some(block) => EventSource::Block(block),
            None => EventSource::Yaml(Box::new(parser(text))),
        }
    }

    /// Whether a fast path reads the text (its plain scalars are borrowed
    /// from the text already).
    pub(crate) fn is_fast(&self) -> bool {
        !matches!(self, EventSource::Yaml(_))
    }

    /// The next event, as `Parser::next_event` gives it.
    #[inline]
    pub(crate) fn next_event(&mut self) -> Option<Item<'a>> {
        match self {
            EventSource::Json(json) => Some(json.next_event()?.map_err(|_| {
                // Unreachable: the dry run read the same text to its end.
                ScanError::new_str(
                    saphyr_parser::Marker::new(0, 1, 0),
                    "internal error: the JSON fast path disagreed with its own dry run",
                )
            })),
            EventSource::Block(block) => Some(block.next_event()?.map_err(|_| {
                // Unreachable: the dry run read the same text to its end.
                ScanError::new_str(
                    saphyr_parser::Marker::new(0, 1, 0),
                    "internal error: the block fast path disagreed with its own dry run",
                )
            })),
            EventSource::Yaml(parser) => parser.next_event(),
        }
    }
}
