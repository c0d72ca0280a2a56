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
    use super::py::scoring::{
        classify_cells, count_cells, encode_labels, encode_pairs, parse_clip_name, score_pairs,
    };
    #[pymodule_export]
    use super::py::stats::{bootstrap_cells, compare_cells};
    #[pymodule_export]
    use super::py::training::{decode_probs, grid_search, tied_rows};

    #[pymodule_init]
    fn init(m: &pyo3::Bound<'_, pyo3::types::PyModule>) -> pyo3::PyResult<()> {
        use pyo3::prelude::*;
        m.add("EMOTIONS", super::core::emotions::EMOTIONS.to_vec())?;
        m.add("UNKNOWN_BIT", super::core::emotions::UNKNOWN_BIT)?;
        m.add("__version__", env!("CARGO_PKG_VERSION"))?;
        Ok(())
    }
}
