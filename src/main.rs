//! `aether`: the command line tool. All the work is in [`aether::cli`].

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    aether::cli::main()
}
