//! The fast path agrees with saphyr-parser: on hand-picked texts, on every
//! fixture and generated book written as JSON, and on generated JSON with
//! random whitespace, escapes, characters and numbers.

use super::compare;
use proptest::prelude::*;

/// Asserts that the fast path reads `text` and gives saphyr-parser's events.
fn same(text: &str) {
    crate::scenario::differential::assert_same(compare, text);
}

/// Asserts that the fast path hands `text` over.
fn handed_over(text: &str) {
    crate::scenario::differential::assert_handed_over(compare, text);
}

#[test]
fn json_texts_give_saphyr_events_and_spans() {
    for text in [
        "{}",
        "[]",
        "{}\n\n",
        "{\"a\": 1}\n",
        "  \n {\"a\":1 , \"b\" :[ ] }  ",
        "\u{feff}{\"a\":1}",
        "\u{feff} \n\t{\"a\":1}\r\n",
        "{\"a\":\n1,\r\n\"b\"\r:2}",
        "{\n\t\"a\": 1\n}",
        "{\"a\"\n: 1}",
        "[1,\n2\n]",
        "{\"a\": -1.5e+3, \"b\": 0, \"c\": -0.0E-7, \"d\": 10}",
        "{\"a\": \"\\u00e9\\t\\\"z\\/\\b\\f\\n\\r\\\\\"}",
        "{\"a\": \"\\u0000\\uFFFF\\u20ac\"}",
        "{ \"a\" : 1 }",
        "\t{\"a\":1}",
        "{\"a\":\t1\t,\t\"b\"\t:\t2\t}\t\n",
        "{\"a\":1}\r",
        "{\"a\":[1 ,2\t]}",
        "{\"a\":\"\u{feff}\"}",
        "{\"a\":\n\t1}",
        "{\"\": \"\"}",
        "{\"a\"\t:1}",
        "{\"a\":[{}, [], [[]], {\"b\": {}}]}",
        "{\"é\": \"日本\", \"x\": [\"多\", true, false, null]}",
        "{}\n  ",
        "[\n-1\n]",
        "{\"a\":1}   \n \t \n",
    ] {
        same(text);
    }
}

#[test]
fn other_texts_are_handed_over() {
    for text in [
        "",
        "a: 1\n",
        "\"a\"",
        "{a: 1}",
        "{\"a\": 1,}",
        "{\"a\": 1} # c",
        "{\"a\": 1}\n---\n{}",
        "{\"a\": 'x'}",
        "{\"a\": \"\\ud83d\\ude00\"}",
        "{\"a\": \"\\x41\"}",
        "{\"a\": \"x\ny\"}",
        "{\"a\": \"x\ty\"}",
        "{\"a\": 01}",
        "{\"a\": 1.}",
        "{\"a\": True}",
        "{\"a\": 1 2}",
        "{\"a\": [1, 2}",
        "{\"a\"}",
        "{\"a\": 1",
        "[&a 1, *a]",
        "{\"a\": !!str 1}",
        "{\"a\":\n}",
        "{\"a\": 1}x",
    ] {
        handed_over(text);
        // Handing over is always allowed; agreeing is what matters.
        assert!(compare(text).is_ok());
    }
}

#[test]
fn nesting_is_handled_to_saphyr_parser_limit_and_handed_over_beyond() {
    for depth in [1, 64, 65, 254, super::super::scanner::MAX_DEPTH] {
        same(&format!("{}{}", "[".repeat(depth), "]".repeat(depth)));
    }
    for depth in [super::super::scanner::MAX_DEPTH + 1, 300] {
        handed_over(&format!("{}{}", "[".repeat(depth), "]".repeat(depth)));
    }
}

/// The JSON texts of a YAML text (compact, pretty, and pretty with CRLF
/// line ends and a byte-order mark), when it converts to JSON.
fn as_json(yaml: &str) -> Vec<String> {
    let Ok(value) = serde_yaml::from_str::<serde_json::Value>(yaml) else {
        return Vec::new();
    };
    let compact = serde_json::to_string(&value).unwrap_or_default();
    let pretty = serde_json::to_string_pretty(&value).unwrap_or_default();
    let crlf = format!("\u{feff}{}\r\n", pretty.replace('\n', "\r\n"));
    vec![compact, pretty, crlf]
}

#[test]
fn every_fixture_as_json_gives_saphyr_events() {
    let files = crate::scenario::differential::fixture_yaml_files();
    let mut converted = 0;
    for file in &files {
        let yaml = std::fs::read_to_string(file).unwrap_or_default();
        for json in as_json(&yaml) {
            if json.starts_with(['{', '[']) {
                same(&json);
                converted += 1;
            }
        }
    }
    assert!(converted > 150, "only {converted} fixture texts converted");
}

#[test]
fn generated_books_as_json_give_saphyr_events() {
    for (subscriptions, seed) in [(50, 1), (400, 7), (2000, 42)] {
        let yaml = crate::generate::scenario_text(subscriptions, seed);
        let texts = as_json(&yaml);
        assert_eq!(texts.len(), 3);
        for json in texts {
            same(&json);
        }
    }
}

/// A JSON value.
#[derive(Clone, Debug)]
enum Json {
    Null,
    Bool(bool),
    Number(String),
    Str(Vec<Piece>),
    Array(Vec<Json>),
    Object(Vec<(Vec<Piece>, Json)>),
}

/// One character of a string, and how it is written.
#[derive(Clone, Debug)]
enum Piece {
    Raw(char),
    /// `\uXXXX` (any BMP code point, surrogates included) in this case.
    Unicode(u16, bool),
    Short(&'static str),
}

fn piece() -> impl Strategy<Value = Piece> {
    prop_oneof![
        4 => any::<char>().prop_map(Piece::Raw),
        4 => proptest::char::range(' ', '~').prop_map(Piece::Raw),
        2 => (any::<u16>(), any::<bool>()).prop_map(|(c, upper)| Piece::Unicode(c, upper)),
        1 => prop::sample::select(vec![
            "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t", "\\x41", "\\N", "\\ ",
        ])
        .prop_map(Piece::Short),
    ]
}

fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|n| format!("{n:?}")),
        any::<f64>().prop_map(|n| format!("{n:e}")),
        "-?(0|[1-9][0-9]{0,3})(\\.[0-9]{1,3})?([eE][+-]?[0-9]{1,3})?",
        "[-+.0-9eE]{1,6}",
    ]
}

fn json() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        number().prop_map(Json::Number),
        prop::collection::vec(piece(), 0..6).prop_map(Json::Str),
    ];
    leaf.prop_recursive(6, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Json::Array),
            prop::collection::vec((prop::collection::vec(piece(), 0..4), inner), 0..6)
                .prop_map(Json::Object),
        ]
    })
}

/// Writes JSON, taking the whitespace between tokens from `spaces` in turn.
struct Writer<'s> {
    out: String,
    spaces: &'s [&'static str],
    next: usize,
}

impl Writer<'_> {
    fn space(&mut self) {
        if let Some(s) = self.spaces.get(self.next % self.spaces.len().max(1)) {
            self.out.push_str(s);
        }
        self.next += 1;
    }

    fn string(&mut self, pieces: &[Piece]) {
        self.out.push('"');
        for p in pieces {
            match p {
                Piece::Raw('"') => self.out.push_str("\\\""),
                Piece::Raw('\\') => self.out.push_str("\\\\"),
                Piece::Raw(c) => self.out.push(*c),
                Piece::Unicode(c, true) => self.out.push_str(&format!("\\u{c:04X}")),
                Piece::Unicode(c, false) => self.out.push_str(&format!("\\u{c:04x}")),
                Piece::Short(s) => self.out.push_str(s),
            }
        }
        self.out.push('"');
    }

    fn value(&mut self, value: &Json) {
        match value {
            Json::Null => self.out.push_str("null"),
            Json::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            Json::Number(n) => self.out.push_str(n),
            Json::Str(s) => self.string(s),
            Json::Array(items) => {
                self.out.push('[');
                for (i, item) in items.iter().enumerate() {
                    self.space();
                    if i > 0 {
                        self.out.push(',');
                        self.space();
                    }
                    self.value(item);
                }
                self.space();
                self.out.push(']');
            }
            Json::Object(entries) => {
                self.out.push('{');
                for (i, (key, item)) in entries.iter().enumerate() {
                    self.space();
                    if i > 0 {
                        self.out.push(',');
                        self.space();
                    }
                    self.string(key);
                    self.space();
                    self.out.push(':');
                    self.space();
                    self.value(item);
                }
                self.space();
                self.out.push('}');
            }
        }
    }
}

fn spaces() -> impl Strategy<Value = Vec<&'static str>> {
    prop::collection::vec(
        prop::sample::select(vec![
            "", "", "", " ", "  ", "\t", "\n", "\r\n", "\r", "\n\t ", " \n", "\n\n",
        ]),
        1..12,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn generated_json_agrees_with_saphyr(
        root in json(),
        spaces in spaces(),
        lead in prop::sample::select(vec!["", "\u{feff}", " \n", "\u{feff}\t\r\n"]),
        trail in prop::sample::select(vec!["", "\n", " ", "\r\n\r\n", " x", "\n# c\n"]),
        object in any::<bool>(),
    ) {
        let root = match root {
            Json::Array(_) | Json::Object(_) => root,
            other if object => Json::Object(vec![(vec![Piece::Raw('k')], other)]),
            other => Json::Array(vec![other]),
        };
        let mut writer = Writer { out: lead.to_string(), spaces: &spaces, next: 0 };
        writer.value(&root);
        writer.out.push_str(trail);
        let text = writer.out;
        prop_assert!(compare(&text).is_ok(), "{:?}: {:?}", text, compare(&text));
    }

    #[test]
    fn mutated_json_agrees_with_saphyr(
        root in json(),
        spaces in spaces(),
        at in any::<prop::sample::Index>(),
        insert in prop::sample::select(vec![
            "", ",", ":", "#", "x", "'", "\"", "[", "]", "{", "}", "\\", " ", "\n", "-", "&a ",
            "*a", "!!str ", "---\n", "...\n", "\t", "\u{feff}", "? ", "- ", "|",
        ]),
        cut in any::<bool>(),
    ) {
        let mut writer = Writer { out: String::new(), spaces: &spaces, next: 0 };
        writer.value(&Json::Object(vec![(vec![Piece::Raw('k')], root)]));
        let mut text = writer.out;
        crate::scenario::differential::mutate(&mut text, at, insert, cut);
        prop_assert!(compare(&text).is_ok(), "{:?}: {:?}", text, compare(&text));
    }
}
