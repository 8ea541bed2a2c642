//! Asking the processor for memory ahead of its use.
//!
//! The import builds and writes 100k entities whose texts were allocated in
//! the exports' order, and reads them in the order of their ids: each text
//! a cache miss, waited for. Where a loop knows what it reads a few steps
//! on, it asks for it first (measured in BENCHMARKS.md, "Stop 31").

use super::fragment::{Fields, Val};

/// Asks for the first cache line of `text`.
pub(crate) fn text(text: &str) {
    lines(text.as_ptr(), 1);
}

/// Asks for the `count` cache lines (64 bytes each) from `at`.
fn lines(at: *const u8, count: usize) {
    for line in 0..count {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: a prefetch is a hint: it reads nothing the program sees
        // and cannot fault, whatever the address (`wrapping_add` makes no
        // claim on it either); SSE is part of every x86_64.
        #[allow(unsafe_code)]
        unsafe {
            use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
            _mm_prefetch::<_MM_HINT_T0>(at.wrapping_add(64 * line).cast());
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = (at, line);
    }
}

/// Lines asked for at most per value: an entity's fields take about ten
/// (a subscription's); an overlay may give one thousands, which are read
/// long after these would have arrived.
const MOST_LINES: usize = 16;

/// Asks for (the start of) `value`: a record, a list's items, a slot.
pub(crate) fn value<T: ?Sized>(value: &T) {
    let count = std::mem::size_of_val(value).div_ceil(64).min(MOST_LINES);
    lines(std::ptr::from_ref(value).cast(), count);
}

/// Asks for the texts of a record's first scalar fields (its list of
/// fields asked for a few steps before, as [`ahead`] does).
pub(crate) fn field_texts(fields: &Fields) {
    for (_, value) in fields.0.iter().take(MOST_LINES) {
        if let Val::Str(t) | Val::Plain(t) = value {
            text(t);
        }
    }
}

/// Asks for what reading the `n`th of `records` and those after it reads
/// first: the fields of the one eight places on, and the texts of the one
/// four places on.
pub(crate) fn ahead<'a, T>(records: &'a [T], n: usize, fields_of: impl Fn(&'a T) -> &'a Fields) {
    if let Some(record) = records.get(n + 8) {
        value(fields_of(record).0.as_slice());
    }
    if let Some(record) = records.get(n + 4) {
        field_texts(fields_of(record));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asking_for_any_address_reads_nothing_and_cannot_fault() {
        // Null, unmapped, the end of the address space (wrapping), and a
        // record freed since: a hint, never a read.
        lines(std::ptr::null(), 4);
        lines(usize::MAX as *const u8, 2);
        lines(0x10 as *const u8, 1);
        let gone = Box::new([0u8; 256]);
        let at = gone.as_ptr();
        drop(gone);
        lines(at, 4);
    }
}
