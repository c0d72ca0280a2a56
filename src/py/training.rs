//! Python wrappers for the training-loop toolkit: decoding probabilities and
//! the threshold grid search. They borrow the arrays zero-copy; the Python
//! layer converts dtypes, checks shapes and resolves top-2 ties with NumPy.

use numpy::{IntoPyArray, PyArray1, PyArray2, PyArrayMethods, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::prelude::*;

use crate::core::decode::{self, Ties};
use crate::core::encoding::EncodedClips;
use crate::core::grid;
use crate::core::probs::{ClassOrder, N_CLASSES};
use crate::py::convert::{
    encoded_view, maybe_detach, rows, slice, to_arrays, with_probs, EncodedArrays,
};

fn ties<'a>(
    tie_rows: &'a PyReadonlyArray1<'_, i64>,
    tie_picks: &'a PyReadonlyArray2<'_, u8>,
) -> PyResult<Ties<'a>> {
    Ok(Ties {
        rows: slice(tie_rows, "tie_rows")?,
        picks: rows(tie_picks, "tie_picks", 2)?,
    })
}

/// The rows whose top-2 columns depend on how ties are broken: the second
/// largest value is positive and shared with a column left out. Returns their
/// indices (int64, ascending). Raises ValueError on NaN, inf or negative values.
#[pyfunction]
#[pyo3(signature = (probs))]
pub fn tied_rows<'py>(
    py: Python<'py>,
    probs: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyArray1<i64>>> {
    let rows = with_probs!(probs, p => maybe_detach(py, p.len() / N_CLASSES, || {
        decode::tied_rows(p)
    }))?;
    Ok(rows.into_pyarray(py))
}

/// Each column's index in EMOTIONS for a class order given by codes, such as
/// `["neu", "ang", "disg", "fea", "hap", "sad"]`. Raises ValueError unless
/// it lists each of the six codes exactly once.
#[pyfunction]
pub fn class_order(classes: Vec<String>) -> PyResult<Vec<usize>> {
    Ok(ClassOrder::from_names(&classes)?.codes().to_vec())
}

/// Decodes every row of `probs` (float32 or float64, C-contiguous `(N, 6)`)
/// at one `(alpha, beta)` by the published rules. `codes[c]` is the index in
/// EMOTIONS of column `c`; `tie_rows` / `tie_picks` (`(K, 2)` uint8) give the
/// top-2 columns of tied rows. Returns the encoded `(mask, salience)`.
#[pyfunction]
#[pyo3(signature = (probs, *, alpha, beta, codes, tie_rows, tie_picks))]
pub fn decode_probs<'py>(
    py: Python<'py>,
    probs: &Bound<'py, PyAny>,
    alpha: f64,
    beta: f64,
    codes: Vec<usize>,
    tie_rows: PyReadonlyArray1<'py, i64>,
    tie_picks: PyReadonlyArray2<'py, u8>,
) -> PyResult<EncodedArrays<'py>> {
    let order = ClassOrder::new(&codes)?;
    let ties = ties(&tie_rows, &tie_picks)?;
    let decoded = with_probs!(probs, p => maybe_detach(py, p.len() / N_CLASSES, || {
        let mut out = Vec::new();
        decode::decode(p, alpha, beta, &order, &ties, &mut out).map(|()| out)
    }))?;
    to_arrays(py, decoded.into_iter().collect::<EncodedClips>())
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
#[pyo3(signature = (
    probs, *, alphas, betas, presence_weight, codes, tie_rows, tie_picks, label_mask,
    label_salience,
))]
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
    let order = ClassOrder::new(&codes)?;
    let ties = ties(&tie_rows, &tie_picks)?;
    let labels = encoded_view(&label_mask, &label_salience, "label")?;
    let (alphas, betas) = (slice(&alphas, "alphas")?, slice(&betas, "betas")?);
    let size = labels.len().max(alphas.len() * betas.len());
    let grid = with_probs!(probs, p => maybe_detach(py, size, || {
        grid::grid_search(p, &order, &ties, &labels, alphas, betas, presence_weight)
    }))?;
    let shape = [grid.n_alphas, grid.n_betas];
    Ok((
        grid.presence.into_pyarray(py).reshape(shape)?,
        grid.salience.into_pyarray(py).reshape(shape)?,
        grid.best,
        grid.presence_only,
        grid.salience_only,
    ))
}
