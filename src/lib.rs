//! blemore_fast's native module. This file only declares the two layers and
//! registers the Python module:
//!
//! - `core`: the pure Rust library (encoding, scoring, decoding, the grid
//!   search, the statistics), which knows nothing of Python;
//! - `py`: the bindings, which read Python objects, call the core and
//!   convert the results back.

pub mod core;
mod py;

use pyo3::prelude::*;

#[pymodule]
mod _core {
    #[pymodule_export]
    use super::py::files::{read_submission, SubmissionFile};
    #[pymodule_export]
    use super::py::plan::{plan_draws, t_critical, t_two_sided_p};
    #[pymodule_export]
    use super::py::ranks::rank_cells;
    #[pymodule_export]
    use super::py::scoring::{
        check_predictions, classify_cells, count_cells, encode_labels, encode_pairs,
        parse_clip_name, score_pairs,
    };
    #[pymodule_export]
    use super::py::stats::{bootstrap_cells, check_resampling, compare_cells};
    #[pymodule_export]
    use super::py::training::{
        check_grid, class_order, decode_probs, grid_counts, grid_scores, soft_labels, tied_rows,
    };
    #[pymodule_export]
    use super::py::write::submission_json;

    #[pymodule_init]
    fn init(m: &pyo3::Bound<'_, pyo3::types::PyModule>) -> pyo3::PyResult<()> {
        use super::core::validation::problems::ProblemKind;
        use super::core::{emotions, encoding, parallel, score, stats};
        use pyo3::prelude::*;
        use pyo3::types::PyTuple;

        // A child forked after parallel work runs serially (see core::parallel).
        parallel::serial_after_fork();
        let py = m.py();
        m.add("EMOTIONS", emotions::EMOTIONS.to_vec())?;
        m.add("UNKNOWN_BIT", emotions::UNKNOWN_BIT)?;
        m.add("NO_SALIENCE", encoding::NO_SALIENCE)?;
        m.add("CELLS", PyTuple::new(py, score::CELLS)?)?;
        m.add(
            "PRESENCE_RIGHT_CELLS",
            PyTuple::new(py, score::PRESENCE_RIGHT_CELLS)?,
        )?;
        m.add("BLEND_CELLS", PyTuple::new(py, score::BLEND_CELLS)?)?;
        m.add("SALIENCE_RIGHT_CELL", score::SALIENCE_RIGHT_CELL)?;
        // Each kind's code and its meaning, in declaration order.
        let kinds = pyo3::types::PyDict::new(py);
        for kind in ProblemKind::ALL {
            kinds.set_item(kind.as_str(), kind.meaning())?;
        }
        m.add("PROBLEM_KINDS", kinds)?;
        let methods = stats::interval::Method::ALL.map(|method| method.name());
        m.add("INTERVAL_METHODS", PyTuple::new(py, methods)?)?;
        m.add("__version__", env!("CARGO_PKG_VERSION"))?;
        Ok(())
    }
}
