//! `--format human`: the summary an analyst reads first.

use std::fmt::Write as _;

use super::view::View;
use super::{GroupStatus, Outcome};
use crate::escape::text as esc;
use crate::report::human::plural;

/// The plan as text for people.
pub(crate) fn render(view: &View<'_>, path: &str) -> String {
    let mut out = String::new();
    header(view, path, &mut out);
    waves(view, &mut out);
    excluded(view, &mut out);
    blocked(view, &mut out);
    nothing(view, &mut out);
    out
}

fn header(view: &View<'_>, path: &str, out: &mut String) {
    let plan = view.plan;
    let (g, m) = (view.group_name(), view.moved_name());
    let _ = writeln!(
        out,
        "plan {} -> {} ({})",
        esc(view.from()),
        esc(view.to()),
        esc(path)
    );
    let _ = writeln!(
        out,
        "  {}s: {} ready, {} blocked, {} with nothing to move",
        g,
        plan.groups_with(GroupStatus::Ready),
        plan.groups_with(GroupStatus::Blocked),
        plan.groups_with(GroupStatus::NothingToMove),
    );
    let _ = writeln!(
        out,
        "  {m}s billed by {}: {} planned, {} already requested, {} excluded, {} blocked; {} out of scope",
        esc(view.from()),
        plan.count(Outcome::Planned),
        plan.count(Outcome::AlreadyRequested),
        plan.count(Outcome::Excluded),
        plan.count(Outcome::Blocked),
        plan.count(Outcome::OutOfScope),
    );
    let waves = match plan.wave_size {
        Some(n) => format!(
            " in {} of at most {n} {m}s",
            plural(plan.waves.len(), "wave")
        ),
        None => String::new(),
    };
    let _ = writeln!(out, "  {}{waves}", plural(plan.requests.len(), "request"));
}

fn waves(view: &View<'_>, out: &mut String) {
    let plan = view.plan;
    let m = view.moved_name();
    for w in &plan.waves {
        let note = if w.oversize {
            format!(
                ", larger than the wave size: one {} on its own",
                view.group_name()
            )
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "\nwave {} ({}{note})",
            w.wave,
            plural(w.subscriptions, m)
        );
        for r in plan.requests.iter().filter(|r| r.wave == w.wave) {
            let _ = writeln!(
                out,
                "  {}  {}  {}",
                esc(&r.id),
                esc(view.group(r.group)),
                plural(r.rows.len(), m)
            );
        }
    }
}

fn excluded(view: &View<'_>, out: &mut String) {
    let plan = view.plan;
    let list: Vec<_> = plan
        .outcomes
        .iter()
        .filter(|o| o.outcome == Outcome::Excluded)
        .collect();
    if list.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\ncannot move ({}): buy again through {} or fix as shown",
        list.len(),
        esc(view.to())
    );
    for o in list {
        let id = esc(view.moved(o.row));
        let group = esc(view.group(o.group));
        if let Some(with) = o.with {
            let _ = writeln!(
                out,
                "  {id} ({group}): moves with {}, which cannot move",
                esc(view.moved(with))
            );
            continue;
        }
        for f in &o.findings {
            let _ = writeln!(
                out,
                "  {id} ({group}) {}: {}",
                esc(&f.rule),
                esc(&f.message)
            );
            if let Some(fix) = &f.fix {
                let _ = writeln!(out, "      fix: {}", esc(fix));
            }
        }
    }
}

fn blocked(view: &View<'_>, out: &mut String) {
    let blockers = view.blockers();
    if blockers.is_empty() {
        return;
    }
    let g = view.group_name();
    let _ = writeln!(out, "\nblocked {g}s, by fix (most {g}s first)");
    for b in blockers {
        let _ = writeln!(
            out,
            "  {}: {} ({} by this fix alone)\n    {}",
            esc(&b.rule),
            plural(b.groups.len(), g),
            b.unblocks,
            esc(&b.summary),
        );
        for (row, fix) in &b.groups {
            let _ = writeln!(out, "      {}: {}", esc(view.group(*row)), esc(fix));
        }
    }
}

fn nothing(view: &View<'_>, out: &mut String) {
    let ids: Vec<_> = view
        .plan
        .groups
        .iter()
        .filter(|g| g.status == GroupStatus::NothingToMove)
        .map(|g| esc(view.group(g.row)))
        .collect();
    if !ids.is_empty() {
        let _ = writeln!(out, "\nnothing to move: {}", ids.join(", "));
    }
}
