//! `--format json`: the whole plan as one JSON document, serialized as it is
//! written (a million outcomes are never held as a tree); [`to_value`] gives
//! the same document as a `serde_json::Value` (for the HTML report).
//!
//! Shape (the keys `customer(s)` and `subscription(s)` are the names of the
//! plan's group and moved kinds in the schema: these are the default pack's):
//!
//! ```text
//! { "path", "scenario", "from", "to", "wave_size",
//!   "summary":  { "requests", "waves", "customers": {ready, blocked, nothing_to_move},
//!                 "subscriptions": {planned, already_requested, excluded, blocked, out_of_scope} },
//!   "waves":    [ { "wave", "requests": [id], "subscriptions", "oversize" } ],
//!   "requests": [ { "id", "wave", "customer", "fields": {…as in the book}, "items": [{…as in the book}] } ],
//!   "customers":[ { "customer", "status", "request", "wave", "subscriptions", "blockers": [finding] } ],
//!   "outcomes": [ { "subscription", "customer", "outcome", "request", "with", "findings": [finding] } ],
//!   "blockers": [ { "rule", "summary", "customers": [{customer, fix}], "count", "unblocks" } ] }
//! finding = { "rule", "severity", "subject", "message", "fix" }
//! ```

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use super::view::{Scalar, View};
use super::{GroupStatus, Outcome};

/// The plan's JSON document, serialized on demand.
pub struct PlanJson<'a> {
    /// The plan and what names its rows.
    pub view: &'a View<'a>,
    /// The scenario's path as reports show it.
    pub path: &'a str,
    /// The scenario's display name.
    pub scenario: Option<&'a str>,
}

/// The plan as a JSON value.
pub fn to_value(view: &View<'_>, path: &str, scenario: Option<&str>) -> serde_json::Value {
    let doc = PlanJson {
        view,
        path,
        scenario,
    };
    serde_json::to_value(&doc).unwrap_or(serde_json::Value::Null)
}

impl Serialize for PlanJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let view = self.view;
        let plan = view.plan;
        let g = view.group_name();
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("path", self.path)?;
        map.serialize_entry("scenario", &self.scenario)?;
        map.serialize_entry("from", view.from())?;
        map.serialize_entry("to", view.to())?;
        map.serialize_entry("wave_size", &plan.wave_size)?;
        map.serialize_entry("summary", &Summary(view))?;
        map.serialize_entry("waves", &plan.waves)?;
        map.serialize_entry("requests", &Requests(view))?;
        map.serialize_entry(&format!("{g}s"), &Groups(view))?;
        map.serialize_entry("outcomes", &Outcomes(view))?;
        map.serialize_entry("blockers", &Blockers(view))?;
        map.end()
    }
}

struct Summary<'a>(&'a View<'a>);

impl Serialize for Summary<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let view = self.0;
        let plan = view.plan;
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("requests", &plan.requests.len())?;
        map.serialize_entry("waves", &plan.waves.len())?;
        let groups = [
            ("ready", plan.groups_with(GroupStatus::Ready)),
            ("blocked", plan.groups_with(GroupStatus::Blocked)),
            (
                "nothing_to_move",
                plan.groups_with(GroupStatus::NothingToMove),
            ),
        ];
        map.serialize_entry(&format!("{}s", view.group_name()), &Pairs(&groups))?;
        let outcomes: Vec<(&str, usize)> = Outcome::ALL
            .iter()
            .map(|&o| (o.as_str(), plan.count(o)))
            .collect();
        map.serialize_entry(&format!("{}s", view.moved_name()), &Pairs(&outcomes))?;
        map.end()
    }
}

/// Key-value pairs as a JSON object, in order.
struct Pairs<'a, V>(&'a [(&'a str, V)]);

impl<V: Serialize> Serialize for Pairs<'_, V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// Fields of a request or item as a JSON object, in the book's order.
struct Fields<'a>(&'a [(String, Scalar)]);

impl Serialize for Fields<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            match v {
                Scalar::Str(t) => map.serialize_entry(k, t)?,
                Scalar::Int(i) => map.serialize_entry(k, i)?,
                Scalar::Num(n) => map.serialize_entry(k, n)?,
                Scalar::Bool(b) => map.serialize_entry(k, b)?,
            }
        }
        map.end()
    }
}

struct Requests<'a>(&'a View<'a>);

impl Serialize for Requests<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let view = self.0;
        let mut seq = s.serialize_seq(Some(view.plan.requests.len()))?;
        for r in &view.plan.requests {
            seq.serialize_element(&RequestJson(view, r))?;
        }
        seq.end()
    }
}

struct RequestJson<'a>(&'a View<'a>, &'a super::Request);

impl Serialize for RequestJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let RequestJson(view, r) = *self;
        let (fields, _) = view.request_fields(r);
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("id", &r.id)?;
        map.serialize_entry("wave", &r.wave)?;
        map.serialize_entry(view.group_name(), view.group(r.group))?;
        map.serialize_entry("fields", &Fields(&fields))?;
        map.serialize_entry("items", &Items(view, &r.rows))?;
        map.end()
    }
}

struct Items<'a>(&'a View<'a>, &'a [u32]);

impl Serialize for Items<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.1.len()))?;
        for &row in self.1 {
            seq.serialize_element(&Fields(&self.0.item_fields(row)))?;
        }
        seq.end()
    }
}

struct Groups<'a>(&'a View<'a>);

impl Serialize for Groups<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let view = self.0;
        let plan = view.plan;
        let request_of: std::collections::HashMap<u32, &super::Request> =
            plan.requests.iter().map(|r| (r.group, r)).collect();
        let mut seq = s.serialize_seq(Some(plan.groups.len()))?;
        for group in &plan.groups {
            let request = request_of.get(&group.row);
            let entry = GroupJson {
                view,
                group,
                request: request.map(|r| r.id.as_str()),
                wave: request.map(|r| r.wave),
            };
            seq.serialize_element(&entry)?;
        }
        seq.end()
    }
}

struct GroupJson<'a> {
    view: &'a View<'a>,
    group: &'a super::Group,
    request: Option<&'a str>,
    wave: Option<usize>,
}

impl Serialize for GroupJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let view = self.view;
        let mut map = s.serialize_map(None)?;
        map.serialize_entry(view.group_name(), view.group(self.group.row))?;
        map.serialize_entry("status", &self.group.status)?;
        map.serialize_entry("request", &self.request)?;
        map.serialize_entry("wave", &self.wave)?;
        map.serialize_entry(&format!("{}s", view.moved_name()), &self.group.entities)?;
        map.serialize_entry("blockers", &self.group.blockers)?;
        map.end()
    }
}

struct Outcomes<'a>(&'a View<'a>);

impl Serialize for Outcomes<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let view = self.0;
        let plan = view.plan;
        let (g, m) = (view.group_name(), view.moved_name());
        let mut seq = s.serialize_seq(Some(plan.outcomes.len()))?;
        for o in &plan.outcomes {
            seq.serialize_element(&OutcomeJson { view, o, g, m })?;
        }
        seq.end()
    }
}

struct OutcomeJson<'a> {
    view: &'a View<'a>,
    o: &'a super::EntityOutcome,
    g: &'a str,
    m: &'a str,
}

impl Serialize for OutcomeJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (view, o) = (self.view, self.o);
        let mut map = s.serialize_map(Some(6))?;
        map.serialize_entry(self.m, view.moved(o.row))?;
        map.serialize_entry(self.g, view.group(o.group))?;
        map.serialize_entry("outcome", &o.outcome)?;
        map.serialize_entry("request", &o.request)?;
        map.serialize_entry("with", &o.with.map(|w| view.moved(w)))?;
        map.serialize_entry("findings", view.plan.reasons(o))?;
        map.end()
    }
}

struct Blockers<'a>(&'a View<'a>);

impl Serialize for Blockers<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let view = self.0;
        let g = view.group_name();
        let blockers = view.blockers();
        let mut seq = s.serialize_seq(Some(blockers.len()))?;
        for b in &blockers {
            seq.serialize_element(&BlockerJson { view, b, g })?;
        }
        seq.end()
    }
}

struct BlockerJson<'a> {
    view: &'a View<'a>,
    b: &'a super::view::Blocker,
    g: &'a str,
}

impl Serialize for BlockerJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (view, b, g) = (self.view, self.b, self.g);
        let groups: Vec<[(&str, &str); 2]> = b
            .groups
            .iter()
            .map(|(row, fix)| [(g, view.group(*row)), ("fix", fix.as_str())])
            .collect();
        let groups: Vec<Pairs<'_, &str>> = groups.iter().map(|p| Pairs(p)).collect();
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("rule", &b.rule)?;
        map.serialize_entry("summary", &b.summary)?;
        map.serialize_entry(&format!("{g}s"), &groups)?;
        map.serialize_entry("count", &b.groups.len())?;
        map.serialize_entry("unblocks", &b.unblocks)?;
        map.end()
    }
}
