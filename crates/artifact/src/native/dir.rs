//! Folders on disk as [`FileTree`]s: read without following symbolic links, within [`Limits`];
//! written without escaping the target folder.

use std::io::Read;

use crate::archive::limits::{Limits, check_file_size, check_path, check_total, unsafe_path};
use crate::archive::tree::FileTree;
use crate::error::{Error, Result};

impl FileTree {
    /// Reads the folder at `dir`, without following symbolic links.
    ///
    /// # Errors
    ///
    /// - [`Error::Io`] when the folder or a file cannot be read.
    /// - [`Error::UnsafePath`] for a symbolic link, a special file, or a name that is not UTF-8
    ///   or is refused by [`check_path`].
    /// - [`Error::TooLarge`] when `limits` are exceeded.
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
struct DirWalk<'a> {
    archive: &'a str,
    limits: &'a Limits,
    count: usize,
    total: u64,
}

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
                tree.insert_folder(&path)?;
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
