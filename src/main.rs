//! `aether`: the command line tool. All the work is in [`aether::cli`].

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` (its place in mimalloc.h's option enum, the same in v2 and v3; the
/// crate binds the function but not this constant).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> std::process::ExitCode {
    // By default mimalloc hands freed pages back to the OS after 10 ms, so a run that parses file
    // after file makes the kernel zero fresh pages again and again (measured on the stdlib: 8% of
    // the CPU time in `clear_page`). A command that exits when done keeps them.
    // SAFETY: sets a plain integer option; no allocation depends on its old value.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    aether::cli::main()
}
