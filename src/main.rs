//! The `eligo` command: parses arguments and hands over to the library.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = eligo::internals::cli::Cli::parse();
    ExitCode::from(eligo::internals::cli::run(cli))
}
