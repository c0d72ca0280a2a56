//! What every binding shares: the core's errors as Python exceptions.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::PyErr;

use crate::core::error::Error;

impl From<Error> for PyErr {
    fn from(error: Error) -> PyErr {
        match error {
            Error::Type { .. } => PyTypeError::new_err(error.to_string()),
            _ => PyValueError::new_err(error.to_string()),
        }
    }
}
