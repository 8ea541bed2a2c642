//! The formatter on any rule file that parses: the result parses to the same
//! syntax tree, keeps every comment in order, and formatting it again changes
//! nothing.
#![no_main]

use eligo::internals::lang::fmt::{collect_comments, format_source};
use eligo::internals::lang::parse::parse_rule_file;
use eligo::internals::SourceFile;
use libfuzzer_sys::fuzz_target;

fn comments(text: &str) -> Vec<String> {
    match parse_rule_file(&SourceFile::new("c.rules", text)) {
        Ok(file) => collect_comments(text, &file).into_iter().map(|c| c.text).collect(),
        Err(_) => Vec::new(),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let source = SourceFile::new("fuzz.rules", text);
    let Ok(original) = parse_rule_file(&source) else { return };
    let Ok(once) = format_source(&source) else { panic!("a file that parses must format") };
    let reparsed = parse_rule_file(&SourceFile::new("once.rules", once.as_str()));
    assert_eq!(reparsed.ok().as_ref(), Some(&original), "formatting changed the syntax tree:\n{once}");
    assert_eq!(comments(&once), comments(text), "formatting lost or moved a comment:\n{once}");
    let twice = format_source(&SourceFile::new("once.rules", once.as_str())).ok();
    assert_eq!(twice.as_deref(), Some(once.as_str()), "formatting is not idempotent");
});
