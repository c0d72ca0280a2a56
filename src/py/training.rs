//! Python wrappers for the training-loop toolkit: decoding probabilities and
//! the threshold grid search. They borrow the arrays zero-copy; the Python
//! layer converts dtypes, checks shapes and resolves top-2 ties with NumPy.

use numpy::{
    IntoPyArray, PyArray1, PyArray2, PyArrayMethods, PyReadonlyArray1, PyReadonlyArray2,
    PyUntypedArrayMethods,
};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;

use crate::core::decode::{self, Columns, Prob, Ties, N_CLASSES};
use crate::core::error::Error;
use crate::core::grid::{self, Grid};
use crate::py::scoring::{to_arrays, EncodedArrays};
use crate::core::score::Clips;
use crate::py::input::walk::{self, Encoded};

/// Above this many clips (or grid cells) the work runs with the GIL released.
const DETACH_MIN: usize = 50_000;

/// A C-contiguous `(N, 6)` probability matrix in either float dtype.
pub enum Probs<'py> {
    F32(PyReadonlyArray2<'py, f32>),
    F64(PyReadonlyArray2<'py, f64>),
}

impl<'py> Probs<'py> {
    // Cast by hand rather than derive FromPyObject: a derived enum formats an
    // error message (dtype names included) for every variant that does not
    // match, which costs more than decoding a whole validation set.
    fn borrow(probs: &Bound<'py, PyAny>) -> PyResult<Self> {
        let busy = |_| PyValueError::new_err("probs is being written to elsewhere");
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
            "probs must be a 2-D float32 or float64 numpy array; got {}{dtype}",
            probs.get_type().name()?
        )))
    }
}

fn slice<'a, T: numpy::Element>(
    array: &'a PyReadonlyArray2<'_, T>,
    name: &str,
    columns: Option<usize>,
) -> PyResult<&'a [T]> {
    if let Some(expected) = columns {
        let got = array.shape()[1];
        if got != expected {
            return Err(PyValueError::new_err(format!(
                "{name} must have {expected} columns; got shape {:?}",
                array.shape()
            )));
        }
    }
    array
        .as_slice()
        .map_err(|_| PyValueError::new_err(format!("{name} must be a C-contiguous array")))
}

fn slice1<'a, T: numpy::Element>(
    array: &'a PyReadonlyArray1<'_, T>,
    name: &str,
) -> PyResult<&'a [T]> {
    array
        .as_slice()
        .map_err(|_| PyValueError::new_err(format!("{name} must be a C-contiguous array")))
}

fn ties<'a>(
    rows: &'a PyReadonlyArray1<'_, i64>,
    picks: &'a PyReadonlyArray2<'_, u8>,
) -> PyResult<Ties<'a>> {
    Ok(Ties {
        rows: slice1(rows, "tie_rows")?,
        picks: slice(picks, "tie_picks", Some(2))?,
    })
}

/// Runs `work` with the GIL released when it is big enough to be worth it:
/// re-acquiring the GIL can wait a whole switch interval behind another thread.
fn maybe_detach<T: Send>(py: Python<'_>, size: usize, work: impl FnOnce() -> T + Send) -> T {
    if size >= DETACH_MIN {
        py.detach(work)
    } else {
        work()
    }
}

/// The rows whose top-2 columns depend on how ties are broken: the second
/// largest value is positive and shared with a column left out. Returns their
/// indices (int64, ascending). Raises ValueError on NaN, inf or negative values.
#[pyfunction]
pub fn tied_rows<'py>(
    py: Python<'py>,
    probs: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyArray1<i64>>> {
    fn run<T: Prob>(py: Python<'_>, probs: &[T]) -> Result<Vec<i64>, Error> {
        maybe_detach(py, probs.len() / N_CLASSES, || decode::tied_rows(probs))
    }
    let rows = match &Probs::borrow(probs)? {
        Probs::F32(p) => run(py, slice(p, "probs", Some(N_CLASSES))?)?,
        Probs::F64(p) => run(py, slice(p, "probs", Some(N_CLASSES))?)?,
    };
    Ok(rows.into_pyarray(py))
}

/// Decodes every row of `probs` (float32 or float64, C-contiguous `(N, 6)`)
/// at one `(alpha, beta)` by the published rules. `codes[c]` is the index in
/// EMOTIONS of column `c`; `tie_rows` / `tie_picks` (`(K, 2)` uint8) give the
/// top-2 columns of tied rows. Returns the encoded `(mask, salience)`.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
pub fn decode_probs<'py>(
    py: Python<'py>,
    probs: &Bound<'py, PyAny>,
    alpha: f64,
    beta: f64,
    codes: Vec<usize>,
    tie_rows: PyReadonlyArray1<'py, i64>,
    tie_picks: PyReadonlyArray2<'py, u8>,
) -> PyResult<EncodedArrays<'py>> {
    fn run<T: Prob>(
        py: Python<'_>,
        probs: &[T],
        alpha: f64,
        beta: f64,
        columns: &Columns,
        ties: &Ties,
    ) -> Result<Vec<Encoded>, Error> {
        maybe_detach(py, probs.len() / N_CLASSES, || {
            let mut out = Vec::new();
            decode::decode(probs, alpha, beta, columns, ties, &mut out)?;
            Ok(out)
        })
    }
    let columns = Columns::new(&codes)?;
    let ties = ties(&tie_rows, &tie_picks)?;
    let decoded = match &Probs::borrow(probs)? {
        Probs::F32(p) => run(
            py,
            slice(p, "probs", Some(N_CLASSES))?,
            alpha,
            beta,
            &columns,
            &ties,
        )?,
        Probs::F64(p) => run(
            py,
            slice(p, "probs", Some(N_CLASSES))?,
            alpha,
            beta,
            &columns,
            &ties,
        )?,
    };
    let mut columns = walk::Columns::default();
    decoded.into_iter().for_each(|clip| columns.push(clip));
    to_arrays(py, columns)
}

type GridArrays<'py> = (
    Bound<'py, PyArray2<f64>>,
    Bound<'py, PyArray2<f64>>,
    usize,
    f64,
    f64,
);

/// The threshold grid search over encoded labels. `alphas` and `betas` are
/// 1-D float64 (any order, repeats allowed). Returns
/// `(presence_grid, salience_grid, best, presence_only, salience_only)`, the
/// grids `(len(alphas), len(betas))` and `best` the flat alpha-major index of
/// the first cell maximising `w * presence + (1 - w) * salience`.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
pub fn grid_search<'py>(
    py: Python<'py>,
    probs: &Bound<'py, PyAny>,
    alphas: PyReadonlyArray1<'py, f64>,
    betas: PyReadonlyArray1<'py, f64>,
    presence_weight: f64,
    codes: Vec<usize>,
    tie_rows: PyReadonlyArray1<'py, i64>,
    tie_picks: PyReadonlyArray2<'py, u8>,
    label_mask: PyReadonlyArray1<'py, u8>,
    label_salience: PyReadonlyArray2<'py, u8>,
) -> PyResult<GridArrays<'py>> {
    let columns = Columns::new(&codes)?;
    let ties = ties(&tie_rows, &tie_picks)?;
    let labels = Clips {
        mask: slice1(&label_mask, "label_mask")?,
        salience: slice(&label_salience, "label_salience", Some(2))?,
    };
    let (alphas, betas) = (slice1(&alphas, "alphas")?, slice1(&betas, "betas")?);
    let size = labels.mask.len().max(alphas.len() * betas.len());
    let grid: Grid = match &Probs::borrow(probs)? {
        Probs::F32(p) => {
            let p = slice(p, "probs", Some(N_CLASSES))?;
            maybe_detach(py, size, || {
                grid::grid_search(p, &columns, &ties, &labels, alphas, betas, presence_weight)
            })?
        }
        Probs::F64(p) => {
            let p = slice(p, "probs", Some(N_CLASSES))?;
            maybe_detach(py, size, || {
                grid::grid_search(p, &columns, &ties, &labels, alphas, betas, presence_weight)
            })?
        }
    };
    let shape = [grid.n_alphas, grid.n_betas];
    Ok((
        grid.presence.into_pyarray(py).reshape(shape)?,
        grid.salience.into_pyarray(py).reshape(shape)?,
        grid.best,
        grid.presence_only,
        grid.salience_only,
    ))
}
