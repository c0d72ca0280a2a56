//! Submission files read and written natively, with Python's `json` as the
//! reference for what is read and what is written.
//!
//! - `input`: where the bytes come from (a file in chunks, or memory);
//! - `reader`: a pull reader with the grammar of Python's `json` module;
//! - `position`: what an error means (empty, not UTF-8, line and column);
//! - `python`: Python's `float()` and `repr()` of JSON text, and its Host;
//! - `shown`: unexpected values described as Python describes them;
//! - `fast`: the common well-formed clip, scanned in one go;
//! - `repeats`: clip names given twice, found from their hashes;
//! - `submission`: the submission's shape, each clip judged as it is read;
//! - `write`: submissions written as `json.dumps` writes them.

pub mod fast;
pub mod input;
pub mod position;
pub mod python;
pub mod reader;
pub mod repeats;
pub mod shown;
pub mod submission;
pub mod write;
