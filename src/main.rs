//! `aether`: the command line tool. All the work is in [`aether::cli`].

fn main() -> std::process::ExitCode {
    aether::cli::main()
}
