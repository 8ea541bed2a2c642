//! The JSON report of DOMAIN.md section 5.

use serde::Serialize;

use super::{FileReport, Location};

#[derive(Serialize)]
struct JsonReport<'a> {
    files: Vec<JsonFile<'a>>,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    path: &'a str,
    scenario: Option<&'a str>,
    findings: Vec<JsonFinding<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: &'a str,
    subject: &'a str,
    message: String,
    location: &'a Location,
    related: &'a [String],
}

#[derive(Serialize)]
struct Summary {
    errors: usize,
    warnings: usize,
}

/// Renders reports as pretty-printed JSON.
pub fn render(reports: &[&FileReport]) -> String {
    let files = reports
        .iter()
        .map(|r| JsonFile {
            path: &r.path,
            scenario: r.scenario.as_deref(),
            findings: r
                .findings
                .iter()
                .map(|f| JsonFinding {
                    rule: &f.rule,
                    severity: f.severity.as_str(),
                    subject: &f.subject,
                    message: f.message(),
                    location: &f.location,
                    related: &f.related,
                })
                .collect(),
            summary: Summary {
                errors: r.errors(),
                warnings: r.warnings(),
            },
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&JsonReport { files })
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    out.push('\n');
    out
}
