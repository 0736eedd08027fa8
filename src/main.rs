//! The `entitle` binary: the desktop app, or a headless subcommand.

fn main() -> std::process::ExitCode {
    entitle::cli::main()
}
