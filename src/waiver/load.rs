//! Reads a waivers file with the scenario loader's YAML event stream, so every
//! waiver and every error has a line and column.
//!
//! ```yaml
//! waivers:
//!   - rule: transferable-offer
//!     subject: sub-adatum-plan
//!     reason: repurchased through the provider in wave 2
//!     owner: migration-team@contoso.com
//!     expires: 2027-01-31
//! ```
//!
//! All five fields are required. As in scenarios, only YAML strings are text: an
//! unquoted number or boolean is a wrong type, and the hint says to quote it.

use crate::scenario::event::{Event, Style};
use std::collections::HashSet;
use std::path::Path;

use super::error::{WaiverCode, WaiverError};
use super::Waiver;
use crate::date::parse_date;
use crate::scenario::events::{
    control_char_help, control_char_message, flow_limit_message, Events, StreamError,
    FLOW_LIMIT_HELP,
};
use crate::scenario::keys::{each_key, EventReader, Key};
use crate::scenario::load::printable_source;
use crate::scenario::{Limits, Pos};
use crate::source::SourceFile;
use crate::suggest::{closest, did_you_mean};

use super::fields::{
    describe, expected_of, field_help, field_list, field_name, is_null, non_string_kind, FIELDS,
};

/// The waivers of one file.
#[derive(Clone, Debug)]
pub struct WaiverFile {
    /// The file.
    pub source: SourceFile,
    /// Its waivers, in file order.
    pub waivers: Vec<Waiver>,
}

/// Reads and validates a waivers file; `rule_ids` are the loaded rules.
pub(crate) fn read_waivers(
    path: &Path,
    rule_ids: &HashSet<String>,
    limits: &Limits,
) -> Result<WaiverFile, Vec<WaiverError>> {
    let name = path.display().to_string();
    let io_error = |e: std::io::Error| {
        vec![WaiverError::file_level(
            WaiverCode::Io,
            &name,
            format!("cannot read waivers file `{name}`: {e}"),
            Some("check that the path given to `--waivers` exists and is readable".into()),
        )]
    };
    let bytes = match crate::input::read_path(path, limits.max_file_bytes) {
        Ok(bytes) => bytes.to_vec(),
        Err(crate::input::ReadError::Io(e)) => return Err(io_error(e)),
        Err(crate::input::ReadError::TooLarge { size }) => {
            let size = size.map_or("larger than".to_string(), |s| {
                format!("{s} bytes, more than")
            });
            return Err(vec![WaiverError::file_level(
                WaiverCode::SizeLimit,
                &name,
                format!(
                    "`{name}` is {size} the limit of {} bytes",
                    limits.max_file_bytes
                ),
                Some("a waivers file needs a few lines per waiver; check that this is the right file".into()),
            )]);
        }
    };
    let text = String::from_utf8(bytes).map_err(|e| {
        vec![WaiverError::file_level(
            WaiverCode::NotUtf8,
            &name,
            format!(
                "`{name}` is not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
            Some("save the file as UTF-8".into()),
        )]
    })?;
    parse_waivers(SourceFile::new(name, text), rule_ids, limits)
}

/// Validates the text of a waivers file.
pub fn parse_waivers(
    source: SourceFile,
    rule_ids: &HashSet<String>,
    limits: &Limits,
) -> Result<WaiverFile, Vec<WaiverError>> {
    let text = std::sync::Arc::clone(&source.text);
    let mut sorted_rules: Vec<&str> = rule_ids.iter().map(String::as_str).collect();
    sorted_rules.sort_unstable();
    let mut reader = Reader {
        events: Events::new(&text, *limits),
        source: &source,
        rule_ids: sorted_rules,
        errors: Vec::new(),
        waivers: Vec::new(),
    };
    let _ = reader.document();
    // The reader borrows `source`; it must be gone before the source moves on.
    let errors = std::mem::take(&mut reader.errors);
    let waivers = std::mem::take(&mut reader.waivers);
    drop(reader);
    if !errors.is_empty() {
        return Err(errors);
    }
    let file = WaiverFile { source, waivers };
    let duplicates = super::duplicates(std::slice::from_ref(&file));
    if duplicates.is_empty() {
        Ok(file)
    } else {
        Err(duplicates)
    }
}

/// The read stopped: a syntax error or a limit, already recorded.
struct Stop;

type Step<T> = Result<T, Stop>;

/// One field of an entry, as read so far.
#[derive(Clone, Debug, Default)]
enum Slot {
    /// Not given.
    #[default]
    Absent,
    /// Given with a value that was reported as unusable.
    Rejected,
    /// Given: the text and where it is.
    Given(String, Pos),
}

/// The five fields of one entry.
type Entry = [Slot; 5];

struct Reader<'a> {
    events: Events<'a>,
    source: &'a SourceFile,
    rule_ids: Vec<&'a str>,
    errors: Vec<WaiverError>,
    waivers: Vec<Waiver>,
}

/// The key walk reads the waivers loader's events.
impl<'a> EventReader<'a> for Reader<'a> {
    type Stop = Stop;

    fn next_event(&mut self) -> Step<(Event<'a>, Pos)> {
        self.next()
    }
}

impl<'a> Reader<'a> {
    fn error(&mut self, code: WaiverCode, pos: Pos, message: String, label: &str, help: String) {
        self.errors.push(WaiverError {
            code,
            message,
            label: label.to_string(),
            help: Some(help),
            path: self.source.name.clone(),
            pos: Some(Pos {
                len: pos.len.max(1),
                ..pos
            }),
            also: None,
            src: Some(self.source.named_source()),
        });
    }

    fn file_error(&mut self, code: WaiverCode, message: String, help: &str) {
        let path = self.source.name.clone();
        self.errors.push(WaiverError::file_level(
            code,
            &path,
            message,
            Some(help.into()),
        ));
    }

    fn next(&mut self) -> Step<(Event<'a>, Pos)> {
        match self.events.next_event() {
            Ok((event, pos)) => Ok((event, pos)),
            Err(e) => {
                self.stream_error(e);
                Err(Stop)
            }
        }
    }

    fn stream_error(&mut self, e: StreamError) {
        match e {
            StreamError::Syntax { pos, info } => self.error(
                WaiverCode::Syntax,
                pos,
                format!("invalid YAML: {info}"),
                "the YAML parser stopped here",
                "check the indentation and the quoting around this place".into(),
            ),
            StreamError::ControlChar { pos, found } => {
                self.error(
                    WaiverCode::Syntax,
                    pos,
                    control_char_message(found),
                    "not allowed in YAML",
                    control_char_help(found),
                );
                // The snippet must not send the character to the terminal.
                if let Some(last) = self.errors.last_mut() {
                    last.src = Some(printable_source(self.source));
                }
            }
            StreamError::AliasLimit(pos, bound) => self.error(
                WaiverCode::AliasLimit,
                pos,
                bound.message(),
                "expansion limit reached here",
                format!(
                    "write the waivers out instead of nesting aliases, or raise `{}`",
                    bound.flag()
                ),
            ),
            StreamError::DepthLimit(pos) => self.error(
                WaiverCode::DepthLimit,
                pos,
                "the file nests deeper than allowed".into(),
                "too deep",
                "a waivers file is a list of flat mappings".into(),
            ),
            StreamError::FlowLimit(pos) => self.error(
                WaiverCode::Syntax,
                pos,
                flow_limit_message(),
                "limit reached here",
                FLOW_LIMIT_HELP.into(),
            ),
        }
    }

    // ---- document ------------------------------------------------------------

    fn document(&mut self) -> Step<()> {
        let mut saw_document = false;
        loop {
            let (event, pos) = self.next()?;
            match event {
                Event::DocumentStart(_) if saw_document => {
                    self.error(
                        WaiverCode::MultipleDocuments,
                        Pos { len: 3, ..pos },
                        "a waivers file holds one YAML document; this is a second".into(),
                        "second document starts here",
                        "move the waivers into one `waivers:` list".into(),
                    );
                    return Err(Stop);
                }
                Event::DocumentStart(_) => {
                    saw_document = true;
                    self.root()?;
                }
                Event::StreamEnd if !saw_document => {
                    self.empty();
                    return Err(Stop);
                }
                Event::StreamEnd => return Ok(()),
                _ => {}
            }
        }
    }

    fn empty(&mut self) {
        let name = self.source.name.clone();
        self.file_error(
            WaiverCode::Empty,
            format!("`{name}` holds no waivers"),
            "start the file with `waivers:` and list the waivers under it (`waivers: []` for none)",
        );
    }

    fn root(&mut self) -> Step<()> {
        let (event, pos) = self.next()?;
        match event {
            Event::MappingStart(..) => self.root_mapping(pos),
            Event::Scalar(ref text, style, ..) if is_null(text, style) => {
                self.empty();
                Err(Stop)
            }
            other => {
                let found = describe(&other);
                self.error(
                    WaiverCode::WrongType,
                    pos,
                    format!("the root of a waivers file must be a mapping, found {found}"),
                    "expected `waivers:` here",
                    "start the file with `waivers:` and list the waivers under it".into(),
                );
                self.skip(&other)
            }
        }
    }

    fn root_mapping(&mut self, start: Pos) -> Step<()> {
        let mut seen = false;
        each_key(self, |this, key| {
            let (key, pos) = match key {
                Key::Named { name, pos, .. } => (name, pos),
                Key::Complex { event, pos } => return this.complex_key(pos, &event),
            };
            if key != "waivers" {
                let suggestion = did_you_mean(&key, ["waivers"]);
                // A misspelt `waivers` is reported once, as unknown, not also as missing.
                seen |= closest(&key, ["waivers"]).is_some();
                let help =
                    suggestion.unwrap_or_else(|| "a waivers file holds only `waivers:`".into());
                this.error(
                    WaiverCode::UnknownField,
                    pos,
                    format!("unknown field `{key}` in the waivers file root"),
                    "unknown field",
                    help,
                );
                this.skip_next()
            } else if seen {
                this.duplicate_key(&key, pos);
                this.skip_next()
            } else {
                seen = true;
                this.waiver_list()
            }
        })?;
        if !seen {
            self.error(
                WaiverCode::MissingField,
                start,
                "missing field `waivers` in the waivers file root".into(),
                "this mapping has no `waivers`",
                "list the waivers under `waivers:`".into(),
            );
        }
        Ok(())
    }

    fn waiver_list(&mut self) -> Step<()> {
        let (event, pos) = self.next()?;
        match event {
            Event::SequenceStart(..) => loop {
                let (event, pos) = self.next()?;
                match event {
                    Event::SequenceEnd => return Ok(()),
                    Event::MappingStart(..) => self.entry(pos)?,
                    other => {
                        let found = describe(&other);
                        self.entry_shape_error(pos, &found);
                        self.skip(&other)?;
                    }
                }
            },
            // `waivers:` with nothing under it: every waiver commented out.
            Event::Scalar(ref text, style, ..) if is_null(text, style) => Ok(()),
            other => {
                let found = describe(&other);
                self.error(
                    WaiverCode::WrongType,
                    pos,
                    format!("`waivers` must be a list, found {found}"),
                    "expected a list",
                    "write each waiver as an entry `- rule: …` under `waivers:`".into(),
                );
                self.skip(&other)
            }
        }
    }

    fn entry_shape_error(&mut self, pos: Pos, found: &str) {
        self.error(
            WaiverCode::WrongType,
            pos,
            format!("expected a waiver (a mapping), found {found}"),
            "expected `- rule: …`",
            format!("give each waiver the fields {}", field_list()),
        );
    }

    fn complex_key(&mut self, pos: Pos, event: &Event<'a>) -> Step<()> {
        self.error(
            WaiverCode::WrongType,
            pos,
            "keys must be plain names".into(),
            "complex key",
            format!("use the fields {}", field_list()),
        );
        self.skip(event)?;
        self.skip_next()
    }

    fn duplicate_key(&mut self, key: &str, pos: Pos) {
        self.error(
            WaiverCode::DuplicateKey,
            pos,
            format!("`{key}` is given twice in one mapping"),
            "second one here",
            "keep one of the two; YAML mappings cannot repeat a key".into(),
        );
    }

    // ---- one waiver ------------------------------------------------------------

    /// Reads one entry (its `MappingStart` read) and keeps it when it is valid.
    fn entry(&mut self, start: Pos) -> Step<()> {
        let errors_before = self.errors.len();
        let mut entry: Entry = Default::default();
        let mut entry_pos = start;
        each_key(self, |this, key| {
            let (key, pos) = match key {
                Key::Named { name, pos, first } => {
                    if first {
                        // A waiver is shown at its first key, as scenario entries are.
                        entry_pos = pos;
                    }
                    (name, pos)
                }
                Key::Complex { event, pos } => return this.complex_key(pos, &event),
            };
            let Some(field) = FIELDS.iter().position(|f| *f == key) else {
                // A misspelt field is reported once, as unknown with a suggestion,
                // not also as missing.
                if let Some(meant) =
                    closest(&key, FIELDS).and_then(|c| FIELDS.iter().position(|f| *f == c))
                {
                    if let Some(slot @ Slot::Absent) = entry.get_mut(meant) {
                        *slot = Slot::Rejected;
                    }
                }
                let help = did_you_mean(&key, FIELDS)
                    .unwrap_or_else(|| format!("a waiver has the fields {}", field_list()));
                this.error(
                    WaiverCode::UnknownField,
                    pos,
                    format!("unknown field `{key}` in a waiver"),
                    "unknown field",
                    help,
                );
                return this.skip_next();
            };
            if !matches!(entry.get(field), Some(Slot::Absent)) {
                this.duplicate_key(&key, pos);
                return this.skip_next();
            }
            let value = this.value(field, pos)?;
            if let Some(slot) = entry.get_mut(field) {
                *slot = value;
            }
            Ok(())
        })?;
        self.missing_fields(&entry, entry_pos);
        if self.errors.len() == errors_before {
            if let Some(waiver) = self.validate(entry, entry_pos) {
                self.waivers.push(waiver);
            }
        }
        Ok(())
    }

    /// The text of a field's value, or `Rejected` after recording why it is unusable.
    fn value(&mut self, field: usize, key_pos: Pos) -> Step<Slot> {
        let name = field_name(field);
        let (event, pos) = self.next()?;
        let (text, style, tagged) = match event {
            Event::Scalar(text, style, _, tag) => (text, style, tag.is_some()),
            other => {
                let found = describe(&other);
                let expected = expected_of(field);
                self.error(
                    WaiverCode::WrongType,
                    pos,
                    format!("expected {expected} for `{name}`, found {found}"),
                    "wrong type",
                    format!("`{name}` is {}", field_help(field)),
                );
                self.skip(&other)?;
                return Ok(Slot::Rejected);
            }
        };
        let plain = style == Style::Plain && !tagged;
        if plain && is_null(&text, style) {
            self.error(
                WaiverCode::MissingField,
                key_pos,
                format!("`{name}` has no value"),
                "no value",
                format!("give `{name}` {}", field_help(field)),
            );
            return Ok(Slot::Rejected);
        }
        if plain && name != "expires" {
            if let Some(kind) = non_string_kind(&text) {
                self.error(
                    WaiverCode::WrongType,
                    pos,
                    format!("expected a string for `{name}`, found {kind} `{text}`"),
                    "expected a string",
                    format!("quote it to make it a string: `\"{text}\"`"),
                );
                return Ok(Slot::Rejected);
            }
        }
        if text.trim().is_empty() {
            self.error(
                WaiverCode::MissingField,
                pos,
                format!("`{name}` is empty"),
                "empty",
                format!("give `{name}` {}", field_help(field)),
            );
            return Ok(Slot::Rejected);
        }
        Ok(Slot::Given(text.into_owned(), pos))
    }

    fn missing_fields(&mut self, entry: &Entry, entry_pos: Pos) {
        for (field, slot) in entry.iter().enumerate() {
            if !matches!(slot, Slot::Absent) {
                continue;
            }
            let name = field_name(field);
            self.error(
                WaiverCode::MissingField,
                entry_pos,
                format!("missing field `{name}` in a waiver"),
                "this waiver",
                format!("add `{name}:` with {}", field_help(field)),
            );
        }
    }

    /// Checks the rule id and the date of an entry whose fields are all present.
    fn validate(&mut self, entry: Entry, entry_pos: Pos) -> Option<Waiver> {
        let [Slot::Given(rule, rule_pos), Slot::Given(subject, _), Slot::Given(reason, _), Slot::Given(owner, _), Slot::Given(expires, expires_pos)] =
            entry
        else {
            return None;
        };
        let known_rule = self.rule_ids.binary_search(&rule.as_str()).is_ok();
        if !known_rule {
            let help = closest(&rule, self.rule_ids.iter().copied()).map_or_else(
                || "run `eligo rules` to list the loaded rules".to_string(),
                |c| format!("did you mean `{c}`?"),
            );
            self.error(
                WaiverCode::UnknownRule,
                rule_pos,
                format!("no loaded rule has id `{rule}`"),
                "unknown rule",
                help,
            );
        }
        let date = parse_date(&expires);
        if date.is_none() {
            self.invalid_date(&expires, expires_pos);
        }
        Some(Waiver {
            rule,
            subject,
            reason,
            owner,
            expires: date.filter(|_| known_rule)?,
            pos: entry_pos,
        })
    }

    fn invalid_date(&mut self, text: &str, pos: Pos) {
        let shape_ok = text.len() == 10 && text.as_bytes().get(4) == Some(&b'-');
        let (message, help) = if shape_ok {
            (
                format!("`{text}` is not a date that exists"),
                "check the month and the day",
            )
        } else {
            (
                format!("`{text}` is not a date in the form YYYY-MM-DD"),
                "write dates as YYYY-MM-DD, e.g. `2027-01-31`",
            )
        };
        self.error(
            WaiverCode::InvalidDate,
            pos,
            message,
            "invalid date",
            help.into(),
        );
    }

    // ---- skipping --------------------------------------------------------------

    /// Skips the node that `first` starts.
    fn skip(&mut self, first: &Event<'a>) -> Step<()> {
        match self.events.skip_node(first) {
            Ok(true) => Ok(()),
            Ok(false) => Err(Stop),
            Err(e) => {
                self.stream_error(*e);
                Err(Stop)
            }
        }
    }

    fn skip_next(&mut self) -> Step<()> {
        let (event, _) = self.next()?;
        self.skip(&event)
    }
}
