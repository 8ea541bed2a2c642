//! Anchored nodes, recorded once, for aliases to replay.
//!
//! While at least one anchor is open, every event read from the text goes
//! onto one tape, once, in a compact form (24 bytes, plus the text of a scalar
//! that the source does not hold verbatim); an anchor is the range of the tape
//! its node took. Nested anchors are nested ranges of the same tape, and an
//! alias inside an anchored node is taped as one entry naming its anchor, not
//! as the events it expands to: the tape never holds more than one entry per
//! event of the text, whatever the anchors and aliases.

use saphyr_parser::Tag;
use std::borrow::Cow;

use super::event::{Event, Style};
use std::collections::HashMap;

use super::store::Pos;

/// No text of its own (a scalar the source holds verbatim at its position).
const VERBATIM: u32 = u32::MAX;

/// What a taped entry is.
#[derive(Clone, Copy, Debug)]
enum What {
    /// A scalar with its style, the index of its text in `texts` (or
    /// [`VERBATIM`]), and its tag's index in `tags` (or `u32::MAX`).
    Scalar(Style, u32, u32),
    /// A collection start (`true` for a mapping) and its tag's index.
    Start(bool, u32),
    /// A collection end (`true` for a mapping).
    End(bool),
    /// An alias of the anchor with this id.
    Alias(usize),
}

/// One taped event.
#[derive(Clone, Copy, Debug)]
struct Entry {
    what: What,
    pos: Pos,
}

/// An anchor whose node is being read.
#[derive(Debug)]
struct Open {
    anchor: usize,
    start: usize,
    /// The nesting depth outside the node.
    depth: usize,
}

/// One alias being replayed: a range of the tape, and where the alias is.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Replay {
    next: usize,
    end: usize,
    at: Pos,
}

/// The tape and the anchors on it.
#[derive(Debug, Default)]
pub(crate) struct Tape {
    entries: Vec<Entry>,
    /// Texts of scalars not verbatim in the source, back to back.
    copies: String,
    /// Ranges of `copies`.
    texts: Vec<(u32, u32)>,
    tags: Vec<Tag>,
    anchors: HashMap<usize, (usize, usize)>,
    open: Vec<Open>,
}

/// A tag's index in `tags` (or `u32::MAX` for none).
fn push_tag(tags: &mut Vec<Tag>, tag: Option<&Tag>) -> u32 {
    match tag {
        None => u32::MAX,
        Some(tag) => {
            tags.push(tag.clone());
            (tags.len() - 1) as u32
        }
    }
}

impl Tape {
    /// Notes an event read from the text, at nesting depth `depth` (after
    /// the event). `source` is the text, to tell verbatim scalars.
    ///
    /// Inlined for its first test: nearly every event of a book is outside
    /// any anchor and has none.
    #[inline]
    pub(crate) fn record(&mut self, event: &Event<'_>, pos: Pos, depth: usize, source: &str) {
        let anchor = match event {
            Event::Scalar(_, _, a, _) | Event::MappingStart(a, _) | Event::SequenceStart(a, _) => {
                *a
            }
            _ => 0,
        };
        if anchor != 0 || !self.open.is_empty() {
            self.record_anchored(event, anchor, pos, depth, source);
        }
    }

    fn record_anchored(
        &mut self,
        event: &Event<'_>,
        anchor: usize,
        pos: Pos,
        depth: usize,
        source: &str,
    ) {
        if anchor != 0 {
            let outside = match event {
                Event::Scalar(..) => depth,
                _ => depth.saturating_sub(1),
            };
            self.open.push(Open {
                anchor,
                start: self.entries.len(),
                depth: outside,
            });
        }
        if self.open.is_empty() {
            return;
        }
        if let Some(what) = self.what(event, pos, source) {
            self.entries.push(Entry { what, pos });
        }
        // Close every anchor whose node this event completes (a scalar's at
        // once, a collection's at its end).
        let closes = matches!(
            event,
            Event::Scalar(..) | Event::MappingEnd | Event::SequenceEnd
        );
        while closes && self.open.last().is_some_and(|o| o.depth == depth) {
            if let Some(o) = self.open.pop() {
                self.anchors.insert(o.anchor, (o.start, self.entries.len()));
            }
        }
    }

    /// The compact form of an event.
    fn what(&mut self, event: &Event<'_>, pos: Pos, source: &str) -> Option<What> {
        Some(match event {
            Event::Scalar(text, style, _, tag) => {
                let start = pos.offset as usize;
                let verbatim = source.get(start..start + pos.len as usize) == Some(text.as_ref());
                let index = if verbatim {
                    VERBATIM
                } else {
                    let at = self.copies.len() as u32;
                    self.copies.push_str(text);
                    self.texts.push((at, text.len() as u32));
                    (self.texts.len() - 1) as u32
                };
                What::Scalar(*style, index, push_tag(&mut self.tags, tag.as_deref()))
            }
            Event::MappingStart(_, tag) => {
                What::Start(true, push_tag(&mut self.tags, tag.as_deref()))
            }
            Event::SequenceStart(_, tag) => {
                What::Start(false, push_tag(&mut self.tags, tag.as_deref()))
            }
            Event::MappingEnd => What::End(true),
            Event::SequenceEnd => What::End(false),
            Event::Alias(id) => What::Alias(*id),
            _ => return None,
        })
    }

    /// A replay of anchor `id` for an alias at `at`, if the anchor's node is
    /// complete (an alias inside its own anchor's node names nothing yet).
    pub(crate) fn replay(&self, id: usize, at: Pos) -> Option<Replay> {
        let &(next, end) = self.anchors.get(&id)?;
        Some(Replay { next, end, at })
    }

    /// The next event of `replay`, at the alias's position, with the length
    /// of its text; an alias inside it comes back as a new replay to push.
    pub(crate) fn next<'a>(&self, replay: &mut Replay, source: &'a str) -> Option<Taped<'a>> {
        let entry = *self
            .entries
            .get(replay.next)
            .filter(|_| replay.next < replay.end)?;
        replay.next += 1;
        let tag = |i: u32| self.tags.get(i as usize).map(|t| Box::new(t.clone()));
        let event = match entry.what {
            What::Scalar(style, index, t) => {
                let text: Cow<'a, str> = match self.texts.get(index as usize) {
                    Some(&(at, len)) => Cow::Owned(
                        self.copies
                            .get(at as usize..(at + len) as usize)
                            .unwrap_or("")
                            .to_string(),
                    ),
                    None => {
                        let start = entry.pos.offset as usize;
                        Cow::Borrowed(
                            source
                                .get(start..start + entry.pos.len as usize)
                                .unwrap_or(""),
                        )
                    }
                };
                Event::Scalar(text, style, 0, tag(t))
            }
            What::Start(true, t) => Event::MappingStart(0, tag(t)),
            What::Start(false, t) => Event::SequenceStart(0, tag(t)),
            What::End(true) => Event::MappingEnd,
            What::End(false) => Event::SequenceEnd,
            What::Alias(id) => {
                return Some(Taped::Alias(self.replay(id, replay.at)));
            }
        };
        Some(Taped::Event(event, replay.at))
    }

    /// Bytes held, for tests of the bound.
    #[cfg(test)]
    fn entries(&self) -> usize {
        self.entries.len()
    }
}

/// What a replay gives next.
pub(crate) enum Taped<'a> {
    /// An event, at the alias's position.
    Event(Event<'a>, Pos),
    /// A nested alias: the replay of its anchor (always complete: it was
    /// checked when the alias was read).
    Alias(Option<Replay>),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(offset: u32, len: u32) -> Pos {
        Pos {
            line: 1,
            column: offset + 1,
            offset,
            len,
        }
    }

    #[test]
    fn nested_anchors_share_one_recording() {
        // &a [&b [x, y], z]
        let src = "&a [&b [x, y], z]";
        let mut tape = Tape::default();
        let events = [
            (Event::SequenceStart(1, None), pos(3, 1), 1),
            (Event::SequenceStart(2, None), pos(7, 1), 2),
            (
                Event::Scalar("x".into(), Style::Plain, 0, None),
                pos(8, 1),
                2,
            ),
            (
                Event::Scalar("y".into(), Style::Plain, 0, None),
                pos(11, 1),
                2,
            ),
            (Event::SequenceEnd, pos(12, 1), 1),
            (
                Event::Scalar("z".into(), Style::Plain, 0, None),
                pos(15, 1),
                1,
            ),
            (Event::SequenceEnd, pos(16, 1), 0),
        ];
        for (event, p, depth) in &events {
            tape.record(event, *p, *depth, src);
        }
        assert_eq!(tape.entries(), events.len());
        assert_eq!(tape.anchors.get(&2), Some(&(1, 5)));
        assert_eq!(tape.anchors.get(&1), Some(&(0, 7)));
        let at = pos(20, 2);
        let mut replay = tape.replay(2, at).unwrap();
        let mut seen = Vec::new();
        while let Some(Taped::Event(e, p)) = tape.next(&mut replay, src) {
            assert_eq!(p, at);
            seen.push(format!("{e:?}"));
        }
        assert_eq!(seen.len(), 4);
        assert!(seen[1].contains("\"x\""), "{seen:?}");
    }
}
