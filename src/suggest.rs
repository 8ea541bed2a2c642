//! "Did you mean" suggestions for unknown names.

/// What "did you mean" suggestions may still cost while one file is read.
///
/// A suggestion compares an unknown name with every candidate, at a cost of
/// the product of their lengths: a file with thousands of unknown names
/// against thousands of candidates would cost time quadratic in both. The
/// budget grows with the file (max(2^25, 32 × its size) products of
/// lengths); past it, no suggestion is looked for.
#[derive(Debug)]
pub(crate) struct Budget(usize);

impl Budget {
    /// The budget of a file of `len` bytes.
    pub(crate) fn for_file_of(len: usize) -> Self {
        Budget((1 << 25).max(len.saturating_mul(32)))
    }

    /// Takes the cost of comparing `name` with candidates of `bytes` bytes in
    /// all (each counted one more), if it is left.
    pub(crate) fn spend(&mut self, name: &str, bytes: usize) -> bool {
        let cost = (name.len() + 1).saturating_mul(bytes);
        match self.0.checked_sub(cost) {
            Some(left) => {
                self.0 = left;
                true
            }
            None => false,
        }
    }
}

/// The candidate closest to `name`, if any is close enough to be a likely typo.
pub(crate) fn closest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let mut best: Option<(&str, f64)> = None;
    for candidate in candidates {
        let score = strsim::jaro_winkler(name, candidate);
        let distance = strsim::levenshtein(name, candidate);
        // Either very similar overall, or a small edit on a longer word.
        let plausible = score >= 0.85 || (distance <= 2 && candidate.len() > 3);
        if plausible && best.is_none_or(|(_, s)| score > s) {
            best = Some((candidate, score));
        }
    }
    best.map(|(c, _)| c)
}

/// `did you mean `x`?`, or the list of valid choices when there are few.
pub(crate) fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str> + Clone,
) -> Option<String> {
    if let Some(c) = closest(name, candidates.clone()) {
        return Some(format!("did you mean `{c}`?"));
    }
    let all: Vec<&str> = candidates.into_iter().take(17).collect();
    if all.is_empty() {
        None
    } else if all.len() <= 16 {
        let list: Vec<String> = all.iter().map(|c| format!("`{c}`")).collect();
        Some(format!("expected one of {}", list.join(", ")))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(
            closest("regoin", ["region", "roles", "tenant"]),
            Some("region")
        );
        assert_eq!(closest("adatun", ["adatum", "contoso"]), Some("adatum"));
        assert_eq!(closest("zzz", ["region", "roles"]), None);
    }
}
