//! Submission files read and written natively.
//!
//! - `input`: where the bytes come from (a file in chunks, or memory);
//! - `reader`: a pull reader with the grammar of Python's `json` module;

pub mod fast;
pub mod input;
pub mod position;
pub mod python;
pub mod reader;
pub mod repeats;
pub mod shown;
pub mod submission;
