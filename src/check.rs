//! Checking one scenario: load it, evaluate the rules, build its report.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use crate::eval::{evaluate_budgeted, EntityRef, RawFinding, WorkExceeded};
use crate::program::Program;
use crate::report::customers::{CustomerIds, CustomerIndex};
use crate::report::{FileKind, FileReport, Finding, Location, Place};
use crate::scenario::{load_scenario, read_scenario, LoadOptions, Scenario, ScenarioError, Store};
use crate::schema::ROOT;
use crate::source::SourceFile;

/// The result of checking one file.
#[derive(Debug)]
pub enum FileOutcome {
    /// The file loaded; its findings.
    Checked(FileReport),
    /// The file is not a valid scenario.
    Invalid {
        /// The file's display name.
        path: String,
        /// Every problem found.
        errors: Vec<ScenarioError>,
    },
}

/// Reads and checks a scenario file.
pub fn check_file(
    program: &Program,
    path: &Path,
    rule_ids: &HashSet<String>,
    options: &LoadOptions,
) -> FileOutcome {
    match read_scenario(path, &options.limits) {
        Ok(source) => check_source(program, source, rule_ids, options),
        Err(e) => FileOutcome::Invalid {
            path: path.display().to_string(),
            errors: vec![e],
        },
    }
}

/// Checks a scenario already read into memory.
pub fn check_source(
    program: &Program,
    source: SourceFile,
    rule_ids: &HashSet<String>,
    options: &LoadOptions,
) -> FileOutcome {
    let path = source.name.clone();
    match load_scenario(&program.schema, source, rule_ids, options) {
        Ok(scenario) => evaluate_scenario(program, scenario, options.max_work).0,
        Err(errors) => FileOutcome::Invalid { path, errors },
    }
}

/// Evaluates a loaded scenario, each rule within `max_work` units of work, and
/// builds its report; also gives, per rule, how many bindings reached its
/// `require`. A rule that runs out of budget makes the file invalid.
fn evaluate_scenario(
    program: &Program,
    scenario: Scenario,
    max_work: u64,
) -> (FileOutcome, Vec<u64>) {
    match evaluate_budgeted(program, &scenario.store, max_work) {
        Ok((raw, reached)) => (
            FileOutcome::Checked(build_report(program, scenario, raw)),
            reached,
        ),
        Err(e) => {
            let path = scenario.source.name.clone();
            let error = work_error(&e, &path);
            (
                FileOutcome::Invalid {
                    path,
                    errors: vec![error],
                },
                Vec::new(),
            )
        }
    }
}

/// The input error for a rule that ran out of work budget on the file at `path`.
pub(crate) fn work_error(e: &WorkExceeded, path: &str) -> ScenarioError {
    ScenarioError::file_level(
        crate::scenario::ScenarioCode::WorkBudget,
        path,
        e.message(),
        Some(e.help()),
    )
}

/// Checks a scenario already read into memory, as [`check_file_counted`] does.
pub(crate) fn check_source_counted(
    program: &Program,
    source: SourceFile,
    rule_ids: &HashSet<String>,
    options: &LoadOptions,
) -> (FileOutcome, Vec<u64>) {
    let path = source.name.clone();
    match load_scenario(&program.schema, source, rule_ids, options) {
        Ok(scenario) => evaluate_scenario(program, scenario, options.max_work),
        Err(errors) => (FileOutcome::Invalid { path, errors }, Vec::new()),
    }
}

/// Builds the report of a scenario from the raw findings of its evaluation,
/// a rule at a time (as [`crate::eval::evaluate_budgeted`] gives them): each
/// rule's are freed once turned into the report's.
///
/// The store's columns that the findings do not read are freed first, and the
/// rest of it as soon as the findings hold what they need of it (ids,
/// positions, the scenario's name and date), before they are sorted: the
/// findings and the sort's buffer then take room the store has given back.
pub fn build_report(
    program: &Program,
    mut scenario: Scenario,
    raw: Vec<Vec<RawFinding>>,
) -> FileReport {
    let schema = &program.schema;
    // The findings read ids and references only (subjects, customers, the
    // labels of places without an id): the other columns are freed first, so
    // that the findings take room the store gave back instead of adding to
    // the peak (at a million subscriptions, 10 MB).
    scenario.store.keep_columns(|kind, field| {
        let k = schema.kind(kind);
        k.id_field == Some(field)
            || matches!(k.field_decl(field).ty, crate::schema::FieldType::Ref(_))
    });
    let store = &scenario.store;
    // One copy of each rule's id and summary and of the path, shared by the
    // findings: at a million subscriptions there are tens of thousands of them.
    let shared: Vec<(Arc<str>, Arc<str>)> = program
        .rules
        .iter()
        .map(|r| (Arc::from(r.id.as_str()), Arc::from(r.summary.as_str())))
        .collect();
    let path: Arc<str> = Arc::from(scenario.source.name.as_str());
    let customer_index = CustomerIndex::new(schema);
    let mut customer_ids = CustomerIds::default();
    let mut findings: Vec<Finding> = Vec::with_capacity(raw.iter().map(Vec::len).sum());
    findings.extend(raw.into_iter().flatten().filter_map(|raw| {
        let rule = program.rules.get(raw.rule)?;
        let (rule_id, summary) = shared.get(raw.rule)?;
        let (kind, row) = raw.subject;
        let subject = store.row_id(kind, row)?;
        let pos = store.pos(kind, row);
        let customer = customer_index.as_ref().and_then(|index| {
            let customer_row = index.customer_row(store, kind, row)?;
            customer_ids.get(store, index, customer_row)
        });
        Some(Finding {
            rule: Arc::clone(rule_id),
            severity: rule.severity,
            subject: subject.to_string(),
            customer,
            summary: Arc::clone(summary),
            problem: exact(raw.message),
            fix: raw.fix.map(exact),
            location: Location {
                path: Arc::clone(&path),
                line: pos.line,
                column: pos.column,
            },
            offset: pos.offset,
            len: pos.len,
            related: related_ids(store, raw.related.kept(), subject),
            related_more: raw.related.more(),
            waived: None,
            places: places(schema, store, raw.places.kept(), &path),
            baseline: None,
        })
    }));
    let scenario_name = schema.root().field("scenario").and_then(|f| {
        let cell = store.cell(ROOT, f, 0);
        (cell != crate::scenario::store::NONE).then(|| store.str(cell).to_string())
    });
    let as_of = as_of(program, store);
    let customers = customer_index.map_or_else(Vec::new, |index| index.customers(schema, store));
    drop(scenario.store);
    findings.sort_by(|a, b| {
        (a.location.line, a.location.column, &a.rule, &a.subject).cmp(&(
            b.location.line,
            b.location.column,
            &b.rule,
            &b.subject,
        ))
    });
    FileReport {
        path: scenario.source.name.clone(),
        scenario: scenario_name,
        kind: FileKind::Scenario,
        as_of,
        findings,
        customers,
        expect: scenario.expect,
        source: scenario.source,
        fixed: None,
    }
}

/// The places to edit of a finding, each once, in the order the rule named
/// them. Linear in the firings: a subscription listed in many requests names
/// many items.
fn places(
    schema: &crate::schema::Schema,
    store: &Store,
    raw: &[EntityRef],
    path: &Arc<str>,
) -> Vec<Place> {
    let mut seen: HashSet<EntityRef> = HashSet::with_capacity(raw.len());
    raw.iter()
        .filter(|r| seen.insert(**r))
        .map(|&(kind, row)| {
            let pos = store.pos(kind, row);
            let label = place_label(schema, store, kind, row);
            Place {
                location: Location {
                    path: Arc::clone(path),
                    line: pos.line,
                    column: pos.column,
                },
                label,
                offset: pos.offset,
                len: pos.len,
            }
        })
        .collect()
}

/// What a place is: `transfer tr-1` for an entity with an id; for a record
/// or an entity without one, its kind and what its first references name,
/// `item (subscription sub-e3)`, `partnership (provider fabrikam, reseller contoso)`.
fn place_label(
    schema: &crate::schema::Schema,
    store: &Store,
    kind: crate::schema::KindId,
    row: u32,
) -> String {
    let k = schema.kind(kind);
    if let Some(id) = store.row_id(kind, row) {
        return format!("{} {id}", k.name);
    }
    let refs: Vec<String> = k
        .fields
        .iter_enumerated()
        .filter_map(|(field, f)| {
            let crate::schema::FieldType::Ref(target) = f.ty else {
                return None;
            };
            let cell = store.cell(kind, field, row);
            let none = crate::scenario::store::NONE;
            let pending = crate::scenario::store::PENDING;
            let id = (cell != none && cell != pending)
                .then(|| store.row_id(target, cell))
                .flatten()?;
            Some(format!("{} {id}", f.name))
        })
        .take(2)
        .collect();
    if refs.is_empty() {
        k.name.clone()
    } else {
        format!("{} ({})", k.name, refs.join(", "))
    }
}

/// The ids of a finding's other entities, sorted, without repeats or the subject.
/// Ids are compared as borrowed text and copied once each.
fn related_ids(store: &Store, related: &[EntityRef], subject: &str) -> Vec<String> {
    let mut ids: Vec<&str> = related
        .iter()
        .filter_map(|&(k, r)| store.row_id(k, r))
        .filter(|id| *id != subject)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids.into_iter().map(str::to_string).collect()
}

/// A string without spare capacity: messages are built by pushing, which
/// leaves up to half of their buffer unused, and the report keeps them all.
fn exact(mut text: String) -> String {
    text.shrink_to_fit();
    text
}

/// The scenario's `as_of` date, when the schema declares one as a root date field.
fn as_of(program: &Program, store: &Store) -> Option<i32> {
    let root = program.schema.root();
    let field = root.field("as_of")?;
    if !matches!(
        root.fields.get(field)?.ty,
        crate::schema::FieldType::Prim(crate::schema::Prim::Date)
    ) {
        return None;
    }
    let cell = store.cell(ROOT, field, 0);
    (cell != crate::scenario::store::NONE).then(|| crate::scenario::store::cell_date(cell))
}
