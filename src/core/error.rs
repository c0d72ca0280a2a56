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
    /// An argument outside its domain, worded as what it must be:
    /// `alpha must be finite; got nan`. The binding layer owns these checks,
    /// so the Python layer only coerces types.
    Domain {
        argument: &'static str,
        requirement: String,
    },
    /// An argument has the wrong type (a `TypeError` in Python).
    Type {
        argument: &'static str,
        message: String,
    },
    /// What `argument` asks for needs `bytes` of memory (for `what`) that the
    /// process cannot have: a `MemoryError` in Python, never an abort.
    Memory {
        argument: String,
        what: &'static str,
        bytes: u128,
    },
    /// The work was cancelled (Ctrl-C) before it finished.
    Cancelled,
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
            Error::Domain {
                argument,
                requirement,
            } => write!(f, "{argument} {requirement}"),
            Error::Value { argument, message } | Error::Type { argument, message } => {
                write!(f, "{argument}: {message}")
            }
            Error::Memory {
                argument,
                what,
                bytes,
            } => write!(
                f,
                "{argument} needs {} MB of memory for {what}, more than this process can have; \
                 ask for less",
                bytes.div_ceil(1_000_000)
            ),
            Error::Cancelled => write!(f, "the work was cancelled"),
        }
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;

/// An argument outside its domain (see [`Error::Domain`]).
pub fn domain(argument: &'static str, requirement: impl Into<String>) -> Error {
    Error::Domain {
        argument,
        requirement: requirement.into(),
    }
}

/// A float as Python prints it in messages: `nan`, `inf`, `-inf`, `1.5`.
pub fn py_float(value: f64) -> String {
    if value.is_nan() {
        "nan".into()
    } else if value.is_infinite() {
        if value > 0.0 { "inf" } else { "-inf" }.into()
    } else {
        value.to_string()
    }
}

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
