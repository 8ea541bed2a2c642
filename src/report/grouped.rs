//! Identical diagnostics grouped for people: "(and N more like it)".
//!
//! A book generated with one key misspelled has the same error in every
//! entity; people need it once, with its count and first place, while the
//! machine formats list every one (they are built from the errors, not from
//! this rendering).

use miette::{Diagnostic, LabeledSpan};
use std::collections::hash_map::{Entry, HashMap};
use std::fmt;

use super::human::{render_diagnostic, Style};

/// The first of several identical diagnostics, rendered with their count.
struct MoreLikeIt<'a> {
    first: &'a dyn Diagnostic,
    more: usize,
}

impl fmt::Debug for MoreLikeIt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.first, f)
    }
}

impl fmt::Display for MoreLikeIt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (and {} more like it)", self.first, self.more)
    }
}

impl std::error::Error for MoreLikeIt<'_> {}

impl Diagnostic for MoreLikeIt<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.first.code()
    }
    fn severity(&self) -> Option<miette::Severity> {
        self.first.severity()
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.first.help()
    }
    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.first.url()
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.first.source_code()
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.first.labels()
    }
}

/// Renders diagnostics for people, identical ones grouped: the first of a
/// group is rendered once, at its place, with the number of others that
/// have the same code, message and help (as for an unknown field misspelled
/// the same way in every entity of a generated book). Groups keep the order
/// of their first diagnostics. The machine formats list every diagnostic.
pub(crate) fn render_grouped<E: Diagnostic>(diagnostics: &[E], style: Style) -> Vec<String> {
    let list: Vec<&dyn Diagnostic> = diagnostics.iter().map(|d| d as &dyn Diagnostic).collect();
    render_grouped_dyn(&list, style)
}

/// [`render_grouped`] of diagnostics of mixed types.
pub(crate) fn render_grouped_dyn(diagnostics: &[&dyn Diagnostic], style: Style) -> Vec<String> {
    type Key = (Option<String>, String, Option<String>);
    let mut groups: Vec<(usize, usize)> = Vec::new();
    let mut index: HashMap<Key, usize> = HashMap::new();
    for (i, d) in diagnostics.iter().enumerate() {
        let key = (
            d.code().map(|c| c.to_string()),
            d.to_string(),
            d.help().map(|h| h.to_string()),
        );
        match index.entry(key) {
            Entry::Occupied(group) => {
                if let Some(g) = groups.get_mut(*group.get()) {
                    g.1 += 1;
                }
            }
            Entry::Vacant(slot) => {
                slot.insert(groups.len());
                groups.push((i, 0));
            }
        }
    }
    groups
        .into_iter()
        .filter_map(|(first, more)| {
            let first: &dyn Diagnostic = *diagnostics.get(first)?;
            Some(if more == 0 {
                render_diagnostic(first, style)
            } else {
                render_diagnostic(&MoreLikeIt { first, more }, style)
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{ScenarioCode, ScenarioError};

    fn error(message: &str) -> ScenarioError {
        ScenarioError::file_level(ScenarioCode::UnknownField, "f.yaml", message, None)
    }

    #[test]
    fn groups_keep_the_order_of_their_first_and_count_the_rest() {
        let style = Style {
            color: false,
            width: 80,
        };
        let errors = [error("a"), error("b"), error("a"), error("a")];
        let out = render_grouped(&errors, style);
        assert_eq!(out.len(), 2);
        assert!(out[0].contains("a (and 2 more like it)"), "{}", out[0]);
        assert!(out[1].contains('b') && !out[1].contains("more like it"));
    }
}
