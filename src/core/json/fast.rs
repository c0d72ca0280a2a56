//! The common member of a predictions object, scanned in one go:
//! `"<name>": [{"emotion": "<code>", "salience": <number>}, ...]` with one or
//! two entries of exactly those two keys (in either order), known and
//! different codes, plain numbers from 0 to 100 and no fractions, and a name
//! of printable ASCII. That is nearly every member of a real file.
//!
//! The scan works on the bytes in the reader's window and gives up (None)
//! at anything else, having consumed nothing: the general reader then reads
//! the member from the same place, with every rule and message. What it
//! accepts is valid JSON that the general reader would encode the same way
//! with nothing to report (the Python-object reader's `scan` makes the same
//! promise for dicts). It runs once per clip, so it compares keys as whole
//! words and reads each byte once.

use std::ops::Range;

use crate::core::emotions::code_of_bytes;
use crate::core::encoding::EncodedClip;
use crate::core::validation::entries::PlainEntries;

/// A member scanned: its name's place in the bytes, its encoding, and how
/// many bytes it took.
pub struct Member {
    pub name: Range<usize>,
    pub clip: EncodedClip,
    pub len: usize,
}

/// The next member, `after_first` telling whether a ',' comes first.
pub fn member(bytes: &[u8], after_first: bool) -> Option<Member> {
    let mut at = Scan { bytes, i: 0 };
    if after_first {
        at.eat(b',')?;
    }
    at.eat(b'"')?;
    let start = at.i;
    while NAME_BYTE[at.byte()? as usize] {
        at.i += 1;
    }
    let end = at.i;
    if at.byte()? != b'"' {
        return None;
    }
    at.i += 1;
    at.eat(b':')?;
    let clip = entries(&mut at)?;
    Some(Member {
        name: start..end,
        clip,
        len: at.i,
    })
}

/// Bytes a plain name may hold: printable ASCII but '"' and '\'.
static NAME_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0x20;
    while b < 0x7f {
        table[b] = b != b'"' as usize && b != b'\\' as usize;
        b += 1;
    }
    table
};

/// A position in the bytes.
struct Scan<'a> {
    bytes: &'a [u8],
    i: usize,
}

impl Scan<'_> {
    #[inline]
    fn byte(&self) -> Option<u8> {
        self.bytes.get(self.i).copied()
    }

    #[inline]
    fn space(&mut self) {
        while let Some(b) = self.byte() {
            if b > b' ' || !matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                return;
            }
            self.i += 1;
        }
    }

    /// `byte` after whitespace, stepped over.
    #[inline]
    fn eat(&mut self, byte: u8) -> Option<()> {
        self.space();
        (self.byte()? == byte).then(|| self.i += 1)
    }

    /// The next eight bytes as one word.
    #[inline]
    fn word(&self) -> Option<u64> {
        let bytes = self.bytes.get(self.i..self.i + 8)?;
        Some(u64::from_le_bytes(bytes.try_into().ok()?))
    }
}

const EMOTION_KEY: u64 = u64::from_le_bytes(*b"emotion\"");
const SALIENCE_KEY: u64 = u64::from_le_bytes(*b"salience");

/// A list of one or two well-formed entries.
fn entries(at: &mut Scan<'_>) -> Option<EncodedClip> {
    at.eat(b'[')?;
    let mut plain = PlainEntries::default();
    loop {
        let (code, raw) = entry(at)?;
        plain.push(code, raw)?;
        at.space();
        match at.byte()? {
            b']' => break,
            b',' => at.i += 1,
            _ => return None,
        }
    }
    at.i += 1;
    plain.finish()
}

/// `{"emotion": "<code>", "salience": <0-100>}`, keys in either order.
fn entry(at: &mut Scan<'_>) -> Option<(usize, f64)> {
    at.eat(b'{')?;
    let (mut code, mut raw) = (None, None);
    for close in [b',', b'}'] {
        at.eat(b'"')?;
        let word = at.word()?;
        if word == EMOTION_KEY && code.is_none() {
            at.i += 8;
            at.eat(b':')?;
            code = Some(emotion(at)?);
        } else if word == SALIENCE_KEY && raw.is_none() && at.bytes.get(at.i + 8) == Some(&b'"') {
            at.i += 9;
            at.eat(b':')?;
            raw = Some(number(at)?);
        } else {
            return None;
        }
        at.eat(close)?;
    }
    Some((code?, raw?))
}

/// `"<known code>"`.
fn emotion(at: &mut Scan<'_>) -> Option<usize> {
    at.eat(b'"')?;
    let rest = at.bytes.get(at.i..at.i + 5)?;
    let len = if rest[3] == b'"' {
        3
    } else if rest[4] == b'"' {
        4
    } else {
        return None;
    };
    let code = code_of_bytes(&rest[..len])?;
    at.i += len + 1;
    Some(code)
}

/// Powers of ten, exact in a float.
const POWERS: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// A number from 0 to 100 in plain notation (`70`, `30.0`, `33.5`).
/// Anything else (a sign, an exponent, more than 15 digits, out of range)
/// is left to the general reader.
fn number(at: &mut Scan<'_>) -> Option<f64> {
    at.space();
    let start = at.i;
    let mut mantissa = 0u64;
    while let Some(d) = at.byte().filter(u8::is_ascii_digit) {
        mantissa = mantissa * 10 + u64::from(d - b'0');
        at.i += 1;
    }
    let int_len = at.i - start;
    if int_len == 0 || int_len > 3 || (int_len > 1 && at.bytes[start] == b'0') {
        return None;
    }
    let mut scale = 0;
    if at.byte() == Some(b'.') {
        at.i += 1;
        while let Some(d) = at.byte().filter(u8::is_ascii_digit) {
            mantissa = mantissa * 10 + u64::from(d - b'0');
            at.i += 1;
            scale += 1;
            if int_len + scale > 15 {
                return None;
            }
        }
        if scale == 0 {
            return None;
        }
    }
    // The number must end here, as Python's grammar would end it.
    if !matches!(at.byte()?, b' ' | b'\n' | b'\r' | b'\t' | b',' | b'}') {
        return None;
    }
    // An exact mantissa (< 10^15) over an exact power of ten: one correctly
    // rounded division, as Python's float() of the text gives.
    let value = mantissa as f64 / POWERS[scale];
    (0.0..=100.0).contains(&value).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member_of(text: &str) -> Option<Member> {
        member(text.as_bytes(), false)
    }

    #[test]
    fn common_members_are_scanned() {
        let text = br#" , "A1_mix_ang_hap_30_70_ver1" : [ {"salience": 70.0, "emotion": "hap"},
            {"emotion": "ang", "salience": 30} ] , "next""#;
        let member = member(text, true).unwrap();
        assert_eq!(&text[member.name.clone()], b"A1_mix_ang_hap_30_70_ver1");
        assert_eq!(member.clip, EncodedClip::blend([3, 0], [70, 30]));
        assert_eq!(&text[member.len..member.len + 2], b" ,");
        let single = member_of(r#""c": [{"emotion": "disg", "salience": 100.0}]}"#);
        assert_eq!(single.map(|m| m.clip), Some(EncodedClip::single(1)));
        let tie = member_of(
            r#""c":[{"emotion":"ang","salience":30.5},{"emotion":"hap","salience":69.5}]"#,
        );
        assert_eq!(tie.map(|m| m.clip.salience), Some([30, 70]));
    }

    #[test]
    fn anything_unusual_is_left_to_the_general_reader() {
        for text in [
            r#""c": [{"emotion": "sad", "salience": 100.5}]}"#,
            r#""c": [{"emotion": "sad", "salience": 1e2}]}"#,
            r#""c": [{"emotion": "sad", "salience": -0}]}"#,
            r#""c": [{"emotion": "sad", "salience": 007}]}"#,
            r#""c": [{"emotion": "sad", "salience": 7.}]}"#,
            r#""c": [{"emotion": "sad", "salience": "70"}]}"#,
            r#""c": [{"emotion": "sad", "salience": 70}, {"emotion": "sad", "salience": 30}]}"#,
            r#""c": [{"emotion": "ang", "salience": 0.7}, {"emotion": "sad", "salience": 0.3}]}"#,
            r#""c": [{"emotion": "happy", "salience": 70}]}"#,
            r#""c": [{"emotion": "sad", "salience": 70, "x": 1}]}"#,
            r#""c": [{"emotion": "sad", "emotion": "sad"}]}"#,
            r#""c": [{"emotion": "sad"}]}"#,
            r#""c": []}"#,
            r#""c": [{"emotion": "sad", "salience": 70}, {}, {}]}"#,
            r#""c\n": [{"emotion": "sad", "salience": 70}]}"#,
            r#""cé": [{"emotion": "sad", "salience": 70}]}"#,
            r#""c": [{"emotion": "sad", "salience": 70}"#,
            r#""c": [{"emotion": "sad", "salience": 70"#,
            r#""c" [{"emotion": "sad", "salience": 70}]}"#,
            r#""c": [{"emotion": "sad", "salience": 70},]}"#,
        ] {
            assert!(member_of(text).is_none(), "{text}");
        }
    }
}
