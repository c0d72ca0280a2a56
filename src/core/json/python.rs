//! What Python makes of JSON text, where the messages and the rules depend
//! on it: `float()` of a string salience, `repr()` of a value shown in a
//! message, and the type names (`dict`, `list`, `str`, ...).
//!
//! ASCII text is handled here exactly. Text beyond ASCII (Unicode digits
//! and spaces in `float()`, printable characters in `repr()`) and lone
//! surrogates depend on Python's own Unicode tables, so a [`Host`] answers
//! for it: the bindings ask the interpreter; [`Approximate`] serves Rust
//! callers and tests.

use crate::core::json::reader::Str;

/// Answers for text beyond ASCII.
pub trait Host {
    /// `float(text)`, or None where Python raises.
    fn float(&self, text: Str<'_>) -> Option<f64>;
    /// `repr(text)`.
    fn repr(&self, text: Str<'_>) -> String;
    /// Whether the reader should stop now (Ctrl-C); asked every few
    /// thousand members.
    fn interrupted(&self) -> bool {
        false
    }
}

/// Without an interpreter: non-ASCII text is no number, and its characters
/// are shown as they are (lone surrogates escaped).
pub struct Approximate;

impl Host for Approximate {
    fn float(&self, _text: Str<'_>) -> Option<f64> {
        None
    }

    fn repr(&self, text: Str<'_>) -> String {
        let lossy = String::from_utf8_lossy(text.bytes);
        let mut out = String::new();
        repr_chars(&lossy, &mut out, |c| !c.is_control());
        out
    }
}

/// Python's `float()` of a string: surrounding whitespace dropped, `_`
/// allowed between digits, `inf`, `infinity` and `nan` in any case.
pub fn float_of(text: Str<'_>, host: &dyn Host) -> Option<f64> {
    match text.text() {
        Some(ascii) if ascii.is_ascii() => float_of_ascii(ascii),
        _ => host.float(text),
    }
}

fn float_of_ascii(text: &str) -> Option<f64> {
    if text.contains('\0') {
        return None;
    }
    let cleaned;
    let text = if text.contains('_') {
        cleaned = without_underscores(text)?;
        cleaned.as_str()
    } else {
        text
    };
    let text = text.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c'));
    // Rust's grammar is Python's `PyOS_string_to_double`, but for a few
    // spellings Rust takes and Python does not.
    let body = text.strip_prefix(['+', '-']).unwrap_or(text);
    let starts_well = body.bytes().next().is_some_and(|b| {
        b.is_ascii_digit() || b == b'.' || b == b'i' || b == b'I' || b == b'n' || b == b'N'
    });
    if !starts_well {
        return None;
    }
    text.parse::<f64>().ok()
}

/// `text` without underscores, when each stands between two digits.
fn without_underscores(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'_' {
            let before = i > 0 && bytes[i - 1].is_ascii_digit();
            let after = bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
            if !(before && after) {
                return None;
            }
        } else {
            out.push(b as char);
        }
    }
    Some(out)
}

/// Python's `repr()` of a string.
pub fn repr_str(text: Str<'_>, host: &dyn Host) -> String {
    match text.text() {
        Some(ascii) if ascii.is_ascii() => {
            let mut out = String::with_capacity(ascii.len() + 2);
            repr_chars(ascii, &mut out, |_| false);
            out
        }
        _ => host.repr(text),
    }
}

/// `repr()` of a string's characters, `printable` saying which non-ASCII
/// characters are shown as they are.
fn repr_chars(text: &str, out: &mut String, printable: impl Fn(char) -> bool) {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(quote);
    for c in text.chars() {
        match c {
            _ if c == quote || c == '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            ' '..='~' => out.push(c),
            _ if !c.is_ascii() && printable(c) => out.push(c),
            _ => {
                let code = c as u32;
                let escape = if code <= 0xff {
                    format!("\\x{code:02x}")
                } else if code <= 0xffff {
                    format!("\\u{code:04x}")
                } else {
                    format!("\\U{code:08x}")
                };
                out.push_str(&escape);
            }
        }
    }
    out.push(quote);
}

/// Python's `repr()` of a float: the shortest digits that read back to it,
/// in fixed notation from 1e-4 up to 1e16, else in exponent notation.
pub fn repr_float(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.into();
    }
    // Rust's `{:e}` gives the same shortest digits: "d.ddde-x".
    let sci = format!("{:e}", x.abs());
    let (mantissa, exponent) = sci.split_once('e').expect("exponent notation");
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let exponent: i32 = exponent.parse().expect("an integer exponent");
    // The decimal point's place: value = 0.digits x 10^point.
    let point = exponent + 1;
    let sign = if x.is_sign_negative() { "-" } else { "" };
    let n = digits.len() as i32;
    let body = if !(-4 < point && point <= 16) {
        let rest = &digits[1..];
        let dot = if rest.is_empty() { "" } else { "." };
        let exp_sign = if exponent < 0 { '-' } else { '+' };
        format!(
            "{}{dot}{rest}e{exp_sign}{:02}",
            &digits[..1],
            exponent.abs()
        )
    } else if point <= 0 {
        format!("0.{}{digits}", "0".repeat((-point) as usize))
    } else if point >= n {
        format!("{digits}{}.0", "0".repeat((point - n) as usize))
    } else {
        format!(
            "{}.{}",
            &digits[..point as usize],
            &digits[point as usize..]
        )
    };
    format!("{sign}{body}")
}

/// Python's `repr()` of an int written in JSON (no leading zeros): its
/// digits, with `-0` read as 0.
pub fn repr_int(text: &str) -> &str {
    if text == "-0" {
        "0"
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ascii(text: &str) -> Str<'_> {
        Str {
            bytes: text.as_bytes(),
            utf8: true,
        }
    }

    #[test]
    fn float_reads_strings_as_python_does() {
        // Each value as Python 3.11's float() gives it (None: ValueError).
        for (text, expected) in [
            ("70", Some(70.0)),
            (" 70 \n", Some(70.0)),
            ("\x0b5\x0c", Some(5.0)),
            ("\x1c5", None),
            ("7_0", Some(70.0)),
            ("1_000.5", Some(1000.5)),
            ("1e1_0", Some(1e10)),
            ("1__0", None),
            ("_1", None),
            ("1_", None),
            ("1_.5", None),
            ("1._5", None),
            (" _1", None),
            ("inf", Some(f64::INFINITY)),
            ("-Infinity", Some(f64::NEG_INFINITY)),
            ("+INF", Some(f64::INFINITY)),
            ("1.e5", Some(1e5)),
            (".5", Some(0.5)),
            ("5.", Some(5.0)),
            ("+.5", Some(0.5)),
            ("-.5e-1", Some(-0.05)),
            ("", None),
            (" ", None),
            ("e5", None),
            (".", None),
            ("0x10", None),
            ("1e", None),
            ("1 0", None),
            ("infinit", None),
            ("nan(1)", None),
            ("1\x002", None),
            ("++1", None),
            ("+-1", None),
            ("- 1", None),
        ] {
            let got = float_of(ascii(text), &Approximate);
            assert_eq!(
                got.map(f64::to_bits),
                expected.map(f64::to_bits),
                "{text:?}"
            );
        }
        assert!(float_of(ascii("-nan"), &Approximate).is_some_and(f64::is_nan));
        assert!(float_of(ascii(" NaN "), &Approximate).is_some_and(f64::is_nan));
    }

    #[test]
    fn reprs_are_pythons() {
        for (text, repr) in [
            ("ang", "'ang'"),
            ("it's", "\"it's\""),
            ("'\"", "'\\'\"'"),
            ("a\\b\tc\n\r\x01\x7f", "'a\\\\b\\tc\\n\\r\\x01\\x7f'"),
        ] {
            assert_eq!(repr_str(ascii(text), &Approximate), repr);
        }
        for (x, repr) in [
            (100.0, "100.0"),
            (0.1, "0.1"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (123456789012345680.0, "1.2345678901234568e+17"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (-0.0, "-0.0"),
            (1.5e-300, "1.5e-300"),
            (f64::NAN, "nan"),
            (f64::NEG_INFINITY, "-inf"),
            (30.000000000000004, "30.000000000000004"),
        ] {
            assert_eq!(repr_float(x), repr, "{x}");
        }
        assert_eq!(repr_int("-0"), "0");
    }
}
