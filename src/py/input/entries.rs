//! Reading one clip's list of `{"emotion": …, "salience": …}` entries from
//! Python objects: the encoding, and every problem worded for the user.
//!
//! `scan_entries` reads the common well-formed list with no bookkeeping;
//! `read_entries` reads anything and records what is wrong, classified by
//! whether the published scorer would have rejected it too.

use std::cell::RefCell;

use pyo3::exceptions::PyKeyError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

use crate::core::emotions::{code_index, code_of_bytes, suggest, EMOTIONS, UNKNOWN_BIT};
use crate::core::score::NO_SALIENCE;
use crate::py::input::walk::Encoded;

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
pub(crate) struct Context<'py> {
    emotion: Bound<'py, PyString>,
    salience: Bound<'py, PyString>,
    float_type: Bound<'py, PyAny>,
    seen: RefCell<[Bound<'py, PyAny>; 2]>,
}

impl<'py> Context<'py> {
    pub(crate) fn new(py: Python<'py>) -> Self {
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

#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Kind {
    /// Makes the list unreadable even for presence (published code would raise).
    Fatal,
    /// Breaks the challenge's format but the published code scores it.
    Format,
    /// Makes a salience unusable: the published code raises if it rounds it.
    Salience,
    /// A salience outside 0-100 that still rounds.
    SalienceRange,
}

/// One prediction or label list, read.
pub(crate) struct Entries {
    pub(crate) clip: Encoded,
    pub(crate) issues: Vec<(Kind, String)>,
    pub(crate) fractional: bool,
}

impl Entries {
    /// A list read by `scan_entries`: nothing to report.
    pub(crate) fn clean(clip: Encoded) -> Self {
        Entries {
            clip,
            issues: Vec::new(),
            fractional: false,
        }
    }
}

pub(crate) fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".into())
}

pub(crate) fn short_repr(value: &Bound<'_, PyAny>) -> String {
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
fn to_float(value: &Bound<'_, PyAny>, ctx: &Context<'_>) -> Result<f64, String> {
    if let Ok(f) = value.cast::<PyFloat>() {
        return Ok(f.value());
    }
    if value.is_instance_of::<PyBool>() {
        return Err(format!(
            "salience should be a number, got the bool {}",
            short_repr(value)
        ));
    }
    if value.is_instance_of::<PyInt>() {
        return value
            .extract::<f64>()
            .map_err(|_| format!("salience {} is too large for a float", short_repr(value)));
    }
    let is_text = value.is_instance_of::<PyString>();
    match ctx.float_type.call1((value,)) {
        Ok(f) => f.extract::<f64>().map_err(|e| e.to_string()),
        Err(_) if is_text => Err(format!("salience {} is not a number", short_repr(value))),
        Err(_) => Err(format!(
            "salience should be a number or numeric string, got {} {}",
            type_name(value),
            short_repr(value)
        )),
    }
}

/// Reads a list (or tuple) of entries.
pub(crate) fn read_entries<'py>(list: &Bound<'py, PyAny>, ctx: &Context<'py>) -> Entries {
    let mut entries = Entries {
        clip: Encoded {
            mask: 0,
            salience: [NO_SALIENCE; 2],
            n_entries: 0,
        },
        issues: Vec::new(),
        fractional: false,
    };
    // (code, raw salience) of the first two entries, for the salience bytes.
    let mut firsts = [(None, f64::NAN); 2];
    let mut n = 0;
    let mut read = |k: usize, entry: Bound<'py, PyAny>, entries: &mut Entries| {
        n += 1;
        if let Some(first) = read_entry(k, &entry, ctx, entries) {
            if k < 2 {
                firsts[k] = first;
            }
        }
    };
    if let Ok(items) = list.cast::<PyList>() {
        for (k, entry) in items.iter().enumerate() {
            read(k, entry, &mut entries);
        }
    } else if let Ok(items) = list.cast::<PyTuple>() {
        for (k, entry) in items.iter().enumerate() {
            read(k, entry, &mut entries);
        }
    } else {
        let message = format!(
            "expected a list of {{\"emotion\", \"salience\"}} entries, got {} {}",
            type_name(list),
            short_repr(list)
        );
        entries.issues.push((Kind::Fatal, message));
        return entries;
    }
    entries.clip.n_entries = n;
    if n == 0 {
        entries
            .issues
            .push((Kind::Format, "the prediction list is empty".into()));
    } else if n > 2 {
        let message = format!("{n} entries; a clip has one emotion or a blend of two");
        entries.issues.push((Kind::Format, message));
    } else if n == 2 {
        let [(a, sa), (b, sb)] = firsts;
        if let (Some(a), Some(b)) = (a, b) {
            entries.clip.salience = salience_bytes([a, b], [sa, sb]);
        }
        entries.fractional = looks_fractional(sa, sb);
    }
    entries
}

/// The salience bytes of a two-entry list: `round(float(s))` (ties to even,
/// as Python's round) in code order, or `NO_SALIENCE` for a repeated code or
/// a value that is not a percentage and so can never match a label.
pub(crate) fn salience_bytes([a, b]: [usize; 2], [sa, sb]: [f64; 2]) -> [u8; 2] {
    let byte = |x: f64| {
        let r = x.round_ties_even();
        if (0.0..=100.0).contains(&r) {
            r as u8
        } else {
            NO_SALIENCE
        }
    };
    match a.cmp(&b) {
        std::cmp::Ordering::Less => [byte(sa), byte(sb)],
        std::cmp::Ordering::Greater => [byte(sb), byte(sa)],
        std::cmp::Ordering::Equal => [NO_SALIENCE; 2],
    }
}

/// Saliences such as 0.7/0.3: legal, but they never match a 70/30 label.
pub(crate) fn looks_fractional(sa: f64, sb: f64) -> bool {
    (0.0..=1.0).contains(&sa) && (0.0..=1.0).contains(&sb) && (sa + sb - 1.0).abs() < 0.02
}

/// The common case, read without any bookkeeping: a list of one or two
/// plain dicts `{"emotion": <known code>, "salience": <float or int 0-100>}`
/// with different codes. Anything else returns None and goes through
/// `read_entries`, which finds and words every problem; for the lists this
/// accepts, both give the same encoding.
pub(crate) fn scan_entries<'py>(list: &Bound<'py, PyAny>, ctx: &Context<'py>) -> Option<Encoded> {
    let list = list.cast_exact::<PyList>().ok()?;
    let n = list.len();
    if !(1..=2).contains(&n) {
        return None;
    }
    let (mut codes, mut raws, mut mask) = ([0usize; 2], [0f64; 2], 0u8);
    for (k, entry) in list.iter().enumerate().take(2) {
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
        if !(0.0..=100.0).contains(&raw) || mask & (1 << code) != 0 {
            return None;
        }
        mask |= 1 << code;
        (codes[k], raws[k]) = (code, raw);
    }
    let mut salience = [NO_SALIENCE; 2];
    if n == 2 {
        if looks_fractional(raws[0], raws[1]) {
            return None; // read_entries flags it for a warning
        }
        salience = salience_bytes(codes, raws);
    }
    Some(Encoded {
        mask,
        salience,
        n_entries: n,
    })
}

/// Reads one entry; returns its (code, raw salience) unless it has no emotion.
fn read_entry<'py>(
    k: usize,
    entry: &Bound<'py, PyAny>,
    ctx: &Context<'py>,
    entries: &mut Entries,
) -> Option<(Option<usize>, f64)> {
    let (emotion, salience) = match ctx.fields(entry) {
        Ok(fields) => fields,
        Err(()) => {
            let message = format!(
                "entry {k} is {} {}, not a dict with 'emotion' and 'salience'",
                type_name(entry),
                short_repr(entry)
            );
            entries.issues.push((Kind::Fatal, message));
            return None;
        }
    };
    let Some(emotion) = emotion else {
        entries
            .issues
            .push((Kind::Fatal, format!("entry {k} has no 'emotion' key")));
        return None;
    };
    let code = read_code(&emotion, k, entries);
    let raw = match salience {
        Some(value) => read_salience(&value, k, ctx, entries),
        None => {
            let message = format!("entry {k} has no 'salience' key");
            entries.issues.push((Kind::Salience, message));
            f64::NAN
        }
    };
    Some((code, raw))
}

fn read_code(value: &Bound<'_, PyAny>, k: usize, entries: &mut Entries) -> Option<usize> {
    let text = value.cast::<PyString>().ok().and_then(|s| s.to_str().ok());
    let message = match text.map(|t| (t, code_index(t))) {
        Some((_, Some(code))) => {
            let bit = 1u8 << code;
            if entries.clip.mask & bit != 0 {
                let message = format!("emotion '{}' appears twice", EMOTIONS[code]);
                entries.issues.push((Kind::Format, message));
            }
            entries.clip.mask |= bit;
            return Some(code);
        }
        Some((text, None)) => match suggest(text) {
            Some(hint) => format!("unknown emotion code '{text}' (did you mean '{hint}'?)"),
            None => format!(
                "unknown emotion code '{text}' (valid: {})",
                EMOTIONS.join(", ")
            ),
        },
        None => format!(
            "entry {k}: emotion should be a code such as 'ang', got {} {}",
            type_name(value),
            short_repr(value)
        ),
    };
    entries.issues.push((Kind::Format, message));
    entries.clip.mask |= UNKNOWN_BIT;
    None
}

fn read_salience(
    value: &Bound<'_, PyAny>,
    k: usize,
    ctx: &Context<'_>,
    entries: &mut Entries,
) -> f64 {
    let x = match to_float(value, ctx) {
        Ok(x) => x,
        Err(message) => {
            entries
                .issues
                .push((Kind::Salience, format!("entry {k}: {message}")));
            return f64::NAN;
        }
    };
    if x.is_nan() {
        entries
            .issues
            .push((Kind::Salience, format!("entry {k}: salience is NaN")));
    } else if x.is_infinite() {
        entries
            .issues
            .push((Kind::Salience, format!("entry {k}: salience is infinite")));
    } else if x < 0.0 {
        let message = format!("entry {k}: salience {x} is negative");
        entries.issues.push((Kind::SalienceRange, message));
    } else if x > 100.0 {
        let message = format!("entry {k}: salience {x} is above 100; saliences are percentages");
        entries.issues.push((Kind::SalienceRange, message));
    }
    x
}
