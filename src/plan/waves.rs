//! Waves: ready groups largest first, in waves of at most N entities.

use super::{Plan, Wave};

/// Orders the requests and numbers their waves. Without a size every request
/// is in wave 1, in book order; with one, requests go largest first (then by
/// id) into waves of at most `size` entities, and a request larger than `size`
/// is alone in its wave, marked `oversize`.
pub(crate) fn assign(plan: &mut Plan, size: Option<usize>) {
    plan.wave_size = size;
    let Some(size) = size else {
        for r in &mut plan.requests {
            r.wave = 1;
        }
        plan.waves = one_wave(plan);
        return;
    };
    plan.requests.sort_by(|a, b| {
        b.rows
            .len()
            .cmp(&a.rows.len())
            .then_with(|| a.id.cmp(&b.id))
    });
    let mut waves: Vec<Wave> = Vec::new();
    for r in &mut plan.requests {
        let n = r.rows.len();
        let fits = waves
            .last()
            .is_some_and(|w| !w.oversize && w.subscriptions + n <= size);
        if !fits {
            waves.push(Wave {
                wave: waves.len() + 1,
                requests: Vec::new(),
                subscriptions: 0,
                oversize: n > size,
            });
        }
        if let Some(w) = waves.last_mut() {
            w.requests.push(r.id.clone());
            w.subscriptions += n;
            r.wave = w.wave;
        }
    }
    plan.waves = waves;
}

fn one_wave(plan: &Plan) -> Vec<Wave> {
    if plan.requests.is_empty() {
        return Vec::new();
    }
    vec![Wave {
        wave: 1,
        requests: plan.requests.iter().map(|r| r.id.clone()).collect(),
        subscriptions: plan.requests.iter().map(|r| r.rows.len()).sum(),
        oversize: false,
    }]
}
