//! One walk over the keys of a YAML mapping, for every loader that reads
//! mappings key by key from the event stream (the scenario's `expect`
//! entries, the waivers file's root and its waivers): the end of the
//! mapping, keys that are not plain names, and the first key (where an
//! entry is shown) are recognised here once; what a key means, and how its
//! value is read, stays with each loader.

use std::borrow::Cow;

use crate::scenario::event::Event;

use super::store::Pos;

/// A loader that the key walk reads events from.
pub(crate) trait EventReader<'a> {
    /// Why reading stopped (the loader has recorded the error).
    type Stop;

    /// The next event and where it is.
    fn next_event(&mut self) -> Result<(Event<'a>, Pos), Self::Stop>;
}

/// One key of a mapping.
pub(crate) enum Key<'a> {
    /// A plain key: its text, where it is, and whether it is the mapping's
    /// first key (an entry is shown at its first key: `- id: sub-1` points at
    /// `id`).
    Named {
        /// The key's text.
        name: Cow<'a, str>,
        /// Where it is.
        pos: Pos,
        /// Whether no key came before it.
        first: bool,
    },
    /// A key that is a mapping or a list (its first event), which no format
    /// of eligo accepts; the visitor reports it and skips it and its value.
    Complex {
        /// The key's first event.
        event: Event<'a>,
        /// Where it is.
        pos: Pos,
    },
}

/// Walks the keys of a mapping whose `MappingStart` has been read, up to its
/// `MappingEnd`, handing each key to `visit`, which reads (or skips) the
/// key's value. A stop of the reader or of `visit` ends the walk.
/// Inlined: it is the loop of the loader's every mapping.
#[inline]
pub(crate) fn each_key<'a, R: EventReader<'a>>(
    reader: &mut R,
    mut visit: impl FnMut(&mut R, Key<'a>) -> Result<(), R::Stop>,
) -> Result<(), R::Stop> {
    let mut first = true;
    loop {
        let (event, pos) = reader.next_event()?;
        let key = match event {
            Event::MappingEnd => return Ok(()),
            Event::Scalar(name, ..) => Key::Named {
                name,
                pos,
                first: std::mem::replace(&mut first, false),
            },
            event => Key::Complex { event, pos },
        };
        visit(reader, key)?;
    }
}
