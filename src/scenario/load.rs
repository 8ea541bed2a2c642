//! Loads a scenario file into an entity [`Store`], validating it against the schema.
//!
//! One pass over the YAML events builds every table; references are resolved and
//! inverse relations built once at the end. Every problem is collected with its
//! position so a file reports all its errors at once; only a YAML syntax error or
//! a limit stops the pass early.

use saphyr_parser::{Event, ScalarStyle};
use std::borrow::Cow;
use std::collections::HashSet;

use super::error::{ScenarioCode, ScenarioError};
use super::events::{Events, Limits, StreamError};
use super::store::{date_cell, Pos, Store, NONE, PENDING};
use super::Scenario;
use crate::date::parse_date;
use crate::schema::{DefaultValue, FieldId, FieldType, KindId, Prim, Schema, ROOT};
use crate::source::SourceFile;
use crate::suggest::did_you_mean;

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
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            limits: Limits::default(),
            today: crate::date::today_utc(),
        }
    }
}

/// Reads a scenario file from disk, checking size and encoding.
pub fn read_scenario(path: &std::path::Path, limits: &Limits) -> Result<SourceFile, ScenarioError> {
    let name = path.display().to_string();
    let io_error = |e: std::io::Error| {
        ScenarioError::file_level(
            ScenarioCode::Io,
            &name,
            format!("cannot read `{name}`: {e}"),
            Some("check that the path exists and is readable".into()),
        )
    };
    let size = std::fs::metadata(path).map_err(io_error)?.len();
    if size > limits.max_file_bytes as u64 {
        return Err(ScenarioError::file_level(
            ScenarioCode::SizeLimit,
            &name,
            format!(
                "`{name}` is {size} bytes, more than the limit of {} bytes",
                limits.max_file_bytes
            ),
            Some("raise the limit with `--max-file-bytes` if the file is genuine".into()),
        ));
    }
    let bytes = crate::source::read_shared(path).map_err(io_error)?;
    match crate::source::shared_str(bytes) {
        Ok(text) => Ok(SourceFile::new(name, text)),
        Err(e) => Err(not_utf8(&name, e.valid_up_to())),
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
    let text = std::sync::Arc::clone(&source.text);
    // The scope lets a large file be parsed on a second thread while this one
    // loads the events; it ends when loading does.
    let loaded = std::thread::scope(|scope| {
        let events = Events::piped(&text, options.limits, scope);
        load_events(schema, events, &source, rule_ids, options)
    });
    loaded.map(|(store, expect)| Scenario {
        source,
        store,
        expect,
    })
}

/// Loads the store and `expect` block of `source` from its event stream.
fn load_events<'a>(
    schema: &Schema,
    events: Events<'a>,
    source: &'a SourceFile,
    rule_ids: &HashSet<String>,
    options: &'a LoadOptions,
) -> Result<(Store, Option<Vec<Expectation>>), Vec<ScenarioError>> {
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
    };
    let loaded = loader.document();
    if loaded.is_ok() {
        loader.resolve_references();
        loader.check_expectations(rule_ids);
    }
    let Loader {
        store,
        errors,
        expect,
        ..
    } = loader;
    if errors.is_empty() {
        let mut store = store;
        super::relations::build_inverses(schema, &mut store);
        store.shrink_to_fit();
        Ok((store, expect))
    } else {
        Err(errors)
    }
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

/// A scalar as the parser gives it.
struct Scalar<'a> {
    text: Cow<'a, str>,
    style: ScalarStyle,
    /// `!!str` forces a string.
    tagged_str: bool,
    pos: Pos,
}

impl Scalar<'_> {
    fn plain(&self) -> bool {
        self.style == ScalarStyle::Plain && !self.tagged_str
    }

    fn is_null(&self) -> bool {
        self.plain() && matches!(self.text.as_ref(), "" | "~" | "null" | "Null" | "NULL")
    }

    /// What a plain scalar means under the YAML 1.2 core schema, for messages.
    fn core_kind(&self) -> Option<&'static str> {
        if !self.plain() {
            return None;
        }
        let t = self.text.as_ref();
        // Most strings start with a letter that no null, boolean or number can
        // start with (numbers start with a digit, a sign or a dot).
        if t.bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic() && !b"nNtTfF".contains(&b))
        {
            return None;
        }
        if self.is_null() {
            Some("null")
        } else if matches!(t, "true" | "True" | "TRUE" | "false" | "False" | "FALSE") {
            Some("a boolean")
        } else if core_int(t).is_some() || core_float(t).is_some() {
            Some("a number")
        } else {
            None
        }
    }
}

fn core_int(t: &str) -> Option<i64> {
    let digits = t.strip_prefix('+').unwrap_or(t);
    if let Some(oct) = digits.strip_prefix("0o") {
        return i64::from_str_radix(oct, 8).ok();
    }
    if let Some(hex) = digits.strip_prefix("0x") {
        return i64::from_str_radix(hex, 16).ok();
    }
    let body = digits.strip_prefix('-').unwrap_or(digits);
    if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn core_float(t: &str) -> Option<f64> {
    let body = t.trim_start_matches(['+', '-']);
    match body {
        ".inf" | ".Inf" | ".INF" => {
            return Some(if t.starts_with('-') {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            })
        }
        ".nan" | ".NaN" | ".NAN" => return Some(f64::NAN),
        _ => {}
    }
    let valid = !body.is_empty()
        && body
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
        && body
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_digit() || b == b'.');
    if valid {
        t.parse().ok()
    } else {
        None
    }
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
            StreamError::AliasLimit(pos) => self.error(
                ScenarioCode::AliasLimit,
                pos,
                format!("aliases expand to more than {} values", limits.max_alias_events),
                "expansion limit reached here".into(),
                Some("write the values out instead of nesting aliases, or raise `--max-alias-events`".into()),
            ),
            StreamError::DepthLimit(pos) => self.error(
                ScenarioCode::DepthLimit,
                pos,
                format!("nesting deeper than {} levels", limits.max_depth),
                "too deep".into(),
                Some("scenario files need only a few levels; raise `--max-depth` if this is genuine".into()),
            ),
        }
        Stop
    }

    fn next(&mut self) -> Step<(Event<'a>, Pos)> {
        self.events
            .next_with_pos()
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
                if style == ScalarStyle::Plain && matches!(text.as_ref(), "" | "~" | "null") =>
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
            .iter()
            .enumerate()
            .any(|(i, f)| seen & (1 << i) != 0 && matches!(f.ty, FieldType::List(ref inner) if matches!(**inner, FieldType::Own(_))));
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

    // ---- mappings --------------------------------------------------------

    /// Loads the keys of a mapping (its `MappingStart` already read) into `row`.
    /// Returns the mask of fields seen.
    fn mapping(&mut self, kind: KindId, row: u32, start: Pos) -> Step<u64> {
        let mut seen: u64 = 0;
        let mut first_key = true;
        let mut next_guess: FieldId = 0;
        loop {
            let (event, key_pos) = self.next()?;
            let key = match event {
                Event::MappingEnd => break,
                Event::Scalar(text, ..) => text,
                other => {
                    self.error(
                        ScenarioCode::WrongType,
                        key_pos,
                        "keys must be plain names".into(),
                        "complex key".into(),
                        None,
                    );
                    self.skip(&other)?;
                    self.skip_next()?;
                    continue;
                }
            };
            if first_key && kind != ROOT {
                // An entry is shown at its first key: `- id: sub-1` points at `id`.
                if let Some(slot) = self.store.table_mut(kind).pos.get_mut(row as usize) {
                    *slot = key_pos;
                }
            }
            first_key = false;
            if kind == ROOT && key == "expect" {
                self.expect_block()?;
                continue;
            }
            let Some(field) = self.field_named(kind, &key, next_guess) else {
                self.unknown_key(kind, &key, key_pos);
                self.skip_next()?;
                continue;
            };
            if seen & (1 << field) != 0 {
                self.error(
                    ScenarioCode::DuplicateKey,
                    key_pos,
                    format!("`{key}` is given twice in one mapping"),
                    "second `".to_string() + &key + "` here",
                    Some("keep one of the two; YAML mappings cannot repeat a key".into()),
                );
                self.skip_next()?;
                continue;
            }
            seen |= 1 << field;
            next_guess = field + 1;
            self.field_value(kind, field, row, key_pos)?;
        }
        self.fill_absent(kind, row, seen, start);
        Ok(seen)
    }

    /// The field a key names (computed fields cannot be given). Keys are
    /// usually written in declaration order, so the field after the previous
    /// key is tried first, before the kind's name index.
    fn field_named(&self, kind: KindId, key: &str, guess: FieldId) -> Option<FieldId> {
        let fields = &self.schema.kind(kind).fields;
        let field = match fields.get(guess) {
            Some(f) if f.name == key => Some(guess),
            _ => self.schema.kind(kind).field(key),
        };
        field.filter(|&f| fields.get(f).is_some_and(|d| !d.ty.is_computed()))
    }

    fn unknown_key(&mut self, kind: KindId, key: &str, pos: Pos) {
        let k = &self.schema.kind(kind);
        let mut names: Vec<&str> = k
            .fields
            .iter()
            .filter(|f| !f.ty.is_computed())
            .map(|f| f.name.as_str())
            .collect();
        if kind == ROOT {
            names.push("expect");
        }
        let help = did_you_mean(key, names.iter().copied());
        let place = if kind == ROOT {
            "the scenario root".to_string()
        } else {
            format!("{} `{}`", article(&k.name), k.name)
        };
        self.error(
            ScenarioCode::UnknownField,
            pos,
            format!("unknown field `{key}` in {place}"),
            "unknown field".into(),
            help,
        );
    }

    /// Applies defaults and reports missing required fields.
    fn fill_absent(&mut self, kind: KindId, row: u32, seen: u64, start: Pos) {
        let schema = self.schema;
        for (id, field) in schema.kind(kind).fields.iter().enumerate() {
            if seen & (1 << id) != 0 || field.ty.is_computed() {
                continue;
            }
            if let Some(default) = &field.default {
                let cell = self.default_cell(default);
                self.store.set(kind, id, row, cell);
            } else if !field.optional {
                let entry = self.store.pos(kind, row);
                let pos = if kind == ROOT { start } else { entry };
                self.missing(kind, id, pos);
            }
        }
        self.check_required_ifs(kind, row, start);
    }

    /// Reports fields that are required because a sibling has a given value.
    fn check_required_ifs(&mut self, kind: KindId, row: u32, start: Pos) {
        let schema = self.schema;
        let k = &schema.kind(kind);
        for (id, field) in k.fields.iter().enumerate() {
            let Some((sibling, value)) = field.required_if else {
                continue;
            };
            if self.store.cell(kind, id, row) != NONE
                || self.store.cell(kind, sibling, row) != value
            {
                continue;
            }
            let sibling_field = &k.field_decl(sibling);
            let FieldType::Enum(en) = sibling_field.ty else {
                continue;
            };
            let value_name = schema
                .enum_decl(en)
                .variants
                .get(value as usize)
                .map_or("", String::as_str);
            let entry = if kind == ROOT {
                start
            } else {
                self.store.pos(kind, row)
            };
            let ty = schema.type_name(&field.ty);
            self.error(
                ScenarioCode::MissingField,
                Pos {
                    len: entry.len.max(1),
                    ..entry
                },
                format!(
                    "missing field `{}` in {} `{}`: it is required when `{}` is `{value_name}`",
                    field.name,
                    article(&k.name),
                    k.name,
                    sibling_field.name
                ),
                format!("this `{}` has no `{}`", k.name, field.name),
                Some(format!("add `{}:` with {ty}", field.name)),
            );
        }
    }

    fn missing(&mut self, kind: KindId, field: FieldId, pos: Pos) {
        let k = &self.schema.kind(kind);
        let f = &k.field_decl(field);
        let ty = self.schema.type_name(&f.ty);
        self.error(
            ScenarioCode::MissingField,
            Pos {
                len: pos.len.max(1),
                ..pos
            },
            format!(
                "missing field `{}` in {} `{}`",
                f.name,
                article(&k.name),
                k.name
            ),
            format!("this `{}` has no `{}`", k.name, f.name),
            Some(format!("add `{}:` with {ty}", f.name)),
        );
    }

    fn default_cell(&mut self, default: &DefaultValue) -> u32 {
        match default {
            DefaultValue::Bool(b) => u32::from(*b),
            DefaultValue::Int(i) => self.store.push_int(*i),
            DefaultValue::Num(n) => self.store.push_num(*n),
            DefaultValue::Str(s) => self.store.push_str(s),
            DefaultValue::Date(d) => date_cell(*d),
            DefaultValue::Today => date_cell(self.options.today),
            DefaultValue::Enum(v) => *v,
            DefaultValue::EmptyList => self.store.empty_list(),
        }
    }

    // ---- values ----------------------------------------------------------

    fn field_value(&mut self, kind: KindId, field: FieldId, row: u32, key_pos: Pos) -> Step<()> {
        let (event, pos) = self.next()?;
        let schema = self.schema;
        let ty = &schema.kind(kind).field_decl(field).ty;
        match (ty, event) {
            (_, Event::Scalar(text, style, _, tag)) => {
                let scalar = Scalar {
                    tagged_str: is_str_tag(tag.as_deref()),
                    text,
                    style,
                    pos,
                };
                if scalar.is_null() {
                    return self.null_value(kind, field, row, key_pos);
                }
                if let FieldType::List(_) = ty {
                    self.wrong_type(
                        ty,
                        &self.describe_scalar(&scalar),
                        pos,
                        Some("write it as a list: `[a, b]`".into()),
                    );
                    return Ok(());
                }
                if let FieldType::Own(_) = ty {
                    self.wrong_type(ty, &self.describe_scalar(&scalar), pos, None);
                    return Ok(());
                }
                let min = self.schema.kind(kind).field_decl(field).min;
                if let Some(cell) =
                    self.scalar_cell(ty, &scalar, Target::Cell(kind, field, row), min)
                {
                    self.store.set(kind, field, row, cell);
                    if *ty == FieldType::Prim(Prim::Id) {
                        self.register_id(kind, row, cell, scalar.pos);
                    }
                }
                Ok(())
            }
            (FieldType::Own(child), Event::MappingStart(..)) => {
                let child_row = self.record(*child, row, pos)?;
                self.store.set(kind, field, row, child_row);
                Ok(())
            }
            (FieldType::List(inner), Event::SequenceStart(..)) => {
                let cell = self.list(kind, field, inner, row, pos)?;
                self.store.set(kind, field, row, cell);
                Ok(())
            }
            (_, other) => {
                let found = self.describe_event(&other);
                self.wrong_type(ty, &found, Pos { len: 1, ..pos }, None);
                self.skip(&other)
            }
        }
    }

    fn null_value(&mut self, kind: KindId, field: FieldId, row: u32, key_pos: Pos) -> Step<()> {
        let f = &self.schema.kind(kind).field_decl(field);
        if let Some(default) = f.default.clone() {
            let cell = self.default_cell(&default);
            self.store.set(kind, field, row, cell);
        } else if !f.optional {
            let k = &self.schema.kind(kind);
            let ty = self.schema.type_name(&f.ty);
            self.error(
                ScenarioCode::MissingField,
                key_pos,
                format!("`{}` has no value", f.name),
                format!("{} `{}` needs a `{}`", article(&k.name), k.name, f.name),
                Some(format!("give `{}` {ty}", f.name)),
            );
        }
        Ok(())
    }

    /// Loads a nested record mapping (its `MappingStart` read) and returns its row.
    fn record(&mut self, child: KindId, parent_row: u32, pos: Pos) -> Step<u32> {
        let row = self.store.push_row(child, pos);
        if let Some(parent_field) = self
            .schema
            .kind(child)
            .fields
            .iter()
            .position(|f| matches!(f.ty, FieldType::Parent(_)))
        {
            self.store.set(child, parent_field, row, parent_row);
        }
        self.mapping(child, row, pos)?;
        Ok(row)
    }

    /// Loads a sequence (its `SequenceStart` read) and returns the list cell.
    fn list(
        &mut self,
        kind: KindId,
        field: FieldId,
        inner: &FieldType,
        row: u32,
        pos: Pos,
    ) -> Step<u32> {
        let (start, count) = match inner {
            FieldType::Own(child) => self.record_list(*child, row)?,
            _ => self.value_list(inner)?,
        };
        let f = &self.schema.kind(kind).field_decl(field);
        if f.nonempty && count == 0 {
            let name = f.name.clone();
            self.error(
                ScenarioCode::EmptyList,
                Pos {
                    len: pos.len.max(2),
                    ..pos
                },
                format!("`{name}` must not be empty"),
                "empty list".into(),
                Some(format!("list at least one element under `{name}`")),
            );
        }
        Ok(self.store.push_list(start, count))
    }

    fn record_list(&mut self, child: KindId, parent_row: u32) -> Step<(u32, u32)> {
        let start = self.store.table(child).len() as u32;
        loop {
            let (event, pos) = self.next()?;
            match event {
                Event::SequenceEnd => break,
                Event::MappingStart(..) => {
                    self.record(child, parent_row, pos)?;
                }
                other => {
                    let found = self.describe_event(&other);
                    let ty = FieldType::Own(child);
                    self.wrong_type(
                        &ty,
                        &found,
                        Pos {
                            len: pos.len.max(1),
                            ..pos
                        },
                        None,
                    );
                    self.skip(&other)?;
                }
            }
        }
        let end = self.store.table(child).len() as u32;
        Ok((start, end - start))
    }

    fn value_list(&mut self, inner: &FieldType) -> Step<(u32, u32)> {
        let start = self.store.pool.len() as u32;
        loop {
            let (event, pos) = self.next()?;
            match event {
                Event::SequenceEnd => break,
                Event::Scalar(text, style, _, tag) => {
                    let scalar = Scalar {
                        tagged_str: is_str_tag(tag.as_deref()),
                        text,
                        style,
                        pos,
                    };
                    let slot = self.store.pool.len();
                    if let Some(cell) = self.scalar_cell(inner, &scalar, Target::Pool(slot), None) {
                        self.store.pool.push(cell);
                    }
                }
                other => {
                    let found = self.describe_event(&other);
                    self.wrong_type(inner, &found, Pos { len: 1, ..pos }, None);
                    self.skip(&other)?;
                }
            }
        }
        Ok((start, self.store.pool.len() as u32 - start))
    }

    /// The cell of a scalar of type `ty`, or `None` after recording an error.
    fn scalar_cell(
        &mut self,
        ty: &FieldType,
        s: &Scalar<'a>,
        target: Target,
        min: Option<f64>,
    ) -> Option<u32> {
        if s.text.len() > self.options.limits.max_string_bytes {
            self.error(
                ScenarioCode::SizeLimit,
                s.pos,
                format!(
                    "a value of {} bytes is longer than the limit of {}",
                    s.text.len(),
                    self.options.limits.max_string_bytes
                ),
                "too long".into(),
                Some("raise `--max-string-bytes` if the value is genuine".into()),
            );
            return None;
        }
        match ty {
            FieldType::Prim(prim) => self.prim_cell(*prim, s, min),
            FieldType::Enum(e) => self.enum_cell(*e, s),
            FieldType::Ref(kind) => {
                if let Some(what) = s.core_kind() {
                    self.string_expected(ty, s, what);
                    return None;
                }
                // Most references name an entity written above them: resolve
                // those at once, so only forward references (and errors, which
                // are reported at the end in file order) wait in `pending`.
                if let Some(row) = self.resolve_now(*kind, &s.text) {
                    return Some(row);
                }
                self.pending.push(PendingRef {
                    target,
                    kind: *kind,
                    name: s.text.clone(),
                    pos: s.pos,
                });
                Some(PENDING)
            }
            _ => {
                let found = self.describe_scalar(s);
                self.wrong_type(ty, &found, s.pos, None);
                None
            }
        }
    }

    fn prim_cell(&mut self, prim: Prim, s: &Scalar<'a>, min: Option<f64>) -> Option<u32> {
        let ty = FieldType::Prim(prim);
        match prim {
            Prim::Str { .. } | Prim::Id => {
                if let Some(what) = s.core_kind() {
                    self.string_expected(&ty, s, what);
                    return None;
                }
                if prim == Prim::Id && s.text.trim().is_empty() {
                    self.wrong_type(
                        &ty,
                        "an empty string",
                        s.pos,
                        Some("give every entity a non-empty id".into()),
                    );
                    return None;
                }
                Some(self.string_cell(s))
            }
            Prim::Bool => match (s.plain(), s.text.as_ref()) {
                (true, "true" | "True" | "TRUE") => Some(1),
                (true, "false" | "False" | "FALSE") => Some(0),
                _ => {
                    let help = if s.plain()
                        && matches!(
                            s.text.to_ascii_lowercase().as_str(),
                            "yes" | "no" | "on" | "off" | "y" | "n"
                        ) {
                        Some(format!(
                            "YAML 1.2 reads `{}` as text; write `true` or `false`",
                            s.text
                        ))
                    } else {
                        Some("write `true` or `false`".into())
                    };
                    let found = self.describe_scalar(s);
                    self.wrong_type(&ty, &found, s.pos, help);
                    None
                }
            },
            Prim::Int => match s.plain().then(|| core_int(&s.text)).flatten() {
                Some(v) => self
                    .check_min(v as f64, min, s)
                    .then(|| self.store.push_int(v)),
                None => {
                    let found = self.describe_scalar(s);
                    let help = (!s.plain() && core_int(&s.text).is_some())
                        .then(|| "remove the quotes".to_string());
                    self.wrong_type(&ty, &found, s.pos, help);
                    None
                }
            },
            Prim::Num => match s
                .plain()
                .then(|| core_float(&s.text).or_else(|| core_int(&s.text).map(|i| i as f64)))
                .flatten()
            {
                Some(v) if v.is_finite() => {
                    self.check_min(v, min, s).then(|| self.store.push_num(v))
                }
                _ => {
                    let found = self.describe_scalar(s);
                    self.wrong_type(&ty, &found, s.pos, None);
                    None
                }
            },
            Prim::Date => match parse_date(&s.text) {
                Some(days) => Some(date_cell(days)),
                None => {
                    let shape_ok = s.text.len() == 10 && s.text.as_bytes().get(4) == Some(&b'-');
                    let (message, help) = if shape_ok {
                        (
                            format!("`{}` is not a date that exists", s.text),
                            "check the month and the day".to_string(),
                        )
                    } else {
                        (
                            format!("`{}` is not a date in the form YYYY-MM-DD", s.text),
                            "write dates as YYYY-MM-DD, e.g. `2026-11-20`".to_string(),
                        )
                    };
                    self.error(
                        ScenarioCode::InvalidDate,
                        s.pos,
                        message,
                        "invalid date".into(),
                        Some(help),
                    );
                    None
                }
            },
        }
    }

    /// Whether `value` respects the field's `min`; reports it when not.
    fn check_min(&mut self, value: f64, min: Option<f64>, s: &Scalar<'a>) -> bool {
        match min {
            Some(min) if value < min => {
                self.error(
                    ScenarioCode::OutOfRange,
                    s.pos,
                    format!("`{}` is below the smallest allowed value, {min}", s.text),
                    "out of range".into(),
                    Some(format!("give a value of {min} or more")),
                );
                false
            }
            _ => true,
        }
    }

    fn enum_cell(&mut self, e: usize, s: &Scalar<'a>) -> Option<u32> {
        let decl = &self.schema.enum_decl(e);
        if let Some(v) = decl.variant(&s.text) {
            return Some(v);
        }
        let help = did_you_mean(&s.text, decl.variants.iter().map(String::as_str));
        self.error(
            ScenarioCode::InvalidEnum,
            s.pos,
            format!("`{}` is not a valid `{}`", s.text, decl.name),
            "invalid value".into(),
            help,
        );
        None
    }

    /// The row of the `kind` entity named `id` if it is already known. The
    /// last hit per kind is remembered: consecutive entries mostly name the
    /// same customer and partner, and a string compare is cheaper than a hash
    /// lookup (whose table is far larger than the cache at a million ids).
    fn resolve_now(&mut self, kind: KindId, id: &str) -> Option<u32> {
        if let Some(&(cell, row)) = self.recent.get(kind) {
            if cell != NONE && self.store.str(cell) == id {
                return Some(row);
            }
        }
        let (k, row, cell) = self.store.find_id_cell(id)?;
        if k != kind {
            return None;
        }
        if let Some(slot) = self.recent.get_mut(kind) {
            *slot = (cell, row);
        }
        Some(row)
    }

    /// The cell of a string value: a range of the source when the scalar is
    /// written verbatim there (plain and single-line, the usual case), else a copy.
    fn string_cell(&mut self, s: &Scalar<'a>) -> u32 {
        let plain = s.style == ScalarStyle::Plain;
        self.store
            .push_scalar_str(&s.text, s.pos.offset, s.pos.len, plain)
    }

    /// Records an entity's id, reporting one used before anywhere in the file.
    fn register_id(&mut self, kind: KindId, row: u32, cell: u32, pos: Pos) {
        if let Some((other_kind, other_row)) = self.store.insert_id(cell, kind, row) {
            let id = self.store.str(cell);
            let first = self.store.pos(other_kind, other_row);
            let other = &self.schema.kind(other_kind).name;
            let message = format!(
                "id `{id}` is already used by a `{other}` at line {}",
                first.line
            );
            self.error(
                ScenarioCode::DuplicateId,
                pos,
                message,
                "second use here".into(),
                Some("ids must be unique across the whole file; rename one of the two".into()),
            );
            if let Some(last) = self.errors.last_mut() {
                last.also = Some(("first used here".into(), first));
            }
        }
    }

    fn string_expected(&mut self, ty: &FieldType, s: &Scalar<'a>, what: &str) {
        let found = format!("{what} `{}`", s.text);
        let help = Some(format!("quote it to make it a string: `\"{}\"`", s.text));
        self.wrong_type(ty, &found, s.pos, help);
    }

    fn wrong_type(&mut self, ty: &FieldType, found: &str, pos: Pos, help: Option<String>) {
        let expected = self.schema.type_name(ty);
        self.error(
            ScenarioCode::WrongType,
            pos,
            format!("expected {expected}, found {found}"),
            format!("expected {expected}"),
            help,
        );
    }

    fn describe_scalar(&self, s: &Scalar<'a>) -> String {
        match s.core_kind() {
            Some(kind) => format!("{kind} `{}`", s.text),
            None => format!("`{}`", s.text),
        }
    }

    fn describe_event(&self, event: &Event<'a>) -> String {
        match event {
            Event::MappingStart(..) => "a mapping".into(),
            Event::SequenceStart(..) => "a list".into(),
            Event::Scalar(text, style, _, tag) => self.describe_scalar(&Scalar {
                text: text.clone(),
                style: *style,
                tagged_str: is_str_tag(tag.as_deref()),
                pos: Pos::default(),
            }),
            _ => "nothing".into(),
        }
    }

    // ---- skipping ----------------------------------------------------------

    /// Skips the node that `first` starts.
    fn skip(&mut self, first: &Event<'a>) -> Step<()> {
        match self.events.skip_node(first) {
            Ok(true) => Ok(()),
            Ok(false) => Err(Stop),
            Err(e) => Err(self.stream_error(*e)),
        }
    }

    fn skip_next(&mut self) -> Step<()> {
        let (event, _) = self.next()?;
        self.skip(&event)
    }

    // ---- expect ------------------------------------------------------------

    fn expect_block(&mut self) -> Step<()> {
        let (event, pos) = self.next()?;
        let mut entries = Vec::new();
        match event {
            Event::SequenceStart(..) => loop {
                let (event, pos) = self.next()?;
                match event {
                    Event::SequenceEnd => break,
                    Event::MappingStart(..) => {
                        if let Some(entry) = self.expect_entry(pos)? {
                            entries.push(entry);
                        }
                    }
                    other => {
                        self.expect_shape_error(pos);
                        self.skip(&other)?;
                    }
                }
            },
            Event::Scalar(ref text, style, ..)
                if style == ScalarStyle::Plain && matches!(text.as_ref(), "" | "~" | "null") => {}
            other => {
                self.expect_shape_error(pos);
                self.skip(&other)?;
            }
        }
        self.expect = Some(entries);
        Ok(())
    }

    fn expect_shape_error(&mut self, pos: Pos) {
        self.error(
            ScenarioCode::WrongType,
            Pos {
                len: pos.len.max(1),
                ..pos
            },
            "`expect` must be a list of `rule:` and `subject:` pairs".into(),
            "expected an entry like `- rule: …`".into(),
            Some("write `- rule: <rule id>` with `subject: <entity id>` under it".into()),
        );
    }

    fn expect_entry(&mut self, start: Pos) -> Step<Option<Expectation>> {
        let mut rule: Option<(String, Pos)> = None;
        let mut subject: Option<(String, Pos)> = None;
        let mut entry_pos = start;
        let mut first = true;
        loop {
            let (event, pos) = self.next()?;
            let key = match event {
                Event::MappingEnd => break,
                Event::Scalar(text, ..) => text,
                other => {
                    self.expect_shape_error(pos);
                    self.skip(&other)?;
                    self.skip_next()?;
                    continue;
                }
            };
            if first {
                entry_pos = pos;
                first = false;
            }
            let (event, value_pos) = self.next()?;
            let value = match event {
                Event::Scalar(text, ..) => text.into_owned(),
                other => {
                    self.expect_shape_error(value_pos);
                    self.skip(&other)?;
                    continue;
                }
            };
            let slot = match key.as_ref() {
                "rule" => &mut rule,
                "subject" => &mut subject,
                _ => {
                    let help = did_you_mean(&key, ["rule", "subject"]);
                    self.error(
                        ScenarioCode::UnknownField,
                        pos,
                        format!("unknown field `{key}` in an `expect` entry"),
                        "unknown field".into(),
                        help,
                    );
                    continue;
                }
            };
            if slot.is_some() {
                self.error(
                    ScenarioCode::DuplicateKey,
                    pos,
                    format!("`{key}` is given twice in one mapping"),
                    format!("second `{key}` here"),
                    Some("keep one of the two".into()),
                );
                continue;
            }
            *slot = Some((value, value_pos));
        }
        match (rule, subject) {
            (Some((rule, rule_pos)), Some((subject, subject_pos))) => Ok(Some(Expectation {
                rule,
                subject,
                pos: entry_pos,
                rule_pos,
                subject_pos,
            })),
            (rule, _) => {
                let missing = if rule.is_none() { "rule" } else { "subject" };
                self.error(
                    ScenarioCode::MissingField,
                    Pos {
                        len: entry_pos.len.max(1),
                        ..entry_pos
                    },
                    format!("missing field `{missing}` in an `expect` entry"),
                    format!("this entry has no `{missing}`"),
                    Some("each entry needs `rule:` and `subject:`".into()),
                );
                Ok(None)
            }
        }
    }
}

impl Loader<'_, '_> {
    /// Points every reference at its row, reporting unknown ids and wrong kinds.
    fn resolve_references(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        for r in pending {
            let Some((kind, row)) = self.store.find_id(&r.name) else {
                self.unknown_reference(&r);
                continue;
            };
            if kind != r.kind {
                let schema = self.schema;
                self.error(
                    ScenarioCode::WrongReferenceKind,
                    r.pos,
                    format!(
                        "`{}` is {} `{}`, not {} `{}`",
                        r.name,
                        article(&schema.kind(kind).name),
                        schema.kind(kind).name,
                        article(&schema.kind(r.kind).name),
                        schema.kind(r.kind).name
                    ),
                    format!(
                        "expected {} `{}` id",
                        article(&schema.kind(r.kind).name),
                        schema.kind(r.kind).name
                    ),
                    Some(self.id_hint(&r.name, r.kind)),
                );
                continue;
            }
            match r.target {
                Target::Cell(k, f, at) => self.store.set(k, f, at, row),
                Target::Pool(slot) => {
                    if let Some(cell) = self.store.pool.get_mut(slot) {
                        *cell = row;
                    }
                }
            }
        }
    }

    fn unknown_reference(&mut self, r: &PendingRef<'_>) {
        let kind_name = &self.schema.kind(r.kind).name;
        let help = Some(self.id_hint(&r.name, r.kind));
        self.error(
            ScenarioCode::UnknownReference,
            r.pos,
            format!("no `{kind_name}` has id `{}`", r.name),
            "unknown id".into(),
            help,
        );
    }

    /// "did you mean" the closest id of the right kind, or a few ids to choose from.
    fn id_hint(&self, name: &str, kind: KindId) -> String {
        if let Some(s) = self.suggest_id(name, kind) {
            return format!("did you mean `{s}`?");
        }
        let mut ids: Vec<&str> = self
            .store
            .ids()
            .filter(|&(_, k, _)| k == kind)
            .map(|(id, _, _)| id)
            .collect();
        ids.sort_unstable();
        let kind_name = &self.schema.kind(kind).name;
        match ids.as_slice() {
            [] => format!("the file declares no `{kind_name}`"),
            some => {
                let shown: Vec<String> = some.iter().take(5).map(|i| format!("`{i}`")).collect();
                format!("name a `{kind_name}`, such as {}", shown.join(", "))
            }
        }
    }

    /// The id of a `kind` entity closest to `name`.
    fn suggest_id(&self, name: &str, kind: KindId) -> Option<String> {
        let candidates = self
            .store
            .ids()
            .filter(|&(_, k, _)| k == kind)
            .map(|(id, _, _)| id);
        let mut sorted: Vec<&str> = candidates.collect();
        sorted.sort_unstable();
        crate::suggest::closest(name, sorted).map(str::to_string)
    }

    /// Reports `expect` entries that name an unknown rule or subject.
    fn check_expectations(&mut self, rule_ids: &HashSet<String>) {
        let Some(entries) = self.expect.clone() else {
            return;
        };
        for e in &entries {
            if !rule_ids.contains(&e.rule) {
                let mut ids: Vec<&str> = rule_ids.iter().map(String::as_str).collect();
                ids.sort_unstable();
                let help =
                    crate::suggest::closest(&e.rule, ids).map(|s| format!("did you mean `{s}`?"));
                let help =
                    help.or_else(|| Some("run `eligo rules` to list the loaded rules".into()));
                self.error(
                    ScenarioCode::UnknownExpectRule,
                    e.rule_pos,
                    format!("no loaded rule has id `{}`", e.rule),
                    "unknown rule".into(),
                    help,
                );
            }
            if self.store.find_id(&e.subject).is_none() {
                let mut ids: Vec<&str> = self.store.ids().map(|(id, _, _)| id).collect();
                ids.sort_unstable();
                let help = crate::suggest::closest(&e.subject, ids)
                    .map(|s| format!("did you mean `{s}`?"));
                self.error(
                    ScenarioCode::UnknownExpectSubject,
                    e.subject_pos,
                    format!("no entity has id `{}`", e.subject),
                    "unknown subject".into(),
                    help,
                );
            }
        }
    }
}

/// `a` or `an` before a name, by its first letter (`an `item``, `a `partner``).
fn article(name: &str) -> &'static str {
    if name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

fn is_str_tag(tag: Option<&saphyr_parser::Tag>) -> bool {
    tag.is_some_and(|t| t.suffix == "str" && (t.handle == "tag:yaml.org,2002:" || t.handle == "!!"))
}
