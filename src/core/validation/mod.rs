//! Validation: the rules that judge predictions and labels, apart from the
//! readers that find them (pydantic-core's split between `input/` and its
//! validators). The Python-object reader lives in `py::input`; a JSON reader
//! would be one more reader feeding the same judges.
//!
//! - `problems`: the problem kinds, their stable codes and severities;
//! - `entries`: one clip's list of entries, encoded and judged;
//! - `matching`: predictions matched to labels under the strict or lenient
//!   policy, with the warnings.

pub mod entries;
pub mod matching;
pub mod problems;
