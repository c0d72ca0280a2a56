//! A submission file read natively: `{"predictions": {clip: [entries]}}` or
//! the bare `{clip: [entries]}`, straight into the clip encoding. Each clip
//! is judged as it is read, by the rules the Python-object reader reports
//! to (`validation`: `EntriesJudge` for the entries, `Matcher` for the
//! labels), so this is one more reader, not a second copy of the rules.
//!
//! What a parsed file would hide is reported, not judged, so that callers
//! apply one policy whatever read the file:
//!
//! - the shape: the top level's type, wrapped or bare, "predictions" holding
//!   something else than an object, a lone key that is not "predictions"
//!   but holds an object (a misspelt wrapper), the other top-level keys;
//! - whether any object gives a key twice, which `json.load` would let the
//!   last one win. Names are not kept to find a clip given twice: each clip
//!   name's 64-bit hash is (`repeats`), so a repeat is certain to be seen;
//!   two names with one hash may also be a false alarm, which the caller's
//!   exact reader then settles.
//!
//! A file that is not JSON gives Python's decoder's message at the same
//! line and column.

use std::collections::HashSet;
use std::io;

use crate::core::json::fast;
use crate::core::json::input::{BytesSource, Input, Opened, Source};
use crate::core::json::position::{diagnose, Diagnosis};
use crate::core::json::python::{float_of, repr_int, repr_str, Host};
use crate::core::json::reader::{Error, Kind, Limit, Reader, Str, Syntax, MAX_STRING_CHARS};
use crate::core::json::repeats::NameHashes;
use crate::core::json::shown::{shown, skip, Repr};
use crate::core::validation::entries::{Emotion, Entries, EntriesJudge, Salience};
use crate::core::validation::matching::{name_not_string, Aligned, Labels, Matcher};

/// How far ahead the fast scan looks for a whole member.
const FAST_AHEAD: usize = 4096;

/// Members read between two questions to the host whether to stop.
const MEMBERS_PER_CHECK: usize = 4096;

/// The document's top level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TopLevel {
    /// `{"predictions": {...}, ...}`.
    Wrapped,
    /// `{clip: [entries], ...}`.
    Bare,
    /// Not an object: Python's type name of what it is (`list`, `str`, ...).
    Other(&'static str),
}

/// A submission read.
#[derive(Debug)]
pub struct Submission {
    /// Predictions and labels, row by row, and every problem found.
    pub aligned: Aligned,
    pub top_level: TopLevel,
    /// The top-level keys beside "predictions", in order (wrapped form).
    pub extra_keys: Vec<String>,
    /// "predictions" holds no object: Python's type name of what it holds.
    pub predictions_type: Option<&'static str>,
    /// The repr of the only top-level key, when it holds an object and is
    /// not "predictions" (`{"preds": {...}}`).
    pub misspelt: Option<String>,
    /// Some object gives a key twice (or two clip names share a hash).
    pub repeated: bool,
    /// How many clips the predictions hold.
    pub n_clips: usize,
    /// Every clip name, in order, when asked for.
    pub names: Vec<String>,
}

/// A file that cannot be read as JSON at all: its problem's kind (a code of
/// `blemore_fast.PROBLEM_KINDS`) and message, and for `too_large` which
/// limit was crossed (`"bytes"`, `"clips"` or `"string"`), for the caller
/// to say how to raise it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    pub kind: &'static str,
    pub message: String,
    pub limit: Option<&'static str>,
}

#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// As in `Matcher`.
    pub strict: bool,
    /// Whether to keep every clip name (for alignments that name their rows).
    pub keep_names: bool,
    /// The most bytes the input may hold, checked before it is read.
    pub max_bytes: u64,
    /// The most clips the predictions may hold, checked as they are read.
    pub max_clips: usize,
}

/// Reads a submission from `input`, matching its clips to `labels`.
/// `shown_as` names the input in messages (its path, as the user gave it).
pub fn read(
    input: Input<'_>,
    shown_as: &str,
    labels: Labels,
    options: Options,
    host: &dyn Host,
) -> std::result::Result<Submission, FileError> {
    let opened = input
        .open(options.max_bytes)
        .map_err(|e| unreadable(shown_as, &e))?;
    let Some(opened) = opened else {
        return Err(FileError {
            kind: "too_large",
            message: format!(
                "{shown_as} is larger than {}, the size limit",
                size_text(options.max_bytes)
            ),
            limit: Some("bytes"),
        });
    };
    let clips = Clips::new(Matcher::new(labels, options.strict), options, host);
    match opened {
        Opened::File(source) => clips.read(source, shown_as),
        Opened::Memory(bytes) => clips.read(BytesSource::new(&bytes), shown_as),
        Opened::Borrowed(bytes) => clips.read(BytesSource::new(bytes), shown_as),
    }
}

/// What a pass over the document found.
enum Outcome {
    /// The wrapper came after other keys: read again, knowing it.
    ReadWrapped,
    Done(Shape),
}

struct Shape {
    top_level: TopLevel,
    extra_keys: Vec<String>,
    predictions_type: Option<&'static str>,
    misspelt: Option<String>,
}

/// An entry's emotion as found: text, or something else, described.
enum Found {
    Text(String),
    Other(String),
}

/// The reading state: the clips judged so far, and what finds repeats.
struct Clips<'h> {
    host: &'h dyn Host,
    options: Options,
    matcher: Matcher,
    n_clips: usize,
    /// Members read, for [`Clips::tick`].
    ticks: usize,
    names: Vec<String>,
    /// Each clip name's hash.
    hashes: NameHashes,
    /// A key given twice was seen.
    repeated: bool,
    /// The current clip's name.
    name: Vec<u8>,
}

type Result<T> = std::result::Result<T, Error>;

impl<'h> Clips<'h> {
    fn new(matcher: Matcher, options: Options, host: &'h dyn Host) -> Clips<'h> {
        Clips {
            host,
            options,
            matcher,
            n_clips: 0,
            ticks: 0,
            names: Vec::new(),
            hashes: NameHashes::default(),
            repeated: false,
            name: Vec::new(),
        }
    }

    /// Forgets the clips read, for another pass.
    fn restart(&mut self) {
        self.matcher.restart();
        self.n_clips = 0;
        self.names.clear();
        self.hashes.clear();
        self.repeated = false;
    }

    /// Counts a member and, every [`MEMBERS_PER_CHECK`], stops the reading
    /// with an `Interrupted` I/O error when the host asks to.
    fn tick(&mut self) -> Result<()> {
        self.ticks += 1;
        if self.ticks.is_multiple_of(MEMBERS_PER_CHECK) && self.host.interrupted() {
            return Err(Error::Io(io::ErrorKind::Interrupted.into()));
        }
        Ok(())
    }

    fn read<S: Source>(
        mut self,
        source: S,
        shown_as: &str,
    ) -> std::result::Result<Submission, FileError> {
        let mut reader = Reader::new(source).map_err(|e| unreadable(shown_as, &e))?;
        let mut wrapped = false;
        loop {
            match self.document(&mut reader, wrapped) {
                Ok(Outcome::ReadWrapped) => {
                    wrapped = true;
                    self.restart();
                    reader.rewind().map_err(|e| unreadable(shown_as, &e))?;
                }
                Ok(Outcome::Done(shape)) => return Ok(self.finish(shape)),
                Err(error) => return Err(file_error(reader.source_mut(), shown_as, error)),
            }
        }
    }

    fn finish(mut self, shape: Shape) -> Submission {
        self.repeated |= !self.hashes.repeated().is_empty();
        Submission {
            aligned: self.matcher.finish(),
            top_level: shape.top_level,
            extra_keys: shape.extra_keys,
            predictions_type: shape.predictions_type,
            misspelt: shape.misspelt,
            repeated: self.repeated,
            n_clips: self.n_clips,
            names: self.names,
        }
    }

    /// One pass over the document. Without `wrapped` known, a top-level
    /// key is read as a clip until a "predictions" object shows the file to
    /// be wrapped; if clips came before it, the pass asks to start over.
    fn document<S: Source>(&mut self, reader: &mut Reader<S>, wrapped: bool) -> Result<Outcome> {
        if reader.peek_value()? != Kind::Object {
            let type_name = skip(reader, self.host, &mut self.repeated)?;
            reader.finish()?;
            return Ok(Outcome::Done(Shape {
                top_level: TopLevel::Other(type_name),
                extra_keys: Vec::new(),
                predictions_type: None,
                misspelt: None,
            }));
        }
        reader.begin_object()?;
        let mut members = 0;
        let mut found = false;
        let mut predictions_type = None;
        // In a wrapped file, every top-level key (in a bare one, the keys
        // are clips, hashed).
        let mut top_keys: HashSet<Vec<u8>> = HashSet::new();
        let mut extra_keys = Vec::new();
        let mut misspelt = None;
        loop {
            self.tick()?;
            if !(found || wrapped) {
                // A bare file's clips, scanned in one go when well-formed.
                let started = reader.member_started();
                if let Some(member) = fast::member(reader.ahead(FAST_AHEAD)?, started) {
                    let len = member.len;
                    let at = reader.offset();
                    self.push_scanned(reader.ahead(0)?, member, at)?;
                    reader.consume_member(len);
                    members += 1;
                    misspelt = None;
                    continue;
                }
            }
            let Some(key) = reader.next_key()? else {
                break;
            };
            members += 1;
            let utf8 = key.utf8;
            self.name.clear();
            self.name.extend_from_slice(key.bytes);
            let next = reader.peek_value()?;
            let is_predictions = utf8 && self.name == b"predictions";
            if is_predictions && next != Kind::Object {
                predictions_type = Some(skip(reader, self.host, &mut self.repeated)?);
                self.top_key(&mut top_keys);
            } else if is_predictions && !found {
                if !wrapped && members > 1 {
                    return Ok(Outcome::ReadWrapped);
                }
                found = true;
                self.top_key(&mut top_keys);
                self.predictions(reader)?;
            } else if found || wrapped {
                self.top_key(&mut top_keys);
                extra_keys.push(String::from_utf8_lossy(&self.name).into_owned());
                skip(reader, self.host, &mut self.repeated)?;
            } else {
                misspelt = (members == 1 && next == Kind::Object).then(|| {
                    repr_str(
                        Str {
                            bytes: &self.name,
                            utf8,
                        },
                        self.host,
                    )
                });
                self.clip(reader, utf8)?;
            }
        }
        reader.finish()?;
        Ok(Outcome::Done(Shape {
            top_level: if found {
                TopLevel::Wrapped
            } else {
                TopLevel::Bare
            },
            extra_keys,
            predictions_type,
            misspelt: misspelt.filter(|_| members == 1 && !found),
        }))
    }

    /// A top-level key of a wrapped file (in `self.name`), noted to find
    /// repeats.
    fn top_key(&mut self, seen: &mut HashSet<Vec<u8>>) {
        self.repeated |= !seen.insert(self.name.clone());
    }

    /// The object of clips: each member scanned in one go when it is
    /// well-formed (`fast`), else read by the general reader.
    fn predictions<S: Source>(&mut self, reader: &mut Reader<S>) -> Result<()> {
        reader.begin_object()?;
        loop {
            self.tick()?;
            let started = reader.member_started();
            if let Some(member) = fast::member(reader.ahead(FAST_AHEAD)?, started) {
                let len = member.len;
                let at = reader.offset();
                self.push_scanned(reader.ahead(0)?, member, at)?;
                reader.consume_member(len);
                continue;
            }
            let Some(key) = reader.next_key()? else {
                return Ok(());
            };
            let utf8 = key.utf8;
            self.name.clear();
            self.name.extend_from_slice(key.bytes);
            self.clip(reader, utf8)?;
        }
    }

    /// One clip: its name (in `self.name`) and its value, read.
    fn clip<S: Source>(&mut self, reader: &mut Reader<S>, utf8: bool) -> Result<()> {
        let entries = self.entries(reader)?;
        let name = std::mem::take(&mut self.name);
        // The reader checked the name's UTF-8; `utf8` is false only for a
        // lone surrogate.
        let text = std::str::from_utf8(&name).ok().filter(|_| utf8);
        let pushed = self.push_clip(text.ok_or(&name[..]), entries, reader.offset());
        self.name = name;
        pushed
    }

    /// A member the fast scan read, from offset `at`: its name is printable
    /// ASCII, as long as the scan looks ahead, so its length is checked here.
    fn push_scanned(&mut self, bytes: &[u8], member: fast::Member, at: u64) -> Result<()> {
        if member.name.len() > MAX_STRING_CHARS {
            return Err(Error::Limit {
                offset: at + member.name.start as u64 - 1,
                what: Limit::String,
            });
        }
        // SAFETY: `fast::member` accepts only printable ASCII in a name.
        let name = unsafe { std::str::from_utf8_unchecked(&bytes[member.name]) };
        self.push_clip(Ok(name), Entries::clean(member.clip), at)
    }

    /// A clip read (ending before offset `at`): counted, its name hashed to
    /// find repeats, and handed to the matcher. `name` is its text, or its
    /// bytes when they hold a lone surrogate. One clip more than the limit
    /// stops the reading.
    fn push_clip(
        &mut self,
        name: std::result::Result<&str, &[u8]>,
        entries: Entries,
        at: u64,
    ) -> Result<()> {
        if self.n_clips == self.options.max_clips {
            return Err(Error::Limit {
                offset: at,
                what: Limit::Clips(self.options.max_clips),
            });
        }
        self.n_clips += 1;
        let bytes = name.map_or_else(|bytes| bytes, str::as_bytes);
        self.hashes.add(bytes);
        if self.options.keep_names {
            self.names.push(String::from_utf8_lossy(bytes).into_owned());
        }
        match name {
            Ok(name) => self.matcher.push(name, entries),
            Err(bytes) => {
                let text = Str { bytes, utf8: false };
                let shown = Repr::of(&repr_str(text, self.host));
                self.matcher
                    .unnamed(name_not_string(&format!("str {shown}")));
            }
        }
        Ok(())
    }

    /// A clip's value: a list of entries, or anything else (a problem).
    fn entries<S: Source>(&mut self, reader: &mut Reader<S>) -> Result<Entries> {
        if reader.peek_value()? != Kind::Array {
            let shown = shown(reader, self.host, &mut self.repeated)?;
            return Ok(Entries::not_a_list(&shown));
        }
        reader.begin_array()?;
        let mut judge = EntriesJudge::default();
        let mut n = 0;
        while reader.next_item()? {
            self.entry(reader, n, &mut judge)?;
            n += 1;
        }
        Ok(judge.finish(n))
    }

    /// Entry `k`, reported to the judge as the Python-object reader
    /// reports a dict: its "emotion" and "salience", other keys ignored
    /// (json.loads keeps the last of a key given twice, and so does this).
    fn entry<S: Source>(
        &mut self,
        reader: &mut Reader<S>,
        k: usize,
        judge: &mut EntriesJudge,
    ) -> Result<()> {
        if reader.peek_value()? != Kind::Object {
            let shown = shown(reader, self.host, &mut self.repeated)?;
            judge.not_a_mapping(k, &shown);
            return Ok(());
        }
        reader.begin_object()?;
        let mut emotion: Option<Found> = None;
        let mut salience: Option<Salience> = None;
        let mut keys: Vec<Vec<u8>> = Vec::with_capacity(2);
        while let Some(key) = reader.next_key()? {
            if keys.iter().any(|seen| seen == key.bytes) {
                self.repeated = true;
            } else {
                keys.push(key.bytes.to_vec());
            }
            match key.bytes {
                b"emotion" => emotion = Some(self.emotion(reader)?),
                b"salience" => salience = Some(self.salience(reader)?),
                _ => {
                    skip(reader, self.host, &mut self.repeated)?;
                }
            }
        }
        match emotion {
            None => judge.missing_emotion(k),
            Some(found) => {
                let emotion = match &found {
                    Found::Text(text) => Emotion::Text(text),
                    Found::Other(shown) => Emotion::Other(shown.clone()),
                };
                judge.entry(k, emotion, salience.unwrap_or(Salience::Missing));
            }
        }
        Ok(())
    }

    fn emotion<S: Source>(&mut self, reader: &mut Reader<S>) -> Result<Found> {
        if reader.peek_value()? != Kind::String {
            return Ok(Found::Other(shown(reader, self.host, &mut self.repeated)?));
        }
        let text = reader.string()?;
        Ok(match text.text() {
            Some(code) => Found::Text(code.to_owned()),
            None => Found::Other(format!("str {}", Repr::of(&repr_str(text, self.host)))),
        })
    }

    /// A salience as Python's reader takes it: `float(value)` where Python
    /// computes one, else why not.
    fn salience<S: Source>(&mut self, reader: &mut Reader<S>) -> Result<Salience> {
        let kind = reader.peek_value()?;
        Ok(match kind {
            Kind::Number => {
                let number = reader.number()?;
                if number.integer && number.value.is_infinite() {
                    Salience::TooLarge(Repr::of(repr_int(number.text)))
                } else {
                    Salience::Number(number.value)
                }
            }
            Kind::NaN | Kind::Infinity | Kind::NegInfinity => {
                reader.literal(kind);
                Salience::Number(match kind {
                    Kind::NaN => f64::NAN,
                    Kind::Infinity => f64::INFINITY,
                    _ => f64::NEG_INFINITY,
                })
            }
            Kind::True | Kind::False => {
                reader.literal(kind);
                Salience::Bool(if kind == Kind::True { "True" } else { "False" }.into())
            }
            Kind::String => {
                let text = reader.string()?;
                match float_of(text, self.host) {
                    Some(x) => Salience::Number(x),
                    None => Salience::Text(Repr::of(&repr_str(text, self.host))),
                }
            }
            Kind::Null | Kind::Object | Kind::Array => {
                Salience::Other(shown(reader, self.host, &mut self.repeated)?)
            }
        })
    }
}

/// `"cannot read {path}: {why}"`, the reason worded as Python's `strerror`.
fn unreadable(shown_as: &str, error: &io::Error) -> FileError {
    let text = error.to_string();
    let why = match text.rfind(" (os error ") {
        Some(cut) if text.ends_with(')') => &text[..cut],
        _ => &text,
    };
    FileError {
        kind: "file_unreadable",
        message: format!("cannot read {shown_as}: {why}"),
        limit: None,
    }
}

/// A size in the largest binary unit that divides it: `64 MiB`, `1 GiB`.
fn size_text(bytes: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")];
    match UNITS
        .iter()
        .find(|(unit, _)| bytes >= *unit && bytes.is_multiple_of(*unit))
    {
        Some((unit, name)) => format!("{} {name}", grouped(bytes / unit)),
        None => format!("{} bytes", grouped(bytes)),
    }
}

/// `1234567` as `1,234,567`, as Python's `f"{n:,}"` writes it.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A limit crossed while reading: which one, in words.
fn limit_error<S: Source>(source: &mut S, shown_as: &str, offset: u64, what: Limit) -> FileError {
    let (message, limit) = match what {
        Limit::Clips(max) => (
            format!(
                "{shown_as} holds more than {} clips, the limit",
                grouped(max as u64)
            ),
            "clips",
        ),
        Limit::String => {
            let at = match diagnose(source, offset) {
                Ok(Diagnosis::At(at)) => format!("line {}, column {}", at.line, at.column),
                _ => format!("byte {offset}"),
            };
            (
                format!(
                    "{shown_as} holds a string longer than {} characters at {at}; a clip name \
                     (or any other string) is at most that long",
                    grouped(MAX_STRING_CHARS as u64)
                ),
                "string",
            )
        }
    };
    FileError {
        kind: "too_large",
        message,
        limit: Some(limit),
    }
}

/// What a reading error means for the file: empty, not UTF-8, or not JSON
/// at a line and column, worded as `inputs.parse_json` words Python's.
fn file_error<S: Source>(source: &mut S, shown_as: &str, error: Error) -> FileError {
    let offset = match error {
        Error::Io(e) => return unreadable(shown_as, &e),
        Error::Limit { offset, what } => return limit_error(source, shown_as, offset, what),
        Error::Syntax { offset, .. } | Error::NotUtf8 { offset } => offset,
    };
    let diagnosis = match diagnose(source, offset) {
        Ok(diagnosis) => diagnosis,
        Err(e) => return unreadable(shown_as, &e),
    };
    let (kind, message) = match (diagnosis, error) {
        (Diagnosis::Empty, _) => ("empty_file", format!("{shown_as} is empty; expected JSON")),
        (Diagnosis::NotUtf8 { offset, byte }, _) => (
            "not_utf8",
            format!("{shown_as} is not UTF-8 text (byte {offset}: {byte:#04x})"),
        ),
        (
            Diagnosis::At(_),
            Error::Syntax {
                what: Syntax::TooDeep,
                ..
            },
        ) => (
            "invalid_json",
            format!("{shown_as} is not valid JSON: nested too deeply"),
        ),
        (Diagnosis::At(at), Error::Syntax { what, .. }) => {
            let position = format!("line {}, column {}", at.line, at.column);
            let reason = if at.line == 1 && at.column == 1 && at.found == Some('\u{feff}') {
                // Python refuses a second byte-order mark before parsing.
                format!("Unexpected UTF-8 BOM (decode using utf-8-sig) at {position}")
            } else {
                let message = what.python_message();
                match message.strip_suffix(" at") {
                    Some(_) => format!("{message} {position}"),
                    None => format!("{message} at {position}"),
                }
            };
            (
                "invalid_json",
                format!("{shown_as} is not valid JSON: {reason}"),
            )
        }
        (Diagnosis::At(_), _) => unreachable!("a UTF-8 error is found again"),
    };
    FileError {
        kind,
        message,
        limit: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::json::python::Approximate;

    fn read_bytes(text: &str) -> std::result::Result<Submission, FileError> {
        let options = Options {
            strict: true,
            keep_names: true,
            max_bytes: u64::MAX,
            max_clips: usize::MAX,
        };
        let input = Input::Bytes(text.as_bytes());
        read(input, "s.json", Labels::FromNames, options, &Approximate)
    }

    fn messages(text: &str) -> Vec<String> {
        let read = read_bytes(text).unwrap();
        read.aligned
            .problems
            .into_iter()
            .map(|p| p.message)
            .collect()
    }

    const ANG: &str = r#"[{"emotion": "ang", "salience": 100}]"#;

    #[test]
    fn wrapped_and_bare_files_read_alike() {
        let wrapped = format!(r#"{{"predictions": {{"A1_ang_int1_ver1": {ANG}}}, "v": 2}}"#);
        let read = read_bytes(&wrapped).unwrap();
        assert_eq!(read.top_level, TopLevel::Wrapped);
        assert_eq!(read.extra_keys, ["v"]);
        assert_eq!(read.names, ["A1_ang_int1_ver1"]);
        assert_eq!(read.aligned.pred.mask, [1]);
        let bare = format!(r#"{{"A1_ang_int1_ver1": {ANG}, "A2_hap_int1_ver1": {ANG}}}"#);
        let read = read_bytes(&bare).unwrap();
        assert_eq!(read.top_level, TopLevel::Bare);
        assert_eq!(
            (read.n_clips, read.aligned.label.mask.clone()),
            (2, vec![1, 8])
        );
        // The wrapper after other keys: those keys are not clips.
        let late = format!(r#"{{"v": [1], "predictions": {{"A1_ang_int1_ver1": {ANG}}}}}"#);
        let read = read_bytes(&late).unwrap();
        assert_eq!(
            (read.top_level, read.extra_keys),
            (TopLevel::Wrapped, vec!["v".into()])
        );
        assert!(read.aligned.problems.is_empty());
        assert_eq!(read.names, ["A1_ang_int1_ver1"]);
        assert_eq!(
            read_bytes("[1, 2]").unwrap().top_level,
            TopLevel::Other("list")
        );
    }

    #[test]
    fn the_shape_is_reported_not_judged() {
        let read = read_bytes(&format!(r#"{{"preds": {{"A1_ang_int1_ver1": {ANG}}}}}"#)).unwrap();
        assert_eq!(read.misspelt.as_deref(), Some("'preds'"));
        let read = read_bytes(r#"{"predictions": [1], "A1_ang_int1_ver1": []}"#).unwrap();
        assert_eq!(read.predictions_type, Some("list"));
        assert!(!read.repeated);
    }

    #[test]
    fn a_key_given_twice_anywhere_is_seen() {
        let clip = format!(r#"{{"A1_ang_int1_ver1": {ANG}, "A1_ang_int1_ver1": {ANG}}}"#);
        let entry =
            r#"{"A1_ang_int1_ver1": [{"emotion": "ang", "emotion": "ang", "salience": 1}]}"#;
        let top = r#"{"predictions": {}, "v": 1, "v": 1}"#.to_string();
        let nested =
            r#"{"A1_ang_int1_ver1": [{"emotion": "ang", "salience": 1, "x": {"a": 1, "a": 1}}]}"#;
        for text in [clip.as_str(), entry, top.as_str(), nested] {
            assert!(read_bytes(text).unwrap().repeated, "{text}");
        }
        assert!(
            !read_bytes(&format!(r#"{{"A1_ang_int1_ver1": {ANG}}}"#))
                .unwrap()
                .repeated
        );
    }

    #[test]
    fn values_are_judged_as_the_python_reader_judges_them() {
        let text = r#"{"A1_ang_int1_ver1": {"emotion": "ang"},
            "A2_mix_ang_hap_30_70_ver1": [{"emotion": 3, "salience": "x"}, "hap"],
            "A3_mix_ang_hap_30_70_ver1": [{"emotion": "ang", "salience": " 30 "},
                                          {"emotion": "hap", "salience": 1e999}]}"#;
        assert_eq!(
            messages(text),
            [
                "expected a list of {\"emotion\", \"salience\"} entries, got dict {'emotion': 'ang'}",
                "entry 0: emotion should be a code such as 'ang', got int 3",
                "entry 0: salience 'x' is not a number",
                "entry 1 is str 'hap', not a dict with 'emotion' and 'salience'",
                "entry 1: salience is infinite",
            ]
        );
    }

    #[test]
    fn unreadable_files_say_what_python_says_and_where() {
        let error = |text: &[u8]| read_limited(text, u64::MAX, usize::MAX).unwrap_err();
        assert_eq!(error(b" \n").kind, "empty_file");
        assert_eq!(
            error(b"{\"a\": [1, 2}\n\xff").message,
            "s.json is not UTF-8 text (byte 13: 0xff)"
        );
        assert_eq!(
            error(b"{\n  \"a\": [1, 2}").message,
            "s.json is not valid JSON: Expecting ',' delimiter at line 2, column 13"
        );
        assert_eq!(
            error(b"{\"a\": \"b").message,
            "s.json is not valid JSON: Unterminated string starting at line 1, column 7"
        );
        assert_eq!(
            error(b"\xef\xbb\xbf\xef\xbb\xbf{}").message,
            "s.json is not valid JSON: Unexpected UTF-8 BOM (decode using utf-8-sig) at line 1, \
             column 1"
        );
        let deep = [b"[".repeat(2000), b"]".repeat(2000)].concat();
        assert_eq!(
            error(&deep).message,
            "s.json is not valid JSON: nested too deeply"
        );
        let missing = read(
            Input::Path(std::path::Path::new("/nonexistent/s.json")),
            "s.json",
            Labels::FromNames,
            UNLIMITED,
            &Approximate,
        )
        .unwrap_err();
        assert_eq!(
            missing.message,
            "cannot read s.json: No such file or directory"
        );
    }

    /// Strict, without names, and without limits.
    const UNLIMITED: Options = Options {
        strict: true,
        keep_names: false,
        max_bytes: u64::MAX,
        max_clips: usize::MAX,
    };

    fn read_limited(
        text: &[u8],
        max_bytes: u64,
        max_clips: usize,
    ) -> std::result::Result<Submission, FileError> {
        let options = Options {
            max_bytes,
            max_clips,
            ..UNLIMITED
        };
        read(
            Input::Bytes(text),
            "s.json",
            Labels::FromNames,
            options,
            &Approximate,
        )
    }

    /// Every limit stops the reading with one `too_large` error naming it:
    /// a name of 1,025 characters however it is written (the fast scan, the
    /// general reader, escapes, a string longer than the window), the clip
    /// after the limit, and a byte more than the limit.
    #[test]
    fn limits_are_crossed_by_one() {
        let named = |name: &str| format!(r#"{{"predictions": {{"{name}": {ANG}}}}}"#);
        let limit = |text: &str, bytes: u64, clips: usize| {
            read_limited(text.as_bytes(), bytes, clips)
                .err()
                .map(|e| (e.kind, e.limit))
        };
        let long = Some(("too_large", Some("string")));
        for n in [MAX_STRING_CHARS, MAX_STRING_CHARS + 1] {
            let expected = if n > MAX_STRING_CHARS { long } else { None };
            let ascii = "a".repeat(n);
            assert_eq!(limit(&named(&ascii), u64::MAX, 9), expected, "fast, {n}");
            let escaped = "\\u00e9".repeat(n);
            assert_eq!(
                limit(&named(&escaped), u64::MAX, 9),
                expected,
                "escaped, {n}"
            );
            let pairs = "\\ud83d\\ude00".repeat(n);
            assert_eq!(limit(&named(&pairs), u64::MAX, 9), expected, "pairs, {n}");
            let raw = "\u{e9}".repeat(n);
            let value = format!(r#"{{"predictions": {{}}, "x": "{raw}"}}"#);
            assert_eq!(limit(&value, u64::MAX, 9), expected, "value, {n}");
        }
        let huge = named(&"a".repeat(5_000_000));
        let error = read_limited(huge.as_bytes(), u64::MAX, 9).unwrap_err();
        assert_eq!(
            error.message,
            "s.json holds a string longer than 1,024 characters at line 1, column 18; a clip \
             name (or any other string) is at most that long"
        );
        let two = format!(r#"{{"A1_ang_int1_ver1": {ANG}, "A2_ang_int1_ver1": {ANG}}}"#);
        assert_eq!(limit(&two, u64::MAX, 2), None);
        let error = read_limited(two.as_bytes(), u64::MAX, 1).unwrap_err();
        assert_eq!(
            (error.limit, error.message.as_str()),
            (Some("clips"), "s.json holds more than 1 clips, the limit")
        );
        let size = two.len() as u64;
        assert_eq!(limit(&two, size, 9), None);
        let error = read_limited(two.as_bytes(), size - 1, 9).unwrap_err();
        assert_eq!(error.limit, Some("bytes"));
        assert_eq!(size_text(64 << 20), "64 MiB");
        assert_eq!(size_text(1 << 30), "1 GiB");
        assert_eq!(size_text(1_234_567), "1,234,567 bytes");
    }

    /// A file's long string stops the reading before the window grows to
    /// hold it.
    #[test]
    fn a_long_name_in_a_file_is_refused_while_read() {
        let dir = std::env::temp_dir().join(format!("bf-limit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("long.json");
        let name = "a".repeat(3_000_000);
        std::fs::write(&path, format!(r#"{{"predictions": {{"{name}": {ANG}}}}}"#)).unwrap();
        let options = UNLIMITED;
        let error = read(
            Input::Path(&path),
            "s.json",
            Labels::FromNames,
            options,
            &Approximate,
        )
        .unwrap_err();
        assert_eq!(error.limit, Some("string"));
        let error = read(
            Input::Path(&path),
            "s.json",
            Labels::FromNames,
            Options {
                max_bytes: 1000,
                ..options
            },
            &Approximate,
        )
        .unwrap_err();
        assert_eq!(
            error.message,
            "s.json is larger than 1,000 bytes, the size limit"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
