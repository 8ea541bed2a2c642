//! The HTML report without a browser: the page is parsed (scraper) and
//! compared with the JSON report of the same run — the embedded data, the
//! totals, the customers' readiness, the rows — and hostile ids must come
//! out as text, never as markup. The browser tests (`tests/browser/`) load
//! the same pages in Chromium.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use base64::Engine;
use common::eligo;
use scraper::{Html, Selector};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// Runs `eligo check` with these arguments in one format; returns stdout.
fn check(format: &str, args: &[&str]) -> String {
    let mut cmd = eligo();
    cmd.arg("check").arg("--format").arg(format).args(args);
    let out = cmd.output().unwrap();
    assert!(out.status.code().is_some_and(|c| c <= 2), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

fn sel(css: &str) -> Selector {
    Selector::parse(css).unwrap()
}

fn texts(page: &Html, css: &str) -> Vec<String> {
    page.select(&sel(css))
        .map(|e| e.text().collect::<String>())
        .collect()
}

/// The embedded data of a page, as JSON.
fn embedded(page: &Html) -> Value {
    let data = texts(page, "script#eligo-data");
    assert_eq!(data.len(), 1, "the data is embedded once");
    serde_json::from_str(&data[0]).unwrap()
}

fn findings(report: &Value) -> Vec<&Value> {
    report["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["findings"].as_array().unwrap())
        .collect()
}

/// Readiness per (file, customer) as the JSON report implies it.
fn readiness(report: &Value) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for file in report["files"].as_array().unwrap() {
        let path = file["path"].as_str().unwrap();
        for c in file["customers"].as_array().into_iter().flatten() {
            let id = c["id"].as_str().unwrap();
            let errors = file["findings"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| {
                    f["customer"] == id && f["severity"] == "error" && f.get("waived").is_none()
                })
                .count();
            let state = if errors > 0 {
                "blocked"
            } else if c["subscriptions"] == 0 {
                "nothing"
            } else {
                "ready"
            };
            out.push((path.to_string(), id.to_string(), state.to_string()));
        }
    }
    out.sort();
    out
}

fn page_readiness(page: &Html) -> Vec<(String, String, String)> {
    let mut out: Vec<_> = page
        .select(&sel("#customers-table tbody tr"))
        .map(|tr| {
            let attr = |k: &str| tr.value().attr(k).unwrap().to_string();
            (
                attr("data-path"),
                attr("data-customer"),
                attr("data-readiness"),
            )
        })
        .collect();
    out.sort();
    out
}

/// What every page must be: self-contained, with a policy that allows only
/// its own inline style and script.
fn assert_self_contained(html: &str, page: &Html) {
    let csp = page
        .select(&sel("meta[http-equiv=Content-Security-Policy]"))
        .next()
        .unwrap()
        .value()
        .attr("content")
        .unwrap()
        .to_string();
    assert!(csp.starts_with("default-src 'none';"), "{csp}");
    let scripts: Vec<_> = page.select(&sel("script")).collect();
    assert_eq!(scripts.len(), 2, "the data and the script");
    let hash = |text: &str| {
        let digest = Sha256::digest(text.as_bytes());
        format!(
            "'sha256-{}'",
            base64::engine::general_purpose::STANDARD.encode(digest)
        )
    };
    let script = scripts[1].text().collect::<String>();
    assert!(
        csp.contains(&format!("script-src {}", hash(&script))),
        "{csp}"
    );
    let style = texts(page, "style").concat();
    assert!(
        csp.contains(&format!("style-src {}", hash(&style))),
        "{csp}"
    );
    let outside: Vec<_> = page
        .select(&sel("[src], link, iframe, object, embed, img, [style]"))
        .map(|e| format!("{:?}", e.value()))
        .collect();
    assert!(
        outside.is_empty(),
        "elements that load or style from outside: {outside:?}"
    );
    for a in page.select(&sel("a[href]")) {
        let href = a.value().attr("href").unwrap();
        assert!(href.starts_with('#'), "a link out of the page: {href}");
    }
    assert!(!html.contains("http://") && !html.contains("https://"));
}

#[test]
fn each_book_page_equals_its_json_report() {
    for book in std::fs::read_dir("fixtures/books").unwrap() {
        let path = book.unwrap().path();
        let path = path.to_str().unwrap();
        let json: Value = serde_json::from_str(&check("json", &[path])).unwrap();
        let html = check("html", &[path]);
        let page = Html::parse_document(&html);
        assert_self_contained(&html, &page);
        assert_eq!(embedded(&page), json, "{path}: the data is the JSON report");
        for key in ["errors", "warnings", "waived", "input_errors", "files"] {
            let shown = texts(&page, &format!("[data-total={key}]"));
            assert_eq!(shown, [json["summary"][key].to_string()], "{path}: {key}");
        }
        assert_eq!(page_readiness(&page), readiness(&json), "{path}");
        let rows = page.select(&sel("#findings-body tr")).count();
        assert_eq!(rows, findings(&json).len(), "{path}");
        // Every finding's subject, message text and place is in its row.
        let cells = texts(&page, "#findings-body td");
        for f in findings(&json) {
            let place = format!(
                "{}:{}:{}",
                f["location"]["path"].as_str().unwrap(),
                f["location"]["line"],
                f["location"]["column"]
            );
            assert!(cells.contains(&place), "{path}: {place}");
            assert!(cells.iter().any(|c| c == f["subject"].as_str().unwrap()));
        }
    }
}

#[test]
fn the_bytes_are_deterministic() {
    let args = [
        "fixtures/books",
        "--waivers",
        "fixtures/waivers/mixed-book.yaml",
    ];
    assert_eq!(check("html", &args), check("html", &args));
}

#[test]
fn waived_findings_are_marked_and_not_counted() {
    let args = [
        "fixtures/books/mixed-book.yaml",
        "--waivers",
        "fixtures/waivers/mixed-book.yaml",
    ];
    let json: Value = serde_json::from_str(&check("json", &args)).unwrap();
    let page = Html::parse_document(&check("html", &args));
    assert_eq!(embedded(&page), json);
    let waived = findings(&json)
        .iter()
        .filter(|f| f.get("waived").is_some())
        .count();
    assert!(waived > 0);
    assert_eq!(texts(&page, "#findings-body .st-waived").len(), waived);
    assert_eq!(texts(&page, "[data-total=waived]"), [waived.to_string()]);
    assert_eq!(page_readiness(&page), readiness(&json));
}

#[test]
fn input_errors_come_first() {
    let args = [
        "fixtures/books/clean-book.yaml",
        "fixtures/invalid/bad-enum.yaml",
    ];
    let html = check("html", &args);
    let page = Html::parse_document(&html);
    let first = page.select(&sel("main > section")).next().unwrap();
    assert_eq!(first.value().attr("id"), Some("input-errors"));
    let cells = texts(&page, "#input-errors-table td");
    assert!(
        cells.contains(&"fixtures/invalid/bad-enum.yaml:33:12".to_string()),
        "{cells:?}"
    );
    assert!(cells.iter().any(|c| c.contains("azure_payg_plan")));
    let json: Value = serde_json::from_str(&check("json", &args)).unwrap();
    assert_eq!(embedded(&page), json);
}

/// Ids as a pull request could write them: markup, quotes, a closing script
/// tag, a line separator.
const HOSTILE: [&str; 4] = [
    "<script>alert(1)</script>",
    "a\"b'c&amp;",
    "</script><!--x",
    "line\u{2028}sep\u{2029}",
];

fn hostile_book() -> String {
    let mut book = String::from("as_of: 2026-11-20\npartners:\n  - id: contoso\n    region: europe\n    roles: [direct_bill]\ncustomers:\n");
    for id in HOSTILE {
        let quoted = serde_json::to_string(id).unwrap();
        book.push_str(&format!("  - id: {quoted}\n    region: europe\n"));
    }
    book.push_str("subscriptions:\n");
    for (i, id) in HOSTILE.iter().enumerate() {
        let quoted = serde_json::to_string(id).unwrap();
        let sub = serde_json::to_string(&format!("{id}-sub{i}")).unwrap();
        book.push_str(&format!(
            "  - id: {sub}\n    customer: {quoted}\n    partner: contoso\n    offer: o365\n"
        ));
    }
    book
}

#[test]
fn hostile_ids_stay_text() {
    let tmp = common::scratch("html");
    let dir = tmp.path();
    let file = dir.join("hostile.yaml");
    std::fs::write(&file, hostile_book()).unwrap();
    let file = file.to_str().unwrap();
    let json: Value = serde_json::from_str(&check("json", &[file])).unwrap();
    let html = check("html", &[file]);
    tmp.close().unwrap();
    assert!(
        findings(&json).len() >= HOSTILE.len(),
        "every customer lacks an MCA"
    );
    for raw in ["<script>alert", "</script><!--", "a\"b"] {
        assert!(!html.contains(raw), "unescaped {raw:?}");
    }
    // The data as written: no character that could end the element or a line.
    let start = html.find("id=\"eligo-data\">").unwrap();
    let data = &html[start + 16..];
    let data = &data[..data.find("</script>").unwrap()];
    for raw in ["<", ">", "&", "\u{2028}", "\u{2029}"] {
        assert!(!data.contains(raw), "unescaped {raw:?} in the data");
    }
    assert!(data.contains("\\u003cscript\\u003e") && data.contains("\\u2028"));
    let page = Html::parse_document(&html);
    assert_self_contained(&html, &page);
    assert_eq!(embedded(&page), json);
    let customers: Vec<String> = page
        .select(&sel("#customers-table tbody tr"))
        .map(|tr| tr.value().attr("data-customer").unwrap().to_string())
        .collect();
    for id in HOSTILE {
        assert!(
            customers.contains(&id.to_string()),
            "{id:?} in {customers:?}"
        );
        let cells = texts(&page, "#findings-body td");
        assert!(cells.contains(&id.to_string()), "{id:?}");
    }
    assert_eq!(page_readiness(&page), readiness(&json));
}

/// A plan in the shape of `eligo plan --format json` (DOMAIN.md section 7),
/// with a hostile customer id.
fn sample_plan() -> Value {
    let finding = |rule: &str, subject: &str, message: &str, fix: &str| json!({"rule": rule, "severity": "error", "subject": subject, "message": message, "fix": fix});
    let moved = finding(
        "customer-moved-to-provider",
        "plan-northwind",
        "northwind has no relationship with fabrikam",
        "move northwind to fabrikam first",
    );
    let reservation = finding(
        "transferable-offer",
        "ad-ri",
        "ad-ri is an azure_reservation subscription",
        "cancel it and buy it again through fabrikam",
    );
    let outcome = |sub: &str, customer: &str, outcome: &str, request: Value, findings: Value| {
        json!({"subscription": sub, "customer": customer, "outcome": outcome, "request": request,
               "with": null, "findings": findings})
    };
    json!({
        "path": "books/plan.yaml", "scenario": "plan-test", "from": "contoso", "to": "fabrikam",
        "wave_size": 2,
        "summary": {"requests": 2, "waves": 2,
                    "customers": {"ready": 2, "blocked": 1, "nothing_to_move": 0},
                    "subscriptions": {"planned": 3, "already_requested": 0, "excluded": 1,
                                      "blocked": 1, "out_of_scope": 1}},
        "waves": [{"wave": 1, "requests": ["plan-adatum"], "subscriptions": 2, "oversize": false},
                  {"wave": 2, "requests": ["plan-<b>"], "subscriptions": 1, "oversize": false}],
        "requests": [
            {"id": "plan-adatum", "wave": 1, "customer": "adatum",
             "fields": {"id": "plan-adatum", "from": "contoso", "to": "fabrikam", "customer": "adatum", "status": "active"},
             "items": [{"subscription": "ad-e3", "quantity": 25}, {"subscription": "ad-e3-addon"}]},
            {"id": "plan-<b>", "wave": 2, "customer": "<b>bold</b>",
             "fields": {"id": "plan-<b>", "from": "contoso", "to": "fabrikam", "customer": "<b>bold</b>", "status": "active"},
             "items": [{"subscription": "b-1"}]}
        ],
        "customers": [
            {"customer": "adatum", "status": "ready", "request": "plan-adatum", "wave": 1, "subscriptions": 3, "blockers": []},
            {"customer": "<b>bold</b>", "status": "ready", "request": "plan-<b>", "wave": 2, "subscriptions": 1, "blockers": []},
            {"customer": "northwind", "status": "blocked", "request": null, "wave": null, "subscriptions": 1, "blockers": [moved]}
        ],
        "outcomes": [
            outcome("ad-e3", "adatum", "planned", json!("plan-adatum"), json!([])),
            outcome("ad-e3-addon", "adatum", "planned", json!("plan-adatum"), json!([])),
            outcome("b-1", "<b>bold</b>", "planned", json!("plan-<b>"), json!([])),
            outcome("ad-ri", "adatum", "excluded", Value::Null, json!([reservation])),
            outcome("nw-1", "northwind", "blocked", Value::Null, json!([moved])),
            outcome("x-1", "other", "out_of_scope", Value::Null, json!([]))
        ],
        "blockers": [
            {"rule": "customer-moved-to-provider", "summary": "The customer must be moved to the provider first",
             "customers": [{"customer": "northwind", "fix": "move northwind to fabrikam first"}],
             "count": 1, "unblocks": 1}
        ]
    })
}

#[test]
fn a_plan_shows_waves_outcomes_and_blockers() {
    let plan = sample_plan();
    let html = eligo::internals::report::html::render_plan(&plan).unwrap();
    let page = Html::parse_document(&html);
    assert_self_contained(&html, &page);
    assert_eq!(embedded(&page), plan);
    assert!(!html.contains("<b>"), "ids are escaped");
    let waves: Vec<_> = page
        .select(&sel("#requests h3"))
        .map(|h| h.value().attr("data-wave").unwrap().to_string())
        .collect();
    assert_eq!(waves, ["1", "2"]);
    assert_eq!(page.select(&sel("#requests tbody tr")).count(), 2);
    assert_eq!(
        texts(&page, "#requests tbody td")
            .iter()
            .filter(|t| *t == "ad-e3, ad-e3-addon")
            .count(),
        1
    );
    let outcomes: Vec<_> = page
        .select(&sel("#outcomes-table tbody tr"))
        .map(|tr| tr.value().attr("data-outcome").unwrap().to_string())
        .collect();
    assert_eq!(
        outcomes,
        [
            "blocked",
            "excluded",
            "planned",
            "planned",
            "planned",
            "out_of_scope"
        ]
    );
    assert_eq!(texts(&page, "[data-outcome-count=planned]"), ["3"]);
    assert_eq!(
        texts(&page, ".blocker .fixes li"),
        ["northwind: move northwind to fabrikam first"]
    );
    let readiness: Vec<_> = page
        .select(&sel("#plan-customers-table tbody tr"))
        .map(|tr| tr.value().attr("data-readiness").unwrap().to_string())
        .collect();
    assert_eq!(readiness, ["blocked", "ready", "ready"]);
    assert_eq!(texts(&page, "[data-summary=\"customers.blocked\"]"), ["1"]);
    let reasons = texts(&page, "#outcomes-table .reasons li").concat();
    assert!(
        reasons.contains("Fix: cancel it and buy it again through fabrikam"),
        "{reasons}"
    );
}

#[test]
fn a_big_report_renders_its_first_rows_and_embeds_all() {
    let n = eligo::internals::report::html::SERVER_ROWS + 500;
    let findings: Vec<Value> = (0..n)
        .map(|i| {
            json!({"rule": "mca-accepted", "severity": "error", "subject": format!("c{i}"),
                   "customer": format!("c{i}"), "message": "m; f", "fix": "f",
                   "location": {"path": "big.yaml", "line": i + 1, "column": 5}, "related": []})
        })
        .collect();
    let customers: Vec<Value> = (0..n)
        .map(|i| json!({"id": format!("c{i}"), "subscriptions": 1}))
        .collect();
    let report = json!({
        "files": [{"path": "big.yaml", "kind": "scenario", "scenario": null,
                   "customers": customers, "findings": findings,
                   "summary": {"errors": n, "warnings": 0, "waived": 0}}],
        "errors": [],
        "summary": {"files": 1, "invalid_files": 0, "errors": n, "warnings": 0, "waived": 0, "input_errors": 0}
    });
    let html = eligo::internals::report::html::render_check(&report).unwrap();
    let page = Html::parse_document(&html);
    assert_eq!(embedded(&page), report);
    let rows = page.select(&sel("#findings-body tr")).count();
    assert_eq!(rows, eligo::internals::report::html::SERVER_ROWS);
    assert_eq!(
        texts(&page, ".server-only").len(),
        1,
        "the note says rows are left out"
    );
    let customers = page.select(&sel("#customers-table tbody tr")).count();
    assert_eq!(customers, eligo::internals::report::html::SERVER_CUSTOMERS);
    assert_eq!(
        texts(&page, "[data-count=blocked]"),
        [format!("{n} blocked")]
    );
}
