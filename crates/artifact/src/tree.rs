//! Sets of files addressed by relative paths, and the zip, tar and folder forms they travel in.
//!
//! A [`FileTree`] maps validated relative paths (`steps/01-welcome/content.md`) to bytes. Every
//! path in it has passed [`check_path`], so a tree can be written anywhere without escaping its
//! folder. The readers ([`FileTree::from_zip`], [`FileTree::from_tar`], [`FileTree::from_dir`])
//! treat their input as hostile and enforce [`Limits`] while reading; the writers
//! ([`FileTree::to_zip`], [`FileTree::to_tar`]) are pure functions of the tree, so the same tree
//! always gives the same bytes.

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};

use crate::error::{Error, Result};

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
const RATIO_FLOOR: u64 = 1 << 20;

/// Longest path accepted, in bytes.
const MAX_PATH_LEN: usize = 1024;

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
/// use stepwise_artifact::tree::{FileTree, ZipStream};
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

/// A set of files by relative, `/`-separated path, sorted by path.
///
/// Directories are implied by the paths of the files they hold; an empty directory cannot be
/// represented.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileTree {
    files: BTreeMap<String, Vec<u8>>,
}

impl FileTree {
    /// An empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) the file at `path`.
    ///
    /// # Errors
    ///
    /// [`Error::UnsafePath`] when `path` is refused by [`check_path`], or when it would make a
    /// file and a folder share a name (`a` and `a/b`).
    pub fn insert(&mut self, path: &str, data: impl Into<Vec<u8>>) -> Result<()> {
        let path = check_path("tree", path)?;
        self.check_no_clash("tree", &path)?;
        self.files.insert(path, data.into());
        Ok(())
    }

    /// Adds every file of `other` under `prefix` (`""` for the root).
    ///
    /// # Errors
    ///
    /// [`Error::UnsafePath`] when `prefix` is not a valid path or a resulting path is refused by
    /// [`FileTree::insert`].
    pub fn insert_tree(&mut self, prefix: &str, other: &FileTree) -> Result<()> {
        let prefix = if prefix.is_empty() { String::new() } else { check_path("tree", prefix)? + "/" };
        for (path, data) in other.iter() {
            self.insert(&format!("{prefix}{path}"), data)?;
        }
        Ok(())
    }

    /// The contents of the file at `path`, if there is one.
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }

    /// Whether there is a file at `path`.
    pub fn contains(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    /// Removes the file at `path` and returns its contents.
    pub fn remove(&mut self, path: &str) -> Option<Vec<u8>> {
        self.files.remove(path)
    }

    /// The files, sorted by path.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether the tree holds no file.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Sum of the sizes of all files, in bytes.
    pub fn total_size(&self) -> u64 {
        self.files.values().map(|v| v.len() as u64).sum()
    }

    /// The files under folder `prefix`, with `prefix/` stripped from their paths (`""` gives a
    /// copy of the whole tree).
    pub fn subtree(&self, prefix: &str) -> FileTree {
        let prefix = prefix.trim_end_matches('/');
        if prefix.is_empty() {
            return self.clone();
        }
        let start = format!("{prefix}/");
        let files = self
            .files
            .range(start.clone()..)
            .take_while(|(k, _)| k.starts_with(&start))
            .map(|(k, v)| (k[start.len()..].to_owned(), v.clone()))
            .collect();
        FileTree { files }
    }

    /// Sorted names of the immediate sub-folders of folder `prefix` (`""` is the root).
    pub fn child_dirs(&self, prefix: &str) -> Vec<String> {
        let prefix = prefix.trim_end_matches('/');
        let start = if prefix.is_empty() { String::new() } else { format!("{prefix}/") };
        let mut dirs: Vec<String> = Vec::new();
        for (path, _) in self.files.range(start.clone()..).take_while(|(k, _)| k.starts_with(&start)) {
            if let Some((dir, _)) = path[start.len()..].split_once('/') {
                // Paths are sorted, so equal folder names are adjacent.
                if dirs.last().map(String::as_str) != Some(dir) {
                    dirs.push(dir.to_owned());
                }
            }
        }
        dirs
    }

    /// Refuses `path` when it is a folder of an existing file or has an existing file as folder.
    fn check_no_clash(&self, archive: &str, path: &str) -> Result<()> {
        let mut end = 0;
        while let Some(i) = path[end..].find('/') {
            end += i;
            if self.files.contains_key(&path[..end]) {
                return Err(unsafe_path(archive, path, format!("{:?} is already a file", &path[..end])));
            }
            end += 1;
        }
        let below = format!("{path}/");
        if let Some((k, _)) = self.files.range(below.clone()..).next()
            && k.starts_with(&below)
        {
            return Err(unsafe_path(archive, path, format!("it is already a folder holding {k:?}")));
        }
        Ok(())
    }

    /// Adds one entry read from an archive, refusing duplicates.
    fn add_entry(&mut self, archive: &str, path: String, data: Vec<u8>) -> Result<()> {
        if self.files.contains_key(&path) {
            return Err(unsafe_path(archive, &path, "the archive holds this entry twice"));
        }
        self.check_no_clash(archive, &path)?;
        self.files.insert(path, data);
        Ok(())
    }

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
                        "entry {path:?} is encrypted; Stepwise reads unencrypted zips only"
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
                continue;
            }
            let mut file = zip.by_index(index).map_err(|e| archive_err(format!("entry {path:?}: {e}")))?;
            let packed = file.compressed_size();
            let mut data = Vec::new();
            (&mut file)
                .take(limits.max_file_size.saturating_add(1))
                .read_to_end(&mut data)
                .map_err(|e| archive_err(format!("entry {path:?}: {e}")))?;
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

    /// Reads a tar archive named `name` (used in messages).
    ///
    /// Directory entries and pax global headers are ignored; every other entry must be a regular
    /// file. GNU long names and pax path records are honoured.
    ///
    /// # Errors
    ///
    /// - [`Error::Archive`] when the bytes are not a readable tar.
    /// - [`Error::UnsafePath`] for an entry whose name is refused by [`check_path`] or is not
    ///   UTF-8, a symbolic or hard link, a device, a fifo, or a duplicate.
    /// - [`Error::TooLarge`] when `limits` are exceeded (entry count, file size, total size).
    pub fn from_tar(name: &str, bytes: &[u8], limits: &Limits) -> Result<Self> {
        let archive_err = |reason: String| Error::Archive { file: name.to_owned(), reason };
        let mut archive = tar::Archive::new(bytes);
        let entries = archive.entries().map_err(|e| archive_err(e.to_string()))?;
        let mut tree = FileTree::new();
        let mut total: u64 = 0;
        let mut count: usize = 0;
        for entry in entries {
            let mut entry = entry.map_err(|e| archive_err(e.to_string()))?;
            count += 1;
            if count > limits.max_entries {
                return Err(Error::TooLarge {
                    file: name.to_owned(),
                    reason: format!("more than the limit of {} entries", limits.max_entries),
                });
            }
            let kind = entry.header().entry_type();
            if kind.is_pax_global_extensions() {
                continue;
            }
            let raw = entry.path_bytes().into_owned();
            let Ok(raw_name) = std::str::from_utf8(&raw) else {
                return Err(unsafe_path(name, &String::from_utf8_lossy(&raw), "the name is not UTF-8"));
            };
            let path = check_path(name, raw_name)?;
            match kind {
                tar::EntryType::Directory => continue,
                tar::EntryType::Regular | tar::EntryType::Continuous => {}
                tar::EntryType::Symlink => {
                    return Err(unsafe_path(name, &path, "symbolic links are not allowed"));
                }
                tar::EntryType::Link => {
                    return Err(unsafe_path(name, &path, "hard links are not allowed"));
                }
                tar::EntryType::Char | tar::EntryType::Block => {
                    return Err(unsafe_path(name, &path, "device files are not allowed"));
                }
                tar::EntryType::Fifo => {
                    return Err(unsafe_path(name, &path, "fifos are not allowed"));
                }
                other => {
                    return Err(unsafe_path(
                        name,
                        &path,
                        format!("entry type {:?} is not allowed; only regular files are", other.as_byte() as char),
                    ));
                }
            }
            let declared = entry.header().entry_size().map_err(|e| archive_err(format!("entry {path:?}: {e}")))?;
            check_file_size(name, &path, declared, limits)?;
            check_total(name, total.saturating_add(declared), limits)?;
            let mut data = Vec::new();
            (&mut entry)
                .take(limits.max_file_size.saturating_add(1))
                .read_to_end(&mut data)
                .map_err(|e| archive_err(format!("entry {path:?}: {e}")))?;
            let size = data.len() as u64;
            check_file_size(name, &path, size, limits)?;
            if size != declared {
                return Err(archive_err(format!("entry {path:?} is truncated: {size} of {declared} bytes")));
            }
            total = total.saturating_add(size);
            check_total(name, total, limits)?;
            tree.add_entry(name, path, data)?;
        }
        Ok(tree)
    }

    /// Writes the tree as the canonical tar of `docs/format.md`.
    ///
    /// Entries sorted by path, regular files only, mode 0644, owner 0:0 with empty user and
    /// group names, mtime 0, POSIX ustar headers; a path longer than 100 bytes is carried by a
    /// GNU long-name entry. The result is a pure function of the tree, and
    /// `from_tar(to_tar(t)) == t`.
    ///
    /// # Errors
    ///
    /// [`Error::Archive`] if a header cannot be written (it cannot for a valid tree).
    pub fn to_tar(&self) -> Result<Vec<u8>> {
        let err = |e: std::io::Error| Error::Archive { file: "tar".to_owned(), reason: e.to_string() };
        let mut out = Vec::with_capacity(self.files.values().map(|d| d.len() + 1024).sum::<usize>() + 1024);
        for (path, data) in self.iter() {
            let name = path.as_bytes();
            if name.len() > 100 {
                // GNU long name: an `L` entry whose data is the NUL-terminated path.
                let mut long = tar::Header::new_gnu();
                long.as_mut_bytes()[..13].copy_from_slice(b"././@LongLink");
                long.set_mode(0o644);
                long.set_uid(0);
                long.set_gid(0);
                long.set_mtime(0);
                long.set_size(name.len() as u64 + 1);
                long.set_entry_type(tar::EntryType::GNULongName);
                long.set_cksum();
                out.extend_from_slice(long.as_bytes());
                out.extend_from_slice(name);
                out.push(0);
                pad_block(&mut out);
            }
            let mut header = tar::Header::new_ustar();
            let field = &mut header.as_ustar_mut().ok_or_else(|| err(std::io::Error::other("not ustar")))?.name;
            let n = name.len().min(100);
            field[..n].copy_from_slice(&name[..n]);
            header.set_mode(0o644);
            header.set_uid(0);
            header.set_gid(0);
            header.set_mtime(0);
            header.set_size(data.len() as u64);
            header.set_entry_type(tar::EntryType::Regular);
            header.set_username("").map_err(err)?;
            header.set_groupname("").map_err(err)?;
            header.set_device_major(0).map_err(err)?;
            header.set_device_minor(0).map_err(err)?;
            header.set_cksum();
            out.extend_from_slice(header.as_bytes());
            out.extend_from_slice(data);
            pad_block(&mut out);
        }
        // End of archive: two zero blocks.
        out.extend_from_slice(&[0; 1024]);
        Ok(out)
    }

    /// Reads the folder at `dir`, without following symbolic links.
    ///
    /// # Errors
    ///
    /// - [`Error::Io`] when the folder or a file cannot be read.
    /// - [`Error::UnsafePath`] for a symbolic link, a special file, or a name that is not UTF-8
    ///   or is refused by [`check_path`].
    /// - [`Error::TooLarge`] when `limits` are exceeded.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_dir(dir: &std::path::Path, limits: &Limits) -> Result<Self> {
        let archive = dir.display().to_string();
        let mut tree = FileTree::new();
        let mut state = DirWalk { archive: &archive, limits, count: 0, total: 0 };
        let meta = std::fs::symlink_metadata(dir).map_err(|e| Error::io(dir, e))?;
        if !meta.is_dir() {
            return Err(Error::Io { path: archive.clone(), message: "not a folder".to_owned() });
        }
        state.walk(dir, "", &mut tree)?;
        Ok(tree)
    }

    /// Writes every file under the folder `dir`, creating folders as needed.
    ///
    /// Existing files of the same names are replaced; other files are left alone. A symbolic
    /// link found where a folder or file of the tree goes is refused rather than followed.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when a folder or file cannot be created or written, [`Error::UnsafePath`]
    /// when a symbolic link is in the way.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn write_dir(&self, dir: &std::path::Path) -> Result<()> {
        let archive = dir.display().to_string();
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        for (path, data) in self.iter() {
            let mut target = dir.to_path_buf();
            let parts: Vec<&str> = path.split('/').collect();
            for (i, part) in parts.iter().enumerate() {
                target.push(part);
                match std::fs::symlink_metadata(&target) {
                    Ok(meta) if meta.file_type().is_symlink() => {
                        return Err(unsafe_path(&archive, path, "a symbolic link is in the way"));
                    }
                    Ok(_) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        if i + 1 < parts.len() {
                            std::fs::create_dir(&target).map_err(|e| Error::io(&target, e))?;
                        }
                    }
                    Err(e) => return Err(Error::io(&target, e)),
                }
            }
            std::fs::write(&target, data).map_err(|e| Error::io(&target, e))?;
        }
        Ok(())
    }
}

/// Walks a folder for [`FileTree::from_dir`], keeping the counts the limits apply to.
#[cfg(not(target_arch = "wasm32"))]
struct DirWalk<'a> {
    archive: &'a str,
    limits: &'a Limits,
    count: usize,
    total: u64,
}

#[cfg(not(target_arch = "wasm32"))]
impl DirWalk<'_> {
    fn walk(&mut self, dir: &std::path::Path, prefix: &str, tree: &mut FileTree) -> Result<()> {
        let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| Error::io(dir, e))?;
            self.count += 1;
            if self.count > self.limits.max_entries {
                return Err(Error::TooLarge {
                    file: self.archive.to_owned(),
                    reason: format!("more than the limit of {} entries", self.limits.max_entries),
                });
            }
            let os_name = entry.file_name();
            let Some(name) = os_name.to_str() else {
                let shown = format!("{prefix}{}", os_name.to_string_lossy());
                return Err(unsafe_path(self.archive, &shown, "the name is not UTF-8"));
            };
            let path = check_path(self.archive, &format!("{prefix}{name}"))?;
            let full = entry.path();
            let kind = std::fs::symlink_metadata(&full).map_err(|e| Error::io(&full, e))?.file_type();
            if kind.is_symlink() {
                return Err(unsafe_path(self.archive, &path, "symbolic links are not followed"));
            } else if kind.is_dir() {
                self.walk(&full, &format!("{path}/"), tree)?;
            } else if kind.is_file() {
                let file = std::fs::File::open(&full).map_err(|e| Error::io(&full, e))?;
                let declared = file.metadata().map_err(|e| Error::io(&full, e))?.len();
                check_file_size(self.archive, &path, declared, self.limits)?;
                check_total(self.archive, self.total.saturating_add(declared), self.limits)?;
                let mut data = Vec::new();
                file.take(self.limits.max_file_size.saturating_add(1))
                    .read_to_end(&mut data)
                    .map_err(|e| Error::io(&full, e))?;
                let size = data.len() as u64;
                check_file_size(self.archive, &path, size, self.limits)?;
                self.total = self.total.saturating_add(size);
                check_total(self.archive, self.total, self.limits)?;
                tree.add_entry(self.archive, path, data)?;
            } else {
                return Err(unsafe_path(self.archive, &path, "only regular files and folders are allowed"));
            }
        }
        Ok(())
    }
}

/// File-type bits of a unix mode, as zip stores them in the external attributes.
const S_IFMT: u32 = 0o170000;
const S_IFREG: u32 = 0o100000;
const S_IFDIR: u32 = 0o040000;
const S_IFLNK: u32 = 0o120000;

/// Pads a tar stream to the next 512-byte block.
fn pad_block(out: &mut Vec<u8>) {
    let rem = out.len() % 512;
    if rem != 0 {
        out.resize(out.len() + 512 - rem, 0);
    }
}

fn unsafe_path(archive: &str, path: &str, reason: impl Into<String>) -> Error {
    Error::UnsafePath { archive: archive.to_owned(), path: path.to_owned(), reason: reason.into() }
}

fn check_file_size(archive: &str, path: &str, size: u64, limits: &Limits) -> Result<()> {
    if size > limits.max_file_size {
        return Err(Error::TooLarge {
            file: format!("{archive}: {path}"),
            reason: format!("at least {size} bytes; the limit for one file is {} bytes", limits.max_file_size),
        });
    }
    Ok(())
}

fn check_total(archive: &str, total: u64, limits: &Limits) -> Result<()> {
    if total > limits.max_total_size {
        return Err(Error::TooLarge {
            file: archive.to_owned(),
            reason: format!("the files add up to more than the limit of {} bytes", limits.max_total_size),
        });
    }
    Ok(())
}

fn check_ratio(archive: &str, path: &str, size: u64, packed: u64, limits: &Limits) -> Result<()> {
    if size >= RATIO_FLOOR && size / packed.max(1) > limits.max_ratio {
        return Err(Error::TooLarge {
            file: format!("{archive}: {path}"),
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

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample() -> FileTree {
        let mut t = FileTree::new();
        t.insert("workshop.yaml", "version: 1\n").unwrap();
        t.insert("steps/01-welcome/content.md", "# Hi\n").unwrap();
        t.insert("steps/02-next/content.md", "").unwrap();
        t.insert("steps/02-next/files/a/b.txt", vec![0u8, 1, 2, 255]).unwrap();
        t.insert(&format!("deep/{}/file.txt", "x".repeat(150)), "long name").unwrap();
        t.insert("unicodé/ファイル.txt", "ü").unwrap();
        t
    }

    fn small() -> Limits {
        Limits { max_entries: 10, max_file_size: 100, max_total_size: 150, max_ratio: 100 }
    }

    fn reason(err: Error) -> String {
        err.to_string()
    }

    #[test]
    fn check_path_normalises_and_refuses() {
        assert_eq!(check_path("a", "x/y/").unwrap(), "x/y");
        assert_eq!(check_path("a", "x//y").unwrap(), "x/y");
        for bad in ["", "/etc/passwd", "C:/x", "c:x", "a\\b", "../x", "a/../b", "a/./b", ".", "a/\0b", "a/\nb", "/"] {
            let err = check_path("arch.zip", bad).unwrap_err();
            assert!(matches!(&err, Error::UnsafePath { archive, .. } if archive == "arch.zip"), "{bad:?}: {err}");
        }
        assert!(check_path("a", &"x".repeat(1025)).is_err());
        assert!(check_path("a", &"x".repeat(1024)).is_ok());
        assert_eq!(check_path("a", "..x/y..").unwrap(), "..x/y..");
    }

    #[test]
    fn accessors() {
        let t = sample();
        assert_eq!(t.len(), 6);
        assert!(!t.is_empty());
        assert!(t.contains("workshop.yaml"));
        assert_eq!(t.get("steps/01-welcome/content.md"), Some(&b"# Hi\n"[..]));
        assert_eq!(t.child_dirs(""), vec!["deep", "steps", "unicodé"]);
        assert_eq!(t.child_dirs("steps"), vec!["01-welcome", "02-next"]);
        assert_eq!(t.child_dirs("steps/02-next/"), vec!["files"]);
        assert!(t.child_dirs("nothing").is_empty());
        let sub = t.subtree("steps/02-next");
        assert_eq!(sub.iter().map(|(p, _)| p).collect::<Vec<_>>(), vec!["content.md", "files/a/b.txt"]);
        assert_eq!(t.subtree("").len(), 6);
        assert_eq!(t.total_size(), 11 + 5 + 4 + 9 + 2);
        let mut t2 = t.clone();
        assert_eq!(t2.remove("workshop.yaml"), Some(b"version: 1\n".to_vec()));
        assert!(!t2.contains("workshop.yaml"));
        let mut t3 = FileTree::new();
        t3.insert_tree("inner", &sub).unwrap();
        assert!(t3.contains("inner/files/a/b.txt"));
    }

    #[test]
    fn insert_refuses_file_folder_clash() {
        let mut t = FileTree::new();
        t.insert("a/b", "x").unwrap();
        assert!(t.insert("a", "y").is_err());
        assert!(t.insert("a/b/c", "y").is_err());
        assert!(t.insert("../a", "y").is_err());
        t.insert("a/b", "replaced").unwrap();
        assert_eq!(t.get("a/b"), Some(&b"replaced"[..]));
    }

    #[test]
    fn zip_roundtrip_and_determinism() {
        let t = sample();
        let a = t.to_zip().unwrap();
        let b = t.clone().to_zip().unwrap();
        assert_eq!(a, b);
        assert_eq!(FileTree::from_zip("t.zip", &a, &Limits::default()).unwrap(), t);
        let mut zip = zip::ZipArchive::new(Cursor::new(&a[..])).unwrap();
        for i in 0..zip.len() {
            let f = zip.by_index(i).unwrap();
            assert!(f.extra_data().is_none_or(|d| d.is_empty()), "{}", f.name().unwrap());
            assert_eq!(f.unix_mode(), Some(0o100644));
            assert_eq!(f.last_modified(), Some(zip::DateTime::default()));
        }
        assert_eq!(
            FileTree::from_zip("e.zip", &FileTree::new().to_zip().unwrap(), &Limits::default()).unwrap(),
            FileTree::new()
        );
    }

    #[test]
    fn tar_roundtrip_canonical() {
        let t = sample();
        let a = t.to_tar().unwrap();
        assert_eq!(a, t.to_tar().unwrap());
        assert_eq!(a.len() % 512, 0);
        assert_eq!(FileTree::from_tar("t.tar", &a, &Limits::default()).unwrap(), t);
        let mut archive = tar::Archive::new(&a[..]);
        for e in archive.entries().unwrap() {
            let e = e.unwrap();
            let h = e.header();
            assert_eq!(h.mode().unwrap(), 0o644);
            assert_eq!((h.uid().unwrap(), h.gid().unwrap(), h.mtime().unwrap()), (0, 0, 0));
            assert_eq!(h.entry_type(), tar::EntryType::Regular);
            assert!(h.as_ustar().is_some());
        }
    }

    #[test]
    fn dir_roundtrip() {
        let dir = tempfile::tempdir().unwrap();
        let t = sample();
        t.write_dir(dir.path()).unwrap();
        assert_eq!(FileTree::from_dir(dir.path(), &Limits::default()).unwrap(), t);
        std::fs::create_dir(dir.path().join("empty")).unwrap();
        assert_eq!(FileTree::from_dir(dir.path(), &Limits::default()).unwrap(), t, "empty folders are not kept");
    }

    #[cfg(unix)]
    #[test]
    fn dir_refuses_symlinks() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "a").unwrap();
        std::os::unix::fs::symlink("/etc/passwd", dir.path().join("link")).unwrap();
        let err = FileTree::from_dir(dir.path(), &Limits::default()).unwrap_err();
        assert!(matches!(&err, Error::UnsafePath { path, .. } if path == "link"), "{err}");

        // write_dir does not follow a link where a folder goes.
        let out = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), out.path().join("data")).unwrap();
        let mut t = FileTree::new();
        t.insert("data/x.csv", "x").unwrap();
        assert!(matches!(t.write_dir(out.path()), Err(Error::UnsafePath { .. })));
        assert!(!elsewhere.path().join("x.csv").exists());
    }

    #[test]
    fn dir_limits() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("big"), vec![b'x'; 101]).unwrap();
        assert!(matches!(FileTree::from_dir(dir.path(), &small()), Err(Error::TooLarge { .. })));
    }

    /// A raw ustar header for hostile test archives: any name, any type, any link target.
    fn raw_tar_entry(out: &mut Vec<u8>, name: &[u8], kind: tar::EntryType, link: &[u8], data: &[u8]) {
        let mut h = tar::Header::new_ustar();
        h.as_mut_bytes()[..name.len()].copy_from_slice(name);
        h.as_mut_bytes()[157..157 + link.len()].copy_from_slice(link);
        h.set_mode(0o644);
        h.set_size(data.len() as u64);
        h.set_entry_type(kind);
        h.set_cksum();
        out.extend_from_slice(h.as_bytes());
        out.extend_from_slice(data);
        pad_block(out);
    }

    fn finish_tar(mut out: Vec<u8>) -> Vec<u8> {
        out.extend_from_slice(&[0; 1024]);
        out
    }

    #[test]
    fn tar_refuses_hostile_entries() {
        let cases: Vec<(&[u8], tar::EntryType, &[u8], &str)> = vec![
            (b"../x", tar::EntryType::Regular, b"", "'..'"),
            (b"a/../../x", tar::EntryType::Regular, b"", "'..'"),
            (b"/etc/passwd", tar::EntryType::Regular, b"", "absolute"),
            (b"link", tar::EntryType::Symlink, b"/etc/passwd", "symbolic link"),
            (b"hard", tar::EntryType::Link, b"/etc/passwd", "hard link"),
            (b"dev", tar::EntryType::Char, b"", "device"),
            (b"blk", tar::EntryType::Block, b"", "device"),
            (b"fifo", tar::EntryType::Fifo, b"", "fifo"),
            (b"bad\xff", tar::EntryType::Regular, b"", "UTF-8"),
        ];
        for (name, kind, link, expected) in cases {
            let mut out = Vec::new();
            raw_tar_entry(&mut out, b"ok.txt", tar::EntryType::Regular, b"", b"fine");
            raw_tar_entry(&mut out, name, kind, link, b"");
            let err = FileTree::from_tar("evil.tar", &finish_tar(out), &Limits::default()).unwrap_err();
            assert!(matches!(&err, Error::UnsafePath { archive, .. } if archive == "evil.tar"), "{err}");
            assert!(reason(err.clone()).contains(expected), "{err}");
        }
    }

    #[test]
    fn tar_duplicates_dirs_and_limits() {
        let mut out = Vec::new();
        raw_tar_entry(&mut out, b"a.txt", tar::EntryType::Regular, b"", b"1");
        raw_tar_entry(&mut out, b"a.txt", tar::EntryType::Regular, b"", b"2");
        let err = FileTree::from_tar("dup.tar", &finish_tar(out), &Limits::default()).unwrap_err();
        assert!(err.to_string().contains("twice"), "{err}");

        let mut out = Vec::new();
        raw_tar_entry(&mut out, b"dir/", tar::EntryType::Directory, b"", b"");
        raw_tar_entry(&mut out, b"dir/a.txt", tar::EntryType::Regular, b"", b"1");
        let t = FileTree::from_tar("d.tar", &finish_tar(out), &Limits::default()).unwrap();
        assert_eq!(t.iter().map(|(p, _)| p).collect::<Vec<_>>(), vec!["dir/a.txt"]);

        let mut big = FileTree::new();
        big.insert("big", vec![1u8; 101]).unwrap();
        let err = FileTree::from_tar("big.tar", &big.to_tar().unwrap(), &small()).unwrap_err();
        assert!(matches!(&err, Error::TooLarge { file, .. } if file.contains("big")), "{err}");

        let mut many = FileTree::new();
        for i in 0..11 {
            many.insert(&format!("f{i}"), "x").unwrap();
        }
        assert!(matches!(FileTree::from_tar("m.tar", &many.to_tar().unwrap(), &small()), Err(Error::TooLarge { .. })));
        assert!(matches!(FileTree::from_zip("m.zip", &many.to_zip().unwrap(), &small()), Err(Error::TooLarge { .. })));

        let mut total = FileTree::new();
        total.insert("a", vec![1u8; 80]).unwrap();
        total.insert("b", vec![1u8; 80]).unwrap();
        assert!(matches!(FileTree::from_tar("t.tar", &total.to_tar().unwrap(), &small()), Err(Error::TooLarge { .. })));
        assert!(matches!(FileTree::from_zip("t.zip", &total.to_zip().unwrap(), &small()), Err(Error::TooLarge { .. })));

        assert!(matches!(FileTree::from_tar("x.tar", &[b'x'; 1024], &Limits::default()), Err(Error::Archive { .. })));
    }

    #[test]
    fn tar_lying_size_is_caught() {
        // The header declares 10 bytes but the archive ends after 3.
        let mut h = tar::Header::new_ustar();
        h.as_mut_bytes()[..5].copy_from_slice(b"a.txt");
        h.set_size(10);
        h.set_mode(0o644);
        h.set_cksum();
        let mut out = h.as_bytes().to_vec();
        out.extend_from_slice(b"abc");
        assert!(FileTree::from_tar("short.tar", &out, &Limits::default()).is_err());
    }

    fn zip_with(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default();
        for (name, data) in entries {
            w.start_file(*name, opts).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    /// Replaces every occurrence of `from` by `to` (same length) in raw archive bytes.
    fn patch(bytes: &mut [u8], from: &[u8], to: &[u8]) {
        assert_eq!(from.len(), to.len());
        let mut i = 0;
        while i + from.len() <= bytes.len() {
            if &bytes[i..i + from.len()] == from {
                bytes[i..i + from.len()].copy_from_slice(to);
            }
            i += 1;
        }
    }

    #[test]
    fn zip_refuses_hostile_entries() {
        for (name, expected) in
            [("../evil.txt", "'..'"), ("/abs.txt", "absolute"), ("C:/win.txt", "drive"), ("a\\b.txt", "backslash")]
        {
            let bytes = zip_with(&[("ok.txt", b"ok"), (name, b"x")]);
            let err = FileTree::from_zip("evil.zip", &bytes, &Limits::default()).unwrap_err();
            assert!(matches!(&err, Error::UnsafePath { archive, .. } if archive == "evil.zip"), "{err}");
            assert!(err.to_string().contains(expected), "{err}");
        }

        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        w.add_symlink("link", "/etc/passwd", zip::write::SimpleFileOptions::default()).unwrap();
        let bytes = w.finish().unwrap().into_inner();
        let err = FileTree::from_zip("link.zip", &bytes, &Limits::default()).unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");

        // Two entries with the same name: write "a.txt" and "b.txt", then rename b to a.
        let mut bytes = zip_with(&[("a.txt", b"1"), ("b.txt", b"2")]);
        patch(&mut bytes, b"b.txt", b"a.txt");
        let err = FileTree::from_zip("dup.zip", &bytes, &Limits::default()).unwrap_err();
        assert!(err.to_string().contains("twice"), "{err}");

        // Non-UTF-8 name: patch a byte of the name into 0xff.
        let mut bytes = zip_with(&[("n.txt", b"1")]);
        patch(&mut bytes, b"n.txt", b"\xff.txt");
        let err = FileTree::from_zip("bad.zip", &bytes, &Limits::default()).unwrap_err();
        assert!(err.to_string().contains("UTF-8"), "{err}");

        // Encrypted entry: set bit 0 of the general-purpose flags in both headers.
        let mut bytes = zip_with(&[("secret.txt", b"1")]);
        let local = 6; // local header: signature (4), version (2), flags
        bytes[local] |= 1;
        let central = bytes.windows(4).position(|w| w == [0x50, 0x4b, 0x01, 0x02]).unwrap() + 8;
        bytes[central] |= 1;
        let err = FileTree::from_zip("enc.zip", &bytes, &Limits::default()).unwrap_err();
        assert!(matches!(&err, Error::Archive { .. }) && err.to_string().contains("encrypted"), "{err}");

        assert!(matches!(
            FileTree::from_zip("x.zip", b"PK not really", &Limits::default()),
            Err(Error::Archive { .. })
        ));
    }

    #[test]
    fn zip_bomb_is_refused() {
        let zeros = vec![0u8; 50 << 20];
        let bytes = zip_with(&[("bomb.bin", &zeros)]);
        drop(zeros);
        let limits = Limits { max_ratio: 100, ..Limits::default() };
        let err = FileTree::from_zip("bomb.zip", &bytes, &limits).unwrap_err();
        assert!(matches!(&err, Error::TooLarge { file, .. } if file.contains("bomb.bin")), "{err}");
        assert!(err.to_string().contains("52428800 bytes compressed into"), "{err}");
    }

    #[test]
    fn zip_directories_are_implied() {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default();
        w.add_directory("dir/", opts).unwrap();
        w.start_file("dir/a.txt", opts).unwrap();
        w.write_all(b"a").unwrap();
        let bytes = w.finish().unwrap().into_inner();
        let t = FileTree::from_zip("d.zip", &bytes, &Limits::default()).unwrap();
        assert_eq!(t.iter().map(|(p, _)| p).collect::<Vec<_>>(), vec!["dir/a.txt"]);
    }

    fn arb_tree() -> impl Strategy<Value = FileTree> {
        let segment = "[a-zA-Z0-9_é -]{1,12}".prop_filter("not dots", |s| s != "." && s != "..");
        let path = proptest::collection::vec(segment, 1..4).prop_map(|parts| parts.join("/"));
        proptest::collection::btree_map(path, proptest::collection::vec(any::<u8>(), 0..300), 0..12).prop_map(|files| {
            let mut t = FileTree::new();
            for (p, d) in files {
                // Skip paths that clash with a file/folder already there.
                let _ = t.insert(&p, d);
            }
            t
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn prop_roundtrips(t in arb_tree()) {
            let zip = t.to_zip().unwrap();
            prop_assert_eq!(&FileTree::from_zip("p.zip", &zip, &Limits::default()).unwrap(), &t);
            prop_assert_eq!(zip, t.to_zip().unwrap());
            let tar = t.to_tar().unwrap();
            prop_assert_eq!(&FileTree::from_tar("p.tar", &tar, &Limits::default()).unwrap(), &t);
            prop_assert_eq!(tar, t.to_tar().unwrap());
        }
    }
}
