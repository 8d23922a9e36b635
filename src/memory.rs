//! How the process's allocator hands back what it frees (glibc on Linux).
//!
//! The plan's figures read the whole register and every health record, then let them go (a
//! peak of 2 GB at a million children). With glibc's defaults much of that stays resident after:
//! each thread that parses a slice gets an arena of its own, up to eight per core, and keeps
//! its high-water mark; a large buffer freed raises the threshold under which the next large
//! ones come from those arenas rather than from the system. Measured at 100,000 children on
//! SQLite (`docs/scale.md`, "Memory at a million children"): 156 MB resident after the figures,
//! the searches and the pages with the defaults, 66 MB with these.

/// glibc's own variables: an operator who sets one has chosen the allocator's parameters.
const OPERATOR_SET: [&str; 4] = [
    "GLIBC_TUNABLES",
    "MALLOC_ARENA_MAX",
    "MALLOC_MMAP_THRESHOLD_",
    "MALLOC_TRIM_THRESHOLD_",
];

/// Two arenas; buffers of 128 KiB and more mapped on their own and unmapped when freed; the
/// heap's top given back once 128 KiB of it are free. Nothing is changed when the environment
/// names glibc's parameters itself ([`OPERATOR_SET`]). Called before any other thread starts:
/// the arena limit counts for the threads made after it.
pub fn give_back_what_is_freed() {
    if OPERATOR_SET.iter().any(|v| std::env::var_os(v).is_some()) {
        return;
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt(3) only sets the allocator's parameters; no other thread exists yet.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 128 * 1024);
    }
}
