//! References: resolving ids once the file is read, and hints for unknown ones.

use std::collections::HashSet;

use super::{Loader, PendingRef, Target};
use crate::scenario::error::ScenarioCode;
use crate::schema::KindId;

impl Loader<'_, '_> {
    /// Points every reference at its row, reporting unknown ids and wrong kinds.
    pub(super) fn resolve_references(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        for r in pending {
            let Some((kind, row)) = self.find_id(&r.name) else {
                self.unknown_reference(&r);
                continue;
            };
            if kind != r.kind {
                let schema = self.schema;
                self.error(
                    ScenarioCode::WrongReferenceKind,
                    r.pos,
                    format!(
                        "`{}` is {} `{}`, not {} `{}`",
                        r.name,
                        article(&schema.kind(kind).name),
                        schema.kind(kind).name,
                        article(&schema.kind(r.kind).name),
                        schema.kind(r.kind).name
                    ),
                    format!(
                        "expected {} `{}` id",
                        article(&schema.kind(r.kind).name),
                        schema.kind(r.kind).name
                    ),
                    Some(self.id_hint(&r.name, r.kind)),
                );
                continue;
            }
            match r.target {
                Target::Cell(k, f, at) => self.store.set(k, f, at, row),
                Target::Pool(slot) => {
                    if let Some(cell) = self.store.pool.get_mut(slot) {
                        *cell = row;
                    }
                }
            }
        }
    }

    pub(super) fn unknown_reference(&mut self, r: &PendingRef<'_>) {
        let kind_name = &self.schema.kind(r.kind).name;
        let help = Some(self.id_hint(&r.name, r.kind));
        self.error(
            ScenarioCode::UnknownReference,
            r.pos,
            format!("no `{kind_name}` has id `{}`", r.name),
            "unknown id".into(),
            help,
        );
    }

    /// "did you mean" the closest id of the right kind, or a few ids to choose from.
    pub(super) fn id_hint(&self, name: &str, kind: KindId) -> String {
        if let Some(s) = self.suggest_id(name, kind) {
            return format!("did you mean `{s}`?");
        }
        let mut ids: Vec<&str> = self
            .store
            .ids()
            .filter(|&(_, k, _)| k == kind)
            .map(|(id, _, _)| id)
            .collect();
        ids.sort_unstable();
        let kind_name = &self.schema.kind(kind).name;
        match ids.as_slice() {
            [] => format!("the file declares no `{kind_name}`"),
            some => {
                let shown: Vec<String> = some.iter().take(5).map(|i| format!("`{i}`")).collect();
                format!("name a `{kind_name}`, such as {}", shown.join(", "))
            }
        }
    }

    /// The id of a `kind` entity closest to `name`.
    pub(super) fn suggest_id(&self, name: &str, kind: KindId) -> Option<String> {
        let candidates = self
            .store
            .ids()
            .filter(|&(_, k, _)| k == kind)
            .map(|(id, _, _)| id);
        let mut sorted: Vec<&str> = candidates.collect();
        sorted.sort_unstable();
        crate::suggest::closest(name, sorted).map(str::to_string)
    }

    /// Reports `expect` entries that name an unknown rule or subject.
    pub(super) fn check_expectations(&mut self, rule_ids: &HashSet<String>) {
        let Some(entries) = self.expect.clone() else {
            return;
        };
        for e in &entries {
            if !rule_ids.contains(&e.rule) {
                let mut ids: Vec<&str> = rule_ids.iter().map(String::as_str).collect();
                ids.sort_unstable();
                let help =
                    crate::suggest::closest(&e.rule, ids).map(|s| format!("did you mean `{s}`?"));
                let help =
                    help.or_else(|| Some("run `eligo rules` to list the loaded rules".into()));
                self.error(
                    ScenarioCode::UnknownExpectRule,
                    e.rule_pos,
                    format!("no loaded rule has id `{}`", e.rule),
                    "unknown rule".into(),
                    help,
                );
            }
            if self.find_id(&e.subject).is_none() {
                let mut ids: Vec<&str> = self.store.ids().map(|(id, _, _)| id).collect();
                ids.sort_unstable();
                let help = crate::suggest::closest(&e.subject, ids)
                    .map(|s| format!("did you mean `{s}`?"));
                self.error(
                    ScenarioCode::UnknownExpectSubject,
                    e.subject_pos,
                    format!("no entity has id `{}`", e.subject),
                    "unknown subject".into(),
                    help,
                );
            }
        }
    }
}

/// `a` or `an` before a name, by its first letter (`an `item``, `a `partner``).
pub(super) fn article(name: &str) -> &'static str {
    if name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}
