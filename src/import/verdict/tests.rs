//! [`proves_valid`] says `true` only of a scenario whose written text loads:
//! on the bundled exports, and on the scenario they make changed at random,
//! one or two values at a time, with the schema's own names, values and
//! ids (so that most changes stay near validity, where a wrong verdict
//! would hide) and with values of every other shape.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use proptest::prelude::*;
use proptest::strategy::ValueTree;

use super::*;
use crate::import::fragment::Entity;
use crate::import::read::DEFAULT_MAX_FILE_BYTES;
use crate::import::{built, write, ImportOptions};
use crate::program::Program;
use crate::scenario::{validate_scenario, LoadOptions};
use crate::source::SourceFile;

fn program() -> &'static Program {
    static PROGRAM: OnceLock<Program> = OnceLock::new();
    PROGRAM.get_or_init(|| {
        crate::lang::load_program(crate::default_rule_sources()).expect("the bundled rules load")
    })
}

/// Whether the text written from `scenario` loads.
fn loads(scenario: &Scenario) -> bool {
    let text = write::write(scenario, &["export".to_string()]).join();
    let ids: HashSet<String> = program().rule_ids();
    let source = SourceFile::new("imported.yaml", text);
    validate_scenario(&program().schema, &source, &ids, &LoadOptions::default()).is_ok()
}

fn proven(scenario: &Scenario) -> bool {
    proves_valid(&program().schema, scenario, &Limits::default())
}

fn imported(exports: &[&str], overlays: &[&str]) -> Scenario {
    let path = |p: &&str| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(p);
    let options = ImportOptions {
        exports: exports.iter().map(path).collect(),
        overlays: overlays.iter().map(path).collect(),
        map: Some(path(&"fixtures/import/tailspin.map.yaml")),
        max_file_bytes: DEFAULT_MAX_FILE_BYTES,
        ..ImportOptions::default()
    };
    built(&options).unwrap_or_else(|e| panic!("{exports:?}: {e:?}"))
}

/// The bundled transitioning partner and provider, with their overlay.
fn bundled() -> &'static Scenario {
    static SCENARIO: OnceLock<Scenario> = OnceLock::new();
    SCENARIO.get_or_init(|| {
        imported(
            &["fixtures/import/tailspin", "fixtures/import/wide-world"],
            &["fixtures/import/overlay.yaml"],
        )
    })
}

#[test]
fn the_bundled_exports_are_proven_valid_with_their_overlays_only() {
    assert!(proven(bundled()) && loads(bundled()));
    let csv = imported(
        &["fixtures/import/portal-csv"],
        &["fixtures/import/portal-csv-overlay.yaml"],
    );
    assert!(proven(&csv) && loads(&csv));
    // Without its overlay the partners have no roles: not proven, and the
    // load that follows reports it.
    let bare = imported(&["fixtures/import/portal-csv"], &[]);
    assert!(!proven(&bare) && !loads(&bare));
}

#[test]
fn changes_that_keep_it_valid_are_proven() {
    let mut scenario = bundled().clone();
    let subscription = &mut scenario.kinds[2][0].fields;
    subscription.set("quantity", Val::Plain("7".into()));
    subscription.set("status", Val::Plain("suspended".into()));
    subscription.set("name", Val::Str("true: # not a comment".into()));
    // A customer whose id reads as a number, named by a quoted reference.
    let mut numbered = scenario.kinds[1][0].clone();
    numbered.fields.set("id", Val::Str("1234".into()));
    scenario.kinds[1].push(numbered);
    let subscription = &mut scenario.kinds[2][0].fields;
    subscription.set("customer", Val::Str("1234".into()));
    scenario.root.set("as_of", Val::Plain("2026-03-01".into()));
    assert!(proven(&scenario) && loads(&scenario));
}

/// A named change to the bundled scenario.
type Case = (&'static str, Box<dyn Fn(&mut Scenario)>);

/// The change setting `key` of the first subscription to `value`.
fn first_subscription(key: &'static str, value: Val) -> Box<dyn Fn(&mut Scenario)> {
    Box::new(move |s| s.kinds[2][0].fields.set(key, value.clone()))
}

/// Each kind of error, and what is left to the load though valid (an
/// `expect` block, a null), is not proven.
#[test]
fn errors_and_what_is_not_judged_are_not_proven() {
    let base = bundled();
    let customer = base.kinds[1][0].id.clone();
    let cases: Vec<Case> = vec![
        (
            "unknown field",
            first_subscription("colour", Val::Str("red".into())),
        ),
        (
            "invalid enum",
            first_subscription("status", Val::Plain("asleep".into())),
        ),
        (
            "below min",
            first_subscription("quantity", Val::Plain("-1".into())),
        ),
        (
            "quoted number",
            first_subscription("quantity", Val::Str("3".into())),
        ),
        (
            "no date",
            Box::new(|s| s.root.set("as_of", Val::Plain("2026-02-30".into()))),
        ),
        (
            "missing",
            Box::new(|s| s.kinds[0][0].fields.0.retain(|(k, _)| k != "region")),
        ),
        (
            "empty list",
            Box::new(|s| s.kinds[0][0].fields.set("roles", Val::List(vec![]))),
        ),
        (
            "duplicate id",
            Box::new(|s| {
                let twin = s.kinds[2][0].clone();
                s.kinds[2].push(twin);
            }),
        ),
        (
            "same id, other kind",
            Box::new(move |s| {
                let mut twin = s.kinds[2][0].clone();
                twin.fields.set("id", Val::Str(customer.clone()));
                s.kinds[2][0] = twin;
            }),
        ),
        (
            "reference to another kind",
            Box::new(|s| {
                let partner = s.kinds[0][0].id.clone();
                s.kinds[2][0].fields.set("customer", Val::Str(partner));
            }),
        ),
        (
            "reference to nothing",
            first_subscription("customer", Val::Str("nobody".into())),
        ),
        (
            "reference that reads as a number",
            Box::new(|s| {
                let mut numbered = s.kinds[1][0].clone();
                numbered.fields.set("id", Val::Str("1234".into()));
                s.kinds[1].push(numbered);
                s.kinds[2][0]
                    .fields
                    .set("customer", Val::Plain("1234".into()));
            }),
        ),
        (
            "required if",
            Box::new(|s| {
                let mut mca = Fields::default();
                mca.set("via", Val::Plain("partner_attestation".into()));
                s.kinds[1][0].fields.set("mca", Val::Map(mca));
            }),
        ),
    ];
    let valid: Vec<Case> = vec![
        (
            "expect",
            Box::new(|s| s.root.set("expect", Val::List(vec![]))),
        ),
        (
            "null",
            first_subscription("quantity", Val::Plain("~".into())),
        ),
    ];
    let all = cases
        .iter()
        .map(|c| (c, false))
        .chain(valid.iter().map(|c| (c, true)));
    for ((what, change), valid) in all {
        let mut scenario = base.clone();
        change(&mut scenario);
        assert!(!proven(&scenario), "{what}: proven");
        assert_eq!(loads(&scenario), valid, "{what}");
    }
}

/// A change to the bundled scenario.
#[derive(Debug, Clone)]
enum Change {
    /// Sets a field of an entity (kind and entity by index, wrapped).
    Set(usize, usize, String, Val),
    /// Gives the `n`th field of an entity the value the same field has in
    /// another entity of its kind (mostly valid: another customer, status).
    Swap(usize, usize, usize, usize),
    /// Sets the `n`th field of an entity, keeping its name.
    Reset(usize, usize, usize, Val),
    /// Removes the `n`th field of an entity.
    Remove(usize, usize, usize),
    /// Sets a root field.
    Root(String, Val),
    /// Copies an entity to the end of its kind, with its id or a new one.
    Copy(usize, usize, bool),
    /// Drops an entity.
    Drop(usize, usize),
    /// Sets a field of a partnership.
    Partnership(usize, String, Val),
}

/// Every field name of the schema, and one it does not have.
fn key() -> impl Strategy<Value = String> + Clone {
    let names: Vec<String> = program()
        .schema
        .kinds
        .iter()
        .flat_map(|k| k.fields.iter().map(|f| f.name.clone()))
        .chain(["colour".to_string(), "expect".to_string()])
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    prop::sample::select(names)
}

/// The texts a value may have: the schema's enum values, the scenario's
/// ids, numbers, dates, booleans, nulls, and strings of every shape.
fn text() -> impl Strategy<Value = String> + Clone {
    let variants: Vec<String> = program()
        .schema
        .enums
        .iter()
        .flat_map(|e| e.variants.clone())
        .collect();
    let ids: Vec<String> = bundled()
        .kinds
        .iter()
        .flatten()
        .map(|e: &Entity| e.id.to_string())
        .collect();
    prop_oneof![
        prop::sample::select(variants),
        prop::sample::select(ids),
        "(-1|0|7|1.5|1e3|0x1F|\\.inf|2026-01-31|2026-02-30|true|False|yes|~|null|)",
        "[a-z][a-z0-9 ._-]{0,8}",
        "[ -~]{0,10}",
        "[\\x00-\\x1f\\x7f\\u{85}\\u{2028}\"\\\\: #'-]{0,4}",
    ]
}

fn val() -> impl Strategy<Value = Val> + Clone {
    let leaf = prop_oneof![
        text().prop_map(|s| Val::Str(s.into())),
        text().prop_map(|s| Val::Plain(s.into())),
    ];
    leaf.prop_recursive(2, 12, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Val::List),
            prop::collection::vec((key(), inner), 0..4).prop_map(|pairs| {
                let mut fields = Fields::default();
                for (k, v) in pairs {
                    fields.set(k, v);
                }
                Val::Map(fields)
            }),
        ]
    })
}

fn change() -> impl Strategy<Value = Change> {
    let at = (0..4usize, any::<usize>());
    prop_oneof![
        3 => (at.clone(), key(), val()).prop_map(|((k, e), f, v)| Change::Set(k, e, f, v)),
        6 => (at.clone(), any::<usize>(), val()).prop_map(|((k, e), n, v)| Change::Reset(k, e, n, v)),
        1 => (at.clone(), any::<usize>()).prop_map(|((k, e), n)| Change::Remove(k, e, n)),
        1 => ("(scenario|as_of|colour)", val()).prop_map(|(f, v)| Change::Root(f, v)),
        6 => (at.clone(), any::<usize>(), any::<usize>())
            .prop_map(|((k, e), other, n)| Change::Swap(k, e, other, n)),
        2 => (at.clone(), any::<bool>()).prop_map(|((k, e), renamed)| Change::Copy(k, e, renamed)),
        1 => at.prop_map(|(k, e)| Change::Drop(k, e)),
        1 => (any::<usize>(), key(), val()).prop_map(|(p, f, v)| Change::Partnership(p, f, v)),
    ]
}

fn apply(scenario: &mut Scenario, change: Change) {
    let entity = |s: &mut Scenario, k: usize, e: usize| {
        let list = &mut s.kinds[k % 4];
        let len = list.len();
        (len > 0).then(|| e % len)
    };
    match change {
        Change::Set(k, e, f, v) => {
            if let Some(e) = entity(scenario, k, e) {
                scenario.kinds[k % 4][e].fields.set(f, v);
            }
        }
        Change::Reset(k, e, n, v) => {
            if let Some(e) = entity(scenario, k, e) {
                let fields = &mut scenario.kinds[k % 4][e].fields.0;
                if !fields.is_empty() {
                    let len = fields.len();
                    fields[n % len].1 = v;
                }
            }
        }
        Change::Remove(k, e, n) => {
            if let Some(e) = entity(scenario, k, e) {
                let fields = &mut scenario.kinds[k % 4][e].fields.0;
                if !fields.is_empty() {
                    fields.remove(n % fields.len());
                }
            }
        }
        Change::Root(f, v) => scenario.root.set(f, v),
        Change::Copy(k, e, renamed) => {
            if let Some(e) = entity(scenario, k, e) {
                let mut copy = scenario.kinds[k % 4][e].clone();
                if renamed {
                    let id = format!("{}-copy-{}", copy.id, scenario.kinds[k % 4].len());
                    copy.fields.set("id", Val::Str(id.into()));
                }
                scenario.kinds[k % 4].push(copy);
            }
        }
        Change::Swap(k, e, other, n) => {
            if let (Some(e), Some(other)) = (entity(scenario, k, e), entity(scenario, k, other)) {
                let list = &mut scenario.kinds[k % 4];
                let fields = &list[e].fields.0;
                if !fields.is_empty() {
                    let key = fields[n % fields.len()].0.clone();
                    if key != "id" {
                        if let Some(value) = list[other].fields.get(&key).cloned() {
                            list[e].fields.set(key, value);
                        }
                    }
                }
            }
        }
        Change::Drop(k, e) => {
            if let Some(e) = entity(scenario, k, e) {
                scenario.kinds[k % 4].remove(e);
            }
        }
        Change::Partnership(p, f, v) => {
            let len = scenario.partnerships.len();
            if len > 0 {
                scenario.partnerships[p % len].0.set(f, v);
            } else {
                let mut fields = Fields::default();
                fields.set(f, v);
                scenario
                    .partnerships
                    .push((fields, Arc::from("overlay.yaml")));
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// Whatever the change, a scenario proven valid loads.
    #[test]
    fn a_scenario_proven_valid_loads(changes in prop::collection::vec(change(), 1..3)) {
        let mut scenario = bundled().clone();
        for c in changes {
            apply(&mut scenario, c);
        }
        if proven(&scenario) {
            let text = write::write(&scenario, &["export".to_string()]).join();
            prop_assert!(loads(&scenario), "proven, but does not load:\n{}", text);
        }
    }
}

/// The property above is not vacuous: a good share of the changed
/// scenarios are proven (and load), the rest are not (and mostly do not).
#[test]
fn many_changed_scenarios_are_proven() {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = prop::collection::vec(change(), 1..3);
    let (mut proven_count, mut loading) = (0, 0);
    for _ in 0..400 {
        let changes = strategy.new_tree(&mut runner).expect("a value").current();
        let mut scenario = bundled().clone();
        for c in changes {
            apply(&mut scenario, c);
        }
        proven_count += usize::from(proven(&scenario));
        loading += usize::from(loads(&scenario));
    }
    eprintln!("{proven_count} proven, {loading} load, of 400");
    assert!(proven_count >= 40, "{proven_count} proven, {loading} load");
    assert!(
        proven_count * 10 >= loading * 7,
        "{proven_count} proven, {loading} load"
    );
}
