//! Loads a scenario file into an entity [`Store`], validating it against the schema.
//!
//! One pass over the YAML events builds every table; references are resolved and
//! inverse relations built once at the end. Every problem is collected with its
//! position so a file reports all its errors at once; only a YAML syntax error or
//! a limit stops the pass early.
//!
//! This module reads the file and walks the document; `mapping` loads the keys
//! of an entity or record, `values` checks and stores each value, `scalar`
//! says what a plain scalar means under the YAML 1.2 core schema, `references`
//! resolves ids at the end, and `expect` reads the `expect` block.

use crate::scenario::event::{Event, Style};
use std::borrow::Cow;
use std::collections::HashSet;

use super::error::{ScenarioCode, ScenarioError};
use super::events::{
    control_char_help, control_char_message, flow_limit_message, Events, Limits, StreamError,
    FLOW_LIMIT_HELP,
};
use super::ids::Ids;
use super::positions::pos_at;
use super::store::{Pos, Store, NONE};
use super::text_checks::printable_copy;
use super::Scenario;
use crate::schema::{FieldId, FieldType, Id, KindId, Schema, ROOT};
use crate::source::SourceFile;

mod directive;
mod expect;
mod mapping;
mod references;
pub(crate) mod scalar;
mod values;

use scalar::Scalar;

/// One `expect` entry: a finding the scenario's author expects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expectation {
    /// The rule id.
    pub rule: String,
    /// The subject id.
    pub subject: String,
    /// Where the entry is.
    pub pos: Pos,
    /// Where its rule id is.
    pub rule_pos: Pos,
    /// Where its subject id is.
    pub subject_pos: Pos,
}

/// Options of a load.
#[derive(Clone, Debug)]
pub struct LoadOptions {
    /// Bounds on hostile input.
    pub limits: Limits,
    /// The value of `today` defaults (days since 1970-01-01).
    pub today: i32,
    /// Work units each rule may spend evaluating the scenario (see
    /// `crate::eval::budget`).
    pub max_work: u64,
}

/// Default work units one rule may spend on one scenario file (see
/// `crate::eval::budget`).
pub const DEFAULT_MAX_WORK: u64 = 100_000_000;

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            limits: Limits::default(),
            today: crate::date::today_utc(),
            max_work: DEFAULT_MAX_WORK,
        }
    }
}

/// Reads a scenario file from disk (or a pipe or device named on the command
/// line), checking size while reading, and encoding.
pub fn read_scenario(path: &std::path::Path, limits: &Limits) -> Result<SourceFile, ScenarioError> {
    let name = path.display().to_string();
    let bytes = crate::input::read_path(path, limits.max_file_bytes);
    scenario_source(name, bytes, limits)
}

/// Reads a scenario from standard input, shown in reports as `name`.
pub(crate) fn read_scenario_stdin(
    name: String,
    limits: &Limits,
) -> Result<SourceFile, ScenarioError> {
    let bytes = crate::input::read_stdin(limits.max_file_bytes);
    scenario_source(name, bytes, limits)
}

/// The source of a read, or the scenario error that says why there is none.
pub(crate) fn scenario_source(
    name: String,
    bytes: Result<std::sync::Arc<[u8]>, crate::input::ReadError>,
    limits: &Limits,
) -> Result<SourceFile, ScenarioError> {
    use crate::input::ReadError;
    let bytes = match bytes {
        Ok(bytes) => bytes,
        Err(ReadError::Io(e)) => {
            return Err(ScenarioError::file_level(
                ScenarioCode::Io,
                &name,
                format!("cannot read `{name}`: {e}"),
                Some("check that the path exists and is readable".into()),
            ))
        }
        Err(ReadError::TooLarge { size }) => {
            let size = size.map_or("larger than".to_string(), |s| {
                format!("{s} bytes, more than")
            });
            return Err(ScenarioError::file_level(
                ScenarioCode::SizeLimit,
                &name,
                format!(
                    "`{name}` is {size} the limit of {} bytes",
                    limits.max_file_bytes
                ),
                Some("raise the limit with `--max-file-bytes` if the file is genuine".into()),
            ));
        }
    };
    match crate::source::shared_str(bytes) {
        Ok(text) => Ok(SourceFile::new(name, text)),
        Err(e) => Err(not_utf8(&name, e.valid_up_to())),
    }
}

/// The file for the snippet of a control-character error: its text with every
/// control character shown as `?` (see [`printable_copy`]).
pub(crate) fn printable_source(
    source: &SourceFile,
) -> miette::NamedSource<crate::source::IndexedText> {
    let text: std::sync::Arc<str> = printable_copy(&source.text).into();
    SourceFile::new(source.name.clone(), text).named_source()
}

/// The error of the control character `found` at `pos` of `source`.
fn control_char_error(source: &SourceFile, pos: Pos, found: char) -> ScenarioError {
    ScenarioError {
        code: ScenarioCode::Syntax,
        message: control_char_message(found),
        label: "not allowed in YAML".into(),
        help: Some(control_char_help(found)),
        path: source.name.clone(),
        pos: Some(pos),
        also: None,
        // The snippet must not send the character to the terminal.
        src: Some(printable_source(source)),
    }
}

fn not_utf8(name: &str, at: usize) -> ScenarioError {
    ScenarioError::file_level(
        ScenarioCode::NotUtf8,
        name,
        format!("`{name}` is not UTF-8 text (invalid byte at offset {at})"),
        Some("save the file as UTF-8".into()),
    )
}

/// Makes a source file of bytes, rejecting text that is not UTF-8.
pub fn source_from_bytes(name: String, bytes: Vec<u8>) -> Result<SourceFile, ScenarioError> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(SourceFile::new(name, text)),
        Err(e) => Err(not_utf8(&name, e.utf8_error().valid_up_to())),
    }
}

/// Loads a scenario from a source file.
///
/// `rule_ids` are the loaded rules, against which `expect` entries are checked.
pub fn load_scenario(
    schema: &Schema,
    source: SourceFile,
    rule_ids: &HashSet<String>,
    options: &LoadOptions,
) -> Result<Scenario, Vec<ScenarioError>> {
    load_store(schema, &source, rule_ids, options, Finish::ForUse).map(|(store, expect)| Scenario {
        source,
        store,
        expect,
    })
}

/// The errors of loading `source`, if any, as [`load_scenario`] finds them,
/// for a caller that needs only that verdict (`eligo import`, checking the
/// scenario it wrote): the store is not finished for use (no inverse
/// relations, columns not compacted). It is given back so that the caller
/// decides when its memory is freed.
pub fn validate_scenario(
    schema: &Schema,
    source: &SourceFile,
    rule_ids: &HashSet<String>,
    options: &LoadOptions,
) -> Result<Store, Vec<ScenarioError>> {
    load_store(schema, source, rule_ids, options, Finish::VerdictOnly).map(|(store, _)| store)
}

/// What a load does with a store loaded without errors.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Finish {
    /// Builds its inverse relations and compacts its columns, for rules.
    ForUse,
    /// Nothing: only whether it loaded counts.
    VerdictOnly,
}

/// Loads the store and `expect` block of `source`.
fn load_store(
    schema: &Schema,
    source: &SourceFile,
    rule_ids: &HashSet<String>,
    options: &LoadOptions,
    finish: Finish,
) -> Loaded {
    let text = std::sync::Arc::clone(&source.text);
    // The scope lets a large file be parsed on a second thread while this one
    // loads the events; it ends when loading does.
    let load = |stream: bool| {
        std::thread::scope(|scope| {
            let events = Events::piped(&text, options.limits, scope, stream);
            load_events(schema, events, source, rule_ids, options, finish)
        })
    };
    let (loaded, whole) = load(true);
    // A fast path streamed a text it does not read to the end: what was
    // loaded is dropped (before the second load, so that the two are never
    // held at once), and the text read from its start the way it always was
    // (a dry run of the fast paths, then saphyr-parser), so the result is
    // exactly that way's. Each way is linear, so both together are too.
    if whole {
        loaded
    } else {
        drop(loaded);
        load(false).0
    }
}

/// What a load gives: the store and `expect` block, or the errors.
type Loaded = Result<(Store, Option<Vec<Expectation>>), Vec<ScenarioError>>;

/// Loads the store and `expect` block of `source` from its event stream;
/// also says whether the stream was the whole text's (see [`Events::whole`]:
/// when it was not, the load must be dropped).
fn load_events<'a>(
    schema: &Schema,
    events: Events<'a>,
    source: &'a SourceFile,
    rule_ids: &HashSet<String>,
    options: &'a LoadOptions,
    finish: Finish,
) -> (Loaded, bool) {
    let mut loader = Loader {
        schema,
        events,
        store: Store::with_source(schema, std::sync::Arc::clone(&source.text)),
        errors: Vec::new(),
        source,
        pending: Vec::new(),
        expect: None,
        options,
        recent: vec![(NONE, NONE); schema.kinds.len()],
        ids: Ids::new(schema.kinds.len()),
        deferred_id: None,
        id_index: None,
        suggest_budget: crate::suggest::Budget::for_file_of(source.text.len()),
    };
    let loaded = loader.document();
    loader.record_deferred_id();
    if loaded.is_ok() {
        loader.resolve_references();
        loader.check_expectations(rule_ids);
    }
    // The id index goes here, before the inverse relations are built: it is
    // only needed while loading, and dropping it first keeps the two apart.
    let Loader {
        store,
        errors,
        expect,
        events,
        ..
    } = loader;
    let ending = events.ending();
    if let Some((offset, found)) = ending.control {
        // What a text parsed on this thread gives: the one error, before
        // any event (see `Events::ending`).
        let pos = pos_at(&source.text, offset, found.len_utf8());
        return (Err(vec![control_char_error(source, pos, found)]), true);
    }
    if !ending.whole {
        return (Err(errors), false);
    }
    if errors.is_empty() {
        let mut store = store;
        if finish == Finish::ForUse {
            super::relations::build_inverses(schema, &mut store);
            store.shrink_to_fit();
        }
        (Ok((store, expect)), true)
    } else {
        (Err(errors), true)
    }
}

/// An entity's id, read and not yet recorded in the id index.
#[derive(Clone, Copy)]
struct DeferredId {
    kind: KindId,
    row: u32,
    cell: u32,
    pos: Pos,
    tag: super::ids::Tag,
}

/// Where a reference's row goes once its id is known.
enum Target {
    Cell(KindId, FieldId, u32),
    Pool(usize),
}

struct PendingRef<'a> {
    target: Target,
    kind: KindId,
    name: Cow<'a, str>,
    pos: Pos,
}

struct Loader<'a, 's> {
    schema: &'s Schema,
    events: Events<'a>,
    store: Store,
    errors: Vec<ScenarioError>,
    source: &'a SourceFile,
    pending: Vec<PendingRef<'a>>,
    expect: Option<Vec<Expectation>>,
    options: &'a LoadOptions,
    /// Per kind, the id cell and row of the last reference resolved.
    recent: Vec<(u32, u32)>,
    /// Every id read so far.
    ids: Ids,
    /// The last id read, until it is recorded in `ids` (see
    /// [`Loader::register_id`]).
    deferred_id: Option<DeferredId>,
    /// The ids sorted, for suggestions, once an unknown id needs them.
    id_index: Option<references::IdIndex>,
    /// Comparisons of names with ids left for "did you mean" suggestions.
    suggest_budget: crate::suggest::Budget,
}

/// The load stopped: a syntax error or a limit, already recorded.
struct Stop;

type Step<T> = Result<T, Stop>;

impl<'a> Loader<'a, '_> {
    // ---- errors ----------------------------------------------------------

    fn error(
        &mut self,
        code: ScenarioCode,
        pos: Pos,
        message: String,
        label: String,
        help: Option<String>,
    ) {
        // A duplicate id read before this error is reported before it.
        self.record_deferred_id();
        self.errors.push(ScenarioError {
            code,
            message,
            label,
            help,
            path: self.source.name.clone(),
            pos: Some(pos),
            also: None,
            src: Some(self.source.named_source()),
        });
    }

    fn stream_error(&mut self, e: StreamError) -> Stop {
        let limits = self.options.limits;
        match e {
            StreamError::Syntax { pos, info } => self.error(
                ScenarioCode::Syntax,
                pos,
                format!("invalid YAML: {info}"),
                "the YAML parser stopped here".into(),
                Some("check the indentation and the quoting around this place".into()),
            ),
            StreamError::ControlChar { pos, found } => {
                self.errors
                    .push(control_char_error(self.source, pos, found));
            }
            StreamError::AliasLimit(pos, bound) => self.error(
                ScenarioCode::AliasLimit,
                pos,
                bound.message(),
                "expansion limit reached here".into(),
                Some(format!(
                    "write the values out instead of nesting aliases, or raise `{}`",
                    bound.flag()
                )),
            ),
            StreamError::DepthLimit(pos) => self.error(
                ScenarioCode::DepthLimit,
                pos,
                format!("nesting deeper than {} levels", limits.max_depth),
                "too deep".into(),
                Some(
                    "scenario files need only a few levels; raise `--max-depth` if this is genuine"
                        .into(),
                ),
            ),
            StreamError::FlowLimit(pos) => self.error(
                ScenarioCode::FlowLimit,
                pos,
                flow_limit_message(),
                "limit reached here".into(),
                Some(FLOW_LIMIT_HELP.into()),
            ),
        }
        Stop
    }

    fn next(&mut self) -> Step<(Event<'a>, Pos)> {
        self.events
            .next_positioned()
            .map_err(|e| self.stream_error(*e))
    }

    // ---- document --------------------------------------------------------

    fn document(&mut self) -> Step<()> {
        let mut saw_document = false;
        loop {
            let (event, pos) = self.next()?;
            match event {
                Event::StreamStart | Event::Nothing => {}
                Event::DocumentStart(_) if saw_document => {
                    self.error(
                        ScenarioCode::MultipleDocuments,
                        Pos { len: 3, ..pos },
                        "a scenario file holds one YAML document; this is a second".into(),
                        "second document starts here".into(),
                        Some("split the documents into separate files".into()),
                    );
                    return Err(Stop);
                }
                Event::DocumentStart(_) => {
                    saw_document = true;
                    self.check_yaml_version(pos.offset as usize)?;
                    self.root()?;
                }
                Event::DocumentEnd => {}
                Event::StreamEnd if !saw_document => {
                    self.errors.push(ScenarioError::file_level(
                        ScenarioCode::Empty,
                        &self.source.name,
                        format!("`{}` holds no scenario", self.source.name),
                        Some("a scenario is a mapping with at least one of its collections, e.g. `subscriptions: []`".into()),
                    ));
                    return Err(Stop);
                }
                Event::StreamEnd => return Ok(()),
                _ => {}
            }
        }
    }

    /// Rejects a `%YAML` directive (before the document, at `start`) of a
    /// version other than 1.0 to 1.2: the parser reads every document as
    /// YAML 1.2 and would otherwise take another version silently.
    fn check_yaml_version(&mut self, start: usize) -> Step<()> {
        let text = std::sync::Arc::clone(&self.source.text);
        let Some((offset, version)) = directive::unsupported_version(&text, start) else {
            return Ok(());
        };
        let (line, column) = crate::source::line_col(&text, offset);
        let pos = Pos {
            line: line as u32,
            column: column as u32,
            offset: offset as u32,
            len: version.len().max(1) as u32,
        };
        self.error(
            ScenarioCode::Syntax,
            pos,
            format!("unsupported YAML version `{version}`"),
            "eligo reads YAML 1.2".into(),
            Some("remove the `%YAML` line, or write `%YAML 1.2`".into()),
        );
        Err(Stop)
    }

    fn root(&mut self) -> Step<()> {
        let (event, pos) = self.next()?;
        match event {
            Event::MappingStart(..) => {
                let row = self.store.push_row(ROOT, pos);
                let seen = self.mapping(ROOT, row, pos)?;
                self.require_a_collection(seen, pos);
                Ok(())
            }
            Event::Scalar(text, style, ..)
                if style == Style::Plain && matches!(text.as_ref(), "" | "~" | "null") =>
            {
                self.errors.push(ScenarioError::file_level(
                    ScenarioCode::Empty,
                    &self.source.name,
                    format!("`{}` holds no scenario", self.source.name),
                    Some("a scenario is a mapping with at least one of its collections, e.g. `subscriptions: []`".into()),
                ));
                Err(Stop)
            }
            other => {
                let found = self.describe_event(&other);
                self.error(
                    ScenarioCode::WrongType,
                    Pos {
                        len: pos.len.max(1),
                        ..pos
                    },
                    format!("the scenario root must be a mapping, found {found}"),
                    "expected a mapping here".into(),
                    Some(format!(
                        "start the file with keys such as {}",
                        self.collection_list()
                    )),
                );
                self.skip(&other)
            }
        }
    }

    fn collection_list(&self) -> String {
        let names: Vec<String> = self
            .schema
            .kinds
            .iter()
            .filter_map(|k| k.collection.as_ref().map(|c| format!("`{c}:`")))
            .collect();
        names.join(", ")
    }

    fn require_a_collection(&mut self, seen: u64, pos: Pos) {
        let root = self.schema.root();
        let any = root
            .fields
            .iter_enumerated()
            .any(|(i, f)| seen & (1 << i.index()) != 0 && matches!(f.ty, FieldType::List(ref inner) if matches!(**inner, FieldType::Own(_))));
        if !any {
            let list = self.collection_list();
            self.error(
                ScenarioCode::NoCollections,
                Pos {
                    len: pos.len.max(1),
                    ..pos
                },
                "the scenario lists nothing to check".into(),
                "no collection in this mapping".into(),
                Some(format!("add at least one of {list} (an empty list counts)")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every YAML file under `dir`, sorted.
    fn yaml_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                yaml_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "yaml") {
                out.push(path);
            }
        }
    }

    /// What a caller sees of a load: whether it passed, and every error.
    fn outcome<T>(result: Result<T, Vec<ScenarioError>>) -> Result<(), Vec<String>> {
        result.map(drop).map_err(|errors| {
            errors
                .iter()
                .map(|e| format!("{:?} {} {:?}", e.code, e.message, e.pos))
                .collect()
        })
    }

    /// The import checks what it wrote with [`validate_scenario`]: it must
    /// pass and fail on the same files, with the same errors, as
    /// [`load_scenario`], which finishes the store it skips finishing.
    #[test]
    fn validating_gives_the_verdict_and_errors_of_a_load() {
        let program = crate::lang::load_program(crate::default_rule_sources()).unwrap();
        let ids = program.rule_ids();
        let options = LoadOptions::default();
        let mut files = Vec::new();
        yaml_files(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
            &mut files,
        );
        let (mut passed, mut failed) = (0, 0);
        for path in files {
            // A fixture that is not UTF-8 never reaches a load.
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let source = SourceFile::new(path.display().to_string(), text);
            let loaded = outcome(load_scenario(
                &program.schema,
                source.clone(),
                &ids,
                &options,
            ));
            let validated = outcome(validate_scenario(&program.schema, &source, &ids, &options));
            match &loaded {
                Ok(()) => passed += 1,
                Err(_) => failed += 1,
            }
            assert_eq!(validated, loaded, "{}", path.display());
        }
        // Both kinds were compared.
        assert!(
            passed > 50 && failed > 10,
            "{passed} passed, {failed} failed"
        );
    }
}
