//! What every binding shares, written once: borrowing numpy arrays as
//! slices, the rule for releasing the GIL, the float16/32/64 dispatch,
//! and the core's errors and problems as Python values.

use half::f16;
use numpy::ndarray::Dimension;
use numpy::{
    Element, IntoPyArray, PyArray1, PyArray2, PyArrayMethods, PyReadonlyArray, PyReadonlyArray1,
    PyReadonlyArray2, PyUntypedArrayMethods,
};
use pyo3::exceptions::{PyKeyboardInterrupt, PyMemoryError, PyTypeError, PyValueError};
use pyo3::prelude::*;

use crate::core::encoding::{EncodedClips, EncodedView};
use crate::core::error::Error;
use crate::core::probs::N_CLASSES;
use crate::core::validation::problems::Problem;

impl From<Error> for PyErr {
    fn from(error: Error) -> PyErr {
        match error {
            Error::Type { .. } => PyTypeError::new_err(error.to_string()),
            Error::Memory { .. } => PyMemoryError::new_err(error.to_string()),
            // `py::interrupt` raises the signal handler's own exception; this
            // is the fallback for a token cancelled some other way.
            Error::Cancelled => PyKeyboardInterrupt::new_err(()),
            _ => PyValueError::new_err(error.to_string()),
        }
    }
}

/// From this many clips (or grid cells, or replicates) on, work runs with
/// the GIL released. Below it the work is quicker than re-acquiring the GIL,
/// which can wait a whole switch interval behind another thread.
pub const DETACH_MIN: usize = 50_000;

/// Runs `work`, with the GIL released when `size` makes it worth it.
pub fn maybe_detach<T: Send>(py: Python<'_>, size: usize, work: impl FnOnce() -> T + Send) -> T {
    if size >= DETACH_MIN {
        py.detach(work)
    } else {
        work()
    }
}

/// A C-contiguous array's elements, zero-copy; `name` is the argument.
pub fn slice<'a, T: Element, D: Dimension>(
    array: &'a PyReadonlyArray<'_, T, D>,
    name: &str,
) -> PyResult<&'a [T]> {
    array
        .as_slice()
        .map_err(|_| PyValueError::new_err(format!("{name} must be a C-contiguous array")))
}

/// A C-contiguous 2-D array with `columns` columns, as a row-major slice.
pub fn rows<'a, T: Element>(
    array: &'a PyReadonlyArray2<'_, T>,
    name: &str,
    columns: usize,
) -> PyResult<&'a [T]> {
    if array.shape()[1] != columns {
        return Err(PyValueError::new_err(format!(
            "{name} must have {columns} columns; got shape {:?}",
            array.shape()
        )));
    }
    slice(array, name)
}

/// Encoded `(mask, salience)` arrays as a view, `side` naming them
/// (`pred` or `label`).
pub fn encoded_view<'a>(
    mask: &'a PyReadonlyArray1<'_, u8>,
    salience: &'a PyReadonlyArray2<'_, u8>,
    side: &str,
) -> PyResult<EncodedView<'a>> {
    Ok(EncodedView {
        mask: slice(mask, &format!("{side}_mask"))?,
        salience: rows(salience, &format!("{side}_salience"), 2)?,
    })
}

/// `(mask, salience)`: uint8 arrays of shape (N,) and (N, 2).
pub type EncodedArrays<'py> = (Bound<'py, PyArray1<u8>>, Bound<'py, PyArray2<u8>>);

pub fn to_arrays(py: Python<'_>, clips: EncodedClips) -> PyResult<EncodedArrays<'_>> {
    let n = clips.len();
    Ok((
        clips.mask.into_pyarray(py),
        clips.salience.into_pyarray(py).reshape([n, 2])?,
    ))
}

/// A problem as Python sees it: `(clip, kind, message)`.
pub type PyProblem = (Option<String>, &'static str, String);

pub fn to_tuples(problems: Vec<Problem>) -> Vec<PyProblem> {
    problems
        .into_iter()
        .map(|p| (p.clip, p.kind.as_str(), p.message))
        .collect()
}

/// A C-contiguous `(N, 6)` probability matrix in one of the float dtypes.
pub enum Probs<'py> {
    F16(PyReadonlyArray2<'py, f16>),
    F32(PyReadonlyArray2<'py, f32>),
    F64(PyReadonlyArray2<'py, f64>),
}

impl<'py> Probs<'py> {
    // Cast by hand rather than derive FromPyObject: a derived enum formats an
    // error message (dtype names included) for every variant that does not
    // match, which costs more than decoding a whole validation set.
    pub fn borrow(probs: &Bound<'py, PyAny>) -> PyResult<Self> {
        let busy = |_| PyValueError::new_err("probs is being written to elsewhere");
        if let Ok(array) = probs.cast::<PyArray2<f16>>() {
            return Ok(Probs::F16(array.try_readonly().map_err(busy)?));
        }
        if let Ok(array) = probs.cast::<PyArray2<f32>>() {
            return Ok(Probs::F32(array.try_readonly().map_err(busy)?));
        }
        if let Ok(array) = probs.cast::<PyArray2<f64>>() {
            return Ok(Probs::F64(array.try_readonly().map_err(busy)?));
        }
        let dtype = probs
            .getattr("dtype")
            .map(|d| format!(" of dtype {d}"))
            .unwrap_or_default();
        Err(PyTypeError::new_err(format!(
            "probs must be a 2-D float16, float32 or float64 numpy array; got {}{dtype}",
            probs.get_type().name()?
        )))
    }
}

/// The row-major elements of a probability matrix.
pub fn prob_rows<'a, T: Element>(array: &'a PyReadonlyArray2<'_, T>) -> PyResult<&'a [T]> {
    rows(array, "probs", N_CLASSES)
}

/// The one dtype dispatch: evaluates `$body` with `$p` bound to the rows of
/// the probability matrix `$probs` as `&[f16]`, `&[f32]` or `&[f64]`, so the
/// generic core is called once in the source for every dtype.
macro_rules! with_probs {
    ($probs:expr, $p:ident => $body:expr) => {
        match $crate::py::convert::Probs::borrow($probs)? {
            $crate::py::convert::Probs::F16(array) => {
                let $p = $crate::py::convert::prob_rows(&array)?;
                $body
            }
            $crate::py::convert::Probs::F32(array) => {
                let $p = $crate::py::convert::prob_rows(&array)?;
                $body
            }
            $crate::py::convert::Probs::F64(array) => {
                let $p = $crate::py::convert::prob_rows(&array)?;
                $body
            }
        }
    };
}
pub(crate) use with_probs;
