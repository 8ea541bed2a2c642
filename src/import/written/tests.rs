//! The events of a scenario as written are the events read from its text:
//! for the bundled exports, and for any scenario the builder and the
//! overlays can make (strings needing quotes or escapes, keys that read as
//! numbers, nested lists and mappings, empty ones).

use std::path::PathBuf;
use std::sync::Arc;

use proptest::prelude::*;

use super::*;
use crate::import::fragment::{Entity, Fields, Scenario, Val};
use crate::import::read::DEFAULT_MAX_FILE_BYTES;
use crate::import::{built, write, ImportOptions};
use crate::scenario::events::{Events, Limits};

/// The events the scenario reader reads from `text`, up to the stream's end.
fn scanned(text: &str) -> Vec<Event<'_>> {
    let mut events = Events::new(text, Limits::default());
    let mut out = Vec::new();
    loop {
        let (event, _) = events
            .next_event()
            .unwrap_or_else(|e| panic!("{e:?} in\n{text}"));
        let end = event == Event::StreamEnd;
        out.push(event);
        if end {
            return out;
        }
    }
}

/// Asserts that `scenario`'s events are those of its written text.
fn assert_same_events(scenario: &Scenario) {
    let text = write::write(scenario, &["export".to_string()]).join();
    let given = events(scenario);
    let read = scanned(&text);
    assert_eq!(given, read, "in\n{text}");
}

fn options(exports: &[&str], overlays: &[&str], map: Option<&str>) -> ImportOptions {
    let path = |p: &&str| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(p);
    ImportOptions {
        exports: exports.iter().map(path).collect(),
        overlays: overlays.iter().map(path).collect(),
        map: map.map(|m| path(&m)),
        max_file_bytes: DEFAULT_MAX_FILE_BYTES,
        ..ImportOptions::default()
    }
}

/// The mapping of the bundled exports.
const MAP: &str = "fixtures/import/tailspin.map.yaml";

#[test]
fn the_bundled_exports_give_the_events_of_their_text() {
    let cases = [
        options(
            &["fixtures/import/tailspin", "fixtures/import/wide-world"],
            &["fixtures/import/overlay.yaml"],
            Some(MAP),
        ),
        options(
            &["fixtures/import/portal-csv"],
            &["fixtures/import/portal-csv-overlay.yaml"],
            Some(MAP),
        ),
        // Without its overlay: a scenario that does not load (no roles, …).
        options(&["fixtures/import/portal-csv"], &[], Some(MAP)),
    ];
    for case in &cases {
        let scenario = built(case).unwrap_or_else(|e| panic!("{case:?}: {e:?}"));
        let subscriptions = &scenario.kinds[2];
        assert!(subscriptions.len() > 3, "{case:?}");
        assert_same_events(&scenario);
    }
}

#[test]
fn empty_kinds_and_fields_give_the_events_of_their_text() {
    assert_same_events(&Scenario::default());
    let mut scenario = Scenario::default();
    scenario.root.set("scenario", Val::Str("s".into()));
    scenario.root.set("expect", Val::List(vec![]));
    let mut empty = Entity::new("a".into(), None, Arc::from("f"));
    empty.fields = Fields::default();
    scenario.kinds[2].push(empty);
    scenario
        .partnerships
        .push((Fields::default(), Arc::from("o")));
    assert_same_events(&scenario);
}

/// A string of the kinds that must be quoted, escaped or kept plain.
fn string() -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        "[a-z][a-z0-9 ._-]{0,8}",
        "(true|null|~|1e3|-5|0x1F|2026-01-31|2026-02-30|Yes|NO)",
        "[ -~]{0,10}",
        "\\PC{0,6}",
        "[\\x00-\\x1f\\x7f\\u{85}\\u{a0}\\u{2028}\\u{feff}\"\\\\: #'-]{0,5}",
    ]
}

fn val() -> impl Strategy<Value = Val> + Clone {
    let leaf = prop_oneof![
        string().prop_map(|s| Val::Str(s.into())),
        string().prop_map(|s| Val::Plain(s.into())),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Val::List),
            fields(inner).prop_map(Val::Map),
        ]
    })
}

fn fields(value: impl Strategy<Value = Val> + Clone) -> impl Strategy<Value = Fields> + Clone {
    let key = prop_oneof!["(id|name|status|mca|items|via|roles|region)", string(),];
    keyed(key, value)
}

/// Fields whose keys `key` gives.
fn keyed(
    key: impl Strategy<Value = String> + Clone,
    value: impl Strategy<Value = Val> + Clone,
) -> impl Strategy<Value = Fields> + Clone {
    prop::collection::vec((key, value), 0..4).prop_map(|pairs| {
        let mut f = Fields::default();
        for (k, v) in pairs {
            f.set(k, v);
        }
        f
    })
}

fn scenario() -> impl Strategy<Value = Scenario> {
    let entity = (string(), fields(val())).prop_map(|(id, extra)| {
        let mut e = Entity::new(id.into(), None, Arc::from("export/f.json"));
        for (k, v) in extra.0 {
            e.fields.set(k, v);
        }
        e
    });
    (
        keyed("(scenario|as_of|expect|partners)", val()),
        [
            prop::collection::vec(entity.clone(), 0..3),
            prop::collection::vec(entity.clone(), 0..3),
            prop::collection::vec(entity.clone(), 0..3),
            prop::collection::vec(entity, 0..3),
        ],
        prop::collection::vec(fields(val()), 0..3),
    )
        .prop_map(|(root, kinds, partnerships)| Scenario {
            root,
            kinds,
            partnerships: partnerships
                .into_iter()
                .map(|f| (f, Arc::from("overlay.yaml")))
                .collect(),
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Whatever the builder and the overlays put in a scenario, the events
    /// the loader is given are the ones it would read from the text.
    #[test]
    fn any_scenario_gives_the_events_of_its_text(scenario in scenario()) {
        let text = write::write(&scenario, &["export".to_string()]).join();
        let given = events(&scenario);
        prop_assert_eq!(given, scanned(&text), "in\n{}", text);
    }
}
