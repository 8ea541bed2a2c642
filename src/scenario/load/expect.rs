//! The `expect` block, and skipping what cannot be loaded.

use crate::scenario::event::Style;

use crate::scenario::event::Event;

use super::{Expectation, Loader, Step, Stop};
use crate::scenario::error::ScenarioCode;
use crate::scenario::keys::{each_key, EventReader, Key};
use crate::scenario::store::Pos;
use crate::suggest::did_you_mean;

/// The key walk reads the scenario loader's events.
impl<'a> EventReader<'a> for Loader<'a, '_> {
    type Stop = Stop;

    fn next_event(&mut self) -> Step<(Event<'a>, Pos)> {
        self.next()
    }
}

impl<'a> Loader<'a, '_> {
    // ---- skipping ----------------------------------------------------------

    /// Skips the node that `first` starts.
    pub(super) fn skip(&mut self, first: &Event<'a>) -> Step<()> {
        match self.events.skip_node(first) {
            Ok(true) => Ok(()),
            Ok(false) => Err(Stop),
            Err(e) => Err(self.stream_error(*e)),
        }
    }

    pub(super) fn skip_next(&mut self) -> Step<()> {
        let (event, _) = self.next()?;
        self.skip(&event)
    }

    // ---- expect ------------------------------------------------------------

    pub(super) fn expect_block(&mut self) -> Step<()> {
        let (event, pos) = self.next()?;
        let mut entries = Vec::new();
        match event {
            Event::SequenceStart(..) => loop {
                let (event, pos) = self.next()?;
                match event {
                    Event::SequenceEnd => break,
                    Event::MappingStart(..) => {
                        if let Some(entry) = self.expect_entry(pos)? {
                            entries.push(entry);
                        }
                    }
                    other => {
                        self.expect_shape_error(pos);
                        self.skip(&other)?;
                    }
                }
            },
            Event::Scalar(ref text, style, ..)
                if style == Style::Plain && matches!(text.as_ref(), "" | "~" | "null") => {}
            other => {
                self.expect_shape_error(pos);
                self.skip(&other)?;
            }
        }
        self.expect = Some(entries);
        Ok(())
    }

    pub(super) fn expect_shape_error(&mut self, pos: Pos) {
        self.error(
            ScenarioCode::WrongType,
            Pos {
                len: pos.len.max(1),
                ..pos
            },
            "`expect` must be a list of `rule:` and `subject:` pairs".into(),
            "expected an entry like `- rule: …`".into(),
            Some("write `- rule: <rule id>` with `subject: <entity id>` under it".into()),
        );
    }

    pub(super) fn expect_entry(&mut self, start: Pos) -> Step<Option<Expectation>> {
        let mut rule: Option<(String, Pos)> = None;
        let mut subject: Option<(String, Pos)> = None;
        let mut entry_pos = start;
        each_key(self, |this, key| {
            let (key, pos) = match key {
                Key::Named { name, pos, first } => {
                    if first {
                        entry_pos = pos;
                    }
                    (name, pos)
                }
                Key::Complex { event, pos } => {
                    this.expect_shape_error(pos);
                    this.skip(&event)?;
                    return this.skip_next();
                }
            };
            let (event, value_pos) = this.next()?;
            let value = match event {
                Event::Scalar(text, ..) => text.into_owned(),
                other => {
                    this.expect_shape_error(value_pos);
                    return this.skip(&other);
                }
            };
            let slot = match key.as_ref() {
                "rule" => &mut rule,
                "subject" => &mut subject,
                _ => {
                    let help = did_you_mean(&key, ["rule", "subject"]);
                    this.error(
                        ScenarioCode::UnknownField,
                        pos,
                        format!("unknown field `{key}` in an `expect` entry"),
                        "unknown field".into(),
                        help,
                    );
                    return Ok(());
                }
            };
            if slot.is_some() {
                this.error(
                    ScenarioCode::DuplicateKey,
                    pos,
                    format!("`{key}` is given twice in one mapping"),
                    format!("second `{key}` here"),
                    Some("keep one of the two".into()),
                );
                return Ok(());
            }
            *slot = Some((value, value_pos));
            Ok(())
        })?;
        match (rule, subject) {
            (Some((rule, rule_pos)), Some((subject, subject_pos))) => Ok(Some(Expectation {
                rule,
                subject,
                pos: entry_pos,
                rule_pos,
                subject_pos,
            })),
            (rule, _) => {
                let missing = if rule.is_none() { "rule" } else { "subject" };
                self.error(
                    ScenarioCode::MissingField,
                    Pos {
                        len: entry_pos.len.max(1),
                        ..entry_pos
                    },
                    format!("missing field `{missing}` in an `expect` entry"),
                    format!("this entry has no `{missing}`"),
                    Some("each entry needs `rule:` and `subject:`".into()),
                );
                Ok(None)
            }
        }
    }
}
