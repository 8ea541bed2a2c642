//! `--format json`: the whole plan as one JSON value (the HTML report renders it).
//!
//! Shape (keys `customer` and `subscription` are the names of the plan's group
//! and moved kinds in the schema; these are the default pack's):
//!
//! ```text
//! { "path", "scenario", "from", "to", "wave_size",
//!   "summary":  { "requests", "waves", "customers": {ready, blocked, nothing_to_move},
//!                 "subscriptions": {planned, already_requested, excluded, blocked, out_of_scope} },
//!   "waves":    [ { "wave", "requests": [id], "subscriptions", "oversize" } ],
//!   "requests": [ { "id", "wave", "customer", "fields": {…as in the book}, "items": [{…}] } ],
//!   "customers":[ { "customer", "status", "request", "wave", "subscriptions", "blockers": [finding] } ],
//!   "outcomes": [ { "subscription", "customer", "outcome", "request", "with", "findings": [finding] } ],
//!   "blockers": [ { "rule", "summary", "customers": [{customer, fix}], "count", "unblocks" } ] }
//! finding = { "rule", "severity", "subject", "message", "fix" }
//! ```

use serde_json::{json, Map, Value};

use super::view::{Scalar, View};
use super::{GroupStatus, Outcome, Reason};

/// The plan as a JSON value.
pub fn to_value(view: &View<'_>, path: &str, scenario: Option<&str>) -> Value {
    let plan = view.plan;
    let g = view.group_name();
    let m = view.moved_name();
    let mut subscriptions = Map::new();
    for o in Outcome::ALL {
        subscriptions.insert(o.as_str().into(), json!(plan.count(o)));
    }
    let summary = json!({
        "requests": plan.requests.len(),
        "waves": plan.waves.len(),
        format!("{g}s"): {
            "ready": plan.groups_with(GroupStatus::Ready),
            "blocked": plan.groups_with(GroupStatus::Blocked),
            "nothing_to_move": plan.groups_with(GroupStatus::NothingToMove),
        },
        format!("{m}s"): subscriptions,
    });
    let mut root = Map::new();
    root.insert("path".into(), json!(path));
    root.insert("scenario".into(), json!(scenario));
    root.insert("from".into(), json!(view.from()));
    root.insert("to".into(), json!(view.to()));
    root.insert("wave_size".into(), json!(plan.wave_size));
    root.insert("summary".into(), summary);
    root.insert("waves".into(), json!(plan.waves));
    root.insert("requests".into(), requests(view));
    root.insert(format!("{g}s"), groups(view));
    root.insert("outcomes".into(), outcomes(view));
    root.insert("blockers".into(), blockers(view));
    Value::Object(root)
}

fn scalar(s: &Scalar) -> Value {
    match s {
        Scalar::Str(t) => json!(t),
        Scalar::Int(i) => json!(i),
        Scalar::Num(n) => json!(n),
        Scalar::Bool(b) => json!(b),
    }
}

fn object(fields: &[(String, Scalar)]) -> Map<String, Value> {
    fields.iter().map(|(k, v)| (k.clone(), scalar(v))).collect()
}

fn requests(view: &View<'_>) -> Value {
    let g = view.group_name();
    let list = view.plan.requests.iter().map(|r| {
        let (fields, _) = view.request_fields(r);
        let items: Vec<Value> = r
            .rows
            .iter()
            .map(|&row| Value::Object(object(&view.item_fields(row))))
            .collect();
        json!({
            "id": r.id,
            "wave": r.wave,
            g: view.group(r.group),
            "fields": Value::Object(object(&fields)),
            "items": items,
        })
    });
    Value::Array(list.collect())
}

fn findings(reasons: &[Reason]) -> Value {
    json!(reasons)
}

fn groups(view: &View<'_>) -> Value {
    let plan = view.plan;
    let g = view.group_name();
    let m = view.moved_name();
    let list = plan.groups.iter().map(|group| {
        let request = plan.requests.iter().find(|r| r.group == group.row);
        json!({
            g: view.group(group.row),
            "status": group.status,
            "request": request.map(|r| r.id.as_str()),
            "wave": request.map(|r| r.wave),
            format!("{m}s"): group.entities,
            "blockers": findings(&group.blockers),
        })
    });
    Value::Array(list.collect())
}

fn outcomes(view: &View<'_>) -> Value {
    let plan = view.plan;
    let g = view.group_name();
    let m = view.moved_name();
    let list = plan.outcomes.iter().map(|o| {
        json!({
            m: view.moved(o.row),
            g: view.group(o.group),
            "outcome": o.outcome,
            "request": o.request,
            "with": o.with.map(|w| view.moved(w)),
            "findings": findings(plan.reasons(o)),
        })
    });
    Value::Array(list.collect())
}

fn blockers(view: &View<'_>) -> Value {
    let g = view.group_name();
    let list = view.blockers().into_iter().map(|b| {
        let groups: Vec<Value> = b
            .groups
            .iter()
            .map(|(row, fix)| json!({ g: view.group(*row), "fix": fix }))
            .collect();
        json!({
            "rule": b.rule,
            "summary": b.summary,
            format!("{g}s"): groups,
            "count": b.groups.len(),
            "unblocks": b.unblocks,
        })
    });
    Value::Array(list.collect())
}
