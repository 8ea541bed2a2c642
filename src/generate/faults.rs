//! Which rule violations to plant, and where.
//!
//! Each entity gets at most one planted fault, so findings stay a few per cent of
//! each rule rather than piling up on a few entities. In a book large enough
//! (ten entities per kind of fault), every kind is planted at least once: the
//! first entities that can carry a still-missing kind get it. Smaller books only
//! plant at random, so that many small files have the same proportions as one
//! big one.

use super::rng::Rng;

/// The fault planter for one class of entity.
#[derive(Debug)]
pub(super) struct Faults<V: 'static> {
    all: &'static [V],
    owed: Vec<V>,
    rate: f64,
}

impl<V: Copy + PartialEq + 'static> Faults<V> {
    /// Plants one of `all` in a share `rate` of `count` entities.
    pub(super) fn new(all: &'static [V], rate: f64, count: usize) -> Self {
        let owed = if count >= 10 * all.len() {
            all.to_vec()
        } else {
            Vec::new()
        };
        Faults { all, owed, rate }
    }

    /// Tries to plant a fault in the next entity: `apply` plants a kind and says
    /// whether it could (it must change nothing when it cannot). Returns the kind
    /// planted.
    pub(super) fn plant(
        &mut self,
        rng: &mut Rng,
        mut apply: impl FnMut(V, &mut Rng) -> bool,
    ) -> Option<V> {
        for i in 0..self.owed.len() {
            let kind = self.owed[i];
            if apply(kind, rng) {
                self.owed.remove(i);
                return Some(kind);
            }
        }
        if !rng.chance(self.rate) {
            return None;
        }
        let kind = *rng.pick(self.all);
        apply(kind, rng).then_some(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owed_kinds_come_first_in_large_books() {
        static ALL: [u8; 2] = [1, 2];
        let mut faults = Faults::new(&ALL, 0.0, 100);
        let mut rng = Rng::new(3);
        assert_eq!(faults.plant(&mut rng, |k, _| k == 2), Some(2));
        assert_eq!(faults.plant(&mut rng, |_, _| true), Some(1));
        assert_eq!(faults.plant(&mut rng, |_, _| true), None);
    }

    #[test]
    fn small_books_plant_at_random_only() {
        static ALL: [u8; 2] = [1, 2];
        let mut faults = Faults::new(&ALL, 0.0, 5);
        assert_eq!(faults.plant(&mut Rng::new(1), |_, _| true), None);
    }
}
