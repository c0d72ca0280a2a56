//! Reading Python objects: prediction and label dicts, lists of clip names.
//! These modules only read; the core's `validation` judges what they find.
//!
//! - `borrowed`: the common well-formed dict, read without reference counting;
//! - `entries`: one clip's list of entries (a fast scan, and a full read);
//! - `walk`: the prediction dict, its clip names and its labels;
//! - `describe`: Python values named in messages;
//! - `host`: the interpreter's answers for JSON text beyond ASCII.

pub mod borrowed;
pub mod describe;
pub mod entries;
pub mod host;
pub mod walk;
