//! Python wrappers for the bootstrap: extract, resample with the GIL
//! released, convert. The Python layer coerces the arguments' types; the
//! domain checks are the core's, raised with the argument's name.

use numpy::{IntoPyArray, PyArray2, PyArrayMethods, PyReadonlyArray1};
use pyo3::prelude::*;

use crate::core::error::domain;
use crate::core::stats::bootstrap::{self, Options, Population, Summary};
use crate::core::stats::cluster_t;
use crate::core::stats::interval::Method;
use crate::py::convert::{maybe_detach, slice};
use crate::py::interrupt::interruptible;

/// `(summary, messages, n_units, distribution, df)`: `summary` is float64
/// with rows estimate, low, high, se (and p_value when paired) and columns
/// presence, salience, mean; `distribution` is `(n_resamples, 3)` or None;
/// `df` the t degrees of freedom of cluster-t (None when resampled).
type Resampled<'py> = (
    Bound<'py, PyArray2<f64>>,
    Vec<String>,
    u64,
    Option<Bound<'py, PyArray2<f64>>>,
    Option<(f64, f64, f64)>,
);

/// Checks the resampling options every statistic shares and returns the
/// method's canonical name ("BCa" -> "bca"). Raises ValueError naming the
/// argument: `n_resamples` at least 1, `confidence` strictly between 0 and 1,
/// `method` one of "cluster-t", "percentile", "basic", "bca".
#[pyfunction]
#[pyo3(signature = (*, n_resamples, confidence, method))]
pub fn check_resampling(n_resamples: i64, confidence: f64, method: &str) -> PyResult<&'static str> {
    bootstrap::check_n_resamples(n_resamples)?;
    bootstrap::check_confidence(confidence)?;
    Ok(Method::parse(method)?.name())
}

#[allow(clippy::too_many_arguments)]
fn resample<'py>(
    py: Python<'py>,
    outcomes_a: PyReadonlyArray1<'py, u8>,
    outcomes_b: Option<PyReadonlyArray1<'py, u8>>,
    groups: Option<PyReadonlyArray1<'py, i64>>,
    n_resamples: usize,
    confidence: f64,
    method: &str,
    seed: u64,
    return_distribution: bool,
) -> PyResult<Resampled<'py>> {
    let options = Options {
        n_resamples,
        confidence,
        method: Method::parse(method)?,
        seed,
        paired: outcomes_b.is_some(),
        keep_distribution: return_distribution,
    };
    let a = slice(&outcomes_a, "outcomes_a")?;
    let b = outcomes_b
        .as_ref()
        .map(|b| slice(b, "outcomes_b"))
        .transpose()?;
    let g = groups.as_ref().map(|g| slice(g, "groups")).transpose()?;
    let (summary, n_units) = if options.method.resamples() {
        bootstrap::check(&options)?;
        // The work grows with the clips (tallies) and the replicates.
        let size = a.len().max(n_resamples);
        interruptible(py, size, |cancel| {
            let population = Population::new(bootstrap::tallies(a, b, g)?);
            bootstrap::run(&population, &options, cancel).map(|s| (s, population.size()))
        })?
    } else {
        analytic(py, a, b, g, &options, return_distribution)?
    };
    let mut rows = vec![summary.estimate, summary.low, summary.high, summary.se];
    rows.extend(summary.p_value);
    let n_rows = rows.len();
    let table = rows.concat().into_pyarray(py).reshape([n_rows, 3])?;
    let distribution = if return_distribution {
        Some(
            summary
                .distribution
                .into_pyarray(py)
                .reshape([n_resamples, 3])?,
        )
    } else {
        None
    };
    let df = summary.df.map(|[p, s, m]| (p, s, m));
    Ok((table, summary.messages, n_units, distribution, df))
}

/// The closed-form cluster-t method: over groups only, no replicates.
fn analytic(
    py: Python<'_>,
    a: &[u8],
    b: Option<&[u8]>,
    g: Option<&[i64]>,
    options: &Options,
    return_distribution: bool,
) -> PyResult<(Summary, u64)> {
    let name = options.method.name();
    let Some(g) = g else {
        return Err(domain(
            "method",
            format!(
                "'{name}' needs groups (cluster='actor' or group ids); \
                 clip-level intervals use 'percentile', 'basic' or 'bca'"
            ),
        )
        .into());
    };
    if return_distribution {
        return Err(domain(
            "return_distribution",
            format!(
                "needs bootstrap replicates, and method '{name}' draws none; use \
                 method='percentile' for a bootstrap distribution"
            ),
        )
        .into());
    }
    let out = maybe_detach(py, a.len(), || match b {
        Some(b) => {
            let pairs = bootstrap::paired_group_tallies(a, b, g)?;
            let summary = cluster_t::summarise_pair(&pairs, options.confidence)?;
            Ok::<_, crate::core::error::Error>((summary, pairs.len() as u64))
        }
        None => {
            let groups: Vec<_> = bootstrap::tallies(a, None, Some(g))?
                .into_iter()
                .map(|(tally, _)| tally)
                .collect();
            let summary = cluster_t::summarise(&groups, options.confidence)?;
            Ok((summary, groups.len() as u64))
        }
    })?;
    Ok(out)
}

/// Bootstrap intervals of presence, salience and their mean from each clip's
/// outcome cell (uint8, 0-4). `groups` (int64 cluster ids, one per clip)
/// resamples clusters instead of clips. `method` is "percentile", "basic",
/// "bca", or "cluster-t" (groups only: closed form, `n_resamples` and `seed`
/// unused). Returns `(summary, messages, n_units, distribution, df)`:
/// `summary` is a (4, 3) float64 array, rows estimate, low, high, se;
/// `messages` are warnings to raise; `n_units` is how many clips or clusters
/// a replicate draws (the number of groups for cluster-t); `distribution` is
/// the (n_resamples, 3) replicates when asked for; `df` the t degrees of
/// freedom of cluster-t.
#[pyfunction]
#[pyo3(signature = (outcomes, *, groups, n_resamples, confidence, method, seed, return_distribution))]
#[allow(clippy::too_many_arguments)]
pub fn bootstrap_cells<'py>(
    py: Python<'py>,
    outcomes: PyReadonlyArray1<'py, u8>,
    groups: Option<PyReadonlyArray1<'py, i64>>,
    n_resamples: usize,
    confidence: f64,
    method: &str,
    seed: u64,
    return_distribution: bool,
) -> PyResult<Resampled<'py>> {
    resample(
        py,
        outcomes,
        None,
        groups,
        n_resamples,
        confidence,
        method,
        seed,
        return_distribution,
    )
}

/// The paired bootstrap of A - B from both systems' outcome cells on the same
/// clips, in the same order. As `bootstrap_cells`, but `summary` is (5, 3)
/// with a last row of two-sided p-values against "no difference".
#[pyfunction]
#[pyo3(signature = (
    outcomes_a, outcomes_b, *, groups, n_resamples, confidence, method, seed,
    return_distribution,
))]
#[allow(clippy::too_many_arguments)]
pub fn compare_cells<'py>(
    py: Python<'py>,
    outcomes_a: PyReadonlyArray1<'py, u8>,
    outcomes_b: PyReadonlyArray1<'py, u8>,
    groups: Option<PyReadonlyArray1<'py, i64>>,
    n_resamples: usize,
    confidence: f64,
    method: &str,
    seed: u64,
    return_distribution: bool,
) -> PyResult<Resampled<'py>> {
    resample(
        py,
        outcomes_a,
        Some(outcomes_b),
        groups,
        n_resamples,
        confidence,
        method,
        seed,
        return_distribution,
    )
}
