//! The fields of a waiver and how their YAML values are described in messages.

use crate::scenario::event::{Event, Style};

/// The fields of a waiver, in the order they are documented.
pub(crate) const FIELDS: [&str; 5] = ["rule", "subject", "reason", "owner", "expires"];

/// What each field holds, for help texts.
pub(crate) const FIELD_HELP: [&str; 5] = [
    "the id of the rule whose finding is accepted, as `eligo rules` lists it",
    "the id of the entity the finding is about",
    "why the finding is accepted",
    "who answers for the waiver, e.g. a team's e-mail address",
    "the last day the waiver applies, as YYYY-MM-DD",
];

/// `` `rule`, `subject`, `reason`, `owner` and `expires` ``
pub(crate) fn field_list() -> String {
    let names: Vec<String> = FIELDS.iter().map(|f| format!("`{f}`")).collect();
    names.join(", ")
}

/// The name of a field, by its index in [`FIELDS`].
pub(crate) fn field_name(field: usize) -> &'static str {
    FIELDS.get(field).copied().unwrap_or("field")
}

/// What a field holds, for help lines, by its index in [`FIELDS`].
pub(crate) fn field_help(field: usize) -> &'static str {
    FIELD_HELP.get(field).copied().unwrap_or("a value")
}

/// What a field's value must be, for messages.
pub(crate) fn expected_of(field: usize) -> &'static str {
    if field_name(field) == "expires" {
        "a date"
    } else {
        "a string"
    }
}

/// A plain `null`, `~` or nothing.
pub(crate) fn is_null(text: &str, style: Style) -> bool {
    style == Style::Plain && matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

/// What a plain scalar is under the YAML 1.2 core schema, when it is not a string.
pub(crate) fn non_string_kind(text: &str) -> Option<&'static str> {
    if matches!(text, "true" | "True" | "TRUE" | "false" | "False" | "FALSE") {
        return Some("a boolean");
    }
    let body = text.trim_start_matches(['+', '-']);
    let number = body.starts_with("0x")
        || body.starts_with("0o")
        || matches!(body, ".inf" | ".Inf" | ".INF" | ".nan" | ".NaN" | ".NAN")
        || (body
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_digit() || b == b'.')
            && text.parse::<f64>().is_ok());
    number.then_some("a number")
}

/// What an event is, for messages.
pub(crate) fn describe(event: &Event<'_>) -> String {
    match event {
        Event::MappingStart(..) => "a mapping".into(),
        Event::SequenceStart(..) => "a list".into(),
        Event::Scalar(text, ..) => format!("`{text}`"),
        _ => "nothing".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::non_string_kind;

    #[test]
    fn plain_numbers_and_booleans_are_not_strings() {
        for text in [
            "4412345", "-1", "1.5", "1e3", "0x1F", "0o17", ".inf", "true", "False",
        ] {
            assert!(non_string_kind(text).is_some(), "{text}");
        }
        for text in ["sub-1", "2027-01-31", "1a", "contoso", "yes", "e5"] {
            assert_eq!(non_string_kind(text), None, "{text}");
        }
    }
}
