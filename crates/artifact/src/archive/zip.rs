//! The zip form of a [`FileTree`]: read with [`Limits`] (no path escapes, no bombs) and written
//! deterministically, whole ([`FileTree::to_zip`]) or one streamed file at a time ([`ZipStream`]).

use std::io::{Cursor, Read, Write};

use crate::archive::limits::{Limits, check_file_size, check_path, check_ratio, check_total, unsafe_path};
use crate::archive::tree::FileTree;
use crate::error::{Error, Result, Shown};

/// The deflate level of [`FileTree::to_zip`]; fixed so that output never depends on a default.
const ZIP_LEVEL: i64 = 6;

fn zip_error(e: &dyn std::fmt::Display) -> Error {
    Error::Archive { file: "zip".to_owned(), reason: e.to_string() }
}

/// A zip archive written one file at a time, each file streamed into it, in the deterministic
/// form of [`FileTree::to_zip`]: the same files in the same order give the same bytes, without
/// ever holding a whole file in memory. Files must come in ascending path order (as a
/// [`FileTree`] sorts them).
///
/// ```
/// use std::io::{Cursor, Write};
/// use stepwise_artifact::archive::{FileTree, ZipStream};
/// let mut zip = ZipStream::new(Cursor::new(Vec::new()));
/// zip.entry("a.txt", false, &mut |w| w.write_all(b"hello").map_err(|e| unreachable!("{e}")))?;
/// let mut tree = FileTree::new();
/// tree.insert("a.txt", "hello")?;
/// assert_eq!(zip.finish()?.into_inner(), tree.to_zip()?);
/// # Ok::<(), stepwise_artifact::Error>(())
/// ```
pub struct ZipStream<W: Write + std::io::Seek> {
    writer: zip::ZipWriter<W>,
    last: Option<String>,
    count: usize,
}

impl<W: Write + std::io::Seek> ZipStream<W> {
    /// A zip written into `out` (a file, or a [`Spool`] in memory).
    pub fn new(out: W) -> Self {
        ZipStream { writer: zip::ZipWriter::new(out), last: None, count: 0 }
    }

    /// Adds the file `path`, whose bytes `fill` writes. `large` must be set for a file of 4 GiB
    /// or more (it adds a zip64 field); without it such a file fails.
    ///
    /// # Errors
    ///
    /// [`Error::UnsafePath`] for a path [`check_path`] refuses or out of order; what `fill`
    /// returns; [`Error::Archive`] when writing fails.
    pub fn entry(&mut self, path: &str, large: bool, fill: &mut dyn FnMut(&mut dyn Write) -> Result<()>) -> Result<()> {
        let path = check_path("zip", path)?;
        if self.last.as_ref().is_some_and(|last| *last >= path) {
            return Err(unsafe_path("zip", &path, "files must be added in ascending path order"));
        }
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(ZIP_LEVEL))
            .last_modified_time(zip::DateTime::default())
            .system(zip::System::Unix)
            .unix_permissions(0o644)
            .large_file(large);
        self.writer.start_file(path.as_str(), options).map_err(|e| zip_error(&e))?;
        // Deflate's output depends on how its input is cut into writes: the file goes in in
        // pieces of one size, so a file written whole and one streamed give the same bytes.
        let mut pieces = Pieces { inner: &mut self.writer, buf: Vec::with_capacity(ZIP_PIECE) };
        fill(&mut pieces).and_then(|()| pieces.finish().map_err(|e| zip_error(&e))).map_err(|e| match e {
            Error::Archive { reason, .. } if reason.contains("Large file option") => Error::TooLarge {
                file: path.clone(),
                reason: "4 GiB or more, which a zip without zip64 cannot hold; export to a folder instead".to_owned(),
            },
            e => e,
        })?;
        self.last = Some(path);
        self.count += 1;
        Ok(())
    }

    /// How many files were added.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether no file was added yet.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Writes the central directory and hands back the output.
    ///
    /// # Errors
    ///
    /// [`Error::Archive`] when writing fails.
    pub fn finish(self) -> Result<W> {
        self.writer.finish().map_err(|e| zip_error(&e))
    }
}

/// The size of the writes a [`ZipStream`] makes into deflate.
const ZIP_PIECE: usize = 64 * 1024;

/// Passes bytes on in writes of exactly [`ZIP_PIECE`] bytes (the last one shorter).
struct Pieces<'a, W: Write> {
    inner: &'a mut W,
    buf: Vec<u8>,
}

impl<W: Write> Pieces<'_, W> {
    fn finish(mut self) -> std::io::Result<()> {
        if !self.buf.is_empty() {
            self.inner.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }
}

impl<W: Write> Write for Pieces<'_, W> {
    fn write(&mut self, mut data: &[u8]) -> std::io::Result<usize> {
        let total = data.len();
        if !self.buf.is_empty() {
            let take = (ZIP_PIECE - self.buf.len()).min(data.len());
            self.buf.extend_from_slice(&data[..take]);
            data = &data[take..];
            if self.buf.len() == ZIP_PIECE {
                self.inner.write_all(&self.buf)?;
                self.buf.clear();
            }
        }
        while data.len() >= ZIP_PIECE {
            self.inner.write_all(&data[..ZIP_PIECE])?;
            data = &data[ZIP_PIECE..];
        }
        self.buf.extend_from_slice(data);
        Ok(total)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// File-type bits of a unix mode, as zip stores them in the external attributes.
const S_IFMT: u32 = 0o170000;
const S_IFREG: u32 = 0o100000;
const S_IFDIR: u32 = 0o040000;
const S_IFLNK: u32 = 0o120000;

impl FileTree {
    /// Reads a zip archive named `name` (used in messages).
    ///
    /// Directory entries are ignored; every other entry must be a regular file.
    ///
    /// # Errors
    ///
    /// - [`Error::Archive`] when the bytes are not a readable zip, or an entry is encrypted.
    /// - [`Error::UnsafePath`] for an entry whose name is refused by [`check_path`] or is not
    ///   UTF-8, a symbolic link or other special file, or a duplicate.
    /// - [`Error::TooLarge`] when `limits` are exceeded (entry count, file size, total size, or
    ///   an entry's compression ratio).
    pub fn from_zip(name: &str, bytes: &[u8], limits: &Limits) -> Result<Self> {
        let archive_err = |reason: String| Error::Archive { file: name.to_owned(), reason };
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| archive_err(e.to_string()))?;
        if zip.len() > limits.max_entries {
            return Err(Error::TooLarge {
                file: name.to_owned(),
                reason: format!("{} entries, more than the limit of {}", zip.len(), limits.max_entries),
            });
        }
        if zip.has_duplicate_names() {
            return Err(archive_err("the archive holds some entry twice".to_owned()));
        }
        let mut tree = FileTree::new();
        let mut total: u64 = 0;
        for index in 0..zip.len() {
            let (path, is_dir) = {
                let entry = zip.by_index_data(index).map_err(|e| archive_err(e.to_string()))?;
                let raw = entry.name_raw();
                let Ok(raw_name) = std::str::from_utf8(raw) else {
                    return Err(unsafe_path(name, &String::from_utf8_lossy(raw), "the name is not UTF-8"));
                };
                let is_dir = raw_name.ends_with('/');
                let path = check_path(name, raw_name)?;
                if let Some(mode) = entry.unix_mode() {
                    let kind = mode & S_IFMT;
                    if kind == S_IFLNK {
                        return Err(unsafe_path(name, &path, "symbolic links are not allowed"));
                    }
                    if kind != 0 && kind != S_IFREG && kind != S_IFDIR {
                        return Err(unsafe_path(name, &path, "only regular files are allowed"));
                    }
                    if kind == S_IFDIR && !is_dir {
                        return Err(unsafe_path(name, &path, "a directory entry with data"));
                    }
                }
                if entry.encrypted() {
                    return Err(archive_err(format!(
                        "entry {} is encrypted; Stepwise reads unencrypted zips only",
                        Shown(&path)
                    )));
                }
                if !is_dir {
                    let size = entry.size();
                    let packed = entry.compressed_size();
                    check_file_size(name, &path, size, limits)?;
                    check_total(name, total.saturating_add(size), limits)?;
                    check_ratio(name, &path, size, packed, limits)?;
                }
                (path, is_dir)
            };
            if is_dir {
                tree.insert_folder(&path)?;
                continue;
            }
            let mut file = zip.by_index(index).map_err(|e| archive_err(format!("entry {}: {e}", Shown(&path))))?;
            let packed = file.compressed_size();
            let mut data = Vec::new();
            (&mut file)
                .take(limits.max_file_size.saturating_add(1))
                .read_to_end(&mut data)
                .map_err(|e| archive_err(format!("entry {}: {e}", Shown(&path))))?;
            let size = data.len() as u64;
            check_file_size(name, &path, size, limits)?;
            check_ratio(name, &path, size, packed, limits)?;
            total = total.saturating_add(size);
            check_total(name, total, limits)?;
            drop(file);
            tree.add_entry(name, path, data)?;
        }
        Ok(tree)
    }

    /// Writes the tree as a zip archive, deterministically.
    ///
    /// Entries are sorted by path, dated 1980-01-01 00:00, deflated at a fixed level, with unix
    /// permissions 0644 and no extra fields: the same tree always gives the same bytes (the
    /// bytes [`ZipStream`] writes for the same files).
    ///
    /// # Errors
    ///
    /// [`Error::Archive`] if the zip writer fails (it does not for trees that fit in memory).
    pub fn to_zip(&self) -> Result<Vec<u8>> {
        let mut zip = ZipStream::new(Cursor::new(Vec::new()));
        for (path, data) in self.iter() {
            let large = data.len() as u64 >= u32::MAX as u64;
            zip.entry(path, large, &mut |w| w.write_all(data).map_err(|e| zip_error(&e)))?;
        }
        Ok(zip.finish()?.into_inner())
    }
}
