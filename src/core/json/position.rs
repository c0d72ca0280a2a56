//! What a reading error means, found by reading the input again from the
//! start (only when there is an error, so reading stays one pass):
//!
//! - an input of nothing but whitespace is empty (Python's `bytes.strip`);
//! - else a byte that is no UTF-8 anywhere in the input comes first, since
//!   Python decodes the whole file before it parses any of it;
//! - else the error stands, at a line and column counted as Python's
//!   `json.JSONDecodeError` counts them: lines by `\n`, columns in
//!   characters, from 1, after the byte-order mark.

use std::io;

use crate::core::json::input::Source;

/// Where an offset is, and the character found there (None at the end).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: u64,
    pub column: u64,
    pub found: Option<char>,
}

/// What an error at an offset turns out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Diagnosis {
    /// Nothing but whitespace.
    Empty,
    /// The first byte that is no UTF-8: its offset and value.
    NotUtf8 { offset: u64, byte: u8 },
    /// A valid UTF-8 text; the error is at this position.
    At(Position),
}

/// Calls `f(offset, bytes)` on every byte of the input, in order.
fn for_each_chunk<S: Source>(source: &mut S, mut f: impl FnMut(u64, &[u8])) -> io::Result<()> {
    source.rewind()?;
    let mut done = 0;
    loop {
        let window = source.window();
        if done < window.len() {
            f(source.base() + done as u64, &window[done..]);
            done = window.len();
        }
        let (shift, more) = source.refill(done)?;
        done -= shift;
        if !more {
            return Ok(());
        }
    }
}

/// Reads the whole input to say what an error at `offset` means.
pub fn diagnose<S: Source>(source: &mut S, offset: u64) -> io::Result<Diagnosis> {
    let mut blank = true;
    // UTF-8 checked chunk by chunk: a character cut at a chunk's end is
    // carried over to the next.
    let mut carry: Vec<u8> = Vec::new();
    let mut bad: Option<(u64, u8)> = None;
    let mut bom = false;
    let mut line = 1;
    let mut column = 1;
    let mut found_bytes: Vec<u8> = Vec::new();
    for_each_chunk(source, |start, chunk| {
        if bad.is_some() {
            return;
        }
        blank &= chunk
            .iter()
            .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c));
        if start == 0 {
            bom = chunk.starts_with(b"\xef\xbb\xbf");
        }
        // Lines and columns up to the offset, and the bytes of the
        // character found there.
        for (i, &b) in chunk.iter().enumerate() {
            let at = start + i as u64;
            if at < offset && !(bom && at < 3) {
                if b == b'\n' {
                    line += 1;
                    column = 1;
                } else if b & 0xc0 != 0x80 {
                    column += 1;
                }
            } else if at >= offset && found_bytes.len() < 4 {
                found_bytes.push(b);
            }
        }
        let carried = carry.len() as u64;
        carry.extend_from_slice(chunk);
        match std::str::from_utf8(&carry) {
            Ok(_) => carry.clear(),
            Err(e) => match e.error_len() {
                Some(_) => {
                    let i = e.valid_up_to();
                    bad = Some((start - carried + i as u64, carry[i]));
                }
                None => {
                    carry.drain(..e.valid_up_to());
                }
            },
        }
    })?;
    if blank {
        return Ok(Diagnosis::Empty);
    }
    if let Some((offset, byte)) = bad {
        return Ok(Diagnosis::NotUtf8 { offset, byte });
    }
    if let Some(&byte) = carry.first() {
        // The input ends inside a character.
        let offset = source.base() + source.window().len() as u64 - carry.len() as u64;
        return Ok(Diagnosis::NotUtf8 { offset, byte });
    }
    let found = String::from_utf8_lossy(&found_bytes).chars().next();
    Ok(Diagnosis::At(Position {
        line,
        column,
        found,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::json::input::BytesSource;

    fn diagnosis(text: &[u8], offset: u64) -> Diagnosis {
        diagnose(&mut BytesSource::new(text), offset).unwrap()
    }

    #[test]
    fn lines_and_columns_count_characters_after_the_bom() {
        let text = "\u{feff}{\n  \"é\": x}".as_bytes();
        // 'x' is at byte 13: line 2, column 8 (the BOM does not count, é is one).
        assert_eq!(
            diagnosis(text, 13),
            Diagnosis::At(Position {
                line: 2,
                column: 8,
                found: Some('x'),
            })
        );
        assert_eq!(
            diagnosis(b"[1,", 3),
            Diagnosis::At(Position {
                line: 1,
                column: 4,
                found: None,
            })
        );
    }

    #[test]
    fn empty_and_non_utf8_inputs_come_first() {
        assert_eq!(diagnosis(b" \n\x0b\x0c", 4), Diagnosis::Empty);
        assert_eq!(
            diagnosis(b"[1, x] \xff", 4),
            Diagnosis::NotUtf8 {
                offset: 7,
                byte: 0xff
            }
        );
        assert_eq!(
            diagnosis(b"\"\xe2\x82", 1),
            Diagnosis::NotUtf8 {
                offset: 1,
                byte: 0xe2
            }
        );
    }
}
