//! The pure Rust core: everything the library computes, with no Python in
//! sight. Nothing beneath this module touches the Python bindings, so
//! `cargo test` checks all of it without an interpreter, and a binding for
//! another language (or a native JSON reader) can reuse it as it is.

pub mod cancel;
pub mod decode;
pub mod emotions;
pub mod encoding;
pub mod error;
pub mod filename;
pub mod grid;
pub mod json;
pub mod memory;
pub mod parallel;
pub mod probs;
pub mod score;
pub mod soft_labels;
pub mod stats;
pub mod validation;
