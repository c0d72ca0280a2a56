//! Python wrappers for planning a test set: the simulation of
//! [`core::stats::plan`](crate::core::stats::plan) and Student's t, which
//! the fast curve needs (the package does not depend on scipy).

use numpy::{IntoPyArray, PyArray1, PyArray3, PyArrayMethods, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::prelude::*;

use crate::core::stats::bootstrap::Tally;
use crate::core::stats::plan;
use crate::core::stats::student_t::{t_quantile_two_sided, two_sided_p};
use crate::py::convert::{rows, slice};

/// Simulated test sets drawn from a pilot's actors. `pilot` is int64
/// `(G, 6)`, one row per actor: clips, blend clips, A's presence and
/// salience hits, B's presence and salience hits (B = A when not `paired`).
/// `statistic` is 0 presence, 1 salience, 2 mean. Returns float64
/// `(len(actors), 5, n_sims)`: per size, the rows difference, se, p_value,
/// p_null (A and B swapped within random actors) and A's half_width.
#[pyfunction]
#[pyo3(signature = (pilot, *, actors, n_sims, confidence, statistic, paired, seed))]
#[allow(clippy::too_many_arguments)]
pub fn plan_draws<'py>(
    py: Python<'py>,
    pilot: PyReadonlyArray2<'py, i64>,
    actors: Vec<usize>,
    n_sims: usize,
    confidence: f64,
    statistic: usize,
    paired: bool,
    seed: u64,
) -> PyResult<Bound<'py, PyArray3<f64>>> {
    let counts = rows(&pilot, "pilot", 6)?;
    let count = |x: i64| u64::try_from(x).unwrap_or(0);
    let tallies: Vec<(Tally, Tally)> = counts
        .chunks_exact(6)
        .map(|r| {
            let a = Tally {
                n: count(r[0]),
                n_blend: count(r[1]),
                presence: r[2],
                salience: r[3],
            };
            (
                a,
                Tally {
                    presence: r[4],
                    salience: r[5],
                    ..a
                },
            )
        })
        .collect();
    let draws = py.detach(|| {
        plan::simulate(
            &tallies, &actors, n_sims, confidence, statistic, paired, seed,
        )
    })?;
    let mut out = Vec::with_capacity(actors.len() * 5 * n_sims);
    for per_size in &draws {
        out.extend(per_size.iter().map(|d| d.difference));
        out.extend(per_size.iter().map(|d| d.se));
        out.extend(per_size.iter().map(|d| d.p_value));
        out.extend(per_size.iter().map(|d| d.p_null));
        out.extend(per_size.iter().map(|d| d.half_width));
    }
    out.into_pyarray(py).reshape([actors.len(), 5, n_sims])
}

/// `P(|T| >= |t|)` for Student's t with `df` degrees of freedom, elementwise
/// over two float64 arrays of the same length.
#[pyfunction]
pub fn t_two_sided_p<'py>(
    py: Python<'py>,
    t: PyReadonlyArray1<'py, f64>,
    df: PyReadonlyArray1<'py, f64>,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    let (t, df) = (slice(&t, "t")?, slice(&df, "df")?);
    crate::core::error::check_len("df", t.len(), df.len())?;
    let p: Vec<f64> = t.iter().zip(df).map(|(&t, &v)| two_sided_p(t, v)).collect();
    Ok(p.into_pyarray(py))
}

/// The two-sided critical value `q` with `P(|T| >= q) = 1 - confidence`,
/// elementwise over two float64 arrays of the same length (NaN outside
/// `0 < confidence < 1`, `df > 0`).
#[pyfunction]
pub fn t_critical<'py>(
    py: Python<'py>,
    confidence: PyReadonlyArray1<'py, f64>,
    df: PyReadonlyArray1<'py, f64>,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    let (c, df) = (slice(&confidence, "confidence")?, slice(&df, "df")?);
    crate::core::error::check_len("df", c.len(), df.len())?;
    let q: Vec<f64> = c
        .iter()
        .zip(df)
        .map(|(&c, &v)| t_quantile_two_sided(c, v))
        .collect();
    Ok(q.into_pyarray(py))
}
