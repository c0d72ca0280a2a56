//! Reading one clip's list of `{"emotion": …, "salience": …}` entries from
//! Python objects.
//!
//! `scan_entries` reads the common well-formed list with no bookkeeping;
//! `read_entries` reads anything and reports what it finds to the core's
//! `EntriesJudge`, which encodes the clip and words every problem.

use std::cell::RefCell;

use pyo3::exceptions::PyKeyError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

use crate::core::emotions::code_of_bytes;
use crate::core::encoding::EncodedClip;
use crate::core::validation::entries::{Emotion, Entries, EntriesJudge, PlainEntries, Salience};
use crate::py::input::describe::{short_repr, shown};

/// The two keys of an entry.
#[derive(Clone, Copy, PartialEq)]
enum Field {
    Emotion,
    Salience,
}

/// Keys and the `float` type, looked up once per walk.
///
/// `seen` holds the key objects last recognised as "emotion" and "salience":
/// `json.loads` and most code reuse one key object for every entry, so an
/// identity check usually settles it without comparing strings.
pub struct Context<'py> {
    emotion: Bound<'py, PyString>,
    salience: Bound<'py, PyString>,
    float_type: Bound<'py, PyAny>,
    seen: RefCell<[Bound<'py, PyAny>; 2]>,
}

impl<'py> Context<'py> {
    pub fn new(py: Python<'py>) -> Self {
        let emotion = PyString::intern(py, "emotion");
        let salience = PyString::intern(py, "salience");
        let seen = RefCell::new([emotion.clone().into_any(), salience.clone().into_any()]);
        Context {
            emotion,
            salience,
            float_type: py.get_type::<PyFloat>().into_any(),
            seen,
        }
    }

    fn field(&self, key: &Bound<'py, PyAny>) -> Option<Field> {
        let mut seen = self.seen.borrow_mut();
        if key.is(&seen[0]) {
            return Some(Field::Emotion);
        }
        if key.is(&seen[1]) {
            return Some(Field::Salience);
        }
        let field = match key.cast::<PyString>().ok()?.to_str().ok()? {
            "emotion" => Field::Emotion,
            "salience" => Field::Salience,
            _ => return None,
        };
        seen[field as usize] = key.clone();
        Some(field)
    }

    /// `entry["emotion"]` and `entry["salience"]`; Err when the entry is no mapping.
    #[allow(clippy::type_complexity)]
    fn fields(
        &self,
        entry: &Bound<'py, PyAny>,
    ) -> Result<(Option<Bound<'py, PyAny>>, Option<Bound<'py, PyAny>>), ()> {
        if let Ok(dict) = entry.cast_exact::<PyDict>() {
            // One pass over the items costs less than two hash lookups.
            let mut found = (None, None);
            for (key, value) in dict.iter().take(dict.len()) {
                match self.field(&key) {
                    Some(Field::Emotion) => found.0 = Some(value),
                    Some(Field::Salience) => found.1 = Some(value),
                    None => {}
                }
            }
            return Ok(found);
        }
        Ok((
            lookup(entry, &self.emotion)?,
            lookup(entry, &self.salience)?,
        ))
    }
}

/// `entry[key]`, telling a missing key apart from an entry that is no mapping.
fn lookup<'py>(
    entry: &Bound<'py, PyAny>,
    key: &Bound<'py, PyString>,
) -> Result<Option<Bound<'py, PyAny>>, ()> {
    if let Ok(dict) = entry.cast::<PyDict>() {
        return dict.get_item(key).map_err(|_| ());
    }
    if entry.is_instance_of::<PyString>() {
        return Err(());
    }
    match entry.get_item(key) {
        Ok(value) => Ok(Some(value)),
        Err(err) if err.is_instance_of::<PyKeyError>(entry.py()) => Ok(None),
        Err(_) => Err(()),
    }
}

/// `float(value)` as Python computes it, or why not.
fn salience_of(value: &Bound<'_, PyAny>, ctx: &Context<'_>) -> Salience {
    if let Ok(f) = value.cast::<PyFloat>() {
        return Salience::Number(f.value());
    }
    if value.is_instance_of::<PyBool>() {
        return Salience::Bool(short_repr(value));
    }
    if value.is_instance_of::<PyInt>() {
        return match value.extract::<f64>() {
            Ok(x) => Salience::Number(x),
            Err(_) => Salience::TooLarge(short_repr(value)),
        };
    }
    let is_text = value.is_instance_of::<PyString>();
    match ctx.float_type.call1((value,)) {
        Ok(f) => match f.extract::<f64>() {
            Ok(x) => Salience::Number(x),
            Err(e) => Salience::Failed(e.to_string()),
        },
        Err(_) if is_text => Salience::Text(short_repr(value)),
        Err(_) => Salience::Other(shown(value)),
    }
}

/// Reads a list (or tuple) of entries.
pub fn read_entries<'py>(list: &Bound<'py, PyAny>, ctx: &Context<'py>) -> Entries {
    let mut judge = EntriesJudge::default();
    let mut n = 0;
    let mut read = |entry: Bound<'py, PyAny>| {
        read_entry(n, &entry, ctx, &mut judge);
        n += 1;
    };
    if let Ok(items) = list.cast::<PyList>() {
        items.iter().for_each(&mut read);
    } else if let Ok(items) = list.cast::<PyTuple>() {
        items.iter().for_each(&mut read);
    } else {
        return Entries::not_a_list(&shown(list));
    }
    judge.finish(n)
}

/// The common case, read without any bookkeeping: a list of one or two
/// plain dicts `{"emotion": <known code>, "salience": <float or int 0-100>}`
/// with different codes. Anything else returns None and goes through
/// `read_entries`, which finds and words every problem; for the lists this
/// accepts, both give the same encoding.
pub fn scan_entries<'py>(list: &Bound<'py, PyAny>, ctx: &Context<'py>) -> Option<EncodedClip> {
    let list = list.cast_exact::<PyList>().ok()?;
    let n = list.len();
    if !(1..=2).contains(&n) {
        return None;
    }
    let mut plain = PlainEntries::default();
    for entry in list.iter().take(2) {
        let dict = entry.cast_exact::<PyDict>().ok()?;
        if dict.len() != 2 {
            return None;
        }
        let (mut emotion, mut salience) = (None, None);
        for (key, value) in dict.iter().take(2) {
            match ctx.field(&key)? {
                Field::Emotion => emotion = Some(value),
                Field::Salience => salience = Some(value),
            }
        }
        let code = code_of_bytes(
            emotion?
                .cast_exact::<PyString>()
                .ok()?
                .to_str()
                .ok()?
                .as_bytes(),
        )?;
        let salience = salience?;
        let raw = match salience.cast_exact::<PyFloat>() {
            Ok(f) => f.value(),
            Err(_) => salience
                .cast_exact::<PyInt>()
                .ok()?
                .extract::<u8>()
                .ok()?
                .into(),
        };
        plain.push(code, raw)?;
    }
    plain.finish()
}

/// Reads one entry and reports it to the judge.
fn read_entry<'py>(
    k: usize,
    entry: &Bound<'py, PyAny>,
    ctx: &Context<'py>,
    judge: &mut EntriesJudge,
) {
    let Ok((emotion, salience)) = ctx.fields(entry) else {
        judge.not_a_mapping(k, &shown(entry));
        return;
    };
    let Some(emotion) = emotion else {
        judge.missing_emotion(k);
        return;
    };
    let text = emotion
        .cast::<PyString>()
        .ok()
        .and_then(|s| s.to_str().ok());
    let emotion = match text {
        Some(text) => Emotion::Text(text),
        None => Emotion::Other(shown(&emotion)),
    };
    let salience = match salience {
        Some(value) => salience_of(&value, ctx),
        None => Salience::Missing,
    };
    judge.entry(k, emotion, salience);
}
