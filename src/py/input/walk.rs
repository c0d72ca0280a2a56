//! Walking the official `{clip: [{"emotion": …, "salience": …}, …]}` dicts
//! straight from Python objects: each clip's name and entries read, its
//! label read from a label dict, a list of names or the clip name itself,
//! and everything handed to the core's `validation::matching` to judge.
//!
//! The walk is in Rust because a Python loop over 100,000 dicts costs more than
//! the whole score. Each problem is collected rather than raised, so that the
//! Python layer can report every one of them at once. The happy path
//! allocates nothing per clip.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use crate::core::validation::entries::Entries;
use crate::core::validation::matching::{name_not_string, Aligned, LabelTable, Labels, Matcher};
use crate::core::validation::problems::Issue;
use crate::py::input::borrowed;
use crate::py::input::describe::shown;
use crate::py::input::entries::{read_entries, scan_entries, Context};

/// Where the labels come from.
pub enum LabelSource<'py> {
    /// Parsed from each prediction's clip name, as the published scorer does.
    ClipNames,
    /// A list of clip names, each parsed for its label.
    NameList(Bound<'py, PyAny>),
    /// A `{clip: [entries]}` label dict.
    Dict(Bound<'py, PyDict>),
}

impl<'py> LabelSource<'py> {
    /// None (read labels from the clip names), a label dict, or a list of
    /// clip names.
    pub fn new(labels: Option<Bound<'py, PyAny>>) -> Self {
        match labels {
            None => LabelSource::ClipNames,
            Some(labels) => match labels.cast_into::<PyDict>() {
                Ok(dict) => LabelSource::Dict(dict),
                Err(other) => LabelSource::NameList(other.into_inner()),
            },
        }
    }
}

fn clip_name<'a>(key: &'a Bound<'_, PyAny>) -> Result<&'a str, Issue> {
    key.cast::<PyString>()
        .ok()
        .and_then(|s| s.to_str().ok())
        .ok_or_else(|| name_not_string(&shown(key)))
}

/// Reads a label dict or a list of names into a table (empty for labels
/// read from the prediction's clip names).
fn label_table<'py>(source: &LabelSource<'py>, ctx: &Context<'py>) -> PyResult<LabelTable> {
    let mut table = LabelTable::default();
    match source {
        LabelSource::ClipNames => {}
        LabelSource::NameList(names) => {
            for item in names.try_iter()? {
                let item = item?;
                match clip_name(&item) {
                    Ok(name) => table.add_name(name),
                    Err(issue) => table.bad_name(item.to_string(), issue),
                }
            }
        }
        LabelSource::Dict(dict) => {
            for (key, value) in dict.iter() {
                match clip_name(&key) {
                    Ok(name) => table.add_entries(name.to_owned(), read_entries(&value, ctx)),
                    Err(issue) => table.bad_key(issue),
                }
            }
        }
    }
    Ok(table)
}

/// The labels as the core matches them: read from the clip names, or a
/// table read from the label dict or list of names.
pub fn labels(source: &LabelSource<'_>, py: Python<'_>) -> PyResult<Labels> {
    Ok(match source {
        LabelSource::ClipNames => Labels::FromNames,
        _ => Labels::Table(label_table(source, &Context::new(py))?),
    })
}

/// Walks `preds` (a dict), matching every clip to its label; `strict` as in
/// `validation::matching::Matcher`.
pub fn walk(preds: &Bound<'_, PyDict>, labels: Labels, strict: bool) -> PyResult<Aligned> {
    let mut matcher = Matcher::new(labels, strict);
    if borrowed::read(preds, &mut matcher) {
        return Ok(matcher.finish());
    }
    // Some clip needs the full rules: read everything again, with owned
    // references, since judging a value may run Python code (`float(x)`).
    matcher.restart();
    let ctx = Context::new(preds.py());
    for (key, value) in preds.iter() {
        let entries = match scan_entries(&value, &ctx) {
            Some(clip) => Entries::clean(clip),
            None => read_entries(&value, &ctx),
        };
        match clip_name(&key) {
            Ok(name) => matcher.push(name, entries),
            Err(issue) => matcher.unnamed(issue),
        }
    }
    Ok(matcher.finish())
}

/// Labels alone, in input order: for encoded predictions matched by position.
/// Fills `names` and `label`.
pub fn walk_labels(labels: &LabelSource<'_>) -> PyResult<Aligned> {
    let py = match labels {
        LabelSource::NameList(x) => x.py(),
        LabelSource::Dict(x) => x.py(),
        LabelSource::ClipNames => return Err(PyValueError::new_err("labels are required here")),
    };
    Ok(label_table(labels, &Context::new(py))?.into_aligned())
}
