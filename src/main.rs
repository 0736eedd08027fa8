//! The `entitle` binary: the desktop app, or a headless subcommand.

#[cfg(unix)]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    entitle::cli::main()
}
