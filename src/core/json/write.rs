//! Submissions written natively, byte for byte as Python writes them with
//! `json.dumps({"predictions": ...}, indent=indent, ensure_ascii=False)`:
//! the same layout, the same separators, floats as `repr()` writes them,
//! text with the same escapes. Only the two keys of each entry are written.

use crate::core::json::python::repr_float;

/// An entry's salience, as a JSON value.
#[derive(Debug, Clone, Copy)]
pub enum Value<'a> {
    Float(f64),
    Int(i64),
    /// The decimal digits of an int too large for `Int`.
    Digits(&'a str),
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
    /// For each level up to the entries' fields: its line break and
    /// indentation, or nothing on one line.
    newlines: [Vec<u8>; 5],
    /// Between two items: "," and a line break, or ", " on one line.
    separators: [Vec<u8>; 5],
    clips: usize,
}

impl Writer {
    /// `indent` as Python's: spaces per level (negative: none), or None
    /// for one line. `clips` is how many clips are coming, to size the
    /// buffer once.
    pub fn new(indent: Option<i64>, clips: usize) -> Writer {
        let level = |k: usize| match indent {
            Some(n) => {
                let mut line = vec![b'\n'];
                line.resize(1 + k * n.max(0) as usize, b' ');
                line
            }
            None => Vec::new(),
        };
        let newlines = [level(0), level(1), level(2), level(3), level(4)];
        let separators = newlines.clone().map(|line| match indent {
            Some(_) => [&b","[..], &line].concat(),
            None => b", ".to_vec(),
        });
        let per_clip = if indent.is_some() { 200 } else { 100 };
        let mut writer = Writer {
            out: Vec::with_capacity(64 + clips * per_clip),
            newlines,
            separators,
            clips: 0,
        };
        writer.out.push(b'{');
        writer.newline(1);
        writer.out.extend_from_slice(b"\"predictions\": {");
        writer
    }

    #[inline]
    fn newline(&mut self, level: usize) {
        self.out.extend_from_slice(&self.newlines[level]);
    }

    #[inline]
    fn separator(&mut self, level: usize) {
        self.out.extend_from_slice(&self.separators[level]);
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
            self.out.extend_from_slice(b"\"emotion\": ");
            self.string(emotion);
            self.separator(4);
            self.out.extend_from_slice(b"\"salience\": ");
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
            Value::Int(n) => {
                if n < 0 {
                    self.out.push(b'-');
                }
                self.digits(n.unsigned_abs());
            }
            Value::Digits(digits) => self.out.extend_from_slice(digits.as_bytes()),
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
            if x < 0.0 {
                self.out.push(b'-');
            }
            self.digits(x.abs() as u64);
            self.out.extend_from_slice(b".0");
        } else {
            self.out.extend_from_slice(repr_float(x).as_bytes());
        }
    }

    fn digits(&mut self, mut n: u64) {
        let mut buffer = [0u8; 20];
        let mut start = buffer.len();
        loop {
            start -= 1;
            buffer[start] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        self.out.extend_from_slice(&buffer[start..]);
    }

    /// A JSON string as `ensure_ascii=False` writes it.
    fn string(&mut self, text: &str) {
        let bytes = text.as_bytes();
        self.out.push(b'"');
        // Without short-circuits, so that the check runs on whole vectors.
        let plain = bytes.iter().fold(true, |plain, &b| {
            plain & (b >= 0x20) & (b != b'"') & (b != b'\\')
        });
        if plain {
            self.out.extend_from_slice(bytes);
        } else {
            for &b in bytes {
                match b {
                    b'"' => self.out.extend_from_slice(b"\\\""),
                    b'\\' => self.out.extend_from_slice(b"\\\\"),
                    b'\n' => self.out.extend_from_slice(b"\\n"),
                    b'\r' => self.out.extend_from_slice(b"\\r"),
                    b'\t' => self.out.extend_from_slice(b"\\t"),
                    0x08 => self.out.extend_from_slice(b"\\b"),
                    0x0c => self.out.extend_from_slice(b"\\f"),
                    0..=0x1f => self.out.extend_from_slice(format!("\\u{b:04x}").as_bytes()),
                    _ => self.out.push(b),
                }
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn write(indent: Option<i64>, clips: &[(&str, Vec<(&str, Value<'_>)>)]) -> String {
        let mut writer = Writer::new(indent, clips.len());
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
                vec![("disg", Value::Int(30)), ("ang", Value::Float(69.5))],
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
        let mut writer = Writer::new(None, 1);
        let refused = writer.clip("c", &[("ang", Value::Float(f64::NAN))]);
        assert!(matches!(refused, Err(NotFinite(x)) if x.is_nan()));
    }
}
