//! Where the JSON bytes come from: a regular file read in chunks, so that
//! memory stays small whatever the file's size, or bytes held in memory
//! (standard input, a pipe, or bytes a caller already has).
//!
//! The reader sees a window of bytes; when a token runs past its end, it asks
//! for more, keeping the bytes from the token's start. Both sources can go
//! back to the first byte, for the rare second pass (an error's line and
//! column, a suspected duplicate clip, a submission whose wrapper comes last).

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

/// How many bytes a file is read by at a time: small enough to stay in the
/// cache, large enough that refills are rare.
const CHUNK: usize = 256 * 1024;

/// Bytes read and not yet dropped.
pub trait Source {
    /// The window: `window()[i]` is the byte at offset `base() + i`.
    fn window(&self) -> &[u8];

    /// The offset of the window's first byte.
    fn base(&self) -> u64;

    /// Drops the bytes before `keep` (an index into the window) and reads
    /// more. Returns how far the window moved (indices shift down by that)
    /// and whether new bytes came (false at the end of the input).
    fn refill(&mut self, keep: usize) -> io::Result<(usize, bool)>;

    /// Goes back to the first byte.
    fn rewind(&mut self) -> io::Result<()>;
}

/// A regular file, read a chunk at a time.
pub struct FileSource {
    file: File,
    buffer: Vec<u8>,
    filled: usize,
    base: u64,
}

impl FileSource {
    pub fn new(file: File) -> FileSource {
        FileSource {
            file,
            buffer: Vec::new(),
            filled: 0,
            base: 0,
        }
    }
}

impl Source for FileSource {
    #[inline]
    fn window(&self) -> &[u8] {
        &self.buffer[..self.filled]
    }

    #[inline]
    fn base(&self) -> u64 {
        self.base
    }

    fn refill(&mut self, keep: usize) -> io::Result<(usize, bool)> {
        self.buffer.copy_within(keep..self.filled, 0);
        self.filled -= keep;
        self.base += keep as u64;
        // A token longer than a chunk grows the buffer; otherwise it stays
        // one chunk plus what was kept.
        if self.buffer.len() < self.filled + CHUNK {
            self.buffer.resize(self.filled + CHUNK, 0);
        }
        loop {
            match self.file.read(&mut self.buffer[self.filled..]) {
                Ok(n) => {
                    self.filled += n;
                    return Ok((keep, n > 0));
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    fn rewind(&mut self) -> io::Result<()> {
        self.file.seek(SeekFrom::Start(0))?;
        self.filled = 0;
        self.base = 0;
        Ok(())
    }
}

/// Bytes already in memory.
pub struct BytesSource<'a> {
    bytes: &'a [u8],
}

impl<'a> BytesSource<'a> {
    pub fn new(bytes: &'a [u8]) -> BytesSource<'a> {
        BytesSource { bytes }
    }
}

impl Source for BytesSource<'_> {
    #[inline]
    fn window(&self) -> &[u8] {
        self.bytes
    }

    #[inline]
    fn base(&self) -> u64 {
        0
    }

    fn refill(&mut self, _keep: usize) -> io::Result<(usize, bool)> {
        Ok((0, false))
    }

    fn rewind(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A JSON input: a path, or bytes.
#[derive(Debug, Clone, Copy)]
pub enum Input<'a> {
    Path(&'a Path),
    Bytes(&'a [u8]),
}

/// An opened input: a regular file is streamed; anything else that has a
/// path (a pipe, a terminal, a process substitution) cannot be read twice,
/// so it is read into memory first.
pub enum Opened<'a> {
    File(FileSource),
    Memory(Vec<u8>),
    Borrowed(&'a [u8]),
}

impl<'a> Input<'a> {
    /// Opens the input; None when it holds more than `max_bytes`, known
    /// before anything is read: a regular file by its size, a pipe by
    /// reading at most one byte more than the limit.
    pub fn open(self, max_bytes: u64) -> io::Result<Option<Opened<'a>>> {
        match self {
            Input::Bytes(bytes) => {
                Ok((bytes.len() as u64 <= max_bytes).then_some(Opened::Borrowed(bytes)))
            }
            Input::Path(path) => {
                let file = File::open(path)?;
                let metadata = file.metadata()?;
                if metadata.is_file() {
                    let fits = metadata.len() <= max_bytes;
                    return Ok(fits.then(|| Opened::File(FileSource::new(file))));
                }
                let mut bytes = Vec::new();
                file.take(max_bytes.saturating_add(1))
                    .read_to_end(&mut bytes)?;
                Ok((bytes.len() as u64 <= max_bytes).then_some(Opened::Memory(bytes)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A file source reads every byte once, in order, across refills that
    /// keep part of the window.
    #[test]
    fn a_file_is_read_in_chunks_keeping_what_is_asked() {
        let dir = std::env::temp_dir().join(format!("bf-input-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("big.bin");
        let data: Vec<u8> = (0..(3 * CHUNK + 17)).map(|i| (i % 251) as u8).collect();
        File::create(&path).unwrap().write_all(&data).unwrap();
        let Some(Opened::File(mut source)) = Input::Path(&path).open(u64::MAX).unwrap() else {
            panic!("a regular file is streamed");
        };
        let mut seen = Vec::new();
        let mut keep = 0;
        loop {
            let (shift, more) = source.refill(keep).unwrap();
            assert_eq!(shift, keep);
            // Keep the last 10 bytes of the window, as a token would.
            let window = source.window();
            keep = window.len().saturating_sub(10);
            seen.extend_from_slice(&window[..keep]);
            if !more {
                seen.extend_from_slice(&source.window()[keep..]);
                break;
            }
        }
        assert_eq!(seen, data);
        source.rewind().unwrap();
        source.refill(0).unwrap();
        assert_eq!(source.window()[..5], data[..5]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
