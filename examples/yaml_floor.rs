//! The YAML floor: reads a file the way `eligo check` does (one `std::fs::read`,
//! one UTF-8 check) and drains saphyr-parser's events without looking at them.
//!
//! No YAML loader built on saphyr-parser can be faster than this, so the
//! benchmarks report eligo's end-to-end time as a multiple of it.
//!
//! `cargo run --release --example yaml_floor -- FILE...` prints the event count.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use saphyr_parser::Parser;

fn main() -> std::process::ExitCode {
    let mut total: u64 = 0;
    for path in std::env::args().skip(1) {
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("error: cannot read `{path}`: {e}");
                return std::process::ExitCode::from(2);
            }
        };
        let Ok(text) = std::str::from_utf8(&bytes) else {
            eprintln!("error: `{path}` is not UTF-8");
            return std::process::ExitCode::from(2);
        };
        for event in Parser::new_from_str(text) {
            if let Err(e) = event {
                eprintln!("error: `{path}`: {e}");
                return std::process::ExitCode::from(2);
            }
            total += 1;
        }
    }
    println!("{total} events");
    std::process::ExitCode::SUCCESS
}
