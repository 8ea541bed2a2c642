//! The fast path against jsonc-parser: fixed texts each way, every JSON
//! file of the bundled exports, generated JSON in random layouts, and
//! generated JSON with a byte inserted or cut anywhere.

use proptest::prelude::*;

use super::{compare, MAX_DEPTH};

fn read(text: &str) {
    assert_eq!(compare(text), Ok(true), "{text:?}");
}

fn handed_over(text: &str) {
    assert_eq!(compare(text), Ok(false), "{text:?}");
}

#[test]
fn strict_json_gives_jsonc_parsers_ast() {
    for text in [
        "{}",
        "[]",
        " \t\r\n{ } \n",
        "{\"a\":1}",
        "{\"totalCount\": 2, \"items\": [{\"id\": \"x\", \"n\": -0.5e+10}, {\"id\": \"y\"}]}",
        "[1, -0, 0.25, 1E9, 2e-3, 123456789012345678901234567890]",
        "[true, false, null, \"\", \"é ü 日本\", \"a/b\"]",
        "{\"a\": {\"b\": {\"c\": [[], {}]}}}",
        "{\"dup\": 1, \"dup\": 2}",
        "\"only a string\"",
        "42",
        "null",
        // jsonc-parser takes control characters in a string as they are.
        "[\"a\tb\u{1}c\"]",
    ] {
        read(text);
    }
}

#[test]
fn anything_else_is_handed_over() {
    for text in [
        "",
        "   ",
        "{\"a\": \"\\n\"}",
        "[\"\\u00e9\"]",
        "{\"a\":1,}",
        "[1,]",
        "[1 2]",
        "{\"a\" 1}",
        "{a: 1}",
        "{'a': 1}",
        "[01]",
        "[1.]",
        "[.5]",
        "[+1]",
        "[1e]",
        "[-]",
        "[0x1F]",
        "[truex]",
        "[nul]",
        "[NaN, Infinity]",
        "// c\n{}",
        "{} {}",
        "{}x",
        "\u{feff}{}",
        "\u{a0}{}",
        "[\"unterminated]",
        "{\"a\": 1",
        "[1, [2, [3]",
    ] {
        handed_over(text);
    }
}

#[test]
fn nesting_deeper_than_the_bound_is_handed_over() {
    let at_bound = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
    read(&at_bound);
    let deeper = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
    handed_over(&deeper);
    let objects = format!("{}1{}", "{\"a\":".repeat(MAX_DEPTH), "}".repeat(MAX_DEPTH));
    read(&objects);
}

#[test]
fn every_bundled_export_file_is_read_as_jsonc_parser_reads_it() {
    let mut read_count = 0;
    for path in json_files(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")) {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        match compare(&text) {
            Ok(true) => read_count += 1,
            Ok(false) => {}
            Err(e) => panic!("{}: {e}", path.display()),
        }
    }
    assert!(
        read_count > 10,
        "only {read_count} files read by the fast path"
    );
}

fn json_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(json_files(&path));
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// A JSON value to write.
#[derive(Clone, Debug)]
enum Json {
    Str(String),
    Num(String),
    Word(&'static str),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

fn json() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        "[a-zA-Z0-9 _.:/-]{0,10}".prop_map(Json::Str),
        "\\PC{0,6}".prop_map(Json::Str),
        "-?(0|[1-9][0-9]{0,12})(\\.[0-9]{1,4})?([eE][+-]?[0-9]{1,3})?".prop_map(Json::Num),
        prop::sample::select(vec!["true", "false", "null"]).prop_map(Json::Word),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Json::Arr),
            prop::collection::vec(("[a-zA-Z]{1,8}", inner), 0..6).prop_map(Json::Obj),
        ]
    })
}

/// Writes `value` with the whitespace taken in turn from `spaces`; strings
/// are escaped as serde_json escapes them (so some hold escapes).
fn write(value: &Json, spaces: &[&str], turn: &mut usize, out: &mut String) {
    fn space(spaces: &[&str], turn: &mut usize, out: &mut String) {
        *turn += 1;
        out.push_str(
            spaces
                .get(*turn % spaces.len().max(1))
                .copied()
                .unwrap_or(""),
        );
    }
    match value {
        Json::Str(s) => out.push_str(&serde_json::to_string(s).unwrap_or_default()),
        Json::Num(n) => out.push_str(n),
        Json::Word(w) => out.push_str(w),
        Json::Arr(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                space(spaces, turn, out);
                write(item, spaces, turn, out);
                space(spaces, turn, out);
            }
            out.push(']');
        }
        Json::Obj(pairs) => {
            out.push('{');
            for (i, (key, item)) in pairs.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                space(spaces, turn, out);
                out.push_str(&serde_json::to_string(key).unwrap_or_default());
                space(spaces, turn, out);
                out.push(':');
                space(spaces, turn, out);
                write(item, spaces, turn, out);
                space(spaces, turn, out);
            }
            out.push('}');
        }
    }
}

fn spaces() -> impl Strategy<Value = Vec<&'static str>> {
    prop::collection::vec(
        prop::sample::select(vec!["", "", " ", "\n  ", "\r\n", "\t", " \u{a0}"]),
        1..5,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn generated_json_agrees_with_jsonc_parser(value in json(), spaces in spaces()) {
        let mut text = String::new();
        write(&value, &spaces, &mut 0, &mut text);
        prop_assert!(compare(&text).is_ok(), "{:?}: {:?}", text, compare(&text));
    }

    #[test]
    fn mutated_json_agrees_with_jsonc_parser(
        value in json(),
        spaces in spaces(),
        at in any::<prop::sample::Index>(),
        insert in prop::sample::select(vec![
            "", ",", ":", "\"", "\\", "[", "]", "{", "}", "0", "-", ".", "e", "x", " ", "\n",
            "\u{feff}", "\u{a0}", "/", "*", "'", "true", "nul", "\u{0}",
        ]),
        cut in any::<bool>(),
    ) {
        let mut text = String::new();
        write(&value, &spaces, &mut 0, &mut text);
        crate::scenario::differential::mutate(&mut text, at, insert, cut);
        prop_assert!(compare(&text).is_ok(), "{:?}: {:?}", text, compare(&text));
    }

    /// JSON of the subset (no escapes, JSON whitespace only) is read, not
    /// handed over: the tests above cannot pass by handing everything over.
    #[test]
    fn json_without_escapes_is_read(value in json(), spaces in spaces()) {
        let mut text = String::new();
        write(&value, &spaces, &mut 0, &mut text);
        if !text.contains('\\') && !text.contains('\u{a0}') {
            prop_assert_eq!(compare(&text), Ok(true), "{:?}", text);
        }
    }
}
