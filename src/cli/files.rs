//! Finding scenario and rule files under the paths the user gives.
//!
//! A path named on the command line is used as it is (a file, a pipe, a
//! device: the read is bounded either way, see [`crate::input`]). A folder is
//! walked in sorted order, so output never depends on the order the file
//! system lists entries in, and without trusting what it holds, since in CI
//! it comes from a pull request:
//!
//! - symbolic links are not followed, and are reported with a warning when
//!   they look like input (a wanted extension, or a link to a folder); with
//!   `--follow-symlinks` they are followed when they stay inside the folder
//!   given, and a link that leaves it is an input error;
//! - an entry with a wanted extension that is not a regular file (a FIFO, a
//!   device, a socket) is an input error, and is never opened;
//! - no file or folder is visited twice (hard links, links into a folder
//!   already walked, loops);
//! - hidden entries are skipped, and a `.eligoignore` file in a folder lists
//!   paths below it to skip, with `.gitignore` syntax (`*`, `**`, `?`, `[…]`,
//!   `!` to re-include, a trailing `/` for folders, a leading `/` to anchor,
//!   `#` comments), matched in time linear in the name by the `ignore`
//!   crate's matcher. A `.eligoignore` is read within [`MAX_IGNORE_BYTES`].

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::Match;
use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::escape;

/// Largest rule file read, in bytes (the default pack is about 40 KB).
pub(crate) const MAX_RULE_FILE_BYTES: usize = 16 << 20;

/// Largest `.eligoignore` file read, in bytes.
pub(crate) const MAX_IGNORE_BYTES: usize = 1 << 20;

/// Whether folder walks follow symbolic links that stay inside the folder
/// (`--follow-symlinks`, set once by the command line).
static FOLLOW_SYMLINKS: AtomicBool = AtomicBool::new(false);

/// Sets whether folder walks follow symbolic links that stay inside the folder.
pub(crate) fn set_follow_symlinks(follow: bool) {
    FOLLOW_SYMLINKS.store(follow, Ordering::Relaxed);
}

/// What a walk found: the files, and what it refused.
#[derive(Debug, Default)]
pub(crate) struct Found {
    /// The files, in order.
    pub files: Vec<PathBuf>,
    /// Entries that look like input but were not read: input errors.
    pub refused: Vec<Refused>,
}

/// An entry a walk did not read, and why.
#[derive(Debug)]
pub(crate) struct Refused {
    /// The entry.
    pub path: PathBuf,
    /// Why, in words (a message in cedar's style).
    pub message: String,
    /// What to do about it.
    pub help: String,
}

/// Scenario files under `path`: the file itself, or every `*.yaml`/`*.yml` below a folder.
pub(crate) fn scenario_files(path: &Path) -> io::Result<Found> {
    collect(path, &["yaml", "yml"])
}

/// Rule files under `path`: the file itself, or every `*.rules` below a folder.
pub(crate) fn rule_files(path: &Path) -> io::Result<Found> {
    collect(path, &["rules"])
}

/// Whether `path` is `-`, standard input.
pub(crate) fn is_stdin(path: &Path) -> bool {
    path == Path::new("-")
}

/// The name standard input has in reports when `--stdin-filename` is not given.
pub(crate) const STDIN_NAME: &str = "<stdin>";

/// Reads the scenario at `path`, or standard input for `-` (shown as
/// `stdin_name`, or [`STDIN_NAME`]).
pub(crate) fn read_input(
    path: &Path,
    stdin_name: Option<&str>,
    limits: &crate::scenario::Limits,
) -> Result<crate::source::SourceFile, crate::scenario::ScenarioError> {
    if is_stdin(path) {
        let name = stdin_name.unwrap_or(STDIN_NAME).to_string();
        crate::scenario::read_scenario_stdin(name, limits)
    } else {
        crate::scenario::read_scenario(path, limits)
    }
}

/// Prints a warning on stderr, its user text escaped.
pub(crate) fn warn(message: &str) {
    eprintln!("warning: {}", escape::value(message));
}

fn collect(path: &Path, extensions: &[&str]) -> io::Result<Found> {
    if is_stdin(path) || !std::fs::metadata(path)?.is_dir() {
        return Ok(Found {
            files: vec![path.to_path_buf()],
            refused: Vec::new(),
        });
    }
    let mut walk = Walk {
        root: std::fs::canonicalize(path)?,
        follow: FOLLOW_SYMLINKS.load(Ordering::Relaxed),
        extensions,
        seen: HashSet::new(),
        found: Found::default(),
    };
    walk.run(path)?;
    Ok(walk.found)
}

/// The ignore files in force in a folder, innermost last.
type Ignores = Rc<Vec<Gitignore>>;

/// One walk of a folder given on the command line.
struct Walk<'a> {
    /// The folder, with every link resolved: followed links must stay in it.
    root: PathBuf,
    follow: bool,
    extensions: &'a [&'a str],
    /// Files and folders visited, by identity.
    seen: HashSet<FileKey>,
    found: Found,
}

/// What is still to visit: an entry and the ignore files above it.
enum Step {
    Folder(PathBuf, Ignores),
    File(PathBuf),
}

impl Walk<'_> {
    /// Walks `start` depth first, entries in sorted order, without recursion
    /// (a deep tree cannot overflow the stack).
    fn run(&mut self, start: &Path) -> io::Result<()> {
        let meta = std::fs::metadata(start)?;
        self.seen.insert(FileKey::of(start, &meta));
        let mut stack = vec![Step::Folder(start.to_path_buf(), Rc::new(Vec::new()))];
        let mut first = true;
        while let Some(step) = stack.pop() {
            match step {
                Step::File(path) => self.found.files.push(path),
                Step::Folder(dir, ignores) => {
                    let entries = match self.entries(&dir) {
                        Ok(entries) => entries,
                        // The folder given must be readable; one below it
                        // that is not is reported and skipped.
                        Err(e) if first => return Err(e),
                        Err(e) => {
                            warn(&format!("cannot read folder `{}`: {e}", dir.display()));
                            continue;
                        }
                    };
                    first = false;
                    let ignores = self.ignores_of(&dir, ignores);
                    let mut next = Vec::new();
                    for entry in entries {
                        if let Some(step) = self.visit(entry, &ignores) {
                            next.push(step);
                        }
                    }
                    stack.extend(next.into_iter().rev());
                }
            }
        }
        Ok(())
    }

    /// The entries of `dir`, sorted by name.
    fn entries(&self, dir: &Path) -> io::Result<Vec<std::fs::DirEntry>> {
        let mut entries: Vec<std::fs::DirEntry> =
            std::fs::read_dir(dir)?.filter_map(Result::ok).collect();
        entries.sort_by_key(std::fs::DirEntry::file_name);
        Ok(entries)
    }

    /// What to do with one entry: walk it, take it, or leave it.
    fn visit(&mut self, entry: std::fs::DirEntry, ignores: &Ignores) -> Option<Step> {
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            return None;
        }
        let kind = entry.file_type().ok()?;
        let wanted = self.wanted(&path);
        if kind.is_symlink() {
            return self.link(path, wanted, ignores);
        }
        if is_ignored(&path, kind.is_dir(), ignores) {
            return None;
        }
        let meta = entry.metadata().ok()?;
        if kind.is_dir() {
            return self
                .first_visit(&path, &meta)
                .then(|| Step::Folder(path, Rc::clone(ignores)));
        }
        if !wanted {
            return None;
        }
        if !kind.is_file() {
            self.refuse(
                path,
                "is not a regular file (a FIFO, a device or a socket)",
                "remove it, or list it in a `.eligoignore` file",
            );
            return None;
        }
        self.first_visit(&path, &meta).then_some(Step::File(path))
    }

    /// A symbolic link: followed only when asked to and when it stays inside
    /// the folder given.
    fn link(&mut self, path: PathBuf, wanted: bool, ignores: &Ignores) -> Option<Step> {
        // `metadata` follows the link; a dangling link has none.
        let target = std::fs::metadata(&path).ok();
        let is_dir = target.as_ref().is_some_and(std::fs::Metadata::is_dir);
        if (!wanted && !is_dir) || is_ignored(&path, is_dir, ignores) {
            return None;
        }
        if !self.follow {
            warn(&format!(
                "skipped symbolic link `{}`: links are not followed \
                 (`--follow-symlinks` follows those that stay inside the folder)",
                path.display()
            ));
            return None;
        }
        let resolved = std::fs::canonicalize(&path).ok();
        let (Some(meta), Some(resolved)) = (target, resolved) else {
            warn(&format!(
                "skipped dangling symbolic link `{}`",
                path.display()
            ));
            return None;
        };
        if !resolved.starts_with(&self.root) {
            self.refuse(
                path,
                "is a symbolic link that leaves the folder given",
                "eligo reads nothing outside the folders it is given; remove the link",
            );
            return None;
        }
        if meta.is_dir() {
            return self
                .first_visit(&resolved, &meta)
                .then(|| Step::Folder(path, Rc::clone(ignores)));
        }
        if !meta.is_file() {
            self.refuse(
                path,
                "links to something that is not a regular file",
                "remove the link, or list it in a `.eligoignore` file",
            );
            return None;
        }
        self.first_visit(&resolved, &meta)
            .then_some(Step::File(path))
    }

    fn wanted(&self, path: &Path) -> bool {
        path.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| self.extensions.contains(&e))
    }

    /// Notes a file or folder as visited; false if it was already.
    fn first_visit(&mut self, path: &Path, meta: &std::fs::Metadata) -> bool {
        self.seen.insert(FileKey::of(path, meta))
    }

    fn refuse(&mut self, path: PathBuf, why: &str, help: &str) {
        self.found.refused.push(Refused {
            message: format!("`{}` {why}", path.display()),
            help: help.to_string(),
            path,
        });
    }

    /// The ignore files in force in `dir`: those above it, and its own
    /// `.eligoignore` if it has a readable one.
    fn ignores_of(&self, dir: &Path, above: Ignores) -> Ignores {
        let file = dir.join(".eligoignore");
        let Ok(meta) = std::fs::symlink_metadata(&file) else {
            return above;
        };
        let regular = meta.is_file()
            || (self.follow
                && meta.file_type().is_symlink()
                && std::fs::canonicalize(&file).is_ok_and(|t| t.starts_with(&self.root))
                && std::fs::metadata(&file).is_ok_and(|m| m.is_file()));
        if !regular {
            warn(&format!(
                "ignored `{}`: not a regular file inside the folder",
                file.display()
            ));
            return above;
        }
        match crate::input::read_text(&file, MAX_IGNORE_BYTES) {
            Ok(text) => {
                let mut list = (*above).clone();
                list.push(parse_ignore(dir, &file, &text));
                Rc::new(list)
            }
            Err(e) => {
                warn(&format!("ignored `{}`: {e}", file.display()));
                above
            }
        }
    }
}

/// A `.eligoignore` file's patterns, relative to `dir`. A pattern that is not
/// a valid glob is reported and left out.
fn parse_ignore(dir: &Path, file: &Path, text: &str) -> Gitignore {
    let mut builder = GitignoreBuilder::new(dir);
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Err(e) = builder.add_line(Some(file.to_path_buf()), line) {
            warn(&format!(
                "{}:{}: invalid pattern: {e}",
                file.display(),
                n + 1
            ));
        }
    }
    builder.build().unwrap_or_else(|e| {
        warn(&format!("ignored `{}`: {e}", file.display()));
        Gitignore::empty()
    })
}

/// Whether the innermost ignore file that has a say ignores `path`.
fn is_ignored(path: &Path, is_dir: bool, ignores: &[Gitignore]) -> bool {
    for ignore in ignores.iter().rev() {
        match ignore.matched(path, is_dir) {
            Match::Ignore(_) => return true,
            Match::Whitelist(_) => return false,
            Match::None => {}
        }
    }
    false
}

/// What makes two paths the same file: device and inode where there are
/// such, the canonical path elsewhere.
#[derive(Debug, Hash, PartialEq, Eq)]
enum FileKey {
    #[cfg_attr(not(unix), allow(dead_code))]
    Inode(u64, u64),
    #[cfg_attr(unix, allow(dead_code))]
    Path(PathBuf),
}

impl FileKey {
    #[cfg(unix)]
    fn of(_path: &Path, meta: &std::fs::Metadata) -> FileKey {
        use std::os::unix::fs::MetadataExt;
        FileKey::Inode(meta.dev(), meta.ino())
    }

    #[cfg(not(unix))]
    fn of(path: &Path, _meta: &std::fs::Metadata) -> FileKey {
        FileKey::Path(std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ignore(patterns: &str) -> Gitignore {
        parse_ignore(Path::new("/r"), Path::new("/r/.eligoignore"), patterns)
    }

    #[test]
    fn patterns_follow_gitignore() {
        let gi = ignore("invalid/\n*.tmp.yaml\n!keep.tmp.yaml\n/top.yaml\ndeep/**/x.yaml\n");
        let ignored =
            |p: &str, dir: bool| is_ignored(Path::new(p), dir, &[ignore("").clone(), gi.clone()]);
        assert!(ignored("/r/invalid", true));
        assert!(ignored("/r/a/invalid", true));
        assert!(!ignored("/r/invalid", false));
        assert!(ignored("/r/a/b.tmp.yaml", false));
        assert!(!ignored("/r/a/keep.tmp.yaml", false));
        assert!(ignored("/r/top.yaml", false));
        assert!(!ignored("/r/a/top.yaml", false));
        assert!(ignored("/r/deep/a/b/x.yaml", false));
    }

    #[test]
    fn backtracking_patterns_end_at_once() {
        let gi = ignore("*a*a*a*a*a*a*b\n*a*a*a*a*a*a*a*a*a*a*a*a*a*b\n");
        let name = format!("/r/{}", "a".repeat(200));
        let start = std::time::Instant::now();
        assert!(!is_ignored(Path::new(&name), false, &[gi]));
        assert!(start.elapsed() < std::time::Duration::from_secs(2));
    }
}
