//! `eligo plan`: snapshots of every format on the bundled books and the plan
//! fixtures, the CLI's usage errors and `--write`, and the guarantee as a
//! property over generated books.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use common::eligo;
use eligo::internals::check::{check_source, FileOutcome};
use eligo::internals::lang::ast::Severity;
use eligo::internals::plan::view::View;
use eligo::internals::plan::{build_plan, choose_parties, json, write, Outcome, Plan, PlanSpec};
use eligo::internals::scenario::{load_scenario, Scenario};
use eligo::internals::{Program, SourceFile};
use proptest::prelude::*;

/// The bundled books with the source (and target) to plan for.
const BOOKS: &[(&str, &str, Option<&str>)] = &[
    ("apac-reseller-move", "trey", None),
    ("clean-book", "contoso", None),
    ("latam-cleanup", "tailspin", Some("fabrikam")),
    ("mixed-book", "tailspin", None),
    ("nordics-wave-1", "contoso", Some("fabrikam")),
];

const FORMATS: &[&str] = &["human", "yaml", "json", "partner-center"];

fn run_plan(args: &[&str]) -> (i32, String, String) {
    let out = eligo().arg("plan").args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn snapshot_all(name: &str, path: &str, extra: &[&str]) {
    for format in FORMATS {
        let mut args = vec![path, "--format", format, "--wave-size", "3"];
        args.extend_from_slice(extra);
        let (code, stdout, stderr) = run_plan(&args);
        let text = format!("exit: {code}\n--- stdout\n{stdout}--- stderr\n{stderr}");
        insta::assert_snapshot!(format!("{name}-{format}"), text);
    }
}

#[test]
fn every_format_on_the_bundled_books() {
    for (book, from, to) in BOOKS {
        let path = format!("fixtures/books/{book}.yaml");
        let mut extra = vec!["--from", from];
        if let Some(to) = to {
            extra.extend(["--to", to]);
        }
        snapshot_all(book, &path, &extra);
    }
}

#[test]
fn every_format_on_the_plan_fixtures() {
    for name in [
        "planned",
        "already-requested",
        "excluded",
        "blocked",
        "out-of-scope",
    ] {
        snapshot_all(
            &format!("fixture-{name}"),
            &format!("fixtures/plan/{name}.yaml"),
            &[],
        );
    }
}

/// Each plan fixture shows the outcome it is named after.
#[test]
fn each_outcome_has_a_fixture() {
    let program = common::default_program();
    for (name, outcome) in [
        ("planned", Outcome::Planned),
        ("already-requested", Outcome::AlreadyRequested),
        ("excluded", Outcome::Excluded),
        ("blocked", Outcome::Blocked),
        ("out-of-scope", Outcome::OutOfScope),
    ] {
        let text = std::fs::read_to_string(format!("fixtures/plan/{name}.yaml")).unwrap();
        let (scenario, spec, plan) = plan_text(&program, &text, None, None);
        assert!(plan.count(outcome) > 0, "{name}: no {outcome:?}");
        assert_guarantee(&program, &spec, &scenario, &plan, &text);
    }
}

fn load(program: &Program, text: &str) -> Scenario {
    let source = SourceFile::new("book.yaml", text.to_string());
    match load_scenario(
        &program.schema,
        source,
        &program.rule_ids(),
        &common::options(),
    ) {
        Ok(s) => s,
        Err(e) => panic!("invalid book:\n{}", common::render_errors(&e)),
    }
}

fn plan_text(
    program: &Program,
    text: &str,
    from: Option<&str>,
    to: Option<&str>,
) -> (Scenario, PlanSpec, Plan) {
    let scenario = load(program, text);
    let spec = program
        .plan
        .clone()
        .expect("the default pack declares a plan");
    let parties = choose_parties(&program.schema, &spec, &scenario.store, from, to).unwrap();
    let plan = build_plan(program, &spec, &scenario.store, parties, Some(50));
    (scenario, spec, plan)
}

/// The book plus the planned requests, checked with the same packs, has no
/// error finding on a planned request or a planned subscription; every
/// subscription has one outcome, `out_of_scope` exactly when another partner
/// bills it.
fn assert_guarantee(
    program: &Program,
    spec: &PlanSpec,
    scenario: &Scenario,
    plan: &Plan,
    text: &str,
) {
    let store = &scenario.store;
    assert_eq!(plan.outcomes.len(), store.table(spec.moved).len());
    for o in &plan.outcomes {
        let billed_by_source = store.cell(spec.moved, spec.from.1, o.row) == plan.from;
        assert_eq!(billed_by_source, o.outcome != Outcome::OutOfScope);
        assert_eq!(
            o.outcome == Outcome::Planned,
            plan.requests.iter().any(|r| r.rows.contains(&o.row))
        );
    }
    let view = View {
        program,
        spec,
        store,
        plan,
    };
    let written = write::with_requests(text, &view).unwrap();
    let mut planned: HashSet<String> = plan.requests.iter().map(|r| r.id.clone()).collect();
    for r in &plan.requests {
        for &row in &r.rows {
            planned.insert(store.row_id(spec.moved, row).unwrap().to_string());
        }
    }
    let source = SourceFile::new("book.yaml", written);
    let report = match check_source(program, source, &program.rule_ids(), &common::options()) {
        FileOutcome::Checked(report) => report,
        FileOutcome::Invalid { errors, .. } => {
            panic!(
                "the book with the plan is invalid:\n{}",
                common::render_errors(&errors)
            )
        }
    };
    let bad: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.severity() == Severity::Error && planned.contains(f.subject()))
        .map(|f| format!("{} {}: {}", f.rule(), f.subject(), f.problem()))
        .collect();
    assert!(bad.is_empty(), "errors on the plan: {bad:#?}");
}

/// Partners that bill at least one subscription, as (source, provider) pairs
/// with any provider of the book.
fn pairs(program: &Program, scenario: &Scenario) -> Vec<(String, String)> {
    let spec = program.plan.as_ref().unwrap();
    let store = &scenario.store;
    let kind = spec.party_kind;
    let roles = program.schema.kind(kind).field("roles").unwrap();
    let ids: Vec<(u32, &str)> = (0..store.table(kind).len() as u32)
        .map(|r| (r, store.row_id(kind, r).unwrap()))
        .collect();
    let provider_value = {
        let eligo::internals::schema::FieldType::List(inner) =
            &program.schema.kind(kind).field_decl(roles).ty
        else {
            unreachable!()
        };
        let eligo::internals::schema::FieldType::Enum(e) = **inner else {
            unreachable!()
        };
        program
            .schema
            .enum_decl(e)
            .variant("indirect_provider")
            .unwrap()
    };
    let providers: Vec<&str> = ids
        .iter()
        .filter(|(r, _)| {
            store
                .pool_list(store.cell(kind, roles, *r))
                .contains(&provider_value)
        })
        .map(|(_, id)| *id)
        .collect();
    let billing: std::collections::BTreeSet<u32> = (0..store.table(spec.moved).len() as u32)
        .map(|r| store.cell(spec.moved, spec.from.1, r))
        .collect();
    let mut out = Vec::new();
    for (r, id) in &ids {
        if !billing.contains(r) {
            continue;
        }
        if let Some(p) = providers.iter().find(|p| *p != id) {
            out.push((id.to_string(), p.to_string()));
        }
    }
    out
}

fn check_generated(program: &Program, subscriptions: usize, seed: u64) {
    let text = eligo::internals::generate::scenario_text(subscriptions, seed);
    let scenario = load(program, &text);
    for (from, to) in pairs(program, &scenario) {
        let (scenario, spec, plan) = plan_text(program, &text, Some(&from), Some(&to));
        assert_guarantee(program, &spec, &scenario, &plan, &text);
        let view = View {
            program,
            spec: &spec,
            store: &scenario.store,
            plan: &plan,
        };
        let first = json::to_value(&view, "book.yaml", None);
        let (scenario2, spec2, plan2) = plan_text(program, &text, Some(&from), Some(&to));
        let view2 = View {
            program,
            spec: &spec2,
            store: &scenario2.store,
            plan: &plan2,
        };
        assert_eq!(
            first,
            json::to_value(&view2, "book.yaml", None),
            "not deterministic"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PLAN_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(12)
    ))]

    /// The guarantee, one outcome each, and determinism, on generated books.
    #[test]
    fn plans_of_generated_books_hold(size in 20usize..400, seed in 0u64..1_000_000) {
        let program = common::default_program();
        check_generated(&program, size, seed);
    }
}

#[test]
fn the_guarantee_holds_on_every_fixture_book() {
    let program = common::default_program();
    let mut files = Vec::new();
    for dir in ["fixtures/books", "fixtures/plan", "fixtures/rules"] {
        collect(Path::new(dir), &mut files);
    }
    files.sort();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let scenario = load(&program, &text);
        for (from, to) in pairs(&program, &scenario) {
            let (scenario, spec, plan) = plan_text(&program, &text, Some(&from), Some(&to));
            assert_guarantee(&program, &spec, &scenario, &plan, &text);
        }
    }
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            out.push(path);
        }
    }
}

#[test]
fn write_keeps_every_other_byte_and_checks_clean() {
    let tmp = common::scratch("plan-write");
    let dir = tmp.path();
    let path = dir.join("book.yaml");
    let original = std::fs::read_to_string("fixtures/books/mixed-book.yaml").unwrap();
    std::fs::write(&path, &original).unwrap();
    let path_str = path.to_str().unwrap();
    let (code, _, stderr) = run_plan(&[
        path_str, "--from", "tailspin", "--write", "--format", "yaml",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("wrote 2 requests"), "{stderr}");
    let written = std::fs::read_to_string(&path).unwrap();
    // The original text is a prefix and a suffix of the result: only lines were added.
    let added = written.len() - original.len();
    let at = (0..=original.len())
        .find(|&i| {
            written
                .get(i..i + added)
                .is_some_and(|ins| format!("{}{ins}{}", &original[..i], &original[i..]) == written)
        })
        .expect("the original bytes are kept around one insertion");
    assert!(written[at..at + added].contains("plan-lucerne"));
    // Planning again finds everything requested; checking finds no error on the new requests.
    let out = eligo()
        .args(["check", path_str, "--format", "json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors_on_plan: Vec<&serde_json::Value> = report["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error" && f["subject"].as_str().unwrap().starts_with("plan-"))
        .collect();
    assert!(errors_on_plan.is_empty(), "{errors_on_plan:#?}");
    let (code, stdout, _) = run_plan(&[path_str, "--from", "tailspin", "--format", "json"]);
    assert_eq!(code, 0);
    let again: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(again["summary"]["subscriptions"]["planned"], 0);
    tmp.close().unwrap();
}

#[test]
fn usage_errors_exit_2() {
    let cases: BTreeMap<&str, Vec<&str>> = BTreeMap::from([
        ("several-sources", vec!["fixtures/books/mixed-book.yaml"]),
        (
            "unknown-source",
            vec!["fixtures/books/mixed-book.yaml", "--from", "tailspn"],
        ),
        (
            "several-targets",
            vec!["fixtures/books/nordics-wave-1.yaml", "--from", "contoso"],
        ),
        (
            "same-party",
            vec![
                "fixtures/books/mixed-book.yaml",
                "--from",
                "tailspin",
                "--to",
                "tailspin",
            ],
        ),
        (
            "wave-size-zero",
            vec!["fixtures/plan/planned.yaml", "--wave-size", "0"],
        ),
        ("write-stdin", vec!["-", "--write"]),
        ("invalid-book", vec!["fixtures/invalid/duplicate-id.yaml"]),
    ]);
    for (name, args) in cases {
        let (code, stdout, stderr) = run_plan(&args);
        assert_eq!(code, 2, "{name}: {stderr}");
        assert!(stdout.is_empty(), "{name}: {stdout}");
        insta::assert_snapshot!(format!("usage-{name}"), stderr);
    }
}

#[test]
fn blocked_customers_still_exit_0() {
    let (code, stdout, _) = run_plan(&["fixtures/plan/blocked.yaml"]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("customer-moved-to-provider: 2 customers"),
        "{stdout}"
    );
}

#[test]
fn without_the_default_pack_a_plan_must_be_declared() {
    let (code, _, stderr) = run_plan(&[
        "fixtures/plan/planned.yaml",
        "--no-default-rules",
        "--rules",
        "rules/schema.rules",
        "--rules",
        "rules/customers.rules",
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("declare no `plan`"), "{stderr}");
}

#[test]
fn plan_declarations_are_checked_against_the_schema() {
    let schema = std::fs::read_to_string("rules/schema.rules").unwrap();
    let plan = "let open = [active, in_progress]\n\
                plan transfers {\n  items: items.subscriptoin\n  group: customer = customer\n  \
                from: from = partner\n  to: to\n  colour: blue\n  open: status in open\n}\n";
    let errors = eligo::internals::load_program(vec![
        SourceFile::new("schema.rules", schema.clone()),
        SourceFile::new("plan.rules", plan),
    ])
    .unwrap_err();
    let text: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert!(
        text.iter()
            .any(|t| t.contains("unknown plan entry `colour`")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|t| t.contains("`item` has no field `subscriptoin`")),
        "{text:?}"
    );
    let good = plan
        .replace("subscriptoin", "subscription")
        .replace("  colour: blue\n", "");
    let program = eligo::internals::load_program(vec![
        SourceFile::new("schema.rules", schema),
        SourceFile::new("plan.rules", good),
    ])
    .unwrap();
    let spec = program.plan.unwrap();
    assert_eq!(spec.collection, "transfers");
    assert_eq!(spec.open.unwrap().1.len(), 2);
}

#[test]
fn the_html_format_renders_the_json_document() {
    let (code, stdout, stderr) = run_plan(&["fixtures/plan/blocked.yaml", "--format", "html"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("<!DOCTYPE html>"));
    assert!(stdout.contains("plan-adatum") && stdout.contains("customer-moved-to-provider"));
}

/// After the first evaluation, only the rules that read transfer requests or
/// items run again: those of `rules/transfers.rules`.
#[test]
fn later_rounds_run_only_the_transfer_rules() {
    let program = common::default_program();
    let spec = program.plan.as_ref().unwrap();
    let reading: Vec<usize> =
        eligo::internals::plan::affected::rules_reading_proposal(&program, spec);
    let files: HashSet<&str> = reading
        .iter()
        .map(|&i| program.files[program.rules[i].file].name.as_str())
        .collect();
    assert_eq!(files, HashSet::from(["<default>/transfers.rules"]));
    let transfer_rules = program
        .rules
        .iter()
        .filter(|r| program.files[r.file].name == "<default>/transfers.rules")
        .count();
    assert_eq!(reading.len(), transfer_rules);
}
