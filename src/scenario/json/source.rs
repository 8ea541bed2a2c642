//! Where a scenario's events come from: the JSON fast path when it reads
//! the text, saphyr-parser otherwise.

use saphyr_parser::ScanError;

use super::JsonEvents;
use crate::scenario::input::{parser, BoundedParser};
use crate::scenario::pipe::Item;

/// The event source of one text.
pub(crate) enum EventSource<'a> {
    /// The JSON fast path.
    Json(JsonEvents<'a>),
    /// saphyr-parser (with tabs as separation and its queue of flow tokens
    /// bounded, see [`crate::scenario::input`]).
    Yaml(Box<BoundedParser<'a>>),
}

impl<'a> EventSource<'a> {
    /// The source for `text`.
    pub(crate) fn new(text: &'a str) -> Self {
        match JsonEvents::new(text) {
            Some(json) => EventSource::Json(json),
            None => EventSource::Yaml(Box::new(parser(text))),
        }
    }

    /// Whether the JSON fast path reads the text.
    pub(crate) fn is_json(&self) -> bool {
        matches!(self, EventSource::Json(_))
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
            EventSource::Yaml(parser) => parser.next_event(),
        }
    }
}
