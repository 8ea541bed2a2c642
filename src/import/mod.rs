//! `eligo import`: Partner Center exports to a scenario, and `eligo reconcile`:
//! Partner Center's eligibility answers against eligo's findings.
//!
//! ```text
//! export folders ──read (mapping)──▶ Raw ──build──▶ Scenario ◀──merge── overlays
//!                                                     │
//!                       verdict (schema) ◀────────────┼──────────▶ write ──▶ YAML
//!                          │ not proven                               │
//!                          └───────────── load (engine) ──▶ errors ◀──┘
//! ```
//! The mapping ([`map`]) holds every Partner Center name and spelling; the Rust
//! here knows only the importer's own vocabulary and the scenario format.

pub(crate) mod build;
mod by_address;
mod by_family;
pub(crate) mod csv_file;
pub(crate) mod error;
pub(crate) mod export;
pub(crate) mod files;
pub(crate) mod folder;
pub(crate) mod fragment;
pub(crate) mod ids;
pub(crate) mod json;
pub(crate) mod json_fast;
pub(crate) mod map;
pub(crate) mod model;
pub(crate) mod overlay;
mod prefetch;
pub(crate) mod read;
pub(crate) mod reconcile;
pub(crate) mod record;
mod values;
mod verdict;
pub(crate) mod write;
#[cfg(test)]
mod written;

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use rayon::iter::ParallelIterator;
use rayon::slice::{ParallelSlice, ParallelSliceMut};

use error::{file_error, ImportCode, ImportError};
use fragment::{Scenario, Val};
use map::Map;
use read::{display, ExportDir};

use crate::program::Program;
use crate::scenario::{validate_scenario, LoadOptions, ScenarioError};
use crate::source::SourceFile;

/// The display name of the imported scenario in diagnostics about it.
pub(crate) const OUTPUT_NAME: &str = "<imported scenario>";

/// What to import.
#[derive(Debug, Clone, Default)]
pub(crate) struct ImportOptions {
    /// Export folders, in the order given.
    pub exports: Vec<PathBuf>,
    /// Overlay files, applied in order.
    pub overlays: Vec<PathBuf>,
    /// A mapping file replacing the embedded one.
    pub map: Option<PathBuf>,
    /// Largest file read, in bytes.
    pub max_file_bytes: u64,
    /// What becomes of the import's large values once used.
    pub release: Release,
}

/// What becomes of the import's large intermediate values (what the exports
/// held, the scenario built, the scenario loaded back) once they are used.
///
/// A 100k import holds a few million small allocations. Freeing them costs
/// more than a tenth of a second of CPU, taken from the threads that write
/// and validate the scenario, even on another core: both cores are busy.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum Release {
    /// Freed on one of rayon's workers while the import goes on: a library
    /// call gives its memory back.
    #[default]
    Background,
    /// Not freed: the process ends once the scenario is written (`eligo
    /// import`), and the system takes the memory back at exit all at once.
    AtExit,
}

impl Release {
    /// Lets go of a large value the way this says.
    fn release<T: Send + 'static>(self, value: T) {
        match self {
            Release::Background => rayon::spawn(move || drop(value)),
            Release::AtExit => std::mem::forget(value),
        }
    }
}

/// Why an import produced no scenario.
#[derive(Debug)]
pub(crate) enum ImportFailure {
    /// Problems in the exports, the mapping or the overlays.
    Input(Vec<ImportError>),
    /// The scenario built is not valid: something only an overlay can give is
    /// missing (a partner's roles, a relationship's `via`, …).
    Invalid(Vec<ScenarioError>),
}

/// Loads the mapping: the embedded one, or `--map FILE`.
pub(crate) fn load_map(path: Option<&PathBuf>, limit: u64) -> Result<Map, Vec<ImportError>> {
    match path {
        None => Map::default_map(),
        Some(p) => Map::parse(&read_file(p, limit).map_err(|e| vec![e])?),
    }
}

/// Reads a single file (a mapping, an overlay, a scenario), bounded.
pub(crate) fn read_file(path: &std::path::Path, limit: u64) -> Result<SourceFile, ImportError> {
    let name = display(path);
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let file_name = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = ExportDir::open(parent, limit)?;
    match dir.read(&file_name) {
        Ok(Some(mut file)) => {
            file.name = name;
            Ok(file)
        }
        Ok(None) => Err(file_error(
            ImportCode::Io,
            &name,
            format!("cannot read `{name}`: no such file"),
            None,
        )),
        Err(mut e) => {
            e.path = name.clone();
            e.message = e.message.replace(&dir.name(&file_name), &name);
            Err(e)
        }
    }
}

/// Imports exports into scenario text; `program` checks the result. The text
/// is kept in the pieces the cores wrote, joined into one only when it must
/// be loaded to be checked (see [`write::Text`]).
pub(crate) fn import(
    options: &ImportOptions,
    program: &Program,
) -> Result<write::Text, ImportFailure> {
    checked(
        options,
        program,
        write::write,
        |text| Some(text.len()),
        |text, _| text.join(),
    )
}

/// [`import`], the text written into `out` as it is written ([`write::stream`]):
/// it is whole in memory only when it must be loaded to be checked, and then
/// written again for that. On success, what writing into `out` gave.
pub(crate) fn import_into(
    options: &ImportOptions,
    program: &Program,
    out: &mut (impl std::io::Write + Send),
) -> Result<std::io::Result<()>, ImportFailure> {
    let written = checked(
        options,
        program,
        |scenario, sources| write::stream(scenario, sources, out),
        |written| written.as_ref().ok().copied(),
        |_, (scenario, sources)| write::write(scenario, sources).join(),
    )?;
    Ok(written.map(drop))
}

/// Builds the scenario and writes it with `write` while the verdict reads it.
/// When the verdict cannot prove it valid (or the text's `length`, `None` if
/// it was not all written, is beyond what the loader reads), the text
/// `whole` gives is loaded to check it.
fn checked<W: Send>(
    options: &ImportOptions,
    program: &Program,
    write: impl FnOnce(&Scenario, &[String]) -> W + Send,
    length: impl FnOnce(&W) -> Option<usize>,
    whole: impl FnOnce(&W, (&Scenario, &[String])) -> Arc<str>,
) -> Result<W, ImportFailure> {
    let scenario = built(options).map_err(ImportFailure::Input)?;
    let sources = sources(options);
    let load = LoadOptions::default();
    let (written, proven) = rayon::join(
        || write(&scenario, &sources),
        || verdict::proves_valid(&program.schema, &scenario, &load.limits),
    );
    let fits = length(&written).is_some_and(|len| len <= load.limits.max_file_bytes);
    let unproven = !(proven && fits);
    let text = unproven.then(|| whole(&written, (&scenario, &sources)));
    // The scenario's fields are in the text now.
    options.release.release(scenario);
    if let Some(text) = text {
        validate(program, text, &load, options.release)?;
    }
    Ok(written)
}

/// The exports and overlays, as the written scenario's header names them.
fn sources(options: &ImportOptions) -> Vec<String> {
    options
        .exports
        .iter()
        .chain(&options.overlays)
        .map(|p| display(p))
        .collect()
}

/// The scenario the exports and overlays make, its entities in the order
/// they are written.
fn built(options: &ImportOptions) -> Result<Scenario, Vec<ImportError>> {
    let map = load_map(options.map.as_ref(), options.max_file_bytes)?;
    let (mut scenario, errors) = gather(options, &map);
    if !errors.is_empty() {
        return Err(errors);
    }
    // By id, so the file does not depend on the order of the exports.
    // Ids are unique, so an unstable sort (on every core) gives the one order.
    // The build makes most kinds in that order already (see
    // `build::subscription_entities`): those are only checked.
    // (Checked on every core too: each comparison reads two ids' texts,
    // out of the cache by now.)
    scenario
        .kinds
        .iter_mut()
        .filter(|k| {
            !k.par_windows(2)
                .all(|w| matches!(w, [a, b] if a.id <= b.id))
        })
        .for_each(|k| k.par_sort_unstable_by(|a, b| a.id.cmp(&b.id)));
    Ok(scenario)
}

/// Runs `here` on this thread and `there` on a thread of its own at the same
/// time. Not a rayon task: rayon's workers may be busy (freeing, or on the
/// build's parallel parts), and the two must overlap to gain anything. A
/// panic of `there` goes on here, as if it had run here.
fn beside<A, B: Send>(here: impl FnOnce() -> A, there: impl FnOnce() -> B + Send) -> (A, B) {
    std::thread::scope(|scope| {
        let there = scope.spawn(there);
        let here = here();
        match there.join() {
            Ok(there) => (here, there),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// Reads the exports, builds the scenario and merges the overlays.
fn gather(options: &ImportOptions, map: &Map) -> (Scenario, Vec<ImportError>) {
    let parsed = read_exports(options, map);
    // The overlays do not depend on the exports. They are read and parsed on
    // another thread from here on: adding the parsed folders in order takes
    // one core and leaves the other free, and the entities are built
    // meanwhile. Their customers' entries are merged as soon as the
    // customers are built, beside the subscriptions' build; the rest in
    // order after.
    let (send_overlays, overlays_parsed) = std::sync::mpsc::sync_channel(1);
    let ((reader, (built, overlays)), ()) = beside(
        || {
            let mut reader = parsed.add();
            let built = build::build(&mut reader.raw, &mut reader.errors, move |customers| {
                // Sent before the thread ends; if it panicked instead, the
                // panic goes on here once it is joined.
                let overlays = overlays_parsed.recv().unwrap_or_default();
                merge_customers_ahead(overlays, customers)
            });
            (reader, built)
        },
        || {
            let _ = send_overlays.send(parse_overlays(options));
        },
    );
    let export::Reader {
        raw, mut errors, ..
    } = reader;
    let build::Built {
        mut scenario,
        resellers,
        ids,
    } = built;
    options.release.release(ids);
    for (overlay, ahead) in overlays {
        match overlay {
            Ok((file, root)) => {
                overlay::merge(&file, &root, &mut scenario, &mut errors, ahead);
                // A large overlay's tree is a few hundred thousand nodes.
                options.release.release(root);
            }
            Err(e) => errors.push(e),
        }
    }
    resolve_resellers(&raw, &resellers, &mut scenario, &mut errors);
    options.release.release(raw);
    (scenario, errors)
}

/// An overlay file read and parsed, or why it could not be.
type ParsedOverlay = Result<(SourceFile, overlay::Node), ImportError>;

/// Merges the customers' entries of each overlay into the customers
/// ([`overlay::merge_kind`]); each overlay comes back with what was merged.
fn merge_customers_ahead(
    overlays: Vec<ParsedOverlay>,
    customers: &mut [fragment::Entity],
) -> Vec<(ParsedOverlay, Option<overlay::MergedAhead>)> {
    overlays
        .into_iter()
        .map(|parsed| {
            let ahead = parsed.as_ref().ok().map(|(file, root)| {
                overlay::merge_kind(file, root, fragment::CUSTOMERS, customers)
            });
            (parsed, ahead)
        })
        .collect()
}

/// Reads and parses each overlay file, in order.
fn parse_overlays(options: &ImportOptions) -> Vec<ParsedOverlay> {
    options
        .overlays
        .iter()
        .map(|path| {
            read_file(path, options.max_file_bytes).and_then(|f| overlay::parse(&f).map(|n| (f, n)))
        })
        .collect()
}

/// Reads the exports: each export's own files in order on one thread, while
/// the customer folders of the exports already read are parsed on the others.
/// What those held is added export by export by [`ParsedExports::add`].
fn read_exports<'m>(options: &ImportOptions, map: &'m Map) -> ParsedExports<'m> {
    let count = options.exports.len();
    let mut reader = export::Reader::new(map);
    // Per export: the errors of its own files, and its prepared folders.
    let mut steps: Vec<(Vec<ImportError>, Option<Arc<Prepared>>)> = Vec::with_capacity(count);
    let parsed: Vec<OnceLock<Vec<folder::Parsed>>> = (0..count).map(|_| OnceLock::new()).collect();
    rayon::scope(|scope| {
        for (n, path) in options.exports.iter().enumerate() {
            let export = match ExportDir::open(path, options.max_file_bytes) {
                Ok(dir) => {
                    let dir = Arc::new(dir);
                    reader.prepare(&dir).map(|p| Arc::new((dir, p)))
                }
                Err(e) => {
                    reader.errors.push(e);
                    None
                }
            };
            if let Some(export) = &export {
                let (export, parsed) = (Arc::clone(export), &parsed);
                scope.spawn(move |_| {
                    let folders = export::parse_folders(map, &export.0, &export.1);
                    if let Some(slot) = parsed.get(n) {
                        let _ = slot.set(folders);
                    }
                });
            }
            steps.push((std::mem::take(&mut reader.errors), export));
        }
    });
    let folders = parsed
        .into_iter()
        .map(|slot| slot.into_inner().unwrap_or_default())
        .collect();
    ParsedExports {
        reader,
        steps,
        folders,
    }
}

/// The exports read and their customer folders parsed, not yet added.
struct ParsedExports<'m> {
    reader: export::Reader<'m>,
    /// Per export: the errors of its own files, and its prepared folders.
    steps: Vec<(Vec<ImportError>, Option<Arc<Prepared>>)>,
    /// Per export: its parsed customer folders.
    folders: Vec<Vec<folder::Parsed>>,
}

impl<'m> ParsedExports<'m> {
    /// Adds what the folders held, export by export; the errors come in the
    /// order of reading one export after another.
    fn add(self) -> export::Reader<'m> {
        let ParsedExports {
            mut reader,
            steps,
            folders,
        } = self;
        reader.reserve(&folders);
        for ((errors, export), folders) in steps.into_iter().zip(folders) {
            reader.errors.extend(errors);
            if let Some(export) = export {
                reader.add_folders(&export.1, folders);
            }
        }
        reader
    }
}

/// An export folder and its customer folders, to be parsed.
type Prepared = (Arc<ExportDir>, export::Prepared);

/// Sets each subscription's `reseller` to the partner whose `mpn_id` (from an
/// overlay) or tenant id is the export's reseller of record.
fn resolve_resellers(
    raw: &model::Raw,
    deferred: &[build::Deferred],
    scenario: &mut Scenario,
    errors: &mut Vec<ImportError>,
) {
    if deferred.is_empty() {
        return;
    }
    let [partners, _, subscriptions, _] = &mut scenario.kinds;
    let key = |v: Option<&Val>| match v {
        Some(Val::Str(s)) | Some(Val::Plain(s)) => Some(s.to_lowercase()),
        _ => None,
    };
    let by_key: std::collections::HashMap<String, fragment::Text> = partners
        .iter()
        .flat_map(|p| {
            [key(p.fields.get("mpn_id")), key(p.fields.get("tenant_id"))]
                .into_iter()
                .flatten()
                .map(|k| (k, fragment::Text::clone(&p.id)))
        })
        .collect();
    let mut reported = HashSet::new();
    for d in deferred {
        match (by_key.get(&d.value), subscriptions.get_mut(d.subscription)) {
            (Some(partner), Some(sub)) => {
                sub.fields.set("reseller", Val::Str(fragment::Text::clone(partner)))
            }
            (None, _) if reported.insert(d.value.clone()) => errors.push(raw.error_at(
                ImportCode::UnknownReference,
                d.loc,
                format!("reseller `{}` is none of the imported partners", d.value),
                "unknown reseller",
                Some(format!("give the reseller's partner `mpn_id: \"{}\"` in an overlay (Partner Center records the reseller by PartnerID)", d.value)),
            )),
            _ => {}
        }
    }
}

/// Loads the written scenario with the engine, when [`verdict`] could not
/// prove it valid: what only an overlay can give (roles, a relationship's
/// `via`, …) and is missing shows up here, at its place in the text.
fn validate(
    program: &Program,
    text: Arc<str>,
    load: &LoadOptions,
    release: Release,
) -> Result<(), ImportFailure> {
    let source = SourceFile::new(OUTPUT_NAME, text);
    let ids: HashSet<String> = program.rule_ids();
    // The store is not needed, only whether it loads: not finished for use.
    match validate_scenario(&program.schema, &source, &ids, load) {
        Ok(loaded) => {
            release.release(loaded);
            Ok(())
        }
        Err(mut errors) => {
            for e in &mut errors {
                let help = e.help.take().map(|h| format!("{h}; ")).unwrap_or_default();
                e.help = Some(format!("{help}Partner Center does not hold this: add it in an overlay (`--overlay FILE`)"));
            }
            Err(ImportFailure::Invalid(errors))
        }
    }
}
