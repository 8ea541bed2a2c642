//! The sections of the check report, rendered on the server side from the
//! [`Model`]: readable without JavaScript, which only adds search, filters,
//! sorting and pages to the findings table.

use super::markup::{Anchor, Esc, Page};
use super::model::{number, text, CustomerStat, Model, Readiness, Row, RuleStat};
use serde_json::Value;

/// Findings rendered into the table on the server: the rest come from the
/// embedded data when the script runs (a book with thousands of findings would
/// otherwise make the browser lay out a table of thousands of rows).
pub const SERVER_ROWS: usize = 1000;
/// Customers listed on the server side, blocked ones first.
pub const SERVER_CUSTOMERS: usize = 1000;

/// The header and every section of a check report.
pub(super) fn body(page: &mut Page, model: &Model<'_>) {
    header(page, model);
    page.raw("<main id=\"main\">");
    input_errors(page, model.errors);
    totals(page, model);
    customers(page, &model.customers);
    rules(page, &model.rules);
    findings(page, model);
    rule_docs(page, &model.rules);
    page.raw("</main>");
}

fn header(page: &mut Page, model: &Model<'_>) {
    page.raw("<header><h1>eligo check report</h1>");
    if !model.files.is_empty() {
        page.raw("<ul class=\"files\">");
        for (path, scenario) in &model.files {
            page.fmt(format_args!(
                "<li><span class=\"path\">{}</span>",
                Esc(path)
            ));
            if !scenario.is_empty() {
                page.fmt(format_args!(" — {}", Esc(scenario)));
            }
            page.raw("</li>");
        }
        page.raw("</ul>");
    }
    page.raw("<nav aria-label=\"Sections\"><a href=\"#totals\">Totals</a> <a href=\"#customers\">Customers</a> <a href=\"#rules\">Rules</a> <a href=\"#findings\">Findings</a> <a href=\"#rule-docs\">Rule documentation</a></nav></header>");
}

fn input_errors(page: &mut Page, errors: &[Value]) {
    if errors.is_empty() {
        return;
    }
    page.fmt(format_args!(
        "<section id=\"input-errors\" class=\"alert\" aria-labelledby=\"input-errors-h\"><h2 id=\"input-errors-h\">Input errors</h2><p>{} input error{}: the files below could not be checked, so nothing was passed. Fix them first.</p>",
        errors.len(),
        plural(errors.len() as u64)
    ));
    page.raw("<table class=\"data\" id=\"input-errors-table\">");
    page.head_row(&["Place", "Code", "Message", "Help"]);
    page.raw("<tbody>");
    for e in errors {
        let place = match (
            e.get("line").and_then(Value::as_u64),
            e.get("column").and_then(Value::as_u64),
        ) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}", text(e, "path")),
            _ => text(e, "path").to_string(),
        };
        page.raw("<tr>");
        page.element("td", "path", &place);
        page.element("td", "code", text(e, "code"));
        page.element("td", "", text(e, "message"));
        page.element("td", "", text(e, "help"));
        page.raw("</tr>");
    }
    page.raw("</tbody></table></section>");
}

fn totals(page: &mut Page, model: &Model<'_>) {
    let s = model.summary;
    page.raw("<section id=\"totals\" aria-labelledby=\"totals-h\"><h2 id=\"totals-h\">Totals</h2><dl class=\"totals\">");
    let mut total = |key: &str, label: &str, n: u64| {
        page.fmt(format_args!(
            "<div class=\"total t-{key}\"><dt>{label}</dt><dd data-total=\"{key}\">{n}</dd></div>"
        ));
    };
    total("errors", "Errors", number(s, "errors"));
    total("warnings", "Warnings", number(s, "warnings"));
    total("waived", "Waived", number(s, "waived"));
    if model.has_baseline() {
        total("known", "Known (baseline)", model.known());
    }
    total("input_errors", "Input errors", number(s, "input_errors"));
    total("files", "Scenario files", number(s, "files"));
    page.raw("</dl><p class=\"explain\">Errors and warnings count the findings that are not waived; waived findings are listed but do not fail the run.</p></section>");
}

fn customers(page: &mut Page, stats: &[CustomerStat<'_>]) {
    page.raw("<section id=\"customers\" aria-labelledby=\"customers-h\"><h2 id=\"customers-h\">Customers</h2>");
    if stats.is_empty() {
        page.raw("<p>No customer in the checked files.</p></section>");
        return;
    }
    let count = |r: Readiness| stats.iter().filter(|c| c.readiness() == r).count();
    page.fmt(format_args!(
        "<p class=\"readiness-summary\"><span class=\"r-ready\" data-count=\"ready\">{} ready</span> · <span class=\"r-blocked\" data-count=\"blocked\">{} blocked</span> · <span class=\"r-nothing\" data-count=\"nothing\">{} with nothing to move</span></p>",
        count(Readiness::Ready),
        count(Readiness::Blocked),
        count(Readiness::NothingToMove)
    ));
    page.raw("<p class=\"explain\">A customer is blocked by the error findings (not waived) on it, its subscriptions and its transfer requests; it has nothing to move when no subscription of the book names it.</p>");
    let mut order: Vec<&CustomerStat<'_>> = stats.iter().collect();
    // Blocked first, most errors first; the sort is stable, so file order stays.
    order.sort_by_key(|c| (c.readiness(), std::cmp::Reverse(c.errors)));
    page.raw("<table class=\"data\" id=\"customers-table\">");
    page.head_row(&[
        "Customer",
        "File",
        "Readiness",
        "Errors",
        "Warnings",
        "Waived",
        "Subscriptions",
    ]);
    page.raw("<tbody>");
    for c in order.iter().take(SERVER_CUSTOMERS) {
        customer_row(page, c);
    }
    page.raw("</tbody></table>");
    if order.len() > SERVER_CUSTOMERS {
        page.fmt(format_args!(
            "<p class=\"note\">The table lists {SERVER_CUSTOMERS} of {} customers (blocked ones first); filter the findings table by customer, or see <code>--format json</code>, for the others.</p>",
            order.len()
        ));
    }
    page.raw("</section>");
}

fn customer_row(page: &mut Page, c: &CustomerStat<'_>) {
    let readiness = c.readiness();
    let label = match readiness {
        Readiness::Blocked => format!("blocked by {} finding{}", c.errors, plural(c.errors)),
        Readiness::Ready => "ready".to_string(),
        Readiness::NothingToMove => "nothing to move".to_string(),
    };
    page.fmt(format_args!(
        "<tr data-customer=\"{}\" data-path=\"{}\" data-readiness=\"{}\" data-errors=\"{}\">",
        Esc(c.id),
        Esc(c.path),
        readiness.key(),
        c.errors
    ));
    page.element("th", "id", c.id);
    page.element("td", "path", c.path);
    page.fmt(format_args!(
        "<td><span class=\"badge r-{}\">{}</span></td>",
        readiness.key(),
        Esc(&label)
    ));
    for n in [c.errors, c.warnings, c.waived, c.subscriptions] {
        page.num_cell(n);
    }
    page.raw("</tr>");
}

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn rules(page: &mut Page, stats: &[RuleStat<'_>]) {
    page.raw("<section id=\"rules\" aria-labelledby=\"rules-h\"><h2 id=\"rules-h\">Findings per rule</h2>");
    let mut fired: Vec<&RuleStat<'_>> = stats.iter().filter(|r| r.active + r.waived > 0).collect();
    fired.sort_by_key(|r| std::cmp::Reverse(r.active + r.waived));
    if fired.is_empty() {
        page.raw("<p>No rule found anything.</p>");
    } else {
        page.raw("<table class=\"data\" id=\"rules-table\">");
        page.head_row(&["Rule", "Severity", "Summary", "Findings", "Waived"]);
        page.raw("<tbody>");
        for r in fired {
            page.fmt(format_args!(
                "<tr data-rule=\"{}\"><th scope=\"row\"><a href=\"#rule-{}\">{}</a></th>",
                Esc(r.id),
                Anchor(r.id),
                Esc(r.id)
            ));
            severity_cell(page, r.severity);
            page.element("td", "", r.summary);
            page.num_cell(r.active);
            page.num_cell(r.waived);
            page.raw("</tr>");
        }
        page.raw("</tbody></table>");
    }
    let quiet: Vec<&RuleStat<'_>> = stats.iter().filter(|r| r.active + r.waived == 0).collect();
    if !quiet.is_empty() {
        page.fmt(format_args!(
            "<details class=\"quiet\"><summary>{} rule{} found nothing</summary><ul>",
            quiet.len(),
            plural(quiet.len() as u64)
        ));
        for r in quiet {
            page.fmt(format_args!(
                "<li><a href=\"#rule-{}\">{}</a> — {}</li>",
                Anchor(r.id),
                Esc(r.id),
                Esc(r.summary)
            ));
        }
        page.raw("</ul></details>");
    }
    page.raw("</section>");
}

fn severity_cell(page: &mut Page, severity: &str) {
    page.fmt(format_args!(
        "<td><span class=\"sev sev-{}\">{}</span></td>",
        Anchor(severity),
        Esc(severity)
    ));
}

fn findings(page: &mut Page, model: &Model<'_>) {
    let rows = &model.rows;
    page.raw("<section id=\"findings\" aria-labelledby=\"findings-h\"><h2 id=\"findings-h\">Findings</h2>");
    filters(page, model);
    page.fmt(format_args!(
        "<p id=\"count\" role=\"status\" aria-live=\"polite\">{} finding{}</p>",
        rows.len(),
        plural(rows.len() as u64)
    ));
    page.raw("<div class=\"scroll\"><table class=\"data\" id=\"findings-table\">");
    page.head_row(&[
        "Rule", "Severity", "Subject", "Customer", "Message", "Fix", "Location", "Status",
    ]);
    page.raw("<tbody id=\"findings-body\">");
    for row in rows.iter().take(SERVER_ROWS) {
        finding_row(page, row);
    }
    page.raw("</tbody></table></div>");
    if rows.is_empty() {
        page.raw("<p class=\"explain\">No findings: every rule holds for every entity of the checked files.</p>");
    }
    if rows.len() > SERVER_ROWS {
        page.fmt(format_args!(
            "<p class=\"note server-only\">Without JavaScript this table shows the first {SERVER_ROWS} of {} findings; the page holds them all (open it with JavaScript enabled), and <code>--format json</code> lists them too.</p>",
            rows.len()
        ));
    }
    page.raw("<nav id=\"pager\" class=\"pager\" aria-label=\"Pages of findings\" hidden><button type=\"button\" id=\"prev\">Previous page</button> <span id=\"page\"></span> <button type=\"button\" id=\"next\">Next page</button></nav></section>");
}

fn filters(page: &mut Page, model: &Model<'_>) {
    page.raw("<form id=\"filters\" class=\"filters\" role=\"search\" aria-label=\"Filter the findings\" hidden>");
    page.raw("<div><label for=\"q\">Search</label><input type=\"search\" id=\"q\" placeholder=\"rule, id, customer, message, file\" autocomplete=\"off\"></div>");
    let rules: Vec<&str> = model
        .rules
        .iter()
        .filter(|r| r.active + r.waived > 0)
        .map(|r| r.id)
        .collect();
    select(page, "f-rule", "Rule", "All rules", &rules);
    select(
        page,
        "f-severity",
        "Severity",
        "All severities",
        &["error", "warning"],
    );
    page.raw("<div><label for=\"f-status\">Status</label><select id=\"f-status\"><option value=\"\">Any status</option><option value=\"open\">Not waived</option><option value=\"waived\">Waived</option>");
    if model.has_baseline() {
        page.raw("<option value=\"known\">Known (baseline)</option><option value=\"new\">New (baseline)</option>");
    }
    page.raw("</select></div>");
    let mut customers: Vec<&str> = model
        .rows
        .iter()
        .map(|r| r.customer)
        .filter(|c| !c.is_empty())
        .collect();
    customers.sort_unstable();
    customers.dedup();
    select(page, "f-customer", "Customer", "All customers", &customers);
    page.raw("<div><button type=\"reset\" id=\"clear\">Clear filters</button></div></form>");
}

fn select(page: &mut Page, id: &str, label: &str, any: &str, values: &[&str]) {
    page.fmt(format_args!(
        "<div><label for=\"{id}\">{label}</label><select id=\"{id}\"><option value=\"\">{any}</option>"
    ));
    for v in values {
        page.fmt(format_args!("<option>{}</option>", Esc(v)));
    }
    page.raw("</select></div>");
}

/// One row of the findings table; `report.js` (`rowElement`) builds the same.
fn finding_row(page: &mut Page, row: &Row<'_>) {
    page.fmt(format_args!("<tr class=\"f-{}\">", Anchor(row.severity)));
    page.fmt(format_args!(
        "<td><a href=\"#rule-{}\">{}</a></td>",
        Anchor(row.rule),
        Esc(row.rule)
    ));
    severity_cell(page, row.severity);
    page.element("td", "id", row.subject);
    page.element("td", "id", row.customer);
    page.element("td", "msg", row.problem);
    page.element("td", "msg", row.fix);
    page.fmt(format_args!(
        "<td class=\"path\">{}:{}:{}</td>",
        Esc(row.path),
        row.line,
        row.column
    ));
    match (&row.waiver, row.status) {
        (Some(w), _) => page.fmt(format_args!(
            "<td><span class=\"badge st-waived\">waived</span> {}</td>",
            Esc(w)
        )),
        (None, "") => page.raw("<td></td>"),
        (None, s) => page.fmt(format_args!(
            "<td><span class=\"badge st-{s}\">{s}</span></td>"
        )),
    }
    page.raw("</tr>");
}

fn rule_docs(page: &mut Page, stats: &[RuleStat<'_>]) {
    page.raw("<section id=\"rule-docs\" aria-labelledby=\"rule-docs-h\"><h2 id=\"rule-docs-h\">Rule documentation</h2><p class=\"explain\">Each rule's documentation as written in its rule file; <code>eligo rules</code> lists the loaded rules.</p>");
    for r in stats {
        page.fmt(format_args!(
            "<article id=\"rule-{}\" class=\"rule-doc\"><h3><code>{}</code> ",
            Anchor(r.id),
            Esc(r.id)
        ));
        page.fmt(format_args!(
            "<span class=\"sev sev-{}\">{}</span></h3>",
            Anchor(r.severity),
            Esc(r.severity)
        ));
        if !r.summary.is_empty() {
            page.element("p", "", r.summary);
        }
        if !r.doc.is_empty() {
            page.element("pre", "doc", r.doc);
        }
        page.raw("</article>");
    }
    page.raw("</section>");
}
