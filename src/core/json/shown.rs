//! Values the submission reader does not expect, read whole and described
//! as the Python-object reader describes them in messages: the Python type
//! and `repr()` of what `json.loads` would make of them, cut to 40
//! characters (`dict {'emotion': 'ang', 'salience': 100}`, `int 3`).

use crate::core::json::input::Source;
use crate::core::json::python::{repr_float, repr_int, repr_str, Host};
use crate::core::json::reader::{Kind, Reader, Result};

/// How many characters of a repr a message shows.
const SHOWN: usize = 40;

/// A repr, built until it is long enough to be cut.
#[derive(Default)]
pub struct Repr {
    text: String,
    chars: usize,
}

impl Repr {
    fn full(&self) -> bool {
        self.chars > SHOWN
    }

    fn push(&mut self, part: &str) {
        if !self.full() {
            self.text.push_str(part);
            self.chars += part.chars().count();
        }
    }

    /// The repr, cut to 40 characters and '…' when longer.
    pub fn short(self) -> String {
        if self.chars > SHOWN {
            let mut cut: String = self.text.chars().take(SHOWN).collect();
            cut.push('…');
            cut
        } else {
            self.text
        }
    }

    /// A whole repr, cut.
    pub fn of(text: &str) -> String {
        let mut repr = Repr::default();
        repr.push(text);
        repr.short()
    }
}

/// Python's type name for a value of this kind (a number's depends on
/// whether it is an integer).
fn type_name(kind: Kind, integer: bool) -> &'static str {
    match kind {
        Kind::Object => "dict",
        Kind::Array => "list",
        Kind::String => "str",
        Kind::Number if integer => "int",
        Kind::Number | Kind::NaN | Kind::Infinity | Kind::NegInfinity => "float",
        Kind::True | Kind::False => "bool",
        Kind::Null => "NoneType",
    }
}

/// Reads the next value and describes it: `"<type> <short repr>"`. Sets
/// `repeated` when an object in it gives a key twice.
pub fn shown<S: Source>(
    reader: &mut Reader<S>,
    host: &dyn Host,
    repeated: &mut bool,
) -> Result<String> {
    let mut repr = Repr::default();
    let type_name = walk(reader, host, Some(&mut repr), repeated)?;
    Ok(format!("{type_name} {}", repr.short()))
}

/// Reads the next value, keeping nothing of it but its Python type name;
/// sets `repeated` as `shown` does.
pub fn skip<S: Source>(
    reader: &mut Reader<S>,
    host: &dyn Host,
    repeated: &mut bool,
) -> Result<&'static str> {
    walk(reader, host, None, repeated)
}

/// Reads one value whole, lists and objects nested to any depth the reader
/// allows (with a loop, not recursion), writing its repr to `out` until it
/// is long enough and setting `repeated` when an object gives a key twice.
/// Returns the value's type name.
fn walk<S: Source>(
    reader: &mut Reader<S>,
    host: &dyn Host,
    mut out: Option<&mut Repr>,
    repeated: &mut bool,
) -> Result<&'static str> {
    let base = reader.depth();
    // Whether each open container has shown a member (for the ", ").
    let mut started: Vec<bool> = Vec::new();
    // The keys of each open object, to find one given twice.
    let mut keys: Vec<Vec<Vec<u8>>> = Vec::new();
    let mut first: Option<&'static str> = None;
    macro_rules! emit {
        ($part:expr) => {
            if let Some(out) = out.as_deref_mut() {
                if !out.full() {
                    out.push($part);
                }
            }
        };
    }
    loop {
        let kind = reader.peek_value()?;
        let mut integer = false;
        match kind {
            Kind::Object => {
                reader.begin_object()?;
                started.push(false);
                keys.push(Vec::new());
                emit!("{");
            }
            Kind::Array => {
                reader.begin_array()?;
                started.push(false);
                emit!("[");
            }
            Kind::String => {
                let text = reader.string()?;
                emit!(&repr_str(text, host));
            }
            Kind::Number => {
                let number = reader.number()?;
                integer = number.integer;
                if integer {
                    emit!(repr_int(number.text));
                } else {
                    emit!(&repr_float(number.value));
                }
            }
            literal => {
                reader.literal(literal);
                emit!(match literal {
                    Kind::True => "True",
                    Kind::False => "False",
                    Kind::Null => "None",
                    Kind::NaN => "nan",
                    Kind::Infinity => "inf",
                    _ => "-inf",
                });
            }
        }
        first.get_or_insert(type_name(kind, integer));
        // Close what is finished; stop before the next member.
        loop {
            if reader.depth() == base {
                return Ok(first.unwrap_or("NoneType"));
            }
            let in_object = reader.in_object();
            let wants_text = out.as_deref().is_some_and(|out| !out.full());
            let member = if in_object {
                reader.next_key()?.map(|key| {
                    let seen = keys.last_mut().expect("an object is open");
                    if seen.iter().any(|k| k == key.bytes) {
                        *repeated = true;
                    } else {
                        seen.push(key.bytes.to_vec());
                    }
                    wants_text.then(|| repr_str(key, host))
                })
            } else {
                reader.next_item()?.then_some(None)
            };
            let Some(key) = member else {
                started.pop();
                if in_object {
                    keys.pop();
                }
                emit!(if in_object { "}" } else { "]" });
                continue;
            };
            if let Some(started) = started.last_mut() {
                if std::mem::replace(started, true) {
                    emit!(", ");
                }
            }
            if let Some(key) = key {
                emit!(&key);
                emit!(": ");
            }
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::json::input::BytesSource;
    use crate::core::json::python::Approximate;

    fn describe(text: &str) -> String {
        let mut reader = Reader::new(BytesSource::new(text.as_bytes())).unwrap();
        let mut repeated = false;
        let shown = shown(&mut reader, &Approximate, &mut repeated).unwrap();
        reader.finish().unwrap();
        assert!(!repeated);
        shown
    }

    #[test]
    fn values_are_described_as_python_shows_them() {
        // Each expected text is Python's f"{type(v).__name__} {repr(v)}", cut.
        for (json, expected) in [
            (
                r#"{"emotion": "ang", "salience": 100}"#,
                "dict {'emotion': 'ang', 'salience': 100}",
            ),
            ("[1, 2.50, -0, 1e16]", "list [1, 2.5, 0, 1e+16]"),
            ("[]", "list []"),
            ("{}", "dict {}"),
            ("[[], {}, [[]]]", "list [[], {}, [[]]]"),
            (r#""it's""#, "str \"it's\""),
            ("true", "bool True"),
            ("null", "NoneType None"),
            ("NaN", "float nan"),
            ("-Infinity", "float -inf"),
            ("-0.0", "float -0.0"),
            ("12", "int 12"),
            (
                r#"{"a": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13], "b": {"c": null}}"#,
                "dict {'a': [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11…",
            ),
        ] {
            assert_eq!(describe(json), expected, "{json}");
        }
    }

    #[test]
    fn a_key_given_twice_is_seen_at_any_depth() {
        let mut reader =
            Reader::new(BytesSource::new(br#"[{"a": {"b": 1, "b": 2}}, {"b": 1}]"#)).unwrap();
        let mut repeated = false;
        skip(&mut reader, &Approximate, &mut repeated).unwrap();
        assert!(repeated);
    }

    #[test]
    fn deep_values_are_read_without_recursion() {
        let depth = crate::core::json::reader::MAX_DEPTH;
        let text = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        assert_eq!(describe(&text), format!("list {}…", "[".repeat(40)));
    }
}
