//! The tar form of a [`FileTree`]: the canonical archive a step's file state is stored as, read
//! with [`Limits`] (regular files only, no path escapes, no lying sizes).

use std::io::Read;

use crate::archive::limits::{Limits, check_file_size, check_path, check_total, unsafe_path};
use crate::archive::tree::FileTree;
use crate::error::{Error, Result, Shown};

impl FileTree {
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
            let declared =
                entry.header().entry_size().map_err(|e| archive_err(format!("entry {}: {e}", Shown(&path))))?;
            check_file_size(name, &path, declared, limits)?;
            check_total(name, total.saturating_add(declared), limits)?;
            let mut data = Vec::new();
            (&mut entry)
                .take(limits.max_file_size.saturating_add(1))
                .read_to_end(&mut data)
                .map_err(|e| archive_err(format!("entry {}: {e}", Shown(&path))))?;
            let size = data.len() as u64;
            check_file_size(name, &path, size, limits)?;
            if size != declared {
                return Err(archive_err(format!("entry {} is truncated: {size} of {declared} bytes", Shown(&path))));
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
}

/// Pads a tar stream to the next 512-byte block.
fn pad_block(out: &mut Vec<u8>) {
    let rem = out.len() % 512;
    if rem != 0 {
        out.resize(out.len() + 512 - rem, 0);
    }
}
