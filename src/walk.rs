//! Reading the official `{clip: [{"emotion": …, "salience": …}, …]}` dicts
//! straight from Python objects, encoding and validating in one pass.
//!
//! The walk is in Rust because a Python loop over 100,000 dicts costs more than
//! the whole score. Each problem is collected rather than raised, so that the
//! Python layer can report every one of them at once. The happy path
//! allocates nothing per clip.

use std::cell::RefCell;
use std::collections::HashMap;

use pyo3::exceptions::{PyKeyError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

use crate::emotions::{code_index, code_of_bytes, suggest, EMOTIONS, UNKNOWN_BIT};
use crate::filename::{self, EXPECTED_SHAPES};
use crate::score::NO_SALIENCE;

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

/// The two keys of an entry.
#[derive(Clone, Copy, PartialEq)]
enum Field {
    Emotion,
    Salience,
}

/// Keys and the `float` type, looked up once per walk.
///
/// `seen` holds the key objects last recognised as "emotion" and "salience":
/// `json.loads` and most code reuse one key object for every entry, so an
/// identity check usually settles it without comparing strings.
struct Context<'py> {
    emotion: Bound<'py, PyString>,
    salience: Bound<'py, PyString>,
    float_type: Bound<'py, PyAny>,
    seen: RefCell<[Bound<'py, PyAny>; 2]>,
}

impl<'py> Context<'py> {
    fn new(py: Python<'py>) -> Self {
        let emotion = PyString::intern(py, "emotion");
        let salience = PyString::intern(py, "salience");
        let seen = RefCell::new([emotion.clone().into_any(), salience.clone().into_any()]);
        Context {
            emotion,
            salience,
            float_type: py.get_type::<PyFloat>().into_any(),
            seen,
        }
    }

    fn field(&self, key: &Bound<'py, PyAny>) -> Option<Field> {
        let mut seen = self.seen.borrow_mut();
        if key.is(&seen[0]) {
            return Some(Field::Emotion);
        }
        if key.is(&seen[1]) {
            return Some(Field::Salience);
        }
        let field = match key.cast::<PyString>().ok()?.to_str().ok()? {
            "emotion" => Field::Emotion,
            "salience" => Field::Salience,
            _ => return None,
        };
        seen[field as usize] = key.clone();
        Some(field)
    }

    /// `entry["emotion"]` and `entry["salience"]`; Err when the entry is no mapping.
    #[allow(clippy::type_complexity)]
    fn fields(
        &self,
        entry: &Bound<'py, PyAny>,
    ) -> Result<(Option<Bound<'py, PyAny>>, Option<Bound<'py, PyAny>>), ()> {
        if let Ok(dict) = entry.cast_exact::<PyDict>() {
            // One pass over the items costs less than two hash lookups.
            let mut found = (None, None);
            for (key, value) in dict.iter().take(dict.len()) {
                match self.field(&key) {
                    Some(Field::Emotion) => found.0 = Some(value),
                    Some(Field::Salience) => found.1 = Some(value),
                    None => {}
                }
            }
            return Ok(found);
        }
        Ok((
            lookup(entry, &self.emotion)?,
            lookup(entry, &self.salience)?,
        ))
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// Makes the list unreadable even for presence (published code would raise).
    Fatal,
    /// Breaks the challenge's format but the published code scores it.
    Format,
    /// Makes a salience unusable: the published code raises if it rounds it.
    Salience,
    /// A salience outside 0-100 that still rounds.
    SalienceRange,
}

/// One prediction or label list, read.
struct Entries {
    clip: Encoded,
    issues: Vec<(Kind, String)>,
    fractional: bool,
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

fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".into())
}

fn short_repr(value: &Bound<'_, PyAny>) -> String {
    let text = value
        .repr()
        .map(|r| r.to_string())
        .unwrap_or_else(|_| "?".into());
    if text.chars().count() > 40 {
        format!("{}…", text.chars().take(40).collect::<String>())
    } else {
        text
    }
}

/// `entry[key]`, telling a missing key apart from an entry that is no mapping.
fn lookup<'py>(
    entry: &Bound<'py, PyAny>,
    key: &Bound<'py, PyString>,
) -> Result<Option<Bound<'py, PyAny>>, ()> {
    if let Ok(dict) = entry.cast::<PyDict>() {
        return dict.get_item(key).map_err(|_| ());
    }
    if entry.is_instance_of::<PyString>() {
        return Err(());
    }
    match entry.get_item(key) {
        Ok(value) => Ok(Some(value)),
        Err(err) if err.is_instance_of::<PyKeyError>(entry.py()) => Ok(None),
        Err(_) => Err(()),
    }
}

/// `float(value)` as Python computes it, or why not.
fn to_float(value: &Bound<'_, PyAny>, ctx: &Context<'_>) -> Result<f64, String> {
    if let Ok(f) = value.cast::<PyFloat>() {
        return Ok(f.value());
    }
    if value.is_instance_of::<PyBool>() {
        return Err(format!(
            "salience should be a number, got the bool {}",
            short_repr(value)
        ));
    }
    if value.is_instance_of::<PyInt>() {
        return value
            .extract::<f64>()
            .map_err(|_| format!("salience {} is too large for a float", short_repr(value)));
    }
    let is_text = value.is_instance_of::<PyString>();
    match ctx.float_type.call1((value,)) {
        Ok(f) => f.extract::<f64>().map_err(|e| e.to_string()),
        Err(_) if is_text => Err(format!("salience {} is not a number", short_repr(value))),
        Err(_) => Err(format!(
            "salience should be a number or numeric string, got {} {}",
            type_name(value),
            short_repr(value)
        )),
    }
}

/// Reads a list (or tuple) of entries.
fn read_entries<'py>(list: &Bound<'py, PyAny>, ctx: &Context<'py>) -> Entries {
    let mut entries = Entries {
        clip: Encoded {
            mask: 0,
            salience: [NO_SALIENCE; 2],
            n_entries: 0,
        },
        issues: Vec::new(),
        fractional: false,
    };
    // (code, raw salience) of the first two entries, for the salience bytes.
    let mut firsts = [(None, f64::NAN); 2];
    let mut n = 0;
    let mut read = |k: usize, entry: Bound<'py, PyAny>, entries: &mut Entries| {
        n += 1;
        if let Some(first) = read_entry(k, &entry, ctx, entries) {
            if k < 2 {
                firsts[k] = first;
            }
        }
    };
    if let Ok(items) = list.cast::<PyList>() {
        for (k, entry) in items.iter().enumerate() {
            read(k, entry, &mut entries);
        }
    } else if let Ok(items) = list.cast::<PyTuple>() {
        for (k, entry) in items.iter().enumerate() {
            read(k, entry, &mut entries);
        }
    } else {
        let message = format!(
            "expected a list of {{\"emotion\", \"salience\"}} entries, got {} {}",
            type_name(list),
            short_repr(list)
        );
        entries.issues.push((Kind::Fatal, message));
        return entries;
    }
    entries.clip.n_entries = n;
    if n == 0 {
        entries
            .issues
            .push((Kind::Format, "the prediction list is empty".into()));
    } else if n > 2 {
        let message = format!("{n} entries; a clip has one emotion or a blend of two");
        entries.issues.push((Kind::Format, message));
    } else if n == 2 {
        let [(a, sa), (b, sb)] = firsts;
        if let (Some(a), Some(b)) = (a, b) {
            entries.clip.salience = salience_bytes([a, b], [sa, sb]);
        }
        entries.fractional = looks_fractional(sa, sb);
    }
    entries
}

/// The salience bytes of a two-entry list: `round(float(s))` (ties to even,
/// as Python's round) in code order, or `NO_SALIENCE` for a repeated code or
/// a value that is not a percentage and so can never match a label.
fn salience_bytes([a, b]: [usize; 2], [sa, sb]: [f64; 2]) -> [u8; 2] {
    let byte = |x: f64| {
        let r = x.round_ties_even();
        if (0.0..=100.0).contains(&r) {
            r as u8
        } else {
            NO_SALIENCE
        }
    };
    match a.cmp(&b) {
        std::cmp::Ordering::Less => [byte(sa), byte(sb)],
        std::cmp::Ordering::Greater => [byte(sb), byte(sa)],
        std::cmp::Ordering::Equal => [NO_SALIENCE; 2],
    }
}

/// Saliences such as 0.7/0.3: legal, but they never match a 70/30 label.
fn looks_fractional(sa: f64, sb: f64) -> bool {
    (0.0..=1.0).contains(&sa) && (0.0..=1.0).contains(&sb) && (sa + sb - 1.0).abs() < 0.02
}

/// The common case, read without any bookkeeping: a list of one or two
/// plain dicts `{"emotion": <known code>, "salience": <float or int 0-100>}`
/// with different codes. Anything else returns None and goes through
/// `read_entries`, which finds and words every problem; for the lists this
/// accepts, both give the same encoding.
fn scan_entries<'py>(list: &Bound<'py, PyAny>, ctx: &Context<'py>) -> Option<Encoded> {
    let list = list.cast_exact::<PyList>().ok()?;
    let n = list.len();
    if !(1..=2).contains(&n) {
        return None;
    }
    let (mut codes, mut raws, mut mask) = ([0usize; 2], [0f64; 2], 0u8);
    for (k, entry) in list.iter().enumerate().take(2) {
        let dict = entry.cast_exact::<PyDict>().ok()?;
        if dict.len() != 2 {
            return None;
        }
        let (mut emotion, mut salience) = (None, None);
        for (key, value) in dict.iter().take(2) {
            match ctx.field(&key)? {
                Field::Emotion => emotion = Some(value),
                Field::Salience => salience = Some(value),
            }
        }
        let code = code_of_bytes(
            emotion?
                .cast_exact::<PyString>()
                .ok()?
                .to_str()
                .ok()?
                .as_bytes(),
        )?;
        let salience = salience?;
        let raw = match salience.cast_exact::<PyFloat>() {
            Ok(f) => f.value(),
            Err(_) => salience
                .cast_exact::<PyInt>()
                .ok()?
                .extract::<u8>()
                .ok()?
                .into(),
        };
        if !(0.0..=100.0).contains(&raw) || mask & (1 << code) != 0 {
            return None;
        }
        mask |= 1 << code;
        (codes[k], raws[k]) = (code, raw);
    }
    let mut salience = [NO_SALIENCE; 2];
    if n == 2 {
        if looks_fractional(raws[0], raws[1]) {
            return None; // read_entries flags it for a warning
        }
        salience = salience_bytes(codes, raws);
    }
    Some(Encoded {
        mask,
        salience,
        n_entries: n,
    })
}

/// Reads one entry; returns its (code, raw salience) unless it has no emotion.
fn read_entry<'py>(
    k: usize,
    entry: &Bound<'py, PyAny>,
    ctx: &Context<'py>,
    entries: &mut Entries,
) -> Option<(Option<usize>, f64)> {
    let (emotion, salience) = match ctx.fields(entry) {
        Ok(fields) => fields,
        Err(()) => {
            let message = format!(
                "entry {k} is {} {}, not a dict with 'emotion' and 'salience'",
                type_name(entry),
                short_repr(entry)
            );
            entries.issues.push((Kind::Fatal, message));
            return None;
        }
    };
    let Some(emotion) = emotion else {
        entries
            .issues
            .push((Kind::Fatal, format!("entry {k} has no 'emotion' key")));
        return None;
    };
    let code = read_code(&emotion, k, entries);
    let raw = match salience {
        Some(value) => read_salience(&value, k, ctx, entries),
        None => {
            let message = format!("entry {k} has no 'salience' key");
            entries.issues.push((Kind::Salience, message));
            f64::NAN
        }
    };
    Some((code, raw))
}

fn read_code(value: &Bound<'_, PyAny>, k: usize, entries: &mut Entries) -> Option<usize> {
    let text = value.cast::<PyString>().ok().and_then(|s| s.to_str().ok());
    let message = match text.map(|t| (t, code_index(t))) {
        Some((_, Some(code))) => {
            let bit = 1u8 << code;
            if entries.clip.mask & bit != 0 {
                let message = format!("emotion '{}' appears twice", EMOTIONS[code]);
                entries.issues.push((Kind::Format, message));
            }
            entries.clip.mask |= bit;
            return Some(code);
        }
        Some((text, None)) => match suggest(text) {
            Some(hint) => format!("unknown emotion code '{text}' (did you mean '{hint}'?)"),
            None => format!(
                "unknown emotion code '{text}' (valid: {})",
                EMOTIONS.join(", ")
            ),
        },
        None => format!(
            "entry {k}: emotion should be a code such as 'ang', got {} {}",
            type_name(value),
            short_repr(value)
        ),
    };
    entries.issues.push((Kind::Format, message));
    entries.clip.mask |= UNKNOWN_BIT;
    None
}

fn read_salience(
    value: &Bound<'_, PyAny>,
    k: usize,
    ctx: &Context<'_>,
    entries: &mut Entries,
) -> f64 {
    let x = match to_float(value, ctx) {
        Ok(x) => x,
        Err(message) => {
            entries
                .issues
                .push((Kind::Salience, format!("entry {k}: {message}")));
            return f64::NAN;
        }
    };
    if x.is_nan() {
        entries
            .issues
            .push((Kind::Salience, format!("entry {k}: salience is NaN")));
    } else if x.is_infinite() {
        entries
            .issues
            .push((Kind::Salience, format!("entry {k}: salience is infinite")));
    } else if x < 0.0 {
        let message = format!("entry {k}: salience {x} is negative");
        entries.issues.push((Kind::SalienceRange, message));
    } else if x > 100.0 {
        let message = format!("entry {k}: salience {x} is above 100; saliences are percentages");
        entries.issues.push((Kind::SalienceRange, message));
    }
    x
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
                Some(clip) => Entries {
                    clip,
                    issues: Vec::new(),
                    fractional: false,
                },
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
