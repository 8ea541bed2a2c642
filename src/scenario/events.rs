//! A YAML event stream with positions, alias replay and limits.
//!
//! Wraps saphyr-parser's event loop. Anchored nodes are recorded once as they
//! pass (see [`super::tape`]) and replayed when an alias names them, so the
//! loader never sees an alias. What aliases expand to is bounded in values and
//! in bytes of text, both growing with the file (against "billion laughs"
//! files: see [`Limits`]), and so is the nesting depth (against stack and
//! memory exhaustion). Replayed events are placed at their alias, so that a
//! duplicate created through an alias is reported where it is created.

use saphyr_parser::Event as YEvent;

use super::event::Event;
use super::input::MAX_PENDING_TOKENS;
use super::json::EventSource;
use super::pipe::{Ending, Pipe, MIN_PIPED_BYTES};
use super::positions::{pos_at, stream_end, Positioned, Positions};
use super::store::Pos;
use super::tape::{Replay, Tape, Taped};
use super::text_checks::first_control_char;

/// Bounds on hostile input.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest scenario file, in bytes.
    pub max_file_bytes: usize,
    /// Deepest nesting of mappings and sequences.
    pub max_depth: usize,
    /// Values that aliases may expand to in any file; a larger file may
    /// expand to as many values as it has bytes.
    pub max_alias_events: usize,
    /// Bytes of text that aliases may expand to in any file; a larger file
    /// may expand to `ALIAS_BYTES_PER_BYTE` times its size.
    pub max_alias_bytes: usize,
    /// Longest string value, in bytes.
    pub max_string_bytes: usize,
}

/// The deepest YAML nesting [`Limits::max_depth`] may allow (`--max-depth`,
/// `limits.max_depth`): the YAML parser counts flow nesting in a byte and
/// stops at 256 levels by itself, so a larger bound would never apply.
pub(crate) const MAX_DEPTH_CEILING: usize = 255;

/// Bytes of scalar text that aliases may produce per byte of the file,
/// beyond [`Limits::max_alias_bytes`].
pub(crate) const ALIAS_BYTES_PER_BYTE: usize = 4;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 1 << 30,
            max_depth: 64,
            max_alias_events: 100_000,
            max_alias_bytes: 16 << 20,
            max_string_bytes: 1 << 16,
        }
    }
}

impl Limits {
    /// The most values aliases may expand to in a file of `len` bytes.
    pub fn alias_values(&self, len: usize) -> usize {
        self.max_alias_events.max(len)
    }

    /// The most bytes of text aliases may expand to in a file of `len` bytes.
    pub fn alias_bytes(&self, len: usize) -> usize {
        self.max_alias_bytes
            .max(len.saturating_mul(ALIAS_BYTES_PER_BYTE))
    }
}

/// Which alias bound was reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AliasBound {
    /// The number of values, with the bound for this file.
    Values(usize),
    /// The bytes of text, with the bound for this file.
    Bytes(usize),
}

impl AliasBound {
    /// What was exceeded, for a message.
    pub(crate) fn message(self) -> String {
        match self {
            AliasBound::Values(n) => format!("aliases expand to more than {n} values"),
            AliasBound::Bytes(n) => format!("aliases expand to more than {n} bytes of text"),
        }
    }

    /// The flag that raises the bound.
    pub(crate) fn flag(self) -> &'static str {
        match self {
            AliasBound::Values(_) => "--max-alias-events",
            AliasBound::Bytes(_) => "--max-alias-bytes",
        }
    }
}

/// The message of a control character (shown as its code point, never raw).
pub(crate) fn control_char_message(found: char) -> String {
    format!(
        "invalid YAML: control character U+{:04X} is not allowed",
        u32::from(found)
    )
}

/// The help of a control character.
pub(crate) fn control_char_help(found: char) -> String {
    format!(
        "remove it; in a double-quoted string it can be written as the escape `\\u{:04X}`",
        u32::from(found)
    )
}

/// Why the event stream stopped.
#[derive(Debug)]
pub(crate) enum StreamError {
    /// The YAML does not parse.
    Syntax {
        /// Where.
        pos: Pos,
        /// The parser's reason.
        info: String,
    },
    /// A character that YAML does not allow (a control character).
    ControlChar {
        /// Where.
        pos: Pos,
        /// The character.
        found: char,
    },
    /// Aliases expanded beyond a bound.
    AliasLimit(Pos, AliasBound),
    /// Nesting deeper than allowed.
    DepthLimit(Pos),
    /// A flow collection inside another one holding more entries than the
    /// parser may keep pending (see [`super::input`]).
    FlowLimit(Pos),
}

/// The message of [`StreamError::FlowLimit`].
pub(crate) fn flow_limit_message() -> String {
    format!("a flow collection nested in another one holds more than {MAX_PENDING_TOKENS} entries")
}

/// The help of [`StreamError::FlowLimit`].
pub(crate) const FLOW_LIMIT_HELP: &str =
    "write this collection in block style (or as a JSON document, which eligo streams)";

/// The parser's messages about a tab used as indentation.
pub(crate) const TAB_ERRORS: [&str; 4] = [
    "found a tab",
    "(block indentation)",
    "tab cannot be used as indentation",
    "cannot start with a tab",
];

/// Where parser events come from.
enum Input<'a> {
    /// A parser (or a fast path) on this thread, and the conversion of
    /// its positions.
    Inline(Box<(EventSource<'a>, Positions<'a>)>),
    /// A parser on another thread, which converts the positions itself.
    Piped(Pipe<'a>),
}

/// The event stream.
pub(crate) struct Events<'a> {
    input: Input<'a>,
    text: &'a str,
    replays: Vec<Replay>,
    tape: Tape,
    /// Values and bytes replayed so far, and their bounds for this file.
    replayed: (usize, usize),
    bounds: (usize, usize),
    depth: usize,
    limits: Limits,
    /// A control character found in the text, reported before any event
    /// (for a text parsed on this thread; the pipe's thread searches the
    /// text it parses, and [`Events::ending`] gives what it found).
    control: Option<(usize, char)>,
}

impl<'a> Events<'a> {
    /// A stream over `text`.
    pub(crate) fn new(text: &'a str, limits: Limits) -> Self {
        let input = Input::Inline(Box::new((EventSource::new(text), Positions::new(text))));
        Self::with_input(text, limits, input, first_control_char(text))
    }

    /// A stream over `text` whose events come from a parser running on a
    /// thread of `scope` when the text is large (see [`super::pipe`]). With
    /// `stream`, a large text is read by a fast path (JSON or block YAML)
    /// without its dry run: what is made of the events counts only if
    /// [`Events::whole`] says so afterwards.
    pub(crate) fn piped<'scope, 'env>(
        text: &'a str,
        limits: Limits,
        scope: &'scope std::thread::Scope<'scope, 'env>,
        stream: bool,
    ) -> Self
    where
        'a: 'scope,
    {
        if text.len() < MIN_PIPED_BYTES {
            return Self::new(text, limits);
        }
        let pipe = Pipe::spawn(scope, text, stream);
        Self::with_input(text, limits, Input::Piped(pipe), None)
    }

    /// Ends the stream, and says how it ended: whether the events given were
    /// the whole text's, as saphyr-parser would give them (`false` only when
    /// a fast path, streaming without its dry run, met text it does not read,
    /// and the text must be read again from its start: see
    /// [`Pipe::ending`]), and, for a text parsed on another thread, its first
    /// control character, which the events given did not report. Such a
    /// text is invalid whatever its events were: the character is what a
    /// text parsed on this thread reports, before any event.
    pub(crate) fn ending(self) -> Ending {
        match self.input {
            Input::Inline(_) => Ending {
                whole: true,
                control: None,
            },
            Input::Piped(pipe) => pipe.ending(),
        }
    }

    fn with_input(
        text: &'a str,
        limits: Limits,
        input: Input<'a>,
        control: Option<(usize, char)>,
    ) -> Self {
        Events {
            input,
            text,
            replays: Vec::new(),
            tape: Tape::default(),
            replayed: (0, 0),
            bounds: (
                limits.alias_values(text.len()),
                limits.alias_bytes(text.len()),
            ),
            depth: 0,
            limits,
            control,
        }
    }

    /// The next event with its position, aliases replaced by what they name
    /// (placed at the alias).
    pub(crate) fn next_event(&mut self) -> Result<(Event<'a>, Pos), StreamError> {
        self.next_positioned().map_err(|e| *e)
    }

    /// The next event as saphyr-parser's type, for readers written against
    /// it; otherwise as [`Events::next_positioned`].
    pub(crate) fn next_with_pos(&mut self) -> Result<(YEvent<'a>, Pos), Box<StreamError>> {
        self.next_positioned()
            .map(|(event, pos)| (event.into(), pos))
    }

    /// The next event with its position: the loader's path. The error is
    /// boxed (it is rare and large, and every event passes through here).
    #[inline]
    pub(crate) fn next_positioned(&mut self) -> Positioned<'a> {
        if let Some((offset, found)) = self.control.take() {
            let pos = pos_at(self.text, offset, found.len_utf8());
            return Err(Box::new(StreamError::ControlChar { pos, found }));
        }
        loop {
            // Nearly always empty: only an alias starts a replay.
            if !self.replays.is_empty() {
                if let Some((event, pos)) = self.replayed_next()? {
                    self.track_depth(&event, pos)?;
                    return Ok((event, pos));
                }
            }
            let (event, pos) = self.parsed_next()?;
            if let Event::Alias(id) = event {
                let Some(replay) = self.tape.replay(id, pos) else {
                    return Err(Box::new(StreamError::Syntax {
                        pos,
                        info: "alias to an unknown anchor".into(),
                    }));
                };
                // An alias inside an anchored node is taped as itself.
                self.tape.record(&event, pos, self.depth, self.text);
                self.replays.push(replay);
                continue;
            }
            self.track_depth(&event, pos)?;
            self.tape.record(&event, pos, self.depth, self.text);
            return Ok((event, pos));
        }
    }

    /// Skips the rest of the node that `first` (an event already read) starts.
    /// Returns `false` when the stream ends inside it.
    pub(crate) fn skip_node(&mut self, first: &Event<'a>) -> Result<bool, Box<StreamError>> {
        let mut depth: usize = match first {
            Event::MappingStart(..) | Event::SequenceStart(..) => 1,
            _ => return Ok(true),
        };
        while depth > 0 {
            match self.next_positioned()?.0 {
                Event::MappingStart(..) | Event::SequenceStart(..) => depth += 1,
                Event::MappingEnd | Event::SequenceEnd => depth -= 1,
                Event::StreamEnd => return Ok(false),
                _ => {}
            }
        }
        Ok(true)
    }

    /// The next event of the innermost replay, counted against the bounds.
    fn replayed_next(&mut self) -> Result<Option<(Event<'a>, Pos)>, StreamError> {
        while let Some(replay) = self.replays.last_mut() {
            match self.tape.next(replay, self.text) {
                Some(Taped::Event(event, pos)) => {
                    self.count(&event, pos)?;
                    return Ok(Some((event, pos)));
                }
                Some(Taped::Alias(Some(nested))) => self.replays.push(nested),
                Some(Taped::Alias(None)) | None => {
                    self.replays.pop();
                }
            }
        }
        Ok(None)
    }

    /// Counts a replayed event against the alias bounds.
    fn count(&mut self, event: &Event<'a>, pos: Pos) -> Result<(), StreamError> {
        let bytes = match event {
            Event::Scalar(text, ..) => text.len(),
            _ => 0,
        };
        self.replayed.0 += 1;
        self.replayed.1 = self.replayed.1.saturating_add(bytes);
        if self.replayed.0 > self.bounds.0 {
            return Err(StreamError::AliasLimit(
                pos,
                AliasBound::Values(self.bounds.0),
            ));
        }
        if self.replayed.1 > self.bounds.1 {
            return Err(StreamError::AliasLimit(
                pos,
                AliasBound::Bytes(self.bounds.1),
            ));
        }
        Ok(())
    }

    /// The next event from the parser, with its position.
    #[inline]
    fn parsed_next(&mut self) -> Positioned<'a> {
        match &mut self.input {
            Input::Inline(inline) => {
                let (parser, positions) = &mut **inline;
                positions.positioned(parser.next_event())
            }
            Input::Piped(pipe) => pipe.next_event().unwrap_or_else(|| Ok(stream_end())),
        }
    }

    fn track_depth(&mut self, event: &Event<'a>, pos: Pos) -> Result<(), StreamError> {
        match event {
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                self.depth += 1;
                if self.depth > self.limits.max_depth {
                    return Err(StreamError::DepthLimit(pos));
                }
            }
            Event::MappingEnd | Event::SequenceEnd => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
        Ok(())
    }
}
