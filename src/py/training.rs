//! Python wrappers for the training-loop toolkit: decoding probabilities,
//! the threshold grid search (its counts, and its scores from counts) and
//! soft-label matrices. They borrow the arrays zero-copy; the Python
//! layer converts dtypes, checks shapes and resolves top-2 ties with NumPy.

use numpy::{
    IntoPyArray, PyArray1, PyArray2, PyArrayMethods, PyReadonlyArray1, PyReadonlyArray2,
    PyUntypedArrayMethods,
};
use pyo3::prelude::*;

use crate::core::decode::{self, Ties};
use crate::core::encoding::EncodedClips;
use crate::core::grid;
use crate::core::memory;
use crate::core::probs::{ClassOrder, N_CLASSES};
use crate::core::soft_labels::{encode_soft_labels, RowProblem};
use crate::py::convert::{
    encoded_view, maybe_detach, rows, slice, to_arrays, with_probs, EncodedArrays,
};
use crate::py::interrupt::interruptible;

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
    let rows = with_probs!(probs, p => interruptible(py, p.len() / N_CLASSES, |cancel| {
        decode::tied_rows(p, cancel)
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

/// Decodes every row of `probs` (float16, float32 or float64, C-contiguous
/// `(N, 6)`) at one `(alpha, beta)` by the published rules, comparing the
/// thresholds as given (round them to the dtype first for the published
/// code's behaviour with Python-float thresholds). `codes[c]` is the index in
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

/// `(presence_correct, salience_correct, n, n_blend)`: int64 grids of shape
/// `(len(alphas), len(betas))` and the clip counts.
type CountArrays<'py> = (
    Bound<'py, PyArray2<i64>>,
    Bound<'py, PyArray2<i64>>,
    i64,
    i64,
);

/// The threshold grid search's counts over encoded labels. `alphas` and
/// `betas` are 1-D float64 (any order, repeats allowed), compared with the
/// probabilities as they are. Returns `(presence_correct, salience_correct,
/// n, n_blend)`, the grids int64 `(len(alphas), len(betas))`, alpha-major.
/// Counts of disjoint shards on the same axes sum to the counts of the whole.
#[pyfunction]
#[pyo3(signature = (
    probs, *, alphas, betas, codes, tie_rows, tie_picks, label_mask, label_salience,
))]
#[allow(clippy::too_many_arguments)]
pub fn grid_counts<'py>(
    py: Python<'py>,
    probs: &Bound<'py, PyAny>,
    alphas: PyReadonlyArray1<'py, f64>,
    betas: PyReadonlyArray1<'py, f64>,
    codes: Vec<usize>,
    tie_rows: PyReadonlyArray1<'py, i64>,
    tie_picks: PyReadonlyArray2<'py, u8>,
    label_mask: PyReadonlyArray1<'py, u8>,
    label_salience: PyReadonlyArray2<'py, u8>,
) -> PyResult<CountArrays<'py>> {
    let order = ClassOrder::new(&codes)?;
    let ties = ties(&tie_rows, &tie_picks)?;
    let labels = encoded_view(&label_mask, &label_salience, "label")?;
    let (alphas, betas) = (slice(&alphas, "alphas")?, slice(&betas, "betas")?);
    let size = labels.len().max(alphas.len().saturating_mul(betas.len()));
    let counts = with_probs!(probs, p => interruptible(py, size, |cancel| {
        grid::grid_counts(p, &order, &ties, &labels, alphas, betas, cancel)
    }))?;
    let shape = [counts.n_alphas, counts.n_betas];
    Ok((
        counts.presence_correct.into_pyarray(py).reshape(shape)?,
        counts.salience_correct.into_pyarray(py).reshape(shape)?,
        counts.n,
        counts.n_blend,
    ))
}

/// Checks a grid search's settings before any clip arrives: `alphas` and
/// `betas` non-empty and finite, `presence_weight` between 0 and 1. Raises
/// ValueError naming the argument.
#[pyfunction]
#[pyo3(signature = (*, alphas, betas, presence_weight))]
pub fn check_grid(
    alphas: PyReadonlyArray1<'_, f64>,
    betas: PyReadonlyArray1<'_, f64>,
    presence_weight: f64,
) -> PyResult<()> {
    let (alphas, betas) = (slice(&alphas, "alphas")?, slice(&betas, "betas")?);
    Ok(grid::check_grid(alphas, betas, presence_weight)?)
}

/// `(presence_grid, salience_grid, best, presence_only, salience_only)`.
type ScoreArrays<'py> = (
    Bound<'py, PyArray2<f64>>,
    Bound<'py, PyArray2<f64>>,
    usize,
    f64,
    f64,
);

/// The grid search's result from its counts (one shard's, or a sum over
/// shards): both metrics at every cell, `best` the flat alpha-major index of
/// the first cell maximising `w * presence + (1 - w) * salience` (the
/// published key and tie-break), and each metric's best alone. Raises
/// ValueError for counts that cannot come from a grid search.
#[pyfunction]
#[pyo3(signature = (presence_correct, salience_correct, *, n, n_blend, presence_weight))]
pub fn grid_scores<'py>(
    py: Python<'py>,
    presence_correct: PyReadonlyArray2<'py, i64>,
    salience_correct: PyReadonlyArray2<'py, i64>,
    n: i64,
    n_blend: i64,
    presence_weight: f64,
) -> PyResult<ScoreArrays<'py>> {
    let shape = presence_correct.shape();
    let (n_alphas, n_betas) = (shape[0], shape[1]);
    // The two copies below, before the scores' own check.
    memory::check(
        &format!("{n_alphas} x {n_betas} grid cells"),
        "a copy of the counts",
        n_alphas as u128 * n_betas as u128 * 16,
    )?;
    let counts = grid::GridCounts::new(
        n_alphas,
        n_betas,
        rows(&presence_correct, "presence_correct", n_betas)?.to_vec(),
        rows(&salience_correct, "salience_correct", n_betas)?.to_vec(),
        n,
        n_blend,
    )?;
    let scores = interruptible(py, counts.presence_correct.len(), |cancel| {
        counts.scores_until(presence_weight, cancel)
    })?;
    Ok((
        scores
            .presence
            .into_pyarray(py)
            .reshape([n_alphas, n_betas])?,
        scores
            .salience
            .into_pyarray(py)
            .reshape([n_alphas, n_betas])?,
        scores.best,
        scores.presence_only,
        scores.salience_only,
    ))
}

/// `((mask, salience), problems)`: the encoded rows, and `(row, why)` for
/// every row that is not a label.
type SoftLabelArrays<'py> = (EncodedArrays<'py>, Vec<RowProblem>);

/// Encodes a soft-label matrix (float64, C-contiguous `(N, 6)`, columns in
/// the class order `codes`): one-hot rows are single emotions, two positive
/// entries in ratio 70/30, 50/50 or 30/70 (within `rtol`) blends. Returns
/// the encoded `(mask, salience)` and `(row, why)` for each row that is not a
/// label; the arrays mean something only when there is none.
#[pyfunction]
#[pyo3(signature = (labels, *, codes, rtol))]
pub fn soft_labels<'py>(
    py: Python<'py>,
    labels: PyReadonlyArray2<'py, f64>,
    codes: Vec<usize>,
    rtol: f64,
) -> PyResult<SoftLabelArrays<'py>> {
    let order = ClassOrder::new(&codes)?;
    let rows = rows(&labels, "labels", N_CLASSES)?;
    let (clips, problems) = interruptible(py, rows.len() / N_CLASSES, |cancel| {
        encode_soft_labels(rows, &order, rtol, cancel)
    })?;
    Ok((to_arrays(py, clips.into_iter().collect())?, problems))
}
