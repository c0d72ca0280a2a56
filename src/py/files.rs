//! Submission files read natively: the bytes are read and parsed in Rust
//! with the GIL released (`core::json`), each clip judged by the core's
//! rules as it is read; only the labels come from Python objects.

use std::path::PathBuf;

use numpy::{PyArray1, PyArray2};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::core::json::input::Input;
use crate::core::json::submission::{self, Options, TopLevel};
use crate::core::validation::matching::Labels;
use crate::py::convert::{to_arrays, to_tuples, PyProblem};
use crate::py::input::host::PythonHost;
use crate::py::input::walk::{self, LabelSource};

/// A submission file as read: how it is shaped, its clips encoded and
/// matched to their labels, and every problem found.
#[pyclass(frozen, module = "blemore_fast._core", get_all)]
pub struct SubmissionFile {
    /// `(kind, message)` when the file cannot be read as JSON at all
    /// (missing, empty, not UTF-8, not JSON, too large); then nothing else
    /// is set.
    file_problem: Option<(&'static str, String)>,
    /// For a `too_large` file problem, the limit crossed: `"bytes"`,
    /// `"clips"` or `"string"`.
    limit: Option<&'static str>,
    /// `"wrapped"` (`{"predictions": {...}}`), `"bare"` (`{clip: [...]}`),
    /// or the Python type of a top level that is no object (`"list"`, ...).
    top_level: String,
    /// The top-level keys beside "predictions", in order.
    extra_keys: Vec<String>,
    /// The Python type of what "predictions" holds when it is no object.
    predictions_type: Option<&'static str>,
    /// The repr of a lone top-level key holding an object that is not
    /// "predictions" (a misspelt wrapper).
    misspelt: Option<String>,
    /// Whether some object gives a key twice (possibly a false alarm: two
    /// clip names with one 64-bit hash); then only an exact reader can say
    /// which, and the rest of this reading should not be used.
    repeated: bool,
    n_clips: usize,
    /// Every clip name in order, when asked for.
    names: Option<Vec<String>>,
    pred: (Py<PyArray1<u8>>, Py<PyArray2<u8>>),
    label: (Py<PyArray1<u8>>, Py<PyArray2<u8>>),
    problems: Vec<PyProblem>,
    warnings: Vec<String>,
}

/// Reads a submission file (a path) or its bytes, matching each clip to its
/// label: `labels` as in `encode_pairs` (None: from the clip names), or
/// with `alone` no labels at all (the predictions judged by themselves,
/// strictly). `shown_as` names the file in messages. A file of more than
/// `max_bytes` is refused before it is read, and the reading stops at
/// the clip after `max_clips` or at a string longer than 1,024 characters.
#[pyfunction]
#[pyo3(signature = (source, labels, *, strict, alone = false, keep_names = false, shown_as, max_bytes = u64::MAX, max_clips = usize::MAX))]
#[allow(clippy::too_many_arguments)]
pub fn read_submission(
    py: Python<'_>,
    source: &Bound<'_, PyAny>,
    labels: Option<Bound<'_, PyAny>>,
    strict: bool,
    alone: bool,
    keep_names: bool,
    shown_as: &str,
    max_bytes: u64,
    max_clips: usize,
) -> PyResult<SubmissionFile> {
    let labels = if alone {
        Labels::Absent
    } else {
        walk::labels(&LabelSource::new(labels), py)?
    };
    let options = Options {
        strict,
        keep_names,
        max_bytes,
        max_clips,
    };
    let read = if let Ok(bytes) = source.cast::<PyBytes>() {
        let bytes = bytes.as_bytes();
        py.detach(|| submission::read(Input::Bytes(bytes), shown_as, labels, options, &PythonHost))
    } else {
        let path: PathBuf = source.extract()?;
        py.detach(|| submission::read(Input::Path(&path), shown_as, labels, options, &PythonHost))
    };
    let empty = || -> PyResult<_> {
        let (mask, salience) = to_arrays(py, Default::default())?;
        Ok((mask.unbind(), salience.unbind()))
    };
    let read = match read {
        Ok(read) => read,
        // The host stopped the reading for a signal handler's exception.
        Err(_) if PyErr::occurred(py) => return Err(PyErr::fetch(py)),
        Err(error) => {
            return Ok(SubmissionFile {
                file_problem: Some((error.kind, error.message)),
                limit: error.limit,
                top_level: String::new(),
                extra_keys: Vec::new(),
                predictions_type: None,
                misspelt: None,
                repeated: false,
                n_clips: 0,
                names: None,
                pred: empty()?,
                label: empty()?,
                problems: Vec::new(),
                warnings: Vec::new(),
            })
        }
    };
    let top_level = match read.top_level {
        TopLevel::Wrapped => "wrapped",
        TopLevel::Bare => "bare",
        TopLevel::Other(type_name) => type_name,
    };
    let (pred_mask, pred_salience) = to_arrays(py, read.aligned.pred)?;
    let (label_mask, label_salience) = to_arrays(py, read.aligned.label)?;
    Ok(SubmissionFile {
        file_problem: None,
        limit: None,
        top_level: top_level.to_string(),
        extra_keys: read.extra_keys,
        predictions_type: read.predictions_type,
        misspelt: read.misspelt,
        repeated: read.repeated,
        n_clips: read.n_clips,
        names: keep_names.then_some(read.names),
        pred: (pred_mask.unbind(), pred_salience.unbind()),
        label: (label_mask.unbind(), label_salience.unbind()),
        problems: to_tuples(read.aligned.problems),
        warnings: read.aligned.warnings,
    })
}
