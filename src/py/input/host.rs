//! The interpreter's answers for JSON text beyond ASCII (see
//! `core::json::python`): `float()` and `repr()` of a string that may hold
//! Unicode digits, spaces, characters only Python knows to be printable, or
//! lone surrogates. Asked rarely; the GIL is taken for each question, so
//! the reader can run with it released.

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyFloat, PyString};

use crate::core::json::python::Host;
use crate::core::json::reader::Str;

pub struct PythonHost;

/// The `str` of decoded JSON text (WTF-8: lone surrogates pass through).
fn py_str<'py>(py: Python<'py>, text: Str<'_>) -> Option<Bound<'py, PyString>> {
    // SAFETY: the pointer and length describe a live byte slice; the error
    // handler is a NUL-terminated literal; the result is a new reference or
    // NULL with an exception set, which `from_owned_ptr_or_err` takes over.
    let object = unsafe {
        ffi::PyUnicode_DecodeUTF8(
            text.bytes.as_ptr().cast(),
            text.bytes.len() as ffi::Py_ssize_t,
            c"surrogatepass".as_ptr(),
        )
    };
    // SAFETY: see above.
    let object = unsafe { Bound::from_owned_ptr_or_err(py, object) }.ok()?;
    object.cast_into::<PyString>().ok()
}

impl Host for PythonHost {
    fn float(&self, text: Str<'_>) -> Option<f64> {
        Python::attach(|py| {
            let text = py_str(py, text)?;
            let value = py.get_type::<PyFloat>().call1((text,)).ok()?;
            value.extract::<f64>().ok()
        })
    }

    fn repr(&self, text: Str<'_>) -> String {
        Python::attach(|py| {
            py_str(py, text)
                .and_then(|s| s.repr().ok())
                .map(|r| r.to_string())
                .unwrap_or_else(|| "?".into())
        })
    }

    /// Runs Python's signal handlers; when one raises (KeyboardInterrupt),
    /// its exception is left set for the caller of the read to raise.
    fn interrupted(&self) -> bool {
        Python::attach(|py| match py.check_signals() {
            Ok(()) => false,
            Err(err) => {
                err.restore(py);
                true
            }
        })
    }
}
