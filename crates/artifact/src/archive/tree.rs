//! A set of files addressed by validated relative paths: what every text form, archive and
//! folder is read into and written from.
//!
//! Every path in a [`FileTree`] has passed [`check_path`], so a tree can be written anywhere
//! without escaping its folder. The readers (`from_zip` in `zip.rs`, `from_tar` in `tar.rs`,
//! `from_dir` natively) treat their input as hostile and enforce [`Limits`](super::limits::Limits)
//! while reading; the writers are pure functions of the tree, so the same tree always gives the
//! same bytes.

use std::collections::{BTreeMap, BTreeSet};

use crate::archive::limits::{check_path, unsafe_path};
use crate::error::Result;

/// A set of files by relative, `/`-separated path, sorted by path.
///
/// Directories are implied by the paths of the files they hold. The readers also note the
/// folders they met (an empty one included), so a folder where a file is expected can be told
/// from a missing file; two trees are equal when their files are.
#[derive(Debug, Clone, Default)]
pub struct FileTree {
    pub(crate) files: BTreeMap<String, Vec<u8>>,
    pub(crate) folders: BTreeSet<String>,
}

impl PartialEq for FileTree {
    fn eq(&self, other: &Self) -> bool {
        self.files == other.files
    }
}

impl Eq for FileTree {}

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

    /// Notes the folder at `path`, which a reader met (it may be empty).
    ///
    /// # Errors
    ///
    /// [`Error::UnsafePath`] when `path` is refused by [`check_path`].
    pub fn insert_folder(&mut self, path: &str) -> Result<()> {
        let path = check_path("tree", path.trim_end_matches('/'))?;
        self.folders.insert(path);
        Ok(())
    }

    /// Whether `path` is a folder: one a reader met, or one that holds files.
    pub fn is_folder(&self, path: &str) -> bool {
        let prefix = format!("{path}/");
        self.folders.contains(path)
            || self.files.range(prefix.clone()..).next().is_some_and(|(p, _)| p.starts_with(&prefix))
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
        let folders = self
            .folders
            .range(start.clone()..)
            .take_while(|k| k.starts_with(&start))
            .map(|k| k[start.len()..].to_owned())
            .collect();
        FileTree { files, folders }
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
    pub(crate) fn check_no_clash(&self, archive: &str, path: &str) -> Result<()> {
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
    pub(crate) fn add_entry(&mut self, archive: &str, path: String, data: Vec<u8>) -> Result<()> {
        if self.files.contains_key(&path) {
            return Err(unsafe_path(archive, &path, "the archive holds this entry twice"));
        }
        self.check_no_clash(archive, &path)?;
        self.files.insert(path, data);
        Ok(())
    }
}
