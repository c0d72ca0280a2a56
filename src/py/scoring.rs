//! Python wrappers for encoding and scoring: read, call the core, convert.

use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::core::emotions::EMOTIONS;
use crate::core::filename;
use crate::core::score;
use crate::core::validation::matching::Labels;
use crate::py::convert::{
    encoded_view, maybe_detach, to_arrays, to_tuples, EncodedArrays, PyProblem,
};
use crate::py::input::walk::{self, LabelSource};

/// Encodes a prediction dict and the labels of its clips, row by row.
///
/// `labels` is None (read labels from the clip names), a label dict, or a
/// list of clip names. Returns `(pred, label, problems, warnings)`, where
/// `pred` and `label` are `(mask, salience)` uint8 array pairs and each
/// problem is a `(clip, kind, message)` tuple.
#[pyfunction]
#[pyo3(signature = (preds, labels, *, strict))]
#[allow(clippy::type_complexity)]
pub fn encode_pairs<'py>(
    preds: &Bound<'py, PyDict>,
    labels: Option<Bound<'py, PyAny>>,
    strict: bool,
) -> PyResult<(
    EncodedArrays<'py>,
    EncodedArrays<'py>,
    Vec<PyProblem>,
    Vec<String>,
)> {
    let py = preds.py();
    let labels = walk::labels(&LabelSource::new(labels), py)?;
    let aligned = walk::walk(preds, labels, strict)?;
    Ok((
        to_arrays(py, aligned.pred)?,
        to_arrays(py, aligned.label)?,
        to_tuples(aligned.problems),
        aligned.warnings,
    ))
}

/// Scores a prediction dict directly: the walk of `encode_pairs` and the count
/// of `count_cells` in one call, without making arrays. Returns
/// `(cells, problems, warnings)`; the cells are meaningless when there are
/// problems.
#[pyfunction]
#[pyo3(signature = (preds, labels, *, strict))]
#[allow(clippy::type_complexity)]
pub fn score_pairs<'py>(
    preds: &Bound<'py, PyDict>,
    labels: Option<Bound<'py, PyAny>>,
    strict: bool,
) -> PyResult<([u64; 5], Vec<PyProblem>, Vec<String>)> {
    let labels = walk::labels(&LabelSource::new(labels), preds.py())?;
    let aligned = walk::walk(preds, labels, strict)?;
    let cells = score::count(&aligned.pred.view(), &aligned.label.view())?;
    Ok((cells.0, to_tuples(aligned.problems), aligned.warnings))
}

/// Every problem of a prediction dict judged alone, strictly (a
/// submission checked before upload): structure, codes, saliences.
#[pyfunction]
#[pyo3(signature = (preds))]
pub fn check_predictions(preds: &Bound<'_, PyDict>) -> PyResult<Vec<PyProblem>> {
    let aligned = walk::walk(preds, Labels::Absent, true)?;
    Ok(to_tuples(aligned.problems))
}

/// Encodes labels alone, in their own order.
///
/// `labels` is a label dict or a list of clip names. Returns
/// `(names, (mask, salience), problems, warnings)`.
#[pyfunction]
#[pyo3(signature = (labels))]
#[allow(clippy::type_complexity)]
pub fn encode_labels<'py>(
    labels: Bound<'py, PyAny>,
) -> PyResult<(Vec<String>, EncodedArrays<'py>, Vec<PyProblem>, Vec<String>)> {
    let py = labels.py();
    let aligned = walk::walk_labels(&LabelSource::new(Some(labels)))?;
    Ok((
        aligned.names,
        to_arrays(py, aligned.label)?,
        to_tuples(aligned.problems),
        aligned.warnings,
    ))
}

/// Counts the five outcome cells over encoded uint8 arrays, zero-copy; the
/// GIL is released for large inputs. Returns an int64 array of length 5.
#[pyfunction]
#[pyo3(signature = (pred_mask, pred_salience, label_mask, label_salience))]
pub fn count_cells<'py>(
    py: Python<'py>,
    pred_mask: PyReadonlyArray1<'py, u8>,
    pred_salience: PyReadonlyArray2<'py, u8>,
    label_mask: PyReadonlyArray1<'py, u8>,
    label_salience: PyReadonlyArray2<'py, u8>,
) -> PyResult<Bound<'py, PyArray1<i64>>> {
    let pred = encoded_view(&pred_mask, &pred_salience, "pred")?;
    let label = encoded_view(&label_mask, &label_salience, "label")?;
    let cells = maybe_detach(py, pred.len(), || score::count(&pred, &label))?;
    Ok(cells.0.map(|c| c as i64).to_vec().into_pyarray(py))
}

/// The outcome cell (0-4) of every clip, as a uint8 array.
#[pyfunction]
#[pyo3(signature = (pred_mask, pred_salience, label_mask, label_salience))]
pub fn classify_cells<'py>(
    py: Python<'py>,
    pred_mask: PyReadonlyArray1<'py, u8>,
    pred_salience: PyReadonlyArray2<'py, u8>,
    label_mask: PyReadonlyArray1<'py, u8>,
    label_salience: PyReadonlyArray2<'py, u8>,
) -> PyResult<Bound<'py, PyArray1<u8>>> {
    let pred = encoded_view(&pred_mask, &pred_salience, "pred")?;
    let label = encoded_view(&label_mask, &label_salience, "label")?;
    let cells = maybe_detach(py, pred.len(), || score::classify(&pred, &label))?;
    Ok(cells.into_pyarray(py))
}

/// Parses one clip name into
/// `(actor, emotions, saliences, intensity, situation, version)`.
/// Raises ValueError naming the clip and the expected shapes.
#[pyfunction]
#[pyo3(signature = (name))]
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
