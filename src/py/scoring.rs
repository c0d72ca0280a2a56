//! Python wrappers for encoding and scoring: extract, call the pure Rust, convert.

use numpy::{IntoPyArray, PyArray1, PyArray2, PyArrayMethods, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::core::emotions::EMOTIONS;
use crate::core::filename;
use crate::core::score::{self, Clips};
use crate::py::input::walk::{self, Columns, LabelSource, Problem};

/// Above this many clips the count runs with the GIL released.
const DETACH_MIN: usize = 50_000;

/// `(mask, salience)`: uint8 arrays of shape (N,) and (N, 2).
pub type EncodedArrays<'py> = (Bound<'py, PyArray1<u8>>, Bound<'py, PyArray2<u8>>);

pub fn to_arrays(py: Python<'_>, columns: Columns) -> PyResult<EncodedArrays<'_>> {
    let n = columns.mask.len();
    Ok((
        columns.mask.into_pyarray(py),
        columns.salience.into_pyarray(py).reshape([n, 2])?,
    ))
}

fn label_source(labels: Option<Bound<'_, PyAny>>) -> LabelSource<'_> {
    match labels {
        None => LabelSource::ClipNames,
        Some(labels) => match labels.cast_into::<PyDict>() {
            Ok(dict) => LabelSource::Dict(dict),
            Err(other) => LabelSource::NameList(other.into_inner()),
        },
    }
}

/// Encodes a prediction dict and the labels of its clips, row by row.
///
/// `labels` is None (read labels from the clip names), a label dict, or a
/// list of clip names. Returns `(pred, label, problems, warnings)`, where
/// `pred` and `label` are `(mask, salience)` uint8 array pairs.
#[pyfunction]
#[pyo3(signature = (preds, labels, strict))]
#[allow(clippy::type_complexity)]
pub fn encode_pairs<'py>(
    preds: &Bound<'py, PyDict>,
    labels: Option<Bound<'py, PyAny>>,
    strict: bool,
) -> PyResult<(
    EncodedArrays<'py>,
    EncodedArrays<'py>,
    Vec<Problem>,
    Vec<String>,
)> {
    let py = preds.py();
    let walked = walk::walk(preds, &label_source(labels), strict)?;
    Ok((
        to_arrays(py, walked.pred)?,
        to_arrays(py, walked.label)?,
        walked.problems,
        walked.warnings,
    ))
}

/// Scores a prediction dict directly: the walk of `encode_pairs` and the count
/// of `count_cells` in one call, without making arrays. Returns
/// `(cells, problems, warnings)`; the cells are meaningless when there are
/// problems.
#[pyfunction]
#[pyo3(signature = (preds, labels, strict))]
#[allow(clippy::type_complexity)]
pub fn score_pairs<'py>(
    preds: &Bound<'py, PyDict>,
    labels: Option<Bound<'py, PyAny>>,
    strict: bool,
) -> PyResult<([u64; 5], Vec<Problem>, Vec<String>)> {
    let walked = walk::walk(preds, &label_source(labels), strict)?;
    let pred = Clips {
        mask: &walked.pred.mask,
        salience: &walked.pred.salience,
    };
    let label = Clips {
        mask: &walked.label.mask,
        salience: &walked.label.salience,
    };
    Ok((
        score::count(&pred, &label)?.0,
        walked.problems,
        walked.warnings,
    ))
}

/// Encodes labels alone, in their own order.
///
/// `labels` is a label dict or a list of clip names. Returns
/// `(names, (mask, salience), problems, warnings)`.
#[pyfunction]
#[allow(clippy::type_complexity)]
pub fn encode_labels<'py>(
    labels: Bound<'py, PyAny>,
) -> PyResult<(Vec<String>, EncodedArrays<'py>, Vec<Problem>, Vec<String>)> {
    let py = labels.py();
    let walked = walk::walk_labels(&label_source(Some(labels)))?;
    Ok((
        walked.names,
        to_arrays(py, walked.label)?,
        walked.problems,
        walked.warnings,
    ))
}

fn clips<'a>(
    mask: &'a PyReadonlyArray1<'_, u8>,
    salience: &'a PyReadonlyArray2<'_, u8>,
    side: &str,
) -> PyResult<Clips<'a>> {
    let contiguous = || PyValueError::new_err(format!("{side} arrays must be C-contiguous"));
    Ok(Clips {
        mask: mask.as_slice().map_err(|_| contiguous())?,
        salience: salience.as_slice().map_err(|_| contiguous())?,
    })
}

/// Counts the five outcome cells over encoded uint8 arrays, zero-copy; the
/// GIL is released for large inputs. Returns an int64 array of length 5.
#[pyfunction]
pub fn count_cells<'py>(
    py: Python<'py>,
    pred_mask: PyReadonlyArray1<'py, u8>,
    pred_salience: PyReadonlyArray2<'py, u8>,
    label_mask: PyReadonlyArray1<'py, u8>,
    label_salience: PyReadonlyArray2<'py, u8>,
) -> PyResult<Bound<'py, PyArray1<i64>>> {
    let pred = clips(&pred_mask, &pred_salience, "prediction")?;
    let label = clips(&label_mask, &label_salience, "label")?;
    let cells = if pred.len() >= DETACH_MIN {
        py.detach(|| score::count(&pred, &label))?
    } else {
        score::count(&pred, &label)?
    };
    Ok(cells.0.map(|c| c as i64).to_vec().into_pyarray(py))
}

/// The outcome cell (0-4) of every clip, as a uint8 array.
#[pyfunction]
pub fn classify_cells<'py>(
    py: Python<'py>,
    pred_mask: PyReadonlyArray1<'py, u8>,
    pred_salience: PyReadonlyArray2<'py, u8>,
    label_mask: PyReadonlyArray1<'py, u8>,
    label_salience: PyReadonlyArray2<'py, u8>,
) -> PyResult<Bound<'py, PyArray1<u8>>> {
    let pred = clips(&pred_mask, &pred_salience, "prediction")?;
    let label = clips(&label_mask, &label_salience, "label")?;
    let cells = py.detach(|| score::classify(&pred, &label))?;
    Ok(cells.into_pyarray(py))
}

/// Parses one clip name into
/// `(actor, emotions, saliences, intensity, situation, version)`.
/// Raises ValueError naming the clip and the expected shapes.
#[pyfunction]
#[allow(clippy::type_complexity)]
pub fn parse_clip_name(
    name: &str,
) -> PyResult<(
    String,
    Vec<&'static str>,
    Vec<u32>,
    Option<u32>,
    Option<u32>,
    u32,
)> {
    let parsed = filename::parse(name).map_err(|why| {
        let shapes = filename::EXPECTED_SHAPES;
        PyValueError::new_err(format!(
            "'{name}' is not a BlEmoRe clip name: {why}; {shapes}"
        ))
    })?;
    Ok((
        parsed.actor.to_string(),
        parsed.emotions().iter().map(|&e| EMOTIONS[e]).collect(),
        parsed.saliences().to_vec(),
        parsed.intensity,
        parsed.situation,
        parsed.version,
    ))
}
