//! `eligo generate` (hidden): write a deterministic scenario for benchmarks.

use super::Failure;
use clap::Args;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::{EXIT_INPUT, EXIT_OK};
use crate::generate;

/// Arguments of `eligo generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Number of subscriptions in all (customers, partners and transfer
    /// requests scale with it).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=9_000_000))]
    pub subscriptions: u64,
    /// Seed: the same seed and size always give the same files.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Split the subscriptions over this many independent scenario files.
    #[arg(long, value_name = "K", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub files: u64,
    /// Where to write: a file (default: standard output), or with `--files` above
    /// 1 a folder to create the files in.
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// Write the book as Partner Center exports in this folder instead (one
    /// export per partner, with `overlay.yaml` and `partner-center.map.yaml`
    /// to import them back).
    #[arg(long, value_name = "DIR", conflicts_with_all = ["out", "files"])]
    pub export: Option<PathBuf>,
}

/// Runs `eligo generate`.
pub(crate) fn run(args: &GenerateArgs) -> Result<u8, Failure> {
    if args.files > args.subscriptions {
        return Err(Failure::input(
            "error: `--files` cannot exceed `--subscriptions` (every file needs one)\n",
        ));
    }
    if let Some(dir) = &args.export {
        let book = generate::book(args.subscriptions as usize, args.seed);
        return match generate::write_export(&book, dir) {
            Ok(()) => Ok(EXIT_OK),
            Err(e) => {
                eprintln!("error: cannot write the export to `{}`: {e}", dir.display());
                Ok(EXIT_INPUT)
            }
        };
    }
    let result = match (&args.out, args.files) {
        (None, 1) => write_stdout(args),
        (Some(path), 1) => write_file(path, |out| {
            generate::write_book(&generate::book(args.subscriptions as usize, args.seed), out)
        }),
        (Some(dir), _) => write_folder(dir, args),
        (None, _) => Err("`--files` above 1 needs `--out FOLDER`".to_string()),
    };
    match result {
        Ok(()) => Ok(EXIT_OK),
        Err(e) => {
            eprintln!("error: {e}");
            Ok(EXIT_INPUT)
        }
    }
}

fn write_stdout(args: &GenerateArgs) -> Result<(), String> {
    let book = generate::book(args.subscriptions as usize, args.seed);
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 20, stdout.lock());
    generate::write_book(&book, &mut out)
        .and_then(|()| out.flush())
        .map_err(|e| format!("cannot write the scenario: {e}"))
}

fn write_file(
    path: &Path,
    body: impl FnOnce(&mut BufWriter<std::fs::File>) -> std::io::Result<()>,
) -> Result<(), String> {
    let error = |e: std::io::Error| format!("cannot write `{}`: {e}", path.display());
    let file = std::fs::File::create(path).map_err(error)?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    body(&mut out).and_then(|()| out.flush()).map_err(error)
}

/// Writes `book-0001.yaml`, … into `dir`, each an independent scenario.
fn write_folder(dir: &Path, args: &GenerateArgs) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
    let sizes = generate::split(args.subscriptions as usize, args.files as usize);
    let width = sizes.len().to_string().len().max(4);
    for (i, &size) in sizes.iter().enumerate() {
        let path = dir.join(format!("book-{:0width$}.yaml", i + 1));
        write_file(&path, |out| generate::write_part(size, args.seed, i, out))?;
    }
    Ok(())
}
