//! [`records`] gives the records [`Rec::from_json`] reads from the syntax
//! tree of the same text, whenever it gives any; and it gives them for
//! every list of objects the fast path reads.

use std::collections::HashMap;
use std::path::Path;

use proptest::prelude::*;

use super::*;
use crate::import::map::Map;
use crate::source::SourceFile;

/// Asserts that the fast read agrees with the tree's, and that it reads
/// every list of objects the fast path reads.
fn assert_agree(text: &str, key: &str, paths: &HashMap<u8, Paths>) -> Result<(), TestCaseError> {
    compare_records(text, key, paths)
        .map(drop)
        .map_err(|e| TestCaseError::fail(format!("{e} in {text}")))
}

/// Property names, some equal but for case, some with dots or empty.
fn name() -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        "(id|ID|Id|name|status|a|A|b|B|items|Items|x\\.y|)",
        "[a-zA-Z]{1,3}",
    ]
}

/// A JSON value's text, with whitespace of every kind between tokens.
fn value() -> impl Strategy<Value = String> + Clone {
    let space = "[ \\t\\n\\r]{0,2}";
    let leaf = prop_oneof![
        "\"[a-z0-9 -]{0,6}\"",
        "\"a\\\\n\"",
        "(-?[0-9]{1,3}(\\.[0-9])?|1e5|true|false|null)",
    ];
    leaf.prop_recursive(4, 40, 5, move |inner| {
        prop_oneof![
            prop::collection::vec((space, inner.clone()), 0..4).prop_map(|items| {
                let items: Vec<String> =
                    items.into_iter().map(|(s, v)| format!("{s}{v}")).collect();
                format!("[{}]", items.join(","))
            }),
            prop::collection::vec((name(), space, inner), 0..6).prop_map(|props| {
                let props: Vec<String> = props
                    .into_iter()
                    .map(|(n, s, v)| format!("\"{n}\"{s}:{s}{v}"))
                    .collect();
                format!("{{{}}}", props.join(", "))
            }),
        ]
    })
}

/// A list file: a bare array, a wrapper with its list under some name, or
/// something else; entries mostly objects.
fn list() -> impl Strategy<Value = String> {
    let entry =
        prop_oneof![4 => value().prop_filter("an object", |v| v.starts_with('{')), 1 => value()];
    let entries = prop::collection::vec(entry, 0..4).prop_map(|e| format!("[{}]", e.join(",")));
    prop_oneof![
        entries.clone(),
        (name(), entries.clone(), value())
            .prop_map(|(n, e, v)| format!("{{\"totalCount\": 2, \"{n}\": {e}, \"links\": {v}}}")),
        (entries, value()).prop_map(|(e, v)| format!(" {{ \"items\" : {e} , \"items\": {v} }}\n")),
        value(),
    ]
}

/// A mapping: a few fields, each with one to three paths of one to three names.
fn paths() -> impl Strategy<Value = HashMap<u8, Paths>> {
    let path = prop::collection::vec(name(), 1..4).prop_map(|names| names.join("."));
    let field_paths = prop::collection::vec(path, 1..4).prop_map(Paths::Many);
    prop::collection::hash_map(0u8..8, field_paths, 1..6)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn the_fast_read_gives_the_trees_records(text in list(), paths in paths()) {
        assert_agree(&text, "items", &paths)?;
    }
}

#[test]
fn names_and_values_the_tree_reads_in_its_own_way() {
    let paths: HashMap<u8, Paths> = [
        (0, Paths::Many(vec!["a.b".into(), "c".into()])),
        (1, Paths::One("ID".into())),
        (2, Paths::Many(vec!["".into(), "x.".into()])),
        (3, Paths::One("n".into())),
        (4, Paths::Many(vec!["c".into(), "n".into()])),
    ]
    .into_iter()
    .collect();
    for text in [
        // The first `id` counts, whatever its case; `a` an object.
        r#"[{"Id": "1", "ID": "2", "a": {"b": true}, "c": 3}]"#,
        // `a` a string: `a.b` is absent and `c` is read.
        r#"[{"a": "s", "c": 3, "": 1, "x": {"": "e"}}]"#,
        // `a.b` null: absent; `c` an array: present, without a value.
        r#"{"items": [{"a": {"b": null}, "c": [1]}, {"n": 1.5e3}], "ITEMS": 1}"#,
        // The second `a` is not read.
        r#"[{"a": 1, "a": {"b": 2}, "c": null}]"#,
        r#"{"totalCount": 0, "Items": []}"#,
        // `c` an array or an object: field 4 has no value, `n` is not tried.
        r#"[{"c": [1], "n": 2}, {"c": {}, "n": 2}, {"c": null, "n": 2}]"#,
    ] {
        let tree = FieldTree::new(&paths);
        assert!(records(text, "items", &tree).is_some(), "{text}");
        assert_agree(text, "items", &paths).unwrap_or_else(|e| panic!("{e}"));
    }
    for text in [
        r#"[1]"#,
        r#"{"links": []}"#,
        r#"[{"a": "\u0041"}]"#,
        "[{}] x",
    ] {
        assert!(
            records(text, "items", &FieldTree::new(&paths)).is_none(),
            "{text}"
        );
    }
}

/// A mapping's path may be as long as its file allows: the tree is not
/// built that deep (nor built, checked and dropped by recursion), and the
/// files are read through the syntax tree, as before.
#[test]
fn a_path_deeper_than_any_text_read_here_is_handed_over() {
    let deep = "a.".repeat(200_000) + "id";
    let paths: HashMap<u8, Paths> = [(0, Paths::Many(vec![deep, "id".into()]))]
        .into_iter()
        .collect();
    let text = r#"{"items": [{"id": "s-1", "a": {"a": {}}}]}"#;
    assert!(records(text, "items", &FieldTree::new(&paths)).is_none());
    assert_agree(text, "items", &paths).unwrap_or_else(|e| panic!("{e}"));
    let shallow: HashMap<u8, Paths> = [(0, Paths::One("a.".repeat(MAX_DEPTH - 1) + "id"))]
        .into_iter()
        .collect();
    assert!(records(text, "items", &FieldTree::new(&shallow)).is_some());
}

/// Numbered paths, for [`compare_records`].
fn numbered<F: Copy + Into<u8>>(paths: &HashMap<F, Paths>) -> HashMap<u8, Paths> {
    paths
        .iter()
        .map(|(f, p)| ((*f).into(), p.clone()))
        .collect()
}

/// Every `subscriptions.json`, `customers.json` and `agreements.json` of
/// the bundled exports, good and bad, with the bundled mappings: the same
/// records, and nearly all read fast.
#[test]
fn the_bundled_lists_give_the_trees_records() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/import");
    let maps = [
        Map::default_map().unwrap_or_else(|e| panic!("{e:?}")),
        Map::parse(&SourceFile::new(
            "tailspin.map.yaml",
            std::fs::read_to_string(root.join("tailspin.map.yaml")).unwrap_or_default(),
        ))
        .unwrap_or_else(|e| panic!("{e:?}")),
    ];
    let mut files = Vec::new();
    list_files(&root, &mut files);
    assert!(files.len() > 30, "{files:?}");
    let (mut fast, mut read) = (0, 0);
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
        for map in &maps {
            let (key, raw) = (&map.raw.list_items, &map.raw);
            let (paths, fast_here) = match name {
                "subscriptions.json" => (
                    numbered(&raw.subscription),
                    records(&text, key, &map.subscription_fields).is_some(),
                ),
                "customers.json" => (
                    numbered(&raw.customer),
                    records(&text, key, &map.customer_fields).is_some(),
                ),
                _ => (
                    numbered(&raw.agreement),
                    records(&text, key, &map.agreement_fields).is_some(),
                ),
            };
            assert_agree(&text, key, &paths).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            fast += usize::from(fast_here);
            read += 1;
        }
    }
    assert!(fast * 10 >= read * 9, "{fast} of {read} read fast");
    assert_eq!(subscription_paths().len(), maps[0].raw.subscription.len());
}

fn list_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            list_files(&path, out);
        } else if matches!(
            name,
            "subscriptions.json" | "customers.json" | "agreements.json"
        ) {
            out.push(path);
        }
    }
}
