//! Diagnostics for waivers files.

use crate::scenario::error::{input_codes, InputError};

input_codes! {
    /// Stable codes of waivers-file errors.
    pub enum WaiverCode {
        /// The file cannot be read.
        Io => "eligo::waivers::io",
        /// The text is not UTF-8.
        NotUtf8 => "eligo::waivers::not_utf8",
        /// The file is larger than the limit.
        SizeLimit => "eligo::waivers::size_limit",
        /// The file holds no document.
        Empty => "eligo::waivers::empty",
        /// More than one YAML document.
        MultipleDocuments => "eligo::waivers::multiple_documents",
        /// The YAML does not parse.
        Syntax => "eligo::waivers::syntax",
        /// Aliases expand beyond the limit.
        AliasLimit => "eligo::waivers::alias_limit",
        /// Nesting beyond the limit.
        DepthLimit => "eligo::waivers::depth_limit",
        /// A key the format does not declare.
        UnknownField => "eligo::waivers::unknown_field",
        /// A value of the wrong type.
        WrongType => "eligo::waivers::wrong_type",
        /// A required field absent, null or empty.
        MissingField => "eligo::waivers::missing_field",
        /// A key given twice in one mapping.
        DuplicateKey => "eligo::waivers::duplicate_key",
        /// A date that is not `YYYY-MM-DD` or does not exist.
        InvalidDate => "eligo::waivers::invalid_date",
        /// A rule id that no loaded rule has.
        UnknownRule => "eligo::waivers::unknown_rule",
        /// Two waivers for one rule and subject.
        DuplicateWaiver => "eligo::waivers::duplicate_waiver",
    }
}

/// One problem with a waivers file.
pub(crate) type WaiverError = InputError<WaiverCode>;
