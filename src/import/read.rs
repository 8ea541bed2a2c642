//! Reading an export folder: bounded reads that stay inside the folder.
//!
//! Exports come from outside (a script, a colleague, a portal download), so every
//! read is bounded (`Read::take` of the limit plus one byte, so a device or a
//! growing file ends with the size error), a symbolic link may not lead out of
//! the export folder, and anything but a regular file (a FIFO, a device, a
//! folder where a file should be) is an error, not a hang.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::error::{file_error, ImportCode, ImportError};
use crate::input::ReadError;
use crate::source::{shared_str, SourceFile};

/// Largest export file read by default (a customer list of 100,000 customers is
/// about 60 MB of JSON).
pub(crate) const DEFAULT_MAX_FILE_BYTES: u64 = 1 << 30;

/// One export folder.
#[derive(Debug)]
pub(crate) struct ExportDir {
    /// The folder as the user named it.
    pub root: PathBuf,
    /// The folder as shown in messages, without a trailing `/`: every file
    /// read is named from it, tens of thousands of times in a large export.
    shown: String,
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
            shown: shown.trim_end_matches('/').to_string(),
            canonical,
            limit,
            plain_dirs: Default::default(),
        })
    }

    /// The display name of a path inside the export (forward slashes).
    pub(crate) fn name(&self, rel: &str) -> String {
        let mut name = String::with_capacity(self.shown.len() + 1 + rel.len());
        name.push_str(&self.shown);
        name.push('/');
        name.push_str(rel);
        name
    }

    /// The path inside the export of a file named by [`Self::name`].
    pub(crate) fn rel_of<'n>(&self, name: &'n str) -> Option<&'n str> {
        name.strip_prefix(self.shown.as_str())?.strip_prefix('/')
    }

    /// Reads `rel` (a path with `/` inside the export) as text, or `None` when it
    /// does not exist.
    ///
    /// A large export is tens of thousands of small files, so the common case
    /// costs four system calls: open (refusing a final symbolic link and never
    /// waiting on a FIFO), one status of the open file (its kind and size), one
    /// read of that size, close. The folders on
    /// the way are checked for links once each ([`Self::has_link`]); a file that
    /// is itself a link is resolved and checked like them.
    pub(crate) fn read(&self, rel: &str) -> Result<Option<SourceFile>, ImportError> {
        let path = self.root.join(rel);
        let name = self.name(rel);
        let (folder, file_name) = rel.rsplit_once('/').unwrap_or(("", rel));
        let plain_name = !matches!(file_name, "" | "." | "..");
        let folder_linked = match folder {
            "" => false,
            folder => match self.has_link(folder) {
                None => return Ok(None),
                Some(linked) => linked,
            },
        };
        let io = |e: std::io::Error| {
            file_error(
                ImportCode::Io,
                &name,
                format!("cannot read `{name}`: {e}"),
                None,
            )
        };
        let opened = if folder_linked || !plain_name {
            Err(Opened::Linked)
        } else {
            open_no_follow(&path)
        };
        let file = match opened {
            Ok(file) => file,
            Err(Opened::Missing) => return Ok(None),
            Err(Opened::Failed(e)) => return Err(io(e)),
            Err(Opened::Linked) => {
                if std::fs::symlink_metadata(&path).is_err() {
                    return Ok(None);
                }
                self.check_resolved(&path, &name)?;
                open_no_wait(&path).map_err(io)?
            }
        };
        let meta = file.metadata().map_err(io)?;
        if !meta.is_file() {
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
        let too_large = || {
            file_error(
                ImportCode::SizeLimit,
                &name,
                format!("`{name}` is larger than {} bytes", self.limit),
                Some("raise the bound with `--max-file-bytes` if the file is genuine".into()),
            )
        };
        if meta.len() > self.limit {
            return Err(too_large());
        }
        // One read of that size straight into the shared buffer the text
        // keeps ([`crate::input::read_regular`]); the bound holds whatever
        // the file does.
        let size = usize::try_from(meta.len()).unwrap_or(0);
        let limit = usize::try_from(self.limit).unwrap_or(usize::MAX - 1);
        match crate::input::read_regular(file, size, limit) {
            Ok(bytes) => text(name, bytes).map(Some),
            Err(ReadError::TooLarge { .. }) => Err(too_large()),
            Err(ReadError::Io(e)) => Err(io(e)),
        }
    }

    /// Whether a symbolic link lies on the way from the export folder to `rel`
    /// (`None` when `rel` does not exist). Folders already walked are
    /// remembered: a large export has tens of thousands of files in a few
    /// thousand folders, and each check is a system call.
    fn has_link(&self, rel: &str) -> Option<bool> {
        // The folder itself walked already: the common case, each customer
        // folder being asked for each of its files.
        if self.plain_dirs.lock().is_ok_and(|d| d.contains(rel)) {
            return Some(false);
        }
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
        let linked = self.has_link(rel) == Some(true);
        if linked {
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
                // Reached without a link only if `rel` was.
                if !linked {
                    if let Ok(mut dirs) = self.plain_dirs.lock() {
                        dirs.insert(child_rel);
                    }
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

/// Why a file was not opened by [`open_no_follow`].
enum Opened {
    /// It does not exist.
    Missing,
    /// It is a symbolic link (or its folder has one): resolve it first.
    Linked,
    /// Any other failure.
    Failed(std::io::Error),
}

/// Opens a file for reading without following a final symbolic link.
#[cfg(unix)]
fn open_no_follow(path: &Path) -> Result<std::fs::File, Opened> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| match e.raw_os_error() {
            Some(libc::ELOOP) => Opened::Linked,
            _ if e.kind() == std::io::ErrorKind::NotFound => Opened::Missing,
            _ => Opened::Failed(e),
        })
}

/// Opens a file for reading without following a final symbolic link.
#[cfg(not(unix))]
fn open_no_follow(path: &Path) -> Result<std::fs::File, Opened> {
    match std::fs::symlink_metadata(path) {
        Err(_) => Err(Opened::Missing),
        Ok(meta) if meta.file_type().is_symlink() => Err(Opened::Linked),
        Ok(_) => open_no_wait(path).map_err(Opened::Failed),
    }
}

/// Opens a file for reading; opening a FIFO returns at once instead of
/// waiting for a writer (it is then refused as not a regular file).
fn open_no_wait(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

/// The bytes as UTF-8 text (a leading byte-order mark, as the portal's CSV
/// downloads carry, is dropped), shared without a copy when there is none.
fn text(name: String, bytes: Arc<[u8]>) -> Result<SourceFile, ImportError> {
    let not_utf8 = |e: std::str::Utf8Error| {
        file_error(
            ImportCode::Io,
            &name,
            format!(
                "`{name}` is not UTF-8 (invalid byte at offset {})",
                e.valid_up_to()
            ),
            Some("save the export as UTF-8".into()),
        )
    };
    let text = match bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        Some(rest) => Arc::from(std::str::from_utf8(rest).map_err(not_utf8)?),
        None => shared_str(bytes).map_err(not_utf8)?,
    };
    Ok(SourceFile::new(name, text))
}

/// A path for messages, with forward slashes.
pub(crate) fn display(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder listed through a link is not taken for one reached without
    /// a link, nor are its sub-folders: files under them go the way of
    /// linked files (resolved, and refused if they lead out of the export).
    #[cfg(unix)]
    #[test]
    fn folders_under_a_link_are_not_taken_for_plain_ones() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::create_dir_all(root.join("saved/c1")).unwrap();
        std::fs::create_dir_all(root.join("plain/c2")).unwrap();
        std::os::unix::fs::symlink("saved", root.join("linked")).unwrap();
        let dir = ExportDir::open(root, 1 << 20).unwrap();
        assert_eq!(dir.folders("linked").unwrap(), ["c1"]);
        assert_eq!(dir.has_link("linked/c1"), Some(true));
        assert_eq!(dir.has_link("linked"), Some(true));
        assert_eq!(dir.folders("plain").unwrap(), ["c2"]);
        assert_eq!(dir.has_link("plain/c2"), Some(false));
        assert_eq!(dir.has_link("plain/missing"), None);
    }
}
