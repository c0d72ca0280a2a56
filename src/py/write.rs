//! A prediction dict written as a submission file's bytes, as `json.dumps`
//! writes them (`core::json::write`); where the bytes go is Python's
//! business (`submission.atomic_write_text`).
//!
//! A dict of plain lists, dicts, strings, floats and ints (what `json.loads`
//! and `decode` make) is read with borrowed references, as the scorer reads
//! it (`input::borrowed`); anything else (numpy scalars, mappings, tuples)
//! through owned ones, with `submission._plain`'s conversions.

use std::os::raw::c_int;
use std::ptr;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyString};

use crate::core::json::write::{NotFinite, Value, Writer};
use crate::py::input::borrowed::{text, Keys};

fn not_finite(NotFinite(x): NotFinite) -> PyErr {
    PyValueError::new_err(format!(
        "Out of range float values are not JSON compliant: {x}"
    ))
}

/// An exact float, int (that fits an i64), str or bool.
///
/// SAFETY: `value` is a live object; the text lives as long as it does.
unsafe fn plain_value<'a>(value: *mut ffi::PyObject) -> Option<Value<'a>> {
    if ffi::PyFloat_CheckExact(value) != 0 {
        return Some(Value::Float(ffi::PyFloat_AS_DOUBLE(value)));
    }
    if ffi::PyLong_CheckExact(value) != 0 {
        let mut overflow: c_int = 0;
        let int = ffi::PyLong_AsLongAndOverflow(value, &mut overflow);
        #[allow(clippy::useless_conversion)] // c_long is 32 bits on Windows
        return (overflow == 0).then_some(Value::Int(int.into()));
    }
    if ffi::PyUnicode_CheckExact(value) != 0 {
        return Some(Value::Text(std::str::from_utf8_unchecked(text(value)?)));
    }
    if value == ffi::Py_True() || value == ffi::Py_False() {
        return Some(Value::Bool(value == ffi::Py_True()));
    }
    None
}

/// The dict written with borrowed references, or None at the first value
/// that needs more (the writer is then dropped).
fn write_borrowed(preds: &Bound<'_, PyDict>, writer: &mut Writer) -> Option<PyResult<()>> {
    let mut keys = Keys::new(preds.py());
    let mut entries: Vec<(&str, Value<'_>)> = Vec::with_capacity(2);
    let (mut pos, mut key, mut list) = (0, ptr::null_mut(), ptr::null_mut());
    // SAFETY: the GIL is held and nothing here runs Python code (exact
    // types only, no comparisons but identity and text), so every borrowed
    // object stays alive and unchanged while it is read.
    unsafe {
        while ffi::PyDict_Next(preds.as_ptr(), &mut pos, &mut key, &mut list) != 0 {
            // PyUnicode_AsUTF8AndSize gives valid UTF-8 or nothing.
            let name = std::str::from_utf8_unchecked(text(key)?);
            if ffi::PyList_CheckExact(list) == 0 {
                return None;
            }
            entries.clear();
            for k in 0..ffi::PyList_GET_SIZE(list) {
                let entry = ffi::PyList_GET_ITEM(list, k);
                if ffi::PyDict_CheckExact(entry) == 0 {
                    return None;
                }
                let mut fields = [None, None];
                let (mut at, mut field_key, mut value) = (0, ptr::null_mut(), ptr::null_mut());
                while ffi::PyDict_Next(entry, &mut at, &mut field_key, &mut value) != 0 {
                    if let Some(field) = keys.field(field_key) {
                        fields[field] = Some(value);
                    }
                }
                let [Some(emotion), Some(salience)] = fields else {
                    return None;
                };
                if ffi::PyUnicode_CheckExact(emotion) == 0 {
                    return None;
                }
                let emotion = std::str::from_utf8_unchecked(text(emotion)?);
                entries.push((emotion, plain_value(salience)?));
            }
            if let Err(error) = writer.clip(name, &entries) {
                return Some(Err(not_finite(error)));
            }
        }
    }
    Some(Ok(()))
}

/// An entry's salience as JSON writes it, owned for the time of one clip.
enum Salience<'py> {
    Float(f64),
    Digits(String),
    Text(Bound<'py, PyString>),
    Bool(bool),
    Null,
}

/// How `json.dumps` writes a salience, after `submission._plain` (numpy
/// scalars become their Python values).
fn salience<'py>(value: Bound<'py, PyAny>) -> PyResult<Salience<'py>> {
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(Salience::Text(text.clone()));
    }
    if let Ok(flag) = value.cast::<PyBool>() {
        return Ok(Salience::Bool(flag.is_true()));
    }
    let py = value.py();
    if value.is_instance_of::<PyInt>() {
        // int.__repr__, even for a subclass.
        let digits = py.get_type::<PyInt>().call_method1("__repr__", (&value,))?;
        return Ok(Salience::Digits(digits.extract()?));
    }
    if let Ok(float) = value.cast::<PyFloat>() {
        return Ok(Salience::Float(float.value()));
    }
    if value.is_none() {
        return Ok(Salience::Null);
    }
    let generic = py.import("numpy")?.getattr("generic")?;
    if value.is_instance(&generic)? {
        return salience(value.call_method0("item")?);
    }
    Err(PyTypeError::new_err(format!(
        "Object of type {} is not JSON serializable",
        value.get_type().name()?
    )))
}

/// Any prediction dict, through owned references.
fn write_owned<'py>(preds: &Bound<'py, PyDict>, writer: &mut Writer) -> PyResult<()> {
    let mut entries: Vec<(Bound<'py, PyString>, Salience<'py>)> = Vec::new();
    for (name, list) in preds.iter() {
        entries.clear();
        for entry in list.try_iter()? {
            let entry = entry?;
            let emotion = entry.get_item("emotion")?.cast_into::<PyString>()?;
            entries.push((emotion, salience(entry.get_item("salience")?)?));
        }
        let values: Vec<(&str, Value<'_>)> = entries
            .iter()
            .map(|(emotion, salience)| {
                let value = match salience {
                    Salience::Float(x) => Value::Float(*x),
                    Salience::Digits(digits) => Value::Digits(digits),
                    Salience::Text(text) => Value::Text(text.to_str()?),
                    Salience::Bool(b) => Value::Bool(*b),
                    Salience::Null => Value::Null,
                };
                Ok((emotion.to_str()?, value))
            })
            .collect::<PyResult<_>>()?;
        let name = name.cast_into::<PyString>()?;
        writer.clip(name.to_str()?, &values).map_err(not_finite)?;
    }
    Ok(())
}

/// A prediction dict as the bytes of a submission file:
/// `json.dumps({"predictions": preds}, indent=indent, ensure_ascii=False)`
/// and a line break, byte for byte. Only each entry's "emotion" and
/// "salience" are written. Raises ValueError for a NaN or infinite salience
/// (JSON has none) and TypeError for a value JSON cannot hold.
#[pyfunction]
#[pyo3(signature = (preds, *, indent))]
pub fn submission_json<'py>(
    preds: &Bound<'py, PyDict>,
    indent: Option<i64>,
) -> PyResult<Bound<'py, PyBytes>> {
    let mut writer = Writer::new(indent, preds.len());
    match write_borrowed(preds, &mut writer) {
        Some(result) => result?,
        None => {
            writer = Writer::new(indent, preds.len());
            write_owned(preds, &mut writer)?;
        }
    }
    Ok(PyBytes::new(preds.py(), &writer.finish()))
}
