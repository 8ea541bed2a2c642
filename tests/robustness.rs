//! Hostile and broken input never panics: property tests over arbitrary text and
//! over random edits of the project's own valid rule files and scenarios.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use eligo::internals::check::{check_source, FileOutcome};
use eligo::internals::lang::parse::parse_rule_file;
use eligo::internals::scenario::load::source_from_bytes;
use eligo::internals::SourceFile;
use proptest::prelude::*;
use std::path::Path;

/// A random edit of a text: delete, insert or duplicate a range.
#[derive(Clone, Debug)]
enum Edit {
    Delete { at: usize, len: usize },
    Insert { at: usize, text: String },
    Duplicate { at: usize, len: usize },
}

fn edit() -> impl Strategy<Value = Edit> {
    // Inserted text leans on the characters that matter to the two grammars.
    let insertion =
        proptest::string::string_regex(r#"[ \n\t:#\-\[\]{}"'&*!|>,.=<()a-z0-9]{1,12}"#).unwrap();
    prop_oneof![
        (any::<usize>(), 1usize..40).prop_map(|(at, len)| Edit::Delete { at, len }),
        (any::<usize>(), insertion).prop_map(|(at, text)| Edit::Insert { at, text }),
        (any::<usize>(), 1usize..200).prop_map(|(at, len)| Edit::Duplicate { at, len }),
    ]
}

/// Applies edits at positions taken modulo the length, on character boundaries.
fn apply(text: &str, edits: &[Edit]) -> String {
    let mut out = text.to_string();
    for e in edits {
        let boundary = |at: usize, s: &str| {
            let mut i = at % (s.len() + 1);
            while !s.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        match e {
            Edit::Delete { at, len } => {
                let start = boundary(*at, &out);
                let end = boundary(start + len, &out).max(start);
                out.replace_range(start..end, "");
            }
            Edit::Insert { at, text } => {
                let i = boundary(*at, &out);
                out.insert_str(i, text);
            }
            Edit::Duplicate { at, len } => {
                let start = boundary(*at, &out);
                let end = boundary(start + len, &out).max(start);
                let piece = out[start..end].to_string();
                out.insert_str(end, &piece);
            }
        }
    }
    out
}

fn fixture_texts(glob_dir: &str) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(glob_dir);
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml") {
                out.push(std::fs::read_to_string(path).unwrap());
            }
        }
    }
    out.sort();
    out
}

/// The default pack, compiled once for all cases.
fn program() -> &'static eligo::internals::Program {
    static PROGRAM: std::sync::OnceLock<eligo::internals::Program> = std::sync::OnceLock::new();
    PROGRAM.get_or_init(common::default_program)
}

/// The realistic books, read once.
fn books() -> &'static [String] {
    static BOOKS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    BOOKS.get_or_init(|| fixture_texts("fixtures/books"))
}

/// Loads and, when valid, evaluates a scenario; returns whether it loaded.
fn check_text(program: &eligo::internals::Program, text: String) -> bool {
    let Ok(source) = source_from_bytes("fuzz.yaml".into(), text.into_bytes()) else {
        return false;
    };
    matches!(
        check_source(program, source, &program.rule_ids(), &common::options()),
        FileOutcome::Checked(_)
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn rule_parser_never_panics_on_arbitrary_text(text in ".{0,400}") {
        let _ = parse_rule_file(&SourceFile::new("fuzz.rules", text));
    }

    #[test]
    fn scenario_loader_never_panics_on_arbitrary_text(text in ".{0,400}") {
        let _ = check_text(program(), text);
    }

    #[test]
    fn scenario_loader_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let program = program();
        if let Ok(source) = source_from_bytes("fuzz.yaml".into(), bytes) {
            let _ = check_source(program, source, &program.rule_ids(), &common::options());
        }
    }

    #[test]
    fn edited_scenarios_never_panic(index in any::<usize>(), edits in proptest::collection::vec(edit(), 1..6)) {
        let texts = books();
        let text = apply(&texts[index % texts.len()], &edits);
        let _ = check_text(program(), text);
    }

    #[test]
    fn edited_rule_files_never_panic(index in any::<usize>(), edits in proptest::collection::vec(edit(), 1..6)) {
        let mut sources = eligo::default_rule_sources();
        let i = index % sources.len();
        let edited = apply(&sources[i].text, &edits);
        sources[i] = SourceFile::new(sources[i].name.clone(), edited);
        if let Ok(program) = eligo::internals::load_program(sources) {
            // A rule pack that still compiles must still evaluate without panicking.
            let book = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/books/latam-cleanup.yaml");
            let _ = common::check_fixture(&program, &book);
        }
    }
}
