//! What was found of texts met before, remembered by the text's address.
//!
//! A large book repeats a few texts a hundred thousand times each (field
//! names, offers, statuses, subscription names), and what the import finds
//! of a text (its slug, whether the writer may write it plain) is a pass over
//! it each time. Those who borrow the texts for as long as they remember
//! them (the builder, the writer) name a text by its address and length: no
//! text is freed, and its place reused, meanwhile. A text not met before, or
//! pushed out of its slot by another, is judged again: the answer is always
//! the judge's.

/// Answers of type `V` about texts, in `SLOTS` slots (a power of two).
pub(crate) struct ByAddress<V, const SLOTS: usize> {
    slots: Box<[Slot<V>]>,
}

/// One text's answer: its address (0 for an empty slot: no text lies
/// there) and length, the question it answers, and the answer.
#[derive(Clone, Default)]
struct Slot<V> {
    addr: usize,
    len: usize,
    question: u8,
    answer: V,
}

impl<V: Clone + Default, const SLOTS: usize> ByAddress<V, SLOTS> {
    /// The slots are indexed by the top bits of a product.
    const BITS: u32 = {
        assert!(SLOTS.is_power_of_two() && SLOTS > 1);
        SLOTS.ilog2()
    };

    /// Nothing remembered yet.
    pub(crate) fn new() -> Self {
        ByAddress {
            slots: vec![Slot::default(); SLOTS].into_boxed_slice(),
        }
    }

    /// `then` of the answer to `question` about `text`: remembered, or
    /// `judge(text)` (then remembered in the place of another).
    pub(crate) fn with<R>(
        &mut self,
        text: &str,
        question: u8,
        judge: impl FnOnce(&str) -> V,
        then: impl FnOnce(&V) -> R,
    ) -> R {
        let addr = text.as_ptr() as usize;
        // Fibonacci hashing: the top bits of the address times 2^64/φ.
        // Static texts lie a few bytes apart, heap texts 16 bytes apart or
        // more; both spread over the slots. A text's questions lie side by
        // side.
        let spread = addr.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (usize::BITS - Self::BITS);
        let index = (spread ^ usize::from(question)) & (SLOTS - 1);
        let Some(slot) = self.slots.get_mut(index) else {
            return then(&judge(text));
        };
        if !(slot.addr == addr && slot.len == text.len() && slot.question == question) {
            *slot = Slot {
                addr,
                len: text.len(),
                question,
                answer: judge(text),
            };
        }
        then(&slot.answer)
    }
}
