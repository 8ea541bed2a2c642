//! The files an import has read. Each is let go as soon as it is parsed (a
//! customer folder's files at once; an export's own profile and customer
//! list once the export's customers are read), keeping only what it takes
//! to read it again for a diagnostic found later (a reference to no
//! subscription, a subscription listed twice, an unknown reseller), which
//! is rare.
//!
//! Why: the folders' files are nearly all of an export (164 MB in the 43,047
//! files of a 100k export shaped like Partner Center's responses). Kept, each
//! file's text is fresh memory that the system must hand over and zero page
//! by page while both cores read; let go, the next file is read into the
//! memory the last one freed. Measured in BENCHMARKS.md ("Stop 27").

use std::hash::BuildHasher;
use std::sync::{Arc, OnceLock};

use hashbrown::DefaultHashBuilder;

use super::read::ExportDir;
use crate::source::SourceFile;

/// A file read: kept whole, or let go once parsed.
#[derive(Debug)]
pub(crate) enum ReadFile {
    /// Kept for the whole import (boxed: nearly every file is let go).
    Kept(Box<SourceFile>),
    /// Parsed and let go.
    Released(Released),
}

/// What it takes to read a file again, and to know it is the file that was
/// parsed: its name (which holds its path in the export), its length and a
/// hash of its text. Kept for each of tens of thousands of files, so kept
/// small: the text read again is boxed.
#[derive(Debug)]
pub(crate) struct Released {
    /// Its display name.
    pub name: Arc<str>,
    /// The export folder it is in.
    dir: Arc<ExportDir>,
    /// Its length in bytes when parsed.
    len: usize,
    /// The hash of its text when parsed.
    hash: u64,
    /// The text read again, if it is still the same (read once, on the first
    /// diagnostic that needs it).
    again: OnceLock<Option<Box<SourceFile>>>,
}

impl Released {
    /// Lets `file`, read from `dir`, go.
    pub(crate) fn new(dir: &Arc<ExportDir>, file: SourceFile) -> Self {
        Released {
            name: Arc::from(file.name.as_str()),
            dir: Arc::clone(dir),
            len: file.text.len(),
            hash: hash(&file.text),
            again: OnceLock::new(),
        }
    }

    /// The text read again, or `None` when it is gone or no longer the text
    /// that was parsed (its places would point at other text).
    fn text(&self) -> Option<&SourceFile> {
        self.again
            .get_or_init(|| {
                let rel = self.dir.rel_of(&self.name)?;
                let file = self.dir.read(rel).ok().flatten()?;
                let same = file.text.len() == self.len && hash(&file.text) == self.hash;
                same.then(|| Box::new(file))
            })
            .as_deref()
    }
}

/// One hasher for the whole process (seeded at random, as a map's own is),
/// so that a text hashes the same when read again, or on another core.
pub(crate) fn hash(text: &str) -> u64 {
    static HASHER: OnceLock<DefaultHashBuilder> = OnceLock::new();
    HASHER
        .get_or_init(DefaultHashBuilder::default)
        .hash_one(text)
}

impl ReadFile {
    /// Its text: kept, or read again (`None` when it changed or is gone).
    pub(crate) fn text(&self) -> Option<&SourceFile> {
        match self {
            ReadFile::Kept(file) => Some(file),
            ReadFile::Released(released) => released.text(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::error::{ImportCode, ImportError};
    use crate::import::model::{Loc, Raw};

    /// A customer folder's file read from a fresh export folder, and let go.
    fn released(text: &str) -> (tempfile::TempDir, Arc<ExportDir>, Raw) {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("customers/c1")).unwrap();
        std::fs::write(tmp.path().join("customers/c1/subscriptions.json"), text).unwrap();
        let dir = Arc::new(ExportDir::open(tmp.path(), 1 << 20).unwrap());
        let rel = "customers/c1/subscriptions.json";
        let file = dir.read(rel).unwrap().unwrap();
        let mut raw = Raw::default();
        raw.add_released(Released::new(&dir, file));
        (tmp, dir, raw)
    }

    fn error(raw: &Raw, span: (usize, usize)) -> ImportError {
        let loc = Loc { file: 0, span };
        let message = "subscription `x` is in no export's subscriptions".to_string();
        let help = Some("save it again".to_string());
        raw.error_at(ImportCode::UnknownReference, loc, message, "unknown", help)
    }

    #[test]
    fn a_file_let_go_is_read_again_for_an_error_at_its_line_and_column() {
        let (_tmp, _dir, raw) = released("[\n  {\"id\": \"x\"}\n]\n");
        let e = error(&raw, (11, 14));
        let pos = e.pos.unwrap();
        assert_eq!((pos.line, pos.column, pos.offset, pos.len), (2, 10, 11, 3));
        assert!(e.src.is_some());
        assert!(
            e.path.ends_with("customers/c1/subscriptions.json"),
            "{}",
            e.path
        );
    }

    #[test]
    fn a_file_changed_after_it_was_read_gives_the_offset_not_another_texts_place() {
        let (tmp, _dir, raw) = released("[\n  {\"id\": \"x\"}\n]\n");
        // Same length, other text: its places would point at other values.
        let path = tmp.path().join("customers/c1/subscriptions.json");
        std::fs::write(&path, "[\n  {\"id\": \"y\"}\n]\n").unwrap();
        let e = error(&raw, (11, 14));
        assert!(e.pos.is_none() && e.src.is_none());
        let said = format!("at byte 11 of `{}`, which changed", e.path);
        assert!(e.message.contains(&said), "{}", e.message);
        assert_eq!(e.help.as_deref(), Some("save it again; import again"));
        // Gone altogether (its export folder removed): the same.
        let (folder, _dir, gone) = released("[]");
        drop(folder);
        assert!(error(&gone, (0, 1))
            .message
            .contains("which changed after it was read"));
    }
}
