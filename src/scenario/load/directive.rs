//! The `%YAML` directive, which the parser reads past without a word.

/// The offset and text of the version in a `%YAML` directive before `end`
/// (where the document starts), when it is not 1.0, 1.1 or 1.2.
///
/// Directives are lines starting with `%` before the document; only those
/// lines and comments are scanned, so the cost is that of the preamble.
pub(super) fn unsupported_version(text: &str, end: usize) -> Option<(usize, &str)> {
    let preamble = text.get(..end.min(text.len()))?;
    let mut offset = 0;
    for line in preamble.split_inclusive(['\n', '\r']) {
        let at = offset;
        offset += line.len();
        let Some(rest) = line.strip_prefix("%YAML") else {
            continue;
        };
        let version = rest.trim_start_matches([' ', '\t']);
        let version = version
            .split(|c: char| c.is_whitespace() || c == '#')
            .next()
            .unwrap_or_default();
        let start = at + line.len() - rest.len()
            + (rest.len() - rest.trim_start_matches([' ', '\t']).len());
        if !matches!(version, "1.0" | "1.1" | "1.2") {
            return Some((start, version));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_versions_of_yaml_1_are_read() {
        let text = "# c\n%YAML 2.0\n---\na: 1\n";
        assert_eq!(unsupported_version(text, 15), Some((10, "2.0")));
        assert_eq!(unsupported_version("%YAML 1.2\n---\n", 10), None);
        assert_eq!(
            unsupported_version("%YAML   1.3 # x\n---\n", 16),
            Some((8, "1.3"))
        );
        assert_eq!(unsupported_version("a: '%YAML 2.0'\n", 0), None);
    }
}
