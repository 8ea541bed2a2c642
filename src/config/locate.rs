//! Where each key and value of a configuration file is, and which keys the
//! format does not declare.
//!
//! serde gives the typed values but no position for a value it accepted, and a
//! config error such as an unknown rule id in `select` must still point at its
//! line. So the file is first walked as YAML events (the scenario loader's
//! stream, with its bounds on depth and aliases), recording the position of
//! every node under a dotted path (`select[2]`, `limits.max_depth`), and
//! checking keys against the format with "did you mean".

use crate::scenario::event::Event;
use std::collections::HashMap;

use super::error::{ConfigCode, ConfigError};
use crate::scenario::events::{control_char_message, flow_limit_message, Events, StreamError};
use crate::scenario::{Limits, Pos};
use crate::source::SourceFile;
use crate::suggest::did_you_mean;

/// The top-level keys of `eligo.yaml`.
pub(crate) const FIELDS: &[&str] = &[
    "rules",
    "default_rules",
    "waivers",
    "deny_warnings",
    "select",
    "ignore",
    "constants",
    "format",
    "baseline",
    "limits",
];

/// The keys of `limits`.
pub(crate) const LIMIT_FIELDS: &[&str] = &[
    "max_file_bytes",
    "max_depth",
    "max_alias_events",
    "max_alias_bytes",
    "max_string_bytes",
    "max_rule_depth",
];

/// Positions of the keys and values of a configuration file, by dotted path.
#[derive(Debug, Default)]
pub(crate) struct Positions {
    /// Where each value starts (a scalar, or the start of a list or mapping).
    pub values: HashMap<String, Pos>,
    /// Where each key is written.
    pub keys: HashMap<String, Pos>,
    /// Whether the file holds a document at all.
    pub has_document: bool,
}

/// Walks the file: positions, unknown and duplicate keys. Syntax errors and
/// bounds stop the walk with one error.
pub(crate) fn walk(source: &SourceFile, limits: Limits) -> (Positions, Vec<ConfigError>) {
    let text = std::sync::Arc::clone(&source.text);
    let mut walker = Walker {
        events: Events::new(&text, limits),
        source,
        positions: Positions::default(),
        errors: Vec::new(),
    };
    if let Err(e) = walker.stream() {
        let (pos, message) = match e {
            StreamError::Syntax { pos, info } => (pos, format!("invalid YAML: {info}")),
            StreamError::ControlChar { pos, found } => (pos, control_char_message(found)),
            StreamError::AliasLimit(pos, bound) => (pos, bound.message()),
            StreamError::DepthLimit(pos) => (pos, "nesting deeper than the limit".into()),
            StreamError::FlowLimit(pos) => (pos, flow_limit_message()),
        };
        let error = walker.error(ConfigCode::Syntax, pos, message, "here", None);
        walker.errors.push(error);
    }
    let Walker {
        positions, errors, ..
    } = walker;
    (positions, errors)
}

struct Walker<'a, 's> {
    events: Events<'a>,
    source: &'s SourceFile,
    positions: Positions,
    errors: Vec<ConfigError>,
}

impl<'a> Walker<'a, '_> {
    fn next(&mut self) -> Result<(Event<'a>, Pos), StreamError> {
        self.events.next_positioned().map_err(|e| *e)
    }

    fn stream(&mut self) -> Result<(), StreamError> {
        loop {
            let (event, pos) = self.next()?;
            match event {
                Event::StreamEnd => return Ok(()),
                Event::DocumentStart(_) if self.positions.has_document => {
                    let e = self.error(
                        ConfigCode::Syntax,
                        pos,
                        "a configuration file holds one YAML document".into(),
                        "second document",
                        Some("remove the `---` and what follows, or merge the documents".into()),
                    );
                    self.errors.push(e);
                    return Ok(());
                }
                Event::DocumentStart(_) => {
                    self.positions.has_document = true;
                    let (first, pos) = self.next()?;
                    self.node(first, pos, "")?;
                }
                _ => {}
            }
        }
    }

    /// Records a node at `path` and walks what it holds.
    fn node(&mut self, first: Event<'a>, pos: Pos, path: &str) -> Result<(), StreamError> {
        self.positions.values.insert(path.to_string(), pos);
        match first {
            Event::MappingStart(..) => self.mapping(path),
            Event::SequenceStart(..) => {
                let mut index = 0usize;
                loop {
                    let (event, pos) = self.next()?;
                    if matches!(event, Event::SequenceEnd) {
                        return Ok(());
                    }
                    self.node(event, pos, &format!("{path}[{index}]"))?;
                    index += 1;
                }
            }
            _ => Ok(()),
        }
    }

    fn mapping(&mut self, path: &str) -> Result<(), StreamError> {
        loop {
            let (event, key_pos) = self.next()?;
            let key = match event {
                Event::MappingEnd => return Ok(()),
                Event::Scalar(text, ..) => text.to_string(),
                other => {
                    // A key that is a list or mapping: not a config key.
                    self.events.skip_node(&other).map_err(|e| *e)?;
                    let e = self.error(
                        ConfigCode::WrongType,
                        key_pos,
                        "a key must be a plain name".into(),
                        "not a name",
                        None,
                    );
                    self.errors.push(e);
                    let (value, pos) = self.next()?;
                    self.node(value, pos, &format!("{path}.?"))?;
                    continue;
                }
            };
            let child = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            self.check_key(path, &key, &child, key_pos);
            self.positions.keys.insert(child.clone(), key_pos);
            let (value, pos) = self.next()?;
            self.node(value, pos, &child)?;
        }
    }

    /// Unknown keys (at the top and in `limits`) and keys given twice.
    fn check_key(&mut self, parent: &str, key: &str, child: &str, pos: Pos) {
        if let Some(first) = self.positions.keys.get(child).copied() {
            let mut e = self.error(
                ConfigCode::DuplicateKey,
                pos,
                format!("`{key}` is given twice"),
                "given again here",
                Some("keep one of the two entries".into()),
            );
            e.also = Some(("first given here".into(), first));
            self.errors.push(e);
            return;
        }
        let known = match parent {
            "" => FIELDS,
            "limits" => LIMIT_FIELDS,
            _ => return,
        };
        if known.contains(&key) {
            return;
        }
        let place = if parent.is_empty() {
            "a configuration file".to_string()
        } else {
            format!("`{parent}`")
        };
        let e = self.error(
            ConfigCode::UnknownField,
            pos,
            format!("unknown key `{key}` in {place}"),
            "unknown key",
            did_you_mean(key, known.iter().copied()),
        );
        self.errors.push(e);
    }

    fn error(
        &self,
        code: ConfigCode,
        pos: Pos,
        message: String,
        label: &str,
        help: Option<String>,
    ) -> ConfigError {
        positioned(self.source, code, pos, message, label, help)
    }
}

/// An error at a position of the configuration file.
pub(crate) fn positioned(
    source: &SourceFile,
    code: ConfigCode,
    pos: Pos,
    message: String,
    label: &str,
    help: Option<String>,
) -> ConfigError {
    ConfigError {
        code,
        message,
        label: label.to_string(),
        help,
        path: source.name.clone(),
        pos: Some(pos),
        also: None,
        src: Some(source.named_source()),
    }
}
