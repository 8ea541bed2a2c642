//! The forms of the texts the writer has written, remembered by address.

use super::{has_control, is_plain_string, is_plain_value};

/// Slots in the memory: a power of two.
const SLOTS: usize = 512;

/// What the writer found of texts it wrote before: whether each is written
/// plain, or (for a `# from` file name) holds a control character.
///
/// Why: a large book writes a few texts a hundred thousand times each (field
/// names, offers, statuses, quantities, the ids of customers and partners,
/// subscription names), and finding a text's form is a pass over it: a
/// quarter of the writer's time at 100k subscriptions (BENCHMARKS.md, "Stop
/// 30"). A text is named by its address and length: the writer borrows the
/// scenario, so no text is freed (and its place reused) while a `Forms` lives.
/// A text not met before, or pushed out by another, is judged again: the
/// answer is always the function's.
pub(super) struct Forms {
    slots: Box<[Slot; SLOTS]>,
}

/// One text's form: its address and length, which test it answers, and the
/// answer.
#[derive(Clone, Copy, Default)]
struct Slot {
    /// The text's address; 0 for an empty slot (no text lies there).
    addr: usize,
    /// Its length.
    len: usize,
    /// Which test the answer is of.
    test: Test,
    /// The answer.
    yes: bool,
}

/// The tests remembered.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
enum Test {
    /// [`is_plain_string`].
    #[default]
    PlainString,
    /// [`is_plain_value`].
    PlainValue,
    /// [`has_control`].
    Control,
}

impl Forms {
    /// Nothing remembered yet.
    pub(super) fn new() -> Self {
        Forms {
            slots: Box::new([Slot::default(); SLOTS]),
        }
    }

    /// [`is_plain_string`] of `s`.
    pub(super) fn plain_string(&mut self, s: &str) -> bool {
        self.remembered(s, Test::PlainString, is_plain_string)
    }

    /// [`is_plain_value`] of `s`.
    pub(super) fn plain_value(&mut self, s: &str) -> bool {
        self.remembered(s, Test::PlainValue, is_plain_value)
    }

    /// [`has_control`] of `s`.
    pub(super) fn control(&mut self, s: &str) -> bool {
        self.remembered(s, Test::Control, has_control)
    }

    fn remembered(&mut self, s: &str, test: Test, judge: fn(&str) -> bool) -> bool {
        let addr = s.as_ptr() as usize;
        // Fibonacci hashing: the top bits of the address times 2^64/φ.
        // Static field names lie a few bytes apart, heap texts 16 bytes
        // apart or more; both spread over the slots.
        let index = (addr.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (usize::BITS - SLOTS.ilog2()))
            ^ test as usize;
        let Some(slot) = self.slots.get_mut(index % SLOTS) else {
            return judge(s);
        };
        if slot.addr == addr && slot.len == s.len() && slot.test == test {
            return slot.yes;
        }
        let yes = judge(s);
        *slot = Slot {
            addr,
            len: s.len(),
            test,
            yes,
        };
        yes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Remembered or not, each answer is the test's, for texts met
        /// again, texts alike at other addresses, and their prefixes at
        /// the same address.
        #[test]
        fn each_answer_is_the_tests(texts in proptest::collection::vec("\\PC{0,12}|[a-z0-9 :-]{0,12}|true|2026-01-31|12", 1..40)) {
            // Every text lives as long as the memory, as the scenario does
            // while it is written.
            let copies = texts.clone();
            let mut forms = Forms::new();
            for _ in 0..2 {
                for (t, copy) in texts.iter().zip(&copies) {
                    for s in [t.as_str(), copy.as_str(), t.get(..t.len() / 2).unwrap_or("")] {
                        proptest::prop_assert_eq!(forms.plain_string(s), is_plain_string(s), "{:?}", s);
                        proptest::prop_assert_eq!(forms.plain_value(s), is_plain_value(s), "{:?}", s);
                        proptest::prop_assert_eq!(forms.control(s), has_control(s), "{:?}", s);
                    }
                }
            }
        }
    }
}
