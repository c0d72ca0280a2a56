//! Submissions written natively, byte for byte as Python writes them with
//! `json.dumps({"predictions": ...}, indent=indent, ensure_ascii=False)`:
//! the same layout, the same separators, floats as `repr()` writes them,
//! text with the same escapes. Only the two keys of each entry are written.

use crate::core::json::python::repr_float;

/// An entry's salience, as a JSON value.
#[derive(Debug, Clone, Copy)]
pub enum Value<'a> {
    Float(f64),
    /// An int's decimal digits.
    Int(&'a str),
    Text(&'a str),
    Bool(bool),
    Null,
}

/// A float that JSON cannot hold (Python's `allow_nan=False` refuses it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NotFinite(pub f64);

/// Writes `{"predictions": {clip: [entries], ...}}` a clip at a time.
pub struct Writer {
    out: Vec<u8>,
    /// One level's indentation; None writes one line.
    indent: Option<Vec<u8>>,
    clips: usize,
}

impl Writer {
    /// `indent` as Python's: spaces per level (negative: none), or None
    /// for one line.
    pub fn new(indent: Option<i64>) -> Writer {
        let indent = indent.map(|n| vec![b' '; n.max(0) as usize]);
        let mut writer = Writer {
            out: Vec::new(),
            indent,
            clips: 0,
        };
        writer.out.push(b'{');
        writer.newline(1);
        writer.string("predictions");
        writer.out.extend_from_slice(b": {");
        writer
    }

    /// The line break and indentation of `level`, when indenting.
    fn newline(&mut self, level: usize) {
        if let Some(indent) = &self.indent {
            self.out.push(b'\n');
            for _ in 0..level {
                self.out.extend_from_slice(indent);
            }
        }
    }

    /// Between two items: "," and a new line, or ", " on one line.
    fn separator(&mut self, level: usize) {
        if self.indent.is_some() {
            self.out.push(b',');
            self.newline(level);
        } else {
            self.out.extend_from_slice(b", ");
        }
    }

    /// One clip and its entries: `(emotion, salience)`.
    pub fn clip(&mut self, name: &str, entries: &[(&str, Value<'_>)]) -> Result<(), NotFinite> {
        if self.clips == 0 {
            self.newline(2);
        } else {
            self.separator(2);
        }
        self.clips += 1;
        self.string(name);
        self.out.extend_from_slice(b": ");
        if entries.is_empty() {
            self.out.extend_from_slice(b"[]");
            return Ok(());
        }
        self.out.push(b'[');
        for (k, (emotion, salience)) in entries.iter().enumerate() {
            if k == 0 {
                self.newline(3);
            } else {
                self.separator(3);
            }
            self.out.push(b'{');
            self.newline(4);
            self.string("emotion");
            self.out.extend_from_slice(b": ");
            self.string(emotion);
            self.separator(4);
            self.string("salience");
            self.out.extend_from_slice(b": ");
            self.value(*salience)?;
            self.newline(3);
            self.out.push(b'}');
        }
        self.newline(2);
        self.out.push(b']');
        Ok(())
    }

    fn value(&mut self, value: Value<'_>) -> Result<(), NotFinite> {
        match value {
            Value::Float(x) if !x.is_finite() => return Err(NotFinite(x)),
            Value::Float(x) => self.float(x),
            Value::Int(digits) => self.out.extend_from_slice(digits.as_bytes()),
            Value::Text(text) => self.string(text),
            Value::Bool(b) => self
                .out
                .extend_from_slice(if b { b"true" } else { b"false" }),
            Value::Null => self.out.extend_from_slice(b"null"),
        }
        Ok(())
    }

    /// A finite float as `repr()` writes it; whole numbers below 10^16
    /// (most saliences) without the general formatting.
    fn float(&mut self, x: f64) {
        if x == x.trunc() && x.abs() < 1e16 && !(x == 0.0 && x.is_sign_negative()) {
            let mut digits = itoa(x.abs() as u64);
            if x < 0.0 {
                digits.insert(0, b'-');
            }
            self.out.extend_from_slice(&digits);
            self.out.extend_from_slice(b".0");
        } else {
            self.out.extend_from_slice(repr_float(x).as_bytes());
        }
    }

    /// A JSON string as `ensure_ascii=False` writes it.
    fn string(&mut self, text: &str) {
        self.out.push(b'"');
        let bytes = text.as_bytes();
        let mut start = 0;
        for (i, &b) in bytes.iter().enumerate() {
            let escape: &[u8] = match b {
                b'"' => b"\\\"",
                b'\\' => b"\\\\",
                b'\n' => b"\\n",
                b'\r' => b"\\r",
                b'\t' => b"\\t",
                0x08 => b"\\b",
                0x0c => b"\\f",
                0..=0x1f => b"",
                _ => continue,
            };
            self.out.extend_from_slice(&bytes[start..i]);
            if escape.is_empty() {
                self.out.extend_from_slice(format!("\\u{b:04x}").as_bytes());
            } else {
                self.out.extend_from_slice(escape);
            }
            start = i + 1;
        }
        self.out.extend_from_slice(&bytes[start..]);
        self.out.push(b'"');
    }

    /// The document, closed, with a final line break.
    pub fn finish(mut self) -> Vec<u8> {
        if self.clips == 0 {
            // `{}` has no inner lines.
            let open = self.out.len() - 1;
            self.out.truncate(open);
            self.out.extend_from_slice(b"{}");
        } else {
            self.newline(1);
            self.out.push(b'}');
        }
        self.newline(0);
        self.out.push(b'}');
        self.out.push(b'\n');
        self.out
    }
}

fn itoa(mut n: u64) -> Vec<u8> {
    let mut digits = Vec::with_capacity(20);
    loop {
        digits.push(b'0' + (n % 10) as u8);
        n /= 10;
        if n == 0 {
            break;
        }
    }
    digits.reverse();
    digits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(indent: Option<i64>, clips: &[(&str, Vec<(&str, Value<'_>)>)]) -> String {
        let mut writer = Writer::new(indent);
        for (name, entries) in clips {
            writer.clip(name, entries).unwrap();
        }
        String::from_utf8(writer.finish()).unwrap()
    }

    #[test]
    fn the_layout_is_pythons() {
        let clips = [
            ("test_0001.mov", vec![("sad", Value::Float(100.0))]),
            (
                "a\"b\\\u{1}é",
                vec![("disg", Value::Int("30")), ("ang", Value::Float(69.5))],
            ),
        ];
        // json.dumps({"predictions": ...}, indent=4, ensure_ascii=False) + "\n"
        let expected = "{\n    \"predictions\": {\n        \"test_0001.mov\": [\n            {\n                \"emotion\": \"sad\",\n                \"salience\": 100.0\n            }\n        ],\n        \"a\\\"b\\\\\\u0001é\": [\n            {\n                \"emotion\": \"disg\",\n                \"salience\": 30\n            },\n            {\n                \"emotion\": \"ang\",\n                \"salience\": 69.5\n            }\n        ]\n    }\n}\n";
        assert_eq!(write(Some(4), &clips), expected);
        let line = "{\"predictions\": {\"test_0001.mov\": [{\"emotion\": \"sad\", \"salience\": 100.0}], \"a\\\"b\\\\\\u0001é\": [{\"emotion\": \"disg\", \"salience\": 30}, {\"emotion\": \"ang\", \"salience\": 69.5}]}}\n";
        assert_eq!(write(None, &clips), line);
        assert_eq!(write(Some(4), &[]), "{\n    \"predictions\": {}\n}\n");
        assert_eq!(
            write(None, &[("c", vec![])]),
            "{\"predictions\": {\"c\": []}}\n"
        );
        assert_eq!(
            write(Some(-1), &[("c", vec![("ang", Value::Float(-0.0))])]),
            "{\n\"predictions\": {\n\"c\": [\n{\n\"emotion\": \"ang\",\n\"salience\": -0.0\n}\n]\n}\n}\n"
        );
        let mut writer = Writer::new(None);
        let refused = writer.clip("c", &[("ang", Value::Float(f64::NAN))]);
        assert!(matches!(refused, Err(NotFinite(x)) if x.is_nan()));
    }
}
