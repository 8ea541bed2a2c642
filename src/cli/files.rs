//! Finding scenario and rule files under the paths the user gives.
//!
//! Folders are walked recursively in sorted order, so output never depends on the
//! order the file system lists entries in. A `.eligoignore` file in a folder
//! names paths below it to skip (one pattern a line, `*` matching within a path
//! segment, a trailing `/` for folders, `#` for comments), the way `.gitignore`
//! does for git.

use std::io;
use std::path::{Path, PathBuf};

/// Scenario files under `path`: the file itself, or every `*.yaml`/`*.yml` below a folder.
pub fn scenario_files(path: &Path) -> io::Result<Vec<PathBuf>> {
    collect(path, &["yaml", "yml"])
}

/// Rule files under `path`: the file itself, or every `*.rules` below a folder.
pub fn rule_files(path: &Path) -> io::Result<Vec<PathBuf>> {
    collect(path, &["rules"])
}

fn collect(path: &Path, extensions: &[&str]) -> io::Result<Vec<PathBuf>> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut out = Vec::new();
    walk(path, &[], extensions, &mut out)?;
    Ok(out)
}

/// An ignore pattern and the folder it is relative to.
#[derive(Clone)]
struct Ignore {
    base: PathBuf,
    pattern: String,
}

fn walk(
    dir: &Path,
    inherited: &[Ignore],
    extensions: &[&str],
    out: &mut Vec<PathBuf>,
) -> io::Result<()> {
    let mut ignores = inherited.to_vec();
    if let Ok(text) = std::fs::read_to_string(dir.join(".eligoignore")) {
        for line in text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
        {
            ignores.push(Ignore {
                base: dir.to_path_buf(),
                pattern: line.to_string(),
            });
        }
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for entry in entries {
        let hidden = entry
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        let is_dir = entry.is_dir();
        if hidden || is_ignored(&entry, is_dir, &ignores) {
            continue;
        }
        if is_dir {
            walk(&entry, &ignores, extensions, out)?;
        } else if entry
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| extensions.contains(&e))
        {
            out.push(entry);
        }
    }
    Ok(())
}

fn is_ignored(path: &Path, is_dir: bool, ignores: &[Ignore]) -> bool {
    ignores.iter().any(|ig| {
        let Ok(rel) = path.strip_prefix(&ig.base) else {
            return false;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        let (pattern, dir_only) = match ig.pattern.strip_suffix('/') {
            Some(p) => (p, true),
            None => (ig.pattern.as_str(), false),
        };
        (!dir_only || is_dir) && glob_match(pattern.trim_start_matches('/'), &rel)
    })
}

/// `*` matches any run of characters except `/`; everything else matches itself.
fn glob_match(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, tail)) => {
            let Some(rest) = text.strip_prefix(head) else {
                return false;
            };
            (0..=rest.len())
                .take_while(|&i| !rest[..i].contains('/'))
                .filter(|&i| rest.is_char_boundary(i))
                .any(|i| glob_match(tail, &rest[i..]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn globs_match_within_a_segment() {
        assert!(glob_match("invalid", "invalid"));
        assert!(glob_match("*.yaml", "a.yaml"));
        assert!(!glob_match("*.yaml", "dir/a.yaml"));
        assert!(glob_match("wip-*", "wip-1"));
        assert!(!glob_match("wip-*", "done"));
    }
}
