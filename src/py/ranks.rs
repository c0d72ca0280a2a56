//! Python wrapper for the leaderboard's rank sets: extract, draw with the GIL
//! released, convert.

use numpy::PyUntypedArrayMethods;
use numpy::{IntoPyArray, PyArray2, PyArrayMethods, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::prelude::*;

use crate::core::stats::leaderboard::{Board, Metric};
use crate::core::stats::ranks::{self, Terms};
use crate::py::convert::slice;
use crate::py::interrupt::interruptible;

/// `(scores, differences, se, t, p_value, p_adjusted, marginal, simultaneous,
/// critical, df, n_groups)`.
type Ranked<'py> = (
    Bound<'py, PyArray2<f64>>,
    Bound<'py, PyArray2<f64>>,
    Bound<'py, PyArray2<f64>>,
    Bound<'py, PyArray2<f64>>,
    Bound<'py, PyArray2<f64>>,
    Bound<'py, PyArray2<f64>>,
    Bound<'py, PyArray2<bool>>,
    Bound<'py, PyArray2<bool>>,
    f64,
    u64,
    usize,
);

/// Rank-set inputs for systems scored on the same clips. `outcomes` is
/// uint8 `(n_systems, n_clips)`, one row of outcome cells per system;
/// `groups` int64 group codes `0..G` per clip, or None for one group per
/// clip. Returns `(scores, differences, se, t, p_value, p_adjusted, marginal,
/// simultaneous, critical, df, n_groups)`: scores `(S, 3)` as `score` gives
/// them; the metric's differences `d[j, k] = j - k`, their standard errors,
/// t statistics and unadjusted p-values as `compare`'s cluster-t gives them;
/// single-step max-t adjusted p-values; the
/// significant pairs after the stepdown, in each system's own family (row j)
/// and over all pairs; the single-step all-pairs critical value; the t
/// degrees of freedom and the number of groups.
#[pyfunction]
#[pyo3(signature = (outcomes, *, groups, metric, confidence, n_resamples, seed))]
pub fn rank_cells<'py>(
    py: Python<'py>,
    outcomes: PyReadonlyArray2<'py, u8>,
    groups: Option<PyReadonlyArray1<'py, i64>>,
    metric: &str,
    confidence: f64,
    n_resamples: usize,
    seed: u64,
) -> PyResult<Ranked<'py>> {
    let metric = Metric::parse(metric)?;
    let n_systems = outcomes.shape()[0];
    let cells = slice(&outcomes, "outcomes")?;
    let g = groups.as_ref().map(|g| slice(g, "groups")).transpose()?;
    let size = n_systems
        .saturating_mul(n_systems)
        .saturating_mul(n_resamples)
        / 64;
    let (scores, d, tests, df, n_groups, result, rejected) = interruptible(py, size, |cancel| {
        let board = Board::new(cells, n_systems, g)?;
        let (values, df) = board.terms(metric);
        let terms = Terms {
            values: &values,
            n_systems,
            n_groups: board.n_groups,
            df,
        };
        let result = ranks::max_t(&terms, confidence, n_resamples, seed, cancel)?;
        let d = board.differences(metric);
        let tests = board.pair_tests(metric, &d, &result.se, df);
        let t: Vec<f64> = tests.iter().map(|x| x.t).collect();
        let rejected = result.rejections(&t);
        Ok::<_, crate::core::error::Error>((
            board.scores(),
            d,
            tests,
            terms.df,
            board.n_groups,
            result,
            rejected,
        ))
    })?;
    let p: Vec<f64> = tests
        .iter()
        .map(|x| ranks::adjusted_p(x.t, &result.max_all))
        .collect();
    let flags = |v: Vec<bool>| v.into_pyarray(py).reshape([n_systems, n_systems]);
    let square = |v: Vec<f64>| v.into_pyarray(py).reshape([n_systems, n_systems]);
    Ok((
        scores.concat().into_pyarray(py).reshape([n_systems, 3])?,
        square(d)?,
        square(tests.iter().map(|x| x.se).collect())?,
        square(tests.iter().map(|x| x.t).collect())?,
        square(tests.iter().map(|x| x.p_value).collect())?,
        square(p)?,
        flags(rejected.marginal)?,
        flags(rejected.simultaneous)?,
        result.simultaneous,
        df,
        n_groups,
    ))
}
