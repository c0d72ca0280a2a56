//! Reading prediction and label dicts straight from Python objects.

pub mod entries;
pub mod walk;
