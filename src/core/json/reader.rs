//! A pull reader of JSON text with the grammar of Python's `json` module:
//! strict JSON plus the literals `NaN`, `Infinity` and `-Infinity`, numbers
//! of any length, and lone surrogates in `\u` escapes. Its callers ask for
//! what they expect next (a key, an item, a string, a number), so a document
//! is read in one pass without building a tree.
//!
//! Errors carry the byte offset where Python's decoder reports them (the
//! same token, so the same line and column once counted; see `position`).
//! Nesting is limited to [`MAX_DEPTH`] levels, about where Python's
//! recursive decoder gives up, and a string to [`MAX_STRING_CHARS`]
//! characters: a longer one stops the reading as soon as it is seen, so that
//! a hostile file cannot make the reader hold it.

use std::io;

use crate::core::json::input::Source;

/// The deepest nesting read.
pub const MAX_DEPTH: usize = 1000;

/// The longest string read, in characters (Python's `len`): a clip name,
/// or any other string of a submission.
pub const MAX_STRING_CHARS: usize = 1024;

/// The most bytes a string of [`MAX_STRING_CHARS`] characters takes between
/// its quotes: a surrogate pair, `\uXXXX\uXXXX`, is one character.
const MAX_STRING_RAW: u64 = 12 * MAX_STRING_CHARS as u64;

/// A reason the text is not JSON, as Python's decoder would find it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// A value was expected (also after a comma that ends a list).
    ExpectedValue,
    /// An object key was expected (also after a comma that ends an object).
    ExpectedKey,
    /// ':' was expected after a key.
    ExpectedColon,
    /// ',' or the closing byte (`]` or `}`) was expected after a value.
    ExpectedCommaOr(u8),
    /// A string has no closing quote (reported where it starts).
    UnterminatedString,
    /// A raw control character inside a string.
    ControlCharacter,
    /// A backslash followed by a character that is no escape.
    InvalidEscape,
    /// `\u` not followed by four hex digits.
    InvalidUnicodeEscape,
    /// More text after the document's value ("Extra data").
    ExtraData,
    /// Lists and objects nested more than [`MAX_DEPTH`] deep.
    TooDeep,
}

impl Syntax {
    /// Python's `json.JSONDecodeError.msg` for it (a message ending in
    /// "at" is followed by the position where the token starts).
    pub fn python_message(self) -> &'static str {
        match self {
            Syntax::ExpectedValue => "Expecting value",
            Syntax::ExpectedKey => "Expecting property name enclosed in double quotes",
            Syntax::ExpectedColon => "Expecting ':' delimiter",
            Syntax::ExpectedCommaOr(_) => "Expecting ',' delimiter",
            Syntax::UnterminatedString => "Unterminated string starting at",
            Syntax::ControlCharacter => "Invalid control character at",
            Syntax::InvalidEscape => "Invalid \\escape",
            Syntax::InvalidUnicodeEscape => "Invalid \\uXXXX escape",
            Syntax::ExtraData => "Extra data",
            // Python's decoder runs out of recursion instead.
            Syntax::TooDeep => "nested too deeply",
        }
    }
}

/// A limit on what is read, crossed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// A string longer than [`MAX_STRING_CHARS`] characters.
    String,
    /// More clips than the caller allows (the limit).
    Clips(usize),
}

/// Why reading stopped.
#[derive(Debug)]
pub enum Error {
    Io(io::Error),
    Syntax {
        offset: u64,
        what: Syntax,
    },
    /// A byte that is no UTF-8 (the first one in the file).
    NotUtf8 {
        offset: u64,
    },
    /// A limit crossed, at `offset` (where the string or the clip starts).
    Limit {
        offset: u64,
        what: Limit,
    },
}

impl From<io::Error> for Error {
    fn from(error: io::Error) -> Error {
        Error::Io(error)
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// What kind of value comes next, as its first bytes tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Object,
    Array,
    String,
    Number,
    True,
    False,
    Null,
    NaN,
    Infinity,
    NegInfinity,
}

impl Kind {
    /// The literal's text, for the literals.
    fn literal(self) -> &'static [u8] {
        match self {
            Kind::True => b"true",
            Kind::False => b"false",
            Kind::Null => b"null",
            Kind::NaN => b"NaN",
            Kind::Infinity => b"Infinity",
            Kind::NegInfinity => b"-Infinity",
            _ => b"",
        }
    }
}

/// A string's content, decoded: UTF-8, or WTF-8 when it holds a lone
/// surrogate (a `\ud800` escape), which no Rust `str` can.
#[derive(Debug, Clone, Copy)]
pub struct Str<'a> {
    pub bytes: &'a [u8],
    /// False when `bytes` holds a lone surrogate.
    pub utf8: bool,
}

impl<'a> Str<'a> {
    /// The text, when it is valid UTF-8.
    pub fn text(&self) -> Option<&'a str> {
        // SAFETY: the reader validates every string's UTF-8 and sets
        // `utf8` to false when it encoded a lone surrogate.
        self.utf8
            .then(|| unsafe { std::str::from_utf8_unchecked(self.bytes) })
    }
}

/// A number: its text (ASCII), whether it is an integer, and its value as
/// Python's `float()` of it gives (correctly rounded; infinite when too
/// large).
#[derive(Debug, Clone, Copy)]
pub struct Number<'a> {
    pub text: &'a str,
    pub integer: bool,
    pub value: f64,
}

/// What a string byte asks of the scanner: 0 nothing, 1 the closing quote,
/// 2 an escape, 3 a control character, 4 the start of a multi-byte character.
static STRING_BYTE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = match b {
            0x22 => 1,
            0x5c => 2,
            0x00..=0x1f => 3,
            0x80..=0xff => 4,
            _ => 0,
        };
        b += 1;
    }
    table
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Container {
    Object,
    Array,
}

/// One open list or object: its kind and whether a member was read.
#[derive(Debug, Clone, Copy)]
struct Frame {
    container: Container,
    started: bool,
}

/// The reader: a position in a [`Source`], the open lists and objects, and
/// a buffer for strings with escapes.
pub struct Reader<S> {
    source: S,
    pos: usize,
    stack: Vec<Frame>,
    scratch: Vec<u8>,
}

impl<S: Source> Reader<S> {
    /// A reader at the start of `source` (a UTF-8 byte-order mark is skipped,
    /// as Python's `utf-8-sig` decoding drops it).
    pub fn new(source: S) -> io::Result<Reader<S>> {
        let mut reader = Reader {
            source,
            pos: 0,
            stack: Vec::new(),
            scratch: Vec::new(),
        };
        reader.start()?;
        Ok(reader)
    }

    fn start(&mut self) -> io::Result<()> {
        self.pos = 0;
        self.stack.clear();
        while self.source.window().len() < 3 && self.source.refill(0)?.1 {}
        if self.source.window().starts_with(b"\xef\xbb\xbf") {
            self.pos = 3;
        }
        Ok(())
    }

    /// Back to the start of the document, for a second pass.
    pub fn rewind(&mut self) -> io::Result<()> {
        self.source.rewind()?;
        self.start()
    }

    /// The source, to read it again after an error.
    pub fn source_mut(&mut self) -> &mut S {
        &mut self.source
    }

    /// The offset of the next byte.
    pub fn offset(&self) -> u64 {
        self.source.base() + self.pos as u64
    }

    fn offset_of(&self, index: usize) -> u64 {
        self.source.base() + index as u64
    }

    fn syntax<T>(&self, index: usize, what: Syntax) -> Result<T> {
        Err(Error::Syntax {
            offset: self.offset_of(index),
            what,
        })
    }

    /// Reads more, keeping the window from `keep`; returns how far indices
    /// moved and whether new bytes came.
    #[inline]
    fn refill(&mut self, keep: usize) -> Result<(usize, bool)> {
        let (shift, more) = self.source.refill(keep)?;
        self.pos -= shift;
        Ok((shift, more))
    }

    /// Makes sure `n` bytes from `pos` are in the window, unless the input
    /// ends first.
    #[inline]
    fn ensure(&mut self, n: usize) -> Result<()> {
        while self.source.window().len() - self.pos < n {
            if !self.refill(self.pos)?.1 {
                break;
            }
        }
        Ok(())
    }

    /// Skips whitespace; the next byte, or None at the end of the input.
    #[inline]
    fn peek(&mut self) -> Result<Option<u8>> {
        loop {
            let window = self.source.window();
            while let Some(&b) = window.get(self.pos) {
                if !matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                    return Ok(Some(b));
                }
                self.pos += 1;
            }
            if !self.refill(self.pos)?.1 {
                return Ok(None);
            }
        }
    }

    /// The kind of the next value (after whitespace), checked as far as its
    /// first bytes go: a literal is checked whole, a number's first digit.
    pub fn peek_value(&mut self) -> Result<Kind> {
        let Some(b) = self.peek()? else {
            return self.syntax(self.pos, Syntax::ExpectedValue);
        };
        let kind = match b {
            b'{' => return Ok(Kind::Object),
            b'[' => return Ok(Kind::Array),
            b'"' => return Ok(Kind::String),
            b't' => Kind::True,
            b'f' => Kind::False,
            b'n' => Kind::Null,
            b'N' => Kind::NaN,
            b'I' => Kind::Infinity,
            b'-' | b'0'..=b'9' => {
                self.ensure(9)?;
                let rest = &self.source.window()[self.pos..];
                if rest.starts_with(b"-Infinity") {
                    return Ok(Kind::NegInfinity);
                }
                let digit = if b == b'-' { rest.get(1) } else { Some(&b) };
                return match digit {
                    Some(d) if d.is_ascii_digit() => Ok(Kind::Number),
                    _ => self.syntax(self.pos, Syntax::ExpectedValue),
                };
            }
            _ => return self.syntax(self.pos, Syntax::ExpectedValue),
        };
        let literal = kind.literal();
        self.ensure(literal.len())?;
        if self.source.window()[self.pos..].starts_with(literal) {
            Ok(kind)
        } else {
            self.syntax(self.pos, Syntax::ExpectedValue)
        }
    }

    /// Steps over the literal `peek_value` found.
    pub fn literal(&mut self, kind: Kind) {
        self.pos += kind.literal().len();
    }

    fn open(&mut self, container: Container) -> Result<()> {
        if self.stack.len() >= MAX_DEPTH {
            return self.syntax(self.pos, Syntax::TooDeep);
        }
        self.pos += 1;
        self.stack.push(Frame {
            container,
            started: false,
        });
        Ok(())
    }

    /// Steps into the object `peek_value` found.
    pub fn begin_object(&mut self) -> Result<()> {
        self.open(Container::Object)
    }

    /// Steps into the list `peek_value` found.
    pub fn begin_array(&mut self) -> Result<()> {
        self.open(Container::Array)
    }

    /// How many lists and objects are open.
    pub fn depth(&self) -> usize {
        self.stack.len()
    }

    /// Whether the innermost open container is an object.
    pub fn in_object(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame {
                container: Container::Object,
                ..
            })
        )
    }

    /// Steps past the separator before the next member of the innermost
    /// container: true when a member follows, false (having closed the
    /// container) at its end.
    fn next_member(&mut self, close: u8) -> Result<bool> {
        let b = self.peek()?;
        let started = self.stack.last().is_some_and(|frame| frame.started);
        if b == Some(close) {
            self.pos += 1;
            self.stack.pop();
            return Ok(false);
        }
        if started {
            if b != Some(b',') {
                return self.syntax(self.pos, Syntax::ExpectedCommaOr(close));
            }
            self.pos += 1;
            if self.peek()? == Some(close) {
                // A trailing comma: Python expects another item there.
                let what = if close == b']' {
                    Syntax::ExpectedValue
                } else {
                    Syntax::ExpectedKey
                };
                return self.syntax(self.pos, what);
            }
        }
        if let Some(frame) = self.stack.last_mut() {
            frame.started = true;
        }
        Ok(true)
    }

    /// In an object: the next key (the ':' after it read), or None at the
    /// object's end. A value must be read after each key.
    pub fn next_key(&mut self) -> Result<Option<Str<'_>>> {
        if !self.next_member(b'}')? {
            return Ok(None);
        }
        if self.peek()? != Some(b'"') {
            return self.syntax(self.pos, Syntax::ExpectedKey);
        }
        let (mut start, mut end, escaped, utf8) = self.scan_string()?;
        // Whitespace up to the ':', keeping the key's bytes in the window.
        loop {
            let window = self.source.window();
            while window
                .get(self.pos)
                .is_some_and(|b| matches!(b, b' ' | b'\n' | b'\r' | b'\t'))
            {
                self.pos += 1;
            }
            if self.pos < window.len() {
                break;
            }
            let (shift, more) = self.refill(if escaped { self.pos } else { start })?;
            if !escaped {
                start -= shift;
                end -= shift;
            }
            if !more {
                break;
            }
        }
        if self.source.window().get(self.pos) != Some(&b':') {
            return self.syntax(self.pos, Syntax::ExpectedColon);
        }
        self.pos += 1;
        Ok(Some(self.str_at(start, end, escaped, utf8)))
    }

    /// In a list: true when an item follows, false at the list's end.
    pub fn next_item(&mut self) -> Result<bool> {
        self.next_member(b']')
    }

    /// The string `peek_value` found.
    pub fn string(&mut self) -> Result<Str<'_>> {
        let (start, end, escaped, utf8) = self.scan_string()?;
        Ok(self.str_at(start, end, escaped, utf8))
    }

    fn str_at(&self, start: usize, end: usize, escaped: bool, utf8: bool) -> Str<'_> {
        let bytes = if escaped {
            &self.scratch[..]
        } else {
            &self.source.window()[start..end]
        };
        Str { bytes, utf8 }
    }

    /// Scans a string from its opening quote at `pos`. Without escapes its
    /// content is `window[start..end]`; with them it is in `scratch`.
    /// Returns `(start, end, escaped, utf8)`.
    #[inline]
    fn scan_string(&mut self) -> Result<(usize, usize, bool, bool)> {
        let quote = self.offset();
        let mut start = self.pos + 1;
        let mut i = start;
        let mut escaped = false;
        let mut ascii = true;
        loop {
            let window = self.source.window();
            while let Some(&b) = window.get(i) {
                match STRING_BYTE[b as usize] {
                    0 => i += 1,
                    1 => {
                        if !ascii {
                            self.check_utf8(start, i)?;
                        }
                        self.pos = i + 1;
                        let long = self.offset_of(i) - quote - 1 > MAX_STRING_CHARS as u64;
                        if escaped {
                            let window = self.source.window();
                            self.scratch.extend_from_slice(&window[start..i]);
                            if long && chars(&self.scratch) > MAX_STRING_CHARS {
                                return too_long(quote);
                            }
                            return Ok((0, 0, true, self.scratch_utf8()));
                        }
                        if long && chars(&self.source.window()[start..i]) > MAX_STRING_CHARS {
                            return too_long(quote);
                        }
                        return Ok((start, i, false, true));
                    }
                    2 => {
                        if !ascii {
                            self.check_utf8(start, i)?;
                            ascii = true;
                        }
                        if !escaped {
                            self.scratch.clear();
                            escaped = true;
                        }
                        let window = self.source.window();
                        self.scratch.extend_from_slice(&window[start..i]);
                        self.pos = i;
                        if self.offset_of(i) - quote > MAX_STRING_RAW {
                            return too_long(quote);
                        }
                        self.escape(quote)?;
                        start = self.pos;
                        i = start;
                        break;
                    }
                    3 => return self.syntax(i, Syntax::ControlCharacter),
                    _ => {
                        ascii = false;
                        i += 1;
                    }
                }
            }
            if i < self.source.window().len() {
                continue; // after an escape
            }
            // Before the window grows to hold more of it.
            if self.offset_of(i) - quote > MAX_STRING_RAW {
                return too_long(quote);
            }
            let (shift, more) = self.refill(start)?;
            start -= shift;
            i -= shift;
            if !more {
                return Err(Error::Syntax {
                    offset: quote,
                    what: Syntax::UnterminatedString,
                });
            }
        }
    }

    /// Whether the unescaped string in `scratch` is UTF-8: false only when
    /// an escape encoded a lone surrogate (raw bytes are checked as read).
    fn scratch_utf8(&self) -> bool {
        std::str::from_utf8(&self.scratch).is_ok()
    }

    fn check_utf8(&self, start: usize, end: usize) -> Result<()> {
        match std::str::from_utf8(&self.source.window()[start..end]) {
            Ok(_) => Ok(()),
            Err(e) => Err(Error::NotUtf8 {
                offset: self.offset_of(start + e.valid_up_to()),
            }),
        }
    }

    /// Decodes the escape at `pos` (a backslash) into `scratch`.
    fn escape(&mut self, quote: u64) -> Result<()> {
        // "\uXXXX" and a following "\uXXXX", and one byte more: what Python
        // looks at before it decides.
        self.ensure(13)?;
        let window = &self.source.window()[self.pos..];
        let Some(&kind) = window.get(1) else {
            return Err(Error::Syntax {
                offset: quote,
                what: Syntax::UnterminatedString,
            });
        };
        let byte = match kind {
            b'"' => b'"',
            b'\\' => b'\\',
            b'/' => b'/',
            b'b' => 0x08,
            b'f' => 0x0c,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => return self.unicode_escape(),
            _ => return self.syntax(self.pos, Syntax::InvalidEscape),
        };
        self.scratch.push(byte);
        self.pos += 2;
        Ok(())
    }

    /// A `\uXXXX` escape at `pos`, joined with a second one into one
    /// character when they are a surrogate pair, as Python does; a lone
    /// surrogate is kept, encoded as WTF-8.
    fn unicode_escape(&mut self) -> Result<()> {
        let window = &self.source.window()[self.pos..];
        let u = self.pos + 1;
        // Python wants the four digits and at least one byte after them.
        if window.len() < 7 {
            return self.syntax(u, Syntax::InvalidUnicodeEscape);
        }
        let Some(first) = hex4(&window[2..6]) else {
            return self.syntax(u, Syntax::InvalidUnicodeEscape);
        };
        let mut code = first;
        let mut len = 6;
        if (0xd800..0xdc00).contains(&first) && window.len() > 12 && window[6..].starts_with(b"\\u")
        {
            let Some(second) = hex4(&window[8..12]) else {
                return self.syntax(u + 6, Syntax::InvalidUnicodeEscape);
            };
            if (0xdc00..0xe000).contains(&second) {
                code = 0x10000 + ((first - 0xd800) << 10) + (second - 0xdc00);
                len = 12;
            }
        }
        push_wtf8(&mut self.scratch, code);
        self.pos += len;
        Ok(())
    }

    /// The number `peek_value` found, read as far as Python's grammar
    /// takes it: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?`, where a
    /// fraction or exponent without digits is left for the next token.
    pub fn number(&mut self) -> Result<Number<'_>> {
        // Bring the whole run of number bytes into the window.
        let mut end = self.pos;
        loop {
            let window = self.source.window();
            while window
                .get(end)
                .is_some_and(|b| matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
            {
                end += 1;
            }
            if end < window.len() {
                break;
            }
            let (shift, more) = self.refill(self.pos)?;
            end -= shift;
            if !more {
                break;
            }
        }
        let run = &self.source.window()[self.pos..end];
        let (len, integer, value) = scan_number(run);
        let text = &run[..len];
        // SAFETY: a number's bytes are ASCII.
        let text = unsafe { std::str::from_utf8_unchecked(text) };
        self.pos += len;
        Ok(Number {
            text,
            integer,
            value,
        })
    }

    /// The bytes from the next one on, at least `n` of them unless the
    /// input ends first: for a scan that reads ahead (see `fast`).
    pub fn ahead(&mut self, n: usize) -> io::Result<&[u8]> {
        while self.source.window().len() - self.pos < n {
            let (shift, more) = self.source.refill(self.pos)?;
            self.pos -= shift;
            if !more {
                break;
            }
        }
        Ok(&self.source.window()[self.pos..])
    }

    /// Steps over `n` bytes a scan has read as the innermost object's or
    /// list's next member.
    pub fn consume_member(&mut self, n: usize) {
        self.pos += n;
        if let Some(frame) = self.stack.last_mut() {
            frame.started = true;
        }
    }

    /// Whether the innermost object or list has had a member.
    pub fn member_started(&self) -> bool {
        self.stack.last().is_some_and(|frame| frame.started)
    }

    /// After the document's value: only whitespace may follow.
    pub fn finish(&mut self) -> Result<()> {
        match self.peek()? {
            None => Ok(()),
            Some(_) => self.syntax(self.pos, Syntax::ExtraData),
        }
    }
}

/// The characters of UTF-8 (or WTF-8) text: its bytes that start one.
fn chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xc0 != 0x80).count()
}

fn too_long<T>(quote: u64) -> Result<T> {
    Err(Error::Limit {
        offset: quote,
        what: Limit::String,
    })
}

fn hex4(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0u32, |code, &d| {
        let digit = (d as char).to_digit(16)?;
        Some(code << 4 | digit)
    })
}

/// Appends a code point as UTF-8, or a surrogate as the same three-byte
/// pattern (WTF-8).
fn push_wtf8(out: &mut Vec<u8>, code: u32) {
    match char::from_u32(code) {
        Some(c) => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
        None => out.extend_from_slice(&[
            0xe0 | (code >> 12) as u8,
            0x80 | ((code >> 6) & 0x3f) as u8,
            0x80 | (code & 0x3f) as u8,
        ]),
    }
}

/// Powers of ten exactly representable as f64.
const POWERS: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Python's number grammar on a run of number bytes (which starts with a
/// digit, or '-' and a digit): the length taken, whether it is an integer,
/// and its value.
fn scan_number(run: &[u8]) -> (usize, bool, f64) {
    let digits = |from: usize| {
        run[from..]
            .iter()
            .position(|b| !b.is_ascii_digit())
            .map_or(run.len(), |n| from + n)
    };
    let negative = run[0] == b'-';
    let int_start = usize::from(negative);
    let int_end = if run[int_start] == b'0' {
        int_start + 1
    } else {
        digits(int_start)
    };
    let mut end = int_end;
    let mut frac = (end, end);
    if run.get(end) == Some(&b'.') && run.get(end + 1).is_some_and(u8::is_ascii_digit) {
        frac = (end + 1, digits(end + 1));
        end = frac.1;
    }
    let mut exponent: Option<i64> = None;
    if matches!(run.get(end), Some(b'e' | b'E')) {
        let mut at = end + 1;
        let sign = match run.get(at) {
            Some(b'-') => {
                at += 1;
                -1
            }
            Some(b'+') => {
                at += 1;
                1
            }
            _ => 1,
        };
        let exp_end = digits(at);
        if exp_end > at {
            let exp_digits = &run[at..exp_end];
            // Beyond 18 digits the exponent is far out of any float's range.
            let magnitude = if exp_digits.len() > 18 {
                i64::MAX / 2
            } else {
                exp_digits
                    .iter()
                    .fold(0i64, |v, &d| v * 10 + i64::from(d - b'0'))
            };
            exponent = Some(sign * magnitude);
            end = exp_end;
        }
    }
    let integer = frac.0 == frac.1 && exponent.is_none();
    let mantissa_digits = run[int_start..int_end].iter().chain(&run[frac.0..frac.1]);
    let mut mantissa = 0u64;
    let mut count = 0;
    for &d in mantissa_digits {
        if count > 0 || d != b'0' {
            count += 1;
        }
        if count > 15 {
            break;
        }
        mantissa = mantissa * 10 + u64::from(d - b'0');
    }
    let scale = exponent.unwrap_or(0) - (frac.1 - frac.0) as i64;
    let value = if count <= 15 && (-22..=22).contains(&scale) {
        // Clinger's fast path: an exact mantissa and an exact power of ten,
        // one correctly rounded operation.
        let m = mantissa as f64;
        if scale >= 0 {
            m * POWERS[scale as usize]
        } else {
            m / POWERS[(-scale) as usize]
        }
    } else {
        // SAFETY: the run is ASCII.
        let text = unsafe { std::str::from_utf8_unchecked(&run[int_start..end]) };
        text.parse::<f64>().unwrap_or(f64::NAN)
    };
    // Python's int("-0") is 0; a float keeps its sign.
    let value = if negative && !(integer && value == 0.0) {
        -value
    } else {
        value
    };
    (end, integer, value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::json::input::BytesSource;

    fn reader(text: &[u8]) -> Reader<BytesSource<'_>> {
        Reader::new(BytesSource::new(text)).unwrap()
    }

    fn syntax(result: Result<impl std::fmt::Debug>) -> (u64, Syntax) {
        match result {
            Err(Error::Syntax { offset, what }) => (offset, what),
            other => panic!("expected a syntax error, got {other:?}"),
        }
    }

    #[test]
    fn numbers_follow_pythons_grammar_and_rounding() {
        for (text, len, integer, value) in [
            ("100", 3, true, 100.0),
            ("-0", 2, true, 0.0),
            ("-0.0", 4, false, -0.0),
            ("30.5", 4, false, 30.5),
            ("1e5", 3, false, 1e5),
            ("1E+2", 4, false, 100.0),
            ("1.", 1, true, 1.0),
            ("1.e5", 1, true, 1.0),
            ("01", 1, true, 0.0),
            ("1e", 1, true, 1.0),
            ("1e+", 1, true, 1.0),
            ("0.30000000000000004", 19, false, 0.30000000000000004),
            ("1e400", 5, false, f64::INFINITY),
            (
                "123456789012345678901234567890",
                30,
                true,
                1.2345678901234568e29,
            ),
            ("2.4e-324", 8, false, 0.0),
            ("2.5e-324", 8, false, 5e-324),
        ] {
            let (got_len, got_integer, got) = scan_number(text.as_bytes());
            assert_eq!((got_len, got_integer), (len, integer), "{text}");
            assert_eq!(got.to_bits(), value.to_bits(), "{text}");
        }
    }

    #[test]
    fn strings_decode_escapes_and_keep_lone_surrogates() {
        let mut r = reader(br#""a\"b\\\/\n\u00e9\ud83d\ude00\ud800x""#);
        assert_eq!(r.peek_value().unwrap(), Kind::String);
        let s = r.string().unwrap();
        assert!(!s.utf8);
        let mut expected = "a\"b\\/\né😀".as_bytes().to_vec();
        expected.extend_from_slice(&[0xed, 0xa0, 0x80, b'x']);
        assert_eq!(s.bytes, &expected[..]);
        let mut r = reader("\"plain é\"".as_bytes());
        r.peek_value().unwrap();
        assert_eq!(r.string().unwrap().text(), Some("plain é"));
        let mut r = reader(b"\"bad \xff\"");
        r.peek_value().unwrap();
        assert!(matches!(r.string(), Err(Error::NotUtf8 { offset: 5 })));
    }

    #[test]
    fn errors_are_where_python_reports_them() {
        let cases: [(&[u8], u64, Syntax); 16] = [
            (br#""\u12""#, 2, Syntax::InvalidUnicodeEscape),
            (br#""\ud83d\u12x4""#, 8, Syntax::InvalidUnicodeEscape),
            (br#""\ud83d\ude0""#, 8, Syntax::InvalidUnicodeEscape),
            (br#""\q""#, 1, Syntax::InvalidEscape),
            (b"\"a\nb\"", 2, Syntax::ControlCharacter),
            (b"\"abc", 0, Syntax::UnterminatedString),
            (b"\"\\", 0, Syntax::UnterminatedString),
            (br#"{"a":1,}"#, 7, Syntax::ExpectedKey),
            (b"[1,]", 3, Syntax::ExpectedValue),
            (b"{", 1, Syntax::ExpectedKey),
            (b"[", 1, Syntax::ExpectedValue),
            (br#"{"a" 1}"#, 5, Syntax::ExpectedColon),
            (b"[1 2]", 3, Syntax::ExpectedCommaOr(b']')),
            (b"1 2", 2, Syntax::ExtraData),
            (b"-", 0, Syntax::ExpectedValue),
            (b"[nul]", 1, Syntax::ExpectedValue),
        ];
        for (text, offset, what) in cases {
            assert_eq!(syntax(skip_document(text)), (offset, what), "{text:?}");
        }
        assert!(skip_document(b"\xef\xbb\xbf[NaN, -Infinity, Infinity, 1e5]").is_ok());
        let deep = [b"[".repeat(MAX_DEPTH + 1), b"]".repeat(MAX_DEPTH + 1)].concat();
        assert_eq!(syntax(skip_document(&deep)).1, Syntax::TooDeep);
    }

    /// Reads a whole document, values and all, without keeping anything.
    fn skip_document(text: &[u8]) -> Result<()> {
        let mut r = reader(text);
        let depth = r.depth();
        loop {
            match r.peek_value()? {
                Kind::Object => r.begin_object()?,
                Kind::Array => r.begin_array()?,
                Kind::String => {
                    r.string()?;
                }
                Kind::Number => {
                    r.number()?;
                }
                other => r.literal(other),
            }
            // Climb out of finished containers; stop before the next value.
            loop {
                if r.depth() == depth {
                    return r.finish();
                }
                let more = if r.in_object() {
                    r.next_key()?.is_some()
                } else {
                    r.next_item()?
                };
                if more {
                    break;
                }
            }
        }
    }
}
