//! The crate's one error type. The bindings turn it into a Python exception
//! (`py::convert`); here it is plain data with a message.

use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// Arrays that must line up do not: `argument` has `got` rows, not `expected`.
    Length {
        argument: &'static str,
        expected: usize,
        got: usize,
    },
    /// An argument has a value outside its domain.
    Value {
        argument: &'static str,
        message: String,
    },
    /// An argument has the wrong type (a `TypeError` in Python).
    Type {
        argument: &'static str,
        message: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Length {
                argument,
                expected,
                got,
            } => {
                write!(f, "{argument} has {got} rows but {expected} were expected")
            }
            Error::Value { argument, message } | Error::Type { argument, message } => {
                write!(f, "{argument}: {message}")
            }
        }
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;

pub fn check_len(argument: &'static str, expected: usize, got: usize) -> Result<()> {
    if expected == got {
        Ok(())
    } else {
        Err(Error::Length {
            argument,
            expected,
            got,
        })
    }
}
