//! Memory given back to the system after a large computation. The figures of a million
//! children read the whole register and every health record (hundreds of megabytes) and free
//! them when done; glibc's allocator keeps freed pages for reuse, so without this the serving
//! process stays at its peak for good (633 MB resident at 1,000,000 children, issue 19) on
//! the commune's one office PC.
pub(crate) fn give_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim takes no pointer; it only returns the allocator's free pages.
    unsafe {
        libc::malloc_trim(0);
    }
}
