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
//! 334 MB). Small files are parsed inline (a
//! thread is not worth it for them).

use saphyr_parser::{Event, ScanError, Span as YSpan};

use super::json::EventSource;
use std::borrow::Cow;
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender};
use std::thread::Scope;

/// Files below this size are parsed on the loader's thread.
pub const MIN_PIPED_BYTES: usize = 1 << 20;

/// Events per batch (136 bytes an event). Large batches mean few hand-overs:
/// a thread that sleeps until the next batch is woken on its waker's core,
/// and with a hand-over per thousand events the two threads ended up sharing
/// one core.
const BATCH: usize = 8_192;

/// Batches in flight besides the two being filled and drained (a few
/// megabytes of events).
const DEPTH: usize = 2;

/// What the parser gives for one event.
pub type Item<'a> = Result<(Event<'a>, YSpan), ScanError>;

/// The consuming end.
pub struct Pipe<'a> {
    rx: Receiver<Vec<Item<'a>>>,
    /// Where emptied batches go back to the parser.
    back: Sender<Vec<Item<'a>>>,
    /// The batch being drained, in reverse order (so that taking the next
    /// event is a `pop` and the batch keeps its buffer).
    batch: Vec<Item<'a>>,
}

impl<'a> Pipe<'a> {
    /// Starts parsing `text` on a thread of `scope`.
    pub fn spawn<'scope, 'env>(scope: &'scope Scope<'scope, 'env>, text: &'a str) -> Self
    where
        'a: 'scope,
    {
        let (tx, rx) = sync_channel::<Vec<Item<'a>>>(DEPTH);
        let (back, returned) = channel::<Vec<Item<'a>>>();
        let ascii = text.is_ascii();
        scope.spawn(move || {
            let mut parser = EventSource::new(text);
            // The fast paths borrow every scalar they can already.
            let ascii = ascii && !parser.is_fast();
            let fresh = || {
                returned
                    .try_recv()
                    .unwrap_or_else(|_| Vec::with_capacity(BATCH))
            };
            let mut batch = fresh();
            loop {
                let mut item = parser.next_event();
                if ascii {
                    if let Some(Ok((event, span))) = &mut item {
                        borrow_scalar(text, event, span);
                    }
                }
                let last = !matches!(item, Some(Ok(_)));
                batch.extend(item);
                if batch.len() == BATCH || last {
                    // A closed channel means the loader stopped (an error it
                    // reports, or a limit): stop parsing too.
                    let mut full = std::mem::replace(&mut batch, fresh());
                    full.reverse();
                    if tx.send(full).is_err() || last {
                        return;
                    }
                }
            }
        });
        Pipe {
            rx,
            back,
            batch: Vec::new(),
        }
    }

    /// The next event, as `Parser::next_event` would give it.
    pub fn next_event(&mut self) -> Option<Item<'a>> {
        loop {
            if let Some(item) = self.batch.pop() {
                return Some(item);
            }
            // The producer hung up after its last batch: the stream is over.
            let next = self.rx.recv().ok()?;
            let empty = std::mem::replace(&mut self.batch, next);
            // The parser may be done and gone: then the batch is just freed.
            let _ = self.back.send(empty);
        }
    }
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

    /// The events of `text` as (event, span) debug strings, parsed inline or
    /// on a thread.
    fn events(text: &str, piped: bool) -> Vec<String> {
        let show = |item: Item<'_>| match item {
            Ok((event, span)) => format!("{event:?} {span:?}"),
            Err(e) => format!("error {e}"),
        };
        if !piped {
            // Stop after the first error, as the pipe does (a parser asked
            // again after an error may keep failing).
            let mut parser = parser(text);
            let mut failed = false;
            return std::iter::from_fn(|| {
                let item = parser.next_event().filter(|_| !failed)?;
                failed = item.is_err();
                Some(item)
            })
            .map(show)
            .collect();
        }
        std::thread::scope(|scope| {
            let mut pipe = Pipe::spawn(scope, text);
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
}
