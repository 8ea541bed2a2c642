//! The forms of the texts the writer has written, remembered by address.

use super::{has_control, is_plain_string, is_plain_value};
use crate::import::by_address::ByAddress;

/// Slots in the memory: a power of two.
const SLOTS: usize = 512;

/// What the writer found of texts it wrote before: whether each is written
/// plain, or (for a `# from` file name) holds a control character.
///
/// Why: finding a text's form is a pass over it, and was a quarter of the
/// writer's time at 100k subscriptions (BENCHMARKS.md, "Stop 30"); the
/// writer borrows the scenario while a `Forms` lives ([`ByAddress`]).
pub(super) struct Forms(ByAddress<bool, SLOTS>);

/// The tests remembered.
#[derive(Clone, Copy)]
enum Test {
    /// [`is_plain_string`].
    PlainString,
    /// [`is_plain_value`].
    PlainValue,
    /// [`has_control`].
    Control,
}

impl Forms {
    /// Nothing remembered yet.
    pub(super) fn new() -> Self {
        Forms(ByAddress::new())
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
        self.0.with(s, test as u8, judge, |&yes| yes)
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
