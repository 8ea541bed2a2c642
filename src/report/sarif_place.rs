//! Where a SARIF result points (the source root, artifact locations and
//! regions) and its message: what the findings' results and the baseline's
//! absent results (`sarif_baseline`) both build, kept apart from either.

use serde_sarif::sarif::{
    ArtifactLocation, Location as SarifLocation, Message, PhysicalLocation, Region,
};
use std::io;
use std::path::{Path, PathBuf};

use super::sarif_ids;

/// Where the files are: the folder artifact URIs are relative to, and the
/// folder relative paths were given from.
#[derive(Clone, Debug)]
pub(crate) struct Root {
    /// The source root (see [`sarif_ids::source_root`]).
    pub root: PathBuf,
    /// The current folder.
    pub cwd: PathBuf,
}

impl Root {
    /// The root given with `--sarif-root`, or the repository's, from the
    /// current folder.
    pub(crate) fn from_current_dir(explicit: Option<&Path>) -> io::Result<Root> {
        let cwd = std::env::current_dir()?;
        Ok(Root {
            root: sarif_ids::source_root(explicit, &cwd),
            cwd,
        })
    }
}

/// A place in a file: where it starts and, when known, how many characters
/// (code points) it covers on its line.
pub(crate) struct Span {
    pub(crate) line: u32,
    pub(crate) column: u32,
    pub(crate) width: Option<u32>,
}

pub(crate) fn location(place: &Root, path: &str, at: Option<Span>) -> SarifLocation {
    let (uri, base) = sarif_ids::artifact(path, &place.root, &place.cwd);
    let mut artifact = ArtifactLocation::builder().uri(uri).build();
    artifact.uri_base_id = base.map(str::to_string);
    let mut physical = PhysicalLocation::builder()
        .artifact_location(artifact)
        .build();
    physical.region = at.map(|at| {
        let mut region = Region::builder()
            .start_line(i64::from(at.line))
            .start_column(i64::from(at.column))
            .build();
        if let Some(width) = at.width {
            // A finding marks the first key of its subject's entry: a field
            // name of the schema, which is ASCII, so its length in bytes is
            // its width in code points.
            region.end_line = Some(i64::from(at.line));
            region.end_column = Some(i64::from(at.column) + i64::from(width.max(1)));
        }
        region
    });
    SarifLocation::builder().physical_location(physical).build()
}

/// A result's message. SARIF is JSON, so nothing needs escaping, but its
/// messages are read by people in code scanning: a long one is cut (see
/// [`crate::escape::truncate`]).
pub(crate) fn message(s: String) -> Message {
    let text = match crate::escape::truncate(&s, crate::escape::MAX_VALUE_BYTES) {
        std::borrow::Cow::Borrowed(_) => s,
        std::borrow::Cow::Owned(cut) => cut,
    };
    Message::builder().text(text).build()
}
