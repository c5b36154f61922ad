//! Caps and path checks for reading untrusted archives and folders: nothing read can escape its
//! folder, and no archive can expand past the [`Limits`].

use crate::error::{Error, Result, SHOWN_CHARS, clipped_at};

/// Caps applied while reading untrusted archives and folders.
///
/// Every reader checks the sizes an archive declares *and* the bytes it actually yields, so a
/// lying header cannot get past a cap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Most entries (files and directories) an archive or folder may hold.
    pub max_entries: usize,
    /// Largest size of one file, in bytes.
    pub max_file_size: u64,
    /// Largest sum of all file sizes, in bytes.
    pub max_total_size: u64,
    /// Largest expansion of one zip entry (uncompressed size / compressed size); a larger one is
    /// taken for a zip bomb. Entries below 1 MiB are not held to it: small files of repeated
    /// bytes legitimately compress very well and cannot do harm.
    pub max_ratio: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_entries: 20_000, max_file_size: 256 << 20, max_total_size: 1 << 30, max_ratio: 200 }
    }
}

/// Zip entries smaller than this are never refused for their compression ratio.
pub(crate) const RATIO_FLOOR: u64 = 1 << 20;

/// Longest path accepted, in bytes.
pub(crate) const MAX_PATH_LEN: usize = 1024;

pub(crate) fn unsafe_path(archive: &str, path: &str, reason: impl Into<String>) -> Error {
    Error::UnsafePath { archive: archive.to_owned(), path: path.to_owned(), reason: reason.into() }
}

pub(crate) fn check_file_size(archive: &str, path: &str, size: u64, limits: &Limits) -> Result<()> {
    if size > limits.max_file_size {
        return Err(Error::TooLarge {
            file: format!("{archive}: {}", clipped_at(path, SHOWN_CHARS)),
            reason: format!("at least {size} bytes; the limit for one file is {} bytes", limits.max_file_size),
        });
    }
    Ok(())
}

pub(crate) fn check_total(archive: &str, total: u64, limits: &Limits) -> Result<()> {
    if total > limits.max_total_size {
        return Err(Error::TooLarge {
            file: archive.to_owned(),
            reason: format!("the files add up to more than the limit of {} bytes", limits.max_total_size),
        });
    }
    Ok(())
}

pub(crate) fn check_ratio(archive: &str, path: &str, size: u64, packed: u64, limits: &Limits) -> Result<()> {
    if size >= RATIO_FLOOR && size / packed.max(1) > limits.max_ratio {
        return Err(Error::TooLarge {
            file: format!("{archive}: {}", clipped_at(path, SHOWN_CHARS)),
            reason: format!(
                "{size} bytes compressed into {packed} (ratio {}:1, the limit is {}:1); this looks like a zip bomb",
                size / packed.max(1),
                limits.max_ratio
            ),
        });
    }
    Ok(())
}

/// Checks a relative path from `archive` (named in errors) and returns its normal form.
///
/// The normal form has no trailing `/` (a directory marker) and no repeated `/`. Refused:
/// an empty path, an absolute path (`/x`), a drive (`C:`), a backslash, a `.` or `..`
/// component, NUL or other control characters, and paths longer than 1024 bytes.
///
/// # Errors
///
/// [`Error::UnsafePath`] naming `archive`, the path and the reason.
pub fn check_path(archive: &str, path: &str) -> Result<String> {
    let refuse = |reason: &str| Err(unsafe_path(archive, path, reason));
    if path.is_empty() {
        return refuse("the path is empty");
    }
    if path.len() > MAX_PATH_LEN {
        return refuse("the path is longer than 1024 bytes");
    }
    if path.starts_with('/') {
        return refuse("absolute paths are not allowed");
    }
    if path.contains('\\') {
        return refuse("backslashes are not allowed; use '/'");
    }
    if path.chars().any(char::is_control) {
        return refuse("control characters are not allowed");
    }
    let bytes = path.as_bytes();
    if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        return refuse("drive letters are not allowed");
    }
    let mut normal = String::with_capacity(path.len());
    for part in path.split('/').filter(|p| !p.is_empty()) {
        match part {
            "." => return refuse("'.' components are not allowed"),
            ".." => {
                return refuse("'..' components are not allowed (the path would escape its folder)");
            }
            _ => {}
        }
        if !normal.is_empty() {
            normal.push('/');
        }
        normal.push_str(part);
    }
    if normal.is_empty() {
        return refuse("the path names no file");
    }
    Ok(normal)
}
