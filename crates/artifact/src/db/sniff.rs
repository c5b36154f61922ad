//! Reads the 100-byte SQLite header before SQLite does, to name what a file is when it is not a
//! usable database (empty, another format, encrypted, truncated).

use crate::error::{Error, Result};

/// How many leading bytes [`sniff`] wants (more are ignored; fewer are fine for tiny files).
pub const SNIFF_LEN: usize = 4096;

const MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// What the SQLite header of a file says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// Page size in bytes.
    pub page_size: u32,
    /// Pages the header says the file has (0 when the field is not valid).
    pub page_count: u32,
    /// `PRAGMA user_version`.
    pub user_version: i32,
    /// `PRAGMA application_id`.
    pub application_id: u32,
}

/// Checks the start of a file (`head`, up to [`SNIFF_LEN`] bytes) and its total length.
///
/// # Errors
/// [`Error::NotSqlite`] naming what the file looks like instead, [`Error::Encrypted`] for bytes
/// that look random, [`Error::Truncated`] when the file is shorter than its header promises.
pub fn sniff(file: &str, head: &[u8], len: u64) -> Result<Header> {
    let not = |reason: String| Err(Error::NotSqlite { file: file.to_owned(), reason });
    if len == 0 {
        return not("the file is empty".into());
    }
    if !head.starts_with(MAGIC) {
        if MAGIC.starts_with(&head[..head.len().min(16)]) {
            return Err(Error::Truncated { file: file.to_owned(), expected: 100, found: len });
        }
        if let Some(what) = known_format(head) {
            return not(format!("it is {what}"));
        }
        if looks_random(head) {
            return Err(Error::Encrypted { file: file.to_owned() });
        }
        return not("it does not start with \"SQLite format 3\"".into());
    }
    if len < 100 || head.len() < 100 {
        return Err(Error::Truncated { file: file.to_owned(), expected: 100, found: len });
    }
    let be16 = |o: usize| u16::from_be_bytes([head[o], head[o + 1]]);
    let be32 = |o: usize| u32::from_be_bytes([head[o], head[o + 1], head[o + 2], head[o + 3]]);
    let page_size = match be16(16) {
        1 => 65536,
        n if n >= 512 && n.is_power_of_two() => u32::from(n),
        n => {
            return Err(Error::Corrupt {
                file: file.to_owned(),
                detail: format!("invalid page size {n} in the header"),
            });
        }
    };
    // The in-header page count is valid only when the change counter matches "version valid for".
    let page_count = if be32(24) == be32(92) { be32(28) } else { 0 };
    let expected = u64::from(page_count) * u64::from(page_size);
    if page_count > 0 && len < expected {
        return Err(Error::Truncated { file: file.to_owned(), expected, found: len });
    }
    if !len.is_multiple_of(u64::from(page_size)) && len < expected.max(u64::from(page_size)) {
        return Err(Error::Truncated {
            file: file.to_owned(),
            expected: expected.max(u64::from(page_size)),
            found: len,
        });
    }
    Ok(Header { page_size, page_count, user_version: be32(60) as i32, application_id: be32(68) })
}

/// Names common non-SQLite formats by their magic bytes, so the message can say what was picked.
fn known_format(head: &[u8]) -> Option<&'static str> {
    const FORMATS: &[(&[u8], &str)] = &[
        (b"PK\x03\x04", "a zip archive (import it as a text form instead)"),
        (b"PK\x05\x06", "an empty zip archive"),
        (b"\x1f\x8b", "a gzip-compressed file (decompress it first)"),
        (b"%PDF", "a PDF document"),
        (b"\x89PNG", "a PNG image"),
        (b"\xff\xd8\xff", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"\x28\xb5\x2f\xfd", "a zstd-compressed file (decompress it first)"),
        (b"\xfd7zXZ", "an xz-compressed file (decompress it first)"),
        (b"BZh", "a bzip2-compressed file (decompress it first)"),
        (b"\xef\xbb\xbf", "a text file"),
    ];
    if let Some((_, what)) = FORMATS.iter().find(|(magic, _)| head.starts_with(magic)) {
        return Some(what);
    }
    if head.len() >= 262 && &head[257..262] == b"ustar" {
        return Some("a tar archive (import it as a text form instead)");
    }
    let text = head.iter().all(|&b| b == b'\n' || b == b'\r' || b == b'\t' || (0x20..0x7f).contains(&b) || b >= 0x80);
    if text && std::str::from_utf8(head).is_ok() {
        let t = String::from_utf8_lossy(head);
        let t = t.trim_start();
        if t.starts_with("CREATE ") || t.starts_with("BEGIN TRANSACTION") || t.starts_with("PRAGMA ") {
            return Some("an SQL script, not a database (run it with sqlite3 to make one)");
        }
        return Some("a text file");
    }
    None
}

/// Shannon entropy above 7.2 bits per byte over at least 256 bytes: encrypted or compressed.
fn looks_random(head: &[u8]) -> bool {
    if head.len() < 256 {
        return false;
    }
    let mut counts = [0u32; 256];
    for &b in head {
        counts[b as usize] += 1;
    }
    let n = head.len() as f64;
    let entropy: f64 = counts.iter().filter(|&&c| c > 0).map(|&c| c as f64 / n).map(|p| -p * p.log2()).sum();
    // 256 random bytes give ~7.2 bits; 4096 give ~7.95. Scale the threshold with the sample size.
    entropy > if head.len() >= 4096 { 7.5 } else { 6.5 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(page_size: u16, pages: u32) -> Vec<u8> {
        let mut h = vec![0u8; 100];
        h[..16].copy_from_slice(MAGIC);
        h[16..18].copy_from_slice(&page_size.to_be_bytes());
        h[28..32].copy_from_slice(&pages.to_be_bytes());
        h
    }

    #[test]
    fn names_what_a_file_is() {
        let msg = |head: &[u8], len| sniff("x.db", head, len).unwrap_err().to_string();
        assert_eq!(msg(b"", 0), "x.db: not an SQLite database (the file is empty)");
        assert!(msg(b"PK\x03\x04rest", 8).contains("zip archive"));
        assert!(msg(b"hello, world\n", 13).contains("a text file"));
        assert!(msg(b"CREATE TABLE t(x);", 18).contains("SQL script"));
        assert!(msg(b"SQLite for", 10).contains("truncated"));
        let mut random = vec![0u8; 4096];
        let mut x: u32 = 12345;
        for b in &mut random {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            *b = x as u8;
        }
        assert!(msg(&random, 4096).contains("looks encrypted"));
    }

    #[test]
    fn detects_truncation_from_the_page_count() {
        let h = header(4096, 10);
        assert!(matches!(sniff("x", &h, 4096 * 3), Err(Error::Truncated { expected: 40960, .. })));
        assert_eq!(sniff("x", &h, 40960).unwrap().page_count, 10);
        assert!(matches!(sniff("x", &h, 50), Err(Error::Truncated { .. })));
    }
}
