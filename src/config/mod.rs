//! The configuration file `eligo.yaml`: what a team would otherwise repeat on
//! every command (DOMAIN.md section 6).
//!
//! ```yaml
//! rules: [policies/]            # packs to add (paths relative to this file)
//! default_rules: true           # load the embedded CSP pack
//! waivers: [waivers.yaml]
//! deny_warnings: false
//! select: [transferable-offer]  # run only these rules
//! ignore: [quantity-unchanged]  # skip these
//! constants:
//!   revenue_floor_usd: 1000000  # override a pack's named constant
//! format: concise
//! baseline: eligo-baseline.json
//! limits:
//!   max_file_bytes: 2000000000
//! ```
//!
//! The file is found in the current folder or the nearest parent, or named
//! with `--config`; `--no-config` ignores it. Flags win over the file.

pub(crate) mod constants;
pub(crate) mod error;
pub(crate) mod locate;

use serde::Deserialize;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

pub(crate) use error::{ConfigCode, ConfigError};

use crate::scenario::{Limits, Pos};
use crate::source::SourceFile;
use locate::{positioned, Positions};

/// The file name searched for.
pub(crate) const CONFIG_NAME: &str = "eligo.yaml";

/// Largest configuration file read: a config is a few dozen lines.
pub(crate) const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// The typed contents of `eligo.yaml`; every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Rule packs to add (files or folders).
    #[serde(default)]
    pub rules: Vec<PathBuf>,
    /// Whether to load the embedded default pack.
    pub default_rules: Option<bool>,
    /// Waivers files.
    #[serde(default)]
    pub waivers: Vec<PathBuf>,
    /// Whether warnings fail the run.
    pub deny_warnings: Option<bool>,
    /// Run only these rules.
    pub select: Option<Vec<String>>,
    /// Skip these rules.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// New values of the packs' named constants.
    #[serde(default)]
    pub constants: BTreeMap<String, serde_yaml::Value>,
    /// The report format of `check`.
    pub format: Option<String>,
    /// A JSON report whose findings are known.
    pub baseline: Option<PathBuf>,
    /// Bounds on hostile input.
    #[serde(default)]
    pub limits: LimitsConfig,
}

/// The `limits` mapping.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsConfig {
    /// Largest scenario or waivers file, in bytes.
    pub max_file_bytes: Option<usize>,
    /// Deepest nesting of YAML mappings and lists.
    pub max_depth: Option<usize>,
    /// Most values that YAML aliases may expand to in one file.
    pub max_alias_events: Option<usize>,
    /// Most bytes of text that YAML aliases may expand to in one file.
    pub max_alias_bytes: Option<usize>,
    /// Longest string value, in bytes.
    pub max_string_bytes: Option<usize>,
    /// Deepest nesting of expressions in rule files.
    pub max_rule_depth: Option<usize>,
}

/// A configuration file read and checked for types.
#[derive(Debug)]
pub struct Config {
    /// The file.
    pub source: SourceFile,
    /// The folder holding it: relative paths start here.
    pub dir: PathBuf,
    /// Its values.
    pub values: ConfigFile,
    positions: Positions,
}

impl Config {
    /// A path written in the file, made relative to the file's folder.
    pub fn resolve(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.dir.join(path)
        }
    }

    /// Where the value at a dotted path (`select[1]`) is, or the file's start.
    pub fn pos(&self, path: &str) -> Pos {
        self.positions
            .values
            .get(path)
            .or_else(|| self.positions.keys.get(path))
            .copied()
            .unwrap_or(Pos {
                line: 1,
                column: 1,
                offset: 0,
                len: 0,
            })
    }

    /// Where the key of a dotted path is written.
    pub fn key_pos(&self, path: &str) -> Pos {
        self.positions
            .keys
            .get(path)
            .copied()
            .unwrap_or_else(|| self.pos(path))
    }

    /// An error at the value of a dotted path.
    pub fn error_at(
        &self,
        code: ConfigCode,
        path: &str,
        message: String,
        label: &str,
        help: Option<String>,
    ) -> ConfigError {
        positioned(&self.source, code, self.pos(path), message, label, help)
    }

    /// An error at the key of a dotted path.
    pub fn error_at_key(
        &self,
        code: ConfigCode,
        path: &str,
        message: String,
        label: &str,
        help: Option<String>,
    ) -> ConfigError {
        positioned(&self.source, code, self.key_pos(path), message, label, help)
    }

    /// The limits with the file's values over the defaults.
    pub fn limits(&self, mut limits: Limits) -> Limits {
        let l = &self.values.limits;
        limits.max_file_bytes = l.max_file_bytes.unwrap_or(limits.max_file_bytes);
        limits.max_depth = l.max_depth.unwrap_or(limits.max_depth);
        limits.max_alias_events = l.max_alias_events.unwrap_or(limits.max_alias_events);
        limits.max_alias_bytes = l.max_alias_bytes.unwrap_or(limits.max_alias_bytes);
        limits.max_string_bytes = l.max_string_bytes.unwrap_or(limits.max_string_bytes);
        limits
    }
}

/// The nearest `eligo.yaml` in `start` or a parent folder.
pub(crate) fn discover(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|dir| dir.join(CONFIG_NAME))
        .find(|candidate| candidate.is_file())
}

/// Reads and type-checks a configuration file.
pub(crate) fn read(path: &Path) -> Result<Config, Vec<ConfigError>> {
    let name = path.display().to_string();
    let text = read_bounded(path, &name).map_err(|e| vec![e])?;
    let source = SourceFile::new(name, text);
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    parse(source, dir)
}

/// Checks the text of a configuration file.
pub(crate) fn parse(source: SourceFile, dir: PathBuf) -> Result<Config, Vec<ConfigError>> {
    let limits = Limits {
        max_file_bytes: MAX_CONFIG_BYTES as usize,
        ..Limits::default()
    };
    let (positions, errors) = locate::walk(&source, limits);
    if !errors.is_empty() {
        return Err(errors);
    }
    let values = if positions.has_document && !is_null_document(&source.text) {
        serde_yaml::from_str::<ConfigFile>(&source.text)
            .map_err(|e| vec![serde_error(&source, &e)])?
    } else {
        ConfigFile::default()
    };
    let config = Config {
        source,
        dir,
        values,
        positions,
    };
    let errors = depth_errors(&config);
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(config)
}

/// The nesting limits out of the range their flags accept (`--max-depth`,
/// `--max-rule-depth`): a larger value would name a bound the parsers never
/// apply, and 0 would refuse every file.
fn depth_errors(config: &Config) -> Vec<ConfigError> {
    let l = &config.values.limits;
    let ceilings = [
        (
            "limits.max_depth",
            l.max_depth,
            crate::scenario::MAX_DEPTH_CEILING,
        ),
        (
            "limits.max_rule_depth",
            l.max_rule_depth,
            crate::lang::parse::MAX_EXPR_DEPTH_CEILING,
        ),
    ];
    ceilings
        .into_iter()
        .filter_map(|(path, value, ceiling)| {
            let n = value?;
            (!(1..=ceiling).contains(&n)).then(|| {
                config.error_at(
                    ConfigCode::InvalidValue,
                    path,
                    format!("`{path}` is {n}, outside 1 to {ceiling}"),
                    "here",
                    Some(format!(
                        "the parser's own limit is {ceiling}; give a whole number from 1 to {ceiling}"
                    )),
                )
            })
        })
        .collect()
}

/// A document of nothing but comments, or a bare `null`/`~`: no settings.
fn is_null_document(text: &str) -> bool {
    let content: Vec<&str> = text
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty() && *l != "---" && *l != "...")
        .collect();
    content.is_empty() || content == ["~"] || content == ["null"]
}

/// Reads at most [`MAX_CONFIG_BYTES`] (one byte more tells a larger file).
fn read_bounded(path: &Path, name: &str) -> Result<String, ConfigError> {
    let io = |e: std::io::Error| {
        ConfigError::file_level(
            ConfigCode::Io,
            name,
            format!("cannot read configuration file `{name}`: {e}"),
            Some("check that the path given to `--config` exists and is readable".into()),
        )
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(MAX_CONFIG_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return Err(ConfigError::file_level(
            ConfigCode::Unreadable,
            name,
            format!("`{name}` is larger than {MAX_CONFIG_BYTES} bytes"),
            Some(
                "a configuration file is a few dozen lines; check that this is the right file"
                    .into(),
            ),
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        ConfigError::file_level(
            ConfigCode::Unreadable,
            name,
            format!(
                "`{name}` is not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
            Some("save the file as UTF-8".into()),
        )
    })
}

/// A serde error (a wrong type) at its line and column.
fn serde_error(source: &SourceFile, e: &serde_yaml::Error) -> ConfigError {
    let text = e.to_string();
    // serde_yaml appends " at line L column C"; the position goes in the label.
    let message = match text.find(" at line ") {
        Some(i) => text.get(..i).unwrap_or(&text).to_string(),
        None => text.clone(),
    };
    let (code, help) = if message.contains("unknown field") {
        (ConfigCode::UnknownField, None)
    } else {
        (
            ConfigCode::WrongType,
            Some(
                "see the README's \"Configuration, selection and baselines\" for each key's type"
                    .into(),
            ),
        )
    };
    let pos = e.location().map(|l| {
        let offset = offset_of(&source.text, l.line(), l.column());
        Pos {
            line: l.line() as u32,
            column: l.column() as u32,
            offset: offset as u32,
            len: token_len(&source.text, offset) as u32,
        }
    });
    ConfigError {
        code,
        message,
        label: "here".into(),
        help,
        path: source.name.clone(),
        pos,
        also: None,
        src: pos.map(|_| source.named_source()),
    }
}

/// The byte offset of a 1-based line and character column (the end of the
/// text when they lie beyond it).
pub(crate) fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let rest = text.get(line_start..).unwrap_or("");
    let within = rest
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(rest.len(), |(i, _)| i);
    line_start + within
}

/// The length of the token starting at `offset` (to the end of the line or a
/// comma, bracket or comment), for the label's underline.
fn token_len(text: &str, offset: usize) -> usize {
    let rest = text.get(offset..).unwrap_or("");
    rest.find(['\n', ',', ']', '}', '#'])
        .unwrap_or(rest.len())
        .max(1)
        .min(rest.len())
}

/// How `eligo.yaml` was chosen, as the commands' flags say.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Choice<'a> {
    /// `--no-config`.
    None,
    /// `--config FILE`.
    File(&'a Path),
    /// Search the current folder and its parents.
    Discover,
}

/// Finds and reads the configuration the flags ask for; `Ok(None)` when there is none.
pub(crate) fn load(choice: Choice<'_>) -> Result<Option<Config>, Vec<ConfigError>> {
    let path = match choice {
        Choice::None => return Ok(None),
        Choice::File(path) => path.to_path_buf(),
        Choice::Discover => {
            let Ok(cwd) = std::env::current_dir() else {
                return Ok(None);
            };
            match discover(&cwd) {
                Some(found) => relative_to(&found, &cwd),
                None => return Ok(None),
            }
        }
    };
    read(&path).map(Some)
}

/// `path` relative to `base` when it lies under it (shorter names in reports).
fn relative_to(path: &Path, base: &Path) -> PathBuf {
    match path.strip_prefix(base) {
        Ok(rel) => rel.to_path_buf(),
        Err(_) => path.to_path_buf(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> Result<Config, Vec<ConfigError>> {
        parse(SourceFile::new("eligo.yaml", text), PathBuf::from("team"))
    }

    #[test]
    fn nesting_limits_stay_within_the_parsers_ceilings() {
        let errors = parse_text("limits:\n  max_depth: 1000\n  max_rule_depth: 0\n").unwrap_err();
        assert_eq!(errors.len(), 2);
        assert!(errors.iter().all(|e| e.code == ConfigCode::InvalidValue));
        assert_eq!(errors[0].pos.map(|p| p.line), Some(2));
        assert!(parse_text("limits: {max_depth: 255, max_rule_depth: 64}\n").is_ok());
    }

    #[test]
    fn an_empty_or_comment_only_file_is_all_defaults() {
        for text in ["", "# nothing yet\n", "---\n", "~\n"] {
            let config = parse_text(text).unwrap();
            assert!(
                config.values.rules.is_empty() && config.values.select.is_none(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn values_are_typed_and_paths_relative_to_the_file() {
        let config = parse_text(
            "rules: [policies]\nselect: [a, b]\nlimits: {max_depth: 9}\nconstants: {x: 1}\n",
        )
        .unwrap();
        assert_eq!(
            config.resolve(Path::new("policies")),
            PathBuf::from("team/policies")
        );
        assert_eq!(config.values.select, Some(vec!["a".into(), "b".into()]));
        assert_eq!(config.limits(Limits::default()).max_depth, 9);
        assert_eq!(config.pos("select[1]").line, 2);
        assert_eq!(config.pos("select[1]").column, 13);
        assert_eq!(config.key_pos("constants.x").column, 13);
    }

    #[test]
    fn every_unknown_key_is_reported_with_a_suggestion() {
        let errors = parse_text("selct: [a]\nignor: [b]\nlimits:\n  max_dept: 3\n").unwrap_err();
        let messages: Vec<(&str, Option<&str>)> = errors
            .iter()
            .map(|e| (e.message.as_str(), e.help.as_deref()))
            .collect();
        assert_eq!(
            messages,
            [
                (
                    "unknown key `selct` in a configuration file",
                    Some("did you mean `select`?")
                ),
                (
                    "unknown key `ignor` in a configuration file",
                    Some("did you mean `ignore`?")
                ),
                (
                    "unknown key `max_dept` in `limits`",
                    Some("did you mean `max_depth`?")
                ),
            ]
        );
    }

    #[test]
    fn wrong_types_point_at_the_value() {
        let errors = parse_text("select: [a]\nlimits:\n  max_depth: deep\n").unwrap_err();
        let [e] = errors.as_slice() else {
            panic!("{errors:?}")
        };
        assert_eq!(e.code, ConfigCode::WrongType);
        let pos = e.pos.unwrap();
        assert_eq!((pos.line, pos.column), (3, 14));
    }

    #[test]
    fn a_second_document_and_alias_bombs_are_refused() {
        assert!(parse_text("select: [a]\n---\nselect: [b]\n").is_err());
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..8 {
            bomb.push_str(&format!(
                "b{i}: &b{i} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n",
                p = if i == 0 {
                    "a".to_string()
                } else {
                    format!("b{}", i - 1)
                }
            ));
        }
        let errors = parse_text(&bomb).unwrap_err();
        assert!(
            errors.iter().any(|e| e.message.contains("aliases")),
            "{errors:?}"
        );
    }
}
