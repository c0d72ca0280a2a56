//! Python values described for messages: their type and a short repr.

use pyo3::prelude::*;

pub fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".into())
}

/// `repr(value)`, cut to 40 characters.
pub fn short_repr(value: &Bound<'_, PyAny>) -> String {
    let text = value
        .repr()
        .map(|r| r.to_string())
        .unwrap_or_else(|_| "?".into());
    if text.chars().count() > 40 {
        format!("{}…", text.chars().take(40).collect::<String>())
    } else {
        text
    }
}

/// `"<type> <short repr>"`, as messages name a value of the wrong kind.
pub fn shown(value: &Bound<'_, PyAny>) -> String {
    format!("{} {}", type_name(value), short_repr(value))
}
