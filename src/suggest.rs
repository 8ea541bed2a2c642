//! "Did you mean" suggestions for unknown names.

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
