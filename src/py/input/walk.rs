//! Walking the official `{clip: [{"emotion": …, "salience": …}, …]}` dicts
//! straight from Python objects: each clip's entries read (`entries`), its
//! label found, and everything encoded and validated in one pass.
//!
//! The walk is in Rust because a Python loop over 100,000 dicts costs more than
//! the whole score. Each problem is collected rather than raised, so that the
//! Python layer can report every one of them at once. The happy path
//! allocates nothing per clip.

use std::collections::HashMap;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use crate::py::input::entries::{read_entries, scan_entries, short_repr, type_name, Context, Entries, Kind};
use crate::core::filename::{self, EXPECTED_SHAPES};
use crate::core::score::NO_SALIENCE;

/// From this many clips on, names are parsed on a second thread.
const PARALLEL_NAMES: usize = 8192;

/// One clip's encoding (see `score::Clips`), and how many entries its list had.
#[derive(Debug, Clone, Copy)]
pub struct Encoded {
    pub mask: u8,
    pub salience: [u8; 2],
    pub n_entries: usize,
}

/// Encoded clips, column by column, ready to become numpy arrays.
#[derive(Default)]
pub struct Columns {
    pub mask: Vec<u8>,
    pub salience: Vec<u8>,
}

impl Columns {
    pub fn push(&mut self, clip: Encoded) {
        self.mask.push(clip.mask);
        self.salience.extend_from_slice(&clip.salience);
    }
}

/// A problem found in the input: the clip it concerns (if any) and what is wrong.
pub type Problem = (Option<String>, String);

/// What one walk produces: predictions and their labels aligned row by row,
/// in the iteration order of the prediction dict.
#[derive(Default)]
pub struct Walked {
    /// Label names, filled by `walk_labels` only.
    pub names: Vec<String>,
    pub pred: Columns,
    pub label: Columns,
    pub problems: Vec<Problem>,
    pub warnings: Vec<String>,
}

/// Where the labels come from.
pub enum LabelSource<'py> {
    /// Parsed from each prediction's clip name, as the published scorer does.
    ClipNames,
    /// A list of clip names, each parsed for its label.
    NameList(Bound<'py, PyAny>),
    /// A `{clip: [entries]}` label dict.
    Dict(Bound<'py, PyDict>),
}

fn encode_name(name: &str) -> Result<Encoded, String> {
    let parsed = filename::parse(name).map_err(|why| {
        format!("cannot read a label from this clip name: {why}; {EXPECTED_SHAPES}")
    })?;
    let codes = parsed.emotions();
    let mask = codes.iter().fold(0u8, |m, &e| m | (1 << e));
    let mut salience = [NO_SALIENCE; 2];
    if let ([a, b], [sa, sb]) = (codes, parsed.saliences()) {
        // Saliences are stored in code order, whatever the order in the name.
        let (sa, sb) = (*sa as u8, *sb as u8);
        salience = if a < b { [sa, sb] } else { [sb, sa] };
    }
    Ok(Encoded {
        mask,
        salience,
        n_entries: codes.len(),
    })
}

fn clip_name<'a>(key: &'a Bound<'_, PyAny>) -> Result<&'a str, String> {
    key.cast::<PyString>()
        .ok()
        .and_then(|s| s.to_str().ok())
        .ok_or_else(|| {
            format!(
                "clip names must be strings, got {} {}",
                type_name(key),
                short_repr(key)
            )
        })
}

/// Label problems are errors in every mode: without a valid label, no score.
/// A single emotion's salience is never read, so it is not checked.
fn label_issues(entries: &Entries) -> impl Iterator<Item = &String> {
    let blend = entries.clip.n_entries == 2;
    entries
        .issues
        .iter()
        .filter(move |(kind, _)| blend || !matches!(kind, Kind::Salience | Kind::SalienceRange))
        .map(|(_, message)| message)
}

struct LabelTable {
    index: HashMap<String, usize>,
    names: Vec<String>,
    labels: Vec<Encoded>,
}

impl LabelTable {
    fn add(&mut self, name: String, label: Encoded, problems: &mut Vec<Problem>) {
        if self.index.contains_key(&name) {
            problems.push((Some(name), "label: the clip is listed twice".into()));
            return;
        }
        self.index.insert(name.clone(), self.labels.len());
        self.names.push(name);
        self.labels.push(label);
    }
}

fn label_table<'py>(
    source: &LabelSource<'py>,
    ctx: &Context<'py>,
    walked: &mut Walked,
) -> PyResult<LabelTable> {
    let mut table = LabelTable {
        index: HashMap::new(),
        names: Vec::new(),
        labels: Vec::new(),
    };
    let mut fractional = 0usize;
    match source {
        LabelSource::ClipNames => {}
        LabelSource::NameList(names) => {
            for item in names.try_iter()? {
                let item = item?;
                match clip_name(&item).and_then(|name| encode_name(name).map(|l| (name, l))) {
                    Ok((name, label)) => table.add(name.to_owned(), label, &mut walked.problems),
                    Err(message) => walked.problems.push((Some(item.to_string()), message)),
                }
            }
        }
        LabelSource::Dict(dict) => {
            for (key, value) in dict.iter() {
                let name = match clip_name(&key) {
                    Ok(name) => name.to_owned(),
                    Err(message) => {
                        walked.problems.push((None, format!("label: {message}")));
                        continue;
                    }
                };
                let entries = read_entries(&value, ctx);
                let before = walked.problems.len();
                for message in label_issues(&entries) {
                    walked
                        .problems
                        .push((Some(name.clone()), format!("label: {message}")));
                }
                fractional += usize::from(entries.fractional);
                if walked.problems.len() == before {
                    table.add(name, entries.clip, &mut walked.problems);
                }
            }
        }
    }
    if fractional > 0 {
        walked.warnings.push(format!(
            "{fractional} blend label(s) have saliences that add up to about 1; saliences are \
             percentages (30/70, 50/50, 70/30) and fractions round to 0 or 1"
        ));
    }
    Ok(table)
}

/// Walks `preds` (a dict), matching every clip to its label.
///
/// With `strict`, every departure from the challenge's format is a problem.
/// Without it, only what the published scorer itself cannot score is: a list
/// it cannot read, a clip without a label, a salience it would have to round
/// but cannot.
pub fn walk(preds: &Bound<'_, PyDict>, labels: &LabelSource<'_>, strict: bool) -> PyResult<Walked> {
    let ctx = Context::new(preds.py());
    let mut walked = Walked::default();
    let table = label_table(labels, &ctx, &mut walked)?;
    let mut used = vec![false; table.labels.len()];
    let mut fractional: Vec<String> = Vec::new();
    // The keys stay referenced here, so their text stays valid to read.
    let items: Vec<_> = preds.iter().collect();
    let names: Vec<Result<&str, String>> = items.iter().map(|(key, _)| clip_name(key)).collect();
    let from_names = matches!(labels, LabelSource::ClipNames);
    let parse_all = || -> Vec<Option<Result<Encoded, String>>> {
        names
            .iter()
            .map(|name| name.as_ref().ok().map(|name| encode_name(name)))
            .collect()
    };
    let (parsed, entries) = std::thread::scope(|scope| {
        // Parsing names needs no Python, so for a large input a second thread
        // parses them while this one reads the entries. This thread holds the
        // GIL throughout, so no Python code can change or free the strings.
        let worker = (from_names && items.len() >= PARALLEL_NAMES).then(|| scope.spawn(parse_all));
        let entries: Vec<Entries> = items
            .iter()
            .map(|(_, value)| match scan_entries(value, &ctx) {
                Some(clip) => Entries::clean(clip),
                None => read_entries(value, &ctx),
            })
            .collect();
        let parsed = match worker {
            Some(worker) => worker
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            None if from_names => parse_all(),
            None => Vec::new(),
        };
        (parsed, entries)
    });
    walked.pred.mask.reserve(items.len());
    walked.label.mask.reserve(items.len());
    for (i, (name, entries)) in names.iter().zip(entries).enumerate() {
        let name = match name {
            Ok(name) => *name,
            Err(message) => {
                walked.problems.push((None, message.clone()));
                continue;
            }
        };
        let label = match parsed.get(i) {
            Some(Some(label)) => label.clone(),
            _ => match table.index.get(name) {
                Some(&row) => {
                    used[row] = true;
                    Ok(table.labels[row])
                }
                None => Err("prediction for a clip that has no label".to_string()),
            },
        };
        let before = walked.problems.len();
        if let Err(message) = &label {
            walked
                .problems
                .push((Some(name.to_owned()), message.clone()));
        }
        // The published scorer rounds a prediction's saliences only for a
        // two-entry prediction of a blend clip; without a label, report all.
        let label_blend = label.as_ref().map_or(true, |l| l.n_entries == 2);
        let rounded = label_blend && entries.clip.n_entries == 2;
        for (kind, message) in &entries.issues {
            let counts = match kind {
                Kind::Fatal => true,
                Kind::Format | Kind::SalienceRange => strict,
                Kind::Salience => strict || rounded,
            };
            if counts {
                walked
                    .problems
                    .push((Some(name.to_owned()), message.clone()));
            }
        }
        if entries.fractional && (label_blend || strict) {
            fractional.push(name.to_owned());
        }
        if let (Ok(label), true) = (label, walked.problems.len() == before) {
            walked.pred.push(entries.clip);
            walked.label.push(label);
        }
    }
    let unused: Vec<&String> = table
        .names
        .iter()
        .zip(&used)
        .filter(|(_, &u)| !u)
        .map(|(n, _)| n)
        .collect();
    if strict {
        for name in &unused {
            walked
                .problems
                .push((Some((*name).clone()), "label has no prediction".into()));
        }
    } else if let Some(first) = unused.first() {
        walked.warnings.push(format!(
            "{} labelled clip(s) have no prediction (first: {first}); with strict=False they are \
             left out of the denominator, as in the published scorer",
            unused.len()
        ));
    }
    if let Some(first) = fractional.first() {
        walked.warnings.push(format!(
            "{} two-emotion prediction(s) have saliences that add up to about 1 (first: {first}); \
             saliences are percentages (30/70, 50/50, 70/30), and fractions such as 0.7/0.3 round \
             to 1/0, so they never match a blend label",
            fractional.len()
        ));
    }
    Ok(walked)
}

/// Labels alone, in input order: for encoded predictions matched by position.
/// Fills `names` and `label`.
pub fn walk_labels(labels: &LabelSource<'_>) -> PyResult<Walked> {
    let py = match labels {
        LabelSource::NameList(x) => x.py(),
        LabelSource::Dict(x) => x.py(),
        LabelSource::ClipNames => return Err(PyValueError::new_err("labels are required here")),
    };
    let mut walked = Walked::default();
    let table = label_table(labels, &Context::new(py), &mut walked)?;
    for label in &table.labels {
        walked.label.push(*label);
    }
    walked.names = table.names;
    Ok(walked)
}
