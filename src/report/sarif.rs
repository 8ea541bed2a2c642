//! SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
//!
//! One run. `tool.driver.rules` describes every loaded rule (id, summary as
//! `shortDescription`, `##` documentation as `fullDescription` and `help`,
//! severity as `defaultConfiguration.level`), the two waiver rules, and one
//! descriptor per input-error code that occurs. Each finding is a result with its
//! `ruleId`, `level`, message and a physical location (the file, and the line and
//! column of the subject's entry). Waived findings carry a `suppressions` entry
//! (kind `external`, status `accepted`, the reason as justification, the waiver's
//! location). Input errors are results too — level `error`, the diagnostic code
//! as `ruleId` — because results are what code scanning shows; they are also
//! listed as `toolExecutionNotifications` of the invocation, which is then not
//! `executionSuccessful`, as the SARIF specification intends.
//!
//! The model types come from `serde-sarif`, generated from the official schema.

use serde::{Serialize, Serializer};
use serde_json::{json, Value};
use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location as SarifLocation, Message, MultiformatMessageString,
    Notification, PhysicalLocation, PropertyBag, Region, ReportingConfiguration,
    ReportingDescriptor, Result as SarifResult, ResultLevel, Suppression, Tool, ToolComponent,
};
use std::collections::BTreeMap;
use std::io::{self, Write};

use super::{CheckRun, Finding, InputError, RuleInfo, Waived};
use crate::lang::ast::Severity;

/// The schema URI written in `$schema`.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The SARIF log: `serde_sarif::sarif::Sarif` with the fields written here, in
/// its order (alphabetical, as generated from the schema), so the text is the
/// same as the model's. It exists to stream the results (see [`Results`]).
#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [LogRun<'a>; 1],
    version: &'static str,
}

/// `serde_sarif::sarif::Run`, likewise.
#[derive(Serialize)]
struct LogRun<'a> {
    #[serde(rename = "columnKind")]
    column_kind: &'static str,
    invocations: [Invocation; 1],
    results: Results<'a>,
    tool: Tool,
}

/// The results, each built from its finding or input error as it is written,
/// then dropped: the whole log is never in memory.
struct Results<'a> {
    run: &'a CheckRun,
    index: &'a BTreeMap<String, i64>,
}

impl Serialize for Results<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let findings = self.run.reports.iter().flat_map(|r| &r.findings);
        let fixed = self.run.reports.iter().flat_map(|r| {
            r.fixed
                .iter()
                .flatten()
                .map(move |fixed| super::sarif_baseline::absent_result(&r.path, fixed, self.index))
        });
        serializer.collect_seq(
            findings
                .map(|f| finding_result(f, self.index))
                .chain(fixed)
                .chain(self.run.errors.iter().map(|e| error_result(e, self.index))),
        )
    }
}

/// Writes a run as a pretty-printed SARIF log and a newline.
pub fn write(run: &CheckRun, out: &mut dyn Write) -> io::Result<()> {
    let rules = descriptors(run);
    let index = rule_index(&rules);
    let driver = ToolComponent::builder()
        .name("eligo")
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .rules(rules)
        .build();
    let log = Log {
        schema: SCHEMA_URI,
        runs: [LogRun {
            column_kind: "unicodeCodePoints",
            invocations: [invocation(&run.errors)],
            results: Results { run, index: &index },
            tool: Tool::builder().driver(driver).build(),
        }],
        version: "2.1.0",
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    out.write_all(b"\n")
}

/// Each descriptor's position, for the results' `ruleIndex`.
fn rule_index(rules: &[ReportingDescriptor]) -> BTreeMap<String, i64> {
    rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.clone(), i as i64))
        .collect()
}

/// The loaded rules, the waiver rules, then the input-error codes that occur (sorted).
fn descriptors(run: &CheckRun) -> Vec<ReportingDescriptor> {
    let mut out: Vec<ReportingDescriptor> = run
        .rules
        .iter()
        .chain(&crate::waiver::rule_infos())
        .map(rule_descriptor)
        .collect();
    let codes: std::collections::BTreeSet<&str> =
        run.errors.iter().map(|e| e.code.as_str()).collect();
    out.extend(codes.into_iter().map(code_descriptor));
    out
}

fn rule_descriptor(rule: &RuleInfo) -> ReportingDescriptor {
    let doc = rule.doc.trim();
    let full = if doc.is_empty() { &rule.summary } else { doc };
    ReportingDescriptor::builder()
        .id(rule.id.as_str())
        .name(rule.id.as_str())
        .short_description(text(&rule.summary))
        .full_description(text(full))
        .help(
            MultiformatMessageString::builder()
                .text(full)
                .markdown(format!("**{}**\n\n{full}", rule.summary))
                .build(),
        )
        .default_configuration(
            ReportingConfiguration::builder()
                .level(level_name(rule.severity))
                .build(),
        )
        .build()
}

fn code_descriptor(code: &str) -> ReportingDescriptor {
    let summary = format!("eligo could not use an input file ({code})");
    let help = "The file breaks the format eligo reads, so it was not checked and the run \
                fails with exit code 2. The result's message says what is wrong and how to \
                fix it; the README lists every error code.";
    ReportingDescriptor::builder()
        .id(code)
        .name(code)
        .short_description(text(&summary))
        .full_description(text(help))
        .help(text(help))
        .default_configuration(ReportingConfiguration::builder().level("error").build())
        .build()
}

fn text(s: &str) -> MultiformatMessageString {
    MultiformatMessageString::builder().text(s).build()
}

pub(super) fn message(s: String) -> Message {
    Message::builder().text(s).build()
}

fn level_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn finding_result(f: &Finding, index: &BTreeMap<String, i64>) -> SarifResult {
    let level = match f.severity {
        Severity::Error => ResultLevel::Error,
        Severity::Warning => ResultLevel::Warning,
    };
    let mut props = BTreeMap::new();
    props.insert("subject".to_string(), json!(f.subject));
    if !f.related.is_empty() {
        props.insert("related".to_string(), json!(f.related));
    }
    if f.related_more > 0 {
        props.insert("relatedMore".to_string(), json!(f.related_more));
    }
    let mut result = SarifResult::builder()
        .rule_id(&*f.rule)
        .level(level)
        .message(message(f.message().to_string()))
        .locations(vec![location(
            &f.location.path,
            Some((f.location.line, f.location.column)),
        )])
        .properties(PropertyBag::builder().additional_properties(props).build())
        .build();
    result.rule_index = index.get(&*f.rule).copied();
    result.suppressions = f.waived.as_deref().map(|w| vec![suppression(w)]);
    super::sarif_baseline::add_places_and_state(&mut result, f);
    result
}

fn suppression(w: &Waived) -> Suppression {
    let mut props = BTreeMap::new();
    props.insert("owner".to_string(), json!(w.owner));
    props.insert("expires".to_string(), json!(w.expires));
    Suppression::builder()
        .kind("external")
        .status(Value::from("accepted"))
        .justification(w.reason.as_str())
        .location(location(
            &w.location.path,
            Some((w.location.line, w.location.column)),
        ))
        .properties(PropertyBag::builder().additional_properties(props).build())
        .build()
}

fn error_result(e: &InputError, index: &BTreeMap<String, i64>) -> SarifResult {
    let mut result = SarifResult::builder()
        .rule_id(e.code.as_str())
        .level(ResultLevel::Error)
        .message(message(error_text(e)))
        // Code scanning needs a line: a file-level error is shown at the top.
        .locations(vec![location(
            &e.path,
            Some((e.line.unwrap_or(1), e.column.unwrap_or(1))),
        )])
        .build();
    result.rule_index = index.get(e.code.as_str()).copied();
    result
}

fn error_text(e: &InputError) -> String {
    match &e.help {
        Some(help) => format!("{}; {help}", e.message),
        None => e.message.clone(),
    }
}

fn invocation(errors: &[InputError]) -> Invocation {
    let notifications: Vec<Notification> = errors
        .iter()
        .map(|e| {
            Notification::builder()
                .level("error")
                .message(message(error_text(e)))
                .locations(vec![location(&e.path, e.line.zip(e.column))])
                .properties(
                    PropertyBag::builder()
                        .additional_properties(BTreeMap::from([(
                            "code".to_string(),
                            json!(e.code),
                        )]))
                        .build(),
                )
                .build()
        })
        .collect();
    let mut invocation = Invocation::builder()
        .execution_successful(errors.is_empty())
        .build();
    invocation.tool_execution_notifications = (!notifications.is_empty()).then_some(notifications);
    invocation
}

pub(super) fn location(path: &str, at: Option<(u32, u32)>) -> SarifLocation {
    let artifact = ArtifactLocation::builder().uri(artifact_uri(path)).build();
    let mut physical = PhysicalLocation::builder()
        .artifact_location(artifact)
        .build();
    physical.region = at.map(|(line, column)| {
        Region::builder()
            .start_line(i64::from(line))
            .start_column(i64::from(column))
            .build()
    });
    SarifLocation::builder().physical_location(physical).build()
}

/// A path as a URI reference: relative paths stay relative (code scanning
/// resolves them against the repository root), absolute ones become `file://`
/// URIs; `\` becomes `/`, and characters outside the URI set are percent-encoded.
pub fn artifact_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut out = String::with_capacity(path.len());
    let drive_letter = path.as_bytes().get(1) == Some(&b':');
    if path.starts_with('/') {
        out.push_str("file://");
    } else if drive_letter {
        out.push_str("file:///");
    }
    for (i, b) in path.bytes().enumerate() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/')
            || (drive_letter && i == 1);
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testing::{sample_run, ClosedPipe};
    use serde_sarif::sarif::{Run, Sarif};

    /// The log built whole with the `serde-sarif` model, as it was before the
    /// results were streamed: the reference for the streamed text.
    fn model(run: &CheckRun) -> String {
        let rules = descriptors(run);
        let index = rule_index(&rules);
        let mut results: Vec<SarifResult> = run
            .reports
            .iter()
            .flat_map(|r| &r.findings)
            .map(|f| finding_result(f, &index))
            .collect();
        results.extend(run.errors.iter().map(|e| error_result(e, &index)));
        let driver = ToolComponent::builder()
            .name("eligo")
            .semantic_version(env!("CARGO_PKG_VERSION"))
            .rules(rules)
            .build();
        let sarif_run = Run::builder()
            .tool(Tool::builder().driver(driver).build())
            .invocations(vec![invocation(&run.errors)])
            .column_kind("unicodeCodePoints")
            .results(results)
            .build();
        let log = Sarif::builder()
            .schema(SCHEMA_URI)
            .version("2.1.0")
            .runs(vec![sarif_run])
            .build();
        serde_json::to_string_pretty(&log).unwrap() + "\n"
    }

    fn streamed(run: &CheckRun) -> String {
        let mut out = Vec::new();
        write(run, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_streamed_log_is_the_models_text() {
        let run = sample_run();
        assert_eq!(streamed(&run), model(&run));
        let empty = CheckRun::default();
        assert_eq!(streamed(&empty), model(&empty));
    }

    #[test]
    fn a_closed_pipe_is_an_error_not_a_panic() {
        let err = write(&sample_run(), &mut ClosedPipe).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
    }

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(artifact_uri("fixtures/a b.yaml"), "fixtures/a%20b.yaml");
        assert_eq!(artifact_uri("/tmp/x.yaml"), "file:///tmp/x.yaml");
        assert_eq!(artifact_uri("C:\\w\\x.yaml"), "file:///C:/w/x.yaml");
        assert_eq!(artifact_uri("ü.yaml"), "%C3%BC.yaml");
    }
}
