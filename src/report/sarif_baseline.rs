//! What SARIF adds for baselines and places to edit: `baselineState` on each
//! result compared with a baseline (`new`, `unchanged`, and `absent` results
//! for fixed entries), and `relatedLocations` for the places to edit.

use serde_json::Value;
use serde_sarif::sarif::{Result as SarifResult, ResultKind, ResultLevel};
use std::collections::BTreeMap;

use super::sarif_place::{location, message, Root, Span};
use super::{BaselineState, Finding, Fixed};

/// Adds the finding's places as related locations (with their labels as
/// messages) and its baseline state.
pub(super) fn add_places_and_state(result: &mut SarifResult, f: &Finding, root: &Root) {
    if !f.places.is_empty() {
        let related = f
            .places
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let at = Span {
                    line: p.location.line,
                    column: p.location.column,
                    width: None,
                };
                let mut loc = location(root, &p.location.path, Some(at));
                loc.id = Some(i as i64);
                loc.message = Some(message(p.label.clone()));
                loc
            })
            .collect();
        result.related_locations = Some(related);
    }
    result.baseline_state = f.baseline.map(|state| {
        Value::from(match state {
            BaselineState::Known => "unchanged",
            BaselineState::New => "new",
        })
    });
}

/// A baseline entry that no finding matches any more: an `absent` result,
/// of kind `pass` so that code scanning does not raise it as an alert.
pub(super) fn absent_result(
    path: &str,
    fixed: &Fixed,
    index: &BTreeMap<String, i64>,
    root: &Root,
) -> SarifResult {
    let mut result = SarifResult::builder()
        .rule_id(fixed.rule.as_str())
        .kind(ResultKind::Pass)
        .level(ResultLevel::None)
        .message(message(format!(
            "{} no longer breaks {} (fixed since the baseline)",
            fixed.subject, fixed.rule
        )))
        .locations(vec![location(
            root,
            path,
            Some(Span {
                line: 1,
                column: 1,
                width: None,
            }),
        )])
        .build();
    result.rule_index = index.get(&fixed.rule).copied();
    result.baseline_state = Some(Value::from("absent"));
    result
}
