//! eligo's own YAML event: saphyr-parser's [`saphyr_parser::Event`] in less
//! room, for the queue between the parser's thread and the loader's.
//!
//! saphyr-parser's event is 88 bytes, most of them an optional tag held in
//! place (two `String`s), which nearly no scenario has. Here a tag is boxed:
//! 48 bytes an event, 64 with its position, against 136 for saphyr-parser's
//! event and span. Every event moves several times on its way to the loader
//! (into a batch, out of it, through the stream's layers), so the size is
//! paid per event, on the loader's thread. The variants are saphyr-parser's,
//! with the same fields in the same order, and the conversions both ways
//! lose nothing (see the tests), so the loaders match on it as they would on
//! saphyr-parser's events.

use saphyr_parser::{Event as YEvent, ScalarStyle, Tag};
use std::borrow::Cow;

/// A YAML event (see the module documentation; each variant is
/// saphyr-parser's of the same name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Event<'a> {
    /// Reserved by the parser for internal use.
    Nothing,
    /// The start of the stream.
    StreamStart,
    /// The end of the stream.
    StreamEnd,
    /// The start of a document (`true` when explicit, `---`).
    DocumentStart(bool),
    /// The end of a document.
    DocumentEnd,
    /// An alias of the anchor with this id.
    Alias(usize),
    /// A scalar: its value, style, anchor id (0 for none) and tag.
    Scalar(Cow<'a, str>, Style, usize, Option<Box<Tag>>),
    /// The start of a sequence: its anchor id and tag.
    SequenceStart(usize, Option<Box<Tag>>),
    /// The end of a sequence.
    SequenceEnd,
    /// The start of a mapping: its anchor id and tag.
    MappingStart(usize, Option<Box<Tag>>),
    /// The end of a mapping.
    MappingEnd,
}

/// saphyr-parser's [`ScalarStyle`] in a whole word.
///
/// With a one-byte style, a scalar event ends in seven bytes of padding,
/// which the moves of an event (several on the loader's thread for each)
/// copy as two overlapping 4-byte loads right after storing them in pieces:
/// a store-forwarding stall, measured at 40% of `Loader::next`'s samples on
/// a JSON book. A `u64` discriminant leaves no padding to copy.
#[repr(u64)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    /// [`ScalarStyle::Plain`].
    Plain,
    /// [`ScalarStyle::SingleQuoted`].
    SingleQuoted,
    /// [`ScalarStyle::DoubleQuoted`].
    DoubleQuoted,
    /// [`ScalarStyle::Literal`].
    Literal,
    /// [`ScalarStyle::Folded`].
    Folded,
}

impl From<ScalarStyle> for Style {
    #[inline]
    fn from(style: ScalarStyle) -> Self {
        match style {
            ScalarStyle::Plain => Style::Plain,
            ScalarStyle::SingleQuoted => Style::SingleQuoted,
            ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
            ScalarStyle::Literal => Style::Literal,
            ScalarStyle::Folded => Style::Folded,
        }
    }
}

impl From<Style> for ScalarStyle {
    #[inline]
    fn from(style: Style) -> Self {
        match style {
            Style::Plain => ScalarStyle::Plain,
            Style::SingleQuoted => ScalarStyle::SingleQuoted,
            Style::DoubleQuoted => ScalarStyle::DoubleQuoted,
            Style::Literal => ScalarStyle::Literal,
            Style::Folded => ScalarStyle::Folded,
        }
    }
}

/// A tag, boxed (taken out of the parser's event when it owns it).
#[inline]
fn boxed(tag: Option<Cow<'_, Tag>>) -> Option<Box<Tag>> {
    tag.map(|tag| Box::new(tag.into_owned()))
}

impl<'a> From<YEvent<'a>> for Event<'a> {
    #[inline]
    fn from(event: YEvent<'a>) -> Self {
        match event {
            YEvent::Nothing => Event::Nothing,
            YEvent::StreamStart => Event::StreamStart,
            YEvent::StreamEnd => Event::StreamEnd,
            YEvent::DocumentStart(explicit) => Event::DocumentStart(explicit),
            YEvent::DocumentEnd => Event::DocumentEnd,
            YEvent::Alias(id) => Event::Alias(id),
            YEvent::Scalar(text, style, anchor, tag) => {
                Event::Scalar(text, style.into(), anchor, boxed(tag))
            }
            YEvent::SequenceStart(anchor, tag) => Event::SequenceStart(anchor, boxed(tag)),
            YEvent::SequenceEnd => Event::SequenceEnd,
            YEvent::MappingStart(anchor, tag) => Event::MappingStart(anchor, boxed(tag)),
            YEvent::MappingEnd => Event::MappingEnd,
        }
    }
}

impl<'a> From<Event<'a>> for YEvent<'a> {
    fn from(event: Event<'a>) -> Self {
        let tag = |tag: Option<Box<Tag>>| tag.map(|tag| Cow::Owned(*tag));
        match event {
            Event::Nothing => YEvent::Nothing,
            Event::StreamStart => YEvent::StreamStart,
            Event::StreamEnd => YEvent::StreamEnd,
            Event::DocumentStart(explicit) => YEvent::DocumentStart(explicit),
            Event::DocumentEnd => YEvent::DocumentEnd,
            Event::Alias(id) => YEvent::Alias(id),
            Event::Scalar(text, style, anchor, t) => {
                YEvent::Scalar(text, style.into(), anchor, tag(t))
            }
            Event::SequenceStart(anchor, t) => YEvent::SequenceStart(anchor, tag(t)),
            Event::SequenceEnd => YEvent::SequenceEnd,
            Event::MappingStart(anchor, t) => YEvent::MappingStart(anchor, tag(t)),
            Event::MappingEnd => YEvent::MappingEnd,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::input::parser;

    #[test]
    fn an_event_and_its_position_take_64_bytes() {
        assert_eq!(std::mem::size_of::<Event<'_>>(), 48);
        let positioned = std::mem::size_of::<(Event<'_>, crate::scenario::Pos)>();
        assert_eq!(positioned, 64);
        // What the pipe queues: the error (rare) is boxed, in the same room.
        let queued = std::mem::size_of::<crate::scenario::positions::Positioned<'_>>();
        assert_eq!(queued, 64);
    }

    #[test]
    fn the_conversions_lose_nothing() {
        let text = "%TAG !e! tag:example.com,2000:\n--- !!map\n\
                    a: &x !e!t 'q'\nb: *x\nc: !!seq &y [1, \"two\", {k: v}]\n\
                    d: !local |\n  lit\n...\n---\n- ~\n";
        let mut parser = parser(text);
        let mut seen = 0;
        while let Some(Ok((event, _))) = parser.next_event() {
            let ours = Event::from(event.clone());
            assert_eq!(YEvent::from(ours), event);
            seen += 1;
        }
        assert!(seen > 20, "{seen}");
    }
}
