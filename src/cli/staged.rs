//! An output file written beside its destination while the command is still
//! working, and renamed over the destination only once the command has
//! succeeded: the write overlaps the command's own work instead of following
//! it, and a failed or interrupted run leaves the old file as it was.
//!
//! Only a plain destination is staged: a new file, or a regular file with a
//! single link. Anything else (a symbolic link, a FIFO, `/dev/stdout`, a
//! file with other hard links) is written through after success, as
//! `std::fs::write` would ([`write_through`]), so that renaming never
//! replaces what the user pointed at.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

/// An output file written beside its destination as the command works,
/// for a plain destination.
#[derive(Debug)]
pub(crate) struct Staged {
    dest: PathBuf,
    file: NamedTempFile,
}

impl Staged {
    /// An empty file beside `dest`, when `dest` is a plain destination;
    /// `None` when the output must be written through once the command has
    /// succeeded ([`write_through`]; see the module documentation).
    pub(crate) fn new(dest: &Path) -> io::Result<Option<Staged>> {
        let Some(permissions) = plain_destination(dest)? else {
            return Ok(None);
        };
        Ok(Some(Staged {
            dest: dest.to_path_buf(),
            file: temporary_file(dest, permissions)?,
        }))
    }

    /// The file to write the output into: its data is sent on to the disk
    /// as it is written ([`SentOn`]).
    pub(crate) fn writer(&mut self) -> SentOn<'_> {
        SentOn {
            file: self.file.as_file_mut(),
            windows: Windows::new(SEND_EVERY),
        }
    }

    /// Puts the file in place: renames it over the destination. Dropped
    /// before this, it is removed.
    pub(crate) fn commit(self) -> io::Result<()> {
        self.file.persist(&self.dest).map(drop).map_err(|e| e.error)
    }
}

/// How many bytes are written before the system is asked to start putting
/// them on the disk.
const SEND_EVERY: u64 = 8 << 20;

/// A staged file that asks the system to start writing its data to the disk
/// every [`SEND_EVERY`] bytes, without waiting for it.
///
/// Why: on ext4, renaming a file over another (the [`Staged::commit`] of a
/// destination that exists) first writes out all of the new file's data that
/// is still only in memory, so that a crash cannot leave an empty file in its
/// place (the `auto_da_alloc` mount option, on by default). With a 57 MB
/// scenario the rename took 37 ms, after all else was done; with the data
/// sent on as it is written, 13 ms, the disk working while the command did
/// (`strace -T`; BENCHMARKS.md, "Stop 32").
/// Nothing is waited for, so no write is made slower.
pub(crate) struct SentOn<'f> {
    file: &'f mut std::fs::File,
    windows: Windows,
}

impl Write for SentOn<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.file.write(buf)?;
        if let Some((from, len)) = self.windows.wrote(n) {
            start_writeback(self.file, from, len);
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// The runs of a file written so far that are due to be sent on: every run
/// of at least `every` bytes, one after another from the start.
#[derive(Debug)]
struct Windows {
    every: u64,
    written: u64,
    sent: u64,
}

impl Windows {
    fn new(every: u64) -> Self {
        Windows {
            every,
            written: 0,
            sent: 0,
        }
    }

    /// Counts `n` more bytes written; the run (start and length) to send on
    /// now, if one is due.
    fn wrote(&mut self, n: usize) -> Option<(u64, u64)> {
        self.written = self.written.saturating_add(n as u64);
        let due = self.written - self.sent;
        (due >= self.every).then(|| {
            let run = (self.sent, due);
            self.sent = self.written;
            run
        })
    }
}

/// Asks the system to start writing the `len` bytes from `from` of `file`
/// to the disk, without waiting for them (`sync_file_range` with
/// `SYNC_FILE_RANGE_WRITE`). It is a hint: when it fails, the data is
/// written as it would have been without it.
#[cfg(target_os = "linux")]
fn start_writeback(file: &std::fs::File, from: u64, len: u64) {
    use std::os::fd::AsRawFd;
    let (Ok(from), Ok(len)) = (i64::try_from(from), i64::try_from(len)) else {
        return;
    };
    #[allow(unsafe_code)]
    // SAFETY: the descriptor is the open file's own, open for the whole call;
    // the call reads nothing from this process's memory.
    unsafe {
        libc::sync_file_range(file.as_raw_fd(), from, len, libc::SYNC_FILE_RANGE_WRITE);
    }
}

/// Elsewhere the system writes the data out in its own time.
#[cfg(not(target_os = "linux"))]
fn start_writeback(_file: &std::fs::File, _from: u64, _len: u64) {}

/// An empty temporary file in `dest`'s folder, named after it.
fn temporary_file(
    dest: &Path,
    permissions: Option<std::fs::Permissions>,
) -> io::Result<NamedTempFile> {
    let folder = dest
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    if let Some(permissions) = permissions {
        builder.permissions(permissions);
    }
    builder.tempfile_in(folder)
}

/// Writes `text` (its pieces, in order) to `dest` as `std::fs::write` would:
/// for a destination that is not staged, once the command has succeeded.
pub(crate) fn write_through(dest: &Path, text: &[impl AsRef<[u8]>]) -> io::Result<()> {
    write_pieces(&mut std::fs::File::create(dest)?, text)
}

/// Writes the pieces of a text, in order.
fn write_pieces(out: &mut impl Write, text: &[impl AsRef<[u8]>]) -> io::Result<()> {
    text.iter()
        .try_for_each(|piece| out.write_all(piece.as_ref()))
}

/// The permissions a staged file of `dest` is created with when `dest` can
/// be staged (`Some(None)`: a new file, created as `std::fs::write` creates
/// one), or `None` when it must be written through.
fn plain_destination(dest: &Path) -> io::Result<Option<Option<std::fs::Permissions>>> {
    match std::fs::symlink_metadata(dest) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Some(new_file_permissions())),
        Err(_) => Ok(None),
        Ok(meta) if meta.file_type().is_file() && single_link(&meta) => {
            Ok(Some(Some(meta.permissions())))
        }
        Ok(_) => Ok(None),
    }
}

/// The permissions of a new file: read and write for all, less the umask
/// (as `std::fs::write` creates it; a temporary file is private by default).
#[cfg(unix)]
fn new_file_permissions() -> Option<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(std::fs::Permissions::from_mode(0o666))
}

/// The permissions of a new file: the system's default.
#[cfg(not(unix))]
fn new_file_permissions() -> Option<std::fs::Permissions> {
    None
}

/// Whether no other hard link shares the file (renaming over it would part
/// them).
#[cfg(unix)]
fn single_link(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    meta.nlink() == 1
}

/// Whether no other hard link shares the file.
#[cfg(not(unix))]
fn single_link(_meta: &std::fs::Metadata) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leftovers(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect()
    }

    /// `dest` staged, with `text` written beside it.
    fn staged_with(dest: &Path, text: &[&str]) -> Staged {
        let mut staged = Staged::new(dest).unwrap().expect("a plain destination");
        write_pieces(&mut staged.writer(), text).unwrap();
        staged
    }

    #[test]
    fn every_byte_written_is_sent_on_once_in_runs_of_at_least_the_step() {
        let mut windows = Windows::new(8);
        let writes = [3, 4, 1, 20, 0, 7, 2, 9, 5];
        let runs: Vec<(u64, u64)> = writes.iter().filter_map(|&n| windows.wrote(n)).collect();
        assert_eq!(runs, [(0, 8), (8, 20), (28, 9), (37, 9)]);
        // What is left (5 bytes) is not yet due.
        assert_eq!(windows.wrote(0), None);
    }

    #[test]
    fn a_file_sent_on_as_written_holds_what_was_written() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out.yaml");
        std::fs::write(&dest, "old\n").unwrap();
        // More than three runs' worth, in pieces that straddle the runs.
        let piece = "x".repeat(1 << 20) + "\n";
        let pieces: Vec<&str> = std::iter::repeat_n(piece.as_str(), 30).collect();
        staged_with(&dest, &pieces).commit().unwrap();
        assert_eq!(std::fs::read_to_string(&dest).unwrap(), pieces.concat());
    }

    #[test]
    fn a_new_file_appears_only_when_committed() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out.yaml");
        let staged = staged_with(&dest, &["a:", " 1\n", "b: 2\n"]);
        assert!(!dest.exists());
        staged.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&dest).unwrap(), "a: 1\nb: 2\n");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn an_output_dropped_before_its_commit_leaves_the_old_file_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out.yaml");
        std::fs::write(&dest, "old\n").unwrap();
        drop(staged_with(&dest, &["new\n"]));
        assert_eq!(std::fs::read_to_string(&dest).unwrap(), "old\n");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn a_replaced_file_keeps_its_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out.yaml");
        std::fs::write(&dest, "old\n").unwrap();
        std::fs::set_permissions(&dest, std::fs::Permissions::from_mode(0o640)).unwrap();
        staged_with(&dest, &["new\n"]).commit().unwrap();
        let mode = std::fs::metadata(&dest).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
        assert_eq!(std::fs::read_to_string(&dest).unwrap(), "new\n");
    }

    #[cfg(unix)]
    #[test]
    fn a_new_file_is_not_private_like_a_temporary_one() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let staged = dir.path().join("staged.yaml");
        let written = dir.path().join("written.yaml");
        staged_with(&staged, &["a\n"]).commit().unwrap();
        std::fs::write(&written, "a\n").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode();
        assert_eq!(mode(&staged), mode(&written));
    }

    #[cfg(unix)]
    #[test]
    fn a_link_is_written_through_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target.yaml");
        let link = dir.path().join("link.yaml");
        std::fs::write(&target, "old\n").unwrap();
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(Staged::new(&link).unwrap().is_none());
        write_through(&link, &["ne", "", "w\n"]).unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new\n");
    }

    #[cfg(unix)]
    #[test]
    fn a_file_with_another_hard_link_is_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out.yaml");
        let other = dir.path().join("other.yaml");
        std::fs::write(&dest, "old\n").unwrap();
        std::fs::hard_link(&dest, &other).unwrap();
        assert!(Staged::new(&dest).unwrap().is_none());
        write_through(&dest, &["new\n"]).unwrap();
        assert_eq!(std::fs::read_to_string(&other).unwrap(), "new\n");
    }
}
