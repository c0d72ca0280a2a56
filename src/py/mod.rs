//! The Python bindings: read Python objects, call the core, convert back.

pub mod convert;
pub mod files;
pub mod input;
pub mod interrupt;
pub mod plan;
pub mod ranks;
pub mod scoring;
pub mod stats;
pub mod training;
pub mod write;
