//! [`Engine::import`]: a scenario built from Partner Center exports and
//! overlays (`eligo import`, DOMAIN.md section 8).

use std::path::PathBuf;
use std::sync::Arc;

use super::{Engine, Errors};
use crate::import::write::Text;
use crate::import::{import, import_into, ImportFailure, Release};

/// What to import: export folders (the REST API's JSON or the portal's
/// CSVs), overlay files for what Partner Center does not hold, and the
/// mapping (the embedded one by default).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ImportOptions {
    exports: Vec<PathBuf>,
    overlays: Vec<PathBuf>,
    map: Option<PathBuf>,
    max_file_bytes: u64,
}

impl ImportOptions {
    /// Imports these export folders, in this order.
    pub fn new(exports: impl IntoIterator<Item = impl Into<PathBuf>>) -> Self {
        ImportOptions {
            exports: exports.into_iter().map(Into::into).collect(),
            overlays: Vec::new(),
            map: None,
            max_file_bytes: crate::import::read::DEFAULT_MAX_FILE_BYTES,
        }
    }

    /// Adds an overlay file (a scenario fragment merged by id, whose fields
    /// win); overlays apply in the order added.
    pub fn overlay(mut self, path: impl Into<PathBuf>) -> Self {
        self.overlays.push(path.into());
        self
    }

    /// Uses this mapping file instead of the embedded one (`--map`).
    pub fn map(mut self, path: impl Into<PathBuf>) -> Self {
        self.map = Some(path.into());
        self
    }

    /// The largest file read, in bytes.
    pub fn max_file_bytes(mut self, bytes: u64) -> Self {
        self.max_file_bytes = bytes;
        self
    }
}

impl Engine {
    /// Builds the scenario text of the exports: deterministic, with readable
    /// ids and a comment naming each entity's source file, and checked
    /// against this engine's schema (an invalid result is an error naming
    /// what an overlay must add). The text is shared (`Arc<str>`): a large
    /// book is not copied to be handed over.
    pub fn import(&self, options: &ImportOptions) -> Result<Arc<str>, Errors> {
        self.import_text(options, Release::Background)
            .map(|text| text.join())
    }

    /// [`Engine::import`], its text in pieces (see [`Text`]) and the
    /// import's large values let go as `release` says.
    pub(crate) fn import_text(
        &self,
        options: &ImportOptions,
        release: Release,
    ) -> Result<Text, Errors> {
        import(&options.internal(release), self.program()).map_err(errors)
    }

    /// [`Engine::import`], the text written into `out` as it is written (see
    /// [`crate::import::import_into`]); on success, what writing gave.
    pub(crate) fn import_into(
        &self,
        options: &ImportOptions,
        release: Release,
        out: &mut (impl std::io::Write + Send),
    ) -> Result<std::io::Result<()>, Errors> {
        import_into(&options.internal(release), self.program(), out).map_err(errors)
    }
}

impl ImportOptions {
    /// The import's own options.
    fn internal(&self, release: Release) -> crate::import::ImportOptions {
        crate::import::ImportOptions {
            exports: self.exports.clone(),
            overlays: self.overlays.clone(),
            map: self.map.clone(),
            max_file_bytes: self.max_file_bytes,
            release,
        }
    }
}

/// The errors of a failed import.
fn errors(failure: ImportFailure) -> Errors {
    match failure {
        ImportFailure::Input(errors) => Errors::from_vec(errors),
        ImportFailure::Invalid(errors) => Errors::from_vec(errors),
    }
}
