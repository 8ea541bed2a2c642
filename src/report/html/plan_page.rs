//! The sections of a plan report (`eligo plan --format html`), rendered from
//! the plan's JSON value: the summary, the requests by wave, the outcome of
//! every subscription and the blockers grouped by fix.
//!
//! The plan's JSON shape (DOMAIN.md section 7; `src/plan/json.rs` documents
//! it) is read leniently: a field that
//! is absent shows as empty, and fields this page does not know are shown as
//! they are (the summary's counts, a blocker's other fields), so an added
//! field appears without a change here.

use serde_json::Value;
use std::collections::BTreeMap;

use super::markup::{Anchor, Esc, Page};
use super::model::{list, text};

/// Outcomes rendered into the table: a book of 100k subscriptions would give a
/// table the browser takes seconds to lay out. Outcomes that need work
/// (blocked, excluded) come first, so they are the ones shown.
pub(super) const SERVER_OUTCOMES: usize = 2000;

/// The header and every section of a plan report.
pub(super) fn body(page: &mut Page, plan: &Value) {
    header(page, plan);
    page.raw("<main id=\"main\">");
    summary(page, plan.get("summary").unwrap_or(&Value::Null));
    blockers(page, list(plan, "blockers"));
    customers(page, list(plan, "customers"));
    requests(page, list(plan, "requests"));
    outcomes(page, list(plan, "outcomes"));
    page.raw("</main>");
}

fn header(page: &mut Page, plan: &Value) {
    page.raw("<header><h1>eligo plan report</h1><ul class=\"files\">");
    let path = text(plan, "path");
    if !path.is_empty() {
        page.fmt(format_args!(
            "<li><span class=\"path\">{}</span>",
            Esc(path)
        ));
        let scenario = text(plan, "scenario");
        if !scenario.is_empty() {
            page.fmt(format_args!(" — {}", Esc(scenario)));
        }
        page.raw("</li>");
    }
    let (from, to) = (text(plan, "from"), text(plan, "to"));
    if !from.is_empty() || !to.is_empty() {
        page.fmt(format_args!(
            "<li>from <span class=\"id\">{}</span> to <span class=\"id\">{}</span>",
            Esc(from),
            Esc(to)
        ));
        if let Some(n) = plan.get("wave_size").and_then(Value::as_u64) {
            page.fmt(format_args!(", waves of at most {n} subscriptions"));
        }
        page.raw("</li>");
    }
    page.raw("</ul><nav aria-label=\"Sections\"><a href=\"#plan-summary\">Summary</a> <a href=\"#blockers\">Blockers</a> <a href=\"#plan-customers\">Customers</a> <a href=\"#requests\">Requests</a> <a href=\"#outcomes\">Outcomes</a></nav></header>");
}

fn customers(page: &mut Page, customers: &[Value]) {
    if customers.is_empty() {
        return;
    }
    page.raw("<section id=\"plan-customers\" aria-labelledby=\"plan-customers-h\"><h2 id=\"plan-customers-h\">Customers</h2>");
    let mut order: Vec<&Value> = customers.iter().collect();
    order.sort_by_key(|c| customer_rank(text(c, "status")));
    page.raw("<table class=\"data\" id=\"plan-customers-table\">");
    page.head_row(&[
        "Customer",
        "Readiness",
        "Request",
        "Wave",
        "Subscriptions",
        "What unblocks it",
    ]);
    page.raw("<tbody>");
    for c in order.iter().take(SERVER_OUTCOMES) {
        let status = text(c, "status");
        page.fmt(format_args!(
            "<tr data-customer=\"{}\" data-readiness=\"{}\">",
            Esc(text(c, "customer")),
            Esc(status)
        ));
        page.element("th", "id", text(c, "customer"));
        page.fmt(format_args!(
            "<td><span class=\"badge r-{}\">{}</span></td>",
            Anchor(status),
            Esc(&status.replace('_', " "))
        ));
        page.element("td", "id", text(c, "request"));
        page.element("td", "num", &scalar(c.get("wave")));
        page.element("td", "num", &scalar(c.get("subscriptions")));
        page.raw("<td>");
        reasons(page, list(c, "blockers"));
        page.raw("</td></tr>");
    }
    page.raw("</tbody></table>");
    if order.len() > SERVER_OUTCOMES {
        page.fmt(format_args!(
            "<p class=\"note\">The table lists {SERVER_OUTCOMES} of {} customers (blocked first); <code>--format json</code> lists them all.</p>",
            order.len()
        ));
    }
    page.raw("</section>");
}

/// Blocked customers first, then ready ones.
fn customer_rank(status: &str) -> u8 {
    match status {
        "blocked" => 0,
        "ready" => 1,
        _ => 2,
    }
}

/// A number or a string as text; nothing for null.
fn scalar(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

fn summary(page: &mut Page, summary: &Value) {
    page.raw("<section id=\"plan-summary\" aria-labelledby=\"plan-summary-h\"><h2 id=\"plan-summary-h\">Summary</h2><dl class=\"totals\">");
    let mut entries = Vec::new();
    flatten("", summary, &mut entries);
    for (key, value) in entries {
        page.fmt(format_args!(
            "<div class=\"total\"><dt>{}</dt><dd data-summary=\"{}\">{}</dd></div>",
            Esc(&key.replace(['_', '.'], " ")),
            Esc(&key),
            Esc(&value)
        ));
    }
    page.raw("</dl></section>");
}

/// The scalar fields of a value, nested keys joined with `.`.
fn flatten(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(map) => {
            for (k, inner) in map {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, inner, out);
            }
        }
        Value::Null => {}
        Value::String(s) => out.push((prefix.to_string(), s.clone())),
        other => out.push((prefix.to_string(), other.to_string())),
    }
}

fn blockers(page: &mut Page, blockers: &[Value]) {
    page.raw("<section id=\"blockers\" aria-labelledby=\"blockers-h\"><h2 id=\"blockers-h\">Blockers and their fixes</h2>");
    if blockers.is_empty() {
        page.raw("<p>Nothing blocks the plan.</p></section>");
        return;
    }
    page.raw("<p class=\"explain\">What stands between blocked customers and their transfer requests, by rule, with the fix for each customer.</p><ol class=\"blockers\">");
    for b in blockers {
        page.raw("<li class=\"blocker\"><p class=\"fix\">");
        let (rule, summary) = (text(b, "rule"), text(b, "summary"));
        if !rule.is_empty() {
            page.fmt(format_args!("<code>{}</code> ", Esc(rule)));
        }
        page.text(if summary.is_empty() {
            text(b, "fix")
        } else {
            summary
        });
        page.raw("</p><dl class=\"facts\">");
        if let Value::Object(map) = b {
            let shown = ["rule", "summary", "customers"];
            for (key, value) in map.iter().filter(|(k, _)| !shown.contains(&k.as_str())) {
                page.element("dt", "", &key.replace('_', " "));
                page.element("dd", "", &describe(value));
            }
        }
        page.raw("</dl>");
        fixes(page, list(b, "customers"));
        page.raw("</li>");
    }
    page.raw("</ol></section>");
}

/// The customers a blocker holds back, each with its fix.
fn fixes(page: &mut Page, customers: &[Value]) {
    if customers.is_empty() {
        return;
    }
    page.raw("<ul class=\"fixes\">");
    for c in customers.iter().take(SERVER_OUTCOMES) {
        page.fmt(format_args!(
            "<li><span class=\"id\">{}</span>: {}</li>",
            Esc(text(c, "customer")),
            Esc(text(c, "fix"))
        ));
    }
    if customers.len() > SERVER_OUTCOMES {
        page.fmt(format_args!(
            "<li>… {} more</li>",
            customers.len() - SERVER_OUTCOMES
        ));
    }
    page.raw("</ul>");
}

/// A value as one line of text: lists as their count and their first ids.
fn describe(v: &Value) -> String {
    const SHOWN: usize = 20;
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => {
            let mut shown: Vec<String> = items.iter().take(SHOWN).map(describe).collect();
            if items.len() > SHOWN {
                shown.push(format!("… {} more", items.len() - SHOWN));
            }
            format!("{} — {}", items.len(), shown.join(", "))
        }
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| format!("{k}: {}", describe(v)))
            .collect::<Vec<_>>()
            .join("; "),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The subscription ids of a request's items (strings or `{subscription: id}`).
fn item_ids(request: &Value) -> String {
    list(request, "items")
        .iter()
        .map(|i| i.as_str().unwrap_or_else(|| text(i, "subscription")))
        .collect::<Vec<_>>()
        .join(", ")
}

fn requests(page: &mut Page, requests: &[Value]) {
    page.raw("<section id=\"requests\" aria-labelledby=\"requests-h\"><h2 id=\"requests-h\">Transfer requests by wave</h2>");
    if requests.is_empty() {
        page.raw("<p>No request can be submitted yet.</p></section>");
        return;
    }
    let mut waves: BTreeMap<Option<u64>, Vec<&Value>> = BTreeMap::new();
    for r in requests {
        let wave = r.get("wave").and_then(Value::as_u64);
        waves.entry(wave).or_default().push(r);
    }
    for (wave, members) in &waves {
        let items: usize = members.iter().map(|r| list(r, "items").len()).sum();
        let title = wave.map_or_else(|| "Without a wave".to_string(), |w| format!("Wave {w}"));
        page.fmt(format_args!(
            "<h3 data-wave=\"{}\">{} — {} request{}, {} subscription{}</h3>",
            wave.map_or_else(String::new, |w| w.to_string()),
            Esc(&title),
            members.len(),
            if members.len() == 1 { "" } else { "s" },
            items,
            if items == 1 { "" } else { "s" }
        ));
        page.raw("<table class=\"data requests\">");
        page.head_row(&["Request", "Customer", "From", "To", "Subscriptions"]);
        page.raw("<tbody>");
        for r in members {
            page.raw("<tr>");
            page.element("th", "id", text(r, "id"));
            page.element("td", "id", text(r, "customer"));
            let fields = r.get("fields").unwrap_or(r);
            page.element("td", "id", text(fields, "from"));
            page.element("td", "id", text(fields, "to"));
            page.element("td", "id", &item_ids(r));
            page.raw("</tr>");
        }
        page.raw("</tbody></table>");
    }
    page.raw("</section>");
}

/// Outcomes that need work first.
fn rank(outcome: &str) -> u8 {
    match outcome {
        "blocked" => 0,
        "excluded" => 1,
        "already_requested" => 2,
        "planned" => 3,
        _ => 4,
    }
}

fn outcomes(page: &mut Page, outcomes: &[Value]) {
    page.raw("<section id=\"outcomes\" aria-labelledby=\"outcomes-h\"><h2 id=\"outcomes-h\">Outcome of every subscription</h2>");
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for o in outcomes {
        *counts.entry(text(o, "outcome")).or_default() += 1;
    }
    page.raw("<ul class=\"outcome-counts\">");
    for (outcome, n) in &counts {
        page.fmt(format_args!(
            "<li><span class=\"badge o-{}\">{}</span> <span data-outcome-count=\"{}\">{n}</span></li>",
            Anchor(outcome),
            Esc(&outcome.replace('_', " ")),
            Esc(outcome)
        ));
    }
    page.raw("</ul>");
    let mut order: Vec<&Value> = outcomes.iter().collect();
    order.sort_by_key(|o| rank(text(o, "outcome")));
    page.raw("<div class=\"scroll\"><table class=\"data\" id=\"outcomes-table\">");
    page.head_row(&[
        "Subscription",
        "Customer",
        "Outcome",
        "Request",
        "Findings and fixes",
    ]);
    page.raw("<tbody>");
    for o in order.iter().take(SERVER_OUTCOMES) {
        outcome_row(page, o);
    }
    page.raw("</tbody></table></div>");
    if order.len() > SERVER_OUTCOMES {
        page.fmt(format_args!(
            "<p class=\"note\">The table shows {SERVER_OUTCOMES} of {} subscriptions (blocked and excluded first); <code>--format json</code> lists them all.</p>",
            order.len()
        ));
    }
    page.raw("</section>");
}

fn outcome_row(page: &mut Page, o: &Value) {
    let outcome = text(o, "outcome");
    page.fmt(format_args!("<tr data-outcome=\"{}\">", Esc(outcome)));
    page.element("th", "id", text(o, "subscription"));
    page.element("td", "id", text(o, "customer"));
    page.fmt(format_args!(
        "<td><span class=\"badge o-{}\">{}</span></td>",
        Anchor(outcome),
        Esc(&outcome.replace('_', " "))
    ));
    page.element("td", "id", text(o, "request"));
    page.raw("<td>");
    reasons(page, list(o, "findings"));
    page.raw("</td></tr>");
}

/// Findings as a list: severity, rule, message and fix.
fn reasons(page: &mut Page, findings: &[Value]) {
    if findings.is_empty() {
        return;
    }
    page.raw("<ul class=\"reasons\">");
    for f in findings {
        page.fmt(format_args!(
            "<li><span class=\"sev sev-{}\">{}</span> <code>{}</code> {}",
            Anchor(text(f, "severity")),
            Esc(text(f, "severity")),
            Esc(text(f, "rule")),
            Esc(text(f, "message"))
        ));
        let fix = text(f, "fix");
        if !fix.is_empty() {
            page.fmt(format_args!(
                " <span class=\"fix\">Fix: {}</span>",
                Esc(fix)
            ));
        }
        page.raw("</li>");
    }
    page.raw("</ul>");
}
