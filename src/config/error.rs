//! Diagnostics for configuration files (`eligo.yaml`).

use crate::scenario::error::{input_codes, InputError};

input_codes! {
    /// Stable codes of configuration errors.
    pub enum ConfigCode {
        /// The file cannot be read, or `--config` names no file.
        Io => "eligo::config::io",
        /// The file is larger than the limit, or not UTF-8.
        Unreadable => "eligo::config::unreadable",
        /// The YAML does not parse, or breaks a bound (depth, aliases).
        Syntax => "eligo::config::syntax",
        /// A key the format does not declare.
        UnknownField => "eligo::config::unknown_field",
        /// A key given twice in one mapping.
        DuplicateKey => "eligo::config::duplicate_key",
        /// A value of the wrong type.
        WrongType => "eligo::config::wrong_type",
        /// A rule id that no loaded rule has.
        UnknownRule => "eligo::config::unknown_rule",
        /// A constant that no rule file declares.
        UnknownConstant => "eligo::config::unknown_constant",
        /// A constant's new value does not have the constant's type.
        ConstantType => "eligo::config::constant_type",
        /// A value outside its allowed set (a format name).
        InvalidValue => "eligo::config::invalid_value",
    }
}

/// One problem with a configuration file.
pub(crate) type ConfigError = InputError<ConfigCode>;
