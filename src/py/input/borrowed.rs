//! The common well-formed prediction dict, read with borrowed references.
//!
//! A parsed submission holds a few million small objects: every clip's name,
//! list, entry dicts, emotion strings and salience floats are distinct (as
//! `json.loads` makes them). Reading them through owned `Bound` handles costs
//! an increment and a decrement of a reference count per object, and pyo3's
//! dict iterator checks the dict's size at every step; here the dicts are
//! walked with `PyDict_Next` and every object is only borrowed.
//!
//! Borrowing is sound only while nothing can free the objects: the GIL is
//! held throughout and no Python code runs (no `__float__`, no `__eq__`, no
//! allocation that could trigger a garbage collection of these objects,
//! which the dict keeps alive anyway). So this reader accepts only plain
//! dicts, lists, strings, floats and ints, and gives up (returns `None`) at
//! the first clip that needs more: the caller then reads the whole dict again
//! with owned references (`walk`), where the full rules apply.

use std::os::raw::c_int;
use std::ptr;

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use crate::core::emotions::code_of_bytes;
use crate::core::encoding::EncodedClip;
use crate::core::validation::entries::{Entries, PlainEntries};
use crate::core::validation::matching::Matcher;

/// The two keys of an entry, as the objects last seen for them: `json.loads`
/// gives every entry the same key objects, so a pointer comparison usually
/// settles which key it is.
pub struct Keys<'py> {
    seen: [*mut ffi::PyObject; 2],
    /// The interned keys the search starts from, kept alive.
    _interned: [Bound<'py, PyString>; 2],
}

impl<'py> Keys<'py> {
    pub fn new(py: Python<'py>) -> Keys<'py> {
        let interned = [
            PyString::intern(py, "emotion"),
            PyString::intern(py, "salience"),
        ];
        Keys {
            seen: [interned[0].as_ptr(), interned[1].as_ptr()],
            _interned: interned,
        }
    }

    /// Which field `key` names: 0 for "emotion", 1 for "salience".
    ///
    /// SAFETY: `key` is a live object (borrowed, GIL held).
    #[inline]
    pub unsafe fn field(&mut self, key: *mut ffi::PyObject) -> Option<usize> {
        if key == self.seen[0] {
            return Some(0);
        }
        if key == self.seen[1] {
            return Some(1);
        }
        let field = match text(key)? {
            b"emotion" => 0,
            b"salience" => 1,
            _ => return None,
        };
        self.seen[field] = key;
        Some(field)
    }
}

/// The UTF-8 bytes of an exact `str`, borrowed from the object (None for
/// anything else, or text that is no UTF-8, such as a lone surrogate).
///
/// SAFETY: `object` is a live object; the bytes live as long as it does.
#[inline]
pub unsafe fn text<'a>(object: *mut ffi::PyObject) -> Option<&'a [u8]> {
    if ffi::PyUnicode_CheckExact(object) == 0 {
        return None;
    }
    let mut len: ffi::Py_ssize_t = 0;
    let data = ffi::PyUnicode_AsUTF8AndSize(object, &mut len);
    if data.is_null() {
        ffi::PyErr_Clear(); // a lone surrogate: the full reader words it
        return None;
    }
    Some(std::slice::from_raw_parts(data.cast::<u8>(), len as usize))
}

/// A salience that is a plain float, or a plain int from 0 to 100.
///
/// SAFETY: `value` is a live object.
#[inline]
unsafe fn salience(value: *mut ffi::PyObject) -> Option<f64> {
    if ffi::PyFloat_CheckExact(value) != 0 {
        return Some(ffi::PyFloat_AS_DOUBLE(value));
    }
    if ffi::PyLong_CheckExact(value) != 0 {
        let mut overflow: c_int = 0;
        let int = ffi::PyLong_AsLongAndOverflow(value, &mut overflow);
        return (overflow == 0 && (0..=100).contains(&int)).then_some(int as f64);
    }
    None
}

/// One well-formed list: one or two plain dicts `{"emotion": <known code>,
/// "salience": <float or int 0-100>}` with different codes, and no
/// fractions (which the full reader warns about). Anything else is None; for
/// the lists this accepts, the full reader gives the same encoding.
///
/// SAFETY: `list` is a live object, and no Python code runs meanwhile.
#[inline]
unsafe fn scan(list: *mut ffi::PyObject, keys: &mut Keys<'_>) -> Option<EncodedClip> {
    if ffi::PyList_CheckExact(list) == 0 {
        return None;
    }
    let n = ffi::PyList_GET_SIZE(list) as usize;
    if !(1..=2).contains(&n) {
        return None;
    }
    let mut plain = PlainEntries::default();
    for k in 0..n {
        let entry = ffi::PyList_GET_ITEM(list, k as ffi::Py_ssize_t);
        if ffi::PyDict_CheckExact(entry) == 0 || (*entry.cast::<ffi::PyDictObject>()).ma_used != 2 {
            return None;
        }
        // Exactly two items: two steps, without the third that finds the end.
        let mut fields = [ptr::null_mut(); 2];
        let (mut pos, mut key, mut value) = (0, ptr::null_mut(), ptr::null_mut());
        for _ in 0..2 {
            ffi::PyDict_Next(entry, &mut pos, &mut key, &mut value);
            fields[keys.field(key)?] = value;
        }
        let [emotion, value] = fields;
        if emotion.is_null() || value.is_null() {
            return None;
        }
        let code = code_of_bytes(text(emotion)?)?;
        let raw = salience(value)?;
        plain.push(code, raw)?;
    }
    plain.finish()
}

/// Reads every clip of `preds` into `matcher`, or returns false at the first
/// clip that needs the full reader (having pushed the clips before it: the
/// caller restarts the matcher).
pub fn read(preds: &Bound<'_, PyDict>, matcher: &mut Matcher) -> bool {
    let mut keys = Keys::new(preds.py());
    matcher.reserve(preds.len());
    let dict = preds.as_ptr();
    let (mut pos, mut key, mut value) = (0, ptr::null_mut(), ptr::null_mut());
    // SAFETY: the GIL is held (`preds` is bound) and nothing below runs Python
    // code, so the dict and every object it holds stay alive and unchanged;
    // `PyDict_Next` lends its key and value for as long as the dict holds them.
    unsafe {
        while ffi::PyDict_Next(dict, &mut pos, &mut key, &mut value) != 0 {
            // PyUnicode_AsUTF8AndSize gives valid UTF-8 or nothing.
            let Some(name) = text(key).map(|t| std::str::from_utf8_unchecked(t)) else {
                return false;
            };
            let Some(clip) = scan(value, &mut keys) else {
                return false;
            };
            matcher.push(name, Entries::clean(clip));
        }
    }
    true
}
