//! The `eligo` command: parses arguments, runs, and prints what stopped the
//! run, in one place.

use clap::Parser;
use std::process::ExitCode;

use eligo::internals::cli::{self, Cli, Failure};

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(failure) => {
            eprint!("{failure}");
            failure.exit_code()
        }
    }
}

/// Runs the command line; a failure carries its text for stderr.
fn run() -> Result<ExitCode, Failure> {
    cli::run(Cli::parse())
}
