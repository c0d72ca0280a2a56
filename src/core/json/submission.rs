//! A submission file read natively: `{"predictions": {clip: [entries]}}` or
//! the bare `{clip: [entries]}`, straight into the clip encoding. Each clip
//! is judged as it is read, by the rules the Python-object reader reports
//! to (`validation`: `EntriesJudge` for the entries, `Matcher` for the
//! labels), so this is one more reader, not a second copy of the rules.
//!
//! What `json.load` would let pass silently is a problem here: a clip given
//! twice (`duplicate_clip`), an entry's emotion or salience given twice with
//! two different values, and "predictions" given twice (`duplicate_key`):
//! readers differ on which one counts. (Keys whose values are ignored may
//! repeat, as may a key repeating its value.) Names are not kept to find
//! repeats: each clip name's hash is, and only when two hashes agree is the
//! file read a second time to count the names themselves, so a repeat is
//! reported exactly.
//!
//! The shape is reported, not judged: wrapped or bare, and the top-level
//! keys beside "predictions", so that callers can apply their own policy.
//! By default it is read as `inputs._unwrap_submission` reads a parsed
//! file: wrapped when "predictions" holds an object (whatever else is
//! there), an error when the only key is another one holding an object
//! (`not_a_submission`), bare otherwise.

use std::collections::{HashMap, HashSet};
use std::io;

use crate::core::json::fast;
use crate::core::json::input::{BytesSource, Input, Opened, Source};
use crate::core::json::position::{diagnose, Diagnosis, Position};
use crate::core::json::python::{float_of, repr_int, repr_str, Host};
use crate::core::json::reader::{Error, Kind, Reader, Str, Syntax, MAX_DEPTH};
use crate::core::json::repeats::{self, NameHashes};
use crate::core::json::shown::{shown, skip, Repr};
use crate::core::validation::entries::{Emotion, Entries, EntriesJudge, Salience};
use crate::core::validation::matching::{name_not_string, Aligned, Labels, Matcher};
use crate::core::validation::problems::{Issue, Problem, ProblemKind};

/// How far ahead the fast scan looks for a whole member.
const FAST_AHEAD: usize = 4096;

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
    /// A misspelt wrapper (`{"preds": {...}}`): then `aligned` is empty.
    pub shape_problem: Option<Problem>,
    /// How many clips the predictions hold.
    pub n_clips: usize,
    /// Every clip name, in order, when asked for.
    pub names: Vec<String>,
}

/// A file that cannot be read as JSON at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    pub kind: ProblemKind,
    pub message: String,
}

#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// As in `Matcher`.
    pub strict: bool,
    /// Whether to keep every clip name (for alignments that name their rows).
    pub keep_names: bool,
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
    let opened = input.open().map_err(|e| unreadable(shown_as, &e))?;
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
    /// The repr of the only top-level key, when it holds an object.
    misspelt: Option<String>,
}

/// An entry's emotion as found: text, or something else, described.
#[derive(PartialEq)]
enum Found {
    Text(String),
    Other(String),
}

/// Whether two saliences of one entry mean the same (then one given twice
/// is no ambiguity).
fn same_salience(a: &Salience, b: &Salience) -> bool {
    use Salience::*;
    match (a, b) {
        (Number(x), Number(y)) => x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()),
        (Missing, Missing) => true,
        (Bool(x), Bool(y))
        | (TooLarge(x), TooLarge(y))
        | (Text(x), Text(y))
        | (Other(x), Other(y))
        | (Failed(x), Failed(y)) => x == y,
        _ => false,
    }
}

/// The reading state: the clips judged so far, and what finds repeats.
struct Clips<'h> {
    host: &'h dyn Host,
    options: Options,
    matcher: Matcher,
    n_clips: usize,
    names: Vec<String>,
    /// Each clip name's hash, in the first pass.
    hashes: NameHashes,
    /// In a second pass: the hashes seen more than once, and how often
    /// each name with one of them comes, in the order they first come.
    suspects: HashSet<u64>,
    seen: HashMap<Vec<u8>, usize>,
    seen_order: Vec<Vec<u8>>,
    /// The current clip's name.
    name: Vec<u8>,
    /// The input as messages name it.
    shown_as: String,
}

type Result<T> = std::result::Result<T, Error>;

impl<'h> Clips<'h> {
    fn new(matcher: Matcher, options: Options, host: &'h dyn Host) -> Clips<'h> {
        Clips {
            host,
            options,
            matcher,
            n_clips: 0,
            names: Vec::new(),
            hashes: NameHashes::default(),
            suspects: HashSet::new(),
            seen: HashMap::new(),
            seen_order: Vec::new(),
            name: Vec::new(),
            shown_as: String::new(),
        }
    }

    /// Forgets the clips read, for another pass.
    fn restart(&mut self) {
        self.matcher.restart();
        self.n_clips = 0;
        self.names.clear();
        self.hashes.clear();
        self.seen.clear();
        self.seen_order.clear();
    }

    fn read<S: Source>(
        mut self,
        source: S,
        shown_as: &str,
    ) -> std::result::Result<Submission, FileError> {
        self.shown_as = shown_as.to_owned();
        let mut reader = Reader::new(source).map_err(|e| unreadable(shown_as, &e))?;
        let mut wrapped = false;
        loop {
            let outcome = self.document(&mut reader, wrapped);
            let again = match outcome {
                Ok(Outcome::ReadWrapped) => {
                    wrapped = true;
                    true
                }
                Ok(Outcome::Done(shape)) => {
                    let suspects = self.repeated_hashes();
                    if suspects.is_empty() {
                        return Ok(self.finish(shape));
                    }
                    self.suspects = suspects;
                    true
                }
                Err(error) => return Err(file_error(reader.source_mut(), shown_as, error)),
            };
            if again {
                self.restart();
                reader.rewind().map_err(|e| unreadable(shown_as, &e))?;
            }
        }
    }

    /// Hashes that more than one clip name had, in the first pass.
    fn repeated_hashes(&mut self) -> HashSet<u64> {
        if !self.suspects.is_empty() {
            return HashSet::new(); // the second pass compared the names
        }
        self.hashes.repeated()
    }

    fn finish(mut self, shape: Shape) -> Submission {
        let mut repeats = Vec::new();
        for name in std::mem::take(&mut self.seen_order) {
            let count = self.seen[&name];
            if count > 1 {
                let message = format!(
                    "appears {count} times in {}; readers differ on which one counts, so give \
                     each clip once",
                    self.shown_as
                );
                let clip = String::from_utf8_lossy(&name).into_owned();
                repeats.push(Issue::new(ProblemKind::DuplicateClip, message).at(Some(clip)));
            }
        }
        let mut aligned = self.matcher.finish();
        if !repeats.is_empty() {
            // Which of a clip's predictions counts is ambiguous, so nothing
            // else is judged (as a syntax error stops everything else).
            aligned = Aligned {
                problems: repeats,
                ..Aligned::default()
            };
        }
        let shape_problem = shape.misspelt.map(|key| {
            // What `inputs._unwrap_submission` says of `{"preds": {...}}`.
            let message = format!(
                "unexpected top-level key {key}: a submission is \
                 {{\"predictions\": {{clip: [entries]}}}}"
            );
            aligned = Aligned::default();
            Issue::new(ProblemKind::NotASubmission, message).at(None)
        });
        Submission {
            aligned,
            top_level: shape.top_level,
            extra_keys: shape.extra_keys,
            shape_problem,
            n_clips: self.n_clips,
            names: self.names,
        }
    }

    /// One pass over the document. Without `wrapped` known, a top-level
    /// key is read as a clip until a "predictions" object shows the file to
    /// be wrapped; if clips came before it, the pass asks to start over.
    fn document<S: Source>(&mut self, reader: &mut Reader<S>, wrapped: bool) -> Result<Outcome> {
        if reader.peek_value()? != Kind::Object {
            let type_name = skip(reader, self.host)?;
            reader.finish()?;
            return Ok(Outcome::Done(Shape {
                top_level: TopLevel::Other(type_name),
                extra_keys: Vec::new(),
                misspelt: None,
            }));
        }
        reader.begin_object()?;
        let mut members = 0;
        let mut found = false;
        let mut top_keys: HashSet<Vec<u8>> = HashSet::new();
        let mut extra_keys = Vec::new();
        let mut misspelt = None;
        loop {
            if !(found || wrapped) {
                // A bare file's clips, scanned in one go when well-formed.
                let started = reader.member_started();
                if let Some(member) = fast::member(reader.ahead(FAST_AHEAD)?, started) {
                    let len = member.len;
                    self.push_scanned(reader.ahead(0)?, member);
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
            let predictions = utf8 && self.name == b"predictions" && next == Kind::Object;
            if predictions && !found {
                if !wrapped && members > 1 {
                    return Ok(Outcome::ReadWrapped);
                }
                found = true;
                self.top_key(&mut top_keys);
                self.predictions(reader)?;
            } else if found || wrapped {
                if self.name == b"predictions" {
                    self.top_key(&mut top_keys);
                }
                extra_keys.push(String::from_utf8_lossy(&self.name).into_owned());
                skip(reader, self.host)?;
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
            misspelt: misspelt.filter(|_| members == 1 && !found),
        }))
    }

    /// "predictions" in a wrapped file (in `self.name`): given twice, a
    /// problem.
    fn top_key(&mut self, seen: &mut HashSet<Vec<u8>>) {
        if !seen.insert(self.name.clone()) {
            let key = repr_str(
                Str {
                    bytes: &self.name,
                    utf8: std::str::from_utf8(&self.name).is_ok(),
                },
                self.host,
            );
            let message = format!("the top-level key {key} appears twice");
            let issue = Issue::new(ProblemKind::DuplicateKey, message);
            self.matcher.problem(issue.at(None));
        }
    }

    /// The object of clips: each member scanned in one go when it is
    /// well-formed (`fast`), else read by the general reader.
    fn predictions<S: Source>(&mut self, reader: &mut Reader<S>) -> Result<()> {
        reader.begin_object()?;
        loop {
            let started = reader.member_started();
            if let Some(member) = fast::member(reader.ahead(FAST_AHEAD)?, started) {
                let len = member.len;
                self.push_scanned(reader.ahead(0)?, member);
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
        self.push_clip(text.ok_or(&name[..]), entries);
        self.name = name;
        Ok(())
    }

    /// A member the fast scan read: its name is printable ASCII.
    fn push_scanned(&mut self, bytes: &[u8], member: fast::Member) {
        // SAFETY: `fast::member` accepts only printable ASCII in a name.
        let name = unsafe { std::str::from_utf8_unchecked(&bytes[member.name]) };
        self.push_clip(Ok(name), Entries::clean(member.clip));
    }

    /// A clip read: counted, its name hashed (or in a second pass, compared)
    /// to find repeats, and handed to the matcher. `name` is its text, or
    /// its bytes when they hold a lone surrogate.
    fn push_clip(&mut self, name: std::result::Result<&str, &[u8]>, entries: Entries) {
        self.n_clips += 1;
        let bytes = name.map_or_else(|bytes| bytes, str::as_bytes);
        if self.suspects.is_empty() {
            self.hashes.add(bytes);
        } else if self.suspects.contains(&repeats::hash(bytes)) {
            let count = self.seen.entry(bytes.to_vec()).or_insert(0);
            if *count == 0 {
                self.seen_order.push(bytes.to_vec());
            }
            *count += 1;
        }
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
    }

    /// A clip's value: a list of entries, or anything else (a problem).
    fn entries<S: Source>(&mut self, reader: &mut Reader<S>) -> Result<Entries> {
        if reader.peek_value()? != Kind::Array {
            return Ok(Entries::not_a_list(&shown(reader, self.host)?));
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
    /// reports a dict: its "emotion" and "salience", other keys ignored.
    fn entry<S: Source>(
        &mut self,
        reader: &mut Reader<S>,
        k: usize,
        judge: &mut EntriesJudge,
    ) -> Result<()> {
        if reader.peek_value()? != Kind::Object {
            let shown = shown(reader, self.host)?;
            judge.not_a_mapping(k, &shown);
            return Ok(());
        }
        reader.begin_object()?;
        let mut emotion: Option<Found> = None;
        let mut salience: Option<Salience> = None;
        while let Some(key) = reader.next_key()? {
            match key.bytes {
                b"emotion" => {
                    let value = self.emotion(reader)?;
                    if emotion.as_ref().is_some_and(|before| *before != value) {
                        judge.duplicate_key(k, "'emotion'");
                    }
                    emotion = Some(value);
                }
                b"salience" => {
                    let value = self.salience(reader)?;
                    if salience.as_ref().is_some_and(|b| !same_salience(b, &value)) {
                        judge.duplicate_key(k, "'salience'");
                    }
                    salience = Some(value);
                }
                _ => {
                    skip(reader, self.host)?;
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
            return Ok(Found::Other(shown(reader, self.host)?));
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
            Kind::Null | Kind::Object | Kind::Array => Salience::Other(shown(reader, self.host)?),
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
        kind: ProblemKind::FileUnreadable,
        message: format!("cannot read {shown_as}: {why}"),
    }
}

/// What a reading error means for the file: empty, not UTF-8, or not JSON
/// at a line and column.
fn file_error<S: Source>(source: &mut S, shown_as: &str, error: Error) -> FileError {
    let offset = match error {
        Error::Io(e) => return unreadable(shown_as, &e),
        Error::Syntax { offset, .. } | Error::NotUtf8 { offset } => offset,
    };
    let diagnosis = match diagnose(source, offset) {
        Ok(diagnosis) => diagnosis,
        Err(e) => return unreadable(shown_as, &e),
    };
    let (kind, message) = match (diagnosis, error) {
        (Diagnosis::Empty, _) => (
            ProblemKind::EmptyFile,
            format!("{shown_as} is empty; expected JSON"),
        ),
        (Diagnosis::NotUtf8 { offset, byte }, _) => (
            ProblemKind::NotUtf8,
            format!("{shown_as} is not UTF-8 text (byte {offset}: {byte:#04x})"),
        ),
        (Diagnosis::At(at), Error::Syntax { what, .. }) => (
            ProblemKind::InvalidJson,
            format!("{shown_as} is not valid JSON: {}", syntax_message(what, at)),
        ),
        (Diagnosis::At(_), _) => unreachable!("a UTF-8 error is found again"),
    };
    FileError { kind, message }
}

/// A syntax error in plain words, with its line and column.
fn syntax_message(what: Syntax, at: Position) -> String {
    let here = format!("at line {}, column {}", at.line, at.column);
    let found = match at.found {
        None => "the end of the file".to_string(),
        Some('\u{feff}') => "a byte-order mark (U+FEFF)".to_string(),
        Some('\'') => "\"'\"".to_string(),
        Some(c) if c.is_control() => format!("a control character (U+{:04X})", c as u32),
        Some(c) => format!("'{c}'"),
    };
    match what {
        Syntax::ExpectedValue => format!("expected a value {here}, found {found}"),
        Syntax::TrailingComma => {
            format!("a comma before the closing {found} {here}; JSON allows no trailing comma")
        }
        Syntax::ExpectedKey => format!("expected a key in double quotes {here}, found {found}"),
        Syntax::ExpectedColon => format!("expected ':' after the key {here}, found {found}"),
        Syntax::ExpectedCommaOr(close) => {
            format!("expected ',' or '{}' {here}, found {found}", close as char)
        }
        Syntax::UnterminatedString => format!("the string that starts {here} is never closed"),
        Syntax::ControlCharacter => format!(
            "{found} inside a string {here}; control characters must be escaped, such as \\n"
        ),
        Syntax::InvalidEscape => format!(
            "an invalid escape {here} (JSON has \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX)"
        ),
        Syntax::InvalidUnicodeEscape => {
            format!("an invalid \\u escape {here} (it takes four hex digits)")
        }
        Syntax::ExtraData => format!("more text after the JSON value {here}, found {found}"),
        Syntax::TooDeep => format!("lists and objects nested more than {MAX_DEPTH} deep {here}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::json::python::Approximate;

    fn read_bytes(text: &str, labels: Labels) -> std::result::Result<Submission, FileError> {
        let options = Options {
            strict: true,
            keep_names: true,
        };
        read(
            Input::Bytes(text.as_bytes()),
            "s.json",
            labels,
            options,
            &Approximate,
        )
    }

    fn problems(text: &str) -> Vec<(Option<String>, &'static str, String)> {
        let read = read_bytes(text, Labels::FromNames).unwrap();
        read.shape_problem
            .into_iter()
            .chain(read.aligned.problems)
            .map(|p| (p.clip, p.kind.as_str(), p.message))
            .collect()
    }

    const ANG: &str = r#"[{"emotion": "ang", "salience": 100}]"#;

    #[test]
    fn wrapped_and_bare_files_read_alike() {
        let wrapped = format!(r#"{{"predictions": {{"A1_ang_int1_ver1": {ANG}}}, "v": 2}}"#);
        let read = read_bytes(&wrapped, Labels::FromNames).unwrap();
        assert_eq!(read.top_level, TopLevel::Wrapped);
        assert_eq!(read.extra_keys, ["v"]);
        assert_eq!(read.names, ["A1_ang_int1_ver1"]);
        assert_eq!(read.aligned.pred.mask, [1]);
        let bare = format!(r#"{{"A1_ang_int1_ver1": {ANG}, "A2_hap_int1_ver1": {ANG}}}"#);
        let read = read_bytes(&bare, Labels::FromNames).unwrap();
        assert_eq!(read.top_level, TopLevel::Bare);
        assert_eq!(
            (read.n_clips, read.aligned.label.mask.clone()),
            (2, vec![1, 8])
        );
        // The wrapper after other keys: those keys are not clips.
        let late = format!(r#"{{"v": [1], "predictions": {{"A1_ang_int1_ver1": {ANG}}}}}"#);
        let read = read_bytes(&late, Labels::FromNames).unwrap();
        assert_eq!(
            (read.top_level, read.extra_keys),
            (TopLevel::Wrapped, vec!["v".into()])
        );
        assert!(read.aligned.problems.is_empty());
        assert_eq!(read.names, ["A1_ang_int1_ver1"]);
        let list = read_bytes("[1, 2]", Labels::FromNames).unwrap();
        assert_eq!(list.top_level, TopLevel::Other("list"));
    }

    #[test]
    fn repeats_are_problems_naming_the_clip() {
        let text = r#"{"predictions": {
            "A1_ang_int1_ver1": [{"emotion": "ang", "salience": 100}],
            "A2_ang_int1_ver1": [{"emotion": "ang", "salience": 100, "salience": 50}],
            "A3_ang_int1_ver1": [{"emotion": "ang", "emotion": "ang", "salience": 9, "x": 1, "x": 2}],
            "A1_ang_int1_ver1": [{"emotion": "sad", "salience": 100}],
            "A1_ang_int1_ver1": [{"emotion": "sad", "salience": 100}]}}"#;
        // A clip given twice makes the file ambiguous: nothing else is judged.
        let found = problems(text);
        assert_eq!(
            found,
            [(
                Some("A1_ang_int1_ver1".into()),
                "duplicate_clip",
                "appears 3 times in s.json; readers differ on which one counts, so give each \
                 clip once"
                    .into()
            )]
        );
        let keys = r#"{"A2_ang_int1_ver1": [{"emotion": "ang", "salience": 100, "salience": 50}],
            "A3_ang_int1_ver1": [{"emotion": "ang", "emotion": "ang", "salience": 9, "x": 1, "x": 2}]}"#;
        assert_eq!(
            problems(keys),
            [(
                Some("A2_ang_int1_ver1".into()),
                "duplicate_key",
                "entry 0 gives 'salience' twice, with two values".into()
            )]
        );
        let top = format!(r#"{{"predictions": {{"A1_ang_int1_ver1": {ANG}}}, "predictions": 1}}"#);
        assert_eq!(problems(&top)[0].1, "duplicate_key");
        let extra = format!(r#"{{"predictions": {{"A1_ang_int1_ver1": {ANG}}}, "v": 1, "v": 2}}"#);
        assert!(problems(&extra).is_empty());
    }

    #[test]
    fn a_misspelt_wrapper_is_named() {
        let found = problems(&format!(r#"{{"preds": {{"A1_ang_int1_ver1": {ANG}}}}}"#));
        assert_eq!(
            found,
            [(
                None,
                "not_a_submission",
                "unexpected top-level key 'preds': a submission is {\"predictions\": {clip: \
                 [entries]}}"
                    .into()
            )]
        );
    }

    #[test]
    fn values_are_judged_as_the_python_reader_judges_them() {
        let text = r#"{"A1_ang_int1_ver1": {"emotion": "ang"},
            "A2_mix_ang_hap_30_70_ver1": [{"emotion": 3, "salience": "x"}, "hap"],
            "A3_mix_ang_hap_30_70_ver1": [{"emotion": "ang", "salience": " 30 "},
                                          {"emotion": "hap", "salience": 1e999}]}"#;
        let found: Vec<String> = problems(text).into_iter().map(|p| p.2).collect();
        assert_eq!(
            found,
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
    fn unreadable_files_say_where_and_why() {
        let error = |text: &[u8]| {
            let options = Options {
                strict: true,
                keep_names: false,
            };
            read(
                Input::Bytes(text),
                "s.json",
                Labels::FromNames,
                options,
                &Approximate,
            )
            .unwrap_err()
        };
        assert_eq!(error(b" \n").kind, ProblemKind::EmptyFile);
        assert_eq!(
            error(b"{\"a\": [1, 2}\n\xff").message,
            "s.json is not UTF-8 text (byte 13: 0xff)"
        );
        assert_eq!(
            error(b"{\n  \"a\": [1, 2}").message,
            "s.json is not valid JSON: expected ',' or ']' at line 2, column 13, found '}'"
        );
        assert_eq!(
            error(b"{\"a\": \"b").message,
            "s.json is not valid JSON: the string that starts at line 1, column 7 is never closed"
        );
        let missing = read(
            Input::Path(std::path::Path::new("/nonexistent/s.json")),
            "s.json",
            Labels::FromNames,
            Options {
                strict: true,
                keep_names: false,
            },
            &Approximate,
        )
        .unwrap_err();
        assert_eq!(
            missing.message,
            "cannot read s.json: No such file or directory"
        );
    }
}
