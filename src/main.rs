//! `aether`: the command line tool. All the work is in [`aether::cli`].

#[cfg(not(windows))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    aether::cli::main()
}
