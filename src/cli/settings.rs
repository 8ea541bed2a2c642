//! The configuration file and the flags that choose it (`--config`,
//! `--no-config`), and what both decide together: flags win over the file.

use clap::Args;
use std::path::PathBuf;

use super::{Failure, RuleArgs};
use crate::config::{self, Config, ConfigCode, ConfigError};
use crate::program::Program;
use crate::report::human::{plural, render_diagnostic, Style};
use crate::scenario::Limits;
use crate::suggest::did_you_mean;

/// Which configuration file to read.
#[derive(Debug, Args, Clone, Default)]
pub struct ConfigArgs {
    /// Read settings from this file instead of the nearest `eligo.yaml`.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore `eligo.yaml` files.
    #[arg(long)]
    pub no_config: bool,
}

impl ConfigArgs {
    /// Finds and reads the configuration; errors are printed, giving exit 2.
    pub fn load(&self, style: Style) -> Result<Option<Config>, Failure> {
        let choice = match (&self.config, self.no_config) {
            (_, true) => config::Choice::None,
            (Some(path), false) => config::Choice::File(path),
            (None, false) => config::Choice::Discover,
        };
        config::load(choice).map_err(|errors| config_failure(&errors, style))
    }
}

/// Configuration errors and their count, as the failure of the command.
pub(crate) fn config_failure(errors: &[ConfigError], style: Style) -> Failure {
    let mut text: String = errors.iter().map(|e| render_diagnostic(e, style)).collect();
    text.push_str(&format!(
        "{} in the configuration file\n",
        plural(errors.len(), "error")
    ));
    Failure::input(text)
}

/// The rule sources: the file's `rules` (relative to it) before the flags',
/// `default_rules: false` or `--no-default-rules`, and the nesting limit.
pub(crate) fn rule_args(flags: &RuleArgs, config: Option<&Config>) -> RuleArgs {
    let Some(config) = config else {
        return flags.clone();
    };
    let values = &config.values;
    let mut rules: Vec<PathBuf> = values.rules.iter().map(|p| config.resolve(p)).collect();
    rules.extend(flags.rules.iter().cloned());
    RuleArgs {
        rules,
        no_default_rules: flags.no_default_rules || values.default_rules == Some(false),
        max_rule_depth: flags.max_rule_depth.or(values.limits.max_rule_depth),
    }
}

/// The waivers files: the file's (relative to it) and the flags'.
pub(crate) fn waivers(flags: &[PathBuf], config: Option<&Config>) -> Vec<PathBuf> {
    let mut all: Vec<PathBuf> = config
        .map(|c| c.values.waivers.iter().map(|p| c.resolve(p)).collect())
        .unwrap_or_default();
    all.extend(flags.iter().cloned());
    all
}

/// The input limits: each flag, else the file's value, else the default.
pub(crate) fn limits(flags: &super::LimitArgs, config: Option<&Config>) -> Limits {
    let base = config.map_or_else(Limits::default, |c| c.limits(Limits::default()));
    Limits {
        max_file_bytes: flags.max_file_bytes.unwrap_or(base.max_file_bytes),
        max_depth: flags.max_depth.unwrap_or(base.max_depth),
        max_alias_events: flags.max_alias_events.unwrap_or(base.max_alias_events),
        max_alias_bytes: flags.max_alias_bytes.unwrap_or(base.max_alias_bytes),
        max_string_bytes: flags.max_string_bytes.unwrap_or(base.max_string_bytes),
    }
}

/// Keeps the selected rules of `program`, after checking every id: an unknown
/// id is an input error with "did you mean" (at its line in the file, or
/// naming the flag). Flags replace the file's lists.
pub(crate) fn select_rules(
    program: &mut Program,
    select_flag: &[String],
    ignore_flag: &[String],
    config: Option<&Config>,
    style: Style,
) -> Result<(), Failure> {
    select_rules_after(program, select_flag, ignore_flag, config, Vec::new(), style)
}

/// [`select_rules`], reporting `pending` configuration errors (found before)
/// together with its own, so a file's errors are all shown at once.
pub(crate) fn select_rules_after(
    program: &mut Program,
    select_flag: &[String],
    ignore_flag: &[String],
    config: Option<&Config>,
    pending: Vec<ConfigError>,
    style: Style,
) -> Result<(), Failure> {
    let ids: Vec<String> = program.rules.iter().map(|r| r.id.clone()).collect();
    let select_flag: Vec<String> = clean(select_flag).map(String::from).collect();
    let ignore_flag: Vec<String> = clean(ignore_flag).map(String::from).collect();
    let mut errors: Vec<String> = Vec::new();
    let mut config_errors: Vec<ConfigError> = pending;
    let file = config.map(|c| &c.values);
    let select = if !select_flag.is_empty() {
        check_flag_ids("--select", &select_flag, &ids, &mut errors);
        Some(select_flag)
    } else if let (Some(c), Some(list)) = (config, file.and_then(|f| f.select.as_ref())) {
        check_file_ids(c, "select", list, &ids, &mut config_errors);
        Some(list.clone())
    } else {
        None
    };
    let ignore = if !ignore_flag.is_empty() {
        check_flag_ids("--ignore", &ignore_flag, &ids, &mut errors);
        ignore_flag
    } else if let Some(c) = config {
        check_file_ids(c, "ignore", &c.values.ignore, &ids, &mut config_errors);
        c.values.ignore.clone()
    } else {
        Vec::new()
    };
    if !config_errors.is_empty() {
        return Err(config_failure(&config_errors, style));
    }
    if !errors.is_empty() {
        return Err(Failure::input(
            errors.iter().map(|e| format!("{e}\n")).collect::<String>(),
        ));
    }
    program.retain_rules(|r| {
        select.as_ref().is_none_or(|s| s.contains(&r.id)) && !ignore.contains(&r.id)
    });
    Ok(())
}

/// Splits `--select a,b --select c` into ids (clap's `value_delimiter` does
/// the commas; this drops empty pieces such as a trailing comma).
fn clean(ids: &[String]) -> impl Iterator<Item = &str> {
    ids.iter().map(|s| s.trim()).filter(|s| !s.is_empty())
}

fn check_flag_ids(flag: &str, given: &[String], ids: &[String], errors: &mut Vec<String>) {
    for id in given {
        if !ids.iter().any(|known| known == id) {
            let hint = did_you_mean(id, ids.iter().map(String::as_str))
                .map_or(String::new(), |h| format!("\n  help: {h}"));
            errors.push(format!("error: unknown rule `{id}` in `{flag}`{hint}"));
        }
    }
}

fn check_file_ids(
    config: &Config,
    key: &str,
    given: &[String],
    ids: &[String],
    errors: &mut Vec<ConfigError>,
) {
    for (i, id) in given.iter().enumerate() {
        if !ids.iter().any(|known| known == id) {
            errors.push(
                config.error_at(
                    ConfigCode::UnknownRule,
                    &format!("{key}[{i}]"),
                    format!("unknown rule `{id}` in `{key}`"),
                    "unknown rule",
                    did_you_mean(id, ids.iter().map(String::as_str))
                        .or_else(|| Some("`eligo rules` lists the loaded rules".into())),
                ),
            );
        }
    }
}
