//! What SARIF consumers use to place and track results: artifact URIs relative
//! to the repository root, stable fingerprints, rule names and help links.

use std::path::{Component, Path, PathBuf};

/// The `uriBaseId` of every artifact under the root (the name GitHub and
/// Microsoft's tools use for the source root).
pub(crate) const SRCROOT: &str = "%SRCROOT%";

/// The key of the fingerprint in `partialFingerprints`.
pub(crate) const FINGERPRINT_KEY: &str = "eligo/ruleSubject/v1";

/// The folder artifact URIs are relative to: `explicit` (`--sarif-root`) if
/// given, else the nearest folder at or above `cwd` that holds `.git` (a
/// folder, or a file in a git worktree), else `cwd`. Made absolute against `cwd`.
pub(crate) fn source_root(explicit: Option<&Path>, cwd: &Path) -> PathBuf {
    if let Some(dir) = explicit {
        return normalize(&cwd.join(dir));
    }
    let cwd = normalize(cwd);
    cwd.ancestors()
        .find(|dir| dir.join(".git").exists())
        .map_or_else(|| cwd.clone(), Path::to_path_buf)
}

/// `.` and `..` resolved by name, without touching the file system (the file
/// may not exist: an input error can name a missing file).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Where a file is for SARIF: a URI reference relative to `root` with
/// [`SRCROOT`] as its base when the file is under the root, else an absolute
/// `file://` URI and no base.
pub(crate) fn artifact(path: &str, root: &Path, cwd: &Path) -> (String, Option<&'static str>) {
    let absolute = normalize(&cwd.join(path));
    match absolute.strip_prefix(root) {
        Ok(relative) => (
            encode(&relative.to_string_lossy().replace('\\', "/")),
            Some(SRCROOT),
        ),
        Err(_) => (file_uri(&absolute.to_string_lossy()), None),
    }
}

/// An absolute path as a `file://` URI; a folder's ends with `/`.
pub(crate) fn file_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let drive_letter = path.as_bytes().get(1) == Some(&b':');
    let prefix = if drive_letter { "file:///" } else { "file://" };
    let mut uri = format!("{prefix}{}", encode(&path));
    if drive_letter {
        // Keep the drive's `:` as it is.
        uri = uri.replacen("%3A", ":", 1);
    }
    uri
}

/// Percent-encodes every byte outside the URI's unreserved set and `/`.
fn encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A fingerprint of a finding that survives edits which move it: the rule and
/// the subject's id, never lines. FNV-1a (64 bits), written as 16 hex digits:
/// the same on every platform and in every version.
pub(crate) fn fingerprint(rule: &str, subject: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in rule.bytes().chain([0]).chain(subject.bytes()) {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// A rule's `name`: its id in PascalCase (`transferable-offer` →
/// `TransferableOffer`, `eligo::scenario::not_utf8` → `EligoScenarioNotUtf8`).
pub(crate) fn pascal_case(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

/// Where eligo's documentation lives: the `repository` of Cargo.toml, when
/// the build sets one.
pub(crate) fn repository() -> Option<&'static str> {
    option_env!("CARGO_PKG_REPOSITORY").filter(|r| !r.is_empty())
}

/// The README's entry for a rule of the default pack (its anchor is the rule
/// id), under `repository`.
pub(crate) fn rule_help_uri(repository: &str, rule: &str) -> String {
    format!(
        "{}/blob/HEAD/README.md#{}",
        repository.trim_end_matches('/'),
        encode(rule)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_under_the_root_are_relative_to_it() {
        let root = Path::new("/repo");
        let cwd = Path::new("/repo/migration");
        assert_eq!(
            artifact("wave 1.yaml", root, cwd),
            ("migration/wave%201.yaml".to_string(), Some(SRCROOT))
        );
        assert_eq!(
            artifact("../fixtures/./a.yaml", root, cwd),
            ("fixtures/a.yaml".to_string(), Some(SRCROOT))
        );
        assert_eq!(
            artifact("/elsewhere/ü.yaml", root, cwd),
            ("file:///elsewhere/%C3%BC.yaml".to_string(), None)
        );
        assert_eq!(file_uri("C:\\w\\x.yaml"), "file:///C:/w/x.yaml");
    }

    #[test]
    fn the_root_is_the_nearest_git_checkout_or_the_explicit_one() {
        let here = Path::new(env!("CARGO_MANIFEST_DIR"));
        let books = here.join("fixtures/books");
        let found = source_root(None, &books);
        // A checkout's root holds `.git`; without one, the folder itself.
        assert!(books.starts_with(&found), "{}", found.display());
        assert!(found.join(".git").exists() || found == books);
        assert_eq!(
            source_root(Some(Path::new("../x")), Path::new("/a/b")),
            PathBuf::from("/a/x")
        );
    }

    #[test]
    fn fingerprints_depend_on_rule_and_subject_only() {
        assert_eq!(fingerprint("r", "s"), fingerprint("r", "s"));
        assert_ne!(fingerprint("r", "s"), fingerprint("r", "t"));
        assert_ne!(fingerprint("ab", "c"), fingerprint("a", "bc"));
        assert_eq!(fingerprint("", "").len(), 16);
    }

    #[test]
    fn names_are_pascal_case() {
        assert_eq!(pascal_case("transferable-offer"), "TransferableOffer");
        assert_eq!(
            pascal_case("eligo::scenario::not_utf8"),
            "EligoScenarioNotUtf8"
        );
        assert_eq!(
            rule_help_uri("https://example.org/e/", "mca-accepted"),
            "https://example.org/e/blob/HEAD/README.md#mca-accepted"
        );
    }
}
