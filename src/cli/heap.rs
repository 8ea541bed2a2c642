//! How the process's heap grows, for a command that fills hundreds of
//! megabytes from every core (`eligo import`).

/// How much glibc adds to a heap each time it grows one: 64 MiB.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const TOP_PAD: libc::c_int = 64 << 20;

/// Lets glibc grow each thread's heap in steps of 64 MiB rather than by what
/// each allocation lacks. A 100k import fills about 400 MB from rayon's
/// threads, whose heaps glibc grows with one `mprotect` per step: 48,731 of
/// them (`strace -f -c`), 157 of the 2,107 samples of a perf profile, some
/// of them threads spinning on the same lock. Pages are still touched only
/// when used, so the memory used stays about the same (measured in
/// BENCHMARKS.md). Must be called before any other thread starts: `mallopt`
/// is not safe while others allocate.
pub(crate) fn grow_in_large_steps() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` sets one of the allocator's parameters; no other
    // thread exists yet to allocate meanwhile (see above). Its result
    // (whether the value was taken) changes nothing: the heap then grows as
    // it always did.
    #[allow(unsafe_code)]
    unsafe {
        libc::mallopt(libc::M_TOP_PAD, TOP_PAD);
    }
}
