//! A fast path against saphyr-parser on the same bytes: the oracle shared by
//! the JSON and block fast paths' differential tests and their fuzz targets
//! (`json_differential`, `yaml_differential`).

use saphyr_parser::{Event, Span};

use crate::scenario::input::parser;

/// What a fast path did with a text, when it agreed with saphyr-parser.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// It gave exactly saphyr-parser's events and spans.
    Same,
    /// It handed the text over to saphyr-parser.
    HandedOver,
}

/// Compares the events a fast path gives for `text` (`None`: it handed the
/// text over) with saphyr-parser's; `Err` describes the first difference.
/// `next` is the fast path's `next_event`; its `Err` means it failed after
/// its dry run said it would read the text, which is a difference too.
pub(crate) fn compare<'a, E>(
    text: &'a str,
    fast: Option<impl FnMut() -> Option<Result<(Event<'a>, Span), E>>>,
) -> Result<Verdict, String> {
    let Some(mut next) = fast else {
        return Ok(Verdict::HandedOver);
    };
    let mut yaml = parser(text);
    for n in 0usize.. {
        let ours: Option<(Event<'_>, Span)> = match next() {
            None => None,
            Some(Ok(item)) => Some(item),
            Some(Err(_)) => {
                return Err(format!("event {n}: the fast path failed after its dry run"))
            }
        };
        let theirs = match yaml.next_event() {
            None => None,
            Some(Ok(item)) => Some(item),
            Some(Err(e)) => {
                return Err(format!(
                    "event {n}: saphyr-parser fails ({e}) where the fast path gives {ours:?}"
                ))
            }
        };
        if ours != theirs {
            return Err(format!(
                "event {n}: fast path {ours:?}, saphyr-parser {theirs:?}"
            ));
        }
        // The loaders receive eligo's own event, converted from this one
        // (see `crate::scenario::event`): the conversion must lose nothing.
        if let Some((event, _)) = &ours {
            let back = Event::from(crate::scenario::event::Event::from(event.clone()));
            if &back != event {
                return Err(format!("event {n}: {event:?} converts back as {back:?}"));
            }
        }
        if ours.is_none() {
            break;
        }
    }
    Ok(Verdict::Same)
}

/// Every YAML file of the bundled fixtures, recursively, in a stable order:
/// the corpus both fast paths' differential tests run over.
#[cfg(test)]
pub(crate) fn fixture_yaml_files() -> Vec<std::path::PathBuf> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
        &mut files,
    );
    files.sort();
    files
}

/// Mutates a generated text for the differential tests: at the character
/// boundary `at` picks, cuts the rest off (with `cut`), then inserts `insert`.
#[cfg(test)]
pub(crate) fn mutate(text: &mut String, at: proptest::sample::Index, insert: &str, cut: bool) {
    let boundaries: Vec<usize> = (0..=text.len())
        .filter(|&i| text.is_char_boundary(i))
        .collect();
    let i = boundaries
        .get(at.index(boundaries.len()))
        .copied()
        .unwrap_or(0);
    if cut {
        text.truncate(i);
    }
    text.insert_str(i, insert);
}

/// Asserts that a fast path's `compare` reads `text` and gives
/// saphyr-parser's events.
#[cfg(test)]
pub(crate) fn assert_same(compare: fn(&str) -> Result<Verdict, String>, text: &str) {
    assert_eq!(compare(text), Ok(Verdict::Same), "{text:?}");
}

/// Asserts that a fast path's `compare` hands `text` over.
#[cfg(test)]
pub(crate) fn assert_handed_over(compare: fn(&str) -> Result<Verdict, String>, text: &str) {
    assert_eq!(compare(text), Ok(Verdict::HandedOver), "{text:?}");
}
