//! Reading an export folder: bounded reads that stay inside the folder.
//!
//! Exports come from outside (a script, a colleague, a portal download), so every
//! read is bounded (`Read::take` of the limit plus one byte, so a device or a
//! growing file ends with the size error), a symbolic link may not lead out of
//! the export folder, and anything but a regular file (a FIFO, a device, a
//! folder where a file should be) is an error, not a hang.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::error::{file_error, ImportCode, ImportError};
use crate::source::SourceFile;

/// Largest export file read by default (a customer list of 100,000 customers is
/// about 60 MB of JSON).
pub(crate) const DEFAULT_MAX_FILE_BYTES: u64 = 1 << 30;

/// One export folder.
#[derive(Debug)]
pub(crate) struct ExportDir {
    /// The folder as the user named it.
    pub root: PathBuf,
    /// The folder with links resolved: every file read must lie under it.
    canonical: PathBuf,
    /// Largest file, in bytes.
    limit: u64,
    /// Folders inside the export reached without a symbolic link.
    plain_dirs: std::sync::Mutex<std::collections::HashSet<String>>,
}

impl ExportDir {
    /// Opens an export folder; it must exist and be a folder.
    pub(crate) fn open(root: &Path, limit: u64) -> Result<Self, ImportError> {
        let shown = display(root);
        let canonical = std::fs::canonicalize(root).map_err(|e| {
            file_error(
                ImportCode::Io,
                &shown,
                format!("cannot read the export folder `{shown}`: {e}"),
                Some("name a folder saved from Partner Center (see `eligo import --help`)".into()),
            )
        })?;
        if !canonical.is_dir() {
            return Err(file_error(
                ImportCode::Io,
                &shown,
                format!("`{shown}` is not a folder"),
                Some("an export is a folder holding `profiles/organization.json`, `customers.json` and `customers/<id>/…`".into()),
            ));
        }
        Ok(ExportDir {
            root: root.to_path_buf(),
            canonical,
            limit,
            plain_dirs: Default::default(),
        })
    }

    /// The display name of a path inside the export (forward slashes).
    pub(crate) fn name(&self, rel: &str) -> String {
        let root = display(&self.root);
        let root = root.trim_end_matches('/');
        format!("{root}/{rel}")
    }

    /// Reads `rel` (a path with `/` inside the export) as text, or `None` when it
    /// does not exist.
    pub(crate) fn read(&self, rel: &str) -> Result<Option<SourceFile>, ImportError> {
        let path = self.root.join(rel);
        let name = self.name(rel);
        match self.has_link(rel) {
            None => return Ok(None),
            Some(true) => self.check_resolved(&path, &name)?,
            Some(false) => {}
        }
        let io = |e: std::io::Error| {
            file_error(
                ImportCode::Io,
                &name,
                format!("cannot read `{name}`: {e}"),
                None,
            )
        };
        let file = std::fs::File::open(&path).map_err(io)?;
        if !file.metadata().map_err(io)?.is_file() {
            return Err(file_error(
                ImportCode::Io,
                &name,
                format!("`{name}` is not a regular file"),
                Some(
                    "an export holds plain JSON or CSV files; replace it with the saved response"
                        .into(),
                ),
            ));
        }
        let mut bytes = Vec::new();
        file.take(self.limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(io)?;
        if bytes.len() as u64 > self.limit {
            return Err(file_error(
                ImportCode::SizeLimit,
                &name,
                format!("`{name}` is larger than {} bytes", self.limit),
                Some("raise the bound with `--max-file-bytes` if the file is genuine".into()),
            ));
        }
        text(name, bytes).map(Some)
    }

    /// Whether a symbolic link lies on the way from the export folder to `rel`
    /// (`None` when `rel` does not exist). Folders already walked are
    /// remembered: a large export has tens of thousands of files in a few
    /// thousand folders, and each check is a system call.
    fn has_link(&self, rel: &str) -> Option<bool> {
        let mut prefix = String::new();
        let mut linked = false;
        for part in rel.split('/') {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(part);
            if part == ".." {
                linked = true;
            }
            if self.plain_dirs.lock().is_ok_and(|d| d.contains(&prefix)) {
                continue;
            }
            let meta = std::fs::symlink_metadata(self.root.join(&prefix)).ok()?;
            linked |= meta.file_type().is_symlink();
            if meta.is_dir() && !linked {
                if let Ok(mut dirs) = self.plain_dirs.lock() {
                    dirs.insert(prefix.clone());
                }
            }
        }
        Some(linked)
    }

    /// The sub-folders of `rel` (sorted by name), or none when it does not exist.
    pub(crate) fn folders(&self, rel: &str) -> Result<Vec<String>, ImportError> {
        let path = self.root.join(rel);
        let name = self.name(rel);
        let Ok(entries) = std::fs::read_dir(&path) else {
            return Ok(Vec::new());
        };
        if self.has_link(rel) == Some(true) {
            self.check_resolved(&path, &name)?;
        }
        let mut found = Vec::new();
        for entry in entries.flatten() {
            let file_name = entry.file_name().to_string_lossy().into_owned();
            let child_rel = format!("{rel}/{file_name}");
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_symlink() {
                self.check_resolved(&entry.path(), &self.name(&child_rel))?;
                if !entry.path().is_dir() {
                    continue;
                }
            } else if kind.is_dir() {
                if let Ok(mut dirs) = self.plain_dirs.lock() {
                    dirs.insert(child_rel);
                }
            } else {
                continue;
            }
            found.push(file_name);
        }
        found.sort();
        Ok(found)
    }

    /// Refuses a path whose links lead out of the export folder.
    fn check_resolved(&self, path: &Path, name: &str) -> Result<(), ImportError> {
        let resolved = std::fs::canonicalize(path).map_err(|e| {
            file_error(
                ImportCode::Io,
                name,
                format!("cannot read `{name}`: {e}"),
                None,
            )
        })?;
        if resolved.starts_with(&self.canonical) {
            Ok(())
        } else {
            Err(file_error(
                ImportCode::Io,
                name,
                format!("`{name}` links to a place outside the export folder"),
                Some("copy the file into the export instead of linking to it".into()),
            ))
        }
    }
}

/// The bytes as UTF-8 text (a leading byte-order mark, as the portal's CSV
/// downloads carry, is dropped).
fn text(name: String, mut bytes: Vec<u8>) -> Result<SourceFile, ImportError> {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(SourceFile::new(name, text)),
        Err(e) => Err(file_error(
            ImportCode::Io,
            &name,
            format!(
                "`{name}` is not UTF-8 (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
            Some("save the export as UTF-8".into()),
        )),
    }
}

/// A path for messages, with forward slashes.
pub(crate) fn display(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}
