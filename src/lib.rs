//! blemore_fast's native core. This file only registers the Python module;
//! each concern lives in its own file:
//!
//! - `emotions`, `filename`: the emotion codes and labels read from clip names;
//! - `walk`, `entries`: reading and validating prediction dicts straight from Python objects;
//! - `score`: the outcome cells and the two challenge metrics over encoded arrays;
//! - `decode`: class probabilities to predictions, by the published rules;
//! - `grid`: the threshold grid search in one pass over the clips;
//! - `bootstrap`, `binomial`, `interval`: resampling over outcome cells, the
//!   binomial draws it is made of, and the intervals read off the replicates;
//! - `py_*`: thin Python wrappers.

pub mod binomial;
pub mod bootstrap;
pub mod decode;
pub mod emotions;
pub mod entries;
pub mod error;
pub mod filename;
pub mod grid;
pub mod interval;
pub mod score;
pub mod walk;

mod py_scoring;
mod py_stats;
mod py_training;

use pyo3::prelude::*;

#[pymodule]
mod _core {
    #[pymodule_export]
    use super::py_scoring::{
        classify_cells, count_cells, encode_labels, encode_pairs, parse_clip_name, score_pairs,
    };
    #[pymodule_export]
    use super::py_stats::{bootstrap_cells, compare_cells};
    #[pymodule_export]
    use super::py_training::{decode_probs, grid_search, tied_rows};

    #[pymodule_init]
    fn init(m: &pyo3::Bound<'_, pyo3::types::PyModule>) -> pyo3::PyResult<()> {
        use pyo3::prelude::*;
        m.add("EMOTIONS", super::emotions::EMOTIONS.to_vec())?;
        m.add("UNKNOWN_BIT", super::emotions::UNKNOWN_BIT)?;
        m.add("__version__", env!("CARGO_PKG_VERSION"))?;
        Ok(())
    }
}
