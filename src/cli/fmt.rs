//! `eligo fmt`: format rule files in place, or check that they are formatted.
//!
//! Exit 0 when every file is (or now is) formatted; 1 with `--check` when some
//! file is not (each is listed); 2 when a file cannot be read, written or parsed
//! (the other files are still processed).

use super::Failure;
use clap::Args;
use std::path::{Path, PathBuf};

use super::{files, stderr_style, ColorChoice, EXIT_FINDINGS, EXIT_INPUT, EXIT_OK};
use crate::lang::fmt::format_source;
use crate::lang::RuleError;
use crate::report::human::{render_diagnostic, Style};
use crate::source::SourceFile;

/// Arguments of `eligo fmt`.
#[derive(Debug, Args)]
pub struct FmtArgs {
    /// Rule files, or folders to search for `*.rules`.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Change nothing: list the files that are not formatted and exit 1 if any.
    #[arg(long)]
    pub check: bool,
    /// With `--check`: print a unified diff of what formatting would change.
    #[arg(long, requires = "check")]
    pub diff: bool,
    /// When to use colours.
    #[arg(long, value_enum, default_value_t)]
    pub color: ColorChoice,
}

/// What happened to one file.
enum Outcome {
    Unchanged,
    Changed,
    Failed,
}

/// Runs `eligo fmt`.
pub(crate) fn run(args: &FmtArgs) -> Result<u8, Failure> {
    let style = stderr_style(args.color);
    let mut failed = false;
    let mut changed = 0usize;
    // The files listed (`--check`) or formatted, printed once all are done.
    let mut listed = String::new();
    for path in &args.paths {
        let found = match files::rule_files(path) {
            Ok(found) => {
                for r in &found.refused {
                    report_io(&r.path, &r.message, style);
                    failed = true;
                }
                found.files
            }
            Err(e) => {
                report_io(path, &e.to_string(), style);
                failed = true;
                continue;
            }
        };
        for file in found {
            match format_one(&file, args, style, &mut listed) {
                Outcome::Unchanged => {}
                Outcome::Changed => changed += 1,
                Outcome::Failed => failed = true,
            }
        }
    }
    super::print_stdout("the file list", &listed)?;
    if failed {
        Ok(EXIT_INPUT)
    } else if args.check && changed > 0 {
        Ok(EXIT_FINDINGS)
    } else {
        Ok(EXIT_OK)
    }
}

/// Formats (or with `check`, checks) one file, adding a line to `listed` when
/// it is not formatted.
fn format_one(path: &Path, args: &FmtArgs, style: Style, listed: &mut String) -> Outcome {
    let check = args.check;
    let name = path.display().to_string();
    let text = match crate::input::read_text(path, files::MAX_RULE_FILE_BYTES) {
        Ok(text) => text,
        Err(e) => {
            report_io(path, &e, style);
            return Outcome::Failed;
        }
    };
    let source = SourceFile::new(name.clone(), text.as_str());
    let formatted = match format_source(&source) {
        Ok(f) => f,
        Err(e) => {
            eprint!("{}", render_diagnostic(&e, style));
            return Outcome::Failed;
        }
    };
    if formatted == text {
        return Outcome::Unchanged;
    }
    if check && args.diff {
        listed.push_str(&unified_diff(&name, &text, &formatted));
        return Outcome::Changed;
    }
    if check {
        listed.push_str(&format!("{}\n", crate::escape::value(&name)));
        return Outcome::Changed;
    }
    match std::fs::write(path, formatted) {
        Ok(()) => {
            listed.push_str(&format!("formatted {}\n", crate::escape::value(&name)));
            Outcome::Changed
        }
        Err(e) => {
            report_io(path, &e.to_string(), style);
            Outcome::Failed
        }
    }
}

/// A unified diff of a file and its formatted text, three lines of context;
/// relative paths get git's `a/` and `b/`, so `git apply` takes the diff.
///
/// The file's lines are written as they are when the output goes to a pipe
/// or a file (`git apply` needs the bytes), and with their control
/// characters as visible escapes on a terminal (see [`crate::escape`]): a
/// rule file can hold an escape sequence in a string or a comment.
fn unified_diff(name: &str, text: &str, formatted: &str) -> String {
    use std::io::IsTerminal;
    let diff = similar::TextDiff::from_lines(text, formatted);
    let name = crate::escape::value(name);
    let (old, new) = if Path::new(&name).is_absolute() {
        (name.clone(), name)
    } else {
        (format!("a/{name}"), format!("b/{name}"))
    };
    let mut out = diff
        .unified_diff()
        .context_radius(3)
        .header(&old, &new)
        .to_string();
    if std::io::stdout().is_terminal() {
        out = crate::escape::lines(&out).into_owned();
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

fn report_io(path: &Path, reason: &str, style: Style) {
    let e = RuleError::Io {
        path: path.display().to_string(),
        reason: reason.to_string(),
    };
    eprint!("{}", render_diagnostic(&e, style));
}
