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
//! For GitHub code scanning: artifact URIs are relative to the repository root
//! (the nearest folder with `.git` above the current one, or `--sarif-root`)
//! with `uriBaseId` `%SRCROOT%`, whose absolute URI is in the run's
//! `originalUriBaseIds`; each finding has a `partialFingerprints` entry keyed on
//! its rule and subject (not lines), so an alert survives edits that move it;
//! regions have an end; rules have a PascalCase `name`, and help links into the
//! README when Cargo.toml names the repository; `tool.driver` carries the
//! version of eligo and of its embedded rule pack; `automationDetails.id` is
//! `eligo/`. See [`super::sarif_ids`].
//!
//! The model types come from `serde-sarif`, generated from the official schema.

use serde::{Serialize, Serializer};
use serde_json::{json, Value};
use serde_sarif::sarif::{
    ArtifactLocation, Invocation, MultiformatMessageString, Notification, PropertyBag,
    ReportingConfiguration, ReportingDescriptor, Result as SarifResult, ResultLevel,
    RunAutomationDetails, Suppression, Tool, ToolComponent,
};
use std::collections::BTreeMap;
use std::io::{self, Write};

use super::sarif_ids::{self, SRCROOT};
pub(crate) use super::sarif_place::Root;
use super::sarif_place::{location, message, Span};
use super::{CheckRun, Entry, Finding, InputError, RuleInfo, Waived};
use crate::vocab::Severity;

/// The schema URI written in `$schema`.
pub(crate) const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

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
    #[serde(rename = "automationDetails")]
    automation_details: RunAutomationDetails,
    #[serde(rename = "columnKind")]
    column_kind: &'static str,
    invocations: [Invocation; 1],
    #[serde(rename = "originalUriBaseIds")]
    original_uri_base_ids: BTreeMap<String, ArtifactLocation>,
    results: Results<'a>,
    tool: Tool,
}

/// What every result needs: the rules' positions and where the files are.
struct Ctx<'a> {
    index: &'a BTreeMap<String, i64>,
    root: &'a Root,
}

/// The results, each built from its finding or input error as it is written,
/// then dropped: the whole log is never in memory.
struct Results<'a> {
    run: &'a CheckRun,
    ctx: &'a Ctx<'a>,
}

impl Serialize for Results<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(results(self.run, self.ctx))
    }
}

/// The results in output order: each file's findings, or its input errors
/// when it is invalid, then the input errors of no listed file.
fn results<'a>(run: &'a CheckRun, ctx: &'a Ctx<'a>) -> impl Iterator<Item = SarifResult> + 'a {
    run.entries()
        .flat_map(move |entry| -> Box<dyn Iterator<Item = SarifResult> + 'a> {
            match entry {
                Entry::Checked(r) => {
                    // Then the baseline entries no finding matches any more.
                    let fixed = r.fixed.iter().flatten().map(move |fixed| {
                        super::sarif_baseline::absent_result(&r.path, fixed, ctx.index, ctx.root)
                    });
                    Box::new(
                        r.findings
                            .iter()
                            .map(|f| finding_result(f, ctx))
                            .chain(fixed),
                    )
                }
                Entry::Invalid { errors, .. } => {
                    Box::new(errors.iter().map(|e| error_result(e, ctx)))
                }
            }
        })
        .chain(run.other_errors().map(|e| error_result(e, ctx)))
}

/// Writes a run as a pretty-printed SARIF log and a newline.
pub(crate) fn write(run: &CheckRun, root: &Root, out: &mut dyn Write) -> io::Result<()> {
    let rules = descriptors(run);
    let index = rule_index(&rules);
    let ctx = Ctx {
        index: &index,
        root,
    };
    let log = Log {
        schema: SCHEMA_URI,
        runs: [LogRun {
            automation_details: automation_details(),
            column_kind: "unicodeCodePoints",
            invocations: [invocation(run, &ctx)],
            original_uri_base_ids: original_uri_base_ids(root),
            results: Results { run, ctx: &ctx },
            tool: Tool::builder().driver(driver(rules)).build(),
        }],
        version: "2.1.0",
    };
    super::json::write_pretty(&log, out)
}

/// eligo, with the version of its embedded rule pack (the crate's version: the
/// pack is built in).
fn driver(rules: Vec<ReportingDescriptor>) -> ToolComponent {
    let version = env!("CARGO_PKG_VERSION");
    let mut driver = ToolComponent::builder()
        .name("eligo")
        .version(version)
        .semantic_version(version)
        .rules(rules)
        .build();
    driver.information_uri = sarif_ids::repository().map(str::to_string);
    driver
}

/// The category GitHub files the results under (`eligo`, no run id).
fn automation_details() -> RunAutomationDetails {
    let mut details = RunAutomationDetails::builder().build();
    details.id = Some("eligo/".to_string());
    details
}

/// `%SRCROOT%`: the source root as an absolute `file://` URI.
fn original_uri_base_ids(place: &Root) -> BTreeMap<String, ArtifactLocation> {
    let mut root = sarif_ids::file_uri(&place.root.to_string_lossy());
    if !root.ends_with('/') {
        root.push('/');
    }
    BTreeMap::from([(
        SRCROOT.to_string(),
        ArtifactLocation::builder().uri(root).build(),
    )])
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
        .chain(&run.waiver_rules)
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
    let mut descriptor = ReportingDescriptor::builder()
        .id(rule.id.as_str())
        .name(sarif_ids::pascal_case(&rule.id))
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
        .build();
    descriptor.help_uri = sarif_ids::repository().map(|r| sarif_ids::rule_help_uri(r, &rule.id));
    descriptor
}

fn code_descriptor(code: &str) -> ReportingDescriptor {
    let summary = format!("eligo could not use an input file ({code})");
    let help = "The file breaks the format eligo reads, so it was not checked and the run \
                fails with exit code 2. The result's message says what is wrong and how to \
                fix it; the README lists every error code.";
    ReportingDescriptor::builder()
        .id(code)
        .name(sarif_ids::pascal_case(code))
        .short_description(text(&summary))
        .full_description(text(help))
        .help(text(help))
        .default_configuration(ReportingConfiguration::builder().level("error").build())
        .build()
}

fn text(s: &str) -> MultiformatMessageString {
    MultiformatMessageString::builder().text(s).build()
}

fn level_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn finding_result(f: &Finding, ctx: &Ctx<'_>) -> SarifResult {
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
            ctx.root,
            &f.location.path,
            Some(Span {
                line: f.location.line,
                column: f.location.column,
                width: Some(f.len),
            }),
        )])
        .partial_fingerprints(BTreeMap::from([(
            sarif_ids::FINGERPRINT_KEY.to_string(),
            sarif_ids::fingerprint(&f.rule, &f.subject),
        )]))
        .properties(PropertyBag::builder().additional_properties(props).build())
        .build();
    result.rule_index = ctx.index.get(&*f.rule).copied();
    result.suppressions = f.waived.as_deref().map(|w| vec![suppression(w, ctx.root)]);
    super::sarif_baseline::add_places_and_state(&mut result, f, ctx.root);
    result
}

fn suppression(w: &Waived, place: &Root) -> Suppression {
    let mut props = BTreeMap::new();
    props.insert("owner".to_string(), json!(w.owner));
    props.insert("expires".to_string(), json!(w.expires));
    Suppression::builder()
        .kind("external")
        .status(Value::from("accepted"))
        .justification(w.reason.as_str())
        .location(location(
            place,
            &w.location.path,
            Some(Span {
                line: w.location.line,
                column: w.location.column,
                width: None,
            }),
        ))
        .properties(PropertyBag::builder().additional_properties(props).build())
        .build()
}

fn error_result(e: &InputError, ctx: &Ctx<'_>) -> SarifResult {
    let mut result = SarifResult::builder()
        .rule_id(e.code.as_str())
        .level(ResultLevel::Error)
        .message(message(error_text(e)))
        // Code scanning needs a line: a file-level error is shown at the top.
        .locations(vec![location(
            ctx.root,
            &e.path,
            Some(Span {
                line: e.line.unwrap_or(1),
                column: e.column.unwrap_or(1),
                width: None,
            }),
        )])
        .build();
    result.rule_index = ctx.index.get(e.code.as_str()).copied();
    result
}

fn error_text(e: &InputError) -> String {
    match &e.help {
        Some(help) => format!("{}; {help}", e.message),
        None => e.message.clone(),
    }
}

fn invocation(run: &CheckRun, ctx: &Ctx<'_>) -> Invocation {
    let notifications: Vec<Notification> = run
        .errors_in_order()
        .map(|e| {
            Notification::builder()
                .level("error")
                .message(message(error_text(e)))
                .locations(vec![location(
                    ctx.root,
                    &e.path,
                    e.line.zip(e.column).map(|(line, column)| Span {
                        line,
                        column,
                        width: None,
                    }),
                )])
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
        .execution_successful(run.errors.is_empty())
        .build();
    invocation.tool_execution_notifications = (!notifications.is_empty()).then_some(notifications);
    invocation
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testing::{sample_run, ClosedPipe};
    use serde_sarif::sarif::{Run, Sarif};

    fn place() -> Root {
        let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        Root {
            cwd: root.clone(),
            root,
        }
    }

    /// The log built whole with the `serde-sarif` model, as it was before the
    /// results were streamed: the reference for the streamed text.
    fn model(run: &CheckRun) -> String {
        let place = place();
        let rules = descriptors(run);
        let index = rule_index(&rules);
        let ctx = Ctx {
            index: &index,
            root: &place,
        };
        let results: Vec<SarifResult> = results(run, &ctx).collect();
        let mut sarif_run = Run::builder()
            .tool(Tool::builder().driver(driver(rules)).build())
            .invocations(vec![invocation(run, &ctx)])
            .column_kind("unicodeCodePoints")
            .results(results)
            .build();
        sarif_run.automation_details = Some(automation_details());
        sarif_run.original_uri_base_ids = Some(original_uri_base_ids(&place));
        let log = Sarif::builder()
            .schema(SCHEMA_URI)
            .version("2.1.0")
            .runs(vec![sarif_run])
            .build();
        serde_json::to_string_pretty(&log).unwrap() + "\n"
    }

    fn streamed(run: &CheckRun) -> String {
        let mut out = Vec::new();
        write(run, &place(), &mut out).unwrap();
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
        let err = write(&sample_run(), &place(), &mut ClosedPipe).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
    }
}
