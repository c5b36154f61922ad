//! Sets of files addressed by relative paths, and the zip, tar and folder forms they travel in.
//! (API stub: the real implementation is being written.)
#![allow(missing_docs, unused_variables)]

use std::collections::BTreeMap;

use crate::error::Result;

/// Caps applied while reading untrusted archives and folders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    pub max_entries: usize,
    pub max_file_size: u64,
    pub max_total_size: u64,
    pub max_ratio: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_entries: 20_000, max_file_size: 256 << 20, max_total_size: 1 << 30, max_ratio: 200 }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileTree {
    files: BTreeMap<String, Vec<u8>>,
}

impl FileTree {
    pub fn new() -> Self { Self::default() }
    pub fn insert(&mut self, path: &str, data: impl Into<Vec<u8>>) -> Result<()> { unimplemented!() }
    pub fn get(&self, path: &str) -> Option<&[u8]> { unimplemented!() }
    pub fn contains(&self, path: &str) -> bool { unimplemented!() }
    pub fn remove(&mut self, path: &str) -> Option<Vec<u8>> { unimplemented!() }
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[u8])> { self.files.iter().map(|(k, v)| (k.as_str(), v.as_slice())) }
    pub fn len(&self) -> usize { unimplemented!() }
    pub fn is_empty(&self) -> bool { unimplemented!() }
    pub fn total_size(&self) -> u64 { unimplemented!() }
    pub fn subtree(&self, prefix: &str) -> FileTree { unimplemented!() }
    pub fn child_dirs(&self, prefix: &str) -> Vec<String> { unimplemented!() }
    pub fn from_zip(name: &str, bytes: &[u8], limits: &Limits) -> Result<Self> { unimplemented!() }
    pub fn to_zip(&self) -> Result<Vec<u8>> { unimplemented!() }
    pub fn from_tar(name: &str, bytes: &[u8], limits: &Limits) -> Result<Self> { unimplemented!() }
    pub fn to_tar(&self) -> Result<Vec<u8>> { unimplemented!() }
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_dir(path: &std::path::Path, limits: &Limits) -> Result<Self> { unimplemented!() }
    #[cfg(not(target_arch = "wasm32"))]
    pub fn write_dir(&self, path: &std::path::Path) -> Result<()> { unimplemented!() }
}

pub fn check_path(archive: &str, path: &str) -> Result<String> { unimplemented!() }
