//! Diagnostics for configuration files (`eligo.yaml`).

use std::fmt;

use crate::scenario::error::{InputCode, InputError};

/// Stable codes of configuration errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConfigCode {
    /// The file cannot be read, or `--config` names no file.
    Io,
    /// The file is larger than the limit, or not UTF-8.
    Unreadable,
    /// The YAML does not parse, or breaks a bound (depth, aliases).
    Syntax,
    /// A key the format does not declare.
    UnknownField,
    /// A key given twice in one mapping.
    DuplicateKey,
    /// A value of the wrong type.
    WrongType,
    /// A rule id that no loaded rule has.
    UnknownRule,
    /// A constant that no rule file declares.
    UnknownConstant,
    /// A constant's new value does not have the constant's type.
    ConstantType,
    /// A value outside its allowed set (a format name).
    InvalidValue,
}

impl ConfigCode {
    /// The diagnostic code, e.g. `eligo::config::unknown_field`.
    pub fn as_str(self) -> &'static str {
        use ConfigCode::*;
        match self {
            Io => "eligo::config::io",
            Unreadable => "eligo::config::unreadable",
            Syntax => "eligo::config::syntax",
            UnknownField => "eligo::config::unknown_field",
            DuplicateKey => "eligo::config::duplicate_key",
            WrongType => "eligo::config::wrong_type",
            UnknownRule => "eligo::config::unknown_rule",
            UnknownConstant => "eligo::config::unknown_constant",
            ConstantType => "eligo::config::constant_type",
            InvalidValue => "eligo::config::invalid_value",
        }
    }
}

impl fmt::Display for ConfigCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl InputCode for ConfigCode {
    fn code_str(self) -> &'static str {
        self.as_str()
    }
}

/// One problem with a configuration file.
pub(crate) type ConfigError = InputError<ConfigCode>;

/// A configuration error with no place in a file (`--config` names no file).
pub(crate) fn file_level(code: ConfigCode, path: &str, message: String, help: &str) -> ConfigError {
    ConfigError {
        code,
        message,
        label: String::new(),
        help: Some(help.to_string()),
        path: path.to_string(),
        pos: None,
        also: None,
        src: None,
    }
}
