//! YAML parsing on a second thread, feeding the loader through a channel.
//!
//! Scanning and parsing YAML is most of the cost of a check, and the loader's
//! own work (validating each value against the schema and storing it) comes on
//! top of it when both run in one thread. With a producer thread that only
//! parses, and the loader consuming its events, a large file takes about as
//! long as parsing alone on a machine with two cores. Events travel in batches
//! so that the channel costs little per event, and the channel is bounded so
//! that a parser running ahead holds only a few batches. Emptied batches go
//! back to the parser to be filled again: a fresh batch each time is fresh
//! pages each time, and memory the allocator keeps once freed (reusing
//! them lowered the peak while loading a million subscriptions from 349 to
//! 334 MB). The parser's thread also gives each event its position (see
//! [`super::positions`]), so that the loader's thread, the longer one,
//! receives events ready to use. Small files are parsed inline (a
//! thread is not worth it for them).

use saphyr_parser::{Event, ScanError, Span as YSpan};

use super::block::BlockEvents;
use super::json::{EventSource, JsonEvents};
use super::positions::{Positioned, Positions};
use super::text_checks::first_control_char;
use std::borrow::Cow;
use std::collections::VecDeque;
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender, SyncSender};
use std::thread::Scope;

/// Files below this size are parsed on the loader's thread.
pub(crate) const MIN_PIPED_BYTES: usize = 1 << 20;

/// Events per batch (64 bytes an event with its position, see
/// [`super::event`]). Large batches mean few hand-overs: a thread that
/// sleeps until the next batch is woken on its waker's core, and with a
/// hand-over per thousand events the two threads ended up sharing one core.
const BATCH: usize = 8_192;

/// How many events ahead of the one it takes the loader reads a batch.
///
/// A batch was written on the parser's core, so each event (one cache line
/// with its position) is a miss on the loader's. Reading one a little ahead,
/// whose value nothing waits for, starts that miss while the loader works on
/// the events before it (the first read of an event gathered about 45% of
/// `Loader::next`'s samples on a JSON book before).
const AHEAD: usize = 12;

/// Batches in flight besides the two being filled and drained (a few
/// megabytes of events).
const DEPTH: usize = 2;

/// What the parser gives for one event.
pub(crate) type Item<'a> = Result<(Event<'a>, YSpan), ScanError>;

/// Events in the order parsed, with their positions.
type Batch<'a> = VecDeque<Positioned<'a>>;

/// The consuming end.
pub(crate) struct Pipe<'a> {
    rx: Receiver<Batch<'a>>,
    /// Where emptied batches go back to the parser.
    back: Sender<Batch<'a>>,
    /// The batch being drained (a queue, so that taking the next event keeps
    /// the batch's buffer, with nothing to reverse).
    batch: Batch<'a>,
    /// How the parse ended, sent once the parser is done.
    ending: Receiver<Ending>,
}

/// How a piped parse ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Ending {
    /// Whether the events given were those of the whole text (see
    /// [`Pipe::ending`]).
    pub whole: bool,
    /// The text's first control character, with its byte offset.
    pub control: Option<(usize, char)>,
}

impl<'a> Pipe<'a> {
    /// Starts parsing `text` on a thread of `scope`. With `stream`, the text
    /// is read by a fast path without its dry run (the JSON one for a text
    /// that starts like JSON, the block one otherwise), and [`Pipe::ending`]
    /// says whether the events given were the text's; otherwise the events
    /// are those of [`EventSource::new`]. The thread also searches the text
    /// for a control character, once it has sent the events.
    pub(crate) fn spawn<'scope, 'env>(
        scope: &'scope Scope<'scope, 'env>,
        text: &'a str,
        stream: bool,
    ) -> Self
    where
        'a: 'scope,
    {
        let (tx, rx) = sync_channel::<Batch<'a>>(DEPTH);
        let (back, returned) = channel::<Batch<'a>>();
        let (done, ending) = channel();
        scope.spawn(move || {
            let whole = if stream {
                stream_fast_events(text, Streaming::new(text), &tx, &returned)
            } else {
                stream_source_events(text, &tx, &returned);
                true
            };
            // The loader is the longer of the two threads: the text is
            // searched for a control character here, once the events are
            // sent, while it catches up, and not before the first event.
            drop(tx);
            let control = first_control_char(text);
            // The ending cannot be lost: the receiver waits for it.
            let _ = done.send(Ending { whole, control });
        });
        Pipe {
            rx,
            back,
            batch: VecDeque::new(),
            ending,
        }
    }

    /// The next event, as `Parser::next_event` would give it, positioned
    /// by [`Positions::positioned`]; `None` once the parser is done.
    #[inline]
    pub(crate) fn next_event(&mut self) -> Option<Positioned<'a>> {
        loop {
            if let Some(item) = self.batch.pop_front() {
                if let Some(ahead) = self.batch.get(AHEAD) {
                    // `black_box`, so that the read is made.
                    std::hint::black_box(ahead.is_ok());
                }
                return Some(item);
            }
            // The producer hung up after its last batch: the stream is over.
            let next = self.rx.recv().ok()?;
            let empty = std::mem::replace(&mut self.batch, next);
            // The parser may be done and gone: then the batch is just freed.
            let _ = self.back.send(empty);
        }
    }

    /// How the parse ended: whether the events given were those of the
    /// whole text (`false` only when a fast path, streaming without its dry
    /// run, met text it does not read: then the text must be read again from
    /// its start, the way of [`EventSource::new`]), and the text's first
    /// control character. Stops the parser if the consumer stopped early
    /// (the fast path then checks the rest of the text, as its dry run
    /// would have).
    pub(crate) fn ending(self) -> Ending {
        let Pipe { rx, ending, .. } = self;
        drop(rx);
        ending.recv().unwrap_or(Ending {
            whole: false,
            control: None,
        })
    }
}

/// Sends the items of `next`, positioned, in batches until the stream ends,
/// an error, or the consumer hangs up; returns `false` when it hung up.
fn produce<'a>(
    positions: &Positions<'a>,
    tx: &SyncSender<Batch<'a>>,
    returned: &Receiver<Batch<'a>>,
    mut next: impl FnMut() -> Option<Item<'a>>,
) -> bool {
    let fresh = || {
        returned
            .try_recv()
            .unwrap_or_else(|_| VecDeque::with_capacity(BATCH))
    };
    let mut batch = fresh();
    loop {
        let item = next();
        let last = !matches!(item, Some(Ok(_)));
        if item.is_some() {
            batch.push_back(positions.positioned(item));
        }
        if batch.len() == BATCH || last {
            // A closed channel means the loader stopped (an error it
            // reports, or a limit): stop parsing too.
            let full = std::mem::replace(&mut batch, fresh());
            if tx.send(full).is_err() {
                return false;
            }
            if last {
                return true;
            }
        }
    }
}

/// Sends the events of [`EventSource::new`] (saphyr-parser's, or the JSON
/// fast path's after its dry run). A function of its own so that profiles
/// show the parser thread's work by name (`benches/phases.py`).
#[inline(never)]
fn stream_source_events<'a>(
    text: &'a str,
    tx: &SyncSender<Batch<'a>>,
    returned: &Receiver<Batch<'a>>,
) {
    let mut parser = EventSource::new(text);
    // The fast paths borrow every scalar they can already.
    let ascii = !parser.is_fast() && text.is_ascii();
    let positions = Positions::new(text);
    produce(&positions, tx, returned, || {
        let mut item = parser.next_event();
        if ascii {
            if let Some(Ok((event, span))) = &mut item {
                borrow_scalar(text, event, span);
            }
        }
        item
    });
}

/// A fast path read without its dry run.
enum Streaming<'a> {
    Json(JsonEvents<'a>),
    Block(BlockEvents<'a>),
}

/// The fast path met text it does not read: saphyr-parser must read it.
struct HandOver;

impl<'a> Streaming<'a> {
    /// The JSON fast path for a text that starts like JSON, the block one
    /// for any other (a text in neither form is handed over at once).
    fn new(text: &'a str) -> Self {
        match JsonEvents::streaming(text) {
            Some(json) => Streaming::Json(json),
            None => Streaming::Block(BlockEvents::streaming(text)),
        }
    }

    fn next_event(&mut self) -> Option<Result<(Event<'a>, YSpan), HandOver>> {
        match self {
            Streaming::Json(json) => Some(json.next_event()?.map_err(|_| HandOver)),
            Streaming::Block(block) => Some(block.next_event()?.map_err(|_| HandOver)),
        }
    }

    fn reads_to_the_end(&mut self) -> bool {
        match self {
            Streaming::Json(json) => json.reads_to_the_end(),
            Streaming::Block(block) => block.reads_to_the_end(),
        }
    }
}

/// Sends a fast path's events; returns whether it read the text to its end.
/// Where it meets text it does not read, the consumer gets an error (so that
/// it stops) and the answer is `false`; where the consumer stops early, the
/// rest of the text is scanned for the answer.
#[inline(never)]
fn stream_fast_events<'a>(
    text: &'a str,
    mut fast: Streaming<'a>,
    tx: &SyncSender<Batch<'a>>,
    returned: &Receiver<Batch<'a>>,
) -> bool {
    let mut handed_over = false;
    let positions = Positions::new(text);
    let sent_all = produce(&positions, tx, returned, || match fast.next_event()? {
        Ok(event) => Some(Ok(event)),
        Err(HandOver) => {
            handed_over = true;
            Some(Err(ScanError::new_str(
                saphyr_parser::Marker::new(0, 1, 0),
                "the fast path hands this text over to the YAML parser",
            )))
        }
    });
    if handed_over {
        return false;
    }
    sent_all || fast.reads_to_the_end()
}

/// Replaces a scalar's owned text by the same text borrowed from the source,
/// when the source holds it verbatim (plain scalars, in ASCII files where
/// parser indexes are byte offsets).
///
/// The parser allocates every scalar; freeing it on the loader's thread would
/// make both threads contend for the allocator's lock on every event, so the
/// copy is freed here, where it was made, and only a borrow crosses over.
fn borrow_scalar<'a>(text: &'a str, event: &mut Event<'a>, span: &YSpan) {
    let Event::Scalar(value, ..) = event else {
        return;
    };
    if let Some(verbatim) = text.get(span.start.index()..span.end.index()) {
        if verbatim == value.as_ref() {
            *value = Cow::Borrowed(verbatim);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::input::parser;

    /// The events of `text` as (event, position) debug strings, parsed
    /// inline (and positioned there) or on a thread.
    fn events(text: &str, piped: bool) -> Vec<String> {
        let show = |item: Positioned<'_>| match item {
            Ok((event, pos)) => format!("{event:?} {pos:?}"),
            Err(e) => format!("error {e:?}"),
        };
        if !piped {
            // Stop after the first error, as the pipe does (a parser asked
            // again after an error may keep failing).
            let mut parser = parser(text);
            let positions = Positions::new(text);
            let mut failed = false;
            return std::iter::from_fn(|| {
                let item = parser.next_event().filter(|_| !failed)?;
                failed = item.is_err();
                Some(positions.positioned(Some(item)))
            })
            .map(show)
            .collect();
        }
        std::thread::scope(|scope| {
            let mut pipe = Pipe::spawn(scope, text, false);
            std::iter::from_fn(|| pipe.next_event()).map(show).collect()
        })
    }

    #[test]
    fn piped_events_are_the_parser_events() {
        let mut text = String::from("items:\n");
        for i in 0..3000 {
            text.push_str(&format!("  - {{ id: \"x{i}\", name: plain {i} }} # c\n"));
        }
        assert_eq!(events(&text, true), events(&text, false));
        text.push_str("  - [unclosed\n");
        let piped = events(&text, true);
        assert!(piped.last().is_some_and(|e| e.starts_with("error")));
        assert_eq!(piped, events(&text, false));
    }

    /// The first `take` items of `text` streamed by a fast path without its
    /// dry run (all of them with `None`), as debug strings, and what the pipe
    /// then says of the whole text.
    fn streamed(text: &str, take: Option<usize>) -> (Vec<String>, bool) {
        std::thread::scope(|scope| {
            let mut pipe = Pipe::spawn(scope, text, true);
            let items = std::iter::from_fn(|| pipe.next_event())
                .take(take.unwrap_or(usize::MAX))
                .map(|item| match item {
                    Ok((event, pos)) => format!("{event:?} {pos:?}"),
                    Err(_) => "error".to_string(),
                })
                .collect();
            (items, pipe.ending().whole)
        })
    }

    /// Streams `readable` (a text the fast path reads) and `unreadable` (the
    /// same with text it does not read at the end): the first is whole, with
    /// the events of the dry-run path, also when the consumer stops early;
    /// the second ends in an error after the events before it and is not
    /// whole, also when the consumer stops early. Gives the first's items.
    fn assert_streams(readable: &str, unreadable: &str) -> Vec<String> {
        let (items, whole) = streamed(readable, None);
        assert!(whole);
        assert_eq!(items, events(readable, true));
        assert_eq!(streamed(readable, Some(5)), (items[..5].to_vec(), true));
        let (late, whole) = streamed(unreadable, None);
        assert!(!whole);
        assert_eq!(late.last().map(String::as_str), Some("error"));
        assert!(!streamed(unreadable, Some(5)).1);
        items
    }

    #[test]
    fn streamed_json_says_whether_it_read_the_whole_text() {
        let mut json = String::from("{\"items\": [");
        for i in 0..3000 {
            json.push_str(&format!("{{\"id\": \"x{i}\", \"n\": {i}}}, "));
        }
        json.push_str("1]}\n");
        // A comment, which JSON does not have, at the end.
        assert_streams(&json, &format!("{json}# a comment\n"));
    }

    #[test]
    fn streamed_block_yaml_says_whether_it_read_the_whole_text() {
        let mut yaml = String::from("items:\n");
        for i in 0..3000 {
            yaml.push_str(&format!("  - id: x{i}\n    n: {i} # a comment\n"));
        }
        // An anchor, which the block path hands over, on the last line.
        let items = assert_streams(&yaml, &format!("{yaml}last: &a 1\n"));
        // The events are saphyr's too.
        assert_eq!(items, events(&yaml, false));
        // A text in neither form is handed over at its first event.
        let (items, whole) = streamed("--- &x\na: 1\n", None);
        assert_eq!((items.len(), whole), (2, false));
    }
}
