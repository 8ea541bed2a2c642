//! A progress bar on stderr for long batches of files.
//!
//! Shown only where a person watches: stderr is a terminal, the `CI` variable is
//! not set, and the batch is long enough to take a moment. It is cleared when the
//! batch is done, so it never mixes with the report.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// Batches shorter than this finish before a bar would be worth drawing.
pub(crate) const MIN_FILES: usize = 20;

/// A progress bar, or nothing when none should be drawn.
pub(crate) struct Progress(Option<ProgressBar>);

impl Progress {
    /// A bar over `total` files, if this is a terminal session and not CI.
    pub(crate) fn new(total: usize) -> Self {
        let wanted = total >= MIN_FILES
            && std::io::stderr().is_terminal()
            && std::env::var_os("CI").is_none()
            && std::env::var_os("TERM").is_none_or(|t| t != "dumb");
        if !wanted {
            return Progress(None);
        }
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("checking {bar:30} {pos}/{len} files") {
            bar.set_style(style.progress_chars("=> "));
        }
        Progress(Some(bar))
    }

    /// One more file done.
    pub(crate) fn tick(&self) {
        if let Some(bar) = &self.0 {
            bar.inc(1);
        }
    }

    /// Removes the bar from the terminal.
    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
