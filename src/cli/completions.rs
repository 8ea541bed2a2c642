//! `eligo completions SHELL`: shell completions, generated from the command
//! line's definition (clap_complete), so they never fall behind it.

use super::Failure;
use clap::{Args, CommandFactory, ValueEnum};
use clap_complete::Shell;

use super::{Cli, EXIT_OK};

/// The shells completions are printed for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CompletionShell {
    /// Bash: `eligo completions bash > /etc/bash_completion.d/eligo`.
    Bash,
    /// Zsh: `eligo completions zsh > "${fpath[1]}/_eligo"`.
    Zsh,
    /// Fish: `eligo completions fish > ~/.config/fish/completions/eligo.fish`.
    Fish,
    /// PowerShell: `eligo completions powershell >> $PROFILE`.
    Powershell,
}

/// Arguments of `eligo completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: CompletionShell,
}

/// Runs `eligo completions`.
pub(crate) fn run(args: &CompletionsArgs) -> Result<u8, Failure> {
    let shell = match args.shell {
        CompletionShell::Bash => Shell::Bash,
        CompletionShell::Zsh => Shell::Zsh,
        CompletionShell::Fish => Shell::Fish,
        CompletionShell::Powershell => Shell::PowerShell,
    };
    let mut command = Cli::command();
    match super::write_stdout("the completions", |out| {
        clap_complete::generate(shell, &mut command, "eligo", out);
        Ok(())
    }) {
        Ok(()) => Ok(EXIT_OK),
        Err(code) => Err(code),
    }
}
