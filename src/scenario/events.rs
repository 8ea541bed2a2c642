//! A YAML event stream with positions, alias replay and limits.
//!
//! Wraps saphyr-parser's event loop. Anchored nodes are recorded as they pass and
//! replayed when an alias names them, so the loader never sees an alias; the number
//! of replayed events is bounded (against "billion laughs" files), and so is the
//! nesting depth (against stack and memory exhaustion).

use saphyr_parser::{Event, Parser, ScanError, Span as YSpan, StrInput};
use std::collections::HashMap;
use std::rc::Rc;

use super::pipe::{Pipe, MIN_PIPED_BYTES};
use super::store::Pos;
use crate::source::CharToByte;

/// Bounds on hostile input.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest scenario file, in bytes.
    pub max_file_bytes: usize,
    /// Deepest nesting of mappings and sequences.
    pub max_depth: usize,
    /// Most events that aliases may replay in one file.
    pub max_alias_events: usize,
    /// Longest string value, in bytes.
    pub max_string_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 1 << 30,
            max_depth: 64,
            max_alias_events: 100_000,
            max_string_bytes: 1 << 16,
        }
    }
}

/// Why the event stream stopped.
#[derive(Debug)]
pub enum StreamError {
    /// The YAML does not parse.
    Syntax {
        /// Where.
        pos: Pos,
        /// The parser's reason.
        info: String,
    },
    /// Aliases replayed more events than allowed.
    AliasLimit(Pos),
    /// Nesting deeper than allowed.
    DepthLimit(Pos),
}

type Recorded<'a> = Rc<Vec<(Event<'a>, YSpan)>>;

struct Recording<'a> {
    anchor: usize,
    events: Vec<(Event<'a>, YSpan)>,
    depth: usize,
}

/// Where parser events come from.
enum Input<'a> {
    /// A parser on this thread.
    Inline(Box<Parser<'a, StrInput<'a>>>),
    /// A parser on another thread.
    Piped(Pipe<'a>),
}

/// The event stream.
pub struct Events<'a> {
    input: Input<'a>,
    replays: Vec<(Recorded<'a>, usize)>,
    anchors: HashMap<usize, Recorded<'a>>,
    recordings: Vec<Recording<'a>>,
    replayed: usize,
    depth: usize,
    limits: Limits,
    positions: CharToByte,
}

impl<'a> Events<'a> {
    /// A stream over `text`.
    pub fn new(text: &'a str, limits: Limits) -> Self {
        Self::with_input(
            text,
            limits,
            Input::Inline(Box::new(Parser::new_from_str(text))),
        )
    }

    /// A stream over `text` whose events come from a parser running on a
    /// thread of `scope` when the text is large (see [`super::pipe`]).
    pub fn piped<'scope, 'env>(
        text: &'a str,
        limits: Limits,
        scope: &'scope std::thread::Scope<'scope, 'env>,
    ) -> Self
    where
        'a: 'scope,
    {
        if text.len() < MIN_PIPED_BYTES {
            return Self::new(text, limits);
        }
        Self::with_input(text, limits, Input::Piped(Pipe::spawn(scope, text)))
    }

    fn with_input(text: &'a str, limits: Limits, input: Input<'a>) -> Self {
        Events {
            input,
            replays: Vec::new(),
            anchors: HashMap::new(),
            recordings: Vec::new(),
            replayed: 0,
            depth: 0,
            limits,
            positions: CharToByte::new(text),
        }
    }

    /// The position of a parser span.
    pub fn pos(&self, span: &YSpan) -> Pos {
        let start = self.positions.byte(span.start.index());
        let end = self.positions.byte(span.end.index()).max(start);
        Pos {
            line: span.start.line() as u32,
            column: span.start.col() as u32 + 1,
            offset: start as u32,
            len: (end - start) as u32,
        }
    }

    /// The current nesting depth.
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// The next event, aliases replaced by what they name.
    pub fn next_event(&mut self) -> Result<(Event<'a>, YSpan), StreamError> {
        loop {
            let (event, span, replayed) = self.raw_next()?;
            if let Event::Alias(id) = event {
                match self.anchors.get(&id) {
                    Some(recorded) => {
                        self.replays.push((Rc::clone(recorded), 0));
                        continue;
                    }
                    None => {
                        return Err(StreamError::Syntax {
                            pos: self.pos(&span),
                            info: "alias to an unknown anchor".into(),
                        })
                    }
                }
            }
            self.track_depth(&event, &span)?;
            self.record(&event, &span, !replayed);
            return Ok((event, span));
        }
    }

    /// The next event with its position, aliases replaced by what they name.
    ///
    /// The loader's path: a position is a quarter of the size of a parser span,
    /// and every event passes through a few calls, so this moves less. The
    /// error is boxed for the same reason (it is rare and large).
    #[inline]
    pub fn next_with_pos(&mut self) -> Result<(Event<'a>, Pos), Box<StreamError>> {
        match self.next_event() {
            Ok((event, span)) => Ok((event, self.pos(&span))),
            Err(e) => Err(Box::new(e)),
        }
    }

    /// Skips the rest of the node that `first` (an event already read) starts.
    /// Returns `false` when the stream ends inside it.
    pub fn skip_node(&mut self, first: &Event<'a>) -> Result<bool, Box<StreamError>> {
        let mut depth: usize = match first {
            Event::MappingStart(..) | Event::SequenceStart(..) => 1,
            _ => return Ok(true),
        };
        while depth > 0 {
            match self.next_event().map_err(Box::new)?.0 {
                Event::MappingStart(..) | Event::SequenceStart(..) => depth += 1,
                Event::MappingEnd | Event::SequenceEnd => depth -= 1,
                Event::StreamEnd => return Ok(false),
                _ => {}
            }
        }
        Ok(true)
    }

    /// The next event from a replay (flagged `true`) or from the parser.
    fn raw_next(&mut self) -> Result<(Event<'a>, YSpan, bool), StreamError> {
        while let Some((recorded, index)) = self.replays.last_mut() {
            if let Some((event, span)) = recorded.get(*index).cloned() {
                *index += 1;
                self.replayed += 1;
                if self.replayed > self.limits.max_alias_events {
                    return Err(StreamError::AliasLimit(self.pos(&span)));
                }
                return Ok((event, span, true));
            }
            self.replays.pop();
        }
        let next = match &mut self.input {
            Input::Inline(parser) => parser.next_event(),
            Input::Piped(pipe) => pipe.next_event(),
        };
        match next {
            Some(Ok((event, span))) => Ok((event, span, false)),
            Some(Err(e)) => Err(self.scan_error(e)),
            None => Ok((Event::StreamEnd, YSpan::default(), false)),
        }
    }

    fn scan_error(&self, e: ScanError) -> StreamError {
        let marker = *e.marker();
        let pos = self.pos(&YSpan::new(marker, marker));
        let pos = Pos { len: 1, ..pos };
        if e.info().contains("recursion limit") {
            StreamError::DepthLimit(pos)
        } else {
            StreamError::Syntax {
                pos,
                info: e.info().to_string(),
            }
        }
    }

    fn track_depth(&mut self, event: &Event<'a>, span: &YSpan) -> Result<(), StreamError> {
        match event {
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                self.depth += 1;
                if self.depth > self.limits.max_depth {
                    return Err(StreamError::DepthLimit(self.pos(span)));
                }
            }
            Event::MappingEnd | Event::SequenceEnd => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
        Ok(())
    }

    /// Feeds an event to the open recordings and, for an anchor read from the
    /// text (not a replay of one already recorded), opens a new recording.
    fn record(&mut self, event: &Event<'a>, span: &YSpan, from_text: bool) {
        let anchor = match event {
            Event::Scalar(_, _, a, _) | Event::MappingStart(a, _) | Event::SequenceStart(a, _) => {
                *a
            }
            _ => 0,
        };
        if anchor != 0 && from_text {
            self.recordings.push(Recording {
                anchor,
                events: Vec::new(),
                depth: 0,
            });
        }
        if self.recordings.is_empty() {
            return;
        }
        let delta: isize = match event {
            Event::MappingStart(..) | Event::SequenceStart(..) => 1,
            Event::MappingEnd | Event::SequenceEnd => -1,
            _ => 0,
        };
        let mut finished = Vec::new();
        for (i, rec) in self.recordings.iter_mut().enumerate() {
            rec.events.push((event.clone(), *span));
            rec.depth = rec.depth.saturating_add_signed(delta);
            if rec.depth == 0 {
                finished.push(i);
            }
        }
        for i in finished.into_iter().rev() {
            let rec = self.recordings.remove(i);
            self.anchors.insert(rec.anchor, Rc::new(rec.events));
        }
    }
}
