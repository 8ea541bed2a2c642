//! The `eligo` command: parses arguments and hands over to the library.

#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = eligo::cli::Cli::parse();
    ExitCode::from(eligo::cli::run(cli))
}
