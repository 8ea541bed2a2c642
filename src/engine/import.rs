//! [`Engine::import`]: a scenario built from Partner Center exports and
//! overlays (`eligo import`, DOMAIN.md section 8).

use std::path::PathBuf;
use std::sync::Arc;

use super::{Engine, Errors};
use crate::import::write::Text;
use crate::import::{import, ImportFailure, Release};

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
        self.import_with(options, Release::Background, |_| ())
            .map(|(text, ())| text.join())
    }

    /// [`Engine::import`], with `alongside` given the text while it is
    /// checked (see [`crate::import::import`]) and the import's large values
    /// let go as `release` says.
    pub(crate) fn import_with<R: Send>(
        &self,
        options: &ImportOptions,
        release: Release,
        alongside: impl FnOnce(&Text) -> R + Send,
    ) -> Result<(Text, R), Errors> {
        let options = crate::import::ImportOptions {
            exports: options.exports.clone(),
            overlays: options.overlays.clone(),
            map: options.map.clone(),
            max_file_bytes: options.max_file_bytes,
            release,
        };
        import(&options, self.program(), alongside).map_err(|failure| match failure {
            ImportFailure::Input(errors) => Errors::from_vec(errors),
            ImportFailure::Invalid(errors) => Errors::from_vec(errors),
        })
    }
}
