//! Seekable bytes in memory in 1 MiB chunks: where a big zip is written in the worker.

use std::io::Write;

/// Bytes in memory in chunks of 1 MiB, writable and seekable like a file: a big zip grows
/// without the copies (and the twice-the-size peaks) of a growing `Vec`, and goes to the page as
/// its chunks (the worker hands them to a `Blob`).
#[derive(Debug, Default)]
pub struct Spool {
    chunks: Vec<Vec<u8>>,
    len: usize,
    pos: usize,
}

/// The size of a [`Spool`]'s chunks.
const SPOOL_CHUNK: usize = 1 << 20;

impl Spool {
    /// An empty spool.
    pub fn new() -> Self {
        Spool::default()
    }

    /// The bytes, chunk by chunk.
    pub fn chunks(&self) -> impl Iterator<Item = &[u8]> {
        let len = self.len;
        self.chunks.iter().enumerate().map(move |(i, c)| &c[..c.len().min(len - i * SPOOL_CHUNK)])
    }

    /// How many bytes it holds.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it holds no byte.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// All the bytes in one vector (a copy).
    pub fn to_vec(&self) -> Vec<u8> {
        self.chunks().flatten().copied().collect()
    }
}

impl From<Vec<u8>> for Spool {
    fn from(bytes: Vec<u8>) -> Self {
        let mut spool = Spool::new();
        spool.write_all(&bytes).expect("writing to memory");
        spool
    }
}

impl Write for Spool {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let (index, offset) = (self.pos / SPOOL_CHUNK, self.pos % SPOOL_CHUNK);
        while self.chunks.len() <= index {
            self.chunks.push(vec![0; SPOOL_CHUNK]);
        }
        let n = buf.len().min(SPOOL_CHUNK - offset);
        self.chunks[index][offset..offset + n].copy_from_slice(&buf[..n]);
        self.pos += n;
        self.len = self.len.max(self.pos);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl std::io::Seek for Spool {
    fn seek(&mut self, to: std::io::SeekFrom) -> std::io::Result<u64> {
        let target = match to {
            std::io::SeekFrom::Start(n) => i128::from(n),
            std::io::SeekFrom::End(d) => self.len as i128 + i128::from(d),
            std::io::SeekFrom::Current(d) => self.pos as i128 + i128::from(d),
        };
        self.pos = usize::try_from(target)
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidInput, "seek out of range"))?;
        Ok(self.pos as u64)
    }
}
