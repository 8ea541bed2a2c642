//! References: resolving ids once the file is read, and hints for unknown ones.

use std::collections::HashSet;

use super::{Loader, PendingRef, Target};
use crate::scenario::error::ScenarioCode;
use crate::scenario::store::Store;
use crate::schema::{Id, KindId};

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
                let hint = self.id_hint(&r.name, r.kind);
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
                    Some(hint),
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
    pub(super) fn id_hint(&mut self, name: &str, kind: KindId) -> String {
        if let Some(s) = self.suggest_id(name, Some(kind)) {
            return format!("did you mean `{s}`?");
        }
        self.id_index();
        let rows = self
            .id_index
            .as_ref()
            .and_then(|index| index.by_kind.get(kind.index()))
            .map_or(&[][..], Vec::as_slice);
        let shown: Vec<String> = rows
            .iter()
            .take(5)
            .filter_map(|&row| self.store.row_id(kind, row))
            .map(|i| format!("`{i}`"))
            .collect();
        let kind_name = &self.schema.kind(kind).name;
        if shown.is_empty() {
            format!("the file declares no `{kind_name}`")
        } else {
            format!("name a `{kind_name}`, such as {}", shown.join(", "))
        }
    }

    /// Builds the sorted ids, on the first unknown id.
    fn id_index(&mut self) {
        if self.id_index.is_none() {
            self.id_index = Some(IdIndex::new(&self.store, self.schema.kinds.len()));
        }
    }

    /// The id closest to `name`, of `kind` or of any kind, while the budget
    /// for suggestions lasts: comparing a name with every id costs the
    /// product of their lengths, and a file with thousands of unknown ids
    /// would otherwise cost thousands of times the ids (the budget grows with
    /// the file; see [`super::Loader::suggest_budget`]). Past it, hints list
    /// a few ids instead.
    pub(super) fn suggest_id(&mut self, name: &str, kind: Option<KindId>) -> Option<String> {
        self.id_index();
        let index = self.id_index.as_ref()?;
        let (count, bytes) = match kind {
            Some(k) => index
                .cost_by_kind
                .get(k.index())
                .copied()
                .unwrap_or_default(),
            None => index.cost_all,
        };
        if !self.suggest_budget.spend(name, bytes + count) {
            return None;
        }
        let store = &self.store;
        let found = match kind {
            Some(k) => {
                let rows = index.by_kind.get(k.index()).map_or(&[][..], Vec::as_slice);
                crate::suggest::closest(name, rows.iter().filter_map(|&r| store.row_id(k, r)))
            }
            None => crate::suggest::closest(
                name,
                index.all.iter().filter_map(|&(k, r)| store.row_id(k, r)),
            ),
        };
        found.map(str::to_string)
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
                let help = self
                    .suggest_id(&e.subject, None)
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

/// The ids of a store sorted, per kind and over all kinds, with the number
/// and total length of each list (what comparing a name with it costs).
pub(super) struct IdIndex {
    by_kind: Vec<Vec<u32>>,
    all: Vec<(KindId, u32)>,
    cost_by_kind: Vec<(usize, usize)>,
    cost_all: (usize, usize),
}

impl IdIndex {
    fn new(store: &Store, kinds: usize) -> Self {
        let mut all: Vec<(&str, KindId, u32)> = store.ids().collect();
        all.sort_unstable();
        let mut by_kind = vec![Vec::new(); kinds];
        let mut cost_by_kind = vec![(0, 0); kinds];
        for &(id, kind, row) in &all {
            if let (Some(rows), Some(cost)) = (
                by_kind.get_mut(kind.index()),
                cost_by_kind.get_mut(kind.index()),
            ) {
                rows.push(row);
                *cost = (cost.0 + 1, cost.1 + id.len());
            }
        }
        let cost_all = (all.len(), all.iter().map(|(id, ..)| id.len()).sum());
        IdIndex {
            by_kind,
            all: all.into_iter().map(|(_, k, r)| (k, r)).collect(),
            cost_by_kind,
            cost_all,
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
