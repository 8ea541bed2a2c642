//! Writes the scenario as YAML: deterministic byte for byte, each entity
//! preceded by a `# from <file>` comment (which serde_yaml cannot write, hence
//! this thin writer; strings that need quoting are written as JSON strings,
//! which are valid YAML double-quoted scalars).

use std::fmt::Write;
use std::sync::Arc;

use rayon::prelude::*;

use crate::source::concat_shared;

use super::fragment::{field_order, Entity, Fields, Scenario, Val, KINDS};

mod forms;
use forms::Forms;

/// The scenario as YAML text, in pieces.
pub(crate) fn write(scenario: &Scenario, sources: &[String]) -> Text {
    let mut pieces = Pieces::default();
    // Pieces are kept in memory: nothing can fail.
    let _ = write_into(&mut pieces, scenario, sources);
    pieces.into_text()
}

/// Writes the scenario as YAML text into `out` as it is written, and returns
/// its length in bytes. The entities are written in runs on every core while
/// the run before is written into `out`, each run's buffers reused for the
/// next: the text is never whole in memory (for a 100k book, 57 MB that the
/// system must hand over page by page; BENCHMARKS.md, "Stop 29").
pub(crate) fn stream(
    scenario: &Scenario,
    sources: &[String],
    out: &mut (impl std::io::Write + Send),
) -> std::io::Result<usize> {
    let mut stream = Stream {
        out,
        current: String::new(),
        written: 0,
    };
    write_into(&mut stream, scenario, sources)?;
    stream.flush_current()?;
    Ok(stream.written)
}

/// Where the writer puts the text: what lies between the lists of entities
/// goes into [`Sink::current`], the entities of each kind are handed over.
trait Sink {
    /// The text being written between the lists of entities.
    fn current(&mut self) -> &mut String;
    /// Writes the entities of a kind, after what [`Sink::current`] holds.
    fn entities(&mut self, entities: &[Entity], kind: &str) -> std::io::Result<()>;
}

/// Writes the scenario into `sink`.
fn write_into(
    sink: &mut impl Sink,
    scenario: &Scenario,
    sources: &[String],
) -> std::io::Result<()> {
    let forms = &mut Forms::new();
    header(sink.current(), sources);
    for key in ["scenario", "as_of"] {
        if let Some(v) = scenario.root.get(key) {
            field(sink.current(), forms, key, v, 0);
        }
    }
    for (kind, entities) in KINDS.iter().zip(&scenario.kinds) {
        if *kind == "customers" {
            partnerships(sink.current(), forms, &scenario.partnerships);
        }
        let out = sink.current();
        let _ = write!(out, "{kind}:");
        if entities.is_empty() {
            out.push_str(" []\n");
            continue;
        }
        out.push('\n');
        sink.entities(entities, kind)?;
    }
    if let Some(v) = scenario.root.get("expect") {
        field(sink.current(), forms, "expect", v, 0);
    }
    Ok(())
}

/// The comment that opens the file: where it comes from, and how to change it.
fn header(out: &mut String, sources: &[String]) {
    out.push_str("# Imported by `eligo import` from:\n");
    for s in sources {
        let _ = writeln!(out, "#   {}", comment(s));
    }
    out.push_str(
        "# Change the overlays or the mapping and import again rather than editing this file.\n",
    );
}

/// The text being written, in pieces, in order: the entities' chunks as the
/// cores wrote them, and what comes between them.
#[derive(Default)]
struct Pieces {
    /// The pieces written, in order.
    done: Vec<String>,
    /// The piece being written, after the last chunk.
    current: String,
}

impl Sink for Pieces {
    fn current(&mut self) -> &mut String {
        &mut self.current
    }

    /// Keeps the entities' chunks; what follows goes into a new piece.
    fn entities(&mut self, entities: &[Entity], kind: &str) -> std::io::Result<()> {
        self.done.push(std::mem::take(&mut self.current));
        self.done.extend(chunks(entities, kind, Vec::new()));
        Ok(())
    }
}

impl Pieces {
    /// The text written.
    fn into_text(mut self) -> Text {
        self.done.push(self.current);
        Text { pieces: self.done }
    }
}

/// A written scenario: its text in the pieces the cores wrote, in order.
///
/// Kept in pieces because the import needs the text whole only to load it,
/// which it skips when its verdict proves the scenario valid: `eligo
/// import` to standard output writes it piece by piece. Joined, a 100k
/// book's text is 57 MB more of fresh memory and a copy (BENCHMARKS.md,
/// "Stop 29"). (`eligo import --output` to a plain file does not keep it at
/// all: see [`stream`].)
#[derive(Debug, Default)]
pub(crate) struct Text {
    /// The pieces, in order.
    pieces: Vec<String>,
}

impl Text {
    /// The length of the text, in bytes.
    pub(crate) fn len(&self) -> usize {
        self.pieces.iter().map(String::len).sum()
    }

    /// The pieces, in order.
    pub(crate) fn pieces(&self) -> &[String] {
        &self.pieces
    }

    /// The text whole, shared ([`concat_shared`]: one buffer the size of the
    /// text, the pieces copied into it on every core).
    pub(crate) fn join(&self) -> Arc<str> {
        concat_shared(&self.pieces)
    }

    /// Writes the text to `out`, piece by piece.
    pub(crate) fn write_to(&self, out: &mut (impl std::io::Write + ?Sized)) -> std::io::Result<()> {
        write_chunks(out, &self.pieces).map(drop)
    }
}

fn partnerships(out: &mut String, forms: &mut Forms, list: &[(Fields, Arc<str>)]) {
    out.push_str("partnerships:");
    if list.is_empty() {
        out.push_str(" []\n");
        return;
    }
    out.push('\n');
    for (fields, origin) in list {
        from(out, forms, origin);
        item(out, forms, fields.in_order(&[]), 2);
    }
}

/// The text written into a file (or any `Write`) as it is written.
struct Stream<'o, W> {
    out: &'o mut W,
    /// The text being written between the lists of entities.
    current: String,
    /// Bytes written so far.
    written: usize,
}

impl<W: std::io::Write + Send> Stream<'_, W> {
    /// Writes out what lies before the next list of entities.
    fn flush_current(&mut self) -> std::io::Result<()> {
        self.out.write_all(self.current.as_bytes())?;
        self.written += self.current.len();
        self.current.clear();
        Ok(())
    }
}

impl<W: std::io::Write + Send> Sink for Stream<'_, W> {
    fn current(&mut self) -> &mut String {
        &mut self.current
    }

    /// Writes the entities a run at a time: one chunk per core, written on
    /// every core while the run before goes to `out`.
    fn entities(&mut self, entities: &[Entity], kind: &str) -> std::io::Result<()> {
        self.flush_current()?;
        let run = CHUNK * rayon::current_num_threads().max(1);
        let out = &mut *self.out;
        let mut ready: Vec<String> = Vec::new();
        let mut spare: Vec<String> = Vec::new();
        for entities in entities.chunks(run) {
            let (written, next) = rayon::join(
                || write_chunks(out, &ready),
                || chunks(entities, kind, spare),
            );
            self.written += written?;
            spare = ready;
            ready = next;
        }
        self.written += write_chunks(out, &ready)?;
        Ok(())
    }
}

/// Writes `chunks` in order; returns their length.
fn write_chunks(
    out: &mut (impl std::io::Write + ?Sized),
    chunks: &[String],
) -> std::io::Result<usize> {
    for chunk in chunks {
        out.write_all(chunk.as_bytes())?;
    }
    Ok(chunks.iter().map(String::len).sum())
}

/// Entities written per chunk, at most.
const CHUNK: usize = 4096;

/// Entities written per chunk, at least (a chunk has a memory of forms of
/// its own, cold at its start).
const LEAST_CHUNK: usize = 256;

/// The chunk size for `count` entities: as many chunks as cores where that
/// is at most [`CHUNK`] each, so that a run of fewer (the last of a kind,
/// or a kind of a few thousand, such as a book's transfers) is not written
/// on one core while the other waits.
fn chunk_size(count: usize) -> usize {
    count
        .div_ceil(rayon::current_num_threads().max(1))
        .clamp(LEAST_CHUNK, CHUNK)
}

/// Entities written in chunks on every core, in order: each entity's text
/// depends only on the entity, so the chunks joined are the text of writing
/// them one after the other. Each chunk is written into one of `buffers`
/// (emptied first) while there are some, else into a new one.
fn chunks(entities: &[Entity], kind: &str, mut buffers: Vec<String>) -> Vec<String> {
    let size = chunk_size(entities.len());
    buffers.resize_with(entities.len().div_ceil(size), String::new);
    entities
        .par_chunks(size)
        .zip(buffers)
        .map(|(chunk, mut text)| {
            text.clear();
            // About the size of a subscription's entry, so that the text
            // is seldom grown (and copied).
            text.reserve(chunk.len() * 512);
            let mut forms = Forms::new();
            for (n, e) in chunk.iter().enumerate() {
                super::prefetch::ahead(chunk, n, |e| &e.fields);
                entity(&mut text, &mut forms, e, kind);
            }
            text
        })
        .collect()
}

fn entity(out: &mut String, forms: &mut Forms, e: &Entity, kind: &str) {
    from(out, forms, &e.origin);
    item(out, forms, e.fields.in_order(field_order(kind)), 2);
}

/// The `# from <file>` line before an entity.
fn from(out: &mut String, forms: &mut Forms, origin: &str) {
    out.push_str("  # from ");
    if forms.control(origin) {
        out.push_str(&comment(origin));
    } else {
        out.push_str(origin);
    }
    out.push('\n');
}

/// Whether `text` holds a control character (a byte test when it is ASCII,
/// as every path of a large export is; a character test otherwise).
fn has_control(text: &str) -> bool {
    if text.is_ascii() {
        text.bytes().any(|b| b.is_ascii_control())
    } else {
        text.chars().any(char::is_control)
    }
}

/// A list entry `- k: v` at `indent`, its other fields below it.
fn item<'f>(
    out: &mut String,
    forms: &mut Forms,
    fields: impl Iterator<Item = (&'f str, &'f Val)>,
    indent: usize,
) {
    let mut first = true;
    for (k, v) in fields {
        if first {
            spaces(out, indent);
            out.push_str("- ");
            first = false;
            field_inline(out, forms, k, v, indent + 2);
        } else {
            field(out, forms, k, v, indent + 2);
        }
    }
    if first {
        spaces(out, indent);
        out.push_str("- {}\n");
    }
}

fn field(out: &mut String, forms: &mut Forms, key: &str, value: &Val, indent: usize) {
    spaces(out, indent);
    field_inline(out, forms, key, value, indent);
}

fn field_inline(out: &mut String, forms: &mut Forms, key: &str, value: &Val, indent: usize) {
    push_string(out, forms, key);
    out.push(':');
    match value {
        Val::Str(_) | Val::Plain(_) => {
            out.push(' ');
            push_scalar(out, forms, value);
            out.push('\n');
        }
        Val::List(items)
            if items
                .iter()
                .all(|i| matches!(i, Val::Str(_) | Val::Plain(_))) =>
        {
            out.push_str(" [");
            for (n, i) in items.iter().enumerate() {
                if n > 0 {
                    out.push_str(", ");
                }
                push_scalar(out, forms, i);
            }
            out.push_str("]\n");
        }
        Val::List(items) => {
            out.push('\n');
            for i in items {
                match i {
                    Val::Map(f) => item(out, forms, f.in_order(field_order(key)), indent + 2),
                    Val::List(_) => {
                        spaces(out, indent + 2);
                        out.push_str("- []\n");
                    }
                    other => {
                        spaces(out, indent + 2);
                        out.push_str("- ");
                        push_scalar(out, forms, other);
                        out.push('\n');
                    }
                }
            }
        }
        Val::Map(f) if f.0.is_empty() => out.push_str(" {}\n"),
        Val::Map(f) => {
            out.push('\n');
            for (k, v) in f.in_order(field_order(key)) {
                field(out, forms, k, v, indent + 2);
            }
        }
    }
}

/// Writes `n` spaces of indentation. The writer's indents (two to eight
/// spaces) are each one text of known length: a 100k book has a million
/// fields, and pushing their indents a character at a time was 7.3 M of a
/// 10k import's 587 M instructions (BENCHMARKS.md, "Stop 32").
fn spaces(out: &mut String, n: usize) {
    match n {
        0 => {}
        2 => out.push_str("  "),
        4 => out.push_str("    "),
        6 => out.push_str("      "),
        8 => out.push_str("        "),
        _ => out.extend(std::iter::repeat_n(' ', n)),
    }
}

/// Writes a scalar as [`scalar_form`] says.
fn push_scalar(out: &mut String, forms: &mut Forms, value: &Val) {
    let (s, plain) = match value {
        Val::Plain(s) => (s, forms.plain_value(s)),
        Val::Str(s) => (s, forms.plain_string(s)),
        Val::List(_) | Val::Map(_) => return,
    };
    if plain {
        out.push_str(s);
    } else {
        crate::escape::push_yaml_quoted(out, s);
    }
}

/// How a scalar value is written: its text, and whether plain (`true`) or
/// as a JSON string, a YAML double-quoted scalar (`false`). A plain value
/// stays plain when YAML reads it back the same (an overlay's `true` or
/// `2026-01-31` is a boolean or a date); a string is plain only when YAML
/// reads it back as that string. `None` for a list or a mapping.
pub(super) fn scalar_form(value: &Val) -> Option<(&str, bool)> {
    match value {
        Val::Plain(s) => Some((s, is_plain_value(s))),
        Val::Str(s) => Some((s, is_plain_string(s))),
        Val::List(_) | Val::Map(_) => None,
    }
}

/// Whether a plain value ([`Val::Plain`]) is written plain: when YAML reads
/// it back the same, as a string or as the literal it is; else it is quoted.
pub(super) fn is_plain_value(s: &str) -> bool {
    safe_plain(s) || literal(s)
}

/// Whether a string (a key, or a string value) is written plain: when YAML
/// reads it back as the same string; else it is quoted.
pub(super) fn is_plain_string(s: &str) -> bool {
    safe_plain(s) && !literal(s)
}

/// Writes a string as [`string`] gives it, without a string of its own (the
/// writer's hot path: a large book has a million of them).
fn push_string(out: &mut String, forms: &mut Forms, s: &str) {
    if forms.plain_string(s) {
        out.push_str(s);
    } else {
        crate::escape::push_yaml_quoted(out, s);
    }
}

/// A string as YAML: plain when that reads back as the same string, else a
/// JSON string (a valid YAML double-quoted scalar, every control character escaped).
#[cfg(test)]
fn string(s: &str) -> String {
    let mut out = String::new();
    push_string(&mut out, &mut Forms::new(), s);
    out
}

/// Text that YAML reads as a string when written plain: it starts with a
/// letter and holds only letters, digits and a few punctuation marks (no `: `,
/// ` #`, no leading or trailing space, no two spaces in a row).
fn safe_plain(s: &str) -> bool {
    // Nearly every value is ASCII: one pass over its bytes, which falls back
    // to the same test per character at the first byte that is not.
    let bytes = s.as_bytes();
    let Some(&first) = bytes.first() else {
        return false;
    };
    if !first.is_ascii_alphabetic() {
        return !first.is_ascii() && safe_plain_chars(s);
    }
    let mut previous = first;
    for &b in bytes {
        if !b.is_ascii() {
            return safe_plain_chars(s);
        }
        let allowed = PLAIN_ASCII.get(usize::from(b)).copied().unwrap_or(false);
        if !allowed || (b == b' ' && previous == b' ') {
            return false;
        }
        previous = b;
    }
    previous != b' ' && !ends_in_a_lone_dash(s)
}

/// Whether `s` ends in ` -`: plain YAML reads it back, but not in a flow
/// list (`[a -]`), where saphyr-parser takes the dash for the start of a
/// scalar cut short by the `]`.
fn ends_in_a_lone_dash(s: &str) -> bool {
    s.ends_with(" -")
}

/// [`allowed_plain`] of each ASCII character, by its code.
// `code` runs below the table's length; `get_mut` is not usable in a const.
#[allow(clippy::indexing_slicing)]
const PLAIN_ASCII: [bool; 128] = {
    let mut table = [false; 128];
    let mut code = 0;
    while code < 128 {
        let c = code as u8;
        table[code] = c.is_ascii_alphanumeric()
            || matches!(
                c,
                b' ' | b'.' | b'_' | b'-' | b'@' | b'/' | b'(' | b')' | b'+' | b'\''
            );
        code += 1;
    }
    table
};

/// [`safe_plain`], character by character.
fn safe_plain_chars(s: &str) -> bool {
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    first.is_alphabetic()
        && !s.ends_with(' ')
        && !s.contains("  ")
        && !ends_in_a_lone_dash(s)
        && s.chars().all(allowed_plain)
}

/// A character a plain string may hold.
fn allowed_plain(c: char) -> bool {
    c.is_alphanumeric()
        || matches!(
            c,
            ' ' | '.' | '_' | '-' | '@' | '/' | '(' | ')' | '+' | '\''
        )
}

/// A boolean, null, number or date literal (an overlay's plain scalar that must
/// stay plain, and a string that must be quoted).
fn literal(s: &str) -> bool {
    matches!(
        s,
        "true" | "false" | "null" | "~" | "True" | "False" | "TRUE" | "FALSE" | "Null" | "NULL"
    ) || number(s)
        || crate::date::parse_date(s).is_some()
}

fn number(s: &str) -> bool {
    let body = s.strip_prefix('-').unwrap_or(s);
    body.starts_with(|c: char| c.is_ascii_digit())
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-' | '_'))
}

/// A file name inside a comment: one line, printable.
fn comment(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_is_cut_into_a_chunk_per_core_within_the_bounds() {
        let cores = rayon::current_num_threads().max(1);
        assert_eq!(chunk_size(CHUNK * cores), CHUNK);
        assert_eq!(chunk_size(CHUNK * cores * 3), CHUNK);
        assert_eq!(chunk_size(1), LEAST_CHUNK);
        let few = LEAST_CHUNK * cores * 3;
        assert_eq!(chunk_size(few), LEAST_CHUNK * 3);
        assert_eq!(few.div_ceil(chunk_size(few)), cores);
    }

    #[test]
    fn an_indent_is_that_many_spaces_after_what_is_written() {
        for n in 0..20 {
            let mut out = String::from("x");
            spaces(&mut out, n);
            assert_eq!(out, format!("x{}", " ".repeat(n)));
        }
    }

    #[test]
    fn the_ascii_table_is_the_character_test() {
        for code in 0u8..128 {
            assert_eq!(
                PLAIN_ASCII.get(usize::from(code)).copied(),
                Some(allowed_plain(char::from(code))),
                "{code}"
            );
        }
    }

    proptest::proptest! {
        /// The byte loop decides as the character test it stands for, on
        /// ASCII text (its own path) and on any text (its fallback).
        #[test]
        fn safe_plain_is_its_character_test(
            ascii in "[ -~]{0,12}",
            names in "[A-Za-z][A-Za-z0-9 ._()'+/@-]{0,10}",
            any in "\\PC{0,8}",
        ) {
            for s in [&ascii, &names, &any] {
                proptest::prop_assert_eq!(safe_plain(s), safe_plain_chars(s), "{:?}", s);
            }
        }

        /// Any string, written as a value, is printable YAML that reads
        /// back as the same string.
        #[test]
        fn any_string_is_written_so_that_it_reads_back(
            s in "(\\PC|[\\x00-\\x1f\\x7f-\\u{9f}\\u{fffe}\\u{ffff}\"\\\\: #'-])*",
        ) {
            let mut text = String::from("key: ");
            push_string(&mut text, &mut Forms::new(), &s);
            text.push('\n');
            proptest::prop_assert_eq!(
                crate::scenario::text_checks::first_control_char(&text),
                None,
                "{}",
                text
            );
            proptest::prop_assert_eq!(read_back(&text), s);
        }
    }

    /// The value of the one key of `text`, as saphyr-parser reads it.
    fn read_back(text: &str) -> String {
        let scalars: Vec<String> = saphyr_parser::Parser::new_from_str(text)
            .filter_map(|e| match e.unwrap().0 {
                saphyr_parser::Event::Scalar(v, ..) => Some(v.into_owned()),
                _ => None,
            })
            .collect();
        scalars.get(1).cloned().unwrap_or_default()
    }

    #[test]
    fn strings_are_quoted_only_when_needed() {
        assert_eq!(string("Adatum Corp"), "Adatum Corp");
        assert_eq!(string("4412345"), "\"4412345\"");
        assert_eq!(string("true"), "\"true\"");
        assert_eq!(string("a: b"), "\"a: b\"");
        assert_eq!(string("x\u{1}"), "\"x\\u0001\"");
        assert_eq!(string(""), "\"\"");
        assert_eq!(string("a  b"), "\"a  b\"");
        assert_eq!(string("a b"), "a b");
        // Read back in a flow list (`[a -]`), saphyr-parser refuses it.
        assert_eq!(string("a -"), "\"a -\"");
        assert_eq!(string("a - b"), "a - b");
    }

    /// A file's writer that fails after `room` bytes.
    struct Full {
        written: Vec<u8>,
        room: usize,
    }

    impl std::io::Write for Full {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let n = buf.len().min(self.room - self.written.len());
            if n == 0 {
                return Err(std::io::Error::other("no room left"));
            }
            self.written.extend_from_slice(&buf[..n]);
            Ok(n)
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// The text streamed into a file, a run of entities at a time with the
    /// runs' buffers reused, is the text written in pieces; a write that
    /// fails is an error, not a shorter file taken for the scenario.
    #[test]
    fn a_text_streamed_is_the_text_written() {
        let subscriptions: Vec<Entity> = (0..3 * CHUNK * rayon::current_num_threads() + 7)
            .map(|n| {
                let mut e = Entity::new(format!("s{n}").into(), None, Arc::from("f"));
                // Entries of different lengths, so that a reused buffer
                // holding a longer one before would show.
                let name = "x".repeat(n % 50);
                e.fields.add("name", Val::Str(name.into()));
                e
            })
            .collect();
        let scenario = Scenario {
            kinds: [vec![], vec![], subscriptions, vec![]],
            ..Scenario::default()
        };
        let sources = ["export".to_string()];
        let joined = write(&scenario, &sources).join();
        let mut streamed = Vec::new();
        let len = stream(&scenario, &sources, &mut streamed).unwrap();
        assert_eq!(len, joined.len());
        assert!(streamed == joined.as_bytes(), "the streamed text differs");
        let mut full = Full {
            written: Vec::new(),
            room: joined.len() / 2,
        };
        let failed = stream(&scenario, &sources, &mut full);
        assert!(failed.is_err(), "{failed:?}");
    }

    /// The text's pieces, written one after the other or joined, are the
    /// text: what `eligo import` writes to standard output, or through a
    /// link, is what it checked.
    #[test]
    fn a_text_written_in_pieces_is_the_text_joined() {
        let scenario = Scenario {
            kinds: [
                vec![],
                vec![Entity::new(
                    "c1".into(),
                    None,
                    Arc::from("export/customers.json"),
                )],
                (0..9000)
                    .map(|n| Entity::new(format!("s{n}").into(), None, Arc::from("f")))
                    .collect(),
                vec![],
            ],
            ..Scenario::default()
        };
        let text = write(&scenario, &["export".to_string()]);
        assert!(text.pieces().len() > 3, "{} pieces", text.pieces().len());
        let joined = text.join();
        assert_eq!(text.len(), joined.len());
        let mut written = Vec::new();
        text.write_to(&mut written).unwrap();
        assert_eq!(written, joined.as_bytes());
        assert!(joined.contains("  # from f\n  - id: s8999\n"), "{joined}");
    }
}
